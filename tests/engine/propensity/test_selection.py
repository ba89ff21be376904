"""The inner selection over candidates: each candidate keeps explanations and persistence; the
choice follows the inner scores; large tables select on a bounded sample."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from smartcrm.engine.propensity import PropensityModel
from smartcrm.engine.propensity.candidates import CANDIDATES, TIE_TOLERANCE, choose
from smartcrm.evaluation.datasets import mlc_churn

SMALL = {"n_estimators": 60, "outcome": "Churn risk"}


@pytest.fixture(scope="module")
def mlc_sample() -> tuple[pd.DataFrame, np.ndarray]:
    X, y = mlc_churn.load_xy()
    order = np.random.default_rng(5).permutation(len(X))[:2500]
    return X.iloc[order].reset_index(drop=True), y.to_numpy(dtype=int)[order]


@pytest.mark.parametrize("name", [c.name for c in CANDIDATES])
def test_every_candidate_explains_exactly_and_round_trips(
    name: str, telco_sample: tuple[pd.DataFrame, np.ndarray]
) -> None:
    X, y = telco_sample
    model = PropensityModel(candidates=[name], **SMALL).fit(X.iloc[:800], y[:800])
    held = X.iloc[2000:2040]
    assert model.candidate_ == name
    assert set(model.inner_scores_) == {name}
    raw = model.raw_scores(held)
    np.testing.assert_allclose(model.contributions(held).sum(axis=1), raw["blend"], atol=1e-8)
    assert all(text.startswith("Churn risk is ") for text in model.reasons(held))
    loaded = PropensityModel.from_bytes(model.to_bytes())
    np.testing.assert_array_equal(loaded.predict_probability(held), model.predict_probability(held))
    assert loaded.reasons(held) == model.reasons(held)
    assert loaded.candidate_ == name


def test_the_choice_follows_the_inner_scores_with_ties_to_the_blend() -> None:
    scores = {"blend": 0.840, "linear": 0.841, "histgbm_blend": 0.845, "histgbm": 0.850}
    assert choose(scores, CANDIDATES) == "histgbm"
    scores["histgbm_blend"] = 0.850 - TIE_TOLERANCE / 2
    assert choose(scores, CANDIDATES) == "histgbm_blend"
    assert choose({**scores, "blend": 0.849}, CANDIDATES) == "blend"


def test_trees_are_chosen_where_a_linear_model_falls_short(
    mlc_sample: tuple[pd.DataFrame, np.ndarray],
) -> None:
    # MLC++ churn: charges × plans interact; logistic regression ranks ~0.85, trees ~0.92.
    X, y = mlc_sample
    model = PropensityModel(n_estimators=200).fit(X, y)
    assert set(model.inner_scores_) == {c.name for c in CANDIDATES}
    assert model.candidate_ in ("histgbm", "histgbm_blend")
    assert model.inner_scores_[model.candidate_] > model.inner_scores_["linear"] + 0.04
    assert model.inner_scores_[model.candidate_] >= max(model.inner_scores_.values()) - TIE_TOLERANCE


def test_large_tables_select_on_a_stratified_sample_and_calibrate_on_every_row(
    mlc_sample: tuple[pd.DataFrame, np.ndarray],
) -> None:
    X, y = mlc_sample
    model = PropensityModel(selection_rows=900, **SMALL).fit(X, y)
    assert model.selection_rows_ == 900
    probability = model.predict_probability(X)
    # Calibrated on out-of-fold scores of all 2,500 rows: the mean matches the base rate.
    assert probability.mean() == pytest.approx(y.mean(), abs=0.02)


def test_unknown_candidates_are_refused(telco_sample: tuple[pd.DataFrame, np.ndarray]) -> None:
    X, y = telco_sample
    with pytest.raises(ValueError, match="candidates must be a non-empty subset"):
        PropensityModel(candidates=["forest"]).fit(X.iloc[:200], y[:200])


def test_a_version_1_file_still_loads_as_the_blend(
    held_out: pd.DataFrame, telco_sample: tuple[pd.DataFrame, np.ndarray]
) -> None:
    X, y = telco_sample
    blend = PropensityModel(candidates=["blend"], **SMALL).fit(X.iloc[:800], y[:800])
    document = json.loads(blend.to_bytes())
    for key in ("candidate", "inner_scores", "selection_rows", "weight"):
        del document[key]
    for key in ("candidates", "selection_rows"):
        del document["params"][key]
    document["format_version"] = 1
    old = PropensityModel.from_bytes(json.dumps(document).encode())
    assert old.candidate_ == "blend"
    np.testing.assert_array_equal(old.predict_probability(held_out), blend.predict_probability(held_out))
