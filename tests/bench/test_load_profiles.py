"""``bench.load``'s think-time profiles: the stress one as it always was, the realistic one with
the distribution its docstring cites (TPC-W: negative exponential, mean 7 s, cut at 70 s)."""

from __future__ import annotations

import random
import statistics

from bench.load import DEFAULT_THINK, THINK_CAP, think_time


def test_stress_thinks_half_to_one_and_a_half_times_the_mean() -> None:
    rng = random.Random(1)
    draws = [think_time("stress", DEFAULT_THINK["stress"], rng) for _ in range(20_000)]
    assert min(draws) >= 0.5 and max(draws) <= 1.5
    assert abs(statistics.fmean(draws) - 1.0) < 0.01


def test_realistic_thinks_seven_seconds_on_average_spread_out_and_cut_at_ten_means() -> None:
    rng = random.Random(2)
    mean = DEFAULT_THINK["realistic"]
    draws = [think_time("realistic", mean, rng) for _ in range(50_000)]
    assert mean == 7.0 and max(draws) <= THINK_CAP * mean
    assert abs(statistics.fmean(draws) - mean) < 0.15
    # Exponential: the median is ln 2 × the mean (about 4.9 s), and one think in twenty is
    # longer than three means (e^-3 ≈ 5 %): many quick clicks, some long reads.
    assert abs(statistics.median(draws) - 0.693 * mean) < 0.15
    assert 0.04 < sum(d > 3 * mean for d in draws) / len(draws) < 0.06
