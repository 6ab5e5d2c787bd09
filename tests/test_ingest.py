"""Ingestion from files, directories, HTML, feeds, JSONL and stdin; normalisation; bad inputs;
duplicates; re-ingest. Everything here is local: no network."""

from __future__ import annotations

import io
import json
import os
import shutil
from pathlib import Path

import pytest

from redline.ingest import (
    MAX_BYTES,
    detect_language,
    format_summary,
    ingest,
    iter_documents,
    normalize_text,
    sample_corpus_paths,
)
from redline.store import Store, text_hash
from redline.types import Document, IngestProblem

SEED_NAMES = [
    "000_40e7f2aed9c20f4f.txt",
    "001_5dcd03dd6cee76e7.txt",
    "002_634d9849619ef0c0.txt",
    "003_6194a0af8e762158.txt",
    "004_91fcba86d11dc8b4.txt",
]


def docs_and_problems(items: list[Document | IngestProblem]) -> tuple[list[Document], list[IngestProblem]]:
    docs = [i for i in items if isinstance(i, Document)]
    problems = [i for i in items if isinstance(i, IngestProblem)]
    return docs, problems


def only_doc(inputs: list[str], **kw: object) -> Document:
    docs, problems = docs_and_problems(list(iter_documents(inputs, **kw)))  # type: ignore[arg-type]
    assert not problems, problems
    assert len(docs) == 1
    return docs[0]


# -- normalisation -----------------------------------------------------------------------------


def test_normalize_text_keeps_quotes_and_fixes_only_what_it_should() -> None:
    raw = (
        '\ufeff\n  Zelensky said, “Crimea is Ukrainian.”  \r\nIt’s ‘final’ -- "really".\r\rCafe\u0301\t \n\n'
    )
    out = normalize_text(raw)
    assert out == '  Zelensky said, “Crimea is Ukrainian.”\nIt’s ‘final’ -- "really".\n\nCafé'
    assert normalize_text(out) == out  # idempotent: stored text never changes on a second pass


def test_seed_articles_are_stored_verbatim(seeds_dir: Path, store: Store) -> None:
    summary = ingest([str(seeds_dir)], store)
    assert summary.ok and summary.documents == 5 and summary.duplicates == 0
    assert [d.name for d in store.documents()] == SEED_NAMES
    for doc in store.documents(include_text=True):
        raw = (seeds_dir / doc.name).read_bytes().decode("utf-8")
        assert doc.text == normalize_text(raw)
        assert doc.text.count("’") == raw.count("’") > 0  # curly apostrophes never straightened
        assert doc.content_hash == text_hash(doc.text)
        assert doc.language == "en"
        assert doc.source == os.path.abspath(seeds_dir / doc.name)
        assert (doc.title, doc.outlet, doc.url, doc.author, doc.date) == (None, None, None, None, None)
        # every line of the file is found at a stable offset in the stored text
        for line in raw.splitlines():
            line = line.rstrip()
            if line:
                start = doc.text.index(line)
                assert doc.text[start : start + len(line)] == line


def test_packaged_sample_corpus_matches_the_shared_seeds(seeds_dir: Path, store: Store) -> None:
    paths = sample_corpus_paths()
    assert [p.name for p in paths] == SEED_NAMES and all(p.is_file() for p in paths)
    first = ingest([str(p) for p in paths], store)
    assert first.documents == 5
    second = ingest([str(seeds_dir)], store)  # same names, same text: already stored
    assert (second.documents, second.already_stored, second.duplicates) == (0, 5, 0)
    assert sorted(second.doc_ids) == sorted(first.doc_ids)
    assert store.document_count() == 5


# -- HTML --------------------------------------------------------------------------------------


def test_html_article_text_and_metadata(fixtures_dir: Path) -> None:
    doc = only_doc([str(fixtures_dir / "html" / "harbour_times_talks.html")])
    assert doc.name == "harbour_times_talks.html"
    assert doc.title == "Ceasefire talks stall over Zaporizhzhia plant, envoys say"
    assert doc.outlet == "The Harbour Times"
    assert doc.author == "Marta Kowalczyk"
    assert doc.date == "2025-05-16"
    assert doc.url == "https://www.harbourtimes.example/world/2025/05/16/ceasefire-talks-stall"
    assert doc.language == "en"
    assert "described as “not a bargaining chip but a matter of nuclear safety.”" in doc.text
    assert "The Kremlin’s spokesman" in doc.text
    for chrome in (
        "Subscribe for $1 a week",
        "Related stories",
        "All rights reserved",
        "dataLayer",
        "Privacy",
    ):
        assert chrome not in doc.text
    assert "\n" in doc.text  # paragraphs stay separate


def test_html_without_metadata_invents_nothing(fixtures_dir: Path) -> None:
    # the page mentions "12 March 2024" in its text and "Updated 2024-04-02" in its footer: neither is
    # its publication date, and today's date must not be used either
    doc = only_doc([str(fixtures_dir / "html" / "no_metadata.html")])
    assert (doc.date, doc.outlet, doc.author, doc.url) == (None, None, None, None)
    assert doc.title == "Grain corridor talks resume"
    assert "Black Sea grain corridor" in doc.text


def test_cli_outlet_and_date_fill_gaps_but_do_not_override(fixtures_dir: Path) -> None:
    html = fixtures_dir / "html"
    docs, problems = docs_and_problems(
        list(
            iter_documents(
                [str(html / "no_metadata.html"), str(html / "harbour_times_talks.html")],
                outlet="Field Notes",
                date="2024-03-12",
            )
        )
    )
    assert not problems
    bare, rich = docs
    assert (bare.outlet, bare.date) == ("Field Notes", "2024-03-12")
    assert (rich.outlet, rich.date) == ("The Harbour Times", "2025-05-16")


def test_bad_date_option_is_refused() -> None:
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        list(iter_documents([], date="16/05/2025"))


# -- feeds -------------------------------------------------------------------------------------


def test_rss_feed_entries_become_documents(fixtures_dir: Path) -> None:
    docs, problems = docs_and_problems(
        list(iter_documents([str(fixtures_dir / "feeds" / "harbour_times_world.rss")]))
    )
    assert not problems
    assert [d.name for d in docs] == [
        "https://www.harbourtimes.example/world/2025/05/17/prisoner-swap-agreed",
        "https://www.harbourtimes.example/world/2025/05/16/eu-sanctions-package",
    ]
    swap, sanctions = docs
    assert swap.url == swap.name and swap.outlet == "The Harbour Times"
    assert (swap.title, swap.author, swap.date) == (
        "Prisoner swap agreed as wider talks stall",
        "Marta Kowalczyk",
        "2025-05-17",
    )
    # full content (content:encoded) preferred to the one-line description; markup removed
    assert "take place “within days”" in swap.text and "<p>" not in swap.text
    assert swap.text.count("\n") == 2
    assert "Hungary said it would not support" in sanctions.text and sanctions.date == "2025-05-16"


def test_atom_feed_entries_become_documents(fixtures_dir: Path) -> None:
    docs, problems = docs_and_problems(
        list(iter_documents([str(fixtures_dir / "feeds" / "baltic_wire.atom")]))
    )
    assert not problems
    assert [(d.outlet, d.author, d.date) for d in docs] == [
        ("Baltic Wire Service", "Wire Desk Staff", "2025-05-18"),
        ("Baltic Wire Service", "Anna Lind", "2025-05-17"),
    ]
    assert "Turkey’s foreign minister" in docs[0].text and "“the realities on the ground”" in docs[0].text
    assert docs[1].text.startswith("Negotiators discussed a moratorium")


def test_feed_entry_with_only_a_link_is_a_problem_when_fetching_is_off(tmp_path: Path) -> None:
    feed = tmp_path / "links.rss"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Links only</title>'
        "<item><title>Story one</title><link>https://news.example/one</link></item>"
        "<item><title>Nothing at all</title></item></channel></rss>",
        encoding="utf-8",
    )
    items = list(iter_documents([str(feed)], fetch=False))
    docs, problems = docs_and_problems(items)
    assert docs == []
    assert [p.reason for p in problems] == [
        "no text in the feed, and fetching the link is off",
        "no text and no link",
    ]
    assert problems[0].source == f"{feed} (entry 1: Story one)"


# -- JSONL and stdin ---------------------------------------------------------------------------


def test_jsonl_with_metadata_and_bad_lines(fixtures_dir: Path) -> None:
    path = fixtures_dir / "jsonl" / "briefings.jsonl"
    docs, problems = docs_and_problems(list(iter_documents([str(path)])))
    assert [d.name for d in docs] == ["ankara-briefing-2025-05-19", "briefings.jsonl:2", "briefings.jsonl:3"]
    first, second, third = docs
    assert (first.title, first.outlet, first.author, first.date, first.url) == (
        "Ankara briefing: both sides hold firm",
        "Harbour Times",
        "Marta Kowalczyk",
        "2025-05-19",
        "https://www.harbourtimes.example/world/2025/05/19/ankara-briefing",
    )
    assert "“not now and not in any future agreement.”" in first.text
    assert second.date == "2025-05-20"  # RFC 2822 date
    assert third.date is None  # "sometime in May" is not a date: not guessed
    assert first.source.endswith("briefings.jsonl:1")
    assert [(p.source, p.reason.split(" (")[0]) for p in problems] == [
        (f"{path}:5", "not valid JSON"),
        (f"{path}:6", 'no "text" string field'),
        (f"{path}:7", 'a JSONL line must be a JSON object with a "text" field'),
    ]


def test_stdin_text_html_and_jsonl(fixtures_dir: Path) -> None:
    seed_text = (sample_corpus_paths()[1]).read_bytes()
    doc = only_doc(["-"], stdin=io.BytesIO(seed_text.replace(b"\n", b"\r\n")))
    assert doc.name == "<stdin>" and doc.source == "<stdin>"
    assert doc.text == normalize_text(seed_text.decode("utf-8"))

    html = (fixtures_dir / "html" / "harbour_times_talks.html").read_bytes()
    page = only_doc(["-"], stdin=io.BytesIO(html))
    assert page.outlet == "The Harbour Times" and page.date == "2025-05-16"

    line = json.dumps({"name": "from-pipe", "outlet": "Pipe News", "text": seed_text.decode("utf-8")})
    piped = only_doc(["-"], stdin=io.BytesIO(line.encode("utf-8") + b"\n"))
    assert (piped.name, piped.outlet) == ("from-pipe", "Pipe News")

    _, problems = docs_and_problems(list(iter_documents(["-"], stdin=io.BytesIO(b"  \n"))))
    assert [p.source for p in problems] == ["-"]


# -- bad inputs --------------------------------------------------------------------------------

EXPECTED_PROBLEMS = {
    "empty.txt": "empty file",
    "blank.md": "empty",
    "binary_image.txt": "binary data",
    "latin1_encoded.txt": "not UTF-8 text (byte 0xe8 at offset 34",
    "malformed.html": "no article text found in the HTML",
    "malformed_feed.xml": "malformed feed",
    "french_article.txt": "not English (looks like French)",
    "german_article.md": "not English (looks like German)",
    "oversize.txt": "too large",
}


@pytest.fixture
def bad_dir(fixtures_dir: Path, tmp_path: Path, seeds_dir: Path) -> Path:
    """The bad-input fixtures, an oversize file, and one good article among them."""
    target = tmp_path / "mixed"
    shutil.copytree(fixtures_dir / "bad", target)
    with open(target / "oversize.txt", "wb") as fh:
        fh.write(b"The talks went on. " * (MAX_BYTES // 19 + 10))
    shutil.copy(seeds_dir / SEED_NAMES[3], target / "good_article.txt")
    (target / ".hidden.txt").write_text("ignored", encoding="utf-8")
    (target / "notes.pdf").write_bytes(b"%PDF-1.4 ignored: not a supported type in a directory walk")
    return target


def test_bad_inputs_are_recorded_and_skipped_and_the_batch_goes_on(bad_dir: Path, store: Store) -> None:
    summary = ingest([str(bad_dir)], store)
    assert summary.documents == 1 and not summary.ok
    assert [d.name for d in store.documents()] == ["good_article.txt"]
    got = {Path(p.source).name: p.reason for p in summary.problems}
    assert set(got) == set(EXPECTED_PROBLEMS)
    for name, reason in got.items():
        assert reason.startswith(EXPECTED_PROBLEMS[name]), (name, reason)
        assert "\n" not in reason
    assert all(p.source.startswith(str(bad_dir)) for p in summary.problems)
    assert [(p.source, p.reason) for p in store.problems()] == [
        (p.source, p.reason) for p in summary.problems
    ]
    lines = format_summary(summary).splitlines()
    assert f"errors: {len(got)}" in lines
    for p in summary.problems:
        assert f"  {p.source}: {p.reason}" in lines


def test_missing_path_is_a_problem_not_a_crash(store: Store, seeds_dir: Path, tmp_path: Path) -> None:
    missing = str(tmp_path / "nope" / "article.txt")
    summary = ingest([missing, str(seeds_dir / SEED_NAMES[0])], store)
    assert summary.documents == 1
    assert [(p.source, p.reason) for p in summary.problems] == [(missing, "no such file or directory")]


def test_language_detector() -> None:
    seed = sample_corpus_paths()[0].read_text(encoding="utf-8")
    assert detect_language(seed) == "en"
    assert (
        detect_language(
            "Le président a déclaré que la Crimée ne sera jamais cédée et que les négociations"
            " sont dans une impasse selon les diplomates"
        )
        == "fr"
    )
    assert (
        detect_language(
            "Die Delegationen sind ohne eine Einigung über eine Waffenruhe auseinandergegangen,"
            " und der Kreml erklärte, dass es keine Gespräche geben wird"
        )
        == "de"
    )
    assert detect_language("Talks resumed.") is None  # too short to tell
    assert (
        detect_language(
            "Lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor"
            " incididunt ut labore"
        )
        == "und"
    )


# -- duplicates and re-ingest ------------------------------------------------------------------


def test_syndicated_copies_are_stored_and_linked_to_the_original(
    seeds_dir: Path, fixtures_dir: Path, store: Store
) -> None:
    ingest([str(seeds_dir)], store)
    summary = ingest(
        [
            str(fixtures_dir / "syndicated" / "wire_copy_of_000.txt"),
            str(fixtures_dir / "html" / "baltic_wire_crimea_syndicated.html"),
        ],
        store,
    )
    original = store.find_documents(SEED_NAMES[0])[0]
    assert (summary.documents, summary.duplicates, summary.already_stored) == (2, 2, 0)
    assert summary.duplicate_links == [
        ("wire_copy_of_000.txt", SEED_NAMES[0]),
        ("baltic_wire_crimea_syndicated.html", SEED_NAMES[0]),
    ]
    wire_txt = store.find_documents("wire_copy_of_000.txt")[0]
    wire_html = store.find_documents("baltic_wire_crimea_syndicated.html")[0]
    assert wire_txt.duplicate_of == wire_html.duplicate_of == original.id
    assert wire_html.outlet == "Baltic Wire Service" and wire_html.date == "2025-04-28"
    assert wire_txt.content_hash != original.content_hash  # a near copy, not an exact one
    # the other seeds are not copies of anything
    assert [d.duplicate_of for d in store.documents() if d.name in SEED_NAMES] == [None] * 5
    assert store.document_count() == 7


def test_reingesting_everything_adds_nothing(seeds_dir: Path, fixtures_dir: Path, store: Store) -> None:
    inputs = [
        str(seeds_dir),
        str(fixtures_dir / "html"),
        str(fixtures_dir / "feeds"),
        str(fixtures_dir / "jsonl"),
        str(fixtures_dir / "syndicated"),
    ]
    first = ingest(inputs, store)
    count = store.document_count()
    assert first.documents == count == 5 + 3 + 4 + 3 + 1
    assert first.outlets == ["Baltic Wire Service", "Harbour Times", "The Harbour Times"]
    second = ingest(inputs, store)
    assert (second.documents, second.duplicates, second.already_stored) == (0, 0, count)
    assert second.doc_ids == first.doc_ids
    assert store.document_count() == count


def test_problem_reasons_are_single_lines(tmp_path: Path) -> None:
    # a feed whose parser error message would span lines still yields one-line reasons
    feed = tmp_path / "broken.xml"
    feed.write_text(
        '<?xml version="1.0"?>\n<rss version="2.0">\n<channel>\n<item>\n<title>x', encoding="utf-8"
    )
    items = list(iter_documents([str(feed), str(tmp_path / "a\nb.txt")]))
    assert len(items) == 2
    for item in items:
        assert isinstance(item, IngestProblem)
        assert "\n" not in item.reason and "\n" not in item.source


def test_html_in_a_declared_legacy_charset_is_decoded(tmp_path: Path) -> None:
    # unlike a .txt file, an HTML page can say what its bytes are: honour a declared charset
    body = (
        "<p>The minister said the talks in Genève had reached an impasse, and that the delegations would"
        " return home without a joint statement after three days of meetings.</p>"
        "<p>Observers at the café near the conference centre said neither side expected a deal soon, and"
        " that the next round would depend on whether a ceasefire could be agreed first.</p>"
    )
    head = '<html><head><meta charset="iso-8859-1"><title>Talks</title></head>'
    page = f"{head}<body><article>{body}</article></body></html>"
    path = tmp_path / "legacy.html"
    path.write_bytes(page.encode("latin-1"))
    doc = only_doc([str(path)])
    assert "Genève" in doc.text and "café" in doc.text
