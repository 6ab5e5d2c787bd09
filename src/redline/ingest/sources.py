"""Inputs to documents: files, directories, JSONL, feeds, URLs and standard input.

Each reader yields :class:`Document` or :class:`IngestProblem`; nothing here stores or prints.
"""

from __future__ import annotations

import io
import ipaddress
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO, Literal

from redline.ingest.errors import InputError
from redline.ingest.feeds import Feed, looks_like_feed, parse_feed
from redline.ingest.fetch import MAX_BYTES, TIMEOUT, Fetched, Network, fetch, is_url
from redline.ingest.html import declared_charset, extract_article, looks_like_html
from redline.ingest.language import MIN_WORDS, NAMES, detect_language, language_name, word_count
from redline.ingest.metadata import iso_date
from redline.ingest.text import decode_text, normalize_text
from redline.store.dedup import text_hash
from redline.types import Document, IngestProblem

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
FEED_SUFFIXES = (".rss", ".atom", ".xml")
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES + FEED_SUFFIXES
JSONL_FIELDS = ("title", "outlet", "url", "author", "date", "name")
STDIN_NAME = "<stdin>"

Item = Document | IngestProblem
Format = Literal["text", "html", "jsonl", "feed", "sniff"]


@dataclass(frozen=True)
class Options:
    outlet: str | None = None  # for documents whose source names no outlet
    date: str | None = None  # ISO date, for documents whose source gives none
    allow_private: bool = False
    allow_networks: tuple[Network, ...] = ()
    fetch: bool = True  # fetch URLs (inputs, and feed entries that only give a link)
    max_bytes: int = MAX_BYTES
    timeout: float = TIMEOUT
    stdin: BinaryIO | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Source:
    """One thing to read: a file (found directly or in a directory), a URL, or standard input."""

    kind: Literal["file", "url", "stdin"]
    location: str  # the path as given or walked, the URL, or "-"


# -- expanding inputs --------------------------------------------------------------------------


def expand_inputs(inputs: list[str]) -> list[Source | IngestProblem]:
    """Inputs to sources, in order: directories are walked (sorted, recursively, skipping hidden
    entries and files of unsupported types); paths that do not exist are problems."""
    out: list[Source | IngestProblem] = []
    for raw in inputs:
        if raw == "-":
            out.append(Source("stdin", "-"))
        elif is_url(raw):
            out.append(Source("url", raw))
        elif os.path.isdir(raw):
            out.extend(Source("file", p) for p in _walk(raw))
        elif os.path.isfile(raw):
            out.append(Source("file", raw))
        elif os.path.lexists(raw):
            out.append(IngestProblem(raw, "not a regular file or directory"))
        else:
            out.append(IngestProblem(raw, "no such file or directory"))
    return out


def _walk(root: str) -> list[str]:
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith(".") and name.lower().endswith(SUPPORTED_SUFFIXES):
                found.append(os.path.join(dirpath, name))
    return found


# -- building documents ------------------------------------------------------------------------


def make_document(
    text: str,
    opts: Options,
    *,
    name: str,
    source: str,
    title: str | None = None,
    outlet: str | None = None,
    url: str | None = None,
    author: str | None = None,
    date: object = None,
    problem_source: str | None = None,
) -> Item:
    """Normalise the text (once, for good), check it, and fill in the metadata."""
    where = problem_source or source
    text = normalize_text(text)
    if not text.strip():
        return IngestProblem(where, "empty: no text")
    words = word_count(text)
    if words < MIN_WORDS:
        return IngestProblem(where, f"too little text for an article ({words} words; at least {MIN_WORDS})")
    lang = detect_language(text)
    if lang != "en":
        why = f"looks like {language_name(lang)}" if lang in NAMES else "too few common English words"
        return IngestProblem(where, f"not English ({why})")
    return Document(
        name=name,
        text=text,
        source=source,
        title=_blank_none(title),
        outlet=_blank_none(outlet) or opts.outlet,
        url=_blank_none(url),
        author=_blank_none(author),
        date=iso_date(date) or opts.date,
        language=lang,
        content_hash=text_hash(text),
    )


def _blank_none(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


# -- reading sources ---------------------------------------------------------------------------


def read_source(src: Source, opts: Options) -> Iterator[Item]:
    """Documents and problems from one source. Never raises for bad input; every problem's
    reason is a single line."""
    for item in _read_source(src, opts):
        yield one_line(item) if isinstance(item, IngestProblem) else item


def one_line(problem: IngestProblem) -> IngestProblem:
    """The problem with its source and reason on one line each (for logs and terminals)."""
    source = problem.source.replace("\r", " ").replace("\n", " ")
    return IngestProblem(source, " ".join(problem.reason.split()))


def _read_source(src: Source, opts: Options) -> Iterator[Item]:
    try:
        if src.kind == "file":
            yield from _read_file(src.location, opts)
        elif src.kind == "url":
            yield from _read_url(src.location, opts)
        else:
            yield from _read_stdin(opts)
    except InputError as exc:
        yield IngestProblem(src.location, str(exc))
    except OSError as exc:
        yield IngestProblem(src.location, f"cannot read: {exc.strerror or exc}")
    except Exception as exc:  # a parser bug must not stop the batch; report it like any problem
        yield IngestProblem(src.location, f"unexpected error while reading ({type(exc).__name__}: {exc})")


def _format_for(path: str) -> Format:
    lower = path.lower()
    if lower.endswith(TEXT_SUFFIXES):
        return "text"
    if lower.endswith(HTML_SUFFIXES):
        return "html"
    if lower.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if lower.endswith(FEED_SUFFIXES):
        return "feed"
    return "sniff"


def _read_limited(fh: BinaryIO, limit: int) -> bytes:
    data = fh.read(limit + 1)
    if len(data) > limit:
        raise InputError(f"too large (over {limit} bytes; the limit is {limit})")
    return data


def _read_file(path: str, opts: Options) -> Iterator[Item]:
    fmt = _format_for(path)
    if fmt == "jsonl":
        yield from _read_jsonl(path, opts)
        return
    size = os.path.getsize(path)
    if size > opts.max_bytes:
        raise InputError(f"too large ({size} bytes; the limit is {opts.max_bytes})")
    if size == 0:
        raise InputError("empty file")
    with open(path, "rb") as fh:
        data = _read_limited(fh, opts.max_bytes)
    name = os.path.basename(path)
    source = os.path.abspath(path)
    yield from _read_bytes(data, fmt, opts, name=name, source=source, where=path)


def _read_bytes(
    data: bytes, fmt: Format, opts: Options, *, name: str, source: str, where: str, charset: str | None = None
) -> Iterator[Item]:
    if not data.strip():
        raise InputError("empty: no text")
    if fmt == "html":
        text = decode_text(data, charset or declared_charset(data))
        yield _article_document(text, opts, name=name, source=source, where=where)
        return
    text = decode_text(data, charset)
    if fmt == "sniff":
        fmt = "feed" if looks_like_feed(text) else "html" if looks_like_html(text) else "text"
        if fmt == "html":
            yield _article_document(text, opts, name=name, source=source, where=where)
            return
    if fmt == "feed":
        yield from _feed_documents(parse_feed(data), opts, source=source, where=where)
        return
    yield make_document(text, opts, name=name, source=source, problem_source=where)


@dataclass(frozen=True)
class Meta:
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    date: str | None = None


def _article_document(
    html: str,
    opts: Options,
    *,
    name: str,
    source: str,
    where: str,
    url: str | None = None,
    fallback: Meta = Meta(),
) -> Item:
    art = extract_article(html, url=url)
    return make_document(
        art.text,
        opts,
        name=name,
        source=source,
        title=art.title or fallback.title,
        outlet=art.outlet or fallback.outlet,
        url=art.url or url,
        author=art.author or fallback.author,
        date=iso_date(art.date) or fallback.date,
        problem_source=where,
    )


def _read_jsonl(path: str, opts: Options) -> Iterator[Item]:
    with open(path, "rb") as fh:
        yield from _jsonl_items(
            fh, opts, base=os.path.basename(path), source=os.path.abspath(path), where=path
        )


def _jsonl_items(fh: BinaryIO, opts: Options, *, base: str, source: str, where: str) -> Iterator[Item]:
    """One document per line: a JSON object with a "text" string and optional metadata strings."""
    seen_any = False
    for lineno, raw in enumerate(iter(lambda: fh.readline(opts.max_bytes + 1), b""), 1):
        line_where = f"{where}:{lineno}"
        if len(raw) > opts.max_bytes and not raw.endswith(b"\n"):
            yield IngestProblem(line_where, f"line too large (over {opts.max_bytes} bytes)")
            while raw and not raw.endswith(b"\n"):  # skip the rest of the line
                raw = fh.readline(opts.max_bytes + 1)
            continue
        if not raw.strip():
            continue
        seen_any = True
        try:
            record = json.loads(decode_text(raw))
        except InputError as exc:
            yield IngestProblem(line_where, str(exc))
            continue
        except json.JSONDecodeError as exc:
            yield IngestProblem(line_where, f"not valid JSON ({exc})")
            continue
        if not isinstance(record, dict):
            yield IngestProblem(line_where, 'a JSONL line must be a JSON object with a "text" field')
            continue
        text = record.get("text")
        if not isinstance(text, str):
            yield IngestProblem(line_where, 'no "text" string field')
            continue
        meta = {k: record.get(k) for k in JSONL_FIELDS}
        bad = [k for k, v in meta.items() if v is not None and not isinstance(v, str)]
        if bad:
            yield IngestProblem(line_where, f"field {bad[0]!r} must be a string")
            continue
        yield make_document(
            text,
            opts,
            name=_blank_none(meta["name"]) or f"{base}:{lineno}",
            source=f"{source}:{lineno}",
            title=meta["title"],
            outlet=meta["outlet"],
            url=meta["url"],
            author=meta["author"],
            date=meta["date"],
            problem_source=line_where,
        )
    if not seen_any:
        raise InputError("empty file")


def _feed_documents(feed: Feed, opts: Options, *, source: str, where: str) -> Iterator[Item]:
    for entry in feed.entries:
        entry_where = f"{where} (entry {entry.index}{': ' + entry.title if entry.title else ''})"
        name = entry.link or entry.entry_id or f"{os.path.basename(source) or source}#{entry.index}"
        if entry.text.strip():
            yield make_document(
                entry.text,
                opts,
                name=name,
                source=source,
                title=entry.title,
                outlet=feed.title,
                url=entry.link,
                author=entry.author,
                date=entry.date,
                problem_source=entry_where,
            )
        elif entry.link and opts.fetch and is_url(entry.link):
            # what the fetched page does not say, the feed entry may
            fallback = Meta(title=entry.title, outlet=feed.title, author=entry.author, date=entry.date)
            try:
                yield _fetched_document(
                    _fetch(entry.link, opts), opts, name=name, where=entry_where, fallback=fallback
                )
            except InputError as exc:
                yield IngestProblem(entry_where, f"{entry.link}: {exc}")
        elif entry.link:
            yield IngestProblem(entry_where, "no text in the feed, and fetching the link is off")
        else:
            yield IngestProblem(entry_where, "no text and no link")


def _fetch(url: str, opts: Options) -> Fetched:
    return fetch(
        url,
        allow_private=opts.allow_private,
        allow_networks=opts.allow_networks,
        max_bytes=opts.max_bytes,
        timeout=opts.timeout,
    )


def _read_url(url: str, opts: Options) -> Iterator[Item]:
    if not opts.fetch:
        raise InputError("fetching URLs is off")
    fetched = _fetch(url, opts)
    ctype = fetched.content_type
    if (
        "rss" in ctype
        or "atom" in ctype
        or ctype in ("application/xml", "text/xml")
        or (
            ctype in ("", "application/octet-stream")
            and looks_like_feed(fetched.body[:2048].decode("utf-8", "replace"))
        )
    ):
        yield from _feed_documents(parse_feed(fetched.body), opts, source=fetched.final_url, where=url)
        return
    yield _fetched_document(fetched, opts, name=url, where=url)


def _fetched_document(
    fetched: Fetched, opts: Options, *, name: str, where: str, fallback: Meta = Meta()
) -> Item:
    ctype = fetched.content_type
    if not fetched.body.strip():
        raise InputError("empty response")
    if ctype in ("text/html", "application/xhtml+xml", "") or (
        ctype == "text/plain" and looks_like_html(fetched.body[:1024].decode("utf-8", "replace"))
    ):
        html = decode_text(fetched.body, fetched.charset or declared_charset(fetched.body))
        return _article_document(
            html,
            opts,
            name=name,
            source=fetched.final_url,
            where=where,
            url=fetched.final_url,
            fallback=fallback,
        )
    if ctype in ("text/plain", "text/markdown"):
        text = decode_text(fetched.body, fetched.charset)
        return make_document(
            text,
            opts,
            name=name,
            source=fetched.final_url,
            url=fetched.final_url,
            problem_source=where,
            title=fallback.title,
            outlet=fallback.outlet,
            author=fallback.author,
            date=fallback.date,
        )
    raise InputError(f"unsupported content type {ctype!r}")


def _read_stdin(opts: Options) -> Iterator[Item]:
    stream = opts.stdin if opts.stdin is not None else sys.stdin.buffer
    data = _read_limited(stream, opts.max_bytes)
    if not data.strip():
        raise InputError("empty: no text on standard input")
    if data.lstrip()[:1] == b"{" and _is_jsonl(data):
        yield from _jsonl_items(io.BytesIO(data), opts, base=STDIN_NAME, source=STDIN_NAME, where="-")
        return
    yield from _read_bytes(data, "sniff", opts, name=STDIN_NAME, source=STDIN_NAME, where="-")


def _is_jsonl(data: bytes) -> bool:
    first = data.lstrip().split(b"\n", 1)[0]
    try:
        return isinstance(json.loads(first), dict)
    except ValueError:
        return False


def parse_networks(values: list[str]) -> tuple[Network, ...]:
    """CIDR strings to networks (for ``allow_networks``)."""
    return tuple(ipaddress.ip_network(v, strict=False) for v in values)
