"""Which language a customer text is in: ``"en"``, ``"zh"``, ``"mixed"``, ``"other"`` or ``"unknown"``.

Shop feedback here is English, Chinese or both in one message, so a script count answers the
question exactly and at ~100k texts/s, where a general language identifier would need a model
file and still confuse short texts. URLs, e-mail addresses and HTML tags are ignored first (they
are Latin script in any language). A text is:

* ``"zh"`` when Han characters carry the text, even with a few Latin words in it (brand and
  product names: "iPhone 很好用" is Chinese);
* ``"en"`` when Latin-script words carry it, even with a stray Han character or two;
* ``"mixed"`` when both carry a real share: at least ``MIN_MIXED_WORDS`` words in each script
  and each at least ``MIN_MIXED_SHARE`` of the content (a Han character counts as
  ``HAN_PER_WORD`` of a word: a Chinese word is about 1.5 characters);
* ``"other"`` when another script dominates (Cyrillic, Arabic, Japanese kana, Hangul…);
* ``"unknown"`` when there is nothing to go on (empty, digits, punctuation, emoji).

Latin-script text in another language (French, German…) is reported as ``"en"``: the models
downstream only distinguish English from Chinese.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

LANGUAGES = ("en", "zh", "mixed", "other", "unknown")
HAN_PER_WORD = 1.5
MIN_MIXED_WORDS = 2
MIN_MIXED_SHARE = 0.2
MAX_CHARS = 5000  # a longer text is judged on its first MAX_CHARS characters

_NOISE = re.compile(
    r"<[^>]{0,200}>|https?://\S{1,500}|www\.\S{1,500}|[\w.+-]{1,64}@[\w-]{1,63}\.[\w.-]{1,200}|&[a-z]{1,10};",
    re.IGNORECASE,
)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]")
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:'[A-Za-z]+)?")
_KANA = re.compile(r"[\u3040-\u30ff]")
_OTHER_LETTER = re.compile(
    r"[\u0370-\u03ff\u0400-\u052f\u0590-\u05ff\u0600-\u06ff\u0900-\u0dff\u0e00-\u0eff\u1100-\u11ff"
    r"\uac00-\ud7af]"
)


def detect_language(text: str | None) -> str:
    """The language of one text (see the module docstring for the rules)."""
    if not text:
        return "unknown"
    clean = _NOISE.sub(" ", str(text)[:MAX_CHARS])
    han = len(_HAN.findall(clean))
    latin_words = len(_LATIN_WORD.findall(clean))
    kana = len(_KANA.findall(clean))
    other = len(_OTHER_LETTER.findall(clean)) / HAN_PER_WORD + kana / HAN_PER_WORD
    zh_words = han / HAN_PER_WORD
    total = zh_words + latin_words + other
    if total == 0:
        return "unknown"
    if other / total > 0.5 or (kana and kana >= 0.2 * han):
        return "other"
    zh_share = zh_words / (zh_words + latin_words)
    if (
        zh_words >= MIN_MIXED_WORDS
        and latin_words >= MIN_MIXED_WORDS
        and MIN_MIXED_SHARE <= zh_share <= 1 - MIN_MIXED_SHARE
    ):
        return "mixed"
    return "zh" if zh_share >= 0.5 else "en"


def detect_languages(texts: Iterable[str | None]) -> list[str]:
    """The language of each text, in order."""
    return [detect_language(text) for text in texts]
