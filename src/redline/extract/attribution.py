"""Attribution: who says what, as source / cue / content spans over the parse.

A registered spaCy component (``redline_attribution``) that assigns ``doc._.frames``: one
:class:`Frame` per attribution found. It is generic English (no pack): the extraction stage resolves
sources to pack speakers. Layouts handled: speaker-first and quote-first direct quotes in straight
or curly marks, floating quotes (no cue in the sentence), reported speech with a cue verb and a
complement clause, "according to X", and cue verbs whose subject comes from the governing verb
("…, declaring that …").

Span conventions follow PolNeAR/PARC (checked by ``benchmarks/attribution_polnear.py``): a source is
the whole noun phrase (titles, appositions, parenthetical affiliations; a comma closing an apposition
right before the cue included); a cue is the verb group (auxiliaries, negation, adverbs right before
the verb, a particle, a preposition introducing the content as in "called for", a colon right after);
a content is the complement clause with its complementizer ("that …"; a quotation that ends the clause
keeps its closing mark), or the words of a quotation (the whole quotation where it runs over several
sentences). Unlike PolNeAR, a quotation's content leaves out its outer marks: the stance rules read
it from its first word.
"""

from __future__ import annotations

from collections.abc import Collection
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


# discourse words that open a sentence but are not part of the reported content
_DISCOURSE = frozenset({"however", "meanwhile", "instead", "indeed", "still", "yet", "but", "and", "so"})
_CLOSING_MARKS = "”\"»’"


def _trim(doc: Doc, left: int, right: int) -> tuple[int, int]:
    """Token bounds without leading punctuation and without trailing punctuation other than closing
    brackets (a source "Paul D. Ryan (R-Wis.)" keeps its parenthesis)."""
    while right > left and doc[right].is_punct and doc[right].text not in ")]":
        right -= 1
    while left < right and doc[left].is_punct:
        left += 1
    return left, right


def _chars(doc: Doc, left: int, right: int) -> tuple[int, int]:
    return doc[left].idx, doc[right].idx + len(doc[right])


def _quote_bounds(span: tuple[int, int], quotes: list[Quote], text: str) -> tuple[int, int]:
    """A content span that starts just inside a quotation or ends just before its closing mark takes
    the marks in: the quotation, marks included, is the content (PolNeAR, PARC)."""
    a, b = span
    for q in quotes:
        if a <= q.start < b < q.end and not text[b:q.end].strip(" ,.;:!?…" + _CLOSING_MARKS):
            b = q.end  # ends inside a quotation opened in the content: through its closing mark
        if q.start < a < q.end <= b and not text[q.start + 1:a].strip():
            a = q.start  # starts right after an opening mark closed in the content
    return a, b


def _subtree_span(token: Token, quotes: list[Quote] | None = None, skip: Token | None = None,
                  text: str | None = None) -> tuple[int, int]:
    """Character span of a content clause: the token's subtree (a complementizer "that" included),
    without edge punctuation or a leading discourse word; quotation marks are kept where the clause
    starts or ends with a quotation. ``skip`` (a token of the subtree) cuts the span before it."""
    doc = token.doc
    left, right = token.left_edge.i, token.right_edge.i
    if skip is not None and left < skip.i <= right:
        right = skip.i - 1
    left, right = _trim(doc, left, right)
    while left < right and (doc[left].dep_ == "cc" or doc[left].lower_ in _DISCOURSE and doc[left].dep_ in
                            ("advmod", "cc", "dep", "intj")):
        left, right = _trim(doc, left + 1, right)
    while right > left and doc[right].text in ")]" and not any(t.text in "([" for t in doc[left:right]):
        right -= 1
    span = _chars(doc, left, right)
    if not quotes:
        return span
    return _quote_bounds(span, quotes, doc.text if text is None else text)


def source_span(subj: Token, cue: tuple[int, int]) -> tuple[int, int]:
    """Character span of a source: the whole noun phrase of ``subj`` (titles, appositions, parenthetical
    affiliations, relative clauses), as PolNeAR/PARC mark it; a comma that closes an apposition right
    before the cue belongs to it. ``cue`` is the cue's token bounds (first, last). Falls back to
    :func:`np_span` where the phrase would contain the cue."""
    doc = subj.doc
    left, right = subj.left_edge.i, subj.right_edge.i
    if left <= cue[0] <= right or left <= cue[1] <= right:
        return np_span(subj)
    if subj.i > cue[1]:
        # after the cue ("said X, who ..."): a non-restrictive clause trailing the name is not the source
        for child in subj.rights:
            if child.dep_ in ("relcl", "acl") and child.left_edge.i > 0 and doc[child.left_edge.i - 1].text == ",":
                right = child.left_edge.i - 1
                break
    left, right = _trim(doc, left, right)
    if doc[left].is_punct:
        return np_span(subj)
    if right + 2 == cue[0] and doc[right + 1].text == "," and any(t.text == "," for t in doc[left:right]):
        right += 1  # "Scott Pruitt, the attorney general of Oklahoma, said"
    return _chars(doc, left, right)


def cue_bounds(tok: Token, sent: Span | None = None) -> tuple[int, int]:
    """Token bounds (first, last) of a verbal cue: the verb with its auxiliaries, negation and
    adverbs right before it ("has also said", "did not respond") and its particle ("pointed out").
    ``sent`` is the token's sentence (looked up when not given)."""
    doc = tok.doc
    if sent is None:
        sent = tok.sent
    left = tok.i
    while left - 1 >= sent.start:
        prev = doc[left - 1]
        if prev.head.i != tok.i or not (prev.dep_ in ("aux", "auxpass", "neg") or
                                        prev.dep_ == "advmod" and prev.pos_ == "ADV" and prev.lower_ not in _DISCOURSE):
            break
        left -= 1
    while left < tok.i and doc[left].dep_ == "advmod" and left == sent.start:
        left += 1
    if left < tok.i and doc[left].lower_ == "to":
        head = tok.head
        if tok.dep_ == "xcomp" and head.i == left - 1 and head.pos_ in ("VERB", "AUX"):
            left = cue_bounds(head, sent)[0]  # "continued to call for", "declined to say"
        else:
            left += 1  # the infinitive marker alone is not part of the cue
    right = tok.i
    if right + 1 < sent.end and doc[right + 1].dep_ == "prt" and doc[right + 1].head.i == tok.i:
        right += 1
    return left, right


def sentence_frames(sent: Span, quotes: list[Quote], text: str | None = None,
                    long_quotes: Collection[Quote] | None = None) -> list[Frame]:
    """Attribution frames of one sentence. ``text`` (the doc's text) and ``long_quotes`` (the quotes of
    four words or more) save recomputing them per sentence: ``Doc.text`` is rebuilt on every access."""
    doc = sent.doc
    if text is None:
        text = doc.text
    s0, s1 = sent.start_char, sent.end_char
    touching = [q for q in quotes if q.start < s1 and q.end > s0]
    # scare quotes (“red line”, “exchange”) are words, not quotations; a short quote that is most of its
    # sentence is a quotation
    if long_quotes is None:
        long_quotes = {q for q in touching if q.words(text) >= 4}
    in_sent = [q for q in touching if q in long_quotes or (q.end - q.start) >= 0.6 * (s1 - s0)]
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
        first, last = cue_bounds(tok, sent)
        comp = [c for c in tok.children if c.dep_ in CONTENT_DEPS and not (c.idx < tok.idx and in_sent)]
        if in_sent:
            q = min(in_sent, key=lambda q: min(abs(q.start - tok.idx), abs(q.end - tok.idx)))
            content = (max(q.start, s0), min(q.end, s1))  # a quotation with its marks (PARC/PolNeAR)
            kind = "quote"
            # a complement clause that contains the quote extends the content to it
            if comp:
                c0, c1 = _subtree_span(comp[0])
                if c0 <= q.start and c1 >= q.end - 1:
                    content, kind = _subtree_span(comp[0], touching, text=text), "quote"
        elif comp:
            content = _subtree_span(comp[0], touching, text=text, skip=subj if comp[0].i < tok.i else None)
            kind = "reported"
            obj = [c for c in tok.children if c.dep_ == "dobj" and c.i < comp[0].i]
            if comp[0].dep_ == "xcomp" and comp[0].i > tok.i and obj:
                # "urged Trump to make …": the object is the one urged, part of what is urged
                content = (_subtree_span(obj[0])[0], content[1])
        else:
            dobj = [c for c in tok.children if c.dep_ in ("dobj", "prep") and c.i > tok.i]
            if not dobj:
                continue
            head = dobj[0]
            pobj = [c for c in head.children if c.dep_ in ("pobj", "pcomp")]
            if head.dep_ == "prep" and pobj and head.i == last + 1:
                last = head.i  # "called for X", "asked about X": the preposition is part of the cue
                head = pobj[0]
            content = _subtree_span(head, touching, text=text)
            kind = "reported"
            if head.dep_ == "dobj":
                # "called X a Y", "described X as Y", "accused X of Y": the predication over the object
                for nxt in tok.rights:
                    if nxt.i > head.i and (nxt.dep_ in ("oprd", "ccomp", "xcomp") or
                                           nxt.dep_ == "prep" and nxt.lower_ in ("as", "of")):
                        content = (content[0], _subtree_span(nxt, touching, text=text)[1])
        if last + 1 < sent.end and doc[last + 1].text == ":" and content[0] >= doc[last + 1].idx:
            last += 1  # "said: “…”"
        cue = _chars(doc, first, last)
        frames.append(Frame((s0, s1), kind, cue, source_span(subj, (first, last)),
                            content, cue_i=tok.i, source_i=subj.i))
    for tok in sent:
        if tok.lower_ == "according" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "to":
            to = doc[tok.i + 1]
            pobj = [c for c in to.children if c.dep_ == "pobj"]
            if not pobj:
                continue
            src = source_span(pobj[0], (tok.i, to.i))
            # content: the clause outside the "according to X" phrase; before it unless it opens the sentence
            before = [t for t in doc[sent.start:tok.i] if not t.is_punct and t.dep_ != "cc"]
            end_i = pobj[0].right_edge.i + 1
            while end_i < sent.end and doc[end_i].idx < src[1]:
                end_i += 1
            if before:
                left, right = _trim(doc, sent.start, tok.i - 1)
            else:
                left, right = _trim(doc, end_i, sent.end - 1)
            while left < right and (doc[left].dep_ == "cc" or doc[left].lower_ in _DISCOURSE):
                left, right = _trim(doc, left + 1, right)
            if right < left or doc[left].is_punct:
                continue
            content = _quote_bounds(_chars(doc, left, right), touching, text)
            frames.append(Frame((s0, s1), "according", _chars(doc, tok.i, to.i), src, content,
                                cue_i=tok.i, source_i=pobj[0].i))
    covered = [f.content for f in frames]
    for q in in_sent:
        a, b = q.start, q.end
        if any(c0 <= a and b <= c1 + 2 for c0, c1 in covered):
            continue
        # the whole quotation, also where it runs over several sentences (each sentence gets a frame)
        frames.append(Frame((s0, s1), "floating", None, None, (a, b)))
    return frames


@Language.factory("redline_attribution", assigns=["doc._.frames"], requires=["token.dep", "token.lemma"])
def make_attribution(nlp: Language, name: str) -> Attribution:
    return Attribution()


class Attribution:
    """spaCy component: assigns ``doc._.frames``."""

    def __call__(self, doc: Doc) -> Doc:
        text = doc.text
        quotes = find_quotes(text)
        long_quotes = {q for q in quotes if q.words(text) >= 4}
        frames: list[Frame] = []
        for sent in doc.sents:
            frames.extend(sentence_frames(sent, quotes, text, long_quotes))
        doc._.frames = merge_quote_frames(frames, quotes)
        return doc


def merge_quote_frames(frames: list[Frame], quotes: list[Quote]) -> list[Frame]:
    """A quotation that runs over several sentences belongs to the cue found in any of them:
    the cued frame's content becomes the whole quotation and the floating pieces are dropped."""
    out: list[Frame] = []
    claimed: list[tuple[int, int]] = []
    for q in quotes:
        a, b = q.start, q.end
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
