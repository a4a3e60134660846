"""Benchmark: one million requests through the inference simulator, per mode.

Goal (issue #3): one million requests simulate in under 2 s on a 2-core
laptop. The baseline, measured in the same run, is the naive approach: one
heapq event per arrival and per completion on :class:`mlkit.sim.Simulation`
(``engine="events"``), timed on a smaller run and extrapolated linearly to
the same number of requests. The two engines give the same numbers (see
tests/test_inference_simulation.py); this script also checks it on the small run.

Run: ``python benchmarks/bench_simulator.py [--requests 1000000] [--baseline 50000]``
"""

from __future__ import annotations

import argparse
import time


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1_000_000, help="requests in the timed run")
    parser.add_argument("--baseline", type=int, default=50_000, help="requests in the naive event-loop run")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    t_import = time.perf_counter()
    import numpy as np

    from mlkit.inference.config import AsyncInferenceConfig, BatchTransformConfig, RealTimeConfig, ServerlessConfig
    from mlkit.inference.simulation import ModelProfile, TrafficPattern, simulate

    simulate(RealTimeConfig(), TrafficPattern.steady(1, 10))  # import pandas & co. outside the timings
    t_import = time.perf_counter() - t_import

    day = 86_400.0
    profile = ModelProfile(latency_ms=40, latency_p99_ms=250, cold_start_s=4, memory_mb=1024)
    big = TrafficPattern.bursty(args.requests / (day / 2), day, busy_s=1800, idle_s=1800)
    small = TrafficPattern.bursty(args.baseline / (day / 2), day, busy_s=1800, idle_s=1800)
    configs = [
        RealTimeConfig("ml.m5.large", InitialInstanceCount=2),
        ServerlessConfig(MemorySizeInMB=2048, MaxConcurrency=50),
        AsyncInferenceConfig(MaxConcurrentInvocationsPerInstance=4, ScaleInCooldown=600),
        BatchTransformConfig(MaxPayloadInMB=6, MaxConcurrentTransforms=4, InstanceCount=2),
    ]
    print(f"one-time imports: {t_import:.2f} s; {args.requests:,} requests (bursty day), baseline on {args.baseline:,}")
    import os

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average {load:.1f} on {os.cpu_count()} CPUs (other processes inflate wall times; CPU s is this process only)")
    print(f"{'mode':<11} {'requests':>10} {'fast s':>8} {'CPU s':>7} {'naive s (extrap.)':>18} {'speed-up':>9} {'agree':>6}  goal")
    worst = 0.0
    for cfg in configs:
        t, cpu = time.perf_counter(), time.process_time()
        result = simulate(cfg, big, profile, seed=args.seed)
        fast_s, cpu_s = time.perf_counter() - t, time.process_time() - cpu
        worst = max(worst, fast_s)

        t = time.perf_counter()
        naive = simulate(cfg, small, profile, seed=args.seed, engine="events")
        naive_small_s = time.perf_counter() - t
        naive_s = naive_small_s * result.summary.requests / max(1, naive.summary.requests)
        check = simulate(cfg, small, profile, seed=args.seed)
        agree = bool(
            (check.requests.outcome == naive.requests.outcome).all()
            and np.allclose(check.requests[["start", "end"]].to_numpy(), naive.requests[["start", "end"]].to_numpy(),
                            equal_nan=True, atol=1e-9)
        )
        goal = "ok" if fast_s < 2.0 else "MISSED (< 2 s)"
        print(f"{cfg.mode:<11} {result.summary.requests:>10,} {fast_s:>8.2f} {cpu_s:>7.2f} {naive_s:>18.2f} "
              f"{naive_s / fast_s:>8.1f}x {str(agree):>6}  {goal}")
    print(f"slowest mode: {worst:.2f} s for {args.requests:,} requests (goal: under 2 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
