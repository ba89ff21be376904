"""Alerts on individual orders: an IsolationForest on amount, quantity, address and channel features.

Why an isolation forest: fraud and data errors are few and different, which is what it
isolates quickly, and it needs no labels (a shop has none). Its threshold is not a fixed
contamination share but an *alert budget*: at most ``alerts_per_month`` orders of the training
history per month of history score past it, so a growing shop does not get more false alerts.

Each alert says, in words, which of the order's features are far from the shop's usual orders
(robust z against the training medians) and which red flags it carries.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from sklearn.ensemble import IsolationForest
from sklearn.exceptions import NotFittedError

from smartcrm.engine.reasons import Reason, phrase
from smartcrm.engine.wording import gettext_noop

from .alerts import Alert, severity_for

NUMERIC = {
    "log_total": gettext_noop("order total"),
    "log_units": gettext_noop("units"),
    "log_max_quantity": gettext_noop("units of one product"),
    "log_max_unit_price": gettext_noop("highest unit price"),
    "n_lines": gettext_noop("lines"),
}
FLAGS = {
    "first_order": gettext_noop("the customer's first order"),
    "country_mismatch": gettext_noop("shipped to a country other than the customer's"),
    "night": gettext_noop("placed between midnight and 5 am"),
}
EXPLANATION = gettext_noop("Order {order} looks unlike the shop's usual orders: {reasons}.")
UNUSUALLY = {
    "high": gettext_noop("unusually high {feature} for a {channel} order ({actual}; usual about {usual})"),
    "low": gettext_noop("unusually low {feature} for a {channel} order ({actual}; usual about {usual})"),
}
UNUSUAL_MIX = gettext_noop("an unusual mix of amount, quantity, address and channel")


def order_features(
    orders: pd.DataFrame, lines: pd.DataFrame, customers: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per order (index: order id) with the model's features.

    ``orders``: ``id, customer_id, placed_at, total, channel`` (``ship_country`` optional);
    ``lines``: ``order_id, quantity, unit_price``; ``customers``: ``id, country`` (optional).
    """
    missing = {"id", "customer_id", "placed_at", "total", "channel"} - set(orders.columns)
    if missing:
        raise ValueError(f"orders frame lacks columns: {sorted(missing)}")
    o = orders.set_index("id")
    placed = pd.to_datetime(o["placed_at"], utc=True).dt.tz_localize(None)
    per = lines.assign(quantity=lines["quantity"].astype(float), unit_price=lines["unit_price"].astype(float))
    agg = (
        per.groupby("order_id")
        .agg(
            units=("quantity", "sum"),
            max_quantity=("quantity", "max"),
            max_unit_price=("unit_price", "max"),
            n_lines=("quantity", "size"),
        )
        .reindex(o.index, fill_value=0.0)
    )
    feats = pd.DataFrame(index=o.index)
    feats["log_total"] = np.log1p(o["total"].astype(float).clip(lower=0))
    feats["log_units"] = np.log1p(agg["units"].astype(float))
    feats["log_max_quantity"] = np.log1p(agg["max_quantity"].astype(float))
    feats["log_max_unit_price"] = np.log1p(agg["max_unit_price"].astype(float))
    feats["n_lines"] = agg["n_lines"].astype(float)
    order_rank = placed.groupby(o["customer_id"]).rank(method="first")
    feats["first_order"] = (order_rank == 1).astype(float)
    mismatch = pd.Series(0.0, index=o.index)
    if customers is not None and "ship_country" in o.columns and "country" in customers.columns:
        home = o["customer_id"].map(customers.set_index("id")["country"])
        ship = o["ship_country"].fillna("").astype(str)
        mismatch = ((ship != "") & home.notna() & (ship != home.fillna(""))).astype(float)
    feats["country_mismatch"] = mismatch
    feats["night"] = (placed.dt.hour < 5).astype(float)
    feats["_channel"] = o["channel"].astype(str)
    feats["_day"] = placed.dt.floor("D")
    return feats


class OrderAnomalyDetector:
    """Score orders by how easily an isolation forest separates them from the shop's other orders."""

    def __init__(
        self, *, alerts_per_month: float = 0.5, n_estimators: int = 200, random_state: int = 0
    ) -> None:
        self.alerts_per_month = alerts_per_month
        self.n_estimators = n_estimators
        self.random_state = random_state

    def fit(self, features: pd.DataFrame) -> OrderAnomalyDetector:
        """Learn each channel's usual orders, then the forest on features relative to them.

        A wholesale order of 300 units is normal on the B2B channel and alarming on the web
        shop, so amounts and quantities enter as robust z-scores within the order's channel.
        """
        numeric = features[list(NUMERIC)].astype(float)
        groups = features["_channel"]
        self.medians_ = numeric.groupby(groups).median()
        mad = (numeric - self.medians_.loc[groups].to_numpy()).abs().groupby(groups.to_numpy()).median()
        fallback = numeric.groupby(groups).std().fillna(1.0)
        self.scales_ = (1.4826 * mad).where(mad > 0, fallback).replace(0, 1.0)
        self.overall_median_ = numeric.median()
        self.overall_scale_ = (1.4826 * (numeric - self.overall_median_).abs().median()).replace(0, 1.0)
        x = self._matrix(features)
        self.forest_ = IsolationForest(
            n_estimators=self.n_estimators, random_state=self.random_state, n_jobs=1
        ).fit(x)
        scores = -self.forest_.score_samples(x)  # higher = more unusual
        months = max((features["_day"].max() - features["_day"].min()).days / 30.44, 1.0)
        share = min(self.alerts_per_month * months / len(x), 0.05)
        self.threshold_ = float(np.quantile(scores, 1 - share))
        return self

    def _relative(self, features: pd.DataFrame) -> pd.DataFrame:
        """Numeric features as robust z-scores within the order's channel (unknown channel: overall)."""
        numeric = features[list(NUMERIC)].astype(float)
        known = features["_channel"].isin(self.medians_.index)
        med = pd.DataFrame(
            np.where(known.to_numpy()[:, None], self.medians_.reindex(features["_channel"]).to_numpy(),
                     self.overall_median_.to_numpy()[None, :]),
            index=features.index, columns=list(NUMERIC),
        )  # fmt: skip
        scale = pd.DataFrame(
            np.where(known.to_numpy()[:, None], self.scales_.reindex(features["_channel"]).to_numpy(),
                     self.overall_scale_.to_numpy()[None, :]),
            index=features.index, columns=list(NUMERIC),
        )  # fmt: skip
        return (numeric - med) / scale

    def _matrix(self, features: pd.DataFrame) -> np.ndarray:
        return np.hstack(
            [self._relative(features).to_numpy(), features[list(FLAGS)].astype(float).to_numpy()]
        )

    def predict_unusual_score(self, features: pd.DataFrame) -> pd.Series:
        """How unusual each order is (higher = more); past ``threshold_`` an order is alerted."""
        if not hasattr(self, "forest_"):
            raise NotFittedError("call fit() first")
        return pd.Series(-self.forest_.score_samples(self._matrix(features)), index=features.index)

    def alerts(self, features: pd.DataFrame, since: date | None = None) -> list[Alert]:
        scores = self.predict_unusual_score(features)
        hit = scores[scores > self.threshold_]
        relative = self._relative(features.loc[hit.index])
        out = []
        for order_id, score in hit.items():
            row = features.loc[order_id]
            day = pd.Timestamp(row["_day"]).date()
            if since is not None and day < since:
                continue
            margin = (score - self.threshold_) / max(self.threshold_, 1e-9) * 100
            out.append(
                Alert(
                    kind="order",
                    metric="order",
                    first_day=day,
                    last_day=day,
                    severity=severity_for(margin, 3.0, 8.0),
                    score=round(float(score), 4),
                    explanation=(reason := self._explain(order_id, row, relative.loc[order_id])).english(),
                    order_id=int(order_id),
                    details={"threshold": round(self.threshold_, 4)},
                    reason=reason,
                )
            )
        return sorted(out, key=lambda a: (a.first_day, a.order_id or 0))

    def _explain(self, order_id: object, row: pd.Series, z: pd.Series) -> Reason:
        """Codes ``alert.order``, ``alert.order.high``/``low`` (with ``order_feature.<column>``),
        ``alert.flag.<flag>`` and ``alert.order.mix``."""
        channel = str(row["_channel"])
        usual_row = self.medians_.loc[channel] if channel in self.medians_.index else self.overall_median_
        parts: list[Reason] = []
        for col in z.abs().sort_values(ascending=False).index[:3]:
            if abs(z[col]) < 2.5:
                break
            word = "high" if z[col] > 0 else "low"
            usual = np.expm1(usual_row[col]) if col.startswith("log_") else usual_row[col]
            actual = np.expm1(row[col]) if col.startswith("log_") else row[col]
            parts.append(
                phrase(
                    f"alert.order.{word}",
                    UNUSUALLY[word],
                    feature=phrase(f"order_feature.{col}", NUMERIC[col]),
                    channel=phrase(f"channel.{channel}", channel),
                    actual=f"{actual:,.2f}",
                    usual=f"{usual:,.2f}",
                )
            )
        parts.extend(
            phrase(f"alert.flag.{flag}", text) for flag, text in FLAGS.items() if row.get(flag, 0.0) > 0
        )
        reasons = tuple(parts) or (phrase("alert.order.mix", UNUSUAL_MIX),)
        return phrase("alert.order", EXPLANATION, order=str(order_id), reasons=reasons)
