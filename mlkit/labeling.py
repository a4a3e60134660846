"""Ground Truth: labeling jobs, annotation consolidation and automated data labeling.

A labeling job sends each data object to ``NumberOfHumanWorkersPerDataObject``
workers, *consolidates* their answers into one label, and (with automated data
labeling on) trains a model on the human labels so that the objects the model
is confident about are labeled by the machine instead of by people.

Everything here runs offline on data that ships with the kit:

* :func:`load_objects` -- the handwritten digits images that ship with
  scikit-learn (``sklearn.datasets.load_digits``, 1,797 8x8 images, 10 classes)
  or the kit's ``articles`` texts (single-label text classification);
* :func:`simulated_workforce` / :func:`annotate` -- seeded simulated annotators,
  each with its own confusion matrix (reliable, careless, adversarial);
* :func:`majority_vote` / :func:`dawid_skene` -- annotation consolidation;
  Dawid-Skene estimates every worker's confusion matrix by EM, the idea behind
  Ground Truth's consolidation for classification;
* :class:`LabelingJob` -- the whole job, iteration by iteration, with cost, and
  ``to_request()`` for the real ``CreateLabelingJob`` request;
* :func:`compare_strategies` -- the "up to 70 % cheaper" claim, measured.

Automated data labeling, as AWS documents it (Amazon SageMaker Developer Guide,
"Automate data labeling", https://docs.aws.amazon.com/sagemaker/latest/dg/sms-automated-labeling.html):
it needs at least 1,250 data objects and 5,000 or more are recommended; Ground
Truth first has humans label a random *validation* sample, then a batch of
training objects; it trains a model, runs it on the validation sample and picks
a confidence threshold so that the machine labels above it meet a quality
target; objects above the threshold in the unlabeled pool are labeled by the
machine; an *active learning* step picks the next batch for humans among the
rest; repeat until everything is labeled. This module follows those steps. The
kit's choices (stated, not AWS's): the model is a scikit-learn logistic
regression; the threshold must meet ``accuracy_target`` on the one-sided 95 %
Wilson *lower bound* of the validation accuracy (so a target of 1.0 can never
be met from a finite sample and every object then goes to humans); active
learning picks the objects the model is least sure about.

Prices are illustrative, shaped like SageMaker's published pricing: a per-object
Ground Truth fee for every labeled object (``service_fee_per_object``, USD 0.08
in the first price tier) plus what each human label costs
(``price_per_label``, USD 0.036 here: one of the public-workforce task prices).
Check the current price list before planning a budget.

    >>> job = LabelingJob("digits-demo", dataset="digits", worker_quality=0.9, seed=0)
    >>> result = job.run()
    >>> result.human_objects + result.machine_objects == result.n_objects
    True
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from mlkit._checks import check_float, check_fraction, check_int, check_one_of, make_rng
from mlkit.aws import AwsRequest
from mlkit.report import Report

__all__ = [
    "MIN_OBJECTS_FOR_AUTOMATED_LABELING",
    "RECOMMENDED_OBJECTS_FOR_AUTOMATED_LABELING",
    "LabelingObjects",
    "Annotator",
    "Consolidation",
    "LabelingJob",
    "LabelingJobResult",
    "load_objects",
    "simulated_workforce",
    "annotate",
    "majority_vote",
    "dawid_skene",
    "consolidate",
    "consolidation_vs_quality",
    "choose_threshold",
    "compare_strategies",
]

#: Ground Truth's documented minimum for automated data labeling.
MIN_OBJECTS_FOR_AUTOMATED_LABELING = 1250
#: Ground Truth's recommended size for automated data labeling.
RECOMMENDED_OBJECTS_FOR_AUTOMATED_LABELING = 5000

DATASETS = ("digits", "articles")
METHODS = ("dawid_skene", "majority_vote")
SELECTIONS = ("active", "random")
_Z95 = 1.6448536269514722  # one-sided 95 % normal quantile


# --------------------------------------------------------------------------- data
@dataclass
class LabelingObjects:
    """The data objects of a job: features ``X`` (rows), true labels ``y`` (0..K-1), class names.

    ``y`` is what a perfect labeler would answer; the job never shows it to the
    model, only uses it to *measure* accuracy.
    """

    name: str
    X: Any
    y: Any
    classes: list
    task: str  # "image" or "text"

    @property
    def n_objects(self) -> int:
        return int(self.y.shape[0])

    @property
    def n_classes(self) -> int:
        return len(self.classes)


def load_objects(dataset: str = "digits", n_objects: int | None = None, *, seed: int | None = 0) -> LabelingObjects:
    """Objects to label: ``"digits"`` (scikit-learn's 1,797 images) or ``"articles"`` (kit texts).

    ``n_objects`` None takes every digit image (1,797) or 2,000 articles; for
    digits a smaller number is a seeded random subset and a larger one is an
    error (there are only 1,797 images). Article texts become word counts
    (``CountVectorizer(stop_words="english")``) for the model.

        >>> load_objects("digits").n_objects
        1797

    Errors: ``dataset`` not one of digits/articles; ``n_objects`` not an int in
    [20, 1797] for digits or [20, 100000] for articles.
    """
    import numpy as np

    check_one_of("dataset", dataset, DATASETS)
    rng = make_rng(seed)
    if dataset == "digits":
        from sklearn.datasets import load_digits

        d = load_digits()
        total = int(d.target.shape[0])
        n = total if n_objects is None else check_int("n_objects", n_objects, low=20, high=total)
        idx = np.sort(rng.permutation(total)[:n]) if n < total else np.arange(total)
        X = d.data[idx] / 16.0
        return LabelingObjects("digits", X, d.target[idx].astype(int), [str(c) for c in range(10)], "image")
    from sklearn.feature_extraction.text import CountVectorizer

    from mlkit.datasets import articles

    n = 2000 if n_objects is None else check_int("n_objects", n_objects, low=20, high=100_000)
    ds = articles(n, seed=int(rng.integers(2**31)))
    classes = list(ds.truth["tags"])
    y = np.array([classes.index(t) for t in ds.frame["primary_tag"]], dtype=int)
    X = CountVectorizer(stop_words="english").fit_transform(ds.frame["text"])
    return LabelingObjects("articles", X, y, classes, "text")


# --------------------------------------------------------------------------- workers
@dataclass
class Annotator:
    """One simulated worker: ``confusion[k, j]`` = P(answers j | true class k); rows sum to 1.

    ``kind`` is ``"reliable"`` (errors mostly onto one look-alike class),
    ``"careless"`` (lower accuracy, errors spread evenly) or ``"adversarial"``
    (answers a systematically wrong class almost always).
    """

    name: str
    kind: str
    confusion: Any

    @property
    def accuracy(self) -> float:
        """Mean of the diagonal: accuracy on a class-balanced set."""
        import numpy as np

        return float(np.mean(np.diag(self.confusion)))


def simulated_workforce(n_classes: int, *, n_workers: int = 5, quality: float = 0.9, careless: int = 1,
                        adversarial: int = 0, seed: int | None = 0) -> list[Annotator]:
    """A seeded list of ``n_workers`` annotators: ``careless`` careless, ``adversarial`` adversarial, the rest reliable.

    A reliable worker answers the true class with probability ``quality``; 70 %
    of its mistakes go to one look-alike class (drawn per worker and class) and
    the rest evenly to the others. A careless worker is right with probability
    ``max(1/K, 0.6 * quality)`` and errs evenly. An adversarial worker is right
    5 % of the time and otherwise answers class ``(k + 1) mod K``.

        >>> [w.kind for w in simulated_workforce(10, n_workers=4, careless=1, adversarial=1)]
        ['reliable', 'reliable', 'careless', 'adversarial']

    Errors: ``n_classes`` < 2; ``n_workers`` not in [1, 50]; ``quality`` not in
    [0, 1]; ``careless``/``adversarial`` negative or together more than ``n_workers``.
    """
    import numpy as np

    k = check_int("n_classes", n_classes, low=2)
    w = check_int("n_workers", n_workers, low=1, high=50)
    q = check_fraction("quality", quality)
    c = check_int("careless", careless, low=0, high=w)
    a = check_int("adversarial", adversarial, low=0, high=w)
    if c + a > w:
        raise ValueError(f"careless + adversarial must be <= n_workers ({w}), got {c} + {a} = {c + a}")
    rng = make_rng(seed)
    workers = []
    eye = np.eye(k)
    for i in range(w):
        if i >= w - a:
            kind = "adversarial"
            m = 0.05 * eye + 0.95 * np.roll(eye, 1, axis=1)
        elif i >= w - a - c:
            kind = "careless"
            acc = max(1.0 / k, 0.6 * q)
            m = acc * eye + (1 - acc) * (1 - eye) / (k - 1)
        else:
            kind = "reliable"
            partner = (np.arange(k) + rng.integers(1, k, size=k)) % k
            look = np.zeros((k, k))
            look[np.arange(k), partner] = 1.0
            spread = (1 - eye) / (k - 1)
            m = q * eye + (1 - q) * (0.7 * look + 0.3 * spread)
        workers.append(Annotator(f"worker-{i + 1}", kind, m))
    return workers


def annotate(y_true, workers: list[Annotator], workers_per_object: int = 3, *, seed=0):
    """Simulated answers: an int array (n_objects, n_workers), -1 where a worker did not see the object.

    Each object goes to ``workers_per_object`` distinct workers drawn at random;
    each answer is drawn from that worker's confusion row for the true class.

    Errors: ``workers_per_object`` not in [1, len(workers)] (and <= 9, the
    ``NumberOfHumanWorkersPerDataObject`` maximum).
    """
    import numpy as np

    y = np.asarray(y_true, dtype=int)
    n_w = len(workers)
    per = check_int("workers_per_object", workers_per_object, low=1, high=min(9, n_w))
    rng = make_rng(seed)
    n = y.shape[0]
    out = np.full((n, n_w), -1, dtype=int)
    # Distinct workers per object: the first `per` columns of a random permutation per row.
    chosen = np.argsort(rng.random((n, n_w)), axis=1)[:, :per]
    u = rng.random((n, per))
    for j in range(per):
        w_idx = chosen[:, j]
        for w in np.unique(w_idx):
            rows = np.flatnonzero(w_idx == w)
            cdf = np.cumsum(workers[w].confusion[y[rows]], axis=1)
            ans = (u[rows, j][:, None] > cdf).sum(axis=1)
            out[rows, w] = np.minimum(ans, cdf.shape[1] - 1)
    return out


# --------------------------------------------------------------------------- consolidation
@dataclass
class Consolidation(Report):
    """Consolidated labels: ``labels`` (n,), ``confidence`` (n,) in [0, 1], method.

    For Dawid-Skene also ``worker_confusion`` (n_workers, K, K) estimated
    P(answer | true class) per worker, ``class_prior`` (K,) and ``n_iter``.
    """

    method: str
    labels: Any
    confidence: Any
    worker_confusion: Any = None
    class_prior: Any = None
    n_iter: int = 0


def _check_answers(answers, n_classes):
    import numpy as np

    a = np.asarray(answers)
    if a.ndim != 2 or a.dtype.kind not in "iu":
        raise ValueError(f"answers must be a 2-D integer array (objects x workers, -1 = no answer), got shape {a.shape} dtype {a.dtype}")
    k = check_int("n_classes", n_classes, low=2)
    if a.size and (a.max() >= k or a.min() < -1):
        raise ValueError(f"answers must hold class ids in [0, {k - 1}] or -1, got values in [{a.min()}, {a.max()}]")
    if a.shape[0] and (a >= 0).sum(axis=1).min() == 0:
        raise ValueError("answers must have at least one answer (a value >= 0) in every row")
    return a, k


def _vote_counts(a, k):
    import numpy as np

    counts = np.zeros((a.shape[0], k))
    for j in range(a.shape[1]):
        seen = a[:, j] >= 0
        np.add.at(counts, (np.flatnonzero(seen), a[seen, j]), 1.0)
    return counts


def majority_vote(answers, n_classes: int) -> Consolidation:
    """The most frequent answer per object; confidence = its share of the votes (ties: lowest class id).

        >>> import numpy as np
        >>> majority_vote(np.array([[0, 0, 1], [2, -1, 2]]), 3).labels.tolist()
        [0, 2]

    Errors: ``answers`` not a 2-D int array with values in [-1, K-1] and an answer in every row.
    """
    a, k = _check_answers(answers, n_classes)
    counts = _vote_counts(a, k)
    labels = counts.argmax(axis=1)
    conf = counts.max(axis=1) / counts.sum(axis=1)
    return Consolidation("majority_vote", labels, conf)


def dawid_skene(answers, n_classes: int, *, max_iter: int = 50, tol: float = 1e-4, smoothing: float = 0.01) -> Consolidation:
    """Dawid-Skene EM: each worker's confusion matrix and each object's posterior over classes.

    Starts from the majority vote's vote shares, then alternates: (M) class
    prior and per-worker confusion counts weighted by the posteriors (plus
    ``smoothing`` pseudo-counts), (E) posterior of every object from the prior
    and the confusion rows of its answers. A worker who is consistently wrong
    (adversarial) is thereby *read* rather than outvoted. The label is the
    posterior's argmax and the confidence its maximum. Stops when no posterior
    moves by more than ``tol`` or after ``max_iter`` rounds.

        >>> import numpy as np
        >>> dawid_skene(np.array([[0, 0, 1], [2, -1, 2]]), 3).labels.tolist()
        [0, 2]

    Errors: as :func:`majority_vote`; ``max_iter`` < 1; ``tol``/``smoothing`` not > 0.
    """
    import numpy as np

    a, k = _check_answers(answers, n_classes)
    max_iter = check_int("max_iter", max_iter, low=1)
    tol = check_float("tol", tol, 0.0, low_open=True)
    smoothing = check_float("smoothing", smoothing, 0.0, low_open=True)
    n, w = a.shape
    # per worker: the rows it answered and a one-hot of its answers
    seen = [np.flatnonzero(a[:, j] >= 0) for j in range(w)]
    onehot = [np.eye(k)[a[rows, j]] for j, rows in enumerate(seen)]
    post = _vote_counts(a, k)
    post /= post.sum(axis=1, keepdims=True)
    conf = np.zeros((w, k, k))
    it = 0
    for it in range(1, max_iter + 1):
        prior = (post.sum(axis=0) + smoothing) / (n + k * smoothing)
        for j in range(w):
            conf[j] = post[seen[j]].T @ onehot[j] + smoothing
        conf /= conf.sum(axis=2, keepdims=True)
        logp = np.tile(np.log(prior), (n, 1))
        log_conf = np.log(conf)
        for j in range(w):
            logp[seen[j]] += log_conf[j][:, a[seen[j], j]].T
        logp -= logp.max(axis=1, keepdims=True)
        new = np.exp(logp)
        new /= new.sum(axis=1, keepdims=True)
        delta = float(np.abs(new - post).max())
        post = new
        if delta < tol:
            break
    return Consolidation("dawid_skene", post.argmax(axis=1), post.max(axis=1), conf, prior, it)


def consolidate(answers, n_classes: int, method: str = "dawid_skene") -> Consolidation:
    """Consolidate with ``method`` ("dawid_skene" or "majority_vote"); see those functions."""
    check_one_of("method", method, METHODS)
    return dawid_skene(answers, n_classes) if method == "dawid_skene" else majority_vote(answers, n_classes)


def consolidation_vs_quality(qualities=(1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4), *, dataset: str = "digits",
                             n_objects: int | None = None, n_workers: int = 5, workers_per_object: int = 3,
                             careless: int = 1, adversarial: int = 1, seed: int | None = 0):
    """Accuracy of majority vote and Dawid-Skene against the true labels as worker quality falls.

    One row per quality: ``quality``, ``single_worker`` (accuracy of one
    random answer per object), ``majority_vote``, ``dawid_skene``.
    Same seed, same numbers. Errors: as :func:`load_objects`,
    :func:`simulated_workforce` and :func:`annotate`; ``qualities`` empty.
    """
    import numpy as np
    import pandas as pd

    qualities = [check_fraction("quality", q) for q in qualities]
    if not qualities:
        raise ValueError("qualities must hold at least one quality in [0, 1], got an empty list")
    objs = load_objects(dataset, n_objects, seed=seed)
    rows = []
    for q in qualities:
        rng = make_rng(seed)
        workers = simulated_workforce(objs.n_classes, n_workers=n_workers, quality=q, careless=careless,
                                      adversarial=adversarial, seed=rng)
        ans = annotate(objs.y, workers, workers_per_object, seed=rng)
        # one answer per object, drawn at random among the workers who answered it
        pick = np.argmax(np.where(ans >= 0, rng.random(ans.shape), -1.0), axis=1)
        first = ans[np.arange(len(ans)), pick]
        rows.append({
            "quality": q,
            "single_worker": float(np.mean(first == objs.y)),
            "majority_vote": float(np.mean(majority_vote(ans, objs.n_classes).labels == objs.y)),
            "dawid_skene": float(np.mean(dawid_skene(ans, objs.n_classes).labels == objs.y)),
        })
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- the job
def _wilson_lower(correct, total):
    import numpy as np

    total = np.asarray(total, dtype=float)
    p = np.asarray(correct, dtype=float) / np.maximum(total, 1)
    z2 = _Z95 ** 2
    centre = p + z2 / (2 * total)
    rad = _Z95 * np.sqrt(p * (1 - p) / total + z2 / (4 * total ** 2))
    return np.where(total > 0, (centre - rad) / (1 + z2 / total), 0.0)


def choose_threshold(confidence, correct, accuracy_target: float):
    """The lowest confidence threshold whose validation accuracy meets ``accuracy_target``; None if none does.

    ``confidence`` is the model's confidence on each validation object and
    ``correct`` whether its label agrees with the human (consolidated) label.
    A threshold t qualifies when the one-sided 95 % Wilson lower bound of the
    accuracy of the objects with confidence >= t is >= ``accuracy_target``;
    the lowest qualifying t labels the most objects.

        >>> choose_threshold([0.99] * 100 + [0.5] * 100, [True] * 100 + [False] * 100, 0.9)
        0.99
    """
    import numpy as np

    target = check_fraction("accuracy_target", accuracy_target, open_low=True)
    conf = np.asarray(confidence, dtype=float)
    ok = np.asarray(correct, dtype=bool)
    order = np.argsort(-conf, kind="stable")
    c_sorted, ok_sorted = conf[order], ok[order]
    n_above = np.arange(1, len(conf) + 1)
    lower = _wilson_lower(np.cumsum(ok_sorted), n_above)
    # only cut between distinct confidences: the prefix must end where the confidence changes
    cut = np.r_[c_sorted[1:] < c_sorted[:-1], True]
    good = np.flatnonzero((lower >= target) & cut)
    if good.size == 0:
        return None
    return float(c_sorted[good.max()])


@dataclass
class LabelingJobResult(Report):
    """What a :class:`LabelingJob` produced.

    ``labels`` (n,) final labels; ``source`` (n,) "human" or "machine";
    ``iterations`` a DataFrame, one row per iteration: ``iteration``,
    ``human_objects``, ``machine_objects`` (labeled in that iteration),
    ``human_total``, ``machine_total``, ``unlabeled``, ``threshold`` (NaN: no
    threshold met the target), ``machine_accuracy`` (of that iteration's
    machine labels against the truth; NaN if none), ``cost`` (cumulative USD).
    Totals: ``human_objects``, ``machine_objects``, ``human_labels`` (worker
    answers paid for), ``accuracy`` (all final labels vs truth),
    ``human_accuracy``, ``machine_accuracy``, ``cost``, ``all_human_cost``
    (same job with every object sent to people), ``saving`` = 1 - cost / all_human_cost
    and ``worker_saving`` = 1 - human_objects / n_objects (the share of worker
    pay saved, leaving out the per-object fee every labeled object pays).
    """

    job_name: str
    dataset: str
    selection: str
    automated: bool
    n_objects: int
    labels: Any
    source: Any
    iterations: Any
    human_objects: int
    machine_objects: int
    human_labels: int
    worker_saving: float
    accuracy: float
    human_accuracy: float
    machine_accuracy: float
    cost: float
    all_human_cost: float
    saving: float
    below_recommended_size: bool = False

    def summary(self) -> dict:
        """The totals as a flat dict (no per-object arrays)."""
        keys = ("job_name", "dataset", "selection", "automated", "n_objects", "human_objects", "machine_objects",
                "human_labels", "worker_saving", "accuracy", "human_accuracy", "machine_accuracy", "cost", "all_human_cost", "saving")
        return {k: getattr(self, k) for k in keys}

    def to_dict(self) -> dict:
        from mlkit.report import to_jsonable

        return to_jsonable({**self.summary(), "iterations": self.iterations})

    def _repr_html_(self) -> str:
        from mlkit.report import html_table

        return html_table(self.summary(), "LabelingJobResult") + self.iterations.to_html(index=False)


_ALGO = {"image": "image-classification", "text": "text-classification"}
_TASK = {"image": "ImageMultiClass", "text": "TextMultiClass"}


@dataclass
class LabelingJob(AwsRequest):
    """A Ground Truth classification labeling job, simulated: parameters in, :class:`LabelingJobResult` from ``run()``.

    Parameters (stored unchanged; checked by ``run()`` and ``to_request()``):
    ``LabelingJobName``; ``dataset`` ("digits" or "articles") and ``n_objects``
    (see :func:`load_objects`); the workforce (``n_workers``,
    ``worker_quality``, ``careless``, ``adversarial``, see
    :func:`simulated_workforce`); ``NumberOfHumanWorkersPerDataObject`` (1-9);
    ``consolidation`` ("dawid_skene" or "majority_vote"); ``automated``
    (automated data labeling on/off); ``accuracy_target`` (in (0, 1]);
    ``selection`` ("active": humans get the objects the model is least sure
    about; "random": a random batch); ``validation_size`` (objects people
    label for the validation sample, at most a quarter of the job) and
    ``batch_size`` (objects sent to people per iteration);
    ``max_iterations`` (after it, every unlabeled object goes to humans);
    ``price_per_label`` and ``service_fee_per_object`` (USD, illustrative, see
    the module docstring); ``seed``.

    ``run()`` changes nothing on the job and returns a new result; same seed,
    same result. With ``automated=True`` a dataset below 1,250 objects (Ground
    Truth's documented minimum) is a ``ValueError`` naming the minimum.

        >>> r = LabelingJob("d", dataset="digits", automated=False, seed=0).run()
        >>> r.machine_objects
        0
    """

    LabelingJobName: str = "mlkit-labeling-job"
    dataset: str = "digits"
    n_objects: int | None = None
    NumberOfHumanWorkersPerDataObject: int = 3
    n_workers: int = 5
    worker_quality: float = 0.9
    careless: int = 1
    adversarial: int = 1
    consolidation: str = "dawid_skene"
    automated: bool = True
    accuracy_target: float = 0.95
    selection: str = "active"
    validation_size: int = 400
    batch_size: int = 200
    max_iterations: int = 10
    price_per_label: float = 0.036
    service_fee_per_object: float = 0.08
    seed: int | None = 0
    bucket: str = "mlkit-labeling"
    region: str = "us-east-1"

    aws_operation = "CreateLabelingJob"

    # ------------------------------------------------------------------ checks
    def _check(self):
        check_one_of("dataset", self.dataset, DATASETS)
        check_int("NumberOfHumanWorkersPerDataObject", self.NumberOfHumanWorkersPerDataObject, low=1, high=9)
        if self.NumberOfHumanWorkersPerDataObject > self.n_workers:
            raise ValueError(f"NumberOfHumanWorkersPerDataObject must be <= n_workers ({self.n_workers}), "
                             f"got {self.NumberOfHumanWorkersPerDataObject}")
        check_one_of("consolidation", self.consolidation, METHODS)
        check_one_of("selection", self.selection, SELECTIONS)
        check_one_of("automated", self.automated, (True, False))
        check_fraction("accuracy_target", self.accuracy_target, open_low=True)
        check_int("validation_size", self.validation_size, low=10)
        check_int("batch_size", self.batch_size, low=10)
        check_int("max_iterations", self.max_iterations, low=1, high=1000)
        check_float("price_per_label", self.price_per_label, 0.0, 2.999)
        check_float("service_fee_per_object", self.service_fee_per_object, 0.0)

    def _cost(self, human_labels: int, n_objects: int) -> float:
        return human_labels * self.price_per_label + n_objects * self.service_fee_per_object

    # ------------------------------------------------------------------ run
    def run(self, objects: LabelingObjects | None = None) -> LabelingJobResult:
        """Run the job on ``objects`` (default: :func:`load_objects` of ``dataset``/``n_objects``/``seed``)."""
        from threadpoolctl import threadpool_limits

        # The models are tiny: BLAS threads cost more than they save (10x on a busy 2-core machine).
        with threadpool_limits(1):
            return self._run(objects)

    def _run(self, objects):
        import numpy as np
        import pandas as pd

        self._check()
        rng = make_rng(self.seed)
        objs = objects if objects is not None else load_objects(self.dataset, self.n_objects, seed=self.seed)
        n, k = objs.n_objects, objs.n_classes
        per = self.NumberOfHumanWorkersPerDataObject
        if self.automated and n < MIN_OBJECTS_FOR_AUTOMATED_LABELING:
            raise ValueError(
                f"automated data labeling needs at least {MIN_OBJECTS_FOR_AUTOMATED_LABELING:,} data objects "
                f"(Ground Truth's minimum; {RECOMMENDED_OBJECTS_FOR_AUTOMATED_LABELING:,} or more recommended), "
                f"got {n:,}; set automated=False or label more objects")
        workers = simulated_workforce(k, n_workers=self.n_workers, quality=self.worker_quality,
                                      careless=self.careless, adversarial=self.adversarial, seed=rng)
        # Every answer a worker would give, drawn once: an object's answers do not depend on when it is sent.
        answers = annotate(objs.y, workers, per, seed=rng)

        labels = np.full(n, -1)
        source = np.full(n, "", dtype=object)
        human_mask = np.zeros(n, dtype=bool)
        rows = []

        def label_by_humans(idx):
            human_mask[idx] = True
            hum = np.flatnonzero(human_mask)
            cons = consolidate(answers[hum], k, self.consolidation)
            labels[hum] = cons.labels
            source[hum] = "human"

        def record(it, n_h, n_m, thr, m_acc):
            done_h = int(human_mask.sum())
            rows.append({"iteration": it, "human_objects": int(n_h), "machine_objects": int(n_m),
                         "human_total": done_h, "machine_total": int((source == "machine").sum()),
                         "unlabeled": int((labels < 0).sum()), "threshold": thr, "machine_accuracy": m_acc,
                         "cost": self._cost(done_h * per, int((labels >= 0).sum()))})

        if not self.automated:
            label_by_humans(np.arange(n))
            record(0, n, 0, float("nan"), float("nan"))
        else:
            order = rng.permutation(n)
            n_val = min(self.validation_size, n // 4)
            val = order[:n_val]
            first = order[n_val:n_val + self.batch_size]
            label_by_humans(np.r_[val, first])
            record(0, len(val) + len(first), 0, float("nan"), float("nan"))
            train_mask = human_mask.copy()
            train_mask[val] = False
            for it in range(1, self.max_iterations + 1):
                pool = np.flatnonzero(labels < 0)
                if pool.size == 0:
                    break
                train = np.flatnonzero(train_mask)
                model = _fit(objs.X[train], labels[train], k, seed=rng)
                p_val = _proba(model, objs.X[val], k)
                thr = choose_threshold(p_val.max(axis=1), p_val.argmax(axis=1) == labels[val], self.accuracy_target)
                p_pool = _proba(model, objs.X[pool], k)
                conf_pool = p_pool.max(axis=1)
                sure = conf_pool >= thr if thr is not None else np.zeros(pool.size, dtype=bool)
                auto = pool[sure]
                labels[auto] = p_pool.argmax(axis=1)[sure]
                source[auto] = "machine"
                m_acc = float(np.mean(labels[auto] == objs.y[auto])) if auto.size else float("nan")
                rest = np.flatnonzero(labels < 0)
                if it == self.max_iterations:
                    batch = rest
                elif self.selection == "active":
                    rest_conf = _proba(model, objs.X[rest], k).max(axis=1) if rest.size else rest
                    batch = rest[np.argsort(rest_conf, kind="stable")[: self.batch_size]]
                else:
                    batch = rng.permutation(rest)[: self.batch_size]
                if batch.size:
                    label_by_humans(batch)
                    train_mask[batch] = True
                record(it, batch.size, auto.size, float("nan") if thr is None else thr, m_acc)
            rest = np.flatnonzero(labels < 0)
            if rest.size:  # pragma: no cover - the loop's last iteration sends the rest to humans
                label_by_humans(rest)

        it_frame = pd.DataFrame(rows)
        is_h = source == "human"
        is_m = source == "machine"
        n_h, n_m = int(is_h.sum()), int(is_m.sum())
        cost = self._cost(n_h * per, n)
        all_human = self._cost(n * per, n)
        acc = lambda m: float(np.mean(labels[m] == objs.y[m])) if m.any() else float("nan")  # noqa: E731
        return LabelingJobResult(
            job_name=self.LabelingJobName, dataset=objs.name, selection=self.selection if self.automated else "all_human",
            automated=bool(self.automated), n_objects=n, labels=labels, source=source, iterations=it_frame,
            human_objects=n_h, machine_objects=n_m, human_labels=n_h * per, worker_saving=1.0 - n_h / n, accuracy=acc(np.ones(n, bool)),
            human_accuracy=acc(is_h), machine_accuracy=acc(is_m), cost=cost, all_human_cost=all_human,
            saving=1.0 - cost / all_human if all_human > 0 else 0.0,
            below_recommended_size=bool(self.automated and n < RECOMMENDED_OBJECTS_FOR_AUTOMATED_LABELING))

    # ------------------------------------------------------------------ export
    def to_request(self) -> dict:
        """The ``CreateLabelingJob`` request a real job would send (us-east-1 ARNs of the built-in task).

        Uses the public workforce (Mechanical Turk) work team, the built-in
        pre-annotation and consolidation Lambdas of the single-label task
        (``PRE-/ACS-ImageMultiClass`` or ``...TextMultiClass``), the price per
        label as ``PublicWorkforceTaskPrice``, and, when ``automated``, the
        ``LabelingJobAlgorithmsConfig`` of the built-in image/text
        classification algorithm that runs automated data labeling.
        """
        self._check()
        task = "image" if self.dataset == "digits" else "text"
        r = self.region
        tenths = round(self.price_per_label * 1000)  # the price in tenths of a cent
        price = {"AmountInUsd": {"Dollars": tenths // 1000, "Cents": tenths % 1000 // 10,
                                 "TenthFractionsOfACent": tenths % 10}}
        prefix = f"s3://{self.bucket}/{self.LabelingJobName}"
        req = {
            "LabelingJobName": self.LabelingJobName,
            "LabelAttributeName": "label",
            "InputConfig": {"DataSource": {"S3DataSource": {"ManifestS3Uri": f"{prefix}/input.manifest"}},
                            "DataAttributes": {"ContentClassifiers": ["FreeOfPersonallyIdentifiableInformation",
                                                                      "FreeOfAdultContent"]}},
            "OutputConfig": {"S3OutputPath": f"{prefix}/output/"},
            "RoleArn": "arn:aws:iam::111122223333:role/GroundTruthExecutionRole",
            "LabelCategoryConfigS3Uri": f"{prefix}/label-categories.json",
            "HumanTaskConfig": {
                "WorkteamArn": f"arn:aws:sagemaker:{r}:394669845002:workteam/public-crowd/default",
                "UiConfig": {"UiTemplateS3Uri": f"{prefix}/template.liquid"},
                "PreHumanTaskLambdaArn": f"arn:aws:lambda:{r}:432418664414:function:PRE-{_TASK[task]}",
                "TaskTitle": f"Classify the {'digit in the image' if task == 'image' else 'topic of the text'}",
                "TaskDescription": "Pick the one category that fits best.",
                "TaskKeywords": ["image classification" if task == "image" else "text classification"],
                "NumberOfHumanWorkersPerDataObject": self.NumberOfHumanWorkersPerDataObject,
                "TaskTimeLimitInSeconds": 300,
                "AnnotationConsolidationConfig": {
                    "AnnotationConsolidationLambdaArn": f"arn:aws:lambda:{r}:432418664414:function:ACS-{_TASK[task]}"},
                "PublicWorkforceTaskPrice": price,
            },
        }
        if self.automated:
            req["LabelingJobAlgorithmsConfig"] = {
                "LabelingJobAlgorithmSpecificationArn":
                    f"arn:aws:sagemaker:{r}:027400017018:labeling-job-algorithm-specification/{_ALGO[task]}"}
        return req


def _fit(X, y, n_classes, *, seed):
    from sklearn.linear_model import LogisticRegression

    rng = make_rng(seed)
    model = LogisticRegression(max_iter=300, C=1.0, random_state=int(rng.integers(2**31)))
    model.fit(X, y)
    return model


def _proba(model, X, n_classes):
    """Probabilities over all ``n_classes`` (a class missing from training gets 0)."""
    import numpy as np

    p = model.predict_proba(X)
    if p.shape[1] == n_classes:
        return p
    full = np.zeros((p.shape[0], n_classes))
    full[:, model.classes_] = p
    return full


# --------------------------------------------------------------------------- the claim
def compare_strategies(datasets=("digits", "articles"), sizes=(1250, 1797), *, seed: int | None = 0,
                       **job_params) -> "pandas.DataFrame":
    """Cost and accuracy of all-human, random and active labeling, per dataset and size.

    One row per (dataset, n_objects, strategy): ``human_objects``,
    ``machine_objects``, ``cost``, ``accuracy``, ``machine_accuracy``, and
    ``saving`` (1 - cost / all-human cost of the same objects), beside the
    notes' claim ``claimed_saving`` = 0.70. Sizes above what a dataset holds
    (1,797 digits) are skipped for that dataset. ``job_params`` go to every
    :class:`LabelingJob`. A progress bar shows when more than 4 jobs run.

    Errors: as :class:`LabelingJob` (e.g. a size below 1,250 names the minimum).
    """
    import pandas as pd
    from tqdm.auto import tqdm

    plan = []
    for ds in datasets:
        check_one_of("dataset", ds, DATASETS)
        for size in sizes:
            size = check_int("sizes", size, low=1)
            if ds == "digits" and size > 1797:
                continue
            for strategy in ("all_human", "random", "active"):
                plan.append((ds, size, strategy))
    rows = []
    for ds, size, strategy in tqdm(plan, desc="labeling jobs", disable=len(plan) <= 4, leave=False):
        job = LabelingJob(f"{ds}-{size}-{strategy}", dataset=ds, n_objects=size, automated=strategy != "all_human",
                          selection="random" if strategy == "random" else "active", seed=seed, **job_params)
        r = job.run()
        rows.append({"dataset": ds, "n_objects": size, "strategy": strategy, "human_objects": r.human_objects,
                     "machine_objects": r.machine_objects, "cost": r.cost, "accuracy": r.accuracy,
                     "machine_accuracy": r.machine_accuracy, "saving": r.saving,
                     "worker_saving": r.worker_saving, "claimed_saving": 0.70})
    return pd.DataFrame(rows)
