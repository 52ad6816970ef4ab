"""Module 02 (value demand and failure demand) in a real JupyterLab and Chromium.

The notebook is run top to bottom as a learner would (Run > Run All Cells), in a
temporary copy of ``course/``. What is checked is what only a browser shows: no error
output, every chart drawn offline as SVG, and the ``DemandAnalyser``'s *Service*
dropdown working from the keyboard and redrawing its charts.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

NOTEBOOK = "02-failure-demand.ipynb"
SOURCE = Path(__file__).resolve().parents[2] / "course" / NOTEBOOK

# Open the list, move to the next option, confirm: the keyboard gesture for a <select>
# that JupyterLab's command-mode shortcuts leave alone (a bare ArrowDown moves to the
# next cell instead; see conftest.py).
NEXT_OPTION = ["Alt+ArrowDown", "ArrowDown", "Enter"]


@pytest.fixture(scope="module")
def module02(lab):
    """Module 02, opened in JupyterLab and run top to bottom."""
    if not SOURCE.exists():
        pytest.skip(f"course/{NOTEBOOK} does not exist yet")
    shutil.copy2(SOURCE, lab.server.root_dir / NOTEBOOK)  # the newest version
    nb = lab.open(NOTEBOOK)
    nb.run_all()
    return nb


@pytest.fixture(scope="module")
def service(module02):
    """The DemandAnalyser's Service dropdown (found by its accessible name)."""
    select = module02.page.get_by_role("combobox", name="Service", exact=True)
    assert select.count() == 1, f"expected one Service dropdown, found {select.count()}"
    return select


def test_module02_runs_without_error_output(module02):
    assert module02.dialogs == [], "JupyterLab asked for a kernel: set the kernelspec"
    errors = module02.errors()
    assert not errors, "error output:\n\n" + "\n\n".join(map(str, errors))
    unrun = [cell["number"] for cell in module02.cells()
             if cell["code"] and cell["source"].strip() and cell["prompt"] in ("", "[ ]:")]
    assert not unrun, f"code cells that did not run: {unrun}"
    print(f"Run All took {module02.run_seconds:.1f} s")


def test_module02_charts_are_drawn_offline_as_svg(module02):
    report = module02.charts()
    assert not report.problems, "\n".join(report.problems)
    assert report.charts, "no chart was drawn"
    untitled = [chart["cell"] for chart in report.charts if not chart["title"].strip()]
    assert not untitled, f"charts with no title, in cells {untitled}"
    assert module02.page.get_by_text("Error loading script").count() == 0
    print("charts:", [(chart["cell"], chart["title"]) for chart in report.charts])


def test_service_dropdown_redraws_the_analyser_from_the_keyboard(module02, service):
    analyser = module02.output_with(service)
    drawn = module02.charts(within=analyser)
    assert not drawn.problems, "\n".join(drawn.problems)
    assert drawn.charts, "the DemandAnalyser shows no chart"
    cells_before = len(module02.cells())
    presses = module02.tab_to(service)
    analyser.screenshot(path=str(module02.lab.artifacts / "module02-analyser-before.png"))

    result = module02.press_and_wait_for_redraw(service, NEXT_OPTION, analyser)

    assert result["after"] != result["before"]
    assert not module02.charts(within=analyser).problems
    assert len(module02.cells()) == cells_before, "a key press edited the notebook"
    errors = module02.errors()
    assert not errors, "error output:\n\n" + "\n\n".join(map(str, errors))
    analyser.screenshot(path=str(module02.lab.artifacts / "module02-analyser-after.png"))
    module02.lab.screenshot(module02.page, "module02")
    print(f"Tab x{presses}; Service {result['before']!r} -> {result['after']!r}: "
          f"change -> new SVG in {result['redraw_ms']:.0f} ms")


def test_module02_contacted_no_other_host(module02, lab):
    # Run last in this module: everything above has loaded by now.
    assert lab.blocked == [], f"requests to other hosts (aborted): {lab.blocked}"
