"""Every course module in a real JupyterLab and Chromium, run top to bottom.

Modules 00 and 02 have their own, deeper browser tests (keyboard, saving, redrawing);
here every other module is opened in a temporary copy of ``course/``, run with
Run > Run All Cells as a learner would, and checked for what only a browser shows:
no error output (tracebacks, stderr, widgets that failed to load), every code cell
run, and every chart drawn offline as SVG with marks, with no request leaving the
machine. A screenshot of each module is kept with the test artefacts.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

COURSE = Path(__file__).resolve().parents[2] / "course"
OWN_TESTS = {"00-orientation.ipynb", "02-failure-demand.ipynb"}
MODULES = sorted(p.name for p in COURSE.glob("[0-9][0-9]-*.ipynb") if p.name not in OWN_TESTS)


@pytest.mark.parametrize("name", MODULES)
def test_module_runs_and_draws_offline(lab, name):
    shutil.copy2(COURSE / name, lab.server.root_dir / name)  # the newest version
    notebook = lab.open(name)
    notebook.run_all()
    assert notebook.dialogs == [], "JupyterLab asked for a kernel: set the kernelspec"
    errors = notebook.errors()
    assert not errors, "error output:\n\n" + "\n\n".join(map(str, errors))
    unrun = [cell["number"] for cell in notebook.cells()
             if cell["code"] and cell["source"].strip() and cell["prompt"] in ("", "[ ]:")]
    assert not unrun, f"code cells that did not run: {unrun}"
    report = notebook.charts()
    assert not report.problems, "\n".join(report.problems)
    assert report.charts, "no chart was drawn"
    assert notebook.page.get_by_text("Error loading script").count() == 0
    lab.screenshot(notebook.page, name.removesuffix(".ipynb"))
    assert lab.blocked == [], f"requests that tried to leave the machine: {lab.blocked}"
    print(f"{name}: Run All took {notebook.run_seconds:.1f} s, {len(report.charts)} charts")
