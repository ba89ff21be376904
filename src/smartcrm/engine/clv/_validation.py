"""Up-front checks of the per-customer summary frame every CLV model reads."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

PURCHASE_COLUMNS = ("frequency", "recency", "T")
SPEND_COLUMNS = ("frequency", "monetary_value")


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name not in frame.columns:
        raise ValueError(f"column '{name}' is required (got {list(frame.columns)})")
    try:
        values = np.asarray(frame[name], dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"column '{name}' must be numeric") from exc
    if not np.all(np.isfinite(values)):
        raise ValueError(f"column '{name}' has missing or infinite values")
    if np.any(values < 0):
        raise ValueError(f"column '{name}' must be non-negative")
    return values


def purchase_arrays(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return (frequency, recency, T) as float arrays after checking the model's assumptions."""
    if not isinstance(frame, pd.DataFrame):
        raise ValueError("expected a pandas DataFrame with columns frequency, recency, T")
    x, t_x, big_t = (_column(frame, name) for name in PURCHASE_COLUMNS)
    if np.any(x != np.round(x)):
        raise ValueError("column 'frequency' must hold whole numbers (repeat purchases)")
    if np.any(t_x > big_t + 1e-9):
        raise ValueError("column 'recency' must not exceed column 'T'")
    if np.any((x == 0) & (t_x > 0)):
        raise ValueError("column 'recency' must be 0 when frequency is 0")
    return x, t_x, big_t


def spend_arrays(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Return (frequency, monetary_value); monetary_value is the mean of the repeat purchases."""
    if not isinstance(frame, pd.DataFrame):
        raise ValueError("expected a pandas DataFrame with columns frequency, monetary_value")
    x, m = (_column(frame, name) for name in SPEND_COLUMNS)
    if np.any(x != np.round(x)):
        raise ValueError("column 'frequency' must hold whole numbers (repeat purchases)")
    return x, m


def check_saved_header(data: dict[str, Any], model_type: str, versions: tuple[int, ...]) -> None:
    """Refuse a saved CLV model of another type, or of a format version this code cannot read."""
    if data.get("model_type") != model_type:
        raise ValueError(f"saved model is of type {data.get('model_type')!r}, expected {model_type!r}")
    if data.get("version") not in versions:
        expected = versions[0] if len(versions) == 1 else f"one of {versions}"
        raise ValueError(f"saved {model_type} has version {data.get('version')!r}, expected {expected}")
