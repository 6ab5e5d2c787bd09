"""ZOPA search benchmark: a random negotiation far too large to enumerate.

Default instance: 10 parties x 15 issues x 5 options = 5**15 ≈ 3.05e10 packages, with red lines
and conditions drawn at random (seed-controlled). Two scenarios are timed: sparse red lines (a
zone of agreement usually exists: the top packages are ranked) and dense red lines (usually
none: minimal conflict sets are reported). The search must take well under a second.

    python benchmarks/zopa.py [--seed 1] [--parties 10] [--issues 15] [--options 5] [--top 5]
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time

from redline.analysis.synthetic import random_pack, random_positions
from redline.analysis.zopa import ZopaResult, find_zopa
from redline.model.positions import build_model


def run(seed: int, n_parties: int, n_issues: int, n_options: int, top: int, red_line_rate: float) -> ZopaResult:
    rng = random.Random(seed)
    pack = random_pack(rng, n_parties, n_issues, n_options, jitter_ends=False)
    positions = random_positions(rng, pack, stance_rate=0.7, red_line_rate=red_line_rate, condition_rate=0.08,
                                 n_docs=40)
    model = build_model(positions, pack)
    t0 = time.perf_counter()
    res = find_zopa(model, pack, top=top)
    elapsed = time.perf_counter() - t0
    space = n_options**n_issues
    print(
        f"  instance: {n_parties} parties x {n_issues} issues x {n_options} options = {space:.3g} packages; "
        f"{res.stats['red_lines']} red lines, {res.stats['conditions']} conditions"
    )
    print(f"  ZOPA search time: {elapsed:.3f} s ({res.stats['solves']} CP-SAT solves)")
    if res.feasible:
        print(f"  answer: zone of agreement exists; top {len(res.packages)} (certified: {res.certified})")
        for pk in res.packages:
            print(
                f"    #{pk.rank} Nash product {pk.nash_product:.6g}  changes {len(pk.changed)} issues from status quo"
            )
    else:
        print(
            f"  answer: no zone of agreement; {len(res.conflicts)} minimal conflict set(s)"
            + ("" if res.conflicts_complete else " (enumeration capped)")
        )
        for c in res.conflicts[:5]:
            parts = [f"{r.party}:{r.issue}:{r.stance}" for r in c.red_lines] + [
                f"{x.party}:{x.issue}⇐{x.condition}" for x in c.conditions
            ]
            print(f"    {{{', '.join(parts)}}}")
        if res.relaxed:
            best = res.relaxed[0]
            print(f"    closest package crosses {len(best.crossed)} red line(s), Nash product {best.nash_product:.6g}")
    no_zone = [z.issue for z in res.no_zone]
    print(f"  issues without a zone: {', '.join(no_zone) or 'none'}")
    res.stats["elapsed"] = elapsed
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--parties", type=int, default=10)
    ap.add_argument("--issues", type=int, default=15)
    ap.add_argument("--options", type=int, default=5)
    ap.add_argument("--top", type=int, default=5)
    args = ap.parse_args(argv)
    if args.options < 3:
        ap.error("--options must be at least 3")
    worst = 0.0
    for label, rate in (("sparse red lines", 0.04), ("dense red lines", 0.25)):
        print(f"{label} (seed {args.seed}):")
        res = run(args.seed, args.parties, args.issues, args.options, args.top, rate)
        worst = max(worst, res.stats["elapsed"])
    print(f"slowest search: {worst:.3f} s ({'OK' if worst < 1.0 else 'over'} the 1 s budget)")
    return 0 if worst < 1.0 or math.isnan(worst) else 1


if __name__ == "__main__":
    sys.exit(main())
