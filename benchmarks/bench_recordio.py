"""RecordIO-protobuf throughput: mlkit.recordio against the SageMaker Python SDK, same data, same run.

Writes a dense float32 matrix with labels (``write_numpy_to_dense_tensor``)
and reads it back, with mlkit (in the kit's venv) and with the SDK's own
``sagemaker.amazon.common`` (in ``~/.cache/mlkit-bench/sagemaker-sdk``,
created by ``make_recordio_fixtures.sdk_python()`` when missing; timing runs
inside that subprocess). Checks that both wrote identical bytes, then prints
MB/s (file bytes per second, best of ``--repeat``) and the ratio. Goal:
mlkit at least as fast as the SDK.

    .venv/bin/python benchmarks/bench_recordio.py [--rows 200000] [--cols 20] [--repeat 3]
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_recordio_fixtures import sdk_python  # noqa: E402

from mlkit import recordio  # noqa: E402

SDK_BENCH = r'''
import io, json, sys, time
import numpy as np
from sagemaker.amazon.common import read_records, write_numpy_to_dense_tensor
folder, repeat = sys.argv[1], int(sys.argv[2])
X = np.load(folder + "/X.npy"); y = np.load(folder + "/y.npy")
best_w = best_r = float("inf")
for _ in range(repeat):
    buf = io.BytesIO(); t = time.perf_counter(); write_numpy_to_dense_tensor(buf, X, y)
    best_w = min(best_w, time.perf_counter() - t)
data = buf.getvalue()
open(folder + "/sdk.rec", "wb").write(data)
for _ in range(repeat):
    t = time.perf_counter(); records = read_records(io.BytesIO(data)); best_r = min(best_r, time.perf_counter() - t)
assert len(records) == X.shape[0]
# the SDK stops at Record messages; turning them into arrays is extra work a trainer also needs
t = time.perf_counter()
feats = np.array([r.features["values"].float32_tensor.values for r in records], dtype="float32")
to_arrays = time.perf_counter() - t
print(json.dumps({"bytes": len(data), "write_s": best_w, "read_records_s": best_r,
                  "read_to_arrays_s": best_r + to_arrays}))
'''


def best(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--cols", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    X = rng.normal(size=(args.rows, args.cols)).astype("float32")
    y = rng.integers(0, 2, args.rows).astype("float32")
    with tempfile.TemporaryDirectory() as folder:
        np.save(f"{folder}/X.npy", X)
        np.save(f"{folder}/y.npy", y)
        out = subprocess.run([str(sdk_python()), "-c", SDK_BENCH, folder, str(args.repeat)], check=True,
                             capture_output=True, text=True).stdout.strip().splitlines()[-1]
        sdk = json.loads(out)
        sdk_bytes = Path(f"{folder}/sdk.rec").read_bytes()

    def write():
        buf = io.BytesIO()
        recordio.write_numpy_to_dense_tensor(buf, X, y)
        return buf.getvalue()

    write_s, data = best(write, args.repeat)
    assert data == sdk_bytes, "mlkit and the SDK wrote different bytes"
    read_dense_s, dense = best(lambda: recordio.read_dense(data), args.repeat)
    assert np.array_equal(dense.features, X) and np.array_equal(dense.labels, y)
    read_records_s, records = best(lambda: recordio.read_records(data), args.repeat)
    mb = len(data) / 1e6
    rows = [
        ("write (numpy -> RecordIO)", sdk["write_s"], write_s),
        ("read to Record messages", sdk["read_records_s"], read_records_s),
        ("read to numpy arrays", sdk["read_to_arrays_s"], read_dense_s),
    ]
    print(f"{args.rows:,} records x {args.cols} float32 features + label = {mb:.1f} MB; identical bytes: yes; "
          f"best of {args.repeat}")
    print()
    print("| operation | SageMaker SDK (MB/s) | mlkit (MB/s) | mlkit / SDK |")
    print("|---|---:|---:|---:|")
    for name, sdk_s, ours_s in rows:
        print(f"| {name} | {mb / sdk_s:,.1f} | {mb / ours_s:,.1f} | {sdk_s / ours_s:,.1f}x |")


if __name__ == "__main__":
    main()
