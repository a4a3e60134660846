"""mlkit.inference.chooser: the notes' decision rules for picking an inference mode."""

import json

import pytest

from mlkit.inference import chooser as c
from mlkit.inference.chooser import NoModeFitsError, Recommendation, recommend_mode
from mlkit.inference.config import AsyncInferenceConfig, BatchTransformConfig, RealTimeConfig, ServerlessConfig


def _rests(reasons):
    return {r.rests_on for r in reasons}


# ----------------------------------------------------------------------------- the notes' scenarios


def test_interactive_low_latency_steady_traffic_is_realtime():
    rec = recommend_mode(payload_mb=0.01, processing_s=0.05, latency="interactive", traffic="steady")
    assert rec.mode == "real-time"
    assert c.RT_LOW_LATENCY in _rests(rec.reasons)


def test_idle_periods_and_tolerated_cold_start_is_serverless():
    rec = recommend_mode(payload_mb=0.05, processing_s=0.5, latency="near-real-time", traffic="intermittent")
    assert rec.mode == "serverless"
    assert {c.SL_SCALE, c.SL_COLD} <= _rests(rec.reasons)


def test_spiky_traffic_tolerating_cold_start_is_serverless():
    rec = recommend_mode(payload_mb=0.05, processing_s=0.5, latency="near-real-time", traffic="spiky")
    assert rec.mode == "serverless"


def test_vpc_rules_out_serverless():
    rec = recommend_mode(payload_mb=0.05, processing_s=0.5, latency="near-real-time", traffic="intermittent", needs_vpc=True)
    assert rec.mode != "serverless"
    assert rec.rejected["serverless"][0].rests_on == c.SL_VPC


def test_vpc_with_idle_periods_goes_to_async_which_scales_to_zero():
    rec = recommend_mode(payload_mb=0.05, processing_s=0.5, latency="near-real-time", traffic="intermittent", needs_vpc=True)
    assert rec.mode == "async"
    assert c.AS_QUEUE in _rests(rec.reasons)


def test_payload_over_6mb_near_real_time_is_async():
    rec = recommend_mode(payload_mb=50, processing_s=2, latency="near-real-time", traffic="steady")
    assert rec.mode == "async"
    assert c.AS_PAYLOAD in _rests(rec.reasons)
    assert c.RT_PAYLOAD in _rests(rec.rejected["real-time"])


def test_processing_over_60s_near_real_time_is_async():
    rec = recommend_mode(payload_mb=0.1, processing_s=600, latency="near-real-time", traffic="intermittent")
    assert rec.mode == "async"
    assert c.AS_TIME in _rests(rec.reasons)
    assert c.RT_TIME in _rests(rec.rejected["real-time"])
    assert c.SL_TIME in _rests(rec.rejected["serverless"])


def test_large_offline_dataset_is_batch_transform():
    rec = recommend_mode(payload_mb=0.001, processing_s=0.01, latency="none", traffic="offline-dataset", dataset_gb=500)
    assert rec.mode == "batch"
    assert {c.BT_OFFLINE, c.BT_COST} <= _rests(rec.reasons)
    assert "500 GB" in rec.reasons[0].text
    assert c.RT_ALWAYS_ON in _rests(rec.rejected["real-time"])


def test_nobody_waiting_is_batch_even_with_steady_traffic():
    assert recommend_mode(payload_mb=0.01, processing_s=0.1, latency="none", traffic="steady").mode == "batch"


def test_interactive_with_idle_periods_stays_realtime_because_of_cold_starts():
    rec = recommend_mode(payload_mb=0.01, processing_s=0.1, latency="interactive", traffic="intermittent")
    assert rec.mode == "real-time"
    assert c.SL_COLD in _rests(rec.rejected["serverless"])


def test_payload_between_4_and_6_mb_rules_out_serverless_only():
    rec = recommend_mode(payload_mb=5, processing_s=0.5, latency="near-real-time", traffic="intermittent")
    assert rec.mode == "async"
    assert c.SL_PAYLOAD in _rests(rec.rejected["serverless"])
    assert recommend_mode(payload_mb=5, processing_s=0.5, latency="interactive", traffic="steady").mode == "real-time"


def test_model_over_6gb_rules_out_serverless():
    rec = recommend_mode(payload_mb=0.1, processing_s=0.5, latency="near-real-time", traffic="intermittent", model_memory_mb=8192)
    assert rec.mode == "async"
    assert c.SL_MEMORY in _rests(rec.rejected["serverless"])


def test_offline_records_over_100mb_fall_back_to_async():
    rec = recommend_mode(payload_mb=200, processing_s=30, latency="none", traffic="offline-dataset")
    assert rec.mode == "async"
    assert c.BT_RECORD in _rests(rec.rejected["batch"])


def test_interactive_with_long_processing_gets_async_and_says_why():
    rec = recommend_mode(payload_mb=1, processing_s=120, latency="interactive", traffic="steady")
    assert rec.mode == "async"
    assert any("no mode can answer this within the call" in r.text for r in rec.reasons)


def test_limits_are_inclusive_at_6mb_and_60s():
    assert recommend_mode(payload_mb=6, processing_s=60, latency="interactive").mode == "real-time"
    assert recommend_mode(payload_mb=6.01, processing_s=60, latency="near-real-time").mode == "async"
    assert recommend_mode(payload_mb=6, processing_s=60.5, latency="near-real-time").mode == "async"


def test_processing_over_one_hour_fits_no_mode():
    with pytest.raises(NoModeFitsError, match=r"no inference mode takes payload_mb=1 with processing_s=4000.*async processing limit: 1 hour"):
        recommend_mode(payload_mb=1, processing_s=4000, latency="near-real-time")


def test_payload_over_1gb_fits_no_mode():
    with pytest.raises(NoModeFitsError, match=r"async payload limit: 1 GB"):
        recommend_mode(payload_mb=2048, processing_s=10, latency="none", traffic="offline-dataset")


@pytest.mark.parametrize("latency", c.LATENCIES)
@pytest.mark.parametrize("traffic", c.TRAFFIC_SHAPES)
@pytest.mark.parametrize("payload_mb, processing_s", [(0.01, 0.1), (5, 1), (20, 600)])
@pytest.mark.parametrize("needs_vpc", [False, True])
def test_every_other_mode_is_rejected_with_a_grounded_reason(latency, traffic, payload_mb, processing_s, needs_vpc):
    rec = recommend_mode(payload_mb=payload_mb, processing_s=processing_s, latency=latency, traffic=traffic, needs_vpc=needs_vpc)
    assert set(rec.rejected) == {"real-time", "serverless", "async", "batch"} - {rec.mode}
    assert rec.reasons and all(reasons for reasons in rec.rejected.values())
    for reason in rec.reasons + [r for rs in rec.rejected.values() for r in rs]:
        assert reason.text and reason.rests_on
    if needs_vpc:
        assert rec.mode != "serverless"


# ----------------------------------------------------------------------------- the result object


def test_example_config_is_the_chosen_mode():
    cases = {("interactive", "steady"): RealTimeConfig, ("near-real-time", "intermittent"): ServerlessConfig,
             ("none", "offline-dataset"): BatchTransformConfig}
    for (latency, traffic), cls in cases.items():
        assert isinstance(recommend_mode(payload_mb=0.1, processing_s=1, latency=latency, traffic=traffic).example_config(), cls)
    assert isinstance(recommend_mode(payload_mb=10, processing_s=1, latency="near-real-time").example_config(), AsyncInferenceConfig)


def test_to_dict_is_json_ready():
    rec = recommend_mode(payload_mb=0.1, processing_s=1, latency="near-real-time", traffic="intermittent", needs_vpc=True)
    data = json.loads(json.dumps(rec.to_dict()))
    assert data["mode"] == "async" and data["rejected"]["serverless"][0]["rests_on"] == c.SL_VPC
    assert data["inputs"]["needs_vpc"] is True


def test_str_and_html_list_reasons_and_rejections():
    rec = recommend_mode(payload_mb=0.1, processing_s=1, latency="interactive")
    text, html = str(rec), rec._repr_html_()
    assert text.startswith("Recommended: real-time inference") and "Not batch transform:" in text
    assert "Recommended: real-time inference" in html and "<li>" in html
    assert isinstance(rec, Recommendation) and rec.mode_name == "real-time inference"


# ----------------------------------------------------------------------------- invalid inputs


def test_unknown_latency_is_rejected():
    with pytest.raises(ValueError, match=r"latency must be one of 'interactive', 'near-real-time', 'none'; got 'fast'"):
        recommend_mode(payload_mb=1, processing_s=1, latency="fast")


def test_unknown_traffic_is_rejected():
    with pytest.raises(ValueError, match=r"traffic must be one of 'steady', 'intermittent', 'spiky', 'offline-dataset'; got 'bursty'"):
        recommend_mode(payload_mb=1, processing_s=1, traffic="bursty")


def test_negative_payload_is_rejected():
    with pytest.raises(ValueError, match=r"payload_mb must be a finite number >= 0.0, got -1"):
        recommend_mode(payload_mb=-1, processing_s=1)


def test_negative_processing_is_rejected():
    with pytest.raises(ValueError, match=r"processing_s must be a finite number >= 0.0, got -2"):
        recommend_mode(payload_mb=1, processing_s=-2)


def test_non_numeric_payload_is_a_type_error():
    with pytest.raises(TypeError, match=r"payload_mb must be a finite number"):
        recommend_mode(payload_mb="5MB", processing_s=1)


def test_needs_vpc_must_be_boolean():
    with pytest.raises(TypeError, match=r"needs_vpc must be True or False, got 'yes'"):
        recommend_mode(payload_mb=1, processing_s=1, needs_vpc="yes")


def test_negative_dataset_size_is_rejected():
    with pytest.raises(ValueError, match=r"dataset_gb must be a finite number >= 0.0, got -1"):
        recommend_mode(payload_mb=1, processing_s=1, dataset_gb=-1)


def test_model_memory_must_be_positive():
    with pytest.raises(ValueError, match=r"model_memory_mb must be an integer >= 1, got 0"):
        recommend_mode(payload_mb=1, processing_s=1, model_memory_mb=0)


def test_arguments_are_keyword_only():
    with pytest.raises(TypeError):
        recommend_mode(1, 1)


def test_interactive_callers_who_tolerate_cold_starts_get_serverless_for_idle_traffic():
    # the notes' rule: idle periods between spurts AND able to tolerate cold starts -> serverless
    from mlkit.inference.chooser import recommend_mode

    kw = dict(payload_mb=0.5, processing_s=0.2, latency="interactive", traffic="intermittent")
    assert recommend_mode(**kw).mode == "real-time"
    assert recommend_mode(**kw, tolerates_cold_starts=True).mode == "serverless"


def test_tolerates_cold_starts_must_be_a_boolean_or_none():
    from mlkit.inference.chooser import recommend_mode

    with pytest.raises(TypeError, match="tolerates_cold_starts must be True, False or None, got 'yes'"):
        recommend_mode(payload_mb=1, processing_s=1, tolerates_cold_starts="yes")
