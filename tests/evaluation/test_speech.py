"""``smartcrm eval speech``: the full code path on a few sentences, and a shop's own recordings."""

from __future__ import annotations

import argparse
import csv
from pathlib import Path
from typing import Any

import pytest

from smartcrm.evaluation import EVALUATIONS, load, speech_corpus
from smartcrm.evaluation.speech import DEV_SEED
from smartcrm.evaluation.speech_corpus import synthesise
from smartcrm.evaluation.speech_scoring import customer_orders
from smartcrm.evaluation.speech_sentences import ENGLISH, ENGLISH_DEV


def run(*args: str) -> dict[str, Any]:
    evaluation = load("speech")
    parser = argparse.ArgumentParser()
    evaluation.add_arguments(parser)
    return evaluation.run(vars(parser.parse_args(list(args))))


def test_small_real_run() -> None:
    assert "speech" in EVALUATIONS
    figures = run("--models", "tiny.en", "--n", "3", "--n-mandarin", "1")
    # Three sentences, each clean and phone-band; the Mandarin one is skipped by the English model.
    assert figures["n_utterances"] == 7
    tiny = figures["models"]["tiny.en"]
    assert "zh" not in tiny
    assert tiny["en"]["clean"]["n"] == tiny["en"]["phone"]["n"] == 3
    assert 0 <= figures["wer"] <= 0.5
    assert figures["wer"] <= figures["wer_phone"]
    assert 0 <= figures["order_number_recall"] <= 1
    assert tiny["en"]["all"]["n_order_numbers"] == 6
    assert 0 < figures["real_time_factor"] < 5
    assert set(tiny["en"]["by_voice"]) == {"flite:slt", "flite:rms", "espeak-ng:en-us"}
    assert set(tiny["en"]["by_voice"]["flite:slt"]) == {
        "clean",
        "phone",
        "clean_order_numbers",
        "phone_order_numbers",
    }
    # Linked to the customer's own orders: reported beside the exact recall, never in it.
    assert figures["order_number_recall"] <= figures["linked_order_recall"] <= 1
    assert figures["linked_order_wrong"] == 0
    assert set(figures["targets"]) == {"wer", "wer_phone", "order_number_recall", "real_time_factor"}


def test_a_shops_own_recordings(tmp_path: Path) -> None:
    synthesise("Hello, my order number is four two eight seven one.", "flite:rms", 160, tmp_path / "a.wav")
    synthesise("The parcel was damaged when it came.", "flite:slt", 160, tmp_path / "b.wav")
    (tmp_path / "c.wav").write_bytes(b"not audio")
    truth = tmp_path / "truth.csv"
    with truth.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "language", "text", "condition"])
        writer.writerow(["a.wav", "en", "Hello, my order number is 42871.", "clean"])
        writer.writerow(["b.wav", "en", "The parcel was damaged when it came.", ""])
        writer.writerow(["c.wav", "en", "Lost words.", "phone"])
    figures = run("--models", "tiny.en", "--audio", str(tmp_path), "--truth", str(truth))
    assert figures["n_utterances"] == 3
    assert figures["wer"] < 0.2
    assert figures["order_number_recall"] == 1.0
    # The unreadable file is reported, and counts as all words missed.
    assert figures["models"]["tiny.en"]["failures"] == [
        {"file": "c.wav", "error": "the file is not audio that can be read"}
    ]
    assert figures["wer_phone"] == 1.0


def test_a_truth_file_without_its_columns_is_refused(tmp_path: Path) -> None:
    truth = tmp_path / "truth.csv"
    truth.write_text("name,words\na.wav,hello\n")
    with pytest.raises(ValueError, match="missing column"):
        run("--audio", str(tmp_path), "--truth", str(truth))
    truth.write_text("file,language,text,condition\na.wav,en,hello,studio\n")
    with pytest.raises(ValueError, match="condition must be clean or phone"):
        run("--audio", str(tmp_path), "--truth", str(truth))


def test_the_development_set_has_other_sentences_and_numbers(tmp_path: Path) -> None:
    (tmp_path / "standard").mkdir()
    (tmp_path / "dev").mkdir()
    standard = speech_corpus.english(tmp_path / "standard", seed=0, n=1)
    dev = speech_corpus.english(tmp_path / "dev", seed=DEV_SEED, n=1, sentences=ENGLISH_DEV)
    assert not set(ENGLISH_DEV) & set(ENGLISH)
    assert dev[0].text.startswith("Hi, I am ringing about order")
    assert dev[0].order_number != standard[0].order_number
    assert [u.condition for u in dev] == ["clean", "phone"]


def test_the_decoy_orders_are_the_customers_own_and_the_same_each_run() -> None:
    orders = customer_orders("770704")
    assert "770704" in orders and len(set(orders)) == 6
    assert orders == customer_orders("770704")
    near = [o for o in orders if o != "770704" and abs(int(o) - 770704) <= 2_000]
    assert len(near) >= 3
