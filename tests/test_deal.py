"""Deal evaluation on hand-made positions."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.analysis.deal import DealError, evaluate_deal, load_deal, make_deal
from redline.model.positions import build_model
from redline.pack import load_pack
from redline.pack.schema import Pack
from redline.types import Evidence, Position

FIXTURES = Path(__file__).parent / "fixtures" / "analysis"


@pytest.fixture(scope="module")
def pack() -> Pack:
    return load_pack(FIXTURES / "pack_small.yaml")


def _pos(party: str, issue: str, stance: str, text: str, **kw: object) -> Position:
    return Position(
        doc=str(kw.pop("doc", "talks.txt")),
        party=party,
        issue=issue,
        stance=stance,
        kind=str(kw.pop("kind", "quote")),
        evidence=Evidence(-1, -1, text),
        confidence=1.0,
        **kw,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def positions() -> list[Position]:
    return [
        _pos(
            "UNION",
            "wage_rise",
            "favor",
            "A raise of five percent is the minimum, full stop.",
            red_line=True,
            speaker="Ana Ruiz",
            doc="union_rally.txt",
        ),
        _pos("UNION", "job_cuts", "against", "Not one job will go.", red_line=True),
        _pos(
            "MGMT",
            "job_cuts",
            "conditional",
            "We can keep every job if the pension fund is secured.",
            condition="pension_fund",
        ),
        _pos("MGMT", "wage_rise", "against", "No raise this year."),
        _pos("BOARD", "pension_fund", "favor", "The fund must be guaranteed."),
    ]


def test_red_line_crossed_with_quote_and_document(pack: Pack, positions: list[Position]) -> None:
    model = build_model(positions, pack)
    ev = evaluate_deal(model, pack, {"wage_rise": "small", "pension_fund": "partial"})
    union = ev.verdict_of("UNION")
    assert union.verdict == "reject"
    (breach,) = union.crossed
    assert breach.red_line.issue == "wage_rise" and breach.option == "small"
    assert breach.red_line.quote == "A raise of five percent is the minimum, full stop."
    assert breach.red_line.doc == "union_rally.txt"
    text = breach.describe()
    assert "UNION's red line wage_rise ≥ five" in text
    assert "«A raise of five percent is the minimum, full stop.» (Ana Ruiz, union_rally.txt)" in text
    assert ev.blockers == ["UNION"] and ev.verdict == "blocked"
    assert any(line.startswith("UNION blocks:") for line in ev.summary())


def test_against_red_line_crossed_at_favor_from(pack: Pack, positions: list[Position]) -> None:
    model = build_model(positions, pack)
    for option, crossed in (("none", False), ("some", True), ("many", True)):
        ev = evaluate_deal(model, pack, {"job_cuts": option, "wage_rise": "five", "pension_fund": "full"})
        union = ev.verdict_of("UNION")
        assert bool(union.crossed) is crossed
        if crossed:
            assert union.crossed[0].red_line.requirement == "job_cuts ≤ none"


def test_unmet_condition_text(pack: Pack, positions: list[Position]) -> None:
    model = build_model(positions, pack)
    ev = evaluate_deal(model, pack, {"job_cuts": "some", "wage_rise": "five"})
    mgmt = ev.verdict_of("MGMT")
    assert mgmt.verdict == "conditional"
    (cond,) = mgmt.unmet
    assert cond.describe() == "MGMT's job_cuts requires pension_fund ≥ partial"
    assert cond.quote == "We can keep every job if the pension fund is secured."
    assert ev.conditional == ["MGMT"]
    # met once the condition holds; moot when the deal does not realise the issue
    assert evaluate_deal(model, pack, {"job_cuts": "some", "pension_fund": "partial"}).verdict_of("MGMT").unmet == []
    assert evaluate_deal(model, pack, {"job_cuts": "none"}).verdict_of("MGMT").unmet == []


def test_acceptable_deal_and_utilities(pack: Pack, positions: list[Position]) -> None:
    model = build_model(positions, pack)
    ev = evaluate_deal(model, pack, {"wage_rise": "seven", "pension_fund": "full"})
    assert ev.verdict == "acceptable" and ev.blockers == []
    assert {v.party: v.verdict for v in ev.parties} == {"MGMT": "accept", "UNION": "accept", "BOARD": "accept"}
    board = ev.verdict_of("BOARD")
    assert board.utility == pytest.approx(1 - abs(100 - 50) / 100)  # favor -> favor_from value 50
    union = ev.verdict_of("UNION")
    # UNION: wage_rise red line -> position 100 (seven), job_cuts against -> 0 (none): both met exactly
    assert union.utility == pytest.approx(1.0)
    assert union.status_quo_utility < union.utility
    import math

    assert ev.nash_product == pytest.approx(math.prod(v.utility for v in ev.parties))


def test_unspecified_issues_stay_at_status_quo(pack: Pack) -> None:
    deal = make_deal({"wage_rise": "five"}, pack)
    assert deal.options == {"wage_rise": "five", "job_cuts": "none", "worker_release": "none", "pension_fund": "none"}
    assert deal.specified == ["wage_rise"]


def test_load_deal_and_errors(pack: Pack, tmp_path: Path) -> None:
    good = tmp_path / "deal.yaml"
    good.write_text("name: spring offer\noptions:\n  wage_rise: five\n  pension_fund: full\n", encoding="utf-8")
    deal = load_deal(good, pack)
    assert deal.name == "spring offer" and deal.options["pension_fund"] == "full"
    cases = {
        "options:\n  wage: five\n": "options.wage: unknown issue",
        "options:\n  wage_rise: ten\n": "options.wage_rise: unknown option 'ten' (freeze, small, five, seven)",
        "options: [a]\n": "options: must map issue ids",
        "optoins: {}\n": "optoins: unknown field",
        "- 1\n": "a deal must be a YAML mapping",
        "options: {wage_rise: [\n": "not valid YAML",
    }
    for text, expected in cases.items():
        bad = tmp_path / "bad.yaml"
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(DealError) as info:
            load_deal(bad, pack)
        assert str(bad) in str(info.value) and expected in str(info.value), str(info.value)


def test_to_dict_is_json_ready(pack: Pack, positions: list[Position]) -> None:
    import json

    model = build_model(positions, pack)
    d = evaluate_deal(model, pack, {"wage_rise": "small"}).to_dict()
    json.dumps(d)
    assert d["blockers"] == ["UNION"]
    assert d["parties"][1]["crossed"][0]["red_line"]["quote"].startswith("A raise")
