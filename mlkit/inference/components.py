"""Inference components: one base model hosted once, low-rank adapters on top of it, invoked by name.

On SageMaker an *inference component* is a model deployed onto an endpoint
with its own compute share and scaling; an *adapter inference component*
names a base component (``Specification.BaseInferenceComponentName``) and an
adapter artifact in S3 (``Specification.Container.ArtifactUrl``). It uses the
base's compute; invoking it by name runs the base model with the adapter's
weights added. The adapters are LoRA (low-rank adaptation): a weight matrix
``W`` of the base is used as ``W + A @ B`` with ``A`` (in x r) and ``B``
(r x out) of a small rank ``r``, so an adapter holds ``r * (in + out)``
numbers per adapted matrix instead of ``in * out``.

Here, all of it for real and small:

* :func:`regional_data` -- a seeded classification data set whose regions
  share one linear "teacher" plus a known rank-``rank`` shift per region
  (``truth``), the situation adapters are for;
* :class:`BaseMLP` -- a one-hidden-layer numpy network (tanh, softmax)
  trained on the pooled data;
* :func:`train_adapter` -- a :class:`LoRAAdapter` trained on one region by
  gradient descent (Adam) on ``A`` and ``B`` of both layers with the base
  frozen (``A`` starts small and random, ``B`` at zero, so training starts
  from the base model exactly, as in the LoRA paper); not an SVD of a fully
  fine-tuned delta;
* :class:`ComponentEndpoint` -- hosts the base once and adapters by
  component name (``invoke(X, InferenceComponentName=...)``), with the memory
  of base + N adapters against N full models;
* :func:`compare_adapters` -- accuracy per region with and without its
  adapter, and parameter counts and memory;
* :class:`InferenceComponent` -- the real ``CreateInferenceComponent``
  request for a base or an adapter; :func:`save_adapter` /
  :func:`load_adapter` -- an adapter as a ``tar.gz`` (``.npz`` loaded with
  ``allow_pickle=False``, extracted with :func:`mlkit.artifacts.safe_extract`).

>>> data = regional_data(n_regions=2, n_per_region=300, seed=0)
>>> result = compare_adapters(data, rank=2, seed=0)
>>> bool((result.accuracy["with_adapter"] > result.accuracy["base_only"]).all())
True
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from typing import Any, Sequence

from mlkit._checks import check_float, check_int, make_rng
from mlkit.aws import AwsRequest
from mlkit.report import Report

__all__ = [
    "RegionalData",
    "regional_data",
    "BaseMLP",
    "LoRAAdapter",
    "train_adapter",
    "InferenceComponent",
    "ComponentEndpoint",
    "AdapterComparison",
    "compare_adapters",
    "save_adapter",
    "load_adapter",
]

_IC_NAME = re.compile(r"[a-zA-Z0-9]([\-a-zA-Z0-9]*[a-zA-Z0-9])?")
_ENDPOINT_NAME = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")


# ============================================================================ data


@dataclass
class RegionalData:
    """Features, labels and region of each row, and the injected truth (teacher weights, region shifts).

    ``frame`` columns: ``region`` (``"region-0"``...), ``x0``..``x{d-1}``,
    ``label`` (0..K-1), ``split`` (``"train"``/``"test"``, half each per
    region). ``truth``: ``teacher`` (d x K), ``shifts`` (region -> d x K
    matrix of rank ``rank``), ``rank``, ``shift``.
    """

    frame: Any
    truth: dict

    @property
    def feature_names(self) -> list[str]:
        return [c for c in self.frame.columns if c.startswith("x")]

    @property
    def regions(self) -> list[str]:
        return sorted(self.frame["region"].unique(), key=lambda r: int(r.split("-")[1]))

    def arrays(self, region: str | None = None, split: str | None = None):
        """``(X float32, y int64)`` for a region (None: all) and split (None: both)."""
        import numpy as np

        f = self.frame
        mask = np.ones(len(f), dtype=bool)
        if region is not None:
            if region not in self.regions:
                raise ValueError(f"region must be one of {self.regions}, got {region!r}")
            mask &= (f["region"] == region).to_numpy()
        if split is not None:
            mask &= (f["split"] == split).to_numpy()
        return f.loc[mask, self.feature_names].to_numpy(np.float32), f.loc[mask, "label"].to_numpy(np.int64)


def regional_data(n_regions: int = 5, *, n_per_region: int = 800, n_features: int = 16, n_classes: int = 5,
                  shift: float = 1.5, rank: int = 1, noise: float = 0.1, seed=0) -> RegionalData:
    """A classification data set with a shared teacher and a known low-rank shift per region.

    Each row: ``x ~ N(0, I_d)``; label ``argmax(x @ (T + S_r) / sqrt(d) + noise * gumbel)``
    with ``T`` the shared teacher (d x K, standard normal) and ``S_r`` the
    region's shift, ``shift * sqrt(d) * sum_k u_k v_k^T`` over ``rank`` random
    unit vector pairs (so each direction moves the logits as much as the
    teacher does when ``shift`` is 1). Half of each region's rows
    are ``"train"``, half ``"test"``.

    Errors: counts out of range (``n_regions`` 1..50, ``n_per_region``
    20..100,000, ``n_features`` 2..1000, ``n_classes`` 2..100, ``rank`` 1..min(d, K)),
    ``shift``/``noise`` negative.

    >>> d = regional_data(n_regions=3, n_per_region=100, n_features=8, n_classes=3)
    >>> d.frame.shape, d.regions
    ((300, 11), ['region-0', 'region-1', 'region-2'])
    """
    import numpy as np
    import pandas as pd

    n_regions = check_int("n_regions", n_regions, low=1, high=50)
    n_per = check_int("n_per_region", n_per_region, low=20, high=100_000)
    d = check_int("n_features", n_features, low=2, high=1000)
    k = check_int("n_classes", n_classes, low=2, high=100)
    rank = check_int("rank", rank, low=1, high=min(d, k))
    shift = check_float("shift", shift, low=0.0)
    noise = check_float("noise", noise, low=0.0)
    rng = make_rng(seed)
    teacher = rng.standard_normal((d, k))
    shifts, frames = {}, []
    for r in range(n_regions):
        u = rng.standard_normal((d, rank))
        v = rng.standard_normal((rank, k))
        u /= np.linalg.norm(u, axis=0, keepdims=True)
        v /= np.linalg.norm(v, axis=1, keepdims=True)
        # x @ S / sqrt(d) = shift * sum_k (x . u_k) v_k: each direction moves the logits by ~shift, as much
        # as the teacher's own logits (x @ T / sqrt(d) ~ N(0, 1) per class)
        S = shift * np.sqrt(d) * (u @ v)
        name = f"region-{r}"
        shifts[name] = S
        X = rng.standard_normal((n_per, d))
        logits = X @ (teacher + S) / np.sqrt(d) + noise * rng.gumbel(size=(n_per, k))
        y = logits.argmax(axis=1)
        part = pd.DataFrame(X.astype(np.float32), columns=[f"x{i}" for i in range(d)])
        part.insert(0, "region", name)
        part["label"] = y
        part["split"] = np.where(np.arange(n_per) < n_per // 2, "train", "test")
        frames.append(part)
    frame = pd.concat(frames, ignore_index=True)
    truth = {"teacher": teacher, "shifts": shifts, "rank": rank, "shift": shift}
    return RegionalData(frame, truth)


# ============================================================================ models


def _softmax(z):
    import numpy as np

    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _one_blas_thread():
    """BLAS on one thread while training: these matrices are small, and on a shared machine
    OpenBLAS's threads cost far more in contention than they give (measured: 20 s against 1 s)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


class _Adam:
    def __init__(self, params: dict, lr: float):
        import numpy as np

        self.lr = lr
        self.m = {k: np.zeros_like(v) for k, v in params.items()}
        self.v = {k: np.zeros_like(v) for k, v in params.items()}
        self.t = 0

    def step(self, params: dict, grads: dict) -> None:
        import numpy as np

        self.t += 1
        b1, b2 = 0.9, 0.999
        for k, g in grads.items():
            self.m[k] = b1 * self.m[k] + (1 - b1) * g
            self.v[k] = b2 * self.v[k] + (1 - b2) * g * g
            mh = self.m[k] / (1 - b1 ** self.t)
            vh = self.v[k] / (1 - b2 ** self.t)
            params[k] -= (self.lr * mh / (np.sqrt(vh) + 1e-8)).astype(params[k].dtype)


@dataclass
class LoRAAdapter:
    """A low-rank update of a :class:`BaseMLP`: ``W1 + A1 @ B1`` and ``W2 + A2 @ B2``, rank ``rank``.

    Arrays are float32: ``A1`` (d x r), ``B1`` (r x h), ``A2`` (h x r),
    ``B2`` (r x K). ``n_parameters`` and ``nbytes`` count them.
    """

    name: str
    rank: int
    A1: Any
    B1: Any
    A2: Any
    B2: Any

    @property
    def n_parameters(self) -> int:
        return int(self.A1.size + self.B1.size + self.A2.size + self.B2.size)

    @property
    def nbytes(self) -> int:
        return int(self.A1.nbytes + self.B1.nbytes + self.A2.nbytes + self.B2.nbytes)

    def deltas(self):
        """``(dW1, dW2)``: the full-size updates this adapter adds (each of rank <= ``rank``)."""
        return self.A1 @ self.B1, self.A2 @ self.B2


class BaseMLP:
    """A one-hidden-layer classifier in numpy (tanh, softmax), trained with Adam on full batches.

    In: ``hidden`` units (1..4096), ``steps`` (1..100,000), ``learning_rate``
    (> 0), ``seed``. ``fit(X, y)`` learns float32 ``W1, b1, W2, b2`` (state
    ending in ``_``) and returns self; ``predict_proba(X, adapter=None)`` and
    ``predict(X, adapter=None)`` use the base weights, or ``W + A @ B`` with a
    :class:`LoRAAdapter`. ``n_parameters``/``nbytes`` count the weights.

    >>> import numpy as np
    >>> X = np.random.default_rng(0).normal(size=(200, 4)).astype(np.float32)
    >>> y = (X[:, 0] > 0).astype(int)
    >>> float((BaseMLP(hidden=8, steps=200).fit(X, y).predict(X) == y).mean()) > 0.95
    True
    """

    def __init__(self, hidden: int = 64, *, steps: int = 300, learning_rate: float = 0.01, seed=0):
        self.hidden = hidden
        self.steps = steps
        self.learning_rate = learning_rate
        self.seed = seed
        check_int("hidden", hidden, low=1, high=4096)
        check_int("steps", steps, low=1, high=100_000)
        check_float("learning_rate", learning_rate, low=0.0, low_open=True)

    # -- math ------------------------------------------------------------------
    def _forward(self, X, W1, W2):
        import numpy as np

        H = np.tanh(X @ W1 + self.b1_)
        return H, _softmax(H @ W2 + self.b2_)

    def _check_X(self, X):
        import numpy as np

        X = np.asarray(X, dtype=np.float32)
        if X.ndim != 2:
            raise ValueError(f"X must be a 2-D array (rows x features), got shape {X.shape}")
        if not hasattr(self, "W1_"):
            raise ValueError("this BaseMLP is not fitted yet: call fit(X, y) first")
        if X.shape[1] != self.W1_.shape[0]:
            raise ValueError(f"X must have {self.W1_.shape[0]} features (as in fit), got {X.shape[1]}")
        return X

    def fit(self, X, y) -> "BaseMLP":
        import numpy as np

        X = np.asarray(X, dtype=np.float32)
        y = np.asarray(y)
        if X.ndim != 2 or len(X) != len(y) or len(X) == 0:
            raise ValueError(f"X must be 2-D with one label per row, got X {X.shape} and y {y.shape}")
        rng = make_rng(self.seed)
        d = X.shape[1]
        k = int(y.max()) + 1
        self.n_classes_ = k
        p = {
            "W1": (rng.standard_normal((d, self.hidden)) / np.sqrt(d)).astype(np.float32),
            "b1": np.zeros(self.hidden, np.float32),
            "W2": (rng.standard_normal((self.hidden, k)) / np.sqrt(self.hidden)).astype(np.float32),
            "b2": np.zeros(k, np.float32),
        }
        Y = np.eye(k, dtype=np.float32)[y]
        opt = _Adam(p, self.learning_rate)
        with _one_blas_thread():
            self._train(X, Y, p, opt)
        self.W1_, self.b1_, self.W2_, self.b2_ = p["W1"], p["b1"], p["W2"], p["b2"]
        return self

    def fine_tune(self, X, y, *, steps: int | None = None) -> "BaseMLP":
        """A new, fully fine-tuned copy: every weight trained further on ``(X, y)`` from this model's weights.

        The reference an adapter is measured against (one full model per
        region). ``self`` is not changed.
        """
        import copy

        import numpy as np

        X = self._check_X(X)
        y = np.asarray(y)
        k = self.W2_.shape[1]
        if len(y) != len(X) or len(y) == 0 or y.min() < 0 or y.max() >= k:
            raise ValueError(f"y must hold one label in 0..{k - 1} per row of X, got {len(y)} labels for {len(X)} rows")
        tuned = copy.deepcopy(self)
        if steps is not None:
            tuned.steps = check_int("steps", steps, low=1, high=100_000)
        p = {"W1": tuned.W1_, "b1": tuned.b1_, "W2": tuned.W2_, "b2": tuned.b2_}
        with _one_blas_thread():
            tuned._train(X, np.eye(k, dtype=np.float32)[y], p, _Adam(p, self.learning_rate))
        return tuned

    def _train(self, X, Y, p, opt) -> None:
        import numpy as np

        n = len(X)
        for _ in range(self.steps):
            H = np.tanh(X @ p["W1"] + p["b1"])
            P = _softmax(H @ p["W2"] + p["b2"])
            dZ2 = (P - Y) / n
            dZ1 = (dZ2 @ p["W2"].T) * (1 - H * H)
            opt.step(p, {"W1": X.T @ dZ1, "b1": dZ1.sum(0), "W2": H.T @ dZ2, "b2": dZ2.sum(0)})

    def _weights(self, adapter: LoRAAdapter | None):
        if adapter is None:
            return self.W1_, self.W2_
        if not isinstance(adapter, LoRAAdapter):
            raise TypeError(f"adapter must be a LoRAAdapter or None, got {type(adapter).__name__}")
        if adapter.A1.shape[0] != self.W1_.shape[0] or adapter.B1.shape[1] != self.W1_.shape[1] \
                or adapter.B2.shape[1] != self.W2_.shape[1]:
            raise ValueError(f"adapter {adapter.name!r} does not fit this base model's shapes "
                             f"(W1 {self.W1_.shape}, W2 {self.W2_.shape})")
        d1, d2 = adapter.deltas()
        return self.W1_ + d1, self.W2_ + d2

    def predict_proba(self, X, adapter: LoRAAdapter | None = None):
        X = self._check_X(X)
        W1, W2 = self._weights(adapter)
        return self._forward(X, W1, W2)[1]

    def predict(self, X, adapter: LoRAAdapter | None = None):
        return self.predict_proba(X, adapter).argmax(axis=1)

    @property
    def n_parameters(self) -> int:
        return int(self.W1_.size + self.b1_.size + self.W2_.size + self.b2_.size)

    @property
    def nbytes(self) -> int:
        return int(self.W1_.nbytes + self.b1_.nbytes + self.W2_.nbytes + self.b2_.nbytes)


def train_adapter(base: BaseMLP, X, y, *, rank: int = 2, steps: int = 300, learning_rate: float = 0.02,
                  name: str = "adapter", seed=0) -> LoRAAdapter:
    """A :class:`LoRAAdapter` of rank ``rank`` trained on ``(X, y)`` with ``base`` frozen.

    Adam on ``A1, B1, A2, B2`` only (full batch, ``steps`` steps); ``A``
    starts as small random numbers and ``B`` at zero, so step 0 is the base
    model exactly. ``base`` is not changed. Errors: an unfitted base, ``rank``
    not in 1..min(layer sizes), labels outside the base's classes.
    """
    import numpy as np

    if not isinstance(base, BaseMLP) or not hasattr(base, "W1_"):
        raise ValueError("base must be a fitted BaseMLP")
    d, h = base.W1_.shape
    k = base.W2_.shape[1]
    rank = check_int("rank", rank, low=1, high=min(d, h, k))
    check_int("steps", steps, low=1, high=100_000)
    check_float("learning_rate", learning_rate, low=0.0, low_open=True)
    X = base._check_X(X)
    y = np.asarray(y)
    if len(y) != len(X) or len(y) == 0 or y.min() < 0 or y.max() >= k:
        raise ValueError(f"y must hold one label in 0..{k - 1} per row of X, got {len(y)} labels "
                         f"for {len(X)} rows")
    rng = make_rng(seed)
    p = {
        "A1": (rng.standard_normal((d, rank)) * 0.01).astype(np.float32),
        "B1": np.zeros((rank, h), np.float32),
        "A2": (rng.standard_normal((h, rank)) * 0.01).astype(np.float32),
        "B2": np.zeros((rank, k), np.float32),
    }
    Y = np.eye(k, dtype=np.float32)[y]
    opt = _Adam(p, learning_rate)
    with _one_blas_thread():
        _train_lora(base, X, Y, p, opt, steps)
    return LoRAAdapter(name, rank, p["A1"], p["B1"], p["A2"], p["B2"])


def _train_lora(base, X, Y, p, opt, steps) -> None:
    import numpy as np

    n = len(X)
    for _ in range(steps):
        W1 = base.W1_ + p["A1"] @ p["B1"]
        W2 = base.W2_ + p["A2"] @ p["B2"]
        H = np.tanh(X @ W1 + base.b1_)
        P = _softmax(H @ W2 + base.b2_)
        dZ2 = (P - Y) / n
        dW2 = H.T @ dZ2
        dZ1 = (dZ2 @ W2.T) * (1 - H * H)
        dW1 = X.T @ dZ1
        opt.step(p, {"A1": dW1 @ p["B1"].T, "B1": p["A1"].T @ dW1, "A2": dW2 @ p["B2"].T, "B2": p["A2"].T @ dW2})


# ============================================================================ artifacts


def save_adapter(adapter: LoRAAdapter, uri: str, *, store=None) -> str:
    """Write ``adapter`` as a ``tar.gz`` (``adapter.npz`` + ``adapter.json``) at an ``s3://`` URI; return it."""
    import numpy as np

    from mlkit.artifacts import pack_folder  # one packer for every artifact the kit writes
    from mlkit.storage import LocalBucketStore

    if not isinstance(adapter, LoRAAdapter):
        raise TypeError(f"adapter must be a LoRAAdapter, got {type(adapter).__name__}")
    if not isinstance(uri, str) or not uri.endswith(".tar.gz"):
        raise ValueError(f"uri must be an s3:// URI ending in .tar.gz, got {uri!r}")
    import tempfile
    from pathlib import Path

    store = store or LocalBucketStore()
    with tempfile.TemporaryDirectory(prefix="mlkit-adapter-") as tmp:
        folder = Path(tmp)
        np.savez(folder / "adapter.npz", A1=adapter.A1, B1=adapter.B1, A2=adapter.A2, B2=adapter.B2)
        (folder / "adapter.json").write_text(json.dumps({"name": adapter.name, "rank": adapter.rank,
                                                         "format": "mlkit-lora-1"}))
        with store.open(uri, "wb") as fh:
            pack_folder(folder, fh)
    return uri


def load_adapter(uri: str, *, store=None) -> LoRAAdapter:
    """Read an adapter written by :func:`save_adapter`: safe extraction, no pickle."""
    import tempfile
    from pathlib import Path

    import numpy as np

    from mlkit.artifacts import ArtifactError, safe_extract
    from mlkit.storage import LocalBucketStore

    store = store or LocalBucketStore()
    with tempfile.TemporaryDirectory(prefix="mlkit-adapter-") as tmp:
        with store.open(uri, "rb") as fh:
            safe_extract(io.BytesIO(fh.read()), tmp)
        meta_path, arrays_path = Path(tmp) / "adapter.json", Path(tmp) / "adapter.npz"
        if not meta_path.is_file() or not arrays_path.is_file():
            raise ArtifactError(f"{uri} is not an adapter artifact: it needs adapter.json and adapter.npz")
        meta = json.loads(meta_path.read_text())
        with np.load(arrays_path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in ("A1", "B1", "A2", "B2")}
    return LoRAAdapter(str(meta["name"]), int(meta["rank"]), **arrays)


# ============================================================================ components


@dataclass
class InferenceComponent(AwsRequest):
    """A model (base) or a LoRA adapter deployed onto an endpoint as an inference component.

    A base component has ``ModelName`` and compute requirements
    (``MinMemoryRequiredInMb`` >= 128, ``NumberOfCpuCoresRequired`` >= 0.25)
    and ``CopyCount`` copies. An adapter component has
    ``BaseInferenceComponentName`` and ``ArtifactUrl`` (the adapter's
    ``tar.gz`` in S3) and nothing else: it runs on its base's compute.
    ``to_request()`` is the ``CreateInferenceComponent`` request.

    >>> InferenceComponent("west", "llm-endpoint", BaseInferenceComponentName="base",
    ...                    ArtifactUrl="s3://b/adapters/west.tar.gz").to_request()["Specification"]
    {'BaseInferenceComponentName': 'base', 'Container': {'ArtifactUrl': 's3://b/adapters/west.tar.gz'}}
    """

    aws_service = "sagemaker"
    aws_operation = "CreateInferenceComponent"

    InferenceComponentName: str
    EndpointName: str
    ModelName: str | None = None
    BaseInferenceComponentName: str | None = None
    ArtifactUrl: str | None = None
    VariantName: str = "AllTraffic"
    MinMemoryRequiredInMb: int = 1024
    NumberOfCpuCoresRequired: float = 1.0
    CopyCount: int = 1

    def __post_init__(self):
        for fname in ("InferenceComponentName", "BaseInferenceComponentName", "ModelName"):
            value = getattr(self, fname)
            if (value is not None or fname == "InferenceComponentName") and \
                    (not isinstance(value, str) or len(value) > 63 or not _IC_NAME.fullmatch(value)):
                raise ValueError(f"{fname} must be 1-63 letters, digits or hyphens, starting and ending with a "
                                 f"letter or digit, got {value!r}")
        if not isinstance(self.EndpointName, str) or not _ENDPOINT_NAME.fullmatch(self.EndpointName):
            raise ValueError(f"EndpointName must be 1-63 letters, digits or hyphens, got {self.EndpointName!r}")
        if self.is_adapter:
            if self.ModelName is not None:
                raise ValueError("an adapter component (BaseInferenceComponentName set) takes no ModelName: "
                                 f"it runs its base's model, got ModelName={self.ModelName!r}")
            if not isinstance(self.ArtifactUrl, str) or not self.ArtifactUrl.startswith("s3://"):
                raise ValueError("an adapter component needs ArtifactUrl, the s3:// URI of its LoRA adapter "
                                 f"tar.gz, got {self.ArtifactUrl!r}")
        elif self.ModelName is None:
            raise ValueError("a base component needs ModelName (or set BaseInferenceComponentName and "
                             "ArtifactUrl for an adapter component)")
        check_int("MinMemoryRequiredInMb", self.MinMemoryRequiredInMb, low=128)
        check_float("NumberOfCpuCoresRequired", self.NumberOfCpuCoresRequired, low=0.25)
        check_int("CopyCount", self.CopyCount, low=1)

    @property
    def is_adapter(self) -> bool:
        return self.BaseInferenceComponentName is not None

    def to_request(self) -> dict:
        req = {"InferenceComponentName": self.InferenceComponentName, "EndpointName": self.EndpointName}
        if self.is_adapter:
            req["Specification"] = {"BaseInferenceComponentName": self.BaseInferenceComponentName,
                                    "Container": {"ArtifactUrl": self.ArtifactUrl}}
            return req
        req["VariantName"] = self.VariantName
        req["Specification"] = {
            "ModelName": self.ModelName,
            "ComputeResourceRequirements": {"MinMemoryRequiredInMb": int(self.MinMemoryRequiredInMb),
                                            "NumberOfCpuCoresRequired": float(self.NumberOfCpuCoresRequired)},
        }
        req["RuntimeConfig"] = {"CopyCount": int(self.CopyCount)}
        return req


class ComponentEndpoint:
    """One endpoint hosting a base model once and adapter components on it, invoked by component name.

    ``add_base(name, model, ModelName=...)`` deploys a fitted
    :class:`BaseMLP`; ``add_adapter(name, base_name, adapter, ArtifactUrl=...)``
    an adapter (a :class:`LoRAAdapter`, or the ``s3://`` URI of one saved by
    :func:`save_adapter`, loaded safely). ``invoke(X, InferenceComponentName=...)``
    returns class predictions (``predict_proba`` with ``output="proba"``);
    an unknown component raises ``KeyError`` listing the deployed ones.
    ``components`` lists the :class:`InferenceComponent` objects (their
    ``to_request()`` are the real requests); ``footprint()`` the memory held.

    >>> import numpy as np
    >>> X = np.random.default_rng(0).normal(size=(50, 3)).astype(np.float32)
    >>> base = BaseMLP(hidden=4, steps=20).fit(X, (X[:, 0] > 0).astype(int))
    >>> ep = ComponentEndpoint("demo")
    >>> ep.add_base("base", base, ModelName="base-model").InferenceComponentName
    'base'
    >>> ep.invoke(X[:2], InferenceComponentName="base").shape
    (2,)
    """

    def __init__(self, name: str, *, store=None):
        self.name = name
        self.store = store
        if not isinstance(name, str) or not _ENDPOINT_NAME.fullmatch(name):
            raise ValueError(f"name must be 1-63 letters, digits or hyphens (an EndpointName), got {name!r}")
        self.components: list[InferenceComponent] = []
        self._bases: dict[str, BaseMLP] = {}
        self._adapters: dict[str, tuple[str, LoRAAdapter]] = {}

    def _check_new(self, name: str) -> None:
        if name in self._bases or name in self._adapters:
            raise ValueError(f"InferenceComponentName {name!r} is already deployed on endpoint {self.name}")

    def add_base(self, name: str, model: BaseMLP, *, ModelName: str, MinMemoryRequiredInMb: int = 1024,
                 NumberOfCpuCoresRequired: float = 1.0, CopyCount: int = 1) -> InferenceComponent:
        self._check_new(name)
        if not isinstance(model, BaseMLP) or not hasattr(model, "W1_"):
            raise ValueError(f"model must be a fitted BaseMLP, got {type(model).__name__}")
        ic = InferenceComponent(name, self.name, ModelName=ModelName, MinMemoryRequiredInMb=MinMemoryRequiredInMb,
                                NumberOfCpuCoresRequired=NumberOfCpuCoresRequired, CopyCount=CopyCount)
        self._bases[name] = model
        self.components.append(ic)
        return ic

    def add_adapter(self, name: str, base_name: str, adapter: LoRAAdapter | str, *,
                    ArtifactUrl: str | None = None) -> InferenceComponent:
        self._check_new(name)
        if base_name not in self._bases:
            raise KeyError(f"BaseInferenceComponentName must be a base component of endpoint {self.name}: "
                           f"one of {sorted(self._bases)}, got {base_name!r}")
        if isinstance(adapter, str):
            ArtifactUrl = ArtifactUrl or adapter
            adapter = load_adapter(adapter, store=self.store)
        base = self._bases[base_name]
        base._weights(adapter)  # shape check now, not at the first request
        ic = InferenceComponent(name, self.name, BaseInferenceComponentName=base_name,
                                ArtifactUrl=ArtifactUrl or f"s3://mlkit/adapters/{name}.tar.gz")
        self._adapters[name] = (base_name, adapter)
        self.components.append(ic)
        return ic

    def invoke(self, X, *, InferenceComponentName: str, output: str = "label"):
        """Predictions of the named component: the base alone, or its base with the adapter added."""
        if output not in ("label", "proba"):
            raise ValueError(f"output must be 'label' or 'proba', got {output!r}")
        if InferenceComponentName in self._bases:
            base, adapter = self._bases[InferenceComponentName], None
        elif InferenceComponentName in self._adapters:
            base_name, adapter = self._adapters[InferenceComponentName]
            base = self._bases[base_name]
        else:
            raise KeyError(f"InferenceComponentName must be one of {sorted([*self._bases, *self._adapters])} "
                           f"on endpoint {self.name}, got {InferenceComponentName!r}")
        proba = base.predict_proba(X, adapter)
        return proba if output == "proba" else proba.argmax(axis=1)

    def footprint(self) -> dict:
        """Parameters and bytes held: bases once, adapters each, and what as many full models would hold."""
        base_params = sum(b.n_parameters for b in self._bases.values())
        base_bytes = sum(b.nbytes for b in self._bases.values())
        ad_params = sum(a.n_parameters for _, a in self._adapters.values())
        ad_bytes = sum(a.nbytes for _, a in self._adapters.values())
        n = len(self._adapters)
        per_base = {name: (b.n_parameters, b.nbytes) for name, b in self._bases.items()}
        full_params = sum(per_base[bn][0] for bn, _ in self._adapters.values())
        full_bytes = sum(per_base[bn][1] for bn, _ in self._adapters.values())
        return {"adapters": n, "base_parameters": base_params, "adapter_parameters": ad_params,
                "hosted_parameters": base_params + ad_params, "hosted_bytes": base_bytes + ad_bytes,
                "full_models_parameters": full_params, "full_models_bytes": full_bytes}


# ============================================================================ the comparison


@dataclass
class AdapterComparison(Report):
    """Accuracy per region with and without its adapter, and the footprint of adapters against full models.

    ``accuracy``: DataFrame indexed by region, columns ``base_only``,
    ``with_adapter``, ``full_fine_tune`` (every weight of a copy of the base
    trained on the region: the N-full-models alternative), ``gain``
    (adapter minus base; test-split accuracy). ``footprint``: DataFrame
    with rows ``"base + N adapters"`` and ``"N full models"``, columns
    ``parameters``, ``megabytes``. ``endpoint`` is the
    :class:`ComponentEndpoint` that served the predictions.
    """

    rank: int
    accuracy: Any
    footprint: Any
    endpoint: Any = field(repr=False, default=None)


def compare_adapters(data: RegionalData, *, rank: int = 2, hidden: int = 64, base_steps: int = 300,
                     adapter_steps: int = 300, adapter_learning_rate: float = 0.02, seed=0) -> AdapterComparison:
    """Train a base on every region's training rows, one adapter per region, and score each region's test rows.

    Deploys them on a :class:`ComponentEndpoint` (base component ``"base"``,
    adapter components named after the regions) and predicts through it.
    """
    import pandas as pd

    if not isinstance(data, RegionalData):
        raise TypeError(f"data must be a RegionalData (from regional_data()), got {type(data).__name__}")
    X, y = data.arrays(split="train")
    base = BaseMLP(hidden, steps=base_steps, seed=seed).fit(X, y)
    ep = ComponentEndpoint("regional-endpoint")
    ep.add_base("base", base, ModelName="regional-base-model")
    rows = {}
    for i, region in enumerate(data.regions):
        Xr, yr = data.arrays(region, "train")
        adapter = train_adapter(base, Xr, yr, rank=rank, steps=adapter_steps, learning_rate=adapter_learning_rate,
                                name=region, seed=seed + i + 1 if isinstance(seed, int) else seed)
        ep.add_adapter(region, "base", adapter, ArtifactUrl=f"s3://mlkit/adapters/{region}.tar.gz")
        Xt, yt = data.arrays(region, "test")
        plain = float((ep.invoke(Xt, InferenceComponentName="base") == yt).mean())
        adapted = float((ep.invoke(Xt, InferenceComponentName=region) == yt).mean())
        full = float((base.fine_tune(Xr, yr, steps=adapter_steps).predict(Xt) == yt).mean())
        rows[region] = {"base_only": plain, "with_adapter": adapted, "full_fine_tune": full, "gain": adapted - plain}
    accuracy = pd.DataFrame.from_dict(rows, orient="index")
    accuracy.index.name = "region"
    fp = ep.footprint()
    n = fp["adapters"]
    footprint = pd.DataFrame({
        "parameters": [fp["hosted_parameters"], fp["full_models_parameters"]],
        "megabytes": [fp["hosted_bytes"] / 2**20, fp["full_models_bytes"] / 2**20],
    }, index=[f"base + {n} adapters", f"{n} full models"])
    return AdapterComparison(rank, accuracy, footprint, ep)
