"""Benchmark redline's attribution component on PolNeAR in CofeNet format (exact-match span F1).

Usage::

    python benchmarks/attribution_polnear.py [FILE] [--system rules|tagger|merged] [--limit N] [--json] [--errors N]

FILE (default ``../shared/data/polnear_valid.jsonl``) holds one passage per line: ``tokens`` (PTB
tokens), ``labels`` (B-/I- source, cue, content, or O) and optionally ``id`` (the article). The
passages of one article are rebuilt into one text, a passage per line, so that the pipeline sees each
article once (``redline_lines`` starts a sentence at every line break, so no sentence spans two
passages). PTB escapes are undone (the quote tokens become curly quotation marks -- a ``''`` with no
quotation open and a word after it opens one, as PTB sometimes writes -- and ``-LRB-`` a parenthesis),
spacing follows English punctuation, and every token keeps its character offsets.

Systems (``--system``):

- ``rules``: redline's own ``redline_attribution`` component, run through ``redline.nlp.load_nlp`` (the
  same pipeline ``extract_documents`` uses): each frame's source, cue and content character spans.
- ``tagger``: the learned tagger (:mod:`redline.extract.tagger`, the shipped artifact or ``--model``)
  over each rebuilt text: its source, cue and content spans as it gives them.
- ``merged`` (the default): the tagger's spans, plus the rule component's spans of a type where the
  tagger has none of that type overlapping them (see :func:`merge_spans`).

Every system's character spans are mapped to the PTB tokens they cover and compared with the gold
spans. A predicted span counts only
if it has exactly the gold span's first and last token and type. Precision, recall and F1 are micro
averages over all passages; duplicates (one source for two cues) count once.

Spans are scored exactly as the component gives them (a direct quotation's content includes its
quotation marks, as PolNeAR annotates it); nothing is remapped here.

``--errors N`` prints N passages where the prediction differs from the gold, for error analysis.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_FILE = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "polnear_valid.jsonl"
TYPES = ("source", "cue", "content")
SCORED = TYPES
CHUNK = 20  # passages per text when the file has no article ids

# PTB escapes -> characters (quotes become curly, which redline's quotation finder reads unambiguously)
PTB = {
    "``": "“", "''": "”", "`": "‘",
    "-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}",
}
# no space before these tokens / after these tokens when rebuilding text
_NO_SPACE_BEFORE = {",", ".", ":", ";", "?", "!", "%", ")", "]", "}", "”", "'s", "'", "n't", "'re", "'ve",
                    "'ll", "'m", "'d", "...", "'S", "N'T"}
_NO_SPACE_AFTER = {"(", "[", "{", "“", "$", "‘"}

Span = tuple[str, int, int]  # (type, first token, last token + 1)


@dataclass
class Item:
    """One passage: tokens, gold labels, article id."""

    tokens: list[str]
    labels: list[str]
    doc_id: str | None = None

    def gold(self) -> set[Span]:
        return bio_spans(self.labels)


@dataclass
class Group:
    """Consecutive passages rebuilt into one text; ``offsets[k][j]`` is the char span of token j of
    passage k in ``text``."""

    items: list[Item]
    text: str = ""
    offsets: list[list[tuple[int, int]]] = field(default_factory=list)


@dataclass
class Score:
    tp: int = 0
    pred: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.tp / self.pred if self.pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_json(self) -> dict[str, float | int]:
        return {"precision": round(100 * self.precision, 1), "recall": round(100 * self.recall, 1),
                "f1": round(100 * self.f1, 1), "tp": self.tp, "pred": self.pred, "gold": self.gold}


def bio_spans(labels: Sequence[str]) -> set[Span]:
    """Spans of a B-/I- label sequence (an I- after O or another type opens a span)."""
    out: set[Span] = set()
    cur: tuple[str, int] | None = None
    for i, label in enumerate([*labels, "O"]):
        kind = label[2:] if label[:2] in ("B-", "I-") else None
        if cur and (kind != cur[0] or label.startswith("B-")):
            out.add((cur[0], cur[1], i))
            cur = None
        if kind and cur is None:
            cur = (kind, i)
    return out


def load_items(path: str | Path, limit: int | None = None) -> list[Item]:
    items: list[Item] = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            items.append(Item(list(row["tokens"]), list(row["labels"]), row.get("id")))
            if limit is not None and len(items) >= limit:
                break
    return items


def group_items(items: Sequence[Item], chunk: int = CHUNK) -> list[Group]:
    """Consecutive passages of one article form a group (chunks of ``chunk`` without ids)."""
    groups: list[Group] = []
    for item in items:
        if groups and (item.doc_id is not None and groups[-1].items[-1].doc_id == item.doc_id
                       or item.doc_id is None and len(groups[-1].items) < chunk):
            groups[-1].items.append(item)
        else:
            groups.append(Group([item]))
    for group in groups:
        build_text(group)
    return groups


def build_text(group: Group) -> None:
    """Detokenise the group's passages into one text (a passage per line), recording offsets."""
    parts: list[str] = []
    pos = 0
    group.offsets = []
    for k, item in enumerate(group.items):
        if k:
            parts.append("\n")
            pos += 1
        offs: list[tuple[int, int]] = []
        prev = ""
        open_quote = False
        for j, tok in enumerate(item.tokens):
            word = PTB.get(tok, tok)
            if tok in ("``", "''"):
                # PTB sometimes writes an opening mark as '': a mark with no quotation open opens one
                # when a word follows it
                following = item.tokens[j + 1] if j + 1 < len(item.tokens) else ""
                opening = tok == "``" or not open_quote and following[:1].isalnum()
                word = "“" if opening else "”"
                open_quote = opening
            if j and not (tok in _NO_SPACE_BEFORE or word in _NO_SPACE_BEFORE or prev in _NO_SPACE_AFTER):
                parts.append(" ")
                pos += 1
            parts.append(word)
            offs.append((pos, pos + len(word)))
            pos += len(word)
            prev = word
        group.offsets.append(offs)
    group.text = "".join(parts)


def char_to_tokens(offsets: list[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    """The passage tokens a char span covers: (first, last + 1), or None if it covers none."""
    first = next((j for j, (_a, b) in enumerate(offsets) if b > start), None)
    last = next((j for j in range(len(offsets) - 1, -1, -1) if offsets[j][0] < end), None)
    if first is None or last is None or last < first:
        return None
    return first, last + 1


def frame_spans(group: Group, frames: Iterable[object]) -> list[set[Span]]:
    """Predicted spans per passage of the group, from the doc's attribution frames, unchanged."""
    starts = [offs[0][0] if offs else 0 for offs in group.offsets]
    ends = [offs[-1][1] if offs else 0 for offs in group.offsets]
    out: list[set[Span]] = [set() for _ in group.items]
    for frame in frames:
        spans: list[tuple[str, tuple[int, int] | None]] = [(kind, getattr(frame, kind)) for kind in TYPES]
        for kind, span in spans:
            if span is None:
                continue
            k = next((k for k in range(len(group.items)) if starts[k] <= span[0] < ends[k] + 1), None)
            if k is None:
                continue
            toks = char_to_tokens(group.offsets[k], span[0], span[1])
            if toks:
                out[k].add((kind, *toks))
    return out


@dataclass
class _Spans:
    """A frame-like holder of one predicted span, so that :func:`frame_spans` maps it."""

    source: tuple[int, int] | None = None
    cue: tuple[int, int] | None = None
    content: tuple[int, int] | None = None


def as_frames(spans: Iterable[tuple[str, int, int]]) -> list[_Spans]:
    return [_Spans(**{kind: (a, b)}) for kind, a, b in spans]


def merge_spans(tagged: Sequence[tuple[str, int, int]], frames: Iterable[object],
                kinds: Sequence[str] = ("content",)) -> list[tuple[str, int, int]]:
    """The tagger's spans, plus each rule span of a type in ``kinds`` that no tagger span of that
    type overlaps."""
    out = list(tagged)
    for frame in frames:
        for kind in kinds:
            span = getattr(frame, kind, None)
            if span is None:
                continue
            a, b = span
            if not any(k == kind and s < b and a < e for k, s, e in out):
                out.append((kind, a, b))
    return out


def predict_tagger(groups: Sequence[Group], tagger: object | None = None,
                   nlp: object | None = None, merge: Sequence[str] = ()) -> Iterator[list[set[Span]]]:
    """Predicted spans per passage from the learned tagger (``redline.extract.tagger``); with ``merge``
    (span types), the rule component's spans of those types are added where the tagger has none."""
    if tagger is None:
        from redline.extract.tagger import AttributionTagger

        tagger = AttributionTagger.load()
    tagged = tagger.tag([g.text for g in groups])  # type: ignore[attr-defined]
    if merge:
        if nlp is None:
            from redline.nlp import load_nlp

            nlp = load_nlp()
        docs = nlp.pipe((g.text for g in groups), batch_size=8)  # type: ignore[attr-defined]
    else:
        docs = iter([None] * len(groups))
    for group, spans, doc in zip(groups, tagged, docs, strict=True):
        triples = [(s.kind, s.start, s.end) for s in spans]
        if doc is not None:
            triples = merge_spans(triples, doc._.frames or [], merge)
        yield frame_spans(group, as_frames(triples))


def predict(groups: Sequence[Group], nlp: object | None = None, batch_size: int = 8) -> Iterator[list[set[Span]]]:
    """Predicted spans per passage, group by group, from redline's pipeline (``load_nlp``)."""
    if nlp is None:
        from redline.nlp import load_nlp

        nlp = load_nlp()
    pipe = nlp.pipe  # type: ignore[attr-defined]
    for group, doc in zip(groups, pipe((g.text for g in groups), batch_size=batch_size), strict=True):
        yield frame_spans(group, doc._.frames or [])


SYSTEMS = ("rules", "tagger", "merged")
MERGE_KINDS = ("content",)  # rule spans the merged system adds where the tagger has none


def evaluate(items: Sequence[Item], nlp: object | None = None,
             errors: list[tuple[Item, set[Span], set[Span]]] | None = None, *,
             system: str = "rules", tagger: object | None = None) -> dict[str, Score]:
    groups = group_items(items)
    scores = {kind: Score() for kind in SCORED}
    if system == "rules":
        predictions = predict(groups, nlp)
    elif system in ("tagger", "merged"):
        predictions = predict_tagger(groups, tagger, nlp, MERGE_KINDS if system == "merged" else ())
    else:
        raise ValueError(f"unknown system {system!r}: one of {', '.join(SYSTEMS)}")
    for group, predicted in zip(groups, predictions, strict=True):
        for item, pred in zip(group.items, predicted, strict=True):
            gold = item.gold()
            for kind in SCORED:
                g = {s for s in gold if s[0] == kind.removesuffix("_strict")}
                p = {s for s in pred if s[0] == kind}
                scores[kind].tp += len({s[1:] for s in g} & {s[1:] for s in p})
                scores[kind].pred += len(p)
                scores[kind].gold += len(g)
            pred = {s for s in pred if s[0] in TYPES}
            if errors is not None and gold != pred:
                errors.append((item, gold, pred))
    return scores


def show_spans(item: Item, spans: set[Span]) -> str:
    rows = sorted(spans, key=lambda s: s[1])
    return "\n".join(f"      {k:8s} [{a},{b}) {' '.join(item.tokens[a:b])}" for k, a, b in rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("file", nargs="?", default=str(DEFAULT_FILE))
    ap.add_argument("--limit", type=int, default=None, help="first N passages only")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--errors", type=int, default=0, help="print N passages with wrong predictions")
    ap.add_argument("--system", choices=SYSTEMS, default="merged",
                    help="rules (redline_attribution), tagger (the learned tagger) or merged (default)")
    ap.add_argument("--model", default=None, help="the tagger's artifact (default: the shipped one)")
    args = ap.parse_args(argv)

    items = load_items(args.file, args.limit)
    ntokens = sum(len(item.tokens) for item in items)
    t_load = time.perf_counter()
    nlp = tagger = None
    if args.system in ("rules", "merged"):
        from redline.nlp import load_nlp

        nlp = load_nlp()
    if args.system in ("tagger", "merged"):
        from redline.extract.tagger import AttributionTagger

        tagger = AttributionTagger.load(args.model)
    load_s = time.perf_counter() - t_load
    t0 = time.perf_counter()
    errors: list[tuple[Item, set[Span], set[Span]]] | None = [] if args.errors else None
    scores = evaluate(items, nlp, errors, system=args.system, tagger=tagger)
    elapsed = time.perf_counter() - t0
    name = {"rules": "redline_attribution", "tagger": "tagger", "merged": "tagger + rules"}[args.system]
    if args.json:
        print(json.dumps({"file": args.file, "system": args.system, "passages": len(items), "tokens": ntokens,
                          "seconds": round(elapsed, 1), "load_seconds": round(load_s, 1),
                          "tokens_per_s": round(ntokens / max(elapsed, 1e-9)),
                          **{k: s.as_json() for k, s in scores.items()}}, indent=2))
    else:
        print(f"PolNeAR attribution ({name}), {len(items)} passages, {ntokens} tokens, {elapsed:.1f}s "
              f"({ntokens / max(elapsed, 1e-9):.0f} tokens/s; models loaded in {load_s:.1f}s)")
        print(f"{'span':14s} {'P':>6s} {'R':>6s} {'F1':>6s} {'tp':>6s} {'pred':>6s} {'gold':>6s}")
        for kind, s in scores.items():
            print(f"{kind:14s} {100 * s.precision:6.1f} {100 * s.recall:6.1f} {100 * s.f1:6.1f} "
                  f"{s.tp:6d} {s.pred:6d} {s.gold:6d}")
    for item, gold, pred in (errors or [])[: args.errors]:
        print("---", " ".join(item.tokens), file=sys.stderr)
        print("   gold:\n" + show_spans(item, gold), file=sys.stderr)
        print("   pred:\n" + show_spans(item, pred), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
