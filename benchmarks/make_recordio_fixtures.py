"""Regenerate tests/data/recordio/: RecordIO-protobuf files written by the SageMaker Python SDK itself.

The SDK conflicts with the kit's pins, so it runs in its own venv
(``~/.cache/mlkit-bench/sagemaker-sdk``, created with ``pip install "sagemaker<3"``
when missing: v3 no longer ships ``sagemaker.amazon.common``). The inputs are
small, exact arrays saved next to the SDK's bytes in ``inputs.json``, so the
tests can check that mlkit reads the SDK's bytes and writes identical ones.

    .venv/bin/python benchmarks/make_recordio_fixtures.py
"""

from __future__ import annotations

import json
import subprocess
import venv
from pathlib import Path

VENV = Path.home() / ".cache" / "mlkit-bench" / "sagemaker-sdk"
SDK_SPEC = "sagemaker<3"
OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "recordio"


def sdk_python() -> Path:
    """The venv's python, creating the venv and installing the SDK if needed."""
    python = VENV / "bin" / "python"
    if not python.exists():
        VENV.parent.mkdir(parents=True, exist_ok=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    probe = subprocess.run([str(python), "-c", "import sagemaker.amazon.common, scipy"], capture_output=True)
    if probe.returncode != 0:
        subprocess.run([str(python), "-m", "pip", "install", "-q", SDK_SPEC, "scipy"], check=True)
    return python


def inputs() -> dict:
    import numpy as np

    rng = np.random.default_rng(6)
    return {
        "f32": rng.normal(size=(12, 5)).astype("float32").tolist(),
        "f32_labels": rng.integers(0, 2, 12).astype("float32").tolist(),
        "f64": rng.normal(size=(7, 3)).tolist(),
        "f64_labels": rng.normal(size=7).tolist(),
        "int": rng.integers(-1000, 1000, size=(6, 4)).tolist(),
        "int_labels": rng.integers(0, 5, 6).tolist(),
        "sparse_dense": (rng.normal(size=(5, 8)) * (rng.random((5, 8)) < 0.3)).astype("float32").tolist(),
        "sparse_labels": [1.0, 0.0, 1.0, 1.0, 0.0],
    }


INSIDE = r'''
import json, sys
import numpy as np
import scipy.sparse
from sagemaker.amazon.common import write_numpy_to_dense_tensor, write_spmatrix_to_sparse_tensor
import sagemaker
out = sys.argv[1]
data = json.load(open(out + "/inputs.json"))
def w(name, fn, *args):
    with open(out + "/" + name, "wb") as f:
        fn(f, *args)
w("dense_f32_labels.rec", write_numpy_to_dense_tensor, np.array(data["f32"], "float32"),
  np.array(data["f32_labels"], "float32"))
w("dense_f32_nolabels.rec", write_numpy_to_dense_tensor, np.array(data["f32"], "float32"))
w("dense_f64_labels.rec", write_numpy_to_dense_tensor, np.array(data["f64"], "float64"),
  np.array(data["f64_labels"], "float64"))
w("dense_int_labels.rec", write_numpy_to_dense_tensor, np.array(data["int"], "int64"),
  np.array(data["int_labels"], "int64"))
w("sparse_f32_labels.rec", write_spmatrix_to_sparse_tensor,
  scipy.sparse.csr_matrix(np.array(data["sparse_dense"], "float32")), np.array(data["sparse_labels"], "float32"))
print(sagemaker.__version__)
'''


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "inputs.json").write_text(json.dumps(inputs(), indent=1) + "\n")
    python = sdk_python()
    version = subprocess.run([str(python), "-c", INSIDE, str(OUT)], check=True, capture_output=True,
                             text=True).stdout.strip().splitlines()[-1]
    (OUT / "README.md").write_text(
        "RecordIO-protobuf files written by the SageMaker Python SDK "
        f"(sagemaker {version}, `sagemaker.amazon.common`) from `inputs.json`.\n"
        "Regenerate with `.venv/bin/python benchmarks/make_recordio_fixtures.py`.\n")
    print(f"wrote {sorted(p.name for p in OUT.iterdir())} with sagemaker {version}")


if __name__ == "__main__":
    main()
