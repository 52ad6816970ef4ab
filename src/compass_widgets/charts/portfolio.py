"""Charts of a contract portfolio, each with a sentence that says the same thing.

Every builder takes a :class:`~compass_widgets.models.portfolio.PortfolioAnalysis`,
aggregates first (a chart carries one row per category or contract, never the KPI
rows) and returns a new ``alt.LayerChart`` with a title and a ``description`` that
screen readers announce. The matching ``summarise_*`` function returns that
description as plain text, to print beside the chart. Meaning is never carried by
colour alone: bars carry text labels, and the groups of contracts on the KPI and
outcome map differ in shape as well as colour.
"""

from __future__ import annotations

import math
from typing import Any, cast

import altair as alt
import pandas as pd

from ..models.portfolio import ALL, SPLITS, PortfolioAnalysis
from . import quick

WIDTH = 420
MAP_HEIGHT = 300

#: Groups of contracts on the KPI and outcome map: key -> (legend label, shape, colour).
#: Colours from the Okabe-Ito palette, which people with colour-blindness can tell apart.
GROUPS = {
    "blind_spot": ("Every KPI met, outcome poor", "triangle-up", "#D55E00"),
    "green": ("Every KPI met, outcome not poor", "circle", "#009E73"),
    "hidden_strength": ("KPI missed, outcome better", "diamond", "#0072B2"),
    "red": ("KPI missed, outcome not better", "square", "#7f7f7f"),
}


def scope_text(analysis: PortfolioAnalysis) -> str:
    """Say which contracts are in scope, for subtitles and sentences.

    Examples
    --------
    >>> from compass_widgets.data.contracts import load_contracts
    >>> scope_text(PortfolioAnalysis(load_contracts(), lot="Home care"))
    'Home care, all providers, all neighbourhoods'
    """
    parts = [(analysis.lot, "all lots"), (analysis.provider, "all providers"),
             (analysis.neighbourhood, "all neighbourhoods")]
    return ", ".join(everything if value == ALL else value for value, everything in parts)


def money(pounds: float) -> str:
    """Write an amount of money briefly: £1.2m from a million up, else in whole pounds.

    Examples
    --------
    >>> money(29_763_000), money(920_000), money(92.5)
    ('£29.8m', '£920,000', '£92')
    """
    if abs(pounds) >= 1_000_000:
        return f"£{pounds / 1_000_000:.1f}m"
    return f"£{pounds:,.0f}"


def per_unit(unit: str) -> str:
    """Name one unit of a plural unit, for "£32.10 per hour".

    Examples
    --------
    >>> [per_unit(u) for u in ("hours", "bed-nights", "enquiries", "journeys", "mixed")]
    ['hour', 'bed-night', 'enquiry', 'journey', 'mixed']
    """
    if unit.endswith("ies"):
        return unit[:-3] + "y"
    return unit[:-1] if unit.endswith("s") else unit


def _rows(table: pd.DataFrame) -> list[Any]:
    """Return a small table's rows as named tuples (the index is ``Index``)."""
    return list(table.itertuples())


def _values(records: list[dict[str, object]]) -> dict[str, list[dict[str, object]]]:
    """Return a few plain records (no NaN) as chart data, for a layer with data of its own."""
    return {"values": records}


def _pct(share: float) -> str:
    return f"{share:.0%}"


def _measure(name: str) -> str:
    """Return an outcome measure's name without its unit, for a sentence."""
    return name.removesuffix(" (%)").strip()


def _none(analysis: PortfolioAnalysis) -> str:
    return f"There are no contracts for {scope_text(analysis)}."


# -- spend by how it is paid, or by what its KPIs measure -----------------------------------


def summarise_spend_split(analysis: PortfolioAnalysis, split: str = "payment_basis") -> str:
    """Describe how the spend in scope divides by payment basis or by what its KPIs measure.

    Examples
    --------
    >>> from compass_widgets.data.contracts import load_contracts
    >>> print(summarise_spend_split(PortfolioAnalysis(load_contracts())))  # doctest: +ELLIPSIS
    Of £29.8m a year on 40 contracts (all lots, ...), 52% is paid as a fixed sum (block), ...
    """
    table = analysis.spend_by(split)
    if analysis.contract_count == 0:
        return _none(analysis)
    total = money(analysis.total_spend())
    shares = [f"{_pct(row.share)} {_phrase(split, str(key))}" for key, row in table.iterrows()]
    listed = f"{', '.join(shares[:-1])} and {shares[-1]}"
    if split == "payment_basis":
        return (f"Of {total} a year on {analysis.contract_count} contracts "
                f"({scope_text(analysis)}), {listed}.")
    top = table["share"].idxmax()
    return (f"Splitting each contract's spend equally among its KPIs, of {total} a year on "
            f"{analysis.contract_count} contracts ({scope_text(analysis)}), {listed}. "
            f"Most of the money is watched through {_phrase(split, str(top), short=True)}.")


def _phrase(split: str, key: str, short: bool = False) -> str:
    if split == "payment_basis":
        return {"block": "is paid as a fixed sum (block)",
                "activity": "per unit delivered (activity)",
                "outcome": "for results (outcome)"}[key]
    if short:
        return {"activity": "counts of activity", "process": "speed and process",
                "outcome": "outcomes for people"}[key]
    return {"activity": "is monitored by KPIs that count activity",
            "process": "by KPIs of speed and process",
            "outcome": "by KPIs of outcomes for people"}[key]


@quick
def spend_split(analysis: PortfolioAnalysis, split: str = "payment_basis") -> alt.LayerChart:
    """Horizontal bars of the share of spend by how it is paid (or what its KPIs measure).

    Each bar is labelled with its share and its amount in pounds.

    Examples
    --------
    >>> from compass_widgets.data.contracts import load_contracts
    >>> chart = spend_split(PortfolioAnalysis(load_contracts()), split="kpi_kind")
    >>> chart.to_dict()["title"]["text"]
    'Spend by what its KPIs measure'
    """
    table = analysis.spend_by(split).reset_index(drop=True)
    table["share_label"] = [f"{_pct(s)} · {money(p)}" for s, p in
                            zip(table["share"], table["spend"], strict=True)]
    base = alt.Chart().encode(
        y=alt.Y("label:N", title=None, sort=list(table["label"])),
        x=alt.X("share:Q", title="Share of annual spend", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
    )
    bars = base.mark_bar(color="#2c6e91").encode(tooltip=[
        alt.Tooltip("label:N", title=SPLITS[split].capitalize()),
        alt.Tooltip("share_label:N", title="Share and amount"),
        alt.Tooltip("contracts:Q", title="Contracts"),
    ])
    labels = base.mark_text(align="left", dx=4, fontSize=12).encode(text=alt.Text("share_label:N"))
    return cast(alt.LayerChart, alt.layer(
        bars,
        labels,
        data=table,
        title=alt.TitleParams(
            f"Spend by {SPLITS[split]}",
            subtitle=f"{scope_text(analysis)}; {money(analysis.total_spend())} a year",
        ),
        description=summarise_spend_split(analysis, split),
        width=WIDTH,
        height=alt.Step(34),
    ))


# -- what the KPIs cannot see ------------------------------------------------------------------


def summarise_kpi_outcome(analysis: PortfolioAnalysis) -> str:
    """Describe the contracts whose KPIs are all met while people's outcomes are poor.

    Examples
    --------
    >>> from compass_widgets.data.contracts import load_contracts
    >>> print(summarise_kpi_outcome(PortfolioAnalysis(load_contracts())))  # doctest: +ELLIPSIS
    11 of 40 contracts meet every KPI while people's outcomes are worse than the benchmark: ...
    """
    if analysis.contract_count == 0:
        return _none(analysis)
    spots = analysis.blind_spots()
    count, total = len(spots), analysis.contract_count
    leeway = f" by more than {analysis.tolerance:g} points" if analysis.tolerance else ""
    strengths = len(analysis.hidden_strengths())
    reverse = (f"{strengths} contract{' misses' if strengths == 1 else 's miss'} at least one "
               f"KPI yet {'does' if strengths == 1 else 'do'} better than the benchmark"
               f"{leeway}.")
    if not count:
        return (f"No contract ({scope_text(analysis)}) meets every KPI while people's "
                f"outcomes are worse than the benchmark{leeway}. {reverse}")
    share = analysis.blind_spot_spend() / analysis.total_spend() if analysis.total_spend() else 0
    top = spots.iloc[0]
    verb = "meets" if count == 1 else "meet"
    return (
        f"{count} of {total} contracts {verb} every KPI while people's outcomes are worse "
        f"than the benchmark{leeway}: {money(analysis.blind_spot_spend())} a year, "
        f"{_pct(share)} of the spend ({scope_text(analysis)}). The largest is {top.name} "
        f"({top['provider']}, {top['lot']}, {top['neighbourhood']}): every KPI met, but "
        f"'{_measure(top['outcome_measure'])}' is {top['outcome_pct']:.1f}% against a "
        f"benchmark of {top['outcome_benchmark_pct']:.1f}%. {reverse}"
    )


@quick
def kpi_outcome_map(analysis: PortfolioAnalysis) -> alt.LayerChart:
    """Each contract placed by the share of its KPIs met and how its outcome compares.

    Across: share of the contract's KPIs met. Up: points by which people's outcome is
    better than the benchmark (below the line, worse). The four groups differ in
    shape and colour, and every blind spot (every KPI met, outcome poor) is labelled
    with its contract reference (contracts with nearly the same gap share a label).
    Point size shows annual spend.

    Examples
    --------
    >>> from compass_widgets.data.contracts import load_contracts
    >>> chart = kpi_outcome_map(PortfolioAnalysis(load_contracts()))
    >>> chart.to_dict()["title"]["text"]
    'What the KPIs cannot see'
    """
    contracts = analysis.contracts()
    points = pd.DataFrame([
        {
            "contract_id": c.Index, "provider": c.provider,
            "kpi_compliance": c.kpi_compliance, "outcome_gap": c.outcome_gap,
            "annual_spend": c.annual_spend,
            "group": GROUPS["blind_spot" if c.blind_spot else "green" if c.all_met
                           else "hidden_strength" if c.hidden_strength else "red"][0],
            "kpis_label": f"{c.kpis_met} of {c.kpis}",
            "outcome_label": f"{_measure(c.outcome_measure)}: {c.outcome_pct:.1f}% "
                             f"(benchmark {c.outcome_benchmark_pct:.1f}%)",
            "spend_label": money(c.annual_spend),
        }
        for c in _rows(contracts)
    ], columns=["contract_id", "provider", "kpi_compliance", "outcome_gap", "annual_spend",
                "group", "kpis_label", "outcome_label", "spend_label"])
    labels, shapes, colours = (list(values) for values in zip(*GROUPS.values(), strict=True))
    base = alt.Chart(points).encode(
        x=alt.X("kpi_compliance:Q", title="Share of the contract's KPIs met",
                axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1.08])),
        y=alt.Y("outcome_gap:Q", title="Outcome against benchmark (points; below 0 is worse)"),
    )
    dots = base.mark_point(filled=True, opacity=0.85, stroke="#222222", strokeWidth=0.5).encode(
        shape=alt.Shape("group:N", title=None, scale=alt.Scale(domain=labels, range=shapes),
                        legend=alt.Legend(orient="bottom", columns=2)),
        color=alt.Color("group:N", title=None, scale=alt.Scale(domain=labels, range=colours)),
        size=alt.Size("annual_spend:Q", title="Annual spend", legend=None,
                      scale=alt.Scale(range=[40, 400])),
        tooltip=[
            alt.Tooltip("contract_id:N", title="Contract"),
            alt.Tooltip("provider:N", title="Provider"),
            alt.Tooltip("kpis_label:N", title="KPIs met"),
            alt.Tooltip("outcome_label:N", title="Outcome"),
            alt.Tooltip("spend_label:N", title="Annual spend"),
        ],
    )
    names = alt.Chart(_values(_blind_spot_labels(analysis, contracts, MAP_HEIGHT))).mark_text(
        align="right", dx=-11, fontSize=11).encode(
        x=alt.X("x:Q"), y=alt.Y("y:Q"), text=alt.Text("text:N"))
    lines: list[dict[str, object]] = [{"y": 0.0, "text": "Benchmark"}]
    if analysis.tolerance:
        lines.append({"y": -analysis.tolerance, "text": "Poor below this line"})
    rules = alt.Chart(_values(lines)).encode(y=alt.Y("y:Q"))
    rule = rules.mark_rule(strokeDash=[6, 4], color="#555555")
    rule_text = rules.mark_text(align="left", x=4, dy=-6, fontSize=11, color="#333333").encode(
        text=alt.Text("text:N"))
    return cast(alt.LayerChart, alt.layer(
        rule,
        rule_text,
        dots,
        names,
        title=alt.TitleParams(
            "What the KPIs cannot see",
            subtitle=f"{scope_text(analysis)}; labelled: every KPI met, outcome poor",
        ),
        description=summarise_kpi_outcome(analysis),
        width=WIDTH,
        height=MAP_HEIGHT,
    ))


def _blind_spot_labels(analysis: PortfolioAnalysis, contracts: pd.DataFrame,
                       height: int) -> list[dict[str, object]]:
    """Place one label per group of blind spots close together on the map.

    Blind spots all sit at 100% of KPIs met, so labels of contracts with similar
    outcome gaps would overlap: contracts whose gaps are closer than a line of text
    share one label ("CT-03, HC-02"), placed at their average gap.
    """
    gaps = contracts["outcome_gap"]
    low = min(float(gaps.min()), -analysis.tolerance, 0.0) if len(gaps) else 0.0
    high = max(float(gaps.max()), 0.0) if len(gaps) else 0.0
    closest = 15 * (high - low) / height  # points of outcome gap in 15 pixels of height
    spots = contracts[contracts["blind_spot"]].rename_axis("contract_id").reset_index()
    spots = spots.sort_values(["outcome_gap", "contract_id"], ascending=[False, True])
    groups: list[list[tuple[str, float]]] = []
    for contract, gap in zip(spots["contract_id"], spots["outcome_gap"], strict=True):
        if groups and groups[-1][0][1] - gap < closest:
            groups[-1].append((contract, gap))
        else:
            groups.append([(contract, gap)])
    return [{"x": 1.0, "y": sum(g for _, g in group) / len(group),
             "text": ", ".join(c for c, _ in group)} for group in groups]


# -- KPI compliance by lot or provider ----------------------------------------------------------


def _groups(analysis: PortfolioAnalysis, by: str) -> pd.DataFrame:
    if by == "lot":
        return analysis.by_lot()
    if by == "provider":
        return analysis.by_provider()
    raise ValueError(f"by must be 'lot' or 'provider', not {by!r}")


def summarise_compliance(analysis: PortfolioAnalysis, by: str = "lot") -> str:
    """Describe KPI compliance by lot (or provider): highest, lowest, and where the blind spots are.

    Examples
    --------
    >>> from compass_widgets.data.contracts import load_contracts
    >>> print(summarise_compliance(PortfolioAnalysis(load_contracts())))  # doctest: +ELLIPSIS
    66% of 95 KPIs are met across 40 contracts (all lots, ...). By lot, the highest is ...
    """
    table = _groups(analysis, by)
    if table.empty:
        return _none(analysis)
    kpis = int(table["kpis"].sum())
    ranked = table.sort_values(["kpi_compliance", "annual_spend"], ascending=[False, False],
                               kind="stable")
    top, bottom = ranked.iloc[0], ranked.iloc[-1]
    text = (f"{_pct(analysis.kpi_compliance())} of {kpis} KPIs are met across "
            f"{analysis.contract_count} contracts ({scope_text(analysis)}). By {by}, the "
            f"highest is {top.name} ({_pct(top['kpi_compliance'])})")
    if len(ranked) > 1:
        text += f" and the lowest {bottom.name} ({_pct(bottom['kpi_compliance'])})"
    with_spots = int((table["blind_spots"] > 0).sum())
    plural = by + ("s" if len(table) != 1 else "")
    return (f"{text}. Contracts with every KPI met but poor outcomes are found in "
            f"{with_spots} of the {len(table)} {plural}.")


@quick
def compliance_chart(analysis: PortfolioAnalysis, by: str = "lot") -> alt.LayerChart:
    """Horizontal bars of the share of KPIs met per lot (or provider), labelled in text.

    Each label gives the share, the number of KPIs and the number of blind spots.

    Examples
    --------
    >>> from compass_widgets.data.contracts import load_contracts
    >>> chart = compliance_chart(PortfolioAnalysis(load_contracts()), by="provider")
    >>> chart.to_dict()["title"]["text"]
    'KPIs met, by provider'
    """
    table = _groups(analysis, by).reset_index()
    table["label"] = [
        f"{_pct(share)} of {kpis}" + (f" · {spots} blind spot{'s' if spots > 1 else ''}"
                                      if spots else "")
        for share, kpis, spots in zip(table["kpi_compliance"], table["kpis"],
                                      table["blind_spots"], strict=True)
    ]
    table["spend_label"] = table["annual_spend"].map(money)
    table["unit_cost_label"] = [
        "mixed units" if math.isnan(cost) else f"£{cost:,.2f} per {per_unit(unit)}"
        for cost, unit in zip(table["unit_cost"], table["unit"], strict=True)
    ]
    base = alt.Chart().encode(
        y=alt.Y(f"{by}:N", title=by.capitalize(), sort="-x"),
        x=alt.X("kpi_compliance:Q", title="Share of KPIs met", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
    )
    bars = base.mark_bar(color="#2c6e91").encode(tooltip=[
        alt.Tooltip(f"{by}:N", title=by.capitalize()),
        alt.Tooltip("label:N", title="KPIs met"),
        alt.Tooltip("contracts:Q", title="Contracts"),
        alt.Tooltip("spend_label:N", title="Annual spend"),
        alt.Tooltip("unit_cost_label:N", title="Unit cost"),
    ])
    labels = base.mark_text(align="left", dx=4, fontSize=12).encode(text=alt.Text("label:N"))
    return cast(alt.LayerChart, alt.layer(
        bars,
        labels,
        data=table,
        title=alt.TitleParams(f"KPIs met, by {by}", subtitle=scope_text(analysis)),
        description=summarise_compliance(analysis, by),
        width=WIDTH,
        height=alt.Step(24),
    ))
