"""``smartcrm eval dedup``: pair precision and recall of customer de-duplication.

Protocol: the de-duplicator (its weights and all three thresholds) is fitted on a generated
corpus with ``--train-seed`` and measured on a corpus generated with a different ``--seed``
(or on the user's own ``--csv`` with a ground-truth cluster column). Reported on pairs: a
predicted pair is any two records put in one cluster; a true pair any two records of one
entity. Also: the same figures on the raw scored pairs, the recall of blocking alone, recall
per planted variation, and the false pairs among the hard non-duplicates (family, namesakes).

``--method`` compares scorers on the same normalisation and blocking: ``logistic`` (the
default), ``fellegi_sunter`` (m/u counted on the training pairs), or ``splink`` (splink with
DuckDB, EM-trained, its own blocking; ``--splink-labels`` counts m from the test labels, an
optimistic bound).
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np
import pandas as pd

from smartcrm.engine.dedup.cluster import cluster_pairs, guarded_components
from smartcrm.engine.dedup.metrics import pair_scores
from smartcrm.engine.dedup.model import Deduplicator
from smartcrm.engine.dedup.normalise import INPUT_COLUMNS
from smartcrm.evaluation.dedup_corpus import CorpusSpec, make_corpus, true_pairs


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--customers", type=int, default=20_000, help="rows of the test corpus (default 20,000)"
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the test corpus (default 1)")
    parser.add_argument("--train-seed", type=int, default=0, help="seed of the training corpus (default 0)")
    parser.add_argument(
        "--train-customers", type=int, default=20_000, help="rows of the training corpus (default 20,000)"
    )
    parser.add_argument("--csv", help="your own customers, with a ground-truth cluster column")
    parser.add_argument("--cluster-column", default="cluster_id", help="with --csv: the truth column")
    parser.add_argument(
        "--method", choices=["logistic", "fellegi_sunter", "splink"], default="logistic", help="pair scorer"
    )
    parser.add_argument("--splink-labels", action="store_true", help="splink: m from the test labels")


def load_csv(path: str, cluster_column: str) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    if cluster_column not in frame.columns:
        raise ValueError(f"{path}: no {cluster_column!r} column (the ground truth)")
    if "id" not in frame.columns:
        frame.insert(0, "id", np.arange(1, len(frame) + 1))
    frame["id"] = pd.to_numeric(frame["id"], errors="raise").astype(np.int64)
    for column in INPUT_COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
    return frame


def run(options: dict[str, Any]) -> dict[str, Any]:
    start = time.perf_counter()
    if options.get("csv"):
        column = options.get("cluster_column") or "cluster_id"
        test = load_csv(options["csv"], column)
        dataset = str(options["csv"])
    else:
        column = "entity_id"
        test = make_corpus(
            CorpusSpec(customers=int(options.get("customers") or 20_000), seed=int(options.get("seed") or 1))
        )
        dataset = f"generated (seed {options.get('seed', 1)})"
    truth = true_pairs(test, cluster_column=column)
    method = options.get("method") or "logistic"
    result: dict[str, Any] = {
        "dataset": dataset,
        "method": method,
        "n_records": len(test),
        "n_true_pairs": len(truth),
    }
    if method == "splink":
        result |= _splink(test, truth, column if options.get("splink_labels") else None)
    else:
        train_seed = int(options.get("train_seed") or 0)
        if not options.get("csv") and train_seed == int(options.get("seed") or 1):
            raise ValueError("the training seed must differ from the test seed")
        train = make_corpus(
            CorpusSpec(customers=int(options.get("train_customers") or 20_000), seed=train_seed)
        )
        fit_start = time.perf_counter()
        model = Deduplicator(method).fit(train)
        result["fit_seconds"] = round(time.perf_counter() - fit_start, 2)
        result |= _measure(model, test, truth)
    result["seconds"] = round(time.perf_counter() - start, 2)
    return result


def _measure(model: Deduplicator, test: pd.DataFrame, truth: set[tuple[int, int]]) -> dict[str, Any]:
    timings: dict[str, float] = {}
    dedup_start = time.perf_counter()
    scored = model.score_pairs(test, timings=timings)
    matched = scored[scored["probability"] >= model.match_threshold_]
    clusters = guarded_components(
        matched["left_id"].to_numpy(),
        matched["right_id"].to_numpy(),
        matched["probability"].to_numpy(),
        max_size=model.max_cluster_size,
        join_threshold=model.auto_merge_threshold_,
    )
    dedup_seconds = time.perf_counter() - dedup_start
    predicted = cluster_pairs(clusters)
    scored_pairs = set(zip(matched["left_id"].tolist(), matched["right_id"].tolist(), strict=True))
    candidates = set(zip(scored["left_id"].tolist(), scored["right_id"].tolist(), strict=True))
    auto = scored[scored["probability"] >= model.auto_merge_threshold_]
    auto_pairs = set(zip(auto["left_id"].tolist(), auto["right_id"].tolist(), strict=True))
    return {
        **pair_scores(predicted, truth),
        "n_predicted_pairs": len(predicted),
        "scored_pairs": pair_scores(scored_pairs, truth),
        "auto_merge_pairs": pair_scores(auto_pairs, truth),
        "blocking_recall": round(len(candidates & truth) / len(truth), 4) if truth else 1.0,
        "candidate_pairs": len(candidates),
        "thresholds": {
            "match": round(model.match_threshold_, 4),
            "auto_merge": round(model.auto_merge_threshold_, 4),
            "review": round(model.review_threshold_, 4),
        },
        "training": model.training_figures_,
        "dedup_seconds": round(dedup_seconds, 2),
        "stage_seconds": {k: round(v, 2) for k, v in timings.items()},
        **_breakdown(test, predicted, truth),
    }


def _breakdown(
    test: pd.DataFrame, predicted: set[tuple[int, int]], truth: set[tuple[int, int]]
) -> dict[str, Any]:
    """Recall per planted variation and false pairs per hard-negative kind (generated data)."""
    if "variation" not in test.columns:
        return {}
    kind = dict(zip(test["id"].tolist(), test["variation"].tolist(), strict=True))
    found: dict[str, list[int]] = {}
    for a, b in truth:
        for change in (kind[a] or kind[b]).split("+"):
            if change:
                found.setdefault(change, [0, 0])[1] += 1
                found[change][0] += (a, b) in predicted
    false = list(predicted - truth)
    false_kinds: dict[str, int] = {}
    for a, b in false:
        label = (
            kind[a]
            if kind[a] in ("family", "namesake")
            else kind[b]
            if kind[b] in ("family", "namesake")
            else "other"
        )
        false_kinds[label] = false_kinds.get(label, 0) + 1
    return {
        "recall_by_variation": {k: round(v[0] / v[1], 4) for k, v in sorted(found.items())},
        "false_pairs_by_kind": false_kinds,
    }


def _splink(test: pd.DataFrame, truth: set[tuple[int, int]], label_column: str | None) -> dict[str, Any]:
    from smartcrm.engine.dedup.splink_model import splink_pairs

    pairs, timings = splink_pairs(test, 0.01, label_column=label_column)
    by_threshold = {}
    for threshold in (0.5, 0.9, 0.99):
        kept = pairs[pairs["probability"] >= threshold]
        by_threshold[str(threshold)] = pair_scores(
            set(zip(kept["left_id"].tolist(), kept["right_id"].tolist(), strict=True)), truth
        )
    best = max(by_threshold.values(), key=lambda s: s["f1"])
    return {
        **best,
        "by_threshold": by_threshold,
        "stage_seconds": {k: round(v, 2) for k, v in timings.items()},
    }
