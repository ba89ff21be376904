"""Saving a fitted scikit-learn-based model as bytes with a header that says what it is.

The envelope records the model's type, its format version and the scikit-learn version it was
fitted with; loading refuses bytes whose header differs, since a pickle from another format or
another scikit-learn may load and then predict wrongly. Only bytes this code wrote itself (the
model registry's artifacts, the shipped defaults) are ever loaded.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from importlib.metadata import version
from pathlib import Path
from typing import TypeVar

M = TypeVar("M")


def dump(model: object, *, model_type: str, format_version: int) -> bytes:
    """``model`` pickled inside its header."""
    document = {
        "type": model_type,
        "format_version": format_version,
        "sklearn_version": version("scikit-learn"),
        "model": model,
    }
    return pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL)


def load(data: bytes, cls: type[M], *, model_type: str, format_version: int) -> M:
    """The ``cls`` instance :func:`dump` wrote; ``ValueError`` naming what differs otherwise."""
    name = cls.__name__
    try:
        document = pickle.loads(data)  # noqa: S301 - artifacts this code wrote itself
    except Exception as exc:
        raise ValueError(f"not a saved {name}") from exc
    if not isinstance(document, dict) or document.get("type") != model_type:
        raise ValueError(f"not a saved {name}")
    if document.get("format_version") != format_version:
        raise ValueError(
            f"saved {name} has format version {document.get('format_version')!r}; "
            f"this code reads version {format_version}"
        )
    if document.get("sklearn_version") != version("scikit-learn"):
        raise ValueError(
            f"saved {name} needs scikit-learn {document.get('sklearn_version')}; "
            f"installed is {version('scikit-learn')}: retrain it"
        )
    model = document["model"]
    if not isinstance(model, cls):
        raise ValueError(f"not a saved {name}")
    return model


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file beside it, so that a reader (another
    worker loading the same default model) never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)
