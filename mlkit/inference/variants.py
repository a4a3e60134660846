"""Production and shadow variants on the local endpoint: weights, live weight changes, shadow tests.

A :class:`VariantEndpoint` is the one local endpoint
(:class:`~mlkit.inference.server.LocalEndpoint`) with what SageMaker's
multi-variant endpoints add:

* several **production variants** share un-targeted traffic by weight
  (weights 2 and 1 give two thirds and one third), drawn from one seeded
  Generator; ``TargetVariant`` always wins; :meth:`update_weights_and_capacities`
  (``UpdateEndpointWeightsAndCapacities``) changes the split on the live
  endpoint, from the next request on, without a restart;
* a **shadow variant** (``ShadowProductionVariants``) receives a copy of a
  sample of the production requests, off the caller's path: a worker thread
  with a bounded queue runs the shadow model and logs its answer and latency;
  a full queue drops the mirror (counted), never the caller's request; the
  shadow's answer, or its failure, is never returned;
* :meth:`VariantEndpoint.compare_shadow` turns the log into a
  :class:`ShadowComparison` (agreement with production, latency percentiles,
  error rates, promote or not, with the reasons).

How SageMaker sets the sample (what we found in the API reference and
botocore's service model): ``CreateEndpointConfig.ShadowProductionVariants``
is a list of ordinary ``ProductionVariant`` structures (at most one, and then
exactly one production variant) and has no sampling field; the share of
production requests copied to the shadow is the shadow's
``InitialVariantWeight`` relative to the production variant's (weight 1 and
0.5: half the requests are copied). The explicit ``SamplingPercentage``
(an integer, at most 100) belongs to ``CreateInferenceExperiment``'s
``ShadowModeConfig.ShadowModelVariants``, the console's shadow tests. The
kit follows the endpoint-configuration form and shows the percentage as
:attr:`VariantEndpoint.SamplingPercentage`.

    >>> from sklearn.dummy import DummyRegressor
    >>> a = DummyRegressor(strategy="constant", constant=1.0).fit([[0]], [1.0])
    >>> b = DummyRegressor(strategy="constant", constant=2.0).fit([[0]], [2.0])
    >>> with VariantEndpoint("shop", [ProductionVariant("A", a, 1.0), ProductionVariant("B", b, 0.0)],
    ...                      seed=0) as ep:
    ...     first = ep.invoke(b"5\\n").InvokedProductionVariant
    ...     _ = ep.update_weights_and_capacities([{"VariantName": "A", "DesiredWeight": 0.0},
    ...                                           {"VariantName": "B", "DesiredWeight": 1.0}])
    ...     print(first, ep.invoke(b"5\\n").InvokedProductionVariant)
    A B
"""

from __future__ import annotations

import io
import json
import logging
import math
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Sequence

from mlkit._checks import check_float, check_int, make_rng
from mlkit.aws import AwsRequest
from mlkit.inference.server import (
    ACCOUNT_ID,
    REGION,
    _VARIANT_NAME,
    InvocationError,
    Invocation,
    LocalEndpoint,
    ProductionVariant,
)
from mlkit.report import Report, html_table

__all__ = [
    "ProductionVariant",
    "VariantEndpoint",
    "ShadowComparison",
    "UpdateEndpointWeightsAndCapacities",
    "split_table",
]

log = logging.getLogger("mlkit.variants")


_MODEL_NAME_MAX = 63


def _model_name(variant: str) -> str:
    return f"{variant}-model"[:_MODEL_NAME_MAX].rstrip("-")


def _variant_dict(v: ProductionVariant, model_name: str) -> dict:
    return {
        "VariantName": v.VariantName,
        "ModelName": model_name,
        "InstanceType": v.InstanceType,
        "InitialInstanceCount": int(v.InitialInstanceCount),
        "InitialVariantWeight": float(v.InitialVariantWeight),
    }


def wilson_interval(successes: int, n: int, confidence: float = 0.999) -> tuple[float, float]:
    """The Wilson score interval of a binomial proportion: ``(low, high)``; ``(0, 1)`` when ``n`` is 0."""
    from statistics import NormalDist

    if n == 0:
        return 0.0, 1.0
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def split_table(counts: dict, weights: dict, confidence: float = 0.999):
    """Configured against observed traffic shares, one row per variant, with a binomial bound.

    In: ``counts`` (requests each variant answered) and ``weights`` (the
    weights in force while they were counted). Out: a DataFrame indexed by
    VariantName with ``weight``, ``configured_share`` (weight / sum of
    weights), ``requests``, ``observed_share``, ``low``/``high`` (the Wilson
    interval of the observed share at ``confidence``) and ``within`` (the
    configured share lies in the interval). ``ValueError`` for a
    ``confidence`` outside (0, 1) or variants that differ between the two.
    """
    import pandas as pd

    confidence = check_float("confidence", confidence, 0.0, 1.0, low_open=True, high_open=True)
    if set(counts) != set(weights):
        raise ValueError(f"counts and weights must name the same variants, got {sorted(counts)} and {sorted(weights)}")
    total_w = float(sum(weights.values()))
    n = int(sum(counts.values()))
    rows = []
    for name, w in weights.items():
        k = int(counts[name])
        low, high = wilson_interval(k, n, confidence)
        share = w / total_w if total_w > 0 else float("nan")
        rows.append({"VariantName": name, "weight": float(w), "configured_share": share, "requests": k,
                     "observed_share": k / n if n else float("nan"), "low": low, "high": high,
                     "within": bool(low <= share <= high) if n else True})
    return pd.DataFrame(rows).set_index("VariantName")


# -- shadow mirroring ----------------------------------------------------------------
def _decode_predictions(body: bytes | None, content_type: str | None):
    """Prediction bytes (as the endpoint encodes them) -> a flat float array, or None if unreadable."""
    import numpy as np

    if body is None:
        return None
    try:
        ctype = (content_type or "text/csv").split(";")[0].strip().lower()
        if ctype == "application/json":
            return np.asarray(json.loads(body)["predictions"], dtype=float).ravel()
        if ctype == "application/x-npy":
            return np.load(io.BytesIO(body), allow_pickle=False).astype(float).ravel()
        text = body.decode()
        return np.asarray([float(x) for line in text.splitlines() for x in line.split(",") if x.strip()])
    except Exception:  # noqa: BLE001 - an unreadable answer is counted as a disagreement, never raised
        return None


class _ShadowMirror:
    """The hook that copies a sample of production requests to the shadow, on a worker thread.

    ``__call__`` (on the caller's path) only draws the sample and does a
    ``put_nowait``; a full queue counts a drop. The worker runs the shadow
    model through its own small endpoint, so payload handling is the same as
    production's, and logs one record per mirrored request.
    """

    def __init__(self, endpoint: "VariantEndpoint", shadow: ProductionVariant, production: str,
                 fraction: float, rng, max_queue: int):
        self.shadow = shadow
        self.production = production
        self.fraction = fraction
        self.rng = rng
        self.shadow_endpoint = LocalEndpoint(shadow.VariantName, [shadow], store=endpoint.store)
        # its failures go to the shadow log (shadow_error), not as tracebacks into the learner's cell
        self.shadow_endpoint.log_model_errors = False
        self.queue: queue.Queue = queue.Queue(maxsize=max_queue)
        self.records: list[dict] = []
        self.dropped = 0
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def __call__(self, inv: Invocation) -> None:
        if inv.mode != "real-time" or inv.variant != self.production:
            return
        if self.fraction < 1.0:
            with self._lock:
                if self.rng.random() >= self.fraction:
                    return
        self._ensure_worker()
        job = (inv.Body, inv.ContentType, inv.Accept, inv.response_body, inv.response_content_type,
               inv.seconds, None if inv.error is None else inv.error.code)
        try:
            self.queue.put_nowait(job)
        except queue.Full:
            with self._lock:
                self.dropped += 1

    def _ensure_worker(self) -> None:
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, daemon=True,
                                                    name=f"mlkit-shadow-{self.shadow.VariantName}")
                    self._thread.start()

    def _run(self) -> None:
        while True:
            job = self.queue.get()
            try:
                if job is None:
                    return
                self._mirror(*job)
            except Exception:  # noqa: BLE001 - the worker must outlive any one request
                log.exception("shadow mirroring failed outside the model")
            finally:
                self.queue.task_done()

    def _mirror(self, body, ctype, accept, prod_body, prod_ctype, prod_seconds, prod_error) -> None:
        t0 = time.perf_counter()
        shadow_body = shadow_ctype = shadow_error = None
        try:
            r = self.shadow_endpoint.invoke(body, ctype, accept)
            shadow_body, shadow_ctype = r.Body, r.ContentType
        except InvocationError as exc:
            shadow_error = exc.code
        except Exception as exc:  # noqa: BLE001 - whatever the shadow does, production never sees it
            shadow_error = type(exc).__name__
        seconds = time.perf_counter() - t0
        record = {"production_variant": self.production, "shadow_variant": self.shadow.VariantName,
                  "production_ms": prod_seconds * 1000.0, "shadow_ms": seconds * 1000.0,
                  "production_error": prod_error, "shadow_error": shadow_error,
                  "production_output": _decode_predictions(prod_body, prod_ctype),
                  "shadow_output": _decode_predictions(shadow_body, shadow_ctype)}
        with self._lock:
            self.records.append(record)

    def wait(self, timeout: float | None = None) -> bool:
        from mlkit.inference.server import wait_until_done

        return wait_until_done(self.queue, timeout)

    def close(self) -> None:
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self.queue.put(None)  # after every queued mirror: they finish first
            thread.join()
        self.shadow_endpoint.close()


@dataclass
class ShadowComparison(Report):
    """A shadow test's evidence: agreement, latency percentiles, error rates, and the decision.

    ``agreement`` is the share of compared prediction values where shadow and
    production agree (both read as numbers; within ``rtol``/``atol``, or on the
    same side of ``threshold`` when one was given); NaN when nothing was
    compared. Latencies are what each side took to answer, in milliseconds.
    ``promote`` is True only when every criterion holds; ``reasons`` says
    which held and which did not.
    """

    production_variant: str
    shadow_variant: str
    SamplingPercentage: float
    mirrored: int
    dropped: int
    compared_values: int
    agreement: float
    production_p50_ms: float
    production_p90_ms: float
    production_p99_ms: float
    shadow_p50_ms: float
    shadow_p90_ms: float
    shadow_p99_ms: float
    production_error_rate: float
    shadow_error_rate: float
    promote: bool
    reasons: list = field(default_factory=list)

    def to_frame(self):
        """Production beside shadow: a DataFrame with one row per measure."""
        import pandas as pd

        rows = {
            "p50 latency (ms)": (self.production_p50_ms, self.shadow_p50_ms),
            "p90 latency (ms)": (self.production_p90_ms, self.shadow_p90_ms),
            "p99 latency (ms)": (self.production_p99_ms, self.shadow_p99_ms),
            "error rate": (self.production_error_rate, self.shadow_error_rate),
        }
        return pd.DataFrame(rows, index=[self.production_variant, self.shadow_variant]).T

    def _repr_html_(self) -> str:
        head = {"decision": "promote" if self.promote else "do not promote", "mirrored": self.mirrored,
                "dropped": self.dropped, "agreement": f"{self.agreement:.4f}"}
        return (html_table(head, "Shadow test") + self.to_frame().to_html(float_format=lambda v: f"{v:.3g}")
                + "<ul>" + "".join(f"<li>{r}</li>" for r in self.reasons) + "</ul>")


# -- the endpoint ----------------------------------------------------------------------
class VariantEndpoint(LocalEndpoint, AwsRequest):
    """A local endpoint with weighted production variants, live weight changes and a shadow variant.

    In: ``name`` (the EndpointName), ``ProductionVariants`` (at least one;
    distinct names; weights >= 0, not all 0), ``ShadowProductionVariants``
    (at most one, and then exactly one production variant; its
    ``InitialVariantWeight`` relative to production's sets the share of
    requests copied, at most 100 %), ``seed`` (routing and sampling draws),
    ``max_shadow_queue`` (mirrors waiting for the shadow before new ones are
    dropped). Other keywords go to :class:`~mlkit.inference.server.LocalEndpoint`.

    State: ``invocation_counts`` (requests each production variant answered
    since the last :meth:`reset_counts`), the shadow log. ``invoke``,
    ``serve`` and ``update_weights_and_capacities`` are the endpoint's;
    ``close()`` (or leaving ``with``) finishes queued mirrors and stops the
    shadow worker. ``to_request()`` is the ``CreateEndpointConfig`` request.

    Errors (``ValueError`` naming the value): duplicate VariantName (also
    between production and shadow), negative weight, all weights 0, more than
    one shadow, a shadow with several production variants, a shadow weight
    above the production weight, a zero shadow weight.

    >>> from sklearn.dummy import DummyRegressor
    >>> m = DummyRegressor().fit([[0]], [3.0])
    >>> ep = VariantEndpoint("e", [ProductionVariant("A", m, 2), ProductionVariant("B", m, 1)], seed=1)
    >>> [ep.invoke(b"1\\n").InvokedProductionVariant for _ in range(3)]
    ['A', 'B', 'A']
    """

    aws_operation = "CreateEndpointConfig"

    def __init__(self, name: str, ProductionVariants: Sequence[ProductionVariant],
                 ShadowProductionVariants: Sequence[ProductionVariant] = (), *, seed=None,
                 max_shadow_queue: int = 1000, hooks=(), **kwargs):
        self.ProductionVariants = list(ProductionVariants)
        self.ShadowProductionVariants = list(ShadowProductionVariants)
        self.max_shadow_queue = max_shadow_queue
        for v in self.ProductionVariants:
            if not isinstance(v, ProductionVariant):
                raise TypeError(f"ProductionVariants must be ProductionVariant objects, got {type(v).__name__}")
        names = [v.VariantName for v in self.ProductionVariants]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"ProductionVariants must have distinct VariantName values; {dupes} appear more than once")
        if self.ProductionVariants and sum(v.InitialVariantWeight for v in self.ProductionVariants) <= 0:
            raise ValueError("InitialVariantWeight values must not all be 0 (each variant's share is its weight "
                             f"over the sum), got {[v.InitialVariantWeight for v in self.ProductionVariants]}")
        check_int("max_shadow_queue", max_shadow_queue, low=1)
        super().__init__(name, self.ProductionVariants, seed=seed, hooks=hooks, **kwargs)
        import numpy as np

        # one seed, two independent streams: routing (the parent's) and shadow sampling
        if isinstance(seed, np.random.Generator):
            self._sampling_rng = seed.spawn(1)[0]
        else:
            self._sampling_rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
        self._counts = {n: 0 for n in names}
        self._count_lock = threading.Lock()
        self.hooks.insert(0, self._count)
        self._mirror: _ShadowMirror | None = None
        if self.ShadowProductionVariants:
            self._mirror = self._make_mirror()
            self.hooks.append(self._mirror)

    def _make_mirror(self) -> _ShadowMirror:
        shadows = self.ShadowProductionVariants
        if len(shadows) > 1:
            raise ValueError(f"ShadowProductionVariants holds at most one variant, got {len(shadows)}")
        shadow = shadows[0]
        if not isinstance(shadow, ProductionVariant):
            raise TypeError(f"ShadowProductionVariants must be ProductionVariant objects, got {type(shadow).__name__}")
        if len(self.ProductionVariants) != 1:
            raise ValueError("with a shadow variant, ProductionVariants must hold exactly one variant "
                             f"(as in SageMaker), got {len(self.ProductionVariants)}")
        prod = self.ProductionVariants[0]
        if shadow.VariantName == prod.VariantName:
            raise ValueError(f"the shadow variant needs its own VariantName, got {shadow.VariantName!r} twice")
        pw, sw = float(prod.InitialVariantWeight), float(shadow.InitialVariantWeight)
        if pw <= 0:
            raise ValueError(f"the production variant's InitialVariantWeight must be > 0, got {pw}")
        if not 0 < sw <= pw:
            raise ValueError("the shadow's InitialVariantWeight sets the share of production requests copied to it "
                             f"(shadow weight / production weight, up to 100 %); it must be > 0 and <= {pw:g}, "
                             f"got {sw:g}")
        return _ShadowMirror(self, shadow, prod.VariantName, sw / pw, self._sampling_rng, self.max_shadow_queue)

    # -- counting ------------------------------------------------------------------
    def _count(self, inv: Invocation) -> None:
        if inv.variant is not None and inv.error is None:
            with self._count_lock:
                self._counts[inv.variant] += 1

    @property
    def invocation_counts(self) -> dict:
        """Requests each production variant answered since creation or the last :meth:`reset_counts`."""
        with self._count_lock:
            return dict(self._counts)

    def reset_counts(self) -> None:
        """Start counting the observed split afresh (e.g. after a weight change)."""
        with self._count_lock:
            self._counts = {n: 0 for n in self._counts}

    def observed_split(self, confidence: float = 0.999):
        """:func:`split_table` of the counts against the current weights."""
        return split_table(self.invocation_counts, self.current_weights, confidence)

    # -- shadow ----------------------------------------------------------------------
    @property
    def SamplingPercentage(self) -> float | None:
        """Percentage of production requests copied to the shadow (None without a shadow)."""
        return None if self._mirror is None else 100.0 * self._mirror.fraction

    def wait_shadow(self, timeout: float | None = None) -> bool:
        """Block until every queued mirror is done; False if ``timeout`` (s) passed first."""
        return True if self._mirror is None else self._mirror.wait(timeout)

    @property
    def shadow_dropped(self) -> int:
        """Mirrors dropped because the shadow's queue was full (the caller was never slowed)."""
        return 0 if self._mirror is None else self._mirror.dropped

    def shadow_log(self):
        """One row per mirrored request: latencies (ms), errors, both outputs (DataFrame)."""
        import pandas as pd

        cols = ["production_variant", "shadow_variant", "production_ms", "shadow_ms", "production_error",
                "shadow_error", "production_output", "shadow_output"]
        if self._mirror is None:
            raise ValueError(f"endpoint {self.name} has no ShadowProductionVariants, so there is no shadow log")
        with self._mirror._lock:
            records = list(self._mirror.records)
        return pd.DataFrame(records, columns=cols)

    def compare_shadow(self, *, min_agreement: float = 0.95, max_latency_ratio: float = 1.5,
                       max_error_rate: float = 0.01, threshold: float | None = None, rtol: float = 1e-6,
                       atol: float = 1e-6, timeout: float | None = 30.0) -> ShadowComparison:
        """Wait for queued mirrors, then compare shadow with production: a :class:`ShadowComparison`.

        Promote only if agreement >= ``min_agreement``, the shadow's p99
        latency <= ``max_latency_ratio`` x production's, and the shadow's
        error rate <= ``max_error_rate``; at least one mirrored request is
        needed. ``threshold`` compares scores by the side of it they fall on
        (a classifier's label) instead of by value.
        """
        import numpy as np

        min_agreement = check_float("min_agreement", min_agreement, 0.0, 1.0)
        max_latency_ratio = check_float("max_latency_ratio", max_latency_ratio, low=0.0, low_open=True)
        max_error_rate = check_float("max_error_rate", max_error_rate, 0.0, 1.0)
        if threshold is not None:
            threshold = check_float("threshold", threshold)
        self.wait_shadow(timeout)
        frame = self.shadow_log()
        if frame.empty:
            raise ValueError("no request has been mirrored to the shadow yet; invoke the endpoint first")
        agree = total = 0
        for p, s in zip(frame["production_output"], frame["shadow_output"]):
            if p is None:
                continue  # production failed: nothing to agree with
            total += len(p)
            if s is None or len(s) != len(p):
                continue
            ok = ((p >= threshold) == (s >= threshold)) if threshold is not None else np.isclose(s, p, rtol, atol)
            agree += int(np.sum(ok))
        agreement = agree / total if total else float("nan")

        def pct(col, q, ok):
            vals = frame.loc[ok, col].to_numpy(float)
            return float(np.percentile(vals, q)) if len(vals) else float("nan")

        p_ok, s_ok = frame["production_error"].isna(), frame["shadow_error"].isna()
        prod_err, shadow_err = float(1 - p_ok.mean()), float(1 - s_ok.mean())
        stats = {f"{side}_p{q}_ms": pct(f"{side}_ms", q, ok) for side, ok in (("production", p_ok), ("shadow", s_ok))
                 for q in (50, 90, 99)}
        reasons, promote = [], True
        if not agreement >= min_agreement:  # NaN fails too
            promote = False
            reasons.append(f"agreement {agreement:.4f} is below the required {min_agreement:g}")
        else:
            reasons.append(f"agreement {agreement:.4f} meets the required {min_agreement:g}")
        ratio = stats["shadow_p99_ms"] / stats["production_p99_ms"] if stats["production_p99_ms"] > 0 else float("inf")
        if math.isnan(ratio):
            promote = False
            reasons.append("no latency to compare: every mirrored request failed on one side")
        elif not ratio <= max_latency_ratio:
            promote = False
            reasons.append(f"shadow p99 latency is {ratio:.2f}x production's, over the allowed {max_latency_ratio:g}x")
        else:
            reasons.append(f"shadow p99 latency is {ratio:.2f}x production's, within {max_latency_ratio:g}x")
        if shadow_err > max_error_rate:
            promote = False
            reasons.append(f"shadow error rate {shadow_err:.4f} is over the allowed {max_error_rate:g}")
        else:
            reasons.append(f"shadow error rate {shadow_err:.4f} is within {max_error_rate:g}")
        return ShadowComparison(self.ProductionVariants[0].VariantName, self._mirror.shadow.VariantName,
                                self.SamplingPercentage, len(frame), self.shadow_dropped, total, agreement,
                                **stats, production_error_rate=prod_err, shadow_error_rate=shadow_err,
                                promote=promote, reasons=reasons)

    def close(self) -> None:
        """Finish queued mirrors and async work; stop the shadow worker and async workers (idempotent)."""
        if self._mirror is not None:
            self._mirror.close()
        super().close()

    # -- export --------------------------------------------------------------------------
    def to_request(self, EndpointConfigName: str | None = None, ModelNames: dict | None = None) -> dict:
        """The ``CreateEndpointConfig`` request: ProductionVariants and ShadowProductionVariants.

        ``ModelNames`` maps VariantName to the ModelName created with
        ``CreateModel`` (default ``<VariantName>-model``).
        """
        names = dict(ModelNames or {})
        req = {"EndpointConfigName": EndpointConfigName or f"{self.name}-config"[:63].rstrip("-"),
               "ProductionVariants": [_variant_dict(v, names.get(v.VariantName, _model_name(v.VariantName)))
                                      for v in self.ProductionVariants]}
        if self.ShadowProductionVariants:
            req["ShadowProductionVariants"] = [_variant_dict(v, names.get(v.VariantName, _model_name(v.VariantName)))
                                               for v in self.ShadowProductionVariants]
        return req

    def __repr__(self) -> str:
        vs = ", ".join(f"{k}:{w:g}" for k, w in self.current_weights.items())
        shadow = f", shadow={self._mirror.shadow.VariantName}@{self.SamplingPercentage:g}%" if self._mirror else ""
        return f"VariantEndpoint({self.name!r}, variants=[{vs}]{shadow})"


@dataclass
class UpdateEndpointWeightsAndCapacities(AwsRequest):
    """The ``UpdateEndpointWeightsAndCapacities`` request: new weights/instance counts for a live endpoint.

    In: ``EndpointName`` and ``DesiredWeightsAndCapacities``, a list of
    ``{"VariantName", "DesiredWeight", "DesiredInstanceCount"}``. Checked on
    creation: at least one entry, each VariantName once and well formed,
    weights >= 0, instance counts >= 1. ``apply(endpoint)`` performs it on a
    local endpoint (which also checks the names exist and that some weight
    stays > 0); ``to_request()`` is what boto3's ``sagemaker`` client sends.

    >>> UpdateEndpointWeightsAndCapacities("shop", [{"VariantName": "B", "DesiredWeight": 3.0}]).to_request()
    {'EndpointName': 'shop', 'DesiredWeightsAndCapacities': [{'VariantName': 'B', 'DesiredWeight': 3.0}]}
    """

    EndpointName: str
    DesiredWeightsAndCapacities: list

    aws_operation = "UpdateEndpointWeightsAndCapacities"

    def __post_init__(self):
        if not isinstance(self.EndpointName, str) or not _VARIANT_NAME.match(self.EndpointName):
            raise ValueError("EndpointName must be 1-63 letters, digits or hyphens, starting and ending with a letter "
                             f"or digit, got {self.EndpointName!r}")
        items = self.DesiredWeightsAndCapacities
        if not isinstance(items, (list, tuple)) or not items:
            raise ValueError(f"DesiredWeightsAndCapacities must be a non-empty list of dicts, got {items!r}")
        seen = set()
        for i, item in enumerate(items):
            if not isinstance(item, dict) or not isinstance(item.get("VariantName"), str) \
                    or not _VARIANT_NAME.match(item["VariantName"]):
                raise ValueError(f"DesiredWeightsAndCapacities[{i}] must be a dict with a valid VariantName, got {item!r}")
            if item["VariantName"] in seen:
                raise ValueError(f"DesiredWeightsAndCapacities names variant {item['VariantName']!r} twice; name each once")
            seen.add(item["VariantName"])
            if item.get("DesiredWeight") is not None:
                check_float(f"DesiredWeightsAndCapacities[{i}].DesiredWeight", item["DesiredWeight"], low=0.0)
            if item.get("DesiredInstanceCount") is not None:
                check_int(f"DesiredWeightsAndCapacities[{i}].DesiredInstanceCount", item["DesiredInstanceCount"], low=1)

    def to_request(self) -> dict:
        """The request parameters, numbers as the API types them (float weight, int count)."""
        out = []
        for item in self.DesiredWeightsAndCapacities:
            d = {"VariantName": item["VariantName"]}
            if item.get("DesiredWeight") is not None:
                d["DesiredWeight"] = float(item["DesiredWeight"])
            if item.get("DesiredInstanceCount") is not None:
                d["DesiredInstanceCount"] = int(item["DesiredInstanceCount"])
            out.append(d)
        return {"EndpointName": self.EndpointName, "DesiredWeightsAndCapacities": out}

    def apply(self, endpoint: LocalEndpoint) -> dict:
        """Perform the update on ``endpoint`` (whose name must match); returns ``{"EndpointArn": ...}``."""
        if endpoint.name != self.EndpointName:
            raise ValueError(f"EndpointName is {self.EndpointName!r} but the endpoint given is {endpoint.name!r}")
        return endpoint.update_weights_and_capacities(self.to_request()["DesiredWeightsAndCapacities"])


def endpoint_arn(name: str) -> str:
    """The ARN SageMaker gives an endpoint of this name (in the kit's local account and region)."""
    return f"arn:aws:sagemaker:{REGION}:{ACCOUNT_ID}:endpoint/{name.lower()}"
