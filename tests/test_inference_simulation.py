"""mlkit.inference.simulation: traffic against each inference mode."""

import json
import math

import numpy as np
import pandas as pd
import pytest

from mlkit.inference.config import MB, AsyncInferenceConfig, BatchTransformConfig, RealTimeConfig, ServerlessConfig
from mlkit.inference.prices import Prices
from mlkit.inference.simulation import OUTCOMES, ModelProfile, TrafficPattern, compare, simulate


def _gap_traffic(gap_s):
    """One request at ~0 s and one at ~gap_s s, nothing in between."""
    return TrafficPattern(((0.0, 0.001, 0.0), (0.001, gap_s, 0.0), (gap_s, gap_s + 0.001, 0.0)), counts=(1, 0, 1))


def _erlang_b(load, servers):
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return b


# ----------------------------------------------------------------------------- real-time


def test_realtime_single_instance_matches_md1_waiting_time():
    # M/D/1 (Pollaczek-Khinchine): Wq = lambda * D^2 / (2 (1 - rho)); lambda=5/s, D=0.1 s -> rho=0.5, Wq=0.05 s.
    # 36,000 requests: five seeds stay within 3%; 8% leaves room for the sampling error.
    result = simulate(RealTimeConfig(InitialInstanceCount=1), TrafficPattern.steady(5, 7200), ModelProfile(latency_ms=100), seed=0)
    wait = (result.requests.start - result.requests.arrival).mean()
    assert wait == pytest.approx(0.05, rel=0.08)


def test_realtime_cost_is_instance_hours_times_price_exactly():
    prices = Prices(instance_per_hour={"ml.c5.xlarge": 0.2})
    result = simulate(RealTimeConfig("ml.c5.xlarge", 3), TrafficPattern.steady(1, 7200), prices=prices)
    # 3 instances for the 2-hour window, busy or idle.
    assert result.summary.instance_hours == 6.0
    assert result.summary.cost == pytest.approx(6.0 * 0.2, abs=1e-12)


def test_realtime_processing_over_60s_times_out():
    result = simulate(RealTimeConfig(), TrafficPattern.steady(0.001, 36000), ModelProfile(latency_ms=70_000))
    assert set(result.requests.outcome) == {"timeout"}
    # The caller gets the error at the 60 s limit.
    assert np.allclose(result.requests.end - result.requests.arrival, 60.0)


def test_realtime_overload_queues_into_timeouts():
    # rho = 20/s * 0.1 s = 2 on one instance: the queue grows without bound, so later requests pass 60 s.
    result = simulate(RealTimeConfig(), TrafficPattern.steady(20, 600), ModelProfile(latency_ms=100))
    assert result.summary.errors["timeout"] > 0
    assert result.summary.cold_starts == 0


def test_realtime_more_instances_cut_the_wait():
    traffic, profile = TrafficPattern.steady(8, 3600), ModelProfile(latency_ms=100)
    one = simulate(RealTimeConfig(InitialInstanceCount=1), traffic, profile, seed=1).summary
    four = simulate(RealTimeConfig(InitialInstanceCount=4), traffic, profile, seed=1).summary
    # rho 0.8 on one instance vs 0.2 per instance on four: M/D/1 mean wait drops from 0.2 s to ~0.0125 s.
    assert four.mean_ms < one.mean_ms / 2


# ----------------------------------------------------------------------------- serverless


def test_serverless_cold_start_after_an_idle_gap_longer_than_keep_warm():
    profile = ModelProfile(latency_ms=100, cold_start_s=5)
    result = simulate(ServerlessConfig(), _gap_traffic(1000), profile, keep_warm_s=600)
    assert list(result.requests.outcome) == ["cold_start", "cold_start"]
    # latency = cold start + processing
    assert result.requests.latency.iloc[1] == pytest.approx(5.1)


def test_serverless_stays_warm_within_keep_warm():
    result = simulate(ServerlessConfig(), _gap_traffic(1000), ModelProfile(latency_ms=100), keep_warm_s=2000)
    assert list(result.requests.outcome) == ["cold_start", "ok"]


def test_serverless_no_cold_start_when_provisioned_concurrency_covers_load():
    traffic = TrafficPattern.bursty(2, 6 * 3600, busy_s=60, idle_s=1800)
    profile = ModelProfile(latency_ms=200, cold_start_s=5)
    on_demand = simulate(ServerlessConfig(MaxConcurrency=20), traffic, profile, seed=3).summary
    provisioned = simulate(ServerlessConfig(MaxConcurrency=20, ProvisionedConcurrency=20), traffic, profile, seed=3).summary
    assert on_demand.cold_starts >= 6  # at least one per burst after a 30-minute idle period
    assert provisioned.cold_starts == 0
    # and provisioned concurrency is paid for the whole window
    assert provisioned.cost_breakdown["provisioned_concurrency"] > 0
    assert provisioned.cost > on_demand.cost


def test_serverless_throttles_match_erlang_b_when_demand_exceeds_max_concurrency():
    # No cold start: the endpoint is an M/D/c/c loss system; blocking = Erlang B(load=8, c=10) = 0.1217.
    # 57,600 requests: sampling error ~0.002, tolerance 0.01.
    result = simulate(ServerlessConfig(MaxConcurrency=10), TrafficPattern.steady(8, 7200),
                      ModelProfile(latency_ms=1000, cold_start_s=0), seed=0)
    share = result.summary.errors["throttled"] / result.summary.requests
    assert share == pytest.approx(_erlang_b(8, 10), abs=0.01)


def test_serverless_no_throttles_when_max_concurrency_is_ample():
    result = simulate(ServerlessConfig(MaxConcurrency=200), TrafficPattern.steady(8, 3600),
                      ModelProfile(latency_ms=1000, cold_start_s=0))
    # Poisson(8) concurrency never reaches 200.
    assert "throttled" not in result.summary.errors


def test_serverless_processing_over_60s_times_out():
    result = simulate(ServerlessConfig(), TrafficPattern.steady(0.01, 3600), ModelProfile(latency_ms=61_000, cold_start_s=0))
    assert set(result.requests.outcome) == {"timeout"}


def test_serverless_payload_over_4mb_is_too_large():
    traffic = TrafficPattern.large_payloads(1, 600, payload_bytes=5 * MB)
    assert set(simulate(ServerlessConfig(), traffic).requests.outcome) == {"too_large"}
    # async takes the same payloads
    assert "too_large" not in simulate(AsyncInferenceConfig(), traffic).summary.errors


def test_serverless_cost_is_compute_and_data():
    prices = Prices(serverless_per_gb_second=1.0, serverless_per_gb_data=0.0)
    result = simulate(ServerlessConfig(MemorySizeInMB=2048), TrafficPattern.steady(1, 600),
                      ModelProfile(latency_ms=100, cold_start_s=1), prices=prices)
    served = result.summary.requests
    # 2 GB x 0.1 s per request x $1 per GB-s (cold starts are not billed)
    assert result.summary.cost == pytest.approx(served * 0.2, rel=1e-9)


def test_serverless_model_must_fit_memory():
    with pytest.raises(ValueError, match=r"profile.memory_mb \(3000\) exceeds ServerlessConfig.MemorySizeInMB \(2048\)"):
        simulate(ServerlessConfig(MemorySizeInMB=2048), TrafficPattern.steady(1, 60), ModelProfile(memory_mb=3000))


# ----------------------------------------------------------------------------- async


def test_async_scales_to_zero_between_bursts_and_cold_starts_after():
    traffic = TrafficPattern.bursty(1, 6 * 3600, busy_s=60, idle_s=3600)
    cfg = AsyncInferenceConfig(MinCapacity=0, ScaleInCooldown=300)
    result = simulate(cfg, traffic, ModelProfile(latency_ms=500), instance_start_s=120).summary
    assert result.instance_hours < 6 * 0.5  # up ~8 minutes per burst, not 6 hours
    assert result.cold_starts > 0


def test_async_min_capacity_one_never_scales_in():
    traffic = TrafficPattern.bursty(1, 6 * 3600, busy_s=60, idle_s=3600)
    result = simulate(AsyncInferenceConfig(MinCapacity=1), traffic, ModelProfile(latency_ms=500)).summary
    assert result.instance_hours == pytest.approx(6.0)
    assert result.cold_starts == 0


def test_async_allows_long_processing_that_realtime_times_out():
    traffic, profile = TrafficPattern.steady(0.002, 36000), ModelProfile(latency_ms=120_000)
    assert "timeout" not in simulate(AsyncInferenceConfig(InvocationTimeoutSeconds=3600, MinCapacity=1), traffic, profile).summary.errors
    assert simulate(RealTimeConfig(), traffic, profile).summary.errors["timeout"] > 0


def test_async_times_out_past_invocation_timeout():
    result = simulate(AsyncInferenceConfig(InvocationTimeoutSeconds=100, MinCapacity=1),
                      TrafficPattern.steady(0.001, 36000), ModelProfile(latency_ms=200_000))
    assert set(result.requests.outcome) == {"timeout"}


def test_async_queues_instead_of_throttling():
    result = simulate(AsyncInferenceConfig(MinCapacity=1), TrafficPattern.steady(20, 300), ModelProfile(latency_ms=100))
    assert result.summary.errors == {}
    assert (result.requests.start - result.requests.arrival).max() > 60  # rho = 2: a long queue, no error


# ----------------------------------------------------------------------------- batch


def test_batch_bills_instances_only_while_the_job_runs():
    traffic = TrafficPattern.steady(1, 24 * 3600)
    cfg = BatchTransformConfig(InstanceCount=2)
    result = simulate(cfg, traffic, ModelProfile(latency_ms=10), instance_start_s=60)
    frame = result.requests
    job_end = frame.end.max()
    assert result.summary.instance_hours == pytest.approx(2 * (job_end - 24 * 3600) / 3600)
    assert result.summary.instance_hours < 1.0  # vs 48 instance-hours for a 24 h endpoint
    assert (frame.start >= 24 * 3600 + 60).all()  # the job starts when the window ends, after instances start


def test_batch_multirecord_packs_records_up_to_max_payload():
    cfg = BatchTransformConfig(MaxPayloadInMB=1, BatchStrategy="MultiRecord")
    frame = simulate(cfg, TrafficPattern.steady(1, 3600), ModelProfile(payload_bytes=10_000)).requests
    sizes = frame.groupby("start").size()
    assert sizes.max() == MB // 10_000  # 104 records of 10 kB fit in 1 MB


def test_batch_single_record_sends_one_record_per_request():
    cfg = BatchTransformConfig(BatchStrategy="SingleRecord")
    frame = simulate(cfg, TrafficPattern.steady(1, 600), ModelProfile(latency_ms=10)).requests
    assert frame.groupby("start").size().max() == 1


def test_batch_record_over_max_payload_is_too_large():
    cfg = BatchTransformConfig(MaxPayloadInMB=1)
    result = simulate(cfg, TrafficPattern.large_payloads(1, 600, payload_bytes=2 * MB, fraction=0.5))
    assert 0 < result.summary.errors["too_large"] < result.summary.requests


def test_batch_mixed_record_sizes_stay_within_max_payload():
    cfg = BatchTransformConfig(MaxPayloadInMB=1)
    traffic = TrafficPattern.large_payloads(2, 600, payload_bytes=400_000, fraction=0.3)
    frame = simulate(cfg, traffic, ModelProfile(payload_bytes=10_000)).requests
    assert frame.groupby("start").payload_bytes.sum().max() <= MB


# ----------------------------------------------------------------------------- engines agree


_AGREEMENT_CASES = [
    RealTimeConfig(InitialInstanceCount=2),
    ServerlessConfig(MaxConcurrency=3),
    ServerlessConfig(MaxConcurrency=4, ProvisionedConcurrency=2),
    AsyncInferenceConfig(MaxConcurrentInvocationsPerInstance=2, ScaleInCooldown=200, InvocationTimeoutSeconds=60),
    AsyncInferenceConfig(MinCapacity=1, InitialInstanceCount=2),
    BatchTransformConfig(MaxPayloadInMB=1, MaxConcurrentTransforms=2, InstanceCount=2, InvocationsTimeoutInSeconds=20),
]


@pytest.mark.parametrize("cfg", _AGREEMENT_CASES, ids=lambda c: f"{c.mode}")
@pytest.mark.parametrize("seed", [0, 1])
def test_fast_engine_agrees_with_event_core(cfg, seed):
    traffic = TrafficPattern.bursty(3, 3 * 3600, busy_s=120, idle_s=900, large_fraction=0.02, large_payload_bytes=5 * MB)
    profile = ModelProfile(latency_ms=400, latency_p99_ms=30_000, cold_start_s=4)
    fast = simulate(cfg, traffic, profile, seed=seed, keep_warm_s=300, instance_start_s=100)
    events = simulate(cfg, traffic, profile, seed=seed, keep_warm_s=300, instance_start_s=100, engine="events")
    a, b = fast.requests, events.requests
    assert (a.outcome == b.outcome).all()
    assert np.allclose(a[["start", "end"]].to_numpy(), b[["start", "end"]].to_numpy(), equal_nan=True, atol=1e-9)
    assert fast.summary.cost == pytest.approx(events.summary.cost, rel=1e-9, abs=1e-12)
    assert fast.summary.instance_hours == pytest.approx(events.summary.instance_hours, rel=1e-9, abs=1e-12)


# ----------------------------------------------------------------------------- results and reproducibility


def test_same_seed_replays_exactly():
    traffic, profile = TrafficPattern.spiky(2, 3600, spike_rps=30, every_s=900), ModelProfile(latency_p99_ms=300)
    a = simulate(ServerlessConfig(MaxConcurrency=5), traffic, profile, seed=11).requests
    b = simulate(ServerlessConfig(MaxConcurrency=5), traffic, profile, seed=11).requests
    pd.testing.assert_frame_equal(a, b)


def test_different_seeds_differ():
    traffic = TrafficPattern.steady(2, 600)
    a = simulate(RealTimeConfig(), traffic, seed=1).requests
    b = simulate(RealTimeConfig(), traffic, seed=2).requests
    assert len(a) != len(b) or not np.allclose(a.arrival, b.arrival)


def test_summary_percentiles_are_those_of_served_requests():
    result = simulate(ServerlessConfig(MaxConcurrency=2), TrafficPattern.steady(5, 600), ModelProfile(latency_p99_ms=500))
    served = result.requests.latency.dropna().to_numpy() * 1000
    assert result.summary.served == served.size
    assert result.summary.p99_ms == pytest.approx(np.percentile(served, 99))
    assert result.summary.p50_ms == pytest.approx(np.percentile(served, 50))


def test_request_frame_columns_and_outcomes():
    frame = simulate(RealTimeConfig(), TrafficPattern.steady(1, 60)).requests
    assert list(frame.columns) == ["arrival", "start", "end", "latency", "outcome", "payload_bytes", "service"]
    assert list(frame.outcome.cat.categories) == list(OUTCOMES)


def test_to_dict_is_json_ready_and_carries_the_real_request():
    result = simulate(ServerlessConfig(), TrafficPattern.steady(1, 60))
    data = json.loads(json.dumps(result.to_dict()))
    assert data["request"]["ProductionVariants"][0]["ServerlessConfig"]["MaxConcurrency"] == 20
    assert data["summary"]["mode"] == "serverless"


def test_repr_html_shows_the_mode_and_percentiles():
    html = simulate(RealTimeConfig(), TrafficPattern.steady(1, 60))._repr_html_()
    assert "real-time" in html and "p50 / p95 / p99" in html


def test_empty_traffic_gives_an_empty_result():
    result = simulate(RealTimeConfig(), TrafficPattern.steady(0, 60))
    assert result.summary.requests == 0 and math.isnan(result.summary.p50_ms)


def test_compare_gives_one_row_per_mode():
    table = compare([RealTimeConfig(), ServerlessConfig(), AsyncInferenceConfig(), BatchTransformConfig()],
                    TrafficPattern.steady(1, 600))
    assert list(table.index) == ["real-time", "serverless", "async", "batch"]
    assert {"p99_ms", "cost", "throttled", "timeout", "too_large"} <= set(table.columns)


# ----------------------------------------------------------------------------- inputs


def test_lognormal_profile_hits_its_p99():
    profile = ModelProfile(latency_ms=100, latency_p99_ms=400)
    times = profile.service_times(np.random.default_rng(0), 200_000)
    # lognormal calibrated so that the 99th percentile is 400 ms; 200k draws: within 2%.
    assert np.percentile(times, 99) == pytest.approx(0.4, rel=0.02)
    assert np.median(times) == pytest.approx(0.1, rel=0.02)


def test_steady_traffic_count_is_poisson():
    n = TrafficPattern.steady(10, 3600).arrivals(np.random.default_rng(0)).size
    # Poisson(36,000): sd 190; 4 sd = 760.
    assert abs(n - 36_000) < 760


def test_bursty_traffic_has_idle_gaps():
    traffic = TrafficPattern.bursty(5, 3600, busy_s=60, idle_s=540)
    arrivals = traffic.arrivals(np.random.default_rng(0))
    assert np.diff(arrivals).max() >= 540
    assert traffic.expected_requests == 6 * 60 * 5


def test_spiky_traffic_has_spikes():
    traffic = TrafficPattern.spiky(1, 3600, spike_rps=50, every_s=600, spike_s=60)
    assert traffic.expected_requests == pytest.approx(6 * (540 * 1 + 60 * 50))


def test_traffic_from_a_frame_keeps_its_counts():
    frame = pd.DataFrame({"timestamp": pd.date_range("2024-01-01", periods=4, freq="5min"),
                          "requests_per_second": [1.0, 0.0, 2.0, 0.5], "requests": [300, 0, 600, 150]})
    traffic = TrafficPattern.from_frame(frame)
    arrivals = traffic.arrivals(np.random.default_rng(0))
    assert arrivals.size == 1050 and traffic.duration_s == 1200
    assert not ((arrivals > 300) & (arrivals < 600)).any()


def test_simulate_accepts_a_traffic_frame():
    frame = pd.DataFrame({"timestamp": pd.date_range("2024-01-01", periods=2, freq="1min"), "requests": [60, 60]})
    assert simulate(RealTimeConfig(), frame).summary.requests == 120


def test_traffic_frame_needs_timestamp_and_requests():
    with pytest.raises(ValueError, match=r"'timestamp' column and a 'requests' or 'requests_per_second'"):
        TrafficPattern.from_frame(pd.DataFrame({"x": [1]}))


def test_traffic_frame_timestamps_must_increase():
    frame = pd.DataFrame({"timestamp": pd.to_datetime(["2024-01-01 00:05", "2024-01-01 00:00"]), "requests": [1, 1]})
    with pytest.raises(ValueError, match=r"strictly increasing"):
        TrafficPattern.from_frame(frame)


def test_traffic_frame_must_be_a_frame():
    with pytest.raises(TypeError, match=r"traffic Dataset or DataFrame"):
        TrafficPattern.from_frame([1, 2])


def test_traffic_frame_must_not_be_empty():
    with pytest.raises(ValueError, match=r"at least one row"):
        TrafficPattern.from_frame(pd.DataFrame({"timestamp": [], "requests": []}))


def test_overlapping_segments_are_rejected():
    with pytest.raises(ValueError, match=r"segments\[1\].start_s must be a finite number >= 10.0, got 5.0"):
        TrafficPattern(((0.0, 10.0, 1.0), (5.0, 20.0, 1.0)))


def test_segment_must_be_a_triple():
    with pytest.raises(ValueError, match=r"segments\[0\] must be a \(start_s, end_s, rate_rps\) tuple"):
        TrafficPattern(((0.0, 10.0),))


def test_counts_must_match_segments():
    with pytest.raises(ValueError, match=r"counts must be None or a tuple with one count per segment \(1\)"):
        TrafficPattern(((0.0, 10.0, 1.0),), counts=(1, 2))


def test_negative_rate_is_rejected():
    with pytest.raises(ValueError, match=r"rate_rps must be a finite number >= 0.0, got -1"):
        TrafficPattern.steady(-1, 60)


def test_large_fraction_must_be_a_fraction():
    with pytest.raises(ValueError, match=r"large_fraction must be a finite number >= 0.0 and <= 1.0, got 2"):
        TrafficPattern.steady(1, 60, large_fraction=2)


def test_spike_longer_than_period_is_rejected():
    with pytest.raises(ValueError, match=r"spike_s must be a finite number > 0.0 and <= 60"):
        TrafficPattern.spiky(1, 600, spike_rps=5, every_s=60, spike_s=120)


def test_p99_below_median_is_rejected():
    with pytest.raises(ValueError, match=r"latency_p99_ms must be a finite number >= 100, got 50.0"):
        ModelProfile(latency_ms=100, latency_p99_ms=50)


def test_zero_latency_is_rejected():
    with pytest.raises(ValueError, match=r"latency_ms must be a finite number > 0.0, got 0"):
        ModelProfile(latency_ms=0)


def test_unknown_config_type_is_rejected():
    with pytest.raises(TypeError, match=r"config must be a RealTimeConfig, ServerlessConfig, AsyncInferenceConfig or BatchTransformConfig, got dict"):
        simulate({}, TrafficPattern.steady(1, 60))


def test_profile_must_be_a_model_profile():
    with pytest.raises(TypeError, match=r"profile must be a ModelProfile"):
        simulate(RealTimeConfig(), TrafficPattern.steady(1, 60), {"latency_ms": 5})


def test_prices_must_be_a_price_table():
    with pytest.raises(TypeError, match=r"prices must be a Prices table"):
        simulate(RealTimeConfig(), TrafficPattern.steady(1, 60), prices={"ml.m5.large": 1})


def test_unknown_engine_is_rejected():
    with pytest.raises(ValueError, match=r"engine must be one of 'fast', 'events'; got 'gpu'"):
        simulate(RealTimeConfig(), TrafficPattern.steady(1, 60), engine="gpu")


def test_negative_keep_warm_is_rejected():
    with pytest.raises(ValueError, match=r"keep_warm_s must be a finite number >= 0.0"):
        simulate(ServerlessConfig(), TrafficPattern.steady(1, 60), keep_warm_s=-1)


def test_instance_type_missing_from_prices_names_it():
    with pytest.raises(KeyError, match=r"no price for instance type 'ml.m5.large'"):
        simulate(RealTimeConfig(), TrafficPattern.steady(1, 60), prices=Prices(instance_per_hour={}))


def test_negative_price_is_rejected():
    with pytest.raises(ValueError, match=r"serverless_per_gb_second must be a finite number >= 0.0"):
        Prices(serverless_per_gb_second=-1)


def test_simulate_takes_a_datasets_traffic_dataset():
    from mlkit import datasets
    ds = datasets.traffic(days=1, freq_minutes=60, base_rps=0.5, idle_fraction=0.2, seed=0)
    result = simulate(ServerlessConfig(), ds, ModelProfile(latency_ms=50))
    # the dataset's Poisson counts are replayed exactly; the window is 24 hourly intervals
    assert result.summary.requests == int(ds.frame.requests.sum())
    assert result.summary.duration_s == 24 * 3600


def test_instance_prices_must_be_a_mapping():
    with pytest.raises(TypeError, match=r"instance_per_hour must be a dict of instance type -> USD per hour, got list"):
        Prices(instance_per_hour=[("ml.m5.large", 0.1)])


def test_negative_instance_price_names_the_type():
    with pytest.raises(ValueError, match=r"instance_per_hour\['ml.m5.large'\] must be a finite number >= 0.0, got -0.1"):
        Prices(instance_per_hour={"ml.m5.large": -0.1})


def test_async_one_slot_vectorised_path_agrees_with_the_loop():
    # One slot: the closed-form Lindley recursion between scale-ins must give the
    # loop's start times (up to float rounding of running sums), its cold flags and
    # its instance-seconds exactly, with and without scale to zero.
    import numpy as np

    from mlkit.inference import simulation as S

    rng = np.random.default_rng(7)
    checked = 0
    for trial in range(120):
        n = int(rng.integers(1, 2000))
        gaps = rng.exponential(float(rng.choice([0.1, 1.0, 50.0])), n)
        gaps[rng.random(n) < 0.005] += 3000.0  # a few idle gaps longer than any cooldown
        arrival = np.cumsum(gaps)
        service = rng.lognormal(np.log(float(rng.choice([0.05, 1.0, 30.0]))), 0.8, n)
        for scale in (True, False):
            args = (2, scale, 300.0, 180.0, 3600.0, float(arrival[-1] + 1000.0))
            fast = S._async_one_slot(arrival, service, *args)
            if fast is None:
                continue
            start, cold, inst = S._async_kernel(arrival.tolist(), service.tolist(), 1, *args)
            np.testing.assert_allclose(fast[0], start, rtol=1e-12, atol=1e-9)
            assert fast[1].tolist() == list(cold)
            assert fast[2] == pytest.approx(inst, rel=1e-12)
            checked += 1
    assert checked > 150  # the vectorised path was really taken
