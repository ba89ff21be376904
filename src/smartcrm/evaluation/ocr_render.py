"""Draw a :class:`~smartcrm.evaluation.ocr_documents.Document` as an image, clean or as a phone photo.

Three tiers:

* ``clean``: a screenshot or a flat scan, text 20-28 px, PNG;
* ``phone``: the same size of text photographed: perspective (corners moved up to 4% of the
  side), rotation up to 4 degrees, uneven light (a gradient down to 65%), blur (sigma 0.5-1.0),
  sensor noise and JPEG quality 45-75;
* ``hard``: small text (13-16 px), the phone effects stronger (rotation up to 6 degrees, blur
  sigma 0.8-1.2, light down to 55%, more noise), JPEG quality 25-40.

Fonts: DejaVu Sans for English, WenQuanYi Micro Hei for Chinese (Debian's ``fonts-dejavu-core``
and ``fonts-wqy-microhei``, installed by the Makefile's set-up); a missing font raises.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from smartcrm.evaluation.ocr_documents import Document

TIERS = ("clean", "phone", "hard")
FONT_FILES = {
    "en": ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",),
    "zh": (
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    ),
}


def font_path(language: str) -> str:
    for candidate in FONT_FILES[language]:
        if Path(candidate).exists():
            return candidate
    raise FileNotFoundError(
        f"no font for {language} test images ({', '.join(FONT_FILES[language])}): "
        "install Debian's fonts-dejavu-core and fonts-wqy-microhei (make fonts)"
    )


def render(document: Document, tier: str, r: random.Random) -> bytes:
    """The document as image bytes (PNG when clean, JPEG otherwise)."""
    size = r.randint(13, 16) if tier == "hard" else r.randint(20, 28)
    image = _draw(document, size)
    if tier == "clean":
        out = io.BytesIO()
        image.save(out, "PNG")
        return out.getvalue()
    hard = tier == "hard"
    pixels: np.ndarray = np.asarray(image, dtype=np.uint8)
    pixels = _perspective(pixels, r, 0.04, 4.0 if not hard else 6.0)
    pixels = _light(pixels, r, 0.65 if not hard else 0.55)
    sigma = r.uniform(0.5, 1.0) if not hard else r.uniform(0.8, 1.2)
    pixels = cv2.GaussianBlur(pixels, (0, 0), sigma)
    noise = np.random.default_rng(r.randint(0, 2**32 - 1)).normal(0, 6 if not hard else 9, pixels.shape)
    pixels = np.clip(pixels.astype(np.float64) + noise, 0, 255).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "JPEG", quality=r.randint(45, 75) if not hard else r.randint(25, 40))
    return out.getvalue()


def _draw(document: Document, size: int) -> Image.Image:
    font = ImageFont.truetype(font_path(document.language), size, layout_engine=ImageFont.Layout.BASIC)
    gap = size * 3
    widths = [sum(font.getlength(cell) for cell in row) + gap * (len(row) - 1) for row in document.rows]
    margin = size * 2
    width = int(max(widths)) + 2 * margin
    line = int(size * 1.7)
    height = line * len(document.rows) + 2 * margin
    image = Image.new("RGB", (width, height), (250, 249, 246))
    draw = ImageDraw.Draw(image)
    for i, row in enumerate(document.rows):
        y = margin + i * line
        draw.text((margin, y), row[0], fill=(25, 25, 30), font=font)
        if len(row) > 1:  # the amount, right-aligned as on a receipt
            draw.text((width - margin - font.getlength(row[-1]), y), row[-1], fill=(25, 25, 30), font=font)
    return image


def _perspective(pixels: np.ndarray, r: random.Random, corner: float, degrees: float) -> np.ndarray:
    """Photographed at an angle: corners moved, then turned, on a wider background (a table)."""
    h, w = pixels.shape[:2]
    pad = int(0.08 * max(h, w))
    canvas = cv2.copyMakeBorder(pixels, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=(120, 110, 100))
    src = np.array([[pad, pad], [pad + w, pad], [pad + w, pad + h], [pad, pad + h]], dtype=np.float32)
    jitter = np.array(
        [[r.uniform(-corner, corner) * w, r.uniform(-corner, corner) * h] for _ in range(4)], dtype=np.float32
    )
    matrix = cv2.getPerspectiveTransform(src, src + jitter)
    size = (canvas.shape[1], canvas.shape[0])
    warped = cv2.warpPerspective(canvas, matrix, size, borderValue=(120, 110, 100))
    turn = cv2.getRotationMatrix2D((size[0] / 2, size[1] / 2), r.uniform(-degrees, degrees), 1.0)
    return cv2.warpAffine(warped, turn, size, borderValue=(120, 110, 100))


def _light(pixels: np.ndarray, r: random.Random, darkest: float) -> np.ndarray:
    """A lamp on one side: brightness falls linearly across the photo to ``darkest``."""
    h, w = pixels.shape[:2]
    angle = r.uniform(0, 2 * np.pi)
    ys, xs = np.mgrid[0:h, 0:w]
    ramp = np.cos(angle) * xs / w + np.sin(angle) * ys / h
    ramp = (ramp - ramp.min()) / max(float(np.ptp(ramp)), 1e-9)
    gain = 1.0 - (1.0 - darkest) * ramp
    return np.clip(pixels * gain[..., None], 0, 255).astype(np.uint8)
