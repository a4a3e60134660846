"""Model artifacts: save and load models without unpickling untrusted files.

SageMaker hosts a model from a ``model.tar.gz`` in S3. mlkit packs one the same
way, with formats that cannot run code when loaded:

* XGBoost (``Booster``, ``XGBClassifier``, ``XGBRegressor``, ...) in XGBoost's
  own UBJSON model format (``xgboost-model.ubj``);
* scikit-learn estimators through ``skops.io`` (``model.skops``), whose loader
  refuses any type not on its trusted list unless the caller names it in
  ``trusted=[...]``;
* a small manifest (``mlkit-manifest.json``) naming the framework, versions,
  model class, file and number of features.

Extraction refuses absolute paths, ``..`` segments, links that leave the
target folder and special files (devices, FIFOs)::

    >>> import tempfile, numpy as np
    >>> from sklearn.linear_model import LinearRegression
    >>> model = LinearRegression().fit(np.eye(3), [1.0, 2.0, 3.0])
    >>> uri = save_model(model, tempfile.mkdtemp() + "/model.tar.gz")
    >>> load_model(uri).predict(np.eye(3)).round(3).tolist()
    [1.0, 2.0, 3.0]
"""

from __future__ import annotations

import io
import json
import os
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

__all__ = [
    "ArtifactError",
    "UnsafeArchiveError",
    "UntrustedTypesError",
    "ModelManifest",
    "save_model",
    "pack_folder",
    "load_model",
    "read_manifest",
    "safe_extract",
    "MANIFEST_NAME",
]

MANIFEST_NAME = "mlkit-manifest.json"
XGB_FILE = "xgboost-model.ubj"
SKOPS_FILE = "model.skops"
_XGB_WRAPPERS = ("XGBClassifier", "XGBRegressor", "XGBRanker", "XGBRFClassifier", "XGBRFRegressor")


class ArtifactError(ValueError):
    """An artifact that cannot be saved or loaded (unsupported model, missing file, bad manifest)."""


class UnsafeArchiveError(ArtifactError):
    """A tarball member that would escape the extraction folder (absolute path, ``..``, link, device)."""


class UntrustedTypesError(ArtifactError):
    """A skops file holding types that are not trusted; ``types`` lists them."""

    def __init__(self, source: str, types: list[str]):
        self.types = list(types)
        super().__init__(
            f"{source} contains types that are not trusted by default: {self.types}. "
            f"Loading could run their code; if you trust the file, pass trusted={self.types!r}"
        )


@dataclass
class ModelManifest:
    """What a ``model.tar.gz`` holds: framework, model class, file, features."""

    framework: str
    model_class: str
    model_file: str
    framework_version: str = ""
    n_features: int | None = None
    feature_names: list[str] | None = None
    format_version: int = 1
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "format_version": self.format_version,
            "framework": self.framework,
            "framework_version": self.framework_version,
            "model_class": self.model_class,
            "model_file": self.model_file,
            "n_features": self.n_features,
            "feature_names": self.feature_names,
            "extra": self.extra,
        }

    @classmethod
    def from_dict(cls, d: dict, source: str = "manifest") -> "ModelManifest":
        try:
            m = cls(
                framework=d["framework"],
                model_class=d["model_class"],
                model_file=d["model_file"],
                framework_version=d.get("framework_version", ""),
                n_features=d.get("n_features"),
                feature_names=d.get("feature_names"),
                format_version=int(d.get("format_version", 1)),
                extra=d.get("extra") or {},
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ArtifactError(f"{source} is not a valid mlkit manifest: {exc!r}") from exc
        if m.framework not in ("xgboost", "sklearn"):
            raise ArtifactError(f"{source}: framework must be 'xgboost' or 'sklearn', got {m.framework!r}")
        if "/" in m.model_file or m.model_file in ("", ".", ".."):
            raise ArtifactError(f"{source}: model_file must be a plain file name, got {m.model_file!r}")
        return m


# -- classification ---------------------------------------------------------
def _class_path(obj: Any) -> str:
    t = type(obj)
    return f"{t.__module__}.{t.__qualname__}"


def _framework_of(model: Any) -> str:
    mod = type(model).__module__ or ""
    if mod.startswith("xgboost"):
        if type(model).__name__ == "Booster" or type(model).__name__ in _XGB_WRAPPERS:
            return "xgboost"
        raise ArtifactError(f"model must be an XGBoost Booster or one of {_XGB_WRAPPERS}, got {_class_path(model)}")
    try:
        from sklearn.base import BaseEstimator
    except ImportError:  # pragma: no cover - sklearn is a dependency
        BaseEstimator = ()
    if isinstance(model, BaseEstimator):
        return "sklearn"
    raise ArtifactError(
        "model must be an XGBoost model (Booster, XGBClassifier, XGBRegressor, ...) or a fitted "
        f"scikit-learn estimator, got {_class_path(model)}"
    )


def _n_features(model: Any) -> int | None:
    if type(model).__name__ == "Booster":
        return int(model.num_features())
    n = getattr(model, "n_features_in_", None)
    return int(n) if n is not None else None


def _feature_names(model: Any) -> list[str] | None:
    if type(model).__name__ == "Booster":
        return list(model.feature_names) if model.feature_names else None
    names = getattr(model, "feature_names_in_", None)
    return [str(n) for n in names] if names is not None else None


# -- saving ----------------------------------------------------------------
def _write_model_dir(model: Any, folder: Path) -> ModelManifest:
    framework = _framework_of(model)
    if framework == "xgboost":
        import xgboost

        try:
            model.save_model(str(folder / XGB_FILE))
        except Exception as exc:  # unfitted wrapper, ...
            raise ArtifactError(f"could not save {_class_path(model)} (is it fitted?): {exc}") from exc
        manifest = ModelManifest("xgboost", _class_path(model), XGB_FILE, xgboost.__version__)
    else:
        import sklearn
        import skops.io as sio

        from sklearn.utils.validation import check_is_fitted

        try:
            check_is_fitted(model)
        except Exception as exc:
            raise ArtifactError(f"model must be a fitted scikit-learn estimator: {exc}") from exc
        sio.dump(model, folder / SKOPS_FILE)
        manifest = ModelManifest("sklearn", _class_path(model), SKOPS_FILE, sklearn.__version__)
    manifest.n_features = _n_features(model)
    manifest.feature_names = _feature_names(model)
    (folder / MANIFEST_NAME).write_text(json.dumps(manifest.to_dict(), indent=2))
    return manifest


def pack_folder(folder: str | os.PathLike, fileobj) -> None:
    """Write the folder's files, at the archive root, as a tar.gz to ``fileobj``: SageMaker's model.tar.gz layout.

    Files go in name order with owner 0 and no user names, so the same files give the same archive
    members (the gzip header's time aside). Used by :func:`save_model`, by training jobs packing
    ``/opt/ml/model`` and by :func:`mlkit.compression.save_mlp`.
    """
    folder = Path(folder)
    with tarfile.open(fileobj=fileobj, mode="w:gz") as tar:
        for p in sorted(folder.iterdir()):
            info = tar.gettarinfo(str(p), arcname=p.name)
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            with open(p, "rb") as fh:
                tar.addfile(info, fh)


def _is_uri(target: Any) -> bool:
    return isinstance(target, str) and target.startswith("s3://")


def save_model(model: Any, path_or_uri: str | os.PathLike, *, store=None) -> str:
    """Pack a fitted model into ``model.tar.gz`` at a path or ``s3://`` URI; return where it went.

    A target not ending in ``.tar.gz`` is a folder/prefix and gets
    ``model.tar.gz`` appended. ``store`` is the :class:`~mlkit.storage.LocalBucketStore`
    for ``s3://`` targets (default store if None). Raises :class:`ArtifactError`
    for an unsupported or unfitted model.
    """
    target = str(path_or_uri) if not _is_uri(path_or_uri) else path_or_uri
    if not target.endswith(".tar.gz"):
        target = target.rstrip("/") + "/model.tar.gz"
    with tempfile.TemporaryDirectory(prefix="mlkit-artifact-") as tmp:
        folder = Path(tmp) / "model"
        folder.mkdir()
        _write_model_dir(model, folder)
        if _is_uri(target):
            from mlkit.storage import LocalBucketStore

            store = store or LocalBucketStore()
            with store.open(target, "wb") as fh:
                pack_folder(folder, fh)
        else:
            out = Path(target)
            out.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp_out = tempfile.mkstemp(dir=out.parent, prefix=".model-", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as fh:
                    pack_folder(folder, fh)
                os.replace(tmp_out, out)
            except BaseException:
                Path(tmp_out).unlink(missing_ok=True)
                raise
    return target


# -- safe extraction -------------------------------------------------------
def _inside(base: str, path: str) -> bool:
    base = os.path.realpath(base)
    path = os.path.realpath(path)
    return path == base or path.startswith(base + os.sep)


def safe_extract(archive: str | os.PathLike | io.IOBase, dest: str | os.PathLike) -> list[str]:
    """Extract a tar(.gz) into ``dest`` after checking every member; return the member names.

    Raises :class:`UnsafeArchiveError` naming the member for an absolute path,
    a ``..`` segment, a symlink or hardlink whose target leaves ``dest``, or a
    device/FIFO. Nothing is extracted if any member is unsafe.
    """
    dest = os.path.realpath(str(dest))
    os.makedirs(dest, exist_ok=True)
    opener = (
        tarfile.open(fileobj=archive, mode="r:*") if hasattr(archive, "read") else tarfile.open(str(archive), "r:*")
    )
    with opener as tar:
        members = tar.getmembers()
        planned: dict[str, str] = {}  # link name -> resolved link target, for links inside dest
        for m in members:
            name = m.name
            where = f"archive member {name!r}"
            if name.startswith("/") or os.path.isabs(name) or (len(name) > 1 and name[1] == ":"):
                raise UnsafeArchiveError(f"{where} has an absolute path; refusing to extract")
            parts = name.replace("\\", "/").split("/")
            if ".." in parts:
                raise UnsafeArchiveError(f"{where} contains '..'; refusing to extract outside {dest}")
            target = os.path.normpath(os.path.join(dest, name))
            if not _inside(dest, target):
                raise UnsafeArchiveError(f"{where} resolves outside {dest}; refusing to extract")
            if m.issym() or m.islnk():
                link = m.linkname
                if os.path.isabs(link):
                    raise UnsafeArchiveError(f"{where} is a link to the absolute path {link!r}; refusing to extract")
                base = os.path.dirname(target) if m.issym() else dest
                resolved = os.path.normpath(os.path.join(base, link))
                if not _inside(dest, resolved):
                    raise UnsafeArchiveError(f"{where} links to {link!r}, outside {dest}; refusing to extract")
                planned[os.path.normpath(target)] = resolved
            elif not (m.isfile() or m.isdir()):
                raise UnsafeArchiveError(f"{where} is a device or FIFO; refusing to extract")
            # A member written through a link planted earlier in the same archive.
            parent = os.path.dirname(target)
            while parent.startswith(dest) and parent != dest:
                if parent in planned and not _inside(dest, planned[parent]):
                    raise UnsafeArchiveError(f"{where} is written through a link that leaves {dest}")
                parent = os.path.dirname(parent)
        kwargs = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        try:
            tar.extractall(dest, members=members, **kwargs)
        except tarfile.FilterError as exc:  # the stdlib's own check, as a second line
            raise UnsafeArchiveError(f"archive member refused by tarfile's data filter: {exc}") from exc
    return [m.name for m in members]


# -- loading ---------------------------------------------------------------
def read_manifest(folder: str | os.PathLike) -> ModelManifest:
    """The manifest of an extracted model folder; :class:`ArtifactError` if missing or invalid."""
    path = Path(folder) / MANIFEST_NAME
    if not path.is_file():
        raise ArtifactError(f"{folder} has no {MANIFEST_NAME}; was it written by mlkit.artifacts.save_model?")
    try:
        data = json.loads(path.read_text())
    except ValueError as exc:
        raise ArtifactError(f"{path} is not valid JSON: {exc}") from exc
    return ModelManifest.from_dict(data, str(path))


def _load_xgboost(file: Path, model_class: str):
    import xgboost

    name = model_class.rsplit(".", 1)[-1]
    if name == "Booster":
        model = xgboost.Booster()
    elif name in _XGB_WRAPPERS:
        model = getattr(xgboost, name)()
    else:
        raise ArtifactError(f"model_class must be xgboost Booster or one of {_XGB_WRAPPERS}, got {model_class!r}")
    model.load_model(str(file))
    return model


def _load_skops(file: Path, trusted: Iterable[str] | None, source: str | None = None):
    import skops.io as sio

    untrusted = sio.get_untrusted_types(file=file)
    allowed = set(trusted or ())
    refused = [t for t in untrusted if t not in allowed]
    if refused:
        raise UntrustedTypesError(source or str(file), refused)
    return sio.load(file, trusted=list(untrusted) or None)


def _load_folder(folder: Path, trusted, source: str | None = None) -> Any:
    manifest = read_manifest(folder)
    file = folder / manifest.model_file
    if not file.is_file():
        raise ArtifactError(f"{folder} lacks the model file {manifest.model_file!r} named by its manifest")
    if manifest.framework == "xgboost":
        return _load_xgboost(file, manifest.model_class)
    return _load_skops(file, trusted, source)


def load_model(path_or_uri: str | os.PathLike, *, trusted: Iterable[str] | None = None, store=None) -> Any:
    """Load a model from a ``model.tar.gz`` (path or ``s3://`` URI), a model folder, or a bare model file.

    Bare files: ``.json``/``.ubj`` are XGBoost Boosters, ``.skops`` are
    scikit-learn. skops files with types outside skops' trusted list raise
    :class:`UntrustedTypesError` unless every such type is named in ``trusted``.
    Pickle files are refused.
    """
    source = str(path_or_uri)
    if _is_uri(source):
        from mlkit.storage import LocalBucketStore

        store = store or LocalBucketStore()
        with tempfile.TemporaryDirectory(prefix="mlkit-load-") as tmp:
            local = Path(tmp) / Path(source).name
            with store.open(source, "rb") as fin, open(local, "wb") as fout:
                import shutil

                shutil.copyfileobj(fin, fout, 1 << 20)
            return _load_path(local, trusted, source)
    return _load_path(Path(source), trusted, source)


def _load_path(path: Path, trusted, source: str) -> Any:
    if path.is_dir():
        return _load_folder(path, trusted, source)
    if not path.is_file():
        raise FileNotFoundError(f"path_or_uri must be an existing model.tar.gz, folder or model file, got {source!r}")
    name = path.name.lower()
    if name.endswith((".tar.gz", ".tgz", ".tar")):
        with tempfile.TemporaryDirectory(prefix="mlkit-model-") as tmp:
            safe_extract(path, tmp)
            return _load_folder(Path(tmp), trusted, source)
    if name.endswith((".json", ".ubj")):
        return _load_xgboost(path, "xgboost.Booster")
    if name.endswith(".skops"):
        return _load_skops(path, trusted, source)
    raise ArtifactError(
        f"path_or_uri must be a .tar.gz, a folder, an XGBoost .json/.ubj or a .skops file, got {source!r} "
        "(pickle and joblib files are refused: loading them can run arbitrary code)"
    )
