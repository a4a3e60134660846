"""Feature attribution drift: has the ranking of features by SHAP attribution changed?

SageMaker (developer guide, "Feature attribution drift for models in
production") compares the global SHAP attributions of live data with those
of the training data by Normalized Discounted Cumulative Gain. With
``F = [f_1, ..., f_m]`` the features sorted by their *training* attribution
``a(f)`` and ``F' = [f'_1, ..., f'_m]`` sorted by their *live* attribution:

    DCG  = sum_i a(f'_i) / log2(i + 1)     (the live order, scored with training attributions)
    iDCG = sum_i a(f_i)  / log2(i + 1)     (the ideal: the training order)
    nDCG = DCG / iDCG

1.0 means the live ranking is the training ranking; SageMaker logs a
``feature_attribution_drift_check`` violation when nDCG is below 0.90.
The notes' table -- training SAT 0.70, GPA 0.50, class rank 0.05, live
0.10, 0.20, 0.70 -- gives 0.6876, an alert:

    >>> round(ndcg({"SAT": 0.70, "GPA": 0.50, "class_rank": 0.05},
    ...            {"SAT": 0.10, "GPA": 0.20, "class_rank": 0.70}), 4)
    0.6876

Attributions come from :func:`mlkit.clarify.shap_values` (tree SHAP for
XGBoost, kernel SHAP otherwise): the global value of a feature is its mean
absolute SHAP value, Clarify's ``global_shap_values``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

from mlkit._checks import check_float
from mlkit.report import Report, html_table

__all__ = ["ndcg", "AttributionBaseline", "suggest_attribution_baseline", "check_attribution_drift",
           "AttributionDriftResult", "DEFAULT_NDCG_THRESHOLD"]

DEFAULT_NDCG_THRESHOLD = 0.90


def _attributions(name: str, value) -> dict:
    if hasattr(value, "global_importance"):
        value = value.global_importance().to_dict()
    if hasattr(value, "to_dict") and not isinstance(value, Mapping):
        value = value.to_dict()
    if not isinstance(value, Mapping) or not value:
        raise TypeError(f"{name} must be a non-empty mapping of feature -> attribution (or a ShapResult), "
                        f"got {type(value).__name__}")
    out = {}
    for k, v in value.items():
        v = float(v)
        if not math.isfinite(v) or v < 0:
            raise ValueError(f"{name}[{k!r}] must be a finite attribution >= 0 (mean |SHAP|), got {v}")
        out[str(k)] = v
    return out


def _ranked(attr: Mapping[str, float]) -> list[str]:
    return sorted(attr, key=lambda f: (-attr[f], f))


def ndcg(training, live) -> float:
    """SageMaker's nDCG of the live feature ranking against the training attributions (in [0, 1]).

    In: two mappings feature -> global attribution (>= 0; a
    :class:`~mlkit.clarify.ShapResult` works too) over the same features.
    Out: ``DCG / iDCG`` as in the module docstring; ties in a ranking are
    broken by feature name. Errors: different feature sets, a negative or
    non-finite attribution, all training attributions zero.
    """
    a = _attributions("training", training)
    b = _attributions("live", live)
    if set(a) != set(b):
        raise ValueError(f"training and live must rank the same features; only in training: "
                         f"{sorted(set(a) - set(b))}, only in live: {sorted(set(b) - set(a))}")
    ideal = sum(a[f] / math.log2(i + 2) for i, f in enumerate(_ranked(a)))
    if ideal == 0:
        raise ValueError("training attributions are all 0: there is no ranking to compare with")
    dcg = sum(a[f] / math.log2(i + 2) for i, f in enumerate(_ranked(b)))
    return dcg / ideal


@dataclass
class AttributionBaseline(Report):
    """Training attributions (``global_shap_values``) and the alert ``threshold`` (0.90).

    ``to_dict()`` is shaped like the ``analysis.json`` Clarify writes for the
    baseline (``explanations.<method>.<label>.global_shap_values``), which is
    the constraints file of a ModelExplainabilityJobDefinition.
    """

    global_shap_values: dict
    method: str = "kernel_shap"
    label: str = "label0"
    threshold: float = DEFAULT_NDCG_THRESHOLD
    expected_value: float | None = None

    def to_dict(self) -> dict:
        inner: dict[str, Any] = {"global_shap_values": dict(self.global_shap_values)}
        if self.expected_value is not None:
            inner["expected_value"] = self.expected_value
        return {"version": "1.0", "explanations": {self.method: {self.label: inner}}}


def suggest_attribution_baseline(model, X, *, threshold: float = DEFAULT_NDCG_THRESHOLD, seed: int | None = 0,
                                 **shap_kwargs) -> AttributionBaseline:
    """Training attributions of ``model`` on the rows ``X`` via :func:`mlkit.clarify.shap_values`.

    ``shap_kwargs`` go to ``shap_values`` (``baseline``, ``n_baseline``,
    ``nsamples``...). Errors are those of ``shap_values`` plus a
    ``threshold`` outside [0, 1].
    """
    from mlkit.clarify import shap_values

    threshold = check_float("threshold", threshold, 0.0, 1.0)
    r = shap_values(model, X, seed=seed, **shap_kwargs)
    method = "tree_shap" if r.method == "tree" else "kernel_shap"
    return AttributionBaseline({k: float(v) for k, v in r.global_importance().items()}, method, r.label,
                               threshold, float(r.expected_value))


@dataclass
class AttributionDriftResult(Report):
    """One explainability execution: ``ndcg``, ``violations`` (SageMaker's schema), the two rankings."""

    ndcg: float
    threshold: float
    training: dict
    live: dict
    violations: list

    @property
    def violated(self) -> bool:
        return bool(self.violations)

    def constraint_violations(self) -> dict:
        return {"version": "1.0", "violations": list(self.violations)}

    def table(self):
        """Feature, training attribution and rank, live attribution and rank."""
        import pandas as pd

        tr, lv = _ranked(self.training), _ranked(self.live)
        return pd.DataFrame([{"feature": f, "training": self.training[f], "training_rank": tr.index(f) + 1,
                              "live": self.live[f], "live_rank": lv.index(f) + 1} for f in tr])

    def _repr_html_(self) -> str:
        return html_table({"nDCG": round(self.ndcg, 4), "threshold": self.threshold,
                           "training ranking": " > ".join(_ranked(self.training)),
                           "live ranking": " > ".join(_ranked(self.live)),
                           "violation": self.violations[0]["description"] if self.violations else "none"},
                          "Feature attribution drift")


def check_attribution_drift(live, baseline: AttributionBaseline, *, model=None, seed: int | None = 0,
                            **shap_kwargs) -> AttributionDriftResult:
    """Live attributions against the baseline: nDCG below ``baseline.threshold`` is a violation.

    ``live`` is a mapping feature -> attribution, a ``ShapResult``, or a
    DataFrame of live rows (then ``model`` is explained on them with
    :func:`mlkit.clarify.shap_values`). The violation follows SageMaker's
    schema: ``label``, ``metric_name`` "shap", ``constraint_check_type``
    "feature_attribution_drift_check", ``description``. Errors: a DataFrame
    without ``model``; ``baseline`` not an :class:`AttributionBaseline`;
    those of :func:`ndcg`.
    """
    import pandas as pd

    if not isinstance(baseline, AttributionBaseline):
        raise TypeError(f"baseline must be an AttributionBaseline, got {type(baseline).__name__}")
    if isinstance(live, pd.DataFrame):
        if model is None:
            raise ValueError("model is needed to explain live rows given as a DataFrame")
        from mlkit.clarify import shap_values

        live = shap_values(model, live, seed=seed, **shap_kwargs)
    live_attr = _attributions("live", live)
    score = ndcg(baseline.global_shap_values, live_attr)
    violations = []
    if score < baseline.threshold:
        violations.append({"label": baseline.label, "metric_name": "shap",
                           "constraint_check_type": "feature_attribution_drift_check",
                           "description": f"Feature attribution drift {score:.4f} exceeds threshold "
                                          f"{baseline.threshold} (nDCG below it)"})
    return AttributionDriftResult(score, baseline.threshold, dict(baseline.global_shap_values), live_attr, violations)
