"""Content hashes and near-duplicate detection (MinHash over word shingles).

The store owns this because it decides, inside the transaction that writes a document,
whether the document is new, already stored, or a copy of one stored before.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import numpy as np

# datasketch is imported where it is used: it pulls in scipy (about a second), which commands
# that only read the store should not pay for.

NUM_PERM = 128
SHINGLE = 3  # words per shingle
THRESHOLD = 0.8  # Jaccard similarity of shingle sets at which two texts are copies
_SEED = 1
_SCHEME = "affine32"
#: changes whenever signatures computed by an older version would not be comparable
SIGNATURE_VERSION = f"minhash:{_SCHEME}:{NUM_PERM}:{_SEED}:w{SHINGLE}"

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def text_hash(text: str) -> str:
    """sha256 of the (already normalised) text: the document's content hash."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def shingles(text: str) -> set[str]:
    """Lower-cased word n-grams. Punctuation is ignored, so curly and straight quotes compare equal."""
    words = _WORD.findall(text.lower())
    if len(words) < SHINGLE:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def signature(text: str) -> bytes:
    """The MinHash signature of a text, as bytes for the database."""
    from datasketch import MinHash

    mh = MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME)
    mh.update_batch([s.encode("utf-8") for s in sorted(shingles(text))])
    return np.asarray(mh.hashvalues, dtype=np.uint32).tobytes()


def _lean(sig: bytes) -> Any:
    from datasketch import LeanMinHash

    return LeanMinHash(seed=_SEED, hashvalues=np.frombuffer(sig, dtype=np.uint32), scheme=_SCHEME)


class NearDuplicateIndex:
    """An in-memory MinHashLSH over stored signatures; rebuilt from the database on open."""

    def __init__(self, threshold: float = THRESHOLD) -> None:
        from datasketch import MinHashLSH

        self.threshold = threshold
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self.max_id = 0  # highest document id indexed so far

    def add(self, doc_id: int, sig: bytes) -> None:
        if str(doc_id) not in self._lsh.keys:
            self._lsh.insert(str(doc_id), _lean(sig), check_duplication=False)
        self.max_id = max(self.max_id, doc_id)

    def candidates(self, sig: bytes) -> list[int]:
        """Ids of stored documents whose signatures collide with this one (to be verified)."""
        return sorted(int(k) for k in self._lsh.query(_lean(sig)))
