"""The JupyterLab extension in a real JupyterLab in headless Chromium (issue #19).

The study map sidebar renders every topic; its Open button opens the topic's
notebook with a running kernel and no kernel dialog; answering a quiz in the
quiz panel updates the sidebar's score at once; a damaged progress file is
reported in the sidebar and set aside; no JavaScript console error on the way.
Screenshots (``labextension-study-map.png``, ``labextension-quiz.png``) go to
``$MLKIT_SCREENSHOTS`` or a temporary folder; the README's are copies.

    MLKIT_SCREENSHOTS=/tmp/shots .venv/bin/pytest tests/browser/test_labextension.py -q
"""

from __future__ import annotations

import json

import pytest

import harness
from mlkit.quiz import load_bank
from mlkit.topics import TOPICS, get_topic

pytestmark = pytest.mark.browser

QUIZ_TOPIC = "variants"
TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def lab(lab_server, browser):
    """A JupyterLab tab of its own (the notebook checks keep theirs), study map shown."""
    page = harness.LabPage(lab_server, browser, viewport=(1400, 1000))
    try:
        page.load()
        # a fresh workspace opens on the study map; otherwise its tab shows it (a click on
        # the tab of the panel already shown would fold the sidebar away)
        page.page.wait_for_selector('.lm-TabBar-tab[data-id="mlkit-study-map"]', timeout=TIMEOUT_MS)
        page.page.wait_for_timeout(500)
        if not page.page.locator(".mlkit-StudyMap").is_visible():
            page.page.locator('.lm-TabBar-tab[data-id="mlkit-study-map"]').click()
        page.page.wait_for_selector(".mlkit-StudyMap .mlkit-topic", timeout=TIMEOUT_MS)
        yield page
    finally:
        page.close()


@pytest.fixture
def p(lab):
    """The page, its console errors cleared; the test fails on any console error it caused."""
    lab.console_errors.clear()
    yield lab.page
    assert lab.console_errors == [], "JavaScript console errors:\n" + "\n".join(lab.console_errors)


def _home(lab_server):
    return lab_server.root / ".harness" / "mlkit-home"


def _topic_item(page, topic_id: str):
    return page.locator(f'.mlkit-StudyMap .mlkit-topic[data-topic="{topic_id}"]')


def test_a_fresh_workspace_opens_on_the_study_map(lab_server, browser):
    page = harness.LabPage(lab_server, browser)
    try:
        page.load()  # lab?reset: a fresh workspace
        page.page.wait_for_selector(".mlkit-StudyMap .mlkit-topic", state="visible", timeout=TIMEOUT_MS)
        assert page.console_errors == []
    finally:
        page.close()


def test_sidebar_renders_every_topic_of_the_study_map(p, screenshot_dir):
    items = p.locator(".mlkit-StudyMap .mlkit-topic")
    assert items.count() == len(TOPICS)
    assert [items.nth(i).get_attribute("data-topic") for i in range(items.count())] == [t.id for t in TOPICS]
    inference = _topic_item(p, "inference")
    assert get_topic("inference").title in inference.inner_text()
    assert get_topic("inference").features[0] in inference.inner_text()
    p.locator(".mlkit-StudyMap").screenshot(path=str(screenshot_dir / "labextension-study-map.png"))


def test_sidebar_buttons_are_reached_with_the_keyboard_in_reading_order(p):
    p.locator(".mlkit-StudyMap .mlkit-next").focus()
    p.keyboard.press("Tab")
    assert p.evaluate("() => document.activeElement.classList.contains('mlkit-refresh')")
    p.keyboard.press("Tab")
    first = TOPICS[0].id
    assert p.evaluate("(id) => document.activeElement.closest('.mlkit-topic')?.dataset.topic === id "
                      "&& document.activeElement.classList.contains('mlkit-open')", first)


def test_open_button_opens_the_topics_notebook_with_a_running_kernel(p, lab_server):
    topic = get_topic("start")
    _topic_item(p, topic.id).locator("button.mlkit-open").click()
    p.wait_for_function(
        """(path) => { const w = window.jupyterapp.shell.currentWidget;
            return w && w.context && w.context.path === path && w.sessionContext.session
                   && w.sessionContext.session.kernel
                   && w.sessionContext.session.kernel.status === 'idle'; }""",
        arg=f"notebooks/{topic.notebook}", timeout=TIMEOUT_MS)
    assert p.locator(".jp-Dialog").count() == 0, "a kernel dialog opened"
    kernels = lab_server.api("GET", "api/kernels")
    assert len(kernels) >= 1 and kernels[0]["execution_state"] in ("idle", "starting", "busy")
    state = _topic_item(p, topic.id).locator(".mlkit-topic-state")
    assert state.inner_text() in ("opened", "run to the end")
    progress = json.loads((_home(lab_server) / "progress.json").read_text())
    assert progress["notebooks"][topic.notebook_id]["state"] in ("opened", "completed")
    # left open: shutting the kernel down at once cancels JupyterLab's own debugger handshake
    # (a console error of JupyterLab's, not ours); the server's teardown ends the kernel


def test_running_study_done_in_a_course_notebook_updates_the_sidebar(p):
    # the notebook opened by the test above; its last cell in the course is this magic
    topic = get_topic("start")
    p.evaluate("""async (path) => {
        const app = window.jupyterapp;
        const panel = [...app.shell.widgets('main')].find(w => w.context && w.context.path === path);
        app.shell.activateById(panel.id);
        const nb = panel.content;
        nb.activeCellIndex = nb.widgets.length - 1;
        await app.commands.execute('notebook:insert-cell-below');
        nb.activeCell.model.sharedModel.setSource('%load_ext mlkit\\n%study done ' + path.split('/').pop());
        await app.commands.execute('notebook:run-cell');
    }""", f"notebooks/{topic.notebook}")
    state = _topic_item(p, topic.id).locator(".mlkit-topic-state")
    p.wait_for_function(
        "(id) => document.querySelector(`.mlkit-StudyMap .mlkit-topic[data-topic=\"${id}\"] "
        ".mlkit-topic-state`).textContent === 'run to the end'", arg=topic.id, timeout=TIMEOUT_MS)
    assert state.inner_text() == "run to the end"


def test_answering_a_quiz_updates_the_sidebars_score(p, screenshot_dir):
    questions = load_bank().questions(QUIZ_TOPIC)
    _topic_item(p, QUIZ_TOPIC).locator("button.mlkit-quiz").click()
    panel = p.locator(".mlkit-QuizPanel")
    panel.locator(".mlkit-option").first.wait_for(timeout=TIMEOUT_MS)
    for i, q in enumerate(questions):
        assert panel.locator(".mlkit-QuizPanel-position").inner_text().startswith(
            f"Question {i + 1} of {len(questions)}")
        if q.type == "ordering":  # a select per place
            for place, key in enumerate(q.answer):
                panel.locator(".mlkit-place select").nth(place).select_option(key)
            whys = len(q.options)  # every step's why
        elif q.type == "matching":  # a select per prompt
            for k, (_prompt, response) in enumerate(q.answer):
                panel.locator(".mlkit-pair select").nth(k).select_option(response)
            whys = len(q.prompts)  # every pair's why
        else:
            for key in sorted(q.answer):
                panel.locator(f'.mlkit-option[data-key="{key}"] input').check()
            whys = len(q.options)  # every option's why
        panel.locator("button.mlkit-check").click()
        panel.locator(".mlkit-option-why").first.wait_for(timeout=TIMEOUT_MS)
        assert panel.locator(".mlkit-option-why").count() == whys
        assert panel.locator(".mlkit-QuizPanel-verdict").inner_text() == "Right."
        if i == 0 and q.type in ("single", "multiple"):
            assert panel.locator(".mlkit-option-chosen").count() == len(q.answer)
            panel.screenshot(path=str(screenshot_dir / "labextension-quiz.png"))
            p.screenshot(path=str(screenshot_dir / "labextension-lab.png"))
        panel.locator("button.mlkit-next-question").click()
    panel.locator(".mlkit-QuizPanel-score").wait_for(timeout=TIMEOUT_MS)
    n = len(questions)
    assert panel.locator(".mlkit-QuizPanel-score").inner_text().startswith(f"Score: {n}/{n} correct")
    # the sidebar shows it without a refresh: the quiz panel's signal
    score = _topic_item(p, QUIZ_TOPIC).locator(".mlkit-topic-score")
    assert score.inner_text() == f"quiz best {n}/{n}"
    p.evaluate("() => window.jupyterapp.shell.currentWidget.dispose()")


def test_quiz_answers_can_be_given_with_the_keyboard(p):
    q = load_bank().questions(QUIZ_TOPIC)[0]
    assert q.type == "single"  # the first question of the topic: radio buttons
    p.evaluate("(t) => window.jupyterapp.commands.execute('mlkit:quiz', {topic: t}).then(() => null)", QUIZ_TOPIC)
    panel = p.locator(".mlkit-QuizPanel")
    panel.locator(".mlkit-option").first.wait_for(timeout=TIMEOUT_MS)
    first = panel.locator(".mlkit-option input").first
    first.focus()
    p.keyboard.press("Space")
    for _ in range(len(q.options) - 1):  # from the first option of the group to the button
        p.keyboard.press("Tab")
        if p.evaluate("() => document.activeElement.classList.contains('mlkit-check')"):
            break
    assert p.evaluate("() => document.activeElement.classList.contains('mlkit-check')")
    p.keyboard.press("Enter")
    panel.locator(".mlkit-option-why").first.wait_for(timeout=TIMEOUT_MS)
    assert panel.locator(".mlkit-option-why").count() == len(q.options)
    p.evaluate("() => window.jupyterapp.shell.currentWidget.dispose()")


def test_damaged_progress_file_is_reported_in_the_sidebar_and_set_aside(p, lab_server):
    home = _home(lab_server)
    (home / "progress.json").write_text("{ not json")
    p.locator(".mlkit-StudyMap button.mlkit-refresh").click()
    banner = p.locator(".mlkit-StudyMap .mlkit-warning")
    banner.wait_for(timeout=TIMEOUT_MS)
    assert "damaged" in banner.inner_text()
    backups = list(home.glob("progress.json.corrupt-*"))
    assert len(backups) == 1 and backups[0].read_text() == "{ not json"
    assert p.locator(".mlkit-StudyMap .mlkit-topic").count() == len(TOPICS)  # the lab goes on
    banner.locator("button.mlkit-dismiss").click()
    assert p.locator(".mlkit-StudyMap .mlkit-warning").count() == 0


def test_command_palette_lists_the_mlkit_commands(p):
    labels = p.evaluate("""() => ['mlkit:open-study-map', 'mlkit:next-lesson', 'mlkit:quiz']
        .map(id => window.jupyterapp.commands.hasCommand(id))""")
    assert labels == [True, True, True]
    p.keyboard.press("Control+Shift+C")
    p.locator(".lm-CommandPalette-input").fill("mlkit")
    items = p.locator(".lm-CommandPalette-item").all_inner_texts()
    p.keyboard.press("Escape")
    assert any("Study Map" in t for t in items) and any("Next Lesson" in t for t in items)


def test_launcher_has_the_mlkit_cards(p):
    p.evaluate("() => window.jupyterapp.commands.execute('launcher:create')")
    cards = p.locator('.jp-Launcher .jp-LauncherCard[data-category="mlkit"]:visible')
    cards.first.wait_for(timeout=TIMEOUT_MS)
    labels = cards.locator(".jp-LauncherCard-label").all_inner_texts()
    assert len(labels) == 2
    assert "Study Map" in labels[0] and "Next Lesson" in labels[1]
    p.evaluate("() => window.jupyterapp.shell.currentWidget.dispose()")


def _set_show_sidebar(lab_server, value: bool) -> None:
    import urllib.request

    body = json.dumps({"raw": json.dumps({"showSidebar": value})}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{lab_server.port}/lab/api/settings/mlkit-labextension:plugin", data=body,
        method="PUT", headers={"Authorization": f"token {lab_server.token}",
                               "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 204


def test_the_show_sidebar_setting_hides_the_study_map(lab_server, browser):
    page = harness.LabPage(lab_server, browser)
    _set_show_sidebar(lab_server, False)
    try:
        page.load()
        page.page.wait_for_function("() => document.body.dataset.mlkitStudyMap === 'hidden'",
                                    timeout=TIMEOUT_MS)  # the extension applied the setting
        assert page.page.locator('.lm-TabBar-tab[data-id="mlkit-study-map"]').count() == 0
        # the palette command still shows it on demand
        page.page.evaluate("() => window.jupyterapp.commands.execute('mlkit:open-study-map')")
        page.page.wait_for_selector(".mlkit-StudyMap .mlkit-topic", state="visible", timeout=TIMEOUT_MS)
        assert page.console_errors == []
    finally:
        _set_show_sidebar(lab_server, True)
        page.close()
