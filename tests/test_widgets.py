"""Tests for compass_widgets.widgets, without a browser.

Each test sets the synced traits from Python as the front end would (a Dropdown's
``value``, a Textarea's ``value``, a Button click) and checks the model and the text
shown. Expected numbers are worked out by hand from ``tiny_contacts`` (see
tests/test_models_demand.py for the table of its eight contacts).
"""

from __future__ import annotations

import html

import ipywidgets as w
import pytest
import traitlets as t

from compass_widgets.charts.demand import summarise_breakdown, summarise_trend
from compass_widgets.store import LearnerStore
from compass_widgets.widgets._keyboard import KeyboardAid
from compass_widgets.widgets.demand import DemandAnalyser
from compass_widgets.widgets.learning import Reflection, SelfCheck


@pytest.fixture
def analyser(tiny_contacts) -> DemandAnalyser:
    """An analyser at £1 a minute, so that costs equal minutes."""
    analyser = DemandAnalyser(tiny_contacts)
    analyser.cost_control.value = 1.0  # as the learner would type it
    return analyser


class SpecLog:
    """Count how often a chart view is sent a new spec."""

    def __init__(self, view) -> None:
        self.count = 0
        view.observe(self._on_change, "spec")

    def _on_change(self, change) -> None:
        self.count += 1


def _months(spec: dict) -> list[dict]:
    return spec["datasets"][spec["data"]["name"]]


def _bars(spec: dict) -> list[dict]:
    return spec["datasets"][spec["data"]["name"]]


# -- DemandAnalyser: first view ---------------------------------------------------------


def test_first_view_shows_the_whole_log(analyser):
    assert analyser.analysis.contact_count == 8
    assert "<strong>Failure demand: 50%</strong> of 8 contacts" in analyser.headline.value
    assert "65 minutes of handling" in analyser.headline.value
    assert "<strong>£65</strong>" in analyser.headline.value
    assert "£1.00 a minute" in analyser.headline.value
    assert analyser.trend_chart.spec["title"]["text"] == "Failure demand, month by month"
    assert analyser.breakdown_chart.spec["title"]["text"] == "Failure demand by service"
    assert html.escape(summarise_trend(analyser.analysis)) in analyser.trend_summary.value
    assert html.escape(summarise_breakdown(analyser.analysis)) in analyser.breakdown_summary.value


def test_analyser_starts_at_the_cost_per_minute_given(tiny_contacts):
    analyser = DemandAnalyser(tiny_contacts, cost_per_minute=2.0)
    assert analyser.cost_control.value == 2.0
    assert analyser.cost_per_minute == 2.0
    assert analyser.analysis.cost_per_minute == 2.0
    assert "<strong>£130</strong>" in analyser.headline.value  # 65 minutes at £2
    assert "£2.00 a minute" in analyser.headline.value


def test_default_cost_per_minute_is_fifty_pence(tiny_contacts):
    analyser = DemandAnalyser(tiny_contacts)
    assert analyser.cost_control.value == 0.5
    assert analyser.analysis.failure_cost() == 32.5
    assert "£0.50 a minute" in analyser.headline.value


def test_controls_offer_the_log_choices(analyser):
    assert list(analyser.service_control.options) == ["All", "Repairs", "Waste"]
    assert list(analyser.channel_control.options) == ["All", "Email", "Phone", "Web form"]
    assert list(analyser.reason_control.options) == [
        "Bin missed", "Bulky waste", "Chase repair", "New bin", "New repair", "Not fixed",
    ]
    # The first reason, "Bin missed", is failure demand in the log.
    assert analyser.kind_control.value == "failure"


def test_every_control_has_a_description(analyser, store_home):
    check = SelfCheck("02", "q", "Q?", [("Yes", True, "Right."), ("No", False, "Wrong.")],
                      store=LearnerStore(store_home))
    reflection = Reflection("02", "r", "Why?", store=LearnerStore(store_home))
    controls = [analyser.service_control, analyser.channel_control, analyser.cost_control,
                analyser.reason_control, analyser.kind_control, check.choice, check.button,
                reflection.box, reflection.button]
    for control in controls:
        assert control.description.strip(), control


def test_reasons_table_lists_top_failure_reasons(analyser):
    table = analyser.reasons_table.value
    assert "<caption>Top reasons for failure demand</caption>" in table
    # Chase repair (2), then the tie at 1 broken by name: Bin missed, Not fixed.
    assert table.index("Chase repair") < table.index("Bin missed") < table.index("Not fixed")
    assert "New bin" not in table


# -- DemandAnalyser: filters ------------------------------------------------------------


def test_choosing_a_service_updates_model_headline_and_trend(analyser):
    trend, breakdown = SpecLog(analyser.trend_chart), SpecLog(analyser.breakdown_chart)
    breakdown_spec = analyser.breakdown_chart.spec
    analyser.service_control.value = "Repairs"

    assert analyser.service == "Repairs"
    assert analyser.analysis.service == "Repairs"
    assert analyser.analysis.contact_count == 4
    headline = analyser.headline.value
    assert "Failure demand: 75%</strong> of 4 contacts" in headline
    assert "60 minutes" in headline and "£60" in headline

    assert trend.count == 1
    spec = analyser.trend_chart.spec
    assert spec["title"]["subtitle"] == "Repairs, all channels; dashed line: average over 2 months"
    assert [m["failure_share"] for m in _months(spec)] == [0.5, 1.0]
    assert spec["description"] == summarise_trend(analyser.analysis)
    assert "75% of 4 contacts (Repairs, all channels)" in analyser.trend_summary.value
    assert "Bin missed" not in analyser.reasons_table.value  # a Waste reason

    # The comparison of services does not depend on the service chosen: not redrawn.
    assert breakdown.count == 0
    assert analyser.breakdown_chart.spec is breakdown_spec


def test_choosing_a_channel_redraws_both_charts(analyser):
    trend, breakdown = SpecLog(analyser.trend_chart), SpecLog(analyser.breakdown_chart)
    analyser.channel_control.value = "Phone"
    # Phone: C1 C2 C4 C6, failures C2 C4 C6 (10 + 30 + 5 minutes).
    assert analyser.analysis.channel == "Phone"
    assert "Failure demand: 75%</strong> of 4 contacts" in analyser.headline.value
    assert "45 minutes" in analyser.headline.value
    assert (trend.count, breakdown.count) == (1, 1)
    spec = analyser.breakdown_chart.spec
    assert spec["title"]["subtitle"] == "all services, Phone"
    # Repairs by phone: C1 C2 C4 (2 of 3); Waste by phone: C6 (1 of 1).
    assert {b["service"]: b["share_label"] for b in _bars(spec)} == {"Repairs": "67%",
                                                                       "Waste": "100%"}
    assert "Waste has the highest share" in analyser.breakdown_summary.value


def test_service_and_channel_with_no_contacts(analyser):
    analyser.service_control.value = "Repairs"
    analyser.channel_control.value = "Web form"
    assert analyser.analysis.contact_count == 0
    assert "Failure demand: 0%</strong> of 0 contacts" in analyser.headline.value
    assert "There are no contacts for Repairs, Web form." in analyser.trend_summary.value
    assert "<tbody></tbody>" in analyser.reasons_table.value


def test_changing_the_cost_updates_headline_and_breakdown_only(analyser):
    trend, breakdown = SpecLog(analyser.trend_chart), SpecLog(analyser.breakdown_chart)
    analyser.cost_control.value = 2.0
    assert analyser.cost_per_minute == 2.0
    assert analyser.analysis.cost_per_minute == 2.0
    assert "<strong>£130</strong>" in analyser.headline.value  # 65 minutes at £2
    assert "£2.00 a minute" in analyser.headline.value
    assert (trend.count, breakdown.count) == (0, 1)
    assert [b["cost_label"] for b in _bars(analyser.breakdown_chart.spec)] == ["£120", "£10"]
    assert "costs most in Repairs: £120" in analyser.breakdown_summary.value


def test_filters_can_be_set_from_python_too(analyser):
    analyser.service = "Waste"
    assert analyser.service_control.value == "Waste"
    assert analyser.analysis.failure_share() == 0.25


# -- DemandAnalyser: reclassifying ---------------------------------------------------------


def test_choosing_a_reason_shows_its_label_and_changes_nothing(analyser):
    trend = SpecLog(analyser.trend_chart)
    analyser.reason_control.value = "New bin"
    assert analyser.kind_control.value == "value"
    assert dict(analyser.analysis.reclassified) == {}
    assert analyser.analysis.failure_share() == 0.5
    assert trend.count == 0


def test_counting_a_reason_as_failure_updates_everything(analyser):
    trend, breakdown = SpecLog(analyser.trend_chart), SpecLog(analyser.breakdown_chart)
    analyser.reason_control.value = "New bin"
    analyser.kind_control.value = "failure"
    # C5 (4 min) and C7 (6 min) become failures: 6 of 8, 75 minutes.
    assert dict(analyser.analysis.reclassified) == {"New bin": "failure"}
    assert "Failure demand: 75%</strong> of 8 contacts" in analyser.headline.value
    assert "75 minutes" in analyser.headline.value
    assert (trend.count, breakdown.count) == (1, 1)
    # Waste becomes C5 C6 C7 of 4 (75%), level with Repairs; both 4 contacts.
    assert [b["failure_share"] for b in _bars(analyser.breakdown_chart.spec)] == [0.75, 0.75]
    # April: C2 C5 C6 of 4; May: C3 C4 C7 of 4.
    assert [m["failure_share"] for m in _months(analyser.trend_chart.spec)] == [0.75, 0.75]
    assert "New bin" in analyser.reasons_table.value


def test_reclassification_is_remembered_when_the_reason_is_chosen_again(analyser):
    analyser.reason_control.value = "Chase repair"
    analyser.kind_control.value = "value"
    analyser.reason_control.value = "New bin"
    assert analyser.kind_control.value == "value"
    analyser.reason_control.value = "Chase repair"
    assert analyser.kind_control.value == "value"
    # C2 and C3 no longer count: 2 of 8.
    assert analyser.analysis.failure_share() == 0.25


def test_reclassification_survives_a_filter_change(analyser):
    analyser.reason_control.value = "New bin"
    analyser.kind_control.value = "failure"
    analyser.service_control.value = "Waste"
    assert analyser.analysis.failure_share() == 0.75  # C5 C6 C7 of 4
    assert dict(analyser.analysis.reclassified) == {"New bin": "failure"}


def test_reclassify_method_keeps_the_toggle_in_step(analyser):
    analyser.reason_control.value = "Not fixed"
    analyser.reclassify("Not fixed", "value")
    assert analyser.kind_control.value == "value"
    assert analyser.analysis.failure_share() == 3 / 8


def test_repr_says_what_is_shown(analyser):
    analyser.service_control.value = "Repairs"
    assert repr(analyser) == ("DemandAnalyser(service='Repairs', channel='All'): failure demand "
                              "75% of 4 contacts")


# -- SelfCheck ------------------------------------------------------------------------------

OPTIONS = [
    ("Yes", True, "It exists because something was not done."),
    ("No", False, "Ask why the person had to call again."),
]


def _check(store_home, key="q1") -> SelfCheck:
    return SelfCheck("02", key, "Is a chasing call failure demand?", OPTIONS,
                     store=LearnerStore(store_home))


def test_right_answer_says_correct_and_is_saved(store_home):
    check = _check(store_home)
    check.choice.value = "Yes"
    check.button.click()
    assert check.answer == "Yes"
    assert check.correct is True
    assert check.feedback.value == ("<p><strong>Correct.</strong> It exists because something "
                                    "was not done.</p>")
    assert LearnerStore(store_home).load("02", "check:q1") == {"answer": "Yes", "correct": True}


def test_wrong_answer_says_not_quite_and_is_saved(store_home):
    check = _check(store_home)
    check.choice.value = "No"
    assert check.check() is False
    assert check.feedback.value.startswith("<p><strong>Not quite.</strong> Ask why")
    assert LearnerStore(store_home).load("02", "check:q1") == {"answer": "No", "correct": False}


@pytest.mark.parametrize(("answer", "verdict", "correct"),
                         [("Yes", "Correct.", True), ("No", "Not quite.", False)])
def test_a_new_self_check_restores_the_saved_answer(store_home, answer, verdict, correct):
    first = _check(store_home)
    first.choice.value = answer
    first.button.click()
    again = _check(store_home)  # the notebook opened again
    assert again.answer == answer
    assert again.choice.value == answer
    assert again.correct is correct
    assert f"<strong>{verdict}</strong>" in again.feedback.value


def test_answers_are_kept_per_question(store_home):
    first = _check(store_home, "q1")
    first.choice.value = "Yes"
    first.button.click()
    other = _check(store_home, "q2")
    assert other.answer is None
    assert other.feedback.value == ""


def test_changing_the_answer_clears_the_verdict_until_checked(store_home):
    check = _check(store_home)
    check.choice.value = "Yes"
    check.button.click()
    check.choice.value = "No"
    assert check.correct is None
    assert check.feedback.value == ""
    # Not checked yet, so the saved answer is still the checked one.
    assert LearnerStore(store_home).load("02", "check:q1") == {"answer": "Yes", "correct": True}


def test_checking_with_no_answer_asks_for_one_and_saves_nothing(store_home):
    check = _check(store_home)
    assert check.check() is None
    assert "Choose an answer first" in check.feedback.value
    assert LearnerStore(store_home).answers("02") == {}


def test_invalid_answer_raises_trait_error(store_home):
    check = _check(store_home)
    with pytest.raises(t.TraitError, match="'Maybe' is not one of the answers: Yes, No"):
        check.answer = "Maybe"
    assert check.answer is None


def test_saved_answer_that_is_no_longer_an_option_is_ignored(store_home):
    LearnerStore(store_home).save("02", "check:q1", {"answer": "Perhaps", "correct": True})
    check = _check(store_home)
    assert check.answer is None
    assert check.feedback.value == ""


def test_self_check_needs_a_right_answer(store_home):
    with pytest.raises(ValueError, match="needs at least one correct option"):
        SelfCheck("02", "q1", "Q?", [("A", False, "no"), ("B", False, "no")],
                  store=LearnerStore(store_home))


def test_self_check_is_a_widget_box(store_home):
    check = _check(store_home)
    assert isinstance(check, w.VBox)
    *shown, aid = check.children
    assert shown == [check.question, check.choice, check.button, check.feedback]
    # The hidden aid that gives the answers their arrow keys back (tests/browser checks it).
    assert isinstance(aid, KeyboardAid) and aid.layout.display == "none"


# -- Reflection -----------------------------------------------------------------------------


def _reflection(store_home) -> Reflection:
    return Reflection("02", "r1", "Where would you start?", store=LearnerStore(store_home))


def test_text_typed_is_saved(store_home):
    reflection = _reflection(store_home)
    reflection.box.value = "Start with repairs: chasing calls are half the demand."
    assert reflection.text == "Start with repairs: chasing calls are half the demand."
    assert LearnerStore(store_home).load("02", "reflection:r1") == (
        "Start with repairs: chasing calls are half the demand.")
    assert reflection.status.value.startswith("<p>Saved at ")


def test_saved_text_is_shown_by_a_new_reflection(store_home):
    _reflection(store_home).box.value = "With repairs."
    again = _reflection(store_home)
    assert again.text == "With repairs."
    assert again.box.value == "With repairs."
    assert again.status.value.startswith("<p>Your saved reflection (saved ")


def test_creating_a_reflection_never_overwrites_saved_text(store_home):
    store = LearnerStore(store_home)
    store.save("02", "reflection:r1", "Keep me.")
    before = store.path("02").read_bytes()
    reflection = _reflection(store_home)
    assert reflection.box.value == "Keep me."
    assert store.path("02").read_bytes() == before  # not even re-saved
    assert store.load("02", "reflection:r1") == "Keep me."


def test_creating_a_reflection_with_nothing_saved_saves_nothing(store_home):
    _reflection(store_home)
    assert not LearnerStore(store_home).path("02").exists()


def test_save_button_saves_the_text(store_home):
    reflection = _reflection(store_home)
    reflection.text = "Draft"
    store = LearnerStore(store_home)
    store.save("02", "reflection:r1", "changed elsewhere")
    reflection.button.click()
    assert store.load("02", "reflection:r1") == "Draft"


def test_clearing_the_text_on_purpose_is_saved(store_home):
    reflection = _reflection(store_home)
    reflection.box.value = "First thoughts"
    reflection.box.value = ""
    assert LearnerStore(store_home).load("02", "reflection:r1") == ""


def test_analyser_saves_choices_and_restores_them(tiny_contacts, store_home):
    store = LearnerStore(store_home)
    first = DemandAnalyser(tiny_contacts, store=store, module="02")
    first.service_control.value = "Waste"
    first.cost_control.value = 2.0
    first.reason_control.value = "New bin"
    first.kind_control.value = "failure"
    assert store.load("02", "tool:DemandAnalyser") == {
        "service": "Waste", "channel": "All", "cost_per_minute": 2.0,
        "reclassified": {"New bin": "failure"},
    }
    again = DemandAnalyser(tiny_contacts, store=store, module="02")  # a kernel restart
    assert (again.service_control.value, again.cost_control.value) == ("Waste", 2.0)
    # Waste: Bin missed + two New bin contacts are failure now: 3 of 4.
    assert again.analysis.failure_share() == 0.75
    assert again.analysis.failure_cost() == 2.0 * (5 + 4 + 6)


def test_analyser_ignores_saved_choices_that_do_not_fit_the_data(tiny_contacts, store_home):
    store = LearnerStore(store_home)
    store.save("02", "tool:DemandAnalyser", {
        "service": "Housing repairs", "channel": "Phone", "cost_per_minute": -3,
        "reclassified": {"No such reason": "failure", "New bin": "maybe"},
    })
    analyser = DemandAnalyser(tiny_contacts, store=store, module="02")
    assert analyser.service_control.value == "All"  # not a service in this log
    assert analyser.channel_control.value == "Phone"
    assert analyser.cost_control.value == 0.5
    assert dict(analyser.analysis.reclassified) == {}


def test_analyser_without_a_module_saves_nothing(tiny_contacts, store_home, monkeypatch):
    monkeypatch.setenv("COMPASS_HOME", str(store_home))
    DemandAnalyser(tiny_contacts).service_control.value = "Waste"
    assert not store_home.exists()


def test_headline_names_the_period_of_a_short_log(tiny_contacts):
    # tiny_contacts runs from 3 April to 21 May 2025: 49 days, about 2 months.
    analyser = DemandAnalyser(tiny_contacts)
    assert "in 2 months at £0.50 a minute" in analyser.headline.value


def test_a_tool_made_before_any_chart_is_shown_still_draws_offline():
    # In a fresh kernel, a tool may be the first thing to draw a chart (module 00 does
    # this); its chart views must not fall back to loading JavaScript from a CDN.
    import subprocess
    import sys

    code = (
        "import altair as alt\n"
        "from compass_widgets import CompassSelfAssessment\n"
        "assert not alt.JupyterChart._is_offline\n"
        "CompassSelfAssessment(quick=True)\n"
        "print(alt.JupyterChart._is_offline, 'esm.sh' in alt.JupyterChart._esm)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split() == ["True", "False"]
