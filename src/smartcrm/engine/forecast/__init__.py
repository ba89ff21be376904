"""Sales forecasting: a cross-validated statsforecast ensemble, shop series and hierarchy reconciliation.

See ``docs/models/forecast.md`` for the method and the measured figures.
"""

from .ensemble import EnsembleForecaster
from .hierarchy import reconcile
from .metrics import coverage, mase

__all__ = ["EnsembleForecaster", "coverage", "mase", "reconcile"]
