"""RecordIO-protobuf: byte-compatible with the SageMaker Python SDK, damaged files named by offset."""

import io
import json
import struct
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse

from mlkit import recordio
from mlkit.recordio import (MAGIC, RecordIOError, read_dense, read_records, read_recordio,
                            write_numpy_to_dense_tensor, write_spmatrix_to_sparse_tensor)

DATA = Path(__file__).parent / "data" / "recordio"
INPUTS = json.loads((DATA / "inputs.json").read_text())


def written(array, labels=None) -> bytes:
    buf = io.BytesIO()
    write_numpy_to_dense_tensor(buf, array, labels)
    return buf.getvalue()


# -- the SDK's bytes (tests/data/recordio, made by benchmarks/make_recordio_fixtures.py) --
@pytest.mark.parametrize("name, feats, labels, dtype", [
    ("dense_f32_labels.rec", "f32", "f32_labels", "float32"),
    ("dense_f32_nolabels.rec", "f32", None, "float32"),
    ("dense_f64_labels.rec", "f64", "f64_labels", "float64"),
    ("dense_int_labels.rec", "int", "int_labels", "int64"),
])
def test_mlkit_writes_the_same_bytes_as_the_sdk(name, feats, labels, dtype):
    X = np.array(INPUTS[feats], dtype)
    y = np.array(INPUTS[labels], dtype) if labels else None
    assert written(X, y) == (DATA / name).read_bytes()


@pytest.mark.parametrize("name, feats, labels, dtype", [
    ("dense_f32_labels.rec", "f32", "f32_labels", "float32"),
    ("dense_f32_nolabels.rec", "f32", None, "float32"),
    ("dense_f64_labels.rec", "f64", "f64_labels", "float64"),
    ("dense_int_labels.rec", "int", "int_labels", "int32"),
])
def test_mlkit_reads_the_sdks_files_back_exactly(name, feats, labels, dtype):
    dense = read_dense(DATA / name)
    np.testing.assert_array_equal(dense.features, np.array(INPUTS[feats], dtype))  # exact: same bits
    assert dense.features.dtype == np.dtype(dtype)
    if labels:
        np.testing.assert_array_equal(dense.labels, np.array(INPUTS[labels], dtype))
    else:
        assert dense.labels is None


def test_sparse_records_match_the_sdk_bytes_and_read_back_as_keys_and_values():
    dense = np.array(INPUTS["sparse_dense"], "float32")
    labels = np.array(INPUTS["sparse_labels"], "float32")
    buf = io.BytesIO()
    write_spmatrix_to_sparse_tensor(buf, scipy.sparse.csr_matrix(dense), labels)
    assert buf.getvalue() == (DATA / "sparse_f32_labels.rec").read_bytes()
    records = read_records(DATA / "sparse_f32_labels.rec")
    row0 = records[0].features["values"].float32_tensor
    assert list(row0.shape) == [8]
    assert list(row0.keys) == list(np.flatnonzero(dense[0]))


def test_read_records_returns_protobuf_messages_with_the_sdk_field_names():
    records = read_records(DATA / "dense_f32_labels.rec")
    assert len(records) == 12
    first = records[0]
    assert type(first).DESCRIPTOR.full_name == "aialgs.data.Record"
    np.testing.assert_array_equal(np.array(first.features["values"].float32_tensor.values, "float32"),
                                  np.array(INPUTS["f32"][0], "float32"))
    assert first.label["values"].float32_tensor.values[0] == INPUTS["f32_labels"][0]


# -- framing ----------------------------------------------------------------------
def test_each_record_is_magic_length_payload_padded_to_four_bytes():
    data = written(np.ones((1, 1), "float32"))
    magic, length = struct.unpack_from("<II", data)
    assert magic == MAGIC == 0xCED7230A
    assert len(data) == 8 + length + (-length % 4)  # the padding rounds up to a multiple of 4
    assert data[8 + length:] == b"\0" * (-length % 4)


def test_records_stream_from_a_pipe_like_stream_one_by_one():
    data = written(np.arange(6, dtype="float32").reshape(3, 2))

    class Trickle(io.RawIOBase):  # hands out at most 3 bytes per read, as a FIFO may
        def __init__(self, b):
            self.b, self.i = b, 0

        def readable(self):
            return True

        def read(self, n=-1):
            chunk = self.b[self.i:self.i + min(n, 3)]
            self.i += len(chunk)
            return chunk

    payloads = list(read_recordio(Trickle(data)))
    assert len(payloads) == 3


def test_a_matrix_wider_than_one_chunk_round_trips(monkeypatch):
    monkeypatch.setattr(recordio, "_CHUNK_BYTES", 100)  # force many write chunks
    X = np.random.default_rng(0).normal(size=(50, 7)).astype("float32")
    y = np.arange(50, dtype="float64")
    dense = read_dense(written(X, y))
    np.testing.assert_array_equal(dense.features, X)
    np.testing.assert_array_equal(dense.labels, y)


def test_fast_and_protobuf_paths_agree_on_float32_data():
    X = np.random.default_rng(1).normal(size=(20, 3)).astype("float32")
    y = np.random.default_rng(2).normal(size=20).astype("float32")
    data = written(X, y)
    fast = read_dense(data)
    slow = recordio.records_to_dense(read_records(data))
    np.testing.assert_array_equal(fast.features, slow.features)
    np.testing.assert_array_equal(fast.labels, slow.labels)


def test_nan_and_negative_zero_keep_their_bits():
    X = np.array([[np.nan, -0.0, np.inf]], "float32")
    back = read_dense(written(X)).features
    assert np.isnan(back[0, 0]) and np.signbit(back[0, 1]) and np.isinf(back[0, 2])


# -- damaged input ------------------------------------------------------------------
def test_a_truncated_file_names_the_offset_of_the_cut_record():
    data = written(np.ones((3, 2), "float32"))
    stride = len(data) // 3
    with pytest.raises(RecordIOError, match=f"byte offset {2 * stride}") as info:
        read_dense(data[:-5])
    assert info.value.offset == 2 * stride


def test_a_half_header_at_the_end_is_reported_as_truncated():
    data = written(np.ones((2, 2), "float32"))
    with pytest.raises(RecordIOError, match=f"header at byte offset {len(data)} needs 8 bytes, only 3"):
        read_dense(data + b"\x0a\x23\xd7")


def test_a_wrong_magic_number_names_the_offset_and_the_value():
    data = bytearray(written(np.ones((3, 2), "float32")))
    stride = len(data) // 3
    data[stride:stride + 4] = b"\0\0\0\0"
    with pytest.raises(RecordIOError, match=f"byte offset {stride}: magic number 0x00000000"):
        read_dense(bytes(data))


def test_a_payload_that_is_not_a_record_message_names_the_offset():
    bad = struct.pack("<II", MAGIC, 4) + b"\xff\xff\xff\xff"
    with pytest.raises(RecordIOError, match="byte offset 0 is not a valid aialgs.data.Record"):
        read_records(bad)


def test_records_of_different_widths_are_an_error_naming_the_second_offset():
    a, b = written(np.ones((1, 2), "float32")), written(np.ones((1, 3), "float32"))
    with pytest.raises(RecordIOError, match=f"byte offset {len(a)} has features float32_tensor x 3"):
        read_dense(a + b)


def test_sparse_records_are_refused_by_read_dense():
    with pytest.raises(RecordIOError, match="sparse tensor"):
        read_dense(DATA / "sparse_f32_labels.rec")


@pytest.mark.parametrize("array, labels, match", [
    (np.ones(3, "float32"), None, "array must be a 2-D numpy array"),
    (np.ones((3, 2), "float32"), np.ones(2, "float32"), "one value per row of array \\(3\\), got 2"),
    (np.ones((3, 2), "float16"), None, "array must have dtype float32 .* got float16"),
    (np.full((1, 2), 2 ** 40), None, "outside the int32 range"),
    (np.ones((3, 0), "float32"), None, "at least 1 column"),
])
def test_bad_input_to_the_writer_names_the_parameter(array, labels, match):
    with pytest.raises(ValueError, match=match):
        write_numpy_to_dense_tensor(io.BytesIO(), array, labels)


def test_the_sparse_writer_refuses_a_dense_array():
    with pytest.raises(TypeError, match="array must be a scipy.sparse matrix"):
        write_spmatrix_to_sparse_tensor(io.BytesIO(), np.ones((2, 2), "float32"))


def test_read_records_parses_equal_length_files_in_one_go_with_the_same_result():
    data = (DATA / "dense_f32_labels.rec").read_bytes()
    one_by_one = [recordio.record_class("Record").FromString(p) for p in read_recordio(io.BytesIO(data))]
    assert read_records(data) == one_by_one


def test_a_corrupt_payload_among_equal_records_names_its_offset():
    data = bytearray(written(np.ones((3, 2), "float32")))
    stride = len(data) // 3
    data[stride + 8:stride + 12] = b"\xff\xff\xff\xff"  # garbage inside the second payload
    with pytest.raises(RecordIOError, match=f"byte offset {stride} is not a valid aialgs.data.Record"):
        read_records(bytes(data))
