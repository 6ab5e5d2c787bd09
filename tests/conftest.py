"""Shared pytest fixtures: paths to the repository, the shared corpus and test fixtures; a fresh store;
a local HTTP server. Keep this generic: area-specific fixtures belong in the area's test files."""

from __future__ import annotations

import contextlib
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from redline.store import Store

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"shared material not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def seeds_dir(shared_dir: Path) -> Path:
    """The five founding articles (../shared/corpus/seeds)."""
    return shared_dir / "corpus" / "seeds"


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    """A path for a fresh SQLite store (not created yet)."""
    return tmp_path / "redline.db"


@pytest.fixture
def store(db_file: Path) -> Iterator[Store]:
    """A fresh, open store in a temporary directory."""
    with Store(db_file) as s:
        yield s


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    send_length: bool = True  # False: no Content-Length; the body ends when the connection closes
    delay: float = 0.0  # seconds to wait before answering


@dataclass
class LocalServer:
    """An HTTP server on 127.0.0.1 serving ``routes`` (path -> Route); ``hits`` lists requested paths."""

    base: str
    routes: dict[str, Route]
    hits: list[str]

    def url(self, path: str) -> str:
        return self.base + path

    def add(
        self,
        path: str,
        body: bytes | str = b"",
        *,
        status: int = 200,
        send_length: bool = True,
        delay: float = 0.0,
        **headers: str,
    ) -> str:
        """Serve ``body`` at ``path``; keyword headers use _ for - (content_type="text/html")."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        hdrs = {k.replace("_", "-"): v for k, v in headers.items()}
        self.routes[path] = Route(status, data, hdrs, send_length, delay)
        return self.url(path)


@pytest.fixture
def http_server() -> Iterator[LocalServer]:
    routes: dict[str, Route] = {}
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            hits.append(self.path)
            route = routes.get(self.path)
            if route is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if route.delay:
                time.sleep(route.delay)
            self.send_response(route.status)
            for key, value in route.headers.items():
                self.send_header(key, value)
            if route.send_length:
                self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # client stopped reading
                self.wfile.write(route.body)

        def log_message(self, format: str, *args: object) -> None:  # keep test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield LocalServer(f"http://127.0.0.1:{server.server_address[1]}", routes, hits)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def redline_exe() -> str:
    """Path of the ``redline`` console script beside the running Python (for subprocess tests)."""
    exe = Path(sys.executable).parent / "redline"
    if not exe.exists():
        found = shutil.which("redline")
        if not found:
            pytest.skip("the redline console script is not installed")
        return found
    return str(exe)
