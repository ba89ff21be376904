"""The shipped de-duplicator: weights and thresholds fitted on the training corpus (seed 0).

``python -m smartcrm.evaluation.dedup_weights`` refits it (about ten seconds) and rewrites
``weights.json``; the product loads that file instead of refitting in every process. A test
checks that refitting reproduces the file, so it can never drift from the code.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from smartcrm.engine.dedup.model import Deduplicator

PATH = Path(__file__).with_name("weights.json")


@lru_cache(maxsize=4)
def shipped(default_region: str = "US") -> Deduplicator:
    return Deduplicator.from_dict(json.loads(PATH.read_text()), default_region=default_region)
