"""Charts of value and failure demand, each with a sentence that says the same thing.

Every builder takes a :class:`~compass_widgets.models.demand.DemandAnalysis`,
aggregates first (a chart never carries the raw contacts) and returns a new
``alt.Chart`` with a title and a ``description`` that screen readers announce.
The matching ``summarise_*`` function returns that description as plain text, to
print beside the chart.
"""

from __future__ import annotations

from typing import cast

import altair as alt
import pandas as pd

from ..models.demand import ALL, DemandAnalysis
from . import quick

WIDTH = 420


def _scope(analysis: DemandAnalysis) -> str:
    service = "all services" if analysis.service == ALL else analysis.service
    channel = "all channels" if analysis.channel == ALL else analysis.channel
    return f"{service}, {channel}"


def period_text(analysis: DemandAnalysis) -> str:
    """Say how long the whole log covers, for sentences about totals.

    Examples
    --------
    >>> from compass_widgets import load_contacts
    >>> period_text(DemandAnalysis(load_contacts()))
    'a year'
    """
    dates = analysis.contacts["date"]
    days = (dates.max() - dates.min()).days + 1 if len(dates) else 0
    if days >= 335:
        return "a year" if days <= 396 else f"{days / 365.25:.1f} years"
    months = max(1, round(days / 30.44))
    return f"{months} month{'s' if months > 1 else ''}"


def _pct(share: float) -> str:
    return f"{share:.0%}"


def summarise_trend(analysis: DemandAnalysis) -> str:
    """Describe the month-by-month failure-demand share in one or two sentences.

    Examples
    --------
    >>> from compass_widgets import load_contacts
    >>> print(summarise_trend(DemandAnalysis(load_contacts())))  # doctest: +ELLIPSIS
    Failure demand was 53% of 5,000 contacts (all services, all channels). ...
    """
    months = analysis.by_month()
    if months.empty:
        return f"There are no contacts for {_scope(analysis)}."
    share = months["failure_share"]
    first, last, high = float(share.iloc[0]), float(share.iloc[-1]), share.idxmax()
    change = last - first
    direction = "rose" if change > 0.005 else "fell" if change < -0.005 else "stayed level"
    return (
        f"Failure demand was {_pct(analysis.failure_share())} of {analysis.contact_count:,} "
        f"contacts ({_scope(analysis)}). Month by month it {direction}, from "
        f"{_pct(first)} in {months.index[0]:%B %Y} to {_pct(last)} in "
        f"{months.index[-1]:%B %Y}; the highest month was {high:%B %Y} at "
        f"{_pct(float(share.max()))}."
    )


@quick
def demand_trend(analysis: DemandAnalysis) -> alt.LayerChart:
    """Line chart of the failure-demand share per month, with the year's average as a rule.

    Examples
    --------
    >>> from compass_widgets import load_contacts
    >>> chart = demand_trend(DemandAnalysis(load_contacts()))
    >>> chart.to_dict()["title"]["text"]
    'Failure demand, month by month'
    """
    months = analysis.by_month().reset_index()
    months["share_label"] = months["failure_share"].map(_pct)
    # Data go on the layer and channels are spelt as objects: both spare altair work
    # it would repeat on every redraw (hashing shared data, parsing shorthand strings).
    base = alt.Chart().encode(
        x=alt.X("month:T", title="Month", axis=alt.Axis(format="%b %Y", labelAngle=-40)),
        y=alt.Y("failure_share:Q", title="Failure demand (share of contacts)",
                axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        tooltip=[
            alt.Tooltip("month:T", title="Month", format="%B %Y"),
            alt.Tooltip("share_label:N", title="Failure demand"),
            alt.Tooltip("failure_contacts:Q", title="Failure contacts"),
            alt.Tooltip("contacts:Q", title="All contacts"),
        ],
    )
    line = base.mark_line(point=alt.OverlayMarkDef(size=50, filled=True), strokeWidth=2.5)
    # The subtitle names the dashed line: hidden from screen readers, which would
    # otherwise meet an image with no name (a layer of marks with no description).
    average = alt.Chart().mark_rule(strokeDash=[6, 4], color="#555555", aria=False).encode(
        y=alt.datum(analysis.failure_share())
    )
    return cast(alt.LayerChart, alt.layer(
        line,
        average,
        data=months,
        title=alt.TitleParams(
            "Failure demand, month by month",
            subtitle=f"{_scope(analysis)}; dashed line: average over {period_text(analysis)}",
        ),
        description=summarise_trend(analysis),
        width=WIDTH,
        height=220,
    ))


def summarise_breakdown(analysis: DemandAnalysis, by: str = "service") -> str:
    """Describe which services (or channels) carry the most failure demand.

    Examples
    --------
    >>> from compass_widgets import load_contacts
    >>> print(summarise_breakdown(DemandAnalysis(load_contacts())))  # doctest: +ELLIPSIS
    Waste and recycling has the highest share of failure demand (57% of 902 contacts)...
    """
    table = _table(analysis, by)
    if table.empty:
        return f"There are no contacts for {_scope(analysis)}."
    top, bottom = table.iloc[0], table.iloc[-1]
    costliest = table.iloc[int(table["failure_cost"].to_numpy().argmax())]
    text = (
        f"{top.name} has the highest share of failure demand ({_pct(top['failure_share'])} "
        f"of {int(top['contacts']):,} contacts)"
    )
    if len(table) > 1:
        text += f"; {bottom.name} the lowest ({_pct(bottom['failure_share'])})"
    return (
        f"{text}. Handling failure demand costs most in {costliest.name}: "
        f"£{costliest['failure_cost']:,.0f} in {period_text(analysis)} at "
        f"£{analysis.cost_per_minute:.2f} a minute."
    )


def _table(analysis: DemandAnalysis, by: str) -> pd.DataFrame:
    if by == "service":
        return analysis.by_service()
    if by == "channel":
        return analysis.by_channel()
    raise ValueError(f"by must be 'service' or 'channel', not {by!r}")


@quick
def demand_breakdown(analysis: DemandAnalysis, by: str = "service") -> alt.LayerChart:
    """Horizontal bars of the failure-demand share per service (or channel), labelled in text.

    Examples
    --------
    >>> from compass_widgets import load_contacts
    >>> chart = demand_breakdown(DemandAnalysis(load_contacts()), by="channel")
    >>> chart.to_dict()["title"]["text"]
    'Failure demand by channel'
    """
    table = _table(analysis, by).reset_index()
    table["share_label"] = table["failure_share"].map(_pct)
    table["cost_label"] = table["failure_cost"].map(lambda c: f"£{c:,.0f}")
    base = alt.Chart().encode(
        y=alt.Y(f"{by}:N", title=by.capitalize(), sort="-x"),
        x=alt.X("failure_share:Q", title="Failure demand (share of contacts)",
                axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        tooltip=[
            alt.Tooltip(f"{by}:N", title=by.capitalize()),
            alt.Tooltip("share_label:N", title="Failure demand"),
            alt.Tooltip("contacts:Q", title="Contacts"),
            alt.Tooltip("cost_label:N", title="Cost of failure demand"),
        ],
    )
    bars = base.mark_bar(color="#2c6e91")
    labels = base.mark_text(align="left", dx=4, fontSize=12).encode(
        text=alt.Text("share_label:N")
    )
    return cast(alt.LayerChart, alt.layer(
        bars,
        labels,
        data=table,
        title=alt.TitleParams(f"Failure demand by {by}", subtitle=_scope(analysis)),
        description=summarise_breakdown(analysis, by),
        width=WIDTH,
        height=alt.Step(28),
    ))
