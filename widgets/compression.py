"""The compression bench: pick a technique and a level; size, latency and accuracy against the original."""

from __future__ import annotations

import html

import ipywidgets

from widgets.base import MlkitWidget, html_block

__all__ = ["CompressionBench"]

_METRICS = (("size", "raw bytes"), ("latency", "latency, one row"), ("accuracy", "test accuracy"),
            ("artifact", "model.tar.gz"))


def _bytes(n) -> str:
    return "-" if n is None else f"{n:,}"


class CompressionBench(MlkitWidget):
    """Controls for a compression technique and its level; the measured model against the original.

    Contract: every control change calls
    :meth:`mlkit.compression.CompressionLab.evaluate` (``technique``,
    ``level``) and shows its :class:`~mlkit.compression.CompressionResult`
    (``self.result``): one plot with raw size, one-row latency, accuracy and
    the ``model.tar.gz`` size as ratios to the original (the grey bars at
    1), the measured values above the bars, and a table of both models with
    both sizes (raw parameter bytes and the gzip-compressed artifact
    SageMaker would store; a model with no artifact format shows "-" and a
    zero bar). ``lab``: a fitted
    :class:`~mlkit.compression.CompressionLab` to reuse, or None to train one
    (``n_rows``, ``seed``; a few seconds). A level out of the technique's
    range shows the engine's message in the banner.

    >>> from mlkit.compression import CompressionLab
    >>> w = CompressionBench(CompressionLab(n_rows=600, n_trees=20, seed=0).fit())
    >>> w.set(technique="prune", level=50)
    >>> round(w.result.compressed.nbytes / w.result.original.nbytes, 2) < 1
    True
    """

    retrains = True

    def __init__(self, lab=None, technique="quantize", level=8, n_rows=3000, seed=0):
        from mlkit.compression import TECHNIQUES, CompressionLab

        self.lab = lab
        self.technique = technique
        self.level = level
        self.n_rows = n_rows
        self.seed = seed
        if lab is None:
            lab = CompressionLab(n_rows=n_rows, seed=seed).fit()
        self.lab_ = lab
        style = {"description_width": "90px"}
        controls = {
            "technique": ipywidgets.Dropdown(options=list(TECHNIQUES), value=technique, description="technique",
                                             style=style),
            "level": ipywidgets.IntSlider(value=level, min=1, max=99, description="level", style=style,
                                          continuous_update=False),
        }
        self.meaning = ipywidgets.HTML()
        self.table = ipywidgets.HTML(layout=ipywidgets.Layout(overflow="auto"))
        self._ax = None
        super().__init__(controls, title="Compression bench", body=[self.meaning, self.table], figsize=(7.0, 3.0))

    def compute(self, technique, level):
        return self.lab_.evaluate(technique, level)

    def draw(self, result) -> None:
        from mlkit.compression import TECHNIQUES

        self.meaning.value = html_block(
            f"<b>{html.escape(result.technique)}</b> at level {result.level:g}: "
            f"<i>level = {html.escape(TECHNIQUES[result.technique])}</i>")
        rows = "".join(
            f"<tr><td>{html.escape(m.name)}</td><td>{m.nbytes:,}</td><td>{_bytes(m.artifact_nbytes)}</td>"
            f"<td>{m.latency_row_us:,.1f}</td>"
            f"<td>{m.latency_batch_ms:,.2f}</td><td>{m.accuracy:.3f}</td></tr>"
            for m in (result.original, result.compressed))
        self.table.value = html_block(
            "<table><tr><th>model</th><th>raw bytes</th><th>model.tar.gz bytes</th><th>µs / row</th><th>ms / 1,000 rows</th>"
            f"<th>accuracy</th></tr>{rows}</table>")
        if self._ax is None:
            self._make_axes()
        o, c = result.original, result.compressed
        packed = result.artifact_ratio
        ratios = (c.nbytes / o.nbytes, c.latency_row_us / o.latency_row_us, c.accuracy / o.accuracy,
                  0.0 if packed is None else packed)
        shown = (f"{c.nbytes:,} B", f"{c.latency_row_us:,.0f} µs", f"{c.accuracy:.3f}",
                 f"{_bytes(c.artifact_nbytes)} B")
        for bar, ratio, text, label in zip(self._bars, ratios, shown, self._labels):
            height = min(ratio, 2.9)
            bar.set_height(height)
            label.set_position((bar.get_x() + bar.get_width() / 2, height + 0.05))
            label.set_text(text + ("  (off scale)" if ratio > 2.9 else ""))
        self.refresh_figure(dynamic=[*self._bars, *self._labels])

    def _make_axes(self) -> None:
        ax = self._ax = self.figure.subplots()
        self.figure.subplots_adjust(left=0.09, right=0.98, bottom=0.12, top=0.88)
        x = list(range(len(_METRICS)))
        ax.bar([i - 0.2 for i in x], [1.0] * len(x), 0.38, color="#bbbbbb", label="original")
        self._bars = ax.bar([i + 0.2 for i in x], [1.0] * len(x), 0.38, color="#1f77b4", label="compressed")
        self._labels = [ax.text(i + 0.2, 1.05, "", ha="center", fontsize=8) for i in x]
        ax.axhline(1.0, color="#555555", lw=0.8, ls="--")
        ax.set_ylim(0, 3.0)
        ax.set_xticks(x, [label for _, label in _METRICS])
        ax.set_ylabel("compressed / original")
        ax.set_title("the compressed model against the original (= 1)", y=1.0)
        ax.legend(fontsize=8, loc="upper right")
