"""The course map, the notebooks as package data, and the shape of the notebooks."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mlkit import course, topics
from mlkit.progress import Progress

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_topics_are_numbered_in_study_order_without_gaps():
    assert [t.number for t in topics.TOPICS] == list(range(len(topics.TOPICS)))
    assert all(t.notebook.startswith(f"{t.number:02d}_") for t in topics.TOPICS)
    assert len(set(topics.topic_ids())) == len(topics.TOPICS)


def test_unknown_topic_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"topic must be one of start, data_preparation, .*got 'nlp'"):
        topics.get_topic("nlp")


def test_every_course_notebook_belongs_to_a_topic():
    known = {t.notebook for t in topics.TOPICS}
    assert NOTEBOOKS, "the course has notebooks"
    assert {p.name for p in NOTEBOOKS} <= known


def test_study_map_marks_written_notebooks_available_and_reads_progress(tmp_path):
    p = Progress(tmp_path / "p.json")
    p.mark_notebook("00_start_here")
    p.record_quiz("variants", 2, 3)
    table = topics.study_map(p).set_index("topic")
    assert table.loc["start", "available"] and table.loc["start", "state"] == "completed"
    assert table.loc["variants", "quiz_best"] == "2/3"
    assert table["available"].sum() == len(NOTEBOOKS)


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebook_carries_no_outputs(nb):
    cells = json.loads(nb.read_text())["cells"]
    dirty = [i for i, c in enumerate(cells)
             if c["cell_type"] == "code" and (c.get("outputs") or c.get("execution_count"))]
    assert dirty == [], f"{nb.name}: clear the outputs of cells {dirty}"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_ends_with_recording_its_completion(nb):
    # The last code cell records completion, so the study map learns of it.
    cells = [c for c in json.loads(nb.read_text())["cells"] if c["cell_type"] == "code"]
    assert f"%study done {nb.stem}" in "".join(cells[-1]["source"])


def test_install_notebooks_copies_missing_and_keeps_learner_edits(tmp_path):
    first = course.install_notebooks(tmp_path)
    assert {p.name for p in first} == {p.name for p in NOTEBOOKS}
    edited = tmp_path / course.START_NOTEBOOK
    edited.write_text("my edits")
    assert course.install_notebooks(tmp_path) == []
    assert edited.read_text() == "my edits"
    edited.unlink()
    assert [p.name for p in course.install_notebooks(tmp_path)] == [course.START_NOTEBOOK]


def test_install_notebooks_refuses_a_file_as_directory(tmp_path):
    f = tmp_path / "f"
    f.write_text("")
    with pytest.raises(NotADirectoryError, match="directory must be a folder"):
        course.install_notebooks(f)


def test_import_mlkit_pulls_in_no_heavy_library():
    heavy = ["pandas", "numpy", "sklearn", "xgboost", "shap", "matplotlib", "scipy", "botocore",
             "ipywidgets", "IPython", "yaml"]
    code = ("import sys, mlkit, mlkit.topics, mlkit.progress, mlkit.course; "
            f"print([m for m in {heavy!r} if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
