"""Candidate pairs: only records that share a blocking key are ever compared.

Each rule sorts the records by (key, tie-breaker) and pairs every record with the next
``window`` records that carry the same key. A small block is thus compared in full, while a
huge one (every "john smith", every customer of one landline) costs ``window`` comparisons
per record instead of n². Two sorted-neighbourhood passes over the whole name key (forwards
and reversed, so a typo near the start or the end still lands next door) need no key
equality at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class BlockingRule:
    name: str
    window: int


RULES = (
    BlockingRule("email", 8),
    BlockingRule("phone", 8),
    BlockingRule("email_local", 6),
    BlockingRule("name", 6),
    BlockingRule("name_postcode", 10),
    BlockingRule("initials_city", 4),
    BlockingRule("address", 6),
    BlockingRule("sorted_name", 3),
    BlockingRule("sorted_reversed_name", 3),
)


def blocking_keys(keys: pd.DataFrame) -> dict[str, pd.Series]:
    """The key of each rule per record ("" = the record takes no part in that rule)."""
    name = keys["name_key"]
    tokens = name.str.split(" ")
    prefix2 = pd.Series([" ".join(sorted(w[:2] for w in t)) for t in tokens], index=name.index)
    has_name = name != ""
    local = keys["email_local"].where(keys["email_local"].str.len() >= 5, "")
    address = (keys["address"] + "|" + keys["postcode"]).where(keys["address"] != "", "")
    return {
        "email": keys["email_key"],
        "phone": keys["phone"],
        "email_local": local,
        "name": name,
        "name_postcode": (name + "|" + keys["postcode"]).where(has_name & (keys["postcode"] != ""), ""),
        "initials_city": (prefix2 + "|" + keys["city"]).where(has_name, ""),
        "address": address,
        "sorted_name": name,
        "sorted_reversed_name": name.str[::-1],
    }


def is_sorted_rule(rule: BlockingRule) -> bool:
    """A sorted-neighbourhood rule pairs neighbours in the whole key order, not equal keys."""
    return rule.name.startswith("sorted_")


def tiebreaks(keys: pd.DataFrame) -> tuple[IntArray, IntArray]:
    """The order of records inside a block: by postcode then email (first appearance), so that
    in a big block of namesakes the ones sharing a place or a mailbox sit next to each other."""
    return (
        pd.factorize(keys["postcode"])[0].astype(np.int64),
        pd.factorize(keys["email_key"])[0].astype(np.int64),
    )


def rule_pairs(key: pd.Series, tiebreak: tuple[IntArray, IntArray], rule: BlockingRule) -> IntArray:
    """One rule's candidate pairs as positions (earlier, later in the rule's order); ``key`` must
    have a default index. Only the order of the tie-breakers matters, not their values."""
    return _windowed_pairs(key.reset_index(drop=True), tiebreak, rule.window, not is_sorted_rule(rule))


def key_buckets(key: pd.Series) -> IntArray:
    """A bucket in [0, 2**31) per key, the same for equal keys whatever else is in the frame:
    a block (all records of one key) falls in one bucket, so buckets split the work of a
    same-key rule with no pair split across two parts."""
    hashed = pd.util.hash_array(key.to_numpy(dtype=object))
    return (hashed >> np.uint64(33)).astype(np.int64)


def order_buckets(key: pd.Series) -> IntArray:
    """A bucket per key that never decreases as the key grows (its first three code points):
    ranges of buckets split a sorted-neighbourhood rule's order into consecutive parts."""
    return np.fromiter((_prefix_code(k) for k in key), dtype=np.int64, count=len(key))


def _prefix_code(key: str) -> int:
    code = 0
    for position in range(3):  # a code point takes 21 bits
        code = (code << 21) + (ord(key[position]) if position < len(key) else 0)
    return code


def _windowed_pairs(
    key: pd.Series, tiebreak: tuple[IntArray, IntArray], window: int, same_key: bool
) -> IntArray:
    # Same-key rules need equal keys adjacent, not sorted: hashing is much cheaper than sorting
    # strings. The sorted-neighbourhood passes need the true string order.
    codes = pd.factorize(key, sort=not same_key)[0].astype(np.int64)
    active = np.flatnonzero((key != "").to_numpy())
    if len(active) < 2:
        return np.empty((0, 2), dtype=np.int64)
    order = active[np.lexsort((tiebreak[1][active], tiebreak[0][active], codes[active]))]
    sorted_key = codes[order]
    out = []
    for offset in range(1, window + 1):
        if offset >= len(order):
            break
        a, b = order[:-offset], order[offset:]
        if same_key:
            keep = sorted_key[:-offset] == sorted_key[offset:]
            a, b = a[keep], b[keep]
        out.append(np.stack([a, b], axis=1))
    return np.concatenate(out) if out else np.empty((0, 2), dtype=np.int64)


def candidate_pairs(keys: pd.DataFrame, rules: tuple[BlockingRule, ...] = RULES) -> pd.DataFrame:
    """Distinct candidate pairs as positions into ``keys`` (``left`` < ``right``), with the
    first rule that proposed each pair (``rule``, an index into ``rules``)."""
    per_rule = blocking_keys(keys)
    tiebreak = tiebreaks(keys)
    found: list[IntArray] = []
    rule_ids: list[IntArray] = []
    n = len(keys)
    for i, rule in enumerate(rules):
        pairs = rule_pairs(per_rule[rule.name], tiebreak, rule)
        found.append(pairs)
        rule_ids.append(np.full(len(pairs), i, dtype=np.int8))
    pairs = np.concatenate(found)
    rules_of = np.concatenate(rule_ids)
    lo, hi = np.minimum(pairs[:, 0], pairs[:, 1]), np.maximum(pairs[:, 0], pairs[:, 1])
    code = lo * n + hi
    code, first = np.unique(code, return_index=True)
    return pd.DataFrame({"left": code // n, "right": code % n, "rule": rules_of[first]})
