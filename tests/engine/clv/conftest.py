"""CDNOW summaries and fitted models, built once per test session (they take a few seconds)."""

from __future__ import annotations

import pandas as pd
import pytest

from smartcrm.engine.clv import BetaGeoModel, ParetoNBDModel, summarise_transactions
from smartcrm.evaluation.datasets import cdnow


@pytest.fixture(scope="session")
def cdnow_transactions() -> pd.DataFrame:
    return cdnow.load_transactions()


@pytest.fixture(scope="session")
def cdnow_summary(cdnow_transactions: pd.DataFrame) -> pd.DataFrame:
    return summarise_transactions(cdnow_transactions, cdnow.CALIBRATION_END, cdnow.HOLDOUT_END)


@pytest.fixture(scope="session")
def bgnbd(cdnow_summary: pd.DataFrame) -> BetaGeoModel:
    return BetaGeoModel().fit(cdnow_summary)


@pytest.fixture(scope="session")
def paretonbd(cdnow_summary: pd.DataFrame) -> ParetoNBDModel:
    return ParetoNBDModel().fit(cdnow_summary)
