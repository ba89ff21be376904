"""The engines' English sentences in the reader's language: the one thin layer between the
Django-free engines (which write English, their templates marked with
:func:`smartcrm.engine.wording.gettext_noop`) and the pages.

An explanation is data (:class:`smartcrm.engine.reasons.Reason`: a code, its English template
and the values; stored as JSON where it is kept): it is rendered with the translated template of
its code (:func:`explained`, :func:`worded`). A recommendation's reason is stored as a code and
its values too (:mod:`smartcrm.engine.recs.reasons`). Text stored without data (rows written
before the data was kept) is shown as it is.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import cache
from typing import Any

from django.utils.translation import gettext, pgettext

from smartcrm.engine.reasons import Reason
from smartcrm.orders.models import SalesChannel

logger = logging.getLogger(__name__)


@cache
def _registry() -> dict[str, str]:
    """Code → English template of every explanation an engine writes with a fixed code (codes
    that carry their value, such as ``cluster.word`` or ``outcome``, use the stored message)."""
    from smartcrm.engine.anomalies import metric_detector, order_detector
    from smartcrm.engine.propensity import explain
    from smartcrm.engine.propensity.category import CATEGORY_TEMPLATES
    from smartcrm.engine.propensity.labels import RFM_TEMPLATES
    from smartcrm.engine.propensity.text_features import TEXT_TEMPLATES
    from smartcrm.engine.recs import reasons as recommendation
    from smartcrm.engine.segments import describe
    from smartcrm.engine.uplift import next_action

    features = {**RFM_TEMPLATES, **TEXT_TEMPLATES, **CATEGORY_TEMPLATES}
    return {
        **explain.SENTENCES,
        "factor.missing": explain.MISSING,
        "factor.value": explain.PLAIN,
        "factor.contribution": explain.WITH_CONTRIBUTION,
        "value.yes": explain.YES.message,
        "value.no": explain.NO.message,
        **{f"feature.{column}": template for column, template in features.items()},
        "alert.metric": metric_detector.EXPLANATION,
        "alert.change.up_by": metric_detector.ABOVE_BY,
        "alert.change.down_by": metric_detector.BELOW_BY,
        "alert.change.up": metric_detector.ABOVE,
        "alert.change.down": metric_detector.BELOW,
        "alert.span.day": metric_detector.ON_DAY,
        "alert.span.days": metric_detector.FROM_TO,
        **{f"metric.{name}": rule.label for name, rule in metric_detector.RULES.items()},
        "alert.order": order_detector.EXPLANATION,
        **{f"alert.order.{word}": template for word, template in order_detector.UNUSUALLY.items()},
        "alert.order.mix": order_detector.UNUSUAL_MIX,
        **{f"order_feature.{column}": name for column, name in order_detector.NUMERIC.items()},
        **{f"alert.flag.{flag}": text for flag, text in order_detector.FLAGS.items()},
        "cluster.described": describe.WORDS_AND_NOUN,
        "cluster.words": describe.NEXT_WORD,
        "cluster.category_shoppers": describe.CATEGORY_SHOPPERS,
        "cluster.across_categories": describe.ACROSS_CATEGORIES,
        "cluster.average": describe.AVERAGE,
        "cluster.channel": describe.MOSTLY_ON,
        "cluster.categories": describe.TWO_CATEGORIES,
        "cluster.numbered": describe.NUMBERED,
        "next_action.not_scored": next_action.NOT_SCORED,
        "next_action.no_signal": next_action.NO_SIGNAL,
        "next_action.top_both": next_action.TOP_BOTH,
        "next_action.win_back": next_action.WIN_BACK,
        "next_action.not_persuaded": next_action.NOT_PERSUADED,
        "next_action.persuaded": next_action.PERSUADED,
        "next_action.clv": next_action.CLV_VALUE,
        "next_action.unknown_clv": next_action.UNKNOWN_CLV,
        "next_action.top_churn_only": next_action.TOP_CHURN_ONLY,
        "next_action.review_one": next_action.REVIEW["one"],
        "next_action.review_many": next_action.REVIEW["many"],
        "next_action.vip": next_action.VIP,
        "next_action.cross_sell": next_action.CROSS_SELL,
        "next_action.cross_sell_because": next_action.CROSS_SELL_BECAUSE,
        **{recommendation.CODE_PREFIX + code: text for code, text in recommendation.TEMPLATES.items()},
    }


def _channels() -> dict[str, str]:
    return {str(value): str(label) for value, label in SalesChannel.choices}


def _wording(reason: Reason) -> str:
    """The template of ``reason`` in the active language."""
    if reason.code.startswith("channel."):
        return _channels().get(reason.code.removeprefix("channel."), reason.message)
    return gettext(_registry().get(reason.code, reason.message))


def explained(data: Mapping[str, Any] | None, english: str = "") -> str:
    """An explanation in the active language: from its stored data (``Reason.as_json``) when
    there is some, else the stored English ``english`` as it is."""
    if not data:
        return english
    try:
        reason = Reason.from_json(data)
    except (KeyError, IndexError, TypeError, ValueError):  # data of a shape no engine writes
        logger.warning("explanation %r could not be read", data.get("code"), exc_info=True)
        return english
    return worded(reason, english)


def worded(reason: Reason, english: str | None = None) -> str:
    """``reason`` in the active language; its English (or ``english``) when the translation's
    placeholders do not match its values."""
    try:
        return reason.render(_wording, pgettext("between the items of a list", "; "))
    except (KeyError, IndexError, TypeError, ValueError):
        logger.warning("explanation %r could not be rendered", reason.code, exc_info=True)
        return reason.english() if english is None else english


# Which stored English text each of a score's explanations falls back to.
SCORE_TEXTS = {
    "churn": "churn_reasons",
    "propensity": "propensity_reasons",
    "next_category": "next_category_reasons",
    "cluster": "cluster_label",
}


def score_explanation(score: Any, name: str) -> str:
    """One of a CustomerScore's explanations (a key of :data:`SCORE_TEXTS`) in the active language."""
    data = (getattr(score, "explanations", None) or {}).get(name)
    return explained(data, getattr(score, SCORE_TEXTS[name], "") or "")


def metric_name(metric: str) -> str:
    """A daily metric's name (``revenue`` → Revenue) in the active language; unknown keys as given."""
    template = _registry().get(f"metric.{metric}")
    return gettext(template) if template else metric
