"""`redline extract`: ingest what is not stored yet, extract positions, print them."""

from __future__ import annotations

import json
import sys
from contextlib import nullcontext
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from redline.cli.common import DbOption, PackOption, console, err_console
from redline.cli.ingest_cmds import EXIT_SKIPPED, die, open_store
from redline.ingest import ingest as run_ingest
from redline.pack import Pack, PackError, load_pack
from redline.store import StoreError
from redline.types import Position

STANCE_STYLE = {"favor": "green", "against": "red", "conditional": "yellow"}


def load_pack_or_die(path: Path | None) -> Pack:
    try:
        return load_pack(path)
    except PackError as exc:
        die(str(exc).splitlines()[0] + (" (and more; run `redline pack validate`)" if "\n" in str(exc) else ""))


def position_table(positions: list[Position], title: str = "") -> Table:
    """The people's view: party, speaker, issue, stance, red line, short evidence."""
    table = Table(title=title or f"{len(positions)} positions", title_justify="left", expand=True)
    for col in ("doc", "party", "speaker", "issue", "stance", "red line", "kind", "when", "evidence"):
        table.add_column(col, overflow="ellipsis" if col == "evidence" else "fold", no_wrap=col == "evidence",
                         ratio=4 if col == "evidence" else None, min_width={"doc": 3, "issue": 12}.get(col))
    for p in positions:
        style = STANCE_STYLE.get(p.stance, "")
        stance = p.stance + (f" ({p.condition})" if p.condition else "")
        ev = p.evidence.text if len(p.evidence.text) <= 90 else p.evidence.text[:87] + "…"
        table.add_row(
            escape(p.doc[:3] if p.doc[:3].isdigit() else p.doc[:14]), p.party, escape(p.speaker or "—"), p.issue,
            f"[{style}]{stance}[/]",
            "[bold red]●[/]" if p.red_line else "", p.kind, (p.when or "") + (" (past)" if p.historical else ""),
            escape(ev),
        )
    return table


def extract_cmd(
    inputs: list[str] = typer.Argument(..., metavar="PATH|URL|-...", help="files, directories, URLs, - for stdin"),
    pack_file: Path | None = PackOption,
    fmt: str = typer.Option("table", "--format", "-f", help="jsonl (one position a line) or table"),
    db: Path | None = DbOption,
    force: bool = typer.Option(False, "--force", help="re-extract documents already extracted"),
    allow_private: bool = typer.Option(False, "--allow-private", help="allow fetching from private addresses"),
) -> None:
    """Extract who said what: positions of parties on the pack's issues, with evidence offsets."""
    if fmt not in ("jsonl", "table"):
        die(f"unknown format {fmt!r}: use jsonl or table")
    from redline.extract import run_extract  # spaCy loads only for the commands that parse
    pack = load_pack_or_die(pack_file)
    with open_store(db) as store:
        try:
            summary = run_ingest(inputs, store, allow_private=allow_private)
            with console.status("extracting", spinner="dots") if fmt == "table" and console.is_terminal \
                    else nullcontext():
                result = run_extract(store, summary.doc_ids, pack, force=force)
        except StoreError as exc:
            die(str(exc))
    positions = sorted(result.positions, key=lambda p: (p.doc, p.evidence.start, p.party, p.issue))
    for problem in [*summary.problems, *result.problems]:
        err_console.print(f"[yellow]skipped[/] {escape(problem.source)}: {escape(problem.reason)}",
                          highlight=False, soft_wrap=True)
    if fmt == "jsonl":
        out = sys.stdout
        for p in positions:
            out.write(json.dumps(p.to_json(), ensure_ascii=False) + "\n")
        out.flush()
    else:
        console.print(position_table(positions, f"{len(positions)} positions in {result.documents} documents"))
    if summary.problems or result.problems:
        raise typer.Exit(EXIT_SKIPPED)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the app."""
    app.command("extract")(extract_cmd)
