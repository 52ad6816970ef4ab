"""A real JupyterLab and a real Chromium, for what only a browser shows.

The tests here start ``python -m jupyterlab`` from this virtualenv on a free loopback
port, serving a temporary *copy* of ``course/`` (JupyterLab autosaves, so the repo's
notebooks are never opened), and drive Debian's ``/usr/bin/chromium`` through
Playwright. Every request the page makes to a host other than this machine is
aborted and recorded, so a test can prove that a chart needed no CDN.

Facts this harness relies on, checked against JupyterLab 4.6 and Chromium headless:

- ``--LabApp.news_url=None`` (parsed to ``None``: ``/lab/api/news`` answers
  ``{"news": []}``) and ``--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate``
  (``/lab/api/update`` answers ``{"notification": null}``) switch off the server's news
  and update checks. The front end's "fetch news?" question is answered "never" by
  the package's own settings overrides (``compass_widgets/lab/overrides.json``).
  The server runs with exactly the options ``compass lab`` gives it.
- The notebook toolbar's ``.jp-Notebook-ExecutionIndicator[data-status]`` says "idle"
  *before* a kernel exists (kernel name "No Kernel"), so "idle" means: that status,
  plus a real kernel name in ``.jp-KernelName``, plus the server's ``/api/sessions``
  saying ``execution_state == "idle"`` for the notebook.
- On a *collapsed* ``<select>`` in a cell output, JupyterLab's command-mode shortcuts
  win: ArrowUp/ArrowDown move to another cell and letters such as ``a``, ``b``, ``c``,
  ``d d`` edit the notebook (ipywidgets issue #3912; JupyterLab only exempts elements
  matching ``:read-write``, which a ``<select>`` does not). What does change a select
  with the keyboard: Alt+ArrowDown (or F4 or Space) to open the list, then ArrowDown
  and Enter; or Home/End/PageUp/PageDown on the closed select.
- The same bindings take the arrow keys from a focused radio of a ``RadioButtons``
  (the notebook moves to another cell). ipywidgets gives its radios no ``name``, so
  each is a Tab stop of its own: Tab or Shift+Tab to an answer, Space to choose it.
  Enter and Space press a focused button (Enter is bound only on a focused cell).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

import pytest

from compass_widgets.cli import lab_command

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Locator, Page, Route, WebSocketRoute

REPO = Path(__file__).resolve().parents[2]
COURSE = REPO / "course"
ARTIFACTS = REPO / "test-artifacts" / "browser"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
TOKEN = "compass-browser-tests"
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

SERVER_START_TIMEOUT = 90.0  # s: first start compiles nothing, but imports nbgrader & co.
KERNEL_IDLE_TIMEOUT = 90.0  # s
RUN_ALL_TIMEOUT = 240.0  # s: the whole notebook, top to bottom
CHART_TIMEOUT = 30.0  # s: charts are drawn after their cell has finished
REDRAW_TIMEOUT = 15.0  # s: one widget interaction -> kernel -> new SVG

#: Text that means a chart or widget failed to show, whatever the output's MIME type.
FAILURE_TEXTS = (
    "Error loading script",  # altair's HTML renderer could not load vega from a CDN
    "Error displaying widget",
    "Failed to load model class",
    "Javascript Error",
    "Traceback (most recent call last)",
)


def is_local(url: str) -> bool:
    """Return True for URLs that stay on this machine (loopback, data:, blob:, about:)."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "chrome-error"):
        return True
    return (parts.hostname or "") in LOCAL_HOSTS


# -- the JupyterLab server ------------------------------------------------------------


@dataclass
class LabServer:
    """A running JupyterLab server and where it keeps things."""

    url: str
    token: str
    root_dir: Path
    compass_home: Path
    log_path: Path
    process: subprocess.Popen[bytes]
    argv: list[str]

    def api(self, path: str, method: str = "GET", timeout: float = 5.0) -> Any:
        """Call the server's REST API and return the decoded JSON (or None)."""
        request = urllib.request.Request(
            f"{self.url}{path}", method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def log_tail(self, lines: int = 40) -> str:
        """Return the end of the server log, for failure messages."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])

    def kernel_state(self, notebook: str) -> str | None:
        """Return the server's view of the notebook's kernel (``"idle"``, ``"busy"``...)."""
        for session in self.api("/api/sessions"):
            if session.get("path") == notebook and session.get("kernel"):
                return str(session["kernel"].get("execution_state"))
        return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stop(server: LabServer) -> None:
    """Shut the server down through its API (kernels too); escalate only if it hangs."""
    if server.process.poll() is None:
        try:
            server.api("/api/shutdown", method="POST")
        except (OSError, urllib.error.URLError):
            pass
        try:
            server.process.wait(timeout=20)
            return
        except subprocess.TimeoutExpired:
            pass
        # The server runs in its own process group (start_new_session), with its kernels.
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            try:
                os.killpg(server.process.pid, sig)
                server.process.wait(timeout=wait)
                return
            except (ProcessLookupError, subprocess.TimeoutExpired):
                continue


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """``test-artifacts/browser/`` at the repo root (git-ignored): logs and screenshots."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory: pytest.TempPathFactory, artifacts: Path) -> Iterator[LabServer]:
    """A JupyterLab server on 127.0.0.1 serving a temporary copy of ``course/``."""
    base = tmp_path_factory.mktemp("jupyterlab")
    root = base / "course"
    if COURSE.is_dir():
        shutil.copytree(COURSE, root,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    else:
        root.mkdir()
    env = dict(os.environ)
    env.update({
        "COMPASS_HOME": str(base / "compass-home"),
        # Private Jupyter folders: no user config, workspaces or history leak in or out.
        "JUPYTER_CONFIG_DIR": str(base / "jupyter-config"),
        "JUPYTER_DATA_DIR": str(base / "jupyter-data"),
        "JUPYTER_RUNTIME_DIR": str(base / "jupyter-runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(base / "lab-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(base / "lab-workspaces"),
        "IPYTHONDIR": str(base / "ipython"),
        "PYTHONUNBUFFERED": "1",
        # The kernel spec runs plain "python": make that this virtualenv's.
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
    })
    port = _free_port()
    # The learner's own command (`compass lab`), on a loopback port with a known token.
    cmd = [*lab_command(root, port=port, open_browser=False),
           "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0",
           f"--IdentityProvider.token={TOKEN}"]
    log_path = artifacts / "jupyter-server.log"
    with log_path.open("wb") as log:
        log.write(("$ " + " ".join(cmd) + "\n").encode())
        log.flush()
        process = subprocess.Popen(cmd, cwd=base, env=env, stdin=subprocess.DEVNULL,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    server = LabServer(url=f"http://127.0.0.1:{port}", token=TOKEN, root_dir=root,
                       compass_home=base / "compass-home", log_path=log_path, process=process,
                       argv=cmd)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"JupyterLab exited with code {process.returncode} before answering "
                            f"/api/status. Log ({log_path}):\n{server.log_tail()}")
            try:
                server.api("/api/status", timeout=2)
                break
            except (OSError, urllib.error.URLError):
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not answer /api/status within "
                                f"{SERVER_START_TIMEOUT:.0f} s. Log ({log_path}):\n"
                                f"{server.log_tail()}")
                time.sleep(0.2)  # polling a socket: nothing in the page to wait on
        yield server
    finally:
        _stop(server)


# -- the browser ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless, launched by Playwright (no downloaded browser)."""
    if not CHROMIUM.exists():
        message = (f"{CHROMIUM} is missing: install Debian's chromium package "
                   "(apt-get install chromium); Playwright's own browsers are not used.")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Lab:
    """One browser context on the JupyterLab server, with the outside world cut off.

    ``blocked`` lists every URL the page tried to fetch from another host; each such
    request was aborted. ``console`` keeps the page's console errors and uncaught
    exceptions, for failure messages.
    """

    def __init__(self, browser: Browser, server: LabServer, name: str, artifacts: Path) -> None:
        self.server = server
        self.name = name
        self.artifacts = artifacts
        self.blocked: list[str] = []
        self.console: list[str] = []
        self.notebooks: list[Notebook] = []
        self.context: BrowserContext = browser.new_context(
            viewport={"width": 1400, "height": 1000},
            service_workers="block",  # so that every request passes the route below
        )
        self.context.set_default_timeout(15_000)
        self.context.route("**/*", self._route)
        self.context.route_web_socket(lambda url: not is_local(url), self._block_socket)

    def _route(self, route: Route) -> None:
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("blockedbyclient")

    def _block_socket(self, socket_route: WebSocketRoute) -> None:
        self.blocked.append(socket_route.url)
        socket_route.close()

    def open(self, path: str) -> Notebook:
        """Open ``path`` (relative to the server root) and wait until its kernel is idle."""
        page = self.context.new_page()
        page.on("console",
                lambda msg: self.console.append(f"console.{msg.type}: {msg.text}")
                if msg.type in ("error", "warning") else None)
        page.on("pageerror", lambda err: self.console.append(f"pageerror: {err}"))
        notebook = Notebook(self, page, path)
        self.notebooks.append(notebook)
        notebook.load()
        return notebook

    def screenshot(self, page: Page, name: str) -> Path:
        path = self.artifacts / f"{name}.png"
        page.screenshot(path=str(path))
        return path

    def close(self) -> None:
        (self.artifacts / f"{self.name}-console.log").write_text("\n".join(self.console) + "\n")
        (self.artifacts / f"{self.name}-blocked-requests.txt").write_text(
            "".join(f"{url}\n" for url in self.blocked))
        self.context.close()


@pytest.fixture(scope="module")
def lab(chromium: Browser, lab_server: LabServer, artifacts: Path,
        request: pytest.FixtureRequest) -> Iterator[Lab]:
    """A browser context on JupyterLab for one test module (notebooks stay open in it)."""
    session = Lab(chromium, lab_server, request.module.__name__.rsplit(".", 1)[-1], artifacts)
    try:
        yield session
    finally:
        session.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


_CALL_FAILED = pytest.StashKey[bool]()


@pytest.fixture(autouse=True)
def _screenshot_on_failure(request: pytest.FixtureRequest) -> Iterator[None]:
    """After a failed test that used ``lab``, keep a picture of every page it had open."""
    yield
    if not request.node.stash.get(_CALL_FAILED, False) or "lab" not in request.fixturenames:
        return
    session: Lab = request.getfixturevalue("lab")
    for number, notebook in enumerate(session.notebooks):
        if not notebook.page.is_closed():
            session.screenshot(notebook.page, f"FAILED-{request.node.name}-{number}")


# -- a notebook in JupyterLab ---------------------------------------------------------

# The notebook panel on show, as a JavaScript expression.
_PANEL = """[...document.querySelectorAll('.jp-NotebookPanel')]
    .find(p => !p.classList.contains('lm-mod-hidden'))"""

_KERNEL_STATE_JS = """() => {
    const dialog = document.querySelector('.jp-Dialog');
    if (dialog) return 'dialog';
    const panel = __PANEL__;
    if (!panel) return null;
    const name = panel.querySelector('.jp-KernelName')?.textContent.trim();
    const status = panel.querySelector('.jp-Notebook-ExecutionIndicator')?.dataset.status;
    return name && name !== 'No Kernel' && status === 'idle' ? 'idle' : null;
}""".replace("__PANEL__", _PANEL)

# Run All marks every queued cell "[*]" at once, so a MutationObserver installed before
# the click is sure to see it, however fast the kernel then is.
_WATCH_RUN_JS = """() => {
    const panel = __PANEL__;
    const state = {sawBusy: false};
    window.__compassRun = state;
    const busy = () => [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
        .some(p => p.textContent.includes('*'));
    const observer = new MutationObserver(() => {
        if (busy()) { state.sawBusy = true; observer.disconnect(); }
    });
    observer.observe(panel, {subtree: true, childList: true, characterData: true});
}""".replace("__PANEL__", _PANEL)

_RUN_DONE_JS = """() => {
    if (document.querySelector('.jp-Dialog')) return 'dialog';
    const panel = __PANEL__;
    const busy = [...panel.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
        .some(p => p.textContent.includes('*'));
    const status = panel.querySelector('.jp-Notebook-ExecutionIndicator')?.dataset.status;
    return window.__compassRun.sawBusy && !busy && status === 'idle' ? 'done' : null;
}""".replace("__PANEL__", _PANEL)

_CELLS_JS = """(panel) => [...panel.querySelectorAll('.jp-Notebook .jp-Cell')].map((cell, i) => ({
    number: i + 1,
    code: cell.classList.contains('jp-CodeCell'),
    prompt: cell.querySelector('.jp-InputPrompt')?.textContent.trim() ?? '',
    source: [...cell.querySelectorAll('.jp-InputArea .cm-line')].map(l => l.textContent)
        .join('\\n'),
    outputs: [...cell.querySelectorAll('.jp-OutputArea-output')].map(o => ({
        mime: o.dataset.mimeType ?? null,
        text: o.innerText,
        widgetError: !!o.querySelector('.jupyter-widgets-error-widget'),
    })),
}))"""

# A chart is a vega-embed container; it is drawn when its SVG holds data marks. An
# anywidget view (altair's JupyterChart) is a bare, empty <div> until its JavaScript has
# loaded and drawn; if that fails, it stays so or ipywidgets swaps in an error view.
_CHARTS_JS = """(root) => {
    const cellOf = el => [...el.closest('.jp-Notebook').querySelectorAll('.jp-Cell')]
        .indexOf(el.closest('.jp-Cell')) + 1;
    const charts = [...root.querySelectorAll('.jp-OutputArea-output .vega-embed')].map(e => ({
        cell: cellOf(e),
        svg: !!e.querySelector('svg.marks'),
        canvas: !!e.querySelector('canvas'),
        marks: e.querySelectorAll('svg.marks .role-mark > *').length,
        title: e.querySelector('svg.marks .role-title-text')?.textContent ?? '',
    }));
    const empty = [...root.querySelectorAll('.jp-OutputArea-output div')]
        .filter(d => d.className === 'lm-Widget' && d.childElementCount === 0)
        .map(d => ({cell: cellOf(d)}));
    const staticFallbacks = [...root.querySelectorAll(
        '.jp-OutputArea-output[data-mime-type="image/svg+xml"]')].map(o => ({cell: cellOf(o)}));
    const broken = [...root.querySelectorAll('.jp-OutputArea-output .jupyter-widgets-error-widget')]
        .map(e => ({cell: cellOf(e)}));
    return {charts, empty, staticFallbacks, broken};
}"""


@dataclass
class CellError:
    """An error shown in a cell's output."""

    cell: int
    prompt: str
    source: str
    text: str

    def __str__(self) -> str:
        head = self.source.strip().splitlines()[0] if self.source.strip() else ""
        tail = self.text.strip()
        if len(tail) > 1500:  # a traceback's cause is at its end
            tail = "..." + tail[-1500:]
        return f"cell {self.cell} {self.prompt} `{head[:80]}`:\n{tail}"


@dataclass
class ChartReport:
    """What the charts in (part of) a notebook look like."""

    charts: list[dict[str, Any]]
    empty: list[dict[str, Any]]
    static_fallbacks: list[dict[str, Any]]
    broken: list[dict[str, Any]]
    problems: list[str] = field(default_factory=list)

    @classmethod
    def from_js(cls, found: dict[str, Any]) -> ChartReport:
        report = cls(found["charts"], found["empty"], found["staticFallbacks"], found["broken"])
        for chart in report.charts:
            where = f"chart in cell {chart['cell']} ({chart['title'] or 'no title'})"
            if chart["canvas"]:
                report.problems.append(f"{where} is drawn on a canvas, not as SVG")
            if not chart["svg"]:
                report.problems.append(f"{where} has no SVG")
            elif chart["marks"] == 0:
                report.problems.append(f"{where} has an SVG with no marks")
        for view in report.empty:
            report.problems.append(f"a widget view in cell {view['cell']} drew nothing "
                                   "(a chart whose JavaScript did not load?)")
        for view in report.broken:
            report.problems.append(f"a widget in cell {view['cell']} failed to display "
                                   "(ipywidgets error view)")
        for view in report.static_fallbacks:
            report.problems.append(f"cell {view['cell']} shows the static SVG picture, "
                                   "not the live chart (widget renderer missing?)")
        return report


class Notebook:
    """A notebook open in JupyterLab, in its own tab and workspace."""

    def __init__(self, lab: Lab, page: Page, path: str) -> None:
        self.lab = lab
        self.page = page
        self.path = path
        #: Dialogs the harness answered, e.g. "Select Kernel" for a notebook with no kernelspec.
        self.dialogs: list[str] = []
        #: Seconds the last Run All took.
        self.run_seconds: float | None = None

    @property
    def panel(self) -> Locator:
        return self.page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")

    def load(self) -> None:
        # A workspace of its own, reset, so no earlier tab or layout is restored.
        workspace = "t" + "".join(c if c.isalnum() else "-" for c in self.path)
        self.page.goto(f"{self.lab.server.url}/lab/workspaces/{workspace}/tree/"
                       f"{quote(self.path)}?reset&token={self.lab.server.token}")
        self.wait_for_kernel_idle()
        self.panel.locator(".jp-Notebook .jp-Cell").first.wait_for()

    def wait_for_kernel_idle(self, timeout: float = KERNEL_IDLE_TIMEOUT) -> None:
        """Wait until the notebook has a kernel and it is idle, answering a kernel dialog.

        Fails, quoting it, on any other dialog.
        """
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        deadline = time.monotonic() + timeout
        while True:
            remaining = max(deadline - time.monotonic(), 0.1) * 1000
            try:
                state = self.page.wait_for_function(_KERNEL_STATE_JS, timeout=remaining)
            except PlaywrightTimeout:
                raise AssertionError(
                    f"{self.path}: the kernel was not idle within {timeout:.0f} s "
                    f"(status bar: {self._status_text()!r}).\nServer log:\n"
                    f"{self.lab.server.log_tail()}") from None
            if state.json_value() == "dialog":
                self._answer_dialog()
                continue
            break
        # The page says idle; make sure the server agrees (it owns the kernel).
        while self.lab.server.kernel_state(self.path) != "idle":
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.path}: the page shows an idle kernel but the "
                                     f"server says {self.lab.server.kernel_state(self.path)!r}")
            self.page.wait_for_timeout(100)

    def _status_text(self) -> str:
        return " | ".join(self.page.locator(".jp-StatusBar-Widget").all_inner_texts())[:300]

    def _answer_dialog(self) -> None:
        dialog = self.page.locator(".jp-Dialog")
        header = dialog.locator(".jp-Dialog-header").inner_text().strip()
        text = " / ".join(dialog.inner_text().split("\n"))
        if header == "Select Kernel":
            chosen = dialog.locator("select").evaluate(
                "s => s.options[s.selectedIndex]?.textContent ?? ''")
            if chosen.startswith("Python 3"):
                self.dialogs.append(f"Select Kernel (answered: {chosen})")
                dialog.locator("button.jp-mod-accept").click()
                dialog.wait_for(state="detached")
                return
        raise AssertionError(f"{self.path}: JupyterLab showed a dialog the harness cannot "
                             f"answer: {text!r}")

    def run_all(self, timeout: float = RUN_ALL_TIMEOUT) -> float:
        """Run > Run All Cells, and wait until no cell is queued and the kernel is idle.

        Returns the time taken, in seconds.
        """
        return self._run_from_menu("Run", "Run All Cells", timeout)

    def restart_and_run_all(self, timeout: float = RUN_ALL_TIMEOUT) -> float:
        """Kernel > Restart Kernel and Run All Cells..., confirm, and wait as :meth:`run_all`.

        What a learner does when a notebook is in a muddle: a new kernel, every cell run
        again from the top. Returns the time taken, in seconds.
        """
        return self._run_from_menu("Kernel", "Restart Kernel and Run All Cells\u2026", timeout,
                                   confirm="Restart Kernel?")

    def _run_from_menu(self, menu: str, item: str, timeout: float,
                       confirm: str | None = None) -> float:
        """Choose ``menu > item``, accept the dialog titled ``confirm`` if given, and wait."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        started = time.monotonic()
        self.page.evaluate(_WATCH_RUN_JS)
        self.page.get_by_role("menuitem", name=menu, exact=True).click()
        self.page.get_by_role("menuitem", name=item, exact=True).click()
        if confirm is not None:
            dialog = self.page.locator(".jp-Dialog")
            header = dialog.locator(".jp-Dialog-header").inner_text().strip()
            if header != confirm:
                text = " / ".join(dialog.inner_text().split("\n"))
                raise AssertionError(f"{self.path}: expected the {confirm!r} dialog after "
                                     f"{menu} > {item}, got: {text!r}")
            dialog.locator("button.jp-mod-accept").click()
            dialog.wait_for(state="detached")
        try:
            outcome = self.page.wait_for_function(_RUN_DONE_JS, timeout=timeout * 1000)
        except PlaywrightTimeout:
            running = [f"cell {c['number']} {c['prompt']} `{c['source'][:80]}`"
                       for c in self.cells() if "*" in c["prompt"]]
            raise AssertionError(
                f"{self.path}: {item} had not finished after {timeout:.0f} s. Still "
                f"running or queued: {running or 'none'}; status bar: "
                f"{self._status_text()!r}") from None
        if outcome.json_value() == "dialog":
            text = " / ".join(self.page.locator(".jp-Dialog").inner_text().split("\n"))
            raise AssertionError(f"{self.path}: a dialog appeared during {item}: {text!r}")
        self.wait_for_kernel_idle()
        self.run_seconds = time.monotonic() - started
        return self.run_seconds

    def cells(self) -> list[dict[str, Any]]:
        """Every cell: number (1-based), prompt, source and outputs (MIME type, text)."""
        result: list[dict[str, Any]] = self.panel.evaluate(_CELLS_JS)
        return result

    def errors(self) -> list[CellError]:
        """Outputs that show an error: stderr, tracebacks, widget or chart failures."""
        found = []
        for cell in self.cells():
            for output in cell["outputs"]:
                text = output["text"] or ""
                if output["widgetError"]:
                    text = f"(ipywidgets error view: the widget failed to display) {text}"
                if (output["mime"] == "application/vnd.jupyter.stderr" or output["widgetError"]
                        or any(marker in text for marker in FAILURE_TEXTS)):
                    found.append(CellError(cell["number"], cell["prompt"], cell["source"], text))
        return found

    def charts(self, within: Locator | None = None,
               timeout: float = CHART_TIMEOUT) -> ChartReport:
        """Wait until every chart (in ``within``, or the notebook) is drawn; report them.

        Charts are drawn after their cell finishes, so this waits (bounded) for each
        vega-embed container to hold an SVG with marks, then reports what it found.
        """
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        root = (within or self.panel).element_handle()
        try:
            self.page.wait_for_function(
                """(root) => {
                    const embeds = [...root.querySelectorAll('.jp-OutputArea-output .vega-embed')];
                    const loading = [...root.querySelectorAll('.jp-OutputArea-output div')]
                        .some(d => d.className === 'lm-Widget' && d.childElementCount === 0);
                    return embeds.length > 0 && !loading && embeds.every(
                        e => e.querySelectorAll('svg.marks .role-mark > *').length > 0);
                }""", arg=root, timeout=timeout * 1000)
        except PlaywrightTimeout:
            pass  # the report below says what is missing
        return ChartReport.from_js(self.page.evaluate(_CHARTS_JS, root))

    def output_with(self, control: Locator) -> Locator:
        """The output area that holds ``control`` (e.g. a widget's dropdown)."""
        return self.panel.locator(".jp-OutputArea-output").filter(has=control)

    def svg_markup(self, within: Locator) -> str:
        """The markup of every chart SVG in ``within``, to compare before and after."""
        markup: list[str] = within.locator("svg.marks").evaluate_all(
            "svgs => svgs.map(s => s.outerHTML)")
        return "\n".join(markup)

    def tab_to(self, control: Locator, max_presses: int = 30, from_cell: bool = True,
               key: str = "Tab") -> int:
        """Move the keyboard focus to ``control`` with Tab, from the top of its cell.

        The cell is focused first, as JupyterLab does when it runs a cell or a learner
        selects it with the arrow keys in command mode; with ``from_cell=False`` the
        presses start wherever the focus is now (``key="Shift+Tab"`` to go back).
        Returns the number of presses.
        """
        target = control.element_handle()
        if from_cell:
            target.evaluate("el => el.closest('.jp-Cell').focus()")
        visited = []
        for presses in range(1, max_presses + 1):
            self.page.keyboard.press(key)
            if target.evaluate("el => el === document.activeElement"):
                return presses
            visited.append(self.page.evaluate(
                "() => { const a = document.activeElement; return a.tagName + "
                "(a.getAttribute('aria-label') || a.title ? ' ' + "
                "(a.getAttribute('aria-label') || a.title) : ''); }"))
        raise AssertionError(f"{self.path}: {max_presses} presses of {key} did not reach the "
                             f"control; focus went through: {visited}")

    def press_and_wait_for_redraw(self, select: Locator, keys: list[str], within: Locator,
                                  timeout: float = REDRAW_TIMEOUT) -> dict[str, Any]:
        """Press ``keys`` on a focused ``<select>``; wait until the charts in ``within`` change.

        Returns the value before and after, and the time in the browser from the
        select's ``change`` event to a new SVG with marks (ms).
        """
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        before_value = select.input_value()
        before_svg = self.svg_markup(within)
        select.evaluate("""el => {
            window.__compassChangeAt = null;
            el.addEventListener('change', () => { window.__compassChangeAt = performance.now(); },
                                {once: true});
        }""")
        for key in keys:
            self.page.keyboard.press(key)
        try:
            handle = self.page.wait_for_function(
                """([root, before]) => {
                    if (window.__compassChangeAt === null) return null;
                    const svgs = [...root.querySelectorAll('svg.marks')];
                    const now = svgs.map(s => s.outerHTML).join('\\n');
                    const drawn = svgs.length > 0 && svgs.every(
                        s => s.querySelectorAll('.role-mark > *').length > 0);
                    return now !== before && drawn
                        ? performance.now() - window.__compassChangeAt : null;
                }""", arg=[within.element_handle(), before_svg], timeout=timeout * 1000)
        except PlaywrightTimeout:
            changed = self.page.evaluate("() => window.__compassChangeAt !== null")
            raise AssertionError(
                f"{self.path}: after pressing {keys} on the select "
                f"(value {before_value!r} -> {select.input_value()!r}, change event "
                f"{'fired' if changed else 'never fired'}), the chart SVG did not change "
                f"within {timeout:.0f} s") from None
        return {"before": before_value, "after": select.input_value(),
                "redraw_ms": float(handle.json_value())}
