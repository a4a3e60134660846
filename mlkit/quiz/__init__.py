"""Quizzes: a validated question bank, all-or-nothing grading and quiz sessions.

The questions live as YAML package data (``mlkit/quiz/data/<topic>.yaml``):
every question of the study notes, rewritten and corrected, plus the kit's
own. Each option carries *why* it is right or wrong. Front ends: the
terminal (:mod:`mlkit.quiz.terminal`, ``mlkit quiz [TOPIC]``) and the
``widgets.Quiz`` widget; both drive a :class:`QuizSession`.

    >>> from mlkit.quiz import load_bank, QuizSession
    >>> bank = load_bank()
    >>> q = bank.get("variants-weights-two-to-one")
    >>> q.grade("B").correct
    True
    >>> s = QuizSession("variants", bank=bank, limit=1)
    >>> s.answer("B").question_id == s.questions[0].id
    True
"""

from mlkit.quiz.bank import (
    QUESTION_TYPES,
    Grade,
    Option,
    Question,
    QuestionBank,
    QuizBankError,
    load_bank,
)
from mlkit.quiz.session import QuizSession, Score

__all__ = [
    "load_bank",
    "QuestionBank",
    "Question",
    "Option",
    "Grade",
    "Score",
    "QuizSession",
    "QuizBankError",
    "QUESTION_TYPES",
]
