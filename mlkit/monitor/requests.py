"""The real requests behind a monitoring setup: four job definitions and ``CreateMonitoringSchedule``.

Each class exports the request ``boto3.client("sagemaker")`` takes, checked
offline with :func:`mlkit.aws.validate_request` (``.validate()``):

* :class:`DataQualityJobDefinition` -> ``CreateDataQualityJobDefinition``
  (baseline ``statistics.json`` + ``constraints.json``);
* :class:`ModelQualityJobDefinition` -> ``CreateModelQualityJobDefinition``
  (``ProblemType``, ``InferenceAttribute``/``ProbabilityAttribute``, the
  ground-truth prefix);
* :class:`ModelBiasJobDefinition` -> ``CreateModelBiasJobDefinition``
  (Clarify's ``analysis_config.json`` at ``ConfigUri``);
* :class:`ModelExplainabilityJobDefinition` -> ``CreateModelExplainabilityJobDefinition``;
* :class:`CreateMonitoringSchedule` -> ``CreateMonitoringSchedule`` naming
  one of them, with a cron ``ScheduleExpression``.

    >>> d = DataQualityJobDefinition("claims-dq", EndpointName="claims",
    ...                              BaselineUri="s3://bkt/baseline", OutputUri="s3://bkt/reports")
    >>> CreateMonitoringSchedule("claims-hourly", d, "cron(0 * ? * * *)").validate()["MonitoringScheduleConfig"]["MonitoringType"]
    'DataQuality'
"""

from __future__ import annotations

from dataclasses import dataclass

from mlkit._checks import check_int, check_one_of
from mlkit.aws import AwsRequest

__all__ = ["DataQualityJobDefinition", "ModelQualityJobDefinition", "ModelBiasJobDefinition",
           "ModelExplainabilityJobDefinition", "CreateMonitoringSchedule", "MODEL_MONITOR_IMAGE",
           "CLARIFY_IMAGE", "DEFAULT_ROLE"]

#: The prebuilt Model Monitor analyzer and Clarify images in us-east-1.
MODEL_MONITOR_IMAGE = "156813124566.dkr.ecr.us-east-1.amazonaws.com/sagemaker-model-monitor-analyzer"
CLARIFY_IMAGE = "205585389593.dkr.ecr.us-east-1.amazonaws.com/sagemaker-clarify-processing:1.0"
DEFAULT_ROLE = "arn:aws:iam::000000000000:role/MlkitModelMonitorRole"


@dataclass(frozen=True)
class _JobDefinition(AwsRequest):
    JobDefinitionName: str
    EndpointName: str = "mlkit-endpoint"
    BaselineUri: str | None = None
    OutputUri: str = "s3://mlkit-monitor/reports"
    RoleArn: str = DEFAULT_ROLE
    InstanceType: str = "ml.m5.xlarge"
    InstanceCount: int = 1
    VolumeSizeInGB: int = 20
    MaxRuntimeInSeconds: int = 3600
    StartTimeOffset: str | None = None
    EndTimeOffset: str | None = None

    kind = ""  # DataQuality, ModelQuality, ModelBias, ModelExplainability

    def __post_init__(self):
        import re

        from mlkit.storage import parse_s3_uri

        if not isinstance(self.JobDefinitionName, str) or not re.fullmatch(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}",
                                                                           self.JobDefinitionName):
            raise ValueError("JobDefinitionName must be 1-63 letters, digits or hyphens, starting and ending with "
                             f"a letter or digit, got {self.JobDefinitionName!r}")
        parse_s3_uri(self.OutputUri, allow_prefix=True)
        if self.BaselineUri is not None:
            parse_s3_uri(self.BaselineUri, allow_prefix=True)
        check_int("InstanceCount", self.InstanceCount, low=1, high=100)
        check_int("VolumeSizeInGB", self.VolumeSizeInGB, low=1, high=16384)
        # Model Monitor jobs may run at most one hour when scheduled hourly
        check_int("MaxRuntimeInSeconds", self.MaxRuntimeInSeconds, low=1, high=86400)

    @property
    def aws_operation(self) -> str:  # type: ignore[override]
        return f"Create{self.kind}JobDefinition"

    def _endpoint_input(self) -> dict:
        d = {"EndpointName": self.EndpointName, "LocalPath": "/opt/ml/processing/input/endpoint",
             "S3InputMode": "File", "S3DataDistributionType": "FullyReplicated"}
        if self.StartTimeOffset:
            d["StartTimeOffset"] = self.StartTimeOffset
        if self.EndTimeOffset:
            d["EndTimeOffset"] = self.EndTimeOffset
        return d

    def _common(self) -> dict:
        return {
            "JobDefinitionName": self.JobDefinitionName,
            f"{self.kind}JobOutputConfig": {"MonitoringOutputs": [{"S3Output": {
                "S3Uri": f"{self.OutputUri.rstrip('/')}/{self.JobDefinitionName}",
                "LocalPath": "/opt/ml/processing/output", "S3UploadMode": "EndOfJob"}}]},
            "JobResources": {"ClusterConfig": {"InstanceCount": int(self.InstanceCount),
                                               "InstanceType": self.InstanceType,
                                               "VolumeSizeInGB": int(self.VolumeSizeInGB)}},
            "RoleArn": self.RoleArn,
            "StoppingCondition": {"MaxRuntimeInSeconds": int(self.MaxRuntimeInSeconds)},
        }

    def _baseline(self, with_statistics: bool) -> dict:
        if self.BaselineUri is None:
            return {}
        base = self.BaselineUri.rstrip("/")
        cfg = {"ConstraintsResource": {"S3Uri": f"{base}/constraints.json"}}
        if with_statistics:
            cfg["StatisticsResource"] = {"S3Uri": f"{base}/statistics.json"}
        return {f"{self.kind}BaselineConfig": cfg}


@dataclass(frozen=True)
class DataQualityJobDefinition(_JobDefinition):
    """``CreateDataQualityJobDefinition``: the prebuilt analyzer on captured endpoint data vs a baseline folder."""

    kind = "DataQuality"

    def to_request(self) -> dict:
        return {**self._common(), **self._baseline(True),
                "DataQualityAppSpecification": {"ImageUri": MODEL_MONITOR_IMAGE},
                "DataQualityJobInput": {"EndpointInput": self._endpoint_input()}}


@dataclass(frozen=True)
class ModelQualityJobDefinition(_JobDefinition):
    """``CreateModelQualityJobDefinition``: predictions merged with ground truth under ``GroundTruthUri``."""

    ProblemType: str = "BinaryClassification"
    GroundTruthUri: str = "s3://mlkit-monitor/ground-truth"
    InferenceAttribute: str | None = "0"
    ProbabilityAttribute: str | None = None
    ProbabilityThresholdAttribute: float | None = None

    kind = "ModelQuality"

    def __post_init__(self):
        super().__post_init__()
        from mlkit.monitor.model_quality import PROBLEM_TYPES
        from mlkit.storage import parse_s3_uri

        check_one_of("ProblemType", self.ProblemType, PROBLEM_TYPES)
        parse_s3_uri(self.GroundTruthUri, allow_prefix=True)

    def to_request(self) -> dict:
        inp = self._endpoint_input()
        for key in ("InferenceAttribute", "ProbabilityAttribute"):
            if getattr(self, key) is not None:
                inp[key] = getattr(self, key)
        if self.ProbabilityThresholdAttribute is not None:
            inp["ProbabilityThresholdAttribute"] = float(self.ProbabilityThresholdAttribute)
        return {**self._common(), **self._baseline(False),
                "ModelQualityAppSpecification": {"ImageUri": MODEL_MONITOR_IMAGE, "ProblemType": self.ProblemType},
                "ModelQualityJobInput": {"EndpointInput": inp, "GroundTruthS3Input": {"S3Uri": self.GroundTruthUri}}}


@dataclass(frozen=True)
class ModelBiasJobDefinition(_JobDefinition):
    """``CreateModelBiasJobDefinition``: Clarify's container with ``analysis_config.json`` at ``ConfigUri``."""

    ConfigUri: str = "s3://mlkit-monitor/clarify/analysis_config.json"
    GroundTruthUri: str = "s3://mlkit-monitor/ground-truth"

    kind = "ModelBias"

    def to_request(self) -> dict:
        return {**self._common(), **self._baseline(False),
                "ModelBiasAppSpecification": {"ImageUri": CLARIFY_IMAGE, "ConfigUri": self.ConfigUri},
                "ModelBiasJobInput": {"EndpointInput": self._endpoint_input(),
                                      "GroundTruthS3Input": {"S3Uri": self.GroundTruthUri}}}


@dataclass(frozen=True)
class ModelExplainabilityJobDefinition(_JobDefinition):
    """``CreateModelExplainabilityJobDefinition``: Clarify SHAP on live data vs baseline attributions."""

    ConfigUri: str = "s3://mlkit-monitor/clarify/analysis_config.json"

    kind = "ModelExplainability"

    def to_request(self) -> dict:
        return {**self._common(), **self._baseline(False),
                "ModelExplainabilityAppSpecification": {"ImageUri": CLARIFY_IMAGE, "ConfigUri": self.ConfigUri},
                "ModelExplainabilityJobInput": {"EndpointInput": self._endpoint_input()}}


class CreateMonitoringSchedule(AwsRequest):
    """``CreateMonitoringSchedule`` naming a job definition and a cron ``ScheduleExpression``.

    ``job`` is one of the four job definitions; ``ScheduleExpression`` is
    checked by :class:`mlkit.monitor.schedule.CronSchedule` (hourly
    ``cron(0 * ? * * *)``, daily ``cron(0 H ? * * *)``, every N hours
    ``cron(0 H/N ? * * *)``). Errors: a bad name, job or expression.
    """

    aws_operation = "CreateMonitoringSchedule"

    def __init__(self, MonitoringScheduleName: str, job: _JobDefinition, ScheduleExpression: str = "cron(0 * ? * * *)"):
        import re

        from mlkit.monitor.schedule import CronSchedule

        self.MonitoringScheduleName = MonitoringScheduleName
        self.job = job
        self.ScheduleExpression = ScheduleExpression
        if not isinstance(MonitoringScheduleName, str) or not re.fullmatch(r"[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}",
                                                                           MonitoringScheduleName):
            raise ValueError("MonitoringScheduleName must be 1-63 letters, digits or hyphens, got "
                             f"{MonitoringScheduleName!r}")
        if not isinstance(job, _JobDefinition):
            raise TypeError(f"job must be a DataQuality/ModelQuality/ModelBias/ModelExplainability job definition, "
                            f"got {type(job).__name__}")
        CronSchedule(ScheduleExpression)

    def to_request(self) -> dict:
        return {"MonitoringScheduleName": self.MonitoringScheduleName,
                "MonitoringScheduleConfig": {
                    "ScheduleConfig": {"ScheduleExpression": self.ScheduleExpression},
                    "MonitoringJobDefinitionName": self.job.JobDefinitionName,
                    "MonitoringType": self.job.kind}}
