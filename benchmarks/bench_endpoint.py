"""Benchmark: the local endpoint vs a minimal stdlib server, same model, same requests.

Goal (issue #3): at least 1,000 one-row XGBoost requests/s with p99 under
20 ms from a second process on a 2-core machine, and the ratio against a
minimal server doing the same prediction, measured in the same run.

Each server runs in its own process; the load comes from ``wrk`` (Debian
package ``wrk``) if installed, else from a bounded Python load generator in
another process. Loopback only; every run is bounded in time. Usage::

    python benchmarks/bench_endpoint.py [--seconds 5] [--connections 16] [--workers 1] [--repeats 3]

Prints requests/s, p50 and p99 for both servers (median of interleaved runs) and the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROW = b"0.1,-0.4,1.3,0.7,-1.2,0.05,0.9,-0.3\n"


def train_model(folder: Path) -> tuple[Path, Path]:
    """A small XGBoost model (8 features, 50 trees of depth 4): (model.tar.gz, bare .ubj)."""
    import numpy as np
    import xgboost as xgb

    from mlkit.artifacts import save_model

    rng = np.random.default_rng(0)
    X = rng.normal(size=(2000, 8))
    y = (X[:, 0] + 0.5 * X[:, 1] - X[:, 2] + rng.normal(scale=0.5, size=2000) > 0).astype(int)
    booster = xgb.train({"objective": "binary:logistic", "max_depth": 4, "nthread": 1},
                        xgb.DMatrix(X, label=y), num_boost_round=50)
    tar = Path(save_model(booster, str(folder / "model.tar.gz")))
    ubj = folder / "xgboost-model.ubj"
    booster.save_model(str(ubj))
    return tar, ubj


def start_endpoint(tar: Path, workers: int):
    code = ("import sys; from mlkit.inference.server import serve_main; "
            "sys.exit(serve_main(sys.argv[1:]))")
    proc = subprocess.Popen([sys.executable, "-c", code, str(tar), "--name", "bench", "--port", "0",
                             "--workers", str(workers)], stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    m = re.search(r"serving at (http://\S+) ", line)
    if not m:
        proc.kill()
        raise RuntimeError(f"endpoint did not start: {line!r}")
    threading.Thread(target=proc.stdout.read, daemon=True).start()  # drain
    return proc, m.group(1), "/endpoints/bench/invocations"


def stop_endpoint(proc) -> None:
    import signal

    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def start_baseline(ubj: Path):
    proc = subprocess.Popen([sys.executable, str(HERE / "baseline_server.py"), str(ubj), "0"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if not line.startswith("READY"):
        proc.kill()
        raise RuntimeError(f"baseline did not start: {line!r}")
    return proc, f"http://127.0.0.1:{int(line.split()[1])}", "/invocations"


def stop_baseline(proc) -> None:
    proc.stdin.close()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def run_wrk(url: str, path: str, seconds: float, connections: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write('wrk.method = "POST"\n')
        f.write(f'wrk.body = "{ROW.decode().strip()}\\n"\n')
        f.write('wrk.headers["Content-Type"] = "text/csv"\n')
        script = f.name
    try:
        out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{int(seconds)}s", "--latency", "-s", script,
                              url + path], capture_output=True, text=True, timeout=seconds + 30).stdout
    finally:
        os.unlink(script)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    lat = {p: float(v) * _UNITS[u] for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50_ms": lat["50"], "p99_ms": lat["99"], "errors": int(errors.group(1)) if errors else 0,
            "tool": "wrk"}


def _loadgen(url: str, path: str, seconds: float, connections: int) -> None:  # runs in a child process
    import http.client
    from urllib.parse import urlparse

    u = urlparse(url)
    lat: list[float] = []
    errors = [0]
    stop_at = time.perf_counter() + seconds
    lock = threading.Lock()

    def worker():
        conn = http.client.HTTPConnection(u.hostname, u.port)
        mine = []
        while time.perf_counter() < stop_at and len(mine) < 200_000:
            t0 = time.perf_counter()
            conn.request("POST", path, body=ROW, headers={"Content-Type": "text/csv"})
            r = conn.getresponse()
            r.read()
            mine.append(time.perf_counter() - t0)
            if r.status != 200:
                errors[0] += 1
        conn.close()
        with lock:
            lat.extend(mine)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    lat.sort()
    pct = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000  # noqa: E731
    print(json.dumps({"rps": len(lat) / elapsed, "p50_ms": pct(0.50), "p99_ms": pct(0.99), "errors": errors[0],
                      "tool": "python"}))


def run_python_load(url: str, path: str, seconds: float, connections: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--_loadgen", url, path, str(seconds), str(connections)],
                         capture_output=True, text=True, timeout=seconds + 60).stdout
    return json.loads(out.strip().splitlines()[-1])


def measure(url: str, path: str, seconds: float, connections: int) -> dict:
    import urllib.request

    # warm up (connections, caches) before measuring
    for _ in range(50):
        req = urllib.request.Request(url + path, data=ROW, headers={"Content-Type": "text/csv"})
        urllib.request.urlopen(req).read()
    if shutil.which("wrk"):
        return run_wrk(url, path, seconds, connections)
    return run_python_load(url, path, seconds, connections)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--_loadgen":
        _loadgen(argv[1], argv[2], float(argv[3]), int(argv[4]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=1, help="endpoint server processes")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved runs per server (median reported)")
    args = parser.parse_args(argv)
    runs: dict[str, list[dict]] = {}
    base_name, ours_name = "baseline (ThreadingHTTPServer)", f"mlkit endpoint (workers={args.workers})"
    with tempfile.TemporaryDirectory() as tmp:
        tar, ubj = train_model(Path(tmp))
        base_proc, base_url, base_path = start_baseline(ubj)
        try:
            ours_proc, ours_url, ours_path = start_endpoint(tar, args.workers)
            try:
                # interleaved runs, so both servers see the same background noise; medians reported
                for _ in range(args.repeats):
                    runs.setdefault(base_name, []).append(measure(base_url, base_path, args.seconds,
                                                                  args.connections))
                    runs.setdefault(ours_name, []).append(measure(ours_url, ours_path, args.seconds,
                                                                  args.connections))
            finally:
                stop_endpoint(ours_proc)
        finally:
            stop_baseline(base_proc)
    results = {name: {k: (statistics.median(r[k] for r in rs) if k != "tool" else rs[0][k]) for k in rs[0]}
               for name, rs in runs.items()}
    for r in results.values():
        r["errors"] = int(r["errors"])
    print(f"one-row XGBoost requests, {args.connections} connections, {args.seconds:g} s per run, "
          f"median of {args.repeats} interleaved runs, load from {next(iter(results.values()))['tool']} "
          f"in another process")
    print(f"{'server':38s} {'req/s':>9s} {'p50 ms':>8s} {'p99 ms':>8s} {'non-2xx':>8s}")
    for name, r in results.items():
        print(f"{name:38s} {r['rps']:9.0f} {r['p50_ms']:8.2f} {r['p99_ms']:8.2f} {r['errors']:8d}")
    base, ours = list(results.values())
    print(f"ratio endpoint/baseline: throughput {ours['rps'] / base['rps']:.2f}x, "
          f"p99 {ours['p99_ms'] / base['p99_ms']:.2f}x")
    goal = ours["rps"] >= 1000 and ours["p99_ms"] < 20
    print(f"goal (>= 1000 req/s and p99 < 20 ms): {'met' if goal else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
