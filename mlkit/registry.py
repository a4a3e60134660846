"""Model Registry: model package groups, versions, approval, and only-approved deployment (topic 11).

SageMaker Model Registry catalogs models as **model package groups** of
numbered **versions** (model packages). Each version points at its artifact
(``ModelDataUrl``, a ``model.tar.gz`` in S3), carries metrics, and has a
``ModelApprovalStatus``: ``PendingManualApproval``, ``Approved`` or
``Rejected``. A CI/CD rule deploys only approved versions; mlkit enforces that
rule in :meth:`ModelRegistry.deploy` (a version that is not Approved is a
:class:`NotApprovedError`). A model trained outside the kit (a saved XGBoost
``.json``/``.ubj`` or scikit-learn ``.skops`` file) is registered the same way
(:meth:`ModelRegistry.register_file`) -- as a model built outside SageMaker
must be registered before Canvas can use it.

Requests: :meth:`ModelPackage.to_request` (``CreateModelPackage``) and
:meth:`ModelPackage.update_request` (``UpdateModelPackage``), validated with
:func:`mlkit.aws.validate_request`. Records live in the MLOps database
(:func:`mlkit.lineage.open_db`); artifacts in the local bucket. Registering
records a "Model" lineage artifact; approving an "Approval" action; deploying
a "Deployment" action and an "Endpoint" context.

    >>> import tempfile
    >>> from sklearn.dummy import DummyRegressor
    >>> from mlkit.storage import LocalBucketStore
    >>> tmp = tempfile.mkdtemp()
    >>> reg = ModelRegistry(tmp + "/m.sqlite", store=LocalBucketStore(tmp + "/bucket"))
    >>> v1 = reg.register("demand", DummyRegressor().fit([[0]], [7.0]), metrics={"rmse": 1.2})
    >>> v1.ModelPackageVersion, v1.ModelApprovalStatus
    (1, 'PendingManualApproval')
    >>> reg.update_status(v1.ModelPackageArn, "Approved", approved_by="ana", reason="rmse ok").ModelApprovalStatus
    'Approved'
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from mlkit._checks import check_one_of
from mlkit.lineage import ACCOUNT_PREFIX

__all__ = ["ModelRegistry", "ModelPackage", "NotApprovedError", "APPROVAL_STATUSES", "DEFAULT_IMAGE"]

APPROVAL_STATUSES = ("PendingManualApproval", "Approved", "Rejected")
#: The container image a registered version names (the SageMaker XGBoost image in us-east-1).
DEFAULT_IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
_GROUP = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS reg_groups (name TEXT PRIMARY KEY, description TEXT, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS reg_packages (
    grp TEXT NOT NULL, version INTEGER NOT NULL, model_data_url TEXT NOT NULL, image TEXT NOT NULL,
    status TEXT NOT NULL, description TEXT, metrics TEXT NOT NULL, approval_description TEXT,
    approved_by TEXT, created REAL NOT NULL, modified REAL NOT NULL, source TEXT,
    PRIMARY KEY (grp, version));
CREATE TABLE IF NOT EXISTS reg_history (grp TEXT NOT NULL, version INTEGER NOT NULL, status TEXT NOT NULL,
    who TEXT, why TEXT, at REAL NOT NULL);
"""


class NotApprovedError(ValueError):
    """Deploying a model package version whose ModelApprovalStatus is not Approved."""


@dataclass
class ModelPackage:
    """One registered version: its group, number, artifact location, metrics and approval.

    ``ModelPackageArn`` is ``arn:aws:sagemaker:...:model-package/<group>/<version>``.
    ``approved_by`` / ``ApprovalDescription`` say who set the status and why.
    """

    ModelPackageGroupName: str
    ModelPackageVersion: int
    ModelDataUrl: str
    ModelApprovalStatus: str
    Image: str = DEFAULT_IMAGE
    ModelPackageDescription: str = ""
    metrics: dict = field(default_factory=dict)
    ApprovalDescription: str = ""
    approved_by: str = ""
    CreationTime: float = 0.0
    source: str = ""

    @property
    def ModelPackageArn(self) -> str:
        return f"{ACCOUNT_PREFIX}:model-package/{self.ModelPackageGroupName}/{self.ModelPackageVersion}"

    def to_request(self, metrics_uri: str | None = None) -> dict:
        """The ``CreateModelPackage`` request that registers this version.

        ``metrics_uri`` (the ``s3://`` of a metrics JSON, as
        :meth:`ModelRegistry.register` writes) goes to
        ``ModelMetrics.ModelQuality.Statistics``; metrics are also given as
        ``CustomerMetadataProperties`` (strings).
        """
        req = {
            "ModelPackageGroupName": self.ModelPackageGroupName,
            "ModelPackageDescription": self.ModelPackageDescription or f"version {self.ModelPackageVersion}",
            "InferenceSpecification": {
                "Containers": [{"Image": self.Image, "ModelDataUrl": self.ModelDataUrl}],
                "SupportedContentTypes": ["text/csv"],
                "SupportedResponseMIMETypes": ["text/csv"],
                "SupportedRealtimeInferenceInstanceTypes": ["ml.m5.large"],
                "SupportedTransformInstanceTypes": ["ml.m5.large"],
            },
            "ModelApprovalStatus": self.ModelApprovalStatus,
        }
        if self.metrics:
            req["CustomerMetadataProperties"] = {k: f"{v:.6g}" if isinstance(v, float) else str(v)
                                                 for k, v in self.metrics.items()}
        if metrics_uri:
            req["ModelMetrics"] = {"ModelQuality": {"Statistics": {"ContentType": "application/json",
                                                                   "S3Uri": metrics_uri}}}
        return req

    def update_request(self) -> dict:
        """The ``UpdateModelPackage`` request that sets this version's current status and reason."""
        req = {"ModelPackageArn": self.ModelPackageArn, "ModelApprovalStatus": self.ModelApprovalStatus}
        if self.ApprovalDescription:
            req["ApprovalDescription"] = self.ApprovalDescription[:1024]
        return req


class ModelRegistry:
    """The registry: groups, versions, status changes with who and why, and deployment of approved versions.

    ``ModelRegistry(path=None, *, store=None, lineage=True)``: ``path`` is the
    MLOps database (default under the data folder), ``store`` the
    :class:`~mlkit.storage.LocalBucketStore` for artifacts (default root if
    None), ``bucket`` the bucket versions are saved to. All state is in the
    database: a new ``ModelRegistry`` on the same path sees the same versions.
    """

    def __init__(self, path: str | os.PathLike | None = None, *, store=None, bucket: str = "mlkit-registry",
                 lineage: bool = True):
        self.path = path
        self.store = store
        self.bucket = bucket
        self.lineage = lineage
        from mlkit.lineage import LineageStore, open_db

        self._conn = open_db(path, _SCHEMA)
        self._lock = threading.Lock()
        self._lineage = LineageStore(path) if lineage else None

    def _store(self):
        if self.store is None:
            from mlkit.storage import LocalBucketStore

            self.store = LocalBucketStore()
        return self.store

    # -- groups -----------------------------------------------------------------
    def create_model_package_group(self, name: str, description: str = "") -> str:
        """Create a group (idempotent); its ARN. Names: 1-63 letters, digits, hyphens."""
        if not isinstance(name, str) or not _GROUP.match(name):
            raise ValueError(f"ModelPackageGroupName must be 1-63 letters, digits or hyphens, starting with a "
                             f"letter or digit, got {name!r}")
        with self._lock, self._conn:
            self._conn.execute("INSERT OR IGNORE INTO reg_groups VALUES (?,?,?)", (name, description, time.time()))
        return f"{ACCOUNT_PREFIX}:model-package-group/{name}"

    def groups(self) -> list[str]:
        """The group names, sorted."""
        with self._lock:
            return [r[0] for r in self._conn.execute("SELECT name FROM reg_groups ORDER BY name")]

    def group_request(self, name: str) -> dict:
        """The ``CreateModelPackageGroup`` request for a group."""
        with self._lock:
            row = self._conn.execute("SELECT description FROM reg_groups WHERE name=?", (name,)).fetchone()
        if row is None:
            raise KeyError(f"ModelPackageGroupName {name!r} is not a group; groups: {self.groups()}")
        req = {"ModelPackageGroupName": name}
        if row[0]:
            req["ModelPackageGroupDescription"] = row[0]
        return req

    # -- versions ---------------------------------------------------------------
    def register(self, group: str, model: Any = None, *, model_data_url: str | None = None,
                 metrics: Mapping[str, float] | None = None, description: str = "",
                 approval_status: str = "PendingManualApproval", image: str = DEFAULT_IMAGE,
                 source: str = "", training_action: str | None = None) -> ModelPackage:
        """Register the next version of ``group`` (created if missing); the new :class:`ModelPackage`.

        Give a fitted ``model`` (saved with :func:`mlkit.artifacts.save_model`
        to ``s3://<bucket>/<group>/v<N>/model.tar.gz``) or the
        ``model_data_url`` of an existing ``model.tar.gz``, not both.
        ``metrics`` (numbers) are kept and written as a JSON next to the
        artifact. ``training_action`` (a lineage action ARN) gets a
        ``Produced`` association to the model artifact.
        Errors: neither or both of ``model``/``model_data_url``; a
        ``model_data_url`` that is not in the store; a status outside
        :data:`APPROVAL_STATUSES`; metrics that are not numbers.
        """
        check_one_of("approval_status", approval_status, APPROVAL_STATUSES)
        if (model is None) == (model_data_url is None):
            raise ValueError("give exactly one of model (a fitted model) and model_data_url (an s3:// model.tar.gz), "
                             f"got model={type(model).__name__}, model_data_url={model_data_url!r}")
        metrics = dict(metrics or {})
        for k, v in metrics.items():
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise TypeError(f"metrics must map names to numbers, got {k!r}: {v!r}")
        self.create_model_package_group(group)
        with self._lock, self._conn:
            row = self._conn.execute("SELECT COALESCE(MAX(version), 0) FROM reg_packages WHERE grp=?",
                                     (group,)).fetchone()
            version = row[0] + 1
            prefix = f"s3://{self.bucket}/{group}/v{version}"
            if model is not None:
                from mlkit.artifacts import save_model

                model_data_url = save_model(model, f"{prefix}/model.tar.gz", store=self._store())
            elif not self._store().exists(model_data_url):
                raise FileNotFoundError(f"model_data_url {model_data_url!r} is not in the local bucket "
                                        f"{self._store().root_path}")
            now = time.time()
            self._conn.execute("INSERT INTO reg_packages VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                               (group, version, model_data_url, image, approval_status, description,
                                json.dumps(metrics), "", "", now, now, source))
            self._conn.execute("INSERT INTO reg_history VALUES (?,?,?,?,?,?)",
                               (group, version, approval_status, "", "registered", now))
        self._store().put(f"{prefix}/metrics.json", json.dumps(metrics, indent=2).encode())
        pkg = self.get(group, version)
        if self._lineage is not None:
            self._lineage.artifact(f"{group}-v{version}", "Model", model_data_url, produced_by=training_action,
                                   rename=True, ModelPackageArn=pkg.ModelPackageArn)
        return pkg

    def register_file(self, group: str, file: str | os.PathLike, **kwargs) -> ModelPackage:
        """Register a model saved outside mlkit: an XGBoost ``.json``/``.ubj`` or a scikit-learn ``.skops`` file.

        The file is loaded with :func:`mlkit.artifacts.load_model` (no pickle;
        ``trusted=[...]`` for skops types outside its default list), packed as
        a ``model.tar.gz`` and registered like :meth:`register` (``kwargs``).
        """
        from mlkit.artifacts import load_model

        trusted = kwargs.pop("trusted", None)
        model = load_model(file, trusted=trusted)
        kwargs.setdefault("source", f"file:{Path(file).name}")
        return self.register(group, model, **kwargs)

    def _row(self, r) -> ModelPackage:
        return ModelPackage(r[0], r[1], r[2], r[4], r[3], r[5] or "", json.loads(r[6]), r[7] or "", r[8] or "",
                            r[9], r[11] or "")

    def get(self, group_or_arn: str, version: int | None = None) -> ModelPackage:
        """One version, by ``(group, version)`` or by its ARN; ``KeyError`` naming what exists if missing."""
        if version is None:
            m = re.match(r".*:model-package/([^/]+)/(\d+)$", str(group_or_arn))
            if not m:
                raise ValueError(f"give (group, version) or a ModelPackageArn ending in "
                                 f"model-package/<group>/<version>, got {group_or_arn!r}")
            group_or_arn, version = m.group(1), int(m.group(2))
        with self._lock:
            r = self._conn.execute("SELECT * FROM reg_packages WHERE grp=? AND version=?",
                                   (group_or_arn, version)).fetchone()
            have = [x[0] for x in self._conn.execute("SELECT version FROM reg_packages WHERE grp=? ORDER BY version",
                                                     (group_or_arn,))]
        if r is None:
            raise KeyError(f"model package {group_or_arn!r} version {version} is not registered; "
                           f"versions of that group: {have}")
        return self._row(r)

    def list_model_packages(self, group: str):
        """The group's versions as a DataFrame: version, status, metrics (one column each), who, why, URL."""
        import pandas as pd

        with self._lock:
            rows = self._conn.execute("SELECT * FROM reg_packages WHERE grp=? ORDER BY version", (group,)).fetchall()
        out = []
        for r in rows:
            p = self._row(r)
            out.append({"ModelPackageVersion": p.ModelPackageVersion, "ModelApprovalStatus": p.ModelApprovalStatus,
                        **p.metrics, "approved_by": p.approved_by, "ApprovalDescription": p.ApprovalDescription,
                        "ModelDataUrl": p.ModelDataUrl, "ModelPackageArn": p.ModelPackageArn})
        return pd.DataFrame(out, columns=None if out else ["ModelPackageVersion", "ModelApprovalStatus",
                                                            "approved_by", "ApprovalDescription", "ModelDataUrl",
                                                            "ModelPackageArn"])

    def history(self, group: str):
        """Every status change of the group: version, status, who, why, at (UTC)."""
        import pandas as pd

        with self._lock:
            rows = self._conn.execute("SELECT version, status, who, why, at FROM reg_history WHERE grp=? "
                                      "ORDER BY at, rowid", (group,)).fetchall()
        df = pd.DataFrame(rows, columns=["version", "status", "who", "why", "at"])
        df["at"] = pd.to_datetime(df["at"], unit="s", utc=True)
        return df

    def latest(self, group: str, status: str | None = "Approved") -> ModelPackage | None:
        """The highest version with ``status`` (any status if None), or None."""
        q, args = "SELECT * FROM reg_packages WHERE grp=?", [group]
        if status is not None:
            check_one_of("status", status, APPROVAL_STATUSES)
            q += " AND status=?"
            args.append(status)
        with self._lock:
            r = self._conn.execute(q + " ORDER BY version DESC LIMIT 1", args).fetchone()
        return None if r is None else self._row(r)

    def update_status(self, arn: str, ModelApprovalStatus: str, *, approved_by: str, reason: str = "") -> ModelPackage:
        """Set a version's ``ModelApprovalStatus`` (``UpdateModelPackage``), recording who and why.

        ``approved_by`` is required (a non-empty name). The change is kept in
        :meth:`history` and recorded as an "Approval" lineage action.
        """
        check_one_of("ModelApprovalStatus", ModelApprovalStatus, APPROVAL_STATUSES)
        if not isinstance(approved_by, str) or not approved_by.strip():
            raise ValueError(f"approved_by must name who changed the status, got {approved_by!r}")
        pkg = self.get(arn)
        now = time.time()
        with self._lock, self._conn:
            self._conn.execute("UPDATE reg_packages SET status=?, approval_description=?, approved_by=?, modified=? "
                               "WHERE grp=? AND version=?", (ModelApprovalStatus, reason, approved_by, now,
                                                             pkg.ModelPackageGroupName, pkg.ModelPackageVersion))
            self._conn.execute("INSERT INTO reg_history VALUES (?,?,?,?,?,?)",
                               (pkg.ModelPackageGroupName, pkg.ModelPackageVersion, ModelApprovalStatus,
                                approved_by, reason, now))
        pkg = self.get(arn)
        if self._lineage is not None:
            model = self._lineage.artifact(f"{pkg.ModelPackageGroupName}-v{pkg.ModelPackageVersion}", "Model",
                                           pkg.ModelDataUrl)
            self._lineage.action(f"{pkg.ModelPackageGroupName}-v{pkg.ModelPackageVersion}-{ModelApprovalStatus}",
                                       "Approval", inputs=[model], by=approved_by, reason=reason)
        return pkg

    def approve(self, arn: str, *, approved_by: str, reason: str = "") -> ModelPackage:
        """``update_status(arn, "Approved", ...)``."""
        return self.update_status(arn, "Approved", approved_by=approved_by, reason=reason)

    def reject(self, arn: str, *, approved_by: str, reason: str = "") -> ModelPackage:
        """``update_status(arn, "Rejected", ...)``."""
        return self.update_status(arn, "Rejected", approved_by=approved_by, reason=reason)

    # -- deployment ---------------------------------------------------------------
    def check_deployable(self, arn: str) -> ModelPackage:
        """The version, if Approved; otherwise :class:`NotApprovedError` saying its status and who set it."""
        pkg = self.get(arn)
        if pkg.ModelApprovalStatus != "Approved":
            who = f" (set by {pkg.approved_by}: {pkg.ApprovalDescription})" if pkg.approved_by else ""
            raise NotApprovedError(
                f"model package {pkg.ModelPackageGroupName} version {pkg.ModelPackageVersion} has "
                f"ModelApprovalStatus {pkg.ModelApprovalStatus!r}{who}; only an 'Approved' version can be deployed")
        return pkg

    def variant(self, arn: str, VariantName: str = "AllTraffic", **kwargs):
        """A :class:`~mlkit.inference.server.ProductionVariant` serving an Approved version (else NotApprovedError)."""
        from mlkit.inference.server import ProductionVariant

        pkg = self.check_deployable(arn)
        return ProductionVariant(VariantName, pkg.ModelDataUrl, **kwargs)

    def deploy(self, arn: str, endpoint_name: str, *, VariantName: str = "AllTraffic", hooks=(), seed=None,
               output: str = "predict", data_set: str | None = None):
        """Deploy an Approved version to a new :class:`~mlkit.inference.server.LocalEndpoint`; returns it (loaded).

        ``hooks`` (e.g. a :class:`~mlkit.monitor.DataCapture`) go to the
        endpoint. Recorded in lineage: a "Deployment" action fed by the model
        and associated with the endpoint's "Endpoint" context. A version that is
        not Approved raises :class:`NotApprovedError` before anything starts.
        """
        from mlkit.inference.server import LocalEndpoint

        pkg = self.check_deployable(arn)
        variant = self.variant(arn, VariantName, output=output)
        ep = LocalEndpoint(endpoint_name, [variant], seed=seed, store=self._store(), hooks=hooks).load()
        self.record_deployment(pkg, endpoint_name)
        return ep

    def record_deployment(self, pkg: ModelPackage, endpoint_name: str) -> str | None:
        """Record in lineage that ``pkg`` now serves on ``endpoint_name``; the Endpoint context's ARN."""
        if self._lineage is None:
            return None
        model = self._lineage.artifact(f"{pkg.ModelPackageGroupName}-v{pkg.ModelPackageVersion}", "Model",
                                       pkg.ModelDataUrl)
        ctx = self._lineage.context(endpoint_name, "Endpoint", f"{ACCOUNT_PREFIX}:endpoint/{endpoint_name}")
        approvals = [e.arn for e in self._lineage.find(
            name=f"{pkg.ModelPackageGroupName}-v{pkg.ModelPackageVersion}-Approved", entity_type="Approval")]
        self._lineage.action(f"deploy-{pkg.ModelPackageGroupName}-v{pkg.ModelPackageVersion}-to-{endpoint_name}",
                             "Deployment", inputs=[model, *approvals], context=ctx)
        return ctx

    def close(self) -> None:
        self._conn.close()
        if self._lineage is not None:
            self._lineage.close()

    def __repr__(self) -> str:
        return f"ModelRegistry(path={self.path!r}, bucket={self.bucket!r})"

