"""Real Chromium (Playwright for Python) against the web app served by uvicorn on 127.0.0.1.

Needs /usr/bin/chromium (``make test`` installs it); never ``playwright install``.
Screenshots go to test-output/screenshots/.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = Path(__file__).resolve().parent.parent / "test-output" / "screenshots"
TOKEN = "browser-token-0123456789"
XSS_ARTICLE = (
    "Kremlin spokesman Dmitry Peskov said on Tuesday that the status of Crimea is non-negotiable.\n"
    "A reader comment: <script>window.__xss=1</script> and <img src=x onerror=\"window.__xss=2\"> end.\n"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn
    from test_web import fill

    from redline.pack import load_pack
    from redline.web.app import create_app

    db = tmp_path_factory.mktemp("browser") / "b.db"
    fill(db)
    port = _free_port()
    config = uvicorn.Config(create_app(db, load_pack(), token=TOKEN), host="127.0.0.1", port=port,
                            log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not srv.started and time.time() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: browser tests need the system Chromium. Run `make test` "
            "(it installs chromium and chromium-driver), or `apt-get install -y chromium chromium-driver`.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    yield pg
    ctx.close()


def login(page: Any, base: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#token", TOKEN)
    page.click("#login")
    page.wait_for_url(f"{base}/")


def test_dashboard_cell_shows_evidence(server: str, page: Any) -> None:
    page.goto(server + "/")
    page.screenshot(path=str(SHOTS / "dashboard.png"), full_page=True)
    page.click('td[data-party="RU"][data-issue="crimea_recognition"] a')
    assert page.url.endswith("#cell-RU-crimea_recognition")
    card = page.locator("#cell-RU-crimea_recognition")
    assert card.is_visible()
    assert "non-negotiable" in card.inner_text()
    assert page.evaluate("document.querySelector(':target').id") == "cell-RU-crimea_recognition"
    page.screenshot(path=str(SHOTS / "dashboard-evidence.png"))
    # evidence link -> the document with the statement highlighted
    card.locator("a").first.click()
    page.wait_for_load_state()
    assert "/documents/1#ev-1-" in page.url
    assert page.evaluate("document.querySelector(':target').tagName") == "MARK"
    page.screenshot(path=str(SHOTS / "document.png"), full_page=True)


def test_review_persists_after_reload(server: str, page: Any) -> None:
    login(page, server)
    page.goto(server + "/positions?party=RU&issue=sanctions_relief")
    page.screenshot(path=str(SHOTS / "positions.png"), full_page=True)
    row = page.locator("tr.status-unreviewed").first
    key = row.get_attribute("data-key")
    row.locator('button[value="reject"]').click()
    page.wait_for_load_state()
    page.reload()
    row = page.locator(f'tr[data-key="{key}"]')
    assert row.locator(".status").inner_text() == "rejected"
    page.screenshot(path=str(SHOTS / "positions-reviewed.png"), full_page=True)


def test_deal_tester(server: str, page: Any) -> None:
    page.goto(server + "/deal")
    page.select_option("#opt_crimea_recognition", "de_jure")
    page.click("#evaluate")
    page.wait_for_selector("#verdicts")
    ua = page.locator('tr.party-verdict[data-party="UA"]')
    assert "reject" in ua.inner_text()
    assert "never recognise Crimea" in ua.inner_text()
    page.screenshot(path=str(SHOTS / "deal.png"), full_page=True)


def test_upload_and_xss_article(server: str, page: Any, tmp_path: Path) -> None:
    article = tmp_path / "xss-article.txt"
    article.write_text(XSS_ARTICLE, encoding="utf-8")
    login(page, server)
    page.goto(server + "/ingest")
    page.set_input_files("#files", str(article))
    page.screenshot(path=str(SHOTS / "ingest.png"))
    page.click("#upload")
    page.wait_for_selector('#jobstate[data-state="done"], #jobstate[data-state="failed"]', timeout=180_000)
    assert page.get_attribute("#jobstate", "data-state") == "done", page.inner_text("body")
    page.screenshot(path=str(SHOTS / "ingest-job.png"))
    page.locator('a[href^="/documents/"]').last.click()
    page.wait_for_load_state()
    text = page.inner_text("#doctext")
    assert "<script>window.__xss=1</script>" in text
    assert '<img src=x onerror="window.__xss=2">' in text
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator("#doctext script, #doctext img").count() == 0
    page.screenshot(path=str(SHOTS / "xss-document.png"), full_page=True)
    # the dashboard and positions list show the article too, still inert
    for url in ("/", "/positions", "/documents"):
        page.goto(server + url)
        assert page.evaluate("typeof window.__xss") == "undefined"
