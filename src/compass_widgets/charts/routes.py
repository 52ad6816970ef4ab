"""Chart for module 09: the path of questions that led to a commissioning route.

:func:`route_path` takes a :class:`~compass_widgets.models.routes.RouteAdvice` and
returns a new chart with a title and a ``description`` that screen readers announce;
:func:`summarise_route` returns the same message as sentences, to print beside it.
Each step is written out in text and marked by shape (a circle for a question that
passed the decision on, a diamond for one that settled it, a square for the route),
so colour is never the only carrier of meaning.
"""

from __future__ import annotations

from typing import cast

import altair as alt
import pandas as pd

from ..models.routes import DISCLAIMER, QUESTIONS_BY_KEY, RouteAdvice

WIDTH = 560
STATUS = ("passed it on", "settled it", "the route")
SHAPES = ["circle", "diamond", "square"]
COLOURS = ["#777777", "#2c6e91", "#8c2d04"]


def _yes_no(flag: bool) -> str:
    return "Yes" if flag else "No"


def summarise_route(advice: RouteAdvice) -> str:
    """Say which route the answers lead to, which answer settled it, and what did not matter.

    Examples
    --------
    >>> from compass_widgets.models.routes import CommissioningAnswers
    >>> advice = CommissioningAnswers(is_grant=True).advise()
    >>> print(summarise_route(advice))  # doctest: +NORMALIZE_WHITESPACE +ELLIPSIS
    The route is: Grant agreement (A grant, not a procurement). It was settled at
    question 1 (A grant?), where you said yes. Eight answers did not matter...
    """
    settled = [step for step in advice.steps if step.decisive and step.key != "alliance"]
    text = f"The route is: {advice.name} ({advice.route.regime})."
    if settled:
        step = settled[-1]
        text += (f" It was settled at question {step.number} ({step.label}), where you said "
                 f"{_yes_no(step.answer).lower()}.")
    if advice.unused:
        count = len(advice.unused)
        words = {1: "One answer", 2: "Two answers", 3: "Three answers", 4: "Four answers",
                 5: "Five answers", 6: "Six answers", 7: "Seven answers", 8: "Eight answers"}
        names = ", ".join(QUESTIONS_BY_KEY[k].label.rstrip("?").lower() for k in advice.unused)
        text += f" {words.get(count, f'{count} answers')} did not matter for this route: {names}."
    return f"{text} {DISCLAIMER}"


def route_path(advice: RouteAdvice) -> alt.LayerChart:
    """Draw the questions asked, top to bottom, each with your answer and what it meant.

    Examples
    --------
    >>> from compass_widgets.models.routes import CommissioningAnswers
    >>> chart = route_path(CommissioningAnswers(health_care=True).advise())
    >>> chart.to_dict()["title"]["text"]
    'How your answers lead to a route'
    """
    rows = [{
        "order": step.number,
        "text": f"{step.number}. {step.label} {_yes_no(step.answer)}: {step.outcome}",
        "status": STATUS[1] if step.decisive else STATUS[0],
    } for step in advice.steps]
    rows.append({"order": len(rows) + 1, "text": f"Route: {advice.name}", "status": STATUS[2]})
    data = pd.DataFrame(rows)
    data["x"] = 0
    height = 26 * len(rows)
    y = alt.Y("order:O", axis=None, scale=alt.Scale(paddingOuter=0.5))
    x = alt.X("x:Q", axis=None, scale=alt.Scale(domain=[0, 10]))
    base = alt.Chart(data).encode(
        x=x, y=y, tooltip=[alt.Tooltip("text:N", title="Step"),
                           alt.Tooltip("status:N", title="This answer")])
    line = base.mark_line(color="#bbbbbb", strokeWidth=2)
    points = base.mark_point(filled=True, size=140, opacity=1).encode(
        shape=alt.Shape("status:N", title="This answer", scale=alt.Scale(domain=list(STATUS),
                                                                        range=SHAPES),
                        legend=alt.Legend(orient="bottom")),
        color=alt.Color("status:N", title="This answer",
                        scale=alt.Scale(domain=list(STATUS), range=COLOURS)),
    )
    labels = base.mark_text(align="left", dx=14, fontSize=12, limit=WIDTH - 30).encode(
        text=alt.Text("text:N"))
    return cast(alt.LayerChart, alt.layer(
        line,
        points,
        labels,
        title=alt.TitleParams("How your answers lead to a route",
                              subtitle=f"{advice.name}. A learning aid, not legal advice."),
        description=summarise_route(advice),
        width=WIDTH,
        height=height,
    ))
