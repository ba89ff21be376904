"""splink (DuckDB) on the same normalised keys, for the method comparison of ``smartcrm eval dedup``.

splink fits a Fellegi-Sunter model without labels: u by random sampling, then m by EM over
blocking passes. Its blocking rules mirror ours (exact email, phone, name, name + postcode,
address); the sorted-neighbourhood passes have no splink equivalent. Only the evaluation uses
this module; the product scores with ``Deduplicator``.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import numpy as np
import pandas as pd

from smartcrm.engine.dedup.normalise import normalise_frame


def splink_pairs(
    customers: pd.DataFrame, threshold: float, seed: int = 0, label_column: str | None = None
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Scored pairs (left_id, right_id, probability) at or above ``threshold``, and timings.

    With ``label_column`` the m probabilities are counted from the labels of that very table
    instead of EM: an optimistic upper bound for splink, not a fair held-out figure."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    timings: dict[str, Any] = {}
    start = time.perf_counter()
    keys = normalise_frame(customers.reset_index(drop=True))
    keys.insert(0, "unique_id", customers["id"].to_numpy())
    if label_column:
        keys["label"] = customers[label_column].to_numpy()
    keys = keys.replace("", None)
    timings["normalise"] = time.perf_counter() - start
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.ForenameSurnameComparison("first", "last"),
            cl.EmailComparison("email_key"),
            cl.ExactMatch("phone"),
            cl.LevenshteinAtThresholds("address", [2, 5]),
            cl.ExactMatch("postcode"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("email_key"),
            block_on("phone"),
            block_on("first", "last"),
            block_on("last", "postcode"),
            block_on("address"),
            block_on("email_local"),
        ],
    )
    start = time.perf_counter()
    frame = DuckDBAPI().register(keys)
    linker = Linker(frame, settings, log_level=logging.WARNING)
    training = linker.training
    training.estimate_probability_two_random_records_match([block_on("email_key")], recall=0.7)
    training.estimate_u_using_random_sampling(max_pairs=2_000_000, seed=seed)
    if label_column:
        training.estimate_m_from_label_column("label")
    else:
        for rule in (block_on("first", "last"), block_on("email_key"), block_on("phone")):
            training.estimate_parameters_using_expectation_maximisation(rule)
    timings["train"] = time.perf_counter() - start
    start = time.perf_counter()
    predictions = linker.inference.predict(threshold_match_probability=threshold).as_pandas_dataframe()
    timings["predict"] = time.perf_counter() - start
    left = predictions["unique_id_l"].to_numpy(dtype=np.int64)
    right = predictions["unique_id_r"].to_numpy(dtype=np.int64)
    out = pd.DataFrame(
        {
            "left_id": np.minimum(left, right),
            "right_id": np.maximum(left, right),
            "probability": predictions["match_probability"].to_numpy(),
        }
    )
    return out, timings
