"""Cluster labels in words, written from how a cluster's centre stands out from the whole.

Numeric behaviour is compared in standard deviations (z) from the overall mean, on the same
(log where skewed) scale the clustering uses. A word is used when the cluster mean is at
least ``MIN_Z`` away; the strongest come first and at most ``MAX_WORDS`` are used. A category
is named when the cluster spends at least ``CATEGORY_MIN_SHARE`` of its money on it and that
is ``MIN_LIFT`` times the overall share, and a second one beside it ("baby and toys") when it
passes the same lift with at least ``SECOND_CATEGORY_MIN_SHARE``; a channel when at least
``CHANNEL_MIN_SHARE`` of the cluster mostly buys there and that is ``MIN_LIFT`` times the
overall share.

"frequent, small-basket baby shoppers, mostly on mobile"
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

MIN_Z = 0.5
MAX_WORDS = 3
CATEGORY_MIN_SHARE = 0.3
SECOND_CATEGORY_MIN_SHARE = 0.15
CHANNEL_MIN_SHARE = 0.5
MIN_LIFT = 1.3

# feature → (word when above the mean, word when below; None: not worth saying)
WORDS: dict[str, tuple[str | None, str | None]] = {
    "orders_count": ("frequent", "occasional"),
    "avg_basket_items": ("big-basket", "small-basket"),
    "avg_order_value": ("high-spending", "low-spending"),
    "days_since_last_order": ("lapsed", "recent"),
    "discount_share": ("discount-seeking", None),
    "refund_rate": ("often-returning", None),
}


def behaviour_words(z: pd.Series, *, min_z: float = MIN_Z, max_words: int = MAX_WORDS) -> list[str]:
    """Words for the features furthest from the mean, strongest first."""
    words: list[str] = []
    for feature in z.abs().sort_values(ascending=False, kind="stable").index:
        value = float(z[feature])
        if abs(value) < min_z or len(words) >= max_words:
            break
        above, below = WORDS.get(str(feature), (None, None))
        word = above if value > 0 else below
        if word:
            words.append(word)
    return words


def standout(shares: pd.Series, overall: pd.Series, min_share: float) -> str | None:
    """The key with the biggest share that is both large and well above its overall share."""
    lift = shares / overall.where(overall > 0)
    ok = shares[(shares >= min_share) & (lift >= MIN_LIFT)]
    return None if ok.empty else str(ok.sort_values(ascending=False, kind="stable").index[0])


def category_phrase(shares: pd.Series, overall: pd.Series, names: Mapping[str, str]) -> str | None:
    """ "baby", "baby and toys" or None: the cluster's standout categories by spend share."""
    first = standout(shares, overall, CATEGORY_MIN_SHARE)
    if first is None:
        return None
    second = standout(shares.drop(first), overall.drop(first), SECOND_CATEGORY_MIN_SHARE)
    named = [names.get(c, c) for c in (first, second) if c is not None]
    return " and ".join(named)


def phrase(words: list[str], category: str | None, channel: str | None) -> str:
    noun = f"{category} shoppers" if category else "shoppers across categories"
    text = f"{', '.join(words)} {noun}" if words else noun
    if not words and not category:
        text = "average shoppers"
    if channel:
        text += f", mostly on {channel}"
    return text


def cluster_labels(
    z: pd.DataFrame,
    category_shares: pd.DataFrame,
    overall_category: pd.Series,
    channel_shares: pd.DataFrame,
    overall_channel: pd.Series,
    category_names: Mapping[str, str],
) -> list[str]:
    """One unique label per row (cluster). Clusters whose labels collide get more words,
    then, if still equal, a number."""
    cats = [
        category_phrase(category_shares.loc[i], overall_category, category_names)
        if len(category_shares.columns)
        else None
        for i in z.index
    ]
    channels = [
        standout(channel_shares.loc[i], overall_channel, CHANNEL_MIN_SHARE)
        if len(channel_shares.columns)
        else None
        for i in z.index
    ]
    labels = [phrase(behaviour_words(z.loc[i]), cats[n], channels[n]) for n, i in enumerate(z.index)]
    for min_z, max_words in ((0.25, 4), (0.0, 6)):
        dupes = {lab for lab in labels if labels.count(lab) > 1}
        if not dupes:
            break
        labels = [
            phrase(behaviour_words(z.loc[i], min_z=min_z, max_words=max_words), cats[n], channels[n])
            if labels[n] in dupes
            else labels[n]
            for n, i in enumerate(z.index)
        ]
    seen: dict[str, int] = {}
    unique = []
    for lab in labels:
        seen[lab] = seen.get(lab, 0) + 1
        unique.append(lab if labels.count(lab) == 1 else f"{lab} (group {seen[lab]})")
    return unique
