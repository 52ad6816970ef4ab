"""One course module in the Notebook 7 interface, served by the same offline server.

``compass lab`` starts JupyterLab's server, which also loads the ``notebook`` server
extension (``jupyter server extension list``), so the classic-looking Notebook 7
interface is at ``/notebooks/<path>`` on the same server, with the same offline
options. Notebook 7 is built from JupyterLab's parts: a notebook is a
``.jp-NotebookPanel`` with the same cells, outputs, kernel indicator and Run and
Kernel menus, so the harness's :class:`~tests.browser.conftest.Notebook` drives it once
it has loaded the page at the other address. What differs (found by looking at the
page): one notebook per browser tab, no file browser or side panels, and no
``/lab/workspaces``.

Module 02 (the DemandAnalyser: dropdowns, a number box, toggle buttons and two live
charts) is run with Run > Run All Cells; its charts must be drawn offline as SVG, with
no error output, no request leaving the machine, and no serious or critical axe-core
violation in its outputs.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from .conftest import Notebook

pytestmark = pytest.mark.browser

NOTEBOOK = "02-failure-demand.ipynb"
SOURCE = Path(__file__).resolve().parents[2] / "course" / NOTEBOOK


class Notebook7(Notebook):
    """A notebook open in the Notebook 7 interface (``/notebooks/<path>``)."""

    def load(self) -> None:
        self.page.goto(f"{self.lab.server.url}/notebooks/{quote(self.path)}"
                       f"?token={self.lab.server.token}")
        self.wait_for_kernel_idle()
        self.panel.locator(".jp-Notebook .jp-Cell").first.wait_for()


@pytest.fixture(scope="module")
def notebook7(lab: Any) -> Any:
    """Module 02 in Notebook 7, run top to bottom with Run > Run All Cells."""
    shutil.copy2(SOURCE, lab.server.root_dir / NOTEBOOK)
    page = lab.context.new_page()
    page.on("console", lambda msg: lab.console.append(f"console.{msg.type}: {msg.text}")
            if msg.type in ("error", "warning") else None)
    page.on("pageerror", lambda err: lab.console.append(f"pageerror: {err}"))
    notebook = Notebook7(lab, page, NOTEBOOK)
    lab.notebooks.append(notebook)
    notebook.load()
    notebook.run_all()
    yield notebook
    notebook.close()


def test_notebook7_serves_the_notebook_interface(notebook7: Notebook7) -> None:
    page = notebook7.page
    assert "/notebooks/" in page.url
    assert page.locator("#main-panel, .jp-NotebookPanel").count() >= 1
    # Not JupyterLab: no file browser side bar and no lab workspace in the address.
    assert page.locator(".jp-FileBrowser").count() == 0
    assert "/lab" not in page.url


def test_notebook7_runs_and_draws_offline(notebook7: Notebook7, lab: Any,
                                          course_summary: dict[str, Any]) -> None:
    assert notebook7.dialogs == [], "Notebook 7 asked for a kernel: set the kernelspec"
    errors = notebook7.errors()
    assert not errors, "error output:\n\n" + "\n\n".join(map(str, errors))
    unrun = [cell["number"] for cell in notebook7.cells()
             if cell["code"] and cell["source"].strip() and cell["prompt"] in ("", "[ ]:")]
    assert not unrun, f"code cells that did not run: {unrun}"
    report = notebook7.charts()
    assert not report.problems, "\n".join(report.problems)
    assert report.charts, "no chart was drawn"
    analyser = notebook7.panel.locator(".compass-demand-analyser")
    assert analyser.count() == 1, "the DemandAnalyser is not shown"
    assert notebook7.charts(within=analyser).charts, "the DemandAnalyser drew no chart"
    lab.screenshot(notebook7.page, "notebook7-02")
    numbers = course_summary.setdefault("02-notebook7", {})
    numbers.update(run_all_s=round(notebook7.run_seconds or 0.0, 1), charts=len(report.charts))
    print(f"Notebook 7, {NOTEBOOK}: Run All took {notebook7.run_seconds:.1f} s, "
          f"{len(report.charts)} charts")
    assert lab.blocked == [], f"requests to other hosts (aborted): {lab.blocked}"


def test_notebook7_outputs_pass_axe(notebook7: Notebook7, artifacts: Path,
                                    course_summary: dict[str, Any]) -> None:
    report = notebook7.axe()
    ours, theirs = report.nodes(ours=True), report.nodes(ours=False)
    numbers = course_summary.setdefault("02-notebook7", {})
    numbers.update(axe_serious_ours=len(ours), axe_serious_notebook7=len(theirs))
    (artifacts / "axe-02-notebook7.json").write_text(json.dumps(
        {"module": NOTEBOOK, "interface": "Notebook 7", "axe_version": report.version,
         "violations": report.violations}, indent=1))
    summary = report.summary(ours=False)
    (artifacts / "axe-02-notebook7.txt").write_text(
        "Notebook 7's own interface (serious or critical):\n"
        + "".join(f"  {line}\n" for line in summary or ["none"]))
    print("Notebook 7's own interface:", *summary or ["none"], sep="\n  ")
    assert not ours, "\n".join(f"{v['impact']}: {v['id']} ({v['help']}) at {n['target']}"
                               for v, n in ours)
