"""Training input modes: real bytes through File, FastFile and Pipe channels, timed on a simulated clock."""

import io
import os
import stat
import tarfile
import tempfile
import threading
from pathlib import Path

import pytest

from mlkit.aws import validate_request
from mlkit.input_modes import (STORAGE, Channel, LocalTrainingJob, TrainingInstance, VolumeFullError,
                               compare_input_modes, fsx_lustre, measure)
from mlkit.input_modes.scenarios import SCENARIOS
from mlkit.recordio import MAGIC, read_recordio
from mlkit.storage import LocalBucketStore

PREFIX = "s3://demo-bucket/train/"


@pytest.fixture
def store(tmp_path):
    s = LocalBucketStore(tmp_path / "bucket")
    for i in range(5):
        s.put(f"{PREFIX}part-{i}.bin", bytes([i]) * (1000 + 7 * i))
    return s


@pytest.fixture
def job_tmp(tmp_path, monkeypatch):
    """Job folders go to a fresh temp dir, so a test can see what is left behind."""
    folder = tmp_path / "jobs"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def pipe_threads():
    return [t for t in threading.enumerate() if t.name.startswith("mlkit-pipe-")]


def run(store, train, mode="File", **kw):
    channel_kw = {k: kw.pop(k) for k in list(kw) if k[0].isupper() or k == "storage"}
    channel = Channel("train", PREFIX, InputMode=mode, **channel_kw)
    return LocalTrainingJob([channel], train, store=store, **kw).run()


# -- File mode ----------------------------------------------------------------------------
def test_file_mode_copies_the_whole_prefix_before_the_training_function_starts(store, job_tmp):
    seen = {}

    def train(ctx):
        view = ctx.channels["train"]
        seen["files"] = sorted(p.name for p in view.path.iterdir())  # before any read
        seen["bytes"] = (view.path / "part-3.bin").read_bytes()
        seen["under_input_data"] = view.path.parent.name == "data" and view.path.name == "train"

    result = run(store, train)
    assert seen["files"] == [f"part-{i}.bin" for i in range(5)]
    assert seen["bytes"] == store.get(f"{PREFIX}part-3.bin")
    assert seen["under_input_data"]
    assert result.real["bytes_copied_to_volume"] == sum(1000 + 7 * i for i in range(5))
    assert result.peak_disk_bytes == result.real["bytes_copied_to_volume"]  # scale 1, no model written


def test_file_mode_refuses_a_data_set_larger_than_the_volume(store, job_tmp):
    with pytest.raises(VolumeFullError, match="hold 50.7 GB but VolumeSizeInGB is 30"):
        run(store, lambda ctx: None, size_scale=1e7)  # 5,070 real bytes x 1e7
    assert list(job_tmp.iterdir()) == []


# -- FastFile ---------------------------------------------------------------------------
def test_fastfile_fetches_nothing_until_the_first_read_and_supports_seek(store, job_tmp):
    log = {}

    def train(ctx):
        view = ctx.channels["train"]
        assert view.path is None
        f = view.open("part-2.bin")
        log["after_open"] = ctx.channels["train"]._trace.copy()
        f.seek(500)
        log["at_500"] = f.read(3)
        f.seek(0)
        log["at_0"] = f.read(2)
        f.close()

    result = run(store, train, mode="FastFile")
    assert log["after_open"] == []
    assert log["at_500"] == b"\x02" * 3 and log["at_0"] == b"\x02" * 2
    assert result.peak_disk_bytes == 0  # nothing copied to the volume
    assert result.requests == 1 + 2  # one LIST, then two GETs: the seek back starts a new request


def test_an_unknown_file_name_is_a_key_error_listing_names(store, job_tmp):
    with pytest.raises(KeyError, match="part-0.bin, part-1.bin"):
        run(store, lambda ctx: ctx.channels["train"].open("nope.bin"), mode="FastFile")


# -- Pipe ---------------------------------------------------------------------------------
def test_pipe_mode_streams_every_object_through_a_real_fifo_per_epoch(store, job_tmp):
    got = {}

    def train(ctx):
        view = ctx.channels["train"]
        for epoch in range(2):
            path = view.fifo(epoch)
            got[epoch] = (Path(path).name, stat.S_ISFIFO(os.stat(path).st_mode))
            with open(path, "rb") as f:
                got[f"data{epoch}"] = f.read()

    result = run(store, train, mode="Pipe")
    expected = b"".join(store.get(u) for u in store.list(PREFIX))
    assert got[0] == ("train_0", True) and got[1] == ("train_1", True)
    assert got["data0"] == got["data1"] == expected
    assert result.real["fifos_created"] == 2 and result.peak_disk_bytes == 0


def test_shuffle_config_changes_the_order_every_epoch_and_repeats_with_the_seed(store, job_tmp):
    def orders(seed):
        out = []

        def train(ctx):
            for epoch in range(3):
                with open(ctx.channels["train"].fifo(epoch), "rb") as f:
                    out.append([p[0] for p in read_recordio(f)])

        run(store, train, mode="Pipe", RecordWrapperType="RecordIO", ShuffleConfig={"Seed": seed})
        return out

    first, again = orders(5), orders(5)
    assert first == again
    assert len({tuple(o) for o in first}) > 1  # 5! orders: three epochs alike has chance 1/120^2
    assert sorted(first[0]) == [0, 1, 2, 3, 4]


def test_recordio_wrapping_frames_each_object_as_one_record(store, job_tmp):
    payloads = []

    def train(ctx):
        with open(ctx.channels["train"].fifo(0), "rb") as f:
            head = f.read(8)
            payloads.append(int.from_bytes(head[:4], "little"))
            payloads.extend(read_recordio(io.BytesIO(head + f.read())))

    run(store, train, mode="Pipe", RecordWrapperType="RecordIO")
    assert payloads[0] == MAGIC
    assert payloads[1:] == [store.get(u) for u in store.list(PREFIX)]


def test_pipe_epochs_must_be_opened_in_order(store, job_tmp):
    with pytest.raises(ValueError, match="epoch must be 0.*got 1"):
        run(store, lambda ctx: ctx.channels["train"].fifo(1), mode="Pipe")


# -- clean-up, even on failure ---------------------------------------------------------------
def test_nothing_is_left_after_a_training_function_raises_mid_epoch(store, job_tmp):
    big = LocalBucketStore(store.root)
    big.put(f"{PREFIX}zz-big.bin", b"z" * (4 << 20))  # more than a FIFO buffer: the writer must be blocked

    def train(ctx):
        with open(ctx.channels["train"].fifo(0), "rb") as f:
            f.read(10)
            raise RuntimeError("boom in epoch 0")

    with pytest.raises(RuntimeError, match="boom in epoch 0"):
        run(big, train, mode="Pipe")
    assert pipe_threads() == []
    assert list(job_tmp.iterdir()) == []


def test_nothing_is_left_when_the_pipe_is_never_opened(store, job_tmp):
    def train(ctx):
        ctx.channels["train"].fifo(0)  # created, never read: the writer must not wait forever

    result = run(store, train, mode="Pipe")
    assert result.status == "Completed"
    assert pipe_threads() == [] and list(job_tmp.iterdir()) == []


def test_a_reader_that_stops_early_ends_the_writer(store, job_tmp):
    big = LocalBucketStore(store.root)
    big.put(f"{PREFIX}zz-big.bin", b"z" * (4 << 20))

    def train(ctx):
        with open(ctx.channels["train"].fifo(0), "rb") as f:
            f.read(100)

    result = run(big, train, mode="Pipe")
    assert pipe_threads() == [] and list(job_tmp.iterdir()) == []
    assert result.real["bytes_read"] < 4 << 20  # the writer stopped long before the end


def test_file_mode_failure_removes_the_copies(store, job_tmp):
    def train(ctx):
        raise ValueError("bad hyperparameter")

    with pytest.raises(ValueError, match="bad hyperparameter"):
        run(store, train)
    assert list(job_tmp.iterdir()) == []


def test_model_dir_is_packed_into_model_tar_gz_in_the_output_path(store, job_tmp):
    def train(ctx):
        (ctx.model_dir / "weights.txt").write_text("42")

    result = run(store, train, mode="FastFile")
    assert result.model_artifacts == "s3://mlkit-input-modes/output/mlkit-input-modes/output/model.tar.gz"
    with tarfile.open(fileobj=io.BytesIO(store.get(result.model_artifacts))) as tar:
        assert tar.extractfile("weights.txt").read() == b"42"


# -- channels: what SageMaker refuses --------------------------------------------------------
@pytest.mark.parametrize("kwargs, match", [
    ({"InputMode": "FastFile", "S3DataType": "AugmentedManifestFile", "S3Uri": "s3://b-1/m.manifest"},
     "InputMode 'FastFile' does not support augmented manifest files"),
    ({"InputMode": "File", "S3DataType": "AugmentedManifestFile", "S3Uri": "s3://b-1/m.manifest"},
     "only in Pipe mode"),
    ({"InputMode": "File", "RecordWrapperType": "RecordIO"}, "needs InputMode 'Pipe'"),
    ({"InputMode": "FastFile", "CompressionType": "Gzip"}, "Gzip.*only in Pipe"),
    ({"InputMode": "Pipe", "storage": "fsx-lustre"}, "InputMode must be 'File' for FSx for Lustre"),
    ({"InputMode": "FastFile", "storage": "efs"}, "InputMode must be 'File' for Amazon EFS"),
    ({"storage": "s3-express"}, "directory bucket .* got bucket 'mlkit-input-modes'"),
    ({"InputMode": "Stream"}, "InputMode must be one of 'File', 'FastFile', 'Pipe'"),
    ({"ChannelName": "train data"}, "ChannelName must be 1-64 characters"),
    ({"ShuffleConfig": {"seed": 1}}, "ShuffleConfig must be a dict"),
    ({"storage": "glacier"}, "storage must be one of 's3', 's3-express', 'fsx-lustre', 'efs'"),
    ({"storage": "efs", "FileSystemId": "efs-1"}, "FileSystemId must look like"),
])
def test_channel_refuses_what_sagemaker_refuses(kwargs, match):
    kwargs = {"S3Uri": "s3://mlkit-input-modes/train/", **kwargs}
    with pytest.raises(ValueError, match=match):
        Channel(kwargs.pop("ChannelName", "train"), kwargs.pop("S3Uri"), **kwargs)


def test_augmented_manifest_with_pipe_is_accepted():
    ch = Channel("train", "s3://b-1/labels.manifest", InputMode="Pipe", S3DataType="AugmentedManifestFile",
                 RecordWrapperType="RecordIO")
    assert ch.to_channel()["DataSource"]["S3DataSource"]["S3DataType"] == "AugmentedManifestFile"


# -- the exported request -----------------------------------------------------------------------
def test_create_training_job_requests_validate_for_every_mode_and_storage():
    channels = [
        Channel("train", "s3://mlkit-input-modes/train/", InputMode="File", ContentType="text/csv"),
        Channel("validation", "s3://data--use1-az4--x-s3/val/", InputMode="FastFile", storage="s3-express"),
        Channel("stream", "s3://mlkit-input-modes/rec/", InputMode="Pipe", RecordWrapperType="RecordIO",
                ContentType="application/x-recordio-protobuf", CompressionType="Gzip", ShuffleConfig={"Seed": 3}),
        Channel("fsx", "s3://mlkit-input-modes/images/", storage="fsx-lustre"),
        Channel("efs", "s3://mlkit-input-modes/more/", storage="efs"),
    ]
    request = LocalTrainingJob(channels, lambda ctx: None, VolumeSizeInGB=50).to_request()
    assert validate_request("sagemaker", "CreateTrainingJob", request) == request
    config = request["InputDataConfig"]
    assert config[3]["DataSource"]["FileSystemDataSource"] == {
        "FileSystemId": "fs-0123456789abcdef0", "FileSystemAccessMode": "ro", "FileSystemType": "FSxLustre",
        "DirectoryPath": "/fsx/images"}
    assert config[4]["DataSource"]["FileSystemDataSource"]["FileSystemType"] == "EFS"
    assert config[2]["ShuffleConfig"] == {"Seed": 3} and config[2]["InputMode"] == "Pipe"
    assert "VpcConfig" in request  # file systems are reached in a VPC


def test_duplicate_channel_names_are_refused():
    with pytest.raises(ValueError, match="distinct ChannelName"):
        LocalTrainingJob([Channel("train"), Channel("train")], lambda ctx: None).to_request()


@pytest.mark.parametrize("kwargs, error, match", [
    ({"VolumeSizeInGB": 0}, ValueError, "VolumeSizeInGB must be an integer >= 1 and <= 16384, got 0"),
    ({"readers": 0}, ValueError, "readers must be an integer >= 1"),
    ({"size_scale": -1.0}, ValueError, "size_scale must be a finite number > 0.0"),
    ({"count_scale": 0}, ValueError, "count_scale must be an integer >= 1"),
])
def test_job_parameters_are_checked_at_run(store, kwargs, error, match):
    with pytest.raises(error, match=match):
        LocalTrainingJob([Channel("train", PREFIX)], lambda ctx: None, store=store, **kwargs).run()


def test_a_channel_without_objects_names_the_uri(store):
    with pytest.raises(FileNotFoundError, match="no objects under s3://demo-bucket/empty/"):
        LocalTrainingJob([Channel("train", "s3://demo-bucket/empty/")], lambda ctx: None, store=store).run()


# -- storage profiles ---------------------------------------------------------------------------
def test_every_profile_cites_a_source_or_says_illustrative_for_each_figure():
    for profile in STORAGE.values():
        for figure in ("first_byte_latency_s", "stream_MBps", "aggregate_MBps", "max_requests_per_s"):
            source = profile.sources[figure]
            assert source.startswith("https://docs.aws.amazon.com/") or source.startswith("illustrative")


def test_fsx_throughput_is_capacity_times_per_unit_throughput():
    assert fsx_lustre(capacity_TiB=4.8, per_unit_MBps_per_TiB=500).aggregate_MBps == pytest.approx(2400.0)
    with pytest.raises(ValueError, match="per_unit_MBps_per_TiB must be one of 125, 200, 250, 500, 1000"):
        fsx_lustre(per_unit_MBps_per_TiB=300)


# -- timing: the notes' claims come out of the numbers -------------------------------------------
@pytest.fixture(scope="module")
def sample_store(tmp_path_factory):
    return LocalBucketStore(tmp_path_factory.mktemp("samples"))


@pytest.fixture(scope="module")
def large(sample_store):
    return {m: measure("large-sequential", m, "s3", store=sample_store) for m in ("File", "FastFile", "Pipe")}


@pytest.fixture(scope="module")
def small(sample_store):
    return {m: measure("many-small-random", m, "s3", store=sample_store) for m in ("File", "FastFile", "Pipe")}


def test_pipe_wins_large_sequential_reads_in_total_time(large):
    # Pipe overlaps a 1,250 MB/s stream (the network) with 400 s of compute; FastFile reads one
    # 90 MB/s stream per file and File waits for a 131 MB/s volume (download, then every epoch)
    assert large["Pipe"].total_time_s < 0.5 * large["FastFile"].total_time_s
    assert large["Pipe"].total_time_s < 0.5 * large["File"].total_time_s


def test_pipe_total_is_compute_plus_what_it_cannot_overlap(large):
    # 2 epochs x 100 GB x 0.002 s/MB = 400 s of compute; streaming 100 GB at 1,250 MB/s takes 80 s
    # per epoch and overlaps it, so the total is a little over the compute
    pipe = large["Pipe"]
    assert pipe.compute_s == pytest.approx(400.0, rel=1e-9)
    assert 400.0 < pipe.total_time_s < 400.0 + 2 * 80.0


def test_file_mode_waits_for_the_whole_download_at_the_volume_speed(large):
    # 100 GB written at the gp3 baseline of 125 MiB/s = 131.07 MB/s: 762.9 s, plus one LIST (0.1 s)
    assert large["File"].download_time_s == pytest.approx(100e9 / (125 * 1.048576e6) + 0.1, rel=0.01)
    assert large["File"].time_to_first_batch_s >= large["File"].download_time_s


def test_file_mode_needs_disk_for_the_whole_data_set_and_pipe_almost_none(large):
    assert large["File"].peak_disk_bytes >= 100e9
    assert large["Pipe"].peak_disk_bytes < 1e6  # the model artifact only
    assert large["FastFile"].peak_disk_bytes < 1e6


def test_streaming_modes_start_at_once(large):
    # listing (0.1 s) + one first-byte latency (0.1 s) + the first 8 MB batch: well under a second
    assert large["Pipe"].time_to_first_batch_s < 1.0 and large["FastFile"].time_to_first_batch_s < 1.0


def test_fastfile_wins_many_small_files_read_at_random(small):
    assert small["FastFile"].total_time_s < 0.5 * small["File"].total_time_s
    assert small["FastFile"].total_time_s < 0.05 * small["Pipe"].total_time_s
    assert small["FastFile"].time_to_first_batch_s < small["File"].time_to_first_batch_s / 10


def test_fastfile_reads_only_the_files_drawn(small):
    # a random 20% of 1,000,000 files of 100 KB = 20 GB, against File's and Pipe's 100 GB
    assert small["FastFile"].bytes_read == pytest.approx(20e9, rel=0.01)
    assert small["File"].bytes_read == pytest.approx(100e9, rel=0.01)
    assert small["Pipe"].bytes_read >= 100e9


def test_pipe_pays_the_first_byte_latency_once_per_small_object(small):
    # one ordered stream: 1,000,000 objects x 0.1 s, one after another
    assert small["Pipe"].total_time_s == pytest.approx(1e6 * 0.1, rel=0.05)


def test_s3_express_cuts_the_small_file_time_by_about_its_latency_ratio(sample_store, small):
    express = measure("many-small-random", "FastFile", "s3-express", store=sample_store)
    # 100 ms -> 5 ms first-byte latency: the latency-bound part shrinks 20x; transfer and compute remain
    assert express.total_time_s < small["FastFile"].total_time_s / 10


def test_file_systems_are_mounted_so_training_starts_without_a_download(sample_store):
    for storage in ("fsx-lustre", "efs"):
        run_ = measure("many-small-random", "File", storage, store=sample_store)
        assert run_.download_time_s == 0.0 and run_.peak_disk_bytes < 1e6
        assert run_.time_to_first_batch_s < 0.1


def test_the_same_job_gives_the_same_numbers(sample_store, small):
    again = measure("many-small-random", "FastFile", "s3", store=sample_store)
    assert again.summary() == small["FastFile"].summary()


def test_twice_the_files_takes_twice_the_download(sample_store, large):
    double = measure("large-sequential", "File", "s3", store=sample_store, n_files=8)
    # the download is bound by the volume's write speed, so it scales with the bytes
    assert double.download_time_s == pytest.approx(2 * large["File"].download_time_s, rel=0.01)


def test_the_incremental_model_learns_from_the_pipe(sample_store, large):
    import json

    with tarfile.open(fileobj=io.BytesIO(sample_store.get(large["Pipe"].model_artifacts))) as tar:
        model = json.load(tar.extractfile("model.json"))
    # the loans data approve applicants with higher credit scores (feature 1)
    assert model["coef"][1] > 0
    assert model["records_seen"] == 2 * sum(1 for _ in read_recordio(io.BytesIO(b"".join(
        sample_store.get(u) for u in sample_store.list("s3://mlkit-input-modes/large-sequential/")))))


def test_xgboost_trains_from_a_file_channel(sample_store):
    from mlkit.input_modes.scenarios import train_xgboost_file

    result = measure("large-sequential", "File", "s3", store=sample_store, train_fn=train_xgboost_file)
    with tarfile.open(fileobj=io.BytesIO(sample_store.get(result.model_artifacts))) as tar:
        assert "xgboost-model.json" in tar.getnames()


def test_compare_lists_file_systems_with_file_mode_only(sample_store):
    table = compare_input_modes("many-small-random", store=sample_store)
    assert set(table[table.storage.isin(["fsx-lustre", "efs"])]["mode"]) == {"File"}
    assert len(table) == 3 + 3 + 1 + 1
    assert list(table.columns[:4]) == ["mode", "storage", "time_to_first_batch_s", "total_time_s"]


def test_scenario_fields_are_validated():
    with pytest.raises(ValueError, match="read_fraction must be a finite number > 0.0 and <= 1.0, got 1.5"):
        SCENARIOS["many-small-random"].with_shape(read_fraction=1.5)
    with pytest.raises(ValueError, match="scenario must be one of 'large-sequential', 'many-small-random'"):
        measure("tiny")


def test_a_faster_volume_shortens_file_mode(sample_store, large):
    fast = measure("large-sequential", "File", "s3", store=sample_store,
                   instance=TrainingInstance(volume_MBps=1000.0))
    # download bound by min(network 1,250, volume 1,000) = 1,000 MB/s: 100 s instead of 763 s
    assert fast.download_time_s == pytest.approx(100.0 + 0.1, rel=0.02)


def test_interrupting_a_comparison_keeps_the_finished_jobs(sample_store, monkeypatch):
    from mlkit.input_modes import scenarios

    real = scenarios.measure
    calls = []

    def measure_then_interrupt(*args, **kwargs):
        calls.append(args)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(scenarios, "measure", measure_then_interrupt)
    with pytest.warns(UserWarning, match="interrupted: 2 of 8 jobs finished"):
        table = compare_input_modes("many-small-random", store=sample_store, progress=False)
    assert list(table["mode"]) == ["File", "FastFile"]
