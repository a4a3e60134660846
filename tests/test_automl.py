"""The AutoML job: problem type, objective, profile, cleaning, candidates, leaderboard, errors, export."""

import math

import numpy as np
import pandas as pd
import pytest

from mlkit import datasets
from mlkit.automl import AutoMLJob, infer_problem_type, profile
from mlkit.aws import validate_request


@pytest.fixture(scope="module")
def messy_csv(tmp_path_factory):
    """loans with what Canvas cleans: duplicates, gaps, money as text, an id, a leaking column."""
    frame = datasets.loans(400, seed=1).frame
    frame["decision_code"] = frame["approved"].map({0: "D", 1: "A"})  # known only after the decision
    frame["income"] = frame["income"].map(lambda v: f"${v:,.2f}")
    frame.loc[[3, 7, 11], "loan_amount"] = np.nan
    frame = pd.concat([frame, frame.iloc[:5]], ignore_index=True)  # 5 duplicate rows
    path = tmp_path_factory.mktemp("automl") / "loans.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def result(messy_csv):
    return AutoMLJob(messy_csv, "approved", MaxCandidates=4, seed=0).run(progress=False)


def test_two_values_mean_binary_classification():
    assert infer_problem_type(pd.Series([0, 1, 1, 0, 1], name="y"))[0] == "BinaryClassification"


def test_few_text_classes_mean_multiclass():
    kind, reason = infer_problem_type(pd.Series(list("abcabcabc"), name="y"))
    assert kind == "MulticlassClassification" and "3 distinct" in reason


def test_many_numbers_mean_regression():
    assert infer_problem_type(pd.Series(np.linspace(0, 1, 50), name="y"))[0] == "Regression"


def test_objective_defaults_follow_sagemaker_per_problem_type():
    # SageMaker's documented defaults: F1 (binary), Accuracy (multiclass), MSE (regression)
    reg = pd.DataFrame({"x": np.arange(60.0), "y": np.arange(60.0) * 2 + np.sin(np.arange(60))})
    assert AutoMLJob(reg, "y", MaxCandidates=1).run(progress=False).MetricName == "MSE"
    multi = pd.DataFrame({"x": np.arange(90.0), "y": ["a", "b", "c"] * 30})
    assert AutoMLJob(multi, "y", MaxCandidates=1).run(progress=False).MetricName == "Accuracy"


def test_the_profile_counts_duplicates_gaps_and_flags_leakage(messy_csv):
    report = profile(pd.read_csv(messy_csv), "approved")
    cols = report.columns.set_index("column")
    assert report.n_duplicates == 5
    assert cols.loc["loan_amount", "missing"] == 4  # rows 3, 7, 11, and the copy of row 3
    assert cols.loc["income", "kind"] == "numeric_text" and cols.loc["applicant_id", "kind"] == "id"
    assert report.leakage_suspects == ["decision_code"]
    assert math.isclose(sum(report.class_balance.values()), 1.0, abs_tol=1e-12)


def test_cleaning_drops_duplicates_and_parses_money(result):
    table = result.cleaning.table
    assert int(table.loc[table["step"] == "dedupe", "done"].iloc[0]) == 5
    assert result.cleaning.n_rows_out == 400
    assert "income" in result.prepared["numeric"]
    assert result.prepared["X_train"]["income"].dtype == np.float64


def test_the_leaderboard_is_ranked_by_the_objective(result):
    board = result.leaderboard
    assert list(board["rank"]) == [1, 2, 3, 4]
    assert list(board["value"]) == sorted(board["value"], reverse=True)  # F1: higher is better
    assert set(board["algorithm"]) == {"linear", "xgboost", "mlp"}
    assert result.best_candidate.CandidateName == board["CandidateName"].iloc[0]


def test_the_leaking_column_lets_the_best_candidate_score_near_perfectly(result):
    # decision_code is the label written as text: any candidate that uses it reaches F1 ~ 1
    assert result.best_candidate.objective > 0.98


def test_the_same_seed_gives_the_same_leaderboard(messy_csv, result):
    again = AutoMLJob(messy_csv, "approved", MaxCandidates=4, seed=0).run(progress=False)
    assert again.leaderboard["value"].tolist() == result.leaderboard["value"].tolist()


def test_ensembling_mode_ends_with_a_stack_of_the_best_of_each_algorithm():
    res = AutoMLJob("admissions", "admitted", Mode="ENSEMBLING", MaxCandidates=4, n_rows=300,
                    AutoMLJobObjective="AUC").run(progress=False)
    ens = [c for c in res.candidates.values() if c.algorithm == "ensemble"]
    assert len(ens) == 1 and len(ens[0].members) == 3
    assert 0.5 < ens[0].objective <= 1.0


def test_an_interrupted_job_keeps_the_finished_candidates(messy_csv):
    calls = []

    def stop_after_two(res):
        calls.append(len(res.candidates))
        if len(res.candidates) == 2:
            raise KeyboardInterrupt

    res = AutoMLJob(messy_csv, "approved", MaxCandidates=5).run(progress=False, on_candidate=stop_after_two)
    assert res.AutoMLJobStatus == "Stopped" and len(res.leaderboard) == 2 and calls == [1, 2]


def test_a_tiny_runtime_budget_stops_after_the_first_candidate(messy_csv):
    res = AutoMLJob(messy_csv, "approved", MaxCandidates=6, MaxAutoMLJobRuntimeInSeconds=1e-6).run(progress=False)
    assert len(res.leaderboard) == 1 and res.stop_reason == "MaxAutoMLJobRuntimeInSeconds reached"


def test_a_budget_of_zero_candidates_is_refused():
    with pytest.raises(ValueError, match=r"MaxCandidates must be an integer >= 1 and <= 750, got 0"):
        AutoMLJob("loans", "approved", MaxCandidates=0)


def test_a_runtime_budget_of_zero_is_refused():
    with pytest.raises(ValueError, match="MaxAutoMLJobRuntimeInSeconds"):
        AutoMLJob("loans", "approved", MaxAutoMLJobRuntimeInSeconds=0)


def test_a_target_that_is_not_a_column_is_named(messy_csv):
    with pytest.raises(KeyError, match="target='price' is not a column"):
        AutoMLJob(messy_csv, "price").run(progress=False)


def test_a_target_with_one_class_is_refused():
    frame = pd.DataFrame({"x": range(20), "y": [1] * 20})
    with pytest.raises(ValueError, match=r"target='y' has 1 distinct value"):
        AutoMLJob(frame, "y").run(progress=False)


def test_a_csv_with_no_rows_is_refused(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("x,y\n")
    with pytest.raises(ValueError, match="the data has no rows"):
        AutoMLJob(path, "y").run(progress=False)


def test_an_objective_that_does_not_fit_the_problem_type_is_refused():
    with pytest.raises(ValueError, match="does not apply to ProblemType='Regression'"):
        AutoMLJob("loans", "approved", ProblemType="Regression", AutoMLJobObjective="F1")


def test_a_file_that_is_not_csv_or_parquet_is_refused(tmp_path):
    path = tmp_path / "data.xlsx"
    path.write_text("x")
    with pytest.raises(ValueError, match=r"data must be a .csv or .parquet file, got 'data.xlsx'"):
        AutoMLJob(path, "y").run(progress=False)


def test_the_request_is_a_valid_create_automl_job_v2(result):
    request = result.job.to_request(result.ProblemType)
    validate_request("sagemaker", "CreateAutoMLJobV2", request)
    cfg = request["AutoMLProblemTypeConfig"]["TabularJobConfig"]
    assert cfg["ProblemType"] == "BinaryClassification" and request["AutoMLJobObjective"] == {"MetricName": "F1"}


def test_predict_returns_the_targets_own_labels(messy_csv, result):
    frame = pd.read_csv(messy_csv).head(20)
    pred = result.predict(frame)
    assert set(pred) <= {"0", "1"} and len(pred) == 20


@pytest.mark.parametrize("target", ["admitted", "GPA"])  # a classification and a regression
def test_the_ensemble_predicts_as_a_stack_fitted_from_scratch(target):
    import warnings

    from sklearn.base import clone

    res = AutoMLJob("admissions", target, Mode="ENSEMBLING", MaxCandidates=3, n_rows=200).run(progress=False)
    ens = next(c for c in res.candidates.values() if c.algorithm == "ensemble")
    p = res.prepared
    scratch = clone(ens.pipeline)  # the same Stacking* with the same parameters, fitted the usual way
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scratch.fit(p["X_train"], p["y_train"])
    method = "predict_proba" if target == "admitted" else "predict"
    # the reused members are what the refit would build (same data, same seeds): identical predictions
    np.testing.assert_allclose(getattr(ens.pipeline, method)(p["X_val"]), getattr(scratch, method)(p["X_val"]),
                               rtol=0, atol=1e-12)
    assert ens.pipeline.cv != "prefit"  # its parameters are left as given
