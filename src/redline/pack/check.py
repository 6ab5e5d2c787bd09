"""`redline pack check`: what validates but cannot work.

The schema (:mod:`redline.pack.schema`) rejects packs that are malformed. This module finds packs that
load but would mislead the extractor: names two speakers share, aliases that are everyday words,
``kind`` values nothing reads, groups that stand for nobody, issues nothing can find, regular
expressions that can never fire or that flip a stance twice, keywords shared by two issues, propositions
that are questions, and scales whose 'against' names no option.

Each finding is a :class:`Warning` naming the place in the pack (``issues[3] (ceasefire).keywords[2]``),
the problem and how to fix it. A pack author who decides a warning is acceptable says so in the pack
file itself, with a comment that gives the reason (see :func:`accepted_in` and docs/packs.md)::

    # check: accept common-word "May" -- the news calls Theresa May "May"; the alias is needed

Several checks are heuristics and are documented as such where they are made: the regex checks build
a few plausible strings from a pattern's own literal words (:func:`regex_samples`), and the example
check matches keywords on a crude stem, not on spaCy lemmas.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from redline.pack.schema import Issue, Pack, Person, Role

PARTY_KINDS = ("state", "bloc", "organisation", "group")
PERSON_KINDS = ("person", "body", "analyst", "media")
GROUP_KINDS = ("group", "bloc")


@dataclass(frozen=True)
class Warning:  # the name the CLI and docs use; shadows the builtin in this module only
    """One finding: where in the pack, what is wrong, how to fix it.

    ``code`` names the kind of finding (see :data:`CODES`); ``subject`` is the offending value (an
    alias, a keyword, a pattern), which an ``# check: accept CODE SUBJECT -- reason`` comment names.
    """

    where: str
    message: str
    hint: str
    code: str = ""
    subject: str = ""

    def __str__(self) -> str:
        return f"{self.where}: {self.message} (fix: {self.hint})"


PackWarning = Warning  # for callers that import it next to the builtin

CODES: dict[str, str] = {
    "collision": "a name, alias, adjective or role title that two parties or people share",
    "alias-inside": "a person's alias found inside another party's alias or title (people are matched first)",
    "common-word": "an alias, name or adjective that is an everyday English word or a generic noun",
    "role-overlap": "one role title held at the same time by people of different parties",
    "role-dates": "a role that starts after it ends",
    "no-party": "a person or body whose statements count for no party",
    "unknown-kind": "a kind value nothing reads",
    "members-not-group": "members on a party that is not a group or bloc (they are meant for joint subjects)",
    "group-without-members": "a group that stands for no party",
    "member-self": "a group listed among its own members",
    "undetectable-issue": "an issue with neither keywords nor triggers nor patterns",
    "keyword-duplicate": "a keyword shared by two issues (or repeated in one)",
    "keyword-regex": "a keyword written as a regular expression",
    "keyword-common": "a keyword so common it matches nearly every clause",
    "example-unfound": "an example the issue's own keywords and triggers do not find",
    "proposition": "a proposition that is empty or a question",
    "regex-empty": "a regular expression that matches the empty string",
    "regex-never": "a regular expression that can never fire",
    "double-negation": "a pattern that contains a rejecting verb or a negation the extractor also reads",
    "favor-from-first": "favor_from is the first scale option, so 'against' names no option",
}

# --------------------------------------------------------------------------- word lists

def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Frequent English words that are also names, titles of outlets or easy alias mistakes. spaCy's English
# stop words are added at run time (see common_words()). Short all-caps aliases (US, UK, EU, TASS) are
# matched case-sensitively by the speaker resolver and are never reported.
FREQUENT_WORDS = _wordset("""
    it us the may will can general time times people year years way day days man men world life work state
    states mark bill grant frank rich chuck hope faith joy rose sue pat art bob guy jack ray dean major long
    young king brown white black green gray grey wood hill park field cook page march new good great little
    big high old right left said says say news post sun mirror express independent guardian star mail
    reason case point group number fact home end hand part place week month company system program question
    problem service area money story lot water house room mother father deal talks court trade power law war
    peace public press media report
""")

# Generic nouns: as an alias by themselves they make any party's people this party's ("Irish ministers").
GENERIC_NOUNS = _wordset("""
    government office party parties members member union council commission committee body centre center
    head chief leader leaders president minister ministers officials official spokesman spokeswoman
    spokesperson diplomats negotiators authorities lawmakers protesters critics analysts experts observers
    sources source side sides country nation
""")

# Words that every article about any negotiation uses: as a keyword they raise the issue everywhere.
GENERIC_KEYWORDS = _wordset("""
    talks talk deal deals agreement agreements negotiation negotiations negotiate negotiator negotiators issue
    issues position positions proposal proposals plan plans statement statements meeting meetings said say
    says official officials government side sides demand demands offer offers
""")

# Rejecting verbs and negations the extractor reads itself (besides the lexicon's against_verbs).
REJECTING_VERBS = ("reject", "refuse", "oppose", "deny")
NEGATIONS = frozenset({"not", "never", "cannot", "wont", "dont", "cant", "nt"})


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """spaCy's English stop words (imported lazily; a few basic ones if spaCy is missing)."""
    try:
        from spacy.lang.en.stop_words import STOP_WORDS
    except ImportError:  # pragma: no cover - spaCy is a dependency
        return _wordset("a an the of on in to for by at and or not no it us we")
    return frozenset(w.lower() for w in STOP_WORDS)


def common_words() -> frozenset[str]:
    """FREQUENT_WORDS plus spaCy's English stop words."""
    return FREQUENT_WORDS | stop_words()


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, Any]:
    path = Path(str(resources.files("redline") / "data" / "lexicon.yaml"))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):  # pragma: no cover - shipped with the package
        return {}
    return data if isinstance(data, dict) else {}


@lru_cache(maxsize=1)
def _rejecting() -> tuple[frozenset[str], tuple[str, ...], re.Pattern[str]]:
    """(word forms of rejecting verbs, their base forms, a regex for rejecting phrases)."""
    bases = set(REJECTING_VERBS) | {str(v).lower() for v in _lexicon().get("against_verbs", [])}
    forms: set[str] = set()
    for v in bases:
        forms |= _verb_forms(v)
    phrases = [r"\brul(?:e|es|ed|ing)?\s+out\b"] + [str(p) for p in _lexicon().get("against_phrases", [])]
    return frozenset(forms), tuple(sorted(bases)), re.compile("|".join(f"(?:{p})" for p in phrases), re.I)


def _verb_forms(v: str) -> set[str]:
    forms = {v, v + "s", v + "ed", v + "ing", v + "d", v + "es"}
    if v.endswith("e"):
        forms |= {v[:-1] + "ing", v + "d"}
    if v.endswith("y"):
        forms |= {v[:-1] + "ies", v[:-1] + "ied"}
    if re.search(r"[^aeiou][aeiou][bdgkmnprt]$", v):  # scrap -> scrapped, veto is fine as is
        forms |= {v + v[-1] + "ed", v + v[-1] + "ing"}
    return forms


# --------------------------------------------------------------------------- helpers


def _key(text: str) -> str:
    """How the speaker resolver compares names: lower case, one space, straight apostrophes."""
    return " ".join(text.lower().replace("’", "'").split())


def _loose(text: str) -> str:
    """A name for collision checks: also without a leading 'the' ('the Kremlin' = 'Kremlin')."""
    key = _key(text)
    return key[4:] if key.startswith("the ") else key


def _case_sensitive(alias: str) -> bool:
    """Short all-caps aliases (US, U.K., TASS) are matched case-sensitively by the resolver."""
    return len(alias) <= 4 and alias.replace(".", "").isupper()


def _party_where(n: int, party: Any) -> str:
    return f"parties[{n}] ({party.id})"


def _person_where(n: int, person: Person) -> str:
    return f"people[{n}] ({person.name})"


def _issue_where(n: int, issue: Issue) -> str:
    return f"issues[{n}] ({issue.id})"


@dataclass
class _Name:
    where: str  # place of the name itself: people[2] (X).aliases[1]
    owner: str  # place of the entity: people[2] (X)
    text: str
    party: str | None  # party the name resolves to
    what: str  # party | person | adjective | title


def _party_names(pack: Pack) -> Iterator[_Name]:
    for n, party in enumerate(pack.parties):
        owner = _party_where(n, party)
        yield _Name(f"{owner}.name", owner, party.name, party.id, "party")
        for i, alias in enumerate(party.aliases):
            yield _Name(f"{owner}.aliases[{i}]", owner, alias, party.id, "party")


def _person_names(pack: Pack) -> Iterator[_Name]:
    for n, person in enumerate(pack.people):
        owner = _person_where(n, person)
        party = None if person.kind in ("analyst", "media") else person.party
        yield _Name(f"{owner}.name", owner, person.name, party, "person")
        for i, alias in enumerate(person.aliases):
            yield _Name(f"{owner}.aliases[{i}]", owner, alias, party, "person")


# --------------------------------------------------------------------------- names and kinds


def _check_collisions(pack: Pack) -> Iterator[Warning]:
    parties = list(_party_names(pack))
    people = list(_person_names(pack))
    adjectives = [
        _Name(f"{_party_where(n, p)}.adjectives[{i}]", _party_where(n, p), adj, p.id, "adjective")
        for n, p in enumerate(pack.parties)
        for i, adj in enumerate(p.adjectives)
    ]
    # parties among themselves, people among themselves, adjectives among themselves: the later entry wins
    for names, kind in ((parties, "party"), (people, "person"), (adjectives, "adjective")):
        first: dict[str, _Name] = {}
        for name in names:
            key = _loose(name.text)
            prev = first.get(key)
            if prev is None:
                first[key] = name
            elif prev.owner != name.owner:
                yield Warning(
                    name.where,
                    f"{name.text!r} also names {prev.owner} ({prev.where}): a mention resolves to one "
                    f"{kind} only",
                    f"keep the {kind} {name.text!r} on one entry; on the other use a longer, specific form",
                    "collision",
                    name.text,
                )
    # a person alias equal to another party's alias: people are matched first and take the mention
    by_party = {_loose(n.text): n for n in parties}
    for name in people:
        other = by_party.get(_loose(name.text))
        if other is not None and other.party != name.party:
            yield Warning(
                name.where,
                f"{name.text!r} is also an alias of {other.owner} ({other.where}); people are matched first, "
                f"so the party's mentions become {name.owner}'s",
                "remove the alias from one of them, or make it longer (a full name, a title)",
                "collision",
                name.text,
            )
    # an alias equal to another person's role title: aliases are matched before titles
    titles: dict[str, tuple[str, str]] = {}
    for n, person in enumerate(pack.people):
        for r, role in enumerate(person.roles):
            titles.setdefault(_key(role.title), (f"{_person_where(n, person)}.roles[{r}]", _person_where(n, person)))
    for name in people:
        hit = titles.get(_key(name.text))
        if hit is not None and hit[1] != name.owner:
            yield Warning(
                name.where,
                f"{name.text!r} is also a role title of {hit[1]} ({hit[0]}); aliases are matched before "
                "titles, so the title never resolves to its holder",
                "drop the alias, or make the title more specific",
                "collision",
                name.text,
            )
    # a person alias inside a party alias or another person's title of a different party
    containers: list[tuple[str, str, str, str | None]] = [(n.where, n.owner, n.text, n.party) for n in parties]
    for n, person in enumerate(pack.people):
        for r, role in enumerate(person.roles):
            where = f"{_person_where(n, person)}.roles[{r}]"
            containers.append((where, _person_where(n, person), role.title, role.party or person.party))
    for name in people:
        if len(_key(name.text)) < 3:
            continue
        inner = re.compile(rf"(?<!\w){re.escape(_key(name.text))}(?!\w)")
        for where, owner, text, party in containers:
            if owner == name.owner or party == name.party or _key(text) == _key(name.text):
                continue
            if inner.search(_key(text)):
                yield Warning(
                    name.where,
                    f"{name.text!r} is found inside {text!r} ({where}); people are matched first, so "
                    f"{text!r} in a text resolves to {name.owner} (party {name.party or 'none'}), not to "
                    f"{party or 'no party'}",
                    f"give {name.owner} a longer alias, or drop this one",
                    "alias-inside",
                    name.text,
                )
                break


def _check_common_words(pack: Pack) -> Iterator[Warning]:
    common = common_words()
    names: list[_Name] = list(_party_names(pack)) + list(_person_names(pack))
    for n, p in enumerate(pack.parties):
        for i, adj in enumerate(p.adjectives):
            names.append(_Name(f"{_party_where(n, p)}.adjectives[{i}]", _party_where(n, p), adj, p.id, "adjective"))
    for name in names:
        if _case_sensitive(name.text):
            continue
        key = _key(name.text)
        if key in GENERIC_NOUNS and name.what != "adjective":
            yield Warning(
                name.where,
                f"{name.text!r} is a generic noun: any party's people are called that, and the resolver "
                f"gives them all to {name.owner} (e.g. 'Irish {key}')",
                "use a specific form ('British ministers', 'union officials') and let adjectives do the rest",
                "common-word",
                name.text,
            )
        elif key in common:
            yield Warning(
                name.where,
                f"{name.text!r} is an everyday English word: it is matched case-insensitively wherever it "
                f"occurs ('{key}'), so {name.owner} is found where nobody named it",
                "use a longer form (a full name, 'the X magazine') or an all-caps form of four letters or "
                "fewer, which is matched case-sensitively",
                "common-word",
                name.text,
            )


def _overlap(a: Role, b: Role) -> bool:
    """Two validity periods overlap by more than a shared hand-over day."""
    lo_a, hi_a = a.start or date.min, a.end or date.max
    lo_b, hi_b = b.start or date.min, b.end or date.max
    return lo_a < hi_b and lo_b < hi_a


def _check_roles(pack: Pack) -> Iterator[Warning]:
    """Role dates, and one title held at once by people of different parties. Holders of one title in
    the same party (three vice presidents, two spokespeople) are fine: the resolver then credits the party."""
    held: dict[str, list[tuple[str, Person, Role]]] = {}
    for n, person in enumerate(pack.people):
        for r, role in enumerate(person.roles):
            where = f"{_person_where(n, person)}.roles[{r}]"
            if role.start and role.end and role.start > role.end:
                yield Warning(
                    where,
                    f"role {role.title!r} starts on {role.start} after it ends on {role.end}: it is never valid",
                    "swap or correct the dates",
                    "role-dates",
                    role.title,
                )
            party = role.party or person.party
            for other_where, other, other_role in held.get(_key(role.title), []):
                if other is person or not _overlap(role, other_role):
                    continue
                other_party = other_role.party or other.party
                if other_party == party:
                    continue  # the resolver credits the party both speak for: no harm
                yield Warning(
                    where,
                    f"{other.name} ({other_where}) holds {role.title!r} for {other_party or 'no party'} at the "
                    f"same time as {person.name} for {party or 'no party'}; a text that names only the title "
                    "cannot be given to either party",
                    "make the titles specific ('EU chief negotiator', 'Britain's chief negotiator'), or give the "
                    "roles start/end dates that do not overlap (a shared hand-over day is fine)",
                    "role-overlap",
                    role.title,
                )
            held.setdefault(_key(role.title), []).append((where, person, role))


def _check_kinds(pack: Pack) -> Iterator[Warning]:
    for n, party in enumerate(pack.parties):
        where = _party_where(n, party)
        if party.kind not in PARTY_KINDS:
            hint = "use one of " + " | ".join(PARTY_KINDS)
            if party.kind.lower().startswith("organi"):
                hint = "write 'organisation' (British spelling)"
            yield Warning(f"{where}.kind", f"kind {party.kind!r} is read by nothing", hint, "unknown-kind", party.kind)
        if party.members and party.kind not in GROUP_KINDS:
            yield Warning(
                f"{where}.members",
                f"members make a party stand for other parties when it is the joint subject, which only a group or "
                f"bloc does; {party.id} is kind {party.kind!r}",
                "set kind: group (or bloc), or drop the members",
                "members-not-group",
                party.id,
            )
        if party.kind == "group" and not party.members:
            yield Warning(
                where,
                f"group {party.id} has no members, so it never stands for other parties",
                "list the party ids it stands for in members, or use kind organisation for a party of its own",
                "group-without-members",
                party.id,
            )
        if party.id in party.members:
            yield Warning(
                f"{where}.members",
                f"{party.id} lists itself as a member",
                "remove it from its own members",
                "member-self",
                party.id,
            )
    for n, person in enumerate(pack.people):
        where = _person_where(n, person)
        if person.kind not in PERSON_KINDS:
            yield Warning(
                f"{where}.kind",
                f"kind {person.kind!r} is read by nothing",
                "use one of " + " | ".join(PERSON_KINDS),
                "unknown-kind",
                person.kind,
            )
        if person.kind in ("person", "body") and person.party is None and not any(r.party for r in person.roles):
            yield Warning(
                where,
                f"{person.name} has no party and no role with a party: what they say counts for no party",
                "set party (or a party on their roles); for a quoted observer use kind analyst or media",
                "no-party",
                person.name,
            )


# --------------------------------------------------------------------------- regular expressions


def _parser() -> Any:
    try:
        return importlib.import_module("re._parser")
    except ImportError:  # pragma: no cover - Python < 3.11
        return importlib.import_module("sre_parse")


_CANDIDATES = " ae1-.,'_AZé\n\t"


def _in_class(ch: str, items: list[tuple[Any, Any]]) -> bool | None:
    """Is ``ch`` in the parsed character class (ignoring case)? None where the class is not understood."""
    negate = False
    hit = False
    for op, av in items:
        name = op.name
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            hit = hit or chr(av).lower() == ch.lower()
        elif name.startswith("RANGE"):
            lo, hi = av
            hit = hit or any(lo <= ord(c) <= hi for c in {ch, ch.lower(), ch.upper()})
        elif name == "CATEGORY":
            cat = av.name
            word = ch.isalnum() or ch == "_"
            value = {
                "CATEGORY_DIGIT": ch.isdigit(),
                "CATEGORY_NOT_DIGIT": not ch.isdigit(),
                "CATEGORY_SPACE": ch.isspace(),
                "CATEGORY_NOT_SPACE": not ch.isspace(),
                "CATEGORY_WORD": word,
                "CATEGORY_NOT_WORD": not word,
            }.get(cat)
            if value is None:
                return None
            hit = hit or value
        else:
            return None
    return hit != negate


def _class_char(items: list[tuple[Any, Any]]) -> str | None:
    """A character the class matches, preferring the first one written; None for an empty class."""
    own: list[str] = []
    for op, av in items:
        if op.name == "LITERAL":
            own.append(chr(av))
        elif op.name.startswith("RANGE"):
            own.append(chr(av[0]))
        elif op.name == "CATEGORY":
            own.append({"CATEGORY_DIGIT": "1", "CATEGORY_SPACE": " ", "CATEGORY_WORD": "a"}.get(av.name, " "))
    negated = bool(items) and items[0][0].name == "NEGATE"
    order = list(_CANDIDATES) + own if negated else own + list(_CANDIDATES)
    for ch in order:
        inside = _in_class(ch, items)
        if inside is None:
            return own[0] if own else "a"
        if inside:
            return ch
    return None


@dataclass
class _Sample:
    text: str
    empty_class: bool = False
    mid_anchor: bool = False


@dataclass
class _Gen:
    """Builds one string a pattern should match: branch ``alt`` (modulo its width) everywhere, optional
    parts left out or taken once. ``stems`` marks a word cut short by ``\\w*`` with a \\x01 after it."""

    alt: int
    take: bool
    stems: bool = False
    out: list[str] = field(default_factory=list)
    size: int = 0
    groups: dict[int, str] = field(default_factory=dict)
    begins: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    empty_class: bool = False

    def emit(self, s: str) -> None:
        self.out.append(s)
        self.size += len(s)

    def seq(self, items: Iterable[tuple[Any, Any]]) -> None:
        for op, av in items:
            self.item(op.name, av)

    def item(self, name: str, av: Any) -> None:
        if name == "LITERAL":
            self.emit(chr(av))
        elif name == "NOT_LITERAL":
            self.emit(" " if av != 32 else "a")
        elif name == "ANY":
            self.emit(" ")
        elif name == "IN":
            ch = _class_char(av)
            if ch is None:
                self.empty_class = True
                ch = ""
            self.emit(ch)
        elif name == "BRANCH":
            alts = av[1]
            self.seq(alts[self.alt % len(alts)])
        elif name in ("SUBPATTERN", "ATOMIC_GROUP"):
            sub = av[-1] if name == "SUBPATTERN" else av
            start = self.size
            self.seq(sub)
            if name == "SUBPATTERN" and av[0] is not None:
                self.groups[av[0]] = "".join(self.out)[start:]
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            lo, hi, sub = av
            if self.stems and lo == 0 and _is_word_class(sub):
                self.emit("\x01")
                return
            n = lo + 1 if self.take and hi > lo else lo
            for _ in range(min(n, 3) if lo <= 3 else n):
                self.seq(sub)
        elif name == "AT":
            code = av.name
            if code in ("AT_BEGINNING", "AT_BEGINNING_STRING", "AT_BEGINNING_LINE"):
                self.begins.append(self.size)
            elif code in ("AT_END", "AT_END_STRING", "AT_END_LINE"):
                self.ends.append(self.size)
        elif name == "GROUPREF":
            self.emit(self.groups.get(av, ""))
        elif name == "GROUPREF_EXISTS":
            self.seq(av[1])
        elif name == "ASSERT":
            direction, sub = av
            if direction < 0 or self.take:  # lookbehind: just before; lookahead: in one sample, just after
                self.seq(sub)
        elif name == "ASSERT_NOT":
            pass
        else:  # an op this walker does not know: a plausible word character
            self.emit("a")

    def sample(self) -> _Sample:
        text = "".join(self.out)
        mid = any(p > 0 for p in self.begins) or any(p < len(text) for p in self.ends)
        return _Sample(text, self.empty_class, mid)


def _is_word_class(sub: Any) -> bool:
    items = list(sub)
    if len(items) != 1 or items[0][0].name != "IN":
        return False
    return any(op.name == "CATEGORY" and av.name == "CATEGORY_WORD" for op, av in items[0][1])


def _width(items: Iterable[tuple[Any, Any]]) -> int:
    """The widest alternation in the pattern (how many samples cover every branch)."""
    best = 1
    for op, av in items:
        name = op.name
        if name == "BRANCH":
            best = max(best, len(av[1]), *(_width(a) for a in av[1]))
        elif name == "SUBPATTERN":
            best = max(best, _width(av[-1]))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            best = max(best, _width(av[2]))
        elif name in ("ASSERT", "ASSERT_NOT"):
            best = max(best, _width(av[1]))
        elif name == "ATOMIC_GROUP":
            best = max(best, _width(av))
    return best


def _samples(pattern: str, stems: bool = False) -> list[_Sample]:
    tree = _parser().parse(pattern, re.IGNORECASE)
    out: list[_Sample] = []
    seen: set[str] = set()
    for alt in range(min(_width(tree), 40)):
        for take in (False, True):
            gen = _Gen(alt, take, stems)
            gen.seq(tree)
            s = gen.sample()
            if s.text not in seen:
                seen.add(s.text)
                out.append(s)
    return out


def regex_samples(pattern: str) -> list[str]:
    """Plausible strings built from a pattern's own literal words: for every alternative of its widest
    alternation, once with optional parts left out and once with them taken once; a character class gives
    its first character (a negated one a space or a letter). A pattern that matches none of these, alone
    or inside a sentence, is reported as one that can never fire. A heuristic: lookaheads and back
    references are followed only roughly."""
    return [s.text for s in _samples(pattern)]


def _check_regex(pattern: str, where: str) -> Iterator[Warning]:
    rx = re.compile(pattern, re.IGNORECASE)
    samples = _samples(pattern)
    if rx.search("") is not None:
        only = all(not s.text for s in samples)
        yield Warning(
            where,
            f"{pattern!r} matches the empty string{' only' if only else ''}: it fires on every clause",
            "make at least one word required (drop the ? or * that makes everything optional)",
            "regex-empty",
            pattern,
        )
        return
    if any(rx.search(s.text) or rx.search(f"Officials said {s.text} on Monday.") for s in samples):
        return
    if any(s.empty_class for s in samples):
        why = "it has a character class that matches no character"
        hint = "fix the class (e.g. [^\\s\\S] matches nothing)"
    elif any(s.mid_anchor for s in samples):
        why = "it has an anchor (^, $, \\A, \\Z) in the middle, where nothing can precede or follow it"
        hint = "remove the anchor, or move it to the start (^) or end ($)"
    else:
        shown = ", ".join(repr(s.text) for s in samples[:3])
        why = f"it matches none of the strings built from its own words ({shown})"
        hint = "check word boundaries (\\b) next to spaces or punctuation, and lookarounds"
    yield Warning(where, f"{pattern!r} can never fire: {why}", hint, "regex-never", pattern)


def _rejecting_words(pattern: str) -> list[str]:
    """Rejecting verbs and negations a pattern's own words contain (in any of its alternatives)."""
    forms, bases, phrases = _rejecting()
    found: list[str] = []
    for s in _samples(pattern, stems=True):
        text = s.text.lower().replace("’", "'")
        for m in re.finditer(r"[a-z']+(\x01)?", text):
            word = m.group(0).rstrip("\x01")
            stem = m.group(1) is not None
            bare = word.replace("'", "")
            hit = ""
            if bare in NEGATIONS or word.endswith("n't") or word in forms:
                hit = word
            elif stem and len(word) >= 4:
                hit = next((v for v in bases if len(word) >= len(v) - 2 and
                            any(f.startswith(word) for f in _verb_forms(v))), "")
                hit = word if hit else ""
            if hit and hit not in found:
                found.append(hit)
        m2 = phrases.search(text.replace("\x01", ""))
        if m2 and m2.group(0) not in found:
            found.append(m2.group(0))
    return found


def _check_patterns(n: int, issue: Issue) -> Iterator[Warning]:
    where = _issue_where(n, issue)
    for g, group in enumerate(issue.triggers):
        for k, pat in enumerate(group):
            yield from _check_regex(pat, f"{where}.triggers[{g}][{k}]")
    for polarity in ("favor", "against"):
        patterns = issue.favor_patterns if polarity == "favor" else issue.against_patterns
        for k, pat in enumerate(patterns):
            place = f"{where}.{polarity}_patterns[{k}]"
            yield from _check_regex(pat, place)
            words = _rejecting_words(pat)
            if not words:
                continue
            shown = ", ".join(repr(w) for w in words)
            if polarity == "against":
                message = (f"against-pattern {pat!r} contains {shown}: the extractor already reads rejecting "
                           "verbs and negations ('X refused to pay'), so the stance is flipped twice and comes "
                           "out as favor")
                hint = ("write the pattern for what is rejected, without the rejecting word ('pay the bill', "
                        "not 'refuse to pay'), as a favor-pattern or a keyword; the extractor adds the refusal")
            else:
                message = (f"favor-pattern {pat!r} contains {shown}: the extractor reads the negation or "
                           "rejecting verb too and flips the stance, so 'X scrapped the fee' or 'X will never "
                           "regain all' comes out as against")
                hint = ("leave the negation or rejecting verb out of the pattern (match what it acts on) and let "
                        "the extractor read it, or phrase the proposition the other way round")
            yield Warning(place, message, hint, "double-negation", pat)


# --------------------------------------------------------------------------- issues and keywords

_QUESTION_WORDS = _wordset(
    "whether should shall will would can could does do did is are was were has have who what when where which why how"
)
_REGEX_CHARS = re.compile(r"[\\|\[\]*+?^${}]")  # parentheses are fine: '401(k)'


def _stem(word: str) -> str:
    """A crude stem for comparing keywords with text: one common suffix off (not spaCy's lemma)."""
    word = word.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""), ("e", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + repl
    return word


def keyword_key(keyword: str) -> str:
    """How two keywords compare: lower case, crude stems, hyphens as spaces ('Cease-fires' = 'cease fire')."""
    return " ".join(_stem(w) for w in re.findall(r"[\w']+", keyword.lower().replace("’", "'")))


def _words(text: str) -> list[str]:
    return [_stem(w) for w in re.findall(r"[\w']+", text.lower().replace("’", "'"))]


def keyword_found(keyword: str, text: str) -> bool:
    """Does ``text`` contain ``keyword`` (approximately: crude stems, hyphens as spaces or joined)?"""
    kw = _words(keyword)
    if not kw:
        return False
    for words in (_words(text), _words(text.replace("-", ""))):
        for i in range(len(words) - len(kw) + 1):
            if words[i : i + len(kw)] == kw:
                return True
    joined = "".join(kw)
    return joined in _words(text) or joined in _words(text.replace("-", ""))


def _found_by(issue: Issue, text: str) -> bool:
    if any(keyword_found(k, text) for k in issue.keywords):
        return True
    for group in issue.triggers:
        if group and all(re.search(p, text, re.IGNORECASE) for p in group):
            return True
    return any(re.search(p, text, re.IGNORECASE) for p in issue.favor_patterns + issue.against_patterns)


def _check_issue(n: int, issue: Issue) -> Iterator[Warning]:
    where = _issue_where(n, issue)
    prop = issue.proposition.strip()
    first = prop.split()[0].lower().strip("\"'“(") if prop else ""
    if not prop:
        yield Warning(f"{where}.proposition", "the proposition is empty: 'favor' supports nothing",
                      "write one sentence that 'favor' supports", "proposition", "")
    elif prop.endswith("?") or first in _QUESTION_WORDS:
        yield Warning(
            f"{where}.proposition",
            f"the proposition {prop!r} is a question: 'favor' and 'against' need a statement to support or reject",
            "write it as a statement ('Ukraine joins NATO.', not 'Should Ukraine join NATO?')",
            "proposition",
            prop,
        )
    if not (issue.keywords or any(issue.triggers) or issue.favor_patterns or issue.against_patterns):
        yield Warning(
            where,
            "nothing can find this issue: it has no keywords, triggers or patterns",
            "add keywords: the words and phrases news uses for the issue",
            "undetectable-issue",
            issue.id,
        )
    if issue.favor_from == issue.scale[0].id:
        yield Warning(
            f"{where}.favor_from",
            f"favor_from is {issue.favor_from!r}, the first scale option: every option realises the proposition "
            "and 'against' names no option",
            "set favor_from to the first option at which the proposition holds (not the bottom one), or add "
            "a bottom option for 'it does not hold'",
            "favor-from-first",
            issue.favor_from,
        )
    common = common_words()
    for k, keyword in enumerate(issue.keywords):
        place = f"{where}.keywords[{k}]"
        if not keyword.strip():
            yield Warning(place, "empty keyword", "remove it", "keyword-regex", keyword)
        elif _REGEX_CHARS.search(keyword):
            yield Warning(
                place,
                f"keyword {keyword!r} looks like a regular expression; keywords are plain words, matched on lemmas",
                "write the plain word or phrase ('ceasefire', 'truce'); put regexes in triggers (experts)",
                "keyword-regex",
                keyword,
            )
        elif _key(keyword) in common or _key(keyword) in GENERIC_KEYWORDS:
            yield Warning(
                place,
                f"keyword {keyword!r} is so common it raises the issue in nearly every clause",
                "use a phrase specific to the issue ('peace treaty', not 'deal')",
                "keyword-common",
                keyword,
            )
    if issue.keywords or any(issue.triggers) or issue.favor_patterns or issue.against_patterns:
        for side in ("favor", "against"):
            for e, example in enumerate(getattr(issue.examples, side)):
                if not _found_by(issue, example):
                    yield Warning(
                        f"{where}.examples.{side}[{e}]",
                        f"none of the issue's keywords or triggers is in the example {example!r} (approximate "
                        "check on word stems), so the extractor would not raise the issue there",
                        "add the word the example uses for the issue to keywords, or reword the example",
                        "example-unfound",
                        example,
                    )
    yield from _check_patterns(n, issue)


def _check_keyword_duplicates(pack: Pack) -> Iterator[Warning]:
    seen: dict[str, tuple[int, Issue, int]] = {}
    for n, issue in enumerate(pack.issues):
        for k, keyword in enumerate(issue.keywords):
            key = keyword_key(keyword)
            if not key:
                continue
            prev = seen.get(key)
            if prev is None:
                seen[key] = (n, issue, k)
                continue
            pn, pissue, pk = prev
            if pissue is issue:
                message = f"keyword {keyword!r} repeats {_issue_where(pn, pissue)}.keywords[{pk}]"
                hint = "remove the repeat (keywords match on lemmas: 'truce' also finds 'truces')"
            else:
                message = (f"keyword {keyword!r} is also a keyword of {_issue_where(pn, pissue)}.keywords[{pk}]: "
                           "every mention raises both issues")
                hint = "keep it on the issue it names best, and use a phrase specific to each issue"
            yield Warning(f"{_issue_where(n, issue)}.keywords[{k}]", message, hint, "keyword-duplicate", keyword)


# --------------------------------------------------------------------------- entry points


def check_pack(pack: Pack) -> list[Warning]:
    """Everything in a valid pack that cannot work as written, in pack order (names, people, issues)."""
    out: list[Warning] = []
    out += _check_kinds(pack)
    out += _check_collisions(pack)
    out += _check_common_words(pack)
    out += _check_roles(pack)
    for n, issue in enumerate(pack.issues):
        out += _check_issue(n, issue)
    out += _check_keyword_duplicates(pack)
    return out


@dataclass(frozen=True)
class Acceptance:
    """A ``# check: accept CODE SUBJECT -- reason`` comment in a pack file."""

    code: str
    subject: str
    reason: str
    line: int

    def covers(self, warning: Warning) -> bool:
        return warning.code == self.code and _key(warning.subject) == _key(self.subject)


_ACCEPT = re.compile(
    r"#\s*check:\s*accept\s+(?P<code>[\w-]+)\s+(?:\"(?P<q>[^\"]*)\"|'(?P<s>[^']*)'|(?P<w>\S+?):?(?=\s|$))"
    r"\s*(?:--|—|:)?\s*(?P<reason>.*)$"
)


def accepted_in(text: str) -> list[Acceptance]:
    """The acceptance comments in a pack file's text. A comment without a reason accepts nothing."""
    out = []
    for i, line in enumerate(text.splitlines(), 1):
        m = _ACCEPT.search(line)
        if not m or not m.group("reason").strip():
            continue
        subject = m.group("q") if m.group("q") is not None else m.group("s") if m.group("s") is not None \
            else m.group("w")
        out.append(Acceptance(m.group("code"), subject, m.group("reason").strip(), i))
    return out


@dataclass
class CheckResult:
    """The warnings a pack file still has, and those its comments accept (with the comment)."""

    warnings: list[Warning]
    accepted: list[tuple[Warning, Acceptance]]
    unused: list[Acceptance]  # acceptance comments that matched no warning (stale)


def check_text(pack: Pack, text: str) -> CheckResult:
    """check_pack, less what the file's ``# check: accept`` comments accept."""
    accepts = accepted_in(text)
    used: set[int] = set()
    open_: list[Warning] = []
    accepted: list[tuple[Warning, Acceptance]] = []
    for w in check_pack(pack):
        a = next((a for a in accepts if a.covers(w)), None)
        if a is None:
            open_.append(w)
        else:
            accepted.append((w, a))
            used.add(a.line)
    return CheckResult(open_, accepted, [a for a in accepts if a.line not in used])


def check_file(path: str | Path | None = None) -> CheckResult:
    """Load a pack (the bundled default when None) and check it; raises PackError where it does not load."""
    from redline.pack import default_pack_path, load_pack

    p = Path(path) if path is not None else default_pack_path()
    pack = load_pack(p)
    return check_text(pack, p.read_text(encoding="utf-8"))
