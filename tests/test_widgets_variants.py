"""The variants widgets: set controls, read the engine's results, see bad input in the banner."""

import math

from widgets.variants import RolloutSimulator, TrafficSplitter

Z999 = 3.2905


def test_the_splitter_observes_the_configured_split_within_the_bound():
    w = TrafficSplitter(A=2.0, B=1.0, C=0.0, requests=1500)
    r = w.result
    assert r.loc["A", "configured_share"] == 2 / 3 and r.loc["C", "requests"] == 0
    # A's count is Binomial(1500, 2/3): within 3.29 * sqrt(1500 * 2/9) = 60 of 1000
    assert abs(r.loc["A", "requests"] - 1000) <= Z999 * math.sqrt(1500 * 2 / 9)


def test_moving_a_slider_changes_the_live_endpoint_without_rebuilding_it():
    w = TrafficSplitter(A=1.0, B=0.0, C=0.0, requests=200)
    endpoint = w.endpoint
    assert w.result.loc["A", "requests"] == 200
    w.controls["C"].value = 1.0
    w.controls["A"].value = 0.0
    assert w.endpoint is endpoint and w.result.loc["C", "requests"] == 200
    assert endpoint.current_weights == {"A": 0.0, "B": 0.0, "C": 1.0}


def test_all_weights_zero_shows_the_endpoint_error_and_keeps_the_last_split():
    w = TrafficSplitter(A=1.0, B=0.0, C=0.0, requests=100)
    before = w.result
    w.controls["A"].value = 0.0
    assert "would all be 0" in w.error and w.result is before
    w.controls["B"].value = 2.0
    assert w.error is None and w.result.loc["B", "requests"] == 100


def test_a_new_seed_builds_a_new_endpoint():
    w = TrafficSplitter(requests=100)
    first = w.endpoint
    w.controls["seed"].value = 5
    assert w.endpoint is not first and w.endpoint.seed == 5


def test_the_splitter_bars_show_the_table():
    w = TrafficSplitter(A=1.0, B=3.0, C=0.0, requests=400)
    assert [b.get_height() for b in w._configured] == [0.25, 0.75, 0.0]
    assert [b.get_height() for b in w._observed] == list(w.result["observed_share"])


def test_the_rollout_simulator_rolls_back_a_bad_canary_and_marks_it():
    w = RolloutSimulator(policy="CANARY", canary_percent=10, bad_model=True)
    assert w.result.outcome == "rolled back"
    assert w._rollback.get_visible() and w._rollback.get_xdata()[0] == w.result.rollback_s / 60
    assert "rolled back" in w.summary.value


def test_a_good_model_goes_to_full_traffic():
    w = RolloutSimulator(policy="LINEAR", step_percent=25, bake_s=300, bad_model=False)
    assert w.result.outcome == "completed" and w.result.full_traffic_s == 300 + 3 * 300
    assert not w._rollback.get_visible()


def test_switching_alarms_off_lets_the_bad_model_through():
    w = RolloutSimulator(policy="ALL_AT_ONCE", bad_model=True)
    assert w.result.outcome == "rolled back"
    w.controls["alarms"].value = False
    assert w.result.outcome == "completed" and math.isnan(w.result.alarm_s)


def test_a_half_fleet_canary_is_caught_in_its_first_minute():
    w = RolloutSimulator(policy="CANARY", canary_percent=5, bad_model=True, seed=1)
    w.set(canary_percent=50)
    # 50 % at 20 % errors: the endpoint error rate is ~10 %, far over 2 %: ALARM at the first minute (360 s)
    assert w.result.alarm_s == 360
    # the bad model served Poisson(0.5 * 20 rps * 60 s = 600) requests
    assert abs(w.result.blast_radius - 600) <= Z999 * math.sqrt(600)


def test_in_place_shows_refused_requests():
    w = RolloutSimulator(policy="IN_PLACE", bad_model=True)
    assert w.result.unavailable > 0 and "refused during restarts" in w.summary.value


def test_each_variant_serves_its_own_constant_through_the_endpoint():
    w = TrafficSplitter(A=0.0, B=1.0, C=0.0, requests=100)
    # all traffic to B, whose model answers 2.0 (variants A, B, C answer 1, 2, 3)
    answer = w.endpoint.invoke(b"0\n")
    assert answer.InvokedProductionVariant == "B" and float(answer.Body) == 2.0
    assert int(w.result.loc["B", "requests"]) == 100
