"""Did an action earn anything? Holdout control groups, the lift with its confidence interval,
and (later) models of who is persuadable. No Django."""

from smartcrm.engine.uplift.effect import LiftEstimate, estimate_lift
from smartcrm.engine.uplift.holdout import in_control

__all__ = ["LiftEstimate", "estimate_lift", "in_control"]
