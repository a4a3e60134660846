"""Choose an inference mode from the workload, with the reasons and the limits they rest on.

:func:`recommend_mode` applies the decision rules of SageMaker's deployment
guide ("Model deployment options", https://docs.aws.amazon.com/sagemaker/latest/dg/how-it-works-deployment.html):

* no caller waits for each prediction / a whole dataset to score -> **batch transform**
  (no persistent endpoint; instances billed only while the job runs);
* payload over 6 MB or processing over 60 s (up to 1 GB and 1 hour), near-real-time
  latency -> **asynchronous inference**;
* idle periods between bursts (or spikes) and a caller that tolerates cold
  starts -> **serverless inference**, unless the endpoint needs a VPC (serverless
  endpoints cannot be configured with one), the payload is over 4 MB or the
  model needs more than 6 GB of memory;
* interactive, low-latency, steady traffic -> **real-time inference**.

Every reason names the limit or trade-off it rests on (``Reason.rests_on``);
modes not chosen come with the reasons they were rejected.

>>> rec = recommend_mode(payload_mb=0.01, processing_s=0.2, latency="near-real-time", traffic="intermittent")
>>> rec.mode
'serverless'
>>> rec = recommend_mode(payload_mb=0.01, processing_s=0.2, latency="near-real-time", traffic="intermittent", needs_vpc=True)
>>> rec.mode, rec.rejected["serverless"][0].rests_on
('async', 'serverless feature exclusion: no VPC configuration')
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mlkit._checks import check_float, check_int, check_one_of

__all__ = ["LATENCIES", "TRAFFIC_SHAPES", "Reason", "Recommendation", "NoModeFitsError", "recommend_mode"]

#: How long a caller can wait: an answer within the call (interactive), seconds to
#: minutes through a notification or S3 (near-real-time), or nobody waits (none).
LATENCIES = ("interactive", "near-real-time", "none")
#: Traffic shapes: steady, intermittent (idle periods between bursts), spiky, or a dataset scored offline.
TRAFFIC_SHAPES = ("steady", "intermittent", "spiky", "offline-dataset")

_MODE_NAMES = {
    "real-time": "real-time inference",
    "serverless": "serverless inference",
    "async": "asynchronous inference",
    "batch": "batch transform",
}

# What each reason rests on: the documented limit or the trade-off.
RT_PAYLOAD = "real-time payload limit: 6 MB"
RT_TIME = "real-time processing limit: 60 s"
RT_LIMITS = "real-time limits: 6 MB payload, 60 s processing"
SL_PAYLOAD = "serverless payload limit: 4 MB"
SL_TIME = "serverless processing limit: 60 s"
SL_MEMORY = "serverless memory limit: 6144 MB"
SL_VPC = "serverless feature exclusion: no VPC configuration"
SL_COLD = "trade-off: serverless cold starts after idle periods"
SL_SUSTAINED = "trade-off: serverless pays per millisecond, an always-on instance is cheaper at sustained load"
SL_SCALE = "trade-off: serverless scales per request to MaxConcurrency (up to 200) and to zero when idle"
AS_PAYLOAD = "async payload limit: 1 GB"
AS_TIME = "async processing limit: 1 hour"
AS_RESPONSE = "trade-off: async answers through S3 (and SNS), not in the call"
AS_QUEUE = "trade-off: async queues requests and can scale to zero (MinCapacity 0)"
BT_RECORD = "batch limit: MaxPayloadInMB <= 100 per mini-batch"
BT_TIME = "batch limit: InvocationsTimeoutInSeconds <= 3600 per mini-batch"
BT_OFFLINE = "trade-off: batch transform has no endpoint; nobody gets an answer per request"
BT_COST = "trade-off: batch transform bills instances only while the job runs"
RT_ALWAYS_ON = "trade-off: a real-time endpoint bills its instances all the time, busy or idle"
RT_LOW_LATENCY = "trade-off: real-time instances are always warm: lowest, steadiest latency"
NEEDS_ANSWER = "trade-off: the caller waits for the answer in the call"


@dataclass(frozen=True)
class Reason:
    """One reason: a sentence (``text``) and the limit or trade-off it rests on (``rests_on``)."""

    text: str
    rests_on: str

    def __str__(self) -> str:
        return f"{self.text} [{self.rests_on}]"


@dataclass(frozen=True)
class Recommendation:
    """The chosen ``mode`` (one of ``mlkit.inference.config.MODES``), why (``reasons``), and why not the others (``rejected``)."""

    mode: str
    reasons: list
    rejected: dict
    inputs: dict = field(default_factory=dict)

    @property
    def mode_name(self) -> str:
        """The mode as the notes name it, e.g. ``'asynchronous inference'``."""
        return _MODE_NAMES[self.mode]

    def example_config(self):
        """A default configuration object of the chosen mode (to simulate or export)."""
        from mlkit.inference import config as c

        return {"real-time": c.RealTimeConfig, "serverless": c.ServerlessConfig,
                "async": c.AsyncInferenceConfig, "batch": c.BatchTransformConfig}[self.mode]()

    def to_dict(self) -> dict:
        """Plain data: mode, reasons and rejected modes as ``{"text", "rests_on"}`` dicts, and the inputs."""
        as_dicts = lambda rs: [{"text": r.text, "rests_on": r.rests_on} for r in rs]  # noqa: E731
        return {"mode": self.mode, "reasons": as_dicts(self.reasons),
                "rejected": {m: as_dicts(rs) for m, rs in self.rejected.items()}, "inputs": dict(self.inputs)}

    def __str__(self) -> str:
        lines = [f"Recommended: {self.mode_name}"] + [f"  + {r}" for r in self.reasons]
        for mode, reasons in self.rejected.items():
            lines.append(f"Not {_MODE_NAMES[mode]}:")
            lines += [f"  - {r}" for r in reasons]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        import html

        def items(rs):
            return "".join(f"<li>{html.escape(r.text)} <small>[{html.escape(r.rests_on)}]</small></li>" for r in rs)

        parts = [f"<b>Recommended: {html.escape(self.mode_name)}</b><ul>{items(self.reasons)}</ul>"]
        for mode, reasons in self.rejected.items():
            parts.append(f"Not {html.escape(_MODE_NAMES[mode])}:<ul>{items(reasons)}</ul>")
        return "<div>" + "".join(parts) + "</div>"


class NoModeFitsError(ValueError):
    """No inference mode can serve the workload (e.g. more than an hour per prediction)."""


def recommend_mode(*, payload_mb, processing_s, latency: str = "interactive", traffic: str = "steady",
                   needs_vpc: bool = False, dataset_gb=None, model_memory_mb=None,
                   tolerates_cold_starts: bool | None = None) -> Recommendation:
    """Pick real-time, serverless, async or batch for a workload; return a :class:`Recommendation`.

    In: ``payload_mb`` (one request's payload, MB, >= 0), ``processing_s``
    (one prediction's processing time, s, >= 0), ``latency`` (one of
    :data:`LATENCIES`), ``traffic`` (one of :data:`TRAFFIC_SHAPES`),
    ``needs_vpc``, optionally ``dataset_gb`` (size of the dataset to score),
    ``model_memory_mb`` and ``tolerates_cold_starts`` (whether the first call
    after an idle period may take seconds longer; by default True for
    ``near-real-time`` and False for ``interactive`` callers -- the notes'
    serverless rule is "idle periods between traffic spurts *and* can tolerate
    cold starts"). Out: the mode, the reasons (each naming the limit or
    trade-off it rests on) and the reasons every other mode was rejected.
    Raises ``ValueError`` for an unknown ``latency``/``traffic`` or a negative
    number, ``TypeError`` for a non-boolean ``needs_vpc``, and
    :class:`NoModeFitsError` when processing exceeds one hour or a payload
    exceeds 1 GB (no inference mode takes it).
    """
    payload_mb = check_float("payload_mb", payload_mb, low=0.0)
    processing_s = check_float("processing_s", processing_s, low=0.0)
    check_one_of("latency", latency, LATENCIES)
    check_one_of("traffic", traffic, TRAFFIC_SHAPES)
    if not isinstance(needs_vpc, bool):
        raise TypeError(f"needs_vpc must be True or False, got {needs_vpc!r} ({type(needs_vpc).__name__})")
    if dataset_gb is not None:
        dataset_gb = check_float("dataset_gb", dataset_gb, low=0.0)
    if model_memory_mb is not None:
        model_memory_mb = check_int("model_memory_mb", model_memory_mb, low=1)
    if tolerates_cold_starts is None:
        tolerates_cold_starts = latency != "interactive"
    elif not isinstance(tolerates_cold_starts, bool):
        raise TypeError("tolerates_cold_starts must be True, False or None, "
                        f"got {tolerates_cold_starts!r} ({type(tolerates_cold_starts).__name__})")
    inputs = {"payload_mb": payload_mb, "processing_s": processing_s, "latency": latency, "traffic": traffic,
              "needs_vpc": needs_vpc, "dataset_gb": dataset_gb, "model_memory_mb": model_memory_mb,
              "tolerates_cold_starts": tolerates_cold_starts}

    # ---- hard limits: what each mode cannot do at all
    hard: dict = {m: [] for m in _MODE_NAMES}
    if payload_mb > 6:
        hard["real-time"].append(Reason(f"a {payload_mb:g} MB payload is over InvokeEndpoint's 6 MB", RT_PAYLOAD))
    if processing_s > 60:
        hard["real-time"].append(Reason(f"{processing_s:g} s per prediction is over the 60 s a real-time container has to answer", RT_TIME))
    if payload_mb > 4:
        hard["serverless"].append(Reason(f"a {payload_mb:g} MB payload is over the serverless 4 MB", SL_PAYLOAD))
    if processing_s > 60:
        hard["serverless"].append(Reason(f"{processing_s:g} s per prediction is over the serverless 60 s timeout", SL_TIME))
    if needs_vpc:
        hard["serverless"].append(Reason("serverless endpoints cannot be configured with a VPC", SL_VPC))
    if model_memory_mb is not None and model_memory_mb > 6144:
        hard["serverless"].append(Reason(f"the model needs {model_memory_mb} MB; serverless offers at most 6144 MB", SL_MEMORY))
    if payload_mb > 1024:
        hard["async"].append(Reason(f"a {payload_mb:g} MB payload is over asynchronous inference's 1 GB", AS_PAYLOAD))
    if processing_s > 3600:
        hard["async"].append(Reason(f"{processing_s:g} s per prediction is over asynchronous inference's 1 hour", AS_TIME))
    if payload_mb > 100:
        hard["batch"].append(Reason(f"a {payload_mb:g} MB record is over batch transform's MaxPayloadInMB ceiling of 100 MB", BT_RECORD))
    if processing_s > 3600:
        hard["batch"].append(Reason(f"{processing_s:g} s per record is over the 1 hour invocation timeout", BT_TIME))
    if all(hard[m] for m in _MODE_NAMES):
        detail = "; ".join(str(r) for m in _MODE_NAMES for r in hard[m])
        raise NoModeFitsError(
            f"no inference mode takes payload_mb={payload_mb:g} with processing_s={processing_s:g}: {detail}. "
            "Split the input or the work (e.g. a processing job)."
        )

    offline = latency == "none" or traffic == "offline-dataset"
    fits = {m: not hard[m] for m in _MODE_NAMES}
    reasons: list = []

    # ---- decision rules
    if offline and fits["batch"]:
        mode = "batch"
        what = f"a {dataset_gb:g} GB dataset" if dataset_gb is not None else "the whole dataset"
        reasons.append(Reason(f"nobody waits for each prediction: batch transform scores {what} in one job, without a persistent endpoint", BT_OFFLINE))
        reasons.append(Reason("instances are billed only while the job runs, then released", BT_COST))
        reasons.append(Reason(f"each record ({payload_mb:g} MB) fits MaxPayloadInMB (at most 100 MB)", BT_RECORD))
    elif not fits["real-time"] and fits["async"]:
        mode = "async"
        if payload_mb > 6:
            reasons.append(Reason(f"a {payload_mb:g} MB payload is over the 6 MB of real-time endpoints but within async's 1 GB", AS_PAYLOAD))
        if processing_s > 60:
            reasons.append(Reason(f"{processing_s:g} s per prediction is over the 60 s of real-time endpoints but within async's 1 hour", AS_TIME))
        if latency == "interactive":
            reasons.append(Reason("no mode can answer this within the call; async answers in near-real-time through S3", AS_RESPONSE))
        else:
            reasons.append(Reason("near-real-time is enough: the result is written to S3 and can be notified through SNS", AS_RESPONSE))
    elif traffic in ("intermittent", "spiky") and latency != "none" and tolerates_cold_starts:
        if fits["serverless"]:
            mode = "serverless"
            if traffic == "intermittent":
                reasons.append(Reason("idle periods between bursts: serverless scales to zero and costs nothing while idle", SL_SCALE))
            else:
                reasons.append(Reason("spikes: serverless starts a container per concurrent request, up to MaxConcurrency (200)", SL_SCALE))
            reasons.append(Reason("the caller tolerates the cold start after an idle period", SL_COLD))
        else:
            mode = "async"
            why = hard["serverless"][0]
            reasons.append(Reason(f"serverless would fit the traffic, but {why.text}", why.rests_on))
            reasons.append(Reason("async queues the bursts and scales to zero between them (MinCapacity 0)", AS_QUEUE))
            reasons.append(Reason("near-real-time is enough: the result is written to S3", AS_RESPONSE))
    else:
        mode = "real-time"
        if latency == "interactive":
            reasons.append(Reason("interactive callers wait in the call: always-warm instances give the lowest, steadiest latency", RT_LOW_LATENCY))
        if traffic == "steady":
            reasons.append(Reason("steady traffic keeps the instances busy, so paying for them all the time is not wasted", SL_SUSTAINED))
        elif traffic in ("intermittent", "spiky"):
            reasons.append(Reason("cold starts after idle periods would reach callers who cannot wait for them", SL_COLD))
        reasons.append(Reason(f"{payload_mb:g} MB and {processing_s:g} s fit InvokeEndpoint's 6 MB and 60 s", RT_LIMITS))

    # ---- why not the others
    rejected: dict = {}
    for other in _MODE_NAMES:
        if other == mode:
            continue
        why = list(hard[other])
        if not why:
            why = _soft_reasons(other, mode, latency, traffic, tolerates_cold_starts)
        rejected[other] = why
    return Recommendation(mode, reasons, rejected, inputs)


def _soft_reasons(other: str, chosen: str, latency: str, traffic: str, tolerates_cold_starts: bool) -> list:
    """Trade-off reasons against a mode that would technically work."""
    if other == "batch":
        return [Reason("callers need an answer per request; batch transform only scores a stored dataset", BT_OFFLINE)]
    if chosen == "batch":
        always = {"real-time": Reason("a persistent endpoint would bill instances between runs for no caller", RT_ALWAYS_ON),
                  "serverless": Reason("an endpoint answers requests one by one; a dataset is scored cheaper in one job", BT_COST),
                  "async": Reason("an endpoint answers requests one by one; a dataset is scored cheaper in one job", BT_COST)}
        return [always[other]]
    if other == "real-time":
        if traffic in ("intermittent", "spiky"):
            return [Reason("instances would sit idle between bursts and be billed anyway", RT_ALWAYS_ON)]
        return [Reason("an always-on endpoint is not needed for this workload", RT_ALWAYS_ON)]
    if other == "serverless":
        if not tolerates_cold_starts:
            return [Reason("cold starts after idle periods would reach callers who cannot wait for them", SL_COLD)]
        if traffic == "steady":
            return [Reason("at steady load, per-millisecond billing costs more than a busy instance", SL_SUSTAINED)]
        return [Reason("asynchronous inference fits the payload and time better", AS_TIME)]
    # other == "async"
    if latency == "interactive":
        return [Reason("interactive callers need the answer in the call, not later in S3", NEEDS_ANSWER)]
    return [Reason("requests fit a synchronous call; a queue and an S3 round trip add latency for nothing", AS_RESPONSE)]
