"""Extraction: turn stored articles into evidence-linked positions.

    nlp (spaCy + redline components) -> attribution frames -> anchors x issue mentions -> Position

Library entry points return data; :mod:`redline.cli` formats it.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from redline.extract.learned import Candidate
from redline.extract.stance import Extractor
from redline.extract.stance_model import Reading, shipped_model
from redline.extract.tagger import shipped_tagger
from redline.nlp import load_nlp
from redline.nlp.encoder import EncoderMissing
from redline.pack import Pack, load_pack
from redline.store import Store
from redline.types import Document, IngestProblem, Position

__all__ = ["Explanation", "ExtractResult", "Extractor", "explain_text", "extract_documents", "extract_text",
           "run_extract"]

_EXTRACTORS: dict[int, Extractor] = {}


def _extractor(pack: Pack) -> Extractor:
    if id(pack) not in _EXTRACTORS:
        mode = os.environ.get("REDLINE_STANCE", "auto")
        model = None
        if mode != "rules":
            try:
                model = shipped_model()
            except EncoderMissing as exc:  # a broken install: say so once, keep the rule reading
                warnings.warn(f"{exc}; extracting with the rules alone", stacklevel=2)
        threshold = float(os.environ.get("REDLINE_STANCE_THRESHOLD", "0.4"))
        tagger = None
        if model is not None and os.environ.get("REDLINE_TAGGER", "1") != "0":
            try:
                tagger = shipped_tagger()
            except EncoderMissing as exc:
                warnings.warn(f"{exc}; candidate holders come from the rules' frames alone", stacklevel=2)
        _EXTRACTORS[id(pack)] = Extractor(pack, model, mode=mode, threshold=threshold, tagger=tagger)
    return _EXTRACTORS[id(pack)]


def default_processes() -> int:
    """Worker processes for extraction: ``$REDLINE_PROCESSES``, else the cores this process may use (<= 4)."""
    env = os.environ.get("REDLINE_PROCESSES")
    if env and env.isdigit():
        return max(1, int(env))
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 4))


def _chunks(items: Iterable[Document], size: int) -> Iterator[list[Document]]:
    chunk: list[Document] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _extract_serial(documents: Iterable[Document], pack: Pack,
                    batch_size: int) -> Iterator[tuple[Document, list[Position]]]:
    nlp = load_nlp(pack)
    extractor = _extractor(pack)
    for chunk in _chunks(documents, batch_size):
        for document, doc in zip(chunk, nlp.pipe((d.text for d in chunk), batch_size=batch_size), strict=True):
            yield document, extractor.extract(doc, document)


_WORKER: tuple[Any, Extractor] | None = None


def _init_worker(pack: Pack) -> None:
    global _WORKER
    import torch

    torch.set_num_threads(1)  # one core a process: the processes are the parallelism
    _WORKER = (load_nlp(pack), _extractor(pack))


def _work(document: Document) -> tuple[Document, list[Position]]:
    assert _WORKER is not None
    nlp, extractor = _WORKER
    return document, extractor.extract(nlp(document.text), document)


def extract_documents(documents: Iterable[Document], pack: Pack | None = None, *, batch_size: int = 16,
                      processes: int | None = None) -> Iterator[tuple[Document, list[Position]]]:
    """Parse documents and yield each with its positions, in input order, streaming.

    With more than one process (default: :func:`default_processes`) the documents are parsed and read
    in forked worker processes, each with its own pipeline and one torch thread; only documents and
    positions cross between processes. A few documents are done in this process.
    """
    pack = pack or load_pack()
    processes = default_processes() if processes is None else processes
    docs = iter(documents)
    head = list(itertools.islice(docs, 4 * processes))
    if processes <= 1 or len(head) < 2 * processes:
        yield from _extract_serial(itertools.chain(head, docs), pack, batch_size)
        return
    _extractor(pack)  # load the models before forking: the workers share the pages
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(processes, initializer=_init_worker, initargs=(pack,)) as pool:
        for chunk in _chunks(itertools.chain(head, docs), 32 * processes):  # bounded memory: a window at a time
            yield from pool.imap(_work, chunk, chunksize=2)


def extract_text(text: str, pack: Pack | None = None, *, name: str = "<text>", date: str | None = None,
                 outlet: str | None = None) -> list[Position]:
    """Positions in one text (not stored): handy in notebooks and tests."""
    doc = Document(name=name, text=text, date=date, outlet=outlet)
    return next(extract_documents([doc], pack))[1]


@dataclass
class Explanation:
    """What redline reads in one text: every (holder, issue) pair it considered, and the positions kept."""

    positions: list[Position]
    readings: list[tuple[Candidate, Reading]]
    issues_by_sentence: list[tuple[str, list[str]]]  # sentence text, issue ids its words raise


def explain_text(text: str, pack: Pack | None = None) -> Explanation:
    """Extract one text and keep the trace: holders, issues and the model's reading of each pair."""
    pack = pack or load_pack()
    extractor = _extractor(pack)
    doc = load_nlp(pack)(text)
    extractor.trace = []
    try:
        positions = extractor.extract(doc, Document(name="<text>", text=text))
        readings = extractor.trace
    finally:
        extractor.trace = None
    sentences = [(s.text.strip(), [i.id for i in extractor.index.issues_in(s.text)]) for s in doc.sents
                 if s.text.strip()]
    return Explanation(positions, readings, sentences)


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

    def todo() -> Iterator[Document]:  # lazily: texts are read from the store as the workers need them
        for doc_id in doc_ids:
            meta = store.get_document(doc_id)
            if meta.duplicate_of is not None:
                continue
            result.documents += 1
            if force or not store.extracted(doc_id, pack.id, version):
                yield meta

    for document, positions in extract_documents(todo(), pack):
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
