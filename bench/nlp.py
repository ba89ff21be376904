"""``python -m bench.nlp``: throughput of the full text-analysis pipeline, English and Chinese.

Takes the synthetic shop's customer texts (ticket messages, reviews, survey comments; about
80 % English, 20 % Chinese) and adds PII-bearing sentences from the PII corpus, then runs
``TextAnalyzer.analyse`` — language, sentiment, aspect sentiment, PII redaction and entities,
intent, urgency and triage — in batches of ``--batch`` texts, in ``--workers`` processes (the
machine has two cores). Reported per language and overall: texts/s by wall clock and by CPU
time (the fair figure on a shared machine), the peak resident memory per worker, and the
extrapolated time to re-analyse 1,000,000 texts.

``--sentiment default`` (the default) uses the shipped sentiment model, trained on first use
and cached under ``--cache-dir``; ``--sentiment shop`` trains a small one on the shop's rated
reviews instead (a quicker stand-in when the default is not trained yet; labelled as such).

Target (issue 5): at least 300 texts/s on 2 cores; 1M texts re-analysed in at most an hour.
Results go to stdout and ``bench/results/nlp.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd

RESULTS = Path(__file__).parent / "results"
TARGET_TEXTS_PER_SECOND = 300
_ANALYZER: Any = None


def corpus(n: int, seed: int) -> pd.DataFrame:
    """``n`` texts with ``lang`` and ``kind``, shop texts plus PII sentences (10 %)."""
    from smartcrm.engine.nlp.pii_corpus import generate_corpus
    from smartcrm.synth.generator import ShopGenerator
    from smartcrm.synth.spec import ShopSpec

    tables = ShopGenerator(ShopSpec(n_customers=max(2000, n // 2), seed=seed)).generate()
    tickets = tables["tickets"].set_index("id")["language"]
    messages = tables["ticket_messages"]
    messages = messages[messages["author_kind"] == "customer"]
    surveys = tables["surveys"][tables["surveys"]["comment"] != ""]
    parts = [
        pd.DataFrame(
            {"text": messages["body"], "lang": messages["ticket_id"].map(tickets), "kind": "ticket"}
        ),
        pd.DataFrame(
            {
                "text": tables["reviews"]["title"] + ". " + tables["reviews"]["body"],
                "lang": tables["reviews"]["language"],
                "kind": "review",
            }
        ),
        pd.DataFrame({"text": surveys["comment"], "lang": surveys["language"], "kind": "survey"}),
    ]
    pii = generate_corpus(max(100, n // 10), seed=seed)
    parts.append(
        pd.DataFrame({"text": [s.text for s in pii], "lang": [s.lang for s in pii], "kind": "ticket"})
    )
    texts = pd.concat(parts, ignore_index=True).sample(frac=1.0, random_state=seed)
    return texts.head(n).reset_index(drop=True) if len(texts) >= n else _repeat(texts, n)


def _repeat(texts: pd.DataFrame, n: int) -> pd.DataFrame:
    reps = -(-n // len(texts))
    return pd.concat([texts] * reps, ignore_index=True).head(n)


def _init(sentiment: str, cache_dir: str, seed: int) -> None:
    global _ANALYZER
    import torch

    torch.set_num_threads(1)
    from smartcrm.engine.nlp.intent import load_default_intent_model
    from smartcrm.engine.nlp.pipeline import TextAnalyzer

    model = _sentiment_model(sentiment, cache_dir, seed)
    _ANALYZER = TextAnalyzer(sentiment_model=model, intent_model=load_default_intent_model())


def _sentiment_model(kind: str, cache_dir: str, seed: int) -> Any:
    if kind == "default":
        from smartcrm.engine.nlp.sentiment import load_default_model

        return load_default_model(cache_dir)
    from smartcrm.engine.nlp.sentiment import SentimentModel
    from smartcrm.synth.generator import ShopGenerator
    from smartcrm.synth.spec import ShopSpec

    reviews = ShopGenerator(ShopSpec(n_customers=5000, seed=seed + 1)).generate()["reviews"]
    reviews = reviews[reviews["rating"] != 3]
    return SentimentModel().fit(
        (reviews["title"] + ". " + reviews["body"]).tolist(),
        (reviews["rating"] >= 4).astype(int).tolist(),
        langs=reviews["language"].tolist(),
    )


def _work(batch: list[tuple[str, str]]) -> dict[str, float]:
    texts, kinds = [t for t, _ in batch], [k for _, k in batch]
    wall, cpu = time.perf_counter(), time.process_time()
    _ANALYZER.analyse(texts, kinds=kinds)
    return {
        "wall": time.perf_counter() - wall,
        "cpu": time.process_time() - cpu,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def run(texts: pd.DataFrame, pool: ProcessPoolExecutor, batch: int) -> dict[str, Any]:
    rows = list(zip(texts["text"].tolist(), texts["kind"].tolist(), strict=True))
    batches = [rows[i : i + batch] for i in range(0, len(rows), batch)]
    started = time.perf_counter()
    results = list(pool.map(_work, batches))
    wall = time.perf_counter() - started
    cpu = sum(r["cpu"] for r in results)
    return {
        "texts": len(rows),
        "wall_seconds": round(wall, 2),
        "texts_per_second_wall": round(len(rows) / wall, 1),
        "cpu_seconds": round(cpu, 2),
        "texts_per_second_per_cpu": round(len(rows) / cpu, 1),
        "texts_per_second_on_2_cpus": round(2 * len(rows) / cpu, 1),
        "peak_rss_mb_per_worker": round(max(r["peak_rss_mb"] for r in results), 1),
        "hours_for_1m_texts_on_2_cpus": round(1_000_000 / (2 * len(rows) / cpu) / 3600, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=6000, help="texts to analyse (default 6000)")
    parser.add_argument("--workers", type=int, default=2, help="processes (default 2: the machine's cores)")
    parser.add_argument("--batch", type=int, default=500, help="texts per analyse() call (default 500)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sentiment", choices=["default", "shop"], default="default")
    parser.add_argument("--cache-dir", default=os.environ.get("SMARTCRM_DATA_DIR", "var"))
    options = parser.parse_args()
    texts = corpus(options.texts, options.seed)
    figures: dict[str, Any] = {
        "sentiment_model": options.sentiment,
        "workers": options.workers,
        "batch": options.batch,
        "by_language_share": texts["lang"].value_counts(normalize=True).round(3).to_dict(),
    }
    init = (options.sentiment, options.cache_dir, options.seed)
    with ProcessPoolExecutor(options.workers, initializer=_init, initargs=init) as pool:
        list(
            pool.map(_work, [[("warm up", "ticket")]] * options.workers)
        )  # models load in every worker first
        figures["all"] = run(texts, pool, options.batch)
        for lang in ("en", "zh"):
            figures[lang] = run(texts[texts["lang"] == lang].reset_index(drop=True), pool, options.batch)
    figures["target_texts_per_second"] = TARGET_TEXTS_PER_SECOND
    figures["meets_target"] = figures["all"]["texts_per_second_on_2_cpus"] >= TARGET_TEXTS_PER_SECOND
    figures["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version()}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "nlp.json").write_text(json.dumps(figures, indent=2, default=str))
    print(json.dumps(figures, indent=2, default=str))


if __name__ == "__main__":
    main()
