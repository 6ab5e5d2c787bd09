"""The HTML report: self-contained, escaped, with the seeds' matrix and inline SVG charts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from redline.pack import load_pack
from redline.report import render_report
from redline.store import Store
from redline.types import Document, Evidence, Position

XSS = '<script>window.__xss=1</script> and <img src=x onerror="window.__xss=2">'


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, shared_dir: Path) -> Path:
    from redline.extract import run_extract
    from redline.ingest import ingest

    seeds = shared_dir / "corpus" / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"no seed corpus at {seeds}")
    db = tmp_path_factory.mktemp("seeds") / "r.db"
    with Store(db) as store:
        summary = ingest([str(seeds)], store)
        run_extract(store, summary.doc_ids, load_pack())
    return db


@pytest.fixture(scope="module")
def seed_html(seeded: Path) -> str:
    with Store(seeded) as store:
        return render_report(store, load_pack(), zopa_seconds=3)


def xss_store(path: Path) -> Store:
    store = Store(path)
    text = f"Evil outlet. Kremlin spokesman said {XSS}. Crimea is Russian and non-negotiable."
    doc = Document(name="evil.txt", text=text, outlet="<b>Evil</b>", date="2025-05-01")
    doc_id, _ = store.add_document(doc)
    s = text.index("Kremlin")
    e = text.index(". Crimea")
    s2 = text.index("Crimea")
    pos = [
        Position(doc="evil.txt", party="RU", issue="crimea_recognition", stance="favor", kind="reported",
                 evidence=Evidence(s, e, text[s:e]), speaker="<i>Peskov</i>"),
        Position(doc="evil.txt", party="RU", issue="crimea_recognition", stance="favor", kind="narrative",
                 evidence=Evidence(s2, len(text), text[s2:]), red_line=True),
    ]
    store.replace_positions(doc_id, pos, pack_id="russia-ukraine", extractor_version="test")
    return store


def external_refs(html: str) -> list[str]:
    attrs = re.findall(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?//[^"'\s>]*""", html, re.I)
    return attrs + re.findall(r"url\(\s*['\"]?(?:https?:)?//", html, re.I)


def test_seed_report_is_self_contained(seed_html: str) -> None:
    assert seed_html.startswith("<!DOCTYPE html>")
    assert external_refs(seed_html) == []
    assert "<script" not in seed_html.lower()
    assert "@import" not in seed_html
    assert 'http-equiv="Content-Security-Policy"' in seed_html
    assert "default-src 'none'" in seed_html
    assert "@media print" in seed_html


def test_seed_matrix_cells(seed_html: str) -> None:
    cell = re.search(r'<td class="cell favor" data-party="RU" data-issue="crimea_recognition"[^>]*>',
                     seed_html)
    assert cell is not None, "RU/crimea_recognition should be a favor cell"
    assert 'data-red-line="true"' in cell.group(0)
    assert 'href="#cell-RU-crimea_recognition"' in seed_html
    assert 'id="cell-RU-crimea_recognition"' in seed_html
    assert re.search(r'data-party="UA" data-issue="crimea_recognition" data-stance="against"', seed_html)


def test_seed_report_links_resolve(seed_html: str) -> None:
    ids = set(re.findall(r'id="([^"]+)"', seed_html))
    targets = set(re.findall(r'href="#([^"]+)"', seed_html))
    assert targets, "expected same-page links"
    assert targets <= ids, f"dangling anchors: {sorted(targets - ids)[:5]}"
    assert "<mark" in seed_html


def test_seed_report_svg_charts(seed_html: str) -> None:
    assert seed_html.count('<svg class="timeline"') >= 3
    assert '<svg class="forecast"' in seed_html
    assert "<circle" in seed_html
    sections = ("overview", "matrix", "timelines", "changes", "zopa", "forecasts", "outlets", "quotes",
                "documents")
    for section in sections:
        assert f'id="{section}"' in seed_html
    assert "Binding red lines" in seed_html


def test_script_payload_is_escaped(tmp_path: Path) -> None:
    with xss_store(tmp_path / "x.db") as store:
        html = render_report(store, load_pack(), zopa_seconds=2)
    assert "<script>window.__xss" not in html
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=" in html
    assert "<b>Evil</b>" not in html and "&lt;b&gt;Evil&lt;/b&gt;" in html
    assert "<i>Peskov</i>" not in html
    assert external_refs(html) == []


def test_report_cli_writes_file(tmp_path: Path) -> None:
    from redline.cli import app

    xss_store(tmp_path / "c.db").close()
    out = tmp_path / "report.html"
    res = CliRunner().invoke(app, ["report", "--db", str(tmp_path / "c.db"), "--out", str(out)])
    assert res.exit_code == 0, res.output
    html = out.read_text(encoding="utf-8")
    assert 'data-party="RU" data-issue="crimea_recognition"' in html


def test_report_cli_missing_db(tmp_path: Path) -> None:
    from redline.cli import app

    res = CliRunner().invoke(app, ["report", "--db", str(tmp_path / "none.db")])
    assert res.exit_code == 1
