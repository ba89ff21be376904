"""Bringing a shop's own data in from files."""
