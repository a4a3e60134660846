"""Serving a model: payload decoding, prediction and response encoding.

The same three steps run for every request the local endpoint answers and
for every mini-batch of a batch transform:

1. :func:`decode_payload` turns a request body into a 2-D ``float32`` array,
   per ``Content-Type``: ``text/csv`` (rows of features, no header),
   ``application/json`` (``{"instances": [[...], ...]}``, a list of lists, or
   ``{"instances": [{"features": [...]}, ...]}`` as SageMaker's built-in
   algorithms take it) or ``application/x-npy`` (a NumPy ``.npy`` file,
   loaded with ``allow_pickle=False``).
2. :meth:`ServingModel.predict` runs the model. XGBoost takes a fast path
   (one call into XGBoost's C predictor per request, no DMatrix, no pandas).
3. :func:`encode_predictions` writes the answer per ``Accept``: ``text/csv``
   (one line per record), ``application/json`` (``{"predictions": [...]}``)
   or ``application/x-npy``.

A malformed payload raises :class:`PayloadError` (the endpoint answers
``ValidationError`` 400); a failure inside the model raises whatever the model
raised (the endpoint answers ``ModelError`` 424)::

    >>> import numpy as np
    >>> from sklearn.linear_model import LinearRegression
    >>> sm = ServingModel(LinearRegression().fit([[0.0], [1.0]], [0.0, 2.0]))
    >>> X = decode_payload(b"0.5\\n1.5\\n", "text/csv")
    >>> encode_predictions(sm.predict(X).round(6), "application/json")
    (b'{"predictions": [1.0, 3.0]}', 'application/json')
"""

from __future__ import annotations

import ctypes
import io
import json
import threading
from typing import Any

__all__ = [
    "PayloadError",
    "UnsupportedMediaType",
    "CONTENT_TYPES",
    "ACCEPT_TYPES",
    "decode_payload",
    "encode_predictions",
    "normalize_media_type",
    "ServingModel",
]

CONTENT_TYPES = ("text/csv", "application/json", "application/x-npy")
ACCEPT_TYPES = ("text/csv", "application/json", "application/x-npy")


class PayloadError(ValueError):
    """A request body that cannot be turned into feature rows (bad CSV/JSON/npy, wrong width)."""


class UnsupportedMediaType(PayloadError):
    """A Content-Type or Accept the endpoint does not speak."""


def normalize_media_type(value: str | None) -> str:
    """``"text/csv; charset=utf-8"`` -> ``"text/csv"`` (lower case, parameters dropped)."""
    if not value:
        return ""
    return value.split(";", 1)[0].strip().lower()


# -- decoding ---------------------------------------------------------------
def _csv_rows(body: bytes):
    import numpy as np

    text = body.strip()
    if not text:
        raise PayloadError("text/csv payload is empty; send one record per line, features separated by commas")
    if b"\n" not in text:  # the one-record fast path
        try:
            return np.array([[float(v) if v.strip() else float("nan") for v in text.split(b",")]], dtype=np.float32)
        except ValueError:
            pass  # fall through to the slow path, which names the bad field
    lines = text.replace(b"\r\n", b"\n").split(b"\n")
    rows = []
    width = None
    for i, line in enumerate(lines, start=1):
        fields = line.split(b",")
        if width is None:
            width = len(fields)
        elif len(fields) != width:
            raise PayloadError(f"text/csv payload: record {i} has {len(fields)} fields, record 1 has {width}")
        try:
            rows.append([float(v) if v.strip() else float("nan") for v in fields])
        except ValueError:
            bad = next(v for v in fields if v.strip() and not _is_float(v))
            raise PayloadError(
                f"text/csv payload: record {i} has a field that is not a number: {bad[:40]!r} "
                "(send numbers only, no header row)"
            ) from None
    return np.array(rows, dtype=np.float32)


def _is_float(v: bytes) -> bool:
    try:
        float(v)
        return True
    except ValueError:
        return False


def _json_rows(body: bytes):
    import numpy as np

    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise PayloadError(f"application/json payload is not valid JSON: {exc}") from None
    if isinstance(data, dict):
        if "instances" not in data:
            raise PayloadError(
                'application/json payload must be {"instances": [[...], ...]} or a list of lists; '
                f"got an object with keys {sorted(data)[:5]}"
            )
        data = data["instances"]
    if not isinstance(data, list) or not data:
        raise PayloadError("application/json payload must hold a non-empty list of records")
    if all(isinstance(r, dict) for r in data):
        try:
            data = [r["features"] for r in data]
        except KeyError:
            raise PayloadError('application/json records given as objects need a "features" list') from None
    if not isinstance(data[0], list):
        data = [data]  # one flat record
    try:
        arr = np.array(data, dtype=np.float32)
    except (ValueError, TypeError) as exc:
        raise PayloadError(f"application/json records must be equal-length lists of numbers: {exc}") from None
    return arr


def _npy_rows(body: bytes):
    import numpy as np

    try:
        arr = np.load(io.BytesIO(body), allow_pickle=False)
    except Exception as exc:
        raise PayloadError(f"application/x-npy payload is not a readable .npy file without pickles: {exc}") from None
    if not isinstance(arr, np.ndarray) or arr.dtype.kind not in "biuf":
        raise PayloadError(f"application/x-npy payload must be a numeric array, got dtype {getattr(arr, 'dtype', '?')}")
    return arr.astype(np.float32, copy=False)


def decode_payload(body: bytes, content_type: str | None):
    """Request body -> 2-D C-contiguous ``float32`` array (records x features).

    Raises :class:`UnsupportedMediaType` for a Content-Type other than
    text/csv, application/json, application/x-npy, and :class:`PayloadError`
    naming the record or field for a malformed body.
    """
    import numpy as np

    ctype = normalize_media_type(content_type) or "text/csv"
    if ctype == "text/csv":
        arr = _csv_rows(bytes(body))
    elif ctype == "application/json":
        arr = _json_rows(bytes(body))
    elif ctype == "application/x-npy":
        arr = _npy_rows(bytes(body))
    else:
        raise UnsupportedMediaType(f"ContentType must be one of {', '.join(CONTENT_TYPES)}; got {content_type!r}")
    if arr.ndim == 1:
        arr = arr.reshape(1, -1)
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise PayloadError(f"payload must hold a non-empty 2-D table of records, got shape {arr.shape}")
    return np.ascontiguousarray(arr)


# -- encoding ---------------------------------------------------------------
def _fmt(v) -> str:
    return repr(v) if isinstance(v, float) else str(v)


def encode_predictions(preds, accept: str | None, default: str = "text/csv") -> tuple[bytes, str]:
    """Predictions (1-D, or 2-D for per-class scores) -> ``(body, content_type)`` per Accept.

    ``accept`` of None, ``""`` or ``*/*`` gives ``default``. Raises
    :class:`UnsupportedMediaType` for any other Accept than text/csv,
    application/json, application/x-npy.
    """
    import numpy as np

    atype = normalize_media_type(accept)
    if atype in ("", "*/*"):
        atype = default if default in ACCEPT_TYPES else "text/csv"
    preds = np.asarray(preds)
    if atype == "text/csv":
        rows = preds.tolist()
        if preds.ndim == 1:
            text = "\n".join(map(_fmt, rows))
        else:
            text = "\n".join(",".join(map(_fmt, r)) for r in rows)
        return (text + "\n").encode(), "text/csv"
    if atype == "application/json":
        return json.dumps({"predictions": preds.tolist()}).encode(), "application/json"
    if atype == "application/x-npy":
        buf = io.BytesIO()
        np.save(buf, preds, allow_pickle=False)
        return buf.getvalue(), "application/x-npy"
    raise UnsupportedMediaType(f"Accept must be one of {', '.join(ACCEPT_TYPES)}; got {accept!r}")


# -- the model ---------------------------------------------------------------
class _XGBFastPredict:
    """XGBoost's ``inplace_predict`` for a dense float32 array, without its per-call Python work.

    Calls ``XGBoosterPredictFromDense`` directly with a prebuilt config and a
    proxy DMatrix kept per thread (XGBoost otherwise builds a new proxy, and
    reads the cgroup CPU quota files, on every call); the result is copied
    out at once (XGBoost's buffer is per thread), so calls from several
    threads are safe, as XGBoost documents for in-place prediction.
    """

    def __init__(self, booster, iteration_end: int = 0):
        from xgboost import core

        self._booster = booster  # keeps the handle alive
        self._lib = core._LIB
        self._fn = core._LIB.XGBoosterPredictFromDense
        self._args = core.make_jcargs(
            type=0, training=False, iteration_begin=0, iteration_end=int(iteration_end),
            missing=float("nan"), strict_shape=False, cache_id=0,
        )
        self._ProxyDMatrix = core._ProxyDMatrix
        self._local = threading.local()

    def _proxy(self):
        proxy = getattr(self._local, "proxy", None)
        if proxy is None:
            proxy = self._local.proxy = self._ProxyDMatrix()
        return proxy

    def __call__(self, X):
        import numpy as np

        shape = ctypes.POINTER(ctypes.c_uint64)()
        dims = ctypes.c_uint64()
        preds = ctypes.POINTER(ctypes.c_float)()
        n, m = X.shape
        iface = b'{"data": [%d, true], "strides": null, "typestr": "<f4", "shape": [%d, %d], "version": 3}' % (
            X.ctypes.data, n, m)
        rc = self._fn(self._booster.handle, iface, self._args, self._proxy().handle,
                      ctypes.byref(shape), ctypes.byref(dims), ctypes.byref(preds))
        if rc != 0:
            from xgboost.core import XGBoostError

            raise XGBoostError(self._lib.XGBGetLastError().decode())
        shp = tuple(int(shape[i]) for i in range(dims.value))
        size = 1
        for s in shp:
            size *= s
        out = np.frombuffer(ctypes.string_at(preds, 4 * size), dtype=np.float32)
        return out.reshape(shp) if len(shp) > 1 else out


class ServingModel:
    """A fitted model made ready to serve: ``predict(X: 2-D float32) -> 1-D/2-D ndarray``.

    ``model`` is an XGBoost ``Booster``/``XGBClassifier``/``XGBRegressor``, a
    scikit-learn estimator, or any object with ``predict``. ``output`` is
    ``"predict"`` (the model's own ``predict``: labels for classifiers, values
    for regressors, probabilities for a ``binary:logistic`` Booster) or
    ``"predict_proba"``. ``n_features`` is checked on every call when known.

    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]], dtype=np.float32)
    >>> sm = ServingModel(LogisticRegression().fit(X, [0, 0, 1, 1]))
    >>> sm.predict(X).tolist(), sm.n_features
    ([0, 0, 1, 1], 1)
    """

    def __init__(self, model: Any, output: str = "predict"):
        from mlkit._checks import check_one_of

        self.model = model
        self.output = check_one_of("output", output, ("predict", "predict_proba"))
        if output == "predict_proba" and not hasattr(model, "predict_proba"):
            raise ValueError(f"output='predict_proba' needs a model with predict_proba; {type(model).__name__} has none")
        if not hasattr(model, "predict") and type(model).__name__ != "Booster":
            raise TypeError(f"model must have a predict method, got {type(model).__name__}")
        self._predict = self._build()
        self._n_features = self._compute_n_features()

    @classmethod
    def from_source(cls, source: Any, *, output: str = "predict", trusted=None, store=None) -> "ServingModel":
        """A ServingModel from a model object, a ServingModel, or a path/``s3://`` URI of an artifact."""
        if isinstance(source, ServingModel):
            return source
        if isinstance(source, str) or hasattr(source, "__fspath__"):
            from mlkit.artifacts import load_model

            source = load_model(source, trusted=trusted, store=store)
        return cls(source, output=output)

    @property
    def n_features(self) -> int | None:
        """Features per record the model expects (None if unknown)."""
        return self._n_features

    def _compute_n_features(self) -> int | None:
        m = self.model
        if type(m).__name__ == "Booster" and type(m).__module__.startswith("xgboost"):
            return int(m.num_features())
        n = getattr(m, "n_features_in_", None)
        return int(n) if n is not None else None

    def _build(self):
        m = self.model
        name = type(m).__name__
        is_xgb = type(m).__module__.startswith("xgboost")
        if is_xgb and self.output == "predict":
            try:
                # A private copy with one thread: for a request of a few rows, OpenMP threads
                # cost more than they give, and the caller's model stays as it was.
                if name == "Booster":
                    booster = m.copy()
                    booster.set_param({"nthread": 1})
                    return _XGBFastPredict(booster)
                booster = m.get_booster().copy()
                booster.set_param({"nthread": 1})
                end = 0
                try:
                    end = int(m.best_iteration) + 1
                except AttributeError:
                    pass
                objective = m.get_xgb_params().get("objective") or ""
                fast = _XGBFastPredict(booster, end)
                if name in ("XGBRegressor", "XGBRFRegressor") and not objective.startswith("multi"):
                    return fast
                if name in ("XGBClassifier", "XGBRFClassifier") and objective in ("binary:logistic", "multi:softprob"):
                    import numpy as np

                    classes = getattr(m, "classes_", None)

                    def predict_labels(X):
                        p = fast(X)
                        idx = (p > 0.5).astype(np.int64) if p.ndim == 1 else p.argmax(axis=1)
                        return classes[idx] if classes is not None else idx

                    return predict_labels
            except Exception:  # private API moved: the public path still works
                pass
            if name == "Booster":
                return lambda X: m.inplace_predict(X)
        if self.output == "predict_proba":
            return m.predict_proba
        return m.predict

    def predict(self, X):
        """Predictions for the 2-D array ``X``; :class:`PayloadError` if its width is wrong."""
        n = self._n_features
        if n is not None and X.shape[1] != n:
            raise PayloadError(f"each record must have {n} features (the model's input width), got {X.shape[1]}")
        return self._predict(X)

    def __repr__(self) -> str:
        return f"ServingModel({type(self.model).__name__}, output={self.output!r})"
