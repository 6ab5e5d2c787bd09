"""Shared CLI plumbing: options, the console, and one-line errors for user mistakes."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console

console = Console()
err_console = Console(stderr=True)

DB_ENV = "REDLINE_DB"
DEFAULT_DB = "redline.db"


def db_path(option: Path | None) -> Path:
    """--db wins, then $REDLINE_DB, then ./redline.db."""
    if option is not None:
        return option
    env = os.environ.get(DB_ENV)
    return Path(env) if env else Path(DEFAULT_DB)


DbOption = typer.Option(None, "--db", help=f"SQLite store (default: ${DB_ENV} or ./{DEFAULT_DB})")
PackOption = typer.Option(None, "--pack", help="negotiation pack YAML (default: the bundled russia-ukraine)")


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one clear line and exit non-zero: no traceback for user mistakes."""
    from rich.markup import escape

    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)
