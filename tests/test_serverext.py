"""The server extension (``jupyter_mlkit.serverext``) in a real jupyter_server on 127.0.0.1.

One server per module (a free port, a random token, a temporary root folder
and ``MLKIT_HOME``), started with the extension enabled the way the installed
config file enables it; every test starts from an empty progress file.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
try:
    import tomllib
except ImportError:  # Python 3.10
    tomllib = None
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from mlkit.course import available_notebooks
from mlkit.progress import Progress
from mlkit.quiz import load_bank
from mlkit.topics import TOPICS, get_topic

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "jupyter-config" / "jupyter_server_config.d" / "mlkit.json"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, tmp: Path):
        self.root = tmp / "root"
        self.home = tmp / "mlkit-home"
        self.root.mkdir()
        self.home.mkdir()
        self.port = _free_port()
        self.token = secrets.token_hex(12)
        # enabled exactly as the wheel enables it: the config file in a jupyter config folder
        confd = tmp / "config" / "jupyter_server_config.d"
        confd.mkdir(parents=True)
        (confd / CONFIG.name).write_text(CONFIG.read_text())
        # the other installed server extensions are not under test: off, for a faster start
        others = {name: False for name in ("jupyterlab", "jupyter_lsp", "notebook_shim",
                                           "jupyter_server_terminals")}
        (confd / "zz-others-off.json").write_text(json.dumps({"ServerApp": {"jpserver_extensions": others}}))
        env = dict(os.environ, MLKIT_HOME=str(self.home), JUPYTER_CONFIG_DIR=str(tmp / "config"),
                   JUPYTER_RUNTIME_DIR=str(tmp / "runtime"), JUPYTER_DATA_DIR=str(tmp / "data"))
        cmd = [sys.executable, "-m", "jupyter_server", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
               f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        self.log = open(tmp / "server.log", "wb")
        self.log_path = tmp / "server.log"
        self.proc = subprocess.Popen(cmd, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 60
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter_server exited: {self.log_path.read_text()[-2000:]}")
            try:
                self.call("GET", "api/status")
                return
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"jupyter_server did not start: {self.log_path.read_text()[-2000:]}")
                time.sleep(0.1)

    def call(self, method: str, path: str, body=None, *, token: bool = True, raw: bytes | None = None):
        """(status, JSON answer) of one request."""
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/{path}", data=data, method=method)
        if token:
            request.add_header("Authorization", f"token {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=20) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            text = e.read()
            try:
                return e.code, json.loads(text)
            except ValueError:
                return e.code, text.decode(errors="replace")

    def stop(self):
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)
        self.log.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("serverext"))
    try:
        yield s
    finally:
        s.stop()


@pytest.fixture
def srv(server):
    """The server, with an empty progress file and no copied notebooks."""
    for f in server.home.iterdir():
        f.unlink()
    for f in (server.root / "notebooks").glob("*") if (server.root / "notebooks").exists() else ():
        f.unlink()
    return server


def _progress(srv) -> Progress:
    return Progress(srv.home / "progress.json")


def _first_quiz_topic() -> str:
    return "variants"  # has at least 4 questions (mlkit.quiz.bank's own doctest)


def _right(question):
    """The right answer in the JSON shape the route takes for the question's type."""
    if question.type == "ordering":
        return list(question.answer)
    if question.type == "matching":
        return dict(question.answer)
    return sorted(question.answer)


def _wrong(question):
    if question.type == "ordering":
        return list(reversed(question.answer))
    if question.type == "matching":
        pairs = dict(question.answer)
        first = question.prompt_keys[0]
        pairs[first] = next(k for k in question.keys if k != pairs[first])
        return pairs
    wrong = [k for k in question.keys if k not in question.answer]
    return sorted(question.answer)[1:] + wrong[:1] if question.choose > 1 else wrong[:1]


# -- study map ------------------------------------------------------------------------------

def test_study_map_lists_every_topic_in_study_order(srv):
    status, body = srv.call("GET", "mlkit/study-map")
    assert status == 200
    assert [t["id"] for t in body["topics"]] == [t.id for t in TOPICS]
    assert body["warnings"] == []


def test_study_map_entry_names_notebook_path_features_and_question_count(srv):
    _, body = srv.call("GET", "mlkit/study-map")
    entry = next(t for t in body["topics"] if t["id"] == "inference")
    topic = get_topic("inference")
    assert entry["path"] == f"notebooks/{topic.notebook}"
    assert entry["features"] == list(topic.features)
    assert entry["questions"] == len(load_bank().questions("inference"))
    assert entry["available"] == (topic.notebook in available_notebooks())


def test_study_map_shows_states_and_best_quiz_scores_from_the_progress_file(srv):
    p = _progress(srv)
    p.mark_notebook("00_start_here", "completed")
    p.record_quiz("variants", 3, 4)
    p.record_quiz("variants", 1, 4)
    _, body = srv.call("GET", "mlkit/study-map")
    by_id = {t["id"]: t for t in body["topics"]}
    assert by_id["start"]["state"] == "completed"
    assert by_id["variants"]["quiz"] == {"best": [3, 4], "last": [1, 4], "attempts": 2}
    assert by_id["tuning"]["state"] == "not started" and by_id["tuning"]["quiz"] is None


def test_study_map_reports_a_corrupted_progress_file_and_sets_it_aside(srv):
    (srv.home / "progress.json").write_text("{ this is not json")
    status, body = srv.call("GET", "mlkit/study-map")
    assert status == 200
    assert len(body["warnings"]) == 1 and "damaged" in body["warnings"][0]
    backups = list(srv.home.glob("progress.json.corrupt-*"))
    assert len(backups) == 1 and backups[0].read_text() == "{ this is not json"
    assert all(t["state"] == "not started" for t in body["topics"])


def test_damaged_entry_is_reported_and_the_readable_scores_are_kept(srv):
    (srv.home / "progress.json").write_text(json.dumps({
        "version": 1, "notebooks": {"00_start_here": {"state": "bogus"}},
        "quizzes": {"variants": {"best": [2, 4], "last": [2, 4], "attempts": 1},
                    "tuning": {"best": "oops"}}}))
    _, body = srv.call("GET", "mlkit/study-map")
    by_id = {t["id"]: t for t in body["topics"]}
    assert "tuning" in body["warnings"][0]
    assert by_id["variants"]["quiz"]["best"] == [2, 4]
    assert list(srv.home.glob("progress.json.corrupt-*"))
    _, again = srv.call("GET", "mlkit/study-map")
    assert again["warnings"] == []  # set aside once; the salvaged file reads clean


def test_unreadable_progress_file_answers_500_with_a_message_and_the_server_lives(srv):
    (srv.home / "progress.json").mkdir()  # a folder where the file should be: reading fails
    try:
        status, body = srv.call("GET", "mlkit/study-map")
        assert status == 500 and "progress.json" in body["message"]
        assert srv.call("GET", "api/status")[0] == 200
    finally:
        (srv.home / "progress.json").rmdir()


def test_requests_without_the_token_are_refused(srv):
    status, _ = srv.call("GET", "mlkit/study-map", token=False)
    assert status == 403


# -- opening a topic ------------------------------------------------------------------------

def test_open_copies_the_missing_notebooks_and_marks_the_topic_opened(srv):
    status, body = srv.call("POST", "mlkit/open", {"topic": "start"})
    assert status == 200
    assert body["path"] == "notebooks/00_start_here.ipynb" and body["state"] == "opened"
    assert (srv.root / body["path"]).is_file()
    assert sorted(body["copied"]) == [f"notebooks/{n}" for n in available_notebooks()]
    assert _progress(srv).notebook_states() == {"00_start_here": "opened"}


def test_open_never_overwrites_the_learners_notebook(srv):
    (srv.root / "notebooks").mkdir(exist_ok=True)
    mine = srv.root / "notebooks" / "00_start_here.ipynb"
    mine.write_text('{"my": "edits"}')
    _, body = srv.call("POST", "mlkit/open", {"topic": "start"})
    assert mine.read_text() == '{"my": "edits"}'
    assert "notebooks/00_start_here.ipynb" not in body["copied"]


def test_open_does_not_move_a_completed_notebook_back_to_opened(srv):
    _progress(srv).mark_notebook("00_start_here", "completed")
    _, body = srv.call("POST", "mlkit/open", {"topic": "start"})
    assert body["state"] == "completed"


def test_open_an_unknown_topic_answers_404_listing_the_topics(srv):
    status, body = srv.call("POST", "mlkit/open", {"topic": "nope"})
    assert status == 404 and "'nope'" in body["message"] and "inference" in body["message"]


def test_open_a_topic_whose_notebook_is_coming_is_refused_as_unknown(monkeypatch):
    # Every notebook of the course exists now, so the course is narrowed to the start notebook here;
    # _UnknownTopic is what the handler answers with 404 (test_open_an_unknown_topic_answers_404...).
    import mlkit.course
    from jupyter_mlkit import serverext

    monkeypatch.setattr(mlkit.course, "available_notebooks", lambda: ["00_start_here.ipynb"])
    with pytest.raises(serverext._UnknownTopic, match=r"topic 'inference' has no notebook in the course yet "
                                                      r"\(05_inference_modes.ipynb is coming\)"):
        serverext.OpenHandler._open(None, "inference")


def test_every_topic_of_the_study_map_has_its_notebook_in_the_course():
    assert [t.notebook for t in TOPICS if t.notebook not in available_notebooks()] == []


def test_open_with_a_body_that_is_not_json_answers_400(srv):
    status, body = srv.call("POST", "mlkit/open", raw=b"topic=start")
    assert status == 400 and "JSON" in body["message"]


# -- quizzes --------------------------------------------------------------------------------

def test_quiz_questions_are_served_without_their_answers(srv):
    topic = _first_quiz_topic()
    status, body = srv.call("GET", f"mlkit/quiz/{topic}")
    assert status == 200
    assert [q["id"] for q in body["questions"]] == [q.id for q in load_bank().questions(topic)]
    text = json.dumps(body)
    assert '"correct"' not in text and '"why"' not in text
    assert set(body["questions"][0]["options"][0]) == {"key", "text"}


def test_quiz_of_an_unknown_topic_answers_404(srv):
    status, body = srv.call("GET", "mlkit/quiz/nope")
    assert status == 404 and "'nope'" in body["message"]


def test_quiz_of_a_topic_without_questions_answers_404(srv):
    empty = [t.id for t in TOPICS if t.id not in load_bank().topics()]
    assert empty, "the course has topics without a quiz (start, ledger, exam at least)"
    status, body = srv.call("GET", f"mlkit/quiz/{empty[0]}")
    assert status == 404 and "no questions" in body["message"]


def test_answer_is_graded_here_with_every_options_explanation(srv):
    q = load_bank().questions(_first_quiz_topic())[0]
    status, body = srv.call("POST", f"mlkit/quiz/{q.topic}/answer", {"question_id": q.id, "chosen": _wrong(q)})
    assert status == 200
    assert body["correct"] is False and body["answer"] == _right(q)
    assert [o["why"] for o in body["options"]] == [o.why for o in q.options]
    assert _progress(srv).quiz_scores() == {}  # answering records nothing; finishing does


def test_right_answer_is_graded_correct(srv):
    q = load_bank().questions(_first_quiz_topic())[1]
    _, body = srv.call("POST", f"mlkit/quiz/{q.topic}/answer", {"question_id": q.id, "chosen": _right(q)})
    assert body["correct"] is True


def test_answer_with_an_unknown_option_answers_400_naming_the_allowed_keys(srv):
    q = load_bank().questions(_first_quiz_topic())[0]
    status, body = srv.call("POST", f"mlkit/quiz/{q.topic}/answer", {"question_id": q.id, "chosen": ["Z"]})
    assert status == 400 and "'Z'" in body["message"] and ", ".join(q.keys) in body["message"]


def test_answer_to_a_question_of_another_topic_answers_400(srv):
    other = load_bank().questions("tuning")[0]
    status, body = srv.call("POST", "mlkit/quiz/variants/answer", {"question_id": other.id, "chosen": ["A"]})
    assert status == 400 and other.id in body["message"]


def test_answer_with_chosen_not_a_list_answers_400(srv):
    q = load_bank().questions(_first_quiz_topic())[0]
    status, body = srv.call("POST", f"mlkit/quiz/{q.topic}/answer", {"question_id": q.id, "chosen": "B"})
    assert status == 400 and "chosen must be a list" in body["message"]


def test_finish_grades_again_and_records_the_score_in_the_progress_file(srv):
    qs = load_bank().questions(_first_quiz_topic())
    answers = {q.id: (_right(q) if i % 2 == 0 else _wrong(q)) for i, q in enumerate(qs)}
    status, body = srv.call("POST", f"mlkit/quiz/{qs[0].topic}/finish", {"answers": answers})
    right = (len(qs) + 1) // 2  # the even-indexed answers are the right ones
    assert status == 200 and body["recorded"] is True
    assert (body["correct"], body["answered"], body["total"]) == (right, len(qs), len(qs))
    assert _progress(srv).quiz_scores()[qs[0].topic]["best"] == (right, len(qs))
    assert body["quiz"] == {"best": [right, len(qs)], "last": [right, len(qs)], "attempts": 1}


def test_finish_early_counts_the_unanswered_questions_as_not_correct(srv):
    qs = load_bank().questions(_first_quiz_topic())
    _, body = srv.call("POST", f"mlkit/quiz/{qs[0].topic}/finish", {"answers": {qs[0].id: _right(qs[0])}})
    assert (body["correct"], body["answered"], body["total"]) == (1, 1, len(qs))  # as QuizSession.finish


def test_finish_with_nothing_answered_records_nothing(srv):
    _, body = srv.call("POST", f"mlkit/quiz/{_first_quiz_topic()}/finish", {"answers": {}})
    assert body["recorded"] is False and _progress(srv).quiz_scores() == {}


def test_finish_with_answers_out_of_order_answers_400(srv):
    qs = load_bank().questions(_first_quiz_topic())
    status, body = srv.call("POST", f"mlkit/quiz/{qs[0].topic}/finish", {"answers": {qs[1].id: ["A"]}})
    assert status == 400 and qs[0].id in body["message"]


def test_finish_with_an_unknown_question_id_answers_400(srv):
    status, body = srv.call("POST", f"mlkit/quiz/{_first_quiz_topic()}/finish", {"answers": {"nope": ["A"]}})
    assert status == 400 and "'nope'" in body["message"]


def test_finish_keeps_the_scores_that_survive_a_damaged_file_and_reports_it(srv):
    (srv.home / "progress.json").write_text(json.dumps({
        "version": 1, "notebooks": {}, "quizzes": {
            "tuning": {"best": [2, 3], "last": [2, 3], "attempts": 1}, "rl": {"best": "oops"}}}))
    qs = load_bank().questions(_first_quiz_topic())
    _, body = srv.call("POST", f"mlkit/quiz/{qs[0].topic}/finish", {"answers": {qs[0].id: _right(qs[0])}})
    assert len(body["warnings"]) == 1 and "'rl'" in body["warnings"][0]
    scores = _progress(srv).quiz_scores()
    assert scores["tuning"]["best"] == (2, 3) and scores[qs[0].topic]["attempts"] == 1


# -- packaging ------------------------------------------------------------------------------

def test_installed_config_enables_this_module_and_it_has_entry_points():
    from jupyter_mlkit import serverext

    assert json.loads(CONFIG.read_text()) == {"ServerApp": {"jpserver_extensions": {"jupyter_mlkit.serverext": True}}}
    assert serverext._jupyter_server_extension_points() == [{"module": "jupyter_mlkit.serverext"}]


def test_wheel_shared_data_installs_the_server_config_and_the_prebuilt_labextension():
    if tomllib is None:
        pytest.skip("tomllib needs Python 3.11")
    shared = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["hatch"]["build"]["targets"][
        "wheel"]["shared-data"]
    name = json.loads((ROOT / "labextension" / "package.json").read_text())["name"]
    assert shared["jupyter_mlkit/labextension"] == f"share/jupyter/labextensions/{name}"
    assert shared["jupyter-config/jupyter_server_config.d/mlkit.json"] == \
        "etc/jupyter/jupyter_server_config.d/mlkit.json"


def test_prebuilt_labextension_is_committed_with_its_entry_point():
    built = ROOT / "jupyter_mlkit" / "labextension"
    meta = json.loads((built / "package.json").read_text())
    assert meta["name"] == json.loads((ROOT / "labextension" / "package.json").read_text())["name"]
    assert (built / meta["jupyterlab"]["_build"]["load"]).is_file()
    size = sum(f.stat().st_size for f in built.rglob("*") if f.is_file())
    assert size < 300_000, f"the committed bundle should stay small, it is {size} bytes"


def test_wheel_carries_the_labextension_and_the_enable_file_as_shared_data(tmp_path):
    import zipfile

    subprocess.run([sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path)],
                   cwd=ROOT, check=True, capture_output=True)
    (whl,) = tmp_path.glob("mlkit_course-*.whl")
    names = set(zipfile.ZipFile(whl).namelist())
    data = next(n.split("/")[0] for n in names if n.split("/")[0].endswith(".data"))
    built = ROOT / "jupyter_mlkit" / "labextension"
    for f in built.rglob("*"):
        if f.is_file():
            rel = f.relative_to(built).as_posix()
            assert f"{data}/data/share/jupyter/labextensions/mlkit-labextension/{rel}" in names
    assert f"{data}/data/etc/jupyter/jupyter_server_config.d/mlkit.json" in names
