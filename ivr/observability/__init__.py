"""Prometheus metrics, JSON step lines and the callers' keyed hash."""
