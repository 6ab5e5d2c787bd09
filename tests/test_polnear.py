"""The attribution component against PolNeAR: F1 floors on a subset of the validation file (so that a
regression in the component's spans fails) and pinned sentences with their exact spans."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).parents[1] / "benchmarks" / "attribution_polnear.py"
VALID = (Path(__file__).parents[1] / ".." / "shared" / "data" / "polnear_valid.jsonl").resolve()

needs_valid = pytest.mark.skipif(not VALID.exists(), reason=f"PolNeAR validation file not found at {VALID}")

SUBSET = 300
# measured on the first 300 passages (F1, exact match, the component's spans as they are):
# source 59.7, cue 57.7, content 52.3
FLOORS = {"source": 57.0, "cue": 55.5, "content": 50.0}


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("redline_bench_polnear", BENCH)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return load_bench()


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    from redline.nlp import load_nlp

    return load_nlp()


# ---------------------------------------------------------------- the benchmark's own pieces


def test_bio_spans(bench: ModuleType) -> None:
    labels = ["B-source", "I-source", "B-cue", "O", "B-content", "I-content", "B-content", "I-cue"]
    assert bench.bio_spans(labels) == {("source", 0, 2), ("cue", 2, 3), ("content", 4, 6),
                                       ("content", 6, 7), ("cue", 7, 8)}


def test_build_text_offsets(bench: ModuleType) -> None:
    item = bench.Item(["``", "It", "'s", "over", ",", "''", "he", "said", "-LRB-", "again", "-RRB-", "."],
                      ["O"] * 12, "a")
    group = bench.Group([item, bench.Item(["''", "Yes", ".", "''"], ["O"] * 4, "a")])
    bench.build_text(group)
    assert group.text == "“It's over,” he said (again).\n“Yes.”"
    words = [group.text[a:b] for a, b in group.offsets[0]]
    assert words == ["“", "It", "'s", "over", ",", "”", "he", "said", "(", "again", ")", "."]
    assert bench.char_to_tokens(group.offsets[0], 0, 12) == (0, 6)  # “It's over,”


def test_grouping_by_article(bench: ModuleType) -> None:
    items = [bench.Item(["a"], ["O"], "x"), bench.Item(["b"], ["O"], "x"), bench.Item(["c"], ["O"], "y")]
    assert [len(g.items) for g in bench.group_items(items)] == [2, 1]
    no_ids = [bench.Item(["a"], ["O"]) for _ in range(45)]
    assert [len(g.items) for g in bench.group_items(no_ids)] == [20, 20, 5]


# ---------------------------------------------------------------- floors on the real file


@needs_valid
def test_subset_floors(bench: ModuleType, nlp) -> None:  # type: ignore[no-untyped-def]
    items = bench.load_items(VALID, SUBSET)
    assert len(items) == SUBSET
    scores = bench.evaluate(items, nlp)
    f1 = {kind: 100 * s.f1 for kind, s in scores.items()}
    for kind, floor in FLOORS.items():
        assert f1[kind] >= floor, f"{kind} F1 {f1[kind]:.1f} < {floor} on the first {SUBSET} passages: {f1}"


# ---------------------------------------------------------------- pinned PolNeAR sentences

PINNED = [
    (  # apposition in the source, comma closing it included; bare verb cue
        "Richard Revesz, director of the Institute for Policy Integrity at New York University's law school, "
        "said the suing states were exaggerating the regulatory reach of the EPA.",
        [("Richard Revesz, director of the Institute for Policy Integrity at New York University's law school,",
          "said", "the suing states were exaggerating the regulatory reach of the EPA")],
    ),
    (  # quote-first: the quotation with its marks, as PolNeAR annotates it
        "“The Clean Power Plan, while certainly a very important rule, is not the boundary-breaking behemoth "
        "that the petitioners make it out to be,” Revesz said.",
        [("Revesz", "said", "“The Clean Power Plan, while certainly a very important rule, is not the "
                            "boundary-breaking behemoth that the petitioners make it out to be,”")],
    ),
    (  # the complementizer belongs to the content
        "They argue that the EPA overstepped its regulatory authority under the federal Clean Air Act.",
        [("They", "argue", "that the EPA overstepped its regulatory authority under the federal Clean Air Act")],
    ),
    (  # auxiliaries and adverbs are part of the cue
        "Democrats repeatedly noted that last year Pagliano invoked his 5th Amendment rights in a closed "
        "session of the House Benghazi Committee.",
        [("Democrats", "repeatedly noted", "that last year Pagliano invoked his 5th Amendment rights in a closed "
                                           "session of the House Benghazi Committee")],
    ),
    (
        "However, Pagliano's lawyer has said he will refuse to answer any questions from the oversight panel.",
        [("Pagliano's lawyer", "has said", "he will refuse to answer any questions from the oversight panel")],
    ),
    (  # "according to" is the cue; the content is the clause outside it
        "The top 1 percent paid 25.4 percent of all federal taxes in 2013, according to the nonpartisan "
        "Congressional Budget Office.",
        [("the nonpartisan Congressional Budget Office", "according to",
          "The top 1 percent paid 25.4 percent of all federal taxes in 2013")],
    ),
    (  # the object urged is part of what is urged
        "Fellow Republicans are urging Trump to make the second debate a game-changer.",
        [("Fellow Republicans", "are urging", "Trump to make the second debate a game-changer")],
    ),
    (  # parenthetical affiliation in the source; content ends with its quotation's closing mark
        "House Speaker Paul D. Ryan (R-Wis.) said the recent spate of police shootings and protests demands "
        "that all Americans engage in “more listening” and “more learning.”",
        [("House Speaker Paul D. Ryan (R-Wis.)", "said",
          "the recent spate of police shootings and protests demands that all Americans engage in "
          "“more listening” and “more learning.”")],
    ),
    (  # verb chain and preposition in the cue
        "Small groups of protesters continued to call for more information about the fatal shooting of "
        "Keith Lamont Scott.",
        [("Small groups of protesters", "continued to call for",
          "more information about the fatal shooting of Keith Lamont Scott")],
    ),
    (  # a colon after the cue
        "Limbaugh added: “They are demanding this, and they're putting all kinds of pressure on Lester.”",
        [("Limbaugh", "added:", "“They are demanding this, and they're putting all kinds of pressure on Lester.”")],
    ),
    (  # a floating quotation over two sentences is one content
        "“This normally is a big open park, fun event,” he said. “So obviously they pulled the brakes. "
        "We're not going to stop.”",
        [("he", "said", "“This normally is a big open park, fun event,”"),
         (None, None, "“So obviously they pulled the brakes. We're not going to stop.”")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), PINNED, ids=[p[0][:40] for p in PINNED])
def test_pinned_spans(nlp, text: str, expected: list[tuple[str | None, str | None, str]]) -> None:  # type: ignore[no-untyped-def]
    doc = nlp(text)

    def cut(span: tuple[int, int] | None) -> str | None:
        return None if span is None else text[span[0]:span[1]]

    got = {(cut(f.source), cut(f.cue), cut(f.content)) for f in doc._.frames}
    assert got == set(expected)
