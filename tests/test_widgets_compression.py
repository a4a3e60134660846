"""The compression bench: set technique and level, read the measured comparison, see bad levels in the banner."""

import pytest

from mlkit.compression import CompressionLab
from widgets.compression import CompressionBench


@pytest.fixture(scope="module")
def lab():
    return CompressionLab(n_rows=600, hidden=(16, 16), n_trees=20, max_depth=3, repeats=3, seed=0).fit()


def test_the_default_shows_int8_quantization_of_the_mlp(lab):
    w = CompressionBench(lab)
    assert w.result.technique == "quantize" and w.result.compressed.name.startswith("int8")
    assert "int8" in w.table.value


def test_changing_the_level_recomputes_the_size(lab):
    w = CompressionBench(lab)
    eight = w.result.compressed.nbytes
    w.controls["level"].value = 4
    assert w.result.compressed.nbytes < eight  # 4-bit codes take half the room of 8-bit ones


def test_the_bars_show_the_ratios_to_the_original(lab):
    w = CompressionBench(lab, technique="prune", level=50)
    r = w.result
    assert w._bars[0].get_height() == pytest.approx(r.compressed.nbytes / r.original.nbytes)
    assert w._bars[2].get_height() == pytest.approx(r.compressed.accuracy / r.original.accuracy)


def test_switching_to_trees_compares_with_the_xgboost_original(lab):
    w = CompressionBench(lab)
    w.set(technique="trees", level=5)
    assert w.result.original.name.startswith("XGBoost") and w.error is None


def test_a_level_out_of_range_shows_the_engine_message_and_keeps_the_result(lab):
    w = CompressionBench(lab)
    before = w.result
    w.controls["level"].value = 16  # quantization takes 2 to 8 bits
    assert "level (bits) must be an integer >= 2 and <= 8, got 16" in w.error and w.result is before


def test_the_figure_is_redrawn_in_place(lab):
    w = CompressionBench(lab)
    fig, bars = w.figure, w._bars
    w.controls["level"].value = 3
    assert w.figure is fig and w._bars is bars


def test_the_table_and_fourth_bar_show_the_model_tar_gz_size(lab):
    w = CompressionBench(lab)
    r = w.result
    assert "model.tar.gz bytes" in w.table.value and f"{r.compressed.artifact_nbytes:,}" in w.table.value
    assert w._bars[3].get_height() == pytest.approx(r.artifact_ratio)  # compressed / original archive


def test_a_model_without_an_artifact_format_shows_a_dash_and_no_bar(lab, monkeypatch):
    import dataclasses

    real = lab.evaluate

    def no_artifact(technique, level):
        r = real(technique, level)
        return dataclasses.replace(r, compressed=dataclasses.replace(r.compressed, artifact_nbytes=None))

    monkeypatch.setattr(lab, "evaluate", no_artifact)
    w = CompressionBench(lab)
    assert w.result.artifact_ratio is None and w._bars[3].get_height() == 0.0
    assert "<td>-</td>" in w.table.value
