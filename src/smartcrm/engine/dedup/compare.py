"""Comparison levels of candidate pairs, field by field, as small integers.

Each field compares to one level: -1 when either side is missing (no evidence either way),
0 for a clear disagreement, higher for stronger agreement. The scorer learns a weight per
level, and the levels are what a reviewer sees as the evidence. String similarity is
Jaro-Winkler from rapidfuzz, computed in C over aligned arrays of pairs.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler

FIELDS = ("first_name", "last_name", "email", "phone", "address", "place")

LEVEL_NAMES: dict[str, dict[int, str]] = {
    "first_name": {-1: "missing", 0: "different", 1: "initial or similar", 2: "close (typo)", 3: "same"},
    "last_name": {
        -1: "missing",
        0: "different",
        1: "similar",
        2: "close (typo)",
        3: "same (common name)",
        4: "same (rare name)",
    },
    "email": {
        -1: "missing",
        0: "different",
        1: "similar mailbox",
        2: "same mailbox, other domain",
        3: "same",
    },
    "phone": {-1: "missing", 0: "different", 1: "same last 7 digits", 2: "same"},
    "address": {-1: "missing", 0: "different", 1: "same postcode", 2: "similar, same numbers", 3: "same"},
    "place": {-1: "missing", 0: "different", 1: "same city", 2: "same postcode"},
}
COMMON_NAME_SHARE = 0.0005  # a surname carried by more than this share of customers is "common"

Strings = npt.NDArray[np.object_]
Int8s = npt.NDArray[np.int8]


def _sim(a: Strings, b: Strings) -> npt.NDArray[np.float32]:
    if len(a) == 0:
        return np.empty(0, dtype=np.float32)
    return process.cpdist(a, b, scorer=JaroWinkler.normalized_similarity, dtype=np.float32, workers=-1)


def _name_level(a: Strings, b: Strings, sim: npt.NDArray[np.float32]) -> Int8s:
    level = np.zeros(len(a), dtype=np.int8)
    starts = np.fromiter(
        (bool(x) and bool(y) and (x.startswith(y) or y.startswith(x)) for x, y in zip(a, b, strict=True)),
        dtype=bool,
        count=len(a),
    )
    level[(sim >= 0.75) | starts] = 1
    level[sim >= 0.9] = 2
    level[a == b] = 3
    level[(a == "") | (b == "")] = -1
    return level


def common_surnames(last: pd.Series) -> frozenset[str]:
    """The surnames carried by more than ``COMMON_NAME_SHARE`` of the customers in ``last``."""
    share = last.value_counts(normalize=True)
    return frozenset(share.index[share > COMMON_NAME_SHARE])


def compare_pairs(
    keys: pd.DataFrame,
    left: npt.NDArray[np.int64],
    right: npt.NDArray[np.int64],
    common_last: frozenset[str] | None = None,
) -> pd.DataFrame:
    """One row per pair (positions into ``keys``), one int8 column per field of ``FIELDS``.

    Whether a surname is common is a property of the whole customer table: ``common_last``
    gives it when ``keys`` holds only part of it (a chunk of a fan-out run); by default it is
    counted in ``keys``."""
    col = {c: keys[c].to_numpy(dtype=object) for c in keys.columns}
    fa, fb, la, lb = col["first"][left], col["first"][right], col["last"][left], col["last"][right]
    direct_f, direct_l = _sim(fa, fb), _sim(la, lb)
    cross_f, cross_l = _sim(fa, lb), _sim(la, fb)
    swapped = (cross_f + cross_l) > (direct_f + direct_l) + 0.05
    fb = np.where(swapped, lb, fb)
    lb = np.where(swapped, col["first"][right], lb)
    first = _name_level(fa, fb, np.where(swapped, cross_f, direct_f))
    last = _name_level(la, lb, np.where(swapped, cross_l, direct_l))
    common = common_surnames(keys["last"]) if common_last is None else common_last
    rare = ~keys["last"].isin(common).to_numpy()
    last[(last == 3) & rare[left]] = 4  # a rare surname shared says more

    ea, eb = col["email_key"][left], col["email_key"][right]
    email = np.zeros(len(left), dtype=np.int8)
    local_a, local_b = col["email_local"][left], col["email_local"][right]
    email[_sim(local_a, local_b) >= 0.88] = 1
    email[local_a == local_b] = 2
    email[ea == eb] = 3
    email[(ea == "") | (eb == "")] = -1

    pa, pb = col["phone"][left], col["phone"][right]
    phone = np.zeros(len(left), dtype=np.int8)
    tail_a = np.array([p[-7:] for p in pa], dtype=object)
    tail_b = np.array([p[-7:] for p in pb], dtype=object)
    phone[tail_a == tail_b] = 1
    phone[pa == pb] = 2
    phone[(pa == "") | (pb == "")] = -1

    aa, ab = col["address"][left], col["address"][right]
    za, zb = col["postcode"][left], col["postcode"][right]
    address = np.zeros(len(left), dtype=np.int8)
    address[(za == zb) & (za != "")] = 1
    token_sim = (
        process.cpdist(aa, ab, scorer=fuzz.token_set_ratio, dtype=np.float32, workers=-1)
        if len(aa)
        else np.empty(0, dtype=np.float32)
    )
    same_numbers = col["address_numbers"][left] == col["address_numbers"][right]
    address[(token_sim >= 85) & same_numbers] = 2
    address[aa == ab] = 3
    address[(aa == "") | (ab == "")] = -1

    ca, cb = col["city"][left], col["city"][right]
    place = np.zeros(len(left), dtype=np.int8)
    place[(ca == cb) & (ca != "")] = 1
    place[(za == zb) & (za != "")] = 2
    place[((ca == "") | (cb == "")) & ((za == "") | (zb == ""))] = -1

    return pd.DataFrame(
        {
            "first_name": first,
            "last_name": last,
            "email": email,
            "phone": phone,
            "address": address,
            "place": place,
        }
    )


def describe(levels: pd.Series) -> dict[str, str]:
    """The level names of one pair, field by field (what the review queue shows)."""
    return {field: LEVEL_NAMES[field][int(levels[field])] for field in FIELDS}
