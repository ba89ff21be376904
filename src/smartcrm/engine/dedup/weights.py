"""The shipped de-duplicator: weights and thresholds fitted on the training corpus (seed 0).

``python -m smartcrm.engine.dedup.weights`` refits it (about ten seconds) and rewrites
``weights.json``; the product loads that file instead of refitting in every process. A test
checks that refitting reproduces the file, so it can never drift from the code.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from smartcrm.engine.dedup.corpus import CorpusSpec, make_corpus
from smartcrm.engine.dedup.model import Deduplicator

PATH = Path(__file__).with_name("weights.json")
TRAINING = CorpusSpec(customers=20_000, seed=0)


def fit_shipped() -> Deduplicator:
    return Deduplicator("logistic").fit(make_corpus(TRAINING))


@lru_cache(maxsize=4)
def shipped(default_region: str = "US") -> Deduplicator:
    return Deduplicator.from_dict(json.loads(PATH.read_text()), default_region=default_region)


def _dump(state: dict[str, object]) -> str:
    return json.dumps(state, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    PATH.write_text(_dump(fit_shipped().to_dict()))
    print(f"wrote {PATH}")
