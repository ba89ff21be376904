"""Data quality: missing, invalid and suspicious values per field, over plain DataFrames."""

from smartcrm.engine.quality.report import Issue, quality_report

__all__ = ["Issue", "quality_report"]
