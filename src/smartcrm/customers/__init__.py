"""Customers: people and companies, consents, tags, external ids and notes."""
