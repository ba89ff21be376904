"""Order and tracking numbers in OCR text, with the model's look-alike confusions."""

from __future__ import annotations

import pytest

from smartcrm.engine.ocr import DEFAULT_ORDER_FORMAT, find_order_numbers, find_tracking_numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Order number: SO-00012345", ["SO-00012345"]),
        ("Order: S0-O001234S", ["SO-00012345"]),  # O/0 and S/5 both ways
        ("5O-00012345 paid", ["SO-00012345"]),
        ("REF: SO-000l2345", ["SO-00012345"]),  # l for 1
        ("订单号：SO–00012345，谢谢", ["SO-00012345"]),  # an en dash, full-width punctuation
        ("SO 00012345 and again SO-00012345, then SO-00099999", ["SO-00012345", "SO-00099999"]),
    ],
)
def test_order_numbers_forgive_look_alikes(text: str, expected: list[str]) -> None:
    assert find_order_numbers(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "SO-12345 is too short",
        "SO-123456789 is too long",
        "call 50 12345678",  # digits for the prefix and no dash: a phone number
        "SO-DOSSIBLE",  # mostly look-alike letters: a word
        "XSO-00012345",  # glued to a word
        "",
    ],
)
def test_not_order_numbers(text: str) -> None:
    assert find_order_numbers(text) == []


def test_the_default_format_is_the_shops_numbering() -> None:
    assert DEFAULT_ORDER_FORMAT == "SO-########"
    # The orders service numbers an order f"SO-{pk:08d}".
    assert find_order_numbers(f"SO-{42:08d}") == ["SO-00000042"]


def test_a_shop_format() -> None:
    assert find_order_numbers("Bestellung AB/2026/0O42 erhalten", "AB/####/####") == ["AB/2026/0042"]
    assert find_order_numbers("order #W1O2345", "W#######") == []
    assert find_order_numbers("order W1O23456", "W#######") == ["W1023456"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TRACKING #: 1Z999AA10123456784", ["1Z999AA10123456784"]),
        ("IZ999AA1O123456784", ["1Z999AA10123456784"]),
        ("USPS 9400 1234 5678 9012 3456 78", ["9400123456789012345678"]),
        ("EMS EA123456789CN", ["EA123456789CN"]),
        ("运单号：SF1234567890123", ["SF1234567890123"]),
        ("运单号：5F12345678901Z3", ["SF1234567890123"]),
        ("YT1234567890123 / JD0001234567890", ["YT1234567890123", "JD0001234567890"]),
        ("JJD000390007881234567", ["JJD000390007881234567"]),
        ("Cainiao LP00123456789012", ["LP00123456789012"]),
        ("FedEx tracking number: 7734 5678 9012", ["773456789012"]),
    ],
)
def test_tracking_numbers(text: str, expected: list[str]) -> None:
    assert find_tracking_numbers(text) == expected


def test_order_numbers_are_not_tracking_numbers() -> None:
    assert find_tracking_numbers("Order SO-00012345, total $45.99, 2026-11-03") == []
