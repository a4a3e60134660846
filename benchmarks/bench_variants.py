"""Benchmark: what variants and shadow mirroring cost the caller, and the guardrail policies' blast radius.

Part 1 (caller's latency, in-process, one-row XGBoost requests): a plain
one-variant ``LocalEndpoint`` is the baseline measured in the same run;
against it, a two-variant weighted ``VariantEndpoint``, the same with a
shadow mirroring every request, and with a shadow that raises on every
request. The goal: mirroring stays off the caller's path (p50 within a few
percent of the unmirrored endpoint's, whatever the shadow does). Runs are
interleaved; medians of ``--repeats``.

Part 2 (simulated time): :func:`mlkit.inference.deployment.compare_policies`
for ALL_AT_ONCE, CANARY 10 %, LINEAR 25 % and IN_PLACE with a bad new model
(20 % errors) and a good one, alarms on error rate > 2 % and p99 > 300 ms,
20 requests/s, a fleet of 4, provisioning 300 s, baking 600 s, means over
``--runs`` seeds. Printed as a markdown table for ``docs/benchmarks.md``.

Usage::

    python benchmarks/bench_variants.py [--requests 3000] [--repeats 3] [--runs 20]
"""

from __future__ import annotations

import argparse
import statistics
import time


def _model():
    import numpy as np
    import xgboost as xgb

    rng = np.random.default_rng(0)
    X = rng.normal(size=(2000, 8))
    y = (X[:, 0] + 0.5 * X[:, 1] - X[:, 2] > 0).astype(int)
    return xgb.train({"objective": "binary:logistic", "max_depth": 4, "nthread": 1},
                     xgb.DMatrix(X, label=y), num_boost_round=50)


class _Broken:
    n_features_in_ = 8

    def predict(self, X):
        raise RuntimeError("broken shadow")


def _latencies(endpoint, n: int) -> list:
    body = b"0.1,-0.4,1.3,0.7,-1.2,0.05,0.9,-0.3\n"
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        endpoint.invoke(body, "text/csv")
        out.append(time.perf_counter() - t0)
    return out


def caller_cost(requests: int, repeats: int) -> list:
    from mlkit.inference.server import LocalEndpoint
    from mlkit.inference.variants import ProductionVariant, VariantEndpoint

    booster = _model()

    def build():
        return {
            "LocalEndpoint, 1 variant (baseline)": LocalEndpoint("base", [ProductionVariant("A", booster)], seed=0),
            "VariantEndpoint, 2 variants 2:1": VariantEndpoint(
                "two", [ProductionVariant("A", booster, 2.0), ProductionVariant("B", booster, 1.0)], seed=0),
            "+ shadow mirroring 100 %": VariantEndpoint(
                "shadow", [ProductionVariant("A", booster, 1.0)], [ProductionVariant("S", booster, 1.0)], seed=0,
                max_shadow_queue=100_000),
            "+ shadow failing on every request": VariantEndpoint(
                "broken", [ProductionVariant("A", booster, 1.0)], [ProductionVariant("S", _Broken(), 1.0)], seed=0,
                max_shadow_queue=100_000),
        }

    results: dict[str, list] = {}
    for _ in range(repeats):
        endpoints = build()
        for ep in endpoints.values():
            ep.load()
            _latencies(ep, 200)  # warm up
        for name, ep in endpoints.items():
            lat = sorted(_latencies(ep, requests))
            results.setdefault(name, []).append((lat[len(lat) // 2], lat[int(len(lat) * 0.99)]))
        for ep in endpoints.values():
            ep.close()  # finishes the queued mirrors, joins the shadow threads
    base_p50 = statistics.median(r[0] for r in results["LocalEndpoint, 1 variant (baseline)"])
    rows = []
    for name, runs in results.items():
        p50 = statistics.median(r[0] for r in runs)
        p99 = statistics.median(r[1] for r in runs)
        rows.append((name, p50 * 1e6, p99 * 1e6, p50 / base_p50))
    return rows


def blast_radius(runs: int):
    from mlkit.inference import deployment as d

    policies = {
        "ALL_AT_ONCE": d.BlueGreenUpdatePolicy(d.TrafficRoutingConfig("ALL_AT_ONCE", 600)),
        "CANARY 10 %": d.BlueGreenUpdatePolicy(d.TrafficRoutingConfig(
            "CANARY", 600, CanarySize=d.CapacitySize("CAPACITY_PERCENT", 10))),
        "LINEAR 25 %": d.BlueGreenUpdatePolicy(d.TrafficRoutingConfig(
            "LINEAR", 600, LinearStepSize=d.CapacitySize("CAPACITY_PERCENT", 25))),
        "IN_PLACE": d.IN_PLACE,
    }
    alarms = [d.CloudWatchAlarm.error_rate("errors-over-2pct", 0.02), d.CloudWatchAlarm.latency("p99-over-300ms", 300)]
    t0 = time.perf_counter()
    table = d.compare_policies(policies, bad=d.ModelHealth(error_rate=0.2), good=d.ModelHealth(), alarms=alarms,
                               repeats=runs, seed=0)
    seconds = time.perf_counter() - t0
    return table, seconds, 2 * runs * len(policies)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)

    print(f"## Caller latency, in-process, one-row XGBoost requests ({args.requests} x {args.repeats}, medians)\n")
    print("| endpoint | p50 (µs) | p99 (µs) | p50 / baseline |")
    print("|---|---:|---:|---:|")
    for name, p50, p99, ratio in caller_cost(args.requests, args.repeats):
        print(f"| {name} | {p50:.0f} | {p99:.0f} | {ratio:.2f} |")

    table, seconds, n = blast_radius(args.runs)
    print(f"\n## Deployment guardrails, bad model (20 % errors) vs good model, means of {args.runs} runs\n")
    print("| policy | blast radius (requests) | bad-model errors | refused (restarts) | rolled back | "
          "bad: rollback done (s) | good: 100 % at (s) | good: finished (s) | good: false rollbacks |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for policy, r in table.iterrows():
        print(f"| {policy} | {r.blast_radius:,.0f} | {r.bad_model_errors:,.0f} | {r.unavailable:,.0f} | "
              f"{r.rolled_back:.0%} | {r.bad_finished_s:,.0f} | {r.good_full_traffic_s:,.0f} | "
              f"{r.good_finished_s:,.0f} | {r.good_rolled_back:.0%} |")
    print(f"\n{n} simulated rollouts in {seconds:.2f} s ({seconds / n * 1000:.0f} ms each)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
