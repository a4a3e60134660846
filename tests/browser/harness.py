"""Drive the course notebooks in a real JupyterLab in a real (headless) Chromium.

The pieces, each stopped by the process it started (process group, then any
descendant left over), also when a test fails:

* :class:`LabServer` starts JupyterLab through the installed kit
  (``python -m mlkit.cli lab``) on 127.0.0.1, a free port and a throwaway
  token, serving a temporary folder; the user's Jupyter settings, workspaces
  and mlkit progress (``MLKIT_HOME``) are replaced by temporary ones; the
  "news" pop-up (``fetchNews``) and notebook windowing are off.
* :class:`ChromiumProcess` starts the system's Chromium (never Playwright's
  download) headless with a fresh profile and a DevTools port;
  Playwright connects to it over CDP.
* :class:`LabPage` is one JupyterLab tab. :meth:`LabPage.check_notebook` opens
  a notebook, waits for an idle kernel, runs all cells, waits for every
  widget to render, changes one control of every mlkit widget (a real click,
  selection or key press), waits for the kernel to go idle, and checks that
  the widget's view (text and figure bytes, controls excluded) changed. It
  returns a :class:`NotebookReport`: the problems found (JavaScript console
  errors, error outputs in cells, tracebacks from widget callbacks, widgets
  that did not render, did not change or show their error banner), and per
  widget the time from the control's message leaving the browser to the
  last update of its view, measured in the page (MutationObserver).

Widgets are found by the CSS classes :class:`widgets.base.MlkitWidget` puts
on its parts: ``mlkit-widget`` (and ``mlkit-name-<Class>``) on the view,
``mlkit-controls`` on the controls box, ``mlkit-error`` on the banner,
``mlkit-manual`` when the widget only computes on a button
(``live=False``: the harness then clicks its first enabled button) and
``mlkit-retrains`` when a change retrains a model (latency goal 2 s, else
150 ms).

Example (what ``tests/browser/conftest.py`` does)::

    from playwright.sync_api import sync_playwright
    with LabServer(notebooks=course_notebooks()) as lab, ChromiumProcess() as chromium, \
            sync_playwright() as pw:
        page = LabPage(lab, pw.chromium.connect_over_cdp(chromium.cdp_url))
        report = page.check_notebook("notebooks/00_start_here.ipynb", screenshots=Path("shots"))
        print(report.table())
        report.assert_ok()
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "CHROMIUM_ARGS",
    "REPO",
    "ChromiumProcess",
    "HarnessTimeout",
    "LabPage",
    "LabServer",
    "NotebookReport",
    "WidgetCheck",
    "course_notebooks",
    "find_chromium",
    "missing_requirement",
    "require_browser",
]

REPO = Path(__file__).resolve().parents[2]

#: Flags the project's machines need (see issue #12); a fresh profile is added per run.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
)

#: Latency goals (issue #12): a view update under 150 ms, under 2 s when it retrains a model.
GOAL_MS = 150.0
GOAL_RETRAIN_MS = 2000.0

_CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


def find_chromium() -> str | None:
    """Path of the system's Chromium (``MLKIT_CHROMIUM`` overrides), or None."""
    override = os.environ.get("MLKIT_CHROMIUM")
    if override:
        return override if os.access(override, os.X_OK) else None
    for candidate in _CHROMIUM_CANDIDATES:
        if os.access(candidate, os.X_OK):
            return candidate
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def missing_requirement() -> str | None:
    """Why the browser tests cannot run here (None when they can)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return ("the Python package playwright is not installed "
                "(pip install -e '.[test]'; its own browser download is not needed)")
    if find_chromium() is None:
        return ("Chromium is not installed (Debian/Ubuntu: sudo apt-get install chromium; "
                "or set MLKIT_CHROMIUM to a Chromium/Chrome binary)")
    return None


def require_browser(environ=None) -> None:
    """Skip the calling test (locally) or fail it (``CI=true``) when the browser tests cannot run here."""
    import pytest

    environ = os.environ if environ is None else environ
    reason = missing_requirement()
    if reason is None:
        return
    if environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and the browser tests cannot run: {reason}", pytrace=False)
    pytest.skip(f"browser tests skipped: {reason}")


def course_notebooks() -> list[Path]:
    """Every notebook in the repository's ``notebooks/`` folder, sorted."""
    return sorted((REPO / "notebooks").glob("*.ipynb"))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- processes ------------------------------------------------------------

def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may contain spaces and parentheses.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (Linux /proc; empty elsewhere)."""
    tree = _children_map()
    found, todo = [], [pid]
    while todo:
        for child in tree.get(todo.pop(), ()):
            found.append(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie is dead for our purpose
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def stop_process_tree(proc: subprocess.Popen, *, grace: float = 10.0) -> None:
    """Stop ``proc`` (started with ``start_new_session=True``) and everything it started.

    SIGTERM to its process group, wait up to ``grace`` seconds, then SIGKILL
    the group and any descendant that left it (e.g. kernels, which run in
    their own session). Only these pids are signalled.
    """
    if proc.poll() is not None and not descendants(proc.pid):
        return
    tree = descendants(proc.pid)
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass
    tree += [p for p in descendants(proc.pid) if p not in tree]
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + grace
    for pid in tree:
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)  # most end on their own once the server is gone
        if _alive(pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    proc.wait(timeout=grace)


def _tail(path: Path, chars: int = 3000) -> str:
    try:
        return path.read_text(errors="replace")[-chars:]
    except OSError:
        return ""


class LabServer:
    """JupyterLab from the installed kit on 127.0.0.1 serving ``root`` (a temp folder by default).

    Contract: ``start()`` copies ``notebooks`` into ``root/notebooks``, runs
    ``python -m mlkit.cli lab --no-browser`` with a free port, a random token,
    ``--LabApp.expose_app_in_browser`` and temporary settings/workspace/
    runtime/config folders and ``MLKIT_HOME``, and returns once
    ``/api/status`` answers; ``stop()`` ends the process tree. A context
    manager (stops also on error).

        >>> with LabServer(notebooks=[]) as lab:          # doctest: +SKIP
        ...     lab.url("lab")
    """

    def __init__(self, root=None, notebooks=(), *, startup_timeout: float = 90.0):
        self.root = root
        self.notebooks = notebooks
        self.startup_timeout = startup_timeout
        self.proc: subprocess.Popen | None = None
        self.port: int | None = None
        self.token = secrets.token_hex(16)
        self._tmp: str | None = None

    @property
    def pid(self) -> int | None:
        return None if self.proc is None else self.proc.pid

    def start(self) -> "LabServer":
        if self.root is None:
            self._tmp = tempfile.mkdtemp(prefix="mlkit-browser-lab-")
            self.root = self._tmp
        self.root = Path(self.root)
        private = self.root / ".harness"
        (self.root / "notebooks").mkdir(parents=True, exist_ok=True)
        for nb in self.notebooks:
            shutil.copyfile(nb, self.root / "notebooks" / Path(nb).name)
        settings = private / "settings"
        for rel, value in {
            "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
                {"fetchNews": "false", "checkForUpdates": False},
            "@jupyterlab/notebook-extension/tracker.jupyterlab-settings":
                {"windowingMode": "none"},
            "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings":
                {"autosave": False},
        }.items():
            (settings / rel).parent.mkdir(parents=True, exist_ok=True)
            (settings / rel).write_text(json.dumps(value))
        env = dict(os.environ)
        env.update(
            JUPYTERLAB_SETTINGS_DIR=str(settings),
            JUPYTERLAB_WORKSPACES_DIR=str(private / "workspaces"),
            JUPYTER_RUNTIME_DIR=str(private / "runtime"),
            JUPYTER_CONFIG_DIR=str(private / "config"),
            IPYTHONDIR=str(private / "ipython"),
            MLKIT_HOME=str(private / "mlkit-home"),
            PYTHONUNBUFFERED="1",
        )
        self.log_path = private / "lab.log"
        self.port = free_port()
        cmd = [sys.executable, "-m", "mlkit.cli", "lab", "--no-browser", "--port", str(self.port),
               "--dir", str(self.root), "--",
               f"--IdentityProvider.token={self.token}",
               "--LabApp.expose_app_in_browser=True",
               "--ServerApp.port_retries=0"]
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + self.startup_timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"JupyterLab exited with code {self.proc.returncode} while starting; "
                                   f"its log:\n{_tail(self.log_path)}")
            try:
                self.api("GET", "api/status", timeout=2)
                return self
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"JupyterLab did not answer on port {self.port} within "
                                       f"{self.startup_timeout} s; its log:\n{_tail(self.log_path)}")
                time.sleep(0.2)

    def url(self, path: str = "lab") -> str:
        sep = "&" if "?" in path else "?"
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}{sep}token={self.token}"

    def api(self, method: str, path: str, *, timeout: float = 10):
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/{path.lstrip('/')}", method=method,
            headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def stop(self) -> None:
        if self.proc is not None:
            try:  # kernels first, politely; then the process tree by pid
                for kernel in self.api("GET", "api/kernels", timeout=3):
                    self.api("DELETE", f"api/kernels/{kernel['id']}", timeout=5)
            except (OSError, ValueError):
                pass
            stop_process_tree(self.proc)
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class ChromiumProcess:
    """The system's Chromium, headless, fresh profile, DevTools on a free port of 127.0.0.1.

    Contract: ``start()`` launches it and returns once its DevTools endpoint
    (``self.cdp_url``) is known; ``stop()`` ends its process tree. A context
    manager.
    """

    def __init__(self, executable: str | None = None, *, startup_timeout: float = 30.0):
        self.executable = executable
        self.startup_timeout = startup_timeout
        self.proc: subprocess.Popen | None = None
        self.cdp_url: str | None = None
        self._profile: str | None = None

    @property
    def pid(self) -> int | None:
        return None if self.proc is None else self.proc.pid

    def start(self) -> "ChromiumProcess":
        exe = self.executable or find_chromium()
        if exe is None:
            raise FileNotFoundError(missing_requirement())
        self._profile = tempfile.mkdtemp(prefix="mlkit-chromium-")
        profile = Path(self._profile)
        self.log_path = profile.parent / (profile.name + ".log")
        cmd = [exe, *CHROMIUM_ARGS, f"--user-data-dir={profile}", "--remote-debugging-address=127.0.0.1",
               "--remote-debugging-port=0", "--window-size=1280,1000", "about:blank"]
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
        marker = profile / "DevToolsActivePort"
        deadline = time.monotonic() + self.startup_timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Chromium exited with code {self.proc.returncode} while starting:\n"
                                   f"{_tail(self.log_path)}")
            try:
                port = marker.read_text().split()[0]
                self.cdp_url = f"http://127.0.0.1:{port}"
                return self
            except (OSError, IndexError):
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"Chromium gave no DevTools port within {self.startup_timeout} s:\n"
                                       f"{_tail(self.log_path)}")
                time.sleep(0.05)

    def stop(self) -> None:
        if self.proc is not None:
            stop_process_tree(self.proc, grace=5.0)
        if self._profile is not None:
            shutil.rmtree(self._profile, ignore_errors=True)
            try:
                os.unlink(self.log_path)
            except OSError:
                pass
            self._profile = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


# -- results --------------------------------------------------------------

@dataclass
class WidgetCheck:
    """What happened to one mlkit widget of a notebook."""

    index: int
    name: str            # the widget's class, e.g. "DatasetExplorer"
    title: str           # its heading
    control: str | None  # the control the harness changed (None: the widget has none)
    action: str          # what the harness did, in words
    changed: bool | None  # did the view change (None: nothing was changed)
    latency_ms: float | None  # median of latencies_ms
    goal_ms: float
    screenshot: Path | None = None
    latencies_ms: list[float] = field(default_factory=list)  # control change sent -> last view update
    kernel_ms: list[float] = field(default_factory=list)  # control change sent -> kernel idle again

    @property
    def meets_goal(self) -> bool | None:
        return None if self.latency_ms is None else self.latency_ms < self.goal_ms


@dataclass
class NotebookReport:
    """One notebook's run: its widgets and every problem found (empty: it passed)."""

    notebook: str
    widgets: list[WidgetCheck] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    screenshot: Path | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def assert_ok(self) -> None:
        """Raise ``AssertionError`` listing every problem, if any."""
        if self.problems:
            lines = "\n".join(f"  - {p}" for p in self.problems)
            raise AssertionError(f"{self.notebook}: {len(self.problems)} problem(s) in the browser:\n{lines}")

    def table(self) -> str:
        rows = [f"{self.notebook} ({self.seconds:.1f} s)"]
        for w in self.widgets:
            latency = "-" if w.latency_ms is None else f"{w.latency_ms:.0f} ms (goal < {w.goal_ms:.0f})"
            rows.append(f"  [{w.index}] {w.name:<22} {str(w.control):<14} changed={w.changed!s:<5} {latency}")
        return "\n".join(rows)


# -- the page -------------------------------------------------------------

class HarnessTimeout(RuntimeError):
    """A step in the page did not finish in time (the notebook's problem, reported)."""


# Installed once per page load. All times are performance.now() milliseconds.
_PAGE_JS = r"""
() => {
  if (window.mlkitHarness) return true;
  const H = window.mlkitHarness = {
    kernel: null, sent: 0, firstSendAt: null, statusAt: 0, busy: 0, iopub: [],
    watch: null, runDone: false,
  };
  H.hook = (panel) => {
    H._panel = panel;
    const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
    if (!kernel || H.kernel === kernel) return !!kernel;
    H.kernel = kernel; H.iopub = []; H.sent = 0; H.busy = 0;
    kernel.anyMessage.connect((_, args) => {
      if (H.kernel !== kernel) return;
      const msg = args.msg, type = msg.header.msg_type, now = performance.now();
      if (args.direction === 'send') {
        if (type === 'comm_msg') { H.sent += 1; if (H.firstSendAt === null) H.firstSendAt = now; }
        return;
      }
      if (msg.channel !== 'iopub') return;
      if (type === 'status') {
        H.statusAt = now;
        if (msg.content.execution_state === 'busy') H.busy += 1;
        else if (msg.content.execution_state === 'idle' && H.watch && H.watch.idle === null
                 && H.busy > H.watch.busy0) H.watch.idle = now;
      }
      else if (type === 'error') H.iopub.push({parent: msg.parent_header.msg_type || '',
        text: msg.content.ename + ': ' + msg.content.evalue});
      else if (type === 'stream' && msg.content.name === 'stderr') H.iopub.push({parent:
        msg.parent_header.msg_type || '', stderr: true, text: msg.content.text});
    });
    return true;
  };
  H.open = (panel) => {
    H._panel = panel;
    H.domAt = performance.now();
    if (H._domObserver) H._domObserver.disconnect();
    H._domObserver = new MutationObserver(() => { H.domAt = performance.now(); });
    H._domObserver.observe(panel.node, {subtree: true, childList: true, characterData: true,
                                        attributes: true, attributeFilter: ['src']});
  };
  H.domQuiet = (quiet) => performance.now() - H.domAt > quiet;
  H.kernelIdle = (quiet) => !!H.kernel && H.kernel.status === 'idle' &&
      performance.now() - H.statusAt > quiet;
  H.widgetRoots = () => [...H._panel.node.querySelectorAll('.mlkit-widget')]
      .filter(el => !el.parentElement.closest('.mlkit-widget'));
  H.describe = () => H.widgetRoots().map((el, i) => {
    el.setAttribute('data-mlkit-harness', String(i));
    const cls = [...el.classList].find(c => c.startsWith('mlkit-name-'));
    const heading = el.querySelector('h1,h2,h3,h4');
    return {index: i, name: cls ? cls.slice('mlkit-name-'.length) : 'MlkitWidget',
            title: heading ? heading.textContent.trim() : '',
            manual: el.classList.contains('mlkit-manual'),
            retrains: el.classList.contains('mlkit-retrains')};
  });
  H.hash = (s) => { let h = 0x811c9dc5; for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; } return h.toString(16); };
  H.viewState = (i) => {
    const root = H.widgetRoots()[i];
    const clone = root.cloneNode(true);
    clone.querySelectorAll('.mlkit-controls').forEach(n => n.remove());
    const imgs = [...clone.querySelectorAll('img')].map(n => n.getAttribute('src') || '');
    const canvases = [...root.querySelectorAll('canvas')].filter(c => !c.closest('.mlkit-controls'))
        .map(c => { try { return c.toDataURL(); } catch (e) { return ''; } });
    const text = clone.textContent.replace(/\s+/g, ' ').trim();
    const banner = root.querySelector('.mlkit-error');
    return {hash: H.hash(text + '\u0000' + imgs.join('\u0000') + canvases.join('\u0000')),
            text: text.slice(0, 300), images: imgs.length,
            error: banner && banner.offsetParent !== null ? banner.textContent.trim() : ''};
  };
  H.arm = (i) => {
    if (H.watch) H.watch.observer.disconnect();
    const root = H.widgetRoots()[i];
    const w = H.watch = {first: null, last: null, idle: null, busy0: H.busy, observer: null};
    H.firstSendAt = null;
    w.observer = new MutationObserver((records) => {
      const now = performance.now();
      if (H.firstSendAt === null) return;   // nothing reached the kernel yet: not the view's answer
      for (const r of records) {
        const target = r.target.nodeType === 1 ? r.target : r.target.parentElement;
        if (target && target.closest('.mlkit-controls')) continue;
        if (w.first === null) w.first = now;
        w.last = now;
        break;
      }
    });
    w.observer.observe(root, {subtree: true, childList: true, characterData: true,
                              attributes: true, attributeFilter: ['src']});
    return true;
  };
  H.settled = (quiet) => {
    const w = H.watch, now = performance.now();
    if (H.firstSendAt === null) return false;
    if (H.busy === w.busy0) return false;          // the kernel has not started on it yet
    if (!H.kernelIdle(quiet)) return false;
    return w.last === null || now - w.last > quiet;
  };
  H.measure = () => {
    const w = H.watch;
    if (w) w.observer.disconnect();
    const since = (t) => (w && t !== null && H.firstSendAt !== null) ? t - H.firstSendAt : null;
    return {sent: H.firstSendAt !== null, first: since(w && w.first), kernel: since(w && w.idle),
            latency: (w && w.last !== null && H.firstSendAt !== null) ? w.last - H.firstSendAt : null};
  };
  return true;
}
"""


class LabPage:
    """One JupyterLab tab in Chromium, reused for notebook after notebook.

    Contract: ``LabPage(lab, browser)`` opens a page in ``browser``'s
    default context and collects console errors and uncaught page errors;
    :meth:`check_notebook` returns a :class:`NotebookReport` (it never
    raises for a problem of the notebook, only for a broken harness).
    """

    def __init__(self, lab: LabServer, browser, *, viewport=(1280, 1400)):
        self.lab = lab
        self.browser = browser
        # A workspace of its own: two tabs on one workspace make JupyterLab redirect one of them.
        self.workspace = f"mlkit-harness-{secrets.token_hex(4)}"
        context = browser.contexts[0] if browser.contexts else browser.new_context()
        self.page = context.new_page()
        self.page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
        self.console_errors: list[str] = []
        self.page.on("console", self._on_console)
        self.page.on("pageerror", self._on_page_error)
        self._loaded = False
        self._page_suspect = False

    def _on_console(self, message) -> None:
        if message.type == "error":
            where = message.location.get("url", "") if message.location else ""
            self.console_errors.append(f"console error: {message.text}" + (f" ({where})" if where else ""))

    def _on_page_error(self, exc) -> None:
        self.console_errors.append(f"uncaught page error: {exc}")
        self._page_suspect = True

    def close(self) -> None:
        try:
            self.page.close()
        except Exception:  # the browser may already be gone
            pass

    # -- JupyterLab --------------------------------------------------------
    def load(self, timeout_ms: float = 90_000) -> None:
        """(Re)load JupyterLab in this page's own workspace, reset; wait until it is restored."""
        self.page.bring_to_front()  # a background tab gets no animation frames: Lumino would stall
        self.page.goto(self.lab.url(f"lab/workspaces/{self.workspace}?reset"),
                       wait_until="domcontentloaded", timeout=timeout_ms)
        self.page.wait_for_function("() => window.jupyterapp !== undefined", timeout=timeout_ms)
        self.run_async("() => Promise.all([window.jupyterapp.started, window.jupyterapp.restored])",
                       timeout_ms=timeout_ms, what="JupyterLab to start")
        self.page.evaluate(_PAGE_JS)
        self._loaded = True

    def run_async(self, js: str, arg=None, *, timeout_ms: float = 60_000, what: str = "the page"):
        """Evaluate ``js`` (a function of ``arg`` returning a promise) with a timeout; return its value.

        ``page.evaluate`` waits for a promise forever; this raises
        :class:`HarnessTimeout` instead (and re-raises a rejection as one).
        """
        key = f"__mlkitAsync{secrets.token_hex(4)}"
        self.page.evaluate(
            f"""(arg) => {{ const slot = window[{key!r}] = {{}};
                Promise.resolve().then(() => ({js})(arg)).then(
                  (v) => {{ slot.value = v === undefined ? null : v; slot.done = true; }},
                  (e) => {{ slot.error = String((e && e.stack) || e); slot.done = true; }}); }}""", arg)
        try:
            self.page.wait_for_function(f"() => window[{key!r}].done === true", timeout=timeout_ms,
                                        polling=50)
        except Exception as exc:
            from playwright.sync_api import TimeoutError as PlaywrightTimeout

            if isinstance(exc, PlaywrightTimeout):
                raise HarnessTimeout(f"waited {timeout_ms / 1000:.0f} s for {what}") from None
            raise
        slot = self.page.evaluate(f"() => {{ const s = window[{key!r}]; delete window[{key!r}]; return s; }}")
        if "error" in slot:
            raise HarnessTimeout(f"{what} failed: {slot['error'][:500]}")
        return slot["value"]

    def _close_notebooks(self) -> None:
        self.run_async("""async () => {
            const app = window.jupyterapp;
            for (const w of [...app.shell.widgets('main')]) {
              if (w.sessionContext) { try { await w.sessionContext.shutdown(); } catch (e) {} }
              w.dispose();
            }
            if (window.mlkitHarness) window.mlkitHarness.kernel = null;
        }""", timeout_ms=30_000, what="the notebook to close")

    def check_notebook(self, path: str, *, screenshots: Path | None = None,
                       run_timeout: float = 180.0, settle_timeout: float = 30.0,
                       quiet_ms: float = 300.0, repeats: int = 1) -> NotebookReport:
        """Open ``path`` (relative to the server root), run all, poke every widget; report.

        Problems recorded: console/page errors while the notebook was open; a
        cell with an ``error`` output, a traceback on stderr, or never run; any
        error or traceback the kernel sent on iopub (widget callbacks);
        a widget output that failed to render; an mlkit widget whose control
        change did not reach the kernel, did not change its view or showed
        its error banner; a JupyterLab dialog left open. With ``repeats`` > 1
        the control of every live widget is changed that many times (for the
        latency benchmark); the view must change on the first.
        """
        start = self._start = time.monotonic()
        report = NotebookReport(notebook=Path(path).name)
        self._page_suspect = False
        page = self.page
        try:
            if not self._loaded:
                self.load()
            page.bring_to_front()  # a background tab gets no animation frames: Lumino would stall
            self.run_async("""async (path) => {
                const app = window.jupyterapp;
                const panel = await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
                await panel.context.ready;
                app.shell.activateById(panel.id);
                window.mlkitHarness.open(panel);
            }""", path, timeout_ms=run_timeout * 1000, what=f"{path} to open")
            self._debug('opened')
            # Run All while the kernel is still starting opens a kernel dialog: wait for idle.
            page.wait_for_function(
                """() => { const H = window.mlkitHarness, p = H._panel;
                           return p && p.sessionContext.isReady && H.hook(p) && H.kernel.status === 'idle'; }""",
                timeout=run_timeout * 1000)
            self._debug('kernel idle')
            page.evaluate("""() => { const H = window.mlkitHarness; H.runDone = false;
                window.jupyterapp.commands.execute('notebook:run-all-cells')
                  .then(() => { H.runDone = true; }, (e) => { H.runDone = 'failed: ' + e; }); }""")
            page.wait_for_function(
                """(quiet) => { const H = window.mlkitHarness;
                    const running = [...H._panel.node.querySelectorAll('.jp-InputPrompt')]
                        .some(p => p.textContent.includes('*'));
                    return H.runDone !== false && !running && H.kernelIdle(quiet); }""",
                arg=quiet_ms, timeout=run_timeout * 1000)
            self._debug('ran all')
            self._check_cells(report)
            self._wait_widgets_rendered(report, timeout=settle_timeout, quiet_ms=quiet_ms)
            self._debug('rendered')
            widgets = page.evaluate("() => window.mlkitHarness.describe()")
            for info in widgets:
                report.widgets.append(self._poke_widget(info, report, screenshots, settle_timeout,
                                                        quiet_ms, repeats))
            self._debug('poked')
            self._check_iopub(report)
            self._check_dialogs(report)
            if screenshots is not None:
                screenshots.mkdir(parents=True, exist_ok=True)
                report.screenshot = screenshots / f"{Path(path).stem}.png"
                page.screenshot(path=str(report.screenshot))  # the notebook's last screenful
        except Exception as exc:  # a timeout or a page that went away is a problem of this notebook
            from playwright.sync_api import Error as PlaywrightError

            if not isinstance(exc, (PlaywrightError, HarnessTimeout)):
                raise
            report.problems.append(f"the harness stopped: {type(exc).__name__}: {str(exc).splitlines()[0]}")
            self._page_suspect = True
            self._check_iopub(report)
            self._check_dialogs(report)
        finally:
            # Everything since the last report, the page load included.
            report.problems[:0] = list(self.console_errors)
            self.console_errors.clear()
            report.seconds = time.monotonic() - start
            try:
                self._close_notebooks()
            except Exception:
                self._loaded = False
            if self._page_suspect:
                self._loaded = False  # start the next notebook from a fresh page
        return report

    # -- checks ------------------------------------------------------------
    def _check_cells(self, report: NotebookReport) -> None:
        cells = self.page.evaluate("""() => window.mlkitHarness._panel.content.model.toJSON().cells
            .map((c, i) => ({index: i, type: c.cell_type, count: c.execution_count,
                             source: (Array.isArray(c.source) ? c.source.join('') : c.source),
                             outputs: c.outputs || []}))""")
        for cell in cells:
            if cell["type"] != "code":
                continue
            first = cell["source"].strip().splitlines()[0][:60] if cell["source"].strip() else ""
            where = f"cell {cell['index']} ({first!r})"
            if cell["count"] is None and cell["source"].strip():
                report.problems.append(f"{where} was not run")
            for out in cell["outputs"]:
                kind = out.get("output_type")
                if kind == "error":
                    report.problems.append(f"{where} has an error output: {out.get('ename')}: {out.get('evalue')}")
                elif kind == "stream" and out.get("name") == "stderr":
                    text = "".join(out.get("text", ""))
                    if "Traceback" in text or "Error" in text or "Exception" in text:
                        report.problems.append(f"{where} wrote an error to stderr: {text.strip()[:300]}")

    def _check_iopub(self, report: NotebookReport) -> None:
        try:
            messages = self.page.evaluate("() => window.mlkitHarness.iopub")
        except Exception:
            return
        for m in messages:
            if m["parent"] == "execute_request":
                continue  # a cell's own output: judged by _check_cells
            text = m["text"].strip()
            if m.get("stderr") and not ("Traceback" in text or "Error" in text or "Exception" in text):
                continue
            report.problems.append(f"the kernel reported an error while handling a {m['parent'] or 'message'} "
                                   f"(a widget callback): {text[:300]}")

    def _check_dialogs(self, report: NotebookReport) -> None:
        try:
            dialogs = self.page.locator(".jp-Dialog")
            if dialogs.count():
                self._page_suspect = True
                report.problems.append(f"a JupyterLab dialog is open: {dialogs.first.inner_text()[:200]!r}")
                self.page.keyboard.press("Escape")
        except Exception:
            pass

    def _wait_widgets_rendered(self, report: NotebookReport, timeout: float, quiet_ms: float) -> None:
        # Every top-level output that is a widget view, found through the notebook model.
        state_js = """() => {
            const found = [];
            window.mlkitHarness._panel.content.widgets.forEach((cell, c) => {
              if (cell.model.type !== 'code') return;
              const outputs = cell.model.outputs;
              for (let k = 0; k < outputs.length; k++) {
                if (!outputs.get(k).data['application/vnd.jupyter.widget-view+json']) continue;
                const child = cell.outputArea.widgets[k];
                const o = child ? child.node : null;
                const error = !!o && (o.querySelector('.jupyter-widgets-error-widget') !== null
                                      || o.textContent.includes('Error displaying widget'));
                found.push({cell: c, error, loading: !error && !(o && o.querySelector('.jupyter-widgets')),
                            text: o ? o.textContent.slice(0, 200) : ''});
              }
            });
            return found;
        }"""
        deadline = time.monotonic() + timeout
        while True:
            states = self.page.evaluate(state_js)
            if not any(s["loading"] for s in states) or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        # Nested outputs (a widget's figure) arrive after the widget: wait for a still page.
        while time.monotonic() < deadline and not self.page.evaluate(
                "(q) => window.mlkitHarness.domQuiet(q)", quiet_ms):
            time.sleep(0.05)
        for s in states:
            if s["error"]:
                report.problems.append(f"a widget in cell {s['cell']} failed to render: {s['text'].strip()!r}")
            elif s["loading"]:
                report.problems.append(f"a widget in cell {s['cell']} did not render within {timeout} s")

    def _poke_widget(self, info, report, screenshots, settle_timeout, quiet_ms, repeats) -> WidgetCheck:
        page = self.page
        i = info["index"]
        goal = GOAL_RETRAIN_MS if info["retrains"] else GOAL_MS
        check = WidgetCheck(index=i, name=info["name"], title=info["title"], control=None,
                            action="none: the widget has no control", changed=None,
                            latency_ms=None, goal_ms=goal)
        label = f"widget {i} {info['name']} ({info['title']!r})"
        root = page.locator(f'[data-mlkit-harness="{i}"]')
        self._center(root)
        before = page.evaluate("(i) => window.mlkitHarness.viewState(i)", i)
        if before["error"]:
            report.problems.append(f"{label} shows its error banner before any change: {before['error']!r}")
        controls = root.locator(".mlkit-controls").first.locator(":scope > *")
        n_controls = controls.count() if root.locator(".mlkit-controls").count() else 0
        if n_controls:
            chosen = None
            for attempt in range(1 if info["manual"] else max(1, repeats)):
                page.evaluate("(i) => window.mlkitHarness.arm(i)", i)
                if chosen is None:  # the first control the harness knows how to change
                    for k in range(n_controls):
                        action = _change_control(controls.nth(k))
                        if action is not None:
                            chosen = k
                            check.control = _control_name(controls.nth(k), k)
                            check.action = action
                            break
                    else:
                        report.problems.append(
                            f"{label}: the harness found no control it can change ({n_controls} "
                            f"control(s)); teach harness._change_control this kind")
                        return check
                elif _change_control(controls.nth(chosen)) is None:
                    break
                if info["manual"]:
                    # live=False: the control only changes itself; its first button computes.
                    self._settle(settle_timeout, quiet_ms)
                    buttons = [b for b in root.locator("button:not([disabled])").all()
                               if not b.evaluate("b => !!b.closest('.mlkit-controls')")]
                    if buttons:
                        text = buttons[0].inner_text().strip()  # before the click: it may disable it
                        page.evaluate("(i) => window.mlkitHarness.arm(i)", i)
                        buttons[0].click()
                        check.action += f", then clicked {text!r}"
                settled = self._settle(settle_timeout, quiet_ms)
                measured = page.evaluate("() => window.mlkitHarness.measure()")
                self._debug(f"widget {i} change {attempt}: {measured}")
                if measured["latency"] is not None:
                    check.latencies_ms.append(measured["latency"])
                if measured["kernel"] is not None:
                    check.kernel_ms.append(measured["kernel"])
                if attempt > 0:
                    continue
                after = page.evaluate("(i) => window.mlkitHarness.viewState(i)", i)
                check.changed = after["hash"] != before["hash"]
                if not measured["sent"]:
                    report.problems.append(f"{label}: changing {check.control!r} ({check.action}) sent "
                                           f"nothing to the kernel")
                elif not settled:
                    report.problems.append(f"{label}: the kernel was still busy {settle_timeout} s after "
                                           f"changing {check.control!r}")
                if not check.changed:
                    report.problems.append(f"{label}: changing {check.control!r} ({check.action}) did not "
                                           f"change its view")
                if after["error"]:
                    report.problems.append(f"{label}: after changing {check.control!r} it shows its error "
                                           f"banner: {after['error']!r}")
                if screenshots is not None:
                    check.screenshot = self._shoot(root, screenshots, report, info)
                if report.problems:
                    break
            if check.latencies_ms:
                check.latency_ms = statistics.median(check.latencies_ms)
        if screenshots is not None and check.screenshot is None:
            check.screenshot = self._shoot(root, screenshots, report, info)
        return check

    def _center(self, root) -> None:
        # Centered, not just "in view": the notebook toolbar would cover a widget's top edge.
        root.evaluate("el => el.scrollIntoView({block: 'center', inline: 'nearest'})")

    def _shoot(self, root, screenshots: Path, report: NotebookReport, info) -> Path:
        screenshots.mkdir(parents=True, exist_ok=True)
        path = screenshots / f"{Path(report.notebook).stem}--{info['index']:02d}-{info['name']}.png"
        self._center(root)
        root.screenshot(path=str(path))
        return path

    def _debug(self, what: str) -> None:
        if os.environ.get("MLKIT_HARNESS_DEBUG"):
            print(f"  [harness {time.monotonic() - self._start:6.2f} s] {what}", flush=True)

    def _settle(self, timeout: float, quiet_ms: float) -> bool:
        try:
            self.page.wait_for_function("(q) => window.mlkitHarness.settled(q)", arg=quiet_ms,
                                        timeout=timeout * 1000, polling=50)
            return True
        except Exception as exc:
            from playwright.sync_api import TimeoutError as PlaywrightTimeout

            if not isinstance(exc, PlaywrightTimeout):
                raise
            return False


# -- changing a control ----------------------------------------------------

def _control_name(control, k: int) -> str:
    classes = (control.get_attribute("class") or "").split()
    for c in classes:
        if c.startswith("mlkit-control-"):
            return c[len("mlkit-control-"):]
    label = control.locator(".widget-label")
    if label.count():
        text = label.first.inner_text().strip()
        if text:
            return text
    return f"control {k}"


def _change_control(control) -> str | None:
    """Change ``control`` (a Playwright locator of one ipywidget) with real input; say how.

    Returns None when it is disabled or of a kind this harness does not know.
    """
    # Dropdown / Select
    select = control.locator("select:not([disabled])")
    if select.count():
        s = select.first
        options = s.locator("option")
        n = options.count()
        if n >= 2:
            current = s.evaluate("s => s.selectedIndex")
            target = current + 1 if current + 1 < n else current - 1
            s.select_option(index=target)
            return f"selected option {options.nth(target).inner_text().strip()!r}"
    # IntSlider / FloatSlider (noUiSlider): click the track, away from the handle.
    slider = control.locator(".noUi-target")
    if slider.count() and slider.first.get_attribute("disabled") is None:
        handle = slider.first.locator(".noUi-handle").first
        now, low, high = (float(handle.get_attribute(a) or 0)
                          for a in ("aria-valuenow", "aria-valuemin", "aria-valuemax"))
        where = 0.75 if high <= low or (now - low) / (high - low) < 0.5 else 0.25
        box = slider.first.bounding_box()
        slider.first.click(position={"x": box["width"] * where, "y": box["height"] / 2})
        return f"clicked the slider track at {where:.0%}"
    # RadioButtons: the first unchecked option.
    radios = control.locator("input[type=radio]:not([disabled])")
    for r in radios.all():
        if not r.is_checked():
            r.check()
            return f"chose radio option {r.evaluate('r => r.parentElement.textContent.trim()')!r}"
    # ToggleButtons: the first inactive button.
    toggles = control.locator("button.widget-toggle-button:not([disabled]):not(.mod-active)")
    if control.locator("button.widget-toggle-button").count() > 1 and toggles.count():
        t = toggles.first
        text = t.inner_text().strip()
        t.click()
        return f"clicked toggle {text!r}"
    # Checkbox / CheckboxGroup: tick (or untick) the first box.
    boxes = control.locator("input[type=checkbox]:not([disabled])")
    if boxes.count():
        b = boxes.first
        b.click()
        return f"clicked checkbox {b.evaluate('b => b.parentElement.textContent.trim()')!r}"
    # IntText / FloatText / Bounded*: one step up (down at the maximum), then Enter.
    number = control.locator("input[type=number]:not([disabled])")
    if number.count():
        n = number.first
        value = float(n.input_value() or 0)
        step = n.get_attribute("step")
        step = 1.0 if step in (None, "", "any") else float(step)
        high = n.get_attribute("max")
        new = value + step
        if high not in (None, "") and new > float(high):
            new = value - step
        text = str(int(new)) if float(new).is_integer() else repr(round(new, 10))
        n.fill(text)
        n.press("Enter")
        return f"typed {text} and Enter"
    # ToggleButton: the control is the button itself.
    if control.evaluate("e => e.matches('button.widget-toggle-button:not([disabled])')"):
        control.click()
        return "clicked the toggle button"
    return None
