"""The whole MLOps loop of the notes' retraining question, on a laptop.

Train in an experiment -> register -> approve -> deploy with data capture ->
drifted traffic -> Model Monitor finds violations -> the violation starts the
retraining pipeline (prepare the captured, labelled data; train; evaluate;
register as PendingManualApproval if good enough) -> a person approves ->
a canary blue/green rollout replaces the old version. Every step is in the
experiment and in the lineage graph.

    >>> import tempfile
    >>> r = run_mlops_loop(workdir=tempfile.mkdtemp(), seed=0)   # doctest: +SKIP
    >>> r.retrained, r.auc_after > r.auc_before                 # doctest: +SKIP
    (True, True)
"""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from mlkit._checks import check_float, check_int
from mlkit.report import Report

__all__ = ["run_mlops_loop", "LoopResult", "build_retraining_pipeline", "FEATURES", "TARGET"]

FEATURES = ["SAT", "GPA", "class_rank"]
TARGET = "admitted"


@dataclass
class LoopResult(Report):
    """What the loop did: one row per stage in ``events``; the numbers that show each piece did its job.

    ``violations``: the data-quality violations (``constraint_check_type``,
    ``feature_name``); ``execution``: the pipeline's
    :class:`~mlkit.pipelines.PipelineExecution`; ``rollout``: the canary's
    :class:`~mlkit.inference.deployment.RolloutResult`; ``auc_before`` /
    ``auc_after``: AUC on fresh drifted traffic of the old and the new
    serving model; ``endpoint_context``: the endpoint's lineage ARN.
    """

    experiment_name: str
    endpoint_name: str
    group: str
    path: str
    bucket_root: str
    events: list = field(default_factory=list)
    violations: list = field(default_factory=list)
    retrained: bool = False
    old_version: int = 0
    new_version: int | None = None
    auc_before: float = float("nan")
    auc_after: float = float("nan")
    rollout_outcome: str = ""
    endpoint_context: str = ""
    execution: Any = None
    rollout: Any = None

    def table(self):
        """The events as a DataFrame: ``stage``, ``detail``."""
        import pandas as pd

        return pd.DataFrame(self.events, columns=["stage", "detail"])

    def to_dict(self) -> dict:
        d = {k: getattr(self, k) for k in ("experiment_name", "endpoint_name", "group", "retrained", "old_version",
                                           "new_version", "auc_before", "auc_after", "rollout_outcome")}
        d["events"] = [list(e) for e in self.events]
        d["violations"] = list(self.violations)
        return d

    def _repr_html_(self) -> str:
        return self.table().to_html(index=False)


def _auc(y, p) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, p))


def _train_booster(frame, max_depth: int, rounds: int, seed: int, run=None):
    """Fit an XGBoost booster on ``frame`` (80/20 split), logging the validation AUC per round to ``run``."""
    import numpy as np
    import xgboost as xgb

    rng = np.random.default_rng(seed)
    idx = rng.permutation(len(frame))
    cut = int(0.8 * len(frame))
    tr, va = frame.iloc[idx[:cut]], frame.iloc[idx[cut:]]
    dtr = xgb.DMatrix(tr[FEATURES].to_numpy(float), label=tr[TARGET].to_numpy(float))
    dva = xgb.DMatrix(va[FEATURES].to_numpy(float), label=va[TARGET].to_numpy(float))
    evals: dict = {}
    params = {"objective": "binary:logistic", "max_depth": max_depth, "eta": 0.3, "eval_metric": "auc",
              "nthread": 1, "seed": seed}
    booster = xgb.train(params, dtr, rounds, evals=[(dva, "validation")], evals_result=evals, verbose_eval=False)
    curve = evals["validation"]["auc"]
    if run is not None:
        run.log_parameters({"max_depth": max_depth, "num_round": rounds, "eta": 0.3, "train_rows": len(tr)})
        for i, v in enumerate(curve):
            run.log_metric("validation-auc", v, step=i)
    return booster, float(curve[-1])


def build_retraining_pipeline(*, store, registry, path, group: str, experiment_name: str, lineage,
                              seed: int = 0):
    """The retraining pipeline: Prepare -> Train -> Evaluate -> CheckAuc -> (Register | Fail).

    Parameters: ``CaptureUri`` (the captured data's prefix), ``LabelsUri``
    (ground truth), ``MinAuc`` (the bar a new model must clear), ``MaxDepth``,
    ``Rounds``. Register puts the new version in ``group`` as
    PendingManualApproval; nothing is deployed by the pipeline.
    """
    import pandas as pd

    from mlkit.pipelines.core import (ConditionGreaterThanOrEqualTo, ConditionStep, EvaluationStep, FailStep, Join,
                                      ParameterFloat, ParameterInteger, ParameterString, Pipeline, ProcessingStep,
                                      RegisterModelStep, RetryPolicy, TrainingStep)

    capture_uri = ParameterString("CaptureUri", "s3://mlkit-loop/datacapture")
    labels_uri = ParameterString("LabelsUri", "s3://mlkit-loop/ground-truth")
    min_auc = ParameterFloat("MinAuc", 0.7)
    max_depth = ParameterInteger("MaxDepth", 2)
    rounds = ParameterInteger("Rounds", 10)

    def prepare(capture, labels):
        from mlkit.monitor import merge_ground_truth, read_captures, read_ground_truth

        window = read_captures(store, capture)
        inputs = window.inputs(columns=FEATURES)
        merged = merge_ground_truth(inputs, read_ground_truth(store, labels))
        merged = merged.rename(columns={"label": TARGET})
        merged[TARGET] = merged[TARGET].astype(float).astype(int)
        merged = merged.sort_values("inference_id", kind="stable").reset_index(drop=True)
        cut = int(0.75 * len(merged))
        out = {}
        for name, part in (("train", merged.iloc[:cut]), ("test", merged.iloc[cut:])):
            uri = f"s3://mlkit-loop/retrain/{name}.csv"
            store.put(uri, part[FEATURES + [TARGET]].to_csv(index=False).encode())
            out[name] = uri
        src = lineage.artifact("captured-traffic", "DataSet", capture)
        lab = lineage.artifact("ground-truth-labels", "DataSet", labels)
        lineage.artifact("retrain-train-set", "DataSet", out["train"], derived_from=[src, lab])
        out["rows"] = len(merged)
        return out

    def train(train, max_depth, rounds):
        from mlkit.experiments import Run

        frame = pd.read_csv(io.BytesIO(store.get(train)))
        with Run(experiment_name, f"retrain-{hashlib.sha256(train.encode()).hexdigest()[:8]}-d{max_depth}", path=path) as run:
            run.log_artifact("train-data", train, is_output=False)
            booster, val_auc = _train_booster(frame, int(max_depth), int(rounds), seed, run)
            from mlkit.artifacts import save_model

            uri = save_model(booster, f"s3://mlkit-loop/retrain/model-d{max_depth}-r{rounds}/model.tar.gz",
                             store=store)
            run.log_artifact("model", uri)
            run.log_metric("validation-auc-final", val_auc)
        # the pipeline records this step's Training action (train.csv in, model.tar.gz out) in lineage itself
        return {"model": uri, "validation_auc": val_auc, "run_name": run.run_name}

    def evaluate(model, test):
        from mlkit.artifacts import load_model
        import xgboost as xgb

        frame = pd.read_csv(io.BytesIO(store.get(test)))
        booster = load_model(model, store=store)
        p = booster.predict(xgb.DMatrix(frame[FEATURES].to_numpy(float)))
        return {"auc": _auc(frame[TARGET], p), "evaluation": f"{test}.evaluation.json"}

    def register(model, auc, group, model_data_url):
        pkg = registry.register(group, model_data_url=model_data_url, metrics={"auc": auc},
                                approval_status="PendingManualApproval", source="pipeline")
        return {"ModelPackageArn": pkg.ModelPackageArn, "version": pkg.ModelPackageVersion}

    prep = ProcessingStep("Prepare", prepare, inputs={"capture": capture_uri, "labels": labels_uri},
                          outputs=["train", "test"])
    tr = TrainingStep("Train", train, inputs={"train": prep.properties["train"], "max_depth": max_depth,
                                              "rounds": rounds},
                      retry_policies=[RetryPolicy(exception_types=["SageMaker.CAPACITY_ERROR"], max_attempts=3)])
    ev = EvaluationStep("Evaluate", evaluate, inputs={"model": tr.properties["model"], "test": prep.properties["test"]})
    reg = RegisterModelStep("Register", register, inputs={"model": tr.properties["model"], "auc": ev.properties["auc"],
                                                          "group": group,
                                                          "model_data_url": tr.properties["model"]})
    fail = FailStep("AucTooLow", error_message=Join(" ", ["new model AUC is below MinAuc", min_auc]))
    cond = ConditionStep("CheckAuc", conditions=[ConditionGreaterThanOrEqualTo(ev.properties["auc"], min_auc)],
                         if_steps=[reg], else_steps=[fail])
    return Pipeline(f"{group}-retrain", parameters=[capture_uri, labels_uri, min_auc, max_depth, rounds],
                    steps=[prep, tr, ev, cond])


def run_mlops_loop(workdir: str | os.PathLike | None = None, *, seed: int = 0, n_train: int = 1500,
                   n_live: int = 800, sat_shift: float = 150.0, min_auc: float = 0.6,
                   approve_new: bool = True, on_event: Callable[[str, str], Any] | None = None) -> LoopResult:
    """Run the loop end to end; a :class:`LoopResult`.

    ``workdir`` holds the database (``mlops.sqlite``) and the local bucket
    (``bucket/``); default a folder under the data home. ``n_train`` rows
    train v1 (admissions data, ``seed``); ``n_live`` requests of live
    traffic (the admissions "live" population, whose labels follow other
    weights, with ``SAT`` shifted by ``sat_shift``) go through the endpoint
    with data capture on; ground truth for them is uploaded. If the
    data-quality check finds violations, the retraining pipeline runs
    (``min_auc`` its bar); with ``approve_new`` the new version is approved
    and rolled out by a canary (25 % for 5 minutes) in simulated time, then
    serves on the endpoint. ``on_event(stage, detail)`` is called as each
    stage ends. Errors: sizes outside 200-20,000 / 50-5,000.
    """
    import numpy as np

    from mlkit.datasets import admissions, inject_drift
    from mlkit.experiments import Run
    from mlkit.inference.deployment import (BlueGreenUpdatePolicy, CapacitySize, CloudWatchAlarm, ModelHealth,
                                            TrafficRoutingConfig, simulate_rollout)
    from mlkit.lineage import LineageStore
    from mlkit.monitor import (DataCapture, DataCaptureConfig, check_data_quality, suggest_baseline,
                               write_ground_truth)
    from mlkit.registry import ModelRegistry
    from mlkit.storage import LocalBucketStore

    n_train = check_int("n_train", n_train, 200, 20_000)
    n_live = check_int("n_live", n_live, 50, 5_000)
    sat_shift = check_float("sat_shift", sat_shift, -1000.0, 1000.0)
    min_auc = check_float("min_auc", min_auc, 0.0, 1.0)
    if workdir is None:
        from mlkit._home import data_home

        workdir = data_home() / "mlops-loop"
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "mlops.sqlite"
    store = LocalBucketStore(workdir / "bucket")
    lineage = LineageStore(path)
    registry = ModelRegistry(path, store=store)
    exp, group, ep_name = "admissions-loop", "admissions", "admissions-ep"
    result = LoopResult(exp, ep_name, group, str(path), str(store.root_path))

    def event(stage, detail):
        result.events.append((stage, detail))
        if on_event is not None:
            on_event(stage, detail)

    # 1. train v1 in an experiment
    train = admissions(n_train, seed=seed).frame
    data_uri = "s3://mlkit-loop/data/admissions-train.csv"
    store.put(data_uri, train[FEATURES + [TARGET]].to_csv(index=False).encode())
    data_art = lineage.artifact("admissions-train", "DataSet", data_uri)
    with Run(exp, "train-v1", path=path) as run:
        run.log_artifact("train-data", data_uri, is_output=False)
        booster, val_auc = _train_booster(train, 3, 30, seed, run)
    act = lineage.action("training-train-v1", "Training", inputs=[data_art],
                         context=lineage.context(exp, "Experiment"))
    event("train", f"v1 trained in experiment {exp!r}, run 'train-v1': validation AUC {val_auc:.3f}")

    # 2. register, approve, deploy with data capture
    v1 = registry.register(group, booster, metrics={"auc": val_auc}, training_action=act, source="experiment")
    event("register", f"version {v1.ModelPackageVersion} registered as {v1.ModelApprovalStatus}")
    registry.approve(v1.ModelPackageArn, approved_by="reviewer", reason=f"validation AUC {val_auc:.3f}")
    event("approve", f"version {v1.ModelPackageVersion} Approved by reviewer")
    capture_cfg = DataCaptureConfig(DestinationS3Uri="s3://mlkit-loop/datacapture", InitialSamplingPercentage=100)
    capture = DataCapture(capture_cfg, store=store, seed=seed)
    endpoint = registry.deploy(v1.ModelPackageArn, ep_name, hooks=[capture])
    result.old_version = v1.ModelPackageVersion
    event("deploy", f"version {v1.ModelPackageVersion} serves on {ep_name!r} with data capture (100 %)")
    try:
        # 3. drifted traffic through the endpoint, ground truth later
        live = admissions(n_live, live=True, seed=seed + 1).frame
        live, _ = inject_drift(live, "SAT", shift=sat_shift, seed=seed)
        ids, probs = [], []
        for i, row in enumerate(live[FEATURES].itertuples(index=False)):
            iid = f"req-{i:05d}"
            body = ",".join(str(float(v)) for v in row)
            probs.append(float(endpoint.invoke(body, "text/csv", InferenceId=iid).Body))
            ids.append(iid)
        write_ground_truth(store, "s3://mlkit-loop/ground-truth", ids, live[TARGET].tolist())
        auc_live_v1 = _auc(live[TARGET], probs)
        event("traffic", f"{n_live} requests captured ({capture.captured}); SAT shifted by {sat_shift:+.0f}; "
                         f"v1 AUC on this traffic {auc_live_v1:.3f}")

        # 4. Model Monitor: data quality against the training baseline
        from mlkit.monitor import read_captures

        baseline = suggest_baseline(train[FEATURES])
        window = read_captures(store, f"s3://mlkit-loop/datacapture/{ep_name}/AllTraffic")
        dq = check_data_quality(window.inputs(columns=FEATURES)[FEATURES], baseline)
        result.violations = [{"feature_name": v["feature_name"], "constraint_check_type": v["constraint_check_type"]}
                             for v in dq.violations]
        event("monitor", f"{len(dq.violations)} violation(s): " +
              ", ".join(f"{v['feature_name']} {v['constraint_check_type']}" for v in dq.violations) or "none")
        lineage.action("monitoring-data-quality", "Processing",
                       inputs=[lineage.artifact("captured-traffic", "DataSet",
                                                f"s3://mlkit-loop/datacapture/{ep_name}/AllTraffic")])

        # 5. a violation starts the retraining pipeline
        fresh = admissions(n_live, live=True, seed=seed + 2).frame
        fresh, _ = inject_drift(fresh, "SAT", shift=sat_shift, seed=seed + 2)
        x_fresh = fresh[FEATURES].to_numpy(float)
        import xgboost as xgb

        result.auc_before = _auc(fresh[TARGET], booster.predict(xgb.DMatrix(x_fresh)))
        result.auc_after = result.auc_before
        if not dq.violated:
            event("pipeline", "no violation: the pipeline is not started")
            return result
        pipeline = build_retraining_pipeline(store=store, registry=registry, path=path, group=group,
                                             experiment_name=exp, lineage=lineage, seed=seed)
        ex = pipeline.start({"CaptureUri": f"s3://mlkit-loop/datacapture/{ep_name}/AllTraffic",
                             "LabelsUri": "s3://mlkit-loop/ground-truth", "MinAuc": min_auc}, path=path)
        result.execution = ex
        event("pipeline", f"{pipeline.name}: {ex.PipelineExecutionStatus}; steps " +
              ", ".join(f"{s.StepName}={s.StepStatus}{' (cache)' if s.CacheHit else ''}" for s in ex.steps))
        if ex.PipelineExecutionStatus != "Succeeded" or ex.step("Register").StepStatus != "Succeeded":
            return result
        v2 = registry.get(ex.outputs("Register")["ModelPackageArn"])
        result.retrained = True
        result.new_version = v2.ModelPackageVersion
        event("register", f"version {v2.ModelPackageVersion} registered by the pipeline as {v2.ModelApprovalStatus} "
                          f"(test AUC {v2.metrics['auc']:.3f})")
        if not approve_new:
            return result

        # 6. approval, then a canary blue/green rollout replaces v1
        registry.approve(v2.ModelPackageArn, approved_by="reviewer", reason=f"test AUC {v2.metrics['auc']:.3f}")
        event("approve", f"version {v2.ModelPackageVersion} Approved by reviewer")
        policy = BlueGreenUpdatePolicy(TrafficRoutingConfig("CANARY", 300,
                                                            CanarySize=CapacitySize("CAPACITY_PERCENT", 25)),
                                       TerminationWaitInSeconds=120, MaximumExecutionTimeoutInSeconds=1800)
        rollout = simulate_rollout(policy, ModelHealth(), alarms=[CloudWatchAlarm.error_rate("errors-over-5pct", 0.05)],
                                   seed=seed)
        result.rollout = rollout
        result.rollout_outcome = rollout.outcome
        event("canary", f"canary 25 % for 300 s then all traffic: {rollout.outcome} (simulated time)")
        if rollout.outcome != "completed":
            return result
        endpoint.close()
        endpoint = registry.deploy(v2.ModelPackageArn, ep_name, hooks=[capture])
        new_probs = [float(endpoint.invoke(",".join(str(v) for v in r), "text/csv").Body) for r in x_fresh]
        result.auc_after = _auc(fresh[TARGET], np.asarray(new_probs))
        event("serve", f"version {v2.ModelPackageVersion} serves on {ep_name!r}; AUC on fresh drifted traffic "
                       f"{result.auc_before:.3f} -> {result.auc_after:.3f}")
        return result
    finally:
        endpoint.close()
        ctx = lineage.find(name=ep_name, entity_type="Endpoint")
        result.endpoint_context = ctx[0].arn if ctx else ""
        lineage.close()
        registry.close()
