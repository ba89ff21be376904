"""MiniLM: its precision (chosen from the CPU, overridable, bfloat16 embeds as float32 does) and layers."""

from __future__ import annotations

import pickle
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
        embedded[precision] = encoders.embed(texts, encoders.FULL_LAYERS)
    assert embedded["bf16"].shape == (4, 384) and embedded["bf16"].dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(embedded["bf16"], axis=1), 1.0, atol=1e-3)
    cosines = (embedded["fp32"] * embedded["bf16"]).sum(axis=1)
    assert cosines.min() > 0.999, cosines
    assert not np.array_equal(embedded["fp32"], embedded["bf16"])  # bfloat16 did run


def test_embed_memoises_and_handles_nothing() -> None:
    assert encoders.embed([], encoders.LAYERS).shape == (0, 384)


@pytest.mark.skipif(not encoders.minilm_available(), reason="MiniLM is not installed")
def test_the_first_layers_embed_differently_and_are_memoised_apart() -> None:
    texts = ["Great quality, fast delivery.", "The box arrived crushed and nobody answered."]
    assert len(encoders._minilm(encoders.LAYERS)[0].auto_model.encoder.layer) == encoders.LAYERS
    assert len(encoders._minilm(encoders.FULL_LAYERS)[0].auto_model.encoder.layer) == encoders.FULL_LAYERS
    cut, full = encoders.embed(texts, encoders.LAYERS), encoders.embed(texts, encoders.FULL_LAYERS)
    assert cut.shape == full.shape == (2, 384)
    np.testing.assert_allclose(np.linalg.norm(cut, axis=1), 1.0, atol=1e-5)
    assert (cut * full).sum(axis=1).max() < 0.99  # not the full model's embedding
    np.testing.assert_array_equal(encoders.embed(texts[:1], encoders.LAYERS), cut[:1])
    with pytest.raises(ValueError, match="6 layers"):
        encoders.embed(["x"], 7)


@pytest.mark.skipif(not encoders.minilm_available(), reason="MiniLM is not installed")
def test_a_classifier_pickled_before_the_layer_count_keeps_all_six_layers() -> None:
    from smartcrm.engine.datasets import rotten_tomatoes
    from smartcrm.engine.nlp.sentiment.classifier import LanguageClassifier

    sample = rotten_tomatoes.load().sample(160, random_state=3)
    texts, labels = sample["text"].tolist(), sample["label"].to_numpy()
    full = LanguageClassifier("en", minilm_layers=encoders.FULL_LAYERS).fit(texts[:120], labels[:120])
    expected = full.predict_proba(texts[120:])
    del full.minilm_layers  # as unpickled from a model written before the parameter existed
    restored = pickle.loads(pickle.dumps(full))  # noqa: S301 (our own bytes)
    np.testing.assert_allclose(restored.predict_proba(texts[120:]), expected)
    cut = LanguageClassifier("en").fit(texts[:120], labels[:120])
    assert cut.minilm_layers == encoders.LAYERS
    assert not np.allclose(cut.predict_proba(texts[120:]), expected)
