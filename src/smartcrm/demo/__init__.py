"""Demo and operations commands: generate a shop, run the demo, serve, run workers."""
