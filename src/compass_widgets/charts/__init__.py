"""Altair chart builders: a model in, a new ``alt.Chart`` out, each with a text twin.

Importing this package switches altair to its offline ``jupyter`` renderer, which
draws charts with JavaScript shipped inside vl-convert rather than fetched from a
CDN, so charts appear on a laptop with no internet. Charts are drawn as SVG, which
screen readers and printers handle better than a canvas.
"""

from __future__ import annotations

import altair as alt

#: How charts are embedded: SVG (readable by screen readers) and no export menu.
EMBED_OPTIONS = {"renderer": "svg", "actions": False}
alt.renderers.enable("jupyter", offline=True, embed_options=EMBED_OPTIONS)
