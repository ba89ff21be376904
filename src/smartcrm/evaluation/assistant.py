"""``smartcrm eval assistant``: help-center retrieval and the handoff decision.

``--kb KB.csv --queries Q.csv``: a knowledge base (columns ``article_id,language,title,body``)
and questions (``query,language,article_id``; an empty ``article_id`` means the help center
does not answer it, and the right move is a handoff). Without files: the demo help center
(``smartcrm/demo/helpcenter``) and the repository's gold set (``assistant_gold.csv``), with
figures for its ``test`` split (never tuned on) and its ``dev`` split (where the defaults
were chosen), and for a second held-out set written later by someone who had not seen the gold
set (``assistant_check.csv``, under ``check``).

Per query: ``KnowledgeIndex.answer`` with the shipped defaults (timed: ``p95_ms``), then the
same ranking lexical only (dense weight 0) and dense only (weight 1). Retrieval is judged on
in-scope queries: ``recall_at_5`` (the right article in the top 5 articles), ``mrr_at_10``;
the decision on all: ``out_of_scope_handoff_rate`` (out-of-scope queries not answered),
``in_scope_answer_rate`` (in-scope queries answered). ``--calibrate`` refits the answer
decision on the dev split plus ``assistant_oos_train.csv`` (300 out-of-scope questions of 20
kinds, in both languages, written apart from every evaluation set) and prints the weights and
thresholds to ship.
"""

from __future__ import annotations

import argparse
import csv
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from smartcrm.engine.retrieval import Article, KnowledgeIndex, language_key, read_articles
from smartcrm.engine.retrieval.answerable import Answerability, features

GOLD = Path(__file__).with_name("assistant_gold.csv")
CHECK = Path(__file__).with_name("assistant_check.csv")
OOS_TRAIN = Path(__file__).with_name("assistant_oos_train.csv")
HELPCENTER = Path(__file__).resolve().parent.parent / "demo" / "helpcenter"
KB_COLUMNS = ("article_id", "language", "title", "body")
QUERY_COLUMNS = ("query", "language", "article_id")
TARGET_OOS_HANDOFF = 0.95


@dataclass(frozen=True)
class Query:
    query: str
    language: str
    article_id: str  # "" = out of scope
    split: str = ""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kb", help="knowledge base CSV: article_id,language,title,body")
    parser.add_argument("--queries", help="questions CSV: query,language,article_id (empty id: out of scope)")
    parser.add_argument(
        "--calibrate", action="store_true", help="refit the answer decision on the gold set's dev split"
    )
    parser.add_argument(
        "--target-handoff",
        type=float,
        default=TARGET_OOS_HANDOFF,
        help="with --calibrate: the dev out-of-scope handoff rate the thresholds must reach",
    )


def run(options: dict[str, Any]) -> dict[str, Any]:
    if bool(options.get("kb")) != bool(options.get("queries")):
        raise ValueError("give both --kb and --queries, or neither (the demo help center and gold set)")
    if options.get("kb"):
        articles = read_kb(options["kb"])
        queries = read_queries(
            options["queries"], {(a.article_id, language_key(a.language)) for a in articles}
        )
        index = KnowledgeIndex().fit(articles)
        return {"kb": str(options["kb"]), "queries": str(options["queries"]), **evaluate(index, queries)}
    articles = read_articles(HELPCENTER)
    queries = read_queries(GOLD, {(a.article_id, language_key(a.language)) for a in articles}, split=True)
    index = KnowledgeIndex().fit(articles)
    dev = [q for q in queries if q.split == "dev"]
    test = [q for q in queries if q.split == "test"]
    if options.get("calibrate"):
        fit = dev + out_of_scope_training()
        return calibrate(index, fit, float(options.get("target_handoff") or TARGET_OOS_HANDOFF))
    known = {(a.article_id, language_key(a.language)) for a in articles}
    return {
        "kb": "demo help center",
        "queries": "gold set",
        **evaluate(index, test),
        "dev": evaluate(index, dev),
        "check": evaluate(index, read_queries(CHECK, known)),
    }


def out_of_scope_training() -> list[Query]:
    """The out-of-scope questions the answer decision is fitted on besides the dev split."""
    return [Query(r["query"], r["language"], "", "train") for r in _rows(OOS_TRAIN, ("query", "language"))]


# -- reading ---------------------------------------------------------------------------------
def _rows(path: str | Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(missing)}; found {reader.fieldnames}")
        return list(reader)


def read_kb(path: str | Path) -> list[Article]:
    articles: list[Article] = []
    seen: set[tuple[str, str]] = set()
    for line, row in enumerate(_rows(path, KB_COLUMNS), start=2):
        values = {c: (row.get(c) or "").strip() for c in KB_COLUMNS}
        empty = [c for c in ("article_id", "language", "body") if not values[c]]
        if empty:
            raise ValueError(f"{path}, row {line}: empty {', '.join(empty)}")
        key = (values["article_id"], language_key(values["language"]))
        if key in seen:
            raise ValueError(f"{path}, row {line}: article {key[0]!r} in {values['language']} appears twice")
        seen.add(key)
        articles.append(Article(values["article_id"], values["language"], values["title"], values["body"]))
    if not articles:
        raise ValueError(f"{path}: no articles")
    return articles


def read_queries(path: str | Path, known: set[tuple[str, str]], *, split: bool = False) -> list[Query]:
    queries: list[Query] = []
    columns = (*QUERY_COLUMNS, "split") if split else QUERY_COLUMNS
    for line, row in enumerate(_rows(path, columns), start=2):
        text = (row.get("query") or "").strip()
        language = (row.get("language") or "").strip()
        article_id = (row.get("article_id") or "").strip()
        if not text or not language:
            raise ValueError(f"{path}, row {line}: empty {'query' if not text else 'language'}")
        if article_id and (article_id, language_key(language)) not in known:
            raise ValueError(
                f"{path}, row {line}: article {article_id!r} ({language}) is not in the knowledge base"
            )
        which = (row.get("split") or "").strip()
        if split and which not in ("dev", "test"):
            raise ValueError(f"{path}, row {line}: split must be dev or test, not {which!r}")
        queries.append(Query(text, language, article_id, which))
    if not queries:
        raise ValueError(f"{path}: no queries")
    return queries


# -- measuring -------------------------------------------------------------------------------
def evaluate(index: KnowledgeIndex, queries: list[Query]) -> dict[str, Any]:
    """Figures over ``queries``, overall and per language (see the module docstring)."""
    results: list[dict[str, Any]] = []
    for q in queries:
        start = time.perf_counter()
        decision = index.answer(q.query, q.language, k=10)
        elapsed = (time.perf_counter() - start) * 1000
        results.append(
            {
                "query": q,
                "ms": elapsed,
                "answered": decision.answerable,
                "fused": [h.article_id for h in decision.hits],
                "lexical": [h.article_id for h in index._search(q.query, q.language, 10, 0.0)],
                "dense": [h.article_id for h in index._search(q.query, q.language, 10, 1.0)],
            }
        )
    figures = _figures(results)
    languages = sorted({q.language for q in queries})
    if len(languages) > 1:
        figures["per_language"] = {
            lang: _figures([r for r in results if r["query"].language == lang]) for lang in languages
        }
    return figures


def _retrieval(results: list[dict[str, Any]], ranking: str) -> dict[str, float | None]:
    in_scope = [r for r in results if r["query"].article_id]
    if not in_scope:
        return {"recall_at_5": None, "mrr_at_10": None}
    recall, rr = [], []
    for r in in_scope:
        ranked = r[ranking][:10]
        target = r["query"].article_id
        recall.append(target in ranked[:5])
        rr.append(1.0 / (ranked.index(target) + 1) if target in ranked else 0.0)
    return {"recall_at_5": round(float(np.mean(recall)), 4), "mrr_at_10": round(float(np.mean(rr)), 4)}


def _rate(values: list[bool]) -> float | None:
    return round(float(np.mean(values)), 4) if values else None


def _figures(results: list[dict[str, Any]]) -> dict[str, Any]:
    fused = _retrieval(results, "fused")
    return {
        **fused,
        "out_of_scope_handoff_rate": _rate([not r["answered"] for r in results if not r["query"].article_id]),
        "in_scope_answer_rate": _rate([r["answered"] for r in results if r["query"].article_id]),
        "p95_ms": round(float(np.percentile([r["ms"] for r in results], 95)), 1),
        "n_queries": len(results),
        "n_out_of_scope": sum(1 for r in results if not r["query"].article_id),
        "fused": fused,
        "lexical_only": _retrieval(results, "lexical"),
        "dense_only": _retrieval(results, "dense"),
    }


def calibrate(index: KnowledgeIndex, dev: list[Query], target: float = TARGET_OOS_HANDOFF) -> dict[str, Any]:
    """Per language: a class-balanced logistic regression on the hits of ``dev`` (the dev split
    and the out-of-scope training questions), and the highest-recall threshold whose
    out-of-scope handoff on them is at least the target."""
    answerability = Answerability()
    report: dict[str, Any] = {}
    for lang in sorted({language_key(q.language) for q in dev}):
        subset = [q for q in dev if language_key(q.language) == lang]
        hit_lists = [index.search(q.query, q.language, k=10) for q in subset]
        labels = [bool(q.article_id) for q in subset]
        answerability.fit(hit_lists, labels, language=lang, balanced=True)
        conf = np.array([answerability.confidence(h) for h in hit_lists])
        y = np.array(labels)
        oos = np.sort(conf[~y])
        # the smallest threshold above all but (1 - target) of the out-of-scope confidences
        allowed = int(np.floor((1 - target) * len(oos) + 1e-9))
        threshold = float(oos[len(oos) - allowed - 1]) + 1e-6 if len(oos) else 0.5
        threshold = math.ceil(threshold * 1000) / 1000  # rounded up: the printed value still hands over
        answerability.thresholds[lang] = threshold
        report[lang] = {
            "weights": [round(w, 4) for w in answerability.weights[lang]],
            "threshold": threshold,
            "dev_oos_handoff": _rate(list(conf[~y] < threshold)),
            "dev_in_scope_answer": _rate(list(conf[y] >= threshold)),
            "feature_means_in_scope": np.vstack(
                [features(h) for h, ok in zip(hit_lists, labels, strict=True) if ok]
            )
            .mean(0)
            .round(3)
            .tolist(),
            "feature_means_out_of_scope": np.vstack(
                [features(h) for h, ok in zip(hit_lists, labels, strict=True) if not ok]
            )
            .mean(0)
            .round(3)
            .tolist(),
        }
    return {"calibration": report}
