"""Bias drift: Clarify's post-training bias metrics on live windows against baseline bounds.

The metrics themselves are :func:`mlkit.clarify.posttraining_bias` (the
kit's one implementation, equal to ``smclarify``); this module only keeps a
baseline of them and compares each live window with it, as a
ModelBiasJobDefinition does. Constraints keep Clarify's ``analysis.json``
shape (``post_training_bias_metrics.facets.<facet>[].metrics[]`` with
``name``, ``value``) plus, per metric, the allowed range the kit checks:
``[value - tolerance, value + tolerance]`` (``bounds``; edit it to set your
own). A live value outside its range is a ``bias_drift_check`` violation
in SageMaker's bias violation schema (``facet``, ``facet_value``,
``metric_name``, ``constraint_check_type``, ``description``).

    >>> import pandas as pd
    >>> df = pd.DataFrame({"g": list("aabbbbaabb"), "y": [1, 0, 1, 1, 0, 1, 1, 0, 0, 1],
    ...                    "p": [1, 0, 1, 1, 0, 1, 1, 0, 0, 1]})
    >>> base = suggest_bias_baseline(df, label="y", predicted_label="p", label_values_or_threshold=[1],
    ...                              facet="g", facet_values_or_threshold=["a"], methods=["DPPL"])
    >>> check_bias_drift(df.assign(p=1 - df.p), base).violations[0]["metric_name"]
    'DPPL'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Sequence

from mlkit._checks import check_float
from mlkit.report import Report, html_table

__all__ = ["BiasDriftBaseline", "suggest_bias_baseline", "check_bias_drift", "BiasDriftResult",
           "DEFAULT_METHODS"]

#: Metrics that need nothing beyond label, prediction and facet (FT needs numeric features, CDDPL a group).
DEFAULT_METHODS = ("DPPL", "DI", "DCA", "DCR", "RD", "DAR", "DRR", "AD", "TE")


@dataclass
class BiasDriftBaseline(Report):
    """The baseline bias metrics and the Clarify configuration to recompute them on live data."""

    config: dict
    values: dict
    bounds: dict
    tolerance: float = 0.1

    def to_dict(self) -> dict:
        facet = self.config["facet"]
        return {
            "version": "1.0",
            "post_training_bias_metrics": {
                "label": self.config["label"],
                "facets": {facet: [{
                    "value_or_threshold": ",".join(map(str, self.config["facet_values_or_threshold"])),
                    "metrics": [{"name": k, "value": v, "bounds": list(self.bounds[k])}
                                for k, v in self.values.items()],
                }]},
            },
        }


def _bias(df, config, methods):
    from mlkit.clarify import posttraining_bias

    return posttraining_bias(df, label=config["label"], predicted_label=config["predicted_label"],
                             label_values_or_threshold=config["label_values_or_threshold"],
                             facet=config["facet"], facet_values_or_threshold=config["facet_values_or_threshold"],
                             group_variable=config.get("group_variable"), methods=list(methods))


def suggest_bias_baseline(df, *, label: str, predicted_label: str, label_values_or_threshold, facet: str,
                          facet_values_or_threshold, group_variable: str | None = None,
                          methods: Sequence[str] = DEFAULT_METHODS, tolerance: float = 0.1) -> BiasDriftBaseline:
    """Post-training bias metrics of a baseline frame (labels and predictions) and their allowed ranges.

    Arguments are those of :func:`mlkit.clarify.posttraining_bias`;
    ``tolerance`` (>= 0) sets each range to ``value +- tolerance``. A metric
    that is ``nan`` on the baseline (e.g. DI with no positive prediction for
    facet *a*) is left out. Errors: those of ``posttraining_bias``; a
    negative ``tolerance``.
    """
    tolerance = check_float("tolerance", tolerance, low=0.0)
    config = {"label": label, "predicted_label": predicted_label,
              "label_values_or_threshold": label_values_or_threshold, "facet": facet,
              "facet_values_or_threshold": facet_values_or_threshold, "group_variable": group_variable}
    values = {k: float(v) for k, v in _bias(df, config, methods).items() if v == v and math.isfinite(v)}
    bounds = {k: (v - tolerance, v + tolerance) for k, v in values.items()}
    return BiasDriftBaseline(config, values, bounds, tolerance)


@dataclass
class BiasDriftResult(Report):
    """One bias drift execution: live ``values``, ``violations`` and the CloudWatch-style ``metrics``."""

    values: dict
    violations: list
    metrics: dict = field(default_factory=dict)

    @property
    def violated(self) -> bool:
        return bool(self.violations)

    def constraint_violations(self) -> dict:
        return {"version": "1.0", "violations": list(self.violations)}

    def _repr_html_(self) -> str:
        return html_table({**{k: round(v, 4) for k, v in self.values.items()},
                           "violations": "; ".join(v["description"] for v in self.violations) or "none"},
                          "Bias drift check")


def check_bias_drift(df, baseline: BiasDriftBaseline) -> BiasDriftResult:
    """Recompute the baseline's metrics on a live window; a value outside its ``bounds`` is a violation.

    Metrics are emitted as ``bias_metric_<NAME>`` (SageMaker's CloudWatch
    names). A metric that is ``nan`` live (no facet *d* row in the window)
    is reported in ``values`` as nan and not checked. Errors: ``baseline``
    not a :class:`BiasDriftBaseline`; those of ``posttraining_bias``.
    """
    if not isinstance(baseline, BiasDriftBaseline):
        raise TypeError(f"baseline must be a BiasDriftBaseline, got {type(baseline).__name__}")
    live = {k: float(v) for k, v in _bias(df, baseline.config, list(baseline.values)).items()}
    violations = []
    facet = baseline.config["facet"]
    facet_value = ",".join(map(str, baseline.config["facet_values_or_threshold"]))
    for name, v in live.items():
        lo, hi = baseline.bounds[name]
        if v == v and not lo <= v <= hi:
            violations.append({"facet": facet, "facet_value": facet_value, "metric_name": name,
                               "constraint_check_type": "bias_drift_check",
                               "description": f"Value {v:.4f} does not meet the constraint requirement "
                                              f"[{lo:.4f}, {hi:.4f}] (baseline {baseline.values[name]:.4f})"})
    metrics = {f"bias_metric_{k}": v for k, v in live.items() if v == v}
    return BiasDriftResult(live, violations, metrics)
