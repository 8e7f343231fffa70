"""Prometheus metrics: one registry per process, passed to what counts."""
