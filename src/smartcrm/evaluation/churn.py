"""``smartcrm eval churn``: the general propensity model on public churn tables or the user's own.

Protocol: nested cross-validation. Outer stratified k-fold (5 folds, seeded) reports; inside each
outer training set the model runs its own inner cross-validation over its candidates (see
:mod:`smartcrm.engine.propensity.candidates`), keeps the best by inner ROC-AUC and calibrates on
the inner out-of-fold scores, so no outer test row is ever used to choose or calibrate.
Reported: mean ROC-AUC, PR-AUC (average precision) and Brier score, per-fold figures, the
candidate each outer fold chose and the inner scores, and under ``baselines`` the untuned
baselines fitted on the same outer folds — logistic regression (one-hot + scaling) and
``HistGradientBoostingClassifier()`` with default settings (native categoricals) — with their
per-fold ROC-AUCs; ``beats_best_baseline`` says whether the default's mean ROC-AUC is at least
the best baseline's. Also a reliability table of the pooled out-of-fold probabilities.

Data sets (``--dataset``): ``telco`` (IBM Telco, the one the defaults were developed on),
``mlc_churn`` (MLC++ telecom churn) and ``attrition`` (IBM HR attrition), or ``--csv``.

``--dataset cdnow`` checks the non-contractual path instead: churn = no purchase in the next 90
days, labels and RFM features built from CDNOW transactions at quarterly as-of dates; trained
on the as-of dates 1997-06-30, 1997-09-30 and 1997-12-31, tested forward in time on 1998-03-31.
"""

from __future__ import annotations

import argparse
import importlib
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import ClassifierMixin
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

from smartcrm.engine.propensity import PropensityModel
from smartcrm.engine.propensity.calibration import reliability
from smartcrm.engine.propensity.schema import as_labels, column_kind
from smartcrm.evaluation.robustness_rows import RobustnessRow

# Public labelled tables (module in smartcrm.evaluation.datasets with load_xy()); telco first.
TABLES = ("telco", "mlc_churn", "attrition")
ROBUSTNESS_RUNS: tuple[dict[str, Any], ...] = tuple({"dataset": name} for name in TABLES)
RULE = "default ROC-AUC ≥ best untuned baseline (same outer folds)"
# HistGradientBoosting's native categoricals take at most this many levels.
HISTGBM_MAX_LEVELS = 255


def add_arguments(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--dataset", choices=[*TABLES, "cdnow"], help="a public data set (default: telco)")
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
        dataset = options.get("dataset") or "telco"
        X, y = importlib.import_module(f"smartcrm.evaluation.datasets.{dataset}").load_xy()
    figures = cross_validate(
        X,
        y.to_numpy(dtype=int),
        folds=int(options.get("folds") or 5),
        seed=int(options.get("seed") or 0),
        bins=int(options.get("bins") or 10),
        n_jobs=int(options.get("n_jobs") or 1),
    )
    return {"dataset": dataset, **figures}


def robustness_rows(figures: dict[str, Any]) -> list[RobustnessRow]:
    """The default's mean ROC-AUC beside each untuned baseline's, on the same outer folds."""
    baselines = {name: float(b["roc_auc"]) for name, b in figures["baselines"].items()}
    return [
        RobustnessRow(
            task="churn",
            dataset=str(figures["dataset"]),
            seen=figures["dataset"] == "telco",
            metric="roc_auc",
            default_name="PropensityModel (candidate chosen by inner CV)",
            default=float(figures["roc_auc"]),
            rule=RULE,
            met=float(figures["roc_auc"]) >= max(baselines.values()),
            baselines=baselines,
        )
    ]


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


def _histgbm_frame(X: pd.DataFrame) -> pd.DataFrame:
    """Categoricals as pandas categories, which ``HistGradientBoostingClassifier`` takes natively;
    a column with more levels than it accepts goes in as its level codes."""
    out = X.copy()
    for column in out.columns:
        if column_kind(out[column]) == "categorical":
            levels = as_labels(out[column]).astype("category")
            too_many = len(levels.cat.categories) > HISTGBM_MAX_LEVELS
            out[column] = levels.cat.codes.replace(-1, np.nan) if too_many else levels
    return out


def _baselines(X: pd.DataFrame) -> dict[str, tuple[pd.DataFrame, ClassifierMixin]]:
    """Each untuned baseline with the frame it reads."""
    plain = _baseline_frame(X)
    return {
        "logistic_regression": (plain, baseline(plain)),
        "histgbm": (_histgbm_frame(X), HistGradientBoostingClassifier()),
    }


def _scores(y: np.ndarray, probability: np.ndarray) -> dict[str, float]:
    return {
        "roc_auc": float(roc_auc_score(y, probability)),
        "pr_auc": float(average_precision_score(y, probability)),
        "brier": float(brier_score_loss(y, probability)),
    }


def _summary(per_fold: list[dict[str, float]]) -> dict[str, Any]:
    def mean(key: str) -> float:
        return round(float(np.mean([f[key] for f in per_fold])), 4)

    return {
        "roc_auc": mean("roc_auc"),
        "roc_auc_std": round(float(np.std([f["roc_auc"] for f in per_fold])), 4),
        "pr_auc": mean("pr_auc"),
        "brier": mean("brier"),
        "folds": [round(f["roc_auc"], 4) for f in per_fold],
    }


def cross_validate(
    X: pd.DataFrame, y: np.ndarray, *, folds: int = 5, seed: int = 0, bins: int = 10, n_jobs: int = 1
) -> dict[str, Any]:
    start = time.perf_counter()
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    pooled = np.empty(len(y))
    per_fold: list[dict[str, Any]] = []
    baseline_folds: dict[str, list[dict[str, float]]] = {}
    baselines = _baselines(X)
    for number, (train, test) in enumerate(splitter.split(X, y), start=1):
        model = PropensityModel(random_state=seed, n_jobs=n_jobs).fit(X.iloc[train], y[train])
        probability = model.predict_probability(X.iloc[test])
        pooled[test] = probability
        per_fold.append(
            {
                "fold": number,
                "n_test": len(test),
                **_scores(y[test], probability),
                "chosen": model.candidate_,
                "inner_scores": model.inner_scores_,
            }
        )
        for name, (frame, estimator) in baselines.items():
            # HistGBM's OpenMP threads, like LightGBM's, follow --n-jobs (all cores thrash on a busy machine).
            with threadpool_limits(limits=n_jobs):
                fitted = estimator.fit(frame.iloc[train], y[train])
                scores = _scores(y[test], fitted.predict_proba(frame.iloc[test])[:, 1])
            baseline_folds.setdefault(name, []).append(scores)
            per_fold[-1][f"{name}_roc_auc"] = scores["roc_auc"]

    summary = _summary(per_fold)
    baseline_summary = {name: _summary(scores) for name, scores in baseline_folds.items()}
    best = max(baseline_summary, key=lambda name: baseline_summary[name]["roc_auc"])
    candidates = per_fold[0]["inner_scores"]
    return {
        "protocol": (
            f"nested CV: {folds}-fold stratified outer CV (seed {seed}) reports; the model's own inner "
            "CV on each outer training set chooses the candidate and calibrates"
        ),
        "model": "PropensityModel: calibrated LightGBM / logistic-regression candidate chosen by inner CV",
        "n": len(y),
        "positives": int(y.sum()),
        **{k: v for k, v in summary.items() if k != "folds"},
        "chosen": [f["chosen"] for f in per_fold],
        "inner_scores": {
            name: round(float(np.mean([f["inner_scores"][name] for f in per_fold])), 4) for name in candidates
        },
        "baselines": baseline_summary,
        "best_baseline": best,
        "beats_best_baseline": summary["roc_auc"] >= baseline_summary[best]["roc_auc"],
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
    baselines = {}
    for name, (frame, estimator) in _baselines(pd.concat([train[features], test[features]])).items():
        with threadpool_limits(limits=n_jobs):
            fitted = estimator.fit(frame.iloc[: len(train)], y_train)
            scores = _scores(y_test, fitted.predict_proba(frame.iloc[len(train) :])[:, 1])
        baselines[name] = {k: round(v, 4) for k, v in scores.items()}
    baselines["recency_only"] = {"roc_auc": round(float(roc_auc_score(y_test, test["recency_days"])), 4)}
    return {
        "protocol": (
            f"churn = no purchase in {CDNOW_HORIZON_DAYS} days; train as-of {list(CDNOW_TRAIN_AS_OF)}, "
            f"test as-of {list(CDNOW_TEST_AS_OF)}"
        ),
        "n": len(y_test),
        "positives": int(y_test.sum()),
        "n_train": len(y_train),
        **{k: round(v, 4) for k, v in _scores(y_test, probability).items()},
        "chosen": [model.candidate_],
        "inner_scores": model.inner_scores_,
        "baselines": baselines,
        "folds": [],
        "calibration": reliability(y_test, probability, 10),
        "seconds": round(time.perf_counter() - start, 1),
    }
