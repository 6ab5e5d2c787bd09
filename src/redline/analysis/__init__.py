"""redline.analysis: deal evaluation, the zone of possible agreement, and per-issue forecasts.

Library functions return dataclasses with ``to_dict()``; the CLI, the demo and the HTML report
only format them::

    model = build_model(positions, pack, overrides=None)   # redline.model.positions
    zopa = find_zopa(model, pack, top=5)                    # ZopaResult
    verdict = evaluate_deal(model, pack, {"prisoner_exchange": "exchange"})  # DealEvaluation
    forecasts = forecast_issues(model, pack)                # list[IssueForecast]
    everything = summary(store_or_positions, pack)          # one dict of all of the above
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol, runtime_checkable

from redline.analysis.constraints import (
    Condition,
    RedLine,
    conditions,
    nash_product,
    red_lines,
    utility_table,
)
from redline.analysis.deal import Deal, DealError, DealEvaluation, evaluate_deal, load_deal, make_deal
from redline.analysis.zopa import ConflictSet, IssueZone, Package, ZopaResult, find_zopa, issue_zones
from redline.model.overrides import AnalystPositions
from redline.model.positions import PositionsModel, build_model
from redline.pack.schema import Pack
from redline.types import Document, Position

__all__ = [
    "Condition",
    "ConflictSet",
    "Deal",
    "DealError",
    "DealEvaluation",
    "IssueZone",
    "Package",
    "RedLine",
    "ZopaResult",
    "build_model",
    "conditions",
    "evaluate_deal",
    "find_zopa",
    "forecast_issues",
    "issue_zones",
    "load_deal",
    "make_deal",
    "model_from",
    "nash_product",
    "red_lines",
    "summary",
    "utility_table",
]


@runtime_checkable
class _StoreLike(Protocol):
    def positions(self) -> list[Position]: ...

    def documents(self, include_text: bool = False) -> list[Document]: ...


def model_from(
    source: PositionsModel | _StoreLike | Iterable[Position],
    pack: Pack,
    overrides: AnalystPositions | None = None,
) -> PositionsModel:
    """A positions model from a model (returned as is), a store, or positions."""
    if isinstance(source, PositionsModel):
        return source
    if isinstance(source, _StoreLike):
        return build_model(source.positions(), pack, overrides, source.documents(include_text=True))
    return build_model(source, pack, overrides)


def forecast_issues(model: PositionsModel, pack: Pack, **kwargs: Any) -> list[Any]:
    """See :func:`redline.analysis.forecasts.forecast_issues` (imported lazily)."""
    from redline.analysis.forecasts import forecast_issues as _forecast

    return _forecast(model, pack, **kwargs)


def summary(
    source: PositionsModel | _StoreLike | Iterable[Position],
    pack: Pack,
    overrides: AnalystPositions | None = None,
    *,
    top: int = 3,
    deal: Deal | dict[str, str] | None = None,
    forecasts: bool = True,
) -> dict[str, Any]:
    """Everything the demo and the report show, as one JSON-ready dict."""
    model = model_from(source, pack, overrides)
    zopa = find_zopa(model, pack, top=top)
    out: dict[str, Any] = {
        "pack": pack.id,
        "positions": model.to_dict(),
        "zopa": zopa.to_dict(),
        "headline": zopa.summary(),
    }
    if deal is not None:
        out["deal"] = evaluate_deal(model, pack, deal).to_dict()
    if forecasts:
        out["forecasts"] = [f.to_dict(trace=False) for f in forecast_issues(model, pack)]
    return out
