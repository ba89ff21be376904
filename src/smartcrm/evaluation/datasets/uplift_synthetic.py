"""causalml's ``make_uplift_classification`` (Uber, Apache-2.0), read from the installed package.

The generator (``causalml/dataset/classification.py``) needs only numpy, pandas, scipy and
scikit-learn, but the package's ``__init__`` pulls in its models (shap, xgboost with a CUDA
library, numba): so the package is installed without its dependencies
(``pip install --no-deps causalml==0.18.0``) and that one file is loaded by its path.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd

from smartcrm.evaluation.robustness_rows import DatasetSource

PACKAGE = "causalml==0.18.0"
SOURCE = DatasetSource(
    name="causalml-uplift",
    package=PACKAGE,
    licence="Apache-2.0 (causalml)",
    description="make_uplift_classification: synthetic treated and control customers, planted uplift",
)


def _generator() -> ModuleType:
    spec = importlib.util.find_spec("causalml")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            f"the uplift generator needs the data package: pip install --no-deps {PACKAGE}"
        )
    path = Path(spec.submodule_search_locations[0]) / "dataset" / "classification.py"
    module_spec = importlib.util.spec_from_file_location("causalml_dataset_classification", path)
    if module_spec is None or module_spec.loader is None:
        raise FileNotFoundError(f"causalml's generator not found at {path}")
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


def make_uplift_classification(**kwargs: Any) -> tuple[pd.DataFrame, list[str]]:
    """causalml's generator as published (its own defaults unless given)."""
    frame, features = _generator().make_uplift_classification(**kwargs)
    return frame, list(features)
