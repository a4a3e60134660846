"""The AutoML job against FLAML with the same wall-clock budget, on the same rows, in the same run.

For each dataset (the kit's ``loans``, scikit-learn's breast cancer and
wine and diabetes sets) the kit's :class:`mlkit.automl.AutoMLJob` prepares
(cleans, splits) the data once; both tools then search for ``--budget``
seconds on the same training rows and are scored on the same validation
rows with the same objective (F1 binary, Accuracy multiclass, MSE
regression). FLAML runs in its own venv (``~/.cache/mlkit-bench/flaml``,
created when missing) in a subprocess. Printed: the objective each reaches,
and the seconds each needs to come within 1 % of the better final value.

    .venv/bin/python benchmarks/bench_automl.py --budget 30
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

VENV = Path.home() / ".cache" / "mlkit-bench" / "flaml"
FLAML_SPEC = ["flaml[automl]==2.3.*", "scikit-learn<1.8", "pandas<3"]  # FLAML 2.3 breaks on pandas 3 string columns

PEER = r'''
import json, sys, time
import numpy as np, pandas as pd
from flaml import AutoML
from sklearn import metrics
a = json.loads(sys.argv[1])
tr, va = pd.read_csv(a["train"], dtype={c: "object" for c in a["categorical"]}), pd.read_csv(a["val"], dtype={c: "object" for c in a["categorical"]})
for c in a["categorical"]:
    cats = pd.CategoricalDtype(sorted(set(tr[c].dropna()) | set(va[c].dropna())))
    tr[c], va[c] = tr[c].astype(cats), va[c].astype(cats)
Xtr, ytr, Xva, yva = tr.drop(columns="label"), tr["label"].to_numpy(), va.drop(columns="label"), va["label"].to_numpy()
metric = {"F1": "f1", "Accuracy": "accuracy", "MSE": "mse"}[a["metric"]]
automl = AutoML()
t0 = time.perf_counter()
automl.fit(Xtr, ytr, X_val=Xva, y_val=yva, task=a["task"], metric=metric, time_budget=a["budget"], seed=0,
           n_jobs=1, verbose=0, log_file_name=a["log"])
from flaml.automl.data import get_output_from_log
times, losses, _, _, _ = get_output_from_log(a["log"], time_budget=a["budget"] + 60)
pred = automl.predict(Xva)
score = {"F1": lambda: metrics.f1_score(yva, pred), "Accuracy": lambda: metrics.accuracy_score(yva, pred),
         "MSE": lambda: metrics.mean_squared_error(yva, pred)}[a["metric"]]()
vals = [(1 - l) if metric != "mse" else l for l in losses]
print(json.dumps({"final": float(score), "curve": [[float(t), float(v)] for t, v in zip(times, vals)],
                  "best": automl.best_estimator}))
'''


def ensure_venv() -> Path:
    py = VENV / "bin" / "python"
    if not py.exists():
        VENV.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", *FLAML_SPEC], check=True)
    return py


def datasets_to_run(n_rows: int):
    import pandas as pd
    from sklearn import datasets as skd

    out = [("loans (kit)", "loans", "approved")]
    for name, loader in (("breast_cancer (sklearn)", skd.load_breast_cancer), ("wine (sklearn)", skd.load_wine),
                         ("diabetes (sklearn)", skd.load_diabetes)):
        b = loader(as_frame=True)
        frame = b.frame.rename(columns={"target": "label_"})
        out.append((name, frame, "label_"))
    return out


def time_to(curve, target, maximize) -> float:
    for t, v in curve:
        if (v >= target) if maximize else (v <= target):
            return t
    return math.inf


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--budget", type=float, default=30.0, help="wall-clock seconds per tool and dataset")
    ap.add_argument("--n-rows", type=int, default=2000)
    args = ap.parse_args()
    from mlkit.automl import AutoMLJob

    py = ensure_venv()
    rows = []
    for label, data, target in datasets_to_run(args.n_rows):
        job = AutoMLJob(data, target, MaxCandidates=750, MaxAutoMLJobRuntimeInSeconds=args.budget,
                        n_rows=args.n_rows, seed=0)
        prepared = job.prepare()
        maximize = prepared["maximize"]
        curve, best = [], None
        t0 = time.perf_counter()

        def record(res):
            nonlocal best
            v = res.best_candidate.objective
            curve.append((time.perf_counter() - t0, v))

        result = job.run(progress=False, on_candidate=record, prepared=prepared)
        kit_final = result.best_candidate.objective
        with tempfile.TemporaryDirectory() as tmp:
            tr = prepared["X_train"].assign(label=prepared["y_train"])
            va = prepared["X_val"].assign(label=prepared["y_val"])
            tr.to_csv(f"{tmp}/tr.csv", index=False)
            va.to_csv(f"{tmp}/va.csv", index=False)
            task = "regression" if prepared["ProblemType"] == "Regression" else "classification"
            a = {"train": f"{tmp}/tr.csv", "val": f"{tmp}/va.csv", "categorical": prepared["categorical"],
                 "metric": prepared["metric"], "task": task, "budget": args.budget, "log": f"{tmp}/flaml.log"}
            out = subprocess.run([str(py), "-c", PEER, json.dumps(a)], capture_output=True, text=True)
            if out.returncode:
                raise RuntimeError(f"FLAML failed on {label}:\n{out.stderr[-3000:]}")
            peer = json.loads(out.stdout.strip().splitlines()[-1])
        better = max(kit_final, peer["final"]) if maximize else min(kit_final, peer["final"])
        target_v = better * (0.99 if maximize else 1.01)
        rows.append((label, prepared["metric"], kit_final, peer["final"], time_to(curve, target_v, maximize),
                     time_to(peer["curve"], target_v, maximize), len(result.candidates), peer["best"]))
    print(f"| dataset | objective | mlkit AutoMLJob | FLAML | mlkit s to within 1 % | FLAML s to within 1 % | "
          f"mlkit candidates | FLAML best |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r[0]} | {r[1]} | {r[2]:.4f} | {r[3]:.4f} | {r[4]:.1f} | {r[5]:.1f} | {r[6]} | {r[7]} |")
    print(f"budget {args.budget:.0f} s per tool and dataset (wall clock, one core each, shared machine)")


if __name__ == "__main__":
    main()
