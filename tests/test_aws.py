"""mlkit.aws: offline validation of SageMaker requests against botocore's model."""

import json
import subprocess
import sys

import pytest

from mlkit.aws import AwsRequest, RequestValidationError, request_json, validate_request


def _endpoint_config(**variant_extra):
    variant = {"VariantName": "AllTraffic", "ModelName": "demo-model"}
    variant.update(variant_extra)
    return {"EndpointConfigName": "demo-config", "ProductionVariants": [variant]}


def test_valid_request_is_returned_unchanged():
    params = _endpoint_config(InstanceType="ml.m5.large", InitialInstanceCount=1)
    assert validate_request("sagemaker", "CreateEndpointConfig", params) == params


def test_missing_required_member_names_it():
    with pytest.raises(RequestValidationError, match=r'Missing required parameter in input: "ProductionVariants"'):
        validate_request("sagemaker", "CreateEndpointConfig", {"EndpointConfigName": "c"})


def test_unknown_member_is_rejected():
    with pytest.raises(RequestValidationError, match=r'Unknown parameter in input: "Bogus"'):
        validate_request("sagemaker", "DeleteEndpoint", {"EndpointName": "e", "Bogus": 1})


def test_wrong_type_names_the_path():
    params = _endpoint_config(ServerlessConfig={"MemorySizeInMB": "big", "MaxConcurrency": 1})
    with pytest.raises(RequestValidationError, match=r"ProductionVariants\[0\]\.ServerlessConfig\.MemorySizeInMB"):
        validate_request("sagemaker", "CreateEndpointConfig", params)


def test_below_minimum_is_botocores_report():
    params = _endpoint_config(ServerlessConfig={"MemorySizeInMB": 512, "MaxConcurrency": 1})
    with pytest.raises(RequestValidationError, match=r"valid min value: 1024"):
        validate_request("sagemaker", "CreateEndpointConfig", params)


def test_above_maximum_is_caught_although_botocore_does_not():
    params = _endpoint_config(ServerlessConfig={"MemorySizeInMB": 7000, "MaxConcurrency": 1})
    # botocore's own validator lets it through: that is why mlkit walks the shape.
    from botocore.validate import ParamValidator

    from mlkit.aws import operation_input_shape

    assert not ParamValidator().validate(params, operation_input_shape("sagemaker", "CreateEndpointConfig")).has_errors()
    with pytest.raises(
        RequestValidationError,
        match=r"ProductionVariants\[0\]\.ServerlessConfig\.MemorySizeInMB, value: 7000, valid max value: 6144",
    ):
        validate_request("sagemaker", "CreateEndpointConfig", params)


def test_unknown_enum_value_is_caught_with_allowed_values():
    params = {
        "TransformJobName": "job",
        "ModelName": "m",
        "BatchStrategy": "AllAtOnce",
        "TransformInput": {"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://b/in"}}},
        "TransformOutput": {"S3OutputPath": "s3://b/out"},
        "TransformResources": {"InstanceType": "ml.m5.large", "InstanceCount": 1},
    }
    with pytest.raises(RequestValidationError, match=r"BatchStrategy, value: 'AllAtOnce', valid values: MultiRecord, SingleRecord"):
        validate_request("sagemaker", "CreateTransformJob", params)


def test_string_longer_than_max_is_caught():
    with pytest.raises(RequestValidationError, match=r"EndpointName, length: 64, valid max length: 63"):
        validate_request("sagemaker", "DeleteEndpoint", {"EndpointName": "a" * 64})


def test_list_longer_than_max_is_caught():
    # ProductionVariants holds at most 10 variants in the service model.
    variants = [{"VariantName": f"v{i}", "ModelName": "m", "InstanceType": "ml.m5.large", "InitialInstanceCount": 1} for i in range(11)]
    with pytest.raises(RequestValidationError, match=r"ProductionVariants, length: 11, valid max length: 10"):
        validate_request("sagemaker", "CreateEndpointConfig", {"EndpointConfigName": "c", "ProductionVariants": variants})


def test_pattern_mismatch_is_caught():
    with pytest.raises(RequestValidationError, match=r"EndpointName, value: 'bad_name', must match pattern"):
        validate_request("sagemaker", "DeleteEndpoint", {"EndpointName": "bad_name"})


def test_every_problem_is_listed():
    params = _endpoint_config(ServerlessConfig={"MemorySizeInMB": 7000, "MaxConcurrency": 500})
    with pytest.raises(RequestValidationError) as info:
        validate_request("sagemaker", "CreateEndpointConfig", params)
    assert len(info.value.problems) == 2
    assert info.value.operation == "CreateEndpointConfig"


def test_unknown_service_is_a_clear_error():
    with pytest.raises(ValueError, match=r"service must be a service botocore knows.*'nosuchservice'"):
        validate_request("nosuchservice", "X", {})


def test_unknown_operation_is_a_clear_error():
    with pytest.raises(ValueError, match=r"operation must be an operation of sagemaker.*'CreateNothing'"):
        validate_request("sagemaker", "CreateNothing", {})


def test_non_mapping_params_is_a_type_error():
    with pytest.raises(TypeError, match="params must be a dict"):
        validate_request("sagemaker", "DeleteEndpoint", ["EndpointName"])


def test_runtime_service_validates_too():
    params = {"EndpointName": "e", "Body": b"1,2,3", "ContentType": "text/csv"}
    assert validate_request("sagemaker-runtime", "InvokeEndpoint", params) == params


class _DeleteEndpoint(AwsRequest):
    aws_operation = "DeleteEndpoint"

    def __init__(self, EndpointName):
        self.EndpointName = EndpointName

    def to_request(self):
        return {"EndpointName": self.EndpointName}


def test_mixin_validate_returns_the_request():
    assert _DeleteEndpoint("demo").validate() == {"EndpointName": "demo"}


def test_mixin_validate_raises_for_a_bad_request():
    with pytest.raises(RequestValidationError, match="EndpointName"):
        _DeleteEndpoint("x" * 100).validate()


def test_request_json_round_trips():
    assert json.loads(request_json(_DeleteEndpoint("demo"))) == {"EndpointName": "demo"}
    assert json.loads(_DeleteEndpoint("demo").request_json()) == {"EndpointName": "demo"}


def test_request_json_rejects_non_requests():
    with pytest.raises(TypeError, match="to_request"):
        request_json(42)


def test_importing_mlkit_aws_does_not_import_botocore():
    code = "import sys, mlkit.aws; print('botocore' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
