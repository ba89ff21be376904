"""Loaders for the public data sets used to evaluate the engine (read from installed packages)."""
