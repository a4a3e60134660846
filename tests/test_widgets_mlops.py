"""MLOps widgets: run comparison, registry approve/reject, pipeline states while running."""

import numpy as np
import pytest

from mlkit.experiments import Run
from mlkit.pipelines import ParameterInteger, Pipeline, ProcessingStep
from mlkit.registry import ModelRegistry
from mlkit.storage import LocalBucketStore
from widgets.mlops import PipelineView, RegistryView, RunComparison


@pytest.fixture
def db(tmp_path):
    return tmp_path / "m.sqlite"


def test_run_comparison_sorts_runs_by_the_chosen_summary_and_plots_each_run(db):
    for name, curve in (("a", [0.5, 0.9, 0.6]), ("b", [0.7, 0.8])):
        with Run("cmp", name, path=db) as run:
            for i, v in enumerate(curve):
                run.log_metric("auc", v, step=i)
            run.log_metric("loss", 1.0)
    w = RunComparison("cmp", path=db)
    assert w.result["table"]["DisplayName"].tolist() == ["b", "a"]  # last 0.8 > last 0.6
    w.controls["stat"].value = "Max"
    assert w.result["table"]["DisplayName"].tolist() == ["a", "b"]  # max 0.9 > max 0.8
    assert len(w.figure.axes[0].lines) == 2
    w.controls["metric"].value = "loss"
    assert w.result["column"] == "loss - Max" and w.error is None


def test_run_comparison_of_an_unknown_experiment_names_the_ones_there(db):
    Run("real", "r1", path=db).log_metric("auc", 0.5)
    with pytest.raises(ValueError, match="'real'"):
        RunComparison("nope", path=db)


@pytest.fixture
def registry(tmp_path):
    import xgboost as xgb

    reg = ModelRegistry(tmp_path / "m.sqlite", store=LocalBucketStore(tmp_path / "bucket"))
    m = xgb.train({"objective": "reg:squarederror"}, xgb.DMatrix(np.eye(2), label=[1.0, 2.0]), 2)
    reg.register("g", m)
    reg.register("g", m)
    return reg


def test_registry_view_approves_the_selected_version_with_who_and_why(registry):
    w = RegistryView(registry, "g")
    assert w.values()["version"] == 2 and "cannot be deployed" in w.result["deployable"]
    w.set(reason="auc up")
    w.approve_button.click()
    pkg = registry.get("g", 2)
    assert (pkg.ModelApprovalStatus, pkg.approved_by, pkg.ApprovalDescription) == ("Approved", "reviewer", "auc up")
    assert w.result["deployable"] == "can be deployed"
    w.controls["version"].value = 1
    w.reject_button.click()
    assert registry.get("g", 1).ModelApprovalStatus == "Rejected"


def test_registry_view_shows_a_missing_reviewer_in_the_banner(registry):
    w = RegistryView(registry, "g")
    w.set(reviewer="")
    w.approve_button.click()
    assert "approved_by" in w.error and registry.get("g", 2).ModelApprovalStatus == "PendingManualApproval"


def test_pipeline_view_shows_each_step_running_then_done_and_cached_on_rerun(db):
    n = ParameterInteger("N", 2)
    a = ProcessingStep("A", lambda n: {"x": n + 1}, inputs={"n": n})
    b = ProcessingStep("B", lambda x: {"y": x * 2}, inputs={"x": a.properties["x"]})
    w = PipelineView(Pipeline("view", parameters=[n], steps=[a, b]), path=db)
    assert w.result is None and "not run yet" in w.status.value
    w.run_button.click()
    assert w.result.PipelineExecutionStatus == "Succeeded"
    assert {"A": "Executing", "B": "NotStarted"} in w.states  # seen while it ran
    assert w.states[-1] == {"A": "Succeeded", "B": "Succeeded"}
    w.run_button.click()
    assert all(s.CacheHit for s in w.result.steps) and "yes" in w.steps_html.value
    w.controls["N"].value = 5  # manual widget: a change alone does not run
    assert w.result.outputs("B") == {"y": 6}
    w.run_button.click()
    assert w.result.outputs("B") == {"y": 12}
