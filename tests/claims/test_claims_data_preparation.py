"""Claims of the data preparation topic: each verdict rule can come out either way, and the defaults give the recorded verdicts."""

import pytest

from mlkit import claims
from mlkit.claims.measures import data_preparation as dp


@pytest.fixture(scope="module")
def binning():
    return dp.quantile_binning_nonlinear(0)


def test_numbers_as_text_degrade_the_model():
    m = dp.numbers_as_text_degrade(0)
    assert m.verdict == "holds"
    # amounts left as strings become one one-hot column per distinct string: hundreds of columns, not 17
    assert m.figures["features_without_numbers"] > 10 * m.figures["features_all_steps"]
    assert m.figures["auc_loss"] >= 0.05  # the rule's threshold: about 3 standard errors of the AUC


def test_leaving_out_a_step_that_does_not_matter_is_refuted():
    m = dp.numbers_as_text_degrade(0, n_rows=1000, step="dedupe")
    assert m.verdict == "refuted"
    # 3 % duplicate rows hardly move a logistic regression: the AUC changes by less than 0.01
    assert abs(m.figures["auc_loss"]) < 0.01


def test_unknown_step_is_an_error_naming_the_allowed_steps():
    with pytest.raises(ValueError, match="step must be one of dedupe"):
        dp.numbers_as_text_degrade(0, step="scale")


def test_quantile_binning_helps_only_the_non_monotone_feature(binning):
    assert binning.verdict == "holds with conditions"
    f = binning.figures
    # the hour's effect rises at both ends of the day: one linear weight cannot follow it, 6 bins can
    assert f["auc_bins_submitted_hour"] - f["auc_raw_submitted_hour"] >= 0.05
    # the amount's log-odds are linear in log(amount) by construction: bins cannot add and cost a little
    assert f["auc_bins_payment_value"] < f["auc_raw_payment_value"]


def test_quantile_binning_refuted_on_a_monotone_feature():
    m = dp.quantile_binning_nonlinear(0, nonmonotone="payment_value", monotone="account_duration")
    assert m.verdict == "refuted"


def test_stopword_removal_helps_logistic_regression_only():
    m = dp.stopword_removal_accuracy(0)
    assert m.verdict == "holds with conditions"
    f = m.figures
    # logistic regression weighs every word, so stop words in short texts add noise: a gain of 1-2 F1 points
    assert 0.005 < f["headline_f1_gain_logistic"] < 0.05
    # naive Bayes gives a word equally likely under every tag no say: within 0.005 of no change
    assert abs(f["headline_f1_gain_naive_bayes"]) < 0.005 and abs(f["article_f1_gain_naive_bayes"]) < 0.005
    assert m.condition.startswith("only for logistic")


def test_stopword_removal_refuted_for_naive_bayes_alone():
    m = dp.stopword_removal_accuracy(0, models=("naive_bayes",), repeats=3)
    assert m.verdict == "refuted"


def test_stopword_removal_holds_for_logistic_regression_alone():
    assert dp.stopword_removal_accuracy(0, models=("logistic",), repeats=3).verdict == "holds"


def test_rare_words_help_where_they_are_the_only_clue():
    m = dp.rare_words_help(0)
    assert m.verdict == "holds with conditions"
    # dropped rare words leave only filler: accuracy near chance (1 in 5 tags), 0.2 +- 0.1 for 75 probes
    assert m.figures["probe_accuracy_dropped"] == pytest.approx(0.2, abs=0.1)
    assert m.figures["probe_accuracy_kept"] - m.figures["probe_accuracy_dropped"] >= 0.3
    assert m.figures["f1_articles_gain"] < 0.01


def test_rare_words_claim_refuted_for_logistic_regression():
    # L2 shrinkage gives a word seen in a couple of articles almost no weight
    assert dp.rare_words_help(0, model="logistic").verdict == "refuted"


def test_same_seed_gives_identical_figures(binning):
    again = claims.check("data-prep-quantile-binning-nonlinear", progress=False).results[0]
    assert again.status == binning.verdict and again.figures == binning.figures
