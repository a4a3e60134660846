"""A practice exam: questions from every topic, weighted like the real exam's domains, timed, graded at the end.

The MLA-C01 exam weights its four domains 28/26/22/24 % (the packaged exam
guide, :mod:`mlkit.quiz.guide`); each course topic belongs to one domain
(``topic_domains`` in the guide). :class:`PracticeExam` draws questions so
that each domain gets its share (a domain with too few questions gives all
it has and the rest is shared out by weight), keeps answers without saying
whether they are right, lets the learner change them until the end, and on
:meth:`~PracticeExam.finish` grades everything at once: a score per domain
and, for every missed question, its explanation and the notebook to
revisit. The real exam gives 130 minutes for 65 questions, so the default
time limit is two minutes per question; after it, no answer is taken.

    >>> exam = PracticeExam(n_questions=8, seed=0, progress=None)
    >>> for q in exam.questions:
    ...     exam.answer(q.id, q.answer)
    >>> result = exam.finish()
    >>> result.correct, result.total
    (8, 8)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

from mlkit._checks import check_float, check_int, make_rng
from mlkit.report import Report, html_table

__all__ = ["PracticeExam", "ExamResult", "MissedQuestion", "SECONDS_PER_QUESTION", "topic_domain"]

#: The real exam's pace: 130 minutes for 65 questions.
SECONDS_PER_QUESTION = 120.0


def topic_domain(topic: str, guide=None) -> str:
    """The exam domain id (``"1"``..``"4"``) a course topic belongs to; ``ValueError`` for a topic with none."""
    from mlkit.quiz.guide import load_exam_guide

    guide = guide or load_exam_guide()
    try:
        return guide.topic_domains[topic]
    except KeyError:
        raise ValueError(f"topic {topic!r} has no exam domain; topics with one: "
                         f"{', '.join(guide.topic_domains)}") from None


def _quotas(n: int, weights: dict, available: dict) -> dict:
    """Questions per domain: ``n`` shared by weight (largest remainder), capped by what each domain has."""
    quota = {d: 0 for d in weights}
    left = n
    open_ = {d for d in weights if available.get(d, 0) > 0}
    while left > 0 and open_:
        total = sum(weights[d] for d in open_)
        shares = {d: left * weights[d] / total for d in open_}
        give = {d: min(int(shares[d]), available[d] - quota[d]) for d in open_}
        rest = left - sum(give.values())
        for d in sorted(open_, key=lambda d: (shares[d] - int(shares[d]), weights[d]), reverse=True):
            if rest <= 0:
                break
            if quota[d] + give[d] < available[d]:
                give[d] += 1
                rest -= 1
        if sum(give.values()) == 0:
            break
        for d, g in give.items():
            quota[d] += g
        left = n - sum(quota.values())
        open_ = {d for d in open_ if quota[d] < available[d]}
    return quota


@dataclass(frozen=True)
class MissedQuestion:
    """A question answered wrongly or not at all: the grade (None if unanswered) and where to revisit it."""

    question: Any
    grade: Any
    notebook: str


@dataclass
class ExamResult(Report):
    """The graded exam: overall and per-domain scores, the missed questions, the time used."""

    correct: int
    total: int
    answered: int
    by_domain: Any  # DataFrame: domain, title, weight, correct, total, percent
    missed: list = field(default_factory=list)
    seconds: float = 0.0
    timed_out: bool = False

    @property
    def percent(self) -> float:
        """The score in percent of the questions asked."""
        return 100.0 * self.correct / self.total if self.total else 0.0

    def to_dict(self) -> dict:
        return {
            "correct": self.correct, "total": self.total, "answered": self.answered,
            "percent": round(self.percent, 1), "seconds": round(self.seconds, 1), "timed_out": self.timed_out,
            "by_domain": self.by_domain.to_dict(orient="records"),
            "missed": [{"question_id": m.question.id, "topic": m.question.topic, "notebook": m.notebook,
                        "answered": m.grade is not None} for m in self.missed],
        }

    def _repr_html_(self) -> str:
        head = (f"<p><b>{self.correct}/{self.total} correct ({self.percent:.0f} %)</b>, "
                f"{self.answered} answered in {self.seconds / 60:.1f} min"
                f"{' (time ran out)' if self.timed_out else ''}.</p>")
        return head + html_table(self.by_domain)


class PracticeExam:
    """A timed practice exam: ``answer(question_id, chosen)`` any number of times, then ``finish()``.

    In: ``n_questions`` (1..200, at most the bank's size), ``seed`` (same
    seed, same questions in the same order), ``time_limit_s`` (default two
    minutes a question; None for no limit), ``bank`` and ``guide`` (default
    the packaged ones), ``progress`` (a :class:`~mlkit.progress.Progress`
    where the score is recorded as the ``exam`` topic's quiz, so the study
    map shows it; the learner's file by default; None records nothing), and
    ``clock`` (seconds, for tests). ``answer`` validates the answer's shape
    (``ValueError`` naming what is allowed) but says nothing about whether it
    is right; after the time limit it raises ``TimeoutError``. ``finish()``
    grades every question once and returns an :class:`ExamResult`.
    """

    def __init__(self, n_questions: int = 65, *, seed=None, time_limit_s: float | None = None, bank=None,
                 guide=None, progress: Any = "default", clock: Callable[[], float] = time.monotonic):
        from mlkit.quiz.bank import load_bank
        from mlkit.quiz.guide import load_exam_guide

        self.n_questions = n_questions
        self.seed = seed
        self.time_limit_s = time_limit_s
        self.bank = bank
        self.guide = guide
        self.progress = progress
        self.clock = clock

        bank = bank or load_bank()
        guide = guide or load_exam_guide()
        self._guide = guide
        n = check_int("n_questions", n_questions, low=1, high=min(200, len(bank)))
        limit = SECONDS_PER_QUESTION * n if time_limit_s is None else check_float(
            "time_limit_s", time_limit_s, low=0.0, low_open=True)
        self._limit = limit
        rng = make_rng(seed)
        pools: dict = {d.id: [] for d in guide.domains}
        for q in bank:
            pools[topic_domain(q.topic, guide)].append(q)
        weights = {d.id: d.weight for d in guide.domains}
        quotas = _quotas(n, weights, {d: len(p) for d, p in pools.items()})
        chosen = []
        for d, pool in pools.items():
            picks = rng.permutation(len(pool))[: quotas[d]]
            chosen += [pool[i] for i in sorted(picks)]
        order = rng.permutation(len(chosen))
        self.questions = [chosen[i] for i in order]
        self._by_id = {q.id: q for q in self.questions}
        self.answers: dict = {}
        self.started = clock()
        self.result: ExamResult | None = None

    # -- time ---------------------------------------------------------------------
    @property
    def elapsed(self) -> float:
        """Seconds since the exam started (frozen once finished)."""
        if self.result is not None:
            return self.result.seconds
        return self.clock() - self.started

    @property
    def time_left(self) -> float:
        """Seconds left before answers are no longer taken (0 when out of time)."""
        return max(0.0, self._limit - self.elapsed)

    @property
    def finished(self) -> bool:
        return self.result is not None

    # -- answering ----------------------------------------------------------------
    def answer(self, question_id: str, chosen) -> None:
        """Record (or change) the answer to a question; nothing is said about whether it is right.

        Raises ``KeyError`` for a question not in this exam, ``ValueError``
        for an answer of the wrong shape (as :meth:`Question.grade` says),
        ``TimeoutError`` after the time limit and ``RuntimeError`` once finished.
        """
        if self.result is not None:
            raise RuntimeError("the exam is finished; start a new PracticeExam to sit it again")
        if self.time_left <= 0:
            raise TimeoutError(f"the time limit of {self._limit / 60:.0f} minutes is over; call finish() "
                               "for the score (unanswered questions count as wrong)")
        q = self._by_id.get(question_id)
        if q is None:
            raise KeyError(f"question {question_id!r} is not in this exam ({len(self.questions)} questions)")
        q.grade(chosen)  # validates the shape; the grade itself is kept secret until finish()
        self.answers[question_id] = chosen

    def unanswered(self) -> list:
        """Ids of the questions without an answer yet, in exam order."""
        return [q.id for q in self.questions if q.id not in self.answers]

    # -- grading ------------------------------------------------------------------
    def finish(self) -> ExamResult:
        """Grade every question (unanswered ones count as wrong), record the score once, return the result."""
        if self.result is not None:
            return self.result
        import pandas as pd

        from mlkit.topics import get_topic

        seconds = self.elapsed
        timed_out = seconds >= self._limit
        rows = {d.id: {"domain": d.id, "title": d.title, "weight": d.weight, "correct": 0, "total": 0}
                for d in self._guide.domains}
        missed = []
        correct = 0
        for q in self.questions:
            row = rows[topic_domain(q.topic, self._guide)]
            row["total"] += 1
            grade = q.grade(self.answers[q.id]) if q.id in self.answers else None
            if grade is not None and grade.correct:
                row["correct"] += 1
                correct += 1
            else:
                missed.append(MissedQuestion(q, grade, get_topic(q.topic).notebook))
        table = pd.DataFrame(list(rows.values()))
        table["percent"] = (100.0 * table["correct"] / table["total"].where(table["total"] > 0)).round(1)
        self.result = ExamResult(correct=correct, total=len(self.questions), answered=len(self.answers),
                                 by_domain=table, missed=missed, seconds=seconds, timed_out=timed_out)
        if self.answers and self.progress is not None:
            progress = self.progress
            if isinstance(progress, str) and progress == "default":
                from mlkit.progress import Progress

                progress = Progress()
            progress.record_quiz("exam", correct, len(self.questions))
        return self.result

    def __repr__(self) -> str:
        state = "finished" if self.finished else f"{len(self.answers)}/{len(self.questions)} answered"
        return f"PracticeExam({len(self.questions)} questions, {state}, {self.time_left / 60:.0f} min left)"
