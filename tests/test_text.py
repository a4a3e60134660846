"""Text features: what CountVectorizer keeps, the one-vs-rest tag predictor, tag F1, features in the local bucket."""

import numpy as np
import pytest

from mlkit import datasets, text
from mlkit.storage import LocalBucketStore


@pytest.fixture(scope="module")
def articles():
    return datasets.articles(500, seed=0)


@pytest.fixture(scope="module")
def fitted(articles):
    return text.TagPredictor().fit(articles.frame["text"], articles.frame["tags"])


def test_default_setting_drops_every_stopword_and_keeps_every_rare_word(articles, fitted):
    report = fitted.vocabulary_report(articles.truth)
    # stop_words="english" removes the generator's filler words (all are in sklearn's list);
    # min_df=1 keeps a word seen in one article, so all 15 rare words survive
    assert report["stopwords_kept"] == 0
    assert report["rare_words_kept"] == report["rare_words"] == 15
    assert report["keywords_kept"] == report["keywords"]


def test_min_df_5_drops_the_rare_words(articles):
    tp = text.TagPredictor(min_df=5).fit(articles.frame["text"], articles.frame["tags"])
    # each rare word is in ~1-5 of 500 articles (truth: rare_word_document_counts)
    counts = articles.truth["rare_word_document_counts"]
    kept = tp.vocabulary_report(articles.truth)["rare_words_kept"]
    assert kept == sum(c >= 5 for c in counts.values())


def test_max_df_drops_the_words_common_to_every_tag(articles):
    tp = text.TagPredictor(max_df=0.2).fit(articles.frame["text"], articles.frame["tags"])
    report = tp.vocabulary_report(articles.truth)
    # a common word is in ~22 % of articles (1 - (15/16)^3.9), a keyword in ~11 %
    assert report["common_words_kept"] <= 3
    assert report["keywords_kept"] == report["keywords"]


def test_predicted_tags_match_the_true_tags_closely(articles, fitted):
    pred = fitted.predict(articles.frame["text"].iloc[:100])
    # topic words are half of each text: tags are easy on whole articles (training F1 ~0.97)
    assert text.tag_f1(articles.frame["tags"].iloc[:100], pred) > 0.9


def test_tag_f1_counts_shared_pairs():
    # 2 shared pairs, 3 true + 2 predicted pairs -> 2*2/5
    assert text.tag_f1(["a", "a|b"], ["a", "b"]) == pytest.approx(0.8)


@pytest.fixture(scope="module")
def settings_nb(articles):
    return text.compare_text_settings(articles, model="naive_bayes", seed=0).set_index("setting")


def test_rare_words_let_the_model_tag_a_text_whose_only_clue_is_a_rare_word(settings_nb):
    kept = settings_nb.loc["stop words removed, rare words kept", "rare_word_probe_accuracy"]
    dropped = settings_nb.loc["stop words removed, rare words dropped", "rare_word_probe_accuracy"]
    # without the rare word a probe is filler only: chance is 1/5 = 0.2; with it, naive Bayes
    # finds the tag whose articles used it (0.72 at this seed)
    assert dropped < 0.35
    assert kept > dropped + 0.3


def test_logistic_model_tags_headlines_better_without_stop_words(articles):
    gains = []
    for seed in range(5):
        t = text.compare_text_settings(articles, model="logistic", seed=seed).set_index("setting")
        gains.append(t.loc["stop words removed, rare words kept", "f1_headlines"]
                     - t.loc["stop words kept, rare words kept", "f1_headlines"])
    # in a six-word headline two words are stop words: their weights are noise the model must
    # outvote. The gain is small (+0.003 to +0.016 per split measured) but never negative
    assert min(gains) >= 0 and np.mean(gains) > 0.005


def test_stop_word_removal_shrinks_the_vocabulary_by_the_stopwords(settings_nb, articles):
    removed = settings_nb.loc["stop words kept, rare words kept", "vocabulary"] - \
        settings_nb.loc["stop words removed, rare words kept", "vocabulary"]
    assert removed == len(articles.truth["stopwords"])


def test_features_round_trip_through_the_local_bucket(tmp_path, articles, fitted):
    store = LocalBucketStore(tmp_path)
    X = fitted.transform(articles.frame["text"])
    uris = text.save_features(X, fitted.vocabulary, "s3://mlkit-course/articles/features/",
                              ids=articles.frame["article_id"], store=store)
    assert uris["features"] == "s3://mlkit-course/articles/features/features.npz"
    back = text.load_features("s3://mlkit-course/articles/features/", store=store)
    assert (back.matrix != X).nnz == 0 and back.vocabulary == fitted.vocabulary
    assert back.ids[0] == "ART-000001"


def test_save_features_refuses_a_vocabulary_of_another_width(tmp_path, fitted, articles):
    X = fitted.transform(articles.frame["text"].iloc[:3])
    with pytest.raises(ValueError, match=r"matrix has \d+ columns but vocabulary has 2 words"):
        text.save_features(X, ["a", "b"], "s3://b-1/p/", store=LocalBucketStore(tmp_path))


def test_save_features_needs_a_prefix(tmp_path, fitted, articles):
    X = fitted.transform(articles.frame["text"].iloc[:3])
    with pytest.raises(ValueError, match="prefix_uri must end with '/'"):
        text.save_features(X, fitted.vocabulary, "s3://b-1/p", store=LocalBucketStore(tmp_path))


@pytest.mark.parametrize("kwargs, error, message", [
    ({"min_df": 0}, ValueError, "min_df must be an integer >= 1"),
    ({"max_df": 1.5}, ValueError, "max_df must be a finite number > 0.0 and <= 1.0"),
    ({"min_df": "1"}, TypeError, "min_df must be an integer >= 1 .* or a float"),
    ({"stop_words": "french"}, ValueError, "stop_words must be None, 'english' or a list"),
    ({"model": "svm"}, ValueError, "model must be one of 'naive_bayes', 'logistic'"),
])
def test_bad_settings_are_rejected_by_name(kwargs, error, message):
    with pytest.raises(error, match=message):
        text.TagPredictor(**kwargs).fit(["a b", "c d"], ["x", "y"])


def test_tags_of_another_length_are_rejected():
    with pytest.raises(ValueError, match="one entry per text: 2 texts, 1 tags"):
        text.TagPredictor().fit(["goal team", "vote senate"], ["sports"])


def test_predict_before_fit_is_refused():
    with pytest.raises(ValueError, match="not fitted yet"):
        text.TagPredictor().predict(["x"])


def test_compare_text_settings_needs_articles():
    with pytest.raises(ValueError, match="must come from datasets.articles"):
        text.compare_text_settings(datasets.claims(50, seed=0))
