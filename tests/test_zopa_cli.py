"""The analysis commands: positions, evaluate, zopa, forecast (from a store or a JSONL file)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fixtures.analysis.seed_gold import SEEDS, seed_positions_from_gold
from typer.testing import CliRunner

from redline.cli import app
from redline.store import Store
from redline.types import Document

FIXTURES = Path(__file__).parent / "fixtures" / "analysis"
runner = CliRunner()


@pytest.fixture(scope="module")
def jsonl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "seeds.jsonl"
    path.write_text("".join(json.dumps(p.to_json()) + "\n" for p in seed_positions_from_gold()), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "seeds.db"
    positions = seed_positions_from_gold()
    with Store(path) as store:
        for doc in sorted({p.doc for p in positions}):
            doc_id, _ = store.add_document(Document(name=doc, text=(SEEDS / doc).read_text(encoding="utf-8")))
            store.replace_positions(
                doc_id, [p for p in positions if p.doc == doc], pack_id="russia-ukraine", extractor_version="gold"
            )
    return path


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "200"})
    return result.exit_code, result.output


def test_positions_table_from_the_store(db: Path) -> None:
    code, out = run("positions", "--db", str(db))
    assert code == 0, out
    assert "crimea_recognition" in out and "prisoner_exchange" in out
    assert "Divergences inside a party" in out
    assert "US divided on territorial_concessions" in out


def test_positions_one_cell_lists_its_statements(db: Path) -> None:
    code, out = run("positions", "--db", str(db), "--party", "UA", "--issue", "crimea_recognition")
    assert code == 0, out
    assert "The Crimean peninsula is Ukrainian" in out
    assert "red line" in out


def test_positions_json(jsonl: Path) -> None:
    code, out = run("positions", "--jsonl", str(jsonl), "--format", "json", "--party", "US")
    assert code == 0, out
    data = json.loads(out)
    assert {c["party"] for c in data["positions"]} == {"US"}
    assert any(d["issue"] == "territorial_concessions" for d in data["divergences"])


def test_zopa_table_and_json(jsonl: Path, db: Path) -> None:
    code, out = run("zopa", "--db", str(db))
    assert code == 0, out
    assert "no zone on crimea_recognition: RU red line «" in out
    assert "agreement on prisoner_exchange: RU favor, UA favor" in out
    assert "Nash product" in out and "No zone of possible agreement" in out
    code, out = run("zopa", "--jsonl", str(jsonl), "--format", "json", "--top", "2")
    assert code == 0, out
    data = json.loads(out)
    assert data["feasible"] is False
    assert {"crimea_recognition", "occupied_recognition"} <= set(data["no_zone"])
    assert "prisoner_exchange" in data["agreements"]
    assert "Nash product" in data["ranking_rule"]


def test_evaluate(jsonl: Path) -> None:
    deal = FIXTURES / "deal_istanbul.yaml"
    code, out = run("evaluate", str(deal), "--jsonl", str(jsonl))
    assert code == 0, out
    assert "Blocked by RU" in out and "non-negotiable" in out
    code, out = run("evaluate", str(deal), "--jsonl", str(jsonl), "--format", "json")
    data = json.loads(out)
    assert data["blockers"] == ["RU"]


def test_forecast(jsonl: Path) -> None:
    code, out = run("forecast", "--jsonl", str(jsonl), "--format", "json", "--issue", "ceasefire_first")
    assert code == 0, out
    (fc,) = json.loads(out)
    assert fc["issue"] == "ceasefire_first"
    assert {a["name"] for a in fc["actors"]} == {"RU", "UA"}
    models = {f["model"] for f in fc["forecasts"]}
    assert {"bdm", "nash", "compromise"} <= models
    for f in fc["forecasts"]:
        assert f["option"] in {"settlement_first", "parallel", "ceasefire_first"}
    code, out = run("forecast", "--jsonl", str(jsonl), "--issue", "ceasefire_first", "--trace")
    assert code == 0, out
    assert "BDM on ceasefire_first" in out and "round 0" in out


def test_analyst_file_and_its_errors(jsonl: Path, tmp_path: Path) -> None:
    good = tmp_path / "analyst.yaml"
    good.write_text("parties:\n  UA:\n    issues:\n      crimea_recognition: {position: 35, red_line: false}\n")
    code, out = run("zopa", "--jsonl", str(jsonl), "--positions", str(good), "--format", "json")
    assert code == 0, out
    assert "crimea_recognition" not in json.loads(out)["no_zone"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("parties:\n  XX: {}\n")
    code, out = run("zopa", "--jsonl", str(jsonl), "--positions", str(bad))
    assert code == 1
    assert "parties.XX: unknown party" in out


def test_user_errors_are_one_line(tmp_path: Path, jsonl: Path) -> None:
    code, out = run("positions", "--db", str(tmp_path / "none.db"))
    assert code == 1 and "no store here" in out
    assert not (tmp_path / "none.db").exists()
    code, out = run("positions", "--jsonl", str(jsonl), "--format", "xml")
    assert code == 1 and "--format must be table or json" in out
    code, out = run("positions", "--jsonl", str(jsonl), "--party", "ZZ")
    assert code == 1 and "not a party" in out
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"doc": "x"}\n')
    code, out = run("zopa", "--jsonl", str(broken))
    assert code == 1 and f"{broken}:1" in out
    code, out = run("evaluate", str(tmp_path / "absent.yaml"), "--jsonl", str(jsonl))
    assert code == 1 and "cannot read deal" in out
