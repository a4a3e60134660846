"""Bias metrics: properties, conventions, bad input, and the injected bias recovered."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from mlkit.clarify import (CI, DPL, KL, POSTTRAINING_METRICS, PRETRAINING_METRICS, metric_notes,
                           posttraining_bias, pretraining_bias)
from mlkit.datasets import loans

KW = dict(label="y", label_values_or_threshold=[1], facet="f")


def frames():
    """Small frames with a 3-valued facet, a 0/1 label and a 2-valued group."""
    rows = st.lists(st.tuples(st.sampled_from("abc"), st.integers(0, 1), st.integers(0, 1)),
                    min_size=4, max_size=60)
    return rows.map(lambda r: pd.DataFrame(r, columns=["f", "y", "g"]))


def _valid(df, values):
    d = df["f"].isin(values)
    return d.any() and (~d).any() and df["y"].nunique() == 2


@settings(max_examples=40, deadline=None)
@given(frames())
def test_every_metric_stays_in_its_documented_range(df):
    assume(_valid(df, ["a"]))
    r = pretraining_bias(df, facet_values_or_threshold=["a"], group_variable="g", **KW)
    assert -1 <= r["CI"] <= 1 and -1 <= r["DPL"] <= 1 and -1 <= r["CDDL"] <= 1
    # the divergences are nan (the reference's error) when the facets share no label class
    assert all(math.isnan(r[m]) for m in ("JS", "TVD", "KS")) or (0 <= r["TVD"] <= 1 and 0 <= r["KS"] <= 1)
    if not math.isnan(r["JS"]):
        assert -1e-15 <= r["JS"] <= math.log(2) + 1e-15  # floating rounding only


@settings(max_examples=40, deadline=None)
@given(frames())
def test_swapping_the_facets_negates_ci_and_dpl(df):
    assume(_valid(df, ["a"]))
    one = pretraining_bias(df, facet_values_or_threshold=["a"], methods=["CI", "DPL"], **KW)
    other = pretraining_bias(df, facet_values_or_threshold=["b", "c"], methods=["CI", "DPL"], **KW)
    assert other["CI"] == pytest.approx(-one["CI"], abs=1e-12)
    assert other["DPL"] == pytest.approx(-one["DPL"], abs=1e-12)


@settings(max_examples=25, deadline=None)
@given(frames(), st.randoms(use_true_random=False))
def test_metrics_do_not_depend_on_row_order(df, rnd):
    assume(_valid(df, ["a"]))
    order = list(range(len(df)))
    rnd.shuffle(order)
    shuffled = df.iloc[order].reset_index(drop=True)
    df = df.assign(p=df["y"].to_numpy()[::-1])
    assume(df["p"].any())
    shuffled = df.iloc[order].reset_index(drop=True)
    kw = dict(facet_values_or_threshold=["a"], group_variable="g", predicted_label="p", ft_features=["g"], **KW)
    a = {**pretraining_bias(df, **{k: v for k, v in kw.items() if k not in ("predicted_label", "ft_features")}),
         **posttraining_bias(df, methods=[m for m in POSTTRAINING_METRICS if m != "FT"], **kw)}
    b = {**pretraining_bias(shuffled, **{k: v for k, v in kw.items() if k not in ("predicted_label", "ft_features")}),
         **posttraining_bias(shuffled, methods=[m for m in POSTTRAINING_METRICS if m != "FT"], **kw)}
    for name, v in a.items():
        assert b[name] == pytest.approx(v, abs=1e-12, nan_ok=True), name


def test_the_listed_values_are_facet_d_and_differences_run_a_minus_d():
    df = pd.DataFrame({"f": ["d"] * 4 + ["a"] * 6, "y": [1, 0, 0, 0] + [1, 1, 1, 0, 0, 0]})
    r = pretraining_bias(df, facet_values_or_threshold=["d"], **KW)
    assert r["CI"] == pytest.approx((6 - 4) / 10)  # (n_a - n_d) / n
    assert r["DPL"] == pytest.approx(3 / 6 - 1 / 4)  # q_a - q_d


def test_kl_is_natural_log_divergence_of_a_from_d():
    df = pd.DataFrame({"f": ["d"] * 4 + ["a"] * 6, "y": [1, 0, 0, 0] + [1, 1, 1, 0, 0, 0]})
    pa, pd_ = np.array([0.5, 0.5]), np.array([0.75, 0.25])
    assert KL(df, facet_values_or_threshold=["d"], **KW) == pytest.approx(np.sum(pa * np.log(pa / pd_)))


def test_kl_is_negative_when_facet_d_has_no_positive_label():
    # the reference drops the class missing in d without renormalising: 0.5 * ln(0.5 / 1) < 0
    df = pd.DataFrame({"f": ["d"] * 3 + ["a"] * 4, "y": [0, 0, 0, 1, 1, 0, 0]})
    assert KL(df, facet_values_or_threshold=["d"], **KW) == pytest.approx(0.5 * math.log(0.5))


def test_a_number_is_a_threshold_and_a_list_is_values_even_on_a_numeric_column():
    df = pd.DataFrame({"f": [0, 0, 1, 1, 2, 2], "y": [1, 0, 1, 1, 0, 1]})
    by_threshold = DPL(df, facet_values_or_threshold=0, **KW)  # d = f > 0: rows 2..5
    by_values = DPL(df, facet_values_or_threshold=[0], **KW)  # d = f == 0: rows 0, 1
    assert by_threshold == pytest.approx(1 / 2 - 3 / 4)
    assert by_values == pytest.approx(3 / 4 - 1 / 2)


def test_label_threshold_marks_values_above_it_positive():
    df = pd.DataFrame({"f": list("aabb"), "score": [0.2, 0.9, 0.6, 0.4]})
    r = pretraining_bias(df, label="score", label_values_or_threshold=0.5, facet="f",
                         facet_values_or_threshold=["a"], methods=["DPL"])
    assert r["DPL"] == pytest.approx(1 / 2 - 1 / 2)


def test_ci_needs_no_label():
    df = pd.DataFrame({"f": list("abbb")})
    assert CI(df, facet="f", facet_values_or_threshold=["a"]) == pytest.approx(0.5)


def test_cddl_is_nan_without_a_group_variable_and_the_note_says_why():
    df = pd.DataFrame({"f": list("aabb"), "y": [1, 0, 1, 1]})
    assert math.isnan(pretraining_bias(df, facet_values_or_threshold=["a"], **KW)["CDDL"])
    notes = metric_notes(df, facet_values_or_threshold=["a"], **KW)
    assert "group_variable" in notes["CDDL"]


def test_ratio_metrics_follow_the_zero_division_conventions():
    # facet d gets no positive prediction: DI = 0 / q_a = 0; DCA's c_d = n_d(1) / 0 = inf
    df = pd.DataFrame({"f": list("ddaaaa"), "y": [1, 0, 1, 0, 1, 0], "p": [0, 0, 1, 0, 1, 1]})
    r = posttraining_bias(df, predicted_label="p", facet_values_or_threshold=["d"], methods=["DI", "DCA", "TE"], **KW)
    assert r["DI"] == 0.0 and r["DCA"] == -math.inf
    # TE: FN_d / FP_d = 1 / 0 = inf, FN_a / FP_a = 0 / 1 = 0, d minus a
    assert r["TE"] == math.inf


def test_generalized_entropy_matches_its_formula():
    y = np.array([1, 0, 1, 1, 0, 0])
    p = np.array([1, 1, 0, 1, 0, 1])
    df = pd.DataFrame({"f": list("aabbab"), "y": y, "p": p})
    b = p - y + 1
    want = ((b / b.mean()) ** 2 - 1).sum() / (len(b) * 2)  # GE with alpha = 2
    got = posttraining_bias(df, predicted_label="p", facet_values_or_threshold=["a"], methods=["GE"], **KW)["GE"]
    assert got == pytest.approx(want, abs=1e-12)


def test_flip_test_is_nan_with_a_non_numeric_feature():
    df = pd.DataFrame({"f": list("aabb"), "y": [1, 0, 1, 0], "p": [1, 0, 1, 1], "s": list("wxyz")})
    kw = dict(predicted_label="p", facet_values_or_threshold=["a"], **KW)
    assert math.isnan(posttraining_bias(df, methods=["FT"], **kw)["FT"])
    assert "non-numeric" in metric_notes(df, methods=["FT"], **kw)["FT"]


def test_loans_bias_injected_by_the_generator_is_recovered():
    ds = loans(20000, approval_gap=0.2, seed=1)
    r = pretraining_bias(ds.frame, label="approved", label_values_or_threshold=[1], facet="gender",
                         facet_values_or_threshold=["female"], group_variable="department")
    # 20,000 rows: DPL's standard error is about 0.008 and CDD's smaller; 0.03 is > 3.5 SE
    assert r["DPL"] == pytest.approx(ds.truth["expected_dpl"], abs=0.03)
    assert r["CDDL"] == pytest.approx(ds.truth["expected_cdd"], abs=0.03)
    assert r["CI"] == pytest.approx(1 - 2 * ds.truth["facet_share"], abs=0.03)


def test_simpsons_paradox_loans_have_dpl_but_no_cddl():
    ds = loans(20000, gap_source="composition", approval_gap=0.2, seed=2)
    r = pretraining_bias(ds.frame, label="approved", label_values_or_threshold=[1], facet="gender",
                         facet_values_or_threshold=["female"], group_variable="department")
    assert r["DPL"] == pytest.approx(0.2, abs=0.03)  # truth: gap 0.2 overall
    assert r["CDDL"] == pytest.approx(0.0, abs=0.03)  # truth: expected_cdd 0 within groups


# ---------------------------------------------------------------------------- bad input
GOOD = pd.DataFrame({"f": list("aabbb"), "y": [1, 0, 1, 1, 0], "g": list("xyxyx"), "s": list("vwxyz")})


def test_absent_facet_value_is_an_error_naming_it():
    with pytest.raises(ValueError, match=r"facet_values_or_threshold=\['z'\] matches no row.*values present: a, b"):
        pretraining_bias(GOOD, facet_values_or_threshold=["z"], **KW)


def test_label_with_one_class_is_an_error():
    df = GOOD.assign(y=1)
    with pytest.raises(ValueError, match="label column 'y' has one class.*all 5 rows are positive"):
        pretraining_bias(df, facet_values_or_threshold=["a"], **KW)


def test_nan_in_the_facet_is_an_error():
    df = GOOD.assign(f=["a", None, "b", "b", "b"])
    with pytest.raises(ValueError, match="facet column 'f' has 1 missing value"):
        pretraining_bias(df, facet_values_or_threshold=["a"], **KW)


def test_threshold_on_a_non_numeric_column_is_an_error():
    with pytest.raises(TypeError, match="threshold, but facet column 'f' is not numeric"):
        pretraining_bias(GOOD, facet_values_or_threshold=0.5, **KW)


def test_facet_covering_every_row_is_an_error():
    with pytest.raises(ValueError, match="selects every row.*facet a is empty"):
        pretraining_bias(GOOD, facet_values_or_threshold=["a", "b"], **KW)


def test_threshold_above_every_value_is_an_error():
    df = GOOD.assign(f=[1.0, 2, 3, 4, 5])
    with pytest.raises(ValueError, match="selects no row.*facet d is empty"):
        pretraining_bias(df, facet_values_or_threshold=9, **KW)


def test_missing_column_is_an_error_listing_the_columns():
    with pytest.raises(ValueError, match="label must be a column of df"):
        pretraining_bias(GOOD, label="nope", label_values_or_threshold=[1], facet="f", facet_values_or_threshold=["a"])


def test_unknown_method_is_an_error():
    with pytest.raises(ValueError, match="methods must be 'all' or a list of CI"):
        pretraining_bias(GOOD, facet_values_or_threshold=["a"], methods=["DI"], **KW)


def test_no_positive_prediction_is_an_error():
    with pytest.raises(ValueError, match="no positive prediction"):
        posttraining_bias(GOOD.assign(p=0), predicted_label="p", facet_values_or_threshold=["a"], **KW)


def test_df_must_be_a_dataframe():
    with pytest.raises(TypeError, match="df must be a pandas DataFrame"):
        pretraining_bias({"f": [1]}, facet_values_or_threshold=["a"], **KW)


def test_all_pretraining_names_are_returned_in_clarify_order():
    r = pretraining_bias(GOOD, facet_values_or_threshold=["a"], group_variable="g", **KW)
    assert tuple(r) == PRETRAINING_METRICS
