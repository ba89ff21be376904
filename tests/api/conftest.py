"""API tests share the client fixtures of ``tests/conftest.py``; ``ApiClient`` is in ``client.py``."""

from tests.api.client import ApiClient

__all__ = ["ApiClient"]
