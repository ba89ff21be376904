"""The de-duplicator on generated corpora: the same code path as ``smartcrm eval dedup``, smaller."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from smartcrm.engine.dedup.cluster import cluster_pairs, guarded_components
from smartcrm.engine.dedup.compare import describe
from smartcrm.engine.dedup.model import Deduplicator
from smartcrm.evaluation import dedup as evaluation
from smartcrm.evaluation.dedup_corpus import VARIATIONS, make_corpus, true_pairs


@pytest.fixture(scope="module")
def fitted() -> Deduplicator:
    return Deduplicator().fit(make_corpus(customers=4000, seed=10))


def test_eval_meets_the_floors_on_a_held_out_seed() -> None:
    figures = evaluation.run({"customers": 3000, "seed": 11, "train_seed": 12, "train_customers": 4000})
    assert figures["n_true_pairs"] > 300
    assert figures["precision"] >= 0.95
    assert figures["recall"] >= 0.90
    assert figures["blocking_recall"] >= 0.97
    assert figures["false_pairs_by_kind"].get("family", 0) <= 0.02 * figures["n_true_pairs"]


def test_eval_refuses_to_test_on_the_training_seed() -> None:
    with pytest.raises(ValueError, match="differ"):
        evaluation.run({"customers": 100, "seed": 3, "train_seed": 3})


def test_eval_reads_a_users_csv_with_clusters(tmp_path: Path) -> None:
    corpus = make_corpus(customers=600, seed=13).rename(columns={"entity_id": "cluster_id"})
    path = tmp_path / "mine.csv"
    corpus.drop(columns=["id", "variation"]).to_csv(path, index=False)
    figures = evaluation.run({"csv": str(path), "cluster_column": "cluster_id", "train_customers": 3000})
    assert figures["n_records"] == 600
    assert figures["precision"] >= 0.9 and figures["recall"] >= 0.85


def test_csv_without_truth_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("first_name,last_name\nA,B\n")
    with pytest.raises(ValueError, match="cluster_id"):
        evaluation.load_csv(str(path), "cluster_id")


def test_corpus_is_seeded_and_plants_every_kind() -> None:
    a, b = make_corpus(customers=3000, seed=5), make_corpus(customers=3000, seed=5)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(make_corpus(customers=3000, seed=6))
    planted = {k for v in a["variation"] for k in v.split("+") if k}
    assert set(VARIATIONS) | {"family", "namesake"} <= planted
    assert a["first_name"].str.contains(r"[\u4e00-\u9fff]").any()


def test_every_duplicate_keeps_a_contact_link() -> None:
    corpus = make_corpus(customers=3000, seed=7)
    for _, group in corpus[corpus.groupby("entity_id")["id"].transform("size") > 1].groupby("entity_id"):
        base = group[group["variation"] == ""]
        if base.empty:
            continue
        b = base.iloc[0]
        for _, dup in group[group["variation"] != ""].iterrows():
            digits = "".join(ch for ch in dup["phone"] if ch.isdigit())
            assert (
                (b["phone"] and dup["phone"] and b["phone"][-7:] == digits[-7:])
                or (b["street_address"] and dup["street_address"] == b["street_address"])
                or (b["email"] and dup["email"] and b["email"].split("@")[0].replace(".", "")[:3].lower()
                    in dup["email"].lower().replace(".", ""))
            )  # fmt: skip


def test_pairs_carry_probability_and_readable_evidence(fitted: Deduplicator) -> None:
    test = make_corpus(customers=1500, seed=14)
    result = fitted.find_duplicates(test)
    assert (result.pairs["probability"] >= fitted.review_threshold_).all()
    top = result.pairs.iloc[0]
    evidence = describe(top)
    weights = fitted.scorer_.field_weights(top)
    assert set(evidence) == set(weights) == {"first_name", "last_name", "email", "phone", "address", "place"}
    assert np.isclose(
        fitted.scorer_.intercept_ + sum(weights.values()),
        np.log(top["probability"] / (1 - top["probability"])),
        atol=0.01,
    )
    assert fitted.review_threshold_ <= fitted.match_threshold_ <= fitted.auto_merge_threshold_


def test_family_members_are_not_matched(fitted: Deduplicator) -> None:
    frame = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "first_name": ["Robert", "Bob", "Susan"],
            "last_name": ["Miller", "Miller", "Miller"],
            "email": ["rmiller@gmail.com", "r.miller+shop@gmail.com", "susan.miller@yahoo.com"],
            "phone": ["+12125550123", "(212) 555-0123", "+12125550123"],
            "street_address": ["4 Elm Street", "4 Elm St", "4 Elm Street"],
            "city": ["New York"] * 3,
            "postal_code": ["10001"] * 3,
            "country": ["US"] * 3,
        }
    )
    scored = fitted.score_pairs(frame).set_index(["left_id", "right_id"])["probability"]
    assert scored[(1, 2)] >= fitted.auto_merge_threshold_
    assert scored[(1, 3)] < fitted.match_threshold_
    assert scored[(2, 3)] < fitted.match_threshold_


def test_clustering_refuses_to_chain() -> None:
    # 1~2 and 3~4 are strong; 2~3 is a weak bridge between two groups: refused.
    left, right = np.array([1, 3, 2]), np.array([2, 4, 3])
    clusters = guarded_components(left, right, np.array([0.999, 0.999, 0.6]), max_size=8, join_threshold=0.99)
    assert cluster_pairs(clusters) == {(1, 2), (3, 4)}
    chain = np.arange(1, 12)
    capped = guarded_components(chain[:-1], chain[1:], np.full(10, 0.999), max_size=4, join_threshold=0.5)
    assert capped.value_counts().max() <= 4


def test_true_pairs_of_a_cluster_of_three() -> None:
    frame = pd.DataFrame({"id": [5, 6, 7, 8], "entity_id": [1, 1, 1, 2]})
    assert true_pairs(frame) == {(5, 6), (5, 7), (6, 7)}
