"""Compilation to ONNX for a target (the Neo idea) and the Greengrass-style edge process (mlkit.edge)."""

import io
import json
import tarfile
from pathlib import Path

import numpy as np
import pytest

from mlkit import edge
from mlkit.artifacts import ArtifactError
from mlkit.aws import validate_request


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(600, 6)).astype(np.float32)
    return X, (X[:, 0] * X[:, 1] + X[:, 2] > 0).astype(int)


@pytest.fixture(scope="module")
def xgb_model(data):
    import xgboost as xgb

    return xgb.XGBClassifier(n_estimators=30, max_depth=4, n_jobs=1, random_state=0).fit(*data)


@pytest.fixture(scope="module")
def compiled(xgb_model):
    return edge.compile_model(xgb_model)


def test_xgboost_onnx_probabilities_equal_the_originals(compiled, xgb_model, data):
    # both sum the same float32 leaf values; order of summation differs: float32 rounding only
    np.testing.assert_allclose(compiled.predict_proba(data[0]), xgb_model.predict_proba(data[0]), atol=1e-5)
    assert np.array_equal(compiled.predict(data[0]), xgb_model.predict(data[0]))


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_sklearn_mlp_onnx_probabilities_equal_the_originals(data):
    from sklearn.neural_network import MLPClassifier

    mlp = MLPClassifier((16,), max_iter=30, random_state=0).fit(*data)
    c = edge.compile_model(mlp)
    # float32 ONNX against float64 sklearn: agreement to float32 precision
    np.testing.assert_allclose(c.predict_proba(data[0]), mlp.predict_proba(data[0]), atol=1e-5)


def test_compiled_artifact_records_target_and_runtime(compiled):
    import onnxruntime

    assert compiled.target == edge.Target.host()
    assert compiled.runtime_version == onnxruntime.__version__
    assert compiled.manifest["source_framework"] == "xgboost"


def test_save_and_load_round_trip(compiled, data, tmp_path):
    loaded = edge.load_compiled(compiled.save(tmp_path / "model.tar.gz"))
    assert np.array_equal(loaded.predict_proba(data[0]), compiled.predict_proba(data[0]))


def test_loading_for_another_target_is_a_clear_error(xgb_model, tmp_path):
    path = edge.compile_model(xgb_model, target="jetson_nano").save(tmp_path / "jetson.tar.gz")
    with pytest.raises(edge.TargetMismatchError, match=r"compiled for jetson_nano \(LINUX/ARM64/NVIDIA\)"):
        edge.load_compiled(path)


def test_loading_on_the_named_device_passes_the_check(xgb_model, tmp_path):
    path = edge.compile_model(xgb_model, target="ml_c6g").save(tmp_path / "c6g.tar.gz")
    assert edge.load_compiled(path, target="ml_c6g").target.arch == "ARM64"


def test_a_different_runtime_version_is_a_clear_error(compiled, tmp_path):
    old = edge.CompiledModel(compiled.onnx_bytes, dict(compiled.manifest, runtime_version="1.0.0"))
    with pytest.raises(edge.TargetMismatchError, match="compiled for onnxruntime 1.0.0"):
        edge.load_compiled(old.save(tmp_path / "old.tar.gz"))


def test_a_corrupted_model_file_is_a_clear_error(compiled, tmp_path):
    path = tmp_path / "bad.tar.gz"
    bad = bytearray(compiled.onnx_bytes)
    bad[len(bad) // 2] ^= 0xFF
    with tarfile.open(path, "w:gz") as tar:
        for name, payload in (("model.onnx", bytes(bad)), ("compiled-manifest.json",
                                                           json.dumps(compiled.manifest).encode())):
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
    with pytest.raises(ArtifactError, match="corrupted: model.onnx does not match the sha256"):
        edge.load_compiled(path)


def test_a_truncated_archive_is_a_clear_error(compiled, tmp_path):
    good = compiled.save(tmp_path / "good.tar.gz").read_bytes()
    path = tmp_path / "cut.tar.gz"
    path.write_bytes(good[: len(good) // 2])
    with pytest.raises(ArtifactError, match="corrupted or not a tar.gz"):
        edge.load_compiled(path)


def test_a_model_type_with_no_converter_is_a_clear_error(data):
    from sklearn.semi_supervised import LabelSpreading

    with pytest.raises(edge.UnsupportedModelError, match="LabelSpreading has no ONNX converter"):
        edge.compile_model(LabelSpreading().fit(*data))


def test_a_non_model_is_a_clear_error():
    with pytest.raises(edge.UnsupportedModelError, match="got builtins.dict"):
        edge.compile_model({}, n_features=3)


def test_unknown_target_device_is_a_clear_error():
    with pytest.raises(ValueError, match="TargetDevice"):
        edge.Target.for_device("toaster")


def test_compilation_job_request_is_valid_for_botocore(compiled):
    job = edge.CompilationJob("sensor-xgb", "arn:aws:iam::111122223333:role/NeoRole", "s3://b/model.tar.gz",
                              "XGBOOST", "s3://b/compiled/", "ml_c5")
    request = validate_request("sagemaker", "CreateCompilationJob", job.to_request())
    assert request["OutputConfig"] == {"S3OutputLocation": "s3://b/compiled/", "TargetDevice": "ml_c5"}


def test_compilation_job_with_target_platform(compiled):
    job = edge.CompilationJob("sensor-onnx", "arn:aws:iam::111122223333:role/NeoRole", "s3://b/m.tar.gz", "ONNX",
                              "s3://b/out/", compiled.target, {"input": [1, 6]})
    r = job.validate()
    assert r["OutputConfig"]["TargetPlatform"] == {"Os": "LINUX", "Arch": compiled.target.arch}
    assert json.loads(r["InputConfig"]["DataInputConfig"]) == {"input": [1, 6]}


def test_compilation_job_rejects_an_unknown_framework():
    job = edge.CompilationJob("j", "arn:aws:iam::111122223333:role/R", "s3://b/m", "CAFFE", "s3://b/o/")
    with pytest.raises(ValueError, match="Framework"):
        job.to_request()


# -- edge ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def package(compiled, tmp_path_factory):
    return edge.package_components(compiled, tmp_path_factory.mktemp("gg"), name="com.example.Sensor")


def test_three_components_with_recipes_and_artifacts(package):
    root = package.folder
    names = ["com.example.Sensor.Model", "com.example.Sensor.Runtime", "com.example.Sensor.Inference"]
    for name in names:
        recipe = json.loads(Path(root, "recipes", f"{name}-1.0.0.json").read_text())
        assert recipe["ComponentName"] == name and recipe["RecipeFormatVersion"] == "2020-01-25"
    deps = package.recipes["com.example.Sensor.Inference"]["ComponentDependencies"]
    assert sorted(deps) == sorted(names[:2])
    assert (package.artifact_dir(names[0]) / "model.onnx").is_file()
    assert "onnxruntime==" in (package.artifact_dir(names[1]) / "requirements.txt").read_text()


@pytest.fixture(scope="module")
def edge_run(package, data, tmp_path_factory):
    folder = tmp_path_factory.mktemp("device")
    np.savetxt(folder / "input.csv", data[0][:50], delimiter=",")
    return package.run(folder / "input.csv", folder / "predictions.csv")


def test_edge_process_predictions_equal_the_compiled_models(edge_run, compiled, data):
    table = np.loadtxt(edge_run.output, delimiter=",", skiprows=1)
    # the CSV holds 9 significant digits; the input round-trips through text at float32 precision
    np.testing.assert_allclose(table[:, 2], compiled.predict_proba(data[0][:50])[:, 1], atol=1e-6)
    assert edge_run.rows == 50


def test_edge_process_imports_only_the_runtime(edge_run):
    assert edge_run.imported("onnxruntime") and edge_run.imported("numpy")
    for library in ("sklearn", "xgboost", "mlkit", "pandas", "skl2onnx", "onnxmltools"):
        assert not edge_run.imported(library), library


def test_edge_process_makes_no_network_call(edge_run):
    assert edge_run.network_events == []  # an audit hook records every socket event in the process


def test_edge_run_command_resolves_greengrass_variables(package, tmp_path):
    argv = package.run_command(tmp_path / "in.csv", tmp_path / "out.csv", tmp_path / "r.json")
    assert not any("{" in a for a in argv)
    assert argv[argv.index("--model-dir") + 1] == str(package.artifact_dir("com.example.Sensor.Model"))


def test_edge_run_with_a_missing_input_is_a_clear_error(package, tmp_path):
    with pytest.raises(FileNotFoundError, match="input_csv must be an existing CSV file"):
        package.run(tmp_path / "nope.csv", tmp_path / "out.csv")


def test_edge_run_reports_the_process_error(package, tmp_path):
    (tmp_path / "bad.csv").write_text("1,2\n3,4\n")  # 2 columns, the model wants 6
    with pytest.raises(RuntimeError, match="edge inference process failed"):
        package.run(tmp_path / "bad.csv", tmp_path / "out.csv")


def test_package_rejects_a_bad_version(compiled, tmp_path):
    with pytest.raises(ValueError, match="version must be semantic"):
        edge.package_components(compiled, tmp_path, version="1.0")
