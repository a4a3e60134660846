"""The ``mlkit`` command: lab, topics, quiz, and its errors."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from mlkit import cli
from mlkit.quiz.terminal import format_answer

MLKIT = str(Path(sys.executable).with_name("mlkit"))


def run(*args, stdin=None):
    return subprocess.run([MLKIT, *args], input=stdin, capture_output=True, text=True, timeout=120)


def test_topics_lists_every_topic_in_order():
    from mlkit.topics import TOPICS

    out = run("topics", "--json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert [r["topic"] for r in rows] == [t.id for t in TOPICS]
    table = run("topics").stdout.splitlines()
    assert len(table) == 1 + len(TOPICS) and "00_start_here.ipynb" in table[1]


def test_unknown_quiz_topic_is_a_clear_error_with_exit_code_2():
    out = run("quiz", "nlp")
    assert out.returncode == 2
    assert "topic must be one of" in out.stderr and "'nlp'" in out.stderr
    assert "Traceback" not in out.stderr


def test_lab_command_binds_loopback_and_opens_the_start_notebook(tmp_path):
    cmd, root = cli.lab_command(tmp_path, port=9999, no_browser=True)
    assert "--ServerApp.ip=127.0.0.1" in cmd and "--ServerApp.port=9999" in cmd
    assert cmd[-1] == "notebooks/00_start_here.ipynb"
    assert (root / "notebooks" / "00_start_here.ipynb").is_file()


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_mlkit_lab_serves_the_start_notebook_and_stops_on_ctrl_c(tmp_path):
    port, token = _free_port(), "mlkit-test-token"
    proc = subprocess.Popen(
        [MLKIT, "lab", "--dir", str(tmp_path), "--no-browser", "--port", str(port), "--",
         f"--IdentityProvider.token={token}"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")},
    )
    try:
        url = f"http://127.0.0.1:{port}/api/contents/notebooks/00_start_here.ipynb?token={token}"
        deadline, body = time.monotonic() + 60, None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    body = json.load(r)
                    break
            except OSError:
                time.sleep(0.3)
        assert body is not None, "JupyterLab did not serve the start notebook"
        assert body["type"] == "notebook" and body["path"] == "notebooks/00_start_here.ipynb"
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:  # JupyterLab asks to confirm; a second Ctrl-C skips that
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=20)
    assert proc.returncode is not None


@pytest.mark.slow
def test_terminating_mlkit_lab_leaves_no_jupyterlab_behind(tmp_path):
    port = _free_port()
    proc = subprocess.Popen([MLKIT, "lab", "--dir", str(tmp_path), "--no-browser", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("JupyterLab did not start")
    proc.terminate()
    proc.wait(timeout=30)
    time.sleep(0.5)
    with socket.socket() as s:  # the child is gone: nothing listens on its port any more
        assert s.connect_ex(("127.0.0.1", port)) != 0


def test_quiz_in_the_terminal_grades_answers_and_records_the_score(tmp_path):
    from mlkit.progress import Progress
    from mlkit.quiz import load_bank

    questions = load_bank().questions("variants")
    answers = "".join(format_answer(q, q.answer) + "\n" for q in questions)
    env = {**os.environ, "MLKIT_HOME": str(tmp_path)}
    out = subprocess.run([MLKIT, "quiz", "variants"], input=answers, capture_output=True,
                         text=True, timeout=60, env=env)
    assert out.returncode == 0, out.stderr
    n = len(questions)
    assert f"{n}/{n}" in out.stdout
    assert Progress(tmp_path / "progress.json").quiz_scores()["variants"]["best"] == (n, n)


def test_exam_in_the_terminal_runs_and_records_the_score(tmp_path):
    from mlkit.progress import Progress

    env = {**os.environ, "MLKIT_HOME": str(tmp_path)}
    out = subprocess.run([MLKIT, "exam", "--questions", "3", "--seed", "0"], input="q\n", capture_output=True,
                         text=True, timeout=60, env=env)
    assert out.returncode == 0, out.stderr
    assert "Practice exam: 3 questions, 6 minutes" in out.stdout and "Score: 0/3 (0 %), 0 answered" in out.stdout
    assert "exam" not in Progress(tmp_path / "progress.json").quiz_scores()  # nothing answered, nothing recorded


def test_serve_with_a_missing_model_is_a_clear_error_with_exit_code_2(tmp_path):
    out = run("serve", str(tmp_path / "nothing.tar.gz"), "--port", "0")
    assert out.returncode == 2
    assert "must be an existing model.tar.gz" in out.stderr and "Traceback" not in out.stderr


def test_serve_help_lists_the_endpoint_options():
    out = run("serve", "--help")
    assert out.returncode == 0 and "--variant NAME=MODEL[:WEIGHT]" in out.stdout
