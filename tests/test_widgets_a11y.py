"""Tests for compass_widgets.widgets._a11y: the chart view that names sliders, opens sections.

What the added script does in a page is checked in a real browser
(tests/browser/test_every_module.py: every slider named, every accordion header a
keyboard button, axe-core on every module). Here: what reaches the page, with no
browser.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from compass_widgets.charts.self_assessment import self_assessment_chart
from compass_widgets.data.compass_statements import load_compass_statements
from compass_widgets.models.self_assessment import SelfAssessment
from compass_widgets.widgets._a11y import AccessibleChart
from compass_widgets.widgets._views import chart_view, redraw


def _chart() -> alt.Chart:
    return alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_point().encode(x="x:Q")


def test_chart_view_is_an_offline_jupyter_chart_with_the_added_script():
    view = chart_view(_chart())
    assert isinstance(view, AccessibleChart)
    assert isinstance(view, alt.JupyterChart)  # what the portfolio export looks for
    script = view._esm
    assert "esm.sh" not in script and "https://" not in script.split("compassLabelControls")[1]
    # altair's render is wrapped, not replaced: the chart is still drawn by it.
    assert script.count("const __default={render:compassRender};") == 1
    assert "async function compassRender(context) {\n    const cleanup = await render(context)" \
        in script
    assert "aria-label" in script and "aria-expanded" in script
    assert view.spec is not None and view.spec["mark"]["type"] == "point"
    redraw(view, _chart().mark_line())
    assert view.spec["mark"]["type"] == "line"


def test_plain_charts_keep_altairs_own_script():
    chart_view(_chart())
    assert "compassLabelControls" not in str(alt.JupyterChart._esm)


def test_self_assessment_chart_draws_no_empty_dot_layer():
    # An empty layer is an unnamed image to a screen reader (axe-core: svg-img-alt).
    statements = load_compass_statements()
    nothing = self_assessment_chart(SelfAssessment(statements, {}, quick=True)).to_dict()
    assert [layer["mark"]["type"] for layer in nothing["layer"]] == ["text"]
    some = self_assessment_chart(SelfAssessment(statements, {"purpose-1": 4}, quick=True))
    assert [layer["mark"]["type"] for layer in some.to_dict()["layer"]] == ["point", "text"]
