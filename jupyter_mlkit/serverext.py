"""The kit's Jupyter server extension: the study map, quizzes and progress over the lab's REST API.

The JupyterLab extension (``labextension/``: the "Study map" sidebar and the
quiz panel) talks only to these handlers, on the lab's own authenticated API
(``APIHandler`` + ``tornado.web.authenticated``: the lab's token or cookie,
and its XSRF check). Everything they serve comes from the installed package:
the course map (:mod:`mlkit.topics`), the course notebooks
(:mod:`mlkit.course`), the quiz bank (:mod:`mlkit.quiz`) and the learner's
progress file (:mod:`mlkit.progress`, the same file ``%study`` and
``mlkit quiz`` write, atomically).

Routes, under the server's ``base_url``:

==========================================  =====================================================
``GET  mlkit/study-map``                    every topic in study order with the learner's state
                                            and quiz scores
``POST mlkit/open``  ``{"topic": ID}``      copy the course notebooks missing from
                                            ``<root>/notebooks`` (never overwriting a file), mark
                                            the topic's notebook "opened"; answers its path
``GET  mlkit/quiz/TOPIC``                   the topic's questions, *without* the answers
``POST mlkit/quiz/TOPIC/answer``            ``{"question_id": ID, "chosen": ["B"]}`` -> the grade
                                            and why every option is right or wrong
``POST mlkit/quiz/TOPIC/finish``            ``{"answers": {ID: ["B"], ...}}`` -> graded again
                                            here, the score recorded in the progress file
==========================================  =====================================================

Every answer is JSON with a ``warnings`` list: when the progress file was
damaged, :class:`mlkit.progress.Progress` sets it aside (kept as
``progress.json.corrupt-...``), keeps every entry it could read and warns;
that warning's text is passed on here so the sidebar can show it, and the
lab goes on. A bad request answers 400 (404 for an unknown topic) with a
``message`` that names the field, the value and what is allowed.

Enabled by ``jupyter-config/jupyter_server_config.d/mlkit.json`` (installed
with the wheel into ``etc/jupyter``); a server can also be started with
``--ServerApp.jpserver_extensions='{"jupyter_mlkit.serverext": true}'``.

    >>> [p["module"] for p in _jupyter_server_extension_points()]
    ['jupyter_mlkit.serverext']
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado import web

__all__ = [
    "NOTEBOOK_FOLDER",
    "ROUTES",
    "setup_handlers",
    "study_map_payload",
    "public_question",
    "grade_payload",
]

#: Where course notebooks are copied and opened, relative to the server's root folder
#: (the same folder ``mlkit lab --dir DIR`` uses: ``DIR/notebooks``).
NOTEBOOK_FOLDER = "notebooks"


# -- payloads (plain functions, tested without a server) ------------------------------------------

def _quiz_entry(scores: dict, topic_id: str):
    entry = scores.get(topic_id)
    if not entry:
        return None
    return {"best": list(entry["best"]), "last": list(entry["last"]), "attempts": entry["attempts"]}


def study_map_payload(progress, bank=None) -> dict:
    """The study map as JSON-ready data: ``{"topics": [...], "progress_file": str}``.

    One entry per topic of :data:`mlkit.topics.TOPICS`, in study order:
    ``number, id, title, notebook, notebook_id, path`` (relative to the server
    root), ``features`` (a list), ``widget``, ``available`` (the notebook is in
    the course), ``state`` (``'not started' | 'opened' | 'completed'``),
    ``quiz`` (``{"best": [c, t], "last": [c, t], "attempts": n}`` or None) and
    ``questions`` (how many the bank holds). Reads the progress file; changes
    nothing unless the file is damaged (then :class:`~mlkit.progress.Progress`
    sets it aside and warns).
    """
    from mlkit.course import available_notebooks
    from mlkit.quiz import load_bank
    from mlkit.topics import TOPICS

    bank = load_bank() if bank is None else bank
    states = progress.notebook_states()
    scores = progress.quiz_scores()
    present = set(available_notebooks())
    counts = bank.counts()
    topics = []
    for t in TOPICS:
        topics.append({
            "number": t.number,
            "id": t.id,
            "title": t.title,
            "notebook": t.notebook,
            "notebook_id": t.notebook_id,
            "path": f"{NOTEBOOK_FOLDER}/{t.notebook}",
            "features": list(t.features),
            "widget": t.widget or "",
            "available": t.notebook in present,
            "state": states.get(t.notebook_id, "not started"),
            "quiz": _quiz_entry(scores, t.id),
            "questions": counts.get(t.id, 0),
        })
    return {"topics": topics, "progress_file": str(progress.file)}


def public_question(question) -> dict:
    """A question as the quiz panel sees it before answering: no ``correct``, no ``why``, no order or match.

    Every type has ``options`` (answer options, steps or responses, each
    ``{key, text}``); ordering items repeat them as ``steps``, matching
    items as ``responses`` beside their ``prompts``; a case study's
    question carries ``case`` (``{id, title, scenario, part, parts}``).
    """
    options = [{"key": o.key, "text": o.text} for o in question.options]
    out = {
        "id": question.id,
        "topic": question.topic,
        "type": question.type,
        "choose": question.choose,
        "scenario": question.scenario,
        "options": options,
        "notes_section": question.notes_section,
        "case": None,
    }
    if question.type == "ordering":
        out["steps"] = options
    elif question.type == "matching":
        out["responses"] = options
        out["prompts"] = [{"key": p.key, "text": p.text} for p in question.prompts]
    if question.case is not None:
        c = question.case
        out["case"] = {"id": c.id, "title": c.title, "scenario": c.scenario,
                       "part": c.question_ids.index(question.id) + 1, "parts": len(c.question_ids)}
    return out


def grade_payload(question, grade) -> dict:
    """A :class:`mlkit.quiz.Grade` as JSON: right or wrong, the answer, per element the mark and why.

    ``chosen``/``answer``: sorted keys (single, multiple), keys in order
    (ordering), ``{prompt: response}`` (matching). ``marks``: per option,
    step or prompt, whether the learner got that element right.
    """
    out = {"question_id": grade.question_id, "correct": grade.correct, "marks": dict(grade.marks)}
    if question.type == "ordering":
        out["chosen"], out["answer"] = list(grade.chosen), list(grade.answer)
        out["steps"] = [
            {"key": k, "text": question.option(k).text, "place": i + 1,
             "chosen_place": grade.chosen.index(k) + 1, "in_place": grade.marks[k], "why": grade.explanations[k]}
            for i, k in enumerate(grade.answer)
        ]
    elif question.type == "matching":
        chosen = dict(grade.chosen)
        out["chosen"], out["answer"] = chosen, dict(grade.answer)
        out["prompts"] = [
            {"key": p.key, "text": p.text, "match": p.match, "chosen": chosen[p.key],
             "correct": grade.marks[p.key], "why": grade.explanations[p.key]}
            for p in question.prompts
        ]
    else:
        out["chosen"], out["answer"] = sorted(grade.chosen), sorted(grade.answer)
    out["options"] = [
        {"key": o.key, "text": o.text, "correct": o.correct,
         "chosen": o.key in grade.chosen if question.type in ("single", "multiple") else None,
         "why": grade.explanations.get(o.key, o.why)}
        for o in question.options
    ]
    return out


# -- handlers ------------------------------------------------------------------------------------

class _MlkitHandler(APIHandler):
    """Shared by the routes: progress, warnings captured, errors as JSON messages."""

    def initialize(self, root_dir: str):
        self.root_dir = root_dir

    def _progress(self):
        from mlkit.progress import Progress

        return Progress()

    def _reply(self, fn, *args):
        """Run ``fn(*args)`` with the progress file's warnings captured; send its dict + warnings.

        ``ValueError``/``TypeError`` become 400, ``LookupError`` 404, ``OSError``
        500: always a JSON ``message``, never a crashed lab.
        """
        from mlkit.progress import ProgressFileWarning

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ProgressFileWarning)
            try:
                payload = fn(*args)
            except web.HTTPError:
                raise
            except LookupError as exc:
                raise web.HTTPError(404, _message(exc)) from None
            except (ValueError, TypeError) as exc:
                raise web.HTTPError(400, _message(exc)) from None
            except OSError as exc:
                raise web.HTTPError(500, f"mlkit could not read or write a file: {exc}") from None
        notes = [str(w.message) for w in caught if issubclass(w.category, ProgressFileWarning)]
        for note in notes:
            self.log.warning("mlkit: %s", note)
        payload["warnings"] = notes
        self.finish(json.dumps(payload))

    def _body(self) -> dict:
        try:
            body = json.loads(self.request.body or b"{}")
        except ValueError as exc:
            raise web.HTTPError(400, f"the request body must be JSON: {exc}") from None
        if not isinstance(body, dict):
            raise web.HTTPError(400, f"the request body must be a JSON object, got {type(body).__name__}")
        return body


def _message(exc: Exception) -> str:
    return exc.args[0] if len(exc.args) == 1 and isinstance(exc.args[0], str) else str(exc)


class _UnknownTopic(LookupError):
    pass


def _topic(topic_id):
    from mlkit.topics import get_topic

    try:
        return get_topic(topic_id)
    except ValueError as exc:
        raise _UnknownTopic(str(exc)) from None


def _topic_questions(topic_id: str):
    from mlkit.quiz import load_bank

    _topic(topic_id)
    bank = load_bank()
    questions = bank.questions(topic_id)
    if not questions:
        have = ", ".join(bank.topics())
        raise _UnknownTopic(f"topic {topic_id!r} has no questions yet; topics with questions: {have}")
    return questions


class StudyMapHandler(_MlkitHandler):
    """``GET mlkit/study-map``."""

    @web.authenticated
    def get(self):
        self._reply(lambda: study_map_payload(self._progress()))


class OpenHandler(_MlkitHandler):
    """``POST mlkit/open {"topic": ID}``: copy missing notebooks, mark opened, answer the path."""

    @web.authenticated
    def post(self):
        body = self._body()
        self._reply(self._open, body.get("topic"))

    def _open(self, topic_id):
        from mlkit.course import available_notebooks, install_notebooks

        topic = _topic(topic_id)
        if topic.notebook not in available_notebooks():
            raise _UnknownTopic(f"topic {topic_id!r} has no notebook in the course yet ({topic.notebook} "
                                "is coming)")
        folder = Path(self.root_dir) / NOTEBOOK_FOLDER
        copied = install_notebooks(folder)
        progress = self._progress()
        progress.mark_notebook(topic.notebook_id, "opened")
        return {
            "topic": topic.id,
            "path": f"{NOTEBOOK_FOLDER}/{topic.notebook}",
            "copied": [f"{NOTEBOOK_FOLDER}/{p.name}" for p in copied],
            "state": progress.notebook_states().get(topic.notebook_id, "not started"),
        }


class QuizHandler(_MlkitHandler):
    """``GET mlkit/quiz/TOPIC``: the questions without their answers."""

    @web.authenticated
    def get(self, topic_id):
        self._reply(self._questions, topic_id)

    def _questions(self, topic_id):
        questions = _topic_questions(topic_id)
        return {"topic": topic_id, "title": _topic(topic_id).title,
                "questions": [public_question(q) for q in questions]}


class AnswerHandler(_MlkitHandler):
    """``POST mlkit/quiz/TOPIC/answer``: grade one answer, nothing recorded."""

    @web.authenticated
    def post(self, topic_id):
        body = self._body()
        self._reply(self._grade, topic_id, body.get("question_id"), body.get("chosen"))

    def _grade(self, topic_id, question_id, chosen):
        questions = {q.id: q for q in _topic_questions(topic_id)}
        if question_id not in questions:
            raise ValueError(f"question_id must be one of the {topic_id!r} questions "
                             f"({', '.join(questions)}); got {question_id!r}")
        question = questions[question_id]
        _check_chosen(question, chosen)
        return grade_payload(question, question.grade(chosen))


def _check_chosen(question, chosen, where="chosen"):
    if question.type == "matching":
        if not isinstance(chosen, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                   for k, v in chosen.items()):
            raise ValueError(f"{where} must be an object {{prompt: response}} such as {{\"1\": \"B\"}} "
                             f"for matching question {question.id!r}, got {chosen!r}")
        return
    what = "step keys in order such as [\"C\", \"A\", \"B\"]" if question.type == "ordering" \
        else "option keys such as [\"B\"]"
    if not isinstance(chosen, list) or not all(isinstance(c, str) for c in chosen):
        raise ValueError(f"{where} must be a list of {what}, got {chosen!r}")


class FinishHandler(_MlkitHandler):
    """``POST mlkit/quiz/TOPIC/finish``: grade every answer again, record the score once."""

    @web.authenticated
    def post(self, topic_id):
        body = self._body()
        self._reply(self._finish, topic_id, body.get("answers"))

    def _finish(self, topic_id, answers):
        from mlkit.quiz import QuizSession

        questions = _topic_questions(topic_id)
        if not isinstance(answers, dict):
            raise ValueError(f"answers must be an object {{question_id: answer}}, got {answers!r}")
        known = {q.id: q for q in questions}
        for qid, chosen in answers.items():
            if qid not in known:
                raise ValueError(f"answers has the question id {qid!r}, which is not one of the "
                                 f"{topic_id!r} questions ({', '.join(known)})")
            _check_chosen(known[qid], chosen, f"answers[{qid!r}]")
        progress = self._progress()
        session = QuizSession(topic_id, progress=progress)
        for q in session.questions:  # the panel asks in bank order; stop at the first unanswered
            if q.id not in answers:
                break
            session.answer(answers[q.id])
        skipped = [qid for qid in answers if qid not in {g.question_id for g in session.grades}]
        if skipped:
            raise ValueError(f"answers must follow the quiz's order; {skipped[0]!r} comes after "
                             f"the unanswered {session.current.id!r}")
        score = session.finish()
        return {
            "topic": topic_id,
            "correct": score.correct,
            "answered": score.answered,
            "total": score.total,
            "recorded": session.recorded,
            "quiz": _quiz_entry(progress.quiz_scores(), topic_id),
        }


#: (route under ``base_url``, handler) pairs.
ROUTES = (
    (r"mlkit/study-map", StudyMapHandler),
    (r"mlkit/open", OpenHandler),
    (r"mlkit/quiz/([a-z0-9_]+)", QuizHandler),
    (r"mlkit/quiz/([a-z0-9_]+)/answer", AnswerHandler),
    (r"mlkit/quiz/([a-z0-9_]+)/finish", FinishHandler),
)


def setup_handlers(web_app, root_dir) -> None:
    """Add the :data:`ROUTES` to a tornado ``web_app`` (the server's), serving ``root_dir``."""
    base_url = web_app.settings.get("base_url", "/")
    handlers = [(url_path_join(base_url, route), handler, {"root_dir": str(root_dir)})
                for route, handler in ROUTES]
    web_app.add_handlers(".*$", handlers)


# -- jupyter_server entry points -----------------------------------------------------------------

def _jupyter_server_extension_points():
    """Where jupyter_server finds this extension (``jpserver_extensions`` names this module)."""
    return [{"module": "jupyter_mlkit.serverext"}]


def _load_jupyter_server_extension(serverapp):
    """Called by jupyter_server at start: add the handlers, serving the server's root folder."""
    root = getattr(serverapp.contents_manager, "root_dir", None) or serverapp.root_dir
    setup_handlers(serverapp.web_app, root)
    serverapp.log.info("mlkit server extension: study map and quizzes at %smlkit/",
                       serverapp.base_url)
