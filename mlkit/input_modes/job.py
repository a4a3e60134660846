"""A local training job whose input channels move real bytes, timed on a simulated clock.

:class:`LocalTrainingJob` runs a training function (plain Python) against
channels that behave like SageMaker's input modes:

* **File**: every object under the channel's prefix is copied into
  ``<job>/input/data/<channel>/`` (the ``/opt/ml/input/data/<channel>`` of a
  real container) *before* the training function is called; the copies count
  against the ML storage volume (``VolumeSizeInGB``).
* **FastFile**: the training function gets lazy file objects
  (``view.open(name)``); nothing is fetched until the first ``read``; ``seek``
  works, so files can be read in any order or in part.
* **Pipe**: ``view.fifo(epoch)`` creates a real named pipe (``os.mkfifo``)
  called ``<channel>_<epoch>`` (``train_0``, ``train_1``, ...) fed by a writer
  thread; the function opens it and reads it sequentially. Objects are sent
  in key order, or shuffled per epoch with ``ShuffleConfig``; with
  ``RecordWrapperType='RecordIO'`` each object is wrapped in one RecordIO
  record.
* **File over FSx for Lustre / EFS**: the file system is "mounted": reads go
  straight to the files, nothing is copied.

Every read is recorded (which object, how many bytes, whether it starts a new
request). After the function returns, the trace is replayed on a
:class:`mlkit.sim.Simulation` with the storage profile's latency and
throughput, the instance's network and volume, and ``compute_s_per_MB`` of
processing per MB read, so the timings are repeatable and a large dataset can
be modelled from a small sample (``size_scale``: simulated bytes per real
byte of a file; ``count_scale``: simulated files per real file).

Clean-up is unconditional: when :meth:`LocalTrainingJob.run` returns or
raises, every writer thread has been stopped and joined, every FIFO removed
and the temporary job folder deleted, even if the training function raised
mid-epoch or never opened a pipe.

    >>> import tempfile
    >>> from mlkit.storage import LocalBucketStore
    >>> store = LocalBucketStore(tempfile.mkdtemp())
    >>> _ = store.put("s3://demo-bucket/train/part-0.bin", b"x" * 1000)
    >>> def train(ctx):
    ...     view = ctx.channels["train"]
    ...     with open(view.fifo(0), "rb") as f:
    ...         ctx.model_dir.joinpath("n.txt").write_text(str(len(f.read())))
    >>> job = LocalTrainingJob([Channel("train", "s3://demo-bucket/train/", InputMode="Pipe")], train,
    ...                        store=store)
    >>> run = job.run()
    >>> run.status, run.bytes_read, run.peak_disk_bytes > 0
    ('Completed', 1000.0, True)
"""

from __future__ import annotations

import errno
import io
import os
import select
import shutil
import stat
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from mlkit._checks import check_float, check_int, make_rng
from mlkit.aws import AwsRequest
from mlkit.input_modes.channel import Channel
from mlkit.input_modes.storage import TrainingInstance
from mlkit.report import Report

__all__ = ["LocalTrainingJob", "TrainingContext", "TrainingJobRun", "VolumeFullError", "Read"]

_CHUNK = 64 * 1024  # bytes per FIFO write and per buffered read
_LIST_PAGE = 1000  # ListObjectsV2 returns at most 1,000 keys per request
EXAMPLE_ROLE = "arn:aws:iam::111122223333:role/service-role/SageMakerTrainingRole"
EXAMPLE_IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"


class VolumeFullError(ValueError):
    """File mode needs more room on the ML storage volume than ``VolumeSizeInGB`` gives."""


@dataclass(frozen=True)
class Read:
    """One recorded read: ``lane`` (channel and kind), object ``key``, real ``nbytes``, ``new_request``."""

    lane: str
    key: str
    nbytes: int
    new_request: bool


# -- the channel views handed to the training function ---------------------------------
class _TracedRaw(io.RawIOBase):
    """A read-only file over ``path`` that records each read; opens the real file on first read."""

    def __init__(self, path: Path, key: str, lane: str, trace: list, every_read_is_a_request: bool):
        super().__init__()
        self._path, self._key, self._lane, self._trace = path, key, lane, trace
        self._each = every_read_is_a_request
        self._file = None
        self._pos = 0
        self._next = None  # where a sequential continuation would read
        self._size = path.stat().st_size

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._file is None:
            self._file = open(self._path, "rb")  # fetch on first read, not on open
        self._file.seek(self._pos)
        n = self._file.readinto(buffer)
        if n:
            self._trace.append(Read(self._lane, self._key, n, self._each or self._next != self._pos))
            self._pos += n
            self._next = self._pos
        return n

    def readall(self) -> bytes:
        """The rest of the file in one read (one request), as reading a whole small file does."""
        buffer = bytearray(max(0, self._size - self._pos))
        n = self.readinto(buffer) if buffer else 0
        return bytes(buffer[:n])

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        super().close()


class ChannelView:
    """What the training function sees of one channel: ``name``, ``mode``, ``storage``, ``files()``, ``open()``.

    ``path`` is the local folder holding the files (File mode: the copies;
    FSx/EFS: the mounted directory) or None (FastFile, Pipe). Reads through
    :meth:`open` are timed; reading ``path`` directly works but is not timed.
    """

    def __init__(self, channel: Channel, names: list[str], sources: dict[str, Path], lane: str,
                 trace: list, path: Path | None, every_read_is_a_request: bool):
        self.name = channel.ChannelName
        self.mode = channel.InputMode
        self.storage = channel.profile.name
        self.path = path
        self._names = names
        self._sources = sources
        self._lane = lane
        self._trace = trace
        self._each = every_read_is_a_request

    def files(self) -> list[str]:
        """The channel's file names (keys relative to the channel prefix), sorted."""
        return list(self._names)

    def open(self, name: str) -> io.BufferedReader:
        """A binary, seekable file object for ``name``; ``KeyError`` listing a few names if unknown."""
        if name not in self._sources:
            shown = ", ".join(self._names[:5]) + (", ..." if len(self._names) > 5 else "")
            raise KeyError(f"name must be a file of channel {self.name!r} ({shown}); got {name!r}")
        raw = _TracedRaw(self._sources[name], name, self._lane, self._trace, self._each)
        return io.BufferedReader(raw, buffer_size=_CHUNK)

    def __repr__(self) -> str:
        return f"<{self.mode} channel {self.name!r} on {self.storage}: {len(self._names)} files>"


class PipeChannelView:
    """A Pipe-mode channel: :meth:`fifo` makes ``<channel>_<epoch>`` and starts streaming into it."""

    def __init__(self, channel: Channel, names: list[str], sources: dict[str, Path], input_dir: Path,
                 lane: str, trace: list, job: "_JobState"):
        self.name = channel.ChannelName
        self.mode = "Pipe"
        self.storage = channel.profile.name
        self.path = None
        self._channel = channel
        self._names = names
        self._sources = sources
        self._input_dir = input_dir
        self._lane = lane
        self._trace = trace
        self._job = job
        self._next_epoch = 0
        seed = (channel.ShuffleConfig or {}).get("Seed")
        self._rng = make_rng(seed) if seed is not None else None

    def fifo(self, epoch: int) -> str:
        """Create the named pipe for ``epoch`` (in order: 0, 1, ...) and return its path to ``open(..., 'rb')``."""
        epoch = check_int("epoch", epoch, low=0)
        if epoch != self._next_epoch:
            raise ValueError(f"epoch must be {self._next_epoch}: Pipe mode opens {self.name}_0, "
                             f"{self.name}_1, ... one after another; got {epoch}")
        self._next_epoch += 1
        order = list(self._names)
        if self._rng is not None:  # ShuffleConfig: a new order at the start of every epoch
            order = [order[i] for i in self._rng.permutation(len(order))]
        path = self._input_dir / f"{self.name}_{epoch}"
        os.mkfifo(path, 0o600)
        self._job.fifos.append(path)
        thread = threading.Thread(target=_pipe_writer, name=f"mlkit-pipe-{self.name}_{epoch}", daemon=True,
                                  args=(path, [(n, self._sources[n]) for n in order], self._lane, self._trace,
                                        self._channel.RecordWrapperType == "RecordIO", self._job))
        self._job.threads.append(thread)
        thread.start()
        return str(path)

    def files(self) -> list[str]:
        """The objects the pipe streams, in key order (the stream itself may be shuffled)."""
        return list(self._names)

    def __repr__(self) -> str:
        return f"<Pipe channel {self.name!r} on {self.storage}: {len(self._names)} objects>"


def _pipe_writer(path: Path, objects, lane: str, trace: list, wrap: bool, job: "_JobState") -> None:
    """Stream ``objects`` into the FIFO at ``path``; give up as soon as the job stops or the reader leaves."""
    from mlkit.recordio import MAGIC

    stop = job.stop
    fd = None
    try:
        while fd is None:  # a non-blocking open fails until a reader has the FIFO open
            if stop.is_set():
                return
            try:
                fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError as exc:
                if exc.errno != errno.ENXIO:
                    raise
                stop.wait(0.005)
        for key, source in objects:
            size = source.stat().st_size
            head = (MAGIC.to_bytes(4, "little") + size.to_bytes(4, "little")) if wrap else b""
            tail = b"\0" * (-size % 4) if wrap else b""
            first = True
            with open(source, "rb") as f:
                pending = head + f.read(_CHUNK - len(head))
                while pending:
                    if not _write_all(fd, pending, stop):
                        return
                    trace.append(Read(lane, key, len(pending), first))
                    first = False
                    pending = f.read(_CHUNK)
            if tail and not _write_all(fd, tail, stop):
                return
    except BrokenPipeError:
        return  # the reader closed its end early: nothing more to send
    except BaseException as exc:  # reported by the job after clean-up
        job.errors.append(exc)
    finally:
        if fd is not None:
            os.close(fd)


def _write_all(fd: int, data: bytes, stop: threading.Event) -> bool:
    """Write ``data`` to the non-blocking ``fd``; False if the job stopped first."""
    view = memoryview(data)
    while view:
        if stop.is_set():
            return False
        _, writable, _ = select.select([], [fd], [], 0.05)
        if not writable:
            continue
        try:
            n = os.write(fd, view)
        except BlockingIOError:
            continue
        view = view[n:]
    return True


@dataclass
class TrainingContext:
    """What the training function receives: ``channels`` (name -> view), ``model_dir``, ``rng``, ``hyperparameters``."""

    channels: dict
    model_dir: Path
    input_dir: Path
    rng: Any
    hyperparameters: dict = field(default_factory=dict)


@dataclass
class _JobState:
    stop: threading.Event = field(default_factory=threading.Event)
    threads: list = field(default_factory=list)
    fifos: list = field(default_factory=list)
    errors: list = field(default_factory=list)


# -- the result --------------------------------------------------------------------------
@dataclass
class TrainingJobRun(Report):
    """What a job did, in simulated seconds and simulated bytes.

    ``time_to_first_batch_s``: from job start until the training function has
    its first batch (``first_batch_MB``) in hand; ``total_time_s``: until its
    last byte is processed; ``download_time_s``: listing plus File mode's
    download, before training starts; ``compute_s``: processing time;
    ``waiting_s``: time the training loop waited for data
    (``total - compute``); ``peak_disk_bytes``: the most the job kept on the
    ML storage volume (channel copies plus model artifacts);
    ``bytes_read``: bytes fetched from the storage; ``requests``: GET/read
    requests; ``timeline``: a DataFrame (``lane``, ``start_s``, ``end_s``)
    of when each lane was busy; ``model_artifacts``: the ``model.tar.gz``
    URI in the local bucket (None if the function wrote nothing);
    ``real``: what really moved on this machine.
    """

    TrainingJobName: str
    status: str
    modes: dict
    storage: dict
    time_to_first_batch_s: float
    total_time_s: float
    download_time_s: float
    compute_s: float
    waiting_s: float
    peak_disk_bytes: float
    volume_bytes: float
    bytes_read: float
    requests: float
    timeline: Any
    model_artifacts: str | None
    real: dict

    def summary(self) -> dict:
        """The headline numbers as a flat dict (one row of a comparison table)."""
        return {"time_to_first_batch_s": self.time_to_first_batch_s, "total_time_s": self.total_time_s,
                "download_time_s": self.download_time_s, "compute_s": self.compute_s,
                "waiting_s": self.waiting_s, "peak_disk_GB": self.peak_disk_bytes / 1e9,
                "GB_read": self.bytes_read / 1e9, "requests": self.requests}


# -- the job ----------------------------------------------------------------------------
class LocalTrainingJob(AwsRequest):
    """Run ``train_fn(ctx)`` against real channels; time it from the storage profiles.

    Parameters
    ----------
    channels : list of :class:`Channel`
        One to twenty channels with distinct names.
    train_fn : callable(TrainingContext)
        The training script; reads through ``ctx.channels[name]`` and may
        write artifacts to ``ctx.model_dir``.
    instance : TrainingInstance
        Network and ML storage volume figures (default ``ml.m5.xlarge``, gp3).
    VolumeSizeInGB : int
        The ML storage volume (1-16384 GB); File mode's copies must fit.
    size_scale, count_scale : float, int
        Simulated bytes per real byte of a file, simulated files per real file.
    compute_s_per_MB : float
        Simulated processing time per MB (10^6 bytes) the function reads.
    readers : int
        Parallel readers of File/FastFile/file-system data (data-loader workers).
    first_batch_MB : float
        Size of the first batch, for ``time_to_first_batch_s``.
    store : LocalBucketStore or None
        The local bucket (default: the learner's).
    seed : int
        Seeds ``ctx.rng``.

    ``run()`` returns a :class:`TrainingJobRun`. It raises
    :class:`VolumeFullError` (before calling the function) if File-mode
    copies exceed the volume, ``FileNotFoundError`` naming the URI if a
    channel has no objects, and re-raises whatever the training function
    raised, after cleaning up. ``to_request()`` is the ``CreateTrainingJob``
    request.
    """

    aws_operation = "CreateTrainingJob"

    def __init__(self, channels, train_fn: Callable | None = None, *, instance: TrainingInstance | None = None,
                 VolumeSizeInGB: int = 30, size_scale: float = 1.0, count_scale: int = 1,
                 compute_s_per_MB: float = 0.0, readers: int = 8, first_batch_MB: float = 8.0,
                 store=None, seed: int = 0, TrainingJobName: str = "mlkit-input-modes",
                 RoleArn: str = EXAMPLE_ROLE, TrainingImage: str = EXAMPLE_IMAGE,
                 S3OutputPath: str = "s3://mlkit-input-modes/output/", hyperparameters: dict | None = None):
        self.channels = channels
        self.train_fn = train_fn
        self.instance = instance
        self.VolumeSizeInGB = VolumeSizeInGB
        self.size_scale = size_scale
        self.count_scale = count_scale
        self.compute_s_per_MB = compute_s_per_MB
        self.readers = readers
        self.first_batch_MB = first_batch_MB
        self.store = store
        self.seed = seed
        self.TrainingJobName = TrainingJobName
        self.RoleArn = RoleArn
        self.TrainingImage = TrainingImage
        self.S3OutputPath = S3OutputPath
        self.hyperparameters = hyperparameters

    # -- checks ------------------------------------------------------------
    def _checked_channels(self) -> list[Channel]:
        channels = self.channels
        if isinstance(channels, Channel):
            channels = [channels]
        if not isinstance(channels, (list, tuple)) or not channels or len(channels) > 20:
            raise ValueError(f"channels must be a list of 1 to 20 Channel objects, got {self.channels!r}")
        for ch in channels:
            if not isinstance(ch, Channel):
                raise TypeError(f"channels must hold Channel objects, got {type(ch).__name__}")
            ch.check()
        names = [ch.ChannelName for ch in channels]
        if len(set(names)) != len(names):
            raise ValueError(f"channels must have distinct ChannelName values, got {names}")
        return list(channels)

    def _check(self):
        channels = self._checked_channels()
        check_int("VolumeSizeInGB", self.VolumeSizeInGB, low=1, high=16384)
        check_float("size_scale", self.size_scale, low=0.0, low_open=True)
        check_int("count_scale", self.count_scale, low=1)
        check_float("compute_s_per_MB", self.compute_s_per_MB, low=0.0)
        check_int("readers", self.readers, low=1, high=256)
        check_float("first_batch_MB", self.first_batch_MB, low=0.0, low_open=True)
        from mlkit.storage import parse_s3_uri

        parse_s3_uri(self.S3OutputPath, allow_prefix=True)
        if self.train_fn is None or not callable(self.train_fn):
            raise TypeError(f"train_fn must be a function taking a TrainingContext, got {self.train_fn!r}")
        instance = self.instance if self.instance is not None else TrainingInstance()
        if not isinstance(instance, TrainingInstance):
            raise TypeError(f"instance must be a TrainingInstance, got {type(instance).__name__}")
        return channels, instance

    # -- export -------------------------------------------------------------
    def to_request(self) -> dict:
        """The ``CreateTrainingJob`` request (``InputDataConfig`` from the channels)."""
        channels = self._checked_channels()
        instance = self.instance if self.instance is not None else TrainingInstance()
        request = {
            "TrainingJobName": self.TrainingJobName,
            "AlgorithmSpecification": {"TrainingImage": self.TrainingImage,
                                       "TrainingInputMode": channels[0].InputMode},
            "RoleArn": self.RoleArn,
            "InputDataConfig": [ch.to_channel() for ch in channels],
            "OutputDataConfig": {"S3OutputPath": self.S3OutputPath},
            "ResourceConfig": {"InstanceType": instance.instance_type, "InstanceCount": 1,
                               "VolumeSizeInGB": int(self.VolumeSizeInGB)},
            "StoppingCondition": {"MaxRuntimeInSeconds": 86400},
        }
        if self.hyperparameters:
            request["HyperParameters"] = {str(k): str(v) for k, v in self.hyperparameters.items()}
        if any(ch.profile.is_file_system for ch in channels):
            # FSx for Lustre and EFS are reached inside a VPC (placeholder ids)
            request["VpcConfig"] = {"SecurityGroupIds": ["sg-0123456789abcdef0"],
                                    "Subnets": ["subnet-0123456789abcdef0"]}
        return request

    # -- running ------------------------------------------------------------
    def _objects(self, channel: Channel, store) -> tuple[list[str], dict[str, Path], dict[str, int]]:
        from mlkit.storage import parse_s3_uri

        prefix = parse_s3_uri(channel.S3Uri, allow_prefix=True)
        uris = store.list(channel.S3Uri) if channel.S3DataType == "S3Prefix" else [channel.S3Uri]
        if not uris:
            raise FileNotFoundError(f"no objects under {channel.S3Uri} for channel {channel.ChannelName!r} "
                                    f"(local bucket root {store.root_path})")
        base = prefix.key if channel.S3DataType == "S3Prefix" else prefix.key.rsplit("/", 1)[0] + "/"
        names, sources, sizes = [], {}, {}
        for uri in uris:
            key = parse_s3_uri(uri).key
            name = key[len(base):] if key.startswith(base) and key != base else key.rsplit("/", 1)[-1]
            names.append(name)
            sources[name] = store.local_path(uri)
            sizes[name] = sources[name].stat().st_size
        return names, sources, sizes

    def run(self) -> TrainingJobRun:
        """Run the job (see the class docstring); always cleans up threads, FIFOs and the job folder."""
        from mlkit.input_modes.timing import replay
        from mlkit.storage import LocalBucketStore

        channels, instance = self._check()
        store = self.store if self.store is not None else LocalBucketStore()
        scale = float(self.size_scale) * int(self.count_scale)
        state = _JobState()
        trace: list[Read] = []
        downloads: dict[str, list] = {}
        listed: dict[str, int] = {}
        disk_real = 0
        model_real = 0
        failure: BaseException | None = None
        model_uri = None
        job_dir = Path(tempfile.mkdtemp(prefix="mlkit-job-"))
        try:
            input_dir = job_dir / "input" / "data"
            model_dir = job_dir / "model"
            input_dir.mkdir(parents=True)
            model_dir.mkdir()
            plans = [(ch, *self._objects(ch, store)) for ch in channels]
            need = sum(sum(sizes.values()) for ch, _, _, sizes in plans
                       if ch.InputMode == "File" and not ch.profile.is_file_system) * scale
            if need > self.VolumeSizeInGB * 1e9:
                raise VolumeFullError(
                    f"VolumeSizeInGB must hold File mode's copies: the File-mode channels hold "
                    f"{need / 1e9:,.1f} GB but VolumeSizeInGB is {self.VolumeSizeInGB} (No space left on "
                    f"device); use a larger volume, FastFile or Pipe mode")
            views = {}
            for ch, names, sources, sizes in plans:
                lane = ch.ChannelName
                listed[lane] = len(names)
                if ch.InputMode == "File" and ch.profile.is_file_system:
                    views[lane] = ChannelView(ch, names, sources, f"{lane}:mounted", trace,
                                              sources[names[0]].parent, True)
                elif ch.InputMode == "File":
                    target = input_dir / lane
                    copies = {}
                    for name in names:  # the whole prefix, before train_fn gets control
                        dest = target.joinpath(*name.split("/"))
                        dest.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copyfile(sources[name], dest)
                        copies[name] = dest
                        disk_real += sizes[name]
                    downloads[lane] = [(name, sizes[name]) for name in names]
                    views[lane] = ChannelView(ch, names, copies, f"{lane}:local", trace, target, True)
                elif ch.InputMode == "FastFile":
                    views[lane] = ChannelView(ch, names, sources, f"{lane}:fastfile", trace, None, False)
                else:
                    views[lane] = PipeChannelView(ch, names, sources, input_dir, f"{lane}:pipe", trace, state)
            ctx = TrainingContext(channels=views, model_dir=model_dir, input_dir=input_dir,
                                  rng=make_rng(self.seed), hyperparameters=dict(self.hyperparameters or {}))
            try:
                self.train_fn(ctx)
            except BaseException as exc:
                failure = exc
            model_real = sum(p.stat().st_size for p in model_dir.rglob("*") if p.is_file())
            if failure is None and model_real:  # SageMaker uploads model.tar.gz to S3OutputPath
                from mlkit.artifacts import pack_folder

                model_uri = f"{self.S3OutputPath.rstrip('/')}/{self.TrainingJobName}/output/model.tar.gz"
                with store.open(model_uri, "wb") as out:
                    pack_folder(model_dir, out)
        finally:
            state.stop.set()
            for thread in state.threads:
                thread.join(timeout=10)
            for fifo in state.fifos:
                try:
                    if stat.S_ISFIFO(os.lstat(fifo).st_mode):
                        os.unlink(fifo)
                except FileNotFoundError:
                    pass
            shutil.rmtree(job_dir, ignore_errors=True)
        alive = [t.name for t in state.threads if t.is_alive()]
        if failure is not None:
            raise failure
        if state.errors:
            raise RuntimeError(f"a Pipe writer failed: {state.errors[0]!r}") from state.errors[0]
        if alive:  # pragma: no cover - the writers poll the stop event every 50 ms
            raise RuntimeError(f"Pipe writer threads did not stop: {alive}")
        timing = replay(channels, trace, downloads, listed, instance=instance, size_scale=float(self.size_scale),
                        count_scale=int(self.count_scale), compute_s_per_MB=float(self.compute_s_per_MB),
                        readers=int(self.readers), first_batch_MB=float(self.first_batch_MB))
        peak = disk_real * scale + model_real
        return TrainingJobRun(
            TrainingJobName=self.TrainingJobName, status="Completed",
            modes={ch.ChannelName: ch.InputMode for ch in channels},
            storage={ch.ChannelName: ch.profile.name for ch in channels},
            time_to_first_batch_s=timing.time_to_first_batch_s, total_time_s=timing.total_time_s,
            download_time_s=timing.download_time_s, compute_s=timing.compute_s,
            waiting_s=max(0.0, timing.total_time_s - timing.compute_s),
            peak_disk_bytes=peak, volume_bytes=self.VolumeSizeInGB * 1e9,
            bytes_read=timing.bytes_read, requests=timing.requests, timeline=timing.timeline,
            model_artifacts=model_uri, real={"bytes_copied_to_volume": disk_real, "model_bytes": model_real,
                  "reads_recorded": len(trace), "bytes_read": sum(r.nbytes for r in trace),
                  "fifos_created": len(state.fifos), "writer_threads": len(state.threads)})
