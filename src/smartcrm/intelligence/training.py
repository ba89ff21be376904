"""Train and score: the one thin layer between the database and the engine.

``train(as_of)`` extracts the shop's history as of a date, fits every model, registers and
activates the versions, and writes one CustomerScore per customer. ``train(refit=False)`` reuses
the active versions (segments are descriptive and are recomputed on the current data).
Each stage reports its seconds, so `make bench` and the model cards can show where time goes.

The registry never mixes two trainings: each version is registered *inactive* (staged) when
its model is fitted, and the staged versions are activated together with the new scores in one
transaction at the very end. A training killed half-way (kill -9, a lost database) leaves every
kind on its previous version and every score from it; its ``TrainingRun`` is swept as
``interrupted`` (recovery.py) and its staged versions stay inactive, for the record.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from smartcrm.core import heartbeat
from smartcrm.core.actors import Actor
from smartcrm.core.connection import reconnect_if_broken
from smartcrm.engine.clv.lifetime_value import LifetimeValueModel
from smartcrm.engine.clv.selection import training_split
from smartcrm.engine.clv.summary import summarise_transactions
from smartcrm.engine.features import customer_features
from smartcrm.engine.propensity.calibration import reliability
from smartcrm.engine.propensity.labels import (
    RFM_TEMPLATES,
    build_churn_training_frame,
    build_purchase_training_frame,
    rfm_features,
)
from smartcrm.engine.propensity.model import PropensityModel
from smartcrm.engine.propensity.text_features import TEXT_TEMPLATES, text_sentiment_features
from smartcrm.engine.reasons import Reason, Rendered
from smartcrm.engine.segments.clustering import BehaviourClusters
from smartcrm.engine.segments.rfm import RFMSegmenter
from smartcrm.engine.segments.transitions import segment_transitions
from smartcrm.intelligence import category_scores, events
from smartcrm.intelligence.extract import ShopExtract, extract_shop
from smartcrm.intelligence.models import CustomerScore, SegmentMovement, TrainingRun, TrainingStatus
from smartcrm.intelligence.score_writer import EncodedJson, upsert_scores
from smartcrm.intelligence.selectors import high_value_threshold
from smartcrm.modelregistry import registry
from smartcrm.modelregistry.models import ModelKind

CHURN_HORIZON_DAYS = 90
PURCHASE_HORIZON_DAYS = 30
TRAINING_WINDOWS = 4  # as-of dates, a month apart, that training labels are built from
WEEKS_90D, WEEKS_12M = 90 / 7, 52.0
MONTHLY_DISCOUNT = 0.01  # CLV discount rate per month (about 12.7 % a year)
CLV_FIT_CUSTOMERS = 20_000
TRAIN_CUSTOMERS = 50_000  # customers whose history the churn and propensity models learn from
RFM_ONLY = ["recency_days", "frequency", "monetary_sum"]
TEMPLATES = {**RFM_TEMPLATES, **TEXT_TEMPLATES}
STAGES = (
    "extract",
    "segments",
    "clv",
    ModelKind.CHURN.value,
    ModelKind.PROPENSITY.value,
    ModelKind.CATEGORY_PROPENSITY.value,
    "write",
)


class NotEnoughHistoryError(ValueError):
    """The shop's history is too short or too thin to train this model."""


@dataclass
class RefreshResult:
    as_of: date
    trained: bool = True  # False: scored with the active versions (``smartcrm score``)
    customers_scored: int = 0
    versions: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    metrics: dict[str, dict[str, Any]] = field(default_factory=dict)


@contextmanager
def _stage(result: RefreshResult, name: str, progress: Callable[[str], None]) -> Iterator[None]:
    progress(name)
    started = time.perf_counter()
    yield
    result.seconds[name] = round(time.perf_counter() - started, 2)


# -- models ---------------------------------------------------------------------------------


def _segments(extract: ShopExtract, as_of: date) -> tuple[pd.DataFrame, dict[str, Any]]:
    features = customer_features(extract.orders, extract.lines, extract.tickets, extract.reviews, as_of=as_of)
    if len(features) < 20:
        raise NotEnoughHistoryError("segments need at least 20 customers with orders")
    rfm = RFMSegmenter().fit(features).assign(features)
    clusters = BehaviourClusters().fit(features)
    out = rfm[["rfm_code", "segment"]].join(clusters.assign(features))
    metrics = {
        "customers": len(features),
        "segments": rfm["segment"].value_counts().to_dict(),
        "k": clusters.k_,
        "clusters": dict(enumerate(clusters.labels_)),
    }
    return out, metrics


def _sample_customers(tx: pd.DataFrame, limit: int) -> pd.DataFrame:
    """The transactions of at most ``limit`` customers, drawn at random (seeded)."""
    customers = tx["customer_id"].unique()
    if len(customers) <= limit:
        return tx
    chosen = np.random.default_rng(0).choice(customers, size=limit, replace=False)
    return tx[tx["customer_id"].isin(chosen)]


def _train_clv(
    tx: pd.DataFrame, as_of: date, limit: int = CLV_FIT_CUSTOMERS
) -> tuple[LifetimeValueModel, dict[str, Any]]:
    """The CLV default (BG/NBD corrected by a learnt factor) with Gamma-Gamma, on a sample.

    The parameters describe the population, so a sample of CLV_FIT_CUSTOMERS estimates them
    well (``limit``: at most this many customers; bench/refresh_quality.py fits on everyone).
    The correction learns from a time split inside the history (the last third, at most
    a year, is its target); with too little history or too few customers for it the model is
    plain BG/NBD. Pareto/NBD stays in ``smartcrm eval clv`` but not here: its likelihood needs
    2F1 terms that cost up to milliseconds per heavy buyer in scipy (minutes per 100,000
    customers to score), and on CDNOW it was not chosen (docs/models/clv.md).
    """
    sample = _sample_customers(tx, limit)
    summary = summarise_transactions(sample, pd.Timestamp(as_of), freq="W")
    try:
        split = training_split(sample, pd.Timestamp(as_of), WEEKS_12M * 7, freq="W")
        model = LifetimeValueModel(purchases="bgnbd-gbm").fit(summary, split)
    except ValueError as exc:  # too little history or too few customers for the correction
        model = LifetimeValueModel(purchases="bgnbd").fit(summary)
        return model, {
            "model": "bgnbd+gamma-gamma",
            "fitted_on_customers": len(summary),
            "why_not_corrected": str(exc),
        }
    return model, {
        "model": "bgnbd-gbm+gamma-gamma",
        "fitted_on_customers": len(summary),
        "correction_trained_on_customers": len(split),
    }


CLV_COLUMNS = ["expected_purchases_90d", "probability_alive", "clv_12m"]


def _score_clv(model: LifetimeValueModel, tx: pd.DataFrame, as_of: date) -> pd.DataFrame:
    summary = summarise_transactions(tx, pd.Timestamp(as_of), freq="W")
    weeks_per_month = 52 / 12
    return pd.DataFrame(
        {
            "expected_purchases_90d": model.expected_purchases(summary, WEEKS_90D),
            "probability_alive": model.probability_alive(summary),
            "clv_12m": model.customer_lifetime_value(
                summary, WEEKS_12M, discount_rate=MONTHLY_DISCOUNT, step=weeks_per_month
            ),
        },
        index=summary.index,
    )


def _training_dates(as_of: date, horizon_days: int) -> list[pd.Timestamp]:
    last = pd.Timestamp(as_of) - pd.Timedelta(days=horizon_days)
    return [last - pd.Timedelta(days=30 * k) for k in reversed(range(TRAINING_WINDOWS))]


def _auc(y: np.ndarray, p: np.ndarray) -> float | None:
    return float(roc_auc_score(y, p)) if 0 < y.sum() < len(y) else None


def _train_propensity(
    frame: pd.DataFrame, label: str, outcome: str
) -> tuple[PropensityModel, dict[str, Any]]:
    """Fit on every window; the figures come from a fit on the earlier windows scored on the
    last one (a later, held-out time window), beside an RFM-only logistic baseline."""
    if frame[label].nunique() < 2 or len(frame) < 50:
        raise NotEnoughHistoryError(f"{outcome}: not enough labelled history to train")
    features = [c for c in frame.columns if c not in ("customer_id", "as_of", label)]
    last = frame["as_of"] == frame["as_of"].max()
    train, test = frame[~last], frame[last]
    metrics: dict[str, Any] = {"rows": len(frame), "positives": int(frame[label].sum())}
    if train[label].nunique() == 2 and test[label].nunique() == 2:
        held = PropensityModel(outcome=outcome, templates=TEMPLATES).fit(train[features], train[label])
        p = held.predict_probability(test[features])
        baseline = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
        baseline.fit(train[RFM_ONLY].fillna(0), train[label])
        y = test[label].to_numpy().astype(int)
        metrics |= {
            "validation": "trained on earlier windows, scored on the last one",
            "roc_auc": _auc(y, p),
            "rfm_only_roc_auc": _auc(y, baseline.predict_proba(test[RFM_ONLY].fillna(0))[:, 1]),
            "brier": float(brier_score_loss(y, p)),
            "calibration": reliability(y, p, 10),
        }
    model = PropensityModel(outcome=outcome, templates=TEMPLATES).fit(frame[features], frame[label])
    return model, metrics


def _features_with_texts(texts: pd.DataFrame) -> Callable[[pd.DataFrame, pd.Timestamp], pd.DataFrame]:
    """Purchase features joined with how the customer sounded in texts, both as of the date."""

    def features(history: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
        base = rfm_features(history, as_of)
        return base.join(text_sentiment_features(texts, as_of, base.index))

    return features


def propensity_features(tx: pd.DataFrame, texts: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """What the churn and 30-day propensity models score (the same columns for both)."""
    return _features_with_texts(texts)(tx, pd.Timestamp(as_of))


def score_propensity(model: PropensityModel, features: pd.DataFrame) -> pd.DataFrame:
    """``probability`` and ``reasons`` (rendered: engine.reasons.Rendered) per customer."""
    return pd.DataFrame(
        {
            "probability": model.predict_probability(features),
            "reasons": model.rendered_explanations(features),
        },
        index=features.index,
    )


def _score_propensity(
    model: PropensityModel, tx: pd.DataFrame, texts: pd.DataFrame, as_of: date
) -> pd.DataFrame:
    return score_propensity(model, propensity_features(tx, texts, as_of))


# -- train and score ---------------------------------------------------------------------------


def train(
    *,
    as_of: date | None = None,
    actor: Actor = "system",
    refit: bool = True,
    progress: Callable[[str], None] = lambda _stage: None,
) -> RefreshResult:
    """Train (or, with ``refit=False``, load the active models) and write every customer's scores
    as of ``as_of``. This app's entry point for training (``smartcrm train``, ``smartcrm score``,
    the nightly task)."""
    as_of = as_of or timezone.localdate() - timedelta(days=1)
    run = TrainingRun.objects.create(as_of=as_of, refit=refit, actor_label=str(actor)[:150])

    def stage(name: str) -> None:
        TrainingRun.objects.filter(pk=run.pk).update(stage=name)
        progress(name)

    with heartbeat.beating(TrainingRun, run.pk):
        try:
            result = _train(as_of, actor, refit, stage)
        except BaseException as exc:
            with suppress(DatabaseError):  # the database may be what failed; the error matters more
                reconnect_if_broken()
                TrainingRun.objects.filter(pk=run.pk).update(
                    status=TrainingStatus.FAILED, message=failed_message(exc), finished_at=timezone.now()
                )
            raise
    TrainingRun.objects.filter(pk=run.pk).update(
        status=TrainingStatus.DONE, versions=result.versions, finished_at=timezone.now()
    )
    return result


def failed_message(error: BaseException) -> str:
    cause = "the database connection was lost, " if isinstance(error, DatabaseError) else ""
    return (
        f"Failed ({cause}{type(error).__name__}); the previous training's models and scores stay "
        "active: nothing of this run was switched in."
    )


def _train(as_of: date, actor: Actor, refit: bool, progress: Callable[[str], None]) -> RefreshResult:
    result = RefreshResult(as_of=as_of, trained=refit)
    with _stage(result, "extract", progress):
        extract = extract_shop(as_of)
        tx = extract.transactions
        if tx.empty:
            raise NotEnoughHistoryError("there are no orders to learn from")
        data_hash = registry.data_hash(extract.orders[["customer_id", "placed_at", "total"]])
    with _stage(result, "segments", progress):
        segments, result.metrics["segments"] = _segments(extract, as_of)
    record = _Recorder(as_of=as_of, data_hash=data_hash, actor=actor, result=result)

    with _stage(result, "clv", progress):
        if refit:
            clv, metrics = _train_clv(tx, as_of)
            record(
                ModelKind.CLV,
                json.dumps(clv.to_dict()).encode(),
                f"LifetimeValueModel/{LifetimeValueModel.VERSION}",
                metrics,
                {"columns": ["frequency", "recency", "T", "monetary_value"]},
            )
        else:
            clv = LifetimeValueModel.from_dict(json.loads(_active_artifact(ModelKind.CLV, result)))
        clv_scores = _score_clv(clv, tx, as_of)

    scored: dict[str, pd.DataFrame] = {}
    for target in PROPENSITY_TARGETS:
        with _stage(result, target.kind.value, progress):
            scored[target.kind] = _propensity(target, extract, as_of, refit, record)

    with _stage(result, ModelKind.CATEGORY_PROPENSITY.value, progress):
        by_category = _category_propensity(extract, as_of, refit, record, result)

    with _stage(result, "write", progress):
        result.customers_scored = _write_scores(
            as_of, segments, clv_scores, scored, by_category, result.versions, record
        )
        high_value_threshold(refresh=True)  # the list's "high value" filter follows the new scores
    events.models_refreshed(result)  # models learnt from other apps' data (campaign uplift) follow
    return result


@dataclass(frozen=True)
class _Recorder:
    """Registers each model version this training run makes, inactive (staged), noting it in
    ``result``; ``activate`` switches them all on at once."""

    as_of: date
    data_hash: str
    actor: Actor
    result: RefreshResult
    staged: list[int] = field(default_factory=list)

    def activate(self) -> None:
        registry.activate_together(self.staged, actor=self.actor)

    def __call__(
        self, kind: ModelKind, artifact: bytes, engine: str, metrics: dict[str, Any], schema: dict[str, Any]
    ) -> None:
        version = registry.register(
            registry.TrainingRecord(
                kind=kind,
                artifact=artifact,
                engine=engine,
                trained_as_of=self.as_of,
                data_hash=self.data_hash,
                metrics=metrics,
                feature_schema=schema,
            ),
            actor=self.actor,
            activate=False,
        )
        self.staged.append(version.pk)
        self.result.versions[kind.value] = version.version
        self.result.metrics[kind.value] = metrics


@dataclass(frozen=True)
class _PropensityTarget:
    kind: ModelKind
    horizon_days: int
    label: str
    outcome: str
    build: Callable[..., pd.DataFrame]


PROPENSITY_TARGETS = (
    _PropensityTarget(
        ModelKind.CHURN, CHURN_HORIZON_DAYS, "churned", gettext_noop("Churn risk"), build_churn_training_frame
    ),
    _PropensityTarget(
        ModelKind.PROPENSITY,
        PURCHASE_HORIZON_DAYS,
        "purchased",
        gettext_noop("Chance to buy within 30 days"),
        build_purchase_training_frame,
    ),
)


def _propensity(
    target: _PropensityTarget, extract: ShopExtract, as_of: date, refit: bool, record: _Recorder
) -> pd.DataFrame:
    """Train (or load) one propensity model and score every customer with it."""
    if refit:
        model = fit_propensity(target, extract, as_of, record)
    else:
        model = PropensityModel.from_bytes(_active_artifact(target.kind, record.result))
    return _score_propensity(model, extract.transactions, extract.texts, as_of)


@dataclass(frozen=True)
class FittedPropensity:
    """A fitted propensity model with what its registry entry records."""

    model: PropensityModel
    metrics: dict[str, Any]
    schema: dict[str, Any]


def propensity_fit(target: _PropensityTarget, extract: ShopExtract, as_of: date) -> FittedPropensity:
    """Fit one propensity model on (a sample of) the extract's customers; touches no database,
    so the refresh fits its models side by side in threads (refresh_fit.py)."""
    history = _sample_customers(extract.transactions, TRAIN_CUSTOMERS)  # cost stops growing with the shop
    frame = target.build(
        history,
        _training_dates(as_of, target.horizon_days),
        target.horizon_days,
        features=_features_with_texts(extract.texts),
        data_end=pd.Timestamp(as_of),
    )
    model, metrics = _train_propensity(frame, target.label, target.outcome)
    columns = [c for c in frame.columns if c not in ("customer_id", "as_of", target.label)]
    return FittedPropensity(model, metrics, {"columns": columns})


def record_propensity(kind: ModelKind, fitted: FittedPropensity, record: _Recorder) -> PropensityModel:
    """Register a fitted propensity model staged; the model."""
    record(kind, fitted.model.to_bytes(), "PropensityModel", fitted.metrics, fitted.schema)
    return fitted.model


def fit_propensity(
    target: _PropensityTarget, extract: ShopExtract, as_of: date, record: _Recorder
) -> PropensityModel:
    """Fit one propensity model on (a sample of) the extract's customers and register it staged."""
    return record_propensity(target.kind, propensity_fit(target, extract, as_of), record)


def _category_propensity(
    extract: ShopExtract,
    as_of: date,
    refit: bool,
    record: _Recorder,
    result: RefreshResult,
) -> pd.DataFrame:
    """Each customer's most likely next categories; empty when the shop has too little history."""
    if refit:
        fitted = fit_category_propensity(extract, as_of, record, result)
        if fitted is None:
            return pd.DataFrame()
        model, categories = fitted
    else:
        version = registry.active_version(ModelKind.CATEGORY_PROPENSITY)
        if version is None:  # optional: a shop without categories never trained one
            return pd.DataFrame()
        result.versions[ModelKind.CATEGORY_PROPENSITY.value] = version.version
        model = PropensityModel.from_bytes(registry.load_artifact(version))
        categories = list(version.feature_schema.get("categories", []))
    return category_scores.score(model, extract.category_transactions, as_of, categories)


def category_propensity_fit(extract: ShopExtract, as_of: date) -> FittedPropensity | str:
    """The fitted category model (its categories in ``schema``), or why there is none; touches
    no database (see :func:`propensity_fit`)."""
    horizon = PURCHASE_HORIZON_DAYS
    try:
        model, metrics, categories = category_scores.train(
            extract.category_transactions,
            _training_dates(as_of, horizon),
            horizon,
            data_end=pd.Timestamp(as_of),
        )
    except (category_scores.NotEnoughCategoryHistoryError, ValueError) as exc:
        return str(exc)
    return FittedPropensity(model, metrics, {"columns": model.feature_names_, "categories": categories})


def record_category_propensity(
    fitted: FittedPropensity | str, record: _Recorder, result: RefreshResult
) -> tuple[PropensityModel, list[str]] | None:
    """Stage the category model; its categories, or ``None`` (and why, in the metrics)."""
    if isinstance(fitted, str):
        result.metrics[ModelKind.CATEGORY_PROPENSITY.value] = {"skipped": fitted}
        return None
    record(
        ModelKind.CATEGORY_PROPENSITY,
        fitted.model.to_bytes(),
        "PropensityModel",
        fitted.metrics,
        fitted.schema,
    )
    return fitted.model, list(fitted.schema["categories"])


def fit_category_propensity(
    extract: ShopExtract, as_of: date, record: _Recorder, result: RefreshResult
) -> tuple[PropensityModel, list[str]] | None:
    """Fit and stage the category model and its categories; ``None`` with too little history."""
    return record_category_propensity(category_propensity_fit(extract, as_of), record, result)


def _active_artifact(kind: ModelKind, result: RefreshResult) -> bytes:
    version = registry.active_version(kind)
    if version is None:
        raise NotEnoughHistoryError(f"no active {kind} model: run `smartcrm train` first")
    result.versions[kind.value] = version.version
    return registry.load_artifact(version)


def _record_movement(as_of: date, segments: pd.Series) -> None:
    """Count moves from the scores about to be replaced to the new ones (same date: nothing)."""
    previous = pd.DataFrame.from_records(
        CustomerScore.objects.exclude(as_of=as_of).values_list("customer_id", "segment", "as_of"),
        columns=["customer_id", "segment", "as_of"],
    )
    if previous.empty:
        return
    from_as_of = previous["as_of"].max()
    before = previous.set_index("customer_id")["segment"].replace("", np.nan)
    moves = segment_transitions(before, segments.replace("", np.nan).dropna()).stack()
    SegmentMovement.objects.filter(to_as_of=as_of).delete()  # a re-run of the same day replaces
    SegmentMovement.objects.bulk_create(
        SegmentMovement(
            from_as_of=from_as_of, to_as_of=as_of, from_segment=str(frm), to_segment=str(to), customers=int(n)
        )
        for (frm, to), n in moves.items()
        if n > 0
    )


def _write_scores(
    as_of: date,
    segments: pd.DataFrame,
    clv: pd.DataFrame,
    scored: dict[str, pd.DataFrame],
    by_category: pd.DataFrame,
    versions: dict[str, int],
    record: _Recorder,
) -> int:
    table = score_table(segments, clv, scored, by_category)
    with transaction.atomic():  # the new versions and their scores switch together
        record.activate()
        _record_movement(as_of, table["segment"])
        upsert_scores(score_rows(table, as_of, timezone.now(), versions), SCORE_FIELDS)
        events.scores_refreshed(as_of)  # the workflows of scores that crossed a line
    return len(table)


def score_table(
    segments: pd.DataFrame, clv: pd.DataFrame, scored: dict[str, pd.DataFrame], by_category: pd.DataFrame
) -> pd.DataFrame:
    """One row per customer with every score column (the CustomerScore columns a refresh writes)."""
    churn, buy = scored[ModelKind.CHURN], scored[ModelKind.PROPENSITY]
    table = (
        segments.join(clv, how="outer")
        .join(churn.rename(columns={"probability": "churn_risk", "reasons": "churn_reasons"}), how="outer")
        .join(
            buy.rename(columns={"probability": "propensity_30d", "reasons": "propensity_reasons"}),
            how="outer",
        )
    )
    table = table.join(by_category.reindex(table.index)) if not by_category.empty else table
    for column in category_scores.SCORE_COLUMNS:
        if column not in table.columns:
            table[column] = None
    return table


def score_rows(
    table: pd.DataFrame, as_of: date, now: datetime, versions: dict[str, int]
) -> Iterator[dict[str, Any]]:
    """``table``'s rows as CustomerScore field values (``customer_id`` and SCORE_FIELDS);
    ``explanations`` and ``model_versions`` come encoded (score_writer.EncodedJson)."""

    # The reasons are Rendered (each customer's text and JSON, built from phrases rendered once)
    # or Reason objects shared by many customers (a cluster's label): those are rendered once
    # here. The table holds them, so their ids stay valid while this memo lives.
    rendered: dict[int, Rendered] = {}

    def render(value: Reason) -> Rendered:
        known = rendered.get(id(value))
        if known is None:
            known = rendered[id(value)] = value.rendered()
        return known

    def text(value: Any) -> str:
        if type(value) is Rendered:
            return value.english
        if isinstance(value, Reason):
            return render(value).english
        return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)

    def explanations(*found: tuple[str, Any]) -> EncodedJson:
        """The reasons kept as data (``smartcrm.intelligence.wording`` renders them per reader),
        as ``json.dumps`` would encode the dict of them."""
        parts = []
        for name, value in found:
            if type(value) is Rendered:
                parts.append(f'"{name}": {value.json}')
            elif isinstance(value, Reason):
                parts.append(f'"{name}": {render(value).json}')
        return EncodedJson("{" + ", ".join(parts) + "}")

    def number(value: Any) -> float | None:
        # ``value != value``: NaN, without pd.isna's dispatch (six of these per customer).
        return None if value is None or value != value else float(value)

    model_versions = EncodedJson(json.dumps(versions))
    has_cluster_reason = "cluster_reason" in table.columns
    for customer_id, row in zip(table.index, table.itertuples(index=False), strict=True):
        yield {
            "customer_id": int(customer_id),
            "as_of": as_of,
            "scored_at": now,
            "rfm_code": text(row.rfm_code),
            "segment": text(row.segment),
            "cluster": None if pd.isna(row.cluster) else int(row.cluster),
            "cluster_label": text(row.cluster_label)[:200],
            "expected_purchases_90d": number(row.expected_purchases_90d),
            "probability_alive": number(row.probability_alive),
            "clv_12m": None if pd.isna(row.clv_12m) else Decimal(f"{row.clv_12m:.2f}"),
            "churn_risk": number(row.churn_risk),
            "churn_reasons": text(row.churn_reasons),
            "propensity_30d": number(row.propensity_30d),
            "propensity_reasons": text(row.propensity_reasons),
            "next_category": text(row.next_category)[:100],
            "next_category_propensity": number(row.next_category_propensity),
            "next_category_reasons": text(row.next_category_reasons),
            "category_propensities": row.category_propensities
            if isinstance(row.category_propensities, list)
            else [],
            "explanations": explanations(
                ("churn", row.churn_reasons),
                ("propensity", row.propensity_reasons),
                ("next_category", row.next_category_reasons),
                ("cluster", row.cluster_reason if has_cluster_reason else None),
            ),
            "model_versions": model_versions,
        }


SCORE_FIELDS = [
    "as_of",
    "scored_at",
    "rfm_code",
    "segment",
    "cluster",
    "cluster_label",
    "expected_purchases_90d",
    "probability_alive",
    "clv_12m",
    "churn_risk",
    "churn_reasons",
    "propensity_30d",
    "propensity_reasons",
    *category_scores.SCORE_COLUMNS,
    "explanations",
    "model_versions",
]
