"""Deployment guardrails in simulated time: routing steps, alarms, auto-rollback, blast radius, in place, export."""

import math

import pytest

from mlkit.aws import validate_request
from mlkit.inference.deployment import (
    IN_PLACE,
    BlueGreenUpdatePolicy,
    CapacitySize,
    CloudWatchAlarm,
    DeploymentConfig,
    ModelHealth,
    TrafficRoutingConfig,
    UpdateEndpoint,
    compare_policies,
    simulate_rollout,
)

Z999 = 3.2905


def all_at_once(wait=600, **kw):
    return BlueGreenUpdatePolicy(TrafficRoutingConfig("ALL_AT_ONCE", wait), **kw)


def canary(percent=10, wait=600, **kw):
    return BlueGreenUpdatePolicy(TrafficRoutingConfig("CANARY", wait, CanarySize=CapacitySize("CAPACITY_PERCENT", percent)),
                                 **kw)


def linear(percent=25, wait=600, **kw):
    return BlueGreenUpdatePolicy(
        TrafficRoutingConfig("LINEAR", wait, LinearStepSize=CapacitySize("CAPACITY_PERCENT", percent)), **kw)


ERRORS = CloudWatchAlarm.error_rate("errors-over-2pct", 0.02)
BAD = ModelHealth(error_rate=0.2)
GOOD = ModelHealth()


# -- the routing steps ---------------------------------------------------------------------
def test_linear_steps_reach_full_traffic_in_equal_steps():
    assert linear(25).TrafficRoutingConfiguration.steps(4) == [0.25, 0.5, 0.75, 1.0]
    assert linear(30).TrafficRoutingConfiguration.steps(4) == [0.3, 0.6, 0.9, 1.0]


def test_canary_counts_instances_of_the_fleet():
    trc = TrafficRoutingConfig("CANARY", 60, CanarySize=CapacitySize("INSTANCE_COUNT", 1))
    assert trc.steps(4) == [0.25, 1.0]


def test_all_at_once_is_one_step():
    assert all_at_once().TrafficRoutingConfiguration.steps(3) == [1.0]


# -- bad input -----------------------------------------------------------------------------
def test_a_canary_size_over_100_percent_is_refused():
    with pytest.raises(ValueError, match="between 1 and 100 when Type is CAPACITY_PERCENT, got 150"):
        CapacitySize("CAPACITY_PERCENT", 150)


def test_a_canary_over_half_the_fleet_is_refused():
    with pytest.raises(ValueError, match="CanarySize must be at most 50 % of the fleet, got 60 %"):
        canary(60)
    trc = TrafficRoutingConfig("CANARY", 60, CanarySize=CapacitySize("INSTANCE_COUNT", 3))
    with pytest.raises(ValueError, match="3 of 4 instances is 75%"):
        simulate_rollout(BlueGreenUpdatePolicy(trc), GOOD, instance_count=4)


def test_an_instance_count_over_the_fleet_is_refused():
    with pytest.raises(ValueError, match="at most the fleet's 2 instances"):
        CapacitySize("INSTANCE_COUNT", 3).fraction(2)


@pytest.mark.parametrize("make, message", [
    (lambda: TrafficRoutingConfig("CANARY", 60), "CANARY routing needs CanarySize"),
    (lambda: TrafficRoutingConfig("LINEAR", 60, CanarySize=CapacitySize("CAPACITY_PERCENT", 10)), "LINEAR routing needs"),
    (lambda: TrafficRoutingConfig("ALL_AT_ONCE", 60, CanarySize=CapacitySize("CAPACITY_PERCENT", 10)), "takes neither"),
    (lambda: linear(5), "LinearStepSize must be 10-50 %"),
    (lambda: TrafficRoutingConfig("ALL_AT_ONCE", 4000), "WaitIntervalInSeconds must be an integer >= 0 and <= 3600"),
    (lambda: TrafficRoutingConfig("BLUE", 60), "TrafficRoutingConfiguration.Type must be one of"),
    (lambda: CapacitySize("PERCENT", 10), "CapacitySize.Type must be one of"),
    (lambda: all_at_once(MaximumExecutionTimeoutInSeconds=100), "MaximumExecutionTimeoutInSeconds must be an integer >= 600"),
    (lambda: CloudWatchAlarm("a", "ModelLatency", "p99", 1.0, Period=90), "Period must be a multiple of 60"),
    (lambda: CloudWatchAlarm("a", "CPUUtilization", "Average", 1.0), "MetricName must be one of"),
    (lambda: CloudWatchAlarm("a", "ModelLatency", "p99", 1.0, EvaluationPeriods=2, DatapointsToAlarm=3),
     "DatapointsToAlarm must be an integer >= 1 and <= 2"),
    (lambda: simulate_rollout("BLUE_GREEN", GOOD), "policy must be a BlueGreenUpdatePolicy"),
    (lambda: simulate_rollout(canary(), GOOD, rate_rps=0), "rate_rps must be a finite number > 0"),
    (lambda: simulate_rollout(canary(), GOOD, alarms=[ERRORS, ERRORS]), "distinct AlarmName"),
    (lambda: ModelHealth(error_rate=1.5), "error_rate must be a finite number >= 0.0 and <= 1.0, got 1.5"),
])
def test_bad_deployment_input_is_refused_with_the_parameter_named(make, message):
    with pytest.raises(ValueError, match=message):
        make()


# -- alarms --------------------------------------------------------------------------------
def test_an_alarm_needs_datapoints_to_alarm_of_the_last_evaluation_periods():
    a = CloudWatchAlarm.error_rate("e", 0.1, EvaluationPeriods=3, DatapointsToAlarm=2)
    assert not a.in_alarm([0.5, 0.0, 0.0])      # the breach is older than the last 3
    assert not a.in_alarm([0.0, 0.2, 0.05])     # one breach of three
    assert a.in_alarm([0.2, 0.0, 0.3])          # two of three


def test_missing_data_does_not_breach():
    a = CloudWatchAlarm.error_rate("e", 0.0)
    assert a.datapoint([], []) is None and not a.in_alarm([None])


def test_the_latency_alarm_works_in_microseconds_like_model_latency():
    a = CloudWatchAlarm.latency("slow", 100)  # 100 ms
    assert a.datapoint([0, 0], [50.0, 150.0]) == pytest.approx(149_000.0)  # p99 of 50/150 ms, in µs
    assert a.breaches(a.datapoint([0, 0], [50.0, 150.0]))


# -- rollouts of a good model: the times follow from the policy ----------------------------
def test_a_good_all_at_once_rollout_takes_provisioning_plus_bake_plus_termination_wait():
    r = simulate_rollout(all_at_once(600, TerminationWaitInSeconds=120), GOOD, alarms=[ERRORS], seed=0)
    assert r.outcome == "completed"
    assert r.full_traffic_s == 300 and r.finished_s == 300 + 600 + 120  # provisioning 300 s


def test_a_good_linear_rollout_reaches_full_traffic_after_all_steps():
    r = simulate_rollout(linear(25, wait=300), GOOD, alarms=[ERRORS], seed=0)
    assert r.outcome == "completed"
    assert r.full_traffic_s == 300 + 3 * 300 and r.finished_s == 300 + 4 * 300
    shares = r.events["green_share"].tolist()
    assert [0.25, 0.5, 0.75, 1.0] == [s for s in dict.fromkeys(shares) if s > 0]


def test_a_good_canary_serves_the_canary_share_while_baking():
    r = simulate_rollout(canary(10, wait=600), GOOD, alarms=[ERRORS], rate_rps=50, seed=1)
    bake = r.timeline[(r.timeline.time_s > 360) & (r.timeline.time_s <= 900)]  # whole minutes at 10 %
    n, k = bake.requests.sum(), bake.served_by_new.sum()
    # served_by_new is Binomial(n, 0.1) given n
    assert abs(k / n - 0.1) <= Z999 * math.sqrt(0.1 * 0.9 / n)


# -- rollouts of a bad model: alarms and rollback ----------------------------------------
def test_a_bad_canary_is_rolled_back_at_the_first_alarm():
    r = simulate_rollout(canary(10), BAD, alarms=[ERRORS], seed=0)
    assert r.outcome == "rolled back"
    assert r.alarm_s == r.rollback_s == r.finished_s
    assert math.isnan(r.full_traffic_s)
    after = r.timeline[r.timeline.time_s > r.rollback_s + 60]
    assert after.served_by_new.sum() == 0


def test_the_canary_blast_radius_is_its_share_of_the_traffic_until_the_alarm():
    r = simulate_rollout(canary(10), BAD, alarms=[ERRORS], rate_rps=20, seed=3)
    # the bad model served 10 % of 20 rps from the canary step (300 s) to the alarm: Poisson mean 2 * exposure
    exposure = r.alarm_s - 300
    mean = 20 * 0.1 * exposure
    assert abs(r.blast_radius - mean) <= Z999 * math.sqrt(mean)


def test_a_canary_has_a_smaller_blast_radius_than_all_at_once():
    table = compare_policies({"ALL_AT_ONCE": all_at_once(), "CANARY": canary(10)}, bad=BAD, alarms=[ERRORS], repeats=3)
    # all at once exposes 100 % for the first minute (~1200 requests), a 10 % canary about a tenth of that
    assert table.loc["CANARY", "blast_radius"] < table.loc["ALL_AT_ONCE", "blast_radius"] / 5
    assert (table["rolled_back"] == 1.0).all() and (table["good_rolled_back"] == 0.0).all()
    assert table.loc["ALL_AT_ONCE", "good_full_traffic_s"] < table.loc["CANARY", "good_full_traffic_s"]


def test_a_latency_alarm_rolls_back_a_slow_model():
    slow = ModelHealth(error_rate=0.005, latency_ms=200, latency_p99_ms=800)
    r = simulate_rollout(all_at_once(), slow, alarms=[CloudWatchAlarm.latency("p99-over-300ms", 300)], seed=0)
    assert r.outcome == "rolled back"


def test_without_alarms_a_bad_model_takes_all_the_traffic():
    r = simulate_rollout(canary(10), BAD, alarms=[], seed=0)
    assert r.outcome == "completed" and r.full_traffic_s == 900
    assert math.isnan(r.alarm_s)


def test_a_rollout_longer_than_the_maximum_execution_timeout_is_rolled_back():
    policy = linear(10, wait=600, MaximumExecutionTimeoutInSeconds=1800)  # 10 steps x 600 s > 1800 s
    r = simulate_rollout(policy, GOOD, alarms=[ERRORS], seed=0)
    assert r.outcome == "timed out" and r.finished_s == 1800


def test_a_deployment_config_brings_its_own_alarms():
    r = simulate_rollout(DeploymentConfig(canary(10), [ERRORS]), BAD, seed=0)
    assert r.outcome == "rolled back"


def test_the_same_seed_gives_the_same_rollout():
    a = simulate_rollout(linear(25), BAD, alarms=[ERRORS], seed=5)
    b = simulate_rollout(linear(25), BAD, alarms=[ERRORS], seed=5)
    assert a.blast_radius == b.blast_radius and a.timeline.equals(b.timeline)


# -- in place ------------------------------------------------------------------------------
def test_in_place_drops_the_requests_of_the_restart_and_waits_for_a_person():
    r = simulate_rollout(IN_PLACE, BAD, alarms=[ERRORS], rate_rps=20, restart_s=120, manual_rollback_s=900, seed=0)
    assert r.outcome == "rolled back"
    assert r.rollback_s == r.alarm_s + 900 and r.finished_s == r.rollback_s + 120
    # two restarts of 120 s each at 20 rps: Poisson mean 4800 requests refused
    assert abs(r.unavailable - 4800) <= Z999 * math.sqrt(4800)
    assert r.blast_radius > 10 * simulate_rollout(canary(10), BAD, alarms=[ERRORS], seed=0).blast_radius


def test_a_good_in_place_update_still_drops_the_restart():
    r = simulate_rollout(IN_PLACE, GOOD, alarms=[ERRORS], restart_s=60, seed=0)
    assert r.outcome == "completed, no rollback" and r.unavailable > 0 and r.full_traffic_s == 60


# -- export --------------------------------------------------------------------------------
def test_update_endpoint_with_a_canary_and_alarms_validates_against_botocore():
    latency = CloudWatchAlarm.latency("p99-over-300ms", 300)
    cfg = DeploymentConfig(canary(10, TerminationWaitInSeconds=300, MaximumExecutionTimeoutInSeconds=3600),
                           [ERRORS, latency])
    req = UpdateEndpoint("shop", "shop-v2", cfg).validate()
    bg = req["DeploymentConfig"]["BlueGreenUpdatePolicy"]
    assert bg["TrafficRoutingConfiguration"] == {"Type": "CANARY", "WaitIntervalInSeconds": 600,
                                                 "CanarySize": {"Type": "CAPACITY_PERCENT", "Value": 10}}
    assert req["DeploymentConfig"]["AutoRollbackConfiguration"] == {
        "Alarms": [{"AlarmName": "errors-over-2pct"}, {"AlarmName": "p99-over-300ms"}]}


def test_linear_update_request_validates():
    req = UpdateEndpoint("shop", "shop-v2", DeploymentConfig(linear(20))).to_request()
    validate_request("sagemaker", "UpdateEndpoint", req)
    assert "AutoRollbackConfiguration" not in req["DeploymentConfig"]


def test_the_alarms_export_as_cloudwatch_put_metric_alarm():
    assert ERRORS.validate()["Statistic"] == "Average"
    lat = CloudWatchAlarm.latency("p99", 300).validate()
    assert lat["ExtendedStatistic"] == "p99" and "Statistic" not in lat and lat["Threshold"] == 300_000.0


def test_more_than_ten_alarms_are_refused():
    alarms = [CloudWatchAlarm.error_rate(f"a{i}", 0.1) for i in range(11)]
    with pytest.raises(ValueError, match="at most 10 alarms"):
        DeploymentConfig(canary(), alarms)
