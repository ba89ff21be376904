"""``Transcriber``: a voice message in, a ``Transcript`` out, with faster-whisper on the CPU.

The model is loaded once per process on first use and shared by every ``Transcriber`` that
names the same files (a lock makes the first load safe from several threads). Each call reads
the audio with its duration bounded (``audio.load``) before the model sees a sample.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from smartcrm.engine.speech import audio as audio_io
from smartcrm.engine.speech.errors import LanguageUnsupported
from smartcrm.engine.speech.models import ModelFiles, resolve
from smartcrm.engine.speech.order_numbers import join_segments

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

# Fifteen minutes: a long voice message or a short call. Longer recordings are refused up front.
DEFAULT_MAX_SECONDS = 15 * 60.0
LANGUAGE_ALIASES = {
    "zh-hans": "zh",
    "zh-cn": "zh",
    "cmn": "zh",
    "zh-hant": "zh",
    "en-us": "en",
    "en-gb": "en",
}

# Primes the decoder for English voice messages: the shop's words, and an order number read out
# digit by digit and written as numerals (with "oh" and "double"), so that Whisper writes the
# digits it hears rather than words it guesses. On the synthetic set (docs/models/speech.md) it
# raised spoken order numbers found from 52% to 71% and cut the phone-band WER from 38% to 28%.
# Not used for other languages (an English prompt pulls Mandarin towards English).
ENGLISH_PROMPT = (
    "A customer service call about an order. My order number is 5 0 3 8 8 1: five, oh, three, "
    "double eight, one. Parcel, refund, delivery, courier, invoice."
)

_loaded: dict[tuple[str, str, int], WhisperModel] = {}
_load_lock = threading.Lock()


@dataclass(frozen=True)
class Segment:
    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Transcript:
    text: str
    language: str
    duration_seconds: float
    segments: tuple[Segment, ...]
    seconds: float
    complete: bool = True
    """False when the file was cut off: the text covers what decoded before the cut."""


def default_cache_dir() -> Path:
    # Imported here: smartcrm.config is plain Python, but the engine should not read the
    # environment at import time.
    from smartcrm.config import data_dir

    return data_dir() / "models" / "speech"


def _model(files: ModelFiles, compute_type: str, cpu_threads: int) -> WhisperModel:
    key = (str(files.path), compute_type, cpu_threads)
    with _load_lock:
        if key not in _loaded:
            from faster_whisper import WhisperModel

            _loaded[key] = WhisperModel(
                str(files.path),
                device="cpu",
                compute_type=compute_type,
                cpu_threads=cpu_threads,
                local_files_only=True,
            )
        return _loaded[key]


class Transcriber:
    """Speech to text with a packaged Whisper model (``tiny.en``, ``base``) or a shop's own directory.

    ``initial_prompt`` primes the decoder with words to expect; unset, ``ENGLISH_PROMPT`` for
    English and none for other languages; ``""`` for none at all. ``vad`` drops silence first with
    the Silero voice-activity model inside faster-whisper's wheel; ``temperature_fallback``
    decodes a doubtful window again at higher temperatures; ``timestamps`` off decodes text
    tokens only. ``smartcrm eval speech`` measures each (docs/models/speech.md).
    """

    def __init__(
        self,
        model: str = "tiny.en",
        *,
        max_seconds: float = DEFAULT_MAX_SECONDS,
        beam_size: int = 5,
        initial_prompt: str | None = None,
        vad: bool = False,
        temperature_fallback: bool = True,
        timestamps: bool = True,
        compute_type: str = "int8",
        cpu_threads: int = 2,
        cache_dir: Path | None = None,
    ) -> None:
        self.model = model
        self.max_seconds = max_seconds
        self.beam_size = beam_size
        self.initial_prompt = initial_prompt
        self.vad = vad
        self.temperature_fallback = temperature_fallback
        self.timestamps = timestamps
        self.compute_type = compute_type
        self.cpu_threads = cpu_threads
        self.cache_dir = cache_dir
        self._files: ModelFiles | None = None
        self._files_lock = threading.Lock()

    def decoding(self) -> dict[str, object]:
        """The decoder settings, as measured and reported by ``smartcrm eval speech``."""
        return {
            "beam_size": self.beam_size,
            "initial_prompt": self._prompt("en"),  # as used for English
            "vad": self.vad,
            "temperature_fallback": self.temperature_fallback,
            "timestamps": self.timestamps,
        }

    def files(self) -> ModelFiles:
        """The model's checked directory (hashes verified once per ``Transcriber``)."""
        with self._files_lock:
            if self._files is None:
                self._files = resolve(self.model, self.cache_dir or default_cache_dir())
            return self._files

    def transcribe(self, audio: str | Path, language: str | None = None) -> Transcript:
        """The words in ``audio``; ``language`` ("en", "zh") or None to let a multilingual model detect it."""
        started = time.perf_counter()
        files = self.files()
        wanted = self._language(language, files)
        sound = audio_io.load(audio, self.max_seconds)
        whisper = _model(files, self.compute_type, self.cpu_threads)
        pieces, info = whisper.transcribe(
            sound.samples,
            language=wanted,
            beam_size=self.beam_size,
            initial_prompt=self._prompt(wanted),
            vad_filter=self.vad,
            condition_on_previous_text=False,
            # Whisper's fallback decodes a doubtful window again at rising temperatures: slower,
            # and on short noisy messages it trades a misheard word for an invented one.
            temperature=[0.0, 0.2, 0.4, 0.6, 0.8, 1.0] if self.temperature_fallback else [0.0],
            without_timestamps=not self.timestamps,
        )
        segments = tuple(Segment(round(s.start, 2), round(s.end, 2), s.text.strip()) for s in pieces)
        return Transcript(
            text=join_segments((s.start, s.end, s.text) for s in segments),
            language=info.language,
            duration_seconds=round(sound.seconds, 3),
            segments=segments,
            seconds=round(time.perf_counter() - started, 3),
            complete=sound.complete,
        )

    def _prompt(self, language: str | None) -> str | None:
        if self.initial_prompt is None:
            return ENGLISH_PROMPT if language == "en" else None
        return self.initial_prompt or None

    @staticmethod
    def _language(language: str | None, files: ModelFiles) -> str | None:
        if language is None:
            return "en" if files.english_only else None
        code = LANGUAGE_ALIASES.get(language.lower(), language.lower())
        if files.english_only and code != "en":
            raise LanguageUnsupported(
                f"this speech model knows English only, not {language!r}: use model 'base'"
            )
        return code
