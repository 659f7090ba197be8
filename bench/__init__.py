"""Benchmarks: `python -m bench.<name>` from the repository root prints figures; never part of the tests."""
