"""Interrupted and repeated ingests: kill -9 mid-batch, re-run, and every article is stored once.

This drives the real ``redline`` console script in a subprocess, so the kill lands wherever the
process happens to be: between documents, or inside a transaction.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from redline.ingest import normalize_text

N_ARTICLES = 300

PEOPLE = [
    "Olena Marchenko",
    "Pavel Sorokin",
    "Ines Dubois",
    "Tomasz Nowak",
    "Aylin Demir",
    "James Whitfield",
    "Katarzyna Lis",
    "Mehmet Aksoy",
    "Sofia Brandt",
    "Viktor Hale",
    "Nadia Petrenko",
    "Lars Eklund",
]
PLACES = ["Istanbul", "Geneva", "Riyadh", "Ankara", "Vienna", "Doha", "Helsinki", "Warsaw", "Oslo", "Minsk"]
ISSUES = [
    "a ceasefire along the front line",
    "the exchange of prisoners",
    "the return of deported children",
    "security guarantees",
    "sanctions relief",
    "control of the nuclear plant",
    "grain shipments",
    "a moratorium on energy strikes",
    "the status of occupied regions",
    "a neutral status",
]
TEMPLATES = [
    "{person} said on {day} that talks in {place} on {issue} had made {adverb} progress.",
    "Officials in {place} told reporters that {issue} would be discussed again after {n} days of talks.",
    "{person}, speaking after a meeting in {place}, insisted that {issue} was not negotiable.",
    "According to {n} diplomats briefed on the talks, {person} proposed linking {issue} to {issue2}.",
    "The delegation led by {person} rejected a draft on {issue}, calling it {adverb} one-sided.",
    "Negotiators met for {n} hours in {place} but could not agree on {issue}.",
    "{person} warned that without progress on {issue} there would be no agreement on {issue2}.",
    "A spokesperson in {place} said {issue} should come before any discussion of {issue2}.",
    "Analysts said the position of {person} on {issue} had hardened since the talks in {place}.",
    "{person} told a press conference on {day} that {n} proposals on {issue} were still on the table.",
    "“We will not give up on {issue},” {person} told journalists in {place} on {day}.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
ADVERBS = ["little", "some", "steady", "uneven", "limited", "surprising", "modest", "real"]


def make_article(rng: random.Random, serial: int) -> str:
    sentences = []
    for _ in range(rng.randint(7, 11)):
        issue, issue2 = rng.sample(ISSUES, 2)
        sentences.append(
            rng.choice(TEMPLATES).format(
                person=rng.choice(PEOPLE),
                place=rng.choice(PLACES),
                issue=issue,
                issue2=issue2,
                day=rng.choice(DAYS),
                adverb=rng.choice(ADVERBS),
                n=rng.randint(2, 400),
            )
        )
    sentences.append(f"This is dispatch number {serial} from the negotiations desk.")
    half = len(sentences) // 2
    return " ".join(sentences[:half]) + "\r\n\r\n" + " ".join(sentences[half:]) + "  \r\n"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    rng = random.Random(20250516)
    root = tmp_path / "articles"
    for n in range(N_ARTICLES):
        sub = root / f"batch{n // 100}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"dispatch_{n:04d}.txt").write_text(make_article(rng, n), encoding="utf-8")
    return root


def stored_count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.2)
        try:
            return int(conn.execute("SELECT count(*) FROM documents").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0  # not created or not migrated yet


def test_kill_nine_mid_batch_then_rerun_stores_every_article_once(
    corpus: Path, tmp_path: Path, redline_exe: str
) -> None:
    db = tmp_path / "resume.db"
    cmd = [redline_exe, "ingest", str(corpus), "--db", str(db)]
    env = {**os.environ, "COLUMNS": "200"}

    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    deadline = time.monotonic() + 60
    at_kill = 0
    while time.monotonic() < deadline and proc.poll() is None:
        at_kill = stored_count(db)
        if at_kill >= 10:
            break
        time.sleep(0.002)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL, "ingest finished before it could be killed: use more articles"
    assert 0 < at_kill < N_ARTICLES
    interrupted = stored_count(db)
    assert interrupted < N_ARTICLES

    rerun = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr

    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = conn.execute("SELECT name, text, duplicate_of FROM documents").fetchall()
    finally:
        conn.close()
    expected = {p.name: normalize_text(p.read_bytes().decode("utf-8")) for p in corpus.rglob("*.txt")}
    names = [r[0] for r in rows]
    assert len(names) == len(set(names)) == N_ARTICLES  # every article exactly once
    assert {r[0]: r[1] for r in rows} == expected  # nothing lost, nothing half-written
    assert all("\r" not in r[1] and "\n\n" in r[1] and not r[1].endswith(" ") for r in rows)
    assert sum("“We will not give up on" in r[1] for r in rows) > 100  # curly quotes kept as written
    assert all(r[2] is None for r in rows)  # distinct articles are not mistaken for copies

    again = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert again.returncode == 0
    assert stored_count(db) == N_ARTICLES  # re-ingest adds nothing
    assert "0 new" in again.stdout and f"already stored  {N_ARTICLES}" in again.stdout
