"""``python -m bench.refresh_sql --database NAME [--chunk-size N] [--json]``: the propensity
models' purchase features per chunk of customer ids, two ways, side by side on the same
PostgreSQL shop (one ``bench.refresh`` generated):

- ``extract`` + ``pandas``: what a refresh chunk does now — fetch the chunk's history
  (``extract_shop``: orders, lines, tickets, reviews, texts; the chunk needs it for its other
  features too) and group the orders in pandas (``rfm_features``), timed apart;
- ``sql``: one GROUP BY in PostgreSQL (``intelligence.sql_features.rfm_aggregates``).

Prints the seconds of each per chunk and in all, the peak RSS of this process, and the largest
difference between the two results (they must agree).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from typing import Any

from bench.refresh import AS_OF, database_url


def compare(chunk_size: int) -> dict[str, Any]:
    import numpy as np
    import pandas as pd
    from django.db.models import Max, Min

    from smartcrm.customers.models import Customer
    from smartcrm.engine.propensity.labels import rfm_features
    from smartcrm.intelligence.extract import CustomerIds, extract_shop
    from smartcrm.intelligence.sql_features import rfm_aggregates

    bounds = Customer.objects.aggregate(lo=Min("pk"), hi=Max("pk"))
    chunks = []
    for first in range(bounds["lo"], bounds["hi"] + 1, chunk_size):
        ids = CustomerIds(first=first, last=first + chunk_size - 1)
        started = time.perf_counter()
        tx = extract_shop(AS_OF, ids).transactions
        extract_seconds = time.perf_counter() - started
        started = time.perf_counter()
        by_pandas = rfm_features(tx, pd.Timestamp(AS_OF))
        pandas_seconds = time.perf_counter() - started
        started = time.perf_counter()
        by_sql = rfm_aggregates(AS_OF, ids)
        sql_seconds = time.perf_counter() - started
        difference = float(np.nanmax(np.abs(by_sql.to_numpy(float) - by_pandas.to_numpy(float))))
        chunks.append(
            {
                "first_id": first,
                "customers": len(by_sql),
                "extract_seconds": round(extract_seconds, 2),
                "pandas_seconds": round(pandas_seconds, 2),
                "sql_seconds": round(sql_seconds, 2),
                "max_abs_difference": difference,
                "same_customers": list(by_sql.index) == list(by_pandas.index),
            }
        )
    extract_total = sum(c["extract_seconds"] for c in chunks)
    pandas_total = sum(c["pandas_seconds"] for c in chunks)
    sql_total = sum(c["sql_seconds"] for c in chunks)
    return {
        "chunk_size": chunk_size,
        "chunks": len(chunks),
        "extract_seconds": round(extract_total, 1),
        "pandas_seconds": round(pandas_total, 1),
        "sql_seconds": round(sql_total, 1),
        "sql_vs_pandas_alone": round(pandas_total / sql_total, 2) if sql_total else None,
        "sql_vs_extract_and_pandas": round((extract_total + pandas_total) / sql_total, 2)
        if sql_total
        else None,
        "agree": all(c["same_customers"] and c["max_abs_difference"] < 1e-6 for c in chunks),
        "per_chunk": chunks,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", required=True)
    parser.add_argument("--chunk-size", type=int, default=25_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    os.environ["DATABASE_URL"] = database_url(os.environ.get("DATABASE_URL", ""), args.database)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartcrm.settings")
    import django

    django.setup()
    figures = compare(args.chunk_size)
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    figures["load_average"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(figures, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
