"""The T-/X-learner on data with a planted, feature-dependent effect."""

from __future__ import annotations

import numpy as np
import pytest

from smartcrm.engine.uplift.metrics import qini_coefficient
from smartcrm.engine.uplift.model import UpliftModel


def _campaign(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Customers with x0 > 0 respond to the action (+25 pp); x1 drives buying anyway."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4))
    t = rng.random(n) < 0.5
    effect = np.where(x[:, 0] > 0, 0.25, 0.0)
    base = 1 / (1 + np.exp(-(x[:, 1] - 1.5)))
    y = (rng.random(n) < np.clip(base + t * effect, 0, 1)).astype(int)
    return x, t, y, effect


SMALL = {"cv": 2, "n_estimators": 40, "min_child_samples": 20}


@pytest.mark.parametrize("learner", ["t", "x"])
def test_each_learner_finds_the_persuadable(learner: str) -> None:
    x, t, y, _ = _campaign(4_000, seed=3)
    model = UpliftModel(learner, **SMALL).fit(x, t, y)
    assert model.learner_ == learner and model.cv_qini_ == {}
    x_new, t_new, y_new, effect_new = _campaign(4_000, seed=4)
    uplift = model.predict_uplift(x_new)
    assert uplift.shape == (4_000,)
    assert uplift[effect_new > 0].mean() - uplift[effect_new == 0].mean() > 0.1
    assert qini_coefficient(y_new, t_new, uplift) > 0.01  # a perfect ranking scores about 0.0156


def test_auto_chooses_by_cross_validated_qini_on_the_training_data() -> None:
    x, t, y, _ = _campaign(3_000, seed=5)
    model = UpliftModel(**SMALL).fit(x, t, y)
    assert set(model.cv_qini_) == {"t", "x"}
    assert model.learner_ == max(model.cv_qini_, key=lambda k: model.cv_qini_[k])
    assert model.treatment_share_ == pytest.approx(t.mean())


def test_fit_returns_self_and_refuses_bad_input() -> None:
    x, t, y, _ = _campaign(500, seed=6)
    model = UpliftModel("t", **SMALL)
    assert model.fit(x, t, y) is model
    with pytest.raises(ValueError, match="features"):
        model.predict_uplift(x[:, :2])
    with pytest.raises(ValueError, match="learner"):
        UpliftModel("s").fit(x, t, y)
    with pytest.raises(ValueError, match="control group"):
        UpliftModel("t").fit(x, np.ones(len(y), dtype=bool), y)


@pytest.mark.parametrize("learner", ["t", "x"])
def test_a_saved_model_predicts_the_same_after_loading(learner: str) -> None:
    x, t, y, _ = _campaign(600, seed=8)
    model = UpliftModel(learner, **SMALL).fit(x, t, y)
    loaded = UpliftModel.from_bytes(model.to_bytes())
    assert loaded.learner_ == learner and loaded.n_features_in_ == 4
    np.testing.assert_allclose(loaded.predict_uplift(x[:200]), model.predict_uplift(x[:200]))
    with pytest.raises(ValueError, match="UpliftModel"):
        UpliftModel.from_bytes(b'{"type": "something else"}')
