"""Orders, order lines, refunds and returns."""
