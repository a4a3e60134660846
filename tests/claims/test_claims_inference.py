"""The inference topic's claims: each verdict rule can come out both ways, and the default runs give the recorded verdicts."""

from mlkit.claims.measures import inference as measures


def test_serverless_idle_traffic_holds_only_for_callers_that_accept_cold_starts():
    m = measures.serverless_idle_traffic(0)
    assert m.verdict == "holds with conditions"
    # ~2,800 requests of 50 ms: serverless bills ~140 s of 2 GB compute, the instance bills 6 hours,
    # so serverless costs a few percent at most (illustrative prices; 0.05 leaves 5x headroom over ~0.01)
    assert m.figures["cost_ratio_serverless_to_realtime"] < 0.05
    # about one burst in two starts cold (the 15-minute idle outlasts the 10-minute keep-warm), so the
    # 99th percentile carries the 5 s container start: between 5 s and 5 s + the 200 ms p99 of processing
    assert 5000 < m.figures["serverless_p99_ms"] < 5500
    assert "cold start" in m.condition


def test_serverless_is_refuted_for_steady_busy_traffic():
    # Opposite verdict: 10 requests/s for an hour without pause on 6 GB serverless:
    # 10 x 3,600 x 0.05 s x 6 GB x $0.00002 per GB-s = $0.216 of compute against $0.115 for one instance-hour.
    m = measures.serverless_idle_traffic(0, rate_rps=10.0, idle_s=0.0, memory_mb=6144, hours=1.0)
    assert m.verdict == "refuted"
    assert m.figures["cost_ratio_serverless_to_realtime"] > 1.5  # the formula gives 1.88, data charges add to it


def test_async_serves_large_slow_requests_that_real_time_and_serverless_refuse():
    m = measures.async_large_slow_requests(0)
    assert m.verdict == "holds"
    # 200 MB is over 6 MB (real-time) and 4 MB (serverless): every request is refused before processing
    assert m.figures["served_share_realtime"] == 0 and m.figures["served_share_serverless"] == 0
    assert m.figures["served_share_async"] == 1.0
    # each request takes 600 s, so its latency is at least that (queueing and scale-up come on top)
    assert m.figures["async_p50_s"] >= 600


def test_async_claim_is_refuted_beyond_one_gigabyte():
    # Opposite verdict: 2 GB is over async's 1 GB too; nothing serves it
    m = measures.async_large_slow_requests(0, payload_mb=2000.0)
    assert m.verdict == "refuted"
    assert m.figures["served_share_async"] == 0.0 and m.figures["async_p50_s"] is None
    assert "batch transform" in m.corrected


def test_async_claim_is_refuted_when_requests_fit_real_time():
    m = measures.async_large_slow_requests(0, payload_mb=1.0, processing_s=1.0, rate_rps=0.01, hours=1.0)
    assert m.verdict == "refuted"
    assert m.figures["served_share_realtime"] == 1.0  # 1 MB and 1 s are well inside 6 MB and 60 s


def test_batch_minimum_dataset_size_is_refuted_by_a_small_dataset():
    m = measures.batch_dataset_size(0, n_records=12_000)
    assert m.verdict == "refuted"
    assert m.figures["records_scored"] == 12_000  # every record came back
    # 12,000 records of ~104 bytes = ~1.2 MiB: above the 1 MB cap, so at least two requests, and far below 100 MB
    assert 1.0 < m.figures["dataset_mb"] < 100 and m.figures["requests"] >= 2
    assert m.figures["largest_MaxPayloadInMB_accepted"] == 100  # CreateTransformJob's documented maximum


def test_batch_minimum_is_not_refuted_when_no_smaller_dataset_is_tried():
    # Opposite verdict: a claimed minimum of 0.01 MB with a 0.2 MB dataset cannot be refuted by it
    m = measures.batch_dataset_size(0, n_records=2000, claimed_minimum_mb=0.01)
    assert m.verdict == "holds with conditions"
    assert m.figures["requests"] == 1  # 0.2 MB fits one 1 MB request


def test_same_seed_gives_identical_figures():
    assert measures.serverless_idle_traffic(5, hours=1.0).to_dict() == measures.serverless_idle_traffic(5, hours=1.0).to_dict()
