"""Text analysis of tickets, messages, reviews and surveys: sentiment, aspects, intent, urgency, PII."""
