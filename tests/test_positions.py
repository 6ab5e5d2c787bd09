"""The positions model: current stance, history, salience, shifts, divergences, contradictions."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.model.positions import (
    When,
    build_model,
    find_figure_contradictions,
    nearest_option,
    parse_when,
    stance_value,
)
from redline.pack import load_pack
from redline.pack.schema import Pack
from redline.types import Document, Evidence, Position

FIXTURES = Path(__file__).parent / "fixtures" / "analysis"


@pytest.fixture(scope="module")
def pack() -> Pack:
    return load_pack(FIXTURES / "pack_small.yaml")


def pos(
    party: str,
    issue: str,
    stance: str,
    *,
    text: str | None = None,
    doc: str = "d1",
    speaker: str = "",
    red_line: bool = False,
    kind: str = "quote",
    when: str | None = None,
    doc_date: str | None = None,
    outlet: str | None = None,
    historical: bool = False,
    condition: str | None = None,
    confidence: float = 1.0,
) -> Position:
    return Position(
        doc=doc,
        party=party,
        issue=issue,
        stance=stance,
        kind=kind,
        evidence=Evidence(-1, -1, text or f"{party} {stance} {issue}"),
        speaker=speaker,
        red_line=red_line,
        condition=condition,
        when=when,
        confidence=confidence,
        outlet=outlet,
        doc_date=doc_date,
        historical=historical,
    )


def test_parse_when() -> None:
    assert parse_when("2025-07-23") == When(2025, 7, 23)
    assert parse_when("2024-06") == When(2024, 6)
    assert parse_when("2022") == When(2022)
    assert parse_when("2025-07-23T10:00:00Z") == When(2025, 7, 23)
    assert parse_when("02-26", "2025-03-06") == When(2025, 2, 26)
    assert parse_when("02-26") is None
    assert parse_when("2023-02-30") == When(2023, 2)
    assert parse_when("summer") is None
    assert parse_when(None) is None
    assert When(2022) < When(2022, 3) < When(2022, 3, 1) < When(2023)


def test_later_statement_outweighs_earlier(pack: Pack) -> None:
    early = pos("UNION", "job_cuts", "favor", doc_date="2024-01-10", text="early")
    late = pos("UNION", "job_cuts", "against", doc_date="2024-06-01", kind="narrative", text="late")
    for order in ([early, late], [late, early]):
        cell = build_model(order, pack).cell("UNION", "job_cuts")
        assert cell is not None
        assert cell.stance == "against"
        assert cell.carrying[0].quote == "late"
        assert cell.first_seen == "2024-01-10" and cell.last_seen == "2024-06-01"
    # two earlier quotes still lose to a later one months on
    model = build_model(
        [
            pos("UNION", "job_cuts", "favor", when="2024-01-10", doc="a"),
            pos("UNION", "job_cuts", "favor", when="2024-01-12", doc="b"),
            pos("UNION", "job_cuts", "against", when="2024-05-01", doc="c"),
        ],
        pack,
    )
    assert model.cell("UNION", "job_cuts").stance == "against"  # type: ignore[union-attr]


def test_when_beats_document_date(pack: Pack) -> None:
    old = pos("MGMT", "wage_rise", "favor", when="2019-05", doc_date="2025-01-01", text="back in 2019")
    new = pos("MGMT", "wage_rise", "against", doc_date="2024-12-01", text="now")
    cell = build_model([old, new], pack).cell("MGMT", "wage_rise")
    assert cell is not None and cell.stance == "against"


def test_historical_never_current(pack: Pack) -> None:
    hist = pos("MGMT", "job_cuts", "favor", red_line=True, historical=True, when="2020", text="then")
    now = pos("MGMT", "job_cuts", "against", kind="narrative", confidence=0.3, text="now")
    cell = build_model([hist, now], pack).cell("MGMT", "job_cuts")
    assert cell is not None
    assert cell.stance == "against" and not cell.red_line
    assert [s.quote for s in cell.history] == ["then"]
    assert [s.quote for s in cell.statements] == ["now"]
    only_hist = build_model([hist], pack)
    c2 = only_hist.cell("MGMT", "job_cuts")
    assert c2 is not None and c2.stance is None and c2.value is None and not c2.red_line
    assert only_hist.current() == []


def test_stance_maps_to_scale(pack: Pack) -> None:
    wage = pack.issue("wage_rise")
    assert stance_value(wage, "favor") == 70  # favor_from option
    assert stance_value(wage, "favor", red_line=True) == 100  # top of the scale
    assert stance_value(wage, "against") == 0
    assert stance_value(wage, "against", red_line=True) == 0
    assert stance_value(wage, "conditional") == 70
    assert nearest_option(wage, 56) == "five"
    assert nearest_option(wage, 55) == "small"  # a tie goes to the lower option
    assert nearest_option(wage, 20) == "freeze"  # ties go to the lower option
    model = build_model(
        [
            pos("UNION", "wage_rise", "favor", red_line=True),
            pos("MGMT", "job_cuts", "conditional", condition="wage_rise"),
        ],
        pack,
    )
    u = model.cell("UNION", "wage_rise")
    m = model.cell("MGMT", "job_cuts")
    assert u is not None and u.value == 100 and u.option == "seven" and u.red_line
    assert m is not None and m.stance == "conditional" and m.value == 50 and m.conditions == ["wage_rise"]


def test_red_line_needs_the_current_stance(pack: Pack) -> None:
    a = pos("UNION", "job_cuts", "against", doc="a", text="no cuts")
    b = pos("UNION", "job_cuts", "against", doc="b", text="never any cuts")
    c = pos("UNION", "job_cuts", "favor", doc="c", red_line=True, kind="narrative", confidence=0.2)
    cell = build_model([a, b, c], pack).cell("UNION", "job_cuts")
    assert cell is not None and cell.stance == "against" and not cell.red_line


def test_salience_normalised_per_party(pack: Pack) -> None:
    model = build_model(
        [
            pos("UNION", "wage_rise", "favor", red_line=True, doc="a"),
            pos("UNION", "wage_rise", "favor", doc="b"),
            pos("UNION", "job_cuts", "against", kind="reported"),
            pos("MGMT", "job_cuts", "favor", kind="narrative"),
        ],
        pack,
    )
    w, j = model.cell("UNION", "wage_rise"), model.cell("UNION", "job_cuts")
    assert w is not None and j is not None
    assert w.salience == 100
    assert j.salience == pytest.approx(100 * 1 / (2.5 + 1.5))  # 1 vs (1+1+0.5) + (1+0.5)
    assert w.evidence_count == 2
    assert model.cell("MGMT", "job_cuts").salience == 100  # type: ignore[union-attr]


def test_shift_detected_with_evidence(pack: Pack) -> None:
    model = build_model(
        [
            pos("MGMT", "pension_fund", "against", when="2024-01-15", text="no guarantee"),
            pos("MGMT", "pension_fund", "against", when="2024-01-20", text="still no"),
            pos("MGMT", "pension_fund", "favor", when="2024-06-02", text="we will guarantee it"),
        ],
        pack,
    )
    shifts = model.shifts()
    assert len(shifts) == 1
    sh = shifts[0]
    assert (sh.party, sh.issue, sh.before_stance, sh.after_stance) == ("MGMT", "pension_fund", "against", "favor")
    assert (sh.before_period, sh.after_period) == ("2024-01", "2024-06")
    assert [s.quote for s in sh.before] == ["no guarantee", "still no"]
    assert [s.quote for s in sh.after] == ["we will guarantee it"]
    assert "against (2024-01) -> favor (2024-06)" in sh.describe()


def test_shift_from_history_to_now(pack: Pack) -> None:
    model = build_model(
        [
            pos("UNION", "job_cuts", "conditional", historical=True, condition="pension_fund", text="in 2020"),
            pos("UNION", "job_cuts", "against", text="today"),
        ],
        pack,
    )
    (sh,) = model.shifts()
    assert sh.before_period == "earlier (undated)" and sh.after_period == "current (undated)"


def test_divergence_between_speakers(pack: Pack) -> None:
    model = build_model(
        [
            pos("MGMT", "job_cuts", "favor", speaker="CFO Smith", text="we must cut"),
            pos("MGMT", "job_cuts", "against", speaker="CEO Jones", text="no layoffs"),
            pos("MGMT", "wage_rise", "against", speaker="CFO Smith"),
            pos("MGMT", "wage_rise", "against", speaker="CEO Jones"),
        ],
        pack,
    )
    (d,) = model.divergences()
    assert d.party == "MGMT" and d.issue == "job_cuts"
    assert d.speakers == {"CEO Jones": "against", "CFO Smith": "favor"}
    assert d.opposed
    assert {s.quote for s in d.statements} == {"we must cut", "no layoffs"}
    assert model.cell("MGMT", "job_cuts").contested  # type: ignore[union-attr]
    # a divergence is not a contradiction between sources
    assert model.contradictions() == []


def test_outlet_contradiction(pack: Pack) -> None:
    model = build_model(
        [
            pos("BOARD", "pension_fund", "favor", doc="a", outlet="Daily Ledger", doc_date="2024-03-02"),
            pos("BOARD", "pension_fund", "against", doc="b", outlet="Evening Post", doc_date="2024-03-05"),
            pos("BOARD", "pension_fund", "against", doc="c", outlet="Evening Post", doc_date="2024-05-05"),
        ],
        pack,
    )
    (c,) = model.contradictions()
    assert c.kind == "stance" and c.party == "BOARD" and c.issue == "pension_fund"
    assert c.period == "2024-03"
    assert c.sources == {"Daily Ledger": "favor", "Evening Post": "against"}
    assert {s.doc for s in c.statements} == {"a", "b"}


def test_no_contradiction_across_periods_or_same_outlet(pack: Pack) -> None:
    model = build_model(
        [
            pos("BOARD", "pension_fund", "favor", doc="a", outlet="Daily Ledger", doc_date="2024-03-02"),
            pos("BOARD", "pension_fund", "against", doc="b", outlet="Evening Post", doc_date="2024-07-05"),
            pos("BOARD", "wage_rise", "favor", doc="c", outlet="Daily Ledger", doc_date="2024-03-02"),
            pos("BOARD", "wage_rise", "against", doc="d", outlet="Daily Ledger", doc_date="2024-03-03"),
        ],
        pack,
    )
    assert [c for c in model.contradictions() if c.kind == "stance"] == []


def test_figure_contradiction_between_documents(pack: Pack) -> None:
    docs = [
        Document(
            name="a.txt",
            outlet="Daily Ledger",
            date="2024-03-02",
            text="The company agreed to release 1,200 workers detained at the picket. Talks go on in 2024.",
        ),
        Document(
            name="b.txt",
            outlet="Evening Post",
            date="2024-03-04",
            text="Management said 1,000 detained strikers would be released on Friday, after a 30-day strike.",
        ),
        Document(
            name="c.txt",
            outlet="Weekly",
            date="2024-09-01",
            text="Another 300 detained strikers were freed.",
        ),
        Document(
            name="d.txt",
            outlet="Wire",
            date="2024-03-03",
            text="A copy: the company agreed to release 1,200 workers detained at the picket.",
            duplicate_of=1,
        ),
    ]
    found = find_figure_contradictions(docs, pack, window_days=7)
    assert len(found) == 1
    (fc,) = found
    assert fc.issue == "worker_release"
    assert fc.values == [1000.0, 1200.0]
    assert {m.doc for m in fc.mentions} == {"a.txt", "b.txt"}
    a = next(m for m in fc.mentions if m.doc == "a.txt")
    assert docs[0].text[a.start : a.end].startswith("1,200 workers")
    assert "1,200" in fc.describe() and "1,000" in fc.describe()
    # the same figure, or figures months apart, are no contradiction
    same = [docs[0], Document(name="e.txt", date="2024-03-03", text="They will release 1,200 detained workers.")]
    assert find_figure_contradictions(same, pack) == []
    assert find_figure_contradictions([docs[0], docs[2]], pack) == []


def test_figure_contradiction_reaches_the_model(pack: Pack) -> None:
    positions = [
        pos(
            "MGMT",
            "worker_release",
            "favor",
            doc="a",
            doc_date="2024-03-02",
            text="The company agreed to release 1,200 detained strikers.",
        ),
        pos(
            "UNION",
            "worker_release",
            "favor",
            doc="b",
            doc_date="2024-03-03",
            text="The union said 1,000 detained strikers will be freed.",
        ),
    ]
    model = build_model(positions, pack)
    kinds = [c.kind for c in model.contradictions()]
    assert kinds == ["figure"]
    assert model.to_dict()["contradictions"][0]["values"] == [1000.0, 1200.0]


def test_unknown_ids_are_skipped_with_a_note(pack: Pack) -> None:
    model = build_model(
        [
            pos("NOBODY", "wage_rise", "favor"),
            pos("UNION", "no_such_issue", "favor"),
            pos("UNION", "wage_rise", "maybe"),
            pos("UNION", "wage_rise", "conditional", condition="bogus"),
        ],
        pack,
    )
    assert len(model.notes) == 4
    assert list(model.cells) == [("UNION", "wage_rise")]
    assert model.cell("UNION", "wage_rise").conditions == []  # type: ignore[union-attr]


def test_matrix_and_to_dict(pack: Pack) -> None:
    model = build_model(
        [pos("UNION", "job_cuts", "against"), pos("MGMT", "wage_rise", "against"), pos("MGMT", "job_cuts", "favor")],
        pack,
    )
    mat = model.matrix()
    assert list(mat) == ["MGMT", "UNION"]  # pack order
    assert list(mat["MGMT"]) == ["wage_rise", "job_cuts"]
    d = model.to_dict()
    assert d["parties"] == ["MGMT", "UNION"]
    assert {p["issue"] for p in d["positions"]} == {"wage_rise", "job_cuts"}
    assert d["positions"][0]["statements"][0]["quote"]
