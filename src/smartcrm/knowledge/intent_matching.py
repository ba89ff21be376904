"""The shop's intents as the assistant matches them: one matcher per process, refitted when an
intent changes (a count and the latest change time tell; fitting embeds a few phrases)."""

from __future__ import annotations

import threading

import pandas as pd

from smartcrm.engine.dialogue.intents import IntentMatch, IntentMatcher
from smartcrm.knowledge.models import Intent
from smartcrm.knowledge.selectors import active_intent_phrases, intents_fingerprint

_lock = threading.Lock()
_fitted: dict[str, object] = {}


def _matcher() -> IntentMatcher | None:
    fingerprint = intents_fingerprint()
    with _lock:
        if _fitted.get("fingerprint") != fingerprint:
            rows = active_intent_phrases()
            frame = pd.DataFrame(rows, columns=["intent", "language", "phrase"])
            _fitted["matcher"] = IntentMatcher().fit(frame) if rows else None
            _fitted["fingerprint"] = fingerprint
        matcher = _fitted["matcher"]
    return matcher if isinstance(matcher, IntentMatcher) else None


def match_intent(text: str, language: str) -> tuple[Intent, IntentMatch] | None:
    """The active intent ``text`` asks for and how it matched, or None."""
    matcher = _matcher()
    found = matcher.predict_intent(text, language) if matcher is not None else None
    if found is None:
        return None
    intent = Intent.objects.filter(pk=int(found.intent), active=True).first()
    return (intent, found) if intent is not None else None
