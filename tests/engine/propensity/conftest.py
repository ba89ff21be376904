from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smartcrm.engine.propensity import PropensityModel
from smartcrm.evaluation.datasets import telco


@pytest.fixture(scope="session")
def telco_xy() -> tuple[pd.DataFrame, np.ndarray]:
    X, y = telco.load_xy()
    return X, y.to_numpy(dtype=int)


@pytest.fixture(scope="session")
def telco_sample(telco_xy: tuple[pd.DataFrame, np.ndarray]) -> tuple[pd.DataFrame, np.ndarray]:
    """2,000 training rows and the rest held out, for fast unit tests on real data."""
    X, y = telco_xy
    order = np.random.default_rng(7).permutation(len(X))
    return X.iloc[order].reset_index(drop=True), y[order]


@pytest.fixture(scope="session")
def fitted(telco_sample: tuple[pd.DataFrame, np.ndarray]) -> PropensityModel:
    X, y = telco_sample
    return PropensityModel(n_estimators=200, outcome="Churn risk").fit(X.iloc[:2000], y[:2000])


@pytest.fixture(scope="session")
def held_out(telco_sample: tuple[pd.DataFrame, np.ndarray]) -> pd.DataFrame:
    return telco_sample[0].iloc[2000:2300].reset_index(drop=True)
