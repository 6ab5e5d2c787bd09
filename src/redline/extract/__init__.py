"""Extraction: turn stored articles into evidence-linked positions.

    nlp (spaCy + redline components) -> attribution frames -> anchors x issue mentions -> Position

Library entry points return data; :mod:`redline.cli` formats it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from redline.extract.stance import Extractor
from redline.nlp import load_nlp
from redline.pack import Pack, load_pack
from redline.store import Store
from redline.types import Document, IngestProblem, Position

__all__ = ["ExtractResult", "Extractor", "extract_documents", "extract_text", "run_extract"]

_EXTRACTORS: dict[int, Extractor] = {}


def _extractor(pack: Pack) -> Extractor:
    if id(pack) not in _EXTRACTORS:
        _EXTRACTORS[id(pack)] = Extractor(pack)
    return _EXTRACTORS[id(pack)]


def extract_documents(documents: Iterable[Document], pack: Pack | None = None, *,
                      batch_size: int = 16) -> Iterator[tuple[Document, list[Position]]]:
    """Parse documents in batches and yield each with its positions."""
    pack = pack or load_pack()
    nlp = load_nlp(pack)
    extractor = _extractor(pack)
    docs = list(documents)
    for document, doc in zip(docs, nlp.pipe((d.text for d in docs), batch_size=batch_size), strict=True):
        yield document, extractor.extract(doc, document)


def extract_text(text: str, pack: Pack | None = None, *, name: str = "<text>", date: str | None = None,
                 outlet: str | None = None) -> list[Position]:
    """Positions in one text (not stored): handy in notebooks and tests."""
    doc = Document(name=name, text=text, date=date, outlet=outlet)
    return next(extract_documents([doc], pack))[1]


@dataclass
class ExtractResult:
    positions: list[Position] = field(default_factory=list)
    documents: int = 0  # documents covered
    extracted: int = 0  # documents (re-)extracted in this run
    problems: list[IngestProblem] = field(default_factory=list)


def run_extract(store: Store, doc_ids: list[int], pack: Pack, *, force: bool = False,
                progress: Callable[[int], None] | None = None) -> ExtractResult:
    """Extract every listed stored document not extracted yet with this pack and extractor version
    (all of them with ``force``), store the positions, and return the positions of all listed documents.
    Duplicates (syndicated copies) are skipped: their first copy carries the positions."""
    result = ExtractResult()
    version = _extractor(pack).fingerprint  # a changed pack or lexicon re-extracts
    todo: list[Document] = []
    for doc_id in doc_ids:
        meta = store.get_document(doc_id)
        if meta.duplicate_of is not None:
            continue
        result.documents += 1
        if force or not store.extracted(doc_id, pack.id, version):
            todo.append(meta)
    for document, positions in extract_documents(todo, pack):
        assert document.id is not None
        try:
            store.replace_positions(document.id, positions, pack_id=pack.id, extractor_version=version)
        except ValueError as exc:  # a position whose evidence does not match the text: a bug, recorded
            result.problems.append(IngestProblem(document.name, f"extraction failed: {exc}"))
            continue
        result.extracted += 1
        if progress:
            progress(1)
    for doc_id in doc_ids:
        result.positions.extend(store.positions(doc_id=doc_id))
    return result
