"""The local endpoint: real models behind a real HTTP server that speaks SageMaker's protocols.

One server answers three protocols on 127.0.0.1:

* **sagemaker-runtime InvokeEndpoint** -- ``POST /endpoints/{EndpointName}/invocations``
  with the headers of botocore's service model (``Content-Type``, ``Accept``,
  ``X-Amzn-SageMaker-Target-Variant``, ``X-Amzn-SageMaker-Custom-Attributes``,
  ...); the answer carries ``x-Amzn-Invoked-Production-Variant``; errors come
  back in the rest-json error shape (``x-amzn-ErrorType`` + JSON body), so an
  unchanged ``boto3.client("sagemaker-runtime", endpoint_url=url, ...)`` works
  and raises ``ClientError`` with the real codes: ``ValidationError`` (400: bad
  payload, payload over 6 MB, unknown endpoint or variant), ``ModelError``
  (424, with ``OriginalStatusCode``/``OriginalMessage``: the model raised),
  ``ModelNotReadyException`` (429: model still loading), ``ServiceUnavailable``
  (503: async queue full).
* **InvokeEndpointAsync** -- ``POST /endpoints/{EndpointName}/async-invocations``
  with ``X-Amzn-SageMaker-InputLocation`` (an ``s3://`` URI in the local
  bucket, up to 1 GB): answers 202 with ``OutputLocation``/``FailureLocation``
  and ``InferenceId`` at once; a bounded worker queue does the work and writes
  the result (or the error) to the local bucket.
* **the model container contract** -- ``GET /ping`` (200 once the models are
  loaded) and ``POST /invocations`` (same payload handling, plain status codes).

The objects: a :class:`LocalEndpoint` has named :class:`ProductionVariant`\\ s
(a model and an ``InitialVariantWeight``); ``TargetVariant`` picks one,
otherwise traffic is split by weight with a seeded ``numpy`` Generator. Every
request, over HTTP or from Python (:meth:`LocalEndpoint.invoke`), goes through
one pipeline -- ``route`` (choose the variant) -> ``resolve_model`` (the model
to run, where multi-model ``TargetModel`` plugs in) -> predict -> every
callable in ``hooks`` (data capture, shadow traffic and monitoring plug in
there) -- so later features extend this server instead of adding another::

    >>> import boto3, numpy as np
    >>> from sklearn.linear_model import LinearRegression
    >>> model = LinearRegression().fit(np.eye(2), [1.0, 2.0])
    >>> endpoint = LocalEndpoint("demo", [ProductionVariant("AllTraffic", model)])
    >>> with endpoint.serve(port=0) as url:
    ...     rt = boto3.client("sagemaker-runtime", endpoint_url=url, region_name="us-east-1",
    ...                       aws_access_key_id="x", aws_secret_access_key="x")
    ...     r = rt.invoke_endpoint(EndpointName="demo", Body=b"1,0\\n", ContentType="text/csv")
    ...     print(r["Body"].read().decode().strip(), r["InvokedProductionVariant"])
    1.0 AllTraffic

Stopping (leaving the ``with`` block, or ``server.stop()``) closes every
connection, stops the async workers, the server thread and any worker
process, so nothing is left running. From the command line:
:func:`serve_main` (``mlkit serve model.tar.gz --name demo --port 8080``).
"""

from __future__ import annotations

import bisect
import itertools
import json
import logging
import os
import queue
import re
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from mlkit._checks import check_float, check_int, make_rng
from mlkit.inference.config import REALTIME_MAX_PAYLOAD_BYTES
from mlkit.inference._http import Request, Response, ServerThread
from mlkit.inference.model import (
    ACCEPT_TYPES,
    PayloadError,
    ServingModel,
    UnsupportedMediaType,
    decode_payload,
    encode_predictions,
    normalize_media_type,
)

__all__ = [
    "InvocationError",
    "ValidationError",
    "ModelError",
    "ModelNotReadyException",
    "ServiceUnavailable",
    "ProductionVariant",
    "Invocation",
    "InvokeEndpointResult",
    "AsyncInvocation",
    "LocalEndpoint",
    "EndpointServer",
    "serve_main",
]

log = logging.getLogger("mlkit.endpoint")

ACCOUNT_ID = "000000000000"
REGION = "us-east-1"
_VARIANT_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
#: HTTP bodies above this are refused before they are read (batch transform's 100 MB + headroom).
HTTP_MAX_BODY = 101 * 1024 * 1024


# -- errors, in the runtime's error shapes -------------------------------------
class InvocationError(Exception):
    """An error the runtime answers in its rest-json shape: ``code``, HTTP ``status``, message, fields."""

    code = "InternalFailure"
    status = 500

    def __init__(self, message: str, **fields):
        super().__init__(message)
        self.message = message
        self.fields = fields

    def to_response(self, request_id: str = "") -> Response:
        body = {"message": self.message, **self.fields}
        return Response(
            self.status,
            [("Content-Type", "application/json"), ("x-amzn-ErrorType", self.code), ("x-amzn-RequestId", request_id)],
            json.dumps(body).encode(),
        )


class ValidationError(InvocationError):
    """400: the request is wrong (payload, content type, size, endpoint or variant name)."""

    code, status = "ValidationError", 400


class ModelError(InvocationError):
    """424: the model raised; ``OriginalStatusCode``/``OriginalMessage`` say what the container answered."""

    code, status = "ModelError", 424


class ModelNotReadyException(InvocationError):
    """429: the variant's model is not loaded yet."""

    code, status = "ModelNotReadyException", 429


class ServiceUnavailable(InvocationError):
    """503: the endpoint cannot take the request now (async queue full, stopping)."""

    code, status = "ServiceUnavailable", 503


def _cumulative_weights(weights: Sequence[float]) -> list:
    """The routing table: cumulative shares, exactly 1.0 from the last positive weight on.

    A draw u in [0, 1) then never lands on a zero-weight variant, not even
    through rounding of the last share.
    """
    total = float(sum(weights))
    cum = list(itertools.accumulate(float(w) / total for w in weights))
    last = max(i for i, w in enumerate(weights) if w > 0)
    return cum[:last] + [1.0] * (len(cum) - last)


# -- the objects -----------------------------------------------------------------
@dataclass
class ProductionVariant:
    """One named model behind an endpoint, with its share of the traffic.

    ``model`` is a fitted XGBoost/scikit-learn model, a
    :class:`~mlkit.inference.model.ServingModel`, or the path/``s3://`` URI of
    an artifact (``model.tar.gz``, loaded through :mod:`mlkit.artifacts`,
    never unpickled). ``InitialVariantWeight`` (>= 0) sets the share of
    un-targeted traffic: weight / sum of weights. ``output`` is ``"predict"``
    or ``"predict_proba"``; ``trusted`` lists skops types to trust.
    ``InitialInstanceCount`` (>= 1) and ``InstanceType`` are what
    ``CreateEndpointConfig`` provisions; locally they size the fleets of a
    deployment simulation (:mod:`mlkit.inference.deployment`).

    >>> ProductionVariant("bad name", model=None)
    Traceback (most recent call last):
    ...
    ValueError: VariantName must be 1-63 letters, digits or hyphens, starting and ending with a letter or digit, got 'bad name'
    """

    VariantName: str
    model: Any
    InitialVariantWeight: float = 1.0
    output: str = "predict"
    trusted: Sequence[str] | None = None
    InitialInstanceCount: int = 1
    InstanceType: str = "ml.m5.large"

    def __post_init__(self):
        if not isinstance(self.VariantName, str) or not _VARIANT_NAME.match(self.VariantName):
            raise ValueError(
                "VariantName must be 1-63 letters, digits or hyphens, starting and ending with a letter or digit, "
                f"got {self.VariantName!r}"
            )
        check_float("InitialVariantWeight", self.InitialVariantWeight, low=0.0)
        check_int("InitialInstanceCount", self.InitialInstanceCount, low=1)
        if not isinstance(self.InstanceType, str) or not re.fullmatch(r"ml\.[a-z0-9-]+\.[a-z0-9]+", self.InstanceType):
            raise ValueError(f"InstanceType must be a SageMaker ML instance type such as 'ml.m5.large', "
                             f"got {self.InstanceType!r}")
        self._serving: ServingModel | None = None
        self._loading = False  # True while a server loads it in the background

    @property
    def ready(self) -> bool:
        """True once the model is loaded and can answer."""
        return self._serving is not None

    def load(self, store=None) -> ServingModel:
        """Load the model (idempotent) and return the :class:`ServingModel`."""
        if self._serving is None:
            self._serving = ServingModel.from_source(self.model, output=self.output, trusted=self.trusted, store=store)
        return self._serving


@dataclass(slots=True)
class Invocation:
    """One request as it flows through the endpoint's pipeline (what hooks receive).

    Inputs use the runtime's names (``Body``, ``ContentType``, ``Accept``,
    ``TargetVariant``, ``TargetModel``, ``CustomAttributes``, ``InferenceId``);
    the pipeline fills ``variant``, ``response_body``, ``response_content_type``,
    ``error`` and ``seconds``. ``mode`` is ``"real-time"`` or ``"async"``.
    """

    EndpointName: str
    Body: bytes
    ContentType: str
    Accept: str | None = None
    TargetVariant: str | None = None
    TargetModel: str | None = None
    CustomAttributes: str | None = None
    InferenceId: str | None = None
    mode: str = "real-time"
    variant: str | None = None
    response_body: bytes | None = None
    response_content_type: str | None = None
    error: InvocationError | None = None
    seconds: float = 0.0


@dataclass
class InvokeEndpointResult:
    """What ``InvokeEndpoint`` returns: ``Body`` (bytes), ``ContentType``, ``InvokedProductionVariant``."""

    Body: bytes
    ContentType: str
    InvokedProductionVariant: str
    CustomAttributes: str | None = None


@dataclass
class AsyncInvocation:
    """What ``InvokeEndpointAsync`` returns: where the result (or the error) will be written."""

    InferenceId: str
    OutputLocation: str
    FailureLocation: str


def wait_until_done(q: queue.Queue, timeout: float | None = None) -> bool:
    """Block until every item put on ``q`` is marked done (``task_done``); False on timeout."""
    deadline = None if timeout is None else time.monotonic() + timeout
    with q.all_tasks_done:
        while q.unfinished_tasks:
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                return False
            q.all_tasks_done.wait(remaining)
    return True


class _AsyncWorkers:
    """A bounded queue and worker threads for asynchronous invocations; ``stop()`` drains and joins."""

    def __init__(self, endpoint: "LocalEndpoint", n_workers: int, max_queue: int):
        self.endpoint = endpoint
        self.queue: queue.Queue = queue.Queue(maxsize=max_queue)
        self.threads = [
            threading.Thread(target=self._run, name=f"mlkit-async-{endpoint.name}-{i}", daemon=True)
            for i in range(n_workers)
        ]
        for t in self.threads:
            t.start()

    def submit(self, job) -> None:
        try:
            self.queue.put_nowait(job)
        except queue.Full:
            raise ServiceUnavailable(
                f"The asynchronous queue of endpoint {self.endpoint.name} is full "
                f"({self.queue.maxsize} requests waiting); retry later"
            ) from None

    def _run(self):
        while True:
            job = self.queue.get()
            try:
                if job is None:
                    return
                self.endpoint._run_async_job(*job)
            except Exception:  # never let one job kill the worker
                log.exception("async job failed outside the model")
            finally:
                self.queue.task_done()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until every queued job is done; False on timeout."""
        return wait_until_done(self.queue, timeout)

    def stop(self) -> None:
        for _ in self.threads:
            self.queue.put(None)
        for t in self.threads:
            t.join()


class LocalEndpoint:
    """A named endpoint of :class:`ProductionVariant`\\ s: ``invoke`` in Python or ``serve`` over HTTP.

    ``invoke(Body, ContentType, Accept, TargetVariant=...)`` answers like the
    runtime's ``InvokeEndpoint`` (an :class:`InvokeEndpointResult`, or an
    :class:`InvocationError` subclass). ``invoke_async(InputLocation, ...)``
    queues work whose result is written to the local bucket (``close()``, or
    leaving ``with endpoint:``, stops its worker threads). Routing draws
    from one Generator made from ``seed``. ``async_config`` (an
    :class:`~mlkit.inference.config.AsyncInferenceConfig`) gives S3OutputPath,
    S3FailurePath and MaxConcurrentInvocationsPerInstance (worker threads);
    ``store`` is the :class:`~mlkit.storage.LocalBucketStore` (default root if
    None). ``hooks`` are called with every finished :class:`Invocation`.

    Extension points: override :meth:`route` (shadow variants, deployment
    guardrails), :meth:`resolve_model` (multi-model ``TargetModel``), append
    to ``hooks`` (data capture).

    >>> from sklearn.dummy import DummyRegressor
    >>> ep = LocalEndpoint("e1", [ProductionVariant("A", DummyRegressor().fit([[0]], [7.0]))])
    >>> ep.invoke(b"1\\n2\\n", "text/csv").Body
    b'7.0\\n7.0\\n'
    """

    #: Log a model's exception with its traceback (a shadow's endpoint turns this off: its errors are logged
    #: in the shadow log, and formatting them would cost the callers' requests CPU time).
    log_model_errors: bool = True

    def __init__(self, name: str, variants: Sequence[ProductionVariant], *, seed=None, async_config=None,
                 store=None, hooks: Sequence[Callable[[Invocation], Any]] = (), max_async_queue: int = 256):
        self.name = name
        self.variants = list(variants)
        self.seed = seed
        self.async_config = async_config
        self.store = store
        self.hooks = list(hooks)
        self.max_async_queue = max_async_queue

        if not isinstance(name, str) or not _VARIANT_NAME.match(name):
            raise ValueError(
                "name must be 1-63 letters, digits or hyphens, starting and ending with a letter or digit "
                f"(an EndpointName), got {name!r}"
            )
        if not self.variants:
            raise ValueError("variants must hold at least one ProductionVariant, got none")
        for v in self.variants:
            if not isinstance(v, ProductionVariant):
                raise TypeError(f"variants must be ProductionVariant objects, got {type(v).__name__}")
        names = [v.VariantName for v in self.variants]
        if len(set(names)) != len(names):
            raise ValueError(f"variants must have distinct VariantName values, got {names}")
        total = sum(float(v.InitialVariantWeight) for v in self.variants)
        if total <= 0:
            raise ValueError(f"the sum of InitialVariantWeight must be > 0, got {total}")
        check_int("max_async_queue", max_async_queue, low=1)
        self._by_name = {v.VariantName: v for v in self.variants}
        self._weights = {v.VariantName: float(v.InitialVariantWeight) for v in self.variants}
        self._instance_counts = {v.VariantName: int(v.InitialInstanceCount) for v in self.variants}
        self._cum = _cumulative_weights(list(self._weights.values()))
        self._update_lock = threading.Lock()
        self._rng = make_rng(seed)
        self._rng_lock = threading.Lock()
        self._async: _AsyncWorkers | None = None
        self._async_lock = threading.Lock()
        self.hook_errors = 0

    # -- lifecycle ---------------------------------------------------------------
    @property
    def ready(self) -> bool:
        """True when every variant's model is loaded."""
        return all(v.ready for v in self.variants)

    def load(self) -> "LocalEndpoint":
        """Load every variant's model now (otherwise loaded on first use)."""
        for v in self.variants:
            v.load(self._store())
        return self

    def _store(self):
        if self.store is None:
            from mlkit.storage import LocalBucketStore

            self.store = LocalBucketStore()
        return self.store

    def close(self) -> None:
        """Finish queued async work and stop the async worker threads (idempotent)."""
        with self._async_lock:
            workers, self._async = self._async, None
        if workers is not None:
            workers.stop()

    def __enter__(self) -> "LocalEndpoint":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def serve(self, port: int = 0, host: str = "127.0.0.1", *, workers: int = 1,
              load_in_background: bool = False) -> "EndpointServer":
        """An :class:`EndpointServer` for this endpoint; ``with endpoint.serve() as url:`` runs it."""
        return EndpointServer([self], host=host, port=port, workers=workers, load_in_background=load_in_background)

    # -- the pipeline ------------------------------------------------------------
    def route(self, inv: Invocation) -> ProductionVariant:
        """Choose the variant: ``TargetVariant`` if given, else a weighted random draw."""
        if inv.TargetVariant:
            v = self._by_name.get(inv.TargetVariant)
            if v is None:
                raise ValidationError(
                    f"Variant {inv.TargetVariant!r} is not a ProductionVariant of endpoint {self.name}; "
                    f"its variants are {list(self._by_name)}"
                )
            return v
        if len(self.variants) == 1:
            return self.variants[0]
        cum = self._cum  # one read: update_weights_and_capacities swaps the whole table
        with self._rng_lock:
            u = self._rng.random()
        return self.variants[min(bisect.bisect_right(cum, u), len(self.variants) - 1)]

    @property
    def current_weights(self) -> dict:
        """The live weight of every variant (``InitialVariantWeight`` until an update changes it)."""
        return dict(self._weights)

    @property
    def current_instance_counts(self) -> dict:
        """The live instance count of every variant."""
        return dict(self._instance_counts)

    def update_weights_and_capacities(self, DesiredWeightsAndCapacities: Sequence[dict]) -> dict:
        """``UpdateEndpointWeightsAndCapacities`` on the live endpoint: no restart, no dropped request.

        In: a list of ``{"VariantName", "DesiredWeight" (>= 0), "DesiredInstanceCount" (>= 1)}``
        (either number may be left out). The new routing table replaces the old
        one in a single assignment, so the next request routes by the new
        weights and requests in flight finish on the variant they were sent
        to. Returns ``{"EndpointArn": ...}``. Raises ``ValueError`` (nothing
        changes) for an empty list, an unknown or repeated VariantName, a
        negative weight, an instance count < 1, or weights that would all be 0.
        """
        if isinstance(DesiredWeightsAndCapacities, dict) or not isinstance(DesiredWeightsAndCapacities, (list, tuple)):
            raise TypeError("DesiredWeightsAndCapacities must be a list of dicts with VariantName, DesiredWeight "
                            f"and/or DesiredInstanceCount, got {type(DesiredWeightsAndCapacities).__name__}")
        if not DesiredWeightsAndCapacities:
            raise ValueError("DesiredWeightsAndCapacities must name at least one variant, got []")
        with self._update_lock:
            weights, counts, seen = dict(self._weights), dict(self._instance_counts), set()
            for i, item in enumerate(DesiredWeightsAndCapacities):
                if not isinstance(item, dict):
                    raise TypeError(f"DesiredWeightsAndCapacities[{i}] must be a dict, got {type(item).__name__}")
                unknown = set(item) - {"VariantName", "DesiredWeight", "DesiredInstanceCount"}
                if unknown:
                    raise ValueError(f"DesiredWeightsAndCapacities[{i}] has unknown keys {sorted(unknown)}; allowed: "
                                     "VariantName, DesiredWeight, DesiredInstanceCount")
                name = item.get("VariantName")
                if name not in self._by_name:
                    raise ValueError(f"DesiredWeightsAndCapacities[{i}].VariantName must be a variant of endpoint "
                                     f"{self.name} ({list(self._by_name)}), got {name!r}")
                if name in seen:
                    raise ValueError(f"DesiredWeightsAndCapacities names variant {name!r} twice; name each once")
                seen.add(name)
                if item.get("DesiredWeight") is not None:
                    weights[name] = check_float(f"DesiredWeightsAndCapacities[{i}].DesiredWeight",
                                                item["DesiredWeight"], low=0.0)
                if item.get("DesiredInstanceCount") is not None:
                    counts[name] = check_int(f"DesiredWeightsAndCapacities[{i}].DesiredInstanceCount",
                                             item["DesiredInstanceCount"], low=1)
            if sum(weights.values()) <= 0:
                raise ValueError(f"DesiredWeight values would all be 0 ({weights}); at least one variant "
                                 "must keep a weight > 0")
            cum = _cumulative_weights([weights[v.VariantName] for v in self.variants])
            self._weights, self._instance_counts = weights, counts
            self._cum = cum  # the swap: one assignment, read once per request by route()
        return {"EndpointArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT_ID}:endpoint/{self.name.lower()}"}

    def resolve_model(self, inv: Invocation, variant: ProductionVariant) -> ServingModel:
        """The model that answers ``inv`` on ``variant`` (multi-model endpoints override this)."""
        if inv.TargetModel:
            raise ValidationError(
                f"Endpoint {self.name} is not a multi-model endpoint and does not support target model header."
            )
        serving = variant._serving
        if serving is None:
            if variant._loading:
                raise ModelNotReadyException(
                    f"Model for variant {variant.VariantName} of endpoint {self.name} is not ready (still loading)"
                )
            serving = variant.load(self._store())
        return serving

    def _predict(self, inv: Invocation, variant: ProductionVariant) -> None:
        serving = self.resolve_model(inv, variant)
        try:
            X = decode_payload(inv.Body, inv.ContentType)
            accept = inv.Accept
            if not accept or accept == "*/*":
                ctype = normalize_media_type(inv.ContentType) or "text/csv"
                accept = ctype if ctype in ACCEPT_TYPES else "text/csv"
            elif normalize_media_type(accept) not in ACCEPT_TYPES:
                raise UnsupportedMediaType(f"Accept must be one of {', '.join(ACCEPT_TYPES)}; got {accept!r}")
        except PayloadError as exc:
            raise ValidationError(str(exc)) from None
        try:
            preds = serving.predict(X)
        except PayloadError as exc:
            raise ValidationError(str(exc)) from None
        except Exception as exc:
            if self.log_model_errors:
                log.exception("model of variant %s raised", variant.VariantName)
            original = f"{type(exc).__name__}: {exc}"
            raise ModelError(
                f'Received server error (500) from {variant.VariantName} with message "{original}". '
                f"See the endpoint log for more information.",
                OriginalStatusCode=500,
                OriginalMessage=original,
                LogStreamArn=f"arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:/aws/sagemaker/Endpoints/{self.name}",
            ) from None
        inv.response_body, inv.response_content_type = encode_predictions(preds, accept)

    def _run(self, inv: Invocation) -> Invocation:
        """route -> resolve_model -> predict -> hooks; errors are kept on ``inv.error`` and re-raised."""
        t0 = time.perf_counter()
        try:
            variant = self.route(inv)
            inv.variant = variant.VariantName
            self._predict(inv, variant)
        except InvocationError as exc:
            inv.error = exc
        inv.seconds = time.perf_counter() - t0
        if self.hooks:
            for hook in self.hooks:
                try:
                    hook(inv)
                except Exception:
                    self.hook_errors += 1
                    log.exception("endpoint hook %r failed", hook)
        if inv.error is not None:
            raise inv.error
        return inv

    def invoke(self, Body: bytes | str, ContentType: str | None = "text/csv", Accept: str | None = None, *,
               TargetVariant: str | None = None, TargetModel: str | None = None,
               CustomAttributes: str | None = None, InferenceId: str | None = None) -> InvokeEndpointResult:
        """Answer one request as ``InvokeEndpoint`` does; raises :class:`InvocationError` subclasses.

        ``ValidationError`` for a payload over 6 MB, a bad payload or an
        unknown ``TargetVariant``; ``ModelError`` if the model raises;
        ``ModelNotReadyException`` while the model loads.
        """
        if isinstance(Body, str):
            Body = Body.encode()
        self._check_size(len(Body))
        inv = Invocation(self.name, Body, ContentType or "text/csv", Accept, TargetVariant, TargetModel,
                         CustomAttributes, InferenceId)
        self._run(inv)
        return InvokeEndpointResult(inv.response_body, inv.response_content_type, inv.variant, CustomAttributes)

    def _check_size(self, n: int) -> None:
        if n > REALTIME_MAX_PAYLOAD_BYTES:
            raise ValidationError(
                f"Request payload of {n} bytes is over the InvokeEndpoint limit of {REALTIME_MAX_PAYLOAD_BYTES} "
                "bytes (6 MB); use asynchronous inference (up to 1 GB) or batch transform"
            )

    # -- asynchronous inference ----------------------------------------------------
    def _async_paths(self):
        cfg = self.async_config
        out = getattr(cfg, "S3OutputPath", None) or f"s3://mlkit/async-output/{self.name}"
        fail = getattr(cfg, "S3FailurePath", None) or out
        return out.rstrip("/"), fail.rstrip("/")

    def _async_workers(self) -> _AsyncWorkers:
        with self._async_lock:
            if self._async is None:
                n = int(getattr(self.async_config, "MaxConcurrentInvocationsPerInstance", None) or 1)
                self._async = _AsyncWorkers(self, n, self.max_async_queue)
            return self._async

    def invoke_async(self, InputLocation: str | None = None, ContentType: str | None = "text/csv",
                     Accept: str | None = None, *, InferenceId: str | None = None,
                     CustomAttributes: str | None = None, S3OutputPathExtension: str | None = None,
                     Filename: str | None = None, Body: bytes | None = None) -> AsyncInvocation:
        """Queue one request as ``InvokeEndpointAsync`` does and return where its result will be.

        The input is the object at ``InputLocation`` (``s3://`` URI in the local
        bucket, at most 1 GB) or an inline ``Body`` (at most 128,000 bytes).
        ``ValidationError`` if neither is given, the URI is malformed, the
        object is missing or too large; ``ServiceUnavailable`` if the queue is full.
        """
        from mlkit.inference.config import ASYNC_MAX_INLINE_BODY_BYTES, ASYNC_MAX_PAYLOAD_BYTES
        from mlkit.storage import parse_s3_uri

        store = self._store()
        if InputLocation:
            try:
                parse_s3_uri(InputLocation)
            except (ValueError, TypeError) as exc:
                raise ValidationError(f"InputLocation must be an s3:// URI of an object: {exc}") from None
            if not store.exists(InputLocation):
                raise ValidationError(f"InputLocation {InputLocation} does not exist in the local bucket "
                                      f"({store.root_path})")
            size = store.size(InputLocation)
            if size > ASYNC_MAX_PAYLOAD_BYTES:
                raise ValidationError(f"InputLocation {InputLocation} holds {size} bytes, over the asynchronous "
                                      f"inference limit of {ASYNC_MAX_PAYLOAD_BYTES} bytes (1 GB)")
        elif Body:
            if len(Body) > ASYNC_MAX_INLINE_BODY_BYTES:
                raise ValidationError(f"an inline Body holds at most {ASYNC_MAX_INLINE_BODY_BYTES} bytes, got "
                                      f"{len(Body)}; upload it and pass InputLocation")
        else:
            raise ValidationError("InputLocation is required: the s3:// URI of the request payload "
                                  "(upload it to the local bucket first)")
        if InferenceId is not None and not (1 <= len(InferenceId) <= 64):
            raise ValidationError(f"InferenceId must be 1-64 characters, got {InferenceId!r}")
        inference_id = InferenceId or str(uuid.uuid4())
        out, fail = self._async_paths()
        if S3OutputPathExtension:
            ext = S3OutputPathExtension.strip("/")
            out, fail = f"{out}/{ext}", f"{fail}/{ext}"
        output = f"{out}/{Filename or inference_id + '.out'}"
        failure = f"{fail}/{inference_id}-error.out"
        try:
            parse_s3_uri(output)
            parse_s3_uri(failure)
        except ValueError as exc:
            raise ValidationError(f"the output location would be invalid: {exc}") from None
        job = (InputLocation, Body, ContentType or "text/csv", Accept, inference_id, CustomAttributes, output, failure)
        self._async_workers().submit(job)
        return AsyncInvocation(inference_id, output, failure)

    def _run_async_job(self, input_location, body, content_type, accept, inference_id, custom, output, failure):
        store = self._store()
        inv = Invocation(self.name, b"", content_type, accept, None, None, custom, inference_id, mode="async")
        try:
            inv.Body = store.get(input_location) if input_location else body
            self._run(inv)
        except InvocationError as exc:
            store.put(failure, json.dumps({"ErrorCode": exc.code, "Message": exc.message, **exc.fields}) + "\n")
            return
        except Exception as exc:  # reading the input failed
            store.put(failure, json.dumps({"ErrorCode": "InternalFailure", "Message": repr(exc)}) + "\n")
            return
        store.put(output, inv.response_body)

    def wait_async(self, timeout: float | None = None) -> bool:
        """Block until every queued async request is done; False if ``timeout`` (s) passed first."""
        workers = self._async
        return True if workers is None else workers.wait(timeout)

    def __repr__(self) -> str:
        vs = ", ".join(f"{v.VariantName}:{v.InitialVariantWeight:g}" for v in self.variants)
        return f"LocalEndpoint({self.name!r}, variants=[{vs}])"


# -- the HTTP application --------------------------------------------------------
_RUNTIME_PATH = re.compile(r"^/endpoints/([^/]+)/(invocations|async-invocations)$")


class _App:
    """Maps HTTP requests onto endpoints (shared by the in-process server and worker processes)."""

    def __init__(self, endpoints: Sequence[LocalEndpoint], control_plane: bool = True):
        self.control_plane = control_plane  # False when several processes serve: an update would reach one
        self.endpoints = {e.name: e for e in endpoints}
        self.default = endpoints[0]
        self._ids = itertools.count(1)
        self._prefix = uuid.uuid4().hex[:8]

    def __call__(self, req: Request) -> Response:
        rid = f"{self._prefix}-{next(self._ids):08x}"
        path = req.path
        if path == "/ping":
            if req.method not in ("GET", "HEAD"):
                return Response(405, [("Allow", "GET")])
            ok = all(e.ready for e in self.endpoints.values())
            return Response(200 if ok else 503, [("Content-Type", "text/plain")], b"\n" if ok else b"loading\n")
        if path == "/invocations":
            return self._container(req)
        if path == "/" and req.headers.get("x-amz-target", "").startswith("SageMaker."):
            return self._control_plane(req, rid)
        m = _RUNTIME_PATH.match(path)
        if m is None:
            return Response(404, [("Content-Type", "text/plain")], f"no route for {req.method} {path}\n".encode())
        if req.method != "POST":
            return Response(405, [("Allow", "POST")])
        name = m.group(1)
        if "%" in name:
            from urllib.parse import unquote

            name = unquote(name)
        try:
            ep = self.endpoints.get(name)
            if ep is None:
                raise ValidationError(f"Endpoint {name} of account {ACCOUNT_ID} not found.")
            if m.group(2) == "invocations":
                return self._invoke(ep, req, rid)
            return self._invoke_async(ep, req, rid)
        except InvocationError as exc:
            return exc.to_response(rid)

    def _invoke(self, ep: LocalEndpoint, req: Request, rid: str) -> Response:
        h = req.headers
        r = ep.invoke(req.body, h.get("content-type"), h.get("accept"),
                      TargetVariant=h.get("x-amzn-sagemaker-target-variant"),
                      TargetModel=h.get("x-amzn-sagemaker-target-model"),
                      CustomAttributes=h.get("x-amzn-sagemaker-custom-attributes"),
                      InferenceId=h.get("x-amzn-sagemaker-inference-id"))
        headers = [("Content-Type", r.ContentType), ("x-Amzn-Invoked-Production-Variant", r.InvokedProductionVariant),
                   ("x-amzn-RequestId", rid)]
        if r.CustomAttributes:
            headers.append(("X-Amzn-SageMaker-Custom-Attributes", r.CustomAttributes))
        return Response(200, headers, r.Body)

    def _invoke_async(self, ep: LocalEndpoint, req: Request, rid: str) -> Response:
        h = req.headers
        a = ep.invoke_async(
            h.get("x-amzn-sagemaker-inputlocation"),
            h.get("x-amzn-sagemaker-content-type"),
            h.get("x-amzn-sagemaker-accept"),
            InferenceId=h.get("x-amzn-sagemaker-inference-id"),
            CustomAttributes=h.get("x-amzn-sagemaker-custom-attributes"),
            S3OutputPathExtension=h.get("x-amzn-sagemaker-s3outputpathextension"),
            Filename=h.get("x-amzn-sagemaker-filename"),
            Body=req.body or None,
        )
        headers = [("Content-Type", "application/json"), ("X-Amzn-SageMaker-OutputLocation", a.OutputLocation),
                   ("X-Amzn-SageMaker-FailureLocation", a.FailureLocation), ("x-amzn-RequestId", rid)]
        return Response(202, headers, json.dumps({"InferenceId": a.InferenceId}).encode())

    def _control_plane(self, req: Request, rid: str) -> Response:
        """The ``sagemaker`` client's JSON 1.1 calls this server implements: UpdateEndpointWeightsAndCapacities."""
        op = req.headers.get("x-amz-target", "")[len("SageMaker."):]

        def error(status, code, message):
            return Response(status, [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-RequestId", rid)],
                            json.dumps({"__type": code, "message": message}).encode())

        if op != "UpdateEndpointWeightsAndCapacities":
            return error(400, "UnknownOperationException", f"this local server implements only "
                         f"UpdateEndpointWeightsAndCapacities of the sagemaker API, not {op}")
        if not self.control_plane:
            return error(400, "ValidationException", "UpdateEndpointWeightsAndCapacities needs workers=1: "
                         "with several server processes an update would reach only one of them")
        try:
            params = json.loads(req.body or b"{}")
            ep = self.endpoints.get(params.get("EndpointName"))
            if ep is None:
                return error(400, "ValidationException", f"Could not find endpoint {params.get('EndpointName')!r}.")
            out = ep.update_weights_and_capacities(params.get("DesiredWeightsAndCapacities"))
        except (ValueError, TypeError) as exc:
            return error(400, "ValidationException", str(exc))
        return Response(200, [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-RequestId", rid)],
                        json.dumps(out).encode())

    def _container(self, req: Request) -> Response:
        """``POST /invocations``: the container contract, plain status codes, no 6 MB cap (batch transform)."""
        if req.method != "POST":
            return Response(405, [("Allow", "POST")])
        ep = self.default
        inv = Invocation(ep.name, req.body, req.headers.get("content-type") or "text/csv", req.headers.get("accept"))
        try:
            ep._run(inv)
        except ValidationError as exc:
            status = 415 if ("ContentType must" in exc.message or "Accept must" in exc.message) else 400
            return Response(status, [("Content-Type", "text/plain")], (exc.message + "\n").encode())
        except ModelNotReadyException as exc:
            return Response(503, [("Content-Type", "text/plain")], (exc.message + "\n").encode())
        except InvocationError as exc:
            return Response(500, [("Content-Type", "text/plain")],
                            (exc.fields.get("OriginalMessage", exc.message) + "\n").encode())
        return Response(200, [("Content-Type", inv.response_content_type)], inv.response_body)


# -- the server ------------------------------------------------------------------
def _bind(host: str, port: int, reuse_port: bool) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
        sock.listen(1024)
    except OSError:
        sock.close()
        raise
    sock.setblocking(False)
    return sock


class EndpointServer:
    """Serve endpoints over HTTP on ``host:port`` (port 0 = a free port) until ``stop()``.

    ``start()`` loads the models (or, with ``load_in_background=True``, starts
    loading them while ``/ping`` answers 503 and invocations answer
    ``ModelNotReadyException``), binds, and returns once the server listens;
    ``url`` is then ``http://host:port``. ``workers`` > 1 adds that many - 1
    worker processes sharing the port (``SO_REUSEPORT``, Linux/macOS); each
    loads the models from artifacts. ``stop()`` closes every connection and
    joins every thread and process it started. As a context manager it
    yields the URL.
    """

    def __init__(self, endpoints: Sequence[LocalEndpoint], host: str = "127.0.0.1", port: int = 0, *,
                 workers: int = 1, load_in_background: bool = False):
        self.endpoints = list(endpoints)
        self.host = host
        self.port = port
        self.workers = workers
        self.load_in_background = load_in_background
        if not self.endpoints:
            raise ValueError("endpoints must hold at least one LocalEndpoint, got none")
        names = [e.name for e in self.endpoints]
        if len(set(names)) != len(names):
            raise ValueError(f"endpoints must have distinct names, got {names}")
        check_int("port", port, low=0, high=65535)
        check_int("workers", workers, low=1, high=64)
        if workers > 1 and not hasattr(socket, "SO_REUSEPORT"):
            raise ValueError(f"workers must be 1 on this platform (no SO_REUSEPORT), got {workers}")
        if workers > 1 and any(e.hooks for e in self.endpoints):
            raise ValueError("workers must be 1 when endpoints have hooks (hooks run in this process only), "
                             f"got {workers}")
        self._thread: ServerThread | None = None
        self._loader: threading.Thread | None = None
        self._procs: list = []
        self._tmpdir = None
        self.url: str | None = None

    def start(self) -> "EndpointServer":
        if self._thread is not None:
            return self
        if self.load_in_background:
            for e in self.endpoints:
                for v in e.variants:
                    v._loading = not v.ready
            self._loader = threading.Thread(target=self._load_all, name="mlkit-endpoint-loader", daemon=True)
            self._loader.start()
        else:
            self._load_all()
        sock = _bind(self.host, self.port, reuse_port=self.workers > 1)
        port = sock.getsockname()[1]
        try:
            if self.workers > 1:
                self._start_workers(port)
            self._thread = ServerThread(_App(self.endpoints, control_plane=self.workers == 1), sock,
                                        max_body=HTTP_MAX_BODY).start()
        except BaseException:
            sock.close()
            self._stop_workers()
            raise
        host = f"[{self.host}]" if ":" in self.host else self.host
        self.url = f"http://{host}:{port}"
        return self

    def _load_all(self):
        for e in self.endpoints:
            for v in e.variants:
                try:
                    v.load(e._store())
                except Exception:
                    if not self.load_in_background:
                        raise
                    log.exception("loading variant %s of endpoint %s failed", v.VariantName, e.name)
                finally:
                    v._loading = False

    # worker processes -----------------------------------------------------------
    def _start_workers(self, port: int) -> None:
        import multiprocessing as mp
        import tempfile

        from mlkit.artifacts import save_model

        self._tmpdir = tempfile.TemporaryDirectory(prefix="mlkit-serve-")
        specs = []
        for e in self.endpoints:
            vs = []
            for v in e.variants:
                src = v.model
                trusted = list(v.trusted or ())
                if not isinstance(src, (str, os.PathLike)):
                    model = src.model if isinstance(src, ServingModel) else src
                    src = save_model(model, os.path.join(self._tmpdir.name, e.name, v.VariantName))
                    if not type(model).__module__.startswith("xgboost"):
                        # we wrote this file from the caller's own object: its types are trusted
                        import skops.io as sio

                        trusted += sio.get_untrusted_types(data=sio.dumps(model))
                vs.append({"VariantName": v.VariantName, "model": str(src),
                           "InitialVariantWeight": v.InitialVariantWeight, "output": v.output,
                           "trusted": trusted or None})
            store_root = str(e._store().root_path)
            async_paths = e._async_paths()
            specs.append({"name": e.name, "variants": vs, "seed": e.seed, "store_root": store_root,
                          "async_paths": async_paths})
        ctx = mp.get_context("spawn")
        for i in range(self.workers - 1):
            parent_conn, child_conn = ctx.Pipe()
            seed_offset = i + 1
            p = ctx.Process(target=_worker_main, args=(specs, self.host, port, child_conn, seed_offset),
                            name=f"mlkit-endpoint-worker-{i + 1}", daemon=True)
            p.start()
            child_conn.close()
            self._procs.append((p, parent_conn))
        for p, conn in self._procs:
            if not conn.poll(120):
                raise RuntimeError(f"endpoint worker process {p.name} did not start within 120 s")
            msg = conn.recv()
            if msg != "ready":
                raise RuntimeError(f"endpoint worker process {p.name} failed to start: {msg}")

    def _stop_workers(self) -> None:
        for p, conn in self._procs:
            try:
                conn.send("stop")
            except (OSError, BrokenPipeError):
                pass
        for p, conn in self._procs:
            p.join(10)
            if p.is_alive():
                p.terminate()
                p.join(5)
            conn.close()
        self._procs = []
        if self._tmpdir is not None:
            self._tmpdir.cleanup()
            self._tmpdir = None

    def stop(self) -> None:
        """Stop serving: connections, server thread, worker processes, async workers (idempotent)."""
        if self._thread is not None:
            self._thread.stop()
            self._thread = None
        self._stop_workers()
        if self._loader is not None:
            self._loader.join()
            self._loader = None
        for e in self.endpoints:
            e.close()

    def __enter__(self) -> str:
        self.start()
        return self.url

    def __exit__(self, *exc) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = self.url or "stopped"
        return f"EndpointServer({[e.name for e in self.endpoints]}, {state}, workers={self.workers})"


def _worker_main(specs, host, port, conn, seed_offset):  # pragma: no cover - runs in a child process
    """Entry of a worker process: rebuild the endpoints from artifacts, serve the shared port until told to stop."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when we stop
    try:
        from mlkit.storage import LocalBucketStore

        endpoints = []
        for s in specs:
            variants = [ProductionVariant(**v) for v in s["variants"]]
            seed = None if s["seed"] is None else int(s["seed"]) + seed_offset
            ep = LocalEndpoint(s["name"], variants, seed=seed, store=LocalBucketStore(s["store_root"]))
            out, fail = s["async_paths"]
            ep._async_paths = lambda out=out, fail=fail: (out, fail)
            endpoints.append(ep.load())
        sock = _bind(host, port, reuse_port=True)
        thread = ServerThread(_App(endpoints, control_plane=False), sock, max_body=HTTP_MAX_BODY).start()
    except BaseException as exc:
        conn.send(f"{type(exc).__name__}: {exc}")
        return
    conn.send("ready")
    try:
        conn.recv()  # "stop", or EOFError when the parent went away
    except (EOFError, OSError):
        pass
    thread.stop()
    for ep in endpoints:
        ep.close()


# -- command line ------------------------------------------------------------------
def serve_main(argv: Sequence[str] | None = None) -> int:
    """``mlkit serve MODEL [--name NAME] [--host H] [--port P] [--workers N] [--variant NAME=MODEL[:WEIGHT]]``.

    Serves until Ctrl-C, then stops cleanly; prints the URL and a boto3 snippet.
    Returns the process exit code.
    """
    import argparse

    parser = argparse.ArgumentParser(
        prog="mlkit serve",
        description="Serve models on a local endpoint that speaks SageMaker's InvokeEndpoint protocol.",
    )
    parser.add_argument("model", nargs="?", help="model.tar.gz, model folder, XGBoost .json/.ubj or .skops file "
                                                  "(local path or s3:// URI in the local bucket)")
    parser.add_argument("--name", default="mlkit-endpoint", help="EndpointName (default: mlkit-endpoint)")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port (default: 8080; 0 = any free port)")
    parser.add_argument("--workers", type=int, default=1, help="server processes sharing the port (default: 1)")
    parser.add_argument("--variant", action="append", default=[], metavar="NAME=MODEL[:WEIGHT]",
                        help="add a ProductionVariant (repeatable); MODEL as above, WEIGHT default 1")
    parser.add_argument("--seed", type=int, default=None, help="seed of the weighted routing")
    parser.add_argument("--trust", action="append", default=[], metavar="TYPE",
                        help="a skops type to trust when loading scikit-learn models (repeatable)")
    args = parser.parse_args(None if argv is None else list(argv))

    variants = []
    if args.model:
        variants.append(ProductionVariant("AllTraffic", args.model, trusted=args.trust or None))
    for spec in args.variant:
        name, sep, rest = spec.partition("=")
        if not sep or not rest:
            parser.error(f"--variant must look like NAME=MODEL[:WEIGHT], got {spec!r}")
        weight = 1.0
        path, colon, w = rest.rpartition(":")
        if colon and path and "/" not in w:
            try:
                rest, weight = path, float(w)
            except ValueError:
                pass
        variants.append(ProductionVariant(name, rest, weight, trusted=args.trust or None))
    if not variants:
        parser.error("give a MODEL or at least one --variant NAME=MODEL")
    endpoint = LocalEndpoint(args.name, variants, seed=args.seed)
    server = EndpointServer([endpoint], host=args.host, port=args.port, workers=args.workers)
    server.start()
    print(f"Endpoint {args.name} serving at {server.url} (variants: {[v.VariantName for v in variants]}, "
          f"workers: {args.workers}); Ctrl-C stops it.")
    print(f'  boto3.client("sagemaker-runtime", endpoint_url="{server.url}", region_name="us-east-1", '
          f'aws_access_key_id="x", aws_secret_access_key="x").invoke_endpoint(EndpointName="{args.name}", '
          f'Body=b"...", ContentType="text/csv")', flush=True)
    stop = threading.Event()
    import signal

    previous = signal.signal(signal.SIGTERM, lambda *a: stop.set()) if threading.current_thread() is threading.main_thread() else None
    try:
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        print("Endpoint stopped.", flush=True)
    return 0
