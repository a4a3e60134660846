"""The practice exam as a widget: a :class:`mlkit.quiz.exam.PracticeExam` with navigation and a timer."""

from __future__ import annotations

import html

import ipywidgets

from widgets.base import MlkitWidget, html_block
from widgets.quiz import answer_from_control, choice_control, control_value, question_html

__all__ = ["PracticeExamWidget"]


def _is_empty(question, value) -> bool:
    if value is None or value == ():
        return True
    if question.type in ("ordering", "matching"):
        return all(v is None for v in value)
    return False


class PracticeExamWidget(MlkitWidget):
    """A timed exam across every topic: answer in any order, no feedback until *Finish*.

    Contract: ``PracticeExamWidget(n_questions, seed=..., time_limit_s=...,
    progress=...)`` starts a :class:`~mlkit.quiz.exam.PracticeExam` (kept as
    ``self.exam``) and shows its first question with the answer control of
    its type. *Previous* and *Next* keep the answer given (an incomplete one,
    such as an ordering with an empty place, is not kept and the banner says
    why); answers can be changed until *Finish*, which grades everything at
    once and shows the score per exam domain and, for every missed question,
    the right answer, why, and the notebook to revisit. The time left is
    shown with each action; after it, no answer is taken. ``result`` is the
    :class:`~mlkit.quiz.exam.ExamResult` once finished.

    >>> w = PracticeExamWidget(4, seed=0, progress=None)
    >>> w.select(*w.question.answer); w.next()
    >>> w.finish().answered
    1
    """

    def __init__(self, n_questions: int = 20, *, seed=None, time_limit_s=None, progress="default", bank=None):
        from mlkit.quiz.exam import PracticeExam

        self.n_questions = n_questions
        self.seed = seed
        self.time_limit_s = time_limit_s
        self.progress = progress
        self.bank = bank
        self.exam = PracticeExam(n_questions, seed=seed, time_limit_s=time_limit_s, bank=bank, progress=progress)
        self.index = 0
        self.notice = None
        self.status = ipywidgets.HTML()
        self.scenario = ipywidgets.HTML(layout=ipywidgets.Layout(width="100%"))
        self.results = ipywidgets.HTML(layout=ipywidgets.Layout(width="100%"))
        self.prev_button = ipywidgets.Button(description="Previous")
        self.next_button = ipywidgets.Button(description="Next", button_style="primary")
        self.finish_button = ipywidgets.Button(description="Finish and grade",
                                               tooltip="Grade every answer now; unanswered questions count as wrong")
        self.prev_button.on_click(lambda _b: self.previous())
        self.next_button.on_click(lambda _b: self.next())
        self.finish_button.on_click(lambda _b: self.finish())
        self.buttons = ipywidgets.HBox([self.prev_button, self.next_button, self.finish_button])
        super().__init__({"choice": choice_control(self.question)}, title="Practice exam",
                         body=[self.results], live=False, compute_now=False)
        self._show()

    @property
    def question(self):
        """The question shown."""
        return self.exam.questions[self.index]

    def layout(self):
        return [self.heading, self.status, self.scenario, self.controls_box, self.buttons, self.banner,
                self.results]

    # -- saving and moving ------------------------------------------------------------
    def compute(self, choice):
        """Keep the answer to the question shown (nothing is graded before the end).

        An incomplete answer (an ordering with an empty place, a prompt with
        no response) is not kept; ``self.notice`` says why. After the time
        limit the banner says so.
        """
        q = self.question
        self.notice = None
        if _is_empty(q, choice):
            return None
        answer = answer_from_control(q, choice)
        try:
            self.exam.answer(q.id, answer)
        except TimeoutError as exc:
            raise ValueError(str(exc)) from None
        except ValueError as exc:
            self.notice = f"Question {self.index + 1}: answer not kept: {exc}."
            self.exam.answers.pop(q.id, None)
            return None
        return answer

    def _keep(self) -> None:
        if not self.exam.finished:
            self.update()

    def select(self, *keys) -> None:
        """Answer the question shown without clicking (as :meth:`widgets.Quiz.select` takes it)."""
        self.controls["choice"].value = control_value(self.question, *keys)

    def go(self, index: int) -> None:
        """Keep the current answer, then show question ``index`` (0-based)."""
        if not 0 <= index < len(self.exam.questions):
            raise ValueError(f"index must be 0 to {len(self.exam.questions) - 1}, got {index}")
        self._keep()
        self.index = index
        self._show()

    def next(self) -> None:
        """Keep the answer and show the next question (the last stays)."""
        self.go(min(self.index + 1, len(self.exam.questions) - 1))

    def previous(self) -> None:
        """Keep the answer and show the previous question."""
        self.go(max(self.index - 1, 0))

    # -- the view ---------------------------------------------------------------------
    def _show(self) -> None:
        q = self.question
        control = choice_control(q)
        control.add_class("mlkit-control-choice")
        saved = self.exam.answers.get(q.id)
        if saved is not None:
            control.value = control_value(q, saved)
        self.controls["choice"] = control
        self.controls_box.children = [control]
        self.scenario.value = question_html(q)
        if self.error is None or saved is not None:
            self.show_error(None)
        self._show_status()

    def _show_status(self) -> None:
        e = self.exam
        if e.finished:
            self.status.value = html_block(f"<b>Finished:</b> {e.result.correct}/{e.result.total} correct.")
            return
        left = e.time_left
        notice = f"<div style='color:#8a6d3b'>{html.escape(self.notice)}</div>" if self.notice else ""
        self.status.value = html_block(
            f"Question {self.index + 1} of {len(e.questions)} &middot; {len(e.answers)} answered &middot; "
            f"{int(left // 60)} min {int(left % 60):02d} s left (no feedback until you finish){notice}")

    def finish(self):
        """Keep the current answer, grade everything, show the result; return the ExamResult."""
        self._keep()
        result = self.exam.finish()
        self.result = result
        control = self.controls["choice"]
        for w in [control, *getattr(control, "dropdowns", ()), *getattr(control, "boxes", {}).values()]:
            w.disabled = True
        for b in (self.prev_button, self.next_button, self.finish_button):
            b.disabled = True
        self._show_status()
        self.results.value = _results_html(result)
        return result


def _answer_text(q, answer) -> str:
    if answer is None:
        return "no answer"
    if q.type == "ordering":
        return " &rarr; ".join(answer)
    if q.type == "matching":
        return ", ".join(f"{p}&rarr;{r}" for p, r in dict(answer).items())
    return ", ".join(sorted(answer))


def _results_html(result) -> str:
    esc = html.escape
    rows = "".join(
        f"<tr><td>{esc(str(r.domain))}</td><td>{esc(r.title)}</td><td>{r.weight} %</td>"
        f"<td>{r.correct}/{r.total}</td></tr>"
        for r in result.by_domain.itertuples()
    )
    table = ("<table><thead><tr><th>Domain</th><th></th><th>Weight</th><th>Score</th></tr></thead>"
             f"<tbody>{rows}</tbody></table>")
    missed = []
    for m in result.missed:
        q = m.question
        whys = "".join(f"<li><b>{esc(k)}</b>: {esc(v)}</li>" for k, v in q.grade(q.answer).explanations.items())
        yours = _answer_text(q, m.grade.chosen if m.grade is not None else None)
        missed.append(
            f"<details style='margin:4px 0'><summary><b>{esc(q.id)}</b> ({esc(q.topic)}): you gave {yours}; "
            f"the answer is {_answer_text(q, q.answer)}. Revisit <code>{esc(m.notebook)}</code>.</summary>"
            f"<div style='white-space:pre-wrap'>{esc(q.scenario)}</div><ul>{whys}</ul></details>")
    head = (f"<h4>Score: {result.correct}/{result.total} ({result.percent:.0f} %)"
            f"{' &middot; time ran out' if result.timed_out else ''}</h4>")
    return html_block(head + table + (f"<h4>To review ({len(missed)})</h4>" + "".join(missed) if missed else ""))
