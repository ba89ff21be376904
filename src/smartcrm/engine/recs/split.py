"""Per-user random hold-out: the protocol of the ml-100k baselines (random 90/10 per user, seeded)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def holdout_per_user(
    frame: pd.DataFrame, fraction: float = 0.1, seed: int = 0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hold out ``round(fraction × n)`` (at least one) random interactions of every user with ≥ 2.

    Users with a single interaction stay whole in training (nothing could be learned about them
    from an empty training row). Duplicate (user, item) pairs are collapsed first, so an item
    can never be in both halves.
    """
    if not 0 < fraction < 1:
        raise ValueError(f"fraction must be between 0 and 1, got {fraction}")
    pairs = frame.drop_duplicates(["user_id", "item_id"]).reset_index(drop=True)
    rng = np.random.default_rng(seed)
    shuffled = pairs.assign(_r=rng.random(len(pairs))).sort_values(["user_id", "_r"], kind="stable")
    rank = shuffled.groupby("user_id", sort=False).cumcount().to_numpy()
    counts = shuffled.groupby("user_id", sort=False)["item_id"].transform("size").to_numpy()
    n_test = np.where(counts >= 2, np.maximum(1, np.round(fraction * counts)), 0)
    is_test = rank < n_test
    columns = list(frame.columns)
    return (
        shuffled.loc[~is_test, columns].reset_index(drop=True),
        shuffled.loc[is_test, columns].reset_index(drop=True),
    )
