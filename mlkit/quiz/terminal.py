"""The quiz in a terminal: ``mlkit quiz [TOPIC]`` runs :func:`run`.

Reads answers such as ``B`` or ``a, c`` (case and spaces do not matter),
asks again on an invalid answer saying what is allowed, ``q`` quits early and
end of input ends the quiz gracefully. After each answer it prints right or
wrong and why every option is right or wrong; at the end, the score, which is
recorded through :meth:`QuizSession.finish`.

    >>> import io
    >>> from mlkit.quiz.terminal import run
    >>> out = io.StringIO()
    >>> score = run("variants", stdin=io.StringIO("q\\n"), stdout=out)
    >>> score.answered
    0
"""

from __future__ import annotations

import re
import sys
import textwrap

from mlkit.quiz.session import QuizSession, Score

__all__ = ["run", "parse_answer", "WIDTH"]

#: Text is wrapped to this many columns.
WIDTH = 88
_QUIT = {"q", "quit", "exit"}


class _Quit(Exception):
    """The learner asked to stop (``q``) or the input ended."""


def parse_answer(text: str, keys, choose: int) -> frozenset:
    """The option keys in ``text`` (``"B"``, ``"a, c"``, ``"A C"``, ``"ac"``), or ``ValueError``.

    The error says what is allowed: the option letters, and how many to pick.

    >>> sorted(parse_answer(" a, C ", ("A", "B", "C", "D"), 2))
    ['A', 'C']
    """
    keys = tuple(keys)
    allowed = ", ".join(keys)
    picked = []
    for token in re.split(r"[\s,;/.]+", text.strip()):
        if not token:
            continue
        token = token.upper()
        letters = list(token) if token.isalpha() else [token]
        for letter in letters:
            if letter not in keys:
                raise ValueError(f"{letter!r} is not an option; answer with {allowed}")
            picked.append(letter)
    chosen = frozenset(picked)
    how = "" if choose == 1 else ", separated by commas or spaces"
    if not chosen:
        raise ValueError(f"please answer with {'one letter' if choose == 1 else f'{choose} letters'} "
                         f"from {allowed}{how}, or q to quit")
    if len(chosen) != choose:
        what = "exactly 1 letter" if choose == 1 else f"exactly {choose} different letters"
        raise ValueError(f"this question needs {what} from {allowed}{how}; you gave {len(chosen)}")
    return chosen


def _wrap(text: str, indent: str = "", subsequent: str | None = None) -> str:
    subsequent = indent if subsequent is None else subsequent
    paragraphs = [p for p in text.split("\n") if p.strip()] or [""]
    return "\n".join(
        textwrap.fill(p, width=WIDTH, initial_indent=indent, subsequent_indent=subsequent)
        for p in paragraphs
    )


def _ask(question, stdin, stdout) -> frozenset:
    if question.choose == 1:
        prompt = f"Your answer (one of {', '.join(question.keys)}; q to quit): "
    else:
        prompt = f"Your answer ({question.choose} of {', '.join(question.keys)}, comma-separated; q to quit): "
    while True:
        stdout.write(prompt)
        stdout.flush()
        line = stdin.readline()
        if line == "":  # end of input
            stdout.write("\n")
            raise _Quit("end of input")
        if line.strip().lower() in _QUIT:
            raise _Quit("quit")
        try:
            return parse_answer(line, question.keys, question.choose)
        except ValueError as exc:
            stdout.write(_wrap(f"  {exc}.", subsequent="  ") + "\n")


def _show_question(session: QuizSession, stdout) -> None:
    q = session.current
    n = len(session.questions)
    header = f"Question {session.index + 1} of {n}  [{q.topic}]"
    if q.choose > 1:
        header += f"  (choose {q.choose})"
    stdout.write("\n" + header + "\n" + "-" * min(len(header), WIDTH) + "\n")
    stdout.write(_wrap(q.scenario) + "\n\n")
    for o in q.options:
        stdout.write(_wrap(o.text, indent=f"  {o.key}. ", subsequent="     ") + "\n")


def _show_grade(question, grade, stdout) -> None:
    answer = ", ".join(sorted(grade.answer))
    if grade.correct:
        stdout.write("\nRight.\n")
    else:
        stdout.write(f"\nWrong: you chose {', '.join(sorted(grade.chosen))}; the answer is {answer}.\n")
    for o in question.options:
        marks = ["right" if o.correct else "wrong"]
        if o.key in grade.chosen:
            marks.append("your choice")
        head = f"  {o.key} ({', '.join(marks)}): "
        stdout.write(_wrap(grade.explanations[o.key], indent=head, subsequent="     ") + "\n")


def run(
    topic=None,
    *,
    stdin=None,
    stdout=None,
    bank=None,
    progress=None,
    shuffle=False,
    seed=None,
    limit=None,
) -> Score:
    """Run a quiz on ``stdin``/``stdout`` (default: the process's), return the :class:`Score`.

    ``topic=None`` runs every topic. The score is recorded through
    :meth:`QuizSession.finish` (when a ``progress`` is given or ``topic`` is
    set, and at least one question was answered). An unknown topic raises
    ``ValueError`` before anything is printed.
    """
    stdin = sys.stdin if stdin is None else stdin
    stdout = sys.stdout if stdout is None else stdout
    session = QuizSession(topic, bank=bank, shuffle=shuffle, seed=seed, limit=limit, progress=progress)
    title = "all topics" if topic is None else topic
    stdout.write(f"Quiz: {title}, {len(session.questions)} questions. Answer with letters; q quits.\n")
    try:
        while not session.finished:
            question = session.current
            _show_question(session, stdout)
            chosen = _ask(question, stdin, stdout)
            grade = session.answer(chosen)
            _show_grade(question, grade, stdout)
    except _Quit as stop:
        if str(stop) == "end of input":
            stdout.write("Input ended; stopping the quiz.\n")
        else:
            stdout.write("Stopping the quiz.\n")
    except KeyboardInterrupt:
        stdout.write("\nInterrupted; stopping the quiz.\n")
    score = session.finish()
    stdout.write(f"\nScore: {score}.\n")
    if session.recorded:
        stdout.write("Recorded in your progress (mlkit topics shows your best scores).\n")
    elif score.answered == 0:
        stdout.write("Nothing answered, nothing recorded.\n")
    else:
        stdout.write("Not recorded: a quiz over all topics is recorded only when a Progress is given.\n")
    stdout.flush()
    return score
