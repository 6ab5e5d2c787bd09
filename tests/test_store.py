"""The SQLite store: schema and migrations, documents and duplicates, problems, positions."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import redline.store.sqlite as store_sqlite
from redline.store import MIGRATIONS, SCHEMA_VERSION, Store, StoreError, text_hash
from redline.types import Document, Evidence, Position

ARTICLE = (
    "Ukraine’s delegation insisted that any ceasefire must return the plant to Ukrainian control, "
    "a demand that Kyiv’s chief negotiator described as “not a bargaining chip but a matter of nuclear "
    "safety.”\nRussian officials rejected the proposal outright. The Kremlin’s spokesman told reporters "
    "that the status of the plant was “settled” and would not be discussed, repeating Moscow’s position "
    "that the facility belongs to Russia.\nA senior European diplomat said the two sides had narrowed "
    "their differences on prisoner exchanges, with both agreeing in principle to an all-for-all swap."
)
OTHER = (
    "European Union ambassadors discussed a new package of sanctions on Russia on Friday, with several "
    "member states arguing that the measures should stay in place until a full peace agreement is signed. "
    "Hungary said it would not support any package that targeted Russian energy imports, while the Baltic "
    "states called for tighter limits on the oil price cap."
)


def doc(name: str, text: str = ARTICLE, **meta: str) -> Document:
    return Document(name=name, text=text, source=f"/corpus/{name}", language="en", **meta)


def syndicated(text: str) -> str:
    """The same story with a wire header and footer, and straight quotes."""
    body = text.replace("’", "'").replace("“", '"').replace("”", '"')
    return f"WIRE SERVICE - republished\n{body}\n(c) 2025 Wire Service. All rights reserved."


def position(d: Document, sentence: str, **kw: object) -> Position:
    start = d.text.index(sentence)
    fields: dict[str, object] = {
        "doc": d.name,
        "party": "UA",
        "issue": "znpp_control",
        "stance": "favor",
        "kind": "reported",
        "evidence": Evidence(start, start + len(sentence), sentence),
    }
    fields.update(kw)
    return Position(**fields)  # type: ignore[arg-type]


# -- opening and schema ------------------------------------------------------------------------


def test_new_store_is_migrated_wal_database(db_file: Path) -> None:
    with Store(db_file) as s:
        assert s.path == db_file
        assert s.schema_version == SCHEMA_VERSION == len(MIGRATIONS)
        assert s.integrity_check() == "ok"
    conn = sqlite3.connect(db_file)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"documents", "problems", "positions", "extractions"} <= tables
    doc_cols = {r[1] for r in conn.execute("PRAGMA table_info(documents)")}
    assert {
        "id",
        "name",
        "source",
        "title",
        "outlet",
        "url",
        "author",
        "date",
        "language",
        "content_hash",
        "text",
        "duplicate_of",
        "minhash",
        "ingested_at",
    } <= doc_cols
    pos_cols = {r[1] for r in conn.execute("PRAGMA table_info(positions)")}
    assert {
        "doc_id",
        "party",
        "speaker",
        "issue",
        "stance",
        "red_line",
        "condition",
        "kind",
        "ev_start",
        "ev_end",
        "ev_text",
        "when_",
        "confidence",
        "historical",
        "extracted_at",
    } <= pos_cols
    conn.close()


def test_reopen_keeps_data(db_file: Path) -> None:
    with Store(db_file) as s:
        s.add_document(doc("a.txt"))
    with Store(db_file) as s:
        assert s.document_count() == 1
        assert s.schema_version == SCHEMA_VERSION


def test_appended_migration_upgrades_an_existing_database(
    db_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store(db_file) as s:
        s.add_document(doc("a.txt"))
    extra = "CREATE TABLE notes (id INTEGER PRIMARY KEY, doc_id INTEGER REFERENCES documents(id), body TEXT);"
    monkeypatch.setattr(store_sqlite, "MIGRATIONS", [*MIGRATIONS, extra])
    with Store(db_file) as s:
        assert s.schema_version == SCHEMA_VERSION + 1
        assert s.document_count() == 1
    conn = sqlite3.connect(db_file)
    assert conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 0
    conn.close()


def test_database_from_a_newer_redline_is_refused(db_file: Path) -> None:
    Store(db_file).close()
    conn = sqlite3.connect(db_file)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match=r"schema version \d+ is newer"):
        Store(db_file)


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("these are my notes, not a database\n" * 50)
    with pytest.raises(StoreError) as err:
        Store(bogus)
    assert str(bogus) in str(err.value) and "not a usable redline database" in str(err.value)


def test_missing_directory_and_directory_path_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        Store(tmp_path / "no" / "such" / "dir" / "x.db")
    with pytest.raises(StoreError, match="is a directory"):
        Store(tmp_path)


# -- documents ---------------------------------------------------------------------------------


def test_add_document_new_then_exists(store: Store) -> None:
    d = doc("talks.html", title="Talks stall", outlet="The Harbour Times", date="2025-05-16")
    doc_id, status = store.add_document(d)
    assert status == "new" and d.id == doc_id and d.content_hash == text_hash(ARTICLE)
    again_id, again = store.add_document(doc("talks.html"))
    assert (again_id, again) == (doc_id, "exists")
    assert store.document_count() == 1
    got = store.get_document(doc_id)
    assert got.text == ARTICLE  # curly quotes and line breaks exactly as stored
    assert (got.title, got.outlet, got.date, got.language) == (
        "Talks stall",
        "The Harbour Times",
        "2025-05-16",
        "en",
    )
    assert got.duplicate_of is None


def test_same_name_new_content_is_a_new_document(store: Store) -> None:
    store.add_document(doc("live-blog.html", ARTICLE))
    _, status = store.add_document(doc("live-blog.html", OTHER))
    assert status == "new"
    assert [d.text for d in store.find_documents("live-blog.html")] == [ARTICLE, OTHER]


def test_exact_copy_under_another_name_is_stored_and_linked(store: Store) -> None:
    first, _ = store.add_document(doc("a.txt"))
    copy_id, status = store.add_document(doc("b.txt"))
    assert status == "duplicate" and copy_id != first
    assert store.get_document(copy_id).duplicate_of == first
    assert store.document_count() == 2


def test_near_duplicate_links_to_first_copy_and_unrelated_does_not(store: Store) -> None:
    first, _ = store.add_document(doc("original.txt"))
    wire_id, status = store.add_document(doc("wire.txt", syndicated(ARTICLE)))
    assert status == "duplicate"
    # a copy of the copy points at the first copy, not at the copy
    copy2, status2 = store.add_document(doc("wire2.txt", syndicated(ARTICLE) + "\nMore at our site."))
    assert status2 == "duplicate" and store.get_document(copy2).duplicate_of == first
    other, status3 = store.add_document(doc("other.txt", OTHER))
    assert status3 == "new" and store.get_document(other).duplicate_of is None
    assert store.get_document(wire_id).duplicate_of == first


def test_near_duplicate_index_is_rebuilt_on_open(db_file: Path) -> None:
    with Store(db_file) as s:
        first, _ = s.add_document(doc("original.txt"))
    with Store(db_file) as s:
        _, status = s.add_document(doc("wire.txt", syndicated(ARTICLE)))
        assert status == "duplicate"
        assert s.find_documents("wire.txt")[0].duplicate_of == first


def test_two_open_stores_see_each_others_documents(db_file: Path) -> None:
    with Store(db_file) as one, Store(db_file) as two:
        first, _ = one.add_document(doc("original.txt"))
        _, status = two.add_document(doc("wire.txt", syndicated(ARTICLE)))
        assert status == "duplicate"
        assert two.get_document(first).name == "original.txt"


def test_changed_signature_parameters_are_recomputed(db_file: Path) -> None:
    with Store(db_file) as s:
        s.add_document(doc("original.txt"))
    conn = sqlite3.connect(db_file)
    conn.execute("UPDATE meta SET value = 'minhash:old' WHERE key = 'signature'")
    conn.execute("UPDATE documents SET minhash = NULL")
    conn.commit()
    conn.close()
    with Store(db_file) as s:
        _, status = s.add_document(doc("wire.txt", syndicated(ARTICLE)))
        assert status == "duplicate"


def test_documents_listing_and_lookup(store: Store) -> None:
    store.add_document(doc("a.txt"))
    store.add_document(doc("b.txt", OTHER, outlet="Baltic Wire Service"))
    listed = store.documents()
    assert [d.name for d in listed] == ["a.txt", "b.txt"]
    assert all(d.text == "" for d in listed)
    assert [d.text for d in store.documents(include_text=True)] == [ARTICLE, OTHER]
    assert store.find_documents("b.txt")[0].outlet == "Baltic Wire Service"
    assert store.find_documents("nope") == []
    with pytest.raises(KeyError):
        store.get_document(999)


def test_empty_text_is_refused(store: Store) -> None:
    with pytest.raises(ValueError):
        store.add_document(doc("empty.txt", "   \n"))


# -- problems ----------------------------------------------------------------------------------


def test_problems_are_recorded_once(store: Store) -> None:
    store.record_problem("bad/empty.txt", "empty file")
    store.record_problem("bad/empty.txt", "empty file")
    store.record_problem("bad/fr.txt", "not English (looks like French)")
    assert [(p.source, p.reason) for p in store.problems()] == [
        ("bad/empty.txt", "empty file"),
        ("bad/fr.txt", "not English (looks like French)"),
    ]


# -- positions ---------------------------------------------------------------------------------


def test_replace_positions_and_query(store: Store) -> None:
    d = doc("talks.html", outlet="The Harbour Times", date="2025-05-16")
    doc_id, _ = store.add_document(d)
    ua = position(
        d,
        "Ukraine’s delegation insisted that any ceasefire must return the plant to Ukrainian control",
        red_line=True,
        speaker="Ukrainian delegation",
        when="2025-05",
        confidence=0.8,
    )
    ru = position(
        d, "Russian officials rejected the proposal outright.", party="RU", stance="against", kind="narrative"
    )
    assert not store.extracted(doc_id, "test-talks", "1")
    store.replace_positions(doc_id, [ua, ru], pack_id="test-talks", extractor_version="1")
    assert ua.id is not None and ua.doc_id == doc_id
    assert store.extracted(doc_id, "test-talks", "1")
    assert not store.extracted(doc_id, "test-talks", "2")
    assert not store.extracted(doc_id, "other-pack", "1")

    got = store.positions(doc_id=doc_id)
    assert [p.party for p in got] == ["UA", "RU"]
    first = got[0]
    assert (first.doc, first.outlet, first.doc_date, first.doc_id) == (
        "talks.html",
        "The Harbour Times",
        "2025-05-16",
        doc_id,
    )
    assert first.red_line and first.speaker == "Ukrainian delegation" and first.when == "2025-05"
    assert first.confidence == pytest.approx(0.8)
    text = store.get_document(doc_id).text
    assert text[first.evidence.start : first.evidence.end] == first.evidence.text
    assert [p.party for p in store.positions(party="RU")] == ["RU"]
    assert store.positions(issue="no_such_issue") == []


def test_replace_positions_replaces_and_moves_the_extraction_record(store: Store) -> None:
    d = doc("talks.html")
    doc_id, _ = store.add_document(d)
    store.replace_positions(
        doc_id,
        [position(d, "Russian officials rejected the proposal outright.")],
        pack_id="p",
        extractor_version="1",
    )
    store.replace_positions(doc_id, [], pack_id="p", extractor_version="2")
    assert store.positions(doc_id=doc_id) == []
    assert store.extracted(doc_id, "p", "2") and not store.extracted(doc_id, "p", "1")


def test_replace_positions_is_atomic(store: Store) -> None:
    d = doc("talks.html")
    doc_id, _ = store.add_document(d)
    good = position(d, "Russian officials rejected the proposal outright.")
    store.replace_positions(doc_id, [good], pack_id="p", extractor_version="1")
    broken = position(d, "Russian officials rejected the proposal outright.", party=None)  # NOT NULL fails
    with pytest.raises(sqlite3.IntegrityError):
        store.replace_positions(doc_id, [good, broken], pack_id="p", extractor_version="2")
    assert len(store.positions(doc_id=doc_id)) == 1
    assert store.extracted(doc_id, "p", "1") and not store.extracted(doc_id, "p", "2")


def test_positions_are_checked_against_the_stored_text(store: Store) -> None:
    d = doc("talks.html")
    doc_id, _ = store.add_document(d)
    shifted = position(d, "Russian officials rejected the proposal outright.")
    shifted.evidence = Evidence(shifted.evidence.start + 1, shifted.evidence.end + 1, shifted.evidence.text)
    with pytest.raises(ValueError, match="does not match the document"):
        store.replace_positions(doc_id, [shifted], pack_id="p", extractor_version="1")
    outside = position(d, "Russian officials rejected the proposal outright.")
    outside.evidence = Evidence(0, len(ARTICLE) + 5, "x")
    with pytest.raises(ValueError, match="outside the text"):
        store.replace_positions(doc_id, [outside], pack_id="p", extractor_version="1")
    with pytest.raises(ValueError, match="stance"):
        store.replace_positions(
            doc_id, [position(d, "Russian officials", stance="maybe")], pack_id="p", extractor_version="1"
        )
    unknown = position(d, "Russian officials")
    unknown.evidence = Evidence(-1, -1, "Russian officials rejected it")  # offsets unknown: accepted
    store.replace_positions(doc_id, [unknown], pack_id="p", extractor_version="1")
    assert store.positions(doc_id=doc_id)[0].evidence.start == -1
    with pytest.raises(KeyError):
        store.replace_positions(999, [], pack_id="p", extractor_version="1")


def test_deleting_a_document_row_cascades_to_its_positions(db_file: Path) -> None:
    with Store(db_file) as s:
        d = doc("talks.html")
        doc_id, _ = s.add_document(d)
        s.replace_positions(doc_id, [position(d, "Russian officials")], pack_id="p", extractor_version="1")
    conn = sqlite3.connect(db_file)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
    conn.commit()
    assert conn.execute("SELECT count(*) FROM positions").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM extractions").fetchone()[0] == 0
    conn.close()


def test_reviews_replace_per_statement_and_survive_reextraction(store: Store) -> None:
    d = doc("a.txt")
    doc_id, _ = store.add_document(d)
    stored = store.get_document(doc_id)
    p = position(stored, ARTICLE.split(".")[0] + ".")
    store.replace_positions(doc_id, [p], pack_id="t", extractor_version="1")
    review = {"content_hash": stored.content_hash, "start": p.evidence.start, "end": p.evidence.end,
              "party": p.party, "issue": p.issue, "action": "accept", "changes": {}, "by": "ana",
              "at": "2026-11-23T00:00:00+00:00", "note": ""}
    store.upsert_review(review)
    store.upsert_review({**review, "action": "correct", "changes": {"stance": "against"}, "by": "bo"})
    store.replace_positions(doc_id, [p], pack_id="t", extractor_version="2")  # re-extraction
    (kept,) = store.reviews()
    assert kept["action"] == "correct" and kept["changes"] == {"stance": "against"} and kept["by"] == "bo"
    assert store.delete_review(stored.content_hash, p.evidence.start, p.evidence.end, p.party, p.issue)
    assert store.reviews() == []
    assert not store.delete_review(stored.content_hash, p.evidence.start, p.evidence.end, p.party, p.issue)
