"""Baselines, data quality checks, model quality, bias drift, attribution drift, requests."""

import json
import math

import numpy as np
import pandas as pd
import pytest

from mlkit.aws import validate_request
from mlkit.monitor import (check_attribution_drift, check_bias_drift, check_data_quality, check_model_quality,
                           linf_distance, merge_ground_truth, model_quality_statistics, ndcg, suggest_baseline,
                           suggest_bias_baseline, suggest_model_quality_constraints)
from mlkit.monitor.attribution import AttributionBaseline
from mlkit.monitor.data_quality import Baseline, ks_critical_value
from mlkit.monitor.requests import (CreateMonitoringSchedule, DataQualityJobDefinition,
                                    ModelBiasJobDefinition, ModelExplainabilityJobDefinition,
                                    ModelQualityJobDefinition)


@pytest.fixture(scope="module")
def ref():
    rng = np.random.default_rng(0)
    n = 3000
    return pd.DataFrame({"x": rng.normal(10, 2, n), "k": rng.integers(0, 20, n),
                         "g": rng.choice(["a", "b", "c"], n, p=[0.5, 0.3, 0.2])})


@pytest.fixture(scope="module")
def base(ref):
    return suggest_baseline(ref)


def checks(result):
    return sorted((v["feature_name"], v["constraint_check_type"]) for v in result.violations)


# -- baseline files ------------------------------------------------------------------
def test_statistics_follow_sagemakers_schema(base, ref):
    s = base.statistics
    assert s["dataset"]["item_count"] == 3000
    x = next(f for f in s["features"] if f["name"] == "x")
    assert x["inferred_type"] == "Fractional"
    num = x["numerical_statistics"]
    assert num["common"] == {"num_present": 3000, "num_missing": 0}
    assert num["mean"] == pytest.approx(ref.x.mean(), rel=1e-12)
    assert num["std_dev"] == pytest.approx(ref.x.std(ddof=0), rel=1e-9)  # population sd, as Deequ
    kll = num["distribution"]["kll"]
    assert len(kll["buckets"]) == 10 and sum(b["count"] for b in kll["buckets"]) == 3000
    assert kll["sketch"]["parameters"] == {"c": 0.64, "k": 2048.0}
    g = next(f for f in s["features"] if f["name"] == "g")
    assert g["inferred_type"] == "String" and g["string_statistics"]["distinct_count"] == 3


def test_constraints_suggest_types_completeness_domains_and_robust_method(base):
    c = {f["name"]: f for f in base.constraints["features"]}
    assert c["k"]["inferred_type"] == "Integral" and c["k"]["num_constraints"] == {"is_non_negative": True}
    assert c["g"]["string_constraints"]["domains"] == ["a", "b", "c"]
    assert c["x"]["completeness"] == 1.0
    dist = base.constraints["monitoring_config"]["distribution_constraints"]
    assert dist["comparison_method"] == "Robust" and dist["comparison_threshold"] == 0.1


def test_numbers_written_as_text_are_numeric():
    b = suggest_baseline(pd.DataFrame({"t": ["1", "2", "3"], "f": ["1.5", "2", "x"]}))
    assert [f["inferred_type"] for f in b.statistics["features"]] == ["Integral", "String"]


def test_baseline_files_round_trip_through_the_local_bucket(base, tmp_path):
    from mlkit.storage import LocalBucketStore

    store = LocalBucketStore(tmp_path)
    uris = base.write("s3://bkt/baseline", store=store)
    assert [u.rsplit("/", 1)[1] for u in uris] == ["statistics.json", "constraints.json"]
    assert Baseline.read("s3://bkt/baseline", store=store).constraints == json.loads(json.dumps(base.constraints))


def test_empty_frame_cannot_be_baselined():
    with pytest.raises(ValueError, match="at least one row"):
        suggest_baseline(pd.DataFrame({"x": []}))


def test_bad_comparison_method_is_refused(ref):
    with pytest.raises(ValueError, match="comparison_method must be one of 'Robust', 'Simple'"):
        suggest_baseline(ref, comparison_method="KS")


# -- the distance --------------------------------------------------------------------
def test_linf_distance_is_the_ks_statistic():
    from scipy.stats import ks_2samp

    rng = np.random.default_rng(1)
    a, b = rng.normal(size=500), rng.normal(0.3, 1, size=700)
    # peer: scipy's two-sample KS statistic is the same sup |F_a - F_b|
    assert linf_distance(a, b) == pytest.approx(ks_2samp(a, b).statistic, abs=1e-12)


def test_sketch_distance_is_within_two_over_k_of_the_exact_one(ref, base):
    from mlkit.monitor.data_quality import _sketch, compute_statistics

    cur = ref.x.to_numpy() + 0.5
    exact = linf_distance(ref.x.to_numpy(), cur)
    cur_stats = compute_statistics(pd.DataFrame({"x": cur}))
    approx = linf_distance(_sketch(base.feature("x")), _sketch(cur_stats["features"][0]))
    # each sketch's CDF is within 1/k of its data's (k = 2048 ranks), so the gap moves by at most 2/k
    assert abs(approx - exact) <= 2 / 2048 + 1e-12


def test_ks_critical_value_formula():
    # c(0.05) = sqrt(-ln(0.025)/2) = 1.3581; n = m = 100 -> 1.3581 * sqrt(2/100)
    assert ks_critical_value(100, 100) == pytest.approx(1.3581 * math.sqrt(0.02), rel=1e-4)


# -- the checks ----------------------------------------------------------------------
def test_same_distribution_gives_no_violation(ref, base):
    fresh = ref.sample(frac=1.0, random_state=3).reset_index(drop=True)
    assert check_data_quality(fresh, base).violations == []


def test_shifted_numeric_column_breaks_baseline_drift(ref, base):
    r = check_data_quality(ref.assign(x=ref.x + 1.0), base)
    assert checks(r) == [("x", "baseline_drift_check")]
    # N(10, 2) moved by 1: sup|F - F(. - 1)| = 2*Phi(0.25) - 1 = 0.197 at the midpoint
    assert r.metrics["feature_baseline_drift_x"] == pytest.approx(0.197, abs=0.03)


def test_robust_ignores_a_small_windows_noise_that_simple_flags(ref, base):
    small = ref.iloc[:40].assign(x=ref.x.iloc[:40] + 0.35)
    simple = Baseline(base.statistics, json.loads(json.dumps(base.constraints)))
    simple.constraints["monitoring_config"]["distribution_constraints"]["comparison_method"] = "Simple"
    r_simple, r_robust = check_data_quality(small, simple), check_data_quality(small, base)
    d = r_robust.metrics["feature_baseline_drift_x"]
    # the distance is above 0.1 but below the KS critical value for n=3000, m=40 (1.358*sqrt(3040/120000) = 0.216)
    assert 0.1 < d < ks_critical_value(3000, 40)
    assert ("x", "baseline_drift_check") in checks(r_simple)
    assert ("x", "baseline_drift_check") not in checks(r_robust)


def test_category_shift_breaks_categorical_drift(ref, base):
    from mlkit.datasets import inject_category_shift

    new, _ = inject_category_shift(ref, "g", "c", 0.3, seed=0)
    r = check_data_quality(new, base)
    assert ("g", "baseline_drift_check") in checks(r)


def test_missing_values_break_completeness(ref, base):
    from mlkit.datasets import inject_missing

    new, _ = inject_missing(ref, "x", 0.2, seed=0)
    r = check_data_quality(new, base)
    assert ("x", "completeness_check") in checks(r)
    assert r.metrics["feature_non_null_x"] == pytest.approx(0.8, abs=1e-12)


def test_unknown_category_breaks_categorical_values(ref, base):
    new = ref.assign(g=ref.g.where(ref.index % 10 != 0, "zzz"))
    assert ("g", "categorical_values_check") in checks(check_data_quality(new, base))


def test_missing_and_extra_columns_are_reported(ref, base):
    r = check_data_quality(ref.drop(columns=["g"]).assign(new_col=1), base)
    assert ("g", "missing_column_check") in checks(r) and ("new_col", "extra_column_check") in checks(r)


def test_a_column_of_a_new_type_gives_a_clear_data_type_violation(ref, base):
    r = check_data_quality(ref.assign(k="level-" + ref.k.astype(str)), base)
    [v] = [v for v in r.violations if v["constraint_check_type"] == "data_type_check"]
    assert v["feature_name"] == "k" and "Integral" in v["description"] and "0.0%" in v["description"]


def test_empty_window_gives_a_message_not_an_error(base, ref):
    r = check_data_quality(ref.iloc[:0], base)
    assert r.empty and r.violations == [] and "no captured rows" in r.message


def test_violations_file_has_sagemakers_keys(ref, base, tmp_path):
    r = check_data_quality(ref.assign(x=ref.x + 3), base)
    r.write(tmp_path)
    doc = json.loads((tmp_path / "constraint_violations.json").read_text())
    assert set(doc["violations"][0]) == {"feature_name", "constraint_check_type", "description"}


def test_check_needs_a_baseline(ref):
    with pytest.raises(TypeError, match="baseline must be a Baseline"):
        check_data_quality(ref, {"features": []})


# -- model quality -------------------------------------------------------------------
def test_binary_metrics_equal_sklearns():
    from sklearn import metrics as M

    rng = np.random.default_rng(2)
    y = rng.integers(0, 2, 500)
    score = np.clip(y * 0.3 + rng.random(500) * 0.7, 0, 1)
    df = pd.DataFrame({"label": y, "prediction": score})
    m = model_quality_statistics(df, "BinaryClassification", n_bootstrap=0)["binary_classification_metrics"]
    pred = (score >= 0.5).astype(int)
    # peer: scikit-learn on the same labels
    assert m["f1"]["value"] == pytest.approx(M.f1_score(y, pred), abs=1e-12)
    assert m["f2"]["value"] == pytest.approx(M.fbeta_score(y, pred, beta=2), abs=1e-12)
    assert m["auc"]["value"] == pytest.approx(M.roc_auc_score(y, score), abs=1e-12)
    assert m["precision"]["value"] == pytest.approx(M.precision_score(y, pred), abs=1e-12)


def test_multiclass_and_regression_metrics_equal_sklearns():
    from sklearn import metrics as M

    rng = np.random.default_rng(3)
    y, p = rng.choice(list("abc"), 300), rng.choice(list("abc"), 300)
    m = model_quality_statistics(pd.DataFrame({"label": y, "prediction": p}), "MulticlassClassification",
                                 n_bootstrap=0)["multiclass_classification_metrics"]
    assert m["weighted_f1"]["value"] == pytest.approx(M.f1_score(y, p, average="weighted"), abs=1e-12)
    yr, pr = rng.normal(size=200), rng.normal(size=200)
    r = model_quality_statistics(pd.DataFrame({"label": yr, "prediction": pr}), "Regression",
                                 n_bootstrap=0)["regression_metrics"]
    assert r["r2"]["value"] == pytest.approx(M.r2_score(yr, pr), abs=1e-12)
    assert r["rmse"]["value"] == pytest.approx(math.sqrt(M.mean_squared_error(yr, pr)), abs=1e-12)


def test_ground_truth_merges_by_inference_id_and_counts_the_rest():
    preds = pd.DataFrame({"inference_id": ["a", "b", "c"], "prediction": [1, 0, 1]})
    gt = pd.DataFrame({"inference_id": ["c", "a", "z"], "label": [1, 1, 0]})
    m = merge_ground_truth(preds, gt)
    assert m.set_index("inference_id").label.to_dict() == {"a": 1, "c": 1}
    assert m.attrs["unmatched_predictions"] == 1 and m.attrs["unmatched_labels"] == 1


def test_duplicate_ground_truth_ids_are_refused():
    with pytest.raises(ValueError, match="duplicate inference_id"):
        merge_ground_truth(pd.DataFrame({"inference_id": ["a"]}), pd.DataFrame({"inference_id": ["a", "a"],
                                                                                 "label": [0, 1]}))


def test_ground_truth_files_round_trip(tmp_path):
    from mlkit.monitor.model_quality import read_ground_truth, write_ground_truth
    from mlkit.storage import LocalBucketStore

    store = LocalBucketStore(tmp_path)
    uri = write_ground_truth(store, "s3://bkt/gt", ["a", "b"], [1, 0], when="2026-01-05T10:00:00Z")
    assert "/2026/01/05/10/" in uri
    rec = json.loads(store.get(uri).splitlines()[0])
    assert rec == {"groundTruthData": {"data": "1", "encoding": "CSV"}, "eventMetadata": {"eventId": "a"},
                   "eventVersion": "0"}
    assert read_ground_truth(store, "s3://bkt/gt").label.tolist() == ["1", "0"]


def test_model_quality_constraints_use_operators_and_flag_a_worse_model():
    good = pd.DataFrame({"label": [1, 0, 1, 0] * 50, "prediction": [1, 0, 1, 0] * 50})
    cons = suggest_model_quality_constraints(model_quality_statistics(good, "BinaryClassification", n_bootstrap=0))
    assert cons["binary_classification_constraints"]["accuracy"]["comparison_operator"] == "LessThanThreshold"
    assert cons["binary_classification_constraints"]["false_positive_rate"]["comparison_operator"] == \
        "GreaterThanThreshold"
    worse = good.assign(prediction=[1, 1, 1, 0] * 50)
    r = check_model_quality(worse, cons, "BinaryClassification", n_bootstrap=0)
    names = {v["metric_name"]: v for v in r.violations}
    assert names["accuracy"]["constraint_check_type"] == "LessThanThreshold"
    assert names["accuracy"]["description"] == "Metric accuracy with 0.75 was LessThanThreshold 1"


def test_unknown_problem_type_is_refused():
    with pytest.raises(ValueError, match="problem_type must be one of"):
        model_quality_statistics(pd.DataFrame({"label": [1], "prediction": [1]}), "Ranking")


# -- attribution drift ---------------------------------------------------------------
def test_notes_table_gives_sagemakers_ndcg():
    # live ranking: class_rank, GPA, SAT scored with training values:
    # DCG = 0.05/log2(2) + 0.50/log2(3) + 0.70/log2(4) = 0.05 + 0.3154649 + 0.35 = 0.7154649
    # iDCG = 0.70/1 + 0.50/log2(3) + 0.05/2 = 1.0404649; nDCG = 0.7154649/1.0404649 = 0.687640
    training = {"SAT": 0.70, "GPA": 0.50, "class_rank": 0.05}
    live = {"SAT": 0.10, "GPA": 0.20, "class_rank": 0.70}
    assert ndcg(training, live) == pytest.approx(0.687640, abs=1e-6)
    r = check_attribution_drift(live, AttributionBaseline(training))
    assert r.violations[0]["constraint_check_type"] == "feature_attribution_drift_check"
    assert r.violations[0]["metric_name"] == "shap"


def test_same_ranking_gives_ndcg_one_and_no_violation():
    r = check_attribution_drift({"a": 0.1, "b": 0.9}, AttributionBaseline({"a": 0.2, "b": 0.5}))
    assert r.ndcg == 1.0 and r.violations == []


def test_ndcg_needs_the_same_features():
    with pytest.raises(ValueError, match="same features"):
        ndcg({"a": 1.0}, {"b": 1.0})


def test_shap_attribution_drift_on_admissions_flips_the_ranking():
    from sklearn.linear_model import LogisticRegression

    from mlkit.datasets import admissions
    from mlkit.monitor import suggest_attribution_baseline

    feats = ["SAT", "GPA", "class_rank"]
    train, live = admissions(400, seed=0), admissions(400, live=True, seed=0)
    m_train = LogisticRegression(max_iter=1000).fit(train.frame[feats], train.y)
    base = suggest_attribution_baseline(m_train, train.frame[feats].iloc[:60], n_baseline=20)
    m_live = LogisticRegression(max_iter=1000).fit(live.frame[feats], live.y)  # the retrained model's view
    r = check_attribution_drift(live.frame[feats].iloc[:60], base, model=m_live, n_baseline=20)
    t = r.table()
    # training weights SAT 0.70 > GPA 0.50 > class_rank 0.05; live: class_rank 0.70 first (the generator's truth)
    assert t.sort_values("training_rank").feature.tolist()[-1] == "class_rank"
    assert t.sort_values("live_rank").feature.tolist()[0] == "class_rank"
    assert r.ndcg < 0.9 and r.violated


# -- bias drift ----------------------------------------------------------------------
def test_bias_drift_reuses_clarify_and_flags_a_moved_metric():
    from mlkit.clarify import posttraining_bias
    from mlkit.datasets import claims, inject_label_bias

    df = claims(2000, seed=0).frame
    df = df.assign(pred=df.operation_status)
    kw = dict(label="operation_status", predicted_label="pred", label_values_or_threshold=["legitimate"],
              facet="customer_age_group", facet_values_or_threshold=["65+"])
    base = suggest_bias_baseline(df, methods=["DPPL", "DI"], **kw)
    # peer: the value is Clarify's own
    assert base.values["DPPL"] == posttraining_bias(df, methods=["DPPL"], **kw)["DPPL"]
    live, _ = inject_label_bias(df, "customer_age_group", "65+", "operation_status", "legitimate", -0.3, seed=0)
    live = live.assign(pred=live.operation_status)
    r = check_bias_drift(live, base)
    assert {v["metric_name"] for v in r.violations} >= {"DPPL"}
    assert r.violations[0]["constraint_check_type"] == "bias_drift_check"
    assert check_bias_drift(df, base).violations == []


# -- requests ------------------------------------------------------------------------
@pytest.mark.parametrize("job", [
    DataQualityJobDefinition("dq", EndpointName="claims", BaselineUri="s3://bkt/base"),
    ModelQualityJobDefinition("mq", EndpointName="claims", BaselineUri="s3://bkt/mq", ProblemType="Regression"),
    ModelBiasJobDefinition("bias", EndpointName="claims"),
    ModelExplainabilityJobDefinition("explain", EndpointName="claims"),
])
def test_job_definitions_and_schedule_are_valid_requests(job):
    validate_request("sagemaker", job.aws_operation, job.to_request())
    sched = CreateMonitoringSchedule("claims-hourly", job, "cron(0 * ? * * *)").to_request()
    assert validate_request("sagemaker", "CreateMonitoringSchedule", sched)["MonitoringScheduleConfig"][
        "MonitoringType"] == job.kind


def test_bad_schedule_expression_is_refused():
    with pytest.raises(ValueError, match="ScheduleExpression must be hourly"):
        CreateMonitoringSchedule("s", DataQualityJobDefinition("dq"), "rate(1 hour)")
