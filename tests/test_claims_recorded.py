"""The recorded ledger is what the code measures: every claim re-measured, the page regenerated.

When a topic engine changes what a claim measures, this fails until the
results are recorded again (``mlkit claims check --record``) and the page
regenerated (``mlkit claims ledger --output docs/claims.md``).
"""

from pathlib import Path

import pytest

from mlkit import claims, topics

ROOT = Path(__file__).resolve().parents[1]
RECORDED = claims.recorded()
ALL = claims.load_claims()


def test_the_notes_give_at_least_25_claims_across_the_lesson_topics():
    assert len(ALL) >= 25  # the minimum
    assert {c.topic for c in ALL} >= {t.id for t in topics.TOPICS if t.requests}


def test_every_claim_is_measured_by_its_topics_measures_module():
    for c in ALL:
        assert c.measure.startswith(f"mlkit.claims.measures.{c.topic}:"), c.id
        assert callable(c.measure_function())


def test_every_claim_has_a_recorded_result_with_the_same_seed():
    missing = [r.id for r in RECORDED if r.status == "not measured"]
    assert not missing, f"record them: mlkit claims check {' '.join(missing)} --record"
    assert {r.seed for r in RECORDED} == {RECORDED.seed}


def test_the_committed_ledger_page_is_the_recorded_results():
    page = (ROOT / "docs" / "claims.md").read_text(encoding="utf-8")
    assert page == claims.render_markdown(RECORDED) + "\n", "regenerate: mlkit claims ledger --output docs/claims.md"


@pytest.mark.parametrize("claim", ALL, ids=[c.id for c in ALL])
def test_measuring_again_gives_the_recorded_verdict_and_figures(claim):
    past = RECORDED.get(claim.id)
    now = claims.measure_one(claim, seed=RECORDED.seed)
    assert now.status != "error", now.error
    assert claims.compare(past, now) == [], f"re-record: mlkit claims check {claim.id} --record"
