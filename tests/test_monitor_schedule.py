"""Schedules over simulated captured traffic: detection, alarms, the outdated baseline."""

import pandas as pd
import pytest

from mlkit.aws import validate_request
from mlkit.monitor import MonitorAlarm, suggest_baseline
from mlkit.monitor.schedule import DAILY, CronSchedule, simulate_drift
from mlkit.storage import LocalBucketStore


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    return simulate_drift(days=4, drift_day=2, size=1.5, rows_per_hour=12, reference_rows=1000,
                          store=LocalBucketStore(tmp_path_factory.mktemp("bucket")), seed=0)


def test_cron_forms_give_the_right_run_times():
    assert len(CronSchedule("cron(0 * ? * * *)").times("2026-01-05T00:00Z", "2026-01-06T00:00Z")) == 24
    daily = CronSchedule("cron(0 6 ? * * *)").times("2026-01-05T00:00Z", "2026-01-08T00:00Z")
    assert [t.day for t in daily] == [5, 6, 7] and {t.hour for t in daily} == {6}
    assert len(CronSchedule("cron(0 0/6 ? * * *)").times("2026-01-05T00:00Z", "2026-01-06T00:00Z")) == 4


def test_scenario_writes_one_capture_per_claim(scenario):
    from mlkit.monitor import read_captures

    window = read_captures(scenario.store, scenario.capture_uri)
    assert len(window.frame) == scenario.truth["live_rows"] and window.bad_lines == []


def test_daily_schedule_catches_the_drift_the_first_run_after_it(scenario):
    alarm = MonitorAlarm("pv-drift", "feature_baseline_drift_payment_value", 0.1)
    run = scenario.run(DAILY, alarms=[alarm], model_quality=False)
    d = run.detection(scenario.truth["drift_start"], feature="payment_value", alarm="pv-drift")
    # the run at midnight of drift_day+1 is the first to see a day of drifted data: 24 h after the drift
    assert d["violation_delay_hours"] == 24.0 and d["alarm_delay_hours"] == 24.0
    assert d["false_violation_runs"] == 0 and d["false_alarm_runs"] == 0


def test_runs_emit_a_metric_time_series_and_statuses(scenario):
    run = scenario.run(DAILY, model_quality=True)
    # 4 days of traffic, a daily run at each midnight after the start up to the end: 4 runs, each on a day of
    # captured traffic (none on the empty day before it, and the last day is analysed too)
    assert len(run.executions) == 4 and "Failed" not in set(run.executions.status)
    assert {"feature_baseline_drift_payment_value", "feature_non_null_payment_value", "accuracy"} <= set(run.metrics)
    assert len(run.metrics) == 4
    assert str(run.executions.time.iloc[-1]) == str(pd.Timestamp(scenario.truth["end"]))


def test_outdated_baseline_flags_new_traffic_and_rebaselining_clears_it(scenario):
    live = scenario.live
    new_training = live[live.time >= scenario.truth["drift_start"]][["payment_value", "account_duration"]]
    old = scenario.schedule(DAILY, model_quality=False).run("2026-01-08T00:00Z", "2026-01-09T00:00Z")
    new = scenario.schedule(DAILY, model_quality=False, baseline=suggest_baseline(new_training)) \
        .run("2026-01-08T00:00Z", "2026-01-09T00:00Z")
    assert "baseline_drift_check" in set(old.violations.constraint_check_type)
    assert len(new.violations) == 0


def test_bad_capture_lines_in_a_schedule_are_reported_and_runs_go_on(tmp_path):
    sc = simulate_drift(days=1, drift_day=None, rows_per_hour=5, reference_rows=200,
                        store=LocalBucketStore(tmp_path), seed=1)
    uri = sc.store.list(sc.capture_uri)[0]
    with open(sc.store.local_path(uri), "a") as f:
        f.write("not json\n")
    run = sc.schedule("cron(0 * ? * * *)", model_quality=False).run(sc.truth["start"], sc.truth["end"])
    assert len(run.bad_lines) == 1 and run.bad_lines[0].uri == uri
    assert run.executions.rows.sum() > 0  # the good lines are still checked


def test_alarm_needs_m_of_n_breaching_datapoints():
    a = MonitorAlarm("a", "m", 0.5, EvaluationPeriods=3, DatapointsToAlarm=2)
    assert a.states([0.6, None, 0.1, 0.7, 0.9]) == ["OK", "OK", "OK", "OK", "ALARM"]


def test_alarm_request_is_valid():
    req = MonitorAlarm("drift", "feature_baseline_drift_x", 0.1, EndpointName="claims").to_request()
    assert validate_request("cloudwatch", "PutMetricAlarm", req)["Namespace"] == "aws/sagemaker/Endpoints/data-metrics"


@pytest.mark.parametrize("kwargs, match", [
    ({"days": 0}, "days must be an integer >= 1"),
    ({"drift_day": 9, "days": 3}, "drift_day must be an integer >= 0 and <= 2"),
    ({"feature": "region"}, "feature must be one of"),
])
def test_bad_scenario_arguments_are_refused(kwargs, match, tmp_path):
    with pytest.raises(ValueError, match=match):
        simulate_drift(store=LocalBucketStore(tmp_path), **kwargs)
