"""What to generate: size, seed and time window of a synthetic shop."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta


@dataclass(frozen=True)
class ShopSpec:
    """The parameters of one synthetic shop. Same spec, same shop, byte for byte.

    ``end`` is explicit on purpose: "two years ending today" would make the output depend on
    the day it runs. The command passes today's date; tests pass a fixed one.
    ``chunk_size`` is part of the spec because each chunk of customers draws from its own
    random stream (so that memory stays flat and chunks could run in parallel).
    """

    n_customers: int = 5_000
    seed: int = 42
    end: date = field(default_factory=lambda: date(2025, 6, 30))
    days: int = 730
    n_products: int = 500
    chunk_size: int = 20_000
    b2b_share: float = 0.02  # share of customers that are companies buying wholesale
    zh_share: float = 0.2  # share of person customers who write in Chinese

    def __post_init__(self) -> None:
        if self.n_customers < 1:
            raise ValueError("n_customers must be at least 1")
        if self.n_products < 24:
            raise ValueError("n_products must be at least 24 (two per category)")
        if self.chunk_size < 1:
            raise ValueError("chunk_size must be at least 1")
        if self.days < 60:
            raise ValueError("days must be at least 60")

    @property
    def start(self) -> datetime:
        """Midnight (UTC, naive) at the start of the window."""
        return datetime.combine(self.end - timedelta(days=self.days), datetime.min.time())

    @property
    def end_at(self) -> datetime:
        """The instant the history stops: the end of ``end``. Nothing happens after it."""
        return self.start + timedelta(days=self.days)

    @property
    def n_chunks(self) -> int:
        return -(-self.n_customers // self.chunk_size)
