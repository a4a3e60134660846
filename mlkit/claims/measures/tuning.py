"""Claims of the tuning topic: Hyperband's compute, the overfitting knobs of XGBoost, Bayesian search.

Every measure trains real XGBoost jobs through :mod:`mlkit.tuning`
(:func:`~mlkit.tuning.race`, :func:`~mlkit.tuning.overfitting_study`,
:class:`~mlkit.tuning.HyperParameterTuningJob`) on the seeded ``loans``
data, kept small (1,000 to 1,500 rows, at most 30 boosting rounds) so the
group runs in seconds. Compute is counted in boosting rounds, which is
deterministic, never in wall-clock seconds.
"""

from __future__ import annotations

from mlkit.claims.ledger import Measurement

#: Hyperband "saves compute" when it trains at most this share of random search's rounds: a fifth saved at
#: least, well clear of how bracket sizes round (one rung more or less changes the share by a few percent).
SAVING_RATIO = 0.8
#: Best validation AUCs closer than this are "the same quality": one point of AUC, about half the standard
#: error of an AUC measured on the 375 validation rows, so a smaller difference is not a measured loss.
AUC_TOLERANCE = 0.01
#: A knob "reduces overfitting" when it shrinks the train-validation AUC gap by more than this (2 points of
#: AUC; the deep default model's gap is about 0.17, so 0.02 is an eighth of it).
GAP_MARGIN = 0.02
#: Bayesian search's typical job must beat random search's by more than this AUC to count as better (a
#: fifth of :data:`AUC_TOLERANCE`: the medians pool 24 jobs each, so they are far steadier than one job).
MEDIAN_MARGIN = 0.002


def hyperband_saves_compute(seed: int, *, n_rows: int = 1500, max_rounds: int = 27, jobs: int = 12,
                            min_resource: int = 1) -> Measurement:
    """Hyperband against random search on the same data, ranges and number of training jobs.

    Measured with :func:`mlkit.tuning.race` (entries Random and Hyperband,
    ``MaxNumberOfTrainingJobs=jobs``; every random job trains ``max_rounds``
    rounds, Hyperband's rungs run from ``min_resource`` to ``max_rounds``).
    With the same ``RandomSeed`` both draw the same configurations, so the
    comparison is of how each spends rounds on them. Figures: boosting
    rounds each trained, their ratio, each one's best validation AUC.

    Rule: **refuted** when Hyperband trains more than :data:`SAVING_RATIO`
    (0.8) of random search's rounds; **holds** when it saves more and its
    best AUC is within :data:`AUC_TOLERANCE` (0.01) of random search's;
    **holds with conditions** when it saves compute at a loss of quality.

        >>> hyperband_saves_compute(0).verdict
        'holds'
    """
    from mlkit.tuning import XGBoostTrainer, race

    trainer = XGBoostTrainer("loans", n_rows=n_rows, num_round=max_rounds)
    table = race(["Random", "Hyperband"], trainer=trainer, MaxNumberOfTrainingJobs=jobs,
                 MinResource=min_resource, seed=seed).table
    rounds_r, rounds_h = int(table.loc["Random", "total_rounds"]), int(table.loc["Hyperband", "total_rounds"])
    best_r, best_h = float(table.loc["Random", "best"]), float(table.loc["Hyperband", "best"])
    ratio = rounds_h / rounds_r
    figures = {"rounds_random": rounds_r, "rounds_hyperband": rounds_h, "compute_ratio": ratio,
               "best_auc_random": best_r, "best_auc_hyperband": best_h}
    if ratio > SAVING_RATIO:
        return Measurement("refuted", figures, corrected=(
            f"with MinResource {min_resource} and MaxResource {max_rounds} Hyperband trained {ratio:.0%} of random "
            "search's rounds: it saves compute only when MinResource is well below MaxResource, so that early "
            "rungs can drop weak configurations"))
    if best_h >= best_r - AUC_TOLERANCE:
        return Measurement("holds", figures)
    return Measurement("holds with conditions", figures, condition=(
        f"Hyperband trained {ratio:.0%} of random search's rounds, but its best AUC is {best_r - best_h:.3f} lower: "
        "it judged configurations on their first rounds and dropped the one that ends best"))


def overfitting_knobs(seed: int, *, n_rows: int = 1500, num_round: int = 30, max_depth_from: int = 8,
                      max_depth_to: int = 2) -> Measurement:
    """Which of three knobs closes XGBoost's train-validation gap (the notes' overfitting question)?

    Measured with :func:`mlkit.tuning.overfitting_study` on a deliberately
    overfitting model (``max_depth=8, eta=0.3, min_child_weight=1``,
    ``num_round`` rounds): the AUC gap (train minus validation) as
    ``max_depth`` goes from ``max_depth_from`` to ``max_depth_to``,
    ``min_child_weight`` from 10 to 0, and ``colsample_bytree`` from 0.3 to
    1.0. Figures: the change of the gap for each (negative: less
    overfitting) and the validation AUC change from lowering max_depth.

    Rule: **holds** when lowering max_depth shrinks the gap by more than
    :data:`GAP_MARGIN` (0.02) and neither lowering min_child_weight nor
    raising colsample_bytree does; **refuted** otherwise.

        >>> overfitting_knobs(0).verdict
        'holds'
    """
    from mlkit.tuning import XGBoostTrainer, overfitting_study

    trainer = XGBoostTrainer("loans", n_rows=n_rows, num_round=num_round)

    def change(parameter, before, after):
        study = overfitting_study(parameter, [before, after], trainer=trainer, seed=seed).set_index("value")
        return (float(study.loc[after, "gap"] - study.loc[before, "gap"]),
                float(study.loc[after, "validation"] - study.loc[before, "validation"]))

    depth_gap, depth_val = change("max_depth", max_depth_from, max_depth_to)
    weight_gap, _ = change("min_child_weight", 10, 0)
    cols_gap, _ = change("colsample_bytree", 0.3, 1.0)
    figures = {f"gap_change_max_depth_{max_depth_from}_to_{max_depth_to}": depth_gap,
               "gap_change_min_child_weight_10_to_0": weight_gap,
               "gap_change_colsample_bytree_0.3_to_1": cols_gap,
               f"validation_auc_change_max_depth_{max_depth_from}_to_{max_depth_to}": depth_val}
    depth_helps = depth_gap < -GAP_MARGIN
    others_help = [name for name, g in (("lowering min_child_weight", weight_gap),
                                        ("raising colsample_bytree", cols_gap)) if g < -GAP_MARGIN]
    if depth_helps and not others_help:
        return Measurement("holds", figures)
    parts = []
    if not depth_helps:
        parts.append(f"lowering max_depth from {max_depth_from} to {max_depth_to} changed the gap by only "
                     f"{depth_gap:+.3f} (the model was not overfitting through depth)")
    if others_help:
        parts.append(" and ".join(others_help) + " also shrank the gap")
    return Measurement("refuted", figures, corrected="; ".join(parts))


def bayesian_sample_efficiency(seed: int, *, jobs: int = 12, n_initial: int = 4, n_rows: int = 1000,
                               num_round: int = 10) -> Measurement:
    """Bayesian search against random search with the same budget of training jobs, three seeds.

    Measured: for ``RandomSeed`` ``seed, seed + 1, seed + 2`` a Random and a
    Bayesian :class:`mlkit.tuning.HyperParameterTuningJob` of ``jobs`` jobs
    over :func:`mlkit.tuning.default_ranges` (Bayesian's first ``n_initial``
    jobs are random, the same ones Random draws). Figures: the median
    validation AUC of all jobs of each strategy (how good a typical job
    is), the mean over seeds of each one's best AUC, and in how many
    seeds Bayesian's best beat Random's.

    Rule: **refuted** when Bayesian's median job is not better than
    Random's by more than :data:`MEDIAN_MARGIN` (0.002 AUC); **holds** when
    it is and Bayesian's best also wins in at least 2 of 3 seeds;
    **holds with conditions** when its typical job is better but its best
    job is not reliably so at this budget.

        >>> bayesian_sample_efficiency(0).verdict
        'holds with conditions'
    """
    import numpy as np

    from mlkit.tuning import HyperParameterTuningJob, XGBoostTrainer, default_ranges

    trainer = XGBoostTrainer("loans", n_rows=n_rows, num_round=num_round)
    values = {"Random": [], "Bayesian": []}
    best = {"Random": [], "Bayesian": []}
    for s in (seed, seed + 1, seed + 2):
        for strategy in ("Random", "Bayesian"):
            result = HyperParameterTuningJob(f"claim-{strategy.lower()}", Strategy=strategy,
                                             ParameterRanges=default_ranges(), trainer=trainer,
                                             MaxNumberOfTrainingJobs=jobs, RandomSeed=s,
                                             n_initial=n_initial).run(progress=False)
            v = result.jobs["FinalObjectiveValue"].to_numpy(dtype=float)
            values[strategy].extend(v)
            best[strategy].append(float(v.max()))
    med_r, med_b = float(np.median(values["Random"])), float(np.median(values["Bayesian"]))
    wins = int(sum(b > r for b, r in zip(best["Bayesian"], best["Random"])))
    figures = {"median_job_auc_random": med_r, "median_job_auc_bayesian": med_b,
               "mean_best_auc_random": float(np.mean(best["Random"])),
               "mean_best_auc_bayesian": float(np.mean(best["Bayesian"])), "bayesian_best_wins_of_3": wins}
    if med_b <= med_r + MEDIAN_MARGIN:
        return Measurement("refuted", figures, corrected=(
            f"with {jobs} jobs of which {n_initial} random, Bayesian's typical job was no better than random "
            f"search's (median AUC {med_b:.4f} against {med_r:.4f}): its model needs observations to learn from"))
    if wins >= 2 and figures["mean_best_auc_bayesian"] > figures["mean_best_auc_random"]:
        return Measurement("holds", figures)
    return Measurement("holds with conditions", figures, condition=(
        f"Bayesian's jobs are better on average (median AUC {med_b:.4f} against {med_r:.4f}), but with {jobs} "
        f"jobs its best job beat random search's in only {wins} of 3 seeds: the gain shows after the "
        f"{n_initial} random start-up jobs and needs a larger budget to show in the best job"))
