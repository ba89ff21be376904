"""The synthetic speech set of ``smartcrm eval speech``: six voices, clean and phone-band.

Every sentence is spoken by one of six voices of two offline synthesisers (Debian packages):
Flite's four English voices (slt, rms, awb, kal16: recorded-voice clustergen and diphone
voices) and espeak-ng's formant voices (en-us, en-us+f2), whose robotic sound is the hardest
here. The order number is read digit by digit ("oh" or "zero", "double five" for a repeated
digit). Each clean
recording gets a phone-band twin made here with scipy: resampled to 8 kHz, band-passed to
300–3,400 Hz, white noise added at 20 dB SNR (seeded). The audio is written to a temporary
folder and never kept: the synthesisers (``make speech-tools``) make it again in seconds. Mandarin
comes from espeak-ng's ``cmn-latn-pinyin`` voice, the only offline Mandarin voice found here.
"""

from __future__ import annotations

import random
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import signal
from scipy.io import wavfile

from smartcrm.evaluation.speech_sentences import ENGLISH, MANDARIN, MANDARIN_DIGITS

ENGLISH_VOICES = (
    "flite:slt",
    "flite:rms",
    "espeak-ng:en-us",
    "flite:awb",
    "flite:kal16",
    "espeak-ng:en-us+f2",
)
DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
MANDARIN_VOICE = "espeak-ng:cmn-latn-pinyin"
PHONE_RATE = 8_000
PHONE_BAND = (300.0, 3_400.0)
SNR_DB = 20.0


@dataclass(frozen=True)
class Utterance:
    file: Path
    language: str
    text: str
    condition: str
    order_number: str | None
    voice: str


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(
            f"the speech evaluation makes its audio with {name} (Debian): make speech-tools"
        )
    return found


def spoken_digits(number: str, rng: random.Random) -> str:
    """``number`` read out digit by digit, the way customers do (seeded)."""
    words: list[str] = []
    i = 0
    while i < len(number):
        digit = int(number[i])
        if i + 1 < len(number) and number[i + 1] == number[i] and rng.random() < 0.5:
            words.append(f"double {DIGIT_WORDS[digit]}")
            i += 2
            continue
        words.append("oh" if digit == 0 and rng.random() < 0.5 else DIGIT_WORDS[digit])
        i += 1
    return " ".join(words)


def order_number(rng: random.Random) -> str:
    return str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(rng.randint(4, 6)))


def synthesise(text: str, voice: str, speed: int, out: Path) -> None:
    """``voice`` is ``flite:NAME`` or ``espeak-ng:NAME``; ``speed`` in words a minute (espeak-ng only)."""
    engine, name = voice.split(":", 1)
    if engine == "flite":
        command = [tool("flite"), "-voice", name, "-t", text, "-o", str(out)]
    else:
        command = [tool("espeak-ng"), "-v", name, "-s", str(speed), "-w", str(out), text]
    subprocess.run(  # noqa: S603 - a fixed executable, the text is ours
        command,
        check=True,
        capture_output=True,
        timeout=60,
    )


def phone_band(clean: Path, out: Path, rng: np.random.Generator) -> None:
    """8 kHz, 300–3,400 Hz, white noise at 20 dB SNR (signal power over the whole recording)."""
    rate, data = wavfile.read(clean)
    samples = data.astype(np.float64) / 32768.0
    samples = signal.resample_poly(samples, PHONE_RATE, rate)
    band = signal.butter(4, PHONE_BAND, btype="bandpass", fs=PHONE_RATE, output="sos")
    samples = signal.sosfiltfilt(band, samples)
    power = float(np.mean(samples**2)) or 1e-12
    samples = samples + rng.normal(0.0, np.sqrt(power / 10 ** (SNR_DB / 10)), len(samples))
    samples = np.clip(samples / max(1.0, float(np.max(np.abs(samples)))), -1.0, 1.0)
    wavfile.write(out, PHONE_RATE, (samples * 32767).astype(np.int16))


def english(
    folder: Path, seed: int = 0, n: int | None = None, sentences: Sequence[str] = ENGLISH
) -> list[Utterance]:
    """Each English sentence clean and phone-band, voices and speeds drawn with ``seed``
    (``sentences``: the evaluation's, or ``speech_sentences.ENGLISH_DEV`` to try settings on)."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    noise = np.random.default_rng(seed)
    utterances: list[Utterance] = []
    for i, sentence in enumerate(sentences[:n]):
        number = order_number(rng) if "{order}" in sentence else None
        text = sentence.format(order=number)
        spoken = sentence.format(order=spoken_digits(number, rng)) if number else sentence
        voice = ENGLISH_VOICES[i % len(ENGLISH_VOICES)]
        clean = folder / f"en-{i:03d}-clean.wav"
        synthesise(spoken, voice, rng.randint(150, 175), clean)
        phone = folder / f"en-{i:03d}-phone.wav"
        phone_band(clean, phone, noise)
        for path, condition in ((clean, "clean"), (phone, "phone")):
            utterances.append(Utterance(path, "en", text, condition, number, voice))
    return utterances


def mandarin(folder: Path, seed: int = 0, n: int | None = None) -> list[Utterance]:
    """Mandarin sentences read from pinyin by espeak-ng (clean only: the experimental set)."""
    rng = random.Random(seed + 1)  # noqa: S311 - test data, not secrets
    utterances: list[Utterance] = []
    for i, (characters, pinyin) in enumerate(MANDARIN[:n]):
        number = order_number(rng) if "{order}" in characters else None
        spoken = pinyin.format(order=" ".join(MANDARIN_DIGITS[int(d)] for d in number)) if number else pinyin
        path = folder / f"zh-{i:03d}-clean.wav"
        synthesise(spoken, MANDARIN_VOICE, rng.randint(140, 165), path)
        utterances.append(
            Utterance(path, "zh", characters.format(order=number), "clean", number, MANDARIN_VOICE)
        )
    return utterances
