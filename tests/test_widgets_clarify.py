"""Clarify widgets in plain pytest: set controls, read results, see bad input in the banner."""

import pytest

from widgets.clarify import BiasExplorer, ShapExplorer


def test_removing_the_injected_gap_brings_dpl_near_zero():
    w = BiasExplorer(approval_gap=0.2)
    assert w.result.value("DPL") == pytest.approx(0.2, abs=0.06)  # 3,000 rows: SE about 0.02
    w.controls["approval_gap"].value = 0.0
    assert w.result.value("DPL") == pytest.approx(0.0, abs=0.06)


def test_composition_gap_keeps_dpl_but_removes_cddl():
    w = BiasExplorer(approval_gap=0.2, gap_source="composition")
    assert w.result.value("DPL") == pytest.approx(0.2, abs=0.06)
    assert w.result.value("CDDL") == pytest.approx(0.0, abs=0.06)  # truth: expected_cdd = 0


def test_changing_the_facet_offers_its_values_and_recomputes_once():
    w = BiasExplorer()
    w.controls["facet"].value = "department"
    assert w.controls["facet_value"].value == "auto"
    assert w.result.facet == "department" and w.result.facets[0]["value_or_threshold"] == "auto"
    w.controls["facet"].value = "income"  # numeric: thresholds
    assert w.result.facets[0]["kind"] == "threshold"


def test_bars_show_the_metric_values():
    w = BiasExplorer()
    widths = [b.get_width() for b in w._bars]
    assert widths[1] == pytest.approx(max(-1, min(1, w.result.value("DPL"))))
    assert "DPL" in w.readings.value


def test_a_credit_score_label_uses_the_threshold():
    w = BiasExplorer()
    w.set(label="credit_score", label_threshold=700)
    assert w.result.label_rule == {"kind": "threshold", "threshold": 700.0, "text": "> 700"}
    # approved applicants score 715 on average, rejected 655 (the generator's truth): facet a,
    # approved more often, also has more scores above 700, so DPL keeps its sign
    assert w.result.value("DPL") > 0


def test_an_impossible_gap_shows_the_engine_message_and_keeps_the_last_result():
    w = BiasExplorer()
    before = w.result
    w.controls["approval_gap"].value = -0.3  # rates would leave [0, 1] for the 0.85 department
    assert "approval_gap must be between" in w.error and w.result is before
    assert "approval_gap" in w.banner.value
    w.controls["approval_gap"].value = 0.1
    assert w.error is None


def test_shap_explorer_switches_model_and_row():
    w = ShapExplorer(n_explained=15)
    assert w.result.method == "tree"
    w.controls["row"].value = 3
    assert "applicant 3" in w.local_table.value
    w.controls["model"].value = "logistic"
    assert w.result.method == "kernel" and w.result.output == "probability"
    assert [b.get_width() for b in w._gbars] == pytest.approx(
        [w.result.global_importance()[f] for f in ShapExplorer.features])


def test_a_facet_change_reuses_the_generated_rows(monkeypatch):
    import mlkit.datasets

    w = BiasExplorer(n_rows=1000)
    calls = []
    real = mlkit.datasets.loans
    monkeypatch.setattr(mlkit.datasets, "loans", lambda *a, **k: calls.append(k) or real(*a, **k))
    w.controls["facet"].value = "department"
    assert calls == [] and w.result.facet == "department"
    w.controls["approval_gap"].value = 0.0  # other rows: generated once
    assert len(calls) == 1
