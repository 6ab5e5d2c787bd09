"""redline.ingest: news articles in, typed Documents out (and into the store).

    summary = ingest(["articles/", "https://example.com/feed.xml", "-"], store)

Inputs: .txt/.md, .html/.htm (main text and metadata by trafilatura), .jsonl (a "text" field and
optional title/outlet/url/author/date/name), RSS/Atom feeds, http(s) URLs, and "-" for stdin.
Library functions return data and never print.
"""

from redline.ingest.errors import InputError, UnsafeURLError
from redline.ingest.fetch import MAX_BYTES, TIMEOUT, address_problem, check_url, fetch
from redline.ingest.language import detect_language
from redline.ingest.metadata import iso_date, parse_cli_date
from redline.ingest.pipeline import Progress, format_summary, ingest, iter_documents, sample_corpus_paths
from redline.ingest.sources import SUPPORTED_SUFFIXES, parse_networks
from redline.ingest.text import decode_text, normalize_text
from redline.store.dedup import text_hash as content_hash

__all__ = [
    "MAX_BYTES",
    "SUPPORTED_SUFFIXES",
    "TIMEOUT",
    "InputError",
    "Progress",
    "UnsafeURLError",
    "address_problem",
    "check_url",
    "content_hash",
    "decode_text",
    "detect_language",
    "fetch",
    "format_summary",
    "ingest",
    "iter_documents",
    "iso_date",
    "normalize_text",
    "parse_cli_date",
    "parse_networks",
    "sample_corpus_paths",
]
