"""Bytes to text, and the one normalisation every document's text gets before it is stored.

Evidence offsets point into the stored text, so :func:`normalize_text` runs exactly once, at
ingest, and nothing changes a document's text afterwards. Quotation marks and apostrophes are
kept exactly as written.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from redline.ingest.errors import InputError

_CONTROL = {i for i in range(32) if chr(i) not in "\t\n\r\f\v"} | {127}
_LINE_END = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE, whose BOM is its prefix
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def normalize_text(text: str) -> str:
    """NFC; line endings to ``\\n``; trailing spaces off each line; blank lines off both ends.

    Nothing else changes: quotes, apostrophes, dashes and inner spacing stay as written.
    """
    text = text.lstrip("\ufeff")
    text = unicodedata.normalize("NFC", text)
    text = _LINE_END.sub("\n", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return text.strip("\n")


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first 8 KiB: not a text file."""
    head = data[:8192]
    if not head:
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b in _CONTROL)
    return controls / len(head) > 0.05


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Decode bytes strictly: a BOM, else UTF-8, else the declared charset. Never guesses.

    Raises InputError for binary data and for bytes that do not decode.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(f"not valid {encoding} text ({exc.reason} at byte {exc.start})") from exc
    if looks_binary(data):
        raise InputError("binary data, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex()
        utf8_error = f"not UTF-8 text (byte 0x{bad} at offset {exc.start} cannot be decoded)"
    if declared:
        try:
            return data.decode(declared)
        except LookupError:
            raise InputError(f"{utf8_error}; declared charset {declared!r} is unknown") from None
        except UnicodeDecodeError as exc:
            raise InputError(f"not valid {declared} text ({exc.reason} at byte {exc.start})") from exc
    raise InputError(utf8_error)
