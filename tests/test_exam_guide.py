"""The exam guide as data: domains, weights, task statements and what covers each."""

import pytest

from mlkit.quiz import load_bank
from mlkit.quiz.guide import _parse, coverage, load_exam_guide


def test_domains_carry_the_published_weights():
    guide = load_exam_guide()
    # MLA-C01 exam guide: 28 % data preparation, 26 % development, 22 % deployment, 24 % monitoring
    assert [(d.id, d.weight) for d in guide.domains] == [("1", 28), ("2", 26), ("3", 22), ("4", 24)]
    assert [t.id for t in guide.tasks()] == ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3",
                                             "3.1", "3.2", "3.3", "4.1", "4.2", "4.3"]


def test_every_task_the_notes_touch_maps_to_a_topic():
    orphans = [t.id for t in load_exam_guide().tasks() if t.notes and not t.topics]
    assert orphans == []


def test_coverage_counts_the_quiz_items_of_each_tasks_topics():
    bank = load_bank()
    table = coverage(bank)
    assert len(table) == 12
    counts = bank.counts()
    for row in table.itertuples():
        assert row.quiz_items == sum(counts.get(t, 0) for t in row.topics.split(", "))
    # every task statement is taught by something in the course now
    assert table["covered"].all()
    # the inference notebook is in the course and teaches task 3.1
    assert "05_inference_modes.ipynb" in table.set_index("task").loc["3.1", "notebooks"]


def _guide(**over):
    data = {"exam": "X", "title": "t", "domains": [
        {"id": "1", "title": "a", "weight": 60, "tasks": [{"id": "1.1", "title": "t", "notes": True,
                                                          "topics": ["inference"]}]},
        {"id": "2", "title": "b", "weight": 40, "tasks": [{"id": "2.1", "title": "t", "notes": False,
                                                          "topics": []}]},
    ]}
    for path, value in over.items():
        d, field = path.split("__")
        data["domains"][int(d)][field] = value
    return data


@pytest.mark.parametrize("over, message", [
    ({"0__weight": 50}, "the domain weights must add up to 100, got 90"),
    ({"0__tasks": [{"id": "1.1", "title": "t", "notes": True, "topics": ["sagemaker"]}]},
     "task 1.1: topic 'sagemaker' is not one of"),
    ({"1__tasks": [{"id": "1.1", "title": "t", "notes": True, "topics": []}]}, "must be unique and start with 2."),
])
def test_a_malformed_guide_is_refused_naming_what_is_wrong(over, message):
    with pytest.raises(ValueError, match=message):
        _parse(_guide(**over), "guide.yaml")


def test_cli_prints_every_task_with_what_covers_it(capsys):
    from mlkit.cli import main

    assert main(["topics", "--exam"]) == 0
    out = capsys.readouterr().out
    for t in load_exam_guide().tasks():
        assert f"\n{t.id}  " in out
    assert "Domain 3 (22 %)" in out and "05_inference_modes.ipynb" in out


def test_study_map_shows_the_exam_coverage(tmp_path):
    from mlkit.progress import Progress
    from widgets.study_map import StudyMap

    m = StudyMap(Progress(tmp_path / "p.json"))
    assert len(m.exam) == 12
    assert "MLA-C01 exam guide" in m.exam_table.value and "4.3" in m.exam_table.value
