"""The exam guide as data: MLA-C01's domains, weights and task statements, and what covers each.

The guide's four domains and their task statements ship as package data
(``mlkit/quiz/exam_guide.yaml``, titles in our own words), each task mapped
to the course topics that teach it. :func:`coverage` joins that with the
course map (:mod:`mlkit.topics`: notebooks and widgets) and the question
bank (quiz items per topic) into one table; ``mlkit topics --exam`` prints
it and the study map shows it.

    >>> guide = load_exam_guide()
    >>> [d.weight for d in guide.domains]
    [28, 26, 22, 24]
    >>> guide.task("3.1").topics
    ('inference', 'scaling', 'edge')
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

__all__ = ["ExamGuide", "Domain", "Task", "load_exam_guide", "coverage"]


@dataclass(frozen=True)
class Task:
    """One task statement: its id (``"1.2"``), title, whether the notes touch it, the topics that teach it."""

    id: str
    title: str
    notes: bool
    topics: tuple


@dataclass(frozen=True)
class Domain:
    """One content domain: id, title, weight (percent of the scored content) and its tasks."""

    id: str
    title: str
    weight: int
    tasks: tuple


@dataclass(frozen=True)
class ExamGuide:
    """The exam's domains in order."""

    exam: str
    title: str
    domains: tuple
    topic_domains: dict = field(default_factory=dict)

    def tasks(self) -> list:
        """Every task statement, domain by domain."""
        return [t for d in self.domains for t in d.tasks]

    def task(self, task_id: str) -> Task:
        """The task with this id; an unknown id raises ``KeyError`` listing the ids."""
        for t in self.tasks():
            if t.id == task_id:
                return t
        raise KeyError(f"no task {task_id!r} in the {self.exam} guide; tasks: "
                       f"{', '.join(t.id for t in self.tasks())}")


def _parse(data, where: str) -> ExamGuide:
    from mlkit.topics import topic_ids

    known = topic_ids()

    def fail(problem):
        return ValueError(f"{where}: {problem}")

    if not isinstance(data, dict) or not isinstance(data.get("domains"), list):
        raise fail("must be a mapping with a list of domains")
    domains = []
    seen = set()
    for i, d in enumerate(data["domains"]):
        weight = d.get("weight")
        if isinstance(weight, bool) or not isinstance(weight, int) or not 0 < weight <= 100:
            raise fail(f"domains[{i}].weight must be a percentage (1-100), got {weight!r}")
        tasks = []
        for j, t in enumerate(d.get("tasks") or []):
            tid = str(t.get("id"))
            if not tid.startswith(f"{d['id']}.") or tid in seen:
                raise fail(f"domains[{i}].tasks[{j}].id must be unique and start with {d['id']}., got {tid!r}")
            seen.add(tid)
            topics = tuple(t.get("topics") or ())
            unknown = [x for x in topics if x not in known]
            if unknown:
                raise fail(f"task {tid}: topic {unknown[0]!r} is not one of {', '.join(known)}")
            if not isinstance(t.get("notes"), bool):
                raise fail(f"task {tid}: notes must be true or false, got {t.get('notes')!r}")
            tasks.append(Task(tid, str(t["title"]), t["notes"], topics))
        if not tasks:
            raise fail(f"domain {d['id']} has no tasks")
        domains.append(Domain(str(d["id"]), str(d["title"]), weight, tuple(tasks)))
    total = sum(d.weight for d in domains)
    if total != 100:
        raise fail(f"the domain weights must add up to 100, got {total}")
    topic_domains = {str(k): str(v) for k, v in (data.get("topic_domains") or {}).items()}
    ids = [d.id for d in domains]
    for t, d in topic_domains.items():
        if t not in known:
            raise fail(f"topic_domains: {t!r} is not a topic ({', '.join(known)})")
        if d not in ids:
            raise fail(f"topic_domains: {t!r} names domain {d!r}, which is not one of {', '.join(ids)}")
    return ExamGuide(str(data.get("exam", "")), str(data.get("title", "")), tuple(domains), topic_domains)


@functools.lru_cache(maxsize=1)
def load_exam_guide() -> ExamGuide:
    """The packaged exam guide, validated (weights add up to 100, topics exist); cached."""
    from importlib.resources import files

    import yaml

    text = files("mlkit.quiz").joinpath("exam_guide.yaml").read_text(encoding="utf-8")
    return _parse(yaml.safe_load(text), "exam_guide.yaml")


def coverage(bank=None, guide: ExamGuide | None = None):
    """One row per task statement with what covers it (a pandas DataFrame).

    Columns: ``domain``, ``weight`` (the domain's), ``task``, ``title``,
    ``notes`` (the study notes touch it), ``topics``, ``notebooks`` (those in
    the course now; a topic still to come is left out), ``widgets``,
    ``quiz_items`` (questions in the bank for those topics) and
    ``covered`` (a notebook or a quiz item teaches it now).
    """
    import pandas as pd

    from mlkit.course import available_notebooks
    from mlkit.quiz.bank import load_bank
    from mlkit.topics import get_topic

    guide = guide or load_exam_guide()
    bank = bank or load_bank()
    present = set(available_notebooks())
    counts = bank.counts()
    rows = []
    for d in guide.domains:
        for t in d.tasks:
            topics = [get_topic(x) for x in t.topics]
            notebooks = [x.notebook for x in topics if x.notebook in present]
            widgets = [x.widget for x in topics if x.widget and x.notebook in present]
            items = sum(counts.get(x.id, 0) for x in topics)
            rows.append({
                "domain": d.id, "weight": d.weight, "task": t.id, "title": t.title, "notes": t.notes,
                "topics": ", ".join(t.topics), "notebooks": ", ".join(notebooks), "widgets": ", ".join(widgets),
                "quiz_items": items, "covered": bool(notebooks) or items > 0,
            })
    return pd.DataFrame(rows)
