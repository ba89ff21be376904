"""Interactions as a binary user × item matrix, with the id ↔ index maps to go back and forth."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

REQUIRED = ("user_id", "item_id")


def check_interactions(frame: pd.DataFrame) -> pd.DataFrame:
    """Validate the columns up front; drop rows without a user or an item (never silently: count)."""
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise ValueError(f"interactions need columns {list(REQUIRED)}; missing {missing}")
    if frame.empty:
        raise ValueError("no interactions to learn from")
    return frame.dropna(subset=list(REQUIRED))


@dataclass(frozen=True)
class InteractionMatrix:
    """``matrix[u, i] = 1`` when user ``users[u]`` interacted with item ``items[i]``."""

    matrix: sp.csr_matrix
    users: np.ndarray
    items: np.ndarray

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, items: np.ndarray | None = None) -> InteractionMatrix:
        """Encode ``user_id``/``item_id``; with ``items`` given, keep that item order (others dropped)."""
        frame = check_interactions(frame)
        user_codes, users = pd.factorize(frame["user_id"], sort=True)
        if items is None:
            item_codes, item_index = pd.factorize(frame["item_id"], sort=True)
            items = np.asarray(item_index)
        else:
            item_codes = pd.Index(items).get_indexer(frame["item_id"])
        keep = item_codes >= 0
        matrix = sp.csr_matrix(
            (np.ones(int(keep.sum()), dtype=np.float32), (user_codes[keep], item_codes[keep])),
            shape=(len(users), len(items)),
        )
        matrix.data[:] = 1.0  # repeated interactions count once (implicit feedback)
        matrix.sum_duplicates()
        matrix.data[:] = 1.0
        return cls(matrix=matrix, users=np.asarray(users), items=np.asarray(items))

    def rows_for(self, user_ids: pd.Series | np.ndarray) -> np.ndarray:
        """Row index of each user id (-1 for a user never seen)."""
        return np.asarray(pd.Index(self.users).get_indexer(pd.Index(user_ids)))
