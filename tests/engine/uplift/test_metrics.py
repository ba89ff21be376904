"""Qini and AUUC on rankings whose answer is known by hand."""

from __future__ import annotations

import numpy as np
import pytest

from smartcrm.engine.uplift.metrics import auuc, qini_area, qini_coefficient, qini_curve

# Four treated and four control customers: treated 1 and 2 convert, control 7 converts.
Y = np.array([1, 1, 0, 0, 0, 0, 1, 0])
T = np.array([1, 1, 1, 1, 0, 0, 0, 0])


def test_qini_curve_by_hand() -> None:
    best_first = np.array([8, 7, 2, 1, 6, 5, 0, 3])  # treated converters, then the rest
    share, gains = qini_curve(Y, T, best_first)
    assert share[0] == 0 and share[-1] == 1
    # Top 2: two treated conversions, no control yet → 2 incremental of 8 customers.
    assert gains[2] == pytest.approx(2 / 8)
    # Everyone: 2 treated conversions − 1 control conversion × 4/4.
    assert gains[-1] == pytest.approx(1 / 8)


def test_random_targeting_has_zero_coefficient_and_the_line_area() -> None:
    rng = np.random.default_rng(0)
    n = 40_000
    t = rng.random(n) < 0.5
    y = (rng.random(n) < np.where(t, 0.12, 0.10)).astype(int)
    scores = [rng.random(n) for _ in range(20)]
    coefficients = [qini_coefficient(y, t, s) for s in scores]
    assert abs(float(np.mean(coefficients))) < 0.002
    total = qini_curve(y, t, scores[0])[1][-1]
    assert np.mean([qini_area(y, t, s) for s in scores]) == pytest.approx(total / 2, abs=0.002)


def test_a_ranking_that_knows_the_persuadable_beats_random_and_its_reverse_loses() -> None:
    rng = np.random.default_rng(1)
    n = 20_000
    persuadable = rng.random(n) < 0.3
    t = rng.random(n) < 0.5
    y = (rng.random(n) < 0.05 + 0.2 * (t & persuadable)).astype(int)
    good = persuadable + rng.random(n) * 0.1
    assert qini_coefficient(y, t, good) > 0.007  # the best possible here is about 0.0105
    assert qini_coefficient(y, t, -good) < -0.007
    assert auuc(y, t, good) > auuc(y, t, rng.random(n)) > auuc(y, t, -good)


def test_mismatched_lengths_are_refused() -> None:
    with pytest.raises(ValueError, match="same"):
        qini_curve([1, 0], [1], [0.5, 0.2])
