"""Quantization, pruning, distillation and the compression lab (mlkit.compression)."""

import numpy as np
import pytest

from mlkit import compression as C


@pytest.fixture(scope="module")
def data():
    return C.sensor_data(1200, seed=1)


@pytest.fixture(scope="module")
def mlp(data):
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    with warnings.catch_warnings(), C._one_thread():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return MLPClassifier((24, 24), max_iter=40, random_state=0).fit(data.X_train, data.y_train)


@pytest.fixture(scope="module")
def xgb_model(data):
    import xgboost as xgb

    return xgb.XGBClassifier(n_estimators=40, max_depth=4, n_jobs=1, random_state=0).fit(data.X_train, data.y_train)


def acc(model, data):
    return float((model.predict(data.X_test) == data.y_test).mean())


# -- data ---------------------------------------------------------------------------------
def test_sensor_data_is_seeded_and_split_as_asked():
    a, b = C.sensor_data(500, seed=3), C.sensor_data(500, seed=3)
    assert np.array_equal(a.X_train, b.X_train) and np.array_equal(a.y_test, b.y_test)
    assert (len(a.y_train), len(a.y_test), len(a.X_unlabeled)) == (350, 150, 500)


def test_sensor_data_rejects_a_label_noise_of_one_half():
    with pytest.raises(ValueError, match=r"label_noise must be .* < 0.5, got 0.5"):
        C.sensor_data(500, label_noise=0.5)


# -- quantization ---------------------------------------------------------------------------
def test_symmetric_int8_error_is_at_most_half_a_step():
    w = np.random.default_rng(0).normal(size=(20, 30))
    q = C.quantize_tensor(w, scheme="symmetric", granularity="per_tensor")
    # rounding to the nearest code: |w - w_hat| <= scale / 2 (plus float32 rounding)
    assert np.abs(q.dequantize() - w).max() <= q.scale[0] / 2 + 1e-6
    assert q.codes.dtype == np.int8 and np.abs(q.codes).max() == 127


def test_affine_codes_use_the_full_uint8_range_and_keep_zero_exact():
    w = np.array([[-0.5, 0.0, 2.0], [1.0, 0.25, -0.1]])
    q = C.quantize_tensor(w, scheme="affine")
    assert q.codes.dtype == np.uint8 and q.codes.min() == 0 and q.codes.max() == 255
    assert q.dequantize()[0, 1] == 0.0  # zero point is an integer code: 0.0 maps back exactly


def test_per_channel_has_one_scale_per_output_unit_and_less_error():
    rng = np.random.default_rng(1)
    w = rng.normal(size=(16, 8)) * np.logspace(-2, 1, 8)  # channels of very different ranges
    pt = C.quantize_tensor(w, granularity="per_tensor")
    pc = C.quantize_tensor(w, granularity="per_channel")
    assert pc.scale.shape == (8,)
    # each channel's step is its own max/127 <= the global max/127, so the error cannot grow
    assert np.abs(pc.dequantize() - w).mean() < np.abs(pt.dequantize() - w).mean()


def test_quantize_tensor_rejects_bits_outside_2_to_8():
    with pytest.raises(ValueError, match="bits must be an integer >= 2 and <= 8, got 16"):
        C.quantize_tensor(np.ones((2, 2)), bits=16)


def test_quantize_tensor_rejects_an_unknown_scheme():
    with pytest.raises(ValueError, match="scheme"):
        C.quantize_tensor(np.ones((2, 2)), scheme="log")


def test_numpy_mlp_reproduces_sklearn_probabilities(mlp, data):
    p = C.NumpyMLP.from_sklearn(mlp).predict_proba(data.X_test)
    # same formula in float32 instead of float64: agreement to float32 precision
    np.testing.assert_allclose(p, mlp.predict_proba(data.X_test), atol=1e-5)


def test_int8_mlp_stores_one_byte_a_weight_plus_scales_and_biases(mlp):
    q8 = C.quantize_mlp(mlp, bits=8)
    n_weights = sum(c.size for c in mlp.coefs_)
    n_units = sum(b.size for b in mlp.intercepts_)  # one scale per output unit, one bias per unit
    assert q8.nbytes == n_weights + 4 * n_units + 4 * n_units


def test_int8_mlp_accuracy_is_within_one_point_of_float32(mlp, data):
    # the goal; int8 steps are 1/127 of each channel's range
    assert abs(acc(C.quantize_mlp(mlp, bits=8), data) - acc(C.NumpyMLP.from_sklearn(mlp), data)) <= 0.01


def test_two_bit_quantization_costs_more_accuracy_than_eight(mlp, data):
    f32 = acc(C.NumpyMLP.from_sklearn(mlp), data)
    assert abs(acc(C.quantize_mlp(mlp, bits=2), data) - f32) > abs(acc(C.quantize_mlp(mlp, bits=8), data) - f32)


# -- pruning --------------------------------------------------------------------------------
def test_pruning_reaches_the_asked_sparsity(mlp):
    pruned = C.prune_mlp(mlp, 0.7)
    # floor(0.7 * n) weights removed: sparsity within 1/n of 0.7
    assert pruned.sparsity == pytest.approx(0.7, abs=1 / pruned.n_weights + 1e-12)


def test_pruning_removes_the_smallest_weights(mlp):
    pruned = C.prune_mlp(mlp, 0.5)
    kept = np.concatenate([np.abs(W[W != 0]) for W in pruned._dense])
    dropped = np.concatenate([np.abs(W0[W == 0]) for W0, W in zip(mlp.coefs_, pruned._dense)])
    assert kept.min() >= dropped.max()


def test_zero_sparsity_changes_nothing(mlp, data):
    np.testing.assert_allclose(C.prune_mlp(mlp, 0.0).predict_proba(data.X_test),
                               mlp.predict_proba(data.X_test), atol=1e-5)


@pytest.mark.parametrize("bad", [1.0, -0.1, 1.5])
def test_sparsity_outside_zero_one_is_an_error(mlp, bad):
    with pytest.raises(ValueError, match=rf"sparsity must be a finite number >= 0.0 and < 1.0, got {bad}"):
        C.prune_mlp(mlp, bad)


def test_fine_tuning_without_data_is_an_error(mlp):
    with pytest.raises(ValueError, match="pass X and y"):
        C.prune_mlp(mlp, 0.5, fine_tune_epochs=2)


def test_fine_tuning_keeps_the_mask_and_recovers_accuracy(mlp, data):
    raw = C.prune_mlp(mlp, 0.9)
    tuned = C.prune_mlp(mlp, 0.9, fine_tune_epochs=5, X=data.X_train, y=data.y_train)
    assert tuned.sparsity >= raw.sparsity - 1e-12  # pruned weights stay zero
    # 90% pruning without retraining loses much; training the survivors wins back part of it
    assert acc(tuned, data) > acc(raw, data)


def test_dropping_trees_keeps_the_first_rounds(xgb_model, data):
    small = C.prune_trees(xgb_model, n_trees=10)
    expected = xgb_model.predict_proba(data.X_test, iteration_range=(0, 10))
    np.testing.assert_allclose(small.predict_proba(data.X_test), expected, atol=1e-6)
    assert small.n_trees == 10


def test_cutting_depth_shrinks_every_tree(xgb_model, data):
    full = C.BoosterModel(xgb_model.get_booster())
    cut = C.prune_trees(xgb_model, max_depth=1, X=data.X_train, y=data.y_train)
    assert cut.n_nodes <= 3 * full.n_trees < full.n_nodes  # a depth-1 tree has at most 3 nodes


def test_n_trees_above_the_ensemble_is_an_error(xgb_model):
    with pytest.raises(ValueError, match="n_trees must be an integer >= 1 and <= 40, got 41"):
        C.prune_trees(xgb_model, n_trees=41)


# -- distillation ---------------------------------------------------------------------------
def test_distillation_trains_two_identical_students_on_different_labels(xgb_model, data):
    teacher = C.BoosterModel(xgb_model.get_booster())
    res = C.distill(teacher, data.X_unlabeled, data.X_train, data.y_train, n_estimators=8,
                    X_test=data.X_test, y_test=data.y_test)
    assert res.soft_student.n_trees == res.hard_student.n_trees == 8
    assert list(res.table.index) == ["teacher", "soft_student", "hard_student"]
    assert list(res.table.columns) == ["accuracy", "bytes", "latency_row_us"]
    assert res.table.loc["soft_student", "bytes"] < res.table.loc["teacher", "bytes"]
    assert not np.allclose(res.soft_student.predict_proba(data.X_test), res.hard_student.predict_proba(data.X_test))


# -- measuring and the lab --------------------------------------------------------------------
def test_measure_reports_size_latency_and_accuracy(mlp, data):
    m = C.measure(C.NumpyMLP.from_sklearn(mlp), data.X_test, data.y_test, repeats=3, batch_rows=50)
    assert m.nbytes == 4 * sum(c.size + b.size for c, b in zip(mlp.coefs_, mlp.intercepts_))
    assert m.latency_row_us > 0 and m.latency_batch_ms > 0 and m.accuracy == acc(mlp, data)


@pytest.fixture(scope="module")
def lab():
    return C.CompressionLab(n_rows=600, hidden=(16, 16), n_trees=20, max_depth=3, repeats=3, seed=0).fit()


def test_lab_quantize_compares_with_the_float_original(lab):
    r = lab.evaluate("quantize", 8)
    assert r.compressed.nbytes == C.quantize_mlp(lab.mlp_, bits=8).nbytes
    assert r.original.nbytes == C.NumpyMLP.from_sklearn(lab.mlp_).nbytes
    assert r.to_dict()["original"]["name"].startswith("MLP")


def test_lab_onnx_float32_has_the_originals_accuracy(lab):
    r = lab.evaluate("onnx", 32)
    assert r.accuracy_change == 0.0  # same float32 network, same labels


def test_lab_sweep_has_one_row_per_level(lab):
    frame = lab.sweep("trees", [5, 20])
    assert frame["level"].tolist() == [5, 20] and frame["bytes"].is_monotonic_increasing


def test_lab_rejects_an_unknown_technique(lab):
    with pytest.raises(ValueError, match="technique"):
        lab.evaluate("zip", 1)


def test_lab_rejects_a_level_out_of_range(lab):
    with pytest.raises(ValueError, match=r"level \(sparsity %\) must be .* < 100.0, got 100"):
        lab.evaluate("prune", 100)


def test_lab_must_be_fitted_first():
    with pytest.raises(RuntimeError, match="call fit"):
        C.CompressionLab().evaluate("quantize", 8)
