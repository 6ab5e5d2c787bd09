"""redline extraction against bare spaCy on the same texts: a light check of the speed ratio on a small
PolNeAR subset (the full measurement is ``benchmarks/speed.py``; its bar is 1.5, this test allows 2.0)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).parents[1] / "benchmarks" / "speed.py"
VALID = (Path(__file__).parents[1] / ".." / "shared" / "data" / "polnear_valid.jsonl").resolve()

SUBSET = 100  # passages: 5 articles, ~20k characters
MAX_RATIO = 2.0


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("redline_bench_speed", BENCH)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.slow
@pytest.mark.skipif(not VALID.exists(), reason=f"PolNeAR validation file not found at {VALID}")
def test_speed_ratio() -> None:
    bench = load_bench()
    texts = bench.load_texts(VALID, SUBSET)
    assert texts
    res = bench.measure(texts, repeats=3)
    assert res["ratio"] <= MAX_RATIO, (
        f"redline extract {res['redline_s']:.2f}s vs bare spaCy {res['bare_s']:.2f}s: ratio {res['ratio']:.2f} "
        f"> {MAX_RATIO} (profile with `python benchmarks/speed.py --limit {SUBSET} --profile`)"
    )
