"""Analyst positions: a YAML file whose entries win over what extraction found.

Format::

    description: analyst judgement, May 2025        # optional
    parties:
      RU:
        capability: 1.5                              # optional, > 0 (default 1)
        issues:
          crimea_recognition:
            position: 100        # on the issue's 0-100 scale
            salience: 90         # 0-100
            red_line: true
            stance: favor        # optional: favor | against | conditional
            condition: security_guarantees   # optional: the issue a conditional stance depends on
            note: "Kremlin line since 2014"  # optional, shown as the red line's evidence

Every field is optional; only the ones given replace the extracted values. Without ``stance`` a
``position`` implies one: favor at or above the issue's ``favor_from`` value, against below.
Without ``position`` a new ``stance`` maps to the scale as extracted stances do. The file is
read with ``yaml.safe_load`` and validated with pydantic; errors name the file and the path in it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from redline.pack.schema import Pack
from redline.yamlfile import read_yaml, validation_message

if TYPE_CHECKING:
    from redline.model.positions import PartyIssuePosition

__all__ = [
    "AnalystPositions",
    "IssueOverride",
    "OverridesError",
    "PartyOverride",
    "apply_overrides",
    "load_overrides",
]


class OverridesError(ValueError):
    """An analyst positions file that cannot be used; the message names the file and the place."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IssueOverride(_Strict):
    position: float | None = Field(None, ge=0, le=100, description="position on the issue's 0-100 scale")
    salience: float | None = Field(None, ge=0, le=100)
    red_line: bool | None = None
    stance: Literal["favor", "against", "conditional"] | None = None
    condition: str | None = Field(None, description="issue id a conditional stance depends on")
    note: str | None = None


class PartyOverride(_Strict):
    capability: float | None = Field(None, gt=0)
    issues: dict[str, IssueOverride] = Field(default_factory=dict)


class AnalystPositions(_Strict):
    description: str = ""
    parties: dict[str, PartyOverride] = Field(default_factory=dict)
    source: str = Field("", description="the file it was read from (set by load_overrides)")

    def check(self, pack: Pack) -> None:
        """Raise :class:`OverridesError` for ids the pack does not know."""
        where = self.source or "analyst positions"
        problems = []
        for pid, party in self.parties.items():
            if pid not in pack.party_ids:
                problems.append(f"{where}: parties.{pid}: unknown party (pack has {', '.join(pack.party_ids)})")
                continue
            for iid, ov in party.issues.items():
                path = f"parties.{pid}.issues.{iid}"
                if iid not in pack.issue_ids:
                    problems.append(f"{where}: {path}: unknown issue (pack has {', '.join(pack.issue_ids)})")
                    continue
                if ov.condition is not None and (ov.condition not in pack.issue_ids or ov.condition == iid):
                    problems.append(f"{where}: {path}.condition: {ov.condition!r} is not another issue of the pack")
        if problems:
            raise OverridesError("\n".join(problems))


def load_overrides(path: str | Path, pack: Pack | None = None) -> AnalystPositions:
    """Read, validate and (given a pack) check an analyst positions file."""
    p = Path(path)
    raw = read_yaml(p, OverridesError, "analyst positions")
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise OverridesError(f"{p}: analyst positions must be a YAML mapping with 'parties'")
    if "source" in raw:
        raise OverridesError(f"{p}: source: not a field of an analyst positions file")
    try:
        ap = AnalystPositions.model_validate(raw)
    except ValidationError as exc:
        raise OverridesError(validation_message(p, exc)) from exc
    ap.source = str(p)
    if pack is not None:
        ap.check(pack)
    return ap


def apply_overrides(
    cells: dict[tuple[str, str], PartyIssuePosition], overrides: AnalystPositions, pack: Pack
) -> dict[str, float]:
    """Apply the overrides to the cells in place (creating cells as needed); return capabilities."""
    from redline.model.positions import PartyIssuePosition, nearest_option, stance_value

    overrides.check(pack)
    capability: dict[str, float] = {}
    for pid, party in overrides.parties.items():
        if party.capability is not None:
            capability[pid] = party.capability
        for iid, ov in party.issues.items():
            issue = pack.issue(iid)
            cell = cells.get((pid, iid))
            if cell is None:
                cell = PartyIssuePosition(
                    party=pid,
                    issue=iid,
                    stance=None,
                    value=None,
                    option=None,
                    red_line=False,
                    conditions=[],
                    salience=0.0,
                    raw_salience=0.0,
                    evidence_count=0,
                    outlets=[],
                    first_seen=None,
                    last_seen=None,
                    statements=[],
                    history=[],
                )
                cells[(pid, iid)] = cell
            fields = [
                name
                for name in ("position", "salience", "red_line", "stance", "condition")
                if getattr(ov, name) is not None
            ]
            if ov.red_line is not None:
                cell.red_line = ov.red_line
            if ov.stance is not None:
                cell.stance = ov.stance
            elif ov.position is not None:
                cell.stance = "favor" if ov.position >= issue.option(issue.favor_from).value else "against"
            if ov.position is not None:
                cell.value = float(ov.position)
            elif cell.stance is not None and (ov.stance is not None or ov.red_line is not None):
                cell.value = stance_value(issue, cell.stance, cell.red_line)
            if cell.stance is None and cell.red_line:
                raise OverridesError(
                    f"{overrides.source or 'analyst positions'}: parties.{pid}.issues.{iid}: a red line "
                    "needs a stance or a position (none was extracted)"
                )
            if ov.condition is not None:
                cell.conditions = [ov.condition]
            if ov.salience is not None:
                cell.salience = float(ov.salience)
            cell.option = nearest_option(issue, cell.value) if cell.value is not None else None
            cell.override = True
            cell.override_fields = fields
            cell.override_note = ov.note
    return capability
