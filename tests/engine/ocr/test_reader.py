"""The OCR reader on real rendered documents, with the packaged model (no mock)."""

from __future__ import annotations

import random
import threading

import pytest
from rapidfuzz.distance import Levenshtein

from smartcrm.engine.ocr import OcrReader, find_order_numbers
from smartcrm.engine.ocr import reader as reader_module
from smartcrm.engine.ocr.layout import detect_language
from smartcrm.engine.ocr.signals import IMAGE_LABELS, image_signal
from smartcrm.evaluation.ocr import normalise
from smartcrm.evaluation.ocr_documents import DocumentMaker
from smartcrm.evaluation.ocr_render import render


@pytest.mark.parametrize(("kind", "language", "tier"), [("receipt", "en", "clean"), ("label", "zh", "phone")])
def test_reads_a_document(kind: str, language: str, tier: str) -> None:
    maker, r = DocumentMaker(7), random.Random(7)
    document = maker.make(kind, language)
    while document.order_number is None:
        document = maker.make(kind, language)
    result = OcrReader().read(render(document, tier, r))
    truth, got = normalise(document.text, language), normalise(result.text, language)
    assert Levenshtein.distance(truth, got) / len(truth) < 0.05, (document.text, result.text)
    assert document.order_number in find_order_numbers(result.text)
    assert result.language == language
    assert result.seconds > 0
    assert len(result.lines) >= len(document.rows) - 1
    for line in result.lines:
        assert len(line.box) == 4
        assert 0.5 <= line.confidence <= 1
    # Lines come in reading order: the first row of the document is read first.
    assert normalise(result.lines[0].text, language) in normalise(document.rows[0][0], language)


def test_the_model_loads_once_for_concurrent_readers() -> None:
    image = render(DocumentMaker(3).make("error", "en"), "clean", random.Random(3))
    texts: list[str] = []

    def read() -> None:
        texts.append(OcrReader().read(image).text)

    threads = [threading.Thread(target=read) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(texts) == 3 and len(set(texts)) == 1 and texts[0]
    assert len(reader_module._ENGINES) == 1


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Order number: SO-00012345\nTotal $45.99", "en"),
        ("订单号：SO-00012345\n合计 ¥128.60\n感谢您的惠顾", "zh"),
        ("Payment failed 支付失败 please retry 请重试", "mixed"),
        ("SO-00012345 2026-11-03", "unknown"),
    ],
)
def test_language(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_image_signal_says_why_it_is_unavailable() -> None:
    signal = image_signal(b"\x89PNG")
    assert not signal.available and signal.label is None
    assert "offline" in signal.reason and "OCR" in signal.reason
    assert IMAGE_LABELS == ("damage", "wrong_item", "packaging")
