"""Tests for compass_widgets.widgets.journeys (JourneyMap), without a browser.

Each test sets a control's ``value`` (or clicks a button) as the front end would and
checks the model, the text shown and which charts were sent a new spec. The tiny
journeys are those of tests/test_models_journeys.py (see its docstring).
"""

from __future__ import annotations

import html

import pandas as pd
import pytest
import traitlets as t

from compass_widgets.charts.journeys import (
    journey_layers,
    journey_timeline,
    summarise_journey_layers,
    summarise_journey_timeline,
)
from compass_widgets.data.journeys import load_journeys
from compass_widgets.store import LearnerStore
from compass_widgets.widgets.journeys import JourneyMap

from .test_models_journeys import EVENTS, journeys_frame


@pytest.fixture
def journeys() -> pd.DataFrame:
    # Ann and Bo, and Cy, whose journey is a single referral.
    return journeys_frame([*EVENTS, ("C", "Cy: chain", 0, "GP", "institution", "referral",
                                     True, True, 0, "Referred")])


@pytest.fixture
def tool(journeys) -> JourneyMap:
    return JourneyMap(journeys)


class SpecLog:
    """Count how often a chart view is sent a new spec."""

    def __init__(self, view) -> None:
        self.count = 0
        view.observe(self._on_change, "spec")

    def _on_change(self, change) -> None:
        self.count += 1


# -- first view -----------------------------------------------------------------------------


def test_first_view_is_the_first_event_of_the_first_journey(tool):
    a = tool.analysis
    assert (a.person, a.other, a.step) == ("A", "B", 1)
    assert (tool.person, tool.other, tool.step) == ("A", "B", 1)
    assert tool.person_control.value == "A"
    assert tool.other_control.value == "B"
    assert (tool.step_control.value, tool.step_control.min, tool.step_control.max) == (1, 1, 7)
    assert tool.previous_button.disabled and not tool.next_button.disabled
    assert "<strong>Event 1 of 7, day 0: Self</strong> (I: the person; crisis). Falls." in (
        tool.event.value)


def test_first_view_draws_the_charts_and_their_sentences(tool):
    a = tool.analysis
    assert tool.timeline_chart.spec == journey_timeline(a).to_dict(validate=False)
    assert tool.layers_chart.spec == journey_layers(a).to_dict(validate=False)
    assert html.escape(summarise_journey_timeline(a)) in tool.timeline_summary.value
    assert html.escape(summarise_journey_layers(a)) in tool.layers_summary.value


def test_controls_list_the_journeys_by_persona(tool):
    assert list(tool.person_control.options) == [
        ("Ann: chain (A)", "A"), ("Bo: connector (B)", "B"), ("Cy: chain (C)", "C")]
    assert tool.other_control.options == tool.person_control.options


def test_every_control_has_a_description(tool):
    for control in (tool.person_control, tool.other_control, tool.previous_button,
                    tool.next_button, tool.step_control):
        assert control.description.strip(), control
    assert tool.previous_button.tooltip and tool.next_button.tooltip


def test_tables_of_organisations_and_the_comparison(tool):
    organisations = tool.organisations_table.value
    assert "<caption>Events with each organisation: Ann: chain</caption>" in organisations
    assert organisations.index(">Clinic<") < organisations.index(">GP<") < (
        organisations.index(">A&amp;E<"))
    comparison = tool.comparison_table.value
    assert "<th scope='col'>Ann: chain</th><th scope='col'>Bo: connector</th>" in comparison
    assert ("<th scope='row' style='text-align:left'>Hand-offs to another organisation</th>"
            "<td style='text-align:right'>2</td><td style='text-align:right'>1</td>") in comparison
    assert "<td style='text-align:right'>40%</td>" in comparison  # Bo's share in the community


def test_repr_says_where_the_learner_is(tool):
    tool.next_button.click()
    assert repr(tool) == "JourneyMap('A', event 2 of 7, compared with 'B')"


# -- stepping -------------------------------------------------------------------------------


def test_next_event_moves_one_step_and_redraws_only_the_timeline(tool):
    timeline, layers = SpecLog(tool.timeline_chart), SpecLog(tool.layers_chart)
    tool.next_button.click()
    assert (tool.step, tool.analysis.step, tool.step_control.value) == (2, 2, 2)
    assert (timeline.count, layers.count) == (1, 0)
    spec = tool.timeline_chart.spec
    assert spec["params"] == [{"name": "step", "value": 2}]
    assert spec == journey_timeline(tool.analysis).to_dict(validate=False)
    assert "Event 2 of 7, day 1: GP" in tool.event.value
    assert "(had to tell the story again)" in tool.event.value
    assert not tool.previous_button.disabled


def test_the_slider_jumps_to_any_event_and_the_figures_so_far_follow(tool):
    tool.step_control.value = 5
    assert tool.analysis.step == 5
    assert "Event 5 of 7, day 5: Housing" in tool.event.value
    assert "(waited 4 days)" in tool.event.value
    assert ("So far: handed on once, told the story again once, 1 crisis, 14 days of "
            "waiting.") in tool.event.value
    assert "Now at event 5 of 7" in tool.timeline_summary.value


def test_buttons_stop_at_either_end(tool):
    tool.previous_button.click()
    assert tool.step == 1
    tool.step_control.value = 7
    assert tool.next_button.disabled
    tool.next_button.click()
    tool.go(+3)
    assert tool.step == 7
    assert "Event 7 of 7" in tool.event.value
    assert "(handed on to another organisation; had to tell the story again)" in (
        tool.event.value)


def test_a_step_outside_the_journey_is_refused(tool):
    with pytest.raises(t.TraitError, match="event 8 is outside this journey: choose 1 to 7"):
        tool.step = 8
    assert tool.step == 1


def test_setting_the_step_from_python_moves_the_slider(tool):
    tool.step = 4
    assert tool.step_control.value == 4
    assert tool.analysis.current["what_happened"] == "Waits"


# -- choosing journeys ------------------------------------------------------------------------


def test_choosing_a_journey_starts_it_at_its_first_event(tool):
    tool.step_control.value = 6
    timeline, layers = SpecLog(tool.timeline_chart), SpecLog(tool.layers_chart)
    tool.person_control.value = "B"
    a = tool.analysis
    assert (a.person, a.step, tool.step, tool.step_control.value) == ("B", 1, 1, 1)
    assert tool.step_control.max == 5
    assert tool.timeline_chart.spec["title"]["text"] == "Bo: connector: the journey, event by event"
    assert "Events with each organisation: Bo: connector" in tool.organisations_table.value
    assert (timeline.count, layers.count) == (1, 1)
    tool.step_control.value = 5  # the whole of B's journey is reachable
    assert "Event 5 of 5" in tool.event.value


def test_a_shorter_journey_never_leaves_the_slider_past_its_end(tool):
    tool.step_control.value = 7
    tool.person_control.value = "C"  # one event
    assert (tool.step_control.value, tool.step_control.max, tool.step) == (1, 1, 1)
    assert tool.next_button.disabled and tool.previous_button.disabled


def test_choosing_the_second_journey_redraws_the_comparison_only(tool):
    timeline, layers = SpecLog(tool.timeline_chart), SpecLog(tool.layers_chart)
    organisations = tool.organisations_table.value
    tool.step_control.value = 3
    tool.other_control.value = "C"
    assert (tool.analysis.other, tool.analysis.step) == ("C", 3)
    assert (timeline.count, layers.count) == (1, 1)  # the timeline moved once, for the step
    assert "Cy: chain" in tool.comparison_table.value
    assert "Cy: chain" in tool.layers_summary.value
    assert tool.organisations_table.value == organisations


def test_going_back_to_a_journey_shows_the_same_chart_again(tool):
    first = tool.layers_chart.spec
    tool.person_control.value = "B"
    tool.person_control.value = "A"
    assert tool.layers_chart.spec == first
    assert tool.timeline_chart.spec == journey_timeline(tool.analysis).to_dict(validate=False)


def test_comparing_a_journey_with_itself_shows_one_column(tool):
    tool.other_control.value = "A"
    assert tool.comparison_table.value.count("<th scope='col'>Ann: chain</th>") == 1


# -- saving and restoring ----------------------------------------------------------------------


def test_nothing_is_saved_without_a_module(journeys, store_home):
    tool = JourneyMap(journeys, store=LearnerStore(store_home))
    tool.next_button.click()
    assert LearnerStore(store_home).modules() == []


def test_every_change_is_saved_under_the_tool_key(journeys, store_home):
    store = LearnerStore(store_home)
    tool = JourneyMap(journeys, store=store, module="04")
    assert store.load("04", "tool:JourneyMap") is None  # opening the tool changes nothing
    tool.person_control.value = "B"
    tool.step_control.value = 3
    tool.other_control.value = "C"
    assert store.load("04", "tool:JourneyMap") == {"person": "B", "other": "C", "step": 3}


def test_a_new_tool_restores_the_saved_choices(journeys, store_home):
    first = JourneyMap(journeys, store=LearnerStore(store_home), module="04")
    first.person_control.value = "B"
    first.next_button.click()
    again = JourneyMap(journeys, store=LearnerStore(store_home), module="04")
    assert (again.person, again.other, again.step) == ("B", "A", 2)
    assert again.step_control.value == 2 and again.step_control.max == 5
    assert "Event 2 of 5" in again.event.value
    assert again.timeline_chart.spec["params"] == [{"name": "step", "value": 2}]


@pytest.mark.parametrize(("saved", "expected"), [
    ({"person": "Z", "other": "B", "step": 2}, ("A", "B", 2)),   # unknown journey: the first
    ({"person": "B", "other": "Z", "step": 9}, ("B", "A", 1)),   # step past the end: the first
    ({"person": "A", "other": "C", "step": "3"}, ("A", "C", 1)),  # not a number
    ("not a dict", ("A", "B", 1)),
])
def test_saved_choices_that_no_longer_fit_are_ignored(journeys, store_home, saved, expected):
    LearnerStore(store_home).save("04", "tool:JourneyMap", saved)
    tool = JourneyMap(journeys, store=LearnerStore(store_home), module="04")
    assert (tool.person, tool.other, tool.step) == expected


def test_the_default_store_is_the_learners_own(journeys, monkeypatch, tmp_path):
    monkeypatch.setenv("COMPASS_HOME", str(tmp_path / "learner"))
    tool = JourneyMap(journeys, module="04")
    tool.next_button.click()
    assert LearnerStore(tmp_path / "learner").load("04", "tool:JourneyMap")["step"] == 2


# -- the shipped journeys ------------------------------------------------------------------------


def test_shipped_journeys_step_from_start_to_end():
    tool = JourneyMap()  # the course's journeys by default
    assert len(tool.analysis.events) == len(load_journeys())
    assert tool.analysis.label() == "Maureen, 79: referral chain"
    for _ in range(tool.analysis.length()):
        tool.next_button.click()
    assert tool.step == tool.analysis.length() == 28
    assert "Talking therapies" in tool.event.value
    tool.person_control.value = "P2"
    assert "Dennis, 81" in tool.timeline_summary.value


def test_only_the_newest_charts_are_remembered(tool):
    tool._charts.keep = 2
    for person in ("B", "C", "A", "B"):
        tool.person_control.value = person
    assert len(tool._charts) == 2
    assert tool.timeline_chart.spec == journey_timeline(tool.analysis).to_dict(validate=False)
