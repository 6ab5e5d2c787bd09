"""The positions model: what each party currently holds on each issue, and how sure we are.

Input: the extracted :class:`~redline.types.Position` statements (one per document that states or
reports a stance) and the negotiation :class:`~redline.pack.Pack`. Output: one
:class:`PartyIssuePosition` per (party, issue) that anyone spoke about, plus the shifts,
divergences and contradictions found on the way. Everything here is pack-agnostic.

Rules (``docs/model.md`` explains them at length):

* **Time.** A statement's time is its ``when`` (the date or period it belongs to) where set, else
  its document's date. ``MM-DD`` takes the year of the document date. A statement without any
  date is read as current (news reports the present unless it says otherwise).
* **Current stance.** Statements flagged ``historical`` never count as current (they are kept as
  history and feed the shift detector). The current stance is a weighted vote of the current
  statements: kind weight (quote 1, reported 0.8, narrative 0.6) x confidence x 2 for a red line
  x recency ``0.5 ** (age_days / 30)``, the age measured from the cell's newest dated statement
  (undated statements count as newest). Ties go to the latest statement.
* **Red line.** A current statement flags it, with the same stance as the current stance (a red
  line "against" quoted under a "favor" stance is a contradiction, not a red line).
* **Scale value.** favor -> the top option's value when a red line (the maximal demand), else the
  ``favor_from`` option's value; against -> the bottom option's value; conditional -> the
  ``favor_from`` value, with the condition recorded.
* **Salience.** Each statement adds 1, +1 if a red line, +0.5 if a direct quote (x0.5 when
  historical); the raw sums are scaled per party so the party's most raised issue is 100.
* **Overrides.** An analyst positions file (:mod:`redline.model.overrides`) wins over all of this
  and is marked in the output.
"""

from __future__ import annotations

import calendar
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from redline.pack.schema import Issue, Pack
from redline.types import STANCES, Document, Position

if TYPE_CHECKING:
    from redline.model.overrides import AnalystPositions

__all__ = [
    "Divergence",
    "FigureContradiction",
    "FigureMention",
    "PartyIssuePosition",
    "PositionsModel",
    "Shift",
    "StanceContradiction",
    "Statement",
    "When",
    "build_model",
    "find_figure_contradictions",
    "nearest_option",
    "parse_when",
    "stance_value",
]

KIND_WEIGHT: dict[str, float] = {"quote": 1.0, "reported": 0.8, "narrative": 0.6}
RED_LINE_VOTE = 2.0  # a red-line statement counts double in the stance vote
HALF_LIFE_DAYS = 30.0  # recency: a statement 30 days older than the newest counts half
SAL_BASE, SAL_RED_LINE, SAL_QUOTE, SAL_HISTORY = 1.0, 1.0, 0.5, 0.5
FIGURE_WINDOW_DAYS = 7  # figures about one fact are compared across documents this close in time
MIN_CONFIDENCE = 0.05
CONTESTED = 2 / 3  # a stance with less of the vote than this is "contested"


# --------------------------------------------------------------------------------------------
# time
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class When:
    """A point or period in time, possibly partial: ``month``/``day`` 0 = unknown."""

    year: int
    month: int = 0
    day: int = 0

    @property
    def ordinal(self) -> int:
        """Days since 0001-01-01 of the period's first day."""
        return date(self.year, self.month or 1, self.day or 1).toordinal()

    @property
    def iso(self) -> str:
        if not self.month:
            return f"{self.year:04d}"
        if not self.day:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @property
    def period(self) -> str:
        """The month (or the year, where that is all we know) a statement belongs to."""
        return f"{self.year:04d}-{self.month:02d}" if self.month else f"{self.year:04d}"


_YMD = re.compile(r"^\s*(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?(?!\d)")
_MD = re.compile(r"^\s*(\d{1,2})-(\d{1,2})\s*$")


def parse_when(text: str | None, ref: str | None = None) -> When | None:
    """Parse ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` (anything after is ignored) or ``MM-DD``.

    ``MM-DD`` takes its year from ``ref`` (the document date); without one it is undated (None).
    Impossible months or days are dropped rather than guessed.
    """
    if not text:
        return None
    m = _YMD.match(text)
    if m:
        year = int(m.group(1))
        if not 1 <= year <= 9999:
            return None
        month = int(m.group(2)) if m.group(2) else 0
        day = int(m.group(3)) if m.group(3) else 0
        if not 1 <= month <= 12:
            return When(year)
        if not 1 <= day <= calendar.monthrange(year, month)[1]:
            day = 0
        return When(year, month, day)
    m = _MD.match(text)
    if m:
        base = parse_when(ref)
        month, day = int(m.group(1)), int(m.group(2))
        if base is None or not 1 <= month <= 12:
            return None
        if not 1 <= day <= calendar.monthrange(base.year, month)[1]:
            day = 0
        return When(base.year, month, day)
    return None


# --------------------------------------------------------------------------------------------
# statements and cells
# --------------------------------------------------------------------------------------------


@dataclass
class Statement:
    """One extracted position as the model reads it (time resolved, vote weight attached)."""

    party: str
    issue: str
    stance: str
    red_line: bool
    kind: str
    quote: str
    doc: str
    speaker: str = ""
    condition: str | None = None
    outlet: str | None = None
    doc_date: str | None = None
    when: str | None = None
    time: When | None = None
    historical: bool = False
    confidence: float = 0.5
    start: int = -1
    end: int = -1
    index: int = 0  # input order, the last tie-breaker
    position_id: int | None = None

    @classmethod
    def from_position(cls, pos: Position, index: int) -> Statement:
        return cls(
            party=pos.party,
            issue=pos.issue,
            stance=pos.stance,
            red_line=bool(pos.red_line),
            kind=pos.kind if pos.kind in KIND_WEIGHT else "reported",
            quote=pos.evidence.text,
            doc=pos.doc,
            speaker=pos.speaker or "",
            condition=pos.condition,
            outlet=pos.outlet,
            doc_date=pos.doc_date,
            when=pos.when,
            time=parse_when(pos.when, pos.doc_date) or parse_when(pos.doc_date),
            historical=bool(pos.historical),
            confidence=float(pos.confidence),
            start=pos.evidence.start,
            end=pos.evidence.end,
            index=index,
            position_id=pos.id,
        )

    @property
    def source(self) -> str:
        """Who reports it: the outlet, else the document."""
        return self.outlet or self.doc

    @property
    def date(self) -> str | None:
        return self.time.iso if self.time else None

    @property
    def base_weight(self) -> float:
        """Vote weight before recency: kind x confidence x red line."""
        w = KIND_WEIGHT.get(self.kind, 0.8) * max(self.confidence, MIN_CONFIDENCE)
        return w * (RED_LINE_VOTE if self.red_line else 1.0)

    @property
    def salience_weight(self) -> float:
        w = SAL_BASE + SAL_RED_LINE * self.red_line + SAL_QUOTE * (self.kind == "quote")
        return w * (SAL_HISTORY if self.historical else 1.0)

    def to_dict(self) -> dict[str, Any]:
        return {
            "party": self.party,
            "issue": self.issue,
            "stance": self.stance,
            "red_line": self.red_line,
            "condition": self.condition,
            "kind": self.kind,
            "speaker": self.speaker,
            "quote": self.quote,
            "doc": self.doc,
            "outlet": self.outlet,
            "date": self.date,
            "historical": self.historical,
            "confidence": round(self.confidence, 3),
            "start": self.start,
            "end": self.end,
        }


@dataclass
class PartyIssuePosition:
    """A party's position on one issue, with the statements that carry it."""

    party: str
    issue: str
    stance: str | None  # current stance; None where the party only has history on the issue
    value: float | None  # the stance on the issue's 0-100 scale
    option: str | None  # the scale option nearest to ``value``
    red_line: bool
    conditions: list[str]
    salience: float  # 0-100 within the party
    raw_salience: float
    evidence_count: int
    outlets: list[str]
    first_seen: str | None
    last_seen: str | None
    statements: list[Statement]  # current statements, strongest support for the stance first
    history: list[Statement]  # statements flagged historical, oldest first
    support: dict[str, float] = field(default_factory=dict)  # stance -> vote weight
    override: bool = False
    override_fields: list[str] = field(default_factory=list)
    override_note: str | None = None

    @property
    def carrying(self) -> list[Statement]:
        """Current statements with the current stance, strongest first."""
        return [s for s in self.statements if s.stance == self.stance]

    @property
    def red_line_statements(self) -> list[Statement]:
        return [s for s in self.carrying if s.red_line]

    @property
    def speakers(self) -> list[str]:
        return sorted({s.speaker for s in self.statements if s.speaker})

    @property
    def contested(self) -> bool:
        """The current stance carries less than 2/3 of the vote (statements pull both ways)."""
        total = sum(self.support.values())
        return bool(self.stance and total > 0 and self.support.get(self.stance, 0.0) < CONTESTED * total)

    def to_dict(self) -> dict[str, Any]:
        return {
            "party": self.party,
            "issue": self.issue,
            "stance": self.stance,
            "value": self.value,
            "option": self.option,
            "red_line": self.red_line,
            "conditions": list(self.conditions),
            "salience": round(self.salience, 1),
            "raw_salience": round(self.raw_salience, 3),
            "evidence_count": self.evidence_count,
            "outlets": list(self.outlets),
            "speakers": self.speakers,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "support": {k: round(v, 3) for k, v in self.support.items()},
            "contested": self.contested,
            "override": self.override,
            "override_fields": list(self.override_fields),
            "override_note": self.override_note,
            "statements": [s.to_dict() for s in self.statements],
            "history": [s.to_dict() for s in self.history],
        }


@dataclass
class Shift:
    """A party's stance on an issue changed from one period to the next."""

    party: str
    issue: str
    before_period: str
    before_stance: str
    after_period: str
    after_stance: str
    before: list[Statement]
    after: list[Statement]

    def describe(self) -> str:
        return (
            f"{self.party} on {self.issue}: {self.before_stance} ({self.before_period}) -> "
            f"{self.after_stance} ({self.after_period})"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "party": self.party,
            "issue": self.issue,
            "before_period": self.before_period,
            "before_stance": self.before_stance,
            "after_period": self.after_period,
            "after_stance": self.after_stance,
            "text": self.describe(),
            "before": [s.to_dict() for s in self.before],
            "after": [s.to_dict() for s in self.after],
        }


@dataclass
class Divergence:
    """Speakers of one party who currently disagree on an issue."""

    party: str
    issue: str
    speakers: dict[str, str]  # speaker -> that speaker's current stance
    statements: list[Statement]

    @property
    def opposed(self) -> bool:
        """Some say favor and some against (not merely conditional vs outright)."""
        return {"favor", "against"} <= set(self.speakers.values())

    def describe(self) -> str:
        parts = ", ".join(f"{sp} {st}" for sp, st in self.speakers.items())
        return f"{self.party} divided on {self.issue}: {parts}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "party": self.party,
            "issue": self.issue,
            "speakers": dict(self.speakers),
            "opposed": self.opposed,
            "text": self.describe(),
            "statements": [s.to_dict() for s in self.statements],
        }


@dataclass
class StanceContradiction:
    """Sources that report opposite stances for the same party, issue and period."""

    party: str
    issue: str
    period: str
    sources: dict[str, str]  # source (outlet, else document) -> stance it reports
    statements: list[Statement]
    kind: str = "stance"

    def describe(self) -> str:
        parts = "; ".join(f"{src}: {st}" for src, st in self.sources.items())
        return f"sources disagree on {self.party}'s stance on {self.issue} ({self.period}): {parts}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "party": self.party,
            "issue": self.issue,
            "period": self.period,
            "sources": dict(self.sources),
            "text": self.describe(),
            "statements": [s.to_dict() for s in self.statements],
        }


@dataclass
class FigureMention:
    """A number next to an issue's trigger word in one document."""

    doc: str
    outlet: str | None
    date: str | None
    issue: str
    unit: str
    value: float
    text: str  # the number as written, with its unit
    sentence: str
    start: int = -1
    end: int = -1

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc": self.doc,
            "outlet": self.outlet,
            "date": self.date,
            "issue": self.issue,
            "unit": self.unit,
            "value": self.value,
            "text": self.text,
            "sentence": self.sentence,
            "start": self.start,
            "end": self.end,
        }


@dataclass
class FigureContradiction:
    """Documents close in time that give different figures for what looks like the same fact."""

    issue: str
    unit: str
    mentions: list[FigureMention]
    kind: str = "figure"

    @property
    def party(self) -> str | None:
        return None

    @property
    def values(self) -> list[float]:
        return sorted({m.value for m in self.mentions})

    def describe(self) -> str:
        parts = "; ".join(f"{m.text!r} ({m.outlet or m.doc}, {m.date or 'undated'})" for m in self.mentions)
        return f"figures differ on {self.issue} ({self.unit}): {parts}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "issue": self.issue,
            "unit": self.unit,
            "values": self.values,
            "text": self.describe(),
            "mentions": [m.to_dict() for m in self.mentions],
        }


Contradiction = StanceContradiction | FigureContradiction


@dataclass
class PositionsModel:
    """Every (party, issue) cell, in pack order, with shifts, divergences and contradictions."""

    pack_id: str
    parties: list[str]  # parties with at least one cell, pack order
    issues: list[str]  # issues with at least one cell, pack order
    cells: dict[tuple[str, str], PartyIssuePosition]
    capability: dict[str, float] = field(default_factory=dict)  # analyst capabilities (default 1)
    shift_list: list[Shift] = field(default_factory=list)
    divergence_list: list[Divergence] = field(default_factory=list)
    contradiction_list: list[Contradiction] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # skipped statements and other remarks
    overrides_source: str | None = None

    def cell(self, party: str, issue: str) -> PartyIssuePosition | None:
        return self.cells.get((party, issue))

    def matrix(self) -> dict[str, dict[str, PartyIssuePosition]]:
        """party -> issue -> position, both in pack order; absent cells are left out."""
        out: dict[str, dict[str, PartyIssuePosition]] = {}
        for p in self.parties:
            row = {i: self.cells[(p, i)] for i in self.issues if (p, i) in self.cells}
            if row:
                out[p] = row
        return out

    def for_party(self, party: str) -> list[PartyIssuePosition]:
        return [self.cells[(party, i)] for i in self.issues if (party, i) in self.cells]

    def for_issue(self, issue: str) -> list[PartyIssuePosition]:
        return [self.cells[(p, issue)] for p in self.parties if (p, issue) in self.cells]

    def current(self) -> list[PartyIssuePosition]:
        """Cells with a current stance (and so a scale value)."""
        return [c for c in self.cells.values() if c.value is not None]

    def capability_of(self, party: str) -> float:
        return self.capability.get(party, 1.0)

    def shifts(self) -> list[Shift]:
        return list(self.shift_list)

    def divergences(self) -> list[Divergence]:
        return list(self.divergence_list)

    def contradictions(self) -> list[Contradiction]:
        return list(self.contradiction_list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "pack": self.pack_id,
            "parties": list(self.parties),
            "issues": list(self.issues),
            "capability": {p: self.capability_of(p) for p in self.parties},
            "overrides": self.overrides_source,
            "positions": [self.cells[k].to_dict() for k in self._ordered_keys()],
            "shifts": [s.to_dict() for s in self.shift_list],
            "divergences": [d.to_dict() for d in self.divergence_list],
            "contradictions": [c.to_dict() for c in self.contradiction_list],
            "notes": list(self.notes),
        }

    def _ordered_keys(self) -> list[tuple[str, str]]:
        return [(p, i) for p in self.parties for i in self.issues if (p, i) in self.cells]


# --------------------------------------------------------------------------------------------
# scale mapping
# --------------------------------------------------------------------------------------------


def stance_value(issue: Issue, stance: str, red_line: bool = False) -> float:
    """Where a stance sits on the issue's 0-100 scale (see the module docstring)."""
    if stance == "favor":
        return issue.scale[-1].value if red_line else issue.option(issue.favor_from).value
    if stance == "against":
        return issue.scale[0].value
    if stance == "conditional":
        return issue.option(issue.favor_from).value
    raise ValueError(f"unknown stance {stance!r}")


def nearest_option(issue: Issue, value: float) -> str:
    """The scale option closest to a value (ties: the lower option)."""
    best = min(issue.scale, key=lambda o: (abs(o.value - value), o.value))
    return best.id


# --------------------------------------------------------------------------------------------
# building
# --------------------------------------------------------------------------------------------


def _latest_key(s: Statement) -> tuple[int, int, int]:
    """Order for "latest": undated current statements count as newest."""
    if s.time is None:
        return (1, 0, s.index)
    return (0, s.time.ordinal, s.index)


def _vote(stmts: Sequence[Statement], recency: bool = True) -> tuple[str, dict[str, float]]:
    """Weighted stance vote; ties go to the stance of the latest statement among the tied."""
    dated = [s.time.ordinal for s in stmts if s.time is not None]
    newest = max(dated) if dated else 0
    support: dict[str, float] = defaultdict(float)
    for s in stmts:
        w = s.base_weight
        if recency and s.time is not None:
            w *= 0.5 ** ((newest - s.time.ordinal) / HALF_LIFE_DAYS)
        support[s.stance] += w
    top = max(support.values())
    tied = {st for st, w in support.items() if w >= top - 1e-9}
    latest = max((s for s in stmts if s.stance in tied), key=_latest_key)
    return latest.stance, dict(support)


def _period(s: Statement) -> tuple[tuple[int, int], str]:
    """Sort key and label of the period a statement belongs to (for shifts and contradictions)."""
    if s.time is not None:
        return (1, s.time.year * 100 + s.time.month), s.time.period
    if s.historical:
        return (0, 0), "earlier (undated)"
    return (2, 0), "current (undated)"


def build_model(
    positions: Iterable[Position],
    pack: Pack,
    overrides: AnalystPositions | None = None,
    documents: Sequence[Document] | None = None,
    *,
    figure_window_days: int = FIGURE_WINDOW_DAYS,
) -> PositionsModel:
    """Build the positions model from extracted positions (and optional analyst overrides).

    ``documents`` (with text) feed the figure-contradiction detector; without them it reads the
    evidence texts of the positions instead.
    """
    party_ids, issue_ids = set(pack.party_ids), set(pack.issue_ids)
    notes: list[str] = []
    groups: dict[tuple[str, str], list[Statement]] = defaultdict(list)
    all_positions = list(positions)
    for n, pos in enumerate(all_positions):
        where = f"{pos.doc}: {pos.party}/{pos.issue}"
        if pos.party not in party_ids:
            notes.append(f"{where}: party {pos.party!r} is not in pack {pack.id}; skipped")
            continue
        if pos.issue not in issue_ids:
            notes.append(f"{where}: issue {pos.issue!r} is not in pack {pack.id}; skipped")
            continue
        if pos.stance not in STANCES:
            notes.append(f"{where}: stance {pos.stance!r} is not one of {', '.join(STANCES)}; skipped")
            continue
        st = Statement.from_position(pos, n)
        if st.condition is not None and (st.condition not in issue_ids or st.condition == st.issue):
            notes.append(f"{where}: condition {st.condition!r} is not another issue of the pack; ignored")
            st.condition = None
        groups[(pos.party, pos.issue)].append(st)

    cells: dict[tuple[str, str], PartyIssuePosition] = {}
    for (party, issue_id), stmts in groups.items():
        cells[(party, issue_id)] = _cell(party, pack.issue(issue_id), stmts)

    # salience: per party, the most raised issue is 100
    by_party: dict[str, list[PartyIssuePosition]] = defaultdict(list)
    for c in cells.values():
        by_party[c.party].append(c)
    for pcells in by_party.values():
        top = max((c.raw_salience for c in pcells), default=0.0)
        for c in pcells:
            c.salience = 100.0 * c.raw_salience / top if top > 0 else 0.0

    capability: dict[str, float] = {}
    source = None
    if overrides is not None:
        from redline.model.overrides import apply_overrides

        capability = apply_overrides(cells, overrides, pack)
        source = overrides.source or "analyst positions"

    parties = [p for p in pack.party_ids if any(k[0] == p for k in cells)]
    issues = [i for i in pack.issue_ids if any(k[1] == i for k in cells)]
    model = PositionsModel(
        pack_id=pack.id,
        parties=parties,
        issues=issues,
        cells=cells,
        capability=capability,
        notes=notes,
        overrides_source=source,
    )
    model.shift_list = _shifts(groups, pack)
    model.divergence_list = _divergences(groups, pack)
    contradictions: list[Contradiction] = list(_stance_contradictions(groups, pack))
    sources = _figure_sources(documents, all_positions)
    contradictions.extend(find_figure_contradictions(sources, pack, window_days=figure_window_days))
    model.contradiction_list = contradictions
    return model


def _cell(party: str, issue: Issue, stmts: list[Statement]) -> PartyIssuePosition:
    current = [s for s in stmts if not s.historical]
    history = sorted((s for s in stmts if s.historical), key=lambda s: (_period(s)[0], s.index))
    stance: str | None = None
    support: dict[str, float] = {}
    if current:
        stance, support = _vote(current)
    red_line = any(s.red_line and s.stance == stance for s in current)
    conditions: list[str] = []
    for s in current:
        if s.stance == "conditional" and s.condition and s.condition not in conditions:
            conditions.append(s.condition)
    value = stance_value(issue, stance, red_line) if stance else None
    times = [s.time for s in stmts if s.time is not None]

    def strength(s: Statement) -> tuple[int, int, float, tuple[int, int, int]]:
        return (int(s.stance == stance), int(s.red_line), s.base_weight, _latest_key(s))

    return PartyIssuePosition(
        party=party,
        issue=issue.id,
        stance=stance,
        value=value,
        option=nearest_option(issue, value) if value is not None else None,
        red_line=red_line,
        conditions=conditions,
        salience=0.0,
        raw_salience=sum(s.salience_weight for s in stmts),
        evidence_count=len(stmts),
        outlets=sorted({s.outlet for s in stmts if s.outlet}),
        first_seen=min(times).iso if times else None,
        last_seen=max(times).iso if times else None,
        statements=sorted(current, key=strength, reverse=True),
        history=history,
        support=support,
    )


def _shifts(groups: dict[tuple[str, str], list[Statement]], pack: Pack) -> list[Shift]:
    out: list[Shift] = []
    for party, issue in _pack_order(groups, pack):
        periods: dict[tuple[int, int], tuple[str, list[Statement]]] = {}
        for s in groups[(party, issue)]:
            key, label = _period(s)
            periods.setdefault(key, (label, []))[1].append(s)
        seq = []
        for key in sorted(periods):
            label, stmts = periods[key]
            stance, _ = _vote(stmts, recency=False)
            seq.append((label, stance, stmts))
        for (l0, s0, st0), (l1, s1, st1) in zip(seq, seq[1:], strict=False):
            if s0 != s1:
                out.append(
                    Shift(
                        party,
                        issue,
                        l0,
                        s0,
                        l1,
                        s1,
                        [s for s in st0 if s.stance == s0],
                        [s for s in st1 if s.stance == s1],
                    )
                )
    return out


def _divergences(groups: dict[tuple[str, str], list[Statement]], pack: Pack) -> list[Divergence]:
    out: list[Divergence] = []
    for party, issue in _pack_order(groups, pack):
        by_speaker: dict[str, list[Statement]] = defaultdict(list)
        for s in groups[(party, issue)]:
            if s.speaker and not s.historical:
                by_speaker[s.speaker].append(s)
        if len(by_speaker) < 2:
            continue
        stances = {sp: _vote(stmts)[0] for sp, stmts in sorted(by_speaker.items())}
        if len(set(stances.values())) < 2:
            continue
        stmts = [s for sp, ss in sorted(by_speaker.items()) for s in ss if s.stance == stances[sp]]
        out.append(Divergence(party, issue, stances, stmts))
    return out


_OPPOSITE = {("favor", "against"), ("against", "favor")}


def _stance_contradictions(groups: dict[tuple[str, str], list[Statement]], pack: Pack) -> list[StanceContradiction]:
    """Opposite stances (favor vs against) for one party, issue and period from different sources.

    Each source (outlet, else document) that reports only one of favor/against for the party in
    the period is compared with every other such source. Two sources that each name different
    speakers (and no unnamed account) show a divergence inside the party, not a contradiction
    between sources, and are left out; so is a source that itself reports both stances.
    """
    out: list[StanceContradiction] = []
    for party, issue in _pack_order(groups, pack):
        by_period: dict[tuple[int, int], tuple[str, list[Statement]]] = {}
        for s in groups[(party, issue)]:
            key, label = _period(s)
            by_period.setdefault(key, (label, []))[1].append(s)
        for key in sorted(by_period):
            label, stmts = by_period[key]
            by_source: dict[str, list[Statement]] = defaultdict(list)
            for s in stmts:
                by_source[s.source].append(s)
            involved: dict[str, None] = {}
            names = sorted(by_source)
            for n, a in enumerate(names):
                for b in names[n + 1 :]:
                    sa = {s.stance for s in by_source[a]} - {"conditional"}
                    sb = {s.stance for s in by_source[b]} - {"conditional"}
                    if len(sa) != 1 or len(sb) != 1 or (next(iter(sa)), next(iter(sb))) not in _OPPOSITE:
                        continue
                    spa = {s.speaker for s in by_source[a]}
                    spb = {s.speaker for s in by_source[b]}
                    if "" not in spa and "" not in spb and spa.isdisjoint(spb):
                        continue  # different named speakers: a divergence, not a contradiction
                    involved[a] = involved[b] = None
            if not involved:
                continue
            chosen = sorted((s for src in involved for s in by_source[src]), key=lambda s: s.index)
            sources = {src: _vote(by_source[src], recency=False)[0] for src in involved}
            out.append(StanceContradiction(party, issue, label, sources, chosen))
    return out


def _pack_order(groups: dict[tuple[str, str], list[Statement]], pack: Pack) -> list[tuple[str, str]]:
    return [(p, i) for p in pack.party_ids for i in pack.issue_ids if (p, i) in groups]


# --------------------------------------------------------------------------------------------
# figure contradictions
# --------------------------------------------------------------------------------------------


@dataclass
class _FigureSource:
    doc: str
    outlet: str | None
    date: str | None
    text: str
    offsets: bool  # whether positions in ``text`` are document offsets


def _figure_sources(documents: Sequence[Document] | None, positions: Sequence[Position]) -> list[_FigureSource]:
    if documents:
        return [
            _FigureSource(d.name, d.outlet, d.date, d.text, True)
            for d in documents
            if d.text and d.duplicate_of is None
        ]
    texts: dict[str, list[str]] = defaultdict(list)
    meta: dict[str, tuple[str | None, str | None]] = {}
    for p in positions:
        if p.evidence.text and p.evidence.text not in texts[p.doc]:
            texts[p.doc].append(p.evidence.text)
        meta.setdefault(p.doc, (p.outlet, p.doc_date))
    return [_FigureSource(doc, meta[doc][0], meta[doc][1], "\n".join(t), False) for doc, t in texts.items()]


_NUMBER = re.compile(
    r"(?<![\w.,/-])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s+(million|thousand|hundred))?(?![\w%]|[.,]\d|-\w)",
    re.IGNORECASE,
)
_MULT = {"million": 1e6, "thousand": 1e3, "hundred": 1e2}
_NOT_A_COUNT = re.compile(
    r"^\s*(per ?cent|percent|%|km|kilomet|miles?|metres?|meters?|square|years?|months?|weeks?|days?|hours?|"
    r"minutes?|times|o'clock|am\b|pm\b|dollars?|euros?|usd|bn|billion)",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")
_FOLLOW_WORDS = 3  # the unit must start within this many words after the number


def _issue_patterns(pack: Pack) -> list[tuple[str, int, list[re.Pattern[str]]]]:
    """(issue, trigger group number, compiled group) for every trigger group of the pack."""
    out = []
    for issue in pack.issues:
        for n, group in enumerate(issue.triggers):
            out.append((issue.id, n, [re.compile(p, re.IGNORECASE) for p in group]))
    return out


def _unit_name(text: str) -> str:
    words = [w for w in re.split(r"\s+", text.lower().strip()) if w]
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words)


def _mentions(
    src: _FigureSource, patterns: list[tuple[str, int, list[re.Pattern[str]]]]
) -> list[tuple[int, FigureMention]]:
    out: list[tuple[int, FigureMention]] = []
    for sm in _SENTENCE.finditer(src.text):
        sentence = sm.group(0)
        for nm in _NUMBER.finditer(sentence):
            raw = nm.group(1)
            value = float(raw.replace(",", ""))
            if nm.group(2):
                value *= _MULT[nm.group(2).lower()]
            elif "," not in raw and 1800 <= value <= 2100 and value.is_integer():
                continue  # a year
            after = sentence[nm.end() :]
            if _NOT_A_COUNT.match(after):
                continue
            words = list(re.finditer(r"\S+", after))
            if not words:
                continue
            limit = words[min(_FOLLOW_WORDS, len(words)) - 1].end()
            found = None
            for issue_id, group_no, group in patterns:
                hit = None
                for pat in group:
                    m = pat.search(after)
                    if m and m.start() < limit and not re.search(r"[.;:]", after[: m.start()]):
                        hit = m
                        break
                if hit is None or not all(p.search(sentence) for p in group):
                    continue
                found = (issue_id, group_no, hit)
                break
            if found is None:
                continue
            issue_id, group_no, hit = found
            start = sm.start() + nm.start()
            end = sm.start() + nm.end() + hit.end()
            out.append(
                (
                    group_no,
                    FigureMention(
                        doc=src.doc,
                        outlet=src.outlet,
                        date=src.date,
                        issue=issue_id,
                        unit=_unit_name(hit.group(0)),
                        value=value,
                        text=src.text[start:end].strip(),
                        sentence=sentence.strip(),
                        start=start if src.offsets else -1,
                        end=end if src.offsets else -1,
                    ),
                )
            )
    return out


def find_figure_contradictions(
    sources: Sequence[_FigureSource] | Sequence[Document],
    pack: Pack,
    *,
    window_days: int = FIGURE_WINDOW_DAYS,
) -> list[FigureContradiction]:
    """Different figures for the same fact in documents close in time.

    A figure is a number (``1,200``, ``3.5 million``) followed within three words by a word or
    phrase that one of an issue's trigger patterns matches (``prisoners``, ``bodies of``), in a
    sentence where the rest of that trigger group matches too; years, percentages and
    measures are skipped. Figures counted by the same trigger group of the same issue (so
    "prisoners" and "POWs" count the same thing, "bodies of" something else) from two
    documents whose dates are at most ``window_days`` apart contradict each other when the two
    documents have no figure in common (a document giving both "3,000 more" and "7,000 in all"
    agrees with one that gives either). Undated documents and duplicates (``duplicate_of``)
    are not compared.
    """
    srcs = [
        _FigureSource(s.name, s.outlet, s.date, s.text, True) if isinstance(s, Document) else s
        for s in sources
        if not (isinstance(s, Document) and s.duplicate_of is not None)
    ]
    patterns = _issue_patterns(pack)
    by_key: dict[tuple[str, int], list[FigureMention]] = defaultdict(list)
    for src in srcs:
        if parse_when(src.date) is None:
            continue
        for group_no, m in _mentions(src, patterns):
            by_key[(m.issue, group_no)].append(m)
    out: list[FigureContradiction] = []
    order = {iid: n for n, iid in enumerate(pack.issue_ids)}
    for (issue_id, _), mentions in sorted(by_key.items(), key=lambda kv: (order[kv[0][0]], kv[0][1])):
        unit = "/".join(dict.fromkeys(m.unit for m in mentions))
        per_doc: dict[str, list[FigureMention]] = defaultdict(list)
        for m in mentions:
            per_doc[m.doc].append(m)
        docs = sorted(per_doc, key=lambda d: (parse_when(per_doc[d][0].date) or When(1), d))
        involved: dict[str, None] = {}
        for a_i, a in enumerate(docs):
            for b in docs[a_i + 1 :]:
                wa, wb = parse_when(per_doc[a][0].date), parse_when(per_doc[b][0].date)
                if wa is None or wb is None or abs(wb.ordinal - wa.ordinal) > window_days:
                    continue
                va = {m.value for m in per_doc[a]}
                vb = {m.value for m in per_doc[b]}
                if va.isdisjoint(vb):
                    involved[a] = None
                    involved[b] = None
        if involved:
            out.append(FigureContradiction(issue_id, unit, [m for d in involved for m in per_doc[d]]))
    return out
