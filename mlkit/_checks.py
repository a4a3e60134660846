"""Validation at the boundary, in one place.

Every public entry point of the engine checks its inputs with these helpers,
so a bad value is reported with the parameter's name, the value and what is
allowed, and the inner code can trust what it gets::

    >>> check_int("n_rows", 0, low=1)
    Traceback (most recent call last):
    ...
    ValueError: n_rows must be an integer >= 1, got 0
"""

from __future__ import annotations

import numbers
from typing import Any, Iterable

__all__ = [
    "check_int",
    "check_float",
    "check_fraction",
    "check_one_of",
    "check_seed",
    "make_rng",
]


def _range_text(low, high, low_open=False, high_open=False) -> str:
    parts = []
    if low is not None:
        parts.append(f"{'>' if low_open else '>='} {low}")
    if high is not None:
        parts.append(f"{'<' if high_open else '<='} {high}")
    return " and ".join(parts)


def check_int(name: str, value: Any, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` as an int, or raise naming ``name``, the value and the range."""
    rng = _range_text(low, high)
    allowed = f"an integer {rng}".strip()
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be {allowed}, got {value!r} ({type(value).__name__})")
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    return value


def check_float(
    name: str,
    value: Any,
    low: float | None = None,
    high: float | None = None,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` as a finite float within the bounds, or raise."""
    rng = _range_text(low, high, low_open, high_open)
    allowed = f"a finite number {rng}".strip()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be {allowed}, got {value!r} ({type(value).__name__})")
    value = float(value)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    if low is not None and (value < low or (low_open and value == low)):
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    if high is not None and (value > high or (high_open and value == high)):
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    return value


def check_fraction(name: str, value: Any, *, open_low: bool = False, open_high: bool = False) -> float:
    """A probability-like number in [0, 1] (ends optionally excluded)."""
    return check_float(name, value, 0.0, 1.0, low_open=open_low, high_open=open_high)


def check_one_of(name: str, value: Any, allowed: Iterable[Any]) -> Any:
    """Return ``value`` if it is one of ``allowed``, else raise listing them."""
    allowed = list(allowed)
    if value not in allowed:
        shown = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{name} must be one of {shown}; got {value!r}")
    return value


def check_seed(seed: Any, name: str = "seed") -> int | None:
    """A seed is None or a non-negative integer (what numpy accepts)."""
    if seed is None:
        return None
    return check_int(name, seed, low=0)


def make_rng(seed: Any = None, name: str = "seed"):
    """One ``numpy.random.Generator`` from a seed, or the Generator itself.

    Randomness in mlkit goes through a Generator passed in, never numpy's
    global state.
    """
    import numpy as np

    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(check_seed(seed, name))
