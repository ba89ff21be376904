"""The holdout control group: a stable share of customers per campaign or workflow who are
left out of the action, so its effect can be measured against them.

Membership is a hash of the customer id and the campaign's key (SHA-256, first 8 bytes as a
uniform number in [0, 1)), below ``share``: the same customer is always in or out of one
campaign's control group — a re-run, a retry or a second worker agrees — while different
campaigns draw independent groups, so nobody is always held out.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np

MAX_SHARE = 0.5


def _uniform(customer_id: int, key: str) -> float:
    digest = hashlib.sha256(f"{key}:{customer_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def in_control(customer_ids: Iterable[int], key: str, share: float) -> np.ndarray:
    """Boolean per customer: held out of the action ``key`` (a campaign's or workflow's key)."""
    if not 0.0 <= share <= MAX_SHARE:
        raise ValueError(f"the control share must be between 0 and {MAX_SHARE}, not {share}")
    if not key:
        raise ValueError("a holdout needs the campaign's or workflow's key")
    return np.array([_uniform(int(c), key) < share for c in customer_ids], dtype=bool)
