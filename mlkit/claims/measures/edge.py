"""Claims of the compression and edge topic: int8 quantization, pruning, distillation, Neo targets.

The compression measures run :class:`mlkit.compression.CompressionLab` (a
64-64 MLP and a 200-tree XGBoost teacher on the kit's seeded sensor data,
1,200 test rows) with the ledger's seed. Sizes are the models' **raw stored
bytes** as :mod:`mlkit.compression` counts them (``nbytes``: int codes plus
scales for a quantized MLP, CSR values plus int16 indices for a pruned one,
16 bytes a tree node for XGBoost), not a compressed ``model.tar.gz``.
Accuracies are fractions of the test rows; changes are in percentage points.
"""

from __future__ import annotations

import functools

from mlkit.claims.ledger import Measurement

#: The largest accuracy loss called "small", in percentage points. An
#: accuracy near 0.83 measured on 1,200 test rows has a standard error of 1.1
#: points, a difference of two such accuracies 1.5 points
#: (sqrt(2 * 0.83 * 0.17 / 1200)); a loss under 2 points is one resampling the
#: test rows could show, so a learner could not act on it.
SMALL_LOSS_PTS = 2.0


@functools.lru_cache(maxsize=4)
def _lab(seed: int, *, n_trees: int = 200, max_depth: int = 6):
    """A fitted lab, kept for the next measure of the same seed (fitting is most of a measure's time).

    Sharing is safe: ``evaluate`` and ``distill`` leave the originals unchanged (pruning fine-tunes a copy).
    """
    from mlkit.compression import CompressionLab

    # repeats=1: latencies are not figures of these claims, sizes and accuracies are deterministic
    return CompressionLab(seed=seed, n_trees=n_trees, max_depth=max_depth, repeats=1).fit()


#: "About four times smaller": 8 of 32 bits is 0.25; up to 10 % more (0.275) still reads as four times.
FOUR_TIMES_RATIO = 0.275


def int8_small_accuracy_cost(seed: int, *, bits: int = 8) -> Measurement:
    """Quantize the MLP's weights to ``bits``-bit integers; stored size and test accuracy against float32.

    Measured with ``CompressionLab.evaluate("quantize", bits)`` (symmetric,
    per output channel, post-training, no retraining). Figures: raw bytes
    of the float32 and the quantized model, their ratio (``size_ratio``),
    the ratio of their ``model.tar.gz`` files (``artifact_ratio``, gzip
    included, when the engine reports it), the float32 accuracy and the
    change in points.

    Rule, on the raw bytes (the artifact ratio is shown, not judged: gzip
    squeezes float32 and int8 codes differently): ``holds`` when the model
    keeps at most :data:`FOUR_TIMES_RATIO` of its bytes and loses less than
    :data:`SMALL_LOSS_PTS` points; ``holds with conditions`` when it loses
    little and at least halves but is not four times smaller; ``refuted``
    when it loses :data:`SMALL_LOSS_PTS` points or more, or keeps more than
    half of its bytes.
    """
    from mlkit._checks import check_int

    bits = check_int("bits", bits, low=2, high=8)
    r = _lab(seed, n_trees=1, max_depth=1).evaluate("quantize", bits)
    change = 100 * r.accuracy_change
    figures = {"bytes_float32": r.original.nbytes, f"bytes_int{bits}": r.compressed.nbytes, "size_ratio": r.size_ratio}
    artifact = getattr(r, "artifact_ratio", None)  # model.tar.gz sizes: reported by newer engines only
    if artifact is not None:
        figures["artifact_ratio"] = artifact
    figures.update({"accuracy_float32": r.original.accuracy, "accuracy_change_pts": change})
    small = change > -SMALL_LOSS_PTS
    if small and r.size_ratio <= FOUR_TIMES_RATIO:
        return Measurement("holds", figures)
    if small and r.size_ratio <= 0.5:
        packed = "" if artifact is None else f", {1 / artifact:.1f} times as a model.tar.gz"
        return Measurement(
            "holds with conditions", figures,
            condition=(f"the accuracy cost is small ({change:+.2f} points) but the model shrinks "
                       f"{1 / r.size_ratio:.1f} times, not {32 / bits:.0f}: the per-channel scales and the biases "
                       f"stay float32, and weigh more the smaller the layers (raw bytes{packed})"))
    what = f"it lost {-change:.1f} points of accuracy" if not small else f"it kept {r.size_ratio:.0%} of its bytes"
    return Measurement("refuted", figures,
                       corrected=(f"quantized to {bits} bits the MLP is {r.size_ratio:.0%} of its float32 size, "
                                  f"but {what}" + ("" if small else f": at {bits} bits the rounding error is too "
                                                   "large for this model without retraining")))


def pruning_small_accuracy_cost(seed: int, *, sparsity_low: float = 50, sparsity_high: float = 90) -> Measurement:
    """Remove the smallest-magnitude weights of the MLP at two sparsities; accuracy and stored size.

    Measured with ``CompressionLab.evaluate``: ``"prune"`` at
    ``sparsity_low`` and ``sparsity_high`` percent (global magnitude
    pruning, no retraining) and ``"prune_finetune"`` at ``sparsity_high``
    (5 epochs of training with the mask held). Figures: the accuracy change
    in points at each, and the stored size ratio at ``sparsity_low`` (a
    sparse matrix stores an index beside every kept weight).

    Rule (a loss is small under :data:`SMALL_LOSS_PTS` points): ``holds``
    when even ``sparsity_high`` without fine-tuning loses little;
    ``holds with conditions`` when ``sparsity_low`` loses little but
    ``sparsity_high`` does not; ``refuted`` when ``sparsity_low`` already
    loses more.
    """
    from mlkit._checks import check_float

    low = check_float("sparsity_low", sparsity_low, 0.0, 100.0, high_open=True)
    high = check_float("sparsity_high", sparsity_high, 0.0, 100.0, high_open=True)
    if low > high:
        raise ValueError(f"sparsity_low must be <= sparsity_high ({high:g}), got {low:g}")
    lab = _lab(seed, n_trees=1, max_depth=1)
    r_low, r_high = lab.evaluate("prune", low), lab.evaluate("prune", high)
    r_tuned = lab.evaluate("prune_finetune", high)
    figures = {f"accuracy_change_{low:g}pct_pts": 100 * r_low.accuracy_change,
               f"size_ratio_{low:g}pct": r_low.size_ratio,
               f"accuracy_change_{high:g}pct_pts": 100 * r_high.accuracy_change,
               f"accuracy_change_{high:g}pct_finetuned_pts": 100 * r_tuned.accuracy_change}
    def small(r):
        return 100 * r.accuracy_change > -SMALL_LOSS_PTS

    if small(r_high):
        return Measurement("holds", figures)
    if small(r_low):
        return Measurement(
            "holds with conditions", figures,
            condition=(f"only at moderate sparsity: removing {low:g} % of the weights costs "
                       f"{-100 * r_low.accuracy_change:.1f} points but saves only {1 - r_low.size_ratio:.0%} of "
                       f"the bytes (a sparse matrix stores an index per weight); removing {high:g} % costs "
                       f"{-100 * r_high.accuracy_change:.1f} points, {-100 * r_tuned.accuracy_change:.1f} after "
                       "fine-tuning with the mask held"))
    return Measurement("refuted", figures,
                       corrected=(f"removing {low:g} % of the weights already cost "
                                  f"{-100 * r_low.accuracy_change:.1f} points of accuracy; fine-tune after pruning "
                                  f"({-100 * r_tuned.accuracy_change:.1f} points lost at {high:g} %) or prune less"))


def distillation_keeps_accuracy(seed: int, *, student_trees=(10, 300)) -> Measurement:
    """Distil the 200-tree, depth-6 XGBoost teacher into depth-2 students of a few sizes; what do they keep?

    Measured with :func:`mlkit.compression.distill` on the teacher of a
    :class:`~mlkit.compression.CompressionLab` (the student learns the
    teacher's probabilities over the training rows plus an equal unlabeled
    transfer set; its twin learns the labels alone) and
    :func:`mlkit.compression.measure`, for each size in ``student_trees``
    (``CompressionLab.evaluate("distill", n)`` does the same but stops at
    100 trees). Figures: the teacher's accuracy; for the smallest and
    largest student, its accuracy change against the teacher in points and
    its bytes as a share of the teacher's; the largest student's gain over
    its hard-label twin in points.

    Rule (a loss is small under :data:`SMALL_LOSS_PTS` points): ``holds``
    when even the smallest student keeps the teacher's accuracy;
    ``holds with conditions`` when only a larger one does; ``refuted``
    when none does.
    """
    from mlkit._checks import check_int
    from mlkit.compression import distill, measure

    sizes = sorted(check_int("student_trees", n, low=1, high=1000) for n in student_trees)
    if not sizes:
        raise ValueError("student_trees must hold at least one student size, got an empty list")
    lab = _lab(seed)
    d = lab.data_
    teacher = lab.original("trees")
    rows = []  # (trees, soft Measurement, hard Measurement)
    for n in sizes:
        res = distill(lab.teacher_, d.X_unlabeled, d.X_train, d.y_train, n_estimators=n, max_depth=2, seed=seed)
        rows.append((n, measure(res.soft_student, d.X_test, d.y_test, repeats=1),
                     measure(res.hard_student, d.X_test, d.y_test, repeats=1)))
    change = {n: 100 * (s.accuracy - teacher.accuracy) for n, s, _ in rows}
    share = {n: s.nbytes / teacher.nbytes for n, s, _ in rows}
    small_n, large_n = sizes[0], sizes[-1]
    gain = 100 * (rows[-1][1].accuracy - rows[-1][2].accuracy)
    figures = {
        "accuracy_teacher": teacher.accuracy,
        f"accuracy_change_{small_n}_trees_pts": change[small_n],
        f"size_share_{small_n}_trees": share[small_n],
        f"accuracy_change_{large_n}_trees_pts": change[large_n],
        f"size_share_{large_n}_trees": share[large_n],
        f"gain_over_hard_labels_{large_n}_trees_pts": gain,
    }
    keeps = [change[n] > -SMALL_LOSS_PTS for n in sizes]
    if abs(gain) < 0.05:
        hard_note = "the same student trained on the labels alone scores the same"
    else:
        hard_note = (f"the same student trained on the labels alone scores {abs(gain):.1f} points "
                     f"{'lower' if gain > 0 else 'higher'}")
    if abs(gain) < SMALL_LOSS_PTS:
        hard_note += ", so on this task the saving comes from the small model, not from the teacher's outputs"
    if keeps[0]:
        return Measurement("holds", figures)
    if any(keeps):
        n_ok = sizes[keeps.index(True)]
        return Measurement(
            "holds with conditions", figures,
            condition=(f"only when the student is big enough: {n_ok} depth-2 trees ({share[n_ok]:.0%} of the "
                       f"teacher's bytes) lose {-change[n_ok]:.1f} points, {small_n} trees "
                       f"({share[small_n]:.1%}) lose {-change[small_n]:.1f}; {hard_note}"))
    return Measurement("refuted", figures,
                       corrected=(f"students of {', '.join(map(str, sizes))} depth-2 trees all lost "
                                  f"{min(-c for c in change.values()):.1f} points or more against the teacher; "
                                  f"a student needs more capacity to keep its accuracy; {hard_note}"))


def neo_runs_only_on_its_target(seed: int, *, targets=("ml_c5", "ml_m5", "ml_c6g", "jetson_nano")) -> Measurement:
    """Compile a model for ``targets[0]`` and try to load the artifact for every target; which ones accept it?

    Measured with :func:`mlkit.edge.compile_model` (ONNX, the kit's
    stand-in for Neo) on a logistic regression fitted to 1,000 rows of the
    kit's sensor data, saved as ``model.tar.gz`` in a temporary folder
    (removed after) and loaded with :func:`mlkit.edge.load_compiled` for
    each target. Figures: the target compiled for, how many targets
    loaded it and refused it, how many *other* devices loaded it, and the
    largest probability difference between the artifact on its own target
    and the original model, reported as ``predictions_match_original``
    (yes/no within 1e-5, so the figure does not depend on this CPU's
    float32 rounding).

    Rule: ``holds`` when the artifact runs on its own target with the
    original's predictions (within 1e-5: float32 arithmetic) and every
    other target refuses it; ``holds with conditions`` when the only
    other targets that load it share its platform (OS, CPU architecture,
    accelerator); ``refuted`` when a target of another platform loads it,
    or its own target does not reproduce the original.
    """
    import tempfile
    from pathlib import Path

    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from mlkit.compression import sensor_data
    from mlkit.edge import Target, TargetMismatchError, compile_model, load_compiled

    targets = [Target.for_device(t) for t in targets]
    if len(targets) < 2:
        raise ValueError(f"targets must name the compile target and at least one other, got {len(targets)}")
    d = sensor_data(1000, seed=seed)
    model = LogisticRegression(max_iter=500).fit(d.X_train, d.y_train)
    home = targets[0]
    compiled = compile_model(model, target=home)
    loaded_on, refused_on = [], []
    with tempfile.TemporaryDirectory(prefix="mlkit-claim-neo-") as tmp:
        path = compiled.save(Path(tmp) / "model.tar.gz")
        diff = float("nan")
        for t in targets:
            try:
                art = load_compiled(path, target=t)
            except TargetMismatchError:
                refused_on.append(t)
                continue
            loaded_on.append(t)
            if t is home:
                diff = float(np.abs(art.predict_proba(d.X_test) - model.predict_proba(d.X_test)).max())
    others = [t for t in loaded_on if t is not home]
    figures = {"compiled_for": home.describe(), "targets_loaded": len(loaded_on), "targets_refused": len(refused_on),
               "other_devices_loaded": len(others),
               "predictions_match_original": "yes" if diff <= 1e-5 else "no"}
    home_ok = home in loaded_on and diff <= 1e-5
    other_platform = [t for t in others if t.platform_key() != home.platform_key()]
    if home_ok and not others:
        return Measurement("holds", figures)
    if home_ok and not other_platform:
        return Measurement(
            "holds with conditions", figures,
            condition=(f"what must match is the platform and the runtime: the artifact for {home.describe()} is "
                       f"refused by {', '.join(t.device for t in refused_on)} but loads for "
                       f"{', '.join(t.device for t in others)} (same OS, CPU architecture and accelerator); "
                       "SageMaker asks you to host a Neo model on the instance type it was compiled for, "
                       "which is stricter than the kit's check"))
    why = (f"{', '.join(t.describe() for t in other_platform)} loaded it" if other_platform
           else f"on its own target it gave probabilities {diff:g} away from the original")
    return Measurement("refuted", figures, corrected=f"the compiled artifact is not tied to its target: {why}")
