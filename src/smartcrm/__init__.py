"""smartcrm: an open-source, AI-native CRM for e-commerce shops."""

__version__ = "0.1.0"
