"""Analysis commands: ``positions``, ``evaluate``, ``zopa``, ``forecast``.

The library (:mod:`redline.model.positions`, :mod:`redline.analysis`) computes; this module only
loads the inputs and formats the results (rich tables, or ``--format json``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from redline.cli.common import DbOption, PackOption, console, db_path, fail
from redline.model.overrides import AnalystPositions, OverridesError, load_overrides
from redline.model.positions import PartyIssuePosition, PositionsModel, build_model
from redline.pack import Pack, PackError, load_pack
from redline.types import Document, Position

AnalystOption = typer.Option(
    None, "--positions", help="analyst positions YAML: per party and issue, overrides what extraction found"
)
JsonlOption = typer.Option(
    None,
    "--jsonl",
    help="read positions from a JSONL file (`redline extract --format jsonl`) instead of the store",
)
FormatOption = typer.Option("table", "--format", help="table | json")

SYMBOL = {"favor": "+", "against": "−", "conditional": "±", None: "·"}


# --------------------------------------------------------------------------------------------
# inputs
# --------------------------------------------------------------------------------------------


def _format(fmt: str) -> str:
    if fmt not in ("table", "json"):
        fail(f"--format must be table or json, not {fmt!r}")
    return fmt


def _pack(path: Path | None) -> Pack:
    try:
        return load_pack(path)
    except PackError as exc:
        fail(str(exc))


def _overrides(path: Path | None, pack: Pack) -> AnalystPositions | None:
    if path is None:
        return None
    try:
        return load_overrides(path, pack)
    except OverridesError as exc:
        fail(str(exc))


def _read_jsonl(path: Path) -> list[Position]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"{path}: cannot read positions: {exc}")
    out = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
            out.append(Position.from_json(data))
        except (ValueError, KeyError, TypeError) as exc:
            fail(f"{path}:{n}: not a position record: {exc}")
    return out


def _inputs(db: Path | None, jsonl: Path | None) -> tuple[list[Position], list[Document] | None, str]:
    if jsonl is not None:
        return _read_jsonl(jsonl), None, str(jsonl)
    path = db_path(db)
    if not path.exists():
        fail(f"{path}: no store here; run `redline ingest` and `redline extract` first (or pass --db or --jsonl)")
    from redline.store import Store, StoreError

    try:
        with Store(path) as store:
            return store.positions(), store.documents(include_text=True), str(path)
    except StoreError as exc:
        fail(str(exc))


def _model(
    db: Path | None, pack_path: Path | None, analyst: Path | None, jsonl: Path | None
) -> tuple[Pack, PositionsModel]:
    pack = _pack(pack_path)
    overrides = _overrides(analyst, pack)
    positions, documents, where = _inputs(db, jsonl)
    if not positions and overrides is None:
        fail(f"{where}: no positions; run `redline extract` first (or give --positions)")
    return pack, build_model(positions, pack, overrides, documents)


def _emit_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _short(text: str, limit: int = 110) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------------------------
# positions
# --------------------------------------------------------------------------------------------


def _cell_text(c: PartyIssuePosition | None) -> str:
    if c is None:
        return ""
    if c.stance is None:
        return "[dim]hist.[/]"
    mark = SYMBOL[c.stance] + ("!" if c.red_line else "") + ("?" if c.contested else "") + ("*" if c.override else "")
    color = {"favor": "green", "against": "red", "conditional": "yellow"}[c.stance]
    cond = f" ⇐{','.join(c.conditions)}" if c.stance == "conditional" and c.conditions else ""
    return f"[{color}]{escape(mark)}[/] {c.salience:.0f}{escape(cond)}"


def _print_positions(model: PositionsModel, pack: Pack, party: str | None, issue: str | None) -> None:
    parties = [p for p in model.parties if party is None or p == party]
    issues = [i for i in model.issues if issue is None or i == issue]
    table = Table(title=f"Positions ({pack.id})")
    table.add_column("issue")
    for p in parties:
        table.add_column(p, justify="center")
    for i in issues:
        table.add_row(escape(i), *[_cell_text(model.cell(p, i)) for p in parties])
    console.print(table)
    console.print(f"[dim]{escape(_LEGEND)}[/]")
    if party is not None or issue is not None:
        for p in parties:
            for i in issues:
                c = model.cell(p, i)
                if c is None:
                    continue
                head = f"{p} on {i}: {c.stance or 'history only'}"
                if c.value is not None:
                    head += f" (scale {c.value:g}, ≈ {c.option})"
                if c.override:
                    head += f" [override: {', '.join(c.override_fields)}]"
                console.print(f"\n[bold]{escape(head)}[/]")
                for s in c.statements:
                    console.print(_statement_line(s))
                for s in c.history:
                    console.print("  [dim]history[/] " + _statement_line(s))
    sections: list[tuple[str, list[Any], Callable[[Any], list[Any]]]] = [
        ("Shifts", model.shifts(), lambda sh: sh.before[:1] + sh.after[:1]),
        ("Divergences inside a party", model.divergences(), lambda d: d.statements),
        ("Contradictions between sources", model.contradictions(), lambda x: []),
    ]
    for title, found, evidence in sections:
        chosen = [x for x in found if _sel(x.party, x.issue, party, issue)]
        if chosen:
            console.print(f"\n[bold]{title}[/]")
        for x in chosen:
            console.print(f"  {escape(_short(x.describe(), 300))}")
            for s in evidence(x):
                console.print("    " + _statement_line(s))
    if model.notes:
        console.print(f"\n[dim]{len(model.notes)} statement(s) skipped or adjusted; --format json lists them[/]")


_LEGEND = (
    "+ favor  − against  ± conditional (⇐ condition)  ! red line  ? contested  * analyst override  "
    "number: salience (0-100 within the party)"
)


def _sel(p: str | None, i: str, party: str | None, issue: str | None) -> bool:
    return (party is None or p is None or p == party) and (issue is None or i == issue)


def _statement_line(s: Any) -> str:
    who = f"{s.speaker}, " if s.speaker else ""
    when = f", {s.date}" if s.date else ""
    rl = " [bold red]red line[/]" if s.red_line else ""
    src = escape(who + s.doc + when)
    return f"  {SYMBOL.get(s.stance, '?')} «{escape(_short(s.quote))}» [dim]({src})[/]{rl}"


def positions(
    db: Path | None = DbOption,
    pack: Path | None = PackOption,
    party: str | None = typer.Option(None, "--party", help="show one party only"),
    issue: str | None = typer.Option(None, "--issue", help="show one issue only"),
    analyst: Path | None = AnalystOption,
    jsonl: Path | None = JsonlOption,
    fmt: str = FormatOption,
) -> None:
    """The party x issue matrix (stance, red lines, salience), then shifts, divergences, contradictions."""
    fmt = _format(fmt)
    p, model = _model(db, pack, analyst, jsonl)
    if party is not None and party not in p.party_ids:
        fail(f"--party {party!r}: not a party of pack {p.id} ({', '.join(p.party_ids)})")
    if issue is not None and issue not in p.issue_ids:
        fail(f"--issue {issue!r}: not an issue of pack {p.id} ({', '.join(p.issue_ids)})")
    if fmt == "json":
        data = model.to_dict()
        data["positions"] = [c for c in data["positions"] if _sel(c["party"], c["issue"], party, issue)]
        for key in ("shifts", "divergences", "contradictions"):
            data[key] = [x for x in data[key] if _sel(x.get("party"), x["issue"], party, issue)]
        _emit_json(data)
        return
    _print_positions(model, p, party, issue)


# --------------------------------------------------------------------------------------------
# evaluate
# --------------------------------------------------------------------------------------------


def evaluate(
    deal_file: Path = typer.Argument(..., metavar="DEAL.yaml", help="deal: one option id per issue"),
    db: Path | None = DbOption,
    pack: Path | None = PackOption,
    analyst: Path | None = AnalystOption,
    jsonl: Path | None = JsonlOption,
    fmt: str = FormatOption,
) -> None:
    """How each party would receive a deal: red lines crossed (with quotes), unmet conditions, utility."""
    from redline.analysis.deal import DealError, evaluate_deal, load_deal

    fmt = _format(fmt)
    p, model = _model(db, pack, analyst, jsonl)
    try:
        deal = load_deal(deal_file, p)
    except DealError as exc:
        fail(str(exc))
    ev = evaluate_deal(model, p, deal)
    if fmt == "json":
        _emit_json(ev.to_dict())
        return
    opts = ", ".join(f"{i} = {deal.options[i]}" for i in deal.specified) or "status quo everywhere"
    console.print(f"[bold]{escape(deal.name)}[/]: {escape(opts)} [dim](other issues at status quo)[/]")
    table = Table(title=f"Deal evaluation: {ev.verdict}")
    for col in ("party", "verdict", "utility", "status quo", "why"):
        table.add_column(col)
    color = {"accept": "green", "reject": "red", "conditional": "yellow"}
    for v in ev.parties:
        why = "; ".join(
            [f"red line {b.red_line.requirement}" for b in v.crossed]
            + [f"needs {c.condition} ≥ {c.required}" for c in v.unmet]
        )
        table.add_row(
            escape(v.party),
            f"[{color[v.verdict]}]{v.verdict}[/]",
            f"{v.utility:.3f}",
            f"{v.status_quo_utility:.3f}",
            escape(why),
        )
    console.print(table)
    for v in ev.parties:
        for b in v.crossed:
            console.print(f"  [red]✗[/] {escape(b.describe())}")
        for c in v.unmet:
            console.print(f"  [yellow]?[/] {escape(c.describe())}: {escape(c.source_text())}")
    console.print(f"\nNash product of utilities: {ev.nash_product:.4g}")
    if ev.blockers:
        console.print(f"[bold red]Blocked by {', '.join(ev.blockers)}[/]")
    else:
        console.print("[bold green]No party's red line is crossed.[/]")


# --------------------------------------------------------------------------------------------
# zopa
# --------------------------------------------------------------------------------------------


def zopa(
    db: Path | None = DbOption,
    pack: Path | None = PackOption,
    analyst: Path | None = AnalystOption,
    jsonl: Path | None = JsonlOption,
    top: int = typer.Option(5, "--top", min=1, help="how many packages to rank"),
    diversity: int = typer.Option(1, "--diversity", min=1, help="later packages differ in at least N issues"),
    time_limit: float = typer.Option(20.0, "--time-limit", min=0.1, help="seconds for the whole search"),
    fmt: str = FormatOption,
) -> None:
    """Zone of possible agreement: packages crossing no red line, ranked by Nash product; else why not."""
    from redline.analysis.zopa import find_zopa

    fmt = _format(fmt)
    p, model = _model(db, pack, analyst, jsonl)
    res = find_zopa(model, p, top=top, min_distance=diversity, time_limit=time_limit)
    if fmt == "json":
        _emit_json(res.to_dict())
        return
    console.print(f"[dim]{escape(res.ranking_rule)}[/]\n")
    for z in res.no_zone:
        console.print(f"[red]✗[/] {escape(z.describe())}")
    for z in res.agreements:
        console.print(f"[green]✓[/] {escape(z.describe())}")
    if res.no_zone or res.agreements:
        console.print()
    if res.feasible:
        _packages_table(res.packages, p, "ZOPA: best packages" + ("" if res.certified else " (not certified)"))
    else:
        console.print(
            f"[bold red]No zone of possible agreement.[/] Minimal conflict sets ({len(res.conflicts)}"
            + ("" if res.conflicts_complete else ", search stopped early")
            + "):"
        )
        for n, c in enumerate(res.conflicts, 1):
            console.print(f"  {n}. " + escape(c.describe()))
        if res.relaxed:
            console.print()
            _packages_table(res.relaxed, p, "Closest packages (fewest red lines crossed)")
            for pk in res.relaxed:
                crossed = ", ".join(f"{r.party}:{r.issue}" for r in pk.crossed)
                unmet = ", ".join(f"{c.party}:{c.issue}⇐{c.condition}" for c in pk.unmet)
                console.print(f"  #{pk.rank} crosses {crossed or 'nothing'}" + (f"; unmet {unmet}" if unmet else ""))
    console.print(
        f"\n[dim]{res.stats.get('issues_searched', 0)} issues, {res.stats.get('space', 0):,} packages, "
        f"{res.stats.get('solves', 0)} CP-SAT solves, {res.stats.get('seconds', 0):.3f}s[/]"
    )


def _packages_table(packages: list[Any], pack: Pack, title: str) -> None:
    table = Table(title=title)
    table.add_column("issue")
    table.add_column("status quo", style="dim")
    for pk in packages:
        table.add_column(f"#{pk.rank}")
    changed = [i.id for i in pack.issues if any(i.id in pk.changed for pk in packages)]
    for iid in changed:
        sq = pack.issue(iid).status_quo
        table.add_row(
            escape(iid),
            escape(sq),
            *[escape(pk.options[iid]) if pk.options[iid] != sq else "·" for pk in packages],
        )
    parties = list(packages[0].utilities) if packages else []
    for party in parties:
        table.add_row(f"[bold]u({escape(party)})[/]", "", *[f"{pk.utilities[party]:.3f}" for pk in packages])
    table.add_row("[bold]Nash product[/]", "", *[f"{pk.nash_product:.4g}" for pk in packages])
    console.print(table)


# --------------------------------------------------------------------------------------------
# forecast
# --------------------------------------------------------------------------------------------


def forecast(
    db: Path | None = DbOption,
    pack: Path | None = PackOption,
    analyst: Path | None = AnalystOption,
    jsonl: Path | None = JsonlOption,
    issue: str | None = typer.Option(None, "--issue", help="forecast one issue only"),
    model_names: list[str] | None = typer.Option(None, "--model", help="model name (repeatable; default: all)"),
    trace: bool = typer.Option(False, "--trace", help="print the BDM model round by round"),
    fmt: str = FormatOption,
) -> None:
    """Per issue, each bargaining model's forecast on the 0-100 scale and the nearest scale option."""
    from redline.analysis.forecasts import forecast_issues

    fmt = _format(fmt)
    p, model = _model(db, pack, analyst, jsonl)
    if issue is not None and issue not in p.issue_ids:
        fail(f"--issue {issue!r}: not an issue of pack {p.id} ({', '.join(p.issue_ids)})")
    try:
        results = forecast_issues(model, p, models=model_names or None, issues=[issue] if issue else None)
    except ValueError as exc:
        fail(str(exc))
    if fmt == "json":
        _emit_json([r.to_dict(trace=trace) for r in results])
        return
    if not results:
        console.print("no issue has a current position to forecast")
        return
    table = Table(title=f"Forecasts ({p.id}): value on the 0-100 scale → nearest scale option")
    for col in ("issue", "model", "value", "option"):
        table.add_column(col, justify="right" if col == "value" else "left")
    for r in results:
        actors = ", ".join(f"{a.name} {a.position:g}/{a.salience:.0f}" for a in r.actors)
        for n, f in enumerate(r.forecasts):
            first = n == 0
            table.add_row(
                f"[bold]{escape(r.issue)}[/]" if first else (f"[dim]{escape(actors)}[/]" if n == 1 else ""),
                escape(f.model),
                "—" if f.value is None else f"{f.value:.1f}",
                escape(f.option or f.error or ""),
                end_section=n == len(r.forecasts) - 1,
            )
    console.print(table)
    if trace:
        for r in results:
            try:
                bdm = r.by_model("bdm")
            except KeyError:
                continue
            _print_trace(r.issue, bdm.trace)


def _print_trace(issue: str, trace: list[dict[str, Any]] | None) -> None:
    console.print(f"\n[bold]BDM on {escape(issue)}[/]")
    if not trace:
        console.print("  (no rounds: the actors agree, or a single actor)")
        return
    for entry in trace:
        rnd = entry.get("round", "?")
        positions = entry.get("positions") or {}
        pos = ", ".join(f"{k} {float(v):.1f}" for k, v in positions.items())
        line = f"  round {rnd}: median {float(entry.get('median', float('nan'))):.1f}"
        if "mean" in entry:
            line += f", mean {float(entry['mean']):.1f}"
        console.print(escape(line + (f" | {pos}" if pos else "")))
        for o in entry.get("offers") or []:
            console.print(
                escape(
                    f"      {o.get('proposer')} → {o.get('receiver')}: {o.get('type')} "
                    f"{float(o.get('from', 0)):.1f} → {float(o.get('to', 0)):.1f}"
                )
            )


def register(app: typer.Typer) -> None:
    """Add this area's commands to the app."""
    app.command("positions")(positions)
    app.command("evaluate")(evaluate)
    app.command("zopa")(zopa)
    app.command("forecast")(forecast)
