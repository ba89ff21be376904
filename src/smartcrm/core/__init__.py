"""Shared foundations: PII encryption, audit trail, security headers, log redaction."""
