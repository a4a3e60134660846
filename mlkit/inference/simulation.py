"""Simulate a traffic pattern against an inference mode: latency, cold starts, throttles, cost.

:func:`simulate` takes a mode configuration (:mod:`mlkit.inference.config`),
a :class:`TrafficPattern` and a :class:`ModelProfile` and returns a
:class:`SimulationResult`: one row per request (``arrival``, ``start``,
``end``, ``latency`` in simulated seconds, ``outcome``) and a summary
(p50/p95/p99, errors by kind, cold starts, instance-hours, cost). Simulated
time, one seeded generator: the same seed gives the same numbers.

What each mode does in the simulation:

* **real-time** -- ``InitialInstanceCount`` instances always on; each request
  is routed to an instance at random (SageMaker's default ``RANDOM`` routing)
  and waits in that instance's FIFO queue; an instance serves one request at
  a time. A request not answered within 60 s (queueing included) is a
  ``timeout`` (the instance still finishes it). Cost: instance-hours for the
  whole window times the hourly price.
* **serverless** -- one container per request in flight, at most
  ``MaxConcurrency``; above that the request is ``throttled`` (no queue). A
  request finding no warm idle container waits ``profile.cold_start_s``
  (``cold_start``). Idle containers stay warm ``keep_warm_s`` seconds (the
  most recently used is reused first); ``ProvisionedConcurrency`` containers
  are always warm and take requests first. Over 60 s is a ``timeout`` (the
  invocation is stopped). Cost: GB-seconds of compute, data processed, and
  provisioned concurrency for the whole window.
* **async** -- an internal FIFO queue in front of ``InitialInstanceCount``
  instances with ``MaxConcurrentInvocationsPerInstance`` slots each;
  processing up to ``InvocationTimeoutSeconds`` (at most 1 h), payloads up to
  1 GB. With ``MinCapacity=0`` the endpoint scales in to zero after
  ``ScaleInCooldown`` seconds without work, and the next request waits
  ``instance_start_s`` for instances to start (``cold_start``). Cost:
  instance-hours while instances run.
* **batch** -- the requests of the window form a dataset scored by one
  transform job started when the window ends: records are packed into
  mini-batches (``BatchStrategy``, ``MaxPayloadInMB``), dealt round-robin to
  ``InstanceCount * MaxConcurrentTransforms`` workers after
  ``instance_start_s``; a mini-batch takes the sum of its records' processing
  times. Cost: instance-hours only while the job runs.

Requests whose payload exceeds the mode's limit are ``too_large`` and never
processed. ``keep_warm_s`` and ``instance_start_s`` are illustrative, not
documented AWS figures. The default engine is vectorised (numpy, with tight
``heapq`` loops for the sequential parts); ``engine="events"`` runs the same
model on the discrete-event core :class:`mlkit.sim.Simulation`, and the
two agree exactly (the tests check it).

>>> from mlkit.inference.config import RealTimeConfig
>>> result = simulate(RealTimeConfig("ml.m5.large", 1), TrafficPattern.steady(5, 3600),
...                   ModelProfile(latency_ms=50), seed=0)
>>> result.summary.instance_hours, round(result.summary.cost, 3)
(1.0, 0.115)
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from mlkit._checks import check_float, check_fraction, check_int, check_one_of, make_rng

__all__ = [
    "OUTCOMES",
    "ModelProfile",
    "TrafficPattern",
    "SimulationSummary",
    "SimulationResult",
    "simulate",
    "compare",
]

#: Per-request outcomes, in the order of their integer codes.
OUTCOMES = ("ok", "cold_start", "throttled", "timeout", "too_large")
_OK, _COLD, _THROTTLED, _TIMEOUT, _TOO_LARGE = range(5)
_Z99 = 2.3263478740408408  # standard normal 99th percentile


# ============================================================================ inputs


@dataclass(frozen=True)
class ModelProfile:
    """How a model behaves when served: processing time, memory, cold start, payload.

    ``latency_ms`` is the median processing time of one request;
    ``latency_p99_ms`` its 99th percentile (lognormal), or None for a fixed
    (deterministic) time. ``memory_mb`` is what the model needs (a serverless
    endpoint must have at least that much), ``cold_start_s`` the time to start
    a serverless container and load the model, ``payload_bytes`` a request's
    usual size.

    >>> ModelProfile(latency_ms=20, latency_p99_ms=80).sigma > 0
    True
    """

    latency_ms: float = 50.0
    latency_p99_ms: float | None = None
    memory_mb: int = 1024
    cold_start_s: float = 5.0
    payload_bytes: int = 10_000

    def __post_init__(self):
        check_float("latency_ms", self.latency_ms, low=0.0, low_open=True)
        if self.latency_p99_ms is not None:
            check_float("latency_p99_ms", self.latency_p99_ms, low=self.latency_ms)
        check_int("memory_mb", self.memory_mb, low=1)
        check_float("cold_start_s", self.cold_start_s, low=0.0)
        check_int("payload_bytes", self.payload_bytes, low=0)

    @property
    def sigma(self) -> float:
        """The lognormal shape: ln(p99 / median) / z_0.99 (0 for a fixed time)."""
        if self.latency_p99_ms is None:
            return 0.0
        return math.log(self.latency_p99_ms / self.latency_ms) / _Z99

    def service_times(self, rng, n: int):
        """``n`` processing times in seconds drawn from ``rng`` (always draws, so streams stay aligned)."""
        import numpy as np

        median_s = self.latency_ms / 1000.0
        z = rng.standard_normal(n)
        if self.sigma == 0.0:
            return np.full(n, median_s)
        return median_s * np.exp(self.sigma * z)


@dataclass(frozen=True)
class TrafficPattern:
    """Request arrivals over a window: piecewise-constant Poisson rates, optionally some large payloads.

    ``segments`` is a tuple of ``(start_s, end_s, rate_rps)``; ``counts``
    (optional, one per segment) fixes the number of requests per segment
    instead of drawing it. A fraction ``large_fraction`` of requests carries
    ``large_payload_bytes`` instead of the profile's payload. Build it with
    :meth:`steady`, :meth:`bursty`, :meth:`spiky`, :meth:`large_payloads` or
    :meth:`from_frame` (a ``mlkit.datasets.traffic`` frame).

    >>> t = TrafficPattern.bursty(rate_rps=20, duration_s=3600, busy_s=60, idle_s=540)
    >>> t.expected_requests
    7200.0
    """

    segments: tuple = ((0.0, 3600.0, 1.0),)
    counts: tuple | None = None
    large_fraction: float = 0.0
    large_payload_bytes: int = 0
    name: str = "custom"

    def __post_init__(self):
        if not isinstance(self.segments, tuple) or not self.segments:
            raise ValueError(f"segments must be a non-empty tuple of (start_s, end_s, rate_rps), got {self.segments!r}")
        previous_end = 0.0
        for i, seg in enumerate(self.segments):
            if not isinstance(seg, tuple) or len(seg) != 3:
                raise ValueError(f"segments[{i}] must be a (start_s, end_s, rate_rps) tuple, got {seg!r}")
            start = check_float(f"segments[{i}].start_s", seg[0], low=previous_end)
            check_float(f"segments[{i}].end_s", seg[1], low=start, low_open=True)
            check_float(f"segments[{i}].rate_rps", seg[2], low=0.0)
            previous_end = seg[1]
        if self.counts is not None:
            if not isinstance(self.counts, tuple) or len(self.counts) != len(self.segments):
                raise ValueError(f"counts must be None or a tuple with one count per segment ({len(self.segments)}), got {self.counts!r}")
            for i, c in enumerate(self.counts):
                check_int(f"counts[{i}]", c, low=0)
        check_fraction("large_fraction", self.large_fraction)
        check_int("large_payload_bytes", self.large_payload_bytes, low=0)

    # -------------------------------------------------------------- factories
    @classmethod
    def steady(cls, rate_rps: float, duration_s: float, **payloads) -> "TrafficPattern":
        """Poisson arrivals at ``rate_rps`` for ``duration_s`` seconds."""
        check_float("rate_rps", rate_rps, low=0.0)
        check_float("duration_s", duration_s, low=0.0, low_open=True)
        return cls(((0.0, float(duration_s), float(rate_rps)),), name="steady", **payloads)

    @classmethod
    def bursty(cls, rate_rps: float, duration_s: float, *, busy_s: float = 60.0, idle_s: float = 900.0,
               **payloads) -> "TrafficPattern":
        """Bursts of ``busy_s`` seconds at ``rate_rps`` separated by ``idle_s`` seconds with no traffic."""
        check_float("rate_rps", rate_rps, low=0.0)
        check_float("duration_s", duration_s, low=0.0, low_open=True)
        check_float("busy_s", busy_s, low=0.0, low_open=True)
        check_float("idle_s", idle_s, low=0.0)
        segments, t = [], 0.0
        while t < duration_s:
            end = min(t + busy_s, duration_s)
            segments.append((t, end, float(rate_rps)))
            if end < duration_s and idle_s > 0:
                segments.append((end, min(end + idle_s, duration_s), 0.0))
            t = end + idle_s
        return cls(tuple(segments), name="bursty", **payloads)

    @classmethod
    def spiky(cls, base_rps: float, duration_s: float, *, spike_rps: float, every_s: float = 3600.0,
              spike_s: float = 60.0, **payloads) -> "TrafficPattern":
        """``base_rps`` with a spike to ``spike_rps`` for ``spike_s`` seconds every ``every_s`` seconds."""
        check_float("base_rps", base_rps, low=0.0)
        check_float("duration_s", duration_s, low=0.0, low_open=True)
        check_float("spike_rps", spike_rps, low=0.0)
        check_float("every_s", every_s, low=0.0, low_open=True)
        check_float("spike_s", spike_s, low=0.0, low_open=True, high=every_s)
        segments, t = [], 0.0
        while t < duration_s:
            quiet_end = min(t + every_s - spike_s, duration_s)
            if quiet_end > t:
                segments.append((t, quiet_end, float(base_rps)))
            spike_end = min(t + every_s, duration_s)
            if spike_end > quiet_end:
                segments.append((quiet_end, spike_end, float(spike_rps)))
            t += every_s
        return cls(tuple(segments), name="spiky", **payloads)

    @classmethod
    def large_payloads(cls, rate_rps: float, duration_s: float, *, payload_bytes: int,
                       fraction: float = 1.0) -> "TrafficPattern":
        """Steady traffic where ``fraction`` of the requests carry ``payload_bytes``."""
        pattern = cls.steady(rate_rps, duration_s, large_fraction=fraction, large_payload_bytes=payload_bytes)
        return TrafficPattern(pattern.segments, None, pattern.large_fraction, pattern.large_payload_bytes, "large-payloads")

    @classmethod
    def from_frame(cls, data, **payloads) -> "TrafficPattern":
        """From a ``mlkit.datasets.traffic(...)`` Dataset or its frame (``timestamp`` plus ``requests`` or ``requests_per_second``).

        Each row is an interval from its timestamp to the next one (the last
        lasts the median interval); ``requests`` fixes the count, else
        ``requests_per_second`` is the Poisson rate.
        """
        import numpy as np
        import pandas as pd

        frame = getattr(data, "frame", data)
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"data must be a traffic Dataset or DataFrame, got {type(data).__name__}")
        if "timestamp" not in frame.columns or not ({"requests", "requests_per_second"} & set(frame.columns)):
            raise ValueError(
                "data must have a 'timestamp' column and a 'requests' or 'requests_per_second' column, "
                f"got columns {list(frame.columns)}"
            )
        if len(frame) == 0:
            raise ValueError("data must have at least one row")
        ts = pd.to_datetime(frame["timestamp"])
        seconds = ((ts - ts.iloc[0]).dt.total_seconds()).to_numpy(dtype=float)
        if len(seconds) > 1:
            steps = np.diff(seconds)
            if np.any(steps <= 0):
                raise ValueError("data timestamps must be strictly increasing")
            last = float(np.median(steps))
        else:
            last = 60.0
        ends = np.append(seconds[1:], seconds[-1] + last)
        if "requests_per_second" in frame.columns:
            rates = frame["requests_per_second"].to_numpy(dtype=float)
        else:
            rates = frame["requests"].to_numpy(dtype=float) / (ends - seconds)
        segments = tuple((float(s), float(e), float(r)) for s, e, r in zip(seconds, ends, rates))
        counts = tuple(int(c) for c in frame["requests"].to_numpy()) if "requests" in frame.columns else None
        return cls(segments, counts, name="frame", **payloads)

    # -------------------------------------------------------------- draws
    @property
    def duration_s(self) -> float:
        """End of the window in seconds."""
        return float(self.segments[-1][1])

    @property
    def expected_requests(self) -> float:
        """Expected number of requests (the counts when fixed)."""
        if self.counts is not None:
            return float(sum(self.counts))
        return float(sum((e - s) * r for s, e, r in self.segments))

    def arrivals(self, rng):
        """Sorted arrival times (s) drawn from ``rng``."""
        import numpy as np

        seg = np.asarray(self.segments, dtype=float)
        starts, lengths = seg[:, 0], seg[:, 1] - seg[:, 0]
        counts = np.asarray(self.counts, dtype=np.int64) if self.counts is not None else rng.poisson(lengths * seg[:, 2])
        times = np.repeat(starts, counts) + rng.random(int(counts.sum())) * np.repeat(lengths, counts)
        times.sort()
        return times

    def payloads(self, rng, n: int, default_bytes: int):
        """``n`` payload sizes: ``default_bytes``, or ``large_payload_bytes`` with probability ``large_fraction``."""
        import numpy as np

        sizes = np.full(n, int(default_bytes), dtype=np.int64)
        if self.large_fraction > 0:
            sizes[rng.random(n) < self.large_fraction] = self.large_payload_bytes
        return sizes


# ============================================================================ results


@dataclass(frozen=True)
class SimulationSummary:
    """One mode's figures: latency percentiles of served requests (ms), errors by kind, usage and cost (USD)."""

    mode: str
    requests: int
    served: int
    cold_starts: int
    errors: dict
    error_rate: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    instance_hours: float
    cost: float
    cost_breakdown: dict
    duration_s: float

    def to_dict(self) -> dict:
        """Plain, JSON-ready dict."""
        return asdict(self)


@dataclass(frozen=True)
class SimulationResult:
    """A simulation's per-request frame (``requests``) and its :class:`SimulationSummary` (``summary``).

    ``requests`` columns: ``arrival``, ``start`` (processing begins; NaN if the
    caller gave up first), ``end`` (answer or error returned),
    ``latency`` (end - arrival; NaN when not served), ``outcome`` (one of
    :data:`OUTCOMES`), ``payload_bytes``, ``service`` (processing time drawn).
    """

    config: Any
    traffic: TrafficPattern
    profile: ModelProfile
    requests: Any
    summary: SimulationSummary
    seed: Any = None
    settings: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Summary, the configuration's real request, the profile, traffic and settings, as plain data."""
        return {
            "summary": self.summary.to_dict(),
            "request": self.config.to_request(),
            "profile": asdict(self.profile),
            "traffic": {"name": self.traffic.name, "duration_s": self.traffic.duration_s,
                        "expected_requests": self.traffic.expected_requests},
            "seed": self.seed if isinstance(self.seed, (int, type(None))) else repr(self.seed),
            "settings": dict(self.settings),
        }

    def _repr_html_(self) -> str:
        import html

        s = self.summary
        errors = ", ".join(f"{k}: {v}" for k, v in s.errors.items()) or "none"
        rows = [
            ("requests", f"{s.requests:,} ({s.served:,} served)"),
            ("latency p50 / p95 / p99", f"{s.p50_ms:,.1f} / {s.p95_ms:,.1f} / {s.p99_ms:,.1f} ms"),
            ("cold starts", f"{s.cold_starts:,}"),
            ("errors", errors),
            ("instance-hours", f"{s.instance_hours:,.2f}"),
            ("cost (illustrative prices)", f"${s.cost:,.4f}"),
        ]
        body = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in rows)
        return f"<table><caption>{html.escape(s.mode)} simulation ({html.escape(self.traffic.name)} traffic)</caption>{body}</table>"

    def __repr__(self) -> str:
        s = self.summary
        return (f"SimulationResult({s.mode}: {s.requests} requests, p99 {s.p99_ms:.1f} ms, "
                f"cold starts {s.cold_starts}, errors {s.errors}, cost ${s.cost:.4f})")


# ============================================================================ kernels
# Tight pure-Python loops over lists with heapq (C) for the parts that are
# sequential by nature (who is busy when a request arrives); everything else is
# vectorised with numpy. No JIT: a million requests run in about a second.


def _serverless_kernel(arrival, service, max_conc, provisioned, keep_warm, cold_s, limit):
    """Walk the servable requests in arrival order; return (kind, on_pc) bytearrays.

    kind: 0 warm container, 1 cold start, 2 throttled. on_pc: 1 if served by a
    provisioned-concurrency container.
    """
    from heapq import heappop, heappush

    n = len(arrival)
    kind = bytearray(n)
    on_pc = bytearray(n)
    od_busy: list = []  # end times of requests on on-demand containers (heap)
    pc_busy: list = []  # end times of requests on provisioned containers (heap)
    warm: list = []  # free times of idle on-demand containers, most recently freed last
    warm_append, warm_pop = warm.append, warm.pop
    busy = 0
    pc_idle = provisioned
    for i, t, s in zip(range(n), arrival, service):
        while od_busy and od_busy[0] <= t:
            warm_append(heappop(od_busy))
            busy -= 1
        while pc_busy and pc_busy[0] <= t:
            heappop(pc_busy)
            busy -= 1
            pc_idle += 1
        if busy >= max_conc:
            kind[i] = 2
            continue
        busy += 1
        if pc_idle:
            pc_idle -= 1
            on_pc[i] = 1
            heappush(pc_busy, t + (s if s < limit else limit))
            continue
        if warm and t - warm[-1] <= keep_warm:
            warm_pop()
        else:
            warm.clear()  # the most recently freed container expired: all older ones did too
            kind[i] = 1
            s = cold_s + s
        heappush(od_busy, t + (s if s < limit else limit))
    return kind, on_pc


def _async_kernel(arrival, service, slots, instances, scale_to_zero, cooldown, start_s, timeout, horizon):
    """Walk the servable requests in arrival order; return (start list, cold bytearray, instance-seconds)."""
    from heapq import heapreplace

    n = len(arrival)
    start = [0.0] * n
    cold = bytearray(n)
    free = [0.0] * slots  # when each slot is next free (heap)
    up_since, ready_at, last_end, inst_seconds = 0.0, 0.0, 0.0, 0.0
    for i, t, s in zip(range(n), arrival, service):
        if scale_to_zero and t > last_end + cooldown:
            # scaled in to zero at last_end + cooldown; this request starts instances again
            inst_seconds += instances * (last_end + cooldown - up_since)
            up_since, ready_at = t, t + start_s
            free = [ready_at] * slots
        first_free = free[0]
        st = t if t > first_free else first_free
        if t < ready_at:
            cold[i] = 1
        e = st + (s if s < timeout else timeout)
        start[i] = st
        if e > last_end:
            last_end = e
        heapreplace(free, e)
    stop = horizon if horizon > last_end else last_end
    if scale_to_zero and stop > last_end + cooldown:
        inst_seconds += instances * (last_end + cooldown - up_since)
    else:
        inst_seconds += instances * (stop - up_since)
    return start, cold, inst_seconds


def _async_one_slot(arrival, service, instances, scale_to_zero, cooldown, start_s, timeout, horizon):
    """:func:`_async_kernel` for one slot in all, vectorised; None when it would not pay.

    With one slot the queue is first come, first served, so between two
    scale-ins the end times follow the Lindley recursion in closed form
    (``end_j = D_j + max(free, max_{i<=j}(a_i - D_{i-1}))`` with ``D`` the
    running sum of service times). A scale-in can only happen before a
    request that arrives more than ``cooldown`` after the previous arrival,
    so only those requests are looked at one by one. Same results as the
    kernel up to float rounding of the running sums.
    """
    import numpy as np

    n = arrival.shape[0]
    if n == 0:
        return None
    d = np.minimum(service, timeout)
    if scale_to_zero:
        candidates = np.flatnonzero(np.diff(arrival) > cooldown) + 1
        if candidates.size > n // 64:  # many restarts: the loop is as fast
            return None
    else:
        candidates = np.empty(0, dtype=np.int64)
    start = np.empty(n)
    cold = np.zeros(n, dtype=np.uint8)
    free = ready_at = last_end = up_since = inst_seconds = 0.0
    bounds = [0, *candidates.tolist(), n]
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        t = float(arrival[lo])
        if scale_to_zero and t > last_end + cooldown:
            inst_seconds += instances * (last_end + cooldown - up_since)
            up_since, ready_at = t, t + start_s
            free = ready_at
        a, dd = arrival[lo:hi], d[lo:hi]
        csum = np.cumsum(dd)
        end = csum + np.maximum(free, np.maximum.accumulate(a - (csum - dd)))
        start[lo:hi] = end - dd
        if ready_at > t:
            cold[lo:hi] = a < ready_at
        free = last_end = float(end[-1])
    stop = horizon if horizon > last_end else last_end
    if scale_to_zero and stop > last_end + cooldown:
        inst_seconds += instances * (last_end + cooldown - up_since)
    else:
        inst_seconds += instances * (stop - up_since)
    return start, cold, inst_seconds


def _pack(sizes, servable, limit: int, multi: bool):
    """Mini-batch id per record (-1 if not servable): records in order, greedily packed up to ``limit`` bytes."""
    import numpy as np

    n = sizes.shape[0]
    batch_id = np.full(n, -1, dtype=np.int64)
    idx = np.flatnonzero(servable)
    if idx.size == 0:
        return batch_id, 0
    ok_sizes = sizes[idx]
    if not multi:
        batch_id[idx] = np.arange(idx.size)
        return batch_id, int(idx.size)
    if np.all(ok_sizes == ok_sizes[0]):
        per = max(1, limit // int(ok_sizes[0])) if ok_sizes[0] > 0 else idx.size
        batch_id[idx] = np.arange(idx.size) // per
        return batch_id, int(batch_id[idx[-1]] + 1)
    ids = [0] * idx.size
    b, used = 0, 0
    for j, size in enumerate(ok_sizes.tolist()):
        if used and used + size > limit:
            b += 1
            used = 0
        used += size
        ids[j] = b
    batch_id[idx] = ids
    return batch_id, b + 1


# ============================================================================ modes (fast engine)


def _realtime_fast(cfg, arrival, service, servable, route, limit):
    import numpy as np

    n = arrival.shape[0]
    start = np.full(n, np.nan)
    end = np.full(n, np.nan)
    outcome = np.full(n, _OK, dtype=np.int8)
    outcome[~servable] = _TOO_LARGE
    idx_all = np.flatnonzero(servable)
    order = idx_all[np.argsort(route[idx_all], kind="stable")]
    bounds = np.searchsorted(route[order], np.arange(cfg.InitialInstanceCount + 1))
    for k in range(cfg.InitialInstanceCount):
        idx = order[bounds[k]:bounds[k + 1]]
        if idx.size == 0:
            continue
        a, s = arrival[idx], service[idx]
        csum = np.cumsum(s)
        # Lindley recursion in closed form: end_j = S_j + max_{i<=j}(a_i - S_{i-1})
        e = csum + np.maximum.accumulate(a - (csum - s))
        start[idx] = e - s
        end[idx] = e
    late = servable & (end - arrival > limit)
    outcome[late] = _TIMEOUT
    end[late] = arrival[late] + limit
    return start, end, outcome


def _serverless_fast(cfg, arrival, service, servable, keep_warm, cold_s, limit):
    import numpy as np

    n = arrival.shape[0]
    idx = np.flatnonzero(servable)
    a, s = arrival[idx], service[idx]
    kind, pc = _serverless_kernel(a.tolist(), s.tolist(), int(cfg.MaxConcurrency),
                                  int(cfg.ProvisionedConcurrency or 0), float(keep_warm), float(cold_s), float(limit))
    kind = np.frombuffer(kind, dtype=np.uint8)
    accepted = kind != 2
    extra = np.where(kind == 1, cold_s, 0.0)
    total = extra + s
    late = accepted & (total > limit)
    start = np.full(n, np.nan)
    end = np.full(n, np.nan)
    outcome = np.full(n, _TOO_LARGE, dtype=np.int8)
    on_pc = np.zeros(n, dtype=bool)
    billed = np.zeros(n)
    out = np.where(kind == 2, _THROTTLED, np.where(late, _TIMEOUT, kind)).astype(np.int8)
    outcome[idx] = out
    start[idx] = np.where(accepted, a + extra, np.nan)
    end[idx] = np.where(accepted, a + np.minimum(total, limit), np.nan)
    billed[idx] = np.where(accepted, np.where(late, np.maximum(0.0, limit - extra), s), 0.0)
    on_pc[idx] = np.frombuffer(pc, dtype=np.uint8).astype(bool)
    return start, end, outcome, on_pc, billed


def _async_fast(cfg, arrival, service, servable, start_s, horizon):
    import numpy as np

    n = arrival.shape[0]
    idx = np.flatnonzero(servable)
    a, s = arrival[idx], service[idx]
    timeout = float(cfg.InvocationTimeoutSeconds)
    slots = cfg.InitialInstanceCount * cfg.slots_per_instance
    args = (cfg.InitialInstanceCount, cfg.scales_to_zero, float(cfg.ScaleInCooldown), float(start_s), timeout,
            float(horizon))
    fast = _async_one_slot(a, s, *args) if slots == 1 else None
    if fast is None:
        st, cold, inst_seconds = _async_kernel(a.tolist(), s.tolist(), slots, *args)
        st = np.asarray(st, dtype=float)
    else:
        st, cold, inst_seconds = fast
    late = s > timeout
    start = np.full(n, np.nan)
    end = np.full(n, np.nan)
    outcome = np.full(n, _TOO_LARGE, dtype=np.int8)
    start[idx] = st
    end[idx] = st + np.minimum(s, timeout)
    outcome[idx] = np.where(late, _TIMEOUT, np.frombuffer(cold, dtype=np.uint8)).astype(np.int8)
    return start, end, outcome, float(inst_seconds)


def _batch_setup(cfg, arrival, payload, servable, job_start, start_s):
    """What both batch engines start from: blank per-request arrays, the mini-batch plan, the job's clock.

    Returns ``start, end, outcome`` (too-large records marked), ``batch_id``
    and ``n_batches`` (from :func:`_pack`), the time the instances are ready,
    the per-invocation timeout and the number of workers.
    """
    import numpy as np

    n = len(arrival)
    start = np.full(n, np.nan)
    end = np.full(n, np.nan)
    outcome = np.zeros(n, dtype=np.int8)
    outcome[~servable] = _TOO_LARGE
    batch_id, n_batches = _pack(payload, servable, int(cfg.max_payload_bytes), cfg.BatchStrategy == "MultiRecord")
    workers = cfg.InstanceCount * cfg.concurrent_transforms
    return (start, end, outcome, batch_id, n_batches, job_start + start_s, float(cfg.max_processing_s),
            workers)



def _batch_fast(cfg, arrival, service, payload, servable, job_start, start_s):
    import numpy as np

    start, end, outcome, batch_id, n_batches, ready, timeout, workers = _batch_setup(
        cfg, arrival, payload, servable, job_start, start_s)
    if n_batches == 0:
        return start, end, outcome, ready
    ok = batch_id >= 0
    batch_time = np.bincount(batch_id[ok], weights=service[ok], minlength=n_batches)
    late_batch = batch_time > timeout
    busy = np.where(late_batch, timeout, batch_time)
    worker = np.arange(n_batches) % workers
    order = np.argsort(worker, kind="stable")
    busy_sorted = busy[order]
    csum = np.cumsum(busy_sorted)
    bounds = np.searchsorted(worker[order], np.arange(workers + 1))
    offsets = np.concatenate(([0.0], csum))[bounds[:-1]]  # work done by each worker before its first batch: 0
    first = np.repeat(offsets, np.diff(bounds))
    b_end_sorted = ready + (csum - first)
    b_end = np.empty(n_batches)
    b_end[order] = b_end_sorted
    b_start = b_end - busy
    start[ok] = b_start[batch_id[ok]]
    end[ok] = b_end[batch_id[ok]]
    outcome[ok & late_batch[np.maximum(batch_id, 0)]] = _TIMEOUT
    return start, end, outcome, float(b_end.max())


# ============================================================================ modes (event engine)


def _realtime_events(cfg, arrival, service, servable, route, limit):
    import collections

    import numpy as np

    from mlkit.sim import Simulation

    n = len(arrival)
    start = np.full(n, np.nan)
    end = np.full(n, np.nan)
    outcome = np.full(n, _OK, dtype=np.int8)
    sim = Simulation()
    queues = [collections.deque() for _ in range(cfg.InitialInstanceCount)]
    busy = [False] * cfg.InitialInstanceCount

    def begin(k):
        i = queues[k].popleft()
        busy[k] = True
        start[i] = sim.now
        sim.schedule(service[i], finish, k, i, priority=0)

    def finish(k, i):
        end[i] = sim.now
        busy[k] = False
        if queues[k]:
            begin(k)

    def arrive(i):
        if not servable[i]:
            outcome[i] = _TOO_LARGE
            return
        k = int(route[i])
        queues[k].append(i)
        if not busy[k]:
            begin(k)

    for i in range(n):
        sim.schedule_at(float(arrival[i]), arrive, i, priority=1)
    sim.run()
    late = servable & (end - arrival > limit)
    outcome[late] = _TIMEOUT
    end[late] = arrival[late] + limit
    return start, end, outcome


def _serverless_events(cfg, arrival, service, servable, keep_warm, cold_s, limit):
    import numpy as np

    from mlkit.sim import Simulation

    n = len(arrival)
    start = np.full(n, np.nan)
    end = np.full(n, np.nan)
    outcome = np.zeros(n, dtype=np.int8)
    on_pc = np.zeros(n, dtype=bool)
    billed = np.zeros(n)
    sim = Simulation()
    state = {"busy": 0, "pc_idle": int(cfg.ProvisionedConcurrency or 0)}
    warm_stack: list[float] = []  # free times of idle on-demand containers, most recent last

    def release(pc):
        state["busy"] -= 1
        if pc:
            state["pc_idle"] += 1
        else:
            warm_stack.append(sim.now)

    def arrive(i):
        t = sim.now
        if not servable[i]:
            outcome[i] = _TOO_LARGE
            return
        if state["busy"] >= cfg.MaxConcurrency:
            outcome[i] = _THROTTLED
            return
        extra, pc = 0.0, False
        if state["pc_idle"] > 0:
            state["pc_idle"] -= 1
            pc = True
        elif warm_stack and t - warm_stack[-1] <= keep_warm:
            warm_stack.pop()
        else:
            warm_stack.clear()
            extra = cold_s
        total = extra + service[i]
        if total > limit:
            duration, outcome[i], billed[i] = limit, _TIMEOUT, max(0.0, limit - extra)
        else:
            duration, outcome[i], billed[i] = total, (_COLD if extra > 0 else _OK), service[i]
        start[i], end[i], on_pc[i] = t + extra, t + duration, pc
        state["busy"] += 1
        sim.schedule(duration, release, pc, priority=0)

    for i in range(n):
        sim.schedule_at(float(arrival[i]), arrive, i, priority=1)
    sim.run()
    return start, end, outcome, on_pc, billed


def _async_events(cfg, arrival, service, servable, start_s, horizon):
    import collections

    import numpy as np

    from mlkit.sim import Simulation

    n = len(arrival)
    start = np.full(n, np.nan)
    end = np.full(n, np.nan)
    outcome = np.zeros(n, dtype=np.int8)
    sim = Simulation()
    slots = cfg.InitialInstanceCount * cfg.slots_per_instance
    timeout = float(cfg.InvocationTimeoutSeconds)
    st = {"up": True, "up_since": 0.0, "ready_at": 0.0, "free": slots, "last_end": 0.0, "down_event": None}
    up_intervals: list = []  # (up_since, scaled in at)
    queue: collections.deque = collections.deque()

    def idle():
        return st["free"] == slots and not queue

    def arm_scale_in():
        if cfg.scales_to_zero and idle():
            st["down_event"] = sim.schedule(float(cfg.ScaleInCooldown), scale_in, priority=2)

    def scale_in():
        st["down_event"] = None
        if st["up"] and idle():
            up_intervals.append((st["up_since"], sim.now))
            st["up"] = False

    def dispatch():
        while st["free"] > 0 and queue and sim.now >= st["ready_at"]:
            i = queue.popleft()
            st["free"] -= 1
            start[i] = sim.now
            duration = min(service[i], timeout)
            sim.schedule(duration, complete, i, priority=0)

    def complete(i):
        end[i] = sim.now
        st["last_end"] = max(st["last_end"], sim.now)
        st["free"] += 1
        dispatch()
        arm_scale_in()

    def arrive(i):
        if not servable[i]:
            outcome[i] = _TOO_LARGE
            return
        if st["down_event"] is not None:
            st["down_event"].cancel()
            st["down_event"] = None
        if not st["up"]:
            st.update(up=True, up_since=sim.now, ready_at=sim.now + start_s)
            sim.schedule(start_s, dispatch, priority=0)
        if service[i] > timeout:
            outcome[i] = _TIMEOUT
        elif sim.now < st["ready_at"]:
            outcome[i] = _COLD
        queue.append(i)
        dispatch()

    arm_scale_in()
    for i in range(n):
        sim.schedule_at(float(arrival[i]), arrive, i, priority=1)
    sim.run()
    stop = max(horizon, st["last_end"])  # usage is counted up to the end of the window (or the last result)
    if st["up"]:
        up_intervals.append((st["up_since"], stop))
    inst_s = sum(cfg.InitialInstanceCount * (min(down, stop) - since) for since, down in up_intervals if since < stop)
    return start, end, outcome, inst_s


def _batch_events(cfg, arrival, service, payload, servable, job_start, start_s):
    import numpy as np

    from mlkit.sim import Simulation

    start, end, outcome, batch_id, n_batches, ready, timeout, workers = _batch_setup(
        cfg, arrival, payload, servable, job_start, start_s)
    if n_batches == 0:
        return start, end, outcome, ready
    members = [[] for _ in range(n_batches)]
    for i in np.flatnonzero(batch_id >= 0):
        members[batch_id[i]].append(i)
    lists = [list(range(w, n_batches, workers)) for w in range(workers)]
    sim = Simulation()
    sim.run(until=ready)
    last = {"t": ready}

    def run_next(w):
        if not lists[w]:
            return
        b = lists[w].pop(0)
        work = float(sum(service[i] for i in members[b]))
        duration = min(work, timeout)
        for i in members[b]:
            start[i] = sim.now
        sim.schedule(duration, done, w, b, work > timeout)

    def done(w, b, late):
        for i in members[b]:
            end[i] = sim.now
            if late:
                outcome[i] = _TIMEOUT
        last["t"] = max(last["t"], sim.now)
        run_next(w)

    for w in range(workers):
        run_next(w)
    sim.run()
    return start, end, outcome, last["t"]


# ============================================================================ simulate


def _percentiles_ms(latency):
    import numpy as np

    if latency.size == 0:
        return (math.nan,) * 5
    p50, p95, p99 = np.percentile(latency, [50, 95, 99])
    return float(p50 * 1000), float(p95 * 1000), float(p99 * 1000), float(latency.mean() * 1000), float(latency.max() * 1000)


def simulate(config, traffic: TrafficPattern, profile: ModelProfile | None = None, *, prices=None, seed: Any = 0,
             keep_warm_s: float = 600.0, instance_start_s: float = 180.0, engine: str = "fast") -> SimulationResult:
    """Run ``traffic`` against one mode ``config`` for a model ``profile``; return a :class:`SimulationResult`.

    In: a :class:`~mlkit.inference.config.RealTimeConfig`,
    :class:`~mlkit.inference.config.ServerlessConfig`,
    :class:`~mlkit.inference.config.AsyncInferenceConfig` or
    :class:`~mlkit.inference.config.BatchTransformConfig`; a
    :class:`TrafficPattern` (or a ``mlkit.datasets.traffic`` Dataset/frame); a
    :class:`ModelProfile` (default ``ModelProfile()``); ``prices`` (a
    :class:`~mlkit.inference.prices.Prices`, illustrative defaults);
    ``seed``; ``keep_warm_s`` (how long an idle serverless container stays
    warm) and ``instance_start_s`` (time to start instances for async scale-up
    and batch jobs), both illustrative; ``engine`` ``"fast"`` (vectorised) or ``"events"`` (the discrete-event core; same numbers, slower).
    Raises ``TypeError`` for an unknown config, ``ValueError`` if the model
    needs more memory than a serverless MemorySizeInMB, ``KeyError`` if the
    price table lacks the instance type. Nothing else changes.
    """
    import numpy as np
    import pandas as pd

    from mlkit.inference.config import (
        AsyncInferenceConfig,
        BatchTransformConfig,
        RealTimeConfig,
        ServerlessConfig,
        payload_limit_bytes,
        processing_limit_s,
    )
    from mlkit.inference.prices import DEFAULT_PRICES, Prices

    if not isinstance(config, (RealTimeConfig, ServerlessConfig, AsyncInferenceConfig, BatchTransformConfig)):
        raise TypeError(
            "config must be a RealTimeConfig, ServerlessConfig, AsyncInferenceConfig or BatchTransformConfig, "
            f"got {type(config).__name__}"
        )
    if not isinstance(traffic, TrafficPattern):
        traffic = TrafficPattern.from_frame(traffic)
    profile = ModelProfile() if profile is None else profile
    if not isinstance(profile, ModelProfile):
        raise TypeError(f"profile must be a ModelProfile, got {type(profile).__name__}")
    prices = DEFAULT_PRICES if prices is None else prices
    if not isinstance(prices, Prices):
        raise TypeError(f"prices must be a Prices table, got {type(prices).__name__}")
    keep_warm_s = check_float("keep_warm_s", keep_warm_s, low=0.0)
    instance_start_s = check_float("instance_start_s", instance_start_s, low=0.0)
    check_one_of("engine", engine, ("fast", "events"))
    mode = config.mode
    if mode == "serverless" and profile.memory_mb > config.MemorySizeInMB:
        raise ValueError(
            f"profile.memory_mb ({profile.memory_mb}) exceeds ServerlessConfig.MemorySizeInMB "
            f"({config.MemorySizeInMB}): the model would not fit; choose MemorySizeInMB >= {profile.memory_mb} "
            "(at most 6144) or a real-time endpoint on a larger instance"
        )
    hourly = prices.hourly(config.InstanceType) if mode != "serverless" else 0.0

    rng = make_rng(seed)
    arrival = traffic.arrivals(rng)
    n = int(arrival.shape[0])
    service = profile.service_times(rng, n)
    payload = traffic.payloads(rng, n, profile.payload_bytes)
    servable = payload <= payload_limit_bytes(config)
    limit = processing_limit_s(config)
    horizon = traffic.duration_s
    events = engine == "events"
    breakdown: dict = {}
    on_pc = billed = None

    if mode == "real-time":
        route = rng.integers(0, config.InitialInstanceCount, n)
        run = _realtime_events if events else _realtime_fast
        start, end, outcome = run(config, arrival, service, servable, route, limit)
        instance_hours = config.InitialInstanceCount * horizon / 3600.0
        breakdown["instances"] = instance_hours * hourly
    elif mode == "serverless":
        run = _serverless_events if events else _serverless_fast
        start, end, outcome, on_pc, billed = run(config, arrival, service, servable, keep_warm_s,
                                                 profile.cold_start_s, limit)
        gb = config.MemorySizeInMB / 1024.0
        instance_hours = 0.0
        breakdown["compute"] = float(billed[~on_pc].sum()) * gb * prices.serverless_per_gb_second
        breakdown["provisioned_compute"] = float(billed[on_pc].sum()) * gb * prices.serverless_provisioned_compute_per_gb_second
        breakdown["provisioned_concurrency"] = (config.ProvisionedConcurrency or 0) * gb * horizon * prices.serverless_provisioned_per_gb_second
        processed = (outcome == _OK) | (outcome == _COLD) | (outcome == _TIMEOUT)
        breakdown["data"] = float(payload[processed].sum()) / 1024**3 * prices.serverless_per_gb_data
    elif mode == "async":
        run = _async_events if events else _async_fast
        start, end, outcome, inst_seconds = run(config, arrival, service, servable, instance_start_s, horizon)
        instance_hours = inst_seconds / 3600.0
        breakdown["instances"] = instance_hours * hourly
    else:
        run = _batch_events if events else _batch_fast
        start, end, outcome, job_end = run(config, arrival, service, payload, servable, horizon, instance_start_s)
        instance_hours = config.InstanceCount * (job_end - horizon) / 3600.0
        breakdown["instances"] = instance_hours * hourly

    start = np.where((outcome == _TIMEOUT) & (start > end), np.nan, start)  # gave up before processing began
    latency = end - arrival
    served_mask = (outcome == _OK) | (outcome == _COLD)
    p50, p95, p99, mean, mx = _percentiles_ms(latency[served_mask])
    counts = np.bincount(outcome, minlength=len(OUTCOMES))
    errors = {name: int(counts[code]) for code, name in enumerate(OUTCOMES) if code >= _THROTTLED and counts[code]}
    summary = SimulationSummary(
        mode=mode,
        requests=n,
        served=int(served_mask.sum()),
        cold_starts=int(counts[_COLD]),
        errors=errors,
        error_rate=float(sum(errors.values()) / n) if n else 0.0,
        p50_ms=p50, p95_ms=p95, p99_ms=p99, mean_ms=mean, max_ms=mx,
        instance_hours=float(instance_hours),
        cost=float(sum(breakdown.values())),
        cost_breakdown={k: float(v) for k, v in breakdown.items()},
        duration_s=float(horizon),
    )
    latency_col = np.where(served_mask, latency, np.nan)
    frame = pd.DataFrame({
        "arrival": arrival,
        "start": start,
        "end": end,
        "latency": latency_col,
        "outcome": pd.Categorical.from_codes(outcome.astype(np.int8), categories=list(OUTCOMES)),
        "payload_bytes": payload,
        "service": service,
    })
    settings = {"keep_warm_s": keep_warm_s, "instance_start_s": instance_start_s, "engine": engine}
    return SimulationResult(config, traffic, profile, frame, summary, seed, settings)


def compare(configs, traffic: TrafficPattern, profile: ModelProfile | None = None, **kwargs):
    """Simulate the same traffic against several configs; one summary row per mode (a DataFrame).

    Keyword arguments go to :func:`simulate` (``prices``, ``seed``, ...); every
    mode sees the same arrivals and processing times for a given seed.

    >>> from mlkit.inference.config import RealTimeConfig, ServerlessConfig
    >>> table = compare([RealTimeConfig(), ServerlessConfig()], TrafficPattern.steady(1, 600))
    >>> list(table.index)
    ['real-time', 'serverless']
    """
    import pandas as pd

    rows = []
    for cfg in configs:
        s = simulate(cfg, traffic, profile, **kwargs).summary
        row = s.to_dict()
        row.pop("cost_breakdown")
        errors = row.pop("errors")
        for kind in ("throttled", "timeout", "too_large"):
            row[kind] = errors.get(kind, 0)
        rows.append(row)
    return pd.DataFrame(rows).set_index("mode")
