"""What the help center says to a message, and how heated the message is, for the turn policy.

The offline answer is the best passage of the best article, quoted as written and cited; the
shop's own words, never generated text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from smartcrm.engine.dialogue import Retrieved
from smartcrm.engine.nlp.intent import keyword_scores
from smartcrm.engine.nlp.urgency import predict_urgency
from smartcrm.knowledge import indexing

from .replies import say

MAX_QUOTE = 900


@dataclass(frozen=True)
class Found:
    retrieved: Retrieved
    citations: list[dict[str, Any]] = field(default_factory=list)  # article_id, title, language
    passages: list[str] = field(default_factory=list)

    @property
    def best_title(self) -> str:
        return str(self.citations[0]["title"]) if self.citations else ""

    def answer_text(self, language: str) -> str:
        quote = self.passages[0] if self.passages else ""
        if len(quote) > MAX_QUOTE:
            quote = quote[:MAX_QUOTE].rsplit(" ", 1)[0] + " …"
        return f"{quote}\n\n{say('source', language, title=self.best_title)}"


def find_answer(text: str, language: str) -> Found:
    decision = indexing.search(text, language)
    citations, passages, seen = [], [], set()
    for hit in decision.hits:
        if hit.article_id in seen:
            continue
        seen.add(hit.article_id)
        title = hit.passage.title
        citations.append({"article_id": int(hit.article_id), "title": title, "language": hit.language})
        passages.append(hit.passage.text)
    retrieved = Retrieved(
        answerable=decision.answerable,
        confidence=round(float(decision.confidence), 4),
        article_ids=[str(c["article_id"]) for c in citations],
    )
    return Found(retrieved, citations, passages)


def urgency_level(text: str) -> str:
    """``urgent`` when the message is angry (the urgency model's anger cues) or scores urgent."""
    scores = keyword_scores([text]).iloc[0]
    intent = str(scores.idxmax()) if float(scores.max()) > 0 else "other"
    row = predict_urgency([text], [intent]).iloc[0]
    return "urgent" if row["level"] == "urgent" or "anger" in row["reasons"] else str(row["level"])
