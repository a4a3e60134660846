"""Multi-model endpoints: many small models behind one endpoint, loaded on demand into a memory budget.

A SageMaker multi-model endpoint has one serving container and an S3 prefix
(``ModelDataUrl``, with ``Mode: "MultiModel"`` on the model's container).
Each request names its model with ``TargetModel`` (a key under the prefix,
e.g. ``"m17.tar.gz"``); the container downloads and loads that artifact the
first time it is asked for (a *cold load*), keeps it in memory while there
is room and unloads the least recently used models when there is not.

:class:`MultiModelEndpoint` is the kit's :class:`~mlkit.inference.server.LocalEndpoint`
with :meth:`~MultiModelEndpoint.resolve_model` overridden: artifacts come
from the local bucket (:class:`~mlkit.storage.LocalBucketStore`), are
extracted with :func:`mlkit.artifacts.safe_extract` (absolute paths, ``..``
and links out of the folder are refused) and loaded without pickle;
:class:`ModelCache` keeps them under ``memory_budget_mb``, evicting least
recently used. :meth:`MultiModelEndpoint.stats` reports cold loads, hit rate,
memory and latency with and without a cold load. boto3's
``invoke_endpoint(..., TargetModel="m17.tar.gz")`` works over HTTP unchanged.

:func:`simulate_cache` replays the same cache in simulated time for many
models and requests (popularity skew, budget -> hit rate and latency) without
loading anything, for the what-if questions a real endpoint would take too
long to answer.

    >>> import tempfile, numpy as np
    >>> from sklearn.linear_model import LinearRegression
    >>> from mlkit.artifacts import save_model
    >>> from mlkit.storage import LocalBucketStore
    >>> store = LocalBucketStore(tempfile.mkdtemp())
    >>> for i in range(3):
    ...     _ = save_model(LinearRegression().fit(np.eye(2), [i, i]), f"s3://mme/models/m{i}.tar.gz", store=store)
    >>> ep = MultiModelEndpoint("mme", "s3://mme/models/", memory_budget_mb=1, store=store)
    >>> ep.invoke(b"1,0\\n", "text/csv", TargetModel="m2.tar.gz").Body
    b'2.0\\n'
    >>> ep.stats().cold_loads
    1
"""

from __future__ import annotations

import math
import os
import tempfile
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

from mlkit._checks import check_float, check_int, make_rng
from mlkit.aws import AwsRequest
from mlkit.inference.server import (
    Invocation,
    LocalEndpoint,
    ProductionVariant,
    ValidationError,
)
from mlkit.report import Report

__all__ = [
    "ModelCache",
    "MultiModelEndpoint",
    "MultiModelStats",
    "CacheSimulation",
    "simulate_cache",
    "MB",
]

MB = 1024 * 1024
#: The SageMaker container image used in exported requests (any image that supports multi-model mode).
DEFAULT_IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"


# ============================================================================ the cache


class ModelCache:
    """Least-recently-used cache of loaded models under a byte budget.

    In: ``budget_bytes`` (int >= 1). ``get(key)`` returns the value and
    marks it most recently used, or None; ``put(key, value, size)`` stores
    it, first evicting least recently used entries until it fits, and returns
    the evicted keys. A value larger than the whole budget raises
    ``ValueError`` naming the key, its size and the budget. Not thread-safe
    by itself (the endpoint holds a lock around it).

    >>> c = ModelCache(10)
    >>> c.put("a", 1, 6), c.put("b", 2, 4), c.get("a"), c.put("c", 3, 4)
    ([], [], 1, ['b'])
    >>> list(c.keys()), c.used_bytes, c.evictions
    (['a', 'c'], 10, 1)
    """

    def __init__(self, budget_bytes: int):
        self.budget_bytes = budget_bytes
        check_int("budget_bytes", budget_bytes, low=1)
        self._entries: OrderedDict[str, tuple[Any, int]] = OrderedDict()
        self.used_bytes = 0
        self.evictions = 0

    def __contains__(self, key: str) -> bool:
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)

    def keys(self):
        """Cached keys, least recently used first."""
        return self._entries.keys()

    def get(self, key: str):
        entry = self._entries.get(key)
        if entry is None:
            return None
        self._entries.move_to_end(key)
        return entry[0]

    def put(self, key: str, value: Any, size: int) -> list[str]:
        size = check_int("size", size, low=0)
        if size > self.budget_bytes:
            raise ValueError(
                f"model {key!r} needs {size / MB:.3f} MB but memory_budget_mb is only "
                f"{self.budget_bytes / MB:.3f} MB; raise memory_budget_mb to at least the largest model"
            )
        if key in self._entries:
            self.used_bytes -= self._entries.pop(key)[1]
        evicted = []
        # least recently used first, until the new model fits (one larger than the budget was refused above)
        while self._entries and self.used_bytes + size > self.budget_bytes:
            old, (_, old_size) = self._entries.popitem(last=False)
            self.used_bytes -= old_size
            evicted.append(old)
        self.evictions += len(evicted)
        self._entries[key] = (value, size)
        self.used_bytes += size
        return evicted

    def replay(self, keys, size: int, value: Any = True) -> "numpy.ndarray":
        """Request ``keys`` in order, each a model of ``size`` bytes: ``get``, and ``put`` on a miss.

        The same rule and state as calling :meth:`get` then :meth:`put`
        per key (least recently used evicted first; ``evictions``,
        ``used_bytes`` and the cached keys end the same), in one tight loop
        for simulations of many requests. Returns a boolean array, True
        where the request missed (a cold load). ``size`` larger than the
        budget raises ``ValueError`` as :meth:`put` does.

        >>> ModelCache(2).replay(["a", "b", "a", "c", "b"], 1).tolist()
        [True, True, False, True, True]
        """
        import numpy as np

        size = check_int("size", size, low=0)
        if size > self.budget_bytes:
            self.put("<replay>", value, size)  # raises the same message as put
        keys = list(keys)
        missed = []
        entries, budget, used, evictions = self._entries, self.budget_bytes, self.used_bytes, 0
        move, popitem = entries.move_to_end, entries.popitem
        entry = (value, size)
        for i, key in enumerate(keys):
            if key in entries:
                move(key)
                continue
            missed.append(i)
            while entries and used + size > budget:
                used -= popitem(last=False)[1][1]
                evictions += 1
            entries[key] = entry
            used += size
        self.used_bytes, self.evictions = used, self.evictions + evictions
        miss = np.zeros(len(keys), dtype=bool)
        miss[missed] = True
        return miss


# ============================================================================ the endpoint


class _MultiModelVariant(ProductionVariant):
    """The one variant of a multi-model endpoint: its container is up at once, models load per request."""

    @property
    def ready(self) -> bool:
        return True

    def load(self, store=None):  # nothing to load up front: TargetModel decides
        return None


@dataclass
class MultiModelStats(Report):
    """What a multi-model endpoint did: requests, cold loads, hit rate, memory and latency (ms, wall clock).

    ``latency_cold_ms`` / ``latency_warm_ms`` are mean request times with
    and without a cold load (NaN if none); ``load_ms`` the mean time of a
    load (download, safe extraction, deserialising).
    """

    requests: int
    cold_loads: int
    hits: int
    hit_rate: float
    evictions: int
    loaded_models: list
    memory_used_mb: float
    memory_budget_mb: float
    latency_cold_ms: float
    latency_warm_ms: float
    load_ms: float


class MultiModelEndpoint(LocalEndpoint, AwsRequest):
    """A multi-model endpoint on the local endpoint: ``TargetModel`` picks an artifact under ``ModelDataUrl``.

    In: ``name`` (EndpointName), ``ModelDataUrl`` (an ``s3://`` prefix in
    the local bucket ending in ``/``), ``memory_budget_mb`` (> 0; the memory
    the container may fill with loaded models), ``store`` (the
    :class:`~mlkit.storage.LocalBucketStore`), ``trusted`` (skops types to
    trust), ``VariantName``, ``InstanceType``/``InitialInstanceCount``/``Image``
    (only for the exported requests), ``seed`` and ``hooks`` as in
    :class:`~mlkit.inference.server.LocalEndpoint`.

    Each request must carry ``TargetModel`` (a key relative to the prefix).
    The first request for a model downloads it, extracts it safely and loads
    it (XGBoost's own format or skops, never pickle) into a
    :class:`ModelCache`; the model's memory is the uncompressed size of its
    artifact. Errors (the runtime's ``ValidationError``, 400): no
    ``TargetModel``, a ``TargetModel`` that is not a plain relative key, no
    such artifact ("unknown target model"), a model larger than the memory
    budget. Construction raises ``ValueError`` if ``memory_budget_mb`` is not
    > 0 or is smaller than a model already under the prefix. An unsafe
    archive raises :class:`~mlkit.artifacts.UnsafeArchiveError` inside and
    answers ``ValidationError`` naming the member.

    ``workers`` > 1 is not supported (the cache lives in this process).

    >>> MultiModelEndpoint("mme", "s3://b/models/", memory_budget_mb=0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: memory_budget_mb must be a finite number > 0.0, got 0.0
    """

    aws_service, aws_operation = "sagemaker", "CreateEndpointConfig"

    def __init__(self, name: str, ModelDataUrl: str, *, memory_budget_mb: float, store=None, trusted=None,
                 VariantName: str = "AllTraffic", InstanceType: str = "ml.m5.large", InitialInstanceCount: int = 1,
                 Image: str = DEFAULT_IMAGE, seed=None, hooks: Sequence[Callable[[Invocation], Any]] = ()):
        from mlkit.storage import parse_s3_uri

        self.ModelDataUrl = ModelDataUrl
        self.memory_budget_mb = memory_budget_mb
        self.trusted = trusted
        self.InstanceType = InstanceType
        self.InitialInstanceCount = InitialInstanceCount
        self.Image = Image
        check_float("memory_budget_mb", memory_budget_mb, low=0.0, low_open=True)
        if not isinstance(ModelDataUrl, str) or not ModelDataUrl.endswith("/"):
            raise ValueError(f"ModelDataUrl must be an s3:// prefix ending in '/' (e.g. 's3://bucket/models/'), "
                             f"got {ModelDataUrl!r}")
        parse_s3_uri(ModelDataUrl, allow_prefix=True)
        check_int("InitialInstanceCount", InitialInstanceCount, low=1)
        variant = _MultiModelVariant(VariantName, ModelDataUrl)
        super().__init__(name, [variant], seed=seed, store=store, hooks=hooks)
        self.hooks.append(self._record)  # the kit's own hook: per-request stats
        self._cache = ModelCache(max(1, int(memory_budget_mb * MB)))
        self._lock = threading.Lock()
        self._local = threading.local()
        self._requests = self._hits = self._cold = 0
        self._cold_seconds: list[float] = []
        self._warm_seconds: list[float] = []
        self._load_seconds: list[float] = []
        self._sizes: dict[str, int] = {}
        self._check_budget()

    # -- the model list --------------------------------------------------------
    def list_models(self) -> list[str]:
        """The ``TargetModel`` names available under ``ModelDataUrl`` (``.tar.gz`` keys), sorted."""
        prefix = self.ModelDataUrl
        return [uri[len(prefix):] for uri in self._store().list(prefix) if uri.endswith(".tar.gz")]

    def model_size_bytes(self, target_model: str) -> int:
        """Uncompressed size of ``target_model``'s artifact (its memory footprint once loaded)."""
        import tarfile

        uri = self._uri(target_model)
        if target_model not in self._sizes:
            with self._store().open(uri, "rb") as fh, tarfile.open(fileobj=fh, mode="r:*") as tar:
                self._sizes[target_model] = sum(m.size for m in tar.getmembers() if m.isfile())
        return self._sizes[target_model]

    def _check_budget(self) -> None:
        budget = self._cache.budget_bytes
        for key in self.list_models():
            size = self.model_size_bytes(key)
            if size > budget:
                raise ValueError(
                    f"memory_budget_mb must hold the largest model: {key} needs {size / MB:.3f} MB, "
                    f"got memory_budget_mb={self.memory_budget_mb}"
                )

    def _uri(self, target_model: Any) -> str:
        if not isinstance(target_model, str) or not target_model or target_model.startswith("/") \
                or any(seg in ("", ".", "..") for seg in target_model.split("/")) or "\\" in target_model:
            raise ValidationError(
                f"TargetModel must be a relative key under {self.ModelDataUrl} such as 'model-1.tar.gz' "
                f"(no leading '/', no '.' or '..' segments), got {target_model!r}"
            )
        return self.ModelDataUrl + target_model

    # -- the pipeline ----------------------------------------------------------
    def resolve_model(self, inv: Invocation, variant: ProductionVariant):
        """The loaded model named by ``inv.TargetModel``, loading it (and evicting LRU models) if needed."""
        if not inv.TargetModel:
            raise ValidationError(
                f"Endpoint {self.name} is a multi-model endpoint: pass TargetModel, one of the artifacts under "
                f"{self.ModelDataUrl} (e.g. {(self.list_models() or ['model.tar.gz'])[0]!r})"
            )
        key = inv.TargetModel
        uri = self._uri(key)
        self._local.cold = False
        with self._lock:
            serving = self._cache.get(key)
            if serving is not None:
                return serving
            store = self._store()
            if not store.exists(uri):
                raise ValidationError(
                    f"Failed to download model data for TargetModel {key!r}: there is no object at {uri}. "
                    f"Models under {self.ModelDataUrl}: {self.list_models()[:10]}"
                )
            t0 = time.perf_counter()
            serving, size = self._load(key, uri)
            try:
                self._cache.put(key, serving, size)
            except ValueError as exc:
                raise ValidationError(str(exc)) from None
            self._load_seconds.append(time.perf_counter() - t0)
            self._cold += 1
            self._local.cold = True
            return serving

    def _load(self, key: str, uri: str):
        from mlkit.artifacts import ArtifactError, load_model, safe_extract
        from mlkit.inference.model import ServingModel

        with tempfile.TemporaryDirectory(prefix="mlkit-mme-") as tmp:
            archive = Path(tmp) / "model.tar.gz"
            with self._store().open(uri, "rb") as fin, open(archive, "wb") as fout:
                import shutil

                shutil.copyfileobj(fin, fout, 1 << 20)
            folder = Path(tmp) / "model"
            try:
                safe_extract(archive, folder)
                size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
                model = load_model(folder, trusted=self.trusted)
            except ArtifactError as exc:
                raise ValidationError(f"TargetModel {key!r} ({uri}) cannot be loaded: {exc}") from None
        self._sizes[key] = size
        return ServingModel(model), size

    def _record(self, inv: Invocation) -> None:
        if inv.error is not None:
            return
        cold = getattr(self._local, "cold", False)
        with self._lock:
            self._requests += 1
            (self._cold_seconds if cold else self._warm_seconds).append(inv.seconds)
            if not cold:
                self._hits += 1

    # -- reporting ---------------------------------------------------------------
    def stats(self) -> MultiModelStats:
        """Counts since the endpoint was made: requests, cold loads, hits, memory, mean latencies (ms)."""

        def mean_ms(xs):
            return 1000.0 * sum(xs) / len(xs) if xs else float("nan")

        with self._lock:
            n = self._requests
            return MultiModelStats(
                requests=n,
                cold_loads=self._cold,
                hits=self._hits,
                hit_rate=self._hits / n if n else float("nan"),
                evictions=self._cache.evictions,
                loaded_models=list(self._cache.keys()),
                memory_used_mb=self._cache.used_bytes / MB,
                memory_budget_mb=float(self.memory_budget_mb),
                latency_cold_ms=mean_ms(self._cold_seconds),
                latency_warm_ms=mean_ms(self._warm_seconds),
                load_ms=mean_ms(self._load_seconds),
            )

    @property
    def loaded_models(self) -> list[str]:
        """Models in memory now, least recently used first."""
        with self._lock:
            return list(self._cache.keys())

    def serve(self, port: int = 0, host: str = "127.0.0.1", *, workers: int = 1, load_in_background: bool = False):
        """As :meth:`LocalEndpoint.serve`; ``workers`` must be 1 (the model cache lives in this process)."""
        if workers != 1:
            raise ValueError(f"workers must be 1 for a multi-model endpoint (its model cache lives in one process), "
                             f"got {workers}")
        return super().serve(port=port, host=host, workers=1, load_in_background=load_in_background)

    # -- the real requests ---------------------------------------------------------
    @property
    def ModelName(self) -> str:
        return f"{self.name}-model"

    def create_model_request(self, ExecutionRoleArn: str = "arn:aws:iam::000000000000:role/SageMakerRole") -> dict:
        """``CreateModel`` with ``PrimaryContainer.Mode = "MultiModel"`` and ``ModelDataUrl`` = the prefix."""
        return {
            "ModelName": self.ModelName,
            "ExecutionRoleArn": ExecutionRoleArn,
            "PrimaryContainer": {"Image": self.Image, "Mode": "MultiModel", "ModelDataUrl": self.ModelDataUrl},
        }

    def to_request(self) -> dict:
        """``CreateEndpointConfig`` hosting the multi-model ``ModelName`` on ``InitialInstanceCount`` instances."""
        return {
            "EndpointConfigName": f"{self.name}-config",
            "ProductionVariants": [{
                "VariantName": self.variants[0].VariantName,
                "ModelName": self.ModelName,
                "InstanceType": self.InstanceType,
                "InitialInstanceCount": int(self.InitialInstanceCount),
            }],
        }

    def __repr__(self) -> str:
        return (f"MultiModelEndpoint({self.name!r}, {self.ModelDataUrl!r}, memory_budget_mb={self.memory_budget_mb}, "
                f"loaded={len(self._cache)})")


# ============================================================================ the simulation


@dataclass
class CacheSimulation(Report):
    """A simulated multi-model endpoint: hit rate, cold loads, latency percentiles (ms) and per-model counts.

    ``per_model`` is a DataFrame indexed by model (``m0``, ``m1``, ... in
    popularity order): ``requests``, ``cold_loads``, ``share`` of traffic.
    """

    n_models: int
    requests: int
    cold_loads: int
    hit_rate: float
    evictions: int
    models_fitting: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    mean_cold_ms: float
    mean_warm_ms: float
    per_model: Any = field(repr=False, default=None)


def simulate_cache(n_models: int = 100, *, skew: float = 1.0, memory_budget_mb: float = 2048.0,
                   model_mb: float = 100.0, requests: int = 20_000, load_ms_per_mb: float = 5.0,
                   profile=None, seed=0) -> CacheSimulation:
    """Replay ``requests`` requests against a multi-model endpoint's LRU cache, in simulated time.

    In: ``n_models`` (1..100,000) models of ``model_mb`` MB each (> 0);
    popularity follows a Zipf law with exponent ``skew`` (0 = uniform, 1 =
    the usual long tail; 0..4); ``memory_budget_mb`` (>= ``model_mb``: a
    budget smaller than one model raises ``ValueError``);
    ``load_ms_per_mb`` the cold-load cost (download and load, ms per MB);
    ``profile`` a :class:`~mlkit.inference.simulation.ModelProfile` for the
    inference time (default 20 ms median, 60 ms p99); ``seed``.
    Out: a :class:`CacheSimulation`. Each request's latency is its inference
    time plus, on a miss, the load time (no queueing: one request at a time).
    The same :class:`ModelCache` as the real endpoint decides hits and evictions.

    >>> sim = simulate_cache(10, memory_budget_mb=1000, model_mb=100, requests=500)
    >>> sim.cold_loads, sim.hit_rate   # all ten fit: only the first request for each is cold
    (10, 0.98)
    """
    import numpy as np
    import pandas as pd

    from mlkit.inference.simulation import ModelProfile

    n_models = check_int("n_models", n_models, low=1, high=100_000)
    skew = check_float("skew", skew, low=0.0, high=4.0)
    budget = check_float("memory_budget_mb", memory_budget_mb, low=0.0, low_open=True)
    size_mb = check_float("model_mb", model_mb, low=0.0, low_open=True)
    n = check_int("requests", requests, low=1, high=2_000_000)
    load_per_mb = check_float("load_ms_per_mb", load_ms_per_mb, low=0.0)
    if budget < size_mb:
        raise ValueError(f"memory_budget_mb must hold at least one model of model_mb={size_mb:g} MB, got {budget:g}")
    profile = profile if profile is not None else ModelProfile(latency_ms=20.0, latency_p99_ms=60.0)
    if not isinstance(profile, ModelProfile):
        raise TypeError(f"profile must be a ModelProfile or None, got {type(profile).__name__}")
    rng = make_rng(seed)
    weights = 1.0 / np.arange(1, n_models + 1) ** skew
    p = weights / weights.sum()
    targets = rng.choice(n_models, size=n, p=p)
    service_ms = profile.service_times(rng, n) * 1000.0

    size_bytes = max(1, int(round(size_mb * MB)))
    cache = ModelCache(max(size_bytes, int(budget * MB)))
    cold = cache.replay(targets.tolist(), size_bytes)
    load_ms = size_mb * load_per_mb
    latency = service_ms + np.where(cold, load_ms, 0.0)
    per_model = pd.DataFrame({
        "requests": np.bincount(targets, minlength=n_models),
        "cold_loads": np.bincount(targets[cold], minlength=n_models),
        "share": p,
    }, index=pd.Index([f"m{i}" for i in range(n_models)], name="model"))
    n_cold = int(cold.sum())
    return CacheSimulation(
        n_models=n_models,
        requests=n,
        cold_loads=n_cold,
        hit_rate=1.0 - n_cold / n,
        evictions=cache.evictions,
        models_fitting=int(cache.budget_bytes // size_bytes),
        p50_ms=float(np.percentile(latency, 50)),
        p95_ms=float(np.percentile(latency, 95)),
        p99_ms=float(np.percentile(latency, 99)),
        mean_ms=float(latency.mean()),
        mean_cold_ms=float(latency[cold].mean()) if n_cold else math.nan,
        mean_warm_ms=float(latency[~cold].mean()) if n_cold < n else math.nan,
        per_model=per_model,
    )
