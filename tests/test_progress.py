"""The progress file: scores kept right, writes atomic, damage set aside, never lost."""

import json
import os

import pytest

from mlkit.progress import Progress, ProgressFileWarning


@pytest.fixture
def progress(tmp_path):
    return Progress(tmp_path / "progress.json")


def test_best_score_is_kept_when_a_later_attempt_is_worse(progress):
    progress.record_quiz("variants", 3, 4)
    progress.record_quiz("variants", 1, 4)
    s = progress.quiz_scores()["variants"]
    assert s["best"] == (3, 4) and s["last"] == (1, 4) and s["attempts"] == 2


def test_best_score_compares_fractions_not_counts(progress):
    # 4/8 = 0.5 is worse than 3/4 = 0.75 although 4 > 3
    progress.record_quiz("clarify", 3, 4)
    progress.record_quiz("clarify", 4, 8)
    assert progress.quiz_scores()["clarify"]["best"] == (3, 4)


def test_notebook_state_never_goes_back(progress):
    progress.mark_notebook("00_start_here", "completed")
    progress.mark_notebook("00_start_here.ipynb", "opened")
    assert progress.notebook_states() == {"00_start_here": "completed"}


def test_two_writers_in_turn_keep_both_entries(tmp_path):
    a, b = Progress(tmp_path / "p.json"), Progress(tmp_path / "p.json")
    a.record_quiz("rl", 2, 3)
    b.mark_notebook("05_inference_modes", "opened")
    assert a.notebook_states() == {"05_inference_modes": "opened"}
    assert b.quiz_scores()["rl"]["best"] == (2, 3)


def test_write_leaves_no_temporary_file(progress):
    progress.record_quiz("rl", 1, 1)
    assert sorted(os.listdir(progress.file.parent)) == ["progress.json", "progress.json.lock"]


def test_invalid_json_is_set_aside_and_reading_goes_on(progress):
    progress.file.write_text("{not json")
    with pytest.warns(ProgressFileWarning, match="not valid JSON"):
        assert progress.quiz_scores() == {}
    backups = [p for p in progress.file.parent.iterdir() if ".corrupt-" in p.name]
    assert len(backups) == 1 and backups[0].read_text() == "{not json"


def test_readable_scores_survive_a_damaged_entry(progress):
    progress.file.write_text(json.dumps({
        "version": 1,
        "notebooks": {"00_start_here": {"state": "completed"}, "01_data_preparation": {"state": 7}},
        "quizzes": {"rl": {"best": [2, 3], "last": [2, 3], "attempts": 1}, "tuning": {"best": "x"}},
    }))
    with pytest.warns(ProgressFileWarning, match="no valid score"):
        scores = progress.quiz_scores()
    assert scores == {"rl": {"best": (2, 3), "last": (2, 3), "attempts": 1}}
    assert progress.notebook_states() == {"00_start_here": "completed"}
    assert any(".corrupt-" in p.name for p in progress.file.parent.iterdir())


@pytest.mark.parametrize(
    "args, match",
    [
        (("nope", 1, 2), "topic must be one of"),
        (("rl", 3, 2), "correct must be an integer >= 0 and <= 2, got 3"),
        (("rl", 0, 0), "total must be an integer >= 1, got 0"),
    ],
)
def test_bad_quiz_record_is_refused_with_the_parameter_named(progress, args, match):
    with pytest.raises(ValueError, match=match):
        progress.record_quiz(*args)
    assert not progress.file.exists()


def test_unknown_notebook_or_state_is_refused(progress):
    with pytest.raises(ValueError, match="notebook_id must be one of"):
        progress.mark_notebook("99_nothing")
    with pytest.raises(ValueError, match="state must be one of 'opened', 'completed'"):
        progress.mark_notebook("00_start_here", "done")


def test_default_file_lives_under_mlkit_home(monkeypatch, tmp_path):
    monkeypatch.setenv("MLKIT_HOME", str(tmp_path))
    assert Progress().file == tmp_path / "progress.json"


def _record_many(path, n, barrier):
    from mlkit.progress import Progress

    p = Progress(path)
    barrier.wait()  # both writers start together
    for _ in range(n):
        p.record_quiz("variants", 1, 2)


def test_two_writers_at_the_same_time_lose_no_update(tmp_path):
    # two processes each record 40 attempts at once: every read-modify-write holds the lock, so the count
    # is exactly 80 (without the lock, one writer's update read before the other's write is lost)
    import multiprocessing

    path = str(tmp_path / "progress.json")
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(2)
    workers = [ctx.Process(target=_record_many, args=(path, 40, barrier)) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert [w.exitcode for w in workers] == [0, 0]
    assert Progress(path).quiz_scores()["variants"]["attempts"] == 80
    assert sorted(f.name for f in tmp_path.iterdir()) == ["progress.json", "progress.json.lock"]
