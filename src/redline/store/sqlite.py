"""The SQLite store: the only place in redline that issues SQL."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from redline.store.dedup import (
    SIGNATURE_VERSION,
    NearDuplicateIndex,
    jaccard,
    shingles,
    signature,
    text_hash,
)
from redline.store.schema import MIGRATIONS
from redline.types import STANCES, Document, Evidence, IngestProblem, Position

KINDS = ("quote", "reported", "narrative")
_DOC_COLUMNS = "id, name, source, title, outlet, url, author, date, language, content_hash, duplicate_of"


class StoreError(Exception):
    """The database cannot be opened or used; the message names the file and the problem."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _statements(script: str) -> list[str]:
    """Split a migration script into complete SQL statements."""
    out: list[str] = []
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf.strip())
            buf = ""
    if buf.strip():
        raise ValueError(f"incomplete SQL statement in migration: {buf.strip()[:60]!r}")
    return out


class Store:
    """One SQLite file (WAL mode). Opening it creates and migrates it as needed.

    Every write is one transaction, so a process killed mid-batch leaves only whole documents.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        if self.path.is_dir():
            raise StoreError(f"{self.path}: is a directory, not a database file")
        if not self.path.parent.exists():
            raise StoreError(
                f"{self.path}: cannot create database: directory {self.path.parent} does not exist"
            )
        try:
            self._conn = sqlite3.connect(
                str(self.path), isolation_level=None, check_same_thread=False, timeout=30.0
            )
        except sqlite3.Error as exc:
            raise StoreError(f"{self.path}: cannot open database: {exc}") from exc
        try:
            self._conn.execute("PRAGMA busy_timeout = 30000")
            self._conn.execute("PRAGMA foreign_keys = ON")
            mode = self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreError(f"{self.path}: cannot switch the database to WAL mode (got {mode})")
            self._conn.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
            self._check_signatures()
            self._index: NearDuplicateIndex | None = None  # built on the first write of a document
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise StoreError(f"{self.path}: not a usable redline database ({exc})") from exc
        except StoreError:
            self._conn.close()
            raise

    # -- lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; the write lock is taken at the start (BEGIN IMMEDIATE)."""
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:  # locked too long, read-only file, disk I/O
                raise StoreError(f"{self.path}: cannot write to the database ({exc})") from exc
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")

    def _query(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            cur = self._conn.execute(sql, params)
            cur.row_factory = sqlite3.Row
            return cur.fetchall()

    # -- schema ------------------------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        if self.schema_version == len(MIGRATIONS):
            return
        with self._tx() as conn:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])  # re-read under the lock
            if version > len(MIGRATIONS):
                raise StoreError(
                    f"{self.path}: database schema version {version} is newer than this redline "
                    f"understands ({len(MIGRATIONS)}); upgrade redline"
                )
            for n in range(version, len(MIGRATIONS)):
                for stmt in _statements(MIGRATIONS[n]):
                    conn.execute(stmt)
                conn.execute(f"PRAGMA user_version = {n + 1}")

    def _check_signatures(self) -> None:
        """Recompute stored MinHash signatures if they were made with other parameters."""
        rows = self._query("SELECT value FROM meta WHERE key = 'signature'")
        if rows and rows[0]["value"] == SIGNATURE_VERSION:
            return
        with self._tx() as conn:
            for doc_id, text in conn.execute("SELECT id, text FROM documents").fetchall():
                conn.execute("UPDATE documents SET minhash = ? WHERE id = ?", (signature(text), doc_id))
            conn.execute(
                "INSERT INTO meta(key, value) VALUES ('signature', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (SIGNATURE_VERSION,),
            )

    def _refresh_index(self) -> NearDuplicateIndex:
        """The near-duplicate index, with every document stored since it was last brought up to
        date (by this or any other process); built from the stored signatures the first time."""
        if self._index is None:
            self._index = NearDuplicateIndex()
        rows = self._query(
            "SELECT id, minhash FROM documents WHERE id > ? AND minhash IS NOT NULL ORDER BY id",
            (self._index.max_id,),
        )
        for row in rows:
            self._index.add(row["id"], row["minhash"])
        return self._index

    # -- documents ---------------------------------------------------------------------------

    def add_document(self, doc: Document) -> tuple[int, str]:
        """Store a document unless it is already stored. Returns (id, status).

        status is "exists" when a document with the same name and content hash is stored
        (nothing is written), "duplicate" when it is stored and linked to the first copy of the
        same or nearly the same text (``duplicate_of``), and "new" otherwise. ``doc.id``,
        ``doc.content_hash`` and ``doc.duplicate_of`` are filled in.
        """
        if not doc.text.strip():
            raise ValueError(f"{doc.name}: a document needs text")
        digest = text_hash(doc.text)  # always from the text itself, whatever the caller filled in
        sig = signature(doc.text)
        with self._tx() as conn:
            row = conn.execute(
                "SELECT id, duplicate_of FROM documents WHERE name = ? AND content_hash = ?",
                (doc.name, digest),
            ).fetchone()
            if row is not None:
                doc.id, doc.duplicate_of, doc.content_hash = row[0], row[1], digest
                return row[0], "exists"
            index = self._refresh_index()  # under the write lock: sees every document stored before ours
            first = self._first_copy(conn, index, digest, sig, doc.text)
            cur = conn.execute(
                "INSERT INTO documents (name, source, title, outlet, url, author, date, language,"
                " content_hash, text, duplicate_of, minhash, ingested_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    doc.name,
                    doc.source,
                    doc.title,
                    doc.outlet,
                    doc.url,
                    doc.author,
                    doc.date,
                    doc.language,
                    digest,
                    doc.text,
                    first,
                    sig,
                    _now(),
                ),
            )
            new_id = cur.lastrowid
            assert new_id is not None
        index.add(new_id, sig)
        doc.id, doc.duplicate_of, doc.content_hash = new_id, first, digest
        return new_id, ("duplicate" if first is not None else "new")

    def _first_copy(
        self, conn: sqlite3.Connection, index: NearDuplicateIndex, digest: str, sig: bytes, text: str
    ) -> int | None:
        """Id of the first stored copy of this text (exact, then near-duplicate), or None."""
        row = conn.execute(
            "SELECT id, duplicate_of FROM documents WHERE content_hash = ? ORDER BY id LIMIT 1", (digest,)
        ).fetchone()
        if row is not None:
            return int(row[1] if row[1] is not None else row[0])
        mine = shingles(text)
        for cand in index.candidates(sig):
            crow = conn.execute("SELECT text, duplicate_of FROM documents WHERE id = ?", (cand,)).fetchone()
            if crow is None:
                continue
            if jaccard(mine, shingles(crow[0])) >= index.threshold:
                return int(crow[1] if crow[1] is not None else cand)
        return None

    def _doc(self, row: sqlite3.Row, text: str = "") -> Document:
        return Document(
            name=row["name"],
            text=text,
            source=row["source"],
            title=row["title"],
            outlet=row["outlet"],
            url=row["url"],
            author=row["author"],
            date=row["date"],
            language=row["language"],
            content_hash=row["content_hash"],
            id=row["id"],
            duplicate_of=row["duplicate_of"],
        )

    def get_document(self, doc_id: int) -> Document:
        rows = self._query(f"SELECT {_DOC_COLUMNS}, text FROM documents WHERE id = ?", (doc_id,))
        if not rows:
            raise KeyError(f"no document with id {doc_id} in {self.path}")
        return self._doc(rows[0], rows[0]["text"])

    def find_documents(self, name: str) -> list[Document]:
        rows = self._query(f"SELECT {_DOC_COLUMNS}, text FROM documents WHERE name = ? ORDER BY id", (name,))
        return [self._doc(r, r["text"]) for r in rows]

    def documents(self, include_text: bool = False) -> list[Document]:
        cols = f"{_DOC_COLUMNS}, text" if include_text else _DOC_COLUMNS
        rows = self._query(f"SELECT {cols} FROM documents ORDER BY id")
        return [self._doc(r, r["text"] if include_text else "") for r in rows]

    def document_count(self) -> int:
        return int(self._query("SELECT count(*) AS n FROM documents")[0]["n"])

    # -- reviews -----------------------------------------------------------------------------

    def upsert_review(self, review: dict[str, Any]) -> None:
        """Store an analyst's review (one per statement key: a later review replaces the earlier).
        Keys: content_hash, start, end, party, issue, action, changes (dict), by, at, note."""
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO reviews (content_hash, ev_start, ev_end, party, issue, action, changes, by_, at, note)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(content_hash, ev_start, ev_end, party, issue) DO UPDATE SET"
                " action = excluded.action, changes = excluded.changes, by_ = excluded.by_,"
                " at = excluded.at, note = excluded.note",
                (review["content_hash"], int(review["start"]), int(review["end"]), review["party"],
                 review["issue"], review["action"], json.dumps(review.get("changes") or {}, ensure_ascii=False),
                 review["by"], review["at"], review.get("note") or ""),
            )

    def reviews(self) -> list[dict[str, Any]]:
        rows = self._query(
            "SELECT content_hash, ev_start, ev_end, party, issue, action, changes, by_, at, note"
            " FROM reviews ORDER BY id"
        )
        return [
            {"content_hash": r["content_hash"], "start": r["ev_start"], "end": r["ev_end"], "party": r["party"],
             "issue": r["issue"], "action": r["action"], "changes": json.loads(r["changes"]), "by": r["by_"],
             "at": r["at"], "note": r["note"]}
            for r in rows
        ]

    def delete_review(self, content_hash: str, start: int, end: int, party: str, issue: str) -> bool:
        with self._tx() as conn:
            cur = conn.execute(
                "DELETE FROM reviews WHERE content_hash = ? AND ev_start = ? AND ev_end = ? AND party = ?"
                " AND issue = ?",
                (content_hash, start, end, party, issue),
            )
            return cur.rowcount > 0

    # -- problems ----------------------------------------------------------------------------

    def record_problem(self, source: str, reason: str) -> None:
        """Remember an input that was skipped (the same source and reason is kept once)."""
        with self._tx() as conn:
            conn.execute(
                "INSERT INTO problems (source, reason, at) VALUES (?, ?, ?)"
                " ON CONFLICT(source, reason) DO UPDATE SET at = excluded.at",
                (source, reason, _now()),
            )

    def problems(self) -> list[IngestProblem]:
        rows = self._query("SELECT source, reason FROM problems ORDER BY id")
        return [IngestProblem(source=r["source"], reason=r["reason"]) for r in rows]

    # -- positions ---------------------------------------------------------------------------

    def _check_position(self, pos: Position, text: str) -> None:
        where = f"position {pos.party}/{pos.issue} in document {pos.doc!r}"
        if pos.stance not in STANCES:
            raise ValueError(f"{where}: stance {pos.stance!r} is not one of {', '.join(STANCES)}")
        if pos.kind not in KINDS:
            raise ValueError(f"{where}: kind {pos.kind!r} is not one of {', '.join(KINDS)}")
        ev = pos.evidence
        if ev.start < 0 and ev.end < 0:
            return  # offsets unknown
        if not (0 <= ev.start <= ev.end <= len(text)):
            raise ValueError(
                f"{where}: evidence offsets {ev.start}-{ev.end} outside the text (0-{len(text)})"
            )
        if text[ev.start : ev.end] != ev.text:
            raise ValueError(
                f"{where}: evidence text does not match the document at {ev.start}-{ev.end}: "
                f"{ev.text[:40]!r} != {text[ev.start : ev.end][:40]!r}"
            )

    def replace_positions(
        self, doc_id: int, positions: list[Position], *, pack_id: str, extractor_version: str
    ) -> None:
        """Atomically replace a document's extracted positions and record the extraction.

        Evidence offsets are checked against the stored text (``text[start:end] == evidence.text``;
        start = end = -1 means unknown). ``id`` and ``doc_id`` of the positions are filled in.
        """
        doc = self.get_document(doc_id)
        for pos in positions:
            self._check_position(pos, doc.text)
        at = _now()
        with self._tx() as conn:
            conn.execute("DELETE FROM positions WHERE doc_id = ?", (doc_id,))
            conn.execute("DELETE FROM extractions WHERE doc_id = ?", (doc_id,))
            for pos in positions:
                cur = conn.execute(
                    "INSERT INTO positions (doc_id, party, speaker, issue, stance, red_line, condition,"
                    " kind, ev_start, ev_end, ev_text, when_, confidence, historical, extracted_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        doc_id,
                        pos.party,
                        pos.speaker or "",
                        pos.issue,
                        pos.stance,
                        int(pos.red_line),
                        pos.condition,
                        pos.kind,
                        pos.evidence.start,
                        pos.evidence.end,
                        pos.evidence.text,
                        pos.when,
                        float(pos.confidence),
                        int(pos.historical),
                        at,
                    ),
                )
                pos.id, pos.doc_id = cur.lastrowid, doc_id
            conn.execute(
                "INSERT INTO extractions (doc_id, pack_id, extractor_version, at) VALUES (?, ?, ?, ?)",
                (doc_id, pack_id, extractor_version, at),
            )

    def positions(
        self, *, doc_id: int | None = None, party: str | None = None, issue: str | None = None
    ) -> list[Position]:
        """Stored positions, filtered; each carries its document's name, outlet, date and id."""
        where: list[str] = []
        params: list[Any] = []
        for column, value in (("p.doc_id", doc_id), ("p.party", party), ("p.issue", issue)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        sql = (
            "SELECT p.*, d.name AS doc_name, d.outlet AS doc_outlet, d.date AS doc_date"
            " FROM positions p JOIN documents d ON d.id = p.doc_id"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY p.doc_id, p.ev_start, p.id"
        )
        return [
            Position(
                doc=r["doc_name"],
                party=r["party"],
                issue=r["issue"],
                stance=r["stance"],
                kind=r["kind"],
                evidence=Evidence(r["ev_start"], r["ev_end"], r["ev_text"]),
                speaker=r["speaker"],
                red_line=bool(r["red_line"]),
                condition=r["condition"],
                when=r["when_"],
                confidence=r["confidence"],
                outlet=r["doc_outlet"],
                doc_date=r["doc_date"],
                historical=bool(r["historical"]),
                doc_id=r["doc_id"],
                id=r["id"],
            )
            for r in self._query(sql, params)
        ]

    def extracted(self, doc_id: int, pack_id: str, extractor_version: str) -> bool:
        """True where this document's positions come from this pack and extractor version."""
        rows = self._query(
            "SELECT 1 FROM extractions WHERE doc_id = ? AND pack_id = ? AND extractor_version = ?",
            (doc_id, pack_id, extractor_version),
        )
        return bool(rows)

    # -- maintenance -------------------------------------------------------------------------

    def integrity_check(self) -> str:
        """``PRAGMA integrity_check``: "ok" for a sound file."""
        return str(self._query("PRAGMA integrity_check")[0][0])
