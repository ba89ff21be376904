"""The customer timeline and staff tasks."""
