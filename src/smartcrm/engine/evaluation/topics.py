"""``smartcrm eval topics``: agreement of feedback topics with the causes the shop generator planted."""

from __future__ import annotations

import argparse
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--customers", type=int, default=5000, help="synthetic shop size (default 5000)")
    parser.add_argument("--seed", type=int, default=42, help="shop seed (default 42)")


def run(options: dict[str, Any]) -> dict[str, Any]:
    raise SystemExit("eval topics: being built (issue 5)")
