"""The learned path: the pinned encoder, keyword matching, candidate holders, the stance model, processes."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from redline.extract import Extractor, explain_text, extract_documents
from redline.extract.learned import IssueIndex, holder_text, mark_holder, norm_word
from redline.extract.stance_model import Pair, StanceModel, default_path
from redline.nlp import encoder as enc
from redline.pack import Pack, load_pack
from redline.types import Document

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def test_pinned_weights_are_the_upstream_release() -> None:
    path = enc.model_dir() / "model.safetensors"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == enc.WEIGHTS_SHA256


def test_encoder_embeds_paraphrases_closer_than_unrelated_text() -> None:
    tok = enc.tokenizer()
    sents = ["The union rejected the company's offer.", "Workers turned down the automaker's proposal.",
             "The weather in the capital was sunny and warm."]
    encs = tok.encode_batch(sents)
    ids, mask = enc.pad([e.ids for e in encs]), enc.pad([e.attention_mask for e in encs])
    with torch.inference_mode():
        h = enc.base_encoder(6)(ids, mask)
    m = mask.unsqueeze(-1).float()
    v = torch.nn.functional.normalize((h * m).sum(1) / m.sum(1), dim=-1)
    sim = v @ v.T
    assert sim[0, 1] > sim[0, 2] + 0.2 and sim[0, 1] > sim[1, 2] + 0.2


@pytest.mark.parametrize("a,b", [("truce", "truces"), ("cede", "ceded"), ("raise", "raising"), ("wage", "wages"),
                                 ("cut", "cuts"), ("tax", "taxes"), ("agree", "agreed"), ("policy", "policies"),
                                 ("guarantee", "guarantees"), ("stop", "stopped")])
def test_keyword_forms_meet(a: str, b: str) -> None:
    assert norm_word(a) == norm_word(b)


def test_keywords_raise_issues_on_inflected_text_and_not_on_others() -> None:
    pack = load_pack()
    index = IssueIndex.build(pack)
    assert index.issues_in("Kyiv says a truce along the current line is possible.")
    assert not index.issues_in("The weather in the capital was sunny and warm on Tuesday.")


def test_holder_text_lists_the_names_the_text_uses() -> None:
    label = holder_text("United Auto Workers", ["UAW", "the union"], "The union rejected it, Fain said.", "Shawn Fain")
    assert label == "United Auto Workers (Shawn Fain, the union)"
    assert holder_text("Iran", ["Tehran"], "Nothing about it here.") == "Iran"


@pytest.fixture(scope="module")
def model() -> StanceModel:
    if not default_path().exists():
        pytest.fail(f"{default_path()} is missing: the shipped stance model must be in the package (make train)")
    return StanceModel.load()


def test_model_card_names_the_artifact_hash(model: StanceModel) -> None:
    card = default_path().with_suffix(".md").read_text(encoding="utf-8")
    assert model.sha256 in card


def test_stance_depends_on_the_holder_marked_in_the_text(model: StanceModel) -> None:
    prop = "Defined-benefit pensions are restored for all workers."
    text = "The union demanded the return of traditional pensions, but the company flatly refused."
    union = Pair("United Auto Workers (the union)", prop, mark_holder(text, ["the union"]))
    company = Pair("Ford (the company)", prop, mark_holder(text, ["the company"]))
    other_issue = Pair("United Auto Workers (the union)", "Workers get a four-day week.", union.text)
    assert union.text.startswith("[The union]")
    assert [r.label for r in model.read([union, company, other_issue])] == ["favor", "against", "none"]


def _tiny_pack() -> Pack:
    return Pack.model_validate({
        "id": "port-strike", "name": "Port strike",
        "parties": [
            {"id": "DOCK", "name": "Dockworkers' union", "aliases": ["the union", "dockworkers"],
             "kind": "organisation"},
            {"id": "PORTS", "name": "Port operators", "aliases": ["the operators", "port operators"],
             "kind": "group", "members": ["ACME"]},
            {"id": "ACME", "name": "Acme Terminals", "aliases": ["Acme"], "kind": "organisation"},
        ],
        "people": [{"name": "Rosa Quintero", "aliases": ["Quintero"], "party": "DOCK",
                    "roles": [{"title": "union president", "party": "DOCK"}]}],
        "issues": [
            {"id": "automation", "name": "Automation", "keywords": ["automation", "automated cranes"],
             "proposition": "Ports introduce automated cranes and gates during the contract."},
            {"id": "wage_rise", "name": "Wage rise", "keywords": ["raise", "wage increase", "pay rise"],
             "proposition": "Dockworkers get a wage increase of at least 60% over six years."},
        ],
    })


def test_extraction_reads_the_speaker_named_after_the_quote() -> None:
    pack = _tiny_pack()
    text = ("The port talks resumed on Monday.\n\n\u201cWe will never accept automated cranes on these docks,\u201d "
            "union president Rosa Quintero said on Tuesday.")
    positions = [p for _, ps in extract_documents([Document(name="t.txt", text=text)], pack, processes=1) for p in ps]
    found = {(p.party, p.issue, p.stance) for p in positions}
    assert ("DOCK", "automation", "against") in found
    dock = next(p for p in positions if p.party == "DOCK")
    assert dock.speaker == "Rosa Quintero" and dock.kind == "quote" and dock.red_line
    assert text[dock.evidence.start:dock.evidence.end] == dock.evidence.text


def test_explain_lists_every_pair_read() -> None:
    pack = _tiny_pack()
    result = explain_text("The operators rejected the union's demand for a 60% raise.", pack)
    parties = {c.speaker.party for c, _ in result.readings}
    assert {"PORTS", "DOCK"} <= parties  # the group itself holds what "the operators" say
    assert any(i == ["wage_rise"] for _, i in result.issues_by_sentence)


def test_fingerprint_covers_model_and_mode(model: StanceModel) -> None:
    pack = load_pack()
    assert Extractor(pack, model).fingerprint != Extractor(pack, None).fingerprint
    assert Extractor(pack, model, threshold=0.6).fingerprint != Extractor(pack, model).fingerprint


@pytest.mark.skipif(not (SHARED / "corpus" / "seeds").exists(), reason="../shared/corpus/seeds not present")
def test_two_processes_give_what_one_gives(tmp_path: Path) -> None:
    out = {}
    for n in (1, 2):
        env = {**os.environ, "REDLINE_PROCESSES": str(n)}
        db = str(tmp_path / f"{n}.db")
        proc = subprocess.run([str(Path(sys.executable).with_name("redline")), "extract",
                               str(SHARED / "corpus" / "seeds"), "--format", "jsonl", "--db", db],
                              capture_output=True, text=True, env=env, check=False)
        assert proc.returncode == 0, proc.stderr[-2000:]
        out[n] = [json.loads(line) for line in proc.stdout.splitlines()]
    assert out[1] == out[2] and out[1]


def test_pack_try_shows_holders_issues_and_stances(tmp_path: Path) -> None:
    path = tmp_path / "pack.yaml"
    import yaml

    path.write_text(yaml.safe_dump(_tiny_pack().model_dump(mode="json")), encoding="utf-8")
    proc = subprocess.run([str(Path(sys.executable).with_name("redline")), "pack", "try", str(path),
                           "Acme said it wants automated cranes at all of its terminals."],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "automation" in proc.stdout and "ACME" in proc.stdout and "favor" in proc.stdout
