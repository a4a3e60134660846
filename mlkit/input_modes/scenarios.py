"""Two workloads the notes contrast, measured per input mode and storage.

* ``"large-sequential"``: a few large files of RecordIO-protobuf records
  (the loans data set, three numeric features and the ``approved`` label),
  read front to back for two epochs by an incremental scikit-learn model
  (``SGDClassifier.partial_fit``, batch by batch; from the FIFO in Pipe mode).
* ``"many-small-random"``: a million small image-like files (``.npy``, the
  first byte is the class) of which each epoch reads a random fifth, in
  random order, to update a nearest-centroid classifier (in Pipe mode the
  stream carries every file, wrapped as RecordIO records, and the loop keeps
  the ones it drew).

A small real sample is written to the local bucket once
(:func:`prepare_sample`) and :func:`measure` scales it to the scenario's
size (``n_files`` x ``file_MB``) on the simulated clock.
:func:`compare_input_modes` runs every valid mode and storage::

    >>> table = compare_input_modes("many-small-random", storages=["s3"])
    >>> table.loc[table.total_time_s.idxmin(), "mode"]
    'FastFile'
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, replace

from mlkit._checks import check_float, check_int, check_one_of
from mlkit.report import Report

__all__ = ["Scenario", "SCENARIOS", "prepare_sample", "measure", "compare_input_modes",
           "train_linear_records", "train_centroids_random", "train_xgboost_file"]

BUCKET = "mlkit-input-modes"
EXPRESS_BUCKET = "mlkit-input-modes--use1-az4--x-s3"  # a directory bucket name (S3 Express One Zone)
_IMAGE_SIDE = 32


@dataclass(frozen=True)
class Scenario(Report):
    """A workload: its simulated shape, how it reads, and the real sample it is modelled from.

    ``n_files`` files of ``file_MB`` MB (10^6 bytes) each; ``access``
    ``"sequential"`` (whole files, in order) or ``"random"`` (a random
    ``read_fraction`` of the files per epoch, in random order); ``epochs``;
    ``compute_s_per_MB`` of processing per MB read; ``readers`` parallel
    readers (data-loader workers); ``sample_files`` real files of about
    ``sample_file_bytes`` bytes stand for the data set.
    """

    name: str
    description: str
    n_files: int
    file_MB: float
    access: str
    read_fraction: float
    epochs: int
    compute_s_per_MB: float
    readers: int
    sample_files: int
    sample_file_bytes: int
    content_type: str

    def __post_init__(self):
        check_int("n_files", self.n_files, low=1, high=100_000_000)
        check_float("file_MB", self.file_MB, low=0.001, high=5_000_000.0)
        check_one_of("access", self.access, ("sequential", "random"))
        check_float("read_fraction", self.read_fraction, low=0.0, high=1.0, low_open=True)
        check_int("epochs", self.epochs, low=1, high=100)
        check_float("compute_s_per_MB", self.compute_s_per_MB, low=0.0)
        check_int("readers", self.readers, low=1, high=256)

    @property
    def dataset_GB(self) -> float:
        """The simulated data set size in GB (10^9 bytes)."""
        return self.n_files * self.file_MB / 1000.0

    def with_shape(self, **changes) -> "Scenario":
        """A copy with some fields changed (``n_files``, ``file_MB``, ``epochs``, ...), validated."""
        return replace(self, **changes)


SCENARIOS: dict[str, Scenario] = {
    "large-sequential": Scenario(
        name="large-sequential", description="4 files of 25 GB, RecordIO-protobuf records read in order, 2 epochs",
        n_files=4, file_MB=25_000.0, access="sequential", read_fraction=1.0, epochs=2, compute_s_per_MB=0.002,
        readers=8, sample_files=4, sample_file_bytes=32 * 1024, content_type="application/x-recordio-protobuf"),
    "many-small-random": Scenario(
        name="many-small-random",
        description="1,000,000 images of 100 KB, a random 20% read per epoch in random order",
        n_files=1_000_000, file_MB=0.1, access="random", read_fraction=0.2, epochs=1, compute_s_per_MB=0.002,
        readers=16, sample_files=100, sample_file_bytes=_IMAGE_SIDE * _IMAGE_SIDE + 1 + 128,
        content_type="application/x-npy"),
}


def _scenario(scenario) -> Scenario:
    if isinstance(scenario, Scenario):
        return scenario
    return SCENARIOS[check_one_of("scenario", scenario, list(SCENARIOS))]


def _bucket(storage: str) -> str:
    return EXPRESS_BUCKET if storage == "s3-express" else BUCKET


def prepare_sample(scenario, store=None, storage: str = "s3") -> str:
    """Write the scenario's real sample to the local bucket (once); return its prefix URI.

    Idempotent: an existing complete sample is kept. S3 Express One Zone
    samples go to a directory bucket (``...--x-s3``).
    """
    import numpy as np

    from mlkit.storage import LocalBucketStore

    sc = _scenario(scenario)
    store = store if store is not None else LocalBucketStore()
    prefix = f"s3://{_bucket(storage)}/{sc.name}/"
    if len(store.list(prefix)) == sc.sample_files:
        return prefix
    if sc.name == "large-sequential" or sc.content_type == "application/x-recordio-protobuf":
        from mlkit.datasets import loans
        from mlkit.recordio import write_numpy_to_dense_tensor

        one = io.BytesIO()  # the size of one record: three float32 features and a label
        write_numpy_to_dense_tensor(one, np.zeros((1, 3), "float32"), np.zeros(1, "float32"))
        rows = sc.sample_files * max(1, sc.sample_file_bytes // len(one.getvalue()))
        frame = loans(rows, seed=6).frame
        X = frame[["income", "credit_score", "loan_amount"]].to_numpy(dtype="float64")
        X = ((X - X.mean(axis=0)) / X.std(axis=0)).astype("float32")
        y = frame["approved"].to_numpy(dtype="float32")
        for i, part in enumerate(np.array_split(np.arange(rows), sc.sample_files)):
            buf = io.BytesIO()
            write_numpy_to_dense_tensor(buf, X[part], y[part])
            store.put(f"{prefix}part-{i:05d}.rec", buf.getvalue())
    else:
        rng = np.random.default_rng(6)
        yy, xx = np.mgrid[:_IMAGE_SIDE, :_IMAGE_SIDE]
        for i in range(sc.sample_files):
            label = int(rng.integers(0, 2))
            # class 0: a bright blob at the top left; class 1: at the bottom right
            cy, cx = (8, 8) if label == 0 else (24, 24)
            img = 200 * np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / 40.0) + rng.normal(0, 25, yy.shape)
            pixels = np.clip(img, 0, 255).astype(np.uint8).ravel()
            buf = io.BytesIO()
            np.save(buf, np.concatenate([[label], pixels]).astype(np.uint8))
            store.put(f"{prefix}img-{i:06d}.npy", buf.getvalue())
    return prefix


# -- the training loops ---------------------------------------------------------------
def train_linear_records(ctx) -> None:
    """Incremental logistic regression over RecordIO-protobuf records, batch by batch, every epoch.

    Pipe: reads ``train_<epoch>`` sequentially; File/FastFile/file system:
    reads each file in order. Writes ``model.json`` (coefficients) to ``model_dir``.
    """
    import json

    import numpy as np
    from sklearn.linear_model import SGDClassifier

    from mlkit.recordio import iter_dense_batches

    view = ctx.channels["train"]
    epochs = int(ctx.hyperparameters.get("epochs", 1))
    model = SGDClassifier(loss="log_loss", random_state=0)
    classes = np.array([0.0, 1.0], dtype="float32")
    seen = 0
    for epoch in range(epochs):
        streams = [view.fifo(epoch)] if view.mode == "Pipe" else view.files()
        for item in streams:
            with (open(item, "rb") if view.mode == "Pipe" else view.open(item)) as f:
                for batch in iter_dense_batches(f, 1024):
                    model.partial_fit(batch.features, batch.labels, classes=classes)
                    seen += batch.n_records
    ctx.model_dir.joinpath("model.json").write_text(json.dumps(
        {"coef": model.coef_.ravel().tolist(), "intercept": float(model.intercept_[0]), "records_seen": seen}))


def train_centroids_random(ctx) -> None:
    """Nearest-centroid classifier over a random ``read_fraction`` of the image files per epoch.

    File/FastFile/file system: opens the drawn files in random order. Pipe:
    the stream carries every file (RecordIO-wrapped) and the loop keeps the
    drawn positions. Writes ``centroids.npy`` to ``model_dir``.
    """
    import numpy as np

    from mlkit.recordio import read_recordio

    view = ctx.channels["train"]
    epochs = int(ctx.hyperparameters.get("epochs", 1))
    fraction = float(ctx.hyperparameters.get("read_fraction", 1.0))
    sums = np.zeros((2, _IMAGE_SIDE * _IMAGE_SIDE))
    counts = np.zeros(2)

    def learn(raw: bytes) -> None:
        arr = np.load(io.BytesIO(raw))
        sums[arr[0]] += arr[1:]
        counts[arr[0]] += 1

    names = view.files()
    k = max(1, round(fraction * len(names)))
    for epoch in range(epochs):
        drawn = ctx.rng.choice(len(names), size=k, replace=False)
        if view.mode == "Pipe":
            keep = set(int(i) for i in drawn)
            with open(view.fifo(epoch), "rb") as f:
                for position, payload in enumerate(read_recordio(f)):
                    if position in keep:
                        learn(payload)
        else:
            for i in drawn:
                with view.open(names[int(i)]) as f:
                    learn(f.read())
    np.save(ctx.model_dir / "centroids.npy", sums / np.maximum(counts, 1)[:, None])


def train_xgboost_file(ctx) -> None:
    """XGBoost on a File-mode channel of RecordIO-protobuf files: load everything, then train.

    Writes ``xgboost-model.json`` to ``model_dir``.
    """
    import numpy as np
    import xgboost as xgb

    from mlkit.recordio import read_dense

    view = ctx.channels["train"]
    parts = []
    for name in view.files():
        with view.open(name) as f:
            parts.append(read_dense(f))
    X = np.vstack([p.features for p in parts])
    y = np.concatenate([p.labels for p in parts])
    booster = xgb.train({"objective": "binary:logistic", "max_depth": 3, "eta": 0.3, "nthread": 1},
                        xgb.DMatrix(X, label=y), num_boost_round=int(ctx.hyperparameters.get("num_round", 20)))
    booster.save_model(str(ctx.model_dir / "xgboost-model.json"))


_TRAIN = {"large-sequential": train_linear_records, "many-small-random": train_centroids_random}


# -- measuring -----------------------------------------------------------------------------
def _job(sc: Scenario, mode: str, storage: str, store, instance, VolumeSizeInGB, seed, train_fn):
    from mlkit.input_modes.channel import Channel
    from mlkit.input_modes.job import LocalTrainingJob

    prefix = prepare_sample(sc, store, storage)
    real_sizes = [store.size(u) for u in store.list(prefix)]
    mean_real = sum(real_sizes) / len(real_sizes)
    count_scale = max(1, round(sc.n_files / len(real_sizes)))
    size_scale = sc.file_MB * 1e6 / mean_real
    pipe = mode == "Pipe"
    wrap = "RecordIO" if pipe and sc.content_type != "application/x-recordio-protobuf" else "None"
    channel = Channel("train", prefix, InputMode=mode, storage=storage, ContentType=sc.content_type,
                      RecordWrapperType=wrap,
                      ShuffleConfig={"Seed": int(seed)} if pipe and sc.access == "random" else None)
    if VolumeSizeInGB is None:  # room for the data set (File mode) plus some, as a learner would pick
        VolumeSizeInGB = min(16384, max(30, math.ceil(sc.dataset_GB * 1.1) + 5))
    hyper = {"epochs": sc.epochs, "read_fraction": sc.read_fraction}
    return LocalTrainingJob([channel], train_fn or _TRAIN.get(sc.name, train_linear_records), instance=instance,
                            VolumeSizeInGB=VolumeSizeInGB, size_scale=size_scale, count_scale=count_scale,
                            compute_s_per_MB=sc.compute_s_per_MB, readers=sc.readers, store=store, seed=seed,
                            TrainingJobName=f"mlkit-{sc.name}-{mode.lower()}", hyperparameters=hyper)


def measure(scenario="large-sequential", mode: str = "File", storage: str = "s3", *, store=None,
            instance=None, VolumeSizeInGB: int | None = None, seed: int = 0, train_fn=None,
            **shape):
    """Run ``scenario`` in ``mode`` on ``storage`` and return the :class:`TrainingJobRun`.

    ``shape`` overrides scenario fields (``n_files=``, ``file_MB=``,
    ``epochs=``, ``read_fraction=``, ``compute_s_per_MB=``, ``readers=``).
    ``VolumeSizeInGB`` defaults to the data set size plus 10% and 5 GB (at
    least 30). Errors: an unknown scenario, mode or storage, a combination
    SageMaker refuses (``ValueError`` from :class:`Channel`), a volume too
    small for File mode (:class:`VolumeFullError`).
    """
    from mlkit.storage import LocalBucketStore

    from mlkit.input_modes.channel import INPUT_MODES
    from mlkit.input_modes.storage import STORAGE

    sc = _scenario(scenario)
    if shape:
        sc = sc.with_shape(**shape)
    check_one_of("mode", mode, INPUT_MODES)
    check_one_of("storage", storage, list(STORAGE))
    store = store if store is not None else LocalBucketStore()
    if type(store) is LocalBucketStore and store.root is None:
        # the same folder, found once: a default store looks its root up (environment, user dirs)
        # on every path, and a job asks for hundreds of paths
        store = LocalBucketStore(store.root_path)
    return _job(sc, mode, storage, store, instance, VolumeSizeInGB, seed, train_fn).run()


def compare_input_modes(scenario="large-sequential", modes=("File", "FastFile", "Pipe"),
                        storages=("s3", "s3-express", "fsx-lustre", "efs"), *, store=None, seed: int = 0,
                        progress: bool = True, **shape):
    """One row per valid (mode, storage) pair: times, disk and bytes read, as a DataFrame.

    Columns: ``mode``, ``storage``, ``time_to_first_batch_s``,
    ``total_time_s``, ``download_time_s``, ``compute_s``, ``waiting_s``,
    ``peak_disk_GB``, ``GB_read``, ``requests``. FSx for Lustre and EFS
    appear with File mode only (mounted). A tqdm bar counts the jobs
    (``progress=False`` hides it); interrupting (Ctrl-C) returns the rows of
    the jobs that finished, with a warning.
    """
    import warnings

    import pandas as pd
    from tqdm.auto import tqdm

    from mlkit.input_modes.storage import get_profile

    pairs = [(mode, storage) for storage in storages for mode in modes
             if mode == "File" or not get_profile(storage).is_file_system]
    rows = []
    with tqdm(total=len(pairs), desc=f"{_scenario(scenario).name} jobs", unit="job",
              disable=not progress) as bar:
        try:
            for mode, storage in pairs:
                run = measure(scenario, mode, storage, store=store, seed=seed, **shape)
                rows.append({"mode": mode, "storage": storage, **run.summary()})
                bar.update(1)
        except KeyboardInterrupt:
            warnings.warn(f"interrupted: {len(rows)} of {len(pairs)} jobs finished", stacklevel=2)
    return pd.DataFrame(rows, columns=["mode", "storage", "time_to_first_batch_s", "total_time_s",
                                       "download_time_s", "compute_s", "waiting_s", "peak_disk_GB",
                                       "GB_read", "requests"])
