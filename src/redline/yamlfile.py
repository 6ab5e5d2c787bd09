"""Reading the user's YAML files (packs, deals, analyst positions): safely, with errors that name
the file, the place in it and the problem."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError


def read_yaml(path: Path, error: type[Exception], what: str) -> Any:
    """``yaml.safe_load`` of a UTF-8 file; any failure raises ``error`` with one line naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise error(f"{path}: cannot read {what}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise error(f"{path}: not UTF-8 text ({exc.reason})") from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" line {mark.line + 1}, column {mark.column + 1}:" if mark is not None else ""
        raise error(f"{path}:{at} not valid YAML: {getattr(exc, 'problem', exc)}") from exc


def validation_message(path: Path, exc: ValidationError) -> str:
    """One line per problem: the file, the dotted path inside it, pydantic's message."""
    return "\n".join(
        f"{path}: {'.'.join(str(x) for x in err['loc']) or '(top level)'}: {err['msg']}" for err in exc.errors()
    )
