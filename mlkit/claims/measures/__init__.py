"""Measuring functions of the claims, one module per topic: ``measure(seed) -> Measurement``."""
