"""All pre-training bias metrics on 1,000,000 rows: mlkit against AWS's smclarify, same run.

The data: a binary facet ("a"/"d", 30 % d), a 0/1 label with a 15-point gap,
a 10-valued group variable (strings). Both sides get the same arrays and a
DataFrame built from them; each side's timing covers only its metrics call
(smclarify's ``bias_report`` with ``metrics=["all"]``, mlkit's
``pretraining_bias(methods="all")``), best of ``--repeat`` runs for mlkit, one
for smclarify (it takes seconds). smclarify runs in its pinned venv
(``benchmarks/smclarify_reference.py`` creates it when missing).

    .venv/bin/python benchmarks/bench_clarify.py [--rows 1000000] [--repeat 5]

Prints a markdown table: seconds per side, the speed-up and the largest
difference between the two sides' values (goal: >= 50x, <= 1e-9).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    import numpy as np
    import pandas as pd

    from mlkit.clarify import pretraining_bias

    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    rng = np.random.default_rng(0)
    n = args.rows
    facet = (rng.random(n) < 0.3).astype(np.int8)
    group = rng.integers(0, 10, n).astype(np.int8)
    label = (rng.random(n) < np.where(facet == 1, 0.45, 0.60) - 0.02 * group).astype(np.int64)
    df = pd.DataFrame({"facet": np.array(["a", "d"])[facet],
                       "group": np.array([f"g{i}" for i in range(10)])[group], "label": label})

    best = float("inf")
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        mine = pretraining_bias(df, label="label", label_values_or_threshold=[1], facet="facet",
                                facet_values_or_threshold=["d"], group_variable="group")
        best = min(best, time.perf_counter() - t0)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.npz"
        np.savez(path, facet=facet, group=group, label=label)
        proc = subprocess.run([sys.executable, str(HERE / "smclarify_reference.py"), "bench", str(path)],
                              capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        return 1
    ref = json.loads(proc.stdout.strip().splitlines()[-1])
    diff = max(abs(mine[k] - float(ref["values"][k])) for k in mine)
    ratio = ref["seconds"] / best
    print(f"| rows | smclarify 0.5 (s) | mlkit (s) | speed-up | max abs difference |")
    print(f"|---:|---:|---:|---:|---:|")
    print(f"| {n:,} | {ref['seconds']:.2f} | {best:.4f} | {ratio:.0f}x | {diff:.1e} |")
    print("goal >= 50x with equal values:", "met" if ratio >= 50 and diff <= 1e-9 else "NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
