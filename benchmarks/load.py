"""Bounded load test of the redline JSON API, on 127.0.0.1 only.

    .venv/bin/python benchmarks/load.py --db redline.db               # 50 clients x 20 s, own server
    .venv/bin/python benchmarks/load.py --url http://127.0.0.1:8000 --clients 10 --duration 5

Without ``--url`` it serves ``--db`` (a copy, so nothing is written to it) with uvicorn in a
thread on a free loopback port. Reports requests/s, latency percentiles and errors; exits 1 on
any error (0 errors expected).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx

GETS = [
    "/api/health",
    "/api/documents",
    "/api/positions",
    "/api/positions?party=RU",
    "/api/positions?red_line=true&kind=quote",
    "/api/matrix",
    "/api/reviews",
]
DEAL: dict[str, dict[str, str]] = {"options": {}}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: Path) -> tuple[str, subprocess.Popen[bytes], tempfile.TemporaryDirectory[str]]:
    """``redline serve`` on a copy of ``db`` in its own process (so the load client does not share its GIL)."""
    tmp = tempfile.TemporaryDirectory(prefix="redline-load-")
    copy = Path(tmp.name) / "load.db"
    if db.exists():
        shutil.copy(db, copy)
    port = _free_port()
    exe = Path(sys.executable).with_name("redline")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-c", "from redline.cli import main; main()"]
    proc = subprocess.Popen(
        [*cmd, "serve", "--db", str(copy), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            proc.kill()
            raise SystemExit("redline serve did not start")
        time.sleep(0.2)
    return base, proc, tmp


async def client(base: str, stop: float, n: int, lat: list[float], errors: list[str]) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30.0) as http:
        i = n
        while time.perf_counter() < stop:
            i += 1
            t0 = time.perf_counter()
            try:
                if i % 8 == 0:
                    r = await http.post("/api/deal", json=DEAL)
                else:
                    r = await http.get(GETS[i % len(GETS)])
                if r.status_code != 200:
                    errors.append(f"{r.request.method} {r.request.url.path}: HTTP {r.status_code}")
            except httpx.HTTPError as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
            lat.append(time.perf_counter() - t0)


async def run(base: str, clients: int, duration: float) -> tuple[int, list[float], list[str], float]:
    lat: list[float] = []
    errors: list[str] = []
    async with httpx.AsyncClient(base_url=base, timeout=60.0) as warm:
        (await warm.get("/api/matrix")).raise_for_status()  # build the cached view once
    t0 = time.perf_counter()
    stop = t0 + duration
    await asyncio.gather(*(client(base, stop, n, lat, errors) for n in range(clients)))
    return len(lat), lat, errors, time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", help="running server (loopback only); default: serve --db here")
    ap.add_argument("--db", type=Path, default=Path("redline.db"), help="store to serve (copied)")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--duration", type=float, default=20.0, help="seconds (at most 120)")
    args = ap.parse_args(argv)
    if not 1 <= args.clients <= 200:
        ap.error("--clients must be 1-200")
    if not 0 < args.duration <= 120:
        ap.error("--duration must be in (0, 120]")
    tmp = None
    proc: subprocess.Popen[bytes] | None = None
    if args.url:
        host = urlsplit(args.url).hostname
        if host not in ("127.0.0.1", "localhost", "::1"):
            ap.error("load tests run against 127.0.0.1 only")
        base = args.url.rstrip("/")
    else:
        base, proc, tmp = start_server(args.db)
    n, lat, errors, elapsed = asyncio.run(run(base, args.clients, args.duration))
    lat.sort()
    pct = (lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000) if lat else (lambda q: 0.0)
    print(f"{args.clients} clients x {args.duration:g} s against {base}")
    print(f"requests: {n}  ({n / elapsed:.1f} req/s)  errors: {len(errors)}")
    if lat:
        print(f"latency ms: p50 {pct(0.5):.1f}  p95 {pct(0.95):.1f}  p99 {pct(0.99):.1f}  "
              f"mean {statistics.fmean(lat) * 1000:.1f}")
    for e in sorted(set(errors))[:10]:
        print("  error:", e)
    if proc is not None and tmp is not None:
        proc.terminate()
        proc.wait(timeout=10)
        tmp.cleanup()
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
