"""``smartcrm eval clv`` figures on CDNOW, on the bike shops' orders and on a user's own CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from smartcrm.engine.clv.selection import choose
from smartcrm.evaluation import clv

REQUIRED = {"params", "bgnbd", "paretonbd", "holdout_actual", "model", "holdout_predicted", "corr", "mae"}
JUDGED = {"bias", "rmse", "spearman", "pearson", "corr", "top20_capture", "spend"}


@pytest.fixture(scope="module")
def cdnow_figures() -> dict[str, Any]:
    return clv.run({"dataset": "cdnow"})


def test_cdnow_figures(cdnow_figures: dict[str, Any]) -> None:
    figures = cdnow_figures
    assert set(figures) >= REQUIRED | JUDGED
    assert figures["holdout_actual"] == 1882
    assert figures["params"]["r"] == pytest.approx(0.243, abs=0.005)
    bgnbd = figures["bgnbd"]
    assert bgnbd["mae"] == pytest.approx(0.785, abs=0.005)
    assert bgnbd["rmse"] == pytest.approx(1.608, abs=0.005)
    for name, scores in figures["candidates"].items():
        assert set(scores) >= JUDGED, name
        assert set(scores["spend"]) >= JUDGED - {"spend"}, name
    # The default is chosen on calibration data only, by the rule the engine states.
    assert figures["model"] == choose(figures["selection"]["inner_scores"]).name == "bgnbd-gbm"
    # The median is still reported, labelled, and shows why it is no default: its sum is far short.
    assert figures["candidates"]["bgnbd-median"]["holdout_predicted"] == 773
    assert figures["candidates"]["bgnbd-median"]["bias"] < -0.5
    # What the default does on the real holdout (docs/models/clv.md): a smaller shortfall than
    # BG/NBD's -12% and a better ranking, at about BG/NBD's per-customer error.
    assert abs(figures["bias"]) < abs(bgnbd["bias"])
    assert figures["bias"] == pytest.approx(-0.10, abs=0.02)
    assert figures["top20_capture"] > bgnbd["top20_capture"]
    assert figures["spearman"] > bgnbd["spearman"]
    assert figures["rmse"] == pytest.approx(bgnbd["rmse"], rel=0.01)
    assert figures["spend"]["bias"] == pytest.approx(-0.13, abs=0.02)


def test_robustness_rows(cdnow_figures: dict[str, Any]) -> None:
    rows = clv.robustness_rows(cdnow_figures)
    shown = [metric.replace("bias", "|bias|") for metric in clv.METRICS]
    assert {row.metric for row in rows} == {prefix + metric for prefix in ("", "spend_") for metric in shown}
    by_metric = {row.metric: row for row in rows}
    assert all(row.seen and row.task == "clv" and row.default_name == "bgnbd-gbm" for row in rows)
    assert set(by_metric["rmse"].baselines) == {"bgnbd", "paretonbd", "past-rate"}
    assert not by_metric["|bias|"].met  # -10% is a miss against the ±5% target, and is listed as one
    assert by_metric["|bias|"].default == pytest.approx(0.10, abs=0.02)
    assert not by_metric["|bias|"].higher_is_better and not by_metric["rmse"].higher_is_better
    assert by_metric["top20_capture"].met
    assert clv.ROBUSTNESS_RUNS[0] == {"dataset": "cdnow"}


def test_bike_sales_figures() -> None:
    """A second, different trade: 30 bike shops' 2011 orders. Too few for the learnt correction."""
    figures = clv.run({"dataset": "bike-sales"})
    assert figures["customers"] == 30
    assert figures["holdout_actual"] == 79
    assert "error" in figures["candidates"]["bgnbd-gbm"]
    assert figures["model"] == choose(figures["selection"]["inner_scores"]).name
    rows = clv.robustness_rows(figures)
    assert rows and not any(row.seen for row in rows)


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
