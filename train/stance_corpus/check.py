"""Validate stance-corpus files against SPEC.md and print counts: python train/stance_corpus/check.py [FILES]."""

from __future__ import annotations

import collections
import json
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).parent
LABELS = {"favor", "against", "none"}
CONSTRUCTIONS = {"plain", "quote", "speaker_after", "negation", "carrier", "demand_owner", "action", "joint_subject",
                 "other_side", "possessive_body", "stance_word", "anaphora", "conditional", "red_line", "history",
                 "no_stance", "analyst", "wrong_holder", "wrong_issue"}
REQUIRED = ("id", "negotiation", "setting", "issue", "proposition", "holder", "context", "text", "label",
            "conditional", "condition", "red_line", "historical", "construction", "voice", "written")


def check(path: Path) -> list[str]:
    errors: list[str] = []
    neg = path.name.removesuffix(".jsonl")
    pack_path = path.with_name(f"{neg}.pack.yaml")
    if not pack_path.exists():
        return [f"{pack_path}: missing"]
    pack = yaml.safe_load(pack_path.read_text(encoding="utf-8"))
    issues = {i["id"]: i["proposition"] for i in pack["issues"]}
    holders = {p["name"] for p in pack["parties"]}
    ids: set[str] = set()
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path.name}:{n}"
        try:
            r = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"{where}: not JSON ({exc})")
            continue
        missing = [k for k in REQUIRED if k not in r]
        if missing:
            errors.append(f"{where}: missing {missing}")
            continue
        if r["id"] in ids:
            errors.append(f"{where}: repeated id {r['id']}")
        ids.add(r["id"])
        if r["label"] not in LABELS:
            errors.append(f"{where}: label {r['label']!r}")
        if r["construction"] not in CONSTRUCTIONS:
            errors.append(f"{where}: construction {r['construction']!r}")
        if r["issue"] not in issues:
            errors.append(f"{where}: unknown issue {r['issue']!r}")
        elif r["proposition"] != issues[r["issue"]]:
            errors.append(f"{where}: proposition differs from the pack's")
        if r["holder"] not in holders:
            errors.append(f"{where}: holder {r['holder']!r} is not a party name in the pack")
        if r["conditional"] and r["label"] != "favor":
            errors.append(f"{where}: conditional pairs have label favor")
        if r["written"] not in ("hand", "variant"):
            errors.append(f"{where}: written {r['written']!r}")
        if r["written"] == "variant" and r.get("variant_of") not in ids:
            errors.append(f"{where}: variant_of must name an earlier hand pair")
        rows.append(r)
    c = collections.Counter(r["label"] for r in rows)
    k = collections.Counter(r["construction"] for r in rows)
    hand = sum(r["written"] == "hand" for r in rows)
    print(f"{path.name}: {len(rows)} pairs, {hand} hand; labels {dict(c)}; "
          f"conditional {sum(bool(r['conditional']) for r in rows)}, "
          f"red line {sum(bool(r['red_line']) for r in rows)}, "
          f"historical {sum(bool(r['historical']) for r in rows)}")
    print(f"  constructions: {dict(sorted(k.items()))}")
    return errors


def main() -> None:
    files = [Path(a) for a in sys.argv[1:]] or sorted(HERE.glob("*.jsonl"))
    errors = [e for f in files for e in check(f)]
    for e in errors[:50]:
        print("ERROR", e)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
