import logging
import os
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from smartcrm.core.logging import RedactPIIFilter, redact, redact_query
from smartcrm.demo.management.commands.serve import gunicorn_argv
from tests.ports import free_port


def test_redact_hides_emails_phones_and_card_numbers() -> None:
    text = redact("mail ada@example.com call +44 20 7946 0958 card 4111 1111 1111 1111 order 42")
    assert "ada@" not in text and "7946" not in text and "4111" not in text
    assert "order 42" in text


def test_filter_rewrites_the_record() -> None:
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "user %s failed", ("bo@x.io",), None)
    RedactPIIFilter().filter(record)
    assert record.getMessage() == "user [EMAIL] failed"


def test_durations_dates_and_ids_in_paths_stay_and_phone_numbers_go() -> None:
    kept = [
        "task succeeded in 0.1234567s",
        "GET /api/v1/imports/12345678/errors",
        "took 1234.5678 ms on 2024-11-23 10:00:00",
        "version 2.0.11, order 42",
    ]
    assert [redact(text) for text in kept] == kept
    for phone in ["+1 415 555 0100", "(415) 555-0100", "415.555.0100", "0044 20 7946 0958", "41555501000"]:
        assert redact(f"call {phone} today") in ("call [PHONE] today", "call [NUMBER] today"), phone


def test_query_values_of_pii_parameters_are_redacted() -> None:
    query = redact_query("search=ada%40example.com&page=2&email=x&note=call+%2B1+415+555+0100&q=")
    assert query == "search=%5BREDACTED%5D&page=2&email=%5BREDACTED%5D&note=call+%5BPHONE%5D&q="


def test_the_servers_access_log_keeps_no_pii(tmp_path: Path) -> None:
    """``smartcrm serve``'s own gunicorn command line, for real: the log has the path, not the values."""
    port = free_port()
    argv = gunicorn_argv("127.0.0.1", port, workers=1, threads=1)
    env = {**os.environ, "DATABASE_URL": "", "SMARTCRM_DATA_DIR": str(tmp_path), "REDIS_URL": ""}
    server = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = f"http://127.0.0.1:{port}/api/v1/customers?search=xss.probe%40example.com&phone=%2B14155550100"
        deadline = time.monotonic() + 30
        status = 0
        while not status:
            try:
                urllib.request.urlopen(url, timeout=5)
            except urllib.error.HTTPError as answer:
                status = answer.code
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)
        assert status == 401
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert "GET /api/v1/customers?search=%5BREDACTED%5D&phone=%5BREDACTED%5D" in output, output
    assert "example.com" not in output and "5550100" not in output
