"""The claims ledger's core: claims as validated data, measuring, errors kept, records, the page."""

import json
import sys
import types

import pytest

from mlkit import claims
from mlkit.claims.ledger import Claim, ClaimsError, Measurement


# --------------------------------------------------------------------------- fake measures
@pytest.fixture
def fake(monkeypatch, tmp_path):
    """A module of measures and a claims folder using them (topic 'variants')."""
    mod = types.ModuleType("fake_measures")
    calls = []

    def ok(seed):
        calls.append(seed)
        return Measurement("holds", {"share": 2 / 3, "n": 600 + seed, "ms": 1.5}, volatile=("ms",))

    def refuted(seed):
        return Measurement("refuted", {"x": 1}, corrected="the other way round")

    def boom(seed):
        raise RuntimeError("the engine fell over")

    def not_a_measurement(seed):
        return {"verdict": "holds"}

    def interrupt(seed):
        raise KeyboardInterrupt

    for fn in (ok, refuted, boom, not_a_measurement, interrupt):
        setattr(mod, fn.__name__, fn)
    monkeypatch.setitem(sys.modules, "fake_measures", mod)
    folder = tmp_path / "claims"
    folder.mkdir()

    def write(*names, topic="variants"):
        entries = [
            {"id": f"c-{n.replace('_', '-')}", "topic": topic, "claim": f"claim {n}", "notes_section": "S",
             "measure": f"fake_measures:{n}", "confirms": "c", "refutes": "r"}
            for n in names
        ]
        import yaml

        (folder / f"{topic}.yaml").write_text(yaml.safe_dump(entries), encoding="utf-8")
        return claims.load_claims(folder)

    mod.calls, mod.write, mod.folder = calls, write, folder
    return mod


def _entry(**over):
    base = {"id": "x-one", "topic": "variants", "claim": "c", "notes_section": "s",
            "measure": "fake_measures:ok", "confirms": "c", "refutes": "r"}
    base.update(over)
    return base


def _load(tmp_path, entries, name="variants.yaml"):
    import yaml

    (tmp_path / name).write_text(yaml.safe_dump(entries), encoding="utf-8")
    return claims.load_claims(tmp_path)


# --------------------------------------------------------------------------- loading
@pytest.mark.parametrize(
    "over, message",
    [
        ({"claim": ""}, r"variants.yaml entry 1, claim 'x-one': field 'claim' is required"),
        ({"id": "Bad Id"}, r"field 'id' must match \[a-z0-9\]\[a-z0-9-\]\*, got 'Bad Id'"),
        ({"topic": "nlp"}, r"field 'topic' must be one of .*got 'nlp'"),
        ({"measure": "no colon"}, r"field 'measure' must look like 'package.module:function', got 'no colon'"),
        ({"quick": "yes"}, r"field 'quick' must be true or false, got 'yes'"),
        ({"colour": "red"}, r"field 'colour' is not allowed"),
        ({"claim": 3}, r"field 'claim' must be a string, got int"),
    ],
)
def test_a_malformed_claim_names_file_claim_and_field(tmp_path, over, message):
    with pytest.raises(ClaimsError, match=message):
        _load(tmp_path, [_entry(**over)])


def test_a_duplicate_id_names_the_file_that_has_it(tmp_path):
    _load(tmp_path, [_entry()], "a.yaml")
    with pytest.raises(ClaimsError, match=r"b.yaml: claim id 'x-one' is already used in a.yaml"):
        _load(tmp_path, [_entry()], "b.yaml")


def test_claims_come_in_study_order_of_their_topics(tmp_path):
    _load(tmp_path, [_entry(id="late", topic="edge")], "a.yaml")
    loaded = _load(tmp_path, [_entry(id="early", topic="start")], "b.yaml")
    assert [c.id for c in loaded] == ["early", "late"]  # start is topic 0, edge 15


def test_an_unknown_claim_id_suggests_close_ones():
    with pytest.raises(ClaimsError, match=r"got 'variants-weights-two-to-on'; did you mean variants-weights-two-to-one"):
        claims.get_claim("variants-weights-two-to-on")


def test_a_claim_knows_its_topic_notebook():
    assert claims.get_claim("variants-weights-two-to-one").notebook == "06_variants_and_deployment.ipynb"


# --------------------------------------------------------------------------- measurements
@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"verdict": "true"}, r"verdict must be one of holds, holds with conditions, refuted, got 'true'"),
        ({"verdict": "holds with conditions"}, r"condition must state the conditions"),
        ({"verdict": "refuted"}, r"corrected must state what holds instead"),
        ({"verdict": "holds", "figures": {}}, r"figures must be a non-empty mapping"),
        ({"verdict": "holds", "volatile": ("seconds",)}, r"volatile must name figures of this measurement"),
        ({"verdict": "holds", "figures": {"x": [1, 2]}}, r"a figure must be a number or a short string, got list"),
    ],
)
def test_a_measurement_refuses_what_a_ledger_could_not_state(kwargs, message):
    kwargs.setdefault("figures", {"x": 1})
    with pytest.raises((ValueError, TypeError), match=message):
        Measurement(**kwargs)


def test_figures_keep_six_significant_digits_so_a_record_is_stable_text():
    import numpy as np

    m = Measurement("holds", {"a": 2 / 3, "b": np.float64(123456789.0), "c": np.int64(7), "z": np.float64(0.0),
                              "t": np.bool_(True)})
    assert m.figures == {"a": 0.666667, "b": 123457000.0, "c": 7, "z": 0.0, "t": True}
    assert [type(m.figures[k]) for k in "bczt"] == [float, int, float, bool]


# --------------------------------------------------------------------------- checking
def test_check_measures_with_the_seed_and_returns_verdicts_and_figures(fake):
    loaded = fake.write("ok", "refuted")
    ledger = claims.check(seed=3, progress=False, claims=loaded)
    assert [r.status for r in ledger] == ["holds", "refuted"]
    assert ledger.get("c-ok").figures["n"] == 603 and fake.calls == [3]
    assert ledger.get("c-refuted").corrected == "the other way round"


def test_a_measure_that_raises_is_an_error_row_not_a_dropped_one(fake):
    loaded = fake.write("ok", "boom", "not_a_measurement", "refuted")
    ledger = claims.check(progress=False, claims=loaded)
    assert [r.status for r in ledger] == ["holds", "error", "error", "refuted"]
    assert "RuntimeError: the engine fell over" in ledger.get("c-boom").error
    assert "returned dict, not a Measurement" in ledger.get("c-not-a-measurement").error
    assert ledger.counts()["error"] == 2


def test_a_measure_that_cannot_be_imported_is_an_error_row(fake, tmp_path):
    loaded = _load(tmp_path, [_entry(measure="fake_measures:missing")])
    (row,) = claims.check(progress=False, claims=loaded)
    assert row.status == "error" and "cannot be imported" in row.error


def test_ctrl_c_keeps_the_rows_measured_so_far(fake):
    loaded = fake.write("ok", "interrupt", "refuted")
    ledger = claims.check(progress=False, claims=loaded)
    assert ledger.interrupted and [r.status for r in ledger] == ["holds"]


def test_a_seed_must_be_a_non_negative_integer(fake):
    loaded = fake.write("ok")
    with pytest.raises(TypeError, match="seed must be an integer >= 0"):
        claims.check(seed=None, progress=False, claims=loaded)


def test_ids_and_topic_cannot_both_be_given():
    with pytest.raises(ValueError, match="give ids or topic, not both"):
        claims.check("variants-weights-two-to-one", topic="variants")


def test_filter_keeps_a_topic_or_a_status(fake):
    ledger = claims.check(progress=False, claims=fake.write("ok", "refuted"))
    assert [r.id for r in ledger.filter(status="refuted")] == ["c-refuted"]
    assert len(ledger.filter(topic="edge")) == 0
    with pytest.raises(ValueError, match="status must be one of"):
        ledger.filter(status="false")


# --------------------------------------------------------------------------- recording
def test_record_then_recorded_gives_the_same_rows(fake, tmp_path):
    loaded = fake.write("ok", "boom")
    ledger = claims.check(seed=1, progress=False, claims=loaded)
    path = claims.record(ledger, tmp_path / "results.json")
    back = claims.recorded(path, claims=loaded)
    assert [(r.id, r.status, r.source) for r in back] == [("c-ok", "holds", "recorded"), ("c-boom", "error", "recorded")]
    assert back.get("c-ok").figures == ledger.get("c-ok").figures and back.seed == 1
    assert all(not claims.compare(a, b) for a, b in zip(back, ledger))


def test_recording_one_claim_keeps_the_other_rows(fake, tmp_path):
    loaded = fake.write("ok", "refuted")
    path = claims.record(claims.check(progress=False, claims=loaded), tmp_path / "r.json", claims=loaded)
    claims.record(claims.check(["c-ok"], seed=5, progress=False, claims=loaded), path, claims=loaded)
    rows = {r["id"]: r for r in json.loads(path.read_text())["results"]}
    assert rows["c-ok"]["figures"]["n"] == 605 and rows["c-refuted"]["status"] == "refuted"


def test_an_interrupted_run_is_not_recorded(fake, tmp_path):
    ledger = claims.check(progress=False, claims=fake.write("ok", "interrupt"))
    with pytest.raises(ValueError, match="interrupted"):
        claims.record(ledger, tmp_path / "r.json")


def test_a_claim_never_recorded_shows_as_not_measured(fake, tmp_path):
    back = claims.recorded(tmp_path / "none.json", claims=fake.write("ok"))
    assert [r.status for r in back] == ["not measured"]


def test_compare_names_what_changed_and_ignores_volatile_figures(fake):
    (past,) = claims.check(seed=0, progress=False, claims=fake.write("ok"))
    now = claims.ClaimResult(past.claim, "holds", dict(past.figures, ms=99.0), volatile=("ms",))
    assert claims.compare(past, now) == []
    now.figures["n"] = 601
    now.status = "refuted"
    assert claims.compare(past, now) == ["status: recorded 'holds', measured 'refuted'",
                                         "figure n: recorded 600, measured 601"]


# --------------------------------------------------------------------------- the page
def test_the_page_has_a_section_per_topic_with_verdicts_and_notebook_links(fake, tmp_path):
    ledger = claims.check(progress=False, claims=fake.write("ok", "boom"))
    page = claims.render_markdown(ledger)
    assert "## 06 Production and shadow variants, deployment guardrails" in page
    assert "[`06_variants_and_deployment.ipynb`](../notebooks/06_variants_and_deployment.ipynb)" in page
    assert "| **c-ok**: claim ok | holds | share = 0.6667; n = 600; ms = 1.5 |  |" in page
    assert "| **c-boom**: claim boom | error |" in page and "**1 holds, 1 error**" in page


def test_html_shows_each_row_with_its_verdict(fake):
    html = claims.check(progress=False, claims=fake.write("ok", "refuted"))._repr_html_()
    assert html.count("<tr>") == 3 and "the other way round" in html and "1 holds, 1 refuted" in html
