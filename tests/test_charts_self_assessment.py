"""Tests for compass_widgets.charts.self_assessment: a valid, labelled, described chart.

The sentences are worked out by hand from ``tiny_statements``, ``tiny_answers`` and
``tiny_cohort`` (see tests/test_models_self_assessment.py): Purpose 4.5 (cohort 2 to
5, middle 3.75), Governance and risk 2.0 (cohort 1 to 4, middle 2.5), Workforce
wellbeing not answered; overall 3.25.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd
import pytest

from compass_widgets.charts import chart_text
from compass_widgets.charts.self_assessment import (
    self_assessment_chart,
    summarise_self_assessment,
)
from compass_widgets.data.compass_cohort import load_compass_cohort
from compass_widgets.data.compass_statements import load_compass_statements
from compass_widgets.models.self_assessment import SelfAssessment

TITLE = "Your self-assessment, dimension by dimension"


@pytest.fixture
def tiny_statements() -> pd.DataFrame:
    return pd.DataFrame({
        "statement_id": ["p1", "p2", "p3", "g1", "g2", "w1"],
        "dimension": ["purpose"] * 3 + ["governance"] * 2 + ["workforce"],
        "statement": ["We know why.", "We start with people.", "We design out failure.",
                      "Rules help.", "Risk is fair.", "Staff are well."],
        "quick": [True, False, False, True, False, True],
    })


@pytest.fixture
def mine(tiny_statements) -> SelfAssessment:
    return SelfAssessment(tiny_statements, {"p1": 4, "p2": 5, "g1": 2})


@pytest.fixture
def tiny_cohort() -> pd.DataFrame:
    return pd.DataFrame({
        "learner": ["L1", "L2", "L3", "L4"],
        "purpose": [3.0, 4.5, 5.0, 2.0],
        "governance": [1.0, 2.0, 3.0, 4.0],
        "workforce": [2.0, 2.0, 2.0, 2.0],
    })


def _data(spec: dict) -> list[dict]:
    return spec["datasets"][spec["data"]["name"]]


@pytest.mark.parametrize("with_cohort", [True, False])
def test_chart_is_new_valid_titled_and_described(with_cohort):
    statements, cohort = load_compass_statements(), load_compass_cohort()
    mine = SelfAssessment(statements, {"purpose-1": 4, "power-1": 2}, quick=True)
    chosen = cohort if with_cohort else None
    chart = self_assessment_chart(mine, chosen)
    assert isinstance(chart, alt.LayerChart)
    assert self_assessment_chart(mine, chosen) is not chart
    spec = chart.to_dict()  # validates against the Vega-Lite schema
    assert spec["title"]["text"] == TITLE
    assert spec["description"] == summarise_self_assessment(mine, chosen)
    assert chart_text(spec) == f"{TITLE}. {spec['description']}"
    assert len(_data(spec)) == 8  # one row per dimension: aggregated, never the raw answers


def test_chart_with_a_cohort_has_a_range_a_middle_a_dot_and_text(mine, tiny_cohort):
    spec = self_assessment_chart(mine, tiny_cohort).to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["rule", "tick", "point", "text"]  # shapes and words, not colour alone
    assert "Grey bar: the cohort's range; tick: its middle" in spec["title"]["subtitle"]
    rows = _data(spec)
    assert [r["dimension"] for r in rows] == ["Purpose", "Governance and risk",
                                              "Workforce wellbeing"]
    assert [r["label"] for r in rows] == ["you 4.5; cohort 2.0 to 5.0",
                                          "you 2.0; cohort 1.0 to 4.0",
                                          "not answered; cohort 2.0 to 2.0"]
    assert rows[0]["cohort_median"] == 3.75
    assert rows[2]["score"] is None or math.isnan(rows[2]["score"])


def test_chart_without_a_cohort_has_a_dot_and_text(mine):
    spec = self_assessment_chart(mine).to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["point", "text"]
    assert [r["label"] for r in _data(spec)] == ["you 4.5", "you 2.0", "not answered"]
    assert spec["layer"][0]["transform"] == [{"filter": "isValid(datum.score)"}]


def test_chart_does_not_change_the_assessment(mine, tiny_cohort):
    cohort = tiny_cohort.copy()
    table = mine.dimension_scores()
    self_assessment_chart(mine, tiny_cohort).to_dict()
    pd.testing.assert_frame_equal(mine.dimension_scores(), table)
    pd.testing.assert_frame_equal(tiny_cohort, cohort)


# -- the sentence ----------------------------------------------------------------------------


def test_summary_with_a_cohort(mine, tiny_cohort):
    assert summarise_self_assessment(mine, tiny_cohort) == (
        "You answered 3 of 6 statements; the 3 left unanswered are not counted. Your strongest "
        "dimension is Purpose (4.5 out of 5) and your weakest is Governance and risk (2.0). "
        "Overall you score 3.3. Compared with a cohort of 4, you are above its middle on "
        "1 dimension (Purpose) and below it on 1 dimension (Governance and risk).")


def test_summary_without_a_cohort_stops_before_the_comparison(mine):
    assert summarise_self_assessment(mine).endswith("Overall you score 3.3.")


def test_summary_when_nothing_is_answered(tiny_statements, tiny_cohort):
    assert summarise_self_assessment(SelfAssessment(tiny_statements), tiny_cohort) == (
        "You have not answered any statements yet. Choose a score for each one to see your "
        "results.")


def test_summary_when_everything_is_answered(tiny_statements):
    every = SelfAssessment(tiny_statements, {s: 3 for s in tiny_statements["statement_id"]})
    assert summarise_self_assessment(every).startswith("You answered all 6 statements.")


def test_summary_with_one_left_and_one_dimension(tiny_statements, tiny_cohort):
    quick = SelfAssessment(tiny_statements, {"p1": 5, "g1": 3}, quick=True)
    text = summarise_self_assessment(quick, tiny_cohort)
    assert text.startswith("You answered 2 of 3 statements; the 1 left unanswered is not counted.")
    assert text.endswith("you are above its middle on 2 dimensions (Purpose; Governance and "
                         "risk).")
    only = SelfAssessment(tiny_statements, {"g1": 2})
    assert "Your only scored dimension is Governance and risk (2.0 out of 5)." in (
        summarise_self_assessment(only))


def test_summary_below_or_level_with_the_cohort(tiny_statements, tiny_cohort):
    low = SelfAssessment(tiny_statements, {"p1": 1, "g1": 1})
    assert summarise_self_assessment(low, tiny_cohort).endswith(
        "Compared with a cohort of 4, you are below its middle on 2 dimensions (Purpose; "
        "Governance and risk).")
    level = SelfAssessment(tiny_statements, {"w1": 2})
    assert summarise_self_assessment(level, tiny_cohort).endswith(
        "You are level with the middle of a cohort of 4 on every dimension.")
