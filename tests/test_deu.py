"""DEU loader on the real dev file and on broken files; the benchmark's reproduction bar."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from redline.model.deu import DeuFormatError, load_deu
from redline.model.forecast import MODELS

DEV = (Path(__file__).parents[1] / ".." / "shared" / "data" / "deu3_dev.tsv").resolve()
BENCH = Path(__file__).parents[1] / "benchmarks" / "deu.py"

needs_dev = pytest.mark.skipif(not DEV.exists(), reason=f"DEU III dev file not found at {DEV}")


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("redline_bench_deu", BENCH)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


# ---------------------------------------------------------------- the real file


@needs_dev
def test_load_dev_counts() -> None:
    issues = load_deu(DEV)
    assert len(issues) == 250
    assert len({i.proposal for i in issues}) == 99
    assert sum(i.outcome is not None for i in issues) == 239
    assert sum(i.reference_point is not None for i in issues) == 184
    assert len({i.issue for i in issues}) == 250
    # 35 actor-issue cells have a position but no salience
    assert sum(len(i.missing_salience) for i in issues) == 35


@needs_dev
def test_load_dev_first_issue() -> None:
    first = load_deu(DEV, capability="gdp")[0]
    assert (first.proposal, first.issue, first.name, first.line) == ("d00032", "d00032i1", "documents", 3)
    assert first.outcome == 100.0
    assert first.reference_point == 0.0
    com = first.actor("com")
    de = first.actor("de")
    assert com is not None and de is not None
    assert (com.position, com.salience, com.capability) == (100.0, 50.0, 4.1)
    assert (de.position, de.salience, de.capability) == (0.0, 80.0, 4.1)  # GDP row: de 4.1
    assert first.actor("bu") is None  # blank position: no actor
    assert len(first.actors) == 17


@needs_dev
def test_load_dev_capability_one() -> None:
    issues = load_deu(DEV, capability="one")
    assert {a.capability for i in issues for a in i.actors} == {1.0}


@needs_dev
def test_every_model_runs_on_every_dev_issue() -> None:
    issues = [i for i in load_deu(DEV) if any(a.salience > 0 for a in i.actors)]
    for name in ("compromise", "nash", "median", "mean", "pce", "compromise_snap"):
        for i in issues:
            v = MODELS[name](i.actors).value
            assert 0.0 <= v <= 100.0


# ---------------------------------------------------------------- errors name file and line

HEADER = "prnr\tisnr\tprname\tpa\tpb\tsa\tsb\trp\tout\n"
CAPS = "\t\t\t1\t2\t\t\t\t\n"


def write(tmp_path: Path, body: str, header: str = HEADER, caps: str = CAPS) -> Path:
    p = tmp_path / "x.tsv"
    p.write_text(header + caps + body, encoding="utf-8")
    return p


def test_small_file_roundtrip(tmp_path: Path) -> None:
    p = write(tmp_path, "p1\tp1i1\tdemo\t0\t100\t50\t\t\t30\np1\tp1i2\tdemo\t\t20\t\t40\t0\t\n")
    one, two = load_deu(p, capability="gdp")
    assert [(a.name, a.position, a.salience, a.capability) for a in one.actors] == [
        ("a", 0.0, 50.0, 1.0),
        ("b", 100.0, 0.0, 2.0),
    ]
    assert one.missing_salience == ["b"]
    assert one.outcome == 30.0 and one.reference_point is None
    assert [a.name for a in two.actors] == ["b"]
    assert two.outcome is None and two.reference_point == 0.0
    assert two.line == 4


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("p1\tp1i1\tdemo\t0\tx\t50\t50\t\t30\n", r"x\.tsv:3: column 'pb': not a number"),
        ("p1\tp1i1\tdemo\t0\t120\t50\t50\t\t30\n", r"x\.tsv:3: column 'pb': 120 outside"),
        ("p1\tp1i1\tdemo\t0\t10\t50\t50\t\t-3\n", r"x\.tsv:3: column 'out'"),
        ("p1\tp1i1\tdemo\t0\t10\n", r"x\.tsv:3: 5 cells, the header has 9"),
        (
            "p1\tp1i1\tdemo\t0\t10\t1\t1\t\t\np1\tp1i1\tdemo\t0\t10\t1\t1\t\t\n",
            r"x\.tsv:4: issue 'p1i1' already on line 3",
        ),
        ("\t\tdemo\t0\t10\t1\t1\t\t\n", r"x\.tsv:3: empty 'prnr' or 'isnr'"),
    ],
)
def test_errors_name_file_and_line(tmp_path: Path, body: str, message: str) -> None:
    p = write(tmp_path, body)
    with pytest.raises(DeuFormatError, match=message):
        load_deu(p)


def test_missing_column(tmp_path: Path) -> None:
    p = write(tmp_path, "", header="prnr\tisnr\tpa\tsa\n", caps="\t\t1\t\n")
    with pytest.raises(DeuFormatError, match=r"x\.tsv:1: missing column 'out'"):
        load_deu(p)


def test_missing_gdp_capability(tmp_path: Path) -> None:
    p = write(tmp_path, "p1\tp1i1\tdemo\t0\t10\t1\t1\t\t5\n", caps="\t\t\t1\t\t\t\t\t\n")
    with pytest.raises(DeuFormatError, match=r"x\.tsv:2: capability row has no positive value for actor 'b'"):
        load_deu(p, capability="gdp")
    assert load_deu(p, capability="one")[0].actors[1].capability == 1.0


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(DeuFormatError, match="cannot read"):
        load_deu(tmp_path / "missing.tsv")


# ---------------------------------------------------------------- benchmark reproduction bar


@needs_dev
def test_benchmark_compromise_reproduces_published_mae() -> None:
    bench = load_bench()
    issues = bench.issues_with_outcome(DEV, "one")
    assert len(issues) == 239
    # published: compromise model MAE 23.0-23.2 on DEU III; the dev file must give 23.1 +- 0.2
    assert bench.mae(issues, MODELS["compromise"]) == pytest.approx(23.1, abs=0.2)


@needs_dev
def test_benchmark_runs_with_folds(capsys: pytest.CaptureFixture[str]) -> None:
    bench = load_bench()
    assert bench.main([str(DEV), "--folds"]) == 0
    out = capsys.readouterr().out
    assert "239 issues with an outcome" in out
    assert "compromise_snap (tuned in LOPO folds)" in out
    rows = bench.run(DEV, "one", folds=False)
    by = {(r.key, r.capability): r for r in rows}
    assert by[("compromise", "1")].mae == pytest.approx(23.13, abs=0.01)
    assert by[("median", "1")].mae > by[("compromise", "1")].mae
