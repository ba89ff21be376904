"""``smartcrm eval pii``: span-level precision and recall of the PII detector per entity type.

The corpus is generated (``evaluation.pii_corpus``, seeded): no labelled PII corpus ships
offline, and real customer messages with real personal data must not. A prediction counts
only if its kind, start and end match a labelled span exactly; anything else found is a false
positive, anything labelled and not found a false negative. Targets (issue 5): recall ≥ 0.99
and precision ≥ 0.95 for e-mails, phones and cards.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from typing import Any

from smartcrm.engine.nlp.pii import find_entities
from smartcrm.evaluation.pii_corpus import Sample, generate_corpus

TARGET_KINDS = ("EMAIL", "PHONE", "CARD")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--n", type=int, default=6000, help="sentences, half English, half Chinese (default 6000)"
    )
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument("--errors", type=int, default=0, help="also list up to this many errors per kind")


def run(options: dict[str, Any]) -> dict[str, Any]:
    n = int(options.get("n") or 6000)
    corpus = generate_corpus(n, seed=int(options.get("seed") or 0))
    return score(corpus, max_errors=int(options.get("errors") or 0))


def score(corpus: list[Sample], max_errors: int = 0) -> dict[str, Any]:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    errors: dict[str, list[dict[str, str]]] = {}
    started = time.perf_counter()
    for sample in corpus:
        found = {(e.kind, e.start, e.end) for e in find_entities(sample.text)}
        gold = set(sample.spans)
        for kind, _, _ in found & gold:
            tp[kind] += 1
        for label, wrong, counter in (("false positive", found - gold, fp), ("missed", gold - found, fn)):
            for kind, start, end in wrong:
                counter[kind] += 1
                if len(errors.setdefault(kind, [])) < max_errors:
                    errors[kind].append({"error": label, "span": sample.text[start:end], "text": sample.text})
    seconds = time.perf_counter() - started
    kinds = sorted(set(tp) | set(fp) | set(fn))
    per_kind = {
        kind: {
            "precision": round(tp[kind] / max(1, tp[kind] + fp[kind]), 4),
            "recall": round(tp[kind] / max(1, tp[kind] + fn[kind]), 4),
            "support": tp[kind] + fn[kind],
            "false_positives": fp[kind],
            "false_negatives": fn[kind],
        }
        for kind in kinds
    }
    by_lang = Counter(s.lang for s in corpus)
    result: dict[str, Any] = {
        "n": len(corpus),
        "n_by_language": dict(sorted(by_lang.items())),
        "per_kind": per_kind,
        "targets_met": all(
            per_kind.get(k, {}).get("recall", 0) >= 0.99 and per_kind.get(k, {}).get("precision", 0) >= 0.95
            for k in TARGET_KINDS
        ),
        "sentences_per_second": round(len(corpus) / seconds, 1) if seconds else None,
    }
    if max_errors:
        result["errors"] = errors
    return result
