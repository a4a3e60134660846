"""Deployment guardrails in simulated time: blue/green ALL_AT_ONCE, CANARY, LINEAR, and in-place for contrast.

``UpdateEndpoint`` with a ``DeploymentConfig`` replaces the model behind a
live endpoint the way SageMaker does: a new (*green*) fleet is provisioned
beside the old (*blue*) one, traffic moves to it in one step (``ALL_AT_ONCE``),
in two (``CANARY``: ``CanarySize`` first) or in equal steps (``LINEAR``:
``LinearStepSize``), each step followed by a *baking period* of
``WaitIntervalInSeconds`` while CloudWatch alarms watch the endpoint's
metrics. If an alarm of ``AutoRollbackConfiguration`` goes to ALARM, all
traffic goes back to blue (auto-rollback); otherwise blue is terminated
``TerminationWaitInSeconds`` after the last bake. A deployment still running
after ``MaximumExecutionTimeoutInSeconds`` is rolled back.

``IN_PLACE`` is not a SageMaker option (``UpdateEndpoint`` always provisions
a new fleet); it is what replacing the model on the running instances would
be: the fleet stops, installs the new model and starts again (callers get
errors meanwhile), and going back is another such restart, started by a
person ``manual_rollback_s`` after the alarm.

:func:`simulate_rollout` runs one update on :class:`mlkit.sim.Simulation`
against a Poisson stream of requests (``rate_rps``), with each fleet's
:class:`ModelHealth` (error rate, latency). Alarms (:class:`CloudWatchAlarm`)
are computed like CloudWatch's on the endpoint's per-minute metrics (both
fleets share the variant's dimensions, so a canary's errors are diluted by
the blue fleet's traffic): ``Invocation5XXErrors`` (Average = the error
rate), ``ModelLatency`` (microseconds, Average or a percentile), evaluated
over ``Period`` with ``EvaluationPeriods``/``DatapointsToAlarm``. The
**blast radius** is the number of requests the new model served;
:func:`compare_policies` puts the policies side by side.

    >>> policy = BlueGreenUpdatePolicy(TrafficRoutingConfig("CANARY", 600, CanarySize=CapacitySize("CAPACITY_PERCENT", 10)))
    >>> alarm = CloudWatchAlarm.error_rate("errors-over-2pct", 0.02)
    >>> r = simulate_rollout(policy, ModelHealth(error_rate=0.2), alarms=[alarm], seed=0)
    >>> r.outcome, r.blast_radius < 2000
    ('rolled back', True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Sequence

from mlkit._checks import check_float, check_int, check_one_of
from mlkit.aws import AwsRequest
from mlkit.report import Report, html_table

__all__ = [
    "CapacitySize",
    "TrafficRoutingConfig",
    "BlueGreenUpdatePolicy",
    "CloudWatchAlarm",
    "DeploymentConfig",
    "UpdateEndpoint",
    "ModelHealth",
    "RolloutResult",
    "simulate_rollout",
    "compare_policies",
    "IN_PLACE",
]

IN_PLACE = "IN_PLACE"
ROUTING_TYPES = ("ALL_AT_ONCE", "CANARY", "LINEAR")
CAPACITY_TYPES = ("INSTANCE_COUNT", "CAPACITY_PERCENT")
METRICS = ("Invocation5XXErrors", "ModelLatency")
STATISTICS = ("Average", "Sum", "Maximum", "p50", "p90", "p95", "p99")
OPERATORS = ("GreaterThanThreshold", "GreaterThanOrEqualToThreshold")
#: SageMaker endpoint metrics reach CloudWatch once a minute.
METRIC_RESOLUTION_S = 60


# -- the request pieces --------------------------------------------------------------
@dataclass(frozen=True)
class CapacitySize:
    """How much of the green fleet a step turns on: ``INSTANCE_COUNT`` instances or ``CAPACITY_PERCENT`` %.

    ``Value`` is an integer >= 1; a percentage is at most 100 (SageMaker's
    per-policy limits, 50 % for a canary and 10-50 % for a linear step, are
    checked by :class:`TrafficRoutingConfig` against the fleet size).

    >>> CapacitySize("CAPACITY_PERCENT", 120)
    Traceback (most recent call last):
    ...
    ValueError: CapacitySize.Value must be a percentage between 1 and 100 when Type is CAPACITY_PERCENT, got 120
    """

    Type: str
    Value: int

    def __post_init__(self):
        check_one_of("CapacitySize.Type", self.Type, CAPACITY_TYPES)
        check_int("CapacitySize.Value", self.Value, low=1)
        if self.Type == "CAPACITY_PERCENT" and self.Value > 100:
            raise ValueError("CapacitySize.Value must be a percentage between 1 and 100 when Type is "
                             f"CAPACITY_PERCENT, got {self.Value}")

    def fraction(self, instance_count: int) -> float:
        """The share of the fleet this size stands for (instances / fleet, or percent / 100)."""
        if self.Type == "CAPACITY_PERCENT":
            return self.Value / 100.0
        if self.Value > instance_count:
            raise ValueError(f"CapacitySize.Value must be at most the fleet's {instance_count} instances when Type "
                             f"is INSTANCE_COUNT, got {self.Value}")
        return self.Value / instance_count

    def to_dict(self) -> dict:
        return {"Type": self.Type, "Value": int(self.Value)}


@dataclass(frozen=True)
class TrafficRoutingConfig:
    """How traffic moves to the green fleet: ``Type``, the bake ``WaitIntervalInSeconds`` (0-3600), a step size.

    ``CANARY`` needs ``CanarySize`` (at most 50 % of the fleet), ``LINEAR``
    needs ``LinearStepSize`` (10-50 % of the fleet), ``ALL_AT_ONCE`` takes
    neither. :meth:`steps` gives the green share after each step.

    >>> TrafficRoutingConfig("LINEAR", 300, LinearStepSize=CapacitySize("CAPACITY_PERCENT", 25)).steps(4)
    [0.25, 0.5, 0.75, 1.0]
    """

    Type: str
    WaitIntervalInSeconds: int
    CanarySize: CapacitySize | None = None
    LinearStepSize: CapacitySize | None = None

    def __post_init__(self):
        check_one_of("TrafficRoutingConfiguration.Type", self.Type, ROUTING_TYPES)
        check_int("WaitIntervalInSeconds", self.WaitIntervalInSeconds, low=0, high=3600)
        for name in ("CanarySize", "LinearStepSize"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, CapacitySize):
                raise TypeError(f"{name} must be a CapacitySize, got {type(value).__name__}")
        if self.Type == "CANARY" and (self.CanarySize is None or self.LinearStepSize is not None):
            raise ValueError("a CANARY routing needs CanarySize (and no LinearStepSize), got "
                             f"CanarySize={self.CanarySize}, LinearStepSize={self.LinearStepSize}")
        if self.Type == "LINEAR" and (self.LinearStepSize is None or self.CanarySize is not None):
            raise ValueError("a LINEAR routing needs LinearStepSize (and no CanarySize), got "
                             f"CanarySize={self.CanarySize}, LinearStepSize={self.LinearStepSize}")
        if self.Type == "ALL_AT_ONCE" and (self.CanarySize is not None or self.LinearStepSize is not None):
            raise ValueError("an ALL_AT_ONCE routing takes neither CanarySize nor LinearStepSize")
        if self.CanarySize is not None and self.CanarySize.Type == "CAPACITY_PERCENT" and self.CanarySize.Value > 50:
            raise ValueError(f"CanarySize must be at most 50 % of the fleet, got {self.CanarySize.Value} %")
        step = self.LinearStepSize
        if step is not None and step.Type == "CAPACITY_PERCENT" and not 10 <= step.Value <= 50:
            raise ValueError(f"LinearStepSize must be 10-50 % of the fleet, got {step.Value} %")

    def steps(self, instance_count: int) -> list:
        """Green's share of the traffic after each step, ending at 1.0, for a fleet of ``instance_count``."""
        n = check_int("instance_count", instance_count, low=1)
        if self.Type == "ALL_AT_ONCE":
            return [1.0]
        if self.Type == "CANARY":
            c = self.CanarySize.fraction(n)
            if c > 0.5:
                raise ValueError(f"CanarySize must be at most 50 % of the fleet; {self.CanarySize.Value} of "
                                 f"{n} instances is {c:.0%}")
            return [c, 1.0]
        s = self.LinearStepSize.fraction(n)
        if not 0.1 - 1e-9 <= s <= 0.5 + 1e-9:
            raise ValueError(f"LinearStepSize must be 10-50 % of the fleet; {self.LinearStepSize.Value} of "
                             f"{n} instances is {s:.0%}")
        k = math.ceil(1.0 / s - 1e-9)
        return [min(1.0, round(s * (i + 1), 12)) for i in range(k)]

    def to_dict(self) -> dict:
        d = {"Type": self.Type, "WaitIntervalInSeconds": int(self.WaitIntervalInSeconds)}
        if self.CanarySize is not None:
            d["CanarySize"] = self.CanarySize.to_dict()
        if self.LinearStepSize is not None:
            d["LinearStepSize"] = self.LinearStepSize.to_dict()
        return d


@dataclass(frozen=True)
class BlueGreenUpdatePolicy:
    """A blue/green update: the routing, ``TerminationWaitInSeconds`` (0-3600), ``MaximumExecutionTimeoutInSeconds`` (600-28800)."""

    TrafficRoutingConfiguration: TrafficRoutingConfig
    TerminationWaitInSeconds: int = 0
    MaximumExecutionTimeoutInSeconds: int = 3600

    def __post_init__(self):
        if not isinstance(self.TrafficRoutingConfiguration, TrafficRoutingConfig):
            raise TypeError("TrafficRoutingConfiguration must be a TrafficRoutingConfig, got "
                            f"{type(self.TrafficRoutingConfiguration).__name__}")
        check_int("TerminationWaitInSeconds", self.TerminationWaitInSeconds, low=0, high=3600)
        check_int("MaximumExecutionTimeoutInSeconds", self.MaximumExecutionTimeoutInSeconds, low=600, high=28800)

    @property
    def name(self) -> str:
        return self.TrafficRoutingConfiguration.Type

    def to_dict(self) -> dict:
        return {"TrafficRoutingConfiguration": self.TrafficRoutingConfiguration.to_dict(),
                "TerminationWaitInSeconds": int(self.TerminationWaitInSeconds),
                "MaximumExecutionTimeoutInSeconds": int(self.MaximumExecutionTimeoutInSeconds)}


@dataclass(frozen=True)
class CloudWatchAlarm(AwsRequest):
    """A CloudWatch alarm on an endpoint metric, evaluated like CloudWatch does.

    ``MetricName``: ``Invocation5XXErrors`` (per request 0 or 1, so the
    ``Average`` statistic is the error rate) or ``ModelLatency`` (in
    microseconds). ``Statistic``: Average, Sum, Maximum or a percentile
    (p50/p90/p95/p99). Each ``Period`` (a multiple of 60 s) gives one
    datapoint; the alarm is in ALARM when at least ``DatapointsToAlarm`` of
    the last ``EvaluationPeriods`` datapoints breach ``Threshold``
    (``ComparisonOperator``). A period without requests is missing data,
    treated as not breaching. ``to_request()`` is the ``PutMetricAlarm``
    request. :meth:`error_rate` and :meth:`latency` build the usual two.

    >>> CloudWatchAlarm.latency("p99-over-300ms", 300).Threshold
    300000.0
    """

    AlarmName: str
    MetricName: str
    Statistic: str
    Threshold: float
    Period: int = 60
    EvaluationPeriods: int = 1
    DatapointsToAlarm: int | None = None
    ComparisonOperator: str = "GreaterThanThreshold"
    EndpointName: str = "mlkit-endpoint"
    VariantName: str = "AllTraffic"

    aws_service = "cloudwatch"
    aws_operation = "PutMetricAlarm"

    def __post_init__(self):
        if not isinstance(self.AlarmName, str) or not 1 <= len(self.AlarmName.strip()) <= 255:
            raise ValueError(f"AlarmName must be 1-255 characters, not blank, got {self.AlarmName!r}")
        check_one_of("MetricName", self.MetricName, METRICS)
        check_one_of("Statistic", self.Statistic, STATISTICS)
        check_float("Threshold", self.Threshold, low=0.0)
        check_int("Period", self.Period, low=60, high=86400)
        if self.Period % METRIC_RESOLUTION_S:
            raise ValueError(f"Period must be a multiple of 60 s (endpoint metrics arrive once a minute), got {self.Period}")
        check_int("EvaluationPeriods", self.EvaluationPeriods, low=1, high=100)
        if self.DatapointsToAlarm is not None:
            check_int("DatapointsToAlarm", self.DatapointsToAlarm, low=1, high=self.EvaluationPeriods)
        check_one_of("ComparisonOperator", self.ComparisonOperator, OPERATORS)

    @classmethod
    def error_rate(cls, AlarmName: str, rate: float, **kwargs) -> "CloudWatchAlarm":
        """ALARM when the share of requests answered 5XX is over ``rate`` (0-1) in a period."""
        rate = check_float("rate", rate, 0.0, 1.0)
        return cls(AlarmName, "Invocation5XXErrors", "Average", rate, **kwargs)

    @classmethod
    def latency(cls, AlarmName: str, ms: float, Statistic: str = "p99", **kwargs) -> "CloudWatchAlarm":
        """ALARM when ModelLatency's ``Statistic`` is over ``ms`` milliseconds in a period."""
        ms = check_float("ms", ms, low=0.0, low_open=True)
        return cls(AlarmName, "ModelLatency", Statistic, ms * 1000.0, **kwargs)

    def datapoint(self, errors, latencies_ms) -> float | None:
        """The metric's value over one period from per-request errors (0/1) and latencies; None if no request."""
        import numpy as np

        values = np.asarray(errors, dtype=float) if self.MetricName == "Invocation5XXErrors" \
            else np.asarray(latencies_ms, dtype=float) * 1000.0
        if values.size == 0:
            return None
        if self.Statistic == "Average":
            return float(values.mean())
        if self.Statistic == "Sum":
            return float(values.sum())
        if self.Statistic == "Maximum":
            return float(values.max())
        return float(np.percentile(values, float(self.Statistic[1:])))

    def breaches(self, value: float | None) -> bool:
        if value is None:
            return False  # TreatMissingData: notBreaching
        return value > self.Threshold if self.ComparisonOperator == "GreaterThanThreshold" else value >= self.Threshold

    def in_alarm(self, datapoints: Sequence[float | None]) -> bool:
        """True when enough of the last ``EvaluationPeriods`` datapoints breach."""
        last = list(datapoints)[-self.EvaluationPeriods:]
        need = self.DatapointsToAlarm or self.EvaluationPeriods
        return sum(self.breaches(v) for v in last) >= need

    def to_request(self) -> dict:
        req = {"AlarmName": self.AlarmName, "Namespace": "AWS/SageMaker", "MetricName": self.MetricName,
               "Dimensions": [{"Name": "EndpointName", "Value": self.EndpointName},
                              {"Name": "VariantName", "Value": self.VariantName}],
               "Period": int(self.Period), "EvaluationPeriods": int(self.EvaluationPeriods),
               "DatapointsToAlarm": int(self.DatapointsToAlarm or self.EvaluationPeriods),
               "Threshold": float(self.Threshold), "ComparisonOperator": self.ComparisonOperator,
               "TreatMissingData": "notBreaching"}
        if self.Statistic.startswith("p"):
            req["ExtendedStatistic"] = self.Statistic
        else:
            req["Statistic"] = self.Statistic
        return req


@dataclass(frozen=True)
class DeploymentConfig:
    """``UpdateEndpoint``'s DeploymentConfig: a :class:`BlueGreenUpdatePolicy` and the auto-rollback alarms (1-10)."""

    BlueGreenUpdatePolicy: BlueGreenUpdatePolicy
    Alarms: Sequence[CloudWatchAlarm] = ()

    def __post_init__(self):
        if not isinstance(self.BlueGreenUpdatePolicy, BlueGreenUpdatePolicy):
            raise TypeError(f"BlueGreenUpdatePolicy must be a BlueGreenUpdatePolicy, got "
                            f"{type(self.BlueGreenUpdatePolicy).__name__}")
        if len(self.Alarms) > 10:
            raise ValueError(f"AutoRollbackConfiguration holds at most 10 alarms, got {len(self.Alarms)}")
        for a in self.Alarms:
            if not isinstance(a, CloudWatchAlarm):
                raise TypeError(f"Alarms must be CloudWatchAlarm objects, got {type(a).__name__}")

    def to_dict(self) -> dict:
        d = {"BlueGreenUpdatePolicy": self.BlueGreenUpdatePolicy.to_dict()}
        if self.Alarms:
            d["AutoRollbackConfiguration"] = {"Alarms": [{"AlarmName": a.AlarmName} for a in self.Alarms]}
        return d


@dataclass(frozen=True)
class UpdateEndpoint(AwsRequest):
    """The ``UpdateEndpoint`` request: move ``EndpointName`` to ``EndpointConfigName`` under a DeploymentConfig.

    >>> cfg = DeploymentConfig(BlueGreenUpdatePolicy(TrafficRoutingConfig("ALL_AT_ONCE", 600)))
    >>> UpdateEndpoint("shop", "shop-v2", cfg).validate()["DeploymentConfig"]["BlueGreenUpdatePolicy"]["TrafficRoutingConfiguration"]
    {'Type': 'ALL_AT_ONCE', 'WaitIntervalInSeconds': 600}
    """

    EndpointName: str
    EndpointConfigName: str
    DeploymentConfig: DeploymentConfig | None = None

    aws_operation = "UpdateEndpoint"

    def to_request(self) -> dict:
        req = {"EndpointName": self.EndpointName, "EndpointConfigName": self.EndpointConfigName}
        if self.DeploymentConfig is not None:
            req["DeploymentConfig"] = self.DeploymentConfig.to_dict()
        return req


# -- the simulation ------------------------------------------------------------------
@dataclass(frozen=True)
class ModelHealth:
    """How a fleet's model behaves under traffic: ``error_rate`` (share of 5XX answers) and latency.

    Latency is lognormal with median ``latency_ms`` and 99th percentile
    ``latency_p99_ms`` (drawn by :class:`mlkit.inference.simulation.ModelProfile`).
    """

    error_rate: float = 0.005
    latency_ms: float = 40.0
    latency_p99_ms: float = 120.0

    def __post_init__(self):
        check_float("error_rate", self.error_rate, 0.0, 1.0)
        check_float("latency_ms", self.latency_ms, low=0.0, low_open=True)
        check_float("latency_p99_ms", self.latency_p99_ms, low=self.latency_ms)

    @property
    def profile(self):
        from mlkit.inference.simulation import ModelProfile

        return ModelProfile(latency_ms=self.latency_ms, latency_p99_ms=self.latency_p99_ms)


@dataclass
class RolloutResult(Report):
    """One simulated update: outcome, blast radius, times, the per-minute timeline and the events.

    ``outcome``: ``"completed"`` (green serves everything, blue terminated),
    ``"rolled back"`` (an alarm fired), ``"timed out"`` (rolled back at
    MaximumExecutionTimeoutInSeconds) or ``"completed, no rollback"`` (in
    place, nothing fired). ``blast_radius``: requests the new model served.
    ``new_model_errors``: its 5XX answers; ``unavailable``: requests failed
    because the fleet was restarting (in place). Times in simulated seconds
    from the UpdateEndpoint call: ``alarm_s`` (first ALARM), ``rollback_s``,
    ``full_traffic_s`` (green at 100 %), ``finished_s`` (blue terminated or
    rollback done). ``timeline``: one row per minute (``time_s`` at its end,
    ``requests``, ``green_share`` configured at its end, ``served_by_new``,
    ``error_rate``, ``p99_ms``, ``unavailable``, ``alarm``: some alarm in ALARM state);
    ``events``: (``time_s``, ``event``, ``green_share`` after it).
    """

    policy: str
    outcome: str
    blast_radius: int
    new_model_errors: int
    unavailable: int
    requests: int
    alarm_s: float
    rollback_s: float
    full_traffic_s: float
    finished_s: float
    timeline: Any = field(repr=False)
    events: Any = field(repr=False)

    def _repr_html_(self) -> str:
        head = {k: getattr(self, k) for k in ("policy", "outcome", "blast_radius", "new_model_errors", "unavailable",
                                              "requests", "alarm_s", "rollback_s", "full_traffic_s", "finished_s")}
        return html_table(head, "Rollout") + self.events.to_html(index=False)


class _Rollout:
    """The state machine of one update on a Simulation (see :func:`simulate_rollout`)."""

    def __init__(self, policy, old, new, alarms, rate_rps, instance_count, provisioning_s, restart_s,
                 manual_rollback_s, tail_s, seed):
        from mlkit.sim import Simulation

        self.sim = Simulation(seed)
        self.policy, self.old, self.new, self.alarms = policy, old, new, list(alarms)
        self.rate, self.n = rate_rps, instance_count
        self.provisioning_s, self.restart_s = provisioning_s, restart_s
        self.manual_rollback_s, self.tail_s = manual_rollback_s, tail_s
        self.old_profile, self.new_profile = old.profile, new.profile
        self.share = 0.0            # green's share of the traffic
        self.down = False           # in place: the fleet is restarting
        self.monitoring = False
        self.done = False
        self.last_flush = 0.0
        self.bucket = self._empty_bucket()
        self.minutes: list[dict] = []
        self.datapoints = {a.AlarmName: [] for a in self.alarms}
        self.alarm_state = {a.AlarmName: False for a in self.alarms}
        self.period_buffer: list[dict] = []
        self.events: list[tuple[float, str]] = []
        self.alarm_s = self.rollback_s = self.full_traffic_s = self.finished_s = math.nan
        self.outcome = "running"
        self.pending: list = []

    @staticmethod
    def _empty_bucket():
        return {"requests": 0, "new": 0, "new_errors": 0, "unavailable": 0, "errors": [], "lat": []}

    def log(self, text: str) -> None:
        self.events.append((self.sim.now, text, self.share))

    # traffic --------------------------------------------------------------------
    def flush(self) -> None:
        """Generate the requests of [last_flush, now) at the current share into the open minute."""
        import numpy as np

        dt = self.sim.now - self.last_flush
        self.last_flush = self.sim.now
        if dt <= 0:
            return
        rng = self.sim.rng
        n = int(rng.poisson(self.rate * dt))
        b = self.bucket
        b["requests"] += n
        if self.down:  # refused before reaching a model: not in the endpoint's invocation metrics
            b["unavailable"] += n
            return
        ng = int(rng.binomial(n, self.share))
        nb = n - ng
        eg = rng.random(ng) < self.new.error_rate
        eb = rng.random(nb) < self.old.error_rate
        b["new"] += ng
        b["new_errors"] += int(eg.sum())
        b["errors"].extend([eg.astype(float), eb.astype(float)])
        b["lat"].extend([self.new_profile.service_times(rng, ng) * 1000.0,
                         self.old_profile.service_times(rng, nb) * 1000.0])

    def close_minute(self) -> None:
        import numpy as np

        self.flush()
        b = self.bucket
        errors = np.concatenate(b["errors"]) if b["errors"] else np.zeros(0)
        lat = np.concatenate(b["lat"]) if b["lat"] else np.zeros(0)
        self.period_buffer.append({"errors": errors, "lat": lat})
        for a in self.alarms:
            if round(self.sim.now) % a.Period == 0:
                k = a.Period // METRIC_RESOLUTION_S
                chunk = self.period_buffer[-k:]
                value = a.datapoint(np.concatenate([c["errors"] for c in chunk]),
                                    np.concatenate([c["lat"] for c in chunk]))
                self.datapoints[a.AlarmName].append(value)
                self.alarm_state[a.AlarmName] = a.in_alarm(self.datapoints[a.AlarmName])
        in_alarm = [name for name, state in self.alarm_state.items() if state]
        fired = in_alarm if self.monitoring else []
        self.minutes.append({
            "time_s": self.sim.now, "requests": b["requests"], "green_share": self.share,
            "served_by_new": b["new"], "error_rate": float(errors.mean()) if errors.size else 0.0,
            "p99_ms": float(np.percentile(lat, 99)) if lat.size else math.nan,
            "unavailable": b["unavailable"], "alarm": bool(in_alarm)})
        self.totals_new += b["new"]
        self.totals_new_errors += b["new_errors"]
        self.totals_unavailable += b["unavailable"]
        self.totals_requests += b["requests"]
        self.bucket = self._empty_bucket()
        if fired and self.monitoring:
            self.on_alarm(fired)
        if not (self.done and self.sim.now >= self.finished_s + self.tail_s):
            self.sim.schedule(METRIC_RESOLUTION_S, self.close_minute, priority=-1)

    # state changes -----------------------------------------------------------------
    def set_share(self, share: float, why: str) -> None:
        self.flush()
        self.share = share
        self.log(why)
        if share >= 1.0 and math.isnan(self.full_traffic_s):
            self.full_traffic_s = self.sim.now

    def cancel_pending(self) -> None:
        for ev in self.pending:
            ev.cancel()
        self.pending = []

    def later(self, delay, fn, *args):
        self.pending.append(self.sim.schedule(delay, fn, *args))

    def finish(self, outcome: str, why: str) -> None:
        self.outcome = outcome
        self.done = True
        self.monitoring = False
        self.finished_s = self.sim.now
        self.log(why)

    # blue/green -----------------------------------------------------------------------
    def start_blue_green(self) -> None:
        trc = self.policy.TrafficRoutingConfiguration
        self.steps = trc.steps(self.n)
        self.wait = trc.WaitIntervalInSeconds
        self.log(f"UpdateEndpoint: provisioning the green fleet ({self.n} instances)")
        self.later(self.provisioning_s, self.step, 0)
        self.timeout_event = self.sim.schedule(self.policy.MaximumExecutionTimeoutInSeconds, self.on_timeout)

    def step(self, k: int) -> None:
        self.monitoring = True
        share = self.steps[k]
        self.set_share(share, f"step {k + 1}/{len(self.steps)}: {share:.0%} of traffic to green, baking "
                              f"{self.wait} s")
        if k + 1 < len(self.steps):
            self.later(self.wait, self.step, k + 1)
        else:
            self.later(self.wait, self.baked)

    def baked(self) -> None:
        self.monitoring = False
        self.log("final baking period passed without alarm")
        self.later(self.policy.TerminationWaitInSeconds, self.terminate_blue)

    def terminate_blue(self) -> None:
        self.timeout_event.cancel()
        self.finish("completed", "blue fleet terminated: the update is complete")

    def rollback(self, outcome: str, why: str) -> None:
        self.cancel_pending()
        self.timeout_event.cancel()
        self.rollback_s = self.sim.now
        self.set_share(0.0, why)
        self.finish(outcome, "green fleet terminated; blue serves everything")

    def on_timeout(self) -> None:
        if not self.done:
            self.rollback("timed out", "MaximumExecutionTimeoutInSeconds reached: rolling back to blue")

    def on_alarm(self, names) -> None:
        if math.isnan(self.alarm_s):
            self.alarm_s = self.sim.now
        if self.policy == IN_PLACE:
            self.monitoring = False
            self.cancel_pending()
            self.log(f"alarm {', '.join(names)} in ALARM; nothing rolls back by itself")
            self.later(self.manual_rollback_s, self.in_place_revert)
            return
        self.rollback("rolled back", f"alarm {', '.join(names)} in ALARM: auto-rollback, 100% of traffic to blue")

    # in place -------------------------------------------------------------------------
    def start_in_place(self) -> None:
        self.log("in-place update: stopping the fleet to install the new model")
        self.flush()
        self.down = True
        self.later(self.restart_s, self.in_place_up)

    def in_place_up(self) -> None:
        self.flush()
        self.down = False
        self.monitoring = True
        self.set_share(1.0, "fleet back up, serving the new model")
        self.later(max(self.tail_s, METRIC_RESOLUTION_S), self.in_place_settled)

    def in_place_settled(self) -> None:
        if not self.done:
            self.finish("completed, no rollback", "no alarm: the new model stays")

    def in_place_revert(self) -> None:
        self.cancel_pending()
        self.rollback_s = self.sim.now
        self.flush()
        self.down = True
        self.share = 0.0
        self.log(f"{self.manual_rollback_s:g} s after the alarm a person starts another in-place update back to "
                 "the old model")
        self.later(self.restart_s, self.in_place_reverted)

    def in_place_reverted(self) -> None:
        self.flush()
        self.down = False
        self.finish("rolled back", "fleet back up, serving the old model again")

    # run ------------------------------------------------------------------------------
    def run(self) -> RolloutResult:
        import pandas as pd

        self.totals_new = self.totals_new_errors = self.totals_unavailable = self.totals_requests = 0
        self.sim.schedule(METRIC_RESOLUTION_S, self.close_minute, priority=-1)
        if self.policy == IN_PLACE:
            self.sim.schedule(0.0, self.start_in_place)
        else:
            self.sim.schedule(0.0, self.start_blue_green)
        limit = 48 * 3600.0  # nothing here outlives two simulated days (MaximumExecutionTimeout <= 8 h)
        self.sim.run(until=limit)
        name = self.policy if self.policy == IN_PLACE else self.policy.name
        return RolloutResult(
            policy=name, outcome=self.outcome, blast_radius=self.totals_new,
            new_model_errors=self.totals_new_errors, unavailable=self.totals_unavailable,
            requests=self.totals_requests, alarm_s=self.alarm_s, rollback_s=self.rollback_s,
            full_traffic_s=self.full_traffic_s, finished_s=self.finished_s,
            timeline=pd.DataFrame(self.minutes),
            events=pd.DataFrame(self.events, columns=["time_s", "event", "green_share"]))


def _check_policy(policy):
    if policy == IN_PLACE or isinstance(policy, BlueGreenUpdatePolicy):
        return policy
    if isinstance(policy, DeploymentConfig):
        return policy.BlueGreenUpdatePolicy
    raise ValueError(f"policy must be a BlueGreenUpdatePolicy, a DeploymentConfig or {IN_PLACE!r}, got {policy!r}")


def simulate_rollout(policy, new: ModelHealth, *, old: ModelHealth | None = None,
                     alarms: Sequence[CloudWatchAlarm] = (), rate_rps: float = 20.0, instance_count: int = 4,
                     provisioning_s: float = 300.0, restart_s: float = 120.0, manual_rollback_s: float = 900.0,
                     tail_s: float = 600.0, seed=0) -> RolloutResult:
    """Simulate one endpoint update in simulated time; a :class:`RolloutResult`.

    In: ``policy`` (a :class:`BlueGreenUpdatePolicy`, a
    :class:`DeploymentConfig` whose alarms are then used unless ``alarms`` is
    given, or ``"IN_PLACE"``), the ``new`` model's :class:`ModelHealth` and
    the ``old`` one's (default ``ModelHealth()``), the alarms, a Poisson
    request rate ``rate_rps`` (> 0, at most 10,000), the fleet's
    ``instance_count`` (1-100), the seconds to provision the green fleet,
    to restart a fleet in place, before a person reacts to an alarm on an
    in-place update, and to keep watching after the end (``tail_s``).
    Same seed, same numbers. Errors: ``ValueError``/``TypeError`` naming the
    parameter, including a canary or step size the fleet does not allow.
    """
    policy_ = _check_policy(policy)
    if isinstance(policy, DeploymentConfig) and not alarms:
        alarms = policy.Alarms
    if not isinstance(new, ModelHealth):
        raise TypeError(f"new must be a ModelHealth, got {type(new).__name__}")
    old = ModelHealth() if old is None else old
    if not isinstance(old, ModelHealth):
        raise TypeError(f"old must be a ModelHealth, got {type(old).__name__}")
    for a in alarms:
        if not isinstance(a, CloudWatchAlarm):
            raise TypeError(f"alarms must be CloudWatchAlarm objects, got {type(a).__name__}")
    names = [a.AlarmName for a in alarms]
    if len(set(names)) != len(names):
        raise ValueError(f"alarms must have distinct AlarmName values, got {names}")
    rate = check_float("rate_rps", rate_rps, 0.0, 10_000.0, low_open=True)
    n = check_int("instance_count", instance_count, low=1, high=100)
    prov = check_float("provisioning_s", provisioning_s, 0.0, 7200.0)
    restart = check_float("restart_s", restart_s, 0.0, 7200.0)
    manual = check_float("manual_rollback_s", manual_rollback_s, 0.0, 86400.0)
    tail = check_float("tail_s", tail_s, 0.0, 86400.0)
    if policy_ != IN_PLACE:
        policy_.TrafficRoutingConfiguration.steps(n)  # a size the fleet does not allow fails here, before running
    return _Rollout(policy_, old, new, alarms, rate, n, prov, restart, manual, tail, seed).run()


def compare_policies(policies: dict, *, bad: ModelHealth, good: ModelHealth | None = None,
                     old: ModelHealth | None = None, alarms: Sequence[CloudWatchAlarm] = (), repeats: int = 5,
                     seed=0, **kwargs):
    """Each policy against a bad and a good new model: blast radius and times, one row per policy.

    In: ``policies`` (name -> policy as :func:`simulate_rollout` takes it),
    the ``bad`` and ``good`` new models (good defaults to the old model's
    health), ``repeats`` runs each (seeds ``seed``, ``seed+1``, ...), other
    keywords for :func:`simulate_rollout`. Out: a DataFrame indexed by
    policy with the means over the repeats: ``blast_radius`` and
    ``bad_model_errors`` (requests the bad model served / answered with an
    error), ``unavailable``, ``rolled_back`` (share of runs), ``detect_s``
    (UpdateEndpoint to alarm), ``bad_finished_s`` (to the end of the
    rollback), ``good_full_traffic_s`` and ``good_finished_s`` for the good
    model, and ``good_rolled_back`` (false alarms).
    """
    import numpy as np
    import pandas as pd

    if not isinstance(policies, dict) or not policies:
        raise ValueError(f"policies must be a non-empty dict of name -> policy, got {policies!r}")
    repeats = check_int("repeats", repeats, low=1, high=1000)
    base = 0 if seed is None else check_int("seed", seed, low=0)
    good = (old or ModelHealth()) if good is None else good
    rows = []
    for name, policy in policies.items():
        b = [simulate_rollout(policy, bad, old=old, alarms=alarms, seed=base + i, **kwargs) for i in range(repeats)]
        g = [simulate_rollout(policy, good, old=old, alarms=alarms, seed=base + 10_000 + i, **kwargs)
             for i in range(repeats)]
        rows.append({
            "policy": name,
            "blast_radius": float(np.mean([r.blast_radius for r in b])),
            "bad_model_errors": float(np.mean([r.new_model_errors for r in b])),
            "unavailable": float(np.mean([r.unavailable for r in b])),
            "rolled_back": float(np.mean([r.outcome in ("rolled back", "timed out") for r in b])),
            "detect_s": float(np.nanmean([r.alarm_s for r in b])) if any(not math.isnan(r.alarm_s) for r in b)
            else math.nan,
            "bad_finished_s": float(np.mean([r.finished_s for r in b])),
            "good_full_traffic_s": float(np.mean([r.full_traffic_s for r in g])),
            "good_finished_s": float(np.mean([r.finished_s for r in g])),
            "good_rolled_back": float(np.mean([r.outcome in ("rolled back", "timed out") for r in g])),
        })
    return pd.DataFrame(rows).set_index("policy")
