"""The second public sets (never tuned on): loaders and the evaluation through the same code path."""

from __future__ import annotations

import numpy as np
import pytest

from smartcrm.evaluation import forecast as evaluation
from smartcrm.evaluation.datasets import fpp2, m4, us_employment
from smartcrm.evaluation.forecast_splits import dataset_splits


def test_every_loader_names_its_source_and_licence() -> None:
    for module in (fpp2, m4, us_employment):
        assert module.SOURCE.package.count("==") == 1
        assert module.SOURCE.licence and module.SOURCE.description
    assert {r["dataset"] for r in evaluation.ROBUSTNESS_RUNS} == {"fpp2", "us_employment", "m4"}


def test_us_employment_sample_is_seeded_complete_and_distinct() -> None:
    every = us_employment.load_series(None)
    sample = us_employment.load_series()
    assert len(every) > 100 and len(sample) == us_employment.SAMPLE
    assert sample.keys() <= every.keys() and list(sample) == sorted(sample)
    assert sample.keys() == us_employment.load_series().keys()
    for values in sample.values():
        assert len(values) == us_employment.LENGTH and np.isfinite(values).all()
    splits = dataset_splits("us_employment", {"sample": 3})
    assert [len(s.test) for s in splits] == [24, 24, 24]
    assert all(len(s.train) == us_employment.LENGTH - 24 for s in splits)


def test_m4_second_set_runs_end_to_end() -> None:
    series = m4.load_series()
    assert len(series) == 8 and {s.horizon for _, s in series.values()} == {18, 8}
    figures = evaluation.run({"dataset": "m4", "series": "Q50,Q120"})
    assert figures["held_out_points"] == 16
    # measured 1.18 against seasonal naive 1.85 and AutoETS 1.30; on Q10 and Q359 the ensemble
    # loses to seasonal naive (full run and misses: docs/models/forecast.md)
    assert figures["mase"] < figures["baselines"]["snaive"] - 0.3
    assert figures["mase"] <= figures["baselines"]["ets"]
    rows = evaluation.robustness_rows(figures)
    assert {r.dataset for r in rows} == {"m4"} and not any(r.seen for r in rows)
    with pytest.raises(ValueError, match="unknown m4 series"):
        dataset_splits("m4", {"series": "M9999"})
