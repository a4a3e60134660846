"""The monitor topic's claims: each verdict rule can fail, and the default run gives the recorded verdict."""

import pytest

from mlkit.claims.measures import monitor as m


def test_outdated_baseline_is_refuted_when_the_data_barely_moves():
    # 0.02 sd moves the payments' CDF by well under the 0.1 L-infinity threshold: the old baseline stays quiet
    r = m.outdated_baseline(0, size=0.02, days=3, rows_per_hour=4)
    assert r.verdict == "refuted"
    assert r.figures["share_violating_old_baseline"] < 0.8


def test_outdated_baseline_keeps_violating_until_rebaselined():
    r = m.outdated_baseline(0)
    assert r.verdict == "holds"
    # 1 sd of shift: every run after the redeploy violates against the old baseline, none against the new
    assert r.figures["share_violating_old_baseline"] == 1.0
    assert r.figures["share_violating_new_baseline"] == 0.0
    assert r.figures["runs_after_redeploy"] == 2  # the runs of days 3 and 4, after the day-2 redeploy


def test_data_quality_drift_is_refuted_without_a_drift():
    r = m.data_quality_drift(0, size=0.0, days=3, drift_day=1, rows_per_hour=4)
    assert r.verdict == "refuted"
    assert r.figures["daily_delay_hours"] == -1.0  # never flagged


def test_data_quality_drift_holds_without_false_alarms_when_the_alarm_threshold_fits_the_window():
    # a threshold of 1.0 (the largest possible distance) cannot be breached: no false alarm, so plain "holds"
    r = m.data_quality_drift(0, days=3, drift_day=1, rows_per_hour=4, alarm_threshold=1.0)
    assert r.verdict == "holds"
    assert r.figures["hourly_false_alarm_runs"] == 0


def test_data_quality_drift_default_flags_within_a_day_with_false_hourly_alarms():
    r = m.data_quality_drift(0)
    assert r.verdict == "holds with conditions"
    # a daily run analyses the previous 24 h: the first run after the drift day is exactly 24 h later
    assert r.figures["daily_delay_hours"] == 24.0
    assert r.figures["daily_false_violation_runs"] == 0
    assert r.figures["hourly_false_alarm_runs"] > 0
    assert "ALARM" in r.condition


def test_attribution_reversal_of_spread_attributions_is_always_flagged():
    # a reversal of (0.7, 0.5, 0.05) scores 0.69 (the notes' table): the "close" case is then flagged too
    r = m.attribution_ranking_reversed(0, close_training=(0.70, 0.50, 0.05))
    assert r.verdict == "holds"


def test_attribution_claim_is_refuted_when_the_reversal_is_among_equal_features():
    r = m.attribution_ranking_reversed(0, training=(0.40, 0.35, 0.30), live=(0.30, 0.35, 0.40))
    assert r.verdict == "refuted"
    assert r.figures["violation_notes_table"] == 0


def test_attribution_default_flags_the_notes_table_but_not_a_close_reversal():
    r = m.attribution_ranking_reversed(0)
    assert r.verdict == "holds with conditions"
    # nDCG by hand: DCG = 0.05 + 0.5/log2(3) + 0.7/2 = 0.7155; iDCG = 0.7 + 0.5/log2(3) + 0.05/2 = 1.0405
    assert abs(r.figures["ndcg_notes_table"] - 0.71547 / 1.04047) < 1e-4
    # close: DCG = 0.30 + 0.35/log2(3) + 0.40/2 = 0.72083; iDCG = 0.40 + 0.35/log2(3) + 0.30/2 = 0.77083
    assert abs(r.figures["ndcg_close_reversal"] - 0.72083 / 0.77083) < 1e-4



def test_outdated_baseline_names_days_too_short_for_a_run_after_the_redeploy():
    with pytest.raises(ValueError, match=r"days must be an integer >= 3 and <= 60, got 2"):
        m.outdated_baseline(0, days=2)


def test_data_quality_drift_names_a_drift_day_without_a_daily_run_after_it():
    with pytest.raises(ValueError, match=r"drift_day must be an integer >= 1 and <= 2, got 3"):
        m.data_quality_drift(0, days=4, drift_day=3)
