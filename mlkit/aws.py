"""Real requests: validate SageMaker request dicts offline against botocore.

Every mlkit object that mirrors a SageMaker resource exports the request the
real API would receive (``to_request() -> dict``). :func:`validate_request`
checks such a dict against botocore's own service model, offline (no
credentials, no network), so a learner knows the dict would be accepted by
``boto3.client("sagemaker").create_endpoint_config(**request)``.

botocore's ``ParamValidator`` checks required members, unknown members, types
and minimums. It does not check maximums, string/list lengths above the
maximum, enums or patterns; this module walks the shape and checks those too,
naming the parameter path that failed::

    >>> validate_request("sagemaker", "CreateEndpointConfig", {
    ...     "EndpointConfigName": "demo",
    ...     "ProductionVariants": [{"VariantName": "AllTraffic", "ModelName": "m",
    ...         "ServerlessConfig": {"MemorySizeInMB": 7000, "MaxConcurrency": 5}}]})
    Traceback (most recent call last):
    ...
    mlkit.aws.RequestValidationError: Invalid sagemaker.CreateEndpointConfig request:
    Invalid value for parameter ProductionVariants[0].ServerlessConfig.MemorySizeInMB, value: 7000, valid max value: 6144

botocore is imported lazily and the service model is loaded once per process
(loading it costs a few hundred milliseconds).
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any, Mapping

__all__ = [
    "RequestValidationError",
    "AwsRequest",
    "validate_request",
    "request_json",
    "service_model",
    "operation_input_shape",
]


class RequestValidationError(ValueError):
    """A request dict that the real service would reject.

    ``problems`` lists one line per failure, each naming the parameter path
    (``ProductionVariants[0].ServerlessConfig.MemorySizeInMB``), the value and
    what is allowed; the message is botocore's report followed by mlkit's
    extra checks (maximum, length, enum, pattern).
    """

    def __init__(self, service: str, operation: str, problems: list[str]):
        self.service = service
        self.operation = operation
        self.problems = list(problems)
        super().__init__(f"Invalid {service}.{operation} request:\n" + "\n".join(self.problems))


@functools.lru_cache(maxsize=None)
def service_model(service: str):
    """botocore's ``ServiceModel`` for ``service`` (e.g. ``"sagemaker"``), loaded once.

    Raises ``ValueError`` naming the service if botocore does not know it.
    """
    import botocore.exceptions
    import botocore.session

    session = botocore.session.get_session()
    try:
        return session.get_service_model(service)
    except botocore.exceptions.UnknownServiceError as exc:
        raise ValueError(f"service must be a service botocore knows (e.g. 'sagemaker'), got {service!r}") from exc


@functools.lru_cache(maxsize=None)
def operation_input_shape(service: str, operation: str):
    """The input ``StructureShape`` of ``service.operation``; ``ValueError`` if unknown."""
    model = service_model(service)
    if operation not in model.operation_names:
        raise ValueError(
            f"operation must be an operation of {service} (e.g. 'CreateEndpointConfig'), got {operation!r}"
        )
    return model.operation_model(operation).input_shape


@functools.lru_cache(maxsize=None)
def _compiled(pattern: str):
    try:
        return re.compile(pattern)
    except re.error:  # a Java-only construct (e.g. \\p{...}): left to the service
        return None


def _path(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _extra_checks(shape, value: Any, path: str, out: list[str]) -> None:
    """Walk ``value`` along ``shape`` and report max/length/enum/pattern failures.

    Values of the wrong type are skipped: botocore already reports those.
    """
    type_name = shape.type_name
    meta = shape.metadata
    name = path or "input"
    if type_name == "structure":
        if not isinstance(value, Mapping):
            return
        for key, member_value in value.items():
            if key in shape.members:
                _extra_checks(shape.members[key], member_value, _path(path, key), out)
        return
    if type_name == "list":
        if not isinstance(value, (list, tuple)):
            return
        if "max" in meta and len(value) > meta["max"]:
            out.append(f"Invalid length for parameter {name}, length: {len(value)}, valid max length: {meta['max']}")
        for i, item in enumerate(value):
            _extra_checks(shape.member, item, f"{path}[{i}]", out)
        return
    if type_name == "map":
        if not isinstance(value, Mapping):
            return
        if "max" in meta and len(value) > meta["max"]:
            out.append(f"Invalid length for parameter {name}, length: {len(value)}, valid max length: {meta['max']}")
        for key, item in value.items():
            _extra_checks(shape.key, key, f"{path}.{key}(key)", out)
            _extra_checks(shape.value, item, f"{path}.{key}", out)
        return
    if type_name in ("integer", "long", "float", "double"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return
        if "max" in meta and value > meta["max"]:
            out.append(f"Invalid value for parameter {name}, value: {value}, valid max value: {meta['max']}")
        return
    if type_name == "string":
        if not isinstance(value, str):
            return
        enum = getattr(shape, "enum", None) or []
        if enum and value not in enum:
            out.append(f"Invalid value for parameter {name}, value: {value!r}, valid values: {', '.join(enum)}")
        if "max" in meta and len(value) > meta["max"]:
            out.append(f"Invalid length for parameter {name}, length: {len(value)}, valid max length: {meta['max']}")
        pattern = meta.get("pattern")
        if pattern and not enum:
            compiled = _compiled(pattern)
            if compiled is not None and compiled.fullmatch(value) is None:
                out.append(f"Invalid value for parameter {name}, value: {value!r}, must match pattern: {pattern}")
        return
    if type_name == "blob":
        if isinstance(value, (bytes, bytearray)) and "max" in meta and len(value) > meta["max"]:
            out.append(f"Invalid length for parameter {name}, length: {len(value)}, valid max length: {meta['max']}")
        return


def validate_request(service: str, operation: str, params: Mapping[str, Any]) -> dict:
    """Check ``params`` against ``service.operation``'s input shape; return it as a dict.

    In: a service name as botocore spells it (``"sagemaker"``), an operation
    name (``"CreateEndpointConfig"``) and the request parameters. Out: the same
    parameters (a ``dict``), unchanged. Raises :class:`RequestValidationError`
    naming each failing parameter path (botocore's report, then the maximum,
    length, enum and pattern checks botocore skips), ``ValueError`` for an
    unknown service or operation, ``TypeError`` if ``params`` is not a mapping.
    Offline: no credentials, no network.

    >>> validate_request("sagemaker", "DeleteEndpoint", {"EndpointName": "demo"})
    {'EndpointName': 'demo'}
    """
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a dict of request parameters, got {type(params).__name__}")
    shape = operation_input_shape(service, operation)
    from botocore.validate import ParamValidator

    params = dict(params)
    problems: list[str] = []
    report = ParamValidator().validate(params, shape)
    if report.has_errors():
        problems.extend(report.generate_report().splitlines())
    _extra_checks(shape, params, "", problems)
    if problems:
        raise RequestValidationError(service, operation, problems)
    return params


def request_json(obj: Any, *, indent: int = 2) -> str:
    """Pretty-print a request: ``obj.to_request()`` if it has one, else ``obj`` as is.

    >>> print(request_json({"EndpointName": "demo"}))
    {
      "EndpointName": "demo"
    }
    """
    request = obj.to_request() if hasattr(obj, "to_request") else obj
    if not isinstance(request, Mapping):
        raise TypeError(f"obj must have to_request() or be a dict of request parameters, got {type(obj).__name__}")
    return json.dumps(request, indent=indent, default=str)


class AwsRequest:
    """Mixin for objects that mirror a SageMaker resource: ``to_request()`` + ``validate()``.

    A subclass sets ``aws_service`` and ``aws_operation`` and implements
    ``to_request() -> dict``; ``validate()`` checks that dict with
    :func:`validate_request` and returns it; ``request_json()`` pretty-prints it.

    >>> class DeleteEndpoint(AwsRequest):
    ...     aws_service, aws_operation = "sagemaker", "DeleteEndpoint"
    ...     def __init__(self, EndpointName):
    ...         self.EndpointName = EndpointName
    ...     def to_request(self):
    ...         return {"EndpointName": self.EndpointName}
    >>> DeleteEndpoint("demo").validate()
    {'EndpointName': 'demo'}
    """

    aws_service: str = "sagemaker"
    aws_operation: str = ""

    def to_request(self) -> dict:  # pragma: no cover - the subclass's job
        raise NotImplementedError(f"{type(self).__name__} must implement to_request()")

    def validate(self) -> dict:
        """The request dict, validated against botocore's model of ``aws_operation``."""
        return validate_request(self.aws_service, self.aws_operation, self.to_request())

    def request_json(self, *, indent: int = 2) -> str:
        """The request as pretty JSON (what the learner would pass to boto3)."""
        return request_json(self, indent=indent)
