"""The QuickSight visual types, one function each, and which question each one answers.

Amazon QuickSight builds dashboards from a fixed menu of visuals. Picking one
is picking the question it answers: bars compare, a histogram shows a
distribution, a line shows change over time, a scatter plot or a heat map
shows correlation, a pie or donut splits a whole, a tree map splits a
hierarchy, a Sankey diagram shows flows, a KPI compares a value with its
target, a gauge places a value in its range, a waterfall adds up
contributions in sequence, a word cloud shows word frequency, a radar chart
compares several measures across a few items, a pivot table shows the
numbers themselves. A density plot (a smoothed histogram) is *not* one of
QuickSight's visuals; it is here to say so.

Every ``*_chart``/``*_plot``/``*_map``/``*_table``/``kpi``/``gauge``/``word_cloud``
function takes data (a DataFrame and column names, or a Series) and returns
a ``matplotlib.figure.Figure`` (made directly, not through pyplot, so nothing
is shown twice or kept alive); pass ``figure=`` to draw into an existing
figure, which is cleared first. :func:`sample_data` gives each visual
suitable data from :mod:`mlkit.datasets`; :func:`draw` draws a visual type
on its sample data; :func:`recommend_visual` maps a kind of question to the
visual with the reason and the alternatives.

    >>> from mlkit import visuals
    >>> rec = visuals.recommend_visual("correlation")
    >>> rec.visual, rec.quicksight_visual
    ('scatter_plot', 'ScatterPlotVisual')
    >>> fig = visuals.draw("histogram")
    >>> len(fig.axes)
    1

matplotlib (and squarify for tree maps, wordcloud for word clouds) are
imported inside the functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from mlkit._checks import check_float, check_int, check_one_of, make_rng
from mlkit.datasets import ColumnNotFoundError
from mlkit.report import Report

if TYPE_CHECKING:  # pragma: no cover
    import pandas
    from matplotlib.figure import Figure

__all__ = [
    "VISUAL_TYPES",
    "QUESTION_KINDS",
    "VisualRecommendation",
    "recommend_visual",
    "bar_chart",
    "histogram",
    "line_chart",
    "scatter_plot",
    "heat_map",
    "pie_chart",
    "donut_chart",
    "tree_map",
    "pivot_table",
    "kpi",
    "gauge",
    "word_cloud",
    "radar_chart",
    "sankey_diagram",
    "waterfall_chart",
    "density_plot",
    "scatter_4d",
    "sample_data",
    "draw",
    "chart_data",
    "scatter_4d_request",
]

#: visual type -> the QuickSight visual of that type (None: QuickSight has none).
VISUAL_TYPES = {
    "bar_chart": "BarChartVisual",
    "histogram": "HistogramVisual",
    "line_chart": "LineChartVisual",
    "scatter_plot": "ScatterPlotVisual",
    "heat_map": "HeatMapVisual",
    "pie_chart": "PieChartVisual",
    "donut_chart": "PieChartVisual",  # a pie chart with DonutOptions
    "tree_map": "TreeMapVisual",
    "pivot_table": "PivotTableVisual",
    "kpi": "KPIVisual",
    "gauge": "GaugeChartVisual",
    "word_cloud": "WordCloudVisual",
    "radar_chart": "RadarChartVisual",
    "sankey_diagram": "SankeyDiagramVisual",
    "waterfall_chart": "WaterfallVisual",
    "scatter_4d": "ScatterPlotVisual",  # x, y, colour (Category) and size (Size) field wells
    "density_plot": None,
}

_PALETTE = ["#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3", "#8c8c8c"]


# ---------------------------------------------------------------------------- the recommender


@dataclass
class VisualRecommendation(Report):
    """The answer of :func:`recommend_visual`.

    ``visual`` (a key of :data:`VISUAL_TYPES`), ``quicksight_visual`` (the
    QuickSight visual's name, None when QuickSight has none), ``reason``,
    ``alternatives`` (a list of ``{"visual", "when"}``) and ``note`` (a
    caveat, e.g. what QuickSight does not provide; may be empty).
    """

    question_kind: str
    visual: str
    quicksight_visual: str | None
    reason: str
    alternatives: list = field(default_factory=list)
    note: str = ""


#: question kind -> (visual, reason, [(alternative, when)], note)
_RULES: dict[str, tuple] = {
    "comparison": (
        "bar_chart",
        "one bar per category, all starting at zero: lengths are compared at a glance",
        [("pie_chart", "only if the categories are parts of one total"),
         ("radar_chart", "to compare several measures at once for a few items")], ""),
    "distribution": (
        "histogram",
        "bins the numeric values into intervals and counts each: shows where values concentrate, "
        "their spread and their tails",
        [("density_plot", "a smoothed histogram; QuickSight does not provide it"),
         ("bar_chart", "for the counts of a categorical variable")], ""),
    "smooth_distribution": (
        "density_plot",
        "kernel smoothing turns the histogram into a curve whose peaks show where values gather",
        [("histogram", "what QuickSight offers instead: bins instead of a curve")],
        "QuickSight has no density plot (kernel density estimate); use a histogram there"),
    "change_over_time": (
        "line_chart",
        "points joined along a time axis: rises, falls, trends and seasonality read as slopes",
        [("bar_chart", "for a few periods compared as separate totals"),
         ("waterfall_chart", "to show how each period's change adds up to a total")], ""),
    "correlation": (
        "scatter_plot",
        "one point per item, one measure on each axis: a relation between the two shows as a shape",
        [("heat_map", "for many pairs at once: a colour per cell of the correlation matrix")], ""),
    "correlation_matrix": (
        "heat_map",
        "a matrix coloured by value: strong correlations among many features stand out by colour",
        [("scatter_plot", "to look at one pair in detail")], ""),
    "four_dimensions": (
        "scatter_4d",
        "a scatter plot carries two numeric measures on its axes, a category as colour and a "
        "third measure as marker size: four dimensions per point",
        [("scatter_plot", "when two measures are enough"),
         ("pivot_table", "when exact numbers matter more than the pattern")], ""),
    "part_of_whole": (
        "pie_chart",
        "slices of one circle sum to the total: shares of a few categories",
        [("donut_chart", "the same with the total (or a KPI) in the hole"),
         ("tree_map", "when the parts have parts"),
         ("bar_chart", "when there are many categories or shares are close")], ""),
    "percentage_of_total": (
        "donut_chart",
        "a ring of shares of the total, with room in the middle for the total itself",
        [("pie_chart", "the same without the hole")], ""),
    "hierarchy": (
        "tree_map",
        "nested rectangles sized by a measure: each level of the hierarchy splits its parent's area",
        [("sankey_diagram", "when the levels are stages that items flow through"),
         ("pivot_table", "for the exact numbers per level")], ""),
    "flow": (
        "sankey_diagram",
        "bands from one category or stage to the next, as wide as the flow: paths and drop-outs",
        [("waterfall_chart", "for one total changed step by step, not many paths")], ""),
    "kpi_vs_target": (
        "kpi",
        "one key value, large, with its target and the gap between them",
        [("gauge", "to place the value within a range (a minimum, a maximum, bands)")], ""),
    "value_in_range": (
        "gauge",
        "a needle on a dial between a minimum and a maximum: how full, how close to the limit",
        [("kpi", "when the comparison with one target is what matters")], ""),
    "sequential_contributions": (
        "waterfall_chart",
        "a running total: each bar starts where the previous one ended, up for additions, down "
        "for subtractions",
        [("bar_chart", "when the contributions do not add up to one total")], ""),
    "word_frequency": (
        "word_cloud",
        "each word drawn at a size that grows with its frequency: the most used words stand out",
        [("bar_chart", "to compare the top words' counts exactly")], ""),
    "multi_measure_profile": (
        "radar_chart",
        "one axis per measure around a circle, one polygon per item: profiles are compared by shape",
        [("bar_chart", "grouped bars read values more precisely")], ""),
    "tabular_detail": (
        "pivot_table",
        "rows and columns of categories with a measure in each cell: the exact numbers, "
        "summarised",
        [("heat_map", "the same matrix coloured, when the pattern matters more than the digits")], ""),
}

#: The question kinds :func:`recommend_visual` knows, in a teaching order.
QUESTION_KINDS = tuple(_RULES)


def recommend_visual(question_kind: str) -> VisualRecommendation:
    """The visual that answers a kind of question, with the reason and the alternatives.

    ``question_kind`` is one of :data:`QUESTION_KINDS` (spaces or dashes
    are read as ``_`` and case is ignored: ``"Change over time"`` works).

        >>> recommend_visual("flow").visual
        'sankey_diagram'
        >>> recommend_visual("smooth distribution").quicksight_visual is None
        True

    Errors: an unknown kind -> ``ValueError`` listing the known ones; not a
    string -> ``TypeError``.
    """
    if not isinstance(question_kind, str):
        raise TypeError(f"question_kind must be a string such as 'comparison', got {question_kind!r}")
    key = re.sub(r"[\s\-]+", "_", question_kind.strip().lower())
    key = check_one_of("question_kind", key, QUESTION_KINDS)
    visual, reason, alternatives, note = _RULES[key]
    return VisualRecommendation(
        question_kind=key,
        visual=visual,
        quicksight_visual=VISUAL_TYPES[visual],
        reason=reason,
        alternatives=[{"visual": v, "when": w} for v, w in alternatives],
        note=note,
    )


# ---------------------------------------------------------------------------- helpers


def _figure(figure, size=(6.4, 3.6)):
    from matplotlib.figure import Figure

    if figure is None:
        return Figure(figsize=size)
    if not isinstance(figure, Figure):
        raise TypeError(f"figure must be a matplotlib Figure or None, got {type(figure).__name__}")
    figure.clear()
    return figure


def _frame(data: Any, *columns: str):
    import pandas as pd

    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data must be a pandas DataFrame, got {type(data).__name__}")
    for param, col in columns:
        if col not in data.columns:
            raise ColumnNotFoundError(param, col, list(data.columns))
    return data


def _numeric(data, param: str, col: str) -> None:
    import pandas as pd

    if not pd.api.types.is_numeric_dtype(data[col]) or pd.api.types.is_bool_dtype(data[col]):
        raise TypeError(f"{param}={col!r} must be a numeric column, it has dtype {data[col].dtype}")


def _title(ax, text: str | None) -> None:
    if text:
        ax.set_title(text, y=1.0, fontsize="medium")  # y given: no costly auto-placement


# ---------------------------------------------------------------------------- one function per visual


def bar_chart(data, category: str, value: str | None = None, *, agg: str = "sum", title: str | None = None,
              horizontal: bool = False, figure=None) -> "Figure":
    """Bars of ``value`` aggregated (``agg``: sum/mean/count) per ``category``; no ``value``: counts of rows.

    Answers *comparison*. Bars are sorted from largest to smallest.
    Errors: unknown columns (:class:`ColumnNotFoundError`), non-numeric
    ``value`` (``TypeError``), ``agg`` not sum/mean/count.
    """
    _frame(data, ("category", category), *([("value", value)] if value else []))
    agg = check_one_of("agg", agg, ["sum", "mean", "count"])
    if value is None:
        series = data[category].value_counts()
    else:
        _numeric(data, "value", value)
        series = data.groupby(category, observed=True)[value].agg(agg).sort_values(ascending=False)
    fig = _figure(figure)
    ax = fig.add_subplot(1, 1, 1)
    labels = [str(i) for i in series.index]
    if horizontal:
        ax.barh(labels[::-1], series.to_numpy()[::-1], color=_PALETTE[0])
    else:
        ax.bar(labels, series.to_numpy(), color=_PALETTE[0])
    ax.set_ylabel(f"{agg} of {value}" if value else "rows")
    ax.set_xlabel(category)
    _title(ax, title or (f"{agg} of {value} by {category}" if value else f"rows by {category}"))
    return fig


def histogram(values, *, bins: int = 30, log: bool = False, title: str | None = None, figure=None) -> "Figure":
    """Counts of a numeric Series in ``bins`` intervals (``log=True``: log-spaced bins, log x axis).

    Answers *distribution*. Errors: not numeric (``TypeError``), ``bins``
    outside [2, 500], no values, ``log`` with values <= 0 (``ValueError``).
    """
    import numpy as np
    import pandas as pd

    if not isinstance(values, pd.Series):
        raise TypeError(f"values must be a pandas Series, got {type(values).__name__}")
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        raise TypeError(f"values must be numeric to draw a histogram, got dtype {values.dtype}")
    bins = check_int("bins", bins, low=2, high=500)
    v = values.dropna().to_numpy(dtype=float)
    if len(v) == 0:
        raise ValueError("values has no numbers to count (all missing)")
    fig = _figure(figure)
    ax = fig.add_subplot(1, 1, 1)
    if log:
        if (v <= 0).any():
            raise ValueError("log=True needs values > 0")
        edges = np.geomspace(v.min(), v.max(), bins + 1) if v.min() < v.max() else bins
        ax.hist(v, bins=edges, color=_PALETTE[0], edgecolor="white")
        ax.set_xscale("log")
    else:
        ax.hist(v, bins=bins, color=_PALETTE[0], edgecolor="white")
    ax.set_xlabel(str(values.name or "value"))
    ax.set_ylabel("count")
    _title(ax, title or f"distribution of {values.name or 'values'}")
    return fig


def line_chart(data, x: str, y: str | Sequence[str], *, title: str | None = None, figure=None) -> "Figure":
    """One line per ``y`` column along ``x`` (sorted; usually time). Answers *change over time*."""
    ys = [y] if isinstance(y, str) else list(y)
    _frame(data, ("x", x), *[("y", c) for c in ys])
    for c in ys:
        _numeric(data, "y", c)
    d = data.sort_values(x)
    fig = _figure(figure)
    ax = fig.add_subplot(1, 1, 1)
    for i, c in enumerate(ys):
        ax.plot(d[x].to_numpy(), d[c].to_numpy(), color=_PALETTE[i % len(_PALETTE)], label=c, linewidth=1.2)
    if len(ys) > 1:
        ax.legend(fontsize="small", frameon=False)
    ax.set_xlabel(x)
    ax.set_ylabel(ys[0] if len(ys) == 1 else "value")
    fig.autofmt_xdate() if str(d[x].dtype).startswith("datetime") else None
    _title(ax, title or f"{', '.join(ys)} over {x}")
    return fig


def scatter_plot(data, x: str, y: str, *, title: str | None = None, figure=None) -> "Figure":
    """One point per row, ``x`` against ``y``, with their Pearson correlation in the title. Answers *correlation*."""
    _frame(data, ("x", x), ("y", y))
    _numeric(data, "x", x)
    _numeric(data, "y", y)
    d = data[[x, y]].dropna()
    r = float(d[x].corr(d[y])) if len(d) > 1 else float("nan")
    fig = _figure(figure)
    ax = fig.add_subplot(1, 1, 1)
    ax.scatter(d[x], d[y], s=8, alpha=0.5, color=_PALETTE[0])
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    _title(ax, title or f"{y} against {x} (r = {r:.2f})")
    return fig


def heat_map(matrix, *, title: str | None = None, annotate: bool = True, vmin: float | None = None,
             vmax: float | None = None, figure=None) -> "Figure":
    """A numeric DataFrame drawn as coloured cells (rows x columns), values written in the cells.

    Pass ``frame.corr()`` for a correlation heat map (then ``vmin=-1, vmax=1``
    are used) or a pivot of a measure over two categories (QuickSight's heat
    map). Answers *correlation* across many pairs.
    """
    import numpy as np
    import pandas as pd

    if not isinstance(matrix, pd.DataFrame):
        raise TypeError(f"matrix must be a pandas DataFrame, got {type(matrix).__name__}")
    values = matrix.to_numpy(dtype=float)
    if values.size == 0:
        raise ValueError("matrix is empty")
    is_corr = matrix.shape[0] == matrix.shape[1] and np.allclose(np.diag(values), 1.0)
    if is_corr and vmin is None and vmax is None:
        vmin, vmax = -1.0, 1.0
    fig = _figure(figure, (5.6, 4.4))
    ax = fig.add_subplot(1, 1, 1)
    image = ax.imshow(values, cmap="RdBu_r" if is_corr else "viridis", vmin=vmin, vmax=vmax, aspect="auto")
    ax.set_xticks(range(matrix.shape[1]), [str(c) for c in matrix.columns], rotation=30, ha="right")
    ax.set_yticks(range(matrix.shape[0]), [str(i) for i in matrix.index])
    if annotate and values.size <= 150:
        for (i, j), v in np.ndenumerate(values):
            ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize="x-small")
    fig.colorbar(image, ax=ax)
    _title(ax, title or ("correlation matrix" if is_corr else "heat map"))
    fig.subplots_adjust(bottom=0.22, left=0.2)
    return fig


def _shares(values) -> "pandas.Series":
    import pandas as pd

    if not isinstance(values, pd.Series):
        raise TypeError(f"values must be a pandas Series (category -> amount), got {type(values).__name__}")
    if not pd.api.types.is_numeric_dtype(values) or (values < 0).any() or values.sum() <= 0:
        raise ValueError("values must be non-negative amounts with a positive total (parts of a whole)")
    return values


def pie_chart(values, *, title: str | None = None, hole: float = 0.0, figure=None) -> "Figure":
    """Slices for the parts of one total (a Series: category -> amount), labelled with their share.

    Answers *part of whole*; ``hole`` in [0, 0.9) makes it a donut.
    Errors: negative amounts or a zero total (``ValueError``).
    """
    values = _shares(values)
    hole = check_float("hole", hole, 0.0, 0.9, high_open=True)
    fig = _figure(figure, (5.0, 3.8))
    ax = fig.add_subplot(1, 1, 1)
    wedge = {"width": 1.0 - hole, "edgecolor": "white"} if hole else {"edgecolor": "white"}
    ax.pie(values.to_numpy(), labels=[str(i) for i in values.index], autopct="%1.0f%%",
           colors=_PALETTE[: len(values)], wedgeprops=wedge, pctdistance=1 - (1 - hole) / 2 if hole else 0.6,
           startangle=90, counterclock=False)
    if hole:
        ax.text(0, 0, f"{values.sum():,.0f}\ntotal", ha="center", va="center", fontsize="small")
    ax.set_aspect("equal")
    _title(ax, title or ("share of total" if hole else "parts of the whole"))
    return fig


def donut_chart(values, *, title: str | None = None, figure=None) -> "Figure":
    """A pie chart with a hole showing the total. Answers *percentage of total*."""
    return pie_chart(values, title=title or "percentage of total", hole=0.45, figure=figure)


def tree_map(data, levels: Sequence[str], value: str | None = None, *, title: str | None = None,
             figure=None) -> "Figure":
    """Nested rectangles (squarify's layout) sized by ``value`` (or row count) per combination of ``levels``.

    The first level sets the colour; each rectangle is labelled with the
    last level and its amount. Answers *hierarchy* (hierarchical aggregation).
    """
    import squarify

    levels = [levels] if isinstance(levels, str) else list(levels)
    if not levels:
        raise ValueError("levels must name at least one column")
    _frame(data, *[("levels", c) for c in levels], *([("value", value)] if value else []))
    if value:
        _numeric(data, "value", value)
        sizes = data.groupby(levels, observed=True)[value].sum()
    else:
        sizes = data.groupby(levels, observed=True).size()
    sizes = sizes[sizes > 0].sort_values(ascending=False)
    tops = list(dict.fromkeys(k[0] if isinstance(k, tuple) else k for k in sizes.index))
    sizes = sizes.sort_index(level=0, key=lambda idx: idx.map(lambda v: tops.index(v)), sort_remaining=False) \
        if len(levels) > 1 else sizes
    colour = {t: _PALETTE[i % len(_PALETTE)] for i, t in enumerate(tops)}
    keys = [k if isinstance(k, tuple) else (k,) for k in sizes.index]
    fig = _figure(figure)
    ax = fig.add_subplot(1, 1, 1)
    labels = [f"{' / '.join(map(str, k))}\n{v:,.0f}" for k, v in zip(keys, sizes.to_numpy())]
    squarify.plot(sizes=sizes.to_numpy(dtype=float), label=labels, color=[colour[k[0]] for k in keys],
                  ax=ax, pad=False, text_kwargs={"fontsize": 6, "color": "white"}, edgecolor="white", linewidth=1)
    ax.set_axis_off()
    _title(ax, title or f"{value or 'rows'} by {' > '.join(levels)}")
    return fig


def pivot_table(data, rows: str, columns: str, value: str, *, agg: str = "mean", title: str | None = None,
                figure=None) -> "Figure":
    """A pivot table (``rows`` x ``columns``, ``agg`` of ``value`` in the cells, with totals) drawn as a table.

    Answers *tabular detail*. The numbers are ``pandas.pivot_table(..., margins=True)``.
    """
    import pandas as pd

    _frame(data, ("rows", rows), ("columns", columns), ("value", value))
    _numeric(data, "value", value)
    agg = check_one_of("agg", agg, ["sum", "mean", "count"])
    table = pd.pivot_table(data, index=rows, columns=columns, values=value, aggfunc=agg, margins=True,
                           margins_name="total", observed=True)
    fig = _figure(figure, (6.4, 0.5 + 0.3 * (len(table) + 2)))
    ax = fig.add_subplot(1, 1, 1)
    ax.set_axis_off()
    fmt = (lambda v: f"{v:,.3f}") if agg == "mean" else (lambda v: f"{v:,.0f}")
    cells = [[fmt(v) for v in row] for row in table.to_numpy()]
    t = ax.table(cellText=cells, rowLabels=[str(i) for i in table.index],
                 colLabels=[str(c) for c in table.columns], loc="center", cellLoc="right")
    t.auto_set_font_size(False)
    t.set_fontsize(8)
    _title(ax, title or f"{agg} of {value}: {rows} x {columns}")
    return fig


def kpi(value: float, target: float, *, label: str = "value", higher_is_better: bool = True,
        fmt: str = "{:,.3g}", figure=None) -> "Figure":
    """A key value, large, against its ``target``: the gap in percent, green when on the good side.

    Answers *KPI against target*. Errors: non-finite numbers, a zero target.
    """
    value = check_float("value", value)
    target = check_float("target", target)
    if target == 0:
        raise ValueError("target must not be 0 (the gap is shown in percent of the target)")
    gap = (value - target) / abs(target)
    good = gap >= 0 if higher_is_better else gap <= 0
    fig = _figure(figure, (4.0, 2.4))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.text(0.5, 0.86, label, ha="center", va="center", fontsize=11, color="#555555")
    ax.text(0.5, 0.58, fmt.format(value), ha="center", va="center", fontsize=30, fontweight="bold")
    ax.text(0.5, 0.32, f"{'▲' if gap >= 0 else '▼'} {gap:+.1%} vs target {fmt.format(target)}",
            ha="center", va="center", fontsize=11, color="#2e7d32" if good else "#c62828")
    share = max(0.0, min(1.0, value / target)) if target > 0 and value >= 0 else 0.0
    ax.barh([0.12], [0.8], left=0.1, height=0.06, color="#e0e0e0")
    ax.barh([0.12], [0.8 * share], left=0.1, height=0.06, color="#2e7d32" if good else "#c62828")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    return fig


def gauge(value: float, *, low: float = 0.0, high: float = 1.0, bands: Sequence[float] = (),
          label: str = "value", figure=None) -> "Figure":
    """A half-dial from ``low`` to ``high`` with a needle at ``value`` and coloured ``bands`` (thresholds).

    Answers *value in range* (QuickSight: "compare values in a measure", e.g.
    actual against capacity). Errors: ``low >= high``, ``value`` or a band
    outside ``[low, high]``.
    """
    import numpy as np
    from matplotlib.patches import Wedge

    low, high = check_float("low", low), check_float("high", high)
    if low >= high:
        raise ValueError(f"low must be < high, got low={low}, high={high}")
    value = check_float("value", value, low, high)
    edges = [low, *[check_float("bands", b, low, high) for b in sorted(bands)], high]
    fig = _figure(figure, (4.0, 2.6))
    ax = fig.add_axes((0.05, 0.05, 0.9, 0.9))
    ax.set_axis_off()
    colours = ["#66bb6a", "#ffca28", "#ef5350", "#8e24aa"]
    to_angle = lambda v: 180.0 * (1 - (v - low) / (high - low))  # noqa: E731
    for i, (a, b) in enumerate(zip(edges[:-1], edges[1:])):
        ax.add_patch(Wedge((0, 0), 1.0, to_angle(b), to_angle(a), width=0.3,
                           color=colours[i % len(colours)] if len(edges) > 2 else _PALETTE[0]))
    theta = np.radians(to_angle(value))
    ax.plot([0, 0.85 * np.cos(theta)], [0, 0.85 * np.sin(theta)], color="black", linewidth=2.5)
    ax.add_patch(Wedge((0, 0), 0.06, 0, 360, color="black"))
    ax.text(0, -0.18, f"{label}: {value:,.3g}", ha="center", va="center", fontsize=11)
    ax.text(-1, -0.08, f"{low:g}", ha="center", fontsize=8)
    ax.text(1, -0.08, f"{high:g}", ha="center", fontsize=8)
    ax.set_xlim(-1.1, 1.1)
    ax.set_ylim(-0.3, 1.1)
    ax.set_aspect("equal")
    return fig


def word_cloud(frequencies: Mapping[str, float], *, max_words: int = 100, title: str | None = None,
               seed: int = 0, figure=None) -> "Figure":
    """Words drawn at sizes growing with their frequency (the ``wordcloud`` package's layout, seeded).

    ``frequencies`` maps word -> count (e.g. a CountVectorizer's column
    sums). Answers *word frequency*. Errors: an empty mapping or
    non-positive counts.
    """
    from wordcloud import WordCloud

    if not isinstance(frequencies, Mapping) or not frequencies:
        raise ValueError("frequencies must be a non-empty mapping word -> count")
    freqs = {str(w): float(c) for w, c in frequencies.items()}
    if any(c <= 0 for c in freqs.values()):
        raise ValueError("frequencies must all be > 0")
    max_words = check_int("max_words", max_words, low=1, high=1000)
    cloud = WordCloud(width=640, height=320, background_color="white", max_words=max_words,
                      random_state=check_int("seed", seed, low=0), colormap="viridis")
    image = cloud.generate_from_frequencies(freqs).to_array()
    fig = _figure(figure)
    ax = fig.add_axes((0, 0, 1, 0.9))
    ax.imshow(image, interpolation="bilinear")
    ax.set_axis_off()
    _title(ax, title or "word frequency")
    return fig


def radar_chart(profiles, *, title: str | None = None, figure=None) -> "Figure":
    """One polygon per row of ``profiles`` (items x measures), each measure on its own spoke.

    Measures are scaled to [0, 1] by their column maximum so that different
    units share one circle. Answers *multi-measure profile*. Errors: fewer
    than 3 measures, negative values.
    """
    import numpy as np
    import pandas as pd

    if not isinstance(profiles, pd.DataFrame):
        raise TypeError(f"profiles must be a pandas DataFrame (items x measures), got {type(profiles).__name__}")
    if profiles.shape[1] < 3:
        raise ValueError(f"a radar chart needs at least 3 measures (columns), got {profiles.shape[1]}")
    values = profiles.to_numpy(dtype=float)
    if (values < 0).any():
        raise ValueError("profiles must be non-negative (each spoke starts at 0)")
    scaled = values / np.where(values.max(axis=0) > 0, values.max(axis=0), 1.0)
    angles = np.linspace(0, 2 * np.pi, profiles.shape[1], endpoint=False)
    fig = _figure(figure, (5.0, 4.0))
    ax = fig.add_subplot(1, 1, 1, projection="polar")
    for i, (name, row) in enumerate(zip(profiles.index, scaled)):
        closed = np.append(row, row[0])
        ax.plot(np.append(angles, angles[0]), closed, color=_PALETTE[i % len(_PALETTE)], label=str(name))
        ax.fill(np.append(angles, angles[0]), closed, color=_PALETTE[i % len(_PALETTE)], alpha=0.12)
    ax.set_xticks(angles, [str(c) for c in profiles.columns], fontsize=8)
    ax.set_yticks([0.5, 1.0], ["", ""])
    ax.set_ylim(0, 1.05)
    ax.legend(loc="upper right", bbox_to_anchor=(1.35, 1.1), fontsize="small", frameon=False)
    ax.set_title(title or "profiles (each measure scaled to its maximum)", y=1.1, fontsize="medium")
    return fig


def _sankey_layout(data, stages, value) -> dict:
    """Node boxes and bands of :func:`sankey_diagram`, in axes units (0..1 both ways).

    ``nodes``: per stage, category -> [bottom, height] (heights are shares of
    the total); ``bands``: one dict per flow (``stage``, ``source``,
    ``target``, ``x0``, ``x1``, ``top_a``, ``ha``, ``top_b``, ``hb``);
    ``xs``: each stage's left edge; ``width``: a node's width.
    """
    import numpy as np

    stages = list(stages)
    weight = data[value].astype(float) if value else None
    total = float(weight.sum()) if value else float(len(data))
    gap = 0.02
    nodes = []
    for col in stages:
        amounts = (weight.groupby(data[col]).sum() if value else data[col].value_counts()).sort_values(ascending=False)
        amounts = amounts[amounts > 0]
        space = 1.0 - gap * (len(amounts) - 1)
        pos, y = {}, 1.0
        for cat, amount in amounts.items():
            h = space * amount / total
            pos[cat] = [y - h, h]
            y -= h + gap
        nodes.append(pos)
    width = 0.04
    xs = np.linspace(0, 1 - width, len(stages))
    bands = []
    for k, (a, b) in enumerate(zip(stages[:-1], stages[1:])):
        flows = (weight.groupby([data[a], data[b]]).sum() if value else data.groupby([a, b]).size())
        out_used = {c: 0.0 for c in nodes[k]}
        in_used = {c: 0.0 for c in nodes[k + 1]}
        space_a = 1.0 - gap * (len(nodes[k]) - 1)
        space_b = 1.0 - gap * (len(nodes[k + 1]) - 1)
        for (ca, cb), amount in flows.items():
            if amount <= 0 or ca not in nodes[k] or cb not in nodes[k + 1]:
                continue
            ha, hb = space_a * amount / total, space_b * amount / total
            top_a = nodes[k][ca][0] + nodes[k][ca][1] - out_used[ca]
            top_b = nodes[k + 1][cb][0] + nodes[k + 1][cb][1] - in_used[cb]
            out_used[ca] += ha
            in_used[cb] += hb
            bands.append({"stage": k, "source": ca, "target": cb, "x0": float(xs[k] + width), "x1": float(xs[k + 1]),
                          "top_a": float(top_a), "ha": float(ha), "top_b": float(top_b), "hb": float(hb),
                          "amount": float(amount)})
    return {"stages": stages, "nodes": nodes, "bands": bands, "xs": [float(x) for x in xs], "width": width}


def sankey_diagram(data, stages: Sequence[str], value: str | None = None, *, title: str | None = None,
                   figure=None) -> "Figure":
    """Bands from each category of one stage to the categories of the next, as wide as their flow.

    ``stages`` are two or more columns (e.g. channel -> region ->
    operation_status); the flow is the row count (or the sum of ``value``).
    Answers *flow*. Errors: fewer than two stages, unknown columns.
    """
    from matplotlib.patches import PathPatch, Rectangle
    from matplotlib.path import Path

    stages = list(stages)
    if len(stages) < 2:
        raise ValueError(f"stages must name at least 2 columns (from, to), got {stages!r}")
    _frame(data, *[("stages", c) for c in stages], *([("value", value)] if value else []))
    layout = _sankey_layout(data, stages, value)
    nodes, xs, width = layout["nodes"], layout["xs"], layout["width"]
    colours = {cat: _PALETTE[i % len(_PALETTE)] for i, cat in enumerate(nodes[0])}
    fig = _figure(figure, (6.8, 3.8))
    ax = fig.add_axes((0.02, 0.04, 0.96, 0.86))
    ax.set_axis_off()
    for band in layout["bands"]:
        k, x0, x1 = band["stage"], band["x0"], band["x1"]
        top_a, ha, top_b, hb = band["top_a"], band["ha"], band["top_b"], band["hb"]
        xm = (x0 + x1) / 2
        verts = [(x0, top_a), (xm, top_a), (xm, top_b), (x1, top_b), (x1, top_b - hb),
                 (xm, top_b - hb), (xm, top_a - ha), (x0, top_a - ha), (x0, top_a)]
        codes = [Path.MOVETO, Path.CURVE4, Path.CURVE4, Path.CURVE4, Path.LINETO,
                 Path.CURVE4, Path.CURVE4, Path.CURVE4, Path.CLOSEPOLY]
        colour = colours.get(band["source"], "#9e9e9e") if k == 0 else "#9e9e9e"
        ax.add_patch(PathPatch(Path(verts, codes), facecolor=colour, alpha=0.35, edgecolor="none"))
    for k, pos in enumerate(nodes):
        for cat, (bottom, h) in pos.items():
            ax.add_patch(Rectangle((xs[k], bottom), width, h, color=colours.get(cat, "#616161") if k == 0
                                   else "#616161"))
            ha = "left" if k < len(stages) - 1 else "right"
            x = xs[k] + width + 0.005 if k < len(stages) - 1 else xs[k] - 0.005
            ax.text(x, bottom + h / 2, str(cat), ha=ha, va="center", fontsize=7)
        ax.text(xs[k] + width / 2, 1.03, stages[k], ha="center", fontsize=8, fontweight="bold")
    ax.set_xlim(-0.01, 1.01)
    ax.set_ylim(-0.02, 1.08)
    fig.suptitle(title or f"flow: {' > '.join(stages)}", fontsize="medium", y=0.98)
    return fig


def waterfall_chart(steps, *, start_label: str | None = None, total_label: str = "total",
                    title: str | None = None, figure=None) -> "Figure":
    """A running total: each step (a Series label -> signed amount) starts where the previous one ended.

    Increases are green, decreases red, the final total blue. Pass
    ``start_label`` to draw the first item as a starting total instead of a
    change. Answers *sequential contributions*.
    """
    import numpy as np
    import pandas as pd

    if not isinstance(steps, pd.Series) or len(steps) == 0:
        raise TypeError("steps must be a non-empty pandas Series (label -> signed amount)")
    amounts = steps.to_numpy(dtype=float)
    if not np.isfinite(amounts).all():
        raise ValueError("steps must be finite numbers")
    labels = [str(i) for i in steps.index]
    ends = np.cumsum(amounts)
    starts = ends - amounts
    fig = _figure(figure)
    ax = fig.add_subplot(1, 1, 1)
    colours = ["#2e7d32" if a >= 0 else "#c62828" for a in amounts]
    if start_label is not None:
        labels[0] = start_label
        colours[0] = _PALETTE[0]
    ax.bar(labels, amounts, bottom=starts, color=colours)
    ax.bar([total_label], [ends[-1]], color=_PALETTE[0])
    for i in range(len(amounts) - 1):
        ax.plot([i + 0.4, i + 0.6], [ends[i], ends[i]], color="#757575", linewidth=0.8)
    ax.tick_params(axis="x", labelrotation=20, labelsize=8)
    ax.axhline(0, color="black", linewidth=0.6)
    fig.subplots_adjust(bottom=0.22)
    _title(ax, title or "sequential contributions")
    return fig


def density_plot(data, value: str, by: str | None = None, *, log: bool = False, title: str | None = None,
                 figure=None) -> "Figure":
    """Kernel density estimate (``scipy.stats.gaussian_kde``) of ``value``, one curve per ``by`` group.

    Not provided by QuickSight (use its histogram there). Each curve
    integrates to 1 over the axis, so groups of different sizes compare by
    shape. Errors: a group with fewer than 2 distinct values.
    """
    import numpy as np
    from scipy.stats import gaussian_kde

    _frame(data, ("value", value), *([("by", by)] if by else []))
    _numeric(data, "value", value)
    groups = data.groupby(by, observed=True)[value] if by else [(value, data[value])]
    fig = _figure(figure)
    ax = fig.add_subplot(1, 1, 1)
    series = [(name, g.dropna().to_numpy(dtype=float)) for name, g in groups]
    if log:
        if any((v <= 0).any() for _, v in series):
            raise ValueError("log=True needs values > 0")
        series = [(n, np.log10(v)) for n, v in series]
    lo = min(v.min() for _, v in series if len(v))
    hi = max(v.max() for _, v in series if len(v))
    grid = np.linspace(lo, hi, 256)
    for i, (name, v) in enumerate(series):
        if len(np.unique(v)) < 2:
            raise ValueError(f"group {name!r} of {value!r} needs at least 2 distinct values for a density")
        ax.plot(grid, gaussian_kde(v)(grid), color=_PALETTE[i % len(_PALETTE)], label=str(name))
        ax.fill_between(grid, gaussian_kde(v)(grid), color=_PALETTE[i % len(_PALETTE)], alpha=0.15)
    if by:
        ax.legend(fontsize="small", frameon=False, title=by)
    ax.set_xlabel(f"log10({value})" if log else value)
    ax.set_ylabel("density")
    _title(ax, title or f"density of {value} (not a QuickSight visual)")
    return fig


def scatter_4d(data, x: str, y: str, colour: str, size: str, *, max_marker: float = 300.0,
               title: str | None = None, figure=None) -> "Figure":
    """A scatter plot in four dimensions: ``x`` and ``y`` (numeric), ``colour`` (a category), ``size`` (numeric).

    Marker areas are proportional to ``size`` (the largest gets
    ``max_marker`` points squared); a legend lists the colours and three
    reference sizes. This is QuickSight's scatter plot with its Category and
    Size field wells (:func:`scatter_4d_request`).

    Errors: unknown columns, non-numeric ``x``/``y``/``size``, negative sizes.
    """
    _frame(data, ("x", x), ("y", y), ("colour", colour), ("size", size))
    for param, col in (("x", x), ("y", y), ("size", size)):
        _numeric(data, param, col)
    d = data[[x, y, colour, size]].dropna()
    if (d[size] < 0).any():
        raise ValueError(f"size={size!r} must be >= 0 (it sets marker areas)")
    biggest = float(d[size].max()) or 1.0
    fig = _figure(figure, (6.8, 4.0))
    ax = fig.add_axes((0.1, 0.13, 0.6, 0.77))
    for i, (cat, g) in enumerate(d.groupby(colour, observed=True)):
        ax.scatter(g[x], g[y], s=max_marker * g[size] / biggest, color=_PALETTE[i % len(_PALETTE)],
                   alpha=0.6, edgecolors="white", linewidths=0.5, label=str(cat))
    handles, labels = ax.get_legend_handles_labels()
    for frac in (0.25, 0.5, 1.0):
        handles.append(ax.scatter([], [], s=max_marker * frac, color="#9e9e9e", alpha=0.6))
        labels.append(f"{size} = {biggest * frac:,.0f}")
    ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize="x-small",
              frameon=False, title=f"colour: {colour}", title_fontsize="x-small", labelspacing=1.1)
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    _title(ax, title or f"{y} vs {x}, colour = {colour}, size = {size}")
    return fig


# ---------------------------------------------------------------------------- sample data and draw


def recommendations(n_rows: int = 120, *, seed: Any = 0) -> "pandas.DataFrame":
    """A small table of recommended products for the notes' four-dimension question, seeded.

    Columns: ``product_id``, ``interest_score`` (0-1, the user's interest),
    ``conversion_rate`` (the product's past rate, rising with interest),
    ``category`` and ``impressions``.
    """
    import numpy as np
    import pandas as pd

    n = check_int("n_rows", n_rows, low=10, high=100_000)
    rng = make_rng(seed)
    cats = np.array(["books", "electronics", "garden", "toys"], dtype=object)
    cat = rng.integers(len(cats), size=n)
    interest = rng.beta(2, 2, size=n)
    base = np.array([0.04, 0.02, 0.03, 0.05])[cat]
    conversion = np.clip(base + 0.08 * interest + rng.normal(0, 0.012, size=n), 0.001, None)
    impressions = np.round(rng.lognormal(np.log(2000), 0.7, size=n)).astype(np.int64)
    return pd.DataFrame({"product_id": [f"P{i:04d}" for i in range(1, n + 1)],
                         "interest_score": interest.round(3), "conversion_rate": conversion.round(4),
                         "category": cats[cat].astype(str), "impressions": impressions})


def sample_data(visual: str, *, seed: int = 0) -> dict:
    """Suitable data for ``visual``, as the keyword arguments of its function (seeded).

    Claims (comparison, parts, hierarchy, flow, contributions, KPI, gauge,
    radar, pivot, distribution), admissions (correlation), traffic (change
    over time), articles (word frequency), :func:`recommendations` (four
    dimensions).
    """
    import numpy as np
    import pandas as pd

    from mlkit import datasets

    visual = check_one_of("visual", visual, list(VISUAL_TYPES))
    seed = check_int("seed", seed, low=0)
    claims = datasets.claims(1000, suspicious_rate=0.12, seed=seed).frame
    if visual == "bar_chart":
        return {"data": claims, "category": "channel", "value": "payment_value", "agg": "sum",
                "title": "total claimed per channel ($)"}
    if visual == "histogram":
        return {"values": claims["payment_value"], "bins": 30, "log": True,
                "title": "claim amounts ($, log-spaced bins)"}
    if visual == "density_plot":
        return {"data": claims, "value": "payment_value", "by": "operation_status", "log": True,
                "title": "claim amounts by status (QuickSight has no density plot)"}
    if visual == "line_chart":
        traffic = datasets.traffic(days=7, seed=seed).frame
        hourly = traffic.set_index("timestamp")["requests"].resample("1h").sum().reset_index()
        return {"data": hourly, "x": "timestamp", "y": "requests", "title": "requests per hour over a week"}
    if visual == "scatter_plot":
        return {"data": datasets.admissions(500, seed=seed).frame, "x": "SAT", "y": "GPA"}
    if visual == "heat_map":
        frame = datasets.admissions(1000, seed=seed).frame
        return {"matrix": frame[["SAT", "GPA", "class_rank", "admitted"]].corr()}
    if visual in ("pie_chart", "donut_chart"):
        return {"values": claims["channel"].value_counts(), "title": "claims by channel"}
    if visual == "tree_map":
        return {"data": claims, "levels": ["region", "channel"], "value": "payment_value",
                "title": "claimed $ by region > channel"}
    if visual == "pivot_table":
        frame = claims.assign(suspicious=(claims["operation_status"] == "suspicious").astype(float))
        return {"data": frame, "rows": "region", "columns": "customer_age_group", "value": "suspicious",
                "agg": "mean", "title": "suspicious rate: region x age group"}
    if visual == "kpi":
        rate = float((claims["operation_status"] == "suspicious").mean())
        return {"value": rate, "target": 0.10, "label": "suspicious share this month",
                "higher_is_better": False, "fmt": "{:.1%}"}
    if visual == "gauge":
        return {"value": round(float(claims["payment_value"].sum()) / 1e6, 3), "low": 0.0, "high": 1.0,
                "bands": [0.6, 0.85], "label": "claimed, USD millions, of a 1 M budget"}
    if visual == "word_cloud":
        from mlkit.text import TagPredictor

        arts = datasets.articles(300, seed=seed)
        tp = TagPredictor(max_df=0.2).fit(arts.frame["text"], arts.frame["tags"])
        counts = np.asarray(tp.transform(arts.frame["text"]).sum(axis=0)).ravel()
        return {"frequencies": dict(zip(tp.vocabulary, counts.tolist())),
                "title": "words of 300 articles (no stop words, none in over 20% of articles)"}
    if visual == "radar_chart":
        g = claims.assign(suspicious=(claims["operation_status"] == "suspicious").astype(float))
        prof = g.groupby("channel").agg(claims=("claim_id", "size"), mean_payment=("payment_value", "mean"),
                                        mean_duration=("account_duration", "mean"),
                                        suspicious_rate=("suspicious", "mean"))
        return {"profiles": prof, "title": "channel profiles"}
    if visual == "sankey_diagram":
        return {"data": claims, "stages": ["channel", "customer_age_group", "operation_status"]}
    if visual == "waterfall_chart":
        paid = claims.groupby("channel")["payment_value"].sum().round(0)
        held = -claims.loc[claims["operation_status"] == "suspicious", "payment_value"].sum().round(0)
        steps = pd.concat([paid.rename(lambda c: f"+ {c}"), pd.Series({"- suspicious held": held})])
        return {"steps": steps, "total_label": "paid out", "title": "from claimed to paid ($)"}
    # scatter_4d
    return {"data": recommendations(120, seed=seed), "x": "interest_score", "y": "conversion_rate",
            "colour": "category", "size": "impressions"}


_DRAWERS = {
    "bar_chart": bar_chart, "histogram": histogram, "line_chart": line_chart, "scatter_plot": scatter_plot,
    "heat_map": heat_map, "pie_chart": pie_chart, "donut_chart": donut_chart, "tree_map": tree_map,
    "pivot_table": pivot_table, "kpi": kpi, "gauge": gauge, "word_cloud": word_cloud,
    "radar_chart": radar_chart, "sankey_diagram": sankey_diagram, "waterfall_chart": waterfall_chart,
    "density_plot": density_plot, "scatter_4d": scatter_4d,
}


def draw(visual: str, *, seed: int = 0, figure=None) -> "Figure":
    """Draw ``visual`` (a key of :data:`VISUAL_TYPES`) on its :func:`sample_data`; returns the Figure."""
    kwargs = sample_data(visual, seed=seed)
    return _DRAWERS[visual](**kwargs, figure=figure)


def _tree_rects(data, levels, value, width: float = 100.0, height: float = 100.0) -> list[dict]:
    """The tree map's rectangles, as :func:`tree_map` lays them out (squarify over ``width`` x ``height``)."""
    import squarify

    levels = [levels] if isinstance(levels, str) else list(levels)
    sizes = data.groupby(levels, observed=True)[value].sum() if value else data.groupby(levels, observed=True).size()
    sizes = sizes[sizes > 0].sort_values(ascending=False)
    tops = list(dict.fromkeys(k[0] if isinstance(k, tuple) else k for k in sizes.index))
    sizes = sizes.sort_index(level=0, key=lambda idx: idx.map(lambda v: tops.index(v)), sort_remaining=False) \
        if len(levels) > 1 else sizes
    keys = [k if isinstance(k, tuple) else (k,) for k in sizes.index]
    amounts = sizes.to_numpy(dtype=float)
    rects = squarify.squarify(squarify.normalize_sizes(amounts, width, height), 0, 0, width, height)
    return [{"x": r["x"], "y": r["y"], "dx": r["dx"], "dy": r["dy"], "path": [str(k) for k in key],
             "amount": float(a), "group": tops.index(key[0])} for r, key, a in zip(rects, keys, amounts)]


def chart_data(visual: str, *, seed: int = 0) -> dict:
    """The numbers :func:`draw` puts on the chart of ``visual``, without drawing: for a view that draws itself.

    Out: a dict with ``kind`` (how to draw it: ``bars``, ``histogram``,
    ``lines``, ``scatter``, ``heat``, ``pie``, ``rects``, ``table``,
    ``kpi``, ``gauge``, ``words``, ``radar``, ``sankey``, ``waterfall``),
    ``title`` and the aggregates of :func:`sample_data` that the matching
    chart function shows (bar heights, bin counts and edges, curves,
    rectangles, cells...), as plain lists and numbers. Same seed, same
    numbers; ``tests/test_visuals.py`` checks them against the figures.

        >>> d = chart_data("pie_chart")
        >>> d["kind"], round(sum(d["values"]))
        ('pie', 1000)

    Errors: as :func:`sample_data` (an unknown visual, a bad seed).
    """
    import numpy as np
    import pandas as pd

    kw = sample_data(visual, seed=seed)
    if visual == "bar_chart":
        data, cat, val, agg = kw["data"], kw["category"], kw["value"], kw["agg"]
        series = data.groupby(cat, observed=True)[val].agg(agg).sort_values(ascending=False)
        return {"kind": "bars", "title": kw["title"], "labels": [str(i) for i in series.index],
                "values": series.to_numpy(dtype=float).tolist(), "xlabel": cat, "ylabel": f"{agg} of {val}"}
    if visual == "histogram":
        v = kw["values"].dropna().to_numpy(dtype=float)
        edges = np.geomspace(v.min(), v.max(), kw["bins"] + 1)
        counts, _ = np.histogram(v, bins=edges)
        return {"kind": "histogram", "title": kw["title"], "counts": counts.tolist(), "edges": edges.tolist(),
                "log": True, "xlabel": str(kw["values"].name), "ylabel": "count"}
    if visual == "density_plot":
        from scipy.stats import gaussian_kde

        data, value, by = kw["data"], kw["value"], kw["by"]
        series = [(str(n), np.log10(g.dropna().to_numpy(dtype=float))) for n, g in data.groupby(by, observed=True)[value]]
        grid = np.linspace(min(v.min() for _, v in series), max(v.max() for _, v in series), 256)
        return {"kind": "lines", "title": kw["title"], "x": grid.tolist(),
                "series": {n: gaussian_kde(v)(grid).tolist() for n, v in series}, "fill": True,
                "xlabel": f"log10({value})", "ylabel": "density", "legend_title": by}
    if visual == "line_chart":
        d = kw["data"].sort_values(kw["x"])
        t = pd.to_datetime(d[kw["x"]])
        hours = ((t - t.iloc[0]).dt.total_seconds() / 3600.0).to_numpy()
        days = [(float(h), ts.strftime("%a %d")) for h, ts in zip(hours, t) if ts.hour == 0 and ts.minute == 0]
        return {"kind": "lines", "title": kw["title"], "x": hours.tolist(),
                "series": {kw["y"]: d[kw["y"]].to_numpy(dtype=float).tolist()}, "xticks": days,
                "xlabel": f"{kw['x']} (hours from {t.iloc[0]:%Y-%m-%d %H:%M})", "ylabel": kw["y"]}
    if visual == "scatter_plot":
        d = kw["data"][[kw["x"], kw["y"]]].dropna()
        r = float(d[kw["x"]].corr(d[kw["y"]]))
        return {"kind": "scatter", "title": f"{kw['y']} against {kw['x']} (r = {r:.2f})",
                "x": d[kw["x"]].to_numpy(dtype=float).tolist(), "y": d[kw["y"]].to_numpy(dtype=float).tolist(),
                "xlabel": kw["x"], "ylabel": kw["y"]}
    if visual == "scatter_4d":
        x, y, colour, size = kw["x"], kw["y"], kw["colour"], kw["size"]
        d = kw["data"][[x, y, colour, size]].dropna()
        biggest = float(d[size].max()) or 1.0
        groups = {str(cat): {"x": g[x].to_numpy(dtype=float).tolist(), "y": g[y].to_numpy(dtype=float).tolist(),
                             "area": (g[size] / biggest).to_numpy(dtype=float).tolist()}
                  for cat, g in d.groupby(colour, observed=True)}
        return {"kind": "scatter", "title": f"{y} vs {x}, colour = {colour}, size = {size}", "groups": groups,
                "size_legend": [(f, f"{size} = {biggest * f:,.0f}") for f in (0.25, 0.5, 1.0)],
                "legend_title": f"colour: {colour}", "xlabel": x, "ylabel": y}
    if visual == "heat_map":
        m = kw["matrix"]
        return {"kind": "heat", "title": "correlation matrix", "rows": [str(i) for i in m.index],
                "columns": [str(c) for c in m.columns], "values": m.to_numpy(dtype=float).tolist(),
                "vmin": -1.0, "vmax": 1.0}
    if visual in ("pie_chart", "donut_chart"):
        v = kw["values"]
        return {"kind": "pie", "title": "percentage of total" if visual == "donut_chart" else kw["title"],
                "labels": [str(i) for i in v.index], "values": v.to_numpy(dtype=float).tolist(),
                "hole": 0.45 if visual == "donut_chart" else 0.0, "total": float(v.sum())}
    if visual == "tree_map":
        return {"kind": "rects", "title": kw["title"], "width": 100.0, "height": 100.0,
                "rects": _tree_rects(kw["data"], kw["levels"], kw["value"])}
    if visual == "pivot_table":
        table = pd.pivot_table(kw["data"], index=kw["rows"], columns=kw["columns"], values=kw["value"],
                               aggfunc=kw["agg"], margins=True, margins_name="total", observed=True)
        return {"kind": "table", "title": kw["title"], "corner": f"{kw['rows']} \\ {kw['columns']}",
                "rows": [str(i) for i in table.index], "columns": [str(c) for c in table.columns],
                "cells": [[f"{v:,.3f}" for v in row] for row in table.to_numpy()]}
    if visual == "kpi":
        value, target, fmt = kw["value"], kw["target"], kw["fmt"]
        gap = (value - target) / abs(target)
        good = gap >= 0 if kw["higher_is_better"] else gap <= 0
        share = max(0.0, min(1.0, value / target)) if target > 0 and value >= 0 else 0.0
        return {"kind": "kpi", "title": kw["label"], "label": kw["label"], "value_text": fmt.format(value),
                "gap": gap, "good": bool(good), "target_text": fmt.format(target), "share": share}
    if visual == "gauge":
        return {"kind": "gauge", "title": kw["label"], "label": kw["label"], "value": kw["value"],
                "low": kw["low"], "high": kw["high"], "edges": [kw["low"], *sorted(kw["bands"]), kw["high"]]}
    if visual == "word_cloud":
        top = sorted(kw["frequencies"].items(), key=lambda wc: (-wc[1], wc[0]))[:100]
        return {"kind": "words", "title": kw["title"], "words": [(str(w), float(c)) for w, c in top if c > 0]}
    if visual == "radar_chart":
        prof = kw["profiles"]
        values = prof.to_numpy(dtype=float)
        scaled = values / np.where(values.max(axis=0) > 0, values.max(axis=0), 1.0)
        return {"kind": "radar", "title": kw["title"] + " (each measure scaled to its maximum)",
                "measures": [str(c) for c in prof.columns], "items": [str(i) for i in prof.index],
                "scaled": scaled.tolist()}
    if visual == "sankey_diagram":
        layout = _sankey_layout(kw["data"], kw["stages"], None)
        return {"kind": "sankey", "title": f"flow: {' > '.join(kw['stages'])}", **layout}
    # waterfall_chart
    steps = kw["steps"]
    amounts = steps.to_numpy(dtype=float)
    ends = np.cumsum(amounts)
    return {"kind": "waterfall", "title": kw["title"], "labels": [str(i) for i in steps.index],
            "amounts": amounts.tolist(), "starts": (ends - amounts).tolist(), "total": float(ends[-1]),
            "total_label": kw["total_label"]}


# ---------------------------------------------------------------------------- QuickSight request


def scatter_4d_request(x: str, y: str, colour: str, size: str, *, analysis_id: str = "recommendations-4d",
                       dataset_arn: str = "arn:aws:quicksight:us-east-1:111122223333:dataset/recommendations",
                       account_id: str = "111122223333", name: str = "Recommendations in four dimensions") -> dict:
    """The QuickSight ``CreateAnalysis`` request of a four-dimensional scatter plot.

    One sheet, one ``ScatterPlotVisual`` whose unaggregated field wells put
    ``x`` on XAxis, ``y`` on YAxis, ``colour`` in Category and ``size`` in
    Size. Validate it with ``mlkit.aws.validate_request("quicksight",
    "CreateAnalysis", request)``.
    """
    for param, col in (("x", x), ("y", y), ("colour", colour), ("size", size)):
        if not isinstance(col, str) or not col:
            raise TypeError(f"{param} must be a column name (a non-empty string), got {col!r}")
    ds = "recommendations"

    def column(col):
        return {"DataSetIdentifier": ds, "ColumnName": col}

    return {
        "AwsAccountId": account_id,
        "AnalysisId": analysis_id,
        "Name": name,
        "Definition": {
            "DataSetIdentifierDeclarations": [{"Identifier": ds, "DataSetArn": dataset_arn}],
            "Sheets": [{
                "SheetId": "sheet-1",
                "Name": "Recommendations",
                "Visuals": [{"ScatterPlotVisual": {
                    "VisualId": "scatter-4d",
                    "Title": {"Visibility": "VISIBLE",
                              "FormatText": {"PlainText": f"{y} vs {x} by {colour}, sized by {size}"}},
                    "ChartConfiguration": {"FieldWells": {"ScatterPlotUnaggregatedFieldWells": {
                        "XAxis": [{"NumericalDimensionField": {"FieldId": "x", "Column": column(x)}}],
                        "YAxis": [{"NumericalDimensionField": {"FieldId": "y", "Column": column(y)}}],
                        "Category": [{"CategoricalDimensionField": {"FieldId": "colour", "Column": column(colour)}}],
                        "Size": [{"NumericalMeasureField": {
                            "FieldId": "size", "Column": column(size),
                            "AggregationFunction": {"SimpleNumericalAggregation": "SUM"}}}],
                    }}},
                }}],
            }],
        },
    }
