"""Bias report (analysis.json shape, readings) and the exported Clarify processing job."""

import json
import math

import pandas as pd
import pytest

from mlkit.aws import validate_request
from mlkit.clarify import BiasConfig, bias_report, pretraining_bias, reading
from mlkit.datasets import loans

DF = loans(1000, seed=0).frame
KW = dict(label="approved", label_values_or_threshold=[1], facet="gender", group_variable="department")


def test_report_has_analysis_json_sections_and_metric_entries():
    rep = bias_report(DF, facet_values_or_threshold=["female"], **KW)
    d = rep.to_dict()
    section = d["pre_training_bias_metrics"]
    assert section["label"] == "approved" and section["label_value_or_threshold"] == "1"
    entry = section["facets"]["gender"][0]
    assert entry["value_or_threshold"] == "female" and entry["kind"] == "values"
    assert [m["name"] for m in entry["metrics"]] == ["CI", "DPL", "KL", "JS", "LP", "TVD", "KS", "CDDL"]
    assert set(entry["metrics"][0]) == {"name", "description", "value"}
    json.dumps(d)  # plain JSON


def test_report_values_equal_the_metric_function():
    rep = bias_report(DF, facet_values_or_threshold=["female"], **KW)
    direct = pretraining_bias(DF, facet_values_or_threshold=["female"], **KW)
    assert {m: rep.value(m) for m in direct} == direct


def test_without_facet_values_every_value_is_compared_with_the_rest():
    rep = bias_report(DF, **KW)
    assert [e["value_or_threshold"] for e in rep.facets] == ["female", "male"]
    # two facet values: each one's CI is the other's negated
    assert rep.value("CI", 0) == pytest.approx(-rep.value("CI", 1))


def test_threshold_facet_is_reported_as_a_threshold():
    rep = bias_report(DF, label="approved", label_values_or_threshold=[1], facet="income",
                      facet_values_or_threshold=60000)
    entry = rep.to_dict()["pre_training_bias_metrics"]["facets"]["income"][0]
    assert entry["kind"] == "threshold" and entry["value_or_threshold"] == "> 60000"


def test_post_training_section_appears_with_predictions_and_inf_is_a_string():
    df = pd.DataFrame({"f": list("ddaaaa"), "y": [1, 0, 1, 0, 1, 0], "p": [0, 0, 1, 0, 1, 1],
                       "x": [1.0, 2, 3, 4, 5, 6]})
    rep = bias_report(df, label="y", label_values_or_threshold=[1], facet="f", facet_values_or_threshold=["d"],
                      predicted_label="p")
    metrics = {m["name"]: m for m in rep.to_dict()["post_training_bias_metrics"]["facets"]["f"][0]["metrics"]}
    assert metrics["DCA"]["value"] == "-Infinity"  # Clarify writes infinities as strings
    assert metrics["CDDPL"]["value"] is None and "group_variable" in metrics["CDDPL"]["error"]


def test_every_metric_has_a_reading_with_its_range():
    rep = bias_report(DF, facet_values_or_threshold=["female"], **KW)
    frame = rep.to_frame()
    assert len(frame) == 8 and frame["reading"].str.contains(" in \\[").all()
    assert "<table>" in rep._repr_html_()


def test_reading_names_the_favoured_side():
    assert "the rest gets the positive label 20 points more often than gender=female" in \
        reading("DPL", 0.2, d="gender=female", a="the rest")
    assert "four-fifths" in reading("DI", 0.5)
    assert "n/a" in reading("CDDL", math.nan, note="needs a group")


def test_facet_with_one_value_is_an_error_for_one_vs_all():
    with pytest.raises(ValueError, match="facet column 'f' has one value"):
        bias_report(pd.DataFrame({"f": ["a"] * 3, "y": [0, 1, 1]}), label="y", label_values_or_threshold=[1],
                    facet="f")


def test_clarify_processing_job_request_is_valid():
    cfg = BiasConfig(label="approved", label_values_or_threshold=[1], facet="gender",
                     facet_values_or_threshold=["female"], group_variable="department", headers=list(DF.columns))
    validate_request("sagemaker", "CreateProcessingJob", cfg.to_request())


def test_clarify_config_exports_a_threshold_as_a_one_item_list():
    cfg = BiasConfig(label="score", label_values_or_threshold=0.5, facet="age", facet_values_or_threshold=40)
    conf = cfg.analysis_config()
    assert conf["label_values_or_threshold"] == [0.5]
    assert conf["facet"] == [{"name_or_index": "age", "value_or_threshold": [40]}]


def test_post_training_config_needs_a_model_name():
    cfg = BiasConfig(label="y", label_values_or_threshold=[1], facet="f", post_training=True)
    with pytest.raises(ValueError, match="model_name must name the SageMaker model"):
        cfg.to_request()
    cfg.model_name = "fraud-model"
    assert cfg.analysis_config()["predictor"]["model_name"] == "fraud-model"
