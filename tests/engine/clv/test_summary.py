"""The transaction summariser: Fader-Hardie conventions and no leakage past calibration_end."""

from __future__ import annotations

import pandas as pd
import pytest

from smartcrm.engine.clv import summarise_transactions

TRANSACTIONS = pd.DataFrame(
    {
        "customer_id": ["a", "a", "a", "a", "b", "c"],
        "date": ["2024-01-01", "2024-01-01", "2024-01-15", "2024-01-29", "2024-01-08", "2024-03-01"],
        "amount": [10.0, 5.0, 20.0, 40.0, 7.0, 9.0],
    }
)


def test_fader_hardie_conventions() -> None:
    summary = summarise_transactions(TRANSACTIONS, "2024-02-05", "2024-03-04")
    a = summary.loc["a"]
    assert a["frequency"] == 2  # same-day purchases merged, first purchase not counted
    assert a["recency"] == pytest.approx(4.0)
    assert a["T"] == pytest.approx(5.0)
    assert a["monetary_value"] == pytest.approx(30.0)  # mean of the repeat purchases only
    assert summary.loc["b", "frequency"] == 0
    assert summary.loc["b", "monetary_value"] == 0
    assert "c" not in summary.index  # first purchase after calibration_end
    assert summary["duration_holdout"].iloc[0] == pytest.approx(4.0)


def test_later_orders_do_not_leak_into_calibration_features() -> None:
    before = summarise_transactions(TRANSACTIONS, "2024-02-05", "2024-03-04")
    later = pd.DataFrame(
        {"customer_id": ["a", "b"], "date": ["2024-02-06", "2024-02-20"], "amount": [999.0, 5.0]}
    )
    after = summarise_transactions(pd.concat([TRANSACTIONS, later]), "2024-02-05", "2024-03-04")
    calibration = ["frequency", "recency", "T", "monetary_value"]
    pd.testing.assert_frame_equal(before[calibration], after[calibration])
    assert after.loc["a", "frequency_holdout"] == before.loc["a", "frequency_holdout"] + 1
    assert after.loc["b", "frequency_holdout"] == 1


def test_missing_column_is_named() -> None:
    with pytest.raises(ValueError, match="amount"):
        summarise_transactions(TRANSACTIONS.drop(columns="amount"), "2024-02-05")
