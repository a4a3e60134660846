"""Fixtures of the browser suite: one JupyterLab, one Chromium, one JupyterLab tab.

They are package-scoped (torn down after the last test of ``tests/browser``)
and stop the processes they started, also when a test fails.

* Without Chromium (or the ``playwright`` package) the tests are skipped with
  the reason, except when ``CI=true``: then they fail, CI must run them.
* ``MLKIT_SCREENSHOTS=DIR`` keeps the screenshots (and ``latency.json``) in
  DIR; by default they go to pytest's temporary folder, named in the summary.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import harness

_REPORTS: list[harness.NotebookReport] = []
_WHERE: dict[str, Path] = {}


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "browser: drives JupyterLab in headless Chromium (needs Chromium from the system's "
        "package manager; skipped without it unless CI=true)",
    )


@pytest.fixture(scope="package")
def screenshot_dir(tmp_path_factory) -> Path:
    """Where screenshots go: ``$MLKIT_SCREENSHOTS`` or a temporary folder."""
    where = os.environ.get("MLKIT_SCREENSHOTS")
    path = Path(where).expanduser().resolve() if where else tmp_path_factory.mktemp("browser-screenshots")
    path.mkdir(parents=True, exist_ok=True)
    _WHERE["screenshots"] = path
    return path


@pytest.fixture(scope="package")
def lab_server():
    """JupyterLab serving a temporary folder with a copy of every course notebook."""
    harness.require_browser()
    lab = harness.LabServer(notebooks=harness.course_notebooks())
    try:
        lab.start()
        yield lab
    finally:
        lab.stop()


@pytest.fixture(scope="package")
def browser():
    """Playwright connected over CDP to a Chromium process this fixture started."""
    harness.require_browser()
    from playwright.sync_api import sync_playwright

    chromium = harness.ChromiumProcess()
    playwright = None
    try:
        chromium.start()
        playwright = sync_playwright().start()
        connected = playwright.chromium.connect_over_cdp(chromium.cdp_url, timeout=30_000)
        yield connected
        try:
            connected.close()
        except Exception:  # the process is stopped below anyway
            pass
    finally:
        if playwright is not None:
            playwright.stop()
        chromium.stop()


@pytest.fixture(scope="package")
def lab_page(lab_server, browser):
    """One JupyterLab tab, loaded, reused by every notebook check."""
    page = harness.LabPage(lab_server, browser)
    try:
        page.load()
        yield page
    finally:
        page.close()


@pytest.fixture
def record_report():
    """Call with a NotebookReport to list it in the run's latency summary."""
    return _REPORTS.append


def pytest_terminal_summary(terminalreporter):
    if not _REPORTS:
        return
    tr = terminalreporter
    tr.section("mlkit widgets in the browser: control change -> updated view")
    rows = []
    for report in _REPORTS:
        tr.write_line(report.table())
        for w in report.widgets:
            rows.append({"notebook": report.notebook, "index": w.index, "widget": w.name,
                         "title": w.title, "control": w.control, "action": w.action,
                         "changed": w.changed, "latency_ms": w.latency_ms, "goal_ms": w.goal_ms,
                         "screenshot": str(w.screenshot) if w.screenshot else None})
    where = _WHERE.get("screenshots")
    if where is not None:
        (where / "latency.json").write_text(json.dumps(rows, indent=2))
        tr.write_line(f"screenshots and latency.json: {where}")
