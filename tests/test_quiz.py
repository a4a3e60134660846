"""The quiz engine, the packaged question bank and the terminal front end."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import mlkit.quiz
from mlkit.progress import Progress
from mlkit.quiz import (
    QUESTION_TYPES,
    Grade,
    QuestionBank,
    QuizBankError,
    QuizSession,
    Score,
    load_bank,
)
from mlkit.quiz.bank import ChoiceType
from mlkit.quiz.terminal import WIDTH, parse_answer, run
from mlkit.topics import topic_ids

DATA = Path(mlkit.quiz.__file__).parent / "data"

# The 8 questions of the study notes and the topic each belongs to.
NOTES_QUESTIONS = {
    "visuals-four-dimensions-scatter": "visuals",
    "scaling-lora-adapter-components": "scaling",
    "variants-weights-two-to-one": "variants",
    "mlops-canvas-external-model": "mlops",
    "edge-object-detection-iot": "edge",
    "monitor-production-retraining": "monitor",
    "clarify-bias-and-explanations": "clarify",
    "tuning-xgboost-overfitting-max-depth": "tuning",
}
# Topics that must end with at least 3 of the kit's own questions.
KIT_MINIMUM_TOPICS = [
    "data_preparation", "visuals", "input_modes", "tuning", "inference",
    "variants", "scaling", "clarify", "monitor", "rl",
]


def _flat(text: str) -> str:
    return " ".join(text.split())


def _correct_texts(question) -> list:
    return [o.text for o in question.options if o.correct]


# -- a small bank written to tmp_path, for grading, sessions and the terminal --
SMALL_BANK = """
- id: t-single
  topic: variants
  type: single
  choose: 1
  scenario: Weights 2 and 1; what share goes to the first variant?
  options:
    - {key: A, text: one half, correct: false, why: weights are not split evenly}
    - {key: B, text: two thirds, correct: true, why: 2 / (2 + 1)}
    - {key: C, text: two percent, correct: false, why: weights are not percentages}
    - {key: D, text: all of it, correct: false, why: both variants get traffic}
  notes_section: test
  source: kit
- id: t-multiple
  topic: variants
  type: multiple
  choose: 2
  scenario: Pick the two right ones.
  options:
    - {key: A, text: right one, correct: true, why: A is right}
    - {key: B, text: wrong one, correct: false, why: B is wrong}
    - {key: C, text: right two, correct: true, why: C is right}
    - {key: D, text: wrong two, correct: false, why: D is wrong}
  notes_section: test
  source: kit
- id: t-monitor
  topic: monitor
  type: single
  choose: 1
  scenario: A monitor question.
  options:
    - {key: A, text: monitor it, correct: true, why: A is right here}
    - {key: B, text: ignore it, correct: false, why: B is wrong here}
  notes_section: test
  source: kit
"""


@pytest.fixture
def small_bank(tmp_path) -> QuestionBank:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL_BANK)
    return load_bank(path)


@pytest.fixture
def progress(tmp_path) -> Progress:
    return Progress(tmp_path / "progress.json")


# == the packaged bank ==========================================================
def test_packaged_bank_loads_and_is_cached():
    bank = load_bank()
    assert len(bank) > 0
    assert load_bank() is bank


def test_packaged_bank_topics_follow_study_order():
    bank = load_bank()
    order = topic_ids()
    assert bank.topics() == [t for t in order if t in set(bank.topics())]
    # a case study's questions stay together at the place of the case's topic
    place = [order.index(q.case.topic if q.case else q.topic) for q in bank.questions()]
    assert place == sorted(place)


@pytest.mark.parametrize("topic", KIT_MINIMUM_TOPICS)
def test_packaged_bank_has_at_least_three_kit_questions(topic):
    kit = [q for q in load_bank().questions(topic) if q.source == "kit"]
    assert len(kit) >= 3, f"{topic} has {len(kit)} kit questions"


def test_packaged_bank_holds_the_eight_notes_questions_with_their_topics():
    notes = {q.id: q.topic for q in load_bank() if q.source == "notes"}
    assert NOTES_QUESTIONS.items() <= notes.items()  # the eight are there (topic pages may add more)


def test_each_packaged_file_holds_only_its_topic():
    files = sorted(DATA.glob("*.yaml"))
    assert files
    for f in files:
        bank = load_bank(f)
        if f.stem == "cases":  # case studies span topics; every entry there is one
            assert all(q.case is not None for q in bank)
            continue
        topics = {q.topic for q in bank}
        assert topics == {f.stem}, f.name


def test_packaged_bank_correct_answers_are_spread_over_positions():
    # A learner must not be able to score by always answering A: no key holds
    # more than half of the single-choice answers.
    singles = [q for q in load_bank() if q.type == "single"]
    for key in "ABCD":
        share = sum(key in q.answer for q in singles) / len(singles)
        assert share <= 0.5, (key, share)


@pytest.mark.parametrize(
    "qid, words",
    [
        ("visuals-four-dimensions-scatter", ["scatter", "colour", "size"]),
        ("scaling-lora-adapter-components", ["adapter inference component", "LoRA", "base"]),
        ("variants-weights-two-to-one", ["ProductionVariant", "InitialVariantWeight", "two thirds"]),
        ("mlops-canvas-external-model", ["Model Registry", "S3"]),
        ("edge-object-detection-iot", ["SSD", "Neo", "Greengrass"]),
        ("monitor-production-retraining", ["data capture", "Model Monitor"]),
        ("clarify-bias-and-explanations", ["Clarify"]),
        ("tuning-xgboost-overfitting-max-depth", ["max_depth"]),
    ],
)
def test_notes_question_correct_option_states_the_fact(qid, words):
    (text,) = _correct_texts(load_bank().get(qid))
    for word in words:
        assert word.lower() in text.lower(), (qid, word)


def test_q_learning_question_marks_the_notes_rule_wrong():
    q = load_bank().get("rl-q-learning-update")
    (right,) = _correct_texts(q)
    assert "alpha * (r + gamma * max_a' Q(s',a') - Q(s,a))" in right
    notes_rule = [o for o in q.options if "gamma * (r + max" in o.text]
    assert len(notes_rule) == 1 and not notes_rule[0].correct


def test_q_update_numbers_match_the_formula():
    q = load_bank().get("rl-q-update-numbers")
    alpha, gamma, old, r, best_next = 0.5, 0.9, 2.0, 1.0, 4.0
    expected = old + alpha * (r + gamma * best_next - old)  # the Q-learning update
    (right,) = _correct_texts(q)
    assert float(right) == pytest.approx(expected, abs=1e-9)  # exact arithmetic, 3.3


@pytest.mark.parametrize(
    "qid, expected",
    [
        ("clarify-class-imbalance-value", (800 - 200) / (800 + 200)),  # CI = (na - nd) / (na + nd)
        ("clarify-dpl-value", 0.6 - 0.3),  # DPL = qa - qd
    ],
)
def test_clarify_metric_questions_match_the_formula(qid, expected):
    (right,) = _correct_texts(load_bank().get(qid))
    assert float(right) == pytest.approx(expected, abs=1e-9)  # exact arithmetic


def test_variant_share_question_matches_weight_over_sum():
    (right,) = _correct_texts(load_bank().get("variants-weight-share-three"))
    share = 3 / (3 + 1 + 1)  # weight / sum of weights
    assert f"{share:.0%}".replace("%", " %") in right


def test_serverless_limits_question_states_documented_limits():
    q = load_bank().get("inference-serverless-limits")
    right = " ".join(_correct_texts(q))
    assert "6144 MB" in right and "200" in right  # serverless: 6 GB memory, 200 concurrency
    wrong = " ".join(o.text for o in q.options if not o.correct)
    assert "one hour" in wrong  # one hour is async's limit, not serverless's


# == bank lookups ===============================================================
def test_questions_of_unknown_topic_names_it_and_lists_valid_topics():
    with pytest.raises(ValueError, match="'nope'") as info:
        load_bank().questions("nope")
    assert "variants" in str(info.value) and "data_preparation" in str(info.value)


def test_questions_of_known_topic_without_questions_is_empty():
    assert load_bank().questions("ledger") == []


def test_get_unknown_id_raises_key_error_naming_it():
    with pytest.raises(KeyError, match="no-such-question"):
        load_bank().get("no-such-question")


def test_bank_counts_and_len_agree(small_bank):
    assert small_bank.counts() == {"variants": 2, "monitor": 1}
    assert len(small_bank) == 3 and "t-single" in small_bank


def test_custom_bank_is_not_cached(tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text(SMALL_BANK)
    assert load_bank(path) is not load_bank(path)


def test_load_bank_from_folder_reads_every_yaml_file(tmp_path):
    (tmp_path / "a.yaml").write_text(SMALL_BANK)
    (tmp_path / "b.yaml").write_text(SMALL_BANK.replace("id: t-", "id: u-"))
    (tmp_path / "notes.txt").write_text("not a question file")
    assert len(load_bank(tmp_path)) == 6


def test_load_bank_missing_path_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.yaml"):
        load_bank(tmp_path / "missing.yaml")


def test_load_bank_folder_without_yaml_raises(tmp_path):
    with pytest.raises(QuizBankError, match="no .yaml"):
        load_bank(tmp_path)


def test_question_bank_rejects_duplicate_ids(small_bank):
    q = small_bank.get("t-single")
    with pytest.raises(ValueError, match="t-single"):
        QuestionBank([q, q])


def test_new_question_type_is_one_registry_entry(tmp_path, monkeypatch):
    monkeypatch.setitem(QUESTION_TYPES, "truefalse", ChoiceType("truefalse", multiple=False))
    path = tmp_path / "tf.yaml"
    path.write_text(SMALL_BANK.replace("type: single", "type: truefalse", 1))
    q = load_bank(path).get("t-single")
    assert q.type == "truefalse" and q.grade("B").correct


# == validation of malformed entries ============================================
GOOD = {
    "id": "clarify-dpl-sign",
    "topic": "clarify",
    "type": "single",
    "choose": 1,
    "scenario": "What is DPL?",
    "options": [
        {"key": "A", "text": "qa - qd", "correct": True, "why": "the definition"},
        {"key": "B", "text": "qa / qd", "correct": False, "why": "a ratio"},
        {"key": "C", "text": "qa + qd", "correct": False, "why": "a sum"},
    ],
    "notes_section": "SageMaker Clarify",
    "source": "kit",
}


def _bad(**changes):
    entry = json.loads(json.dumps(GOOD))
    for path, value in changes.items():
        target, *keys = path.split("__")
        obj = entry
        if keys:
            obj = entry[target][int(keys[0])]
            target = keys[1]
        if value is _DELETE:
            del obj[target]
        else:
            obj[target] = value
    return entry


_DELETE = object()


@pytest.mark.parametrize(
    "entry, field, problem",
    [
        (_bad(options__2__why=_DELETE), "options[2].why", "is missing"),
        (_bad(options__1__why="  "), "options[1].why", "non-empty string"),
        (_bad(options__0__text=_DELETE), "options[0].text", "is missing"),
        (_bad(options__0__correct="yes"), "options[0].correct", "true or false"),
        (_bad(options__1__text=False), "options[1].text", "YAML reads them as booleans"),
        (_bad(options__0__correct=_DELETE), "options[0].correct", "is missing"),
        (_bad(options__1__key="C"), "options[1].key", "'B'"),
        (_bad(options__1__key=_DELETE), "options[1].key", "is missing"),
        (_bad(options__1__hint="x"), "options[1].hint", "not a known field"),
        (_bad(options=[GOOD["options"][0]]), "options", "2 to 6 options, got 1"),
        (_bad(options=[dict(GOOD["options"][1], key=k) for k in "ABCDEFG"]), "options", "got 7"),
        (_bad(options="A, B"), "options", "must be a list"),
        (_bad(options__1__correct=True), "options", "exactly 1 correct"),
        (_bad(options__0__correct=False), "options", "exactly 1 correct"),
        (_bad(choose=2), "choose", "must be 1"),
        (_bad(choose="1"), "choose", "integer"),
        (_bad(type="multiple", choose=2), "choose", "number of correct options (1)"),
        (_bad(type="multiple", choose=1, options__1__correct=True), "choose", ">= 2"),
        (_bad(type="multiple", choose=3, options__1__correct=True, options__2__correct=True),
         "options", "at least one wrong option"),
        (_bad(type="essay"), "type", "single, multiple, ordering, matching"),
        (_bad(type="ordering"), "options", "not a known field of a ordering question"),
        (_bad(topic="sagemaker"), "topic", "'sagemaker'"),
        (_bad(source="book"), "source", "notes, kit"),
        (_bad(scenario=_DELETE), "scenario", "is missing"),
        (_bad(scenario=""), "scenario", "non-empty string"),
        (_bad(notes_section=_DELETE), "notes_section", "is missing"),
        (_bad(demo=42), "demo", "non-empty string"),
        (_bad(notes_sction="typo"), "notes_sction", "not a known field"),
        (_bad(id="Clarify_DPL"), "id", "[a-z0-9-]+"),
    ],
)
def test_malformed_entry_names_file_question_and_field(tmp_path, entry, field, problem):
    import yaml

    (tmp_path / "clarify.yaml").write_text(yaml.safe_dump([entry], sort_keys=False))
    with pytest.raises(QuizBankError) as info:
        load_bank(tmp_path)
    message = str(info.value)
    assert message.startswith("clarify.yaml: question ")
    assert f"field {field!r}" in message
    assert problem in message
    if field != "id":
        assert "'clarify-dpl-sign'" in message


def test_missing_why_message_matches_the_documented_form(tmp_path):
    import yaml

    (tmp_path / "clarify.yaml").write_text(yaml.safe_dump([_bad(options__2__why=_DELETE)]))
    with pytest.raises(QuizBankError) as info:
        load_bank(tmp_path)
    assert str(info.value) == "clarify.yaml: question 'clarify-dpl-sign': field 'options[2].why' is missing"


def test_entry_without_id_is_named_by_its_index(tmp_path):
    import yaml

    (tmp_path / "clarify.yaml").write_text(yaml.safe_dump([GOOD, _bad(id=_DELETE)]))
    with pytest.raises(QuizBankError, match=r"clarify.yaml: question at index 1: field 'id' is missing"):
        load_bank(tmp_path)


def test_duplicate_id_across_files_names_both_files(tmp_path):
    import yaml

    (tmp_path / "a.yaml").write_text(yaml.safe_dump([GOOD]))
    (tmp_path / "b.yaml").write_text(yaml.safe_dump([GOOD]))
    with pytest.raises(QuizBankError, match=r"b.yaml: question 'clarify-dpl-sign': field 'id' is not unique \(also in a.yaml\)"):
        load_bank(tmp_path)


def test_invalid_yaml_names_the_file(tmp_path):
    (tmp_path / "broken.yaml").write_text("- id: [unclosed\n")
    with pytest.raises(QuizBankError, match="broken.yaml: not valid YAML"):
        load_bank(tmp_path)


def test_file_that_is_not_a_list_is_rejected(tmp_path):
    (tmp_path / "map.yaml").write_text("id: x\n")
    with pytest.raises(QuizBankError, match="map.yaml: the file must hold a list"):
        load_bank(tmp_path)


def test_entry_that_is_not_a_mapping_is_named_by_index(tmp_path):
    (tmp_path / "odd.yaml").write_text("- just a string\n")
    with pytest.raises(QuizBankError, match="odd.yaml: question at index 0"):
        load_bank(tmp_path)


def test_malformed_bank_error_is_a_value_error():
    assert issubclass(QuizBankError, ValueError)


# == grading ====================================================================
def test_single_right_answer_is_correct(small_bank):
    g = small_bank.get("t-single").grade("B")
    assert isinstance(g, Grade)
    assert g.correct and g.chosen == frozenset("B") and g.answer == frozenset("B")


def test_single_wrong_answer_is_wrong_and_shows_the_answer(small_bank):
    g = small_bank.get("t-single").grade(["A"])
    assert not g.correct and g.answer == frozenset("B")


def test_grade_accepts_lower_case_and_spaces(small_bank):
    assert small_bank.get("t-single").grade(" b ").correct


def test_grade_explains_every_option(small_bank):
    q = small_bank.get("t-single")
    g = q.grade("A")
    assert g.explanations == {o.key: o.why for o in q.options}
    assert g.question_id == "t-single"


def test_multiple_exact_answer_is_correct(small_bank):
    assert small_bank.get("t-multiple").grade(["C", "A"]).correct


def test_multiple_partly_right_answer_is_wrong(small_bank):
    assert not small_bank.get("t-multiple").grade(["A"]).correct


def test_multiple_answer_with_an_extra_option_is_wrong(small_bank):
    assert not small_bank.get("t-multiple").grade(["A", "B", "C"]).correct


def test_multiple_wrong_count_of_right_options_plus_wrong_is_wrong(small_bank):
    assert not small_bank.get("t-multiple").grade(["A", "B"]).correct


def test_grade_unknown_key_names_key_and_allowed_keys(small_bank):
    with pytest.raises(ValueError, match=r"'Z' is not one of A, B, C, D"):
        small_bank.get("t-single").grade(["Z"])


def test_grade_empty_choice_raises(small_bank):
    with pytest.raises(ValueError, match="at least one option of A, B, C, D"):
        small_bank.get("t-multiple").grade([])


def test_grade_non_iterable_raises_type_error(small_bank):
    with pytest.raises(TypeError, match="chosen must be"):
        small_bank.get("t-single").grade(5)


# == sessions ===================================================================
def test_session_scores_answers_and_advances(small_bank):
    s = QuizSession("variants", bank=small_bank)
    assert s.current.id == "t-single" and s.index == 0
    s.answer("B")
    s.answer(["A"])
    assert s.score == Score(correct=1, answered=2, total=2)
    assert s.finished and s.current is None
    assert [g.correct for g in s.grades] == [True, False]


def test_session_invalid_answer_does_not_advance(small_bank):
    s = QuizSession("variants", bank=small_bank)
    with pytest.raises(ValueError):
        s.answer("Z")
    assert s.index == 0 and s.grades == []


def test_session_answer_after_finish_raises(small_bank):
    s = QuizSession("monitor", bank=small_bank)
    s.answer("A")
    with pytest.raises(RuntimeError, match="finished"):
        s.answer("A")


def test_finish_records_score_in_progress(small_bank, progress):
    s = QuizSession("variants", bank=small_bank, progress=progress)
    s.answer("B")
    s.answer(["A", "C"])
    assert s.finish() == Score(2, 2, 2)
    assert progress.quiz_scores()["variants"]["last"] == (2, 2)
    assert s.recorded


def test_finish_early_counts_unanswered_questions_in_total(small_bank, progress):
    s = QuizSession("variants", bank=small_bank, progress=progress)
    s.answer("B")
    assert s.finish() == Score(1, 1, 2)
    assert progress.quiz_scores()["variants"]["last"] == (1, 2)
    assert s.finished


def test_finish_records_nothing_when_nothing_answered(small_bank, progress):
    QuizSession("variants", bank=small_bank, progress=progress).finish()
    assert progress.quiz_scores() == {}


def test_finish_twice_records_once(small_bank, progress):
    s = QuizSession("monitor", bank=small_bank, progress=progress)
    s.answer("A")
    s.finish()
    s.finish()
    assert progress.quiz_scores()["monitor"]["attempts"] == 1


def test_all_topics_session_records_each_topic_answered(small_bank, progress):
    s = QuizSession(bank=small_bank, progress=progress)
    assert [q.topic for q in s.questions] == ["variants", "variants", "monitor"]
    s.answer("B")  # variants, right
    s.finish()
    scores = progress.quiz_scores()
    assert scores["variants"]["last"] == (1, 2)
    assert "monitor" not in scores


def test_topic_session_without_progress_uses_the_default_file(small_bank, tmp_path, monkeypatch):
    monkeypatch.setenv("MLKIT_HOME", str(tmp_path))
    s = QuizSession("monitor", bank=small_bank)
    s.answer("A")
    s.finish()
    assert Progress(tmp_path / "progress.json").quiz_scores()["monitor"]["last"] == (1, 1)


def test_all_topics_session_without_progress_records_nothing(small_bank, tmp_path, monkeypatch):
    monkeypatch.setenv("MLKIT_HOME", str(tmp_path))
    s = QuizSession(bank=small_bank)
    s.answer("B")
    s.finish()
    assert not s.recorded and not (tmp_path / "progress.json").exists()


def test_shuffle_is_reproducible_with_a_seed():
    a = QuizSession("tuning", shuffle=True, seed=7).questions
    b = QuizSession("tuning", shuffle=True, seed=7).questions
    assert [q.id for q in a] == [q.id for q in b]


def test_shuffle_changes_order_but_keeps_the_questions():
    plain = [q.id for q in QuizSession("tuning").questions]
    orders = {tuple(q.id for q in QuizSession("tuning", shuffle=True, seed=s).questions) for s in range(5)}
    assert all(sorted(o) == sorted(plain) for o in orders)
    assert len(orders) > 1  # 6 questions: 720 orders, 5 seeds give at least two


def test_limit_keeps_the_first_questions(small_bank):
    s = QuizSession("variants", bank=small_bank, limit=1)
    assert [q.id for q in s.questions] == ["t-single"]


@pytest.mark.parametrize("limit, error", [(0, ValueError), (-1, ValueError), ("2", TypeError), (1.5, TypeError)])
def test_limit_must_be_a_positive_integer(small_bank, limit, error):
    with pytest.raises(error, match="limit must be an integer >= 1"):
        QuizSession("variants", bank=small_bank, limit=limit)


def test_shuffle_must_be_a_bool(small_bank):
    with pytest.raises(TypeError, match="shuffle must be True or False"):
        QuizSession("variants", bank=small_bank, shuffle="yes")


def test_seed_must_be_non_negative(small_bank):
    with pytest.raises(ValueError, match="seed must be an integer >= 0"):
        QuizSession("variants", bank=small_bank, shuffle=True, seed=-3)


def test_session_unknown_topic_raises(small_bank):
    with pytest.raises(ValueError, match="'nope'"):
        QuizSession("nope", bank=small_bank)


def test_session_topic_without_questions_raises(small_bank):
    with pytest.raises(ValueError, match="'rl' has no questions yet; topics with questions: variants, monitor"):
        QuizSession("rl", bank=small_bank)


def test_session_stores_parameters_unchanged(small_bank):
    s = QuizSession("variants", bank=small_bank, shuffle=True, seed=3, limit=2)
    assert (s.topic, s.bank, s.shuffle, s.seed, s.limit, s.progress) == ("variants", small_bank, True, 3, 2, None)


# == terminal ===================================================================
def _run(small_bank, text, topic="variants", progress=None, **kw):
    out = io.StringIO()
    score = run(topic, stdin=io.StringIO(text), stdout=out, bank=small_bank, progress=progress, **kw)
    return score, out.getvalue()


def test_terminal_full_run_scores_and_explains_every_option(small_bank, progress):
    score, out = _run(small_bank, "B\na, c\n", progress=progress)
    assert score == Score(2, 2, 2)
    flat = _flat(out)
    for q in small_bank.questions("variants"):
        for o in q.options:
            assert _flat(o.why) in flat
    assert flat.count("Right.") == 2
    assert "Score: 2/2 correct" in out and "Recorded" in out
    assert progress.quiz_scores()["variants"]["last"] == (2, 2)


def test_terminal_wrong_answer_names_the_right_one(small_bank):
    _, out = _run(small_bank, "A\nq\n")
    assert "Wrong: you chose A; the answer is B." in out


def test_terminal_reprompts_on_unknown_letter_naming_allowed_keys(small_bank):
    score, out = _run(small_bank, "Z\nB\nq\n")
    assert "'Z' is not an option; answer with A, B, C, D" in out
    assert out.count("Your answer") == 3  # Z, B, then q on question 2
    assert score.answered == 1 and score.correct == 1


def test_terminal_reprompts_on_wrong_number_of_letters(small_bank):
    score, out = _run(small_bank, "B\nA\nA C\n")
    assert "needs exactly 2 different letters from A, B, C, D" in out
    assert score == Score(2, 2, 2)


def test_terminal_reprompts_on_empty_line(small_bank):
    score, out = _run(small_bank, "\nB\nq\n")
    assert "please answer with one letter from A, B, C, D" in out
    assert score.answered == 1


def test_terminal_q_quits_early_and_records_partial_score(small_bank, progress):
    score, out = _run(small_bank, "B\nQ\n", progress=progress)
    assert score == Score(1, 1, 2)
    assert "Stopping the quiz." in out
    assert progress.quiz_scores()["variants"]["last"] == (1, 2)


def test_terminal_quit_before_answering_records_nothing(small_bank, progress):
    score, out = _run(small_bank, "q\n", progress=progress)
    assert score == Score(0, 0, 2)
    assert "nothing recorded" in out and progress.quiz_scores() == {}


def test_terminal_end_of_input_ends_gracefully(small_bank, progress):
    score, out = _run(small_bank, "B\n", progress=progress)  # input ends on question 2
    assert score == Score(1, 1, 2)
    assert "Input ended" in out
    assert progress.quiz_scores()["variants"]["last"] == (1, 2)


def test_terminal_all_topics_without_progress_says_not_recorded(small_bank):
    score, out = _run(small_bank, "B\nq\n", topic=None)
    assert score.answered == 1 and "Not recorded" in out


def test_terminal_wraps_question_text_to_width(small_bank, tmp_path):
    long = "word " * 60
    path = tmp_path / "long.yaml"
    path.write_text(SMALL_BANK.replace("A monitor question.", long.strip()).replace(
        "why: A is right here", f"why: {long.strip()}"))
    _, out = _run(load_bank(path), "A\n", topic="monitor")
    body = [ln for ln in out.splitlines() if "Your answer" not in ln]
    assert max(len(ln) for ln in body) <= WIDTH
    assert out.count("word") == 120  # nothing lost in wrapping


def test_terminal_unknown_topic_raises_before_printing(small_bank):
    out = io.StringIO()
    with pytest.raises(ValueError, match="'nope'"):
        run("nope", stdin=io.StringIO(""), stdout=out, bank=small_bank)
    assert out.getvalue() == ""


def test_terminal_shuffle_with_seed_is_reproducible():
    outs = []
    for _ in range(2):
        out = io.StringIO()
        run("tuning", stdin=io.StringIO("q\n"), stdout=out, shuffle=True, seed=11)
        outs.append(out.getvalue())
    assert outs[0] == outs[1]


@pytest.mark.parametrize(
    "text, choose, expected",
    [("B", 1, "B"), (" b ", 1, "B"), ("a, c", 2, "AC"), ("A C", 2, "AC"), ("ac", 2, "AC"),
     ("c;a", 2, "AC"), ("b.", 1, "B")],
)
def test_parse_answer_accepts_common_forms(text, choose, expected):
    assert parse_answer(text, "ABCD", choose) == frozenset(expected)


@pytest.mark.parametrize(
    "text, choose, message",
    [("E", 1, "'E' is not an option"), ("a, b", 1, "exactly 1 letter"), ("a", 2, "exactly 2 different letters"), ("a a", 2, "you gave 1"),
     ("  ", 1, "please answer"), ("1", 1, "'1' is not an option")],
)
def test_parse_answer_rejects_invalid_input_saying_what_is_allowed(text, choose, message):
    with pytest.raises(ValueError, match=message):
        parse_answer(text, "ABCD", choose)


# == architecture ===============================================================
def test_importing_mlkit_quiz_loads_no_heavy_library():
    code = (
        "import sys, mlkit.quiz, mlkit.quiz.terminal; "
        "print(sorted(m for m in ('yaml', 'numpy', 'pandas', 'IPython', 'ipywidgets') if m in sys.modules))"
    )
    env = dict(os.environ)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.strip() == "[]"
