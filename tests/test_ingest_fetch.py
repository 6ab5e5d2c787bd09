"""Fetching URLs: the address checks (SSRF), redirects, limits, and pages and feeds over HTTP.

No test touches the internet: address checks use literal IPs and localhost, and fetching runs
against a local http.server on 127.0.0.1.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest
from conftest import LocalServer

from redline.ingest import (
    InputError,
    UnsafeURLError,
    address_problem,
    check_url,
    fetch,
    ingest,
    iter_documents,
)
from redline.store import Store
from redline.types import Document, IngestProblem

LOOPBACK_ONLY = [ipaddress.ip_network("127.0.0.1/32")]


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.9", "private"),
        ("192.168.1.1", "private"),
        ("fd00::1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "non-public"),
        ("8.8.8.8", None),
        ("2001:4860:4860::8888", None),
    ],
)
def test_address_classes(address: str, kind: str | None) -> None:
    assert address_problem(ipaddress.ip_address(address)) == kind


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.0.0.1:8080/admin",
        "http://localhost/",
        "http://[::1]:8000/",
        "http://10.0.0.5/internal",
        "http://169.254.169.254/latest/meta-data/",
        "https://[fe80::1]/",
        "http://0.0.0.0:9000/",
    ],
)
def test_non_public_urls_are_refused(url: str) -> None:
    with pytest.raises(UnsafeURLError, match="refused: .* address .*--allow-private"):
        check_url(url)
    check_url(url, allow_private=True)  # the explicit opt-in lifts the address check


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://8.8.8.8/x", "gopher://8.8.8.8/", "http:///nohost"]
)
def test_only_http_urls_with_a_host(url: str) -> None:
    with pytest.raises(UnsafeURLError):
        check_url(url, allow_private=True)


def test_public_literal_address_passes() -> None:
    check_url("https://8.8.8.8/dns-query")  # a literal IP needs no DNS: nothing leaves the machine


# -- fetching from a local server --------------------------------------------------------------


def test_local_server_is_refused_without_allow_private_and_not_contacted(http_server: LocalServer) -> None:
    url = http_server.add("/page", "hello", content_type="text/plain")
    with pytest.raises(UnsafeURLError, match="127.0.0.1 is a loopback address"):
        fetch(url)
    assert http_server.hits == []
    got = fetch(url, allow_private=True)
    assert (got.body, got.content_type, got.final_url) == (b"hello", "text/plain", url)
    assert http_server.hits == ["/page"]


def test_redirects_are_followed_by_hand_and_each_hop_is_checked(http_server: LocalServer) -> None:
    target = http_server.add("/article", "the article", content_type="text/plain; charset=utf-8")
    http_server.add("/hop1", status=302, Location="/hop2")
    http_server.add("/hop2", status=301, Location=target)
    got = fetch(http_server.url("/hop1"), allow_networks=LOOPBACK_ONLY)
    assert got.final_url == target and got.body == b"the article" and got.charset == "utf-8"
    assert http_server.hits == ["/hop1", "/hop2", "/article"]


@pytest.mark.parametrize(
    ("location", "shown"),
    [
        ("http://10.0.0.1/secret", "10.0.0.1 is a private"),
        ("http://169.254.169.254/latest/meta-data/iam", "169.254.169.254 is a link-local"),
        ("http://[::1]:{port}/article", "::1 is a loopback"),
        ("file:///etc/passwd", "only http and https"),
    ],
)
def test_redirect_to_a_private_address_is_refused(
    http_server: LocalServer, location: str, shown: str
) -> None:
    port = http_server.base.rsplit(":", 1)[1]
    http_server.add("/bounce", status=302, Location=location.format(port=port))
    with pytest.raises(UnsafeURLError, match=shown):
        fetch(http_server.url("/bounce"), allow_networks=LOOPBACK_ONLY)
    assert http_server.hits == ["/bounce"]


def test_redirect_loops_stop(http_server: LocalServer) -> None:
    http_server.add("/loop", status=302, Location="/loop")
    with pytest.raises(InputError, match="too many redirects"):
        fetch(http_server.url("/loop"), allow_private=True)
    assert len(http_server.hits) == 6


def test_size_limit_by_header_and_while_streaming(http_server: LocalServer) -> None:
    big = b"x" * 5000
    http_server.add("/declared", big, content_type="text/plain")
    http_server.add("/undeclared", big, content_type="text/plain", send_length=False)
    with pytest.raises(InputError, match=r"too large \(5000 bytes"):
        fetch(http_server.url("/declared"), allow_private=True, max_bytes=1000)
    with pytest.raises(InputError, match="too large"):
        fetch(http_server.url("/undeclared"), allow_private=True, max_bytes=1000)
    assert fetch(http_server.url("/undeclared"), allow_private=True, max_bytes=5000).body == big


def test_http_errors_and_timeouts(http_server: LocalServer) -> None:
    with pytest.raises(InputError, match="HTTP 404"):
        fetch(http_server.url("/missing"), allow_private=True)
    http_server.add("/slow", "late", delay=1.0)
    with pytest.raises(InputError, match="timed out"):
        fetch(http_server.url("/slow"), allow_private=True, timeout=0.2)


# -- ingesting URLs ----------------------------------------------------------------------------


def test_article_url_is_ingested_with_metadata(
    http_server: LocalServer, fixtures_dir: Path, store: Store
) -> None:
    html = (fixtures_dir / "html" / "harbour_times_talks.html").read_bytes()
    url = http_server.add("/world/story", html, content_type="text/html; charset=utf-8")

    refused = ingest([url], store)
    assert refused.documents == 0 and http_server.hits == []
    assert [p.source for p in refused.problems] == [url]
    assert refused.problems[0].reason.startswith("refused: 127.0.0.1 is a loopback address")

    summary = ingest([url], store, allow_private=True)
    assert summary.ok and summary.documents == 1
    doc = store.find_documents(url)[0]
    assert doc.source == url
    assert (doc.outlet, doc.date, doc.author) == ("The Harbour Times", "2025-05-16", "Marta Kowalczyk")
    assert doc.url == "https://www.harbourtimes.example/world/2025/05/16/ceasefire-talks-stall"  # canonical
    assert "not a bargaining chip" in doc.text
    assert ingest([url], store, allow_private=True).already_stored == 1


def test_feed_url_and_link_only_entries_are_fetched(http_server: LocalServer, fixtures_dir: Path) -> None:
    html = (fixtures_dir / "html" / "harbour_times_talks.html").read_bytes()
    article = http_server.add("/a/1", html, content_type="text/html")
    missing = http_server.url("/a/gone")
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Local Wire</title>'
        f"<item><title>Feed title</title><link>{article}</link>"
        "<pubDate>Fri, 16 May 2025 10:00:00 GMT</pubDate></item>"
        f"<item><title>Gone</title><link>{missing}</link></item>"
        "</channel></rss>"
    )
    feed_url = http_server.add("/feed.xml", feed, content_type="application/rss+xml")
    items = list(iter_documents([feed_url], allow_private=True))
    docs = [i for i in items if isinstance(i, Document)]
    problems = [i for i in items if isinstance(i, IngestProblem)]
    assert [d.name for d in docs] == [article]
    assert docs[0].outlet == "The Harbour Times"  # the page's own site name wins over the feed title
    assert docs[0].title == "Ceasefire talks stall over Zaporizhzhia plant, envoys say"
    assert [p.reason for p in problems] == [f"{missing}: HTTP 404 Not Found"]
    assert problems[0].source == f"{feed_url} (entry 2: Gone)"

    # without allow_private the feed itself is refused, and nothing is fetched
    http_server.hits.clear()
    refused = list(iter_documents([feed_url]))
    assert len(refused) == 1 and isinstance(refused[0], IngestProblem) and http_server.hits == []


def test_unsupported_content_type_is_a_problem(http_server: LocalServer) -> None:
    url = http_server.add("/doc.pdf", b"%PDF-1.7 ...", content_type="application/pdf")
    items = list(iter_documents([url], allow_private=True))
    assert [(i.source, i.reason) for i in items if isinstance(i, IngestProblem)] == [
        (url, "unsupported content type 'application/pdf'")
    ]
