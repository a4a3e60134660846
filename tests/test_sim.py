"""mlkit.sim: the discrete-event core."""

import math

import numpy as np
import pytest

from mlkit.sim import Simulation


def test_events_run_in_time_order():
    sim = Simulation(seed=0)
    seen = []
    for t in (5.0, 1.0, 3.0):
        sim.schedule(t, lambda t=t: seen.append((sim.now, t)))
    sim.run()
    assert seen == [(1.0, 1.0), (3.0, 3.0), (5.0, 5.0)]


def test_simultaneous_events_are_fifo_by_schedule_order():
    sim = Simulation(seed=0)
    seen = []
    for name in "abcdef":
        sim.schedule(2.0, seen.append, name)
    sim.run()
    assert seen == list("abcdef")


def test_event_scheduled_from_a_callback_at_zero_delay_runs_after_queued_peers():
    sim = Simulation()
    seen = []

    def first():
        seen.append("first")
        sim.schedule(0, seen.append, "child")

    sim.schedule(1, first)
    sim.schedule(1, seen.append, "peer")
    sim.run()
    assert seen == ["first", "peer", "child"]


def test_run_until_stops_the_clock_and_keeps_later_events():
    sim = Simulation()
    seen = []
    sim.schedule(1, seen.append, 1)
    sim.schedule(2, seen.append, 2)
    sim.schedule(3, seen.append, 3)
    assert sim.run(until=2) == 2  # the event at exactly `until` runs
    assert sim.now == 2.0 and seen == [1, 2] and sim.pending == 1
    assert sim.run() == 1 and sim.now == 3.0


def test_run_returns_count_and_tracks_events_processed():
    sim = Simulation()
    for i in range(4):
        sim.schedule(i, lambda: None)
    assert sim.run() == 4
    assert sim.events_processed == 4


def test_cancelled_event_is_skipped():
    sim = Simulation()
    seen = []
    ev = sim.schedule(1, seen.append, "x")
    sim.schedule(2, seen.append, "y")
    ev.cancel()
    assert sim.peek() == 2.0
    sim.run()
    assert seen == ["y"]


def test_step_runs_one_event_and_reports_empty_queue():
    sim = Simulation()
    seen = []
    sim.schedule(1, seen.append, 1)
    assert sim.step() is True and seen == [1] and sim.now == 1.0
    assert sim.step() is False
    assert sim.peek() == math.inf


def _poisson_arrivals(seed):
    sim = Simulation(seed=seed)
    times = []

    def arrive():
        times.append(sim.now)
        if len(times) < 50:
            sim.schedule(sim.rng.exponential(1.0), arrive)

    sim.schedule(0, arrive)
    sim.run()
    return times


def test_same_seed_replays_exactly():
    assert _poisson_arrivals(7) == _poisson_arrivals(7)


def test_different_seeds_differ():
    assert _poisson_arrivals(7) != _poisson_arrivals(8)


def test_a_generator_can_be_shared():
    rng = np.random.default_rng(3)
    assert Simulation(seed=rng).rng is rng


def test_negative_delay_is_rejected():
    with pytest.raises(ValueError, match=r"delay must be a finite number >= 0.0, got -1"):
        Simulation().schedule(-1, lambda: None)


def test_infinite_delay_is_rejected():
    with pytest.raises(ValueError, match=r"delay must be a finite number"):
        Simulation().schedule(math.inf, lambda: None)


def test_non_numeric_delay_is_a_type_error():
    with pytest.raises(TypeError, match=r"delay must be a finite number"):
        Simulation().schedule("1", lambda: None)


def test_schedule_at_in_the_past_is_rejected():
    sim = Simulation()
    sim.run(until=5)
    with pytest.raises(ValueError, match=r"time must be a finite number >= 5.0, got 4"):
        sim.schedule_at(4, lambda: None)


def test_non_callable_callback_is_rejected():
    with pytest.raises(TypeError, match=r"callback must be callable"):
        Simulation().schedule(1, "not a function")


def test_run_until_before_now_is_rejected():
    sim = Simulation()
    sim.run(until=3)
    with pytest.raises(ValueError, match=r"until must be a finite number >= 3.0, got 1"):
        sim.run(until=1)


def test_negative_seed_is_rejected():
    with pytest.raises(ValueError, match=r"seed must be an integer >= 0, got -1"):
        Simulation(seed=-1)


def test_priority_orders_simultaneous_events_before_fifo():
    sim = Simulation()
    seen = []
    sim.schedule(1, seen.append, "arrival")
    sim.schedule(1, seen.append, "departure", priority=-1)
    sim.run()
    assert seen == ["departure", "arrival"]


def test_non_integer_priority_is_rejected():
    with pytest.raises(TypeError, match=r"priority must be an integer"):
        Simulation().schedule(1, lambda: None, priority=0.5)


def test_numpy_numbers_are_accepted_as_times():
    sim = Simulation()
    seen = []
    sim.schedule(np.int64(2), seen.append, "a")
    sim.schedule_at(np.float32(1.0), seen.append, "b")
    sim.run()
    assert seen == ["b", "a"] and sim.now == 2.0
