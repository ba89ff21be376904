"""``smartcrm eval assistant``: CSV validation, the gold set's shape, and a small real run."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from smartcrm.engine.retrieval import language_key, read_articles
from smartcrm.evaluation import EVALUATIONS, assistant


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_gold_set_shape() -> None:
    rows = list(csv.DictReader(assistant.GOLD.open(encoding="utf-8")))
    known = {(a.article_id, language_key(a.language)) for a in read_articles(assistant.HELPCENTER)}
    assert "assistant" in EVALUATIONS
    for lang in ("en", "zh-Hans"):
        subset = [r for r in rows if r["language"] == lang]
        assert len(subset) >= 150
        assert sum(not r["article_id"] for r in subset) / len(subset) >= 0.20
        splits = Counter(r["split"] for r in subset)
        assert set(splits) == {"dev", "test"} and abs(splits["dev"] - splits["test"]) <= 2
        for r in subset:
            assert not r["article_id"] or (r["article_id"], language_key(lang)) in known
    per_article = Counter((r["article_id"], r["split"]) for r in rows if r["article_id"])
    assert min(per_article.values()) >= 2  # every article is asked about in both splits
    assert len({r["query"] for r in rows}) == len(rows)


def test_csv_errors_name_the_row(tmp_path: Path) -> None:
    kb = _write(
        tmp_path / "kb.csv",
        ["article_id", "language", "title", "body"],
        [["a", "en", "A", "text"], ["b", "en", "B", ""]],
    )
    with pytest.raises(ValueError, match=r"kb.csv, row 3: empty body"):
        assistant.read_kb(kb)
    with pytest.raises(ValueError, match="missing column"):
        assistant.read_kb(_write(tmp_path / "bad.csv", ["id", "body"], [["a", "x"]]))
    queries = _write(
        tmp_path / "q.csv", ["query", "language", "article_id"], [["hi", "en", ""], ["where", "en", "zzz"]]
    )
    with pytest.raises(ValueError, match=r"row 3: article 'zzz' \(en\) is not in the knowledge base"):
        assistant.read_queries(queries, {("a", "en")})
    with pytest.raises(ValueError, match="both --kb and --queries"):
        assistant.run({"kb": str(kb)})


def test_run_on_small_files(tmp_path: Path) -> None:
    kb = _write(
        tmp_path / "kb.csv",
        ["article_id", "language", "title", "body"],
        [
            ["ship", "en", "Shipping", "Standard delivery takes 3 to 5 business days and costs $4.95."],
            ["pay", "en", "Payment", "We accept Visa, PayPal, Alipay and WeChat Pay."],
            ["ship", "zh-Hans", "配送", "标准配送需要3到5个工作日，运费4.95美元。"],
            ["pay", "zh-Hans", "支付", "支持信用卡、PayPal、支付宝和微信支付。"],
        ],
    )
    queries = _write(
        tmp_path / "q.csv",
        ["query", "language", "article_id"],
        [["can i pay with alipay", "en", "pay"], ["how many days for delivery", "en", "ship"],
         ["能用微信付款吗", "zh-Hans", "pay"], ["今天天气怎么样", "zh-Hans", ""]],
    )  # fmt: skip
    figures = assistant.run({"kb": str(kb), "queries": str(queries)})
    assert figures["n_queries"] == 4 and figures["n_out_of_scope"] == 1
    assert figures["recall_at_5"] == 1.0 and figures["fused"]["recall_at_5"] == 1.0
    for key in ("mrr_at_10", "out_of_scope_handoff_rate", "in_scope_answer_rate", "p95_ms"):
        assert key in figures
    assert set(figures["per_language"]) == {"en", "zh-Hans"}
    assert set(figures["lexical_only"]) == {"recall_at_5", "mrr_at_10"}
    assert figures["per_language"]["en"]["out_of_scope_handoff_rate"] is None
