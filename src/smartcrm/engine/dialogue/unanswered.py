"""Questions the assistant could not answer, grouped by what they ask, in either language.

Each question is embedded with the multilingual e5-small encoder (the one retrieval uses for
Chinese), and the questions are clustered by average-linkage agglomerative clustering on the
cosine distance, cut at ``max_distance``: no number of groups is given, a paraphrase joins its
group whatever language it is in, and a question like no other stays alone. Groups come back
largest first, each led by its most typical question (highest mean similarity to the rest), the
natural title of the article that would answer them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.cluster import AgglomerativeClustering

from smartcrm.engine.retrieval.dense import encode

# e5 similarities are compressed: on sample shop questions, paraphrases in one language scored
# 0.90–0.97, across English and Chinese 0.84–0.87, and unrelated questions up to 0.82.
MAX_DISTANCE = 0.15


@dataclass(frozen=True)
class QuestionGroup:
    members: list[int]  # positions in the input, most typical first

    @property
    def representative(self) -> int:
        return self.members[0]


def group_questions(texts: Sequence[str], *, max_distance: float = MAX_DISTANCE) -> list[QuestionGroup]:
    if not texts:
        return []
    if len(texts) == 1:
        return [QuestionGroup([0])]
    vectors = encode("e5-small", list(texts), query=True)
    labels = AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=max_distance
    ).fit_predict(vectors)
    similarity = vectors @ vectors.T
    groups = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        typical = similarity[np.ix_(members, members)].mean(axis=1)
        order = members[np.argsort(-typical, kind="stable")]
        groups.append(QuestionGroup([int(i) for i in order]))
    return sorted(groups, key=lambda g: (-len(g.members), g.representative))
