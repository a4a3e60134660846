"""Scaling widgets: set controls, read results, see bad input in the banner, redraw in place."""

from widgets.scaling import MultiModelCacheExplorer, ScalingWeek


def test_a_bigger_budget_raises_the_hit_rate():
    w = MultiModelCacheExplorer(n_models=200, memory_budget_mb=500, model_mb=100)
    small = w.result.hit_rate
    w.controls["memory_budget_mb"].value = 10_000  # 100 of 200 models fit instead of 5
    assert w.result.hit_rate > small + 0.2
    assert "hit rate" in w.table.value.lower()


def test_budget_below_one_model_shows_the_engine_message():
    w = MultiModelCacheExplorer(n_models=50, memory_budget_mb=1000, model_mb=100)
    before = w.result
    w.set(memory_budget_mb=50)
    assert "memory_budget_mb must hold at least one model" in w.error and w.result is before


def test_cache_figure_bars_follow_the_result():
    w = MultiModelCacheExplorer(n_models=100, memory_budget_mb=1000, model_mb=100)
    bars = w._lat_bars
    w.controls["skew"].value = 2.0
    assert w._lat_bars is bars and w._hit_bar[0].get_height() == w.result.hit_rate


def test_turning_target_tracking_on_changes_the_fleet():
    w = ScalingWeek(target_tracking=False, scheduled=False, initial_instances=4)
    assert w.result.summary.name == "none" and w.result.timeline["instances"].eq(4).all()
    w.controls["target_tracking"].value = True
    assert w.result.summary.name == "target tracking" and w.result.summary.scale_outs > 0


def test_min_above_max_shows_the_engine_message():
    w = ScalingWeek()
    w.set(min_capacity=8, max_capacity=3)
    assert "MinCapacity must be <= MaxCapacity" in w.error
    w.set(min_capacity=1)
    assert w.error is None


def test_the_instance_line_steps_where_the_fleet_changes():
    import numpy as np

    w = ScalingWeek(scheduled=False)
    w.controls["target_value"].value = 2000.0
    billed = w.result.timeline["billed_instances"].to_numpy()
    hours, counts = w.instance_steps
    # a step line through the change points redraws every minute of the week exactly
    assert np.array_equal(np.repeat(counts, np.diff(np.append(np.round(hours * 60).astype(int), len(billed)))), billed)
    assert w.chart.value.count("<path class='instances'") == 1 and w.chart.value.endswith("</svg>")


def test_the_traffic_is_drawn_once_per_seed():
    w = ScalingWeek(scheduled=False)
    static = w._static
    w.controls["target_tracking"].value = False
    assert w._static is static  # only the instance and throttle lines are new
    w.controls["seed"].value = 1
    assert w._static is not static and w._static[0] == 1


def test_cache_replay_decides_as_get_then_put_per_request():
    import numpy as np

    from mlkit.inference.multimodel import ModelCache

    keys = np.random.default_rng(3).integers(0, 12, size=2000).tolist()
    one_by_one, fast = ModelCache(500), ModelCache(500)  # 5 models of 100 bytes fit
    missed = []
    for k in keys:
        if one_by_one.get(k) is None:
            one_by_one.put(k, True, 100)
            missed.append(True)
        else:
            missed.append(False)
    assert fast.replay(keys, 100).tolist() == missed
    assert (fast.evictions, fast.used_bytes, list(fast.keys())) == \
        (one_by_one.evictions, one_by_one.used_bytes, list(one_by_one.keys()))


def test_cache_replay_refuses_a_model_bigger_than_the_budget():
    import pytest

    from mlkit.inference.multimodel import ModelCache

    with pytest.raises(ValueError, match="memory_budget_mb is only"):
        ModelCache(100).replay(["a"], 101)


def test_the_explorer_replays_every_request():
    w = MultiModelCacheExplorer(n_models=3, memory_budget_mb=1000, model_mb=100)
    # 3 models, all fit: exactly one cold load each, the rest of the 20,000 are hits
    assert (w.result.requests, w.result.cold_loads, w.result.evictions) == (20_000, 3, 0)
