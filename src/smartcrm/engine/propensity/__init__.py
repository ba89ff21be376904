"""Propensity models: churn risk, purchase propensity and any labelled customer table.

* :class:`PropensityModel` — the general model (LightGBM + logistic regression, calibrated,
  explained per customer, saved with its feature schema);
* :mod:`.labels` — churn and purchase labels built from a shop's transactions at rolling as-of
  dates, with small RFM-style features computed only from the past.
"""

from .explain import Factor as Factor
from .labels import build_churn_training_frame as build_churn_training_frame
from .labels import build_purchase_training_frame as build_purchase_training_frame
from .labels import rfm_features as rfm_features
from .model import PropensityModel as PropensityModel
from .schema import FeatureSchema as FeatureSchema
from .schema import SchemaMismatchError as SchemaMismatchError
