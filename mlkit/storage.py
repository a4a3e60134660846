"""A local bucket: ``s3://bucket/key`` URIs mapped onto a folder.

Batch transform, asynchronous inference, data capture, training channels,
model artifacts and pipelines all read and write "S3" through one
:class:`LocalBucketStore`, so a learner uses the same URIs as on AWS while
everything stays on the laptop::

    >>> import tempfile
    >>> store = LocalBucketStore(tempfile.mkdtemp())
    >>> store.put("s3://my-bucket/data/train.csv", "1,2,3\\n")
    's3://my-bucket/data/train.csv'
    >>> store.get("s3://my-bucket/data/train.csv")
    b'1,2,3\\n'
    >>> store.list("s3://my-bucket/data/")
    ['s3://my-bucket/data/train.csv']

URIs are parsed strictly (scheme ``s3``, a valid bucket name, a key without
empty, ``.`` or ``..`` segments), and every write is atomic: the bytes go to a
temporary file first and are renamed into place, so a reader never sees half
an object and an interrupted write leaves nothing behind.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Union

__all__ = ["S3Uri", "parse_s3_uri", "LocalBucketStore", "default_store_root"]

# Bucket naming rules (Amazon S3 User Guide, "General purpose bucket naming
# rules"): 3-63 characters; lowercase letters, digits, dots and hyphens;
# begin and end with a letter or digit; no two adjacent periods; not an IP
# address; not starting with "xn--" / "sthree-" and not ending in "-s3alias"
# or "--ol-s3".
_BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_IP_RE = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
_MAX_KEY_BYTES = 1024  # S3 object keys are at most 1,024 bytes of UTF-8.
_TMP_DIR = ".mlkit-tmp"  # not a valid bucket name, so never listed as one

Data = Union[bytes, bytearray, memoryview, str, os.PathLike]


@dataclass(frozen=True)
class S3Uri:
    """A parsed ``s3://bucket/key`` URI (``key`` may be ``""`` for a bucket or prefix)."""

    bucket: str
    key: str

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


def _bucket_problem(bucket: str) -> str | None:
    if not _BUCKET_RE.match(bucket):
        return ("bucket names are 3-63 characters of lowercase letters, digits, '.' and '-', "
                "beginning and ending with a letter or digit")
    if ".." in bucket:
        return "bucket names may not contain two adjacent periods"
    if _IP_RE.match(bucket):
        return "bucket names may not be formatted as an IP address"
    if bucket.startswith(("xn--", "sthree-")) or bucket.endswith(("-s3alias", "--ol-s3")):
        return "bucket names may not start with 'xn--'/'sthree-' or end with '-s3alias'/'--ol-s3'"
    return None


def parse_s3_uri(uri: str, *, allow_prefix: bool = False) -> S3Uri:
    """Parse ``s3://bucket/key`` strictly; ``ValueError`` naming the URI and the rule broken.

    With ``allow_prefix=True`` the key may be empty or end with ``/`` (a
    prefix to list); otherwise it must name an object.

    >>> parse_s3_uri("s3://b-1/a/b.csv")
    S3Uri(bucket='b-1', key='a/b.csv')
    >>> parse_s3_uri("s3://b-1/../etc/passwd")
    Traceback (most recent call last):
    ...
    ValueError: invalid S3 URI 's3://b-1/../etc/passwd': key segments may not be empty, '.' or '..'
    """
    if isinstance(uri, S3Uri):
        uri = str(uri)
    if not isinstance(uri, str):
        raise TypeError(f"uri must be a string like 's3://bucket/key', got {uri!r} ({type(uri).__name__})")

    def bad(why: str) -> ValueError:
        return ValueError(f"invalid S3 URI {uri!r}: {why}")

    if not uri.startswith("s3://"):
        raise bad("the scheme must be 's3://' (e.g. 's3://my-bucket/path/file.csv')")
    rest = uri[5:]
    bucket, _, key = rest.partition("/")
    if not bucket:
        raise bad("the bucket name is missing")
    problem = _bucket_problem(bucket)
    if problem:
        raise bad(problem)
    if any(c in key for c in ("\\", "\x00")) or any(ord(c) < 32 for c in key):
        raise bad("keys may not contain backslashes or control characters")
    if len(key.encode("utf-8")) > _MAX_KEY_BYTES:
        raise bad(f"keys are at most {_MAX_KEY_BYTES} bytes of UTF-8")
    if key == "" or key.endswith("/"):
        if not allow_prefix:
            raise bad("it names a bucket or a prefix ending in '/', not an object")
    segments = key.split("/")
    if key.endswith("/"):
        segments = segments[:-1]
    if key and any(seg in ("", ".", "..") for seg in segments):
        raise bad("key segments may not be empty, '.' or '..'")
    return S3Uri(bucket, key)


def default_store_root() -> Path:
    """``$MLKIT_HOME/s3`` if ``MLKIT_HOME`` is set, else the user data dir's ``mlkit/s3``."""
    from mlkit._home import data_home

    return data_home() / "s3"


class _AtomicWriter:
    """A file opened for writing that appears at its final path only on ``close()``."""

    def __init__(self, final: Path, tmp_dir: Path, mode: str, encoding: str | None):
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=tmp_dir, prefix="w-")
        self._final = final
        self._tmp = Path(tmp)
        self._file = os.fdopen(fd, mode, encoding=encoding)
        self._done = False

    def __getattr__(self, name):
        return getattr(self._file, name)

    def write(self, data):
        return self._file.write(data)

    def close(self) -> None:
        """Flush and rename into place (commit)."""
        if self._done:
            return
        self._done = True
        try:
            self._file.close()
            self._final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self._tmp, self._final)
        except BaseException:
            self._tmp.unlink(missing_ok=True)
            raise

    def discard(self) -> None:
        """Throw the partial write away; the final path is untouched."""
        if self._done:
            return
        self._done = True
        self._file.close()
        self._tmp.unlink(missing_ok=True)

    @property
    def closed(self) -> bool:
        return self._done

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.close()
        else:
            self.discard()
        return False

    def __del__(self):  # an abandoned writer never publishes a partial object
        try:
            self.discard()
        except Exception:
            pass


class LocalBucketStore:
    """``s3://bucket/key`` objects as files under ``root/bucket/key``.

    ``put``/``open(..., "wb")`` write atomically; ``get``/``open(..., "rb")``
    read; ``list`` returns the URIs under a prefix (S3 prefix semantics,
    sorted); ``delete`` removes an object. ``root`` defaults to
    :func:`default_store_root` and is created on first write.

    >>> import tempfile
    >>> store = LocalBucketStore(tempfile.mkdtemp())
    >>> with store.open("s3://bkt/out/part-0.csv", "w") as f:
    ...     _ = f.write("a,b\\n")
    >>> store.exists("s3://bkt/out/part-0.csv"), store.size("s3://bkt/out/part-0.csv")
    (True, 4)
    """

    def __init__(self, root: str | os.PathLike | None = None):
        self.root = root

    # -- paths -------------------------------------------------------------
    @property
    def root_path(self) -> Path:
        """The folder the buckets live in (resolved on each call)."""
        return Path(self.root).expanduser() if self.root is not None else default_store_root()

    def local_path(self, uri: str) -> Path:
        """The file (or folder, for a prefix ending in ``/``) backing ``uri``; not created."""
        parsed = parse_s3_uri(uri, allow_prefix=True)
        path = self.root_path / parsed.bucket
        if parsed.key:
            path = path.joinpath(*[s for s in parsed.key.split("/") if s])
        return path

    def _object_path(self, uri: str) -> Path:
        parse_s3_uri(uri)  # must name an object
        return self.local_path(uri)

    def _writable_path(self, uri: str) -> Path:
        path = self._object_path(uri)
        if path.is_dir():
            raise IsADirectoryError(f"cannot write {uri}: the local bucket keeps objects under the prefix "
                                    f"{uri}/ in a folder of that name, so it cannot also be an object")
        for parent in path.parents:
            if parent.is_file():
                raise NotADirectoryError(f"cannot write {uri}: a parent of its key is already an object "
                                         f"({parent.name}), which a local folder cannot also be")
            if parent == self.root_path:
                break
        return path

    def _tmp_dir(self) -> Path:
        return self.root_path / _TMP_DIR

    # -- reading -----------------------------------------------------------
    def exists(self, uri: str) -> bool:
        """True if ``uri`` names an existing object."""
        return self._object_path(uri).is_file()

    def size(self, uri: str) -> int:
        """The object's size in bytes; ``FileNotFoundError`` naming the URI if missing."""
        path = self._object_path(uri)
        if not path.is_file():
            self._missing(uri)
        return path.stat().st_size

    def get(self, uri: str) -> bytes:
        """The object's bytes; ``FileNotFoundError`` naming the URI if missing."""
        path = self._object_path(uri)
        if not path.is_file():
            self._missing(uri)
        return path.read_bytes()

    def _missing(self, uri: str):
        raise FileNotFoundError(f"no object at {uri} (local bucket root {self.root_path})")

    def open(self, uri: str, mode: str = "rb", encoding: str | None = None) -> IO:
        """Stream an object: ``"rb"``/``"r"`` read, ``"wb"``/``"w"`` write atomically.

        A writer publishes the object when closed; leaving a ``with`` block by
        an exception discards the partial write.
        """
        path = self._object_path(uri)
        if mode in ("rb", "r"):
            if not path.is_file():
                self._missing(uri)
            return open(path, mode, encoding=encoding if mode == "r" else None)
        if mode in ("wb", "w"):
            path = self._writable_path(uri)
            enc = (encoding or "utf-8") if mode == "w" else None
            return _AtomicWriter(path, self._tmp_dir(), mode, enc)
        raise ValueError(f"mode must be one of 'rb', 'r', 'wb', 'w'; got {mode!r}")

    def list(self, prefix_uri: str) -> list[str]:
        """URIs of the objects whose key starts with the prefix (S3 semantics), sorted.

        ``s3://b/data/`` lists everything under ``data/``; ``s3://b/da``
        also matches ``s3://b/data.csv``; ``s3://b`` or ``s3://b/`` lists the bucket.
        """
        if isinstance(prefix_uri, str) and prefix_uri.startswith("s3://") and "/" not in prefix_uri[5:]:
            prefix_uri = prefix_uri + "/"
        parsed = parse_s3_uri(prefix_uri, allow_prefix=True)
        bucket_dir = self.root_path / parsed.bucket
        key = parsed.key
        # Walk only the deepest folder that the prefix fully names.
        folder_key = key.rsplit("/", 1)[0] if "/" in key else ""
        start = bucket_dir.joinpath(*folder_key.split("/")) if folder_key else bucket_dir
        if not start.is_dir():
            return []
        found = []
        for dirpath, dirnames, filenames in os.walk(start):
            dirnames.sort()
            rel_dir = Path(dirpath).relative_to(bucket_dir).as_posix()
            for name in filenames:
                k = name if rel_dir == "." else f"{rel_dir}/{name}"
                if k.startswith(key):
                    found.append(f"s3://{parsed.bucket}/{k}")
        return sorted(found)

    # -- writing -----------------------------------------------------------
    def put(self, uri: str, data: Data) -> str:
        """Write ``data`` at ``uri`` atomically and return the URI.

        ``bytes``-like are written as is, ``str`` is written as UTF-8 text, a
        ``pathlib.Path`` (any ``os.PathLike``) is copied from that file.
        """
        path = self._writable_path(uri)
        if isinstance(data, os.PathLike):
            src = Path(data)
            if not src.is_file():
                raise FileNotFoundError(f"data must be an existing file to upload to {uri}, got {src}")
            with open(src, "rb") as fin, _AtomicWriter(path, self._tmp_dir(), "wb", None) as fout:
                shutil.copyfileobj(fin, fout, 1 << 20)
            return str(parse_s3_uri(uri))
        if isinstance(data, str):
            data = data.encode("utf-8")
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data must be bytes, str or a path, got {type(data).__name__}")
        with _AtomicWriter(path, self._tmp_dir(), "wb", None) as fout:
            fout.write(data)
        return str(parse_s3_uri(uri))

    def delete(self, uri: str) -> bool:
        """Remove the object; True if it existed (deleting a missing object is not an error, as in S3)."""
        path = self._object_path(uri)
        try:
            path.unlink()
        except FileNotFoundError:
            return False
        # Prune folders left empty, up to (not including) the bucket folder.
        bucket_dir = self.root_path / parse_s3_uri(uri).bucket
        parent = path.parent
        while parent != bucket_dir and bucket_dir in parent.parents:
            try:
                parent.rmdir()
            except OSError:
                break
            parent = parent.parent
        return True

    def __repr__(self) -> str:
        return f"LocalBucketStore(root={str(self.root_path)!r})"


def new_token() -> str:
    """A random id for object names (async inference ids, temp keys)."""
    return str(uuid.uuid4())
