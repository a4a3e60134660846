"""The mlops topic's claims: each verdict rule can fail, and the default run gives the recorded verdict."""

from mlkit.claims.measures import mlops as m


def test_registry_gate_holds_when_the_weak_version_is_not_approved():
    r = m.registry_gate(0, approve_weak=False)
    assert r.verdict == "holds"
    assert r.figures["refused_while_pending"] == 2
    assert r.figures["deployed_once_approved"] == 1  # only the approved, good version
    assert r.figures["weakest_deployed_auc"] >= r.figures["min_auc_bar"]


def test_registry_gate_default_deploys_an_approved_version_below_the_bar():
    r = m.registry_gate(0)
    assert r.verdict == "holds with conditions"
    assert r.figures["refused_while_pending"] == 2
    assert r.figures["deployed_once_approved"] == 2
    # shuffled labels carry no signal: AUC near 0.5 (within 0.1 on 200 validation rows, sd ~0.04), below the bar
    assert abs(r.figures["auc_weak"] - 0.5) < 0.1
    assert r.figures["weakest_deployed_auc"] < 0.7
    assert "ModelApprovalStatus" in r.condition


def test_retraining_is_refuted_when_the_inputs_do_not_drift():
    # without input drift the data-quality monitor raises nothing: the pipeline never runs, AUC cannot recover
    r = m.retrain_on_captured_data(0, input_shift=0.0, n_train=400, n_live=200)
    assert r.verdict == "refuted"
    assert r.figures["violations_input_shift"] == 0
    assert r.figures["auc_after_input_shift"] == r.figures["auc_before_input_shift"]


def test_retraining_default_recovers_input_drift_but_misses_a_label_change():
    r = m.retrain_on_captured_data(0)
    assert r.verdict == "holds with conditions"
    assert r.figures["violations_input_shift"] >= 1
    # the rule's bar: the retrained model gains at least 0.02 AUC on fresh drifted traffic
    assert r.figures["auc_after_input_shift"] - r.figures["auc_before_input_shift"] >= 0.02
    assert r.figures["violations_label_change_only"] == 0
    # the rule's bar: v1 lost at least 0.05 AUC on live traffic, unseen by the data-quality monitor
    assert r.figures["v1_auc_validation"] - r.figures["v1_auc_live_label_change_only"] >= 0.05
