"""Learned reading of stances: candidate (holder, issue) pairs per sentence, judged by the stance model.

For every sentence that raises an issue (pack keywords matched on normalised word forms, or an expert
trigger regex), the candidate holders are the parties the sentence names (people resolved to the party
they speak for, bodies and aliases to theirs), the speakers of its attribution frames, and, where the
sentence names nobody (a pronoun, a continued quotation, a bullet under "The offer includes:"), the
holders of the sentence before it. Issues raised only in the sentence before are candidates where the
sentence refers back ("the move", "it"). The stance model (:mod:`redline.extract.stance_model`) reads
each pair with the preceding text as context and keeps those it reads as favor or against.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from redline.extract.speakers import Speaker
from redline.extract.stance_model import Pair, Reading, StanceModel
from redline.pack import Issue, Pack

_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*|\d+(?:[.,]\d+)?%?")
_SUFFIXES = ("ings", "ing", "ies", "ed", "es", "s")
_ANAPHOR = re.compile(r"\b(this|that|these|those|it|such|the (move|step|plan|idea|proposal|offer|demand|"
                      r"deal|decision|measure|agreement|position|request|condition|text|draft))\b", re.IGNORECASE)


def norm_word(word: str) -> str:
    """A crude, symmetric word normaliser: lower case, possessive and common inflections stripped, a final
    e dropped, so that truce/truces, cede/ceded, raise/raised/raising, wage/wages, cut/cuts meet."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    w = w.strip("'")
    for suf in _SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            if suf == "s" and w.endswith(("ss", "us", "is")):
                break
            if suf == "es" or (suf == "ed" and w.endswith("eed")):
                suf = suf[-1]  # taxes -> taxe -> tax, agreed -> agree -> agre
            w = w[: -len(suf)] + ("y" if suf == "ies" else "")
            if suf in ("ed", "ing", "ings") and len(w) > 3 and w[-1] == w[-2] and w[-1] not in "aeiouls":
                w = w[:-1]  # stopped -> stop
            break
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    return w


def norm_words(text: str) -> list[tuple[str, int, int]]:
    return [(norm_word(m.group(0)), m.start(), m.end()) for m in _WORD.finditer(text)]


@dataclass
class IssueIndex:
    """Keyword phrases of every issue, as sequences of normalised words, for fast matching."""

    phrases: dict[str, list[tuple[tuple[str, ...], Issue]]] = field(default_factory=dict)
    regex: list[tuple[list[re.Pattern[str]], Issue]] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return bool(self.phrases or self.regex)

    @classmethod
    def build(cls, pack: Pack, issues: Iterable[Issue] | None = None) -> IssueIndex:
        index = cls()
        for issue in pack.issues if issues is None else issues:
            for kw in [*issue.keywords, issue.name]:
                words = tuple(w for w, _, _ in norm_words(kw))
                if kw is issue.name and len(words) < 2:
                    continue  # a one-word issue name is too generic alone ("Wages")
                words = tuple(w for w in words if w) or ()
                if words:
                    index.phrases.setdefault(words[0], []).append((words, issue))
            for group in issue.triggers:
                index.regex.append(([re.compile(p, re.IGNORECASE) for p in group], issue))
            for pat in issue.favor_patterns + issue.against_patterns:
                index.regex.append(([re.compile(pat, re.IGNORECASE)], issue))
        return index

    def issues_in(self, text: str) -> list[Issue]:
        words = [w for w, _, _ in norm_words(text)]
        found: dict[str, Issue] = {}
        for i, w in enumerate(words):
            for phrase, issue in self.phrases.get(w, ()):
                if tuple(words[i:i + len(phrase)]) == phrase:
                    found.setdefault(issue.id, issue)
        for group, issue in self.regex:
            if issue.id not in found and all(p.search(text) for p in group):
                found[issue.id] = issue
        return list(found.values())


@dataclass
class Candidate:
    """One (sentence, holder, issue) pair to read."""

    sent_i: int
    start: int
    end: int
    speaker: Speaker
    issue: Issue
    pair: Pair
    source: str  # named | frame | carried


def holder_label(pack: Pack, party_id: str, text: str, speaker: Speaker | None = None) -> str:
    """The holder as the model reads it: the party's name, then the names the text uses for it."""
    party = pack.party(party_id)
    person = speaker.name if speaker is not None and speaker.name else ""
    return holder_text(party.name, party.aliases, text, person)


def holder_names(pack: Pack, party_id: str, speaker: Speaker | None = None) -> list[str]:
    """Every name of the holder that can be marked in a text: the party's, its people's, the speaker's."""
    party = pack.party(party_id)
    names = [party.name, *party.aliases]
    for person in pack.people:
        if person.party == party_id:
            names += [person.name, *person.aliases]
    if speaker is not None and speaker.name:
        names.append(speaker.name)
    return names


def mark_holder(text: str, names: Iterable[str]) -> str:
    """Bracket every mention of the holder in ``text`` ("[Tehran] rejected ..."), so that the model sees
    where the holder is: the same marking in training and extraction."""
    alts = sorted({n for n in names if n and len(n) > 1}, key=len, reverse=True)
    if not alts:
        return text
    pattern = re.compile("|".join(rf"(?<![\w\[]){re.escape(a)}(?![\w\]])" for a in alts), re.IGNORECASE)
    return pattern.sub(lambda m: f"[{m.group(0)}]", text)


def holder_text(name: str, aliases: Iterable[str], text: str, person: str = "") -> str:
    """``Name (alias the text uses, ...)``: training and extraction build the holder the same way."""
    low = text.lower()
    used = [a for a in aliases if a and a.lower() in low and a.lower() != name.lower()]
    if person and person.lower() not in name.lower():
        used.insert(0, person)
    extra = list(dict.fromkeys(used))[:3]
    return f"{name} ({', '.join(extra)})" if extra else name


def read_candidates(model: StanceModel, candidates: list[Candidate]) -> list[tuple[Candidate, Reading]]:
    readings = model.read([c.pair for c in candidates])
    return list(zip(candidates, readings, strict=True))


def dedupe_candidates(cands: Iterable[Candidate]) -> list[Candidate]:
    seen: dict[tuple[int, str | None, str, str], Candidate] = {}
    rank = {"frame": 0, "named": 1, "carried": 2}
    for c in cands:
        key = (c.sent_i, c.speaker.party, c.issue.id, c.pair.holder)
        old = seen.get(key)
        if old is None or rank[c.source] < rank[old.source] or (c.speaker.name and not old.speaker.name):
            seen[key] = c
    # one pair per (sentence, party, issue): the one with a named speaker
    best: dict[tuple[int, str | None, str], Candidate] = {}
    for c in seen.values():
        k = (c.sent_i, c.speaker.party, c.issue.id)
        if k not in best or (c.speaker.kind in ("person", "body") and best[k].speaker.kind not in ("person", "body")):
            best[k] = c
    return list(best.values())


def refers_back(text: str) -> bool:
    return bool(_ANAPHOR.search(text))
