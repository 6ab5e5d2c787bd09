"""Loader for DEU-format data (Decision-making in the European Union; Thomson et al.).

The file is tab-separated with a header row. Columns used:

* ``prnr`` (proposal id, e.g. ``d00032``), ``isnr`` (issue id, e.g. ``d00032i1``), ``prname``;
* ``p<actor>``: the actor's position on the issue, 0-100; blank = the actor took no position;
* ``s<actor>``: the actor's salience, 0-100; blank = not recorded;
* ``rp``: the reference point (status quo / reversion outcome) where coded, else blank;
* ``out``: the decision outcome, 0-100, or blank if there was none (proposal not adopted).

Actors are the names that appear as both ``p<name>`` and ``s<name>`` columns (``com``, ``ep``
and the member states in DEU III). The **second row** is not an issue: its ``p<actor>`` cells
hold a capability index (a GDP-based share in DEU III), which is used as capability with
``capability="gdp"``; with ``capability="one"`` every actor has capability 1.

Interpretive choices (see docs/forecasting.md):

* an actor with a blank position is left out of the issue;
* an actor with a position but a *blank* salience is kept with salience 0.0 and listed in
  :attr:`DeuIssue.missing_salience`; every model in :mod:`redline.model.forecast` ignores
  salience-0 actors, so it has no weight (this is what reproduces the published compromise-model
  error, 23.1, on the dev file);
* an actor with salience 0 is kept as is (salience 0 — ignored by the models).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from redline.model.forecast import Actor

__all__ = ["DeuFormatError", "DeuIssue", "load_deu"]

_KEY_COLUMNS = ("prnr", "isnr", "out")


class DeuFormatError(ValueError):
    """A DEU file that cannot be read; the message names the file and line."""


@dataclass
class DeuIssue:
    """One issue of one proposal.

    ``proposal``: the proposal id (``prnr``); ``issue``: the issue id (``isnr``); ``name``: the
    proposal's short name; ``actors``: the actors with a position (salience 0 for blank
    saliences); ``outcome``: the decision outcome, or None; ``reference_point``: ``rp``, or None;
    ``missing_salience``: names of actors with a position but no salience; ``line``: the line of
    the file the issue came from (1-based).
    """

    proposal: str
    issue: str
    actors: list[Actor]
    outcome: float | None
    reference_point: float | None = None
    name: str = ""
    missing_salience: list[str] = field(default_factory=list)
    line: int = 0

    def actor(self, name: str) -> Actor | None:
        """The actor called ``name`` on this issue, if it took a position."""
        for a in self.actors:
            if a.name == name:
                return a
        return None


def _number(
    cell: str, path: Path, line: int, column: str, lo: float | None, hi: float | None
) -> float | None:
    text = cell.strip()
    if text == "":
        return None
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise DeuFormatError(f"{path}:{line}: column {column!r}: not a number: {text!r}") from None
    if not math.isfinite(value):
        raise DeuFormatError(f"{path}:{line}: column {column!r}: not a finite number: {text!r}")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise DeuFormatError(f"{path}:{line}: column {column!r}: {value:g} outside [{lo:g}, {hi:g}]")
    return value


def load_deu(path: str | Path, capability: Literal["one", "gdp"] = "one") -> list[DeuIssue]:
    """Read a DEU-format TSV file into issues (in file order).

    ``capability="gdp"`` takes each actor's capability from the second row (the GDP row);
    ``"one"`` gives every actor capability 1.0. Raises :class:`DeuFormatError` (a ValueError)
    naming the file and line for a missing column, a ragged row, a non-numeric or out-of-range
    value (positions, saliences, outcomes and reference points must lie in [0, 100];
    capabilities must be > 0), a missing capability under ``"gdp"``, or a duplicate issue id.
    """
    path = Path(path)
    if capability not in ("one", "gdp"):
        raise ValueError(f"capability must be 'one' or 'gdp', not {capability!r}")
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh, delimiter="\t"))
    except OSError as exc:
        raise DeuFormatError(f"{path}: cannot read: {exc}") from exc
    if len(rows) < 2:
        raise DeuFormatError(f"{path}: expected a header row and a capability row, found {len(rows)} row(s)")
    header = [h.strip() for h in rows[0]]
    col = {h: k for k, h in enumerate(header)}
    for key in _KEY_COLUMNS:
        if key not in col:
            raise DeuFormatError(f"{path}:1: missing column {key!r}")
    actors = [h[1:] for h in header if h.startswith("p") and len(h) > 1 and "s" + h[1:] in col]
    if not actors:
        raise DeuFormatError(f"{path}:1: no actor columns (pairs p<name>/s<name>)")

    def cells(row: list[str], line: int) -> list[str]:
        if len(row) < len(header):
            if len(row) == 1 and row[0].strip() == "":
                return []
            raise DeuFormatError(f"{path}:{line}: {len(row)} cells, the header has {len(header)}")
        return row

    cap_row = cells(rows[1], 2)
    caps: dict[str, float] = {}
    for a in actors:
        if capability == "gdp":
            v = _number(cap_row[col["p" + a]], path, 2, "p" + a, 0.0, None) if cap_row else None
            if v is None or v <= 0:
                raise DeuFormatError(f"{path}:2: capability row has no positive value for actor {a!r}")
            caps[a] = v
        else:
            caps[a] = 1.0

    issues: list[DeuIssue] = []
    seen: dict[str, int] = {}
    for k, raw in enumerate(rows[2:], start=3):
        row = cells(raw, k)
        if not row:
            continue  # blank line
        isnr = row[col["isnr"]].strip()
        prnr = row[col["prnr"]].strip()
        if not isnr or not prnr:
            raise DeuFormatError(f"{path}:{k}: empty 'prnr' or 'isnr'")
        if isnr in seen:
            raise DeuFormatError(f"{path}:{k}: issue {isnr!r} already on line {seen[isnr]}")
        seen[isnr] = k
        outcome = _number(row[col["out"]], path, k, "out", 0.0, 100.0)
        rp = _number(row[col["rp"]], path, k, "rp", 0.0, 100.0) if "rp" in col else None
        acts: list[Actor] = []
        missing: list[str] = []
        for a in actors:
            pos = _number(row[col["p" + a]], path, k, "p" + a, 0.0, 100.0)
            sal = _number(row[col["s" + a]], path, k, "s" + a, 0.0, 100.0)
            if pos is None:
                continue
            if sal is None:
                missing.append(a)
                sal = 0.0
            acts.append(Actor(a, pos, sal, caps[a]))
        name = row[col["prname"]].strip() if "prname" in col else ""
        issues.append(DeuIssue(prnr, isnr, acts, outcome, rp, name, missing, k))
    return issues
