"""redline.report: one self-contained HTML file (inline CSS, inline SVG, no script, opens offline)."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from redline.pack.schema import Pack
from redline.report.data import View, build_view, cell_anchor, ev_anchor
from redline.store import Store
from redline.web.reviews import ReviewBook

__all__ = ["View", "build_view", "render_report", "report_css", "templates_dir"]


def templates_dir() -> Path:
    return Path(str(resources.files("redline.report") / "templates"))


def report_css() -> str:
    return (templates_dir() / "style.css").read_text(encoding="utf-8")


def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates_dir())),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=False,
    )
    env.globals.update(cell_anchor=cell_anchor, ev_anchor=ev_anchor)
    return env


def render_report(
    store: Store, pack: Pack, book: ReviewBook | None = None, *, zopa_seconds: float = 5.0
) -> str:
    """The whole report as one HTML string, with the analysts' reviews in the store applied."""
    if book is None:
        book = ReviewBook(store)
    view = build_view(store, pack, book, zopa_seconds=zopa_seconds)
    template = _env().get_template("report.html.j2")
    return template.render(
        v=view,
        css=Markup(report_css()),
        rejected=sum(1 for r in view.reviewed if r.rejected),
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )
