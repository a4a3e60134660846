"""One sitting of a quiz: questions in order, answers graded, the score recorded once.

    >>> from mlkit.quiz import QuizSession
    >>> s = QuizSession("variants", limit=2, progress=None)
    >>> g = s.answer(s.current.answer)      # answer the first question right
    >>> s.score.correct, s.score.answered, s.score.total
    (1, 1, 2)
"""

from __future__ import annotations

from dataclasses import dataclass

from mlkit._checks import check_int, make_rng

__all__ = ["Score", "QuizSession"]


@dataclass(frozen=True)
class Score:
    """A quiz's score: questions answered right, answered, and in the quiz."""

    correct: int
    answered: int
    total: int

    def __str__(self) -> str:
        return f"{self.correct}/{self.total} correct ({self.answered} of {self.total} answered)"


class QuizSession:
    """A quiz over one topic (or all): ``answer(chosen)`` grades ``current`` and moves on.

    ``finish()`` ends the quiz and records the score with
    ``progress.record_quiz(topic, correct, total)`` when a ``Progress`` was
    given or ``topic`` is set (then the default ``Progress()`` is used), once,
    and only if at least one question was answered. With ``topic=None`` and a
    ``Progress``, each topic in the quiz is recorded with its own questions.
    ``total`` counts every question of the quiz, so quitting early counts the
    unanswered ones as not correct.

    Parameters
    ----------
    topic : str or None
        A topic id from :func:`mlkit.topics.topic_ids`; None takes every topic.
        An unknown topic, or one without questions, raises ``ValueError``.
    bank : QuestionBank, optional
        Default: the packaged bank (:func:`mlkit.quiz.load_bank`).
    shuffle : bool
        Shuffle the question order with ``seed`` (same seed, same order).
    seed : int or numpy.random.Generator, optional
    limit : int, optional
        Keep at most this many questions (after shuffling); >= 1.
    progress : mlkit.progress.Progress, optional

    >>> s = QuizSession("variants", limit=1)
    >>> _ = s.answer("A"); s.finished
    True
    """

    def __init__(self, topic=None, *, bank=None, shuffle=False, seed=None, limit=None, progress=None):
        self.topic = topic
        self.bank = bank
        self.shuffle = shuffle
        self.seed = seed
        self.limit = limit
        self.progress = progress

        from mlkit.quiz.bank import load_bank

        source = load_bank() if bank is None else bank
        if not isinstance(shuffle, bool):
            raise TypeError(f"shuffle must be True or False, got {shuffle!r}")
        questions = source.questions(topic)
        if not questions:
            have = ", ".join(source.topics()) or "none"
            raise ValueError(f"topic {topic!r} has no questions yet; topics with questions: {have}")
        if shuffle:
            rng = make_rng(seed)
            questions = [questions[i] for i in rng.permutation(len(questions))]
        if limit is not None:
            questions = questions[: check_int("limit", limit, low=1)]
        self.questions = questions
        self.index = 0
        self.grades: list = []
        self.recorded = False
        self._closed = False

    @property
    def current(self):
        """The question to answer now, or None when the quiz is finished."""
        if self.finished:
            return None
        return self.questions[self.index]

    @property
    def finished(self) -> bool:
        """True once every question is answered or :meth:`finish` was called."""
        return self._closed or self.index >= len(self.questions)

    @property
    def score(self) -> Score:
        """The score so far."""
        return Score(
            correct=sum(g.correct for g in self.grades),
            answered=len(self.grades),
            total=len(self.questions),
        )

    def answer(self, chosen):
        """Grade ``chosen`` for :attr:`current`, keep the grade, move to the next question.

        Invalid keys raise ``ValueError`` and leave the session where it was;
        answering a finished quiz raises ``RuntimeError``.
        """
        if self.finished:
            raise RuntimeError("the quiz is finished; start a new QuizSession to try again")
        grade = self.questions[self.index].grade(chosen)
        self.grades.append(grade)
        self.index += 1
        return grade

    def finish(self) -> Score:
        """End the quiz, record the score (see the class doc) once, and return it."""
        self._closed = True
        score = self.score
        if self.recorded or score.answered == 0:
            return score
        if self.progress is None and self.topic is None:
            return score
        progress = self.progress
        if progress is None:
            from mlkit.progress import Progress

            progress = Progress()
        if self.topic is not None:
            progress.record_quiz(self.topic, score.correct, score.total)
        else:
            answered_topics = {self.questions[i].topic for i in range(len(self.grades))}
            for topic in dict.fromkeys(q.topic for q in self.questions):
                if topic not in answered_topics:
                    continue
                total = sum(q.topic == topic for q in self.questions)
                correct = sum(
                    g.correct for q, g in zip(self.questions, self.grades) if q.topic == topic
                )
                progress.record_quiz(topic, correct, total)
        self.recorded = True
        return score

    def __repr__(self) -> str:
        return (
            f"QuizSession(topic={self.topic!r}, question {min(self.index + 1, len(self.questions))}"
            f" of {len(self.questions)}, score {self.score.correct}/{self.score.answered})"
        )
