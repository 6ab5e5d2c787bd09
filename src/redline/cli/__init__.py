"""The ``redline`` command: a thin layer over the library. Each area registers its commands."""

from __future__ import annotations

import typer

from redline.cli import analysis_cmds, demo_cmds, extract_cmds, ingest_cmds, pack_cmds, try_cmd, web_cmds

app = typer.Typer(
    name="redline",
    help="Follow negotiations through the news: who said what, red lines, zones of agreement, forecasts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for module in (demo_cmds, ingest_cmds, pack_cmds, try_cmd, extract_cmds, analysis_cmds, web_cmds):
    module.register(app)


def main() -> None:
    app()
