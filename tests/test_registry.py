"""Model Registry: versions, approval with who and why, only-approved deployment, request export."""

import numpy as np
import pytest

from mlkit.aws import validate_request
from mlkit.lineage import LineageStore
from mlkit.registry import ModelRegistry, NotApprovedError
from mlkit.storage import LocalBucketStore


@pytest.fixture
def reg(tmp_path):
    return ModelRegistry(tmp_path / "m.sqlite", store=LocalBucketStore(tmp_path / "bucket"))


@pytest.fixture
def model():
    from sklearn.linear_model import LinearRegression

    return LinearRegression().fit(np.eye(3), [1.0, 2.0, 3.0])


def test_versions_are_numbered_per_group_and_start_pending(reg, model):
    v1 = reg.register("demand", model, metrics={"rmse": 1.0})
    v2 = reg.register("demand", model, metrics={"rmse": 0.9})
    assert (v1.ModelPackageVersion, v2.ModelPackageVersion) == (1, 2)
    assert v2.ModelApprovalStatus == "PendingManualApproval"
    assert v2.ModelPackageArn.endswith("model-package/demand/2")
    assert reg.list_model_packages("demand")["rmse"].tolist() == [1.0, 0.9]


def test_approval_records_who_and_why(reg, model):
    v1 = reg.register("demand", model)
    reg.approve(v1.ModelPackageArn, approved_by="ana", reason="rmse below 1.1")
    pkg = reg.get("demand", 1)
    assert (pkg.ModelApprovalStatus, pkg.approved_by, pkg.ApprovalDescription) == ("Approved", "ana", "rmse below 1.1")
    assert reg.history("demand")["status"].tolist() == ["PendingManualApproval", "Approved"]


def test_deploying_a_version_that_is_not_approved_is_a_clear_error(reg, model):
    v1 = reg.register("demand", model)
    with pytest.raises(NotApprovedError, match="PendingManualApproval.*only an 'Approved' version"):
        reg.deploy(v1.ModelPackageArn, "demand-ep")
    reg.reject(v1.ModelPackageArn, approved_by="bo", reason="drifted")
    with pytest.raises(NotApprovedError, match="Rejected.*set by bo: drifted"):
        reg.deploy(v1.ModelPackageArn, "demand-ep")


def test_an_approved_version_serves_on_the_local_endpoint(reg, model):
    v1 = reg.register("demand", model)
    reg.approve(v1.ModelPackageArn, approved_by="ana")
    with reg.deploy(v1.ModelPackageArn, "demand-ep") as ep:
        # LinearRegression fitted on the identity: predicting row e_2 returns its target 2.0
        assert float(ep.invoke(b"0,1,0\n", "text/csv").Body) == pytest.approx(2.0)


def test_deployment_is_in_the_lineage_graph(tmp_path, reg, model):
    v1 = reg.register("demand", model)
    reg.approve(v1.ModelPackageArn, approved_by="ana")
    reg.deploy(v1.ModelPackageArn, "demand-ep").close()
    lin = LineageStore(tmp_path / "m.sqlite")
    ep = lin.find(name="demand-ep", entity_type="Endpoint")[0]
    assert "demand-v1" in lin.upstream(ep.arn, entity_type="Model")["name"].tolist()


@pytest.mark.parametrize("suffix", ["json", "skops"])
def test_a_model_saved_outside_mlkit_registers_the_same_way(tmp_path, reg, suffix):
    if suffix == "json":
        import xgboost as xgb

        booster = xgb.train({"objective": "reg:squarederror"}, xgb.DMatrix(np.eye(3), label=[1.0, 2.0, 3.0]), 2)
        file = tmp_path / "outside.json"
        booster.save_model(file)
    else:
        import skops.io as sio
        from sklearn.linear_model import LinearRegression

        file = tmp_path / "outside.skops"
        sio.dump(LinearRegression().fit(np.eye(3), [1.0, 2.0, 3.0]), file)
    pkg = reg.register_file("outside", file, metrics={"rmse": 0.5})
    reg.approve(pkg.ModelPackageArn, approved_by="ana")
    with reg.deploy(pkg.ModelPackageArn, "outside-ep") as ep:
        assert len(ep.invoke(b"1,0,0\n", "text/csv").Body.splitlines()) == 1


def test_requests_validate_against_botocore(reg, model):
    v1 = reg.register("demand", model, metrics={"rmse": 1.0}, description="first")
    validate_request("sagemaker", "CreateModelPackageGroup", reg.group_request("demand"))
    validate_request("sagemaker", "CreateModelPackage", v1.to_request("s3://mlkit-registry/demand/v1/metrics.json"))
    v1 = reg.approve(v1.ModelPackageArn, approved_by="ana", reason="good")
    req = v1.update_request()
    validate_request("sagemaker", "UpdateModelPackage", req)
    assert req["ModelApprovalStatus"] == "Approved" and req["ApprovalDescription"] == "good"


def test_bad_input_is_refused_with_the_parameter_named(reg, model):
    with pytest.raises(ValueError, match="ModelPackageGroupName"):
        reg.register("bad name", model)
    with pytest.raises(ValueError, match="exactly one of model"):
        reg.register("g", None)
    with pytest.raises(ValueError, match="ModelApprovalStatus"):
        v = reg.register("g", model)
        reg.update_status(v.ModelPackageArn, "Ok", approved_by="x")
    with pytest.raises(ValueError, match="approved_by"):
        reg.approve(v.ModelPackageArn, approved_by="")
    with pytest.raises(KeyError, match="versions of that group: \\[1\\]"):
        reg.get("g", 7)
    with pytest.raises(FileNotFoundError, match="model_data_url"):
        reg.register("g", model_data_url="s3://mlkit-registry/none/model.tar.gz")
