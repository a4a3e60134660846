"""The quiz in a terminal: ``mlkit quiz [TOPIC]`` runs :func:`run`.

Reads answers such as ``B`` or ``a, c`` (case and spaces do not matter), an
order of steps such as ``C A B``, or pairs such as ``1B 2A 3C``,
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

__all__ = ["run", "run_exam", "format_answer", "parse_answer", "parse_order", "parse_pairs", "WIDTH"]

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


def parse_order(text: str, keys) -> tuple:
    """Step keys in order from ``text`` (``"C A B"``, ``"c,a,b"``, ``"CAB"``), each once, or ``ValueError``.

    >>> parse_order("c, a b", ("A", "B", "C"))
    ('C', 'A', 'B')
    """
    keys = tuple(keys)
    tokens = [t.upper() for t in re.split(r"[\s,;/.>-]+", text.strip()) if t]
    if len(tokens) == 1 and tokens[0].isalpha():
        tokens = list(tokens[0])
    for t in tokens:
        if t not in keys:
            raise ValueError(f"{t!r} is not a step; put all of {', '.join(keys)} in order, e.g. "
                             f"{' '.join(reversed(keys))}")
    twice = sorted({t for t in tokens if tokens.count(t) > 1})
    if twice:
        raise ValueError(f"step {twice[0]} appears more than once; put each of {', '.join(keys)} once")
    if len(tokens) != len(keys):
        missing = [k for k in keys if k not in tokens]
        raise ValueError(f"{', '.join(missing)} still missing; put all of {', '.join(keys)} in order")
    return tuple(tokens)


def parse_pairs(text: str, prompt_keys, response_keys) -> dict:
    """``{prompt: response}`` from ``text``: ``"1B 2A 3C"`` (or ``1=B``), or responses in prompt order (``"B A C"``).

    Raises ``ValueError`` saying what is allowed when a prompt is missing,
    repeated or unknown, or a response is not one of ``response_keys``.

    >>> parse_pairs("1b 2=A 3:c", ("1", "2", "3"), ("A", "B", "C"))
    {'1': 'B', '2': 'A', '3': 'C'}
    """
    prompts, responses = tuple(prompt_keys), tuple(response_keys)
    body = text.strip()
    how = (f"pair every prompt {', '.join(prompts)} with a response {', '.join(responses)}, "
           f"e.g. {' '.join(p + responses[i % len(responses)] for i, p in enumerate(prompts))}")
    if re.search(r"\d", body):
        pairs = re.findall(r"(\d+)\s*[=:>-]?\s*([A-Za-z])\b", body)
        leftover = re.sub(r"(\d+)\s*[=:>-]?\s*([A-Za-z])\b", "", body)
        if re.sub(r"[\s,;/.]+", "", leftover):
            raise ValueError(f"could not read {leftover.strip()!r}; {how}")
    else:
        letters = [t.upper() for t in re.split(r"[\s,;/.]+", body) if t]
        if len(letters) == 1 and letters[0].isalpha():
            letters = list(letters[0])
        if len(letters) != len(prompts):
            raise ValueError(f"{len(letters)} responses for {len(prompts)} prompts; {how}")
        pairs = list(zip(prompts, letters))
    out: dict = {}
    for p, r in pairs:
        r = r.upper()
        if p not in prompts:
            raise ValueError(f"{p!r} is not a prompt; {how}")
        if r not in responses:
            raise ValueError(f"{r!r} is not a response; {how}")
        if p in out:
            raise ValueError(f"prompt {p} is paired twice; {how}")
        out[p] = r
    missing = [p for p in prompts if p not in out]
    if missing:
        raise ValueError(f"prompt {', '.join(missing)} still without a response; {how}")
    return out


def format_answer(question, answer) -> str:
    """An answer as a learner types it here: ``A, C``, an order ``C A B``, pairs ``1B 2A``.

    The parsers read it back: ``format_answer(q, q.answer)`` is a right answer to ``q``.
    """
    if question.type == "ordering":
        return " ".join(answer)
    if question.type == "matching":
        return " ".join(f"{p}{r}" for p, r in answer)
    return ", ".join(sorted(answer))


def _wrap(text: str, indent: str = "", subsequent: str | None = None) -> str:
    subsequent = indent if subsequent is None else subsequent
    paragraphs = [p for p in text.split("\n") if p.strip()] or [""]
    return "\n".join(
        textwrap.fill(p, width=WIDTH, initial_indent=indent, subsequent_indent=subsequent)
        for p in paragraphs
    )


class _Skip(Exception):
    """The learner skipped the question (practice exam only)."""


def _ask(question, stdin, stdout, skip: bool = False):
    if question.type == "ordering":
        prompt = f"Your order (all of {', '.join(question.keys)}, first to last; q to quit): "
        parse = lambda line: parse_order(line, question.keys)  # noqa: E731
    elif question.type == "matching":
        prompt = (f"Your pairs (e.g. 1{question.keys[0]} 2{question.keys[-1]} ..., one per prompt "
                  f"{', '.join(question.prompt_keys)}; q to quit): ")
        parse = lambda line: parse_pairs(line, question.prompt_keys, question.keys)  # noqa: E731
    else:
        if question.choose == 1:
            prompt = f"Your answer (one of {', '.join(question.keys)}; q to quit): "
        else:
            prompt = f"Your answer ({question.choose} of {', '.join(question.keys)}, comma-separated; q to quit): "
        parse = lambda line: parse_answer(line, question.keys, question.choose)  # noqa: E731
    while True:
        stdout.write(prompt)
        stdout.flush()
        line = stdin.readline()
        if line == "":  # end of input
            stdout.write("\n")
            raise _Quit("end of input")
        if line.strip().lower() in _QUIT:
            raise _Quit("quit")
        if skip and line.strip().lower() in ("s", "skip"):
            raise _Skip()
        try:
            return parse(line)
        except ValueError as exc:
            stdout.write(_wrap(f"  {exc}.", subsequent="  ") + "\n")


def _show_question(session: QuizSession, stdout) -> None:
    _print_question(session.current, session.index, len(session.questions), stdout)


def _print_question(q, index: int, n: int, stdout) -> None:
    header = f"Question {index + 1} of {n}  [{q.topic}]"
    if q.type == "multiple":
        header += f"  (choose {q.choose})"
    elif q.type == "ordering":
        header += f"  (put {q.choose} steps in order)"
    elif q.type == "matching":
        header += f"  (match {q.choose} prompts)"
    stdout.write("\n" + header + "\n" + "-" * min(len(header), WIDTH) + "\n")
    if q.case is not None:
        part = q.case.question_ids.index(q.id) + 1
        stdout.write(_wrap(f"Case study: {q.case.title} (question {part} of {len(q.case.question_ids)})") + "\n")
        stdout.write(_wrap(q.case.scenario, indent="| ", subsequent="| ") + "\n\n")
    stdout.write(_wrap(q.scenario) + "\n\n")
    if q.type == "matching":
        stdout.write("Prompts:\n")
        for p in q.prompts:
            stdout.write(_wrap(p.text, indent=f"  {p.key}. ", subsequent="     ") + "\n")
        stdout.write("Responses (each may be used once, several times or not at all):\n")
    elif q.type == "ordering":
        stdout.write("Steps:\n")
    for o in q.options:
        stdout.write(_wrap(o.text, indent=f"  {o.key}. ", subsequent="     ") + "\n")


def _show_grade(question, grade, stdout) -> None:
    if question.type == "ordering":
        answer, chosen = " ".join(grade.answer), " ".join(grade.chosen)
        stdout.write("\nRight.\n" if grade.correct else f"\nWrong: your order {chosen}; the right order is {answer}.\n")
        for place, key in enumerate(grade.answer, 1):
            mark = "in place" if grade.marks[key] else f"you put it {grade.chosen.index(key) + 1}."
            head = f"  {place}. {key} ({mark}): "
            stdout.write(_wrap(question.option(key).text + " - " + grade.explanations[key], indent=head,
                               subsequent="     ") + "\n")
        return
    if question.type == "matching":
        yours = dict(grade.chosen)
        stdout.write("\nRight.\n" if grade.correct else
                     f"\nWrong: {sum(not m for m in grade.marks.values())} of {len(grade.marks)} pairs are wrong "
                     "(a matching item counts only when every pair is right).\n")
        for p in question.prompts:
            mark = "right" if grade.marks[p.key] else f"you chose {yours[p.key]}"
            head = f"  {p.key} -> {p.match} ({mark}): "
            stdout.write(_wrap(grade.explanations[p.key], indent=head, subsequent="     ") + "\n")
        return
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


def run_exam(n_questions: int = 65, *, seed=None, minutes: float | None = None, stdin=None, stdout=None,
             bank=None, progress="default", clock=None) -> "ExamResult":
    """A practice exam in the terminal: every question in turn, no feedback, the graded result at the end.

    Answers are typed as in :func:`run` (``s`` skips a question, ``q`` ends
    the exam early); the time limit (default two minutes a question) is
    checked after each answer. At the end: the score per exam domain and,
    for every missed question, the right answer, why, and the notebook to
    revisit. Returns the :class:`~mlkit.quiz.exam.ExamResult`.
    """
    import time

    from mlkit.quiz.exam import PracticeExam

    stdin = sys.stdin if stdin is None else stdin
    stdout = sys.stdout if stdout is None else stdout
    exam = PracticeExam(n_questions, seed=seed, bank=bank, progress=progress,
                        time_limit_s=None if minutes is None else minutes * 60.0,
                        clock=time.monotonic if clock is None else clock)
    n = len(exam.questions)
    stdout.write(f"Practice exam: {n} questions, {exam.time_left / 60:.0f} minutes. No feedback until the end; "
                 "s skips, q ends.\n")
    try:
        for i, q in enumerate(exam.questions):
            _print_question(q, i, n, stdout)
            try:
                chosen = _ask(q, stdin, stdout, skip=True)
            except _Skip:
                continue
            try:
                exam.answer(q.id, chosen)
            except TimeoutError as exc:
                stdout.write(_wrap(str(exc)) + "\n")
                break
            stdout.write(f"  Kept. {exam.time_left / 60:.0f} minutes left.\n")
    except _Quit:
        stdout.write("Ending the exam.\n")
    except KeyboardInterrupt:
        stdout.write("\nInterrupted; ending the exam.\n")
    result = exam.finish()
    stdout.write(f"\nScore: {result.correct}/{result.total} ({result.percent:.0f} %), {result.answered} answered"
                 f"{', time ran out' if result.timed_out else ''}.\n")
    for r in result.by_domain.itertuples():
        stdout.write(f"  Domain {r.domain} ({r.weight} %) {r.title}: {r.correct}/{r.total}\n")
    for m in result.missed:
        q = m.question
        stdout.write("\n" + _wrap(f"Missed {q.id} [{q.topic}]: the answer is {format_answer(q, q.answer)}. "
                                   f"Revisit {m.notebook}.") + "\n")
        for key, why in q.grade(q.answer).explanations.items():
            stdout.write(_wrap(why, indent=f"  {key}: ", subsequent="     ") + "\n")
    stdout.flush()
    return result
