"""Evaluations behind ``smartcrm eval NAME``: each module offers ``add_arguments`` and ``run``.

``run`` takes the parsed options as a dict and returns a JSON-serialisable dict of figures.
Modules are imported only when their evaluation is asked for, so heavy libraries load lazily.
"""

from __future__ import annotations

import argparse
import importlib
from types import ModuleType
from typing import Any, Protocol, cast

EVALUATIONS = {
    "clv": "smartcrm.evaluation.clv",
    "churn": "smartcrm.evaluation.churn",
    "sentiment": "smartcrm.evaluation.sentiment",
    "recs": "smartcrm.evaluation.recs",
    "basket": "smartcrm.evaluation.basket",
    "pii": "smartcrm.evaluation.pii",
    "topics": "smartcrm.evaluation.topics",
    "dedup": "smartcrm.evaluation.dedup",
    "forecast": "smartcrm.evaluation.forecast",
    "anomalies": "smartcrm.evaluation.anomalies",
    "robustness": "smartcrm.evaluation.robustness",
    "assistant": "smartcrm.evaluation.assistant",
    "uplift": "smartcrm.evaluation.uplift",
    "speech": "smartcrm.evaluation.speech",
    "ocr": "smartcrm.evaluation.ocr",
    # It drives a real shop (Django), so it lives with the demo tooling above the apps.
    "assistant-safety": "smartcrm.demo.assistant_safety",
}


class Evaluation(Protocol):
    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, options: dict[str, Any]) -> dict[str, Any]: ...


def load(name: str) -> Evaluation:
    module: ModuleType = importlib.import_module(EVALUATIONS[name])
    return cast(Evaluation, module)
