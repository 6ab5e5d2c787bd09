"""Train redline's stance reader on the project's stance corpus (train/stance_corpus/*.jsonl).

    python train/train_stance.py                       # train on every negotiation, write the artifact + card
    python train/train_stance.py --lono                # leave-one-negotiation-out scores (one model per fold)
    python train/train_stance.py --holdout iran-nuclear --no-save   # one held-out negotiation

Deterministic (fixed seeds, single-process data order). CPU only.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import torch
import yaml
from torch import nn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from redline.extract.learned import holder_text, mark_holder  # noqa: E402
from redline.extract.stance_model import FLAGS, FROZEN, LABELS, Pair, StanceNet, encode_pairs  # noqa: E402
from redline.nlp import encoder as enc  # noqa: E402

CORPUS = ROOT / "train" / "stance_corpus"
OUT = ROOT / "src" / "redline" / "data" / "models" / "stance.safetensors"
CARD = OUT.with_suffix(".md")


def load_corpus(folder: Path = CORPUS) -> list[dict]:
    """Every pair, with ``holder_text`` built from its negotiation's pack as extraction builds it."""
    rows = []
    for path in sorted(folder.glob("*.jsonl")):
        pack = yaml.safe_load(path.with_name(path.name.replace(".jsonl", ".pack.yaml")).read_text(encoding="utf-8"))
        aliases = {p["name"]: p.get("aliases") or [] for p in pack["parties"]}
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                r = json.loads(line)
                names = aliases.get(r["holder"], [])
                r["holder_text"] = holder_text(r["holder"], names, (r.get("context") or "") + " " + r["text"])
                r["text"] = mark_holder(r["text"], [r["holder"], *names])
                r["context"] = mark_holder(r.get("context") or "", [r["holder"], *names])
                rows.append(r)
    return rows


def to_pair(r: dict) -> Pair:
    return Pair(holder=r["holder_text"], proposition=r["proposition"], text=r["text"], context=r.get("context") or "")


def targets(rows: list[dict]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    y = torch.tensor([LABELS.index(r["label"]) for r in rows])
    flags = torch.tensor([[float(bool(r.get(f))) for f in FLAGS] for r in rows])
    has = (y != 0).float().unsqueeze(-1).expand(-1, len(FLAGS))  # flags are read only on a stance
    return y, flags, has


def train(rows: list[dict], *, epochs: int, seed: int, batch: int = 16, lr: float = 8e-5,
          head_lr: float = 1e-3, log: bool = True) -> StanceNet:
    torch.manual_seed(seed)
    rng = random.Random(seed)
    net = StanceNet(FROZEN)
    net.top.init_pretrained()
    net.train()
    groups = [{"params": net.top.parameters(), "lr": lr}, {"params": net.head.parameters(), "lr": head_lr}]
    opt = torch.optim.AdamW(groups, weight_decay=0.01)
    steps = epochs * ((len(rows) + batch - 1) // batch)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / max(1, steps // 10)) * max(0.0, (steps - s) / steps))
    counts = Counter(r["label"] for r in rows)
    weight = torch.tensor([len(rows) / (len(LABELS) * max(1, counts[lab])) for lab in LABELS])
    ce = nn.CrossEntropyLoss(weight=weight)
    bce = nn.BCEWithLogitsLoss(reduction="none")
    step, t0, ntok = 0, time.time(), 0
    for epoch in range(epochs):
        order = list(range(len(rows)))
        rng.shuffle(order)
        # length-bucketed batches: sort chunks of 50 batches by length, then shuffle the batches
        chunks = [order[i:i + batch * 50] for i in range(0, len(order), batch * 50)]
        batches = []
        for ch in chunks:
            ch.sort(key=lambda i: len(rows[i]["text"]) + len(rows[i].get("context") or ""))
            batches += [ch[i:i + batch] for i in range(0, len(ch), batch)]
        rng.shuffle(batches)
        total = 0.0
        for b in batches:
            sub = [rows[i] for i in b]
            ids, mask, types = encode_pairs([to_pair(r) for r in sub])
            y, flags, has = targets(sub)
            out = net(ids, mask, types)
            loss = ce(out[:, : len(LABELS)], y)
            fl = (bce(out[:, len(LABELS):], flags) * has).sum() / has.sum().clamp(min=1.0)
            loss = loss + 0.5 * fl
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            opt.step()
            sched.step()
            total += float(loss.detach())
            step += 1
            ntok += int(mask.sum())
            if log and step % 100 == 0:
                print(f"  step {step}: {ntok / (time.time() - t0):.0f} tokens/s", flush=True)
        if log:
            print(f"  epoch {epoch + 1}/{epochs}: loss {total / max(1, len(batches)):.4f}, "
                  f"{ntok / (time.time() - t0):.0f} tokens/s", flush=True)
    net.eval()
    return net


def predict(net: StanceNet, rows: list[dict], batch: int = 64) -> tuple[list[int], list[list[float]]]:
    labels: list[int] = []
    flags: list[list[float]] = []
    with torch.inference_mode():
        for i in range(0, len(rows), batch):
            ids, mask, types = encode_pairs([to_pair(r) for r in rows[i:i + batch]])
            out = net(ids, mask, types)
            labels += out[:, : len(LABELS)].argmax(-1).tolist()
            flags += out[:, len(LABELS):].sigmoid().tolist()
    return labels, flags


def scores(rows: list[dict], labels: list[int], flags: list[list[float]]) -> dict:
    gold = [LABELS.index(r["label"]) for r in rows]
    acc = sum(g == p for g, p in zip(gold, labels, strict=True)) / max(1, len(rows))
    f1s = {}
    for k, name in enumerate(LABELS):
        tp = sum(g == k and p == k for g, p in zip(gold, labels, strict=True))
        fp = sum(g != k and p == k for g, p in zip(gold, labels, strict=True))
        fn = sum(g == k and p != k for g, p in zip(gold, labels, strict=True))
        f1s[name] = 2 * tp / max(1, 2 * tp + fp + fn)
    out = {"n": len(rows), "accuracy": round(acc, 4), "macro_f1": round(statistics.mean(f1s.values()), 4),
           **{f"f1_{k}": round(v, 4) for k, v in f1s.items()}}
    for j, name in enumerate(FLAGS):  # over gold stances that were read as a stance
        pool = [(bool(r.get(name)), fl[j] >= 0.5) for r, lab, fl in zip(rows, labels, flags, strict=True)
                if r["label"] != "none" and lab != 0]
        tp = sum(g and p for g, p in pool)
        fp = sum((not g) and p for g, p in pool)
        fn = sum(g and (not p) for g, p in pool)
        out[f"f1_{name}"] = round(2 * tp / max(1, 2 * tp + fp + fn), 4)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=4)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--lono", action="store_true", help="leave-one-negotiation-out evaluation")
    ap.add_argument("--holdout", action="append", default=[], help="negotiation id(s) to hold out and score")
    ap.add_argument("--no-save", action="store_true")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--limit", type=int, default=0, help="train on the first N pairs (timing runs)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    rows = load_corpus()
    negs = sorted({r["negotiation"] for r in rows})
    print(f"{len(rows)} pairs over {len(negs)} negotiations; labels {dict(Counter(r['label'] for r in rows))}")
    results = {}
    folds = [[n] for n in negs] if args.lono else ([args.holdout] if args.holdout else [])
    for held in folds:
        tr = [r for r in rows if r["negotiation"] not in held]
        te = [r for r in rows if r["negotiation"] in held]
        t = time.time()
        net = train(tr[: args.limit or None], epochs=args.epochs, seed=args.seed)
        res = scores(te, *predict(net, te))
        results["+".join(held)] = res
        print(f"held out {'+'.join(held)}: {res}  ({time.time() - t:.0f} s)", flush=True)
    if results:
        n = sum(r["n"] for r in results.values())
        macro = {k: round(sum(r[k] * r["n"] for r in results.values()) / n, 4)
                 for k in next(iter(results.values())) if k != "n"}
        print("pooled over folds (weighted by pairs):", json.dumps(macro))
        (ROOT / "train" / "stance_eval.json").write_text(json.dumps({"folds": results, "pooled": macro}, indent=1))
    if args.no_save or results and not args.lono and args.holdout:
        return
    t = time.time()
    net = train(rows[: args.limit or None], epochs=args.epochs, seed=args.seed)
    state = {k: v for k, v in net.state_dict().items()}
    meta = {"labels": LABELS, "flags": FLAGS, "frozen": FROZEN, "epochs": args.epochs, "seed": args.seed,
            "pairs": len(rows), "negotiations": negs, "base_sha256": enc.WEIGHTS_SHA256}
    digest = enc.save_artifact(args.out, state, meta)
    seconds = time.time() - t
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB, sha256 {digest}) in {seconds:.0f} s")
    write_card(args.out, rows, negs, meta, digest, seconds)


def write_card(out: Path, rows: list[dict], negs: list[str], meta: dict, digest: str, seconds: float) -> None:
    """The model card beside the artifact: data, settings, held-out scores (when measured), sha256."""
    evals = ROOT / "train" / "stance_eval.json"
    scored = json.loads(evals.read_text()) if evals.exists() else None
    labels = Counter(r["label"] for r in rows)
    lines = [
        "# Model card: redline stance reader (`stance.safetensors`)",
        "",
        "Reads a (holder, issue proposition, context, statement) pair and says favor / against / none,",
        "with conditional, red-line and historical readings. Used by `redline extract` (see",
        "`redline/extract/stance_model.py`); rebuilt by `make train` (`train/train_stance.py`).",
        "",
        "## Data",
        f"- `train/stance_corpus/`: {len(rows)} pairs over {len(negs)} negotiations ({', '.join(negs)});",
        f"  labels {dict(labels)}; {sum(r['written'] == 'hand' for r in rows)} written by hand,",
        f"  {sum(r['written'] == 'variant' for r in rows)} variants. See the corpus DATASHEET.md.",
        "- Nothing from the seed articles or `shared/eval/dev` is in it.",
        "",
        "## Settings",
        f"- Base: all-MiniLM-L6-v2 (sha256 {enc.WEIGHTS_SHA256}), lower {meta['frozen']} layers frozen and shared,",
        f"  top {enc.LAYERS - meta['frozen']} layers fine-tuned with a linear head over [CLS] + mean pooling.",
        f"- {meta['epochs']} epochs, batch 16, AdamW (layers 8e-5, head 1e-3), warm-up 10% then linear decay,",
        f"  class-weighted cross-entropy + 0.5 x flag BCE (flags on stances only), seed {meta['seed']}, fp32 training,",
        f"  fp16 storage. Training time on this machine: {seconds / 60:.1f} min.",
        "",
        "## Scores",
    ]
    if scored:
        lines.append("Held-out negotiations (a model trained without them; `train/train_stance.py --lono` or")
        lines.append("`--holdout`), pooled over the folds: " + json.dumps(scored["pooled"]))
        for fold, res in scored["folds"].items():
            lines.append(f"- {fold}: accuracy {res['accuracy']}, macro-F1 {res['macro_f1']} (n={res['n']})")
    else:
        lines.append("(no held-out run recorded: run `python train/train_stance.py --lono`)")
    lines += ["", "Extraction figures: `python benchmarks/eval.py` (see the README).", "",
              "## Artifact", f"- `{out.name}`: {out.stat().st_size / 1e6:.1f} MB, sha256 `{digest}`", ""]
    out.with_suffix(".md").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
