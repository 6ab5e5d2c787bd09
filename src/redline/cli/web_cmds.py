"""`redline report` (one offline HTML file) and `redline serve` (the local web app)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from redline.cli.common import DbOption, PackOption, console, db_path, err_console
from redline.cli.extract_cmds import load_pack_or_die
from redline.cli.ingest_cmds import die, open_store


def report_cmd(
    db: Path | None = DbOption,
    pack_file: Path | None = PackOption,
    out: Path | None = typer.Option(
        None, "--out", "-o", help="HTML file to write (default: standard output)"
    ),
) -> None:
    """Write one self-contained HTML report (opens offline: inline CSS and SVG, no script)."""
    from redline.report import render_report

    pack = load_pack_or_die(pack_file)
    with open_store(db, must_exist=True) as store:
        html = render_report(store, pack)
    if out is None:
        sys.stdout.write(html)
        return
    try:
        out.write_text(html, encoding="utf-8")
    except OSError as exc:
        die(f"{out}: cannot write report: {exc.strerror or exc}")
    err_console.print(f"report written to {out}", highlight=False)


def serve_cmd(
    db: Path | None = DbOption,
    pack_file: Path | None = PackOption,
    host: str = typer.Option("127.0.0.1", "--host", help="address to bind (default: loopback only)"),
    port: int = typer.Option(8000, "--port", help="TCP port"),
) -> None:
    """Serve the dashboard, documents, review, deal tester, ingest and the JSON API."""
    import uvicorn

    from redline.web.app import create_app
    from redline.web.security import ensure_token

    pack = load_pack_or_die(pack_file)
    path = db_path(db)
    open_store(db).close()  # create / migrate it now, with a clear error
    token, created = ensure_token(path)
    if created:
        console.print(
            f"write token (stored in {path.name}.token, shown once): [bold]{token}[/]", highlight=False
        )
    if host not in ("127.0.0.1", "localhost", "::1"):
        err_console.print(
            f"[yellow]warning:[/] serving on {host}: reachable from other machines", highlight=False
        )
    app = create_app(path, pack, pack_path=pack_file)
    console.print(f"serving on http://{host}:{port}/", highlight=False)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    """Add this area's commands to the app."""
    app.command("report")(report_cmd)
    app.command("serve")(serve_cmd)
