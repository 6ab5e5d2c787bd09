"""`redline report` (one offline HTML file) and `redline serve` (the local web app)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from redline.cli.common import DbOption, PackOption, err_console
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


def register(app: typer.Typer) -> None:
    """Add this area's commands to the app."""
    app.command("report")(report_cmd)
