"""Benchmark the bargaining models on DEU-format data (mean absolute error over issues with an outcome).

Usage::

    python benchmarks/deu.py FILE [--capability one|gdp] [--folds]

Prints one row per model: the number of issues scored and the mean absolute error (0-100 scale)
between forecast and outcome, over every issue of FILE that has an outcome. The compromise model
is always shown with capability = 1 and with capability = the file's GDP row; the other models use
``--capability`` (default ``one``).

``--folds`` adds the tuned model, scored by leave-one-proposal-out cross-validation (folds grouped by
``prnr``): for each proposal, its parameters are chosen on the *other* proposals' issues only (grid
search, minimum training MAE) and then used to forecast the held-out proposal's issues. The reported
figure is the MAE of these held-out forecasts. A 95% interval for the difference from the compromise
model comes from a bootstrap over proposals (2000 resamples, fixed seed).

The tuned model is ``compromise_snap``: (1 − β)·compromise + β·(nearest candidate outcome), with
candidates = the actors' positions, optionally plus the reference point ``rp``; tuned: β in
{0, 0.1, ..., 1} and whether ``rp`` is a candidate (22 settings).

See docs/forecasting.md for the data, the interpretive choices and the results.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from redline.model.deu import DeuIssue, load_deu
from redline.model.forecast import (
    Actor,
    Forecast,
    bdm_expected_utility,
    compromise,
    mean_position,
    median_actor,
    nash_bargaining,
    probabilistic_condorcet,
    snapped_compromise,
)

BETAS: tuple[float, ...] = tuple(round(0.1 * k, 1) for k in range(11))
USE_RP: tuple[bool, ...] = (False, True)
BOOTSTRAP = 2000
SEED = 0

# Published figures for all of DEU III (not this file), for context only.
PUBLISHED = {
    "compromise": "23.0-23.2",
    "bdm": "27.9",
    "median": "28.4",
    "pce": "20.4",
}


@dataclass
class Row:
    label: str
    key: str
    capability: str
    n: int
    mae: float
    cv: float | None = None
    note: str = ""


def issues_with_outcome(path: str | Path, capability: str = "one") -> list[DeuIssue]:
    """The issues of ``path`` that have an outcome and at least one actor with salience > 0."""
    cap: Literal["one", "gdp"] = "gdp" if capability == "gdp" else "one"
    return [i for i in load_deu(path, cap) if i.outcome is not None and any(a.salience > 0 for a in i.actors)]


def errors(issues: Sequence[DeuIssue], model: Callable[[list[Actor]], Forecast]) -> np.ndarray:
    """Absolute errors |forecast − outcome| per issue."""
    return np.array([abs(model(list(i.actors)).value - float(i.outcome or 0.0)) for i in issues])


def mae(issues: Sequence[DeuIssue], model: Callable[[list[Actor]], Forecast]) -> float:
    """Mean absolute error of ``model`` over ``issues`` (which must all have an outcome)."""
    return float(errors(issues, model).mean())


def _snap_errors(issues: Sequence[DeuIssue]) -> tuple[list[tuple[float, bool]], np.ndarray]:
    """Errors of every (β, use_rp) setting of the snapped compromise: (settings, array[setting, issue])."""
    y = np.array([float(i.outcome or 0.0) for i in issues])
    settings = [(b, u) for u in USE_RP for b in BETAS]
    err = np.empty((len(settings), len(issues)))
    for k, (b, u) in enumerate(settings):
        pred = np.array(
            [
                snapped_compromise(i.actors, beta=b, extra_candidates=(i.reference_point,) if u else ()).value
                for i in issues
            ]
        )
        err[k] = np.abs(pred - y)
    return settings, err


def leave_one_proposal_out(
    issues: Sequence[DeuIssue],
) -> tuple[np.ndarray, Counter[tuple[float, bool]], tuple[float, bool], float]:
    """LOPO cross-validation of the snapped compromise.

    Returns (held-out errors per issue, how often each setting was chosen, the setting that is best
    on all issues, its in-sample — optimistic — MAE).
    """
    settings, err = _snap_errors(issues)
    groups = np.array([i.proposal for i in issues])
    held_out = np.empty(len(issues))
    chosen: Counter[tuple[float, bool]] = Counter()
    for g in np.unique(groups):
        test = groups == g
        k = int(np.argmin(err[:, ~test].mean(axis=1)))  # first (smallest β, no rp) among ties
        held_out[test] = err[k, test]
        chosen[settings[k]] += 1
    best = int(np.argmin(err.mean(axis=1)))
    return held_out, chosen, settings[best], float(err[best].mean())


def bootstrap_ci(
    diff: np.ndarray, groups: Sequence[str], n: int = BOOTSTRAP, seed: int = SEED
) -> tuple[float, float]:
    """95% percentile interval of mean(diff), resampling whole proposals (groups) with replacement."""
    g = np.asarray(groups)
    uniq = np.unique(g)
    sums = np.array([diff[g == u].sum() for u in uniq])
    counts = np.array([(g == u).sum() for u in uniq])
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, uniq.size, size=(n, uniq.size))
    means = sums[idx].sum(axis=1) / counts[idx].sum(axis=1)
    lo, hi = np.percentile(means, [2.5, 97.5])
    return float(lo), float(hi)


def run(path: str | Path, capability: str = "one", folds: bool = False) -> list[Row]:
    """Score every model; with ``folds`` also the cross-validated tuned model."""
    cap_label = "GDP" if capability == "gdp" else "1"
    ones = issues_with_outcome(path, "one")
    gdps = issues_with_outcome(path, "gdp")
    chosen_issues = gdps if capability == "gdp" else ones
    rows = [
        Row("compromise", "compromise", "1", len(ones), mae(ones, compromise)),
        Row("compromise", "compromise", "GDP", len(gdps), mae(gdps, compromise)),
        Row(
            "Nash bargaining (common disagreement)",
            "nash",
            cap_label,
            len(chosen_issues),
            mae(chosen_issues, nash_bargaining),
        ),
        Row(
            "BDM expected utility (Scholz et al.)",
            "bdm",
            cap_label,
            len(chosen_issues),
            mae(chosen_issues, bdm_expected_utility),
        ),
        Row(
            "probabilistic Condorcet (PCE)",
            "pce",
            cap_label,
            len(chosen_issues),
            mae(chosen_issues, probabilistic_condorcet),
        ),
        Row("median actor", "median", cap_label, len(chosen_issues), mae(chosen_issues, median_actor)),
        Row("mean position (unweighted)", "mean", "-", len(ones), mae(ones, mean_position)),
    ]
    for r in rows:
        r.cv = r.mae  # nothing is tuned: the cross-validated error is the error
    if folds:
        held_out, chosen, best, insample = leave_one_proposal_out(chosen_issues)
        base = errors(chosen_issues, compromise)
        lo, hi = bootstrap_ci(held_out - base, [i.proposal for i in chosen_issues])
        top = ", ".join(f"beta={b:.1f}{'+rp' if u else ''} x{c}" for (b, u), c in chosen.most_common(3))
        rows.append(
            Row(
                "compromise_snap (tuned in LOPO folds)",
                "compromise_snap",
                cap_label,
                len(chosen_issues),
                insample,
                float(held_out.mean()),
                f"in-sample best beta={best[0]:.1f}{'+rp' if best[1] else ''}; "
                f"chosen per fold: {top}; CV minus compromise(cap={cap_label}) = "
                f"{held_out.mean() - base.mean():+.2f} [95% CI {lo:+.2f}, {hi:+.2f}]",
            )
        )
    return rows


def summary(path: str | Path) -> str:
    issues = load_deu(path)
    with_out = [i for i in issues if i.outcome is not None]
    return (
        f"{path}: {len(issues)} issues in {len({i.proposal for i in issues})} proposals; "
        f"{len(with_out)} issues with an outcome ({len({i.proposal for i in with_out})} proposals); "
        f"{sum(i.reference_point is not None for i in with_out)} of them with a reference point"
    )


def format_table(rows: Sequence[Row], folds: bool) -> str:
    head = f"{'model':<40} {'cap':>4} {'issues':>6} {'MAE':>7}"
    if folds:
        head += f" {'CV MAE':>7}"
    head += f"  {'published (all DEU III)':>23}"
    lines = [head, "-" * len(head)]
    for r in rows:
        line = f"{r.label:<40} {r.capability:>4} {r.n:>6} {r.mae:>7.2f}"
        if folds:
            line += f" {r.cv:>7.2f}" if r.cv is not None else f" {'':>7}"
        line += f"  {PUBLISHED.get(r.key, '') if r.key != 'compromise' or r.capability == '1' else '':>23}"
        lines.append(line)
    notes = [f"  {r.label}: {r.note}" for r in rows if r.note]
    if folds:
        notes.append("  untuned models: CV MAE = MAE (no parameter is fitted to the data)")
        notes.append(
            "  tuned model 'MAE' column: in-sample (optimistic) error of the best setting on all issues"
        )
    return "\n".join(lines + (["notes:", *notes] if notes else []))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("file", help="DEU-format TSV file")
    parser.add_argument(
        "--capability",
        choices=("one", "gdp"),
        default="one",
        help="capability for Nash, BDM, PCE, median and the tuned model (default: one)",
    )
    parser.add_argument(
        "--folds", action="store_true", help="add the leave-one-proposal-out cross-validated tuned model"
    )
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    print(summary(args.file))
    rows = run(args.file, args.capability, args.folds)
    print(format_table(rows, args.folds))
    print(f"({time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
