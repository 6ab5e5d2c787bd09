"""redline's own quotation finder.

Works on characters, paragraph by paragraph, so that one unbalanced quotation mark (common in
scraped news) spoils at most its own paragraph rather than the whole document. Curly and straight
double quotes are supported; a quote left open at the end of a paragraph closes there (news style
for multi-paragraph quotations re-opens it in the next paragraph).
"""

from __future__ import annotations

from dataclasses import dataclass

OPEN_CURLY = "“„«"
CLOSE_CURLY = "”“»"


@dataclass(frozen=True)
class Quote:
    start: int  # offset of the opening mark
    end: int  # offset just after the closing mark (or the paragraph end)
    closed: bool

    @property
    def inner(self) -> tuple[int, int]:
        return self.start + 1, self.end - 1 if self.closed else self.end

    def words(self, text: str) -> int:
        a, b = self.inner
        return len(text[a:b].split())


def find_quotes(text: str) -> list[Quote]:
    quotes: list[Quote] = []
    pos = 0
    for para in text.split("\n"):
        quotes.extend(_paragraph_quotes(para, pos))
        pos += len(para) + 1
    return quotes


def _paragraph_quotes(para: str, offset: int) -> list[Quote]:
    out: list[Quote] = []
    open_at: int | None = None
    open_kind = ""
    for i, ch in enumerate(para):
        if ch == '"':
            if open_at is None:
                if _looks_opening(para, i):
                    open_at, open_kind = i, '"'
            elif open_kind == '"':
                out.append(Quote(offset + open_at, offset + i + 1, True))
                open_at = None
        elif ch in "“„«" and (open_at is None or open_kind != "“"):
            if open_at is None:
                open_at, open_kind = i, "“"
        elif ch in "”»" and open_at is not None and open_kind == "“":
            out.append(Quote(offset + open_at, offset + i + 1, True))
            open_at = None
        elif ch == "“" and open_at is not None and open_kind == "“":
            # a second opening mark while one is open: the first was never closed
            out.append(Quote(offset + open_at, offset + i, False))
            open_at = i
    if open_at is not None and len(para) - open_at > 3:
        out.append(Quote(offset + open_at, offset + len(para), False))
    return out


def _looks_opening(para: str, i: int) -> bool:
    """A straight quote opens where it follows a space/start/punctuation and precedes a word."""
    before = para[i - 1] if i > 0 else " "
    after = para[i + 1] if i + 1 < len(para) else " "
    return (before.isspace() or before in "([{—–-:,;") and not after.isspace()
