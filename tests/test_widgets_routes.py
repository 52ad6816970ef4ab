"""Tests for compass_widgets.widgets.routes.RouteChooser, without a browser.

Each test sets a toggle's or the menu's ``value`` as the front end would, then checks
the advice and the text shown.
"""

from __future__ import annotations

import html

import ipywidgets as w
import pytest
import traitlets as t

from compass_widgets.charts.routes import summarise_route
from compass_widgets.data.situations import load_situations
from compass_widgets.models.routes import DISCLAIMER, QUESTION_KEYS, QUESTIONS
from compass_widgets.store import LearnerStore
from compass_widgets.widgets.routes import STATE_KEY, RouteChooser


@pytest.fixture(scope="module")
def situations():
    return load_situations()


@pytest.fixture
def chooser(situations) -> RouteChooser:
    return RouteChooser(situations)


class SpecLog:
    """Count how often a chart view is sent a new spec."""

    def __init__(self, view) -> None:
        self.count = 0
        view.observe(self._on_change, "spec")

    def _on_change(self, change) -> None:
        self.count += 1


def _id(situations, title: str) -> str:
    return situations.loc[situations["title"] == title, "situation_id"].item()


# -- first view --------------------------------------------------------------------------------


def test_first_view(chooser):
    assert chooser.situation == "" and chooser.situation_control.value == ""
    assert chooser.advice.route.name == "Open procedure"
    assert "<h4>Route: Open procedure</h4>" in chooser.route_text.value
    assert html.escape(DISCLAIMER) in chooser.route_text.value
    assert "<strong>What you gain:</strong>" in chooser.route_text.value
    assert "<strong>What it costs you:</strong>" in chooser.route_text.value
    assert chooser.path_chart.spec["title"]["text"] == "How your answers lead to a route"
    assert html.escape(summarise_route(chooser.advice)) in chooser.path_summary.value
    assert "Answer the questions for a situation of your own" in chooser.situation_text.value
    assert html.escape(DISCLAIMER) in chooser.children[0].value


def test_every_control_has_a_description_and_the_full_question_beside_it(chooser):
    assert chooser.situation_control.description == "Situation"
    assert list(chooser.controls) == list(QUESTION_KEYS)
    for question in QUESTIONS:
        control = chooser.controls[question.key]
        assert control.description == question.label
        assert control.options == (("Yes", True), ("No", False))
        beside = chooser.children[4 + QUESTIONS.index(question)].children[0].value
        assert html.escape(question.text) in beside
        assert html.escape(question.help) in beside


def test_menu_lists_every_situation(chooser, situations):
    options = chooser.situation_control.options
    assert options[0] == ("Your own answers", "")
    assert [value for _, value in options[1:]] == situations["situation_id"].tolist()
    assert options[1][0] == f"S01: {situations['title'].iloc[0]}"


def test_chooser_is_a_widget_box_and_loads_the_shipped_situations_by_default():
    chooser = RouteChooser()
    assert isinstance(chooser, w.VBox)
    assert len(chooser.situation_control.options) == 15


def test_repr(chooser):
    assert repr(chooser) == ("RouteChooser: Open procedure (this is a learning aid, not legal "
                             "advice)")


# -- answering -----------------------------------------------------------------------------------


def test_toggles_change_the_advice(chooser):
    log = SpecLog(chooser.path_chart)
    chooser.controls["health_care"].value = True
    assert chooser.health_care is True
    assert chooser.advice.route.key == "psr_competitive"
    chooser.controls["existing_doing_well"].value = True
    assert chooser.advice.route.name == "Direct Award Process C"
    assert "<h4>Route: Direct Award Process C</h4>" in chooser.route_text.value
    assert "Direct Award Process C may be used" in chooser.route_text.value
    assert chooser.path_chart.spec["title"]["subtitle"].startswith("Direct Award Process C.")
    assert log.count == 2


def test_an_answer_that_does_not_matter_redraws_nothing(chooser):
    chooser.controls["health_care"].value = True
    log = SpecLog(chooser.path_chart)
    chooser.controls["clear_requirement"].value = False  # unused under the PSR
    assert chooser.advice.route.key == "psr_competitive"
    assert log.count == 0


def test_alliance_and_cautions_are_shown(chooser):
    chooser.controls["alliance"].value = True
    assert chooser.advice.alliance
    assert "<h4>Route: Alliance contract, with the partners chosen by: Open procedure</h4>" in (
        chooser.route_text.value)
    chooser.controls["is_grant"].value = True
    assert "<strong>Check:</strong> You also said several organisations" in (
        chooser.route_text.value)


def test_setting_traits_from_python_moves_the_toggles(chooser):
    chooser.above_threshold = False
    assert chooser.controls["above_threshold"].value is False
    assert chooser.advice.route.key == "below_threshold"


def test_answers_property(chooser):
    chooser.controls["is_grant"].value = True
    assert chooser.answers.is_grant and chooser.answers.above_threshold


# -- situations ----------------------------------------------------------------------------------


def test_loading_a_situation_sets_every_answer_and_shows_the_commissioner(chooser, situations):
    sid = _id(situations, "Sexual health clinics")
    log = SpecLog(chooser.path_chart)
    chooser.situation_control.value = sid
    row = situations.set_index("situation_id").loc[sid]
    assert {k: chooser.controls[k].value for k in QUESTION_KEYS} == {
        k: bool(row[k]) for k in QUESTION_KEYS}
    assert chooser.advice.route.key == "psr_direct_award_c"
    assert log.count == 1  # one redraw for the whole situation, not one per answer
    text = chooser.situation_text.value
    assert "<strong>Sexual health clinics</strong> (All of Ashworth)" in text
    assert "An experienced commissioner chose <strong>Direct Award Process C</strong>." in text
    assert "The tool agrees." in text


def test_the_tool_agrees_with_every_shipped_situation(chooser, situations):
    for sid in situations["situation_id"]:
        chooser.situation_control.value = sid
        assert "The tool agrees." in chooser.situation_text.value, sid


def test_changing_an_answer_hides_the_commissioners_choice(chooser, situations):
    chooser.situation_control.value = _id(situations, "Sexual health clinics")
    chooser.controls["alliance"].value = True
    assert "You have changed 1 answer from this situation's (An alliance?)" in (
        chooser.situation_text.value)
    assert "experienced commissioner chose" not in chooser.situation_text.value
    chooser.controls["is_grant"].value = True
    assert "You have changed 2 answers" in chooser.situation_text.value


def test_choosing_your_own_answers_keeps_the_answers(chooser, situations):
    chooser.situation_control.value = _id(situations, "Drug and alcohol treatment")
    chooser.situation_control.value = ""
    assert chooser.advice.route.key == "psr_competitive"
    assert "situation of your own" in chooser.situation_text.value


def test_load_method(chooser, situations):
    sid = _id(situations, "Hollins Vale community chest")
    chooser.load(sid)
    assert chooser.situation_control.value == sid
    assert chooser.advice.route.key == "grant"


def test_repeated_situation_ids_are_refused(situations):
    import pandas as pd

    with pytest.raises(ValueError, match="own situation_id; some are repeated"):
        RouteChooser(pd.concat([situations, situations.iloc[:1]]))


def test_situations_without_ids_are_refused(situations):
    with pytest.raises(ValueError, match="need a situation_id column; load them with "
                                         "load_situations"):
        RouteChooser(situations.drop(columns="situation_id"))


def test_unknown_situation_is_refused(chooser):
    with pytest.raises(t.TraitError, match="situation 'S99' is not one of the situations"):
        chooser.situation = "S99"


# -- saving and restoring ---------------------------------------------------------------------


def _chooser(store_home, situations) -> RouteChooser:
    return RouteChooser(situations, store=LearnerStore(store_home), module="09")


def test_answers_are_saved_and_restored(store_home, situations):
    first = _chooser(store_home, situations)
    sid = _id(situations, "Sexual health clinics")
    first.situation_control.value = sid
    first.controls["alliance"].value = True
    saved = LearnerStore(store_home).load("09", STATE_KEY)
    assert saved["situation"] == sid
    assert saved["answers"]["alliance"] is True and saved["answers"]["health_care"] is True
    again = _chooser(store_home, situations)  # a kernel restart
    assert again.situation_control.value == sid
    assert again.controls["alliance"].value is True
    assert again.advice.name == ("Alliance contract, with the partners chosen by: Direct Award "
                                 "Process C")
    assert "You have changed 1 answer" in again.situation_text.value


def test_an_answer_that_does_not_matter_is_still_saved_and_noted(store_home, situations):
    chooser = _chooser(store_home, situations)
    chooser.situation_control.value = _id(situations, "Sexual health clinics")
    chooser.controls["above_threshold"].value = False  # unused under the PSR
    assert LearnerStore(store_home).load("09", STATE_KEY)["answers"]["above_threshold"] is False
    assert "You have changed 1 answer" in chooser.situation_text.value


def test_creating_a_chooser_saves_nothing(store_home, situations):
    _chooser(store_home, situations)
    assert not LearnerStore(store_home).path("09").exists()


def test_no_module_means_no_saving(store_home, situations):
    chooser = RouteChooser(situations, store=LearnerStore(store_home))
    chooser.controls["is_grant"].value = True
    assert not LearnerStore(store_home).path("09").exists()


def test_saved_answers_that_do_not_fit_are_ignored(store_home, situations):
    LearnerStore(store_home).save("09", STATE_KEY, {
        "answers": {"is_grant": "yes", "health_care": True, "is_cheap": True},
        "situation": "S99",
    })
    chooser = _chooser(store_home, situations)
    assert chooser.situation == ""
    assert chooser.controls["is_grant"].value is False
    assert chooser.controls["health_care"].value is True


def test_saved_state_of_the_wrong_shape_is_ignored(store_home, situations):
    LearnerStore(store_home).save("09", STATE_KEY, {"answers": ["is_grant"]})
    assert _chooser(store_home, situations).advice.route.key == "open"
