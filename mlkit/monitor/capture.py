"""Data capture: what an endpoint saw and answered, as SageMaker writes it.

:class:`DataCaptureConfig` mirrors ``CreateEndpointConfig``'s ``DataCaptureConfig``;
:class:`DataCapture` is the hook that plugs it into the one local endpoint
(:class:`mlkit.inference.server.LocalEndpoint`, through ``hooks``). Every
sampled request becomes one JSON line in SageMaker's capture format::

    {"captureData": {"endpointInput":  {"observedContentType": "text/csv", "mode": "INPUT",
                                        "data": "1,2", "encoding": "CSV"},
                     "endpointOutput": {"observedContentType": "text/csv", "mode": "OUTPUT",
                                        "data": "0.7", "encoding": "CSV"}},
     "eventMetadata": {"eventId": "...", "inferenceId": "...", "inferenceTime": "2026-01-05T10:00:00Z"},
     "eventVersion": "0"}

under ``{DestinationS3Uri}/{EndpointName}/{VariantName}/yyyy/mm/dd/hh/`` in the
local bucket, as SageMaker lays it out. Writing is safe under concurrency:
each hook object in each process appends to its own file per hour
(``{mm}-{ss}-{pid}-{token}.jsonl``), under a lock, with one ``O_APPEND``
``write`` per whole line, so N captured requests give N whole lines.

:func:`read_captures` reads a time window back into a DataFrame, keeping
every good line and reporting each bad one with its file and line number.

    >>> import tempfile
    >>> from mlkit.storage import LocalBucketStore
    >>> store = LocalBucketStore(tempfile.mkdtemp())
    >>> cfg = DataCaptureConfig(DestinationS3Uri="s3://bucket/capture")
    >>> cap = DataCapture(cfg, store=store, seed=0)
    >>> rec = cap.record("demo", "AllTraffic", b"1,2", "text/csv", b"0.5", "text/csv",
    ...                  inference_id="id-1", when="2026-01-05T10:00:00Z")
    >>> read_captures(store, "s3://bucket/capture/demo/AllTraffic").frame.inference_id.tolist()
    ['id-1']
"""

from __future__ import annotations

import base64
import datetime as _dt
import json
import os
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from mlkit._checks import check_float, check_one_of, make_rng
from mlkit.aws import AwsRequest
from mlkit.report import Report

__all__ = [
    "DataCaptureConfig",
    "DataCapture",
    "CaptureWindow",
    "BadLine",
    "read_captures",
    "capture_prefix",
    "parse_time",
    "format_time",
]

CAPTURE_MODES = ("Input", "Output")
DEFAULT_CSV_TYPES = ("text/csv",)
DEFAULT_JSON_TYPES = ("application/json",)


def parse_time(value) -> _dt.datetime:
    """A timezone-aware UTC datetime from an ISO string (``...Z`` allowed), a datetime or a pandas Timestamp."""
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        try:
            value = _dt.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"time must be an ISO 8601 date-time such as '2026-01-05T10:00:00Z', got {value!r}") \
                from None
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if not isinstance(value, _dt.datetime):
        raise TypeError(f"time must be an ISO string or a datetime, got {value!r} ({type(value).__name__})")
    if value.tzinfo is None:
        value = value.replace(tzinfo=_dt.timezone.utc)
    return value.astimezone(_dt.timezone.utc)


def format_time(value) -> str:
    """``2026-01-05T10:00:00Z`` (SageMaker's ``inferenceTime`` form; milliseconds kept when present)."""
    t = parse_time(value)
    if t.microsecond:
        return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def capture_prefix(destination: str, endpoint: str, variant: str, when=None) -> str:
    """``{destination}/{endpoint}/{variant}/`` or, with ``when``, down to ``yyyy/mm/dd/hh/``."""
    base = f"{destination.rstrip('/')}/{endpoint}/{variant}/"
    if when is None:
        return base
    t = parse_time(when)
    return base + t.strftime("%Y/%m/%d/%H/")


@dataclass(frozen=True)
class DataCaptureConfig(AwsRequest):
    """``CreateEndpointConfig``'s ``DataCaptureConfig``: what to capture, how much, where.

    ``InitialSamplingPercentage`` (0-100) of requests are captured;
    ``CaptureOptions`` lists ``{"CaptureMode": "Input"}`` and/or
    ``{"CaptureMode": "Output"}``; ``DestinationS3Uri`` is an ``s3://`` prefix
    (in the local bucket here); ``CaptureContentTypeHeader``
    (``{"CsvContentTypes": [...], "JsonContentTypes": [...]}``) says which
    content types are stored as text (``encoding`` CSV or JSON) -- any other
    type is stored base64-encoded (``BASE64``); by default ``text/csv`` and
    ``application/json``. ``to_request()`` is a whole ``CreateEndpointConfig``
    request carrying it (``EndpointConfigName``, ``ModelName`` and
    ``VariantName`` name the rest).

    Errors: sampling outside [0, 100], an unknown or repeated ``CaptureMode``,
    no capture option, a destination that is not an ``s3://`` URI, a header
    with other keys or more than 10 types per list.

        >>> cfg = DataCaptureConfig(InitialSamplingPercentage=20, DestinationS3Uri="s3://bkt/capture")
        >>> cfg.to_request()["DataCaptureConfig"]["InitialSamplingPercentage"]
        20
    """

    DestinationS3Uri: str = "s3://mlkit-monitor/datacapture"
    InitialSamplingPercentage: int = 100
    CaptureOptions: Sequence[dict] = ({"CaptureMode": "Input"}, {"CaptureMode": "Output"})
    EnableCapture: bool = True
    CaptureContentTypeHeader: dict | None = None
    EndpointConfigName: str = "mlkit-monitored-config"
    ModelName: str = "mlkit-model"
    VariantName: str = "AllTraffic"
    InstanceType: str = "ml.m5.large"

    aws_operation = "CreateEndpointConfig"

    def __post_init__(self):
        from mlkit.storage import parse_s3_uri

        from mlkit._checks import check_int

        check_int("InitialSamplingPercentage", self.InitialSamplingPercentage, low=0, high=100)
        parse_s3_uri(self.DestinationS3Uri, allow_prefix=True)
        if not isinstance(self.EnableCapture, bool):
            raise TypeError(f"EnableCapture must be True or False, got {self.EnableCapture!r}")
        modes = []
        for opt in self.CaptureOptions:
            if not isinstance(opt, dict) or set(opt) != {"CaptureMode"}:
                raise ValueError(f"CaptureOptions must be dicts like {{'CaptureMode': 'Input'}}, got {opt!r}")
            modes.append(check_one_of("CaptureMode", opt["CaptureMode"], CAPTURE_MODES))
        if not modes or len(set(modes)) != len(modes):
            raise ValueError(f"CaptureOptions must name 'Input' and/or 'Output' once each, got {list(self.CaptureOptions)}")
        if self.CaptureContentTypeHeader is not None:
            h = self.CaptureContentTypeHeader
            if not isinstance(h, dict) or not set(h) <= {"CsvContentTypes", "JsonContentTypes"}:
                raise ValueError("CaptureContentTypeHeader must be a dict with CsvContentTypes and/or "
                                 f"JsonContentTypes lists, got {h!r}")
            for key, types in h.items():
                if not isinstance(types, (list, tuple)) or not 1 <= len(types) <= 10:
                    raise ValueError(f"CaptureContentTypeHeader[{key!r}] must list 1-10 content types, got {types!r}")

    @property
    def modes(self) -> set:
        return {o["CaptureMode"] for o in self.CaptureOptions}

    def encoding_for(self, content_type: str | None) -> str:
        """``"CSV"``, ``"JSON"`` or ``"BASE64"``: how a payload of this type is stored."""
        base = (content_type or "").split(";")[0].strip().lower()
        h = self.CaptureContentTypeHeader
        csv_types = tuple(h.get("CsvContentTypes", ())) if h else DEFAULT_CSV_TYPES
        json_types = tuple(h.get("JsonContentTypes", ())) if h else DEFAULT_JSON_TYPES
        if base in {t.lower() for t in csv_types}:
            return "CSV"
        if base in {t.lower() for t in json_types}:
            return "JSON"
        return "BASE64"

    def to_dict(self) -> dict:
        """The ``DataCaptureConfig`` member itself."""
        d = {
            "EnableCapture": self.EnableCapture,
            "InitialSamplingPercentage": int(self.InitialSamplingPercentage),
            "DestinationS3Uri": self.DestinationS3Uri,
            "CaptureOptions": [dict(o) for o in self.CaptureOptions],
        }
        if self.CaptureContentTypeHeader:
            d["CaptureContentTypeHeader"] = {k: list(v) for k, v in self.CaptureContentTypeHeader.items()}
        return d

    def to_request(self) -> dict:
        return {
            "EndpointConfigName": self.EndpointConfigName,
            "ProductionVariants": [{"VariantName": self.VariantName, "ModelName": self.ModelName,
                                    "InitialInstanceCount": 1, "InstanceType": self.InstanceType,
                                    "InitialVariantWeight": 1.0}],
            "DataCaptureConfig": self.to_dict(),
        }


def _payload(data: bytes | str | None, encoding: str) -> str:
    if data is None:
        return ""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if encoding == "BASE64":
        return base64.b64encode(data).decode("ascii")
    return data.decode("utf-8", errors="replace")


class DataCapture:
    """The capture hook: ``LocalEndpoint(..., hooks=[DataCapture(config)])`` records sampled requests.

    Called with each finished :class:`~mlkit.inference.server.Invocation`
    (errors are not captured, as SageMaker captures answered requests), it
    draws the sampling decision from one Generator made from ``seed``, and
    appends one whole JSON line (:meth:`record`). ``clock`` returns the
    current time (default: the wall clock, UTC); a simulation passes its own.
    ``store`` is the :class:`~mlkit.storage.LocalBucketStore` (default root if
    None). State: ``captured`` and ``skipped`` counters; ``files`` the
    objects written. Thread-safe; one file per hour per process per hook.

        >>> import tempfile
        >>> from sklearn.dummy import DummyRegressor
        >>> from mlkit.inference.server import LocalEndpoint, ProductionVariant
        >>> from mlkit.storage import LocalBucketStore
        >>> store = LocalBucketStore(tempfile.mkdtemp())
        >>> cap = DataCapture(DataCaptureConfig(DestinationS3Uri="s3://bkt/c"), store=store)
        >>> ep = LocalEndpoint("demo", [ProductionVariant("AllTraffic", DummyRegressor().fit([[0]], [1.0]))],
        ...                    hooks=[cap])
        >>> _ = ep.invoke(b"3\\n", "text/csv", InferenceId="r1")
        >>> cap.captured
        1
    """

    def __init__(self, config: DataCaptureConfig, *, store=None, seed=None,
                 clock: Callable[[], Any] | None = None):
        if not isinstance(config, DataCaptureConfig):
            raise TypeError(f"config must be a DataCaptureConfig, got {type(config).__name__}")
        self.config = config
        self.store = store
        self.seed = seed
        self.clock = clock
        self._rng = make_rng(seed)
        self._lock = threading.Lock()
        self._token = uuid.uuid4().hex[:8]
        self._files: dict[str, str] = {}  # hour prefix -> object URI
        self.captured = 0
        self.skipped = 0

    def _store(self):
        if self.store is None:
            from mlkit.storage import LocalBucketStore

            self.store = LocalBucketStore()
        return self.store

    @property
    def files(self) -> list[str]:
        """The capture objects this hook wrote to, sorted."""
        return sorted(self._files.values())

    def __call__(self, inv) -> None:
        if not self.config.EnableCapture or inv.error is not None:
            return
        with self._lock:
            take = self._rng.random() * 100.0 < self.config.InitialSamplingPercentage
        if not take:
            with self._lock:
                self.skipped += 1
            return
        self.record(inv.EndpointName, inv.variant or "AllTraffic", inv.Body, inv.ContentType,
                    inv.response_body, inv.response_content_type, inference_id=inv.InferenceId)

    def make_record(self, endpoint: str, variant: str, body, content_type, response_body=None,
                    response_content_type=None, *, inference_id: str | None = None, when=None) -> dict:
        """The capture record (a dict in SageMaker's format) for one request; nothing is written."""
        cfg = self.config
        capture: dict[str, Any] = {}
        if "Input" in cfg.modes:
            enc = cfg.encoding_for(content_type)
            capture["endpointInput"] = {"observedContentType": content_type or "", "mode": "INPUT",
                                        "data": _payload(body, enc), "encoding": enc}
        if "Output" in cfg.modes and response_body is not None:
            enc = cfg.encoding_for(response_content_type)
            capture["endpointOutput"] = {"observedContentType": response_content_type or "", "mode": "OUTPUT",
                                         "data": _payload(response_body, enc), "encoding": enc}
        meta = {"eventId": str(uuid.uuid4())}
        if inference_id:
            meta["inferenceId"] = inference_id
        meta["inferenceTime"] = format_time(when if when is not None else self._now())
        return {"captureData": capture, "eventMetadata": meta, "eventVersion": "0"}

    def _now(self):
        if self.clock is not None:
            return self.clock()
        return _dt.datetime.now(_dt.timezone.utc)

    def record(self, endpoint: str, variant: str, body, content_type, response_body=None,
               response_content_type=None, *, inference_id: str | None = None, when=None) -> dict:
        """Append one request's record (sampling aside) and return it; ``when`` defaults to the clock."""
        rec = self.make_record(endpoint, variant, body, content_type, response_body, response_content_type,
                               inference_id=inference_id, when=when)
        t = parse_time(rec["eventMetadata"]["inferenceTime"])
        line = (json.dumps(rec, separators=(",", ":")) + "\n").encode("utf-8")
        self._append(capture_prefix(self.config.DestinationS3Uri, endpoint, variant, t), line, t)
        return rec

    def write_many(self, endpoint: str, variant: str, records: Sequence[dict]) -> int:
        """Append prepared records (from :meth:`make_record`), one line each; returns how many."""
        by_hour: dict[str, list] = {}
        for rec in records:
            t = parse_time(rec["eventMetadata"]["inferenceTime"])
            prefix = capture_prefix(self.config.DestinationS3Uri, endpoint, variant, t)
            by_hour.setdefault(prefix, [t, []])[1].append(json.dumps(rec, separators=(",", ":")) + "\n")
        for prefix, (t, lines) in by_hour.items():
            self._append(prefix, "".join(lines).encode("utf-8"), t, n=len(lines))
        return len(records)

    def _append(self, hour_prefix: str, data: bytes, t: _dt.datetime, n: int = 1) -> None:
        store = self._store()
        with self._lock:
            uri = self._files.get(hour_prefix)
            if uri is None:
                name = f"{t:%M-%S}-{os.getpid()}-{self._token}.jsonl"
                uri = hour_prefix + name
                self._files[hour_prefix] = uri
            path = store.local_path(uri)
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                view = memoryview(data)
                while view:  # one write() for a line in practice; loop only on a short write
                    written = os.write(fd, view)
                    view = view[written:]
            finally:
                os.close(fd)
            self.captured += n

    def __repr__(self) -> str:
        return (f"DataCapture({self.config.DestinationS3Uri!r}, {self.config.InitialSamplingPercentage}%, "
                f"captured={self.captured})")


# -- reading captures back -----------------------------------------------------
@dataclass(frozen=True)
class BadLine:
    """One capture line that could not be read: ``uri``, 1-based ``line`` number and ``reason``."""

    uri: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.uri} line {self.line}: {self.reason}"


@dataclass
class CaptureWindow(Report):
    """Captured requests of a time window: ``frame`` (one row per record) and ``bad_lines``.

    ``frame`` columns: ``inference_time`` (UTC Timestamp), ``event_id``,
    ``inference_id`` (None when not given), ``input`` / ``output`` (the
    decoded payload text), ``input_content_type``, ``output_content_type``,
    ``uri`` and ``line``. :meth:`inputs` / :meth:`outputs` parse the CSV
    payloads into a feature frame (one row per CSV row).
    """

    frame: Any
    bad_lines: list = field(default_factory=list)
    start: str | None = None
    end: str | None = None
    files: list = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return len(self.frame) == 0

    def inputs(self, columns: Sequence[str] | None = None):
        """The captured CSV inputs as a DataFrame (column names from ``columns``, extras ``_c{i}``).

        Each record's payload may hold several CSV rows; the frame has an
        ``inference_id`` column repeating the record's id for each of them.
        """
        return _csv_frame(self.frame, "input", columns)

    def outputs(self, name: str = "prediction"):
        """The captured outputs, one value per row, as a DataFrame with ``inference_id`` and ``name``."""
        return _csv_frame(self.frame, "output", [name])

    def summary(self) -> str:
        text = f"{len(self.frame)} records from {len(self.files)} files"
        if self.bad_lines:
            text += f"; {len(self.bad_lines)} bad lines skipped: " + "; ".join(str(b) for b in self.bad_lines[:5])
        return text

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "records": int(len(self.frame)),
                "files": list(self.files), "bad_lines": [str(b) for b in self.bad_lines]}


def _csv_frame(frame, column: str, names):
    import io

    import pandas as pd

    rows, ids = [], []
    for payload, iid in zip(frame[column].tolist(), frame["inference_id"].tolist()):
        if payload is None:
            continue
        for line in str(payload).splitlines():
            if line.strip():
                rows.append(line)
                ids.append(iid)
    if not rows:
        cols = list(names or [])
        out = pd.DataFrame({c: pd.Series(dtype=float) for c in cols})
        out.insert(0, "inference_id", pd.Series(dtype=object))
        return out
    text = "\n".join(rows)
    parsed = pd.read_csv(io.StringIO(text), header=None, skipinitialspace=True)
    names = list(names or [])
    parsed.columns = [names[i] if i < len(names) else f"_c{i}" for i in range(parsed.shape[1])]
    parsed.insert(0, "inference_id", ids)
    return parsed


def _decode(part: dict) -> str:
    enc = part.get("encoding", "CSV")
    data = part.get("data", "")
    if enc == "BASE64":
        return base64.b64decode(data).decode("utf-8", errors="replace")
    if not isinstance(data, str):
        raise ValueError(f"data must be a string, got {type(data).__name__}")
    return data


def read_captures(store, prefix_uri: str, *, start=None, end=None) -> CaptureWindow:
    """Read capture lines under ``prefix_uri`` whose ``inferenceTime`` is in [``start``, ``end``).

    In: a :class:`~mlkit.storage.LocalBucketStore` (or None for the default)
    and an ``s3://`` prefix (usually ``{destination}/{endpoint}/{variant}``);
    ``start``/``end`` ISO strings or datetimes (None: unbounded). Only the
    hour folders that can hold the window are read. Out: a
    :class:`CaptureWindow`. A line that is not JSON, or lacks
    ``captureData``/``eventMetadata.inferenceTime``, is skipped and listed in
    ``bad_lines`` with its file and line number; every good line is kept.
    Nothing is changed. An empty window is a window with no rows (its
    ``summary()`` says so), not an error.
    """
    import pandas as pd

    from mlkit.storage import LocalBucketStore

    store = store if store is not None else LocalBucketStore()
    t0 = parse_time(start) if start is not None else None
    t1 = parse_time(end) if end is not None else None
    if t0 is not None and t1 is not None and t1 <= t0:
        raise ValueError(f"end must be after start, got start={format_time(t0)} end={format_time(t1)}")
    prefix = prefix_uri.rstrip("/") + "/"
    files = []
    for uri in store.list(prefix):
        if not uri.endswith(".jsonl"):
            continue
        rest = uri[len(prefix):].split("/")
        if len(rest) >= 5 and (t0 is not None or t1 is not None):
            try:
                hour = _dt.datetime(int(rest[0]), int(rest[1]), int(rest[2]), int(rest[3]),
                                    tzinfo=_dt.timezone.utc)
            except ValueError:
                hour = None
            if hour is not None:
                if t1 is not None and hour >= t1:
                    continue
                if t0 is not None and hour + _dt.timedelta(hours=1) <= t0:
                    continue
        files.append(uri)
    records, bad = [], []
    for uri in files:
        with store.open(uri, "rb") as f:
            for number, raw in enumerate(f, start=1):
                if not raw.strip():
                    continue
                try:
                    rec = json.loads(raw)
                    meta = rec["eventMetadata"]
                    t = parse_time(meta["inferenceTime"])
                    cap = rec["captureData"]
                    inp = _decode(cap["endpointInput"]) if "endpointInput" in cap else None
                    out = _decode(cap["endpointOutput"]) if "endpointOutput" in cap else None
                except json.JSONDecodeError as exc:
                    bad.append(BadLine(uri, number, f"not JSON ({exc.msg} at column {exc.colno})"))
                    continue
                except (KeyError, TypeError) as exc:
                    bad.append(BadLine(uri, number, f"missing field {exc} of SageMaker's capture format"))
                    continue
                except ValueError as exc:
                    bad.append(BadLine(uri, number, str(exc)))
                    continue
                if (t0 is not None and t < t0) or (t1 is not None and t >= t1):
                    continue
                records.append({
                    "inference_time": pd.Timestamp(t),
                    "event_id": meta.get("eventId"),
                    "inference_id": meta.get("inferenceId"),
                    "input": inp,
                    "output": out,
                    "input_content_type": cap.get("endpointInput", {}).get("observedContentType"),
                    "output_content_type": cap.get("endpointOutput", {}).get("observedContentType"),
                    "uri": uri,
                    "line": number,
                })
    columns = ["inference_time", "event_id", "inference_id", "input", "output", "input_content_type",
               "output_content_type", "uri", "line"]
    frame = pd.DataFrame(records, columns=columns)
    if len(frame):
        frame = frame.sort_values(["inference_time", "uri", "line"], kind="stable").reset_index(drop=True)
    return CaptureWindow(frame, bad, None if t0 is None else format_time(t0),
                         None if t1 is None else format_time(t1), files)
