"""The course notebooks: where they are, and copying them for the learner.

In a source checkout the notebooks are the repository's ``notebooks/``
folder; in an installed wheel they ship as package data
(``mlkit/_course/notebooks``). :func:`install_notebooks` copies the missing
ones into a learner's folder and never overwrites a file that is there, so a
learner's edits survive an upgrade of the kit.

    >>> import tempfile
    >>> copied = install_notebooks(tempfile.mkdtemp())
    >>> "00_start_here.ipynb" in [p.name for p in copied]
    True
"""

from __future__ import annotations

import shutil
from pathlib import Path

__all__ = ["notebook_source", "available_notebooks", "install_notebooks", "START_NOTEBOOK"]

START_NOTEBOOK = "00_start_here.ipynb"


def notebook_source() -> Path:
    """The folder the course notebooks are read from (wheel first, then checkout)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_course" / "notebooks", here.parent / "notebooks"):
        if (candidate / START_NOTEBOOK).is_file():
            return candidate
    raise FileNotFoundError(
        "the course notebooks were not found next to the mlkit package "
        f"(looked in {here / '_course' / 'notebooks'} and {here.parent / 'notebooks'}); "
        "reinstall the kit"
    )


def available_notebooks() -> list[str]:
    """File names of the course notebooks that exist, sorted (study order)."""
    try:
        src = notebook_source()
    except FileNotFoundError:
        return []
    return sorted(p.name for p in src.glob("[0-9][0-9]_*.ipynb"))


def install_notebooks(directory) -> list[Path]:
    """Copy the course notebooks missing from ``directory`` into it; return what was copied.

    Existing files are left exactly as they are (the learner's edits win).
    When ``directory`` *is* the source folder nothing is copied.
    """
    target = Path(directory).expanduser()
    if target.exists() and not target.is_dir():
        raise NotADirectoryError(f"directory must be a folder, got the file {str(target)!r}")
    src = notebook_source()
    target.mkdir(parents=True, exist_ok=True)
    if target.resolve() == src.resolve():
        return []
    copied = []
    for name in available_notebooks():
        dest = target / name
        if not dest.exists():
            shutil.copyfile(src / name, dest)
            copied.append(dest)
    return copied
