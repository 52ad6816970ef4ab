"""Tests for the StewardshipSimulator widget, without a browser.

Each test sets a slider's ``value`` as the front end would, then checks the scenarios,
the text shown and which views changed.
"""

from __future__ import annotations

import html

import ipywidgets as w
import pytest
import traitlets as t

from compass_widgets.charts.stewardship import (
    summarise_routing,
    summarise_spend,
    summarise_stock,
)
from compass_widgets.models.stewardship import StewardshipModel
from compass_widgets.store import LearnerStore
from compass_widgets.widgets.stewardship import REBALANCED, STATE_KEY, StewardshipSimulator


class ChangeLog:
    """Count how often a widget's trait changes."""

    def __init__(self, widget, name: str = "spec") -> None:
        self.count = 0
        widget.observe(self._on_change, name)

    def _on_change(self, change) -> None:
        self.count += 1


@pytest.fixture
def sim() -> StewardshipSimulator:
    return StewardshipSimulator()


# -- first view ----------------------------------------------------------------------------


def test_first_view_compares_today_with_a_rebalanced_scenario(sim):
    assert sim.scenario_a == StewardshipModel()
    assert sim.scenario_b == StewardshipModel(**REBALANCED)
    assert [c.value for c in sim.controls["A"].values()] == [0.02, 0.7, 0.3]
    assert [c.value for c in sim.controls["B"].values()] == [0.1, 0.6, 0.6]
    assert sim.stock_chart.spec["title"]["text"] == (
        "Trust, capability, failure demand and burnout")
    assert sim.spend_chart.spec["title"]["text"] == "Spend, month by month"
    assert html.escape(summarise_spend(sim.scenarios)) in sim.spend_summary.value
    assert sim.routing_text["A"].value.endswith(
        html.escape(summarise_routing(sim.scenario_a)) + "</p>")
    assert "standardise when you can" in sim.routing_text["B"].value


def test_a_sentence_per_stock_beside_the_stock_chart(sim):
    summary = sim.stock_summary.value
    assert summary.count("<li>") == 4
    for stock in ("trust", "capability", "failure_demand", "burnout"):
        assert f"<li>{html.escape(summarise_stock(sim.scenarios, stock))}</li>" in summary
    assert "not a forecast" in summary


def test_totals_table(sim):
    table = sim.totals_table.value
    assert table.startswith("<table><caption>After 5 years, and totals over the 5 years "
                            "(illustrative model, not a forecast)</caption>")
    assert "<th scope='col'>Scenario A</th><th scope='col'>Scenario B</th>" in table
    assert "<th scope='row'>Trust at the end</th><td style='text-align:right'>40%</td>" in table
    total = sim.scenario_a.totals()["spend"]
    assert f"<td style='text-align:right'>£{total:,.0f}</td>" in table
    assert "<th scope='row'>Escalations</th><td style='text-align:right'>1,181</td>" in table


def test_every_control_has_a_description_naming_its_scenario(sim):
    descriptions = [c.description for s in ("A", "B") for c in sim.controls[s].values()]
    assert descriptions == [
        "Community budget (A)", "Standard routes (A)", "Discretion (A)",
        "Community budget (B)", "Standard routes (B)", "Discretion (B)",
    ]
    for scenario in ("A", "B"):
        for control in sim.controls[scenario].values():
            assert control.tooltip
            assert not control.continuous_update
    assert sim.controls["A"]["community_share"].max == 0.2


def test_repr_says_what_is_shown(sim):
    trust_b = sim.scenario_b.final()["trust"]
    assert repr(sim).startswith(
        "StewardshipSimulator(A: community budget 0.02, standard routes 0.70, discretion 0.30; "
        "B: community budget 0.10, standard routes 0.60, discretion 0.60): after 5 years trust "
        f"40% vs {trust_b:.0%}")


def test_controls_are_also_attributes(sim):
    assert sim.a_standardisation_control is sim.controls["A"]["standardisation"]
    assert sim.b_community_share_control is sim.controls["B"]["community_share"]


# -- levers ----------------------------------------------------------------------------------


def test_changing_a_lever_of_b_updates_b_only_and_both_charts_once(sim):
    stocks, spend = ChangeLog(sim.stock_chart), ChangeLog(sim.spend_chart)
    routing_a, routing_b = ChangeLog(sim.routing_text["A"], "value"), ChangeLog(
        sim.routing_text["B"], "value")
    a = sim.scenario_a
    sim.b_standardisation_control.value = 0.9
    assert sim.b_standardisation == 0.9
    assert sim.scenario_b.standardisation == 0.9
    assert sim.scenario_a is a  # unchanged, and its run is not repeated
    assert (stocks.count, spend.count) == (1, 1)
    assert (routing_a.count, routing_b.count) == (0, 1)
    assert "complex cases go down routes built for simple ones" in sim.routing_text["B"].value
    assert sim.stock_chart.spec["description"].startswith("Trust after 5 years")
    assert "B costs more than A every month." in sim.spend_summary.value


def test_changing_a_lever_of_a(sim):
    sim.a_community_share_control.value = 0.1
    assert sim.scenario_a.community_share == 0.1
    assert sim.a_community_share == 0.1


@pytest.mark.parametrize(("scenario", "lever"), [(s, lever) for s in "AB" for lever in (
    "community_share", "standardisation", "discretion")])
def test_each_slider_reaches_its_scenario(sim, scenario, lever):
    sim.controls[scenario][lever].value = 0.15
    model = sim.scenario_a if scenario == "A" else sim.scenario_b
    assert getattr(model, lever) == 0.15


def test_levers_can_be_set_from_python_too(sim):
    sim.b_discretion = 0.9
    assert sim.b_discretion_control.value == 0.9
    assert sim.scenario_b.discretion == 0.9


def test_lever_outside_its_range_is_refused(sim):
    with pytest.raises(t.TraitError, match="community budget must be from 0 to 0.2, not 0.5"):
        sim.a_community_share = 0.5
    assert sim.scenario_a.community_share == 0.02


def test_setting_the_same_value_again_redraws_nothing(sim):
    stocks = ChangeLog(sim.stock_chart)
    sim.a_discretion_control.value = 0.3
    assert stocks.count == 0


def test_starts_from_the_scenarios_given():
    sim = StewardshipSimulator(a=StewardshipModel(years=3), b=StewardshipModel(years=3))
    assert sim.scenario_a.years == 3
    assert "After 3 years" in sim.totals_table.value


# -- saving and restoring -----------------------------------------------------------------------


def test_levers_are_saved_and_restored(store_home):
    store = LearnerStore(store_home)
    first = StewardshipSimulator(store=store, module="10")
    first.a_standardisation_control.value = 0.6
    first.b_community_share_control.value = 0.15
    assert store.load("10", STATE_KEY) == {
        "A": {"community_share": 0.02, "standardisation": 0.6, "discretion": 0.3},
        "B": {"community_share": 0.15, "standardisation": 0.6, "discretion": 0.6},
    }
    again = StewardshipSimulator(store=LearnerStore(store_home), module="10")
    assert again.a_standardisation_control.value == 0.6
    assert again.b_community_share_control.value == 0.15
    assert again.scenarios == first.scenarios


def test_creating_the_simulator_saves_nothing(store_home):
    store = LearnerStore(store_home)
    StewardshipSimulator(store=store, module="10")
    assert not store.path("10").exists()


def test_without_a_module_nothing_is_saved(store_home):
    store = LearnerStore(store_home)
    StewardshipSimulator(store=store).a_discretion_control.value = 0.5
    assert store.modules() == []


@pytest.mark.parametrize("saved", [
    {"A": {"community_share": 0.9, "standardisation": "most", "discretion": True},
     "B": {"discretion": 0.25, "budget": 0.1}},
    {"A": "today", "B": {"discretion": 0.25}},
    "not a dict",
])
def test_saved_levers_that_do_not_fit_are_ignored(store_home, saved):
    store = LearnerStore(store_home)
    store.save("10", STATE_KEY, saved)
    sim = StewardshipSimulator(store=store, module="10")
    assert sim.scenario_a == StewardshipModel()
    expected_b = 0.25 if isinstance(saved, dict) else REBALANCED["discretion"]
    assert sim.scenario_b == StewardshipModel(**{**REBALANCED, "discretion": expected_b})


def test_simulator_is_a_widget_box(sim):
    assert isinstance(sim, w.VBox)
    assert "compass-stewardship-simulator" in sim._dom_classes
