"""Negotiation packs: load, validate, and find the bundled default."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from redline.pack.schema import Examples, Framing, Issue, Pack, Party, Person, Role, ScaleOption
from redline.yamlfile import read_yaml, validation_message

__all__ = [
    "DEFAULT_PACK",
    "Examples",
    "Framing",
    "Issue",
    "Pack",
    "PackError",
    "Party",
    "Person",
    "Role",
    "ScaleOption",
    "default_pack_path",
    "load_pack",
]

DEFAULT_PACK = "russia-ukraine"


class PackError(ValueError):
    """A pack file that cannot be used; the message names the file, the place in it and the problem."""


def default_pack_path(name: str = DEFAULT_PACK) -> Path:
    path = Path(str(resources.files("redline") / "data" / "packs" / f"{name}.yaml"))
    if not path.is_file():
        raise PackError(f"no bundled pack named {name!r}")
    return path


_CACHE: dict[tuple[str, float], Pack] = {}


def load_pack(path: str | Path | None = None) -> Pack:
    """Load and validate a pack (the bundled default when ``path`` is None). YAML is loaded safely."""
    p = Path(path) if path is not None else default_pack_path()
    try:
        key = (str(p.resolve()), p.stat().st_mtime)
    except OSError as exc:
        raise PackError(f"{p}: cannot read pack: {exc.strerror or exc}") from exc
    if key in _CACHE:
        return _CACHE[key]
    raw = read_yaml(p, PackError, "pack")
    if not isinstance(raw, dict):
        raise PackError(f"{p}: a pack must be a YAML mapping with parties, people, issues, framing")
    try:
        pack = Pack.model_validate(raw)
    except ValidationError as exc:
        raise PackError(validation_message(p, exc)) from exc
    _CACHE[key] = pack
    return pack
