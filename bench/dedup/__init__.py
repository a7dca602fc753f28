"""Deduplication benchmark: ``python -m bench.dedup [--docs N]``."""
