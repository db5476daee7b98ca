"""conclab end to end in a real browser: JupyterLab and Notebook 7 driven by Chromium.

    make test-browser                      # what `make test` runs
    .venv/bin/python -m pytest -q tests/test_lab.py

A Jupyter server from .venv serves a temporary directory holding a copy of
tests/fixtures/lab-smoke.ipynb (and of notebooks/, when it has notebooks). Playwright drives
Debian's Chromium (CONCLAB_CHROMIUM, default /usr/bin/chromium; Playwright never downloads a
browser here) the way a reader would: open the notebook, Run All from the menu, wait for the
kernel, then check what the page shows. The fixture's cells say what they must print in their
metadata (`conclab.expect_stdout`, as tests/nbrun.py reads it), which cell must fail
(`raises-exception`) and which must draw (`plot`). Screenshots go to build/screenshots/.
"""
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

import procs

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is missing: pip install -r requirements-test.txt")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURE = os.path.join(ROOT, "tests", "fixtures", "lab-smoke.ipynb")
DEBUG_FIXTURE = os.path.join(ROOT, "tests", "fixtures", "lab-debug.ipynb")
NOTEBOOKS = os.path.join(ROOT, "notebooks")
SHOTS = os.path.join(ROOT, "build", "screenshots")
# The venv holds the pinned JupyterLab and the conclab kernelspec (`make install`).
JUPYTER = os.path.join(ROOT, ".venv", "bin", "jupyter")
CHROMIUM = os.environ.get("CONCLAB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
KERNEL_DISPLAY_NAME = "Go (conclab)"

# Bounds for every wait. A cold Go build cache makes the first cells slow, hence the run bound.
SERVER_START_S = 60
SERVER_STOP_S = 30
PAGE_MS = 60_000
KERNEL_MS = 60_000
RUN_ALL_MS = 120_000

# The notebook on screen: Lab keeps other documents in hidden tabs.
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
CELLS = f"{PANEL} .jp-Notebook .jp-Cell"

pytestmark = pytest.mark.timeout(300)


# ---------------------------------------------------------------- processes we start


def write_json(path, value):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(value, f)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class JupyterServer:
    """`jupyter lab` or `jupyter notebook` from .venv on a free localhost port, with a token,
    its own config, runtime and settings directories, and no network calls of its own."""

    def __init__(self, app, root_dir, state_dir):
        self.app = app
        self.root_dir = root_dir
        self.token = secrets.token_hex(16)
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = os.path.join(state_dir, f"jupyter-{app}.log")
        self.state_dir = state_dir
        self.proc = None

    def url(self, path):
        sep = "&" if "?" in path else "?"
        return f"{self.base}/{path}{sep}token={self.token}"

    def start(self):
        env = dict(os.environ)
        for var, sub in [("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_RUNTIME_DIR", "runtime"),
                         ("JUPYTERLAB_SETTINGS_DIR", "lab-settings"),
                         ("JUPYTERLAB_WORKSPACES_DIR", "lab-workspaces")]:
            env[var] = os.path.join(self.state_dir, sub)
            os.makedirs(env[var], exist_ok=True)
        # No toast asking about Jupyter news over the page (and no request for it).
        write_json(os.path.join(env["JUPYTERLAB_SETTINGS_DIR"], "@jupyterlab", "apputils-extension",
                                "notification.jupyterlab-settings"),
                   {"fetchNews": "false", "checkForUpdates": False})
        app_class = "LabApp" if self.app == "lab" else "JupyterNotebookApp"
        args = [
            JUPYTER, self.app, "--no-browser",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}", f"--notebook-dir={self.root_dir}",
            f"--{app_class}.news_url=None",
            f"--{app_class}.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]
        if os.geteuid() == 0:
            args.append("--allow-root")  # CI and containers run as root
        with open(self.log_path, "wb") as log:
            # A session of its own: an interrupt of pytest (Ctrl-C) reaches the server only through stop().
            self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         env=env, start_new_session=True)
        deadline = time.monotonic() + SERVER_START_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter {self.app} exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.request("api/status"), timeout=2) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)  # polling interval while the port is not open yet
        raise RuntimeError(f"jupyter {self.app} did not answer in {SERVER_START_S}s:\n{self.log_tail()}")

    def request(self, path, method="GET"):
        return urllib.request.Request(f"{self.base}/{path}", method=method,
                                      headers={"Authorization": f"token {self.token}"})

    def log_tail(self, n=4000):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()[-n:]
        except OSError:
            return ""

    def stop(self):
        """Shut the server down (it shuts its kernels down), escalating to SIGTERM and SIGKILL.

        Returns the command lines of processes the server had started that were still alive
        afterwards; they are killed."""
        if self.proc is None or self.proc.poll() is not None:
            return []
        family = procs.descendants(self.proc.pid)
        try:
            urllib.request.urlopen(self.request("api/shutdown", "POST"), timeout=5).close()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass  # SIGTERM below
        try:
            self.proc.wait(timeout=SERVER_STOP_S)
        except subprocess.TimeoutExpired:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        left = []
        for pid, started in family:
            if procs.start_time(pid) == started:
                left.append(f"{pid} {procs.command_line(pid)}")
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        return left


def serve(app, root_dir, state_dir):
    """Start a server; yield it; stop it whatever happened, failing the test if it left processes."""
    server = JupyterServer(app, str(root_dir), str(state_dir))
    try:
        server.start()
        yield server
    finally:
        left = server.stop()
    assert not left, f"processes still running after jupyter {app} shut down:\n" + "\n".join(left)


# ---------------------------------------------------------------- fixtures


def load_notebook(path):
    with open(path) as f:
        return json.load(f)


@pytest.fixture(scope="module")
def served_dir(tmp_path_factory):
    """The directory the servers serve: the smoke notebook and a copy of notebooks/."""
    root = tmp_path_factory.mktemp("served")
    shutil.copy(FIXTURE, root / "lab-smoke.ipynb")
    shutil.copy(DEBUG_FIXTURE, root / "lab-debug.ipynb")
    if os.path.isdir(NOTEBOOKS):
        shutil.copytree(NOTEBOOKS, root / "notebooks")
    return root


@pytest.fixture(scope="module")
def lab(served_dir, tmp_path_factory):
    yield from serve("lab", served_dir, tmp_path_factory.mktemp("lab-state"))


@pytest.fixture(scope="module")
def notebook7(served_dir, tmp_path_factory):
    yield from serve("notebook", served_dir, tmp_path_factory.mktemp("notebook-state"))


@pytest.fixture(scope="module")
def driver():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"no Chromium at {CHROMIUM}: `make test-browser` installs Debian's chromium when run "
                    "as root; otherwise `sudo apt-get install chromium`, or set CONCLAB_CHROMIUM")
    with playwright_api.sync_playwright() as p:
        yield p


@pytest.fixture
def page(driver, tmp_path, request):
    """A page in a fresh Chromium profile, closed whatever happens (after a screenshot when the test failed)."""
    context = driver.chromium.launch_persistent_context(
        str(tmp_path / "chromium-profile"), executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS,
        viewport={"width": 1280, "height": 900})
    failed_before = request.session.testsfailed
    try:
        context.set_default_timeout(PAGE_MS)
        pg = context.pages[0] if context.pages else context.new_page()
        pg.problems = []  # uncaught page errors, for failure messages
        pg.on("pageerror", lambda e: pg.problems.append(str(e)))
        yield pg
        # The call's report is counted before teardown: this test failed.
        if request.session.testsfailed > failed_before and not pg.is_closed():
            print("screenshot of the failure:", shoot(pg, f"failed-{request.node.name}"))
    finally:
        context.close()


# ---------------------------------------------------------------- the page


def shoot(page, name):
    """Save a screenshot of the whole window as build/screenshots/NAME.png; return its path."""
    os.makedirs(SHOTS, exist_ok=True)
    path = os.path.join(SHOTS, re.sub(r"[^\w.-]+", "-", name) + ".png")
    page.screenshot(path=path)
    return path


def open_notebook(page, url, n_cells):
    """Load a notebook page and wait for its cells and an idle conclab kernel."""
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_function("([sel, n]) => document.querySelectorAll(sel).length === n", arg=[CELLS, n_cells],
                           timeout=PAGE_MS)
    # The toolbar names the kernel once the session has one; until then the indicator says idle too.
    kernel = page.locator(f"{PANEL} .jp-KernelName").first
    try:
        page.wait_for_function("([el, name]) => el.innerText.trim() === name",
                               arg=[kernel.element_handle(), KERNEL_DISPLAY_NAME], timeout=KERNEL_MS)
    except playwright_api.TimeoutError:
        raise AssertionError(f"the notebook runs kernel {kernel.inner_text().strip()!r}, "
                             f"not {KERNEL_DISPLAY_NAME!r}") from None
    wait_kernel_idle(page)


def wait_kernel_idle(page, timeout=KERNEL_MS):
    page.locator(f'{PANEL} .jp-Notebook-ExecutionIndicator[data-status="idle"]').wait_for(timeout=timeout)


def run_all(page):
    """Run > Run All Cells from the menu bar, then wait until no cell is queued or running.

    Run All marks every code cell [*] at once; a cell leaves that state with its execution
    count, or blank when the kernel aborted it after an earlier error."""
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name=re.compile(r"^Run All Cells")).click()
    try:
        page.wait_for_function(
            """(sel) => {
                const prompts = [...document.querySelectorAll(sel + ' .jp-CodeCell .jp-InputPrompt')]
                    .map(p => p.textContent.trim());
                return prompts.length > 0 && /^\\[\\d+\\]:$/.test(prompts[0]) && !prompts.includes('[*]:');
            }""", arg=PANEL, timeout=RUN_ALL_MS)
    except playwright_api.TimeoutError:
        prompts = page.eval_on_selector_all(f"{PANEL} .jp-CodeCell .jp-InputPrompt", "ps => ps.map(p => p.textContent.trim())")
        raise AssertionError(f"Run All did not finish in {RUN_ALL_MS / 1000:.0f} s; code cell prompts: {prompts}")
    wait_kernel_idle(page)


SNAPSHOT_JS = """(sel) => [...document.querySelectorAll(sel)].map(cell => ({
    prompt: (cell.querySelector('.jp-InputPrompt') || {}).textContent || '',
    outputs: [...cell.querySelectorAll('.jp-OutputArea-output')].map(o => ({
        mime: o.dataset.mimeType || '',
        text: o.textContent,
    })),
}))"""


def snapshot(page):
    """What each cell of the notebook on screen shows: its prompt and its outputs (mime type, text)."""
    return page.evaluate(SNAPSHOT_JS, CELLS)


def shown_text(cell, mime):
    """The text of a rendered cell's outputs of one mime type (stdout; stderr for errors too)."""
    return "".join(o["text"] for o in cell["outputs"] if o["mime"] == mime)


def stdout_shown(cell):
    return shown_text(cell, "application/vnd.jupyter.stdout")


# The kernel's notice after a %live cell that left goroutines running: information, not an error.
LIVE_NOTICE = re.compile(r"\d+ goroutines? from live cells (is|are) still running")


def check_outputs(nb, shown):
    """Problems with the rendered outputs, against what the notebook's cells promise."""
    problems = []
    assert len(shown) == len(nb["cells"]), f"{len(shown)} cells on the page, {len(nb['cells'])} in the notebook"
    counts = []
    for i, (cell, seen) in enumerate(zip(nb["cells"], shown)):
        if cell["cell_type"] != "code":
            continue
        where = f"cell {i} ({''.join(cell['source']).splitlines()[0][:50]!r})"
        m = re.fullmatch(r"\[(\d+)\]:", seen["prompt"].strip())
        if not m:
            problems.append(f"{where}: did not run, prompt {seen['prompt']!r}")
            continue
        counts.append(int(m.group(1)))
        tags = cell["metadata"].get("tags", [])
        errors = [o["text"] for o in seen["outputs"] if o["mime"] == "application/vnd.jupyter.stderr"
                  and not LIVE_NOTICE.fullmatch(o["text"].strip())]
        if "raises-exception" in tags and not errors:
            problems.append(f"{where}: tagged raises-exception but shows no error")
        if errors and "raises-exception" not in tags:
            problems.append(f"{where}: shows an error: {errors[0][:300]}")
        for pattern in cell["metadata"].get("conclab", {}).get("expect_stdout", []):
            if not re.search(pattern, stdout_shown(seen), re.MULTILINE):
                problems.append(f"{where}: shows no output matching {pattern!r}: {stdout_shown(seen)[:300]!r}")
    if counts != sorted(counts) or len(set(counts)) != len(counts):
        problems.append(f"execution counts out of order: {counts}")
    return problems


def cell_index(nb, tag=None, cell_id=None):
    for i, cell in enumerate(nb["cells"]):
        if (tag and tag in cell["metadata"].get("tags", [])) or (cell_id and cell.get("id") == cell_id):
            return i
    raise LookupError(f"the notebook has no cell with tag {tag!r} / id {cell_id!r}")


def rendered_images(page, index):
    """The PNG images in the outputs of cell index, once loaded: src kind, natural and shown sizes."""
    images = page.locator(CELLS).nth(index).locator(".jp-OutputArea-output img")
    found = []
    for k in range(images.count()):
        img = images.nth(k)
        img.scroll_into_view_if_needed()
        img.evaluate("""img => img.complete && img.naturalWidth ? true :
            new Promise((ok, fail) => { img.onload = () => ok(true); img.onerror = () => fail(new Error('image failed')); })""")
        found.append(img.evaluate("""img => ({src: img.src.slice(0, 22), natural: [img.naturalWidth, img.naturalHeight],
            shown: [img.getBoundingClientRect().width, img.getBoundingClientRect().height]})"""))
    return found


def check_plot(page, index):
    images = rendered_images(page, index)
    assert images, f"cell {index} shows no image"
    for img in images:
        assert img["src"].startswith(("data:image/png;base64", "blob:")), img
        assert img["natural"][0] > 0 and img["natural"][1] > 0, img
        assert img["shown"][0] > 0 and img["shown"][1] > 0, img
    return images


def complete(page, prefix):
    """Type prefix in a new cell at the end and press Tab; return the completions offered."""
    page.locator(f"{CELLS} .jp-InputArea-editor").last.click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")  # a new cell below, in command mode
    page.keyboard.press("Enter")  # edit it
    page.keyboard.type(prefix)
    page.keyboard.press("Tab")
    items = page.locator(".jp-Completer:not(.lm-mod-hidden) .jp-Completer-item")
    items.first.wait_for()
    return [t.strip() for t in items.locator(".jp-Completer-match").all_inner_texts()]


def run_smoke(page, url, name):
    """Open the smoke notebook at url, Run All and check every output; screenshots prefixed name."""
    nb = load_notebook(FIXTURE)
    open_notebook(page, url, len(nb["cells"]))
    run_all(page)
    shown = snapshot(page)
    problems = check_outputs(nb, shown)
    assert not problems, "\n".join(problems + page.problems)

    # Go's own message, its position given as a line of the cell.
    deadlock = shown_text(shown[cell_index(nb, tag="raises-exception")], "application/vnd.jupyter.stderr")
    assert "all goroutines are asleep - deadlock!" in deadlock and "line 3" in deadlock, deadlock

    # %test: the test's output, and its result in the table under the cell.
    table = shown_text(shown[cell_index(nb, cell_id="gotest")], "text/html")
    assert "TestDouble" in table and "PASS" in table, f"the %test cell shows no table with TestDouble passing: {table[:300]!r}"

    html = page.locator(CELLS).nth(cell_index(nb, cell_id="html")).locator("#conclab-smoke-html")
    assert html.inner_text() == "HTML from gonbui"
    assert html.evaluate("el => el.tagName") == "B", "gonbui HTML shown as text, not rendered"

    plot = cell_index(nb, tag="plot")
    check_plot(page, plot)
    # The plot near the top, with the cells after it (the deadlock, the cell that ran after it) below.
    page.locator(CELLS).nth(plot).evaluate("el => el.scrollIntoView({block: 'start'})")
    shoot(page, f"{name}-run-all")
    page.locator(CELLS).nth(plot).locator(".jp-OutputArea-output img").first.screenshot(
        path=os.path.join(SHOTS, f"{name}-plot.png"))


# ---------------------------------------------------------------- tests


def test_lab_runs_smoke_notebook(lab, page):
    run_smoke(page, lab.url("lab/tree/lab-smoke.ipynb?reset"), "lab")
    offered = complete(page, "fmt.Pr")
    shoot(page, "lab-completion")
    assert "Println" in offered, f"Tab after fmt.Pr offers {offered}"
    assert all(o.startswith("Pr") for o in offered), offered


def test_lab_debugger_stops_at_a_breakpoint_in_a_cell(lab, page):
    """JupyterLab's debugger on a Go cell: the bug button, a breakpoint clicked in the gutter, the
    cell run, the paused line marked, the variable's value in the Variables panel, Continue, the
    output."""
    open_notebook(page, lab.url("lab/tree/lab-debug.ipynb?reset"), 2)
    bug = page.locator(f"{PANEL} .jp-DebuggerBugButton").first
    bug.wait_for()
    deadline = time.monotonic() + KERNEL_MS / 1000
    while bug.get_attribute("aria-pressed") != "true":  # enabled once the kernelspec is read
        assert time.monotonic() < deadline, "the debugger's button never turned on"
        if bug.is_enabled():
            bug.click()
        page.wait_for_timeout(500)
    tab = page.locator('.lm-TabBar-tab[data-id="jp-debugger-sidebar"]').first
    if "lm-mod-current" not in (tab.get_attribute("class") or ""):
        tab.click()  # the debugger's panel, in the right sidebar
    page.locator(".jp-DebuggerVariables").first.wait_for(state="visible")
    cell = page.locator(CELLS).nth(1)
    cell.locator(".jp-InputArea-editor").click()
    line = 5  # fmt.Println("total", total)
    cell.locator(".cm-gutters .cm-breakpoint-gutter .cm-gutterElement").nth(line).click(position={"x": 5, "y": 5})
    page.locator(".jp-DebuggerBreakpoint").first.wait_for()  # listed once the kernel set it
    page.keyboard.press("Control+Enter")  # runs the cell, which stops
    marked = cell.locator(".jp-DebuggerEditor-highlight")
    marked.first.wait_for(timeout=RUN_ALL_MS)
    assert "fmt.Println" in marked.first.inner_text(), marked.first.inner_text()
    total = page.locator(".jp-DebuggerVariables").get_by_role("treeitem", name=re.compile(r"^total:"))
    total.first.wait_for()
    assert "10" in total.first.inner_text(), total.first.inner_text()
    assert "Cell [*]" in page.locator(".jp-DebuggerCallstack").first.inner_text()
    shoot(page, "lab-debugger-stopped")
    page.get_by_role("button", name=re.compile(r"^Continue")).first.click()
    page.wait_for_function("(el) => el.innerText.includes('total 10')",
                           arg=cell.locator(".jp-OutputArea").element_handle(), timeout=RUN_ALL_MS)
    wait_kernel_idle(page)
    shoot(page, "lab-debugger-continued")
    bug.click()  # off: the next run is a plain build
    page.wait_for_function("(el) => el.getAttribute('aria-pressed') !== 'true'", arg=bug.element_handle())


def test_notebook7_runs_smoke_notebook(notebook7, page):
    run_smoke(page, notebook7.url("notebooks/lab-smoke.ipynb"), "notebook7")


def real_notebooks():
    """notebooks/00-index.ipynb and every notebook with plots (tagged or stored)."""
    if not os.path.isdir(NOTEBOOKS):
        return []
    chosen = []
    for name in sorted(os.listdir(NOTEBOOKS)):
        if not name.endswith(".ipynb"):
            continue
        nb = load_notebook(os.path.join(NOTEBOOKS, name))
        plotted = any("plot" in c["metadata"].get("tags", []) or
                      any("image/png" in o.get("data", {}) for o in c.get("outputs", []))
                      for c in nb["cells"])
        if name == "00-index.ipynb" or plotted:
            chosen.append(name)
    return chosen


@pytest.mark.parametrize("name", real_notebooks() or [
    pytest.param(None, marks=pytest.mark.skip(reason="notebooks/ has no 00-index.ipynb and no notebook with "
                                                     "plots yet: nothing real to open"))])
def test_lab_opens_real_notebook(lab, page, name):
    """A notebook of notebooks/ opens on the conclab kernel with its Markdown rendered and its plots shown:
    the stored ones, or, when none is stored, the ones Run All draws."""
    nb = load_notebook(os.path.join(NOTEBOOKS, name))
    open_notebook(page, lab.url(f"lab/tree/notebooks/{name}?reset"), len(nb["cells"]))
    markdown = page.locator(f"{CELLS}.jp-MarkdownCell .jp-RenderedMarkdown")
    assert markdown.count() == sum(c["cell_type"] == "markdown" for c in nb["cells"]), "Markdown not rendered"

    def png_outputs(cell):
        return sum("image/png" in o.get("data", {}) for o in cell.get("outputs", []))

    if any(png_outputs(c) for c in nb["cells"]) or not any(
            "plot" in c["metadata"].get("tags", []) for c in nb["cells"]):
        problems = stored_output_problems(page, nb)
        plotted = [i for i, c in enumerate(nb["cells"]) if png_outputs(c)]
    else:
        run_all(page)
        problems = check_outputs(nb, snapshot(page))
        plotted = [i for i, c in enumerate(nb["cells"]) if "plot" in c["metadata"].get("tags", [])]
        for i in plotted:
            check_plot(page, i)
    if plotted:
        page.locator(CELLS).nth(plotted[0]).evaluate("el => el.scrollIntoView({block: 'start'})")
    shoot(page, f"notebooks-{name.removesuffix('.ipynb')}")
    assert not problems, "\n".join(problems + page.problems)


def stored_output_problems(page, nb):
    """Problems with how the page shows a notebook's stored outputs: every stored image is drawn,
    no error is shown outside the cells tagged raises-exception."""
    problems = []
    for i, (cell, seen) in enumerate(zip(nb["cells"], snapshot(page))):
        tags = cell["metadata"].get("tags", [])
        stored = sum("image/png" in o.get("data", {}) for o in cell.get("outputs", []))
        if stored and len(check_plot(page, i)) < stored:
            problems.append(f"cell {i}: {stored} stored images, fewer shown")
        if "plot" in tags and not stored:
            problems.append(f"cell {i} is tagged plot but has no stored image (`make notebooks` stores them)")
        if "raises-exception" not in tags and any(
                o["mime"] == "application/vnd.jupyter.stderr" and not LIVE_NOTICE.fullmatch(o["text"].strip())
                for o in seen["outputs"]):
            problems.append(f"cell {i}: shows a stored error")
    return problems


def test_lab_runs_live_notebook(lab, page):
    """The live-cell notebook, Run All in JupyterLab: goroutines started in one %live cell keep
    working in the next, their leak report shows, and nothing fails outside tagged cells."""
    name = "06-live-goroutines.ipynb"
    path = os.path.join(NOTEBOOKS, name)
    if not os.path.exists(path):
        pytest.skip(f"no notebooks/{name}")
    nb = load_notebook(path)
    open_notebook(page, lab.url(f"lab/tree/notebooks/{name}?reset"), len(nb["cells"]))
    run_all(page)
    shown = snapshot(page)
    problems = check_outputs(nb, shown)
    stdout = "\n".join(shown_text(s, "application/vnd.jupyter.stdout") for s in shown)
    stderr = "\n".join(shown_text(s, "application/vnd.jupyter.stderr") for s in shown)
    assert "from live cells is still running" in stderr, stderr[-2000:]
    assert stdout.strip(), "the live cells printed nothing"
    shoot(page, "notebooks-06-live-goroutines-run-all")
    assert not problems, "\n".join(problems + page.problems)
