"""``smartcrm eval clv`` figures on CDNOW and on a user's own CSV."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from smartcrm.evaluation import clv

REQUIRED = {"params", "bgnbd", "paretonbd", "holdout_actual", "model", "holdout_predicted", "corr", "mae"}


def test_cdnow_figures() -> None:
    figures = clv.run({"dataset": "cdnow"})
    assert set(figures) >= REQUIRED
    assert figures["holdout_actual"] == 1882
    assert figures["params"]["r"] == pytest.approx(0.243, abs=0.005)
    assert figures["bgnbd"]["mae"] == pytest.approx(0.785, abs=0.005)
    for block in ("bgnbd", "paretonbd"):
        assert {"holdout_predicted", "corr", "mae"} <= set(figures[block])
    # The default is chosen on calibration data only, and it must beat the 2005 model.
    assert figures["model"] == min(
        figures["selection"]["inner_mae"], key=figures["selection"]["inner_mae"].get
    )
    assert figures["mae"] <= 0.75


def test_user_csv(tmp_path: Path) -> None:
    """Customers drawn from a BG/NBD-like process: gamma purchase rates, beta dropout."""
    rng = np.random.default_rng(7)
    rows = []
    for customer in range(150):
        day, rate, dropout = float(rng.integers(0, 60)), rng.gamma(0.8, 1 / 30), rng.beta(1.0, 3.0)
        while day < 455:
            rows.append((f"c{customer}", pd.Timestamp("2023-01-01") + pd.Timedelta(days=int(day)), 25.0))
            if rng.random() < dropout:
                break
            day += rng.exponential(1 / rate)
    path = tmp_path / "orders.csv"
    pd.DataFrame(rows, columns=["customer_id", "date", "amount"]).to_csv(path, index=False)
    figures = clv.run(
        {"transactions": str(path), "calibration_end": "2023-09-30", "holdout_end": "2024-03-31"}
    )
    assert set(figures) >= REQUIRED
    assert figures["customers"] == 150


def test_user_csv_needs_dates(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="calibration-end"):
        clv.run({"transactions": str(tmp_path / "x.csv")})
