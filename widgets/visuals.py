"""The chart chooser: pick a kind of question, see the recommended QuickSight visual drawn and the alternatives."""

from __future__ import annotations

import html

import ipywidgets

from widgets.base import MlkitWidget, html_block

__all__ = ["ChartChooser"]


class ChartChooser(MlkitWidget):
    """Choose a question kind; the recommended visual is drawn on suitable data, with its reason and alternatives.

    Contract: ``ChartChooser(question, seed)``; every change calls
    ``mlkit.visuals.recommend_visual(question)`` and draws the visual with
    ``mlkit.visuals.draw(visual, seed=seed, figure=self.figure)``;
    ``self.result`` is the :class:`mlkit.visuals.VisualRecommendation`.
    The ``show`` control draws an alternative instead (``"recommended"`` or
    one of the alternatives' visual types).

    Speed: each question brings another kind of chart, so nothing of the
    previous figure can be reused. The chart is shown as SVG with its text
    left as text (the browser sets the glyphs: no rasterising, no PNG
    encoding, about half of a matplotlib redraw), and each drawn chart is
    kept per (visual, seed) (the last 64), so going back to a chart shows it
    at once. ``self.figure`` holds the chart last drawn from scratch.

    >>> w = ChartChooser("flow")
    >>> w.result.visual
    'sankey_diagram'
    """

    def __init__(self, question: str = "comparison", seed: int = 0):
        from mlkit.visuals import QUESTION_KINDS, recommend_visual

        self.question = question
        self.seed = seed
        recommend_visual(question)  # a bad question fails here, naming the choices
        wide = {"style": {"description_width": "70px"}}
        controls = {
            "question": ipywidgets.Dropdown(options=[(k.replace("_", " "), k) for k in QUESTION_KINDS],
                                            value=recommend_visual(question).question_kind,
                                            description="question", **wide),
            "show": ipywidgets.Dropdown(options=["recommended"], value="recommended", description="draw", **wide),
            "seed": ipywidgets.IntText(value=seed, description="seed", **wide),
        }
        self.explanation = ipywidgets.HTML()
        self.drawn = None
        self._svgs: dict = {}  # (visual, seed) -> SVG text, most recently used last
        _import_drawing_libraries()
        self.controls = controls
        self._holding = False
        self._reset_show()
        # observed before the base class observes it: the alternatives are reset before recomputing
        controls["question"].observe(self._reset_show, names="value")
        super().__init__(controls, title="Chart chooser", body=[self.explanation], figsize=(6.8, 3.8))

    def _reset_show(self, _change=None) -> None:
        from mlkit.visuals import recommend_visual

        rec = recommend_visual(self.controls["question"].value)
        options = ["recommended", *[a["visual"] for a in rec.alternatives]]
        self._holding = True
        try:
            self.controls["show"].options = options
            self.controls["show"].value = "recommended"
        finally:
            self._holding = False

    def compute(self, question, show, seed):
        from mlkit.visuals import recommend_visual

        rec = recommend_visual(question)
        visual = rec.visual if show == "recommended" else show
        allowed = [rec.visual, *[a["visual"] for a in rec.alternatives]]
        if visual not in allowed:
            raise ValueError(f"show must be 'recommended' or one of {allowed[1:]}, got {show!r}")
        key = (visual, seed)
        svg = self._svgs.pop(key, None)
        if svg is None:
            from mlkit.visuals import draw

            draw(visual, seed=seed, figure=self.figure)
            svg = _svg_of(self.figure)
            if len(self._svgs) >= 64:
                self._svgs.pop(next(iter(self._svgs)))
        self._svgs[key] = svg
        self.drawn = visual
        return rec

    def draw(self, result) -> None:
        self.show_svg(self._svgs[(self.drawn, self.controls["seed"].value)])
        qs = result.quicksight_visual or "none: QuickSight does not provide it"
        alts = "".join(f"<li><code>{html.escape(a['visual'])}</code>: {html.escape(a['when'])}</li>"
                       for a in result.alternatives)
        note = f"<p><i>{html.escape(result.note)}</i></p>" if result.note else ""
        self.explanation.value = html_block(
            f"<p><b>{html.escape(result.question_kind.replace('_', ' '))}</b> &rarr; "
            f"<b>{html.escape(result.visual.replace('_', ' '))}</b> (QuickSight: <code>{html.escape(qs)}</code>), "
            f"because {html.escape(result.reason)}. Drawn: <code>{html.escape(self.drawn or '')}</code>.</p>"
            f"{note}<p>Alternatives:</p><ul>{alts}</ul>")

    def show_svg(self, svg: str) -> None:
        """Show ``svg`` (an SVG document) in ``self.output``, replacing what was there in one step."""
        self.output.outputs = ({"output_type": "display_data",
                                "data": {"image/svg+xml": svg, "text/plain": f"<{self.drawn} chart>"},
                                "metadata": {}},)


def _import_drawing_libraries() -> None:
    """Import what some charts need (squarify brings pyplot, the density plot scipy, the word cloud's
    sample scikit-learn) now, once, not in the first control change that draws them."""
    import importlib

    for name in ("squarify", "wordcloud", "scipy.stats", "sklearn.feature_extraction.text",
                 "sklearn.linear_model", "sklearn.multiclass", "sklearn.naive_bayes"):
        try:
            importlib.import_module(name)
        except ImportError:  # mlkit.visuals names the missing package when that chart is drawn
            pass


def _svg_of(figure) -> str:
    """``figure`` as an SVG document whose text stays text (the browser draws the glyphs)."""
    import io

    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    buffer = io.StringIO()
    canvas = figure.canvas
    try:
        with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "mlkit"}):
            FigureCanvasSVG(figure).print_svg(buffer)
    finally:
        figure.set_canvas(canvas)  # the figure keeps its own canvas (text extents are measured with it)
    text = buffer.getvalue()
    return text[text.find("<svg"):]  # without the XML prolog and doctype
