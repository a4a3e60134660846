"""Claims of the MLOps topic: the Model Registry's gate, and retraining from captured traffic.

Each measure reuses the kit's engines (:mod:`mlkit.registry`,
:mod:`mlkit.pipelines` with :mod:`mlkit.experiments`, :mod:`mlkit.monitor`)
in a temporary folder that is removed afterwards.
"""

from __future__ import annotations

from mlkit.claims.ledger import Measurement


def registry_gate(seed: int, min_auc: float = 0.7, approve_weak: bool = True, n_rows: int = 800) -> Measurement:
    """Two versions go into a model package group: a real model and one trained on shuffled labels.

    Both are registered ``PendingManualApproval`` with their validation AUC
    as metrics, and a deployment of each is attempted; then the reviewer
    approves the good one and (``approve_weak``, a hurried reviewer) the weak
    one, and deployment is attempted again. Measured: deployments refused
    while pending, deployments that went through once approved, and the AUC
    of the weakest version that reached an endpoint, against the bar
    ``min_auc`` a validation would apply.

    Rule: refuted when a pending version deploys (no gate at all); holds with
    conditions when a version below ``min_auc`` deploys once approved (the
    registry gates on the approval status, not on validation); holds when
    only versions above the bar reached an endpoint.
    """
    import tempfile

    import numpy as np
    import xgboost as xgb
    from sklearn.metrics import roc_auc_score

    from mlkit.datasets import admissions
    from mlkit.registry import ModelRegistry, NotApprovedError
    from mlkit.storage import LocalBucketStore

    data = admissions(n_rows, seed=seed)
    X, y = data.X.to_numpy(float), data.y.to_numpy(float)
    cut = int(0.75 * len(y))
    shuffled = np.random.default_rng(seed).permutation(y[:cut])
    params = {"objective": "binary:logistic", "max_depth": 2, "nthread": 1, "seed": seed}
    valid = xgb.DMatrix(X[cut:])
    models = {}
    for name, labels in (("good", y[:cut]), ("weak", shuffled)):
        booster = xgb.train(params, xgb.DMatrix(X[:cut], label=labels), 20)
        models[name] = (booster, float(roc_auc_score(y[cut:], booster.predict(valid))))

    refused_pending = deployed = 0
    deployed_aucs = []
    with tempfile.TemporaryDirectory(prefix="mlkit-claim-registry-") as tmp:
        registry = ModelRegistry(f"{tmp}/registry.sqlite", store=LocalBucketStore(f"{tmp}/bucket"))
        try:
            pkgs = {name: registry.register("admissions", booster, metrics={"auc": auc})
                    for name, (booster, auc) in models.items()}
            for name, pkg in pkgs.items():
                try:
                    registry.deploy(pkg.ModelPackageArn, f"ep-{name}-pending").close()
                    deployed_aucs.append(models[name][1])
                except NotApprovedError:
                    refused_pending += 1
            pending_deployed = len(deployed_aucs)
            registry.approve(pkgs["good"].ModelPackageArn, approved_by="reviewer", reason="AUC above the bar")
            if approve_weak:
                registry.approve(pkgs["weak"].ModelPackageArn, approved_by="reviewer", reason="looked fine")
            for name, pkg in pkgs.items():
                try:
                    registry.deploy(pkg.ModelPackageArn, f"ep-{name}").close()
                    deployed += 1
                    deployed_aucs.append(models[name][1])
                except NotApprovedError:
                    pass
        finally:
            registry.close()
    weakest = min(deployed_aucs) if deployed_aucs else float("nan")
    figures = {"refused_while_pending": refused_pending, "deployed_once_approved": deployed,
               "auc_good": models["good"][1], "auc_weak": models["weak"][1],
               "weakest_deployed_auc": weakest, "min_auc_bar": float(min_auc)}
    if pending_deployed:
        return Measurement("refuted", figures, corrected="a version still pending approval was deployed")
    if weakest < min_auc:
        return Measurement("holds with conditions", figures, condition=(
            f"the registry refused every pending version ({refused_pending} of {len(models)}) but deployed an "
            f"approved one with AUC {weakest:.3f} below the {min_auc:g} bar: it gates on ModelApprovalStatus, "
            "not on validation; validation must happen before approval (a pipeline condition step, a reviewer)"))
    return Measurement("holds", figures)


def retrain_on_captured_data(seed: int, input_shift: float = 150.0, n_train: int = 1000, n_live: int = 400,
                             min_gain: float = 0.02) -> Measurement:
    """The notes' retraining loop (:func:`mlkit.pipelines.run_mlops_loop`), run on two kinds of change.

    Run 1: live applicants' SAT moves by ``input_shift`` points *and* the
    label relationship changes (the admissions "live" population). Run 2:
    only the label relationship changes (SAT not shifted). In each, v1 serves
    behind data capture, the data-quality monitor compares the captured
    inputs with the training baseline, and a violation starts the retraining
    pipeline on the captured, labelled traffic. Measured: violations,
    whether the pipeline retrained, AUC on fresh live traffic before and
    after, and v1's validation AUC (from the experiment) for run 2.

    Rule: refuted when run 1 does not retrain or gains less than
    ``min_gain`` AUC (the loop does not recover); holds with conditions when
    run 1 recovers but run 2 (v1's live AUC at least 0.05 below its
    validation AUC) never retrains: a data-quality monitor sees input drift,
    not a changed relationship; holds when both are caught.
    """
    import tempfile

    from mlkit.experiments import ExperimentAnalytics
    from mlkit.pipelines import run_mlops_loop

    with tempfile.TemporaryDirectory(prefix="mlkit-claim-mlops-") as tmp:
        shifted = run_mlops_loop(f"{tmp}/shifted", seed=seed, n_train=n_train, n_live=n_live,
                                 sat_shift=input_shift, min_auc=0.5)
        concept = run_mlops_loop(f"{tmp}/concept", seed=seed, n_train=n_train, n_live=n_live,
                                 sat_shift=0.0, min_auc=0.5)
        runs = ExperimentAnalytics(concept.experiment_name, path=concept.path).dataframe()
        v1_valid = float(runs.loc[runs["DisplayName"] == "train-v1", "validation-auc - Last"].iloc[0])
    gain = shifted.auc_after - shifted.auc_before
    figures = {"violations_input_shift": len(shifted.violations), "auc_before_input_shift": shifted.auc_before,
               "auc_after_input_shift": shifted.auc_after, "violations_label_change_only": len(concept.violations),
               "v1_auc_validation": v1_valid, "v1_auc_live_label_change_only": concept.auc_before}
    if not shifted.retrained or gain < min_gain:
        return Measurement("refuted", figures, corrected=(
            f"with SAT shifted by {input_shift:g} the loop {'retrained' if shifted.retrained else 'did not retrain'}"
            f" and AUC moved by {gain:+.3f}: monitoring inputs did not recover the model"))
    missed = (not concept.retrained) and v1_valid - concept.auc_before >= 0.05
    if missed:
        return Measurement("holds with conditions", figures, condition=(
            f"when the inputs drift the monitor raises violations and retraining on captured data lifts AUC "
            f"{shifted.auc_before:.3f} -> {shifted.auc_after:.3f}; when only the label relationship changes the "
            f"data-quality monitor sees nothing and v1 stays at {concept.auc_before:.3f} (validation "
            f"{v1_valid:.3f}): catching that needs model quality monitoring with ground truth"))
    return Measurement("holds", figures)
