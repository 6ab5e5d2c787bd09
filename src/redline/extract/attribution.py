"""Attribution: who says what, as source / cue / content spans over the parse.

A registered spaCy component (``redline_attribution``) that assigns ``doc._.frames``: one
:class:`Frame` per attribution found. It is generic English (no pack): the extraction stage resolves
sources to pack speakers. Layouts handled: speaker-first and quote-first direct quotes in straight
or curly marks, floating quotes (no cue in the sentence), reported speech with a cue verb and a
complement clause, "according to X", and cue verbs whose subject comes from the governing verb
("…, declaring that …").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from redline.extract.quotes import Quote, find_quotes
from redline.nlp import lexicon

SUBJ_DEPS = {"nsubj", "nsubjpass"}
INHERIT_DEPS = {"advcl", "xcomp", "conj", "acl", "pcomp"}
CONTENT_DEPS = {"ccomp", "xcomp"}


@dataclass
class Frame:
    """One attribution. Spans are character offsets into the doc text; ``source`` may be None
    (floating quote: the speaker is the last one named)."""

    sent: tuple[int, int]
    kind: str  # quote | reported | according | floating
    cue: tuple[int, int] | None
    source: tuple[int, int] | None
    content: tuple[int, int]
    cue_i: int | None = None  # token index of the cue word
    source_i: int | None = None  # token index of the source's head


@lru_cache(maxsize=1)
def _cue_lemmas() -> frozenset[str]:
    return frozenset(lexicon()["cue_verbs"])


def subject_of(token: Token, depth: int = 3) -> Token | None:
    """The subject of a verb, climbing to the governing verb for participles and conjuncts;
    the agent of a passive ("rejected by Ukraine")."""
    for child in token.children:
        if child.dep_ == "agent":
            for grand in child.children:
                if grand.dep_ == "pobj":
                    return grand
    for child in token.children:
        if child.dep_ in SUBJ_DEPS:
            return child
    if depth and token.dep_ in INHERIT_DEPS and token.head is not token:
        return subject_of(token.head, depth - 1)
    return None


def np_span(token: Token) -> tuple[int, int]:
    """Character span of a noun phrase: the token's subtree without trailing punctuation,
    clauses (relative clauses, participles) cut off."""
    left = token.left_edge.i
    right = token.i
    for child in token.rights:
        if child.dep_ in ("relcl", "acl", "advcl", "punct", "cc", "conj", "prep") and child.dep_ != "appos":
            break
        right = child.right_edge.i
    doc = token.doc
    while right > left and doc[right].is_punct:
        right -= 1
    while left < right and doc[left].is_punct:
        left += 1
    return doc[left].idx, doc[right].idx + len(doc[right])


def _subtree_span(token: Token) -> tuple[int, int]:
    doc = token.doc
    left, right = token.left_edge.i, token.right_edge.i
    while right > left and doc[right].is_punct:
        right -= 1
    while left < right and (doc[left].is_punct or doc[left].lower_ == "that" and doc[left].dep_ == "mark"):
        left += 1
    return doc[left].idx, doc[right].idx + len(doc[right])


def sentence_frames(sent: Span, quotes: list[Quote]) -> list[Frame]:
    """Attribution frames of one sentence."""
    doc = sent.doc
    s0, s1 = sent.start_char, sent.end_char
    # scare quotes (“red line”, “exchange”) are words, not quotations
    in_sent = [q for q in quotes if q.start < s1 and q.end > s0 and
               (q.words(doc.text) >= 4 or (q.end - q.start) >= 0.6 * (s1 - s0))]
    frames: list[Frame] = []
    cue_lemmas = _cue_lemmas()
    for tok in sent:
        if tok.pos_ != "VERB" or tok.lemma_.lower() not in cue_lemmas:
            continue
        if any(q.start < tok.idx < q.end for q in in_sent):
            continue  # a verb inside the quotation is content, not a cue
        subj = subject_of(tok)
        if subj is None:
            continue
        if subj.pos_ == "PRON" and subj.lower_ in ("it", "there") and not (subj.lower_ == "it" and in_sent):
            continue
        comp = [c for c in tok.children if c.dep_ in CONTENT_DEPS and not (c.idx < tok.idx and in_sent)]
        if in_sent:
            q = min(in_sent, key=lambda q: min(abs(q.start - tok.idx), abs(q.end - tok.idx)))
            content = (max(q.inner[0], s0), min(q.inner[1], s1))
            kind = "quote"
            # a complement clause that contains the quote extends the content to it
            if comp:
                c0, c1 = _subtree_span(comp[0])
                if c0 <= q.start and c1 >= q.end - 1:
                    content, kind = (c0, c1), "quote"
        elif comp:
            content = _subtree_span(comp[0])
            kind = "reported"
        else:
            dobj = [c for c in tok.children if c.dep_ in ("dobj", "prep") and c.i > tok.i]
            if not dobj:
                continue
            content = _subtree_span(dobj[0])
            kind = "reported"
        frames.append(Frame((s0, s1), kind, (tok.idx, tok.idx + len(tok)), np_span(subj),
                            content, cue_i=tok.i, source_i=subj.i))
    for tok in sent:
        if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            to = doc[tok.i + 1]
            pobj = [c for c in to.children if c.dep_ == "pobj"]
            if not pobj:
                continue
            src = np_span(pobj[0])
            # content: the rest of the sentence outside the "according to X" phrase
            after = src[1]
            while after < s1 and not doc.text[after].isalnum() and doc.text[after] not in "“\"":
                after += 1
            content = (after, s1) if after < s1 - 5 else (s0, tok.idx)
            frames.append(Frame((s0, s1), "according", (tok.idx, to.idx + len(to)), src, content,
                                cue_i=tok.i, source_i=pobj[0].i))
    covered = [f.content for f in frames]
    for q in in_sent:
        a, b = q.inner
        if any(c0 <= a and b <= c1 + 2 for c0, c1 in covered):
            continue
        frames.append(Frame((s0, s1), "floating", None, None, (max(a, s0), min(b, s1))))
    return frames


@Language.factory("redline_attribution", assigns=["doc._.frames"], requires=["token.dep", "token.lemma"])
def make_attribution(nlp: Language, name: str) -> Attribution:
    return Attribution()


class Attribution:
    """spaCy component: assigns ``doc._.frames``."""

    def __call__(self, doc: Doc) -> Doc:
        quotes = find_quotes(doc.text)
        frames: list[Frame] = []
        for sent in doc.sents:
            frames.extend(sentence_frames(sent, quotes))
        doc._.frames = merge_quote_frames(frames, quotes)
        return doc


def merge_quote_frames(frames: list[Frame], quotes: list[Quote]) -> list[Frame]:
    """A quotation that runs over several sentences belongs to the cue found in any of them:
    the cued frame's content becomes the whole quotation and the floating pieces are dropped."""
    out: list[Frame] = []
    claimed: list[tuple[int, int]] = []
    for q in quotes:
        a, b = q.inner
        cued = [f for f in frames if f.kind == "quote" and f.source and a <= f.content[0] and f.content[1] <= b + 1]
        if cued and (q.end - q.start) > (cued[0].content[1] - cued[0].content[0]) + 2:
            for f in cued:
                f.content = (a, b)
            claimed.append((a, b))
    for f in frames:
        if f.kind == "floating" and any(a <= f.content[0] and f.content[1] <= b + 1 for a, b in claimed):
            continue
        out.append(f)
    return out
