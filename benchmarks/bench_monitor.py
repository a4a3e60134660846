"""Benchmark: mlkit's baseline + data quality check against Evidently's data drift preset.

Same seeded data for both, written once as CSV (categorical columns read as pandas categories on both sides): ``N_ROWS`` x 20 columns (15 numeric, 5
categorical), reference and current, with drift injected into a few columns of the current
(``mlkit.datasets.inject_drift`` / ``inject_category_shift``). Each side runs in its own
subprocess (the peer in ``~/.cache/mlkit-bench/evidently``, created with ``python3 -m venv`` and
``pip install "evidently==0.7.*" "pandas<3" pyarrow`` when missing), reads the files outside its
timer, and reports its time, the memory the analysis needed above the loaded data (resident
size sampled during it, ``benchmarks/_rss.py``) and the whole process's peak RSS. Printed: the time and memory
ratios and the drift verdict of each column on both sides.

    .venv/bin/python benchmarks/bench_monitor.py            # 1,000,000 rows (the issue's goal)
    .venv/bin/python benchmarks/bench_monitor.py 200000     # quicker

Goal (issue #9): at least 20x faster, at most 1/4 of the peak memory, same verdict on every
injected-drift column.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

VENV = Path.home() / ".cache" / "mlkit-bench" / "evidently"
HERE = Path(__file__).resolve().parent
DRIFT_NUMERIC = {"n0": 0.5, "n1": 1.0, "n2": 0.35}  # shift in standard deviations
DRIFT_CATEGORY = {"c0": ("v3", 0.3)}  # to_value, fraction moved

KIT_SIDE = r'''
import json, resource, sys, time
sys.path.insert(0, sys.argv[4])
import pandas as pd
from _rss import PeakRss
from mlkit.monitor import check_data_quality, suggest_baseline
kw = dict(dtype={f"c{i}": "category" for i in range(5)})
ref, cur = pd.read_csv(sys.argv[1], **kw), pd.read_csv(sys.argv[2], **kw)
t0 = time.perf_counter()
with PeakRss() as rss:
    result = check_data_quality(cur, suggest_baseline(ref))
seconds = time.perf_counter() - t0
drifted = {v["feature_name"] for v in result.violations if v["constraint_check_type"] == "baseline_drift_check"}
cols = {r["feature"]: {"drift": r["feature"] in drifted, "value": r["distance"]} for r in result.distances.to_dict("records")}
json.dump({"seconds": seconds, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
           "analysis_mb": rss.peak_mb, "columns": cols}, open(sys.argv[3], "w"))
'''


def ensure_peer():
    py = VENV / "bin" / "python"
    if not py.exists():
        subprocess.run([sys.executable.replace(".venv/bin/python", "") or "python3", "-m", "venv", str(VENV)],
                       check=False)
        if not py.exists():
            subprocess.run(["python3", "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", "evidently==0.7.*", "pandas<3", "pyarrow"],
                       check=True)
    return py


def make_data(n, folder):
    import numpy as np
    import pandas as pd

    from mlkit.datasets import inject_category_shift, inject_drift

    rng = np.random.default_rng(0)

    def frame(rng):
        cols = {f"n{i}": rng.normal(i, 1 + i / 10, n) for i in range(15)}
        for i in range(5):
            cols[f"c{i}"] = pd.Series(rng.choice([f"v{k}" for k in range(4 + i)], n)).astype("str")
        return pd.DataFrame(cols)

    ref, cur = frame(rng), frame(np.random.default_rng(1))
    for col, sd in DRIFT_NUMERIC.items():
        cur, _ = inject_drift(cur, col, shift=sd * ref[col].std(), seed=0)
    for col, (value, frac) in DRIFT_CATEGORY.items():
        cur, _ = inject_category_shift(cur, col, value, frac, seed=0)
    ref_path, cur_path = folder / "reference.csv", folder / "current.csv"
    ref.to_csv(ref_path, index=False)
    cur.to_csv(cur_path, index=False)
    return ref_path, cur_path


def main(n=1_000_000):
    peer = ensure_peer()
    with tempfile.TemporaryDirectory(prefix="mlkit-bench-monitor-") as tmp:
        tmp = Path(tmp)
        ref_path, cur_path = make_data(n, tmp)
        kit_out, peer_out = tmp / "kit.json", tmp / "peer.json"
        subprocess.run([sys.executable, "-c", KIT_SIDE, str(ref_path), str(cur_path), str(kit_out), str(HERE)],
                       check=True)
        subprocess.run([str(peer), str(HERE / "evidently_drift_peer.py"), str(ref_path), str(cur_path),
                        str(peer_out)], check=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
        kit, ev = json.loads(kit_out.read_text()), json.loads(peer_out.read_text())
    injected = list(DRIFT_NUMERIC) + list(DRIFT_CATEGORY)
    print(f"{n:,} rows x 20 columns; drift injected in {', '.join(injected)}")
    print("| | mlkit (suggest_baseline + check_data_quality) | Evidently 0.7 DataDriftPreset | ratio |")
    print("|---|---|---|---|")
    print(f"| time (s) | {kit['seconds']:.2f} | {ev['seconds']:.2f} | {ev['seconds'] / kit['seconds']:.1f}x faster |")
    print(f"| memory the analysis needed, above the loaded data (MB) | {kit['analysis_mb']:.0f} | "
          f"{ev['analysis_mb']:.0f} | {kit['analysis_mb'] / ev['analysis_mb']:.2f} of the peer's |")
    print(f"| whole-process peak RSS, reading the CSV included (MB) | {kit['peak_rss_mb']:.0f} | "
          f"{ev['peak_rss_mb']:.0f} | {kit['peak_rss_mb'] / ev['peak_rss_mb']:.2f} of the peer's |")
    same = all(kit["columns"][c]["drift"] == ev["columns"][c]["drift"] for c in injected)
    print(f"\nverdict per column (mlkit / Evidently); same on every injected column: {same}")
    for c in sorted(kit["columns"], key=lambda c: (c[0], int(c[1:]))):
        e = ev["columns"].get(c, {})
        mark = " (injected)" if c in injected else ""
        print(f"  {c}{mark}: {kit['columns'][c]['drift']} / {e.get('drift')} "
              f"[L-inf {kit['columns'][c]['value']:.3f}; {e.get('method')} {e.get('value', float('nan')):.3f}]")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
