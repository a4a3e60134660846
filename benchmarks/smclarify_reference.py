"""Run the reference implementation of Clarify's bias metrics (AWS's ``smclarify`` 0.5).

``smclarify`` 0.5 (its last release) breaks on pandas 3 / numpy 2, so it never
enters the kit's environment: this script makes its own pinned virtualenv in
``~/.cache/mlkit-bench/smclarify`` (Python 3.11, pandas 2.0.3, numpy 1.24.4,
scikit-learn 1.2.2, scipy 1.10.1) when it is missing, and runs itself there.

    .venv/bin/python benchmarks/smclarify_reference.py golden
        regenerate tests/data/clarify/golden.json: many small seeded cases
        (binary and multi-valued labels and facets, thresholds, a group
        variable, edge cases) with smclarify's pre- and post-training values
    .venv/bin/python benchmarks/smclarify_reference.py bench DATA.npz
        time smclarify's pre-training report on the arrays in DATA.npz and
        print JSON {"seconds": ..., "values": {...}} (used by bench_clarify.py)

The cases give smclarify columns whose kind it cannot mistake (value lists on
string or ``category`` columns, thresholds on float columns), because it
guesses categorical/continuous from the data while mlkit is told.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

VENV = Path.home() / ".cache" / "mlkit-bench" / "smclarify"
PINS = ["smclarify==0.5", "pandas==2.0.3", "numpy==1.24.4", "scikit-learn==1.2.2", "scipy==1.10.1",
        "pyfunctional"]
ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "data" / "clarify" / "golden.json"


def venv_python() -> Path:
    """The pinned venv's python, creating the venv first when it is missing."""
    py = VENV / "bin" / "python"
    ok = py.exists() and subprocess.run([str(py), "-c", "import smclarify.bias.report"],
                                        capture_output=True).returncode == 0
    if not ok:
        VENV.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["python3", "-m", "venv", str(VENV)], check=True)
        pip = [str(py), "-m", "pip", "install", "-q"]
        # smclarify's own requirements (boto3, s3fs, pyarrow) are only for its S3 data
        # loading; resolving them makes pip backtrack for minutes, so install the
        # numeric stack pinned and smclarify itself without dependencies
        subprocess.run(pip + PINS[1:], check=True)
        subprocess.run(pip + ["--no-deps", PINS[0]], check=True)
    return py


# ============================================================================ inside the venv
def _report(df, facet, facet_values, label, label_values, predicted=None, group=None, post=False):
    import pandas as pd
    from smclarify.bias import report

    facet_col = report.FacetColumn(facet, list(facet_values) if isinstance(facet_values, list) else [facet_values])
    lv = list(label_values) if isinstance(label_values, list) else [label_values]
    label_col = report.LabelColumn(label, df[label], lv)
    pred_col = report.LabelColumn(predicted, df[predicted]) if predicted else None
    stage = report.StageType.POST_TRAINING if post else report.StageType.PRE_TRAINING
    frame = df.drop(columns=[label]) if label in df.columns else df
    gv = df[group] if group else None
    out = report.bias_report(frame, facet_col, label_col, stage, pred_col, metrics=["all"], group_variable=gv)
    values = {}
    for m in out[0]["metrics"]:
        v = m.get("value")
        if "error" in m:
            v = None
        elif v == "Infinity":
            v = "inf"
        elif v == "-Infinity":
            v = "-inf"
        values[m["name"]] = v
    return values


def _cases():
    """Seeded small cases: (spec dict, DataFrame, smclarify-typed DataFrame)."""
    import numpy as np
    import pandas as pd

    cases = []
    for i in range(48):
        rng = np.random.default_rng(1000 + i)
        n = int(rng.integers(20, 160))
        kind_f = ["values", "multi_values", "threshold"][i % 3]
        kind_l = ["binary", "multi", "threshold"][(i // 3) % 3]
        with_group = i % 4 != 3
        # facet
        if kind_f == "threshold":
            facet = np.round(rng.normal(40, 12, n), 3)
            fvt = float(np.round(np.quantile(facet, rng.uniform(0.2, 0.8)), 3))
        else:
            k = 2 if kind_f == "values" else 4
            cats = np.array(["f", "m", "x", "y"][:k])
            facet = cats[rng.integers(0, k, n)]
            facet[:k] = cats  # every value present
            fvt = ["f"] if kind_f == "values" else ["f", "x"]
        is_d = (facet > fvt) if kind_f == "threshold" else np.isin(facet, fvt)
        # label with a facet effect
        p = np.where(is_d, rng.uniform(0.1, 0.6), rng.uniform(0.3, 0.9))
        if kind_l == "threshold":
            label = np.round(rng.normal(0, 1, n) + 2 * (rng.random(n) < p), 3)
            lvt = float(np.round(np.quantile(label, rng.uniform(0.3, 0.7)), 3))
            pred = np.round(label + rng.normal(0, 0.8, n), 3)
        elif kind_l == "multi":
            labs = np.array(["A", "B", "C"])
            pos = rng.random(n) < p
            label = np.where(pos, labs[rng.integers(0, 2, n) * 2], "B")  # A or C positive
            lvt = ["A", "C"]
            flip = rng.random(n) < 0.25
            pred = np.where(flip, np.where(pos, "B", "C"), label)
        else:
            labs = np.array(["yes", "no"])
            pos = rng.random(n) < p
            label = np.where(pos, "yes", "no")
            lvt = ["yes"]
            flip = rng.random(n) < rng.uniform(0.05, 0.35)
            pred = np.where(flip, np.where(pos, "no", "yes"), label)
        # edge cases
        if i in (5, 17):  # facet d has no positive label: KL < 0
            if kind_l == "threshold":
                label = np.where(is_d, lvt - 1.0, label)
            else:
                label = np.where(is_d, "B" if kind_l == "multi" else "no", label)
        if i in (7, 19, 29):  # facet d gets no positive prediction: DI = 0, ratios with x/0
            if kind_l == "threshold":
                pred = np.where(is_d, lvt - 1.0, pred)
            else:
                pred = np.where(is_d, "B" if kind_l == "multi" else "no", pred)
        if i in (10, 22):  # perfect predictions: TE 0/0
            pred = label.copy()
        if i in (13,):  # facet a tiny: FT uses 1 neighbour
            keep = np.concatenate([np.flatnonzero(~is_d)[:6], np.flatnonzero(is_d)])
            facet, label, pred, is_d = facet[keep], label[keep], pred[keep], is_d[keep]
            n = len(keep)
        x1 = np.round(rng.normal(0, 1, n) + is_d, 6)
        x2 = np.round(rng.uniform(0, 10, n), 6)
        cols = {"facet": facet, "x1": x1, "x2": x2, "label": label, "pred": pred}
        group = None
        if with_group:
            g = rng.integers(0, int(rng.integers(2, 6)), n)
            if i % 8 == 1:  # string groups: the flip test then has a non-numeric feature
                cols["grp"] = np.array(["g0", "g1", "g2", "g3", "g4", "g5"])[g]
            else:
                cols["grp"] = g
            group = "grp"
        df = pd.DataFrame(cols)
        spec = {"id": i, "facet": "facet", "facet_values_or_threshold": fvt, "label": "label",
                "label_values_or_threshold": lvt, "predicted_label": "pred", "group_variable": group}
        cases.append((spec, df))
    return cases


def _typed_for_smclarify(df, spec):
    """Give smclarify dtypes it classifies as we intend (category for value lists)."""
    out = df.copy()
    if isinstance(spec["facet_values_or_threshold"], list):
        out["facet"] = out["facet"].astype("category")
    if isinstance(spec["label_values_or_threshold"], list):
        out["label"] = out["label"].astype("category")
        out["pred"] = out["pred"].astype("category")
    return out


def inside_golden() -> dict:
    import numpy as np
    import pandas as pd
    import sklearn
    import smclarify  # noqa: F401

    result = {"generator": "benchmarks/smclarify_reference.py golden",
              "versions": {"smclarify": "0.5", "pandas": pd.__version__, "numpy": np.__version__,
                           "scikit-learn": sklearn.__version__},
              "cases": []}
    import logging

    logging.disable(logging.CRITICAL)
    for spec, df in _cases():
        typed = _typed_for_smclarify(df, spec)
        fvt = spec["facet_values_or_threshold"]
        lvt = spec["label_values_or_threshold"]
        pre = _report(typed, "facet", fvt, "label", lvt, group=spec["group_variable"])
        post = _report(typed, "facet", fvt, "label", lvt, predicted="pred", group=spec["group_variable"],
                       post=True)
        data = {c: df[c].tolist() for c in df.columns}
        result["cases"].append({**spec, "data": data, "pretraining": pre, "posttraining": post})
    return result


def inside_bench(path: str) -> dict:
    import logging

    import numpy as np
    import pandas as pd
    from smclarify.bias import report

    logging.disable(logging.CRITICAL)
    arrays = np.load(path)
    df = pd.DataFrame({
        "facet": np.array(["a", "d"])[arrays["facet"]],
        "group": np.array([f"g{i}" for i in range(10)])[arrays["group"]],
        "label": arrays["label"],
    })
    t0 = time.perf_counter()
    out = report.bias_report(
        df.drop(columns=["label"]), report.FacetColumn("facet", ["d"]),
        report.LabelColumn("label", df["label"], [1]), report.StageType.PRE_TRAINING,
        metrics=["all"], group_variable=df["group"],
    )
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "values": {m["name"]: m.get("value") for m in out[0]["metrics"]}}


def main(argv) -> int:
    if len(argv) >= 2 and argv[1] == "--inside":
        what = argv[2]
        out = inside_golden() if what == "golden" else inside_bench(argv[3])
        print(json.dumps(out))
        return 0
    if len(argv) < 2 or argv[1] not in ("golden", "bench"):
        print(__doc__)
        return 2
    py = venv_python()
    cmd = [str(py), __file__, "--inside", *argv[1:]]
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        return proc.returncode
    if argv[1] == "golden":
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        data = json.loads(proc.stdout)
        GOLDEN.write_text(json.dumps(data, separators=(",", ":")) + "\n")
        print(f"wrote {GOLDEN.relative_to(ROOT)} ({len(data['cases'])} cases)")
    else:
        print(proc.stdout.strip())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
