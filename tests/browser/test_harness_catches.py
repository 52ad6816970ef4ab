"""The harness notices what it is there to notice.

Broken scratch notebooks (written into the server's temporary root): one with no
kernelspec and cells that fail, one whose chart needs a CDN. Each must be reported
with the cell it came from.
"""

from __future__ import annotations

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

pytestmark = pytest.mark.browser


def _write(lab, name, cells, metadata=None):
    folder = lab.server.root_dir / "scratch"
    folder.mkdir(exist_ok=True)
    notebook = new_notebook(cells=[new_code_cell(source) for source in cells],
                            metadata=metadata or {})
    nbformat.write(notebook, folder / name)
    return f"scratch/{name}"


def test_errors_are_reported_with_their_cell(lab):
    # No kernelspec: JupyterLab asks which kernel to start, and the harness answers.
    path = _write(lab, "failing.ipynb", [
        "import sys\nprint('a warning', file=sys.stderr)",
        "total = 1 / 0",
        "print('not reached')",
    ])
    nb = lab.open(path)
    assert nb.dialogs == ["Select Kernel (answered: Python 3 (ipykernel))"]
    nb.run_all()
    errors = nb.errors()
    assert [(e.cell, e.prompt) for e in errors] == [(1, "[1]:"), (2, "[2]:")]
    assert "a warning" in errors[0].text
    assert "ZeroDivisionError" in errors[1].text
    assert "cell 2 [2]: `total = 1 / 0`" in str(errors[1])
    # Run All stops at the error, so the last cell never ran.
    assert [c["prompt"] for c in nb.cells()] == ["[1]:", "[2]:", "[ ]:"]


def test_a_chart_that_needs_the_internet_is_caught(lab):
    path = _write(lab, "online.ipynb", [
        'import altair as alt\nalt.renderers.enable("jupyter")  # not offline',
        'import pandas as pd\n'
        'alt.Chart(pd.DataFrame({"x": ["a", "b"], "y": [1, 2]})).mark_bar()'
        '.encode(x="x", y="y").properties(title="Needs a CDN")',
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)"}})
    nb = lab.open(path)
    nb.run_all()
    report = nb.charts(timeout=5)
    assert report.charts == []
    # Depending on when the failed import is noticed, the chart's view is left empty or
    # replaced by ipywidgets' error view: either way it is reported, with its cell.
    assert len(report.problems) == 1, report.problems
    assert report.problems[0] in (
        "a widget view in cell 2 drew nothing (a chart whose JavaScript did not load?)",
        "a widget in cell 2 failed to display (ipywidgets error view)")
    assert lab.blocked, "the CDN request should have been aborted and recorded"
    assert all("esm.sh" in url for url in lab.blocked), lab.blocked
