"""Module 00's learning widgets, SelfCheck and Reflection, in a real JupyterLab and Chromium.

The notebook is run top to bottom as a learner would, in a temporary copy of
``course/``, with the server's own ``COMPASS_HOME``. What is checked is what only a
browser shows: a self-check answered with the keyboard alone gives the right feedback
and is saved to the learner store; a reflection typed into the page is saved when the
box loses focus, and is shown again after Kernel > Restart Kernel and Run All Cells.

The keyboard route to a SelfCheck answer in JupyterLab 4.6 (the notebook in command
mode, as it is whenever the focus is in a cell's output), checked in headless Chromium:

- ipywidgets draws ``RadioButtons`` as ``<input type="radio">`` elements with no
  ``name``, so each radio is a Tab stop of its own: Tab (or Shift+Tab) moves from one
  answer to the next, then on to *Check answer*.
- Space on a focused radio chooses it. Enter or Space on the focused button presses it
  (JupyterLab binds Enter only on a focused cell, and Space not at all).
- The arrow keys do *not* change the answer: JupyterLab's command-mode bindings
  (``.jp-Notebook.jp-mod-commandMode:not(.jp-mod-readWrite) :focus``) take them from
  the radio and move to another cell, as they do for a closed ``<select>`` (ipywidgets
  issue #3912). JupyterLab exempts only a focused element matching ``:read-write``, or
  one that itself carries ``data-lm-suppress-shortcuts`` (the attribute on an ancestor
  is too late: the focused radio matches the selector first). With that attribute on
  the ``<input>`` elements, ArrowDown does move to and choose the next answer. But
  Python can only add CSS classes to a widget's outer element (``add_class``), not
  attributes to the inputs inside it, so there is no clean fix from the widget without
  a JavaScript extension; ``test_arrow_keys_change_the_answer`` records the gap.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

NOTEBOOK = "00-orientation.ipynb"
SOURCE = Path(__file__).resolve().parents[2] / "course" / NOTEBOOK
MODULE = "00"

RIGHT = "They are still there: the course saves them as you go"
WRONG = "They are lost unless you save the notebook with Ctrl + S"
REFLECTION = ("We commission by tender on three-year contracts, monitored on KPIs. "
              "I would like longer relationships with local providers.")
FEEDBACK_TIMEOUT = 15_000  # ms: a click -> the kernel -> new feedback in the page


def _expect() -> Any:
    from playwright.sync_api import expect

    return expect


def store_file(lab_server: Any) -> dict[str, Any]:
    """Module 00's learner store file under the server's COMPASS_HOME, read from disk."""
    path = lab_server.compass_home / f"{MODULE}.json"
    return json.loads(path.read_text()) if path.exists() else {}


def saved(lab_server: Any, key: str) -> Any:
    """The value saved under ``key`` in module 00's store file."""
    answers = store_file(lab_server).get("answers", {})
    assert key in answers, (f"{key!r} is not saved in {lab_server.compass_home}/{MODULE}.json: "
                            f"{sorted(answers)}")
    return answers[key]["value"]


@pytest.fixture(scope="module")
def module00(lab):
    """Module 00, opened in JupyterLab and run top to bottom."""
    if not SOURCE.exists():
        pytest.skip(f"course/{NOTEBOOK} does not exist yet")
    shutil.copy2(SOURCE, lab.server.root_dir / NOTEBOOK)  # the newest version
    nb = lab.open(NOTEBOOK)
    nb.run_all()
    return nb


@pytest.fixture
def selfcheck(module00):
    """The 'saving' SelfCheck's output (one in module 00)."""
    found = module00.panel.locator(".compass-selfcheck")
    assert found.count() == 1, f"expected one SelfCheck, found {found.count()}"
    return found


@pytest.fixture
def reflection(module00):
    """The 'starting-point' Reflection's output (one in module 00)."""
    found = module00.panel.locator(".compass-reflection")
    assert found.count() == 1, f"expected one Reflection, found {found.count()}"
    return found


def test_module00_runs_without_error_output(module00):
    assert module00.dialogs == [], "JupyterLab asked for a kernel: set the kernelspec"
    errors = module00.errors()
    assert not errors, "error output:\n\n" + "\n\n".join(map(str, errors))
    prompts = [cell["prompt"] for cell in module00.cells() if cell["code"]]
    assert prompts == ["[1]:", "[2]:", "[3]:", "[4]:", "[5]:"]
    print(f"Run All took {module00.run_seconds:.1f} s")


def test_selfcheck_answered_with_the_keyboard_only(module00, selfcheck, lab_server):
    expect = _expect()
    page = module00.page
    right = selfcheck.get_by_role("radio", name=RIGHT, exact=True)
    wrong = selfcheck.get_by_role("radio", name=WRONG, exact=True)
    button = selfcheck.get_by_role("button", name="Check answer", exact=True)
    feedback = selfcheck.locator(".widget-html-content").last
    cells_before = len(module00.cells())

    # A wrong answer: Tab to it, Space chooses it, Tab on past the last answer to the
    # button, Enter presses it.
    presses = module00.tab_to(wrong)
    page.keyboard.press("Space")
    expect(wrong).to_be_checked()
    assert module00.tab_to(button, from_cell=False) == 2, "each radio should be a Tab stop"
    page.keyboard.press("Enter")
    expect(feedback).to_contain_text("Not quite.", timeout=FEEDBACK_TIMEOUT)
    expect(feedback).not_to_contain_text("Correct.")
    module00.wait_for_kernel_idle()  # the kernel saves as it shows the feedback
    assert saved(lab_server, "check:saving") == {"answer": WRONG, "correct": False}

    # The right answer: Shift+Tab back to it, Space, Tab to the button, Space presses it.
    back = module00.tab_to(right, from_cell=False, key="Shift+Tab", max_presses=5)
    page.keyboard.press("Space")
    expect(right).to_be_checked()
    expect(wrong).not_to_be_checked()
    expect(feedback).to_have_text("", timeout=FEEDBACK_TIMEOUT)  # the kernel cleared it
    on = module00.tab_to(button, from_cell=False)
    page.keyboard.press("Space")
    expect(feedback).to_contain_text("Correct.", timeout=FEEDBACK_TIMEOUT)
    module00.wait_for_kernel_idle()
    assert saved(lab_server, "check:saving") == {"answer": RIGHT, "correct": True}

    assert len(module00.cells()) == cells_before, "a key press edited the notebook"
    errors = module00.errors()
    assert not errors, "error output:\n\n" + "\n\n".join(map(str, errors))
    selfcheck.screenshot(path=str(module00.lab.artifacts / "module00-selfcheck-answered.png"))
    print(f"Tab x{presses} from the cell to {WRONG!r}, Space, Tab x2, Enter; "
          f"Shift+Tab x{back} to {RIGHT!r}, Space, Tab x{on}, Space")


@pytest.mark.xfail(reason="JupyterLab command mode takes the arrow keys from a focused radio "
                          "(moves to another cell), as for a closed <select>: ipywidgets "
                          "issue #3912. Only data-lm-suppress-shortcuts on the <input> itself "
                          "would exempt it, and Python cannot set that attribute.",
                   raises=AssertionError, strict=True)
def test_arrow_keys_change_the_answer(module00, selfcheck):
    expect = _expect()
    radios = selfcheck.get_by_role("radio")
    first, second = radios.nth(0), radios.nth(1)
    module00.tab_to(first)
    module00.page.keyboard.press("ArrowDown")
    expect(second).to_be_focused(timeout=2_000)
    expect(second).to_be_checked(timeout=2_000)


def test_reflection_is_saved_and_shown_again_after_restart(module00, reflection, lab_server):
    expect = _expect()
    page = module00.page
    textarea = reflection.get_by_role("textbox", name="Reflection", exact=True)
    status = reflection.locator(".widget-html-content").last

    textarea.click()
    page.keyboard.type(REFLECTION)
    page.keyboard.press("Tab")  # the box loses focus: its value goes to the kernel
    expect(status).to_contain_text("Saved at", timeout=FEEDBACK_TIMEOUT)
    module00.wait_for_kernel_idle()
    assert saved(lab_server, "reflection:starting-point") == REFLECTION

    seconds = module00.restart_and_run_all()

    # A new kernel (the prompts count from 1 again) drew new widgets from the store.
    prompts = [cell["prompt"] for cell in module00.cells() if cell["code"]]
    assert prompts == ["[1]:", "[2]:", "[3]:", "[4]:", "[5]:"], "the kernel was not restarted"
    assert textarea.count() == 1
    expect(textarea).to_have_value(REFLECTION)
    expect(status).to_contain_text("Your saved reflection (saved ")
    check = module00.panel.locator(".compass-selfcheck")
    answer = store_file(lab_server)["answers"].get("check:saving", {}).get("value")
    if answer:  # the self-check above was answered: it is shown again too
        expect(check.get_by_role("radio", name=answer["answer"], exact=True)).to_be_checked()
        verdict = "Correct." if answer["correct"] else "Not quite."
        expect(check.locator(".widget-html-content").last).to_contain_text(verdict)
    errors = module00.errors()
    assert not errors, "error output:\n\n" + "\n\n".join(map(str, errors))
    reflection.screenshot(path=str(module00.lab.artifacts / "module00-reflection-restored.png"))
    module00.lab.screenshot(page, "module00")
    print(f"Restart Kernel and Run All Cells took {seconds:.1f} s")


def test_module00_contacted_no_other_host(module00, lab):
    # Run last in this module: everything above has loaded by now.
    assert lab.blocked == [], f"requests to other hosts (aborted): {lab.blocked}"
