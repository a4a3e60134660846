"""The study map: every topic, its notebook, and where the learner stands."""

from __future__ import annotations

import html

import ipywidgets

from widgets.base import MlkitWidget, html_block

__all__ = ["StudyMap"]


class StudyMap(MlkitWidget):
    """The course's topics as a table, with the learner's state and best quiz score.

    Contract: ``StudyMap(progress=None)`` reads ``mlkit.topics.study_map(progress)``
    (the default ``Progress()`` is the learner's file) into ``self.result``
    (that DataFrame, one row per topic) and shows it as an HTML table: number,
    title, SageMaker features, notebook (a relative link when the notebook is
    in the course, "coming" otherwise), state and best quiz score. The
    *Refresh* button (or :meth:`refresh`) reads the progress file again;
    nothing is written.

    >>> import os, tempfile
    >>> from mlkit.progress import Progress
    >>> from mlkit.topics import TOPICS
    >>> m = StudyMap(Progress(os.path.join(tempfile.mkdtemp(), "progress.json")))
    >>> len(m.result) == len(TOPICS)
    True
    """

    def __init__(self, progress=None):
        self.progress = progress
        self.table = ipywidgets.HTML()
        self.refresh_button = ipywidgets.Button(description="Refresh", icon="refresh")
        self.refresh_button.on_click(lambda _button: self.refresh())
        super().__init__({}, title="Study map", body=[self.refresh_button, self.table])

    def compute(self):
        from mlkit.topics import study_map

        return study_map(self.progress)

    def refresh(self):
        """Read the progress file again and redraw; return the new DataFrame."""
        return self.update()

    def draw(self, result) -> None:
        self.table.value = render_table(result)


def render_table(frame) -> str:
    """The study-map DataFrame as an HTML table (presentation only)."""
    head = ("#", "Topic", "SageMaker features", "Notebook", "State", "Best quiz")
    td = "<td style='text-align:left;padding:2px 8px'>"
    rows = []
    for row in frame.itertuples(index=False):
        if row.available:
            name = html.escape(row.notebook)
            notebook = f"<a href='{name}' target='_blank'>{name}</a>"  # relative: next to this notebook
        else:
            notebook = "<i>coming</i>"
        state = html.escape(row.state)
        if row.state == "completed":
            state = f"&#10003; {state}"
        cells = (
            str(row.number),
            html.escape(row.title),
            html.escape(row.features),
            notebook,
            state,
            html.escape(row.quiz_best) or "&ndash;",
        )
        rows.append("<tr>" + "".join(f"{td}{c}</td>" for c in cells) + "</tr>")
    header = "".join(f"<th style='text-align:left;padding:2px 8px'>{h}</th>" for h in head)
    return html_block(
        "<table style='border-collapse:collapse'>"
        f"<thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
