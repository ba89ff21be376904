"""The fan-out refreshes on the model cards page: progress for whoever sees models; start,
cancel and retry for admins only, audited."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from smartcrm.accounts.roles import Role
from smartcrm.core.models import AuditAction, AuditEvent
from smartcrm.intelligence.models import ChunkStatus, RefreshChunk, RefreshRun, RefreshStatus, RunKind

pytestmark = pytest.mark.django_db


def a_failed_run() -> RefreshRun:
    run = RefreshRun.objects.create(
        as_of=date(2025, 6, 29), chunk_size=100, status=RefreshStatus.FAILED, message="Chunk 2 failed"
    )
    RefreshChunk.objects.create(run=run, number=1, first_id=1, last_id=100, status=ChunkStatus.DONE)
    RefreshChunk.objects.create(run=run, number=2, first_id=101, last_id=200, status=ChunkStatus.FAILED)
    return run


def test_the_page_shows_each_refresh_with_its_chunks_done(client_for: Any) -> None:
    run = a_failed_run()
    page = client_for(Role.ADMIN).get(reverse("web:model_cards")).content.decode()
    assert f'id="refresh-{run.pk}"' in page
    assert "1 / 2" in page and "1 failed" in page and "Chunk 2 failed" in page
    assert reverse("web:refresh_retry", args=[run.pk]) in page
    assert reverse("web:refresh_cancel", args=[run.pk]) in page


def test_only_admins_start_cancel_or_retry(client_for: Any) -> None:
    run = a_failed_run()
    client = client_for(Role.ANALYST)
    assert "Refresh all scores now" not in client.get(reverse("web:model_cards")).content.decode()
    for url in (
        reverse("web:refresh_start"),
        reverse("web:refresh_cancel", args=[run.pk]),
        reverse("web:refresh_retry", args=[run.pk]),
    ):
        assert client.post(url).status_code == 403
    assert RefreshRun.objects.get(pk=run.pk).status == RefreshStatus.FAILED


def test_admin_retries_the_failed_chunk_then_cancels(
    client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    run = a_failed_run()
    client = client_for(Role.ADMIN)
    with django_capture_on_commit_callbacks() as sent:  # the chunk's job, not run here
        response = client.post(reverse("web:refresh_retry", args=[run.pk]), follow=True)
    assert "The failed chunks were sent again." in response.content.decode()
    assert len(sent) == 1
    assert set(run.chunks.values_list("status", flat=True)) == {ChunkStatus.DONE, ChunkStatus.PENDING}
    assert RefreshRun.objects.get(pk=run.pk).status == RefreshStatus.SCORING
    response = client.post(reverse("web:refresh_retry", args=[run.pk]), follow=True)
    assert "Only a failed refresh" in response.content.decode()

    client.post(reverse("web:refresh_cancel", args=[run.pk]))
    assert RefreshRun.objects.get(pk=run.pk).status == RefreshStatus.CANCELLED
    assert run.chunks.get(number=2).status == ChunkStatus.CANCELLED
    actions = set(AuditEvent.objects.filter(object_id=str(run.pk)).values_list("action", flat=True))
    assert actions == {AuditAction.RESUME, AuditAction.CANCEL}
    assert client.post(reverse("web:refresh_cancel", args=[999_999])).status_code == 302


def test_the_page_names_each_kind_and_an_admin_starts_a_recommendations_run(
    client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    RefreshRun.objects.create(
        as_of=date(2025, 6, 29),
        chunk_size=5_000,
        kind=RunKind.TEXTS,
        status=RefreshStatus.DONE,
        customers_scored=12,
    )
    client = client_for(Role.ADMIN)
    page = client.get(reverse("web:model_cards")).content.decode()
    assert "Text analysis backfill" in page and "12 texts analysed" in page
    assert "Refresh recommendations now" in page

    with django_capture_on_commit_callbacks() as sent:
        client.post(reverse("web:refresh_start"), {"kind": RunKind.RECOMMENDATIONS})
    assert RefreshRun.objects.filter(kind=RunKind.RECOMMENDATIONS, status=RefreshStatus.QUEUED).count() == 1
    assert len(sent) == 1
    response = client.post(reverse("web:refresh_start"), {"kind": "gossip"}, follow=True)
    assert "There is no such kind of refresh." in response.content.decode()
    assert RefreshRun.objects.count() == 2


def test_a_dedup_run_shows_its_pairs_and_an_admin_starts_one(
    client_for: Any, django_capture_on_commit_callbacks: Any
) -> None:
    RefreshRun.objects.create(
        as_of=date(2025, 6, 29),
        chunk_size=25_000,
        kind=RunKind.DEDUP,
        status=RefreshStatus.DONE,
        customers_scored=7,
    )
    client = client_for(Role.ADMIN)
    page = client.get(reverse("web:model_cards")).content.decode()
    assert "De-duplication" in page and "7 duplicate pairs to review" in page
    assert "Look for duplicate customers now" in page
    with django_capture_on_commit_callbacks() as sent:
        client.post(reverse("web:refresh_start"), {"kind": RunKind.DEDUP})
    assert RefreshRun.objects.filter(kind=RunKind.DEDUP, status=RefreshStatus.QUEUED).count() == 1
    assert len(sent) == 1
