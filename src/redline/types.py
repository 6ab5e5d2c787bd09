"""Typed data objects passed between pipeline stages.

ingest -> Document -> (nlp, extract) -> Position -> store -> model -> analysis -> report/web.
They are plain dataclasses: cheap to build, easy to serialise (``asdict``), and free of any
database or web concern. Only :mod:`redline.store` turns them into rows.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Stance = Literal["favor", "against", "conditional"]
Kind = Literal["quote", "reported", "narrative"]
STANCES: tuple[str, ...] = ("favor", "against", "conditional")
KINDS: tuple[str, ...] = ("quote", "reported", "narrative")


@dataclass
class Document:
    """One article as ingested. ``text`` is what evidence offsets point into; never change it."""

    name: str  # file base name for files, the URL for fetched pages, "<stdin>" for standard input
    text: str
    source: str = ""  # full path or URL it came from
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    author: str | None = None
    date: str | None = None  # ISO date (YYYY-MM-DD) where known; never invented
    language: str | None = None
    content_hash: str = ""
    id: int | None = None  # store id, once stored
    duplicate_of: int | None = None  # store id of the first copy for syndicated / repeated copies

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Evidence:
    start: int
    end: int
    text: str


@dataclass
class Position:
    """A stance of a party on a negotiation issue, as one document states or reports it."""

    doc: str  # the document's name (file base name)
    party: str  # pack party id
    issue: str  # pack issue id
    stance: str  # favor | against | conditional
    kind: str  # quote | reported | narrative
    evidence: Evidence
    speaker: str = ""  # canonical person or body; empty for the outlet's own account
    red_line: bool = False
    condition: str | None = None  # issue id a conditional stance depends on
    when: str | None = None  # ISO date or period (2024-06, 2022) the statement belongs to
    confidence: float = 0.5
    outlet: str | None = None
    doc_date: str | None = None
    historical: bool = False  # the statement is history (a past position), not a current one
    doc_id: int | None = None  # store id of the document
    id: int | None = None  # store id of the position

    def to_json(self) -> dict[str, Any]:
        """The stable JSONL record of ``redline extract --format jsonl``."""
        return {
            "doc": self.doc,
            "outlet": self.outlet,
            "doc_date": self.doc_date,
            "party": self.party,
            "speaker": self.speaker,
            "issue": self.issue,
            "stance": self.stance,
            "red_line": self.red_line,
            "condition": self.condition,
            "kind": self.kind,
            "evidence": {"start": self.evidence.start, "end": self.evidence.end, "text": self.evidence.text},
            "when": self.when,
            "historical": self.historical,
            "confidence": round(self.confidence, 3),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Position:
        ev = data.get("evidence") or {}
        if isinstance(ev, str):
            ev = {"start": -1, "end": -1, "text": ev}
        return cls(
            doc=data["doc"],
            party=data["party"],
            issue=data["issue"],
            stance=data["stance"],
            kind=data.get("kind", "reported"),
            evidence=Evidence(int(ev.get("start", -1)), int(ev.get("end", -1)), str(ev.get("text", ""))),
            speaker=data.get("speaker") or "",
            red_line=bool(data.get("red_line")),
            condition=data.get("condition"),
            when=data.get("when"),
            confidence=float(data.get("confidence", 0.5)),
            outlet=data.get("outlet"),
            doc_date=data.get("doc_date"),
            historical=bool(data.get("historical", False)),
        )


@dataclass
class IngestProblem:
    """An input that could not be ingested: recorded, skipped, and reported."""

    source: str
    reason: str


@dataclass
class IngestSummary:
    documents: int = 0  # new documents stored in this run (the linked duplicates included)
    already_stored: int = 0  # inputs whose exact content was stored before (re-ingest)
    duplicates: int = 0  # near/exact duplicates of another document, stored and linked
    outlets: list[str] = field(default_factory=list)
    problems: list[IngestProblem] = field(default_factory=list)
    doc_ids: list[int] = field(default_factory=list)  # ids of every input document (new or existing)
    duplicate_links: list[tuple[str, str]] = field(default_factory=list)  # (copy's name, first copy's name)

    @property
    def ok(self) -> bool:
        return not self.problems
