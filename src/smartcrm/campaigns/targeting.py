"""Targeting by uplift: who is persuadable, learnt from the shop's own finished campaigns.

- **Features at send time.** When a customer joins a campaign, their scores and order totals
  (:data:`FEATURES`) are copied onto their ``CampaignSend`` (:func:`snapshot`), so the model
  learns from what was known when the email went out, not from what happened after.
- **Training data.** Every finished campaign (sent, its attribution window closed): the members
  not held out are the treated — intention to treat, as the results page counts them, so the
  comparison stays the randomised one the holdout drew — and the holdout is the control; the
  outcome is the results page's conversion in the attribution window
  (:func:`smartcrm.campaigns.selectors.outcomes`).
- **Too little data is refused** (:class:`Readiness`): fewer than ``MIN_CONVERTERS`` converters
  or ``MIN_GROUP`` customers in either group say too little about who responds.
- **The model**: :class:`smartcrm.engine.uplift.model.UpliftModel` (T- or X-learner by
  cross-validated Qini), checked on a held-out quarter of the members against random targeting,
  refit on all of them, registered as the ``uplift`` model kind and activated.
- **Scores**: each scored customer's predicted uplift from today's features, stored beside the
  other scores as ``CustomerScore.persuadability`` — what the "most persuadable X%" audience and
  the next best action read.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from django.db.models import QuerySet
from django.utils import timezone

from smartcrm.core.actors import Actor
from smartcrm.customers.models import Customer
from smartcrm.intelligence.models import CustomerScore
from smartcrm.intelligence.score_writer import write_persuadability
from smartcrm.modelregistry import registry
from smartcrm.modelregistry.models import ModelKind, ModelVersion

from .models import Campaign, CampaignSend, CampaignStatus, SendStatus
from .selectors import outcomes

SCORE_FEATURES = ("churn_risk", "clv_12m", "propensity_30d", "probability_alive", "expected_purchases_90d")
FEATURES = (*SCORE_FEATURES, "orders_count", "total_spent", "days_since_last_order")
MIN_CONVERTERS = 20  # per group: below this the model cannot tell responders from chance
MIN_GROUP = 200
MAX_CAMPAIGNS = 20  # the most recent finished campaigns (older ones describe an older shop)
HELD_OUT_SHARE = 0.25
ENGINE = "UpliftModel/1"
CHUNK = 20_000


class NotEnoughCampaignDataError(ValueError):
    """The finished campaigns hold too few converters to learn who is persuadable."""


# --- features -------------------------------------------------------------------------------


def features_frame(customers: QuerySet[Customer], now: datetime) -> pd.DataFrame:
    """:data:`FEATURES` of ``customers`` as of ``now``, one row per customer id (NaN unknown)."""
    names = ["orders_count", "total_spent", "last_order_at", *(f"score__{f}" for f in SCORE_FEATURES)]
    rows = customers.order_by().values_list("pk", *names).iterator(chunk_size=CHUNK)
    frame = pd.DataFrame.from_records(
        rows, columns=["customer_id", "orders_count", "total_spent", "last_order_at", *SCORE_FEATURES]
    ).set_index("customer_id")
    last = pd.to_datetime(frame["last_order_at"], utc=True)
    frame["days_since_last_order"] = (pd.Timestamp(now) - last).dt.days
    return frame[list(FEATURES)].astype(float)


def snapshot(customer_ids: list[int], now: datetime | None = None) -> dict[int, dict[str, float | None]]:
    """Each customer's :data:`FEATURES` now, as stored on their ``CampaignSend``."""
    if not customer_ids:
        return {}
    frame = features_frame(Customer.objects.filter(pk__in=customer_ids), now or timezone.now())
    return {
        int(cid): {k: None if np.isnan(v) else float(v) for k, v in zip(FEATURES, row, strict=True)}
        for cid, row in zip(frame.index, frame.to_numpy(), strict=True)
    }


# --- training data --------------------------------------------------------------------------


def finished_campaigns(now: datetime) -> list[Campaign]:
    """The most recent sent campaigns whose attribution window has closed."""
    recent = Campaign.objects.filter(status=CampaignStatus.SENT, started_at__isnull=False).order_by(
        "-started_at"
    )[: MAX_CAMPAIGNS * 2]
    done = [c for c in recent if c.started_at and c.started_at + timedelta(days=c.attribution_days) <= now]
    return done[:MAX_CAMPAIGNS]


def training_data(now: datetime) -> tuple[pd.DataFrame, int]:
    """(one row per member with a snapshot: FEATURES, ``treated``, ``converted``; campaigns used)."""
    parts = []
    for campaign in finished_campaigns(now):
        members = CampaignSend.objects.filter(campaign=campaign).exclude(status=SendStatus.REMOVED)
        stored = [(cid, f) for cid, f in members.values_list("customer_id", "features") if f]
        if not stored:
            continue  # sent before features were kept
        features = pd.DataFrame.from_records(
            [f for _, f in stored], columns=list(FEATURES), index=[cid for cid, _ in stored]
        )
        frame = outcomes(campaign).set_index("customer_id").join(features, how="inner")
        frame["treated"] = ~frame["in_control"]
        parts.append(frame[[*FEATURES, "treated", "converted"]].assign(campaign=campaign.pk))
    if not parts:
        return pd.DataFrame(columns=[*FEATURES, "treated", "converted", "campaign"]), 0
    return pd.concat(parts), len(parts)


@dataclass(frozen=True)
class Readiness:
    """How much the finished campaigns say about who responds, and whether it is enough."""

    campaigns: int
    treated: int
    control: int
    treated_converters: int
    control_converters: int

    @property
    def enough(self) -> bool:
        return (
            min(self.treated_converters, self.control_converters) >= MIN_CONVERTERS
            and min(self.treated, self.control) >= MIN_GROUP
        )

    def sentence(self) -> str:
        have = (
            f"{self.campaigns} finished campaign{'s' if self.campaigns != 1 else ''} with "
            f"{self.treated:,} emailed ({self.treated_converters:,} bought) and {self.control:,} held out "
            f"({self.control_converters:,} bought)"
        )
        if self.enough:
            return f"Enough to learn from: {have}."
        return (
            f"Not enough campaign data to learn who is persuadable: {have}; the model needs at least "
            f"{MIN_CONVERTERS} buyers and {MIN_GROUP} customers in each group. Send campaigns with a "
            f"control group and wait for their attribution windows to close."
        )


def readiness_of(data: pd.DataFrame, campaigns: int) -> Readiness:
    treated = data["treated"].astype(bool)
    converted = data["converted"].astype(bool)
    return Readiness(
        campaigns=campaigns,
        treated=int(treated.sum()),
        control=int((~treated).sum()),
        treated_converters=int((treated & converted).sum()),
        control_converters=int((~treated & converted).sum()),
    )


def readiness(now: datetime | None = None) -> Readiness:
    return readiness_of(*training_data(now or timezone.now()))


# --- training and scoring -------------------------------------------------------------------


def _held_out_check(x: np.ndarray, t: np.ndarray, y: np.ndarray, params: dict[str, Any]) -> dict[str, Any]:
    """Qini of a model fitted on three quarters of the members, on the other quarter."""
    from sklearn.model_selection import train_test_split

    from smartcrm.engine.uplift.metrics import qini_area, qini_coefficient, qini_curve
    from smartcrm.engine.uplift.model import UpliftModel

    strata = 2 * t.astype(int) + y
    fit, check = train_test_split(
        np.arange(len(y)), test_size=HELD_OUT_SHARE, stratify=strata, random_state=0
    )
    model = UpliftModel(**params).fit(x[fit], t[fit], y[fit])
    predicted = model.predict_uplift(x[check])
    total = qini_curve(y[check], t[check], predicted)[1][-1]
    return {
        "validation": f"fitted on {len(fit):,} members, ranked {len(check):,} held out",
        "qini_model": qini_area(y[check], t[check], predicted),
        "qini_random": float(total / 2),
        "qini_coefficient": qini_coefficient(y[check], t[check], predicted),
        "held_out_learner": model.learner_,
    }


def train_uplift(
    *, actor: Actor, now: datetime | None = None, params: dict[str, Any] | None = None
) -> ModelVersion:
    """Fit the uplift model on the finished campaigns, register and activate it; raises
    :class:`NotEnoughCampaignDataError` (with what there is and what is needed) when too little."""
    from smartcrm.engine.uplift.model import UpliftModel

    now = now or timezone.now()
    data, campaigns = training_data(now)
    ready = readiness_of(data, campaigns)
    if not ready.enough:
        raise NotEnoughCampaignDataError(ready.sentence())
    x = data[list(FEATURES)].to_numpy(dtype=float)
    t = data["treated"].to_numpy(dtype=bool)
    y = data["converted"].to_numpy(dtype=int)
    params = params or {}
    metrics = _held_out_check(x, t, y, params)
    model = UpliftModel(**params).fit(x, t, y)
    metrics |= {
        "learner": model.learner_,
        "cv_qini": model.cv_qini_,
        "campaigns": campaigns,
        "treated": ready.treated,
        "control": ready.control,
        "treated_converters": ready.treated_converters,
        "control_converters": ready.control_converters,
    }
    return registry.register(
        registry.TrainingRecord(
            kind=ModelKind.UPLIFT,
            artifact=model.to_bytes(),
            engine=ENGINE,
            trained_as_of=timezone.localdate(now),
            data_hash=registry.data_hash(data.reset_index()),
            metrics=metrics,
            feature_schema={"columns": list(FEATURES)},
        ),
        actor=actor,
    )


def score_persuadability(now: datetime | None = None) -> int:
    """Every scored customer's predicted uplift with the active model (0 without one)."""
    from smartcrm.engine.uplift.model import UpliftModel

    version = registry.active_version(ModelKind.UPLIFT)
    if version is None:
        return 0
    if version.feature_schema.get("columns") != list(FEATURES):
        raise ValueError(
            f"the active uplift model (v{version.version}) was trained on other features: retrain it"
        )
    model = UpliftModel.from_bytes(registry.load_artifact(version))
    frame = features_frame(Customer.objects.filter(score__isnull=False), now or timezone.now())
    if frame.empty:
        return 0
    predicted = model.predict_uplift(frame.to_numpy(dtype=float))
    return write_persuadability(_pairs(frame.index, predicted))


def _pairs(ids: Iterable[Any], values: np.ndarray) -> Iterable[tuple[int, float]]:
    return ((int(cid), float(v)) for cid, v in zip(ids, values, strict=True))


@dataclass(frozen=True)
class UpliftRefresh:
    version: ModelVersion | None  # trained now; None when refused or not asked to train
    skipped: str  # why it was not trained ("" when it was, or was not asked)
    scored: int
    seconds: float


def refresh(*, actor: Actor, train: bool, now: datetime | None = None) -> UpliftRefresh:
    """Train when asked and there is enough data, then score with the active model (a refusal
    keeps the previous model, if any, and says why)."""
    started = time.perf_counter()
    version, skipped = None, ""
    if train:
        try:
            version = train_uplift(actor=actor, now=now)
        except NotEnoughCampaignDataError as exc:
            skipped = str(exc)
    scored = score_persuadability(now)
    return UpliftRefresh(version, skipped, scored, round(time.perf_counter() - started, 2))


def has_scores() -> bool:
    return CustomerScore.objects.filter(persuadability__isnull=False).exists()


@dataclass(frozen=True)
class UpliftStatus:
    """What the campaigns page says about the uplift model: the data, the active version, scores."""

    readiness: Readiness
    active: ModelVersion | None
    scored: int


def uplift_status(now: datetime | None = None) -> UpliftStatus:
    return UpliftStatus(
        readiness=readiness(now),
        active=registry.active_version(ModelKind.UPLIFT),
        scored=CustomerScore.objects.filter(persuadability__isnull=False).count(),
    )
