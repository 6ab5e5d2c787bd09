"""The learned stance reader: does a statement give a holder's stance on an issue's proposition?

One input is a *pair*: the holder (a party's name), the issue's proposition, the text just before the
statement (context) and the statement itself. The model reads them together (a cross-encoder over the
pinned MiniLM encoder, see :mod:`redline.nlp.encoder`) and says

- ``label``: favor / against / none (none: the statement gives this holder no stance on this issue);
- ``conditional``, ``red_line``, ``historical``: readings of a stance that holds.

It is trained on the project's own corpus (``train/stance_corpus``, see its DATASHEET) by
``train/train_stance.py``; the shipped artifact holds the top encoder layers and the head only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import torch
from torch import nn

from redline.nlp import encoder as enc

LABELS = ("none", "favor", "against")
FLAGS = ("conditional", "red_line", "historical")
FROZEN = 2  # lower layers shared with the base encoder; the top 4 are the task's
MAX_TOKENS = 192
MAX_CONTEXT = 48  # wordpieces of context kept (its end, nearest the statement)
DEFAULT_PATH = "data/models/stance.safetensors"


@dataclass(frozen=True)
class Pair:
    holder: str
    proposition: str
    text: str
    context: str = ""


@dataclass
class Reading:
    favor: float
    against: float
    none: float
    conditional: float
    red_line: float
    historical: float

    @property
    def label(self) -> str:
        best = max(("none", self.none), ("favor", self.favor), ("against", self.against), key=lambda x: x[1])
        return best[0]


class StanceNet(nn.Module):
    def __init__(self, frozen: int = FROZEN) -> None:
        super().__init__()
        self.frozen = frozen
        self.top = enc.TaskEncoder(frozen)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(2 * enc.HIDDEN, len(LABELS) + len(FLAGS))

    def forward(self, ids: torch.Tensor, mask: torch.Tensor, types: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            low = enc.base_encoder(self.frozen)(ids, mask, types)
        h = self.top(low, mask)
        m = mask.unsqueeze(-1).float()
        mean = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
        out: torch.Tensor = self.head(self.dropout(torch.cat([h[:, 0], mean], dim=-1)))
        return out


def encode_pairs(pairs: Sequence[Pair]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Token ids, mask and segment ids: [CLS] holder ; proposition [SEP] context | text [SEP]."""
    tok = enc.tokenizer()
    cls_id, sep_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    bar = tok.token_to_id("|")
    firsts = tok.encode_batch([f"{p.holder} ; {p.proposition}" for p in pairs], add_special_tokens=False)
    ctxs = tok.encode_batch([p.context or "" for p in pairs], add_special_tokens=False)
    texts = tok.encode_batch([p.text for p in pairs], add_special_tokens=False)
    rows, types = [], []
    for a, c, t in zip(firsts, ctxs, texts, strict=True):
        a_ids = a.ids[:64]
        c_ids = c.ids[-MAX_CONTEXT:] + [bar] if c.ids else []
        room = MAX_TOKENS - len(a_ids) - 3
        t_ids = t.ids[:room]
        c_ids = c_ids[-max(0, room - len(t_ids)):] if room > len(t_ids) else []
        second = c_ids + t_ids
        rows.append([cls_id, *a_ids, sep_id, *second, sep_id])
        types.append([0] * (len(a_ids) + 2) + [1] * (len(second) + 1))
    ids = enc.pad(rows)
    mask = enc.pad([[1] * len(r) for r in rows])
    return ids, mask, enc.pad(types)


class StanceModel:
    """Inference wrapper around a trained :class:`StanceNet` (load once, reuse)."""

    def __init__(self, net: StanceNet, meta: dict[str, Any], path: Path | None = None) -> None:
        self.net = net.eval()
        self.meta = meta
        self.path = path
        self.sha256 = enc.artifact_sha256(path) if path else ""

    @classmethod
    def load(cls, path: str | Path | None = None) -> StanceModel:
        p = Path(path) if path else default_path()
        if not p.exists():
            raise enc.EncoderMissing(
                f"{p}: the stance model is missing; run `make train` (or reinstall redline) to build it"
            )
        state, meta = enc.load_artifact(p)
        net = StanceNet(int(meta.get("frozen", FROZEN)))
        net.load_state_dict(state, strict=True)
        return cls(net, meta, p)

    def read(self, pairs: Sequence[Pair], batch_size: int = 32) -> list[Reading]:
        out: list[Reading] = []
        if not pairs:
            return out
        order = sorted(range(len(pairs)), key=lambda i: len(pairs[i].text) + len(pairs[i].context))
        results: dict[int, Reading] = {}
        with torch.inference_mode():
            for start in range(0, len(order), batch_size):
                idx = order[start:start + batch_size]
                ids, mask, types = encode_pairs([pairs[i] for i in idx])
                logits = self.net(ids, mask, types)
                probs = logits[:, : len(LABELS)].softmax(-1)
                flags = logits[:, len(LABELS):].sigmoid()
                for row, i in enumerate(idx):
                    p, f = probs[row].tolist(), flags[row].tolist()
                    results[i] = Reading(favor=p[1], against=p[2], none=p[0], conditional=f[0], red_line=f[1],
                                         historical=f[2])
        return [results[i] for i in range(len(pairs))]


def default_path() -> Path:
    return Path(str(resources.files("redline") / DEFAULT_PATH))


@lru_cache(maxsize=2)
def shipped_model(path: str | None = None) -> StanceModel:
    return StanceModel.load(path)
