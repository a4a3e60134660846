"""The compression and edge claims: each verdict rule gives the claimed verdict by default and can fail."""

import pytest

from mlkit.claims.measures import edge


def test_int8_costs_little_accuracy_but_shrinks_less_than_four_times():
    m = edge.int8_small_accuracy_cost(0)
    assert m.verdict == "holds with conditions"
    f = m.figures
    # 8 of 32 bits is 0.25; the 12-64-64-1 MLP's float32 scales and biases add ~0.045 (516 + 516 of 20,228 bytes)
    assert edge.FOUR_TIMES_RATIO < f["size_ratio"] <= 0.3
    assert f["size_ratio"] == pytest.approx(f["bytes_int8"] / f["bytes_float32"], rel=1e-5)  # 6 significant digits kept
    assert f["accuracy_change_pts"] > -edge.SMALL_LOSS_PTS
    assert "not 4" in m.condition


def test_four_bit_quantization_holds_four_times_smaller():
    m = edge.int8_small_accuracy_cost(0, bits=4)
    assert m.verdict == "holds"
    assert m.figures["size_ratio"] <= edge.FOUR_TIMES_RATIO


def test_two_bit_quantization_is_refuted_for_its_accuracy_loss():
    m = edge.int8_small_accuracy_cost(0, bits=2)
    assert m.verdict == "refuted"
    assert m.figures["size_ratio"] <= 0.3  # it does shrink: the accuracy half of the rule fails
    assert m.figures["accuracy_change_pts"] <= -edge.SMALL_LOSS_PTS
    assert "lost" in m.corrected


def test_pruning_costs_little_only_at_moderate_sparsity():
    m = edge.pruning_small_accuracy_cost(0)
    assert m.verdict == "holds with conditions"
    f = m.figures
    assert f["accuracy_change_50pct_pts"] > -edge.SMALL_LOSS_PTS
    assert f["accuracy_change_90pct_pts"] <= -edge.SMALL_LOSS_PTS
    # fine-tuning with the mask held recovers part of the loss at 90 %
    assert f["accuracy_change_90pct_finetuned_pts"] > f["accuracy_change_90pct_pts"]
    # CSR stores 6 bytes per kept weight against 4 dense: half the weights keep ~0.75 of the bytes, not 0.5
    assert 0.7 <= f["size_ratio_50pct"] <= 0.85


def test_pruning_is_refuted_when_even_the_low_sparsity_is_high():
    m = edge.pruning_small_accuracy_cost(0, sparsity_low=90, sparsity_high=90)
    assert m.verdict == "refuted"
    assert m.figures["accuracy_change_90pct_pts"] <= -edge.SMALL_LOSS_PTS


def test_pruning_names_sparsities_in_the_wrong_order():
    with pytest.raises(ValueError, match="sparsity_low must be <= sparsity_high"):
        edge.pruning_small_accuracy_cost(0, sparsity_low=90, sparsity_high=50)


def test_distillation_keeps_accuracy_only_for_a_big_enough_student():
    m = edge.distillation_keeps_accuracy(0)
    assert m.verdict == "holds with conditions"
    f = m.figures
    assert f["accuracy_change_10_trees_pts"] <= -edge.SMALL_LOSS_PTS
    assert f["accuracy_change_300_trees_pts"] > -edge.SMALL_LOSS_PTS
    assert f["size_share_300_trees"] < 0.25  # still a fraction of the teacher's bytes


def test_distillation_into_a_tiny_student_is_refuted():
    m = edge.distillation_keeps_accuracy(0, student_trees=(10,))
    assert m.verdict == "refuted"
    assert m.figures["accuracy_change_10_trees_pts"] <= -edge.SMALL_LOSS_PTS


def test_distillation_names_an_empty_student_list():
    with pytest.raises(ValueError, match="student_trees must hold at least one"):
        edge.distillation_keeps_accuracy(0, student_trees=())


def test_neo_artifact_loads_only_on_its_platform():
    m = edge.neo_runs_only_on_its_target(0)
    assert m.verdict == "holds with conditions"
    f = m.figures
    # ml_c5 and ml_m5 share LINUX/X86_64; ml_c6g (ARM64) and jetson_nano (ARM64/NVIDIA) do not
    assert (f["targets_loaded"], f["targets_refused"], f["other_devices_loaded"]) == (2, 2, 1)
    assert f["predictions_match_original"] == "yes"
    assert "ml_m5" in m.condition


def test_neo_holds_when_every_other_target_is_another_platform():
    m = edge.neo_runs_only_on_its_target(0, targets=("ml_c5", "ml_c6g", "jetson_nano", "rasp3b"))
    assert m.verdict == "holds"
    assert (m.figures["targets_loaded"], m.figures["targets_refused"]) == (1, 3)


def test_neo_is_the_same_for_the_same_seed():
    a, b = edge.neo_runs_only_on_its_target(4), edge.neo_runs_only_on_its_target(4)
    assert (a.verdict, a.figures, a.condition) == (b.verdict, b.figures, b.condition)


def test_neo_needs_a_second_target():
    with pytest.raises(ValueError, match="at least one other"):
        edge.neo_runs_only_on_its_target(0, targets=("ml_c5",))
