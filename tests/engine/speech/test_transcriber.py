"""The real tiny.en model on a few short sentences: words, order numbers, timings, one model per process."""

from __future__ import annotations

import threading

import jiwer
import pytest

from smartcrm.engine.speech import Transcriber, find_spoken_order_numbers
from smartcrm.engine.speech import transcriber as transcriber_module
from smartcrm.engine.speech.transcriber import ENGLISH_PROMPT
from smartcrm.evaluation.speech_scoring import normalise_english
from tests.engine.speech.conftest import Say

SENTENCES = [
    (
        "flite:slt",
        "Hello, my order number is seven oh four eight seven six and it has not arrived.",
        "704876",
    ),
    ("flite:rms", "Please cancel order double five one nine three before it ships.", "55193"),
    ("flite:awb", "The box for order three one four one five arrived empty.", "31415"),
]


@pytest.fixture(scope="module")
def transcriber() -> Transcriber:
    return Transcriber("tiny.en")


@pytest.mark.parametrize(("voice", "spoken", "number"), SENTENCES)
def test_english_sentences_with_their_order_numbers(
    transcriber: Transcriber, say: Say, voice: str, spoken: str, number: str
) -> None:
    transcript = transcriber.transcribe(say(spoken, voice))
    assert number in find_spoken_order_numbers(transcript.text)
    assert jiwer.wer(normalise_english(spoken), normalise_english(transcript.text)) <= 0.25
    assert transcript.language == "en"
    assert transcript.complete
    assert 2 < transcript.duration_seconds < 10
    assert transcript.seconds > 0
    assert transcript.segments
    assert all(0 <= s.start < s.end <= transcript.duration_seconds + 1 for s in transcript.segments)
    assert transcript.text == " ".join(s.text for s in transcript.segments)


def test_one_model_per_process_shared_across_threads(transcriber: Transcriber, say: Say) -> None:
    path = say(SENTENCES[2][1], SENTENCES[2][0])
    results: list[str] = []

    def work() -> None:
        results.append(Transcriber("tiny.en").transcribe(path).text)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2
    assert results[0] == results[1]
    loaded = [key for key in transcriber_module._loaded if key[0] == str(transcriber.files().path)]
    assert len(loaded) == 1


def test_the_english_prompt_is_the_default_for_english_only() -> None:
    assert Transcriber("base").decoding()["initial_prompt"] == ENGLISH_PROMPT
    assert Transcriber("base")._prompt("zh") is None  # an English prompt pulls Mandarin to English
    assert Transcriber("base", initial_prompt="")._prompt("en") is None
    assert Transcriber("base", initial_prompt="订单号")._prompt("zh") == "订单号"


def test_text_tokens_only_without_the_temperature_fallback(say: Say) -> None:
    voice, spoken, number = SENTENCES[1]
    quick = Transcriber("tiny.en", temperature_fallback=False, timestamps=False)
    transcript = quick.transcribe(say(spoken, voice))
    assert number in find_spoken_order_numbers(transcript.text)
    assert quick.decoding() == {
        "beam_size": 5,
        "initial_prompt": ENGLISH_PROMPT,
        "vad": False,
        "temperature_fallback": False,
        "timestamps": False,
    }
