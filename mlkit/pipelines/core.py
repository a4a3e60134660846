"""Pipeline parameters, expressions, steps, the DAG runner and its execution record.

A step here is a small object holding a Python function ``fn(**inputs) ->
dict`` (what the step's job would compute) plus what SageMaker needs to run
the real thing (its ``Arguments``). ``inputs`` values are plain values,
pipeline parameters, :class:`Join` expressions or other steps' properties
(``train.properties["model"]``); a property reference makes a dependency.
Outputs must be JSON values (numbers, strings, lists, dicts): they are what a
step hands on, usually ``s3://`` URIs in the local bucket, and what the cache
keeps.

    >>> import tempfile
    >>> n = ParameterInteger("N", 3)
    >>> double = ProcessingStep("Double", lambda n: {"value": 2 * n}, inputs={"n": n})
    >>> add = ProcessingStep("AddOne", lambda v: {"value": v + 1}, inputs={"v": double.properties["value"]})
    >>> p = Pipeline("demo", parameters=[n], steps=[double, add])
    >>> db = tempfile.mkdtemp() + "/m.sqlite"
    >>> p.start(path=db).outputs("AddOne")
    {'value': 7}
    >>> [s.CacheHit for s in p.start(path=db).steps]
    [True, True]
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import inspect
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from mlkit._checks import check_float, check_int, check_one_of
from mlkit.lineage import ACCOUNT_PREFIX
from mlkit.report import Report

ROLE_ARN = "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole-mlkit"
SCHEMA_VERSION = "2020-12-01"
DEFAULT_IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
XGB_IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
_STEP_NAME = re.compile(r"^[A-Za-z0-9\-_]{1,64}$")
_PIPELINE_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pipe_cache (key TEXT PRIMARY KEY, pipeline TEXT NOT NULL, step TEXT NOT NULL,
    outputs TEXT NOT NULL, created REAL NOT NULL, execution TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pipe_executions (arn TEXT PRIMARY KEY, pipeline TEXT NOT NULL, status TEXT NOT NULL,
    started REAL NOT NULL, ended REAL, record TEXT NOT NULL);
"""


class PipelineDefinitionError(ValueError):
    """A pipeline that cannot run: duplicate or unknown step names, a cycle, an undeclared parameter."""


# -- errors a step function may raise to ask for a retry ---------------------------------------------------------
class _RetryableError(RuntimeError):
    exception_type = ""


class ServiceFault(_RetryableError):
    """A transient service fault (``Step.SERVICE_FAULT``)."""

    exception_type = "Step.SERVICE_FAULT"


class Throttling(_RetryableError):
    """A throttled call (``Step.THROTTLING``)."""

    exception_type = "Step.THROTTLING"


class JobInternalError(_RetryableError):
    """The job failed inside SageMaker (``SageMaker.JOB_INTERNAL_ERROR``)."""

    exception_type = "SageMaker.JOB_INTERNAL_ERROR"


class CapacityError(_RetryableError):
    """No instance capacity (``SageMaker.CAPACITY_ERROR``)."""

    exception_type = "SageMaker.CAPACITY_ERROR"


class ResourceLimit(_RetryableError):
    """An account limit reached (``SageMaker.RESOURCE_LIMIT``)."""

    exception_type = "SageMaker.RESOURCE_LIMIT"


EXCEPTION_TYPES = tuple(c.exception_type for c in (ServiceFault, Throttling, JobInternalError, CapacityError,
                                                   ResourceLimit))


# -- expressions ----------------------------------------------------------------------------------------------------
class _Expr:
    def expr(self) -> Any:  # the definition JSON
        raise NotImplementedError

    def resolve(self, ctx: "_Context") -> Any:
        raise NotImplementedError

    def steps(self) -> list["Step"]:
        return []

    def parameters(self) -> list["_Parameter"]:
        return []


def _expr(v: Any) -> Any:
    if isinstance(v, _Expr):
        return v.expr()
    if isinstance(v, (list, tuple)):
        return [_expr(x) for x in v]
    if isinstance(v, dict):
        return {k: _expr(x) for k, x in v.items()}
    return v


def _resolve(v: Any, ctx) -> Any:
    if isinstance(v, _Expr):
        return v.resolve(ctx)
    if isinstance(v, (list, tuple)):
        return [_resolve(x, ctx) for x in v]
    if isinstance(v, dict):
        return {k: _resolve(x, ctx) for k, x in v.items()}
    return v


def _refs(v: Any) -> tuple[list, list]:
    """(steps, parameters) referenced anywhere inside ``v``."""
    steps, params = [], []
    if isinstance(v, _Expr):
        steps += v.steps()
        params += v.parameters()
    elif isinstance(v, (list, tuple)):
        for x in v:
            s, p = _refs(x)
            steps += s
            params += p
    elif isinstance(v, dict):
        for x in v.values():
            s, p = _refs(x)
            steps += s
            params += p
    return steps, params


class _Parameter(_Expr):
    type_name = ""
    py_types: tuple = ()

    def __init__(self, name: str, default_value: Any = None):
        self.name = name
        self.default_value = default_value
        if not isinstance(name, str) or not re.match(r"^[A-Za-z][A-Za-z0-9_]{0,63}$", name):
            raise ValueError(f"name must start with a letter and hold letters, digits or _ (1-64), got {name!r}")
        if default_value is not None:
            self.check(default_value, "default_value")

    def check(self, value: Any, what: str) -> Any:
        if isinstance(value, bool) and bool not in self.py_types or not isinstance(value, self.py_types):
            raise TypeError(f"{what} of parameter {self.name} must be a {self.type_name}, got {value!r}")
        return value

    def expr(self):
        return {"Get": f"Parameters.{self.name}"}

    def resolve(self, ctx):
        return ctx.parameters[self.name]

    def parameters(self):
        return [self]

    def definition(self) -> dict:
        d = {"Name": self.name, "Type": self.type_name}
        if self.default_value is not None:
            d["DefaultValue"] = self.default_value
        return d

    def __repr__(self):
        return f"{type(self).__name__}({self.name!r}, {self.default_value!r})"


class ParameterString(_Parameter):
    """A string pipeline parameter: ``{"Get": "Parameters.<name>"}`` in the definition."""

    type_name = "String"
    py_types = (str,)


class ParameterInteger(_Parameter):
    """An integer pipeline parameter."""

    type_name = "Integer"
    py_types = (int,)


class ParameterFloat(_Parameter):
    """A float pipeline parameter (integers accepted)."""

    type_name = "Float"
    py_types = (float, int)


class ParameterBoolean(_Parameter):
    """A boolean pipeline parameter."""

    type_name = "Boolean"
    py_types = (bool,)


class Join(_Expr):
    """``Std:Join``: the string values joined by ``on`` (values may be parameters or step properties)."""

    def __init__(self, on: str = "", values: Sequence[Any] = ()):
        self.on = on
        self.values = list(values)

    def expr(self):
        return {"Std:Join": {"On": self.on, "Values": [_expr(v) for v in self.values]}}

    def resolve(self, ctx):
        return self.on.join(str(_resolve(v, ctx)) for v in self.values)

    def steps(self):
        return _refs(self.values)[0]

    def parameters(self):
        return _refs(self.values)[1]


class _Property(_Expr):
    def __init__(self, step: "Step", key: str):
        self.step = step
        self.key = key

    def expr(self):
        return self.step.property_expr(self.key)

    def resolve(self, ctx):
        outs = ctx.outputs.get(self.step.name)
        if outs is None:
            raise RuntimeError(f"step {self.step.name!r} has no outputs yet")
        if self.key not in outs:
            raise KeyError(f"step {self.step.name!r} has no output {self.key!r}; its outputs: {sorted(outs)}")
        return outs[self.key]

    def steps(self):
        return [self.step]

    def __repr__(self):
        return f"{self.step.name}.properties[{self.key!r}]"


class _Properties:
    def __init__(self, step):
        self._step = step

    def __getitem__(self, key: str) -> _Property:
        if not isinstance(key, str) or not key:
            raise KeyError(f"a step property is named by a non-empty string, got {key!r}")
        return _Property(self._step, key)


class _Condition(_Expr):
    type_name = ""
    op: Callable = None

    def __init__(self, left: Any, right: Any):
        self.left = left
        self.right = right

    def expr(self):
        return {"Type": self.type_name, "LeftValue": _expr(self.left), "RightValue": _expr(self.right)}

    def resolve(self, ctx) -> bool:
        left, right = _resolve(self.left, ctx), _resolve(self.right, ctx)
        try:
            return bool(type(self).op(left, right))
        except TypeError:
            raise TypeError(f"condition {self.type_name} cannot compare {left!r} with {right!r}") from None

    def steps(self):
        return _refs([self.left, self.right])[0]

    def parameters(self):
        return _refs([self.left, self.right])[1]

    def describe(self, ctx) -> str:
        return f"{_resolve(self.left, ctx)!r} {self.symbol} {_resolve(self.right, ctx)!r}"


class ConditionEquals(_Condition):
    """``left == right``."""

    type_name, symbol = "Equals", "=="
    op = staticmethod(lambda a, b: a == b)


class ConditionGreaterThan(_Condition):
    """``left > right``."""

    type_name, symbol = "GreaterThan", ">"
    op = staticmethod(lambda a, b: a > b)


class ConditionGreaterThanOrEqualTo(_Condition):
    """``left >= right``."""

    type_name, symbol = "GreaterThanOrEqualTo", ">="
    op = staticmethod(lambda a, b: a >= b)


class ConditionLessThan(_Condition):
    """``left < right``."""

    type_name, symbol = "LessThan", "<"
    op = staticmethod(lambda a, b: a < b)


class ConditionLessThanOrEqualTo(_Condition):
    """``left <= right``."""

    type_name, symbol = "LessThanOrEqualTo", "<="
    op = staticmethod(lambda a, b: a <= b)


# -- policies -------------------------------------------------------------------------------------------------------
_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$")


@dataclass(frozen=True)
class CacheConfig:
    """Step caching: ``enable_caching`` and ``expire_after`` (an ISO 8601 duration such as ``"P30D"``, ``"PT1H"``).

    A step with caching on whose cache key (its type, name, code, and its
    resolved inputs) matches a successful earlier run younger than
    ``expire_after`` is not run again: its outputs are reused and its record
    says ``CacheHit``.
    """

    enable_caching: bool = True
    expire_after: str = "P30D"

    def __post_init__(self):
        if not isinstance(self.enable_caching, bool):
            raise TypeError(f"enable_caching must be a bool, got {self.enable_caching!r}")
        m = _DURATION.match(self.expire_after) if isinstance(self.expire_after, str) else None
        if not m or self.expire_after in ("P", "PT") or not any(m.groups()):
            raise ValueError(f"expire_after must be an ISO 8601 duration such as 'P30D' or 'PT1H', "
                             f"got {self.expire_after!r}")

    @property
    def seconds(self) -> float:
        d, h, mi = (int(x or 0) for x in _DURATION.match(self.expire_after).groups())
        return d * 86400.0 + h * 3600.0 + mi * 60.0

    def to_definition(self) -> dict:
        return {"Enabled": self.enable_caching, "ExpireAfter": self.expire_after}


@dataclass(frozen=True)
class RetryPolicy:
    """Retry a step that raised one of ``exception_types`` up to ``max_attempts`` times.

    Types: ``Step.SERVICE_FAULT``, ``Step.THROTTLING`` (step retry policy) and
    ``SageMaker.JOB_INTERNAL_ERROR``, ``SageMaker.CAPACITY_ERROR``,
    ``SageMaker.RESOURCE_LIMIT`` (job retry policy); a step function raises
    :class:`ServiceFault`, :class:`Throttling`, ... to signal them. The wait
    before attempt k+1 is ``interval_seconds * backoff_rate**(k-1)``, counted
    in simulated seconds (nothing sleeps). Limits as SageMaker's:
    ``max_attempts`` 1-20, ``interval_seconds`` 1-300, ``backoff_rate`` >= 1.
    """

    exception_types: tuple = ("Step.SERVICE_FAULT", "Step.THROTTLING")
    max_attempts: int = 3
    interval_seconds: float = 1.0
    backoff_rate: float = 2.0

    def __post_init__(self):
        types = tuple(self.exception_types)
        if not types:
            raise ValueError("exception_types must name at least one exception type, got none")
        for t in types:
            check_one_of("exception_types", t, EXCEPTION_TYPES)
        object.__setattr__(self, "exception_types", types)
        check_int("max_attempts", self.max_attempts, 1, 20)
        check_float("interval_seconds", self.interval_seconds, 1.0, 300.0)
        check_float("backoff_rate", self.backoff_rate, 1.0, 10.0)

    def to_definition(self) -> dict:
        return {"ExceptionType": list(self.exception_types), "IntervalSeconds": self.interval_seconds,
                "BackoffRate": self.backoff_rate, "MaxAttempts": self.max_attempts}


# -- steps ----------------------------------------------------------------------------------------------------------
class Step:
    """A pipeline step: a name, a function ``fn(**inputs) -> dict``, inputs, dependencies, cache and retry policies.

    ``depends_on`` lists steps (or their names) that must finish first in
    addition to those whose properties appear in ``inputs``.
    ``cache_config`` None takes the pipeline's. Subclasses fix ``step_type``
    and how ``Arguments`` and property paths look in the definition.
    """

    step_type = ""
    cacheable = True

    def __init__(self, name: str, fn: Callable[..., Mapping] | None = None, *, inputs: Mapping[str, Any] | None = None,
                 depends_on: Sequence[Any] = (), cache_config: CacheConfig | None = None,
                 retry_policies: Sequence[RetryPolicy] = (), display_name: str | None = None,
                 image_uri: str | None = None, instance_type: str = "ml.m5.large"):
        self.name = name
        self.fn = fn
        self.inputs = dict(inputs or {})
        self.depends_on = list(depends_on)
        self.cache_config = cache_config
        self.retry_policies = list(retry_policies)
        self.display_name = display_name
        self.image_uri = image_uri
        self.instance_type = instance_type
        if not isinstance(name, str) or not _STEP_NAME.match(name):
            raise ValueError(f"name must be 1-64 letters, digits, hyphens or underscores, got {name!r}")
        if fn is not None and not callable(fn):
            raise TypeError(f"fn must be callable, got {type(fn).__name__}")
        if cache_config is not None and not isinstance(cache_config, CacheConfig):
            raise TypeError(f"cache_config must be a CacheConfig or None, got {type(cache_config).__name__}")
        for r in self.retry_policies:
            if not isinstance(r, RetryPolicy):
                raise TypeError(f"retry_policies must hold RetryPolicy objects, got {type(r).__name__}")
        self.properties = _Properties(self)

    # -- graph
    def dependency_names(self) -> list[str]:
        names = [d.name if isinstance(d, Step) else d for d in self.depends_on]
        names += [s.name for s in _refs(self.inputs)[0]]
        return list(dict.fromkeys(names))

    def referenced_parameters(self) -> list[_Parameter]:
        return _refs(self.inputs)[1]

    # -- definition
    def property_expr(self, key: str) -> Any:
        return {"Get": f"Steps.{self.name}.Properties.{key}"}

    def _split_inputs(self):
        """(data inputs: S3 locations or step properties, scalar inputs) of ``inputs``."""
        data, scalars = {}, {}
        for k, v in self.inputs.items():
            if isinstance(v, _Property) or (isinstance(v, str) and v.startswith("s3://")):
                data[k] = v
            else:
                scalars[k] = v
        return data, scalars

    def arguments(self, pipeline_name: str) -> dict:
        return {}

    def definition(self, pipeline_name: str, cache: CacheConfig | None) -> dict:
        d = {"Name": self.name, "Type": self.step_type, "Arguments": self.arguments(pipeline_name)}
        deps = [d_.name if isinstance(d_, Step) else d_ for d_ in self.depends_on]
        if deps:
            d["DependsOn"] = deps
        if self.display_name:
            d["DisplayName"] = self.display_name
        cc = self.cache_config or cache
        if self.cacheable and cc is not None:
            d["CacheConfig"] = cc.to_definition()
        if self.retry_policies:
            d["RetryPolicies"] = [r.to_definition() for r in self.retry_policies]
        return d

    def _output_uri(self, pipeline_name: str, key: str = "output") -> str:
        return f"s3://mlkit-pipelines/{pipeline_name}/{self.name}/{key}"

    # -- local run
    def code_fingerprint(self) -> str:
        if self.fn is None:
            return ""
        try:
            src = inspect.getsource(self.fn)
        except (OSError, TypeError):
            src = getattr(self.fn, "__qualname__", repr(self.fn))
        return hashlib.sha256(src.encode()).hexdigest()

    def execute(self, resolved: dict) -> dict:
        if self.fn is None:
            raise TypeError(f"step {self.name!r} has no fn to run")
        out = self.fn(**resolved)
        if out is None:
            out = {}
        if not isinstance(out, Mapping):
            raise TypeError(f"step {self.name!r}: fn must return a dict of outputs, got {type(out).__name__}")
        return dict(out)

    def __repr__(self):
        return f"{type(self).__name__}({self.name!r})"


class ProcessingStep(Step):
    """A processing job: data inputs become ``ProcessingInputs``, other inputs its ``Environment``.

    ``outputs`` names the output channels: property ``k`` is
    ``ProcessingOutputConfig.Outputs['k'].S3Output.S3Uri`` in the definition.
    """

    step_type = "Processing"

    def __init__(self, name, fn=None, *, outputs: Sequence[str] = (), **kwargs):
        super().__init__(name, fn, **kwargs)
        self.outputs = list(outputs)

    def property_expr(self, key):
        return {"Get": f"Steps.{self.name}.ProcessingOutputConfig.Outputs['{key}'].S3Output.S3Uri"}

    def arguments(self, pipeline_name):
        data, scalars = self._split_inputs()
        code = getattr(self.fn, "__name__", "step").replace("<lambda>", "step")
        args = {
            "ProcessingResources": {"ClusterConfig": {"InstanceType": self.instance_type, "InstanceCount": 1,
                                                      "VolumeSizeInGB": 30}},
            "AppSpecification": {"ImageUri": self.image_uri or DEFAULT_IMAGE,
                                 "ContainerEntrypoint": ["python3", f"/opt/ml/processing/input/code/{code}.py"]},
            "RoleArn": ROLE_ARN,
        }
        if scalars:
            args["Environment"] = {k: _expr(v) if isinstance(v, _Expr) else str(v) for k, v in scalars.items()}
        if data:
            args["ProcessingInputs"] = [
                {"InputName": k, "AppManaged": False,
                 "S3Input": {"S3Uri": _expr(v), "LocalPath": f"/opt/ml/processing/input/{k}",
                             "S3DataType": "S3Prefix", "S3InputMode": "File"}} for k, v in data.items()]
        if self.outputs:
            args["ProcessingOutputConfig"] = {"Outputs": [
                {"OutputName": k, "AppManaged": False,
                 "S3Output": {"S3Uri": self._output_uri(pipeline_name, k), "LocalPath": f"/opt/ml/processing/output/{k}",
                              "S3UploadMode": "EndOfJob"}} for k in self.outputs]}
        return args


class EvaluationStep(ProcessingStep):
    """Model evaluation: a processing job writing an evaluation report (a ``PropertyFile``).

    Its outputs are read in the definition with ``Std:JsonGet`` on the
    ``EvaluationReport`` property file (e.g. ``properties["auc"]``).
    """

    def __init__(self, name, fn=None, *, property_file: str = "EvaluationReport", **kwargs):
        kwargs.setdefault("outputs", ["evaluation"])
        super().__init__(name, fn, **kwargs)
        self.property_file = property_file

    def property_expr(self, key):
        if key in self.outputs:
            return super().property_expr(key)
        return {"Std:JsonGet": {"PropertyFile": {"Get": f"Steps.{self.name}.PropertyFiles.{self.property_file}"},
                                "Path": key}}

    def definition(self, pipeline_name, cache):
        d = super().definition(pipeline_name, cache)
        d["PropertyFiles"] = [{"PropertyFileName": self.property_file, "OutputName": self.outputs[0],
                               "FilePath": "evaluation.json"}]
        return d


class TrainingStep(Step):
    """A training job: data inputs become channels, other inputs ``HyperParameters``.

    Property ``model`` is ``ModelArtifacts.S3ModelArtifacts``; any other
    property is ``FinalMetricDataList['<key>'].Value``.
    """

    step_type = "Training"

    def property_expr(self, key):
        if key == "model":
            return {"Get": f"Steps.{self.name}.ModelArtifacts.S3ModelArtifacts"}
        return {"Get": f"Steps.{self.name}.FinalMetricDataList['{key}'].Value"}

    def training_definition(self, pipeline_name):
        data, scalars = self._split_inputs()
        args = {
            "AlgorithmSpecification": {"TrainingImage": self.image_uri or XGB_IMAGE, "TrainingInputMode": "File"},
            "OutputDataConfig": {"S3OutputPath": self._output_uri(pipeline_name, "model")},
            "ResourceConfig": {"InstanceCount": 1, "InstanceType": self.instance_type, "VolumeSizeInGB": 30},
            "RoleArn": ROLE_ARN,
            "StoppingCondition": {"MaxRuntimeInSeconds": 86400},
        }
        if scalars:
            args["HyperParameters"] = {k: _expr(v) if isinstance(v, _Expr) else str(v) for k, v in scalars.items()}
        if data:
            args["InputDataConfig"] = [
                {"ChannelName": k, "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": _expr(v),
                                                                   "S3DataDistributionType": "FullyReplicated"}},
                 "ContentType": "text/csv"} for k, v in data.items()]
        return args

    def arguments(self, pipeline_name):
        return self.training_definition(pipeline_name)


class TuningStep(TrainingStep):
    """A hyperparameter tuning job over the training definition; ``max_jobs`` trials, ``objective`` to maximise.

    Property ``model`` is the best training job's model (a ``Std:Join`` over
    ``TrainingJobSummaries[0].TrainingJobName``, as the SDK's
    ``get_top_model_s3_uri`` builds it); ``best_score`` is the objective.
    """

    step_type = "Tuning"

    def __init__(self, name, fn=None, *, objective: str = "validation:auc", max_jobs: int = 10, **kwargs):
        super().__init__(name, fn, **kwargs)
        self.objective = objective
        self.max_jobs = check_int("max_jobs", max_jobs, 1, 750)

    def property_expr(self, key):
        if key == "model":
            return {"Std:Join": {"On": "/", "Values": [
                self._output_uri("{pipeline}", "model").replace("/{pipeline}", ""),
                {"Get": f"Steps.{self.name}.TrainingJobSummaries[0].TrainingJobName"}, "output/model.tar.gz"]}}
        if key == "best_score":
            return {"Get": f"Steps.{self.name}.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value"}
        return {"Get": f"Steps.{self.name}.BestTrainingJob.TunedHyperParameters['{key}']"}

    def arguments(self, pipeline_name):
        return {
            "HyperParameterTuningJobConfig": {
                "Strategy": "Bayesian",
                "HyperParameterTuningJobObjective": {"Type": "Maximize", "MetricName": self.objective},
                "ResourceLimits": {"MaxNumberOfTrainingJobs": self.max_jobs, "MaxParallelTrainingJobs": 1},
                "TrainingJobEarlyStoppingType": "Off",
            },
            "TrainingJobDefinition": self.training_definition(pipeline_name),
        }


class RegisterModelStep(Step):
    """Register the model as a new model package version (``RegisterModel`` step; not cached, as in SageMaker).

    ``inputs`` should hold ``model_data_url`` (a training step's
    ``properties["model"]``), ``group`` and ``approval_status``; property
    ``ModelPackageArn``.
    """

    step_type = "RegisterModel"
    cacheable = False

    def property_expr(self, key):
        if key == "ModelPackageArn":
            return {"Get": f"Steps.{self.name}.ModelPackageArn"}
        return super().property_expr(key)

    def arguments(self, pipeline_name):
        i = self.inputs
        args = {
            "ModelPackageGroupName": _expr(i.get("group", pipeline_name)),
            "ModelApprovalStatus": _expr(i.get("approval_status", "PendingManualApproval")),
            "InferenceSpecification": {
                "Containers": [{"Image": self.image_uri or XGB_IMAGE, "ModelDataUrl": _expr(i.get("model_data_url"))}],
                "SupportedContentTypes": ["text/csv"], "SupportedResponseMIMETypes": ["text/csv"],
                "SupportedRealtimeInferenceInstanceTypes": [self.instance_type],
                "SupportedTransformInstanceTypes": [self.instance_type],
            },
        }
        return args


class TransformStep(Step):
    """A batch transform job: data inputs become the ``TransformInput``; property ``output`` the S3 output path."""

    step_type = "Transform"

    def property_expr(self, key):
        if key == "output":
            return {"Get": f"Steps.{self.name}.TransformOutput.S3OutputPath"}
        return super().property_expr(key)

    def arguments(self, pipeline_name):
        data, scalars = self._split_inputs()
        src = next(iter(data.values()), self._output_uri(pipeline_name, "input"))
        return {
            "ModelName": _expr(scalars.get("model_name", f"{pipeline_name}-model")),
            "TransformInput": {"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": _expr(src)}},
                               "ContentType": "text/csv", "SplitType": "Line"},
            "TransformOutput": {"S3OutputPath": self._output_uri(pipeline_name, "output")},
            "TransformResources": {"InstanceCount": 1, "InstanceType": self.instance_type},
        }


class FailStep(Step):
    """Stop the execution as Failed with ``error_message`` (a string or expression)."""

    step_type = "Fail"
    cacheable = False

    def __init__(self, name, *, error_message: Any = "", depends_on: Sequence[Any] = ()):
        super().__init__(name, None, inputs={"error_message": error_message}, depends_on=depends_on)
        self.error_message = error_message

    def arguments(self, pipeline_name):
        return {"ErrorMessage": _expr(self.error_message)}

    def execute(self, resolved):
        raise _StepFailed(str(resolved.get("error_message") or f"FailStep {self.name} reached"))


class _StepFailed(RuntimeError):
    pass


class ConditionStep(Step):
    """Evaluate ``conditions`` (all must hold); run ``if_steps`` when they do, ``else_steps`` otherwise.

    The steps of the branch not taken are recorded as ``Skipped`` with the
    condition's values; steps inside a branch depend on the condition step.
    Property ``Outcome`` is True/False.
    """

    step_type = "Condition"
    cacheable = False

    def __init__(self, name, *, conditions: Sequence[_Condition], if_steps: Sequence[Step] = (),
                 else_steps: Sequence[Step] = (), depends_on: Sequence[Any] = ()):
        super().__init__(name, None, depends_on=depends_on)
        self.conditions = list(conditions)
        self.if_steps = list(if_steps)
        self.else_steps = list(else_steps)
        if not self.conditions:
            raise ValueError("conditions must hold at least one condition, got none")
        for c in self.conditions:
            if not isinstance(c, _Condition):
                raise TypeError(f"conditions must be Condition objects (e.g. ConditionGreaterThanOrEqualTo), "
                                f"got {type(c).__name__}")
        for s in self.if_steps + self.else_steps:
            if not isinstance(s, Step):
                raise TypeError(f"if_steps and else_steps must hold steps, got {type(s).__name__}")

    def dependency_names(self):
        names = super().dependency_names() + [s.name for c in self.conditions for s in c.steps()]
        return list(dict.fromkeys(names))

    def referenced_parameters(self):
        return [p for c in self.conditions for p in c.parameters()]

    def property_expr(self, key):
        return {"Get": f"Steps.{self.name}.Outcome"}

    def arguments(self, pipeline_name):
        raise NotImplementedError  # definition() below writes the nested steps

    def definition(self, pipeline_name, cache):
        d = {"Name": self.name, "Type": "Condition", "Arguments": {
            "Conditions": [c.expr() for c in self.conditions],
            "IfSteps": [s.definition(pipeline_name, cache) for s in self.if_steps],
            "ElseSteps": [s.definition(pipeline_name, cache) for s in self.else_steps],
        }}
        deps = [d_.name if isinstance(d_, Step) else d_ for d_ in self.depends_on]
        if deps:
            d["DependsOn"] = deps
        return d


# -- execution record -----------------------------------------------------------------------------------------------
@dataclass
class StepExecution:
    """One step of one execution: ``StepStatus`` (NotStarted, Executing, Succeeded, Failed, Skipped), times, outputs."""

    StepName: str
    StepType: str
    StepStatus: str = "NotStarted"
    StartTime: float | None = None
    EndTime: float | None = None
    CacheHit: bool = False
    Attempts: int = 0
    RetryWaitSeconds: float = 0.0
    FailureReason: str = ""
    Outputs: dict = field(default_factory=dict)
    CacheKey: str = ""


@dataclass
class PipelineExecution(Report):
    """The record of one run: status, parameters, and one :class:`StepExecution` per step (definition order).

    ``PipelineExecutionStatus`` is ``Succeeded`` or ``Failed``;
    ``FailureReason`` names the first step that failed and why.
    :meth:`table` gives the steps as a DataFrame; :meth:`outputs` one step's
    outputs.
    """

    PipelineName: str
    PipelineExecutionArn: str
    PipelineExecutionStatus: str
    parameters: dict
    steps: list
    FailureReason: str = ""
    StartTime: float = 0.0
    EndTime: float = 0.0

    def step(self, name: str) -> StepExecution:
        for s in self.steps:
            if s.StepName == name:
                return s
        raise KeyError(f"no step named {name!r}; steps: {[s.StepName for s in self.steps]}")

    def outputs(self, name: str) -> dict:
        """The outputs of step ``name`` (empty if it did not succeed)."""
        return self.step(name).Outputs

    def table(self):
        """Steps as a DataFrame: StepName, StepType, StepStatus, CacheHit, Attempts, seconds, FailureReason."""
        import pandas as pd

        rows = [{"StepName": s.StepName, "StepType": s.StepType, "StepStatus": s.StepStatus, "CacheHit": s.CacheHit,
                 "Attempts": s.Attempts, "RetryWaitSeconds": s.RetryWaitSeconds,
                 "seconds": (s.EndTime - s.StartTime) if s.StartTime and s.EndTime else None,
                 "FailureReason": s.FailureReason} for s in self.steps]
        return pd.DataFrame(rows)

    def _repr_html_(self) -> str:
        return (f"<p><b>{self.PipelineName}</b> execution: <b>{self.PipelineExecutionStatus}</b> "
                f"{self.FailureReason}</p>" + self.table().to_html(index=False))


class _Context:
    def __init__(self, parameters):
        self.parameters = parameters
        self.outputs: dict[str, dict] = {}


# -- the pipeline ---------------------------------------------------------------------------------------------------
class Pipeline:
    """A named DAG of steps with parameters: export its definition, or run it locally.

    ``Pipeline(name, parameters=(), steps=(), cache_config=CacheConfig())``:
    ``steps`` are the top-level steps (those inside a condition's branches
    are found through it). Construction checks the graph: unique step names,
    ``DependsOn`` names that exist, references to steps in the pipeline,
    parameters that are declared, no cycle (:class:`PipelineDefinitionError`).
    """

    def __init__(self, name: str, *, parameters: Sequence[_Parameter] = (), steps: Sequence[Step] = (),
                 cache_config: CacheConfig | None = CacheConfig()):
        self.name = name
        self.parameters = list(parameters)
        self.steps = list(steps)
        self.cache_config = cache_config
        if not isinstance(name, str) or not _PIPELINE_NAME.match(name):
            raise ValueError(f"name must be 1-256 letters, digits or hyphens, starting with a letter or digit, "
                             f"got {name!r}")
        self._all, self._branch_of = self._collect()
        self._check()

    def _collect(self):
        found: dict[str, Step] = {}
        branch_of: dict[str, tuple[str, bool]] = {}

        def add(step, parent=None, outcome=None):
            if not isinstance(step, Step):
                raise TypeError(f"steps must be Step objects, got {type(step).__name__}")
            if step.name in found and found[step.name] is not step:
                raise PipelineDefinitionError(f"step names must be unique, {step.name!r} is used twice")
            found[step.name] = step
            if parent is not None:
                branch_of[step.name] = (parent, outcome)
            if isinstance(step, ConditionStep):
                for s in step.if_steps:
                    add(s, step.name, True)
                for s in step.else_steps:
                    add(s, step.name, False)

        for s in self.steps:
            add(s)
        return found, branch_of

    def dependencies(self) -> dict[str, list[str]]:
        """``{step: [steps it waits for]}`` (explicit, through properties, and a branch's condition)."""
        deps = {}
        for name, step in self._all.items():
            d = step.dependency_names()
            if name in self._branch_of:
                d = d + [self._branch_of[name][0]]
            deps[name] = list(dict.fromkeys(d))
        return deps

    def _check(self):
        declared = {p.name: p for p in self.parameters}
        if len(declared) != len(self.parameters):
            raise PipelineDefinitionError(f"parameter names must be unique, got {[p.name for p in self.parameters]}")
        deps = self.dependencies()
        for name, d in deps.items():
            for x in d:
                if x not in self._all:
                    raise PipelineDefinitionError(f"step {name!r} depends on {x!r}, which is not a step of the "
                                                  f"pipeline; steps: {sorted(self._all)}")
            for p in self._all[name].referenced_parameters():
                if declared.get(p.name) is not p:
                    raise PipelineDefinitionError(f"step {name!r} uses parameter {p.name!r}, which is not in the "
                                                  f"pipeline's parameters {sorted(declared)}")
        self.order = self._topological(deps)

    def _topological(self, deps):
        order, state = [], {}

        def visit(n, path):
            if state.get(n) == 1:
                raise PipelineDefinitionError(f"the steps form a cycle: {' -> '.join(path + [n])}")
            if state.get(n) == 2:
                return
            state[n] = 1
            for d in deps[n]:
                visit(d, path + [n])
            state[n] = 2
            order.append(n)

        for n in self._all:
            visit(n, [])
        return order

    # -- export
    def definition(self) -> dict:
        """The pipeline definition JSON (as a dict) in SageMaker's schema, version ``2020-12-01``."""
        return {
            "Version": SCHEMA_VERSION,
            "Metadata": {},
            "Parameters": [p.definition() for p in self.parameters],
            "PipelineExperimentConfig": {"ExperimentName": {"Get": "Execution.PipelineName"},
                                         "TrialName": {"Get": "Execution.PipelineExecutionId"}},
            "Steps": [s.definition(self.name, self.cache_config) for s in self.steps],
        }

    def to_request(self, role_arn: str = ROLE_ARN, description: str = "") -> dict:
        """The ``CreatePipeline`` request: name, definition (a JSON string), a client token, the role."""
        body = json.dumps(self.definition(), sort_keys=True)
        req = {"PipelineName": self.name, "PipelineDefinition": body,
               "ClientRequestToken": hashlib.sha256(body.encode()).hexdigest()[:64], "RoleArn": role_arn}
        if description:
            req["PipelineDescription"] = description
        return req

    # -- run
    def _parameters(self, given: Mapping[str, Any] | None) -> dict:
        given = dict(given or {})
        out = {}
        declared = {p.name: p for p in self.parameters}
        for k in given:
            if k not in declared:
                raise ValueError(f"parameters names {k!r}, which the pipeline does not declare; "
                                 f"declared: {sorted(declared)}")
        for name, p in declared.items():
            if name in given:
                out[name] = p.check(given[name], "the value")
            elif p.default_value is not None:
                out[name] = p.default_value
            else:
                raise ValueError(f"parameter {name!r} has no default value; pass parameters={{{name!r}: ...}}")
        return out

    def start(self, parameters: Mapping[str, Any] | None = None, *, path=None, max_workers: int = 2,
              on_step: Callable[[StepExecution, "PipelineExecution"], Any] | None = None,
              lineage: bool = True) -> PipelineExecution:
        """Run the steps locally; the :class:`PipelineExecution` record (also stored in the database).

        Steps start when every step they depend on has Succeeded; up to
        ``max_workers`` run at once in threads. A cacheable step whose cache
        key is in the cache (and not expired) reuses the stored outputs
        (``CacheHit``). A step that raises is retried per its retry policies,
        then marked Failed with the exception; its dependants stay
        NotStarted with the reason; independent steps go on. ``on_step`` is
        called (in this thread) with each step record whenever it changes.
        With ``lineage``, each step that ran records a lineage action (its
        ``StepType``) fed by the ``s3://`` values among its inputs and
        producing those among its outputs (artifacts of type "Model" when the
        name says model, else "DataSet"), in the same database.
        """
        from mlkit.lineage import open_db

        params = self._parameters(parameters)
        workers = check_int("max_workers", max_workers, 1, 64)
        conn = open_db(path, _SCHEMA)
        lin = None
        if lineage:
            from mlkit.lineage import LineageStore

            lin = LineageStore(path)
        db_lock = threading.Lock()
        arn = f"{ACCOUNT_PREFIX}:pipeline/{self.name}/execution/{uuid.uuid4().hex[:12]}"
        records = {n: StepExecution(n, self._all[n].step_type) for n in self.order}
        ex = PipelineExecution(self.name, arn, "Executing", params,
                               [records[n] for n in self._definition_order()], StartTime=time.time())
        ctx = _Context(params)
        deps = self.dependencies()
        notify = (lambda rec: on_step(rec, ex)) if on_step else (lambda rec: None)
        pending = list(self.order)
        running: dict[cf.Future, str] = {}
        failures: list[str] = []

        def cache_key(step, resolved):
            blob = json.dumps({"type": step.step_type, "name": step.name, "code": step.code_fingerprint(),
                               "inputs": resolved}, sort_keys=True, default=str)
            return hashlib.sha256(blob.encode()).hexdigest()

        def run_one(step: Step, resolved: dict, rec: StepExecution):
            policies = step.retry_policies
            attempt = 0
            while True:
                attempt += 1
                rec.Attempts = attempt
                try:
                    out = step.execute(resolved)
                    json.dumps(out)
                    return out
                except TypeError as exc:
                    if "JSON serializable" in str(exc):
                        raise TypeError(f"step {step.name!r} outputs must be JSON values (numbers, strings, "
                                        f"lists, dicts): {exc}") from None
                    raise
                except _RetryableError as exc:
                    policy = next((p for p in policies if exc.exception_type in p.exception_types), None)
                    if policy is None or attempt >= policy.max_attempts:
                        raise
                    rec.RetryWaitSeconds += policy.interval_seconds * policy.backoff_rate ** (attempt - 1)

        try:
            self._run(pending, running, failures, records, deps, ctx, workers, notify, run_one, cache_key, conn,
                      db_lock, lin, arn)
        except BaseException:  # also KeyboardInterrupt: finished steps are in the cache, a re-run starts after them
            conn.close()
            raise
        finally:
            if lin is not None:
                lin.close()
        ex.EndTime = time.time()
        if failures:
            first = records[failures[0]]
            ex.PipelineExecutionStatus = "Failed"
            ex.FailureReason = f"step {first.StepName!r} failed: {first.FailureReason}"
        else:
            ex.PipelineExecutionStatus = "Succeeded"
        with db_lock, conn:
            conn.execute("INSERT OR REPLACE INTO pipe_executions VALUES (?,?,?,?,?,?)",
                         (arn, self.name, ex.PipelineExecutionStatus, ex.StartTime, ex.EndTime,
                          json.dumps(ex.to_dict(), default=str)))
        conn.close()
        return ex

    def _run(self, pending, running, failures, records, deps, ctx, workers, notify, run_one, cache_key, conn,
             db_lock, lin, arn) -> None:
        with cf.ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"pipeline-{self.name}") as pool:
            while pending or running:
                progressed = False
                for name in list(pending):
                    rec = records[name]
                    step = self._all[name]
                    ds = deps[name]
                    bad = [d for d in ds if records[d].StepStatus in ("Failed", "NotStarted") and d not in pending
                           and not any(v == d for v in running.values())]
                    if bad:
                        pending.remove(name)
                        rec.FailureReason = f"not started: upstream step {bad[0]!r} did not succeed"
                        notify(rec)
                        progressed = True
                        continue
                    skipped = [d for d in ds if records[d].StepStatus == "Skipped"]
                    if name in self._branch_of:
                        cond, outcome = self._branch_of[name]
                        if records[cond].StepStatus == "Succeeded" and records[cond].Outputs["Outcome"] != outcome:
                            pending.remove(name)
                            rec.StepStatus = "Skipped"
                            rec.FailureReason = (f"condition {cond!r} evaluated to "
                                                 f"{records[cond].Outputs['Outcome']}; this step is in its "
                                                 f"{'IfSteps' if outcome else 'ElseSteps'}")
                            notify(rec)
                            progressed = True
                            continue
                    if skipped:
                        pending.remove(name)
                        rec.StepStatus = "Skipped"
                        rec.FailureReason = f"upstream step {skipped[0]!r} was skipped"
                        notify(rec)
                        progressed = True
                        continue
                    if not all(records[d].StepStatus == "Succeeded" for d in ds):
                        continue
                    if len(running) >= workers:
                        break
                    pending.remove(name)
                    progressed = True
                    rec.StartTime = time.time()
                    rec.StepStatus = "Executing"
                    try:
                        if isinstance(step, ConditionStep):
                            outcome = all(c.resolve(ctx) for c in step.conditions)
                            rec.Outputs = {"Outcome": outcome,
                                           "Evaluated": [c.describe(ctx) for c in step.conditions]}
                            ctx.outputs[name] = rec.Outputs
                            rec.StepStatus, rec.EndTime, rec.Attempts = "Succeeded", time.time(), 1
                            notify(rec)
                            continue
                        resolved = _resolve(step.inputs, ctx)
                    except Exception as exc:  # a bad reference or comparison fails this step
                        rec.StepStatus, rec.EndTime = "Failed", time.time()
                        rec.FailureReason = f"{type(exc).__name__}: {exc}"
                        failures.append(name)
                        notify(rec)
                        continue
                    cc = step.cache_config or self.cache_config
                    if step.cacheable and cc is not None and cc.enable_caching:
                        rec.CacheKey = cache_key(step, resolved)
                        with db_lock:
                            hit = conn.execute("SELECT outputs, created FROM pipe_cache WHERE key=?",
                                               (rec.CacheKey,)).fetchone()
                        if hit is not None and time.time() - hit[1] <= cc.seconds:
                            rec.Outputs = json.loads(hit[0])
                            ctx.outputs[name] = rec.Outputs
                            rec.CacheHit = True
                            rec.StepStatus, rec.EndTime = "Succeeded", time.time()
                            notify(rec)
                            continue
                    notify(rec)
                    running[pool.submit(run_one, step, resolved, rec)] = name
                if running:
                    done, _ = cf.wait(list(running), return_when=cf.FIRST_COMPLETED)
                    for fut in done:
                        name = running.pop(fut)
                        rec = records[name]
                        rec.EndTime = time.time()
                        try:
                            out = fut.result()
                        except BaseException as exc:
                            rec.StepStatus = "Failed"
                            rec.FailureReason = str(exc) if isinstance(exc, _StepFailed) else \
                                f"{type(exc).__name__}: {exc}"
                            failures.append(name)
                            if not isinstance(exc, Exception):  # KeyboardInterrupt: stop, keep what finished
                                pending.clear()
                                raise
                        else:
                            rec.Outputs = out
                            ctx.outputs[name] = out
                            rec.StepStatus = "Succeeded"
                            if lin is not None:
                                _record_lineage(lin, self.name, arn, self._all[name], _resolve(
                                    self._all[name].inputs, ctx), out)
                            if rec.CacheKey:
                                with db_lock, conn:
                                    conn.execute("INSERT OR REPLACE INTO pipe_cache VALUES (?,?,?,?,?,?)",
                                                 (rec.CacheKey, self.name, name, json.dumps(out), time.time(), arn))
                        notify(rec)
                elif pending and not progressed:  # pragma: no cover - the definition check rules this out
                    raise PipelineDefinitionError(f"steps {pending} can never start")

    def _definition_order(self) -> list[str]:
        out = []

        def walk(steps):
            for s in steps:
                out.append(s.name)
                if isinstance(s, ConditionStep):
                    walk(s.if_steps)
                    walk(s.else_steps)

        walk(self.steps)
        return out

    def list_executions(self, *, path=None):
        """This pipeline's stored executions: arn, status, started, ended (UTC), oldest first."""
        import pandas as pd

        from mlkit.lineage import open_db

        conn = open_db(path, _SCHEMA)
        try:
            rows = conn.execute("SELECT arn, status, started, ended FROM pipe_executions WHERE pipeline=? "
                                "ORDER BY started", (self.name,)).fetchall()
        finally:
            conn.close()
        df = pd.DataFrame(rows, columns=["PipelineExecutionArn", "PipelineExecutionStatus", "StartTime", "EndTime"])
        for c in ("StartTime", "EndTime"):
            df[c] = pd.to_datetime(df[c], unit="s", utc=True)
        return df

    def __repr__(self):
        return f"Pipeline({self.name!r}, steps={self._definition_order()})"


def _s3_values(values: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [(k, v) for k, v in values.items() if isinstance(v, str) and v.startswith("s3://")]


def _record_lineage(lin, pipeline: str, execution_arn: str, step: Step, inputs: Mapping, outputs: Mapping) -> None:
    """One action for a step that ran, fed by its s3:// inputs and producing its s3:// outputs."""

    def kind(key, uri):
        return "Model" if "model" in key.lower() or uri.endswith("model.tar.gz") else "DataSet"

    srcs = [lin.artifact(uri.rstrip("/").rsplit("/", 1)[-1] or uri, kind(k, uri), uri) for k, uri in _s3_values(inputs)]
    act = lin.action(f"{pipeline}-{step.name}", step.step_type, f"{execution_arn}/step/{step.name}", inputs=srcs)
    for k, uri in _s3_values(outputs):
        lin.artifact(uri.rstrip("/").rsplit("/", 1)[-1] or uri, kind(k, uri), uri, produced_by=act)
