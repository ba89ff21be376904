"""The holdout is stable and independent per campaign; the lift interval covers a planted
effect about 95% of the time (a fast version of `smartcrm eval uplift`'s coverage check)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smartcrm.engine.uplift import estimate_lift, in_control
from smartcrm.engine.uplift.effect import newcombe


def test_the_holdout_is_stable_sized_and_independent_per_key() -> None:
    ids = np.arange(1, 50_001)
    first = in_control(ids, "campaign-7", 0.1)
    assert (first == in_control(ids, "campaign-7", 0.1)).all()
    assert abs(first.mean() - 0.1) < 0.006
    other = in_control(ids, "campaign-8", 0.1)
    assert abs((first & other).mean() - 0.01) < 0.003  # independent draws
    with pytest.raises(ValueError, match="control share"):
        in_control(ids, "campaign-7", 0.9)


def test_newcombe_matches_the_published_example() -> None:
    # Newcombe (1998), example (a): 56/70 vs 48/80 → 0.0524 to 0.3339.
    low, high = newcombe(56, 70, 48, 80)
    assert (round(low, 4), round(high, 4)) == (0.0524, 0.3339)


def test_the_interval_covers_a_planted_lift_about_95_percent_of_the_time() -> None:
    rng = np.random.default_rng(0)
    covered, estimates = 0, []
    for _ in range(200):
        n = 20_000
        control = rng.random(n) < 0.1
        y = np.where(control, rng.random(n) < 0.05, rng.random(n) < 0.07)
        revenue = np.where(y, rng.gamma(2.0, 30.0, n), 0.0)
        frame = pd.DataFrame({"converted": y, "revenue": revenue})
        est = estimate_lift(frame[~control], frame[control])
        covered += est.lift_low_pp <= 2.0 <= est.lift_high_pp
        estimates.append(est.lift_pp)
    assert 0.91 <= covered / 200 <= 0.99
    assert abs(np.mean(estimates) - 2.0) < 0.15


def test_a_small_sample_says_so_and_a_large_one_reads_as_a_sentence() -> None:
    small = estimate_lift(
        pd.DataFrame({"converted": [1, 0, 0], "revenue": [10.0, 0, 0]}),
        pd.DataFrame({"converted": [0], "revenue": [0.0]}),
    )
    assert not small.enough_data and small.sentence().startswith("Too few customers")
    treated = pd.DataFrame({"converted": [1] * 700 + [0] * 9300, "revenue": [50.0] * 700 + [0.0] * 9300})
    held = pd.DataFrame({"converted": [1] * 50 + [0] * 950, "revenue": [50.0] * 50 + [0.0] * 950})
    big = estimate_lift(treated, held)
    assert big.enough_data and round(big.lift_pp, 1) == 2.0
    assert big.sentence().startswith("+2.0 pp, 95% CI ") and "about $10,000 incremental" in big.sentence()
