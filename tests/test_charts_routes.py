"""Tests for compass_widgets.charts.routes: the path chart and its text twin."""

from __future__ import annotations

import itertools

import altair as alt
import pytest

from compass_widgets.charts.routes import route_path, summarise_route
from compass_widgets.models.routes import DISCLAIMER, QUESTION_KEYS, CommissioningAnswers


def _rows(spec: dict) -> list[dict]:
    return spec["datasets"][spec["data"]["name"]]


@pytest.mark.parametrize("answers", [
    CommissioningAnswers(is_grant=True),
    CommissioningAnswers(),
    CommissioningAnswers(health_care=True, suitable_provider_known=True, alliance=True),
    CommissioningAnswers(above_threshold=False),
])
def test_builder_gives_a_new_valid_described_chart(answers):
    advice = answers.advise()
    chart = route_path(advice)
    assert isinstance(chart, alt.LayerChart)
    assert route_path(advice) is not chart
    spec = chart.to_dict()  # validates against the Vega-Lite schema
    assert spec["title"]["text"] == "How your answers lead to a route"
    assert spec["title"]["subtitle"] == f"{advice.name}. A learning aid, not legal advice."
    assert spec["description"] == summarise_route(advice)


def test_one_row_per_step_and_one_for_the_route():
    advice = CommissioningAnswers(health_care=True, existing_doing_well=True).advise()
    rows = _rows(route_path(advice).to_dict())
    assert [r["order"] for r in rows] == [1, 2, 3, 4, 5, 6, 7]
    assert [r["text"] for r in rows] == [
        "1. A grant? No: a contract route is needed",
        "2. Health care (PSR)? Yes: the Provider Selection Regime applies, with no value "
        "threshold",
        "3. Only the existing provider? No: Direct Award Process A does not apply",
        "4. Patients choose? No: Direct Award Process B does not apply",
        "5. Existing provider doing well? Yes: Direct Award Process C may be used",
        "6. An alliance? No: a contract with each provider is enough",
        "Route: Direct Award Process C",
    ]
    assert [r["status"] for r in rows] == ["passed it on"] * 4 + ["settled it", "passed it on",
                                                                  "the route"]


def test_meaning_is_carried_by_shape_and_text_not_colour_alone():
    spec = route_path(CommissioningAnswers().advise()).to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["line", "point", "text"]
    shape = spec["layer"][1]["encoding"]["shape"]
    assert shape["field"] == "status"
    assert shape["scale"]["range"] == ["circle", "diamond", "square"]


def test_summary_by_hand():
    advice = CommissioningAnswers(health_care=True, suitable_provider_known=True,
                                  alliance=True).advise()
    assert summarise_route(advice) == (
        "The route is: Alliance contract, with the partners chosen by: Most Suitable Provider "
        "Process (Provider Selection Regime, regulation 10: SI 2023/1348, in force since 1 "
        "January 2024). It was settled at question 6 (Most suitable provider known?), where you "
        "said yes. Two answers did not matter for this route: above the threshold, clear "
        f"requirement. {DISCLAIMER}")


@pytest.mark.parametrize(("answers", "words"), [
    (CommissioningAnswers(is_grant=True), "Eight answers did not matter"),
    (CommissioningAnswers(), "Four answers did not matter"),
    (CommissioningAnswers(above_threshold=False), "Five answers did not matter"),
    (CommissioningAnswers(health_care=True, only_existing_provider=True),
     "Five answers did not matter"),
])
def test_summary_counts_the_answers_that_did_not_matter(answers, words):
    assert words in summarise_route(answers.advise())


def test_every_combination_draws_and_names_the_settling_question():
    for flags in itertools.product([True, False], repeat=len(QUESTION_KEYS)):
        advice = CommissioningAnswers(**dict(zip(QUESTION_KEYS, flags, strict=True))).advise()
        text = summarise_route(advice)
        assert "It was settled at question" in text
        assert text.endswith(DISCLAIMER)
    # A sample renders (the full set would only repeat the same few shapes).
    assert route_path(advice).to_dict(validate=True)
