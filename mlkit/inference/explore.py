"""One workload, four inference modes, side by side: what the explorer widget shows.

:func:`compare_modes` turns a plain description of a workload (traffic
shape, request rate, payload size, processing time, latency need, VPC) into
the four mode configurations, simulates the same arrivals against each
(:func:`mlkit.inference.simulation.simulate`) and asks the chooser
(:func:`mlkit.inference.chooser.recommend_mode`) which mode fits and why.

    >>> cmp = compare_modes(traffic="intermittent", rate_rps=2, hours=2, seed=0)
    >>> cmp.recommendation.mode
    'real-time'
    >>> list(cmp.table.index)
    ['real-time', 'serverless', 'async', 'batch']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mlkit._checks import check_float, check_one_of
from mlkit.report import Report, to_jsonable

__all__ = ["TRAFFIC_SHAPES", "ModeComparison", "compare_modes", "workload_configs"]

#: The traffic shapes the explorer offers (the chooser's vocabulary).
TRAFFIC_SHAPES = ("steady", "intermittent", "spiky", "offline-dataset")


@dataclass
class ModeComparison(Report):
    """The four modes on one workload.

    ``table``: one summary row per mode (requests, served, cold starts,
    p50/p95/p99 in ms, errors by kind, instance-hours, cost). ``results``:
    the full :class:`~mlkit.inference.simulation.SimulationResult` per mode
    (per-request latencies). ``recommendation``: the chooser's mode and
    reasons. ``configs``: the configurations simulated, each with
    ``to_request()``.
    """

    inputs: dict
    table: Any
    results: dict
    recommendation: Any
    configs: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "inputs": to_jsonable(self.inputs),
            "summary": to_jsonable(self.table.reset_index().to_dict(orient="records")),
            "recommendation": self.recommendation.to_dict(),
        }

    def _repr_html_(self) -> str:
        return self.recommendation._repr_html_() + self.table.to_html(float_format=lambda v: f"{v:,.3g}")


def workload_configs(*, memory_mb: int = 2048, max_concurrency: int = 20, instance_count: int = 1,
                     instance_type: str = "ml.m5.large", max_payload_mb: int = 6) -> dict:
    """The four mode configurations the comparison uses (plain SageMaker defaults for a small model)."""
    from mlkit.inference.config import (
        AsyncInferenceConfig,
        BatchTransformConfig,
        RealTimeConfig,
        ServerlessConfig,
    )

    return {
        "real-time": RealTimeConfig(InstanceType=instance_type, InitialInstanceCount=instance_count),
        "serverless": ServerlessConfig(MemorySizeInMB=memory_mb, MaxConcurrency=max_concurrency),
        "async": AsyncInferenceConfig(S3OutputPath="s3://mlkit-demo/async-output/",
                                      InstanceType=instance_type, InitialInstanceCount=instance_count),
        "batch": BatchTransformConfig(S3Uri="s3://mlkit-demo/batch-input/",
                                      S3OutputPath="s3://mlkit-demo/batch-output/",
                                      InstanceType=instance_type, InstanceCount=instance_count,
                                      MaxPayloadInMB=max_payload_mb),
    }


def _traffic_pattern(shape: str, rate_rps: float, duration_s: float):
    from mlkit.inference.simulation import TrafficPattern

    if shape == "intermittent":  # a minute of traffic, then a quarter of an hour of silence
        return TrafficPattern.bursty(rate_rps, duration_s, busy_s=60.0, idle_s=900.0)
    if shape == "spiky":  # a five-minute spike of 10x the base rate every hour
        return TrafficPattern.spiky(rate_rps, duration_s, spike_rps=10 * rate_rps, every_s=3600.0)
    return TrafficPattern.steady(rate_rps, duration_s)


def compare_modes(*, traffic: str = "intermittent", rate_rps: float = 2.0, hours: float = 6.0,
                  payload_mb: float = 0.01, processing_ms: float = 50.0, latency: str = "interactive",
                  needs_vpc: bool = False, tolerates_cold_starts: bool | None = None,
                  memory_mb: int = 2048, max_concurrency: int = 20, seed: Any = 0, prices=None, max_requests: int = 200_000) -> ModeComparison:
    """Simulate one workload against the four modes and recommend one; returns a :class:`ModeComparison`.

    In: the traffic shape (one of :data:`TRAFFIC_SHAPES`), its average request
    rate while busy (requests/s), the window in hours, one request's payload
    (MB) and median processing time (ms; the 99th percentile is 4 times the
    median), the caller's latency need (``interactive``, ``near-real-time``
    or ``none``), whether the endpoint must live in a VPC, whether callers
    tolerate cold starts (None: only ``near-real-time`` ones do), and the serverless
    memory and concurrency. Every mode sees the same arrivals for a seed.
    A workload of more than ``max_requests`` expected requests is refused (the
    comparison is meant to answer at once; call
    :func:`~mlkit.inference.simulation.simulate` directly for big runs).
    Raises ``ValueError``/``TypeError`` naming a bad parameter (the chooser's
    :class:`~mlkit.inference.chooser.NoModeFitsError` when no mode takes the
    workload, e.g. processing over one hour).
    """
    from mlkit.inference.chooser import recommend_mode
    from mlkit.inference.simulation import ModelProfile, simulate

    check_one_of("traffic", traffic, TRAFFIC_SHAPES)
    rate_rps = check_float("rate_rps", rate_rps, low=0.0, high=1000.0, low_open=True)
    hours = check_float("hours", hours, low=0.0, high=168.0, low_open=True)
    payload_mb = check_float("payload_mb", payload_mb, low=0.0, high=1024.0)
    processing_ms = check_float("processing_ms", processing_ms, low=0.0, high=3_600_000.0, low_open=True)
    recommendation = recommend_mode(payload_mb=payload_mb, processing_s=processing_ms / 1000.0,
                                    latency=latency, traffic=traffic, needs_vpc=needs_vpc,
                                    tolerates_cold_starts=tolerates_cold_starts)
    configs = workload_configs(memory_mb=memory_mb, max_concurrency=max_concurrency)
    pattern = _traffic_pattern(traffic, rate_rps, hours * 3600.0)
    expected = pattern.expected_requests
    if expected > max_requests:
        raise ValueError(
            f"rate_rps={rate_rps:g} for hours={hours:g} with traffic={traffic!r} is about {expected:,.0f} "
            f"requests, more than max_requests={max_requests:,}; lower the rate or the hours"
        )
    profile = ModelProfile(latency_ms=processing_ms, latency_p99_ms=4 * processing_ms,
                           payload_bytes=max(1, int(payload_mb * 1_000_000)))
    import pandas as pd

    results = {mode: simulate(cfg, pattern, profile, prices=prices, seed=seed) for mode, cfg in configs.items()}
    table = pd.DataFrame([r.summary.to_dict() for r in results.values()]).set_index("mode")
    for kind in ("throttled", "timeout", "too_large"):  # one column per error kind, zeros included
        table[kind] = [r.summary.errors.get(kind, 0) for r in results.values()]
    inputs = {"traffic": traffic, "rate_rps": rate_rps, "hours": hours, "payload_mb": payload_mb,
              "processing_ms": processing_ms, "latency": latency, "needs_vpc": needs_vpc,
              "tolerates_cold_starts": recommendation.inputs["tolerates_cold_starts"],
              "memory_mb": memory_mb, "max_concurrency": max_concurrency, "seed": seed}
    return ModeComparison(inputs=inputs, table=table, results=results, recommendation=recommendation,
                          configs=configs)
