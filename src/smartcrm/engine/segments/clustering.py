"""Behavioural clusters of customers, with the number of clusters chosen from the data.

The space the clusters live in has three groups of columns, each scaled so that no group
wins just because it has more columns:

- behaviour (orders_count, avg_order_value, avg_basket_items, days_since_last_order,
  discount_share, refund_rate; those present): ``log1p`` where skewed (skewness > 1 on
  non-negative values), standardised, then divided by √(number of columns) so the group has
  unit total variance;
- category mix: the ``share_*`` columns as a Hellinger embedding (√share, so a customer is a
  point on the unit sphere and rare categories are not blown up as standardising would),
  times ``category_weight``;
- channel: one-hot ``main_channel`` times ``channel_weight`` / √2.

k is the one in ``k_range`` with the best silhouette. Each k is fitted with k-means on at most
``sample_size`` customers and scored on at most ``silhouette_size`` of them, so fitting
costs the same at 20 thousand customers and at 2 million; ``assign`` is a nearest-centre
lookup. Cluster 0 is the largest at fit time. Labels are written by :mod:`.describe`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from smartcrm.engine.segments._checks import require_columns, require_fitted
from smartcrm.engine.segments.describe import cluster_labels

FloatArray = npt.NDArray[np.float64]

REQUIRED = ("orders_count", "avg_order_value", "days_since_last_order")
OPTIONAL = ("avg_basket_items", "discount_share", "refund_rate")
SKEW_LIMIT = 1.0


class BehaviourClusters(BaseEstimator):
    """k-means on behaviour, category mix and channel; k from the silhouette; clusters in words.

    Learned: ``k_``, ``silhouette_`` (k → score), ``centroids_`` (k × columns of the scaled
    space), ``scaler_``, ``feature_names_`` (the scaled space's columns), ``log_features_``,
    ``profiles_`` (per cluster: size and mean features) and ``labels_`` (one phrase each).
    """

    def __init__(
        self,
        k_range: tuple[int, int] = (2, 8),
        random_state: int | None = 0,
        category_weight: float = 2.0,
        channel_weight: float = 0.5,
        sample_size: int = 20_000,
        silhouette_size: int = 4_000,
        n_init: int = 4,
    ) -> None:
        self.k_range = k_range
        self.random_state = random_state
        self.category_weight = category_weight
        self.channel_weight = channel_weight
        self.sample_size = sample_size
        self.silhouette_size = silhouette_size
        self.n_init = n_init

    # -- fitting ---------------------------------------------------------------------------

    def fit(self, features: pd.DataFrame) -> BehaviourClusters:
        lo, hi = self.k_range
        if not 2 <= lo <= hi:
            raise ValueError("k_range must be (low, high) with 2 <= low <= high")
        require_columns(features, REQUIRED)
        if len(features) <= hi:
            raise ValueError(f"need more than {hi} customers to fit up to {hi} clusters")
        rng = np.random.default_rng(self.random_state)
        sample = features
        if len(features) > self.sample_size:
            sample = features.iloc[np.sort(rng.choice(len(features), self.sample_size, replace=False))]

        self.behaviour_features_ = [c for c in (*REQUIRED, *OPTIONAL) if c in features.columns]
        self.share_features_ = sorted(c for c in features.columns if str(c).startswith("share_"))
        self.channels_ = (
            sorted(sample["main_channel"].dropna().astype(str).unique().tolist())
            if "main_channel" in features.columns
            else []
        )
        raw = sample[self.behaviour_features_].astype("float64").fillna(0.0)
        self.log_features_ = [
            c for c in self.behaviour_features_ if raw[c].min() >= 0 and raw[c].skew() > SKEW_LIMIT
        ]
        self.scaler_ = StandardScaler().fit(self._behaviour(sample))
        self.feature_names_ = [
            *(f"log_{c}" if c in self.log_features_ else c for c in self.behaviour_features_),
            *(f"sqrt_{c}" for c in self.share_features_),
            *(f"channel_{c}" for c in self.channels_),
        ]
        X = self._space(sample)

        scored = rng.choice(len(X), min(len(X), self.silhouette_size), replace=False)
        self.silhouette_: dict[int, float] = {}
        models: dict[int, KMeans] = {}
        # One thread: on a ≤ 20k sample, OpenMP start-up and contention with the other
        # workers on the machine cost more than they give (measured: 0.8 s vs 6.6 s per k on
        # a loaded 2-core box at 20k rows).
        with threadpool_limits(limits=1):
            for k in range(lo, hi + 1):
                model = KMeans(n_clusters=k, n_init=self.n_init, random_state=self.random_state).fit(X)
                models[k] = model
                labels = model.labels_[scored]
                ok = len(np.unique(labels)) > 1
                self.silhouette_[k] = float(silhouette_score(X[scored], labels)) if ok else -1.0
        self.k_ = max(self.silhouette_, key=lambda k: (self.silhouette_[k], -k))
        best = models[self.k_]
        # Number clusters by size, largest first, so ids are stable and meaningful.
        sizes = np.bincount(best.labels_, minlength=self.k_)
        order = np.argsort(-sizes, kind="stable")
        self.centroids_: FloatArray = best.cluster_centers_[order]
        self._describe(sample, X)
        return self

    def _describe(self, sample: pd.DataFrame, X: FloatArray) -> None:
        """Profiles and labels from the fitted sample's members of each cluster."""
        cluster = self._nearest(X)
        z = pd.DataFrame(self.scaler_.transform(self._behaviour(sample)), columns=self.behaviour_features_)
        z_means = z.groupby(cluster).mean().reindex(range(self.k_), fill_value=0.0)
        shares = sample[self.share_features_].astype("float64").fillna(0.0).set_axis(range(len(sample)))
        share_means = shares.groupby(cluster).mean().reindex(range(self.k_), fill_value=0.0)
        share_means.columns = [self._category_name(c) for c in share_means.columns]
        overall_share = shares.mean().set_axis(share_means.columns)
        if self.channels_:
            onehot = pd.get_dummies(sample["main_channel"].astype(str)).reindex(
                columns=self.channels_, fill_value=0
            )
            onehot = onehot.astype("float64").set_axis(range(len(sample)))
            channel_means = onehot.groupby(cluster).mean().reindex(range(self.k_), fill_value=0.0)
            overall_channel = onehot.mean()
        else:
            channel_means, overall_channel = pd.DataFrame(index=range(self.k_)), pd.Series(dtype="float64")
        names = {n: n for n in share_means.columns if n != "other"}
        self.label_reasons_ = cluster_labels(
            z_means,
            share_means.drop(columns=["other"], errors="ignore"),
            overall_share.drop("other", errors="ignore"),
            channel_means,
            overall_channel,
            names,
        )
        self.labels_ = [reason.english() for reason in self.label_reasons_]
        means = (
            sample[self.behaviour_features_]
            .astype("float64")
            .set_axis(range(len(sample)))
            .groupby(cluster)
            .mean()
        )
        profiles = means.reindex(range(self.k_)).add_prefix("mean_")
        profiles.insert(0, "customers", np.bincount(cluster, minlength=self.k_))
        profiles.insert(1, "share", profiles["customers"] / len(sample))
        top = share_means.drop(columns=["other"], errors="ignore")
        if len(top.columns):
            profiles["top_category"] = top.idxmax(axis=1)
            profiles["top_category_share"] = top.max(axis=1)
        if self.channels_:
            profiles["main_channel"] = channel_means.idxmax(axis=1)
        profiles.insert(0, "cluster_label", self.labels_)
        profiles.index.name = "cluster"
        self.profiles_ = profiles

    # -- predicting ------------------------------------------------------------------------

    def assign(self, features: pd.DataFrame) -> pd.DataFrame:
        """``cluster`` (0 = the largest at fit time), ``cluster_label`` and the label as data
        (``cluster_reason``, a :class:`~smartcrm.engine.reasons.Reason`) per customer."""
        require_fitted(self, "centroids_")
        require_columns(features, self.behaviour_features_)
        cluster = self._nearest(self._space(features))
        labels = np.array(self.labels_, dtype=object)
        reasons = np.empty(len(self.label_reasons_), dtype=object)
        reasons[:] = self.label_reasons_
        return pd.DataFrame(
            {"cluster": cluster, "cluster_label": labels[cluster], "cluster_reason": reasons[cluster]},
            index=features.index,
        )

    def describe(self) -> pd.DataFrame:
        """One row per cluster: label, size at fit time and mean behaviour (``profiles_``)."""
        require_fitted(self, "profiles_")
        return self.profiles_.copy()

    # -- the space -------------------------------------------------------------------------

    def _behaviour(self, features: pd.DataFrame) -> FloatArray:
        raw = features[self.behaviour_features_].astype("float64").fillna(0.0)
        for c in self.log_features_:
            raw[c] = np.log1p(raw[c].clip(lower=0.0))
        return raw.to_numpy()

    def _space(self, features: pd.DataFrame) -> FloatArray:
        parts = [self.scaler_.transform(self._behaviour(features)) / np.sqrt(len(self.behaviour_features_))]
        if self.share_features_:
            # A category absent from a later snapshot's columns counts as a zero share.
            shares = (
                features.reindex(columns=self.share_features_, fill_value=0.0).astype("float64").fillna(0.0)
            )
            parts.append(np.sqrt(shares.clip(lower=0.0).to_numpy()) * self.category_weight)
        if self.channels_:
            channel = features["main_channel"].astype(str).to_numpy() if "main_channel" in features else None
            onehot = np.zeros((len(features), len(self.channels_)))
            if channel is not None:
                for j, name in enumerate(self.channels_):
                    onehot[:, j] = channel == name
            parts.append(onehot * self.channel_weight / np.sqrt(2.0))
        return np.hstack(parts)

    def _nearest(self, X: FloatArray) -> npt.NDArray[np.int64]:
        # ‖x‖² − 2x·c + ‖c‖²: memory n × k, not n × k × columns.
        c = self.centroids_
        d = (X**2).sum(axis=1)[:, None] - 2.0 * X @ c.T + (c**2).sum(axis=1)[None, :]
        return np.argmin(d, axis=1).astype("int64")

    @staticmethod
    def _category_name(column: str) -> str:
        return column.removeprefix("share_").replace("_", " ")
