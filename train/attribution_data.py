"""PolNeAR brat standoff -> training windows with wordpiece BIO labels (source / cue / content).

    from attribution_data import load_split, make_windows
    docs = load_split(Path("../shared/data/polnear_train"))          # one annotation per article
    windows = make_windows(docs)                                     # list[Window]

Reading the brat files (``text/<article>.txt``, ``attributions/<article>_<annotator>.ann``):

- ``T`` lines labelled ``Source``, ``Cue`` and ``Content`` that an ``E`` line (``Attribution`` or
  ``Attribution-no-source``) ties together are kept; ``Attribution`` (a copy of the cue), ``Discuss``,
  ``Discard`` and annotator notes are not. A ``T`` line whose text runs over a line break continues on
  the next lines of the file; only the offsets are read, never the quoted text.
- Discontinuous spans (``start end;start end``): **each piece is its own span**, as the CofeNet BIO
  rendering of PolNeAR (the validation file) writes them ("which/B-content , Tompkins said ,
  is/B-content ..."). Pieces separated by nothing but white space are joined first, and pieces never
  cross a line (a paragraph), since the model reads one paragraph at a time.
- Overlapping spans (nested attributions: "X said that Y claims Z"): one label per wordpiece, as in the
  BIO file. The outer span is written first and an inner span overwrites it only where it is of a
  different type and shorter (``policy="inner"``, the default; ``policy="outer"`` keeps the outer
  labels). Content spans that overlap each other are written longest first.
- Articles with two annotators: the first annotator's file (sorted by name) by default;
  ``annotators="all"`` keeps every file as a separate example.

Windows (shared with inference, :func:`redline.extract.tagger.segment`): a paragraph (a line of the
text) that fits in ``max_len - 2`` wordpieces is one window; a longer one is split at sentence ends
into windows packed up to that length (a single over-long sentence is cut between words). Labels are
per wordpiece: ``B-<type>`` on the first wordpiece of a span, ``I-<type>`` on the rest, ``O`` elsewhere.
A wordpiece takes a span's type when its characters overlap the span.

Text is normalised the same way at training and at inference (:func:`redline.extract.tagger.normalise`,
length-preserving): curly apostrophes inside words become ``'`` and straight double quotes become curly
opening / closing marks by context.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from redline.extract.tagger import LABELS, TYPES, encode_window, normalise, segment  # noqa: E402

_T_LINE = re.compile(r"^(T\d+)\t(\S+) ([0-9; ]+)\t")
_E_LINE = re.compile(r"^(E\d+)\t(.*)$")
ROLES = {"Source": "source", "Cue": "cue", "Content": "content"}


@dataclass
class Doc:
    """One annotated article: its (normalised) text and labelled character spans."""

    name: str
    annotator: str
    text: str
    spans: list[tuple[str, int, int]] = field(default_factory=list)  # (type, start, end)


@dataclass
class Window:
    """One training example: wordpiece ids (with [CLS]/[SEP]) and label ids (-100 on [CLS]/[SEP])."""

    doc: str
    start: int
    end: int
    ids: list[int]
    labels: list[int]


def parse_ann(path: Path) -> list[tuple[str, list[tuple[int, int]]]]:
    """The (type, pieces) of every Source / Cue / Content span that an attribution event uses."""
    spans: dict[str, tuple[str, list[tuple[int, int]]]] = {}
    used: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _T_LINE.match(line)
        if m:
            tid, label, offs = m.groups()
            if label in ROLES:
                pieces = [(int(a), int(b)) for a, b in (p.split() for p in offs.split(";") if p.strip())]
                spans[tid] = (ROLES[label], pieces)
            continue
        m = _E_LINE.match(line)
        if m:
            args = m.group(2).split()
            if not args or not args[0].startswith("Attribution"):
                continue
            for arg in args[1:]:
                role, _, tid = arg.partition(":")
                if role in ROLES:
                    used.add(tid)
    return [spans[t] for t in sorted(used, key=lambda t: int(t[1:])) if t in spans]


def split_pieces(text: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join pieces separated only by white space, cut pieces at line breaks, trim white space."""
    joined: list[list[int]] = []
    for a, b in sorted(pieces):
        if joined and not text[joined[-1][1]:a].strip() and "\n" not in text[joined[-1][1]:a]:
            joined[-1][1] = max(joined[-1][1], b)
        else:
            joined.append([a, b])
    out = []
    for a, b in joined:
        pos = a
        for part in text[a:b].split("\n"):
            s, e = pos, pos + len(part)
            pos = e + 1
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                out.append((s, e))
    return out


def load_doc(text_path: Path, ann_path: Path) -> Doc:
    text = normalise(text_path.read_text(encoding="utf-8"))
    name, _, annotator = ann_path.stem.rpartition("_")
    doc = Doc(name, annotator, text)
    seen = set()
    for kind, pieces in parse_ann(ann_path):
        for a, b in split_pieces(text, pieces):
            if (kind, a, b) not in seen:
                seen.add((kind, a, b))
                doc.spans.append((kind, a, b))
    return doc


def load_split(folder: Path, annotators: str = "first", limit: int | None = None) -> list[Doc]:
    """Every article of a brat split (``folder/text``, ``folder/attributions``), sorted by name."""
    texts = {p.stem: p for p in sorted((folder / "text").glob("*.txt"))}
    by_article: dict[str, list[Path]] = {}
    for ann in sorted((folder / "attributions").glob("*.ann")):
        name = ann.stem.rpartition("_")[0]
        if name in texts:
            by_article.setdefault(name, []).append(ann)
    docs = []
    for name in sorted(by_article):
        anns = by_article[name] if annotators == "all" else by_article[name][:1]
        docs.extend(load_doc(texts[name], ann) for ann in anns)
        if limit and len(docs) >= limit:
            break
    return docs


def char_labels(doc: Doc, policy: str = "inner") -> tuple[list[int], list[int]]:
    """Per character: the type index (-1 none) and the id of the span it belongs to (-1 none)."""
    n = len(doc.text)
    kind_at = [-1] * n
    span_at = [-1] * n
    # longest first, so that shorter (inner) spans overwrite under the "inner" policy
    order = sorted(range(len(doc.spans)), key=lambda i: -(doc.spans[i][2] - doc.spans[i][1]))
    for i in order:
        kind, a, b = doc.spans[i]
        k = TYPES.index(kind)
        for c in range(a, min(b, n)):
            if span_at[c] == -1 or policy == "inner" and kind_at[c] != k:
                kind_at[c] = k
                span_at[c] = i
    return kind_at, span_at


def doc_windows(doc: Doc, max_len: int = 128, policy: str = "inner") -> list[Window]:
    kind_at, span_at = char_labels(doc, policy)
    out = []
    for start, end in segment(doc.text, max_len):
        ids, offsets = encode_window(doc.text[start:end])
        labels = [-100]
        prev_span = -1
        for a, b in offsets[1:-1]:
            a, b = a + start, b + start
            hits = [(span_at[c], kind_at[c]) for c in range(a, b) if span_at[c] >= 0]
            if not hits:
                labels.append(LABELS.index("O"))
                prev_span = -1
                continue
            sid, k = hits[0]
            tag = "I" if sid == prev_span else "B"
            labels.append(LABELS.index(f"{tag}-{TYPES[k]}"))
            prev_span = hits[-1][0]
        labels.append(-100)
        out.append(Window(doc.name, start, end, ids, labels))
    return out


def make_windows(docs: list[Doc], max_len: int = 128, policy: str = "inner") -> list[Window]:
    out: list[Window] = []
    for doc in docs:
        out.extend(doc_windows(doc, max_len, policy))
    return out


def main() -> None:
    import argparse
    from collections import Counter

    ap = argparse.ArgumentParser(description="statistics of the training windows")
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--policy", default="inner")
    ap.add_argument("--annotators", default="first")
    ap.add_argument("--max-len", type=int, default=128)
    args = ap.parse_args()
    docs = load_split(args.shared / "data" / "polnear_train", args.annotators)
    wins = make_windows(docs, args.max_len, args.policy)
    c = Counter(LABELS[i] for w in wins for i in w.labels if i >= 0)
    ntok = sum(c.values())
    print(f"{len(docs)} docs, {len(wins)} windows, {ntok} wordpieces, "
          f"{sum(1 for w in wins if any(i > 0 for i in w.labels))} windows with a span")
    for lab in LABELS:
        print(f"  {lab:10s} {c[lab]:8d} {1000 * c[lab] / ntok:7.1f} per 1000")


if __name__ == "__main__":
    main()
