"""What can go wrong with a voice message, as types a caller can tell apart.

All derive from ``SpeechError`` (a ``ValueError``): bad audio is bad input, and a job that
receives it records a clear status instead of crashing.
"""

from __future__ import annotations


class SpeechError(ValueError):
    """Base of every refusal of the speech engine."""


class AudioUnreadable(SpeechError):
    """Not audio, or audio so damaged that no sound can be decoded."""


class AudioEmpty(SpeechError):
    """Audio that holds no sound (0 seconds)."""


class AudioTooLong(SpeechError):
    """Audio longer than the configured maximum: refused before the work starts."""

    def __init__(self, seconds: float, max_seconds: float) -> None:
        super().__init__(f"audio of {seconds:.0f} s is longer than the maximum of {max_seconds:.0f} s")
        self.seconds = seconds
        self.max_seconds = max_seconds


class ModelMissing(SpeechError):
    """The packaged model is not installed, or its files do not match the pinned hashes."""


class LanguageUnsupported(SpeechError):
    """A language the chosen model cannot transcribe (the English-only tiny.en asked for Chinese)."""
