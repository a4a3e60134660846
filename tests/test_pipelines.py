"""Pipelines: dependency order, parallel steps, caching, retries, failures, conditions, the definition JSON."""

import json
import threading

import pytest

from mlkit.aws import validate_request
from mlkit.pipelines import (CacheConfig, ConditionGreaterThanOrEqualTo, ConditionStep, EvaluationStep, FailStep,
                             Join, ParameterFloat, ParameterInteger, ParameterString, Pipeline,
                             PipelineDefinitionError, ProcessingStep, RegisterModelStep, RetryPolicy, ServiceFault,
                             TrainingStep, TransformStep, TuningStep)


@pytest.fixture
def db(tmp_path):
    return tmp_path / "m.sqlite"


def _diamond(calls):
    n = ParameterInteger("N", 2)

    def source(n):
        calls.append("source")
        return {"x": n}

    def left(x):
        calls.append("left")
        return {"y": x + 1}

    def right(x):
        calls.append("right")
        return {"y": x * 10}

    def join(a, b):
        calls.append("join")
        return {"z": a + b}

    s = ProcessingStep("Source", source, inputs={"n": n})
    lft = ProcessingStep("Left", left, inputs={"x": s.properties["x"]})
    rgt = ProcessingStep("Right", right, inputs={"x": s.properties["x"]})
    j = ProcessingStep("Join", join, inputs={"a": lft.properties["y"], "b": rgt.properties["y"]})
    return Pipeline("diamond", parameters=[n], steps=[j, rgt, lft, s])


def test_steps_run_in_dependency_order_and_pass_outputs(db):
    calls = []
    ex = _diamond(calls).start(path=db)
    assert ex.PipelineExecutionStatus == "Succeeded"
    assert calls[0] == "source" and calls[-1] == "join"
    assert ex.outputs("Join") == {"z": (2 + 1) + 2 * 10}


def test_a_rerun_with_unchanged_inputs_hits_the_cache_for_every_step(db):
    calls = []
    p = _diamond(calls)
    p.start(path=db)
    calls.clear()
    ex = p.start(path=db)
    assert calls == [] and all(s.CacheHit for s in ex.steps)
    assert ex.table()["CacheHit"].all()


def test_a_changed_parameter_reruns_only_what_depends_on_it(db):
    calls = []
    p = _diamond(calls)
    p.start(path=db)
    calls.clear()
    ex = p.start({"N": 5}, path=db)
    assert sorted(calls) == ["join", "left", "right", "source"]
    assert ex.outputs("Join") == {"z": 6 + 50}


def test_independent_steps_run_in_parallel(db):
    barrier = threading.Barrier(2, timeout=10)

    def wait(**_):
        barrier.wait()  # only passes if both steps run at the same time
        return {}

    p = Pipeline("par", steps=[ProcessingStep("A", wait), ProcessingStep("B", wait)], cache_config=None)
    assert p.start(path=db, max_workers=2).PipelineExecutionStatus == "Succeeded"


def test_a_failing_step_stops_its_dependants_and_says_why(db):
    def boom():
        raise ValueError("column 'age' is missing")

    a = ProcessingStep("Prepare", boom)
    b = TrainingStep("Train", lambda data: {"model": data}, inputs={"data": a.properties["out"]})
    c = ProcessingStep("Other", lambda: {"ok": 1})
    ex = Pipeline("fails", steps=[a, b, c]).start(path=db)
    assert ex.PipelineExecutionStatus == "Failed"
    assert ex.FailureReason == "step 'Prepare' failed: ValueError: column 'age' is missing"
    assert ex.step("Train").StepStatus == "NotStarted" and "'Prepare'" in ex.step("Train").FailureReason
    assert ex.step("Other").StepStatus == "Succeeded"


def test_retry_policy_retries_service_faults_with_backoff(db):
    attempts = []

    def flaky():
        attempts.append(1)
        if len(attempts) < 3:
            raise ServiceFault("503")
        return {"ok": True}

    step = ProcessingStep("Flaky", flaky, retry_policies=[RetryPolicy(max_attempts=3, interval_seconds=2,
                                                                      backoff_rate=3.0)])
    rec = Pipeline("retry", steps=[step], cache_config=None).start(path=db).step("Flaky")
    # waits 2 s then 2*3 s before attempts 2 and 3, in simulated seconds
    assert (rec.StepStatus, rec.Attempts, rec.RetryWaitSeconds) == ("Succeeded", 3, 8.0)


def test_without_a_matching_policy_a_fault_fails_at_once(db):
    def flaky():
        raise ServiceFault("503")

    step = ProcessingStep("Flaky", flaky, retry_policies=[RetryPolicy(exception_types=["Step.THROTTLING"])])
    rec = Pipeline("retry", steps=[step]).start(path=db).step("Flaky")
    assert (rec.StepStatus, rec.Attempts) == ("Failed", 1)


def test_condition_runs_one_branch_and_a_fail_step_fails_the_execution(db):
    threshold = ParameterFloat("MinAuc", 0.9)
    ev = EvaluationStep("Evaluate", lambda: {"auc": 0.8})
    reg = RegisterModelStep("Register", lambda: {"ModelPackageArn": "arn"})
    fail = FailStep("TooWeak", error_message=Join(" ", ["auc below", threshold]))
    cond = ConditionStep("Check", conditions=[ConditionGreaterThanOrEqualTo(ev.properties["auc"], threshold)],
                         if_steps=[reg], else_steps=[fail])
    p = Pipeline("cond", parameters=[threshold], steps=[ev, cond])
    ex = p.start(path=db)
    assert ex.step("Register").StepStatus == "Skipped"
    assert ex.step("TooWeak").StepStatus == "Failed"
    assert ex.FailureReason == "step 'TooWeak' failed: auc below 0.9"
    ex = p.start({"MinAuc": 0.7}, path=db)
    assert ex.PipelineExecutionStatus == "Succeeded" and ex.step("TooWeak").StepStatus == "Skipped"


def test_expired_cache_entries_are_not_used(db, monkeypatch):
    calls = []
    step = ProcessingStep("S", lambda: calls.append(1) or {}, cache_config=CacheConfig(expire_after="PT1M"))
    p = Pipeline("exp", steps=[step])
    p.start(path=db)
    import mlkit.pipelines.core as core

    real = core.time.time
    monkeypatch.setattr(core.time, "time", lambda: real() + 120)  # two minutes later
    assert p.start(path=db).step("S").CacheHit is False and len(calls) == 2


def test_the_definition_follows_the_published_schema(db):
    n = ParameterInteger("MaxDepth", 4)
    bucket = ParameterString("Bucket", "mlkit")
    prep = ProcessingStep("Prepare", lambda src: {"train": src}, inputs={"src": Join("/", ["s3:/", bucket, "raw"])},
                          outputs=["train"])
    train = TrainingStep("Train", lambda train, max_depth: {"model": "s3://x"},
                         inputs={"train": prep.properties["train"], "max_depth": n},
                         retry_policies=[RetryPolicy()])
    tune = TuningStep("Tune", lambda train: {"model": "s3://y"}, inputs={"train": prep.properties["train"]})
    tr = TransformStep("Score", lambda m: {"output": m}, inputs={"m": train.properties["model"]})
    p = Pipeline("schema", parameters=[n, bucket], steps=[prep, train, tune, tr])
    d = json.loads(p.to_request()["PipelineDefinition"])
    assert d["Version"] == "2020-12-01"
    assert d["Parameters"][0] == {"Name": "MaxDepth", "Type": "Integer", "DefaultValue": 4}
    steps = {s["Name"]: s for s in d["Steps"]}
    assert steps["Train"]["Arguments"]["HyperParameters"]["max_depth"] == {"Get": "Parameters.MaxDepth"}
    assert steps["Train"]["Arguments"]["InputDataConfig"][0]["DataSource"]["S3DataSource"]["S3Uri"] == {
        "Get": "Steps.Prepare.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri"}
    assert steps["Prepare"]["Arguments"]["Environment"]["src"]["Std:Join"]["Values"][1] == {"Get": "Parameters.Bucket"}
    assert steps["Score"]["Arguments"]["TransformInput"]["DataSource"]["S3DataSource"]["S3Uri"] == {
        "Get": "Steps.Train.ModelArtifacts.S3ModelArtifacts"}
    assert steps["Train"]["RetryPolicies"][0]["ExceptionType"] == ["Step.SERVICE_FAULT", "Step.THROTTLING"]
    assert steps["Train"]["CacheConfig"] == {"Enabled": True, "ExpireAfter": "P30D"}
    validate_request("sagemaker", "CreatePipeline", p.to_request())


def test_bad_graphs_are_refused_with_a_reason():
    a = ProcessingStep("A", lambda: {})
    with pytest.raises(PipelineDefinitionError, match="unique"):
        Pipeline("p", steps=[a, ProcessingStep("A", lambda: {})])
    with pytest.raises(PipelineDefinitionError, match="not a step"):
        Pipeline("p", steps=[ProcessingStep("B", lambda: {}, depends_on=["Z"])])
    x = ProcessingStep("X", lambda: {}, depends_on=["Y"])
    y = ProcessingStep("Y", lambda: {}, depends_on=["X"])
    with pytest.raises(PipelineDefinitionError, match="cycle"):
        Pipeline("p", steps=[x, y])
    undeclared = ParameterInteger("K", 1)
    with pytest.raises(PipelineDefinitionError, match="'K'"):
        Pipeline("p", steps=[ProcessingStep("C", lambda k: {}, inputs={"k": undeclared})])


@pytest.mark.parametrize("make, match", [
    (lambda: RetryPolicy(max_attempts=0), "max_attempts"),
    (lambda: RetryPolicy(exception_types=["Oops"]), "exception_types"),
    (lambda: CacheConfig(expire_after="30 days"), "expire_after"),
    (lambda: ProcessingStep("bad name", lambda: {}), "name"),
])
def test_bad_policies_and_names_are_refused(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_bad_run_parameters_are_refused(db):
    p = _diamond([])
    with pytest.raises(ValueError, match="does not declare"):
        p.start({"M": 1}, path=db)
    with pytest.raises(TypeError, match="Integer"):
        p.start({"N": "two"}, path=db)


def test_outputs_that_are_not_json_fail_the_step(db):
    ex = Pipeline("nj", steps=[ProcessingStep("S", lambda: {"m": object()})]).start(path=db)
    assert "JSON values" in ex.step("S").FailureReason


def test_executions_are_stored(db):
    p = _diamond([])
    p.start(path=db)
    p.start(path=db)
    assert p.list_executions(path=db)["PipelineExecutionStatus"].tolist() == ["Succeeded", "Succeeded"]


def test_steps_that_ran_are_recorded_in_lineage(db):
    from mlkit.lineage import LineageStore

    prep = ProcessingStep("Prep", lambda raw: {"train": "s3://b/train.csv"}, inputs={"raw": "s3://b/raw.csv"})
    train = TrainingStep("Train", lambda train: {"model": "s3://b/model.tar.gz"},
                         inputs={"train": prep.properties["train"]})
    Pipeline("lin", steps=[prep, train]).start(path=db)
    lin = LineageStore(db)
    model = lin.find(entity_type="Model")[0]
    up = lin.upstream(model.arn)
    assert up["type"].tolist() == ["Training", "DataSet", "Processing", "DataSet"]
    assert up["source_uri"].iloc[-1] == "s3://b/raw.csv"


def test_an_interrupted_run_keeps_finished_steps_in_the_cache(db):
    calls = []

    def first():
        calls.append("first")
        return {"x": 1}

    def second(x):
        raise KeyboardInterrupt

    a = ProcessingStep("First", first)
    b = ProcessingStep("Second", second, inputs={"x": a.properties["x"]})
    p = Pipeline("interrupt", steps=[a, b])
    with pytest.raises(KeyboardInterrupt):
        p.start(path=db)
    b.fn = lambda x: {"y": x}
    ex = p.start(path=db)
    assert calls == ["first"] and ex.step("First").CacheHit and ex.outputs("Second") == {"y": 1}
