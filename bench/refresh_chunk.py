"""``python -m bench.refresh_chunk --database NAME [--chunk N] [--repeat R] [--profile PATH] [--dump PATH]
[--json]``: where one chunk of a fan-out refresh spends its time, stage by stage.

Reads the last fitted ``scores`` run of a shop that ``bench.refresh`` generated and refreshed
(its fitted models stay on the run), then scores chunk N (default 1) of it in this process the
way a worker does (``refresh_chunks.score_chunk``, ``training.score_rows``,
``staging.stage_rows``; the staged rows are rolled back) and prints, per stage, the wall and the
CPU seconds of this process (all its threads): ``extract`` (the chunk's SQL), ``segments``
(customer features, RFM, clusters), ``churn`` and ``propensity`` (features, probabilities,
explanations), ``category``, ``clv``, ``table`` (the join), ``rows`` (CustomerScore values,
English text and JSON of the explanations) and ``copy`` (COPY into the staging table).
``--repeat`` runs it R times and keeps each stage's fastest run (the machine is shared);
``--profile`` writes a cProfile of the last run; ``--dump`` pickles the chunk's rows
(``customer_id`` → values, JSON as stored) to compare two versions of the code.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pickle
import resource
import time
from pathlib import Path
from typing import Any

from bench.refresh import database_url

Timed = dict[str, tuple[float, float]]  # stage → (wall seconds, CPU seconds)


def one_chunk(number: int, profile: Path | None) -> tuple[Timed, list[dict[str, Any]]]:
    from django.db import transaction
    from django.utils import timezone

    from smartcrm.intelligence import staging
    from smartcrm.intelligence.models import RefreshRun, RunKind
    from smartcrm.intelligence.refresh_chunks import Timings, score_chunk, timed
    from smartcrm.intelligence.refresh_fit import FittedModels
    from smartcrm.intelligence.training import score_rows

    run = RefreshRun.objects.filter(kind=RunKind.SCORES, fitted__isnull=False).latest("pk")
    fitted = FittedModels.from_bytes(bytes(run.fitted))
    chunk = run.chunks.get(number=number)
    timings: Timings = {}
    profiler = cProfile.Profile(time.process_time) if profile else None  # CPU seconds
    if profiler:
        profiler.enable()
    table = score_chunk(fitted, run.as_of, chunk.first_id, chunk.last_id, timings)
    with timed(timings, "rows"):
        rows = list(score_rows(table, run.as_of, timezone.now(), fitted.versions))
    with transaction.atomic(), timed(timings, "copy"):
        staging.stage_rows(run.pk, chunk.first_id, chunk.last_id, rows)
        transaction.set_rollback(True)
    if profiler and profile:
        profiler.disable()
        profiler.dump_stats(profile)
    return timings, rows


def comparable(rows: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """The rows by customer without the time they were scored at."""
    return {row["customer_id"]: {k: v for k, v in row.items() if k != "scored_at"} for row in rows}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", required=True, help="a shop bench.refresh generated and refreshed")
    parser.add_argument("--chunk", type=int, default=1, help="the chunk's number in the run")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--profile", type=Path, help="write a cProfile of the last run here")
    parser.add_argument("--dump", type=Path, help="pickle the chunk's rows here")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON only")
    args = parser.parse_args(argv)

    os.environ["DATABASE_URL"] = database_url(os.environ.get("DATABASE_URL", ""), args.database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartcrm.settings")
    import django

    django.setup()
    best: Timed = {}
    rows: list[dict[str, Any]] = []
    for attempt in range(args.repeat):
        timings, rows = one_chunk(args.chunk, args.profile if attempt == args.repeat - 1 else None)
        for stage, (wall, cpu) in timings.items():
            known = best.get(stage)
            best[stage] = (wall, cpu) if known is None or wall < known[0] else known
    figures = {
        "database": args.database,
        "chunk": args.chunk,
        "customers": len(rows),
        "repeat": args.repeat,
        "stages": {s: {"wall": round(w, 2), "cpu": round(c, 2)} for s, (w, c) in best.items()},
        "total": {
            "wall": round(sum(w for w, _ in best.values()), 2),
            "cpu": round(sum(c for _, c in best.values()), 2),
        },
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    if args.dump:
        args.dump.write_bytes(pickle.dumps(comparable(rows)))
    if args.json:
        print(json.dumps(figures))
        return
    print(f"chunk {args.chunk} of {args.database}: {len(rows):,} customers, best of {args.repeat}")
    for stage, values in figures["stages"].items():
        print(f"  {stage:<11} {values['wall']:>7.2f} s wall {values['cpu']:>7.2f} s CPU")
    print(f"  {'total':<11} {figures['total']['wall']:>7.2f} s wall {figures['total']['cpu']:>7.2f} s CPU")


if __name__ == "__main__":
    main()
