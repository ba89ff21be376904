"""Pinned figure on real data: Telco churn, 5-fold stratified CV (the model card's protocol)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from smartcrm.engine.propensity import PropensityModel


def test_telco_five_fold_roc_auc_beats_the_untuned_baselines(
    telco_xy: tuple[pd.DataFrame, np.ndarray],
) -> None:
    X, y = telco_xy
    aucs = []
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(X, y):
        model = PropensityModel(random_state=0, n_jobs=1).fit(X.iloc[train], y[train])
        aucs.append(roc_auc_score(y[test], model.predict_probability(X.iloc[test])))
    # smartcrm eval churn --dataset telco reports 0.8512 (the blend chosen in every fold); the
    # untuned baselines on the same folds: logistic regression 0.8453, HistGBM 0.8338.
    assert np.mean(aucs) >= 0.85
    assert np.mean(aucs) == pytest.approx(0.8512, abs=0.002)
