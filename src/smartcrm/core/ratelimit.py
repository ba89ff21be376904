"""Fixed-window request counters in Django's cache (Redis in production, per process without).

A window's counter is created with the window's lifetime and incremented atomically; past the
limit the caller learns how many seconds remain in the window (the Retry-After answer). Keys hold
a hash of what is counted, so client addresses and tokens do not sit in the cache.
"""

from __future__ import annotations

import hashlib
import math
import time

from django.core.cache import cache


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limited for {retry_after}s")
        self.retry_after = retry_after


def hit(bucket: str, subject: str, *, limit: int, window: int) -> None:
    """Count one request of ``subject`` in ``bucket``; raise :class:`RateLimited` past ``limit``."""
    now = time.time()
    slot = int(now // window)
    digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
    key = f"ratelimit:{bucket}:{digest}:{slot}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # the counter expired between add and incr
        cache.set(key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        raise RateLimited(max(1, math.ceil((slot + 1) * window - now)))
