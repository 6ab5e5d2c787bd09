"""The web app through FastAPI's TestClient: pages, JSON API, token, size limit, upload safety."""

from __future__ import annotations

import re
import stat
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from redline.pack import load_pack
from redline.store import Store
from redline.types import Document, Evidence, Position
from redline.web.app import create_app
from redline.web.security import ensure_token, safe_name, token_path, upload_target

TOKEN = "test-token-123"
AUTH = {"X-Redline-Token": TOKEN}
XSS = '<script>window.__xss=1</script> <img src=x onerror="window.__xss=2">'

TEXT1 = (
    "Kremlin spokesman Dmitry Peskov said Crimea is Russian territory and its status is non-negotiable. "
    f"A commenter wrote {XSS} below the article. "
    "Ukrainian President Volodymyr Zelensky said Ukraine will never recognise Crimea as Russian."
)
TEXT2 = "Russia wants sanctions lifted before any deal, officials said on Monday."


def _span(text: str, start: str, end: str) -> Evidence:
    s = text.index(start)
    e = text.index(end, s) + len(end)
    return Evidence(s, e, text[s:e])


def positions1(text: str) -> list[Position]:
    return [
        Position(doc="a.txt", party="RU", issue="crimea_recognition", stance="favor", kind="reported",
                 evidence=_span(text, "Kremlin", "non-negotiable."), speaker="Dmitry Peskov", red_line=True,
                 confidence=0.8),
        Position(doc="a.txt", party="UA", issue="crimea_recognition", stance="against", kind="reported",
                 evidence=_span(text, "Ukrainian President", "as Russian."), speaker="Volodymyr Zelensky",
                 red_line=True, confidence=0.8),
        Position(doc="a.txt", party="RU", issue="sanctions_relief", stance="favor", kind="narrative",
                 evidence=_span(text, "A commenter", "article."), confidence=0.3),
    ]


def fill(db: Path) -> None:
    with Store(db) as store:
        d1, _ = store.add_document(Document(name="a.txt", text=TEXT1, outlet="TASS <b>", date="2025-05-02"))
        store.replace_positions(d1, positions1(TEXT1), pack_id="russia-ukraine", extractor_version="t")
        d2, _ = store.add_document(Document(name="b.txt", text=TEXT2, outlet="Reuters", date="2025-05-05"))
        store.replace_positions(
            d2,
            [Position(doc="b.txt", party="RU", issue="sanctions_relief", stance="favor", kind="reported",
                      evidence=_span(TEXT2, "Russia", "deal,"), confidence=0.7)],
            pack_id="russia-ukraine", extractor_version="t",
        )


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "web.db"
    fill(path)
    return path


@pytest.fixture()
def client(db: Path) -> TestClient:
    return TestClient(create_app(db, load_pack(), token=TOKEN))


def key_of(client: TestClient, **filters: Any) -> str:
    rows = client.get("/api/positions", params=filters).json()
    assert rows, filters
    return str(rows[0]["key"])


@pytest.mark.parametrize(
    "url", ["/", "/documents", "/documents/1", "/positions", "/positions?party=RU&red_line=yes&kind=reported",
            "/deal", "/deal?run=1&opt_crimea_recognition=de_jure", "/ingest", "/login"],
)
def test_pages_render_with_csp(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 200, r.text
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "<script" not in r.text.lower()
    assert re.search(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", r.text) is None  # no inline event handler


def test_dashboard_matrix_and_evidence(client: TestClient) -> None:
    html = client.get("/").text
    assert 'data-party="RU" data-issue="crimea_recognition" data-stance="favor" data-red-line="true"' in html
    assert 'href="#cell-RU-crimea_recognition"' in html and 'id="cell-RU-crimea_recognition"' in html
    assert '<svg class="timeline"' in html
    assert "/documents/1#ev-1-" in html


def test_document_page_escapes_and_highlights(client: TestClient) -> None:
    html = client.get("/documents/1").text
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html
    assert "<script>window" not in html and "<img src=x" not in html
    assert "<mark id=\"ev-1-" in html
    assert "TASS &lt;b&gt;" in html
    assert client.get("/documents/99").status_code == 404


def test_static_css(client: TestClient) -> None:
    r = client.get("/static/style.css")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/css")


def test_api_reads(client: TestClient) -> None:
    assert client.get("/api/health").json()["documents"] == 2
    assert client.get("/api/pack").json()["id"] == "russia-ukraine"
    docs = client.get("/api/documents").json()
    assert [d["name"] for d in docs] == ["a.txt", "b.txt"] and "text" not in docs[0]
    doc = client.get("/api/documents/1").json()
    assert doc["text"] == TEXT1 and len(doc["positions"]) == 3
    assert client.get("/api/documents/5").status_code == 404
    assert len(client.get("/api/positions").json()) == 4
    assert len(client.get("/api/positions", params={"party": "RU"}).json()) == 3
    assert len(client.get("/api/positions", params={"red_line": True}).json()) == 2
    assert len(client.get("/api/positions", params={"speaker": "peskov"}).json()) == 1
    assert len(client.get("/api/positions", params={"outlet": "reuters"}).json()) == 1
    assert len(client.get("/api/positions", params={"date_from": "2025-05-03"}).json()) == 1
    assert len(client.get("/api/positions", params={"date_to": "2025-05-02"}).json()) == 3
    assert len(client.get("/api/positions", params={"kind": "narrative"}).json()) == 1
    cells = {(c["party"], c["issue"]): c for c in client.get("/api/matrix").json()["cells"]}
    assert cells[("RU", "crimea_recognition")]["stance"] == "favor"
    assert cells[("RU", "crimea_recognition")]["red_line"] is True
    assert client.get("/api/model").json()["pack"] == "russia-ukraine"
    z = client.get("/api/zopa").json()
    assert z["available"] is True and any(r["party"] == "RU" for r in z["red_lines"])
    f = client.get("/api/forecasts").json()
    assert "compromise" in f["models"] and f["issues"]
    assert client.get("/api/reviews").json() == []


def test_openapi_lists_the_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/api/documents", "/api/positions", "/api/reviews", "/api/deal", "/api/ingest",
                 "/api/jobs/{job_id}",
                 "/api/matrix", "/api/zopa"):
        assert path in spec["paths"], path
    assert client.get("/docs").status_code == 404  # no CDN-backed Swagger UI


def test_deal_api_and_page(client: TestClient) -> None:
    r = client.post("/api/deal", json={"options": {"crimea_recognition": "de_jure"}})
    assert r.status_code == 200
    body = r.json()
    verdicts = {p["party"]: p for p in body["parties"]}
    assert verdicts["UA"]["verdict"] == "reject"
    assert "never recognise Crimea" in verdicts["UA"]["crossed"][0]["red_line"]["quote"]
    assert verdicts["RU"]["verdict"] != "reject"
    assert client.post("/api/deal", json={"options": {"nope": "x"}}).status_code == 422
    assert client.post("/api/deal", json={"options": {"crimea_recognition": "x"}}).status_code == 422
    html = client.get("/deal", params={"run": 1, "opt_crimea_recognition": "ua_control"}).text
    assert 'class="party-verdict" data-party="RU"' in html
    assert "crosses" in html and "non-negotiable" in html


def test_writes_need_the_token(client: TestClient) -> None:
    key = key_of(client, party="RU", issue="crimea_recognition")
    assert client.post("/api/reviews", json={"key": key, "action": "reject"}).status_code == 401
    bad = {"X-Redline-Token": "wrong"}
    assert client.post("/api/reviews", json={"key": key, "action": "reject"}, headers=bad).status_code == 401
    assert client.post("/api/ingest", data={"urls": "https://example.org/x"}).status_code == 401
    assert client.post("/positions/review", data={"key": key, "action": "reject"}).status_code == 401
    assert client.delete(f"/api/reviews/{key}").status_code == 401
    r = client.post("/api/reviews", json={"key": key, "action": "reject"},
                    headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 201


def test_login_cookie_and_origin_check(client: TestClient) -> None:
    assert client.post("/login", data={"token": "nope"}).status_code == 401
    r = client.post("/login", data={"token": TOKEN}, follow_redirects=False)
    assert r.status_code == 303
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    key = key_of(client, party="UA")
    evil = client.post("/positions/review", data={"key": key, "action": "accept"},
                       headers={"Origin": "https://evil.example"}, follow_redirects=False)
    assert evil.status_code == 403
    ok = client.post("/positions/review", data={"key": key, "action": "accept", "back": "//evil.example/"},
                     follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/positions"
    assert client.get("/api/positions", params={"party": "UA"}).json()[0]["status"] == "accepted"
    assert "Accept</button>" in client.get("/positions").text


def test_review_accept_reject_correct_and_survive_reextraction(db: Path, client: TestClient) -> None:
    key = key_of(client, party="RU", issue="crimea_recognition")
    r = client.post("/api/reviews", headers=AUTH,
                    json={"key": key, "action": "correct", "changes": {"stance": "against"}, "by": "ana"})
    assert r.status_code == 201 and r.json()["by"] == "ana" and r.json()["at"]
    row = client.get("/api/positions", params={"party": "RU", "issue": "crimea_recognition"}).json()[0]
    assert row["stance"] == "against" and row["status"] == "corrected"
    cells = {(c["party"], c["issue"]): c for c in client.get("/api/matrix").json()["cells"]}
    assert cells[("RU", "crimea_recognition")]["stance"] == "against"
    bad = client.post("/api/reviews", headers=AUTH,
                      json={"key": key, "action": "correct", "changes": {"x": 1}})
    assert bad.status_code == 422
    missing = client.post("/api/reviews", headers=AUTH, json={"key": "nope", "action": "accept"})
    assert missing.status_code == 404
    # re-extraction: new row ids, same document text and offsets -> the review still applies
    with Store(db) as store:
        old_ids = [p.id for p in store.positions(doc_id=1)]
        store.replace_positions(1, positions1(TEXT1), pack_id="russia-ukraine", extractor_version="t2")
        assert old_ids != [p.id for p in store.positions(doc_id=1)]
    fresh = TestClient(create_app(db, load_pack(), token=TOKEN))
    row = fresh.get("/api/positions", params={"party": "RU", "issue": "crimea_recognition"}).json()[0]
    assert row["stance"] == "against" and row["review"]["by"] == "ana"
    # reject: left out of the model, kept (flagged) in the list
    key2 = key_of(fresh, party="RU", issue="sanctions_relief", outlet="reuters")
    assert fresh.post("/api/reviews", headers=AUTH, json={"key": key2, "action": "reject"}).status_code == 201
    assert fresh.get("/api/positions", params={"status": "rejected"}).json()[0]["key"] == key2
    assert fresh.delete(f"/api/reviews/{key2}", headers=AUTH).status_code == 200
    assert fresh.get("/api/positions", params={"status": "rejected"}).json() == []
    # reviews live in the store itself, with who and when
    with Store(db) as s:
        stored = s.reviews()
    assert [(r["party"], r["issue"], r["action"], r["by"]) for r in stored] == [
        ("RU", "crimea_recognition", "correct", "ana")]
    assert stored[0]["at"]


def test_token_file_created_0600(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    token, created = ensure_token(db)
    assert created and len(token) >= 32
    assert stat.S_IMODE(token_path(db).stat().st_mode) == 0o600
    assert ensure_token(db) == (token, False)
    app = create_app(db, load_pack())
    c = TestClient(app)
    key = key_of(c) if c.get("/api/positions").json() else None
    assert key is None
    assert c.post("/api/reviews", json={"key": "k", "action": "accept"},
                  headers={"X-Redline-Token": token}).status_code == 404  # token accepted; no such position


def test_request_size_limit(db: Path) -> None:
    c = TestClient(create_app(db, load_pack(), token=TOKEN, max_body=2000))
    r = c.post("/api/ingest", headers=AUTH, files={"files": ("big.txt", b"x" * 5000, "text/plain")})
    assert r.status_code == 413
    r = c.post("/api/reviews", headers=AUTH, content=b"{" + b" " * 5000 + b"}")
    assert r.status_code == 413


@pytest.mark.parametrize(
    "name",
    ["../../evil.txt", "/etc/passwd", "..\\..\\win.txt", ".hidden", "a b;rm -rf.txt", "", "..", "ok.txt"],
)
def test_safe_upload_names(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "uploads"
    target = upload_target(folder, name)
    assert target.parent == folder.resolve()
    assert "/" not in safe_name(name) and not safe_name(name).startswith(".")


def test_upload_ingest_job(db: Path, client: TestClient) -> None:
    article = (
        "Kremlin spokesman Dmitry Peskov said on Tuesday that the status of Crimea is non-negotiable. "
        f"{XSS}\n"
    ).encode()
    files = {"files": ("../../../escape.txt", article, "text/plain")}
    r = client.post("/api/ingest", headers=AUTH, files=files)
    assert r.status_code == 202, r.text
    job_id = r.json()["id"]
    deadline = time.time() + 180
    job = r.json()
    while time.time() < deadline:
        job = client.get(f"/api/jobs/{job_id}").json()
        if job["state"] in ("done", "failed"):
            break
        time.sleep(0.3)
    assert job["state"] == "done", job
    uploads = db.parent / (db.name + ".uploads")
    stored = list(uploads.iterdir())
    assert len(stored) == 1 and stored[0].name.endswith("escape.txt")
    assert not (db.parent.parent / "escape.txt").exists()
    assert client.get("/api/health").json()["documents"] == 3
    assert client.get(f"/ingest/jobs/{job_id}").status_code == 200
    assert client.get("/api/jobs/nope").status_code == 404
    assert client.post("/api/ingest", headers=AUTH, data={"urls": "file:///etc/passwd"}).status_code == 422
    assert client.post("/api/ingest", headers=AUTH, data={}).status_code == 422
