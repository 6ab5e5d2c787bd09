"""Analyst positions files: validated, named in errors, and winning over extraction."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.analysis import evaluate_deal, find_zopa
from redline.analysis.constraints import red_lines
from redline.model.overrides import OverridesError, load_overrides
from redline.model.positions import build_model
from redline.pack import load_pack
from redline.pack.schema import Pack
from redline.types import Evidence, Position

FIXTURES = Path(__file__).parent / "fixtures" / "analysis"


@pytest.fixture(scope="module")
def pack() -> Pack:
    return load_pack(FIXTURES / "pack_small.yaml")


def _pos(party: str, issue: str, stance: str, red_line: bool = False) -> Position:
    return Position(
        doc="d.txt",
        party=party,
        issue=issue,
        stance=stance,
        kind="quote",
        evidence=Evidence(-1, -1, f"{party}: {stance} on {issue}"),
        red_line=red_line,
        confidence=1.0,
    )


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "analyst.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_overrides_win_and_are_marked(pack: Pack, tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
description: analyst view
parties:
  UNION:
    capability: 2.5
    issues:
      wage_rise: {position: 85, salience: 40, red_line: true, note: "strike vote of 12 May"}
  BOARD:
    issues:
      pension_fund: {stance: against, salience: 90}
""",
    )
    ov = load_overrides(path, pack)
    extracted = [_pos("UNION", "wage_rise", "against"), _pos("UNION", "job_cuts", "against")]
    model = build_model(extracted, pack, ov)
    w = model.cell("UNION", "wage_rise")
    assert w is not None
    assert w.override and w.value == 85 and w.stance == "favor" and w.red_line and w.salience == 40
    assert set(w.override_fields) == {"position", "salience", "red_line"}
    assert w.option == "five"
    j = model.cell("UNION", "job_cuts")
    assert j is not None and not j.override  # untouched
    b = model.cell("BOARD", "pension_fund")  # created by the file alone
    assert b is not None and b.override and b.stance == "against" and b.value == 0 and b.evidence_count == 0
    assert model.capability_of("UNION") == 2.5 and model.capability_of("MGMT") == 1.0
    assert model.overrides_source == str(path)
    d = model.to_dict()
    assert next(c for c in d["positions"] if c["issue"] == "wage_rise")["override"] is True
    rl = next(r for r in red_lines(model, pack) if r.party == "UNION")
    assert rl.override and rl.stance == "favor" and "strike vote of 12 May" in rl.describe()
    ev = evaluate_deal(model, pack, {"wage_rise": "small"})
    assert ev.blockers == ["UNION"]
    assert "analyst override" in ev.verdict_of("UNION").crossed[0].describe()
    assert find_zopa(model, pack).feasible


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("parties:\n  NOPE:\n    issues: {}\n", "parties.NOPE: unknown party"),
        ("parties:\n  UNION:\n    issues:\n      nope: {position: 3}\n", "parties.UNION.issues.nope: unknown issue"),
        (
            "parties:\n  UNION:\n    issues:\n      wage_rise: {position: 130}\n",
            "parties.UNION.issues.wage_rise.position: Input should be less than or equal to 100",
        ),
        (
            "parties:\n  UNION:\n    issues:\n      wage_rise: {stance: maybe}\n",
            "parties.UNION.issues.wage_rise.stance",
        ),
        ("parties:\n  UNION:\n    capability: -1\n", "parties.UNION.capability"),
        (
            "parties:\n  UNION:\n    issues:\n      wage_rise: {colour: red}\n",
            "parties.UNION.issues.wage_rise.colour: Extra inputs are not permitted",
        ),
        (
            "parties:\n  UNION:\n    issues:\n      wage_rise: {stance: conditional, condition: wage_rise}\n",
            "parties.UNION.issues.wage_rise.condition",
        ),
        ("- a list\n", "must be a YAML mapping"),
        ("parties: [unclosed\n", "not valid YAML"),
    ],
)
def test_override_errors_name_file_and_path(pack: Pack, tmp_path: Path, text: str, expected: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(OverridesError) as info:
        load_overrides(path, pack)
    assert str(path) in str(info.value)
    assert expected in str(info.value)


def test_red_line_without_stance_is_an_error(pack: Pack, tmp_path: Path) -> None:
    path = _write(tmp_path, "parties:\n  UNION:\n    issues:\n      wage_rise: {red_line: true}\n")
    ov = load_overrides(path, pack)
    with pytest.raises(OverridesError, match="needs a stance or a position"):
        build_model([], pack, ov)


def test_missing_file(tmp_path: Path, pack: Pack) -> None:
    with pytest.raises(OverridesError, match="cannot read"):
        load_overrides(tmp_path / "absent.yaml", pack)
