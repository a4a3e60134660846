"""Experiments: runs that log parameters, metrics, artifacts and tags, then compared (topic 11).

SageMaker Experiments organises work as **experiments** made of **runs**.
A run records its parameters, metrics (with steps, so a learning curve can be
drawn), input and output artifacts and tags. The SageMaker Python SDK logs
through ``with Run(experiment_name=..., run_name=...) as run:``, reads a run
back inside a job with ``load_run()``, and runs a function as a job with the
``@remote`` decorator; ``ExperimentAnalytics(...).dataframe()`` gives one row
per run. mlkit offers the same shapes locally:

* :class:`Run` (a context manager) and :func:`load_run`;
* :func:`remote`: a decorator running a function in a child process as a
  "job" with the run loaded for it;
* :class:`ExperimentAnalytics` (``dataframe()``), :func:`metric_history` and
  :func:`plot_metric`.

Storage: the SQLite MLOps database (:func:`mlkit.lineage.open_db`: WAL, one
transaction per write, busy timeout), so runs survive a kernel restart and
several processes logging at once lose nothing. SageMaker's managed
experiments are MLflow today; mlkit keeps its own small store (MLflow is a
large install and a slow import) and does not depend on MLflow;
:func:`export_mlflow` writes the runs as an MLflow file store
(``mlflow ui --backend-store-uri <folder>`` or ``mlflow.search_runs`` read it).

    >>> import tempfile
    >>> db = tempfile.mkdtemp() + "/m.sqlite"
    >>> with Run("churn", "lr-01", path=db) as run:
    ...     run.log_parameter("learning_rate", 0.1)
    ...     for step, loss in enumerate([0.9, 0.5, 0.3]):
    ...         run.log_metric("train:loss", loss, step=step)
    >>> ExperimentAnalytics("churn", path=db).dataframe()[["DisplayName", "learning_rate", "train:loss - Last"]]
      DisplayName  learning_rate  train:loss - Last
    0       lr-01            0.1                0.3
"""

from __future__ import annotations

import json
import math
import os
import re
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Mapping

__all__ = ["Run", "load_run", "remote", "ExperimentAnalytics", "metric_history", "plot_metric",
           "list_experiments", "export_mlflow", "RUN_ENV"]

#: The environment variable through which :func:`remote` hands a job its run.
RUN_ENV = "MLKIT_EXPERIMENT_RUN"
_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,119}$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS exp_runs (
    run_id TEXT PRIMARY KEY, experiment TEXT NOT NULL, run_name TEXT NOT NULL, status TEXT NOT NULL,
    start REAL NOT NULL, end REAL, failure TEXT, UNIQUE (experiment, run_name));
CREATE TABLE IF NOT EXISTS exp_params (run_id TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (run_id, name));
CREATE TABLE IF NOT EXISTS exp_metrics (run_id TEXT NOT NULL, name TEXT NOT NULL, step INTEGER,
    value REAL NOT NULL, timestamp REAL NOT NULL);
CREATE TABLE IF NOT EXISTS exp_artifacts (run_id TEXT NOT NULL, name TEXT NOT NULL, uri TEXT NOT NULL,
    direction TEXT NOT NULL, PRIMARY KEY (run_id, name, direction));
CREATE TABLE IF NOT EXISTS exp_tags (run_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (run_id, key));
"""


def _check_name(param: str, value: Any) -> str:
    if not isinstance(value, str) or not _NAME.match(value):
        raise ValueError(f"{param} must be 1-120 letters, digits or hyphens, starting with a letter or digit, "
                         f"got {value!r}")
    return value


def _db(path):
    from mlkit.lineage import open_db

    return open_db(path, _SCHEMA)


class Run:
    """One run of an experiment: log parameters, metrics, artifacts and tags; a context manager.

    ``Run(experiment_name, run_name=None, *, path=None, tags=None, lineage=True)``
    creates the run (``run_name`` defaults to a fresh ``run-<hex>``), or opens
    it again if the experiment already has a run of that name (as
    ``load_run`` does). Leaving ``with`` marks it ``Completed``, or ``Failed``
    with the exception's message. Each ``log_*`` call is one transaction.
    With ``lineage`` the experiment is recorded as an "Experiment" context and
    each logged artifact as a lineage artifact associated with it.

    Errors: names that are not 1-120 letters, digits or hyphens; a metric
    value that is not a finite number; a step that is not an integer >= 0.
    """

    def __init__(self, experiment_name: str, run_name: str | None = None, *, path=None,
                 tags: Mapping[str, str] | None = None, lineage: bool = True):
        self.experiment_name = experiment_name
        self.run_name = run_name
        self.path = path
        self.tags = tags
        self.lineage = lineage
        _check_name("experiment_name", experiment_name)
        if run_name is None:
            self.run_name = run_name = f"run-{uuid.uuid4().hex[:10]}"
        _check_name("run_name", run_name)
        self._connection = None
        self._lineage_store = None
        self._lock = threading.Lock()
        with self._lock, self._conn:
            row = self._conn.execute("SELECT run_id FROM exp_runs WHERE experiment=? AND run_name=?",
                                     (experiment_name, run_name)).fetchone()
            if row is None:
                self.run_id = uuid.uuid4().hex
                self._conn.execute("INSERT INTO exp_runs VALUES (?,?,?,?,?,?,?)",
                                   (self.run_id, experiment_name, run_name, "InProgress", time.time(), None, None))
            else:
                self.run_id = row[0]
        for k, v in (tags or {}).items():
            self.add_tag(k, v)
        self._context = None
        if lineage:
            self._context = self._lineage.context(experiment_name, "Experiment")

    @property
    def _conn(self):  # opened on first use, again after close()
        if self._connection is None:
            self._connection = _db(self.path)
        return self._connection

    @property
    def _lineage(self):
        if self._lineage_store is None:
            from mlkit.lineage import LineageStore

            self._lineage_store = LineageStore(self.path)
        return self._lineage_store

    # -- logging ----------------------------------------------------------------
    def log_parameter(self, name: str, value: Any) -> None:
        """Record one parameter (a number or a string; logging it again replaces it)."""
        if not isinstance(name, str) or not name:
            raise ValueError(f"name must be a non-empty string, got {name!r}")
        if not isinstance(value, (int, float, str, bool)):
            raise TypeError(f"parameter {name!r} must be a number, string or bool, got {type(value).__name__}")
        with self._lock, self._conn:
            self._conn.execute("INSERT OR REPLACE INTO exp_params VALUES (?,?,?)",
                               (self.run_id, name, json.dumps(value)))

    def log_parameters(self, parameters: Mapping[str, Any]) -> None:
        """Record several parameters in one transaction."""
        for k, v in parameters.items():
            if not isinstance(v, (int, float, str, bool)):
                raise TypeError(f"parameter {k!r} must be a number, string or bool, got {type(v).__name__}")
        with self._lock, self._conn:
            self._conn.executemany("INSERT OR REPLACE INTO exp_params VALUES (?,?,?)",
                                   [(self.run_id, k, json.dumps(v)) for k, v in parameters.items()])

    def log_metric(self, name: str, value: float, step: int | None = None, timestamp: float | None = None) -> None:
        """Record one metric value, at ``step`` (an integer >= 0) for curves; every call is kept."""
        if not isinstance(name, str) or not name:
            raise ValueError(f"name must be a non-empty string, got {name!r}")
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise TypeError(f"metric {name!r} value must be a number, got {value!r}") from None
        if not math.isfinite(v):
            raise ValueError(f"metric {name!r} value must be finite, got {value!r}")
        if step is not None and (isinstance(step, bool) or not isinstance(step, int) or step < 0):
            raise ValueError(f"step must be an integer >= 0 or None, got {step!r}")
        with self._lock, self._conn:
            self._conn.execute("INSERT INTO exp_metrics VALUES (?,?,?,?,?)",
                               (self.run_id, name, step, v, time.time() if timestamp is None else timestamp))

    def log_artifact(self, name: str, value: str, is_output: bool = True, artifact_type: str | None = None) -> None:
        """Record an input (``is_output=False``) or output artifact by its location (a URI or path)."""
        if not isinstance(value, str) or not value:
            raise ValueError(f"value must be the artifact's location (a non-empty string), got {value!r}")
        direction = "output" if is_output else "input"
        with self._lock, self._conn:
            self._conn.execute("INSERT OR REPLACE INTO exp_artifacts VALUES (?,?,?,?)",
                               (self.run_id, name, value, direction))
        if self._context is not None:
            kind = artifact_type or ("Model" if is_output and "model" in name.lower() else "DataSet")
            art = self._lineage.artifact(name, kind, value)
            self._lineage.associate(art, self._context, "AssociatedWith")

    def add_tag(self, key: str, value: str) -> None:
        """Record a tag (strings)."""
        if not isinstance(key, str) or not key or not isinstance(value, str):
            raise TypeError(f"tags must map non-empty strings to strings, got {key!r}: {value!r}")
        with self._lock, self._conn:
            self._conn.execute("INSERT OR REPLACE INTO exp_tags VALUES (?,?,?)", (self.run_id, key, value))

    # -- lifecycle --------------------------------------------------------------
    def _finish(self, status: str, failure: str | None = None) -> None:
        with self._lock, self._conn:
            self._conn.execute("UPDATE exp_runs SET status=?, end=?, failure=? WHERE run_id=?",
                               (status, time.time(), failure, self.run_id))

    @property
    def status(self) -> str:
        """``InProgress``, ``Completed`` or ``Failed``."""
        with self._lock:
            return self._conn.execute("SELECT status FROM exp_runs WHERE run_id=?", (self.run_id,)).fetchone()[0]

    def __enter__(self) -> "Run":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self._finish("Completed")
        else:
            self._finish("Failed", f"{exc_type.__name__}: {exc}")
        self.close()

    def close(self) -> None:
        """Close the database connections (the run's records stay; a later log call opens them again)."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
            if self._lineage_store is not None:
                self._lineage_store.close()
                self._lineage_store = None

    def __repr__(self) -> str:
        return f"Run(experiment_name={self.experiment_name!r}, run_name={self.run_name!r})"


def load_run(experiment_name: str | None = None, run_name: str | None = None, *, path=None) -> Run:
    """The run to log to: the named one, or inside a :func:`remote` job the job's run.

    Without names it reads the job's run from the ``MLKIT_EXPERIMENT_RUN``
    environment variable that :func:`remote` sets; outside a job that is a
    ``RuntimeError`` saying to pass the names.
    """
    if experiment_name is None and run_name is None:
        spec = os.environ.get(RUN_ENV)
        if not spec:
            raise RuntimeError("load_run() without names only works inside a @remote job; "
                               "pass experiment_name and run_name")
        info = json.loads(spec)
        return Run(info["experiment_name"], info["run_name"], path=info["path"])
    if experiment_name is None or run_name is None:
        raise ValueError(f"pass both experiment_name and run_name, got {experiment_name!r} and {run_name!r}")
    return Run(experiment_name, run_name, path=path)


def _job_main(fn, args, kwargs, env, conn):  # pragma: no cover - runs in the child process
    os.environ[RUN_ENV] = env
    try:
        conn.send(("ok", fn(*args, **kwargs)))
    except BaseException as exc:  # the parent re-raises it
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


class JobFailed(RuntimeError):
    """A :func:`remote` job raised; the message carries the job's exception."""


def remote(experiment_name: str, *, path=None, run_name: str | None = None) -> Callable:
    """Decorator: call the function as a local "job" in a child process, with a run loaded for it.

    Like the SageMaker SDK's ``@remote``: the call blocks until the job ends
    and returns its (picklable) result; inside, ``load_run()`` gives the job's
    :class:`Run`. Each call creates a run (``run_name``, or ``<function>-<hex>``)
    marked Completed or Failed; a failing job raises :class:`JobFailed`. On
    systems without ``fork`` the function runs in this process instead.
    """
    _check_name("experiment_name", experiment_name)

    def wrap(fn):
        def job(*args, **kwargs):
            import multiprocessing as mp

            name = run_name or f"{fn.__name__.replace('_', '-')}-{uuid.uuid4().hex[:8]}"
            run = Run(experiment_name, name, path=path)
            run.add_tag("mlkit:job", fn.__name__)
            env = json.dumps({"experiment_name": experiment_name, "run_name": name,
                              "path": None if path is None else str(path)})
            if "fork" not in mp.get_all_start_methods():  # pragma: no cover - Windows
                old = os.environ.get(RUN_ENV)
                os.environ[RUN_ENV] = env
                try:
                    with run:
                        return fn(*args, **kwargs)
                finally:
                    os.environ.pop(RUN_ENV) if old is None else os.environ.__setitem__(RUN_ENV, old)
            ctx = mp.get_context("fork")
            parent, child = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_job_main, args=(fn, args, kwargs, env, child), daemon=True)
            proc.start()
            child.close()
            try:
                status, value = parent.recv()
            except EOFError:
                status, value = "error", f"the job process exited with code {proc.exitcode}"
            finally:
                proc.join()
                parent.close()
            run._finish("Completed" if status == "ok" else "Failed", None if status == "ok" else value)
            run.close()
            if status == "ok":
                return value
            raise JobFailed(f"job {name!r} failed: {value}")

        job.__name__ = fn.__name__
        job.__doc__ = fn.__doc__
        job.__wrapped__ = fn
        return job

    return wrap


def list_experiments(*, path=None) -> list[str]:
    """The experiment names in the store, sorted."""
    conn = _db(path)
    try:
        return [r[0] for r in conn.execute("SELECT DISTINCT experiment FROM exp_runs ORDER BY experiment")]
    finally:
        conn.close()


class ExperimentAnalytics:
    """Search and compare the runs of an experiment as one DataFrame (the SDK's ``ExperimentAnalytics``).

    ``dataframe()`` has one row per run (oldest first): ``TrialComponentName``
    (the run id), ``DisplayName`` (the run name), ``ExperimentName``,
    ``Status``, ``StartTime``, ``EndTime``, one column per parameter, and per
    metric ``<name> - Min``, ``- Max``, ``- Avg``, ``- StdDev``, ``- Last``,
    ``- Count``, and per artifact ``<name> - Value`` (its URI). ``sort_by``
    a column, ``ascending``; ``parameters`` keeps only runs whose parameters
    have these values.
    """

    def __init__(self, experiment_name: str | None = None, *, path=None, sort_by: str | None = None,
                 ascending: bool = True, parameters: Mapping[str, Any] | None = None):
        self.experiment_name = experiment_name
        self.path = path
        self.sort_by = sort_by
        self.ascending = ascending
        self.parameters = parameters

    def dataframe(self):
        import pandas as pd

        conn = _db(self.path)
        try:
            q = "SELECT run_id, run_name, experiment, status, start, end, failure FROM exp_runs"
            args = []
            if self.experiment_name is not None:
                q += " WHERE experiment=?"
                args.append(self.experiment_name)
            runs = conn.execute(q + " ORDER BY start, rowid", args).fetchall()
            rows = []
            for r in runs:
                row = {"TrialComponentName": r[0], "DisplayName": r[1], "ExperimentName": r[2], "Status": r[3],
                       "StartTime": pd.Timestamp(r[4], unit="s", tz="UTC"),
                       "EndTime": pd.Timestamp(r[5], unit="s", tz="UTC") if r[5] else pd.NaT,
                       "FailureReason": r[6]}
                for name, value in conn.execute("SELECT name, value FROM exp_params WHERE run_id=? ORDER BY name",
                                                (r[0],)):
                    row[name] = json.loads(value)
                mets = conn.execute("SELECT name, value FROM exp_metrics WHERE run_id=? "
                                    "ORDER BY name, COALESCE(step, -1), timestamp, rowid", (r[0],)).fetchall()
                by = {}
                for name, value in mets:
                    by.setdefault(name, []).append(value)
                for name, vals in by.items():
                    s = pd.Series(vals, dtype=float)
                    row.update({f"{name} - Min": s.min(), f"{name} - Max": s.max(), f"{name} - Avg": s.mean(),
                                f"{name} - StdDev": s.std(ddof=1) if len(s) > 1 else 0.0,
                                f"{name} - Last": vals[-1], f"{name} - Count": len(vals)})
                for name, uri, direction in conn.execute(
                        "SELECT name, uri, direction FROM exp_artifacts WHERE run_id=? ORDER BY name", (r[0],)):
                    row[f"{name} - Value"] = uri
                rows.append(row)
        finally:
            conn.close()
        df = pd.DataFrame(rows) if rows else pd.DataFrame(
            columns=["TrialComponentName", "DisplayName", "ExperimentName", "Status", "StartTime", "EndTime",
                     "FailureReason"])
        for k, v in (self.parameters or {}).items():
            if k not in df.columns:
                raise KeyError(f"parameters names {k!r}, which no run logged; logged: "
                               f"{[c for c in df.columns if ' - ' not in c]}")
            df = df[df[k] == v]
        if self.sort_by is not None:
            if self.sort_by not in df.columns:
                raise KeyError(f"sort_by must be a column of the runs table, got {self.sort_by!r}; "
                               f"columns: {list(df.columns)}")
            df = df.sort_values(self.sort_by, ascending=self.ascending, kind="stable")
        return df.reset_index(drop=True)


def metric_history(experiment_name: str, metric: str, *, path=None):
    """Every logged value of ``metric`` in the experiment: ``run_name``, ``step``, ``value``, ``timestamp``.

    Rows in logging order per run; a value logged without a step gets its
    position among the run's values of that metric.
    """
    import pandas as pd

    conn = _db(path)
    try:
        rows = conn.execute(
            "SELECT r.run_name, m.step, m.value, m.timestamp FROM exp_metrics m JOIN exp_runs r USING (run_id) "
            "WHERE r.experiment=? AND m.name=? ORDER BY r.start, r.rowid, COALESCE(m.step, -1), m.timestamp, "
            "m.rowid", (experiment_name, metric)).fetchall()
    finally:
        conn.close()
    df = pd.DataFrame(rows, columns=["run_name", "step", "value", "timestamp"])
    if len(df):
        pos = df.groupby("run_name", sort=False).cumcount()
        df["step"] = df["step"].where(df["step"].notna(), pos).astype(int)
    return df


def plot_metric(experiment_name: str, metric: str, *, path=None, ax=None):
    """Draw ``metric`` against step, one line per run, on a matplotlib Axes (made if None); returns it."""
    df = metric_history(experiment_name, metric, path=path)
    if ax is None:
        from matplotlib.figure import Figure

        ax = Figure(figsize=(6, 3.5)).add_subplot()
    for name, g in df.groupby("run_name", sort=False):
        ax.plot(g["step"], g["value"], marker="o", ms=3, label=name)
    ax.set_xlabel("step")
    ax.set_ylabel(metric)
    ax.set_title(f"{metric} across runs of {experiment_name}", loc="left")
    if len(df):
        ax.legend(fontsize=7)
    return ax


_MLFLOW_STATUS = {"InProgress": 1, "Completed": 3, "Failed": 4}


def export_mlflow(folder, *, experiment_name: str | None = None, path=None) -> Path:
    """Write the runs (all experiments, or one) as an MLflow file store under ``folder``; returns its path.

    Layout of MLflow's ``FileStore`` (``mlruns``): per experiment a numbered
    folder with ``meta.yaml``; per run ``meta.yaml``, ``params/<name>``,
    ``metrics/<name>`` (lines ``<timestamp ms> <value> <step>``) and
    ``tags/<key>`` (plus ``mlflow.runName``). Artifact locations are kept as
    tags ``mlkit.artifact.<direction>.<name>``. Existing experiment folders of
    the same name are replaced; MLflow itself is not needed to write it.
    """
    import shutil

    import yaml

    root = Path(folder).expanduser().resolve()
    root.mkdir(parents=True, exist_ok=True)
    conn = _db(path)
    try:
        q, args = "SELECT DISTINCT experiment FROM exp_runs", []
        if experiment_name is not None:
            q += " WHERE experiment=?"
            args.append(experiment_name)
        names = [r[0] for r in conn.execute(q + " ORDER BY experiment", args)]
        if experiment_name is not None and not names:
            raise ValueError(f"experiment_name {experiment_name!r} has no runs; experiments: "
                             f"{list_experiments(path=path)}")
        default = root / "0"
        if not default.exists():
            default.mkdir()
            (default / "meta.yaml").write_text(yaml.safe_dump({
                "artifact_location": (default).as_uri(), "creation_time": int(time.time() * 1000),
                "experiment_id": "0", "last_update_time": int(time.time() * 1000), "lifecycle_stage": "active",
                "name": "Default"}))
        for name in names:
            exp_id = str(int.from_bytes(uuid.uuid5(uuid.NAMESPACE_URL, "mlkit:" + name).bytes[:6], "big"))
            edir = root / exp_id
            if edir.exists():
                shutil.rmtree(edir)
            edir.mkdir()
            runs = conn.execute("SELECT run_id, run_name, status, start, end FROM exp_runs WHERE experiment=? "
                                "ORDER BY start", (name,)).fetchall()
            first = int(min(r[3] for r in runs) * 1000)
            (edir / "meta.yaml").write_text(yaml.safe_dump({
                "artifact_location": edir.as_uri(), "creation_time": first, "experiment_id": exp_id,
                "last_update_time": first, "lifecycle_stage": "active", "name": name}))
            for run_id, run_name, status, start, end in runs:
                rdir = edir / run_id
                for sub in ("params", "metrics", "tags", "artifacts"):
                    (rdir / sub).mkdir(parents=True)
                (rdir / "meta.yaml").write_text(yaml.safe_dump({
                    "artifact_uri": (rdir / "artifacts").as_uri(), "end_time": int(end * 1000) if end else None,
                    "entry_point_name": "", "experiment_id": exp_id, "lifecycle_stage": "active", "run_id": run_id,
                    "run_name": run_name, "run_uuid": run_id, "source_name": "", "source_type": 4,
                    "source_version": "", "start_time": int(start * 1000), "status": _MLFLOW_STATUS[status],
                    "tags": [], "user_id": "mlkit"}))
                for pname, value in conn.execute("SELECT name, value FROM exp_params WHERE run_id=?", (run_id,)):
                    v = json.loads(value)
                    (rdir / "params" / pname).write_text(v if isinstance(v, str) else json.dumps(v))
                lines: dict[str, list[str]] = {}
                for mname, step, value, ts in conn.execute(
                        "SELECT name, step, value, timestamp FROM exp_metrics WHERE run_id=? ORDER BY rowid",
                        (run_id,)):
                    k = len(lines.setdefault(mname, []))
                    lines[mname].append(f"{int(ts * 1000)} {value!r} {k if step is None else step}")
                for mname, ls in lines.items():
                    (rdir / "metrics" / mname).write_text("\n".join(ls) + "\n")
                tags = {"mlflow.runName": run_name}
                tags.update(dict(conn.execute("SELECT key, value FROM exp_tags WHERE run_id=?", (run_id,))))
                for aname, uri, direction in conn.execute(
                        "SELECT name, uri, direction FROM exp_artifacts WHERE run_id=?", (run_id,)):
                    tags[f"mlkit.artifact.{direction}.{aname}"] = uri
                for k, v in tags.items():
                    (rdir / "tags" / k).write_text(v)
    finally:
        conn.close()
    return root
