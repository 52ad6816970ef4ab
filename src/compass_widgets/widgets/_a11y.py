"""A chart view that also makes the controls around it usable with a screen reader and keyboard.

ipywidgets 8.1 draws two controls the tools use in a way that Python cannot reach:

- a slider's handle (``role="slider"``) has no accessible name: its description is a
  ``<label>`` that is not tied to the handle, so a screen reader says only "slider";
- an ``Accordion`` section's header is a ``<div>`` that answers only a mouse click: Tab
  never reaches it, so the statements inside a closed section cannot be reached at all.

Every tool shows at least one :func:`~compass_widgets.widgets._views.chart_view`, and a
chart view runs JavaScript in the page. So :class:`AccessibleChart` adds a few lines to
altair's own (offline) chart script: once the chart is in the page, it names each slider
handle after its description, and turns each accordion header into a button that Tab
reaches and Enter or Space opens (with ``aria-expanded``), for the tool the chart is in.
It watches the tool for controls drawn later, and stops when the chart is removed.
"""

from __future__ import annotations

import functools
import warnings
from typing import Any

import altair as alt

#: Added to altair's offline chart script; ``render`` is altair's (``altair/jupyter/js/index.js``).
_LABEL_CONTROLS_JS = r"""
function compassLabelControls(root) {
    for (const handle of root.querySelectorAll('.widget-slider .noUi-handle:not([aria-label])')) {
        const label = handle.closest('.widget-slider')?.querySelector('.widget-label');
        const text = label?.textContent.trim();
        if (text) handle.setAttribute('aria-label', text);
    }
    for (const header of root.querySelectorAll(
            '.jupyter-widget-Collapse-header:not([data-compass-button])')) {
        const section = header.parentElement;
        const expanded = () => header.setAttribute('aria-expanded',
            String(section.classList.contains('jupyter-widget-Collapse-open')));
        header.dataset.compassButton = '';
        header.setAttribute('role', 'button');
        header.setAttribute('tabindex', '0');
        expanded();
        new MutationObserver(expanded).observe(section, {attributeFilter: ['class']});
        header.addEventListener('keydown', event => {
            if (event.key === 'Enter' || event.key === ' ') {
                event.preventDefault();
                event.stopPropagation();
                header.click();
            }
        });
    }
}

function compassToolOf(el) {
    // The output the chart is shown in (JupyterLab, Notebook 7), else its outermost widget.
    let root = el.closest('.jp-OutputArea-output');
    if (root) return root;
    root = el;
    while (root.parentElement && root.parentElement.closest('.jupyter-widgets')) {
        root = root.parentElement.closest('.jupyter-widgets');
    }
    return root;
}

async function compassRender(context) {
    const cleanup = await render(context);
    let observer = null;
    let tries = 0;
    const start = () => {
        if (!context.el.isConnected) {  // not in the page yet: look again shortly
            if (++tries < 100) timer = setTimeout(start, 50);
            return;
        }
        const root = compassToolOf(context.el);
        compassLabelControls(root);
        observer = new MutationObserver(() => compassLabelControls(root));
        observer.observe(root, {childList: true, subtree: true});
    };
    let timer = setTimeout(start, 0);
    return () => {
        clearTimeout(timer);
        observer?.disconnect();
        if (typeof cleanup === 'function') cleanup();
    };
}

"""


@functools.cache
def _offline_script() -> str:
    """Altair's offline chart script (bundled by vl-convert) with the lines above added.

    The lines need no imports, so they go into altair's own bundle, just before its
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
    return bundle.replace(ending, _LABEL_CONTROLS_JS
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
