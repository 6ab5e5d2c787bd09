"""From a parsed article to positions: anchors (who takes a stance), issue mentions, stance rules.

An *anchor* is a place where a speaker takes a stance: an attribution frame (cue verb, quotation,
"according to"), a verb whose subject is a pack speaker ("Kiev will not accept …"), a stance noun
with a possessor ("Zelensky's insistence on …"), or a "<party>-backed proposal". An *issue mention*
is where a clause raises a pack issue (its triggers) with an optional direction (its favor/against
patterns). Each mention takes the innermost anchor that covers it; the stance is the mention's
direction, flipped by negation or a rejecting verb on the way from the anchor to it. Claims ("X is
non-negotiable") take their direction from the pack's claimant. Conditions ("only if", "in exchange
for") turn the stance conditional on the issue they name. Anaphora ("a demand the Kremlin rejects",
"This is non-negotiable") carry the issues of the statement just made.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from redline.extract.attribution import Frame, np_span, subject_of
from redline.extract.dates import find_when, parse_iso, reference_year
from redline.extract.learned import (
    Candidate,
    IssueIndex,
    dedupe_candidates,
    holder_label,
    holder_names,
    mark_holder,
    refers_back,
)
from redline.extract.quotes import Quote, find_quotes
from redline.extract.speakers import Speaker, SpeakerResolver
from redline.extract.stance_model import Pair, Reading, StanceModel
from redline.extract.tagger import AttributionTagger
from redline.nlp import lexicon
from redline.pack import Issue, Pack
from redline.types import Document, Evidence, Position

_POSSIBLE = re.compile(r"^[\w\s,]{0,20}?\b(is|was|would be|will be|be) (possible|feasible|acceptable)\b", re.IGNORECASE)
_CONTINUES = re.compile(
    r"^(these|this|those|that|his|her|such) (demands?|proposals?|plan|conditions|terms|statement|remarks?|position)\b"
    r"|^(this|that)$", re.IGNORECASE)


def _text(doc: Doc) -> str:
    """The doc's text, built once: ``Doc.text`` joins every token on each access (O(n))."""
    text = doc.user_data.get("redline:text")
    if text is None:
        text = doc.user_data["redline:text"] = doc.text
    return text


def _neg_children(tok: Token, negators: frozenset[str]) -> bool:
    return any(c.dep_ == "neg" or (c.dep_ in ("advmod", "aux") and c.lower_ in negators) for c in tok.children)


def _alt(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


@dataclass
class Lexicon:
    favor_verbs: frozenset[str]
    against_verbs: frozenset[str]
    favor_nouns: frozenset[str]
    against_nouns: frozenset[str]
    negators: frozenset[str]
    favor_phrases: re.Pattern[str]
    against_phrases: re.Pattern[str]
    red: re.Pattern[str]
    claim: re.Pattern[str]
    verdict: re.Pattern[str]
    condition: re.Pattern[str]
    anaphora: re.Pattern[str]


@lru_cache(maxsize=1)
def lex() -> Lexicon:
    d = lexicon()
    return Lexicon(
        favor_verbs=frozenset(d["favor_verbs"]),
        against_verbs=frozenset(d["against_verbs"]),
        favor_nouns=frozenset(d["favor_nouns"]),
        against_nouns=frozenset(d["against_nouns"]),
        negators=frozenset(d["negators"]),
        favor_phrases=_alt(d["favor_phrases"]),
        against_phrases=_alt(d["against_phrases"]),
        red=_alt(d["red_line_markers"]),
        claim=_alt(d["claim_markers"]),
        verdict=_alt(d["verdict_against"]),
        condition=_alt(d["condition_markers"]),
        anaphora=_alt([*d["anaphora"], r"\b\w+['’]s (position|stance|demand|proposal)\b"]),
    )


@dataclass
class IssueMatcher:
    issue: Issue
    triggers: list[list[re.Pattern[str]]]
    favor: list[re.Pattern[str]]
    against: list[re.Pattern[str]]


@dataclass
class Mention:
    issue: Issue
    start: int  # absolute char offsets
    end: int
    polarity: int  # +1 the phrase asserts the proposition, -1 denies it, 0 neutral
    in_condition: bool = False  # part of another statement's condition clause, not a position


@dataclass
class Anchor:
    speakers: list[Speaker]
    scope: tuple[int, int]  # chars the anchor governs
    pos: int  # char offset of the anchoring word (cue, verb, noun)
    polarity: int  # +1 favouring verb/noun, -1 rejecting, 0 neutral
    is_cue: bool
    quote: tuple[int, int] | None = None  # the quotation the anchor attributes
    backer: bool = False  # "<party>-backed proposal": never conditional
    inherited: bool = False
    neg: bool = False  # the anchoring verb is itself negated ("will not accept")


@dataclass
class _Said:
    """A position found earlier in the article, for anaphora and carry-over."""

    sent_i: int
    position: Position


@dataclass
class Context:
    day: date | None
    ref_year: int | None
    last_person: Speaker | None = None
    last_person_sent: int = -10
    last_quote_speaker: Speaker | None = None
    recent_parties: list[str] = field(default_factory=list)
    said: list[_Said] = field(default_factory=list)


class Extractor:
    """Pack-bound extraction over parsed docs (build once per pack, reuse across documents)."""

    version = "1"  # bump when the rules in this module change

    def __init__(self, pack: Pack, model: StanceModel | None = None, *, mode: str = "auto",
                 threshold: float = 0.4, tagger: AttributionTagger | None = None) -> None:
        self.pack = pack
        self.model = model
        self.tagger = tagger  # learned source spans: more candidate holders for the model's reading
        self._sources: list[tuple[int, int]] = []
        self.mode = mode if model is not None else "rules"  # auto | rules | learned | merged | union
        self.threshold = threshold
        # auto: an issue with expert regexes is read by the rules written for it, every other by the model
        expert = {i.id for i in pack.issues if i.triggers or i.favor_patterns or i.against_patterns}
        learned = [i for i in pack.issues if self.mode != "auto" or i.id not in expert]
        self.index = IssueIndex.build(pack)
        self.learned_index = IssueIndex.build(pack, learned) if self.mode != "rules" else IssueIndex()
        self.trace: list[tuple[Candidate, Reading]] | None = None  # set to a list to record every reading
        # what the output depends on: these rules, the lexicon, the model, the settings and the pack's content
        digest = hashlib.sha256(self.version.encode())
        digest.update(json.dumps(lexicon(), sort_keys=True).encode())
        digest.update(pack.model_dump_json().encode())
        digest.update(f"{self.mode}:{threshold}:{model.sha256 if model else ''}".encode())
        digest.update((tagger.sha256 if tagger else "").encode())
        self.fingerprint = f"{self.version}-{digest.hexdigest()[:12]}"
        self.resolver = SpeakerResolver(pack)
        self.lex = lex()
        self.matchers = [
            IssueMatcher(
                issue,
                [[re.compile(p, re.IGNORECASE) for p in group] for group in issue.triggers],
                [re.compile(p, re.IGNORECASE) for p in issue.favor_patterns],
                [re.compile(p, re.IGNORECASE) for p in issue.against_patterns],
            )
            for issue in pack.issues
        ]

    # ------------------------------------------------------------------ mentions
    def mentions(self, text: str, offset: int) -> list[Mention]:
        out: list[Mention] = []
        for m in self.matchers:
            hits: list[Mention] = []
            for pat in m.against:
                for x in pat.finditer(text):
                    hits.append(Mention(m.issue, offset + x.start(), offset + x.end(), -1))
            for pat in m.favor:
                for x in pat.finditer(text):
                    if not any(h.start <= offset + x.start() < h.end for h in hits):
                        hits.append(Mention(m.issue, offset + x.start(), offset + x.end(), +1))
            for group in m.triggers:
                found = [p.search(text) for p in group]
                if all(found):
                    first = found[0]
                    assert first is not None
                    s, e = offset + first.start(), offset + first.end()
                    if not any(h.start - 40 <= s <= h.end + 40 for h in hits):
                        hits.append(Mention(m.issue, s, e, 0))
            out.extend(hits)
        return sorted(out, key=lambda h: h.start)

    # ------------------------------------------------------------------ anchors
    def _resolve(self, span_text: str, ctx: Context, sent_i: int, party_hint: str | None = None) -> list[Speaker]:
        sp = self.resolver.resolve(span_text, ctx.day)
        if sp is None:
            # "These demands include …", "This indicates …": the statement just reported continues
            if _CONTINUES.match(span_text.strip()) and ctx.last_person and sent_i - ctx.last_person_sent <= 1:
                return [ctx.last_person]
            return []
        if sp.kind == "pronoun":
            if sp.name in ("he", "she", "him", "his", "her") and ctx.last_person and sent_i - ctx.last_person_sent <= 4:
                return [ctx.last_person]
            if sp.name in ("we", "our") and ctx.last_quote_speaker:
                return [ctx.last_quote_speaker]
            return []
        if sp.kind == "both":
            parties = []
            for p in reversed(ctx.recent_parties):
                if p not in parties:
                    parties.append(p)
                if len(parties) == 2:
                    break
            return [Speaker("", p, "group") for p in parties] if len(parties) == 2 else []
        if sp.kind == "group" and ctx.last_person and ctx.last_person.party == sp.party and \
                sent_i - ctx.last_person_sent <= 1:
            return [ctx.last_person]
        return [sp]

    def _subject_speakers(self, subj: Token, ctx: Context, sent_i: int) -> list[Speaker]:
        doc = subj.doc
        a, b = np_span(subj)
        speakers = self._resolve(_text(doc)[a:b], ctx, sent_i)
        for conj in subj.conjuncts:
            if conj.i > subj.i:
                ca, cb = np_span(conj)
                for sp in self._resolve(_text(doc)[ca:cb], ctx, sent_i):
                    if sp not in speakers:
                        speakers.append(sp)
        return speakers

    def anchors(self, sent: Span, frames: list[Frame], quotes: list[Quote], ctx: Context, sent_i: int) -> list[Anchor]:
        doc = sent.doc
        lx = self.lex
        out: list[Anchor] = []
        cue_tokens = set()
        for f in frames:
            if f.kind == "floating":
                speakers = [ctx.last_quote_speaker] if ctx.last_quote_speaker else []
                out.append(Anchor(speakers, f.content, f.content[0], 0, True, quote=f.content, inherited=True))
                continue
            assert f.source is not None and f.cue is not None
            speakers = [s for s in self._resolve(_text(doc)[f.source[0]:f.source[1]], ctx, sent_i)]
            if f.source_i is not None and not speakers:
                speakers = self._subject_speakers(doc[f.source_i], ctx, sent_i)
            if f.kind == "according" and not any(s.holds_positions for s in speakers):
                continue  # "According to Axios sources, Zelensky has signaled …": the inner anchor speaks
            lemma = doc[f.cue_i].lemma_.lower() if f.cue_i is not None else ""
            pol = -1 if lemma in lx.against_verbs else (1 if lemma in lx.favor_verbs and lemma not in
                                                         ("suggest", "confirm", "acknowledge") else 0)
            if f.cue_i is not None:
                cue_tokens.add(f.cue_i)
            scope = (min(f.cue[0], f.content[0]), max(f.cue[1], f.content[1]))
            neg = False
            if f.cue_i is not None and f.kind != "according":
                cue_tok = doc[f.cue_i]
                lefts = [c.idx for c in cue_tok.lefts if c.dep_ in ("aux", "auxpass", "neg", "advmod")]
                scope = (min([scope[0], cue_tok.idx, *lefts]),
                         max(scope[1], cue_tok.right_edge.idx + len(cue_tok.right_edge)))
                neg = _neg_children(cue_tok, lx.negators)
            quote = f.content if f.kind == "quote" else None
            out.append(Anchor(speakers, scope, f.cue[0], pol, True, quote=quote, neg=neg))
        long_quotes = [q for q in quotes if q.start < sent.end_char and q.end > sent.start_char
                       and q.words(_text(doc)) >= 4]
        for tok in sent:
            if tok.i in cue_tokens:
                continue
            lemma = tok.lemma_.lower()
            if tok.pos_ in ("VERB", "ADJ", "AUX") and (tok.dep_ not in ("amod",)):
                subj = subject_of(tok)
                if subj is None or any(q.start <= tok.idx < q.end for q in long_quotes):
                    continue
                speakers = self._subject_speakers(subj, ctx, sent_i)
                if not speakers:
                    continue
                pol = -1 if lemma in lx.against_verbs else (1 if lemma in lx.favor_verbs else 0)
                if tok.pos_ == "AUX" and pol == 0:
                    continue
                # the verb with its auxiliaries and negation ("would never agree")
                lefts = [c.i for c in tok.lefts if c.dep_ in ("aux", "auxpass", "neg", "advmod") and c.i > subj.i]
                left = min([tok.i, *lefts]) if subj.i < tok.i else subj.left_edge.i
                right = tok.right_edge.i
                if tok.dep_ == "relcl":  # "the return of children that Kyiv has requested"
                    left = min(left, tok.head.left_edge.i)
                    right = max(right, tok.head.right_edge.i)
                if subj.dep_ == "nsubjpass" or any(c.dep_ == "agent" for c in tok.children):
                    left = min(left, tok.left_edge.i)  # "This position has been rejected by Ukraine"
                out.append(Anchor(speakers, (doc[left].idx, doc[right].idx + len(doc[right])), tok.idx, pol, False,
                                  neg=_neg_children(tok, lx.negators)))
            elif tok.pos_ in ("NOUN", "PROPN") and (lemma in lx.favor_nouns or lemma in lx.against_nouns):
                poss = [c for c in tok.children if c.dep_ == "poss"]
                if not poss:
                    continue
                speakers = self._subject_speakers(poss[0], ctx, sent_i)
                if not speakers:
                    continue
                pol = -1 if lemma in lx.against_nouns else 1
                out.append(Anchor(speakers, (tok.idx, tok.right_edge.idx + len(tok.right_edge)), tok.idx, pol, False))
        for m in re.finditer(r"\b([\w.]+)-(backed|brokered|proposed|drafted|sponsored)\b", sent.text):
            sp = self.resolver.resolve(m.group(1), ctx.day)
            if sp is None or not sp.holds_positions:
                continue
            start = sent.start_char + m.start()
            head = next((t for t in sent if t.idx >= start + len(m.group(0)) and t.pos_ == "NOUN"), None)
            if head is None:
                continue
            end = head.right_edge.idx + len(head.right_edge)
            out.append(Anchor([sp], (start, end), start, 1, False, backer=True))
        return out

    # ------------------------------------------------------------------ stance
    def _negated(self, doc: Doc, a: int, b: int) -> bool:
        if b <= a:
            return False
        lx = self.lex
        span = doc.char_span(a, b, alignment_mode="expand")
        if span is not None:
            for t in span:
                low = t.lower_
                if t.dep_ == "neg" or low in lx.negators or t.lemma_.lower() in lx.against_verbs:
                    return True
        return bool(lx.against_phrases.search(_text(doc)[a:b]))

    def _favoured(self, doc: Doc, a: int, b: int) -> bool:
        if b <= a:
            return False
        lx = self.lex
        span = doc.char_span(a, b, alignment_mode="expand")
        if span is not None and any(t.lemma_.lower() in lx.favor_verbs and t.pos_ in ("VERB", "ADJ") for t in span):
            return True
        return bool(lx.favor_phrases.search(_text(doc)[a:b]))

    def stance_of(self, doc: Doc, anchor: Anchor, mention: Mention, speaker: Speaker,
                  next_mention: int | None = None) -> tuple[int, bool, bool] | None:
        """(+1 favor / -1 against, red line, negated) or None where the text takes no stance."""
        lx = self.lex
        text = _text(doc)
        s0, s1 = anchor.scope
        clause = text[s0:s1]
        red = bool(lx.red.search(clause))
        if lx.claim.search(clause) and mention.issue.claimant and mention.polarity == 0:
            return (1 if speaker.party == mention.issue.claimant else -1), True, False
        if anchor.quote and anchor.quote[0] <= mention.start < anchor.quote[1]:
            a, b = anchor.quote[0], mention.start  # inside the quotation: from its opening words
        elif anchor.pos <= mention.start:
            a, b = anchor.pos, mention.start
        else:
            a, b = mention.end, anchor.pos + 1
        # the anchoring word's own polarity is counted once, through anchor.polarity
        path_neg = self._negated(doc, a + (1 if anchor.pos == a else 0), b)
        neg = anchor.polarity < 0 or anchor.neg or path_neg
        verdict_end = min(s1, mention.end + 90, next_mention if next_mention and next_mention > mention.end else s1)
        if lx.verdict.search(text[mention.end:verdict_end]):
            neg, red = True, True
        # predicates after the issue count too: "a meeting … was possible only if …"
        after = text[mention.end:min(verdict_end, mention.end + 40)]
        favoured = self._favoured(doc, a, b) or bool(_POSSIBLE.match(after))
        if anchor.is_cue or anchor.polarity or anchor.quote:
            signal = neg or anchor.polarity > 0 or mention.polarity != 0 or favoured
        else:  # a plain verb with a party subject ("Russia occupies …") needs words of stance
            signal = favoured or anchor.neg and mention.polarity != 0 or self._stance_words(doc, a, b)
        if not signal:
            return None
        base = mention.polarity or 1
        return (-base if neg else base), red, neg

    def _stance_words(self, doc: Doc, a: int, b: int) -> bool:
        lx = self.lex
        span = doc.char_span(a, b, alignment_mode="expand") if b > a else None
        if span is not None and any(t.lemma_.lower() in lx.against_verbs for t in span):
            return True
        return b > a and bool(lx.against_phrases.search(_text(doc)[a:b]))

    def condition_of(self, doc: Doc, anchor: Anchor, mention: Mention, mentions: list[Mention]) -> Mention | None:
        s1 = anchor.scope[1]
        region = _text(doc)[mention.end:s1]
        for m in self.lex.condition.finditer(region):
            at = mention.end + m.end()
            cands = [x for x in mentions if x.start >= at and x.start < s1 and x.issue.id != mention.issue.id]
            if cands:
                for extra in cands[1:]:  # the rest of the condition clause is part of the condition
                    extra.in_condition = True
                return cands[0]
        return None

    # ------------------------------------------------------------------ document
    def extract(self, doc: Doc, document: Document) -> list[Position]:
        try:
            return self._extract(doc, document)
        finally:
            doc.user_data.pop("redline:text", None)  # the cache must not travel with a serialised Doc

    def _extract(self, doc: Doc, document: Document) -> list[Position]:
        text = _text(doc)
        day = parse_iso(document.date)
        ctx = Context(day=day, ref_year=reference_year(text, day))
        quotes = find_quotes(text)
        frames: list[Frame] = doc._.frames or []
        boiler = doc._.boilerplate or []
        positions: list[Position] = []
        candidates: list[Candidate] = []
        prev: tuple[Span, list[Issue], list[Speaker]] | None = None
        self._sources = []
        if self.tagger is not None and self.learned_index.ready and self.learned_index.issues_in(text):
            self._sources = [(sp.start, sp.end) for sp in self.tagger.tag_text(text) if sp.kind == "source"]
        for sent_i, sent in enumerate(doc.sents):
            if self.learned_index.ready and not self._skip(sent, boiler, bullets=True):
                prev = self._candidates(sent, sent_i, prev, ctx, candidates)
            if self._skip(sent, boiler):
                continue
            sent_frames = [f for f in frames if f.sent == (sent.start_char, sent.end_char)]
            if not sent_frames:  # part of a quotation that runs over several sentences: its cue speaks
                sent_frames = [f for f in frames if f.kind == "quote" and f.source and
                               f.content[0] <= sent.start_char + 2 and sent.end_char - 2 <= f.content[1]]
            anchors = self.anchors(sent, sent_frames, quotes, ctx, sent_i)
            mentions = self.mentions(sent.text, sent.start_char)
            found = self._sentence_positions(doc, sent, sent_i, anchors, mentions, quotes, ctx, document)
            found += self._anaphora(doc, sent, sent_i, anchors, mentions, found, ctx, document)
            positions.extend(found)
            self._remember(sent, sent_i, anchors, found, ctx)
        if self.mode == "rules" or self.model is None:
            return _dedupe(positions)
        learned, read = self._read(doc, candidates, quotes, ctx, document)
        if self.mode == "learned":
            return _dedupe(learned)
        if self.mode in ("union", "auto"):  # the rules' positions, and the model's on tuples the rules left alone
            ruled = {(p.evidence.start, p.party, p.issue) for p in positions}
            return _dedupe(positions + [p for p in learned if (p.evidence.start, p.party, p.issue) not in ruled])
        return _dedupe(learned + [p for p in positions if (p.evidence.start, p.party, p.issue) not in read])

    def _skip(self, sent: Span, boiler: list[tuple[int, int]], bullets: bool = False) -> bool:
        if any(a < sent.end_char and sent.start_char < b for a, b in boiler):
            return True
        line_text = sent.text.strip()
        if not line_text:
            return True
        if bullets and _BULLET.match(line_text):
            return False  # list items ("- A 25% raise") carry positions; headlines do not count
        # headlines and captions: a line of its own without closing punctuation
        doc_text = _text(sent.doc)
        line_start = doc_text.rfind("\n", 0, sent.start_char) + 1
        line_end = doc_text.find("\n", sent.end_char)
        line_end = len(doc_text) if line_end < 0 else line_end
        line = doc_text[line_start:line_end].strip()
        return bool(line) and line[-1] not in ".!?\"”’:;)…" and len(line.split()) < 30

    def _sentence_positions(self, doc: Doc, sent: Span, sent_i: int, anchors: list[Anchor], mentions: list[Mention],
                            quotes: list[Quote], ctx: Context, document: Document) -> list[Position]:
        out: list[Position] = []
        conditions: set[int] = set()
        for mention in mentions:
            if id(mention) in conditions or mention.in_condition:
                continue
            covering = [a for a in anchors if a.scope[0] <= mention.start < a.scope[1] and
                        any(s.holds_positions for s in a.speakers)]
            if not covering and re.search(r"\bred line", sent.text, re.IGNORECASE):
                speakers = [s for _, _, surf in self.resolver.mentions(sent.text)
                            for s in self._resolve(surf, ctx, sent_i) if s.holds_positions][:1]
                if speakers:
                    covering = [Anchor(speakers, (sent.start_char, sent.end_char), sent.end_char, -1, False)]
            if not covering:
                continue
            covering.sort(key=lambda a: (a.scope[1] - a.scope[0], a.inherited))
            anchor = covering[0]
            cues = [a for a in covering if a.is_cue and not a.inherited]
            if not anchor.is_cue and cues:
                # inside reported speech the reporter of the clause speaks, not its grammatical subject
                anchor = cues[0]
            later = [m.start for m in mentions if m.start > mention.end and m.issue.id != mention.issue.id]
            named = {s.party: s for a in cues for s in a.speakers if s.kind in ("person", "body") and a is not anchor}
            for speaker in anchor.speakers:
                if not speaker.holds_positions:
                    continue
                if speaker.kind in ("party", "group") and speaker.party in named:
                    # "Peskov said that Moscow would never agree …": the named speaker of that party
                    speaker = named[speaker.party]
                result = self.stance_of(doc, anchor, mention, speaker, later[0] if later else None)
                if result is None:
                    continue
                pol, red, negated = result
                cond = self.condition_of(doc, anchor, mention, mentions)
                if cond is not None:
                    conditions.add(id(cond))
                    if negated or anchor.backer:
                        cond = None
                out.append(self._position(doc, sent, anchor, mention, speaker, pol, red, cond, quotes, ctx,
                                          document))
        return out

    # ------------------------------------------------------------------ learned reading
    def _holders(self, sent: Span, sent_i: int, ctx: Context) -> list[tuple[Speaker, str]]:
        """Parties named in the sentence (and the frames' speakers), each with how it was found."""
        out: list[tuple[Speaker, str]] = []
        all_frames = sent.doc._.frames or []
        frames = [f for f in all_frames if f.sent == (sent.start_char, sent.end_char)]
        if not frames:  # a sentence inside a quotation that runs over several sentences: its cue speaks
            frames = [f for f in all_frames if f.kind == "quote" and f.source and
                      f.content[0] <= sent.start_char + 2 and sent.end_char - 2 <= f.content[1]]
        text = _text(sent.doc)
        for f in frames:
            if f.source is None:  # a quotation without a cue: the speaker quoted last
                if f.kind == "floating" and ctx.last_quote_speaker is not None:
                    out.append((ctx.last_quote_speaker, "frame"))
                continue
            for sp in self._resolve(text[f.source[0]:f.source[1]], ctx, sent_i):
                if sp.holds_positions:
                    out.append((sp, "frame"))
        for a, b in self._sources:  # sources the tagger found in this sentence
            if sent.start_char <= a < sent.end_char:
                for sp in self._resolve(text[a:b], ctx, sent_i):
                    if sp.holds_positions:
                        out.append((sp, "frame"))
        for _, _, surface in self.resolver.mentions(sent.text):
            for sp in self._resolve(surface, ctx, sent_i):
                if sp.holds_positions:
                    out.append((sp, "named"))
        for tok in sent:  # "he said", "she added": the person last named
            if tok.lower_ in ("he", "she") and tok.dep_ in ("nsubj", "nsubjpass") and ctx.last_person \
                    and sent_i - ctx.last_person_sent <= 4:
                out.append((ctx.last_person, "carried"))
                break
        return out

    def _candidates(self, sent: Span, sent_i: int, prev: tuple[Span, list[Issue], list[Speaker]] | None,
                    ctx: Context, out: list[Candidate]) -> tuple[Span, list[Issue], list[Speaker]]:
        text = sent.text
        issues = self.learned_index.issues_in(text)
        holders = self._holders(sent, sent_i, ctx)
        prev_sent, prev_issues, prev_holders = prev if prev else (None, [], [])
        context = ""
        if prev_sent is not None and sent.start_char - prev_sent.end_char < 400:
            context = prev_sent.text.strip()[-300:]
        if not issues and prev_issues and refers_back(text):
            issues = prev_issues
        listed = prev_sent is not None and (prev_sent.text.rstrip().endswith(":") or _BULLET.match(text))
        if listed:  # an item under "The offer includes:": the holders of the lead-in, or the parties named last
            recent = [Speaker("", p, "party") for p in dict.fromkeys(reversed(ctx.recent_parties))][:2]
            holders += [(sp, "carried") for sp in (prev_holders or recent)]
        elif not holders and _PRONOUN_SUBJECT.match(text.strip()):  # "It also wants ...": the holders before
            holders += [(sp, "carried") for sp in prev_holders]
        for sp, how in holders:
            assert sp.party is not None
            named = sp if sp.kind in ("person", "body") else None
            label = holder_label(self.pack, sp.party, context + " " + text, named)
            names = holder_names(self.pack, sp.party, named)
            marked, marked_ctx = mark_holder(text.strip(), names), mark_holder(context, names)
            for issue in issues:
                out.append(Candidate(sent_i, sent.start_char, sent.end_char, sp, issue,
                                     Pair(label, issue.proposition, marked, marked_ctx), how))
        kept = [sp for sp, how in holders if how != "carried"] or prev_holders
        return sent, issues, list(dict.fromkeys(kept))

    def _read(self, doc: Doc, candidates: list[Candidate], quotes: list[Quote], ctx: Context,
              document: Document) -> tuple[list[Position], set[tuple[int, str, str]]]:
        """Positions the model reads, and the (sentence start, party, issue) tuples it read at all."""
        assert self.model is not None
        cands = dedupe_candidates(candidates)
        readings = self.model.read([c.pair for c in cands])
        text = _text(doc)
        out: list[Position] = []
        read: set[tuple[int, str, str]] = set()
        if self.trace is not None:
            self.trace.extend(zip(cands, readings, strict=True))
        for c, r in zip(cands, readings, strict=True):
            read.add((_trim(text, c.start, c.end)[0], c.speaker.party or "", c.issue.id))
            label = r.label
            if label == "none" or max(r.favor, r.against) < self.threshold:
                continue
            sent_issues = [i for i in self.index.issues_in(text[c.start:c.end]) if i.id != c.issue.id]
            cond = sent_issues[0].id if label == "favor" and r.conditional >= 0.5 and sent_issues else None
            stance = "conditional" if label == "favor" and r.conditional >= 0.5 else label
            a, b = _trim(text, c.start, c.end)
            when, year = find_when(text[a:b], ctx.day)
            historical = r.historical >= 0.5 or bool(year and ctx.ref_year and year < ctx.ref_year)
            in_quote = any(q.start < b and a < q.end and q.words(text) >= 4 for q in quotes)
            person = c.speaker.kind in ("person", "body")
            kind = "quote" if person and in_quote else ("reported" if person or c.source == "frame" else "narrative")
            out.append(Position(
                doc=document.name, party=c.speaker.party or "", issue=c.issue.id, stance=stance, kind=kind,
                evidence=Evidence(a, b, text[a:b]), speaker=c.speaker.name if person else "",
                red_line=r.red_line >= 0.5, condition=cond, when=when,
                confidence=round(max(r.favor, r.against), 3), outlet=document.outlet, doc_date=document.date,
                historical=historical, doc_id=document.id,
            ))
        return out, read

    def _anaphora(self, doc: Doc, sent: Span, sent_i: int, anchors: list[Anchor], mentions: list[Mention],
                  found: list[Position], ctx: Context, document: Document) -> list[Position]:
        """Stances on 'a demand', 'this position', 'This is non-negotiable': the issues just stated."""
        lx = self.lex
        out: list[Position] = []
        for anchor in anchors:
            if any(anchor.scope[0] <= m.start < anchor.scope[1] for m in mentions):
                continue
            if anchor.quote and anchor.quote[0] < sent.start_char:
                continue  # the rest of a quotation already read from its first sentence
            s0, s1 = anchor.scope
            clause = _text(doc)[s0:s1]
            ana = lx.anaphora.search(clause) or lx.anaphora.search(_text(doc)[sent.start_char:anchor.pos])
            marked = lx.claim.search(clause) or lx.verdict.search(clause) or lx.red.search(clause)
            if not ana or not (anchor.polarity or marked):
                continue
            earlier = list(found)
            if not earlier and re.match(r"\W*(this|that|it|these|such)\b", ana.group(0).strip(), re.IGNORECASE):
                earlier = [s.position for s in ctx.said if sent_i - s.sent_i <= 2]
            if not earlier:
                continue
            for speaker in anchor.speakers:
                if not speaker.holds_positions:
                    continue
                same = [p for p in earlier if p.party == speaker.party]
                others = [p for p in earlier if p.party != speaker.party]
                base = same if (same and not anchor.polarity) else (others or same)
                if same and anchor.polarity == 0:
                    base = same
                seen: set[str] = set()
                for prev in base:
                    if prev.issue in seen:
                        continue
                    seen.add(prev.issue)
                    issue = self.pack.issue(prev.issue)
                    prev_pol = 1 if prev.stance in ("favor", "conditional") else -1
                    red = bool(lx.red.search(clause))
                    if lx.claim.search(clause) and issue.claimant:
                        pol, red = (1 if speaker.party == issue.claimant else -1), True
                    elif lx.verdict.search(clause) or anchor.polarity < 0:
                        pol = -prev_pol
                        red = red or bool(lx.verdict.search(clause))
                    elif prev.party == speaker.party:
                        pol = prev_pol
                    else:
                        pol = prev_pol if anchor.polarity > 0 else 0
                    if pol == 0:
                        continue
                    at = anchor.quote[0] if anchor.quote else anchor.pos
                    mention = Mention(issue, at, at, 0)
                    pos = self._position(doc, sent, anchor, mention, speaker, pol, red, None, [], ctx, document)
                    pos.confidence = max(0.3, pos.confidence - 0.2)
                    out.append(pos)
        return out

    def _position(self, doc: Doc, sent: Span, anchor: Anchor, mention: Mention, speaker: Speaker, pol: int,
                  red: bool, cond: Mention | None, quotes: list[Quote], ctx: Context,
                  document: Document) -> Position:
        in_quote = anchor.quote is not None and anchor.quote[0] <= mention.start < anchor.quote[1] + 1
        if not in_quote:
            in_quote = any(q.start <= mention.start < q.end and q.words(_text(doc)) >= 4 for q in quotes)
        if speaker.kind in ("person", "body") or speaker.kind == "group":
            kind = "quote" if in_quote else "reported"
        else:
            kind = "narrative"
        stance = "conditional" if cond is not None else ("favor" if pol > 0 else "against")
        a, b = _trim(_text(doc), sent.start_char, sent.end_char)
        when, year = find_when(_text(doc)[a:b], ctx.day)
        historical = bool(year and ctx.ref_year and year < ctx.ref_year)
        confidence = 0.5 + (0.15 if speaker.kind in ("person", "body") else 0) + (0.1 if mention.polarity else 0) \
            + (0.1 if kind == "quote" else 0) - (0.15 if anchor.inherited else 0)
        return Position(
            doc=document.name, party=speaker.party or "", issue=mention.issue.id, stance=stance, kind=kind,
            evidence=Evidence(a, b, _text(doc)[a:b]),
            speaker=speaker.name if speaker.kind in ("person", "body") else "",
            red_line=red, condition=cond.issue.id if cond else None, when=when, confidence=min(confidence, 0.95),
            outlet=document.outlet, doc_date=document.date, historical=historical, doc_id=document.id,
        )

    def _remember(self, sent: Span, sent_i: int, anchors: list[Anchor], found: list[Position], ctx: Context) -> None:
        for anchor in anchors:
            for sp in anchor.speakers:
                if sp.kind == "person":
                    ctx.last_person, ctx.last_person_sent = sp, sent_i
                    if anchor.quote:
                        ctx.last_quote_speaker = sp
                if sp.party:
                    ctx.recent_parties.append(sp.party)
        # the pack's EntityRuler has marked every person and party named in the sentence
        for ent in sent.ents:
            if not ent.ent_id_.startswith(("person:", "party:")):
                continue
            named = self.resolver.resolve(ent.text, ctx.day)
            if named is not None and named.party and named.holds_positions:
                ctx.recent_parties.append(named.party)
                if named.kind == "person" and ctx.last_person_sent < sent_i:
                    ctx.last_person, ctx.last_person_sent = named, sent_i
        ctx.recent_parties = ctx.recent_parties[-12:]
        for p in found:
            ctx.said.append(_Said(sent_i, p))
        ctx.said = [s for s in ctx.said if sent_i - s.sent_i <= 2]


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


_PRONOUN_SUBJECT = re.compile(r"^\W*(it|they|he|she|we|its|their|this|these|the (move|offer|plan|proposal)|"
                              r"the (company|union|government|ministry|side|group|bloc))\b", re.IGNORECASE)
_BULLET = re.compile(r"^\s*([-•*·▪–]|\d+[.)])\s+")


def _dedupe(positions: list[Position]) -> list[Position]:
    seen: dict[tuple[object, ...], Position] = {}
    for p in positions:
        key = (p.party, p.issue, p.stance, p.evidence.start, p.speaker)
        if key not in seen or p.confidence > seen[key].confidence:
            seen[key] = p
        elif p.red_line:
            seen[key].red_line = True
    return list(seen.values())
