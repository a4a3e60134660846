"""The local endpoint: boto3's unchanged sagemaker-runtime client, the container contract, async, lifecycle."""

import io
import json
import multiprocessing
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import boto3
import numpy as np
import pytest
from botocore.exceptions import ClientError

from mlkit.artifacts import save_model
from mlkit.inference.server import (
    EndpointServer,
    Invocation,
    LocalEndpoint,
    ModelError,
    ProductionVariant,
    ServiceUnavailable,
    ValidationError,
)
from mlkit.storage import LocalBucketStore


class Exploding:
    """A model whose predict always fails (the ModelError path)."""

    n_features_in_ = 4

    def predict(self, X):
        raise RuntimeError("kaboom in the model")


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    return X, y


@pytest.fixture(scope="module")
def booster(data):
    import xgboost as xgb

    X, y = data
    return xgb.train({"objective": "binary:logistic", "max_depth": 3}, xgb.DMatrix(X, label=y), 10)


@pytest.fixture(scope="module")
def linear(data):
    from sklearn.linear_model import LinearRegression

    X, y = data
    return LinearRegression().fit(X, X @ np.array([1.0, 2.0, 3.0, 4.0]))


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return LocalBucketStore(tmp_path_factory.mktemp("s3"))


@pytest.fixture(scope="module")
def served(booster, linear, store):
    """One server for the protocol tests: endpoint "demo" (xgb A, linear B) and "broken"."""
    demo = LocalEndpoint("demo", [ProductionVariant("A", booster), ProductionVariant("B", linear)], seed=0,
                         store=store)
    broken = LocalEndpoint("broken", [ProductionVariant("Only", Exploding())], store=store)
    server = EndpointServer([demo, broken])
    with server as url:
        yield url, demo
    # leaving the block stops the server


@pytest.fixture(scope="module")
def rt(served):
    url, _ = served
    return boto3.client("sagemaker-runtime", endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id="x", aws_secret_access_key="x")


def _csv(X):
    return "".join(",".join(repr(float(v)) for v in row) + "\n" for row in X).encode()


def _error(exc_info):
    e = exc_info.value.response
    return e["Error"]["Code"], e["ResponseMetadata"]["HTTPStatusCode"], e["Error"]["Message"], e


# -- InvokeEndpoint round trips --------------------------------------------------------
def test_boto3_csv_roundtrip_returns_model_predictions_and_variant(rt, data, booster):
    X, _ = data
    r = rt.invoke_endpoint(EndpointName="demo", Body=_csv(X[:5]), ContentType="text/csv", TargetVariant="A")
    got = np.array([float(v) for v in r["Body"].read().split()])
    # float32 model outputs printed with repr: exact round trip
    np.testing.assert_array_equal(got.astype(np.float32), booster.inplace_predict(X[:5]))
    assert r["InvokedProductionVariant"] == "A" and r["ContentType"] == "text/csv"


def test_boto3_json_instances_roundtrip(rt, data, linear):
    X, _ = data
    body = json.dumps({"instances": X[:3].tolist()})
    r = rt.invoke_endpoint(EndpointName="demo", Body=body, ContentType="application/json", TargetVariant="B")
    preds = json.loads(r["Body"].read())["predictions"]
    # float32 inputs through float64 sklearn: same as predicting the float32 rows directly
    np.testing.assert_allclose(preds, linear.predict(X[:3]), rtol=1e-12)
    assert r["ContentType"] == "application/json"


def test_boto3_json_plain_list_of_lists_is_accepted(rt, data, linear):
    X, _ = data
    r = rt.invoke_endpoint(EndpointName="demo", Body=json.dumps(X[:2].tolist()), ContentType="application/json",
                           Accept="text/csv", TargetVariant="B")
    np.testing.assert_allclose([float(v) for v in r["Body"].read().split()], linear.predict(X[:2]), rtol=1e-12)


def test_boto3_npy_roundtrip(rt, data, booster):
    X, _ = data
    buf = io.BytesIO()
    np.save(buf, X[:4])
    r = rt.invoke_endpoint(EndpointName="demo", Body=buf.getvalue(), ContentType="application/x-npy",
                           Accept="application/x-npy", TargetVariant="A")
    got = np.load(io.BytesIO(r["Body"].read()), allow_pickle=False)
    np.testing.assert_array_equal(got, booster.inplace_predict(X[:4]))  # same float32 computation


def test_target_variant_picks_the_variant_every_time(rt, data):
    X, _ = data
    seen = {rt.invoke_endpoint(EndpointName="demo", Body=_csv(X[:1]), ContentType="text/csv",
                               TargetVariant="B")["InvokedProductionVariant"] for _ in range(10)}
    assert seen == {"B"}


def test_untargeted_requests_reach_both_equal_weight_variants(rt, data):
    X, _ = data
    seen = [rt.invoke_endpoint(EndpointName="demo", Body=_csv(X[:1]), ContentType="text/csv")
            ["InvokedProductionVariant"] for _ in range(30)]
    # P(all 30 on one variant) = 2 * 0.5**30, about 2e-9
    assert set(seen) == {"A", "B"}


# -- error paths through boto3 -----------------------------------------------------------
def test_bad_csv_payload_is_validation_error_400(rt):
    with pytest.raises(ClientError) as err:
        rt.invoke_endpoint(EndpointName="demo", Body=b"a,b,c,d\n", ContentType="text/csv", TargetVariant="A")
    code, status, msg, _ = _error(err)
    assert (code, status) == ("ValidationError", 400) and "not a number" in msg


def test_wrong_feature_count_is_validation_error_400(rt):
    with pytest.raises(ClientError) as err:
        rt.invoke_endpoint(EndpointName="demo", Body=b"1,2\n", ContentType="text/csv", TargetVariant="A")
    code, status, msg, _ = _error(err)
    assert (code, status) == ("ValidationError", 400) and "4 features" in msg


def test_bad_json_payload_is_validation_error_400(rt):
    with pytest.raises(ClientError) as err:
        rt.invoke_endpoint(EndpointName="demo", Body=b"{not json", ContentType="application/json")
    assert _error(err)[:2] == ("ValidationError", 400)


def test_unsupported_content_type_is_validation_error_400(rt):
    with pytest.raises(ClientError) as err:
        rt.invoke_endpoint(EndpointName="demo", Body=b"<x/>", ContentType="application/xml")
    code, status, msg, _ = _error(err)
    assert (code, status) == ("ValidationError", 400) and "ContentType must be one of" in msg


def test_unsupported_accept_is_validation_error_400(rt):
    with pytest.raises(ClientError) as err:
        rt.invoke_endpoint(EndpointName="demo", Body=b"1,2,3,4\n", ContentType="text/csv", Accept="image/png")
    code, status, msg, _ = _error(err)
    assert (code, status) == ("ValidationError", 400) and "Accept must be one of" in msg


def test_model_failure_is_model_error_424_with_original_status(rt):
    with pytest.raises(ClientError) as err:
        rt.invoke_endpoint(EndpointName="broken", Body=b"1,2,3,4\n", ContentType="text/csv")
    code, status, msg, resp = _error(err)
    assert (code, status) == ("ModelError", 424)
    assert resp["OriginalStatusCode"] == 500 and "kaboom in the model" in resp["OriginalMessage"]
    assert "Received server error (500) from Only" in msg


def test_unknown_endpoint_is_validation_error_as_the_real_service_says(rt):
    with pytest.raises(ClientError) as err:
        rt.invoke_endpoint(EndpointName="nope", Body=b"1,2,3,4\n", ContentType="text/csv")
    code, status, msg, _ = _error(err)
    assert (code, status) == ("ValidationError", 400)
    assert re.fullmatch(r"Endpoint nope of account \d{12} not found\.", msg)


def test_unknown_variant_is_validation_error(rt):
    with pytest.raises(ClientError) as err:
        rt.invoke_endpoint(EndpointName="demo", Body=b"1,2,3,4\n", ContentType="text/csv", TargetVariant="C")
    code, status, msg, _ = _error(err)
    assert (code, status) == ("ValidationError", 400) and "'C'" in msg and "['A', 'B']" in msg


def test_target_model_on_a_single_model_endpoint_is_validation_error(rt):
    with pytest.raises(ClientError) as err:
        rt.invoke_endpoint(EndpointName="demo", Body=b"1,2,3,4\n", ContentType="text/csv", TargetModel="m.tar.gz")
    code, _, msg, _ = _error(err)
    assert code == "ValidationError" and "not a multi-model endpoint" in msg


def test_payload_over_6_mb_is_validation_error_400(rt):
    body = b"1.0,2.0,3.0,4.0\n" * (6 * 1024 * 1024 // 16 + 1)  # 6 MB + 16 bytes
    with pytest.raises(ClientError) as err:
        rt.invoke_endpoint(EndpointName="demo", Body=body, ContentType="text/csv")
    code, status, msg, _ = _error(err)
    assert (code, status) == ("ValidationError", 400) and "6291456" in msg


def test_payload_over_6_mb_is_refused_in_python_too(booster):
    ep = LocalEndpoint("py", [ProductionVariant("A", booster)])
    with pytest.raises(ValidationError, match="6 MB"):
        ep.invoke(b"1" * (6 * 1024 * 1024 + 1), "text/csv")


def test_model_failure_in_python_is_model_error():
    ep = LocalEndpoint("py", [ProductionVariant("A", Exploding())])
    with pytest.raises(ModelError) as err:
        ep.invoke(b"1,2,3,4\n")
    assert err.value.fields["OriginalStatusCode"] == 500


def test_serving_does_not_change_the_callers_booster(booster):
    from mlkit.inference.model import ServingModel

    before = json.loads(booster.save_config())["learner"]["generic_param"]["nthread"]
    ServingModel(booster).predict(np.ones((1, 4), dtype=np.float32))
    assert json.loads(booster.save_config())["learner"]["generic_param"]["nthread"] == before


# -- routing --------------------------------------------------------------------------
def test_weighted_routing_matches_weights_within_binomial_bound(booster):
    ep = LocalEndpoint("w", [ProductionVariant("A", booster, 1.0), ProductionVariant("B", booster, 3.0)], seed=7)
    n = 4000
    hits = sum(ep.route(Invocation("w", b"", "text/csv")).VariantName == "B" for _ in range(n))
    # Binomial(4000, 0.75): sd = sqrt(4000 * 0.75 * 0.25) = 27.4; 4 sd fails with p < 1e-4
    assert abs(hits - 0.75 * n) < 4 * 27.4


def test_same_seed_routes_the_same_way(booster):
    def seq(seed):
        ep = LocalEndpoint("s", [ProductionVariant("A", booster), ProductionVariant("B", booster)], seed=seed)
        return [ep.route(Invocation("s", b"", "text/csv")).VariantName for _ in range(50)]

    assert seq(3) == seq(3)
    assert seq(3) != seq(4)  # P(equal by chance) = 2**-50


def test_zero_weight_variant_gets_only_targeted_traffic(booster):
    ep = LocalEndpoint("z", [ProductionVariant("A", booster, 1.0), ProductionVariant("B", booster, 0.0)], seed=1)
    assert {ep.invoke(b"1,2,3,4\n").InvokedProductionVariant for _ in range(50)} == {"A"}
    assert ep.invoke(b"1,2,3,4\n", TargetVariant="B").InvokedProductionVariant == "B"


# -- construction errors ---------------------------------------------------------------
def test_variant_weight_must_be_non_negative(booster):
    with pytest.raises(ValueError, match="InitialVariantWeight must be a finite number >= 0.0, got -1.0"):
        ProductionVariant("A", booster, -1.0)


def test_variant_names_must_be_distinct(booster):
    with pytest.raises(ValueError, match="distinct VariantName"):
        LocalEndpoint("d", [ProductionVariant("A", booster), ProductionVariant("A", booster)])


def test_endpoint_needs_a_variant_and_positive_total_weight(booster):
    with pytest.raises(ValueError, match="at least one ProductionVariant"):
        LocalEndpoint("d", [])
    with pytest.raises(ValueError, match="sum of InitialVariantWeight must be > 0"):
        LocalEndpoint("d", [ProductionVariant("A", booster, 0.0)])


def test_endpoint_name_is_checked(booster):
    with pytest.raises(ValueError, match="name must be 1-63"):
        LocalEndpoint("bad_name!", [ProductionVariant("A", booster)])


def test_workers_with_hooks_is_refused(booster):
    ep = LocalEndpoint("h", [ProductionVariant("A", booster)], hooks=[print])
    with pytest.raises(ValueError, match="workers must be 1 when endpoints have hooks"):
        ep.serve(workers=2)


# -- hooks (the data capture extension point) -----------------------------------------
def test_hooks_see_every_request_and_response(booster):
    seen = []
    ep = LocalEndpoint("cap", [ProductionVariant("A", booster)], hooks=[seen.append])
    ep.invoke(b"1,2,3,4\n", InferenceId="id-1")
    with pytest.raises(ValidationError):
        ep.invoke(b"x\n")
    assert [i.InferenceId for i in seen] == ["id-1", None]
    assert seen[0].variant == "A" and seen[0].response_body.endswith(b"\n") and seen[0].error is None
    assert isinstance(seen[1].error, ValidationError)


def test_a_failing_hook_does_not_break_the_response(booster):
    def bad_hook(inv):
        raise RuntimeError("capture failed")

    ep = LocalEndpoint("cap", [ProductionVariant("A", booster)], hooks=[bad_hook])
    assert ep.invoke(b"1,2,3,4\n").Body
    assert ep.hook_errors == 1


# -- container contract ------------------------------------------------------------------
def _post(url, body, ctype="text/csv"):
    req = urllib.request.Request(url, data=body, headers={"Content-Type": ctype}, method="POST")
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_ping_answers_200_when_models_are_loaded(served):
    url, _ = served
    with urllib.request.urlopen(url + "/ping") as r:
        assert r.status == 200


def test_container_invocations_answers_predictions(served, data, booster):
    url, demo = served
    X, _ = data
    status, body = _post(url + "/invocations", _csv(X[:3]))
    assert status == 200
    got = np.array([float(v) for v in body.split()], dtype=np.float32)
    # /invocations routes by weight among A (xgb) and B (linear); either model's answer is valid
    candidates = [booster.inplace_predict(X[:3]), demo._by_name["B"].load().predict(X[:3]).astype(np.float32)]
    assert any(np.allclose(got, c, rtol=1e-6) for c in candidates)


def test_container_invocations_uses_plain_status_codes(served):
    url, _ = served
    assert _post(url + "/invocations", b"a,b,c,d\n")[0] == 400
    assert _post(url + "/invocations", b"<x/>", "application/xml")[0] == 415


def test_unknown_path_is_404(served):
    url, _ = served
    assert _post(url + "/nowhere", b"")[0] == 404


# -- asynchronous inference -----------------------------------------------------------------
def _wait_for(store, uri, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if store.exists(uri):
            return store.get(uri)
        time.sleep(0.02)
    raise AssertionError(f"{uri} did not appear within {timeout} s")


def test_async_end_to_end_writes_predictions_to_the_output_location(rt, served, store, data, booster):
    X, _ = data
    store.put("s3://async-in/req-1.csv", _csv(X[:20]))
    r = rt.invoke_endpoint_async(EndpointName="demo", InputLocation="s3://async-in/req-1.csv",
                                 ContentType="text/csv", InferenceId="req-1")
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert r["InferenceId"] == "req-1"
    assert r["OutputLocation"].endswith("/req-1.out") and r["FailureLocation"].endswith("/req-1-error.out")
    out = _wait_for(store, r["OutputLocation"])
    got = np.array([float(v) for v in out.split()])
    assert got.shape == (20,)
    # routed to A (xgb probabilities) or B (linear values): either model's predictions, exactly
    linear_pred = served[1]._by_name["B"].load().predict(X[:20])
    assert np.allclose(got, booster.inplace_predict(X[:20]), rtol=1e-6) or np.allclose(got, linear_pred, rtol=1e-9)


def test_async_failure_is_written_to_the_failure_location(rt, store):
    store.put("s3://async-in/bad.csv", b"not,a,number,row\n")
    r = rt.invoke_endpoint_async(EndpointName="demo", InputLocation="s3://async-in/bad.csv", ContentType="text/csv")
    failure = json.loads(_wait_for(store, r["FailureLocation"]))
    assert failure["ErrorCode"] == "ValidationError" and "not a number" in failure["Message"]
    assert not store.exists(r["OutputLocation"])


def test_async_without_input_location_is_validation_error(rt):
    with pytest.raises(ClientError) as err:
        rt.invoke_endpoint_async(EndpointName="demo", ContentType="text/csv")
    code, status, msg, _ = _error(err)
    assert (code, status) == ("ValidationError", 400) and "InputLocation is required" in msg


def test_async_with_missing_input_object_is_validation_error(rt):
    with pytest.raises(ClientError) as err:
        rt.invoke_endpoint_async(EndpointName="demo", InputLocation="s3://async-in/absent.csv")
    code, _, msg, _ = _error(err)
    assert code == "ValidationError" and "does not exist" in msg


def test_async_with_malformed_input_location_is_validation_error(rt):
    with pytest.raises(ClientError) as err:
        rt.invoke_endpoint_async(EndpointName="demo", InputLocation="s3://Bad_Bucket/x.csv")
    assert _error(err)[0] == "ValidationError"


def test_async_queue_full_is_service_unavailable(tmp_path):
    release = threading.Event()

    class Slow:
        def predict(self, X):
            release.wait(10)
            return np.zeros(len(X))

    store = LocalBucketStore(tmp_path)
    store.put("s3://inbox/x.csv", b"1\n")
    ep = LocalEndpoint("slow", [ProductionVariant("A", Slow())], store=store, max_async_queue=1)
    try:
        ep.invoke_async("s3://inbox/x.csv")  # taken by the worker, which blocks
        deadline = time.monotonic() + 5
        while ep._async.queue.qsize() and time.monotonic() < deadline:
            time.sleep(0.01)
        ep.invoke_async("s3://inbox/x.csv")  # waits in the queue (size 1)
        with pytest.raises(ServiceUnavailable, match="full"):
            ep.invoke_async("s3://inbox/x.csv")
    finally:
        release.set()
        ep.close()


# -- model not ready ---------------------------------------------------------------------------
def test_model_loading_in_background_answers_model_not_ready_then_serves(booster):
    gate = threading.Event()

    class SlowLoading(ProductionVariant):
        def load(self, store=None):
            gate.wait(10)
            return super().load(store)

    ep = LocalEndpoint("late", [SlowLoading("A", booster)])
    with ep.serve(load_in_background=True) as url:
        rt = boto3.client("sagemaker-runtime", endpoint_url=url, region_name="us-east-1",
                          aws_access_key_id="x", aws_secret_access_key="x")
        with pytest.raises(urllib.error.HTTPError) as ping:
            urllib.request.urlopen(url + "/ping")
        assert ping.value.code == 503
        with pytest.raises(ClientError) as err:
            rt.invoke_endpoint(EndpointName="late", Body=b"1,2,3,4\n", ContentType="text/csv")
        assert _error(err)[:2] == ("ModelNotReadyException", 429)
        gate.set()
        deadline = time.monotonic() + 10
        while not ep.ready and time.monotonic() < deadline:
            time.sleep(0.01)
        assert rt.invoke_endpoint(EndpointName="late", Body=b"1,2,3,4\n", ContentType="text/csv")["Body"].read()


# -- lifecycle ---------------------------------------------------------------------------------
def test_stopping_leaves_no_thread_behind(booster, tmp_path):
    before = set(threading.enumerate())
    store = LocalBucketStore(tmp_path)
    store.put("s3://inbox/x.csv", b"1,2,3,4\n")
    ep = LocalEndpoint("life", [ProductionVariant("A", booster)], store=store)
    with ep.serve() as url:
        rt = boto3.client("sagemaker-runtime", endpoint_url=url, region_name="us-east-1",
                          aws_access_key_id="x", aws_secret_access_key="x")
        rt.invoke_endpoint(EndpointName="life", Body=b"1,2,3,4\n", ContentType="text/csv")
        r = rt.invoke_endpoint_async(EndpointName="life", InputLocation="s3://inbox/x.csv")
        _wait_for(store, r["OutputLocation"])
        assert len(threading.enumerate()) > len(before)
    assert set(threading.enumerate()) == before


def test_port_is_free_again_after_stop(booster):
    ep = LocalEndpoint("port", [ProductionVariant("A", booster)])
    with ep.serve() as url:
        port = int(url.rsplit(":", 1)[1])
    with ep.serve(port=port) as url2:  # rebinding the same port works: the socket was closed
        assert url2.endswith(f":{port}")


@pytest.mark.slow
def test_worker_processes_serve_and_are_all_reaped(booster, tmp_path):
    model_uri = save_model(booster, tmp_path / "model.tar.gz")
    before_threads = set(threading.enumerate())
    before_children = set(multiprocessing.active_children())
    from sklearn.tree import DecisionTreeRegressor

    # B is an in-memory model whose skops file has non-default types: the worker must still load it
    tree = DecisionTreeRegressor(max_depth=2).fit([[0, 0, 0, 0], [1, 1, 1, 1]], [0.0, 5.0])
    ep = LocalEndpoint("multi", [ProductionVariant("A", model_uri), ProductionVariant("B", tree)])
    server = ep.serve(workers=2)
    with server as url:
        assert len(server._procs) == 1
        rt = boto3.client("sagemaker-runtime", endpoint_url=url, region_name="us-east-1",
                          aws_access_key_id="x", aws_secret_access_key="x")
        for i in range(20):
            r = rt.invoke_endpoint(EndpointName="multi", Body=b"1,1,1,1\n", ContentType="text/csv",
                                   TargetVariant="AB"[i % 2])
            assert r["Body"].read() and r["InvokedProductionVariant"] == "AB"[i % 2]
        pid = server._procs[0][0].pid
    assert set(multiprocessing.active_children()) == before_children
    assert set(threading.enumerate()) == before_threads
    with pytest.raises(ProcessLookupError):
        import os

        os.kill(pid, 0)


@pytest.mark.slow
def test_mlkit_serve_serves_until_interrupted(booster, tmp_path):
    from pathlib import Path

    model_uri = save_model(booster, tmp_path / "model.tar.gz")
    mlkit_command = str(Path(sys.executable).with_name("mlkit"))  # the console script, via mlkit.cli
    proc = subprocess.Popen([mlkit_command, "serve", model_uri, "--name", "cli", "--port", "0"],
                            stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        url = re.search(r"serving at (http://127\.0\.0\.1:\d+) ", line).group(1)
        rt = boto3.client("sagemaker-runtime", endpoint_url=url, region_name="us-east-1",
                          aws_access_key_id="x", aws_secret_access_key="x")
        r = rt.invoke_endpoint(EndpointName="cli", Body=b"1,2,3,4\n", ContentType="text/csv")
        assert r["InvokedProductionVariant"] == "AllTraffic"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(20) == 0
        assert "Endpoint stopped." in proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()


def test_python_async_invocation_and_close_leave_no_thread(booster, tmp_path):
    before = set(threading.enumerate())
    store = LocalBucketStore(tmp_path)
    store.put("s3://inbox/x.csv", b"1,2,3,4\n")
    with LocalEndpoint("pyasync", [ProductionVariant("A", booster)], store=store) as ep:
        a = ep.invoke_async("s3://inbox/x.csv", InferenceId="abc")
        assert ep.wait_async(10)
        expected = booster.inplace_predict(np.array([[1, 2, 3, 4]], dtype=np.float32))
        assert float(store.get(a.OutputLocation)) == pytest.approx(float(expected[0]), rel=1e-7)  # same model
    assert set(threading.enumerate()) == before


# -- the HTTP layer ------------------------------------------------------------------------
def _raw(url, payload: bytes) -> bytes:
    import socket

    host, port = url[len("http://"):].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        s.sendall(payload)
        chunks = []
        s.settimeout(2)
        try:
            while True:
                data = s.recv(65536)
                if not data:
                    break
                chunks.append(data)
        except TimeoutError:
            pass
    return b"".join(chunks)


def test_chunked_request_body_is_accepted(served):
    url, _ = served
    body = b"1,2,3,4\n"
    req = (b"POST /endpoints/demo/invocations HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\n"
           b"X-Amzn-SageMaker-Target-Variant: A\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
           + b"%x\r\n" % 3 + body[:3] + b"\r\n" + b"%x\r\n" % 5 + body[3:] + b"\r\n0\r\n\r\n")
    resp = _raw(url, req)
    assert resp.startswith(b"HTTP/1.1 200 ") and b"x-Amzn-Invoked-Production-Variant: A" in resp


def test_pipelined_requests_on_one_connection_are_answered_in_order(served):
    url, _ = served
    one = (b"POST /endpoints/demo/invocations HTTP/1.1\r\nContent-Type: text/csv\r\n"
           b"X-Amzn-SageMaker-Target-Variant: %s\r\nContent-Length: 8\r\n\r\n1,2,3,4\n")
    last = one.replace(b"Content-Length", b"Connection: close\r\nContent-Length")
    resp = _raw(url, one % b"A" + one % b"B" + last % b"A")
    variants = re.findall(rb"x-Amzn-Invoked-Production-Variant: (\w)", resp)
    assert resp.count(b"HTTP/1.1 200 ") == 3 and variants == [b"A", b"B", b"A"]


def test_async_inline_body_is_processed(rt, store):
    r = rt.invoke_endpoint_async(EndpointName="demo", Body=b"1,2,3,4\n", ContentType="text/csv", InferenceId="inl")
    assert _wait_for(store, r["OutputLocation"]).strip()
