"""Scoring for ``smartcrm eval speech``: normalised WER/CER, order-number recall, real-time factor."""

from __future__ import annotations

import csv
import random
import re
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import jiwer

from smartcrm.engine.speech import (
    SpeechError,
    Transcriber,
    closest_order_number,
    digits_in_words,
    find_spoken_order_numbers,
)
from smartcrm.evaluation.speech_corpus import Utterance

NOT_WORD = re.compile(r"[^a-z0-9' ]+")
CHINESE_DIGITS = str.maketrans("零〇一二三四五六七八九", "00123456789")
# Four or more Chinese numerals in a row are an order number read out, not words like 一下.
CHINESE_DIGIT_RUN = re.compile(r"[零〇一二三四五六七八九]{4,}")
NOT_CHINESE_TEXT = re.compile(r"[\s\W_]+")
CONDITIONS = ("clean", "phone")
# The linked-order figure: the customer's own orders the spoken number is matched against are the
# right one and these decoys. A shop numbers its orders in sequence, so a customer's other orders
# are near theirs (orders placed over time, up to this many numbers apart), plus two from anywhere.
NEAR_DECOYS, FAR_DECOYS, NEAR_SPAN = 3, 2, 2_000


def customer_orders(number: str) -> list[str]:
    """``number`` and the decoy orders of the same customer (seeded by the number: the same each run)."""
    rng = random.Random(f"orders-of-{number}")  # noqa: S311 - test data, not secrets
    orders = {number}
    while len(orders) < 1 + NEAR_DECOYS:
        near = int(number) + rng.choice((-1, 1)) * rng.randint(1, NEAR_SPAN)
        if near > 0:
            orders.add(str(near))
    while len(orders) < 1 + NEAR_DECOYS + FAR_DECOYS:
        orders.add(str(rng.randint(10_000, 9_999_999)))
    return sorted(orders)


def normalise_english(text: str) -> str:
    joined = digits_in_words(text.lower().replace("-", " "))
    return " ".join(NOT_WORD.sub(" ", joined).split())


def normalise_chinese(text: str) -> str:
    text = CHINESE_DIGIT_RUN.sub(lambda m: m.group(0).translate(CHINESE_DIGITS), text)
    return NOT_CHINESE_TEXT.sub("", text).lower()


def read_truth(folder: Path, truth: Path) -> list[Utterance]:
    """The rows of a shop's truth.csv (file,language,text[,condition]) as utterances."""
    utterances: list[Utterance] = []
    with truth.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = {"file", "language", "text"} - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{truth}: missing column(s) {', '.join(sorted(missing))}")
        for line, row in enumerate(reader, start=2):
            condition = (row.get("condition") or "clean").strip().lower()
            if condition not in CONDITIONS:
                raise ValueError(f"{truth} line {line}: condition must be clean or phone, not {condition!r}")
            language = row["language"].strip().lower()[:2]
            numbers = find_spoken_order_numbers(row["text"])
            utterances.append(
                Utterance(
                    folder / row["file"].strip(),
                    language,
                    row["text"],
                    condition,
                    numbers[0] if numbers else None,
                    "",
                )
            )
    if not utterances:
        raise ValueError(f"{truth} holds no rows")
    return utterances


def score(transcriber: Transcriber, utterances: list[Utterance], max_errors: int = 0) -> dict[str, Any]:
    """Per language and condition: WER (English) or CER (Chinese), order numbers; and the RTF."""
    warm = next((u for u in utterances if u.language == "en"), utterances[0] if utterances else None)
    if warm is not None:
        transcriber.transcribe(warm.file, warm.language)  # loads the model: not counted in the RTF
    groups: dict[tuple[str, str], list[tuple[Utterance, str]]] = defaultdict(list)
    failures: list[dict[str, str]] = []
    audio_seconds = work_seconds = cpu_seconds = 0.0
    for utterance in utterances:
        cpu_started = time.process_time()
        try:
            transcript = transcriber.transcribe(utterance.file, utterance.language)
        except SpeechError as exc:
            failures.append({"file": utterance.file.name, "error": str(exc)})
            groups[(utterance.language, utterance.condition)].append((utterance, ""))
            continue
        audio_seconds += transcript.duration_seconds
        work_seconds += transcript.seconds
        cpu_seconds += time.process_time() - cpu_started
        groups[(utterance.language, utterance.condition)].append((utterance, transcript.text))
    result: dict[str, Any] = {}
    errors: list[dict[str, str]] = []
    for language in sorted({language for language, _ in groups}):
        by_condition = {c: groups[(language, c)] for c in CONDITIONS if groups.get((language, c))}
        by_condition["all"] = [pair for c in CONDITIONS for pair in groups.get((language, c), [])]
        result[language] = {c: _figures(language, pairs) for c, pairs in by_condition.items()}
        if language == "zh":
            result[language]["experimental"] = True
        errors += [
            {"file": u.file.name, "truth": u.text, "heard": heard}
            for u, heard in by_condition["all"]
            if _normalise(language, u.text) != _normalise(language, heard)
        ]
    if groups.get(("en", "clean")):
        result["en"]["by_voice"] = _by_voice(groups)
    result["real_time_factor"] = round(work_seconds / audio_seconds, 3) if audio_seconds else None
    # Processor seconds (all threads) per second of audio: what the machine spent, whatever else
    # ran beside it; the wall-clock factor above rises when other work shares the cores.
    result["cpu_seconds_per_audio_second"] = round(cpu_seconds / audio_seconds, 3) if audio_seconds else None
    result["audio_seconds"] = round(audio_seconds, 1)
    result["failures"] = failures
    if max_errors:
        result["errors"] = errors[:max_errors]
    return result


def _by_voice(
    groups: dict[tuple[str, str], list[tuple[Utterance, str]]],
) -> dict[str, dict[str, float | None]]:
    """English WER and order numbers found per voice and condition (where a synthetic voice, not
    the model, is the problem): ``{"clean": wer, "phone": wer, "clean_order_numbers": recall, …}``."""
    out: dict[str, dict[str, float | None]] = {}
    for condition in CONDITIONS:
        by_voice: dict[str, list[tuple[Utterance, str]]] = defaultdict(list)
        for utterance, heard in groups.get(("en", condition), []):
            by_voice[utterance.voice or "?"].append((utterance, heard))
        for voice, pairs in sorted(by_voice.items()):
            figures = _figures("en", pairs)
            out.setdefault(voice, {})[condition] = figures["wer"]
            out[voice][f"{condition}_order_numbers"] = figures["order_number_recall"]
    return out


def _normalise(language: str, text: str) -> str:
    return normalise_chinese(text) if language == "zh" else normalise_english(text)


def _figures(language: str, pairs: list[tuple[Utterance, str]]) -> dict[str, Any]:
    truths = [_normalise(language, u.text) for u, _ in pairs]
    heard = [_normalise(language, h) for _, h in pairs]
    with_numbers = [(u, h) for u, h in pairs if u.order_number]
    found = sum(1 for u, h in with_numbers if u.order_number in _order_numbers(language, h))
    linked = [
        closest_order_number(_order_numbers(language, h), customer_orders(str(u.order_number)))
        for u, h in with_numbers
    ]
    right = sum(1 for (u, _), order in zip(with_numbers, linked, strict=True) if order == u.order_number)
    wrong = sum(
        1 for (u, _), order in zip(with_numbers, linked, strict=True) if order not in (None, u.order_number)
    )
    metric = "cer" if language == "zh" else "wer"
    rate = jiwer.cer(truths, heard) if language == "zh" else jiwer.wer(truths, heard)
    return {
        "n": len(pairs),
        metric: round(float(rate), 4),
        "order_number_recall": round(found / len(with_numbers), 4) if with_numbers else None,
        "n_order_numbers": len(with_numbers),
        # Not the recall above: the number matched to the customer's own orders (the right one and
        # decoys, ``customer_orders``) allowing one wrong digit; "wrong" links to a decoy.
        "linked_order_recall": round(right / len(with_numbers), 4) if with_numbers else None,
        "linked_order_wrong": round(wrong / len(with_numbers), 4) if with_numbers else None,
    }


def _order_numbers(language: str, heard: str) -> list[str]:
    if language == "zh":
        return re.findall(r"\d{4,}", normalise_chinese(heard))
    return find_spoken_order_numbers(heard)
