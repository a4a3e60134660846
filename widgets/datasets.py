"""The dataset explorer: pick a generator, its seed and size, see what it injected and what came out."""

from __future__ import annotations

import html
import inspect

import ipywidgets

from mlkit.datasets import Exploration, explore
from widgets import svg
from widgets.base import MlkitWidget, html_block

__all__ = ["DatasetExplorer"]

class DatasetExplorer(MlkitWidget):
    """Pick a dataset generator, its seed and size; see the frame, its balance and its truth.

    Contract: ``DatasetExplorer(name, seed, n_rows)`` calls
    ``mlkit.datasets.load(name, seed=seed, n_rows=n_rows, ...)`` (plus
    ``suspicious_rate`` and ``bias`` for ``claims``; ``n_rows`` only for
    generators that take it) every time a control changes and stores an
    :class:`Exploration` in ``self.result``: the frame's head, a bar chart of
    the target balance per facet value (an SVG chart redrawn in place, with the
    injected rate as a black tick; a histogram for a numeric target) and an "injected vs measured" table. An
    invalid value (e.g. ``n_rows=5``) shows the engine's message in the
    banner and keeps the last good result.

    Parameters
    ----------
    name : str
        One of ``mlkit.datasets.names()``; another name raises ``ValueError``.
    seed : int
        Seed of the generator (same seed, same rows).
    n_rows : int
        Rows to generate (10 to 5,000,000; the widget is comfortable up to ~10^5).
    suspicious_rate, bias : float
        The ``claims`` generator's injected suspicious share, and the gap in
        suspicious rate between the other age groups and the favoured one.

    >>> x = DatasetExplorer("claims", seed=1, n_rows=500)
    >>> x.result.frame.shape
    (500, 7)
    >>> x.set(n_rows=5)
    >>> x.error
    'n_rows must be an integer >= 10 and <= 5000000, got 5'
    """

    def __init__(self, name="claims", seed=0, n_rows=2000, *, suspicious_rate=0.1, bias=0.0):
        from mlkit import datasets
        from mlkit._checks import check_one_of

        self.name = name
        self.seed = seed
        self.n_rows = n_rows
        self.suspicious_rate = suspicious_rate
        self.bias = bias
        check_one_of("name", name, datasets.names())

        wide = {"style": {"description_width": "110px"}}
        controls = {
            "name": ipywidgets.Dropdown(options=datasets.names(), value=name, description="dataset", **wide),
            "seed": ipywidgets.IntText(value=seed, description="seed", **wide),
            "n_rows": ipywidgets.IntText(value=n_rows, description="n_rows", **wide),
            "suspicious_rate": ipywidgets.FloatSlider(
                value=suspicious_rate, min=0.01, max=0.99, step=0.01, description="suspicious_rate",
                readout_format=".2f", continuous_update=False, **wide),
            "bias": ipywidgets.FloatSlider(
                value=bias, min=-0.5, max=0.5, step=0.01, description="bias",
                readout_format="+.2f", continuous_update=False, **wide),
        }
        # An SVG chart, not a matplotlib figure: a change of dataset brings new
        # categories, and drawing new axes with matplotlib costs 80-120 ms, most
        # of the time a view may take to answer (see widgets/svg.py).
        self.chart = ipywidgets.HTML()
        self.description = ipywidgets.HTML()
        self.head = ipywidgets.HTML(layout=ipywidgets.Layout(overflow="auto"))
        self.comparison = ipywidgets.HTML()
        super().__init__(
            controls,
            title="Dataset explorer",
            body=[self.description, self.chart, self.head, self.comparison],
        )
        self.controls["name"].observe(lambda _change: self._show_relevant_controls(), names="value")
        self._show_relevant_controls()

    def _takes(self, name: str) -> set:
        from mlkit import datasets

        return set(inspect.signature(datasets._REGISTRY[name]).parameters) \
            if name in datasets._REGISTRY else set()

    def _show_relevant_controls(self) -> None:
        takes = self._takes(self.controls["name"].value)
        for key in ("n_rows", "suspicious_rate", "bias"):
            self.controls[key].layout.display = None if key in takes else "none"

    def compute(self, name, seed, n_rows, suspicious_rate, bias) -> Exploration:
        from mlkit import datasets

        kwargs = {"seed": seed}
        takes = self._takes(name)
        for key, value in (("n_rows", n_rows), ("suspicious_rate", suspicious_rate), ("bias", bias)):
            if key in takes:
                kwargs[key] = value
        return explore(datasets.load(name, **kwargs))

    def draw(self, result: Exploration) -> None:
        ds = result.dataset
        self.description.value = html_block(
            f"<p><b>{html.escape(ds.name)}</b>: {html.escape(ds.description)}. "
            f"Target: <code>{html.escape(str(ds.target))}</code>; the first rows:</p>"
        )
        self.head.value = html_block(result.frame.head(8).to_html(index=False, border=0))
        if len(result.comparison):
            table = result.comparison.to_html(index=False, border=0, float_format=lambda v: f"{v:.4f}")
            self.comparison.value = html_block(
                "<p><b>Injected vs measured.</b> The generator draws every row at random, so a "
                "measured share differs from the injected one by sampling noise, about "
                "&radic;(p(1&minus;p)/n): more rows, closer.</p>" + table
            )
        else:
            self.comparison.value = html_block(
                "<p>This generator injects no rate; its truth is in <code>dataset.truth</code>.</p>"
            )
        self._plot(result)

    def _plot(self, result: Exploration) -> None:
        ds = result.dataset
        if result.balance.empty:
            values = result.frame[ds.target] if ds.target is not None else None
            if values is not None and values.dtype.kind in "iuf":
                import numpy as np

                counts, edges = np.histogram(values.to_numpy(dtype=float), bins=40)
                self.chart.value = svg.histogram(counts.tolist(), edges.tolist(), xlabel=str(ds.target),
                                                 title=f"{ds.name}: distribution of {ds.target}")
            else:
                self.chart.value = ""
            return
        shares = result.balance.drop(columns="n")
        injected = result.injected_by_facet
        markers = [(i, injected[v]) for i, v in enumerate(shares.index) if v in injected]
        self.chart.value = svg.bar_chart(
            [str(i) for i in shares.index], {str(c): shares[c].tolist() for c in shares.columns},
            markers=markers, marker_label="injected rate", ylabel="share of rows", xlabel=result.facet or "",
            title=f"{ds.name}: {ds.target} per {result.facet or 'dataset'}")
