"""Tests for compass_widgets.widgets.cynefin.SituationSorter, without a browser.

Each test sets a control's ``value`` (or clicks a button) as the front end would, then
checks the model and the text shown. The data are the six vignettes and the three-week
model of tests/test_models_cynefin.py (see its docstring for the numbers).
"""

from __future__ import annotations

import html

import ipywidgets as w
import pytest
import traitlets as t

from compass_widgets.charts.cynefin import (
    summarise_agreement,
    summarise_escalation_trend,
    summarise_matrix,
    summarise_route_comparison,
)
from compass_widgets.data.vignettes import load_vignettes
from compass_widgets.models.cynefin import EscalationModel
from compass_widgets.store import LearnerStore
from compass_widgets.widgets.cynefin import STATE_KEY, SituationSorter

from .test_models_cynefin import six_vignettes


def tiny_model() -> EscalationModel:
    return EscalationModel(
        complex_share=0.5, personalised_share=1.0, weeks=3, new_cases=10, clear_share=1.0,
        max_attempts=2, resolve_standard={"clear": 1.0, "complicated": 0.5, "complex": 0.5},
        resolve_personalised=1.0, cost_standard=10, cost_personalised=40, cost_escalation=100,
    )


@pytest.fixture
def sorter() -> SituationSorter:
    return SituationSorter(six_vignettes(), escalation=tiny_model())


class SpecLog:
    """Count how often a chart view is sent a new spec."""

    def __init__(self, view) -> None:
        self.count = 0
        view.observe(self._on_change, "spec")

    def _on_change(self, change) -> None:
        self.count += 1


def _logs(sorter: SituationSorter) -> dict[str, SpecLog]:
    return {name: SpecLog(getattr(sorter, f"{name}_chart"))
            for name in ("agreement", "matrix", "trend", "comparison")}


def _counts(logs: dict[str, SpecLog]) -> dict[str, int]:
    return {name: log.count for name, log in logs.items()}


# -- first view --------------------------------------------------------------------------------


def test_first_view(sorter):
    assert "Vignette 1 of 6</strong> · Millbrook · Housing" in sorter.vignette_text.value
    assert "Case A" in sorter.vignette_text.value
    assert sorter.domain_control.value == ""
    assert sorter.previous_button.disabled and not sorter.next_button.disabled
    assert "Choose a domain to see what the rule" in sorter.feedback.value
    assert "You have sorted <strong>0</strong> of 6 vignettes." in sorter.progress.value
    assert sorter.agreement_chart.spec["title"]["text"] == "How often the sortings agree"
    assert sorter.matrix_chart.spec["title"]["text"] == "Your sorting against the practitioners"
    assert sorter.trend_chart.spec["title"]["text"] == "Escalations, week by week"
    assert sorter.comparison_chart.spec["title"]["text"] == (
        "Standard route only against mixed routes")
    assert html.escape(summarise_agreement(sorter.exercise)) in sorter.agreement_summary.value
    assert html.escape(summarise_matrix(sorter.exercise)) in sorter.matrix_summary.value
    assert html.escape(summarise_escalation_trend(sorter.model)) in sorter.trend_summary.value
    assert html.escape(summarise_route_comparison(sorter.model)) in (
        sorter.comparison_summary.value)
    assert sorter.headline.value == (
        "<p>Over 3 weeks: <strong>2</strong> escalations and <strong>£600</strong> with the "
        "standard route only; <strong>0</strong> escalations and <strong>£750</strong> with "
        "mixed routes. (Illustrative assumptions.)</p>")


def test_sliders_start_at_the_model_given(sorter):
    assert (sorter.complex_control.value, sorter.personalised_control.value,
            sorter.weeks_control.value, sorter.measure_control.value) == (
        0.5, 1.0, 3, "escalations")
    assert sorter.model.max_attempts == 2  # the other parameters are kept


def test_default_model_and_shipped_vignettes():
    sorter = SituationSorter(load_vignettes())
    assert sorter.model.complex_share == 0.25
    assert "Vignette 1 of 38" in sorter.vignette_text.value
    assert sorter.weeks_control.min == 4 and sorter.weeks_control.max == 104


def test_every_control_has_a_description(sorter):
    controls = [sorter.previous_button, sorter.next_button, sorter.domain_control,
                sorter.complex_control, sorter.personalised_control, sorter.weeks_control,
                sorter.measure_control]
    for control in controls:
        assert control.description.strip(), control
    assert sorter.domain_control.options == (
        ("Not sorted", ""), ("Clear", "clear"), ("Complicated", "complicated"),
        ("Complex", "complex"), ("Chaotic", "chaotic"))
    assert len(sorter.domain_control.tooltips) == 5


def test_sorter_is_a_widget_box(sorter):
    assert isinstance(sorter, w.VBox)


def test_repr_says_what_is_shown(sorter):
    sorter.domain_control.value = "clear"
    assert repr(sorter) == ("SituationSorter: 1 of 6 vignettes sorted; escalations over 3 weeks "
                            "2 (standard route only) against 0 (mixed routes)")


# -- moving between vignettes -------------------------------------------------------------------


def test_next_and_previous_buttons(sorter):
    logs = _logs(sorter)
    sorter.next_button.click()
    assert sorter.position == 1 and sorter.vignette_id == "B"
    assert "Vignette 2 of 6" in sorter.vignette_text.value and "Case B" in (
        sorter.vignette_text.value)
    assert not sorter.previous_button.disabled
    sorter.previous_button.click()
    assert sorter.vignette_id == "A"
    assert _counts(logs) == {"agreement": 0, "matrix": 0, "trend": 0, "comparison": 0}


def test_last_vignette_disables_next_and_show_ignores_out_of_range(sorter):
    sorter.show(5)
    assert sorter.vignette_id == "F" and sorter.next_button.disabled
    sorter.next_button.click()  # disabled in the browser; from Python it changes nothing
    sorter.show(6)
    sorter.show(-1)
    assert sorter.position == 5


def test_position_out_of_range_is_refused(sorter):
    with pytest.raises(t.TraitError, match="position must be from 0 to 5, not 6"):
        sorter.position = 6


# -- sorting ---------------------------------------------------------------------------------------


def test_choosing_a_domain_sorts_and_shows_the_rule_and_the_practitioner(sorter):
    logs = _logs(sorter)
    sorter.domain_control.value = "clear"
    assert dict(sorter.exercise.answers) == {"A": "clear"}
    feedback = sorter.feedback.value
    assert "You said <strong>clear</strong> (sense, categorise, respond)." in feedback
    assert "The rule says <strong>clear</strong>, at step 4: cause and effect are known" in (
        feedback)
    assert "An experienced practitioner said <strong>clear</strong>. Note A" in feedback
    assert "You agree with the practitioner." in feedback
    assert "Cause and effect known in advance: yes; A tested standard answer exists: yes" in (
        feedback)
    assert "You have sorted <strong>1</strong> of 6 vignettes." in sorter.progress.value
    # Sorting changes the two sorting charts only.
    assert _counts(logs) == {"agreement": 1, "matrix": 1, "trend": 0, "comparison": 0}
    assert "You agree with the rule on 1 of 1 (100%)" in sorter.agreement_summary.value


def test_disagreeing_with_the_practitioner_says_so(sorter):
    sorter.show(5)  # F: the rule says clear, the practitioner complex
    sorter.domain_control.value = "clear"
    assert "The rule says <strong>clear</strong>" in sorter.feedback.value
    assert "An experienced practitioner said <strong>complex</strong>" in sorter.feedback.value
    assert "You and the practitioner differ" in sorter.feedback.value
    assert "1 vignette you called clear, the practitioners called complex" in (
        sorter.matrix_summary.value)


def test_not_sorted_unsorts(sorter):
    sorter.domain_control.value = "complex"
    sorter.domain_control.value = ""
    assert dict(sorter.exercise.answers) == {}
    assert "Choose a domain" in sorter.feedback.value


def test_coming_back_to_a_sorted_vignette_shows_the_answer_and_sorts_nothing(sorter):
    sorter.domain_control.value = "chaotic"
    sorter.next_button.click()
    assert sorter.domain_control.value == ""
    logs = _logs(sorter)
    sorter.previous_button.click()
    assert sorter.domain_control.value == "chaotic"
    assert "You said <strong>chaotic</strong>" in sorter.feedback.value
    assert _counts(logs)["agreement"] == 0
    assert dict(sorter.exercise.answers) == {"A": "chaotic"}


def test_sort_method_keeps_the_toggle_in_step(sorter):
    sorter.sort("A", "complex")
    assert sorter.domain_control.value == "complex"
    sorter.sort("B", "clear")  # not the vignette shown
    assert sorter.domain_control.value == "complex"
    assert dict(sorter.exercise.answers) == {"A": "complex", "B": "clear"}
    sorter.sort("A", None)
    assert sorter.domain_control.value == ""


def test_unknown_domain_is_refused(sorter):
    with pytest.raises(t.TraitError, match="domain must be one of clear, complicated, complex, "
                                           "chaotic or ''"):
        sorter.domain = "simple"


# -- the escalation model ------------------------------------------------------------------------


def test_complex_slider_updates_the_model_and_both_escalation_charts(sorter):
    logs = _logs(sorter)
    sorter.complex_control.value = 0.0
    assert sorter.model.complex_share == 0.0
    # Every case clear and always resolved: 10 contacts at £10 a week in both scenarios.
    assert sorter.headline.value == (
        "<p>Over 3 weeks: <strong>0</strong> escalations and <strong>£300</strong> with the "
        "standard route only; <strong>0</strong> escalations and <strong>£300</strong> with "
        "mixed routes. (Illustrative assumptions.)</p>")
    assert _counts(logs) == {"agreement": 0, "matrix": 0, "trend": 1, "comparison": 1}
    assert "0% of cases complex" in sorter.trend_chart.spec["title"]["subtitle"]
    assert html.escape(summarise_route_comparison(sorter.model)) in (
        sorter.comparison_summary.value)


def test_personalised_slider_updates_the_mixed_scenario(sorter):
    sorter.personalised_control.value = 0.0
    assert sorter.model.personalised_share == 0.0
    assert "<strong>2</strong> escalations and <strong>£600</strong> with mixed routes" in (
        sorter.headline.value)


def test_weeks_slider(sorter):
    sorter.weeks_control.value = 4
    assert sorter.model.weeks == 4
    assert sorter.headline.value.startswith("<p>Over 4 weeks: <strong>4</strong> escalations")
    assert len([r for r in sorter.trend_chart.spec["datasets"][
        sorter.trend_chart.spec["layer"][0]["data"]["name"]]]) == 8


def test_measure_menu_redraws_the_trend_only(sorter):
    logs = _logs(sorter)
    sorter.measure_control.value = "cost"
    assert sorter.measure == "cost"
    assert sorter.trend_chart.spec["title"]["text"] == "Cost (£), week by week"
    assert "the cost is £250 a week" in sorter.trend_summary.value
    assert _counts(logs) == {"agreement": 0, "matrix": 0, "trend": 1, "comparison": 0}


def test_unknown_measure_is_refused(sorter):
    with pytest.raises(t.TraitError, match="measure must be one of escalations"):
        sorter.measure = "mood"


def test_setting_traits_from_python_moves_the_controls(sorter):
    sorter.complex_share = 0.25
    assert sorter.complex_control.value == 0.25
    assert sorter.model.complex_share == 0.25


def test_a_long_model_widens_the_weeks_slider():
    sorter = SituationSorter(six_vignettes(), escalation=EscalationModel(weeks=200))
    assert sorter.weeks_control.max == 200 and sorter.weeks_control.value == 200


# -- saving and restoring -------------------------------------------------------------------------


def _sorter(store_home, **kwargs) -> SituationSorter:
    return SituationSorter(six_vignettes(), escalation=tiny_model(),
                           store=LearnerStore(store_home), module="03", **kwargs)


def test_choices_are_saved_and_restored(store_home):
    first = _sorter(store_home)
    first.domain_control.value = "clear"
    first.next_button.click()
    first.domain_control.value = "complex"
    first.complex_control.value = 0.25
    first.personalised_control.value = 0.5
    first.weeks_control.value = 10
    first.measure_control.value = "failure_share"
    assert LearnerStore(store_home).load("03", STATE_KEY) == {
        "answers": {"A": "clear", "B": "complex"}, "position": 1, "complex_share": 0.25,
        "personalised_share": 0.5, "weeks": 10, "measure": "failure_share",
    }
    again = _sorter(store_home)  # a kernel restart
    assert dict(again.exercise.answers) == {"A": "clear", "B": "complex"}
    assert again.vignette_id == "B" and again.domain_control.value == "complex"
    assert "You said <strong>complex</strong>" in again.feedback.value
    assert (again.complex_control.value, again.personalised_control.value,
            again.weeks_control.value, again.measure_control.value) == (
        0.25, 0.5, 10, "failure_share")
    assert (again.model.complex_share, again.model.weeks) == (0.25, 10)
    assert again.model.max_attempts == 2  # the model given, with the saved settings
    assert "You have sorted <strong>2</strong> of 6" in again.progress.value


def test_creating_a_sorter_saves_nothing(store_home):
    _sorter(store_home)
    assert not LearnerStore(store_home).path("03").exists()


def test_no_module_means_no_saving(store_home):
    sorter = SituationSorter(six_vignettes(), store=LearnerStore(store_home))
    sorter.domain_control.value = "clear"
    assert not LearnerStore(store_home).path("03").exists()


def test_saved_choices_that_do_not_fit_are_ignored(store_home):
    LearnerStore(store_home).save("03", STATE_KEY, {
        "answers": {"A": "simple", "Z": "clear", "C": "complex"}, "position": 17,
        "complex_share": 1.5, "personalised_share": True, "weeks": 3000, "measure": "mood",
    })
    sorter = _sorter(store_home)
    assert dict(sorter.exercise.answers) == {"C": "complex"}
    assert sorter.position == 0
    assert (sorter.model.complex_share, sorter.model.personalised_share, sorter.model.weeks,
            sorter.measure) == (0.5, 1.0, 3, "escalations")


def test_saved_choices_of_the_wrong_shape_are_ignored(store_home):
    LearnerStore(store_home).save("03", STATE_KEY, {"answers": ["A", "clear"], "weeks": "ten"})
    sorter = _sorter(store_home)
    assert dict(sorter.exercise.answers) == {}
    assert sorter.model.weeks == 3
