"""Refit the shipped de-duplicator on the training corpus (seed 0) and rewrite its ``weights.json``.

    python -m smartcrm.evaluation.dedup_weights

The product only reads the file (:func:`smartcrm.engine.dedup.weights.shipped`); fitting needs
the generated corpus, which is evaluation code, so it lives here.
"""

from __future__ import annotations

import json

from smartcrm.engine.dedup.model import Deduplicator
from smartcrm.engine.dedup.weights import PATH
from smartcrm.evaluation.dedup_corpus import CorpusSpec, make_corpus

TRAINING = CorpusSpec(customers=20_000, seed=0)


def fit_shipped() -> Deduplicator:
    return Deduplicator("logistic").fit(make_corpus(TRAINING))


def _dump(state: dict[str, object]) -> str:
    return json.dumps(state, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    PATH.write_text(_dump(fit_shipped().to_dict()))
    print(f"wrote {PATH}")
