"""The practice exam: drawn by domain weight, timed, graded only at the end, in every front end."""

import io
from collections import Counter

import pytest

from mlkit.progress import Progress
from mlkit.quiz import load_bank
from mlkit.quiz.exam import PracticeExam, _quotas, topic_domain
from mlkit.quiz.terminal import format_answer, run_exam


class Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t


def test_questions_follow_the_domain_weights():
    exam = PracticeExam(20, seed=0, progress=None)
    counts = Counter(topic_domain(q.topic) for q in exam.questions)
    # 20 x (28, 26, 22, 24) % = 5.6, 5.2, 4.4, 4.8: floors 5, 5, 4, 4, the two largest remainders get one more
    assert counts == {"1": 6, "2": 5, "3": 4, "4": 5}
    assert len({q.id for q in exam.questions}) == 20


def test_a_short_domain_gives_all_it_has_and_the_rest_is_shared_by_weight():
    # domain 4 has only 3 questions: the 9 others go to 1-3 in proportion 28:26:22
    assert _quotas(20, {"1": 28, "2": 26, "3": 22, "4": 24}, {"1": 50, "2": 50, "3": 50, "4": 3}) == \
        {"1": 6, "2": 6, "3": 5, "4": 3}
    assert sum(_quotas(65, {"1": 28, "2": 26, "3": 22, "4": 24}, {"1": 5, "2": 5, "3": 5, "4": 5}).values()) == 20


def test_same_seed_same_exam():
    a, b = PracticeExam(15, seed=3, progress=None), PracticeExam(15, seed=3, progress=None)
    assert [q.id for q in a.questions] == [q.id for q in b.questions]


def test_answers_are_kept_silently_and_graded_only_at_the_end(tmp_path):
    progress = Progress(tmp_path / "p.json")
    exam = PracticeExam(12, seed=1, progress=progress)
    single = next(q for q in exam.questions if q.type == "single")
    other = next(q for q in exam.questions if q is not single)
    assert exam.answer(single.id, single.answer) is None  # no verdict before the end
    exam.answer(other.id, other.answer)
    wrong = next(k for k in single.keys if k not in single.answer)
    exam.answer(single.id, [wrong])  # answers can change until the end; the last one counts
    result = exam.finish()
    assert (result.total, result.answered, result.correct) == (12, 2, 1)
    assert len(result.missed) == 11 and all(m.notebook.endswith(".ipynb") for m in result.missed)
    assert tuple(progress.quiz_scores()["exam"]["best"]) == (1, 12)  # the study map shows it


def test_time_limit_stops_answers_and_unanswered_count_as_wrong():
    clock = Clock()
    exam = PracticeExam(4, seed=0, time_limit_s=60, clock=clock, progress=None)
    q = exam.questions[0]
    exam.answer(q.id, q.answer)
    clock.t = 61.0
    with pytest.raises(TimeoutError, match="time limit of 1 minutes is over"):
        exam.answer(exam.questions[1].id, exam.questions[1].answer)
    result = exam.finish()
    assert result.timed_out and result.correct == 1 and result.total == 4


def test_default_time_is_two_minutes_a_question():
    assert PracticeExam(10, seed=0, progress=None, clock=Clock()).time_left == 1200.0  # 130 min / 65 questions


@pytest.mark.parametrize("kwargs, message", [
    ({"n_questions": 0}, "n_questions must be an integer >= 1"),
    ({"n_questions": 10, "time_limit_s": 0}, "time_limit_s must be"),
])
def test_bad_settings_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        PracticeExam(progress=None, **kwargs)


def test_wrong_shape_and_unknown_question_are_refused():
    exam = PracticeExam(4, seed=0, progress=None)
    with pytest.raises(KeyError, match="not in this exam"):
        exam.answer("no-such-question", ["A"])
    with pytest.raises(ValueError):
        exam.answer(exam.questions[0].id, ["Z"])


def test_terminal_exam_says_nothing_until_the_end_then_scores_by_domain(tmp_path):
    exam_qs = PracticeExam(5, seed=2, progress=None).questions

    lines = [format_answer(q, q.answer) for q in exam_qs]
    lines[1] = "s"  # skip one
    out = io.StringIO()
    result = run_exam(5, seed=2, stdin=io.StringIO("\n".join(lines) + "\n"), stdout=out,
                      progress=Progress(tmp_path / "p.json"))
    text = out.getvalue()
    assert "Right" not in text and "Wrong" not in text  # no feedback on the way
    assert result.correct == 4 and result.answered == 4
    assert "Score: 4/5 (80 %)" in text and f"Missed {exam_qs[1].id}" in text
    assert "Domain 1 (28 %)" in text


def test_widget_keeps_answers_across_navigation_and_grades_at_the_end():
    from widgets.exam import PracticeExamWidget

    w = PracticeExamWidget(5, seed=4, progress=None)
    for _ in range(5):
        w.select(w.question.answer)
        w.next()
    w.go(0)  # answers stay when coming back
    assert w.controls["choice"].value is not None
    result = w.finish()
    assert result.correct == 5 and "Score: 5/5" in w.results.value


def test_widget_does_not_keep_an_incomplete_ordering_and_says_why():
    from widgets.exam import PracticeExamWidget

    bank = load_bank()
    w = PracticeExamWidget(40, seed=0, progress=None, bank=bank)
    index = next(i for i, q in enumerate(w.exam.questions) if q.type == "ordering")
    w.go(index)
    w.select(w.question.answer[0])  # one step placed, the rest empty
    w.next()
    assert w.question.id not in w.exam.answers or w.exam.questions[index].id not in w.exam.answers
    assert "answer not kept" in w.status.value and w.error is None
