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
      type: single                      # single | multiple | ordering | matching
      choose: 1                         # single: 1; multiple: the number of correct options
      scenario: ...                     # the question text
      options:                          # single/multiple: 2..6 options, keys A, B, C, ... in order
        - key: A
          text: ...
          correct: true
          why: ...                      # why this option is right or wrong (required)
      notes_section: "..."              # where in the study notes the fact comes from
      source: notes                     # notes (one of the notes' questions) | kit
      demo: "..."                       # optional: where in the kit the claim can be run

An **ordering** item has ``steps`` (3..5, keys A, B, ... in the order
shown, each with ``text`` and ``why``: why it comes where it does) and
``order``, the keys in the right order. A **matching** item has
``responses`` (2..7, keys A, B, ... with ``text``) and ``prompts`` (3..7,
keys 1, 2, ... with ``text``, ``match``: the key of its response, and
``why``); a response may answer several prompts or none. Both are graded
all or nothing, as the exam does. A **case study** is an entry with
``case`` (its id), ``title``, ``scenario`` (shared), ``topic``,
``notes_section``, ``source`` and ``questions``: 2 or more items of the
types above, each scored on its own, inheriting ``topic``,
``notes_section`` and ``source`` unless they set them.

Question types are dispatched through :data:`QUESTION_TYPES` (type name ->
object with ``fields``, ``parse(raw, where)`` and ``grade(question, chosen)``).
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
    "CaseStudy",
    "Prompt",
    "load_bank",
]

#: Where a question comes from: one of the study notes' questions, or the kit's own.
SOURCES = ("notes", "kit")
_KEYS = "ABCDEF"
_MIN_OPTIONS, _MAX_OPTIONS = 2, 6
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_COMMON = ("id", "topic", "type", "scenario", "notes_section", "source")
_OPTIONAL = ("demo",)
_OPTION_FIELDS = ("key", "text", "correct", "why")
_CASE_FIELDS = ("case", "title", "topic", "scenario", "notes_section", "source", "questions")


class QuizBankError(ValueError):
    """A malformed question file: the message names the file, the question and the field."""


# -- results ------------------------------------------------------------------
@dataclass(frozen=True)
class Option:
    """One lettered element of a question: an answer option, an ordering step or a matching response.

    ``correct`` says whether an option of a single/multiple question is
    right (None for steps and responses); ``why`` explains it (for a step:
    why it comes where it does; empty for a response, whose reasons are on
    the prompts).
    """

    key: str
    text: str
    correct: bool | None
    why: str


@dataclass(frozen=True)
class Prompt:
    """One numbered prompt of a matching item: its text, the key of its response and why."""

    key: str
    text: str
    match: str
    why: str


@dataclass(frozen=True)
class CaseStudy:
    """A scenario shared by several questions, each scored on its own."""

    id: str
    title: str
    scenario: str
    topic: str
    question_ids: tuple = ()


@dataclass(frozen=True)
class Grade:
    """The grade of one answer: right or wrong, what was chosen, the answer, every element's why.

    ``chosen`` and ``answer`` have the question type's shape: a frozenset of
    option keys (single, multiple), a tuple of step keys in order
    (ordering), a tuple of ``(prompt, response)`` pairs (matching).
    ``marks`` says, element by element, what the learner got right: per
    option whether it was chosen exactly when correct; per step whether it
    is in its right place; per prompt whether its pair is right. The grade
    is all or nothing (``correct``), as the exam's; ``marks`` is feedback.
    """

    question_id: str
    correct: bool
    chosen: Any
    answer: Any
    explanations: dict = field(default_factory=dict)
    marks: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Question:
    """One validated question; :meth:`grade` turns an answer into a :class:`Grade`.

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
    order: tuple = ()
    prompts: tuple = ()
    case: CaseStudy | None = None

    @property
    def keys(self) -> tuple:
        """The keys of :attr:`options` (answer options, steps or responses), in order."""
        return tuple(o.key for o in self.options)

    @property
    def prompt_keys(self) -> tuple:
        """The keys of a matching item's prompts (``('1', '2', ...)``); empty for other types."""
        return tuple(p.key for p in self.prompts)

    @property
    def answer(self):
        """The right answer, in the shape :meth:`grade` takes and :class:`Grade` reports."""
        if self.type == "ordering":
            return self.order
        if self.type == "matching":
            return tuple((p.key, p.match) for p in self.prompts)
        return frozenset(o.key for o in self.options if o.correct)

    def option(self, key: str) -> Option:
        """The :class:`Option` with this key; an unknown key raises ``ValueError``."""
        for o in self.options:
            if o.key == key:
                return o
        raise ValueError(f"option key must be one of {', '.join(self.keys)}; got {key!r}")

    def grade(self, chosen) -> Grade:
        """Grade ``chosen`` (nothing changes); all or nothing, as the exam scores.

        single/multiple: option keys, or one key string like ``"B"``;
        ordering: every step key once, in order (``["C", "A", "B"]`` or
        ``"CAB"``); matching: a response key for every prompt
        (``{"1": "B", "2": "A", "3": "B"}``, pairs, or responses in prompt
        order). A malformed answer (unknown key, a step missing or twice, a
        prompt without a response, an empty choice) raises ``ValueError``
        saying what is allowed.

        >>> q = load_bank().get("variants-weights-two-to-one")
        >>> g = q.grade(["A"])
        >>> g.correct, sorted(g.answer)
        (False, ['B'])
        """
        return QUESTION_TYPES[self.type].grade(self, chosen)


# -- question types -----------------------------------------------------------
class _Where:
    """Where a problem is, for error messages: file, question id or index."""

    def __init__(self, file: str, index: Any, qid: Any = None, what: str = "question"):
        self.file, self.index, self.qid, self.what = file, index, qid, what

    def error(self, field_name: str, problem: str) -> QuizBankError:
        who = f"{self.what} {self.qid!r}" if isinstance(self.qid, str) else f"{self.what} at index {self.index}"
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

    #: The type's own fields of a YAML entry (all required).
    fields = ("choose", "options")

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
            marks={o.key: (o.key in picked) == bool(o.correct) for o in question.options},
        )


def _keyed_list(raw: Mapping, name: str, where: _Where, low: int, high: int, keys: str,
                fields: tuple, required: tuple) -> list:
    """A list field of mappings with keys in order (``keys``), its length in [low, high], fields checked."""
    items = raw.get(name)
    if items is None:
        raise where.error(name, "is missing")
    if not isinstance(items, list):
        raise where.error(name, f"must be a list, got {type(items).__name__}")
    if not low <= len(items) <= high:
        raise where.error(name, f"must have {low} to {high} entries, got {len(items)}")
    seen_text: dict = {}
    out = []
    for i, item in enumerate(items):
        label = f"{name}[{i}]"
        if not isinstance(item, dict):
            raise where.error(label, f"must be a mapping with {', '.join(fields)}, got {item!r}")
        unknown = sorted(set(map(str, item)) - set(fields))
        if unknown:
            raise where.error(f"{label}.{unknown[0]}", f"is not a known field (allowed: {', '.join(fields)})")
        key = item.get("key")
        if key is None:
            raise where.error(f"{label}.key", "is missing")
        if str(key) != keys[i]:
            raise where.error(f"{label}.key", f"must be {keys[i]!r} (keys {', '.join(keys[:3])}, ... in order), "
                                              f"got {key!r}")
        values = {"key": keys[i]}
        for f in required:
            values[f] = _text(item, f, where, f"{label}.{f}")
        text = values["text"].casefold()
        if text in seen_text:
            raise where.error(f"{label}.text", f"repeats {name}[{seen_text[text]}] (each entry must differ)")
        seen_text[text] = i
        out.append(values)
    return out


def _as_keys(chosen, what: str) -> list:
    """``chosen`` as a list of upper-case key strings: from a string ("CAB", "C A B", "c,a,b") or an iterable."""
    import re as _re

    if isinstance(chosen, str):
        tokens = [t for t in _re.split(r"[\s,;/.>-]+", chosen.strip()) if t]
        if len(tokens) == 1 and tokens[0].isalpha():
            tokens = list(tokens[0])
        return [t.upper() for t in tokens]
    try:
        return [str(c).strip().upper() for c in chosen]
    except TypeError:
        raise TypeError(f"chosen must be {what}; got {chosen!r}") from None


class OrderingType:
    """Put 3 to 5 steps in order: all or nothing, as the exam scores."""

    fields = ("steps", "order")
    _KEYS = "ABCDE"

    def __init__(self, name: str = "ordering"):
        self.name = name

    def parse(self, raw: Mapping, where: _Where) -> dict:
        steps = _keyed_list(raw, "steps", where, 3, 5, self._KEYS, ("key", "text", "why"), ("text", "why"))
        keys = [st["key"] for st in steps]
        order = raw.get("order")
        if order is None:
            raise where.error("order", "is missing")
        if not isinstance(order, list) or not all(isinstance(k, str) for k in order):
            raise where.error("order", f"must be a list of step keys, got {order!r}")
        dupes = sorted({k for k in order if order.count(k) > 1})
        if dupes:
            raise where.error("order", f"names step {dupes[0]} more than once; every step goes in exactly once")
        if sorted(order) != sorted(keys):
            missing = sorted(set(keys) - set(order))
            extra = sorted(set(order) - set(keys))
            problem = f"leaves out step {missing[0]}" if missing else f"names {extra[0]!r}, which is not a step"
            raise where.error("order", f"must hold every step key ({', '.join(keys)}) once; it {problem}")
        if order == keys:
            raise where.error("order", "is the order the steps are shown in; shuffle the steps so the "
                                       "answer is not given away")
        if raw.get("choose") not in (None, len(keys)):
            raise where.error("choose", f"must be the number of steps ({len(keys)}) or left out, got {raw['choose']!r}")
        options = tuple(Option(st["key"], st["text"], None, st["why"]) for st in steps)
        return {"choose": len(keys), "options": options, "order": tuple(order)}

    def grade(self, question: Question, chosen) -> Grade:
        keys = question.keys
        picked = _as_keys(chosen, f"the step keys {', '.join(keys)} in order")
        unknown = [k for k in picked if k not in keys]
        if unknown:
            raise ValueError(f"step {unknown[0]!r} is not one of {', '.join(keys)}")
        twice = sorted({k for k in picked if picked.count(k) > 1})
        if twice:
            raise ValueError(f"step {twice[0]} is placed more than once; put each of {', '.join(keys)} once")
        if len(picked) != len(keys):
            missing = [k for k in keys if k not in picked]
            raise ValueError(f"put every step in order: {', '.join(missing)} still missing "
                             f"(all of {', '.join(keys)}, each once)")
        picked_t = tuple(picked)
        answer = question.order
        return Grade(
            question_id=question.id,
            correct=picked_t == answer,
            chosen=picked_t,
            answer=answer,
            explanations={o.key: o.why for o in question.options},
            marks={k: picked_t.index(k) == answer.index(k) for k in keys},
        )


class MatchingType:
    """Pair each of 3 to 7 prompts with a response: all or nothing, as the exam scores."""

    fields = ("prompts", "responses")
    _PROMPT_KEYS = tuple(str(i) for i in range(1, 8))
    _RESPONSE_KEYS = "ABCDEFG"

    def __init__(self, name: str = "matching"):
        self.name = name

    def parse(self, raw: Mapping, where: _Where) -> dict:
        responses = _keyed_list(raw, "responses", where, 2, 7, self._RESPONSE_KEYS, ("key", "text"), ("text",))
        rkeys = [r["key"] for r in responses]
        items = raw.get("prompts")
        if isinstance(items, list):  # name an unpaired prompt before anything else about it
            for i, item in enumerate(items):
                if isinstance(item, dict) and item.get("match") is None:
                    raise where.error(f"prompts[{i}].match", "is missing: every prompt must be paired with "
                                                             f"one of the responses {', '.join(rkeys)}")
        prompts = _keyed_list(raw, "prompts", where, 3, 7, self._PROMPT_KEYS,
                              ("key", "text", "match", "why"), ("text", "match", "why"))
        for i, pr in enumerate(prompts):
            if pr["match"] not in rkeys:
                raise where.error(f"prompts[{i}].match", f"must be one of the responses {', '.join(rkeys)}, "
                                                         f"got {pr['match']!r}")
        if len({pr["match"] for pr in prompts}) < 2:
            raise where.error("prompts", "all pair with the same response; a matching item needs at least "
                                         "two different responses")
        if raw.get("choose") not in (None, len(prompts)):
            raise where.error("choose", f"must be the number of prompts ({len(prompts)}) or left out, "
                                        f"got {raw['choose']!r}")
        return {
            "choose": len(prompts),
            "options": tuple(Option(r["key"], r["text"], None, "") for r in responses),
            "prompts": tuple(Prompt(pr["key"], pr["text"], pr["match"], pr["why"]) for pr in prompts),
        }

    def grade(self, question: Question, chosen) -> Grade:
        pkeys, rkeys = question.prompt_keys, question.keys
        if isinstance(chosen, Mapping):
            pairs = [(str(k).strip(), str(v).strip().upper()) for k, v in chosen.items()]
        else:
            items = list(chosen) if not isinstance(chosen, str) else _as_keys(chosen, "responses")
            if items and all(isinstance(i, (tuple, list)) and len(i) == 2 for i in items):
                pairs = [(str(p).strip(), str(r).strip().upper()) for p, r in items]
            else:  # responses in prompt order
                responses = _as_keys(items, "responses")
                if len(responses) != len(pkeys):
                    raise ValueError(f"give one response for each of the {len(pkeys)} prompts "
                                     f"({', '.join(pkeys)}), in order; got {len(responses)}")
                pairs = list(zip(pkeys, responses))
        given: dict = {}
        for p, r in pairs:
            if p not in pkeys:
                raise ValueError(f"prompt {p!r} is not one of {', '.join(pkeys)}")
            if r not in rkeys:
                raise ValueError(f"response {r!r} for prompt {p} is not one of {', '.join(rkeys)}")
            if p in given:
                raise ValueError(f"prompt {p} is paired twice; pair each of {', '.join(pkeys)} once")
            given[p] = r
        missing = [p for p in pkeys if p not in given]
        if missing:
            raise ValueError(f"pair every prompt: {', '.join(missing)} still without a response "
                             f"(one of {', '.join(rkeys)})")
        picked = tuple((p, given[p]) for p in pkeys)
        answer = question.answer
        return Grade(
            question_id=question.id,
            correct=picked == answer,
            chosen=picked,
            answer=answer,
            explanations={pr.key: pr.why for pr in question.prompts},
            marks={pr.key: given[pr.key] == pr.match for pr in question.prompts},
        )


#: Question type name -> its parser and grader. Add a type here (e.g. ordering).
QUESTION_TYPES: dict = {
    "single": ChoiceType("single", multiple=False),
    "multiple": ChoiceType("multiple", multiple=True),
    "ordering": OrderingType(),
    "matching": MatchingType(),
}


def _parse_question(raw: Any, file: str, index: int, known_topics: list, case: Mapping | None = None,
                    label: str | None = None) -> Question:
    """One question entry; ``case`` (the parsed case study fields) gives defaults to its questions."""
    where = _Where(file, index)
    if label is not None:
        where.index = label
    if not isinstance(raw, dict):
        who = f"question {label}" if label else f"question at index {index}"
        raise QuizBankError(f"{file}: {who}: must be a mapping of fields, got {raw!r}")
    qid = raw.get("id")
    where.qid = qid if isinstance(qid, str) and qid else None
    if qid is None:
        raise where.error("id", "is missing")
    if not isinstance(qid, str) or not _ID_RE.match(qid):
        raise where.error("id", f"must match [a-z0-9-]+ (lower case, digits, dashes), got {qid!r}")
    if case is not None:  # a case study's question inherits what it does not set
        raw = {**{k: case[k] for k in ("topic", "notes_section", "source")}, **raw}
    qtype = raw.get("type")
    if qtype is None:
        raise where.error("type", "is missing")
    if qtype not in QUESTION_TYPES:
        raise where.error("type", f"must be one of {', '.join(QUESTION_TYPES)}; got {qtype!r}")
    kind = QUESTION_TYPES[qtype]
    allowed = _COMMON + _OPTIONAL + tuple(kind.fields) + ("choose",)
    unknown = sorted(set(map(str, raw)) - set(allowed))
    if unknown:
        raise where.error(unknown[0], f"is not a known field of a {qtype} question "
                                      f"(allowed: {', '.join(dict.fromkeys(allowed))})")
    for name in _COMMON:
        if name not in raw or raw[name] is None:
            raise where.error(name, "is missing")
    topic = raw["topic"]
    if topic not in known_topics:
        raise where.error("topic", f"must be one of {', '.join(known_topics)}; got {topic!r}")
    scenario = _text(raw, "scenario", where)
    notes_section = _text(raw, "notes_section", where)
    source = raw["source"]
    if source not in SOURCES:
        raise where.error("source", f"must be one of {', '.join(SOURCES)}; got {source!r}")
    demo = raw.get("demo")
    if demo is not None:
        demo = _text(raw, "demo", where)
    specific = kind.parse(raw, where)
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


def _parse_case(raw: Mapping, file: str, index: int, known_topics: list) -> list:
    """A case study entry: its questions, each carrying the :class:`CaseStudy`."""
    cid = raw.get("case")
    where = _Where(file, index, what="case study")
    if not isinstance(cid, str) or not _ID_RE.match(cid):
        raise QuizBankError(f"{file}: case study at index {index}: field 'case' must match [a-z0-9-]+, got {cid!r}")

    def error(field_name, problem):
        return QuizBankError(f"{file}: case study {cid!r}: field {field_name!r} {problem}")

    unknown = sorted(set(map(str, raw)) - set(_CASE_FIELDS))
    if unknown:
        raise error(unknown[0], f"is not a known field of a case study (allowed: {', '.join(_CASE_FIELDS)})")
    for name in _CASE_FIELDS:
        if raw.get(name) is None:
            raise error(name, "is missing")
    where.qid = cid
    title = _text(raw, "title", where)
    scenario = _text(raw, "scenario", where)
    _text(raw, "notes_section", where)
    if raw["topic"] not in known_topics:
        raise error("topic", f"must be one of {', '.join(known_topics)}; got {raw['topic']!r}")
    if raw["source"] not in SOURCES:
        raise error("source", f"must be one of {', '.join(SOURCES)}; got {raw['source']!r}")
    items = raw["questions"]
    if not isinstance(items, list) or len(items) < 2:
        raise error("questions", f"must list 2 or more questions, got {items!r}"[:200])
    questions = [_parse_question(item, file, index, known_topics, case=raw, label=f"{i} of case {cid!r}")
                 for i, item in enumerate(items)]
    study = CaseStudy(id=cid, title=title, scenario=scenario, topic=raw["topic"],
                      question_ids=tuple(q.id for q in questions))
    import dataclasses

    return [dataclasses.replace(q, case=study) for q in questions]


def _parse_entry(raw: Any, file: str, index: int, known_topics: list) -> list:
    if isinstance(raw, dict) and "case" in raw:
        return _parse_case(raw, file, index, known_topics)
    return [_parse_question(raw, file, index, known_topics)]


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
    return [q for i, raw in enumerate(data) for q in _parse_entry(raw, name, i, known_topics)]


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
        # stable sort: study order of topics, file order within a topic; a case
        # study's questions stay together, at the place of the case's topic
        self._questions = tuple(sorted(items, key=lambda q: rank.get(q.case.topic if q.case else q.topic,
                                                                     len(rank))))
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

    def cases(self, topic: str | None = None) -> list:
        """The case studies (of ``topic``, or all), in study order; each lists its question ids."""
        seen: dict = {}
        for q in self.questions(topic):
            if q.case is not None:
                seen.setdefault(q.case.id, q.case)
        return list(seen.values())

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
