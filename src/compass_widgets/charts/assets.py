"""Charts of a neighbourhood's assets and needs, each with a sentence that says the same thing.

Every builder takes an :class:`~compass_widgets.models.assets.AssetAnalysis`,
aggregates first and returns a new altair chart with a title and a
``description`` that screen readers announce. The matching ``summarise_*``
function returns that description as plain text, to print beside the chart.
Colour never carries meaning alone: counts, gaps and figures are written on the
bars, connectors are diamonds, and community-led assets are filled while
institution-led ones are hollow.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import altair as alt
import pandas as pd

from ..models.assets import LED_BY_LABELS, TYPE_LABELS, AssetAnalysis

WIDTH = 420
BAR = "#2c6e91"
GAP = "#E69F00"
LED_COLOURS = {"community": "#009E73", "institution": "#0072B2"}
_ZIGZAG = 0.3  # how far (in rows) every other asset in a row is drawn below the rest
_NAME_GAP = 0.16  # how far (in rows) a name is written above or below its asset
CAUTION = ("A rich asset map is no reason to withdraw services: beware romanticising community "
           "assets or using them to justify cuts.")


_C = TypeVar("_C")
_Q, _N = "quantitative", "nominal"


def _field(channel: Callable[..., _C], name: str, kind: str, **options: Any) -> _C:
    """Return an encoding channel for a field, without altair's slow shorthand parsing."""
    return channel(field=name, type=kind, **options)


def _tooltip(*fields: tuple[str, str, str]) -> list[alt.Tooltip]:
    return [_field(alt.Tooltip, name, kind, title=title) for name, kind, title in fields]


def _pct(share: float) -> str:
    return f"{share:.0%}"


def _count(n: float, one: str, many: str) -> str:
    return f"{n:,.0f} {one if round(n) == 1 else many}"


def _join(words: list[str]) -> str:
    """Join words as a sentence does.

    Examples
    --------
    >>> _join(["a"]), _join(["a", "b"]), _join(["a", "b", "c"])
    ('a', 'a and b', 'a, b and c')
    """
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def few_text(few: int) -> str:
    """Say what counts as a gap, in words.

    Examples
    --------
    >>> few_text(0), few_text(1), few_text(3)
    ('no assets', 'one asset or none', '3 assets or fewer')
    """
    return {0: "no assets", 1: "one asset or none"}.get(few, f"{few} assets or fewer")


# -- assets by type -------------------------------------------------------------------------


def summarise_asset_counts(analysis: AssetAnalysis) -> str:
    """Describe the neighbourhood's assets by type, who leads them, and its gaps.

    Examples
    --------
    >>> from compass_widgets.data.assets import load_assets
    >>> print(summarise_asset_counts(AssetAnalysis(load_assets(), neighbourhood="Canal Side")))
    ... # doctest: +NORMALIZE_WHITESPACE
    Canal Side has 7 assets of the 6 types shown; 43% are led by the community and 57% by
    institutions. The most are individual gifts and skills, institutions and physical places
    (2 each). Gaps (one asset or none): associations, local economy and culture and stories.
    """
    place = analysis.neighbourhood
    if not analysis.types:
        return f"No asset types are shown for {place}: tick at least one type to see its assets."
    table = analysis.by_type()
    total = int(table["assets"].sum())
    shown = _count(len(table), "type", "types")
    if total == 0:
        text = f"{place} has no assets of the {shown} shown."
    else:
        led = analysis.leadership()["share"]
        most = table[table["assets"] == table["assets"].max()]
        labels = [label.lower() for label in most["label"]]
        top = int(most["assets"].iloc[0])
        text = (
            f"{place} has {_count(total, 'asset', 'assets')} of the {shown} shown; "
            f"{_pct(led['community'])} are led by the community and "
            f"{_pct(led['institution'])} by institutions. The most are {_join(labels)} "
            + (f"({top})." if len(labels) == 1 else f"({top} each).")
        )
    gaps = [TYPE_LABELS[kind].lower() for kind in analysis.gaps()]
    if gaps:
        return f"{text} Gaps ({few_text(analysis.few)}): {_join(gaps)}."
    return f"{text} No type shown has {few_text(analysis.few)}."


def asset_counts(analysis: AssetAnalysis) -> alt.LayerChart:
    """Horizontal bars: the neighbourhood's assets of each type shown, labelled in text.

    The scale is the same for every neighbourhood, so switching between them
    compares like with like. Gaps are written on the bar as well as coloured.

    Examples
    --------
    >>> from compass_widgets.data.assets import load_assets
    >>> chart = asset_counts(AssetAnalysis(load_assets(), neighbourhood="Millbrook"))
    >>> chart.to_dict()["title"]["text"]
    'Millbrook: assets by type'
    """
    table = analysis.by_type().reset_index()
    table["status"] = table["gap"].map({True: "A gap", False: "Not a gap"})
    table["text"] = [
        f"{n} ({c} community-led)" + (", a gap" if gap else "") if n else "0, a gap"
        for n, c, gap in zip(table["assets"], table["community_led"], table["gap"], strict=True)
    ]
    most = float(analysis.counts()[list(analysis.types)].to_numpy().max(initial=1))
    base = alt.Chart().encode(
        y=_field(alt.Y, "label", _N, title=None, sort=list(table["label"]),
                 axis=alt.Axis(labelLimit=200)),
        x=_field(alt.X, "assets", _Q, title="Assets", axis=alt.Axis(tickMinStep=1),
                 # Room for the labels; the same for every neighbourhood.
                 scale=alt.Scale(domain=[0, 2.0 * max(most, 1.0)], nice=False)),
        tooltip=_tooltip(("label", _N, "Asset type"), ("assets", _Q, "Assets"),
                         ("community_led", _Q, "Community-led"),
                         ("institution_led", _Q, "Institution-led"),
                         ("connectors", _Q, "Connectors"), ("status", _N, "Gap?")),
    )
    bars = base.mark_bar().encode(
        color=_field(alt.Color, "status", _N, title=None,
                     scale=alt.Scale(domain=["Not a gap", "A gap"], range=[BAR, GAP]),
                     legend=alt.Legend(orient="bottom")))
    labels = base.mark_text(align="left", dx=4, fontSize=12).encode(
        text=_field(alt.Text, "text", _N))
    return alt.LayerChart(
        layer=[bars, labels],
        data=table,
        title=alt.TitleParams(
            f"{analysis.neighbourhood}: assets by type",
            subtitle=["The six asset types of asset-based community development",
                      f"A type with {few_text(analysis.few)} is marked as a gap"],
        ),
        description=summarise_asset_counts(analysis),
        width=WIDTH,
        height=alt.Step(30),
    )


# -- the network of links -------------------------------------------------------------------


def summarise_asset_network(analysis: AssetAnalysis) -> str:
    """Describe who links to whom in the neighbourhood, and its connectors.

    Examples
    --------
    >>> from compass_widgets.data.assets import load_assets
    >>> print(summarise_asset_network(AssetAnalysis(load_assets(), neighbourhood="Canal Side")))
    ... # doctest: +NORMALIZE_WHITESPACE
    Canal Side: 7 assets (of the types shown), with 6 links between them. 1 connector:
    Residents' online chat group (6 links, 1 of them outside Canal Side).
    """
    place = analysis.neighbourhood
    nodes, edges = analysis.network()
    scope = ("connectors and the assets they link to" if analysis.connectors_only else
             "of the types shown")
    text = (f"{place}: {_count(len(nodes), 'asset', 'assets')} ({scope}), with "
            f"{_count(len(edges), 'link', 'links')} between them.")
    found = analysis.connectors()
    if found.empty:
        return (f"{text} No connectors among the types shown: no one here is yet named as "
                "linking others.")
    named = [
        f"{row['name']} ({_count(row['links'], 'link', 'links')}"
        + (f", {row['links_outside']} of them outside {place})" if row["links_outside"] else ")")
        for row in found.to_dict("records")
    ]
    return f"{text} {_count(len(found), 'connector', 'connectors')}: {_join(named)}."


def asset_network(analysis: AssetAnalysis) -> alt.LayerChart:
    """Network of the neighbourhood's assets: a row per type, lines for links.

    Connectors are diamonds and have larger names; community-led assets are
    filled, institution-led ones hollow.

    Examples
    --------
    >>> from compass_widgets.data.assets import load_assets
    >>> chart = asset_network(AssetAnalysis(load_assets(), neighbourhood="Canal Side"))
    >>> chart.to_dict()["title"]["text"]
    'Canal Side: who links to whom'
    """
    nodes, edges = analysis.network()
    nodes["role"] = nodes["connector"].map({True: "Connector", False: "Other asset"})
    nodes["leader"] = nodes["led_by"].map(LED_BY_LABELS)
    # Every other asset in a row sits a little lower, so links within a row show as
    # slanted lines and names can be twice as long without running into each other.
    # Its name goes above the first, third... asset of a row and below the others.
    odd = nodes["slot"] % 2 == 1
    nodes["y"] = nodes["y"] + _ZIGZAG * odd
    hub = nodes["connector"].astype(bool)
    nodes["name_y"] = nodes["y"] + odd.map({True: _NAME_GAP, False: -_NAME_GAP})
    nodes["name_size"] = hub.map({True: 11, False: 9})  # connectors' names are larger
    where = nodes.set_index("asset_id")["y"]
    edges["y"], edges["y2"] = edges["source"].map(where), edges["target"].map(where)
    labels = [TYPE_LABELS[kind] for kind in analysis.types]
    rows = max(len(labels), 1)
    width = WIDTH + 140
    widest = int(nodes.groupby("y").size().max()) if len(nodes) else 1
    x = _field(alt.X, "x", _Q, title=None, axis=None, scale=alt.Scale(domain=[0, 1]))
    y = _field(alt.Y, "y", _Q, title=None,
               scale=alt.Scale(domain=[-0.45, rows - 0.25], reverse=True),
               axis=alt.Axis(values=list(range(len(labels))),
                             labelExpr=f"{labels!r}[datum.value]", labelLimit=200,
                             labelFontWeight="bold", grid=True, ticks=False, domain=False))
    lines = alt.Chart(edges).mark_rule(color="#999999", strokeWidth=1, opacity=0.7).encode(
        x=x, y=y, x2=alt.X2(field="x2"), y2=alt.Y2(field="y2"))
    roles = ["Connector", "Other asset"]
    leaders = list(LED_BY_LABELS.values())
    legend = alt.Legend(orient="bottom", title=None)
    node = alt.Chart()  # the nodes are the chart's data; only the lines have their own
    points = node.mark_point(filled=True, strokeWidth=2, opacity=1).encode(
        x=x, y=y,
        shape=_field(alt.Shape, "role", _N, title=None, legend=legend,
                     scale=alt.Scale(domain=roles, range=["diamond", "circle"])),
        size=_field(alt.Size, "role", _N, title=None, legend=legend,
                    scale=alt.Scale(domain=roles, range=[300, 90])),
        stroke=_field(alt.Stroke, "leader", _N, title=None, legend=legend,
                      scale=alt.Scale(domain=leaders, range=list(LED_COLOURS.values()))),
        fill=_field(alt.Fill, "leader", _N, title=None, legend=legend,
                    scale=alt.Scale(domain=leaders, range=[LED_COLOURS["community"], "white"])),
        tooltip=_tooltip(("name", _N, "Asset"), ("type_label", _N, "Type"),
                         ("leader", _N, "Led by"), ("role", _N, "Role"), ("links", _Q, "Links"),
                         ("links_outside", _Q, "Links to other neighbourhoods")),
    )
    names = node.mark_text(limit=max(2 * width // widest - 8, 60)).encode(
        x=x, y=_field(alt.Y, "name_y", _Q), text=_field(alt.Text, "name", _N),
        size=_field(alt.Size, "name_size", _Q, scale=None))
    scope = ("Only connectors and the assets they link to" if analysis.connectors_only else
             "Every asset of the types shown")
    return alt.LayerChart(
        layer=[lines, points, names],
        data=nodes,
        title=alt.TitleParams(
            f"{analysis.neighbourhood}: who links to whom",
            subtitle=[f"{scope}. Diamonds are connectors (with larger names); filled marks are",
                      "community-led, hollow ones institution-led; lines are links."],
        ),
        description=summarise_asset_network(analysis),
        width=width,
        height=96 * rows,
    )


# -- the needs map ----------------------------------------------------------------------------


def summarise_needs_profile(analysis: AssetAnalysis) -> str:
    """Describe the neighbourhood drawn as needs: where it is highest, and its worst figure.

    Examples
    --------
    >>> from compass_widgets.data.assets import load_assets
    >>> from compass_widgets.data.needs import load_needs
    >>> print(summarise_needs_profile(
    ...     AssetAnalysis(load_assets(), load_needs(), neighbourhood="Station Fields")))
    ... # doctest: +NORMALIZE_WHITESPACE
    Drawn as needs, Station Fields has the highest figure of the 4 neighbourhoods on 2 of 4
    indicators: households in fuel poverty and children in low-income families. Its highest
    figure is children in low-income families, 34.1% (the average is 20.2%).
    """
    place = analysis.neighbourhood
    profile = analysis.needs_profile()
    if profile.empty:
        return f"There are no need figures for {place}."
    top = profile[profile["rank"] == 1]
    of = int(profile["of"].max())
    indicators = _count(len(profile), "indicator", "indicators")
    if top.empty:
        text = (f"Drawn as needs, {place} does not have the highest figure of the {of} "
                f"neighbourhoods on any of its {indicators}.")
    else:
        text = (f"Drawn as needs, {place} has the highest figure of the {of} neighbourhoods "
                f"on {len(top)} of {indicators}: {_join([i.lower() for i in top.index])}.")
    worst = profile.to_dict("index")[profile["percent"].idxmax()]
    return (f"{text} Its highest figure is {str(profile['percent'].idxmax()).lower()}, "
            f"{worst['percent']:.1f}% (the average is {worst['average']:.1f}%).")


def needs_profile(analysis: AssetAnalysis) -> alt.LayerChart:
    """Horizontal bars: the neighbourhood's need figures, with the average as a black tick.

    Examples
    --------
    >>> from compass_widgets.data.assets import load_assets
    >>> from compass_widgets.data.needs import load_needs
    >>> chart = needs_profile(AssetAnalysis(load_assets(), load_needs()))
    >>> chart.to_dict()["title"]["text"]
    'Canal Side drawn as needs'
    """
    profile = analysis.needs_profile().reset_index()
    profile["text"] = [
        f"{p:.1f}%" + (f", highest of {of}" if rank == 1 else "")
        for p, rank, of in zip(profile["percent"], profile["rank"], profile["of"], strict=True)
    ]
    profile["average_label"] = profile["average"].map(lambda a: f"{a:.1f}%")
    profile["label_at"] = profile[["percent", "average"]].max(axis=1)  # clear of the tick
    everything = analysis.needs_table()
    most = float(everything.max().max()) if everything.size else 1.0
    base = alt.Chart().encode(
        y=_field(alt.Y, "indicator", _N, title=None, sort=list(profile["indicator"]),
                 axis=alt.Axis(labelLimit=220)),
        tooltip=[_field(alt.Tooltip, "indicator", _N, title="Indicator"),
                 _field(alt.Tooltip, "text", _N, title=str(analysis.neighbourhood)),
                 _field(alt.Tooltip, "average_label", _N,
                        title="Average of all neighbourhoods")],
    )
    x = _field(alt.X, "percent", _Q, title="Percentage (higher means more need)",
               scale=alt.Scale(domain=[0, 1.45 * max(most, 1.0)], nice=False))
    bars = base.mark_bar(color="#8c6bb1").encode(x=x)
    average = base.mark_tick(color="black", thickness=3, size=26).encode(
        x=_field(alt.X, "average", _Q))
    labels = base.mark_text(align="left", dx=6, fontSize=12).encode(
        x=_field(alt.X, "label_at", _Q), text=_field(alt.Text, "text", _N))
    return alt.LayerChart(
        layer=[bars, average, labels],
        data=profile,
        title=alt.TitleParams(
            f"{analysis.neighbourhood} drawn as needs",
            subtitle=["Each bar is one need indicator; the black tick is the average of all "
                      "neighbourhoods.", "A needs map shows what is wrong, not what is strong."],
        ),
        description=summarise_needs_profile(analysis),
        width=WIDTH,
        height=alt.Step(34),
    )


# -- needs map and asset map side by side -------------------------------------------------------


def summarise_needs_and_assets(analysis: AssetAnalysis) -> str:
    """Contrast the place that looks worst on needs with the place richest in assets.

    Examples
    --------
    >>> from compass_widgets.data.assets import load_assets
    >>> from compass_widgets.data.needs import load_needs
    >>> print(summarise_needs_and_assets(AssetAnalysis(load_assets(), load_needs())))
    ... # doctest: +ELLIPSIS +NORMALIZE_WHITESPACE
    On the needs map Station Fields looks worst: its need figures are, on average, 1.28 times
    the average of the 4 neighbourhoods. On the asset map it is also the richest, with 24
    assets and 5 connectors: start from what is strong, not what is wrong. A rich asset map ...
    """
    worst, richest = analysis.worst_on_needs(), analysis.richest_in_assets()
    table = analysis.contrast()
    places = table.to_dict("index")
    rich = places[richest]
    rich_text = (f"{_count(rich['assets'], 'asset', 'assets')} and "
                 f"{_count(rich['connectors'], 'connector', 'connectors')}")
    if worst is None:
        return (f"There is no needs map to compare with. On the asset map {richest} is the "
                f"richest, with {rich_text}.")
    scored = int(table["need_index"].notna().sum())
    text = (f"On the needs map {worst} looks worst: its need figures are, on average, "
            f"{places[worst]['need_index']:.2f} times the average of the {scored} "
            "neighbourhoods.")
    if worst == richest:
        text += (f" On the asset map it is also the richest, with {rich_text}: start from what "
                 "is strong, not what is wrong.")
    else:
        text += (f" On the asset map {richest} is the richest, with {rich_text}; {worst} "
                 f"comes {_ordinal(places[worst]['asset_rank'])} of {len(table)}, with "
                 f"{_count(places[worst]['assets'], 'asset', 'assets')}.")
    return f"{text} {CAUTION}"


def _ordinal(n: int) -> str:
    """Return 1st, 2nd, 3rd, 4th ...

    Examples
    --------
    >>> [_ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd']
    """
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def needs_and_assets(analysis: AssetAnalysis) -> alt.HConcatChart:
    """Two bar charts side by side: each neighbourhood on the needs map and on the asset map.

    Neighbourhoods are in order of need, most first; the one being looked at has
    "(chosen)" after its name.

    Examples
    --------
    >>> from compass_widgets.data.assets import load_assets
    >>> from compass_widgets.data.needs import load_needs
    >>> chart = needs_and_assets(AssetAnalysis(load_assets(), load_needs()))
    >>> chart.to_dict()["title"]["text"]
    'The needs map and the asset map, side by side'
    """
    table = analysis.contrast().reset_index()
    table["place"] = [f"{n} (chosen)" if n == analysis.neighbourhood else n
                      for n in table["neighbourhood"]]
    table["need_text"] = table["need_index"].map(
        lambda v: "no figures" if pd.isna(v) else f"{v:.2f} × average")
    table["need_value"] = table["need_index"].fillna(0.0)
    table["asset_text"] = [f"{a} ({c} connectors)" if c != 1 else f"{a} (1 connector)"
                           for a, c in zip(table["assets"], table["connectors"], strict=True)]

    y = _field(alt.Y, "place", _N, title=None, sort=list(table["place"]),
               axis=alt.Axis(labelLimit=160))
    base = alt.Chart().encode(y=y, tooltip=_tooltip(
        ("neighbourhood", _N, "Neighbourhood"),
        ("need_text", _N, "Need figures against the average"),
        ("assets", _Q, "Assets"), ("connectors", _Q, "Connectors")))
    top_need = float(max(table["need_value"].max(), 1.0))
    need_x = _field(alt.X, "need_value", _Q,
                    title="Need figures against the average (1 = average)",
                    axis=alt.Axis(tickCount=5),
                    scale=alt.Scale(domain=[0, 1.7 * top_need], nice=False))
    needs = alt.LayerChart(layer=[
        base.mark_bar(color="#8c6bb1").encode(x=need_x),
        # The subtitle names the dashed line; aria=False keeps it from being announced
        # as an image with no name (a layer of marks with no description).
        alt.Chart().mark_rule(strokeDash=[4, 3], color="black", aria=False).encode(
            x=alt.XDatum(1.0)),
        base.mark_text(align="left", dx=4, fontSize=12).encode(
            x=_field(alt.X, "need_value", _Q), text=_field(alt.Text, "need_text", _N)),
    ], title="Needs map", width=WIDTH // 2 + 40, height=alt.Step(30))
    top_assets = float(max(table["assets"].max(), 1))
    assets = alt.LayerChart(layer=[
        base.mark_bar(color=BAR).encode(
            x=_field(alt.X, "assets", _Q, title="Assets (all six types)",
                     scale=alt.Scale(domain=[0, 1.9 * top_assets], nice=False))),
        base.mark_text(align="left", dx=4, fontSize=12).encode(
            x=_field(alt.X, "assets", _Q), text=_field(alt.Text, "asset_text", _N)),
    ], title="Asset map", width=WIDTH // 2 + 40, height=alt.Step(30))
    return alt.HConcatChart(
        hconcat=[needs, assets],
        data=table,
        title=alt.TitleParams(
            "The needs map and the asset map, side by side",
            subtitle=["Neighbourhoods in order of need, most first. Dashed line: the average "
                      "of all neighbourhoods.", "The same places look different when you start "
                      "from what is strong."],
        ),
        description=summarise_needs_and_assets(analysis),
    )
