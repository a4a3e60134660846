"""Claims of the start topic: each verdict rule can come out either way, and the defaults give the recorded verdicts."""

import math

import pytest

from mlkit import claims
from mlkit.claims.measures import start


@pytest.fixture(scope="module")
def share():
    return start.class_share_matches_rate(0)


@pytest.fixture(scope="module")
def gap():
    return start.overall_gap_not_within_groups(0)


def test_class_share_holds_with_share_within_three_standard_errors(share):
    assert share.verdict == "holds"
    # binomial standard error of a 10 % share in 2,000 rows: sqrt(0.1 * 0.9 / 2000) = 0.00671
    assert share.figures["standard_error"] == pytest.approx(math.sqrt(0.09 / 2000), rel=1e-4)
    assert abs(share.figures["suspicious_share"] - 0.10) <= 3 * share.figures["standard_error"]


def test_class_share_refuted_when_data_has_twice_the_claimed_rate():
    m = start.class_share_matches_rate(0, suspicious_rate=0.2)
    assert m.verdict == "refuted"
    # 0.2 injected vs 0.1 claimed: (0.2 - 0.1) / 0.0067 is about 15 standard errors, far past 3
    assert m.figures["z_score"] > 10
    assert "not 10%" in m.corrected


def test_overall_gap_refuted_when_it_comes_from_group_composition(gap):
    assert gap.verdict == "refuted"
    # the generator injects an overall gap of 0.2; 20,000 rows give it within 0.02 (about 3 SE)
    assert gap.figures["overall_gap"] == pytest.approx(0.2, abs=0.02)
    # and equal treatment inside each department: every gap under the 0.05 threshold
    assert max(abs(gap.figures["largest_within_gap"]), abs(gap.figures["smallest_within_gap"])) < 0.05
    assert "Simpson" in gap.corrected


def test_overall_gap_holds_when_the_gap_is_inside_every_group():
    m = start.overall_gap_not_within_groups(0, n_rows=5000, gap_source="within_group")
    assert m.verdict == "holds"
    # within_group injects the same 0.2 gap in every department; half of the overall gap is the rule's floor
    assert m.figures["smallest_within_gap"] >= m.figures["overall_gap"] / 2


def test_same_seed_gives_identical_figures(share):
    again = claims.check("start-class-imbalance-one-in-ten", progress=False).results[0]
    assert again.status == share.verdict and again.figures == share.figures
