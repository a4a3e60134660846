"""The labeling console: set controls, read the job, see bad input in the banner."""

import pytest

from widgets.labeling import LabelingConsole


@pytest.fixture(scope="module")
def console():
    return LabelingConsole(dataset="digits", seed=0)


def test_the_console_runs_a_job_that_labels_every_object(console):
    r = console.result
    assert r.human_objects + r.machine_objects == 1797
    assert r.machine_objects > 0  # the default target 0.95 is met on digits (measured: 638 machine labels)
    assert "<svg" in console.chart.value and "saved" in console.summary.value


def test_an_unreachable_target_sends_everything_to_people():
    c = LabelingConsole(dataset="digits", accuracy_target=0.95, seed=0)
    c.set(accuracy_target=1.0)  # a 95 % lower bound is never 1.0: no threshold qualifies
    assert c.result.machine_objects == 0
    assert "no machine labels" in c.summary.value


def test_turning_automated_labeling_off_costs_what_labeling_by_hand_costs(console):
    console.controls["automated"].value = False
    assert console.result.machine_objects == 0
    assert console.result.cost == pytest.approx(console.result.all_human_cost)


def test_more_workers_per_object_cost_more_when_everything_is_labeled_by_hand():
    c = LabelingConsole(automated=False, workers_per_object=1)
    one = c.result.cost
    c.controls["workers_per_object"].value = 3
    # 1,797 objects x 2 more answers x USD 0.036
    assert c.result.cost - one == pytest.approx(1797 * 2 * 0.036)


def test_an_engine_error_shows_in_the_banner_and_keeps_the_last_result():
    c = LabelingConsole(automated=False, workers_per_object=1)
    before = c.result
    c.controls["workers_per_object"].max = 9
    c.set(workers_per_object=6)  # the console's workforce has 5 workers
    assert "NumberOfHumanWorkersPerDataObject must be <= n_workers (5), got 6" in c.error
    assert c.result is before
