"""Multi-model endpoints: TargetModel over boto3, LRU under a memory budget, safe artifacts, stats, exports."""

import io
import tarfile

import boto3
import numpy as np
import pytest
from botocore.exceptions import ClientError

from mlkit.artifacts import save_model
from mlkit.aws import validate_request
from mlkit.inference.multimodel import MB, ModelCache, MultiModelEndpoint, simulate_cache
from mlkit.inference.server import ValidationError
from mlkit.storage import LocalBucketStore

PREFIX = "s3://mme-bucket/models/"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """Five linear models m0..m4 whose prediction for the row [1, 0] is the model's number."""
    from sklearn.linear_model import LinearRegression

    store = LocalBucketStore(tmp_path_factory.mktemp("s3"))
    for i in range(5):
        model = LinearRegression().fit(np.eye(2), [float(i), float(i)])
        save_model(model, f"{PREFIX}m{i}.tar.gz", store=store)
    return store


def _size(store, name):
    return MultiModelEndpoint("probe", PREFIX, memory_budget_mb=100, store=store).model_size_bytes(name)


def _predict(ep, name):
    return float(ep.invoke(b"1,0\n", "text/csv", TargetModel=name).Body)


# -- the cache ----------------------------------------------------------------
def test_model_cache_evicts_least_recently_used_first():
    c = ModelCache(10)
    c.put("a", 1, 4)
    c.put("b", 2, 4)
    c.get("a")  # a is now more recent than b
    assert c.put("c", 3, 4) == ["b"] and list(c.keys()) == ["a", "c"]


def test_model_cache_refuses_a_model_larger_than_the_budget():
    with pytest.raises(ValueError, match="needs .* MB but memory_budget_mb is only"):
        ModelCache(10).put("big", 1, 11)


# -- the endpoint ---------------------------------------------------------------
def test_target_model_picks_the_artifact(store):
    ep = MultiModelEndpoint("mme", PREFIX, memory_budget_mb=100, store=store)
    # LinearRegression fit on the identity with targets (i, i): intercept i, zero slope, up to float error
    assert [round(_predict(ep, f"m{i}.tar.gz"), 6) for i in (3, 0, 4)] == [3.0, 0.0, 4.0]
    assert ep.list_models() == [f"m{i}.tar.gz" for i in range(5)]


def test_second_request_for_a_model_is_a_hit(store):
    ep = MultiModelEndpoint("mme", PREFIX, memory_budget_mb=100, store=store)
    for name in ("m1.tar.gz", "m1.tar.gz", "m2.tar.gz", "m1.tar.gz"):
        _predict(ep, name)
    s = ep.stats()
    assert (s.requests, s.cold_loads, s.hits, s.evictions) == (4, 2, 2, 0)
    assert s.hit_rate == 0.5
    # the cold requests include a load (download + extract + deserialise), so they are slower on average
    assert s.latency_cold_ms > s.latency_warm_ms and s.load_ms > 0


def test_budget_of_two_models_evicts_the_least_recently_used(store):
    size = _size(store, "m0.tar.gz")
    budget = 2.5 * size / MB  # room for two models, not three (all five are the same size, +/- a few bytes)
    ep = MultiModelEndpoint("mme", PREFIX, memory_budget_mb=budget, store=store)
    for name in ("m0.tar.gz", "m1.tar.gz", "m0.tar.gz", "m2.tar.gz"):
        _predict(ep, name)
    assert ep.loaded_models == ["m0.tar.gz", "m2.tar.gz"]  # m1 was least recently used
    s = ep.stats()
    assert s.evictions == 1 and s.memory_used_mb <= budget
    _predict(ep, "m1.tar.gz")  # it was evicted: a cold load again
    assert ep.stats().cold_loads == 4


def test_memory_budget_smaller_than_one_model_is_refused(store):
    size = _size(store, "m0.tar.gz")
    with pytest.raises(ValueError, match=r"memory_budget_mb must hold the largest model: m\d.tar.gz needs"):
        MultiModelEndpoint("mme", PREFIX, memory_budget_mb=0.5 * size / MB, store=store)


def test_memory_budget_must_be_positive(store):
    with pytest.raises(ValueError, match="memory_budget_mb must be a finite number > 0.0, got -1"):
        MultiModelEndpoint("mme", PREFIX, memory_budget_mb=-1, store=store)


def test_model_data_url_must_be_a_prefix(store):
    with pytest.raises(ValueError, match="ModelDataUrl must be an s3:// prefix ending in '/'"):
        MultiModelEndpoint("mme", "s3://mme-bucket/models/m0.tar.gz", memory_budget_mb=10, store=store)


def test_unknown_target_model_is_a_validation_error(store):
    ep = MultiModelEndpoint("mme", PREFIX, memory_budget_mb=100, store=store)
    with pytest.raises(ValidationError, match="Failed to download model data for TargetModel 'm99.tar.gz'"):
        ep.invoke(b"1,0\n", "text/csv", TargetModel="m99.tar.gz")


def test_missing_target_model_is_a_validation_error(store):
    ep = MultiModelEndpoint("mme", PREFIX, memory_budget_mb=100, store=store)
    with pytest.raises(ValidationError, match="is a multi-model endpoint: pass TargetModel"):
        ep.invoke(b"1,0\n", "text/csv")


@pytest.mark.parametrize("bad", ["../other/m0.tar.gz", "/m0.tar.gz", "a//b.tar.gz"])
def test_target_model_that_leaves_the_prefix_is_refused(store, bad):
    ep = MultiModelEndpoint("mme", PREFIX, memory_budget_mb=100, store=store)
    with pytest.raises(ValidationError, match="TargetModel must be a relative key"):
        ep.invoke(b"1,0\n", "text/csv", TargetModel=bad)


def _tar(members):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, kind, target in members:
            info = tarfile.TarInfo(name)
            if kind == "file":
                info.size = len(target)
                tar.addfile(info, io.BytesIO(target))
            else:
                info.type = tarfile.SYMTYPE
                info.linkname = target
                tar.addfile(info)
    return buf.getvalue()


@pytest.mark.parametrize("members, reason", [
    ([("../../escape.txt", "file", b"x")], "contains '..'"),
    ([("/tmp/mlkit-abs-escape.txt", "file", b"x")], "absolute path"),
    ([("link", "sym", "../../../etc")], "links to"),
], ids=["dotdot", "absolute", "symlink-out"])
def test_malicious_archive_is_refused_with_a_clear_message(tmp_path, members, reason):
    store = LocalBucketStore(tmp_path / "s3")
    store.put(PREFIX + "evil.tar.gz", _tar(members))
    ep = MultiModelEndpoint("mme", PREFIX, memory_budget_mb=10, store=store)
    with pytest.raises(ValidationError, match=f"TargetModel 'evil.tar.gz' .* cannot be loaded: .*{reason}"):
        ep.invoke(b"1,0\n", "text/csv", TargetModel="evil.tar.gz")
    assert not (tmp_path / "escape.txt").exists()
    assert ep.loaded_models == []


def test_boto3_target_model_works_over_http(store):
    ep = MultiModelEndpoint("mme-http", PREFIX, memory_budget_mb=100, store=store)
    with ep.serve(port=0) as url:
        rt = boto3.client("sagemaker-runtime", endpoint_url=url, region_name="us-east-1",
                          aws_access_key_id="x", aws_secret_access_key="x")
        r = rt.invoke_endpoint(EndpointName="mme-http", Body=b"1,0\n", ContentType="text/csv",
                               TargetModel="m3.tar.gz")
        assert round(float(r["Body"].read()), 6) == 3.0
        with pytest.raises(ClientError) as info:
            rt.invoke_endpoint(EndpointName="mme-http", Body=b"1,0\n", ContentType="text/csv",
                               TargetModel="nope.tar.gz")
    err = info.value.response
    assert err["Error"]["Code"] == "ValidationError" and err["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert ep.stats().cold_loads == 1


def test_serving_with_several_workers_is_refused(store):
    ep = MultiModelEndpoint("mme", PREFIX, memory_budget_mb=100, store=store)
    with pytest.raises(ValueError, match="workers must be 1 for a multi-model endpoint"):
        ep.serve(workers=2)


# -- exports ---------------------------------------------------------------------
def test_create_model_request_is_multi_model_and_valid(store):
    ep = MultiModelEndpoint("mme", PREFIX, memory_budget_mb=100, store=store)
    req = validate_request("sagemaker", "CreateModel", ep.create_model_request())
    assert req["PrimaryContainer"]["Mode"] == "MultiModel" and req["PrimaryContainer"]["ModelDataUrl"] == PREFIX


def test_create_endpoint_config_request_is_valid(store):
    ep = MultiModelEndpoint("mme", PREFIX, memory_budget_mb=100, store=store, InitialInstanceCount=2)
    req = ep.validate()
    assert req["ProductionVariants"][0]["ModelName"] == ep.create_model_request()["ModelName"]


# -- the simulation ------------------------------------------------------------------
def test_simulation_with_every_model_fitting_only_misses_once_per_model():
    sim = simulate_cache(20, memory_budget_mb=2000, model_mb=100, requests=5000, seed=1)
    # 20 models fit exactly: each model's first request is its only cold load (compulsory misses)
    assert sim.cold_loads == int((sim.per_model["requests"] > 0).sum()) and sim.evictions == 0


def test_simulation_more_skew_gives_a_higher_hit_rate():
    flat = simulate_cache(200, skew=0.0, memory_budget_mb=2000, model_mb=100, requests=5000, seed=0)
    skewed = simulate_cache(200, skew=1.5, memory_budget_mb=2000, model_mb=100, requests=5000, seed=0)
    # uniform over 200 models with 20 cached: LRU hit rate ~ 20/200 = 0.1; Zipf 1.5 puts ~85% of traffic
    # on the top 20 models, so LRU hits far more often
    assert flat.hit_rate == pytest.approx(0.1, abs=0.03)
    assert skewed.hit_rate > 0.7


def test_simulation_cold_requests_carry_the_load_time():
    sim = simulate_cache(50, memory_budget_mb=500, model_mb=100, requests=3000, load_ms_per_mb=10, seed=0)
    # load = 100 MB * 10 ms/MB = 1000 ms on top of a ~20 ms inference
    assert sim.mean_cold_ms - sim.mean_warm_ms == pytest.approx(1000.0, abs=10.0)


def test_simulation_budget_below_one_model_is_refused():
    with pytest.raises(ValueError, match="memory_budget_mb must hold at least one model of model_mb=100 MB, got 50"):
        simulate_cache(10, memory_budget_mb=50, model_mb=100)


def test_simulation_same_seed_same_numbers():
    a = simulate_cache(30, memory_budget_mb=500, requests=2000, seed=7)
    b = simulate_cache(30, memory_budget_mb=500, requests=2000, seed=7)
    assert (a.cold_loads, a.p99_ms) == (b.cold_loads, b.p99_ms)
