"""``smartcrm eval topics``: agreement of feedback topics with the causes the shop generator planted.

The synthetic shop writes every ticket, review and survey comment for a reason (late delivery,
defect, wrong item, billing, order status, praise of quality or delivery, value, mixed,
satisfied, neutral). The topic model sees only the texts; the adjusted Rand index compares its
clusters with those causes: 1 is the same partition, 0 is chance. Reported overall (a Chinese
and an English topic the model did not merge count as a disagreement) and within each language.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import pandas as pd
from sklearn.metrics import adjusted_rand_score

from smartcrm.engine.nlp.topics import TopicModel


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--customers", type=int, default=5000, help="synthetic shop size (default 5000)")
    parser.add_argument("--seed", type=int, default=42, help="shop seed (default 42)")
    parser.add_argument(
        "--topics", type=int, default=None, help="topics per language (default: chosen on the data)"
    )


def feedback_frame(n_customers: int, seed: int) -> pd.DataFrame:
    """``text``, ``cause``, ``lang``, ``source`` and ``created_at`` of the shop's feedback."""
    from smartcrm.synth.generator import ShopGenerator
    from smartcrm.synth.spec import ShopSpec

    g = ShopGenerator(ShopSpec(n_customers=n_customers, seed=seed)).generate()
    messages = g["ticket_messages"]
    first = (
        messages[messages["author_kind"] == "customer"]
        .sort_values(["ticket_id", "created_at"])
        .drop_duplicates("ticket_id")
        .set_index("ticket_id")["body"]
    )
    tickets, reviews, surveys = g["tickets"], g["reviews"], g["surveys"]
    surveys = surveys[surveys["comment"] != ""]
    parts = [
        pd.DataFrame({"text": tickets["id"].map(first), "source": "ticket", **_meta(tickets)}),
        pd.DataFrame(
            {"text": reviews["title"] + ". " + reviews["body"], "source": "review", **_meta(reviews)}
        ),
        pd.DataFrame({"text": surveys["comment"], "source": "survey", **_meta(surveys)}),
    ]
    return pd.concat(parts, ignore_index=True).dropna(subset=["text"])


def _meta(frame: pd.DataFrame) -> dict[str, Any]:
    return {"cause": frame["cause"], "lang": frame["language"], "created_at": frame["created_at"]}


def run(options: dict[str, Any]) -> dict[str, Any]:
    data = feedback_frame(int(options.get("customers") or 5000), int(options.get("seed") or 42))
    return score(data, n_topics=options.get("topics"))


def score(data: pd.DataFrame, n_topics: int | None = None) -> dict[str, Any]:
    started = time.perf_counter()
    model = TopicModel(n_topics=n_topics).fit(data["text"].tolist(), data["lang"].tolist())
    topic = model.predict_topic(data["text"].tolist(), data["lang"].tolist())["topic"].fillna("none")
    seconds = time.perf_counter() - started
    per_lang = {
        str(lang): round(float(adjusted_rand_score(data["cause"][rows], topic[rows])), 4)
        for lang, rows in data.groupby("lang").groups.items()
    }
    n_by_lang = data["lang"].value_counts()
    return {
        "ari": round(float(adjusted_rand_score(data["cause"], topic)), 4),
        "ari_by_language": per_lang,
        "ari_within_language_weighted": round(
            sum(per_lang[k] * int(n_by_lang[k]) for k in per_lang) / max(1, len(data)), 4
        ),
        "n": len(data),
        "n_by_language": {str(k): int(v) for k, v in n_by_lang.sort_index().items()},
        "n_causes": int(data["cause"].nunique()),
        "n_topics": len(model.topics_),
        "topics": model.topics_[["topic", "lang", "label", "size"]].to_dict(orient="records"),
        "seconds": round(seconds, 1),
    }
