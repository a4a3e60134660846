"""The small base every result object of the kit stands on.

A report is a dataclass whose ``to_dict()`` is shaped like the SageMaker
artifact it mirrors (``statistics.json``, ``constraints.json``,
``analysis.json``, ...), that writes itself with ``to_json(path)`` and shows
itself in a notebook as an HTML table.

    >>> from dataclasses import dataclass
    >>> @dataclass
    ... class Score(Report):
    ...     correct: int
    ...     total: int
    >>> Score(3, 4).to_dict()
    {'correct': 3, 'total': 4}
"""

from __future__ import annotations

import dataclasses
import html
import json
import math
from pathlib import Path

__all__ = ["Report", "to_jsonable", "html_table"]


def to_jsonable(value):
    """Plain JSON types from numpy scalars/arrays, pandas frames, dataclasses, paths, sets."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if hasattr(value, "to_dict"):
            return to_jsonable(value.to_dict())
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(to_jsonable(v) for v in value)
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else str(value)
    module = type(value).__module__
    if module.startswith("numpy"):
        if hasattr(value, "tolist"):
            return to_jsonable(value.tolist())
    if module.startswith("pandas"):
        if hasattr(value, "to_dict"):
            try:
                return to_jsonable(value.to_dict(orient="records"))
            except TypeError:
                return to_jsonable(value.to_dict())
        if hasattr(value, "isoformat"):
            return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def html_table(mapping: dict, title: str | None = None) -> str:
    """A two-column HTML table of a flat mapping (nested values shown as JSON)."""
    rows = []
    for key, val in mapping.items():
        shown = val if isinstance(val, (str, int, float)) or val is None else json.dumps(to_jsonable(val))
        rows.append(f"<tr><th style='text-align:left'>{html.escape(str(key))}</th>"
                    f"<td style='text-align:left'>{html.escape(str(shown))}</td></tr>")
    head = f"<caption style='text-align:left'><b>{html.escape(title)}</b></caption>" if title else ""
    return f"<table>{head}{''.join(rows)}</table>"


class Report:
    """Mixin for dataclass results: ``to_dict``, ``to_json``, ``_repr_html_``."""

    def to_dict(self) -> dict:
        return {f.name: to_jsonable(getattr(self, f.name)) for f in dataclasses.fields(self)}

    def to_json(self, path=None, *, indent: int = 2) -> str:
        """The JSON text; also written to ``path`` when given."""
        text = json.dumps(self.to_dict(), indent=indent)
        if path is not None:
            Path(path).write_text(text + "\n", encoding="utf-8")
        return text

    def _repr_html_(self) -> str:
        return html_table(self.to_dict(), type(self).__name__)
