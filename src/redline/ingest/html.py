"""Main text and metadata out of HTML pages (trafilatura), and plain text out of HTML fragments."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import lxml.html
import trafilatura
from lxml import etree

from redline.ingest.errors import InputError
from redline.ingest.language import MIN_WORDS, word_count
from redline.ingest.metadata import iso_date

# trafilatura and htmldate log parser complaints at WARNING; they are not ours to print.
for _name in ("trafilatura", "htmldate", "readability", "justext"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE)
_BLOCKS = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "section",
    "article",
    "header",
    "footer",
    "tr",
    "table",
    "pre",
    "figure",
    "figcaption",
    "hr",
}


@dataclass
class Article:
    text: str
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    date: str | None = None
    url: str | None = None


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in a <meta> tag within its first 4 KiB."""
    m = _META_CHARSET.search(data[:4096])
    return m.group(1).decode("ascii", "replace") if m else None


def looks_like_html(text: str) -> bool:
    head = text[:1024].lstrip().lower()
    return head.startswith(("<!doctype html", "<html", "<head", "<body")) or "<html" in head


_DATE_META = (
    "article:published_time",
    "og:article:published_time",
    "og:published_time",
    "datepublished",
    "publishdate",
    "publish-date",
    "publish_date",
    "pubdate",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.date",
    "dcterms.created",
    "dcterms.issued",
    "sailthru.date",
    "parsely-pub-date",
    "citation_publication_date",
    "article.published",
    "originalpublicationdate",
)
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](0[1-9]|1[0-2])[/-](0[1-9]|[12]\d|3[01])(?:/|$|[-_])")


def _json_ld_dates(node: Any) -> Iterator[object]:
    if isinstance(node, dict):
        if "datePublished" in node:
            yield node["datePublished"]
        for value in node.values():
            yield from _json_ld_dates(value)
    elif isinstance(node, list):
        for value in node:
            yield from _json_ld_dates(value)


def published_date(html: str, url: str | None = None) -> str | None:
    """The publication date a page states: in its metadata (meta tags, JSON-LD), in a
    ``<time datetime>`` marked as the publication time or inside the article, or in its URL.

    Nothing else: no dates from running text or footers ("updated ...", "(c) 2023"), and never
    one derived from the current time. None where the page states none.
    """
    try:
        tree = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None
    metas: dict[str, str] = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        content = meta.get("content")
        if key and content and key not in metas:
            metas[key] = content
    for key in _DATE_META:
        if key in metas and (found := iso_date(metas[key])):
            return found
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        for value in _json_ld_dates(data):
            if found := iso_date(value):
                return found
    times = tree.xpath(
        "//time[@itemprop='datePublished' or @pubdate][@datetime] | //article//time[@datetime]"
    )
    for el in times:
        if found := iso_date(el.get("datetime")):
            return found
    canonical = tree.xpath("//link[@rel='canonical']/@href")
    for candidate in [*canonical, metas.get("og:url"), url]:
        m = _URL_DATE.search(str(candidate)) if candidate else None
        if m and (found := iso_date(f"{m[1]}-{m[2]}-{m[3]}")):
            return found
    return None


def extract_article(html: str, url: str | None = None) -> Article:
    """The main text of a news page, with title, site name, author, date and URL where the page
    states them. The date is :func:`published_date` (trafilatura's own date guess, which also
    reads running text and footers, is not used)."""
    if not html.strip():
        raise InputError("empty HTML page")
    try:
        result = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            date_extraction_params={
                "extensive_search": False,
                "original_date": True,
                "max_date": date.today().isoformat(),
            },
        )
    except Exception as exc:  # trafilatura raises assorted lxml/value errors on broken markup
        raise InputError(f"malformed HTML ({type(exc).__name__}: {exc})") from exc
    if result is None or isinstance(result, dict):
        raise InputError("malformed HTML or no article text found in the page")
    text = result.text or ""
    if word_count(text) < MIN_WORDS:
        raise InputError("no article text found in the HTML (a malformed page, or not an article)")
    return Article(
        text=text,
        title=_clean(result.title),
        outlet=_clean(result.sitename),
        author=_clean(result.author),
        date=published_date(html, url),
        url=_clean(result.url) or url,
    )


def fragment_to_text(html: str) -> str:
    """Plain text of an HTML fragment (a feed entry's content): one paragraph per block element."""
    if "<" not in html:
        return html
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return ""
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    parts: list[str] = []

    def walk(el: etree._Element) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        block = tag.lower() in _BLOCKS
        if block:
            parts.append("\n")
        if el.text and tag:
            parts.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append("\n")

    walk(root)
    text = "".join(parts)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None
