"""Configuration read from the environment, with self-generated secrets for local use.

Production sets ``SMARTCRM_SECRET_KEY``, ``SMARTCRM_FIELD_KEYS`` and ``SMARTCRM_LOOKUP_KEY``.
The embedded default (demo, development) generates them once into the data directory and
says so, so that a fresh machine works unattended while secrets never live in the repo.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import sys
from pathlib import Path

SECRET_NAMES = ("SMARTCRM_SECRET_KEY", "SMARTCRM_FIELD_KEYS", "SMARTCRM_LOOKUP_KEY")


def data_dir() -> Path:
    """Where the embedded database, uploads, model artifacts and local secrets live."""
    path = Path(os.environ.get("SMARTCRM_DATA_DIR", Path.cwd() / "var")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def is_production() -> bool:
    return os.environ.get("SMARTCRM_ENV", "development").lower() == "production"


def _new_local_secrets() -> dict[str, str]:
    return {
        "SMARTCRM_SECRET_KEY": secrets.token_urlsafe(50),
        "SMARTCRM_FIELD_KEYS": "k1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "SMARTCRM_LOOKUP_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
    }


def secret(name: str) -> str:
    """Return a secret from the environment, or from the local secrets file outside production."""
    value = os.environ.get(name)
    if value:
        return value
    if is_production():
        raise RuntimeError(f"{name} must be set when SMARTCRM_ENV=production")
    path = data_dir() / "secrets.json"
    if not path.exists():
        _create_local_secrets(path)
    stored: dict[str, str] = json.loads(path.read_text())
    return stored[name]


def _create_local_secrets(path: Path) -> None:
    """Write the secrets file atomically: concurrent processes (test workers) agree on one."""
    tmp = path.with_name(f".secrets-{os.getpid()}.tmp")
    tmp.write_text(json.dumps(_new_local_secrets(), indent=2))
    tmp.chmod(0o600)
    try:
        os.link(tmp, path)  # fails if another process got there first; theirs wins
    except FileExistsError:
        return
    finally:
        tmp.unlink()
    names = ", ".join(SECRET_NAMES)
    print(f"smartcrm: generated local secrets in {path} (set {names} in production)", file=sys.stderr)
