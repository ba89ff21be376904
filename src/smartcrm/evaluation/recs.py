"""``smartcrm eval recs``: collaborative filtering on ml-100k or on the user's own interactions.

Protocol (the one of the baselines in the shared data notes): implicit feedback (every rating
is an interaction), a random hold-out of 10% of each user's items (seeded), full ranking over
every item not seen in training, recall@10 = hits / |test items| and NDCG@10 with binary
relevance, averaged over users. The model tunes itself on an inner hold-out of the training
part only; popularity and EASE (λ = 250) are measured on the same split as baselines.

With ``--csv FILE`` (columns user_id,item_id[,timestamp]) and ``--horizon H``, the hold-out is
each user's last H interactions by timestamp instead (a forward-in-time check); without
timestamps or a horizon the random per-user split is used.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from smartcrm.engine.recs import CollaborativeRecommender, InteractionMatrix, holdout_per_user
from smartcrm.engine.recs.ease import fit_ease
from smartcrm.engine.recs.metrics import ranking_metrics


def add_arguments(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--dataset", choices=["ml-100k"], help="a public data set (default: ml-100k)")
    source.add_argument("--csv", help="your own interactions: user_id,item_id[,timestamp]")
    parser.add_argument(
        "--horizon", type=int, help="with --csv and timestamps: hold out each user's last H interactions"
    )
    parser.add_argument("--test-fraction", type=float, default=0.1, help="random hold-out share (0.1)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the split (default 0)")
    parser.add_argument("--users", type=int, help="evaluate on a random sample of this many users")
    parser.add_argument("--n-jobs", type=int, default=1, help="threads for ALS (default 1)")


def run(options: dict[str, Any]) -> dict[str, Any]:
    seed = int(options.get("seed") or 0)
    if options.get("csv"):
        frame = load_csv(str(options["csv"]))
        dataset = str(options["csv"])
    else:
        from smartcrm.evaluation.datasets import movielens

        frame = movielens.load_interactions()
        dataset = "ml-100k"
    if options.get("users"):
        frame = sample_users(frame, int(options["users"]), seed)
    horizon = options.get("horizon")
    if horizon and "timestamp" in frame.columns:
        train, test = holdout_last(frame, int(horizon))
        protocol = f"each user's last {horizon} interactions held out; full ranking over unseen items"
    else:
        fraction = float(options.get("test_fraction") or 0.1)
        train, test = holdout_per_user(frame, fraction, seed)
        protocol = (
            f"random {round(fraction * 100)}% of each user's items held out (seed {seed}); "
            "full ranking over items not seen in training; hyper-parameters tuned on an inner "
            "hold-out of the training part only"
        )
    return {
        "dataset": dataset,
        "protocol": protocol,
        **evaluate(train, test, n_jobs=int(options.get("n_jobs") or 1)),
    }


def evaluate(
    train: pd.DataFrame,
    test: pd.DataFrame,
    *,
    n_jobs: int = 1,
    k: int = 10,
    model_options: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Fit the model on ``train``, measure on ``test``; popularity and EASE(250) on the same split.

    ``model_options`` narrows the model's search grids (the tests use smaller ones); the
    command line always runs the defaults.
    """
    start = time.perf_counter()
    model = CollaborativeRecommender(n_jobs=n_jobs, **(model_options or {})).fit(train)
    fit_seconds = time.perf_counter() - start
    data = model.data_
    test_matrix = InteractionMatrix.from_frame(test[test["user_id"].isin(data.users)], items=data.items)
    from smartcrm.engine.recs.model import _align_rows

    truth = _align_rows(test_matrix, data.users)
    figures = ranking_metrics(lambda rows: model._scores(data.matrix, rows), data.matrix, truth, k)
    popularity = np.asarray(data.matrix.sum(axis=0), dtype=np.float64).ravel()
    baseline_pop = ranking_metrics(lambda rows: np.tile(popularity, (len(rows), 1)), data.matrix, truth, k)
    ease = fit_ease(data.matrix, 250.0)
    baseline_ease = ranking_metrics(lambda rows: np.asarray(data.matrix[rows] @ ease), data.matrix, truth, k)
    lost = int(len(test) - test_matrix.matrix.nnz)

    def rounded(values: dict[str, float]) -> dict[str, float]:
        return {key: round(float(v), 4) for key, v in values.items() if key != "users"}

    return {
        "model": "EASE (user-weighted, popularity-debiased) + implicit ALS blend; tuned by inner hold-out",
        "recall_at_10": round(figures[f"recall_at_{k}"], 4),
        "ndcg_at_10": round(figures[f"ndcg_at_{k}"], 4),
        "users": figures["users"],
        "items": len(data.items),
        "train_interactions": int(data.matrix.nnz),
        "test_interactions": int(truth.nnz),
        "test_interactions_unscorable": lost,
        "chosen": model.params_,
        "baselines": {"popularity": rounded(baseline_pop), "ease_lambda_250": rounded(baseline_ease)},
        "inner_validation": model.validation_,
        "fit_seconds": round(fit_seconds, 1),
        "seconds": round(time.perf_counter() - start, 1),
    }


def holdout_last(frame: pd.DataFrame, horizon: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each user's last ``horizon`` distinct items (by first timestamp) held out; needs > horizon."""
    if horizon < 1:
        raise ValueError("--horizon must be at least 1")
    pairs = frame.sort_values("timestamp", kind="stable").drop_duplicates(["user_id", "item_id"])
    position_from_end = pairs.groupby("user_id").cumcount(ascending=False)
    size = pairs.groupby("user_id")["item_id"].transform("size")
    is_test = (position_from_end < horizon) & (size > horizon)
    return pairs[~is_test].reset_index(drop=True), pairs[is_test].reset_index(drop=True)


def sample_users(frame: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    users = frame["user_id"].drop_duplicates()
    chosen = users.sample(n=min(n, len(users)), random_state=seed)
    return frame[frame["user_id"].isin(chosen)].reset_index(drop=True)


def load_csv(path: str) -> pd.DataFrame:
    """user_id,item_id[,timestamp] (timestamps: numbers or dates); rows missing an id are reported."""
    if not Path(path).exists():
        raise FileNotFoundError(f"no such file: {path}")
    frame = pd.read_csv(path, dtype={"user_id": str, "item_id": str})
    missing = [c for c in ("user_id", "item_id") if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {missing}; columns are {list(frame.columns)}")
    bad = frame[["user_id", "item_id"]].isna().any(axis=1)
    if bad.any():
        rows = (np.flatnonzero(bad.to_numpy()) + 2).tolist()[:10]
        raise ValueError(f"{path}: {int(bad.sum())} row(s) without user_id or item_id (file lines {rows}…)")
    if "timestamp" in frame.columns:
        stamps = pd.to_numeric(frame["timestamp"], errors="coerce")
        if stamps.isna().any():
            stamps = pd.to_datetime(frame["timestamp"], errors="coerce")
            if stamps.isna().any():
                line = int(np.flatnonzero(stamps.isna().to_numpy())[0]) + 2
                raise ValueError(f"{path}: unreadable timestamp on line {line}")
        frame["timestamp"] = stamps
    if frame["user_id"].nunique() < 2 or frame["item_id"].nunique() < 2:
        raise ValueError(f"{path}: need at least two users and two items")
    return frame
