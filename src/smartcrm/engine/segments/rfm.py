"""RFM scores (recency, frequency, monetary; 1 = worst, ``n_bins`` = best) and named segments.

Cut points are quantiles of the customers seen by ``fit`` and are reused by ``assign``, so
scores of a later snapshot are comparable with the one the model was fitted on.

Ties: purchase counts are heavily tied (often most customers have exactly one order), so
quantile cut points repeat. A value *equal to* a cut point takes the worse score, so every
one-order customer gets F = 1 rather than being spread over F 1–3 by an arbitrary order;
the scores above it then skip (F may be 1, 3, 4, 5). Repeated cut points are kept as they are
(no dropping of edges), so the score scale always means the same quantiles.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.base import BaseEstimator

from smartcrm.engine.segments._checks import require_columns, require_fitted
from smartcrm.engine.segments.rfm_rules import SEGMENTS, segment_grid

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class RFMSegmenter(BaseEstimator):
    """Quantile RFM scoring with the 11 named segments of :mod:`.rfm_rules`.

    ``segment_on="f"`` names segments from R and F (the common map); ``"fm"`` uses the rounded
    mean of F and M instead of F, so one-off big spenders rank above one-off small ones.
    With ``n_bins`` other than 5 the scores are rescaled linearly to 1–5 for naming only.
    """

    def __init__(
        self,
        n_bins: int = 5,
        segment_on: Literal["f", "fm"] = "f",
        recency: str = "days_since_last_order",
        frequency: str = "orders_count",
        monetary: str = "total_spent",
    ) -> None:
        self.n_bins = n_bins
        self.segment_on = segment_on
        self.recency = recency
        self.frequency = frequency
        self.monetary = monetary

    def _columns(self) -> dict[str, str]:
        return {"recency": self.recency, "frequency": self.frequency, "monetary": self.monetary}

    def _values(self, features: pd.DataFrame) -> dict[str, FloatArray]:
        columns = self._columns()
        require_columns(features, columns.values())
        values = {key: features[col].to_numpy(dtype="float64") for key, col in columns.items()}
        for key, v in values.items():
            if np.isnan(v).any():
                raise ValueError(f"{columns[key]} has {int(np.isnan(v).sum())} missing value(s)")
        return values

    def fit(self, features: pd.DataFrame) -> RFMSegmenter:
        """Learn the cut points (``bin_edges_``: ``n_bins - 1`` quantiles per dimension)."""
        if self.n_bins < 2:
            raise ValueError("n_bins must be at least 2")
        if self.segment_on not in ("f", "fm"):
            raise ValueError("segment_on must be 'f' or 'fm'")
        values = self._values(features)
        if len(features) == 0:
            raise ValueError("cannot fit RFM cut points on no customers")
        q = np.arange(1, self.n_bins) / self.n_bins
        self.bin_edges_ = {key: np.quantile(v, q) for key, v in values.items()}
        self.n_customers_ = len(features)
        return self

    def scores(self, features: pd.DataFrame) -> pd.DataFrame:
        """r_score, f_score, m_score (1 … n_bins, higher is better) and rfm_code ("535")."""
        require_fitted(self, "bin_edges_")
        values = self._values(features)
        edges = self.bin_edges_
        # Higher-is-better dimensions: 1 + number of cut points strictly below the value.
        f = 1 + np.searchsorted(edges["frequency"], values["frequency"], side="left")
        m = 1 + np.searchsorted(edges["monetary"], values["monetary"], side="left")
        # Recency (days since): lower is better; 1 + number of cut points strictly above.
        n_edges = len(edges["recency"])
        r = 1 + n_edges - np.searchsorted(edges["recency"], values["recency"], side="right")
        out = pd.DataFrame(
            {"r_score": r.astype("int64"), "f_score": f.astype("int64"), "m_score": m.astype("int64")},
            index=features.index,
        )
        out["rfm_code"] = out["r_score"].astype(str) + out["f_score"].astype(str) + out["m_score"].astype(str)
        return out

    def assign(self, features: pd.DataFrame) -> pd.DataFrame:
        """Scores plus ``segment`` (a key of the rule table) and ``segment_description``."""
        out = self.scores(features)
        r = self._on_five(out["r_score"].to_numpy())
        f_raw = out["f_score"].to_numpy()
        if self.segment_on == "fm":
            # Round half up: (F + M + 1) // 2.
            f_raw = (f_raw + out["m_score"].to_numpy() + 1) // 2
        f = self._on_five(f_raw)
        index = segment_grid()[r, f]
        keys = np.array([s.key for s in SEGMENTS], dtype=object)
        descriptions = np.array([s.description for s in SEGMENTS], dtype=object)
        out["segment"] = pd.Categorical(keys[index], categories=list(keys))
        out["segment_description"] = descriptions[index]
        return out

    def describe(self, features: pd.DataFrame) -> pd.DataFrame:
        """One row per segment (in rule-table order, empty ones included): customers, share,
        median recency, mean frequency and monetary value, and the description."""
        assigned = self.assign(features)
        columns = self._columns()
        frame = pd.DataFrame(
            {
                "segment": assigned["segment"],
                "recency": features[columns["recency"]].to_numpy(dtype="float64"),
                "frequency": features[columns["frequency"]].to_numpy(dtype="float64"),
                "monetary": features[columns["monetary"]].to_numpy(dtype="float64"),
            }
        )
        g = frame.groupby("segment", observed=False)
        table = pd.DataFrame(
            {
                "title": [s.title for s in SEGMENTS],
                "customers": g.size().to_numpy(),
                "median_recency_days": g["recency"].median().to_numpy(),
                "mean_frequency": g["frequency"].mean().to_numpy(),
                "mean_monetary": g["monetary"].mean().to_numpy(),
                "description": [s.description for s in SEGMENTS],
            },
            index=pd.Index([s.key for s in SEGMENTS], name="segment"),
        )
        table.insert(2, "share", table["customers"] / max(len(features), 1))
        return table

    def _on_five(self, scores: IntArray) -> IntArray:
        """Scores on the 1–5 scale the rule table is written for (linear, ends kept: 1 → 1,
        ``n_bins`` → 5)."""
        if self.n_bins == 5:
            return scores
        return np.floor(1 + (scores - 1) * 4 / (self.n_bins - 1) + 0.5).astype("int64").clip(1, 5)
