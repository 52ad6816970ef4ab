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
- A slider handle (noUiSlider, ``role="slider"``) takes ArrowLeft/ArrowRight, Home/End
  and PageUp/PageDown, which JupyterLab leaves alone. ipywidgets 8.1 names neither the
  handle nor an ``Accordion`` section header (a ``<div>`` that only a mouse can open);
  the course's chart view fixes both in the page (``compass_widgets/widgets/_a11y.py``).
- axe-core 4.14.1 (``npm ci --prefix tests/browser``) is injected from ``node_modules``
  with ``page.add_script_tag``; :meth:`Notebook.axe` runs it over the page and marks
  each failing node as the course's (inside an output) or JupyterLab's.
"""

from __future__ import annotations

import json
import os
import re
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


# -- keyboard, accessibility and pictures of a whole notebook -----------------------------

AXE_JS = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
#: axe-core impacts that fail a test when they are found in the course's own outputs.
AXE_FAILING_IMPACTS = ("serious", "critical")
OUTPUT = ".jp-OutputArea-output"

# Every control in the notebook's outputs, marked with data-compass-control so that the
# keyboard walk can tell which one has the focus. A control is anything the browser (or
# axe-core) counts as focusable, or an ARIA tab (tab bars give the focus to one tab and
# move it with the arrow keys). Its accessible name is computed by axe-core, with the
# W3C algorithm a screen reader uses.
_CONTROLS_JS = """(panel) => {
    const cells = [...panel.querySelectorAll('.jp-Notebook .jp-Cell')];
    const candidates = 'button, select, textarea, input:not([type=hidden]), a[href], '
        + '[tabindex], [contenteditable="true"], [role=slider], [role=tab], [role=button]';
    const kindOf = el => {
        const role = el.getAttribute('role');
        if (el.tagName === 'SELECT') return 'select';
        if (el.tagName === 'TEXTAREA') return 'textbox';
        if (el.tagName === 'INPUT') return ['checkbox', 'radio'].includes(el.type)
            ? el.type : 'textbox';
        if (role === 'slider') return 'slider';
        if (role === 'tab') return 'tab';
        if (role === 'button' && el.hasAttribute('aria-expanded')) return 'section';
        if (el.tagName === 'BUTTON') return el.classList.contains('widget-toggle-button')
            ? 'toggle' : 'button';
        if (el.classList.contains('widget-readout')) return 'slider readout';
        return (role || el.tagName.toLowerCase());
    };
    axe.setup(document);
    try {
        return [...panel.querySelectorAll('.jp-OutputArea-output')].flatMap(output =>
            [...output.querySelectorAll(candidates)].filter(el =>
                el.getAttribute('role') === 'tab' || axe.commons.dom.isFocusable(el)
                || !el.checkVisibility({visibilityProperty: true})  // e.g. in a closed section
            ).map(el => {
                const tool = el.closest('[class*="compass-"]');
                return {el, tool: tool ? [...tool.classList].find(
                    c => c.startsWith('compass-')).slice('compass-'.length) : ''};
            })
        ).map(({el, tool}, index) => {
            el.dataset.compassControl = String(index);
            const hidden = !el.checkVisibility({visibilityProperty: true, opacityProperty: false});
            return {
                index, tool, kind: kindOf(el), tag: el.tagName.toLowerCase(),
                cell: cells.indexOf(el.closest('.jp-Cell')) + 1,
                name: axe.commons.text.accessibleText(el).trim(),
                hidden, disabled: !!el.disabled,
                tabStop: el.tabIndex >= 0 && !hidden && !el.disabled,
                text: (el.innerText || el.value || '').trim().slice(0, 60),
            };
        });
    } finally {
        axe.teardown();
    }
}"""

# Which control has the keyboard focus now: its mark, or where the focus is instead.
_FOCUS_JS = """(cell) => {
    const a = document.activeElement;
    if (a && a.dataset.compassControl !== undefined) return Number(a.dataset.compassControl);
    if (!a || a === document.body) return 'body';
    if (cell.contains(a)) return a.closest('.jp-OutputArea') ? 'output' : 'cell';
    return 'away';
}"""

# A fingerprint of everything a learner can see change in one tool's output, except
# inside ``skip`` (the control being operated, whose own state would always change).
_TOOL_STATE_JS = """([tool, skip]) => {
    const parts = [];
    const walker = document.createTreeWalker(tool, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        if (!skip || !skip.contains(n)) parts.push(n.textContent);
    }
    for (const svg of tool.querySelectorAll('svg.marks')) parts.push(svg.outerHTML);
    for (const el of tool.querySelectorAll('[data-compass-control]')) {
        if (skip && skip.contains(el)) continue;
        parts.push([el.value, el.checked, el.className, el.getAttribute('aria-valuenow'),
                    el.getAttribute('aria-selected')].join('|'));
    }
    return parts.join('\\n');
}"""

_AXE_JS = """async ([includeOutputsOnly]) => {
    const context = includeOutputsOnly
        ? {include: [...document.querySelectorAll('.jp-OutputArea-output')].map(e => [e])}
        : document;
    const started = performance.now();
    const result = await axe.run(context, {resultTypes: ['violations'], elementRef: true});
    const violations = result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
        nodes: v.nodes.map(n => ({
            target: n.target.join(' '),
            html: n.html.slice(0, 300),
            impact: n.impact,
            // Ours: drawn by the course inside an output. The output's own container
            // (e.g. JupyterLab's scrolling box round a wide table) is JupyterLab's.
            ours: !!(n.element && n.element.closest
                     && n.element.closest('.jp-OutputArea-output')
                     && !n.element.matches('.jp-OutputArea-output')),
            summary: (n.failureSummary || '').slice(0, 500),
        })),
    }));
    return {ms: performance.now() - started, version: axe.version, violations};
}"""


@dataclass
class KeyboardWalk:
    """What Tab reached in a notebook's outputs, walking each cell from the top."""

    controls: list[dict[str, Any]]
    #: control index -> presses of Tab from its cell
    reached: dict[int, int]
    #: cell -> where the focus was after each press (control index or where else)
    paths: dict[int, list[int | str]]

    @property
    def tab_stops(self) -> list[dict[str, Any]]:
        return [c for c in self.controls if c["tabStop"]]

    @property
    def unreached(self) -> list[dict[str, Any]]:
        return [c for c in self.tab_stops if c["index"] not in self.reached]

    @property
    def unnamed(self) -> list[dict[str, Any]]:
        return [c for c in self.controls if not c["hidden"] and not c["name"]]

    @property
    def hidden(self) -> list[dict[str, Any]]:
        return [c for c in self.controls if c["hidden"]]

    def kinds(self) -> dict[str, int]:
        """How many controls of each kind the outputs hold (on show or hidden)."""
        counts: dict[str, int] = {}
        for control in self.controls:
            counts[control["kind"]] = counts.get(control["kind"], 0) + 1
        return dict(sorted(counts.items()))


def describe(control: dict[str, Any]) -> str:
    """A control as a learner would find it: kind, name, tool and cell."""
    name = control["name"] or f"no name; text {control['text']!r}"
    where = f"{control['tool']} in cell {control['cell']}" if control["tool"] else (
        f"cell {control['cell']}")
    return f"{control['kind']} <{control['tag']}> ({name}), {where}"


@dataclass
class AxeReport:
    """axe-core's violations on a page, split into the course's outputs and the rest."""

    version: str
    seconds: float
    violations: list[dict[str, Any]]

    def nodes(self, ours: bool, impacts: tuple[str, ...] = AXE_FAILING_IMPACTS
              ) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """(violation, node) pairs of these impacts, inside our outputs or outside them."""
        return [(v, n) for v in self.violations for n in v["nodes"]
                if n["ours"] == ours and (n["impact"] or v["impact"]) in impacts]

    def summary(self, ours: bool, impacts: tuple[str, ...] = AXE_FAILING_IMPACTS) -> list[str]:
        """One line per rule: impact, rule, how many nodes, help text, first target."""
        lines: dict[str, list[str]] = {}
        for violation, node in self.nodes(ours, impacts):
            lines.setdefault(violation["id"], []).append(node["target"])
        by_id = {v["id"]: v for v in self.violations}
        return [f"{by_id[i]['impact']}: {i} x{len(targets)}: {by_id[i]['help']} "
                f"(e.g. {targets[0]})" for i, targets in sorted(lines.items())]




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

    def run_cell(self, number: int, timeout: float = RUN_ALL_TIMEOUT) -> None:
        """Run one cell (1-based) as a learner does: click its prompt, press Shift+Enter."""
        cell = self.panel.locator(".jp-Notebook .jp-Cell").nth(number - 1)
        cell.scroll_into_view_if_needed()
        cell.locator(".jp-InputPrompt").click()
        self.page.keyboard.press("Shift+Enter")
        cell.locator(".jp-InputPrompt").filter(has_text=re.compile(r"\[\d+\]")).wait_for(
            timeout=timeout * 1000)
        self.wait_for_kernel_idle()

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

    def keyboard_walk(self, max_extra: int = 15) -> KeyboardWalk:
        """Press Tab from the top of each cell with controls, and record what it reaches.

        Each cell is focused (as JupyterLab does when it runs a cell) and Tab pressed until
        every control of the cell on show has had the focus, the focus has left the cell,
        or there have been ``max_extra`` more presses than the cell has controls.
        """
        controls = self.mark_controls()
        reached: dict[int, int] = {}
        paths: dict[int, list[int | str]] = {}
        by_cell: dict[int, list[int]] = {}
        for control in controls:
            if control["tabStop"]:
                by_cell.setdefault(control["cell"], []).append(control["index"])
        cells = self.panel.locator(".jp-Notebook .jp-Cell")
        for cell_number, wanted in sorted(by_cell.items()):
            cell = cells.nth(cell_number - 1).element_handle()
            cell.evaluate("el => { el.scrollIntoView({block: 'start'}); el.focus(); }")
            path: list[int | str] = []
            left_output = 0
            for presses in range(1, len(wanted) + max_extra + 1):
                self.page.keyboard.press("Tab")
                where = cell.evaluate(_FOCUS_JS)
                path.append(where)
                if isinstance(where, int):
                    reached.setdefault(where, presses)
                    if all(index in reached for index in wanted):
                        break
                elif where == "away" and any(index in reached for index in wanted):
                    left_output += 1
                    if left_output >= 2:  # the focus has moved on to the next cell
                        break
            paths[cell_number] = path
        return KeyboardWalk(controls, reached, paths)

    def mark_controls(self) -> list[dict[str, Any]]:
        """Mark every control in the outputs and describe it (see ``_CONTROLS_JS``)."""
        self.inject_axe()
        controls: list[dict[str, Any]] = self.panel.evaluate(_CONTROLS_JS)
        return controls

    def inject_axe(self) -> None:
        """Load axe-core (from node_modules, not a CDN) into the page, once."""
        if self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            return
        if not AXE_JS.exists():
            pytest.fail(f"{AXE_JS} is missing: run `npm ci --prefix tests/browser` "
                        "(or `make install-test`)")
        self.page.add_script_tag(path=str(AXE_JS))

    def axe(self, outputs_only: bool = False) -> AxeReport:
        """Run axe-core on the whole page, or only on the notebook's outputs."""
        self.inject_axe()
        found = self.page.evaluate(_AXE_JS, [outputs_only])
        return AxeReport(found["version"], found["ms"] / 1000, found["violations"])

    def tool_state(self, tool: Locator, skip: Locator | None = None) -> str:
        """A fingerprint of what ``tool`` shows, leaving out ``skip`` (see _TOOL_STATE_JS)."""
        state: str = self.page.evaluate(
            _TOOL_STATE_JS, [tool.element_handle(), skip.element_handle() if skip else None])
        return state

    def wait_for_tool_change(self, tool: Locator, before: str, skip: Locator | None = None,
                             timeout: float = REDRAW_TIMEOUT) -> bool:
        """Wait until ``tool`` shows something other than ``before``; False if it never did."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            self.page.wait_for_function(
                f"""([tool, skip, before]) => {{
                    const drawing = [...tool.querySelectorAll('svg.marks')].some(
                        s => s.querySelectorAll('.role-mark > *').length === 0);
                    return !drawing && ({_TOOL_STATE_JS})([tool, skip]) !== before;
                }}""",
                arg=[tool.element_handle(), skip.element_handle() if skip else None, before],
                timeout=timeout * 1000)
        except PlaywrightTimeout:
            return False
        return True

    def picture(self, path: Path, scale: float = 0.6, max_height: int = 30_000) -> Path:
        """Save the whole notebook, top to bottom, as one PNG at ``scale`` (to keep it small).

        JupyterLab scrolls a notebook inside its panel, so a "full page" screenshot shows one
        screenful. The viewport is made as tall as the notebook for the picture (bounded by
        ``max_height`` CSS pixels), then set back.
        """
        import base64

        size = self.page.viewport_size or {"width": 1400, "height": 1000}
        height = int(self.panel.evaluate(
            """panel => {
                const scroller = panel.querySelector('.jp-WindowedPanel-outer') ?? panel;
                return scroller.scrollHeight + panel.getBoundingClientRect().top + 80;
            }"""))
        height = max(size["height"], min(height, max_height))
        self.page.set_viewport_size({"width": size["width"], "height": height})
        try:
            self.panel.evaluate("""panel => {
                const scroller = panel.querySelector('.jp-WindowedPanel-outer');
                if (scroller) scroller.scrollTop = 0;
            }""")
            self.page.wait_for_timeout(500)  # the panel lays out its newly visible cells
            box = self.panel.bounding_box() or {"x": 0, "y": 0, "width": size["width"],
                                                "height": height}
            cdp = self.page.context.new_cdp_session(self.page)
            try:
                shot = cdp.send("Page.captureScreenshot", {
                    "format": "png",
                    "clip": {"x": box["x"], "y": box["y"], "width": box["width"],
                             "height": box["height"], "scale": scale},
                })
            finally:
                cdp.detach()
        finally:
            self.page.set_viewport_size(size)
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def close(self) -> None:
        """Close the notebook's page and shut its kernel down (the server keeps running)."""
        for session in self.lab.server.api("/api/sessions"):
            if session.get("path") == self.path:
                try:
                    self.lab.server.api(f"/api/sessions/{session['id']}", method="DELETE")
                except (OSError, urllib.error.URLError):
                    pass
        if not self.page.is_closed():
            self.page.close()


@pytest.fixture(scope="session")
def course_summary(artifacts: Path) -> Iterator[dict[str, Any]]:
    """Per-module numbers, written to ``summary.json`` when the session ends.

    Tests fill in ``{module: {run_all_s, charts, axe_serious_ours, axe_serious_jupyterlab,
    ...}}``; writing the file never fails the run.
    """
    numbers: dict[str, Any] = {}
    yield numbers
    if not numbers:
        return
    path = artifacts / "summary.json"
    try:
        path.write_text(json.dumps(dict(sorted(numbers.items())), indent=1) + "\n")
    except OSError as error:
        print(f"could not write {path}: {error}")
