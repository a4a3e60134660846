"""widgets: thin ipywidgets views over mlkit's engine.

Each widget sets an mlkit object's parameters from controls, calls the engine
and shows the result; no algorithm lives here. Importing this package is
cheap: a widget's module (and ipywidgets, pandas, matplotlib) is imported
the first time the widget is asked for::

    >>> import widgets
    >>> widgets.StudyMap.__name__
    'StudyMap'

Later topics add their widget here: one line in ``_WHERE``.
"""

from __future__ import annotations

import importlib

#: Public name -> the submodule that defines it.
_WHERE = {
    "MlkitWidget": "widgets.base",
    "CheckboxGroup": "widgets.base",
    "Quiz": "widgets.quiz",
    "StudyMap": "widgets.study_map",
    "DatasetExplorer": "widgets.datasets",
    "InferenceModeExplorer": "widgets.inference",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    try:
        module = _WHERE[name]
    except KeyError:
        raise AttributeError(f"module 'widgets' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip __getattr__
    return value


def __dir__():
    return sorted(set(globals()) | set(_WHERE))
