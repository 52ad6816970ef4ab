"""Tests for compass_widgets.charts.cynefin: valid, aggregated, described charts and their twins.

Sentences are worked out by hand from the six vignettes and the three-week model of
tests/test_models_cynefin.py (see its docstring): sorting A as clear, B as complex and F
as clear agrees with the rule on A and F and with the practitioners on A only; the
standard route only gives 2.5 escalations, 5 repeat contacts and £600 over 3 weeks, and
sending every complex case to the personalised route gives none, none and £750.
"""

from __future__ import annotations

import altair as alt
import pytest

from compass_widgets.charts.cynefin import (
    agreement_chart,
    escalation_trend,
    route_comparison,
    sorting_matrix,
    summarise_agreement,
    summarise_escalation_trend,
    summarise_matrix,
    summarise_route_comparison,
)
from compass_widgets.data.vignettes import load_vignettes
from compass_widgets.models.cynefin import (
    MEASURES,
    MIXED,
    STANDARD,
    EscalationModel,
    SortingExercise,
)

from .test_models_cynefin import six_vignettes


@pytest.fixture
def tiny_exercise() -> SortingExercise:
    return SortingExercise(six_vignettes()).sort("A", "clear").sort("B", "complex").sort(
        "F", "clear")


@pytest.fixture
def tiny_model() -> EscalationModel:
    return EscalationModel(
        complex_share=0.5, personalised_share=1.0, weeks=3, new_cases=10, clear_share=1.0,
        max_attempts=2, resolve_standard={"clear": 1.0, "complicated": 0.5, "complex": 0.5},
        resolve_personalised=1.0, cost_standard=10, cost_personalised=40, cost_escalation=100,
    )


def _layer_rows(spec: dict, layer: int) -> list[dict]:
    data = spec["layer"][layer].get("data", spec.get("data"))
    return spec["datasets"][data["name"]]


SORTING = [
    ("agreement", agreement_chart, summarise_agreement, "How often the sortings agree"),
    ("matrix", sorting_matrix, summarise_matrix, "Your sorting against the practitioners"),
]
ESCALATION = [
    *((f"trend-{m}", lambda model, m=m: escalation_trend(model, m),
       lambda model, m=m: summarise_escalation_trend(model, m), f"{label}, week by week")
      for m, label in MEASURES.items()),
    ("comparison", route_comparison, summarise_route_comparison,
     "Standard route only against mixed routes"),
]


# -- every builder ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "build", "summarise", "title"), SORTING,
                         ids=[b[0] for b in SORTING])
def test_sorting_builders_give_new_valid_described_charts(tiny_exercise, name, build,
                                                           summarise, title):
    chart = build(tiny_exercise)
    assert isinstance(chart, alt.LayerChart)
    assert build(tiny_exercise) is not chart
    spec = chart.to_dict()  # validates against the Vega-Lite schema
    assert spec["title"]["text"] == title
    assert spec["description"] == summarise(tiny_exercise)


@pytest.mark.parametrize(("name", "build", "summarise", "title"), ESCALATION,
                         ids=[b[0] for b in ESCALATION])
def test_escalation_builders_give_new_valid_described_charts(tiny_model, name, build,
                                                              summarise, title):
    chart = build(tiny_model)
    assert isinstance(chart, alt.LayerChart)
    assert build(tiny_model) is not chart
    spec = chart.to_dict()
    assert spec["title"]["text"] == title
    assert "Illustrative assumptions, not real data." in spec["title"]["subtitle"]
    assert spec["description"] == summarise(tiny_model)


@pytest.mark.parametrize(("name", "build", "summarise", "title"), [*SORTING, *ESCALATION],
                         ids=[b[0] for b in [*SORTING, *ESCALATION]])
def test_shipped_data_and_defaults_draw(name, build, summarise, title):
    subject = (SortingExercise(load_vignettes()) if (name, build) in
               [(s[0], s[1]) for s in SORTING] else EscalationModel())
    spec = build(subject).to_dict()
    assert spec["description"] == summarise(subject)


def test_builders_never_change_their_models(tiny_exercise, tiny_model):
    table, totals = tiny_exercise.table(), tiny_model.totals()
    for _, build, summarise, _ in SORTING:
        build(tiny_exercise).to_dict()
        summarise(tiny_exercise)
    for _, build, summarise, _ in ESCALATION:
        build(tiny_model).to_dict()
        summarise(tiny_model)
    assert tiny_exercise.table().equals(table)
    assert tiny_model.totals().equals(totals)
    assert dict(tiny_exercise.answers) == {"A": "clear", "B": "complex", "F": "clear"}


# -- the data each chart carries: aggregates, with text labels ---------------------------------


def test_agreement_chart_rows_and_labels(tiny_exercise):
    spec = agreement_chart(tiny_exercise).to_dict()
    rows = _layer_rows(spec, 0)
    assert [r["pair"] for r in rows] == ["You and the rule", "You and the practitioners",
                                         "The rule and the practitioners"]
    assert [r["label"] for r in rows] == ["2 of 3 (67%)", "1 of 3 (33%)", "5 of 6 (83%)"]
    assert spec["layer"][1]["mark"]["type"] == "text"
    assert spec["title"]["subtitle"] == "3 of 6 vignettes sorted by you"


def test_agreement_chart_with_nothing_sorted_says_none_yet():
    rows = _layer_rows(agreement_chart(SortingExercise(six_vignettes())).to_dict(), 0)
    assert [r["label"] for r in rows] == ["none yet", "none yet", "5 of 6 (83%)"]


def test_matrix_has_16_labelled_cells_and_outlines_the_diagonal(tiny_exercise):
    spec = sorting_matrix(tiny_exercise).to_dict()
    cells = _layer_rows(spec, 0)
    assert len(cells) == 16
    counts = {(c["learner"], c["practitioner"]): c["label"] for c in cells}
    assert counts[("clear", "clear")] == "1"
    assert counts[("clear", "complex")] == "1"
    assert counts[("complex", "complicated")] == "1"
    # The agreeing cells are outlined, and drawn last so no neighbour hides the outline.
    assert [(c["learner"], c["practitioner"]) for c in cells if c["agree"] == "yes"] == [
        (d, d) for d in ("clear", "complicated", "complex", "chaotic")]
    assert [c["agree"] for c in cells] == ["no"] * 12 + ["yes"] * 4
    encoding = spec["layer"][0]["encoding"]
    assert encoding["stroke"]["field"] == "agree"
    assert encoding["strokeWidth"]["scale"]["range"] == [3, 1]
    assert spec["layer"][1]["mark"]["type"] == "text"


def test_trend_rows_dashes_and_end_labels(tiny_model):
    spec = escalation_trend(tiny_model, "escalations").to_dict()
    lines = _layer_rows(spec, 0)
    assert len(lines) == 6  # 3 weeks, 2 scenarios
    assert [r["value"] for r in lines if r["scenario"] == STANDARD] == [0, 1.25, 1.25]
    line_encoding = spec["layer"][0]["encoding"]
    assert line_encoding["strokeDash"]["field"] == "scenario"  # not colour alone
    ends = _layer_rows(spec, 1)
    assert [r["end_label"] for r in ends] == ["Standard route only: 1.2", "Mixed routes: 0"]


def test_trend_shows_shares_as_percentages(tiny_model):
    spec = escalation_trend(tiny_model, "failure_share").to_dict()
    assert spec["layer"][0]["encoding"]["y"]["axis"]["format"] == "%"
    assert [r["end_label"] for r in _layer_rows(spec, 1)] == ["Standard route only: 20%",
                                                              "Mixed routes: 0%"]


def test_comparison_rows_and_labels(tiny_model):
    spec = route_comparison(tiny_model).to_dict()
    rows = _layer_rows(spec, 0)
    assert len(rows) == 8  # 4 measures, 2 scenarios
    labels = {(r["measure"], r["scenario"]): r["value_label"] for r in rows}
    assert labels[("Escalations, in total", STANDARD)] == "Standard route only: 2.5"
    assert labels[("Escalations, in total", MIXED)] == "Mixed routes: 0"
    assert labels[("Cost (£), in total", STANDARD)] == "Standard route only: £600"
    assert labels[("Cost (£), in total", MIXED)] == "Mixed routes: £750"
    assert labels[("Failure demand share, over the period", STANDARD)] == (
        "Standard route only: 14%")
    # Each pair is scaled to its larger value; a pair of zeros stays at zero.
    relative = {(r["measure"], r["scenario"]): r["relative"] for r in rows}
    assert relative[("Cost (£), in total", STANDARD)] == 600 / 750
    assert relative[("Cost (£), in total", MIXED)] == 1.0
    assert relative[("Escalations, in total", MIXED)] == 0.0
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["bar", "text"]


def test_comparison_with_nothing_to_compare_draws_zero_bars():
    rows = _layer_rows(route_comparison(EscalationModel(new_cases=0)).to_dict(), 0)
    assert {r["relative"] for r in rows} == {0.0}


@pytest.mark.parametrize("measure", ["cost per case", "Escalations", ""])
def test_unknown_measure_is_refused(tiny_model, measure):
    with pytest.raises(ValueError, match="measure must be one of escalations, repeat_contacts, "
                                         "cost, failure_share"):
        escalation_trend(tiny_model, measure)
    with pytest.raises(ValueError, match="measure must be one of"):
        summarise_escalation_trend(tiny_model, measure)


# -- the sentences -----------------------------------------------------------------------------


def test_agreement_summary_on_tiny_exercise(tiny_exercise):
    assert summarise_agreement(tiny_exercise) == (
        "You have sorted 3 of 6 vignettes. You agree with the rule on 2 of 3 (67%) and with the "
        "practitioners on 1 of 3 (33%). The rule agrees with the practitioners on 5 of 6 (83%).")


def test_agreement_summary_with_nothing_sorted():
    assert summarise_agreement(SortingExercise(six_vignettes())) == (
        "You have not sorted any of the 6 vignettes yet. The rule agrees with the practitioners "
        "on 5 of 6 (83%).")


def test_matrix_summary_names_the_most_common_difference(tiny_exercise):
    # Two differences, one each: (clear, complex) comes first in course order.
    assert summarise_matrix(tiny_exercise) == (
        "You agree with the practitioners on 1 of the 3 vignettes you have sorted. The most "
        "common difference: 1 vignette you called clear, the practitioners called complex.")


def test_matrix_summary_counts_a_repeated_difference():
    exercise = SortingExercise(six_vignettes()).sort("C", "complicated").sort(
        "D", "complicated").sort("A", "clear")
    assert summarise_matrix(exercise) == (
        "You agree with the practitioners on 1 of the 3 vignettes you have sorted. The most "
        "common difference: 2 vignettes you called complicated, the practitioners called "
        "complex.")


@pytest.mark.parametrize(("answers", "expected"), [
    ({}, "You have not sorted any vignettes yet, so there is nothing to compare."),
    ({"A": "clear"}, "You agree with the practitioners on the 1 vignette you have sorted."),
    ({"A": "clear", "E": "chaotic"},
     "You agree with the practitioners on all 2 vignettes you have sorted."),
])
def test_matrix_summary_when_nothing_differs(answers, expected):
    assert summarise_matrix(SortingExercise(six_vignettes(), answers=answers)) == expected


def test_trend_summaries_on_tiny_model(tiny_model):
    tail = ("(50% of cases complex; mixed routes send 100% of complex cases to the personalised "
            "route; illustrative assumptions, not real data.)")
    assert summarise_escalation_trend(tiny_model, "escalations") == (
        "By week 3, escalations run at 1.2 a week with the standard route only and 0 with mixed "
        f"routes. Over 3 weeks that is 2.5 against 0. {tail}")
    assert summarise_escalation_trend(tiny_model, "repeat_contacts").startswith(
        "By week 3, repeat contacts run at 2.5 a week with the standard route only and 0 with")
    assert summarise_escalation_trend(tiny_model, "cost").startswith(
        "By week 3, the cost is £250 a week with the standard route only and £250 with mixed "
        "routes. Over 3 weeks that is £600 against £750.")
    assert summarise_escalation_trend(tiny_model, "failure_share").startswith(
        "By week 3, failure demand is 20% of contacts with the standard route only and 0% with "
        "mixed routes. Over 3 weeks it is 14% against 0%.")


def test_trend_summary_says_week_for_a_one_week_model():
    assert "Over 1 week that is" in summarise_escalation_trend(EscalationModel(weeks=1))


def test_comparison_summary_when_mixed_routes_cost_more(tiny_model):
    assert summarise_route_comparison(tiny_model) == (
        "Over 3 weeks, with 50% of cases complex, the standard route only leads to 2.5 "
        "escalations, 5 repeat contacts and £600 of cost. Sending 100% of complex cases to the "
        "personalised route leads to 0 escalations, 0 repeat contacts and £750 of cost: 25% more "
        "in cost. (Illustrative assumptions, not real data.)")


def test_comparison_summary_when_mixed_routes_cost_less():
    text = summarise_route_comparison(EscalationModel())
    assert text.startswith("Over 26 weeks, with 25% of cases complex, the standard route only "
                           "leads to 354 escalations, 1,422 repeat contacts and £652,215 of cost.")
    assert "leads to 205 escalations, 1,077 repeat contacts and £469,118 of cost: 28% less" in text


def test_comparison_summary_when_the_routes_cost_the_same():
    assert "about the same in cost" in summarise_route_comparison(
        EscalationModel(personalised_share=0.0))
    assert "about the same in cost" in summarise_route_comparison(EscalationModel(new_cases=0))
