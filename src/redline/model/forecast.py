"""Bargaining-model forecasts for one negotiation issue.

Every model takes a list of :class:`Actor` (position on a 0-100 issue scale, salience 0-100,
capability > 0) and returns a :class:`Forecast` of the outcome on the same scale.

Conventions shared by every model (see ``docs/forecasting.md`` for the full discussion):

* **Active actors.** An actor whose salience is 0 (or negative), whose position is missing
  (``None`` / NaN) or whose capability is 0 takes no part: it is dropped before the model runs.
  If no actor is left a :class:`ValueError` is raised.
* **Unanimity.** If every active actor holds the same position, that position is the forecast.
* **Order.** Nothing depends on the order of the actors (ties are broken by position value,
  never by list order), so any permutation gives the same forecast.
* **Scales.** Positions are read on a 0-100 scale (the DEU convention); salience is 0-100 and
  is divided by 100 wherever a model needs a probability or a share (BDM, Nash). Capability is
  any positive number; only ratios between actors matter in every model here.

Models
------
``compromise``   Σ cᵢsᵢxᵢ / Σ cᵢsᵢ (Achen 2006; van den Bos 1991; Arregui, Stokman & Thomson 2006).
``nash``         asymmetric Nash bargaining solution with quadratic-loss utilities.
``bdm``          Bueno de Mesquita's expected-utility ("challenge") model as reconstructed by
                 Scholz, Calbert & Smith (2011).
``pce``          probabilistic Condorcet election over the actors' positions (KTAB style,
                 Wise, Lester & Efird 2015).
``compromise_snap`` compromise pulled towards the nearest position on the table (β = 0.7).
``median``       weighted median of positions, weights cᵢsᵢ (the "median actor" baseline).
``mean``         plain (unweighted) mean of the active actors' positions.

:data:`MODELS` maps these names to callables ``list[Actor] -> Forecast``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

__all__ = [
    "MODELS",
    "Actor",
    "Forecast",
    "active_actors",
    "bdm_expected_utility",
    "compromise",
    "mean_position",
    "median_actor",
    "nash_bargaining",
    "probabilistic_condorcet",
    "snapped_compromise",
    "weighted_median",
]

SCALE_MIN = 0.0
SCALE_MAX = 100.0
_EPS = 1e-12


# --------------------------------------------------------------------------------------------
# data objects
# --------------------------------------------------------------------------------------------


@dataclass
class Actor:
    """One actor on one issue.

    ``position``: the actor's preferred outcome on the 0-100 issue scale.
    ``salience``: how much the issue matters to the actor, 0-100 (0 = indifferent; such an
    actor is ignored by every model).
    ``capability``: the actor's potential influence (votes, GDP, ...); any positive number,
    only ratios matter. Defaults to 1.0 (all actors equally capable).
    """

    name: str
    position: float
    salience: float
    capability: float = 1.0


@dataclass
class Forecast:
    """A model's forecast of an issue's outcome.

    ``model``: the model's name; ``value``: the forecast on the 0-100 scale; ``trace``: optional
    model-specific detail (for BDM: one dict per round with positions, offers and median).
    """

    model: str
    value: float
    trace: list[dict[str, Any]] | None = field(default=None)


def _is_missing(x: float | None) -> bool:
    return x is None or not math.isfinite(float(x))


def active_actors(actors: Iterable[Actor]) -> list[Actor]:
    """The actors that take part: salience > 0, a finite position and capability > 0.

    Sorted by (position, name, salience, capability) so that every model sees the same order
    whatever the caller's order. Raises :class:`ValueError` if none is left.
    """
    act = [
        a
        for a in actors
        if not _is_missing(a.position)
        and not _is_missing(a.salience)
        and not _is_missing(a.capability)
        and a.salience > 0
        and a.capability > 0
    ]
    if not act:
        raise ValueError("no active actor (every actor lacks a position, salience or capability)")
    return sorted(act, key=lambda a: (float(a.position), a.name, float(a.salience), float(a.capability)))


def _arrays(act: Sequence[Actor]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = np.array([float(a.position) for a in act])
    s = np.array([float(a.salience) for a in act])
    c = np.array([float(a.capability) for a in act])
    return x, s, c


def _unanimous(x: np.ndarray) -> bool:
    return bool(np.ptp(x) <= 1e-12 * max(1.0, float(np.max(np.abs(x)))))


# --------------------------------------------------------------------------------------------
# baselines
# --------------------------------------------------------------------------------------------


def weighted_median(values: Sequence[float] | np.ndarray, weights: Sequence[float] | np.ndarray) -> float:
    """Weighted median: the smallest value at which the cumulative weight reaches half the total.

    If the cumulative weight equals exactly half the total at some value (up to 1e-9 relative),
    the median is not unique (every point between that value and the next one minimises the
    weighted absolute deviation) and the midpoint of the two is returned; this keeps the result
    symmetric under reflection of the scale and independent of the actors' order.
    """
    v = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    if v.size == 0 or float(w.sum()) <= 0:
        raise ValueError("weighted median of nothing")
    order = np.lexsort((w, v))
    v, w = v[order], w[order]
    # merge equal values so that ties in position never depend on order
    uv, inv = np.unique(v, return_inverse=True)
    uw = np.bincount(inv, weights=w)
    cum = np.cumsum(uw)
    half = cum[-1] / 2.0
    tol = 1e-9 * cum[-1]
    k = int(np.searchsorted(cum, half - tol))
    if abs(cum[k] - half) <= tol and k + 1 < uv.size:
        return float((uv[k] + uv[k + 1]) / 2.0)
    return float(uv[k])


def median_actor(actors: Sequence[Actor]) -> Forecast:
    """The "median actor" baseline: weighted median of positions with weights cᵢ·sᵢ.

    With linear (distance) utilities this is the position that wins every pairwise vote in which
    each actor casts cᵢsᵢ votes for the closer alternative (Black's median voter generalised to
    weighted voters).
    """
    act = active_actors(actors)
    x, s, c = _arrays(act)
    return Forecast("median", weighted_median(x, c * s))


def mean_position(actors: Sequence[Actor]) -> Forecast:
    """The "mean" baseline: the plain, unweighted mean of the active actors' positions.

    Salience and capability only decide who is active (salience > 0); they do not weight.
    """
    act = active_actors(actors)
    x, _, _ = _arrays(act)
    return Forecast("mean", float(np.mean(x)))


# --------------------------------------------------------------------------------------------
# compromise model
# --------------------------------------------------------------------------------------------


def compromise(actors: Sequence[Actor], salience_power: float = 1.0) -> Forecast:
    """The compromise model: x̂ = Σ cᵢ sᵢ xᵢ / Σ cᵢ sᵢ.

    The capability- and salience-weighted mean of positions (van den Bos 1991; Achen 2006,
    "Evaluating political decision-making models", in Thomson et al. (eds.) *The European Union
    Decides*; Arregui, Stokman & Thomson 2006). Achen derives it as the limit of an asymmetric
    Nash bargaining solution with quadratic utilities when disagreement is very costly.

    ``salience_power`` (default 1, the published model) raises salience to a power γ,
    weights cᵢ sᵢ^γ; it exists for the cross-validated variant in ``benchmarks/deu.py``.
    """
    act = active_actors(actors)
    x, s, c = _arrays(act)
    w = c * s**salience_power
    return Forecast("compromise", float(np.sum(w * x) / np.sum(w)))


def snapped_compromise(
    actors: Sequence[Actor], beta: float = 0.7, extra_candidates: Iterable[float | None] = ()
) -> Forecast:
    """Compromise pulled towards the nearest position on the table.

    x̂ = (1 − β)·x̂_c + β·a*, where x̂_c is the compromise forecast and a* the candidate outcome
    nearest to it; candidates are the active actors' positions plus ``extra_candidates`` (e.g.
    the status quo / reference point; ``None`` entries are skipped). If two candidates are equally
    near, a* is their midpoint (so the rule is symmetric and order-free).

    Rationale: in DEU-coded issues the scale points are the alternatives that were discussed, and
    outcomes often coincide with one of them (64% of the DEU III dev issues). β = 0 is the
    compromise model, β = 1 snaps fully. The default β = 0.7 is the value chosen in almost every
    leave-one-proposal-out fold on the DEU III dev file (``benchmarks/deu.py --folds``); the
    *family* was chosen after looking at that file, so its cross-validated gain there is optimistic
    (docs/forecasting.md).
    """
    if not 0.0 <= beta <= 1.0:
        raise ValueError("beta must be in [0, 1]")
    base = compromise(actors).value
    act = active_actors(actors)
    cands = {float(a.position) for a in act} | {
        float(e) for e in extra_candidates if e is not None and math.isfinite(e)
    }
    dist = {a: abs(a - base) for a in cands}
    best = min(dist.values())
    near = sorted(a for a, d in dist.items() if d <= best + 1e-9)
    anchor = (near[0] + near[-1]) / 2.0
    value = (1.0 - beta) * base + beta * anchor
    return Forecast("compromise_snap", float(value), [{"compromise": base, "anchor": anchor, "beta": beta}])


# --------------------------------------------------------------------------------------------
# Nash bargaining
# --------------------------------------------------------------------------------------------


def _bisect_decreasing(f: Callable[[float], float], lo: float, hi: float, iters: int = 200) -> float:
    """Root of a strictly decreasing function on (lo, hi); clamps to an end if f has one sign."""
    if f(lo) <= 0:
        return lo
    if f(hi) >= 0:
        return hi
    for _ in range(iters):
        mid = 0.5 * (lo + hi)
        if f(mid) > 0:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-11:
            break
    return 0.5 * (lo + hi)


def nash_bargaining(
    actors: Sequence[Actor],
    disagreement: float | None = None,
    *,
    lower: float = SCALE_MIN,
    upper: float = SCALE_MAX,
) -> Forecast:
    """Asymmetric Nash bargaining solution (Nash 1950; Kalai 1977; Achen 2006).

    Utilities are quadratic losses on the scale rescaled to [0, 1]:
    uᵢ(x) = −sᵢ ((x − xᵢ)/(upper − lower))², with sᵢ = salience/100.
    The forecast maximises the Nash product Π (uᵢ(x) − dᵢ)^{cᵢ} — bargaining power = capability —
    over x in [lower, upper]. Its logarithm Σ cᵢ log(uᵢ(x) − dᵢ) is strictly concave wherever all
    gains are positive, so the maximiser is the unique root of its derivative, found by bisection
    (robust; no starting point, no local optima).

    Disagreement:

    * ``disagreement=d`` (a point on the scale, e.g. the status quo / reversion point): dᵢ = uᵢ(d).
      Only outcomes that leave every actor at least as well off as d are feasible: the
      intersection of the intervals |x − xᵢ| ≤ |d − xᵢ|. If that holds only at d itself (d lies
      between actors' ideal points, or some actor's ideal point *is* d), no deal improves on the
      status quo for all and the forecast is d. Note that with a point disagreement salience
      cancels out of the solution (scaling one actor's utility does not move the Nash solution).
    * ``disagreement=None`` (default): a *common* disagreement utility dᵢ = −maxⱼ sⱼ for every
      actor — failing to agree is as bad for everyone as the worst policy on the scale is for the
      most concerned actor. Then salience matters: the first-order condition is
      Σ cᵢ sᵢ (xᵢ − x) / (maxⱼsⱼ − sᵢ(x − xᵢ)²) = 0, and when the disagreement is far away
      (denominators ≈ equal) it reduces to x = Σ cᵢsᵢxᵢ / Σ cᵢsᵢ — the compromise model.
      The quadratic terms pull the solution towards actors whose gains are smallest, so on
      polarised issues it deviates from the weighted mean.

    Scaling every capability by the same constant multiplies the log Nash product by that
    constant and leaves the forecast unchanged.
    """
    act = active_actors(actors)
    x, s, c = _arrays(act)
    if _unanimous(x):
        return Forecast("nash", float(x[0]))
    if upper <= lower:
        raise ValueError(f"nash_bargaining: empty scale [{lower}, {upper}]")
    span = upper - lower
    z = (x - lower) / span
    sal = s / 100.0
    trace: list[dict[str, Any]] = []
    if disagreement is None:
        dbar = float(np.max(sal))  # gain_i(x) = dbar - sal_i (x - z_i)^2 >= 0 on [0, 1]
        lo, hi = 0.0, 1.0

        def gains(t: float) -> np.ndarray:
            return dbar - sal * (t - z) ** 2

        trace.append({"disagreement": "common", "utility": -dbar})
    else:
        d = (float(disagreement) - lower) / span
        radius = np.abs(d - z)
        lo = max(0.0, float(np.max(z - radius)))
        hi = min(1.0, float(np.min(z + radius)))
        trace.append(
            {"disagreement": float(disagreement), "feasible": (lo * span + lower, hi * span + lower)}
        )
        if hi - lo <= 1e-12:
            trace.append({"note": "no outcome improves on the disagreement point for every actor"})
            return Forecast("nash", float(disagreement), trace)

        def gains(t: float) -> np.ndarray:
            return sal * (radius**2 - (t - z) ** 2)

    def dlog(t: float) -> float:
        g = gains(t)
        num = 2.0 * c * sal * (z - t)
        if np.any(g <= 0):
            # at a boundary where some gain vanishes: the log-product's slope is +-inf, with the sign
            # pointing away from the actor whose gain vanishes
            zero = g <= 0
            slope = float(np.sum(np.sign(num[zero]) * np.inf)) if np.any(num[zero] != 0) else 0.0
            return 0.0 if math.isnan(slope) else slope
        return float(np.sum(num / g))

    eps = 1e-12
    t = _bisect_decreasing(dlog, lo + eps, hi - eps)
    return Forecast("nash", float(lower + t * span), trace)


# --------------------------------------------------------------------------------------------
# Bueno de Mesquita expected-utility model (Scholz, Calbert & Smith 2011)
# --------------------------------------------------------------------------------------------


def _condorcet_median(x: np.ndarray, w: np.ndarray) -> float:
    """Median-voter position among the actors' current positions.

    Voter k gives alternative a over b the vote vₖ(a, b) = wₖ (|xₖ − b| − |xₖ − a|) (BDM 1994;
    Scholz et al. 2011, eqs. 26-29; wₖ = cₖsₖ; the constant factor 2/range is dropped, it cannot
    change a sign). The median-voter position is the Condorcet winner: the position whose vote
    total Σₖ vₖ(a, b) is ≥ 0 against every other position. With distance utilities such a winner
    always exists (it is the weighted median); if several tie, their midpoint is returned.
    """
    cand = np.unique(x)
    if cand.size == 1:
        return float(cand[0])
    dist = np.abs(x[None, :] - cand[:, None])  # (n_cand, n_actors)
    wd = dist @ w  # sum_k w_k |x_k - a|
    total = wd[None, :] - wd[:, None]  # total[a, b] = sum_k v_k(a, b)
    tol = 1e-9 * float(np.sum(w)) * float(np.ptp(x))
    winners = cand[np.all(total >= -tol, axis=1)]
    if winners.size == 0:  # cannot happen with distance utilities; be safe
        winners = cand[[int(np.argmin(wd))]]
    return float((winners.min() + winners.max()) / 2.0)


@dataclass
class _BdmState:
    x: np.ndarray  # current positions
    s: np.ndarray  # salience in [0, 1]
    c: np.ndarray  # capability
    rng: float  # position range used to scale distances to [0, 1]


def _bdm_prob(st: _BdmState, norm: Literal["scholz", "pairwise"]) -> np.ndarray:
    """P[i, j]: i's probability of prevailing against j.

    Numerator (Scholz et al. 2011, eqs. 30-31): the votes of the actors that prefer xᵢ to xⱼ,
    Σ_{k: vₖ(i,j) > 0} vₖ(i,j), vₖ(i,j) = cₖsₖ(|xₖ − xⱼ| − |xₖ − xᵢ|)/range.

    Denominator:

    * ``"pairwise"`` — the printed eq. 31: Σₖ |vₖ(i,j)|, so that P[i,j] + P[j,i] = 1.
    * ``"scholz"`` (default) — Σₖ Σₐ Σ_b |vₖ(a,b)|, the vote mass over *all* ordered pairs of actors.
      This is what the code behind Scholz et al.'s published Table 2 computes (as recovered by
      the open re-implementation github.com/jmckib/bdm-scholz-expected-utility-model); only this
      normalisation reproduces their published round-by-round medians (8.4, 9.9, ...) and means
      for the EC emission example. It makes P small (O(1/n²)), so that the challenge EU is driven
      mostly by the target's salience. With ``"pairwise"`` the EC example collapses onto the
      initial median (7) in two rounds instead. See docs/forecasting.md.

    P is 0 when xᵢ = xⱼ (no contest).
    """
    x, w = st.x, st.c * st.s
    d = np.abs(x[:, None] - x[None, :]) / st.rng  # d[k, a] = |x_k - x_a| / range
    v = w[:, None, None] * (d[:, None, :] - d[:, :, None])  # v[k, i, j] = w_k (d[k, j] - d[k, i])
    pos = np.clip(v, 0, None).sum(axis=0)
    if norm == "pairwise":
        tot = np.abs(v).sum(axis=0)
    elif norm == "scholz":
        tot = np.full_like(pos, float(np.abs(v).sum()))
    else:
        raise ValueError(f"unknown probability normalisation {norm!r}")
    out = np.zeros_like(pos)
    np.divide(pos, tot, out=out, where=tot > _EPS)
    out[np.abs(x[:, None] - x[None, :]) == 0] = 0.0
    return out


def _bdm_eu(
    st: _BdmState,
    prob: np.ndarray,
    r: np.ndarray,
    median: float,
    q: float,
    t: float,
) -> np.ndarray:
    """EU[a, b]: expected utility to a of challenging b, with risk exponent r[a, b] (or r[a]).

    Scholz et al. (2011), eqs. 5-7, 15-16, 22-24 (BDM 1994)::

        Us  = 2 - 4 (0.5 - 0.5 d_ab)^r                      a wins: b moves to x_a
        Uf  = 2 - 4 (0.5 + 0.5 d_ab)^r                      a loses: a moves to x_b
        Ub  = 2 - 4 (0.5 - 0.25 (d_aμ + d_ab))^r            no challenge, things get better
        Uw  = 2 - 4 (0.5 + 0.25 (d_aμ + d_ab))^r            no challenge, things get worse
        Usq = 2 - 4 (0.5)^r                                 status quo
        EU  = s_b [P Us + (1 - P) Uf] + (1 - s_b) Us - Q Usq - (1 - Q) [T Ub + (1 - T) Uw]

    d = |distance| / range ∈ [0, 1]; s_b = salience/100 is the probability that the target
    resists (the responder's salience, eq. 6); μ is the current median-voter position; Q is the
    probability that the status quo persists if a does not challenge and T (here a constant) the
    probability that a change would be for the better. EU[a, a] = 0.
    """
    x, s = st.x, st.s
    d = np.abs(x[:, None] - x[None, :]) / st.rng
    dmu = np.abs(x - median)[:, None] / st.rng
    rr = r[:, None] if r.ndim == 1 else r
    us = 2 - 4 * (0.5 - 0.5 * d) ** rr
    uf = 2 - 4 * (0.5 + 0.5 * d) ** rr
    ub = 2 - 4 * np.clip(0.5 - 0.25 * (dmu + d), 0, None) ** rr
    uw = 2 - 4 * (0.5 + 0.25 * (dmu + d)) ** rr
    usq = 2 - 4 * 0.5**rr
    sb = s[None, :]
    eu = sb * (prob * us + (1 - prob) * uf) + (1 - sb) * us - q * usq - (1 - q) * (t * ub + (1 - t) * uw)
    return np.asarray(np.where(d > 0, eu, 0.0))


def _bdm_risk(
    st: _BdmState, prob: np.ndarray, median: float, q: float, t: float
) -> tuple[np.ndarray, np.ndarray]:
    """Risk exponents rᵢ from the security levels (BDM 1985/1994; Scholz et al. 2011, eqs. 32-34).

    With every actor risk neutral (r = 1), the security level of i is Secᵢ = Σ_{j≠i} EUⱼ(challenge i),
    the sum of what i's adversaries expect from challenging i. Then
    Rᵢ = (2 Secᵢ − max Sec − min Sec)/(max Sec − min Sec) ∈ [−1, 1] and
    rᵢ = (1 − Rᵢ/3)/(1 + Rᵢ/3) ∈ [0.5, 2]: the most exposed actor (Rᵢ = 1) gets rᵢ = 0.5, the
    safest (Rᵢ = −1) rᵢ = 2. Max and min are taken over the actors (Scholz et al.), not over
    hypothetical positions of i. If all Secᵢ are equal, every rᵢ = 1. Returns (r, Sec).
    """
    n = st.x.size
    eu1 = _bdm_eu(st, prob, np.ones(n), median, q, t)
    sec = eu1.sum(axis=0)  # column i: sum over challengers j of EU_j(challenge i)
    smax, smin = float(sec.max()), float(sec.min())
    if smax - smin <= _EPS:
        return np.ones(n), sec
    big_r = (2 * sec - smax - smin) / (smax - smin)
    return np.asarray((1 - big_r / 3) / (1 + big_r / 3)), sec


_OFFER_RANK = {"conflict": 0, "compromise": 1, "capitulation": 2}


def bdm_expected_utility(
    actors: Sequence[Actor],
    rounds: int = 5,
    risk: bool = True,
    *,
    q: float = 1.0,
    t: float = 1.0,
    prob_norm: Literal["scholz", "pairwise"] = "scholz",
    perception: Literal["receiver", "own"] = "receiver",
    aggregate: Literal["median", "mean"] = "median",
) -> Forecast:
    """Bueno de Mesquita's expected-utility (challenge) model, after Scholz, Calbert & Smith (2011).

    References: J. B. Scholz, G. J. Calbert and G. A. Smith, "Unravelling Bueno De Mesquita's group
    decision model", *Journal of Theoretical Politics* 23(4), 2011, 510-531; B. Bueno de Mesquita,
    "Political forecasting: an expected utility method", in B. Bueno de Mesquita & F. N. Stokman
    (eds.), *European Community Decision Making*, Yale UP 1994, ch. 4.

    Each round (Scholz et al., Appendix algorithm):

    1. μ = median-voter position: the Condorcet winner of pairwise votes weighted by cₖsₖ.
    2. P[i, j] = i's probability of prevailing against j (:func:`_bdm_prob`, ``prob_norm``).
    3. Risk exponents rᵢ from the security levels computed with r = 1 (:func:`_bdm_risk`);
       ``risk=False`` keeps every rᵢ = 1.
    4. Expected utilities are recomputed with the rᵢ. For each ordered pair (receiver i,
       proposer j) let a = EUᵢ(i challenges j) and b = EUⱼ(j challenges i). With
       ``perception="receiver"`` (default; Scholz et al.'s code, BDM's "perceptions") both are
       evaluated with the receiver's exponent rᵢ — i judges j's prospects with its own attitude
       to risk; with ``"own"`` b uses rⱼ (the equations as printed). j makes i an offer only when
       b > 0, and it is (BDM's octants, Scholz et al. fig. 6, eqs. 35-36)
         - *conflict* if b > a > 0: both would challenge, j expects more; i moves to xⱼ;
         - *compromise* if a < 0 < b and b > |a|: i moves part way, to xᵢ + (xⱼ − xᵢ)·|a/b|;
         - *capitulation* if a < 0 < b and b ≤ |a|: i gives in, moves to xⱼ.
    5. Each actor takes the best offer it receives — a conflict offer before a compromise before
       a capitulation (Scholz et al. §6.2), and within a class the one that asks the smallest
       move (ties: the lower resulting position, never list order) — and all actors move at once.

    The model runs ``rounds`` rounds (default 5, the horizon over which Scholz et al. report the
    EC example; the model need not converge — their median wanders after round 5) or stops
    earlier when nobody moves. The forecast (``aggregate``) is the median-voter position of the
    final positions (BDM's forecast rule, default) or their cₖsₖ-weighted mean (``"mean"``).

    Constants: Q = 1 (the status quo persists if nobody challenges, Scholz et al.'s choice for
    the EC example; it makes Ub, Uw and T drop out), T = 1, salience/100 = probability that the
    target resists, distances scaled by the initial range of positions so d ∈ [0, 1], votes use
    linear utilities 1 − 2d (eq. 14). Capabilities are used as given (only ratios matter).

    ``Forecast.trace``: one dict per round — ``round``, ``median`` and ``mean`` *after* the
    round's moves, ``positions`` (name -> position after the round), ``risk`` (name -> rᵢ used
    in the round) and ``offers`` (the accepted moves: receiver, proposer, type, from, to) — after
    an initial entry (``round`` 0) with the starting positions, median and mean.
    """
    if rounds < 0:
        raise ValueError("rounds must be >= 0")
    act = active_actors(actors)
    x0, s0, c0 = _arrays(act)
    names = [a.name for a in act]
    if _unanimous(x0):
        return Forecast("bdm", float(x0[0]), [])
    st = _BdmState(x=x0.copy(), s=s0 / 100.0, c=c0, rng=float(np.ptp(x0)))
    w = st.c * st.s
    n = x0.size

    def snapshot(rnd: int) -> dict[str, Any]:
        return {
            "round": rnd,
            "median": _condorcet_median(st.x, w),
            "mean": float(np.sum(w * st.x) / np.sum(w)),
            "positions": dict(zip(names, map(float, st.x), strict=True)),
        }

    trace: list[dict[str, Any]] = [snapshot(0)]
    for rnd in range(1, rounds + 1):
        mu = _condorcet_median(st.x, w)
        prob = _bdm_prob(st, prob_norm)
        r = _bdm_risk(st, prob, mu, q, t)[0] if risk else np.ones(n)
        e_own = _bdm_eu(st, prob, r, mu, q, t)  # e_own[i, j] = EU_i(i challenges j) with r_i
        if perception == "receiver":
            # b[i, j] = EU_j(j challenges i) evaluated with r_i: exponent taken from the target column
            e_b = _bdm_eu(st, prob, np.broadcast_to(r[None, :], (n, n)).copy(), mu, q, t).T
        elif perception == "own":
            e_b = e_own.T
        else:
            raise ValueError(f"unknown perception {perception!r}")
        new_x = st.x.copy()
        moves: list[dict[str, Any]] = []
        for i in range(n):
            best: tuple[int, float, float, int, str] | None = None
            for j in range(n):
                if st.x[i] == st.x[j]:
                    continue
                a, b = float(e_own[i, j]), float(e_b[i, j])
                if not b > 0:
                    continue
                if a > 0:
                    if not b > a:
                        continue  # i would win the conflict: j moves, in j's own row
                    kind, target = "conflict", float(st.x[j])
                elif b > abs(a):
                    kind = "compromise"
                    target = float(st.x[i] + (st.x[j] - st.x[i]) * abs(a / b))
                else:
                    kind, target = "capitulation", float(st.x[j])
                key = (_OFFER_RANK[kind], abs(target - float(st.x[i])), target, j, kind)
                if best is None or key[:3] < best[:3]:
                    best = key
            if best is not None and best[1] > 0:
                _, _, target, j, kind = best
                new_x[i] = target
                moves.append(
                    {
                        "receiver": names[i],
                        "proposer": names[j],
                        "type": kind,
                        "from": float(st.x[i]),
                        "to": target,
                    }
                )
        st.x = new_x
        entry = snapshot(rnd)
        entry["risk"] = dict(zip(names, map(float, r), strict=True))
        entry["offers"] = sorted(moves, key=lambda m: (m["receiver"], m["proposer"]))
        trace.append(entry)
        if not moves:
            break
    last = trace[-1]
    value = float(last["median"]) if aggregate == "median" else float(last["mean"])
    return Forecast("bdm", value, trace)


# --------------------------------------------------------------------------------------------
# probabilistic Condorcet election (KTAB style)
# --------------------------------------------------------------------------------------------


def probabilistic_condorcet(actors: Sequence[Actor], power: float = 1.0) -> Forecast:
    """Probabilistic Condorcet election over the actors' positions (KTAB-style PCE).

    After Wise, Lester & Efird (2015), "An introduction to the KAPSARC Toolkit for Behavioral
    Analysis (KTAB)". The options are the distinct positions a. Voter k (weight wₖ = cₖsₖ, linear
    utility uₖ(a) = −|a − xₖ|) backs a against b with strength wₖ·max(0, uₖ(a) − uₖ(b)); the
    coalition strengths S(a>b) = Σₖ wₖ max(0, uₖ(a) − uₖ(b)) give the pairwise victory
    probability p(a>b) = S(a>b)^σ / (S(a>b)^σ + S(b>a)^σ) (σ = ``power``; KTAB's "linear" σ = 1).
    An option's probability of emerging is taken to be proportional to the probability that it
    beats every rival, P(a) ∝ Π_{b≠a} p(a>b) (KTAB's "conditional" PCE). The forecast is the
    expected outcome Σ P(a)·a.
    """
    act = active_actors(actors)
    x, s, c = _arrays(act)
    if _unanimous(x):
        return Forecast("pce", float(x[0]))
    w = c * s
    cand = np.unique(x)
    u = -np.abs(cand[:, None] - x[None, :])  # u[a, k]
    diff = u[:, None, :] - u[None, :, :]  # diff[a, b, k] = u_k(a) - u_k(b)
    strength = (w[None, None, :] * np.clip(diff, 0, None)).sum(axis=2)
    sa, sb = strength**power, strength.T**power
    tot = sa + sb
    p = np.where(tot > 0, sa / np.where(tot > 0, tot, 1.0), 0.5)
    np.fill_diagonal(p, 1.0)
    with np.errstate(divide="ignore"):
        logp = np.log(p).sum(axis=1)
    if not np.any(np.isfinite(logp)):
        return Forecast("pce", weighted_median(x, w))
    prob = np.exp(logp - np.max(logp))
    prob /= prob.sum()
    trace = [{"options": cand.tolist(), "probabilities": prob.tolist()}]
    return Forecast("pce", float(np.sum(prob * cand)), trace)


# --------------------------------------------------------------------------------------------
# registry
# --------------------------------------------------------------------------------------------


def _nash_default(actors: list[Actor]) -> Forecast:
    return nash_bargaining(actors)


def _bdm_default(actors: list[Actor]) -> Forecast:
    return bdm_expected_utility(actors)


def _compromise_default(actors: list[Actor]) -> Forecast:
    return compromise(actors)


def _pce_default(actors: list[Actor]) -> Forecast:
    return probabilistic_condorcet(actors)


def _snap_default(actors: list[Actor]) -> Forecast:
    return snapped_compromise(actors)


MODELS: dict[str, Callable[[list[Actor]], Forecast]] = {
    "compromise": _compromise_default,
    "nash": _nash_default,
    "bdm": _bdm_default,
    "pce": _pce_default,
    "compromise_snap": _snap_default,
    "median": median_actor,
    "mean": mean_position,
}
"""Every model with its default settings, by name: ``MODELS[name](actors) -> Forecast``."""
