"""mlkit.inference.config: the four modes' configurations, their limits and their real requests."""

import dataclasses

import pytest

from mlkit.aws import RequestValidationError, validate_request
from mlkit.inference.config import (
    GB,
    MB,
    AsyncInferenceConfig,
    BatchTransformConfig,
    LimitExceededError,
    RealTimeConfig,
    ServerlessConfig,
    TransformConfig,
    check_payload,
    check_processing_time,
    payload_limit_bytes,
    processing_limit_s,
)

# ----------------------------------------------------------------------------- exported requests pass botocore


def test_realtime_request_is_a_valid_create_endpoint_config():
    request = RealTimeConfig("ml.c5.xlarge", 3).to_request()
    assert validate_request("sagemaker", "CreateEndpointConfig", request) == request
    assert request["ProductionVariants"][0]["InstanceType"] == "ml.c5.xlarge"


def test_serverless_request_is_a_valid_create_endpoint_config():
    request = ServerlessConfig(MemorySizeInMB=6144, MaxConcurrency=200, ProvisionedConcurrency=200).validate()
    assert request["ProductionVariants"][0]["ServerlessConfig"] == {
        "MemorySizeInMB": 6144, "MaxConcurrency": 200, "ProvisionedConcurrency": 200,
    }


def test_serverless_request_omits_unset_provisioned_concurrency():
    request = ServerlessConfig().validate()
    assert "ProvisionedConcurrency" not in request["ProductionVariants"][0]["ServerlessConfig"]


def test_async_request_is_a_valid_create_endpoint_config():
    cfg = AsyncInferenceConfig("s3://bucket/out", MaxConcurrentInvocationsPerInstance=4, S3FailurePath="s3://bucket/fail")
    request = cfg.validate()
    assert request["AsyncInferenceConfig"] == {
        "OutputConfig": {"S3OutputPath": "s3://bucket/out", "S3FailurePath": "s3://bucket/fail"},
        "ClientConfig": {"MaxConcurrentInvocationsPerInstance": 4},
    }


def test_async_scale_to_zero_is_a_valid_register_scalable_target():
    cfg = AsyncInferenceConfig(MinCapacity=0, MaxCapacity=3, EndpointName="fraud")
    request = validate_request("application-autoscaling", "RegisterScalableTarget", cfg.autoscaling_request())
    assert request["MinCapacity"] == 0 and request["MaxCapacity"] == 3
    assert request["ResourceId"] == "endpoint/fraud/variant/AllTraffic"
    assert cfg.scales_to_zero and not AsyncInferenceConfig(MinCapacity=1).scales_to_zero


def test_batch_request_is_a_valid_create_transform_job():
    cfg = BatchTransformConfig(
        "s3://bucket/in", "s3://bucket/out", MaxPayloadInMB=10, MaxConcurrentTransforms=4, SplitType="Line",
        Accept="text/csv", InvocationsTimeoutInSeconds=120, InvocationsMaxRetries=1,
    )
    request = cfg.validate()
    assert request["TransformInput"]["SplitType"] == "Line"
    assert request["ModelClientConfig"] == {"InvocationsTimeoutInSeconds": 120, "InvocationsMaxRetries": 1}


def test_batch_split_type_none_is_sent_as_the_string_none():
    request = BatchTransformConfig(SplitType=None, AssembleWith=None).validate()
    assert request["TransformInput"]["SplitType"] == "None"
    assert "AssembleWith" not in request["TransformOutput"]


def test_transform_config_is_the_batch_config():
    assert TransformConfig is BatchTransformConfig


def test_an_instance_type_botocore_does_not_know_fails_validation():
    # The constructor checks the shape of the name; the enum comes from the service model.
    with pytest.raises(RequestValidationError, match=r"ProductionVariants\[0\]\.InstanceType"):
        RealTimeConfig("ml.nosuch.large").validate()


def test_configs_are_immutable_and_replace_revalidates():
    cfg = ServerlessConfig()
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.MaxConcurrency = 500
    with pytest.raises(ValueError, match=r"MaxConcurrency must be an integer >= 1 and <= 200, got 500"):
        cfg.replace(MaxConcurrency=500)


# ----------------------------------------------------------------------------- real-time limits


def test_realtime_instance_count_must_be_positive():
    with pytest.raises(ValueError, match=r"InitialInstanceCount must be an integer >= 1, got 0"):
        RealTimeConfig("ml.m5.large", 0)


def test_realtime_instance_type_must_look_like_an_ml_instance():
    with pytest.raises(ValueError, match=r"InstanceType must be a SageMaker ML instance type.*'m5.large'"):
        RealTimeConfig("m5.large")


def test_realtime_names_must_follow_sagemaker_naming():
    with pytest.raises(ValueError, match=r"ModelName must be 1-63 letters.*'my_model'"):
        RealTimeConfig(ModelName="my_model")


def test_realtime_variant_weight_must_be_non_negative():
    with pytest.raises(ValueError, match=r"InitialVariantWeight must be a finite number >= 0.0, got -1"):
        RealTimeConfig(InitialVariantWeight=-1)


# ----------------------------------------------------------------------------- serverless limits


@pytest.mark.parametrize("memory", [512, 3000, 7168])
def test_serverless_memory_must_be_a_1gb_step_from_1024_to_6144(memory):
    with pytest.raises(ValueError, match=rf"MemorySizeInMB must be one of 1024, 2048, 3072, 4096, 5120, 6144 \(1 GB steps\); got {memory}"):
        ServerlessConfig(MemorySizeInMB=memory)


@pytest.mark.parametrize("concurrency", [0, 201])
def test_serverless_max_concurrency_is_1_to_200(concurrency):
    with pytest.raises(ValueError, match=rf"MaxConcurrency must be an integer >= 1 and <= 200, got {concurrency}"):
        ServerlessConfig(MaxConcurrency=concurrency)


def test_serverless_provisioned_concurrency_cannot_exceed_max_concurrency():
    with pytest.raises(ValueError, match=r"ProvisionedConcurrency must be <= MaxConcurrency \(10\), got 11"):
        ServerlessConfig(MaxConcurrency=10, ProvisionedConcurrency=11)


def test_serverless_provisioned_concurrency_must_be_at_least_1():
    with pytest.raises(ValueError, match=r"ProvisionedConcurrency must be an integer >= 1 and <= 200, got 0"):
        ServerlessConfig(ProvisionedConcurrency=0)


def test_serverless_memory_must_be_an_integer():
    with pytest.raises(TypeError, match=r"MemorySizeInMB must be an integer"):
        ServerlessConfig(MemorySizeInMB=2048.0)


# ----------------------------------------------------------------------------- async limits


def test_async_output_path_must_be_s3():
    with pytest.raises(ValueError, match=r"S3OutputPath must be an s3:// URI.*'/tmp/out'"):
        AsyncInferenceConfig("/tmp/out")


def test_async_failure_path_must_be_s3():
    with pytest.raises(ValueError, match=r"S3FailurePath must be an s3:// URI"):
        AsyncInferenceConfig(S3FailurePath="http://x")


@pytest.mark.parametrize("value", [0, 1001])
def test_async_concurrent_invocations_per_instance_is_1_to_1000(value):
    with pytest.raises(ValueError, match=rf"MaxConcurrentInvocationsPerInstance must be an integer >= 1 and <= 1000, got {value}"):
        AsyncInferenceConfig(MaxConcurrentInvocationsPerInstance=value)


def test_async_invocation_timeout_is_at_most_one_hour():
    with pytest.raises(ValueError, match=r"InvocationTimeoutSeconds must be a finite number >= 1.0 and <= 3600.0, got 3601"):
        AsyncInferenceConfig(InvocationTimeoutSeconds=3601)


def test_async_min_capacity_cannot_exceed_initial_count():
    with pytest.raises(ValueError, match=r"MinCapacity must be <= InitialInstanceCount \(1\), got 2"):
        AsyncInferenceConfig(MinCapacity=2)


def test_async_max_capacity_cannot_be_below_initial_count():
    with pytest.raises(ValueError, match=r"MaxCapacity must be an integer >= 2, got 1"):
        AsyncInferenceConfig(InitialInstanceCount=2, MaxCapacity=1)


def test_async_scale_in_cooldown_must_be_non_negative():
    with pytest.raises(ValueError, match=r"ScaleInCooldown must be a finite number >= 0.0, got -5"):
        AsyncInferenceConfig(ScaleInCooldown=-5)


# ----------------------------------------------------------------------------- batch limits


def test_batch_max_payload_is_at_most_100_mb():
    with pytest.raises(ValueError, match=r"MaxPayloadInMB must be an integer >= 0 and <= 100, got 101"):
        BatchTransformConfig(MaxPayloadInMB=101)


def test_batch_concurrency_times_payload_is_at_most_100_mb():
    with pytest.raises(ValueError, match=r"MaxConcurrentTransforms \* MaxPayloadInMB must be <= 100 \(MB\), got 4 \* 30 = 120"):
        BatchTransformConfig(MaxPayloadInMB=30, MaxConcurrentTransforms=4)


def test_batch_strategy_must_be_single_or_multi_record():
    with pytest.raises(ValueError, match=r"BatchStrategy must be one of 'SingleRecord', 'MultiRecord'; got 'AllAtOnce'"):
        BatchTransformConfig(BatchStrategy="AllAtOnce")


def test_batch_split_type_must_be_a_sagemaker_value():
    with pytest.raises(ValueError, match=r"SplitType must be one of None, 'None', 'Line', 'RecordIO', 'TFRecord'; got 'Comma'"):
        BatchTransformConfig(SplitType="Comma")


def test_batch_concurrent_transforms_must_be_non_negative():
    with pytest.raises(ValueError, match=r"MaxConcurrentTransforms must be an integer >= 0, got -1"):
        BatchTransformConfig(MaxConcurrentTransforms=-1)


def test_batch_invocation_timeout_is_at_most_one_hour():
    with pytest.raises(ValueError, match=r"InvocationsTimeoutInSeconds must be an integer >= 1 and <= 3600, got 4000"):
        BatchTransformConfig(InvocationsTimeoutInSeconds=4000)


def test_batch_retries_are_0_to_3():
    with pytest.raises(ValueError, match=r"InvocationsMaxRetries must be an integer >= 0 and <= 3, got 4"):
        BatchTransformConfig(InvocationsMaxRetries=4)


def test_batch_content_type_must_be_given():
    with pytest.raises(ValueError, match=r"ContentType must be a MIME type"):
        BatchTransformConfig(ContentType="")


def test_batch_accept_must_be_a_mime_type_or_none():
    with pytest.raises(ValueError, match=r"Accept must be None or a MIME type"):
        BatchTransformConfig(Accept="")


def test_batch_assemble_with_is_none_or_line():
    with pytest.raises(ValueError, match=r"AssembleWith must be one of None, 'None', 'Line'; got 'Comma'"):
        BatchTransformConfig(AssembleWith="Comma")


def test_batch_data_type_is_prefix_or_manifest():
    with pytest.raises(ValueError, match=r"S3DataType must be one of 'S3Prefix', 'ManifestFile'; got 'Folder'"):
        BatchTransformConfig(S3DataType="Folder")


def test_batch_input_must_be_s3():
    with pytest.raises(ValueError, match=r"S3Uri must be an s3:// URI"):
        BatchTransformConfig(S3Uri="data/")


def test_batch_zero_concurrency_means_one_request_at_a_time():
    assert BatchTransformConfig(MaxConcurrentTransforms=0).concurrent_transforms == 1


# ----------------------------------------------------------------------------- payload and processing limits


@pytest.mark.parametrize(
    "mode, limit",
    [("real-time", 6 * MB), ("serverless", 4 * MB), ("async", 1 * GB), ("batch", 100 * MB)],
)
def test_payload_limits_per_mode(mode, limit):
    # The documented figures: 6 MB, 4 MB, 1 GB, MaxPayloadInMB <= 100 MB.
    assert payload_limit_bytes(mode) == limit
    assert check_payload(mode, limit) == limit
    with pytest.raises(LimitExceededError, match=rf"exceeds the {mode} limit of {limit} bytes") as info:
        check_payload(mode, limit + 1)
    assert info.value.limit == limit and info.value.limit_name == "payload"


def test_batch_payload_limit_comes_from_the_config():
    cfg = BatchTransformConfig(MaxPayloadInMB=2)
    assert check_payload(cfg, 2 * MB) == 2 * MB
    with pytest.raises(LimitExceededError, match=r"MaxPayloadInMB"):
        check_payload(cfg, 2 * MB + 1)


def test_too_large_realtime_payload_points_to_async():
    with pytest.raises(LimitExceededError, match=r"use asynchronous inference \(up to 1 GB\)"):
        check_payload(RealTimeConfig(), 7 * MB)


@pytest.mark.parametrize("mode, limit", [("real-time", 60.0), ("serverless", 60.0), ("async", 3600.0), ("batch", 3600.0)])
def test_processing_limits_per_mode(mode, limit):
    # The documented figures: 60 s real-time and serverless, 1 hour async, InvocationsTimeoutInSeconds <= 3600.
    assert processing_limit_s(mode) == limit
    assert check_processing_time(mode, limit) == limit
    with pytest.raises(LimitExceededError, match=rf"processing time of {limit + 1} s exceeds the {mode} limit of {limit} s"):
        check_processing_time(mode, limit + 1)


def test_async_processing_limit_is_the_configured_timeout():
    # InvokeEndpointAsync times out after 15 minutes unless told otherwise.
    assert processing_limit_s(AsyncInferenceConfig()) == 900.0
    with pytest.raises(LimitExceededError):
        check_processing_time(AsyncInferenceConfig(InvocationTimeoutSeconds=100), 101)


def test_batch_processing_limit_defaults_to_600_seconds():
    assert processing_limit_s(BatchTransformConfig()) == 600.0


def test_unknown_mode_is_rejected():
    with pytest.raises(ValueError, match=r"mode must be one of 'real-time', 'serverless', 'async', 'batch'; got 'lambda'"):
        check_payload("lambda", 1)


def test_negative_payload_is_rejected():
    with pytest.raises(ValueError, match=r"size_bytes must be an integer >= 0, got -1"):
        check_payload("async", -1)


def test_non_integer_payload_is_a_type_error():
    with pytest.raises(TypeError, match=r"size_bytes must be an integer"):
        check_payload("async", 1.5)


def test_negative_processing_time_is_rejected():
    with pytest.raises(ValueError, match=r"seconds must be a finite number >= 0.0, got -1"):
        check_processing_time("async", -1)
