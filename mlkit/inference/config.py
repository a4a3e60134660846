"""The four inference modes' configurations, named as in SageMaker, with their limits.

Each configuration stores its SageMaker fields unchanged, checks every
documented limit when it is built (the error names the field, the value and
what is allowed) and exports the real request (``to_request()``), which
``validate()`` checks against botocore's SageMaker service model offline:

* :class:`RealTimeConfig` -> ``CreateEndpointConfig`` with an instance variant;
* :class:`ServerlessConfig` -> ``CreateEndpointConfig`` with a ``ServerlessConfig`` variant;
* :class:`AsyncInferenceConfig` -> ``CreateEndpointConfig`` with ``AsyncInferenceConfig``
  (plus the Application Auto Scaling ``RegisterScalableTarget`` request that
  lets it scale to zero);
* :class:`BatchTransformConfig` (alias :class:`TransformConfig`) -> ``CreateTransformJob``.

Limits (module constants; sources, all in the Amazon SageMaker AI developer
guide or API reference):

* real-time: request payload 6 MB (``REALTIME_MAX_PAYLOAD_BYTES`` = 6,291,456 bytes,
  the ``Body`` maximum of ``InvokeEndpoint`` in the sagemaker-runtime service
  model), container response within 60 s (``REALTIME_MAX_PROCESSING_S``) --
  "InvokeEndpoint", https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpoint.html
* serverless: payload 4 MB, ``/invocations`` timeout 1 minute --
  "Invoke a serverless endpoint", https://docs.aws.amazon.com/sagemaker/latest/dg/serverless-endpoints-invoke.html ;
  MemorySizeInMB 1024..6144 in 1 GB steps, MaxConcurrency 1..200,
  ProvisionedConcurrency 1..200 and <= MaxConcurrency --
  "ProductionVariantServerlessConfig", https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProductionVariantServerlessConfig.html ;
  no VPC configuration, GPUs, data capture or multiple variants (feature
  exclusions) -- "Deploy models with Amazon SageMaker Serverless Inference",
  https://docs.aws.amazon.com/sagemaker/latest/dg/serverless-endpoints.html
* asynchronous: payloads up to 1 GB, processing up to one hour --
  "Asynchronous inference", https://docs.aws.amazon.com/sagemaker/latest/dg/async-inference.html ;
  ``InvocationTimeoutSeconds`` up to 3600 s, 15 minutes by default, inline
  ``Body`` up to 128,000 bytes -- "Invoke an Asynchronous Endpoint",
  https://docs.aws.amazon.com/sagemaker/latest/dg/async-inference-invoke-endpoint.html
* batch transform: ``MaxPayloadInMB`` 0..100 (default 6) and
  ``MaxConcurrentTransforms * MaxPayloadInMB <= 100`` --
  "CreateTransformJob", https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTransformJob.html ;
  ``InvocationsTimeoutInSeconds`` 1..3600 (600 by default) -- "ModelClientConfig",
  https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ModelClientConfig.html

>>> cfg = ServerlessConfig(MemorySizeInMB=2048, MaxConcurrency=20)
>>> cfg.to_request()["ProductionVariants"][0]["ServerlessConfig"]
{'MemorySizeInMB': 2048, 'MaxConcurrency': 20}
>>> check_payload("serverless", 5 * 1024 * 1024)  # doctest: +IGNORE_EXCEPTION_DETAIL
Traceback (most recent call last):
...
mlkit.inference.config.LimitExceededError: payload of 5242880 bytes exceeds the serverless limit of 4194304 bytes (4 MB per request and response); use asynchronous inference (up to 1 GB) or batch transform
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from mlkit._checks import check_float, check_int, check_one_of
from mlkit.aws import AwsRequest

__all__ = [
    "MB",
    "GB",
    "MODES",
    "REALTIME_MAX_PAYLOAD_BYTES",
    "REALTIME_MAX_PROCESSING_S",
    "SERVERLESS_MAX_PAYLOAD_BYTES",
    "SERVERLESS_MAX_PROCESSING_S",
    "SERVERLESS_MEMORY_SIZES_MB",
    "SERVERLESS_MAX_CONCURRENCY",
    "ASYNC_MAX_PAYLOAD_BYTES",
    "ASYNC_MAX_PROCESSING_S",
    "ASYNC_DEFAULT_TIMEOUT_S",
    "ASYNC_MAX_INLINE_BODY_BYTES",
    "ASYNC_MAX_CONCURRENT_INVOCATIONS_PER_INSTANCE",
    "BATCH_MAX_PAYLOAD_MB",
    "BATCH_DEFAULT_PAYLOAD_MB",
    "BATCH_MAX_INVOCATION_TIMEOUT_S",
    "BATCH_DEFAULT_INVOCATION_TIMEOUT_S",
    "BATCH_STRATEGIES",
    "SPLIT_TYPES",
    "LimitExceededError",
    "RealTimeConfig",
    "ServerlessConfig",
    "AsyncInferenceConfig",
    "BatchTransformConfig",
    "TransformConfig",
    "check_payload",
    "check_processing_time",
    "payload_limit_bytes",
    "processing_limit_s",
]

MB = 1024 * 1024
GB = 1024 * MB

#: The four modes, as the simulator and the chooser name them.
MODES = ("real-time", "serverless", "async", "batch")

#: InvokeEndpoint request body maximum (6 MB; botocore's ``Body`` max is 6,291,456 bytes).
REALTIME_MAX_PAYLOAD_BYTES = 6 * MB
#: A real-time container must respond to /invocations within 60 seconds.
REALTIME_MAX_PROCESSING_S = 60.0
#: Serverless request and response payload maximum: 4 MB.
SERVERLESS_MAX_PAYLOAD_BYTES = 4 * MB
#: Serverless /invocations timeout: 1 minute.
SERVERLESS_MAX_PROCESSING_S = 60.0
#: Serverless MemorySizeInMB: 1 GB increments from 1024 to 6144 MB.
SERVERLESS_MEMORY_SIZES_MB = (1024, 2048, 3072, 4096, 5120, 6144)
#: Serverless MaxConcurrency (and ProvisionedConcurrency) maximum.
SERVERLESS_MAX_CONCURRENCY = 200
#: Asynchronous inference payloads: up to 1 GB (through S3).
ASYNC_MAX_PAYLOAD_BYTES = 1 * GB
#: Asynchronous processing: up to one hour (InvocationTimeoutSeconds <= 3600).
ASYNC_MAX_PROCESSING_S = 3600.0
#: InvokeEndpointAsync's default request timeout: 15 minutes.
ASYNC_DEFAULT_TIMEOUT_S = 900.0
#: InvokeEndpointAsync inline ``Body``: up to 128,000 bytes (larger goes through InputLocation).
ASYNC_MAX_INLINE_BODY_BYTES = 128_000
#: AsyncInferenceClientConfig.MaxConcurrentInvocationsPerInstance range (service model: 1..1000).
ASYNC_MAX_CONCURRENT_INVOCATIONS_PER_INSTANCE = 1000
#: CreateTransformJob MaxPayloadInMB cannot be greater than 100 MB.
BATCH_MAX_PAYLOAD_MB = 100
#: CreateTransformJob MaxPayloadInMB default: 6 MB.
BATCH_DEFAULT_PAYLOAD_MB = 6
#: ModelClientConfig.InvocationsTimeoutInSeconds: 1..3600, 600 by default.
BATCH_MAX_INVOCATION_TIMEOUT_S = 3600
BATCH_DEFAULT_INVOCATION_TIMEOUT_S = 600
#: TransformJob BatchStrategy values.
BATCH_STRATEGIES = ("SingleRecord", "MultiRecord")
#: TransformInput SplitType values (``None`` and ``"None"`` both mean no splitting).
SPLIT_TYPES = ("None", "Line", "RecordIO", "TFRecord")

_NAME = re.compile(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}")
_INSTANCE = re.compile(r"ml\.[a-z0-9-]+\.[a-z0-9-]+")
_S3 = re.compile(r"s3://[^/]+(/.*)?")


class LimitExceededError(ValueError):
    """A payload or processing time above a mode's documented limit.

    Attributes: ``mode``, ``limit_name`` (``"payload"`` or ``"processing time"``),
    ``limit`` and ``value`` (bytes or seconds).
    """

    def __init__(self, message: str, *, mode: str, limit_name: str, limit: float, value: float):
        super().__init__(message)
        self.mode = mode
        self.limit_name = limit_name
        self.limit = limit
        self.value = value


# ----------------------------------------------------------------------------- checks


def _check_name(field: str, value: Any) -> str:
    if not isinstance(value, str) or not _NAME.fullmatch(value):
        raise ValueError(
            f"{field} must be 1-63 letters, digits or hyphens, starting and ending with a letter or digit, got {value!r}"
        )
    return value


def _check_instance_type(field: str, value: Any) -> str:
    if not isinstance(value, str) or not _INSTANCE.fullmatch(value):
        raise ValueError(f"{field} must be a SageMaker ML instance type such as 'ml.m5.large', got {value!r}")
    return value


def _check_s3(field: str, value: Any) -> str:
    if not isinstance(value, str) or not _S3.fullmatch(value):
        raise ValueError(f"{field} must be an s3:// URI such as 's3://bucket/prefix', got {value!r}")
    return value


def _mode_of(mode_or_config: Any) -> str:
    mode = getattr(mode_or_config, "mode", mode_or_config)
    return check_one_of("mode", mode, MODES)


def payload_limit_bytes(mode_or_config: Any) -> int:
    """The largest request payload (bytes) a mode accepts; a batch config uses its own MaxPayloadInMB.

    >>> payload_limit_bytes("real-time")
    6291456
    """
    mode = _mode_of(mode_or_config)
    if mode == "batch":
        mb = getattr(mode_or_config, "MaxPayloadInMB", BATCH_MAX_PAYLOAD_MB)
        return int(mb * MB) if mb else BATCH_MAX_PAYLOAD_MB * MB
    return {"real-time": REALTIME_MAX_PAYLOAD_BYTES, "serverless": SERVERLESS_MAX_PAYLOAD_BYTES,
            "async": ASYNC_MAX_PAYLOAD_BYTES}[mode]


def processing_limit_s(mode_or_config: Any) -> float:
    """The longest processing time (s) a mode allows; configs use their own timeout field.

    >>> processing_limit_s("async")
    3600.0
    """
    mode = _mode_of(mode_or_config)
    if mode == "async":
        return float(getattr(mode_or_config, "InvocationTimeoutSeconds", ASYNC_MAX_PROCESSING_S))
    if mode == "batch":
        if isinstance(mode_or_config, str):
            return float(BATCH_MAX_INVOCATION_TIMEOUT_S)
        timeout = getattr(mode_or_config, "InvocationsTimeoutInSeconds", None)
        return float(timeout if timeout is not None else BATCH_DEFAULT_INVOCATION_TIMEOUT_S)
    return REALTIME_MAX_PROCESSING_S if mode == "real-time" else SERVERLESS_MAX_PROCESSING_S


_PAYLOAD_ADVICE = {
    "real-time": "6 MB per request; use asynchronous inference (up to 1 GB) or batch transform",
    "serverless": "4 MB per request and response; use asynchronous inference (up to 1 GB) or batch transform",
    "async": "1 GB per request; split the input and use batch transform",
    "batch": "MaxPayloadInMB per mini-batch, at most 100 MB; raise MaxPayloadInMB or split records smaller",
}
_TIME_ADVICE = {
    "real-time": "60 s per invocation; use asynchronous inference (up to 1 hour)",
    "serverless": "60 s per invocation; use asynchronous inference (up to 1 hour)",
    "async": "InvocationTimeoutSeconds, at most 1 hour; use batch transform or a processing job",
    "batch": "InvocationsTimeoutInSeconds per mini-batch, at most 1 hour; use smaller mini-batches",
}


def check_payload(mode_or_config: Any, size_bytes: Any) -> int:
    """Return ``size_bytes`` if the mode accepts a payload that large, else raise :class:`LimitExceededError`.

    ``mode_or_config`` is one of :data:`MODES` or a config object (a batch
    config's limit is its own MaxPayloadInMB). ``ValueError`` for an unknown
    mode or a negative size, ``TypeError`` for a non-integer size.

    >>> check_payload("async", 500 * MB)
    524288000
    """
    mode = _mode_of(mode_or_config)
    size = check_int("size_bytes", size_bytes, low=0)
    limit = payload_limit_bytes(mode_or_config)
    if size > limit:
        raise LimitExceededError(
            f"payload of {size} bytes exceeds the {mode} limit of {limit} bytes ({_PAYLOAD_ADVICE[mode]})",
            mode=mode, limit_name="payload", limit=limit, value=size,
        )
    return size


def check_processing_time(mode_or_config: Any, seconds: Any) -> float:
    """Return ``seconds`` if the mode lets one invocation run that long, else raise :class:`LimitExceededError`.

    Limits: 60 s real-time and serverless, the config's InvocationTimeoutSeconds
    (at most 3600 s) for async, InvocationsTimeoutInSeconds (at most 3600 s)
    for batch.

    >>> check_processing_time("real-time", 75)  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    mlkit.inference.config.LimitExceededError: processing time of 75.0 s exceeds the real-time limit of 60.0 s (60 s per invocation; use asynchronous inference (up to 1 hour))
    """
    mode = _mode_of(mode_or_config)
    value = check_float("seconds", seconds, low=0.0)
    limit = processing_limit_s(mode_or_config)
    if value > limit:
        raise LimitExceededError(
            f"processing time of {value} s exceeds the {mode} limit of {limit} s ({_TIME_ADVICE[mode]})",
            mode=mode, limit_name="processing time", limit=limit, value=value,
        )
    return value


# ----------------------------------------------------------------------------- configs


class _Config(AwsRequest):
    mode: str = ""

    def replace(self, **changes):
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)

    @property
    def max_payload_bytes(self) -> int:
        """This configuration's request payload limit in bytes."""
        return payload_limit_bytes(self)

    @property
    def max_processing_s(self) -> float:
        """This configuration's processing-time limit in seconds."""
        return processing_limit_s(self)


@dataclass(frozen=True)
class RealTimeConfig(_Config):
    """A real-time endpoint: ``InitialInstanceCount`` instances of ``InstanceType`` always on.

    In: SageMaker's ProductionVariant fields. Out: ``to_request()`` is the
    ``CreateEndpointConfig`` request. Limits: payload 6 MB, 60 s per
    invocation (see the module docstring for sources). Nothing changes state.

    >>> RealTimeConfig("ml.m5.large", 2).to_request()["ProductionVariants"][0]["InitialInstanceCount"]
    2
    """

    InstanceType: str = "ml.m5.large"
    InitialInstanceCount: int = 1
    ModelName: str = "mlkit-model"
    VariantName: str = "AllTraffic"
    InitialVariantWeight: float = 1.0
    EndpointConfigName: str = "mlkit-realtime"

    mode = "real-time"
    aws_operation = "CreateEndpointConfig"

    def __post_init__(self):
        _check_instance_type("InstanceType", self.InstanceType)
        check_int("InitialInstanceCount", self.InitialInstanceCount, low=1)
        _check_name("ModelName", self.ModelName)
        _check_name("VariantName", self.VariantName)
        check_float("InitialVariantWeight", self.InitialVariantWeight, low=0.0)
        _check_name("EndpointConfigName", self.EndpointConfigName)

    def to_request(self) -> dict:
        """The ``CreateEndpointConfig`` request parameters."""
        return {
            "EndpointConfigName": self.EndpointConfigName,
            "ProductionVariants": [
                {
                    "VariantName": self.VariantName,
                    "ModelName": self.ModelName,
                    "InstanceType": self.InstanceType,
                    "InitialInstanceCount": int(self.InitialInstanceCount),
                    "InitialVariantWeight": float(self.InitialVariantWeight),
                }
            ],
        }


@dataclass(frozen=True)
class ServerlessConfig(_Config):
    """A serverless endpoint: containers of ``MemorySizeInMB`` started on demand, at most ``MaxConcurrency``.

    ``ProvisionedConcurrency`` containers stay warm (and are paid for) all the
    time. Limits: MemorySizeInMB in 1024, 2048, ..., 6144; MaxConcurrency
    1..200; ProvisionedConcurrency 1..200 and <= MaxConcurrency; payload 4 MB;
    60 s per invocation. Serverless endpoints cannot be configured with a VPC
    (feature exclusions). ``to_request()`` is the ``CreateEndpointConfig`` request.

    >>> ServerlessConfig(MemorySizeInMB=3000, MaxConcurrency=5)
    Traceback (most recent call last):
    ...
    ValueError: MemorySizeInMB must be one of 1024, 2048, 3072, 4096, 5120, 6144 (1 GB steps); got 3000
    """

    MemorySizeInMB: int = 2048
    MaxConcurrency: int = 20
    ProvisionedConcurrency: int | None = None
    ModelName: str = "mlkit-model"
    VariantName: str = "AllTraffic"
    EndpointConfigName: str = "mlkit-serverless"

    mode = "serverless"
    aws_operation = "CreateEndpointConfig"

    def __post_init__(self):
        memory = check_int("MemorySizeInMB", self.MemorySizeInMB)
        if memory not in SERVERLESS_MEMORY_SIZES_MB:
            shown = ", ".join(str(m) for m in SERVERLESS_MEMORY_SIZES_MB)
            raise ValueError(f"MemorySizeInMB must be one of {shown} (1 GB steps); got {memory}")
        check_int("MaxConcurrency", self.MaxConcurrency, low=1, high=SERVERLESS_MAX_CONCURRENCY)
        if self.ProvisionedConcurrency is not None:
            check_int("ProvisionedConcurrency", self.ProvisionedConcurrency, low=1, high=SERVERLESS_MAX_CONCURRENCY)
            if self.ProvisionedConcurrency > self.MaxConcurrency:
                raise ValueError(
                    f"ProvisionedConcurrency must be <= MaxConcurrency ({self.MaxConcurrency}), "
                    f"got {self.ProvisionedConcurrency}"
                )
        _check_name("ModelName", self.ModelName)
        _check_name("VariantName", self.VariantName)
        _check_name("EndpointConfigName", self.EndpointConfigName)

    def to_request(self) -> dict:
        """The ``CreateEndpointConfig`` request parameters (a ServerlessConfig variant)."""
        serverless = {"MemorySizeInMB": int(self.MemorySizeInMB), "MaxConcurrency": int(self.MaxConcurrency)}
        if self.ProvisionedConcurrency is not None:
            serverless["ProvisionedConcurrency"] = int(self.ProvisionedConcurrency)
        return {
            "EndpointConfigName": self.EndpointConfigName,
            "ProductionVariants": [
                {"VariantName": self.VariantName, "ModelName": self.ModelName, "ServerlessConfig": serverless}
            ],
        }


@dataclass(frozen=True)
class AsyncInferenceConfig(_Config):
    """An asynchronous endpoint: an internal queue in front of instances, results written to ``S3OutputPath``.

    Each instance runs up to ``MaxConcurrentInvocationsPerInstance`` requests
    at once (1..1000; None lets SageMaker choose, simulated as 1). Scale to
    zero is not a field of the endpoint config: it is an Application Auto
    Scaling target with ``MinCapacity=0`` on the variant
    (``autoscaling_request()``, a ``RegisterScalableTarget`` request); the
    simulator scales in to zero after ``ScaleInCooldown`` seconds without
    work and pays an instance start to scale back up.
    ``InvocationTimeoutSeconds`` (1..3600, 900 by default) is sent with each
    ``InvokeEndpointAsync`` call, not in the endpoint config. Limits: payload
    1 GB, processing 1 hour.

    >>> cfg = AsyncInferenceConfig("s3://bucket/async-out", MinCapacity=0)
    >>> cfg.autoscaling_request()["MinCapacity"]
    0
    """

    S3OutputPath: str = "s3://mlkit/async-output"
    InstanceType: str = "ml.m5.large"
    InitialInstanceCount: int = 1
    MaxConcurrentInvocationsPerInstance: int | None = None
    S3FailurePath: str | None = None
    MinCapacity: int = 0
    MaxCapacity: int | None = None
    ScaleInCooldown: float = 600.0
    InvocationTimeoutSeconds: float = ASYNC_DEFAULT_TIMEOUT_S
    ModelName: str = "mlkit-model"
    VariantName: str = "AllTraffic"
    EndpointConfigName: str = "mlkit-async"
    EndpointName: str = "mlkit-async"

    mode = "async"
    aws_operation = "CreateEndpointConfig"

    def __post_init__(self):
        _check_s3("S3OutputPath", self.S3OutputPath)
        if self.S3FailurePath is not None:
            _check_s3("S3FailurePath", self.S3FailurePath)
        _check_instance_type("InstanceType", self.InstanceType)
        check_int("InitialInstanceCount", self.InitialInstanceCount, low=1)
        if self.MaxConcurrentInvocationsPerInstance is not None:
            check_int("MaxConcurrentInvocationsPerInstance", self.MaxConcurrentInvocationsPerInstance,
                      low=1, high=ASYNC_MAX_CONCURRENT_INVOCATIONS_PER_INSTANCE)
        check_int("MinCapacity", self.MinCapacity, low=0)
        if self.MinCapacity > self.InitialInstanceCount:
            raise ValueError(
                f"MinCapacity must be <= InitialInstanceCount ({self.InitialInstanceCount}), got {self.MinCapacity}"
            )
        if self.MaxCapacity is not None:
            check_int("MaxCapacity", self.MaxCapacity, low=max(1, self.InitialInstanceCount))
        check_float("ScaleInCooldown", self.ScaleInCooldown, low=0.0)
        check_float("InvocationTimeoutSeconds", self.InvocationTimeoutSeconds, low=1.0, high=ASYNC_MAX_PROCESSING_S)
        for field in ("ModelName", "VariantName", "EndpointConfigName", "EndpointName"):
            _check_name(field, getattr(self, field))

    @property
    def scales_to_zero(self) -> bool:
        """True when MinCapacity is 0 (the variant may scale in to no instance)."""
        return self.MinCapacity == 0

    @property
    def slots_per_instance(self) -> int:
        """Concurrent invocations per instance the simulator uses (MaxConcurrentInvocationsPerInstance or 1)."""
        return int(self.MaxConcurrentInvocationsPerInstance or 1)

    def to_request(self) -> dict:
        """The ``CreateEndpointConfig`` request parameters (an instance variant plus AsyncInferenceConfig)."""
        output = {"S3OutputPath": self.S3OutputPath}
        if self.S3FailurePath is not None:
            output["S3FailurePath"] = self.S3FailurePath
        async_config: dict = {"OutputConfig": output}
        if self.MaxConcurrentInvocationsPerInstance is not None:
            async_config["ClientConfig"] = {
                "MaxConcurrentInvocationsPerInstance": int(self.MaxConcurrentInvocationsPerInstance)
            }
        return {
            "EndpointConfigName": self.EndpointConfigName,
            "ProductionVariants": [
                {
                    "VariantName": self.VariantName,
                    "ModelName": self.ModelName,
                    "InstanceType": self.InstanceType,
                    "InitialInstanceCount": int(self.InitialInstanceCount),
                }
            ],
            "AsyncInferenceConfig": async_config,
        }

    def autoscaling_request(self) -> dict:
        """The Application Auto Scaling ``RegisterScalableTarget`` request (MinCapacity 0 = scale to zero)."""
        return {
            "ServiceNamespace": "sagemaker",
            "ResourceId": f"endpoint/{self.EndpointName}/variant/{self.VariantName}",
            "ScalableDimension": "sagemaker:variant:DesiredInstanceCount",
            "MinCapacity": int(self.MinCapacity),
            "MaxCapacity": int(self.MaxCapacity if self.MaxCapacity is not None else self.InitialInstanceCount),
        }

    def validate(self) -> dict:
        """Validate both requests (endpoint config and scalable target); return the endpoint config one."""
        from mlkit.aws import validate_request

        validate_request("application-autoscaling", "RegisterScalableTarget", self.autoscaling_request())
        return super().validate()


@dataclass(frozen=True)
class BatchTransformConfig(_Config):
    """A batch transform job: score every record under ``S3Uri`` and write ``.out`` files to ``S3OutputPath``.

    Fields as in ``CreateTransformJob``: records are split by ``SplitType``
    (``"Line"``, ``"RecordIO"``, ``"TFRecord"`` or ``None``/``"None"`` for whole
    files) and grouped by ``BatchStrategy`` (``"SingleRecord"`` or
    ``"MultiRecord"``, as many records as fit in ``MaxPayloadInMB``); each of
    ``InstanceCount`` instances sends up to ``MaxConcurrentTransforms``
    requests at once (0 lets SageMaker choose, simulated as 1). Limits:
    MaxPayloadInMB 0..100, MaxConcurrentTransforms * MaxPayloadInMB <= 100,
    InvocationsTimeoutInSeconds 1..3600. Instances are billed only while the
    job runs. ``to_request()`` is the ``CreateTransformJob`` request.

    >>> BatchTransformConfig(MaxPayloadInMB=200)
    Traceback (most recent call last):
    ...
    ValueError: MaxPayloadInMB must be an integer >= 0 and <= 100, got 200
    """

    S3Uri: str = "s3://mlkit/batch-input"
    S3OutputPath: str = "s3://mlkit/batch-output"
    MaxPayloadInMB: int = BATCH_DEFAULT_PAYLOAD_MB
    BatchStrategy: str = "MultiRecord"
    SplitType: str | None = "Line"
    MaxConcurrentTransforms: int = 1
    InstanceType: str = "ml.m5.large"
    InstanceCount: int = 1
    ContentType: str = "text/csv"
    Accept: str | None = None
    AssembleWith: str | None = "Line"
    S3DataType: str = "S3Prefix"
    InvocationsTimeoutInSeconds: int | None = None
    InvocationsMaxRetries: int | None = None
    ModelName: str = "mlkit-model"
    TransformJobName: str = "mlkit-transform"

    mode = "batch"
    aws_operation = "CreateTransformJob"

    def __post_init__(self):
        _check_s3("S3Uri", self.S3Uri)
        _check_s3("S3OutputPath", self.S3OutputPath)
        check_int("MaxPayloadInMB", self.MaxPayloadInMB, low=0, high=BATCH_MAX_PAYLOAD_MB)
        check_one_of("BatchStrategy", self.BatchStrategy, BATCH_STRATEGIES)
        check_one_of("SplitType", self.SplitType, (None,) + SPLIT_TYPES)
        check_int("MaxConcurrentTransforms", self.MaxConcurrentTransforms, low=0)
        if self.MaxConcurrentTransforms * self.MaxPayloadInMB > BATCH_MAX_PAYLOAD_MB:
            raise ValueError(
                f"MaxConcurrentTransforms * MaxPayloadInMB must be <= {BATCH_MAX_PAYLOAD_MB} (MB), got "
                f"{self.MaxConcurrentTransforms} * {self.MaxPayloadInMB} = {self.MaxConcurrentTransforms * self.MaxPayloadInMB}"
            )
        _check_instance_type("InstanceType", self.InstanceType)
        check_int("InstanceCount", self.InstanceCount, low=1)
        if not isinstance(self.ContentType, str) or not self.ContentType:
            raise ValueError(f"ContentType must be a MIME type such as 'text/csv', got {self.ContentType!r}")
        if self.Accept is not None and (not isinstance(self.Accept, str) or not self.Accept):
            raise ValueError(f"Accept must be None or a MIME type such as 'text/csv', got {self.Accept!r}")
        check_one_of("AssembleWith", self.AssembleWith, (None, "None", "Line"))
        check_one_of("S3DataType", self.S3DataType, ("S3Prefix", "ManifestFile"))
        if self.InvocationsTimeoutInSeconds is not None:
            check_int("InvocationsTimeoutInSeconds", self.InvocationsTimeoutInSeconds,
                      low=1, high=BATCH_MAX_INVOCATION_TIMEOUT_S)
        if self.InvocationsMaxRetries is not None:
            check_int("InvocationsMaxRetries", self.InvocationsMaxRetries, low=0, high=3)
        _check_name("ModelName", self.ModelName)
        _check_name("TransformJobName", self.TransformJobName)

    @property
    def split_type(self) -> str:
        """SplitType as SageMaker spells it (``None`` becomes ``"None"``)."""
        return "None" if self.SplitType is None else self.SplitType

    @property
    def max_payload_bytes(self) -> int:
        """MaxPayloadInMB in bytes (0, chunked encoding, is treated as the 100 MB ceiling)."""
        return payload_limit_bytes(self)

    @property
    def concurrent_transforms(self) -> int:
        """Requests in flight per instance the simulator and runner use (MaxConcurrentTransforms, 0 -> 1)."""
        return int(self.MaxConcurrentTransforms or 1)

    def to_request(self) -> dict:
        """The ``CreateTransformJob`` request parameters."""
        request: dict = {
            "TransformJobName": self.TransformJobName,
            "ModelName": self.ModelName,
            "MaxConcurrentTransforms": int(self.MaxConcurrentTransforms),
            "MaxPayloadInMB": int(self.MaxPayloadInMB),
            "BatchStrategy": self.BatchStrategy,
            "TransformInput": {
                "DataSource": {"S3DataSource": {"S3DataType": self.S3DataType, "S3Uri": self.S3Uri}},
                "ContentType": self.ContentType,
                "SplitType": self.split_type,
            },
            "TransformOutput": {"S3OutputPath": self.S3OutputPath},
            "TransformResources": {"InstanceType": self.InstanceType, "InstanceCount": int(self.InstanceCount)},
        }
        if self.Accept is not None:
            request["TransformOutput"]["Accept"] = self.Accept
        if self.AssembleWith is not None:
            request["TransformOutput"]["AssembleWith"] = self.AssembleWith
        client = {}
        if self.InvocationsTimeoutInSeconds is not None:
            client["InvocationsTimeoutInSeconds"] = int(self.InvocationsTimeoutInSeconds)
        if self.InvocationsMaxRetries is not None:
            client["InvocationsMaxRetries"] = int(self.InvocationsMaxRetries)
        if client:
            request["ModelClientConfig"] = client
        return request


#: SageMaker calls the job a "transform job"; both names work.
TransformConfig = BatchTransformConfig
