"""Benchmarks: each prints its figures; ``python -m bench`` runs them all (``make bench``)."""
