"""Claims of the variants topic: traffic weights, shadow variants and deployment guardrails.

Each function measures one claim of ``mlkit/claims/data/variants.yaml`` with
the topic's engine (:mod:`mlkit.inference.variants`,
:mod:`mlkit.inference.deployment`) and returns a
:class:`~mlkit.claims.ledger.Measurement`. Same seed, same figures.
"""

from __future__ import annotations

from mlkit._checks import check_float, check_int, check_one_of
from mlkit.claims.ledger import Measurement


def weights_two_to_one(seed: int, *, weight_a: float = 2.0, weight_b: float = 1.0,
                       requests: int = 6_000) -> Measurement:
    """Route ``requests`` requests through a live endpoint whose variants weigh ``weight_a`` : ``weight_b``; A's share.

    Rule: holds when the 99.9 % Wilson interval of A's observed share
    contains 2/3 (the notes' figure for weights 2 and 1). 99.9 % keeps a
    correct router from failing by chance more than once in a thousand
    seeds. Weights 1 : 1 send half the traffic to A, and the claim's 2/3
    then falls outside the interval (refuted).

        >>> weights_two_to_one(0, requests=600).verdict
        'holds'
    """
    from sklearn.dummy import DummyRegressor

    from mlkit.inference.server import LocalEndpoint, ProductionVariant
    from mlkit.inference.variants import wilson_interval

    weight_a = check_float("weight_a", weight_a, low=0.0)
    weight_b = check_float("weight_b", weight_b, low=0.0)
    n = check_int("requests", requests, low=10, high=1_000_000)
    model = DummyRegressor().fit([[0.0]], [1.0])
    variants = [ProductionVariant("A", model, InitialVariantWeight=weight_a),
                ProductionVariant("B", model, InitialVariantWeight=weight_b)]
    with LocalEndpoint("weights", variants, seed=seed) as ep:
        served = [ep.invoke(b"0\n", "text/csv").InvokedProductionVariant for _ in range(n)]
    a = served.count("A")
    low, high = wilson_interval(a, n, 0.999)
    holds = low <= 2 / 3 <= high
    figures = {"requests": n, "share_A": a / n, "interval_low": low, "interval_high": high}
    if holds:
        return Measurement("holds", figures)
    return Measurement("refuted", figures, corrected=f"A received {a / n:.3f} of the traffic, not 2/3")


def _shadow_models(seed: int):
    import numpy as np
    from sklearn.linear_model import LinearRegression

    rng = np.random.default_rng(seed)
    X = rng.normal(size=(200, 2))
    y = X @ np.array([1.0, 2.0])
    current = LinearRegression().fit(X, y)
    candidate = LinearRegression().fit(X, 1.5 * y + 1.0)  # a different model: its answers differ everywhere

    class HalfBroken:
        """The candidate, failing on every other request (a shadow's failures must stay in its log)."""

        n_features_in_ = 2

        def __init__(self):
            self.calls = 0

        def predict(self, rows):
            self.calls += 1
            if self.calls % 2 == 0:
                raise RuntimeError("the candidate cannot load its feature map")
            return candidate.predict(rows)

    return X, current, HalfBroken()


def shadow_never_changes_answers(seed: int, *, requests: int = 300, mode: str = "shadow") -> Measurement:
    """Send the same requests to a production-only endpoint and to one with a candidate beside it; compare answers.

    The candidate is a different model that fails on every other request.
    ``mode="shadow"`` puts it in ``ShadowProductionVariants`` (weight 1:1,
    every request mirrored); ``mode="production"`` makes it a second
    production variant of equal weight instead (the contrast). Counted: the
    answers (bytes) that differ from the production-only endpoint's and the
    requests the candidate answered or failed for the caller.

    Rule: holds when no answer changed and no caller saw the candidate
    (a count, so any single change refutes: the claim says *never*). The
    shadow log must show the candidate did run (mirrored > 0); otherwise the
    comparison would be vacuous and the measure raises ``RuntimeError``
    (an ``error`` row in the ledger).

        >>> shadow_never_changes_answers(0, requests=20).verdict
        'holds'
    """
    from mlkit.inference.server import InvocationError
    from mlkit.inference.variants import ProductionVariant, VariantEndpoint

    n = check_int("requests", requests, low=4, high=100_000)
    mode = check_one_of("mode", mode, ["shadow", "production"])
    X, current, candidate = _shadow_models(seed)
    bodies = [f"{float(a)!r},{float(b)!r}\n".encode() for a, b in X[[i % len(X) for i in range(n)]]]

    with VariantEndpoint("reference", [ProductionVariant("current", current, 1.0)], seed=seed) as ref:
        expected = [ref.invoke(b, "text/csv").Body for b in bodies]

    if mode == "shadow":
        ep = VariantEndpoint("with-shadow", [ProductionVariant("current", current, 1.0)],
                             ShadowProductionVariants=[ProductionVariant("candidate", candidate, 1.0)], seed=seed)
    else:
        ep = VariantEndpoint("two-production", [ProductionVariant("current", current, 1.0),
                                                ProductionVariant("candidate", candidate, 1.0)], seed=seed)
    ep.log_model_errors = False
    changed = by_candidate = failed = 0
    with ep:
        for body, want in zip(bodies, expected):
            try:
                r = ep.invoke(body, "text/csv")
            except InvocationError:
                failed += 1
                changed += 1
                continue
            changed += r.Body != want
            by_candidate += r.InvokedProductionVariant != "current"
        mirrored = shadow_errors = 0
        if mode == "shadow":
            ep.wait_shadow(60.0)
            log = ep.shadow_log()
            mirrored, shadow_errors = len(log), int(log["shadow_error"].notna().sum())
    figures = {"requests": n, "answers_changed": changed, "callers_served_by_candidate": by_candidate,
               "caller_errors": failed, "mirrored_to_shadow": mirrored, "shadow_errors_logged": shadow_errors}
    if mode == "shadow" and mirrored == 0:
        raise RuntimeError("no request was mirrored to the shadow, so the comparison would prove nothing")
    if changed == 0 and by_candidate == 0 and failed == 0:
        return Measurement("holds", figures)
    if mode == "shadow":
        return Measurement("refuted", figures, corrected=(
            f"with a shadow variant {changed} of {n} answers changed and {failed} callers got an error"))
    return Measurement("refuted", figures, corrected=(
        f"{changed} of {n} answers changed: as a production variant the candidate answered {by_candidate} callers "
        f"and failed {failed}; only as a shadow does it stay out of the callers' answers"))


def canary_limits_blast_radius(seed: int, *, canary_percent: int = 10, bad_error_rate: float = 0.20,
                               alarm_error_rate: float = 0.02, repeats: int = 3) -> Measurement:
    """Roll a bad model out all at once and by canary, with and without an error-rate alarm; blast radii.

    :func:`mlkit.inference.deployment.compare_policies` runs each policy
    ``repeats`` times (seeds ``seed``...) against a new model answering
    ``bad_error_rate`` of its requests with 5XX errors, at 20 requests/s, on
    simulated time; the alarm watches the endpoint's error rate (blue and
    green together) against ``alarm_error_rate``, and auto-rollback is the
    only thing that stops the canary. Blast radius = requests the bad model
    served (mean over the repeats).

    Rule: with alarms, ratio = canary / all-at-once blast radius. Refuted
    when ratio > 0.5 (the canary did not even halve the exposure); otherwise
    holds when the canary also limits the exposure with no alarm (ratio < 0.5
    there too), and holds with conditions when it does not: the limit then
    comes from the rollback in the bake, not from the small first step.
    Half is a round margin far from the noise of 3 repeats (the blast radii
    vary by about 10 % between seeds).

        >>> canary_limits_blast_radius(0, repeats=1).verdict
        'holds with conditions'
    """
    from mlkit.inference import deployment as d

    pct = check_int("canary_percent", canary_percent, low=1, high=50)
    bad = d.ModelHealth(error_rate=check_float("bad_error_rate", bad_error_rate, 0.0, 1.0))
    rate = check_float("alarm_error_rate", alarm_error_rate, 0.0, 1.0, low_open=True)
    repeats = check_int("repeats", repeats, low=1, high=50)
    policies = {
        "all at once": d.BlueGreenUpdatePolicy(d.TrafficRoutingConfig("ALL_AT_ONCE", 600),
                                               TerminationWaitInSeconds=300, MaximumExecutionTimeoutInSeconds=3600),
        "canary": d.BlueGreenUpdatePolicy(d.TrafficRoutingConfig("CANARY", 600, CanarySize=d.CapacitySize(
            "CAPACITY_PERCENT", pct)), TerminationWaitInSeconds=300, MaximumExecutionTimeoutInSeconds=3600),
    }
    alarms = [d.CloudWatchAlarm.error_rate("errors-over-threshold", rate, EndpointName="claims")]
    watched = d.compare_policies(policies, bad=bad, alarms=alarms, repeats=repeats, seed=seed)
    unwatched = d.compare_policies(policies, bad=bad, alarms=(), repeats=repeats, seed=seed)
    all_w, can_w = float(watched.loc["all at once", "blast_radius"]), float(watched.loc["canary", "blast_radius"])
    all_u, can_u = float(unwatched.loc["all at once", "blast_radius"]), float(unwatched.loc["canary", "blast_radius"])
    ratio = can_w / all_w if all_w else float("inf")
    ratio_u = can_u / all_u if all_u else float("inf")
    figures = {"blast_all_at_once": all_w, "blast_canary": can_w, "ratio_canary_to_all": ratio,
               "blast_all_at_once_no_alarm": all_u, "blast_canary_no_alarm": can_u}
    if ratio > 0.5:
        return Measurement("refuted", figures, corrected=(
            f"the {pct:g} % canary exposed {ratio:.2f}x as many requests as all at once; a canary limits the blast "
            f"radius only if the alarm ({rate:g} error rate on the whole endpoint) sees the canary's errors, diluted "
            "by the old fleet's traffic, during its bake; otherwise it moves on to full traffic"))
    if ratio_u < 0.5:
        return Measurement("holds", figures)
    return Measurement("holds with conditions", figures, condition=(
        f"only with an alarm and auto-rollback: with a {rate:g} error-rate alarm the {pct:g} % canary exposed "
        f"{ratio:.2f}x the requests of all at once; with no alarm it exposed {ratio_u:.2f}x, because nothing stops "
        "it from moving to full traffic after the bake"))


def linear_first_step_like_canary(seed: int, *, linear_step_percent: int = 10, canary_percent: int = 10,
                                  repeats: int = 3) -> Measurement:
    """Linear vs canary traffic shifting against a bad model and a good one: exposure before the first check, time.

    :func:`mlkit.inference.deployment.compare_policies` runs a ``LINEAR``
    policy (steps of ``linear_step_percent`` %) and a ``CANARY`` one
    (``canary_percent`` %), each baking 600 s after every step, ``repeats``
    times against a new model with 20 % errors (blast radius, mean) and
    against a good one (seconds until it serves all traffic), with a 2 %
    error-rate alarm and auto-rollback.

    The notes say linear shifting lacks canary's initial small-scale phase.
    Rule: refuted when linear's blast radius is at most 1.5 x canary's
    (its first step is as small and as watched as a canary); holds
    otherwise. 1.5 is a round margin: with the same seeds and the same first
    step, both rollouts run identically until the alarm rolls them back.

        >>> linear_first_step_like_canary(0, repeats=1).verdict
        'refuted'
    """
    from mlkit.inference import deployment as d

    step = check_int("linear_step_percent", linear_step_percent, low=10, high=50)
    pct = check_int("canary_percent", canary_percent, low=1, high=50)
    repeats = check_int("repeats", repeats, low=1, high=50)
    policies = {
        "linear": d.BlueGreenUpdatePolicy(d.TrafficRoutingConfig("LINEAR", 600, LinearStepSize=d.CapacitySize(
            "CAPACITY_PERCENT", step)), TerminationWaitInSeconds=300, MaximumExecutionTimeoutInSeconds=14_400),
        "canary": d.BlueGreenUpdatePolicy(d.TrafficRoutingConfig("CANARY", 600, CanarySize=d.CapacitySize(
            "CAPACITY_PERCENT", pct)), TerminationWaitInSeconds=300, MaximumExecutionTimeoutInSeconds=14_400),
    }
    alarms = [d.CloudWatchAlarm.error_rate("errors-over-2pct", 0.02, EndpointName="claims")]
    table = d.compare_policies(policies, bad=d.ModelHealth(error_rate=0.20), alarms=alarms, repeats=repeats,
                               seed=seed)
    lin, can = table.loc["linear"], table.loc["canary"]
    ratio = lin["blast_radius"] / can["blast_radius"] if can["blast_radius"] else float("inf")
    figures = {"blast_linear": lin["blast_radius"], "blast_canary": can["blast_radius"],
               "ratio_linear_to_canary": ratio, "good_full_traffic_s_linear": lin["good_full_traffic_s"],
               "good_full_traffic_s_canary": can["good_full_traffic_s"]}
    figures = {k: float(v) for k, v in figures.items()}
    if ratio <= 1.5:
        return Measurement("refuted", figures, corrected=(
            f"a linear rollout's first step ({step} % here) is baked and watched by the alarms like a canary: a bad "
            f"model was rolled back after serving {lin['blast_radius']:.0f} requests, against "
            f"{can['blast_radius']:.0f} "
            f"for a {pct} % canary; what linear costs is time, {lin['good_full_traffic_s']:.0f} s instead of "
            f"{can['good_full_traffic_s']:.0f} s to move a good model to full traffic"))
    return Measurement("holds", figures)
