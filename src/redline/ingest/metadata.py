"""Metadata values as redline stores them: ISO dates only when a source states one."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?\s*$")


def iso_date(value: object) -> str | None:
    """YYYY-MM-DD for a date, datetime, epoch seconds, ISO 8601 or RFC 2822 string; else None.

    Relative or vague dates ("yesterday", "May") are not resolved: they would be invented.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC).date().isoformat()
    text = str(value).strip()
    m = _ISO.match(text)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            return None
    try:
        return parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def parse_cli_date(value: str) -> str:
    """A --date option: must be YYYY-MM-DD. Raises ValueError with a one-line message."""
    try:
        return date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise ValueError(f"--date {value!r} is not a date in the form YYYY-MM-DD") from None
