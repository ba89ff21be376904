"""What a support ticket is about: nine intents, in English and Chinese.

No intent-labelled ticket set ships offline, so the model has two halves:

* a transparent bilingual **keyword/pattern model** (:data:`PATTERNS`): every intent has
  weighted regular expressions a support lead can read and extend; it knows all nine intents;
* a **classifier** (TF-IDF over character 1–4-grams, which works for Chinese without word
  segmentation, + logistic regression) trained on the synthetic shop's tickets, whose
  generator plants a ``cause`` per ticket (:data:`CAUSE_TO_INTENT`). It only knows the five
  intents the shop generates, and learns their many phrasings.

``predict_intent_proba`` blends the two (``keyword_weight``); the keyword half is what lets
the model answer "cancellation" or "product question" at all. Measured on a held-out split of
generated tickets and on hand-written real-sounding tickets (tests/engine/nlp/data), see
docs/models/nlp.md.

The shipped default is trained at build or demo time (``smartcrm train_defaults``, run by
``smartcrm demo``: ``smartcrm.demo.intent_default.train_default_intent_model`` then
:func:`save_default_intent_model`) and
loaded from that artifact (:func:`load_default_intent_model`). A process that finds no artifact
answers with the keyword patterns alone (:meth:`IntentModel.keywords_only`) and says so in the
log; it never fits from the synthetic shop at first use.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline

from smartcrm.engine import pickled

logger = logging.getLogger(__name__)
MODEL_TYPE = "smartcrm.IntentModel"
FORMAT_VERSION = 1

INTENTS = (
    "order_status",
    "return_refund",
    "damaged_item",
    "delivery_problem",
    "product_question",
    "billing",
    "complaint",
    "cancellation",
    "other",
)
CAUSE_TO_INTENT = {
    "late_delivery": "delivery_problem",
    "defect": "damaged_item",
    "wrong_item": "return_refund",  # the customer wants the right item or the money back
    "billing": "billing",
    "order_status": "order_status",
}

# (pattern, weight). Weights: 1 = a clear signal, 0.5 = a hint. Matched case-insensitively.
PATTERNS: dict[str, tuple[tuple[str, float], ...]] = {
    "order_status": (
        (r"\b(has|have|did) (my )?(order|it|parcel|package) (shipped|been sent|dispatched)", 1.0),
        (r"\btracking (number|link|info)|\btrack (my|the) (order|parcel|package)", 1.0),
        (
            r"\border status|\bstatus of (my )?order|\bwhen will (my )?(order|it) (ship|be sent|be dispatched)",  # noqa: E501
            1.0,
        ),
        (r"\b(dispatch(ed)?|shipping confirmation|been shipped|ship(ped)? yet)\b", 0.8),
        (r"\bchange (my |the )?(delivery |shipping )?address", 0.8),
        (
            r"发货了吗|发货了没|什么时候发货|快递单号|物流单号|查询订单|订单状态|物流信息|修改(收货)?地址|改(收货)?地址|多久(能|可以)?发货|还没(看到)?发货",
            1.0,
        ),
    ),
    "return_refund": (
        (r"\b(return|send (it|them) back|exchange|swap)\b", 0.8),
        (r"\brefund\b|\bmoney back\b|\breimburse", 0.8),
        (r"\bwrong (item|size|colou?r|product|order)|\bnot what i ordered|\bsomeone else'?s order", 1.0),
        (r"\breturn label|\breturns? policy", 1.0),
        (r"退货|退款|换货|退换|寄回|发错|不是我买的|尺码不对|颜色不对|退钱", 1.0),
    ),
    "damaged_item": (
        (r"\b(broken|damaged|cracked|defective|faulty|smashed|dented|scratched|leaking|shattered)\b", 1.0),
        (r"\b(stopped|doesn'?t|does not|won'?t|will not) (work|turn on|charge|switch on)", 1.0),
        (r"\barrived (broken|damaged|in pieces)|\bpoor quality", 0.8),
        (r"坏了|破损|损坏|裂了|碎了|有质量问题|质量问题|开不了机|不能用|用不了|漏了|划痕|瑕疵|次品", 1.0),
    ),
    "delivery_problem": (
        (
            r"\b(hasn'?t|has not|haven'?t|never|not yet|still not|didn'?t) (arrived|come|been delivered|received)",  # noqa: E501
            1.0,
        ),
        (r"\b(late|delayed|delay|overdue|lost)\b (delivery|parcel|package|order|shipment)?", 0.7),
        (r"\bstill waiting\b|\bwhere is my (order|parcel|package)|\bmissing (parcel|package|delivery)", 1.0),
        (r"\b(courier|driver|carrier|postman)\b|\bmarked as delivered|\bdelivered to the wrong", 0.7),
        (
            r"还没到|没收到|未收到|没有收到|延误|延迟|物流太慢|快递太慢|送货太慢|丢件|丢了|快递员|显示已签收|签收了但",
            1.0,
        ),
    ),
    "product_question": (
        (r"\b(does|do|is|are|can|will) (it|this|the \w+|they) (come|fit|work|have|support|include)", 0.8),
        (
            r"\b(what|which) (size|colou?r|material|dimensions|version)|\bhow (do|does|to) (i )?(use|set up|install)",  # noqa: E501
            1.0,
        ),
        (
            r"\bin stock\b|\bback in stock|\bcompatible with|\bwarranty (on|for)|\bbefore (i )?(buy|order)",
            1.0,
        ),
        (
            r"有货吗|什么时候有货|尺码怎么选|适合|兼容|怎么用|如何使用|怎么连|是什么材质|多大|保修|能不能用|支持.*吗|是否(包含|含|有)|选什么|什么尺码",
            1.0,
        ),
    ),
    "billing": (
        (r"\bcharged (twice|double|two times|more)|\bdouble charge|\bduplicate (charge|payment)", 1.0),
        (r"\binvoice\b|\breceipt\b|\bvat\b|\bbilling\b|\bpayment (failed|declined|didn'?t go through)", 1.0),
        (r"\b(discount|promo|coupon|voucher) (code )?(\w+ )?(not|wasn'?t|didn'?t|did not|isn'?t)", 1.0),
        (
            r"\brefund (has not|hasn'?t|not) (arrived|been received|come)|\bhaven'?t received (my|the) refund",  # noqa: E501
            0.6,
        ),
        (
            r"扣款|扣了两次|重复扣|多扣|发票|收据|优惠码|优惠券|付款失败|支付失败|账单|退款(一直)?没到账|没到账",
            1.0,
        ),
    ),
    "complaint": (
        (r"\b(terrible|awful|horrible|worst|unacceptable|disgusting|ridiculous|appalling|pathetic)\b", 0.8),
        (
            r"\b(complain|complaint|speak to (a|your) manager|never (order|buy|shop)(ing)? (here |from you )?again)",  # noqa: E501
            1.0,
        ),
        (r"\b(rude|unhelpful|ignored|no one (replied|answered|responded)|nobody (replied|answered))\b", 1.0),
        (
            r"投诉|太差|垃圾|差评|态度(很|太)?差|没人理|没人回复|不会再买|再也不买|欺骗|骗子|12315|找你们领导|离谱",
            1.0,
        ),
    ),
    "cancellation": (
        (r"\bcancel(l?ed|l?ing|lation)?\b", 1.0),
        (r"\b(don'?t|do not|no longer) (want|need) (it|the order|this order)|\bstop (my|the) order", 0.8),
        (r"\bunsubscribe|\bclose my account|\bdelete my account", 0.8),
        (r"取消|不要了|撤销|退订|注销", 1.0),
    ),
    "other": (),
}
_COMPILED = {
    intent: [(re.compile(p, re.IGNORECASE), w) for p, w in patterns] for intent, patterns in PATTERNS.items()
}


def keyword_scores(texts: Sequence[str]) -> pd.DataFrame:
    """Summed pattern weights per intent (one row per text, one column per intent)."""
    out = np.zeros((len(texts), len(INTENTS)))
    for i, text in enumerate(texts):
        for j, intent in enumerate(INTENTS):
            out[i, j] = sum(w for rx, w in _COMPILED[intent] if rx.search(text or ""))
    return pd.DataFrame(out, columns=list(INTENTS))


class IntentModel:
    """Bilingual ticket intent: keyword patterns blended with a classifier trained on tickets.

    ``keyword_weight``: share of the keyword half in the blend; ``min_confidence``: below it the
    answer is ``other``. When no pattern fires the classifier alone must reach
    ``min_confidence_without_keywords``: trained on five intents, it would otherwise file every
    out-of-domain message ("do you have a shop in Manchester?") under one of them.
    """

    def __init__(
        self,
        keyword_weight: float = 0.5,
        min_confidence: float = 0.3,
        min_confidence_without_keywords: float = 0.65,
        C: float = 4.0,
    ) -> None:
        self.keyword_weight = keyword_weight
        self.min_confidence = min_confidence
        self.min_confidence_without_keywords = min_confidence_without_keywords
        self.C = C
        self.keywords_only_ = False

    def fit(self, texts: Sequence[str], intents: Sequence[str]) -> IntentModel:
        unknown = sorted(set(intents) - set(INTENTS))
        if unknown:
            raise ValueError(f"unknown intents: {unknown}; expected some of {INTENTS}")
        self.classifier_: Pipeline = make_pipeline(
            TfidfVectorizer(
                analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True, min_df=2, lowercase=True
            ),
            LogisticRegression(C=self.C, max_iter=2000),
        )
        self.classifier_.fit(list(texts), list(intents))
        self.classes_ = [str(c) for c in self.classifier_.classes_]
        return self

    @classmethod
    def keywords_only(cls) -> IntentModel:
        """The keyword patterns alone, no classifier: the fallback when no trained model exists."""
        model = cls()
        model.keywords_only_ = True
        return model

    def to_bytes(self) -> bytes:
        """Pickle with a header (type, format, scikit-learn version). Load only bytes you saved."""
        if not hasattr(self, "classifier_"):
            raise RuntimeError("IntentModel is not fitted: call fit() first")
        return pickled.dump(self, model_type=MODEL_TYPE, format_version=FORMAT_VERSION)

    @classmethod
    def from_bytes(cls, data: bytes) -> IntentModel:
        """A model saved by :meth:`to_bytes` (trusted bytes only: artifacts this code wrote)."""
        return pickled.load(data, cls, model_type=MODEL_TYPE, format_version=FORMAT_VERSION)

    def predict_intent_proba(self, texts: Sequence[str]) -> pd.DataFrame:
        """A probability-like score per intent (rows sum to 1)."""
        return self._blend(texts)[0]

    def _blend(self, texts: Sequence[str]) -> tuple[pd.DataFrame, np.ndarray]:
        """The blended scores per intent, and which texts no keyword pattern fired on."""
        keywords_only = self.keywords_only_
        if not keywords_only and not hasattr(self, "classifier_"):
            raise RuntimeError("IntentModel is not fitted: call fit() first")
        texts = [t or "" for t in texts]
        # Without a classifier its half is uniform: a text no pattern fires on stays "other".
        clf = np.full((len(texts), len(INTENTS)), 1 / len(INTENTS) if keywords_only else 0.0)
        if texts and not keywords_only:
            proba = self.classifier_.predict_proba(texts)
            for k, cls in enumerate(self.classes_):
                clf[:, INTENTS.index(cls)] = proba[:, k]
        kw = keyword_scores(texts).to_numpy()
        kw_total = kw.sum(axis=1, keepdims=True)
        has_kw = kw_total[:, 0] > 0
        kw_share = np.divide(kw, kw_total, out=np.zeros_like(kw), where=kw_total > 0)
        w = np.where(has_kw, 1.0 if keywords_only else self.keyword_weight, 0.0)[:, None]
        blended = (1 - w) * clf + w * kw_share
        frame = pd.DataFrame(
            blended / blended.sum(axis=1, keepdims=True).clip(min=1e-12), columns=list(INTENTS)
        )
        return frame, ~has_kw

    def predict_intent(self, texts: Sequence[str]) -> pd.DataFrame:
        """``intent`` and ``confidence`` per text; ``other`` when nothing is confident enough."""
        proba, no_keywords = self._blend(texts)
        values = proba.to_numpy()
        best = values.argmax(axis=1) if len(values) else np.zeros(0, dtype=int)
        confidence = values[np.arange(len(values)), best] if len(values) else np.zeros(0)
        intent: npt.NDArray[np.object_] = np.array(INTENTS, dtype=object)[best]
        intent[confidence < self.min_confidence] = "other"
        intent[no_keywords & (confidence < self.min_confidence_without_keywords)] = "other"
        return pd.DataFrame({"intent": intent.astype(str), "confidence": confidence.round(4)})


def ticket_training_frame(tickets: pd.DataFrame, messages: pd.DataFrame) -> pd.DataFrame:
    """``text`` (subject + the customer's first message) and ``intent`` per generated ticket."""
    first = (
        messages[messages["author_kind"] == "customer"]
        .sort_values(["ticket_id", "created_at"])
        .drop_duplicates("ticket_id")
        .set_index("ticket_id")["body"]
    )
    body = tickets["id"].map(first).fillna("")
    return pd.DataFrame(
        {
            "text": (tickets["subject"].fillna("") + "\n" + body).to_numpy(),
            "intent": tickets["cause"].map(CAUSE_TO_INTENT).to_numpy(),
            "language": tickets["language"].to_numpy(),
        }
    )


def default_intent_model_path(cache_dir: str | Path) -> Path:
    """Where the default's artifact lives; the name changes with the format and scikit-learn."""
    recipe = f"{FORMAT_VERSION}|{version('scikit-learn')}"
    return Path(cache_dir) / f"intent-default-{hashlib.sha256(recipe.encode()).hexdigest()[:12]}.bin"


def save_default_intent_model(model: IntentModel, cache_dir: str | Path) -> Path:
    """Write the default's artifact atomically (a reader never sees half a file)."""
    path = default_intent_model_path(cache_dir)
    pickled.write_atomically(path, model.to_bytes())
    return path


def load_default_intent_model(cache_dir: str | Path | None = None) -> IntentModel:
    """The shipped default from its artifact in ``cache_dir``, else the keyword patterns alone."""
    path = default_intent_model_path(cache_dir) if cache_dir is not None else None
    if path is not None and path.exists():
        try:
            return IntentModel.from_bytes(path.read_bytes())
        except ValueError as exc:
            logger.warning("default intent model at %s is unreadable (%s); using keyword rules", path, exc)
            return IntentModel.keywords_only()
    logger.warning(
        "no trained default intent model%s; using keyword rules (run `smartcrm train_defaults`)",
        f" at {path}" if path is not None else "",
    )
    return IntentModel.keywords_only()
