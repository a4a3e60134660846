"""Monitoring schedules over simulated days of captured traffic, metrics per run, alarms.

* :class:`CronSchedule` -- the ``ScheduleExpression`` forms Model Monitor
  accepts: hourly ``cron(0 * ? * * *)``, daily ``cron(0 H ? * * *)`` and every
  N hours ``cron(0 H/N ? * * *)``; ``times(start, end)`` lists the runs.
* :class:`MonitoringSchedule` -- at each run time the data-quality job reads
  the captures of the window since the previous run (``read_captures``),
  checks them against the baseline (:func:`check_data_quality`) and, when
  ground truth is given, the model quality constraints; each run emits its
  metrics (``feature_baseline_drift_<f>``, ``feature_non_null_<f>``, model
  metrics), a status (``Completed``, ``CompletedWithViolations``, or
  ``Failed`` for an empty window) and its violations.
* :class:`MonitorAlarm` -- a CloudWatch alarm on one of those metrics
  (``PutMetricAlarm``), evaluated over the runs' datapoints like CloudWatch
  (M of N breaching datapoints; a run without the metric is missing data,
  not breaching).
* :func:`simulate_drift` -- a scenario with known truth: a model on the
  ``claims`` data behind the local endpoint with data capture, hourly
  volume shaped by the ``traffic`` generator, and a drift injected into one
  feature (``inject_drift``) from a known day on; ground truth uploaded for
  model quality. :meth:`ScheduleRun.detection` measures the delay from the
  drift to the first violation and alarm, and the false alarms before it.

All time is simulated; nothing sleeps.

    >>> CronSchedule("cron(0 * ? * * *)").times("2026-01-05T00:00Z", "2026-01-05T03:00Z")[-1].hour
    2
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Any, Sequence

from mlkit._checks import check_float, check_int, check_one_of
from mlkit.aws import AwsRequest
from mlkit.report import Report, html_table

__all__ = ["CronSchedule", "MonitorAlarm", "MonitoringSchedule", "ScheduleRun", "DriftScenario", "simulate_drift",
           "HOURLY", "DAILY"]

HOURLY = "cron(0 * ? * * *)"
DAILY = "cron(0 0 ? * * *)"
_CRON = re.compile(r"^cron\(0 (\*|\d{1,2}|\d{1,2}/\d{1,2}) \? \* \* \*\)$")
_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
OPERATORS = ("GreaterThanThreshold", "GreaterThanOrEqualToThreshold", "LessThanThreshold",
             "LessThanOrEqualToThreshold")


class CronSchedule:
    """A Model Monitor ``ScheduleExpression``: run times and the period between runs.

    Accepted: ``cron(0 * ? * * *)`` (every hour), ``cron(0 H ? * * *)``
    (daily at hour H, 0-23) and ``cron(0 H/N ? * * *)`` (every N hours from
    hour H, N in 1-24) -- the forms SageMaker documents for monitoring
    schedules. Errors: anything else, naming the accepted forms.
    """

    def __init__(self, expression: str):
        self.expression = expression
        m = _CRON.match(expression) if isinstance(expression, str) else None
        if not m:
            raise ValueError("ScheduleExpression must be hourly 'cron(0 * ? * * *)', daily 'cron(0 H ? * * *)' "
                             f"or every N hours 'cron(0 H/N ? * * *)', got {expression!r}")
        hour = m.group(1)
        if hour == "*":
            self.start_hour, self.every = 0, 1
        elif "/" in hour:
            h, n = (int(x) for x in hour.split("/"))
            self.start_hour, self.every = h, n
        else:
            self.start_hour, self.every = int(hour), 24
        if not 0 <= self.start_hour <= 23 or not 1 <= self.every <= 24:
            raise ValueError(f"ScheduleExpression hour must be 0-23 and the step 1-24, got {expression!r}")

    @property
    def period(self) -> _dt.timedelta:
        return _dt.timedelta(hours=self.every)

    def times(self, start, end) -> list[_dt.datetime]:
        """Run times in [start, end), UTC."""
        from mlkit.monitor.capture import parse_time

        t0, t1 = parse_time(start), parse_time(end)
        t = t0.replace(minute=0, second=0, microsecond=0)
        if t < t0:
            t += _dt.timedelta(hours=1)
        out = []
        while t < t1:
            if (t.hour - self.start_hour) % self.every == 0 and (self.every < 24 or t.hour == self.start_hour):
                out.append(t)
            t += _dt.timedelta(hours=1)
        return out

    def __repr__(self) -> str:
        return f"CronSchedule({self.expression!r})"


@dataclass(frozen=True)
class MonitorAlarm(AwsRequest):
    """A CloudWatch alarm on a Model Monitor metric (``PutMetricAlarm``), evaluated over schedule runs.

    ``MetricName`` is a metric a run emits (``feature_baseline_drift_payment_value``,
    ``feature_non_null_x``, ``accuracy``...). Each run gives one datapoint;
    the alarm is in ALARM when at least ``DatapointsToAlarm`` (default
    ``EvaluationPeriods``) of the last ``EvaluationPeriods`` datapoints breach
    ``Threshold`` by ``ComparisonOperator``. ``Period`` (seconds) should be
    the schedule's period. Namespace: ``aws/sagemaker/Endpoints/data-metrics``
    (data quality) or ``aws/sagemaker/Endpoints/model-metrics``.
    """

    AlarmName: str
    MetricName: str
    Threshold: float
    ComparisonOperator: str = "GreaterThanThreshold"
    EvaluationPeriods: int = 1
    DatapointsToAlarm: int | None = None
    Period: int = 3600
    Namespace: str = "aws/sagemaker/Endpoints/data-metrics"
    EndpointName: str = "mlkit-endpoint"
    MonitoringScheduleName: str = "mlkit-schedule"

    aws_service = "cloudwatch"
    aws_operation = "PutMetricAlarm"

    def __post_init__(self):
        if not isinstance(self.AlarmName, str) or not 1 <= len(self.AlarmName.strip()) <= 255:
            raise ValueError(f"AlarmName must be 1-255 characters, not blank, got {self.AlarmName!r}")
        if not isinstance(self.MetricName, str) or not 1 <= len(self.MetricName) <= 255:
            raise ValueError(f"MetricName must be 1-255 characters, got {self.MetricName!r}")
        check_float("Threshold", self.Threshold)
        check_one_of("ComparisonOperator", self.ComparisonOperator, OPERATORS)
        check_int("EvaluationPeriods", self.EvaluationPeriods, low=1, high=100)
        if self.DatapointsToAlarm is not None:
            check_int("DatapointsToAlarm", self.DatapointsToAlarm, low=1, high=self.EvaluationPeriods)
        check_int("Period", self.Period, low=60, high=86400)

    def breaches(self, value) -> bool:
        if value is None or value != value:
            return False  # missing data: notBreaching
        t = self.Threshold
        return {"GreaterThanThreshold": value > t, "GreaterThanOrEqualToThreshold": value >= t,
                "LessThanThreshold": value < t, "LessThanOrEqualToThreshold": value <= t}[self.ComparisonOperator]

    def states(self, datapoints: Sequence) -> list[str]:
        """The alarm state (``OK`` / ``ALARM``) after each datapoint."""
        need = self.DatapointsToAlarm or self.EvaluationPeriods
        out, flags = [], []
        for v in datapoints:
            flags.append(self.breaches(v))
            out.append("ALARM" if sum(flags[-self.EvaluationPeriods:]) >= need else "OK")
        return out

    def to_request(self) -> dict:
        return {"AlarmName": self.AlarmName, "Namespace": self.Namespace, "MetricName": self.MetricName,
                "Dimensions": [{"Name": "Endpoint", "Value": self.EndpointName},
                               {"Name": "MonitoringSchedule", "Value": self.MonitoringScheduleName}],
                "Statistic": "Maximum", "Period": int(self.Period),
                "EvaluationPeriods": int(self.EvaluationPeriods),
                "DatapointsToAlarm": int(self.DatapointsToAlarm or self.EvaluationPeriods),
                "Threshold": float(self.Threshold), "ComparisonOperator": self.ComparisonOperator,
                "TreatMissingData": "notBreaching"}


@dataclass
class ScheduleRun(Report):
    """The executions of a schedule over a time range.

    ``executions``: one row per run (``time``, ``window_start``, ``records``,
    ``rows``, ``status``, ``violations``, ``checks``); ``metrics``: one row
    per run, one column per emitted metric (NaN when not emitted);
    ``violations``: every violation with its run ``time``; ``alarms``: the
    state of each alarm after each run; ``bad_lines``: malformed capture
    lines met (file and line), which were skipped.
    """

    executions: Any
    metrics: Any
    violations: Any
    alarms: Any
    bad_lines: list = field(default_factory=list)
    schedule: str = ""

    def detection(self, drift_start, *, feature: str | None = None, alarm: str | None = None) -> dict:
        """Delay from ``drift_start`` to the first violation (of ``feature``) and ALARM, and false alarms before it.

        Out: ``first_violation`` / ``first_alarm`` (ISO times or None),
        ``violation_delay_hours`` / ``alarm_delay_hours`` (None if never),
        ``false_violation_runs`` (runs before the drift with a violation of
        that feature) and ``false_alarm_runs`` (runs before the drift in ALARM).
        """
        import pandas as pd

        from mlkit.monitor.capture import parse_time

        t0 = pd.Timestamp(parse_time(drift_start))
        v = self.violations
        if feature is not None and len(v):
            v = v[v["feature_name"] == feature]
        # a run at exactly the drift start analyses the window before it: count it as "before"
        after = v[v["time"] > t0] if len(v) else v
        before = v[v["time"] <= t0] if len(v) else v
        first_v = after["time"].min() if len(after) else None
        a = self.alarms
        if alarm is not None and len(a):
            a = a[a["alarm"] == alarm]
        in_alarm = a[a["state"] == "ALARM"] if len(a) else a
        first_a = in_alarm[in_alarm["time"] > t0]["time"].min() if len(in_alarm) else None
        if first_a is not None and first_a != first_a:
            first_a = None

        def hours(t):
            return None if t is None else float((t - t0) / pd.Timedelta(hours=1))

        return {"first_violation": None if first_v is None else first_v.isoformat(),
                "violation_delay_hours": hours(first_v),
                "first_alarm": None if first_a is None else first_a.isoformat(),
                "alarm_delay_hours": hours(first_a),
                "false_violation_runs": int(before["time"].nunique()) if len(before) else 0,
                "false_alarm_runs": int(in_alarm[in_alarm["time"] <= t0]["time"].nunique()) if len(in_alarm) else 0}

    def to_dict(self) -> dict:
        return {"schedule": self.schedule, "runs": int(len(self.executions)),
                "runs_with_violations": int((self.executions["violations"] > 0).sum()) if len(self.executions) else 0,
                "failed_runs": int((self.executions["status"] == "Failed").sum()) if len(self.executions) else 0,
                "bad_lines": [str(b) for b in self.bad_lines]}

    def _repr_html_(self) -> str:
        return html_table(self.to_dict(), "Monitoring schedule runs")


class MonitoringSchedule:
    """Run monitoring jobs on a cron schedule over captured data in the local bucket.

    ``baseline`` (a :class:`~mlkit.monitor.data_quality.Baseline`) and
    ``capture_uri`` (``{destination}/{endpoint}/{variant}``) drive the data
    quality job; ``columns`` names the CSV input columns in order (default:
    the baseline's features). Optional model quality: ``ground_truth``
    (a DataFrame ``inference_id``, ``label``) with ``model_quality_constraints``
    and ``problem_type``. ``alarms``: :class:`MonitorAlarm` objects.
    ``run(start, end)`` executes every scheduled time in (start, end] on the
    window of one period before it (so the traffic of [start, end) is all
    analysed) and returns a :class:`ScheduleRun`;
    nothing else changes. ``to_request()`` exports ``CreateMonitoringSchedule``.
    """

    def __init__(self, MonitoringScheduleName: str, ScheduleExpression: str, baseline, capture_uri: str, *,
                 columns: Sequence[str] | None = None, store=None, alarms: Sequence[MonitorAlarm] = (),
                 ground_truth=None, model_quality_constraints: dict | None = None,
                 problem_type: str = "BinaryClassification", EndpointName: str = "mlkit-endpoint"):
        from mlkit.monitor.data_quality import Baseline

        self.MonitoringScheduleName = MonitoringScheduleName
        self.ScheduleExpression = ScheduleExpression
        self.baseline = baseline
        self.capture_uri = capture_uri
        self.columns = columns
        self.store = store
        self.alarms = list(alarms)
        self.ground_truth = ground_truth
        self.model_quality_constraints = model_quality_constraints
        self.problem_type = problem_type
        self.EndpointName = EndpointName
        if not isinstance(MonitoringScheduleName, str) or not _NAME.match(MonitoringScheduleName):
            raise ValueError("MonitoringScheduleName must be 1-63 letters, digits or hyphens, got "
                             f"{MonitoringScheduleName!r}")
        self.cron = CronSchedule(ScheduleExpression)
        if not isinstance(baseline, Baseline):
            raise TypeError(f"baseline must be a Baseline (suggest_baseline), got {type(baseline).__name__}")
        for a in self.alarms:
            if not isinstance(a, MonitorAlarm):
                raise TypeError(f"alarms must be MonitorAlarm objects, got {type(a).__name__}")
        if (ground_truth is None) != (model_quality_constraints is None):
            raise ValueError("ground_truth and model_quality_constraints go together (model quality needs both)")

    def with_baseline(self, baseline) -> "MonitoringSchedule":
        """The same schedule against another baseline (re-baselining)."""
        return MonitoringSchedule(self.MonitoringScheduleName, self.ScheduleExpression, baseline, self.capture_uri,
                                  columns=self.columns, store=self.store, alarms=self.alarms,
                                  ground_truth=self.ground_truth,
                                  model_quality_constraints=self.model_quality_constraints,
                                  problem_type=self.problem_type, EndpointName=self.EndpointName)

    def to_request(self, job=None) -> dict:
        """``CreateMonitoringSchedule`` for this schedule and a data quality job definition (or ``job``)."""
        from mlkit.monitor.requests import CreateMonitoringSchedule, DataQualityJobDefinition

        job = job or DataQualityJobDefinition(f"{self.MonitoringScheduleName}-dq", EndpointName=self.EndpointName,
                                              BaselineUri="s3://mlkit-monitor/baseline")
        return CreateMonitoringSchedule(self.MonitoringScheduleName, job, self.ScheduleExpression).to_request()

    def run(self, start, end, *, progress: bool = False) -> ScheduleRun:
        """Execute the schedule's runs in (start, end] of simulated time (see the class docstring)."""
        import pandas as pd

        from mlkit.monitor.capture import CaptureWindow, parse_time, read_captures
        from mlkit.monitor.data_quality import check_data_quality
        from mlkit.monitor.model_quality import check_model_quality, merge_ground_truth

        # a run at t analyses [t - period, t): runs in (start, end], so the first window holds traffic and the
        # last hour before end is analysed too (cron times are whole hours: one second moves the bounds)
        second = _dt.timedelta(seconds=1)
        times = self.cron.times(parse_time(start) + second, parse_time(end) + second)
        columns = list(self.columns) if self.columns is not None else self.baseline.features
        execs, metric_rows, viol_rows = [], [], []
        everything = read_captures(self.store, self.capture_uri, start=times[0] - self.cron.period,
                                   end=times[-1]) if times else None
        bad_lines = list(everything.bad_lines) if everything is not None else []
        iterator = times
        if progress:
            from tqdm.auto import tqdm

            iterator = tqdm(times, desc=f"{self.MonitoringScheduleName} runs", leave=False)
        try:
            for t in iterator:
                w0 = t - self.cron.period
                frame = everything.frame
                sel = frame[(frame["inference_time"] >= pd.Timestamp(w0)) & (frame["inference_time"] < pd.Timestamp(t))]
                window = CaptureWindow(sel.reset_index(drop=True), [], w0.isoformat(), t.isoformat())
                X = window.inputs(columns)
                feats = X.drop(columns=["inference_id"])
                dq = check_data_quality(feats, self.baseline)
                metrics = dict(dq.metrics)
                violations = [dict(v, job="DataQuality") for v in dq.violations]
                if self.ground_truth is not None and not window.empty:
                    preds = window.outputs("prediction")
                    merged = merge_ground_truth(preds, self.ground_truth)
                    if len(merged):
                        mq = check_model_quality(merged, self.model_quality_constraints, self.problem_type,
                                                 n_bootstrap=0)
                        metrics.update(mq.metrics)
                        violations += [{"feature_name": v["metric_name"], "constraint_check_type":
                                        v["constraint_check_type"], "description": v["description"],
                                        "job": "ModelQuality"} for v in mq.violations]
                status = "Failed" if dq.empty else ("CompletedWithViolations" if violations else "Completed")
                execs.append({"time": pd.Timestamp(t), "window_start": pd.Timestamp(w0),
                              "records": int(len(window.frame)), "rows": int(len(feats)), "status": status,
                              "violations": len(violations),
                              "checks": ",".join(sorted({v["constraint_check_type"] for v in violations})),
                              "message": dq.message})
                metric_rows.append({"time": pd.Timestamp(t), **metrics})
                viol_rows += [{"time": pd.Timestamp(t), **v} for v in violations]
        except KeyboardInterrupt:
            pass  # keep the runs that finished
        executions = pd.DataFrame(execs, columns=["time", "window_start", "records", "rows", "status", "violations",
                                                  "checks", "message"])
        metrics_df = pd.DataFrame(metric_rows)
        if "time" not in metrics_df:
            metrics_df = pd.DataFrame({"time": pd.Series(dtype="datetime64[ns, UTC]")})
        viol_df = pd.DataFrame(viol_rows, columns=["time", "feature_name", "constraint_check_type", "description",
                                                   "job"])
        alarm_rows = []
        for a in self.alarms:
            values = metrics_df[a.MetricName].tolist() if a.MetricName in metrics_df else [None] * len(metrics_df)
            for t, v, s in zip(metrics_df["time"], values, a.states(values)):
                alarm_rows.append({"time": t, "alarm": a.AlarmName, "metric": a.MetricName,
                                   "value": v, "state": s})
        alarms_df = pd.DataFrame(alarm_rows, columns=["time", "alarm", "metric", "value", "state"])
        return ScheduleRun(executions, metrics_df, viol_df, alarms_df, bad_lines, self.ScheduleExpression)

    def __repr__(self) -> str:
        return f"MonitoringSchedule({self.MonitoringScheduleName!r}, {self.ScheduleExpression!r})"


# -- a scenario with known truth -----------------------------------------------------
FEATURES = ("payment_value", "account_duration")


@dataclass
class DriftScenario(Report):
    """What :func:`simulate_drift` made: data, model, baseline, where captures and labels are, and the truth.

    ``reference``: the training frame (features and label); ``baseline``
    its suggested data quality baseline; ``capture_uri`` the captured
    requests' prefix; ``ground_truth`` the labels by inference id;
    ``mq_constraints`` model quality constraints from the reference;
    ``truth``: ``drift_start`` (ISO), ``feature``, ``shift`` (absolute),
    ``size`` (in reference standard deviations), ``start``, ``end``.
    """

    reference: Any
    baseline: Any
    model: Any
    capture_uri: str
    ground_truth: Any
    mq_constraints: dict
    truth: dict
    store: Any = None
    live: Any = None

    def schedule(self, ScheduleExpression: str = HOURLY, *, alarms: Sequence[MonitorAlarm] = (),
                 model_quality: bool = True, baseline=None, name: str = "claims-monitor") -> MonitoringSchedule:
        """A :class:`MonitoringSchedule` over this scenario's captures (with model quality when asked)."""
        return MonitoringSchedule(name, ScheduleExpression, baseline or self.baseline, self.capture_uri,
                                  columns=list(FEATURES), store=self.store, alarms=alarms,
                                  ground_truth=self.ground_truth if model_quality else None,
                                  model_quality_constraints=self.mq_constraints if model_quality else None,
                                  EndpointName="claims")

    def run(self, ScheduleExpression: str = HOURLY, **kwargs) -> ScheduleRun:
        """Run :meth:`schedule` over the whole simulated period."""
        return self.schedule(ScheduleExpression, **kwargs).run(self.truth["start"], self.truth["end"])

    def to_dict(self) -> dict:
        return {"capture_uri": self.capture_uri, "truth": self.truth, "reference_rows": int(len(self.reference))}


def simulate_drift(*, days: int = 7, drift_day: int | None = 4, feature: str = "payment_value", size: float = 1.0,
                   rows_per_hour: int = 20, reference_rows: int = 2000, store=None,
                   destination: str = "s3://mlkit-monitor/datacapture", seed: int | None = 0) -> DriftScenario:
    """Simulate ``days`` of captured traffic to a claims model with drift from ``drift_day`` on.

    A logistic regression is trained on ``reference_rows`` claims
    (features ``payment_value``, ``account_duration``; label suspicious = 1)
    and served by a :class:`~mlkit.inference.server.LocalEndpoint` named
    ``claims`` with a :class:`~mlkit.monitor.capture.DataCapture` hook (100%
    sampling) on a simulated clock starting Monday 2026-01-05. Each hour
    gets about ``rows_per_hour`` claims (``InferenceId`` ``req-<n>``), the
    count following the ``traffic`` generator's daily and weekly shape; to
    stay fast each hour's claims go to the endpoint as one batch request and
    the hook records one capture per claim, spread over the hour, as if each
    had been its own request. From ``drift_day`` (0-based; None for no drift) on, live
    claims have ``feature`` moved by ``size`` reference standard deviations
    (``inject_drift``; an integer feature stays integer) while their labels
    keep the old relationship, so the model also gets worse. Ground truth
    for every request is returned (and uploaded under
    ``s3://mlkit-monitor/ground-truth``).

    Errors: ``days`` outside [1, 60], ``drift_day`` outside [0, days),
    unknown ``feature``, ``rows_per_hour`` outside [1, 1000],
    ``reference_rows`` outside [100, 200000], a non-finite ``size``.
    """
    import numpy as np
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    from mlkit.datasets import claims, inject_drift, traffic
    from mlkit.inference.server import LocalEndpoint, ProductionVariant
    from mlkit.monitor.capture import DataCapture, DataCaptureConfig, capture_prefix
    from mlkit.monitor.data_quality import suggest_baseline
    from mlkit.monitor.model_quality import (model_quality_statistics, suggest_model_quality_constraints,
                                             write_ground_truth)
    from mlkit.storage import LocalBucketStore

    days = check_int("days", days, low=1, high=60)
    if drift_day is not None:
        drift_day = check_int("drift_day", drift_day, low=0, high=days - 1)
    feature = check_one_of("feature", feature, FEATURES)
    size = check_float("size", size)
    rows_per_hour = check_int("rows_per_hour", rows_per_hour, low=1, high=1000)
    reference_rows = check_int("reference_rows", reference_rows, low=100, high=200_000)
    store = store if store is not None else LocalBucketStore()

    start = pd.Timestamp("2026-01-05T00:00:00Z")
    hourly = traffic(days=days, freq_minutes=60, base_rps=1.0, seed=seed).frame["requests_per_second"].to_numpy()
    counts = np.maximum(1, np.round(hourly / hourly.mean() * rows_per_hour)).astype(int)
    n_live = int(counts.sum())

    ref = claims(reference_rows, seed=seed).frame
    live = claims(n_live, seed=None if seed is None else seed + 1).frame
    ref = ref.assign(label=(ref["operation_status"] == "suspicious").astype(int))
    live = live.assign(label=(live["operation_status"] == "suspicious").astype(int))
    ref_X = ref[list(FEATURES)]
    model = LogisticRegression(max_iter=1000).fit(ref_X.to_numpy(dtype=float), ref["label"].to_numpy())

    hour_of_row = np.repeat(np.arange(len(counts)), counts)
    shift = float(size * ref[feature].std())
    drift_start = None
    if drift_day is not None:
        drift_start = start + pd.Timedelta(days=drift_day)
        first = int(np.searchsorted(hour_of_row, drift_day * 24))
        drifted, _ = inject_drift(live.iloc[first:].reset_index(drop=True), feature, shift=shift, seed=seed)
        if pd.api.types.is_integer_dtype(ref[feature]):
            drifted[feature] = np.maximum(1, np.round(drifted[feature])).astype(np.int64)
        live = pd.concat([live.iloc[:first].reset_index(drop=True), drifted], ignore_index=True)
    live = live.assign(inference_id=[f"req-{i}" for i in range(n_live)],
                       time=start + pd.to_timedelta(hour_of_row, unit="h")
                       + pd.to_timedelta((np.arange(n_live) - np.repeat(np.cumsum(counts) - counts, counts))
                                         * (3600.0 / np.repeat(counts, counts)), unit="s").floor("ms"))

    config = DataCaptureConfig(DestinationS3Uri=destination, InitialSamplingPercentage=100)
    capture = DataCapture(config, store=store, seed=seed)
    endpoint = LocalEndpoint("claims", [ProductionVariant("AllTraffic", model)], seed=seed)
    X_live = live[list(FEATURES)]
    is_int = [pd.api.types.is_integer_dtype(live[f]) for f in FEATURES]
    lines = [",".join(str(int(v)) if is_int[j] else repr(float(v)) for j, v in enumerate(row))
             for row in X_live.itertuples(index=False)]
    bounds = np.concatenate([[0], np.cumsum(counts)])
    records = []
    for h in range(len(counts)):  # one batch request per simulated hour, one capture record per claim
        lo, hi = int(bounds[h]), int(bounds[h + 1])
        answer = endpoint.invoke("\n".join(lines[lo:hi]).encode(), "text/csv")
        outputs = answer.Body.decode().strip().splitlines()
        for i in range(lo, hi):
            records.append(capture.make_record("claims", "AllTraffic", lines[i], "text/csv", outputs[i - lo],
                                               answer.ContentType, inference_id=live["inference_id"].iloc[i],
                                               when=live["time"].iloc[i]))
    capture.write_many("claims", "AllTraffic", records)
    endpoint.close()
    gt = live[["inference_id", "label"]].copy()
    write_ground_truth(store, "s3://mlkit-monitor/ground-truth", gt["inference_id"].tolist(),
                       gt["label"].tolist(), when=start)
    ref_pred = ref.assign(prediction=model.predict(ref_X.to_numpy(dtype=float)))
    mq_stats = model_quality_statistics(ref_pred, "BinaryClassification", n_bootstrap=20, seed=seed)
    mq_constraints = suggest_model_quality_constraints(mq_stats, slack=3.0, metrics=["accuracy", "recall", "f1"])
    truth = {"start": start.isoformat(), "end": (start + pd.Timedelta(days=days)).isoformat(),
             "drift_start": None if drift_start is None else drift_start.isoformat(), "feature": feature,
             "size": size, "shift": shift, "live_rows": n_live}
    return DriftScenario(ref, suggest_baseline(ref_X), model, capture_prefix(destination, "claims", "AllTraffic").rstrip("/"),
                         gt, mq_constraints, truth, store, live)
