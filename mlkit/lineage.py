"""Lineage tracking: artifacts, actions and contexts joined by typed associations (topic 11).

SageMaker ML Lineage Tracking records what produced what. Its entities:

* **artifacts** -- things with a location: a data set, a model, an image
  (``ArtifactType`` "DataSet", "Model", "Image", ...);
* **actions** -- things that happened: processing, training, tuning,
  approval, deployment (``ActionType``);
* **contexts** -- logical groups: an endpoint, an experiment (``ContextType``).

An **association** joins two of them with a type: ``ContributedTo`` (a data
set contributed to a training), ``Produced`` (a training produced a model),
``DerivedFrom`` (a cleaned data set derived from a raw one) and
``AssociatedWith`` (a deployment is associated with an endpoint). The kit's
experiments, registry and pipelines record them automatically; queries walk the
graph upstream ("which data set trained the model behind endpoint E") and
downstream ("which endpoints use data set D").

Storage is one SQLite file (WAL mode, one transaction per write, a busy
timeout), by default ``<data_home>/mlops.sqlite``, shared with
:mod:`mlkit.experiments` and :mod:`mlkit.registry` (:func:`open_db`).

    >>> import tempfile
    >>> lin = LineageStore(tempfile.mkdtemp() + "/m.sqlite")
    >>> data = lin.artifact("loans-v1", "DataSet", "s3://bkt/loans.csv")
    >>> job = lin.action("train-1", "Training", inputs=[data])
    >>> model = lin.artifact("model-1", "Model", "s3://bkt/model.tar.gz", produced_by=job)
    >>> ep = lin.context("loans-ep", "Endpoint", inputs=[model])
    >>> lin.upstream(ep, entity_type="DataSet")["name"].tolist()
    ['loans-v1']
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from mlkit._checks import check_one_of

__all__ = [
    "open_db",
    "default_db_path",
    "LineageStore",
    "LineageEntity",
    "ASSOCIATION_TYPES",
    "ENTITY_KINDS",
    "ACCOUNT_PREFIX",
]

ASSOCIATION_TYPES = ("ContributedTo", "Produced", "DerivedFrom", "AssociatedWith")
ENTITY_KINDS = ("artifact", "action", "context")
ACCOUNT_PREFIX = "arn:aws:sagemaker:us-east-1:111122223333"
BUSY_TIMEOUT_S = 60.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS lineage_entities (
    arn TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
    source_uri TEXT, properties TEXT NOT NULL, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS lineage_associations (
    source_arn TEXT NOT NULL, dest_arn TEXT NOT NULL, type TEXT NOT NULL, created REAL NOT NULL,
    PRIMARY KEY (source_arn, dest_arn));
"""


def default_db_path() -> Path:
    """``<data_home>/mlops.sqlite``: the experiments, registry, lineage and pipeline records."""
    from mlkit._home import data_home

    return data_home() / "mlops.sqlite"


def open_db(path: str | os.PathLike | None = None, schema: str = "") -> sqlite3.Connection:
    """A connection to the MLOps database at ``path`` (default :func:`default_db_path`), created if missing.

    WAL journal (readers never block the one writer), a busy timeout of 60 s
    (concurrent writers from several processes wait their turn instead of
    failing), autocommit off: callers write inside ``with conn:`` (one
    transaction). ``schema`` is run once (``CREATE TABLE IF NOT EXISTS ...``).
    The connection may be used from several threads; callers serialise writes
    with their own lock.
    """
    p = Path(path) if path is not None else default_db_path()
    p.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(p), timeout=BUSY_TIMEOUT_S, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
    for _ in range(50):  # switching to WAL needs a moment without other writers
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            break
        except sqlite3.OperationalError:  # pragma: no cover - contention at creation
            time.sleep(0.05)
    conn.execute("PRAGMA synchronous = NORMAL")
    if schema:
        with conn:
            conn.executescript(schema)
    return conn


@dataclass(frozen=True)
class LineageEntity:
    """One artifact, action or context: ``arn``, ``kind``, ``name``, ``type``, ``source_uri``, ``properties``."""

    arn: str
    kind: str
    name: str
    type: str
    source_uri: str | None
    properties: dict

    def to_request(self) -> dict:
        """The ``CreateArtifact`` / ``CreateAction`` / ``CreateContext`` request for this entity."""
        props = {str(k): str(v) for k, v in self.properties.items()}
        if self.kind == "artifact":
            req = {"ArtifactName": self.name[:120], "ArtifactType": self.type,
                   "Source": {"SourceUri": self.source_uri or self.name}}
        elif self.kind == "action":
            req = {"ActionName": self.name[:120], "ActionType": self.type,
                   "Source": {"SourceUri": self.source_uri or self.name}, "Status": "Completed"}
        else:
            req = {"ContextName": self.name[:120], "ContextType": self.type,
                   "Source": {"SourceUri": self.source_uri or self.name}}
        if props:
            req["Properties"] = props
        return req

    @property
    def operation(self) -> str:
        """``CreateArtifact``, ``CreateAction`` or ``CreateContext``."""
        return {"artifact": "CreateArtifact", "action": "CreateAction", "context": "CreateContext"}[self.kind]


def _arn(kind: str, name: str, type_: str, source_uri: str | None) -> str:
    # an entity with a location is identified by it (the same object under two names is one entity)
    key = f"{kind}|{type_}|{source_uri}" if source_uri else f"{kind}|{type_}||{name}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:24]
    return f"{ACCOUNT_PREFIX}:{kind}/{digest}"


class LineageStore:
    """The lineage graph in the MLOps database: record entities and associations, query them, draw them.

    ``LineageStore(path=None)`` opens (or creates) the database. Recording is
    idempotent: the same kind, type, source URI and name give the same ARN,
    and an association between the same two entities is stored once (the
    last type wins). Methods that record return the entity's ARN. Errors:
    an ``AssociationType`` outside :data:`ASSOCIATION_TYPES`, an ARN that is
    not in the store (``KeyError``).
    """

    def __init__(self, path: str | os.PathLike | None = None):
        self.path = path
        self._conn = open_db(path, _SCHEMA)
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the database connection."""
        self._conn.close()

    # -- recording ------------------------------------------------------------
    def _add(self, kind, name, type_, source_uri, properties, rename: bool = False) -> str:
        if not isinstance(name, str) or not name:
            raise ValueError(f"name must be a non-empty string, got {name!r}")
        if not isinstance(type_, str) or not type_:
            raise ValueError(f"the {kind} type must be a non-empty string, got {type_!r}")
        arn = _arn(kind, name, type_, source_uri)
        with self._lock, self._conn:
            self._conn.execute(
                "INSERT INTO lineage_entities VALUES (?,?,?,?,?,?,?) ON CONFLICT(arn) DO "
                + ("UPDATE SET name=excluded.name" if rename else "NOTHING"),
                (arn, kind, name, type_, source_uri, json.dumps(properties or {}, default=str), time.time()))
        return arn

    def artifact(self, name: str, ArtifactType: str, SourceUri: str | None = None, *,
                 produced_by: str | None = None, derived_from: Iterable[str] = (), rename: bool = False,
                 **properties) -> str:
        """Record an artifact (``ArtifactType`` e.g. "DataSet", "Model", "Image"); its ARN.

        An artifact with a ``SourceUri`` is identified by its type and URI:
        recording it again under another name gives the same ARN and keeps
        the first name, unless ``rename`` (then the new name replaces it).
        ``produced_by`` (an action's ARN) adds action -Produced-> artifact;
        ``derived_from`` adds artifact -DerivedFrom-> each given artifact.
        """
        arn = self._add("artifact", name, ArtifactType, SourceUri, properties, rename)
        if produced_by:
            self.associate(produced_by, arn, "Produced")
        for parent in derived_from:
            self.associate(arn, parent, "DerivedFrom")
        return arn

    def action(self, name: str, ActionType: str, SourceUri: str | None = None, *,
               inputs: Iterable[str] = (), context: str | None = None, **properties) -> str:
        """Record an action (``ActionType`` e.g. "Processing", "Training", "Tuning", "Approval", "Deployment").

        Each of ``inputs`` gets input -ContributedTo-> action; ``context`` gets
        action -AssociatedWith-> context.
        """
        arn = self._add("action", name, ActionType, SourceUri, properties)
        for src in inputs:
            self.associate(src, arn, "ContributedTo")
        if context:
            self.associate(arn, context, "AssociatedWith")
        return arn

    def context(self, name: str, ContextType: str, SourceUri: str | None = None, *,
                inputs: Iterable[str] = (), **properties) -> str:
        """Record a context (``ContextType`` e.g. "Endpoint", "Experiment"); each of ``inputs`` -AssociatedWith-> it."""
        arn = self._add("context", name, ContextType, SourceUri, properties)
        for src in inputs:
            self.associate(src, arn, "AssociatedWith")
        return arn

    def associate(self, source_arn: str, dest_arn: str, AssociationType: str) -> None:
        """Join two recorded entities (``AddAssociation``); both must exist."""
        check_one_of("AssociationType", AssociationType, ASSOCIATION_TYPES)
        for name, arn in (("source_arn", source_arn), ("dest_arn", dest_arn)):
            self.get(arn, _param=name)
        if source_arn == dest_arn:
            raise ValueError(f"an entity cannot be associated with itself, got {source_arn!r} twice")
        with self._lock, self._conn:
            self._conn.execute("INSERT OR REPLACE INTO lineage_associations VALUES (?,?,?,?)",
                               (source_arn, dest_arn, AssociationType, time.time()))

    # -- reading --------------------------------------------------------------
    def get(self, arn: str, *, _param: str = "arn") -> LineageEntity:
        """The entity with this ARN (``KeyError`` naming the ARN if it is not recorded)."""
        with self._lock:
            row = self._conn.execute("SELECT * FROM lineage_entities WHERE arn=?", (arn,)).fetchone()
        if row is None:
            raise KeyError(f"{_param} {arn!r} is not a recorded lineage entity")
        return LineageEntity(row[0], row[1], row[2], row[3], row[4], json.loads(row[5]))

    def find(self, name: str | None = None, entity_type: str | None = None) -> list[LineageEntity]:
        """Entities by ``name`` and/or ``type`` (oldest first)."""
        q, args = "SELECT * FROM lineage_entities WHERE 1=1", []
        if name is not None:
            q += " AND name=?"
            args.append(name)
        if entity_type is not None:
            q += " AND type=?"
            args.append(entity_type)
        with self._lock:
            rows = self._conn.execute(q + " ORDER BY created, rowid", args).fetchall()
        return [LineageEntity(r[0], r[1], r[2], r[3], r[4], json.loads(r[5])) for r in rows]

    def entities(self):
        """Every entity as a DataFrame: ``arn``, ``kind``, ``name``, ``type``, ``source_uri``."""
        import pandas as pd

        with self._lock:
            rows = self._conn.execute(
                "SELECT arn, kind, name, type, source_uri FROM lineage_entities ORDER BY created, rowid").fetchall()
        return pd.DataFrame(rows, columns=["arn", "kind", "name", "type", "source_uri"])

    def associations(self):
        """Every association as a DataFrame: ``source_arn``, ``dest_arn``, ``type``."""
        import pandas as pd

        with self._lock:
            rows = self._conn.execute(
                "SELECT source_arn, dest_arn, type FROM lineage_associations ORDER BY created, rowid").fetchall()
        return pd.DataFrame(rows, columns=["source_arn", "dest_arn", "type"])

    def _walk(self, arn: str, direction: str, entity_type, max_depth: int):
        import pandas as pd

        self.get(arn)
        edges = self.associations()
        nxt: dict[str, list[tuple[str, str]]] = {}
        for s, d, t in edges.itertuples(index=False):
            if direction == "upstream":
                # a DerivedFrom edge points from the derived artifact to its parent: the parent is upstream
                a, b = (s, d) if t == "DerivedFrom" else (d, s)
            else:
                a, b = (d, s) if t == "DerivedFrom" else (s, d)
            nxt.setdefault(a, []).append((b, t))
        seen = {arn: 0}
        frontier = [arn]
        rows = []
        while frontier:
            cur = frontier.pop(0)
            if seen[cur] >= max_depth:
                continue
            for other, t in nxt.get(cur, []):
                if other not in seen:
                    seen[other] = seen[cur] + 1
                    frontier.append(other)
                    e = self.get(other)
                    rows.append((e.arn, e.kind, e.name, e.type, e.source_uri, seen[other]))
        df = pd.DataFrame(rows, columns=["arn", "kind", "name", "type", "source_uri", "depth"])
        if entity_type is not None:
            df = df[df["type"] == entity_type].reset_index(drop=True)
        return df

    def upstream(self, arn: str, *, entity_type: str | None = None, max_depth: int = 20):
        """Everything ``arn`` came from (inputs of inputs ...), nearest first, as a DataFrame.

        Columns ``arn``, ``kind``, ``name``, ``type``, ``source_uri``,
        ``depth``; ``entity_type`` keeps only that type (e.g. "DataSet").
        """
        return self._walk(arn, "upstream", entity_type, max_depth)

    def downstream(self, arn: str, *, entity_type: str | None = None, max_depth: int = 20):
        """Everything that came from ``arn`` (e.g. the "Endpoint" contexts using a data set), nearest first."""
        return self._walk(arn, "downstream", entity_type, max_depth)

    # -- drawing --------------------------------------------------------------
    def layout(self, arns: Sequence[str] | None = None) -> dict:
        """``{arn: (x, y)}``: x is the longest path from a source (left to right), y spreads each column."""
        ents = self.entities()
        edges = self.associations()
        if arns is not None:
            keep = set(arns)
            ents = ents[ents["arn"].isin(keep)]
            edges = edges[edges["source_arn"].isin(keep) & edges["dest_arn"].isin(keep)]
        order = list(ents["arn"])
        flow = []
        for s, d, t in edges.itertuples(index=False):
            flow.append((d, s) if t == "DerivedFrom" else (s, d))
        level = {a: 0 for a in order}
        for _ in range(len(order)):
            changed = False
            for s, d in flow:
                if level[d] < level[s] + 1 and level[s] + 1 < len(order) + 1:
                    level[d] = level[s] + 1
                    changed = True
            if not changed:
                break
        pos, count = {}, {}
        for a in order:
            x = level[a]
            pos[a] = (x, -count.get(x, 0))
            count[x] = count.get(x, 0) + 1
        return pos

    def draw(self, ax=None, arns: Sequence[str] | None = None):
        """Draw the graph (or the sub-graph of ``arns``) on a matplotlib Axes; returns the Axes.

        Artifacts are boxes, actions ellipses-like rounded boxes, contexts
        hexagon-like boxes; colour by kind; each edge is labelled with its type.
        """
        import textwrap

        ents = self.entities()
        if arns is not None:
            ents = ents[ents["arn"].isin(set(arns))]
        pos = self.layout(arns)
        if ax is None:
            from matplotlib.figure import Figure

            n_cols = max([p[0] for p in pos.values()] or [0]) + 1
            n_rows = max([-p[1] for p in pos.values()] or [0]) + 1
            fig = Figure(figsize=(max(6.0, 1.9 * n_cols), max(2.5, 0.95 * n_rows)))
            fig.subplots_adjust(left=0.01, right=0.99, top=0.99, bottom=0.01)
            ax = fig.add_subplot()
        colours = {"artifact": "#cfe2f3", "action": "#fce5cd", "context": "#d9ead3"}
        styles = {"artifact": "square,pad=0.3", "action": "round,pad=0.3", "context": "round4,pad=0.3"}
        ax.clear()
        for s, d, t in self.associations().itertuples(index=False):
            if s in pos and d in pos:
                (x0, y0), (x1, y1) = pos[s], pos[d]
                ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                            arrowprops=dict(arrowstyle="->", color="#888", shrinkA=22, shrinkB=22))
                ax.text((x0 + x1) / 2, (y0 + y1) / 2, t, fontsize=5.5, color="#777", ha="center")
        for e in ents.itertuples(index=False):
            x, y = pos[e.arn]
            label = "\n".join(textwrap.wrap(e.name.replace("-", "- "), 18)).replace("- ", "-")
            ax.text(x, y, f"{label}\n({e.type})", ha="center", va="center", fontsize=6.5,
                    bbox=dict(boxstyle=styles[e.kind], fc=colours[e.kind], ec="#555"))
        xs = [p[0] for p in pos.values()] or [0]
        ys = [p[1] for p in pos.values()] or [0]
        ax.set_xlim(min(xs) - 0.55, max(xs) + 0.55)
        ax.set_ylim(min(ys) - 0.6, max(ys) + 0.6)
        ax.set_axis_off()
        return ax

    def __repr__(self) -> str:
        return f"LineageStore(path={self.path!r})"
