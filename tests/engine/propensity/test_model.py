"""The general propensity model: schema, categories, missing values, explanations, persistence."""

from __future__ import annotations

import itertools
import json

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

from smartcrm.engine.propensity import PropensityModel, SchemaMismatchError


def test_probabilities_are_probabilities_and_rank_held_out_customers(
    fitted: PropensityModel, telco_sample: tuple[pd.DataFrame, np.ndarray]
) -> None:
    from sklearn.metrics import roc_auc_score

    X, y = telco_sample
    probability = fitted.predict_probability(X.iloc[2000:])
    assert probability.shape == (len(X) - 2000,)
    assert ((probability > 0) & (probability < 1)).all()
    assert roc_auc_score(y[2000:], probability) > 0.83


def test_learned_state_is_frozen_at_fit(fitted: PropensityModel) -> None:
    assert fitted.feature_names_[:3] == ["female", "senior_citizen", "partner"]
    assert fitted.categories_["contract"] == ["Month-to-month", "One year", "Two year"]
    assert fitted.schema_.kinds["tenure"] == "numeric"
    assert fitted.schema_.dtypes["monthly_charges"] == "float64"


def test_not_fitted_is_a_clear_error(held_out: pd.DataFrame) -> None:
    with pytest.raises(NotFittedError, match="not fitted"):
        PropensityModel().predict_probability(held_out)


def test_schema_mismatch_is_refused_listing_missing_and_extra_columns(
    fitted: PropensityModel, held_out: pd.DataFrame
) -> None:
    frame = held_out.drop(columns=["tenure"]).assign(customer_id=1)
    with pytest.raises(
        SchemaMismatchError, match=r"missing columns: \['tenure'\].*extra columns: \['customer_id'\]"
    ):
        fitted.predict_probability(frame)
    with pytest.raises(SchemaMismatchError, match="tenure"):
        fitted.predict_probability(held_out.assign(tenure="long"))


def test_column_order_does_not_matter(fitted: PropensityModel, held_out: pd.DataFrame) -> None:
    shuffled = held_out[list(reversed(held_out.columns))]
    np.testing.assert_array_equal(fitted.predict_probability(shuffled), fitted.predict_probability(held_out))


def test_unseen_category_scores_as_missing(fitted: PropensityModel, held_out: pd.DataFrame) -> None:
    unseen = held_out.assign(payment_method="Crypto")
    missing = held_out.assign(payment_method=None)
    np.testing.assert_allclose(fitted.predict_probability(unseen), fitted.predict_probability(missing))
    assert not np.allclose(fitted.predict_probability(unseen), fitted.predict_probability(held_out))


def test_missing_values_in_training_and_scoring() -> None:
    rng = np.random.default_rng(0)
    n = 600
    spend = rng.gamma(2.0, 50.0, n)
    plan = pd.Series(rng.choice(["basic", "pro"], n), dtype="str").where(rng.random(n) > 0.3)
    y = rng.random(n) < 1 / (1 + np.exp((spend - 100) / 40))
    spend[rng.random(n) < 0.2] = np.nan
    X = pd.DataFrame({"spend": spend, "plan": plan, "vip": rng.random(n) < 0.1})
    model = PropensityModel(n_estimators=50).fit(X, y)
    probability = model.predict_probability(X)
    assert np.isfinite(probability).all()
    assert "missing" in model.linear_.roles  # an indicator for the gaps in spend
    blank = pd.DataFrame({"spend": [np.nan], "plan": [None], "vip": [False]})
    assert 0 < model.predict_probability(blank)[0] < 1


def test_contributions_sum_to_the_raw_scores(fitted: PropensityModel, held_out: pd.DataFrame) -> None:
    raw = fitted.raw_scores(held_out)
    for part in ("gbm", "linear", "blend"):
        contributions = fitted.contributions(held_out, part=part)
        assert list(contributions.columns) == [*fitted.feature_names_, "bias"]
        np.testing.assert_allclose(contributions.sum(axis=1), raw[part], atol=1e-9)
    # The GBM part is LightGBM's own TreeSHAP output, bias included.
    native = fitted.model_.predict(fitted.schema_.encode(held_out), raw_score=True)
    np.testing.assert_allclose(fitted.contributions(held_out, part="gbm").sum(axis=1), native, atol=1e-9)


def test_explain_gives_the_strongest_signed_factors_per_customer(
    fitted: PropensityModel, held_out: pd.DataFrame
) -> None:
    explanations = fitted.explain(held_out.iloc[:20], top=3)
    blend = fitted.contributions(held_out.iloc[:20]).drop(columns="bias")
    assert len(explanations) == 20
    for i, factors in enumerate(explanations):
        assert 1 <= len(factors) <= 3
        strongest = blend.iloc[i].abs().sort_values(ascending=False).index[0]
        assert factors[0].column == strongest
        assert factors[0].contribution == pytest.approx(blend.iloc[i][strongest])
        assert factors[0].value == held_out.iloc[i][strongest]
        assert all(abs(a.contribution) >= abs(b.contribution) for a, b in itertools.pairwise(factors))


def test_reasons_are_plain_sentences_naming_source_columns(
    fitted: PropensityModel, held_out: pd.DataFrame
) -> None:
    sentences = fitted.reasons(held_out.iloc[:20])
    explanations = fitted.explain(held_out.iloc[:20])
    for text, factors in zip(sentences, explanations, strict=True):
        assert text.startswith("Churn risk is ")
        assert text.endswith(".")
        for factor in factors:
            assert factor.column in text
        # One-hot levels never leak into the wording: it names the column, not "contract_Two year".
        assert "_Yes" not in text and "_No" not in text
    month_to_month = held_out.index[held_out["contract"] == "Month-to-month"][0]
    assert "contract is Month-to-month (+" in fitted.reasons(held_out.loc[[month_to_month]], top=19)[0]


def test_templates_phrase_values() -> None:
    X = pd.DataFrame({"recency_days": np.arange(200.0), "frequency": np.tile([1.0, 5.0], 100)})
    y = X["recency_days"] > 120
    model = PropensityModel(
        n_estimators=30, outcome="Churn risk", templates={"recency_days": "no purchase for {value} days"}
    ).fit(X, y)
    text = model.reasons(pd.DataFrame({"recency_days": [190.0], "frequency": [1.0]}))[0]
    assert text.startswith("Churn risk is higher because: no purchase for 190 days (+")


def test_serialisation_round_trip_gives_identical_probabilities(
    fitted: PropensityModel, held_out: pd.DataFrame
) -> None:
    data = fitted.to_bytes()
    loaded = PropensityModel.from_bytes(data)
    np.testing.assert_array_equal(loaded.predict_probability(held_out), fitted.predict_probability(held_out))
    assert loaded.reasons(held_out.iloc[:5]) == fitted.reasons(held_out.iloc[:5])
    assert loaded.get_params() == fitted.get_params()
    with pytest.raises(SchemaMismatchError, match="missing columns"):
        loaded.predict_probability(held_out.drop(columns=["contract"]))


def test_from_bytes_refuses_other_artifacts(fitted: PropensityModel) -> None:
    with pytest.raises(ValueError, match="not a saved PropensityModel"):
        PropensityModel.from_bytes(b"\x80\x04pickle")
    with pytest.raises(ValueError, match=r"type is 'something\.Else'"):
        PropensityModel.from_bytes(b'{"type": "something.Else"}')
    newer = fitted.to_bytes().replace(b'"format_version": 2', b'"format_version": 99')
    with pytest.raises(ValueError, match="format version 99"):
        PropensityModel.from_bytes(newer)


@pytest.mark.parametrize(
    ("y", "message"),
    [
        ([0, 1, 2] * 20, "0/1 or boolean"),
        ([0] * 59 + [1], "at least 3 positive"),
        ([0, 1] * 29, "58 values but X has 60 rows"),
    ],
)
def test_bad_targets_are_refused(y: list[int], message: str) -> None:
    X = pd.DataFrame({"a": np.arange(60.0)})
    with pytest.raises(ValueError, match=message):
        PropensityModel().fit(X, y)


def test_date_columns_are_refused_with_advice() -> None:
    X = pd.DataFrame({"signup": pd.date_range("2024-01-01", periods=10)})
    with pytest.raises(ValueError, match="derive numeric features"):
        PropensityModel().fit(X, [0, 1] * 5)


def test_rendered_explanations_are_the_reasons_rendered_one_by_one(
    fitted: PropensityModel, held_out: pd.DataFrame
) -> None:
    # Categories, numbers and the factors of 300 customers (many shared, some unique).
    rendered = fitted.rendered_explanations(held_out, top=4)
    reasons = fitted.explanations(held_out, top=4)
    assert [r.english for r in rendered] == [r.english() for r in reasons]
    assert [r.json for r in rendered] == [json.dumps(r.as_json()) for r in reasons]
    assert len({r.english for r in rendered}) > 250  # per customer, not one shared sentence


def test_rendered_explanations_of_missing_values_booleans_and_templates() -> None:
    rng = np.random.default_rng(3)
    n = 400
    spend = rng.gamma(2.0, 50.0, n)
    y = rng.random(n) < 1 / (1 + np.exp((spend - 100) / 40))
    spend[rng.random(n) < 0.3] = np.nan
    plan = pd.Series(rng.choice(["basic", "pro"], n), dtype="str").where(rng.random(n) > 0.3)
    X = pd.DataFrame(
        {"spend": spend, "plan": plan, "vip": rng.random(n) < 0.2, "days": rng.integers(0, 9, n)}
    )
    model = PropensityModel(
        n_estimators=30, outcome="Churn risk", templates={"spend": "{value} spent in total"}
    ).fit(X, y)
    rendered = model.rendered_explanations(X, top=4)
    assert rendered == [r.rendered() for r in model.explanations(X, top=4)]
    assert any("spend is missing (" in r.english for r in rendered)
    assert any("vip is yes (" in r.english for r in rendered)
    assert any("spent in total (" in r.english for r in rendered)
