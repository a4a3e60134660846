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
        from mlkit.visuals import draw

        draw(visual, seed=seed, figure=self.figure)
        self.drawn = visual
        return rec

    def draw(self, result) -> None:
        self.refresh_figure()
        qs = result.quicksight_visual or "none: QuickSight does not provide it"
        alts = "".join(f"<li><code>{html.escape(a['visual'])}</code>: {html.escape(a['when'])}</li>"
                       for a in result.alternatives)
        note = f"<p><i>{html.escape(result.note)}</i></p>" if result.note else ""
        self.explanation.value = html_block(
            f"<p><b>{html.escape(result.question_kind.replace('_', ' '))}</b> &rarr; "
            f"<b>{html.escape(result.visual.replace('_', ' '))}</b> (QuickSight: <code>{html.escape(qs)}</code>), "
            f"because {html.escape(result.reason)}. Drawn: <code>{html.escape(self.drawn or '')}</code>.</p>"
            f"{note}<p>Alternatives:</p><ul>{alts}</ul>")
