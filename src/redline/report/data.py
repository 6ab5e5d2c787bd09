"""Everything the report and the web dashboard show, computed once from the store and the pack."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from redline.model.positions import PositionsModel, build_model, parse_when
from redline.pack.schema import Pack
from redline.report.svg import ForecastRow, TimelinePoint, forecast_svg, timeline_svg
from redline.store import Store
from redline.types import Document, Position
from redline.web.reviews import ReviewBook, ReviewedPosition, apply_reviews

FORECAST_MODELS = ("compromise", "nash", "median", "mean", "pce", "bdm")


def ev_anchor(pos: Position) -> str:
    """The id of a statement's evidence inside its document's section."""
    return f"ev-{pos.doc_id}-{pos.evidence.start}-{pos.evidence.end}"


def cell_anchor(party: str, issue: str) -> str:
    return f"cell-{party}-{issue}"


@dataclass
class Segment:
    text: str
    marked: bool
    anchors: list[str]
    title: str = ""


def highlight(text: str, positions: list[Position]) -> list[Segment]:
    """Split a text into plain and evidence segments; each evidence start carries its anchor id."""
    spans = sorted({
        (p.evidence.start, p.evidence.end)
        for p in positions
        if 0 <= p.evidence.start < p.evidence.end <= len(text)
    })
    labels: dict[tuple[int, int], list[str]] = defaultdict(list)
    for p in positions:
        labels[(p.evidence.start, p.evidence.end)].append(f"{p.party}/{p.issue}: {p.stance}")
    bounds = sorted({0, len(text)} | {b for s in spans for b in s})
    out: list[Segment] = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        if a == b:
            continue
        covering = [s for s in spans if s[0] <= a and b <= s[1]]
        anchors = [f"{s[0]}-{s[1]}" for s in spans if s[0] == a]
        title = "; ".join(t for s in covering for t in labels[s])
        out.append(Segment(text[a:b], bool(covering), anchors, title))
    return out


@dataclass
class View:
    pack: Pack
    documents: list[Document]
    reviewed: list[ReviewedPosition]
    positions: list[Position]  # reviewed, rejected ones left out: what the model reads
    model: PositionsModel
    outlets: list[tuple[str, int, int]] = field(default_factory=list)  # outlet, documents, positions
    period: tuple[str | None, str | None] = (None, None)
    zopa: Any = None
    zopa_error: str | None = None
    red_lines: list[Any] = field(default_factory=list)
    forecast_rows: list[ForecastRow] = field(default_factory=list)
    forecast_models: list[str] = field(default_factory=list)
    forecast_error: str | None = None

    def doc(self, doc_id: int | None) -> Document | None:
        for d in self.documents:
            if d.id == doc_id:
                return d
        return None

    def party_name(self, pid: str) -> str:
        try:
            return self.pack.party(pid).name
        except KeyError:
            return pid

    def issue_name(self, iid: str) -> str:
        try:
            return self.pack.issue(iid).name
        except KeyError:
            return iid

    def cell_statements(self, party: str, issue: str) -> list[Position]:
        return [p for p in self.positions if p.party == party and p.issue == issue]

    def doc_segments(self, doc: Document) -> list[Segment]:
        return highlight(doc.text, [p for p in self.positions if p.doc_id == doc.id])

    def timelines(self, href: Callable[[Position], str] | None = None) -> list[tuple[str, str, Markup]]:
        """(issue id, issue name, SVG) per issue that has statements; ``href``: a statement's link."""
        link = href or (lambda p: "#" + ev_anchor(p))
        order = {d.id: n for n, d in enumerate(self.documents)}
        out = []
        for iid in self.model.issues:
            pts = []
            for p in self.positions:
                if p.issue != iid:
                    continue
                when = parse_when(p.when, p.doc_date) or parse_when(p.doc_date)
                key = (0, when.ordinal) if when else (1, order.get(p.doc_id, 0))
                xl = when.iso if when else f"doc {order.get(p.doc_id, 0) + 1}"
                who = p.speaker or p.outlet or p.doc
                rl = " (red line)" if p.red_line else ""
                label = f"{p.party} {p.stance}{rl} - {who}, {xl}: {p.evidence.text}"
                pts.append(TimelinePoint(p.party, p.stance, p.red_line, label[:300],
                                         link(p), key, xl))
            if pts:
                name = self.issue_name(iid)
                out.append((iid, name, timeline_svg(name, self.model.parties, pts)))
        return out

    def forecast_chart(self) -> Markup:
        return forecast_svg(self.forecast_rows, self.forecast_models)


def load_documents(store: Store) -> list[Document]:
    return store.documents(include_text=True)


def build_view(
    store: Store,
    pack: Pack,
    book: ReviewBook | None = None,
    *,
    zopa: bool = True,
    forecasts: bool = True,
    zopa_seconds: float = 5.0,
) -> View:
    docs = load_documents(store)
    hashes = {d.id: d.content_hash for d in docs if d.id is not None}
    reviewed = apply_reviews(store.positions(), hashes, book)
    positions = [r.position for r in reviewed if not r.rejected]
    model = build_model(positions, pack, documents=docs)
    view = View(pack=pack, documents=docs, reviewed=reviewed, positions=positions, model=model)
    doc_counts = Counter(d.outlet or "(no outlet)" for d in docs)
    pos_counts = Counter(p.outlet or "(no outlet)" for p in positions)
    view.outlets = sorted(
        ((o, doc_counts[o], pos_counts.get(o, 0)) for o in doc_counts), key=lambda t: (-t[1], t[0])
    )
    dates = sorted(d.date for d in docs if d.date)
    view.period = (dates[0], dates[-1]) if dates else (None, None)
    if zopa:
        _add_zopa(view, zopa_seconds)
    if forecasts:
        _add_forecasts(view)
    return view


def _add_zopa(view: View, seconds: float) -> None:
    try:
        from redline.analysis.constraints import red_lines
        from redline.analysis.zopa import find_zopa
    except ImportError as exc:  # the analysis stage is not there yet
        view.zopa_error = f"not available ({exc})"
        return
    try:
        view.red_lines = red_lines(view.model, view.pack)
        if view.model.parties:
            view.zopa = find_zopa(view.model, view.pack, top=3, time_limit=seconds)
    except Exception as exc:  # noqa: BLE001 - the report must render even where the analysis fails
        view.zopa_error = f"not available ({type(exc).__name__}: {exc})"


def _add_forecasts(view: View) -> None:
    try:
        from redline.model.forecast import MODELS, Actor
    except ImportError as exc:
        view.forecast_error = f"not available ({exc})"
        return
    models = [m for m in FORECAST_MODELS if m in MODELS]
    view.forecast_models = models
    for iid in view.model.issues:
        cells = [c for c in view.model.for_issue(iid) if c.value is not None]
        if not cells:
            continue
        actors = [
            Actor(
                c.party, float(c.value or 0.0), max(float(c.salience), 1.0), view.model.capability_of(c.party)
            )
            for c in cells
        ]
        results: list[tuple[str, float | None]] = []
        for m in models:
            try:
                results.append((m, float(MODELS[m](actors).value)))
            except Exception:  # noqa: BLE001 - one failing model leaves a gap, not a broken report
                results.append((m, None))
        view.forecast_rows.append(
            ForecastRow(iid, view.issue_name(iid), [(c.party, float(c.value or 0.0)) for c in cells], results)
        )
