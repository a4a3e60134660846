"""The inference-mode explorer: set controls, read the comparison, see bad input in the banner."""

from widgets import InferenceModeExplorer


def test_changing_the_payload_changes_the_recommendation():
    w = InferenceModeExplorer(traffic="steady", rate_rps=0.5, hours=1.0)
    assert w.result.recommendation.mode == "real-time"
    w.controls["payload_mb"].value = 20.0  # over the 6 MB real-time limit
    assert w.result.recommendation.mode == "async"
    assert "asynchronous" in w.recommendation.value


def test_a_too_big_workload_shows_the_engine_message_and_keeps_the_last_result():
    w = InferenceModeExplorer(traffic="steady", rate_rps=1.0, hours=1.0)
    before = w.result
    w.set(rate_rps=100.0, hours=24.0)
    assert "max_requests" in w.error and w.result is before
    w.set(rate_rps=1.0, hours=1.0)
    assert w.error is None


def test_the_figure_is_redrawn_in_place():
    w = InferenceModeExplorer(traffic="steady", rate_rps=1.0, hours=1.0)
    fig, bars = w.figure, w._cost_bars
    w.controls["traffic"].value = "intermittent"
    assert w.figure is fig and w._cost_bars is bars
    # the cost bars show the table's costs (a zero cost sits below the log axis, at 1e-6)
    assert [b.get_height() for b in bars] == [max(c, 1e-6) for c in w.result.table["cost"]]


def test_ticking_cold_starts_ok_turns_idle_interactive_traffic_serverless():
    w = InferenceModeExplorer(traffic="intermittent", rate_rps=1.0, hours=2.0, latency="interactive")
    assert w.result.recommendation.mode == "real-time"
    w.controls["cold_starts_ok"].value = True
    assert w.result.recommendation.mode == "serverless"


def test_going_back_to_a_setting_reuses_its_comparison(monkeypatch):
    import mlkit.inference.explore

    w = InferenceModeExplorer(traffic="steady", rate_rps=0.5, hours=1.0)
    first = w.result
    w.controls["traffic"].value = "spiky"
    calls = []
    monkeypatch.setattr(mlkit.inference.explore, "compare_modes", lambda **k: calls.append(k))
    w.controls["traffic"].value = "steady"
    assert calls == [] and w.result is first
