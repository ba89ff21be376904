"""Pareto/NBD (Schmittlein, Morrison & Colombo 1987), likelihood as in Fader & Hardie's note.

Purchases follow a Poisson process with a gamma-distributed rate (r, alpha); lifetimes are
exponential with a gamma-distributed dropout rate (s, beta).
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd
from scipy.special import gammaln, hyp2f1, roots_legendre
from scipy.stats import nbinom

from smartcrm.engine.clv._validation import purchase_arrays
from smartcrm.engine.clv.base import ParametricModel


def _log_a0(
    r: float, alpha: float, s: float, beta: float, x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray
) -> np.ndarray:
    """log of A0, the dead-between-tx-and-T term, written as a difference of two 2F1 terms.

    The hypergeometric argument is kept in [0, 1) by expanding around the larger of alpha
    and beta; the difference is taken in log space to keep precision for heavy buyers.
    """
    second: np.ndarray | float
    if alpha < beta:
        low, high, second = alpha, beta, r + x
    else:
        low, high, second = beta, alpha, s + 1.0
    rsx = r + s + x
    q1, q2 = high + t_x, high + big_t
    p1 = hyp2f1(rsx, second, rsx + 1.0, (high - low) / q1)
    p2 = hyp2f1(rsx, second, rsx + 1.0, (high - low) / q2)
    first = np.log(p1) + rsx * np.log(q2)
    other = np.log(p2) + rsx * np.log(q1)
    # log(e^first - e^other); first >= other, equal only when recency == T.
    diff = np.where(first > other, first + np.log1p(-np.exp(np.minimum(other - first, 0.0))), -np.inf)
    return diff - rsx * np.log(q1 * q2)


class ParetoNBDModel(ParametricModel):
    """Pareto/NBD purchase model; ``params_`` holds r, alpha, s, beta."""

    PARAM_NAMES: ClassVar[tuple[str, ...]] = ("r", "alpha", "s", "beta")
    MODEL_TYPE: ClassVar[str] = "paretonbd"

    def fit(self, frame: pd.DataFrame) -> ParetoNBDModel:
        x, t_x, big_t = purchase_arrays(frame)
        if len(x) == 0:
            raise ValueError("cannot fit on an empty frame")
        scale = max(float(np.mean(big_t)), 1.0)
        start = np.log([1.0, scale, 1.0, scale])
        self._set_params(self._minimise(lambda p: self._negative_log_likelihood(p, x, t_x, big_t), start))
        return self

    def _negative_log_likelihood(self, log_params: np.ndarray, *arrays: np.ndarray) -> float:
        x, t_x, big_t = arrays
        r, alpha, s, beta = np.exp(log_params)
        a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
        alive_term = -(r + x) * np.log(alpha + big_t) - s * np.log(beta + big_t)
        dead_term = np.log(s) - np.log(r + s + x) + _log_a0(r, alpha, s, beta, x, t_x, big_t)
        return float(-np.mean(a1 + np.logaddexp(alive_term, dead_term)))

    # --- predictions -------------------------------------------------------------------------
    def _p_alive(self, x: np.ndarray, t_x: np.ndarray, big_t: np.ndarray) -> np.ndarray:
        r, alpha, s, beta = self._check_fitted()
        with np.errstate(all="ignore"):
            log_odds = (
                np.log(s)
                - np.log(r + s + x)
                + (r + x) * np.log(alpha + big_t)
                + s * np.log(beta + big_t)
                + _log_a0(r, alpha, s, beta, x, t_x, big_t)
            )
            return 1.0 / (1.0 + np.exp(log_odds))

    def probability_alive(self, frame: pd.DataFrame) -> np.ndarray:
        """P(still active at T | frequency, recency, T)."""
        self._check_fitted()
        return self._p_alive(*purchase_arrays(frame))

    def expected_purchases(self, frame: pd.DataFrame, horizon: float) -> np.ndarray:
        """E[number of purchases in (T, T + horizon] | frequency, recency, T]."""
        r, alpha, s, beta = self._check_fitted()
        x, t_x, big_t = purchase_arrays(frame)
        if horizon < 0:
            raise ValueError("horizon must be non-negative")
        if abs(s - 1.0) < 1e-8:
            s_part = np.log((beta + big_t + horizon) / (beta + big_t))
        else:
            s_part = (1.0 - ((beta + big_t) / (beta + big_t + horizon)) ** (s - 1.0)) / (s - 1.0)
        alive_part = (r + x) * (beta + big_t) / (alpha + big_t) * s_part
        return alive_part * self._p_alive(x, t_x, big_t)

    def purchase_distribution(self, frame: pd.DataFrame, horizon: float, max_count: int) -> np.ndarray:
        """P(Y = y | history) for y = 0..max_count (last column: P(Y >= max_count)).

        Given alive at T, lambda ~ Gamma(r + x, alpha + T) and mu ~ Gamma(s, beta + T). Y is the
        purchase count up to min(remaining lifetime, horizon); the lifetime density is
        integrated by Gauss-Legendre quadrature over (0, horizon).
        """
        r, alpha, s, beta = self._check_fitted()
        x, t_x, big_t = purchase_arrays(frame)
        alive = self._p_alive(x, t_x, big_t)
        counts = np.arange(max_count + 1)

        def count_pmf(duration: np.ndarray) -> np.ndarray:
            # NB over the count for each customer (rows) and duration (middle axis).
            q = (alpha + big_t)[:, None] / (alpha + big_t[:, None] + duration)
            pmf = nbinom.pmf(counts[None, None, :], (r + x)[:, None, None], q[:, :, None])
            pmf[:, :, -1] = 1.0 - pmf[:, :, :-1].sum(axis=2)
            return np.asarray(pmf)

        nodes, weights = roots_legendre(48)
        tau = (nodes + 1.0) * horizon / 2.0
        w = weights * horizon / 2.0
        base = (beta + big_t)[:, None]
        density = s / base * (base / (base + tau[None, :])) ** (s + 1.0)  # remaining lifetime, per customer
        survive = (base[:, 0] / (base[:, 0] + horizon)) ** s
        died = np.einsum("ck,cky->cy", density * w[None, :], count_pmf(tau))
        lived = survive[:, None] * count_pmf(np.array([horizon]))[:, 0, :]
        pmf_alive = np.clip(died + lived, 0.0, None)
        pmf_alive /= pmf_alive.sum(axis=1, keepdims=True)
        pmf = alive[:, None] * pmf_alive
        pmf[:, 0] += 1.0 - alive
        return pmf
