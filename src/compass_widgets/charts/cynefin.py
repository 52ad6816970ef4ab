"""Charts for module 03: how a learner's sorting compares, and what mis-routing costs.

Every builder takes a model (:class:`~compass_widgets.models.cynefin.SortingExercise`
or :class:`~compass_widgets.models.cynefin.EscalationModel`), aggregates first and
returns a new chart with a title and a ``description`` that screen readers announce.
The matching ``summarise_*`` function returns the same message as a sentence, to
print beside the chart. Colour never carries meaning alone: bars and cells carry
text labels, and the two routes differ in line style and end label as well as colour.
"""

from __future__ import annotations

from typing import cast

import altair as alt
import pandas as pd

from ..models.cynefin import (
    DOMAINS,
    MEASURES,
    MIXED,
    SCENARIOS,
    STANDARD,
    EscalationModel,
    SortingExercise,
)

WIDTH = 420
ROUTE_COLOURS = ["#8c2d04", "#2c6e91"]  # standard, mixed: dark orange and blue
ROUTE_DASHES = [[1, 0], [6, 4]]  # standard solid, mixed dashed
ILLUSTRATIVE = "Illustrative assumptions, not real data."

# Chart parts that never change, made once: altair checks each part against the schema
# when it is made, and the escalation charts are rebuilt every time a slider moves.
# Charts copy what they are given, so sharing these parts is safe.
_ROUTE_COLOUR = alt.Scale(domain=list(SCENARIOS), range=ROUTE_COLOURS)
_ROUTE_DASH = alt.Scale(domain=list(SCENARIOS), range=ROUTE_DASHES)
_ROUTE_LEGEND = alt.Legend(orient="bottom", symbolType="stroke")
_SHARE_AXIS = alt.Axis(format="%")
_COUNT_AXIS = alt.Axis(format=",.0f")
_WEEK_AXIS = alt.Axis(tickMinStep=1, format="d")
_MEASURE_AXIS = alt.Axis(labelLimit=220, labelFontWeight="bold")
_RELATIVE_SCALE = alt.Scale(domain=[0, 2.2])
_SHARE_SCALE = alt.Scale(domain=[0, 1])
_TOP_AXIS = alt.Axis(labelAngle=0, orient="top")
_INK = alt.Scale(domain=["light", "dark"], range=["#ffffff", "#000000"])
_OUTLINE = alt.Scale(domain=["yes", "no"], range=["#222222", "#ffffff"])
_OUTLINE_WIDTH = alt.Scale(domain=["yes", "no"], range=[3, 1])


def _pct(share: float) -> str:
    return f"{share:.0%}"


def _of(agree: int, compared: int) -> str:
    return f"{agree} of {compared} ({_pct(agree / compared)})" if compared else "none yet"


# -- sorting --------------------------------------------------------------------------------


def summarise_agreement(exercise: SortingExercise) -> str:
    """Say how far the learner, the rule and the practitioners agree, in one or two sentences.

    Examples
    --------
    >>> from compass_widgets.data.vignettes import load_vignettes
    >>> print(summarise_agreement(SortingExercise(load_vignettes())))
    ... # doctest: +NORMALIZE_WHITESPACE
    You have not sorted any of the 38 vignettes yet. The rule agrees with the
    practitioners on 34 of 38 (89%).
    """
    pairs = _pairs(exercise)
    total = len(exercise.ids)
    rule_text = (f"The rule agrees with the practitioners on "
                 f"{_of(*pairs['The rule and the practitioners'])}.")
    if exercise.sorted_count == 0:
        return f"You have not sorted any of the {total} vignettes yet. {rule_text}"
    return (
        f"You have sorted {exercise.sorted_count} of {total} vignettes. You agree with the rule "
        f"on {_of(*pairs['You and the rule'])} and with the practitioners on "
        f"{_of(*pairs['You and the practitioners'])}. {rule_text}"
    )


def _pairs(exercise: SortingExercise) -> dict[str, tuple[int, int]]:
    """Return ``{pair: (agree, compared)}`` from the exercise's agreement table."""
    rows = exercise.agreement().to_dict("index")
    return {str(pair): (int(row["agree"]), int(row["compared"])) for pair, row in rows.items()}


def agreement_chart(exercise: SortingExercise) -> alt.LayerChart:
    """Horizontal bars: how often you, the rule and the practitioners agree, labelled in text.

    Examples
    --------
    >>> from compass_widgets.data.vignettes import load_vignettes
    >>> agreement_chart(SortingExercise(load_vignettes())).to_dict()["title"]["text"]
    'How often the sortings agree'
    """
    table = exercise.agreement().reset_index()
    table["label"] = [_of(int(a), int(c)) for a, c in zip(table["agree"], table["compared"],
                                                           strict=True)]
    base = alt.Chart(table).encode(
        y=alt.Y("pair:N", title=None, sort=list(table["pair"])),
        x=alt.X("share:Q", title="Share of vignettes where both agree",
                axis=_SHARE_AXIS, scale=_SHARE_SCALE),
        tooltip=[alt.Tooltip("pair:N", title="Who"), alt.Tooltip("label:N", title="Agree on")],
    )
    bars = base.mark_bar(color="#2c6e91")
    labels = base.mark_text(align="left", dx=4, fontSize=12).encode(text=alt.Text("label:N"))
    return cast(alt.LayerChart, alt.layer(
        bars,
        labels,
        title=alt.TitleParams(
            "How often the sortings agree",
            subtitle=f"{exercise.sorted_count} of {len(exercise.ids)} vignettes sorted by you",
        ),
        description=summarise_agreement(exercise),
        width=WIDTH,
        height=alt.Step(30),
    ))


def summarise_matrix(exercise: SortingExercise) -> str:
    """Say where the learner's sorting differs from the practitioners' most often.

    Examples
    --------
    >>> from compass_widgets.data.vignettes import load_vignettes
    >>> exercise = SortingExercise(load_vignettes()).sort("V01", "clear")
    >>> print(summarise_matrix(exercise))  # doctest: +NORMALIZE_WHITESPACE
    You agree with the practitioners on 0 of the 1 vignette you have sorted. The most
    common difference: 1 vignette you called clear, the practitioners called complex.
    """
    counts = exercise.matrix().to_numpy()
    done = int(counts.sum())
    if done == 0:
        return "You have not sorted any vignettes yet, so there is nothing to compare."
    same = int(counts.trace())
    if same == done:
        these = "the 1 vignette" if done == 1 else f"all {done} vignettes"
        return f"You agree with the practitioners on {these} you have sorted."
    # The largest difference; ties go to the first pair in course order (clear first).
    best = max((int(counts[i, j]), -(4 * i + j)) for i in range(4) for j in range(4) if i != j)
    count, position = best[0], -best[1]
    mine, theirs = DOMAINS[position // 4], DOMAINS[position % 4]
    return (f"You agree with the practitioners on {same} of the {done} vignette"
            f"{'s' if done > 1 else ''} you have sorted. The most common difference: {count} "
            f"vignette{'s' if count > 1 else ''} you called {mine}, the practitioners called "
            f"{theirs}.")


def sorting_matrix(exercise: SortingExercise) -> alt.LayerChart:
    """Draw a grid of your domains against the practitioners', with a count in every cell.

    Cells where you and the practitioners agree (the diagonal) have a thick outline,
    so agreement does not rely on colour.

    Examples
    --------
    >>> from compass_widgets.data.vignettes import load_vignettes
    >>> sorting_matrix(SortingExercise(load_vignettes())).to_dict()["title"]["text"]
    'Your sorting against the practitioners'
    """
    counts = exercise.matrix().to_numpy()
    cells = pd.DataFrame([{"learner": mine, "practitioner": theirs, "count": int(counts[i, j]),
                           "agree": "yes" if i == j else "no"}
                          for i, mine in enumerate(DOMAINS) for j, theirs in enumerate(DOMAINS)])
    # Cells are drawn in data order: the agreeing cells go last, so that no neighbour is
    # drawn over their thick outline.
    cells = cells.sort_values("agree", kind="stable").reset_index(drop=True)
    cells["label"] = cells["count"].astype(str)
    darkest = max(4, int(cells["count"].max()))
    cells["ink"] = ["light" if count > darkest / 2 else "dark" for count in cells["count"]]
    order = list(DOMAINS)
    base = alt.Chart(cells).encode(
        x=alt.X("practitioner:N", title="The practitioners said", sort=order, axis=_TOP_AXIS),
        y=alt.Y("learner:N", title="You said", sort=order),
        tooltip=[alt.Tooltip("learner:N", title="You said"),
                 alt.Tooltip("practitioner:N", title="The practitioners said"),
                 alt.Tooltip("count:Q", title="Vignettes")],
    )
    # Plain scales rather than alt.condition: altair re-parses conditions on every build,
    # which would slow every redraw in the widget.
    rects = base.mark_rect().encode(
        color=alt.Color("count:Q", title="Vignettes", legend=None,
                        scale=alt.Scale(scheme="blues", domain=[0, darkest])),
        stroke=alt.Stroke("agree:N", scale=_OUTLINE, legend=None),
        strokeWidth=alt.StrokeWidth("agree:N", scale=_OUTLINE_WIDTH, legend=None),
    )
    labels = base.mark_text(fontSize=14).encode(
        text=alt.Text("label:N"),
        color=alt.Color("ink:N", scale=_INK, legend=None),
    )
    return cast(alt.LayerChart, alt.layer(
        rects,
        labels,
        title=alt.TitleParams("Your sorting against the practitioners",
                              subtitle="outlined cells: where you agree"),
        description=summarise_matrix(exercise),
        width=alt.Step(70),
        height=alt.Step(40),
    ))


# -- escalation ----------------------------------------------------------------------------


def _check_measure(measure: str) -> str:
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {', '.join(MEASURES)}, not {measure!r}")
    return measure


def _format(measure: str, value: float) -> str:
    if measure == "failure_share":
        return _pct(value)
    if measure == "cost":
        return f"£{value:,.0f}"
    # Whole numbers and large ones without decimals; small fractions (1.25 escalations a
    # week) keep one decimal so they do not read as 1 or 0.
    return f"{value:,.0f}" if value >= 10 or value == round(value) else f"{value:,.1f}"


def _scenario_text(model: EscalationModel) -> str:
    return (f"{_pct(model.complex_share)} of cases complex; mixed routes send "
            f"{_pct(model.personalised_share)} of complex cases to the personalised route")


def _weeks(model: EscalationModel) -> str:
    return f"{model.weeks} week{'s' if model.weeks > 1 else ''}"


def _totals(model: EscalationModel) -> dict[str, dict[str, float]]:
    """Return the model's totals as ``{scenario: {measure: value}}``."""
    return {str(scenario): {str(k): float(v) for k, v in row.items()}
            for scenario, row in model.totals().to_dict("index").items()}


def summarise_escalation_trend(model: EscalationModel, measure: str = "escalations") -> str:
    """Describe one weekly measure for the two routes in two sentences.

    Examples
    --------
    >>> print(summarise_escalation_trend(EscalationModel()))
    ... # doctest: +NORMALIZE_WHITESPACE +ELLIPSIS
    By week 26, escalations run at 15 a week with the standard route only and 8.6
    with mixed routes. Over 26 weeks that is 354 against 205...
    """
    _check_measure(measure)
    last = {s: float(model.weekly(s)[measure].iloc[-1]) for s in SCENARIOS}
    totals = _totals(model)
    if measure == "failure_share":
        first = (f"By week {model.weeks}, failure demand is {_pct(last[STANDARD])} of contacts "
                 f"with the standard route only and {_pct(last[MIXED])} with mixed routes.")
        second = (f"Over {_weeks(model)} it is {_pct(totals[STANDARD][measure])} against "
                  f"{_pct(totals[MIXED][measure])}.")
    else:
        what = {"escalations": "escalations run at", "repeat_contacts": "repeat contacts run at",
                "cost": "the cost is"}[measure]
        first = (f"By week {model.weeks}, {what} {_format(measure, last[STANDARD])} a week with "
                 f"the standard route only and {_format(measure, last[MIXED])} with mixed "
                 "routes.")
        second = (f"Over {_weeks(model)} that is {_format(measure, totals[STANDARD][measure])}"
                  f" against {_format(measure, totals[MIXED][measure])}.")
    return f"{first} {second} ({_scenario_text(model)}; {ILLUSTRATIVE.lower()})"


def escalation_trend(model: EscalationModel, measure: str = "escalations") -> alt.LayerChart:
    """Two lines, week by week: the standard route only (solid) and mixed routes (dashed).

    Each line is labelled in text at its last week, so the routes can be told apart
    without colour.

    Examples
    --------
    >>> escalation_trend(EscalationModel(), "cost").to_dict()["title"]["text"]
    'Cost (£), week by week'
    """
    _check_measure(measure)
    weekly = model.compare()[["week", "scenario", measure]].rename(columns={measure: "value"})
    weekly["value_label"] = [_format(measure, v) for v in weekly["value"]]
    ends = weekly[weekly["week"] == model.weeks].copy()
    ends["end_label"] = [f"{s}: {v}" for s, v in zip(ends["scenario"], ends["value_label"],
                                                      strict=True)]
    scenarios, dashes = _ROUTE_COLOUR, _ROUTE_DASH
    y_axis = _SHARE_AXIS if measure == "failure_share" else _COUNT_AXIS
    base = alt.Chart(weekly).encode(
        x=alt.X("week:Q", title="Week", scale=alt.Scale(domain=[1, max(model.weeks, 2)]),
                axis=_WEEK_AXIS),
        y=alt.Y("value:Q", title=MEASURES[measure], axis=y_axis),
        color=alt.Color("scenario:N", title="Route", scale=scenarios,
                        legend=_ROUTE_LEGEND),
        strokeDash=alt.StrokeDash("scenario:N", title="Route", scale=dashes),
        tooltip=[alt.Tooltip("week:Q", title="Week"), alt.Tooltip("scenario:N", title="Route"),
                 alt.Tooltip("value_label:N", title=MEASURES[measure])],
    )
    lines = base.mark_line(strokeWidth=2.5)
    labels = alt.Chart(ends).mark_text(align="right", dy=-8, fontSize=12).encode(
        x=alt.X("week:Q"), y=alt.Y("value:Q"), text=alt.Text("end_label:N"),
        color=alt.Color("scenario:N", scale=scenarios, legend=None),
    )
    return cast(alt.LayerChart, alt.layer(
        lines,
        labels,
        title=alt.TitleParams(f"{MEASURES[measure]}, week by week",
                              subtitle=f"{_scenario_text(model)}. {ILLUSTRATIVE}"),
        description=summarise_escalation_trend(model, measure),
        width=WIDTH,
        height=220,
    ))


def summarise_route_comparison(model: EscalationModel) -> str:
    """Compare the two routes' totals over the whole period in two sentences.

    Examples
    --------
    >>> print(summarise_route_comparison(EscalationModel()))
    ... # doctest: +NORMALIZE_WHITESPACE +ELLIPSIS
    Over 26 weeks, with 25% of cases complex, the standard route only leads to 354
    escalations, 1,422 repeat contacts and £652,215 of cost...
    """
    totals = _totals(model)
    standard, mixed = totals[STANDARD], totals[MIXED]

    def figures(row: dict[str, float]) -> str:
        return (f"{_format('escalations', row['escalations'])} escalations, "
                f"{_format('repeat_contacts', row['repeat_contacts'])} repeat contacts and "
                f"{_format('cost', row['cost'])} of cost")

    change = (mixed["cost"] - standard["cost"]) / standard["cost"] if standard["cost"] else 0.0
    direction = (f"{_pct(-change)} less" if change < -0.005 else
                 f"{_pct(change)} more" if change > 0.005 else "about the same")
    return (
        f"Over {_weeks(model)}, with {_pct(model.complex_share)} of cases complex, the standard "
        f"route only leads to {figures(standard)}. Sending {_pct(model.personalised_share)} of "
        f"complex cases to the personalised route leads to {figures(mixed)}: {direction} in "
        f"cost. ({ILLUSTRATIVE})"
    )


def route_comparison(model: EscalationModel) -> alt.LayerChart:
    """Totals over the whole period, side by side for the two routes, one pair per measure.

    Each pair of bars is scaled to its larger value (the measures have different
    units), and each bar is labelled in text with its route and its value.

    Examples
    --------
    >>> route_comparison(EscalationModel()).to_dict()["title"]["text"]
    'Standard route only against mixed routes'
    """
    totals = _totals(model)
    rows = []
    for measure, label in MEASURES.items():
        largest = max(totals[s][measure] for s in SCENARIOS)
        for scenario in SCENARIOS:
            value = totals[scenario][measure]
            rows.append({
                "measure": f"{label}, in total" if measure != "failure_share"
                else f"{label}, over the period",
                "scenario": scenario, "value": value,
                "relative": value / largest if largest else 0.0,
                "value_label": f"{scenario}: {_format(measure, value)}",
            })
    data = pd.DataFrame(rows)
    # One layered chart rather than a facet per measure: a facet takes twice as long to
    # build, and this chart is redrawn every time a slider moves.
    base = alt.Chart(data).encode(
        y=alt.Y("measure:N", title=None, sort=list(data["measure"].unique()),
                axis=_MEASURE_AXIS),
        yOffset=alt.YOffset("scenario:N", sort=list(SCENARIOS)),
        x=alt.X("relative:Q", title=None, scale=_RELATIVE_SCALE, axis=None),
        tooltip=[alt.Tooltip("measure:N", title="Measure"),
                 alt.Tooltip("value_label:N", title="Value")],
    )
    bars = base.mark_bar().encode(
        color=alt.Color("scenario:N", title="Route", legend=None,
                        scale=_ROUTE_COLOUR))
    labels = base.mark_text(align="left", dx=4, fontSize=12).encode(
        text=alt.Text("value_label:N"))
    return cast(alt.LayerChart, alt.layer(
        bars,
        labels,
        title=alt.TitleParams("Standard route only against mixed routes",
                              subtitle=f"Totals over {_weeks(model)}. {ILLUSTRATIVE}"),
        description=summarise_route_comparison(model),
        width=WIDTH - 120,
        height=alt.Step(22),
    ))
