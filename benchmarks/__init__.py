"""Benchmark scripts: each prints figures; none is part of the pass/fail test run."""
