"""The course is whole: every topic of the study map has each of its parts.

A lesson topic has an engine module, a widget, a notebook, at least 3 quiz
questions, a claim in the ledger, an exported real request validated in its
notebook, and a README row marked ready. The frame of the course (the start
notebook, the ledger, the exam) is exempt from a part only where the
exemption below says why, and an exemption that is no longer needed fails too.
"""

import importlib
import json
import re
from pathlib import Path

import pytest

import widgets
from mlkit import claims, topics
from mlkit.quiz import load_bank

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
PARTS = ("engine", "widget", "notebook", "quiz", "claim", "request", "readme")
EXEMPT = {
    ("start", "quiz"): "the start notebook teaches the kit itself; its facts are not exam material",
    ("start", "request"): "the start notebook maps the kit to SageMaker; each topic exports its own request",
    ("ledger", "quiz"): "the ledger's claims are quizzed in their own topics",
    ("ledger", "claim"): "the ledger is the claims",
    ("ledger", "request"): "the ledger models no SageMaker request",
    ("exam", "quiz"): "the exam draws its questions from every topic's quiz",
    ("exam", "claim"): "the exam tests the learner, not a claim of the notes",
    ("exam", "request"): "the exam models no SageMaker request",
}


def _code(notebook: Path) -> str:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")


def _has(topic, part) -> bool:
    notebook = ROOT / "notebooks" / topic.notebook
    if part == "engine":
        return bool(topic.engine) and all(importlib.import_module(m) for m in topic.engine)
    if part == "widget":
        names = [n.strip() for n in (topic.widget or "").split(",") if n.strip()]
        return bool(names) and all(isinstance(getattr(widgets, n), type) for n in names)
    if part == "notebook":
        return notebook.exists()
    if part == "quiz":
        return len(load_bank().questions(topic.id)) >= 3
    if part == "claim":
        return any(c.topic == topic.id for c in claims.load_claims())
    if part == "request":
        code = _code(notebook) if notebook.exists() else ""
        return bool(topic.requests) and "validate_request(" in code and all(
            r.split(":")[1] in code for r in topic.requests)
    if part == "readme":
        row = re.search(rf"^\| {topic.number:02d} \| `{re.escape(topic.notebook)}` \|(.*)\| ready \|$", README, re.M)
        return row is not None and all(f"`{n.strip()}`" in row.group(1) for n in (topic.widget or "").split(",") if n.strip())
    raise AssertionError(part)


@pytest.mark.parametrize("topic", topics.TOPICS, ids=[t.id for t in topics.TOPICS])
def test_every_topic_has_every_part_it_is_not_exempt_from(topic):
    missing = [p for p in PARTS if (topic.id, p) not in EXEMPT and not _has(topic, p)]
    assert not missing, f"topic {topic.id!r} lacks: {', '.join(missing)}"


@pytest.mark.parametrize("key", sorted(EXEMPT), ids=[f"{t}-{p}" for t, p in sorted(EXEMPT)])
def test_an_exemption_is_still_needed(key):
    topic_id, part = key
    assert not _has(topics.get_topic(topic_id), part), f"{key} is no longer exempt: remove it from EXEMPT"


def test_each_exported_request_names_a_real_operation():
    import botocore.session

    session = botocore.session.get_session()
    for t in topics.TOPICS:
        for r in t.requests:
            service, op = r.split(":")
            assert op in session.get_service_model(service).operation_names, (t.id, r)
