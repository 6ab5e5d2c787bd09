"""`redline pack try FILE "a sentence"`: what redline reads in a text with a pack, and why."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from redline.cli.common import console
from redline.cli.pack_cmds import _load, pack_app


@pack_app.command("try")
def try_cmd(
    file: Path = typer.Argument(..., help="pack YAML (use the bundled pack's path for the default)"),
    text: str = typer.Argument(..., help="a sentence or short passage; '-' reads standard input"),
    show_all: bool = typer.Option(False, "--all", help="also list the pairs read as no stance"),
) -> None:
    """Show the holders, issues and stances redline reads in TEXT with the pack FILE, and why.

    Example: redline pack try my-pack.yaml "The union rejected the company's offer of a 20% raise."
    """
    from redline.extract import explain_text

    pack = _load(file)
    if text == "-":
        text = typer.get_text_stream("stdin").read()
    result = explain_text(text, pack)
    for sentence, issues in result.issues_by_sentence:
        names = ", ".join(issues) if issues else "no issue (no keyword or trigger of the pack in it)"
        console.print(f"[bold]sentence[/] {escape(sentence)}\n  issues raised by its words: {escape(names)}",
                      highlight=False, soft_wrap=True)
    if not result.readings:
        console.print("no (holder, issue) pair to read: the text names no party of the pack, or raises no issue",
                      highlight=False)
    for cand, reading in result.readings:
        if reading.label == "none" and not show_all:
            continue
        how = {"frame": "speaker of a reporting verb", "named": "named in the sentence",
               "carried": "carried over from the sentence before"}[cand.source]
        who = cand.speaker.name or cand.speaker.party or ""
        flags = [f for f in ("conditional", "red_line", "historical") if getattr(reading, f) >= 0.5]
        console.print(
            f"- {escape(cand.speaker.party or '')} ({escape(who)}, {how}) on {escape(cand.issue.id)}: "
            f"[bold]{reading.label}[/] (favor {reading.favor:.2f}, against {reading.against:.2f}, "
            f"none {reading.none:.2f}){' ' + ', '.join(flags) if flags else ''}",
            highlight=False, soft_wrap=True,
        )
    console.print(f"\n{len(result.positions)} position(s) kept:", highlight=False)
    for p in result.positions:
        console.print(f"  {escape(p.party)} {escape(p.issue)} {p.stance}{' red line' if p.red_line else ''}"
                      f"{' (speaker ' + escape(p.speaker) + ')' if p.speaker else ''} [{p.kind}]",
                      highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """The command lives on the pack sub-app (registered by pack_cmds); nothing more to add."""
