"""`redline ingest` and `redline docs`: exit codes, summaries, and one-line errors."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from click.testing import Result
from conftest import LocalServer
from rich.console import Console
from typer.testing import CliRunner

from redline.cli import app
from redline.cli.ingest_cmds import EXIT_SKIPPED, print_summary
from redline.store import Store
from redline.types import IngestProblem, IngestSummary

SEED0 = "000_40e7f2aed9c20f4f.txt"


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("REDLINE_DB", raising=False)


def run(*args: str, input: str | bytes | None = None, env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(app, list(args), input=input, env=env)
    # user mistakes end in a clean exit, never in an exception escaping the command
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


def error_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def test_ingest_seeds_summary_rerun_and_docs(seeds_dir: Path, db_file: Path) -> None:
    first = run("ingest", str(seeds_dir), "--db", str(db_file))
    assert first.exit_code == 0, first.output
    assert "documents       5 new" in first.stdout
    assert "errors          0" in first.stdout

    again = run("ingest", str(seeds_dir), "--db", str(db_file))
    assert again.exit_code == 0
    assert "documents       0 new" in again.stdout and "already stored  5" in again.stdout

    docs = run("docs", "--db", str(db_file))
    assert docs.exit_code == 0
    assert "5 documents" in docs.stdout
    for header in ("id", "name", "outlet", "date", "duplicate-of", "title"):
        assert header in docs.stdout
    assert SEED0 in docs.stdout and "004_91fcba86d11dc8b4.txt" in docs.stdout


def test_duplicates_outlets_and_options_in_summary_and_listing(
    seeds_dir: Path, fixtures_dir: Path, db_file: Path
) -> None:
    result = run(
        "ingest",
        str(seeds_dir / SEED0),
        str(fixtures_dir / "html" / "baltic_wire_crimea_syndicated.html"),
        "--db",
        str(db_file),
        "--outlet",
        "Seed Desk",
        "--date",
        "2025-04-27",
    )
    assert result.exit_code == 0, result.output
    assert "documents       2 new (1 linked as duplicates of an earlier copy)" in result.stdout
    assert "outlets         Baltic Wire Service, Seed Desk" in result.stdout
    assert f"duplicate       baltic_wire_crimea_syndicated.html -> copy of {SEED0}" in result.stdout
    with Store(db_file) as s:
        seed, copy = s.documents()
    assert (seed.outlet, seed.date) == ("Seed Desk", "2025-04-27")
    assert copy.duplicate_of == seed.id
    listing = run("docs", "--db", str(db_file)).stdout
    row = next(line for line in listing.splitlines() if "baltic_wire_crimea_syndicated.html" in line)
    assert "Baltic Wire Service" in row and "2025-04-28" in row and re.search(rf"│\s+{seed.id}\s+│", row)


def test_bad_inputs_exit_2_after_finishing_the_batch(
    fixtures_dir: Path, seeds_dir: Path, db_file: Path
) -> None:
    bad = fixtures_dir / "bad"
    result = run("ingest", str(bad), str(seeds_dir / SEED0), "--db", str(db_file))
    assert result.exit_code == EXIT_SKIPPED == 2
    assert "documents       1 new" in result.stdout  # the good article after the bad ones is stored
    problem_lines = [line.strip() for line in result.stdout.splitlines() if line.startswith(f"  {bad}")]
    assert len(problem_lines) == len(list(bad.iterdir()))
    for line in problem_lines:
        path, reason = line.split(": ", 1)
        assert Path(path).parent == bad and reason  # path and reason on one line
    assert f"  {bad / 'french_article.txt'}: not English (looks like French)" in result.stdout
    with Store(db_file) as s:
        assert s.document_count() == 1 and len(s.problems()) == len(problem_lines)


def test_missing_path_is_reported_and_exits_2(db_file: Path, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-article.txt"
    result = run("ingest", str(missing), "--db", str(db_file))
    assert result.exit_code == 2
    assert f"  {missing}: no such file or directory" in result.stdout


def test_bad_date_is_one_line_error_before_anything_is_written(seeds_dir: Path, db_file: Path) -> None:
    result = run("ingest", str(seeds_dir), "--db", str(db_file), "--date", "16 May")
    assert result.exit_code == 1
    assert error_lines(result) == ["error: --date '16 May' is not a date in the form YYYY-MM-DD"]
    assert not db_file.exists()


def test_unusable_database_is_one_line_error(seeds_dir: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n" * 100)
    for cmd in (["ingest", str(seeds_dir)], ["docs"]):
        result = run(*cmd, "--db", str(notes))
        assert result.exit_code == 1
        lines = error_lines(result)
        assert len(lines) == 1 and lines[0].startswith(f"error: {notes}: not a usable redline database")
    nowhere = tmp_path / "missing-dir" / "x.db"
    result = run("ingest", str(seeds_dir), "--db", str(nowhere))
    assert result.exit_code == 1 and "does not exist" in error_lines(result)[0]


def test_docs_without_a_database(tmp_path: Path) -> None:
    result = run("docs", "--db", str(tmp_path / "never.db"))
    assert result.exit_code == 1
    assert error_lines(result) == [
        f"error: no database at {tmp_path / 'never.db'} (run `redline ingest` first, or pass --db)"
    ]
    assert not (tmp_path / "never.db").exists()


def test_db_from_environment(seeds_dir: Path, db_file: Path) -> None:
    result = run("ingest", str(seeds_dir / SEED0), env={"REDLINE_DB": str(db_file)})
    assert result.exit_code == 0 and db_file.exists()
    assert SEED0 in run("docs", env={"REDLINE_DB": str(db_file)}).stdout


def test_stdin(seeds_dir: Path, db_file: Path) -> None:
    text = (seeds_dir / SEED0).read_text(encoding="utf-8")
    result = run("ingest", "-", "--db", str(db_file), "--outlet", "Clipboard", input=text.encode("utf-8"))
    assert result.exit_code == 0, result.output
    with Store(db_file) as s:
        (doc,) = s.documents(include_text=True)
    assert (doc.name, doc.outlet) == ("<stdin>", "Clipboard")
    assert doc.text == text.strip("\n")


def test_allow_private_option(http_server: LocalServer, fixtures_dir: Path, db_file: Path) -> None:
    url = http_server.add(
        "/story", (fixtures_dir / "html" / "harbour_times_talks.html").read_bytes(), content_type="text/html"
    )
    refused = run("ingest", url, "--db", str(db_file))
    assert refused.exit_code == 2 and http_server.hits == []
    assert f"  {url}: refused: 127.0.0.1 is a loopback address" in refused.stdout
    allowed = run("ingest", url, "--db", str(db_file), "--allow-private")
    assert allowed.exit_code == 0, allowed.output
    assert "outlets         The Harbour Times" in allowed.stdout
    assert http_server.hits == ["/story"]


def test_print_summary_for_reuse() -> None:
    summary = IngestSummary(
        documents=3,
        already_stored=1,
        duplicates=1,
        outlets=["Baltic Wire Service"],
        problems=[IngestProblem("corpus/[draft] notes.txt", "not English (looks like German)")],
        duplicate_links=[("wire.txt", "original.txt")],
    )
    buf = io.StringIO()
    print_summary(summary, Console(file=buf, width=120))
    out = buf.getvalue()
    assert "documents       3 new (1 linked as duplicates of an earlier copy)" in out
    assert "already stored  1" in out and "errors          1" in out
    assert "duplicate       wire.txt -> copy of original.txt" in out
    assert "  corpus/[draft] notes.txt: not English (looks like German)" in out  # brackets are not markup
