"""The tuning topic's claims: each verdict rule can come out both ways, and the default runs give the recorded verdicts."""

from mlkit.claims.measures import tuning as measures


def test_hyperband_saves_most_of_random_searchs_rounds_at_the_same_quality():
    m = measures.hyperband_saves_compute(0)
    assert m.verdict == "holds"
    # 12 random jobs x 27 rounds = 324 rounds exactly (no early stopping in the Random entry)
    assert m.figures["rounds_random"] == 324
    # the first bracket (MinResource 1, MaxResource 27, eta 3) trains most configurations 1 or 3 rounds:
    # far below the 0.8 share the rule asks for
    assert m.figures["compute_ratio"] < 0.5
    # same quality: within the rule's one point of AUC
    assert m.figures["best_auc_hyperband"] >= m.figures["best_auc_random"] - 0.01


def test_hyperband_is_refuted_when_min_resource_equals_max_resource():
    # Opposite verdict: with MinResource = MaxResource there is a single rung, every configuration trains to the
    # end, and Hyperband is random search: exactly the same rounds (ratio 1) and the same best job.
    m = measures.hyperband_saves_compute(0, n_rows=400, max_rounds=9, jobs=3, min_resource=9)
    assert m.verdict == "refuted"
    assert m.figures["compute_ratio"] == 1.0
    assert m.figures["best_auc_hyperband"] == m.figures["best_auc_random"]


def test_only_lower_max_depth_closes_the_overfitting_gap():
    m = measures.overfitting_knobs(0)
    assert m.verdict == "holds"
    # depth 8 -> 2 removes most of the ~0.17 AUC gap of the deep model (rule: more than 0.02)
    assert m.figures["gap_change_max_depth_8_to_2"] < -0.1
    # the other two knobs widen it (positive change), as the notes' explanations say
    assert m.figures["gap_change_min_child_weight_10_to_0"] > 0
    assert m.figures["gap_change_colsample_bytree_0.3_to_1"] > 0
    # and the shallower model also scores better on validation data, not just closer to its training score
    assert m.figures["validation_auc_change_max_depth_8_to_2"] > 0


def test_overfitting_claim_is_refuted_when_the_trees_are_already_shallow():
    # Opposite verdict: 10 rounds of depth-2 trees barely overfit, so going to depth 1 cannot shrink the gap
    # by the rule's 0.02 (it moves by about 0.01).
    m = measures.overfitting_knobs(0, n_rows=600, num_round=10, max_depth_from=2, max_depth_to=1)
    assert m.verdict == "refuted"
    assert -0.02 <= m.figures["gap_change_max_depth_2_to_1"] < 0
    assert "max_depth from 2 to 1" in m.corrected


def test_bayesian_jobs_are_better_but_its_best_is_not_reliably_better_at_twelve_jobs():
    m = measures.bayesian_sample_efficiency(0)
    assert m.verdict == "holds with conditions"
    # the typical Bayesian job is better by more than the rule's 0.002 AUC (measured: about 0.009)
    assert m.figures["median_job_auc_bayesian"] > m.figures["median_job_auc_random"] + 0.002
    assert m.figures["bayesian_best_wins_of_3"] < 2
    assert "12 jobs" in m.condition


def test_bayesian_claim_is_refuted_when_every_job_is_a_random_start_up_job():
    # Opposite verdict: with n_initial = jobs the Gaussian process never proposes a job; Bayesian draws exactly
    # the configurations Random draws (same RandomSeed), so the medians are equal and the rule must refute.
    m = measures.bayesian_sample_efficiency(0, jobs=3, n_initial=3, n_rows=400, num_round=3)
    assert m.verdict == "refuted"
    assert m.figures["median_job_auc_bayesian"] == m.figures["median_job_auc_random"]


def test_same_seed_gives_identical_figures():
    a = measures.hyperband_saves_compute(4, n_rows=400, max_rounds=9, jobs=5)
    b = measures.hyperband_saves_compute(4, n_rows=400, max_rounds=9, jobs=5)
    assert a.to_dict() == b.to_dict()
