"""Model quality monitoring: captured predictions merged with ground truth, metrics against constraints.

Ground truth arrives later than the predictions. SageMaker reads it from
JSON Lines the learner uploads, one record per labelled request::

    {"groundTruthData": {"data": "1", "encoding": "CSV"},
     "eventMetadata": {"eventId": "<the request's inference id>"}, "eventVersion": "0"}

and merges it with the captured requests by inference id (the
``InferenceId`` the caller passed, ``eventMetadata.inferenceId`` in the
capture). :func:`merge_ground_truth` does that join and says how many
predictions found no label. :func:`model_quality_statistics` computes the
metrics of the problem type (the formulas of ``sklearn.metrics``, computed from the
confusion counts with numpy because a schedule calls them for every run) in the
shape of SageMaker's model quality ``statistics.json``
(``binary_classification_metrics`` / ``multiclass_classification_metrics`` /
``regression_metrics``, each metric ``{"value", "standard_deviation"}``, the
deviation from a seeded bootstrap); :func:`suggest_model_quality_constraints`
writes ``constraints.json`` with comparison operators
(``GreaterThanThreshold``, ``GreaterThanOrEqualToThreshold``,
``LessThanThreshold``, ``LessThanOrEqualToThreshold``), and
:func:`check_model_quality` reports violations as SageMaker does
(``metric_name``, ``constraint_check_type`` = the operator, ``description``).

    >>> import pandas as pd
    >>> df = pd.DataFrame({"label": [1, 0, 1, 1], "prediction": [1, 0, 0, 1]})
    >>> stats = model_quality_statistics(df, "BinaryClassification", seed=0)
    >>> stats["binary_classification_metrics"]["accuracy"]["value"]
    0.75
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from mlkit._checks import check_float, check_int, check_one_of, make_rng
from mlkit.report import Report, html_table

__all__ = [
    "GroundTruth",
    "write_ground_truth",
    "read_ground_truth",
    "merge_ground_truth",
    "model_quality_statistics",
    "suggest_model_quality_constraints",
    "check_model_quality",
    "ModelQualityResult",
    "PROBLEM_TYPES",
    "OPERATORS",
]

PROBLEM_TYPES = ("BinaryClassification", "MulticlassClassification", "Regression")
OPERATORS = ("GreaterThanThreshold", "GreaterThanOrEqualToThreshold", "LessThanThreshold",
             "LessThanOrEqualToThreshold")
_SECTION = {"BinaryClassification": "binary_classification", "MulticlassClassification": "multiclass_classification",
            "Regression": "regression"}
#: Metrics where larger is worse: their suggested constraint is GreaterThanThreshold.
_ERRORS = {"mae", "mse", "rmse", "false_positive_rate", "false_negative_rate"}


@dataclass(frozen=True)
class GroundTruth:
    """One label for one earlier request: ``inference_id``, ``label`` and when it was labelled."""

    inference_id: str
    label: Any
    time: str | None = None


def write_ground_truth(store, uri_prefix: str, inference_ids: Sequence[str], labels: Sequence[Any], *,
                       when="2026-01-05T00:00:00Z") -> str:
    """Upload labels as SageMaker's ground-truth JSON Lines under ``{prefix}/yyyy/mm/dd/hh/``; returns the object URI.

    Errors: ``inference_ids`` and ``labels`` of different lengths, an empty or
    missing id.
    """
    from mlkit.monitor.capture import parse_time

    ids, labs = list(inference_ids), list(labels)
    if len(ids) != len(labs):
        raise ValueError(f"inference_ids and labels must have the same length, got {len(ids)} and {len(labs)}")
    lines = []
    for iid, lab in zip(ids, labs):
        if not isinstance(iid, str) or not iid:
            raise ValueError(f"every inference id must be a non-empty string, got {iid!r}")
        lines.append(json.dumps({"groundTruthData": {"data": str(lab), "encoding": "CSV"},
                                 "eventMetadata": {"eventId": iid}, "eventVersion": "0"}, separators=(",", ":")))
    t = parse_time(when)
    from mlkit.storage import LocalBucketStore, new_token

    store = store if store is not None else LocalBucketStore()
    uri = f"{uri_prefix.rstrip('/')}/{t:%Y/%m/%d/%H}/{new_token()}.jsonl"
    return store.put(uri, "\n".join(lines) + "\n")


def read_ground_truth(store, uri_prefix: str):
    """Every ground-truth record under ``uri_prefix`` as a DataFrame (``inference_id``, ``label``, ``uri``, ``line``).

    Bad lines are skipped and listed in ``frame.attrs["bad_lines"]``
    (``"uri line N: reason"``); good ones are kept. Labels stay text.
    """
    import pandas as pd

    from mlkit.storage import LocalBucketStore

    store = store if store is not None else LocalBucketStore()
    rows, bad = [], []
    for uri in store.list(uri_prefix.rstrip("/") + "/"):
        with store.open(uri, "rb") as f:
            for number, raw in enumerate(f, start=1):
                if not raw.strip():
                    continue
                try:
                    rec = json.loads(raw)
                    rows.append({"inference_id": rec["eventMetadata"]["eventId"],
                                 "label": rec["groundTruthData"]["data"], "uri": uri, "line": number})
                except (ValueError, KeyError, TypeError) as exc:
                    bad.append(f"{uri} line {number}: not a ground-truth record ({type(exc).__name__}: {exc})")
    frame = pd.DataFrame(rows, columns=["inference_id", "label", "uri", "line"])
    frame.attrs["bad_lines"] = bad
    return frame


def merge_ground_truth(predictions, ground_truth, *, on: str = "inference_id"):
    """Inner-join predictions with labels on ``on``; the result's ``attrs`` count what did not match.

    In: two DataFrames with an ``inference_id`` column (predictions: one row
    per captured request, e.g. ``CaptureWindow.outputs()``; ground truth:
    ``inference_id`` and ``label``). Out: the predictions with a ``label``
    column; ``attrs["unmatched_predictions"]`` and
    ``attrs["unmatched_labels"]`` count the rows left out. Predictions without
    an inference id cannot be matched (SageMaker needs it too). Errors: a
    frame without ``on``; duplicate ids in the ground truth.
    """
    import pandas as pd

    for name, frame in (("predictions", predictions), ("ground_truth", ground_truth)):
        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"{name} must be a DataFrame, got {type(frame).__name__}")
        if on not in frame.columns:
            raise KeyError(f"{name} must have a column {on!r} to merge on, it has {list(frame.columns)}")
    gt = ground_truth[[on, "label"]]
    dup = gt[on][gt[on].duplicated()]
    if len(dup):
        raise ValueError(f"ground_truth has duplicate {on} values, e.g. {dup.iloc[0]!r}: one label per request")
    labels = gt.set_index(on)["label"]
    found = predictions[on].isin(labels.index)
    merged = predictions[found].copy()
    merged["label"] = merged[on].map(labels).to_numpy()
    merged = merged.reset_index(drop=True)
    merged.attrs["unmatched_predictions"] = int((~found).sum())
    merged.attrs["unmatched_labels"] = int(len(gt) - gt[on].isin(predictions[on]).sum())
    return merged


def _fbeta(p: float, r: float, beta: float) -> float:
    b2 = beta * beta
    return (1 + b2) * p * r / (b2 * p + r) if (b2 * p + r) > 0 else 0.0


def _binary_metrics(y, pred, score) -> dict:
    """Metrics from the confusion counts (the formulas of ``sklearn.metrics``; the tests compare them)."""
    import numpy as np

    tp = int(np.sum((y == 1) & (pred == 1)))
    tn = int(np.sum((y == 0) & (pred == 0)))
    fp = int(np.sum((y == 0) & (pred == 1)))
    fn = int(np.sum((y == 1) & (pred == 0)))
    n = tp + tn + fp + fn
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    out = {
        "accuracy": (tp + tn) / n,
        "precision": precision,
        "recall": recall,
        "f0_5": _fbeta(precision, recall, 0.5),
        "f1": _fbeta(precision, recall, 1.0),
        "f2": _fbeta(precision, recall, 2.0),
        "true_positive_rate": recall,
        "true_negative_rate": tn / (tn + fp) if tn + fp else 0.0,
        "false_positive_rate": fp / (fp + tn) if fp + tn else 0.0,
        "false_negative_rate": fn / (fn + tp) if fn + tp else 0.0,
    }
    if score is not None and 0 < int(y.sum()) < len(y):
        from scipy.stats import rankdata

        ranks = rankdata(score)
        n_pos = int(y.sum())
        n_neg = len(y) - n_pos
        out["auc"] = (ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)
    return {k: float(v) for k, v in out.items()}


def _multiclass_metrics(y, pred) -> dict:
    """Accuracy and support-weighted recall / precision / F-scores over the true classes, as sklearn's ``average="weighted"``."""
    import numpy as np

    classes = np.unique(np.concatenate([y, pred]))
    n = len(y)
    out = {"accuracy": float(np.mean(y == pred))}
    sums = {"weighted_recall": 0.0, "weighted_precision": 0.0, "weighted_f0_5": 0.0, "weighted_f1": 0.0,
            "weighted_f2": 0.0}
    for c in classes:
        support = int(np.sum(y == c))
        if support == 0:
            continue
        tp = int(np.sum((y == c) & (pred == c)))
        predicted = int(np.sum(pred == c))
        p = tp / predicted if predicted else 0.0
        r = tp / support
        w = support / n
        sums["weighted_recall"] += w * r
        sums["weighted_precision"] += w * p
        sums["weighted_f0_5"] += w * _fbeta(p, r, 0.5)
        sums["weighted_f1"] += w * _fbeta(p, r, 1.0)
        sums["weighted_f2"] += w * _fbeta(p, r, 2.0)
    out.update(sums)
    return out


def _regression_metrics(y, pred) -> dict:
    import numpy as np

    err = y - pred
    mse = float(np.mean(err ** 2))
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    r2 = 1.0 - float(np.sum(err ** 2)) / ss_tot if ss_tot > 0 else float("nan")
    return {"mae": float(np.mean(np.abs(err))), "mse": mse, "rmse": float(np.sqrt(mse)),
            "r2": r2 if len(y) > 1 else float("nan")}


def model_quality_statistics(df, problem_type: str, *, label: str = "label", prediction: str = "prediction",
                             probability_threshold: float = 0.5, positive_label: Any = 1,
                             n_bootstrap: int = 20, seed: int | None = 0) -> dict:
    """Model quality ``statistics.json`` of labelled predictions: a DataFrame in, a dict out.

    ``problem_type``: ``BinaryClassification`` (``prediction`` holds labels,
    or probabilities of ``positive_label`` compared with
    ``probability_threshold``, which also gives ``auc``),
    ``MulticlassClassification`` or ``Regression``. Each metric is
    ``{"value", "standard_deviation"}`` (the deviation over ``n_bootstrap``
    seeded resamples); classification adds ``confusion_matrix``
    (``{actual: {predicted: count}}``). Errors: unknown ``problem_type``,
    missing columns, no rows, a binary label with more than two values.
    """
    import numpy as np
    import pandas as pd

    check_one_of("problem_type", problem_type, PROBLEM_TYPES)
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"df must be a DataFrame, got {type(df).__name__}")
    for col, param in ((label, "label"), (prediction, "prediction")):
        if col not in df.columns:
            raise KeyError(f"{param} column {col!r} is not in the frame; it has {list(df.columns)}")
    if len(df) == 0:
        raise ValueError("df has no labelled predictions: no ground truth matched this window")
    check_float("probability_threshold", probability_threshold, 0.0, 1.0)
    n_bootstrap = check_int("n_bootstrap", n_bootstrap, low=0, high=1000)
    rng = make_rng(seed)

    y_raw, p_raw = df[label], df[prediction]
    score = None
    if problem_type == "Regression":
        y = pd.to_numeric(y_raw, errors="raise").to_numpy(dtype=float)
        pred = pd.to_numeric(p_raw, errors="raise").to_numpy(dtype=float)

        def fn(idx):
            return _regression_metrics(y[idx], pred[idx])
    elif problem_type == "BinaryClassification":
        y = (y_raw.astype(str) == str(positive_label)).to_numpy(dtype=int)
        if y_raw.astype(str).nunique() > 2:
            raise ValueError(f"a BinaryClassification label has at most two values, got {sorted(y_raw.astype(str).unique())[:5]}")
        p_num = pd.to_numeric(p_raw, errors="coerce")
        if p_num.notna().all() and not p_num.isin([0, 1]).all() and p_num.between(0, 1).all():
            score = p_num.to_numpy(dtype=float)
            pred = (score >= probability_threshold).astype(int)
        else:
            pred = (p_raw.astype(str) == str(positive_label)).to_numpy(dtype=int)

        def fn(idx):
            return _binary_metrics(y[idx], pred[idx], None if score is None else score[idx])
    else:
        y = y_raw.astype(str).to_numpy()
        pred = p_raw.astype(str).to_numpy()

        def fn(idx):
            return _multiclass_metrics(y[idx], pred[idx])

    n = len(df)
    values = fn(np.arange(n))
    boots = [fn(rng.integers(0, n, n)) for _ in range(n_bootstrap)] if n > 1 else []
    section: dict[str, Any] = {}
    if problem_type != "Regression":
        labels_ = sorted(set(map(str, y)) | set(map(str, pred)))
        ys, ps = np.asarray(y).astype(str), np.asarray(pred).astype(str)
        section["confusion_matrix"] = {a: {p: int(np.sum((ys == a) & (ps == p))) for p in labels_}
                                       for a in labels_}
    for name, v in values.items():
        sd = float(np.nanstd([b[name] for b in boots if name in b])) if boots else 0.0
        section[name] = {"value": v, "standard_deviation": sd}
    return {"version": 0.0, "dataset": {"item_count": n}, f"{_SECTION[problem_type]}_metrics": section}


def suggest_model_quality_constraints(statistics: Mapping, *, slack: float = 0.0,
                                      metrics: Sequence[str] | None = None) -> dict:
    """Model quality ``constraints.json`` from baseline statistics: each metric's value as its threshold.

    Scores (accuracy, recall, f1, auc, r2, ...) get ``LessThanThreshold``
    (a violation when live falls below), errors (mae, mse, rmse, false
    positive/negative rates) ``GreaterThanThreshold``. ``slack`` loosens
    each threshold by that many bootstrap standard deviations (0: exactly
    the baseline value, as SageMaker suggests). ``metrics`` keeps only those.
    """
    slack = check_float("slack", slack, low=0.0)
    key = next((k for k in statistics if k.endswith("_metrics")), None)
    if key is None:
        raise ValueError("statistics must hold a *_metrics section (from model_quality_statistics)")
    section = statistics[key]
    out = {}
    for name, m in section.items():
        if name == "confusion_matrix" or (metrics is not None and name not in metrics):
            continue
        if m["value"] != m["value"]:
            continue
        if name in _ERRORS:
            out[name] = {"threshold": m["value"] + slack * m["standard_deviation"],
                         "comparison_operator": "GreaterThanThreshold"}
        else:
            out[name] = {"threshold": m["value"] - slack * m["standard_deviation"],
                         "comparison_operator": "LessThanThreshold"}
    if metrics is not None:
        unknown = sorted(set(metrics) - set(section))
        if unknown:
            raise ValueError(f"metrics {unknown} are not in the statistics; available: {sorted(section)}")
    return {"version": 0.0, key.replace("_metrics", "_constraints"): out}


def _breaks(value: float, op: str, threshold: float) -> bool:
    return {"GreaterThanThreshold": value > threshold, "GreaterThanOrEqualToThreshold": value >= threshold,
            "LessThanThreshold": value < threshold, "LessThanOrEqualToThreshold": value <= threshold}[op]


@dataclass
class ModelQualityResult(Report):
    """One model quality execution: ``statistics``, ``violations`` (constraint_violations.json), ``metrics``, counts."""

    statistics: dict
    violations: list
    metrics: dict
    matched: int
    unmatched_predictions: int = 0

    @property
    def violated(self) -> bool:
        return bool(self.violations)

    def constraint_violations(self) -> dict:
        return {"violations": list(self.violations)}

    def _repr_html_(self) -> str:
        return html_table({"labelled predictions": self.matched, "unmatched predictions": self.unmatched_predictions,
                           **{k: round(v, 4) for k, v in self.metrics.items()},
                           "violations": "; ".join(v["description"] for v in self.violations) or "none"},
                          "Model quality check")


def check_model_quality(df, constraints: Mapping, problem_type: str, **stats_kwargs) -> ModelQualityResult:
    """Labelled predictions against model quality constraints -> :class:`ModelQualityResult`.

    Each constrained metric whose live value satisfies its
    ``comparison_operator`` against ``threshold`` is a violation
    ``{"metric_name", "constraint_check_type": operator, "description"}``.
    ``stats_kwargs`` go to :func:`model_quality_statistics`. Errors: an
    unknown comparison operator; a constraint on a metric not computed.
    """
    stats = model_quality_statistics(df, problem_type, **stats_kwargs)
    section = stats[f"{_SECTION[problem_type]}_metrics"]
    cons = constraints.get(f"{_SECTION[problem_type]}_constraints")
    if cons is None:
        raise ValueError(f"constraints hold no {_SECTION[problem_type]}_constraints section for {problem_type}; "
                         f"keys: {sorted(constraints)}")
    violations = []
    for name, c in cons.items():
        op = check_one_of(f"{name}.comparison_operator", c["comparison_operator"], OPERATORS)
        if name not in section:
            raise ValueError(f"constraint on {name!r}, which {problem_type} does not compute; "
                             f"computed: {sorted(k for k in section if k != 'confusion_matrix')}")
        value = section[name]["value"]
        if value == value and _breaks(value, op, float(c["threshold"])):
            violations.append({"metric_name": name, "constraint_check_type": op,
                               "description": f"Metric {name} with {value:.4g} was {op} {float(c['threshold']):.4g}"})
    metrics = {k: v["value"] for k, v in section.items() if k != "confusion_matrix"}
    return ModelQualityResult(stats, violations, metrics, int(len(df)), int(df.attrs.get("unmatched_predictions", 0)))
