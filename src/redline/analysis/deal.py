"""Deal evaluation: how each party would receive a package (one scale option per issue).

A deal file (YAML, read with ``yaml.safe_load``)::

    name: Istanbul-style framework       # optional
    description: ...                     # optional
    options:
      crimea_recognition: deferred
      prisoner_exchange: exchange
      # every issue left out stays at its status quo

Per party: the red lines the deal crosses (with the quote and document that establish each),
the conditions it leaves unmet, a utility (0-1, :mod:`redline.analysis.constraints`) and a verdict:
``reject`` where it crosses a red line, else ``conditional`` where a condition is unmet, else
``accept``. Overall: the parties that block the deal, and why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from redline.analysis.constraints import Condition, RedLine, conditions, red_lines, utility_table
from redline.model.positions import PositionsModel
from redline.pack.schema import Pack
from redline.yamlfile import read_yaml

__all__ = [
    "Breach",
    "Deal",
    "DealError",
    "DealEvaluation",
    "IssueFit",
    "PartyVerdict",
    "evaluate_deal",
    "load_deal",
    "make_deal",
]


class DealError(ValueError):
    """A deal that cannot be read or does not fit the pack; the message names file and place."""


@dataclass
class Deal:
    options: dict[str, str]  # every pack issue -> option id
    specified: list[str]  # the issues the deal names (the others are at their status quo)
    name: str = "deal"
    description: str = ""
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "source": self.source,
            "options": dict(self.options),
            "specified": list(self.specified),
        }


def make_deal(options: Mapping[str, str], pack: Pack, name: str = "deal", *, where: str = "deal") -> Deal:
    """Check the options against the pack and fill every unnamed issue with its status quo."""
    problems = []
    for iid, opt in options.items():
        if iid not in pack.issue_ids:
            problems.append(f"{where}: options.{iid}: unknown issue (pack has {', '.join(pack.issue_ids)})")
            continue
        ids = [o.id for o in pack.issue(iid).scale]
        if opt not in ids:
            problems.append(f"{where}: options.{iid}: unknown option {opt!r} ({', '.join(ids)})")
    if problems:
        raise DealError("\n".join(problems))
    full = {i.id: options.get(i.id, i.status_quo) for i in pack.issues}
    return Deal(options=full, specified=[i for i in pack.issue_ids if i in options], name=name, source=where)


def load_deal(path: str | Path, pack: Pack) -> Deal:
    p = Path(path)
    raw = read_yaml(p, DealError, "deal")
    if not isinstance(raw, dict):
        raise DealError(f"{p}: a deal must be a YAML mapping with 'options' (issue id: option id)")
    unknown = sorted(set(raw) - {"name", "description", "options"})
    if unknown:
        raise DealError(f"{p}: {unknown[0]}: unknown field (a deal has name, description, options)")
    options = raw.get("options")
    if options is None:
        options = {}
    if not isinstance(options, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in options.items()):
        raise DealError(f"{p}: options: must map issue ids to option ids (text)")
    for key in ("name", "description"):
        if key in raw and not isinstance(raw[key], str):
            raise DealError(f"{p}: {key}: must be text")
    deal = make_deal(options, pack, name=raw.get("name") or p.stem, where=str(p))
    deal.description = raw.get("description") or ""
    return deal


@dataclass
class Breach:
    red_line: RedLine
    option: str  # the option the deal chooses

    def describe(self) -> str:
        rl = self.red_line
        return f"{rl.party}'s red line {rl.requirement} — deal gives {rl.issue} = {self.option}: {rl.source_text()}"

    def to_dict(self) -> dict[str, Any]:
        return {"option": self.option, "text": self.describe(), "red_line": self.red_line.to_dict()}


@dataclass
class IssueFit:
    issue: str
    option: str
    value: float
    position: float
    stance: str | None
    salience: float
    closeness: float  # 1 - |value - position| / 100

    def to_dict(self) -> dict[str, Any]:
        return {
            "issue": self.issue,
            "option": self.option,
            "value": self.value,
            "position": self.position,
            "stance": self.stance,
            "salience": round(self.salience, 1),
            "closeness": round(self.closeness, 4),
        }


@dataclass
class PartyVerdict:
    party: str
    name: str
    verdict: str  # accept | reject | conditional
    utility: float
    status_quo_utility: float
    crossed: list[Breach] = field(default_factory=list)
    unmet: list[Condition] = field(default_factory=list)
    issues: list[IssueFit] = field(default_factory=list)

    @property
    def reasons(self) -> list[str]:
        return [b.describe() for b in self.crossed] + [f"unmet: {c.describe()}" for c in self.unmet]

    def to_dict(self) -> dict[str, Any]:
        return {
            "party": self.party,
            "name": self.name,
            "verdict": self.verdict,
            "utility": round(self.utility, 4),
            "status_quo_utility": round(self.status_quo_utility, 4),
            "crossed": [b.to_dict() for b in self.crossed],
            "unmet": [c.to_dict() for c in self.unmet],
            "reasons": self.reasons,
            "issues": [f.to_dict() for f in self.issues],
        }


@dataclass
class DealEvaluation:
    deal: Deal
    parties: list[PartyVerdict]
    nash_product: float

    @property
    def blockers(self) -> list[str]:
        return [v.party for v in self.parties if v.verdict == "reject"]

    @property
    def conditional(self) -> list[str]:
        return [v.party for v in self.parties if v.verdict == "conditional"]

    @property
    def verdict(self) -> str:
        if self.blockers:
            return "blocked"
        return "conditional" if self.conditional else "acceptable"

    def summary(self) -> list[str]:
        lines = []
        for v in self.parties:
            if v.verdict == "reject":
                lines.append(f"{v.party} blocks: " + "; ".join(b.describe() for b in v.crossed))
        for v in self.parties:
            if v.unmet:
                lines.append(f"{v.party} conditional: " + "; ".join(c.describe() for c in v.unmet))
        if not lines:
            lines.append("no party's red line is crossed and every condition is met")
        return lines

    def verdict_of(self, party: str) -> PartyVerdict:
        for v in self.parties:
            if v.party == party:
                return v
        raise KeyError(party)

    def to_dict(self) -> dict[str, Any]:
        return {
            "deal": self.deal.to_dict(),
            "verdict": self.verdict,
            "blockers": self.blockers,
            "conditional": self.conditional,
            "nash_product": self.nash_product,
            "summary": self.summary(),
            "parties": [v.to_dict() for v in self.parties],
        }


def evaluate_deal(model: PositionsModel, pack: Pack, deal: Deal | Mapping[str, str]) -> DealEvaluation:
    """Evaluate a deal (a :class:`Deal` or a mapping issue -> option) for every party in the model."""
    if not isinstance(deal, Deal):
        deal = make_deal(deal, pack)
    options = deal.options
    table = utility_table(model, pack)
    status_quo = {i.id: i.status_quo for i in pack.issues}
    all_red = red_lines(model, pack)
    all_cond = conditions(model, pack)
    verdicts = []
    nash = 1.0
    for p in model.parties:
        crossed = [
            Breach(rl, options[rl.issue])
            for rl in all_red
            if rl.party == p and not rl.allows(pack.issue(rl.issue), options[rl.issue])
        ]
        unmet = [c for c in all_cond if c.party == p and not c.met(pack, options)]
        fits = []
        for cell in model.for_party(p):
            if cell.value is None:
                continue
            issue = pack.issue(cell.issue)
            v = issue.option(options[cell.issue]).value
            fits.append(
                IssueFit(
                    issue=cell.issue,
                    option=options[cell.issue],
                    value=v,
                    position=cell.value,
                    stance=cell.stance,
                    salience=cell.salience,
                    closeness=max(0.0, 1.0 - abs(v - cell.value) / 100.0),
                )
            )
        has_utility = p in table.weights
        util = table.utility(p, options, pack) if has_utility else 0.0
        if has_utility:
            nash *= util
        verdicts.append(
            PartyVerdict(
                party=p,
                name=pack.party(p).name,
                verdict="reject" if crossed else "conditional" if unmet else "accept",
                utility=util,
                status_quo_utility=table.utility(p, status_quo, pack) if has_utility else 0.0,
                crossed=crossed,
                unmet=unmet,
                issues=fits,
            )
        )
    return DealEvaluation(deal=deal, parties=verdicts, nash_product=nash if table.parties else 0.0)
