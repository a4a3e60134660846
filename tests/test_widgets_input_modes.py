"""The input-mode explorer: set controls, read the job's numbers, see refused combinations in the banner."""

import pytest

from mlkit.storage import LocalBucketStore
from widgets.input_modes import InputModeExplorer


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return LocalBucketStore(tmp_path_factory.mktemp("bucket"))


def test_switching_to_file_mode_fills_the_disk_gauge(store):
    w = InputModeExplorer(scenario="many-small-random", mode="Pipe", store=store)
    assert w.result.peak_disk_bytes < 1e6 and w.disk_share < 0.01
    w.controls["mode"].value = "File"
    assert w.result.peak_disk_bytes >= 100e9
    # the gauge shows the data set as a share of the volume the job was given
    assert w.disk_share == pytest.approx(100 * w.result.peak_disk_bytes / w.result.volume_bytes)
    assert "download before training" in w.table.value and "<rect class='disk'" in w.chart.value


def test_a_new_workload_brings_its_shape_and_computes_once(store, monkeypatch):
    w = InputModeExplorer(scenario="large-sequential", mode="FastFile", store=store)
    calls = []
    original = w.compute
    monkeypatch.setattr(w, "compute", lambda **v: calls.append(v) or original(**v))
    w.controls["scenario"].value = "many-small-random"
    assert len(calls) == 1
    assert calls[0]["n_files"] == 1_000_000 and calls[0]["file_MB"] == pytest.approx(0.1)
    assert w.result.bytes_read == pytest.approx(20e9, rel=0.01)  # a random 20% of 100 GB


def test_fsx_with_pipe_shows_the_rule_and_keeps_the_last_result(store):
    w = InputModeExplorer(scenario="many-small-random", mode="Pipe", storage="s3", store=store)
    before = w.result
    w.controls["storage"].value = "fsx-lustre"
    assert "InputMode must be 'File' for FSx for Lustre" in w.error
    assert w.result is before
    w.controls["mode"].value = "File"
    assert w.error is None and w.result.download_time_s == 0.0


def test_the_timeline_draws_one_bar_per_span_of_each_row(store):
    w = InputModeExplorer(scenario="many-small-random", mode="File", store=store)
    assert len(w.spans[0]) > 0  # File mode: a download before training
    w.controls["mode"].value = "FastFile"
    # FastFile only lists before training: 1,000 LIST pages of 0.1 s out of the whole job
    assert len(w.spans[0]) == 1
    start, width = w.spans[0][0]
    assert start + width == pytest.approx(100 * 100.0 / w.result.total_time_s, rel=0.05)
    assert w.chart.value.count("<rect class='span'") == sum(len(row) for row in w.spans)


def test_more_files_make_file_mode_start_later(store):
    w = InputModeExplorer(scenario="many-small-random", mode="File", store=store)
    before = w.result.time_to_first_batch_s
    w.controls["n_files"].value = 2_000_000
    assert w.result.time_to_first_batch_s == pytest.approx(2 * before, rel=0.05)  # the download doubles


def test_a_bad_file_count_shows_the_engine_message(store):
    w = InputModeExplorer(scenario="many-small-random", store=store)
    w.controls["n_files"].value = 0
    assert "n_files must be an integer >= 1" in w.error


def test_the_caption_names_the_mode_the_total_and_the_disk(store):
    w = InputModeExplorer(scenario="many-small-random", mode="FastFile", store=store)
    w.set(mode="File")
    assert "File" in w.caption.value and "disk" in w.caption.value
    assert w.result.summary()["total_time_s"] > 0


def test_a_default_store_looks_up_its_folder_once_per_job(monkeypatch, tmp_path):
    import mlkit.storage
    from mlkit.input_modes.scenarios import measure

    monkeypatch.setenv("MLKIT_HOME", str(tmp_path))
    calls = []
    real = mlkit.storage.default_store_root
    monkeypatch.setattr(mlkit.storage, "default_store_root", lambda: calls.append(1) or real())
    run = measure("many-small-random", "FastFile", store=mlkit.storage.LocalBucketStore())
    assert run.bytes_read > 0 and len(calls) == 1  # resolved once, not once per object path
    assert (tmp_path / "s3").is_dir()  # the job's data went to the default folder


def test_a_setting_run_before_is_shown_again_without_running_the_job(store, monkeypatch):
    import mlkit.input_modes.scenarios as scenarios

    w = InputModeExplorer(scenario="many-small-random", mode="FastFile", store=store)
    first, picture = w.result, w.chart.value
    w.set(mode="File")
    calls = []
    monkeypatch.setattr(scenarios, "measure", lambda *a, **k: calls.append(a))
    w.set(mode="FastFile")
    assert calls == [] and w.result is first and w.chart.value == picture
    assert w.disk_share == pytest.approx(100 * first.peak_disk_bytes / first.volume_bytes)


def test_a_rerun_of_a_setting_gives_the_same_numbers(store):
    # what makes showing a remembered run honest: the job is deterministic for a setting
    from mlkit.input_modes.scenarios import measure

    a = measure("many-small-random", "FastFile", "s3", store=store)
    b = measure("many-small-random", "FastFile", "s3", store=store)
    assert a.summary() == b.summary() and a.timeline.equals(b.timeline)
