"""One evaluation command: extraction scored on every set under ../shared/eval.

    python benchmarks/eval.py [--shared ../shared] [--packs repo|shared] [--json] [--show SET]

Sets: the seeds (bundled pack) and each negotiation under ``shared/eval/dev`` (its articles and gold).
Each set is extracted through the CLI exactly as our measurements call it
(``redline extract DIR --pack FILE --format jsonl``) and scored with ``shared/eval/score.py``.
``--packs repo`` (default) uses the dev packs converted to the new pack form in ``eval/packs/``
where one exists; ``--packs shared`` uses the packs shipped with the sets (the older form).
Prints P / R / F1, speaker, red line and evidence per set and the macro average over the dev sets.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
REDLINE = Path(sys.executable).with_name("redline")


def scorer(shared: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("redline_eval_score", shared / "eval" / "score.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"{shared / 'eval' / 'score.py'}: cannot load the scorer")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def sets(shared: Path, packs: str) -> list[tuple[str, Path, Path | None, Path]]:
    """(name, articles, pack or None for the bundled one, gold) for every set."""
    out: list[tuple[str, Path, Path | None, Path]] = [
        ("seeds", shared / "corpus" / "seeds", None, shared / "eval" / "seeds_gold.yaml")]
    for d in sorted((shared / "eval" / "dev").iterdir()):
        if not (d / "gold.yaml").exists():
            continue
        pack = d / "pack.yaml"
        repo_pack = ROOT / "eval" / "packs" / f"{d.name}.yaml"
        if packs == "repo" and repo_pack.exists():
            pack = repo_pack
        out.append((d.name, d / "articles", pack, d / "gold.yaml"))
    return out


def run_set(name: str, articles: Path, pack: Path | None, gold: Path, score_mod: ModuleType,
            tmp: Path) -> dict:
    cmd = [str(REDLINE), "extract", str(articles), "--format", "jsonl", "--db", str(tmp / f"{name}.db")]
    if pack is not None:
        cmd += ["--pack", str(pack)]
    t = time.time()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode not in (0, 2):
        raise SystemExit(f"{name}: redline extract failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    preds = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    with gold.open(encoding="utf-8") as fh:
        import yaml

        result: dict = score_mod.score(yaml.safe_load(fh), preds)
    result["seconds"] = round(time.time() - t, 1)
    result["pack"] = str(pack) if pack else "(bundled)"
    return result


def evaluate(shared: Path = SHARED, packs: str = "repo") -> dict[str, dict]:
    score_mod = scorer(shared)
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, articles, pack, gold in sets(shared, packs):
            results[name] = run_set(name, articles, pack, gold, score_mod, Path(tmp))
    dev = [r for n, r in results.items() if n != "seeds"]
    if dev:
        results["dev macro"] = {k: round(sum(r[k] or 0 for r in dev) / len(dev), 3)
                                for k in ("precision", "recall", "f1", "speaker_acc", "red_line_acc", "evidence_acc")}
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=SHARED)
    ap.add_argument("--packs", choices=("repo", "shared"), default="repo")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--show", action="append", default=[], help="list missed and spurious positions of a set")
    args = ap.parse_args()
    if not (args.shared / "eval" / "score.py").exists():
        raise SystemExit(f"{args.shared}: no eval/score.py here (pass --shared PATH)")
    results = evaluate(args.shared, args.packs)
    if args.json:
        print(json.dumps({k: {kk: vv for kk, vv in v.items() if kk not in ("missed", "spurious")}
                          for k, v in results.items()}, indent=1))
        return
    print(f"{'set':<22}{'P':>7}{'R':>7}{'F1':>7}{'speaker':>9}{'red':>7}{'evid':>7}{'tuples':>8}{'s':>7}")
    for name, r in results.items():
        def f(key: str, r: dict = r) -> str:
            v = r.get(key)
            return f"{v:7.3f}" if isinstance(v, float | int) else f"{'-':>7}"
        print(f"{name:<22}{f('precision')}{f('recall')}{f('f1')}  {f('speaker_acc')}{f('red_line_acc')}"
              f"{f('evidence_acc')}{r.get('predicted_tuples', ''):>8}{r.get('seconds', ''):>7}")
    for name in args.show:
        r = results[name]
        print(f"\n{name} missed:", *r["missed"], sep="\n  ")
        print(f"\n{name} spurious:", *r["spurious"], sep="\n  ")


if __name__ == "__main__":
    main()
