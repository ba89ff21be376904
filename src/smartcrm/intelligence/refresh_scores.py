"""A fan-out run of kind ``scores`` (refresh.py describes the run): segments, CLV, churn and
propensity fitted on the sample (refresh_fit.py), every customer scored per chunk
(refresh_chunks.py), staged in StagedScore and switched into CustomerScore (staging.py).
``options={"skip": [...]}`` leaves out CLV and/or category propensity (``refresh.SKIPPABLE``):
neither is fitted, and their columns are switched in empty."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd
from django.db.models import Max, Min
from django.utils import timezone

from smartcrm.intelligence import events, staging
from smartcrm.intelligence.models import RefreshChunk, RefreshRun, StagedScore
from smartcrm.intelligence.refresh_chunks import score_chunk
from smartcrm.intelligence.refresh_fit import FittedModels, fit_on_sample
from smartcrm.intelligence.refresh_kinds import Fitted, plan_id_ranges
from smartcrm.intelligence.selectors import high_value_threshold
from smartcrm.intelligence.training import RefreshResult, _record_movement, score_rows
from smartcrm.modelregistry import registry


class ScoresWork:
    def fit(self, run: RefreshRun) -> Fitted:
        result = RefreshResult(as_of=run.as_of)
        skip = run.options.get("skip", [])
        fitted, sample, staged = fit_on_sample(run.as_of, run.actor_label, result, skip)
        return Fitted(fitted.to_bytes(), sample, staged, dict(result.versions), dict(result.metrics))

    def plan(self, run: RefreshRun) -> list[RefreshChunk]:
        from smartcrm.customers.models import Customer

        bounds = Customer.objects.aggregate(lo=Min("pk"), hi=Max("pk"))
        return plan_id_ranges(run, bounds["lo"], bounds["hi"])

    def load(self, data: bytes | None) -> FittedModels:
        if data is None:
            raise ValueError("the refresh run has no fitted models")
        return FittedModels.from_bytes(data)

    def compute(self, run: RefreshRun, chunk: RefreshChunk, fitted: FittedModels) -> Iterator[dict[str, Any]]:
        """The chunk's rows, converted as they are written (streamed into COPY)."""
        table: pd.DataFrame = score_chunk(fitted, run.as_of, chunk.first_id, chunk.last_id)
        return score_rows(table, run.as_of, timezone.now(), fitted.versions)

    def write(self, run: RefreshRun, chunk: RefreshChunk, rows: Iterator[dict[str, Any]]) -> int:
        return staging.stage_rows(run.pk, chunk.first_id, chunk.last_id, rows)

    def switch(self, run: RefreshRun) -> tuple[int, dict[str, Any]]:
        registry.activate_together(list(run.staged_versions), actor=run.actor_label)
        _record_movement(run.as_of, staging.staged_segments(run.pk))
        scored = staging.switch_in(run.pk)
        events.scores_refreshed(run.as_of)
        return scored, {}

    def after_switch(self, run: RefreshRun, count: int) -> None:
        high_value_threshold(refresh=True)  # the list's "high value" filter follows the new scores
        events.models_refreshed(
            RefreshResult(as_of=run.as_of, customers_scored=count, versions=dict(run.versions))
        )

    def drop(self, run_id: int) -> None:
        StagedScore.objects.filter(run_id=run_id).delete()


WORK = ScoresWork()
