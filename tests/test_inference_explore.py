"""One workload against the four modes: the comparison the explorer widget shows."""

import pytest

from mlkit.inference.explore import compare_modes


def test_every_mode_sees_the_same_requests():
    cmp = compare_modes(traffic="steady", rate_rps=1.0, hours=1.0, seed=3)
    assert cmp.table["requests"].nunique() == 1
    # steady Poisson arrivals at 1/s for an hour: 3600 expected, sd 60; 4 sd either way
    assert abs(cmp.table["requests"].iloc[0] - 3600) < 240


def test_idle_periods_near_real_time_pick_serverless_which_is_cheaper_but_cold_starts():
    cmp = compare_modes(traffic="intermittent", latency="near-real-time", rate_rps=2.0, hours=6.0)
    assert cmp.recommendation.mode == "serverless"
    t = cmp.table
    assert t.loc["serverless", "cold_starts"] > 0 and t.loc["real-time", "cold_starts"] == 0
    assert t.loc["serverless", "cost"] < t.loc["real-time", "cost"]


def test_a_20_mb_payload_is_refused_by_real_time_and_serverless_but_served_async():
    cmp = compare_modes(traffic="steady", rate_rps=0.5, hours=1.0, payload_mb=20.0, latency="near-real-time")
    t = cmp.table
    # 20 MB is over InvokeEndpoint's 6 MB and serverless's 4 MB, under async's 1 GB
    assert t.loc["real-time", "too_large"] == t.loc["real-time", "requests"]
    assert t.loc["serverless", "too_large"] == t.loc["serverless", "requests"]
    assert t.loc["async", "served"] == t.loc["async", "requests"]
    assert cmp.recommendation.mode == "async"


def test_processing_over_60_s_times_out_on_real_time():
    cmp = compare_modes(traffic="steady", rate_rps=0.01, hours=2.0, processing_ms=120_000.0,
                        latency="near-real-time")
    t = cmp.table
    # processing is lognormal with median 120 s and p99 480 s: P(under 60 s) = Phi(ln(0.5)/0.596) = 12 %,
    # and queueing behind one instance only adds time, so at least ~80 % must time out
    assert t.loc["real-time", "timeout"] >= 0.8 * t.loc["real-time", "requests"]
    assert t.loc["async", "timeout"] == 0 and t.loc["async", "served"] == t.loc["async", "requests"]
    assert cmp.recommendation.mode == "async"


def test_same_seed_same_numbers():
    a = compare_modes(seed=7, hours=1.0).table
    b = compare_modes(seed=7, hours=1.0).table
    assert a.equals(b)


def test_a_workload_too_big_to_answer_at_once_names_the_parameters():
    with pytest.raises(ValueError, match=r"rate_rps=50 for hours=24 .* more than max_requests=200,000"):
        compare_modes(traffic="steady", rate_rps=50.0, hours=24.0)


@pytest.mark.parametrize("kwargs, match", [
    ({"traffic": "flat"}, "traffic must be one of"),
    ({"rate_rps": 0.0}, "rate_rps must be a finite number > 0"),
    ({"hours": -1.0}, "hours must be a finite number > 0"),
    ({"latency": "soon"}, "latency must be one of"),
])
def test_bad_input_is_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        compare_modes(**kwargs)


def test_to_dict_carries_inputs_summary_and_recommendation():
    d = compare_modes(hours=1.0).to_dict()
    assert [row["mode"] for row in d["summary"]] == ["real-time", "serverless", "async", "batch"]
    assert d["recommendation"]["mode"] == "real-time" and d["inputs"]["hours"] == 1.0
