"""Web security pieces: the write token, security headers, request size limits, upload names."""

from __future__ import annotations

import hmac
import os
import re
import secrets
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

TOKEN_HEADER = "x-redline-token"
TOKEN_COOKIE = "redline_token"
MAX_BODY = 10 * 1024 * 1024  # bytes per request
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'; connect-src 'self'"
)


def token_path(db: Path) -> Path:
    return db.with_name(db.name + ".token")


def ensure_token(db: Path) -> tuple[str, bool]:
    """The write token stored beside the database (created with mode 0600 on first start)."""
    path = token_path(db)
    if path.exists():
        token = path.read_text(encoding="utf-8").strip()
        if token:
            os.chmod(path, 0o600)
            return token, False
    token = secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(token + "\n")
    os.chmod(path, 0o600)
    return token, True


def token_ok(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str, fallback: str = "upload.txt") -> str:
    """A file name that cannot leave its folder: base name only, a safe alphabet, no leading dot."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = _UNSAFE.sub("_", base).lstrip("._-")[:100]
    if not base or base in (".", ".."):
        base = fallback
    return base


def upload_target(folder: Path, name: str) -> Path:
    """A fresh path inside ``folder`` for an uploaded file (never outside it, never overwriting)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = (folder / f"{secrets.token_hex(4)}-{safe_name(name)}").resolve()
    if target.parent != folder.resolve():
        raise ValueError(f"unsafe upload name {name!r}")
    return target


class BodyTooLarge(Exception):
    pass


class SecurityMiddleware:
    """Adds security headers to every response and refuses bodies over ``max_body`` bytes (413)."""

    def __init__(self, app: ASGIApp, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None:
            try:
                too_big = int(length) > self.max_body
            except ValueError:
                too_big = True
            if too_big:
                await _plain(send, 413, b"request body too large")
                return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise BodyTooLarge()
            return message

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                extra = [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"x-frame-options", b"DENY"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                ]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except BodyTooLarge:
            if not started:
                await _plain(send, 413, b"request body too large")


async def _plain(send: Send, status: int, body: bytes) -> None:
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-security-policy", CSP.encode()),
        ],
    })
    await send({"type": "http.response.body", "body": body})
