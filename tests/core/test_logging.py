import logging

from smartcrm.core.logging import RedactPIIFilter, redact


def test_redact_hides_emails_phones_and_card_numbers() -> None:
    text = redact("mail ada@example.com call +44 20 7946 0958 card 4111 1111 1111 1111 order 42")
    assert "ada@" not in text and "7946" not in text and "4111" not in text
    assert "order 42" in text


def test_filter_rewrites_the_record() -> None:
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "user %s failed", ("bo@x.io",), None)
    RedactPIIFilter().filter(record)
    assert record.getMessage() == "user [EMAIL] failed"
