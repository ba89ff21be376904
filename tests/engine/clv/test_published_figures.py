"""CDNOW figures from Fader, Hardie & Lee (2005) and the lifetimes reference run (datasets.md).

lifetimes itself does not import here (missing dill, pkg_resources; broken under pandas 3),
so the published numbers are the reference.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smartcrm.engine.clv import BetaGeoModel, GammaGammaModel, ParetoNBDModel


def test_cdnow_summary_matches_the_published_counts(cdnow_summary: pd.DataFrame) -> None:
    assert len(cdnow_summary) == 2357
    assert cdnow_summary["frequency"].sum() == 2457
    assert cdnow_summary["frequency_holdout"].sum() == 1882
    assert cdnow_summary["duration_holdout"].iloc[0] == pytest.approx(39.0)


def test_bgnbd_parameters_match_the_paper(bgnbd: BetaGeoModel) -> None:
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    for name, value in published.items():
        assert bgnbd.params_[name] == pytest.approx(value, abs=0.005), name


def test_bgnbd_conditional_holdout_forecast(bgnbd: BetaGeoModel, cdnow_summary: pd.DataFrame) -> None:
    predicted = bgnbd.expected_purchases(cdnow_summary, 39.0)
    actual = cdnow_summary["frequency_holdout"].to_numpy()
    assert predicted.sum() == pytest.approx(1653, rel=0.02)
    assert np.corrcoef(predicted, actual)[0, 1] >= 0.62
    assert np.mean(np.abs(predicted - actual)) == pytest.approx(0.785, abs=0.005)


def test_bgnbd_cohort_curve(bgnbd: BetaGeoModel, cdnow_summary: pd.DataFrame) -> None:
    """Cumulative repeat purchases by week 78 for the cohort: 4,161 with lifetimes."""
    first_day = 272 / 7 - cdnow_summary["T"].to_numpy()  # weeks from 1997-01-01
    total = sum(bgnbd.expected_purchases_new_customer(78.0 - t) for t in first_day)
    assert total == pytest.approx(4161, rel=0.01)


def test_paretonbd_matches_the_reference(paretonbd: ParetoNBDModel, cdnow_summary: pd.DataFrame) -> None:
    published = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}
    for name, value in published.items():
        assert paretonbd.params_[name] == pytest.approx(value, rel=0.01), name
    predicted = paretonbd.expected_purchases(cdnow_summary, 39.0)
    assert predicted.sum() == pytest.approx(1666, rel=0.02)
    assert np.corrcoef(predicted, cdnow_summary["frequency_holdout"])[0, 1] >= 0.625


def test_gammagamma_matches_the_paper(cdnow_summary: pd.DataFrame) -> None:
    """Fader, Hardie & Lee (2005) "RFM and CLV": p = 6.25, q = 3.74, v = 15.44."""
    model = GammaGammaModel().fit(cdnow_summary)
    for name, value in {"p": 6.25, "q": 3.74, "v": 15.44}.items():
        assert model.params_[name] == pytest.approx(value, rel=0.01), name
