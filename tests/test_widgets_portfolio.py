"""Tests for compass_widgets.widgets.portfolio (ContractPortfolio), without a browser.

Each test sets a control's ``value`` as the front end would and checks the model, the
text shown and which charts were redrawn. Expected figures are worked out by hand from
``tiny_portfolio`` (see tests/test_models_portfolio.py).
"""

from __future__ import annotations

import html

import pytest
import traitlets as t

from compass_widgets.charts.portfolio import summarise_kpi_outcome, summarise_spend_split
from compass_widgets.store import LearnerStore
from compass_widgets.widgets.portfolio import CHOICES, ContractPortfolio
from compass_widgets.widgets.portfolio import STATE_KEY as KEY

from .test_models_portfolio import make_portfolio


class SpecLog:
    """Count how often a chart view is sent a new spec."""

    def __init__(self, view) -> None:
        self.count = 0
        view.observe(self._on_change, "spec")

    def _on_change(self, change) -> None:
        self.count += 1


@pytest.fixture
def portfolio() -> ContractPortfolio:
    return ContractPortfolio(make_portfolio())


def _rows(spec: dict, layer: int = 0) -> list[dict]:
    data = spec["layer"][layer].get("data", spec.get("data"))
    return spec["datasets"][data["name"]]


# -- first view ------------------------------------------------------------------------------


def test_first_view_shows_the_whole_portfolio(portfolio):
    a = portfolio.analysis
    assert a.contract_count == 4
    headline = portfolio.headline.value
    assert "<strong>4 contracts, £1,500 a year</strong>; 71% of their 7 KPIs met." in headline
    assert "<strong>2 contracts (£1,200) meet every KPI while people's outcomes are worse " \
           "than the benchmark.</strong>" in headline
    assert portfolio.spend_chart.spec["title"]["text"] == "Spend by how it is paid"
    assert portfolio.map_chart.spec["title"]["text"] == "What the KPIs cannot see"
    assert html.escape(summarise_spend_split(a)) in portfolio.spend_summary.value
    assert html.escape(summarise_kpi_outcome(a)) in portfolio.map_summary.value
    assert "<caption>Contracts meeting every KPI" in portfolio.blind_spots_table.value


def test_controls_offer_the_portfolio_choices(portfolio):
    assert list(portfolio.lot_control.options) == ["All", "Advice", "Care"]
    assert list(portfolio.provider_control.options) == ["All", "P", "Q", "R"]
    assert list(portfolio.neighbourhood_control.options) == ["All", "Borough-wide", "Canal Side",
                                                             "Millbrook"]
    assert [v for _, v in portfolio.split_control.options] == ["payment_basis", "kpi_kind"]
    assert portfolio.sort_control.value == "annual_spend"
    assert (portfolio.tolerance_control.min, portfolio.tolerance_control.max) == (0, 10)


def test_every_control_has_a_description_a_screen_reader_can_read(portfolio):
    controls = [portfolio.lot_control, portfolio.provider_control,
                portfolio.neighbourhood_control, portfolio.split_control,
                portfolio.tolerance_control, portfolio.sort_control]
    descriptions = [control.description for control in controls]
    assert descriptions == ["Lot", "Provider", "Neighbourhood", "Split spend by",
                            "Tolerance (points)", "Sort contracts by"]
    assert all(portfolio.split_control.tooltips)
    assert list(portfolio.tables.titles) == ["KPIs met, outcomes poor", "All contracts",
                                             "By lot", "By provider"]


def test_a_chart_never_stands_without_its_sentence(portfolio):
    for chart, summary in [(portfolio.spend_chart, portfolio.spend_summary),
                           (portfolio.map_chart, portfolio.map_summary)]:
        assert html.escape(chart.spec["description"]) in summary.value


def test_the_shipped_portfolio_is_the_default():
    assert ContractPortfolio().analysis.contract_count == 40


# -- filters ---------------------------------------------------------------------------------


def test_choosing_a_lot_updates_model_headline_and_both_charts(portfolio):
    spend, chart = SpecLog(portfolio.spend_chart), SpecLog(portfolio.map_chart)
    portfolio.lot_control.value = "Care"
    assert portfolio.lot == "Care"
    assert portfolio.analysis.lot == "Care"
    assert portfolio.analysis.contract_count == 2
    assert "<strong>2 contracts, £1,000 a year</strong>; 67% of their 3 KPIs met." in \
        portfolio.headline.value
    assert "<strong>1 contract (£900) meets every KPI" in portfolio.headline.value
    assert (spend.count, chart.count) == (1, 1)
    assert portfolio.spend_chart.spec["title"]["subtitle"].startswith(
        "Care, all providers, all neighbourhoods")
    assert [p["contract_id"] for p in _rows(portfolio.map_chart.spec, 2)] == ["A", "B"]
    assert "Care, all providers, all neighbourhoods" in portfolio.map_summary.value
    assert ">A<" in portfolio.blind_spots_table.value and ">D<" not in \
        portfolio.blind_spots_table.value


def test_provider_and_neighbourhood_narrow_further(portfolio):
    portfolio.provider_control.value = "P"
    portfolio.neighbourhood_control.value = "Millbrook"
    assert portfolio.analysis.contracts().index.tolist() == ["A"]
    assert repr(portfolio) == ("ContractPortfolio(lot='All', provider='P', "
                               "neighbourhood='Millbrook'): 1 contract, £900 a year; 1 meets "
                               "every KPI with poor outcomes")


def test_a_combination_with_no_contracts(portfolio):
    portfolio.lot_control.value = "Care"
    portfolio.provider_control.value = "R"
    assert portfolio.analysis.contract_count == 0
    assert "There are no contracts for Care, R, all neighbourhoods." in portfolio.headline.value
    assert portfolio.blind_spots_table.value.endswith(": none.</p>")


def test_filters_can_be_set_from_python_too(portfolio):
    portfolio.lot = "Advice"
    assert portfolio.lot_control.value == "Advice"
    assert portfolio.analysis.contracts().index.tolist() == ["C", "D"]


@pytest.mark.parametrize(("trait", "value", "message"), [
    ("lot", "Parks", "'Parks' is not a lot here; choose one of All, Advice, Care"),
    ("split", "provider", "'provider' is not a split here; choose one of payment_basis, "
                          "kpi_kind"),
    ("sort", "name", "'name' is not a sort here"),
    ("tolerance", 11, "tolerance must be a whole number from 0 to 10, not 11"),
])
def test_values_outside_the_choices_are_refused(portfolio, trait, value, message):
    with pytest.raises(t.TraitError, match=message):
        setattr(portfolio, trait, value)
    assert getattr(portfolio, trait) == CHOICES[trait]


# -- what each control redraws -----------------------------------------------------------------


def test_splitting_by_kpi_kind_redraws_the_spend_chart_only(portfolio):
    spend, chart = SpecLog(portfolio.spend_chart), SpecLog(portfolio.map_chart)
    portfolio.split_control.value = "kpi_kind"
    assert (spend.count, chart.count) == (1, 0)
    assert portfolio.spend_chart.spec["title"]["text"] == "Spend by what its KPIs measure"
    assert [r["label"] for r in _rows(portfolio.spend_chart.spec)] == [
        "Counting activity", "Speed and process", "Outcomes for people"]
    assert html.escape("Splitting each contract's spend equally among its KPIs") in \
        portfolio.spend_summary.value


def test_tolerance_redraws_the_map_and_the_list_only(portfolio):
    spend, chart = SpecLog(portfolio.spend_chart), SpecLog(portfolio.map_chart)
    portfolio.tolerance_control.value = 6
    assert portfolio.analysis.tolerance == 6.0
    assert (spend.count, chart.count) == (0, 1)
    assert "<strong>1 contract (£300) meets every KPI" in portfolio.headline.value
    assert "by more than 6 points" in portfolio.map_summary.value
    assert "by more than 6 points" in portfolio.blind_spots_table.value
    assert ">D<" in portfolio.blind_spots_table.value and ">A<" not in \
        portfolio.blind_spots_table.value


def test_a_filter_that_leaves_the_scope_alone_redraws_nothing():
    portfolio = ContractPortfolio(make_portfolio())
    portfolio.lot_control.value = "Care"
    spend, chart = SpecLog(portfolio.spend_chart), SpecLog(portfolio.map_chart)
    portfolio.sort_control.value = "outcome_gap"
    assert (spend.count, chart.count) == (0, 0)


# -- the tables --------------------------------------------------------------------------------


def test_tables_are_filled_when_their_tab_is_shown(portfolio):
    assert portfolio.contracts_table.value == ""  # hidden: not worked out yet
    portfolio.tables.selected_index = 1
    table = portfolio.contracts_table.value
    assert "<caption>Every contract (annual spend, highest first)</caption>" in table
    assert table.index(">A<") < table.index(">D<") < table.index(">C<") < table.index(">B<")
    assert "Every KPI met, outcome poor" in table and "KPI missed, outcome better" in table
    assert "£30.00 per hour" in table and "£4.00 per enquiry" in table
    portfolio.tables.selected_index = 2
    assert "<caption>Spend, unit cost and KPIs met by lot</caption>" in portfolio.lots_table.value
    assert "£29.41 per hour" in portfolio.lots_table.value
    portfolio.tables.selected_index = 3
    assert "mixed" not in portfolio.providers_table.value  # no unit cost: a dash
    assert "—" in portfolio.providers_table.value


def test_sorting_reorders_the_table_of_contracts(portfolio):
    portfolio.tables.selected_index = 1
    portfolio.sort_control.value = "outcome_gap"
    table = portfolio.contracts_table.value
    assert "(outcome against benchmark, worst first)" in table
    assert table.index(">D<") < table.index(">A<") < table.index(">C<") < table.index(">B<")


def test_a_hidden_table_catches_up_when_shown(portfolio):
    portfolio.tables.selected_index = 2
    portfolio.tables.selected_index = 0
    portfolio.lot_control.value = "Care"
    assert "Advice" in portfolio.lots_table.value  # still the earlier figures, unseen
    portfolio.tables.selected_index = 2
    assert "Advice" not in portfolio.lots_table.value


# -- saved and restored ------------------------------------------------------------------------


def test_choices_are_saved_to_the_store_as_the_learner_changes_them(store_home):
    store = LearnerStore(store_home)
    portfolio = ContractPortfolio(make_portfolio(), store=store, module="01")
    assert not store.path("01").exists()  # making the tool saves nothing
    portfolio.lot_control.value = "Care"
    portfolio.split_control.value = "kpi_kind"
    portfolio.tolerance_control.value = 3
    portfolio.sort_control.value = "unit_cost"
    assert store.load("01", KEY) == {"lot": "Care", "provider": "All", "neighbourhood": "All",
                                     "split": "kpi_kind", "sort": "unit_cost", "tolerance": 3}


def test_saved_choices_are_restored_and_not_saved_again(store_home):
    store = LearnerStore(store_home)
    first = ContractPortfolio(make_portfolio(), store=store, module="01")
    first.provider_control.value = "P"
    first.tolerance_control.value = 6
    before = store.path("01").read_bytes()
    again = ContractPortfolio(make_portfolio(), store=store, module="01")
    assert (again.provider, again.tolerance) == ("P", 6)
    assert (again.provider_control.value, again.tolerance_control.value) == ("P", 6)
    assert again.analysis.contracts().index.tolist() == ["A", "C"]
    assert again.analysis.tolerance == 6.0
    assert "P" in again.map_chart.spec["title"]["subtitle"]
    assert store.path("01").read_bytes() == before


def test_saved_choices_that_no_longer_fit_the_data_are_ignored(store_home):
    store = LearnerStore(store_home)
    store.save("01", KEY, {"lot": "Parks", "provider": "Q", "split": 7, "tolerance": 99,
                           "sort": "unit_cost", "colour": "red"})
    portfolio = ContractPortfolio(make_portfolio(), store=store, module="01")
    assert portfolio.choices == {"lot": "All", "provider": "Q", "neighbourhood": "All",
                                 "split": "payment_basis", "sort": "unit_cost", "tolerance": 0}
    store.save("01", KEY, "not a dictionary")
    assert ContractPortfolio(make_portfolio(), store=store, module="01").choices == CHOICES


def test_without_a_module_nothing_is_saved(store_home):
    store = LearnerStore(store_home)
    portfolio = ContractPortfolio(make_portfolio(), store=store)
    portfolio.lot_control.value = "Care"
    assert store.modules() == []
