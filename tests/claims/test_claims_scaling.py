"""The scaling topic's claims: each verdict rule can come out both ways, and the default runs give the claimed verdicts."""

import pytest

from mlkit.claims.measures import scaling as measures


def test_multimodel_cache_holds_only_with_skewed_popularity():
    m = measures.multimodel_cache_serves_most(0)
    assert m.verdict == "holds with conditions"
    # Zipf(1) over 1,000 models: the 100 most popular get H(100)/H(1000) = 5.19/7.49 = 0.69 of the traffic,
    # an upper bound for an LRU cache of 100; the rule needs >= 0.5
    assert 0.5 <= m.figures["hit_rate_zipf"] <= 0.69
    # uniform: a hit needs the model among the 100 loaded, probability 0.1 (minus the first cold loads)
    assert m.figures["hit_rate_uniform"] == pytest.approx(0.1, abs=0.01)


def test_multimodel_cache_with_uniform_popularity_is_refuted():
    # Opposite verdict: with no popularity skew, 10 % of the memory serves about 10 % of requests.
    m = measures.multimodel_cache_serves_most(0, n_models=200, skew=0.0, requests=4_000)
    assert m.verdict == "refuted"
    assert m.figures["hit_rate_zipf"] == pytest.approx(0.1, abs=0.02)  # 20 of 200 fit, minus 20 first loads


def test_multimodel_cache_holding_every_model_holds():
    # The other side: when every model fits, only each model's first request is cold, whatever the popularity.
    m = measures.multimodel_cache_serves_most(0, n_models=100, fit_share=1.0, requests=2_000)
    assert m.verdict == "holds"
    assert m.figures["hit_rate_uniform"] == pytest.approx(1 - 100 / 2_000, abs=1e-9)  # exactly 100 cold loads


def test_target_tracking_is_a_ceiling_rather_than_a_setpoint():
    m = measures.target_tracking_holds_metric(0)
    assert m.verdict == "holds with conditions"
    # scale-in waits for 15 minutes under 0.9 x target and instances are whole, so the metric sits below the target
    assert 0.8 <= m.figures["median_metric_to_target"] < 1.0
    assert m.figures["share_minutes_5pct_over_target"] <= 0.1  # the rule's ceiling
    # a fixed fleet of 4 is near the target far less often than the policy (it cannot follow the daily cycle)
    assert m.figures["share_minutes_within_20pct_fixed_fleet"] < m.figures["share_minutes_within_20pct"] / 2


def test_target_tracking_under_a_low_maximum_is_refuted():
    # Opposite verdict: two instances cannot carry the afternoon peaks, so the metric stays over the target.
    m = measures.target_tracking_holds_metric(0, max_capacity=2, days=2)
    assert m.verdict == "refuted"
    assert m.figures["share_minutes_5pct_over_target"] > 0.5
    assert m.figures["mean_instances"] == 2.0  # pinned at the maximum


def test_notes_calendar_covers_wednesday_at_a_price():
    m = measures.scheduled_plus_policy(0)
    assert m.verdict == "holds with conditions"
    assert m.figures["wednesday_throttled_pct"] < 0.1  # the rule's 0.1 % (one request in a thousand)
    # the Friday ceiling of 3 instances throttles weekend afternoons the policy alone would have served
    assert m.figures["weekend_throttled_pct"] > m.figures["weekend_throttled_pct_policy_alone"] + 0.1
    assert m.figures["cost_usd"] > m.figures["cost_usd_policy_alone"]


def test_calendar_under_a_low_maximum_is_refuted():
    # Opposite verdict: a floor of 4 under a maximum of 4 cannot carry Wednesday's peak (about 6 instances' worth).
    m = measures.scheduled_plus_policy(0, max_capacity=4, wednesday_min=4)
    assert m.verdict == "refuted"
    assert m.figures["wednesday_throttled_pct"] > 1.0


def test_calendar_that_changes_nothing_holds():
    # The holds branch is reachable: floor 1 and ceiling 10 equal the target's own bounds, so the run is the
    # policy alone's, same cost and same throttles.
    m = measures.scheduled_plus_policy(0, wednesday_min=1, friday_max=10)
    assert m.verdict == "holds"
    assert m.figures["cost_usd"] == m.figures["cost_usd_policy_alone"]


def test_same_seed_gives_identical_figures():
    a = measures.target_tracking_holds_metric(5, days=2)
    b = measures.target_tracking_holds_metric(5, days=2)
    assert a.to_dict() == b.to_dict()
