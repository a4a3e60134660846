"""The ClaimsLedger widget: filter by topic and verdict, re-measure a topic's quick claims."""

import sys
import types

import pytest

from mlkit import claims
from mlkit.claims.ledger import Measurement
from widgets.claims import ClaimsLedger


@pytest.fixture
def ledger(monkeypatch, tmp_path):
    import yaml

    mod = types.ModuleType("fake_widget_measures")
    mod.holds = lambda seed: Measurement("holds", {"n": seed + 1})
    mod.refuted = lambda seed: Measurement("refuted", {"n": 2}, corrected="it is the other way")
    monkeypatch.setitem(sys.modules, "fake_widget_measures", mod)
    entries = [
        {"id": "a-holds", "topic": "variants", "claim": "A", "notes_section": "s", "measure": "fake_widget_measures:holds",
         "confirms": "c", "refutes": "r", "quick": True},
        {"id": "b-refuted", "topic": "rl", "claim": "B", "notes_section": "s", "measure": "fake_widget_measures:refuted",
         "confirms": "c", "refutes": "r"},
    ]
    (tmp_path / "x.yaml").write_text(yaml.safe_dump(entries))
    return claims.check(progress=False, claims=claims.load_claims(tmp_path))


def test_the_widget_shows_every_claim_and_a_bar_per_topic(ledger):
    w = ClaimsLedger(ledger)
    assert [r.id for r in w.result] == ["a-holds", "b-refuted"]
    assert "2 of 2 claims" in w.table.value and "it is the other way" in w.table.value
    assert w.chart.value.startswith("<svg") and ">variants<" in w.chart.value and ">rl<" in w.chart.value


def test_filtering_by_topic_and_verdict(ledger):
    w = ClaimsLedger(ledger)
    w.set(status="refuted")
    assert [r.id for r in w.result] == ["b-refuted"] and "1 of 2 claims" in w.table.value
    w.set(status="all", topic="variants")
    assert [r.id for r in w.result] == ["a-holds"]
    w.set(status="holds", topic="rl")
    assert len(w.result) == 0 and "0 of 2 claims" in w.table.value


def test_measure_now_needs_a_topic(ledger):
    w = ClaimsLedger(ledger)
    w.measure_button.click()
    assert "choose a topic first" in w.error


def test_the_package_ledger_opens_with_every_recorded_claim():
    w = ClaimsLedger()
    assert len(w.result) == len(claims.load_claims()) and w.error is None


def test_measure_now_re_measures_the_topics_quick_claims():
    w = ClaimsLedger(topic="variants")
    w.measure_button.click()
    row = w.ledger.get("variants-weights-two-to-one")  # quick: about 1 s
    assert row.source == "measured" and row.status == "holds" and w.error is None
    assert {r.source for r in w.ledger if r.claim.topic != "variants"} == {"recorded"}
