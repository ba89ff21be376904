"""What every CLV model shares: the fitted check, the optimiser and the saved form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np
from scipy.optimize import minimize

from smartcrm.engine.clv._validation import check_saved_header

LOG_BOUND = 15.0  # parameters live in [e^-15, e^15]


class NotFittedError(RuntimeError):
    """Raised when a model is asked to predict before ``fit``."""


class ParametricModel:
    """A model with a few positive parameters fitted by maximum likelihood.

    Subclasses name their parameters in ``PARAM_NAMES`` and implement ``_negative_log_likelihood``
    on the log of the parameters (so the optimiser works unconstrained).
    """

    PARAM_NAMES: ClassVar[tuple[str, ...]] = ()
    MODEL_TYPE: ClassVar[str] = ""
    VERSION: ClassVar[int] = 1

    params_: dict[str, float]

    def __init__(self, penalizer: float = 0.0) -> None:
        self.penalizer = penalizer

    # --- fitting -------------------------------------------------------------------------------
    def _minimise(self, objective: Callable[[np.ndarray], float], start: np.ndarray) -> np.ndarray:
        """Nelder-Mead from ``start`` then an L-BFGS-B polish; both on log-parameters.

        Likelihood surfaces here are smooth but the hypergeometric terms make analytic
        gradients fragile, so we stay gradient-free first and let L-BFGS-B finish with numeric ones.
        """

        def safe(log_params: np.ndarray) -> float:
            with np.errstate(all="ignore"):
                value = objective(log_params) + self.penalizer * float(np.sum(np.exp(log_params) ** 2))
            return value if np.isfinite(value) else 1e12

        # Bounds keep runaway parameters (e.g. no dropout seen: s, beta -> infinity) finite.
        bounds = [(-LOG_BOUND, LOG_BOUND)] * len(start)
        first = minimize(
            safe,
            start,
            method="Nelder-Mead",
            bounds=bounds,
            options={"xatol": 1e-9, "fatol": 1e-12, "maxiter": 4000},
        )
        polish = minimize(
            safe, first.x, method="L-BFGS-B", bounds=bounds, options={"ftol": 1e-15, "gtol": 1e-10}
        )
        best = polish.x if polish.fun <= first.fun else first.x
        if not np.isfinite(safe(best)) or safe(best) >= 1e12:
            raise ValueError(f"{type(self).__name__}: the likelihood could not be maximised on this data")
        return np.asarray(best, dtype=float)

    def _set_params(self, log_params: np.ndarray) -> None:
        self.params_ = {name: float(v) for name, v in zip(self.PARAM_NAMES, np.exp(log_params), strict=True)}

    def _check_fitted(self) -> tuple[float, ...]:
        if not hasattr(self, "params_"):
            raise NotFittedError(f"{type(self).__name__} is not fitted yet: call fit(frame) first")
        return tuple(self.params_[name] for name in self.PARAM_NAMES)

    def log_likelihood(self, log_params: np.ndarray, *arrays: np.ndarray) -> float:
        """Mean log-likelihood per customer at ``exp(log_params)`` (for checks and tests)."""
        with np.errstate(all="ignore"):
            return -self._negative_log_likelihood(np.asarray(log_params, dtype=float), *arrays)

    def _negative_log_likelihood(self, log_params: np.ndarray, *arrays: np.ndarray) -> float:
        raise NotImplementedError

    # --- saved form --------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        self._check_fitted()
        return {
            "model_type": self.MODEL_TYPE,
            "version": self.VERSION,
            "hyperparameters": {"penalizer": self.penalizer},
            "params": dict(self.params_),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Any:
        check_saved_header(data, cls.MODEL_TYPE, (cls.VERSION,))
        params = data.get("params", {})
        if set(params) != set(cls.PARAM_NAMES):
            raise ValueError(f"saved {cls.MODEL_TYPE} params must be {cls.PARAM_NAMES}, got {sorted(params)}")
        model = cls(**data.get("hyperparameters", {}))
        model.params_ = {name: float(params[name]) for name in cls.PARAM_NAMES}
        return model
