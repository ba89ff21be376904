"""Products and categories."""
