"""Production and shadow variants: weighted routing, TargetVariant, live weight changes, shadow mirroring, export."""

import math
import threading

import boto3
import numpy as np
import pytest
from botocore.exceptions import ClientError
from sklearn.dummy import DummyRegressor

from mlkit.aws import validate_request
from mlkit.inference.server import ValidationError
from mlkit.inference.variants import (
    ProductionVariant,
    UpdateEndpointWeightsAndCapacities,
    VariantEndpoint,
    split_table,
    wilson_interval,
)

Z999 = 3.2905  # two-sided 99.9 % normal quantile


def const(value):
    return DummyRegressor(strategy="constant", constant=value).fit([[0.0]], [value])


class Exploding:
    n_features_in_ = 1

    def predict(self, X):
        raise RuntimeError("the shadow model is broken")


class Blocking:
    """A shadow that blocks until released: the mirror queue fills while the caller goes on."""

    n_features_in_ = 1

    def __init__(self):
        self.entered = threading.Event()
        self.release = threading.Event()

    def predict(self, X):
        self.entered.set()
        self.release.wait(10)
        return np.zeros(len(X))


def two_to_one(seed=0, **kw):
    return VariantEndpoint("shop", [ProductionVariant("A", const(1.0), 2.0), ProductionVariant("B", const(2.0), 1.0)],
                           seed=seed, **kw)


# -- weighted routing ---------------------------------------------------------------------
def test_two_to_one_weights_split_within_the_binomial_bound_over_30000_invocations():
    n = 30_000
    with two_to_one(seed=7) as ep:
        for _ in range(n):
            ep.invoke(b"0\n")
        counts = ep.invocation_counts
    # A's count is Binomial(n, 2/3): |share - 2/3| <= z * sqrt(p (1 - p) / n) with 99.9 % probability (0.0089)
    bound = Z999 * math.sqrt((2 / 3) * (1 / 3) / n)
    assert counts["A"] + counts["B"] == n
    assert abs(counts["A"] / n - 2 / 3) <= bound


def test_the_routing_is_seeded_same_seed_same_variants():
    with two_to_one(seed=3) as a, two_to_one(seed=3) as b:
        assert [a.invoke(b"0\n").InvokedProductionVariant for _ in range(50)] == \
               [b.invoke(b"0\n").InvokedProductionVariant for _ in range(50)]


def test_target_variant_always_wins_even_over_a_zero_weight():
    ep = VariantEndpoint("shop", [ProductionVariant("A", const(1.0), 1.0), ProductionVariant("B", const(2.0), 0.0)],
                         seed=0)
    answers = {ep.invoke(b"0\n", TargetVariant="B").InvokedProductionVariant for _ in range(200)}
    assert answers == {"B"}


def test_a_zero_weight_variant_is_never_drawn():
    ep = VariantEndpoint("shop", [ProductionVariant(n, const(1.0), w) for n, w in
                                  (("A", 1.0), ("B", 1.0), ("C", 1.0), ("D", 0.0))], seed=1)
    for _ in range(3000):
        ep.invoke(b"0\n")
    assert ep.invocation_counts["D"] == 0


def test_a_weight_change_applies_to_the_next_request():
    ep = VariantEndpoint("shop", [ProductionVariant("A", const(1.0), 1.0), ProductionVariant("B", const(2.0), 0.0)],
                         seed=0)
    assert ep.invoke(b"0\n").InvokedProductionVariant == "A"
    out = ep.update_weights_and_capacities([{"VariantName": "A", "DesiredWeight": 0.0},
                                            {"VariantName": "B", "DesiredWeight": 5.0}])
    assert out["EndpointArn"].endswith(":endpoint/shop")
    assert ep.invoke(b"0\n").InvokedProductionVariant == "B"
    assert ep.current_weights == {"A": 0.0, "B": 5.0}


def test_weight_changes_under_concurrent_load_drop_no_request():
    ep = two_to_one(seed=0)
    done, failures = [], []

    def caller():
        for _ in range(400):
            try:
                ep.invoke(b"0\n")
                done.append(1)
            except Exception as exc:  # noqa: BLE001 - any failure is what this test looks for
                failures.append(exc)

    threads = [threading.Thread(target=caller) for _ in range(4)]
    for t in threads:
        t.start()
    for i in range(200):
        ep.update_weights_and_capacities([{"VariantName": "A", "DesiredWeight": float(i % 3)},
                                          {"VariantName": "B", "DesiredWeight": 1.0}])
    for t in threads:
        t.join()
    assert failures == [] and len(done) == 1600
    assert sum(ep.invocation_counts.values()) == 1600


def test_update_can_set_instance_counts_without_touching_weights():
    ep = two_to_one()
    ep.update_weights_and_capacities([{"VariantName": "B", "DesiredInstanceCount": 3}])
    assert ep.current_instance_counts == {"A": 1, "B": 3}
    assert ep.current_weights == {"A": 2.0, "B": 1.0}


def test_observed_split_reports_the_configured_share_inside_the_interval():
    with two_to_one(seed=2) as ep:
        for _ in range(3000):
            ep.invoke(b"0\n")
        table = ep.observed_split()
    assert table.loc["A", "configured_share"] == pytest.approx(2 / 3)
    assert table["within"].all()
    ep.reset_counts()
    assert ep.invocation_counts == {"A": 0, "B": 0}


def test_wilson_interval_matches_the_textbook_value():
    # 50 of 100 at 95 %: Wilson gives 0.5 +- 0.0962 (z = 1.96), symmetric at p = 0.5
    low, high = wilson_interval(50, 100, 0.95)
    assert low == pytest.approx(0.4038, abs=1e-3) and high == pytest.approx(0.5962, abs=1e-3)


def test_split_table_flags_a_share_outside_the_interval():
    table = split_table({"A": 900, "B": 100}, {"A": 1.0, "B": 1.0})
    assert not table["within"].any()


# -- bad input ------------------------------------------------------------------------------
def test_a_negative_weight_is_refused():
    with pytest.raises(ValueError, match="InitialVariantWeight"):
        ProductionVariant("A", const(1.0), -1.0)


def test_all_weights_zero_is_refused():
    with pytest.raises(ValueError, match="must not all be 0"):
        VariantEndpoint("e", [ProductionVariant("A", const(1.0), 0.0), ProductionVariant("B", const(1.0), 0.0)])


def test_duplicate_variant_names_are_refused():
    with pytest.raises(ValueError, match=r"\['A'\] appear more than once"):
        VariantEndpoint("e", [ProductionVariant("A", const(1.0)), ProductionVariant("A", const(2.0))])


def test_an_unknown_target_variant_is_a_validation_error():
    with pytest.raises(ValidationError, match="'Z' is not a ProductionVariant"):
        two_to_one().invoke(b"0\n", TargetVariant="Z")


@pytest.mark.parametrize("update, message", [
    ([{"VariantName": "Z", "DesiredWeight": 1.0}], "VariantName must be a variant of endpoint shop"),
    ([{"VariantName": "A", "DesiredWeight": -1.0}], "DesiredWeight must be a finite number >= 0"),
    ([{"VariantName": "A", "DesiredWeight": 0.0}, {"VariantName": "B", "DesiredWeight": 0.0}], "would all be 0"),
    ([{"VariantName": "A", "DesiredWeight": 1.0}, {"VariantName": "A", "DesiredWeight": 2.0}], "twice"),
    ([{"VariantName": "A", "DesiredInstanceCount": 0}], "DesiredInstanceCount must be an integer >= 1"),
    ([{"VariantName": "A", "Weight": 1.0}], "unknown keys"),
    ([], "at least one variant"),
])
def test_a_bad_weight_update_is_refused_and_changes_nothing(update, message):
    ep = two_to_one()
    with pytest.raises(ValueError, match=message):
        ep.update_weights_and_capacities(update)
    assert ep.current_weights == {"A": 2.0, "B": 1.0}


def test_a_bad_instance_count_or_type_is_refused():
    with pytest.raises(ValueError, match="InitialInstanceCount must be an integer >= 1"):
        ProductionVariant("A", const(1.0), InitialInstanceCount=0)
    with pytest.raises(ValueError, match="InstanceType must be a SageMaker ML instance type"):
        ProductionVariant("A", const(1.0), InstanceType="m5.large")


# -- shadow variants ------------------------------------------------------------------------
def shadowed(shadow_model, weight=1.0, **kw):
    return VariantEndpoint("shop", [ProductionVariant("Prod", const(1.0), 1.0)],
                           [ProductionVariant("Shadow", shadow_model, weight)], seed=0, **kw)


def test_a_failing_shadow_never_changes_the_callers_response():
    with VariantEndpoint("plain", [ProductionVariant("Prod", const(1.0))], seed=0) as plain, \
            shadowed(Exploding()) as ep:
        for _ in range(50):
            r = ep.invoke(b"0\n1\n")
            p = plain.invoke(b"0\n1\n")
            assert (r.Body, r.ContentType, r.InvokedProductionVariant) == (p.Body, p.ContentType, "Prod")
        ep.wait_shadow(10)
        log = ep.shadow_log()
    assert len(log) == 50 and (log["shadow_error"] == "ModelError").all()
    assert log["production_error"].isna().all()


def test_a_failing_shadow_prints_no_traceback(caplog):
    with shadowed(Exploding()) as ep:
        ep.invoke(b"0\n")
        ep.wait_shadow(10)
    assert not [r for r in caplog.records if r.name == "mlkit.endpoint"]
    assert ep.shadow_log()["shadow_error"].tolist() == ["ModelError"]


def test_a_slow_shadow_never_blocks_the_caller_and_drops_are_counted():
    slow = Blocking()
    ep = shadowed(slow, max_shadow_queue=2)
    try:
        assert ep.invoke(b"0\n").Body == b"1.0\n"
        assert slow.entered.wait(10)  # the worker holds the first mirror
        for _ in range(19):
            assert ep.invoke(b"0\n").Body == b"1.0\n"  # answered while the shadow is stuck
        # one mirror is being worked on, two wait in the queue, the other 17 were dropped
        assert ep.shadow_dropped == 17
    finally:
        slow.release.set()
        ep.close()
    assert len(ep.shadow_log()) == 3


def test_the_sampling_percentage_is_the_shadow_weight_over_the_production_weight():
    n = 4000
    with shadowed(const(1.0), weight=0.25) as ep:
        assert ep.SamplingPercentage == 25.0
        for _ in range(n):
            ep.invoke(b"0\n")
        ep.wait_shadow(30)
        mirrored = len(ep.shadow_log())
    # mirrored is Binomial(n, 0.25): within z * sqrt(n p (1 - p)) = 90 at 99.9 %
    assert abs(mirrored - 0.25 * n) <= Z999 * math.sqrt(n * 0.25 * 0.75)


def test_a_targeted_request_to_the_shadow_is_refused():
    with shadowed(const(1.0)) as ep, pytest.raises(ValidationError, match="'Shadow' is not a ProductionVariant"):
        ep.invoke(b"0\n", TargetVariant="Shadow")


def test_an_identical_shadow_is_promoted():
    with shadowed(const(1.0)) as ep:
        for _ in range(100):
            ep.invoke(b"0\n1\n")
        report = ep.compare_shadow(max_latency_ratio=100.0)
    assert report.promote and report.agreement == 1.0 and report.compared_values == 200
    assert report.mirrored == 100 and report.shadow_error_rate == 0.0


def test_a_disagreeing_shadow_is_not_promoted_and_says_why():
    with shadowed(const(1.5)) as ep:
        for _ in range(30):
            ep.invoke(b"0\n")
        report = ep.compare_shadow(max_latency_ratio=100.0)
        by_label = ep.compare_shadow(threshold=2.0, max_latency_ratio=100.0)  # 1.0 and 1.5: same side of 2
    assert not report.promote and report.agreement == 0.0
    assert any("agreement 0.0000 is below" in r for r in report.reasons)
    assert by_label.agreement == 1.0 and by_label.promote


def test_a_failing_shadow_is_not_promoted():
    with shadowed(Exploding()) as ep:
        for _ in range(10):
            ep.invoke(b"0\n")
        report = ep.compare_shadow()
    assert not report.promote and report.shadow_error_rate == 1.0
    assert report.to_frame().loc["error rate", "Shadow"] == 1.0


def test_comparing_before_any_mirror_is_an_error():
    with shadowed(const(1.0)) as ep, pytest.raises(ValueError, match="no request has been mirrored"):
        ep.compare_shadow()


def test_no_shadow_log_without_a_shadow():
    with pytest.raises(ValueError, match="has no ShadowProductionVariants"):
        two_to_one().shadow_log()


def test_close_stops_the_shadow_worker():
    ep = shadowed(const(1.0))
    ep.invoke(b"0\n")
    assert any(t.name == "mlkit-shadow-Shadow" for t in threading.enumerate())
    ep.close()
    assert not any(t.name == "mlkit-shadow-Shadow" for t in threading.enumerate())


@pytest.mark.parametrize("prod, shadows, message", [
    ([("P", 1.0)], [("S", 1.0), ("T", 1.0)], "at most one variant"),
    ([("P", 1.0), ("Q", 1.0)], [("S", 1.0)], "exactly one variant"),
    ([("P", 1.0)], [("S", 2.0)], "must be > 0 and <= 1"),
    ([("P", 1.0)], [("S", 0.0)], "must be > 0 and <= 1"),
    ([("P", 1.0)], [("P", 1.0)], "its own VariantName"),
])
def test_a_bad_shadow_configuration_is_refused(prod, shadows, message):
    with pytest.raises(ValueError, match=message):
        VariantEndpoint("e", [ProductionVariant(n, const(1.0), w) for n, w in prod],
                        [ProductionVariant(n, const(1.0), w) for n, w in shadows])


# -- export ---------------------------------------------------------------------------------
def test_create_endpoint_config_with_a_shadow_validates_against_botocore():
    ep = VariantEndpoint("shop", [ProductionVariant("Prod", const(1.0), 1.0, InitialInstanceCount=2)],
                         [ProductionVariant("Shadow", const(1.0), 0.5, InstanceType="ml.c5.xlarge")])
    req = validate_request("sagemaker", "CreateEndpointConfig", ep.to_request("shop-v2"))
    assert req["ShadowProductionVariants"][0] == {"VariantName": "Shadow", "ModelName": "Shadow-model",
                                                  "InstanceType": "ml.c5.xlarge", "InitialInstanceCount": 1,
                                                  "InitialVariantWeight": 0.5}
    assert req["ProductionVariants"][0]["InitialInstanceCount"] == 2


def test_update_endpoint_weights_request_validates_and_applies():
    ep = two_to_one()
    update = UpdateEndpointWeightsAndCapacities("shop", [{"VariantName": "B", "DesiredWeight": 2, "DesiredInstanceCount": 2}])
    assert update.validate() == {"EndpointName": "shop", "DesiredWeightsAndCapacities": [
        {"VariantName": "B", "DesiredWeight": 2.0, "DesiredInstanceCount": 2}]}
    update.apply(ep)
    assert ep.current_weights == {"A": 2.0, "B": 2.0}


@pytest.mark.parametrize("items, message", [
    ([], "non-empty list"),
    ([{"VariantName": "A", "DesiredWeight": -0.5}], "DesiredWeight must be a finite number >= 0"),
    ([{"VariantName": "A"}, {"VariantName": "A"}], "twice"),
    ([{"VariantName": "bad name"}], "valid VariantName"),
])
def test_a_bad_update_request_is_refused(items, message):
    with pytest.raises(ValueError, match=message):
        UpdateEndpointWeightsAndCapacities("shop", items)


def test_applying_an_update_to_another_endpoint_is_refused():
    with pytest.raises(ValueError, match="EndpointName is 'other'"):
        UpdateEndpointWeightsAndCapacities("other", [{"VariantName": "A", "DesiredWeight": 1.0}]).apply(two_to_one())


# -- over HTTP with boto3 -------------------------------------------------------------------
@pytest.fixture(scope="module")
def http():
    ep = VariantEndpoint("shop", [ProductionVariant("A", const(1.0), 2.0), ProductionVariant("B", const(2.0), 1.0)],
                         seed=11)
    with ep.serve() as url:
        kw = dict(endpoint_url=url, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
        yield ep, boto3.client("sagemaker-runtime", **kw), boto3.client("sagemaker", **kw)


def test_boto3_sees_the_two_to_one_split_and_the_answering_variant(http):
    ep, rt, _ = http
    n = 300
    names = [rt.invoke_endpoint(EndpointName="shop", Body=b"0\n", ContentType="text/csv")["InvokedProductionVariant"]
             for _ in range(n)]
    # Binomial(300, 2/3) at 99.9 %: within 3.29 * sqrt(300 * 2/9) = 27 requests of 200
    assert abs(names.count("A") - 200) <= Z999 * math.sqrt(n * 2 / 9)


def test_boto3_update_endpoint_weights_applies_to_the_next_request(http):
    ep, rt, sm = http
    try:
        out = sm.update_endpoint_weights_and_capacities(
            EndpointName="shop", DesiredWeightsAndCapacities=[{"VariantName": "A", "DesiredWeight": 0.0}])
        assert out["EndpointArn"].endswith(":endpoint/shop")
        r = rt.invoke_endpoint(EndpointName="shop", Body=b"0\n", ContentType="text/csv")
        assert r["InvokedProductionVariant"] == "B" and r["Body"].read() == b"2.0\n"
    finally:
        ep.update_weights_and_capacities([{"VariantName": "A", "DesiredWeight": 2.0}])


def test_boto3_update_with_an_unknown_variant_is_a_validation_exception(http):
    _, _, sm = http
    with pytest.raises(ClientError) as info:
        sm.update_endpoint_weights_and_capacities(
            EndpointName="shop", DesiredWeightsAndCapacities=[{"VariantName": "Z", "DesiredWeight": 1.0}])
    assert info.value.response["Error"]["Code"] == "ValidationException"
    assert "must be a variant of endpoint shop" in info.value.response["Error"]["Message"]


def test_boto3_through_a_shadowed_endpoint_gets_production_answers_only():
    with shadowed(Exploding()) as ep, ep.serve() as url:
        rt = boto3.client("sagemaker-runtime", endpoint_url=url, region_name="us-east-1",
                          aws_access_key_id="x", aws_secret_access_key="x")
        for _ in range(20):
            r = rt.invoke_endpoint(EndpointName="shop", Body=b"0\n", ContentType="text/csv")
            assert r["Body"].read() == b"1.0\n" and r["InvokedProductionVariant"] == "Prod"
        ep.wait_shadow(10)
        assert (ep.shadow_log()["shadow_error"] == "ModelError").all()
