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
* :func:`run_transform`: batch transform over files in the local bucket;
* production and shadow variants on the same endpoint, weight updates and
  deployment guardrails in simulated time (:class:`VariantEndpoint`,
  :func:`simulate_rollout`; topic 06);
* multi-model endpoints, inference components with adapters, and
  autoscaling (:class:`MultiModelEndpoint`, :class:`ComponentEndpoint`,
  :func:`simulate_scaling`; topic 07).

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
    # production and shadow variants (topic 06)
    "VariantEndpoint": "variants",
    "ShadowComparison": "variants",
    "UpdateEndpointWeightsAndCapacities": "variants",
    "split_table": "variants",
    # deployment guardrails (topic 06)
    "CapacitySize": "deployment",
    "TrafficRoutingConfig": "deployment",
    "BlueGreenUpdatePolicy": "deployment",
    "CloudWatchAlarm": "deployment",
    "DeploymentConfig": "deployment",
    "UpdateEndpoint": "deployment",
    "ModelHealth": "deployment",
    "RolloutResult": "deployment",
    "simulate_rollout": "deployment",
    "compare_policies": "deployment",
    # multi-model endpoints, inference components, autoscaling (topic 07)
    "MultiModelEndpoint": "multimodel",
    "ModelCache": "multimodel",
    "simulate_cache": "multimodel",
    "InferenceComponent": "components",
    "ComponentEndpoint": "components",
    "train_adapter": "components",
    "compare_adapters": "components",
    "ScalableTarget": "autoscaling",
    "TargetTrackingPolicy": "autoscaling",
    "ScheduledAction": "autoscaling",
    "Schedule": "autoscaling",
    "simulate_scaling": "autoscaling",
    "compare_scaling": "autoscaling",
}

__all__ = sorted(_WHERE)


__getattr__, __dir__ = lazy_exports(__name__, globals(), _WHERE)
