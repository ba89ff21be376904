"""The feature schema a propensity model is fitted on, and the refusal to score anything else.

A saved model carries this schema (names, kinds, pandas dtypes, frozen category lists). The
product's model registry relies on :meth:`FeatureSchema.validate` to refuse a frame whose
columns do not match the artifact, rather than score it silently wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

Kind = Literal["numeric", "categorical"]


class SchemaMismatchError(ValueError):
    """The frame to score does not have the columns (or column kinds) the model was fitted on."""


def column_kind(series: pd.Series) -> Kind:
    """Numbers and booleans are numeric; strings, objects and pandas categories are categorical."""
    if pd.api.types.is_bool_dtype(series.dtype) or pd.api.types.is_numeric_dtype(series.dtype):
        return "numeric"
    if pd.api.types.is_datetime64_any_dtype(series.dtype) or pd.api.types.is_timedelta64_dtype(series.dtype):
        raise ValueError(
            f"column {series.name!r} holds dates or durations; derive numeric features from it first "
            "(e.g. days since the date)"
        )
    return "categorical"


def as_labels(series: pd.Series) -> pd.Series:
    """Categorical values as strings (missing stays missing), so the category lists are JSON-safe."""
    values = series.astype(object)
    return values.where(values.notna(), None).map(lambda v: None if v is None else str(v))


@dataclass(frozen=True)
class FeatureSchema:
    names: tuple[str, ...]
    kinds: dict[str, Kind]
    dtypes: dict[str, str]
    categories: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def infer(cls, X: pd.DataFrame, max_categories: int) -> FeatureSchema:
        """Freeze the columns of a training frame; categories are the ``max_categories`` most frequent."""
        if not isinstance(X, pd.DataFrame):
            raise TypeError(f"expected a pandas DataFrame, got {type(X).__name__}")
        if X.shape[1] == 0:
            raise ValueError("the training frame has no feature columns")
        names = [str(c) for c in X.columns]
        duplicated = sorted({n for n in names if names.count(n) > 1})
        if duplicated:
            raise ValueError(f"duplicated column names: {duplicated}")
        kinds: dict[str, Kind] = {}
        categories: dict[str, tuple[str, ...]] = {}
        for name, column in zip(names, X.columns, strict=True):
            kind = column_kind(X[column])
            kinds[name] = kind
            if kind == "categorical":
                counts = as_labels(X[column]).value_counts(dropna=True)
                # Most frequent first, ties by label, so the list is deterministic; the rest are
                # treated as missing at scoring time (an id-like column must not explode the model).
                ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:max_categories]
                categories[name] = tuple(sorted(label for label, _ in ranked))
        dtypes = {name: str(X[column].dtype) for name, column in zip(names, X.columns, strict=True)}
        return cls(names=tuple(names), kinds=kinds, dtypes=dtypes, categories=categories)

    def validate(self, X: pd.DataFrame) -> None:
        """Raise :class:`SchemaMismatchError` listing missing, extra and mistyped columns."""
        if not isinstance(X, pd.DataFrame):
            raise TypeError(f"expected a pandas DataFrame, got {type(X).__name__}")
        given = [str(c) for c in X.columns]
        missing = [n for n in self.names if n not in given]
        extra = [n for n in given if n not in self.kinds]
        mistyped = []
        for name, column in zip(given, X.columns, strict=True):
            if name not in self.kinds or X[column].isna().all():
                continue
            try:
                kind = column_kind(X[column])
            except ValueError:
                kind = "categorical"
            if self.kinds[name] == "numeric" and kind != "numeric":
                mistyped.append(f"{name} (expected numeric, got {X[column].dtype})")
        problems = []
        if missing:
            problems.append(f"missing columns: {missing}")
        if extra:
            problems.append(f"extra columns: {extra}")
        if mistyped:
            problems.append(f"wrong kinds: {mistyped}")
        if problems:
            raise SchemaMismatchError(
                "the frame does not match the model's feature schema; " + "; ".join(problems)
            )

    def encode(self, X: pd.DataFrame) -> np.ndarray:
        """Validated float matrix in schema order: numbers as floats, categories as codes.

        Missing values and categories not seen at fit time become NaN, which both LightGBM and
        the linear part treat as missing.
        """
        self.validate(X)
        by_name = {str(c): c for c in X.columns}
        out = np.empty((len(X), len(self.names)), dtype=float)
        for j, name in enumerate(self.names):
            column = X[by_name[name]]
            if self.kinds[name] == "numeric":
                out[:, j] = pd.to_numeric(column, errors="raise").astype(float).to_numpy(na_value=np.nan)
            else:
                # -1 for missing values and for categories never seen at fit time.
                codes = pd.Index(self.categories[name], dtype=object).get_indexer(as_labels(column))
                out[:, j] = np.where(codes < 0, np.nan, codes)
        return out

    def categorical_indices(self) -> list[int]:
        return [j for j, name in enumerate(self.names) if self.kinds[name] == "categorical"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "names": list(self.names),
            "kinds": dict(self.kinds),
            "dtypes": dict(self.dtypes),
            "categories": {k: list(v) for k, v in self.categories.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeatureSchema:
        return cls(
            names=tuple(data["names"]),
            kinds=dict(data["kinds"]),
            dtypes=dict(data["dtypes"]),
            categories={k: tuple(v) for k, v in data["categories"].items()},
        )
