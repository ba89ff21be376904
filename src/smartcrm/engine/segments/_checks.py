"""State checks shared by the segment models (column checks live in ``engine.features``)."""

from __future__ import annotations

from sklearn.exceptions import NotFittedError

from smartcrm.engine.features import require_columns as require_columns


def require_fitted(model: object, attribute: str) -> None:
    """Raise sklearn's NotFittedError (a ValueError) unless ``fit`` has set ``attribute``."""
    if not hasattr(model, attribute):
        raise NotFittedError(
            f"This {type(model).__name__} is not fitted yet: call fit(features) before using it."
        )
