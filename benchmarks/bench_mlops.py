"""MLOps store and pipeline cache: what a logged metric costs, and what the cache saves.

    python benchmarks/bench_mlops.py [--metrics 2000] [--writers 4]

Measured in this run, in a temporary folder:

1. ``Run.log_metric`` (SQLite, WAL, one transaction per value, synchronous=NORMAL)
   against the baseline of the same one-row transactions in SQLite's default
   rollback journal (``journal_mode=DELETE``, ``synchronous=FULL``): values per second
   and the ratio.
2. The same number of values logged by ``--writers`` processes at once:
   total values per second, and a check that none was lost.
3. The retraining pipeline of ``run_mlops_loop`` (Prepare, Train, Evaluate,
   CheckAuc, Register): the second run with unchanged inputs against the first
   one (wall time ratio; Prepare, Train and Evaluate come from the cache).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sqlite3
import tempfile
import time
from pathlib import Path


def _log(path, name, n):
    from mlkit.experiments import Run

    run = Run("bench", name, path=path, lineage=False)
    for i in range(n):
        run.log_metric("m", float(i), step=i)
    run.close()


def kit_rate(path, n) -> float:
    t0 = time.perf_counter()
    _log(path, "single", n)
    return n / (time.perf_counter() - t0)


def baseline_rate(path, n) -> float:
    conn = sqlite3.connect(str(path))
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE m (run_id TEXT, name TEXT, step INTEGER, value REAL, timestamp REAL)")
    t0 = time.perf_counter()
    for i in range(n):
        with conn:
            conn.execute("INSERT INTO m VALUES (?,?,?,?,?)", ("r", "m", i, float(i), time.time()))
    rate = n / (time.perf_counter() - t0)
    conn.close()
    return rate


def concurrent_rate(path, n, writers) -> tuple[float, int]:
    from mlkit.experiments import metric_history

    _log(path, "setup", 1)
    ctx = mp.get_context("fork")
    procs = [ctx.Process(target=_log, args=(path, f"w{k}", n // writers)) for k in range(writers)]
    t0 = time.perf_counter()
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    dt = time.perf_counter() - t0
    kept = len(metric_history("bench", "m", path=path)) - 1
    return (n // writers) * writers / dt, kept


def pipeline_ratio(folder) -> tuple[float, float, list]:
    from mlkit.lineage import LineageStore
    from mlkit.pipelines import run_mlops_loop
    from mlkit.pipelines.loop import build_retraining_pipeline
    from mlkit.registry import ModelRegistry
    from mlkit.storage import LocalBucketStore

    loop = run_mlops_loop(folder, seed=0, approve_new=False)
    store = LocalBucketStore(loop.bucket_root)
    p = build_retraining_pipeline(store=store, registry=ModelRegistry(loop.path, store=store), path=loop.path,
                                  group="admissions", experiment_name="admissions-loop",
                                  lineage=LineageStore(loop.path))
    params = dict(loop.execution.parameters, MaxDepth=3)  # a fresh cache key for the first timed run
    t0 = time.perf_counter()
    p.start(params, path=loop.path)
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    ex = p.start(params, path=loop.path)
    second = time.perf_counter() - t0
    return first, second, [s.StepName for s in ex.steps if s.CacheHit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--metrics", type=int, default=2000)
    parser.add_argument("--writers", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        kit = kit_rate(tmp / "kit.sqlite", args.metrics)
        base = baseline_rate(tmp / "base.sqlite", args.metrics)
        conc, kept = concurrent_rate(tmp / "conc.sqlite", args.metrics, args.writers)
        first, second, cached = pipeline_ratio(tmp / "loop")
    print("| measure | mlkit | baseline | ratio |")
    print("|---|---|---|---|")
    print(f"| log_metric, 1 process (values/s) | {kit:,.0f} | {base:,.0f} (rollback journal, sync FULL) "
          f"| {kit / base:.1f}x |")
    print(f"| log_metric, {args.writers} processes at once (values/s) | {conc:,.0f} | {kit:,.0f} (1 process) "
          f"| {conc / kit:.2f}x; kept {kept}/{(args.metrics // args.writers) * args.writers} |")
    print(f"| retraining pipeline, cached re-run (s) | {second:.3f} | {first:.3f} (first run) "
          f"| {first / second:.1f}x faster; cached: {', '.join(cached)} |")


if __name__ == "__main__":
    main()
