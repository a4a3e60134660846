"""Claims of the input modes topic: each verdict rule can come out either way, and the defaults give the recorded verdicts.

Times are simulated seconds (deterministic), so they are compared exactly
or against the scenario's own sizes.
"""

import pytest

from mlkit import claims
from mlkit.claims.measures import input_modes


@pytest.fixture(scope="module")
def start():
    return input_modes.pipe_starts_faster(0)


def test_pipe_starts_faster_than_file_from_s3_but_not_than_mounted_file_systems(start):
    assert start.verdict == "holds with conditions"
    f = start.figures
    # File mode copies 100 GB before the first batch: hundreds of simulated seconds, Pipe well under one
    assert f["first_batch_file_s3_s"] > 100 * f["first_batch_pipe_s"]
    # a mounted FSx for Lustre copies nothing, so it reaches the first batch before Pipe's stream
    assert f["first_batch_file_fsx_lustre_s"] < f["first_batch_pipe_s"]
    assert "mounted file system" in start.condition


def test_pipe_starts_faster_holds_when_only_s3_is_compared():
    m = input_modes.pipe_starts_faster(0, file_systems=())
    assert m.verdict == "holds"


def test_pipe_starts_faster_refuted_on_a_tiny_data_set():
    m = input_modes.pipe_starts_faster(0, file_systems=(), n_files=1, file_MB=0.01)
    assert m.verdict == "refuted"
    # 10 KB download in File mode vs a stream's set-up: within 2 x of each other (the rule's margin)
    assert m.figures["first_batch_file_s3_s"] < 2 * m.figures["first_batch_pipe_s"]


def test_fastfile_beats_pipe_on_many_small_random_files():
    m = input_modes.fastfile_many_small_files(0)
    assert m.verdict == "holds"
    # FastFile reads only the random fifth it needs (20 of 100 GB); Pipe streams every file
    assert m.figures["GB_read_fastfile"] == pytest.approx(20.0, rel=1e-6)
    assert m.figures["GB_read_pipe"] >= 100.0
    assert m.figures["ratio_pipe_to_fastfile"] >= 1.5


def test_fastfile_claim_refuted_for_large_files_read_in_order():
    m = input_modes.fastfile_many_small_files(0, scenario="large-sequential")
    assert m.verdict == "refuted"
    assert m.figures["ratio_pipe_to_fastfile"] < 1.0  # Pipe is the faster one there


def test_pipe_throughput_holds_only_for_large_sequential_files():
    m = input_modes.pipe_better_throughput(0)
    assert m.verdict == "holds with conditions"
    f = m.figures
    assert f["total_pipe_large_sequential_s"] < f["total_file_large_sequential_s"]
    assert f["total_pipe_many_small_random_s"] > f["total_file_many_small_random_s"]


def test_pipe_throughput_holds_without_the_small_file_workload():
    assert input_modes.pipe_better_throughput(0, scenarios=("large-sequential",)).verdict == "holds"


def test_pipe_throughput_refuted_with_only_the_small_file_workload():
    assert input_modes.pipe_better_throughput(0, scenarios=("many-small-random",)).verdict == "refuted"


def test_pipe_keeps_only_the_model_on_disk():
    m = input_modes.pipe_disk_only_model(0)
    assert m.verdict == "holds"
    assert m.figures["peak_disk_pipe_bytes"] <= m.figures["model_bytes"]
    assert m.figures["peak_disk_file_GB"] == pytest.approx(100.0, rel=1e-6)  # 4 files x 25 GB copied


def test_disk_claim_refuted_for_file_mode():
    m = input_modes.pipe_disk_only_model(0, mode="File")
    assert m.verdict == "refuted"
    assert m.figures["peak_disk_file_bytes"] >= 100e9


def test_same_seed_gives_identical_figures(start):
    again = claims.check("input-modes-pipe-starts-faster", progress=False).results[0]
    assert again.status == start.verdict and again.figures == start.figures
