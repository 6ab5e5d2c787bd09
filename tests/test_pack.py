"""Pack files: load_pack errors that name the file, the place in it and the problem; and the
`redline pack show` / `redline pack validate` commands."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from redline.cli import app
from redline.pack import PackError, default_pack_path, load_pack

PACKS = Path(__file__).resolve().parent / "fixtures" / "packs"

# file -> (place in the file, problem)
BROKEN = {
    "unknown_party.yaml": ("people[1] (Dmitry Peskov)", "unknown party 'XX'"),
    "bad_regex.yaml": ("issues.0", "bad regular expression '\\\\brecogni[sz': unterminated character set"),
    "scale_unordered.yaml": ("issues.0", "scale options must be ordered by increasing value"),
    "favor_from_unknown.yaml": ("issues.0", "favor_from 'full_recognition' is not a scale option id"),
    "yaml_syntax_error.yaml": ("line 14, column 15", "not valid YAML"),
}


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")


def run(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


def test_valid_pack_loads() -> None:
    pack = load_pack(PACKS / "valid.yaml")
    assert pack.id == "test-talks" and pack.version == 2
    assert pack.party_ids == ["RU", "UA", "TR"]
    assert pack.issue_ids == ["crimea_recognition", "ceasefire_first"]
    assert pack.issue("crimea_recognition").holds("de_jure")
    assert not pack.issue("crimea_recognition").holds("none")


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_pack_error_names_file_place_and_problem(name: str) -> None:
    path = PACKS / name
    with pytest.raises(PackError) as err:
        load_pack(path)
    message = str(err.value)
    place, problem = BROKEN[name]
    assert message.startswith(f"{path}:")
    assert place in message
    assert problem in message


def test_broken_fixtures_differ_from_the_valid_pack_by_one_edit() -> None:
    # each broken file is the valid pack with one thing wrong, so each test isolates one check
    valid = (PACKS / "valid.yaml").read_text().splitlines()
    for name in BROKEN:
        broken = (PACKS / name).read_text().splitlines()
        diff = difflib.unified_diff(valid, broken, lineterm="", n=0)
        changed = [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]
        assert 2 <= len(changed) <= 4, (name, changed)


def test_missing_pack_file() -> None:
    with pytest.raises(PackError, match="cannot read pack"):
        load_pack(PACKS / "no_such_pack.yaml")


def test_cli_validate_ok() -> None:
    result = run("pack", "validate", str(PACKS / "valid.yaml"))
    assert result.exit_code == 0
    assert (
        result.stdout.strip()
        == f"OK: {PACKS / 'valid.yaml'}: pack test-talks with 3 parties, 2 people, 2 issues"
    )


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_cli_validate_broken(name: str) -> None:
    result = run("pack", "validate", str(PACKS / name))
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    place, problem = BROKEN[name]
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {PACKS / name}:")
    assert place in lines[0] and problem in lines[0]
    assert result.stdout == ""


def test_cli_validate_reports_every_problem_on_its_own_line(tmp_path: Path) -> None:
    text = (PACKS / "valid.yaml").read_text()
    text = text.replace("favor_from: de_facto", "favor_from: full_recognition")
    text = text.replace("favor_from: ceasefire_first", "favor_from: nothing")
    path = tmp_path / "two_errors.yaml"
    path.write_text(text)
    result = run("pack", "validate", str(path))
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 2
    assert lines[0].startswith(f"error: {path}: issues.0:") and "full_recognition" in lines[0]
    assert lines[1].startswith(f"error: {path}: issues.1:") and "'nothing'" in lines[1]


def test_cli_validate_missing_file() -> None:
    result = run("pack", "validate", str(PACKS / "nope.yaml"))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {PACKS / 'nope.yaml'}: cannot read pack")


def test_cli_show_given_pack() -> None:
    result = run("pack", "show", str(PACKS / "valid.yaml"))
    assert result.exit_code == 0
    out = result.stdout
    assert "Test talks (test-talks, version 2)" in out
    assert "3 parties" in out and "2 people" in out and "2 issues" in out
    assert "Moscow, the Kremlin" in out
    assert "Volodymyr Zelensky" in out and "President of Ukraine (UA) 2019-05-20.." in out
    assert "none= < de_facto* < de_jure" in out  # status quo =, favor from *
    assert "talks_first= < ceasefire_first*" in out


def test_cli_show_default_pack() -> None:
    try:
        default_pack_path()
    except PackError:
        result = run("pack", "show")
        assert result.exit_code == 1 and result.stderr.startswith("error: no bundled pack named")
        return
    result = run("pack", "show")
    assert result.exit_code == 0
    assert f"{len(load_pack().parties)} parties" in result.stdout
