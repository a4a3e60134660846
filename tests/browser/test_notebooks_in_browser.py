"""Every notebook in ``notebooks/`` runs in a real JupyterLab in headless Chromium.

For each notebook (new notebooks are picked up without editing this file):
Run All, every widget renders, one control of every mlkit widget is changed
with a real click/selection/key press and its view (text or figure bytes)
changes, and there is no JavaScript console error, no error output in a
cell and no traceback from a widget callback. Screenshots of the widgets
after the change go to ``$MLKIT_SCREENSHOTS`` (or a temporary folder).

    MLKIT_SCREENSHOTS=/tmp/shots .venv/bin/pytest tests/browser -m browser -q
"""

import pytest

import harness

NOTEBOOKS = harness.course_notebooks()


@pytest.mark.browser
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_and_every_widget_answers_in_the_browser(notebook, lab_page, screenshot_dir,
                                                               record_report):
    report = lab_page.check_notebook(f"notebooks/{notebook.name}", screenshots=screenshot_dir)
    record_report(report)
    report.assert_ok()
