"""The learned attribution tagger: source / cue / content spans, BIO over wordpieces (CPU, offline).

A token classifier over the pinned MiniLM encoder (:mod:`redline.nlp.encoder`): the shared frozen
lower layers, a fine-tuned copy of the top layers and a linear head over the labels :data:`LABELS`
(``O`` and ``B-``/``I-`` for each of :data:`TYPES`). It is trained on the PolNeAR training split by
``train/train_attribution.py``; the shipped artifact (``redline/data/models/attribution.safetensors``,
card beside it) holds only the top layers and the head.

API (what the pipeline uses)::

    from redline.extract.tagger import AttributionTagger, group_frames

    tagger = AttributionTagger.load()          # the shipped artifact (or load(path)); cached: shipped_tagger()
    spans = tagger.tag(["Text one.\\nSecond paragraph.", "Text two."])   # list[list[TaggedSpan]], per text
    spans = tagger.tag_text(doc.text)          # list[TaggedSpan] for one text
    frames = group_frames(spans, [(s.start_char, s.end_char) for s in doc.sents])   # list[Frame]

- :class:`TaggedSpan` ``(kind, start, end, score)``: ``kind`` one of ``source`` / ``cue`` / ``content``;
  ``start``/``end`` are character offsets into the text given (end exclusive); ``score`` is the mean
  probability of the span's labels. Spans of one text never overlap; they come in text order.
- How a text is read (:func:`segment`): every line is a paragraph, and the model reads one paragraph at
  a time (a content never spans two lines); a paragraph over ``max_len`` wordpieces is cut at sentence
  ends into windows of up to that length. Give whole texts or paragraphs rather than single sentences:
  the model uses the paragraph as context (a quotation's second sentence, a source named before).
  Texts are normalised (:func:`normalise`, length-preserving) before reading, so offsets are unchanged.
- Labels are read per word (the first wordpiece of each word of the BERT pre-tokenizer) with a
  constrained Viterbi pass (no ``I-X`` after ``O`` or another type), so every span starts and ends on a
  word boundary and the BIO sequence is always valid.
- :func:`group_frames` turns the spans of a text into :class:`redline.extract.attribution.Frame`
  objects, per sentence: every source and content attaches to the nearest cue of its sentence (by
  character distance); a cue makes one frame per content attached to it (with the nearest attached
  source, or None); a content with no cue in its sentence is a ``floating`` frame (no cue, no source);
  a cue without any content, and a source without a cue, make no frame (``Frame.content`` is always
  set). A span belongs to the sentence its first character falls in. ``kind`` is ``according`` for an
  "according to" cue, ``quote`` where the content starts with a quotation mark, else ``reported``;
  ``cue_i``/``source_i`` are None (the tagger has no parse).
- Speed: windows of all texts are batched by length (``batch_size`` windows at a time), under
  ``torch.inference_mode``; nothing touches the network. :meth:`AttributionTagger.load` raises
  :class:`redline.nlp.encoder.EncoderMissing` naming the file and the fix when the artifact is missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch
from torch import nn

from redline.nlp import encoder as enc

if TYPE_CHECKING:
    from redline.extract.attribution import Frame

TYPES = ("source", "cue", "content")
LABELS = ("O", "B-source", "I-source", "B-cue", "I-cue", "B-content", "I-content")
FROZEN = 4  # lower layers shared with the base encoder; the top 2 are the tagger's
MAX_LEN = 128  # wordpieces per window, [CLS] and [SEP] included
DEFAULT_PATH = "data/models/attribution.safetensors"


# ------------------------------------------------------------------------------------------ text

_IN_WORD_APOS = re.compile(r"(?<=\w)[’‘](?=\w)")
_STRAIGHT_QUOTE = re.compile('"')


def normalise(text: str) -> str:
    """Length-preserving normalisation used at training and at inference: a curly apostrophe inside a
    word becomes ``'``; a straight double quote becomes an opening (after white space, an opening
    bracket or at the start) or a closing curly mark."""
    text = _IN_WORD_APOS.sub("'", text)
    if '"' not in text:
        return text

    def repl(m: re.Match[str]) -> str:
        i = m.start()
        prev = text[i - 1] if i else " "
        return "“" if prev.isspace() or prev in "([{—–-/" else "”"

    return _STRAIGHT_QUOTE.sub(repl, text)


# a sentence end: . ? ! (closing marks and brackets after it), white space, then an upper-case letter,
# digit or opening mark
_SENT_END = re.compile(r"[.?!…]+[\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")


def _line_spans(text: str) -> Iterable[tuple[int, int]]:
    pos = 0
    for line in text.split("\n"):
        a, b = pos, pos + len(line)
        pos = b + 1
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            yield a, b


def segment(text: str, max_len: int = MAX_LEN) -> list[tuple[int, int]]:
    """Character windows of ``text`` the model reads: a paragraph (line) each, long ones cut at
    sentence ends (packed up to ``max_len`` wordpieces with [CLS]/[SEP]), an over-long sentence cut
    between words."""
    tok = enc.tokenizer()
    room = max_len - 2
    lines = list(_line_spans(text))
    encodings = tok.encode_batch([text[a:b] for a, b in lines], add_special_tokens=False)
    out: list[tuple[int, int]] = []
    for (a, b), encoding in zip(lines, encodings, strict=True):
        offs = [(a + s, a + e) for s, e in encoding.offsets]
        if len(offs) <= room:
            out.append((a, b))
            continue
        words = encoding.word_ids
        cuts = {m.end() for m in _SENT_END.finditer(text, a, b)}  # sentence starts
        # pack sentences; piece i can start a window if it starts a sentence (or a word, as a fallback)
        start_piece = 0
        while start_piece < len(offs):
            end_piece = min(len(offs), start_piece + room)
            if end_piece < len(offs):
                best = None
                for j in range(end_piece, start_piece, -1):
                    if offs[j][0] in cuts:
                        best = j
                        break
                if best is None:  # no sentence end: cut between words
                    j = end_piece
                    while j > start_piece + 1 and words[j] == words[j - 1]:
                        j -= 1
                    best = j
                end_piece = best
            out.append((offs[start_piece][0], offs[end_piece - 1][1]))
            start_piece = end_piece
    return out


def encode_window(text: str) -> tuple[list[int], list[tuple[int, int]]]:
    """Wordpiece ids with [CLS]/[SEP] and their character offsets into ``text`` ((0, 0) for specials)."""
    e = enc.tokenizer().encode(text)
    return list(e.ids), list(e.offsets)


def _encode_windows(texts: Sequence[str]) -> list[tuple[list[int], list[tuple[int, int]], list[int | None]]]:
    out = []
    for e in enc.tokenizer().encode_batch(list(texts)):
        out.append((list(e.ids), list(e.offsets), list(e.word_ids)))
    return out


# ------------------------------------------------------------------------------------------ model


class TaggerNet(nn.Module):
    """The tagger's own part: the top encoder layers and a linear head over :data:`LABELS`."""

    def __init__(self, frozen: int = FROZEN) -> None:
        super().__init__()
        self.frozen = frozen
        self.top = enc.TaskEncoder(frozen)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(enc.HIDDEN, len(LABELS))

    def forward(self, low: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Logits (batch, length, labels) from the base encoder's output ``low``."""
        out: torch.Tensor = self.head(self.dropout(self.top(low, mask)))
        return out

    def logits(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            low = enc.base_encoder(self.frozen)(ids, mask)
        return self(low, mask)


def _allowed() -> torch.Tensor:
    """allowed[i, j]: label j may follow label i (no I-X after O or after another type)."""
    n = len(LABELS)
    allowed = torch.ones(n, n, dtype=torch.bool)
    for j, lab in enumerate(LABELS):
        if lab.startswith("I-"):
            kind = lab[2:]
            for i, prev in enumerate(LABELS):
                allowed[i, j] = prev[2:] == kind
    return allowed


_ALLOWED = _allowed()
_START_OK = torch.tensor([not lab.startswith("I-") for lab in LABELS])


def viterbi(logp: torch.Tensor) -> list[int]:
    """The best valid label sequence for per-word log-probabilities (words, labels)."""
    n, k = logp.shape
    if n == 0:
        return []
    neg = torch.tensor(-1e9)
    trans = torch.where(_ALLOWED, torch.tensor(0.0), neg)
    score = torch.where(_START_OK, logp[0], neg)
    back = []
    for t in range(1, n):
        cand = score.unsqueeze(1) + trans  # (prev, cur)
        best, idx = cand.max(0)
        back.append(idx)
        score = best + logp[t]
    path = [int(score.argmax())]
    for idx in reversed(back):
        path.append(int(idx[path[-1]]))
    return path[::-1]


@dataclass(frozen=True)
class TaggedSpan:
    kind: str  # source | cue | content
    start: int
    end: int
    score: float = 1.0


def decode_window(probs: torch.Tensor, offsets: Sequence[tuple[int, int]], word_ids: Sequence[int | None],
                  base: int = 0) -> list[TaggedSpan]:
    """Spans of one window from its per-wordpiece probabilities (length, labels): per word (first
    wordpiece), Viterbi over valid BIO; offsets shifted by ``base``."""
    firsts: list[int] = []
    ends: list[int] = []
    last_word: int | None = None
    for i, w in enumerate(word_ids):
        if w is None:
            continue
        if w != last_word:
            firsts.append(i)
            ends.append(offsets[i][1])
            last_word = w
        else:
            ends[-1] = offsets[i][1]
    if not firsts:
        return []
    p = probs[firsts]
    path = viterbi(p.clamp_min(1e-9).log())
    spans: list[TaggedSpan] = []
    cur: list[Any] | None = None  # [kind, start, end, [probs]]
    for w, lab_i in enumerate(path):
        lab = LABELS[lab_i]
        if cur is not None and (lab == "O" or lab.startswith("B-") or lab[2:] != cur[0]):
            spans.append(TaggedSpan(cur[0], base + cur[1], base + cur[2], sum(cur[3]) / len(cur[3])))
            cur = None
        if lab == "O":
            continue
        start = offsets[firsts[w]][0]
        if cur is None:
            cur = [lab[2:], start, ends[w], []]
        cur[2] = ends[w]
        cur[3].append(float(p[w, lab_i]))
    if cur is not None:
        spans.append(TaggedSpan(cur[0], base + cur[1], base + cur[2], sum(cur[3]) / len(cur[3])))
    return spans


class AttributionTagger:
    """Inference wrapper around a trained :class:`TaggerNet` (load once, reuse)."""

    def __init__(self, net: TaggerNet, meta: dict[str, Any], path: Path | None = None) -> None:
        self.net = net.eval()
        self.meta = meta
        self.path = path
        self.max_len = int(meta.get("max_len", MAX_LEN))
        self.sha256 = enc.artifact_sha256(path) if path else ""

    @classmethod
    def load(cls, path: str | Path | None = None) -> AttributionTagger:
        p = Path(path) if path else default_path()
        if not p.exists():
            raise enc.EncoderMissing(
                f"{p}: the attribution tagger's artifact is missing; build it with "
                "`python train/train_attribution.py --out " + str(p) + "` (needs ../shared/data/polnear_train) "
                "or reinstall redline, whose package ships it"
            )
        state, meta = enc.load_artifact(p)
        if list(meta.get("labels", LABELS)) != list(LABELS):
            raise ValueError(f"{p}: labels {meta.get('labels')} are not this tagger's {list(LABELS)}")
        net = TaggerNet(int(meta.get("frozen", FROZEN)))
        net.load_state_dict(state, strict=True)
        return cls(net, meta, p)

    def tag_text(self, text: str) -> list[TaggedSpan]:
        return self.tag([text])[0]

    def tag(self, texts: Sequence[str], batch_size: int = 32) -> list[list[TaggedSpan]]:
        """Spans per text (character offsets into that text), in text order."""
        if isinstance(texts, str):
            raise TypeError("tag() takes a sequence of texts; use tag_text() for one text")
        windows: list[tuple[int, int, int]] = []  # (text index, start, end)
        normed = [normalise(t) for t in texts]
        for ti, text in enumerate(normed):
            windows.extend((ti, a, b) for a, b in segment(text, self.max_len))
        encoded = _encode_windows([normed[ti][a:b] for ti, a, b in windows])
        out: list[list[TaggedSpan]] = [[] for _ in texts]
        order = sorted(range(len(windows)), key=lambda i: len(encoded[i][0]))
        results: dict[int, list[TaggedSpan]] = {}
        with torch.inference_mode():
            for s in range(0, len(order), batch_size):
                idx = order[s:s + batch_size]
                rows = [encoded[i][0] for i in idx]
                ids = enc.pad(rows)
                mask = enc.pad([[1] * len(r) for r in rows])
                probs = self.net.logits(ids, mask).float().softmax(-1)
                for row, i in enumerate(idx):
                    _ids, offs, words = encoded[i]
                    results[i] = decode_window(probs[row, : len(offs)], offs, words, base=windows[i][1])
        for i, (ti, _a, _b) in enumerate(windows):
            out[ti].extend(results[i])
        for spans in out:
            spans.sort(key=lambda s: (s.start, s.end))
        return out


def default_path() -> Path:
    return Path(str(resources.files("redline") / DEFAULT_PATH))


@lru_cache(maxsize=2)
def shipped_tagger(path: str | None = None) -> AttributionTagger:
    return AttributionTagger.load(path)


# ------------------------------------------------------------------------------------------ frames

_OPEN_MARKS = "“\"‘'«"


def group_frames(spans: Sequence[TaggedSpan], sents: Sequence[tuple[int, int]], text: str | None = None) -> list[Frame]:
    """Frames per sentence from a text's spans (see the module docstring). ``sents`` are the sentences'
    character bounds; ``text`` (optional) lets an "according to" cue be recognised by its words."""
    from redline.extract.attribution import Frame

    def sent_of(pos: int) -> int | None:
        for k, (a, b) in enumerate(sents):
            if a <= pos < b:
                return k
        return None

    def dist(x: TaggedSpan, y: TaggedSpan) -> int:
        return max(0, max(x.start, y.start) - min(x.end, y.end))

    by_sent: dict[int, list[TaggedSpan]] = {}
    for span in spans:
        k = sent_of(span.start)
        if k is not None:
            by_sent.setdefault(k, []).append(span)
    frames: list[Frame] = []
    for k in sorted(by_sent):
        sent = sents[k]
        items = by_sent[k]
        cues = [s for s in items if s.kind == "cue"]
        attached: dict[int, dict[str, list[TaggedSpan]]] = {i: {"source": [], "content": []} for i in range(len(cues))}
        floating: list[TaggedSpan] = []
        for s in items:
            if s.kind == "cue":
                continue
            if not cues:
                if s.kind == "content":
                    floating.append(s)
                continue
            best = min(range(len(cues)), key=lambda i: (dist(s, cues[i]), abs(s.start - cues[i].start)))
            attached[best][s.kind].append(s)
        for i, cue in enumerate(cues):
            sources = attached[i]["source"]
            source = min(sources, key=lambda s: dist(s, cue)) if sources else None
            cue_text = text[cue.start:cue.end].lower() if text is not None else ""
            for content in attached[i]["content"]:
                if cue_text.startswith("according"):
                    kind = "according"
                elif text is not None and text[content.start] in _OPEN_MARKS:
                    kind = "quote"
                else:
                    kind = "reported"
                frames.append(Frame(sent, kind, (cue.start, cue.end),
                                    (source.start, source.end) if source else None, (content.start, content.end)))
        for content in floating:
            frames.append(Frame(sent, "floating", None, None, (content.start, content.end)))
    return frames
