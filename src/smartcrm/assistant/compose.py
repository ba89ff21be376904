"""Compose the assistant's answer: the offline reply, or an LLM's rewording of the same sources.

With no LLM configured (``SMARTCRM_LLM_BASE_URL`` empty, the default) the answer is the offline
one: the best passage quoted as written (:meth:`answers.Found.answer_text`) or the tool's
result. With an LLM, the model gets the retrieved passages and the tool's result as numbered
data blocks (:mod:`smartcrm.engine.llm.prompt`), with personal data redacted from everything
sent, and its streamed answer must cite them; any failure (connection, HTTP status, timeout,
an answer citing nothing or a block that was not given) falls back to the offline reply.

The stream (read under one total deadline) is gathered in full before the reply is stored:
the guards (:mod:`smartcrm.assistant.guards`) must see the whole text before any of it can
leave, and a half-streamed email address or key cannot be judged, so nothing half-written is
ever stored or shown. This runs inside the turn's transaction, so a slow model holds the
conversation's row lock for at most ``SMARTCRM_LLM_TIMEOUT``. The stored message's
``composer`` says which path made it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from smartcrm.engine.llm import (
    AnswerRefused,
    LLMConfig,
    LLMError,
    Source,
    build_messages,
    check_answer,
    stream_chat,
)
from smartcrm.engine.nlp.pii import redact

from .models import Composer
from .replies import say

logger = logging.getLogger(__name__)
MAX_SOURCES = 3


@dataclass(frozen=True)
class Composed:
    body: str
    composer: str
    cited: list[int] = field(default_factory=list)  # 1-based positions in the sources given


def _redacted(source: Source) -> Source:
    return Source(source.kind, redact(source.title), redact(source.text))


def compose(*, question: str, sources: list[Source], offline: str, language: str) -> Composed:
    """The reply to ``question`` from ``sources``; ``offline`` when no LLM is set up or it fails."""
    config = LLMConfig.from_env()
    if config is None or not sources:
        return Composed(offline, Composer.OFFLINE)
    sources = sources[:MAX_SOURCES]
    messages = build_messages(redact(question), [_redacted(s) for s in sources], language)
    try:
        answer = "".join(stream_chat(config, messages)).strip()
        cited = check_answer(answer, len(sources))
    except (LLMError, AnswerRefused) as exc:
        # The exception's text names the failure only (status, timeout, citation numbers).
        logger.warning("assistant LLM answer not used, offline reply instead: %s", exc)
        return Composed(offline, Composer.LLM_FALLBACK)
    titles = ", ".join(f"[{n}] {sources[n - 1].title}" for n in cited)
    return Composed(f"{answer}\n\n{say('source', language, title=titles)}", Composer.LLM, cited)
