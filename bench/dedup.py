"""``python -m bench.dedup``: de-duplication of a generated customer set, timed per stage.

Generates ``--customers`` rows with planted duplicates (seed ``--seed``; the corpus is cached
in the temporary directory so reruns skip generation), loads the shipped de-duplicator (fitted
on the training corpus, seed 0: ``engine/dedup/weights.json``), then times normalise, block,
compare, score and cluster on the whole set — wall time per stage, and the CPU time of the
whole run (the fair figure on a shared machine) — with the peak resident memory of the
process sampled during the run, and the pair precision and recall at that scale.

Target (issue 6): 1,000,000 customers de-duplicated in at most 10 minutes.
Results go to stdout and ``bench/results/dedup.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pandas as pd

from smartcrm.engine.dedup.cluster import cluster_pairs
from smartcrm.engine.dedup.metrics import pair_scores
from smartcrm.engine.dedup.weights import shipped
from smartcrm.evaluation.dedup_corpus import CorpusSpec, make_corpus, true_pairs

RESULTS = Path(__file__).parent / "results"
TARGET_SECONDS_PER_MILLION = 600


class PeakMemory:
    """Samples this process's resident set size every 50 ms (ru_maxrss would include generation)."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _rss(self) -> int:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._rss())
            time.sleep(0.05)

    def __enter__(self) -> PeakMemory:
        self.peak = self._rss()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def corpus(customers: int, seed: int) -> tuple[pd.DataFrame, float]:
    path = Path(tempfile.gettempdir()) / f"smartcrm-dedup-corpus-{customers}-{seed}.pkl"
    if path.exists():
        return pd.read_pickle(path), 0.0  # noqa: S301 - our own cache file
    start = time.perf_counter()
    frame = make_corpus(CorpusSpec(customers=customers, seed=seed))
    seconds = time.perf_counter() - start
    frame.to_pickle(path)
    return frame, seconds


def pinyin_ablation(data: pd.DataFrame) -> dict[str, Any]:
    """Recall on the duplicate pairs with Hanzi on one side and pinyin on the other, with the
    pypinyin transliteration and with Hanzi left as they are (measures what pypinyin buys)."""
    from smartcrm.engine.dedup import normalise

    truth = true_pairs(data)
    hanzi = data["first_name"].str.contains(r"[\u4e00-\u9fff]") | data["last_name"].str.contains(
        r"[\u4e00-\u9fff]"
    )
    hanzi_ids = set(data.loc[hanzi, "id"].tolist())
    mixed = {(a, b) for a, b in truth if (a in hanzi_ids) != (b in hanzi_ids)}
    out: dict[str, Any] = {"hanzi_vs_pinyin_pairs": len(mixed)}
    original = normalise._char_pinyin
    try:
        for label in ("pypinyin", "no_pinyin"):
            if label == "no_pinyin":
                normalise._char_pinyin = lambda ch: ch  # type: ignore[assignment]
            predicted = cluster_pairs(shipped().find_duplicates(data).clusters)
            out[label] = {
                **pair_scores(predicted, truth),
                "hanzi_vs_pinyin_recall": round(len(predicted & mixed) / max(len(mixed), 1), 4),
            }
    finally:
        normalise._char_pinyin = original
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-quality", action="store_true", help="skip the precision/recall check")
    parser.add_argument(
        "--pinyin-ablation", action="store_true", help="only measure recall with and without pypinyin"
    )
    args = parser.parse_args()

    data, generate_seconds = corpus(args.customers, args.seed)
    if args.pinyin_ablation:
        print(json.dumps(pinyin_ablation(data), indent=2))
        return
    model = shipped()
    with PeakMemory() as memory:
        start, cpu_start = time.perf_counter(), time.process_time()
        result = model.find_duplicates(data)
        total, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    figures: dict[str, Any] = {
        "customers": len(data),
        "generate_seconds": round(generate_seconds, 1),
        "dedup_seconds": round(total, 1),
        "dedup_cpu_seconds": round(cpu, 1),
        "load_average_1m": round(os.getloadavg()[0], 1),
        "stage_seconds": {k: round(v, 1) for k, v in result.timings.items()},
        "candidate_pairs": result.candidates,
        "pairs_kept": len(result.pairs),
        "clustered_records": len(result.clusters),
        "peak_rss_mb": round(memory.peak / 2**20),
        "seconds_per_million": round(total * 1_000_000 / len(data), 1),
        "cpu_seconds_per_million": round(cpu * 1_000_000 / len(data), 1),
        "target_seconds_per_million": TARGET_SECONDS_PER_MILLION,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
    }
    if not args.no_quality:
        figures["quality"] = pair_scores(cluster_pairs(result.clusters), true_pairs(data))
    print(json.dumps(figures, indent=2))
    (RESULTS / "dedup.json").write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
