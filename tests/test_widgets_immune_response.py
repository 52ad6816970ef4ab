"""Tests for the ImmuneResponse widget, without a browser.

Each test sets a control's ``value`` (or clicks a button) as the front end would, then
checks the model, the text shown and which chart views were sent a new spec.
"""

from __future__ import annotations

import html

import ipywidgets as w
import pytest
import traitlets as t

from compass_widgets.charts.immune_response import (
    summarise_assurance,
    summarise_influence,
    summarise_leverage,
    summarise_outcome,
    summarise_room,
)
from compass_widgets.models.immune_response import ImmuneResponseModel
from compass_widgets.store import LearnerStore
from compass_widgets.widgets.immune_response import STATE_KEY, ImmuneResponse


class SpecLog:
    """Count how often a chart view is sent a new spec."""

    def __init__(self, view) -> None:
        self.count = 0
        view.observe(self._on_change, "spec")

    def _on_change(self, change) -> None:
        self.count += 1


@pytest.fixture
def tool() -> ImmuneResponse:
    return ImmuneResponse()


def _series(spec: dict) -> set[str]:
    return {row["series"] for row in spec["datasets"][spec["data"]["name"]]}


# -- first view ----------------------------------------------------------------------------


def test_first_view_shows_a_typical_system(tool):
    model = tool.model
    assert model == ImmuneResponseModel()
    assert tool.pinned is None
    assert [c.value for c in tool.controls.values()] == [0.7, 0.7, 0.3, 0.3]
    assert tool.headline.value == (
        f"<p><strong>{html.escape(summarise_outcome(model))}</strong> "
        f"{html.escape(summarise_influence(model))}</p>"
        f"<p>{html.escape(summarise_assurance(model))}</p>")
    assert "rejected in month 11" in tool.headline.value
    assert tool.room_chart.spec["title"]["text"] == "Room to manoeuvre, month by month"
    assert tool.leverage_chart.spec["title"]["text"] == (
        "What a small change to each setting would do")
    assert html.escape(summarise_room(model)) in tool.room_summary.value
    assert html.escape(summarise_leverage(model)) in tool.leverage_summary.value
    assert tool.clear_button.disabled


def test_starts_from_the_model_given():
    tool = ImmuneResponse(ImmuneResponseModel(0.5, 0.5, 0.5, 0.5, months=12))
    assert tool.delegated_authority_control.value == 0.5
    assert tool.model.months == 12
    assert "survives all 12 months" in tool.headline.value


def test_every_control_has_a_description_and_a_tooltip(tool):
    controls = [*tool.controls.values(), tool.pin_button, tool.clear_button]
    descriptions = [c.description for c in controls]
    assert descriptions == ["Audit intensity", "Target rigidity", "Risk appetite",
                            "Delegated authority", "Pin for comparison", "Clear pinned"]
    for control in controls:
        assert control.tooltip, control
    for slider in tool.controls.values():
        assert isinstance(slider, w.FloatSlider)
        assert (slider.min, slider.max, slider.step) == (0, 1, 0.05)
        assert not slider.continuous_update  # an update when the learner lets go


def test_repr_says_what_is_shown(tool):
    assert repr(tool) == (
        "ImmuneResponse(audit intensity 0.70, target rigidity 0.70, risk appetite 0.30, "
        "delegated authority 0.30): the pilot is rejected in month 11")


# -- settings -------------------------------------------------------------------------------


def test_raising_delegated_authority_saves_the_pilot(tool):
    room, leverage = SpecLog(tool.room_chart), SpecLog(tool.leverage_chart)
    tool.delegated_authority_control.value = 0.8
    assert tool.delegated_authority == 0.8
    assert tool.model.delegated_authority == 0.8
    assert tool.model.outcome().survived
    assert "The pilot survives all 24 months" in tool.headline.value
    assert (room.count, leverage.count) == (1, 1)
    assert tool.room_chart.spec["description"] == summarise_room(tool.model)
    assert repr(tool).endswith("the pilot survives")


def test_cutting_audit_to_nothing_shows_what_assurance_is_lost(tool):
    tool.audit_intensity_control.value = 0.0
    assert "With no audit, the board&#x27;s only assurance is the pilot&#x27;s own evidence" in (
        tool.headline.value)


@pytest.mark.parametrize("name", ["audit_intensity", "target_rigidity", "risk_appetite",
                                  "delegated_authority"])
def test_each_slider_reaches_its_setting(tool, name):
    tool.controls[name].value = 0.55
    assert getattr(tool, name) == 0.55
    assert getattr(tool.model, name) == 0.55


def test_settings_can_be_set_from_python_too(tool):
    tool.risk_appetite = 0.6
    assert tool.risk_appetite_control.value == 0.6
    assert tool.model.risk_appetite == 0.6


def test_setting_outside_zero_to_one_is_refused(tool):
    with pytest.raises(t.TraitError, match="audit intensity must be from 0 to 1, not 1.5"):
        tool.audit_intensity = 1.5
    assert tool.model.audit_intensity == 0.7


def test_setting_the_same_value_again_redraws_nothing(tool):
    room = SpecLog(tool.room_chart)
    tool.audit_intensity_control.value = 0.7
    assert room.count == 0


# -- pinning ------------------------------------------------------------------------------------


def test_pinning_keeps_the_settings_as_a_second_line(tool):
    tool.pin_button.click()
    assert tool.pinned == tool.model
    assert not tool.clear_button.disabled
    room, leverage = SpecLog(tool.room_chart), SpecLog(tool.leverage_chart)
    tool.target_rigidity_control.value = 0.3
    assert tool.pinned.target_rigidity == 0.7
    assert _series(tool.room_chart.spec) == {"Your settings", "Pinned settings"}
    assert "With the pinned settings" in tool.room_summary.value
    assert (room.count, leverage.count) == (1, 1)


def test_pinning_redraws_only_the_room_chart(tool):
    room, leverage = SpecLog(tool.room_chart), SpecLog(tool.leverage_chart)
    tool.pin_button.click()
    assert (room.count, leverage.count) == (1, 0)


def test_clearing_the_pinned_settings(tool):
    tool.pin_button.click()
    tool.clear_button.click()
    assert tool.pinned is None
    assert tool.clear_button.disabled
    assert _series(tool.room_chart.spec) == {"Your settings"}
    assert "pinned" not in tool.room_summary.value


# -- saving and restoring -----------------------------------------------------------------------


def test_choices_are_saved_and_restored(store_home):
    store = LearnerStore(store_home)
    first = ImmuneResponse(store=store, module="07")
    first.pin_button.click()
    first.delegated_authority_control.value = 0.8
    first.audit_intensity_control.value = 0.5
    saved = store.load("07", STATE_KEY)
    assert saved == {
        "settings": {"audit_intensity": 0.5, "target_rigidity": 0.7, "risk_appetite": 0.3,
                     "delegated_authority": 0.8},
        "pinned": {"audit_intensity": 0.7, "target_rigidity": 0.7, "risk_appetite": 0.3,
                   "delegated_authority": 0.3},
    }
    again = ImmuneResponse(store=LearnerStore(store_home), module="07")
    assert [c.value for c in again.controls.values()] == [0.5, 0.7, 0.3, 0.8]
    assert again.model == first.model
    assert again.pinned == ImmuneResponseModel()
    assert not again.clear_button.disabled
    assert _series(again.room_chart.spec) == {"Your settings", "Pinned settings"}


def test_clearing_the_pinned_settings_is_saved(store_home):
    store = LearnerStore(store_home)
    tool = ImmuneResponse(store=store, module="07")
    tool.pin_button.click()
    tool.clear_button.click()
    assert store.load("07", STATE_KEY)["pinned"] is None
    assert ImmuneResponse(store=store, module="07").pinned is None


def test_creating_the_tool_saves_nothing(store_home):
    store = LearnerStore(store_home)
    ImmuneResponse(store=store, module="07")
    assert not store.path("07").exists()
    store.save("07", STATE_KEY, {"settings": {"risk_appetite": 0.9}, "pinned": None})
    before = store.path("07").read_bytes()
    ImmuneResponse(store=store, module="07")
    assert store.path("07").read_bytes() == before


def test_without_a_module_nothing_is_saved(store_home):
    store = LearnerStore(store_home)
    tool = ImmuneResponse(store=store)
    tool.risk_appetite_control.value = 0.9
    assert store.modules() == []


@pytest.mark.parametrize("saved", [
    {"settings": {"audit_intensity": 5, "risk_appetite": "high", "target_rigidity": True,
                  "delegated_authority": 0.9, "mood": 0.5},
     "pinned": {"audit_intensity": 0.1}},
    {"settings": {"delegated_authority": 0.9}, "pinned": "all of them"},
])
def test_saved_choices_that_do_not_fit_are_ignored(store_home, saved):
    store = LearnerStore(store_home)
    store.save("07", STATE_KEY, saved)
    tool = ImmuneResponse(store=store, module="07")
    assert tool.model == ImmuneResponseModel(delegated_authority=0.9)
    assert tool.pinned is None


@pytest.mark.parametrize("saved", ["not a dict", ["a", "list"], None, 3])
def test_saved_state_of_the_wrong_shape_is_ignored(store_home, saved):
    store = LearnerStore(store_home)
    store.save("07", STATE_KEY, saved)
    assert ImmuneResponse(store=store, module="07").model == ImmuneResponseModel()


def test_tool_is_a_widget_box(tool):
    assert isinstance(tool, w.VBox)
    assert "compass-immune-response" in tool._dom_classes
