"""The B2B sales pipeline: leads, deals and stages."""
