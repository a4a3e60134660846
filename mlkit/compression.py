"""Model compression, measured: quantization, pruning and knowledge distillation.

Three ways to make a trained model smaller or faster, each reported with the
same three numbers against the original: size in bytes, latency (one row and
a batch, measured on this machine) and accuracy on held-out data. Measure
first: :func:`measure` gives the original's numbers before anything is
optimised.

* **Quantization** (:func:`quantize_tensor`, :func:`quantize_mlp`): weights
  stored as 8-bit (or fewer) integer codes plus a scale (and a zero point for
  the affine scheme), per tensor or per output channel; and through a real
  runtime, ONNX Runtime's dynamic int8 quantization (:func:`onnx_quantize`).
* **Pruning** (:func:`prune_mlp`, :func:`prune_trees`): the smallest weights
  set to zero at a chosen sparsity, optionally fine-tuned afterwards with the
  mask held; for a tree ensemble, dropping trees and cutting depth.
* **Distillation** (:func:`distill`): a small student trained on the
  teacher's probabilities (soft labels) against the same student trained on
  the hard labels.

:class:`CompressionLab` trains the originals on :func:`sensor_data` (a
seeded, nonlinear fault-detection set with known truth) and evaluates any
technique at any level; the widget and the benchmark use it.

    >>> lab = CompressionLab(n_rows=2000, seed=0).fit()
    >>> r = lab.evaluate("quantize", level=8)
    >>> r.size_ratio < 0.3
    True
"""

from __future__ import annotations

import copy
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mlkit._checks import check_float, check_int, check_one_of, make_rng
from mlkit.report import Report

__all__ = [
    "SensorData",
    "sensor_data",
    "QuantizedTensor",
    "quantize_tensor",
    "NumpyMLP",
    "quantize_mlp",
    "prune_mlp",
    "BoosterModel",
    "prune_trees",
    "Distillation",
    "distill",
    "onnx_quantize",
    "Measurement",
    "measure",
    "model_nbytes",
    "CompressionResult",
    "CompressionLab",
    "TECHNIQUES",
]

SCHEMES = ("symmetric", "affine")
NODE_BYTES = 16
GRANULARITIES = ("per_tensor", "per_channel")
#: What :meth:`CompressionLab.evaluate` can do, and what its ``level`` means.
TECHNIQUES = {
    "quantize": "bits per weight (2 to 8), symmetric per-channel",
    "quantize_per_tensor": "bits per weight (2 to 8), symmetric per-tensor",
    "prune": "sparsity in percent (0 to 99), no fine-tuning",
    "prune_finetune": "sparsity in percent (0 to 99), 5 epochs of fine-tuning with the mask held",
    "trees": "number of trees kept (1 to the teacher's)",
    "tree_depth": "maximum depth kept (1 to the teacher's)",
    "distill": "student trees (1 to 100, depth 2), trained on the teacher's probabilities",
    "hard_labels": "student trees (1 to 100, depth 2), trained on the hard labels",
    "onnx": "ONNX Runtime on the MLP: 32 = float32, 8 = dynamic int8 quantization",
}


# --------------------------------------------------------------------------- data
@dataclass
class SensorData(Report):
    """A train/test split of :func:`sensor_data`: float32 features, 0/1 ``fault`` labels, the truth."""

    X_train: Any = field(repr=False)
    y_train: Any = field(repr=False)
    X_test: Any = field(repr=False)
    y_test: Any = field(repr=False)
    X_unlabeled: Any = field(repr=False)
    feature_names: list
    truth: dict

    def to_dict(self) -> dict:
        return {"n_train": len(self.y_train), "n_test": len(self.y_test), "n_unlabeled": len(self.X_unlabeled),
                "feature_names": self.feature_names, "truth": self.truth}


def sensor_data(n_rows: int = 4000, *, n_features: int = 12, label_noise: float = 0.05,
                test_fraction: float = 0.3, seed: int | None = 0) -> SensorData:
    """Vibration-sensor readings of a machine -> ``fault`` (0/1), nonlinear, with a known best accuracy.

    Features are standard normal; the fault score is
    ``1.5*x0*x1 + sin(2*x2) + x3**2 - 1 + 0.8*x4 - 0.6*x5`` (the other
    features are noise), ``fault = score > 0``, then a ``label_noise`` share
    of labels is flipped, so no model can beat ``1 - label_noise`` in
    expectation (``truth["bayes_accuracy"]``). Also returns as many unlabeled
    rows as training rows (a transfer set for distillation).

    >>> d = sensor_data(1000, seed=0)
    >>> d.X_train.shape, d.truth["bayes_accuracy"]
    ((700, 12), 0.95)
    """
    import numpy as np

    n_rows = check_int("n_rows", n_rows, low=100)
    n_features = check_int("n_features", n_features, low=6, high=200)
    label_noise = check_float("label_noise", label_noise, 0.0, 0.5, high_open=True)
    test_fraction = check_float("test_fraction", test_fraction, 0.0, 1.0, low_open=True, high_open=True)
    rng = make_rng(seed)
    n_total = n_rows + n_rows  # labeled + an equal unlabeled transfer set

    X = rng.standard_normal((n_total, n_features)).astype(np.float32)
    x = X.astype(np.float64)
    score = 1.5 * x[:, 0] * x[:, 1] + np.sin(2 * x[:, 2]) + x[:, 3] ** 2 - 1 + 0.8 * x[:, 4] - 0.6 * x[:, 5]
    y = (score > 0).astype(np.int64)
    flip = rng.random(n_total) < label_noise
    y = np.where(flip, 1 - y, y)
    n_test = round(n_rows * test_fraction)
    n_train = n_rows - n_test
    return SensorData(
        X[:n_train], y[:n_train], X[n_train:n_rows], y[n_train:n_rows], X[n_rows:],
        [f"sensor_{j}" for j in range(n_features)],
        {"score": "1.5*x0*x1 + sin(2*x2) + x3**2 - 1 + 0.8*x4 - 0.6*x5", "informative": [0, 1, 2, 3, 4, 5],
         "label_noise": label_noise, "bayes_accuracy": 1 - label_noise},
    )


# --------------------------------------------------------------------------- quantization
@dataclass
class QuantizedTensor:
    """Integer codes plus scale (and zero point): ``w ~= scale * (codes - zero_point)``.

    ``codes``: int8 (symmetric) or uint8 (affine); ``scale``/``zero_point``:
    one value (per tensor) or one per output channel (``axis``).
    ``nbytes`` counts the codes bit-packed at ``bits`` per weight plus a
    float32 scale and an int32 zero point per channel.
    """

    codes: Any
    scale: Any
    zero_point: Any
    scheme: str
    granularity: str
    bits: int
    axis: int = 1

    def dequantize(self):
        """The float32 weights the codes stand for."""
        import numpy as np

        shape = [1] * self.codes.ndim
        if self.granularity == "per_channel":
            shape[self.axis] = -1
        scale = np.reshape(self.scale, shape)
        zp = np.reshape(self.zero_point, shape)
        return (scale * (self.codes.astype(np.float32) - zp)).astype(np.float32)

    @property
    def nbytes(self) -> int:
        n_params = len(self.scale.ravel())
        return -(-self.codes.size * self.bits // 8) + 4 * n_params + (4 * n_params if self.scheme == "affine" else 0)


def quantize_tensor(weights, *, scheme: str = "symmetric", granularity: str = "per_tensor",
                    bits: int = 8, axis: int = 1) -> QuantizedTensor:
    """Post-training quantization of one weight matrix; returns a :class:`QuantizedTensor`.

    Symmetric: ``scale = max|w| / (2**(bits-1) - 1)``, codes in
    ``[-(2**(bits-1)-1), 2**(bits-1)-1]``, zero point 0. Affine: the range
    ``[min(w, 0), max(w, 0)]`` mapped onto ``[0, 2**bits - 1]`` with an
    integer zero point, so 0.0 is exact. ``per_channel`` computes one scale
    per slice along ``axis`` (the output units of an sklearn ``coefs_``
    matrix). The rounding error of each weight is at most ``scale / 2``.

    >>> import numpy as np
    >>> q = quantize_tensor(np.array([[-1.0, 0.5], [0.25, 1.0]]))
    >>> q.codes.tolist(), round(float(q.scale[0]), 6)
    ([[-127, 64], [32, 127]], 0.007874)
    """
    import numpy as np

    scheme = check_one_of("scheme", scheme, SCHEMES)
    granularity = check_one_of("granularity", granularity, GRANULARITIES)
    bits = check_int("bits", bits, low=2, high=8)
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim != 2:
        raise ValueError(f"weights must be a 2-d matrix, got shape {w.shape}")
    axis = check_int("axis", axis, low=0, high=1)
    reduce_axis = 1 - axis if granularity == "per_channel" else None
    keep = granularity == "per_channel"
    if scheme == "symmetric":
        qmax = 2 ** (bits - 1) - 1
        amax = np.max(np.abs(w), axis=reduce_axis, keepdims=keep)
        scale = np.where(amax > 0, amax / qmax, 1.0)
        codes = np.clip(np.round(w / scale), -qmax, qmax).astype(np.int8)
        zero_point = np.zeros_like(scale)
    else:
        qmax = 2 ** bits - 1
        lo = np.minimum(np.min(w, axis=reduce_axis, keepdims=keep), 0.0)
        hi = np.maximum(np.max(w, axis=reduce_axis, keepdims=keep), 0.0)
        scale = np.where(hi > lo, (hi - lo) / qmax, 1.0)
        zero_point = np.clip(np.round(-lo / scale), 0, qmax)
        codes = np.clip(np.round(w / scale) + zero_point, 0, qmax).astype(np.uint8)
    return QuantizedTensor(codes, np.asarray(scale, np.float32).ravel(), np.asarray(zero_point, np.float32).ravel(),
                           scheme, granularity, bits, axis)


class NumpyMLP:
    """A trained MLP's forward pass in numpy, with its weights as they are stored.

    ``coefs``: a list of float32 matrices (dense or pruned) or
    :class:`QuantizedTensor` (dequantized once, on construction);
    ``intercepts``: float32 vectors, kept in float32 (they are few).
    ``predict_proba(X)`` / ``predict(X)`` follow scikit-learn's
    ``MLPClassifier`` for a binary problem (ReLU hidden layers, logistic
    output). ``nbytes``: what the weights take stored (codes + scales for
    quantized, CSR values + int16 indices for sparse, float32 otherwise).
    """

    def __init__(self, coefs, intercepts, *, activation: str = "relu", sparse: bool = False, description: str = ""):
        import numpy as np

        self.coefs = list(coefs)
        self.intercepts = [np.asarray(b, np.float32) for b in intercepts]
        self.activation = check_one_of("activation", activation, ("relu", "tanh", "logistic", "identity"))
        self.sparse = sparse
        self.description = description
        self._dense = [c.dequantize() if isinstance(c, QuantizedTensor) else np.asarray(c, np.float32)
                       for c in self.coefs]

    @classmethod
    def from_sklearn(cls, mlp) -> NumpyMLP:
        """The float32 weights of a fitted binary ``MLPClassifier``."""
        import numpy as np

        if not hasattr(mlp, "coefs_"):
            raise ValueError(f"mlp must be a fitted MLPClassifier, got {type(mlp).__name__} without coefs_")
        if getattr(mlp, "n_outputs_", 1) != 1:
            raise ValueError(f"mlp must be a binary classifier (one output unit), got {mlp.n_outputs_} outputs")
        return cls([np.asarray(c, np.float32) for c in mlp.coefs_], mlp.intercepts_, activation=mlp.activation,
                   description="float32")

    def predict_proba(self, X):
        import numpy as np

        h = np.asarray(X, np.float32)
        last = len(self._dense) - 1
        for i, (W, b) in enumerate(zip(self._dense, self.intercepts)):
            h = h @ W + b
            if i < last:
                if self.activation == "relu":
                    np.maximum(h, 0, out=h)
                elif self.activation == "tanh":
                    np.tanh(h, out=h)
                elif self.activation == "logistic":
                    h = 1 / (1 + np.exp(-h))
        p = 1 / (1 + np.exp(-h[:, 0].astype(np.float64)))
        return np.column_stack([1 - p, p])

    def predict(self, X):
        return (self.predict_proba(X)[:, 1] > 0.5).astype(int)

    @property
    def n_weights(self) -> int:
        return sum(int(W.size) for W in self._dense)

    @property
    def sparsity(self) -> float:
        return 1 - sum(int((W != 0).sum()) for W in self._dense) / self.n_weights

    @property
    def nbytes(self) -> int:
        bias = sum(4 * b.size for b in self.intercepts)
        if self.sparse:  # CSR: float32 values, int16 column indices, int32 row pointers
            return bias + sum(int((W != 0).sum()) * 6 + 4 * (W.shape[0] + 1) for W in self._dense)
        return bias + sum(c.nbytes if isinstance(c, QuantizedTensor) else 4 * c.size for c in self.coefs)

    def __repr__(self) -> str:
        return f"<NumpyMLP {self.description} {[W.shape for W in self._dense]}, {self.nbytes:,} bytes>"


def quantize_mlp(mlp, *, scheme: str = "symmetric", granularity: str = "per_channel", bits: int = 8) -> NumpyMLP:
    """Quantize every weight matrix of a fitted binary ``MLPClassifier`` (biases stay float32).

    Weight-only post-training quantization: the stored model shrinks about
    ``32 / bits`` times; the forward pass here dequantizes once, so its speed
    is the float model's (int8 arithmetic needs a runtime with int8 kernels:
    see :func:`onnx_quantize`). ``mlp`` is not changed.
    """
    base = mlp if isinstance(mlp, NumpyMLP) else NumpyMLP.from_sklearn(mlp)
    qs = [quantize_tensor(W, scheme=scheme, granularity=granularity, bits=bits, axis=1) for W in base._dense]
    return NumpyMLP(qs, base.intercepts, activation=base.activation,
                    description=f"int{bits} {scheme} {granularity}")


# --------------------------------------------------------------------------- pruning
def _masks(dense, sparsity):
    import numpy as np

    flat = np.concatenate([np.abs(W).ravel() for W in dense])
    k = int(np.floor(sparsity * flat.size))
    if k == 0:
        return [np.ones_like(W, dtype=bool) for W in dense]
    threshold = np.partition(flat, k - 1)[k - 1]
    masks = [np.abs(W) > threshold for W in dense]
    # ties at the threshold: keep exactly flat.size - k weights overall
    extra = int(sum(m.sum() for m in masks)) - (flat.size - k)
    if extra < 0:
        for m, W in zip(masks, dense):
            tied = np.flatnonzero((np.abs(W) == threshold).ravel() & ~m.ravel())
            take = tied[: -extra]
            m.ravel()[take] = True
            extra += len(take)
            if extra >= 0:
                break
    return masks


def prune_mlp(mlp, sparsity: float, *, fine_tune_epochs: int = 0, X=None, y=None, seed: int | None = 0) -> NumpyMLP:
    """Global magnitude pruning of a fitted binary ``MLPClassifier`` at ``sparsity`` in [0, 1).

    The ``floor(sparsity * n)`` weights of smallest absolute value across all
    layers are set to zero (biases are kept). With ``fine_tune_epochs`` > 0, a
    copy of ``mlp`` trains that many more epochs on ``X, y`` with the mask
    re-applied after each, so the surviving weights make up for the removed
    ones. Returns a sparse :class:`NumpyMLP`; ``mlp`` is not changed.
    Raises ``ValueError`` for a sparsity outside [0, 1) or fine-tuning
    without data.
    """
    import numpy as np

    sparsity = check_float("sparsity", sparsity, 0.0, 1.0, high_open=True)
    fine_tune_epochs = check_int("fine_tune_epochs", fine_tune_epochs, low=0, high=1000)
    base = NumpyMLP.from_sklearn(mlp)
    masks = _masks(base._dense, sparsity)
    coefs = [W * m for W, m in zip(base._dense, masks)]
    intercepts = base.intercepts
    if fine_tune_epochs:
        if X is None or y is None:
            raise ValueError("fine_tune_epochs > 0 needs the training data: pass X and y")
        tuned = copy.deepcopy(mlp)
        tuned.random_state = int(make_rng(seed).integers(2**31))
        tuned.early_stopping = False  # partial_fit trains one epoch at a time, without a validation split
        if getattr(tuned, "best_loss_", None) is None:  # left None by a fit with early stopping
            tuned.best_loss_ = np.inf
        tuned.coefs_ = [c.astype(np.float64) for c in coefs]
        from sklearn.exceptions import ConvergenceWarning

        with warnings.catch_warnings(), _one_thread():
            warnings.simplefilter("ignore", ConvergenceWarning)
            for _ in range(fine_tune_epochs):
                tuned.partial_fit(X, y)
                tuned.coefs_ = [c * m for c, m in zip(tuned.coefs_, masks)]
        coefs = [np.asarray(c, np.float32) for c in tuned.coefs_]
        intercepts = tuned.intercepts_
    label = f"{sparsity:.0%} sparse" + (f", fine-tuned {fine_tune_epochs} epochs" if fine_tune_epochs else "")
    return NumpyMLP(coefs, intercepts, activation=base.activation, sparse=True, description=label)


class BoosterModel:
    """An ``xgboost.Booster`` for a binary task, with ``predict_proba``/``predict`` and ``nbytes``.

    ``nbytes`` counts the live nodes at 16 bytes each (a compact node
    table: split feature, threshold or leaf value, two child indices, as
    ONNX's TreeEnsemble or Treelite store them); XGBoost's own file keeps the
    nodes its ``prune`` updater removed, so its size would not show a cut
    depth. ``predict_proba`` uses ``inplace_predict`` (no DMatrix per call).
    """

    def __init__(self, booster, description: str = ""):
        self.booster = booster
        self.description = description

    def predict_proba(self, X):
        import numpy as np

        p = np.asarray(self.booster.inplace_predict(X), dtype=np.float64).ravel()
        return np.column_stack([1 - p, p])

    def predict(self, X):
        return (self.predict_proba(X)[:, 1] > 0.5).astype(int)

    @property
    def n_nodes(self) -> int:
        """Nodes (splits and leaves) still in the trees."""
        return sum(len(tree.strip().splitlines()) for tree in self.booster.get_dump())

    @property
    def nbytes(self) -> int:
        return NODE_BYTES * self.n_nodes

    @property
    def n_trees(self) -> int:
        return self.booster.num_boosted_rounds()

    def __repr__(self) -> str:
        return f"<BoosterModel {self.description}: {self.n_trees} trees, {self.nbytes:,} bytes>"


def _booster(model):
    if type(model).__name__ == "Booster":
        return model
    if isinstance(model, BoosterModel):
        return model.booster
    if hasattr(model, "get_booster"):
        return model.get_booster()
    raise TypeError(f"model must be an XGBoost model (XGBClassifier, Booster) or BoosterModel, "
                    f"got {type(model).__name__}")


def prune_trees(model, *, n_trees: int | None = None, max_depth: int | None = None, X=None, y=None) -> BoosterModel:
    """Shrink a binary XGBoost ensemble: keep the first ``n_trees`` and/or cut every tree at ``max_depth``.

    Dropping trees keeps the first rounds (boosting adds corrections in
    order). Cutting depth uses XGBoost's own ``prune`` updater: every node
    below ``max_depth`` is removed and its parent becomes a leaf with the
    parent's weight (times the learning rate), which needs the training data
    ``X, y`` for the node statistics. ``model`` is not changed.
    """
    import xgboost as xgb

    booster = _booster(model)
    total = booster.num_boosted_rounds()
    n_trees = total if n_trees is None else check_int("n_trees", n_trees, low=1, high=total)
    pruned = booster[:n_trees]
    parts = [f"{n_trees} trees"]
    if max_depth is not None:
        max_depth = check_int("max_depth", max_depth, low=1, high=64)
        if X is None or y is None:
            raise ValueError("max_depth needs the training data for the node statistics: pass X and y")
        config = booster.save_config()
        import json

        learner = json.loads(config)["learner"]
        eta = float(learner["gradient_booster"]["tree_train_param"]["eta"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            pruned = xgb.train({"process_type": "update", "updater": "prune", "max_depth": max_depth,
                                "eta": eta, "objective": "binary:logistic", "nthread": 1},
                               xgb.DMatrix(X, label=y), num_boost_round=n_trees, xgb_model=pruned)
        parts.append(f"depth <= {max_depth}")
    return BoosterModel(pruned, ", ".join(parts))


# --------------------------------------------------------------------------- distillation
@dataclass
class Distillation(Report):
    """The teacher and two identical students: one trained on soft labels, one on hard labels."""

    teacher: Any = field(repr=False)
    soft_student: Any = field(repr=False)
    hard_student: Any = field(repr=False)
    table: Any = field(repr=False)

    def to_dict(self) -> dict:
        return {"table": self.table}


def distill(teacher, X_transfer, X_train, y_train, *, n_estimators: int = 10, max_depth: int = 2,
            learning_rate: float = 0.3, X_test=None, y_test=None, seed: int | None = 0) -> Distillation:
    """Train a small XGBoost student on ``teacher``'s probabilities and the same student on hard labels.

    The soft student learns from the teacher's P(class 1) on ``X_train``
    plus ``X_transfer`` (unlabeled rows the teacher labels), with the
    logistic loss, which accepts probabilities as targets (cross-entropy
    against the teacher's distribution). The hard student sees only
    ``X_train, y_train``. With ``X_test, y_test``, ``table`` compares the
    three (accuracy, bytes, p50 one-row latency in µs, measured); otherwise
    it is None.
    """
    import numpy as np
    import xgboost as xgb

    n_estimators = check_int("n_estimators", n_estimators, low=1, high=1000)
    max_depth = check_int("max_depth", max_depth, low=1, high=16)
    learning_rate = check_float("learning_rate", learning_rate, 0.0, 1.0, low_open=True)
    seed_int = int(make_rng(seed).integers(2**31))
    params = {"objective": "binary:logistic", "max_depth": max_depth, "eta": learning_rate, "nthread": 1,
              "seed": seed_int}
    X_soft = np.vstack([X_train, X_transfer])
    soft = teacher.predict_proba(X_soft)[:, 1]
    soft_student = BoosterModel(xgb.train(params, xgb.DMatrix(X_soft, label=soft), n_estimators),
                                f"student on soft labels, {n_estimators} trees of depth {max_depth}")
    hard_student = BoosterModel(xgb.train(params, xgb.DMatrix(X_train, label=y_train), n_estimators),
                                f"student on hard labels, {n_estimators} trees of depth {max_depth}")
    table = None
    if X_test is not None and y_test is not None:
        import pandas as pd

        rows = []
        for name, m in (("teacher", teacher), ("soft_student", soft_student), ("hard_student", hard_student)):
            got = measure(m, X_test, y_test, name=name, repeats=20, batch_rows=len(y_test))
            rows.append({"model": name, "accuracy": got.accuracy, "bytes": got.nbytes,
                         "latency_row_us": got.latency_row_us})
        table = pd.DataFrame(rows).set_index("model")
    return Distillation(teacher, soft_student, hard_student, table)


# --------------------------------------------------------------------------- ONNX Runtime int8
def onnx_quantize(compiled, *, per_channel: bool = False):
    """ONNX Runtime's dynamic int8 quantization of a :class:`~mlkit.edge.CompiledModel`; a new one.

    Weights of MatMul/Gemm nodes become int8 with a scale; activations are
    quantized on the fly per batch. Tree ensembles have no such nodes and
    stay as they are. The temp files used are removed.
    """
    from mlkit.edge import CompiledModel

    if not isinstance(compiled, CompiledModel):
        raise TypeError(f"compiled must be a CompiledModel, got {type(compiled).__name__}")
    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic

    previous = logging.root.manager.disable
    logging.disable(logging.WARNING)  # its advice to pre-process first is for image models
    try:
        data = _quantize_bytes(compiled.onnx_bytes, per_channel, quantize_dynamic, QuantType)
    finally:
        logging.disable(previous)
    import hashlib

    manifest = dict(compiled.manifest, sha256=hashlib.sha256(data).hexdigest(), quantized="dynamic int8")
    return CompiledModel(data, manifest, intra_op_threads=compiled.intra_op_threads)


def _quantize_bytes(onnx_bytes, per_channel, quantize_dynamic, QuantType) -> bytes:
    import os
    import tempfile

    with tempfile.TemporaryDirectory(prefix="mlkit-quant-") as tmp:
        src, dst = os.path.join(tmp, "model.onnx"), os.path.join(tmp, "model.int8.onnx")
        with open(src, "wb") as f:
            f.write(onnx_bytes)
        quantize_dynamic(src, dst, weight_type=QuantType.QInt8, per_channel=bool(per_channel))
        with open(dst, "rb") as f:
            return f.read()


# --------------------------------------------------------------------------- measuring
def model_nbytes(model) -> int:
    """Stored size in bytes: ``model.nbytes`` for kit models, float32 weights for an sklearn MLP,
    16 bytes a node for XGBoost (see :class:`BoosterModel`)."""
    if hasattr(model, "nbytes") and not hasattr(model, "coefs_"):
        return int(model.nbytes)
    if hasattr(model, "coefs_"):
        return NumpyMLP.from_sklearn(model).nbytes
    if hasattr(model, "get_booster") or type(model).__name__ == "Booster":
        return BoosterModel(_booster(model)).nbytes
    raise TypeError(f"model must be a kit model, an sklearn MLP or an XGBoost model, got {type(model).__name__}")


def _one_thread():
    """BLAS limited to one thread: on a shared machine its idle threads spin and cost 10x."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(1)


def _p50_seconds(fn: Callable[[], Any], repeats: int) -> float:
    import numpy as np

    fn()  # warm up (sessions, caches)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


@dataclass
class Measurement(Report):
    """One model measured: stored bytes, p50 latency for one row and for a batch, accuracy."""

    name: str
    nbytes: int
    latency_row_us: float
    latency_batch_ms: float
    batch_rows: int
    accuracy: float


def measure(model, X_test, y_test, *, name: str = "", repeats: int = 50, batch_rows: int = 1000,
            predict: Callable | None = None) -> Measurement:
    """Measure ``model`` on this machine: size, p50 latency (one row, ``batch_rows`` rows), accuracy.

    ``predict`` defaults to ``model.predict``. Latencies are wall-clock
    medians of ``repeats`` calls after one warm-up call, so they vary from
    run to run and machine to machine; sizes and accuracies do not.
    """
    import numpy as np

    repeats = check_int("repeats", repeats, low=1, high=100_000)
    batch_rows = check_int("batch_rows", batch_rows, low=1)
    predict = predict or model.predict
    X_test = np.asarray(X_test, np.float32)
    one = X_test[:1]
    batch = X_test[np.arange(batch_rows) % len(X_test)]
    with _one_thread():
        return Measurement(
        name or type(model).__name__,
        model_nbytes(model),
        _p50_seconds(lambda: predict(one), repeats) * 1e6,
        _p50_seconds(lambda: predict(batch), max(3, repeats // 10)) * 1e3,
        batch_rows,
        float((np.asarray(predict(X_test)).ravel().astype(int) == np.asarray(y_test)).mean()),
    )


@dataclass
class CompressionResult(Report):
    """A compressed model against its original: the two :class:`Measurement` and the ratios."""

    technique: str
    level: float
    original: Measurement
    compressed: Measurement

    @property
    def size_ratio(self) -> float:
        return self.compressed.nbytes / self.original.nbytes

    @property
    def latency_ratio(self) -> float:
        return self.compressed.latency_row_us / self.original.latency_row_us

    @property
    def accuracy_change(self) -> float:
        """Compressed minus original accuracy (negative: a loss)."""
        return self.compressed.accuracy - self.original.accuracy

    def to_dict(self) -> dict:
        return {"technique": self.technique, "level": self.level, "original": self.original.to_dict(),
                "compressed": self.compressed.to_dict(), "size_ratio": self.size_ratio,
                "latency_ratio": self.latency_ratio, "accuracy_change": self.accuracy_change}


class CompressionLab:
    """The originals (a 64-64 MLP and an XGBoost ensemble) on :func:`sensor_data`, and every technique.

    Contract: ``fit()`` draws the data and trains both (a few seconds);
    ``evaluate(technique, level)`` compresses the matching original
    (``TECHNIQUES`` says which and what ``level`` means), measures both and
    returns a :class:`CompressionResult`; ``sweep(technique, levels)`` a
    DataFrame of them. Originals are measured once and cached. Errors:
    ``ValueError`` for an unknown technique or a level out of its range,
    ``RuntimeError`` if not fitted.
    """

    def __init__(self, n_rows: int = 4000, *, hidden: tuple = (64, 64), n_trees: int = 200, max_depth: int = 6,
                 repeats: int = 30, seed: int | None = 0):
        self.n_rows = n_rows
        self.hidden = hidden
        self.n_trees = n_trees
        self.max_depth = max_depth
        self.repeats = repeats
        self.seed = seed

    def fit(self) -> CompressionLab:
        import xgboost as xgb
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.neural_network import MLPClassifier

        check_int("n_trees", self.n_trees, low=1, high=5000)
        check_int("max_depth", self.max_depth, low=1, high=16)
        check_int("repeats", self.repeats, low=1)
        rng = make_rng(self.seed)
        self.data_ = d = sensor_data(self.n_rows, seed=int(rng.integers(2**31)))
        with warnings.catch_warnings(), _one_thread():
            warnings.simplefilter("ignore", ConvergenceWarning)
            self.mlp_ = MLPClassifier(tuple(self.hidden), max_iter=150, alpha=1e-3, early_stopping=True,
                                      n_iter_no_change=8, random_state=int(rng.integers(2**31))).fit(
                d.X_train, d.y_train)
        self.xgb_ = xgb.XGBClassifier(n_estimators=self.n_trees, max_depth=self.max_depth, learning_rate=0.1,
                                      n_jobs=1, random_state=int(rng.integers(2**31))).fit(d.X_train, d.y_train)
        self.teacher_ = BoosterModel(self.xgb_.get_booster(), f"{self.n_trees} trees of depth {self.max_depth}")
        self._originals = {}
        self._compiled = None
        return self

    def _check_fitted(self):
        if not hasattr(self, "mlp_"):
            raise RuntimeError("CompressionLab is not fitted: call fit() first")

    def original(self, family: str) -> Measurement:
        """The measured original: ``"mlp"`` or ``"trees"``."""
        self._check_fitted()
        check_one_of("family", family, ("mlp", "trees"))
        if family not in self._originals:
            d = self.data_
            model = NumpyMLP.from_sklearn(self.mlp_) if family == "mlp" else self.teacher_
            name = f"MLP {self.hidden} float32" if family == "mlp" else f"XGBoost {self.teacher_.description}"
            self._originals[family] = measure(model, d.X_test, d.y_test, name=name, repeats=self.repeats)
        return self._originals[family]

    def compiled(self):
        """The MLP compiled to ONNX (cached)."""
        self._check_fitted()
        if self._compiled is None:
            from mlkit.edge import compile_model

            self._compiled = compile_model(self.mlp_)
        return self._compiled

    def compress(self, technique: str, level: float):
        """The compressed model for ``technique`` at ``level`` (see ``TECHNIQUES``)."""
        self._check_fitted()
        check_one_of("technique", technique, TECHNIQUES)
        d = self.data_
        if technique in ("quantize", "quantize_per_tensor"):
            bits = check_int("level (bits)", level, low=2, high=8)
            gran = "per_channel" if technique == "quantize" else "per_tensor"
            return quantize_mlp(self.mlp_, scheme="symmetric", granularity=gran, bits=bits)
        if technique in ("prune", "prune_finetune"):
            pct = check_float("level (sparsity %)", level, 0.0, 100.0, high_open=True)
            epochs = 5 if technique == "prune_finetune" else 0
            return prune_mlp(self.mlp_, pct / 100.0, fine_tune_epochs=epochs, X=d.X_train, y=d.y_train,
                             seed=self.seed)
        if technique == "trees":
            return prune_trees(self.xgb_, n_trees=check_int("level (trees)", level, low=1, high=self.n_trees))
        if technique == "tree_depth":
            depth = check_int("level (depth)", level, low=1, high=self.max_depth)
            return prune_trees(self.xgb_, max_depth=depth, X=d.X_train, y=d.y_train)
        if technique in ("distill", "hard_labels"):
            n = check_int("level (student trees)", level, low=1, high=100)
            res = distill(self.teacher_, d.X_unlabeled, d.X_train, d.y_train, n_estimators=n, max_depth=2,
                          seed=self.seed)
            return res.soft_student if technique == "distill" else res.hard_student
        bits = check_one_of("level (onnx bits)", level, (8, 32))
        return self.compiled() if bits == 32 else onnx_quantize(self.compiled())

    def evaluate(self, technique: str, level: float) -> CompressionResult:
        """Compress, measure and compare with the original of the same family."""
        model = self.compress(technique, level)
        family = "trees" if technique in ("trees", "tree_depth", "distill", "hard_labels") else "mlp"
        d = self.data_
        m = measure(model, d.X_test, d.y_test, name=getattr(model, "description", "") or technique,
                    repeats=self.repeats)
        if technique == "onnx":
            m.name = f"ONNX Runtime {'int8' if level == 8 else 'float32'}"
        return CompressionResult(technique, float(level), self.original(family), m)

    def sweep(self, technique: str, levels) -> pandas.DataFrame:  # noqa: F821
        """One row per level: bytes, latencies, accuracy and the ratios to the original."""
        import pandas as pd
        from tqdm.auto import tqdm

        rows = []
        levels = list(levels)
        for level in tqdm(levels, desc=technique, disable=len(levels) < 5):  # short sweeps take about a second
            r = self.evaluate(technique, level)
            rows.append({"technique": technique, "level": level, "bytes": r.compressed.nbytes,
                         "latency_row_us": r.compressed.latency_row_us,
                         "latency_batch_ms": r.compressed.latency_batch_ms, "accuracy": r.compressed.accuracy,
                         "size_ratio": r.size_ratio, "accuracy_change": r.accuracy_change})
        return pd.DataFrame(rows)
