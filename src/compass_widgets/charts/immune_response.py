"""Charts of the immune-response model, each with a sentence that says the same thing.

Every builder takes an :class:`~compass_widgets.models.immune_response.ImmuneResponseModel`
(and, for the trend, an optional second one pinned for comparison) and returns a new
chart with a title and a ``description`` that screen readers announce. The matching
``summarise_*`` function returns that description as plain text, to print beside the
chart. Lines differ by dash and point shape as well as colour, and carry text labels.

The marks and encodings are written as plain Vega-Lite dictionaries inside altair's
chart classes, not as altair's channel objects (``alt.X``, ``alt.Axis``...). Both give
the same specification, but altair copies each channel object, with every one of its
unset properties, several times while building and exporting a chart; these charts are
rebuilt each time a learner moves a slider, and plain dictionaries make that about four
times quicker. The tests validate every specification against the Vega-Lite schema.
"""

from __future__ import annotations

import math
from typing import Any

import altair as alt

from ..models.immune_response import (
    AUDIT_ASSURANCE,
    HELPS,
    NUDGE,
    SETTING_LABELS,
    ImmuneResponseModel,
)

WIDTH = 420
CURRENT, PINNED = "Your settings", "Pinned settings"
#: Colour, dash and point shape for each line: never colour alone.
_STYLE = {CURRENT: ("#1f5f8b", [1, 0], "circle"), PINNED: ("#b35806", [6, 4], "square")}
THRESHOLD_COLOUR = "#a50f15"
NOT_A_FORECAST = "This is an illustrative teaching model, not a forecast."


def _channel(field: str, kind: str, **props: Any) -> dict[str, Any]:
    """Return a Vega-Lite encoding channel as a plain dictionary (see the module docstring)."""
    return {"field": field, "type": kind, **props}


def _mark(kind: str, **props: Any) -> Any:
    """Return a Vega-Lite mark as a plain dictionary (altair's types expect its own objects)."""
    return {"type": kind, **props}


def _pct(share: float) -> str:
    return f"{share:.0%}"


def _points(gain: float) -> str:
    """Write a change in a share in percentage points."""
    return f"{gain * 100:.1f} percentage point{'' if round(gain * 100, 1) == 1 else 's'}"


def _verb(name: str) -> str:
    return "raising" if HELPS[name] > 0 else "lowering"


def summarise_outcome(model: ImmuneResponseModel) -> str:
    """Say whether the pilot survives, or when and why it is rejected, in one sentence.

    Examples
    --------
    >>> print(summarise_outcome(ImmuneResponseModel()))  # doctest: +NORMALIZE_WHITESPACE
    The pilot is rejected in month 11, after the incident in month 9: its room to manoeuvre
    stayed below 30% for 3 months in a row.
    """
    outcome = model.outcome()
    if outcome.survived:
        end = model.states()[-1].room
        return (f"The pilot survives all {model.months} months: its room to manoeuvre ends at "
                f"{_pct(end)}, above the rejection threshold of {_pct(model.threshold)}.")
    month = outcome.rejected_month
    incident = model.incident_month
    after = (f", after the incident in month {incident}"
             if incident is not None and month is not None and incident <= month else "")
    runs = "a month" if model.patience == 1 else f"{model.patience} months in a row"
    return (f"The pilot is rejected in month {month}{after}: its room to manoeuvre stayed below "
            f"{_pct(model.threshold)} for {runs}.")


def summarise_influence(model: ImmuneResponseModel) -> str:
    """Say which setting matters most for this pilot now, and what changing it would do.

    Examples
    --------
    >>> print(summarise_influence(ImmuneResponseModel()))  # doctest: +NORMALIZE_WHITESPACE
    The setting that matters most here is delegated authority: raising it from 0.30 to 0.80
    on its own would let the pilot survive.
    """
    rows = model.leverage_by_setting()
    best = model.most_influential()
    if best is None:
        if not model.outcome().survived:
            return ("No single setting would save it, or even give it more room, on its own: "
                    "the conditions have to change together.")
        return ("None of the four settings could give the pilot more room: each is already as "
                "favourable as it can be.")
    row = rows[best]
    if not math.isnan(row.survives_at):
        distance = abs(row.survives_at - row.value)
        ties = [other for other in rows.values() if other.setting != best
                and not math.isnan(other.survives_at)
                and abs(abs(other.survives_at - other.value) - distance) < 1e-9]
        text = (f"The setting that matters most here is {SETTING_LABELS[best]}: "
                f"{_verb(best)} it from {row.value:.2f} to {row.survives_at:.2f} on its own "
                f"would let the pilot survive")
        if ties:
            others = " or ".join(f"{_verb(other.setting)} {SETTING_LABELS[other.setting]} to "
                                 f"{other.survives_at:.2f}" for other in ties)
            text += f"; so would {others}"
        return text + "."
    text = (f"The setting that matters most here is {SETTING_LABELS[best]}: {_verb(best)} it by "
            f"{NUDGE:.1f} would add {_points(row.room_gain)} to the pilot's average room to "
            f"manoeuvre")
    if not model.outcome().survived:
        return (f"No single setting would save the pilot on its own. {text}, but the other "
                f"conditions have to change too.")
    return text + "."


def summarise_assurance(model: ImmuneResponseModel) -> str:
    """Say how much assurance the board has at the end, and where it comes from.

    Audit is not the enemy of relational work: it gives the board assurance from the
    start, which a pilot's own evidence takes time to match.

    Examples
    --------
    >>> print(summarise_assurance(ImmuneResponseModel(audit_intensity=0.0)))
    With no audit, the board's only assurance is the pilot's own evidence: 37% by month 24.
    """
    last = model.states()[-1]
    if model.audit_intensity == 0:
        return (f"With no audit, the board's only assurance is the pilot's own evidence: "
                f"{_pct(last.assurance)} by month {last.month}.")
    return (f"By month {last.month} the board's assurance is {_pct(last.assurance)}: "
            f"{_pct(AUDIT_ASSURANCE * model.audit_intensity)} would come from audit alone, "
            f"the rest from the pilot's evidence.")


def summarise_room(model: ImmuneResponseModel, pinned: ImmuneResponseModel | None = None) -> str:
    """Describe the room-to-manoeuvre chart: the outcome, what matters most, any comparison.

    Examples
    --------
    >>> print(summarise_room(ImmuneResponseModel()))  # doctest: +ELLIPSIS
    The pilot is rejected in month 11, ... would let the pilot survive. This is an illustrative...
    """
    parts = [summarise_outcome(model), summarise_influence(model)]
    if pinned is not None:
        outcome = pinned.outcome()
        parts.append(
            f"With the pinned settings ({_settings_text(pinned)}) the pilot "
            + ("survives." if outcome.survived
               else f"is rejected in month {outcome.rejected_month}.")
        )
    parts.append(NOT_A_FORECAST)
    return " ".join(parts)


def _settings_text(model: ImmuneResponseModel) -> str:
    return ", ".join(f"{SETTING_LABELS[name]} {value:.2f}"
                     for name, value in model.settings.items())


def _lines(models: dict[str, ImmuneResponseModel]) -> list[dict[str, Any]]:
    """Room per month for each line, up to rejection, with the text for each line's end.

    Only the last row of a line carries ``label``, and only a month of rejection carries
    ``rejected``: the rows stay small, and the chart is quick to send to the browser.
    """
    rows: list[dict[str, Any]] = []
    for name, model in models.items():
        states = [state for state in model.states() if state.status != "closed"]
        rows.extend({"month": s.month, "room": s.room, "series": name} for s in states)
        last = states[-1]
        label = (f"rejected, month {last.month}" if last.status == "rejected"
                 else _pct(last.room))
        if len(models) > 1:
            label = f"{name}: {label}"
        rows[-1]["label"] = label[0].upper() + label[1:]
        if last.status == "rejected":
            rows[-1]["rejected"] = True
    return rows


def room_trend(model: ImmuneResponseModel,
               pinned: ImmuneResponseModel | None = None) -> alt.LayerChart:
    """Line chart of room to manoeuvre each month, with the rejection threshold labelled.

    A pinned second model is drawn dashed, with square points, for comparison. Each
    line ends in a text label; a rejected pilot's line stops at the month of rejection,
    marked with a cross and the words "rejected, month N".

    Examples
    --------
    >>> chart = room_trend(ImmuneResponseModel())
    >>> chart.to_dict()["title"]["text"]
    'Room to manoeuvre, month by month'
    """
    models = {CURRENT: model} if pinned is None else {CURRENT: model, PINNED: pinned}
    names = list(models)

    def by_series(channel: str, position: int) -> dict[str, Any]:
        return _channel("series", "nominal", title="Line", scale={
            "domain": names, "range": [_STYLE[name][position] for name in names]})

    x = _channel("month", "quantitative", title="Month since the pilot started",
                 scale={"domain": [0, model.months]}, axis={"tickMinStep": 1})
    y = _channel("room", "quantitative",
                 title="Room to manoeuvre (share of decisions left to judgement)",
                 axis={"format": "%"}, scale={"domain": [0, 1]})
    line = alt.Chart(mark=_mark("line", strokeWidth=2.5), encoding=alt.FacetedEncoding(
        strokeDash=by_series("strokeDash", 1),
        tooltip=[_channel("series", "nominal", title="Line"),
                 _channel("month", "quantitative", title="Month"),
                 _channel("room", "quantitative", title="Room to manoeuvre", format=".0%")],
    ))
    points = alt.Chart(mark=_mark("point", filled=True, size=30),
                       encoding=alt.FacetedEncoding(shape=by_series("shape", 2)))
    # The crosses are named by end_labels beside them; aria=False keeps the layer, empty
    # when nothing was rejected, from being announced as an image with no name.
    end_marks = alt.Chart(mark=_mark("point", shape="cross", size=160, filled=True,
                                     aria=False),
                          transform=[{"filter": "datum.rejected === true"}])
    end_labels = alt.Chart(
        mark=_mark("text", align="left", dx=6, dy=-8, fontSize=12),
        transform=[{"filter": "isValid(datum.label)"}],
        encoding=alt.FacetedEncoding(text=_channel("label", "nominal")),
    )
    # The threshold is drawn once, from a one-row dataset of its own.
    once = {"values": [{"threshold": model.threshold,
                        "text": f"Rejection threshold ({_pct(model.threshold)})"}]}
    at_threshold = _channel("threshold", "quantitative")
    threshold = alt.Chart(
        data=once,
        mark=_mark("rule", strokeDash=[2, 3], strokeWidth=1.5),
        encoding=alt.FacetedEncoding(x={"value": 0}, x2={"value": "width"}, y=at_threshold,
                                     color={"value": THRESHOLD_COLOUR}),
    )
    threshold_label = alt.Chart(
        data=once,
        mark=_mark("text", align="left", dx=4, dy=12, fontSize=11),
        encoding=alt.FacetedEncoding(x={"value": 0}, y=at_threshold,
                                     text=_channel("text", "nominal"),
                                     color={"value": THRESHOLD_COLOUR}),
    )
    subtitle = "Illustrative model, not a forecast. Dotted line: rejection threshold"
    if pinned is not None:
        subtitle += "; dashed line with squares: pinned settings"
    return alt.LayerChart(
        layer=[line, points, end_marks, end_labels, threshold, threshold_label],
        data={"values": _lines(models)},
        encoding=alt.FacetedEncoding(x=x, y=y, color=by_series("color", 0)),
        title={"text": "Room to manoeuvre, month by month", "subtitle": subtitle},
        description=summarise_room(model, pinned),
        width=WIDTH,
        height=240,
    )


def summarise_leverage(model: ImmuneResponseModel) -> str:
    """Say what moving each setting a little in the pilot's favour would do.

    Examples
    --------
    >>> text = summarise_leverage(ImmuneResponseModel(0.5, 0.5, 0.5, 0.5))
    >>> print(text)  # doctest: +ELLIPSIS +NORMALIZE_WHITESPACE
    Moving one setting 0.1 in the pilot's favour, on its own, adds to its average room to
    manoeuvre: lowering audit intensity (now 0.50) 1.4 percentage points; ...
    """
    parts, saves = [], []
    for row in model.leverage_by_setting().values():
        label = SETTING_LABELS[row.setting]
        if row.moved_to == row.value:
            parts.append(f"{label} is already at its "
                         f"{'highest' if row.value == 1 else 'lowest'} ({row.value:.0f})")
        else:
            parts.append(f"{_verb(row.setting)} {label} (now {row.value:.2f}) "
                         f"{_points(row.room_gain)}")
        if not math.isnan(row.survives_at):
            saves.append(f"{_verb(row.setting)} {label} to {row.survives_at:.2f}")
    text = (f"Moving one setting {NUDGE:.1f} in the pilot's favour, on its own, adds to its "
            f"average room to manoeuvre: " + "; ".join(parts) + ".")
    if saves:
        text += f" On its own, {' or '.join(saves)} would let the pilot survive."
    elif not model.outcome().survived:
        text += " No single setting would let the pilot survive on its own."
    return f"{text} {NOT_A_FORECAST}"


def setting_leverage(model: ImmuneResponseModel) -> alt.LayerChart:
    """Horizontal bars: what moving each setting 0.1 in the pilot's favour adds, labelled.

    Each bar's label gives the gain in percentage points and, for a rejected pilot,
    the value at which that setting alone would save it; the setting that matters most
    is labelled so.

    Examples
    --------
    >>> setting_leverage(ImmuneResponseModel()).to_dict()["title"]["text"]
    'What a small change to each setting would do'
    """
    most = model.most_influential()
    rows = [{
        "change": f"{_verb(row.setting).capitalize()} {SETTING_LABELS[row.setting]}",
        "points": row.room_gain * 100,
        "label": (f"already at {row.value:.0f}" if row.moved_to == row.value
                  else f"+{row.room_gain * 100:.1f} points")
        + ("" if math.isnan(row.survives_at) else f"; survives at {row.survives_at:.2f}")
        + (" (matters most)" if row.setting == most else ""),
    } for row in model.leverage_by_setting().values()]
    bars = alt.Chart(mark=_mark("bar", color="#1f5f8b"))
    labels = alt.Chart(mark=_mark("text", align="left", dx=4, fontSize=12),
                       encoding=alt.FacetedEncoding(text=_channel("label", "nominal")))
    return alt.LayerChart(
        layer=[bars, labels],
        data={"values": rows},
        encoding=alt.FacetedEncoding(
            y=_channel("change", "nominal", title=None, sort=[row["change"] for row in rows]),
            x=_channel("points", "quantitative",
                       title="Average room gained (percentage points)",
                       scale={"domainMin": 0}),
            tooltip=[_channel("change", "nominal", title="Change"),
                     _channel("label", "nominal", title="Room gained")],
        ),
        title={"text": "What a small change to each setting would do",
               "subtitle": f"Each setting moved {NUDGE:.1f} in the pilot's favour, one at a time"},
        description=summarise_leverage(model),
        width=WIDTH - 100,
        height={"step": 30},
    )
