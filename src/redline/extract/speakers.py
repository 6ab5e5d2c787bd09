"""Resolve a mention ("Kremlin spokesperson Dmitry Peskov", "the Kremlin", "he") to a speaker and a party.

Everything comes from the pack: people (names, spelling variants, titles with the party they speak
for and validity dates), bodies, analysts and media (quoted but holding no party position), and
parties (names, metonyms, demonyms).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from redline.nlp import lexicon
from redline.pack import Pack, Person

PRONOUNS_PERSON = {"he", "she", "him", "his", "her"}
PRONOUNS_GROUP = {"they", "them", "their", "it", "its", "we", "our"}


@dataclass(frozen=True)
class Speaker:
    """Who holds a position. ``name`` is empty where only a party is named ("the Kremlin")."""

    name: str
    party: str | None
    kind: str  # person | body | party | group | analyst | media | pronoun | both

    @property
    def holds_positions(self) -> bool:
        return self.party is not None and self.kind not in ("analyst", "media")


def _alias_regex(aliases: list[str]) -> re.Pattern[str]:
    """One alternation, longest first; short all-caps aliases (US, UK, EU) match case-sensitively."""
    parts = []
    for alias in sorted(set(aliases), key=len, reverse=True):
        body = re.escape(alias).replace(r"\ ", r"\s+").replace("'", "['’]").replace("’", "['’]")
        if len(alias) <= 4 and alias.replace(".", "").isupper():
            parts.append(rf"(?-i:(?<![\w.]){body}(?![\w]))")
        elif alias[:1].isupper() and " " not in alias.strip():
            # a one-word name is matched as written: "May" the person, not "may" the verb
            parts.append(rf"(?-i:(?<![\w]){body}(?![\w]))")
        else:
            parts.append(rf"(?<![\w]){body}(?![\w])")
    return re.compile("|".join(parts) or r"(?!x)x", re.IGNORECASE)


class SpeakerResolver:
    """Pack-driven mention resolution; built once per pack."""

    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        self._person_by_alias: dict[str, Person] = {}
        for person in pack.people:
            for alias in [person.name, *person.aliases]:
                self._person_by_alias[self._key(alias)] = person
        self._person_re = _alias_regex(list(self._person_by_alias))
        self._title_by_key: dict[str, list[tuple[Person, str | None, date | None, date | None]]] = {}
        for person in pack.people:
            for role in person.roles:
                self._title_by_key.setdefault(self._key(role.title), []).append(
                    (person, role.party, role.start, role.end)
                )
        self._title_re = _alias_regex([t for ts in pack.people for t in (r.title for r in ts.roles)])
        self._party_by_alias: dict[str, str] = {}
        for party in pack.parties:
            for alias in [party.name, *party.aliases]:
                self._party_by_alias[self._key(alias)] = party.id
        self._party_re = _alias_regex(list(self._party_by_alias))
        groups = lexicon()["group_nouns"] + ["president", "leader", "government", "leadership", "officials",
                                              "forces", "troops", "military", "army", "ministry", "embassy"]
        self._adj_by_key: dict[str, str] = {}
        for party in pack.parties:
            for adj in party.adjectives:
                self._adj_by_key[self._key(adj)] = party.id
        adj_alt = _alias_regex(list(self._adj_by_key)).pattern
        self._adj_group_re = re.compile(
            rf"(?P<adj>{adj_alt})\s+(?:[\w-]+\s+){{0,2}}(?P<noun>{'|'.join(groups)})\b", re.IGNORECASE
        )
        self._group_nouns = set(lexicon()["group_nouns"])
        self._cache: dict[tuple[str, date | None], Speaker | None] = {}  # mentions repeat across a corpus

    @staticmethod
    def _key(text: str) -> str:
        return " ".join(text.lower().replace("’", "'").split())

    def person(self, name: str) -> Person | None:
        return self._person_by_alias.get(self._key(name))

    def _speaker_for(self, person: Person, day: date | None) -> Speaker:
        if person.kind in ("analyst", "media"):
            return Speaker(person.name, None, person.kind)
        return Speaker(person.name, person.party_on(day), person.kind)

    def resolve(self, text: str, day: date | None = None) -> Speaker | None:
        """The speaker a mention names, or None. Pronouns come back with kind 'pronoun'."""
        key = (text, day)
        if key not in self._cache:
            if len(self._cache) > 50_000:
                self._cache.clear()
            self._cache[key] = self._resolve(text, day)
        return self._cache[key]

    def _resolve(self, text: str, day: date | None) -> Speaker | None:
        stripped = text.strip()
        low = stripped.lower()
        if low in PRONOUNS_PERSON:
            return Speaker(low, None, "pronoun")
        if low in PRONOUNS_GROUP:
            return Speaker(low, None, "pronoun")
        if re.search(r"\b(both|the two) (sides|parties|delegations|countries)\b", low):
            return Speaker("", None, "both")
        m = self._person_re.search(stripped)
        if m:
            person = self._person_by_alias[self._key(m.group(0))]
            return self._speaker_for(person, day)
        m = self._title_re.search(stripped)
        if m:
            candidates = self._title_by_key.get(self._key(m.group(0)), [])
            valid = [c for c in candidates if day is None or ((c[2] is None or c[2] <= day) and
                                                              (c[3] is None or day <= c[3]))]
            chosen = (valid or candidates)
            if len(chosen) == 1 or (chosen and day is None and all(c[0] is chosen[0][0] for c in chosen)):
                person, party, _, _ = chosen[0]
                return Speaker(person.name, party or person.party_on(day), person.kind)
            if chosen:
                return Speaker("", chosen[0][1], "party")
        m = self._party_re.search(stripped)
        if m:
            party = self._party_by_alias[self._key(m.group(0))]
            group = any(w in self._group_nouns for w in self._key(m.group(0)).split())
            return Speaker("", party, "group" if group else "party")
        m = self._adj_group_re.search(stripped)
        if m:
            party = self._adj_by_key[self._key(m.group("adj"))]
            return Speaker("", party, "group")
        return None

    def mentions(self, text: str) -> list[tuple[int, int, str]]:
        """Every person/party mention in text as (start, end, surface), for carry-over bookkeeping."""
        found = [(m.start(), m.end(), m.group(0)) for m in self._person_re.finditer(text)]
        found += [(m.start(), m.end(), m.group(0)) for m in self._party_re.finditer(text)]
        return sorted(found)
