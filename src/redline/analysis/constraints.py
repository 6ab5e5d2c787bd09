"""Red lines, conditions and utilities: what deal evaluation and the ZOPA search share.

* A **red line** on *favor* is crossed by any option below the issue's ``favor_from`` (the
  proposition must hold); on *against* by any option at or above it (it must not hold). A
  conditional stance's red line adds nothing beyond its condition.
* A **condition** (party P's conditional stance on issue I depends on issue C) is met unless
  the deal realises I (option at/above I's ``favor_from``) without realising C.
* A party's **utility** for a package is the salience-weighted closeness of the chosen options'
  values to its positions: ``sum_i s_i * (1 - |v_i - x_i| / 100) / sum_i s_i`` over the issues it
  holds a position on, in [0, 1] (equal weights where every salience is 0).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from redline.model.positions import PartyIssuePosition, PositionsModel, Statement
from redline.pack.schema import Issue, Pack

__all__ = [
    "Condition",
    "RedLine",
    "UtilityTable",
    "conditions",
    "nash_product",
    "red_lines",
    "utility_table",
]

SCALE_SPAN = 100.0


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class RedLine:
    """A party's non-negotiable stance on an issue, with the statements that establish it."""

    party: str
    issue: str
    stance: str  # favor | against
    threshold: str  # the issue's favor_from option
    limit: str  # the last allowed option on the crossing side: first allowed (favor), last allowed (against)
    evidence: list[Statement] = field(default_factory=list)
    override: bool = False
    note: str | None = None

    @property
    def id(self) -> str:
        return f"redline:{self.party}:{self.issue}"

    @property
    def quote(self) -> str:
        if self.evidence:
            return self.evidence[0].quote
        return self.note or "analyst positions file"

    @property
    def doc(self) -> str | None:
        return self.evidence[0].doc if self.evidence else None

    @property
    def speaker(self) -> str:
        return self.evidence[0].speaker if self.evidence else ""

    @property
    def requirement(self) -> str:
        return f"{self.issue} ≥ {self.limit}" if self.stance == "favor" else f"{self.issue} ≤ {self.limit}"

    def allows(self, issue: Issue, option: str) -> bool:
        holds = issue.holds(option)
        return holds if self.stance == "favor" else not holds

    def source_text(self) -> str:
        if not self.evidence:
            return "analyst override" + (f": {self.note}" if self.note else "")
        s = self.evidence[0]
        who = f"{s.speaker}, " if s.speaker else ""
        return f"«{_short(s.quote)}» ({who}{s.doc})"

    def describe(self) -> str:
        return f"{self.party} red line {self.requirement} ({self.stance}): {self.source_text()}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "party": self.party,
            "issue": self.issue,
            "stance": self.stance,
            "requirement": self.requirement,
            "quote": self.quote,
            "doc": self.doc,
            "speaker": self.speaker,
            "override": self.override,
            "text": self.describe(),
            "evidence": [s.to_dict() for s in self.evidence],
        }


@dataclass
class Condition:
    """Party's conditional stance on ``issue`` needs ``condition`` at/above ``required``."""

    party: str
    issue: str
    condition: str
    required: str  # the condition issue's favor_from option
    evidence: list[Statement] = field(default_factory=list)
    override: bool = False

    @property
    def id(self) -> str:
        return f"condition:{self.party}:{self.issue}:{self.condition}"

    @property
    def quote(self) -> str:
        return self.evidence[0].quote if self.evidence else "analyst positions file"

    @property
    def doc(self) -> str | None:
        return self.evidence[0].doc if self.evidence else None

    def met(self, pack: Pack, options: Mapping[str, str]) -> bool:
        issue, cond = pack.issue(self.issue), pack.issue(self.condition)
        return not issue.holds(options[self.issue]) or cond.holds(options[self.condition])

    def describe(self) -> str:
        return f"{self.party}'s {self.issue} requires {self.condition} ≥ {self.required}"

    def source_text(self) -> str:
        if not self.evidence:
            return "analyst override"
        s = self.evidence[0]
        who = f"{s.speaker}, " if s.speaker else ""
        return f"«{_short(s.quote)}» ({who}{s.doc})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "party": self.party,
            "issue": self.issue,
            "condition": self.condition,
            "required": self.required,
            "quote": self.quote,
            "doc": self.doc,
            "override": self.override,
            "text": self.describe(),
            "evidence": [s.to_dict() for s in self.evidence],
        }


def _red_line(cell: PartyIssuePosition, issue: Issue) -> RedLine | None:
    if not cell.red_line or cell.stance not in ("favor", "against"):
        return None
    t = issue.threshold
    below = issue.scale[t - 1].id if t > 0 else "(no option)"  # the last option where it does not hold
    limit = issue.scale[t].id if cell.stance == "favor" else below
    evidence = cell.red_line_statements
    overridden = cell.override and ("red_line" in cell.override_fields or "stance" in cell.override_fields)
    return RedLine(
        party=cell.party,
        issue=cell.issue,
        stance=cell.stance,
        threshold=issue.favor_from,
        limit=limit,
        evidence=evidence,
        override=overridden or not evidence,
        note=cell.override_note,
    )


def red_lines(model: PositionsModel, pack: Pack) -> list[RedLine]:
    """Every red line, in pack order (party, then issue).

    A red line "against" on an issue whose ``favor_from`` is its first option can never be met;
    it is kept (and will show as a conflict on its own).
    """
    out = []
    for p in model.parties:
        for i in model.issues:
            cell = model.cell(p, i)
            if cell is not None:
                rl = _red_line(cell, pack.issue(i))
                if rl is not None:
                    out.append(rl)
    return out


def conditions(model: PositionsModel, pack: Pack) -> list[Condition]:
    """The conditions of every conditional stance, in pack order."""
    out = []
    for p in model.parties:
        for i in model.issues:
            cell = model.cell(p, i)
            if cell is None or cell.stance != "conditional":
                continue
            for c in cell.conditions:
                ev = [s for s in cell.statements if s.stance == "conditional" and s.condition == c]
                out.append(
                    Condition(
                        party=p,
                        issue=i,
                        condition=c,
                        required=pack.issue(c).favor_from,
                        evidence=ev,
                        override=cell.override and "condition" in cell.override_fields,
                    )
                )
    return out


@dataclass
class UtilityTable:
    """``weights[party][issue][k]``: party's utility share from option k of the issue.

    A party's utility for a package is the sum of its shares over the chosen options (0-1).
    """

    parties: list[str]
    weights: dict[str, dict[str, list[float]]]

    def utility(self, party: str, options: Mapping[str, str], pack: Pack) -> float:
        total = 0.0
        for iid, shares in self.weights[party].items():
            total += shares[pack.issue(iid).option_index(options[iid])]
        return min(1.0, max(0.0, total))

    def utilities(self, options: Mapping[str, str], pack: Pack) -> dict[str, float]:
        return {p: self.utility(p, options, pack) for p in self.parties}


def utility_table(model: PositionsModel, pack: Pack) -> UtilityTable:
    """Per-option utility shares for every party that holds at least one position."""
    weights: dict[str, dict[str, list[float]]] = {}
    for p in model.parties:
        cells = [c for c in model.for_party(p) if c.value is not None]
        if not cells:
            continue
        sal = {c.issue: max(c.salience, 0.0) for c in cells}
        total = sum(sal.values())
        if total <= 0:
            sal = {k: 1.0 for k in sal}
            total = float(len(sal))
        row: dict[str, list[float]] = {}
        for c in cells:
            assert c.value is not None
            issue = pack.issue(c.issue)
            w = sal[c.issue] / total
            row[c.issue] = [w * max(0.0, 1.0 - abs(o.value - c.value) / SCALE_SPAN) for o in issue.scale]
        weights[p] = row
    return UtilityTable(parties=list(weights), weights=weights)


def nash_product(utilities: Mapping[str, float]) -> float:
    """The product of the utilities (1.0 for nobody)."""
    return math.prod(utilities.values())
