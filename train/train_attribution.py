"""Train redline's attribution tagger (source / cue / content BIO) on the PolNeAR training split.

    python train/train_attribution.py [--shared ../shared] [--out src/redline/data/models/attribution.safetensors]
    python train/train_attribution.py --limit 100 --epochs 1 --no-save      # a quick timing run

Reads ``<shared>/data/polnear_train`` (brat standoff, see ``train/attribution_data.py``), runs the frozen
lower encoder layers once over every training window and keeps their outputs (fp16, in memory), then
fine-tunes the top layers and a linear head on them (cross-entropy over wordpiece BIO labels, AdamW,
linear warm-up and decay). Writes the artifact (fp16 safetensors with its metadata) and the model card
beside it (``attribution.md``), with the scores on ``<shared>/data/polnear_valid.jsonl`` measured by
``benchmarks/attribution_polnear.py`` (the validation file is only ever scored, never trained on).

Deterministic: fixed seeds, a single data order, ``torch.use_deterministic_algorithms``; CPU only.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path
from types import ModuleType

# OpenMP threads that spin while they wait make a shared 2-core machine crawl (4x slower measured when
# another process computes): wait passively. Set before torch starts its thread pool.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402
from torch import nn  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from attribution_data import Window, load_split, make_windows  # noqa: E402

from redline.extract.tagger import FROZEN, LABELS, MAX_LEN, TYPES, AttributionTagger, TaggerNet  # noqa: E402
from redline.nlp import encoder as enc  # noqa: E402

OUT = ROOT / "src" / "redline" / "data" / "models" / "attribution.safetensors"
BENCH = ROOT / "benchmarks" / "attribution_polnear.py"


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("redline_bench_polnear", BENCH)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def cache_lower(windows: list[Window], frozen: int, batch: int = 64) -> tuple[list[torch.Tensor], float]:
    """The frozen lower layers' output for every window (fp16, unpadded); returns (outputs, tokens/s)."""
    base = enc.base_encoder(frozen)
    order = sorted(range(len(windows)), key=lambda i: len(windows[i].ids))
    out: list[torch.Tensor | None] = [None] * len(windows)
    t0, n = time.time(), 0
    with torch.inference_mode():
        for s in range(0, len(order), batch):
            idx = order[s:s + batch]
            ids = enc.pad([windows[i].ids for i in idx])
            mask = enc.pad([[1] * len(windows[i].ids) for i in idx])
            low = base(ids, mask)
            for row, i in enumerate(idx):
                out[i] = low[row, : len(windows[i].ids)].to(torch.float16).clone()
            n += int(mask.sum())
    return [t for t in out if t is not None], n / max(1e-9, time.time() - t0)


def batches_for_epoch(windows: list[Window], batch: int, rng: random.Random) -> list[list[int]]:
    """Length-bucketed batches: shuffle, sort chunks of 50 batches by length, shuffle the batches."""
    order = list(range(len(windows)))
    rng.shuffle(order)
    out: list[list[int]] = []
    for c in range(0, len(order), batch * 50):
        chunk = sorted(order[c:c + batch * 50], key=lambda i: len(windows[i].ids))
        out += [chunk[i:i + batch] for i in range(0, len(chunk), batch)]
    rng.shuffle(out)
    return out


def train(windows: list[Window], lower: list[torch.Tensor], *, frozen: int, epochs: float, seed: int,
          batch: int, lr: float, head_lr: float, log_every: int = 200) -> tuple[TaggerNet, dict]:
    torch.manual_seed(seed)
    rng = random.Random(seed)
    net = TaggerNet(frozen)
    net.top.init_pretrained()
    net.train()
    groups = [{"params": net.top.parameters(), "lr": lr}, {"params": net.head.parameters(), "lr": head_lr}]
    opt = torch.optim.AdamW(groups, weight_decay=0.01)
    per_epoch = math.ceil(len(windows) / batch)
    steps = max(1, math.ceil(epochs * per_epoch))
    warm = max(1, steps // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, (steps - s) / steps))
    ce = nn.CrossEntropyLoss(ignore_index=-100)
    t0, c0, ntok, total, seen = time.time(), time.process_time(), 0, 0.0, 0
    plan: list[list[int]] = []
    while len(plan) < steps:
        plan += batches_for_epoch(windows, batch, rng)
    for step, b in enumerate(plan[:steps], start=1):
        width = max(len(windows[i].ids) for i in b)
        low = torch.zeros(len(b), width, enc.HIDDEN)
        for row, i in enumerate(b):
            low[row, : len(windows[i].ids)] = lower[i].float()
        mask = enc.pad([[1] * len(windows[i].ids) for i in b])
        y = enc.pad([windows[i].labels for i in b], -100)
        logits = net(low, mask)
        loss = ce(logits.reshape(-1, len(LABELS)), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()
        sched.step()
        ntok += int(mask.sum())
        total += float(loss.detach())
        seen += 1
        if step % log_every == 0 or step == steps:
            el = time.time() - t0
            print(f"  step {step}/{steps} (epoch {step / per_epoch:.2f}): loss {total / seen:.4f}, "
                  f"{ntok / el:.0f} tokens/s, {el:.0f} s (cpu {time.process_time() - c0:.0f} s)", flush=True)
            total, seen = 0.0, 0
    net.eval()
    elapsed = time.time() - t0
    return net, {"steps": steps, "seconds": round(elapsed, 1), "cpu_seconds": round(time.process_time() - c0, 1),
                 "tokens": ntok, "tokens_per_s": round(ntok / max(1e-9, elapsed))}


def validate(bench: ModuleType, tagger: AttributionTagger, valid: Path, systems: list[str],
             limit: int | None = None) -> dict:
    items = bench.load_items(valid, limit)
    ntok = sum(len(i.tokens) for i in items)
    out: dict = {"passages": len(items), "tokens": ntok}
    nlp = None
    if any(s != "tagger" for s in systems):
        from redline.nlp import load_nlp

        nlp = load_nlp()
    for system in systems:
        t = time.time()
        scores = bench.evaluate(items, nlp, system=system, tagger=tagger)
        el = time.time() - t
        out[system] = {k: s.as_json() for k, s in scores.items()}
        out[system]["seconds"] = round(el, 1)
        out[system]["tokens_per_s"] = round(ntok / max(el, 1e-9))
        print(f"  {system:7s} " + "  ".join(f"{k} {s.f1 * 100:.1f} (P {s.precision * 100:.1f} R {s.recall * 100:.1f})"
                                             for k, s in scores.items()) + f"  [{el:.0f} s]", flush=True)
    return out


def write_card(path: Path, meta: dict, results: dict, digest: str, size: int) -> None:
    lines = [
        "# attribution.safetensors: redline's attribution tagger",
        "",
        "Source / cue / content spans (BIO over wordpieces) for `redline.extract.tagger` "
        "(API in that module's docstring).",
        "Built by `python train/train_attribution.py` from the PolNeAR training split; deterministic.",
        "",
        f"- sha256: `{digest}`",
        f"- size: {size / 1e6:.1f} MB (fp16 safetensors: the top {6 - meta['frozen']} encoder layers and a "
        f"linear head; the frozen lower {meta['frozen']} layers and embeddings are the pinned "
        f"all-MiniLM-L6-v2 base, sha256 `{enc.WEIGHTS_SHA256[:16]}…`)",
        f"- labels: {', '.join(meta['labels'])}",
        "",
        "## Data",
        "",
        f"- train: {meta['data']['source']}: {meta['data']['articles']} articles "
        f"({meta['data']['annotators']} annotator per article), {meta['data']['windows']} windows "
        f"({meta['data']['empty_kept']} of the windows without any span kept), "
        f"{meta['data']['wordpieces']} wordpieces.",
        "- windows: one paragraph (a line) each, long ones cut at sentence ends, at most "
        f"{meta['max_len']} wordpieces with [CLS]/[SEP].",
        "- spans: Source / Cue / Content of every attribution event; a discontinuous span counts piece by piece "
        "(as the CofeNet BIO file writes it); nested spans of another type overwrite the outer one.",
        "- validation (scored only, never trained on): `polnear_valid.jsonl` (PolNeAR dev, CofeNet BIO, "
        f"{results.get('passages', '?')} passages, {results.get('tokens', '?')} PTB tokens).",
        "",
        "## Settings",
        "",
        "```",
        json.dumps(meta["settings"], indent=1, sort_keys=True),
        "```",
        "",
        f"Training: lower layers cached in {meta['timing']['cache_seconds']} s "
        f"({meta['timing']['cache_tokens_per_s']} wordpieces/s), then {meta['timing']['train']['steps']} steps in "
        f"{meta['timing']['train']['seconds']} s ({meta['timing']['train']['tokens_per_s']} wordpieces/s); "
        f"{meta['timing']['total_seconds']} s in all on {meta['timing']['threads']} CPU threads.",
        "",
        "## Validation (benchmarks/attribution_polnear.py, exact-match span F1, P / R in brackets)",
        "",
        "| system | source | cue | content | PTB tokens/s |",
        "|---|---|---|---|---|",
    ]
    for system in ("rules", "tagger", "merged"):
        if system not in results:
            continue
        r = results[system]
        cells = [f"{r[k]['f1']} ({r[k]['precision']} / {r[k]['recall']})" for k in TYPES]
        lines.append(f"| {system} | " + " | ".join(cells) + f" | {r['tokens_per_s']} |")
    lines += [
        "",
        "`rules` is the parse-based `redline_attribution` component; `merged` is the tagger's spans plus the "
        "rule component's content spans where the tagger has no content overlapping them.",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--epochs", type=float, default=2.0)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--frozen", type=int, default=FROZEN)
    ap.add_argument("--max-len", type=int, default=MAX_LEN)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--head-lr", type=float, default=1e-3)
    ap.add_argument("--empty-keep", type=float, default=0.5, help="share of windows without any span kept")
    ap.add_argument("--annotators", choices=("first", "all"), default="first")
    ap.add_argument("--limit", type=int, default=0, help="first N articles only (timing runs)")
    ap.add_argument("--no-save", action="store_true")
    ap.add_argument("--no-eval", action="store_true")
    ap.add_argument("--systems", default="rules,tagger,merged", help="systems scored on the validation file")
    ap.add_argument("--valid-limit", type=int, default=0, help="score the first N validation passages only")
    args = ap.parse_args()

    t_all = time.time()
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True, warn_only=True)
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    folder = args.shared / "data" / "polnear_train"
    valid = args.shared / "data" / "polnear_valid.jsonl"
    if not folder.is_dir():
        raise SystemExit(f"{folder}: the PolNeAR training split is missing (pass --shared DIR)")

    docs = load_split(folder, args.annotators, args.limit or None)
    windows = make_windows(docs, args.max_len)
    rng = random.Random(args.seed)
    empty = [w for w in windows if not any(lab > 0 for lab in w.labels)]
    kept = [w for w in windows if any(lab > 0 for lab in w.labels) or rng.random() < args.empty_keep]
    counts = Counter(LABELS[lab] for w in kept for lab in w.labels if lab >= 0)
    nwp = sum(counts.values())
    print(f"{len(docs)} articles, {len(windows)} windows ({len(empty)} without spans), kept {len(kept)}: "
          f"{nwp} wordpieces; labels {dict(counts)}", flush=True)

    t = time.time()
    lower, cache_tps = cache_lower(kept, args.frozen)
    cache_s = time.time() - t
    print(f"lower {args.frozen} layers cached in {cache_s:.0f} s ({cache_tps:.0f} wordpieces/s)", flush=True)
    net, stats = train(kept, lower, frozen=args.frozen, epochs=args.epochs, seed=args.seed, batch=args.batch,
                       lr=args.lr, head_lr=args.head_lr)
    del lower
    total_s = time.time() - t_all
    print(f"trained in {stats['seconds']:.0f} s ({stats['tokens_per_s']} wordpieces/s); {total_s:.0f} s in all",
          flush=True)

    settings = {"frozen": args.frozen, "max_len": args.max_len, "epochs": args.epochs, "batch": args.batch,
                "lr": args.lr, "head_lr": args.head_lr, "weight_decay": 0.01, "warmup": "10% linear, then linear decay",
                "clip": 1.0, "dropout": 0.1, "loss": "cross-entropy over every wordpiece",
                "empty_keep": args.empty_keep, "annotators": args.annotators, "seed": args.seed,
                "decoding": "first wordpiece of each word, Viterbi over valid BIO"}
    meta = {"labels": list(LABELS), "types": list(TYPES), "frozen": args.frozen, "max_len": args.max_len,
            "seed": args.seed, "base_sha256": enc.WEIGHTS_SHA256, "settings": settings,
            "data": {"source": "PolNeAR v1.0.0 train split (brat standoff)", "articles": len(docs),
                     "annotators": args.annotators, "windows": len(kept), "wordpieces": nwp,
                     "empty_kept": args.empty_keep},
            "timing": {"cache_seconds": round(cache_s, 1), "cache_tokens_per_s": round(cache_tps), "train": stats,
                       "total_seconds": round(total_s, 1), "threads": args.threads}}
    if args.no_save:
        tagger = AttributionTagger(net, meta)
        if not args.no_eval and valid.exists():
            validate(load_bench(), tagger, valid, [s for s in args.systems.split(",") if s], args.valid_limit or None)
        return
    state = {k: v for k, v in net.state_dict().items()}
    digest = enc.save_artifact(args.out, state, meta)
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({size / 1e6:.1f} MB, sha256 {digest})", flush=True)
    results: dict = {}
    if not args.no_eval and valid.exists():
        tagger = AttributionTagger.load(args.out)  # score the fp16 artifact as shipped
        results = validate(load_bench(), tagger, valid, [s for s in args.systems.split(",") if s],
                           args.valid_limit or None)
    elif not valid.exists():
        print(f"{valid} not found: the card has no validation scores")
    write_card(args.out.with_suffix(".md"), meta, results, digest, size)
    print(f"wrote {args.out.with_suffix('.md')}")


if __name__ == "__main__":
    main()
