"""Autoscaling of an endpoint variant in simulated time: target tracking, scheduled actions, both.

SageMaker endpoints scale through Application Auto Scaling. The variant is a
*scalable target* (``sagemaker:variant:DesiredInstanceCount`` between
``MinCapacity`` and ``MaxCapacity``); a *target tracking* policy keeps the
predefined metric ``SageMakerVariantInvocationsPerInstance`` (invocations per
instance per minute) near ``TargetValue``; *scheduled actions* change
``MinCapacity``/``MaxCapacity`` at times given by ``at(...)``, ``rate(...)``
or ``cron(...)`` expressions. Used together, the schedule sets the bounds
and the policy moves within them.

Objects, in SageMaker's names, each exporting its real request:
:class:`ScalableTarget` (``RegisterScalableTarget``),
:class:`TargetTrackingPolicy` (``PutScalingPolicy``),
:class:`ScheduledAction` (``PutScheduledAction``); :class:`Schedule` parses
the expressions (a clear ``ValueError`` for one that does not parse).

:func:`simulate_scaling` runs a week (or any span) of a
``mlkit.datasets.traffic`` frame on :class:`mlkit.sim.Simulation` time, one
CloudWatch metric period per row. How it models the service:

* **alarms** -- as target tracking creates them for SageMaker: scale out when
  the metric is above ``TargetValue`` for ``scale_out_datapoints`` (3)
  periods in a row, scale in when below ``scale_in_ratio`` (0.9) x target for
  ``scale_in_datapoints`` (15); the new capacity is
  ``ceil(current * metric / TargetValue)`` clamped to [min, max];
* **cooldowns** -- no scale-out within ``ScaleOutCooldown`` s of the last
  scale-out; no scale-in within ``ScaleInCooldown`` s of the last scaling
  activity; scheduled actions ignore cooldowns;
* **instances** -- new ones serve after ``instance_start_s`` (illustrative:
  a few minutes) and are billed from launch; removed ones stop at once;
* **latency** -- each instance runs ``workers_per_instance`` requests at a
  time with the service times of a :class:`~mlkit.inference.simulation.ModelProfile`;
  within a period the queue is M/M/c (Erlang C), so a request waits with
  probability C and then Exp(c mu - lambda); latency percentiles come from
  seeded draws of service and waiting times weighted by requests served;
* **throttling** -- beyond 95 % of the capacity (c mu) a period's extra
  requests are throttled (the container's queue overflows).

Prices are :mod:`mlkit.inference.prices`' illustrative figures.

>>> from mlkit import datasets
>>> week = datasets.traffic(days=7, base_rps=80.0, seed=0)
>>> target = ScalableTarget("demo", MinCapacity=1, MaxCapacity=10)
>>> policy = TargetTrackingPolicy(TargetValue=1200.0)
>>> r = simulate_scaling(week, target, policy=policy, initial_instances=4, seed=0)
>>> r.summary.name, r.summary.throttle_rate < 0.01
('target tracking', True)
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any, Sequence

from mlkit._checks import check_float, check_int, make_rng
from mlkit.aws import AwsRequest, validate_request
from mlkit.report import Report

__all__ = [
    "Schedule",
    "ScalableTarget",
    "TargetTrackingPolicy",
    "ScheduledAction",
    "ScalingSummary",
    "ScalingResult",
    "simulate_scaling",
    "compare_scaling",
    "scaling_requests",
    "PREDEFINED_METRIC",
    "SCALABLE_DIMENSION",
]

PREDEFINED_METRIC = "SageMakerVariantInvocationsPerInstance"
SCALABLE_DIMENSION = "sagemaker:variant:DesiredInstanceCount"
_NAME = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")


# ============================================================================ schedules

_MONTHS = {m.upper(): i for i, m in enumerate(calendar.month_abbr) if m}
_DAYS = {d: i + 1 for i, d in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"))}  # AWS: 1 = Sunday
_FIELDS = (("minutes", 0, 59, {}), ("hours", 0, 23, {}), ("day-of-month", 1, 31, {}),
           ("month", 1, 12, _MONTHS), ("day-of-week", 1, 7, _DAYS), ("year", 1970, 2199, {}))
_RATE_UNITS = {"minute": 60, "minutes": 60, "hour": 3600, "hours": 3600, "day": 86400, "days": 86400}


class Schedule:
    """An Application Auto Scaling schedule: ``at(yyyy-mm-ddThh:mm:ss)``, ``rate(N unit)`` or ``cron(6 fields)``.

    ``cron(minutes hours day-of-month month day-of-week year)`` as AWS
    writes it: ``*``, lists ``a,b``, ranges ``a-b``, steps ``*/n`` or
    ``a-b/n``, month names ``JAN``-``DEC``, day names ``SUN``-``SAT`` (day
    numbers 1-7 with 1 = Sunday), and ``?`` in exactly one of day-of-month
    and day-of-week. ``L``, ``W`` and ``#`` are refused with a message (the
    kit does not simulate them). ``fire_times(start, end)`` lists the
    datetimes in ``[start, end)`` (naive, in the schedule's clock).
    A bad expression raises ``ValueError`` naming it and the problem.

    >>> s = Schedule("cron(0 8 ? * WED *)")
    >>> [t.isoformat() for t in s.fire_times(dt.datetime(2026, 1, 5), dt.datetime(2026, 1, 19))]
    ['2026-01-07T08:00:00', '2026-01-14T08:00:00']
    >>> Schedule("cron(0 8 * * WED *)")
    Traceback (most recent call last):
    ...
    ValueError: Schedule 'cron(0 8 * * WED *)' does not parse: one of day-of-month and day-of-week must be '?' (e.g. cron(0 8 ? * WED *))
    """

    def __init__(self, expression: str):
        self.expression = expression
        self._kind, self._spec = self._parse(expression)

    def _bad(self, why: str) -> ValueError:
        return ValueError(f"Schedule {self.expression!r} does not parse: {why}")

    def _parse(self, expr):
        if not isinstance(expr, str):
            raise TypeError(f"Schedule must be a string such as 'cron(0 8 ? * WED *)', got {type(expr).__name__}")
        m = re.fullmatch(r"\s*(at|rate|cron)\((.*)\)\s*", expr)
        if m is None:
            raise self._bad("it must be at(yyyy-mm-ddThh:mm:ss), rate(value unit) or "
                            "cron(minutes hours day-of-month month day-of-week year)")
        kind, body = m.group(1), m.group(2).strip()
        if kind == "at":
            try:
                return kind, dt.datetime.strptime(body, "%Y-%m-%dT%H:%M:%S")
            except ValueError:
                raise self._bad("at() takes a date and time as yyyy-mm-ddThh:mm:ss") from None
        if kind == "rate":
            parts = body.split()
            if len(parts) != 2 or not parts[0].isdigit() or int(parts[0]) < 1 or parts[1] not in _RATE_UNITS:
                raise self._bad("rate() takes a positive whole number and a unit: minute(s), hour(s) or day(s)")
            return kind, int(parts[0]) * _RATE_UNITS[parts[1]]
        fields = body.split()
        if len(fields) != 6:
            raise self._bad(f"cron() needs 6 fields (minutes hours day-of-month month day-of-week year), "
                            f"got {len(fields)}")
        dom, dow = fields[2], fields[4]
        if (dom == "?") == (dow == "?"):
            raise self._bad("one of day-of-month and day-of-week must be '?' (e.g. cron(0 8 ? * WED *))")
        sets = []
        for text, (name, low, high, names) in zip(fields, _FIELDS):
            sets.append(None if text == "?" else self._field(text, name, low, high, names))
        return kind, sets

    def _field(self, text, name, low, high, names) -> frozenset:
        for token in re.split(r"[,/-]", text):
            if token and token != "*" and not token.isdigit() and token.upper() not in names \
                    and ("#" in token or token.upper().rstrip("0123456789").endswith(("L", "W"))):
                raise self._bad(f"{name} field {text!r}: L, W and # are not supported by mlkit's simulator")
        values = set()
        for part in text.split(","):
            rng, _, step = part.partition("/")
            try:
                step_n = int(step) if step else 1
            except ValueError:
                raise self._bad(f"{name} field {text!r}: the step after '/' must be a number") from None
            if step_n < 1:
                raise self._bad(f"{name} field {text!r}: the step must be >= 1")
            if rng == "*":
                a, b = low, high
            else:
                ends = rng.split("-")
                if len(ends) > 2 or not all(ends):
                    raise self._bad(f"{name} field {text!r}: expected a value, a range a-b, '*' or a step")
                try:
                    nums = [int(e) if e.isdigit() else names[e.upper()] for e in ends]
                except KeyError:
                    raise self._bad(f"{name} field {text!r}: unknown name; use numbers {low}-{high}"
                                    + (f" or {', '.join(names)}" if names else "")) from None
                a, b = nums[0], nums[-1]
                if step and len(ends) == 1:
                    b = high
            if not (low <= a <= high and low <= b <= high) or a > b:
                raise self._bad(f"{name} field {text!r}: values must be within {low}-{high}, low to high")
            values.update(range(a, b + 1, step_n))
        return frozenset(values)

    def fire_times(self, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
        """The times in ``[start, end)`` at which the schedule fires, in order."""
        if self._kind == "at":
            return [self._spec] if start <= self._spec < end else []
        if self._kind == "rate":
            out, t, step = [], start, dt.timedelta(seconds=self._spec)
            while t < end:
                out.append(t)
                t += step
            return out
        minutes, hours, dom, months, dow, years = self._spec
        out = []
        day = dt.datetime(start.year, start.month, start.day)
        while day < end:
            aws_dow = (day.weekday() + 1) % 7 + 1  # Monday=0 in Python -> 2 in AWS (1 = Sunday)
            if day.year in years and day.month in months and (dom is None or day.day in dom) \
                    and (dow is None or aws_dow in dow):
                for h in sorted(hours):
                    for mi in sorted(minutes):
                        t = day.replace(hour=h, minute=mi)
                        if start <= t < end:
                            out.append(t)
            day += dt.timedelta(days=1)
        return out

    def __repr__(self) -> str:
        return f"Schedule({self.expression!r})"


_Schedule = Schedule  # ScheduledAction has a field named Schedule (the API's name)


# ============================================================================ the objects


def _resource_id(endpoint: str, variant: str) -> str:
    return f"endpoint/{endpoint}/variant/{variant}"


@dataclass
class ScalableTarget(AwsRequest):
    """An endpoint variant's instance count as a scalable target: ``MinCapacity`` <= count <= ``MaxCapacity``.

    ``to_request()`` is Application Auto Scaling's ``RegisterScalableTarget``.
    Errors: names that are not endpoint/variant names, ``MinCapacity`` < 1,
    ``MaxCapacity`` < 1, ``MinCapacity`` > ``MaxCapacity``.

    >>> ScalableTarget("demo", MinCapacity=5, MaxCapacity=2)
    Traceback (most recent call last):
    ...
    ValueError: MinCapacity must be <= MaxCapacity, got MinCapacity=5 > MaxCapacity=2
    """

    aws_service = "application-autoscaling"
    aws_operation = "RegisterScalableTarget"

    EndpointName: str
    VariantName: str = "AllTraffic"
    MinCapacity: int = 1
    MaxCapacity: int = 4

    def __post_init__(self):
        for fname in ("EndpointName", "VariantName"):
            value = getattr(self, fname)
            if not isinstance(value, str) or not _NAME.fullmatch(value):
                raise ValueError(f"{fname} must be 1-63 letters, digits or hyphens, got {value!r}")
        check_int("MinCapacity", self.MinCapacity, low=1)
        check_int("MaxCapacity", self.MaxCapacity, low=1)
        if self.MinCapacity > self.MaxCapacity:
            raise ValueError(f"MinCapacity must be <= MaxCapacity, got MinCapacity={self.MinCapacity} > "
                             f"MaxCapacity={self.MaxCapacity}")

    @property
    def ResourceId(self) -> str:
        return _resource_id(self.EndpointName, self.VariantName)

    def to_request(self) -> dict:
        return {"ServiceNamespace": "sagemaker", "ResourceId": self.ResourceId,
                "ScalableDimension": SCALABLE_DIMENSION,
                "MinCapacity": int(self.MinCapacity), "MaxCapacity": int(self.MaxCapacity)}


@dataclass
class TargetTrackingPolicy:
    """Target tracking on ``SageMakerVariantInvocationsPerInstance``: keep invocations/instance/minute near ``TargetValue``.

    ``TargetValue`` > 0; cooldowns in seconds (>= 0, 300 by default as in
    the service); ``DisableScaleIn`` stops the policy from removing
    instances. ``to_request(target)`` is ``PutScalingPolicy`` for a
    :class:`ScalableTarget`.

    >>> TargetTrackingPolicy(TargetValue=0)
    Traceback (most recent call last):
    ...
    ValueError: TargetValue must be a finite number > 0.0, got 0.0
    """

    TargetValue: float
    ScaleOutCooldown: int = 300
    ScaleInCooldown: int = 300
    DisableScaleIn: bool = False
    PolicyName: str = "invocations-target-tracking"

    def __post_init__(self):
        check_float("TargetValue", self.TargetValue, low=0.0, low_open=True)
        check_int("ScaleOutCooldown", self.ScaleOutCooldown, low=0)
        check_int("ScaleInCooldown", self.ScaleInCooldown, low=0)
        if not isinstance(self.DisableScaleIn, bool):
            raise TypeError(f"DisableScaleIn must be True or False, got {self.DisableScaleIn!r}")

    def to_request(self, target: ScalableTarget) -> dict:
        return {
            "PolicyName": self.PolicyName,
            "ServiceNamespace": "sagemaker",
            "ResourceId": target.ResourceId,
            "ScalableDimension": SCALABLE_DIMENSION,
            "PolicyType": "TargetTrackingScaling",
            "TargetTrackingScalingPolicyConfiguration": {
                "TargetValue": float(self.TargetValue),
                "PredefinedMetricSpecification": {"PredefinedMetricType": PREDEFINED_METRIC},
                "ScaleOutCooldown": int(self.ScaleOutCooldown),
                "ScaleInCooldown": int(self.ScaleInCooldown),
                "DisableScaleIn": bool(self.DisableScaleIn),
            },
        }


@dataclass
class ScheduledAction:
    """Change the target's ``MinCapacity`` and/or ``MaxCapacity`` when ``Schedule`` fires.

    ``Schedule`` is an ``at``/``rate``/``cron`` expression (:class:`Schedule`;
    a bad one raises ``ValueError``); at least one of the capacities is
    given, each >= 1, and ``MinCapacity`` <= ``MaxCapacity`` when both are.
    ``to_request(target)`` is ``PutScheduledAction``.

    >>> ScheduledAction("wednesday-peak", "cron(0 8 ? * WED *)", MinCapacity=4).schedule.expression
    'cron(0 8 ? * WED *)'
    """

    ScheduledActionName: str
    Schedule: str
    MinCapacity: int | None = None
    MaxCapacity: int | None = None
    Timezone: str = "UTC"

    def __post_init__(self):
        if not isinstance(self.ScheduledActionName, str) or not self.ScheduledActionName.strip() \
                or any(c in self.ScheduledActionName for c in ":/|") or len(self.ScheduledActionName) > 256:
            raise ValueError(f"ScheduledActionName must be 1-256 characters without ':', '/' or '|', "
                             f"got {self.ScheduledActionName!r}")
        self.schedule = _Schedule(self.Schedule)
        if self.MinCapacity is None and self.MaxCapacity is None:
            raise ValueError(f"ScheduledAction {self.ScheduledActionName!r} must set MinCapacity, MaxCapacity or both")
        if self.MinCapacity is not None:
            check_int("MinCapacity", self.MinCapacity, low=1)
        if self.MaxCapacity is not None:
            check_int("MaxCapacity", self.MaxCapacity, low=1)
        if self.MinCapacity is not None and self.MaxCapacity is not None and self.MinCapacity > self.MaxCapacity:
            raise ValueError(f"MinCapacity must be <= MaxCapacity, got MinCapacity={self.MinCapacity} > "
                             f"MaxCapacity={self.MaxCapacity} in ScheduledAction {self.ScheduledActionName!r}")

    def to_request(self, target: ScalableTarget) -> dict:
        action = {}
        if self.MinCapacity is not None:
            action["MinCapacity"] = int(self.MinCapacity)
        if self.MaxCapacity is not None:
            action["MaxCapacity"] = int(self.MaxCapacity)
        return {"ServiceNamespace": "sagemaker", "ScheduledActionName": self.ScheduledActionName,
                "ResourceId": target.ResourceId, "ScalableDimension": SCALABLE_DIMENSION,
                "Schedule": self.Schedule, "Timezone": self.Timezone, "ScalableTargetAction": action}


def scaling_requests(target: ScalableTarget, policy: TargetTrackingPolicy | None = None,
                     scheduled: Sequence[ScheduledAction] = ()) -> list[tuple[str, dict]]:
    """Every Application Auto Scaling request of a set-up, validated: ``[(operation, params), ...]``.

    ``RegisterScalableTarget`` first, then ``PutScalingPolicy`` (if a
    policy), then one ``PutScheduledAction`` per action; each checked with
    :func:`mlkit.aws.validate_request` against botocore's model.
    """
    out = [("RegisterScalableTarget", target.to_request())]
    if policy is not None:
        out.append(("PutScalingPolicy", policy.to_request(target)))
    out += [("PutScheduledAction", a.to_request(target)) for a in scheduled]
    return [(op, validate_request("application-autoscaling", op, params)) for op, params in out]


# ============================================================================ the simulation


@dataclass
class ScalingSummary(Report):
    """One scaling set-up over the window: requests, throttles, latency percentiles (ms), instances, cost (USD)."""

    name: str
    requests: int
    served: int
    throttled: int
    throttle_rate: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    instance_hours: float
    cost: float
    mean_instances: float
    max_instances: int
    scale_outs: int
    scale_ins: int


@dataclass
class ScalingResult(Report):
    """``timeline`` (one row per metric period) and ``summary`` (:class:`ScalingSummary`); ``activities`` lists changes.

    ``timeline`` columns: ``timestamp``, ``requests``, ``instances`` (in
    service), ``billed_instances`` (in service + starting), ``min_capacity``,
    ``max_capacity``, ``invocations_per_instance`` (the metric, per minute),
    ``served``, ``throttled``, ``utilization``, ``mean_latency_ms``.
    """

    summary: ScalingSummary
    timeline: Any = field(repr=False)
    activities: list = field(default_factory=list, repr=False)

    def to_dict(self) -> dict:
        return {"summary": self.summary.to_dict(), "activities": self.activities}


def _erlang_c(c: int, a: float) -> float:
    """Probability that an arrival waits in an M/M/c queue with offered load ``a`` = lambda/mu < c."""
    if a <= 0:
        return 0.0
    term, total = 1.0, 1.0
    for k in range(1, c):
        term *= a / k
        total += term
    last = term * a / c
    last_w = last * c / (c - a)
    return last_w / (total + last_w)


def _erlang_c_array(c: int, a):
    """:func:`_erlang_c` for one server count ``c`` and an array of loads ``a`` (each < c), elementwise.

    The same operations in the same order as the scalar version, so the
    numbers are identical; one pass over ``k`` instead of one per load.
    """
    import numpy as np

    a = np.asarray(a, dtype=float)
    term = np.ones_like(a)
    total = np.ones_like(a)
    for k in range(1, c):
        term = term * (a / k)
        total = total + term
    last = term * a / c
    last_w = last * c / (c - a)
    out = last_w / (total + last_w)
    return np.where(a <= 0, 0.0, out)


def _run_lengths(flags, carry: int):
    """For each position, how many positions in a row up to it (included) are True; ``carry`` True ones precede."""
    import numpy as np

    idx = np.arange(len(flags))
    last_false = np.maximum.accumulate(np.where(flags, -1, idx))
    return np.where(last_false >= 0, idx - last_false, carry + idx + 1)


#: Use the vectorised control loop (False: one simulation event per metric period; kept as the reference).
_FAST_CONTROL = True


def _frame_of(traffic):
    import pandas as pd

    frame = getattr(traffic, "frame", traffic)
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"traffic must be a mlkit.datasets.traffic Dataset or its DataFrame, got {type(traffic).__name__}")
    if "timestamp" not in frame.columns or "requests" not in frame.columns or len(frame) < 2:
        raise ValueError(f"traffic must have 'timestamp' and 'requests' columns and at least 2 rows, "
                         f"got columns {list(frame.columns)} and {len(frame)} rows")
    import numpy as np

    ts = pd.to_datetime(frame["timestamp"])
    steps = np.diff(ts.to_numpy().astype("datetime64[ns]")).astype(np.int64) / 1e9  # seconds
    if not (steps > 0).all() or not (steps == steps[0]).all():
        raise ValueError("traffic timestamps must be evenly spaced and increasing (one row per metric period)")
    return frame, ts, float(steps[0])


class _Run:
    """The state of one simulated scaling set-up, advanced by events on a :class:`mlkit.sim.Simulation`."""

    def __init__(self, sim, target, policy, scheduled, initial, start_s, period, opts):
        self.sim, self.target, self.policy, self.opts = sim, target, policy, opts
        self.period, self.start_s = period, start_s
        self.min_cap, self.max_cap = target.MinCapacity, target.MaxCapacity
        self.in_service = initial
        self.pending: list[list] = []  # [ready_time, count]
        self.last_out = self.last_activity = -math.inf
        self.high = self.low = 0
        self.scale_outs = self.scale_ins = 0
        self.activities: list[dict] = []

    @property
    def capacity(self) -> int:
        return self.in_service + sum(c for _, c in self.pending)

    def _log(self, kind: str, new: int, why: str) -> None:
        self.activities.append({"time_s": self.sim.now, "activity": kind, "capacity": new, "cause": why})

    def set_capacity(self, new: int, why: str) -> None:
        current = self.capacity
        if new > current:
            ready = self.sim.now + self.start_s
            self.pending.append([ready, new - current])
            self.sim.schedule_at(ready, self._ready, priority=0)
            self.scale_outs += 1
            self._log("scale-out", new, why)
        elif new < current:
            drop = current - new
            while drop and self.pending:  # cancel starting instances first
                take = min(drop, self.pending[-1][1])
                self.pending[-1][1] -= take
                drop -= take
                if self.pending[-1][1] == 0:
                    self.pending.pop()
            self.in_service -= drop
            self.scale_ins += 1
            self._log("scale-in", new, why)

    def _ready(self) -> None:
        now = self.sim.now
        for item in [p for p in self.pending if p[0] <= now]:
            self.in_service += item[1]
            self.pending.remove(item)

    def apply_action(self, action: ScheduledAction) -> None:
        if action.MinCapacity is not None:
            self.min_cap = action.MinCapacity
        if action.MaxCapacity is not None:
            self.max_cap = action.MaxCapacity
        if self.min_cap > self.max_cap:
            raise ValueError(
                f"ScheduledAction {action.ScheduledActionName!r} at t={self.sim.now:g}s leaves MinCapacity="
                f"{self.min_cap} > MaxCapacity={self.max_cap}; set both in the action or change the other bound first")
        clamped = min(max(self.capacity, self.min_cap), self.max_cap)
        if clamped != self.capacity:
            self.set_capacity(clamped, f"scheduled action {action.ScheduledActionName}")
            self.last_activity = self.sim.now

    def evaluate(self, requests: int) -> float:
        """End of a metric period: compute the metric, update the alarms, maybe scale. Returns the metric."""
        per_minute = requests * 60.0 / self.period
        metric = per_minute / self.in_service if self.in_service else math.inf
        p = self.policy
        if p is None:
            return metric
        self.high = self.high + 1 if metric > p.TargetValue else 0
        self.low = self.low + 1 if metric < self.opts["scale_in_ratio"] * p.TargetValue else 0
        now, current = self.sim.now, self.capacity
        if self.high >= self.opts["scale_out_datapoints"] and now - self.last_out >= p.ScaleOutCooldown:
            base = max(self.in_service, 1)
            want = min(self.max_cap, max(self.min_cap, math.ceil(base * metric / p.TargetValue)))
            if want > current:
                self.set_capacity(want, f"{PREDEFINED_METRIC} {metric:.0f} > target {p.TargetValue:g}")
                self.last_out = self.last_activity = now
                self.high = 0
        elif (self.low >= self.opts["scale_in_datapoints"] and not p.DisableScaleIn
              and now - self.last_activity >= p.ScaleInCooldown):
            want = max(self.min_cap, min(self.max_cap, math.ceil(max(self.in_service, 1) * metric / p.TargetValue)))
            if want < current:
                self.set_capacity(want, f"{PREDEFINED_METRIC} {metric:.0f} < {self.opts['scale_in_ratio']:g} x "
                                        f"target {p.TargetValue:g}")
                self.last_activity = now
                self.low = 0
        return metric


def _control_loop(sim, run, requests, period: float, metric, record) -> None:
    """The metric periods of :func:`simulate_scaling`, as the per-period event loop runs them, but in stretches.

    Between two events (an instance becoming ready, a scheduled action) and
    two scaling activities the fleet does not change, so the metric of every
    period of such a stretch, its alarm counters (run lengths) and the first
    period whose alarm would act are computed with numpy; only the periods
    that act (a few dozen a week) go through ``run.evaluate``. Same
    operations, same order of events, same numbers as one event per period.
    """
    import numpy as np

    n = len(requests)
    per_minute = requests * 60.0 / period
    p, opts = run.policy, run.opts
    i = 0
    while i < n:
        t_i = (i + 1) * period
        if sim.peek() <= t_i:  # events due at or before this period's end run first (priority 0 < tick's 1)
            sim.run(until=t_i)
        sim.now = t_i
        nxt = sim.peek()
        j = i + 1  # the stretch: periods i..j-1 end before the next event
        if nxt == math.inf:
            j = n
        else:
            j = max(i + 1, min(n, int(nxt // period)))
            while j > i + 1 and j * period >= nxt:
                j -= 1
            while j < n and (j + 1) * period < nxt:
                j += 1
        j = min(j, i + 720)  # look ahead at most 720 periods: an activity usually comes sooner
        if run.in_service <= 0:
            j = i + 1  # metric infinite: one period at a time
        act = None
        if run.in_service > 0:
            m = per_minute[i:j] / run.in_service
            if p is not None:
                times = (np.arange(i, j) + 1) * period
                current, base = run.capacity, max(run.in_service, 1)
                high = _run_lengths(m > p.TargetValue, run.high)
                low = _run_lengths(m < opts["scale_in_ratio"] * p.TargetValue, run.low)
                want_out = np.minimum(run.max_cap, np.maximum(run.min_cap, np.ceil(base * m / p.TargetValue)))
                want_in = np.maximum(run.min_cap, np.minimum(run.max_cap, np.ceil(base * m / p.TargetValue)))
                acts = ((high >= opts["scale_out_datapoints"]) & (times - run.last_out >= p.ScaleOutCooldown)
                        & (want_out > current))
                if not p.DisableScaleIn:
                    acts |= ((low >= opts["scale_in_datapoints"]) & (times - run.last_activity >= p.ScaleInCooldown)
                             & (want_in < current))
                hits = np.flatnonzero(acts)
                if len(hits):
                    act = int(hits[0])
                    j = i + act  # the quiet periods before it
                    if act > 0:
                        run.high, run.low = int(high[act - 1]), int(low[act - 1])
                else:
                    run.high, run.low = int(high[-1]), int(low[-1])
            metric[i:j] = m[:j - i]
            record(slice(i + 1, min(j, n - 1) + 1))  # the rows that start after each quiet period
            i = j
        if act is not None or (i < n and run.in_service <= 0):
            sim.now = (i + 1) * period
            metric[i] = run.evaluate(int(requests[i]))
            if i + 1 < n:
                record(i + 1)
            i += 1


def simulate_scaling(traffic, target: ScalableTarget, *, policy: TargetTrackingPolicy | None = None,
                     scheduled: Sequence[ScheduledAction] = (), initial_instances: int | None = None,
                     profile=None, workers_per_instance: int = 4, instance_type: str = "ml.m5.large",
                     prices=None, instance_start_s: float = 300.0, scale_out_datapoints: int = 3,
                     scale_in_datapoints: int = 15, scale_in_ratio: float = 0.9, samples_per_period: int = 8,
                     name: str | None = None, seed=0) -> ScalingResult:
    """Run ``traffic`` against a variant scaled by ``policy`` and/or ``scheduled`` actions, in simulated time.

    In: ``traffic`` (a ``mlkit.datasets.traffic`` Dataset or frame; each row
    is one metric period), the :class:`ScalableTarget`, an optional
    :class:`TargetTrackingPolicy`, :class:`ScheduledAction` s (their
    schedules read in the frame's clock), ``initial_instances`` (default
    ``MinCapacity``; clamped into [min, max]), the serving model
    (``profile``: a :class:`~mlkit.inference.simulation.ModelProfile`, default
    100 ms median and 300 ms p99; ``workers_per_instance`` concurrent
    requests per instance), prices, and the alarm and start-up settings
    described in the module docstring. Out: a :class:`ScalingResult`. With
    neither policy nor actions the instance count stays fixed. Same seed,
    same numbers. Errors: bad values name the parameter; a scheduled action
    leaving MinCapacity > MaxCapacity raises ``ValueError`` naming it.
    """
    import numpy as np
    import pandas as pd

    from mlkit.inference.prices import DEFAULT_PRICES
    from mlkit.inference.simulation import ModelProfile
    from mlkit.sim import Simulation

    if not isinstance(target, ScalableTarget):
        raise TypeError(f"target must be a ScalableTarget, got {type(target).__name__}")
    if policy is not None and not isinstance(policy, TargetTrackingPolicy):
        raise TypeError(f"policy must be a TargetTrackingPolicy or None, got {type(policy).__name__}")
    scheduled = list(scheduled)
    for a in scheduled:
        if not isinstance(a, ScheduledAction):
            raise TypeError(f"scheduled must hold ScheduledAction objects, got {type(a).__name__}")
    profile = profile if profile is not None else ModelProfile(latency_ms=100.0, latency_p99_ms=300.0)
    if not isinstance(profile, ModelProfile):
        raise TypeError(f"profile must be a ModelProfile, got {type(profile).__name__}")
    workers = check_int("workers_per_instance", workers_per_instance, low=1, high=1000)
    start_s = check_float("instance_start_s", instance_start_s, low=0.0)
    opts = {"scale_out_datapoints": check_int("scale_out_datapoints", scale_out_datapoints, low=1),
            "scale_in_datapoints": check_int("scale_in_datapoints", scale_in_datapoints, low=1),
            "scale_in_ratio": check_float("scale_in_ratio", scale_in_ratio, low=0.0, high=1.0, low_open=True)}
    k = check_int("samples_per_period", samples_per_period, low=1, high=1000)
    prices = prices or DEFAULT_PRICES
    hourly = prices.hourly(instance_type)
    frame, ts, period = _frame_of(traffic)
    initial = target.MinCapacity if initial_instances is None else check_int("initial_instances", initial_instances,
                                                                              low=1)
    initial = min(max(initial, target.MinCapacity), target.MaxCapacity)
    if name is None:
        name = {(False, False): "none", (True, False): "target tracking", (False, True): "scheduled",
                (True, True): "combined"}[(policy is not None, bool(scheduled))]

    requests = frame["requests"].to_numpy(dtype=np.int64)
    n = len(requests)
    sim = Simulation(seed)
    run = _Run(sim, target, policy, scheduled, initial, start_s, period, opts)
    t0 = ts.iloc[0].to_pydatetime()
    t_end = t0 + dt.timedelta(seconds=n * period)
    for action in scheduled:
        for when in action.schedule.fire_times(t0, t_end):
            sim.schedule_at((when - t0).total_seconds(), run.apply_action, action, priority=0)

    in_service = np.empty(n, dtype=np.int64)
    billed = np.empty(n, dtype=np.int64)
    mins = np.empty(n, dtype=np.int64)
    maxs = np.empty(n, dtype=np.int64)
    metric = np.empty(n)
    state = {"i": 0}

    def tick():
        i = state["i"]
        # the period [i*period, (i+1)*period) was served by the instances in service at its start
        metric[i] = run.evaluate(int(requests[i]))
        state["i"] = i + 1
        if i + 1 < n:
            record(i + 1)
            sim.schedule_at((i + 2) * period, tick, priority=1)

    def record(i):
        in_service[i], billed[i], mins[i], maxs[i] = run.in_service, run.capacity, run.min_cap, run.max_cap

    sim.run(until=0.0)  # actions firing at the very start
    record(0)
    if _FAST_CONTROL:
        _control_loop(sim, run, requests, period, metric, record)
    else:
        sim.schedule_at(period, tick, priority=1)
        sim.run()

    # -- serving: M/M/c per period ------------------------------------------------
    mean_s = profile.latency_ms / 1000.0 * math.exp(profile.sigma ** 2 / 2)  # lognormal mean from median
    mu = 1.0 / mean_s
    c = in_service * workers
    cap_rate = 0.95 * c * mu  # requests/s the instances take before their queues overflow
    served = np.minimum(requests, np.floor(cap_rate * period)).astype(np.int64)
    throttled = requests - served
    lam_served = served / period
    util = np.where(c > 0, lam_served / np.maximum(c * mu, 1e-12), 0.0)
    wait_prob = np.zeros(n)
    for cc in np.unique(c[c > 0]):
        idx = np.flatnonzero(c == cc)
        wait_prob[idx] = _erlang_c_array(int(cc), lam_served[idx] / mu)
    drain = np.maximum(c * mu - lam_served, 1e-9)
    mean_latency = (mean_s + wait_prob / drain) * 1000.0
    rng = sim.rng
    svc = profile.service_times(rng, n * k).reshape(n, k)
    waits = np.where(rng.random((n, k)) < wait_prob[:, None], rng.exponential(1.0, (n, k)) / drain[:, None], 0.0)
    lat_ms = ((svc + waits) * 1000.0).ravel()
    weights = np.repeat(served / k, k)
    order = np.argsort(lat_ms)
    cum = np.cumsum(weights[order])
    total = cum[-1] if len(cum) else 0.0

    def pct(q):
        if total <= 0:
            return math.nan
        return float(lat_ms[order][min(np.searchsorted(cum, q * total), len(cum) - 1)])

    instance_hours = float(billed.sum() * period / 3600.0)
    timeline = pd.DataFrame({
        "timestamp": ts.to_numpy(), "requests": requests, "instances": in_service, "billed_instances": billed,
        "min_capacity": mins, "max_capacity": maxs, "invocations_per_instance": metric, "served": served,
        "throttled": throttled, "utilization": util, "mean_latency_ms": np.where(served > 0, mean_latency, np.nan),
    })
    total_req = int(requests.sum())
    summary = ScalingSummary(
        name=name, requests=total_req, served=int(served.sum()), throttled=int(throttled.sum()),
        throttle_rate=float(throttled.sum() / total_req) if total_req else 0.0,
        p50_ms=pct(0.50), p95_ms=pct(0.95), p99_ms=pct(0.99),
        instance_hours=instance_hours, cost=instance_hours * hourly,
        mean_instances=float(billed.mean()), max_instances=int(billed.max()),
        scale_outs=run.scale_outs, scale_ins=run.scale_ins,
    )
    return ScalingResult(summary, timeline, run.activities)


def compare_scaling(traffic, target: ScalableTarget, policy: TargetTrackingPolicy,
                    scheduled: Sequence[ScheduledAction], *, initial_instances: int | None = None,
                    **kwargs) -> Any:
    """The same traffic under no scaling, target tracking, scheduled actions and both: one summary row each.

    ``initial_instances`` is the fixed fleet of the "none" row and the
    starting fleet of the others; keyword arguments go to
    :func:`simulate_scaling`. Returns a DataFrame indexed by set-up name
    (``none``, ``target tracking``, ``scheduled``, ``combined``).
    """
    import pandas as pd

    runs = [
        simulate_scaling(traffic, target, initial_instances=initial_instances, **kwargs),
        simulate_scaling(traffic, target, policy=policy, initial_instances=initial_instances, **kwargs),
        simulate_scaling(traffic, target, scheduled=scheduled, initial_instances=initial_instances, **kwargs),
        simulate_scaling(traffic, target, policy=policy, scheduled=scheduled, initial_instances=initial_instances,
                         **kwargs),
    ]
    return pd.DataFrame([r.summary.to_dict() for r in runs]).set_index("name")
