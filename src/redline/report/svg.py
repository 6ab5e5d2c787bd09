"""Inline SVG charts built in Python: no script, no external resource, every string escaped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

STANCE_COLOURS = {"favor": "#2e7d32", "against": "#c62828", "conditional": "#ef8f00"}
MODEL_COLOURS = ["#1565c0", "#6a1b9a", "#00838f", "#ad1457", "#558b2f", "#4e342e", "#37474f", "#f57f17"]


def _e(text: object) -> str:
    return escape(str(text), quote=True)


@dataclass
class TimelinePoint:
    party: str
    stance: str
    red_line: bool
    label: str  # tooltip: speaker, date, quote
    href: str  # same-page anchor ("#ev-..."), or a relative URL in the web app
    x_key: tuple[int, int]  # (0, date ordinal) for dated statements, (1, document order) otherwise
    x_label: str


def timeline_svg(issue_name: str, parties: Sequence[str], points: Sequence[TimelinePoint]) -> Markup:
    """One row per party; x = date where known, else document order (dated first, then undated)."""
    width, left, right, row_h, top = 760, 70, 20, 26, 24
    parties = [p for p in parties if any(pt.party == p for pt in points)]
    height = top + row_h * max(1, len(parties)) + 30
    keys = sorted({pt.x_key for pt in points})
    pos = {k: n for n, k in enumerate(keys)}
    span = max(1, len(keys) - 1)

    def xof(k: tuple[int, int]) -> float:
        return left + (width - left - right) * (pos[k] / span if len(keys) > 1 else 0.5)

    out = [
        f'<svg class="timeline" role="img" viewBox="0 0 {width} {height}" width="100%" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{_e("timeline: " + issue_name)}">'
    ]
    for n, party in enumerate(parties):
        y = top + row_h * n + row_h / 2
        out.append(f'<text x="4" y="{y + 4:.1f}" class="lbl">{_e(party)}</text>')
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" class="grid"/>')
    labels_done: set[tuple[int, int]] = set()
    axis_y = top + row_h * max(1, len(parties)) + 16
    stride = max(1, len(keys) // 8)
    for k in keys:
        if pos[k] % stride == 0 and k not in labels_done:
            labels_done.add(k)
            lab = next(pt.x_label for pt in points if pt.x_key == k)
            x = xof(k)
            anchor = "end" if x > width - right - 40 else "middle"  # the last date stays inside the chart
            out.append(f'<text x="{x:.1f}" y="{axis_y}" class="tick" text-anchor="{anchor}">{_e(lab)}</text>')
    seen: dict[tuple[str, tuple[int, int]], int] = {}
    for pt in points:
        if pt.party not in parties:
            continue
        n = parties.index(pt.party)
        stack = seen.get((pt.party, pt.x_key), 0)
        seen[(pt.party, pt.x_key)] = stack + 1
        x = xof(pt.x_key) + stack * 5
        y = top + row_h * n + row_h / 2
        colour = STANCE_COLOURS.get(pt.stance, "#777")
        ring = ' stroke="#000" stroke-width="2.5"' if pt.red_line else ' stroke="#fff" stroke-width="1"'
        out.append(
            f'<a href="{_e(pt.href)}"><circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="{colour}"{ring}>'
            f"<title>{_e(pt.label)}</title></circle></a>"
        )
    out.append("</svg>")
    return Markup("".join(out))


@dataclass
class ForecastRow:
    issue: str
    name: str
    positions: list[tuple[str, float]]  # party, position
    forecasts: list[tuple[str, float | None]]  # model, value (None: failed)


def forecast_svg(rows: Sequence[ForecastRow], models: Sequence[str]) -> Markup:
    """One band per issue on the 0-100 scale: party positions as grey ticks, model forecasts as dots."""
    width, left, right, band, top = 760, 190, 20, 34, 36
    height = top + band * max(1, len(rows)) + 10
    scale = (width - left - right) / 100.0
    out = [
        f'<svg class="forecast" role="img" viewBox="0 0 {width} {height}" width="100%" '
        'xmlns="http://www.w3.org/2000/svg" aria-label="forecasts per issue and model">'
    ]
    for n, mname in enumerate(models):
        colour = MODEL_COLOURS[n % len(MODEL_COLOURS)]
        lx = left + n * 75
        out.append(f'<circle cx="{lx}" cy="10" r="5" fill="{colour}"/>')
        out.append(f'<text x="{lx + 8}" y="14" class="tick">{_e(mname)}</text>')
    x: float
    for v in (0, 25, 50, 75, 100):
        x = left + v * scale
        out.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 8}" class="grid"/>')
        out.append(f'<text x="{x:.1f}" y="{top - 10}" class="tick" text-anchor="middle">{v}</text>')
    for n, row in enumerate(rows):
        y = top + band * n + band / 2
        out.append(f'<text x="4" y="{y + 4:.1f}" class="lbl">{_e(row.name[:28])}</text>')
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" class="axis"/>')
        for party, pvalue in row.positions:
            x = left + pvalue * scale
            out.append(
                f'<line x1="{x:.1f}" y1="{y - 10:.1f}" x2="{x:.1f}" y2="{y + 10:.1f}" class="pos">'
                f"<title>{_e(f'{party}: {pvalue:.0f}')}</title></line>"
            )
        for m, (model, fvalue) in enumerate(row.forecasts):
            if fvalue is None:
                continue
            colour = MODEL_COLOURS[models.index(model) % len(MODEL_COLOURS)] if model in models else "#333"
            x = left + fvalue * scale
            dy = (m % 3 - 1) * 5
            out.append(
                f'<circle cx="{x:.1f}" cy="{y + dy:.1f}" r="4.5" fill="{colour}">'
                f"<title>{_e(f'{model}: {fvalue:.1f}')}</title></circle>"
            )
    out.append("</svg>")
    return Markup("".join(out))
