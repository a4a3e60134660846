"""Batch transform over the local bucket: splitting, batching, ordering, .out files, limits."""

import io
import json

import numpy as np
import pytest

from mlkit.inference.batch import (
    RecordTooLargeError,
    TransformError,
    read_recordio,
    run_transform,
    write_recordio,
)
from mlkit.inference.config import BatchTransformConfig
from mlkit.inference.server import LocalEndpoint, ProductionVariant
from mlkit.storage import LocalBucketStore


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(600, 6)).astype(np.float32)
    y = (X[:, 0] - X[:, 2] > 0).astype(int)
    return X, y


@pytest.fixture(scope="module")
def clf(data):
    import xgboost as xgb

    X, y = data
    return xgb.XGBClassifier(n_estimators=15, max_depth=3).fit(X, y)


@pytest.fixture
def store(tmp_path):
    return LocalBucketStore(tmp_path / "s3")


def _csv(X):
    return "".join(",".join(repr(float(v)) for v in row) + "\n" for row in X).encode()


def _put_parts(store, X, prefix="s3://jobs/input", parts=3):
    chunks = np.array_split(X, parts)
    for i, chunk in enumerate(chunks):
        store.put(f"{prefix}/part-{i}.csv", _csv(chunk))
    return chunks


def _read_out(store, uri):
    return np.array([float(v) for v in store.get(uri).split()])


def test_output_equals_direct_predictions_one_out_per_input(store, data, clf):
    X, _ = data
    chunks = _put_parts(store, X)
    s = run_transform(clf, "s3://jobs/input/", "s3://jobs/output/", BatchTransformConfig(), store=store,
                      progress=False)
    assert s.outputs == [f"s3://jobs/output/part-{i}.csv.out" for i in range(3)]
    assert store.list("s3://jobs/output/") == s.outputs
    for uri, chunk in zip(s.outputs, chunks):
        np.testing.assert_array_equal(_read_out(store, uri), clf.predict(chunk))  # labels: exact
    assert (s.files, s.records) == (3, 600)


def test_single_record_strategy_sends_one_request_per_record(store, data, clf):
    X, _ = data
    store.put("s3://jobs/input/one.csv", _csv(X[:40]))
    s = run_transform(clf, "s3://jobs/input/", "s3://jobs/out/", BatchTransformConfig(BatchStrategy="SingleRecord"),
                      store=store, progress=False)
    assert (s.records, s.requests) == (40, 40)
    np.testing.assert_array_equal(_read_out(store, "s3://jobs/out/one.csv.out"), clf.predict(X[:40]))


def test_multi_record_batches_stay_within_max_payload(store, data):
    from sklearn.linear_model import LinearRegression

    X, _ = data
    big = np.tile(X, (30, 1))  # 18,000 rows of ~110 bytes: about 2 MB
    store.put("s3://jobs/big/rows.csv", _csv(big))
    sizes = []
    model = LinearRegression().fit(X, X.sum(axis=1))
    endpoint = LocalEndpoint("bt", [ProductionVariant("A", model)], hooks=[lambda inv: sizes.append(len(inv.Body))])
    s = run_transform(endpoint, "s3://jobs/big/", "s3://jobs/big-out/", BatchTransformConfig(MaxPayloadInMB=1),
                      store=store, progress=False)
    assert s.requests == len(sizes) >= 2
    assert max(sizes) <= 1024 * 1024
    # greedy packing: every batch but the last is within one record of the limit
    assert min(sizes[:-1]) > 1024 * 1024 - 200
    np.testing.assert_allclose(_read_out(store, "s3://jobs/big-out/rows.csv.out"), model.predict(big), rtol=1e-9)


def test_parallel_workers_keep_record_order(store, data, clf):
    X, _ = data
    store.put("s3://jobs/input/all.csv", _csv(X))
    run_transform(clf, "s3://jobs/input/", "s3://jobs/out/", BatchTransformConfig(BatchStrategy="SingleRecord"),
                  store=store, n_jobs=2, progress=False)
    np.testing.assert_array_equal(_read_out(store, "s3://jobs/out/all.csv.out"), clf.predict(X))


def test_recordio_split(store, data, clf):
    X, _ = data
    records = [",".join(repr(float(v)) for v in row).encode() for row in X[:50]]
    store.put("s3://jobs/rio/data.rec", write_recordio(records))
    cfg = BatchTransformConfig(SplitType="RecordIO")
    s = run_transform(clf, "s3://jobs/rio/", "s3://jobs/rio-out/", cfg, store=store, progress=False)
    assert s.records == 50
    np.testing.assert_array_equal(_read_out(store, "s3://jobs/rio-out/data.rec.out"), clf.predict(X[:50]))


def test_recordio_roundtrip_and_corruption_error():
    recs = [b"a", b"bcde", b""]
    assert read_recordio(write_recordio(recs)) == recs
    with pytest.raises(ValueError, match="bad magic"):
        read_recordio(b"\x00" * 8, "s3://b/x.rec")


def test_split_type_none_sends_each_file_whole(store, data, clf):
    X, _ = data
    _put_parts(store, X[:90], parts=3)
    s = run_transform(clf, "s3://jobs/input/", "s3://jobs/out/", BatchTransformConfig(SplitType=None),
                      store=store, progress=False)
    assert s.requests == 3
    np.testing.assert_array_equal(_read_out(store, "s3://jobs/out/part-1.csv.out"), clf.predict(X[30:60]))


def test_json_lines_input(store, data, clf):
    X, _ = data
    store.put("s3://jobs/json/rows.jsonl", "".join(json.dumps(r) + "\n" for r in X[:25].tolist()))
    cfg = BatchTransformConfig(ContentType="application/json", Accept="application/json")
    run_transform(clf, "s3://jobs/json/", "s3://jobs/json-out/", cfg, store=store, progress=False)
    lines = store.get("s3://jobs/json-out/rows.jsonl.out").splitlines()
    preds = [p for line in lines for p in json.loads(line)["predictions"]]
    np.testing.assert_array_equal(preds, clf.predict(X[:25]))


def test_npy_records_in_recordio(store, data, clf):
    X, _ = data
    recs = []
    for row in X[:10]:
        buf = io.BytesIO()
        np.save(buf, row)
        recs.append(buf.getvalue())
    store.put("s3://jobs/npy/a.rec", write_recordio(recs))
    cfg = BatchTransformConfig(SplitType="RecordIO", ContentType="application/x-npy", Accept="text/csv")
    run_transform(clf, "s3://jobs/npy/", "s3://jobs/npy-out/", cfg, store=store, progress=False)
    np.testing.assert_array_equal(_read_out(store, "s3://jobs/npy-out/a.rec.out"), clf.predict(X[:10]))


def test_served_endpoint_url_gives_the_same_output(store, data, clf):
    X, _ = data
    store.put("s3://jobs/input/a.csv", _csv(X[:30]))
    with LocalEndpoint("bt", [ProductionVariant("A", clf)]).serve() as url:
        run_transform(url, "s3://jobs/input/", "s3://jobs/out/", BatchTransformConfig(), store=store, progress=False)
    np.testing.assert_array_equal(_read_out(store, "s3://jobs/out/a.csv.out"), clf.predict(X[:30]))


def test_record_over_max_payload_names_file_and_record_and_keeps_finished_outputs(store, clf):
    store.put("s3://jobs/mixed/a.csv", b"1,2,3,4,5,6\n")
    store.put("s3://jobs/mixed/b.csv", b"1,2,3,4,5,6\n" + b"1," * (600 * 1024) + b"1\n")
    with pytest.raises(RecordTooLargeError) as err:
        run_transform(clf, "s3://jobs/mixed/", "s3://jobs/mixed-out/", BatchTransformConfig(MaxPayloadInMB=1),
                      store=store, progress=False)
    assert err.value.uri == "s3://jobs/mixed/b.csv" and err.value.record == 2
    assert "record 2 of s3://jobs/mixed/b.csv" in str(err.value) and "MaxPayloadInMB" in str(err.value)
    assert store.list("s3://jobs/mixed-out/") == ["s3://jobs/mixed-out/a.csv.out"]  # b's partial output discarded


def test_failed_request_is_a_transform_error_naming_the_file(store, clf):
    store.put("s3://jobs/bad/x.csv", b"1,2\n")
    with pytest.raises(TransformError, match=r"records 1-1 of s3://jobs/bad/x.csv .*6 features"):
        run_transform(clf, "s3://jobs/bad/", "s3://jobs/bad-out/", BatchTransformConfig(), store=store,
                      progress=False)


def test_empty_prefix_is_file_not_found(store, clf):
    with pytest.raises(FileNotFoundError, match="s3://jobs/nothing/"):
        run_transform(clf, "s3://jobs/nothing/", "s3://jobs/o/", BatchTransformConfig(), store=store, progress=False)


def test_tfrecord_split_is_refused(store, clf):
    store.put("s3://jobs/tf/x.tfrecord", b"x")
    with pytest.raises(ValueError, match="SplitType must be one of 'Line', 'RecordIO', 'None'"):
        run_transform(clf, "s3://jobs/tf/", "s3://jobs/o/", BatchTransformConfig(SplitType="TFRecord"), store=store,
                      progress=False)


def test_config_must_be_a_batch_transform_config(store, clf):
    with pytest.raises(TypeError, match="config must be a BatchTransformConfig"):
        run_transform(clf, "s3://jobs/a/", "s3://jobs/o/", {"MaxPayloadInMB": 6}, store=store)


def test_config_prefixes_are_used_when_not_given(store, data, clf):
    X, _ = data
    store.put("s3://cfg-bucket/in/a.csv", _csv(X[:5]))
    cfg = BatchTransformConfig(S3Uri="s3://cfg-bucket/in", S3OutputPath="s3://cfg-bucket/out")
    s = run_transform(clf, config=cfg, store=store, progress=False)
    assert s.outputs == ["s3://cfg-bucket/out/a.csv.out"]


def test_progress_run_reports_what_it_did(store, data, clf, capsys):
    X, _ = data
    store.put("s3://jobs/input/a.csv", _csv(X[:5]))
    run_transform(clf, "s3://jobs/input/", "s3://jobs/out/", BatchTransformConfig(), store=store, progress=True)
    assert "Transformed 5 records from 1 files in 1 requests" in capsys.readouterr().out
