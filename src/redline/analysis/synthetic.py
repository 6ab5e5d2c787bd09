"""Random negotiations for scale benchmarks and brute-force checks of the ZOPA search.

One generator serves both, so the instances the benchmark times are of the same family as the ones
the tests verify against enumeration.
"""

from __future__ import annotations

import random

from redline.pack.schema import Pack
from redline.types import Evidence, Position


def random_pack(rng: random.Random, n_parties: int = 3, n_issues: int = 4, n_options: int = 3, *,
                jitter_ends: bool = True) -> Pack:
    """Issues with ``n_options`` ordered options; ``jitter_ends`` moves the end values off 0/100 now and
    then, so that utilities tie less neatly."""
    issues = []
    for i in range(n_issues):
        inner = sorted(rng.sample(range(11, 90), n_options - 2))
        low, high = (rng.choice([0, 0, 10]), rng.choice([100, 100, 90])) if jitter_ends else (0, 100)
        values = [low, *inner, high]
        issues.append(
            {
                "id": f"i{i}",
                "name": f"issue {i}",
                "proposition": f"proposition {i}",
                "scale": [{"id": f"o{k}", "label": f"o{k}", "value": v} for k, v in enumerate(values)],
                "favor_from": f"o{rng.randint(1, n_options - 1)}",
                "status_quo": f"o{rng.randrange(n_options)}",
            }
        )
    parties = [{"id": f"P{p}", "name": f"party {p}"} for p in range(n_parties)]
    return Pack.model_validate({"id": "random", "name": "random", "parties": parties, "issues": issues})


def random_positions(
    rng: random.Random,
    pack: Pack,
    *,
    stance_rate: float = 0.75,
    red_line_rate: float = 0.3,
    condition_rate: float = 0.15,
    n_docs: int = 5,
) -> list[Position]:
    """One to three statements per (party, issue) a party takes a stance on; conditional stances name
    another issue; red lines on the first statement."""
    out = []
    ids = pack.issue_ids
    for party in pack.party_ids:
        for issue in ids:
            if rng.random() > stance_rate:
                continue
            r = rng.random()
            stance = "conditional" if r < condition_rate else "favor" if rng.random() < 0.5 else "against"
            cond = rng.choice([i for i in ids if i != issue]) if stance == "conditional" else None
            red = stance != "conditional" and rng.random() < red_line_rate
            for n in range(rng.randint(1, 3)):
                out.append(
                    Position(
                        doc=f"d{rng.randrange(n_docs)}",
                        party=party,
                        issue=issue,
                        stance=stance,
                        kind=rng.choice(["quote", "reported", "narrative"]),
                        evidence=Evidence(-1, -1, f"{party} {issue} {stance} #{n}"),
                        red_line=red and n == 0,
                        condition=cond,
                        confidence=1.0,
                    )
                )
    return out
