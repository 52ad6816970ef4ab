"""Tests for compass_widgets.widgets.process_audit, without a browser.

Each test sets a control's ``value`` from Python as the front end would and checks
the model, the text and the charts. Expected numbers come from ``tiny_steps`` (see
tests/test_models_process_audit.py): summary 1.8 of 3, Choice weakest, Wait and Tell
at risk.
"""

from __future__ import annotations

import html

import ipywidgets as w
import pytest
import traitlets as t

from compass_widgets.charts.process_audit import summarise_audit, summarise_principles
from compass_widgets.data.process_steps import PRINCIPLE_IDS
from compass_widgets.store import LearnerStore
from compass_widgets.widgets.process_audit import STORE_KEY, ProcessAudit
from tests.test_models_process_audit import _steps


class SpecLog:
    """Count how often a chart view is sent a new spec."""

    def __init__(self, view) -> None:
        self.count = 0
        view.observe(self._on_change, "spec")

    def _on_change(self, change) -> None:
        self.count += 1


@pytest.fixture
def store(store_home) -> LearnerStore:
    return LearnerStore(store_home)


@pytest.fixture
def tool(store) -> ProcessAudit:
    return ProcessAudit(_steps(), store=store, module="06")


def _sliders(tool: ProcessAudit) -> list[int]:
    return [tool.score_controls[p].value for p in PRINCIPLE_IDS]


# -- first view ---------------------------------------------------------------------------


def test_first_view(tool):
    assert [label for label, _ in tool.step_control.options] == [
        "1. Ask", "2. Wait", "3. Tell", "4. Plan"]
    assert tool.step == "Ask"
    assert _sliders(tool) == [3, 3, 2, 2, 2, 3]
    assert "<strong>Average score: 1.8 out of 3</strong> (61% of the best possible)" in (
        tool.headline.value)
    assert "<strong>Weakest principle: Choice.</strong>" in tool.headline.value
    assert "At risk of re-traumatising (2 of 4 steps)" in tool.headline.value
    assert "<li>Wait</li><li>Tell</li>" in tool.headline.value
    assert tool.heat_chart.spec["title"]["text"] == "Trauma-informed audit, step by step"
    assert html.escape(summarise_audit(tool.audit)) in tool.heat_summary.value
    assert html.escape(summarise_principles(tool.audit)) in tool.principle_summary.value


def test_step_card_says_what_happens_and_whether_it_is_at_risk(tool):
    card = tool.step_card.value
    assert "<h4>1. Ask</h4>" in card
    assert "What happens at Ask." in card
    assert "<strong>Who does it:</strong> Officer" in card
    assert "<strong>What can echo past harm:</strong> nothing noted." in card
    assert ("<strong>What helps:</strong> the person is offered a choice; the person gets "
            "information in their own language.") in card
    assert "<strong>Weakest principle here:</strong> Choice (scored 2)." in card
    assert "<strong>At risk of re-traumatising:</strong> no." in card


def test_every_control_has_a_description_and_scores_have_meanings(tool):
    controls = [tool.step_control, *tool.score_controls.values(), tool.reset_button]
    for control in controls:
        assert control.description.strip(), control
    assert [c.description for c in tool.score_controls.values()] == [
        "Safety", "Trust", "Choice", "Collaboration", "Empowerment", "Cultural consideration"]
    assert tool.score_controls["safety"]._options_labels == (
        "0: not at all", "1: a little", "2: mostly", "3: fully")  # what the slider reads out


def test_the_tool_is_a_widget_box(tool):
    assert isinstance(tool, w.VBox)


# -- choosing a step ---------------------------------------------------------------------


def test_choosing_a_step_shows_its_scores_and_redraws_nothing(tool):
    heat, bars = SpecLog(tool.heat_chart), SpecLog(tool.principle_chart)
    before = tool.audit
    tool.step_control.value = "Tell"
    assert tool.step == "Tell"
    assert _sliders(tool) == [0, 2, 2, 2, 2, 2]
    assert tool.audit is before  # choosing a step changes no score
    assert (heat.count, bars.count) == (0, 0)
    assert "<strong>What can echo past harm:</strong> the person has to tell their story again." \
        in tool.step_card.value
    assert ("<strong>At risk of re-traumatising:</strong> yes, because the person has to tell "
            "their story again; the step scores low on Safety.") in tool.step_card.value


def test_step_can_be_set_from_python_and_must_exist(tool):
    tool.step = "Wait"
    assert tool.step_control.value == "Wait"
    with pytest.raises(t.TraitError, match="'Queue' is not a step of this process"):
        tool.step = "Queue"
    assert tool.step == "Wait"


# -- scoring -------------------------------------------------------------------------------


def test_scoring_updates_model_headline_charts_and_card(tool):
    heat, bars = SpecLog(tool.heat_chart), SpecLog(tool.principle_chart)
    tool.step_control.value = "Tell"
    tool.score_controls["safety"].value = 3
    assert tool.audit.step_scores("Tell")["safety"] == 3
    assert tool.audit.at_risk_steps() == ["Wait"]
    assert (heat.count, bars.count) == (1, 1)
    assert tool.heat_chart.spec["description"] == summarise_audit(tool.audit)
    assert "3. Tell (at risk)" not in str(tool.heat_chart.spec)
    assert "At risk of re-traumatising (1 of 4 steps)" in tool.headline.value
    assert "<strong>At risk of re-traumatising:</strong> no." in tool.step_card.value
    assert html.escape(summarise_principles(tool.audit)) in tool.principle_summary.value


def test_scoring_the_weakest_principle_up_moves_the_weakest(tool):
    tool.step_control.value = "Wait"
    tool.score_controls["choice"].value = 3  # choice: 2 + 3 + 2 + 2 = 9 -> 2.25
    assert tool.audit.weakest_principle() == "safety"
    assert "<strong>Weakest principle: Safety.</strong>" in tool.headline.value


def test_scores_are_kept_per_step(tool):
    tool.step_control.value = "Tell"
    tool.score_controls["safety"].value = 2
    tool.step_control.value = "Ask"
    assert _sliders(tool) == [3, 3, 2, 2, 2, 3]
    tool.step_control.value = "Tell"
    assert _sliders(tool) == [2, 2, 2, 2, 2, 2]


def test_reset_puts_back_the_starting_scores_of_the_step(tool):
    tool.step_control.value = "Tell"
    tool.score_controls["safety"].value = 3
    tool.score_controls["trust"].value = 0
    tool.reset_button.click()
    assert _sliders(tool) == [0, 2, 2, 2, 2, 2]
    assert tool.audit.changed() == {}
    assert "At risk of re-traumatising (2 of 4 steps)" in tool.headline.value


def test_repr_says_what_is_shown(tool):
    assert repr(tool) == ("ProcessAudit(step='Ask'): average 1.8 of 3, weakest principle "
                          "Choice, 2 of 4 steps at risk")


# -- saving and restoring --------------------------------------------------------------------


def test_nothing_is_saved_until_the_learner_changes_something(tool, store):
    assert store.answers("06") == {}


def test_every_change_is_saved(tool, store):
    tool.step_control.value = "Tell"
    assert store.load("06", STORE_KEY) == {"step": "Tell", "scores": {}}
    tool.score_controls["safety"].value = 2
    assert store.load("06", STORE_KEY) == {"step": "Tell", "scores": {"Tell": {"safety": 2}}}
    tool.reset_button.click()
    assert store.load("06", STORE_KEY) == {"step": "Tell", "scores": {}}


def test_a_new_tool_restores_the_saved_scores_and_step(tool, store):
    tool.step_control.value = "Wait"
    tool.score_controls["choice"].value = 2
    tool.step_control.value = "Tell"
    again = ProcessAudit(_steps(), store=store, module="06")
    assert again.step == "Tell"
    assert again.audit.changed() == {"Wait": {"choice": 2}}
    again.step_control.value = "Wait"
    assert _sliders(again) == [2, 1, 2, 1, 1, 2]
    assert "Average score: 1.9 out of 3" in again.headline.value  # 46 / 24
    assert again.heat_chart.spec["description"] == summarise_audit(again.audit)


def test_tools_in_other_modules_do_not_share_scores(tool, store):
    tool.score_controls["safety"].value = 0
    other = ProcessAudit(_steps(), store=store, module="12")
    assert other.audit.changed() == {}


def test_saved_scores_that_no_longer_fit_are_left_out(store):
    store.save("06", STORE_KEY, {"step": "Gone", "scores": {
        "Ask": {"safety": 1, "kindness": 2, "trust": 9}, "Gone": {"safety": 1}, "Tell": "x"}})
    tool = ProcessAudit(_steps(), store=store, module="06")
    assert tool.step == "Ask"
    assert tool.audit.changed() == {"Ask": {"safety": 1}}


@pytest.mark.parametrize("saved", ["junk", {"scores": ["Ask"]}, {"step": 3}])
def test_a_saved_value_of_the_wrong_shape_is_ignored(store, saved):
    store.save("06", STORE_KEY, saved)
    tool = ProcessAudit(_steps(), store=store, module="06")
    assert tool.step == "Ask"
    assert tool.audit.changed() == {}


def test_without_a_module_nothing_is_saved(store_home):
    tool = ProcessAudit(_steps(), store=LearnerStore(store_home))
    tool.score_controls["safety"].value = 0
    assert LearnerStore(store_home).modules() == []
    assert tool.state() == {"step": "Ask", "scores": {"Ask": {"safety": 0}}}


def test_the_default_store_is_the_learners_own(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPASS_HOME", str(tmp_path))
    tool = ProcessAudit(module="06")  # the shipped Ashworth process
    tool.step_control.value = "Telling your story"
    tool.score_controls["safety"].value = 2
    assert LearnerStore(tmp_path).load("06", STORE_KEY)["scores"] == {
        "Telling your story": {"safety": 2}}
