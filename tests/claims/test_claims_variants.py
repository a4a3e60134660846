"""The variants topic's claims: each verdict rule can come out both ways, and the default runs give the claimed verdicts."""

import pytest

from mlkit.claims.measures import variants as measures


def test_weights_two_to_one_holds_by_default():
    m = measures.weights_two_to_one(0)
    assert m.verdict == "holds"
    # binomial share of 6,000 draws at p = 2/3: standard error 0.006, so within 0.02 (over 3 SE) of 2/3
    assert m.figures["share_A"] == pytest.approx(2 / 3, abs=0.02)
    assert m.figures["interval_low"] <= 2 / 3 <= m.figures["interval_high"]


def test_weights_one_to_one_refute_two_thirds():
    # Opposite verdict: equal weights send half the traffic to A, and 2/3 falls outside the 99.9 % interval.
    m = measures.weights_two_to_one(0, weight_a=1.0, weight_b=1.0, requests=2_000)
    assert m.verdict == "refuted"
    # binomial share of 2,000 draws at p = 1/2: standard error 0.011, 0.04 is over 3 SE
    assert m.figures["share_A"] == pytest.approx(0.5, abs=0.04)
    assert m.figures["interval_high"] < 2 / 3


def test_shadow_never_changes_answers_holds_with_a_half_broken_shadow():
    m = measures.shadow_never_changes_answers(0, requests=60)
    assert m.verdict == "holds"
    assert m.figures["answers_changed"] == 0 and m.figures["callers_served_by_candidate"] == 0
    # weight 1:1 mirrors every request; the candidate fails on every other call, all of it logged, none returned
    assert m.figures["mirrored_to_shadow"] == 60
    assert m.figures["shadow_errors_logged"] == 30


def test_candidate_as_a_second_production_variant_changes_answers():
    # Opposite verdict: the same candidate as a production variant of equal weight answers (or fails) for callers.
    m = measures.shadow_never_changes_answers(0, requests=60, mode="production")
    assert m.verdict == "refuted"
    # about half the requests go to the candidate (weights 1:1), and each of those differs or fails:
    # binomial(60, 1/2) lies in [15, 45] with probability > 0.9999
    assert 15 <= m.figures["answers_changed"] <= 45
    assert m.figures["answers_changed"] == m.figures["callers_served_by_candidate"] + m.figures["caller_errors"]


def test_shadow_measure_refuses_an_unknown_mode():
    with pytest.raises(ValueError, match="mode"):
        measures.shadow_never_changes_answers(0, mode="canary")


def test_canary_limits_blast_radius_only_with_an_alarm():
    m = measures.canary_limits_blast_radius(0)
    assert m.verdict == "holds with conditions"
    # a 10 % canary caught in its first bake exposes about a tenth of what all at once exposes (rule: < 0.5)
    assert m.figures["ratio_canary_to_all"] == pytest.approx(0.1, abs=0.05)
    # without an alarm both policies end on full traffic: within 10 % of each other
    assert m.figures["blast_canary_no_alarm"] == pytest.approx(m.figures["blast_all_at_once_no_alarm"], rel=0.1)
    assert "alarm" in m.condition


def test_canary_too_small_for_the_alarm_is_refuted():
    # Opposite verdict: a model with 3 % errors on a 10 % canary moves the endpoint's error rate to about
    # 0.9 x 0.5 % + 0.1 x 3 % = 0.75 %, under the 2 % alarm; the canary goes to full traffic and is caught only
    # then, so it exposes more than all at once (which the alarm catches at once: 3 % > 2 %).
    m = measures.canary_limits_blast_radius(0, bad_error_rate=0.03, repeats=1)
    assert m.verdict == "refuted"
    assert m.figures["ratio_canary_to_all"] > 1.0


def test_same_seed_gives_identical_figures():
    a = measures.canary_limits_blast_radius(4, repeats=1)
    b = measures.canary_limits_blast_radius(4, repeats=1)
    assert a.to_dict() == b.to_dict()


def test_linear_first_step_is_as_small_as_a_canary_refutes_the_notes():
    m = measures.linear_first_step_like_canary(0, repeats=1)
    assert m.verdict == "refuted"
    # same seed, same 10 % first step, same alarm: the two runs are identical until the rollback
    assert m.figures["ratio_linear_to_canary"] == 1.0
    # the price of linear is time: ten steps of 600 s bake instead of two (5,700 s vs 900 s in the simulation)
    assert m.figures["good_full_traffic_s_linear"] > 5 * m.figures["good_full_traffic_s_canary"]


def test_linear_with_larger_steps_than_the_canary_holds():
    # Opposite verdict: 50 % linear steps against a 10 % canary expose about five times as many requests.
    m = measures.linear_first_step_like_canary(0, linear_step_percent=50, repeats=1)
    assert m.verdict == "holds"
    assert m.figures["ratio_linear_to_canary"] == pytest.approx(5.0, rel=0.2)  # 50 % / 10 % of the traffic


def test_shadow_measure_with_nothing_mirrored_is_an_error_not_a_verdict(monkeypatch):
    # A shadow that never ran proves nothing: the measure raises, and the ledger shows an error row.
    import pandas as pd

    from mlkit.inference.variants import VariantEndpoint

    monkeypatch.setattr(VariantEndpoint, "shadow_log", lambda self: pd.DataFrame(columns=["shadow_error"]))
    with pytest.raises(RuntimeError, match="mirrored"):
        measures.shadow_never_changes_answers(0, requests=8)
