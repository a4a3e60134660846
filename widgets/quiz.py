"""The quiz widget: a :class:`mlkit.quiz.QuizSession` with buttons."""

from __future__ import annotations

import html

import ipywidgets

from widgets.base import CheckboxGroup, MlkitWidget, PickList, html_block

__all__ = ["Quiz"]

_GOOD = "#1b5e20"
_BAD = "#b71c1c"


def _ordinal(n: int) -> str:
    return f"{n}{'st' if n == 1 else 'nd' if n == 2 else 'rd' if n == 3 else 'th'}"


def choice_control(question):
    """The answer control for a question of any type (shared by the quiz and the practice exam).

    Radio buttons (single), checkboxes (multiple), a dropdown per place
    (ordering) or per prompt (matching).
    """
    keys = list(question.keys)
    if question.type == "multiple":
        return CheckboxGroup(keys)
    if question.type == "ordering":
        return PickList([_ordinal(i) for i in range(1, len(keys) + 1)], keys)
    if question.type == "matching":
        return PickList(question.prompt_keys, keys)
    return ipywidgets.RadioButtons(options=keys, value=None, orientation="horizontal")


def answer_from_control(question, value):
    """A control's value as the answer :meth:`Question.grade` takes (places or prompts left empty are left out)."""
    if question.type == "ordering":
        return [k for k in value if k is not None]
    if question.type == "matching":
        return {p: r for p, r in zip(question.prompt_keys, value) if r is not None}
    return () if value is None else value


def control_value(q, *keys):
    """The :func:`choice_control` value that answers ``q`` with ``keys`` (see :meth:`Quiz.select`)."""
    if len(keys) == 1 and not isinstance(keys[0], str):
        keys = tuple(keys[0].items()) if isinstance(keys[0], dict) else tuple(keys[0])
    if q.type == "matching":
        if keys and all(isinstance(k, (tuple, list)) for k in keys):
            given = {str(p): str(r).strip().upper() for p, r in keys}
        else:
            given = dict(zip(q.prompt_keys, (str(k).strip().upper() for k in keys)))
        for p in given:
            if p not in q.prompt_keys:
                raise ValueError(f"prompt must be one of {', '.join(q.prompt_keys)}; got {p!r}")
        return tuple(given.get(p) for p in q.prompt_keys)
    picked = []
    for key in keys:
        k = key.strip().upper() if isinstance(key, str) else key
        if k not in q.keys:
            raise ValueError(f"option key must be one of {', '.join(q.keys)}; got {key!r}")
        picked.append(k)
    if q.type == "ordering":
        if len(picked) > len(q.keys):
            raise ValueError(f"question {q.id!r} has {len(q.keys)} steps; got {len(picked)}")
        return tuple(picked) + (None,) * (len(q.keys) - len(picked))
    if q.type == "multiple":
        return tuple(picked)
    if len(picked) > 1:
        raise ValueError(f"question {q.id!r} takes one answer; got {len(picked)}: {', '.join(picked)}")
    return picked[0] if picked else None


def question_html(q) -> str:
    """A question as HTML: its case study (if any), scenario, what to do, and its options/steps/prompts."""
    esc = html.escape
    if q.type == "ordering":
        hint = f"<i>(Put the {q.choose} steps in order: pick the step for each place.)</i>"
    elif q.type == "matching":
        hint = ("<i>(Pick a response for every prompt; a response may fit several prompts or none. "
                "Every pair must be right.)</i>")
    elif q.type == "multiple":
        hint = f"<i>(Choose {q.choose}.)</i>"
    else:
        hint = "<i>(Choose one.)</i>"
    rows = "".join(f"<div style='margin:2px 0'><b>{o.key}.</b> {esc(o.text)}</div>" for o in q.options)
    if q.type == "matching":
        prompts = "".join(f"<div style='margin:2px 0'><b>{p.key}.</b> {esc(p.text)}</div>" for p in q.prompts)
        rows = f"<div><b>Prompts</b>{prompts}</div><div style='margin-top:6px'><b>Responses</b>{rows}</div>"
    case = ""
    if q.case is not None:
        part = q.case.question_ids.index(q.id) + 1
        case = (f"<div style='border-left:3px solid #90a4ae;padding:4px 8px;margin:6px 0;background:#f5f7f8'>"
                f"<b>Case study: {esc(q.case.title)}</b> (question {part} of {len(q.case.question_ids)})"
                f"<div style='white-space:pre-wrap'>{esc(q.case.scenario)}</div></div>")
    return html_block(
        f"{case}<div style='white-space:pre-wrap;margin:6px 0'>{esc(q.scenario)}</div>"
        f"{hint}<div style='margin:6px 0 0 8px'>{rows}</div>"
    )


class Quiz(MlkitWidget):
    """One quiz sitting: pick options, *Check* grades, *Next* moves on, the end records.

    Contract: ``Quiz(topic)`` starts a :class:`mlkit.quiz.QuizSession` (kept
    as ``self.session``) and shows its first question: the scenario, the
    lettered options, a choice control (``controls["choice"]``: radio buttons
    for a single answer, checkboxes for "choose N", a dropdown per place for
    an ordering item, a dropdown per prompt for a matching item), *Check*
    and *Next*; a case study's scenario is shown above each of its questions.
    :meth:`check` grades the choice (all or nothing) into ``self.last_grade``
    and shows why every option is right or wrong; :meth:`next` shows the next
    question. Checking the last question, or :meth:`finish`, ends the quiz:
    the final score is shown and recorded once through ``session.finish()``
    (to ``progress``, or the learner's file when ``topic`` is set). An empty
    choice shows the engine's message in the banner; nothing is graded.

    Parameters
    ----------
    topic : str or None
        A topic id (:func:`mlkit.topics.topic_ids`); None quizzes every topic.
        An unknown topic raises ``ValueError``.
    seed, shuffle : passed to ``QuizSession`` (same seed, same order).
    progress : mlkit.progress.Progress, optional
        Where the score is recorded.
    bank, limit : passed to ``QuizSession`` (a question bank other than the
        packaged one; at most ``limit`` questions).

    >>> import os, tempfile
    >>> from mlkit.progress import Progress
    >>> q = Quiz("variants", limit=1, progress=Progress(os.path.join(tempfile.mkdtemp(), "p.json")))
    >>> q.select(*q.question.answer)
    >>> q.check().correct, q.finished, q.score.correct
    (True, True, 1)
    """

    def __init__(self, topic=None, *, seed=None, shuffle=False, progress=None, bank=None, limit=None):
        from mlkit.quiz import QuizSession
        from mlkit.topics import get_topic

        self.topic = topic
        self.seed = seed
        self.shuffle = shuffle
        self.progress = progress
        self.bank = bank
        self.limit = limit
        self.session = QuizSession(
            topic, bank=bank, shuffle=shuffle, seed=seed, limit=limit, progress=progress
        )
        self.question = self.session.current
        self.checked = False
        self.final_score = None

        self.status = ipywidgets.HTML()
        self.scenario = ipywidgets.HTML(layout=ipywidgets.Layout(width="100%"))
        self.feedback = ipywidgets.HTML(layout=ipywidgets.Layout(width="100%"))
        self.check_button = ipywidgets.Button(description="Check", button_style="primary")
        self.next_button = ipywidgets.Button(description="Next", disabled=True)
        self.finish_button = ipywidgets.Button(
            description="Finish now", tooltip="End the quiz here; unanswered questions count as wrong"
        )
        self.check_button.on_click(lambda _b: self.check())
        self.next_button.on_click(lambda _b: self.next())
        self.finish_button.on_click(lambda _b: self.finish())
        self.buttons = ipywidgets.HBox([self.check_button, self.next_button, self.finish_button])

        title = "Quiz: all topics" if topic is None else f"Quiz: {get_topic(topic).title}"
        super().__init__(
            {"choice": choice_control(self.question)},
            title=title,
            body=[self.feedback],
            live=False,
            compute_now=False,
        )
        self._show_question()

    # -- the view --------------------------------------------------------
    def layout(self):
        return [self.heading, self.status, self.scenario, self.controls_box, self.buttons,
                self.banner, self.feedback]

    def _show_question(self) -> None:
        q = self.question
        self.number = self.session.index + 1  # 1-based number of the question shown
        control = choice_control(q)
        control.add_class("mlkit-control-choice")
        self.controls["choice"] = control
        self.controls_box.children = [control]
        self.checked = False
        self.check_button.disabled = False
        self.next_button.disabled = True
        self.feedback.value = ""
        self.show_error(None)
        self.scenario.value = question_html(q)
        self._show_status()

    def _show_status(self) -> None:
        s = self.session.score
        if self.final_score is not None:
            f = self.final_score
            recorded = " &middot; recorded in your progress" if self.session.recorded else ""
            self.status.value = (
                f"<b>Quiz finished: {f.correct}/{f.total} correct</b> "
                f"({f.answered} of {f.total} answered){recorded}"
            )
            return
        self.status.value = (
            f"Question {self.number} of {s.total} &middot; score {s.correct}/{s.answered} so far"
        )

    def draw(self, grade) -> None:
        q = self.question
        esc = html.escape
        right = f"<span style='color:{_GOOD}'>&#10003; right</span>"
        if q.type == "ordering":
            verdict = (f"<b style='color:{_GOOD}'>&#10003; Correct.</b>" if grade.correct else
                       f"<b style='color:{_BAD}'>&#10007; Not quite.</b> The right order is "
                       f"{' &rarr; '.join(grade.answer)} (you gave {' &rarr; '.join(grade.chosen)}).")
            rows = [
                f"<div style='margin:4px 0'><b>{place}. {key}</b> "
                + (right if grade.marks[key] else
                   f"<span style='color:{_BAD}'>&#10007; you put it {grade.chosen.index(key) + 1}.</span>")
                + f": {esc(q.option(key).text)} &mdash; {esc(grade.explanations[key])}</div>"
                for place, key in enumerate(grade.answer, 1)
            ]
        elif q.type == "matching":
            yours = dict(grade.chosen)
            wrong = sum(not m for m in grade.marks.values())
            verdict = (f"<b style='color:{_GOOD}'>&#10003; Correct.</b>" if grade.correct else
                       f"<b style='color:{_BAD}'>&#10007; Not quite.</b> {wrong} of {len(grade.marks)} pairs are "
                       "wrong; a matching item counts only when every pair is right.")
            rows = [
                f"<div style='margin:4px 0'><b>{p.key} &rarr; {p.match}</b> "
                + (right if grade.marks[p.key] else f"<span style='color:{_BAD}'>&#10007; you chose "
                                                    f"{yours[p.key]}</span>")
                + f": {esc(grade.explanations[p.key])}</div>"
                for p in q.prompts
            ]
        else:
            verdict = (
                f"<b style='color:{_GOOD}'>&#10003; Correct.</b>" if grade.correct
                else f"<b style='color:{_BAD}'>&#10007; Not quite.</b> The answer is "
                     f"{', '.join(sorted(grade.answer))}."
            )
            rows = []
            for o in q.options:
                mark = right if o.correct else f"<span style='color:{_BAD}'>&#10007; wrong</span>"
                yours = " &middot; <i>your choice</i>" if o.key in grade.chosen else ""
                rows.append(
                    f"<div style='margin:4px 0'><b>{o.key}.</b> {mark}{yours}: "
                    f"{esc(grade.explanations.get(o.key, o.why))}</div>"
                )
        where = f"<div style='color:#555'>Notes: {esc(q.notes_section)}</div>"
        self.feedback.value = html_block(f"<div style='margin:6px 0'>{verdict}{''.join(rows)}{where}</div>")

    # -- actions ---------------------------------------------------------
    def compute(self, choice):
        """Grade ``choice`` for the question shown (moves the session on)."""
        return self.session.answer(answer_from_control(self.question, choice))

    def select(self, *keys) -> None:
        """Answer the question shown without clicking; what it takes depends on the type.

        single/multiple: option letters, ``select("B")`` or ``select("A", "C")``;
        ordering: every step in order, ``select("C", "A", "B")``; matching: a
        response per prompt, ``select("B", "A", "B")`` in prompt order, or a
        ``{prompt: response}`` mapping or pairs. ``select(*question.answer)``
        (or ``select(question.answer)``) works for every type. An unknown key,
        or several keys for a single-answer question, raises ``ValueError``.
        """
        q = self._require_open("select")
        self.controls["choice"].value = control_value(q, *keys)

    def check(self):
        """Grade the current choice; return the :class:`~mlkit.quiz.Grade` (None if nothing valid was chosen).

        Checking the last question ends the quiz (see :meth:`finish`).
        Checking twice raises ``RuntimeError``.
        """
        self._require_open("check")
        if self.checked:
            raise RuntimeError("this question is already checked; call next() for the next one")
        grade = self.update()
        if grade is None:
            return None
        self.checked = True
        self._disable_choice()
        self.check_button.disabled = True
        if self.session.finished:
            self.finish()
        else:
            self.next_button.disabled = False
            self._show_status()
        return grade

    def next(self):
        """Show the next question (after :meth:`check`); return it."""
        self._require_open("next")
        if not self.checked:
            raise RuntimeError("check() this question before moving to the next one")
        self.question = self.session.current
        self._show_question()
        return self.question

    def finish(self):
        """End the quiz now, record the score once (``session.finish()``) and show it; return the Score."""
        if self.final_score is None:
            self.final_score = self.session.finish()
            self._disable_choice()
            for b in (self.check_button, self.next_button, self.finish_button):
                b.disabled = True
            self._show_status()
        return self.final_score

    # -- state -----------------------------------------------------------
    @property
    def last_grade(self):
        """The grade of the last checked answer, or None."""
        return self.result

    @property
    def score(self):
        """The session's score so far (:class:`~mlkit.quiz.Score`)."""
        return self.session.score

    @property
    def finished(self) -> bool:
        return self.final_score is not None

    def _require_open(self, action):
        if self.finished:
            raise RuntimeError(f"cannot {action}: the quiz is finished; create a new Quiz to try again")
        return self.question

    def _disable_choice(self) -> None:
        control = self.controls["choice"]
        if isinstance(control, CheckboxGroup):
            for box in control.boxes.values():
                box.disabled = True
        elif isinstance(control, PickList):
            for d in control.dropdowns:
                d.disabled = True
        else:
            control.disabled = True
