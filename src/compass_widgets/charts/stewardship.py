"""Charts of the stewardship model, comparing scenarios, each with sentences that say the same.

Every builder takes two or three named scenarios (``{"A": model_a, "B": model_b}``),
each a :class:`~compass_widgets.models.stewardship.StewardshipModel`, and returns a new
chart with a title and a ``description`` for screen readers; the matching
``summarise_*`` function returns that description as plain text. Scenarios differ by
line dash and point shape as well as colour, and lines end in text labels.

As in :mod:`compass_widgets.charts.immune_response`, marks and encodings are plain
Vega-Lite dictionaries inside altair's chart classes: these charts are rebuilt each
time a learner moves a slider, and altair's channel objects cost several times more to
copy and export. The tests validate every specification against the Vega-Lite schema.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import altair as alt

from ..models.stewardship import (
    LOWER_IS_BETTER,
    START,
    STOCK_LABELS,
    StewardshipModel,
    check_scenarios,
)

WIDTH = 420
SHARE_STOCKS = ("trust", "capability", "failure_demand", "burnout")
#: Colour, dash and point shape for the first, second and third scenario.
_STYLES = [("#1f5f8b", [1, 0], "circle"), ("#b35806", [6, 4], "triangle-up"),
           ("#4d4d4d", [2, 2], "square")]
_SHAPE_WORDS = {"circle": "circles", "triangle-up": "triangles", "square": "squares"}
_DASH_WORDS = ["solid line", "dashed line", "dotted line"]
#: What each share stock is a share of, for sentences.
_OF = {"trust": "", "capability": "", "failure_demand": " of contacts", "burnout": " of staff"}
NOT_A_FORECAST = "This is an illustrative teaching model, not a forecast."


def _pct(share: float) -> str:
    return f"{share:.0%}"


def _money(pounds: float) -> str:
    """Pounds to three significant figures: £21,000, £203,000, £1.26m.

    Examples
    --------
    >>> _money(20973.4), _money(1258408.2), _money(0)
    ('£21,000', '£1.26m', '£0')
    """
    if pounds == 0:
        return "£0"
    digits = 2 - math.floor(math.log10(abs(pounds)))
    rounded = round(pounds, digits)
    if abs(rounded) >= 1_000_000:
        return f"£{rounded / 1_000_000:.3g}m"
    return f"£{rounded:,.0f}"


def _years(models: Mapping[str, StewardshipModel]) -> str:
    years = next(iter(models.values())).years
    return f"{years} year{'s' if years != 1 else ''}"


def _listing(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def summarise_routing(model: StewardshipModel) -> str:
    """Say whether a scenario standardises what it can, and personalises what it must.

    Examples
    --------
    >>> print(summarise_routing(StewardshipModel()))  # doctest: +NORMALIZE_WHITESPACE
    Standard routes take 70% of requests, but only 60% are simple: even after staff use
    their discretion, 20% of complex cases go down routes built for simple ones. Expect
    more failure demand, escalations and burnout.
    """
    routing, simple = model.routing, model.simple_share
    sigma = model.standardisation
    if routing.misrouted >= 0.005:
        after = "even after staff use their discretion, " if model.discretion > 0 else ""
        return (f"Standard routes take {_pct(sigma)} of requests, but only {_pct(simple)} are "
                f"simple: {after}{_pct(routing.misrouted)} of complex cases go down routes "
                f"built for simple ones. Expect more failure demand, escalations and burnout.")
    if routing.overserved >= 0.005:
        return (f"Standard routes take only {_pct(sigma)} of requests, though {_pct(simple)} "
                f"are simple: {_pct(routing.overserved)} of simple requests get personal "
                f"handling they do not need, which costs staff time and money.")
    return (f"Standard routes take about the {_pct(simple)} of requests that are simple: "
            f"standardise when you can, personalise when you must.")


def summarise_stock(scenarios: Mapping[str, StewardshipModel], stock: str) -> str:
    """Compare the scenarios on one stock at the end of the period, in one or two sentences.

    Examples
    --------
    >>> runs = {"A": StewardshipModel(), "B": StewardshipModel(standardisation=0.6)}
    >>> print(summarise_stock(runs, "failure_demand"))  # doctest: +NORMALIZE_WHITESPACE
    Failure demand after 5 years: 50% of contacts in A and 41% in B (50% today). B ends
    9 percentage points lower, which is better.
    """
    check_scenarios(scenarios)
    if stock not in SHARE_STOCKS:
        raise ValueError(f"stock must be one of {', '.join(SHARE_STOCKS)}, not {stock!r}")
    ends = {name: model.final()[stock] for name, model in scenarios.items()}
    values = [f"{_pct(value)}{_OF[stock] if i == 0 else ''} in {name}"
              for i, (name, value) in enumerate(ends.items())]
    text = (f"{STOCK_LABELS[stock]} after {_years(scenarios)}: {_listing(values)} "
            f"({_pct(START[stock])} today).")
    lower = stock in LOWER_IS_BETTER
    ranked = sorted(ends, key=lambda name: ends[name], reverse=not lower)
    best, runner_up = ranked[0], ranked[1]
    gap = round(abs(ends[best] - ends[runner_up]) * 100)
    if gap == 0:
        return f"{text} {'They end' if len(ends) == 2 else 'The best two end'} level."
    direction = "lower" if lower else "higher"
    points = f"{gap} percentage point{'s' if gap != 1 else ''}"
    if len(ends) == 2:
        return f"{text} {best} ends {points} {direction}, which is better."
    return f"{text} {best} ends best, {points} {direction} than {runner_up}."


def summarise_stocks(scenarios: Mapping[str, StewardshipModel]) -> str:
    """Compare the scenarios on trust, capability, failure demand and burnout.

    Examples
    --------
    >>> runs = {"A": StewardshipModel(), "B": StewardshipModel(community_share=0.1)}
    >>> print(summarise_stocks(runs))  # doctest: +ELLIPSIS
    Trust after 5 years: 40% in A and 53% in B (40% today). B ends 13 percentage points ...
    """
    return " ".join([*(summarise_stock(scenarios, stock) for stock in SHARE_STOCKS),
                     NOT_A_FORECAST])


def _panel(stock: str, ends: dict[str, float]) -> str:
    return f"{STOCK_LABELS[stock]} ({', '.join(f'{n} {_pct(v)}' for n, v in ends.items())})"


def _channel(field: str, kind: str, **props: Any) -> dict[str, Any]:
    """Return a Vega-Lite encoding channel as a plain dictionary (see the module docstring)."""
    return {"field": field, "type": kind, **props}


def _mark(kind: str, **props: Any) -> Any:
    """Return a Vega-Lite mark as a plain dictionary (altair's types expect its own objects)."""
    return {"type": kind, **props}


def _by_scenario(names: list[str], position: int) -> dict[str, Any]:
    """Colour (0), dash (1) or point shape (2) for each scenario, with one shared legend."""
    return _channel("scenario", "nominal", title="Scenario",
                    legend={"orient": "bottom"},
                    scale={"domain": names, "range": [_STYLES[i][position]
                                                      for i in range(len(names))]})


def _key(names: list[str]) -> str:
    return "; ".join(f"{name}: {_DASH_WORDS[i]}, {_SHAPE_WORDS[_STYLES[i][2]]}"
                     for i, name in enumerate(names))


def _month_axis(months: int) -> dict[str, Any]:
    return _channel("month", "quantitative", title="Months from today",
                    scale={"domain": [0, months]},
                    axis={"values": list(range(0, months + 1, 12))})


def _layers(names: list[str], value: dict[str, Any]) -> list[alt.Chart]:
    """Draw a line per scenario, a point each year, and a text label at each line's end."""
    line = alt.Chart(mark=_mark("line", strokeWidth=2.2), encoding=alt.FacetedEncoding(
        strokeDash=_by_scenario(names, 1),
        tooltip=[_channel("scenario", "nominal", title="Scenario"),
                 _channel("month", "quantitative", title="Month"), value],
    ))
    points = alt.Chart(mark=_mark("point", filled=True, size=45),
                       transform=[{"filter": "datum.month % 12 == 0"}],
                       encoding=alt.FacetedEncoding(shape=_by_scenario(names, 2)))
    labels = alt.Chart(
        mark=_mark("text", align="left", baseline="middle", dx=5, fontSize=11),
        transform=[{"filter": "isValid(datum.label)"}],
        encoding=alt.FacetedEncoding(y=_channel("label_y", "quantitative"),
                                     text=_channel("label", "nominal")),
    )
    return [line, points, labels]


def _label_heights(ends: dict[str, float], gap: float) -> dict[str, float]:
    """Where to put each scenario's end label: the highest line's above, the lowest's below."""
    ranked = sorted(ends, key=lambda name: ends[name])
    offsets = [-gap, gap] if len(ranked) == 2 else [-gap, 0.0, gap]
    return {name: ends[name] + offset for name, offset in zip(ranked, offsets, strict=True)}


def _every(months: int, step: int) -> list[int]:
    """List the months drawn: every ``step``-th month and the last (lines stay smooth)."""
    return sorted({*range(0, months + 1, step), months})


def stock_trends(scenarios: Mapping[str, StewardshipModel]) -> alt.FacetChart:
    """Four small charts, one per stock (trust, capability, failure demand, burnout).

    Each shows every scenario over the period, drawn every two months; a point marks
    each year, and each line ends in a label with its scenario's name and value. Panel
    headings give the values at the end of the period.

    Examples
    --------
    >>> runs = {"A": StewardshipModel(), "B": StewardshipModel(discretion=0.6)}
    >>> stock_trends(runs).to_dict()["title"]["text"]
    'Trust, capability, failure demand and burnout'
    """
    check_scenarios(scenarios)
    names = list(scenarios)
    months = next(iter(scenarios.values())).months
    drawn = _every(months, 2)
    ends = {stock: {name: model.final()[stock] for name, model in scenarios.items()}
            for stock in SHARE_STOCKS}
    # Rows stay small (the chart is sent to the browser on every change): only the last
    # row of each line carries its label, and panel headings are looked up by stock.
    rows: list[dict[str, Any]] = []
    for stock in SHARE_STOCKS:
        heights = _label_heights(ends[stock], 0.07)
        for name, model in scenarios.items():
            values = model.series(stock)
            rows.extend({"month": month, "value": values[month], "scenario": name,
                         "stock": stock} for month in drawn)
            rows[-1].update(label=f"{name} {_pct(values[-1])}", label_y=heights[name])
    # A Vega expression; json.dumps quotes each heading safely, whatever the scenarios' names.
    headings = " : ".join(f"datum.value == '{stock}' ? {json.dumps(_panel(stock, ends[stock]))}"
                          for stock in SHARE_STOCKS) + " : datum.value"
    layer = alt.LayerChart(
        layer=_layers(names, _channel("value", "quantitative", title="Value", format=".0%")),
        encoding=alt.FacetedEncoding(
            x=_month_axis(months),
            y=_channel("value", "quantitative", title="Share", axis={"format": "%"},
                       scale={"domain": [0, 1]}),
            color=_by_scenario(names, 0),
        ),
        width=190,
        height=130,
    )
    return alt.FacetChart(
        data={"values": rows},
        spec=layer,
        facet=_channel("stock", "nominal", title=None, sort=list(SHARE_STOCKS),
                       header={"labelExpr": headings, "labelFontSize": 12,
                               "labelFontWeight": "bold", "labelLimit": 0}),
        columns=2,
        title={"text": "Trust, capability, failure demand and burnout",
               "subtitle": [f"Over {_years(scenarios)}; values at the end in brackets. "
                            "Illustrative model, not a forecast.", _key(names)]},
        description=summarise_stocks(scenarios),
    )


def summarise_spend(scenarios: Mapping[str, StewardshipModel]) -> str:
    """Compare what the scenarios spend over the period, and when investment pays back.

    Examples
    --------
    >>> runs = {"A": StewardshipModel(), "B": StewardshipModel(community_share=0.1)}
    >>> print(summarise_spend(runs))  # doctest: +NORMALIZE_WHITESPACE
    Over 5 years A spends £1.26m and B £1.27m, £7,510 more; that includes £25,200 and
    £126,000 of community investment. In the last month A spends £21,000 and B £20,000.
    B costs more at first, but its monthly spend falls below A's in month 29. This is an
    illustrative teaching model, not a forecast.
    """
    check_scenarios(scenarios)
    totals = {name: model.totals() for name, model in scenarios.items()}
    finals = {name: model.final()["spend"] for name, model in scenarios.items()}
    names = list(scenarios)
    reference = names[0]
    spends = [f"{name} {_money(totals[name]['spend'])}" if i else
              f"{name} spends {_money(totals[name]['spend'])}" for i, name in enumerate(names)]
    text = f"Over {_years(scenarios)} {_listing(spends)}"
    if len(names) == 2:
        gap = totals[names[1]]["spend"] - totals[reference]["spend"]
        text += (f", {_money(abs(gap))} {'more' if gap > 0 else 'less'}" if round(gap) else
                 ", the same")
    investments = [_money(totals[name]["community_investment"]) for name in names]
    text += f"; that includes {_listing(investments)} of community investment."
    lasts = [f"{name} {'spends ' if i == 0 else ''}{_money(finals[name])}"
             for i, name in enumerate(names)]
    text += f" In the last month {_listing(lasts)}."
    for name in names[1:]:
        text += _payback(scenarios[reference], scenarios[name], reference, name)
    return f"{text} {NOT_A_FORECAST}"


def _payback(first: StewardshipModel, other: StewardshipModel, a: str, b: str) -> str:
    """Say whether ``other`` costs more at first and less later; '' if it never costs more."""
    gaps = [b_spend - a_spend for a_spend, b_spend
            in zip(first.series("spend"), other.series("spend"), strict=True)][1:]
    if not gaps or gaps[0] <= 0.5:
        return ""
    cheaper = next((month for month, gap in enumerate(gaps, start=1) if gap < -0.5), None)
    if cheaper is None:
        return f" {b} costs more than {a} every month."
    return f" {b} costs more at first, but its monthly spend falls below {a}'s in month {cheaper}."


def spend_trend(scenarios: Mapping[str, StewardshipModel]) -> alt.LayerChart:
    """Line chart of spend each month for every scenario, each line labelled with its total.

    Drawn every two months; a point marks each year.

    Examples
    --------
    >>> runs = {"A": StewardshipModel(), "B": StewardshipModel(community_share=0.1)}
    >>> spend_trend(runs).to_dict()["title"]["text"]
    'Spend, month by month'
    """
    check_scenarios(scenarios)
    names = list(scenarios)
    months = next(iter(scenarios.values())).months
    drawn = _every(months, 2)
    spends = {name: model.series("spend") for name, model in scenarios.items()}
    top = max(max(values) for values in spends.values())
    heights = _label_heights({name: values[-1] for name, values in spends.items()}, 0.07 * top)
    rows: list[dict[str, Any]] = []
    for name, model in scenarios.items():
        values = spends[name]
        rows.extend({"month": month, "spend": values[month], "scenario": name}
                    for month in drawn)
        rows[-1].update(label=f"{name}: {_money(model.totals()['spend'])} in all",
                        label_y=heights[name])
    return alt.LayerChart(
        layer=_layers(names, _channel("spend", "quantitative", title="Spend that month (£)",
                                      format=",.0f")),
        data={"values": rows},
        encoding=alt.FacetedEncoding(
            x=_month_axis(months),
            y=_channel("spend", "quantitative", title="Spend (£ a month)",
                       axis={"format": "~s", "labelExpr": "'£' + datum.label"},
                       scale={"zero": True}),
            color=_by_scenario(names, 0),
        ),
        title={"text": "Spend, month by month",
               "subtitle": [f"Services and community investment, over {_years(scenarios)}. "
                            "Illustrative model, not a forecast.", _key(names)]},
        description=summarise_spend(scenarios),
        width=WIDTH,
        height=200,
    )
