"""``smartcrm eval uplift``: the full code path on few runs and small data."""

from __future__ import annotations

import argparse

from smartcrm.evaluation import EVALUATIONS, load


def test_small_real_run() -> None:
    assert "uplift" in EVALUATIONS
    evaluation = load("uplift")
    parser = argparse.ArgumentParser()
    evaluation.add_arguments(parser)
    options = vars(parser.parse_args(["--runs", "4", "--customers", "20000", "--uplift-samples", "3000"]))
    figures = evaluation.run(options)
    for key in ("coverage", "bias", "width", "n_runs", "qini_model", "qini_random", "qini_churn_targeting"):
        assert key in figures
    assert figures["n_runs"] == 4
    assert 0 <= figures["coverage"] <= 1
    assert abs(figures["bias"]) < 2
    assert 0 < figures["width"] < 6
    assert figures["lift"]["runs_with_enough_data"] == 4
    # Even small, the model ranks better than random targeting on the planted generator.
    assert figures["qini_model"] > figures["qini_random"] > 0
    assert figures["targeting"]["learner"] in {"t", "x"}
