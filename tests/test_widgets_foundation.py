"""The foundation widgets: Quiz, StudyMap, DatasetExplorer, driven without a browser."""

import math

import pytest

from mlkit.progress import Progress
from mlkit.quiz import Option, Question, QuestionBank
from mlkit.topics import TOPICS
from widgets import DatasetExplorer, Quiz, StudyMap
from widgets.base import CheckboxGroup


# -- a small fixed bank, so the tests do not depend on the packaged questions ----
def _option(key, correct):
    return Option(key=key, text=f"option {key} text", correct=correct, why=f"why {key} is so")


SINGLE = Question(
    id="t-single", topic="variants", type="single", choose=1,
    scenario="Which weight sends 2/3 of traffic to A?",
    options=(_option("A", False), _option("B", True), _option("C", False)),
    notes_section="Variants", source="kit",
)
MULTIPLE = Question(
    id="t-multiple", topic="variants", type="multiple", choose=2,
    scenario="Which two are deployment guardrails?",
    options=(_option("A", True), _option("B", False), _option("C", True), _option("D", False)),
    notes_section="Guardrails", source="kit",
)
THIRD = Question(
    id="t-third", topic="variants", type="single", choose=1, scenario="A third question?",
    options=(_option("A", True), _option("B", False)), notes_section="Variants", source="kit",
)
BANK = QuestionBank([SINGLE, MULTIPLE, THIRD])


@pytest.fixture
def progress(tmp_path):
    return Progress(tmp_path / "progress.json")


@pytest.fixture
def quiz(progress):
    return Quiz("variants", bank=BANK, progress=progress)


# -- Quiz -------------------------------------------------------------------------
def test_quiz_right_answer_scores_one(quiz):
    quiz.select("B")
    grade = quiz.check()
    assert grade.correct and quiz.last_grade is grade
    assert (quiz.score.correct, quiz.score.answered, quiz.score.total) == (1, 1, 3)


def test_quiz_wrong_answer_scores_zero_and_shows_the_answer(quiz):
    quiz.select("a")  # lower case is accepted
    assert not quiz.check().correct
    assert (quiz.score.correct, quiz.score.answered) == (0, 1)
    assert "The answer is B" in quiz.feedback.value


def test_quiz_setting_the_choice_control_directly_is_graded(quiz):
    quiz.controls["choice"].value = "B"
    assert quiz.check().correct


def test_quiz_check_explains_every_option(quiz):
    quiz.select("C")
    quiz.check()
    for key in "ABC":
        assert f"why {key} is so" in quiz.feedback.value
    assert quiz.feedback.value.count("your choice") == 1


def test_quiz_multiple_question_uses_checkboxes_and_says_choose_n(quiz):
    quiz.select("B")
    quiz.check()
    quiz.next()
    assert quiz.question is MULTIPLE
    assert isinstance(quiz.controls["choice"], CheckboxGroup)
    assert "mlkit-control-choice" in quiz.controls["choice"]._dom_classes  # for the browser tests
    assert "Choose 2" in quiz.scenario.value


def _at_multiple(progress):
    q = Quiz("variants", bank=BANK, progress=progress)
    q.select("B")
    q.check()
    q.next()
    return q


def test_quiz_multiple_partly_right_is_wrong(progress):
    q = _at_multiple(progress)
    q.select("A")  # one of the two right options: all or nothing, so wrong
    assert not q.check().correct
    assert q.score.correct == 1


def test_quiz_multiple_with_a_wrong_extra_is_wrong(progress):
    q = _at_multiple(progress)
    q.select("A", "C", "D")
    assert not q.check().correct


def test_quiz_multiple_exactly_right_is_right(progress):
    q = _at_multiple(progress)
    q.select(["C", "A"])
    assert q.check().correct
    assert q.score.correct == 2


def test_quiz_empty_choice_shows_banner_and_grades_nothing(quiz):
    assert quiz.check() is None
    assert "at least one option of A, B, C" in quiz.error
    assert quiz.banner.layout.display != "none"
    assert quiz.score.answered == 0
    quiz.select("B")
    assert quiz.check().correct
    assert quiz.error is None


def test_quiz_unknown_key_raises_naming_the_keys(quiz):
    with pytest.raises(ValueError, match="option key must be one of A, B, C; got 'E'"):
        quiz.select("E")


def test_quiz_two_keys_for_single_question_raises(quiz):
    with pytest.raises(ValueError, match="takes one answer; got 2"):
        quiz.select("A", "B")


def test_quiz_next_before_check_raises(quiz):
    with pytest.raises(RuntimeError, match="check"):
        quiz.next()


def test_quiz_check_twice_raises(quiz):
    quiz.select("B")
    quiz.check()
    with pytest.raises(RuntimeError, match="already checked"):
        quiz.check()


def test_quiz_buttons_drive_it(quiz):
    quiz.select("B")
    quiz.check_button.click()
    assert quiz.last_grade.correct
    assert quiz.check_button.disabled and not quiz.next_button.disabled
    quiz.next_button.click()
    assert quiz.question is MULTIPLE


def test_quiz_finishing_records_the_score_to_progress(quiz, progress):
    for answer in (["B"], ["A"], ["A"]):  # right, wrong (partly right), right
        quiz.select(*answer)
        quiz.check()
        if not quiz.finished:
            quiz.next()
    assert quiz.finished
    assert progress.quiz_scores()["variants"]["last"] == (2, 3)
    assert "Quiz finished: 2/3 correct" in quiz.status.value


def test_quiz_finish_early_counts_unanswered_as_wrong_and_records_once(quiz, progress):
    quiz.select("B")
    quiz.check()
    score = quiz.finish()
    quiz.finish()  # a second finish records nothing more
    assert (score.correct, score.total) == (1, 3)
    assert progress.quiz_scores()["variants"] == {"best": (1, 3), "last": (1, 3), "attempts": 1}
    with pytest.raises(RuntimeError, match="finished"):
        quiz.select("A")


def test_quiz_unknown_topic_raises():
    with pytest.raises(ValueError, match="topic must be one of"):
        Quiz("no_such_topic", bank=BANK)


def test_quiz_shuffle_same_seed_same_order(progress):
    a = Quiz("variants", bank=BANK, shuffle=True, seed=7, progress=progress)
    b = Quiz("variants", bank=BANK, shuffle=True, seed=7, progress=progress)
    assert [q.id for q in a.session.questions] == [q.id for q in b.session.questions]


# -- StudyMap ---------------------------------------------------------------------
def test_study_map_has_one_row_per_topic(progress):
    m = StudyMap(progress)
    assert len(m.result) == len(TOPICS)
    assert m.table.value.count("<tr>") == len(TOPICS) + 1  # + the header row


def test_study_map_refresh_shows_new_progress(progress):
    m = StudyMap(progress)
    progress.mark_notebook("05_inference_modes", "completed")
    progress.record_quiz("inference", 3, 4)
    frame = m.refresh()
    row = frame.set_index("topic").loc["inference"]
    assert (row.state, row.quiz_best) == ("completed", "3/4")
    assert "3/4" in m.table.value and "completed" in m.table.value


def test_study_map_links_available_notebooks_and_marks_others_coming(progress, monkeypatch):
    import mlkit.course

    monkeypatch.setattr(mlkit.course, "available_notebooks", lambda: ["00_start_here.ipynb"])
    html = StudyMap(progress).table.value
    assert "<a href='00_start_here.ipynb'" in html
    assert html.count("coming") == len(TOPICS) - 1


# -- DatasetExplorer --------------------------------------------------------------
@pytest.fixture(scope="module")
def biased():
    """Shared by tests that only read it: claims with 20% suspicious, bias 0.1."""
    return DatasetExplorer("claims", seed=0, n_rows=4000, suspicious_rate=0.2, bias=0.1)


def test_explorer_changing_seed_changes_the_frame():
    x = DatasetExplorer("claims", seed=0, n_rows=200)
    first = x.result.frame
    x.controls["seed"].value = 1
    assert not x.result.frame.equals(first)
    x.controls["seed"].value = 0
    assert x.result.frame.equals(first)  # same seed, same rows


def test_explorer_size_control_sets_rows():
    x = DatasetExplorer("claims", n_rows=200)
    x.controls["n_rows"].value = 123
    assert len(x.result.frame) == 123


def test_explorer_bad_n_rows_shows_banner_and_keeps_last_result():
    x = DatasetExplorer("claims", n_rows=200)
    good = x.result
    x.controls["n_rows"].value = 5
    assert x.error == "n_rows must be an integer >= 10 and <= 5000000, got 5"
    assert x.banner.layout.display != "none"
    assert x.result is good


def test_explorer_impossible_bias_shows_the_engines_range():
    x = DatasetExplorer("claims", n_rows=200)
    x.set(suspicious_rate=0.1, bias=0.4)
    assert x.error.startswith("bias must be between -0.25 and 0.1667")


def test_explorer_measured_rates_near_injected(biased):
    rates = biased.result.comparison
    rates = rates[rates.quantity.str.startswith("share")]
    assert len(rates) == 5  # overall + one per customer_age_group value
    for row in rates.itertuples():
        # binomial bound: a share of n rows drawn with probability p has standard
        # error sqrt(p(1-p)/n); 4 of them are exceeded with probability < 1e-4
        bound = 4 * math.sqrt(row.injected * (1 - row.injected) / row.n)
        assert abs(row.measured - row.injected) <= bound, row.quantity


def test_explorer_measured_bias_near_injected(biased):
    frame = biased.result.comparison.set_index("quantity")
    row = frame.loc[[q for q in frame.index if q.startswith("bias")][0]]
    # difference of two binomial shares (25-45: p=0.14, n~1600; others: p=0.24, n~2400):
    # standard error sqrt(.14*.86/1600 + .24*.76/2400) = 0.0123; 4 of them
    assert row.measured == pytest.approx(0.1, abs=4 * 0.0123)


def test_explorer_balance_has_one_row_per_facet_value(biased):
    balance = biased.result.balance
    assert list(balance.index) == ["18-24", "25-45", "46-65", "65+"]
    assert balance["n"].sum() == 4000
    # each row's shares of the target values add up to one
    assert (balance.drop(columns="n").sum(axis=1) - 1).abs().max() < 1e-12


def test_explorer_shows_claims_controls_only_for_claims():
    x = DatasetExplorer("claims", n_rows=200)
    x.controls["name"].value = "admissions"
    hidden = {k for k, c in x.controls.items() if c.layout.display == "none"}
    assert hidden == {"suspicious_rate", "bias"}
    x.controls["name"].value = "traffic"  # sized in days, not rows
    assert x.controls["n_rows"].layout.display == "none"
    assert x.error is None


def test_explorer_dataset_without_injected_rate_has_empty_comparison():
    x = DatasetExplorer("admissions", n_rows=200)
    assert x.result.comparison.empty
    assert list(x.result.comparison.columns) == ["quantity", "injected", "measured", "n"]


def test_explorer_redraws_its_chart_in_place_with_one_bar_per_facet_value_and_class():
    x = DatasetExplorer("claims", n_rows=2000)
    chart = x.chart
    shares = x.result.balance.drop(columns="n")
    # stacked bars: one rectangle per (facet value, class), one marker per injected rate
    assert x.chart.value.count("<rect class='bar'") == shares.size
    assert x.chart.value.count("<line class='marker'") == len(x.result.injected_by_facet)
    x.controls["name"].value = "traffic"  # a numeric target: a 40-bin histogram
    assert x.chart is chart
    assert x.chart.value.count("<rect class='bar'") == 40


def test_explorer_unknown_name_raises():
    with pytest.raises(ValueError, match="name must be one of"):
        DatasetExplorer("nope")
