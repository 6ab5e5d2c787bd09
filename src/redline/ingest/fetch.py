"""Fetching web pages safely: http(s) only, public addresses only, bounded size and time.

Every address a host name resolves to is checked, for the first URL and again for every
redirect (redirects are followed by hand), so a page cannot bounce redline's fetcher onto
localhost, a private network or a cloud metadata address. ``allow_private=True`` lifts the
address check for users who mean to read from their own network.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urljoin, urlsplit

import httpx

from redline.ingest.errors import InputError, UnsafeURLError

MAX_BYTES = 5 * 1024 * 1024  # per input: a file, a fetched page, a JSONL line
TIMEOUT = 20.0  # seconds per fetch (connect, each read)
MAX_REDIRECTS = 5
USER_AGENT = "redline/0.1 (news negotiation analysis)"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass
class Fetched:
    url: str  # the URL asked for
    final_url: str  # after redirects
    content_type: str  # media type, lower case, without parameters ("" when not sent)
    charset: str | None
    body: bytes


def is_url(value: str) -> bool:
    parts = urlsplit(value)
    return bool(parts.scheme) and len(parts.scheme) > 1 and value.startswith(f"{parts.scheme}://")


def address_problem(addr: IPAddress) -> str | None:
    """What kind of non-public address this is ("loopback", "private", ...), or None if public."""
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return address_problem(addr.ipv4_mapped)
    checks = (
        ("unspecified", addr.is_unspecified),
        ("loopback", addr.is_loopback),
        ("link-local", addr.is_link_local),
        ("multicast", addr.is_multicast),
        ("reserved", addr.is_reserved),
        ("private", addr.is_private),
    )
    for label, hit in checks:
        if hit:
            return label
    if not addr.is_global:
        return "non-public"
    return None


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address the host resolves to (a literal IP resolves to itself)."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise InputError(f"cannot resolve host {host!r}: {exc}") from exc
    addrs: list[IPAddress] = []
    for info in infos:
        raw = str(info[4][0]).split("%", 1)[0]  # drop an IPv6 zone id
        addr = ipaddress.ip_address(raw)
        if addr not in addrs:
            addrs.append(addr)
    if not addrs:
        raise InputError(f"cannot resolve host {host!r}")
    return addrs


def check_url(url: str, *, allow_private: bool = False, allow_networks: Iterable[Network] = ()) -> None:
    """Raise UnsafeURLError unless the URL is http(s) to a host whose every address is public
    (or, with ``allow_private``, any address; or in one of ``allow_networks``)."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise UnsafeURLError(
            f"refused: only http and https URLs are fetched, not {parts.scheme or 'no'} scheme"
        )
    host = parts.hostname
    if not host:
        raise UnsafeURLError("refused: the URL has no host")
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError as exc:
        raise UnsafeURLError(f"refused: bad port in URL ({exc})") from exc
    if allow_private:
        return
    nets = list(allow_networks)
    for addr in resolve(host, port):
        if any(addr in net for net in nets):
            continue
        problem = address_problem(addr)
        if problem:
            shown = host if host == str(addr) else f"{host} ({addr})"
            raise UnsafeURLError(
                f"refused: {shown} is a {problem} address"
                " (pass --allow-private to fetch from your own network)"
            )


def _content_type(header: str | None) -> tuple[str, str | None]:
    if not header:
        return "", None
    msg = Message()
    msg["content-type"] = header
    charset = msg.get_param("charset")
    return msg.get_content_type().lower(), (str(charset) if isinstance(charset, str) else None)


def fetch(
    url: str,
    *,
    allow_private: bool = False,
    allow_networks: Iterable[Network] = (),
    max_bytes: int = MAX_BYTES,
    timeout: float = TIMEOUT,
    max_redirects: int = MAX_REDIRECTS,
) -> Fetched:
    """GET a URL with the safety checks above. Raises InputError (UnsafeURLError for refusals)."""
    nets = list(allow_networks)
    current = url
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "text/html, application/xhtml+xml, application/rss+xml,"
        " application/atom+xml, application/xml;q=0.9, text/plain;q=0.8, */*;q=0.1",
    }
    with httpx.Client(follow_redirects=False, timeout=timeout, headers=headers, trust_env=False) as client:
        for _ in range(max_redirects + 1):
            check_url(current, allow_private=allow_private, allow_networks=nets)
            try:
                with client.stream("GET", current) as resp:
                    if resp.is_redirect:
                        location = resp.headers.get("location")
                        if not location:
                            raise InputError(f"HTTP {resp.status_code} redirect without a Location")
                        current = urljoin(current, location)
                        continue
                    if resp.status_code >= 400:
                        raise InputError(f"HTTP {resp.status_code} {resp.reason_phrase}".strip())
                    declared = resp.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > max_bytes:
                        raise InputError(f"too large ({int(declared)} bytes; the limit is {max_bytes})")
                    chunks: list[bytes] = []
                    size = 0
                    for chunk in resp.iter_bytes():
                        size += len(chunk)
                        if size > max_bytes:
                            raise InputError(f"too large (over {max_bytes} bytes; the limit is {max_bytes})")
                        chunks.append(chunk)
                    ctype, charset = _content_type(resp.headers.get("content-type"))
                    return Fetched(url, current, ctype, charset, b"".join(chunks))
            except httpx.TimeoutException as exc:
                raise InputError(f"timed out after {timeout:g} s ({type(exc).__name__})") from exc
            except httpx.HTTPError as exc:
                raise InputError(f"fetch failed: {exc or type(exc).__name__}") from exc
    raise InputError(f"too many redirects (more than {max_redirects})")
