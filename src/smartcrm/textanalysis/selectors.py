"""Reads of text analyses: per text, per ticket, per customer, per day, and the feedback overview."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
from django.core.cache import cache
from django.db.models import Avg, Count, F, Max, OuterRef, QuerySet, Subquery
from django.utils import timezone

from smartcrm.feedback.models import Review
from smartcrm.support.models import Ticket
from smartcrm.support.selectors import inbox
from smartcrm.textanalysis.models import SourceKind, TextAnalysis


def analyses_for(kind: str, ids: Iterable[int]) -> dict[int, TextAnalysis]:
    """The analysis of each text of ``kind`` (missing ids: not analysed yet)."""
    return {a.source_id: a for a in TextAnalysis.objects.filter(source_kind=kind, source_id__in=list(ids))}


def inbox_by_urgency(**filters: Any) -> QuerySet[Ticket]:
    """The support inbox (same filters), most urgent by text analysis first; unanalysed tickets last."""
    analysis = TextAnalysis.objects.filter(source_kind=SourceKind.TICKET, source_id=OuterRef("pk"))
    return (
        inbox(**filters)
        .annotate(
            urgency=Subquery(analysis.values("urgency")[:1]),
            intent=Subquery(analysis.values("intent")[:1]),
            sentiment=Subquery(analysis.values("sentiment")[:1]),
        )
        .order_by(F("urgency").desc(nulls_last=True), "priority_rank", "last_message_at", "id")
    )


def customer_analyses(customer_id: int, limit: int = 20) -> list[TextAnalysis]:
    return list(TextAnalysis.objects.filter(customer_id=customer_id).order_by("-text_created_at")[:limit])


def daily_negative_share(start: date, end: date) -> pd.DataFrame:
    """Per day in [start, end]: texts analysed, negative ones and their share (for anomaly alerts)."""
    rows = TextAnalysis.objects.filter(
        text_created_at__date__gte=start, text_created_at__date__lte=end
    ).values_list("text_created_at", "sentiment")
    frame = pd.DataFrame(list(rows), columns=["at", "sentiment"])
    days = pd.date_range(start, end, freq="D")
    if frame.empty:
        return pd.DataFrame({"day": days.date, "texts": 0, "negative": 0, "negative_share": 0.0})
    frame["day"] = (
        pd.to_datetime(frame["at"], utc=True).dt.tz_convert(timezone.get_current_timezone()).dt.normalize()
    )
    frame["day"] = frame["day"].dt.tz_localize(None)
    frame["negative"] = frame["sentiment"] == "negative"
    daily = (
        frame.groupby("day")
        .agg(texts=("negative", "size"), negative=("negative", "sum"))
        .reindex(days, fill_value=0)
    )
    daily["negative_share"] = (
        (daily["negative"] / daily["texts"].where(daily["texts"] > 0)).fillna(0.0).round(4)
    )
    return daily.rename_axis("day").reset_index().assign(day=lambda d: d["day"].dt.date)


FEEDBACK_KINDS = (SourceKind.REVIEW, SourceKind.SURVEY, SourceKind.TICKET)
# The overview is recomputed when the analyses in its window change, and at least this often.
FEEDBACK_CACHE_SECONDS = 3600


def cached_feedback_overview(*, days: int = 180) -> dict[str, Any]:
    """:func:`feedback_overview`, computed once per state of the analyses in the window and per day.

    Fitting the topics takes seconds; the page should not pay that on every view. The cache key
    is the window, today's date, and the count and latest ``analysed_at`` of the analyses in the
    window: a new or re-analysed text, or one ageing out of the window, means a new overview.
    """
    now = timezone.now()
    state = _feedback_window(days, now).aggregate(n=Count("id"), latest=Max("analysed_at"))
    latest = state["latest"].isoformat() if state["latest"] else ""
    key = f"textanalysis:feedback:{days}:{timezone.localdate(now)}:{state['n']}:{latest}"
    overview = cache.get(key)
    if overview is None:
        overview = feedback_overview(days=days, now=now)
        cache.set(key, overview, FEEDBACK_CACHE_SECONDS)
    return overview


def _feedback_window(days: int, now: datetime) -> QuerySet[TextAnalysis]:
    return TextAnalysis.objects.filter(
        source_kind__in=FEEDBACK_KINDS, text_created_at__gte=now - timedelta(days=days)
    )


def _aspect_summary(weekly: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per aspect: mentions by label, the negative share, and the negative share week by week."""
    labels = ("positive", "neutral", "negative")
    summary: dict[str, dict[str, Any]] = {}
    for row in weekly:
        empty = {"aspect": row["aspect"], **dict.fromkeys(labels, 0), "weeks": {}}
        entry = summary.setdefault(row["aspect"], empty)
        counts = {label: int(row.get(label, 0)) for label in labels}
        for label, count in counts.items():
            entry[label] += count
        entry["weeks"][row["week"]] = counts["negative"] / max(1, sum(counts.values()))
    out = []
    for name in sorted(summary):
        entry = summary[name]
        total = sum(entry[label] for label in labels)
        weeks = entry.pop("weeks")
        out.append(
            {
                **entry,
                "total": total,
                "negative_pct": round(100 * entry["negative"] / max(1, total)),
                "weekly_negative_share": [share for _, share in sorted(weeks.items())],
            }
        )
    return out


def feedback_overview(
    *, days: int = 180, now: datetime | None = None, n_topics: int | None = None
) -> dict[str, Any]:
    """Topics (with labels, example quotes, weekly trend and emerging flags), weekly aspect
    sentiment and its per-aspect summary for reviews, survey answers and tickets of the last
    ``days`` (redacted text only).

    ``n_topics=None`` lets the topic model choose the count (consensus NMF; see
    docs/models/nlp.md); a number fixes it per language."""
    from smartcrm.engine.nlp.summaries import summarize_topic
    from smartcrm.engine.nlp.topics import TopicModel, emerging_topics, topic_trends

    now = now or timezone.now()
    rows = list(_feedback_window(days, now).values_list("redacted", "lang", "aspects", "text_created_at"))
    frame = pd.DataFrame(rows, columns=["text", "lang", "aspects", "at"])
    result: dict[str, Any] = {
        "n": len(frame), "topics": [], "aspects": [], "aspect_summary": [], "days": days,
    }  # fmt: skip
    if frame.empty:
        return result
    aspects = [
        {
            "week": pd.Timestamp(at).tz_convert(None).to_period("W").start_time.date(),
            "aspect": a,
            "label": label,
        }
        for at, found in zip(frame["at"], frame["aspects"], strict=True)
        for a, label in (found or {}).items()
    ]
    if aspects:
        table = pd.DataFrame(aspects).pivot_table(
            index=["aspect", "week"], columns="label", aggfunc="size", fill_value=0
        )
        result["aspects"] = [
            {"aspect": aspect, "week": week, **{str(k): int(v) for k, v in values.items()}}
            for (aspect, week), values in table.iterrows()
        ]
        result["aspect_summary"] = _aspect_summary(result["aspects"])
    if len(frame) >= 30:
        model = TopicModel(n_topics=n_topics, min_texts=30).fit(
            frame["text"].tolist(), frame["lang"].tolist()
        )
        frame["topic"] = model.predict_topic(frame["text"].tolist(), frame["lang"].tolist())["topic"]
        trends = topic_trends(frame["topic"].tolist(), frame["at"].tolist(), freq="W")
        flags = emerging_topics(frame["topic"].tolist(), frame["at"].tolist(), as_of=now).set_index("topic")
        for topic in model.topics_.itertuples():
            texts = frame.loc[frame["topic"] == topic.topic, "text"].tolist()
            series = trends[topic.topic].tolist() if topic.topic in trends else []
            result["topics"].append(
                {
                    "topic": topic.topic,
                    "label": topic.label,
                    "keywords": topic.keywords,
                    "size": len(texts),
                    "quotes": summarize_topic(texts, max_sentences=3),
                    "trend": series,
                    "emerging": bool(flags["emerging"].get(topic.topic, False)) if not flags.empty else False,
                }
            )
        result["topics"].sort(key=lambda t: -t["size"])
    return result


def analysis_list(
    *,
    kind: str = "",
    sentiment: str = "",
    intent: str = "",
    urgency_level: str = "",
    customer_id: int | None = None,
    sort: str = "newest",
) -> QuerySet[TextAnalysis]:
    """Analyses filtered by kind, sentiment, intent, urgency level or customer; newest or most urgent."""
    queryset = TextAnalysis.objects.all()
    for field, value in (("source_kind", kind), ("sentiment", sentiment), ("intent", intent)):
        if value:
            queryset = queryset.filter(**{field: value})
    if urgency_level:
        queryset = queryset.filter(urgency_level=urgency_level)
    if customer_id is not None:
        queryset = queryset.filter(customer_id=customer_id)
    if sort == "urgency":
        return queryset.order_by(F("urgency").desc(nulls_last=True), "-text_created_at", "id")
    return queryset.order_by("-text_created_at", "-id")


def get_analysis(kind: str, source_id: int) -> TextAnalysis:
    from smartcrm.core.errors import NotFoundError

    found = TextAnalysis.objects.filter(source_kind=kind, source_id=source_id).first()
    if found is None:
        raise NotFoundError(f"No analysis of {kind} {source_id}")
    return found


def review_text(title: str, body: str) -> str:
    """A review as the analyser reads it: its title and body as one text."""
    return ". ".join(part for part in (title, body) if part)


def rated_review_texts() -> tuple[list[str], list[int]]:
    """Every review with words, as the analyser reads it, and its star rating."""
    rows = Review.objects.order_by("pk").values_list("title", "body", "rating")
    texts, stars = [], []
    for title, body, rating in rows.iterator(chunk_size=5000):
        text = review_text(title, body)
        if text.strip():
            texts.append(text)
            stars.append(rating)
    return texts, stars


def product_review_insights(product_id: int, *, top_aspects: int = 5) -> dict[str, Any]:
    """What the product's reviews say: how many, the average rating, the sentiment split of the
    analysed ones, and the aspects mentioned most with their negative share."""
    reviews = Review.objects.filter(product_id=product_id)
    ratings = reviews.aggregate(n=Count("pk"), average=Avg("rating"))
    analysed = TextAnalysis.objects.filter(
        source_kind=SourceKind.REVIEW, source_id__in=reviews.values("pk")
    ).values_list("sentiment", "aspects")
    sentiment = {"positive": 0, "neutral": 0, "negative": 0}
    aspects: dict[str, dict[str, int]] = {}
    for label, found in analysed:
        if label in sentiment:
            sentiment[label] += 1
        for aspect, aspect_label in (found or {}).items():
            counts = aspects.setdefault(aspect, {"mentions": 0, "negative": 0})
            counts["mentions"] += 1
            counts["negative"] += aspect_label == "negative"
    n_analysed = sum(sentiment.values())
    return {
        "n_reviews": ratings["n"],
        "average_rating": ratings["average"],
        "n_analysed": n_analysed,
        "sentiment_pct": {k: round(100 * v / n_analysed) if n_analysed else 0 for k, v in sentiment.items()},
        "aspects": [
            {"aspect": name, **counts, "negative_pct": round(100 * counts["negative"] / counts["mentions"])}
            for name, counts in sorted(aspects.items(), key=lambda item: -item[1]["mentions"])[:top_aspects]
        ],
    }
