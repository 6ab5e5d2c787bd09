"""`redline pack check` and `redline pack migrate`: each kind of warning fires on a small pack that has the
problem and not on a clean one; acceptance comments; the regex samples; the migration of trigger regexes
to keywords; both commands through the CLI on real files (the bundled pack, the docs example, the eval
packs, a migrated development pack where ../shared is present)."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner, Result

from redline.cli import app
from redline.pack import Pack, default_pack_path, load_pack
from redline.pack.check import Warning, accepted_in, check_pack, check_text, keyword_found, regex_samples
from redline.pack.migrate import MigrationError, keywords_from_regex, migrate_text

REPO = Path(__file__).resolve().parent.parent
SHARED_DEV = REPO.parent / "shared" / "eval" / "dev"
EVAL_SETS = ["armenia-azerbaijan", "us-china-trade", "brexit", "uaw-strike"]
DOCS_EXAMPLE = REPO / "docs" / "examples" / "transit-strike.yaml"


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")


def run(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result


# ------------------------------------------------------------------ a clean pack, and one problem at a time

CLEAN: dict[str, Any] = {
    "id": "harbour-talks",
    "name": "Harbour talks",
    "parties": [
        {"id": "NORTH", "name": "Northland", "aliases": ["Northland", "Nordport"], "adjectives": ["Northern"]},
        {"id": "SOUTH", "name": "Southland", "aliases": ["Southland", "Sudhaven"], "adjectives": ["Southern"]},
        {"id": "BOTH", "name": "The two ports", "aliases": ["the two ports"], "kind": "group",
         "members": ["NORTH", "SOUTH"]},
        {"id": "LEAGUE", "name": "Harbour League", "aliases": ["HL"], "kind": "bloc"},
    ],
    "people": [
        {"name": "Ana Lindqvist", "aliases": ["Lindqvist"], "party": "NORTH",
         "roles": [{"title": "Northern harbour minister", "party": "NORTH"}]},
        {"name": "Bo Okafor", "aliases": ["Okafor"], "party": "SOUTH",
         "roles": [{"title": "Southern harbour minister", "party": "SOUTH", "start": "2024-01-01"}]},
        {"name": "Port Institute", "kind": "analyst"},
    ],
    "issues": [
        {"id": "dredging", "name": "Dredging the channel", "proposition": "The shared channel is dredged.",
         "keywords": ["dredging", "shipping channel"],
         "examples": {"favor": ["Northland wants the shipping channel deepened."],
                      "against": ["Southland opposes dredging near its beaches."]}},
        {"id": "fees", "name": "Harbour fees", "proposition": "Harbour fees are cut.",
         "keywords": ["harbour fees", "port dues"],
         "triggers": [[r"\bberth(ing)? charges?\b"]],
         "favor_patterns": [r"\b(cut|lower)\w* (the )?harbour fees"],
         "against_patterns": [r"\b(raise|higher) harbour fees"]},
    ],
}


def pack_of(data: dict[str, Any]) -> Pack:
    return Pack.model_validate(data)


def codes(pack: Pack) -> list[str]:
    return [w.code for w in check_pack(pack)]


def test_clean_pack_has_no_warnings() -> None:
    assert check_pack(pack_of(CLEAN)) == []


def _edit(fn: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = copy.deepcopy(CLEAN)
    fn(data)
    return data


def _issue(data: dict[str, Any], n: int = 0) -> dict[str, Any]:
    issue: dict[str, Any] = data["issues"][n]
    return issue


# name -> (edit, code, place the warning names, words of its message)
CASES: dict[str, tuple[Callable[[dict[str, Any]], None], str, str, str]] = {
    "person alias shared": (
        lambda d: d["people"][1]["aliases"].append("Lindqvist"),
        "collision", "people[1] (Bo Okafor).aliases[1]", "also names people[0] (Ana Lindqvist)"),
    "party alias shared": (
        lambda d: d["parties"][1]["aliases"].append("the Nordport"),  # 'the' does not make it another name
        "collision", "parties[1] (SOUTH).aliases[2]", "also names parties[0] (NORTH)"),
    "person alias is another party's alias": (
        lambda d: d["people"][0]["aliases"].append("Sudhaven"),
        "collision", "people[0] (Ana Lindqvist).aliases[1]", "also an alias of parties[1] (SOUTH)"),
    "adjective shared": (
        lambda d: d["parties"][1]["adjectives"].append("Northern"),
        "collision", "parties[1] (SOUTH).adjectives[1]", "also names parties[0] (NORTH)"),
    "person alias inside another party's alias": (
        lambda d: d["parties"][1]["aliases"].append("Lindqvist Foundation"),
        "alias-inside", "people[0] (Ana Lindqvist).aliases[0]", "found inside 'Lindqvist Foundation'"),
    "alias an everyday word": (
        lambda d: d["people"][0]["aliases"].append("May"),
        "common-word", "people[0] (Ana Lindqvist).aliases[1]", "everyday English word"),
    "name an everyday word": (
        lambda d: d["people"][2].update(name="Time"),
        "common-word", "people[2] (Time).name", "everyday English word"),
    "alias a generic noun": (
        lambda d: d["parties"][0]["aliases"].append("ministers"),
        "common-word", "parties[0] (NORTH).aliases[2]", "generic noun"),
    "one title, two parties, same time": (
        lambda d: d["people"][1]["roles"].append({"title": "Northern harbour minister", "party": "SOUTH"}),
        "role-overlap", "people[1] (Bo Okafor).roles[1]", "holds 'Northern harbour minister' for NORTH"),
    "role ends before it starts": (
        lambda d: d["people"][0]["roles"][0].update(start="2024-05-01", end="2024-01-01"),
        "role-dates", "people[0] (Ana Lindqvist).roles[0]", "never valid"),
    "person with no party": (
        lambda d: d["people"].append({"name": "Cy Ferreira", "kind": "person"}),
        "no-party", "people[3] (Cy Ferreira)", "counts for no party"),
    "party kind nothing reads": (
        lambda d: d["parties"][0].update(kind="organization"),
        "unknown-kind", "parties[0] (NORTH).kind", "'organization' is read by nothing"),
    "person kind nothing reads": (
        lambda d: d["people"][0].update(kind="spokesperson"),
        "unknown-kind", "people[0] (Ana Lindqvist).kind", "'spokesperson' is read by nothing"),
    "members on a state": (
        lambda d: d["parties"][0].update(members=["SOUTH"]),
        "members-not-group", "parties[0] (NORTH).members", "only a group or bloc"),
    "group without members": (
        lambda d: d["parties"][2].update(members=[]),
        "group-without-members", "parties[2] (BOTH)", "never stands for other parties"),
    "group is its own member": (
        lambda d: d["parties"][2]["members"].append("BOTH"),
        "member-self", "parties[2] (BOTH).members", "lists itself"),
    "issue nothing finds": (
        lambda d: _issue(d).update(keywords=[], examples={}),
        "undetectable-issue", "issues[0] (dredging)", "no keywords, triggers or patterns"),
    "keyword of two issues": (
        lambda d: _issue(d, 1)["keywords"].append("Shipping channels"),
        "keyword-duplicate", "issues[1] (fees).keywords[2]", "also a keyword of issues[0] (dredging).keywords[1]"),
    "keyword repeated in one issue": (
        lambda d: _issue(d)["keywords"].append("dredging"),
        "keyword-duplicate", "issues[0] (dredging).keywords[2]", "repeats issues[0] (dredging).keywords[0]"),
    "keyword written as a regex": (
        lambda d: _issue(d)["keywords"].append(r"\bdredg\w*"),
        "keyword-regex", "issues[0] (dredging).keywords[2]", "looks like a regular expression"),
    "keyword too common": (
        lambda d: _issue(d)["keywords"].append("talks"),
        "keyword-common", "issues[0] (dredging).keywords[2]", "nearly every clause"),
    "example no keyword finds": (
        lambda d: _issue(d)["examples"]["favor"].append("Northland wants the harbour mouth deepened."),
        "example-unfound", "issues[0] (dredging).examples.favor[1]", "would not raise the issue"),
    "proposition a question": (
        lambda d: _issue(d).update(proposition="Should the channel be dredged?"),
        "proposition", "issues[0] (dredging).proposition", "is a question"),
    "proposition a question without a mark": (
        lambda d: _issue(d).update(proposition="Whether the channel is dredged."),
        "proposition", "issues[0] (dredging).proposition", "is a question"),
    "proposition empty": (
        lambda d: _issue(d).update(proposition="  "),
        "proposition", "issues[0] (dredging).proposition", "is empty"),
    "regex matching the empty string": (
        lambda d: _issue(d, 1).update(triggers=[[r"(berth)?"]]),
        "regex-empty", "issues[1] (fees).triggers[0][0]", "matches the empty string: it fires on every clause"),
    "regex matching the empty string only": (
        lambda d: _issue(d, 1).update(favor_patterns=[r"(?:berth){0}"]),
        "regex-empty", "issues[1] (fees).favor_patterns[0]", "matches the empty string only"),
    "regex with an anchor in the middle": (
        lambda d: _issue(d, 1).update(triggers=[[r"berthing ^charges"]]),
        "regex-never", "issues[1] (fees).triggers[0][0]", "anchor"),
    "regex with an empty class": (
        lambda d: _issue(d, 1).update(favor_patterns=[r"harbour[^\s\S]fees"]),
        "regex-never", "issues[1] (fees).favor_patterns[0]", "matches no character"),
    "regex whose boundary cannot hold": (
        lambda d: _issue(d, 1).update(against_patterns=[r"\bharbour\b\w"]),
        "regex-never", "issues[1] (fees).against_patterns[0]", "none of the strings built from its own words"),
    "against-pattern with a rejecting verb": (
        lambda d: _issue(d, 1).update(against_patterns=[r"\brefus\w* to (cut|lower) harbour fees"]),
        "double-negation", "issues[1] (fees).against_patterns[0]", "flipped twice"),
    "against-pattern with a negation": (
        lambda d: _issue(d, 1).update(against_patterns=[r"\bwill not (cut|lower) harbour fees"]),
        "double-negation", "issues[1] (fees).against_patterns[0]", "contains 'not'"),
    "against-pattern with 'rule out'": (
        lambda d: _issue(d, 1).update(against_patterns=[r"\bruled? out (any )?cuts? to harbour fees"]),
        "double-negation", "issues[1] (fees).against_patterns[0]", "flipped twice"),
    "favor-pattern with a negation": (
        lambda d: _issue(d, 1).update(favor_patterns=[r"\bnever (raise|keep) harbour fees"]),
        "double-negation", "issues[1] (fees).favor_patterns[0]", "comes out as against"),
    "favor_from the bottom option": (
        lambda d: _issue(d).update(scale=[{"id": "no", "label": "no", "value": 0},
                                          {"id": "yes", "label": "yes", "value": 100}], favor_from="no"),
        "favor-from-first", "issues[0] (dredging).favor_from", "'against' names no option"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_warning_fires_on_its_problem(name: str) -> None:
    edit, code, where, words = CASES[name]
    warnings = check_pack(pack_of(_edit(edit)))
    hits = [w for w in warnings if w.code == code and w.where == where]
    assert hits, (name, [str(w) for w in warnings])
    assert words in hits[0].message, hits[0].message
    assert hits[0].hint  # every warning says how to fix it
    assert code not in codes(pack_of(CLEAN))


def test_every_code_is_tested_and_documented() -> None:
    from redline.pack.check import CODES

    assert {c[1] for c in CASES.values()} == set(CODES)
    doc = (REPO / "docs" / "packs.md").read_text()
    for code in CODES:
        assert f"`{code}`" in doc, code


def test_what_is_not_a_problem() -> None:
    def edit(d: dict[str, Any]) -> None:
        d["parties"][0]["aliases"] += ["US", "the Nordport"]  # short all-caps: case-sensitive; 'the' form of its own
        d["people"][0]["aliases"].append("Ana")
        # two holders of one title in one party, and a hand-over day shared by two parties' holders
        d["people"].append({"name": "Di Nakamura", "party": "NORTH",
                            "roles": [{"title": "Northern harbour minister", "party": "NORTH"}]})
        d["people"][1]["roles"].append({"title": "Northern harbour minister", "party": "SOUTH", "start": "2024-06-30"})
        d["people"][0]["roles"][0]["end"] = "2024-06-30"
        d["people"][3]["roles"][0]["end"] = "2024-06-30"
        _issue(d, 1)["against_patterns"] = [r"\bamnesty\b", r"\bnon-(bloc|aligned) status"]  # 'bloc' is not 'block'
        _issue(d, 1)["triggers"] = [[r"(?<=said )berthing", r"charges(?= rise)"]]  # lookarounds are followed

    assert check_pack(pack_of(_edit(edit))) == []


def test_warning_prints_place_problem_and_fix() -> None:
    w = Warning("issues[3] (ceasefire).keywords[2]", "it is wrong", "do this", "keyword-regex", "x")
    assert str(w) == "issues[3] (ceasefire).keywords[2]: it is wrong (fix: do this)"


# ------------------------------------------------------------------ acceptance comments


def test_acceptance_comment_needs_code_subject_and_reason() -> None:
    text = (
        '# check: accept common-word "May" -- the news calls her May\n'
        "  # check: accept keyword-common talks: every story is about the talks\n"
        "# check: accept common-word Time\n"  # no reason: accepts nothing
    )
    found = accepted_in(text)
    assert [(a.code, a.subject, a.line) for a in found] == [("common-word", "May", 1), ("keyword-common", "talks", 2)]
    assert found[0].reason == "the news calls her May"


def test_check_text_accepts_only_what_comments_name() -> None:
    pack = pack_of(_edit(lambda d: d["people"][0]["aliases"].extend(["May", "Will"])))
    text = '# check: accept common-word "May" -- needed\n# check: accept collision "Lindqvist" -- stale\n'
    result = check_text(pack, text)
    assert [w.subject for w in result.warnings] == ["Will"]
    assert [(w.subject, a.line) for w, a in result.accepted] == [("May", 1)]
    assert [a.subject for a in result.unused] == ["Lindqvist"]


# ------------------------------------------------------------------ helpers


def test_regex_samples_cover_every_alternative() -> None:
    samples = regex_samples(r"\b(cease-?fire|truce)\b[^.;]{0,30}\bfirst")
    assert any("ceasefire" in s for s in samples) and any("cease-fire" in s for s in samples)
    assert any("truce" in s for s in samples)
    assert any(re.search(r"\b(cease-?fire|truce)\b[^.;]{0,30}\bfirst", s) for s in samples)


def test_keyword_found_is_inflection_tolerant() -> None:
    assert keyword_found("truce", "the truces held")
    assert keyword_found("security guarantee", "binding security guarantees")
    assert keyword_found("ceasefire", "a cease-fire now")
    assert not keyword_found("prisoner exchange", "prisoners were killed in an exchange of fire")


# ------------------------------------------------------------------ migration


@pytest.mark.parametrize(
    ("pattern", "keywords"),
    [
        (r"\b(ceasefire|truce)\b", ["ceasefire", "truce"]),
        (r"\b(cease-?fire|cessation of hostilities)\b", ["ceasefire", "cease-fire", "cessation of hostilities"]),
        (r"\bneutral(ity| status)\b", ["neutrality", "neutral status"]),
        (r"\bzangez[uo]r", ["zangezur", "zangezor"]),
        (r"\b32[- ]hour", ["32-hour"]),
        (r"\bbodies of\b", ["bodies"]),
        (r"\bfreez\w*", []),  # a stem, not a word
        (r"\bdemilitari[sz]", []),  # a stem ending in a class
        (r"\bnato\b[^.;]{0,20}\bmembership", []),  # a gap: not a phrase
        (r"(£|€)\s?\d+\s?bn", []),
    ],
)
def test_keywords_from_regex(pattern: str, keywords: list[str]) -> None:
    assert keywords_from_regex(pattern) == keywords


OLD_PACK = """\
# an old pack: regex triggers only
id: old
name: Old talks
parties: [{id: A, name: Aland}, {id: B, name: Bland}]
issues:
  - id: truce
    name: Truce
    proposition: A truce is agreed.
    triggers:
      - ['\\b(cease-?fire|truce)s?\\b']
      - ['\\bfreez\\w*', '\\bfront']
    favor_patterns: ['\\bagree\\w* (a|to a) truce']
    scale:
      - {id: none, label: none, value: 0}
      - {id: some, label: some, value: 60}
      - {id: full, label: full, value: 100}
    favor_from: some
  - id: meeting
    name: Meeting
    proposition: The leaders meet.
    triggers:
      - ['\\bmeet\\w*', '\\bleaders']
"""


def test_migrate_text_adds_keywords_keeps_regexes_and_scales(tmp_path: Path) -> None:
    result = migrate_text(OLD_PACK, "old.yaml")
    assert result.text.startswith("# redline negotiation pack, migrated by `redline pack migrate` from old.yaml")
    assert "# an old pack: regex triggers only" in result.text  # the original header is kept below
    path = tmp_path / "new.yaml"
    path.write_text(result.text)
    pack = load_pack(path)
    old = Pack.model_validate(yaml.safe_load(OLD_PACK))
    truce, meeting = pack.issues
    assert truce.keywords == ["ceasefire", "cease-fire", "truce"]
    assert truce.triggers == old.issues[0].triggers and truce.favor_patterns == old.issues[0].favor_patterns
    assert truce.scale == old.issues[0].scale and truce.favor_from == "some"
    assert meeting.keywords == [] and meeting.triggers == old.issues[1].triggers
    assert any("meeting" in n and "write keywords by hand" in n for n in result.notes)
    assert any("truce" in n and "several regexes" in n for n in result.notes)


def test_migrate_refuses_what_is_not_a_pack() -> None:
    with pytest.raises(MigrationError, match="YAML mapping"):
        migrate_text("- just\n- a list\n", "x.yaml")
    with pytest.raises(MigrationError, match="x.yaml: parties"):
        migrate_text("id: x\nname: X\nissues: []\n", "x.yaml")


# ------------------------------------------------------------------ the CLI on real files


def test_cli_check_bundled_pack_is_clean() -> None:
    for args in (("pack", "check"), ("pack", "check", str(default_pack_path()))):
        result = run(*args)
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith("OK: ") and "no warnings" in result.stdout
    # what its comments accept is still found by check_pack: the comments are the only reason it is clean
    found = {w.code for w in check_pack(load_pack())}
    assert found == {"double-negation"}


def test_cli_check_reports_one_warning_a_line(tmp_path: Path) -> None:
    def edit(d: dict[str, Any]) -> None:
        d["people"][0]["aliases"].append("May")
        _issue(d)["keywords"].append("talks")

    data = _edit(edit)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    result = run("pack", "check", str(path))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 3 and lines[-1] == f"2 warning(s): {path}"
    assert lines[0].startswith("warning: people[0] (Ana Lindqvist).aliases[1]: 'May' is an everyday English word")
    assert "[common-word] -- fix: " in lines[0]
    assert lines[1].startswith("warning: issues[0] (dredging).keywords[2]: keyword 'talks'") and "-- fix: " in lines[1]
    # accepting one of them in a comment leaves the other
    path.write_text('# check: accept common-word "May" -- a test\n' + path.read_text())
    result = run("pack", "check", str(path))
    assert result.exit_code == 1 and result.stdout.splitlines()[-1] == f"1 warning(s), 1 accepted in comments: {path}"


def test_cli_check_invalid_pack_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "invalid.yaml"
    path.write_text("id: x\nname: X\nparties: []\nissues: [{id: a, name: A}]\n")
    result = run("pack", "check", str(path))
    assert result.exit_code == 1 and result.stderr.startswith(f"error: {path}: issues.0.proposition")


def test_cli_check_docs_example_is_clean() -> None:
    result = run("pack", "check", str(DOCS_EXAMPLE))
    assert result.exit_code == 0 and result.stdout.strip() == f"OK: {DOCS_EXAMPLE}: no warnings"
    pack = load_pack(DOCS_EXAMPLE)
    assert len(pack.parties) == 4 and len(pack.issues) == 5
    assert any(p.kind == "group" and p.members for p in pack.parties)


def test_docs_show_the_example_pack_verbatim() -> None:
    doc = (REPO / "docs" / "packs.md").read_text()
    blocks = re.findall(r"```yaml\n(.*?)```", doc, re.DOTALL)
    assert DOCS_EXAMPLE.read_text() in blocks


@pytest.mark.parametrize("name", EVAL_SETS)
def test_eval_packs_load_and_check_clean(name: str) -> None:
    path = REPO / "eval" / "packs" / f"{name}.yaml"
    pack = load_pack(path)
    result = run("pack", "check", str(path))
    assert result.exit_code == 0, result.stdout
    for issue in pack.issues:
        assert issue.description and 10 <= len(issue.keywords) <= 25, issue.id
        assert 2 <= len(issue.examples.favor) <= 4 and 2 <= len(issue.examples.against) <= 4, issue.id
        assert not (issue.triggers or issue.favor_patterns or issue.against_patterns), issue.id


@pytest.mark.parametrize("name", EVAL_SETS)
def test_eval_packs_keep_the_ids_of_the_dev_packs(name: str) -> None:
    dev = SHARED_DEV / name / "pack.yaml"
    if not dev.is_file():
        pytest.skip(f"{dev} not found")
    old, new = load_pack(dev), load_pack(REPO / "eval" / "packs" / f"{name}.yaml")
    assert new.party_ids == old.party_ids and new.issue_ids == old.issue_ids
    assert [p.name for p in new.people] == [p.name for p in old.people]
    assert [(i.scale, i.favor_from, i.status_quo, i.claimant) for i in new.issues] == \
           [(i.scale, i.favor_from, i.status_quo, i.claimant) for i in old.issues]


def test_cli_migrate_dev_pack(tmp_path: Path) -> None:
    dev = SHARED_DEV / "brexit" / "pack.yaml"
    if not dev.is_file():
        pytest.skip(f"{dev} not found")
    out = tmp_path / "brexit.yaml"
    result = run("pack", "migrate", str(dev), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.stderr and "note: issues[1] (divorce_bill)" in result.stderr
    old, new = load_pack(dev), load_pack(out)
    assert new.issue_ids == old.issue_ids and new.party_ids == old.party_ids
    backstop = new.issue("irish_backstop")
    assert {"backstop", "hard border", "alternative arrangements"} <= set(backstop.keywords)
    assert backstop.triggers == old.issue("irish_backstop").triggers
    assert all(i.keywords for i in new.issues)
    # the old regexes still warn; a check of the migrated copy says so, one line each
    check = run("pack", "check", str(out))
    assert check.exit_code == 1 and "[double-negation]" in check.stdout and "'May'" in check.stdout


def test_cli_migrate_to_stdout_and_errors(tmp_path: Path) -> None:
    old = tmp_path / "old.yaml"
    old.write_text(OLD_PACK)
    result = run("pack", "migrate", str(old))
    assert result.exit_code == 0
    assert yaml.safe_load(result.stdout)["issues"][0]["keywords"] == ["ceasefire", "cease-fire", "truce"]
    missing = run("pack", "migrate", str(tmp_path / "none.yaml"))
    assert missing.exit_code == 1 and missing.stderr.startswith(f"error: {tmp_path / 'none.yaml'}: cannot read")
