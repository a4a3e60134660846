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
    nothing is written. Below it, the exam guide's task statements with the
    notebooks, widgets and quiz items that cover each
    (:func:`mlkit.quiz.guide.coverage`, kept as ``self.exam``).

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
        self.exam_table = ipywidgets.HTML()
        self.exam = None
        self.refresh_button = ipywidgets.Button(description="Refresh", icon="refresh")
        self.refresh_button.on_click(lambda _button: self.refresh())
        super().__init__({}, title="Study map", body=[self.refresh_button, self.table, self.exam_table])

    def compute(self):
        from mlkit.topics import study_map

        return study_map(self.progress)

    def refresh(self):
        """Read the progress file again and redraw; return the new DataFrame."""
        return self.update()

    def draw(self, result) -> None:
        from mlkit.quiz.guide import coverage

        self.table.value = render_table(result)
        self.exam = coverage()
        self.exam_table.value = render_exam(self.exam)


def render_exam(frame) -> str:
    """The exam-guide coverage DataFrame as an HTML table (presentation only)."""
    from mlkit.quiz.guide import load_exam_guide

    guide = load_exam_guide()
    td = "<td style='text-align:left;padding:2px 8px;vertical-align:top'>"
    rows = []
    for d in guide.domains:
        rows.append(f"<tr><th colspan='4' style='text-align:left;padding:6px 8px 2px'>Domain {d.id} "
                    f"({d.weight} %): {html.escape(d.title)}</th></tr>")
        for row in frame[frame["domain"] == d.id].itertuples():
            cells = (html.escape(row.task), html.escape(row.title),
                     html.escape(row.notebooks) or "<i>coming</i>", str(row.quiz_items))
            rows.append("<tr>" + "".join(f"{td}{c}</td>" for c in cells) + "</tr>")
    head = "".join(f"<th style='text-align:left;padding:2px 8px'>{h}</th>"
                   for h in ("Task", "Task statement", "Notebooks", "Quiz items"))
    return html_block(
        f"<h4 style='margin:10px 0 4px'>{html.escape(guide.exam)} exam guide: what covers each task</h4>"
        f"<table style='border-collapse:collapse'><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


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
