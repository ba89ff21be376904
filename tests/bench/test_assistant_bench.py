"""``bench.assistant`` on a small help center: the harness grows the articles, times answers and
intent matching, and its figures add up. Timings are the bench's business, not asserted here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def test_the_assistant_bench_grows_the_help_center_and_times_answers(tmp_path: Path) -> None:
    out = tmp_path / "assistant.json"
    command = [sys.executable, "-m", "bench.assistant", "--articles", "20", "30"]
    command += ["--queries", "12", "--intents", "3", "--output", str(out)]
    subprocess.run(command, check=True, capture_output=True, text=True, timeout=600)
    result = json.loads(out.read_text())
    small, grown = result["runs"]
    assert (small["articles_per_language"], grown["articles_per_language"]) == (20, 30)
    assert grown["passages"] > small["passages"] and small["queries"] == 12
    for run in result["runs"]:
        assert 0 < run["answer"]["p50_ms"] <= run["answer"]["p95_ms"] <= run["answer"]["p99_ms"]
        assert run["intent_match"]["p95_ms"] > 0
    assert result["demo_size_p95_ms"] == small["answer"]["p95_ms"]
    assert result["met"] == (small["answer"]["p95_ms"] <= result["target_p95_ms"])
