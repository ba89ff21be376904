"""Speech to text for voice messages and call recordings, offline (issue 24).

``Transcriber(model).transcribe(path, language)`` → ``Transcript``; packaged models are
``tiny.en`` (English, default) and ``base`` (multilingual, Mandarin experimental), or the path
of a shop's own CTranslate2 Whisper directory. ``find_spoken_order_numbers`` turns "one one
eight four" back into ``1184``. Model card: docs/models/speech.md.
"""

from smartcrm.engine.speech.errors import (
    AudioEmpty,
    AudioTooLong,
    AudioUnreadable,
    LanguageUnsupported,
    ModelMissing,
    SpeechError,
)
from smartcrm.engine.speech.order_numbers import (
    closest_order_number,
    digits_in_words,
    find_spoken_order_numbers,
)
from smartcrm.engine.speech.transcriber import DEFAULT_MAX_SECONDS, Segment, Transcriber, Transcript

__all__ = [
    "DEFAULT_MAX_SECONDS",
    "AudioEmpty",
    "AudioTooLong",
    "AudioUnreadable",
    "LanguageUnsupported",
    "ModelMissing",
    "Segment",
    "SpeechError",
    "Transcriber",
    "Transcript",
    "closest_order_number",
    "digits_in_words",
    "find_spoken_order_numbers",
]
