"""The AutoML launcher: press run, the leaderboard fills row by row; bad input shows in the banner."""

import pytest

from widgets.automl import AutoMLLauncher


@pytest.fixture(scope="module")
def launcher():
    return AutoMLLauncher(data="admissions", target="admitted", budget=2, n_rows=300, progress=False)


def test_nothing_trains_before_the_button(launcher):
    assert launcher.result is None and launcher.table.value == ""


def test_the_button_runs_the_job_and_the_board_shows_every_candidate(launcher):
    seen = []
    original = launcher._show_board
    launcher._show_board = lambda res: (seen.append(len(res.candidates)), original(res))
    launcher.run_button.click()
    launcher._show_board = original
    assert seen[:2] == [1, 2]  # redrawn after each finished candidate
    assert len(launcher.result.leaderboard) == 2
    assert launcher.table.value.count("<tr>") == 3  # header + 2 candidates


def test_a_target_that_is_not_a_column_shows_the_engine_message(launcher):
    launcher.set(target="price")
    launcher.update()
    assert "target='price' is not a column" in launcher.error
    launcher.set(target="admitted")


def test_a_budget_of_zero_shows_the_engine_message(launcher):
    launcher.set(budget=0)
    launcher.update()
    assert "MaxCandidates must be an integer >= 1" in launcher.error
    launcher.set(budget=2)
