"""A chart of a learner's self-assessment beside a cohort's range, and its text twin.

:func:`self_assessment_chart` returns a new chart with a title and a
``description`` that screen readers announce; :func:`summarise_self_assessment`
returns that description as plain text. Every dimension carries a text label with
the learner's score and the cohort's range, and the learner's score and the
cohort's middle have different shapes (a dot and a tick), so colour never carries
meaning alone.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import altair as alt
import pandas as pd

from ..models.self_assessment import HIGHEST, LOWEST, SelfAssessment

WIDTH = 360


def _one(score: float) -> str:
    """Return a score to one decimal place, rounding halves up as people expect (1.25 -> 1.3).

    Examples
    --------
    >>> _one(1.25), _one(2.75), _one(3.0)
    ('1.3', '2.8', '3.0')
    """
    return str(Decimal(repr(float(score))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _count(names: list[str]) -> str:
    """Count dimensions and name them; semicolons, because their names contain "and".

    Examples
    --------
    >>> _count(["Purpose"]), _count(["Purpose", "Power and authority"])
    ('1 dimension (Purpose)', '2 dimensions (Purpose; Power and authority)')
    """
    return f"{len(names)} dimension{'s' if len(names) > 1 else ''} ({'; '.join(names)})"


def _table(assessment: SelfAssessment, cohort: pd.DataFrame | None) -> pd.DataFrame:
    if cohort is not None:
        return assessment.compare(cohort)
    return assessment.dimension_scores()[["score"]]


def summarise_self_assessment(
    assessment: SelfAssessment, cohort: pd.DataFrame | None = None
) -> str:
    """Describe the learner's strongest and weakest dimensions, and how they sit in the cohort.

    Examples
    --------
    >>> from compass_widgets.data.compass_statements import load_compass_statements
    >>> statements = load_compass_statements()
    >>> print(summarise_self_assessment(SelfAssessment(statements)))
    You have not answered any statements yet. Choose a score for each one to see your results.
    >>> mine = SelfAssessment(statements, {"purpose-1": 4, "power-1": 2}, quick=True)
    >>> print(summarise_self_assessment(mine))  # doctest: +NORMALIZE_WHITESPACE
    You answered 2 of 8 statements; the 6 left unanswered are not counted. Your strongest
    dimension is Purpose (4.0 out of 5) and your weakest is Power and authority (2.0).
    Overall you score 3.0.
    """
    total, answered = assessment.statement_count, assessment.answered_count
    if answered == 0:
        return ("You have not answered any statements yet. Choose a score for each one to see "
                "your results.")
    if answered == total:
        text = f"You answered all {total} statements."
    else:
        left = total - answered
        text = (f"You answered {answered} of {total} statements; the {left} left unanswered "
                f"{'is' if left == 1 else 'are'} not counted.")
    scores = assessment.dimension_scores()["score"].to_dict()
    strongest, weakest = str(assessment.strongest()), str(assessment.weakest())
    if strongest == weakest:
        text += (f" Your only scored dimension is {strongest} ({_one(scores[strongest])} out "
                 "of 5).")
    else:
        text += (f" Your strongest dimension is {strongest} ({_one(scores[strongest])} out of "
                 f"5) and your weakest is {weakest} ({_one(scores[weakest])}).")
    text += f" Overall you score {_one(float(assessment.overall_score() or 0))}."
    if cohort is None:
        return text
    table = assessment.compare(cohort).to_dict("index")
    above = [str(d) for d, row in table.items() if row["score"] > row["cohort_median"]]
    below = [str(d) for d, row in table.items() if row["score"] < row["cohort_median"]]
    size = max(int(row["cohort_size"]) for row in table.values())
    if above:
        text += f" Compared with a cohort of {size}, you are above its middle on {_count(above)}"
        text += f" and below it on {_count(below)}." if below else "."
    elif below:
        text += f" Compared with a cohort of {size}, you are below its middle on {_count(below)}."
    else:
        text += f" You are level with the middle of a cohort of {size} on every dimension."
    return text


def _label(row: Mapping[Any, Any], with_cohort: bool) -> str:
    score = float(row["score"])
    mine = "not answered" if math.isnan(score) else f"you {_one(score)}"
    if not with_cohort:
        return mine
    return f"{mine}; cohort {_one(row['cohort_min'])} to {_one(row['cohort_max'])}"


def self_assessment_chart(
    assessment: SelfAssessment, cohort: pd.DataFrame | None = None
) -> alt.LayerChart:
    """Dot for each dimension score, beside the cohort's range (bar) and middle (tick).

    Each dimension is labelled in text with the learner's score and the cohort's
    range. Dimensions with no answers show "not answered" and no dot.

    Examples
    --------
    >>> from compass_widgets.data.compass_statements import load_compass_statements
    >>> from compass_widgets.data.compass_cohort import load_compass_cohort
    >>> mine = SelfAssessment(load_compass_statements(), {"purpose-1": 4}, quick=True)
    >>> chart = self_assessment_chart(mine, load_compass_cohort())
    >>> chart.to_dict()["title"]["text"]
    'Your self-assessment, dimension by dimension'
    """
    with_cohort = cohort is not None
    table = _table(assessment, cohort).reset_index()
    table["label"] = [_label(row, with_cohort) for row in table.to_dict("records")]
    table["score"] = table["score"].astype(float)
    y = alt.Y("dimension:N", title=None, sort=list(table["dimension"]),
              axis=alt.Axis(labelLimit=260))
    tooltip = [alt.Tooltip("dimension:N", title="Dimension"),
               alt.Tooltip("label:N", title="Scores")]
    scale = alt.Scale(domain=[LOWEST, HIGHEST])
    x = alt.X("score:Q", scale=scale, title="Score: 1 transactional, 5 stewardship",
              axis=alt.Axis(values=list(range(LOWEST, HIGHEST + 1)), format="d"))
    layers = []
    if with_cohort:
        layers += [
            alt.Chart().mark_rule(strokeWidth=8, color="#c8c8c8", strokeCap="round").encode(
                x=alt.X("cohort_min:Q", scale=scale), x2=alt.X2("cohort_max:Q"), y=y,
                tooltip=tooltip),
            alt.Chart().mark_tick(color="#555555", thickness=2, size=16).encode(
                x=alt.X("cohort_median:Q", scale=scale), y=y, tooltip=tooltip),
        ]
    if table["score"].notna().any():
        # Only when there is a dot to draw: Vega gives an empty layer the role of an
        # unnamed image, which screen readers announce (axe-core rule svg-img-alt).
        layers.append(alt.Chart().transform_filter("isValid(datum.score)").mark_point(
            filled=True, size=140, color="#2c6e91", shape="circle", opacity=1).encode(
            x=x, y=y, tooltip=tooltip))
    layers += [
        alt.Chart().mark_text(align="left", dx=10, fontSize=12).encode(
            # The labels sit in a column right of the plot, whatever the scores.
            x=alt.XValue(WIDTH),  # type: ignore[no-untyped-call]
            y=y, text=alt.Text("label:N"), tooltip=tooltip),
    ]
    subtitle = ("Dot: your score. Grey bar: the cohort's range; tick: its middle."
                if with_cohort else "Dot: your score, the mean of the statements you answered.")
    # One LayerChart holding the data, with layers that hold none, is several times
    # quicker to build than alt.layer() of charts with data: the widget redraws it live.
    return alt.LayerChart(
        data=table,
        layer=layers,
        title=alt.TitleParams("Your self-assessment, dimension by dimension", subtitle=subtitle),
        description=summarise_self_assessment(assessment, cohort),
        width=WIDTH,
        height=alt.Step(30),
        padding={"right": 200},
    )
