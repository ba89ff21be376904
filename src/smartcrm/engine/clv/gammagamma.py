"""Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV").

Each transaction value is gamma(p, nu) with nu ~ gamma(q, v) across customers; it assumes
spend is independent of purchase frequency. Fit it on customers with repeat purchases only.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd
from scipy.special import gammaln

from smartcrm.engine.clv._validation import spend_arrays
from smartcrm.engine.clv.base import ParametricModel


class GammaGammaModel(ParametricModel):
    """Expected average transaction value; ``params_`` holds p, q, v."""

    PARAM_NAMES: ClassVar[tuple[str, ...]] = ("p", "q", "v")
    MODEL_TYPE: ClassVar[str] = "gammagamma"

    def fit(self, frame: pd.DataFrame) -> GammaGammaModel:
        x, m = spend_arrays(frame)
        keep = (x > 0) & (m > 0)
        if not np.any(keep):
            raise ValueError("Gamma-Gamma needs customers with repeat purchases and monetary_value > 0")
        x, m = x[keep], m[keep]
        start = np.log([1.0, 1.0, max(float(np.mean(m)), 1.0)])
        self._set_params(self._minimise(lambda p: self._negative_log_likelihood(p, x, m), start))
        return self

    def _negative_log_likelihood(self, log_params: np.ndarray, *arrays: np.ndarray) -> float:
        x, m = arrays
        p, q, v = np.exp(log_params)
        px = p * x
        ll = (
            gammaln(px + q)
            - gammaln(px)
            - gammaln(q)
            + q * np.log(v)
            + (px - 1) * np.log(m)
            + px * np.log(x)
            - (px + q) * np.log(x * m + v)
        )
        return float(-np.mean(ll))

    def expected_spend(self, frame: pd.DataFrame) -> np.ndarray:
        """E[average transaction value | frequency, monetary_value]; the population mean if x = 0."""
        p, q, v = self._check_fitted()
        x, m = spend_arrays(frame)
        if q <= 1:
            raise ValueError("Gamma-Gamma mean spend is undefined for q <= 1")
        population = p * v / (q - 1)
        weight = p * x / (p * x + q - 1)
        return (1 - weight) * population + weight * np.where(x > 0, m, 0.0)
