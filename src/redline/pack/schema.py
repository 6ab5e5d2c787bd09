"""The negotiation pack: parties, people, issues and framing, validated with pydantic v2.

Nothing in redline's code knows a particular negotiation: everything specific lives in a pack.
"""

from __future__ import annotations

import re
from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Party(_Strict):
    id: str
    name: str
    aliases: list[str] = Field(default_factory=list, description="names and metonyms: Moscow, the Kremlin")
    adjectives: list[str] = Field(
        default_factory=list, description="demonyms that make a title this party's: Russian, Ukrainian"
    )
    kind: str = Field("state", description="state | bloc | organisation | group")
    members: list[str] = Field(default_factory=list, description="party ids a bloc stands for (optional)")

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not ID_RE.match(v):
            raise ValueError(f"party id {v!r} must be a letter followed by letters, digits, _ or -")
        return v


class Role(_Strict):
    title: str = Field(description="e.g. 'Kremlin spokesperson', 'head of the Ukrainian delegation'")
    party: str | None = Field(None, description="party the holder speaks for in this role (None: no party)")
    start: date | None = None
    end: date | None = None

    def valid_on(self, day: date | None) -> bool:
        if day is None:
            return True
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


class Person(_Strict):
    name: str = Field(description="canonical name, as redline reports it")
    aliases: list[str] = Field(default_factory=list, description="other spellings and short forms")
    kind: str = Field("person", description="person | body (a ministry, an office) | analyst")
    party: str | None = Field(None, description="default party; None for analysts and observers")
    roles: list[Role] = Field(default_factory=list)

    def party_on(self, day: date | None) -> str | None:
        for role in self.roles:
            if role.party and role.valid_on(day):
                return role.party
        return self.party


class ScaleOption(_Strict):
    id: str
    label: str
    value: float = Field(ge=0, le=100, description="position on the issue's 0-100 scale")


class Examples(_Strict):
    favor: list[str] = Field(default_factory=list, description="statements that support the proposition")
    against: list[str] = Field(default_factory=list, description="statements that reject it")


DEFAULT_SCALE = [
    {"id": "no", "label": "the proposition does not hold", "value": 0},
    {"id": "yes", "label": "the proposition holds", "value": 100},
]


class Issue(_Strict):
    id: str
    name: str
    proposition: str = Field(description="the statement that 'favor' supports")
    description: str = Field("", description="a sentence or two on what the issue covers")
    keywords: list[str] = Field(
        default_factory=list,
        description="plain words and phrases that raise the issue (matched on lemmas, case-insensitive)",
    )
    examples: Examples = Field(default_factory=Examples, description="a few favor / against statements")
    track: str = Field("political", description="a grouping: territorial, security, humanitarian, ...")
    claimant: str | None = Field(
        None,
        description="party whose claim the proposition realises: its 'X is non-negotiable' on the issue is "
        "favor, anyone else's is against",
    )
    triggers: list[list[str]] = Field(
        default_factory=list,
        description="(experts) ways a clause raises the issue: each is a list of regexes that must all match",
    )
    favor_patterns: list[str] = Field(
        default_factory=list, description="(experts) regexes that assert the proposition by themselves"
    )
    against_patterns: list[str] = Field(
        default_factory=list, description="(experts) regexes that deny the proposition by themselves"
    )
    scale: list[ScaleOption] = Field(
        default_factory=lambda: [ScaleOption(**o) for o in DEFAULT_SCALE],  # type: ignore[arg-type]
        min_length=2,
        description="outcome options, ordered by value (default: no / yes)",
    )
    favor_from: str = Field("", description="id of the first scale option at which the proposition holds")
    status_quo: str = Field("", description="id of the option that holds if a deal says nothing")

    @model_validator(mode="after")
    def _check_scale(self) -> Issue:
        ids = [o.id for o in self.scale]
        if len(set(ids)) != len(ids):
            raise ValueError(f"scale option ids repeat: {ids}")
        values = [o.value for o in self.scale]
        if values != sorted(values):
            raise ValueError("scale options must be ordered by increasing value")
        if not self.favor_from:  # default: the proposition holds from the top option
            self.favor_from = ids[-1]
        if not self.status_quo:  # default: the bottom option (nothing agreed)
            self.status_quo = ids[0]
        for name in ("favor_from", "status_quo"):
            if getattr(self, name) not in ids:
                raise ValueError(f"{name} {getattr(self, name)!r} is not a scale option id ({', '.join(ids)})")
        for group in self.triggers:
            for pat in group:
                _compile(pat)
        for pat in self.favor_patterns + self.against_patterns:
            _compile(pat)
        return self

    def option(self, option_id: str) -> ScaleOption:
        for o in self.scale:
            if o.id == option_id:
                return o
        raise KeyError(f"issue {self.id} has no option {option_id!r}")

    def option_index(self, option_id: str) -> int:
        return [o.id for o in self.scale].index(option_id)

    @property
    def threshold(self) -> int:
        """Index of the first option at which the proposition holds."""
        return self.option_index(self.favor_from)

    def holds(self, option_id: str) -> bool:
        """True where choosing this option realises the issue's proposition."""
        return self.option_index(option_id) >= self.threshold


class Framing(_Strict):
    viewpoint: str
    markers: list[str]


class Pack(_Strict):
    id: str
    name: str
    version: int = 1
    description: str = ""
    parties: list[Party]
    people: list[Person] = Field(default_factory=list)
    issues: list[Issue]
    framing: list[Framing] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check_refs(self) -> Pack:
        party_ids = [p.id for p in self.parties]
        dup = {p for p in party_ids if party_ids.count(p) > 1}
        if dup:
            raise ValueError(f"party ids repeat: {sorted(dup)}")
        issue_ids = [i.id for i in self.issues]
        dup = {i for i in issue_ids if issue_ids.count(i) > 1}
        if dup:
            raise ValueError(f"issue ids repeat: {sorted(dup)}")
        known = set(party_ids)
        for issue in self.issues:
            if issue.claimant is not None and issue.claimant not in known:
                raise ValueError(f"issue {issue.id}: unknown claimant party {issue.claimant!r}")
        for n, person in enumerate(self.people):
            refs = [person.party] + [r.party for r in person.roles]
            for ref in refs:
                if ref is not None and ref not in known:
                    raise ValueError(f"people[{n}] ({person.name}): unknown party {ref!r}")
        for party in self.parties:
            for m in party.members:
                if m not in known:
                    raise ValueError(f"party {party.id}: unknown member {m!r}")
        return self

    def party(self, party_id: str) -> Party:
        for p in self.parties:
            if p.id == party_id:
                return p
        raise KeyError(party_id)

    def issue(self, issue_id: str) -> Issue:
        for i in self.issues:
            if i.id == issue_id:
                return i
        raise KeyError(issue_id)

    @property
    def party_ids(self) -> list[str]:
        return [p.id for p in self.parties]

    @property
    def issue_ids(self) -> list[str]:
        return [i.id for i in self.issues]


def _compile(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"bad regular expression {pattern!r}: {exc}") from exc
