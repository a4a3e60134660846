"""The forecasting topic's claims: each verdict rule can fail, and the default run gives the recorded verdict."""

from mlkit.claims.measures import forecasting as m


def test_global_model_holds_outright_when_long_series_have_little_history():
    # with 70 weeks (1.3 seasons) for the "long" series too, the per-series wave is poorly fitted: global wins both
    r = m.global_model_for_many_series(0, n_series=6, long_length=70)
    assert r.verdict == "holds"
    assert r.figures["wql_global_all_long"] < r.figures["wql_additive_all_long"]


def test_global_model_default_wins_with_young_series_only():
    r = m.global_model_for_many_series(0)
    assert r.verdict == "holds with conditions"
    # young series: the per-series model cannot fit a yearly wave it has not seen; the gap is large (> 2x)
    assert r.figures["wql_additive_with_short"] > 2 * r.figures["wql_global_with_short"]
    assert r.figures["wql_additive_all_long"] < r.figures["wql_global_all_long"]


def test_additive_model_is_refuted_on_pure_noise():
    # no trend, no season, noise sd 30 around 100: neither model has structure to use, the ratio is ~1
    r = m.additive_model_for_one_series(0, length=110, trend_per_year=0.0, amplitude=0.0, noise=30.0)
    assert r.verdict == "refuted"
    assert r.figures["ratio_additive_to_global"] > 0.9


def test_additive_model_default_wins_clearly_on_a_trending_seasonal_series():
    r = m.additive_model_for_one_series(0)
    assert r.verdict == "holds"
    # the rule's margin: at least 10 % lower avg wQL than the global model's
    assert r.figures["ratio_additive_to_global"] <= 0.9
