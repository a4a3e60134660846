"""SHAP explanations: additivity, the right explainer, global and local views, errors."""

import numpy as np
import pandas as pd
import pytest
import xgboost
from sklearn.linear_model import LinearRegression, LogisticRegression

from mlkit.clarify import shap_values

RNG = np.random.default_rng(0)
X = pd.DataFrame({"a": RNG.normal(size=120), "b": RNG.normal(size=120), "noise": RNG.normal(size=120)})
Y = (2 * X["a"] - X["b"] + 0.3 * RNG.normal(size=120)) > 0


def test_tree_shap_for_xgboost_adds_up_to_the_margin():
    m = xgboost.XGBClassifier(n_estimators=30, max_depth=3, n_jobs=1).fit(X, Y)
    r = shap_values(m, X)
    margin = m.predict(X, output_margin=True)
    assert r.method == "tree" and r.output == "margin"
    # tree SHAP is exact: float32 model arithmetic only
    assert r.values.sum(axis=1).to_numpy() + r.expected_value == pytest.approx(margin, abs=1e-4)


def test_kernel_shap_for_sklearn_adds_up_to_the_probability():
    m = LogisticRegression().fit(X, Y)
    r = shap_values(m, X.iloc[:10], baseline=X.iloc[:40], seed=0)
    assert r.method == "kernel" and r.output == "probability" and r.baseline_rows == 40
    # kernel SHAP enforces additivity exactly (a constraint of its regression)
    assert [r.prediction(i) for i in range(10)] == pytest.approx(m.predict_proba(X.iloc[:10])[:, 1], abs=1e-6)


def test_kernel_shap_of_a_linear_model_is_coefficient_times_distance_from_the_baseline_mean():
    m = LinearRegression().fit(X, 2 * X["a"] - X["b"])
    base = X.iloc[:30]
    r = shap_values(m, X.iloc[:5], baseline=base, seed=0)
    want = (X.iloc[:5] - base.mean()) * m.coef_  # exact SHAP of a linear model, independent features
    assert r.values.to_numpy() == pytest.approx(want.to_numpy(), abs=1e-6)


def test_global_importance_ranks_the_signal_above_the_noise():
    m = xgboost.XGBClassifier(n_estimators=30, max_depth=3, n_jobs=1).fit(X, Y)
    imp = shap_values(m, X).global_importance()
    assert imp.index[0] == "a" and imp.index[-1] == "noise"  # the label is 2a - b + noise


def test_local_explanation_is_sorted_by_absolute_shap():
    m = xgboost.XGBClassifier(n_estimators=10, max_depth=2, n_jobs=1).fit(X, Y)
    local = shap_values(m, X).local(0)
    assert list(local.columns) == ["feature", "value", "shap"]
    assert local["shap"].abs().is_monotonic_decreasing


def test_same_seed_same_kernel_shap():
    m = LogisticRegression().fit(X, Y)
    a = shap_values(m, X.iloc[:5], n_baseline=20, nsamples=30, seed=3).values
    b = shap_values(m, X.iloc[:5], n_baseline=20, nsamples=30, seed=3).values
    assert a.equals(b)


def test_explanations_dict_is_shaped_like_clarify():
    m = xgboost.XGBClassifier(n_estimators=5, max_depth=2, n_jobs=1).fit(X, Y)
    d = shap_values(m, X.iloc[:3]).to_dict()
    assert set(d["tree_shap"]["label0"]) == {"global_shap_values", "expected_value", "local_shap_values"}


def test_bad_inputs_are_errors():
    m = LogisticRegression().fit(X, Y)
    with pytest.raises(TypeError, match="X must be a non-empty pandas DataFrame"):
        shap_values(m, X.to_numpy())
    with pytest.raises(ValueError, match="positive_class must be one of model.classes_"):
        shap_values(m, X.iloc[:2], positive_class="yes")
    with pytest.raises(ValueError, match="baseline must be a DataFrame with the columns of X"):
        shap_values(m, X.iloc[:2], baseline=X[["a"]])
    with pytest.raises(ValueError, match="row must be an integer >= 0"):
        shap_values(xgboost.XGBClassifier(n_estimators=2, n_jobs=1).fit(X, Y), X.iloc[:2]).local(5)
