"""`redline pack migrate`: bring an older pack (regex triggers only) to the current form.

For each issue the migration adds ``keywords`` derived from the literal words of its trigger regexes
(``\\b(ceasefire|truce)\\b`` gives ``ceasefire`` and ``truce``), and empty ``description`` and
``examples`` for the author to fill in. It keeps the regexes (they still work) and leaves scales,
parties and people as they are. Only triggers that are one regex by themselves give keywords: a
trigger of several regexes that must all match one clause ("children" with "returned") is narrower
than any of its words, so it stays a trigger and gives none.

A regex alternative becomes a keyword only where it is plain text: letters, digits, spaces and
hyphens, with optional letters (``prisoners?``, ``cease-?fire``: both readings), small letter classes
(``zangez[uo]r``) and word boundaries. Word stems cut short by ``\\w*`` (``freez\\w*``), gaps
(``[^.;]{0,30}``), digits classes and lookarounds are not plain text and give no keyword.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from redline.pack.schema import Pack
from redline.yamlfile import read_yaml, validation_message

MAX_ALTERNATIVES = 24  # per regex: more than this and the regex is a pattern, not a word list

HEADER = """\
# redline negotiation pack, migrated by `redline pack migrate` from {source}.
#
# What changed (docs/packs.md describes every field):
#   description  a sentence or two on what the issue covers: left empty, fill it in.
#   keywords     plain words and phrases that raise the issue, matched on lemmas, case-insensitive
#                ('truce' also finds 'truces'). Derived here from the literal words of the trigger
#                regexes: review them, add the words news uses for the issue, remove any too broad.
#   examples     a few statements for (favor) and against the proposition, in ordinary news wording:
#                left empty, fill them in.
#   triggers, favor_patterns, against_patterns
#                kept as they were: the regexes still work. They are for experts now; a pack in the
#                current form needs only keywords and examples.
#   scale        optional (default: no / yes); left as it was.
# Then run `redline pack check` on this file.
"""


class MigrationError(ValueError):
    """The input cannot be migrated (unreadable, not a pack, or the result does not validate)."""


@dataclass
class Migration:
    text: str  # the migrated pack, YAML with a header
    notes: list[str] = field(default_factory=list)  # one line per thing the author should look at


def _parser() -> Any:
    try:
        return importlib.import_module("re._parser")
    except ImportError:  # pragma: no cover - Python < 3.11
        return importlib.import_module("sre_parse")


def _is_separator_class(items: list[tuple[Any, Any]]) -> bool:
    """[- ], [ -], \\s: a space or a hyphen between words."""
    if not items:
        return False
    for op, av in items:
        if op.name == "LITERAL" and chr(av) in " -":
            continue
        if op.name == "CATEGORY" and av.name == "CATEGORY_SPACE":
            continue
        return False
    return True


def _separator(items: list[tuple[Any, Any]]) -> str:
    """The separator as the pattern writes it first: [- ] gives '-', [ -] and \\s give ' '."""
    op, av = items[0]
    return chr(av) if op.name == "LITERAL" else " "


def _alts(items: Any) -> list[str] | None:
    """The plain-text readings of a parsed sequence, or None where it is not plain text."""
    out = [""]
    for op, av in items:
        part = _item(op.name, av)
        if part is None:
            return None
        out = [a + b for a, b in product(out, part)]
        if len(out) > MAX_ALTERNATIVES:
            return None
    return out


def _item(name: str, av: Any) -> list[str] | None:
    if name == "LITERAL":
        return [chr(av)]
    if name == "AT":  # \b, ^, $: no text
        return [""]
    if name == "SUBPATTERN":
        return _alts(av[-1])
    if name == "BRANCH":
        found: list[str] = []
        for alt in av[1]:
            texts = _alts(alt)
            if texts is not None:  # keep the plain alternatives, skip the others
                found.extend(texts)
        return found or None
    if name == "IN":
        if _is_separator_class(av):
            return [_separator(av)]
        letters = [chr(a) for op, a in av if op.name == "LITERAL"]
        if len(letters) == len(av) and 0 < len(letters) <= 3 and all(c.isalpha() for c in letters):
            return letters
        return None
    if name in ("MAX_REPEAT", "MIN_REPEAT"):
        lo, hi, sub = av
        sub_items = list(sub)
        if len(sub_items) == 1 and sub_items[0][0].name == "IN" and _is_separator_class(sub_items[0][1]):
            sep = _separator(sub_items[0][1])
            return [sep] if lo else ["", sep]
        inner = _alts(sub)
        if inner is None:
            return None
        if lo == 0 and hi == 1:
            return ["", *inner]
        if lo == 1 and hi == 1:
            return inner
        if lo >= 1 and all(len(t) == 1 for t in inner):  # donbas+ : one or more of a letter
            return inner
        return None
    return None


_PLAIN = re.compile(r"^\w[\w '&-]*\w$")


def keywords_from_regex(pattern: str) -> list[str]:
    """Plain words and phrases a trigger regex stands for; [] where it is not a word list."""
    try:
        tree = _parser().parse(pattern, re.IGNORECASE)
    except re.error:
        return []
    texts = _alts(tree)
    if not texts:
        return []
    if _open_ended(pattern) and pattern.rstrip().endswith("]"):
        return []  # 'demilitari[sz]' with no boundary after it: a stem, not a word
    from redline.pack.check import stop_words

    stop = stop_words()
    out: list[str] = []
    for text in texts:
        words = text.lower().split()
        while words and words[-1] in stop:  # 'bodies of' -> 'bodies', 'poll on' -> 'poll'
            words.pop()
        kw = " ".join(words)
        if len(kw) < 3 or not _PLAIN.match(kw) or kw in stop or kw.isdigit():
            continue
        if kw not in out:
            out.append(kw)
    return out


def _drop_inflections(keywords: list[str]) -> list[str]:
    """'prisoner' and 'prisoners' are one keyword (matching is on lemmas): keep the shorter."""
    from redline.pack.check import keyword_key

    best: dict[str, str] = {}
    for k in keywords:
        key = keyword_key(k)
        if key not in best or len(k) < len(best[key]):
            best[key] = k
    kept = set(best.values())
    out: list[str] = []
    for k in keywords:
        if k in kept and k not in out:
            out.append(k)
    return out


def _open_ended(pattern: str) -> bool:
    """A regex that does not end on a word boundary may stand for a stem ('peacekeep', 'demilitaris')."""
    return not re.search(r"(\\b|\$)\)*$", pattern)


def issue_keywords(issue: dict[str, Any]) -> list[str]:
    """Keywords for one raw issue: its own, then those derived from its one-regex triggers."""
    found: list[str] = [str(k) for k in issue.get("keywords") or []]
    for group in issue.get("triggers") or []:
        if isinstance(group, list) and len(group) == 1:
            found.extend(keywords_from_regex(str(group[0])))
    return _drop_inflections(found)


_ISSUE_ORDER = ("id", "name", "proposition", "description", "keywords", "examples")


def migrate_raw(raw: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The migrated pack as plain data, and notes for the author."""
    notes: list[str] = []
    issues = raw.get("issues")
    if not isinstance(issues, list):
        raise MigrationError("a pack must have a list of issues")
    new_issues = []
    for n, issue in enumerate(issues):
        if not isinstance(issue, dict):
            raise MigrationError(f"issues[{n}] is not a mapping")
        item = dict(issue)
        item["keywords"] = issue_keywords(issue)
        item.setdefault("description", "")
        examples = item.get("examples") or {}
        item["examples"] = {"favor": list(examples.get("favor") or []), "against": list(examples.get("against") or [])}
        where = f"issues[{n}] ({issue.get('id', '?')})"
        if not item["keywords"]:
            notes.append(f"{where}: no keyword could be derived from its triggers; write keywords by hand")
        multi = [g for g in item.get("triggers") or [] if isinstance(g, list) and len(g) > 1]
        if multi:
            notes.append(f"{where}: {len(multi)} trigger(s) of several regexes kept as they are (no keywords)")
        ordered = {k: item[k] for k in _ISSUE_ORDER if k in item}
        ordered.update({k: v for k, v in item.items() if k not in ordered})
        new_issues.append(ordered)
    out = dict(raw)
    out["issues"] = new_issues
    return out, notes


def _leading_comments(text: str) -> list[str]:
    lines = []
    for line in text.splitlines():
        if line.startswith("#"):
            lines.append(line)
        elif line.strip():
            break
    return lines


def migrate_text(text: str, source: str = "an older pack") -> Migration:
    """Migrate a pack given as YAML text; the result is checked against the schema."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise MigrationError(f"{source}: not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(raw, dict):
        raise MigrationError(f"{source}: a pack must be a YAML mapping with parties, people, issues, framing")
    data, notes = migrate_raw(raw)
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110, default_flow_style=None)
    body = re.sub(r"\n(?=[A-Za-z_]+:)", "\n\n", body)  # a blank line before each top-level section
    header = HEADER.format(source=source)
    original = _leading_comments(text)
    if original:
        header += "#\n# The original header:\n" + "\n".join(original) + "\n"
    result = header + body
    try:
        Pack.model_validate(yaml.safe_load(result))
    except ValidationError as exc:
        raise MigrationError(validation_message(Path(source), exc)) from exc
    return Migration(result, notes)


def migrate_file(path: str | Path) -> Migration:
    """Migrate a pack file; raises MigrationError (naming the file) where it cannot."""
    p = Path(path)
    read_yaml(p, MigrationError, "pack")  # readable, UTF-8, YAML: one clear line otherwise
    return migrate_text(p.read_text(encoding="utf-8"), str(p))
