"""The synthetic shop: a deterministic, realistic history generated as DataFrames (no Django)."""
