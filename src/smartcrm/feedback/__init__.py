"""Product reviews and survey answers."""
