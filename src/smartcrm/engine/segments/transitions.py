"""Movement between segments from one snapshot to the next (the "who moved where" table)."""

from __future__ import annotations

import pandas as pd

NEW = "(new)"
GONE = "(gone)"


def segment_transitions(before: pd.Series, after: pd.Series, *, include_new: bool = True) -> pd.DataFrame:
    """Counts of customers by (from, to) segment, as a from × to table.

    Both series are indexed by customer id. Customers in only one snapshot are counted in a
    ``(new)`` row or a ``(gone)`` column when ``include_new``; otherwise only customers in
    both count. Rows and columns keep the categories' order when the series are categorical.
    """
    both = pd.concat({"from": before, "to": after}, axis=1, join="outer" if include_new else "inner")
    order = _order(before, after)
    frm = both["from"].astype(object).where(both["from"].notna(), NEW)
    to = both["to"].astype(object).where(both["to"].notna(), GONE)
    table = pd.crosstab(pd.Series(frm.to_numpy(), name="from"), pd.Series(to.to_numpy(), name="to"))
    rows = [s for s in [*order, NEW] if s in table.index or s in order]
    cols = [s for s in [*order, GONE] if s in table.columns or s in order]
    return table.reindex(index=rows, columns=cols, fill_value=0).astype("int64")


def _order(before: pd.Series, after: pd.Series) -> list[object]:
    seen: list[object] = []
    for s in (before, after):
        values = (
            list(s.cat.categories)
            if isinstance(s.dtype, pd.CategoricalDtype)
            else sorted(s.dropna().unique().tolist(), key=str)
        )
        seen.extend(v for v in values if v not in seen)
    return seen
