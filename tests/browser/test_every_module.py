"""Every course module in a real JupyterLab and Chromium: run, used by keyboard, checked by axe.

Each notebook ``course/NN-*.ipynb`` is copied into the server's temporary root and
opened. A learner's way in comes first: the import cell, the first SelfCheck and the
first Reflection are run one by one (Shift+Enter), and

1. the SelfCheck is answered with Tab, Space and Enter (then Shift+Tab back to another
   answer, Space, Tab, Space), and each answer is saved in the store file;
2. the Reflection is typed, saved when the box loses focus (checked in the store file
   under the server's ``COMPASS_HOME``), and shown again, with the SelfCheck answer,
   after Kernel > Restart Kernel and Run All Cells.

That restart and run is the module's one full run (its seconds are printed as "Run
All" and kept in ``summary.json``); every later test looks at it:

3. no error output (tracebacks, stderr, widgets that failed to load), every code cell run;
4. every chart drawn offline as SVG with marks and a title;
5. every control in the outputs on show (selects, sliders, toggle buttons, checkboxes,
   radios, text boxes, buttons, section headers) reached with Tab from the top of its
   cell, and named for a screen reader (the accessible name axe-core computes);
6. each kind of control in each tool operated with the keyboard alone (focused, then
   keys), with a visible effect: a select changed with ArrowDown (or ArrowUp) on the
   closed list redraws the tool; a slider moved with End (or Home) changes its
   readout and the tool; a toggle button or checkbox chosen with Space and a button
   pressed with Enter change the tool (or, for *Save*, write the store file); a
   section header opened with Enter, and then the controls it showed tried as well;
7. axe-core on the whole page: no serious or critical violation inside the course's
   own outputs (``.jp-OutputArea-output``). Violations in JupyterLab's own interface
   are written to ``test-artifacts/browser/axe-NN.json`` and ``axe-NN.txt`` and
   printed, not failed (one run of axe over the page, its nodes split by where they are);
8. a picture of the whole notebook, top to bottom (``test-artifacts/browser/NN.png``),
   and no request that left the machine.

What the browser showed (JupyterLab 4.6, ipywidgets 8.1, headless Chromium):

- A closed ``<select>`` and a focused radio lose the arrow keys to JupyterLab's
  command-mode shortcuts (ipywidgets issue #3912; see conftest.py); Alt+ArrowDown then
  ArrowDown and Enter, Home and End, and Tab then Space work. ``test_harness.py`` keeps
  a strict xfail that records this for a plain ipywidgets select, and proves that a
  SelfCheck's answers keep their arrow keys.
- A slider handle (noUiSlider) takes ArrowLeft, ArrowRight, Home, End, PageUp and
  PageDown, and JupyterLab leaves those keys alone; but ipywidgets 8.1 gives the handle
  no accessible name (its description is a ``<label>`` tied to nothing), so a screen
  reader said only "slider" (modules 01, 03, 04, 06, 07, 10, 12).
- An ``Accordion`` section header (module 11's full self-assessment) is a ``<div>``
  that answers only a mouse click: Tab never reached it, so the 216 answer buttons in
  closed sections could not be reached from the keyboard at all.
- Vega gives a chart layer whose marks carry no description (an empty layer, a
  reference line drawn at a constant) the role of an image with no name (axe-core
  rule svg-img-alt, serious).

The first three are fixed in the tools by their chart view
(``compass_widgets/widgets/_a11y.py``; a SelfCheck carries the same lines in a hidden
``KeyboardAid``), which gives each dropdown and radio back its arrow keys
(a select here is changed with ArrowDown or ArrowUp alone), names each slider handle
after its description and makes each section header a button (Tab, Enter or Space,
``aria-expanded``); the last by the chart builders.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import pytest

from .conftest import (
    AXE_FAILING_IMPACTS,
    REDRAW_TIMEOUT,
    AxeReport,
    KeyboardWalk,
    Notebook,
    describe,
)

pytestmark = pytest.mark.browser

COURSE = Path(__file__).resolve().parents[2] / "course"
MODULES = sorted(p.name for p in COURSE.glob("[0-9][0-9]-*.ipynb"))
FEEDBACK_TIMEOUT = 15_000  # ms: a key press -> the kernel -> new text in the page
VERDICT = re.compile(r"^(Correct|Not quite)\.$")
LEARNING = frozenset({"selfcheck", "reflection"})
#: Kinds of control a tool is operated with, in the order they are tried.
#: A section goes first: opening it shows more controls to try. Buttons (e.g. *Next
#: event*) and checkboxes (asset types) go before the slider or toggle that could leave
#: them with nothing to do (the last event; the needs map, which shows no asset types).
KINDS = ("section", "select", "button", "checkbox", "toggle", "slider", "tab")


def _expect() -> Any:
    from playwright.sync_api import expect

    return expect


@dataclass
class Module:
    """One course module, open in JupyterLab, and what was found in it."""

    name: str
    notebook: Notebook
    numbers: dict[str, Any]
    walk: KeyboardWalk | None = None
    answered: dict[str, Any] = field(default_factory=dict)
    run_all_seconds: float | None = None

    @property
    def number(self) -> str:
        return self.name[:2]

    def store(self) -> dict[str, Any]:
        """The module's learner store file, read from disk (``{}`` if not written yet)."""
        path = self.notebook.lab.server.compass_home / f"{self.number}.json"
        answers: dict[str, Any] = (json.loads(path.read_text()).get("answers", {})
                                   if path.exists() else {})
        return {key: entry["value"] for key, entry in answers.items()}

    def store_text(self) -> str:
        """The store file as it is on disk, to see whether it was written."""
        path = self.notebook.lab.server.compass_home / f"{self.number}.json"
        return path.read_text() if path.exists() else ""

    def wait_for_a_new_second(self) -> None:
        """Wait, if the store file was written this second, until the next one begins."""
        path = self.notebook.lab.server.compass_home / f"{self.number}.json"
        if path.exists() and int(path.stat().st_mtime) == int(time.time()):
            time.sleep(1.05 - time.time() % 1)

    def run_all(self) -> float:
        """Kernel > Restart Kernel and Run All Cells, once: the module's one full run."""
        if self.run_all_seconds is None:
            self.run_all_seconds = self.notebook.restart_and_run_all()
            self.numbers["run_all_s"] = round(self.run_all_seconds, 1)
            print(f"\n{self.name}: Run All (Kernel > Restart Kernel and Run All Cells) took "
                  f"{self.run_all_seconds:.1f} s")
        return self.run_all_seconds


def learning_cells(name: str) -> list[int]:
    """The cells (1-based) a learner needs for the first SelfCheck and Reflection."""
    cells = nbformat.read(COURSE / name, as_version=4).cells
    code = [(number, cell.source.lstrip()) for number, cell in enumerate(cells, start=1)
            if cell.cell_type == "code"]
    wanted = [next(n for n, s in code if "import" in s and "Reflection" in s),
              next(n for n, s in code if s.startswith("SelfCheck(")),
              next(n for n, s in code if s.startswith("Reflection("))]
    return sorted(wanted)


@pytest.fixture(scope="module", params=MODULES, ids=lambda name: name.removesuffix(".ipynb"))
def course(request: pytest.FixtureRequest, lab: Any, course_summary: dict[str, Any]
           ) -> Iterator[Module]:
    """One course module, opened in JupyterLab, with its self-check and reflection run.

    The learner's way in: the import cell, the first SelfCheck and the first Reflection
    are run one by one (Shift+Enter). The whole notebook is run once, later, by
    :meth:`Module.run_all` (Kernel > Restart Kernel and Run All Cells), which the
    reflection test needs anyway; every later check looks at that run.
    """
    name = request.param
    shutil.copy2(COURSE / name, lab.server.root_dir / name)  # the newest version
    notebook = lab.open(name)
    module = Module(name, notebook, course_summary.setdefault(name[:2], {}))
    try:
        started = time.monotonic()
        for number in learning_cells(name):
            notebook.run_cell(number)
        module.numbers["learning_cells_s"] = round(time.monotonic() - started, 1)
        yield module
    finally:
        notebook.close()  # its kernel too: thirteen idle kernels would crowd the machine


def test_selfcheck_answered_with_the_keyboard(course: Module) -> None:
    expect = _expect()
    notebook, page = course.notebook, course.notebook.page
    check = notebook.panel.locator(".compass-selfcheck").first
    radios = check.get_by_role("radio")
    assert radios.count() >= 2, "the module's first SelfCheck has fewer than two answers"
    button = check.get_by_role("button", name="Check answer", exact=True)
    feedback = check.locator(".widget-html-content").last
    cells_before = len(notebook.cells())
    steps = []
    for number, (radio, back) in enumerate([(radios.nth(0), False), (radios.nth(1), True)]):
        answer = radio.evaluate("el => el.closest('label').textContent.trim()")
        if back:  # from the button, Shift+Tab back through the answers
            presses = notebook.tab_to(radio, from_cell=False, key="Shift+Tab", max_presses=10)
        else:
            presses = notebook.tab_to(radio)
        page.keyboard.press("Space")
        expect(radio).to_be_checked()
        expect(feedback).to_have_text("", timeout=FEEDBACK_TIMEOUT)  # the kernel cleared it
        on = notebook.tab_to(button, from_cell=False, max_presses=10)
        press = "Enter" if number == 0 else "Space"
        page.keyboard.press(press)
        expect(feedback.locator("strong")).to_have_text(VERDICT, timeout=FEEDBACK_TIMEOUT)
        verdict = feedback.locator("strong").inner_text() == "Correct."
        notebook.wait_for_kernel_idle()  # the kernel saves as it shows the feedback
        saved = [key for key, value in course.store().items()
                 if key.startswith("check:") and value == {"answer": answer, "correct": verdict}]
        assert saved, (f"{answer!r} ({'right' if verdict else 'wrong'}) is not saved in "
                       f"{course.number}.json: {course.store()}")
        course.answered = {"key": saved[0], "answer": answer, "correct": verdict}
        steps.append(f"{'Shift+Tab' if back else 'Tab'} x{presses} to {answer[:40]!r}, Space, "
                     f"Tab x{on}, {press}: {'Correct' if verdict else 'Not quite'}")
    assert len(notebook.cells()) == cells_before, "a key press edited the notebook"
    print(f"{course.name}:", *steps, sep="\n  ")


def test_reflection_is_saved_and_shown_again_after_restart(course: Module) -> None:
    expect = _expect()
    notebook, page = course.notebook, course.notebook.page
    reflection = notebook.panel.locator(".compass-reflection").first
    textarea = reflection.get_by_role("textbox", name="Reflection", exact=True)
    status = reflection.locator(".widget-html-content").last
    text = (f"Module {course.number}: we commission by tender and monitor KPIs; next I "
            "would ask the people who use the service what matters to them.")

    presses = notebook.tab_to(textarea)
    page.keyboard.type(text)
    page.keyboard.press("Tab")  # the box loses focus: its value goes to the kernel
    expect(status).to_contain_text("Saved at", timeout=FEEDBACK_TIMEOUT)
    notebook.wait_for_kernel_idle()
    saved = [key for key, value in course.store().items()
             if key.startswith("reflection:") and value == text]
    assert saved, f"the reflection is not saved in {course.number}.json: {course.store()}"

    seconds = course.run_all()

    # A new kernel (the prompts count from 1 again) drew new widgets from the store.
    prompts = [cell["prompt"] for cell in notebook.cells() if cell["code"]]
    numbered = [p for p in prompts if p not in ("", "[ ]:")]
    assert numbered and numbered[0] == "[1]:", f"the kernel was not restarted: {prompts}"
    assert numbered == [f"[{n}]:" for n in range(1, len(numbered) + 1)], prompts
    expect(textarea).to_have_value(text)
    expect(status).to_contain_text("Your saved reflection (saved ")
    if course.answered:  # the self-check above was answered: it is shown again too
        check = notebook.panel.locator(".compass-selfcheck").first
        expect(check.get_by_role("radio", name=course.answered["answer"], exact=True)
               ).to_be_checked()
        verdict = "Correct." if course.answered["correct"] else "Not quite."
        expect(check.locator(".widget-html-content").last).to_contain_text(verdict)
    errors = notebook.errors()
    assert not errors, "error output:\n\n" + "\n\n".join(map(str, errors))
    report = notebook.charts()
    assert not report.problems, "after the restart:\n" + "\n".join(report.problems)
    print(f"{course.name}: Tab x{presses} to the reflection, typed, Tab: saved as "
          f"{saved[0]!r}; Restart Kernel and Run All Cells took {seconds:.1f} s; shown again")


def test_runs_without_error_output(course: Module) -> None:
    course.run_all()
    notebook = course.notebook
    assert notebook.dialogs == [], "JupyterLab asked for a kernel: set the kernelspec"
    errors = notebook.errors()
    assert not errors, "error output:\n\n" + "\n\n".join(map(str, errors))
    unrun = [cell["number"] for cell in notebook.cells()
             if cell["code"] and cell["source"].strip() and cell["prompt"] in ("", "[ ]:")]
    assert not unrun, f"code cells that did not run: {unrun}"


def test_charts_are_drawn_offline_as_svg(course: Module) -> None:
    course.run_all()
    notebook = course.notebook
    report = notebook.charts()
    course.numbers["charts"] = len(report.charts)
    assert not report.problems, "\n".join(report.problems)
    assert report.charts, "no chart was drawn"
    untitled = [chart["cell"] for chart in report.charts if not chart["title"].strip()]
    assert not untitled, f"charts with no title, in cells {untitled}"
    assert notebook.page.get_by_text("Error loading script").count() == 0
    print(f"{course.name}: {len(report.charts)} charts:",
          [(chart["cell"], chart["title"]) for chart in report.charts])


def test_every_control_is_reached_with_tab_and_named(course: Module) -> None:
    course.run_all()
    notebook = course.notebook
    cells_before = len(notebook.cells())
    walk = course.walk = notebook.keyboard_walk()
    course.numbers["controls"] = len(walk.controls)
    course.numbers["controls_hidden"] = len(walk.hidden)
    print(f"{course.name}: {len(walk.tab_stops)} controls on show, all kinds {walk.kinds()}; "
          f"{len(walk.hidden)} hidden (closed sections, other tabs); most presses from a "
          f"cell: {max(walk.reached.values(), default=0)}")
    assert len(notebook.cells()) == cells_before, "a Tab press edited the notebook"
    assert walk.tab_stops, "no control in the outputs"
    problems = [f"Tab does not reach {describe(c)}; focus went through "
                f"{walk.paths.get(c['cell'], [])[:40]}" for c in walk.unreached]
    problems += [f"no accessible name: {describe(c)}" for c in walk.unnamed]
    # Controls out of sight (a closed section, another tab) need a way in by keyboard.
    for tool in sorted({c["tool"] for c in walk.hidden if c["tool"]}):
        ways_in = [c for c in walk.controls if c["tool"] == tool
                   and c["kind"] in ("section", "tab") and not c["hidden"]]
        if not ways_in:
            problems.append(f"{tool}: {sum(c['tool'] == tool for c in walk.hidden)} controls "
                            "are hidden and no section header or tab on show, reachable by "
                            "keyboard, shows them")
    assert not problems, "\n".join(problems)


def _mark(notebook: Notebook, control: dict[str, Any]) -> Any:
    """The control's element, marked again if the tool has drawn it anew since the walk."""
    element = notebook.panel.locator(f"[data-compass-control='{control['index']}']")
    if element.count() == 1:
        return element
    for now in notebook.mark_controls():
        if all(now[k] == control[k] for k in ("tool", "cell", "kind", "name")):
            control["index"] = now["index"]
            return notebook.panel.locator(f"[data-compass-control='{now['index']}']")
    raise AssertionError(f"{describe(control)} is no longer in the page")


def _operate(course: Module, control: dict[str, Any]) -> str:
    """Operate one control with the keyboard; return what changed ('' if nothing).

    What counts as a change: the tool shows something else (text, a chart, another
    control's state), or, for a button, the learner store file was written.
    """
    notebook = course.notebook
    page = notebook.page
    stored = course.store_text()
    element = _mark(notebook, control)
    mark = f"[data-compass-control='{control['index']}']"
    tool = notebook.panel.locator(f".compass-{control['tool']}").filter(
        has=notebook.page.locator(mark))
    skip = element.locator("xpath=ancestor-or-self::*[contains(concat(' ', @class, ' '), "
                           "' jupyter-widgets ')][1]")
    kind = control["kind"]
    before = notebook.tool_state(tool, skip)
    element.focus()
    if kind == "select":
        # The arrow key on the closed list: the tools give it back from JupyterLab.
        # (test_harness.py proves the other ways: Alt+ArrowDown or Space, then the
        # arrow and Enter; End.)
        last = element.evaluate("s => s.selectedIndex === s.options.length - 1")
        keys = ["ArrowUp" if last else "ArrowDown"]
        value = element.input_value()
        page.keyboard.press(keys[0])
        if element.input_value() == value:
            return ""
        effect = f"{value!r} -> {element.input_value()!r}"
    elif kind == "slider":
        at_end = element.evaluate(
            "h => h.getAttribute('aria-valuenow') === h.getAttribute('aria-valuemax')")
        key = "Home" if at_end else "End"
        readout = element.locator(
            "xpath=ancestor::*[contains(concat(' ', @class, ' '), ' widget-slider ')][1]"
        ).locator(".widget-readout")
        shown = readout.inner_text()
        page.keyboard.press(key)
        try:
            _expect()(readout).not_to_have_text(shown, timeout=2_000)
        except AssertionError:
            return ""
        keys = [key]
        effect = f"readout {shown!r} -> {readout.inner_text()!r}"
    elif kind in ("toggle", "checkbox", "button"):
        keys = ["Enter" if kind == "button" else "Space"]
        if kind == "button":  # a save stamps the second: let the last one's second pass
            course.wait_for_a_new_second()
            stored = course.store_text()
        checked = element.evaluate("el => el.checked ?? el.classList.contains('mod-active')")
        page.keyboard.press(keys[0])
        effect = "pressed"
        if kind != "button":
            now = element.evaluate("el => el.checked ?? el.classList.contains('mod-active')")
            if now == checked:
                return ""
            effect = f"{'on' if now else 'off'}"
    elif kind == "section":  # an accordion header: opens or closes, in the page only
        expanded = element.get_attribute("aria-expanded")
        page.keyboard.press("Enter")
        try:
            _expect()(element).not_to_have_attribute("aria-expanded", expanded or "",
                                                     timeout=2_000)
        except AssertionError:
            return ""
        return f"Enter: aria-expanded {expanded} -> {element.get_attribute('aria-expanded')}"
    elif kind == "tab":  # from the chosen tab, the arrow moves on and Enter chooses
        chosen = tool.locator("[role=tab][aria-selected=true]")
        if chosen.count() != 1:
            return ""
        was = chosen.inner_text()
        chosen.focus()
        keys = ["ArrowRight", "Enter"]
        for key in keys:
            page.keyboard.press(key)
        try:
            _expect()(chosen).not_to_have_text(was, timeout=2_000)
        except AssertionError:
            return ""
        return f"{'+'.join(keys)}: tab {was!r} -> {chosen.inner_text()!r}"
    else:
        return ""
    if not notebook.wait_for_tool_change(tool, before, skip,
                                         timeout=5 if kind == "button" else REDRAW_TIMEOUT):
        notebook.wait_for_kernel_idle()
        if kind == "button" and course.store_text() != stored:
            return f"{'+'.join(keys)}: {effect}; the store file was written"
        return ""
    notebook.wait_for_kernel_idle()
    return f"{'+'.join(keys)}: {effect}; the tool redrew"


def test_each_tool_works_from_the_keyboard(course: Module) -> None:
    course.run_all()
    notebook = course.notebook
    if course.walk is None:
        course.walk = notebook.keyboard_walk()
    cells_before = len(notebook.cells())
    tools: dict[tuple[str, int], dict[str, list[dict[str, Any]]]] = {}
    for control in course.walk.controls:
        if control["tool"] and control["tool"] not in LEARNING and control["kind"] in KINDS:
            usable = control["tabStop"] or (control["kind"] == "tab" and not control["hidden"])
            if usable:
                kinds = tools.setdefault((control["tool"], control["cell"]), {})
                kinds.setdefault(control["kind"], []).append(control)
    done, failed = [], []
    for (tool, cell), kinds in tools.items():
        for kind in KINDS:
            candidates = kinds.get(kind, [])
            if kind == "toggle":  # a choice not already made
                candidates = [c for c in candidates if "mod-active" not in (
                    _mark(notebook, c).get_attribute("class") or "")]
            for control in candidates[:3]:
                effect = _operate(course, control)
                if effect:
                    done.append(f"{tool} (cell {cell}): {kind} {control['name']!r}: {effect}")
                    if kind == "section":  # its controls are on show now: try them too
                        for now in notebook.mark_controls():
                            if (now["tool"], now["cell"]) == (tool, cell) and now["tabStop"]:
                                same = kinds.setdefault(now["kind"], [])
                                if all(c["name"] != now["name"] for c in same):
                                    same.append(now)
                    break
            else:
                if candidates:
                    failed.append(f"{tool} (cell {cell}): no {kind} changed anything from the "
                                  f"keyboard; tried {[c['name'] for c in candidates[:3]]}")
    print(f"{course.name}:", *done, sep="\n  ")
    assert tools, "no tool with controls in the outputs"
    assert len(notebook.cells()) == cells_before, "a key press edited the notebook"
    errors = notebook.errors()
    assert not errors, "error output:\n\n" + "\n\n".join(map(str, errors))
    assert not failed, "\n".join(failed)


def _write_axe_report(path: Path, name: str, report: AxeReport) -> list[str]:
    """Write the full axe-core result as JSON and a readable summary beside it."""
    lines = [f"axe-core {report.version} on {name} in JupyterLab ({report.seconds:.1f} s)", ""]
    for ours, title in ((True, "In the course's outputs"),
                        (False, "In JupyterLab's own interface")):
        lines.append(f"{title} (serious or critical):")
        lines += [f"  {line}" for line in report.summary(ours)] or ["  none"]
        lines.append(f"{title} (moderate or minor):")
        lines += [f"  {line}" for line in report.summary(ours, ("moderate", "minor"))] or ["  none"]
        lines.append("")
    path.with_suffix(".json").write_text(json.dumps(
        {"module": name, "axe_version": report.version, "seconds": round(report.seconds, 2),
         "violations": report.violations}, indent=1))
    path.with_suffix(".txt").write_text("\n".join(lines))
    return lines


def test_no_serious_accessibility_violations_in_outputs(course: Module, artifacts: Path) -> None:
    course.run_all()
    notebook = course.notebook
    report = notebook.axe()
    ours, theirs = report.nodes(ours=True), report.nodes(ours=False)
    course.numbers["axe_serious_ours"] = len(ours)
    course.numbers["axe_serious_jupyterlab"] = len(theirs)
    course.numbers["axe_rules_jupyterlab"] = sorted({v["id"] for v, _ in theirs})
    lines = _write_axe_report(artifacts / f"axe-{course.number}", course.name, report)
    print("\n".join(lines))
    assert not ours, (f"axe-core found {AXE_FAILING_IMPACTS} violations in the course's "
                      "outputs:\n" + "\n".join(
                          f"{v['impact']}: {v['id']} ({v['help']}) at {n['target']}: "
                          f"{n['html'][:160]}" for v, n in ours))


def test_whole_notebook_picture_and_nothing_left_the_machine(course: Module, lab: Any,
                                                               artifacts: Path) -> None:
    course.run_all()
    path = course.notebook.picture(artifacts / f"{course.number}.png")
    course.numbers["picture_kb"] = round(path.stat().st_size / 1024)
    assert path.stat().st_size > 10_000, f"{path} is too small to show the notebook"
    assert lab.blocked == [], f"requests to other hosts (aborted): {lab.blocked}"
