"""The browser harness itself: it passes a working widget and fails every kind of broken one.

Each test writes a tiny throwaway notebook into the served folder and runs it
through the same JupyterLab tab the course notebooks use.
"""

import nbformat
import pytest

import harness

pytestmark = pytest.mark.browser

# A small MlkitWidget: an IntSlider whose value is drawn as a bar and printed.
BAR = '''
import ipywidgets
from widgets.base import MlkitWidget

class Bar(MlkitWidget):
    def __init__(self, n=3, fail_above=None, constant=False, bad_above=None):
        self.fail_above, self.constant, self.bad_above = fail_above, constant, bad_above
        self.shown = ipywidgets.HTML()
        super().__init__({"n": ipywidgets.IntSlider(value=n, min=0, max=20, description="n")},
                         title="Bar", body=[self.shown], figsize=(3, 2))

    def compute(self, n):
        if self.fail_above is not None and n > self.fail_above:
            raise RuntimeError(f"deliberately broken callback, n={n}")
        if self.bad_above is not None and n > self.bad_above:
            raise ValueError(f"n must be an integer <= {self.bad_above}, got {n}")
        return 3 if self.constant else n

    def draw(self, result):
        self.shown.value = f"<b>n = {result}</b>"
        if not self.figure.axes:
            self.figure.add_subplot()
        ax = self.figure.axes[0]
        ax.clear()
        ax.bar([0], [result])
        ax.set_ylim(0, 20)
        self.refresh_figure()
'''


def notebook_text(*cells: str) -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nbformat.writes(nb)


@pytest.fixture
def run_case(lab_server, lab_page, request):
    """Write a throwaway notebook of ``cells`` into the served folder and check it."""

    def run(*cells, screenshots=None):
        folder = lab_server.root / "harness-cases"
        folder.mkdir(exist_ok=True)
        name = f"{request.node.name}.ipynb"
        (folder / name).write_text(notebook_text(*cells))
        return lab_page.check_notebook(f"harness-cases/{name}", screenshots=screenshots)

    return run


def test_a_working_widget_passes_with_its_change_latency_and_screenshot(run_case, tmp_path):
    # The same check as every course notebook gets: no problem, the view changed.
    report = run_case(BAR, "Bar()", "print('done')", screenshots=tmp_path)
    assert report.problems == []
    (check,) = report.widgets
    assert (check.name, check.title, check.control, check.changed) == ("Bar", "Bar", "n", True)
    # Measured in the page from the control's message to the last view update:
    # positive, and far below the 30 s settle timeout (else the kernel never answered).
    assert 0 < check.latency_ms < 30_000
    assert check.screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    report.assert_ok()


def test_a_callback_that_raises_fails_the_harness(run_case):
    report = run_case(BAR, "Bar(fail_above=5)")
    assert any("RuntimeError: deliberately broken callback" in p for p in report.problems), report.problems
    assert any("did not change its view" in p for p in report.problems), report.problems
    with pytest.raises(AssertionError, match="deliberately broken callback"):
        report.assert_ok()


def test_a_widget_that_raises_while_built_fails_the_harness(run_case):
    report = run_case(BAR, "Bar(fail_above=-1)")
    assert any("has an error output: RuntimeError" in p for p in report.problems), report.problems
    assert not report.ok


def test_an_error_output_in_a_cell_fails_the_harness(run_case):
    report = run_case("1 / 0", "print('never')")
    assert any("cell 0 ('1 / 0') has an error output: ZeroDivisionError" in p
               for p in report.problems), report.problems
    assert any("cell 1" in p and "was not run" in p for p in report.problems), report.problems


def test_a_javascript_console_error_fails_the_harness(run_case):
    report = run_case("from IPython.display import Javascript, display\n"
                      "display(Javascript(\"console.error('mlkit harness probe')\"))")
    assert any(p.startswith("console error:") and "mlkit harness probe" in p
               for p in report.problems), report.problems


def test_a_view_that_does_not_change_fails_the_harness(run_case):
    report = run_case(BAR, "Bar(constant=True)")
    assert any("changing 'n'" in p and "did not change its view" in p for p in report.problems), report.problems


def test_an_error_banner_after_the_change_fails_the_harness(run_case):
    report = run_case(BAR, "Bar(bad_above=5)")
    assert any("it shows its error banner" in p and "n must be an integer <= 5, got" in p
               for p in report.problems), report.problems


def test_a_widget_that_cannot_render_fails_the_harness(run_case):
    # A widget view whose model the browser does not have: "Error displaying widget: model not found".
    report = run_case("from IPython.display import display\n"
                      "display({'application/vnd.jupyter.widget-view+json': {'model_id': 'f' * 32,\n"
                      "         'version_major': 2, 'version_minor': 0}}, raw=True)")
    assert any("failed to render" in p for p in report.problems), report.problems


def test_a_manual_widget_is_computed_by_its_first_button(run_case):
    manual = '''
import ipywidgets
from widgets.base import MlkitWidget

class Pick(MlkitWidget):
    def __init__(self):
        self.shown = ipywidgets.HTML("nothing chosen")
        self.go = ipywidgets.Button(description="Go")
        self.go.on_click(lambda _b: self.update())
        super().__init__({"pick": ipywidgets.RadioButtons(options=["x", "y"], value=None)},
                         title="Pick", body=[self.go, self.shown], live=False, compute_now=False)

    def compute(self, pick):
        return pick

    def draw(self, result):
        self.shown.value = f"you chose {result}"
Pick()
'''
    report = run_case(manual)
    assert report.problems == []
    (check,) = report.widgets
    assert check.changed is True
    assert check.action == "chose radio option 'x', then clicked 'Go'"


def test_every_control_kind_is_changed_with_real_input(run_case):
    kinds = '''
import ipywidgets
from widgets.base import MlkitWidget

class Echo(MlkitWidget):
    def __init__(self, control):
        self.shown = ipywidgets.HTML()
        super().__init__({"c": control}, title="Echo", body=[self.shown])
    def compute(self, c):
        return repr(c)
    def draw(self, result):
        self.shown.value = result

display(Echo(ipywidgets.Dropdown(options=["a", "b"])))
display(Echo(ipywidgets.FloatSlider(value=0.5, min=0, max=1)))
display(Echo(ipywidgets.ToggleButtons(options=["a", "b"])))
display(Echo(ipywidgets.Checkbox(value=False)))
display(Echo(ipywidgets.BoundedIntText(value=5, min=0, max=5)))
display(Echo(ipywidgets.ToggleButton(value=False)))
'''
    report = run_case(kinds)
    assert report.problems == []
    assert [w.action.split(" ")[0] for w in report.widgets] == [
        "selected", "clicked", "clicked", "clicked", "typed", "clicked"]
    assert report.widgets[4].action == "typed 4 and Enter"  # one step down from the maximum
    assert all(w.changed for w in report.widgets)


# -- processes and requirements (no shared fixtures) -------------------------

def _pids_alive(pids):
    return [p for p in pids if harness._alive(p)]


def test_lab_and_chromium_are_stopped_by_their_pid_when_the_test_fails():
    harness.require_browser()
    started = []
    with pytest.raises(RuntimeError, match="a failing test"):
        with harness.LabServer(notebooks=[]) as lab, harness.ChromiumProcess() as chromium:
            started = [lab.pid, chromium.pid, *harness.descendants(lab.pid), *harness.descendants(chromium.pid)]
            assert len(started) >= 3  # JupyterLab under `mlkit lab`, Chromium and its helpers
            raise RuntimeError("a failing test")
    assert _pids_alive(started) == []


def test_without_chromium_the_suite_skips_locally(monkeypatch):
    monkeypatch.setenv("MLKIT_CHROMIUM", "/nonexistent/chromium")
    with pytest.raises(pytest.skip.Exception, match="Chromium is not installed"):
        harness.require_browser({"CI": ""})


def test_without_chromium_the_suite_fails_in_ci(monkeypatch):
    monkeypatch.setenv("MLKIT_CHROMIUM", "/nonexistent/chromium")
    with pytest.raises(pytest.fail.Exception, match="CI=true and the browser tests cannot run"):
        harness.require_browser({"CI": "true"})
