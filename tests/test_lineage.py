"""Lineage: typed associations, upstream/downstream queries, requests, drawing."""

import pytest

from mlkit.aws import validate_request
from mlkit.lineage import LineageStore


@pytest.fixture
def graph(tmp_path):
    lin = LineageStore(tmp_path / "m.sqlite")
    raw = lin.artifact("raw", "DataSet", "s3://b/raw.csv")
    clean = lin.artifact("clean", "DataSet", "s3://b/clean.csv", derived_from=[raw])
    other = lin.artifact("other", "DataSet", "s3://b/other.csv")
    train = lin.action("train", "Training", inputs=[clean])
    model = lin.artifact("model", "Model", "s3://b/model.tar.gz", produced_by=train)
    ep = lin.context("ep-a", "Endpoint", inputs=[model])
    return lin, dict(raw=raw, clean=clean, other=other, train=train, model=model, ep=ep)


def test_upstream_of_an_endpoint_finds_the_training_data_and_its_source(graph):
    lin, a = graph
    assert lin.upstream(a["ep"], entity_type="DataSet")["name"].tolist() == ["clean", "raw"]


def test_downstream_of_a_data_set_finds_the_endpoints_using_it(graph):
    lin, a = graph
    assert lin.downstream(a["raw"], entity_type="Endpoint")["name"].tolist() == ["ep-a"]
    assert lin.downstream(a["other"]).empty


def test_recording_is_idempotent(graph):
    lin, a = graph
    assert lin.artifact("raw", "DataSet", "s3://b/raw.csv") == a["raw"]
    n = len(lin.associations())
    lin.associate(a["clean"], a["train"], "ContributedTo")
    assert len(lin.associations()) == n


def test_association_types_and_arns_are_checked(graph):
    lin, a = graph
    with pytest.raises(ValueError, match="AssociationType"):
        lin.associate(a["raw"], a["train"], "UsedBy")
    with pytest.raises(KeyError, match="dest_arn"):
        lin.associate(a["raw"], "arn:aws:sagemaker:us-east-1:1:artifact/nope", "ContributedTo")


def test_entities_export_valid_create_requests(graph):
    lin, a = graph
    for arn in (a["raw"], a["train"], a["ep"]):
        e = lin.get(arn)
        validate_request("sagemaker", e.operation, e.to_request())


def test_draw_places_sources_left_of_what_they_produce(graph):
    lin, a = graph
    pos = lin.layout()
    assert pos[a["raw"]][0] < pos[a["clean"]][0] < pos[a["train"]][0] < pos[a["model"]][0] < pos[a["ep"]][0]
    ax = lin.draw()
    assert len(ax.texts) >= 6
