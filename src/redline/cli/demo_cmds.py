"""`redline demo`: the main job on the bundled sample corpus, end to end."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.rule import Rule

from redline.cli import analysis_cmds, web_cmds
from redline.cli.common import DbOption, PackOption, console
from redline.cli.extract_cmds import load_pack_or_die, position_table
from redline.cli.ingest_cmds import open_store, print_summary
from redline.ingest import ingest, sample_corpus_paths


def demo_cmd(db: Path | None = DbOption, pack_file: Path | None = PackOption) -> None:
    """Ingest the bundled sample corpus (five news articles) and extract who said what."""
    from redline.extract import run_extract  # spaCy loads only for the commands that parse

    pack = load_pack_or_die(pack_file)
    with open_store(db) as store:
        console.print(Rule(f"redline demo — pack {pack.name}"))
        console.print(f"store: [bold]{store.path}[/]", highlight=False)
        summary = ingest([str(p) for p in sample_corpus_paths()], store)
        console.print(Rule("ingest"))
        print_summary(summary)
        result = run_extract(store, summary.doc_ids, pack)
        console.print(Rule("extract"))
        positions = sorted(result.positions, key=lambda p: (p.doc, p.evidence.start, p.party, p.issue))
        console.print(position_table(positions, f"{len(positions)} positions in {result.documents} documents"))
        db_file = store.path
    console.print(Rule("positions (party x issue)"))
    analysis_cmds.positions(db=db_file, pack=pack_file, party=None, issue=None, analyst=None, jsonl=None, fmt="table")
    console.print(Rule("zone of possible agreement"))
    analysis_cmds.zopa(db=db_file, pack=pack_file, analyst=None, jsonl=None, top=3, diversity=1, time_limit=20.0,
                       fmt="table")
    console.print(Rule("forecasts"))
    analysis_cmds.forecast(db=db_file, pack=pack_file, analyst=None, jsonl=None, issue=None, model_names=None,
                           trace=False, fmt="table")
    console.print(Rule("report"))
    report = Path(db_file).with_suffix(".html")
    web_cmds.report_cmd(db=db_file, pack_file=pack_file, out=report)
    console.print(f"HTML report: [bold]{report.resolve()}[/] (open it in a browser; it works offline)", highlight=False)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo_cmd)
