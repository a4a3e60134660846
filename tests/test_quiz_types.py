"""The exam's question types: ordering, matching and case studies, in the bank and every front end."""

import io
import json

import pytest

from mlkit.progress import Progress
from mlkit.quiz import QuizBankError, QuizSession, load_bank
from mlkit.quiz.terminal import parse_order, parse_pairs, run

BANK = """
- id: deploy-order
  topic: variants
  type: ordering
  scenario: Put the steps of a canary rollout in order.
  steps:
    - key: A
      text: Shift the rest of the traffic.
      why: Only after the canary baked without alarms.
    - key: B
      text: Shift a small share of traffic to the new fleet.
      why: The canary comes first.
    - key: C
      text: Watch the alarms during the baking period.
      why: Baking follows the canary shift.
  order: [B, C, A]
  notes_section: Deployment guardrails
  source: kit
- id: modes-match
  topic: inference
  type: matching
  scenario: Match each workload with the inference option that fits it.
  prompts:
    - key: 1
      text: A 500 MB video analysed within minutes.
      match: B
      why: Asynchronous inference takes payloads up to 1 GB.
    - key: 2
      text: A nightly scoring of a whole table.
      match: C
      why: Batch transform needs no endpoint.
    - key: 3
      text: A chatbot answering in milliseconds.
      match: A
      why: A real-time endpoint keeps instances warm.
    - key: 4
      text: A fraud score at checkout.
      match: A
      why: Interactive and steady; real-time again.
  responses:
    - key: A
      text: Real-time endpoint
    - key: B
      text: Asynchronous inference
    - key: C
      text: Batch transform
  notes_section: Inference model deployment
  source: kit
- case: claims-case
  title: The claims pipeline
  topic: data_preparation
  scenario: An insurer scores claims as legitimate or suspicious.
  notes_section: Data preparation
  source: notes
  questions:
    - id: claims-case-encode
      type: single
      choose: 1
      scenario: How should the label be encoded for XGBoost?
      options:
        - key: A
          text: legitimate 0, suspicious 1
          correct: true
          why: XGBoost needs numbers.
        - key: B
          text: Leave the strings.
          correct: false
          why: XGBoost cannot read strings as labels.
    - id: claims-case-steps
      topic: clarify
      type: ordering
      scenario: Order the steps.
      steps:
        - key: A
          text: Train
          why: after cleaning
        - key: B
          text: Clean
          why: first
        - key: C
          text: Measure bias
          why: on the trained model's output
      order: [B, A, C]
"""


@pytest.fixture
def bank(tmp_path):
    path = tmp_path / "bank.yaml"
    path.write_text(BANK)
    return load_bank(path)


# == grading ====================================================================
def test_ordering_is_right_only_in_the_exact_order(bank):
    q = bank.get("deploy-order")
    assert q.grade(["B", "C", "A"]).correct
    assert q.grade("bca").correct and q.grade("B, C, A").correct  # the forms a learner types
    swapped = q.grade(["C", "B", "A"])
    # two of three in the wrong place: wrong as a whole (the exam gives no partial credit)
    assert not swapped.correct
    assert swapped.marks == {"A": True, "B": False, "C": False}
    assert swapped.answer == ("B", "C", "A") and swapped.chosen == ("C", "B", "A")


@pytest.mark.parametrize("chosen, message", [
    (["B", "C"], "A still missing"),
    (["B", "B", "A"], "step B is placed more than once"),
    (["B", "C", "D"], "'D' is not one of A, B, C"),
])
def test_ordering_malformed_answer_says_what_is_allowed(bank, chosen, message):
    with pytest.raises(ValueError, match=message):
        bank.get("deploy-order").grade(chosen)


def test_matching_is_right_only_when_every_pair_is(bank):
    q = bank.get("modes-match")
    assert q.answer == (("1", "B"), ("2", "C"), ("3", "A"), ("4", "A"))
    assert q.grade({"1": "B", "2": "C", "3": "A", "4": "A"}).correct
    assert q.grade(["B", "C", "A", "A"]).correct  # responses in prompt order
    assert q.grade(q.answer).correct  # pairs
    three_of_four = q.grade({"1": "B", "2": "C", "3": "A", "4": "B"})
    assert not three_of_four.correct  # 3 of 4 right still scores nothing
    assert three_of_four.marks == {"1": True, "2": True, "3": True, "4": False}


@pytest.mark.parametrize("chosen, message", [
    ({"1": "B", "2": "C", "3": "A"}, "4 still without a response"),
    ({"1": "B", "2": "C", "3": "A", "4": "D"}, "response 'D' for prompt 4 is not one of A, B, C"),
    ({"1": "B", "2": "C", "3": "A", "9": "A"}, "prompt '9' is not one of 1, 2, 3, 4"),
    (["B", "C"], "one response for each of the 4 prompts"),
])
def test_matching_malformed_answer_says_what_is_allowed(bank, chosen, message):
    with pytest.raises(ValueError, match=message):
        bank.get("modes-match").grade(chosen)


def test_choice_grade_marks_each_option(bank):
    g = bank.get("claims-case-encode").grade("B")
    assert not g.correct and g.marks == {"A": False, "B": False}


# == case studies ===============================================================
def test_case_study_questions_share_the_scenario_and_are_scored_on_their_own(bank):
    (case,) = bank.cases()
    assert case.id == "claims-case" and case.question_ids == ("claims-case-encode", "claims-case-steps")
    first, second = (bank.get(i) for i in case.question_ids)
    assert first.case is case and second.case is case
    # inherited unless set: the first keeps the case's topic, the second sets its own
    assert (first.topic, second.topic) == ("data_preparation", "clarify")
    assert first.source == second.source == "notes"
    s = QuizSession(bank=bank, progress=None)
    answers = {q.id: q.answer for q in s.questions}
    answers["claims-case-steps"] = ("A", "B", "C")  # wrong
    while not s.finished:
        s.answer(answers[s.current.id])
    assert s.score.correct == 3 and s.score.total == 4  # each case question counts once


# == validation =================================================================
def _load(tmp_path, text):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    return load_bank(path)


def _mutate(old, new):
    assert old in BANK
    return BANK.replace(old, new, 1)


@pytest.mark.parametrize("text, message", [
    (_mutate("order: [B, C, A]", "order: [B, C, C]"),
     "question 'deploy-order': field 'order' names step C more than once"),
    (_mutate("order: [B, C, A]", "order: [B, C]"), "field 'order' must hold every step key (A, B, C) once"),
    (_mutate("order: [B, C, A]", "order: [A, B, C]"), "field 'order' is the order the steps are shown in"),
    (_mutate("      text: Watch the alarms during the baking period.", "      text: Shift the rest of the traffic."),
     "field 'steps[2].text' repeats steps[0]"),
    (_mutate("      match: C\n      why: Batch", "      why: Batch"),
     "question 'modes-match': field 'prompts[1].match' is missing: every prompt must be paired"),
    (_mutate("      match: C\n", "      match: E\n"), "field 'prompts[1].match' must be one of the responses A, B, C"),
    (_mutate("  order: [B, C, A]\n", "  order: [B, C, A]\n  choose: 2\n"), "field 'choose' must be the number of steps (3)"),
    (_mutate("  title: The claims pipeline\n", ""), "case study 'claims-case': field 'title' is missing"),
    (_mutate("  title: The claims pipeline\n", "  title: The claims pipeline\n  hint: x\n"),
     "case study 'claims-case': field 'hint' is not a known field"),
])
def test_malformed_items_name_the_question_and_field(tmp_path, text, message):
    with pytest.raises(QuizBankError) as info:
        _load(tmp_path, text)
    assert str(info.value).startswith("bad.yaml: ")
    assert message in str(info.value)


def test_case_study_needs_two_questions(tmp_path):
    cut = BANK[:BANK.index("    - id: claims-case-steps")]
    with pytest.raises(QuizBankError, match="field 'questions' must list 2 or more questions"):
        _load(tmp_path, cut)


# == front ends =================================================================
def test_parse_order_and_pairs_read_what_learners_type():
    assert parse_order("b c a", "ABC") == ("B", "C", "A")
    with pytest.raises(ValueError, match="A still missing"):
        parse_order("B C", "ABC")
    assert parse_pairs("1-b, 2 c 3=A 4:a", "1234", "ABC") == {"1": "B", "2": "C", "3": "A", "4": "A"}
    assert parse_pairs("BCAA", "1234", "ABC") == {"1": "B", "2": "C", "3": "A", "4": "A"}
    with pytest.raises(ValueError, match="prompt 4 still without a response"):
        parse_pairs("1B 2C 3A", "1234", "ABC")
    with pytest.raises(ValueError, match="'D' is not a response"):
        parse_pairs("1D 2C 3A 4A", "1234", "ABC")


def test_terminal_runs_every_type_and_reprompts_on_bad_input(bank, tmp_path):
    # study order: the case study (data preparation), then inference, then variants
    out = io.StringIO()
    answers = ("A\n"  # case question 1, right
               "B A\nB A C\n"  # case question 2: an incomplete order, then right
               "1B 2C 3A\nBCAA\n"  # matching: a prompt left out, then right
               "B C A\n")  # ordering, right
    score = run(stdin=io.StringIO(answers), stdout=out, bank=bank, progress=Progress(tmp_path / "p.json"))
    text = out.getvalue()
    assert "C still missing" in text
    assert "prompt 4 still without a response" in text
    assert "Case study: The claims pipeline (question 1 of 2)" in text
    assert "Case study: The claims pipeline (question 2 of 2)" in text
    assert "Steps:" in text and "Responses (each may be used once" in text
    assert score.correct == 4 and score.total == 4


def test_terminal_shows_which_places_and_pairs_were_wrong(bank, tmp_path):
    out = io.StringIO()
    run(stdin=io.StringIO("A\nB A C\n1B 2C 3A 4B\nC B A\n"), stdout=out, bank=bank,
        progress=Progress(tmp_path / "p.json"))
    text = out.getvalue()
    assert "Wrong: your order C B A; the right order is B C A." in text
    assert "1. B (you put it 2.)" in text and "3. A (in place)" in text
    assert "Wrong: 1 of 4 pairs are wrong" in text and "4 -> A (you chose B)" in text


def test_widget_answers_every_type(bank, tmp_path):
    from widgets.base import PickList
    from widgets.quiz import Quiz

    quiz = Quiz(bank=bank, progress=Progress(tmp_path / "p.json"))
    assert "Case study: The claims pipeline</b> (question 1 of 2)" in quiz.scenario.value
    quiz.select("A")
    assert quiz.check().correct
    quiz.next()
    # ordering: a dropdown per place; an unfinished order is refused in the banner
    assert isinstance(quiz.controls["choice"], PickList)
    assert quiz.controls["choice"].labels == ("1st", "2nd", "3rd")
    quiz.select("B", "A")
    assert quiz.check() is None and "C still missing" in quiz.error
    quiz.select(*quiz.question.answer)
    assert quiz.check().correct
    quiz.next()
    # matching: a dropdown per prompt; three pairs of four right is wrong
    assert quiz.controls["choice"].labels == ("1", "2", "3", "4")
    quiz.select("B", "C", "A", "B")
    grade = quiz.check()
    assert not grade.correct and "1 of 4 pairs are wrong" in quiz.feedback.value
    quiz.next()
    quiz.select(quiz.question.answer)
    assert quiz.check().correct and quiz.finished
    assert quiz.score.correct == 3


def test_pick_list_refuses_unknown_picks_and_wrong_length():
    from widgets.base import PickList

    p = PickList(["1", "2"], ["A", "B"])
    with pytest.raises(Exception, match="value must contain only 'A', 'B' or None"):
        p.value = ("A", "C")
    with pytest.raises(Exception, match="one pick per label"):
        p.value = ("A",)


def test_grades_serialise_for_the_lab_panel(bank):
    from jupyter_mlkit.serverext import grade_payload as _grade_json, public_question as _question_json

    order = bank.get("deploy-order")
    shown = _question_json(order)
    assert "order" not in shown and "why" not in json.dumps(shown)  # the answer is not sent before grading
    assert [s["key"] for s in shown["steps"]] == ["A", "B", "C"]
    graded = _grade_json(order, order.grade("CBA"))
    assert graded["answer"] == ["B", "C", "A"] and graded["marks"] == {"A": True, "B": False, "C": False}
    match = bank.get("modes-match")
    shown = _question_json(match)
    assert "match" not in json.dumps(shown["prompts"]) and len(shown["responses"]) == 3
    assert _grade_json(match, match.grade("BCAA"))["answer"] == {"1": "B", "2": "C", "3": "A", "4": "A"}
    case_q = bank.get("claims-case-steps")
    assert _question_json(case_q)["case"] == {"id": "claims-case", "title": "The claims pipeline",
                                              "scenario": "An insurer scores claims as legitimate or suspicious.",
                                              "part": 2, "parts": 2}


# == the packaged bank ==========================================================
def test_every_topic_has_a_multiple_response_and_an_ordering_or_matching_item():
    from collections import defaultdict

    kinds = defaultdict(set)
    for q in load_bank():
        kinds[q.topic].add(q.type)
    missing = {t: sorted({"multiple", "ordering or matching"} - ({"multiple"} & k)
                         - ({"ordering or matching"} if k & {"ordering", "matching"} else set()))
               for t, k in kinds.items()}
    assert {t: m for t, m in missing.items() if m} == {}


def test_the_bank_has_at_least_four_case_studies_with_two_or_more_questions_each():
    cases = load_bank().cases()
    assert len(cases) >= 4 and all(len(c.question_ids) >= 2 for c in cases)
