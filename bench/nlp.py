"""``python -m bench.nlp``: throughput of the full text-analysis pipeline, English and Chinese.

Takes the synthetic shop's customer texts (ticket messages, reviews, survey comments; about
80 % English, 20 % Chinese) and adds PII-bearing sentences from the PII corpus, then runs
``TextAnalyzer.analyse`` — language, sentiment, aspect sentiment, PII redaction and entities,
intent, urgency and triage — in batches of ``--batch`` texts, in ``--workers`` processes (the
machine has two cores). Reported per language and overall: texts/s by wall clock and by CPU
time (the fair figure on a shared machine), the peak resident memory per worker, and the
extrapolated time to re-analyse 1,000,000 texts.

The texts are distinct (the generator repeats its templates; a larger shop is generated until
there are enough distinct texts), and every run — all texts, English, Chinese — gets fresh
worker processes, so no run is flattered by embeddings or segmentations memoised from another.
Each worker loads its models and analyses one English and one Chinese text before the clock
starts (jieba's dictionary alone takes seconds to load, once per process); that start-up is
reported separately as ``startup_seconds_per_worker``.

``--sentiment default`` (the default) uses the shipped sentiment model, trained on first use
and cached under ``--cache-dir``; ``--sentiment shop`` trains a small one on the shop's rated
reviews instead (a quicker stand-in when the default is not trained yet; labelled as such).

Target (issue 5): at least 300 texts/s on 2 cores; 1M texts re-analysed in at most an hour.
Results go to stdout and ``bench/results/nlp.json``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
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
_BARRIER: Any = None
_STARTUP_CPU = 0.0
WARM_UP = [
    ("Warm-up: the parcel arrived late but the quality is great.", "ticket"),
    ("预热：物流太慢了，但是质量很好。", "ticket"),
]


def corpus(n: int, seed: int) -> pd.DataFrame:
    """``n`` distinct texts with ``lang`` and ``kind``: shop texts plus PII sentences (about 10 %)."""
    customers = max(2000, n // 2)
    while True:
        texts = _shop_texts(n, customers, seed).drop_duplicates("text")
        if len(texts) >= n or customers >= 64 * max(2000, n // 2):
            break
        customers *= 2
    texts = texts.sample(frac=1.0, random_state=seed)
    return texts.head(n).reset_index(drop=True) if len(texts) >= n else _repeat(texts, n)


def _shop_texts(n: int, customers: int, seed: int) -> pd.DataFrame:
    from smartcrm.evaluation.pii_corpus import generate_corpus
    from smartcrm.synth.generator import ShopGenerator
    from smartcrm.synth.spec import ShopSpec

    tables = ShopGenerator(ShopSpec(n_customers=customers, seed=seed)).generate()
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
    return pd.concat(parts, ignore_index=True)


def _repeat(texts: pd.DataFrame, n: int) -> pd.DataFrame:
    reps = -(-n // len(texts))
    return pd.concat([texts] * reps, ignore_index=True).head(n)


def _prepare(kind: str, cache_dir: str, seed: int) -> bytes | None:
    """Run once, in a process of its own, before any worker starts: trains what needs training.

    ``default``: trains and caches the default model if it is not cached yet (else every worker
    would train it); ``shop``: trains the shop model and returns it as bytes for the workers.
    """
    model = _sentiment_model(kind, cache_dir, seed)
    return model.to_bytes() if kind == "shop" else None


def _init(sentiment: str, cache_dir: str, seed: int, model_bytes: bytes | None, barrier: Any) -> None:
    """Per worker: one torch thread, the models loaded, one English and one Chinese text analysed."""
    global _ANALYZER, _BARRIER, _STARTUP_CPU
    import torch

    cpu = time.process_time()
    torch.set_num_threads(1)
    from smartcrm.demo.intent_default import train_default_intent_model
    from smartcrm.engine.nlp.pipeline import TextAnalyzer

    if model_bytes is None:
        model = _sentiment_model(sentiment, cache_dir, seed)
    else:
        from smartcrm.engine.nlp.sentiment import SentimentModel

        model = SentimentModel.from_bytes(model_bytes)
    _ANALYZER = TextAnalyzer(sentiment_model=model, intent_model=train_default_intent_model())
    _work(WARM_UP)
    _BARRIER, _STARTUP_CPU = barrier, time.process_time() - cpu


def _ready(_: int) -> float:
    """Blocks until every worker is started and warm, so each of them runs exactly one of these."""
    _BARRIER.wait(timeout=3600)
    return float(_STARTUP_CPU)


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


def run(texts: pd.DataFrame, workers: int, batch: int, init: tuple[Any, ...]) -> dict[str, Any]:
    """Analyse ``texts`` in fresh worker processes (models loaded and warmed up before timing)."""
    rows = list(zip(texts["text"].tolist(), texts["kind"].tolist(), strict=True))
    batches = [rows[i : i + batch] for i in range(0, len(rows), batch)]
    started = time.perf_counter()
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(workers)
    with ProcessPoolExecutor(workers, context, initializer=_init, initargs=(*init, barrier)) as pool:
        startup = list(pool.map(_ready, range(workers)))
        startup_wall = time.perf_counter() - started
        started = time.perf_counter()
        results = list(pool.map(_work, batches))
        wall = time.perf_counter() - started
    cpu = sum(r["cpu"] for r in results)
    return {
        "texts": len(rows),
        "wall_seconds": round(wall, 2),
        "texts_per_second_wall": round(len(rows) / wall, 1),
        "cpu_seconds": round(cpu, 2),
        "cpu_ms_per_text": round(1000 * cpu / len(rows), 2),
        "texts_per_second_per_cpu": round(len(rows) / cpu, 1),
        "texts_per_second_on_2_cpus": round(2 * len(rows) / cpu, 1),
        "peak_rss_mb_per_worker": round(max(r["peak_rss_mb"] for r in results), 1),
        "hours_for_1m_texts_on_2_cpus": round(1_000_000 / (2 * len(rows) / cpu) / 3600, 2),
        "startup_seconds_per_worker": round(startup_wall, 1),
        "startup_cpu_seconds_per_worker": round(max(startup), 2),
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
    # In a spawned process: the parent stays free of torch, so forking the workers is safe.
    with ProcessPoolExecutor(1, multiprocessing.get_context("spawn")) as once:
        model_bytes = once.submit(_prepare, options.sentiment, options.cache_dir, options.seed).result()
    init = (options.sentiment, options.cache_dir, options.seed, model_bytes)
    figures["all"] = run(texts, options.workers, options.batch, init)
    for lang in ("en", "zh"):
        subset = texts[texts["lang"] == lang].reset_index(drop=True)
        figures[lang] = run(subset, options.workers, options.batch, init)
    figures["target_texts_per_second"] = TARGET_TEXTS_PER_SECOND
    figures["meets_target"] = figures["all"]["texts_per_second_on_2_cpus"] >= TARGET_TEXTS_PER_SECOND
    figures["machine"] = {"cpus": os.cpu_count(), "python": platform.python_version()}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "nlp.json").write_text(json.dumps(figures, indent=2, default=str))
    print(json.dumps(figures, indent=2, default=str))


if __name__ == "__main__":
    main()
