"""``smartcrm eval speech``: word error rate, order numbers and speed of the speech-to-text engine.

The built-in set (``evaluation.speech_corpus``, seeded) is 60 English customer-service
sentences spoken by six espeak-ng voices, each clean and as a phone-band twin (8 kHz,
300–3,400 Hz, noise at 20 dB SNR), plus 20 Mandarin sentences read from pinyin (experimental,
no target). ``--audio DIR --truth truth.csv`` measures a shop's own recordings instead
(columns ``file,language,text`` and optionally ``condition``: clean or phone).

Both sides are normalised the same way before scoring: lower case, punctuation dropped, spoken
or written digit runs joined into one number (``order_numbers.digits_in_words``), so an order
number counts as one word and is right only if every digit is. Chinese is scored by character
(CER) with punctuation and spaces dropped. Targets (issue 24): WER ≤ 0.10 clean, ≤ 0.35 phone
band, order numbers recovered exactly in ≥ 95%, real-time factor ≤ 0.4 on 2 cores.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from smartcrm.engine.speech import Transcriber
from smartcrm.evaluation import speech_corpus, speech_scoring
from smartcrm.evaluation.speech_corpus import Utterance
from smartcrm.evaluation.speech_sentences import ENGLISH_DEV

DEFAULT_MODEL = "tiny.en"
DEV_SEED = 1
TARGETS = {"wer": 0.10, "wer_phone": 0.35, "order_number_recall": 0.95, "real_time_factor": 0.4}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--models",
        default="tiny.en,base",
        help="comma-separated: tiny.en, base or a model directory; the first is the default (tiny.en,base)",
    )
    parser.add_argument("--n", type=int, default=None, help="English sentences to use (default all 60)")
    parser.add_argument("--n-mandarin", type=int, default=None, help="Mandarin sentences (default all 20)")
    parser.add_argument(
        "--seed", type=int, default=None, help="voices, speeds, order numbers and noise (default 0; --dev: 1)"
    )
    parser.add_argument(
        "--dev",
        action="store_true",
        help="the development set instead (30 other sentences, English only, seed 1 unless --seed): "
        "try settings there, report on the standard set",
    )
    parser.add_argument("--audio", type=Path, default=None, help="a folder of your own recordings")
    parser.add_argument(
        "--truth", type=Path, default=None, help="truth.csv for --audio: file,language,text[,condition]"
    )
    parser.add_argument("--errors", type=int, default=0, help="also list up to this many wrong transcripts")
    # Decoder settings: unset, the engine's defaults (Transcriber) are measured.
    parser.add_argument("--beam-size", type=int, default=None, help="beam width of the decoder")
    parser.add_argument(
        "--prompt",
        default=None,
        help="an initial prompt of words to expect (default: the engine's English prompt; '' for none)",
    )
    parser.add_argument(
        "--vad", action=argparse.BooleanOptionalAction, default=None, help="drop silence first (Silero VAD)"
    )
    parser.add_argument(
        "--temperature-fallback",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="decode a doubtful window again at higher temperatures",
    )
    parser.add_argument(
        "--timestamps",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="predict segment timestamps (off: text tokens only)",
    )


def run(options: dict[str, Any]) -> dict[str, Any]:
    models = [m.strip() for m in str(options.get("models") or DEFAULT_MODEL).split(",") if m.strip()]
    max_errors = int(options.get("errors") or 0)
    chosen = {
        "beam_size": options.get("beam_size"),
        "initial_prompt": options.get("prompt"),
        "vad": options.get("vad"),
        "temperature_fallback": options.get("temperature_fallback"),
        "timestamps": options.get("timestamps"),
    }
    settings = {key: value for key, value in chosen.items() if value is not None}
    if options.get("audio") or options.get("truth"):
        if not (options.get("audio") and options.get("truth")):
            raise ValueError("--audio and --truth go together")
        utterances = speech_scoring.read_truth(Path(options["audio"]), Path(options["truth"]))
        return evaluate(utterances, models, settings, max_errors, source=str(options["truth"]))
    dev = bool(options.get("dev"))
    seed = int(options["seed"]) if options.get("seed") is not None else (DEV_SEED if dev else 0)
    with tempfile.TemporaryDirectory(prefix="smartcrm-speech-") as folder:
        if dev:
            utterances = speech_corpus.english(
                Path(folder), seed=seed, n=options.get("n"), sentences=ENGLISH_DEV
            )
            source = f"development set (flite, espeak-ng; seed {seed})"
        else:
            utterances = speech_corpus.english(Path(folder), seed=seed, n=options.get("n"))
            utterances += speech_corpus.mandarin(Path(folder), seed=seed, n=options.get("n_mandarin"))
            source = "synthetic set (flite, espeak-ng)"
        result = evaluate(utterances, models, settings, max_errors, source=source)
    result["voices"] = sorted({u.voice for u in utterances})
    return result


def evaluate(
    utterances: list[Utterance], models: list[str], settings: dict[str, Any], max_errors: int, source: str
) -> dict[str, Any]:
    per_model: dict[str, Any] = {}
    for model in models:
        transcriber = Transcriber(model, **settings)
        english_only = transcriber.files().english_only
        usable = [u for u in utterances if u.language == "en" or not english_only]
        per_model[model] = speech_scoring.score(transcriber, usable, max_errors)
    default = per_model[models[0]]
    english = default.get("en", {})
    result: dict[str, Any] = {
        "source": source,
        "default_model": models[0],
        "n_utterances": len(utterances),
        "wer": english.get("clean", {}).get("wer"),
        "wer_phone": english.get("phone", {}).get("wer"),
        "order_number_recall": english.get("all", {}).get("order_number_recall"),
        # Reported apart, never in the figure above: matched to the customer's own orders (one digit off).
        "linked_order_recall": english.get("all", {}).get("linked_order_recall"),
        "linked_order_wrong": english.get("all", {}).get("linked_order_wrong"),
        "real_time_factor": default["real_time_factor"],
        "models": per_model,
        "settings": Transcriber(models[0], **settings).decoding(),
    }
    result["targets"] = {
        key: {"target": target, "met": _met(key, result[key], target)} for key, target in TARGETS.items()
    }
    return result


def _met(key: str, value: float | None, target: float) -> bool | None:
    if value is None:
        return None
    return value >= target if key == "order_number_recall" else value <= target
