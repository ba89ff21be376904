"""``smartcrm train`` killed with SIGKILL after it has fitted and staged some new versions: the
registry is not mixed (every kind stays on the previous training's version, and every score
names exactly those versions), and the sweeper marks its refresh run interrupted."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from smartcrm.core import recovery
from smartcrm.demo.loader import ShopLoader
from smartcrm.intelligence.models import CustomerScore, RefreshRun, RefreshStatus
from smartcrm.intelligence.training import train
from smartcrm.modelregistry.models import ModelVersion
from smartcrm.synth.spec import ShopSpec
from tests.celery_worker import process_env
from tests.faults.processes import ON_POSTGRES, kill9, start, wait_until

pytestmark = [ON_POSTGRES, pytest.mark.django_db(transaction=True)]
END, AS_OF = date(2025, 6, 30), date(2025, 6, 29)
FIRST = {"clv": 1, "churn": 1, "propensity_30d": 1, "category_propensity": 1}


def test_train_killed_midway_leaves_the_registry_and_the_scores_on_the_previous_versions(
    settings: Any, tmp_path: Path, processes: list[Any]
) -> None:
    settings.MEDIA_ROOT = tmp_path / "data" / "media"
    ShopLoader(ShopSpec(n_customers=600, seed=5, end=END, n_products=120), progress=False).run()
    train(as_of=AS_OF, actor="test")
    assert dict(ModelVersion.objects.filter(is_active=True).values_list("kind", "version")) == FIRST

    log = tmp_path / "train.log"
    trainer = start(["train", "--as-of", AS_OF.isoformat()], process_env(tmp_path / "data"), log)
    processes.append(trainer)

    def staged() -> bool:  # a second version fitted and registered, the others still to come
        return ModelVersion.objects.filter(version=2).exists()

    wait_until(staged, timeout=180, process=trainer, log=log, what="a staged second version")
    kill9(trainer)

    second = set(ModelVersion.objects.filter(version=2).values_list("kind", flat=True))
    assert second and second != set(FIRST), f"killed too late to prove anything: {second}"
    assert not ModelVersion.objects.filter(version=2, is_active=True).exists()
    assert dict(ModelVersion.objects.filter(is_active=True).values_list("kind", "version")) == FIRST
    assert {
        tuple(sorted(v.items())) for v in CustomerScore.objects.values_list("model_versions", flat=True)
    } == {tuple(sorted(FIRST.items()))}
    assert recovery.sweep()["refresh"] == 1  # `smartcrm train` is a fan-out refresh run
    killed = RefreshRun.objects.get()
    assert killed.status == RefreshStatus.INTERRUPTED and "previous scores stay" in killed.message
