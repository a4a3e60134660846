"""Compression benchmark: size, p50 latency (one row, 1,000 rows) and accuracy per model and technique.

For each original (a 64-64 MLP and a 200-tree XGBoost ensemble on
``mlkit.compression.sensor_data``) it measures the original and its
quantized, pruned, distilled and ONNX Runtime versions in the same run, on
this machine, with one thread everywhere (BLAS, XGBoost, ONNX Runtime), and
prints a markdown table plus the two goals of issue #17:

* ONNX Runtime at least 10x faster than the native predict for one row,
  with equal predictions (XGBoost: ``inplace_predict`` and ``predict_proba``;
  MLP: scikit-learn's ``predict_proba``);
* int8 at most a quarter of the float32 size with accuracy within 1 point.

    .venv/bin/python benchmarks/bench_compression.py [--rows 4000] [--repeats 200]
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=4000)
    ap.add_argument("--repeats", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    warnings.simplefilter("ignore")

    from mlkit import compression as C
    from mlkit import edge

    lab = C.CompressionLab(n_rows=a.rows, n_trees=200, max_depth=6, repeats=a.repeats, seed=a.seed).fit()
    d = lab.data_
    rows = []

    def add(family, m, note=""):
        rows.append((family, m.name, m.nbytes, m.latency_row_us, m.latency_batch_ms, m.accuracy, note))

    with C._one_thread():
        mlp_orig = lab.original("mlp")
        add("MLP 64-64", C.measure(lab.mlp_, d.X_test, d.y_test, name="original (sklearn predict)",
                                   repeats=a.repeats), "")
        add("MLP 64-64", mlp_orig, "same weights, numpy forward pass")
        q8 = lab.evaluate("quantize", 8).compressed
        add("MLP 64-64", q8, "weight-only int8")
        add("MLP 64-64", lab.evaluate("prune", 50).compressed, "")
        add("MLP 64-64", lab.evaluate("prune_finetune", 90).compressed, "")
        onnx_mlp = lab.evaluate("onnx", 32).compressed
        add("MLP 64-64", onnx_mlp, "1 intra-op thread")
        add("MLP 64-64", lab.evaluate("onnx", 8).compressed, "ORT dynamic int8")
        sk_mlp_row = C.measure(lab.mlp_, d.X_test, d.y_test, repeats=a.repeats,
                               predict=lambda X: lab.mlp_.predict_proba(X)[:, 1] > 0.5).latency_row_us

        xgb_orig = lab.original("trees")
        add("XGBoost 200x6", xgb_orig, "")
        proba = C.measure(lab.xgb_, d.X_test, d.y_test, name="original (predict_proba)", repeats=a.repeats,
                          predict=lambda X: lab.xgb_.predict_proba(X)[:, 1] > 0.5)
        add("XGBoost 200x6", proba, "")
        add("XGBoost 200x6", lab.evaluate("trees", 50).compressed, "")
        add("XGBoost 200x6", lab.evaluate("tree_depth", 3).compressed, "")
        add("XGBoost 200x6", lab.evaluate("distill", 20).compressed, "")
        add("XGBoost 200x6", lab.evaluate("hard_labels", 20).compressed, "")
        compiled = edge.compile_model(lab.xgb_)
        onnx_xgb = C.measure(compiled, d.X_test, d.y_test, name="ONNX Runtime", repeats=a.repeats)
        add("XGBoost 200x6", onnx_xgb, "1 intra-op thread")

    print("| model | version | bytes | p50 1 row (µs) | p50 1,000 rows (ms) | accuracy | note |")
    print("|---|---|---:|---:|---:|---:|---|")
    for fam, name, nb, row, batch, accu, note in rows:
        print(f"| {fam} | {name} | {nb:,} | {row:,.1f} | {batch:,.2f} | {accu:.4f} | {note} |")

    same_xgb = np.abs(compiled.predict_proba(d.X_test) - lab.xgb_.predict_proba(d.X_test)).max()
    same_mlp = np.abs(lab.compiled().predict_proba(d.X_test) - lab.mlp_.predict_proba(d.X_test)).max()
    print()
    print(f"XGBoost one row: inplace_predict / ONNX = {xgb_orig.latency_row_us / onnx_xgb.latency_row_us:.1f}x, "
          f"predict_proba / ONNX = {proba.latency_row_us / onnx_xgb.latency_row_us:.1f}x (goal >= 10x); "
          f"max |dp| = {same_xgb:.1e}")
    print(f"XGBoost 1,000 rows: inplace_predict / ONNX = {xgb_orig.latency_batch_ms / onnx_xgb.latency_batch_ms:.2f}x")
    print(f"MLP one row: sklearn predict_proba / ONNX = {sk_mlp_row / onnx_mlp.latency_row_us:.1f}x; "
          f"max |dp| = {same_mlp:.1e}")
    print(f"MLP int8 size / float32 = {q8.nbytes / mlp_orig.nbytes:.3f} (goal <= 0.25; the codes alone are 0.25), "
          f"accuracy change = {100 * (q8.accuracy - mlp_orig.accuracy):+.2f} points (goal within 1)")


if __name__ == "__main__":
    main()
