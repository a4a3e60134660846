"""Autoscaling in simulated time: schedules, target tracking, scheduled actions, both, and the exported requests."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from mlkit import datasets
from mlkit.inference.autoscaling import (
    Schedule,
    ScalableTarget,
    ScheduledAction,
    TargetTrackingPolicy,
    compare_scaling,
    scaling_requests,
    simulate_scaling,
)

MON = dt.datetime(2026, 1, 5)  # the traffic dataset starts on Monday 2026-01-05 00:00


@pytest.fixture(scope="module")
def week():
    return datasets.traffic(days=7, base_rps=80.0, seed=0)


def _flat(rps_per_minute, minutes=240):
    """A frame of constant traffic: `rps_per_minute` requests in every 1-minute row."""
    ts = pd.date_range(MON, periods=minutes, freq="1min")
    return pd.DataFrame({"timestamp": ts, "requests": np.asarray(rps_per_minute, dtype=np.int64)
                         if np.ndim(rps_per_minute) else np.full(minutes, rps_per_minute)})


# -- schedules ---------------------------------------------------------------------
def test_cron_wednesday_morning_fires_once_a_week():
    times = Schedule("cron(0 8 ? * WED *)").fire_times(MON, MON + dt.timedelta(days=14))
    assert times == [dt.datetime(2026, 1, 7, 8), dt.datetime(2026, 1, 14, 8)]


def test_cron_ranges_lists_and_steps():
    s = Schedule("cron(0/30 9-10 ? * MON,FRI 2026)")
    times = s.fire_times(MON, MON + dt.timedelta(days=7))
    # Monday and Friday, 9:00, 9:30, 10:00, 10:30
    assert [t.strftime("%a %H:%M") for t in times] == [
        "Mon 09:00", "Mon 09:30", "Mon 10:00", "Mon 10:30", "Fri 09:00", "Fri 09:30", "Fri 10:00", "Fri 10:30"]


def test_cron_day_numbers_count_from_sunday():
    # AWS cron: 1 = Sunday, so 4 = Wednesday
    assert Schedule("cron(0 8 ? * 4 *)").fire_times(MON, MON + dt.timedelta(days=7)) == [dt.datetime(2026, 1, 7, 8)]


def test_at_and_rate_schedules():
    assert Schedule("at(2026-01-06T12:00:00)").fire_times(MON, MON + dt.timedelta(days=7)) == [
        dt.datetime(2026, 1, 6, 12)]
    assert len(Schedule("rate(6 hours)").fire_times(MON, MON + dt.timedelta(days=1))) == 4


@pytest.mark.parametrize("expr, why", [
    ("cron(0 8 * * WED *)", "one of day-of-month and day-of-week must be '?'"),
    ("cron(0 8 ? * WED)", "needs 6 fields"),
    ("cron(61 8 ? * WED *)", "values must be within 0-59"),
    ("cron(0 8 ? * FUNDAY *)", "unknown name"),
    ("cron(0 8 ? * 6L *)", "L, W and # are not supported"),
    ("every wednesday", "must be at\\(yyyy-mm-ddThh:mm:ss\\), rate\\(value unit\\) or cron"),
    ("rate(0 minutes)", "positive whole number"),
])
def test_bad_schedule_is_refused_naming_the_problem(expr, why):
    with pytest.raises(ValueError, match=f"Schedule .* does not parse: .*{why}"):
        Schedule(expr)


def test_scheduled_action_with_a_bad_cron_is_refused():
    with pytest.raises(ValueError, match="does not parse"):
        ScheduledAction("wednesday", "cron(0 8 * * WED *)", MinCapacity=4)


# -- targets and bad input ---------------------------------------------------------------
def test_min_capacity_above_max_is_refused():
    with pytest.raises(ValueError, match="MinCapacity must be <= MaxCapacity, got MinCapacity=5 > MaxCapacity=2"):
        ScalableTarget("demo", MinCapacity=5, MaxCapacity=2)


def test_scheduled_action_min_above_max_is_refused():
    with pytest.raises(ValueError, match="MinCapacity must be <= MaxCapacity"):
        ScheduledAction("bad", "cron(0 8 ? * WED *)", MinCapacity=5, MaxCapacity=2)


def test_scheduled_action_that_leaves_min_above_max_fails_when_it_fires():
    target = ScalableTarget("demo", MinCapacity=1, MaxCapacity=3)
    action = ScheduledAction("too-high", "at(2026-01-05T01:00:00)", MinCapacity=5)
    with pytest.raises(ValueError, match="'too-high' at t=3600s leaves MinCapacity=5 > MaxCapacity=3"):
        simulate_scaling(_flat(100), target, scheduled=[action])


def test_policy_target_value_must_be_positive():
    with pytest.raises(ValueError, match="TargetValue must be a finite number > 0.0"):
        TargetTrackingPolicy(TargetValue=-5)


# -- simulation ----------------------------------------------------------------------------
def test_no_scaling_keeps_the_fleet_and_bills_it_all_week(week):
    r = simulate_scaling(week, ScalableTarget("demo", MinCapacity=1, MaxCapacity=10), initial_instances=4)
    assert (r.timeline["instances"] == 4).all()
    # 4 instances x 168 hours, at the illustrative ml.m5.large price of 0.115 USD/hour
    assert r.summary.instance_hours == pytest.approx(4 * 168)
    assert r.summary.cost == pytest.approx(4 * 168 * 0.115)


def test_target_tracking_follows_the_metric_to_the_formula():
    # 6000 requests/min against a target of 1000/instance: ceil(1 * 6000 / 1000) = 6 instances
    target = ScalableTarget("demo", MinCapacity=1, MaxCapacity=10)
    policy = TargetTrackingPolicy(TargetValue=1000.0, ScaleOutCooldown=60)
    r = simulate_scaling(_flat(6000, 60), target, policy=policy, initial_instances=1, instance_start_s=120)
    first = r.activities[0]
    # the alarm needs 3 periods above target: scale-out at the end of minute 3
    assert (first["activity"], first["capacity"], first["time_s"]) == ("scale-out", 6, 180.0)
    # 120 s later the instances serve; from then on the fleet is 6
    assert r.timeline["instances"].iloc[10:].eq(6).all()


def test_scale_in_waits_for_fifteen_low_periods_and_the_cooldown():
    target = ScalableTarget("demo", MinCapacity=1, MaxCapacity=10)
    policy = TargetTrackingPolicy(TargetValue=1000.0, ScaleInCooldown=600)
    r = simulate_scaling(_flat(500, 60), target, policy=policy, initial_instances=4)
    first = r.activities[0]
    # metric 500/4 = 125 < 0.9 * 1000 from minute 1; the 15th low period ends at 900 s (cooldown long past);
    # new capacity ceil(4 * 125 / 1000) = 1
    assert (first["activity"], first["capacity"], first["time_s"]) == ("scale-in", 1, 900.0)


def test_max_capacity_caps_target_tracking_and_overload_is_throttled():
    target = ScalableTarget("demo", MinCapacity=1, MaxCapacity=2)
    policy = TargetTrackingPolicy(TargetValue=1000.0)
    r = simulate_scaling(_flat(20_000, 60), target, policy=policy, initial_instances=1)
    assert r.timeline["billed_instances"].max() == 2
    # capacity: 2 instances x 4 workers / mean service (100 ms median, lognormal sigma from p99 300 ms)
    # x 95 % x 60 s, far below 20,000 a minute: most requests are throttled
    assert r.summary.throttle_rate > 0.7


def test_scheduled_action_raises_the_minimum_on_wednesday(week):
    target = ScalableTarget("demo", MinCapacity=1, MaxCapacity=10)
    action = ScheduledAction("wednesday-peak", "cron(0 8 ? * WED *)", MinCapacity=6)
    r = simulate_scaling(week, target, scheduled=[action], initial_instances=2, instance_start_s=300)
    tl = r.timeline.set_index("timestamp")
    assert tl.loc["2026-01-07 07:59", "instances"] == 2
    assert tl.loc["2026-01-07 08:05", "instances"] == 6  # started at 08:00, in service 5 minutes later
    assert tl.loc["2026-01-07 08:01", "min_capacity"] == 6


def test_scheduled_max_below_the_fleet_scales_in_at_once(week):
    target = ScalableTarget("demo", MinCapacity=1, MaxCapacity=10)
    action = ScheduledAction("friday-evening", "cron(0 18 ? * FRI *)", MaxCapacity=2)
    r = simulate_scaling(week, target, scheduled=[action], initial_instances=5)
    tl = r.timeline.set_index("timestamp")
    # the row of 18:00 is the period that starts when the action fires
    assert tl.loc["2026-01-09 17:59", "instances"] == 5 and tl.loc["2026-01-09 18:00", "instances"] == 2


def test_combined_policy_stays_within_the_scheduled_bounds(week):
    target = ScalableTarget("demo", MinCapacity=1, MaxCapacity=10)
    policy = TargetTrackingPolicy(TargetValue=1200.0)
    actions = [ScheduledAction("wednesday-peak", "cron(0 8 ? * WED *)", MinCapacity=6),
               ScheduledAction("friday-evening", "cron(0 18 ? * FRI *)", MinCapacity=1, MaxCapacity=3)]
    r = simulate_scaling(week, target, policy=policy, scheduled=actions, initial_instances=4)
    tl = r.timeline.set_index("timestamp")
    wed = tl.loc["2026-01-07 08:10":"2026-01-09 17:59", "billed_instances"]
    weekend = tl.loc["2026-01-09 18:01":, "billed_instances"]
    assert wed.min() >= 6 and weekend.max() <= 3
    assert r.summary.scale_outs > 0 and r.summary.scale_ins > 0  # the policy still acts between the bounds


def test_target_tracking_is_cheaper_than_a_fleet_sized_for_the_peak(week):
    table = compare_scaling(week, ScalableTarget("demo", MinCapacity=1, MaxCapacity=10), TargetTrackingPolicy(TargetValue=1200.0),
                            [ScheduledAction("wednesday-peak", "cron(0 8 ? * WED *)", MinCapacity=6)],
                            initial_instances=7)
    assert list(table.index) == ["none", "target tracking", "scheduled", "combined"]
    # 7 instances always on serve the peak; tracking pays only for what the daily cycle needs
    assert table.loc["target tracking", "cost"] < 0.8 * table.loc["none", "cost"]
    assert table.loc["target tracking", "throttle_rate"] < 0.01


def test_same_seed_same_numbers(week):
    kw = dict(policy=TargetTrackingPolicy(TargetValue=1200.0), initial_instances=3, seed=5)
    a = simulate_scaling(week, ScalableTarget("demo", MinCapacity=1, MaxCapacity=10), **kw).summary
    b = simulate_scaling(week, ScalableTarget("demo", MinCapacity=1, MaxCapacity=10), **kw).summary
    assert a == b


def test_latency_grows_when_instances_are_busier():
    target = ScalableTarget("demo", MinCapacity=1, MaxCapacity=1)
    light = simulate_scaling(_flat(300, 60), target).summary
    heavy = simulate_scaling(_flat(2000, 60), target).summary
    # one instance, 4 workers: 2000/min is near saturation (Erlang C waits), 300/min is not
    assert heavy.p99_ms > 1.5 * light.p99_ms and light.p50_ms == pytest.approx(100, rel=0.1)


# -- requests ---------------------------------------------------------------------------
def test_exported_requests_validate_against_application_autoscaling():
    target = ScalableTarget("demo", MinCapacity=1, MaxCapacity=10)
    policy = TargetTrackingPolicy(TargetValue=1200.0, ScaleOutCooldown=60, ScaleInCooldown=600)
    actions = [ScheduledAction("wednesday-peak", "cron(0 8 ? * WED *)", MinCapacity=6),
               ScheduledAction("friday-evening", "cron(0 18 ? * FRI *)", MaxCapacity=3)]
    reqs = scaling_requests(target, policy, actions)
    assert [op for op, _ in reqs] == ["RegisterScalableTarget", "PutScalingPolicy", "PutScheduledAction",
                                      "PutScheduledAction"]
    spec = reqs[1][1]["TargetTrackingScalingPolicyConfiguration"]
    assert spec["PredefinedMetricSpecification"]["PredefinedMetricType"] == "SageMakerVariantInvocationsPerInstance"
    assert reqs[0][1]["ResourceId"] == "endpoint/demo/variant/AllTraffic"
    assert reqs[3][1]["ScalableTargetAction"] == {"MaxCapacity": 3}


def test_register_scalable_target_validates_with_the_mixin():
    assert ScalableTarget("demo", MinCapacity=2, MaxCapacity=6).validate()["ScalableDimension"] == "sagemaker:variant:DesiredInstanceCount"


# -- the vectorised control loop --------------------------------------------------------
@pytest.mark.parametrize("policy_kw, scheduled, start_s, initial", [
    ({"TargetValue": 300.0, "ScaleOutCooldown": 0, "ScaleInCooldown": 0}, True, 0.0, 1),
    ({"TargetValue": 1200.0, "ScaleOutCooldown": 300, "ScaleInCooldown": 900}, True, 300.0, 5),
    ({"TargetValue": 2500.0, "ScaleOutCooldown": 60, "ScaleInCooldown": 300, "DisableScaleIn": True}, False, 300.0, 2),
    (None, True, 120.0, 3),
])
def test_stretch_loop_equals_one_event_per_period(week, monkeypatch, policy_kw, scheduled, start_s, initial):
    from mlkit.inference import autoscaling

    actions = [ScheduledAction("weekday-bounds", "cron(0 6 ? * MON *)", MinCapacity=2, MaxCapacity=8),
               ScheduledAction("wednesday-peak", "cron(0 8 ? * WED *)", MinCapacity=6, MaxCapacity=10),
               ScheduledAction("friday-evening", "cron(0 18 ? * FRI *)", MinCapacity=1, MaxCapacity=3)]
    kw = dict(policy=TargetTrackingPolicy(**policy_kw) if policy_kw else None, scheduled=actions if scheduled else [],
              instance_start_s=start_s, initial_instances=initial, seed=1)
    target = ScalableTarget("demo", MinCapacity=1, MaxCapacity=10)
    monkeypatch.setattr(autoscaling, "_FAST_CONTROL", False)
    reference = simulate_scaling(week, target, **kw)
    monkeypatch.setattr(autoscaling, "_FAST_CONTROL", True)
    fast = simulate_scaling(week, target, **kw)
    # the same decisions in the same order: every number identical, not merely close
    pd.testing.assert_frame_equal(fast.timeline, reference.timeline, check_exact=True)
    assert fast.summary == reference.summary and fast.activities == reference.activities
    assert reference.summary.scale_outs + len(reference.activities) > 0  # the case does scale


def test_erlang_c_array_matches_the_scalar_formula():
    from mlkit.inference.autoscaling import _erlang_c, _erlang_c_array

    loads = np.array([0.0, 0.5, 3.9, 7.2, 11.99])
    expected = [_erlang_c(12, a) for a in loads]
    # same operations in the same order: equal to the last bit
    assert _erlang_c_array(12, loads).tolist() == expected
