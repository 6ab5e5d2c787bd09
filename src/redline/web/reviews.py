"""Analyst reviews of extracted positions: accept, reject or correct, with who and when.

A review is keyed by what identifies a statement across re-extraction - the document's content
hash, the evidence offsets, the party and the issue - never by a row id, so it survives
``redline extract --force`` and re-ingesting the same text. Reviews override extraction
everywhere (web views, the JSON API, the HTML report, the model fed to the deal tester).

Storage: a JSON file beside the database (``<db>.reviews.json``, mode 0600), written atomically.
The store owns all SQL; when it grows a ``reviews`` table this module is the only one to change.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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


def reviews_path(db: Path) -> Path:
    return db.with_name(db.name + ".reviews.json")


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
    """All reviews of one store, loaded from and saved to the JSON file beside it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._reviews: dict[str, Review] = {}
        self._mtime: float | None = None
        self._load()

    def _load(self) -> None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            self._reviews, self._mtime = {}, None
            return
        if self._mtime == st.st_mtime:
            return
        raw = json.loads(self.path.read_text(encoding="utf-8") or "[]")
        reviews = [Review(**{k: v for k, v in r.items() if k != "key"}) for r in raw]
        self._reviews = {r.key: r for r in reviews}
        self._mtime = st.st_mtime

    def _save(self) -> None:
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump([r.to_dict() for r in self._reviews.values()], fh, ensure_ascii=False, indent=1)
        os.replace(tmp, self.path)
        os.chmod(self.path, 0o600)
        self._mtime = self.path.stat().st_mtime

    def all(self) -> list[Review]:
        with self._lock:
            self._load()
            return list(self._reviews.values())

    def get(self, key: str) -> Review | None:
        with self._lock:
            self._load()
            return self._reviews.get(key)

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
        with self._lock:
            self._load()
            self._reviews[review.key] = review
            self._save()
        return review

    def remove(self, key: str) -> bool:
        with self._lock:
            self._load()
            if self._reviews.pop(key, None) is None:
                return False
            self._save()
            return True


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
