"""Charts of what each measure rewards, and of the signs of gaming, each with a sentence.

Every builder takes a :class:`~compass_widgets.models.measures.MeasureAnalysis`,
aggregates first (a chart carries one row per provider, day or level of
complexity, never the referrals) and returns a new ``alt.LayerChart`` with a title
and a ``description`` that screen readers announce. The matching ``summarise_*``
function returns that description as plain text, to print beside the chart.
Meaning is never carried by colour alone: bars carry text labels, the threshold
is a labelled line, and the bands either side of it are named in text.
"""

from __future__ import annotations

import math
from typing import cast

import altair as alt
import pandas as pd

from ..models.measures import ALL, BUNCHING_SIGN, CREAMING_SIGN, MEASURES, MeasureAnalysis
from . import quick

WIDTH = 420

#: Fill of the waiting-time bars by band: the bands are also named in text on the chart.
BAND_COLOURS = {"inside": "#D55E00", "outside": "#0072B2", "flank": "#9e9e9e",
                "other": "#cfcfcf"}


def _values(records: list[dict[str, object]]) -> dict[str, list[dict[str, object]]]:
    """Return a few plain records as chart data, for a layer with data of its own."""
    return {"values": records}


def _pct(share: float) -> str:
    """Write a share as a percentage; a share of nobody (NaN) as "nobody taken on"."""
    return "nobody taken on" if math.isnan(share) else f"{share:.0%}"


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}{'' if n == 1 else 's'}"


def _ordinal(n: int) -> str:
    """Write 1 as 1st, 2 as 2nd, 11 as 11th.

    Examples
    --------
    >>> [_ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22)]
    ['1st', '2nd', '3rd', '4th', '11th', '12th', '13th', '21st', '22nd']
    """
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def quarter_text(analysis: MeasureAnalysis) -> str:
    """Say which quarter the figures cover, for subtitles and sentences.

    Examples
    --------
    >>> from compass_widgets.data.kpi_returns import load_kpi_returns
    >>> quarter_text(MeasureAnalysis(load_kpi_returns()))
    'all quarters'
    """
    return "all quarters" if analysis.quarter == ALL else analysis.quarter


def _no_referrals(analysis: MeasureAnalysis, provider: str | None = None) -> str:
    who = f" to {provider}" if provider else ""
    return f"There are no referrals{who} in {quarter_text(analysis)}."


# -- switch measures: the ranking under one measure -------------------------------------


def summarise_ranking(analysis: MeasureAnalysis, measure: str = "target_met") -> str:
    """Describe the ranking of providers under one measure, and what that measure rewards.

    Examples
    --------
    >>> from compass_widgets.data.kpi_returns import load_kpi_returns
    >>> analysis = MeasureAnalysis(load_kpi_returns())
    >>> print(summarise_ranking(analysis, "outcomes_per_referral"))  # doctest: +ELLIPSIS
    Ranked by 'improved, of everyone referred', Ashworth Peer Network comes first ...
    """
    ranking = analysis.ranking(measure)
    if ranking.empty:
        return _no_referrals(analysis)
    top, bottom = ranking.iloc[0], ranking.iloc[-1]
    text = (f"Ranked by '{MEASURES[measure].short}', {top.name} comes first "
            f"({_pct(top['value'])})")
    if len(ranking) > 1:
        text += f" and {bottom.name} last ({_pct(bottom['value'])})"
    text += f", in {quarter_text(analysis)}. This measure rewards {MEASURES[measure].rewards}."
    others = [m for m in MEASURES if m != measure]
    ranks = analysis.ranks()
    moves = [f"{_ordinal(dict(zip(ranks.index, ranks[m].tolist(), strict=True))[top.name])} on "
             f"'{MEASURES[m].short}'" for m in others]
    if len(ranking) > 1:
        text += f" Under the other measures, {top.name} is {' and '.join(moves)}."
    return text


@quick
def measure_ranking(analysis: MeasureAnalysis, measure: str = "target_met") -> alt.LayerChart:
    """Horizontal bars of each provider's value under one measure, best first, labelled.

    Each bar is labelled with the provider's rank and value.

    Examples
    --------
    >>> from compass_widgets.data.kpi_returns import load_kpi_returns
    >>> chart = measure_ranking(MeasureAnalysis(load_kpi_returns()), "improved_rate")
    >>> chart.to_dict()["title"]["text"]
    'Improved at six months (share of people taken on)'
    """
    table = analysis.ranking(measure).reset_index()
    table["label"] = [f"{_ordinal(int(r))} · {_pct(v)}" for r, v in
                      zip(table["rank"], table["value"], strict=True)]
    base = alt.Chart().encode(
        y=alt.Y("provider:N", title=None, sort=list(table["provider"])),
        x=alt.X("value:Q", title="Share", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
    )
    bars = base.mark_bar(color="#2c6e91").encode(tooltip=[
        alt.Tooltip("provider:N", title="Provider"),
        alt.Tooltip("label:N", title="Rank and value"),
    ])
    labels = base.mark_text(align="left", dx=4, fontSize=12).encode(text=alt.Text("label:N"))
    return cast(alt.LayerChart, alt.layer(
        bars,
        labels,
        data=table,
        title=alt.TitleParams(
            MEASURES[measure].label,
            subtitle=[f"{quarter_text(analysis)}; best first",
                      f"Rewards {MEASURES[measure].rewards_briefly}"],
        ),
        description=summarise_ranking(analysis, measure),
        width=WIDTH,
        height=alt.Step(30),
    ))


# -- bunching: waiting times around the threshold -----------------------------------------------


def summarise_waiting_times(analysis: MeasureAnalysis, provider: str) -> str:
    """Describe one provider's first appointments around the threshold, and the bunching sign.

    Examples
    --------
    >>> from compass_widgets.data.kpi_returns import load_kpi_returns
    >>> analysis = MeasureAnalysis(load_kpi_returns())
    >>> print(summarise_waiting_times(analysis, "Canal Side Care Ltd"))  # doctest: +ELLIPSIS
    Canal Side Care Ltd saw 86% of the people it took on within 28 days (all quarters). ...
    """
    row = analysis.figures(provider)
    if row is None:
        return _no_referrals(analysis, provider)
    if not row["accepted"]:
        return (f"{provider} took on none of its {_count(row['referrals'], 'referral')} "
                f"({quarter_text(analysis)}), so there are no waiting times to show.")
    inside, outside = analysis.inside_days, analysis.outside_days
    text = (f"{provider} saw {_pct(row['target_met'])} of the people it took on within "
            f"{analysis.threshold_days} days ({quarter_text(analysis)}). "
            f"{_count(row['just_inside'], 'first appointment')} fell just inside the line "
            f"(days {inside[0]}-{inside[-1]}) and {row['just_outside']} just outside it (days "
            f"{outside[0]}-{outside[-1]})")
    index = row["bunching_index"]
    if math.isnan(index):
        return (f"{text}. That is too few cases near the line to judge bunching; try all "
                "quarters together.")
    expected = row["expected_inside"] / row["expected_outside"]
    text += (f"; a smooth spread of waits would give about {expected:.1f} inside for every one "
             f"outside. Bunching index: {index:.1f}")
    if index >= BUNCHING_SIGN:
        return (f"{text}, a sign of bunching worth asking about: appointments may be "
                "being moved to just inside the target.")
    return f"{text}, no sign of bunching."


@quick
def waiting_times(analysis: MeasureAnalysis, provider: str) -> alt.LayerChart:
    """Bars of first appointments per day of waiting, with the threshold drawn and labelled.

    The bands just inside and just outside the threshold are filled differently and
    named in text with their counts; a dashed line shows what a smooth spread of
    waits would give (the line the bunching index is measured against).

    Examples
    --------
    >>> from compass_widgets.data.kpi_returns import load_kpi_returns
    >>> chart = waiting_times(MeasureAnalysis(load_kpi_returns()), "Canal Side Care Ltd")
    >>> chart.to_dict()["title"]["text"]
    'Days to first appointment: Canal Side Care Ltd'
    """
    days = analysis.waiting_days(provider).reset_index()
    days["band_label"] = days["band"].map({"inside": "Just inside", "outside": "Just outside",
                                           "flank": "Either side", "other": "Further away"})
    line = analysis.threshold_days + 0.5
    n_in = int(days.loc[days["band"] == "inside", "cases"].sum())
    n_out = int(days.loc[days["band"] == "outside", "cases"].sum())
    top = max(int(days["cases"].max()), 1)
    inside, outside = analysis.inside_days, analysis.outside_days
    # Labels either side of the threshold line: to its right (left-aligned) the target
    # and the count just outside; to its left (right-aligned) the count just inside.
    right = _values([
        {"x": line, "y": top * 1.3, "text": f"Target: {analysis.threshold_days} days"},
        {"x": line, "y": top * 1.14,
         "text": f"{n_out} just outside (days {outside[0]}-{outside[-1]})"}])
    left = _values([{"x": line, "y": top * 1.14,
                             "text": f"{n_in} just inside (days {inside[0]}-{inside[-1]})"}])
    last = int(days["day"].max())
    bars = alt.Chart().mark_bar(size=max(1.0, 0.8 * WIDTH / (last + 1))).encode(
        x=alt.X("day:Q", title="Days from referral to first appointment",
                scale=alt.Scale(domain=[-0.5, last + 0.5], nice=False)),
        y=alt.Y("cases:Q", title="First appointments", scale=alt.Scale(domain=[0, top * 1.4])),
        color=alt.Color("band_label:N", title=None,
                        scale=alt.Scale(domain=["Just inside", "Just outside", "Either side",
                                                "Further away"],
                                        range=list(BAND_COLOURS.values())),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("day:Q", title="Days"), alt.Tooltip("cases:Q", title="Cases"),
                 alt.Tooltip("band_label:N", title="Band")],
    )
    smooth = alt.Chart().mark_line(strokeDash=[5, 3], color="#222222").encode(
        x=alt.X("day:Q"), y=alt.Y("expected:Q"))
    rule = alt.Chart(left).mark_rule(color="#222222", strokeWidth=2).encode(x=alt.X("x:Q"))
    right_text = alt.Chart(right).mark_text(align="left", dx=5, fontSize=12,
                                            fontWeight="bold").encode(
        x=alt.X("x:Q"), y=alt.Y("y:Q"), text=alt.Text("text:N"))
    left_text = alt.Chart(left).mark_text(align="right", dx=-5, fontSize=12,
                                          fontWeight="bold").encode(
        x=alt.X("x:Q"), y=alt.Y("y:Q"), text=alt.Text("text:N"))
    return cast(alt.LayerChart, alt.layer(
        bars,
        smooth,
        rule,
        right_text,
        left_text,
        data=days,
        title=alt.TitleParams(
            f"Days to first appointment: {provider}",
            subtitle=f"{quarter_text(analysis)}; dashed line: what a smooth spread of waits "
            "would give",
        ),
        description=summarise_waiting_times(analysis, provider),
        width=WIDTH,
        height=220,
    ))


# -- creaming: who is taken on -----------------------------------------------------------------


def summarise_acceptance(analysis: MeasureAnalysis, provider: str) -> str:
    """Describe who one provider takes on, by complexity, and the creaming sign.

    Examples
    --------
    >>> from compass_widgets.data.kpi_returns import load_kpi_returns
    >>> analysis = MeasureAnalysis(load_kpi_returns())
    >>> print(summarise_acceptance(analysis, "Station Fields Support CIC"))  # doctest: +ELLIPSIS
    Station Fields Support CIC took on 97% of low-complexity referrals and 33% of high-...
    """
    row = analysis.figures(provider)
    if row is None:
        return _no_referrals(analysis, provider)
    low, high = row["acceptance_low"], row["acceptance_high"]
    when = quarter_text(analysis)
    if math.isnan(low) or math.isnan(high):
        missing = "- or ".join(level for level, rate in (("low", low), ("high", high))
                              if math.isnan(rate))
        return (f"{provider} had no {missing}-complexity referrals ({when}), so there is no "
                "creaming index: it compares referrals of both kinds.")
    text = (f"{provider} took on {low:.0%} of low-complexity referrals and {high:.0%} of "
            f"high-complexity ones ({when})")
    index = row["creaming_index"]
    if math.isnan(index):
        return (f"{text}, so there is no creaming index: with no low-complexity referral "
                "taken on there is nothing to compare with.")
    text += f". Creaming index: {index:.2f}"
    if index <= CREAMING_SIGN:
        improved, per_referral = row["improved_rate"], row["outcomes_per_referral"]
        return (f"{text}, a sign of creaming worth asking about: the people turned away are "
                f"the hardest to help. {_pct(improved)} of the people it took on improved, "
                f"but only {_pct(per_referral)} of everyone referred to it.")
    return f"{text}, no sign of creaming."


@quick
def acceptance_chart(analysis: MeasureAnalysis, provider: str) -> alt.LayerChart:
    """Bars of one provider's acceptance rate by complexity, with every provider's as ticks.

    Each bar is labelled with its rate and counts; a black tick marks the rate across
    all providers in scope, for comparison.

    Examples
    --------
    >>> from compass_widgets.data.kpi_returns import load_kpi_returns
    >>> chart = acceptance_chart(MeasureAnalysis(load_kpi_returns()), "Canal Side Care Ltd")
    >>> chart.to_dict()["title"]["text"]
    'Referrals taken on, by complexity: Canal Side Care Ltd'
    """
    mine = analysis.acceptance_by_complexity(provider)
    everyone = analysis.acceptance_by_complexity()
    table = pd.DataFrame({
        "complexity": [c.capitalize() for c in mine.index],
        "rate": mine["acceptance_rate"].to_numpy(),
        "everyone": everyone["acceptance_rate"].to_numpy(),
        "label_x": pd.concat([mine["acceptance_rate"], everyone["acceptance_rate"]],
                             axis=1).max(axis=1).to_numpy(),
        "label": [f"{_pct(r)} ({a} of {n})" for r, a, n in
                  zip(mine["acceptance_rate"], mine["accepted"], mine["referrals"],
                      strict=True)],
    })
    base = alt.Chart().encode(
        y=alt.Y("complexity:N", title="Complexity", sort=list(table["complexity"])),
    )
    bars = base.mark_bar(color="#2c6e91").encode(
        x=alt.X("rate:Q", title="Share of referrals taken on", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        tooltip=[alt.Tooltip("complexity:N", title="Complexity"),
                 alt.Tooltip("label:N", title="Taken on"),
                 alt.Tooltip("everyone:Q", title="All providers", format=".0%")])
    ticks = base.mark_tick(color="black", thickness=3, size=26).encode(x=alt.X("everyone:Q"))
    labels = base.mark_text(align="left", dx=6, fontSize=12).encode(
        x=alt.X("label_x:Q"), text=alt.Text("label:N"))
    return cast(alt.LayerChart, alt.layer(
        bars,
        ticks,
        labels,
        data=table,
        title=alt.TitleParams(
            f"Referrals taken on, by complexity: {provider}",
            subtitle=f"{quarter_text(analysis)}; black tick: all providers",
        ),
        description=summarise_acceptance(analysis, provider),
        width=WIDTH,
        height=alt.Step(30),
    ))
