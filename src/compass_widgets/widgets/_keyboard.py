"""Keyboard and screen-reader help for controls that ipywidgets draws in ways Python cannot reach.

The JavaScript here runs in the page, inside an output: it names slider handles, makes
accordion headers keyboard buttons, and gives dropdowns and radio buttons back their
arrow keys from JupyterLab (see ``_a11y.py`` for why). Tools run it from their chart
views (:class:`~compass_widgets.widgets._a11y.AccessibleChart`); a widget with no chart,
such as a :class:`~compass_widgets.SelfCheck`, carries a :class:`KeyboardAid`.
This module imports no altair, so a SelfCheck stays cheap to import.
"""

from __future__ import annotations

import anywidget
import ipywidgets as w
import traitlets as t

#: The lines that fix the controls of an output: ``compassWatch(el)`` watches the output
#: ``el`` is in, and returns the function that stops it.
CONTROLS_JS = r"""
function compassLabelControls(root) {
    // JupyterLab's command-mode shortcuts take the arrow keys from a focused, closed
    // <select> or a radio button (ipywidgets issue #3912): they move to another cell.
    // The attribute on the element itself gives the keys back to it.
    for (const input of root.querySelectorAll(
            'select:not([data-lm-suppress-shortcuts]), '
            + 'input[type=radio]:not([data-lm-suppress-shortcuts])')) {
        input.setAttribute('data-lm-suppress-shortcuts', '');
    }
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

function compassWatch(el) {
    // Once el is in the page, fix the controls of the output it is in, now and as they
    // are drawn; return the function that stops watching.
    let observer = null;
    let tries = 0;
    const start = () => {
        if (!el.isConnected) {  // not in the page yet: look again shortly
            if (++tries < 100) timer = setTimeout(start, 50);
            return;
        }
        const root = compassToolOf(el);
        compassLabelControls(root);
        observer = new MutationObserver(() => compassLabelControls(root));
        observer.observe(root, {childList: true, subtree: true});
    };
    let timer = setTimeout(start, 0);
    return () => {
        clearTimeout(timer);
        observer?.disconnect();
    };
}
"""


class KeyboardAid(anywidget.AnyWidget):
    """An invisible widget that gives the output it is shown in the same keyboard help.

    For a widget with no chart, such as a :class:`~compass_widgets.SelfCheck`: put one
    among its children, and its radio buttons keep their arrow keys in JupyterLab.

    Examples
    --------
    >>> aid = KeyboardAid()
    >>> aid.layout.display, "compassWatch(el)" in aid._esm
    ('none', True)
    """

    _esm = t.Unicode(CONTROLS_JS
                     # The class marks the view as drawn (an empty view is one whose
                     # script failed to load).
                     + "export default { render({ el }) {\n"
                     + "    el.classList.add('compass-keyboard-aid');\n"
                     + "    return compassWatch(el);\n} };\n"
                     ).tag(sync=True)

    def __init__(self) -> None:
        super().__init__(layout=w.Layout(display="none"))
