"""Inference modes and the local endpoint (the course's topic 05).

What is here, by SageMaker name:

* mode configurations with every documented limit enforced and the real
  request exported (``to_request()``): :class:`RealTimeConfig`,
  :class:`ServerlessConfig`, :class:`AsyncInferenceConfig`,
  :class:`BatchTransformConfig` (:mod:`mlkit.inference.config`);
* a simulator of traffic against each mode -- latency, cold starts,
  throttles, timeouts, cost (:func:`simulate`, :func:`compare`,
  :class:`TrafficPattern`, :class:`ModelProfile`) -- and
  :func:`compare_modes`, one workload against all four;
* :func:`recommend_mode`, the mode for a workload with the limit or
  trade-off behind each reason;
* :class:`LocalEndpoint`: real models behind a real HTTP server on 127.0.0.1
  that speaks ``InvokeEndpoint``/``InvokeEndpointAsync`` (boto3's
  ``sagemaker-runtime`` client works against it unchanged) and the container
  contract (``/ping``, ``/invocations``);
* :func:`run_transform`: batch transform over files in the local bucket.

Names are imported on first use, so ``import mlkit.inference`` stays cheap.

    >>> from mlkit.inference import ServerlessConfig
    >>> ServerlessConfig(MemorySizeInMB=2048, MaxConcurrency=20).to_request()["ProductionVariants"][0]["ServerlessConfig"]
    {'MemorySizeInMB': 2048, 'MaxConcurrency': 20}
"""

from __future__ import annotations

from mlkit._lazy import lazy_exports

_WHERE = {
    # configurations and limits
    "RealTimeConfig": "config",
    "ServerlessConfig": "config",
    "AsyncInferenceConfig": "config",
    "BatchTransformConfig": "config",
    "TransformConfig": "config",
    "LimitExceededError": "config",
    "check_payload": "config",
    "check_processing_time": "config",
    "MODES": "config",
    # simulation
    "ModelProfile": "simulation",
    "TrafficPattern": "simulation",
    "SimulationResult": "simulation",
    "simulate": "simulation",
    "compare": "simulation",
    "Prices": "prices",
    "DEFAULT_PRICES": "prices",
    "compare_modes": "explore",
    "ModeComparison": "explore",
    # choosing a mode
    "recommend_mode": "chooser",
    "Recommendation": "chooser",
    "NoModeFitsError": "chooser",
    # the local endpoint
    "LocalEndpoint": "server",
    "ProductionVariant": "server",
    "EndpointServer": "server",
    "InvocationError": "server",
    "ValidationError": "server",
    "ModelError": "server",
    "ServingModel": "model",
    # batch transform
    "run_transform": "batch",
    "TransformSummary": "batch",
    "RecordTooLargeError": "batch",
}

__all__ = sorted(_WHERE)


__getattr__, __dir__ = lazy_exports(__name__, globals(), _WHERE)
