"""Measure the segment models on synthetic shops: the figures in docs/models/segments.md.

    .venv/bin/python -m smartcrm.evaluation.segments_measure --customers 3000 --seeds 1 2 3 7 11
    .venv/bin/python -m smartcrm.evaluation.segments_measure --scale 10000000   # timings only

For each seed: k chosen, adjusted Rand index between clusters and the generator's planted
first preferred category, the same for the customers' own observed top category (the
ceiling: purchases are spread over up to three preferred categories), for shuffled clusters
(chance), the cluster labels, and the RFM segment sizes.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score

from smartcrm.engine.features import customer_features, lines_with_category
from smartcrm.engine.segments.clustering import BehaviourClusters
from smartcrm.engine.segments.rfm import RFMSegmenter
from smartcrm.synth.generator import ShopGenerator
from smartcrm.synth.spec import ShopSpec

END = date(2025, 6, 30)


def measure(n_customers: int, seed: int) -> dict[str, Any]:
    shop = ShopGenerator(ShopSpec(n_customers=n_customers, seed=seed, end=END)).generate()
    lines = lines_with_category(shop["order_lines"], shop["products"], shop["categories"])
    started = time.perf_counter()
    features = customer_features(shop["orders"], lines, shop["tickets"], shop["reviews"], as_of=END)
    features_s = time.perf_counter() - started
    planted = shop["customers"].set_index("id")["preferred_categories"].str.split(",").str[0]
    truth = planted.reindex(features.index)

    started = time.perf_counter()
    model = BehaviourClusters(k_range=(2, 8), random_state=0).fit(features)
    fit_s = time.perf_counter() - started
    clusters = model.assign(features)["cluster"].to_numpy()
    shuffled = np.random.default_rng(0).permutation(clusters)
    rfm = RFMSegmenter().fit(features).assign(features)
    return {
        "seed": seed,
        "customers_with_orders": len(features),
        "k": model.k_,
        "silhouette": {k: round(v, 3) for k, v in model.silhouette_.items()},
        "ari_clusters_vs_planted": round(adjusted_rand_score(truth, clusters), 3),
        "ari_top_category_vs_planted": round(adjusted_rand_score(truth, features["top_category"]), 3),
        "ari_shuffled_vs_planted": round(adjusted_rand_score(truth, shuffled), 3),
        "labels": model.labels_,
        "rfm_segments": rfm["segment"].value_counts(sort=False).to_dict(),
        "features_seconds": round(features_s, 2),
        "cluster_fit_seconds": round(fit_s, 2),
    }


def measure_scale(n_lines: int, seed: int = 0) -> dict[str, Any]:
    """Timings on random data: n_lines lines, n_lines / 2.9 orders, n_lines / 10 customers."""
    rng = np.random.default_rng(seed)
    n_orders, n_customers = int(n_lines / 2.9), max(n_lines // 10, 100)
    start = np.datetime64("2023-07-01T00:00:00", "s")
    orders = pd.DataFrame(
        {
            "id": np.arange(1, n_orders + 1),
            "customer_id": rng.integers(1, n_customers + 1, n_orders),
            "placed_at": start + rng.integers(0, 730 * 86400, n_orders).astype("timedelta64[s]"),
            "total": rng.lognormal(4, 1, n_orders).round(2),
            "channel": pd.Categorical(rng.choice(["web", "mobile", "marketplace", "pos"], n_orders)),
            "discount_total": np.where(rng.random(n_orders) < 0.1, 5.0, 0.0),
            "status": pd.Categorical(rng.choice(["delivered", "cancelled"], n_orders, p=[0.97, 0.03])),
        }
    )
    lines = pd.DataFrame(
        {
            "order_id": rng.integers(1, n_orders + 1, n_lines),
            "category": pd.Categorical(rng.choice([f"c{i}" for i in range(40)], n_lines)),
            "quantity": rng.integers(1, 4, n_lines),
            "line_total": rng.lognormal(3, 1, n_lines).round(2),
        }
    )
    timings: dict[str, Any] = {"lines": n_lines, "orders": n_orders}
    started = time.perf_counter()
    features = customer_features(orders, lines, as_of=pd.Timestamp("2025-06-01"))
    timings["features_seconds"] = round(time.perf_counter() - started, 1)
    timings["customers"] = len(features)
    started = time.perf_counter()
    RFMSegmenter().fit(features).assign(features)
    timings["rfm_seconds"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    model = BehaviourClusters().fit(features)
    timings["cluster_fit_seconds"] = round(time.perf_counter() - started, 1)
    started = time.perf_counter()
    model.assign(features)
    timings["cluster_assign_seconds"] = round(time.perf_counter() - started, 1)
    timings["peak_rss_gb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6, 2)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=3_000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[7])
    parser.add_argument("--scale", type=int, metavar="LINES", help="time the models on random data instead")
    options = parser.parse_args()
    if options.scale:
        print(json.dumps(measure_scale(options.scale)))
        return
    for seed in options.seeds:
        print(json.dumps(measure(options.customers, seed), ensure_ascii=False))


if __name__ == "__main__":
    main()
