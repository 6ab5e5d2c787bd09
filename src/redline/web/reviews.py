"""Analyst reviews of extracted positions: accept, reject or correct, with who and when.

A review is keyed by what identifies a statement across re-extraction - the document's content
hash, the evidence offsets, the party and the issue - never by a row id, so it survives
``redline extract --force`` and re-ingesting the same text. Reviews override extraction
everywhere (web views, the JSON API, the HTML report, the model fed to the deal tester).

Storage: the store's ``reviews`` table (the store owns all SQL).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from redline.store import Store
from redline.types import KINDS, STANCES, Position

ACTIONS = ("accept", "reject", "correct")
CORRECTABLE = ("stance", "red_line", "kind", "speaker", "condition", "when", "historical")


class ReviewError(ValueError):
    """A review that cannot be applied (unknown action, bad corrected value)."""


@dataclass
class Review:
    content_hash: str
    start: int
    end: int
    party: str
    issue: str
    action: str  # accept | reject | correct
    by: str
    at: str
    changes: dict[str, Any]
    note: str = ""

    @property
    def key(self) -> str:
        return review_key(self.content_hash, self.start, self.end, self.party, self.issue)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["key"] = self.key
        return d


def review_key(content_hash: str, start: int, end: int, party: str, issue: str) -> str:
    return f"{content_hash}:{start}:{end}:{party}:{issue}"


def check_changes(changes: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in changes.items():
        if k not in CORRECTABLE:
            raise ReviewError(f"field {k!r} cannot be corrected (one of {', '.join(CORRECTABLE)})")
        if k == "stance" and v not in STANCES:
            raise ReviewError(f"stance {v!r} is not one of {', '.join(STANCES)}")
        if k == "kind" and v not in KINDS:
            raise ReviewError(f"kind {v!r} is not one of {', '.join(KINDS)}")
        if k in ("red_line", "historical"):
            v = bool(v)
        if k in ("speaker", "condition", "when") and v is not None:
            v = str(v)[:200]
        out[k] = v
    return out


class ReviewBook:
    """All reviews of one store (read from and written to its ``reviews`` table)."""

    def __init__(self, db: Path | Store) -> None:
        self._own = not isinstance(db, Store)
        self.store = db if isinstance(db, Store) else Store(db)

    def close(self) -> None:
        if self._own:
            self.store.close()

    def all(self) -> list[Review]:
        return [Review(**r) for r in self.store.reviews()]

    def get(self, key: str) -> Review | None:
        return next((r for r in self.all() if r.key == key), None)

    def add(
        self, content_hash: str, pos: Position, action: str, by: str, changes: dict[str, Any] | None = None,
        note: str = "",
    ) -> Review:
        if action not in ACTIONS:
            raise ReviewError(f"action {action!r} is not one of {', '.join(ACTIONS)}")
        clean = check_changes(changes or {}) if action == "correct" else {}
        if action == "correct" and not clean:
            raise ReviewError("a correction needs at least one changed field")
        review = Review(
            content_hash=content_hash,
            start=pos.evidence.start,
            end=pos.evidence.end,
            party=pos.party,
            issue=pos.issue,
            action=action,
            by=(by or "anonymous")[:100],
            at=datetime.now(UTC).isoformat(timespec="seconds"),
            changes=clean,
            note=note[:1000],
        )
        self.store.upsert_review(asdict(review))
        return review

    def remove(self, key: str) -> bool:
        review = self.get(key)
        if review is None:
            return False
        return self.store.delete_review(review.content_hash, review.start, review.end, review.party, review.issue)


@dataclass
class ReviewedPosition:
    """A position as shown: extraction with its review applied (rejected ones kept, flagged)."""

    position: Position
    key: str
    review: Review | None

    @property
    def rejected(self) -> bool:
        return self.review is not None and self.review.action == "reject"

    @property
    def status(self) -> str:
        return "unreviewed" if self.review is None else {
            "accept": "accepted", "reject": "rejected", "correct": "corrected"
        }[self.review.action]

    def to_dict(self) -> dict[str, Any]:
        d = self.position.to_json()
        d.update(id=self.position.id, doc_id=self.position.doc_id, key=self.key, status=self.status,
                 review=self.review.to_dict() if self.review else None)
        return d


def apply_reviews(
    positions: list[Position], hashes: dict[int, str], book: ReviewBook | None
) -> list[ReviewedPosition]:
    """Every position with its review applied (``hashes``: doc id -> content hash)."""
    by_key = {r.key: r for r in book.all()} if book is not None else {}
    out = []
    for pos in positions:
        h = hashes.get(pos.doc_id or -1, "")
        key = review_key(h, pos.evidence.start, pos.evidence.end, pos.party, pos.issue)
        review = by_key.get(key)
        if review is not None and review.action == "correct":
            pos = replace(pos, **review.changes, confidence=1.0)
        elif review is not None and review.action == "accept":
            pos = replace(pos, confidence=1.0)
        out.append(ReviewedPosition(pos, key, review))
    return out
