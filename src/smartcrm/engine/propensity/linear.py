"""The linear half of the propensity model: a regularised logistic regression.

It works on the schema-encoded matrix (numbers, category codes with NaN for missing) and
builds its own design: each numeric column standardised (median-imputed), a standardised
``log1p`` view of non-negative numeric columns with more than two values (a generic way to let
a linear model bend on skewed amounts and durations), a missing indicator where the training
data had gaps, and a one-hot block per categorical column. Every design column is centred on
its training mean, so a column's contribution is relative to the average training customer and
the intercept is the score of that average customer. The fitted state is plain arrays, which is
what makes the model JSON-serialisable and its per-column contributions exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

from .schema import FeatureSchema

VALUE, LOG, MISSING, LEVEL = "value", "log", "missing", "level"


@dataclass(frozen=True)
class LinearPart:
    sources: np.ndarray  # int: schema column index of each design column
    roles: tuple[str, ...]  # VALUE | LOG | MISSING | LEVEL
    levels: np.ndarray  # int: category code for LEVEL columns, -1 otherwise
    fill: np.ndarray  # per schema column: value imputed for missing numerics
    centre: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    @classmethod
    def fit(cls, codes: np.ndarray, y: np.ndarray, schema: FeatureSchema, C: float) -> LinearPart:
        sources: list[int] = []
        roles: list[str] = []
        levels: list[int] = []
        fill = np.zeros(codes.shape[1])
        for j, name in enumerate(schema.names):
            column = codes[:, j]
            if schema.kinds[name] == "categorical":
                for code in range(len(schema.categories[name])):
                    sources.append(j)
                    roles.append(LEVEL)
                    levels.append(code)
                continue
            present = column[~np.isnan(column)]
            fill[j] = float(np.median(present)) if present.size else 0.0
            sources.append(j)
            roles.append(VALUE)
            levels.append(-1)
            if present.size and present.min() >= 0 and np.unique(present).size > 2:
                sources.append(j)
                roles.append(LOG)
                levels.append(-1)
            if present.size < column.size:
                sources.append(j)
                roles.append(MISSING)
                levels.append(-1)
        part = cls(
            sources=np.asarray(sources, dtype=int),
            roles=tuple(roles),
            levels=np.asarray(levels, dtype=int),
            fill=fill,
            centre=np.zeros(len(sources)),
            scale=np.ones(len(sources)),
            coef=np.zeros(len(sources)),
            intercept=0.0,
        )
        raw = part._raw_design(codes)
        centre = raw.mean(axis=0)
        # Numeric views are standardised; indicators and one-hot levels are only centred, as in
        # the usual one-hot + scaling baseline, so the penalty treats levels alike.
        scaled = np.array([role in (VALUE, LOG) for role in roles], dtype=bool)
        std = raw.std(axis=0)
        scale = np.where(scaled & (std > 0), std, 1.0)
        design = (raw - centre) / scale
        regression = LogisticRegression(C=C, max_iter=2000)
        regression.fit(design, y)
        return cls(
            sources=part.sources,
            roles=part.roles,
            levels=part.levels,
            fill=fill,
            centre=centre,
            scale=scale,
            coef=regression.coef_[0].astype(float),
            intercept=float(regression.intercept_[0]),
        )

    def _raw_design(self, codes: np.ndarray) -> np.ndarray:
        design = np.empty((codes.shape[0], len(self.roles)))
        for k, (j, role, level) in enumerate(zip(self.sources, self.roles, self.levels, strict=True)):
            column = codes[:, j]
            missing = np.isnan(column)
            if role == LEVEL:
                design[:, k] = (column == level).astype(float)
            elif role == MISSING:
                design[:, k] = missing.astype(float)
            else:
                value = np.where(missing, self.fill[j], column)
                design[:, k] = np.log1p(np.maximum(value, 0.0)) if role == LOG else value
        return design

    def terms(self, codes: np.ndarray) -> np.ndarray:
        """Per design column contribution to the log-odds (n × design columns)."""
        return (self._raw_design(codes) - self.centre) / self.scale * self.coef

    def contributions(self, codes: np.ndarray) -> np.ndarray:
        """Per schema column contribution (n × columns); they sum with the intercept to the score."""
        out = np.zeros(codes.shape)
        np.add.at(out.T, self.sources, self.terms(codes).T)
        return out

    def decision(self, codes: np.ndarray) -> np.ndarray:
        return self.terms(codes).sum(axis=1) + self.intercept

    def to_dict(self) -> dict[str, Any]:
        return {
            "sources": self.sources.tolist(),
            "roles": list(self.roles),
            "levels": self.levels.tolist(),
            "fill": self.fill.tolist(),
            "centre": self.centre.tolist(),
            "scale": self.scale.tolist(),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinearPart:
        return cls(
            sources=np.asarray(data["sources"], dtype=int),
            roles=tuple(data["roles"]),
            levels=np.asarray(data["levels"], dtype=int),
            fill=np.asarray(data["fill"], dtype=float),
            centre=np.asarray(data["centre"], dtype=float),
            scale=np.asarray(data["scale"], dtype=float),
            coef=np.asarray(data["coef"], dtype=float),
            intercept=float(data["intercept"]),
        )
