"""Make forecasts coherent across a hierarchy (total = sum of categories), by linear projection.

The reconciled forecast is ``S P ŷ`` with ``S`` the summing matrix (one row per series, one
column per bottom series) and ``P = (Sᵀ W⁻¹ S)⁻¹ Sᵀ W⁻¹`` (Wickramasuriya, Athanasopoulos &
Hyndman 2019). ``W`` is the identity for ``ols`` and ``diag(S 1)`` — the number of bottom
series under each node — for ``wls_struct``; ``bottom_up`` keeps the bottom forecasts and adds
them up. These are a few lines of linear algebra, so no extra package is pulled in for them.

Intervals are moved by the same shift as the mean (their widths are kept), so they stay around
the coherent forecast; the widths of an aggregate are not re-derived from the children.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

METHODS = ("bottom_up", "ols", "wls_struct")
VALUE_COLUMNS = ("mean", "lo_80", "hi_80", "lo_95", "hi_95")


def summing_matrix(
    structure: Mapping[str, Sequence[str]], bottom: Sequence[str]
) -> tuple[list[str], np.ndarray]:
    """Row order (aggregates first, then bottom series) and the 0/1 summing matrix."""
    index = {b: i for i, b in enumerate(bottom)}
    rows: list[str] = []
    matrix: list[np.ndarray] = []
    for node, children in structure.items():
        unknown = [c for c in children if c not in index]
        if unknown:
            raise ValueError(f"{node!r} sums series that are not bottom series: {unknown}")
        row = np.zeros(len(bottom))
        row[[index[c] for c in children]] = 1.0
        rows.append(node)
        matrix.append(row)
    rows.extend(bottom)
    matrix.extend(np.eye(len(bottom)))
    return rows, np.vstack(matrix)


def projection(s: np.ndarray, method: str, n_aggregates: int) -> np.ndarray:
    """The matrix ``P`` that maps all base forecasts to coherent bottom forecasts."""
    if method == "bottom_up":
        return np.hstack([np.zeros((s.shape[1], n_aggregates)), np.eye(s.shape[1])])
    if method == "ols":
        w_inv = np.eye(s.shape[0])
    elif method == "wls_struct":
        w_inv = np.diag(1.0 / s.sum(axis=1))
    else:
        raise ValueError(f"method must be one of {METHODS}")
    return np.linalg.solve(s.T @ w_inv @ s, s.T @ w_inv)


def reconcile(
    forecasts: pd.DataFrame,
    structure: Mapping[str, Sequence[str]],
    *,
    method: str = "wls_struct",
) -> pd.DataFrame:
    """Coherent forecasts for every series in ``structure`` (aggregate -> bottom series ids).

    ``forecasts`` is long: ``unique_id, ds, mean`` and optionally the interval columns. Series
    outside the structure pass through unchanged.
    """
    bottom = sorted({c for children in structure.values() for c in children})
    rows, s = summing_matrix(structure, bottom)
    p = projection(s, method, len(structure))
    inside = forecasts[forecasts["unique_id"].isin(rows)]
    outside = forecasts[~forecasts["unique_id"].isin(rows)]
    wide = inside.pivot(index="ds", columns="unique_id", values="mean")
    missing = [r for r in rows if r not in wide.columns]
    if missing:
        raise ValueError(f"no base forecast for {missing}")
    base = wide[rows].to_numpy(dtype=float)  # (steps, series)
    coherent = base @ (s @ p).T
    shift = pd.DataFrame(coherent - base, index=wide.index, columns=rows)
    shift_long = shift.reset_index().melt(id_vars="ds", var_name="unique_id", value_name="_shift")
    out = inside.merge(shift_long, on=["unique_id", "ds"], how="left")
    for column in VALUE_COLUMNS:
        if column in out.columns:
            out[column] = out[column] + out["_shift"]
    out = out.drop(columns="_shift")
    return (
        pd.concat([out, outside], ignore_index=True).sort_values(["unique_id", "ds"]).reset_index(drop=True)
    )
