"""The automl topic's claims: each verdict rule can fail, and the default run gives the recorded verdict."""

from mlkit.claims.measures import automl as m


def test_problem_type_holds_when_the_count_has_more_than_ten_values():
    # a Poisson count clipped at 30 with mean 10 takes well over 10 distinct values: read as a number
    r = m.problem_type_inferred(0, max_count=30)
    assert r.verdict == "holds"
    assert r.figures["count_read_as"] == "Regression"
    assert r.figures["count_distinct_values"] > 10


def test_problem_type_default_reads_a_small_count_as_classes():
    r = m.problem_type_inferred(0)
    assert r.verdict == "holds with conditions"
    assert r.figures["approved_read_as"] == "BinaryClassification"
    assert r.figures["income_read_as"] == "Regression"
    assert r.figures["count_read_as"] == "MulticlassClassification"
    assert r.figures["count_distinct_values"] <= 10  # clipped at 8: at most 9 values (0..8)


def test_problem_type_same_seed_same_figures():
    a, b = m.problem_type_inferred(5, max_count=30), m.problem_type_inferred(5, max_count=30)
    assert a.figures == b.figures and a.verdict == b.verdict


def test_cleaning_holds_without_a_leaking_column():
    r = m.cleaning_is_automatic(0, leak=False, n_rows=300)
    assert r.verdict == "holds"
    assert r.figures["duplicates_removed"] == 5
    assert r.figures["leak_flagged"] == 0
    assert r.figures["best_f1_as_given"] == r.figures["best_f1_without_leak"]  # the same data: the same job


def test_cleaning_default_repairs_the_data_but_keeps_the_leak():
    r = m.cleaning_is_automatic(0)
    assert r.verdict == "holds with conditions"
    assert r.figures["duplicates_removed"] == 5 and r.figures["income_parsed"] == 1
    assert r.figures["leak_flagged"] == 1
    # the leak is the answer in letters: F1 1.0 exactly; without it the loans signal gives well under 0.95
    assert r.figures["best_f1_as_given"] == 1.0
    assert r.figures["best_f1_without_leak"] < 0.95
