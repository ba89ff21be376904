"""Benchmarks: `make bench` runs them against PostgreSQL and writes bench/results/."""
