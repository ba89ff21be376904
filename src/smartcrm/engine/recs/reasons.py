"""Why a product is recommended, as a code and its values (:class:`smartcrm.engine.reasons.Reason`).

The recommender writes a code (``repurchase``, ``bought_with``…) and its parameters; the rows
keep them as they are, and the sentence is worded where it is shown, in the reader's language
(:mod:`smartcrm.intelligence.wording`). The templates here are the English ones, marked for the
catalogs. No Django.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from smartcrm.engine.reasons import Reason
from smartcrm.engine.wording import gettext_noop

REPURCHASE = "repurchase"  # {days}: the customer's own interval between two purchases
BOUGHT_WITH = "bought_with"  # {product}: the customer's past item that carries the score
LIKE_YOU = "like_you"
POPULAR_IN = "popular_in"  # {category}: the customer's most-bought category
POPULAR = "popular"

TEMPLATES: dict[str, str] = {
    REPURCHASE: gettext_noop("you buy this every ~{days} days"),
    BOUGHT_WITH: gettext_noop("bought with {product}"),
    LIKE_YOU: gettext_noop("customers like you"),
    POPULAR_IN: gettext_noop("popular in {category}"),
    POPULAR: gettext_noop("popular with customers"),
}
# The parameters each code takes, in order (the API documents them; the migration of old rows
# reads them back from the English text).
PARAMETERS: dict[str, tuple[str, ...]] = {
    REPURCHASE: ("days",),
    BOUGHT_WITH: ("product",),
    LIKE_YOU: (),
    POPULAR_IN: ("category",),
    POPULAR: (),
}
CODE_PREFIX = "recommendation."


def recommendation_reason(code: str, params: Mapping[str, Any] | None = None) -> Reason:
    """The reason of a stored recommendation; an unknown code keeps its code as its words."""
    values = {name: str(value) for name, value in (params or {}).items()}
    return Reason(CODE_PREFIX + code, TEMPLATES.get(code, code), values)
