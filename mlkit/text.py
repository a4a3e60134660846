"""Text features for tag generation: CountVectorizer, a one-vs-rest tag predictor, features to S3.

The notes' pipeline: load articles from S3, turn them into bag-of-words
counts with scikit-learn's ``CountVectorizer`` (stop words removed, rare but
meaningful words kept), store the cleaned features back in S3, train a tag
model. Here the bucket is the kit's local one (:mod:`mlkit.storage`) and the
articles come from :func:`mlkit.datasets.articles`, whose truth lists the
stop words, the words common to every tag, each tag's keywords and its rare
words, so what a setting keeps can be counted exactly.

Two settings of ``CountVectorizer`` decide what is kept:

* ``min_df``: a word must appear in at least this many documents (an int)
  or this share of them (a float). ``min_df=1`` (the default) keeps every
  word seen once: the rare words survive. ``min_df=5`` drops them.
* ``max_df``: a word found in more than this share (float) or number (int)
  of documents is dropped: words so common they cannot tell tags apart
  (corpus-specific stop words such as "said" in news). ``max_df=1.0`` drops
  nothing.

``stop_words="english"`` removes the words of scikit-learn's English list
whatever their frequency.

    >>> from mlkit import datasets, text
    >>> ds = datasets.articles(300, seed=0)
    >>> tp = text.TagPredictor().fit(ds.frame["text"], ds.frame["tags"])
    >>> tp.vocabulary_report(ds.truth)["rare_words_kept"] == tp.vocabulary_report(ds.truth)["rare_words"]
    True
"""

from __future__ import annotations

import json
import numbers
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from mlkit._checks import check_float, check_int, check_one_of, check_seed, make_rng
from mlkit.datasets import Dataset

if TYPE_CHECKING:  # pragma: no cover
    import pandas

__all__ = [
    "MODELS",
    "TagPredictor",
    "split_tags",
    "tag_f1",
    "rare_word_probes",
    "compare_text_settings",
    "save_features",
    "load_features",
]

#: The per-tag binary classifiers a :class:`TagPredictor` can use.
MODELS = ("naive_bayes", "logistic")


def _check_df(name: str, value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be an integer >= 1 (documents) or a float in (0, 1] (share of "
                        f"documents), got {value!r} ({type(value).__name__})")
    if isinstance(value, numbers.Integral):
        return check_int(name, value, low=1)
    return check_float(name, value, 0.0, 1.0, low_open=True)


def _check_texts(texts: Any, name: str = "texts") -> list[str]:
    if isinstance(texts, str) or not isinstance(texts, Iterable):
        raise TypeError(f"{name} must be a list or Series of strings, got {type(texts).__name__}")
    texts = list(texts)
    bad = [i for i, t in enumerate(texts) if not isinstance(t, str)]
    if bad:
        raise TypeError(f"{name} must hold strings only; item {bad[0]} is {texts[bad[0]]!r}")
    return texts


def split_tags(tags: Iterable, separator: str = "|") -> list[list[str]]:
    """``"sports|politics"`` -> ``["sports", "politics"]`` for each item; lists pass through.

        >>> split_tags(["a|b", ["c"]])
        [['a', 'b'], ['c']]
    """
    out = []
    for i, t in enumerate(tags):
        if isinstance(t, str):
            parts = [p.strip() for p in t.split(separator) if p.strip()]
        elif isinstance(t, (list, tuple, set)):
            parts = [str(p) for p in t]
        else:
            raise TypeError(f"tags[{i}] must be a string like 'a{separator}b' or a list of tags, got {t!r}")
        if not parts:
            raise ValueError(f"tags[{i}] is empty; every text needs at least one tag")
        out.append(parts)
    return out


class TagPredictor:
    """Tags for a text: ``CountVectorizer`` then one binary classifier per tag (one-vs-rest).

    ``TagPredictor(stop_words, min_df, max_df, model)`` stores its parameters
    unchanged. :meth:`fit` (texts, tags) learns ``vectorizer_`` (the fitted
    ``CountVectorizer``), ``binarizer_`` (a ``MultiLabelBinarizer``; its
    ``classes_`` are the tags) and ``model_`` (a ``OneVsRestClassifier`` of
    ``MultinomialNB`` or ``LogisticRegression``) and returns ``self``;
    :meth:`predict` returns each text's tags (a list of lists; a text is
    given at least its most likely tag); :meth:`transform` returns the count
    matrix (sparse, one column per vocabulary word).

    ``model="naive_bayes"`` scores words by how much likelier they are under
    one tag than under the others, so a word seen in two articles of one tag
    counts; ``"logistic"`` learns one weight per word under L2 shrinkage.

        >>> tp = TagPredictor().fit(["goal team match", "vote senate election"], ["sports", "politics"])
        >>> tp.predict(["the team scored a goal"])
        [['sports']]

    Errors: ``stop_words`` not None, ``"english"`` or a list of words;
    ``min_df``/``max_df`` not an int >= 1 or a float in (0, 1]; ``model`` not
    one of :data:`MODELS`; texts that are not strings or tags of another
    length (``ValueError``); :meth:`predict` before :meth:`fit` (``ValueError``).
    """

    def __init__(self, stop_words: str | Sequence[str] | None = "english", min_df: int | float = 1,
                 max_df: int | float = 0.5, model: str = "naive_bayes", separator: str = "|"):
        self.stop_words = stop_words
        self.min_df = min_df
        self.max_df = max_df
        self.model = model
        self.separator = separator

    def _vectorizer(self):
        from sklearn.feature_extraction.text import CountVectorizer

        sw = self.stop_words
        if not (sw is None or sw == "english" or (isinstance(sw, (list, tuple, set, frozenset))
                                                  and all(isinstance(w, str) for w in sw))):
            raise ValueError(f"stop_words must be None, 'english' or a list of words, got {sw!r}")
        return CountVectorizer(stop_words=list(sw) if isinstance(sw, (set, frozenset)) else sw,
                               min_df=_check_df("min_df", self.min_df), max_df=_check_df("max_df", self.max_df))

    def fit(self, texts, tags) -> "TagPredictor":
        """Learn the vocabulary and one classifier per tag from ``texts`` and their ``tags``."""
        from sklearn.linear_model import LogisticRegression
        from sklearn.multiclass import OneVsRestClassifier
        from sklearn.naive_bayes import MultinomialNB
        from sklearn.preprocessing import MultiLabelBinarizer

        check_one_of("model", self.model, MODELS)
        texts = _check_texts(texts)
        tag_lists = split_tags(tags, self.separator)
        if len(tag_lists) != len(texts):
            raise ValueError(f"tags must have one entry per text: {len(texts)} texts, {len(tag_lists)} tags")
        vectorizer = self._vectorizer()
        X = vectorizer.fit_transform(texts)
        binarizer = MultiLabelBinarizer()
        Y = binarizer.fit_transform(tag_lists)
        if Y.shape[1] < 2:
            raise ValueError(f"tags must name at least 2 different tags, got {list(binarizer.classes_)}")
        base = MultinomialNB() if self.model == "naive_bayes" else LogisticRegression(solver="liblinear")
        self.vectorizer_, self.binarizer_ = vectorizer, binarizer
        self.model_ = OneVsRestClassifier(base).fit(X, Y)
        return self

    def _fitted(self) -> None:
        if not hasattr(self, "model_"):
            raise ValueError("this TagPredictor is not fitted yet; call fit(texts, tags) first")

    @property
    def classes_(self) -> list[str]:
        """The tags, in the order of the model's columns."""
        self._fitted()
        return [str(c) for c in self.binarizer_.classes_]

    @property
    def vocabulary(self) -> list[str]:
        """The words kept, in column order."""
        self._fitted()
        return [str(w) for w in self.vectorizer_.get_feature_names_out()]

    def transform(self, texts):
        """The bag-of-words count matrix of ``texts`` (scipy sparse, texts x vocabulary)."""
        self._fitted()
        return self.vectorizer_.transform(_check_texts(texts))

    def predict_proba(self, texts):
        """Each tag's probability for each text (a numpy array, texts x tags)."""
        self._fitted()
        return self.model_.predict_proba(self.transform(texts))

    def predict(self, texts) -> list[list[str]]:
        """Each text's tags: those with probability >= 0.5, or else the single most likely one."""
        import numpy as np

        proba = self.predict_proba(texts)
        classes = self.classes_
        out = []
        for row in proba:
            chosen = [classes[j] for j in np.flatnonzero(row >= 0.5)]
            out.append(chosen or [classes[int(np.argmax(row))]])
        return out

    def vocabulary_report(self, truth: dict) -> dict:
        """How many words of each kind of :func:`mlkit.datasets.articles`' truth the vocabulary kept.

        Keys: ``vocabulary``, and for each kind (``stopwords``, ``common_words``,
        ``keywords``, ``rare_words``) its size and ``<kind>_kept``.
        """
        vocab = set(self.vocabulary)
        kinds = {
            "stopwords": truth["stopwords"],
            "common_words": truth["common_words"],
            "keywords": [w for ws in truth["keywords"].values() for w in ws],
            "rare_words": [w for ws in truth["rare_words"].values() for w in ws],
        }
        report = {"vocabulary": len(vocab)}
        for kind, words in kinds.items():
            report[kind] = len(words)
            report[f"{kind}_kept"] = sum(w in vocab for w in words)
        return report

    def __repr__(self) -> str:
        return (f"TagPredictor(stop_words={self.stop_words!r}, min_df={self.min_df!r}, "
                f"max_df={self.max_df!r}, model={self.model!r})")


def tag_f1(true_tags, predicted_tags, classes: Sequence[str] | None = None) -> float:
    """Micro-averaged F1 over (text, tag) pairs: 2 * shared / (true pairs + predicted pairs).

        >>> tag_f1([["a"], ["a", "b"]], [["a"], ["b"]])
        0.8
    """
    true_tags, predicted_tags = split_tags(true_tags), split_tags(predicted_tags)
    if len(true_tags) != len(predicted_tags):
        raise ValueError(f"true_tags and predicted_tags must have the same length, "
                         f"got {len(true_tags)} and {len(predicted_tags)}")
    shared = sum(len(set(t) & set(p)) for t, p in zip(true_tags, predicted_tags))
    total = sum(len(set(t)) + len(set(p)) for t, p in zip(true_tags, predicted_tags))
    return 2.0 * shared / total if total else 0.0


def rare_word_probes(truth: dict, *, per_word: int = 5, seed: Any = 0) -> "pandas.DataFrame":
    """Short texts whose only tag-specific word is one rare word: can a model use it?

    For every rare word of an :func:`mlkit.datasets.articles` truth,
    ``per_word`` texts of four stop words, two common words and the rare
    word, shuffled. Columns ``text``, ``rare_word``, ``tag``. A model that
    dropped the rare word has nothing but filler to go on (chance is
    1 / number of tags).
    """
    import pandas as pd

    per_word = check_int("per_word", per_word, low=1, high=100)
    rng = make_rng(seed)
    stop, common = list(truth["stopwords"]), list(truth["common_words"])
    rows = []
    for tag, words in truth["rare_words"].items():
        for word in words:
            for _ in range(per_word):
                parts = [stop[i] for i in rng.integers(len(stop), size=4)]
                parts += [common[i] for i in rng.integers(len(common), size=2)] + [word]
                rng.shuffle(parts)
                rows.append({"text": " ".join(parts), "rare_word": word, "tag": tag})
    return pd.DataFrame(rows)


#: The four settings :func:`compare_text_settings` compares: name -> (stop_words, rare words kept).
SETTINGS = {
    "stop words removed, rare words kept": ("english", True),
    "stop words kept, rare words kept": (None, True),
    "stop words removed, rare words dropped": ("english", False),
    "stop words kept, rare words dropped": (None, False),
}


def compare_text_settings(dataset: Dataset, *, model: str = "naive_bayes", rare_min_df: int = 5,
                          max_df: float = 0.5, headline_words: int = 6, test_size: float = 0.3,
                          seed: int | None = 0) -> "pandas.DataFrame":
    """Tag F1 with and without stop-word removal, with and without rare words, on one seeded split.

    ``dataset`` is :func:`mlkit.datasets.articles` output. For each of the
    four :data:`SETTINGS` (rare words dropped means ``min_df=rare_min_df``),
    a :class:`TagPredictor` is trained on the training articles and measured
    three ways: ``f1_articles`` (micro tag F1 on whole validation articles),
    ``f1_headlines`` (on the first ``headline_words`` words of each:
    short texts, where each word counts) and ``rare_word_probe_accuracy``
    (the most likely tag of :func:`rare_word_probes` texts is the rare word's
    tag). Also the vocabulary kept (``vocabulary``, ``stopwords_kept``,
    ``rare_words_kept``).

    Errors: ``dataset`` not an articles :class:`Dataset` (``TypeError``/``ValueError``),
    ``model`` not in :data:`MODELS`, ``rare_min_df`` not an int >= 2,
    ``headline_words`` not an int >= 1, ``test_size`` outside (0, 1).
    """
    import pandas as pd
    from sklearn.model_selection import train_test_split

    if not isinstance(dataset, Dataset):
        raise TypeError(f"dataset must be a mlkit Dataset from datasets.articles(), got {type(dataset).__name__}")
    if dataset.name != "articles":
        raise ValueError(f"dataset must come from datasets.articles() (it needs the words' truth), "
                         f"got {dataset.name!r}")
    check_one_of("model", model, MODELS)
    rare_min_df = check_int("rare_min_df", rare_min_df, low=2)
    headline_words = check_int("headline_words", headline_words, low=1)
    test_size = check_float("test_size", test_size, 0.0, 1.0, low_open=True, high_open=True)
    seed = check_seed(seed)
    frame = dataset.frame
    train, valid = train_test_split(frame, test_size=test_size, random_state=seed)
    headlines = [" ".join(t.split()[:headline_words]) for t in valid["text"]]
    probes = rare_word_probes(dataset.truth, seed=seed)
    true_tags = split_tags(valid["tags"])
    rows = []
    for name, (stop_words, rare) in SETTINGS.items():
        tp = TagPredictor(stop_words=stop_words, min_df=1 if rare else rare_min_df, max_df=max_df,
                          model=model).fit(train["text"], train["tags"])
        vocab = tp.vocabulary_report(dataset.truth)
        proba = tp.predict_proba(probes["text"])
        top = [tp.classes_[j] for j in proba.argmax(axis=1)]
        rows.append({
            "setting": name,
            "stop_words": stop_words or "none",
            "min_df": 1 if rare else rare_min_df,
            "vocabulary": vocab["vocabulary"],
            "stopwords_kept": vocab["stopwords_kept"],
            "rare_words_kept": vocab["rare_words_kept"],
            "f1_articles": tag_f1(true_tags, tp.predict(valid["text"])),
            "f1_headlines": tag_f1(true_tags, tp.predict(headlines)),
            "rare_word_probe_accuracy": float((pd.Series(top) == probes["tag"].to_numpy()).mean()),
        })
    return pd.DataFrame(rows)


def save_features(matrix, vocabulary: Sequence[str], prefix_uri: str, *, ids: Sequence[str] | None = None,
                  store=None) -> dict:
    """Store a count matrix and its vocabulary under an ``s3://`` prefix of the local bucket.

    Writes ``<prefix>features.npz`` (``scipy.sparse.save_npz``: the sparse
    matrix as numpy arrays, no pickle) and ``<prefix>vocabulary.json``
    (``{"vocabulary": [...], "ids": [...]}``) and returns their URIs. The
    prefix must end with ``/``. ``store`` defaults to
    ``mlkit.storage.LocalBucketStore()``.

    Errors: a prefix that is not an ``s3://bucket/prefix/`` URI, a matrix
    whose column count differs from the vocabulary's length, ``ids`` of
    another length than its rows (``ValueError``).
    """
    import io

    import scipy.sparse as sp

    from mlkit.storage import LocalBucketStore, parse_s3_uri

    parse_s3_uri(prefix_uri, allow_prefix=True)
    if not prefix_uri.endswith("/"):
        raise ValueError(f"prefix_uri must end with '/' (a folder of objects), got {prefix_uri!r}")
    matrix = sp.csr_matrix(matrix)
    vocabulary = [str(w) for w in vocabulary]
    if matrix.shape[1] != len(vocabulary):
        raise ValueError(f"matrix has {matrix.shape[1]} columns but vocabulary has {len(vocabulary)} words")
    if ids is not None and len(ids) != matrix.shape[0]:
        raise ValueError(f"ids must have one entry per row: {matrix.shape[0]} rows, {len(ids)} ids")
    store = store if store is not None else LocalBucketStore()
    buffer = io.BytesIO()
    sp.save_npz(buffer, matrix, compressed=True)
    features = store.put(prefix_uri + "features.npz", buffer.getvalue())
    meta = {"vocabulary": vocabulary, "ids": None if ids is None else [str(i) for i in ids],
            "shape": list(matrix.shape), "format": "scipy.sparse csr, save_npz"}
    vocab_uri = store.put(prefix_uri + "vocabulary.json", json.dumps(meta))
    return {"features": features, "vocabulary": vocab_uri}


@dataclass
class StoredFeatures:
    """What :func:`load_features` returns: the sparse ``matrix``, its ``vocabulary`` and row ``ids``."""

    matrix: Any
    vocabulary: list
    ids: list | None


def load_features(prefix_uri: str, *, store=None) -> StoredFeatures:
    """Read back what :func:`save_features` wrote under ``prefix_uri`` (no pickle: ``allow_pickle=False``)."""
    import io

    import scipy.sparse as sp

    from mlkit.storage import LocalBucketStore

    if not isinstance(prefix_uri, str) or not prefix_uri.endswith("/"):
        raise ValueError(f"prefix_uri must be an s3:// prefix ending with '/', got {prefix_uri!r}")
    store = store if store is not None else LocalBucketStore()
    matrix = sp.load_npz(io.BytesIO(store.get(prefix_uri + "features.npz")))
    meta = json.loads(store.get(prefix_uri + "vocabulary.json"))
    return StoredFeatures(matrix.tocsr(), meta["vocabulary"], meta["ids"])
