"""The seeds bar: from the five seed articles alone, redline concludes what a human reader does.

Input: the positions a careful human coder found (``seed_positions_from_gold``); later the
extractor's output replaces it.
"""

from __future__ import annotations

import pytest
from fixtures.analysis.seed_gold import SEEDS, seed_positions_from_gold

from redline.analysis import evaluate_deal, find_zopa
from redline.model.positions import PositionsModel, build_model
from redline.pack import load_pack
from redline.pack.schema import Pack


@pytest.fixture(scope="module")
def pack() -> Pack:
    return load_pack()


@pytest.fixture(scope="module")
def model(pack: Pack) -> PositionsModel:
    return build_model(seed_positions_from_gold(), pack)


def test_gold_evidence_is_located_in_the_seeds() -> None:
    positions = seed_positions_from_gold()
    assert len(positions) > 40
    for p in positions:
        text = (SEEDS / p.doc).read_text(encoding="utf-8")
        assert p.evidence.start >= 0
        assert text[p.evidence.start : p.evidence.end] == p.evidence.text


def test_no_zone_on_crimea_and_the_annexed_regions(model: PositionsModel, pack: Pack) -> None:
    res = find_zopa(model, pack)
    assert not res.feasible
    no_zone = {z.issue: z for z in res.no_zone}
    assert {"crimea_recognition", "occupied_recognition"} <= set(no_zone)
    for issue in ("crimea_recognition", "occupied_recognition"):
        z = no_zone[issue]
        assert [r.party for r in z.favor] == ["RU"]
        assert [r.party for r in z.against] == ["UA"]
        for r in z.favor + z.against:
            text = (SEEDS / r.doc).read_text(encoding="utf-8")  # type: ignore[operator]
            assert r.quote and r.quote in text
            assert r.quote in z.describe()
        assert z.describe().startswith(f"no zone on {issue}: RU red line «")
        assert " vs UA red line «" in z.describe()
    # the minimal conflict sets are exactly those two collisions
    pairs = {tuple(sorted((r.party, r.issue) for r in c.red_lines)) for c in res.conflicts}
    assert (("RU", "crimea_recognition"), ("UA", "crimea_recognition")) in pairs
    assert (("RU", "occupied_recognition"), ("UA", "occupied_recognition")) in pairs
    assert all(c.size == 2 for c in res.conflicts)


def test_agreement_on_the_humanitarian_track(model: PositionsModel, pack: Pack) -> None:
    res = find_zopa(model, pack)
    agreements = {z.issue: z for z in res.agreements}
    assert "prisoner_exchange" in agreements
    z = agreements["prisoner_exchange"]
    assert z.track == "humanitarian"
    assert z.stances == {"RU": "favor", "UA": "favor"}
    assert z.describe() == "agreement on prisoner_exchange: RU favor, UA favor"
    # no agreement is claimed where a party is split (the US on territorial concessions)
    assert "territorial_concessions" not in agreements


def test_us_divergence_witkoff_rubio(model: PositionsModel) -> None:
    divs = {(d.party, d.issue): d for d in model.divergences()}
    d = divs[("US", "territorial_concessions")]
    assert d.speakers == {"Marco Rubio": "against", "Steve Witkoff": "favor"}


def test_relaxed_packages_cross_only_the_colliding_red_lines(model: PositionsModel, pack: Pack) -> None:
    res = find_zopa(model, pack, top=2)
    assert res.relaxed
    for pk in res.relaxed:
        assert {r.issue for r in pk.crossed} == {"crimea_recognition", "occupied_recognition"}
        assert len(pk.crossed) == 2


def test_a_deferral_deal_is_blocked_by_russia(model: PositionsModel, pack: Pack) -> None:
    ev = evaluate_deal(
        model,
        pack,
        {"crimea_recognition": "deferred", "occupied_recognition": "de_facto", "prisoner_exchange": "exchange"},
    )
    assert ev.blockers == ["RU"]
    issues = {b.red_line.issue for b in ev.verdict_of("RU").crossed}
    assert issues == {"crimea_recognition", "occupied_recognition"}
    assert ev.verdict_of("UA").verdict == "accept"


def test_summary_bundles_everything(pack: Pack) -> None:
    import json

    from redline.analysis import summary

    out = summary(seed_positions_from_gold(), pack, top=2)
    json.dumps(out)
    assert set(out) >= {"positions", "zopa", "headline", "forecasts"}
    assert any(line.startswith("no zone on crimea_recognition") for line in out["headline"])
    assert any(f["issue"] == "prisoner_exchange" for f in out["forecasts"])
