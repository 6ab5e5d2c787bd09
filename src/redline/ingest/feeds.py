"""RSS and Atom feeds (feedparser): each entry becomes a document."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from typing import Any

import feedparser

from redline.ingest.errors import InputError
from redline.ingest.html import fragment_to_text
from redline.ingest.metadata import iso_date


@dataclass
class FeedEntry:
    index: int  # 1-based position in the feed
    text: str  # plain text from the entry's content, else its summary; "" when it has neither
    title: str | None = None
    link: str | None = None
    author: str | None = None
    date: str | None = None
    entry_id: str | None = None


@dataclass
class Feed:
    title: str | None
    link: str | None
    entries: list[FeedEntry] = field(default_factory=list)


def looks_like_feed(text: str) -> bool:
    head = text[:2048].lstrip().lower()
    if head.startswith("<?xml"):
        head = head[head.find("?>") + 2 :].lstrip() if "?>" in head else head
    while head.startswith("<!--") and "-->" in head:
        head = head[head.find("-->") + 3 :].lstrip()
    return head.startswith(("<rss", "<feed", "<rdf:rdf", "<rdf"))


def _entry_text(entry: Any) -> str:
    for content in entry.get("content") or []:
        value = content.get("value") or ""
        if value.strip():
            return fragment_to_text(value) if "html" in (content.get("type") or "html") else value
    summary = entry.get("summary") or ""
    if summary.strip():
        detail = entry.get("summary_detail") or {}
        return fragment_to_text(summary) if "html" in (detail.get("type") or "html") else summary
    return ""


def _entry_date(entry: Any) -> str | None:
    """The entry's publication date as the feed states it (its own time zone), else as parsed."""
    for key in ("published", "updated", "created"):
        if entry.get(key) and (found := iso_date(entry.get(key))):
            return found
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            return iso_date(calendar.timegm(parsed))
    return None


def parse_feed(data: bytes | str) -> Feed:
    """Parse a feed. Raises InputError for a feed that is malformed and yields no usable entry."""
    parsed = feedparser.parse(data, sanitize_html=True, resolve_relative_uris=False)
    entries: list[FeedEntry] = []
    for n, entry in enumerate(parsed.entries, 1):
        link = entry.get("link") or None
        entries.append(
            FeedEntry(
                index=n,
                text=_entry_text(entry),
                title=(entry.get("title") or "").strip() or None,
                link=link,
                author=(entry.get("author") or "").strip() or None,
                date=_entry_date(entry),
                entry_id=entry.get("id") or None,
            )
        )
    usable = [e for e in entries if e.text.strip() or e.link]
    if parsed.get("bozo") and not usable:
        exc = parsed.get("bozo_exception")
        raise InputError(f"malformed feed ({exc})" if exc else "malformed feed")
    if not parsed.get("version") and not usable:
        raise InputError("not an RSS or Atom feed")
    if not entries:
        raise InputError("the feed has no entries")
    feed = parsed.get("feed") or {}
    return Feed(
        title=(feed.get("title") or "").strip() or None, link=feed.get("link") or None, entries=entries
    )
