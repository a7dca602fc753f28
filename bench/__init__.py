"""Benchmarks: each prints its ratio to a baseline measured in the same run."""
