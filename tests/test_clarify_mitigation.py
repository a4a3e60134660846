"""Class-imbalance mitigation on the claims fraud data."""

import pytest

from mlkit.clarify import class_weights, compare_mitigations, resample
from mlkit.datasets import claims

DS = claims(3000, suspicious_rate=0.05, seed=0)
DF = DS.frame
LABEL = "operation_status"


@pytest.mark.parametrize("method", ["oversample", "undersample", "smote"])
def test_resampling_balances_the_two_classes(method):
    out = resample(DF, label=LABEL, method=method, seed=0)
    counts = out[LABEL].value_counts()
    assert counts.iloc[0] == counts.iloc[1]
    n_min = int((DF[LABEL] == "suspicious").sum())
    assert len(out) == (2 * (len(DF) - n_min) if method != "undersample" else 2 * n_min)


def test_resampling_is_seeded_and_leaves_the_input_alone():
    before = DF.copy()
    a = resample(DF, label=LABEL, method="oversample", seed=4)
    b = resample(DF, label=LABEL, method="oversample", seed=4)
    assert a.equals(b) and DF.equals(before)


def test_balanced_class_weights_give_each_class_the_same_total_weight():
    w = class_weights(["a"] * 9 + ["b"])
    assert 9 * w["a"] == pytest.approx(1 * w["b"])


def test_mitigation_removes_class_imbalance_and_raises_minority_recall():
    r = compare_mitigations(DF, label=LABEL, features=["payment_value", "account_duration"], seed=0)
    t = r.table.set_index("method")
    # the generator draws 5% suspicious claims: CI = 1 - 2 * 0.05 = 0.9 up to sampling noise
    assert t.loc["none", "CI"] == pytest.approx(0.9, abs=0.03)
    for m in ("oversample", "undersample", "smote", "class_weight"):
        assert t.loc[m, "CI"] == pytest.approx(0.0, abs=1e-9)  # balanced by construction
        # rebalancing moves the decision threshold toward the minority: recall rises
        assert t.loc[m, "recall"] > t.loc["none", "recall"] + 0.2
    assert r.minority == "suspicious"


def test_bad_mitigation_inputs_are_errors():
    with pytest.raises(ValueError, match="method must be one of 'oversample'"):
        resample(DF, label=LABEL, method="mirror")
    with pytest.raises(ValueError, match="must have exactly 2 classes"):
        resample(DF, label="region", method="oversample")
    with pytest.raises(ValueError, match="features must be numeric columns"):
        compare_mitigations(DF, label=LABEL, features=["region"])
