"""Shared helpers for the tests and benchmarks that start servers and drive a browser."""
