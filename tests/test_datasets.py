"""Tests of mlkit.datasets: seeded generators with recoverable injected truth.

Statistical checks use n = 20,000 rows and tolerances of about 4 standard
errors (the SE formula, or the spread measured over 20 seeds, is stated next
to each assertion), so a correct generator fails them with probability well
under 1e-4 per check, while a wrong one (a missing bias, a swapped ranking)
misses by tens of SEs.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlkit import datasets
from mlkit.datasets import (
    Dataset,
    admissions,
    articles,
    claims,
    inject_category_shift,
    inject_drift,
    inject_label_bias,
    inject_missing,
    loans,
    traffic,
)

GENERATORS = ["admissions", "articles", "claims", "loans", "traffic"]
BIG = 20_000


def _small(name: str, **kwargs) -> Dataset:
    """A small instance of each generator (traffic is sized by days)."""
    if name == "traffic":
        return datasets.load(name, days=1, freq_minutes=15, **kwargs)
    return datasets.load(name, n_rows=200, **kwargs)


# ---------------------------------------------------------------- registry


def test_names_lists_the_five_generators():
    assert set(GENERATORS) <= set(datasets.names())
    assert datasets.names() == sorted(datasets.names())


def test_load_unknown_name_raises_value_error_listing_known_names():
    with pytest.raises(ValueError, match=r"unknown dataset 'nope'; known datasets: .*claims.*loans"):
        datasets.load("nope")


def test_load_passes_keyword_arguments_to_the_generator():
    ds = datasets.load("claims", n_rows=123, suspicious_rate=0.3, seed=4)
    assert ds.shape[0] == 123 and ds.truth["suspicious_rate"] == 0.3 and ds.seed == 4


def test_register_adds_a_generator_that_load_finds():
    @datasets.register("toy_for_test")
    def toy_for_test(n_rows=10, *, seed=0):
        frame = pd.DataFrame({"x": np.arange(n_rows)})
        return Dataset("toy_for_test", frame, None, "toy", {}, seed)

    try:
        assert "toy_for_test" in datasets.names()
        assert datasets.load("toy_for_test", n_rows=12).shape == (12, 1)
    finally:
        datasets._REGISTRY.pop("toy_for_test", None)


def test_register_rejects_a_name_taken_by_another_function():
    def other(**kwargs):  # pragma: no cover - never called
        raise AssertionError

    with pytest.raises(ValueError, match="'claims' is already registered"):
        datasets.register("claims")(other)
    assert datasets._REGISTRY["claims"] is claims


def test_register_rejects_a_name_that_is_not_an_identifier():
    with pytest.raises(ValueError, match="name must be a Python identifier"):
        datasets.register("two words")


def test_importing_the_module_does_not_import_pandas_or_numpy():
    code = "import sys, mlkit.datasets; print(sorted(m for m in ('pandas', 'numpy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ------------------------------------------------------- shared behaviour


@pytest.mark.parametrize("name", GENERATORS)
def test_same_seed_gives_identical_frame_and_truth(name):
    a, b = _small(name, seed=7), _small(name, seed=7)
    pd.testing.assert_frame_equal(a.frame, b.frame)
    assert a.truth == b.truth


@pytest.mark.parametrize("name", GENERATORS)
def test_different_seed_gives_a_different_frame(name):
    a, b = _small(name, seed=1), _small(name, seed=2)
    assert not a.frame.equals(b.frame)


@pytest.mark.parametrize("name", GENERATORS)
def test_seed_none_draws_fresh_data(name):
    # two unseeded draws colliding would need every random number to repeat
    assert not _small(name, seed=None).frame.equals(_small(name, seed=None).frame)


@pytest.mark.parametrize("name", GENERATORS)
@pytest.mark.parametrize(
    "seed, error", [(True, TypeError), (1.5, TypeError), ("0", TypeError), (-1, ValueError)]
)
def test_bad_seed_is_rejected_naming_seed(name, seed, error):
    with pytest.raises(error, match=r"seed must be an integer >= 0, got"):
        _small(name, seed=seed)


@pytest.mark.parametrize("name", ["admissions", "articles", "claims", "loans"])
@pytest.mark.parametrize("n_rows", [0, 9, 5_000_001])
def test_n_rows_out_of_range_is_rejected(name, n_rows):
    with pytest.raises(ValueError, match=rf"n_rows must be an integer >= 10 and <= 5000000, got {n_rows}"):
        datasets.load(name, n_rows=n_rows)


@pytest.mark.parametrize("name", ["admissions", "articles", "claims", "loans"])
def test_n_rows_float_is_a_type_error(name):
    with pytest.raises(TypeError, match="n_rows must be an integer"):
        datasets.load(name, n_rows=100.0)


@pytest.mark.parametrize("name", ["admissions", "articles", "claims", "loans"])
def test_smallest_allowed_n_rows_works(name):
    assert datasets.load(name, n_rows=10).shape[0] == 10


@pytest.mark.parametrize("name", GENERATORS)
def test_truth_and_to_dict_are_json_serialisable(name):
    ds = datasets.load(name, **({"idle_fraction": 0.1, "bursts": 2} if name == "traffic" else {}))
    json.dumps(ds.truth, allow_nan=False)
    summary = json.loads(json.dumps(ds.to_dict(), allow_nan=False))
    assert summary["name"] == name and summary["n_rows"] == ds.shape[0]
    assert summary["columns"] == list(ds.frame.columns)


@pytest.mark.parametrize("name", GENERATORS)
def test_features_exclude_target_and_id_time_label_columns(name):
    ds = datasets.load(name)
    excluded = {ds.target}
    for key in ("id_columns", "time_columns", "label_columns"):
        excluded.update(ds.truth.get(key, []))
    assert ds.features == [c for c in ds.frame.columns if c not in excluded]
    assert list(ds.X.columns) == ds.features
    pd.testing.assert_series_equal(ds.y, ds.frame[ds.target])


@pytest.mark.parametrize("name", GENERATORS)
def test_repr_html_shows_name_shape_balance_and_truth(name):
    ds = _small(name)
    page = ds._repr_html_()
    assert f"<b>{name}</b>" in page
    assert f"{ds.shape[0]:,} rows" in page
    assert "<th>target</th>" in page  # every built-in generator has a target
    for key in list(ds.truth)[:3]:
        assert f"<td>{key}</td>" in page


DEFAULT_SCHEMAS = {
    "claims": (2000, {"claim_id": "str", "payment_value": "float64", "account_duration": "int64",
                      "region": "str", "channel": "str", "customer_age_group": "str",
                      "operation_status": "str"}),
    "loans": (2000, {"applicant_id": "str", "income": "float64", "credit_score": "int64",
                     "loan_amount": "float64", "gender": "str", "department": "str",
                     "approved": "int64"}),
    "admissions": (2000, {"applicant_id": "str", "SAT": "int64", "GPA": "float64",
                          "class_rank": "int64", "admitted": "int64"}),
    "articles": (500, {"article_id": "str", "text": "str", "primary_tag": "str", "tags": "str"}),
    "traffic": (7 * 1440, {"timestamp": "datetime", "requests_per_second": "float64",
                           "requests": "int64"}),
}


@pytest.mark.parametrize("name", GENERATORS)
def test_default_size_columns_and_dtypes(name):
    rows, schema = DEFAULT_SCHEMAS[name]
    frame = datasets.load(name).frame
    assert frame.shape == (rows, len(schema))
    assert list(frame.columns) == list(schema)
    for col, kind in schema.items():
        if kind == "str":
            assert pd.api.types.is_string_dtype(frame[col]), col
        elif kind == "datetime":
            assert pd.api.types.is_datetime64_dtype(frame[col]), col
        else:
            assert frame[col].dtype == np.dtype(kind), col
    assert not frame.isna().any().any()


# ----------------------------------------------------------------- Dataset


def test_dataset_without_target_raises_on_y():
    ds = Dataset("t", pd.DataFrame({"x": [1, 2]}), None, "no target")
    with pytest.raises(ValueError, match="dataset 't' has no target"):
        ds.y
    assert ds.features == ["x"] and ds.target_balance() == {}


def test_dataset_with_unknown_target_raises_naming_columns():
    with pytest.raises(KeyError, match=r"target='z' is not a column of the frame; available columns: 'x'"):
        Dataset("t", pd.DataFrame({"x": [1, 2]}), "z", "bad")


def test_repr_html_escapes_text():
    ds = Dataset("<b>", pd.DataFrame({"x": [1]}), None, "a < b", {"k": "<script>"})
    page = ds._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page and "a &lt; b" in page


def test_target_balance_of_a_numeric_target_summarises_it():
    ds = datasets.load("traffic", days=1)  # requests has far more than 20 distinct values
    balance = ds.target_balance()
    assert set(balance) == {"mean", "std", "min", "max"}
    assert balance["mean"] == pytest.approx(ds.frame.requests.mean(), abs=1e-4)  # rounded to 4 dp


# ------------------------------------------------------------------ claims


def _binomial_se(p: float, n: int) -> float:
    return math.sqrt(p * (1 - p) / n)


def test_claims_suspicious_rate_matches_injected_rate():
    ds = claims(BIG, suspicious_rate=0.15, bias=0.05, seed=11)
    rate = (ds.frame.operation_status == "suspicious").mean()
    # the overall rate is exact in expectation; 4 binomial standard errors
    assert abs(rate - 0.15) < 4 * _binomial_se(0.15, BIG)


def test_claims_label_rates_per_facet_match_truth():
    ds = claims(BIG, suspicious_rate=0.1, bias=0.1, seed=3)
    f = ds.frame
    for value, expected in ds.truth["label_rate_by_facet"].items():
        rows = f[f.customer_age_group == value]
        measured = (rows.operation_status == "suspicious").mean()
        # per-facet binomial SE with that facet's row count
        assert abs(measured - expected) < 4 * _binomial_se(expected, len(rows)), value


def test_claims_rates_per_facet_follow_the_formula():
    t = claims(100, suspicious_rate=0.1, bias=0.1, seed=0).truth
    # favoured "25-45" has share 0.4: r_fav = s - 0.6 b, r_rest = s + 0.4 b
    assert t["label_rate_by_facet"]["25-45"] == pytest.approx(0.04, abs=1e-12)
    assert t["label_rate_by_facet"]["18-24"] == pytest.approx(0.14, abs=1e-12)
    shares = t["facet_shares"]
    overall = sum(shares[v] * r for v, r in t["label_rate_by_facet"].items())
    assert overall == pytest.approx(0.1, abs=1e-12)  # bias does not change the overall rate
    assert t["expected_dpl"] == pytest.approx(0.1, abs=1e-12)


def test_claims_measured_dpl_matches_injected_bias():
    ds = claims(BIG, suspicious_rate=0.1, bias=0.1, seed=5)
    f = ds.frame
    fav = f.customer_age_group == "25-45"
    legit = f.operation_status == "legitimate"
    dpl = legit[fav].mean() - legit[~fav].mean()
    t = ds.truth["label_rate_by_facet"]
    # SE of a difference of two independent proportions
    se = math.sqrt(_binomial_se(t["25-45"], int(fav.sum())) ** 2 + _binomial_se(t["18-24"], int((~fav).sum())) ** 2)
    assert abs(dpl - 0.1) < 4 * se


def test_claims_zero_bias_gives_equal_rates_for_every_facet_value():
    rates = claims(100, suspicious_rate=0.2, bias=0.0, seed=0).truth["label_rate_by_facet"]
    assert set(rates.values()) == {0.2}


def test_claims_other_facet_and_negative_bias():
    ds = claims(BIG, facet="region", favoured="north", bias=-0.05, seed=2)
    f = ds.frame
    fav = f.region == "north"
    susp = f.operation_status == "suspicious"
    # negative bias: the favoured value is *more* often suspicious, by 0.05 in expectation;
    # SE of the difference <= sqrt(.25/6000 + .25/14000) < 0.008
    assert abs((susp[fav].mean() - susp[~fav].mean()) - 0.05) < 4 * 0.008
    assert ds.truth["noise_columns"] == ["customer_age_group", "channel"]


def test_claims_label_is_learnable_with_the_recorded_coefficients():
    from sklearn.linear_model import LogisticRegression

    ds = claims(BIG, suspicious_rate=0.1, bias=0.1, seed=8)
    f = ds.frame
    dummies = pd.get_dummies(f.customer_age_group).astype(float)
    X = np.column_stack([np.log(f.payment_value), f.account_duration, dummies.to_numpy()])
    model = LogisticRegression(C=np.inf, fit_intercept=False, solver="newton-cholesky")
    model.fit(X, f.operation_status == "suspicious")
    post = ds.truth["posterior_logit"]
    # the posterior is exactly logistic in these columns; over 20 seeds the MLE's spread
    # was 0.056 (log payment) and 0.0021 (duration): tolerances are ~4.5 of those
    assert model.coef_[0][0] == pytest.approx(post["log_payment_value"], abs=0.25)
    assert model.coef_[0][1] == pytest.approx(post["account_duration"], abs=0.01)
    assert post["log_payment_value"] > 0 > post["account_duration"]


def test_claims_suspicious_claims_are_larger_and_newer():
    f = claims(BIG, seed=1).frame
    g = f.groupby("operation_status")
    # lognormal medians 900 vs 250; geometric means 12 vs 48 months
    assert g.payment_value.median()["suspicious"] == pytest.approx(900, rel=0.1)
    assert g.payment_value.median()["legitimate"] == pytest.approx(250, rel=0.05)
    assert g.account_duration.mean()["suspicious"] == pytest.approx(12, rel=0.1)
    assert g.account_duration.mean()["legitimate"] == pytest.approx(48, rel=0.05)


@pytest.mark.parametrize("rate", [0.0, 1.0, 1.2])
def test_claims_suspicious_rate_outside_open_unit_interval_is_rejected(rate):
    with pytest.raises(ValueError, match=rf"suspicious_rate must be a finite number > 0.0 and < 1.0, got {rate}"):
        claims(suspicious_rate=rate)


def test_claims_unknown_facet_is_rejected_listing_choices():
    with pytest.raises(ValueError, match=r"facet must be one of 'customer_age_group', 'region', 'channel'; got 'age'"):
        claims(facet="age")


def test_claims_favoured_value_must_belong_to_the_facet():
    with pytest.raises(ValueError, match=r"favoured must be one of 'north', 'south', 'east', 'west'; got '25-45'"):
        claims(facet="region")


def test_claims_bias_that_breaks_a_rate_is_rejected_with_the_range():
    # favoured share 0.4, s = 0.1: r_fav = 0.1 - 0.6 b >= 0 needs b <= 1/6
    with pytest.raises(ValueError, match=r"bias must be between -0.25 and 0.1667 .* got 0.5"):
        claims(suspicious_rate=0.1, bias=0.5)


# ------------------------------------------------------------------- loans


def _dd(frame, facet, value):
    """Clarify DD: share of d among rejected minus share of d among approved."""
    rej, acc = frame[frame.approved == 0], frame[frame.approved == 1]
    return (rej[facet] == value).mean() - (acc[facet] == value).mean()


def _cdd(frame, facet, value, group):
    return sum(len(g) * _dd(g, facet, value) for _, g in frame.groupby(group)) / len(frame)


def test_loans_truth_dpl_equals_the_requested_gap_in_both_modes():
    for source in ("within_group", "composition"):
        t = loans(100, approval_gap=0.15, gap_source=source, seed=0).truth
        assert t["expected_dpl"] == pytest.approx(0.15, abs=1e-12), source
        rates = t["approval_rate_by_facet"]
        assert rates["male"] - rates["female"] == pytest.approx(0.15, abs=1e-12)


def test_loans_within_group_gap_shows_in_dpl_dd_and_cdd():
    ds = loans(BIG, approval_gap=0.2, gap_source="within_group", seed=21)
    f, t = ds.frame, ds.truth
    q = f.groupby("gender").approved.mean()
    # SE of DPL = sqrt(qa(1-qa)/14000 + qd(1-qd)/6000) <= 0.0077
    assert abs((q["male"] - q["female"]) - 0.2) < 4 * 0.0077
    # DD and CDD: spread over 20 seeds was 0.0064 and 0.0059; 0.03 is > 4.5 of those
    assert _dd(f, "gender", "female") == pytest.approx(t["expected_dd"], abs=0.03)
    assert _cdd(f, "gender", "female", "department") == pytest.approx(t["expected_cdd"], abs=0.03)
    assert t["expected_cdd"] > 0.15  # the bias is inside every group


def test_loans_within_group_gap_holds_inside_every_group():
    ds = loans(BIG, approval_gap=0.2, gap_source="within_group", seed=22)
    f = ds.frame
    for dept, g in f.groupby("department"):
        q = g.groupby("gender").approved.mean()
        # about 5,000 rows per group, 1,500 of them female: SE <= sqrt(.25/1500 + .25/3500) < 0.016
        assert abs((q["male"] - q["female"]) - 0.2) < 4 * 0.016, dept


def test_loans_composition_gap_is_simpsons_paradox_with_zero_cdd():
    ds = loans(BIG, approval_gap=0.2, gap_source="composition", seed=23)
    f, t = ds.frame, ds.truth
    q = f.groupby("gender").approved.mean()
    assert abs((q["male"] - q["female"]) - 0.2) < 4 * 0.0077  # same SE bound as above
    assert _dd(f, "gender", "female") == pytest.approx(t["expected_dd"], abs=0.03)  # spread 0.0062
    assert t["expected_cdd"] == 0.0
    assert abs(_cdd(f, "gender", "female", "department")) < 0.03  # spread over 20 seeds 0.0067
    for dept, g in f.groupby("department"):
        qg = g.groupby("gender").approved.mean()
        # no within-group gap; smallest cell ~600 rows: SE < sqrt(.25/600 + .25/600) < 0.03
        assert abs(qg["male"] - qg["female"]) < 4 * 0.03, dept


def test_loans_composition_sends_the_facet_to_low_acceptance_groups():
    t = loans(100, gap_source="composition", seed=0).truth
    groups = t["groups"]  # listed from highest to lowest acceptance
    rates = [t["acceptance_rate_by_group"][g]["female"] for g in groups]
    assert rates == sorted(rates, reverse=True)
    share_d = [t["group_share_by_facet"]["female"][g] for g in groups]
    share_a = [t["group_share_by_facet"]["male"][g] for g in groups]
    assert share_d == sorted(share_d) and share_a == sorted(share_a, reverse=True)
    assert sum(share_d) == pytest.approx(1.0, abs=1e-12) and sum(share_a) == pytest.approx(1.0, abs=1e-12)
    for g in groups:
        assert t["acceptance_rate_by_group"][g]["female"] == t["acceptance_rate_by_group"][g]["male"]


def test_loans_measured_composition_matches_truth():
    ds = loans(BIG, gap_source="composition", seed=24)
    f, t = ds.frame, ds.truth
    measured = f[f.gender == "female"].department.value_counts(normalize=True)
    for g, share in t["group_share_by_facet"]["female"].items():
        # ~6,000 female applicants: binomial SE <= 0.0065
        assert abs(measured[g] - share) < 4 * 0.0065, g


def test_loans_other_facet_and_group_columns():
    ds = loans(300, facet="age_group", disadvantaged="under_30", group="branch", seed=0)
    assert {"age_group", "branch"} <= set(ds.frame.columns)
    assert set(ds.frame.age_group) == {"under_30", "30_and_over"}
    assert ds.truth["advantaged"] == "30_and_over"


def test_loans_approved_applicants_have_higher_credit_scores():
    f = loans(BIG, seed=0).frame
    means = f.groupby("approved").credit_score.mean()
    # class-conditional means 715 vs 655 (sd 50-60: SE of each mean < 1)
    assert means[1] - means[0] == pytest.approx(60, abs=5)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"approval_gap": 0.5, "gap_source": "composition"},
         r"approval_gap must be between -0.3333 and 0.3333 when gap_source='composition'.*got 0.5"),
        ({"approval_gap": 0.9}, r"approval_gap must be between .* gap_source='within_group' and facet_share=0.3"),
        ({"facet": "race"}, r"facet must be one of 'gender', 'age_group', 'marital_status'; got 'race'"),
        ({"disadvantaged": "other"}, r"disadvantaged must be one of 'female', 'male'; got 'other'"),
        ({"facet_share": 0.0}, r"facet_share must be a finite number > 0.0 and < 1.0, got 0.0"),
        ({"group": "city"}, r"group must be one of 'department', 'branch'; got 'city'"),
        ({"gap_source": "both"}, r"gap_source must be one of 'within_group', 'composition'; got 'both'"),
    ],
)
def test_loans_bad_parameters_are_rejected(kwargs, message):
    with pytest.raises(ValueError, match=message):
        loans(**kwargs)


# -------------------------------------------------------------- admissions


def _fitted_coefficients(ds):
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    X = StandardScaler().fit_transform(ds.X)
    return dict(zip(ds.features, LogisticRegression().fit(X, ds.y).coef_[0]))


def test_admissions_training_ranking_is_recovered():
    ds = admissions(BIG, seed=31)
    coef = _fitted_coefficients(ds)
    assert sorted(coef, key=lambda c: -abs(coef[c])) == ["SAT", "GPA", "class_rank"] == ds.truth["ranking"]
    # standardized coefficients estimate the injected weights; over 20 seeds their spread
    # was <= 0.017, so 0.07 is ~4 of those
    for feature, weight in ds.truth["attribution_weights"].items():
        assert coef[feature] == pytest.approx(weight, abs=0.07), feature


def test_admissions_live_ranking_is_flipped():
    ds = admissions(BIG, live=True, seed=31)
    coef = _fitted_coefficients(ds)
    assert sorted(coef, key=lambda c: -abs(coef[c])) == ["class_rank", "GPA", "SAT"] == ds.truth["ranking"]
    for feature, weight in ds.truth["attribution_weights"].items():
        # spread over 20 seeds <= 0.023
        assert coef[feature] == pytest.approx(weight, abs=0.09), feature


def test_admissions_truth_has_the_notes_weights():
    assert admissions(50).truth["attribution_weights"] == {"SAT": 0.70, "GPA": 0.50, "class_rank": 0.05}
    assert admissions(50, live=True).truth["attribution_weights"] == {"SAT": 0.10, "GPA": 0.20, "class_rank": 0.70}


def test_admissions_live_and_training_draw_different_applicants_for_one_seed():
    a, b = admissions(200, seed=0), admissions(200, live=True, seed=0)
    assert not a.frame[["SAT", "GPA", "class_rank"]].equals(b.frame[["SAT", "GPA", "class_rank"]])


def test_admissions_feature_ranges_are_realistic():
    f = admissions(BIG, seed=0).frame
    assert f.SAT.between(400, 1600).all() and (f.SAT % 10 == 0).all()
    assert f.GPA.between(0.0, 4.0).all()
    assert f.class_rank.between(1, 100).all()
    # class_rank is an approximately uniform percentile: mean 50.5 within a few points
    assert f.class_rank.mean() == pytest.approx(50.5, abs=2.0)


def test_admissions_live_must_be_a_bool():
    with pytest.raises(TypeError, match="live must be True or False, got 1"):
        admissions(live=1)


# ---------------------------------------------------------------- articles


def test_articles_count_vectorizer_keeps_rare_words_and_drops_stopwords():
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

    ds = articles(seed=0)
    t = ds.truth
    # the check is meaningful: every filler stopword is one sklearn removes, no content word is
    assert set(t["stopwords"]) <= ENGLISH_STOP_WORDS
    content = {w for tag in t["tags"] for w in t["keywords"][tag] + t["rare_words"][tag]}
    assert not content & ENGLISH_STOP_WORDS
    vocab = set(CountVectorizer(stop_words="english").fit(ds.frame.text).vocabulary_)
    rare = {w for tag in t["tags"] for w in t["rare_words"][tag]}
    assert rare <= vocab
    assert not vocab & set(t["stopwords"])
    assert set(t["stopwords"]) <= set(CountVectorizer().fit(ds.frame.text).vocabulary_)  # they were there


def test_articles_rare_words_are_rare_and_specific_to_their_tag():
    ds = articles(2000, seed=4)
    f, t = ds.frame, ds.truth
    words = f.text.str.lower().str.rstrip(".").str.split()
    for tag in t["tags"]:
        own = words[f.primary_tag == tag]
        other = words[f.primary_tag != tag]
        keyword_df = min(own.map(lambda ws, w=w: w in ws).mean() for w in t["keywords"][tag])
        for w in t["rare_words"][tag]:
            has = words.map(lambda ws, w=w: w in ws)
            assert int(has.sum()) == t["rare_word_document_counts"][w]
            assert not other.map(lambda ws, w=w: w in ws).any(), w
            assert own.map(lambda ws, w=w: w in ws).mean() < keyword_df, w


def test_articles_every_rare_word_appears_even_in_tiny_corpora():
    t = articles(10, n_tags=8, seed=0).truth
    assert min(t["rare_word_document_counts"].values()) >= 1


def test_articles_texts_have_12_to_40_words_and_valid_tags():
    ds = articles(seed=1)
    f, t = ds.frame, ds.truth
    n_words = f.text.str.split().str.len()
    assert n_words.between(12, 40).all()
    tags = f.tags.str.split("|")
    assert (tags.str[0] == f.primary_tag).all()
    assert set(tags.explode()) == set(t["tags"])
    assert tags.str.len().max() == 2
    multi = (tags.str.len() == 2).mean()
    assert abs(multi - 0.25) < 4 * _binomial_se(0.25, len(f))


def test_articles_primary_tag_is_predictable_from_text():
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.model_selection import cross_val_score
    from sklearn.naive_bayes import MultinomialNB
    from sklearn.pipeline import make_pipeline

    ds = articles(seed=0)
    model = make_pipeline(CountVectorizer(stop_words="english"), MultinomialNB())
    # about half the words are topic keywords; 5-fold accuracy was 0.96 (chance is 0.2)
    assert cross_val_score(model, ds.X.text, ds.y, cv=5).mean() > 0.85


@pytest.mark.parametrize("n_tags", [1, 9])
def test_articles_n_tags_out_of_range_is_rejected(n_tags):
    with pytest.raises(ValueError, match=rf"n_tags must be an integer >= 2 and <= 8, got {n_tags}"):
        articles(n_tags=n_tags)


# ----------------------------------------------------------------- traffic


def test_traffic_starts_on_monday_2026_01_05_at_the_given_frequency():
    f = traffic(days=2, freq_minutes=5).frame
    assert f.timestamp.iloc[0] == pd.Timestamp("2026-01-05 00:00")
    assert f.timestamp.iloc[0].day_name() == "Monday"
    assert (f.timestamp.diff().dropna() == pd.Timedelta(minutes=5)).all()
    assert len(f) == 2 * 288


def test_traffic_wednesday_is_busier_than_saturday():
    f = traffic(seed=2).frame
    day = f.timestamp.dt.day_name()
    # expected daily means 1.35 * 20 vs 0.65 * 20 rps: a difference of 14 rps, each mean
    # over 1440 Poisson counts of ~1200 has SE < 1 request per minute
    assert f.requests[day == "Wednesday"].mean() > f.requests[day == "Saturday"].mean()
    assert f.requests_per_second[day == "Wednesday"].mean() == pytest.approx(1.35 * 20, rel=1e-9)


def test_traffic_weekly_mean_rate_is_base_rps():
    f = traffic(base_rps=33.0, seed=0).frame
    # weekly factors average 1 and the daily cosine sums to 0 over a day: exact
    assert f.requests_per_second.mean() == pytest.approx(33.0, rel=1e-12)
    # Poisson total: SD = sqrt(expected) ~ 1,150 of ~20 million
    expected = (f.requests_per_second * 60).sum()
    assert abs(f.requests.sum() - expected) < 4 * math.sqrt(expected)


def test_traffic_daily_cycle_peaks_at_14_and_is_lowest_at_2():
    f = traffic(days=1, seed=0).frame
    by_hour = f.groupby(f.timestamp.dt.hour).requests_per_second.mean()
    assert by_hour.idxmax() == 14 and by_hour.idxmin() == 2


def test_traffic_without_weekly_shape_every_day_has_the_same_rate():
    f = traffic(weekly_shape=False, seed=0).frame
    daily = f.groupby(f.timestamp.dt.date).requests_per_second.mean()
    assert daily.to_numpy() == pytest.approx(20.0, rel=1e-12)


def test_traffic_idle_intervals_have_zero_requests_and_the_requested_share():
    ds = traffic(idle_fraction=0.2, seed=3)
    f, t = ds.frame, ds.truth
    idle = np.zeros(len(f), dtype=bool)
    for block in t["idle_intervals"]:
        idle[block["start_index"] : block["end_index"]] = True
        assert f.timestamp.iloc[block["start_index"]].isoformat() == block["start"]
    assert idle.sum() == t["idle_rows"] == round(0.2 * len(f))
    assert (f.requests[idle] == 0).all() and (f.requests_per_second[idle] == 0).all()
    assert (f.requests_per_second[~idle] > 0).all()


def test_traffic_bursts_are_where_truth_says():
    ds = traffic(bursts=4, burst_multiplier=10.0, seed=5)
    f, t = ds.frame, ds.truth
    calm = traffic(bursts=0, seed=5).frame  # same shape, no bursts
    assert len(t["burst_intervals"]) == 4
    for block in t["burst_intervals"]:
        sl = slice(block["start_index"], block["end_index"])
        ratio = f.requests_per_second.iloc[sl] / calm.requests_per_second.iloc[sl]
        assert ratio.to_numpy() == pytest.approx(10.0, rel=1e-12)
        expected = (f.requests_per_second.iloc[sl] * 60).sum()
        # Poisson count of the block within 4 SD of its mean, and far above the calm level
        assert abs(f.requests.iloc[sl].sum() - expected) < 4 * math.sqrt(expected)
        assert f.requests.iloc[sl].sum() > 5 * (calm.requests_per_second.iloc[sl] * 60).sum()
    outside = np.ones(len(f), dtype=bool)
    for block in t["burst_intervals"]:
        outside[block["start_index"] : block["end_index"]] = False
    assert (f.requests_per_second[outside] == calm.requests_per_second[outside]).all()


def test_traffic_idle_and_burst_blocks_never_overlap_or_touch():
    t = traffic(days=2, freq_minutes=5, idle_fraction=0.5, bursts=30, seed=9).truth
    blocks = sorted(t["idle_intervals"] + t["burst_intervals"], key=lambda b: b["start_index"])
    for left, right in zip(blocks, blocks[1:]):
        assert right["start_index"] > left["end_index"]


def test_traffic_idle_blocks_fit_even_at_coarse_frequency():
    ds = traffic(days=10, freq_minutes=1440, idle_fraction=0.9, seed=0)
    assert ds.truth["idle_rows"] == 9 and (ds.frame.requests == 0).sum() == 9


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"days": 0}, ValueError, r"days must be an integer >= 1 and <= 3650, got 0"),
        ({"freq_minutes": 7}, ValueError, r"freq_minutes must divide a day \(1440 minutes\)"),
        ({"days": 1, "freq_minutes": 240}, ValueError, r"must give between 10 and 5,000,000 rows, got 6"),
        ({"base_rps": 0.0}, ValueError, r"base_rps must be a finite number > 0.0"),
        ({"idle_fraction": 0.95}, ValueError, r"idle_fraction must be a finite number >= 0.0 and <= 0.9"),
        ({"bursts": -1}, ValueError, r"bursts must be an integer >= 0"),
        ({"burst_multiplier": 0.5}, ValueError, r"burst_multiplier must be a finite number >= 1.0"),
        ({"weekly_shape": "yes"}, TypeError, r"weekly_shape must be True or False"),
        ({"days": 1, "freq_minutes": 60, "bursts": 20}, ValueError, r"bursts=20 need more than the 24 intervals"),
    ],
)
def test_traffic_bad_parameters_are_rejected(kwargs, error, message):
    with pytest.raises(error, match=message):
        traffic(**kwargs)


# --------------------------------------------------------------- injectors


@pytest.fixture
def frame():
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "x": rng.normal(10.0, 2.0, size=200),
            "k": rng.integers(0, 5, size=200),
            "c": rng.choice(["a", "b", "c"], size=200),
            "g": rng.choice(["f", "m"], size=200),
            "y": rng.integers(0, 2, size=200),
        }
    )


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 300),
    fraction=st.floats(0.0, 1.0),
    shift=st.floats(0.5, 100.0),
    seed=st.integers(0, 2**32),
)
def test_inject_drift_changes_exactly_fraction_of_rows_and_never_mutates(n, fraction, shift, seed):
    df = pd.DataFrame({"x": np.arange(n, dtype=float), "z": np.zeros(n)})
    before = df.copy()
    new, info = inject_drift(df, "x", shift=shift, fraction=fraction, seed=seed)
    pd.testing.assert_frame_equal(df, before)
    changed = int((new.x != df.x).sum())
    assert changed == info["n_changed"] == round(fraction * n)
    assert sorted(np.flatnonzero(new.x != df.x).tolist()) == info["row_positions"]
    pd.testing.assert_series_equal(new.z, df.z)


def test_inject_drift_full_fraction_moves_mean_by_shift_and_scales_spread(frame):
    new, _ = inject_drift(frame, "x", shift=3.0, scale=2.0)
    # x' = mean + 2 (x - mean) + 3: exact up to float rounding
    assert new.x.mean() == pytest.approx(frame.x.mean() + 3.0, abs=1e-9)
    assert new.x.std() == pytest.approx(2.0 * frame.x.std(), rel=1e-9)


def test_inject_drift_is_reproducible_and_keeps_missing_values():
    df = pd.DataFrame({"x": [1.0, np.nan, 3.0, 4.0, 5.0, 6.0]})
    a = inject_drift(df, "x", shift=1.0, fraction=0.5, seed=3)
    b = inject_drift(df, "x", shift=1.0, fraction=0.5, seed=3)
    pd.testing.assert_frame_equal(a.frame, b.frame)
    assert a.frame.x.isna().tolist() == df.x.isna().tolist()


def test_inject_drift_on_an_integer_column_returns_floats(frame):
    new = inject_drift(frame, "k", shift=0.5).frame
    assert new.k.dtype == np.float64 and frame.k.dtype == np.int64
    assert (new.k - frame.k == 0.5).all()


def test_inject_drift_rejects_a_categorical_column(frame):
    with pytest.raises(TypeError, match="column 'c' must be numeric .* use inject_category_shift"):
        inject_drift(frame, "c", shift=1.0)


@pytest.mark.parametrize("error", [KeyError, ValueError])
def test_inject_drift_unknown_column_names_it_and_lists_columns(frame, error):
    with pytest.raises(error, match=r"column='nope' is not a column of the frame; available columns: 'x', 'k', 'c', 'g', 'y'"):
        inject_drift(frame, "nope", shift=1.0)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"fraction": 1.5}, r"fraction must be a finite number >= 0.0 and <= 1.0, got 1.5"),
        ({"scale": -1.0}, r"scale must be a finite number >= 0.0, got -1.0"),
        ({"shift": float("nan")}, r"shift must be a finite number, got nan"),
    ],
)
def test_inject_drift_bad_numbers_are_rejected(frame, kwargs, message):
    with pytest.raises(ValueError, match=message):
        inject_drift(frame, "x", **kwargs)


def test_injectors_require_a_dataframe():
    ds = claims(20)
    with pytest.raises(TypeError, match=r"frame must be a pandas DataFrame \(for a Dataset pass dataset.frame\)"):
        inject_missing(ds, "payment_value", 0.1)
    with pytest.raises(TypeError, match="frame must be a pandas DataFrame, got list"):
        inject_drift([1, 2], "x")


@settings(max_examples=40, deadline=None)
@given(fraction=st.floats(0.0, 1.0), seed=st.integers(0, 2**32))
def test_inject_category_shift_moves_fraction_of_the_other_rows(fraction, seed):
    df = pd.DataFrame({"c": ["a"] * 30 + ["b"] * 50 + ["c"] * 20})
    before = df.copy()
    new, info = inject_category_shift(df, "c", "a", fraction, seed=seed)
    pd.testing.assert_frame_equal(df, before)
    moved = round(fraction * 70)
    assert info["n_changed"] == moved == int((new.c != df.c).sum())
    assert (new.c == "a").sum() == 30 + moved
    assert info["share_after"] == pytest.approx((30 + moved) / 100, abs=1e-12)


def test_inject_category_shift_can_add_a_new_category_to_a_categorical_column():
    df = pd.DataFrame({"c": pd.Categorical(["a", "b", "a", "b"])})
    new, info = inject_category_shift(df, "c", "z", 0.5, seed=0)
    assert (new.c == "z").sum() == 2 and "z" in new.c.cat.categories
    assert "z" not in df.c.cat.categories and info["share_before"] == 0.0


def test_inject_category_shift_rejects_bad_fraction_and_column(frame):
    with pytest.raises(ValueError, match=r"fraction must be a finite number >= 0.0 and <= 1.0, got 1.5"):
        inject_category_shift(frame, "c", "a", 1.5)
    with pytest.raises(KeyError, match=r"column='nope' is not a column"):
        inject_category_shift(frame, "nope", "a", 0.5)


def test_inject_missing_blanks_exactly_the_fraction_and_never_mutates(frame):
    before = frame.copy()
    new, info = inject_missing(frame, "k", 0.25, seed=1)
    pd.testing.assert_frame_equal(frame, before)
    assert int(new.k.isna().sum()) == info["n_changed"] == 50
    assert info["missing_before"] == 0.0 and info["missing_after"] == 0.25
    assert new.k.dtype == np.float64
    kept = new.k.notna()
    assert (new.k[kept] == frame.k[kept]).all()


def test_inject_missing_works_on_string_columns(frame):
    new = inject_missing(frame, "c", 0.1, seed=0).frame
    assert int(new.c.isna().sum()) == 20


def test_inject_missing_rejects_bad_fraction_and_column(frame):
    with pytest.raises(ValueError, match=r"fraction must be a finite number >= 0.0 and <= 1.0, got 1.5"):
        inject_missing(frame, "x", 1.5)
    with pytest.raises(ValueError, match=r"column='nope' is not a column of the frame; available columns"):
        inject_missing(frame, "nope", 0.5)


@pytest.mark.parametrize("rate_change", [0.3, -0.2])
def test_inject_label_bias_moves_the_facet_rate_and_leaves_others(frame, rate_change):
    before = frame.copy()
    new, info = inject_label_bias(frame, "g", "f", "y", 1, rate_change, seed=2)
    pd.testing.assert_frame_equal(frame, before)
    f_rows = frame.g == "f"
    rate0, rate1 = frame.y[f_rows].mean(), new.y[f_rows].mean()
    n_f = int(f_rows.sum())
    # exact up to rounding to a whole number of rows
    assert rate1 - rate0 == pytest.approx(rate_change, abs=0.5 / n_f + 1e-12)
    assert info["rate_after"] == rate1 and info["rate_before"] == rate0
    pd.testing.assert_series_equal(new.y[~f_rows], frame.y[~f_rows])


def test_inject_label_bias_creates_a_dpl_on_unbiased_claims():
    ds = claims(BIG, suspicious_rate=0.1, bias=0.0, seed=6)
    new, info = inject_label_bias(ds.frame, "customer_age_group", "25-45", "operation_status",
                                  "legitimate", 0.05, seed=0)
    fav = new.customer_age_group == "25-45"
    legit = new.operation_status == "legitimate"
    # before, DPL ~ 0 (SE ~ 0.0044); the shift adds exactly 0.05 to the favoured rate
    assert legit[fav].mean() - legit[~fav].mean() == pytest.approx(0.05, abs=4 * 0.0044)
    assert info["negative"] == "suspicious"


@pytest.mark.parametrize(
    "args, error, message",
    [
        (("g", "x", "y", 1, 0.1), ValueError, r"value='x' does not occur in column 'g'; values present: "),
        (("g", "f", "c", "a", 0.1), ValueError, r"label column 'c' must be binary"),
        (("g", "f", "y", 1, 1.0), ValueError, r"rate_change must be between -0.\d+ and 0.\d+ for g='f'"),
        (("nope", "f", "y", 1, 0.1), KeyError, r"facet='nope' is not a column of the frame"),
        (("g", "f", "nope", 1, 0.1), KeyError, r"label='nope' is not a column of the frame"),
        (("g", "f", "g", "f", 0.1), ValueError, r"facet and label must be different columns"),
    ],
)
def test_inject_label_bias_bad_arguments_are_rejected(frame, args, error, message):
    with pytest.raises(error, match=message):
        inject_label_bias(frame, *args)


def test_injected_result_unpacks_and_has_attributes(frame):
    result = inject_missing(frame, "x", 0.1, seed=0)
    new, info = result
    assert new is result.frame and info is result.info and info["kind"] == "missing"


def test_docstring_examples_run():
    import doctest

    result = doctest.testmod(datasets, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 20 and result.failed == 0


def test_explore_measures_the_injected_rates_back():
    from mlkit.datasets import claims, explore

    ex = explore(claims(n_rows=20_000, suspicious_rate=0.2, bias=0.1, seed=4))
    cmp = ex.comparison.set_index("quantity")
    overall = cmp.loc["share 'suspicious'"]
    # binomial standard error at n=20000, p=0.2 is 0.0028; allow 4 of them
    assert abs(overall["measured"] - 0.2) < 4 * (0.2 * 0.8 / 20_000) ** 0.5
    bias_row = cmp[cmp.index.str.startswith("bias")].iloc[0]
    assert bias_row["injected"] == 0.1 and abs(bias_row["measured"] - 0.1) < 0.03
    assert set(ex.injected_by_facet) == set(ex.balance.index)
    assert ex.balance.drop(columns="n").sum(axis=1).round(12).eq(1).all()  # shares per facet add up to 1
