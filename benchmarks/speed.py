"""How much slower is redline's extraction than bare spaCy on the same texts?

Usage::

    python benchmarks/speed.py [FILE] [--limit N] [--repeats R] [--json] [--profile]

Texts: the PolNeAR passages of FILE (default ``../shared/data/polnear_valid.jsonl``) rebuilt into
articles, a passage per line, grouped by article id (chunks of 20 passages without ids); see
``benchmarks/attribution_polnear.py``. ``--limit`` keeps the first N passages.

Two timings over the same texts, both after loading and warming up their pipelines (model load time
is excluded):

- bare: ``redline.nlp.bare_nlp().pipe(texts)`` -- the shipped model alone;
- redline: ``redline.extract.extract_documents(documents)`` -- the redline pipeline (line sentences,
  pack entity ruler, attribution) plus stance extraction, i.e. what ``redline extract`` runs.

Both use the same batch size. The two runs are interleaved ``--repeats`` times (default 3) and the
figure is the ratio of the median times. ``--profile`` runs cProfile over one redline run and prints
the functions with the most own time.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib.util
import io
import json
import pstats
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
BATCH = 16  # extract_documents' default batch size


@lru_cache(maxsize=1)
def _polnear() -> ModuleType:
    """benchmarks/attribution_polnear.py (benchmarks are scripts, not a package on the path)."""
    spec = importlib.util.spec_from_file_location("redline_bench_polnear_speed", HERE / "attribution_polnear.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


def load_texts(path: str | Path, limit: int | None = None) -> list[str]:
    """PolNeAR articles rebuilt as texts."""
    pn = _polnear()
    return [g.text for g in pn.group_items(pn.load_items(path, limit))]


class Runner:
    """Both pipelines, loaded once: ``bare(texts)`` and ``redline(texts)`` process the texts."""

    def __init__(self) -> None:
        from redline.nlp import bare_nlp, load_nlp
        from redline.pack import load_pack

        self.bare_nlp = bare_nlp()
        self.pack = load_pack()
        load_nlp(self.pack)  # cached: extract_documents reuses it

    def bare(self, texts: Sequence[str]) -> int:
        return sum(len(doc) for doc in self.bare_nlp.pipe(texts, batch_size=BATCH))

    def redline(self, texts: Sequence[str]) -> int:
        from redline.extract import extract_documents
        from redline.types import Document

        documents = [Document(name=f"polnear-{i}", text=t) for i, t in enumerate(texts)]
        return sum(len(positions) for _, positions in extract_documents(documents, self.pack, batch_size=BATCH))


def measure(texts: Sequence[str], repeats: int = 3, warmup: int = 8, runner: Runner | None = None) -> dict[str, Any]:
    """Median seconds of bare spaCy and of redline extraction over ``texts`` (interleaved runs, after a
    warm-up of both on the first ``warmup`` texts)."""
    runner = runner or Runner()
    runner.bare(texts[:warmup])
    runner.redline(texts[:warmup])
    times: dict[str, list[float]] = {"bare": [], "redline": []}
    for r in range(repeats):
        order = ["bare", "redline"] if r % 2 == 0 else ["redline", "bare"]  # neither always runs first
        for name in order:
            fn: Callable[[Sequence[str]], int] = getattr(runner, name)
            t0 = time.perf_counter()
            fn(texts)
            times[name].append(time.perf_counter() - t0)
    bare_s, red_s = statistics.median(times["bare"]), statistics.median(times["redline"])
    return {"texts": len(texts), "chars": sum(len(t) for t in texts), "repeats": repeats,
            "bare_s": bare_s, "redline_s": red_s, "ratio": red_s / bare_s,
            "bare_runs": times["bare"], "redline_runs": times["redline"]}


def profile(texts: Sequence[str], runner: Runner, top: int = 25) -> str:
    """cProfile of one redline run, functions by own time."""
    prof = cProfile.Profile()
    prof.enable()
    runner.redline(texts)
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    pn = _polnear()
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("file", nargs="?", default=str(pn.DEFAULT_FILE))
    ap.add_argument("--limit", type=int, default=None, help="first N passages only")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--profile", action="store_true", help="cProfile one redline run")
    args = ap.parse_args(argv)

    texts = load_texts(args.file, args.limit)
    runner = Runner()
    res = measure(texts, args.repeats, runner=runner)
    if args.json:
        print(json.dumps({k: (round(v, 4) if isinstance(v, float) else v) for k, v in res.items()
                          if not k.endswith("_runs")}, indent=2))
    else:
        print(f"{res['texts']} texts, {res['chars']} chars, median of {res['repeats']} interleaved runs")
        print(f"bare spaCy nlp.pipe     {res['bare_s']:8.2f} s")
        print(f"redline extract         {res['redline_s']:8.2f} s")
        print(f"ratio redline / bare    {res['ratio']:8.2f}")
    if args.profile:
        print(profile(texts, runner))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
