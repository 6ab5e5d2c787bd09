"""`redline ingest` and `redline docs`: read articles into the store, list what is stored."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from redline.cli.common import DbOption, console, db_path, err_console
from redline.ingest import ingest as run_ingest
from redline.store import Store, StoreError
from redline.types import IngestSummary

EXIT_SKIPPED = 2  # the batch finished, but some inputs were skipped


def die(message: str, code: int = 1) -> NoReturn:
    """One line on stderr, never wrapped, then exit non-zero (no traceback for user mistakes)."""
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def print_summary(summary: IngestSummary, out: Console | None = None) -> None:
    """The run summary: documents, outlets, duplicates (linked), already stored, errors."""
    out = out or console
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column()
    dup = f" ({summary.duplicates} linked as duplicates of an earlier copy)" if summary.duplicates else ""
    grid.add_row("documents", f"{summary.documents} new{dup}")
    grid.add_row("already stored", str(summary.already_stored))
    grid.add_row(
        "outlets", escape(", ".join(summary.outlets)) if summary.outlets else "[dim](none stated)[/]"
    )
    for copy, first in summary.duplicate_links:
        grid.add_row("duplicate", f"{escape(copy)} [dim]-> copy of[/] {escape(first)}")
    style = "red" if summary.problems else "green"
    grid.add_row("errors", f"[{style}]{len(summary.problems)}[/]")
    out.print(grid)
    for p in summary.problems:
        out.print(f"  [red]{escape(p.source)}[/]: {escape(p.reason)}", highlight=False, soft_wrap=True)


def open_store(db: Path | None, *, must_exist: bool = False) -> Store:
    """Open the store named by --db / $REDLINE_DB, or exit with one clear line."""
    path = db_path(db)
    if must_exist and not path.exists():
        die(f"no database at {path} (run `redline ingest` first, or pass --db)")
    try:
        return Store(path)
    except StoreError as exc:
        die(str(exc))


def ingest_cmd(
    inputs: list[str] = typer.Argument(
        ..., metavar="PATH|URL|-...", help="files, directories, URLs, - for stdin"
    ),
    db: Path | None = DbOption,
    outlet: str | None = typer.Option(None, "--outlet", help="outlet for documents whose source names none"),
    date: str | None = typer.Option(
        None, "--date", help="YYYY-MM-DD for documents whose source gives no date"
    ),
    allow_private: bool = typer.Option(
        False, "--allow-private", help="allow fetching from loopback, private and link-local addresses"
    ),
    fetch: bool = typer.Option(True, "--fetch/--no-fetch", help="fetch URLs and feed entries that only link"),
) -> None:
    """Ingest news articles: text, Markdown, HTML, JSONL, RSS/Atom feeds, URLs, stdin.

    Bad inputs are reported and skipped; the exit code is 2 when anything was skipped.
    """
    from redline.ingest import parse_cli_date

    try:
        date = parse_cli_date(date) if date else None
    except ValueError as exc:
        die(str(exc))
    with open_store(db) as store:
        with Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err_console,
            transient=True,
            disable=not err_console.is_terminal,
        ) as bar:
            task = bar.add_task("ingesting", total=None)

            def progress(done: int, total: int, label: str) -> None:
                bar.update(task, completed=done, total=total, description=escape(Path(label).name or label))

            try:
                summary = run_ingest(
                    inputs,
                    store,
                    outlet=outlet,
                    date=date,
                    allow_private=allow_private,
                    fetch=fetch,
                    progress=progress,
                )
            except StoreError as exc:
                die(str(exc))
        console.print(f"Ingested into [bold]{escape(str(store.path))}[/]", highlight=False)
        print_summary(summary)
    if summary.problems:
        raise typer.Exit(EXIT_SKIPPED)


def docs_cmd(db: Path | None = DbOption) -> None:
    """List the stored documents."""
    with open_store(db, must_exist=True) as store:
        docs = store.documents()
    table = Table(title=f"{len(docs)} documents", title_justify="left")
    for col in ("id", "name", "outlet", "date", "duplicate-of", "title"):
        table.add_column(col, overflow="fold", justify="right" if col in ("id", "duplicate-of") else "left")
    for d in docs:
        table.add_row(
            str(d.id),
            escape(d.name),
            escape(d.outlet or ""),
            d.date or "",
            str(d.duplicate_of) if d.duplicate_of is not None else "",
            escape(d.title or ""),
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the app."""
    app.command("ingest")(ingest_cmd)
    app.command("docs")(docs_cmd)
