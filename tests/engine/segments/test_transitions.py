from __future__ import annotations

import pandas as pd

from smartcrm.engine.segments import segment_transitions


def test_counts_moves_from_one_snapshot_to_the_next() -> None:
    order = ["champions", "at_risk", "lost"]
    before = pd.Series(
        pd.Categorical(["champions", "champions", "at_risk", "lost"], categories=order), index=[1, 2, 3, 4]
    )
    after = pd.Series(
        pd.Categorical(["champions", "at_risk", "lost", "champions"], categories=order), index=[1, 2, 3, 5]
    )
    table = segment_transitions(before, after)
    assert table.index.tolist() == [*order, "(new)"]
    assert table.columns.tolist() == [*order, "(gone)"]
    assert table.loc["champions", "champions"] == 1
    assert table.loc["champions", "at_risk"] == 1
    assert table.loc["at_risk", "lost"] == 1
    assert table.loc["lost", "(gone)"] == 1
    assert table.loc["(new)", "champions"] == 1
    assert int(table.to_numpy().sum()) == 5


def test_only_customers_in_both_snapshots_when_asked() -> None:
    before = pd.Series(["a", "b"], index=[1, 2])
    after = pd.Series(["b", "b"], index=[2, 3])
    table = segment_transitions(before, after, include_new=False)
    assert table.index.tolist() == ["a", "b"]
    assert table.columns.tolist() == ["a", "b"]
    assert table.loc["b", "b"] == 1
    assert int(table.to_numpy().sum()) == 1
