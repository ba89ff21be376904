"""How urgent a ticket is, from its intent, sentiment, anger cues, repeated contact and order value.

A transparent additive score in [0, 1] (each part documented below) rather than a learned
model: no urgency labels exist offline, and a support lead must be able to read why a ticket
jumped the queue. ``reasons`` lists the parts that fired.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

# Base urgency of each intent: things broken or missing, money taken and open anger first.
INTENT_BASE = {
    "complaint": 0.45,
    "damaged_item": 0.4,
    "delivery_problem": 0.4,
    "billing": 0.35,
    "cancellation": 0.35,
    "return_refund": 0.3,
    "order_status": 0.15,
    "product_question": 0.1,
    "other": 0.1,
}
ANGER = re.compile(
    r"\b(unacceptable|ridiculous|disgusting|furious|outrageous|scam|fraud|lawyer|solicitor|legal action|"
    r"chargeback|trading standards|worst|terrible|awful|appalling|never again|asap|immediately|urgent(ly)?)\b"
    r"|!{2,}|投诉|太差|垃圾|骗子|欺骗|12315|律师|起诉|曝光|差评|气死|马上|立刻|赶紧|急",
    re.IGNORECASE,
)
REPEAT = re.compile(
    r"\b(again|still|second time|third time|already (told|asked|contacted|emailed|called)|"
    r"(\w+ )?(times|emails|calls) (already|now)|no (one|body) (replied|answered|responded))\b"
    r"|又|再次|还是没|第二次|第三次|好几次|多次|一直没",
    re.IGNORECASE,
)
LEVELS = (("urgent", 0.75), ("high", 0.55), ("normal", 0.3), ("low", 0.0))


def _shouting(text: str) -> bool:
    letters = [c for c in text if c.isalpha() and c.isascii()]
    return len(letters) >= 12 and sum(c.isupper() for c in letters) / len(letters) > 0.6


def predict_urgency(
    texts: Sequence[str],
    intents: Sequence[str],
    negative_score: Sequence[float] | None = None,
    prior_contacts: Sequence[int] | None = None,
    order_value: Sequence[float | None] | None = None,
) -> pd.DataFrame:
    """``urgency`` (0-1), ``level`` (urgent/high/normal/low) and ``reasons`` per ticket.

    ``negative_score``: the sentiment model's probability that the text is negative;
    ``prior_contacts``: earlier tickets/messages from the same customer about it;
    ``order_value``: the related order's total (shop currency).
    """
    n = len(texts)
    neg = np.asarray(negative_score if negative_score is not None else np.zeros(n), dtype=float)
    prior = np.asarray(prior_contacts if prior_contacts is not None else np.zeros(n), dtype=float)
    value = [
        v if v is not None and not (isinstance(v, float) and math.isnan(v)) else 0.0
        for v in (order_value or [0.0] * n)
    ]
    scores, levels, reasons = [], [], []
    for i, text in enumerate(texts):
        text = text or ""
        why = [f"intent:{intents[i]}"]
        score = INTENT_BASE.get(intents[i], 0.1)
        if neg[i] > 0.5:
            score += 0.25 * (neg[i] - 0.5) * 2
            why.append("negative sentiment")
        if ANGER.search(text) or _shouting(text):
            score += 0.2
            why.append("anger")
        repeats = min(2.0, prior[i] + (1 if REPEAT.search(text) else 0))
        if repeats:
            score += 0.08 * repeats
            why.append("repeated contact")
        if value[i] >= 100:
            score += min(0.15, 0.05 * math.log2(value[i] / 50))
            why.append("high order value")
        score = min(1.0, score)
        scores.append(round(score, 4))
        levels.append(next(name for name, floor in LEVELS if score >= floor))
        reasons.append(why)
    return pd.DataFrame({"urgency": scores, "level": levels, "reasons": reasons})
