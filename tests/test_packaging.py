"""The wheel carries the engine, the views, the edge and the course notebooks."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(out)],
                   cwd=ROOT, check=True, capture_output=True)
    (whl,) = out.glob("mlkit_course-*.whl")
    return whl


def test_wheel_ships_every_course_notebook_as_package_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for nb in (ROOT / "notebooks").glob("*.ipynb"):
        assert f"mlkit/_course/notebooks/{nb.name}" in names
    assert {"mlkit/__init__.py", "widgets/__init__.py", "jupyter_mlkit/magics.py"} <= names
    assert any(n.startswith("mlkit/quiz/data/") and n.endswith(".yaml") for n in names)
    assert "mlkit/quiz/exam_guide.yaml" in names


def test_installed_wheel_finds_its_own_notebooks(wheel, tmp_path):
    zipfile.ZipFile(wheel).extractall(tmp_path)
    # the unpacked wheel goes first on sys.path, ahead of the editable install of the checkout
    code = f"import sys; sys.path.insert(0, {str(tmp_path)!r}); import mlkit.course as c; print(c.notebook_source())"
    out = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert Path(out.stdout.strip()) == tmp_path / "mlkit" / "_course" / "notebooks"


def test_console_script_is_declared(wheel):
    z = zipfile.ZipFile(wheel)
    (ep,) = [n for n in z.namelist() if n.endswith("entry_points.txt")]
    assert "mlkit = mlkit.cli:main" in z.read(ep).decode()
