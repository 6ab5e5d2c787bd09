"""ZOPA search: checked against brute force on small random negotiations."""

from __future__ import annotations

import itertools
import math
import random

import pytest
from fixtures.analysis.random_instances import all_packages, random_pack, random_positions

from redline.analysis import evaluate_deal, find_zopa
from redline.analysis.constraints import Condition, RedLine, conditions, red_lines, utility_table
from redline.model.positions import PositionsModel, build_model
from redline.pack.schema import Pack

SEEDS = range(80)


def _ok(member: RedLine | Condition, pack: Pack, options: dict[str, str]) -> bool:
    if isinstance(member, RedLine):
        return member.allows(pack.issue(member.issue), options[member.issue])
    return member.met(pack, options)


def _satisfiable(members: list[RedLine | Condition], pack: Pack, packages: list[dict[str, str]]) -> bool:
    return any(all(_ok(m, pack, p) for m in members) for p in packages)


def _instance(seed: int, **kw: float) -> tuple[Pack, PositionsModel]:
    rng = random.Random(seed)
    pack = random_pack(rng)
    model = build_model(random_positions(rng, pack, **kw), pack)
    return pack, model


def _packages(pack: Pack, model: PositionsModel) -> list[dict[str, str]]:
    """Every package, issues nobody holds a position or a constraint on left at the status quo
    (the search leaves them there; otherwise brute force counts each package several times)."""
    relevant = {c.issue for c in model.current()}
    relevant |= {r.issue for r in red_lines(model, pack)}
    relevant |= {x for c in conditions(model, pack) for x in (c.issue, c.condition)}
    return [p for p in all_packages(pack) if all(p[i.id] == i.status_quo for i in pack.issues if i.id not in relevant)]


@pytest.mark.parametrize("seed", SEEDS)
def test_zopa_matches_brute_force(seed: int) -> None:
    pack, model = _instance(seed)
    packages = _packages(pack, model)
    feasible = []
    for p in packages:
        ev = evaluate_deal(model, pack, p)  # an independent path: plain Python checks
        if not ev.blockers and not ev.conditional:
            feasible.append((ev.nash_product, p))
    res = find_zopa(model, pack, top=3, time_limit=30)
    assert res.feasible == bool(feasible)
    if feasible:
        assert res.certified
        best = sorted((n for n, _ in feasible), reverse=True)
        got = [pk.nash_product for pk in res.packages]
        assert len(got) == min(3, len(feasible))
        for g, b in zip(got, best, strict=False):
            assert g == pytest.approx(b, rel=1e-5, abs=1e-12)
        for pk in res.packages:
            ev = evaluate_deal(model, pack, pk.options)
            assert not ev.blockers and not ev.conditional
            assert ev.nash_product == pytest.approx(pk.nash_product)
        assert not res.conflicts
    else:
        assert res.conflicts
        members_all = [*red_lines(model, pack), *conditions(model, pack)]
        for c in res.conflicts:
            members: list[RedLine | Condition] = [*c.red_lines, *c.conditions]
            assert not _satisfiable(members, pack, packages), "a conflict set must be infeasible"
            for drop in range(len(members)):
                rest = members[:drop] + members[drop + 1 :]
                assert _satisfiable(rest, pack, packages), "a conflict set must be minimal"
        if res.conflicts_complete and len(members_all) <= 10:
            # every minimal infeasible subset, by brute force over subsets
            muses = set()
            for r in range(1, len(members_all) + 1):
                for sub in itertools.combinations(range(len(members_all)), r):
                    if any(set(m) <= set(sub) for m in muses):
                        continue
                    if not _satisfiable([members_all[j] for j in sub], pack, packages):
                        muses.add(sub)
            got_sets = {
                tuple(sorted(members_all.index(m) for m in [*c.red_lines, *c.conditions])) for c in res.conflicts
            }
            assert got_sets == muses


def test_zopa_checks_every_seed_is_tested() -> None:
    """The random instances cover both outcomes, with conditions in play."""
    outcomes = set()
    with_conditions = 0
    for seed in SEEDS:
        pack, model = _instance(seed)
        outcomes.add(bool(find_zopa(model, pack, top=1).feasible))
        with_conditions += bool(conditions(model, pack))
    assert outcomes == {True, False}
    assert with_conditions > 10


@pytest.mark.parametrize("seed", range(15))
def test_top_k_ranking_is_exact_with_more_options(seed: int) -> None:
    rng = random.Random(1000 + seed)
    pack = random_pack(rng, n_parties=4, n_issues=4, n_options=4)
    model = build_model(random_positions(rng, pack, red_line_rate=0.1), pack)
    feasible = []
    for p in _packages(pack, model):
        ev = evaluate_deal(model, pack, p)
        if not ev.blockers and not ev.conditional:
            feasible.append(ev.nash_product)
    res = find_zopa(model, pack, top=5)
    assert res.feasible == bool(feasible)
    if feasible:
        expected = sorted(feasible, reverse=True)[:5]
        assert [pk.nash_product for pk in res.packages] == pytest.approx(expected, rel=1e-5, abs=1e-12)


@pytest.mark.parametrize("seed", range(10))
def test_diverse_packages_differ_in_enough_issues(seed: int) -> None:
    rng = random.Random(2000 + seed)
    pack = random_pack(rng, n_parties=3, n_issues=5, n_options=3)
    model = build_model(random_positions(rng, pack, red_line_rate=0.05, condition_rate=0.0), pack)
    plain = find_zopa(model, pack, top=1)
    res = find_zopa(model, pack, top=4, min_distance=2)
    if not plain.feasible:
        assert not res.feasible
        return
    assert res.packages[0].nash_product == pytest.approx(plain.packages[0].nash_product, rel=1e-6)
    for a, b in itertools.combinations(res.packages, 2):
        assert sum(a.options[i] != b.options[i] for i in pack.issue_ids) >= 2


def test_utilities_are_salience_weighted_closeness() -> None:
    pack, model = _instance(3)
    table = utility_table(model, pack)
    for party in table.parties:
        sq = {i.id: i.status_quo for i in pack.issues}
        cells = [c for c in model.for_party(party) if c.value is not None]
        total = sum(c.salience for c in cells) or len(cells)
        expected = (
            sum(
                (c.salience if sum(x.salience for x in cells) else 1)
                * (1 - abs(pack.issue(c.issue).option(sq[c.issue]).value - c.value) / 100)
                for c in cells
            )
            / total
        )
        assert table.utility(party, sq, pack) == pytest.approx(expected)
        assert 0 <= table.utility(party, sq, pack) <= 1
    assert math.isfinite(find_zopa(model, pack).stats["seconds"])


def test_no_positions_gives_the_status_quo() -> None:
    rng = random.Random(5)
    pack = random_pack(rng)
    model = build_model([], pack)
    res = find_zopa(model, pack)
    assert res.feasible and res.certified
    assert res.packages[0].options == {i.id: i.status_quo for i in pack.issues}
    assert res.parties == []


def test_issue_zones_report_no_zone_and_agreement() -> None:
    rng = random.Random(0)
    pack = random_pack(rng, n_parties=3, n_issues=2, n_options=3)
    from redline.types import Evidence, Position

    def pos(party: str, issue: str, stance: str, red: bool = False) -> Position:
        return Position(
            doc="d",
            party=party,
            issue=issue,
            stance=stance,
            kind="quote",
            evidence=Evidence(-1, -1, f"{party} says {stance} on {issue}"),
            red_line=red,
            confidence=1.0,
        )

    model = build_model(
        [
            pos("P0", "i0", "favor", True),
            pos("P1", "i0", "against", True),
            pos("P0", "i1", "favor"),
            pos("P1", "i1", "favor"),
            pos("P2", "i1", "favor"),
        ],
        pack,
    )
    res = find_zopa(model, pack)
    assert not res.feasible
    z0 = res.zone("i0")
    assert z0.status == "no_zone" and z0.allowed == []
    assert "P0 red line «P0 says favor on i0»" in z0.describe()
    assert "P1 red line «P1 says against on i0»" in z0.describe()
    assert res.zone("i1").status == "agreement"
    assert res.zone("i1").describe() == "agreement on i1: P0 favor, P1 favor, P2 favor"
    assert len(res.conflicts) == 1 and res.conflicts[0].size == 2 and res.conflicts_complete
    assert res.relaxed and len(res.relaxed[0].crossed) == 1
