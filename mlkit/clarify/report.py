"""The bias report (Clarify's ``analysis.json``) and the Clarify job that would make it.

:func:`bias_report` runs the pre-training metrics (and the post-training ones
when a predicted-label column is given) for one facet -- for every value of
it, one against the rest, when no value is given, as Clarify does -- and
returns a :class:`BiasReport`: ``to_dict()`` has Clarify's shape
(``pre_training_bias_metrics`` / ``post_training_bias_metrics`` /
``explanations``; facets -> ``value_or_threshold`` -> metrics with ``name``,
``description``, ``value``), ``to_frame()`` one row per metric with its range
and a plain-language reading, and the HTML view shows that table.

:class:`BiasConfig` is the same analysis as SageMaker runs it: a processing
job (``CreateProcessingJob``, the Clarify container) whose input
``analysis_config.json`` says label, facet, group variable and methods.

    >>> from mlkit.datasets import loans
    >>> df = loans(1000, seed=0).frame
    >>> rep = bias_report(df, label="approved", label_values_or_threshold=[1], facet="gender",
    ...                   facet_values_or_threshold=["female"], group_variable="department")
    >>> rep.value("DPL") > 0
    True
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any

from mlkit.aws import AwsRequest
from mlkit.report import Report, to_jsonable

from .metrics import (
    METRIC_INFO,
    POSTTRAINING_METRICS,
    PRETRAINING_METRICS,
    _compute,
    _methods,
    describe_rule,
    prepare,
)

__all__ = ["bias_report", "BiasReport", "BiasConfig", "reading"]


def _fmt(v: float) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    if math.isinf(v):
        return "+inf" if v > 0 else "-inf"
    return f"{v:+.3f}"


def reading(name: str, value: float, *, d: str = "facet d", a: str = "facet a", note: str | None = None) -> str:
    """One plain sentence on what ``value`` of metric ``name`` means here (range, sign, size).

        >>> reading("DPL", 0.2, d="gender=female", a="the rest")
        'DPL = +0.200 in [-1, 1]: the rest gets the positive label 20 points more often than gender=female.'
    """
    info = METRIC_INFO[name]
    lo, hi = info["range"]
    rng = f"[{_fmt(lo).lstrip('+')}, {_fmt(hi).lstrip('+')}]".replace(".000", "")
    head = f"{name} = {_fmt(value)} in {rng}: "
    if value is None or math.isnan(value):
        return head + (note or "not defined for this input") + "."
    size = abs(value)
    if name == "CI":
        more, less = (a, d) if value > 0 else (d, a)
        return head + (f"{d} and {a} have as many rows." if value == 0 else
                       f"{less} is under-represented: it has {(1 - size) / 2:.0%} of the rows, {more} {(1 + size) / 2:.0%}.")
    if name in ("DPL", "DPPL"):
        what = "the positive label" if name == "DPL" else "a positive prediction"
        if value == 0:
            return head + f"{a} and {d} get {what} equally often."
        hi_, lo_ = (a, d) if value > 0 else (d, a)
        return head + f"{hi_} gets {what} {size * 100:.0f} points more often than {lo_}."
    if name in ("KL", "JS", "LP", "TVD", "KS"):
        extra = " (negative: a label class is missing in one facet)" if value < 0 else ""
        level = "no" if size < 1e-12 else ("small" if size < 0.05 else ("clear" if size < 0.2 else "large"))
        return head + f"{level} difference between the label distributions of {a} and {d}{extra}."
    if name in ("CDDL", "CDDPL"):
        what = "labels" if name == "CDDL" else "predictions"
        if abs(value) < 1e-12:
            return head + f"within the groups, {d} is as common among rejections as among acceptances ({what})."
        more = "rejected" if value > 0 else "accepted"
        return head + f"within the groups, {d} is over-represented among the {more} ({what}) by {size:.0%} on average."
    if name == "DI":
        if value == 1:
            return head + f"{d} and {a} are accepted by the model equally often (parity)."
        return head + (f"{d} is accepted {value:.2f} times as often as {a}"
                       + (" (the four-fifths rule flags values below 0.8)." if value < 0.8 else "."))
    if name == "GE":
        return head + "inequality of the model's benefit (yhat - y + 1) across all rows; 0 is perfectly equal."
    if name == "FT":
        return head + (f"a k-NN trained on {a} would decide {d}'s rows differently "
                       f"({'model more favourable to d' if value > 0 else 'model less favourable to d' if value < 0 else 'no net flips'}).")
    better = info["sign"]
    if value == 0:
        return head + f"no difference between {a} and {d} ({better})."
    return head + f"{better}; {'a' if value > 0 else 'd'} side is larger by {_fmt(size).lstrip('+')}."


@dataclass
class BiasReport(Report):
    """Bias metrics of one facet (every value of it, or the given values), with readings.

    ``facets`` is a list of ``{"value_or_threshold", "kind", "pre", "post", "notes"}``;
    ``pre``/``post`` map metric abbreviations to values (``post`` None before
    training). ``explanations`` is a :class:`~mlkit.clarify.explain.ShapResult` or None.
    """

    label: str
    label_rule: dict
    facet: str
    facets: list
    group_variable: str | None = None
    predicted_label: str | None = None
    explanations: Any = None

    def value(self, name: str, facet_index: int = 0) -> float:
        """One metric's value for the ``facet_index``-th facet value (default the first)."""
        entry = self.facets[facet_index]
        for stage in ("pre", "post"):
            if entry.get(stage) and name in entry[stage]:
                return entry[stage][name]
        raise KeyError(f"metric must be one of {', '.join(self.metric_names())}; got {name!r}")

    def metric_names(self) -> list[str]:
        e = self.facets[0]
        return list(e["pre"]) + list(e.get("post") or {})

    def _side_names(self, entry):
        return f"{self.facet} {entry['value_or_threshold']}" if entry["kind"] == "threshold" else \
            f"{self.facet}={entry['value_or_threshold']}", "the rest"

    def to_frame(self):
        """One row per (facet value, metric): stage, value, range, fair value, reading."""
        import pandas as pd

        rows = []
        for entry in self.facets:
            d, a = self._side_names(entry)
            for stage, key in (("pre_training", "pre"), ("post_training", "post")):
                for name, v in (entry.get(key) or {}).items():
                    info = METRIC_INFO[name]
                    rows.append({
                        "facet_value_or_threshold": entry["value_or_threshold"], "stage": stage,
                        "metric": name, "name": info["name"], "value": v,
                        "low": info["range"][0], "high": info["range"][1], "fair": info["fair"],
                        "reading": reading(name, v, d=d, a=a, note=entry["notes"].get(name)),
                    })
        return pd.DataFrame(rows)

    def _stage_dict(self, key: str) -> dict:
        facets = []
        for entry in self.facets:
            metrics = []
            for name, v in entry[key].items():
                m = {"name": name, "description": METRIC_INFO[name]["name"], "value": v}
                if isinstance(v, float) and math.isinf(v):
                    m["value"] = "Infinity" if v > 0 else "-Infinity"
                if isinstance(v, float) and math.isnan(v):
                    m["value"] = None
                    m["error"] = entry["notes"].get(name, "not defined")
                metrics.append(m)
            facets.append({"value_or_threshold": entry["value_or_threshold"], "kind": entry["kind"],
                           "metrics": metrics})
        return {"label": self.label, "facets": {self.facet: facets},
                "label_value_or_threshold": self.label_rule["text"], "label_kind": self.label_rule["kind"]}

    def to_dict(self) -> dict:
        """Clarify's ``analysis.json`` shape (``inf`` as "Infinity", undefined metrics with an ``error``)."""
        out: dict = {"version": "1.0"}
        if self.explanations is not None:
            out["explanations"] = to_jsonable(self.explanations.to_dict())
        out["pre_training_bias_metrics"] = self._stage_dict("pre")
        if self.facets[0].get("post") is not None:
            out["post_training_bias_metrics"] = self._stage_dict("post")
        return out

    def _repr_html_(self) -> str:
        frame = self.to_frame()
        rows = "".join(
            f"<tr><td>{html.escape(str(r.facet_value_or_threshold))}</td><td><b>{r.metric}</b></td>"
            f"<td style='text-align:right'>{_fmt(r.value)}</td><td>{html.escape(r.reading)}</td></tr>"
            for r in frame.itertuples()
        )
        title = (f"Bias report: facet <b>{html.escape(self.facet)}</b>, label <b>{html.escape(self.label)}</b> "
                 f"positive when {html.escape(self.label_rule['kind'])} {html.escape(self.label_rule['text'])}")
        return (f"<div><p>{title}</p><table><thead><tr><th>facet d</th><th>metric</th><th>value</th>"
                f"<th>reading</th></tr></thead><tbody>{rows}</tbody></table></div>")


def bias_report(df, *, label: str, label_values_or_threshold, facet: str, facet_values_or_threshold=None,
                group_variable: str | None = None, predicted_label: str | None = None,
                methods="all", post_methods="all", ft_features=None, explanations=None) -> BiasReport:
    """A :class:`BiasReport` for ``facet``: a frame in, the report out; nothing else changes.

    Keywords as :func:`~mlkit.clarify.pretraining_bias`; with
    ``facet_values_or_threshold=None`` every value of the facet is facet *d* in
    turn against all others (Clarify's default). ``predicted_label`` adds the
    post-training metrics (``post_methods``; ``ft_features`` as in
    :func:`~mlkit.clarify.posttraining_bias`); ``explanations`` (a
    :class:`~mlkit.clarify.explain.ShapResult`) fills the ``explanations`` section.
    Errors as the metric functions; also a facet with a single value when no
    value is given.
    """
    import pandas as pd

    pre_names = _methods(methods, PRETRAINING_METRICS)
    post_names = _methods(post_methods, POSTTRAINING_METRICS) if predicted_label is not None else []
    if facet_values_or_threshold is None:
        from .metrics import _column

        col = _column(df, facet, "facet")
        values = list(pd.unique(col))
        if len(values) < 2:
            raise ValueError(f"facet column {facet!r} has one value ({values[0]!r}); there is nothing to compare")
        try:
            values = sorted(values)
        except TypeError:
            pass
        choices = [[v] for v in values]
    else:
        choices = [facet_values_or_threshold]
    entries = []
    for choice in choices:
        prep = prepare(df, label=label, label_values_or_threshold=label_values_or_threshold, facet=facet,
                       facet_values_or_threshold=choice, group_variable=group_variable,
                       predicted_label=predicted_label, ft_features=ft_features)
        pre, notes = _compute(prep, pre_names)
        post = None
        if predicted_label is not None:
            post, post_notes = _compute(prep, post_names)
            notes.update(post_notes)
        rule = prep.facet_rule
        entries.append({"value_or_threshold": rule["text"], "kind": rule["kind"], "pre": pre, "post": post,
                        "notes": notes})
    return BiasReport(label=label, label_rule=describe_rule(label_values_or_threshold), facet=facet,
                      facets=entries, group_variable=group_variable, predicted_label=predicted_label,
                      explanations=explanations)


#: The SageMaker Clarify processing image in us-east-1 (account from the SageMaker docs' image registry).
CLARIFY_IMAGE = "205585389593.dkr.ecr.us-east-1.amazonaws.com/sagemaker-clarify-processing:1.0"


@dataclass
class BiasConfig(AwsRequest):
    """The Clarify processing job for a bias analysis: parameters in, ``to_request()`` / ``analysis_config()`` out.

    ``analysis_config()`` is the ``analysis_config.json`` the Clarify container
    reads; ``to_request()`` the ``CreateProcessingJob`` parameters that run it
    (dataset, config and output in S3, one ``ml.m5.xlarge`` by default).
    Clarify's config always takes *lists*: a threshold ``t`` is exported as
    ``[t]``, and the container then decides from the column's data whether that
    list is values or a threshold -- the guess mlkit never makes.

        >>> cfg = BiasConfig(label="approved", label_values_or_threshold=[1], facet="gender",
        ...                  facet_values_or_threshold=["female"], group_variable="department",
        ...                  headers=["gender", "department", "approved"])
        >>> cfg.analysis_config()["facet"]
        [{'name_or_index': 'gender', 'value_or_threshold': ['female']}]
    """

    label: str
    label_values_or_threshold: Any
    facet: str
    facet_values_or_threshold: Any = None
    group_variable: str | None = None
    headers: list = field(default_factory=list)
    methods: Any = "all"
    post_training: bool = False
    model_name: str | None = None
    dataset_s3_uri: str = "s3://mlkit-course/clarify/train.csv"
    output_s3_uri: str = "s3://mlkit-course/clarify/output"
    config_s3_uri: str = "s3://mlkit-course/clarify/config"
    job_name: str = "mlkit-clarify-bias"
    role_arn: str = "arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole"
    instance_type: str = "ml.m5.xlarge"
    instance_count: int = 1

    aws_service = "sagemaker"
    aws_operation = "CreateProcessingJob"

    @staticmethod
    def _as_list(v):
        if v is None:
            return None
        if isinstance(v, (str, bool)) or not hasattr(v, "__iter__"):
            return [v]
        return list(v)

    def analysis_config(self) -> dict:
        """The ``analysis_config.json`` for Clarify's processing container."""
        if self.post_training and not self.model_name:
            raise ValueError("model_name must name the SageMaker model when post_training=True")
        facet = {"name_or_index": self.facet}
        if self.facet_values_or_threshold is not None:
            facet["value_or_threshold"] = self._as_list(self.facet_values_or_threshold)
        methods: dict = {"pre_training_bias": {"methods": self.methods}}
        cfg = {"dataset_type": "text/csv", "headers": list(self.headers), "label": self.label,
               "label_values_or_threshold": self._as_list(self.label_values_or_threshold),
               "facet": [facet], "methods": methods}
        if self.group_variable:
            cfg["group_variable"] = self.group_variable
        if self.post_training:
            methods["post_training_bias"] = {"methods": "all"}
            cfg["predictor"] = {"model_name": self.model_name, "instance_type": self.instance_type,
                                "initial_instance_count": 1, "accept_type": "text/csv",
                                "content_type": "text/csv"}
        methods["report"] = {"name": "report", "title": "Analysis Report"}
        return cfg

    def to_request(self) -> dict:
        self.analysis_config()  # validate
        return {
            "ProcessingJobName": self.job_name,
            "RoleArn": self.role_arn,
            "AppSpecification": {"ImageUri": CLARIFY_IMAGE},
            "ProcessingResources": {"ClusterConfig": {"InstanceCount": self.instance_count,
                                                      "InstanceType": self.instance_type,
                                                      "VolumeSizeInGB": 30}},
            "ProcessingInputs": [
                {"InputName": "dataset", "S3Input": {
                    "S3Uri": self.dataset_s3_uri, "LocalPath": "/opt/ml/processing/input/data",
                    "S3DataType": "S3Prefix", "S3InputMode": "File"}},
                {"InputName": "analysis_config", "S3Input": {
                    "S3Uri": self.config_s3_uri + "/analysis_config.json",
                    "LocalPath": "/opt/ml/processing/input/config",
                    "S3DataType": "S3Prefix", "S3InputMode": "File"}},
            ],
            "ProcessingOutputConfig": {"Outputs": [
                {"OutputName": "analysis_result", "S3Output": {
                    "S3Uri": self.output_s3_uri, "LocalPath": "/opt/ml/processing/output",
                    "S3UploadMode": "EndOfJob"}}]},
        }
