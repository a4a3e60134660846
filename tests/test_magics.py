"""``%load_ext mlkit``: the %quiz, %exam, %claims and %study magics."""

import pytest
from IPython.core.interactiveshell import InteractiveShell

import jupyter_mlkit.magics as magics
from mlkit import claims
from mlkit.progress import Progress


@pytest.fixture
def shell(monkeypatch):
    shown = []
    monkeypatch.setattr(magics, "display", shown.append)
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "mlkit")
    ip.shown = shown
    yield ip
    ip.run_line_magic("unload_ext", "mlkit")


def test_quiz_magic_shows_the_quiz_widget_for_the_topic(shell):
    shell.run_line_magic("quiz", "variants")
    (w,) = shell.shown
    assert type(w).__name__ == "Quiz"
    assert {q.topic for q in w.session.questions} == {"variants"}


def test_quiz_magic_with_an_unknown_topic_names_it(shell):
    with pytest.raises(ValueError, match="'nlp'"):
        shell.run_line_magic("quiz", "nlp")


def test_exam_magic_shows_a_practice_exam_of_the_given_size(shell):
    shell.run_line_magic("exam", "7")
    (w,) = shell.shown
    assert type(w).__name__ == "PracticeExamWidget" and len(w.exam.questions) == 7


def test_exam_magic_refuses_a_count_that_is_not_a_number(shell):
    with pytest.raises(ValueError, match="usage: %exam"):
        shell.run_line_magic("exam", "many")


def test_study_magic_shows_the_study_map(shell):
    shell.run_line_magic("study", "")
    (w,) = shell.shown
    assert type(w).__name__ == "StudyMap"


def test_study_done_records_completion_in_the_progress_file(shell):
    shell.run_line_magic("study", "done 00_start_here")
    assert Progress().notebook_states()["00_start_here"] == "completed"


def test_study_with_bad_arguments_shows_usage(shell):
    with pytest.raises(ValueError, match=r"usage: %study"):
        shell.run_line_magic("study", "finish 00_start_here")


def test_unload_removes_the_magics(shell):
    shell.run_line_magic("unload_ext", "mlkit")
    assert not {"quiz", "exam", "claims", "study"} & set(shell.magics_manager.magics["line"])
    shell.run_line_magic("load_ext", "mlkit")


CLAIM = "variants-weights-two-to-one"  # quick (about 1 s): 6,000 requests through a live endpoint


def test_claims_magic_measures_a_topics_quick_claims_now(shell):
    shell.run_line_magic("claims", "variants")
    (ledger,) = shell.shown
    row = ledger.get(CLAIM)
    assert row.source == "measured" and row.status == "holds"
    assert {r.claim.topic for r in ledger} == {"variants"}


def test_claims_magic_with_a_claim_id_measures_that_claim(shell):
    shell.run_line_magic("claims", CLAIM)
    (ledger,) = shell.shown
    assert [r.id for r in ledger] == [CLAIM] and ledger.results[0].source == "measured"


def test_claims_magic_alone_shows_the_recorded_ledger(shell):
    shell.run_line_magic("claims", "")
    (ledger,) = shell.shown
    assert len(ledger) == len(claims.load_claims()) and {r.source for r in ledger} == {"recorded"}
