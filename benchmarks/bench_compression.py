"""Compression benchmark: size, p50 latency (one row, 1,000 rows) and accuracy per model and technique.

For each original (a 64-64 MLP and a 200-tree XGBoost ensemble on
``mlkit.compression.sensor_data``) it measures the original and its
quantized, pruned, distilled and ONNX Runtime versions in the same run, on
this machine, with one thread everywhere (BLAS, XGBoost, ONNX Runtime), and
prints a markdown table plus the two goals of issue #17:

* ONNX Runtime at least 10x faster than the native predict for one row,
  with equal predictions (XGBoost: ``inplace_predict`` and ``predict_proba``;
  MLP: scikit-learn's ``predict_proba``);
* int8 at most a quarter of the float32 size with accuracy within 1 point,
  judged on the ``model.tar.gz`` artifact (what SageMaker stores and an
  endpoint or edge device downloads) and printed for the raw parameter
  bytes too, per quantization scheme, for the 64-64 MLP and (``--big``) a
  128-128 one, with ONNX Runtime's float and int8 ``.onnx`` files beside.

Size at scale (``--scale-widths``, default 64,128,256,512): two-hidden-layer
MLPs of each width trained to convergence (early stopping: 10% of the
training rows held out, stop when their accuracy has not improved for 10
epochs, best weights kept) on ``sensor_data(8000)``, quantized to symmetric
int8 per tensor and per channel with float32 or int8 biases
(:func:`mlkit.compression.quantization_at_scale`): raw and model.tar.gz
ratios, accuracy change, entropy of the weight codes; then the same over
``--scale-seeds`` seeds, and why a 128-128 MLP trained briefly (the lab's
setting) packs worse than one trained longer.

    .venv/bin/python benchmarks/bench_compression.py [--rows 4000] [--repeats 200] [--big 128]
        [--scale-widths 64,128,256,512] [--scale-seeds 3] [--scale-rows 8000]
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
    ap.add_argument("--big", type=int, default=128, help="hidden width of the second MLP in the size table (0: skip)")
    ap.add_argument("--scale-widths", default="64,128,256,512", help="hidden widths of the size-at-scale table "
                    "('' : skip)")
    ap.add_argument("--scale-seeds", type=int, default=3)
    ap.add_argument("--scale-rows", type=int, default=8000)
    ap.add_argument("--only-scale", action="store_true", help="skip the latency tables")
    a = ap.parse_args()
    warnings.simplefilter("ignore")
    if a.only_scale:
        size_at_scale(a)
        return

    from mlkit import compression as C
    from mlkit import edge

    lab = C.CompressionLab(n_rows=a.rows, n_trees=200, max_depth=6, repeats=a.repeats, seed=a.seed).fit()
    d = lab.data_
    rows = []

    def add(family, m, note=""):
        rows.append((family, m.name, m.nbytes, m.artifact_nbytes, m.latency_row_us, m.latency_batch_ms, m.accuracy,
                     note))

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

    print("| model | version | raw bytes | model.tar.gz bytes | p50 1 row (µs) | p50 1,000 rows (ms) | accuracy | note |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    for fam, name, nb, packed, row, batch, accu, note in rows:
        shown = "-" if packed is None else f"{packed:,}"
        print(f"| {fam} | {name} | {nb:,} | {shown} | {row:,.1f} | {batch:,.2f} | {accu:.4f} | {note} |")

    same_xgb = np.abs(compiled.predict_proba(d.X_test) - lab.xgb_.predict_proba(d.X_test)).max()
    same_mlp = np.abs(lab.compiled().predict_proba(d.X_test) - lab.mlp_.predict_proba(d.X_test)).max()
    print()
    print(f"XGBoost one row: inplace_predict / ONNX = {xgb_orig.latency_row_us / onnx_xgb.latency_row_us:.1f}x, "
          f"predict_proba / ONNX = {proba.latency_row_us / onnx_xgb.latency_row_us:.1f}x (goal >= 10x); "
          f"max |dp| = {same_xgb:.1e}")
    print(f"XGBoost 1,000 rows: inplace_predict / ONNX = {xgb_orig.latency_batch_ms / onnx_xgb.latency_batch_ms:.2f}x")
    print(f"MLP one row: sklearn predict_proba / ONNX = {sk_mlp_row / onnx_mlp.latency_row_us:.1f}x; "
          f"max |dp| = {same_mlp:.1e}")
    print(f"MLP int8 per-channel / float32: raw {q8.nbytes / mlp_orig.nbytes:.3f}, "
          f"model.tar.gz {q8.artifact_nbytes / mlp_orig.artifact_nbytes:.3f} (goal <= 0.25, judged on the "
          f"model.tar.gz; the weight codes alone are exactly 0.25), accuracy change = "
          f"{100 * (q8.accuracy - mlp_orig.accuracy):+.2f} points (goal within 1)")

    labs = [("64-64", lab)]
    if a.big:
        big = C.CompressionLab(n_rows=a.rows, hidden=(a.big, a.big), n_trees=20, max_depth=3, repeats=3,
                               seed=a.seed).fit()
        labs.append((f"{a.big}-{a.big}", big))
    print()
    print("Where the bytes go (8 bits; ratios to float32 of the same network; accuracy change in points):")
    print()
    print("| MLP | granularity | scheme | biases | weights B | scales B | biases B | raw B | raw ratio "
          "| model.tar.gz B | model.tar.gz ratio | accuracy change |")
    print("|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for label, one in labs:
        for r in one.quantization_table().itertuples():
            print(f"| {label} | {r.granularity} | {r.scheme} | {r.biases} | {r.weights_bytes:,} | {r.scales_bytes:,} "
                  f"| {r.biases_bytes:,} | {r.raw_bytes:,} | {r.raw_ratio:.4f} | {r.artifact_bytes:,} "
                  f"| {r.artifact_ratio:.4f} | {r.accuracy_change:+.2f} |")
    print()
    print("ONNX Runtime dynamic int8 against the float32 ONNX export of the same MLP:")
    print()
    print("| MLP | ONNX | .onnx bytes | ratio | model.tar.gz bytes | ratio |")
    print("|---|---|---:|---:|---:|---:|")
    for label, one in labs:
        f32 = one.compiled()
        f32_packed = C.artifact_nbytes(f32)
        for kind, m in (("float32", f32), ("int8 per tensor", C.onnx_quantize(f32)),
                        ("int8 per channel", C.onnx_quantize(f32, per_channel=True))):
            packed = C.artifact_nbytes(m)
            print(f"| {label} | {kind} | {m.nbytes:,} | {m.nbytes / f32.nbytes:.3f} | {packed:,} "
                  f"| {packed / f32_packed:.3f} |")
    size_at_scale(a)


def size_at_scale(a) -> None:
    """The int8 goal on MLPs of realistic width, trained to convergence; and why training length matters."""
    import time

    import pandas as pd
    from sklearn.neural_network import MLPClassifier

    from mlkit import compression as C

    widths = [int(w) for w in a.scale_widths.split(",") if w.strip()]
    if not widths:
        return
    t0 = time.perf_counter()
    tables = [C.quantization_at_scale(widths, n_rows=a.scale_rows, seed=a.seed + k) for k in range(a.scale_seeds)]
    first = tables[0]
    print()
    print(f"Size at scale: symmetric int8 against float32, MLP 12-w-w-1 on sensor_data({a.scale_rows}, seed "
          f"{a.seed}), early stopping (patience 10, best weights kept); ratio = int8 / float32 bytes:")
    print()
    print("| width | weights | epochs | float32 acc | granularity | biases | raw ratio | model.tar.gz B "
          "| model.tar.gz ratio | accuracy change (pt) | code entropy (bits) | goal met |")
    print("|---:|---:|---:|---:|---|---|---:|---:|---:|---:|---:|---|")
    for r in first.itertuples():
        print(f"| {r.width} | {r.n_weights:,} | {r.epochs} | {r.float32_accuracy:.4f} | {r.granularity} | {r.biases} "
              f"| {r.raw_ratio:.4f} | {r.artifact_bytes:,} | {r.artifact_ratio:.4f} | {r.accuracy_change:+.2f} "
              f"| {r.entropy_bits:.2f} | {'yes' if r.meets_goal else 'no'} |")
    if len(tables) > 1:
        allt = pd.concat(tables)
        g = allt.groupby(["width", "granularity", "biases"], sort=False)
        print()
        print(f"Across {len(tables)} seeds ({a.seed}..{a.seed + len(tables) - 1}; data and initial weights change):")
        print()
        print("| width | granularity | biases | epochs | model.tar.gz ratio mean [min, max] | max abs accuracy change (pt) "
              "| code entropy mean | goal met |")
        print("|---:|---|---|---|---|---:|---:|---:|")
        for (w, gran, b), one in g:
            print(f"| {w} | {gran} | {b} | {one.epochs.min()}-{one.epochs.max()} | {one.artifact_ratio.mean():.4f} "
                  f"[{one.artifact_ratio.min():.4f}, {one.artifact_ratio.max():.4f}] "
                  f"| {one.accuracy_change.abs().max():.2f} | {one.entropy_bits.mean():.2f} "
                  f"| {int(one.meets_goal.sum())}/{len(one)} |")
    scale_s = time.perf_counter() - t0

    # why the lab's 128-128 (0.2675) and a longer-trained 128-128 (0.240) disagree: same width, other training
    print()
    print("Why training length moves the ratio: 128-128, per-tensor symmetric int8, int8 biases:")
    print()
    print("| training | rows | epochs | Adam steps | float32 acc | code entropy (bits) | model.tar.gz ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    settings = [
        ("CompressionLab default (alpha 1e-3, early stopping, patience 8)", 4000,
         {"max_iter": 150, "alpha": 1e-3, "early_stopping": True, "n_iter_no_change": 8}),
        ("one epoch (close to the Glorot-uniform init)", 8000, {"max_iter": 1}),
        ("early stopping, patience 10 (the size-at-scale criterion)", 8000, {"max_iter": 200, "early_stopping": True}),
        ("fixed 60 epochs, no early stopping (the lead's run)", 8000, {"max_iter": 60}),
    ]
    for label, n, kw in settings:
        d = C.sensor_data(n, seed=0)
        with C._one_thread():
            m = MLPClassifier((128, 128), random_state=0, **kw).fit(d.X_train, d.y_train)
        f = C.NumpyMLP.from_sklearn(m)
        q = C.quantize_mlp(f, granularity="per_tensor", biases="int8")
        n_fit = len(d.X_train) - (round(0.1 * len(d.X_train)) if kw.get("early_stopping") else 0)
        steps = m.n_iter_ * -(-n_fit // min(200, n_fit))
        print(f"| {label} | {n:,} | {m.n_iter_} | {steps:,} | {(f.predict(d.X_test) == d.y_test).mean():.4f} "
              f"| {C.code_entropy(q):.2f} | {q.artifact_nbytes / f.artifact_nbytes:.4f} |")
    print()
    print(f"(size at scale: {scale_s:.0f} s for {len(tables)} seed(s) x {len(widths)} widths)")


if __name__ == "__main__":
    main()
