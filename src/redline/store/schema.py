"""The database schema as an ordered list of migrations.

``PRAGMA user_version`` holds how many migrations a database has had. To change the schema,
APPEND a migration (never edit one that has shipped): it runs once, in a transaction, on every
database opened afterwards.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: documents, ingest problems, extracted positions, extraction bookkeeping, key-value meta
    """
    CREATE TABLE documents (
        id            INTEGER PRIMARY KEY,
        name          TEXT NOT NULL,
        source        TEXT NOT NULL DEFAULT '',
        title         TEXT,
        outlet        TEXT,
        url           TEXT,
        author        TEXT,
        date          TEXT,
        language      TEXT,
        content_hash  TEXT NOT NULL,
        text          TEXT NOT NULL,
        duplicate_of  INTEGER REFERENCES documents(id),
        minhash       BLOB,
        ingested_at   TEXT NOT NULL,
        UNIQUE (name, content_hash)
    );
    CREATE INDEX documents_content_hash ON documents(content_hash);
    CREATE INDEX documents_duplicate_of ON documents(duplicate_of);

    CREATE TABLE problems (
        id      INTEGER PRIMARY KEY,
        source  TEXT NOT NULL,
        reason  TEXT NOT NULL,
        at      TEXT NOT NULL,
        UNIQUE (source, reason)
    );

    CREATE TABLE positions (
        id            INTEGER PRIMARY KEY,
        doc_id        INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        party         TEXT NOT NULL,
        speaker       TEXT NOT NULL DEFAULT '',
        issue         TEXT NOT NULL,
        stance        TEXT NOT NULL CHECK (stance IN ('favor', 'against', 'conditional')),
        red_line      INTEGER NOT NULL DEFAULT 0,
        condition     TEXT,
        kind          TEXT NOT NULL CHECK (kind IN ('quote', 'reported', 'narrative')),
        ev_start      INTEGER NOT NULL,
        ev_end        INTEGER NOT NULL,
        ev_text       TEXT NOT NULL,
        when_         TEXT,
        confidence    REAL NOT NULL DEFAULT 0.5,
        historical    INTEGER NOT NULL DEFAULT 0,
        extracted_at  TEXT NOT NULL
    );
    CREATE INDEX positions_doc ON positions(doc_id);
    CREATE INDEX positions_party_issue ON positions(party, issue);

    CREATE TABLE extractions (
        doc_id             INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        pack_id            TEXT NOT NULL,
        extractor_version  TEXT NOT NULL,
        at                 TEXT NOT NULL,
        PRIMARY KEY (doc_id, pack_id, extractor_version)
    );

    CREATE TABLE meta (
        key    TEXT PRIMARY KEY,
        value  TEXT NOT NULL
    );
    """,
    # 2: analyst reviews, keyed by what identifies a statement across re-extraction (never a row id)
    """
    CREATE TABLE reviews (
        id            INTEGER PRIMARY KEY,
        content_hash  TEXT NOT NULL,
        ev_start      INTEGER NOT NULL,
        ev_end        INTEGER NOT NULL,
        party         TEXT NOT NULL,
        issue         TEXT NOT NULL,
        action        TEXT NOT NULL CHECK (action IN ('accept', 'reject', 'correct')),
        changes       TEXT NOT NULL DEFAULT '{}',
        by_           TEXT NOT NULL,
        at            TEXT NOT NULL,
        note          TEXT NOT NULL DEFAULT '',
        UNIQUE (content_hash, ev_start, ev_end, party, issue)
    );
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
