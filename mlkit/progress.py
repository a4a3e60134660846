"""The learner's progress: notebooks opened or completed, quiz scores.

One small JSON file (``<data home>/progress.json``, see :mod:`mlkit._home`)
read and written by every front end: ``%study``, ``mlkit topics``, the quiz
widget, the terminal quiz and the JupyterLab sidebar.

- Writes are atomic (a temporary file in the same folder, then
  ``os.replace``), so a crash never leaves half a file.
- Every update re-reads the file first, under an exclusive lock on
  ``progress.json.lock`` (``flock`` on POSIX, ``msvcrt.locking`` on
  Windows), so two front ends writing at the same moment (the lab server
  and a kernel) do not undo each other.
- A corrupted file is set aside as ``progress.json.corrupt-<time>`` (never
  deleted), a warning says so, and every entry that can still be read is
  kept.

Contract: ``Progress(path)`` reads nothing until asked; ``record_quiz`` and
``mark_notebook`` change the file; the readers return plain dicts.

    >>> import os, tempfile
    >>> p = Progress(os.path.join(tempfile.mkdtemp(), "progress.json"))
    >>> p.record_quiz("variants", 2, 4); p.record_quiz("variants", 3, 4)
    >>> p.quiz_scores()["variants"]["best"], p.quiz_scores()["variants"]["attempts"]
    ((3, 4), 2)
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
import warnings
from pathlib import Path

from mlkit._checks import check_int, check_one_of

__all__ = ["Progress", "NOTEBOOK_STATES", "ProgressFileWarning"]

#: States of a notebook, in the order they are reached; a state never goes back.
NOTEBOOK_STATES = ("not started", "opened", "completed")
_VERSION = 1


class ProgressFileWarning(UserWarning):
    """The progress file could not be read whole; what it was is kept aside."""


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


class Progress:
    """The learner's progress file.

    Parameters
    ----------
    path : str or Path, optional
        The JSON file. Default: ``progress.json`` in the kit's data folder.
    """

    def __init__(self, path=None):
        self.path = path

    # -- file -----------------------------------------------------------------
    @property
    def file(self) -> Path:
        if self.path is not None:
            return Path(self.path)
        from mlkit._home import data_home

        return data_home() / "progress.json"

    def _empty(self) -> dict:
        return {"version": _VERSION, "notebooks": {}, "quizzes": {}}

    def load(self) -> dict:
        """The file's content, salvaged if damaged (see the module doc)."""
        f = self.file
        if not f.exists():
            return self._empty()
        raw = f.read_bytes()
        try:
            data = json.loads(raw.decode("utf-8"))
            if not isinstance(data, dict):
                raise ValueError("top level is not an object")
        except (ValueError, UnicodeDecodeError) as exc:
            self._set_aside(f, f"not valid JSON ({exc})")
            return self._empty()
        clean, problems = self._salvage(data)
        if problems:
            self._set_aside(f, "; ".join(problems), keep_original=True)
            self._write(clean)
        return clean

    def _salvage(self, data: dict) -> tuple[dict, list[str]]:
        clean = self._empty()
        problems = []
        notebooks = data.get("notebooks", {})
        if not isinstance(notebooks, dict):
            problems.append("'notebooks' is not an object")
            notebooks = {}
        for name, entry in notebooks.items():
            state = entry.get("state") if isinstance(entry, dict) else None
            if state in NOTEBOOK_STATES:
                clean["notebooks"][name] = entry
            else:
                problems.append(f"notebook {name!r} has no valid state")
        quizzes = data.get("quizzes", {})
        if not isinstance(quizzes, dict):
            problems.append("'quizzes' is not an object")
            quizzes = {}
        for topic, entry in quizzes.items():
            if self._valid_quiz_entry(entry):
                clean["quizzes"][topic] = entry
            else:
                problems.append(f"quiz {topic!r} has no valid score")
        return clean, problems

    @staticmethod
    def _valid_quiz_entry(entry) -> bool:
        if not isinstance(entry, dict):
            return False
        for key in ("best", "last"):
            pair = entry.get(key)
            if not (
                isinstance(pair, list)
                and len(pair) == 2
                and all(isinstance(v, int) and not isinstance(v, bool) for v in pair)
                and 0 <= pair[0] <= pair[1]
            ):
                return False
        return isinstance(entry.get("attempts"), int)

    def _set_aside(self, f: Path, why: str, keep_original: bool = False) -> Path:
        backup = f.with_name(f"{f.name}.corrupt-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}")
        if keep_original:
            backup.write_bytes(f.read_bytes())
        else:
            os.replace(f, backup)
        warnings.warn(
            f"progress file {f} was damaged: {why}; the original is kept as {backup.name} "
            "and every entry that could be read is kept",
            ProgressFileWarning,
            stacklevel=3,
        )
        return backup

    @contextlib.contextmanager
    def _locked(self):
        """Hold an exclusive lock on ``<file>.lock`` (blocking) around a read-modify-write."""
        f = self.file
        f.parent.mkdir(parents=True, exist_ok=True)
        with open(f.with_name(f.name + ".lock"), "a+b") as lock:
            if os.name == "nt":  # pragma: no cover - exercised on Windows only
                import msvcrt

                lock.seek(0)
                while True:
                    try:
                        msvcrt.locking(lock.fileno(), msvcrt.LK_LOCK, 1)
                        break
                    except OSError:  # LK_LOCK gives up after 10 s: keep waiting
                        continue
                try:
                    yield
                finally:
                    lock.seek(0)
                    msvcrt.locking(lock.fileno(), msvcrt.LK_UNLCK, 1)
            else:
                import fcntl

                fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(lock.fileno(), fcntl.LOCK_UN)

    def _write(self, data: dict) -> None:
        f = self.file
        f.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{f.name}.", dir=f.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out, indent=2, sort_keys=True)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, f)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    # -- writers --------------------------------------------------------------
    def record_quiz(self, topic: str, correct: int, total: int) -> None:
        """Record a finished quiz: keeps the last score, the best and the count."""
        from mlkit.topics import get_topic

        get_topic(topic)
        total = check_int("total", total, low=1)
        correct = check_int("correct", correct, low=0, high=total)
        with self._locked():
            data = self.load()
            entry = data["quizzes"].get(topic)
            best = [correct, total]
            if entry and entry["best"][0] * total > correct * entry["best"][1]:
                best = entry["best"]
            data["quizzes"][topic] = {
                "best": best,
                "last": [correct, total],
                "attempts": (entry["attempts"] if entry else 0) + 1,
                "updated": _now(),
            }
            self._write(data)

    def mark_notebook(self, notebook_id: str, state: str = "completed") -> None:
        """Record a notebook's state (``'opened'`` or ``'completed'``); never goes back."""
        check_one_of("state", state, NOTEBOOK_STATES[1:])
        notebook_id = str(notebook_id).removesuffix(".ipynb")
        from mlkit.topics import TOPICS

        known = [t.notebook_id for t in TOPICS]
        check_one_of("notebook_id", notebook_id, known)
        with self._locked():
            data = self.load()
            old = data["notebooks"].get(notebook_id, {}).get("state", "not started")
            if NOTEBOOK_STATES.index(state) >= NOTEBOOK_STATES.index(old):
                data["notebooks"][notebook_id] = {"state": state, "updated": _now()}
                self._write(data)

    # -- readers --------------------------------------------------------------
    def quiz_scores(self) -> dict:
        """``{topic: {"best": (c, t), "last": (c, t), "attempts": n}}``."""
        return {
            topic: {"best": tuple(e["best"]), "last": tuple(e["last"]), "attempts": e["attempts"]}
            for topic, e in self.load()["quizzes"].items()
        }

    def notebook_states(self) -> dict:
        """``{notebook_id: state}`` for every notebook touched."""
        return {k: v["state"] for k, v in self.load()["notebooks"].items()}

    def __repr__(self) -> str:
        return f"Progress({str(self.file)!r})"
