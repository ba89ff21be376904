"""``smartcrm eval ocr``: the full code path on a few rendered images, then as an outside set."""

from __future__ import annotations

import argparse
import csv
from pathlib import Path
from typing import Any

import pytest

from smartcrm.evaluation import EVALUATIONS, load

KEYS = ("n_images", "cer_en", "cer_zh", "order_number_recall", "cer_hard", "order_number_recall_hard",
        "seconds_per_image")  # fmt: skip


def _run(*args: str) -> dict[str, Any]:
    evaluation = load("ocr")
    parser = argparse.ArgumentParser()
    evaluation.add_arguments(parser)
    return evaluation.run(vars(parser.parse_args(list(args))))


def test_rendered_then_outside_set(tmp_path: Path) -> None:
    assert "ocr" in EVALUATIONS
    figures = _run("--n", "10", "--seed", "11", "--save", str(tmp_path))
    for key in KEYS:
        assert figures[key] is not None, key
    assert figures["n_images"] == 10
    assert figures["n_by_tier"] == {"clean": 4, "hard": 2, "phone": 4}
    assert figures["cer_en"] < 0.05 and figures["cer_zh"] < 0.05
    assert 0 <= figures["cer_hard"] < 0.5
    assert figures["seconds_per_image"] > 0 and figures["errors"] == []

    # The saved set read back as an outside set gives the same figures, plus a refused file.
    (tmp_path / "broken.png").write_bytes(b"PK\x03\x04 a zip")
    with (tmp_path / "truth.csv").open("a", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerow(["broken.png", "en", "Order SO-00000001", "SO-00000001", "normal"])
    outside = _run("--images", str(tmp_path), "--truth", str(tmp_path / "truth.csv"))
    assert outside["n_images"] == 11
    assert outside["cer_zh"] == figures["cer_zh"] and outside["cer_hard"] == figures["cer_hard"]
    assert outside["cer_en"] > figures["cer_en"]  # the broken file counts as read wrong
    assert outside["order_number_recall"] < 1
    assert [error["reason"] for error in outside["errors"]] == ["not_an_image"]


@pytest.mark.parametrize(
    ("header", "row", "message"),
    [
        ("file,language,text", "a.png,en,hi", "missing column"),
        ("file,language,text,order_number", "nothere.png,en,hi,", "no file"),
        ("file,language,text,order_number,tier", "a.png,en,hi,,extreme", "tier must be"),
    ],
)
def test_bad_truth_file(tmp_path: Path, header: str, row: str, message: str) -> None:
    (tmp_path / "a.png").write_bytes(b"")
    (tmp_path / "truth.csv").write_text(f"{header}\n{row}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        _run("--images", str(tmp_path), "--truth", str(tmp_path / "truth.csv"))


def test_images_without_truth(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="needs both"):
        _run("--images", str(tmp_path))
