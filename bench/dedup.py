"""``python -m bench.dedup``: de-duplication of a generated customer set, timed per stage.

Generates ``--customers`` rows with planted duplicates (seed ``--seed``; the corpus is cached
in the temporary directory so reruns skip generation), fits the de-duplicator on a separate
training corpus (``--train-seed``, 20,000 rows), then times normalise, block, compare, score
and cluster on the whole set, with the peak resident memory of the process sampled during the
run, and the pair precision and recall at that scale.

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
from smartcrm.engine.dedup.corpus import CorpusSpec, make_corpus, true_pairs
from smartcrm.engine.dedup.metrics import pair_scores
from smartcrm.engine.dedup.model import Deduplicator

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--train-seed", type=int, default=0)
    parser.add_argument("--no-quality", action="store_true", help="skip the precision/recall check")
    args = parser.parse_args()

    data, generate_seconds = corpus(args.customers, args.seed)
    start = time.perf_counter()
    model = Deduplicator().fit(make_corpus(CorpusSpec(customers=20_000, seed=args.train_seed)))
    fit_seconds = time.perf_counter() - start

    with PeakMemory() as memory:
        start = time.perf_counter()
        result = model.find_duplicates(data)
        total = time.perf_counter() - start
    figures: dict[str, Any] = {
        "customers": len(data),
        "generate_seconds": round(generate_seconds, 1),
        "fit_seconds": round(fit_seconds, 1),
        "dedup_seconds": round(total, 1),
        "stage_seconds": {k: round(v, 1) for k, v in result.timings.items()},
        "candidate_pairs": result.candidates,
        "pairs_kept": len(result.pairs),
        "clustered_records": len(result.clusters),
        "peak_rss_mb": round(memory.peak / 2**20),
        "seconds_per_million": round(total * 1_000_000 / len(data), 1),
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
