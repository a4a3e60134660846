"""The Ground Truth claims: each verdict rule gives the claimed verdict by default and can fail."""

import math

import pytest

from mlkit.claims.measures import ground_truth as gt


@pytest.fixture(scope="module")
def saving():
    return gt.saving_seventy_percent(0)


def test_saving_holds_only_on_workers_pay_of_a_large_job(saving):
    assert saving.verdict == "holds with conditions"
    f = saving.figures
    # the rule's own threshold: 70 % of workers' pay is reached on 6,000 objects, not near the 1,250 minimum
    assert f["worker_saving_articles_6000"] >= 0.70
    assert f["worker_saving_articles_1250"] < 0.70
    assert f["worker_saving_digits_1797"] < 0.70  # the kit's images: below the 5,000 AWS recommends
    # the whole bill pays a per-object fee for machine labels too, so it falls by less than workers' pay
    assert f["total_saving_articles_6000"] < f["worker_saving_articles_6000"]
    assert "workers' pay" in saving.condition


def test_saving_is_refuted_when_every_job_is_small():
    m = gt.saving_seventy_percent(0, sizes=(1250,), image_objects=None)
    assert m.verdict == "refuted"
    assert m.figures["worker_saving_articles_1250"] < 0.70
    assert "1,250" in m.corrected


def test_saving_holds_without_a_per_object_fee():
    m = gt.saving_seventy_percent(0, sizes=(3000,), image_objects=None, service_fee_per_object=0.0)
    assert m.verdict == "holds"
    # with no fee the bill is workers' pay alone: total saving = worker saving (same formula, float rounding only)
    assert math.isclose(m.figures["total_saving_articles_3000"], m.figures["worker_saving_articles_3000"],
                        rel_tol=1e-5)


def test_consolidation_is_the_same_for_the_same_seed():
    a, b = gt.consolidation_beats_one_worker(3), gt.consolidation_beats_one_worker(3)
    assert (a.verdict, a.figures) == (b.verdict, b.figures)


def test_consolidation_of_three_answers_beats_one_worker():
    m = gt.consolidation_beats_one_worker(0)
    assert m.verdict == "holds"
    f = m.figures
    # the rule's 5-point margin (over 2 standard errors on 600 objects), for both methods
    assert f["accuracy_majority_vote"] - f["accuracy_one_worker"] >= 0.05
    assert f["gain_dawid_skene_pts"] >= 5


def test_consolidation_of_one_answer_per_object_is_refuted():
    m = gt.consolidation_beats_one_worker(0, workers_per_object=1)
    assert m.verdict == "refuted"
    f = m.figures
    # one answer per object: both methods return that answer, so all three accuracies are equal exactly
    assert f["accuracy_one_worker"] == f["accuracy_majority_vote"] == f["accuracy_dawid_skene"]


def test_machine_labels_as_good_only_at_a_strict_target():
    m = gt.machine_labels_as_good(0)
    assert m.verdict == "holds with conditions"
    f = m.figures
    # the rule's 2-point band: inside it at 0.95, outside it at 0.80
    assert f["machine_accuracy_target_0.95"] >= f["human_accuracy_target_0.95"] - 0.02
    assert f["machine_accuracy_target_0.8"] < f["human_accuracy_target_0.8"] - 0.02


def test_machine_labels_at_a_loose_target_are_refuted():
    m = gt.machine_labels_as_good(0, accuracy_targets=(0.8,))
    assert m.verdict == "refuted"
    assert m.figures["machine_objects_target_0.8"] > 0  # the model did label: the gap is measured, not empty


def test_machine_labels_at_a_strict_target_hold():
    assert gt.machine_labels_as_good(0, accuracy_targets=(0.95,)).verdict == "holds"


def test_saving_names_an_empty_size_list():
    with pytest.raises(ValueError, match="sizes must hold at least one"):
        gt.saving_seventy_percent(0, sizes=())


def test_machine_labels_names_an_empty_target_list():
    with pytest.raises(ValueError, match="accuracy_targets must hold at least one"):
        gt.machine_labels_as_good(0, accuracy_targets=())
