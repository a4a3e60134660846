"""How long `import mlkit` takes, against the interpreter's own start-up.

Goal (issue #2): under 0.5 s. Each figure is the median of fresh interpreters,
measured in this run:

    python benchmarks/bench_import.py [--runs 15]

It prints the median wall time of `python -c "import mlkit"` and of a bare
`python -c "pass"` (the baseline), their difference (the cost of importing
the kit), and, for scale, the cost of `import pandas` measured the same way.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def median_seconds(code: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    base = median_seconds("pass", args.runs)
    kit = median_seconds("import mlkit, mlkit.topics, mlkit.progress, mlkit.course", args.runs)
    pandas = median_seconds("import pandas", args.runs)
    print(f"python start-up (baseline)     {base * 1000:7.1f} ms")
    print(f"import mlkit (+ topics, progress, course) {kit * 1000:7.1f} ms total, "
          f"{(kit - base) * 1000:6.1f} ms over baseline (goal < 500 ms)")
    print(f"import pandas, for scale       {pandas * 1000:7.1f} ms total, {(pandas - base) * 1000:6.1f} ms over baseline")
    print(f"ratio import-mlkit cost / import-pandas cost: {(kit - base) / (pandas - base):.3f}")
    if kit - base >= 0.5:
        sys.exit("FAIL: import mlkit costs 0.5 s or more")


if __name__ == "__main__":
    main()
