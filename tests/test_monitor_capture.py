"""Data capture: SageMaker's record format, folder layout, sampling, concurrency, bad lines."""

import json
import multiprocessing as mp
import threading

import pytest
from sklearn.dummy import DummyRegressor

from mlkit.aws import validate_request
from mlkit.inference.server import LocalEndpoint, ProductionVariant
from mlkit.monitor.capture import DataCapture, DataCaptureConfig, read_captures
from mlkit.storage import LocalBucketStore

DEST = "s3://bkt/capture"


@pytest.fixture
def store(tmp_path):
    return LocalBucketStore(tmp_path)


def _endpoint(cap):
    return LocalEndpoint("demo", [ProductionVariant("AllTraffic", DummyRegressor().fit([[0]], [2.0]))], hooks=[cap])


def test_record_has_sagemakers_fields_and_hour_folder(store):
    cap = DataCapture(DataCaptureConfig(DestinationS3Uri=DEST), store=store, clock=lambda: "2026-01-05T10:42:07Z")
    _endpoint(cap).invoke(b"3\n", "text/csv", InferenceId="abc")
    [uri] = store.list(DEST + "/")
    assert uri.startswith(f"{DEST}/demo/AllTraffic/2026/01/05/10/") and uri.endswith(".jsonl")
    rec = json.loads(store.get(uri))
    assert rec["eventVersion"] == "0"
    assert rec["eventMetadata"]["inferenceId"] == "abc"
    assert rec["eventMetadata"]["inferenceTime"] == "2026-01-05T10:42:07Z"
    assert rec["captureData"]["endpointInput"] == {"observedContentType": "text/csv", "mode": "INPUT",
                                                   "data": "3\n", "encoding": "CSV"}
    assert rec["captureData"]["endpointOutput"]["mode"] == "OUTPUT"
    assert rec["captureData"]["endpointOutput"]["data"].strip() == "2.0"


def test_content_type_outside_the_header_is_base64(store):
    cfg = DataCaptureConfig(DestinationS3Uri=DEST, CaptureContentTypeHeader={"CsvContentTypes": ["text/plain"]})
    rec = DataCapture(cfg, store=store).make_record("e", "v", b"1,2", "text/csv", when="2026-01-05T00:00:00Z")
    assert rec["captureData"]["endpointInput"]["encoding"] == "BASE64"
    assert rec["captureData"]["endpointInput"]["data"] == "MSwy"  # base64 of b"1,2"


def test_input_only_capture_has_no_output(store):
    cfg = DataCaptureConfig(DestinationS3Uri=DEST, CaptureOptions=({"CaptureMode": "Input"},))
    rec = DataCapture(cfg, store=store).make_record("e", "v", b"1", "text/csv", b"2", "text/csv", when="2026-01-05")
    assert set(rec["captureData"]) == {"endpointInput"}


def test_sampling_percentage_is_seeded_and_near_its_share(store):
    cfg = DataCaptureConfig(DestinationS3Uri=DEST, InitialSamplingPercentage=30)
    counts = []
    for _ in range(2):
        cap = DataCapture(cfg, store=LocalBucketStore(store.root_path / str(len(counts))), seed=7)
        ep = _endpoint(cap)
        for _ in range(400):
            ep.invoke(b"1\n", "text/csv")
        counts.append(cap.captured)
    assert counts[0] == counts[1]  # same seed, same decisions
    # binomial(400, 0.3): sd = sqrt(400*0.3*0.7) = 9.2; 4 sd = 37
    assert abs(counts[0] - 120) < 37


def test_concurrent_threads_over_http_give_n_whole_lines(store):
    import boto3

    cap = DataCapture(DataCaptureConfig(DestinationS3Uri=DEST), store=store)
    ep = _endpoint(cap)
    n_threads, per_thread = 8, 25
    with ep.serve(port=0) as url:
        def worker(k):
            rt = boto3.client("sagemaker-runtime", endpoint_url=url, region_name="us-east-1",
                              aws_access_key_id="x", aws_secret_access_key="x")
            for i in range(per_thread):
                rt.invoke_endpoint(EndpointName="demo", Body=("1\n" * 200).encode(), ContentType="text/csv",
                                   InferenceId=f"t{k}-{i}")
        threads = [threading.Thread(target=worker, args=(k,)) for k in range(n_threads)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    window = read_captures(store, DEST + "/demo/AllTraffic")
    assert window.bad_lines == []
    assert len(window.frame) == n_threads * per_thread
    assert window.frame.inference_id.nunique() == n_threads * per_thread


def _process_writer(root, k, n):
    cap = DataCapture(DataCaptureConfig(DestinationS3Uri=DEST), store=LocalBucketStore(root))
    for i in range(n):
        cap.record("demo", "AllTraffic", ("9," * 500 + "9").encode(), "text/csv", b"1.0", "text/csv",
                   inference_id=f"p{k}-{i}", when="2026-01-05T10:00:00Z")


def test_two_processes_writing_the_same_hour_lose_no_line(store):
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_process_writer, args=(str(store.root_path), k, 150)) for k in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    window = read_captures(store, DEST + "/demo/AllTraffic")
    assert len(window.frame) == 300 and window.bad_lines == []
    assert len(window.files) == 2  # one file per process


def test_malformed_lines_are_reported_with_file_and_line_and_good_lines_kept(store):
    cap = DataCapture(DataCaptureConfig(DestinationS3Uri=DEST), store=store)
    for i in range(3):
        cap.record("demo", "AllTraffic", b"1", "text/csv", b"2", "text/csv", inference_id=f"i{i}",
                   when="2026-01-05T10:00:00Z")
    [uri] = cap.files
    path = store.local_path(uri)
    with open(path, "a") as f:
        f.write('{"captureData": {"endpointInput": \n')  # torn line
        f.write('{"eventVersion": "0"}\n')  # JSON but not a capture record
    window = read_captures(store, DEST + "/demo/AllTraffic")
    assert len(window.frame) == 3
    assert [(b.uri, b.line) for b in window.bad_lines] == [(uri, 4), (uri, 5)]
    assert "not JSON" in window.bad_lines[0].reason
    assert "missing field" in window.bad_lines[1].reason


def test_window_keeps_only_records_inside_it(store):
    cap = DataCapture(DataCaptureConfig(DestinationS3Uri=DEST), store=store)
    for h in (9, 10, 11):
        cap.record("demo", "AllTraffic", b"1", "text/csv", when=f"2026-01-05T{h:02d}:30:00Z", inference_id=str(h))
    window = read_captures(store, DEST + "/demo/AllTraffic", start="2026-01-05T10:00:00Z", end="2026-01-05T11:00:00Z")
    assert window.frame.inference_id.tolist() == ["10"]


def test_empty_window_is_empty_not_an_error(store):
    window = read_captures(store, DEST + "/demo/AllTraffic", start="2026-01-05T10:00:00Z", end="2026-01-05T11:00:00Z")
    assert window.empty and window.inputs(["x"]).columns.tolist() == ["inference_id", "x"]


def test_inputs_parse_csv_rows_with_baseline_names(store):
    cap = DataCapture(DataCaptureConfig(DestinationS3Uri=DEST), store=store)
    cap.record("demo", "AllTraffic", b"1,2.5\n3,4.5", "text/csv", when="2026-01-05T10:00:00Z", inference_id="a")
    X = read_captures(store, DEST + "/demo/AllTraffic").inputs(["n", "x"])
    assert X.columns.tolist() == ["inference_id", "n", "x"] and X.x.tolist() == [2.5, 4.5]


def test_end_before_start_is_an_error(store):
    with pytest.raises(ValueError, match="end must be after start"):
        read_captures(store, DEST, start="2026-01-05T10:00:00Z", end="2026-01-05T09:00:00Z")


@pytest.mark.parametrize("kwargs, match", [
    ({"InitialSamplingPercentage": 101}, "InitialSamplingPercentage must be an integer >= 0 and <= 100"),
    ({"CaptureOptions": ({"CaptureMode": "Both"},)}, "CaptureMode must be one of"),
    ({"CaptureOptions": ()}, "CaptureOptions must name"),
    ({"DestinationS3Uri": "/tmp/x"}, "s3://"),
    ({"CaptureContentTypeHeader": {"Csv": ["text/csv"]}}, "CaptureContentTypeHeader must be a dict"),
])
def test_bad_config_is_refused_naming_the_parameter(kwargs, match):
    with pytest.raises(ValueError, match=match):
        DataCaptureConfig(**kwargs)


def test_create_endpoint_config_request_is_valid():
    cfg = DataCaptureConfig(DestinationS3Uri=DEST, InitialSamplingPercentage=50,
                            CaptureContentTypeHeader={"CsvContentTypes": ["text/csv"]})
    req = validate_request("sagemaker", "CreateEndpointConfig", cfg.to_request())
    assert req["DataCaptureConfig"]["CaptureOptions"] == [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}]
