"""The tuning race: set controls, press run, read the race; bad input shows in the banner."""

import math

import pytest

from widgets.tuning import TuningRace


@pytest.fixture(scope="module")
def race():
    return TuningRace(jobs=4, max_rounds=9, strategies=("Random", "Hyperband"), n_rows=1000)


def test_the_race_runs_the_chosen_strategies(race):
    assert list(race.result.table.index) == ["Random", "Hyperband"]
    # Random trains every job to the end: 4 jobs x 9 rounds
    assert race.result.table.loc["Random", "total_rounds"] == 36


def test_a_control_change_waits_for_the_button(race):
    before = race.result
    race.set(jobs=5)
    assert race.result is before
    race.run_button.click()
    assert race.result is not before and race.result.table.loc["Random", "jobs"] == 5


def test_the_curves_show_the_best_so_far_of_each_strategy(race):
    curve = race.result.results["Random"].best_so_far()
    x, y = race.lines["Random"].get_data()
    assert list(x)[1:] == list(curve["cumulative_rounds"]) and list(y)[1:] == list(curve["best_so_far"])
    assert not race.lines["Bayesian"].get_visible()  # not in this race
    assert math.isclose(race.target_line.get_ydata()[0], race.result.target)


def test_no_strategy_shows_the_engine_message(race):
    before = race.result
    race.set(strategies=())
    race.update()
    assert "entries must name at least one of" in race.error and race.result is before
    race.set(strategies=("Random",))
    race.update()
    assert race.error is None
