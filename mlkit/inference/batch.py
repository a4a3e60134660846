"""Batch transform: score every file under an ``s3://`` prefix of the local bucket.

:func:`run_transform` does what a SageMaker ``CreateTransformJob`` does, on
the laptop:

1. lists the objects under the input prefix (``S3DataType`` ``S3Prefix``);
2. splits each file into records by ``SplitType`` -- ``"Line"`` (one record
   per line), ``"RecordIO"`` (MXNet RecordIO framing) or ``"None"`` (the whole
   file is one record);
3. groups records into requests by ``BatchStrategy`` -- ``"SingleRecord"``
   (one per request) or ``"MultiRecord"`` (as many as fit in
   ``MaxPayloadInMB``);
4. sends the requests to the model through joblib workers -- threads by
   default; ``with joblib.parallel_config(backend="dask"):`` (or ``"ray"``,
   ``"loky"``) hands the same job to a cluster;
5. writes one ``<input-name>.out`` per input file under the output prefix,
   records in input order, responses joined by lines (``AssembleWith`` Line).

A single record larger than MaxPayloadInMB stops the job with
:class:`RecordTooLargeError` naming the file and record; files already
written stay written (each output is written atomically, so an interrupted
job leaves only complete files)::

    >>> import tempfile, numpy as np
    >>> from sklearn.dummy import DummyRegressor
    >>> from mlkit.storage import LocalBucketStore
    >>> from mlkit.inference.config import BatchTransformConfig
    >>> store = LocalBucketStore(tempfile.mkdtemp())
    >>> _ = store.put("s3://data/in/part-0.csv", "1,2\\n3,4\\n")
    >>> model = DummyRegressor().fit([[0, 0]], [5.0])
    >>> s = run_transform(model, "s3://data/in/", "s3://data/out/", BatchTransformConfig(), store=store,
    ...                   progress=False)
    >>> s.records, s.files, store.get("s3://data/out/part-0.csv.out")
    (2, 1, b'5.0\\n5.0\\n')
"""

from __future__ import annotations

import struct
import time
from dataclasses import dataclass, field
from typing import Any, Iterator

__all__ = ["TransformError", "RecordTooLargeError", "TransformSummary", "run_transform", "split_records",
           "read_recordio", "write_recordio"]

_RECORDIO_MAGIC = 0xCED7230A


class TransformError(RuntimeError):
    """A batch transform request that failed; names the input file and the request."""


class RecordTooLargeError(ValueError):
    """One record is bigger than MaxPayloadInMB; names the file, the record and both sizes."""

    def __init__(self, uri: str, record: int, size: int, limit: int):
        self.uri, self.record, self.size, self.limit = uri, record, size, limit
        super().__init__(
            f"record {record} of {uri} is {size} bytes, larger than MaxPayloadInMB ({limit} bytes); "
            "raise MaxPayloadInMB (at most 100) or split the input into smaller records"
        )


@dataclass
class TransformSummary:
    """What a batch transform did: ``files``, ``records``, ``requests``, ``seconds`` and the ``outputs`` URIs."""

    files: int
    records: int
    requests: int
    seconds: float
    input_bytes: int
    outputs: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"files": self.files, "records": self.records, "requests": self.requests,
                "seconds": self.seconds, "input_bytes": self.input_bytes, "outputs": list(self.outputs)}

    def __str__(self) -> str:
        return (f"Transformed {self.records} records from {self.files} files in {self.requests} requests "
                f"in {self.seconds:.2f} s")


# -- RecordIO ----------------------------------------------------------------------
def write_recordio(records) -> bytes:
    """Frame byte records as MXNet RecordIO (magic, length, data padded to 4 bytes)."""
    out = bytearray()
    for r in records:
        r = bytes(r)
        if len(r) >= 1 << 29:
            raise ValueError(f"a RecordIO record holds less than 2**29 bytes, got {len(r)}")
        out += struct.pack("<II", _RECORDIO_MAGIC, len(r)) + r + b"\x00" * (-len(r) % 4)
    return bytes(out)


def read_recordio(data: bytes, source: str = "input") -> list[bytes]:
    """The records of a RecordIO byte string (multi-part records joined); ``ValueError`` naming ``source``."""
    records, pos, parts = [], 0, []
    n = len(data)
    while pos < n:
        if pos + 8 > n:
            raise ValueError(f"{source}: truncated RecordIO header at byte {pos}")
        magic, lrec = struct.unpack_from("<II", data, pos)
        if magic != _RECORDIO_MAGIC:
            raise ValueError(f"{source}: not RecordIO (bad magic number at byte {pos})")
        cflag, length = lrec >> 29, lrec & ((1 << 29) - 1)
        start = pos + 8
        if start + length > n:
            raise ValueError(f"{source}: truncated RecordIO record at byte {pos}")
        parts.append(data[start:start + length])
        pos = start + length + (-length % 4)
        if cflag in (0, 3):  # whole record, or the last part of a split one
            records.append(b"".join(parts))
            parts = []
    if parts:
        raise ValueError(f"{source}: RecordIO ends inside a multi-part record")
    return records


# -- splitting and batching ----------------------------------------------------------
def split_records(store, uri: str, split_type: str) -> Iterator[bytes]:
    """Yield the records of one object: lines (``"Line"``), RecordIO records, or the whole file (``"None"``)."""
    if split_type == "Line":
        with store.open(uri, "rb") as f:
            for line in f:
                line = line.rstrip(b"\r\n")
                if line.strip():
                    yield line
    elif split_type == "RecordIO":
        yield from read_recordio(store.get(uri), uri)
    elif split_type == "None":
        yield store.get(uri)
    else:
        raise ValueError(f"SplitType must be one of 'Line', 'RecordIO', 'None' for a local transform; got {split_type!r}")


def _batches(records: Iterator[bytes], uri: str, strategy: str, limit: int):
    """Yield lists of (record index, record) within ``limit`` bytes (joined by newlines)."""
    batch, size = [], 0
    for i, rec in enumerate(records, start=1):
        if len(rec) > limit:
            if batch:
                yield batch
            raise RecordTooLargeError(uri, i, len(rec), limit)
        if strategy == "SingleRecord":
            yield [rec]
            continue
        extra = len(rec) + (1 if batch else 0)
        if batch and size + extra > limit:
            yield batch
            batch, size = [], 0
            extra = len(rec)
        batch.append(rec)
        size += extra
    if batch:
        yield batch


def _combine(records: list[bytes], content_type: str) -> bytes:
    """One request payload from records: CSV lines joined, JSON records as ``instances``, npy stacked."""
    if len(records) == 1:
        return records[0]
    from mlkit.inference.model import normalize_media_type

    ctype = normalize_media_type(content_type)
    if ctype == "application/json":
        import json

        rows = []
        for r in records:
            obj = json.loads(r)
            if isinstance(obj, dict) and "instances" in obj:
                rows.extend(obj["instances"])
            elif isinstance(obj, list) and obj and isinstance(obj[0], list):
                rows.extend(obj)
            else:
                rows.append(obj)
        return json.dumps({"instances": rows}).encode()
    if ctype == "application/x-npy":
        import io

        import numpy as np

        arrays = [np.atleast_2d(np.load(io.BytesIO(r), allow_pickle=False)) for r in records]
        buf = io.BytesIO()
        np.save(buf, np.vstack(arrays), allow_pickle=False)
        return buf.getvalue()
    return b"\n".join(records) + b"\n"


# -- the target ------------------------------------------------------------------------
class _Target:
    """What answers the requests: a model (in process), a LocalEndpoint, or a server URL (/invocations)."""

    def __init__(self, model_or_endpoint: Any, store):
        from mlkit.inference.model import ServingModel

        self.kind = "model"
        self.url = None
        self.endpoint = None
        self.serving = None
        if isinstance(model_or_endpoint, str) and model_or_endpoint.startswith(("http://", "https://")):
            self.kind, self.url = "url", model_or_endpoint.rstrip("/")
        elif hasattr(model_or_endpoint, "variants") and hasattr(model_or_endpoint, "_run"):
            self.kind, self.endpoint = "endpoint", model_or_endpoint.load()
        else:
            self.serving = ServingModel.from_source(model_or_endpoint, store=store)

    def __call__(self, payload: bytes, content_type: str, accept: str) -> bytes:
        if self.kind == "model":
            from mlkit.inference.model import decode_payload, encode_predictions

            X = decode_payload(payload, content_type)
            body, _ = encode_predictions(self.serving.predict(X), accept)
            return body
        if self.kind == "endpoint":
            from mlkit.inference.server import Invocation

            inv = Invocation(self.endpoint.name, payload, content_type, accept)
            self.endpoint._run(inv)  # the container path: no 6 MB real-time cap
            return inv.response_body
        import urllib.error
        import urllib.request

        req = urllib.request.Request(self.url + "/invocations", data=payload, method="POST",
                                     headers={"Content-Type": content_type, "Accept": accept})
        try:
            with urllib.request.urlopen(req, timeout=600) as resp:
                return resp.read()
        except urllib.error.HTTPError as exc:
            raise RuntimeError(f"{self.url}/invocations answered {exc.code}: {exc.read()[:500]!r}") from None


def _run_request(target, records, content_type, accept, uri, first_record):
    try:
        body = target(_combine(records, content_type), content_type, accept)
    except Exception as exc:
        last = first_record + len(records) - 1
        raise TransformError(f"the request with records {first_record}-{last} of {uri} failed: "
                             f"{type(exc).__name__}: {exc}") from exc
    return body, len(records)


def run_transform(model_or_endpoint: Any, input_uri_prefix: str | None = None, output_uri_prefix: str | None = None,
                  config=None, *, content_type: str | None = None, accept: str | None = None, store=None,
                  n_jobs: int | None = None, progress: bool = True) -> TransformSummary:
    """Run a batch transform over the local bucket and return a :class:`TransformSummary`.

    ``model_or_endpoint``: a fitted model, an artifact path/URI, a
    :class:`~mlkit.inference.server.LocalEndpoint`, or the URL of a running
    endpoint (its ``/invocations``). ``config`` is a
    :class:`~mlkit.inference.config.BatchTransformConfig` (its ``S3Uri`` and
    ``S3OutputPath`` are used when the prefixes are None; ``ContentType`` and
    ``Accept`` when ``content_type``/``accept`` are None). ``n_jobs`` defaults
    to MaxConcurrentTransforms. Raises ``FileNotFoundError`` if the prefix
    holds no object, :class:`RecordTooLargeError` for a record over
    MaxPayloadInMB, :class:`TransformError` if a request fails; outputs of
    the files finished before stay in the bucket.
    """
    import joblib

    from mlkit._checks import check_int
    from mlkit.inference.config import BatchTransformConfig
    from mlkit.inference.model import normalize_media_type
    from mlkit.storage import LocalBucketStore

    config = config if config is not None else BatchTransformConfig()
    if not isinstance(config, BatchTransformConfig):
        raise TypeError(f"config must be a BatchTransformConfig, got {type(config).__name__}")
    store = store if store is not None else LocalBucketStore()
    in_prefix = input_uri_prefix or config.S3Uri
    out_prefix = (output_uri_prefix or config.S3OutputPath).rstrip("/")
    ctype = content_type or config.ContentType
    accept = accept or config.Accept or (normalize_media_type(ctype) if normalize_media_type(ctype) in
                                         ("text/csv", "application/json", "application/x-npy") else "text/csv")
    n_jobs = check_int("n_jobs", n_jobs if n_jobs is not None else config.concurrent_transforms, low=1)
    split = config.split_type
    if split not in ("Line", "RecordIO", "None"):
        raise ValueError(f"SplitType must be one of 'Line', 'RecordIO', 'None' for a local transform; got {split!r}")
    limit = config.max_payload_bytes
    line_assembly = config.AssembleWith == "Line"

    inputs = store.list(in_prefix)
    if not inputs:
        raise FileNotFoundError(f"no input objects under {in_prefix} (local bucket root {store.root_path})")
    # Output keys are the input keys relative to the prefix's folder (a prefix naming a folder counts as one).
    if in_prefix.endswith("/") or all(u.startswith(in_prefix + "/") for u in inputs):
        base = in_prefix.rstrip("/") + "/"
    else:
        base = in_prefix.rsplit("/", 1)[0] + "/"
    target = _Target(model_or_endpoint, store)
    total_bytes = sum(store.size(u) for u in inputs)

    from tqdm.auto import tqdm

    bar = tqdm(total=total_bytes, unit="B", unit_scale=True, desc="batch transform", disable=not progress)
    t0 = time.perf_counter()
    summary = TransformSummary(files=0, records=0, requests=0, seconds=0.0, input_bytes=0)
    try:
        with joblib.Parallel(n_jobs=n_jobs, prefer="threads", return_as="generator") as parallel:
            for uri in inputs:
                rel = uri[len(base):] if uri.startswith(base) else uri.rsplit("/", 1)[-1]
                out_uri = f"{out_prefix}/{rel}.out"
                size = store.size(uri)

                def tasks(uri=uri):
                    first = 1
                    for batch in _batches(split_records(store, uri, split), uri, config.BatchStrategy, limit):
                        yield joblib.delayed(_run_request)(target, batch, ctype, accept, uri, first)
                        first += len(batch)

                with store.open(out_uri, "wb") as out:
                    for body, n in parallel(tasks()):
                        out.write(body)
                        if line_assembly and body and not body.endswith(b"\n"):
                            out.write(b"\n")
                        summary.records += n
                        summary.requests += 1
                bar.update(size)
                summary.files += 1
                summary.input_bytes += size
                summary.outputs.append(out_uri)
    finally:
        bar.close()
        summary.seconds = time.perf_counter() - t0
    if progress:
        print(f"{summary} -> {out_prefix}/")
    return summary
