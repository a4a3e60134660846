"""The question bank: questions as YAML package data, validated on load, graded here.

Every front end (the terminal quiz, the ipywidgets ``Quiz``, notebooks) reads
questions through :func:`load_bank` and grades answers with
:meth:`Question.grade`, so a question means the same thing everywhere.

    >>> bank = load_bank()
    >>> q = bank.get("variants-weights-two-to-one")
    >>> q.grade("B").correct
    True

The YAML schema of one question (one file per topic, ``data/<topic>.yaml``)::

    - id: variants-weights-two-to-one   # unique across the bank, [a-z0-9-]+
      topic: variants                   # a topic id from mlkit.topics
      type: single                      # single | multiple
      choose: 1                         # 1 for single; for multiple = number of correct options
      scenario: ...                     # the question text
      options:                          # 2..6 options, keys A, B, C, ... in order
        - key: A
          text: ...
          correct: true
          why: ...                      # why this option is right or wrong (required)
      notes_section: "..."              # where in the study notes the fact comes from
      source: notes                     # notes (one of the notes' questions) | kit
      demo: "..."                       # optional: where in the kit the claim can be run

Question types are dispatched through :data:`QUESTION_TYPES` (type name ->
object with ``parse(raw, where)`` and ``grade(question, chosen)``), so a new
type (ordering, matching, case study) is one new entry there.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

__all__ = [
    "Option",
    "Question",
    "Grade",
    "QuestionBank",
    "QuizBankError",
    "QUESTION_TYPES",
    "SOURCES",
    "load_bank",
]

#: Where a question comes from: one of the study notes' questions, or the kit's own.
SOURCES = ("notes", "kit")
_KEYS = "ABCDEF"
_MIN_OPTIONS, _MAX_OPTIONS = 2, 6
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_REQUIRED = ("id", "topic", "type", "choose", "scenario", "options", "notes_section", "source")
_OPTIONAL = ("demo",)
_OPTION_FIELDS = ("key", "text", "correct", "why")


class QuizBankError(ValueError):
    """A malformed question file: the message names the file, the question and the field."""


# -- results ------------------------------------------------------------------
@dataclass(frozen=True)
class Option:
    """One lettered answer option: its text, whether it is correct, and why."""

    key: str
    text: str
    correct: bool
    why: str


@dataclass(frozen=True)
class Grade:
    """The grade of one answer: right or wrong, what was chosen, the answer, every option's why."""

    question_id: str
    correct: bool
    chosen: frozenset
    answer: frozenset
    explanations: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Question:
    """One validated question; :meth:`grade` turns chosen option keys into a :class:`Grade`.

    >>> q = load_bank().get("variants-weights-two-to-one")
    >>> q.type, q.choose, q.keys
    ('single', 1, ('A', 'B', 'C', 'D'))
    """

    id: str
    topic: str
    type: str
    choose: int
    scenario: str
    options: tuple
    notes_section: str
    source: str
    demo: str | None = None

    @property
    def keys(self) -> tuple:
        """The option keys, in order (``('A', 'B', ...)``)."""
        return tuple(o.key for o in self.options)

    @property
    def answer(self) -> frozenset:
        """The keys of the correct options."""
        return frozenset(o.key for o in self.options if o.correct)

    def option(self, key: str) -> Option:
        """The :class:`Option` with this key; an unknown key raises ``ValueError``."""
        for o in self.options:
            if o.key == key:
                return o
        raise ValueError(f"option key must be one of {', '.join(self.keys)}; got {key!r}")

    def grade(self, chosen) -> Grade:
        """Grade ``chosen`` (option keys, or one key string like ``"B"``); nothing changes.

        All or nothing: the answer is right only if the chosen set equals the
        correct set (a partly right multiple answer is wrong). An unknown key
        or an empty choice raises ``ValueError`` naming what is allowed.

        >>> q = load_bank().get("variants-weights-two-to-one")
        >>> g = q.grade(["A"])
        >>> g.correct, sorted(g.answer)
        (False, ['B'])
        """
        return QUESTION_TYPES[self.type].grade(self, chosen)


# -- question types -----------------------------------------------------------
class _Where:
    """Where a problem is, for error messages: file, question id or index."""

    def __init__(self, file: str, index: int, qid: Any = None):
        self.file, self.index, self.qid = file, index, qid

    def error(self, field_name: str, problem: str) -> QuizBankError:
        who = f"question {self.qid!r}" if isinstance(self.qid, str) else f"question at index {self.index}"
        return QuizBankError(f"{self.file}: {who}: field {field_name!r} {problem}")


def _text(raw: Mapping, name: str, where: _Where, label: str | None = None) -> str:
    label = label or name
    if name not in raw or raw[name] is None:
        raise where.error(label, "is missing")
    value = raw[name]
    if not isinstance(value, str) or not value.strip():
        hint = " (quote words such as yes, no, on, off: YAML reads them as booleans)" if isinstance(value, bool) else ""
        raise where.error(label, f"must be a non-empty string, got {value!r}{hint}")
    return value.strip()


class ChoiceType:
    """Single- or multiple-choice questions: lettered options, ``choose`` of them correct."""

    def __init__(self, name: str, multiple: bool):
        self.name = name
        self.multiple = multiple

    # parsing ----------------------------------------------------------------
    def parse(self, raw: Mapping, where: _Where) -> dict:
        """The type-specific fields (``choose``, ``options``) of a raw entry, validated."""
        options = self._options(raw, where)
        n_correct = sum(o.correct for o in options)
        choose = raw.get("choose")
        if choose is None:
            raise where.error("choose", "is missing")
        if isinstance(choose, bool) or not isinstance(choose, int):
            raise where.error("choose", f"must be an integer, got {choose!r}")
        if not self.multiple:
            if choose != 1:
                raise where.error("choose", f"must be 1 for a single-choice question, got {choose}")
            if n_correct != 1:
                raise where.error(
                    "options", f"must have exactly 1 correct option for a single-choice question, got {n_correct}"
                )
        else:
            if choose < 2:
                raise where.error("choose", f"must be >= 2 for a multiple-choice question, got {choose}")
            if choose != n_correct:
                raise where.error(
                    "choose", f"must equal the number of correct options ({n_correct}), got {choose}"
                )
            if n_correct >= len(options):
                raise where.error("options", "must include at least one wrong option")
        return {"choose": choose, "options": options}

    def _options(self, raw: Mapping, where: _Where) -> tuple:
        items = raw.get("options")
        if items is None:
            raise where.error("options", "is missing")
        if not isinstance(items, list):
            raise where.error("options", f"must be a list of options, got {type(items).__name__}")
        if not _MIN_OPTIONS <= len(items) <= _MAX_OPTIONS:
            raise where.error(
                "options", f"must have {_MIN_OPTIONS} to {_MAX_OPTIONS} options, got {len(items)}"
            )
        options = []
        for i, item in enumerate(items):
            label = f"options[{i}]"
            if not isinstance(item, dict):
                raise where.error(label, f"must be a mapping with {', '.join(_OPTION_FIELDS)}, got {item!r}")
            unknown = sorted(set(map(str, item)) - set(_OPTION_FIELDS))
            if unknown:
                raise where.error(
                    f"{label}.{unknown[0]}", f"is not a known field (allowed: {', '.join(_OPTION_FIELDS)})"
                )
            key = item.get("key")
            if key is None:
                raise where.error(f"{label}.key", "is missing")
            if key != _KEYS[i]:
                raise where.error(f"{label}.key", f"must be {_KEYS[i]!r} (keys A, B, C, ... in order), got {key!r}")
            text = _text(item, "text", where, f"{label}.text")
            correct = item.get("correct")
            if correct is None:
                raise where.error(f"{label}.correct", "is missing")
            if not isinstance(correct, bool):
                raise where.error(f"{label}.correct", f"must be true or false, got {correct!r}")
            why = _text(item, "why", where, f"{label}.why")
            options.append(Option(key=key, text=text, correct=correct, why=why))
        return tuple(options)

    # grading ----------------------------------------------------------------
    def grade(self, question: Question, chosen) -> Grade:
        """All-or-nothing grade of ``chosen`` against ``question``."""
        keys = question.keys
        allowed = ", ".join(keys)
        if isinstance(chosen, str):
            chosen = [chosen]
        try:
            items = list(chosen)
        except TypeError:
            raise TypeError(
                f"chosen must be an option key or an iterable of keys from {allowed}; got {chosen!r}"
            ) from None
        picked = set()
        for item in items:
            key = item.strip().upper() if isinstance(item, str) else item
            if key not in keys:
                raise ValueError(f"chosen option {item!r} is not one of {allowed}")
            picked.add(key)
        if not picked:
            raise ValueError(f"chosen must name at least one option of {allowed}; got nothing")
        answer = question.answer
        picked = frozenset(picked)
        return Grade(
            question_id=question.id,
            correct=picked == answer,
            chosen=picked,
            answer=answer,
            explanations={o.key: o.why for o in question.options},
        )


#: Question type name -> its parser and grader. Add a type here (e.g. ordering).
QUESTION_TYPES: dict = {
    "single": ChoiceType("single", multiple=False),
    "multiple": ChoiceType("multiple", multiple=True),
}


def _parse_question(raw: Any, file: str, index: int, known_topics: list) -> Question:
    where = _Where(file, index)
    if not isinstance(raw, dict):
        raise QuizBankError(f"{file}: question at index {index}: must be a mapping of fields, got {raw!r}")
    qid = raw.get("id")
    where.qid = qid if isinstance(qid, str) and qid else None
    if qid is None:
        raise where.error("id", "is missing")
    if not isinstance(qid, str) or not _ID_RE.match(qid):
        raise where.error("id", f"must match [a-z0-9-]+ (lower case, digits, dashes), got {qid!r}")
    unknown = sorted(set(map(str, raw)) - set(_REQUIRED) - set(_OPTIONAL))
    if unknown:
        raise where.error(unknown[0], f"is not a known field (allowed: {', '.join(_REQUIRED + _OPTIONAL)})")
    for name in _REQUIRED:
        if name not in raw or raw[name] is None:
            raise where.error(name, "is missing")
    topic = raw["topic"]
    if topic not in known_topics:
        raise where.error("topic", f"must be one of {', '.join(known_topics)}; got {topic!r}")
    qtype = raw["type"]
    if qtype not in QUESTION_TYPES:
        raise where.error("type", f"must be one of {', '.join(QUESTION_TYPES)}; got {qtype!r}")
    scenario = _text(raw, "scenario", where)
    notes_section = _text(raw, "notes_section", where)
    source = raw["source"]
    if source not in SOURCES:
        raise where.error("source", f"must be one of {', '.join(SOURCES)}; got {source!r}")
    demo = raw.get("demo")
    if demo is not None:
        demo = _text(raw, "demo", where)
    specific = QUESTION_TYPES[qtype].parse(raw, where)
    return Question(
        id=qid,
        topic=topic,
        type=qtype,
        scenario=scenario,
        notes_section=notes_section,
        source=source,
        demo=demo,
        **specific,
    )


def _parse_file(name: str, text: str, known_topics: list) -> list:
    import yaml

    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise QuizBankError(f"{name}: not valid YAML: {exc}") from None
    if data is None:
        return []
    if not isinstance(data, list):
        raise QuizBankError(f"{name}: the file must hold a list of questions, got {type(data).__name__}")
    return [_parse_question(raw, name, i, known_topics) for i, raw in enumerate(data)]


# -- the bank -----------------------------------------------------------------
class QuestionBank:
    """An immutable set of questions, looked up by topic (in study order) or id.

    Built by :func:`load_bank`; ``QuestionBank(questions)`` also works from
    :class:`Question` objects (a duplicate id raises ``ValueError``).

    >>> bank = load_bank()
    >>> "variants" in bank.topics() and len(bank.questions("variants")) >= 4
    True
    """

    def __init__(self, questions: Iterable[Question]):
        from mlkit.topics import topic_ids

        self._order = topic_ids()
        items = list(questions)
        by_id: dict = {}
        for q in items:
            if q.id in by_id:
                raise ValueError(f"question id {q.id!r} appears twice")
            by_id[q.id] = q
        rank = {t: i for i, t in enumerate(self._order)}
        # stable sort: study order of topics, file order within a topic
        self._questions = tuple(sorted(items, key=lambda q: rank.get(q.topic, len(rank))))
        self._by_id = by_id

    def topics(self) -> list:
        """The topics that have questions, in study order."""
        present = {q.topic for q in self._questions}
        return [t for t in self._order if t in present]

    def questions(self, topic: str | None = None) -> list:
        """The questions of ``topic`` (all when None), in study order.

        An unknown topic raises ``ValueError`` naming it and the valid ones; a
        known topic without questions gives an empty list.
        """
        if topic is None:
            return list(self._questions)
        if topic not in self._order:
            raise ValueError(f"topic must be one of {', '.join(self._order)}; got {topic!r}")
        return [q for q in self._questions if q.topic == topic]

    def counts(self) -> dict:
        """``{topic: number of questions}`` for the topics that have questions."""
        return {t: len(self.questions(t)) for t in self.topics()}

    def get(self, question_id: str) -> Question:
        """The question with this id; an unknown id raises ``KeyError``."""
        try:
            return self._by_id[question_id]
        except (KeyError, TypeError):
            raise KeyError(
                f"no question with id {question_id!r} in the bank ({len(self)} questions; "
                "ids are listed by [q.id for q in bank.questions()])"
            ) from None

    def __len__(self) -> int:
        return len(self._questions)

    def __iter__(self):
        return iter(self._questions)

    def __contains__(self, question_id) -> bool:
        return question_id in self._by_id

    def __repr__(self) -> str:
        return f"QuestionBank({len(self)} questions, {len(self.topics())} topics)"


def _from_sources(sources: Iterable[tuple]) -> QuestionBank:
    from mlkit.topics import topic_ids

    known = topic_ids()
    questions: list = []
    seen: dict = {}
    for name, text in sources:
        for q in _parse_file(name, text, known):
            if q.id in seen:
                raise QuizBankError(
                    f"{name}: question {q.id!r}: field 'id' is not unique (also in {seen[q.id]})"
                )
            seen[q.id] = name
            questions.append(q)
    return QuestionBank(questions)


@functools.lru_cache(maxsize=1)
def _packaged_bank() -> QuestionBank:
    from importlib.resources import files

    folder = files("mlkit.quiz").joinpath("data")
    entries = sorted(
        (e for e in folder.iterdir() if e.name.endswith((".yaml", ".yml"))), key=lambda e: e.name
    )
    return _from_sources((e.name, e.read_text(encoding="utf-8")) for e in entries)


def load_bank(path: str | os.PathLike | None = None) -> QuestionBank:
    """Load and validate a question bank: the packaged one (cached) or a file or folder.

    ``path`` is a ``.yaml`` file or a folder of them (not cached; same
    validation). A malformed entry raises :class:`QuizBankError` naming the
    file, the question and the field; a missing path ``FileNotFoundError``.

    >>> len(load_bank()) >= 40
    True
    """
    if path is None:
        return _packaged_bank()
    p = Path(path)
    if p.is_dir():
        files_ = sorted(f for f in p.iterdir() if f.suffix in (".yaml", ".yml") and f.is_file())
        if not files_:
            raise QuizBankError(f"{p}: the folder holds no .yaml question files")
    elif p.is_file():
        files_ = [p]
    else:
        raise FileNotFoundError(f"question bank path {str(p)!r} does not exist")
    return _from_sources((f.name, f.read_text(encoding="utf-8")) for f in files_)
