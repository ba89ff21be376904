"""Support tickets and their message threads."""
