"""The ingest entry points: read inputs into documents, store them, and summarise the run."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import BinaryIO

from redline.ingest.fetch import MAX_BYTES, TIMEOUT, Network
from redline.ingest.metadata import parse_cli_date
from redline.ingest.sources import Options, Source, expand_inputs, one_line, read_source
from redline.store import Store
from redline.types import Document, IngestProblem, IngestSummary

#: progress(done, total, label): called after each source (file, URL, stdin) is read and stored
Progress = Callable[[int, int, str], None]


def _options(
    outlet: str | None,
    date: str | None,
    allow_private: bool,
    allow_networks: Iterable[Network],
    fetch: bool,
    max_bytes: int,
    timeout: float,
    stdin: BinaryIO | None,
) -> Options:
    outlet = " ".join(outlet.split()) if outlet else None
    return Options(
        outlet=outlet or None,
        date=parse_cli_date(date) if date else None,
        allow_private=allow_private,
        allow_networks=tuple(allow_networks),
        fetch=fetch,
        max_bytes=max_bytes,
        timeout=timeout,
        stdin=stdin,
    )


def _iter_sources(
    inputs: list[str], opts: Options
) -> Iterator[tuple[int, int, str, Iterable[Document | IngestProblem]]]:
    sources = expand_inputs(list(inputs))
    total = len(sources)
    for n, src in enumerate(sources, 1):
        if isinstance(src, Source):
            yield n, total, src.location, read_source(src, opts)
        else:
            yield n, total, src.source, [one_line(src)]


def iter_documents(
    inputs: list[str],
    *,
    outlet: str | None = None,
    date: str | None = None,
    allow_private: bool = False,
    allow_networks: Iterable[Network] = (),
    fetch: bool = True,
    max_bytes: int = MAX_BYTES,
    timeout: float = TIMEOUT,
    stdin: BinaryIO | None = None,
) -> Iterator[Document | IngestProblem]:
    """Read every input and yield a Document or an IngestProblem for each, storing nothing.

    ``inputs`` are file or directory paths, http(s) URLs (articles or feeds), or "-" for standard
    input. ``outlet`` and ``date`` fill in what an input does not state. ``date`` must be
    YYYY-MM-DD (ValueError otherwise).
    """
    opts = _options(outlet, date, allow_private, allow_networks, fetch, max_bytes, timeout, stdin)
    for _n, _total, _label, items in _iter_sources(inputs, opts):
        yield from items


def ingest(
    inputs: list[str],
    store: Store,
    *,
    outlet: str | None = None,
    date: str | None = None,
    allow_private: bool = False,
    allow_networks: Iterable[Network] = (),
    fetch: bool = True,
    max_bytes: int = MAX_BYTES,
    timeout: float = TIMEOUT,
    stdin: BinaryIO | None = None,
    progress: Progress | None = None,
) -> IngestSummary:
    """Read the inputs and store every document; bad inputs are recorded as problems and skipped.

    Each document is written in its own transaction, so an interrupted run keeps what it stored
    and a re-run adds only what is missing (same name and content: "already stored").
    """
    opts = _options(outlet, date, allow_private, allow_networks, fetch, max_bytes, timeout, stdin)
    summary = IngestSummary()
    outlets: set[str] = set()
    for n, total, label, items in _iter_sources(inputs, opts):
        for item in items:
            if isinstance(item, IngestProblem):
                store.record_problem(item.source, item.reason)
                summary.problems.append(item)
                continue
            doc_id, status = store.add_document(item)
            summary.doc_ids.append(doc_id)
            if item.outlet:
                outlets.add(item.outlet)
            if status == "exists":
                summary.already_stored += 1
                continue
            summary.documents += 1
            if status == "duplicate" and item.duplicate_of is not None:
                summary.duplicates += 1
                summary.duplicate_links.append((item.name, store.get_document(item.duplicate_of).name))
        if progress is not None:
            progress(n, total, label)
    summary.outlets = sorted(outlets)
    return summary


def sample_corpus_paths() -> list[Path]:
    """The bundled sample articles (redline/data/corpus/*.txt), sorted by name."""
    corpus = resources.files("redline") / "data" / "corpus"
    return sorted(Path(str(entry)) for entry in corpus.iterdir() if entry.name.endswith(".txt"))


def format_summary(summary: IngestSummary) -> str:
    """The run summary as plain text lines (the CLI prints a rich version of the same)."""
    lines = [
        f"documents: {summary.documents} new"
        + (f" ({summary.duplicates} linked as duplicates of an earlier copy)" if summary.duplicates else ""),
        f"already stored: {summary.already_stored}",
        f"outlets: {', '.join(summary.outlets) if summary.outlets else '(none stated)'}",
    ]
    for copy, first in summary.duplicate_links:
        lines.append(f"duplicate: {copy} -> copy of {first}")
    lines.append(f"errors: {len(summary.problems)}")
    lines.extend(f"  {p.source}: {p.reason}" for p in summary.problems)
    return "\n".join(lines)
