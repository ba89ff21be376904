"""BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way").

Purchases follow a Poisson process with a gamma-distributed rate (r, alpha); after each
purchase a customer drops out with a beta-distributed probability (a, b).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd
from scipy.special import betaln, gammaln, hyp2f1
from scipy.stats import nbinom

from smartcrm.engine.clv._validation import purchase_arrays
from smartcrm.engine.clv.base import ParametricModel


class BetaGeoModel(ParametricModel):
    """BG/NBD purchase model; ``params_`` holds r, alpha, a, b."""

    PARAM_NAMES: ClassVar[tuple[str, ...]] = ("r", "alpha", "a", "b")
    MODEL_TYPE: ClassVar[str] = "bgnbd"

    def fit(self, frame: pd.DataFrame) -> BetaGeoModel:
        x, t_x, big_t = purchase_arrays(frame)
        if len(x) == 0:
            raise ValueError("cannot fit on an empty frame")
        start = np.log([1.0, max(float(np.mean(big_t)), 1.0), 1.0, 1.0])
        self._set_params(self._minimise(lambda p: self._negative_log_likelihood(p, x, t_x, big_t), start))
        return self

    def _negative_log_likelihood(self, log_params: np.ndarray, *arrays: np.ndarray) -> float:
        x, t_x, big_t = arrays
        r, alpha, a, b = np.exp(log_params)
        a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
        a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
        a3 = -(r + x) * np.log(alpha + big_t)
        repeat = x > 0
        a4 = np.where(
            repeat,
            np.log(a) - np.log(np.where(repeat, b + x - 1, 1.0)) - (r + x) * np.log(alpha + t_x),
            -np.inf,
        )
        return float(-np.mean(a1 + a2 + np.logaddexp(a3, a4)))

    # --- predictions -------------------------------------------------------------------------
    def probability_alive(self, frame: pd.DataFrame) -> np.ndarray:
        """P(still active at T | history); exactly 1 for customers with no repeat purchase."""
        r, alpha, a, b = self._check_fitted()
        x, t_x, big_t = purchase_arrays(frame)
        return self._p_alive(x, t_x, big_t, r, alpha, a, b)

    @staticmethod
    def _p_alive(
        x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray, r: float, alpha: float, a: float, b: float
    ) -> np.ndarray:
        repeat = x > 0
        with np.errstate(all="ignore"):
            log_ratio = (
                np.log(a)
                - np.log(np.where(repeat, b + x - 1, 1.0))
                + (r + x) * np.log((alpha + big_t) / (alpha + t_x))
            )
            odds = np.where(repeat, np.exp(log_ratio), 0.0)
        return 1.0 / (1.0 + odds)

    def expected_purchases(self, frame: pd.DataFrame, horizon: float) -> np.ndarray:
        """E[number of purchases in (T, T + horizon] | frequency, recency, T]."""
        r, alpha, a, b = self._check_fitted()
        x, t_x, big_t = purchase_arrays(frame)
        if horizon < 0:
            raise ValueError("horizon must be non-negative")
        if horizon == 0:
            return np.zeros_like(x)
        z = horizon / (alpha + big_t + horizon)
        with np.errstate(all="ignore"):
            bracket = 1.0 - ((alpha + big_t) / (alpha + big_t + horizon)) ** (r + x) * hyp2f1(
                r + x, b + x, a + b + x - 1, z
            )
            alive_part = (a + b + x - 1) / (a - 1) * bracket
        return alive_part * self._p_alive(x, t_x, big_t, r, alpha, a, b)

    def expected_purchases_new_customer(self, horizon: float) -> float:
        """E[X(t)] for a customer just acquired (the cohort curve)."""
        r, alpha, a, b = self._check_fitted()
        z = horizon / (alpha + horizon)
        return float(
            (a + b - 1) / (a - 1) * (1 - (alpha / (alpha + horizon)) ** r * hyp2f1(r, b, a + b - 1, z))
        )

    def purchase_distribution(self, frame: pd.DataFrame, horizon: float, max_count: int) -> np.ndarray:
        """P(Y = y | history) for y = 0..max_count, one row per customer.

        Given alive at T the posterior factorises: lambda ~ Gamma(r + x, alpha + T) and
        p ~ Beta(a, b + x). Future purchases are min(N, G) with N the Poisson count and G the
        (geometric) purchase at which the customer drops out, so
        P(Y >= y | alive) = P(NB >= y) * B(a, b + x + y - 1) / B(a, b + x) for y >= 1.
        The last column holds P(Y >= max_count) so every row sums to one.
        """
        r, alpha, a, b = self._check_fitted()
        x, t_x, big_t = purchase_arrays(frame)
        alive = self._p_alive(x, t_x, big_t, r, alpha, a, b)
        y = np.arange(1, max_count + 1)[None, :]
        n = (r + x)[:, None]
        q = ((alpha + big_t) / (alpha + big_t + horizon))[:, None]
        p_n_at_least = nbinom.sf(y - 1, n, q)
        p_stay = np.exp(betaln(a, b + x[:, None] + y - 1) - betaln(a, b + x[:, None]))
        at_least = np.hstack([np.ones((len(x), 1)), p_n_at_least * p_stay])  # y = 0..max_count
        pmf_alive = np.hstack([at_least[:, :-1] - at_least[:, 1:], at_least[:, -1:]])
        pmf = alive[:, None] * pmf_alive
        pmf[:, 0] += 1.0 - alive
        return pmf
