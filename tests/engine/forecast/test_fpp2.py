"""The forecast evaluation on two real fpp2 series, through the same code as the full run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from smartcrm.evaluation import forecast as evaluation


@pytest.fixture(scope="module")
def figures() -> dict:
    return evaluation.run({"dataset": "fpp2", "series": "euretail,qgas"})


def test_ensemble_beats_the_baselines_on_real_series(figures: dict) -> None:
    # full-run figures: euretail 0.50, qgas 0.60; seasonal naive 1.50 and 1.04
    assert figures["mase"] < 0.75
    assert figures["mase"] < figures["baselines"]["snaive"] - 0.4
    assert figures["mase"] <= figures["baselines"]["ets"]
    assert set(figures["per_series"]) == {"euretail", "qgas"}


def test_intervals_cover_and_weights_sum_to_one(figures: dict) -> None:
    assert figures["coverage_80"] >= 0.6
    assert figures["coverage_95"] >= figures["coverage_80"]
    assert 0 < figures["width_80"] < figures["width_95"]
    assert figures["held_out_points"] == 16
    for series in figures["per_series"].values():
        assert sum(series["weights"].values()) == pytest.approx(1.0, abs=1e-3)
        assert len(series["weights"]) == 6
        assert set(series["calibration"]) == {"level_80", "level_95"}
        assert series["baselines"]["arima"]["width_95"] > series["baselines"]["arima"]["width_80"] > 0
    assert set(figures["baseline_intervals"]) == {"snaive", "ets", "arima", "theta"}


def test_robustness_rows_flag_misses(figures: dict) -> None:
    rows = {r.metric: r for r in evaluation.robustness_rows(figures)}
    assert set(rows) == {"mase", "coverage_80", "coverage_95"}
    assert all(r.seen and r.dataset == "fpp2" and r.task == "forecast" for r in rows.values())
    assert rows["mase"].met == (figures["mase"] <= min(rows["mase"].baselines.values()))
    assert rows["coverage_80"].met == (abs(figures["coverage_80"] - 0.8) <= 0.05)
    missed = dict(figures, coverage_95=0.5)
    assert not {r.metric: r for r in evaluation.robustness_rows(missed)}["coverage_95"].met
    assert evaluation.ROBUSTNESS_RUNS[0] == {"dataset": "fpp2"}


def test_csv_input_with_season_from_the_dates(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    months = pd.date_range("2015-01-01", periods=72, freq="MS")
    seasonal = 100 + 20 * np.sin(np.arange(72) * 2 * np.pi / 12)
    frame = pd.concat(
        [
            pd.DataFrame({"series_id": sid, "date": months, "value": seasonal * scale + rng.normal(0, 2, 72)})
            for sid, scale in (("a", 1.0), ("b", 3.0))
        ]
    )
    path = tmp_path / "sales.csv"
    frame.to_csv(path, index=False)
    out = evaluation.run({"csv": str(path), "horizon": 6, "windows": 2})
    assert out["series"] == 2
    assert out["per_series"]["a"]["season_length"] == 12
    assert out["mase"] < 1.0  # a clean seasonal pattern is easy; a broken model is not


def test_csv_errors_name_the_lines(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("series_id,date,value\na,2020-01-01,1\na,not a date,2\n")
    with pytest.raises(ValueError, match="line"):
        evaluation.run({"csv": str(path), "horizon": 1})
    with pytest.raises(ValueError, match="--horizon"):
        evaluation.run({"csv": str(path)})
