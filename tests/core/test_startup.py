"""Starting Django (a web worker, any CLI command) loads no numerical library.

Task modules and the bulk paths pull in numpy, pandas, scikit-learn and torch through the
engines; a process that never runs them must not pay their memory and seconds at start-up
(jobs name their tasks by path, the order rules import numpy where they use it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HEAVY = ("numpy", "pandas", "sklearn", "scipy", "torch", "lightgbm", "jieba")


def test_django_setup_imports_no_numerical_library(tmp_path: Path) -> None:
    script = (
        "import django, json, sys; django.setup(); "
        f"print(json.dumps([m for m in {list(HEAVY)!r} if m in sys.modules]))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "smartcrm.settings",
        "SMARTCRM_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "",
    }
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
