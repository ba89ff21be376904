"""``smartcrm eval churn``: the general propensity model on Telco churn or on the user's own table.

Protocol: stratified k-fold cross-validation (5 folds, seeded). Each fold fits the model on the
training folds only (its calibration uses an internal split of those folds) and scores the
held-out fold. Reported: mean ROC-AUC, PR-AUC (average precision) and Brier score, per-fold
figures, the AUC of each half of the blend, a logistic-regression baseline (one-hot + scaling)
on the same folds, and a reliability table of the pooled out-of-fold probabilities.

``--dataset cdnow`` checks the non-contractual path instead: churn = no purchase in the next 90
days, labels and RFM features built from CDNOW transactions at quarterly as-of dates; trained
on the as-of dates 1997-06-30, 1997-09-30 and 1997-12-31, tested forward in time on 1998-03-31.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from smartcrm.engine.propensity import PropensityModel
from smartcrm.engine.propensity.calibration import reliability
from smartcrm.engine.propensity.schema import as_labels, column_kind


def add_arguments(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--dataset", choices=["telco", "cdnow"], help="a public data set (default: telco)")
    source.add_argument("--csv", help="your own labelled table, one row per customer")
    parser.add_argument("--target", help="with --csv: the column to predict")
    parser.add_argument("--positive", help="with --csv: the target value that counts as positive (e.g. Yes)")
    parser.add_argument(
        "--drop", default="", help="with --csv: comma-separated columns to ignore (ids, dates)"
    )
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (default 5)")
    parser.add_argument(
        "--seed", type=int, default=0, help="seed of the fold split and the model (default 0)"
    )
    parser.add_argument("--bins", type=int, default=10, help="bins of the calibration table (default 10)")
    parser.add_argument("--n-jobs", type=int, default=1, help="LightGBM threads (default 1)")


def run(options: dict[str, Any]) -> dict[str, Any]:
    if options.get("dataset") == "cdnow":
        return {"dataset": "cdnow", **forward_in_time_cdnow(int(options.get("n_jobs") or 1))}
    if options.get("csv"):
        X, y = load_csv(
            options["csv"], options.get("target"), options.get("positive"), options.get("drop") or ""
        )
        dataset = str(options["csv"])
    else:
        from smartcrm.evaluation.datasets import telco

        X, y = telco.load_xy()
        dataset = "telco"
    figures = cross_validate(
        X,
        y.to_numpy(dtype=int),
        folds=int(options.get("folds") or 5),
        seed=int(options.get("seed") or 0),
        bins=int(options.get("bins") or 10),
        n_jobs=int(options.get("n_jobs") or 1),
    )
    return {"dataset": dataset, **figures}


def load_csv(
    path: str, target: str | None, positive: str | None, drop: str
) -> tuple[pd.DataFrame, pd.Series]:
    """Read a labelled table; the target becomes a boolean Series (rows without a label are dropped)."""
    if not target or positive is None:
        raise ValueError("--csv needs --target COLUMN and --positive VALUE")
    if not Path(path).exists():
        raise FileNotFoundError(f"no such file: {path}")
    frame = pd.read_csv(path)
    if target not in frame.columns:
        raise ValueError(f"target column {target!r} is not in the file; columns are {list(frame.columns)}")
    ignored = [c.strip() for c in drop.split(",") if c.strip()]
    unknown = [c for c in ignored if c not in frame.columns]
    if unknown:
        raise ValueError(f"--drop names columns that are not in the file: {unknown}")
    frame = frame[frame[target].notna()].reset_index(drop=True)
    labels = frame[target].astype(str).str.strip()
    seen = sorted(labels.unique().tolist())
    if str(positive).strip() not in seen:
        raise ValueError(
            f"positive value {positive!r} never occurs in column {target!r}; values are {seen[:20]}"
        )
    if len(seen) < 2:
        raise ValueError(f"column {target!r} has a single value {seen}: nothing to predict")
    y = (labels == str(positive).strip()).rename(target)
    return frame.drop(columns=[target, *ignored]), y


def baseline(X: pd.DataFrame) -> Pipeline:
    """Untuned logistic regression: median-imputed scaled numerics, one-hot categoricals."""
    numeric = [c for c in X.columns if column_kind(X[c]) == "numeric"]
    categorical = [c for c in X.columns if c not in numeric]
    columns = ColumnTransformer(
        [
            ("numeric", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
            ("categorical", OneHotEncoder(handle_unknown="ignore"), categorical),
        ]
    )
    return make_pipeline(columns, LogisticRegression(max_iter=2000))


def _baseline_frame(X: pd.DataFrame) -> pd.DataFrame:
    out = X.copy()
    for column in out.columns:
        if column_kind(out[column]) == "categorical":
            out[column] = as_labels(out[column]).fillna("(missing)").astype(object)
    return out


def _scores(y: np.ndarray, probability: np.ndarray) -> dict[str, float]:
    return {
        "roc_auc": float(roc_auc_score(y, probability)),
        "pr_auc": float(average_precision_score(y, probability)),
        "brier": float(brier_score_loss(y, probability)),
    }


def cross_validate(
    X: pd.DataFrame, y: np.ndarray, *, folds: int = 5, seed: int = 0, bins: int = 10, n_jobs: int = 1
) -> dict[str, Any]:
    start = time.perf_counter()
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    pooled = np.empty(len(y))
    per_fold: list[dict[str, Any]] = []
    base_frame = _baseline_frame(X)
    for number, (train, test) in enumerate(splitter.split(X, y), start=1):
        model = PropensityModel(random_state=seed, n_jobs=n_jobs).fit(X.iloc[train], y[train])
        probability = model.predict_probability(X.iloc[test])
        raw = model.raw_scores(X.iloc[test])
        pooled[test] = probability
        base = baseline(base_frame).fit(base_frame.iloc[train], y[train])
        base_probability = base.predict_proba(base_frame.iloc[test])[:, 1]
        per_fold.append(
            {
                "fold": number,
                "n_test": len(test),
                **_scores(y[test], probability),
                "gbm_roc_auc": float(roc_auc_score(y[test], raw["gbm"])),
                "linear_roc_auc": float(roc_auc_score(y[test], raw["linear"])),
                "baseline_roc_auc": float(roc_auc_score(y[test], base_probability)),
                "baseline_pr_auc": float(average_precision_score(y[test], base_probability)),
                "baseline_brier": float(brier_score_loss(y[test], base_probability)),
            }
        )

    def mean(key: str) -> float:
        return round(float(np.mean([f[key] for f in per_fold])), 4)

    def std(key: str) -> float:
        return round(float(np.std([f[key] for f in per_fold])), 4)

    return {
        "protocol": f"{folds}-fold stratified CV (seed {seed}); calibration inside training folds only",
        "model": "PropensityModel: calibrated blend of LightGBM and logistic regression log-odds",
        "n": len(y),
        "positives": int(y.sum()),
        "roc_auc": mean("roc_auc"),
        "roc_auc_std": std("roc_auc"),
        "pr_auc": mean("pr_auc"),
        "brier": mean("brier"),
        "parts": {"gbm_roc_auc": mean("gbm_roc_auc"), "linear_roc_auc": mean("linear_roc_auc")},
        "baselines": {
            "logistic_regression": {
                "roc_auc": mean("baseline_roc_auc"),
                "roc_auc_std": std("baseline_roc_auc"),
                "pr_auc": mean("baseline_pr_auc"),
                "brier": mean("baseline_brier"),
            }
        },
        "folds": [{k: (round(v, 4) if isinstance(v, float) else v) for k, v in f.items()} for f in per_fold],
        "calibration": reliability(y, pooled, bins),
        "seconds": round(time.perf_counter() - start, 1),
    }


CDNOW_TRAIN_AS_OF = ("1997-06-30", "1997-09-30", "1997-12-31")
CDNOW_TEST_AS_OF = ("1998-03-31",)
CDNOW_HORIZON_DAYS = 90


def forward_in_time_cdnow(n_jobs: int = 1) -> dict[str, Any]:
    """Non-contractual churn on CDNOW: train on earlier as-of dates, test on a later one."""
    from smartcrm.engine.propensity import build_churn_training_frame
    from smartcrm.evaluation.datasets import cdnow

    start = time.perf_counter()
    transactions = cdnow.load_transactions()
    train = build_churn_training_frame(transactions, CDNOW_TRAIN_AS_OF, CDNOW_HORIZON_DAYS)
    test = build_churn_training_frame(transactions, CDNOW_TEST_AS_OF, CDNOW_HORIZON_DAYS)
    features = [c for c in train.columns if c not in ("customer_id", "as_of", "churned")]
    y_train = train["churned"].to_numpy(dtype=int)
    y_test = test["churned"].to_numpy(dtype=int)
    model = PropensityModel(n_jobs=n_jobs).fit(train[features], y_train)
    probability = model.predict_probability(test[features])
    raw = model.raw_scores(test[features])
    base = baseline(train[features]).fit(train[features], y_train)
    base_probability = base.predict_proba(test[features])[:, 1]
    return {
        "protocol": (
            f"churn = no purchase in {CDNOW_HORIZON_DAYS} days; train as-of {list(CDNOW_TRAIN_AS_OF)}, "
            f"test as-of {list(CDNOW_TEST_AS_OF)}"
        ),
        "n": len(y_test),
        "positives": int(y_test.sum()),
        "n_train": len(y_train),
        **{k: round(v, 4) for k, v in _scores(y_test, probability).items()},
        "parts": {
            "gbm_roc_auc": round(float(roc_auc_score(y_test, raw["gbm"])), 4),
            "linear_roc_auc": round(float(roc_auc_score(y_test, raw["linear"])), 4),
        },
        "baselines": {
            "logistic_regression": {k: round(v, 4) for k, v in _scores(y_test, base_probability).items()},
            "recency_only_roc_auc": round(float(roc_auc_score(y_test, test["recency_days"])), 4),
        },
        "folds": [],
        "calibration": reliability(y_test, probability, 10),
        "seconds": round(time.perf_counter() - start, 1),
    }
