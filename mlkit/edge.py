"""Compilation for a target (the SageMaker Neo idea) and inference at the edge (IoT Greengrass).

Neo compiles a trained model for one target platform into an optimized
artifact plus a small runtime. mlkit does the same with open tools: it
converts a scikit-learn or XGBoost model to ONNX (skl2onnx, onnxmltools) and
runs it with ONNX Runtime. The compiled artifact records its target
(``Target``: OS, architecture, accelerator) and the runtime version; loading
it anywhere else is a :class:`TargetMismatchError`, as a Neo model must be
hosted on the instance type it was compiled for.

An edge deployment is three Greengrass components, each a recipe plus
artifacts: the model, the runtime (installs ONNX Runtime) and the inference
code, which depends on the other two. :func:`package_components` writes them
in the layout ``greengrass-cli deployment create --recipeDir --artifactDir``
reads; :meth:`EdgePackage.run` starts the inference component's ``Run``
command as a separate process that imports only numpy and onnxruntime, reads
a local CSV and writes its predictions, with no network.

    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> X = np.random.default_rng(0).normal(size=(200, 3)).astype("float32")
    >>> model = LogisticRegression().fit(X, X[:, 0] > 0)
    >>> compiled = compile_model(model, n_features=3)
    >>> bool(np.allclose(compiled.predict_proba(X), model.predict_proba(X), atol=1e-5))
    True
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import platform as _platform
import shlex
import subprocess
import sys
import tarfile
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlkit._checks import check_float, check_int, check_one_of
from mlkit.artifacts import ArtifactError, safe_extract
from mlkit.aws import AwsRequest
from mlkit.report import Report

__all__ = [
    "Target",
    "TARGET_DEVICES",
    "TargetMismatchError",
    "UnsupportedModelError",
    "CompiledModel",
    "compile_model",
    "load_compiled",
    "CompilationJob",
    "EdgePackage",
    "EdgeRun",
    "package_components",
    "RUNNER_SOURCE",
]

ARCHES = ("X86_64", "ARM64", "ARM_EABIHF", "ARM_EABI")
ACCELERATORS = (None, "NVIDIA", "INTEL_GRAPHICS", "MALI")
#: A few of Neo's TargetDevice values and the platform each one is.
TARGET_DEVICES = {
    "ml_c5": ("LINUX", "X86_64", None),
    "ml_m5": ("LINUX", "X86_64", None),
    "ml_c6g": ("LINUX", "ARM64", None),
    "ml_g4dn": ("LINUX", "X86_64", "NVIDIA"),
    "ml_p3": ("LINUX", "X86_64", "NVIDIA"),
    "jetson_nano": ("LINUX", "ARM64", "NVIDIA"),
    "rasp3b": ("LINUX", "ARM_EABIHF", None),
}
COMPILED_MANIFEST = "compiled-manifest.json"
ONNX_FILE = "model.onnx"
_XGB_CLASSES = ("XGBClassifier", "XGBRegressor", "XGBRFClassifier", "XGBRFRegressor")


class TargetMismatchError(ArtifactError):
    """A compiled artifact loaded for a platform or runtime it was not compiled for."""


class UnsupportedModelError(ValueError):
    """A model type no converter in the kit can compile."""


def _host_arch() -> str:
    machine = _platform.machine().lower()
    if machine in ("x86_64", "amd64"):
        return "X86_64"
    if machine in ("aarch64", "arm64"):
        return "ARM64"
    if machine.startswith("arm"):
        return "ARM_EABIHF"
    return machine.upper()


def _runtime_version() -> str:
    import onnxruntime

    return onnxruntime.__version__


@dataclass(frozen=True)
class Target(Report):
    """A compilation target: Neo's ``TargetPlatform`` (Os, Arch, Accelerator) or a ``TargetDevice``.

    ``Target.host()`` is this machine; ``Target.for_device("ml_c5")`` is the
    platform of a Neo target device. ``to_request()`` gives the
    ``OutputConfig`` fields of ``CreateCompilationJob``.

    >>> Target.for_device("ml_c6g").arch
    'ARM64'
    """

    os: str = "LINUX"
    arch: str = "X86_64"
    accelerator: str | None = None
    device: str | None = None

    def __post_init__(self):
        check_one_of("os", self.os, ("LINUX", "ANDROID"))
        check_one_of("arch", self.arch, ARCHES)
        check_one_of("accelerator", self.accelerator, ACCELERATORS)
        if self.device is not None:
            check_one_of("device", self.device, TARGET_DEVICES)

    @classmethod
    def host(cls) -> Target:
        """The platform this Python runs on (Linux, its CPU architecture, no accelerator)."""
        return cls("LINUX", _host_arch(), None)  # Neo's Os for servers and devices alike

    @classmethod
    def for_device(cls, name: str) -> Target:
        """The platform of one of Neo's ``TargetDevice`` values (see ``TARGET_DEVICES``)."""
        check_one_of("TargetDevice", name, TARGET_DEVICES)
        os_, arch, acc = TARGET_DEVICES[name]
        return cls(os_, arch, acc, name)

    def platform_key(self) -> tuple:
        return (self.os, self.arch, self.accelerator)

    def describe(self) -> str:
        base = f"{self.os}/{self.arch}" + (f"/{self.accelerator}" if self.accelerator else "")
        return f"{self.device} ({base})" if self.device else base

    def to_request(self) -> dict:
        if self.device:
            return {"TargetDevice": self.device}
        platform = {"Os": self.os, "Arch": self.arch}
        if self.accelerator:
            platform["Accelerator"] = self.accelerator
        return {"TargetPlatform": platform}



def _framework(model: Any) -> str:
    module = type(model).__module__.split(".")[0]
    name = type(model).__name__
    if module == "xgboost" and (name in _XGB_CLASSES or name == "Booster"):
        return "xgboost"
    if module == "sklearn":
        return "sklearn"
    raise UnsupportedModelError(
        f"model must be a scikit-learn estimator or an XGBoost model ({', '.join(_XGB_CLASSES)}, Booster) "
        f"to be compiled to ONNX, got {type(model).__module__}.{name}"
    )


def _to_onnx(model: Any, n_features: int, opset: int):
    framework = _framework(model)
    if framework == "xgboost":
        import onnxmltools
        from onnxmltools.convert.common.data_types import FloatTensorType

        if type(model).__name__ == "Booster":
            raise UnsupportedModelError(
                "model must be an XGBClassifier or XGBRegressor (the ONNX converter needs the objective "
                "and classes of the sklearn wrapper), got a raw xgboost.Booster; wrap it first"
            )
        return onnxmltools.convert_xgboost(
            model, initial_types=[("input", FloatTensorType([None, n_features]))], target_opset=opset)
    from skl2onnx import to_onnx
    from skl2onnx.common.data_types import FloatTensorType
    from skl2onnx.common.exceptions import MissingShapeCalculator

    options = {id(model): {"zipmap": False}} if hasattr(model, "predict_proba") else None
    try:
        return to_onnx(model, initial_types=[("input", FloatTensorType([None, n_features]))],
                       target_opset={"": opset, "ai.onnx.ml": 3}, options=options)
    except (MissingShapeCalculator, RuntimeError) as exc:
        raise UnsupportedModelError(
            f"model of type {type(model).__name__} has no ONNX converter in skl2onnx ({exc.__class__.__name__}); "
            "compile a model skl2onnx supports (linear models, trees, forests, MLPs, pipelines of them)"
        ) from exc


class CompiledModel:
    """An ONNX model plus the target and runtime it was compiled for; runs with ONNX Runtime.

    Contract: ``predict_proba(X)`` (classifiers) and ``predict(X)`` take an
    ``(n, n_features)`` array and return numpy arrays; the ONNX Runtime
    session is made on first use with ``intra_op_threads`` threads (1 by
    default: one row needs no parallelism, and one thread is what an edge
    device has). ``save(path)`` writes a ``model.tar.gz``; ``nbytes`` is the
    size of the ONNX model.

    >>> from sklearn.tree import DecisionTreeClassifier
    >>> import numpy as np
    >>> X = np.arange(20, dtype="float32").reshape(10, 2)
    >>> c = compile_model(DecisionTreeClassifier().fit(X, [0] * 5 + [1] * 5), n_features=2)
    >>> c.predict(X[:2]).tolist()
    [0, 0]
    """

    def __init__(self, onnx_bytes: bytes, manifest: dict, *, intra_op_threads: int = 1):
        self.onnx_bytes = bytes(onnx_bytes)
        self.manifest = dict(manifest)
        self.intra_op_threads = check_int("intra_op_threads", intra_op_threads, low=1)
        self._session = None

    @property
    def target(self) -> Target:
        t = self.manifest["target"]
        return Target(t["os"], t["arch"], t.get("accelerator"), t.get("device"))

    @property
    def runtime_version(self) -> str:
        return self.manifest["runtime_version"]

    @property
    def nbytes(self) -> int:
        return len(self.onnx_bytes)

    @property
    def session(self):
        if self._session is None:
            import onnxruntime as ort

            options = ort.SessionOptions()
            options.intra_op_num_threads = self.intra_op_threads
            options.inter_op_num_threads = 1
            self._session = ort.InferenceSession(self.onnx_bytes, options, providers=["CPUExecutionProvider"])
        return self._session

    def _run(self, X):
        import numpy as np

        X = np.ascontiguousarray(X, dtype=np.float32)
        if X.ndim != 2 or X.shape[1] != self.manifest["n_features"]:
            raise ValueError(f"X must have shape (n, {self.manifest['n_features']}), got {X.shape}")
        return self.session.run(None, {self.manifest["input_name"]: X})

    def predict(self, X):
        """Labels (classifiers) or values (regressors), as the original's ``predict``."""
        import numpy as np

        out = self._run(X)[0]
        return np.asarray(out).ravel()

    def predict_proba(self, X):
        """Class probabilities, shape ``(n, n_classes)``; ``ValueError`` for a regressor."""
        import numpy as np

        outputs = self._run(X)
        if len(outputs) < 2:
            raise ValueError("predict_proba needs a classifier; this compiled model is a regressor")
        return np.asarray(outputs[1], dtype=np.float64)

    def save(self, path) -> Path:
        """Write ``model.onnx`` and ``compiled-manifest.json`` into a tar.gz at ``path``; return it."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        manifest = json.dumps(self.manifest, indent=2).encode()
        with tarfile.open(path, "w:gz") as tar:
            for name, data in ((ONNX_FILE, self.onnx_bytes), (COMPILED_MANIFEST, manifest)):
                info = tarfile.TarInfo(name)
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
        return path

    def write_files(self, folder) -> list[Path]:
        """Write ``model.onnx`` and ``compiled-manifest.json`` as plain files into ``folder``."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / ONNX_FILE).write_bytes(self.onnx_bytes)
        (folder / COMPILED_MANIFEST).write_text(json.dumps(self.manifest, indent=2))
        return [folder / ONNX_FILE, folder / COMPILED_MANIFEST]

    def __repr__(self) -> str:
        return (f"<CompiledModel {self.manifest['model_class']} for {self.target.describe()}, "
                f"onnxruntime {self.runtime_version}, {self.nbytes:,} bytes>")


def compile_model(model: Any, *, n_features: int | None = None, target: Target | str | None = None,
                  opset: int = 15, intra_op_threads: int = 1) -> CompiledModel:
    """Compile a trained scikit-learn or XGBoost model to ONNX for ``target``; return a :class:`CompiledModel`.

    ``target``: a :class:`Target`, a Neo ``TargetDevice`` name (``"ml_c5"``)
    or None for this machine. The artifact records the target, the ONNX
    Runtime version and the model's sha256. ``n_features`` defaults to the
    model's ``n_features_in_``. Raises :class:`UnsupportedModelError` for a
    model with no converter, ``ValueError`` for a model that is not fitted.
    Nothing about ``model`` changes.
    """
    if isinstance(target, str):
        target = Target.for_device(target)
    elif target is None:
        target = Target.host()
    elif not isinstance(target, Target):
        raise TypeError(f"target must be a Target, a TargetDevice name or None, got {type(target).__name__}")
    framework = _framework(model)
    if n_features is None:
        n_features = getattr(model, "n_features_in_", None)
        if n_features is None:
            raise ValueError(f"model {type(model).__name__} is not fitted (no n_features_in_); fit it first")
    n_features = check_int("n_features", n_features, low=1)
    opset = check_int("opset", opset, low=9, high=21)
    onx = _to_onnx(model, n_features, opset)
    onnx_bytes = onx.SerializeToString()
    manifest = {
        "format_version": 1,
        "source_framework": framework,
        "model_class": type(model).__name__,
        "n_features": n_features,
        "input_name": "input",
        "is_classifier": hasattr(model, "predict_proba"),
        "opset": opset,
        "target": {"os": target.os, "arch": target.arch, "accelerator": target.accelerator,
                   "device": target.device},
        "runtime": "onnxruntime",
        "runtime_version": _runtime_version(),
        "sha256": hashlib.sha256(onnx_bytes).hexdigest(),
    }
    return CompiledModel(onnx_bytes, manifest, intra_op_threads=intra_op_threads)


def _check_runs_here(manifest: dict, target: Target, source: str) -> None:
    t = manifest["target"]
    built = (t.get("os"), t.get("arch"), t.get("accelerator"))
    if built != target.platform_key():
        shown = Target(t["os"], t["arch"], t.get("accelerator"), t.get("device")).describe()
        raise TargetMismatchError(
            f"{source} was compiled for {shown} and cannot run on {target.describe()}: "
            "a compiled model runs only on the platform it was compiled for (Neo: host it on the "
            "instance type used for compilation); compile it again for this target"
        )
    have = _runtime_version()
    want = manifest.get("runtime_version", "")
    if want.split(".")[:2] != have.split(".")[:2]:
        raise TargetMismatchError(
            f"{source} was compiled for onnxruntime {want} but this runtime is {have}; "
            "the runtime must match the one the model was compiled with (major.minor)"
        )


def load_compiled(path, *, target: Target | str | None = None, intra_op_threads: int = 1) -> CompiledModel:
    """Load a compiled ``model.tar.gz`` to run on ``target`` (default: this machine).

    Raises :class:`TargetMismatchError` if the artifact was compiled for
    another platform or runtime version, :class:`~mlkit.artifacts.ArtifactError`
    if it is not a readable archive, lacks a file, or its model does not match
    the recorded sha256 (corrupted). Nothing on disk changes.
    """
    if isinstance(target, str):
        target = Target.for_device(target)
    target = target or Target.host()
    path = Path(path)
    if not path.is_file():
        raise ArtifactError(f"path must be a compiled model.tar.gz file, got {str(path)!r} (not found)")
    with tempfile.TemporaryDirectory(prefix="mlkit-compiled-") as tmp:
        try:
            safe_extract(path, tmp)
        except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
            raise ArtifactError(f"{path} is corrupted or not a tar.gz archive: {exc}") from exc
        try:
            manifest = json.loads((Path(tmp) / COMPILED_MANIFEST).read_text())
            onnx_bytes = (Path(tmp) / ONNX_FILE).read_bytes()
        except FileNotFoundError as exc:
            raise ArtifactError(f"{path} is not a compiled model: missing {Path(exc.filename).name}") from exc
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ArtifactError(f"{path} is corrupted: {COMPILED_MANIFEST} is not valid JSON ({exc})") from exc
    missing = {"target", "runtime_version", "sha256", "n_features", "input_name"} - set(manifest)
    if missing:
        raise ArtifactError(f"{path} is corrupted: {COMPILED_MANIFEST} lacks {sorted(missing)}")
    if hashlib.sha256(onnx_bytes).hexdigest() != manifest["sha256"]:
        raise ArtifactError(f"{path} is corrupted: {ONNX_FILE} does not match the sha256 in its manifest")
    _check_runs_here(manifest, target, str(path))
    return CompiledModel(onnx_bytes, manifest, intra_op_threads=intra_op_threads)


class CompilationJob(AwsRequest):
    """A SageMaker Neo compilation job: ``to_request()`` gives ``CreateCompilationJob``'s parameters.

    ``Framework`` is one of Neo's input frameworks (``XGBOOST``, ``ONNX``,
    ``SKLEARN``, ``PYTORCH``, ...); ``target`` a :class:`Target` (or a
    ``TargetDevice`` name); ``DataInputConfig`` the input shape Neo needs
    for ONNX and deep learning models (``{"input": [1, n_features]}``).

    >>> job = CompilationJob("sensor-xgb-c5", "arn:aws:iam::111122223333:role/Neo",
    ...                      "s3://bucket/model.tar.gz", "XGBOOST", "s3://bucket/compiled/", "ml_c5")
    >>> job.validate()["OutputConfig"]["TargetDevice"]
    'ml_c5'
    """

    aws_operation = "CreateCompilationJob"
    FRAMEWORKS = ("TENSORFLOW", "KERAS", "MXNET", "ONNX", "PYTORCH", "XGBOOST", "TFLITE", "DARKNET", "SKLEARN")

    def __init__(self, CompilationJobName, RoleArn, S3Uri, Framework, S3OutputLocation, target="ml_c5",
                 DataInputConfig=None, MaxRuntimeInSeconds=900):
        self.CompilationJobName = CompilationJobName
        self.RoleArn = RoleArn
        self.S3Uri = S3Uri
        self.Framework = Framework
        self.S3OutputLocation = S3OutputLocation
        self.target = target
        self.DataInputConfig = DataInputConfig
        self.MaxRuntimeInSeconds = MaxRuntimeInSeconds

    def to_request(self) -> dict:
        check_one_of("Framework", self.Framework, self.FRAMEWORKS)
        target = Target.for_device(self.target) if isinstance(self.target, str) else self.target
        if not isinstance(target, Target):
            raise TypeError(f"target must be a Target or a TargetDevice name, got {type(self.target).__name__}")
        input_config = {"S3Uri": self.S3Uri, "Framework": self.Framework}
        if self.DataInputConfig is not None:
            input_config["DataInputConfig"] = (self.DataInputConfig if isinstance(self.DataInputConfig, str)
                                               else json.dumps(self.DataInputConfig))
        return {
            "CompilationJobName": self.CompilationJobName,
            "RoleArn": self.RoleArn,
            "InputConfig": input_config,
            "OutputConfig": {"S3OutputLocation": self.S3OutputLocation, **target.to_request()},
            "StoppingCondition": {"MaxRuntimeInSeconds": self.MaxRuntimeInSeconds},
        }


# --------------------------------------------------------------------------- edge
#: The inference component's code: imports only the standard library, numpy and
#: onnxruntime. It records every socket event (audit hook) and the modules it
#: loaded in its report, so a test can prove both.
RUNNER_SOURCE = r'''"""mlkit edge inference: a compiled ONNX model on local data (numpy + onnxruntime only)."""
import argparse
import json
import sys

NETWORK_EVENTS = []


def _audit(event, args):
    if event.startswith("socket.") or event in ("urllib.Request", "http.client.connect"):
        NETWORK_EVENTS.append(event)


sys.addaudithook(_audit)

import numpy as np  # noqa: E402
import onnxruntime as ort  # noqa: E402


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--model-dir", required=True)
    p.add_argument("--input", required=True)
    p.add_argument("--output", required=True)
    p.add_argument("--report", required=True)
    a = p.parse_args(argv)
    with open(a.model_dir + "/compiled-manifest.json") as f:
        manifest = json.load(f)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(a.model_dir + "/model.onnx", options, providers=["CPUExecutionProvider"])
    X = np.loadtxt(a.input, delimiter=",", dtype=np.float32, ndmin=2)
    outputs = session.run(None, {manifest["input_name"]: X})
    labels = np.asarray(outputs[0]).ravel()
    if len(outputs) > 1:
        proba = np.asarray(outputs[1], dtype=np.float64)
        table = np.column_stack([labels.astype(np.float64), proba])
        header = "label," + ",".join("p%d" % j for j in range(proba.shape[1]))
    else:
        table = labels.astype(np.float64)[:, None]
        header = "prediction"
    np.savetxt(a.output, table, delimiter=",", header=header, comments="", fmt="%.9g")
    report = {"rows": int(X.shape[0]), "runtime_version": ort.__version__,
              "modules": sorted(sys.modules), "network_events": NETWORK_EVENTS}
    with open(a.report, "w") as f:
        json.dump(report, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
'''

_GG_OS = {"LINUX": "linux"}
_GG_ARCH = {"X86_64": "amd64", "ARM64": "aarch64", "ARM_EABIHF": "arm", "ARM_EABI": "arm"}


@dataclass
class EdgeRun(Report):
    """What one run of the inference component did: rows, output file, modules loaded, network events."""

    returncode: int
    rows: int
    output: str
    report: str
    modules: list = field(default_factory=list, repr=False)
    network_events: list = field(default_factory=list)
    stderr: str = ""

    def imported(self, name: str) -> bool:
        """True if module ``name`` (or a submodule) was loaded in the edge process."""
        return any(m == name or m.startswith(name + ".") for m in self.modules)


@dataclass
class EdgePackage(Report):
    """Three Greengrass components on disk: ``recipes/`` and ``artifacts/`` under ``folder``.

    Contract: ``recipes`` maps each component name to its recipe (a dict,
    also written as ``recipes/<name>-<version>.json``); ``run(input_csv,
    output_csv)`` runs the inference component's ``Run`` lifecycle command as
    Greengrass would, with ``{artifacts:path}`` variables resolved to the local
    artifact folders and ``python3`` replaced by this interpreter; the
    process is killed after ``timeout`` seconds.
    """

    folder: str
    version: str
    model_component: str
    runtime_component: str
    inference_component: str
    recipes: dict = field(repr=False, default_factory=dict)

    def artifact_dir(self, component: str) -> Path:
        return Path(self.folder) / "artifacts" / component / self.version

    def run_command(self, input_csv, output_csv, report_json) -> list[str]:
        """The inference component's Run command with every recipe variable resolved."""
        recipe = self.recipes[self.inference_component]
        command = recipe["Manifests"][0]["Lifecycle"]["Run"]
        for comp in (self.model_component, self.runtime_component, self.inference_component):
            command = command.replace("{" + comp + ":artifacts:path}", str(self.artifact_dir(comp)))
        command = command.replace("{artifacts:path}", str(self.artifact_dir(self.inference_component)))
        command = command.replace("{configuration:/input}", str(input_csv))
        command = command.replace("{configuration:/output}", str(output_csv))
        command = command.replace("{configuration:/report}", str(report_json))
        argv = shlex.split(command)
        if argv and argv[0] == "python3":
            argv[0] = sys.executable
        return argv

    def run(self, input_csv, output_csv, *, timeout: float = 120.0) -> EdgeRun:
        """Run the inference component on ``input_csv`` (rows of floats) and write ``output_csv``.

        Raises ``FileNotFoundError`` for a missing input, ``RuntimeError``
        with the process's stderr if it fails, ``subprocess.TimeoutExpired``
        after ``timeout`` seconds (the process is killed).
        """
        timeout = check_float("timeout", timeout, 0, low_open=True)
        input_csv, output_csv = Path(input_csv), Path(output_csv)
        if not input_csv.is_file():
            raise FileNotFoundError(f"input_csv must be an existing CSV file, got {str(input_csv)!r}")
        report_json = output_csv.with_suffix(".report.json")
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONSTARTUP")}
        env["PYTHONNOUSERSITE"] = "1"
        proc = subprocess.run(self.run_command(input_csv, output_csv, report_json), capture_output=True, check=False,
                              text=True, timeout=timeout, env=env, cwd=str(self.artifact_dir(self.inference_component)),
                              stdin=subprocess.DEVNULL)
        if proc.returncode != 0:
            raise RuntimeError(f"the edge inference process failed (exit {proc.returncode}): {proc.stderr[-2000:]}")
        report = json.loads(report_json.read_text())
        return EdgeRun(proc.returncode, report["rows"], str(output_csv), str(report_json), report["modules"],
                       report["network_events"], proc.stderr)


def package_components(compiled: CompiledModel, folder, *, name: str = "com.mlkit.Model",
                       version: str = "1.0.0", bucket: str = "s3://mlkit-edge-artifacts") -> EdgePackage:
    """Write a compiled model as three Greengrass components (model, runtime, inference) under ``folder``.

    Layout: ``folder/recipes/<component>-<version>.json`` and
    ``folder/artifacts/<component>/<version>/<files>`` (what
    ``greengrass-cli deployment create --recipeDir --artifactDir`` deploys
    locally). The model component holds ``model.onnx`` and its manifest; the
    runtime component installs the exact onnxruntime version; the inference
    component holds ``inference.py`` and depends on both. The recipes'
    artifact URIs point at ``bucket`` (where a cloud deployment would find
    them). Returns the :class:`EdgePackage`.

    >>> from sklearn.linear_model import LogisticRegression
    >>> import numpy as np, tempfile
    >>> X = np.random.default_rng(0).normal(size=(50, 2))
    >>> pkg = package_components(compile_model(LogisticRegression().fit(X, X[:, 0] > 0)), tempfile.mkdtemp())
    >>> sorted(pkg.recipes)
    ['com.mlkit.Model.Inference', 'com.mlkit.Model.Model', 'com.mlkit.Model.Runtime']
    """
    if not isinstance(compiled, CompiledModel):
        raise TypeError(f"compiled must be a CompiledModel (from compile_model), got {type(compiled).__name__}")
    import re

    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,100}", name):
        raise ValueError(f"name must be letters, digits, '.', '_' or '-' (1 to 100), got {name!r}")
    if not re.fullmatch(r"\d+\.\d+\.\d+", version):
        raise ValueError(f"version must be semantic MAJOR.MINOR.PATCH, got {version!r}")
    folder = Path(folder)
    t = compiled.target
    platform = {"os": _GG_OS.get(t.os, t.os.lower()), "architecture": _GG_ARCH.get(t.arch, t.arch.lower())}
    model_c, runtime_c, infer_c = f"{name}.Model", f"{name}.Runtime", f"{name}.Inference"
    pkg = EdgePackage(str(folder), version, model_c, runtime_c, infer_c)

    def uri(comp, file):
        return {"URI": f"{bucket.rstrip('/')}/{comp}/{version}/{file}"}

    def recipe(comp, description, lifecycle, artifacts, deps=None, config=None):
        r = {
            "RecipeFormatVersion": "2020-01-25",
            "ComponentName": comp,
            "ComponentVersion": version,
            "ComponentDescription": description,
            "ComponentPublisher": "mlkit",
        }
        if config:
            r["ComponentConfiguration"] = {"DefaultConfiguration": config}
        if deps:
            r["ComponentDependencies"] = {d: {"VersionRequirement": f">={version}", "DependencyType": "HARD"}
                                          for d in deps}
        r["Manifests"] = [{"Platform": platform, "Lifecycle": lifecycle, "Artifacts": artifacts}]
        return r

    compiled.write_files(pkg.artifact_dir(model_c))
    runtime_dir = pkg.artifact_dir(runtime_c)
    runtime_dir.mkdir(parents=True, exist_ok=True)
    (runtime_dir / "requirements.txt").write_text(f"numpy\nonnxruntime=={compiled.runtime_version}\n")
    infer_dir = pkg.artifact_dir(infer_c)
    infer_dir.mkdir(parents=True, exist_ok=True)
    (infer_dir / "inference.py").write_text(RUNNER_SOURCE)
    pkg.recipes = {
        model_c: recipe(model_c, f"Compiled {compiled.manifest['model_class']} for {t.describe()} (ONNX)", {},
                        [uri(model_c, ONNX_FILE), uri(model_c, COMPILED_MANIFEST)]),
        runtime_c: recipe(runtime_c, f"ONNX Runtime {compiled.runtime_version} and numpy",
                          {"Install": "python3 -m pip install --user -r {artifacts:path}/requirements.txt"},
                          [uri(runtime_c, "requirements.txt")]),
        infer_c: recipe(
            infer_c, "Runs the compiled model on local CSV files, offline",
            {"Run": (f"python3 {{artifacts:path}}/inference.py --model-dir {{{model_c}:artifacts:path}} "
                     "--input {configuration:/input} --output {configuration:/output} "
                     "--report {configuration:/report}")},
            [uri(infer_c, "inference.py")], deps=[model_c, runtime_c],
            config={"input": "/greengrass/v2/work/input.csv", "output": "/greengrass/v2/work/predictions.csv",
                    "report": "/greengrass/v2/work/report.json"}),
    }
    recipes_dir = folder / "recipes"
    recipes_dir.mkdir(parents=True, exist_ok=True)
    for comp, r in pkg.recipes.items():
        (recipes_dir / f"{comp}-{version}.json").write_text(json.dumps(r, indent=2))
    return pkg
