"""Charts of a cohort's grades for tutors, each with a sentence that says the same thing.

Every builder takes the tidy frame of
:func:`~compass_widgets.models.cohort.load_cohort_grades`, aggregates it with the
model's functions (a chart never carries single answers) and returns a new chart
with a title and a ``description``. Every number is written in its cell or beside
its bar, so colour is never the only way to read it. The matching ``summarise_*``
function returns the description as plain text, to print beside the chart.
"""

from __future__ import annotations

from typing import cast

import altair as alt
import pandas as pd

from ..models.cohort import most_missed, scores_by_assignment, scores_by_objective, students_behind
from . import quick

WIDTH = 420
NO_GRADES = "There are no marked grades yet."
_HEAT = alt.Scale(scheme="blues", domain=[0, 1])
# Cells darker than this share carry white text, lighter ones black.
_DARK = 0.6


def _pct(share: float) -> str:
    return f"{share:.0%}"


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def summarise_assignment_scores(grades: pd.DataFrame, threshold: float = 0.5) -> str:
    """Say how many learners handed work in and who is behind.

    Examples
    --------
    >>> grades = pd.DataFrame({
    ...     "student": ["ada", "ben"], "assignment": ["02", "02"],
    ...     "submitted": [True, True], "score": [3.0, 0.0], "max_score": [3.0, 3.0],
    ... })
    >>> summarise_assignment_scores(grades)
    '2 learners, 1 assignment set. 1 learner is behind (under 50% of marked points, or with work not handed in): ben.'
    """  # noqa: E501 (a doctest's output cannot be wrapped)
    if grades.empty:
        return NO_GRADES
    learners = grades["student"].nunique()
    assignments = grades["assignment"].nunique()
    text = (f"{learners} learner{'s' if learners != 1 else ''}, {assignments} "
            f"assignment{'s' if assignments != 1 else ''} set.")
    behind = students_behind(grades, threshold)["student"].tolist()
    if not behind:
        return f"{text} No one is behind (under {_pct(threshold)} of marked points)."
    verb = "learner is" if len(behind) == 1 else "learners are"
    return (f"{text} {len(behind)} {verb} behind (under {_pct(threshold)} of marked points, "
            f"or with work not handed in): {_names(behind)}.")


def _cell_labels(table: pd.DataFrame) -> pd.DataFrame:
    table = table.copy()
    table["label"] = table["share"].map(lambda s: "not marked" if pd.isna(s) else _pct(s))
    table["dark"] = table["share"].fillna(0.0) >= _DARK
    return table


def _heat_table(table: pd.DataFrame, x: alt.X, y: alt.Y, title: alt.TitleParams,
                description: str, tooltip: list[alt.Tooltip]) -> alt.LayerChart:
    base = alt.Chart().encode(x=x, y=y, tooltip=tooltip)
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color("share:Q", scale=_HEAT, title="Share of points",
                        legend=alt.Legend(format="%")),
    )
    labels = base.mark_text(fontSize=12).encode(
        text=alt.Text("label:N"),
        color=alt.condition("datum.dark", alt.value("white"), alt.value("black")),
    )
    return cast(alt.LayerChart, alt.layer(
        cells, labels, data=table, title=title, description=description,
        width=alt.Step(90), height=alt.Step(28),
    ))


@quick
def assignment_scores(grades: pd.DataFrame, threshold: float = 0.5) -> alt.LayerChart:
    """Table of each learner's share of points on each assignment, written in each cell.

    Examples
    --------
    >>> grades = pd.DataFrame({
    ...     "student": ["ada", "ben"], "assignment": ["02", "02"],
    ...     "submitted": [True, False], "score": [3.0, None], "max_score": [3.0, 3.0],
    ... })
    >>> chart = assignment_scores(grades)
    >>> chart.to_dict()["title"]["text"]
    'Scores by assignment'
    """
    table = _cell_labels(scores_by_assignment(grades))
    table.loc[~table["submitted"], "label"] = "not in"
    return _heat_table(
        table,
        x=alt.X("assignment:N", title="Assignment", axis=alt.Axis(labelAngle=-40)),
        y=alt.Y("student:N", title="Learner"),
        title=alt.TitleParams(
            "Scores by assignment",
            subtitle="Share of the marked points; \"not in\": not handed in"),
        description=summarise_assignment_scores(grades, threshold),
        tooltip=[alt.Tooltip("student:N", title="Learner"),
                 alt.Tooltip("assignment:N", title="Assignment"),
                 alt.Tooltip("label:N", title="Share of points"),
                 alt.Tooltip("score:Q", title="Points"),
                 alt.Tooltip("max_score:Q", title="Out of")],
    )


def _objective_name(row: pd.Series) -> str:
    objective = "no objective" if pd.isna(row["objective"]) else f"objective {row['objective']}"
    return f"{objective} of {row['assignment']}"


def summarise_objectives(grades: pd.DataFrame) -> str:
    """Say on which assignment objectives the cohort scored lowest and highest.

    Examples
    --------
    >>> grades = pd.DataFrame({
    ...     "student": ["ada", "ada"], "assignment": ["02", "02"], "objective": [2, 3],
    ...     "submitted": [True, True], "score": [3.0, 1.0], "max_score": [3.0, 5.0],
    ... })
    >>> summarise_objectives(grades)
    'The cohort scored lowest on objective 3 of 02 (20% of marked points) and highest on objective 2 of 02 (100%).'
    """  # noqa: E501 (a doctest's output cannot be wrapped)
    table = scores_by_objective(grades).dropna(subset=["share"])
    if table.empty:
        return NO_GRADES
    table = table.sort_values("share", kind="stable")
    low, high = table.iloc[0], table.iloc[-1]
    text = (f"The cohort scored lowest on {_objective_name(low)} "
            f"({_pct(low['share'])} of marked points)")
    if len(table) == 1:
        return text + "."
    return f"{text} and highest on {_objective_name(high)} ({_pct(high['share'])})."


@quick
def objective_scores(grades: pd.DataFrame) -> alt.LayerChart:
    """Table of the cohort's share of points on each objective of each assignment.

    Examples
    --------
    >>> grades = pd.DataFrame({
    ...     "student": ["ada"], "assignment": ["02"], "objective": [2],
    ...     "submitted": [True], "score": [1.0], "max_score": [2.0],
    ... })
    >>> objective_scores(grades).to_dict()["description"]
    'The cohort scored lowest on objective 2 of 02 (50% of marked points).'
    """
    table = _cell_labels(scores_by_objective(grades))
    table["objective"] = table["objective"].map(
        lambda o: "None" if pd.isna(o) else f"Objective {o}")
    return _heat_table(
        table,
        x=alt.X("objective:N", title="Module objective"),
        y=alt.Y("assignment:N", title="Assignment"),
        title=alt.TitleParams("Scores by learning objective",
                              subtitle="The cohort's share of the marked points"),
        description=summarise_objectives(grades),
        tooltip=[alt.Tooltip("assignment:N", title="Assignment"),
                 alt.Tooltip("objective:N", title="Objective"),
                 alt.Tooltip("label:N", title="Share of points"),
                 alt.Tooltip("learners:Q", title="Learners who handed it in")],
    )


def summarise_most_missed(grades: pd.DataFrame, n: int = 5) -> str:
    """Name the questions with the lowest mean share of points.

    Examples
    --------
    >>> grades = pd.DataFrame({
    ...     "student": ["ada", "ben", "ada", "ben"], "assignment": ["02"] * 4,
    ...     "grade_id": ["cost", "cost", "share", "share"], "objective": [2] * 4,
    ...     "kind": ["auto"] * 4, "score": [3.0, 0.0, 2.0, 2.0], "max_score": [3.0, 3.0, 2.0, 2.0],
    ... })
    >>> summarise_most_missed(grades)
    'Most missed: cost in 02 (learners scored 50% of its points on average), then share (100%).'
    """
    table = most_missed(grades, n)
    if table.empty:
        return NO_GRADES
    first = table.iloc[0]
    text = (f"Most missed: {first['grade_id']} in {first['assignment']} (learners scored "
            f"{_pct(first['share'])} of its points on average)")
    rest = [f"{grade_id} ({_pct(share)})" for grade_id, share
            in zip(table["grade_id"].iloc[1:], table["share"].iloc[1:], strict=True)]
    return f"{text}, then {_names(rest)}." if rest else f"{text}."


@quick
def most_missed_questions(grades: pd.DataFrame, n: int = 5) -> alt.LayerChart:
    """Horizontal bars of the questions with the lowest mean share of points, labelled.

    Examples
    --------
    >>> grades = pd.DataFrame({
    ...     "student": ["ada"], "assignment": ["02"], "grade_id": ["cost"], "objective": [2],
    ...     "kind": ["auto"], "score": [0.0], "max_score": [3.0],
    ... })
    >>> most_missed_questions(grades).to_dict()["title"]["text"]
    'Questions most learners miss'
    """
    table = most_missed(grades, n)
    table["question"] = [f"{a}: {g}" for a, g in zip(table["assignment"], table["grade_id"],
                                                       strict=True)]
    table["label"] = [f"{_pct(s)} ({k})" for s, k in zip(table["share"], table["kind"],
                                                         strict=True)]
    table["objective"] = table["objective"].astype("string").fillna("none")
    base = alt.Chart().encode(
        y=alt.Y("question:N", title="Question", sort=None, axis=alt.Axis(labelLimit=360)),
        x=alt.X("share:Q", title="Mean share of points", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        tooltip=[alt.Tooltip("question:N", title="Question"),
                 alt.Tooltip("objective:N", title="Objective"),
                 alt.Tooltip("kind:N", title="Marked by (auto: nbgrader, manual: tutor)"),
                 alt.Tooltip("label:N", title="Mean share of points"),
                 alt.Tooltip("learners:Q", title="Answers marked")],
    )
    bars = base.mark_bar(color="#2c6e91")
    labels = base.mark_text(align="left", dx=4, fontSize=12).encode(text=alt.Text("label:N"))
    return cast(alt.LayerChart, alt.layer(
        bars, labels, data=table,
        title=alt.TitleParams("Questions most learners miss",
                              subtitle="Lowest mean share of points first"),
        description=summarise_most_missed(grades, n),
        width=WIDTH, height=alt.Step(28),
    ))
