"""Lazy exports for packages: names imported from their submodule on first use.

A package that re-exports many names (``mlkit.inference``, ``widgets``)
would otherwise import pandas, xgboost or ipywidgets when it is imported.
Instead it declares where each name lives and lets this module write its
``__getattr__`` and ``__dir__``::

    __getattr__, __dir__ = lazy_exports(__name__, globals(), {"LocalEndpoint": "server"})

A relative module name (``"server"``) is looked up inside the package.
"""

from __future__ import annotations

import importlib
from typing import Callable, Mapping

__all__ = ["lazy_exports"]


def lazy_exports(package: str, namespace: dict, where: Mapping[str, str]) -> tuple[Callable, Callable]:
    """``(__getattr__, __dir__)`` for ``package`` exporting each name of ``where`` from its module."""

    def __getattr__(name: str):
        try:
            module = where[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        full = module if "." in module else f"{package}.{module}"
        value = getattr(importlib.import_module(full), name)
        namespace[name] = value  # later look-ups skip __getattr__
        return value

    def __dir__():
        return sorted(set(namespace) | set(where))

    return __getattr__, __dir__
