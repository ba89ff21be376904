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

from smartcrm.engine.reasons import Reason, phrase
from smartcrm.engine.wording import gettext_noop

MIN_Z = 0.5
MAX_WORDS = 3
CATEGORY_MIN_SHARE = 0.3
SECOND_CATEGORY_MIN_SHARE = 0.15
CHANNEL_MIN_SHARE = 0.5
MIN_LIFT = 1.3

# feature → (word when above the mean, word when below; None: not worth saying)
WORDS: dict[str, tuple[str | None, str | None]] = {
    "orders_count": (gettext_noop("frequent"), gettext_noop("occasional")),
    "avg_basket_items": (gettext_noop("big-basket"), gettext_noop("small-basket")),
    "avg_order_value": (gettext_noop("high-spending"), gettext_noop("low-spending")),
    "days_since_last_order": (gettext_noop("lapsed"), gettext_noop("recent")),
    "discount_share": (gettext_noop("discount-seeking"), None),
    "refund_rate": (gettext_noop("often-returning"), None),
}
# The label's sentence parts (codes ``cluster.*``): words, then who, then where they buy.
WORDS_AND_NOUN = gettext_noop("{words} {noun}")
NEXT_WORD = gettext_noop("{first}, {rest}")
CATEGORY_SHOPPERS = gettext_noop("{category} shoppers")
ACROSS_CATEGORIES = gettext_noop("shoppers across categories")
AVERAGE = gettext_noop("average shoppers")
MOSTLY_ON = gettext_noop("{label}, mostly on {channel}")
TWO_CATEGORIES = gettext_noop("{first} and {second}")
NUMBERED = gettext_noop("{label} (group {number})")


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


def category_phrase(shares: pd.Series, overall: pd.Series, names: Mapping[str, str]) -> Reason | None:
    """ "baby", "baby and toys" or None: the cluster's standout categories by spend share."""
    first = standout(shares, overall, CATEGORY_MIN_SHARE)
    if first is None:
        return None
    second = standout(shares.drop(first), overall.drop(first), SECOND_CATEGORY_MIN_SHARE)
    if second is None:
        return phrase("cluster.category", "{name}", name=names.get(first, first))
    return phrase(
        "cluster.categories", TWO_CATEGORIES, first=names.get(first, first), second=names.get(second, second)
    )


def _word_list(words: list[str]) -> Reason:
    head = phrase("cluster.word", words[0])
    if len(words) == 1:
        return head
    return phrase("cluster.words", NEXT_WORD, first=head, rest=_word_list(words[1:]))


def label(words: list[str], category: Reason | None, channel: str | None) -> Reason:
    """E.g. "frequent, small-basket baby shoppers, mostly on mobile" as data."""
    noun = (
        phrase("cluster.category_shoppers", CATEGORY_SHOPPERS, category=category)
        if category
        else phrase("cluster.across_categories", ACROSS_CATEGORIES)
    )
    text = phrase("cluster.described", WORDS_AND_NOUN, words=_word_list(words), noun=noun) if words else noun
    if not words and not category:
        text = phrase("cluster.average", AVERAGE)
    if channel:
        text = phrase("cluster.channel", MOSTLY_ON, label=text, channel=phrase(f"channel.{channel}", channel))
    return text


def cluster_labels(
    z: pd.DataFrame,
    category_shares: pd.DataFrame,
    overall_category: pd.Series,
    channel_shares: pd.DataFrame,
    overall_channel: pd.Series,
    category_names: Mapping[str, str],
) -> list[Reason]:
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
    labels = [label(behaviour_words(z.loc[i]), cats[n], channels[n]) for n, i in enumerate(z.index)]
    for min_z, max_words in ((0.25, 4), (0.0, 6)):
        texts = [lab.english() for lab in labels]
        dupes = {text for text in texts if texts.count(text) > 1}
        if not dupes:
            break
        labels = [
            label(behaviour_words(z.loc[i], min_z=min_z, max_words=max_words), cats[n], channels[n])
            if texts[n] in dupes
            else labels[n]
            for n, i in enumerate(z.index)
        ]
    texts = [lab.english() for lab in labels]
    seen: dict[str, int] = {}
    unique = []
    for lab, text in zip(labels, texts, strict=True):
        seen[text] = seen.get(text, 0) + 1
        numbered = phrase("cluster.numbered", NUMBERED, label=lab, number=str(seen[text]))
        unique.append(lab if texts.count(text) == 1 else numbered)
    return unique
