"""Data preparation: the messy claims, the cleaner's report against the injected truth, encoders, and what each step is worth."""

import numpy as np
import pandas as pd
import pytest

from mlkit import datasets, prep
from mlkit.datasets import ColumnNotFoundError

LABELS = {"legitimate": 0, "suspicious": 1}


@pytest.fixture(scope="module")
def raw():
    return datasets.claims(2000, messy=True, seed=0)


@pytest.fixture(scope="module")
def cleaned(raw):
    return prep.DataCleaner(prep.Schema.claims()).clean(raw.frame, truth=raw.truth)


# ------------------------------------------------------------------ the messy generator


def test_messy_claims_keep_the_clean_values_of_the_same_seed(raw):
    clean = datasets.claims(2000, seed=0).frame
    first = raw.frame.drop_duplicates("claim_id").set_index("claim_id")
    # untouched columns are identical: the mess is drawn from a separate random stream
    pd.testing.assert_series_equal(first["customer_age_group"], clean.set_index("claim_id")["customer_age_group"])


def test_messy_claims_add_the_recorded_number_of_duplicate_rows(raw):
    mess = raw.truth["messy"]
    assert raw.frame.shape[0] == 2000 + mess["n_duplicate_rows"] == 2060  # 3 % of 2000
    assert raw.frame["claim_id"].duplicated().sum() == 60


def test_messy_off_leaves_the_default_frame_unchanged():
    assert list(datasets.claims(50, seed=3).frame.columns) == [
        "claim_id", "payment_value", "account_duration", "region", "channel", "customer_age_group",
        "operation_status"]


def test_messy_must_be_a_bool():
    with pytest.raises(TypeError, match="messy must be True or False, got 'yes'"):
        datasets.claims(50, messy="yes")


def test_night_submissions_are_commoner_for_suspicious_claims(raw):
    f = raw.frame.drop_duplicates("claim_id")
    night = f["submitted_hour"].isin([22, 23, 0, 1, 2, 3, 4])
    rate = night.groupby(f["operation_status"].str.strip().str.lower()).mean()
    # injected: 0.6 + 0.4 * 7/24 = 0.72 for suspicious, 0.02 for legitimate; ~200 suspicious rows -> sd ~0.03
    assert rate["suspicious"] == pytest.approx(0.72, abs=0.1)
    assert rate["legitimate"] == pytest.approx(0.02, abs=0.02)


# ------------------------------------------------------------------ the cleaner's report


def test_every_injected_problem_is_found_exactly(cleaned):
    table = cleaned.report.table
    # the generator's truth counts each problem over the unique claims; after dedupe the
    # cleaner's counts refer to the same rows, so they must agree exactly
    assert table["match"].all(), table[~table["match"]]
    assert set(table["problem"]) >= {"duplicate rows", "spelling variants", "currency strings",
                                     "numbers stored as text", "missing values"}


def test_cleaned_values_equal_the_clean_generator_where_nothing_was_injected(raw, cleaned):
    clean = datasets.claims(2000, seed=0).frame
    mess = raw.truth["messy"]
    touched = set(mess["missing"]["payment_value"]) | set(mess["outliers"]["payment_value"]["rows"])
    keep = [i for i in range(2000) if i not in touched]
    got = cleaned.frame.set_index("claim_id").loc[clean["claim_id"], "payment_value"].to_numpy()
    # currency strings and text parse back to the generator's two-decimal numbers
    np.testing.assert_allclose(got[keep], clean["payment_value"].to_numpy()[keep], rtol=0, atol=1e-9)
    assert cleaned.frame["region"].dropna().isin(["north", "south", "east", "west"]).all()
    assert cleaned.frame["channel"].isin(["web", "mobile_app", "phone", "agent"]).all()


def test_dates_in_three_formats_parse_to_the_written_day(raw, cleaned):
    dates = cleaned.frame.set_index("claim_id")["claim_date"]
    written = raw.frame.drop_duplicates("claim_id").set_index("claim_id")["claim_date"]
    for fmt, rows in raw.truth["messy"]["date_format_rows"].items():
        ids = [f"CLM-{i + 1:06d}" for i in rows[:50]]
        assert (dates.loc[ids].dt.strftime(fmt) == written.loc[ids]).all()
    assert str(cleaned.frame["claim_date"].dtype).startswith("datetime64")


def test_outliers_are_set_to_missing_and_counted(cleaned):
    row = cleaned.report.table.query("step == 'outliers'").iloc[0]
    assert row["found"] == row["injected"] == 20  # 1 % of 2000, each 1000x its value
    assert cleaned.frame["payment_value"].max() < 20_000


def test_the_cleaner_does_not_mutate_its_input(raw):
    before = raw.frame.copy()
    prep.DataCleaner(prep.Schema.claims()).clean(raw.frame)
    pd.testing.assert_frame_equal(raw.frame, before)


def test_a_schema_column_missing_from_the_frame_is_named():
    frame = datasets.claims(50, seed=0).frame  # no claim_date, no submitted_hour
    with pytest.raises(ColumnNotFoundError, match=r"schema.numeric='submitted_hour' is not a column"):
        prep.DataCleaner(prep.Schema.claims()).clean(frame)


def test_an_unknown_step_is_rejected_listing_the_steps(raw):
    with pytest.raises(ValueError, match=r"steps must be one of 'dedupe', .*got 'scale'"):
        prep.DataCleaner(prep.Schema.claims(), steps=["scale"]).clean(raw.frame)


# ------------------------------------------------------------------ single steps


def test_target_encoding_maps_legitimate_to_0_and_suspicious_to_1():
    y = prep.encode_target(pd.Series(["suspicious", "legitimate", "legitimate"]), LABELS)
    assert y.tolist() == [1, 0, 0]


def test_a_target_with_three_classes_where_two_were_asked_for_is_refused():
    values = pd.Series(["legitimate", "suspicious", "under_review"], name="operation_status")
    with pytest.raises(ValueError, match=r"operation_status has 3 classes .*unknown: 'under_review'"):
        prep.encode_target(values, LABELS)


def test_a_missing_label_is_refused():
    with pytest.raises(ValueError, match="1 missing labels"):
        prep.encode_target(pd.Series(["legitimate", None]), LABELS)


def test_labels_must_map_two_classes_to_0_and_1():
    with pytest.raises(ValueError, match="labels must map exactly two classes to 0 and 1"):
        prep.encode_target(pd.Series(["a"]), {"a": 1, "b": 2})


def test_currency_and_text_numbers_parse_and_garbage_is_reported():
    assert prep.parse_numbers(pd.Series(["$1,234.50", "80", None])).tolist()[:2] == [1234.5, 80.0]
    with pytest.raises(ValueError, match=r"payment has 1 values that are not numbers .* 'twelve'"):
        prep.parse_numbers(pd.Series(["1", "twelve"]), name="payment")


def test_a_date_in_no_known_format_is_reported():
    with pytest.raises(ValueError, match=r"d has 1 values in none of the formats .*'2025\.03\.14'"):
        prep.parse_dates(pd.Series(["2025-03-14", "2025.03.14"]), ["%Y-%m-%d"], name="d")


def test_spelling_normalisation_keeps_number_ranges():
    out = prep.normalise_spelling(pd.Series(["Mobile App", "mobile-app", " WEB", "18-24"]))
    assert out.tolist() == ["mobile_app", "mobile_app", "web", "18-24"]


def test_quantile_bins_hold_equal_counts():
    bins = prep.quantile_bins(pd.Series(np.arange(1000.0)), 4)
    assert bins.counts == [250, 250, 250, 250]  # quantile edges of a uniform grid split it evenly


def test_binning_a_constant_column_is_refused():
    with pytest.raises(ValueError, match=r"cannot bin column 'hour': it is constant \(every value is 7\)"):
        prep.quantile_bins(pd.Series([7] * 20, name="hour"), 4)


def test_binning_text_is_a_type_error():
    with pytest.raises(TypeError, match="column 'x' must be numeric to bin"):
        prep.quantile_bins(pd.Series(["1", "2"], name="x"))


# ------------------------------------------------------------------ what each step is worth


@pytest.fixture(scope="module")
def ablation(raw):
    return prep.compare_steps(raw, seed=0).set_index("configuration")


def test_cleaned_data_scores_far_above_raw_data(ablation):
    # raw: numbers one-hot as strings, ids as features, outliers in, rows with gaps dropped.
    # The cleaned model approaches the generator's Bayes-optimal AUC; 0.1 is ~5 sd of AUC noise at n=600
    assert ablation.loc["all steps", "roc_auc"] - ablation.loc["raw (no step)", "roc_auc"] > 0.1


def test_numbers_stored_as_text_lose_to_numbers(ablation):
    # as text every payment is its own category: unseen values in validation carry no signal
    assert ablation.loc["all steps", "roc_auc"] - ablation.loc["without numbers", "roc_auc"] > 0.03
    assert ablation.loc["without numbers", "n_features"] > 1000  # one column per distinct string


def test_outliers_left_in_hurt_the_linear_model(ablation):
    # 1000x values dominate the scaler's spread, squashing the real payments together
    assert ablation.loc["without outliers", "roc_auc"] < ablation.loc["all steps", "roc_auc"] - 0.01


def test_binning_the_night_feature_helps_the_linear_model(ablation):
    assert ablation.loc["without bin", "roc_auc"] < ablation.loc["all steps", "roc_auc"] - 0.01


def test_binned_beats_raw_for_a_non_monotone_feature(cleaned):
    table = prep.compare_binning(cleaned.frame, "submitted_hour", "operation_status", LABELS,
                                 n_bins=6).set_index("representation")
    # suspicious claims cluster at both ends of the day (22:00-04:59): one weight on the raw hour
    # cannot rise at both ends, one weight per bin can; the gap is ~0.14 at this seed
    assert table.loc["quantile bins", "roc_auc"] > table.loc["raw number", "roc_auc"] + 0.08
    assert table.loc["quantile bins", "n_features"] == 6


def test_compare_binning_names_a_missing_column(cleaned):
    with pytest.raises(ColumnNotFoundError, match="column='hour' is not a column"):
        prep.compare_binning(cleaned.frame, "hour", "operation_status", LABELS)


def test_evaluation_is_reproducible_for_a_seed(raw):
    a = prep.evaluate_cleaning(raw, steps=["numbers", "impute"], seed=1)
    b = prep.evaluate_cleaning(raw, steps=["numbers", "impute"], seed=1)
    assert a.roc_auc == b.roc_auc and a.n_train == b.n_train


def test_without_impute_incomplete_rows_are_dropped(raw):
    ev = prep.evaluate_cleaning(raw, steps=["dedupe", "numbers"], seed=0)
    # 2000 unique claims minus the rows with a gap in payment, duration or region (<= 200 of them)
    assert 1800 <= ev.n_train + ev.n_valid < 2000


def test_evaluation_report_is_json_ready(raw):
    import json

    ev = prep.evaluate_cleaning(raw, seed=0)
    assert json.loads(ev.to_json())["report"]["n_rows_out"] == 2000


def test_processing_job_request_is_valid_for_sagemaker():
    from mlkit.aws import validate_request

    req = prep.processing_job_request("prepare-articles", "s3://mlkit-course/articles/raw/",
                                      "s3://mlkit-course/articles/features/",
                                      code_uri="s3://mlkit-course/code/")
    validate_request("sagemaker", "CreateProcessingJob", req)
    assert req["ProcessingOutputConfig"]["Outputs"][0]["S3Output"]["S3Uri"].endswith("/features/")


def test_processing_job_request_refuses_a_non_s3_uri():
    with pytest.raises(ValueError, match="the scheme must be 's3://'"):
        prep.processing_job_request("j", "/data/raw", "s3://b-1/out/", code_uri="s3://b-1/code/")
