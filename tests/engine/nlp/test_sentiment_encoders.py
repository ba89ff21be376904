"""MiniLM's precision: chosen from the CPU, overridable, and bfloat16 embeds as float32 does."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from smartcrm.engine.nlp.sentiment import encoders


@pytest.fixture(autouse=True)
def fresh_precision(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("SMARTCRM_MINILM_PRECISION", raising=False)
    encoders.precision.cache_clear()
    encoders.clear_memo()
    yield
    encoders.precision.cache_clear()
    encoders.clear_memo()


@pytest.mark.parametrize(("native", "expected"), [(True, "bf16"), (False, "fp32")])
def test_auto_uses_bfloat16_only_where_the_cpu_has_it(
    monkeypatch: pytest.MonkeyPatch, native: bool, expected: str
) -> None:
    monkeypatch.setattr(encoders, "native_bf16", lambda: native)
    assert encoders.precision() == expected


def test_the_environment_overrides_and_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(encoders, "native_bf16", lambda: True)
    monkeypatch.setenv("SMARTCRM_MINILM_PRECISION", "FP32")
    assert encoders.precision() == "fp32"
    encoders.precision.cache_clear()
    monkeypatch.setenv("SMARTCRM_MINILM_PRECISION", "int4")
    with pytest.raises(ValueError, match="SMARTCRM_MINILM_PRECISION"):
        encoders.precision()


@pytest.mark.skipif(not encoders.minilm_available(), reason="MiniLM is not installed")
def test_bfloat16_embeddings_match_float32(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [
        "The parcel arrived two weeks late and the box was crushed.",
        "Great quality, fast delivery, would buy again!",
        "ok",
        "The seller never answered my three e-mails about the refund, which is frankly unacceptable "
        "for a shop that advertises customer service as its strength.",
    ]
    embedded = {}
    for precision in ("fp32", "bf16"):
        monkeypatch.setenv("SMARTCRM_MINILM_PRECISION", precision)
        encoders.precision.cache_clear()
        encoders.clear_memo()
        embedded[precision] = encoders.embed(texts)
    assert embedded["bf16"].shape == (4, 384) and embedded["bf16"].dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(embedded["bf16"], axis=1), 1.0, atol=1e-3)
    cosines = (embedded["fp32"] * embedded["bf16"]).sum(axis=1)
    assert cosines.min() > 0.999, cosines
    assert not np.array_equal(embedded["fp32"], embedded["bf16"])  # bfloat16 did run


def test_embed_memoises_and_handles_nothing() -> None:
    assert encoders.embed([]).shape == (0, 384)
