"""Zone of possible agreement: packages every party can live with, or why there are none.

The package space (one scale option per issue) is never enumerated. OR-Tools CP-SAT gets one
boolean per (issue, option) with exactly one option per issue; every red line and condition is
a constraint guarded by its own literal (:mod:`redline.analysis.constraints`).

Ranking rule: feasible packages are ranked by the **Nash product** of the party utilities
(disagreement point 0), i.e. by the sum of log-utilities. CP-SAT cannot take a logarithm, so it
maximises an over-approximation of ``sum_p ln(u_p)``: each party's utility is an integer-scaled
linear expression of the option booleans and its log is bounded above by tangent lines of ``ln``
(a concave function is the minimum of its tangents). That gives the approximate optimum; its
exact score s1 sets a band: CP-SAT enumerates every package whose approximate objective reaches
``s1 - delta`` (minus the integer-rounding slack). Since the approximation never falls below the
exact score by more than that slack, the band holds every package scoring ``s1 - delta`` or
more; ranked exactly, its best k are the exact top k once k of them score that much. Otherwise
delta grows to the gap between s1 and the k-th best package found so far (or fourfold when
fewer than k were found) and the band is enumerated again. The ranking is then certified (``certified``). With
``min_distance`` > 1 later packages must differ from every earlier one in that many issues; the
first is still the Nash optimum, later ranks are greedy (best remaining package far enough from
every earlier one), certified in the same way.

Where no package passes, the red lines and conditions are switched to assumptions and CP-SAT's
``sufficient_assumptions_for_infeasibility`` gives a core, shrunk to a minimal conflict set by a
deletion filter (drop a member; if still infeasible it was not needed). A MARCO-style map of
explored subsets finds further minimal conflict sets, smallest first in the report. The
``relaxed`` packages cross the fewest red lines (then maximise the same Nash objective).

Per issue, independently of the search: "no zone" where no option satisfies every party's red
lines on that issue, and "agreement" where every party that holds a current stance holds the
same one (two parties at least, none of them contested: a stance with under 2/3 of the party's
own vote, as when two of its speakers pull opposite ways, is not an agreement).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from redline.analysis.constraints import (
    Condition,
    RedLine,
    UtilityTable,
    conditions,
    red_lines,
    utility_table,
)
from redline.model.positions import PositionsModel
from redline.pack.schema import Pack

__all__ = ["ConflictSet", "IssueZone", "Package", "ZopaResult", "find_zopa", "issue_zones"]

RANKING_RULE = (
    "Packages crossing no red line and meeting every condition, ranked by the Nash product of the "
    "parties' utilities (each utility = salience-weighted closeness of the chosen options to the "
    "party's positions, 0-1; disagreement point 0). CP-SAT maximises a tangent over-approximation of "
    "the sum of log-utilities, then enumerates every package the approximation puts near the optimum "
    "and ranks them by their exact Nash product; the band widens until it provably holds the top k."
)

# integer scaling of the CP-SAT objective
_SU = 10**7  # utility 1.0 = _SU
_LS = 10**4  # log-utility unit = 1e-4 nat
_D = 10**7  # tangent coefficient scale
_EPS = 1e-4  # smallest utility the tangents are fitted to
_TANGENTS = 32


@dataclass
class Package:
    """One option per issue, with what each party gets from it."""

    rank: int
    options: dict[str, str]
    changed: list[str]  # issues set away from their status quo
    utilities: dict[str, float]
    nash_product: float
    crossed: list[RedLine] = field(default_factory=list)  # only for relaxed packages
    unmet: list[Condition] = field(default_factory=list)  # only for relaxed packages

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "options": dict(self.options),
            "changed": list(self.changed),
            "utilities": {p: round(u, 4) for p, u in self.utilities.items()},
            "nash_product": self.nash_product,
            "crossed": [r.to_dict() for r in self.crossed],
            "unmet": [c.to_dict() for c in self.unmet],
        }


@dataclass
class ConflictSet:
    """Red lines and conditions that cannot all hold; dropping any one of them lifts the conflict."""

    red_lines: list[RedLine]
    conditions: list[Condition]

    @property
    def size(self) -> int:
        return len(self.red_lines) + len(self.conditions)

    @property
    def issues(self) -> list[str]:
        out: list[str] = []
        for x in [r.issue for r in self.red_lines] + [c.issue for c in self.conditions]:
            if x not in out:
                out.append(x)
        return out

    def describe(self) -> str:
        parts = [r.describe() for r in self.red_lines] + [f"{c.describe()}: {c.source_text()}" for c in self.conditions]
        return " vs ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "issues": self.issues,
            "text": self.describe(),
            "red_lines": [r.to_dict() for r in self.red_lines],
            "conditions": [c.to_dict() for c in self.conditions],
        }


@dataclass
class IssueZone:
    """One issue on its own: the options every party's red lines allow, and who stands where."""

    issue: str
    name: str
    track: str
    status: str  # no_zone | agreement | zone
    allowed: list[str]
    favor: list[RedLine]  # red lines demanding the proposition
    against: list[RedLine]  # red lines refusing it
    stances: dict[str, str]  # party -> current stance

    def describe(self) -> str:
        if self.status == "no_zone":
            sides = [
                " and ".join(f"{r.party} red line {r.source_text()}" for r in side)
                for side in (self.favor, self.against)
                if side
            ]
            return f"no zone on {self.issue}: " + " vs ".join(sides)
        if self.status == "agreement":
            return f"agreement on {self.issue}: " + ", ".join(f"{p} {s}" for p, s in self.stances.items())
        return f"zone on {self.issue}: {', '.join(self.allowed)}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "issue": self.issue,
            "name": self.name,
            "track": self.track,
            "status": self.status,
            "allowed": list(self.allowed),
            "stances": dict(self.stances),
            "text": self.describe(),
            "favor_red_lines": [r.to_dict() for r in self.favor],
            "against_red_lines": [r.to_dict() for r in self.against],
        }


@dataclass
class ZopaResult:
    feasible: bool
    packages: list[Package]
    ranking_rule: str
    certified: bool  # the ranking of ``packages`` is proven (no unseen package beats the k-th)
    conflicts: list[ConflictSet]
    conflicts_complete: bool  # every minimal conflict set was found
    issues: list[IssueZone]
    relaxed: list[Package]
    parties: list[str]
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def no_zone(self) -> list[IssueZone]:
        return [z for z in self.issues if z.status == "no_zone"]

    @property
    def agreements(self) -> list[IssueZone]:
        return [z for z in self.issues if z.status == "agreement"]

    def zone(self, issue: str) -> IssueZone:
        for z in self.issues:
            if z.issue == issue:
                return z
        raise KeyError(issue)

    def summary(self) -> list[str]:
        lines = []
        if self.feasible:
            best = self.packages[0]
            lines.append(
                f"ZOPA exists: best package (Nash product {best.nash_product:.4g}) changes "
                + (", ".join(f"{i} -> {best.options[i]}" for i in best.changed) or "nothing")
            )
        else:
            lines.append(f"no ZOPA: {len(self.conflicts)} minimal conflict set(s)")
        lines += [z.describe() for z in self.no_zone]
        lines += [z.describe() for z in self.agreements]
        return lines

    def to_dict(self) -> dict[str, Any]:
        return {
            "feasible": self.feasible,
            "ranking_rule": self.ranking_rule,
            "certified": self.certified,
            "parties": list(self.parties),
            "packages": [p.to_dict() for p in self.packages],
            "conflicts": [c.to_dict() for c in self.conflicts],
            "conflicts_complete": self.conflicts_complete,
            "no_zone": [z.issue for z in self.no_zone],
            "agreements": [z.issue for z in self.agreements],
            "issues": [z.to_dict() for z in self.issues],
            "relaxed": [p.to_dict() for p in self.relaxed],
            "summary": self.summary(),
            "stats": dict(self.stats),
        }


# --------------------------------------------------------------------------------------------
# per-issue zones
# --------------------------------------------------------------------------------------------


def issue_zones(model: PositionsModel, pack: Pack, reds: list[RedLine] | None = None) -> list[IssueZone]:
    """Per issue: the options allowed by every red line on it, and whether the parties agree."""
    reds = red_lines(model, pack) if reds is None else reds
    out = []
    for issue in pack.issues:
        mine = [r for r in reds if r.issue == issue.id]
        allowed = [o.id for o in issue.scale if all(r.allows(issue, o.id) for r in mine)]
        stances = {c.party: c.stance for c in model.for_issue(issue.id) if c.stance is not None}
        if not allowed:
            status = "no_zone"
        elif (
            len(stances) >= 2
            and len(set(stances.values())) == 1
            and not any(c.contested for c in model.for_issue(issue.id))
        ):
            status = "agreement"
        else:
            status = "zone"
        if not mine and not stances:
            continue
        out.append(
            IssueZone(
                issue=issue.id,
                name=issue.name,
                track=issue.track,
                status=status,
                allowed=allowed,
                favor=[r for r in mine if r.stance == "favor"],
                against=[r for r in mine if r.stance == "against"],
                stances=stances,
            )
        )
    return out


# --------------------------------------------------------------------------------------------
# the CP-SAT model
# --------------------------------------------------------------------------------------------


@dataclass
class _Problem:
    pack: Pack
    table: UtilityTable
    reds: list[RedLine]
    conds: list[Condition]
    free: list[int]  # issue indices searched; the others stay at their status quo
    coef: dict[str, list[list[int]]]  # party -> issue index -> option -> integer share (utility 1 = _SU)

    @property
    def n_constraints(self) -> int:
        return len(self.reds) + len(self.conds)


def _problem(model: PositionsModel, pack: Pack) -> _Problem:
    table = utility_table(model, pack)
    reds = red_lines(model, pack)
    conds = conditions(model, pack)
    relevant = {i for p in table.weights.values() for i in p}
    relevant |= {r.issue for r in reds} | {c.issue for c in conds} | {c.condition for c in conds}
    free = [n for n, i in enumerate(pack.issues) if i.id in relevant]
    coef: dict[str, list[list[int]]] = {}
    for p, row in table.weights.items():
        coef[p] = [[round(s * _SU) for s in row[i.id]] if i.id in row else [0] * len(i.scale) for i in pack.issues]
    return _Problem(pack, table, reds, conds, free, coef)


class _Cp:
    """Option booleans, guarded red lines and conditions, and (optionally) the log objective."""

    def __init__(
        self,
        prob: _Problem,
        *,
        objective: bool,
        hard: bool,
        positive: bool = False,
        min_satisfied: int | None = None,
    ) -> None:
        self.prob = prob
        m = self.m = cp_model.CpModel()
        issues = prob.pack.issues
        self.x: list[list[cp_model.IntVar]] = []
        for n, issue in enumerate(issues):
            row = [m.new_bool_var(f"x_{n}_{k}") for k in range(len(issue.scale))]
            m.add_exactly_one(row)
            if n not in prob.free:
                m.add(row[issue.option_index(issue.status_quo)] == 1)
            self.x.append(row)
        index = {i.id: n for n, i in enumerate(issues)}
        self.lits: list[cp_model.IntVar] = []
        for r in prob.reds:
            n = index[r.issue]
            t = issues[n].threshold
            bad = self.x[n][:t] if r.stance == "favor" else self.x[n][t:]
            lit = m.new_bool_var(f"rl_{r.party}_{r.issue}")
            for v in bad:
                m.add_implication(lit, v.Not())
            self.lits.append(lit)
        for c in prob.conds:
            a, b = index[c.issue], index[c.condition]
            lit = m.new_bool_var(f"cond_{c.party}_{c.issue}_{c.condition}")
            m.add(sum(self.x[a][issues[a].threshold :]) <= sum(self.x[b][issues[b].threshold :])).only_enforce_if(lit)
            self.lits.append(lit)
        if hard:
            for lit in self.lits:
                m.add(lit == 1)
        elif min_satisfied is not None:  # relaxed: at least this many red lines and conditions hold
            m.add(sum(self.lits) >= min_satisfied)
        self.logs: list[cp_model.IntVar] = []
        self.utils: list[cp_model.IntVar] = []
        self.points: list[list[float]] = []
        self.log_lo = 0
        if objective:
            self._utilities(positive)
            self._objective()

    def _utilities(self, positive: bool) -> None:
        """One integer utility per party (1.0 = _SU) and the points its tangents touch ln at."""
        m, prob = self.m, self.prob
        for p in prob.table.parties:
            rows = prob.coef[p]
            terms = []
            for n, row in enumerate(rows):
                terms += [c * self.x[n][k] for k, c in enumerate(row) if c]
            u_hi = sum(max(row) for row in rows)
            u = m.new_int_var(0, u_hi, f"u_{p}")
            m.add(u == sum(terms))
            if positive:
                m.add(u >= 1)
            # tangent points spread over the party's own utility range
            a = max(_EPS, sum(min(row) for row in rows) / _SU)
            b = max(a * 1.0001, u_hi / _SU)
            self.points.append([a * (b / a) ** (j / (_TANGENTS - 1)) for j in range(_TANGENTS)])
            self.utils.append(u)

    def _objective(self) -> None:
        """log_p <= every tangent of ln: a concave function is the minimum of its tangents, so the
        largest feasible log_p is >= ln(u_p) (an over-approximation, tight at the tangent points)."""
        m, prob = self.m, self.prob
        for n, p in enumerate(prob.table.parties):
            a, b = self.points[n][0], self.points[n][-1]
            p_lo = math.floor(_LS * (math.log(a) - 1)) - 2
            self.log_lo = min(self.log_lo, p_lo)
            self.logs.append(m.new_int_var(p_lo, max(0, math.ceil(_LS * math.log(b)) + 2), f"log_{p}"))
            for uj in self.points[n]:
                slope, const = _tangent(uj)
                m.add(_D * self.logs[n] <= const + slope * self.utils[n])
        if self.logs:
            m.maximize(sum(self.logs))
        else:  # nobody holds a position: prefer the status quo
            issues = prob.pack.issues
            m.maximize(sum(self.x[n][issues[n].option_index(issues[n].status_quo)] for n in prob.free))

    def band(self, bound: int, extra: list[list[float]]) -> None:
        """Only packages whose approximate objective reaches ``bound``: each party's scaled log is
        *equal* to the minimum of its tangents (so every package is one solution, for enumeration)."""
        m = self.m
        total = []
        for n, u in enumerate(self.utils):
            u_hi = round(sum(max(row) for row in list(self.prob.coef.values())[n]))
            lines = [_tangent(uj) for uj in sorted(set(self.points[n] + extra[n]))]
            lo = min(c for _, c in lines)
            hi = min(c + sl * u_hi for sl, c in lines)
            lr = m.new_int_var(lo, max(lo, hi), f"lraw_{n}")
            m.add_min_equality(lr, [c + sl * u for sl, c in lines])
            for sl, c in lines:  # the same bounds as linear constraints, for the LP relaxation
                m.add(lr <= c + sl * u)
            total.append(lr)
        m.add(sum(total) >= _D * bound)

    def chosen(self, solver: cp_model.CpSolver | cp_model.CpSolverSolutionCallback) -> tuple[int, ...]:
        return tuple(next(k for k, v in enumerate(row) if solver.boolean_value(v)) for row in self.x)

    def cut(self, choice: tuple[int, ...], min_distance: int) -> None:
        vs = [self.x[n][choice[n]] for n in self.prob.free]
        self.m.add(sum(vs) <= len(vs) - min_distance)


def _tangent(uj: float) -> tuple[int, int]:
    """The tangent of ln at uj, scaled: _D * _LS * (ln(uj) + (U / _SU - uj) / uj) = const + slope * U."""
    return round(_D * _LS / (_SU * uj)), round(_D * _LS * (math.log(uj) - 1))


def _solver(seconds: float, workers: int = 1) -> cp_model.CpSolver:
    s = cp_model.CpSolver()
    s.parameters.max_time_in_seconds = max(0.01, seconds)
    s.parameters.num_workers = workers
    # the models are small and solved many times: presolve costs more than it saves (measured ~2x)
    s.parameters.cp_model_presolve = False
    return s


def _options(prob: _Problem, choice: tuple[int, ...]) -> dict[str, str]:
    return {i.id: i.scale[k].id for i, k in zip(prob.pack.issues, choice, strict=True)}


def _score(prob: _Problem, choice: tuple[int, ...]) -> float:
    """The ranking key: sum of log-utilities on the integer-scaled shares (-inf where one is 0).

    The shares are the exact utilities rounded to 1e-7, so this orders packages as the Nash
    product does up to that rounding, and it is what the solver's bound is certified against.
    """
    total = 0.0
    for rows in prob.coef.values():
        u = sum(rows[n][k] for n, k in enumerate(choice))
        if u <= 0:
            return -math.inf
        total += math.log(u / _SU)
    return total


def _slack(prob: _Problem) -> int:
    """How far the solver's objective (units 1/_LS) may fall below _LS * the key of a package.

    Tangents over-estimate ln, so only the rounding of the tangent coefficients (at most
    (0.5 * U + 0.5) / _D) and the integer floor of each log variable (< 1) can pull it below.
    """
    n_p = len(prob.coef)
    umax = max((sum(max(r) for r in rows) for rows in prob.coef.values()), default=0)
    return math.ceil(n_p * ((0.5 * umax + 0.5) / _D + 1)) + 2


def _package(prob: _Problem, choice: tuple[int, ...], rank: int) -> Package:
    options = _options(prob, choice)
    pack = prob.pack
    utils = prob.table.utilities(options, pack)
    changed = [i.id for i in pack.issues if options[i.id] != i.status_quo]
    crossed = [r for r in prob.reds if not r.allows(pack.issue(r.issue), options[r.issue])]
    unmet = [c for c in prob.conds if not c.met(pack, options)]
    nash = math.prod(utils.values()) if utils else 0.0
    return Package(rank, options, changed, utils, nash, crossed, unmet)


def _search(
    prob: _Problem,
    top: int,
    min_distance: int,
    deadline: float,
    stats: dict[str, Any],
    min_satisfied: int | None = None,
) -> tuple[list[tuple[int, ...]], bool, bool]:
    """Top packages by exact Nash score; (choices, any feasible, certified).

    1. CP-SAT maximises the tangent over-approximation of the sum of log-utilities (every party's
       utility kept above 0): the approximate optimum d1, with exact score s1.
    2. Certification band: enumerate every package whose approximate objective reaches
       ``s1 - delta`` minus the rounding slack. The approximation never falls below the exact
       score by more than that slack, so the band holds every package scoring at least
       ``s1 - delta``; once ``top`` of the picks (best exact score first, at least
       ``min_distance`` issues apart) score that much, they are the exact top. Otherwise delta
       grows to reach the k-th best package found so far (fourfold where fewer than k were
       found) and the band is enumerated again.

    ``min_satisfied``: search the relaxed problem (red lines and conditions soft, at least this
    many of them holding) instead of the hard one.
    """
    hard = min_satisfied is None
    cp = _Cp(prob, objective=True, hard=hard, positive=True, min_satisfied=min_satisfied)
    solver = _solver(deadline - time.perf_counter())
    status = solver.solve(cp.m)
    stats["solves"] += 1
    if status == cp_model.INFEASIBLE:
        # no feasible package at all, or every one leaves some party at utility 0
        return _cut_loop(prob, top, min_distance, deadline, stats, min_satisfied)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return [], False, False
    first = cp.chosen(solver)
    if not prob.free or not prob.coef:
        return [first], True, True
    keys = {first: _score(prob, first)}
    best = keys[first]
    extra = [[u / _SU] for u in _utils_int(prob, first)]
    limit = len(prob.coef) * math.log(_SU) + 1  # beyond this every positive package is in the band
    delta = 0.002
    while True:
        bound = math.floor(_LS * (best - delta)) - _slack(prob)
        band, complete = _enumerate(prob, bound, extra, deadline, stats, min_satisfied)
        for c in band:
            if c not in keys:
                keys[c] = _score(prob, c)
        picks = _pick(prob, keys, top, min_distance)
        if not complete:
            return picks, True, False
        if sum(keys[c] >= best - delta for c in picks) >= top or delta > limit:
            return picks, True, True
        if len(picks) == top:
            # enough candidates, some scoring below the band's guarantee: a band reaching the
            # k-th of them holds every package that can beat it (one more enumeration)
            delta = max(best - keys[picks[-1]] + 1e-9, delta * 1.001)
        else:
            delta *= 4


def _pick(prob: _Problem, keys: dict[tuple[int, ...], float], top: int, min_distance: int) -> list[tuple[int, ...]]:
    """Best exact score first (ties: the lower option indices), at least ``min_distance`` apart."""
    chosen: list[tuple[int, ...]] = []
    for c in sorted(keys, key=lambda c: (-keys[c], c)):
        if all(sum(c[n] != d[n] for n in prob.free) >= min_distance for d in chosen):
            chosen.append(c)
            if len(chosen) == top:
                break
    return chosen


def _cut_loop(
    prob: _Problem,
    top: int,
    min_distance: int,
    deadline: float,
    stats: dict[str, Any],
    min_satisfied: int | None,
) -> tuple[list[tuple[int, ...]], bool, bool]:
    """Without a package that leaves every party some utility, every Nash product is 0: the
    approximation ranks the packages (next best under no-good cuts); certified only when none is
    left."""
    cp = _Cp(prob, objective=True, hard=min_satisfied is None, positive=False, min_satisfied=min_satisfied)
    found: list[tuple[int, ...]] = []
    while len(found) < top:
        left = deadline - time.perf_counter()
        if left <= 0:
            return found, bool(found), False
        solver = _solver(left)
        status = solver.solve(cp.m)
        stats["solves"] += 1
        if status == cp_model.INFEASIBLE:
            return found, bool(found), True
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return found, bool(found), False
        found.append(cp.chosen(solver))
        stats["zero_utility"] = True
        if not prob.free:
            return found, True, True
        cp.cut(found[-1], min_distance)
    return found, True, False


def _utils_int(prob: _Problem, choice: tuple[int, ...]) -> list[int]:
    return [sum(rows[n][k] for n, k in enumerate(choice)) for rows in prob.coef.values()]


_ENUM_CAP = 2000  # packages enumerated in a certification band at most


class _Collector(cp_model.CpSolverSolutionCallback):
    def __init__(self, cp: _Cp, cap: int) -> None:
        super().__init__()
        self.cp, self.cap = cp, cap
        self.found: list[tuple[int, ...]] = []
        self.capped = False

    def on_solution_callback(self) -> None:
        self.found.append(self.cp.chosen(self))
        if len(self.found) >= self.cap:
            self.capped = True
            self.stop_search()


def _enumerate(
    prob: _Problem,
    bound: int,
    extra: list[list[float]],
    deadline: float,
    stats: dict[str, Any],
    min_satisfied: int | None = None,
) -> tuple[list[tuple[int, ...]], bool]:
    """Every feasible package whose approximate objective reaches ``bound``; (packages, complete)."""
    cp = _Cp(prob, objective=False, hard=min_satisfied is None, min_satisfied=min_satisfied)
    cp._utilities(positive=True)
    cp.band(bound, extra)
    solver = _solver(deadline - time.perf_counter())
    solver.parameters.enumerate_all_solutions = True
    collector = _Collector(cp, _ENUM_CAP)
    status = solver.solve(cp.m, collector)
    stats["solves"] += 1
    stats["band"] = len(collector.found)
    complete = status in (cp_model.OPTIMAL, cp_model.INFEASIBLE) and not collector.capped
    return collector.found, complete


def _relaxed(prob: _Problem, top: int, deadline: float, stats: dict[str, Any]) -> list[tuple[int, ...]]:
    """Packages crossing the fewest red lines / conditions, then best by Nash product.

    Lexicographic: first the largest number of constraints that can hold together (a pure
    boolean problem), then the Nash search with at least that many holding.
    """
    count = _Cp(prob, objective=False, hard=False)
    count.m.maximize(sum(count.lits))
    solver = _solver(deadline - time.perf_counter())
    status = solver.solve(count.m)
    stats["solves"] += 1
    if status != cp_model.OPTIMAL:
        return []
    choices, _, _ = _search(prob, top, 1, deadline, stats, min_satisfied=round(solver.objective_value))
    return choices


def _conflict_sets(
    prob: _Problem, max_sets: int, deadline: float, stats: dict[str, Any]
) -> tuple[list[list[int]], bool]:
    """Minimal conflict sets (indices into reds + conds): cores shrunk by a deletion filter, MARCO."""
    cp = _Cp(prob, objective=False, hard=False)
    lits = cp.lits
    n = len(lits)
    lit_index = {lit.index: j for j, lit in enumerate(lits)}

    def check(subset: list[int]) -> tuple[bool | None, list[int]]:
        left = deadline - time.perf_counter()
        if left <= 0:
            return None, []
        cp.m.clear_assumptions()
        cp.m.add_assumptions([lits[j] for j in subset])
        solver = _solver(left, workers=1)
        status = solver.solve(cp.m)
        stats["solves"] += 1
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return True, []
        if status == cp_model.INFEASIBLE:
            core = [lit_index[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in lit_index]
            return False, core if core else list(subset)
        return None, []

    def shrink(core: list[int]) -> list[int] | None:
        cur = sorted(core)
        k = 0
        while k < len(cur):
            trial = cur[:k] + cur[k + 1 :]
            ok, sub = check(trial)
            if ok is None:
                return None
            if ok:
                k += 1
            else:
                keep = set(sub) & set(trial)
                cur = [j for j in trial if j in keep] if keep else trial
        return cur

    mapm = cp_model.CpModel()
    mv = [mapm.new_bool_var(f"m{j}") for j in range(n)]
    mapm.maximize(sum(mv))
    found: list[list[int]] = []
    complete = False
    while len(found) < max_sets:
        if time.perf_counter() >= deadline:
            break
        ms = _solver(deadline - time.perf_counter(), workers=1)
        st = ms.solve(mapm)
        stats["solves"] += 1
        if st == cp_model.INFEASIBLE:
            complete = True
            break
        if st not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break
        seed = [j for j in range(n) if ms.boolean_value(mv[j])]
        ok, core = check(seed)
        if ok is None:
            break
        if ok:
            rest = [mv[j] for j in range(n) if j not in set(seed)]
            if not rest:
                complete = True
                break
            mapm.add_bool_or(rest)  # block every subset of this satisfiable set
            continue
        mus = shrink(core)
        if mus is None:
            break
        found.append(mus)
        mapm.add_bool_or([mv[j].Not() for j in mus])  # block every superset of this conflict
    return found, complete


# --------------------------------------------------------------------------------------------
# entry point
# --------------------------------------------------------------------------------------------


def find_zopa(
    model: PositionsModel,
    pack: Pack,
    top: int = 5,
    *,
    min_distance: int = 1,
    max_conflicts: int = 10,
    relaxed: int = 3,
    time_limit: float = 20.0,
) -> ZopaResult:
    """Search for packages that cross no red line and meet every condition (see module doc)."""
    if top < 1:
        raise ValueError("top must be at least 1")
    if min_distance < 1:
        raise ValueError("min_distance must be at least 1")
    t0 = time.perf_counter()
    deadline = t0 + time_limit
    stats: dict[str, Any] = {"solves": 0, "zero_utility": False}
    prob = _problem(model, pack)
    zones = issue_zones(model, pack, prob.reds)
    choices, feasible, certified = _search(prob, top, min_distance, deadline, stats)
    stats["search_seconds"] = round(time.perf_counter() - t0, 4)
    packages = [_package(prob, c, n + 1) for n, c in enumerate(choices)]
    conflicts: list[ConflictSet] = []
    complete = True
    relaxed_packages: list[Package] = []
    if not feasible:
        t1 = time.perf_counter()
        sets, complete = _conflict_sets(prob, max_conflicts, deadline, stats)
        nr = len(prob.reds)
        conflicts = [
            ConflictSet([prob.reds[j] for j in s if j < nr], [prob.conds[j - nr] for j in s if j >= nr]) for s in sets
        ]
        order = {iid: n for n, iid in enumerate(pack.issue_ids)}
        conflicts.sort(key=lambda c: (c.size, [order[i] for i in c.issues]))
        stats["conflict_seconds"] = round(time.perf_counter() - t1, 4)
        if relaxed > 0:
            relaxed_packages = [
                _package(prob, c, n + 1) for n, c in enumerate(_relaxed(prob, relaxed, deadline, stats))
            ]
    stats["seconds"] = round(time.perf_counter() - t0, 4)
    stats["issues_searched"] = len(prob.free)
    stats["red_lines"] = len(prob.reds)
    stats["conditions"] = len(prob.conds)
    stats["space"] = math.prod(len(pack.issues[n].scale) for n in prob.free) if prob.free else 1
    return ZopaResult(
        feasible=feasible,
        packages=packages,
        ranking_rule=RANKING_RULE
        + (
            f" Diversity: later packages differ from earlier ones in ≥ {min_distance} issues."
            if min_distance > 1
            else ""
        ),
        certified=certified,
        conflicts=conflicts,
        conflicts_complete=complete,
        issues=zones,
        relaxed=relaxed_packages,
        parties=list(prob.table.parties),
        stats=stats,
    )
