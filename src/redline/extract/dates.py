"""When a statement was made or a position held: date expressions resolved against the article date."""

from __future__ import annotations

import re
from datetime import date, timedelta

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}
MONTHS.update({"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
               "oct": 10, "nov": 11, "dec": 12})
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))

DATE_RE = re.compile(
    rf"\b(?:(?P<season>summer|spring|autumn|fall|winter) of (?P<syear>(?:19|20)\d\d)"
    rf"|(?P<month>{_MONTH_ALT})\.?(?:\s+(?P<day>\d{{1,2}})(?!\d)(?:st|nd|rd|th)?)?(?:,?\s+(?P<year>(?:19|20)\d\d))?"
    rf"|(?:in|since|by|of|during|until) (?P<ayear>(?:19|20)\d\d)\b"
    rf"|(?P<weekday>{'|'.join(WEEKDAYS)})"
    rf"|(?P<rel>last|this|next) (?P<unit>week|month|year))",
    re.IGNORECASE,
)
YEAR_RE = re.compile(r"\b(?:19|20)\d\d\b")


def parse_iso(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def reference_year(text: str, doc_date: date | None) -> int | None:
    """The 'present' of an article: its date, else the latest year it mentions."""
    if doc_date:
        return doc_date.year
    years = [int(y) for y in YEAR_RE.findall(text)]
    return max(years) if years else None


def find_when(text: str, doc_date: date | None) -> tuple[str | None, int | None]:
    """The first resolvable date expression in ``text``: (ISO form or None, its year or None).

    Month names without a year take the article's year; weekdays resolve to the latest such day on or
    before the article date (unknown without one); ``May`` as a verb is skipped.
    """
    for m in DATE_RE.finditer(text):
        if m.group("season"):
            return m.group("syear"), int(m.group("syear"))
        if m.group("ayear"):
            return m.group("ayear"), int(m.group("ayear"))
        if m.group("month"):
            word = m.group("month").lower()
            if word == "may" and not (m.group("day") or m.group("year")):
                continue
            if word in ("mar", "jan", "jun", "jul", "aug", "dec", "nov", "oct", "sep", "feb", "apr") and \
                    not (m.group("day") or m.group("year")):
                continue
            month = MONTHS[word]
            year = int(m.group("year")) if m.group("year") else (doc_date.year if doc_date else None)
            day = int(m.group("day")) if m.group("day") else None
            if day and not 1 <= day <= 31:
                continue
            if year and day:
                return f"{year:04d}-{month:02d}-{day:02d}", year
            if year:
                return f"{year:04d}-{month:02d}", year
            if day:
                return f"{month:02d}-{day:02d}", None
            return None, None
        if m.group("weekday"):
            if doc_date is None:
                continue
            target = WEEKDAYS.index(m.group("weekday").lower())
            delta = (doc_date.weekday() - target) % 7
            d = doc_date - timedelta(days=delta)
            return d.isoformat(), d.year
        if m.group("rel") and doc_date is not None:
            rel, unit = m.group("rel").lower(), m.group("unit").lower()
            step = {"last": -1, "this": 0, "next": 1}[rel]
            if unit == "year":
                return str(doc_date.year + step), doc_date.year + step
            if unit == "month":
                month = doc_date.month + step
                year = doc_date.year + (month - 1) // 12
                month = (month - 1) % 12 + 1
                return f"{year:04d}-{month:02d}", year
            d = doc_date + timedelta(weeks=step)
            return f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}", d.year
    return None, None
