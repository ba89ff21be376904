"""Clusters of matched pairs: connected components, guarded against chaining.

Plain connected components chain: A~B and B~C make A, B and C one person even if A and C share
nothing (two namesakes linked through a family member). Edges are therefore taken strongest
first, and an edge that would join two groups is refused when the result would exceed
``max_size`` records or when the edge is weaker than ``join_threshold`` while both groups
already hold several records.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd


def guarded_components(
    left: npt.NDArray[np.int64],
    right: npt.NDArray[np.int64],
    probability: npt.NDArray[np.float64],
    *,
    max_size: int = 8,
    join_threshold: float = 0.99,
) -> pd.Series:
    """Cluster label (the smallest member id) of every id appearing in an edge."""
    parent: dict[int, int] = {}
    size: dict[int, int] = {}

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for i in np.argsort(-probability, kind="stable"):
        a, b = int(left[i]), int(right[i])
        for x in (a, b):
            if x not in parent:
                parent[x], size[x] = x, 1
        ra, rb = find(a), find(b)
        if ra == rb:
            continue
        if size[ra] + size[rb] > max_size:
            continue
        if size[ra] > 1 and size[rb] > 1 and probability[i] < join_threshold:
            continue
        if size[ra] < size[rb]:
            ra, rb = rb, ra
        parent[rb] = ra
        size[ra] += size[rb]
    if not parent:
        return pd.Series(dtype=np.int64)
    ids = np.fromiter(parent.keys(), dtype=np.int64, count=len(parent))
    roots = np.fromiter((find(int(x)) for x in ids), dtype=np.int64, count=len(ids))
    labels = pd.Series(ids, index=roots).groupby(level=0).transform("min")
    return pd.Series(labels.to_numpy(), index=ids, name="cluster")


def cluster_pairs(clusters: pd.Series) -> set[tuple[int, int]]:
    """Every pair of ids inside the same cluster, (smaller, larger)."""
    pairs: set[tuple[int, int]] = set()
    for _, members in clusters.groupby(clusters):
        ids = sorted(int(i) for i in members.index)
        for k, a in enumerate(ids):
            for b in ids[k + 1 :]:
                pairs.add((a, b))
    return pairs
