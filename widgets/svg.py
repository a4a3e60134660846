"""Small charts drawn as inline SVG: for views that must redraw in a few milliseconds.

A matplotlib figure costs 80-120 ms to draw from scratch (mostly laying out
and rasterising text), which is most of a widget's time budget when a
control change brings new axes (another dataset, other categories). These
charts are strings of SVG, built in about a millisecond and shown by an
``ipywidgets.HTML``; the browser does the drawing. They cover what the
widgets need and no more: stacked or grouped bars over categories, with
optional marker lines, and a histogram.

    >>> svg = bar_chart(["a", "b"], {"yes": [0.2, 0.5], "no": [0.8, 0.5]}, title="share")
    >>> svg.startswith("<svg") and svg.count("<rect class='bar'") == 4
    True
"""

from __future__ import annotations

import html
import math
from typing import Mapping, Sequence

__all__ = ["COLOURS", "bar_chart", "histogram", "nice_ticks"]

#: matplotlib's default colour cycle ("tab10"), so SVG charts match the figures.
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
           "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")

_FONT = "font-family='DejaVu Sans, Arial, sans-serif'"


def nice_ticks(low: float, high: float, n: int = 5) -> list[float]:
    """About ``n`` round tick values covering [low, high] (steps of 1, 2 or 5 times a power of ten).

    >>> nice_ticks(0, 1)
    [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    """
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return [float(low)]
    raw = (high - low) / max(1, n)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.ceil(low / step - 1e-9)
    ticks = []
    k = first
    while k * step <= high + step * 1e-9:
        ticks.append(round(k * step, 12))
        k += 1
    return ticks


def _fmt(v: float) -> str:
    v = float(v)
    if v.is_integer() and abs(v) < 1e15:
        return f"{int(v):,}"  # 1,500 rather than 1.5e+03
    return f"{v:.3g}"


def _esc(text: str) -> str:
    return html.escape(str(text), quote=True)


class _Frame:
    """Plot area inside an SVG canvas, with data-to-pixel mapping on y."""

    def __init__(self, width, height, left, right, top, bottom, ylim):
        self.width, self.height = width, height
        self.x0, self.x1 = left, width - right
        self.y0, self.y1 = height - bottom, top  # y0: the bottom of the plot (pixels grow downwards)
        self.ylo, self.yhi = ylim

    def y(self, v: float) -> float:
        v = min(max(v, self.ylo), self.yhi)
        return self.y0 - (v - self.ylo) / (self.yhi - self.ylo) * (self.y0 - self.y1)


def _open(width: int, height: int, title: str) -> list[str]:
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
             f"viewBox='0 0 {width} {height}' {_FONT} font-size='11'>"]
    if title:
        parts.append(f"<text x='{width / 2:.1f}' y='16' text-anchor='middle' font-size='13'>{_esc(title)}</text>")
    return parts


def _y_axis(parts: list[str], f: _Frame, ticks: Sequence[float], label: str) -> None:
    for t in ticks:
        y = f.y(t)
        parts.append(f"<line x1='{f.x0}' x2='{f.x1}' y1='{y:.1f}' y2='{y:.1f}' stroke='#e0e0e0'/>")
        parts.append(f"<text x='{f.x0 - 5}' y='{y + 4:.1f}' text-anchor='end'>{_fmt(t)}</text>")
    parts.append(f"<line x1='{f.x0}' x2='{f.x0}' y1='{f.y1}' y2='{f.y0}' stroke='#333'/>")
    parts.append(f"<line x1='{f.x0}' x2='{f.x1}' y1='{f.y0}' y2='{f.y0}' stroke='#333'/>")
    if label:
        cy = (f.y0 + f.y1) / 2
        parts.append(f"<text x='14' y='{cy:.1f}' text-anchor='middle' transform='rotate(-90 14 {cy:.1f})'>"
                     f"{_esc(label)}</text>")


def _x_label(parts: list[str], f: _Frame, label: str) -> None:
    if label:
        parts.append(f"<text x='{(f.x0 + f.x1) / 2:.1f}' y='{f.height - 6}' text-anchor='middle'>{_esc(label)}</text>")


def bar_chart(categories: Sequence, series: Mapping[str, Sequence[float]], *, stacked: bool = True,
              ylim: tuple[float, float] = (0.0, 1.0), title: str = "", xlabel: str = "", ylabel: str = "",
              markers: Sequence[tuple[int, float]] = (), marker_label: str = "",
              width: int = 640, height: int = 300) -> str:
    """An SVG bar chart: one bar (stacked) or group of bars per category, a legend on the right.

    ``series`` maps a legend name to one height per category. ``markers``:
    (category index, value) pairs drawn as short black lines across that
    category's bar (e.g. a rate injected by a generator).
    """
    names = list(series)
    for name in names:
        if len(series[name]) != len(categories):
            raise ValueError(f"series[{name!r}] must have one value per category ({len(categories)}), "
                             f"got {len(series[name])}")
    legend_rows = names + ([marker_label] if markers and marker_label else [])
    right = 20 + (12 + 7 * max((len(str(n)) for n in legend_rows), default=0) if legend_rows else 0)
    f = _Frame(width, height, 55, right, 28, 45, ylim)
    parts = _open(width, height, title)
    _y_axis(parts, f, nice_ticks(*ylim), ylabel)
    slot = (f.x1 - f.x0) / max(1, len(categories))
    bar_w = 0.8 * slot / (1 if stacked else max(1, len(names)))
    for i, cat in enumerate(categories):
        left = f.x0 + i * slot + 0.1 * slot
        base = ylim[0] if not stacked else max(ylim[0], 0.0)
        for j, name in enumerate(names):
            v = float(series[name][i])
            if not math.isfinite(v):
                continue
            lo, hi = (base, base + v) if stacked else (max(ylim[0], 0.0), v)
            x = left if stacked else left + j * bar_w
            y_top, y_bot = f.y(max(lo, hi)), f.y(min(lo, hi))
            parts.append(f"<rect class='bar' x='{x:.1f}' y='{y_top:.1f}' width='{bar_w:.1f}' "
                         f"height='{max(0.0, y_bot - y_top):.1f}' fill='{COLOURS[j % len(COLOURS)]}'>"
                         f"<title>{_esc(cat)} / {_esc(name)}: {v:.4g}</title></rect>")
            if stacked:
                base = hi
        parts.append(f"<text x='{f.x0 + (i + 0.5) * slot:.1f}' y='{f.y0 + 15}' text-anchor='middle'>"
                     f"{_esc(cat)}</text>")
    for i, v in markers:
        x = f.x0 + i * slot + 0.1 * slot
        y = f.y(float(v))
        parts.append(f"<line class='marker' x1='{x:.1f}' x2='{x + 0.8 * slot:.1f}' y1='{y:.1f}' y2='{y:.1f}' "
                     f"stroke='black' stroke-width='2.5'><title>{_esc(marker_label)}: {float(v):.4g}</title></line>")
    _x_label(parts, f, xlabel)
    lx = f.x1 + 10
    for k, name in enumerate(legend_rows):
        y = f.y1 + 4 + 16 * k
        if k < len(names):
            parts.append(f"<rect x='{lx}' y='{y}' width='10' height='10' fill='{COLOURS[k % len(COLOURS)]}'/>")
        else:
            parts.append(f"<line x1='{lx}' x2='{lx + 10}' y1='{y + 5}' y2='{y + 5}' stroke='black' stroke-width='2.5'/>")
        parts.append(f"<text x='{lx + 15}' y='{y + 9}'>{_esc(name)}</text>")
    parts.append("</svg>")
    return "".join(parts)


def histogram(counts: Sequence[float], edges: Sequence[float], *, title: str = "", xlabel: str = "",
              ylabel: str = "rows", colour: str = "#4c72b0", width: int = 640, height: int = 300) -> str:
    """An SVG histogram of ``counts`` over bins with ``edges`` (``len(edges) == len(counts) + 1``)."""
    if len(edges) != len(counts) + 1:
        raise ValueError(f"edges must have one more value than counts ({len(counts) + 1}), got {len(edges)}")
    top = max([float(c) for c in counts] + [1.0])
    yt = nice_ticks(0.0, top)
    f = _Frame(width, height, 60, 20, 28, 45, (0.0, max(yt[-1], top)))
    parts = _open(width, height, title)
    _y_axis(parts, f, yt, ylabel)
    lo, hi = float(edges[0]), float(edges[-1])
    span = (hi - lo) or 1.0

    def px(v):
        return f.x0 + (float(v) - lo) / span * (f.x1 - f.x0)

    for c, a, b in zip(counts, edges[:-1], edges[1:]):
        y = f.y(float(c))
        parts.append(f"<rect class='bar' x='{px(a):.1f}' y='{y:.1f}' width='{max(0.5, px(b) - px(a) - 0.5):.1f}' "
                     f"height='{f.y0 - y:.1f}' fill='{colour}'><title>{_fmt(a)} to {_fmt(b)}: {c:g}</title></rect>")
    for t in nice_ticks(lo, hi):
        if lo <= t <= hi:
            parts.append(f"<text x='{px(t):.1f}' y='{f.y0 + 15}' text-anchor='middle'>{_fmt(t)}</text>")
    _x_label(parts, f, xlabel)
    parts.append("</svg>")
    return "".join(parts)
