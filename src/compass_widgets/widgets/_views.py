"""Pieces every tool widget uses to show charts and text: one way to do each.

- :func:`chart_view` makes a live, offline chart view (SVG, no export menu);
- :func:`redraw` sends it a new chart (or a chart's spec, built before);
- :class:`ChartMemory` keeps the charts a view has shown, so showing one again is instant;
- :func:`paragraph` shows a summary sentence beside a chart;
- :class:`Shown` remembers what each view shows, so an update redraws only the views
  whose inputs changed (most controls touch one chart, and redrawing is the slow part);
- :class:`SavedChoices` keeps a tool's choices in the learner store.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Hashable
from typing import Any

import altair as alt

from ..charts import EMBED_OPTIONS
from ..store import LearnerStore


def chart_view(chart: alt.TopLevelSpec) -> alt.JupyterChart:
    """Return a live view of ``chart`` that draws offline, as SVG.

    The view's JavaScript must come from vl-convert, not a CDN, even when no chart
    has been displayed yet in this kernel (displaying one is what switches altair's
    renderer to offline); so switch JupyterChart to offline here. After the first
    call this costs nothing. The view also names the tool's slider handles and makes
    its accordion headers keyboard buttons (see ``_a11y.py``).
    """
    from ._a11y import AccessibleChart

    return AccessibleChart(chart, embed_options=EMBED_OPTIONS)


def redraw(view: alt.JupyterChart, chart: alt.TopLevelSpec | dict[str, Any]) -> None:
    """Send a new chart, or the spec of one (a dict), to a view.

    The chart builders' specs are validated against the Vega-Lite schema by the test
    suite, so the view skips altair's per-update validation, which would double the
    time an update takes. Our charts have no selection parameters, the only other
    thing ``JupyterChart.chart`` would set up.
    """
    view.spec = chart if isinstance(chart, dict) else chart.to_dict(validate=False)


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


class ChartMemory:
    """The charts a tool has drawn, by what they show, so showing one again is instant.

    For tools whose data never change: a chart is built the first time its inputs
    are shown and remembered; going back to them redraws at once. The newest
    ``keep`` charts are kept.

    Parameters
    ----------
    keep : int
        How many charts to remember.
    first : dict, optional
        Specs already drawn, by key (the charts a tool drew as it opened).

    Examples
    --------
    >>> memory = ChartMemory(keep=1)
    >>> view = chart_view(alt.Chart().mark_point())
    >>> built = []
    >>> def build():
    ...     built.append(1)
    ...     return alt.Chart().mark_bar()
    >>> memory.show(view, ("bars",), build)["mark"]["type"]
    'bar'
    >>> memory.show(view, ("bars",), build)["mark"]["type"], len(built)
    ('bar', 1)
    >>> _ = memory.show(view, ("points",), lambda: alt.Chart().mark_point())
    >>> len(memory)  # the bars are forgotten
    1
    """

    def __init__(self, keep: int, first: dict[Hashable, dict[str, Any]] | None = None) -> None:
        self.keep = keep
        self._specs: dict[Hashable, dict[str, Any]] = dict(first or {})

    def __len__(self) -> int:
        return len(self._specs)

    def show(self, view: alt.JupyterChart, key: Hashable,
             build: Callable[[], alt.TopLevelSpec]) -> dict[str, Any]:
        """Send ``view`` the chart for ``key`` (built only if not remembered); return its spec."""
        spec = self._specs.pop(key, None)
        if spec is None:
            spec = build().to_dict(validate=False)
        redraw(view, spec)
        self._specs[key] = spec  # now the newest
        while len(self._specs) > self.keep:
            del self._specs[next(iter(self._specs))]
        return spec


class SavedChoices:
    """Where a tool keeps the learner's choices: one key in one module of the learner store.

    A tool made with no module (outside a course notebook) saves and restores nothing;
    given a module and no store, it uses the learner's own store.

    Parameters
    ----------
    key : str
        The store key, ``tool:<ToolName>``.
    module : str or None
        The module to save under, such as ``"02"``.
    store : LearnerStore, optional
        Where to save.

    Examples
    --------
    >>> import tempfile
    >>> store = LearnerStore(tempfile.mkdtemp())
    >>> SavedChoices("tool:Example", "02", store).save({"service": "Waste"})
    >>> SavedChoices("tool:Example", "02", store).load()
    {'service': 'Waste'}
    >>> SavedChoices("tool:Example", None, store).load()
    {}
    """

    def __init__(self, key: str, module: str | None, store: LearnerStore | None) -> None:
        self.key, self.module = key, module
        self.store = (store or LearnerStore()) if module else None

    def load(self) -> dict[str, Any]:
        """Return the saved choices; ``{}`` if there are none, or they are not a mapping."""
        if self.store is None or not self.module:
            return {}
        saved = self.store.load(self.module, self.key)
        return saved if isinstance(saved, dict) else {}

    def save(self, choices: dict[str, Any]) -> None:
        """Save ``choices`` (JSON-able), replacing what was saved before."""
        if self.store is not None and self.module:
            self.store.save(self.module, self.key, choices)
