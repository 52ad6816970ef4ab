"""A chart view that also makes the controls around it usable with a screen reader and keyboard.

ipywidgets 8.1 draws controls the course uses in ways that Python cannot reach:

- a slider's handle (``role="slider"``) has no accessible name: its description is a
  ``<label>`` that is not tied to the handle, so a screen reader says only "slider";
- an ``Accordion`` section's header is a ``<div>`` that answers only a mouse click: Tab
  never reaches it, so the statements inside a closed section cannot be reached at all;
- in JupyterLab, the arrow keys on a closed dropdown (``<select>``) or a radio button
  move to another cell instead of changing the choice (ipywidgets issue #3912):
  JupyterLab leaves alone only an element that itself carries
  ``data-lm-suppress-shortcuts``.

Every tool shows at least one :func:`~compass_widgets.widgets._views.chart_view`, and a
chart view runs JavaScript in the page. So :class:`AccessibleChart` adds a few lines to
altair's own (offline) chart script: once the chart is in the page, it names each slider
handle after its description, turns each accordion header into a button that Tab
reaches and Enter or Space opens (with ``aria-expanded``), and gives each dropdown and
radio button that attribute, for the tool the chart is in. A widget with no chart
carries a :class:`KeyboardAid`, which runs the same lines.
It watches the tool for controls drawn later, and stops when the chart is removed.
"""

from __future__ import annotations

import functools
import warnings
from typing import Any

import altair as alt

from ._keyboard import CONTROLS_JS

#: Wraps altair's ``render`` (``altair/jupyter/js/index.js``) in its own bundle.
_RENDER_JS = r"""
async function compassRender(context) {
    const cleanup = await render(context);
    const stop = compassWatch(context.el);
    return () => {
        stop();
        if (typeof cleanup === 'function') cleanup();
    };
}
"""


@functools.cache
def _offline_script() -> str:
    """Altair's offline chart script (bundled by vl-convert) with the lines above added.

    The lines (``_keyboard.CONTROLS_JS`` and the render wrapper above) need no imports,
    so they go into altair's own bundle, just before its
    default export, and ``compassRender`` (which calls altair's ``render``) becomes the
    default. If a new altair bundles its script differently, the chart is still drawn,
    and a warning says that the controls are not labelled.
    """
    alt.JupyterChart.enable_offline()
    bundle = str(alt.JupyterChart._esm)
    ending = "const __default={render};export{__default as default};"
    if bundle.count(ending) != 1:
        warnings.warn(
            "compass_widgets: altair's offline chart script no longer ends with "
            f"{ending!r}, so slider handles and accordion headers are not made accessible; "
            "update compass_widgets/widgets/_a11y.py to match it", RuntimeWarning,
            stacklevel=2)
        return bundle
    return bundle.replace(ending, CONTROLS_JS + _RENDER_JS
                          + "const __default={render:compassRender};export{__default as default};")


class AccessibleChart(alt.JupyterChart):
    """Altair's ``JupyterChart``, offline, naming the sliders and opening the sections near it.

    Examples
    --------
    >>> import pandas as pd
    >>> chart = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x")
    >>> view = AccessibleChart(chart)
    >>> "compassLabelControls" in view._esm and "esm.sh" not in view._esm
    True
    >>> "{render:compassRender}" in view._esm
    True
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        type(self)._esm = _offline_script()
        super().__init__(*args, **kwargs)
