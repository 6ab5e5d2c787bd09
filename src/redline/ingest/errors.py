"""Why an input could not be ingested."""

from __future__ import annotations


class InputError(Exception):
    """An input that is skipped; ``str(exc)`` is the one-line reason recorded as an IngestProblem."""


class UnsafeURLError(InputError):
    """A URL that points (or redirects) somewhere redline refuses to fetch."""
