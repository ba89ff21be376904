"""The replay of ``bench.workflows`` at a small size: every event delivered twice fires once,
and timed triggers across the 2026 daylight-saving changes in two zones fire once, on time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from bench.workflows import replay

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_small_replay_fires_each_event_and_each_due_time_exactly_once() -> None:
    result = replay(n_events=300, n_customers=60, n_timed_customers=16, tick=timedelta(minutes=30))
    assert result["records"]["runs"] == result["records"]["expected_runs"] == 270
    assert result["timed"]["timed_triggers"] == 64  # 16 customers × 4 workflows
    assert result["timed"]["cron_firings_expected"] == 40  # 4 changes × 5 days × 2 zones
    assert (result["duplicates"], result["misses"], result["wrong_time"]) == (0, 0, 0)
    assert result["timed"]["runs_not_succeeded"] == 0
