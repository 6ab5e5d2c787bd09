"""`redline pack show`, `validate`, `check` and `migrate`: look at, check and upgrade negotiation packs."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import typer
from rich.markup import escape
from rich.table import Table

from redline.cli.common import console, err_console
from redline.pack import Pack, PackError, default_pack_path, load_pack

pack_app = typer.Typer(help="Negotiation packs: parties, people, issues.", no_args_is_help=True)


def die(message: str, code: int = 1) -> NoReturn:
    """One line on stderr, never wrapped, then exit non-zero (no traceback for user mistakes)."""
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _load(path: Path | None) -> Pack:
    """Load a pack, or print each problem on its own line (file: place in file: problem) and exit 1."""
    try:
        return load_pack(path)
    except PackError as exc:
        lines = str(exc).splitlines() or ["invalid pack"]
        for line in lines[:-1]:
            err_console.print(f"[bold red]error:[/] {escape(line)}", highlight=False, soft_wrap=True)
        die(lines[-1])


@pack_app.command("show")
def show_cmd(
    file: Path | None = typer.Argument(None, help="pack YAML (default: the bundled pack)"),
) -> None:
    """Summarise a pack: its parties, people and issues."""
    pack = _load(file)
    console.print(
        f"[bold]{escape(pack.name)}[/] ({escape(pack.id)}, version {pack.version})", highlight=False
    )
    if pack.description:
        console.print(escape(pack.description.strip()), highlight=False)

    parties = Table(title=f"{len(pack.parties)} parties", title_justify="left")
    for col in ("id", "name", "kind", "aliases"):
        parties.add_column(col, overflow="fold")
    for p in pack.parties:
        parties.add_row(escape(p.id), escape(p.name), escape(p.kind), escape(", ".join(p.aliases)))
    console.print(parties)

    people = Table(title=f"{len(pack.people)} people", title_justify="left")
    for col in ("name", "kind", "party", "roles"):
        people.add_column(col, overflow="fold")
    for person in pack.people:
        roles = "; ".join(
            r.title
            + (f" ({r.party})" if r.party else "")
            + (f" {r.start or ''}..{r.end or ''}" if r.start or r.end else "")
            for r in person.roles
        )
        people.add_row(escape(person.name), escape(person.kind), escape(person.party or ""), escape(roles))
    console.print(people)

    issues = Table(title=f"{len(pack.issues)} issues", title_justify="left")
    for col in ("id", "track", "proposition", "scale (favor from *, status quo =)"):
        issues.add_column(col, overflow="fold")
    for issue in pack.issues:
        scale = " < ".join(
            o.id + ("*" if o.id == issue.favor_from else "") + ("=" if o.id == issue.status_quo else "")
            for o in issue.scale
        )
        issues.add_row(escape(issue.id), escape(issue.track), escape(issue.proposition), escape(scale))
    console.print(issues)


@pack_app.command("validate")
def validate_cmd(file: Path = typer.Argument(..., help="pack YAML to check")) -> None:
    """Check a pack file: prints OK, or each problem with the file and the place in it (exit 1)."""
    pack = _load(file)
    console.print(
        f"OK: {escape(str(file))}: pack {escape(pack.id)} with {len(pack.parties)} parties, "
        f"{len(pack.people)} people, {len(pack.issues)} issues",
        highlight=False,
    )


@pack_app.command("check")
def check_cmd(
    file: Path | None = typer.Argument(None, help="pack YAML to check (default: the bundled pack)"),
) -> None:
    """Find what validates but cannot work (shared aliases, everyday words, issues nothing finds, regexes
    that never fire or flip a stance twice, ...): one warning a line with its fix; exit 1 when any."""
    from redline.pack.check import check_text

    path = file
    if path is None:
        try:
            path = default_pack_path()
        except PackError as exc:
            die(str(exc))
    pack = _load(path)
    result = check_text(pack, path.read_text(encoding="utf-8"))
    for w in result.warnings:
        console.print(
            f"warning: {escape(w.where)}: {escape(w.message)} {escape(f'[{w.code}]')} -- fix: {escape(w.hint)}",
            highlight=False,
            soft_wrap=True,
        )
    for a in result.unused:
        console.print(
            f"note: line {a.line}: '# check: accept {escape(a.code)} {escape(a.subject)}' accepts no warning "
            "(stale: remove it)",
            highlight=False,
            soft_wrap=True,
        )
    accepted = f", {len(result.accepted)} accepted in comments" if result.accepted else ""
    if result.warnings:
        console.print(f"{len(result.warnings)} warning(s){accepted}: {escape(str(path))}", highlight=False,
                      soft_wrap=True)
        raise typer.Exit(1)
    console.print(f"OK: {escape(str(path))}: no warnings{accepted}", highlight=False, soft_wrap=True)


@pack_app.command("migrate")
def migrate_cmd(
    file: Path = typer.Argument(..., help="an older pack YAML (regex triggers, no keywords)"),
    out: Path | None = typer.Option(None, "--out", "-o", help="write here (default: standard output)"),
) -> None:
    """Write a pack in the current form: keywords derived from the trigger regexes (which are kept),
    empty description and examples to fill in, and a header comment explaining the new fields."""
    from redline.pack.migrate import MigrationError, migrate_file

    try:
        result = migrate_file(file)
    except MigrationError as exc:
        lines = str(exc).splitlines() or ["cannot migrate"]
        for line in lines[:-1]:
            err_console.print(f"[bold red]error:[/] {escape(line)}", highlight=False, soft_wrap=True)
        die(lines[-1])
    for note in result.notes:
        err_console.print(f"note: {escape(note)}", highlight=False, soft_wrap=True)
    if out is None:
        print(result.text, end="")
        return
    try:
        out.write_text(result.text, encoding="utf-8")
    except OSError as exc:
        die(f"{out}: cannot write: {exc.strerror or exc}")
    err_console.print(f"wrote {escape(str(out))}: check it with `redline pack check {escape(str(out))}`",
                      highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the app."""
    app.add_typer(pack_app, name="pack")
