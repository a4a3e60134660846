"""The clarify topic's claims: each verdict rule can come out both ways, and the default runs give the claimed verdicts."""

import pytest

from mlkit.claims.measures import clarify as measures


def test_dpl_shows_a_composition_gap_that_cdd_explains_away():
    m = measures.dpl_shows_gap_not_cause(0)
    assert m.verdict == "holds with conditions"
    se = m.figures["standard_error"]
    # DPL finds the planted 0.2 gap within 3 standard errors, while CDD (planted 0) is within 3 SE of 0
    assert m.figures["DPL"] == pytest.approx(0.2, abs=3 * se)
    assert abs(m.figures["CDDL"]) < 3 * se
    assert "CDD" in m.condition


def test_dpl_with_a_gap_inside_every_department_holds():
    # Opposite verdict: when the gap is planted inside every department, CDD agrees with DPL and the claim holds.
    m = measures.dpl_shows_gap_not_cause(0, n_rows=2000, gap_source="within_group")
    assert m.verdict == "holds"
    assert m.figures["CDDL"] > 3 * m.figures["standard_error"]


def test_dpl_measure_refuses_an_unknown_gap_source():
    with pytest.raises(ValueError, match="gap_source"):
        measures.dpl_shows_gap_not_cause(0, gap_source="both")


def test_dppl_carries_the_gap_without_the_facet_column():
    m = measures.dppl_without_facet_column(0)
    assert m.verdict == "holds"
    assert m.figures["DPPL_predictions"] > 3 * m.figures["standard_error"]
    # the model carries part of the labels' gap, not all of it (income and credit score are noisy traces)
    assert 0.2 < m.figures["share_of_gap_carried"] < 1.0
    assert m.figures["DI"] < 1.0  # facet d accepted less often


def test_dppl_of_a_model_on_a_facet_blind_feature_is_refuted():
    # Opposite verdict: loan_amount depends on the department only, and both facets apply to every department
    # alike, so a model on it alone has nothing to carry the bias with.
    m = measures.dppl_without_facet_column(0, n_rows=4000, features=("loan_amount",))
    assert m.verdict == "refuted"
    assert abs(m.figures["DPPL_predictions"]) < 3 * m.figures["standard_error"]


def test_shap_ranks_the_heaviest_weight_first():
    m = measures.shap_ranks_true_driver(0, n_rows=1000, explained_rows=300)
    assert m.verdict == "holds"
    assert m.figures["shap_ranking"] == "SAT > GPA > class_rank"  # the generator's weights 0.70 > 0.50 > 0.05


def test_shap_cannot_rank_a_driver_the_model_was_not_given():
    # Opposite verdict: without SAT among the inputs, SHAP ranks GPA first, and the rule must say refuted.
    m = measures.shap_ranks_true_driver(0, n_rows=600, features=("GPA", "class_rank"), explained_rows=200)
    assert m.verdict == "refuted"
    assert m.figures["shap_ranking"].startswith("GPA")


def test_imbalance_fixes_raise_recall_and_cost_precision():
    m = measures.imbalance_fixes_trade_precision(0)
    assert m.verdict == "holds with conditions"
    # 60 held-out suspicious claims: a recall's standard error is about 0.06; the gain is several times that
    assert m.figures["recall_worst_fix"] - m.figures["recall_none"] > 0.3
    assert m.figures["precision_none"] - m.figures["precision_worst_fix"] > 0.3
    # CI = (n_a - n_d) / n with 5 % suspicious is 0.95 - 0.05 = 0.9 (stratified split: within 0.01);
    # every fix balances the training label exactly (class weights by weight), so CI is 0 to rounding
    assert m.figures["CI_none"] == pytest.approx(0.9, abs=0.01)
    assert m.figures["CI_largest_after_fix"] == pytest.approx(0.0, abs=1e-9)


def test_imbalance_fixes_on_balanced_classes_are_refuted():
    # Opposite verdict: with half the claims suspicious there is no imbalance, and resampling changes nothing.
    m = measures.imbalance_fixes_trade_precision(0, suspicious_rate=0.5, n_rows=2000)
    assert m.verdict == "refuted"
    assert abs(m.figures["recall_worst_fix"] - m.figures["recall_none"]) < 0.05


def test_same_seed_gives_identical_figures():
    a = measures.dpl_shows_gap_not_cause(2, n_rows=1000)
    b = measures.dpl_shows_gap_not_cause(2, n_rows=1000)
    assert a.to_dict() == b.to_dict()
