"""Model artifacts: no-pickle formats, trusted types, SageMaker-style model.tar.gz, safe extraction."""

import io
import json
import pickle
import tarfile

import numpy as np
import pytest

from mlkit.artifacts import (
    MANIFEST_NAME,
    ArtifactError,
    UnsafeArchiveError,
    UntrustedTypesError,
    load_model,
    safe_extract,
    save_model,
)
from mlkit.storage import LocalBucketStore


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 5)).astype(np.float32)
    y = (X[:, 0] - X[:, 1] > 0).astype(int)
    return X, y


def test_xgboost_booster_roundtrip_predicts_identically(data, tmp_path):
    import xgboost as xgb

    X, y = data
    booster = xgb.train({"objective": "binary:logistic", "max_depth": 3}, xgb.DMatrix(X, label=y), 10)
    loaded = load_model(save_model(booster, tmp_path / "model.tar.gz"))
    assert type(loaded).__name__ == "Booster"
    # same trees, same float32 arithmetic: identical outputs
    np.testing.assert_array_equal(loaded.inplace_predict(X), booster.inplace_predict(X))


def test_xgbclassifier_roundtrip_keeps_its_class_and_labels(data, tmp_path):
    import xgboost as xgb

    X, y = data
    clf = xgb.XGBClassifier(n_estimators=10, max_depth=3).fit(X, y)
    loaded = load_model(save_model(clf, tmp_path / "clf"))
    assert isinstance(loaded, xgb.XGBClassifier)
    np.testing.assert_array_equal(loaded.predict(X), clf.predict(X))


def test_sklearn_roundtrip_through_skops(data, tmp_path):
    from sklearn.linear_model import LogisticRegression

    X, y = data
    lr = LogisticRegression().fit(X, y)
    loaded = load_model(save_model(lr, tmp_path / "lr.tar.gz"))
    np.testing.assert_array_equal(loaded.predict(X), lr.predict(X))


def test_untrusted_skops_types_are_refused_by_default(data, tmp_path):
    from sklearn.tree import DecisionTreeClassifier

    X, y = data
    uri = save_model(DecisionTreeClassifier(max_depth=2).fit(X, y), tmp_path / "tree.tar.gz")
    with pytest.raises(UntrustedTypesError) as err:
        load_model(uri)
    assert "sklearn.tree._tree.Tree" in err.value.types
    assert "tree.tar.gz" in str(err.value) and "trusted=" in str(err.value)


def test_untrusted_types_load_when_explicitly_trusted(data, tmp_path):
    from sklearn.tree import DecisionTreeClassifier

    X, y = data
    tree = DecisionTreeClassifier(max_depth=2).fit(X, y)
    loaded = load_model(save_model(tree, tmp_path / "tree.tar.gz"), trusted=["sklearn.tree._tree.Tree"])
    np.testing.assert_array_equal(loaded.predict(X), tree.predict(X))


def test_tarball_holds_model_and_manifest_at_root(data, tmp_path):
    from sklearn.linear_model import LinearRegression

    X, y = data
    uri = save_model(LinearRegression().fit(X, y), tmp_path / "m.tar.gz")
    with tarfile.open(uri) as tar:
        names = sorted(tar.getnames())
        manifest = json.load(tar.extractfile(MANIFEST_NAME))
    assert names == [MANIFEST_NAME, "model.skops"]
    assert manifest["framework"] == "sklearn"
    assert manifest["model_class"].endswith("LinearRegression")
    assert manifest["n_features"] == 5


def test_folder_target_gets_model_tar_gz(data, tmp_path):
    from sklearn.linear_model import LinearRegression

    X, y = data
    uri = save_model(LinearRegression().fit(X, y), tmp_path / "out")
    assert uri.endswith("/out/model.tar.gz")


def test_s3_roundtrip_through_the_local_bucket(data, tmp_path):
    from sklearn.linear_model import LinearRegression

    X, y = data
    store = LocalBucketStore(tmp_path / "s3")
    lr = LinearRegression().fit(X, y)
    uri = save_model(lr, "s3://models/lr/", store=store)
    assert uri == "s3://models/lr/model.tar.gz" and store.exists(uri)
    np.testing.assert_allclose(load_model(uri, store=store).predict(X), lr.predict(X))


def test_unsupported_model_is_refused():
    with pytest.raises(ArtifactError, match="model must be an XGBoost model"):
        save_model(object(), "/tmp/never.tar.gz")


def test_unfitted_sklearn_model_is_refused(tmp_path):
    from sklearn.linear_model import LinearRegression

    with pytest.raises(ArtifactError, match="fitted"):
        save_model(LinearRegression(), tmp_path / "m.tar.gz")


def test_pickle_files_are_refused(tmp_path):
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps({"a": 1}))
    with pytest.raises(ArtifactError, match="pickle"):
        load_model(path)


def test_missing_manifest_is_a_clear_error(tmp_path):
    path = tmp_path / "bare.tar.gz"
    _tar(path, [_file("model.bin", b"x")])
    with pytest.raises(ArtifactError, match=MANIFEST_NAME):
        load_model(path)


def test_missing_path_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.tar.gz"):
        load_model(tmp_path / "nope.tar.gz")


# -- crafted tarballs -------------------------------------------------------------
def _file(name, data=b"x"):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def _link(name, target, kind=tarfile.SYMTYPE):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    return info, None


def _tar(path, members):
    with tarfile.open(path, "w:gz") as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


@pytest.mark.parametrize(
    "members, reason",
    [
        ([_file("/etc/evil", b"x")], "absolute path"),
        ([_file("../evil", b"x")], "'..'"),
        ([_file("ok/../../evil", b"x")], "'..'"),
        ([_link("link", "/etc/passwd")], "absolute path"),
        ([_link("link", "../../outside")], "outside"),
        ([_link("hard", "../outside", tarfile.LNKTYPE)], "outside"),
        ([_link("hard", "/etc/passwd", tarfile.LNKTYPE)], "absolute path"),
    ],
    ids=["absolute", "dotdot", "nested-dotdot", "symlink-absolute", "symlink-up", "hardlink-up", "hardlink-abs"],
)
def test_unsafe_archive_members_are_refused_and_nothing_is_extracted(tmp_path, members, reason):
    archive = _tar(tmp_path / "evil.tar.gz", [_file("fine.txt", b"ok")] + members)
    dest = tmp_path / "dest"
    with pytest.raises(UnsafeArchiveError, match=reason):
        safe_extract(archive, dest)
    assert list(dest.iterdir()) == []  # checked before anything is written
    assert not (tmp_path / "outside").exists() and not (tmp_path / "evil").exists()


def test_device_members_are_refused(tmp_path):
    info = tarfile.TarInfo("dev")
    info.type = tarfile.CHRTYPE
    archive = _tar(tmp_path / "dev.tar.gz", [(info, None)])
    with pytest.raises(UnsafeArchiveError, match="device"):
        safe_extract(archive, tmp_path / "dest")


def test_member_written_through_a_planted_link_is_refused(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    archive = _tar(tmp_path / "evil.tar.gz", [_link("sub", str(outside)), _file("sub/evil", b"x")])
    with pytest.raises(UnsafeArchiveError):
        safe_extract(archive, tmp_path / "dest")
    assert not (outside / "evil").exists()


def test_links_that_stay_inside_are_extracted(tmp_path):
    archive = _tar(tmp_path / "ok.tar.gz", [_file("data/a.txt", b"hello"), _link("alias.txt", "data/a.txt")])
    dest = tmp_path / "dest"
    assert sorted(safe_extract(archive, dest)) == ["alias.txt", "data/a.txt"]
    assert (dest / "alias.txt").read_bytes() == b"hello"


def test_pack_folder_writes_the_files_at_the_archive_root_in_name_order(tmp_path):
    from mlkit.artifacts import pack_folder

    (tmp_path / "b.bin").write_bytes(b"\x00\x01")
    (tmp_path / "a.json").write_text("{}")
    buf = io.BytesIO()
    pack_folder(tmp_path, buf)
    with tarfile.open(fileobj=io.BytesIO(buf.getvalue()), mode="r:gz") as tar:
        members = tar.getmembers()
        assert [m.name for m in members] == ["a.json", "b.bin"]  # no folder prefix: SageMaker's layout
        assert {(m.uid, m.gid, m.uname, m.gname) for m in members} == {(0, 0, "", "")}
        assert tar.extractfile("b.bin").read() == b"\x00\x01"
