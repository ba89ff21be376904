"""The shipped default models that are trained at build or demo time, never at first use.

Today that is the ticket intent model (``engine.nlp.intent``): fitted on a generated shop's
tickets and written as an artifact under ``DATA_DIR``, where the text analyser loads it. Without
the artifact the analyser answers intent with the keyword rules alone (and logs it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings

from smartcrm.demo import intent_default
from smartcrm.engine.nlp import intent


def train_default_models(*, force: bool = False, out: Any = None) -> list[Path]:
    """Train and store every default model whose artifact is missing (all with ``force``).

    Returns the artifacts written; ``out`` (anything with ``write``) hears what is trained.
    """
    written = []
    path = intent.default_intent_model_path(settings.DATA_DIR)
    if force or not path.exists():
        if out is not None:
            out.write("Training the default ticket intent model on a generated shop's tickets …\n")
        written.append(
            intent.save_default_intent_model(intent_default.train_default_intent_model(), settings.DATA_DIR)
        )
    return written
