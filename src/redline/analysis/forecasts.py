"""Per-issue outcome forecasts from the positions model, with every bargaining model.

Actors come from the positions model: a party's current stance mapped onto the issue scale
(:func:`redline.model.positions.stance_value`, or the analyst's ``position``), its salience
(0-100 within the party) and its capability (1, or the analyst file's). Each model in
:data:`redline.model.forecast.MODELS` forecasts a value on the 0-100 scale; the nearest scale
option names it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from redline.model.forecast import MODELS, Actor
from redline.model.positions import PositionsModel, nearest_option
from redline.pack.schema import Pack

__all__ = ["IssueForecast", "ModelForecast", "actors_for", "forecast_issues"]


@dataclass
class ModelForecast:
    model: str
    value: float | None
    option: str | None
    label: str | None
    trace: list[dict[str, Any]] | None = None
    error: str | None = None

    def to_dict(self, trace: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "model": self.model,
            "value": None if self.value is None else round(self.value, 3),
            "option": self.option,
            "label": self.label,
        }
        if self.error:
            out["error"] = self.error
        if trace:
            out["trace"] = self.trace
        return out


@dataclass
class IssueForecast:
    issue: str
    name: str
    actors: list[Actor]
    forecasts: list[ModelForecast] = field(default_factory=list)
    status_quo: str = ""

    def by_model(self, name: str) -> ModelForecast:
        for f in self.forecasts:
            if f.model == name:
                return f
        raise KeyError(name)

    def to_dict(self, trace: bool = True) -> dict[str, Any]:
        return {
            "issue": self.issue,
            "name": self.name,
            "status_quo": self.status_quo,
            "actors": [
                {
                    "name": a.name,
                    "position": a.position,
                    "salience": round(a.salience, 1),
                    "capability": a.capability,
                }
                for a in self.actors
            ],
            "forecasts": [f.to_dict(trace) for f in self.forecasts],
        }


def actors_for(model: PositionsModel, issue: str) -> list[Actor]:
    """The parties with a current position on the issue, as forecasting actors."""
    return [
        Actor(
            name=c.party,
            position=float(c.value),
            salience=float(c.salience),
            capability=model.capability_of(c.party),
        )
        for c in model.for_issue(issue)
        if c.value is not None
    ]


def forecast_issues(
    model: PositionsModel,
    pack: Pack,
    models: Sequence[str] | None = None,
    issues: Sequence[str] | None = None,
) -> list[IssueForecast]:
    """Forecast every issue with at least one actor, with every model (or the ones named)."""
    names = list(models) if models is not None else list(MODELS)
    unknown = [n for n in names if n not in MODELS]
    if unknown:
        raise ValueError(f"unknown forecasting model(s) {', '.join(unknown)} (known: {', '.join(MODELS)})")
    out = []
    for issue in pack.issues:
        if issues is not None and issue.id not in issues:
            continue
        actors = actors_for(model, issue.id)
        if not actors:
            continue
        fc = IssueForecast(issue.id, issue.name, actors, status_quo=issue.status_quo)
        for name in names:
            try:
                f = MODELS[name](list(actors))
            except ValueError as exc:
                fc.forecasts.append(ModelForecast(name, None, None, None, None, str(exc)))
                continue
            opt = nearest_option(issue, f.value)
            fc.forecasts.append(ModelForecast(name, float(f.value), opt, issue.option(opt).label, f.trace))
        out.append(fc)
    return out
