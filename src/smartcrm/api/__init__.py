"""The REST API under /api/v1 (django-ninja): token auth, one router per domain."""
