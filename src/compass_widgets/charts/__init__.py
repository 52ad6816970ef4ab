"""Altair chart builders: a model in, a new ``alt.Chart`` out, each with a text twin.

Importing this package switches altair to the course's ``compass`` renderer. It
draws a chart three ways at once, and each front end shows the best it can:

- a live chart through altair's offline ``jupyter`` renderer, whose JavaScript
  comes from vl-convert rather than a CDN, so it works with no internet; drawn as
  SVG, which screen readers and printers handle better than a canvas;
- a static SVG picture from vl-convert, for exported HTML, printed notebooks and
  notebook viewers that cannot run widgets;
- the chart's title and description as plain text, for screen readers and for
  any viewer that shows text only.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import altair as alt
from altair.utils.schemapi import debug_mode

#: How charts are embedded: SVG (readable by screen readers) and no export menu.
EMBED_OPTIONS = {"renderer": "svg", "actions": False}


_P = ParamSpec("_P")
_R = TypeVar("_R")


def quick(build: Callable[_P, _R]) -> Callable[_P, _R]:
    """Build a chart without altair checking each part against the schema as it is made.

    Those checks take about half of a builder's time, and a widget redraws on every
    change; the finished specs are validated against the Vega-Lite schema by the
    test suite (``chart.to_dict()``), so nothing goes unchecked.
    """

    @functools.wraps(build)
    def build_quickly(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with debug_mode(False):
            return build(*args, **kwargs)

    return build_quickly


def chart_text(spec: dict[str, Any]) -> str:
    """Return a chart's title and description as plain text.

    Examples
    --------
    >>> chart_text({"title": {"text": "Demand"}, "description": "It fell."})
    'Demand. It fell.'
    """
    title = spec.get("title", "")
    if isinstance(title, dict):
        title = title.get("text", "")
    parts = [str(title).rstrip("."), str(spec.get("description", "")).strip()]
    return ". ".join(part for part in parts if part)


def chart_svg(spec: dict[str, Any]) -> str:
    """Return a Vega-Lite spec drawn as a standalone SVG picture, with no browser."""
    import vl_convert as vlc

    return str(vlc.vegalite_to_svg(spec, vl_version=alt.SCHEMA_VERSION.rsplit(".", 1)[0]))


def _compass_renderer(spec: dict[str, Any], **metadata: Any) -> dict[str, Any]:
    """Render a chart as a live offline widget, a static SVG and plain text."""
    from altair.vegalite.v6.display import jupyter_renderer

    bundle = jupyter_renderer(spec, offline=True, embed_options=EMBED_OPTIONS)
    data = dict(bundle[0] if isinstance(bundle, tuple) else bundle)
    data["image/svg+xml"] = chart_svg(spec)
    data["text/plain"] = chart_text(spec)
    return data


alt.renderers.register("compass", _compass_renderer)
alt.renderers.enable("compass")
