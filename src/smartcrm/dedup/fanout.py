"""De-duplication as a fan-out run (kind ``dedup``; intelligence/refresh.py describes the run):
the candidate search over the whole customer table in chunks, switched into the review queue at
once. The pairs found are exactly those of the single-process ``services.find_duplicates``.

- **fit** (one worker): the customers are read in batches by id and normalised once; for every
  blocking rule (``engine.dedup.blocking.RULES``) each customer's key becomes a bucket number in
  DedupKey — a hash for the same-key rules (a block lands in one bucket), the first three
  letters for the two sorted-neighbourhood passes (buckets keep the key order). What a chunk
  cannot see by itself is counted over the whole table here: the order of customers inside a
  block (by the first customer sharing their postcode, then their email: DedupRecord) and which
  surnames are common (pickled on the run). Memory: a batch, and three numbers per customer.
- **plan**: per rule, ranges of buckets of about ``chunk_size`` customers (RefreshChunk
  ``source`` = the rule, ``first_id``…``last_id`` = the buckets).
- **chunk** (any worker): the customers of its buckets are read and normalised, their pairs
  under its rule found, compared and scored; a sorted-neighbourhood chunk also reads the first
  customers after its range and keeps the pairs that start inside it, so no pair across a
  boundary is lost or found twice. Pairs at or above the review threshold replace what an
  earlier attempt of the chunk staged (StagedDuplicatePair) in the transaction that marks it
  done: a chunk killed or run twice stages its pairs once.
- **switch** (the last chunk's worker): in one transaction the run's pairs are upserted into
  DuplicatePair as the single-process run stores them (new pairs pending, pending ones
  re-scored, decided ones left alone). Until then the review queue shows the previous pairs.
  With ``{"auto_merge": true}`` the sure pairs are merged after the switch.

A customer edited or erased while the run goes is matched on what its chunk reads.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from django.db import connection
from django.db.models import Count, Model

from smartcrm.dedup import selectors, services
from smartcrm.dedup.models import DedupKey, DedupRecord, StagedDuplicatePair
from smartcrm.engine import pickled
from smartcrm.engine.dedup.blocking import (
    RULES,
    blocking_keys,
    is_sorted_rule,
    key_buckets,
    order_buckets,
    rule_pairs,
)
from smartcrm.engine.dedup.compare import COMMON_NAME_SHARE
from smartcrm.engine.dedup.model import compare_levels
from smartcrm.engine.dedup.normalise import normalise_frame
from smartcrm.intelligence.models import RefreshChunk, RefreshRun, RefreshStatus
from smartcrm.intelligence.refresh_kinds import Fitted

FORMAT_VERSION = 1
KEY_BUCKETS = 1 << 31  # key_buckets' range
BATCH = 5_000
ENDED = (RefreshStatus.DONE, RefreshStatus.CANCELLED, RefreshStatus.INTERRUPTED)
Ints = npt.NDArray[np.int64]


@dataclass
class FittedDedup:
    """What every chunk needs from the whole table: the common surnames, and its size."""

    common_last: frozenset[str]
    customers: int

    def to_bytes(self) -> bytes:
        return pickled.dump(self, model_type="smartcrm.dedup.fitted", format_version=FORMAT_VERSION)

    @classmethod
    def from_bytes(cls, data: bytes) -> FittedDedup:
        return pickled.load(data, cls, model_type="smartcrm.dedup.fitted", format_version=FORMAT_VERSION)


def first_positions(hashes: npt.NDArray[np.uint64]) -> Ints:
    """Per value, the position of its first occurrence: the order ``pd.factorize`` gives."""
    _values, first, inverse = np.unique(hashes, return_index=True, return_inverse=True)
    return first[inverse.ravel()].astype(np.int64)


class DedupWork:
    def fit(self, run: RefreshRun) -> Fitted:
        _drop(RefreshRun.objects.filter(pk=run.pk) | RefreshRun.objects.filter(status__in=ENDED))
        region = services.deduplicator().default_region
        surnames: Counter[str] = Counter()
        ids, postcodes, emails = [], [], []
        for rows in selectors.customer_rows():
            frame = pd.DataFrame.from_records(rows, columns=selectors.FRAME_COLUMNS)
            keys = normalise_frame(frame, region)
            surnames.update(keys["last"].value_counts().to_dict())
            batch_ids = frame["id"].to_numpy(dtype=np.int64)
            ids.append(batch_ids)
            postcodes.append(pd.util.hash_array(keys["postcode"].to_numpy(dtype=object)))
            emails.append(pd.util.hash_array(keys["email_key"].to_numpy(dtype=object)))
            _copy(DedupKey, ["run_id", "rule", "bucket", "customer_id"], _key_rows(run.pk, keys, batch_ids))
        every = np.concatenate(ids) if ids else np.empty(0, dtype=np.int64)
        postcode_order = first_positions(np.concatenate(postcodes)) if ids else every
        email_order = first_positions(np.concatenate(emails)) if ids else every
        del postcodes, emails
        records = zip(every.tolist(), postcode_order.tolist(), email_order.tolist(), strict=True)
        columns = ["run_id", "customer_id", "postcode_order", "email_order"]
        _copy(DedupRecord, columns, ((run.pk, c, p, e) for c, p, e in records))
        n = len(every)
        common = frozenset(name for name, count in surnames.items() if count / n > COMMON_NAME_SHARE)
        fitted = FittedDedup(common_last=common, customers=n)
        return Fitted(data=fitted.to_bytes(), sample=n, metrics={"dedup": {"customers": n}})

    def plan(self, run: RefreshRun) -> list[RefreshChunk]:
        chunks = []
        for number, rule in enumerate(RULES):
            keys = DedupKey.objects.filter(run_id=run.pk, rule=number)
            if is_sorted_rule(rule):
                ranges = _order_ranges(keys, run.chunk_size)
            else:
                parts = max(1, math.ceil(keys.count() / run.chunk_size))
                width = math.ceil(KEY_BUCKETS / parts)
                ranges = [(lo, min(lo + width, KEY_BUCKETS) - 1) for lo in range(0, KEY_BUCKETS, width)]
            chunks += [
                RefreshChunk(run=run, number=0, first_id=lo, last_id=hi, source=rule.name)
                for lo, hi in ranges
            ]
        return chunks

    def load(self, data: bytes | None) -> FittedDedup:
        if data is None:
            raise ValueError("the de-duplication run has no fitted counts")
        return FittedDedup.from_bytes(data)

    def compute(self, run: RefreshRun, chunk: RefreshChunk, fitted: FittedDedup) -> pd.DataFrame:
        number = next(i for i, rule in enumerate(RULES) if rule.name == chunk.source)
        rule = RULES[number]
        keys_of_rule = DedupKey.objects.filter(run_id=run.pk, rule=number)
        last = chunk.last_id
        if is_sorted_rule(rule):  # the first customers after the range: pairs starting inside it
            after = keys_of_rule.filter(bucket__gt=chunk.last_id).order_by("bucket")
            last = max(after.values_list("bucket", flat=True)[: rule.window], default=chunk.last_id)
        members = keys_of_rule.filter(bucket__gte=chunk.first_id, bucket__lte=last).values("customer_id")
        frame = selectors.customer_frame(members)
        if frame.empty:
            return pd.DataFrame()
        model = services.deduplicator()
        keys = normalise_frame(frame, model.default_region)
        ids = frame["id"].to_numpy(dtype=np.int64)
        records = DedupRecord.objects.filter(run_id=run.pk, customer_id__in=members)
        order = {c: (p, e) for c, p, e in records.values_list("customer_id", "postcode_order", "email_order")}
        tiebreak = (
            np.array([order[c][0] for c in ids], dtype=np.int64),
            np.array([order[c][1] for c in ids], dtype=np.int64),
        )
        key = blocking_keys(keys)[rule.name]
        pairs = rule_pairs(key, tiebreak, rule)
        if is_sorted_rule(rule):
            pairs = pairs[order_buckets(key)[pairs[:, 0]] <= chunk.last_id]
        left, right = np.minimum(pairs[:, 0], pairs[:, 1]), np.maximum(pairs[:, 0], pairs[:, 1])
        levels = compare_levels(keys, left, right, fitted.common_last)
        scored = pd.DataFrame({"left_id": ids[left], "right_id": ids[right]})
        scored["probability"] = model.scorer_.predict_match_probability(levels)
        scored = pd.concat([scored, levels], axis=1)
        return scored[scored["probability"] >= model.review_threshold_].reset_index(drop=True)

    def write(self, run: RefreshRun, chunk: RefreshChunk, rows: pd.DataFrame) -> int:
        StagedDuplicatePair.objects.filter(run_id=run.pk, chunk=chunk.number).delete()
        model = services.deduplicator()
        staged = (
            StagedDuplicatePair(
                run_id=run.pk,
                chunk=chunk.number,
                left_id=left,
                right_id=right,
                probability=probability,
                evidence=evidence,
            )
            for left, right, probability, evidence in services.pair_rows(rows, model)
        )
        written = 0
        for batch in _batches(staged):
            written += len(StagedDuplicatePair.objects.bulk_create(batch))
        return written

    def switch(self, run: RefreshRun) -> tuple[int, dict[str, Any]]:
        staged = (
            StagedDuplicatePair.objects.filter(run_id=run.pk)
            .order_by("left_id", "right_id", "chunk")
            .values_list("left_id", "right_id", "probability", "evidence")
        )
        stored = services.store_pair_rows(_distinct(staged.iterator(chunk_size=BATCH)))
        StagedDuplicatePair.objects.filter(run_id=run.pk).delete()
        return stored, {"dedup": {**run.metrics.get("dedup", {}), "pairs_found": stored}}

    def after_switch(self, run: RefreshRun, count: int) -> None:
        _drop(RefreshRun.objects.filter(pk=run.pk))
        if run.options.get("auto_merge"):
            model = services.deduplicator()
            services.auto_merge(actor=f"dedup-run:{run.pk}", min_probability=model.auto_merge_threshold_)

    def drop(self, run_id: int) -> None:
        _drop(RefreshRun.objects.filter(pk=run_id))


def _key_rows(run_id: int, keys: pd.DataFrame, ids: Ints) -> Iterator[tuple[int, int, int, int]]:
    per_rule = blocking_keys(keys)
    for number, rule in enumerate(RULES):
        key = per_rule[rule.name]
        active = (key != "").to_numpy()
        buckets = (order_buckets if is_sorted_rule(rule) else key_buckets)(key[active])
        for customer, bucket in zip(ids[active].tolist(), buckets.tolist(), strict=True):
            yield run_id, number, bucket, customer


def _order_ranges(keys: Any, size: int) -> list[tuple[int, int]]:
    """Consecutive ranges of order buckets holding about ``size`` customers each."""
    counts = keys.values("bucket").annotate(n=Count("pk")).order_by("bucket").values_list("bucket", "n")
    ranges, start, held = [], None, 0
    for bucket, n in counts:
        start = bucket if start is None else start
        held += n
        if held >= size:
            ranges.append((start, bucket))
            start, held = None, 0
    if start is not None:
        ranges.append((start, bucket))
    return ranges


def _distinct(rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[int, int, float, dict[str, Any]]]:
    """One row per pair of rows sorted by pair (two rules may find a pair: the same scores)."""
    previous = None
    for left, right, probability, evidence in rows:
        if (left, right) != previous:
            previous = (left, right)
            yield int(left), int(right), float(probability), evidence


def _batches(rows: Iterable[Any]) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _copy(model: type[Model], columns: list[str], rows: Iterable[tuple[int, ...]]) -> None:
    """Append rows of plain integers: COPY on PostgreSQL, batched inserts elsewhere."""
    if connection.vendor != "postgresql":
        for batch in _batches(rows):
            model._default_manager.bulk_create(
                [model(**dict(zip(columns, row, strict=True))) for row in batch]
            )
        return
    names = ", ".join(f'"{c}"' for c in columns)
    # The table and column names are the model's own, never input.
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f'COPY "{model._meta.db_table}" ({names}) FROM STDIN') as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _drop(runs: Any) -> None:
    """The working set of these runs goes (the run ended, or starts again)."""
    ids = list(runs.values_list("pk", flat=True))
    for table in (DedupKey, DedupRecord, StagedDuplicatePair):
        table.objects.filter(run_id__in=ids).delete()


WORK = DedupWork()
