"""Scaling benchmark: a simulated week under no scaling, target tracking, scheduled actions and both.

Prints the comparison table (markdown, for docs/benchmarks.md) with each set-up's cost as a ratio of
the fixed fleet measured in the same run, then the multi-model cache's hit rate against its memory
budget (ratio: hit rate over the share of models that fit, the uniform-popularity baseline).

    .venv/bin/python benchmarks/bench_scaling.py
"""

from __future__ import annotations

import time


def main() -> None:
    from mlkit import datasets
    from mlkit.inference.autoscaling import ScalableTarget, ScheduledAction, TargetTrackingPolicy, compare_scaling
    from mlkit.inference.multimodel import simulate_cache

    week = datasets.traffic(days=7, base_rps=80.0, bursts=4, burst_multiplier=2.0, seed=0)
    target = ScalableTarget("bench", MinCapacity=1, MaxCapacity=10)
    policy = TargetTrackingPolicy(TargetValue=1200.0, ScaleOutCooldown=300, ScaleInCooldown=300)
    calendar = [ScheduledAction("weekday-floor", "cron(0 6 ? * MON *)", MinCapacity=3, MaxCapacity=10),
                ScheduledAction("wednesday-peak", "cron(0 8 ? * WED *)", MinCapacity=6),
                ScheduledAction("friday-evening", "cron(0 18 ? * FRI *)", MinCapacity=1, MaxCapacity=3)]
    t0 = time.perf_counter()
    table = compare_scaling(week, target, policy, calendar, initial_instances=4, seed=0)
    seconds = time.perf_counter() - t0
    none_cost = table.loc["none", "cost"]
    print(f"Simulated week ({int(table['requests'].iloc[0]):,} requests, 10,080 one-minute periods), "
          f"4 set-ups in {seconds:.2f} s; ml.m5.large at illustrative prices\n")
    print("| set-up | throttled | p50 ms | p95 ms | p99 ms | instance-hours | cost USD | cost vs none |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in table.iterrows():
        print(f"| {name} | {int(r.throttled):,} ({r.throttle_rate:.2%}) | {r.p50_ms:.0f} | {r.p95_ms:.0f} | "
              f"{r.p99_ms:.0f} | {r.instance_hours:.1f} | {r.cost:.2f} | {r.cost / none_cost:.2f} |")

    print("\nMulti-model cache, 200 models of 100 MB, 20,000 requests, Zipf popularity s=1.0\n")
    print("| memory budget MB | models that fit | hit rate | hit rate / share that fits | p99 ms |")
    print("|---:|---:|---:|---:|---:|")
    for budget in (500, 2000, 5000, 10000):
        sim = simulate_cache(200, skew=1.0, memory_budget_mb=budget, model_mb=100, requests=20_000, seed=0)
        share = sim.models_fitting / 200
        print(f"| {budget:,} | {sim.models_fitting} | {sim.hit_rate:.1%} | {sim.hit_rate / share:.1f} | "
              f"{sim.p99_ms:,.0f} |")


if __name__ == "__main__":
    main()
