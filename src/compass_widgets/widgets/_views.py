"""Pieces every tool widget uses to show charts and text: one way to do each.

- :func:`chart_view` makes a live, offline chart view (SVG, no export menu);
- :func:`redraw` sends it a new chart;
- :func:`paragraph` shows a summary sentence beside a chart;
- :class:`Shown` remembers what each view shows, so an update redraws only the views
  whose inputs changed (most controls touch one chart, and redrawing is the slow part).
"""

from __future__ import annotations

import html

import altair as alt

from ..charts import EMBED_OPTIONS


def chart_view(chart: alt.TopLevelSpec) -> alt.JupyterChart:
    """Return a live view of ``chart`` that draws offline, as SVG.

    The view's JavaScript must come from vl-convert, not a CDN, even when no chart
    has been displayed yet in this kernel (displaying one is what switches altair's
    renderer to offline); so switch JupyterChart to offline here. After the first
    call this costs nothing.
    """
    alt.JupyterChart.enable_offline()
    return alt.JupyterChart(chart, embed_options=EMBED_OPTIONS)


def redraw(view: alt.JupyterChart, chart: alt.TopLevelSpec) -> None:
    """Send a new chart to a view.

    The chart builders' specs are validated against the Vega-Lite schema by the test
    suite, so the view skips altair's per-update validation, which would double the
    time an update takes. Our charts have no selection parameters, the only other
    thing ``JupyterChart.chart`` would set up.
    """
    view.spec = chart.to_dict(validate=False)


def paragraph(text: str) -> str:
    """Return ``text`` as an HTML paragraph of readable width, escaped."""
    return f"<p style='max-width: 32em'>{html.escape(text)}</p>"


class Shown:
    """What each view of a widget currently shows.

    Examples
    --------
    >>> shown = Shown()
    >>> shown.changed("trend", ("All", "Phone"))
    True
    >>> shown.changed("trend", ("All", "Phone"))
    False
    """

    def __init__(self) -> None:
        self._inputs: dict[str, tuple[object, ...]] = {}

    def changed(self, view: str, inputs: tuple[object, ...]) -> bool:
        """Record that ``view`` now shows ``inputs``; return True if that differs from before."""
        different = self._inputs.get(view) != inputs
        self._inputs[view] = inputs
        return different
