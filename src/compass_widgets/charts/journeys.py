"""Charts of people's journeys, each with a sentence that says the same thing.

Every builder takes a :class:`~compass_widgets.models.journeys.JourneyAnalysis`,
uses only the events of the journeys it shows and returns a new altair chart with
a title and a ``description`` that screen readers announce. The matching
``summarise_*`` function returns that description as plain text, to print beside
the chart. Colour never carries meaning alone: event types also have their own
shapes, and layers are named in text on the axis or the bars.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import altair as alt
import pandas as pd

from ..data.journeys import EVENT_TYPES, LAYERS
from ..models.journeys import EVENT_LABELS, LAYER_LABELS, JourneyAnalysis, JourneyFigures

WIDTH = 520
_C = TypeVar("_C")

#: Shapes and colours of the event types (Okabe-Ito colours, safe for colour blindness).
SHAPES = {"contact": "circle", "referral": "triangle-right", "assessment": "square",
          "waiting": "triangle-down", "support": "diamond", "crisis": "cross"}
COLOURS = {"contact": "#0072B2", "referral": "#E69F00", "assessment": "#56B4E9",
           "waiting": "#666666", "support": "#009E73", "crisis": "#D55E00"}
#: Light fills for the layers, so black text on them stays easy to read.
LAYER_COLOURS = {"person": "#F0B7D4", "community": "#8FD6B6", "institution": "#9CC7EA"}
SHORT_LAYERS = {"person": "I", "community": "Us", "institution": "System"}
_ROW_GAP = 0.16  # how far apart (in layer rows) events on the same day and layer are drawn
_LANE_TOP, _LANE_GAP = 0.42, 0.17  # where waits are drawn under their layer's row


def _field(channel: Callable[..., _C], name: str, kind: str, **options: Any) -> _C:
    """Return an encoding channel for a field, without altair's slow shorthand parsing."""
    return channel(field=name, type=kind, **options)


_Q, _N = "quantitative", "nominal"


def _pct(share: float) -> str:
    return f"{share:.0%}"


def times(n: int) -> str:
    """Say how many times, in words for one and two.

    Examples
    --------
    >>> times(0), times(1), times(2), times(7)
    ('0 times', 'once', 'twice', '7 times')
    """
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def _count(n: float, one: str, many: str) -> str:
    return f"{n:,.0f} {one if round(n) == 1 else many}"


def _figures_text(figures: JourneyFigures) -> str:
    return (
        f"handed on {times(figures.handoffs)}, told the story again {times(figures.retold)}, "
        f"{_count(figures.crises, 'crisis', 'crises')} and "
        f"{_count(figures.days_waiting, 'day', 'days')} of waiting"
    )


# -- the timeline --------------------------------------------------------------------


def summarise_journey_timeline(analysis: JourneyAnalysis) -> str:
    """Describe the journey being stepped through, and the event the learner is at.

    Examples
    --------
    >>> from compass_widgets.data.journeys import load_journeys
    >>> print(summarise_journey_timeline(JourneyAnalysis(load_journeys()).at(1)))
    ... # doctest: +ELLIPSIS +NORMALIZE_WHITESPACE
    Maureen, 79: referral chain: 28 events over 364 days with 12 organisations; handed on
    7 times, told the story again 10 times, 2 crises and 347 days of waiting. ...
    """
    whole, so_far, now = analysis.figures(), analysis.so_far(), analysis.current
    return (
        f"{analysis.label()}: {_count(whole.events, 'event', 'events')} over "
        f"{_count(whole.days, 'day', 'days')} with "
        f"{_count(whole.organisations, 'organisation', 'organisations')}; "
        f"{_figures_text(whole)}. Of all the events, {_pct(whole.person_share)} were the "
        f"person's own, {_pct(whole.community_share)} in the community and "
        f"{_pct(whole.institution_share)} with institutions. Now at event {analysis.step} of "
        f"{whole.events} (day {now['day']:,.0f}, {now['organisation']}, "
        f"{now['event_type']}): {now['what_happened'].rstrip('.')}. So far: "
        f"{_figures_text(so_far)}."
    )


def _lanes(starts: list[float], ends: list[float]) -> list[int]:
    """Give each wait the first lane free when it starts, so waits at once never overlap.

    Examples
    --------
    >>> _lanes([0, 5, 12, 30], [20, 10, 40, 35])
    [0, 1, 1, 0]
    """
    lanes: list[int] = []
    free_from: list[float] = []  # per lane: the day its last wait ends
    for start, end in zip(starts, ends, strict=True):
        lane = next((i for i, day in enumerate(free_from) if day <= start), len(free_from))
        if lane == len(free_from):
            free_from.append(end)
        free_from[lane] = end
        lanes.append(lane)
    return lanes


def _timeline_data(analysis: JourneyAnalysis) -> pd.DataFrame:
    """Return the rows the timeline draws; none of them depends on the step.

    Written over plain records rather than with pandas: a journey has a few dozen
    events, and this runs each time a learner picks one.
    """
    events = analysis.journey().to_dict("records")
    last_day = max([float(e["day"] + e["days_waiting"]) for e in events] + [1.0])
    # Events on the same day in the same layer are drawn a little apart, not on top
    # of each other; waits hang below their layer's row, one lane per wait at a time.
    slots: dict[tuple[float, str], int] = {}
    rows = []
    for event in events:
        place = (event["day"], event["layer"])
        slots[place] = slots.get(place, -1) + 1
        rows.append(LAYERS.index(event["layer"]) + slots[place] * _ROW_GAP)
    lanes = dict.fromkeys(range(len(events)), 0)
    for layer in LAYERS:
        waits = [i for i, e in enumerate(events) if e["layer"] == layer and e["days_waiting"] > 0]
        found = _lanes([events[i]["day"] for i in waits],
                       [events[i]["day"] + events[i]["days_waiting"] for i in waits])
        lanes.update(zip(waits, found, strict=True))
    records = []
    for i, event in enumerate(events):
        day, wait = float(event["day"]), float(event["days_waiting"])
        after = min(i + 1, len(events) - 1)  # the last event's path goes nowhere
        records.append({
            "number": int(event["number"]),
            "day": day,
            "end": day + wait,
            "row": rows[i],
            "next_day": float(events[after]["day"]),
            "next_row": rows[after],
            "lane": LAYERS.index(event["layer"]) + _LANE_TOP + lanes[i] * _LANE_GAP,
            "middle": day + wait / 2,
            "wait_label": f"waits {wait:,.0f} days" if wait else "",
            "layer": LAYER_LABELS[event["layer"]],
            "event": EVENT_LABELS[event["event_type"]],
            "organisation": event["organisation"],
            "what": event["what_happened"],
            "handoff": "yes" if event["handoff"] else "no",
            "retold": "yes" if event["retold_story"] else "no",
            "waiting": wait,
            "label": f"Event {event['number']}: {event['organisation']}",
            # The current event's name is centred over it, but kept clear of the
            # chart's edges so that it is never cut off.
            "label_day": min(max(day, 0.12 * last_day), 0.82 * last_day),
        })
    return pd.DataFrame(records)


#: What depends on the step, worked out in the chart from the parameter ``step``.
_STEP_FIELDS = {
    "seen": "datum.number <= step ? 1 : 0.2",  # events still to come are faint
    "size": "datum.number == step ? 420 : 110",  # the current event is large...
    "ring": "datum.number == step ? 'black' : 'transparent'",  # ...ringed...
    "now": "datum.number == step ? datum.label : ''",  # ...and named
    "path": "datum.number < step ? 1 : 0",  # the line joins the events so far
}


def journey_timeline(analysis: JourneyAnalysis) -> alt.LayerChart:
    """Timeline of one journey: a row per layer, a shape per kind of event, waits as dashes.

    The current event (the parameter ``step``) is drawn large, ringed and
    labelled; events still to come are faint. Moving to another event of the same
    journey changes only ``step`` and the description: see :func:`journey_timeline_at`.

    Examples
    --------
    >>> from compass_widgets.data.journeys import load_journeys
    >>> chart = journey_timeline(JourneyAnalysis(load_journeys()).at(5))
    >>> spec = chart.to_dict()
    >>> spec["title"]["text"], spec["params"]
    ('Maureen, 79: referral chain: the journey, event by event', [{'name': 'step', 'value': 5}])
    """
    data = _timeline_data(analysis)
    last_day = float(max(data["end"].max(), 1.0))
    labels = [LAYER_LABELS[layer] for layer in LAYERS]
    # A little room either side, so marks on day 0 stay clear of the layer names.
    x = _field(alt.X, "day", _Q, title="Day of the journey",
               scale=alt.Scale(domain=[-0.03 * last_day, 1.02 * last_day], nice=False))
    bottom = float(max(data["lane"].max(), data["row"].max())) + 0.25
    y = _field(alt.Y, "row", _Q, title=None,
               scale=alt.Scale(domain=[-0.4, bottom], reverse=True),
               axis=alt.Axis(values=list(range(len(LAYERS))), grid=True, labelFontWeight="bold",
                             labelExpr=f"{labels!r}[datum.value]", labelLimit=200))
    lane = _field(alt.Y, "lane", _Q)
    events = [EVENT_LABELS[kind] for kind in EVENT_TYPES]
    legend = alt.Legend(orient="bottom", columns=6)  # shape and colour share one legend
    tooltip = [
        _field(alt.Tooltip, name, kind, title=title) for name, kind, title in [
            ("number", _Q, "Event"), ("day", _Q, "Day"), ("organisation", _N, "Organisation"),
            ("layer", _N, "Layer"), ("event", _N, "Kind of event"), ("what", _N, "What happened"),
            ("handoff", _N, "Handed on"), ("retold", _N, "Told again"),
            ("waiting", _Q, "Days waiting")]
    ]
    seen = _field(alt.Opacity, "seen", _Q, scale=None)
    base = alt.Chart()
    # Every event has a wait line, a path on to the next event and two name labels;
    # those it does not need have no length or no text. One dataset, no filters: the
    # chart builds quickly, and the step can move without building it again.
    waits = base.mark_rule(strokeDash=[5, 3], strokeWidth=2, color="#555555").encode(
        x=x, x2=alt.X2(field="end"), y=lane, opacity=seen)
    wait_labels = base.mark_text(dy=-6, fontSize=10, color="#333333").encode(
        x=_field(alt.X, "middle", _Q), y=lane, text=_field(alt.Text, "wait_label", _N),
        opacity=seen)
    path = base.mark_rule(color="#999999", strokeWidth=1).encode(
        x=x, y=y, x2=alt.X2(field="next_day"), y2=alt.Y2(field="next_row"),
        opacity=_field(alt.Opacity, "path", _Q, scale=None))
    points = base.mark_point(filled=True, strokeWidth=3).encode(
        x=x, y=y, opacity=seen, stroke=_field(alt.Stroke, "ring", _N, scale=None),
        shape=_field(alt.Shape, "event", _N, title="Kind of event", legend=legend,
                     scale=alt.Scale(domain=events, range=[SHAPES[k] for k in EVENT_TYPES])),
        color=_field(alt.Color, "event", _N, title="Kind of event", legend=legend,
                     scale=alt.Scale(domain=events, range=[COLOURS[k] for k in EVENT_TYPES])),
        size=_field(alt.Size, "size", _Q, scale=None),
        tooltip=tooltip,
    )
    label = base.mark_text(dy=-20, fontSize=12, fontWeight="bold").encode(
        x=_field(alt.X, "label_day", _Q), y=y, text=_field(alt.Text, "now", _N))
    return alt.LayerChart(
        layer=[waits, wait_labels, path, points, label],
        data=data,
        params=[alt.VariableParameter(name="step", value=analysis.step)],
        transform=[alt.CalculateTransform(calculate=expression, **{"as": name})
                   for name, expression in _STEP_FIELDS.items()],
        title=alt.TitleParams(
            f"{analysis.label()}: the journey, event by event",
            subtitle=["The current event is the large mark with a black outline. Shapes show "
                      "the kind of "
                      "event; dashed lines", "show waiting; the thin line joins the events so "
                      "far; faint marks are still to come."],
        ),
        description=summarise_journey_timeline(analysis),
        width=WIDTH,
        height=260,
    )


def journey_timeline_at(spec: dict[str, Any], analysis: JourneyAnalysis) -> dict[str, Any]:
    """Return a timeline spec moved to ``analysis.step``, without building the chart again.

    ``spec`` is ``journey_timeline(...).to_dict()`` for the same journey at any step.
    The result equals ``journey_timeline(analysis).to_dict()``, in a fraction of the
    time: only the parameter ``step`` and the description change.

    Examples
    --------
    >>> from compass_widgets.data.journeys import load_journeys
    >>> analysis = JourneyAnalysis(load_journeys())
    >>> spec = journey_timeline(analysis.at(1)).to_dict()
    >>> journey_timeline_at(spec, analysis.at(9)) == journey_timeline(analysis.at(9)).to_dict()
    True
    """
    params = [dict(p, value=analysis.step) if p.get("name") == "step" else p
              for p in spec["params"]]
    return {**spec, "params": params, "description": summarise_journey_timeline(analysis)}


# -- the three layers, two journeys ------------------------------------------------------


def summarise_journey_layers(analysis: JourneyAnalysis) -> str:
    """Describe how each of the two journeys splits between the I, the us and the system.

    Examples
    --------
    >>> from compass_widgets.data.journeys import load_journeys
    >>> print(summarise_journey_layers(JourneyAnalysis(load_journeys())))
    ... # doctest: +ELLIPSIS +NORMALIZE_WHITESPACE
    Maureen, 79: referral chain: 14% of events were the person's own, 0% in the community
    and 86% with institutions. Dennis, 81: local area coordinator: 16% ... 37 percentage
    points more of its events in the community.
    """
    shares = analysis.layer_shares()
    texts, community = [], []
    for _, rows in shares.groupby("person_id", sort=False):
        share = dict(zip(rows["layer"], rows["share"], strict=True))
        community.append(share["community"])
        texts.append(
            f"{rows['persona'].iloc[0]}: {_pct(share['person'])} of events were the person's "
            f"own, {_pct(share['community'])} in the community and "
            f"{_pct(share['institution'])} with institutions."
        )
    if len(community) == 2:
        points = round((community[1] - community[0]) * 100)
        texts.append(
            "The second journey had the same share of its events in the community."
            if points == 0 else
            f"The second journey had {_count(abs(points), 'percentage point', 'percentage points')}"
            f" {'more' if points > 0 else 'fewer'} of its events in the community."
        )
    return " ".join(texts)


def _segment_label(layer: str, share: float) -> str:
    """Name a bar segment as fully as its width allows (about 7 pixels a letter).

    A segment too narrow for even its short name is still named in the tooltip and
    in the summary.

    Examples
    --------
    >>> _segment_label("community", 0.4), _segment_label("person", 0.05)
    ('Us 40%', 'I')
    >>> _segment_label("institution", 0.05), _segment_label("person", 0.0)
    ('', '')
    """
    width = share * WIDTH
    for text in (f"{SHORT_LAYERS[layer]} {_pct(share)}", SHORT_LAYERS[layer]):
        if width >= 7 * len(text) + 8:
            return text
    return ""


def journey_layers(analysis: JourneyAnalysis) -> alt.LayerChart:
    """Stacked bars: the share of each journey's events in each layer, labelled in text.

    Examples
    --------
    >>> from compass_widgets.data.journeys import load_journeys
    >>> chart = journey_layers(JourneyAnalysis(load_journeys()))
    >>> chart.to_dict()["title"]["text"]
    'The I, the us and the system: where the events happened'
    """
    data = analysis.layer_shares()
    data["end"] = data.groupby("person_id", sort=False)["share"].cumsum()
    data["start"] = data["end"] - data["share"]
    data["middle"] = (data["start"] + data["end"]) / 2
    data["layer_label"] = data["layer"].map(LAYER_LABELS)
    data["share_label"] = data["share"].map(_pct)
    data["label"] = [_segment_label(layer, share)
                     for layer, share in zip(data["layer"], data["share"], strict=True)]
    order = list(dict.fromkeys(data["persona"]))
    y = _field(alt.Y, "persona", _N, title=None, sort=order, axis=alt.Axis(labelLimit=240))
    base = alt.Chart().encode(
        y=y,
        tooltip=[_field(alt.Tooltip, "persona", _N, title="Journey"),
                 _field(alt.Tooltip, "layer_label", _N, title="Layer"),
                 _field(alt.Tooltip, "events", _Q, title="Events"),
                 _field(alt.Tooltip, "share_label", _N, title="Share of events")],
    )
    bars = base.mark_bar(stroke="white", strokeWidth=2).encode(
        x=_field(alt.X, "start", _Q, title="Share of the journey's events",
                 axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        x2=alt.X2(field="end"),
        color=_field(alt.Color, "layer_label", _N, title="Layer",
                     scale=alt.Scale(domain=[LAYER_LABELS[k] for k in LAYERS],
                                     range=[LAYER_COLOURS[k] for k in LAYERS]),
                     legend=alt.Legend(orient="bottom")),
    )
    labels = base.mark_text(fontSize=12, color="black").encode(
        x=_field(alt.X, "middle", _Q), text=_field(alt.Text, "label", _N))
    return cast(alt.LayerChart, alt.layer(
        bars,
        labels,
        data=data,
        title=alt.TitleParams(
            "The I, the us and the system: where the events happened",
            subtitle="Share of each journey's events with the person, the community and "
            "institutions",
        ),
        description=summarise_journey_layers(analysis),
        width=WIDTH,
        height=alt.Step(44),
    ))


# -- organisations in one journey ---------------------------------------------------------


def summarise_journey_organisations(analysis: JourneyAnalysis) -> str:
    """Describe which organisations the journey being stepped through involved most.

    Examples
    --------
    >>> from compass_widgets.data.journeys import load_journeys
    >>> print(summarise_journey_organisations(JourneyAnalysis(load_journeys())))
    ... # doctest: +NORMALIZE_WHITESPACE
    Maureen, 79: referral chain: 24 events with 12 organisations over the whole journey.
    Most were with Adult social care (5 events), then GP practice (4 events).
    """
    table = analysis.by_organisation()
    label = analysis.label()
    if table.empty:
        return f"{label}: no events with any organisation, only the person's own."
    events = int(table["events"].sum())
    counts = [_count(n, "event", "events") for n in table["events"]]
    text = (f"{label}: {_count(events, 'event', 'events')} with "
            f"{_count(len(table), 'organisation', 'organisations')} over the whole journey. "
            f"Most were with {table.index[0]} ({counts[0]})")
    if len(table) > 1:
        text += f", then {table.index[1]} ({counts[1]})"
    return text + "."


def journey_organisations(analysis: JourneyAnalysis) -> alt.LayerChart:
    """Horizontal bars: events with each organisation in one journey, labelled with the layer.

    Examples
    --------
    >>> from compass_widgets.data.journeys import load_journeys
    >>> chart = journey_organisations(JourneyAnalysis(load_journeys()))
    >>> chart.to_dict()["title"]["text"]
    'Events with each organisation'
    """
    table = analysis.by_organisation().reset_index()
    table["layer_label"] = table["layer"].map(LAYER_LABELS)
    table["label"] = [f"{n} ({SHORT_LAYERS[layer]})"
                      for n, layer in zip(table["events"], table["layer"], strict=True)]
    base = alt.Chart().encode(
        y=_field(alt.Y, "organisation", _N, title=None, sort=list(table["organisation"]),
                 axis=alt.Axis(labelLimit=220)),
        # Room to the right of the longest bar for its label.
        x=_field(alt.X, "events", _Q, title="Events", axis=alt.Axis(tickMinStep=1),
                 scale=alt.Scale(domain=[0, 1.3 * float(max(table["events"].max(), 1))],
                                 nice=False)),
        tooltip=[_field(alt.Tooltip, name, kind, title=title) for name, kind, title in [
            ("organisation", _N, "Organisation"), ("layer_label", _N, "Layer"),
            ("events", _Q, "Events"), ("handoffs", _Q, "Hand-offs"),
            ("retold", _Q, "Story told again"), ("days_waiting", _Q, "Days waiting")]],
    )
    shown = LAYERS[1:]  # the person's own events are not contacts with an organisation
    bars = base.mark_bar().encode(
        color=_field(alt.Color, "layer_label", _N, title="Layer",
                     scale=alt.Scale(domain=[LAYER_LABELS[k] for k in shown],
                                     range=[LAYER_COLOURS[k] for k in shown]),
                     legend=alt.Legend(orient="bottom")),
    )
    labels = base.mark_text(align="left", dx=4, fontSize=12).encode(
        text=_field(alt.Text, "label", _N))
    return cast(alt.LayerChart, alt.layer(
        bars,
        labels,
        data=table,
        title=alt.TitleParams(
            "Events with each organisation",
            subtitle=[f"{analysis.label()}, the whole journey",
                      "Us or System after each count: the layer"],
        ),
        description=summarise_journey_organisations(analysis),
        width=WIDTH - 160,
        height=alt.Step(22),
    ))
