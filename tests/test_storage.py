"""The local bucket: s3:// URIs on a folder, strict parsing, atomic writes."""

import os
from pathlib import Path

import pytest

from mlkit.storage import LocalBucketStore, default_store_root, parse_s3_uri


@pytest.fixture
def store(tmp_path):
    return LocalBucketStore(tmp_path / "s3")


def test_put_get_roundtrip_bytes(store):
    assert store.put("s3://my-bucket/a/b.bin", b"\x00\x01") == "s3://my-bucket/a/b.bin"
    assert store.get("s3://my-bucket/a/b.bin") == b"\x00\x01"


def test_put_str_is_written_as_utf8(store):
    store.put("s3://my-bucket/t.txt", "héllo")
    assert store.get("s3://my-bucket/t.txt") == "héllo".encode("utf-8")


def test_put_path_copies_the_file(store, tmp_path):
    src = tmp_path / "src.csv"
    src.write_bytes(b"1,2\n")
    store.put("s3://my-bucket/copy.csv", src)
    assert store.get("s3://my-bucket/copy.csv") == b"1,2\n"


def test_objects_live_under_root_bucket_key(store):
    store.put("s3://my-bucket/x/y.csv", b"z")
    assert store.local_path("s3://my-bucket/x/y.csv") == store.root_path / "my-bucket" / "x" / "y.csv"
    assert (store.root_path / "my-bucket" / "x" / "y.csv").read_bytes() == b"z"


def test_default_root_is_under_mlkit_home():
    # the root conftest sets MLKIT_HOME to a temp folder
    assert default_store_root() == Path(os.environ["MLKIT_HOME"]) / "s3"
    assert LocalBucketStore().root_path == Path(os.environ["MLKIT_HOME"]) / "s3"


def test_list_uses_s3_prefix_semantics_sorted(store):
    for key in ["data/b.csv", "data/a.csv", "data/sub/c.csv", "database.txt", "other/d.csv"]:
        store.put(f"s3://bkt/{key}", b"1")
    store.put("s3://other-bkt/data/e.csv", b"1")
    assert store.list("s3://bkt/data/") == ["s3://bkt/data/a.csv", "s3://bkt/data/b.csv", "s3://bkt/data/sub/c.csv"]
    assert store.list("s3://bkt/data") == [
        "s3://bkt/data/a.csv", "s3://bkt/data/b.csv", "s3://bkt/data/sub/c.csv", "s3://bkt/database.txt"]
    assert len(store.list("s3://bkt")) == 5
    assert store.list("s3://bkt/nothing/") == []


def test_streaming_write_is_invisible_until_closed(store):
    f = store.open("s3://bkt/stream.csv", "wb")
    f.write(b"part1,")
    assert not store.exists("s3://bkt/stream.csv")
    f.write(b"part2")
    f.close()
    assert store.get("s3://bkt/stream.csv") == b"part1,part2"


def test_failed_write_keeps_the_old_object_and_leaves_no_temp(store):
    store.put("s3://bkt/keep.csv", b"old")
    with pytest.raises(RuntimeError):
        with store.open("s3://bkt/keep.csv", "wb") as f:
            f.write(b"new, half written")
            raise RuntimeError("interrupted")
    assert store.get("s3://bkt/keep.csv") == b"old"
    assert store.list("s3://bkt/") == ["s3://bkt/keep.csv"]
    assert not any(p.is_file() for p in (store.root_path / ".mlkit-tmp").glob("*"))


def test_text_mode_open_reads_and_writes(store):
    with store.open("s3://bkt/t.txt", "w") as f:
        f.write("a\nb\n")
    with store.open("s3://bkt/t.txt", "r") as f:
        assert f.read().splitlines() == ["a", "b"]


def test_open_rejects_unknown_mode(store):
    with pytest.raises(ValueError, match="mode must be one of"):
        store.open("s3://bkt/t.txt", "a")


def test_get_missing_object_names_the_uri(store):
    with pytest.raises(FileNotFoundError, match="s3://bkt/missing.csv"):
        store.get("s3://bkt/missing.csv")


def test_exists_size_and_delete(store):
    store.put("s3://bkt/deep/er/x.bin", b"12345")
    assert store.exists("s3://bkt/deep/er/x.bin") and store.size("s3://bkt/deep/er/x.bin") == 5
    assert store.delete("s3://bkt/deep/er/x.bin") is True
    assert not store.exists("s3://bkt/deep/er/x.bin")
    assert not (store.root_path / "bkt" / "deep").exists()  # empty folders pruned
    assert store.delete("s3://bkt/deep/er/x.bin") is False  # deleting twice is not an error, as in S3


def test_writing_an_object_over_a_prefix_is_a_clear_error(store):
    store.put("s3://bkt/a/b.csv", b"1")
    with pytest.raises(IsADirectoryError, match="s3://bkt/a"):
        store.put("s3://bkt/a", b"2")


@pytest.mark.parametrize(
    "uri, why",
    [
        ("http://bucket/key", "scheme"),
        ("bucket/key", "scheme"),
        ("s3://", "bucket name is missing"),
        ("s3://Upper-Case/key", "lowercase"),
        ("s3://ab/key", "3-63"),
        ("s3://-bucket/key", "beginning and ending"),
        ("s3://b..ucket/key", "adjacent periods"),
        ("s3://192.168.1.1/key", "IP address"),
        ("s3://bucket/../etc/passwd", "'..'"),
        ("s3://bucket/a/../../b", "'..'"),
        ("s3://bucket/./a", "'.'"),
        ("s3://bucket/a//b", "empty"),
        ("s3://bucket/a\\b", "backslashes"),
        ("s3://bucket/", "prefix"),
        ("s3://bucket", "prefix"),
    ],
)
def test_bad_uris_are_refused_naming_the_uri(uri, why):
    with pytest.raises(ValueError) as err:
        parse_s3_uri(uri)
    assert repr(uri) in str(err.value) and why in str(err.value)


def test_store_refuses_traversal_before_touching_disk(store, tmp_path):
    with pytest.raises(ValueError, match=r"\.\."):
        store.put("s3://bucket/../../escape.txt", b"x")
    assert not (tmp_path / "escape.txt").exists()


def test_non_string_uri_is_a_type_error():
    with pytest.raises(TypeError, match="uri must be a string"):
        parse_s3_uri(42)


def test_prefix_uris_parse_when_allowed():
    assert parse_s3_uri("s3://bucket/data/", allow_prefix=True).key == "data/"
    assert parse_s3_uri("s3://bucket/", allow_prefix=True).key == ""
