"""Inference components: a base hosted once, LoRA adapters by name, footprints, safe adapter artifacts, requests."""

import io
import tarfile

import numpy as np
import pytest

from mlkit.artifacts import UnsafeArchiveError
from mlkit.aws import validate_request
from mlkit.inference.components import (
    BaseMLP,
    ComponentEndpoint,
    InferenceComponent,
    LoRAAdapter,
    compare_adapters,
    load_adapter,
    regional_data,
    save_adapter,
    train_adapter,
)
from mlkit.storage import LocalBucketStore


@pytest.fixture(scope="module")
def data():
    return regional_data(5, seed=0)  # 800 rows per region, half for training


@pytest.fixture(scope="module")
def base(data):
    X, y = data.arrays(split="train")
    return BaseMLP(hidden=64, steps=300, seed=0).fit(X, y)


@pytest.fixture(scope="module")
def comparison(data):
    return compare_adapters(data, rank=2, seed=0)  # hidden 64, 300 steps each


def test_regional_shifts_have_the_requested_rank(data):
    for S in data.truth["shifts"].values():
        assert np.linalg.matrix_rank(S) == 1


def test_adapter_is_rank_r_and_leaves_the_base_unchanged(data, base):
    W1 = base.W1_.copy()
    X, y = data.arrays("region-0", "train")
    adapter = train_adapter(base, X, y, rank=2, steps=50, seed=0)
    d1, d2 = adapter.deltas()
    assert np.linalg.matrix_rank(d1) <= 2 and np.linalg.matrix_rank(d2) <= 2
    np.testing.assert_array_equal(base.W1_, W1)


def test_untrained_adapter_predicts_exactly_as_the_base(data, base):
    # B starts at zero, so with zero steps of training W + A @ B == W: LoRA's starting point
    X, y = data.arrays("region-1", "test")
    adapter = train_adapter(base, X, y, rank=1, steps=1, learning_rate=1e-12, seed=0)
    np.testing.assert_allclose(base.predict_proba(X, adapter), base.predict_proba(X), atol=1e-6)


def test_every_region_gains_accuracy_with_its_adapter(comparison):
    acc = comparison.accuracy
    # the base learns the pooled average teacher; each region's test labels follow teacher + its shift.
    # 400 test rows per region: a gain of 0.05 is > 2 standard errors of a difference of accuracies
    assert (acc["gain"] > 0.05).all(), acc


def test_adapter_comes_close_to_full_fine_tuning(comparison):
    acc = comparison.accuracy
    # the true shift is rank 1, so a rank-2 adapter can express it; allow 0.06 (about 2 s.e. at 400 rows)
    assert (acc["full_fine_tune"] - acc["with_adapter"]).max() < 0.06, acc


def test_base_plus_adapters_hold_fewer_parameters_than_full_models(comparison, data):
    fp = comparison.footprint
    d, h, k = 16, 64, 5
    base_params = d * h + h + h * k + k
    adapter_params = 2 * (d + h) + 2 * (h + k)  # rank 2 on both layers: r * (in + out) each
    n = len(data.regions)
    assert fp.loc[f"base + {n} adapters", "parameters"] == base_params + n * adapter_params
    assert fp.loc[f"{n} full models", "parameters"] == n * base_params
    # float32: 4 bytes per parameter
    assert fp.loc[f"{n} full models", "megabytes"] == pytest.approx(n * base_params * 4 / 2**20)


def test_endpoint_invokes_components_by_name(data, base):
    X, y = data.arrays("region-2", "train")
    adapter = train_adapter(base, X, y, rank=2, steps=50, seed=0)
    ep = ComponentEndpoint("ep")
    ep.add_base("base", base, ModelName="base-model")
    ep.add_adapter("region-2", "base", adapter)
    Xt, _ = data.arrays("region-2", "test")
    np.testing.assert_array_equal(ep.invoke(Xt, InferenceComponentName="region-2"), base.predict(Xt, adapter))
    np.testing.assert_array_equal(ep.invoke(Xt, InferenceComponentName="base"), base.predict(Xt))


def test_unknown_component_name_lists_the_deployed_ones(base):
    ep = ComponentEndpoint("ep")
    ep.add_base("base", base, ModelName="base-model")
    with pytest.raises(KeyError, match=r"InferenceComponentName must be one of \['base'\]"):
        ep.invoke(np.zeros((1, 16)), InferenceComponentName="north")


def test_adapter_needs_a_deployed_base(base):
    ep = ComponentEndpoint("ep")
    with pytest.raises(KeyError, match="BaseInferenceComponentName must be a base component"):
        ep.add_adapter("west", "base", LoRAAdapter("w", 1, *[np.zeros((1, 1))] * 4))


def test_adapter_of_the_wrong_shape_is_refused(base):
    ep = ComponentEndpoint("ep")
    ep.add_base("base", base, ModelName="base-model")
    bad = LoRAAdapter("w", 1, np.zeros((3, 1)), np.zeros((1, 64)), np.zeros((64, 1)), np.zeros((1, 5)))
    with pytest.raises(ValueError, match="does not fit this base model's shapes"):
        ep.add_adapter("west", "base", bad)


def test_adapter_round_trips_through_a_tar_gz(tmp_path, data, base):
    store = LocalBucketStore(tmp_path)
    X, y = data.arrays("region-0", "train")
    adapter = train_adapter(base, X, y, rank=2, steps=20, seed=0, name="region-0")
    uri = save_adapter(adapter, "s3://adapters/region-0.tar.gz", store=store)
    ep = ComponentEndpoint("ep", store=store)
    ep.add_base("base", base, ModelName="base-model")
    ic = ep.add_adapter("region-0", "base", uri)
    assert ic.ArtifactUrl == uri
    loaded = load_adapter(uri, store=store)
    np.testing.assert_array_equal(loaded.A1, adapter.A1)
    np.testing.assert_array_equal(ep.invoke(X, InferenceComponentName="region-0"), base.predict(X, adapter))


def test_adapter_archive_with_a_link_out_is_refused(tmp_path):
    store = LocalBucketStore(tmp_path)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        info = tarfile.TarInfo("adapter.npz")
        info.type, info.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(info)
    store.put("s3://adapters/evil.tar.gz", buf.getvalue())
    with pytest.raises(UnsafeArchiveError, match="absolute path"):
        load_adapter("s3://adapters/evil.tar.gz", store=store)


# -- requests ---------------------------------------------------------------------
def test_base_component_request_is_valid(comparison):
    base_ic = comparison.endpoint.components[0]
    req = validate_request("sagemaker", "CreateInferenceComponent", base_ic.to_request())
    assert req["Specification"]["ModelName"] == "regional-base-model" and req["RuntimeConfig"]["CopyCount"] == 1


def test_adapter_component_request_names_its_base_and_is_valid(comparison):
    adapter_ic = comparison.endpoint.components[1]
    req = adapter_ic.validate()
    assert req["Specification"] == {"BaseInferenceComponentName": "base",
                                    "Container": {"ArtifactUrl": "s3://mlkit/adapters/region-0.tar.gz"}}


def test_adapter_component_without_artifact_is_refused():
    with pytest.raises(ValueError, match="an adapter component needs ArtifactUrl"):
        InferenceComponent("west", "ep", BaseInferenceComponentName="base")


def test_base_component_without_model_is_refused():
    with pytest.raises(ValueError, match="a base component needs ModelName"):
        InferenceComponent("base", "ep")


def test_component_memory_below_the_service_minimum_is_refused():
    with pytest.raises(ValueError, match="MinMemoryRequiredInMb must be an integer >= 128, got 64"):
        InferenceComponent("base", "ep", ModelName="m", MinMemoryRequiredInMb=64)


def test_regional_data_rank_above_classes_is_refused():
    with pytest.raises(ValueError, match="rank must be an integer >= 1 and <= 5, got 6"):
        regional_data(2, rank=6)
