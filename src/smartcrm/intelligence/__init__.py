"""The Django side of the intelligence engine: extraction, scores, tasks and commands."""
