"""Tests for compass_widgets.widgets.self_assessment, without a browser.

Each test sets a control's ``value`` from Python as the front end would (a row of
buttons, a dropdown, a text box, a button click) and checks the model, the text, the
chart and the learner store. The statements and cohort are the tiny ones of
tests/test_models_self_assessment.py, with anchors added.
"""

from __future__ import annotations

import html

import ipywidgets as w
import pandas as pd
import pytest
import traitlets as t

from compass_widgets.charts.self_assessment import summarise_self_assessment
from compass_widgets.models.self_assessment import STORE_KEY, ActionPlan
from compass_widgets.store import LearnerStore
from compass_widgets.widgets.self_assessment import (
    CompassSelfAssessment,
    load_saved_self_assessment,
)


class SpecLog:
    """Count how often a chart view is sent a new spec."""

    def __init__(self, view) -> None:
        self.count = 0
        view.observe(self._on_change, "spec")

    def _on_change(self, change) -> None:
        self.count += 1


@pytest.fixture
def tiny_statements() -> pd.DataFrame:
    ids = ["p1", "p2", "p3", "g1", "g2", "w1"]
    return pd.DataFrame({
        "statement_id": ids,
        "dimension": ["purpose"] * 3 + ["governance"] * 2 + ["workforce"],
        "statement": ["We know why.", "We start with people.", "We design out failure.",
                      "Rules help.", "Risk is fair.", "Staff are well."],
        "anchor_1": [f"Transactional {i}." for i in ids],
        "anchor_3": [f"Mixed {i}." for i in ids],
        "anchor_5": [f"Stewardship {i}." for i in ids],
        "quick": [True, False, False, True, False, True],
    })


@pytest.fixture
def tiny_cohort() -> pd.DataFrame:
    return pd.DataFrame({
        "learner": ["L1", "L2", "L3", "L4"],
        "purpose": [3.0, 4.5, 5.0, 2.0],
        "governance": [1.0, 2.0, 3.0, 4.0],
        "workforce": [2.0, 2.0, 2.0, 2.0],
    })


@pytest.fixture
def store(store_home) -> LearnerStore:
    return LearnerStore(store_home)


@pytest.fixture
def make(tiny_statements, tiny_cohort, store):
    def make(quick: bool = False, module: str | None = "11") -> CompassSelfAssessment:
        return CompassSelfAssessment(tiny_statements, tiny_cohort, quick=quick, store=store,
                                     module=module)
    return make


@pytest.fixture
def tool(make) -> CompassSelfAssessment:
    return make()


def _answer(tool: CompassSelfAssessment, **answers: int) -> None:
    for statement_id, score in answers.items():
        tool.answer_controls[statement_id].value = score


# -- first view ---------------------------------------------------------------------------


def test_full_form_groups_statements_by_dimension(tool):
    questions = tool.children[1]
    assert isinstance(questions, w.Accordion)
    assert questions.titles == ("Purpose", "Governance and risk", "Workforce wellbeing")
    assert [c.description for c in tool.answer_controls.values()] == [
        "Purpose 1", "Purpose 2", "Purpose 3", "Governance and risk 1", "Governance and risk 2",
        "Workforce wellbeing 1"]
    assert all(c.value == 0 for c in tool.answer_controls.values())
    assert tool.quick is False


def test_quick_form_has_one_statement_per_dimension(make):
    quick = make(quick=True)
    assert list(quick.answer_controls) == ["p1", "g1", "w1"]
    assert [c.description for c in quick.answer_controls.values()] == [
        "Purpose", "Governance and risk", "Workforce wellbeing"]
    assert not isinstance(quick.children[1], w.Accordion)
    assert quick.quick is True


def test_statements_show_their_anchors(tool):
    first = tool.children[1].children[0].children[0].value
    assert "<strong>Purpose 1.</strong> We know why." in first
    assert "<li><strong>1</strong> (transactional): Transactional p1.</li>" in first
    assert "<li><strong>3</strong>: Mixed p1.</li>" in first
    assert "<li><strong>5</strong> (stewardship): Stewardship p1.</li>" in first
    control = tool.answer_controls["p1"]
    assert control._options_labels == ("Not answered", "1", "2", "3", "4", "5")
    assert list(control.tooltips) == ["Leave this statement out of your scores",
                                      "1: Transactional p1.", "2: between 1 and 3",
                                      "3: Mixed p1.", "4: between 3 and 5", "5: Stewardship p1."]


def test_first_view_text(tool, tiny_cohort):
    assert tool.progress.value == ("<p><strong>You have answered 0 of 6 statements.</strong> "
                                   "6 not answered yet.</p>")
    assert "You have not answered any statements yet." in tool.summary.value
    assert tool.chart.spec["title"]["text"] == "Your self-assessment, dimension by dimension"
    assert "Answer some statements first" in tool.plan_intro.value
    assert list(tool.plan_control.options) == ["Purpose", "Governance and risk",
                                               "Workforce wellbeing"]
    assert tool.plan_dimension == "Purpose"
    assert [b.description for b in tool.plan_boxes.values()] == [
        "Days 1 to 30", "Days 31 to 60", "Days 61 to 100"]
    assert tool.plan_boxes["days-1-30"].placeholder.startswith("Find out:")
    assert tool.status.value == ""


def test_every_control_has_a_description(tool):
    controls = [*tool.answer_controls.values(), tool.plan_control, *tool.plan_boxes.values(),
                tool.save_button]
    for control in controls:
        assert control.description.strip(), control


# -- answering ----------------------------------------------------------------------------


def test_answering_updates_model_chart_summary_and_progress(tool, tiny_cohort):
    chart = SpecLog(tool.chart)
    _answer(tool, p1=4, p2=5, g1=2)
    a = tool.assessment
    assert dict(a.answers) == {"p1": 4, "p2": 5, "g1": 2}
    assert a.strongest() == "Purpose" and a.weakest() == "Governance and risk"
    assert chart.count == 3
    assert tool.chart.spec["description"] == summarise_self_assessment(a, tiny_cohort)
    assert html.escape(summarise_self_assessment(a, tiny_cohort)) in tool.summary.value
    assert "You have answered 3 of 6 statements.</strong> 3 not answered yet." in (
        tool.progress.value)
    labels = [row["label"] for row in tool.chart.spec["datasets"][
        tool.chart.spec["data"]["name"]]]
    assert labels[0] == "you 4.5; cohort 2.0 to 5.0"


def test_not_answered_clears_an_answer(tool):
    _answer(tool, p1=4, p2=2)
    _answer(tool, p2=0)
    assert dict(tool.assessment.answers) == {"p1": 4}
    assert tool.assessment.dimension_scores().loc["Purpose", "score"] == 4.0


def test_answering_everything(tool):
    _answer(tool, p1=3, p2=3, p3=3, g1=3, g2=3, w1=3)
    assert tool.progress.value == "<p><strong>You have answered 6 of 6 statements.</strong></p>"


def test_plan_intro_points_at_the_weakest_dimensions(tool):
    _answer(tool, p1=4, p2=5, g1=2)
    assert ("Your weakest dimensions are Governance and risk, then Purpose: start your plan "
            "there.") in tool.plan_intro.value
    assert "In Purpose, your lowest-scored statement is: <em>We know why.</em>" in (
        tool.plan_intro.value)


def test_repr_says_what_is_shown(tool, make):
    assert repr(tool) == "CompassSelfAssessment(quick=False): 0 of 6 statements answered"
    _answer(tool, p1=4, g1=2)
    assert repr(tool) == ("CompassSelfAssessment(quick=False): 2 of 6 statements answered; "
                          "strongest Purpose, weakest Governance and risk")


# -- the 100-day plan ---------------------------------------------------------------------


def test_writing_the_plan(tool):
    tool.plan_control.value = "Governance and risk"
    tool.plan_boxes["days-1-30"].value = "Map every sign-off."
    tool.plan_boxes["days-61-100"].value = "Drop two."
    assert tool.plan.to_dict() == {"Governance and risk": {"days-1-30": "Map every sign-off.",
                                                           "days-61-100": "Drop two."}}
    tool.plan_control.value = "Purpose"
    assert [b.value for b in tool.plan_boxes.values()] == ["", "", ""]
    assert tool.plan.dimensions == ["Governance and risk"]  # switching wrote nothing
    tool.plan_control.value = "Governance and risk"
    assert [b.value for b in tool.plan_boxes.values()] == ["Map every sign-off.", "",
                                                           "Drop two."]


def test_plan_dimension_must_be_in_the_form(tool):
    tool.plan_dimension = "Workforce wellbeing"
    assert tool.plan_control.value == "Workforce wellbeing"
    with pytest.raises(t.TraitError, match="'Vision' is not a dimension of this form"):
        tool.plan_dimension = "Vision"


# -- saving and restoring ---------------------------------------------------------------------


def test_nothing_is_saved_until_the_learner_changes_something(tool, store):
    assert store.answers("11") == {}


def test_answers_and_plan_are_saved_as_they_change(tool, store):
    _answer(tool, p1=4)
    assert store.load("11", STORE_KEY) == {"quick": False, "answers": {"p1": 4}, "plan": {},
                                           "plan_dimension": "Purpose"}
    tool.plan_boxes["days-31-60"].value = "Try a grant."
    assert store.load("11", STORE_KEY)["plan"] == {"Purpose": {"days-31-60": "Try a grant."}}
    assert tool.status.value.startswith("<p>Saved at ")


def test_a_new_tool_shows_the_saved_answers_and_plan(tool, make, tiny_cohort):
    _answer(tool, p1=4, g2=1)
    tool.plan_control.value = "Governance and risk"
    tool.plan_boxes["days-1-30"].value = "Map every sign-off."
    again = make()
    assert again.answer_controls["p1"].value == 4
    assert again.answer_controls["g2"].value == 1
    assert again.answer_controls["p2"].value == 0
    assert dict(again.assessment.answers) == {"p1": 4, "g2": 1}
    assert again.plan_dimension == "Governance and risk"
    assert again.plan_boxes["days-1-30"].value == "Map every sign-off."
    assert again.chart.spec["description"] == summarise_self_assessment(again.assessment,
                                                                        tiny_cohort)
    assert again.status.value.startswith("<p>Your saved answers (saved ")


def test_the_quick_form_keeps_answers_it_does_not_show(tool, make, store):
    _answer(tool, p1=4, p2=5)
    quick = make(quick=True)
    assert quick.assessment.overall_score() == 4.0  # p2 is not in the quick form
    _answer(quick, g1=3)
    assert store.load("11", STORE_KEY)["answers"] == {"g1": 3, "p1": 4, "p2": 5}
    assert store.load("11", STORE_KEY)["quick"] is True


def test_load_saved_reads_what_the_tool_saved(tool, store, tiny_statements):
    _answer(tool, p1=4, g1=2)
    tool.plan_boxes["days-1-30"].value = "Ask ten residents."
    saved = load_saved_self_assessment(store, "11", tiny_statements)
    assert saved.assessment.weakest() == "Governance and risk"
    assert saved.plan == ActionPlan().write("Purpose", "days-1-30", "Ask ten residents.")


def test_without_a_saved_plan_dimension_the_weakest_is_shown(store, make):
    store.save("11", STORE_KEY, {"quick": False, "answers": {"p1": 5, "g1": 1, "w1": 3},
                                 "plan_dimension": "Vision"})
    assert make().plan_dimension == "Governance and risk"


def test_modules_do_not_share_answers(tool, make):
    _answer(tool, p1=4)
    assert dict(make(module="00").assessment.answers) == {}


def test_save_button(tool, store):
    tool.save_button.click()
    assert store.load("11", STORE_KEY)["answers"] == {}
    assert tool.status.value.startswith("<p>Saved at ")


def test_without_a_module_nothing_is_saved_and_the_button_says_so(make, store):
    tool = make(module=None)
    _answer(tool, p1=4)
    tool.save_button.click()
    assert store.modules() == []
    assert "Not saved" in tool.status.value
    assert tool.state() == {"quick": False, "answers": {"p1": 4}, "plan": {},
                            "plan_dimension": "Purpose"}


def test_the_default_store_and_the_course_data(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPASS_HOME", str(tmp_path))
    tool = CompassSelfAssessment(quick=True, module="00")
    assert len(tool.answer_controls) == 8
    tool.answer_controls["power-1"].value = 2
    saved = load_saved_self_assessment(LearnerStore(tmp_path), "00")
    assert saved.assessment.weakest() == "Power and authority"
    assert "cohort of 30" in tool.summary.value
