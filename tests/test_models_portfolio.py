"""Tests for compass_widgets.models.portfolio on hand-worked data.

Every expected number below is worked out by hand from the four contracts of the
``tiny_portfolio`` fixture (seven KPI rows):

    contract lot     provider neighbourhood spend units unit       paid      KPIs (met)
    A        Care    P        Millbrook      900    30  hours      activity  2 (2)
    B        Care    Q        Canal Side     100     4  hours      block     1 (0)
    C        Advice  P        Borough-wide   200    50  enquiries  outcome   3 (2)
    D        Advice  R        Millbrook      300     0  enquiries  block     1 (1)

    outcome gap (points better than the benchmark): A -5, B +5, C +2, D -8
    so, with no tolerance: blind spots (every KPI met, outcome poor) A and D;
    hidden strengths (a KPI missed, outcome better) B and C.
"""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compass_widgets.models.portfolio import ALL, SORTS, PortfolioAnalysis

COLUMNS = ["contract_id", "lot", "provider", "neighbourhood", "annual_spend", "units_delivered",
           "unit", "payment_basis", "kpi", "kpi_kind", "kpi_better", "kpi_target", "kpi_actual",
           "outcome_measure", "outcome_better", "outcome_pct", "outcome_benchmark_pct"]

CONTRACTS = {  # contract -> details shared by its KPI rows
    "A": ("Care", "P", "Millbrook", 900.0, 30.0, "hours", "activity",
          "Back in hospital (%)", "lower", 20.0, 15.0),
    "B": ("Care", "Q", "Canal Side", 100.0, 4.0, "hours", "block",
          "Back in hospital (%)", "lower", 10.0, 15.0),
    "C": ("Advice", "P", "Borough-wide", 200.0, 50.0, "enquiries", "outcome",
          "Problem solved (%)", "higher", 50.0, 48.0),
    "D": ("Advice", "R", "Millbrook", 300.0, 0.0, "enquiries", "block",
          "Problem solved (%)", "higher", 40.0, 48.0),
}
KPIS = [  # contract, kpi, kind, better, target, actual   (met?)
    ("A", "Hours delivered (%)", "activity", "higher", 95.0, 97.0),  # met
    ("A", "Days to start", "process", "lower", 7.0, 5.0),  # met
    ("B", "Hours delivered (%)", "activity", "higher", 95.0, 90.0),  # missed
    ("C", "Enquiries answered", "activity", "higher", 40.0, 40.0),  # met (equal)
    ("C", "Resolved first time (%)", "outcome", "higher", 60.0, 70.0),  # met
    ("C", "Calls answered in 60s (%)", "process", "higher", 80.0, 79.0),  # missed
    ("D", "Calls answered in 60s (%)", "process", "higher", 90.0, 95.0),  # met
]


def make_portfolio(kpis: list[tuple] = KPIS, contracts: dict = CONTRACTS) -> pd.DataFrame:
    rows = []
    for cid, kpi, kind, better, target, actual in kpis:
        (lot, provider, place, spend, units, unit, basis, measure, obetter, value,
         bench) = contracts[cid]
        rows.append([cid, lot, provider, place, spend, units, unit, basis, kpi, kind, better,
                     target, actual, measure, obetter, value, bench])
    return pd.DataFrame(rows, columns=COLUMNS)


@pytest.fixture
def tiny_portfolio() -> pd.DataFrame:
    return make_portfolio()


@pytest.fixture
def analysis(tiny_portfolio) -> PortfolioAnalysis:
    return PortfolioAnalysis(tiny_portfolio)


# -- headline figures --------------------------------------------------------------------------


def test_counts_spend_and_compliance(analysis):
    assert analysis.contract_count == 4
    assert analysis.kpi_count() == 7
    assert analysis.total_spend() == 1500.0
    assert analysis.kpi_compliance() == pytest.approx(5 / 7)


def test_view_marks_each_kpi_met_or_not(analysis):
    # Equal to the target counts as met (C's 40 of 40); "lower" KPIs are met at or below.
    assert analysis.view["met"].tolist() == [True, True, False, True, True, False, True]


def test_options_list_the_whole_portfolio(analysis):
    narrowed = analysis.filter(lot="Care")
    assert narrowed.lots == ["Advice", "Care"]
    assert narrowed.providers == ["P", "Q", "R"]
    assert narrowed.neighbourhoods == ["Borough-wide", "Canal Side", "Millbrook"]


def test_contracts_table_by_hand(analysis):
    table = analysis.contracts()
    assert table.index.tolist() == ["A", "B", "C", "D"]
    assert table["kpis"].tolist() == [2, 1, 3, 1]
    assert table["kpis_met"].tolist() == [2, 0, 2, 1]
    assert table["kpi_compliance"].tolist() == pytest.approx([1.0, 0.0, 2 / 3, 1.0])
    assert table["all_met"].tolist() == [True, False, False, True]
    assert table["outcome_gap"].tolist() == [-5.0, 5.0, 2.0, -8.0]
    assert table["outcome_poor"].tolist() == [True, False, False, True]
    assert table["blind_spot"].tolist() == [True, False, False, True]
    assert table["hidden_strength"].tolist() == [False, True, True, False]
    costs = table["unit_cost"].tolist()
    assert costs[:3] == [30.0, 25.0, 4.0]
    assert math.isnan(costs[3])  # D delivered no units: no unit cost


def test_blind_spots_highest_spend_first(analysis):
    assert analysis.blind_spots().index.tolist() == ["A", "D"]
    assert analysis.blind_spot_spend() == 1200.0


def test_hidden_strengths_highest_spend_first(analysis):
    assert analysis.hidden_strengths().index.tolist() == ["C", "B"]


@pytest.mark.parametrize(("tolerance", "blind", "hidden"), [
    (0, ["A", "D"], ["C", "B"]),
    (3, ["A", "D"], ["B"]),  # C is only 2 points better
    (5, ["D"], []),  # A is exactly 5 worse: poor needs more than 5; B exactly 5 better
    (6, ["D"], []),
    (8, [], []),  # D is exactly 8 worse
])
def test_tolerance_moves_the_line(analysis, tolerance, blind, hidden):
    moved = analysis.with_tolerance(tolerance)
    assert moved.blind_spots().index.tolist() == blind
    assert moved.hidden_strengths().index.tolist() == hidden
    assert moved.tolerance == float(tolerance)


# -- spend splits ------------------------------------------------------------------------------


def test_spend_by_payment_basis(analysis):
    table = analysis.spend_by("payment_basis")
    assert table.index.tolist() == ["block", "activity", "outcome"]
    assert table["spend"].tolist() == [400.0, 900.0, 200.0]
    assert table["share"].tolist() == pytest.approx([400 / 1500, 900 / 1500, 200 / 1500])
    assert table["contracts"].tolist() == [2, 1, 1]
    assert table["label"].tolist() == ["A fixed sum (block)", "Per unit delivered (activity)",
                                       "For results (outcome)"]


def test_spend_by_kpi_kind_splits_each_contract_equally_among_its_kpis(analysis):
    # A: 450 activity + 450 process; B: 100 activity; C: 200/3 each; D: 300 process.
    table = analysis.spend_by("kpi_kind")
    assert table.index.tolist() == ["activity", "process", "outcome"]
    assert table["spend"].tolist() == pytest.approx([450 + 100 + 200 / 3, 450 + 200 / 3 + 300,
                                                     200 / 3])
    assert table["share"].sum() == pytest.approx(1.0)
    assert table["contracts"].tolist() == [3, 3, 1]


def test_a_category_with_no_spend_still_appears(analysis):
    table = analysis.filter(lot="Care").spend_by("payment_basis")
    assert table.index.tolist() == ["block", "activity", "outcome"]
    assert table["spend"].tolist() == [100.0, 900.0, 0.0]
    assert table.loc["outcome", "contracts"] == 0


def test_unknown_split_is_refused(analysis):
    with pytest.raises(ValueError, match="split must be 'payment_basis' or 'kpi_kind'"):
        analysis.spend_by("provider")


# -- breakdowns --------------------------------------------------------------------------------


def test_by_lot(analysis):
    table = analysis.by_lot()
    assert table.index.tolist() == ["Care", "Advice"]  # highest spend first
    assert table["contracts"].tolist() == [2, 2]
    assert table["annual_spend"].tolist() == [1000.0, 500.0]
    assert table["spend_share"].tolist() == pytest.approx([2 / 3, 1 / 3])
    assert table["unit"].tolist() == ["hours", "enquiries"]
    # Money per unit delivered: D's £300 bought no units, so Advice pays £10 an enquiry.
    assert table["unit_cost"].tolist() == pytest.approx([1000 / 34, 10.0])
    assert table["kpis"].tolist() == [3, 4]
    assert table["kpis_met"].tolist() == [2, 3]
    assert table["kpi_compliance"].tolist() == pytest.approx([2 / 3, 0.75])
    assert table["all_met"].tolist() == [1, 1]
    assert table["blind_spots"].tolist() == [1, 1]


def test_by_provider_mixed_units_have_no_unit_cost(analysis):
    table = analysis.by_provider()
    assert table.index.tolist() == ["P", "R", "Q"]  # 1100, 300, 100
    assert table.loc["P", "unit"] == "mixed"
    assert math.isnan(table.loc["P", "unit_cost"])
    assert math.isnan(table.loc["R", "unit_cost"])  # no units delivered
    assert table.loc["Q", "unit_cost"] == 25.0
    assert table["kpis"].tolist() == [5, 1, 1]
    assert table["kpis_met"].tolist() == [4, 1, 0]


@pytest.mark.parametrize(("by", "order"), [
    ("annual_spend", ["A", "D", "C", "B"]),
    ("unit_cost", ["A", "B", "C", "D"]),  # no unit cost last
    ("kpi_compliance", ["B", "C", "A", "D"]),  # fewest met first; ties by reference
    ("outcome_gap", ["D", "A", "C", "B"]),  # worst first
    ("contract_id", ["A", "B", "C", "D"]),
])
def test_sorted_contracts(analysis, by, order):
    assert analysis.sorted_contracts(by).index.tolist() == order
    assert by in SORTS


def test_unknown_sort_is_refused(analysis):
    with pytest.raises(ValueError, match="sort by one of annual_spend"):
        analysis.sorted_contracts("provider")


# -- filters -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("filters", "contracts", "compliance"), [
    ({"lot": "Care"}, ["A", "B"], 2 / 3),
    ({"provider": "P"}, ["A", "C"], 4 / 5),
    ({"neighbourhood": "Millbrook"}, ["A", "D"], 1.0),
    ({"lot": "Advice", "neighbourhood": "Millbrook"}, ["D"], 1.0),
])
def test_filters(analysis, filters, contracts, compliance):
    narrowed = analysis.filter(**filters)
    assert narrowed.contracts().index.tolist() == contracts
    assert narrowed.kpi_compliance() == pytest.approx(compliance)


def test_filter_keeps_other_filters_and_all_resets(analysis):
    narrowed = analysis.filter(lot="Advice").filter(neighbourhood="Millbrook")
    assert (narrowed.lot, narrowed.provider, narrowed.neighbourhood) == ("Advice", ALL,
                                                                          "Millbrook")
    assert narrowed.filter(lot=ALL).contracts().index.tolist() == ["A", "D"]


def test_filter_keeps_the_tolerance(analysis):
    assert analysis.with_tolerance(6).filter(lot="Care").blind_spots().empty
    assert analysis.filter(lot="Care").with_tolerance(4).blind_spots().index.tolist() == ["A"]


def test_empty_scope(analysis):
    empty = analysis.filter(lot="Care", provider="R")
    assert empty.contract_count == 0
    assert empty.kpi_count() == 0
    assert empty.total_spend() == 0.0
    assert empty.kpi_compliance() == 0.0
    assert empty.blind_spots().empty and empty.hidden_strengths().empty
    assert empty.by_lot().empty and empty.by_provider().empty
    assert empty.spend_by("payment_basis")["share"].tolist() == [0.0, 0.0, 0.0]
    assert empty.spend_by("kpi_kind")["spend"].tolist() == [0.0, 0.0, 0.0]


# -- the model never mutates ------------------------------------------------------------------


def test_analysis_is_frozen(analysis):
    with pytest.raises(dataclasses.FrozenInstanceError):
        analysis.lot = "Care"  # type: ignore[misc]


def test_filter_and_tolerance_leave_the_original_unchanged(analysis):
    analysis.filter(lot="Care").with_tolerance(6).blind_spots()
    assert (analysis.lot, analysis.tolerance) == (ALL, 0.0)
    assert analysis.blind_spots().index.tolist() == ["A", "D"]


def test_analysis_never_changes_the_frame_it_was_given(tiny_portfolio):
    copy = tiny_portfolio.copy(deep=True)
    analysis = PortfolioAnalysis(tiny_portfolio).filter(provider="P").with_tolerance(1)
    analysis.contracts(), analysis.by_lot(), analysis.by_provider(), analysis.spend_by("kpi_kind")
    pd.testing.assert_frame_equal(tiny_portfolio, copy)


def test_changing_returned_tables_changes_nothing(analysis):
    tables = [analysis.contracts(), analysis.blind_spots(), analysis.by_lot(),
              analysis.spend_by("payment_basis"), analysis.view]
    for table in tables:  # what a learner might do to a table in a notebook cell
        table["note"] = "changed"
        table.index = pd.RangeIndex(len(table))
    assert analysis.blind_spots().index.tolist() == ["A", "D"]
    assert analysis.by_lot()["annual_spend"].tolist() == [1000.0, 500.0]
    assert analysis.spend_by("payment_basis")["spend"].tolist() == [400.0, 900.0, 200.0]
    assert analysis.view["met"].sum() == 5
    assert "note" not in analysis.contracts().columns


def test_derived_analyses_share_the_whole_portfolio_tables(analysis):
    # A filter selects rows of tables worked out once: nothing is recomputed per click.
    assert analysis.filter(lot="Care")._shared is analysis._shared


# -- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("filters", "message"), [
    ({"lot": "Parks"}, r"lot 'Parks' is not in the portfolio; choose one of All, Advice, Care"),
    ({"provider": "Z"}, r"provider 'Z' is not in the portfolio; choose one of All, P, Q, R"),
    ({"neighbourhood": "Elsewhere"}, r"neighbourhood 'Elsewhere' is not in the portfolio"),
])
def test_unknown_filter_values_are_refused_with_the_choices(analysis, filters, message):
    with pytest.raises(ValueError, match=message):
        analysis.filter(**filters)


@pytest.mark.parametrize("tolerance", [-0.5, float("nan"), float("inf")])
def test_bad_tolerance_is_refused(analysis, tolerance):
    with pytest.raises(ValueError, match="tolerance must be 0 or more percentage points"):
        analysis.with_tolerance(tolerance)


def test_missing_columns_are_named(tiny_portfolio):
    with pytest.raises(ValueError, match="needs the columns kpi_target, kpi_actual; load it "
                                         "with load_contracts"):
        PortfolioAnalysis(tiny_portfolio.drop(columns=["kpi_target", "kpi_actual"]))
    with pytest.raises(ValueError, match="needs the column unit;"):
        PortfolioAnalysis(tiny_portfolio.drop(columns=["unit"]))


# -- properties --------------------------------------------------------------------------------

KINDS = ["activity", "process", "outcome"]
kpi_rows = st.tuples(
    st.sampled_from(list(CONTRACTS)),
    st.sampled_from(KINDS),
    st.sampled_from(["higher", "lower"]),
    st.integers(min_value=0, max_value=100),
    st.integers(min_value=0, max_value=100),
)
outcomes = st.fixed_dictionaries({cid: st.integers(min_value=0, max_value=100)
                                  for cid in CONTRACTS})


def _portfolio(drawn: list[tuple], values: dict[str, int]) -> pd.DataFrame:
    contracts = {cid: (*details[:9], float(values[cid]), details[10])
                 for cid, details in CONTRACTS.items()}
    kpis = [(cid, f"KPI {i}", kind, better, float(target), float(actual))
            for i, (cid, kind, better, target, actual) in enumerate(drawn)]
    return make_portfolio(kpis, contracts)


portfolios = st.builds(_portfolio, st.lists(kpi_rows, min_size=1, max_size=12), outcomes)
fast = settings(max_examples=40, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])


@fast
@given(portfolio=portfolios, data=st.data())
def test_shares_add_up_and_compliance_is_a_share(portfolio, data):
    analysis = PortfolioAnalysis(portfolio)
    lot = data.draw(st.sampled_from([ALL, *analysis.lots]))
    scoped = analysis.filter(lot=lot)
    assert 0.0 <= scoped.kpi_compliance() <= 1.0
    for split in ("payment_basis", "kpi_kind"):
        table = scoped.spend_by(split)
        assert table["spend"].sum() == pytest.approx(scoped.total_spend())
        assert table["share"].sum() == pytest.approx(1.0 if scoped.total_spend() else 0.0)
    assert scoped.by_lot()["contracts"].sum() == scoped.contract_count
    assert scoped.by_provider()["kpis"].sum() == scoped.kpi_count()


@fast
@given(portfolio=portfolios, low=st.integers(0, 20), high=st.integers(0, 20))
def test_more_tolerance_never_adds_a_blind_spot(portfolio, low, high):
    low, high = sorted((low, high))
    analysis = PortfolioAnalysis(portfolio)
    strict = set(analysis.with_tolerance(low).blind_spots().index)
    lenient = set(analysis.with_tolerance(high).blind_spots().index)
    assert lenient <= strict
    every_kpi_met = set(analysis.contracts().query("all_met").index)
    assert strict <= every_kpi_met


@fast
@given(portfolio=portfolios, data=st.data())
def test_filtering_never_adds_contracts(portfolio, data):
    analysis = PortfolioAnalysis(portfolio)
    provider = data.draw(st.sampled_from([ALL, *analysis.providers]))
    place = data.draw(st.sampled_from([ALL, *analysis.neighbourhoods]))
    by_provider = analysis.filter(provider=provider)
    both = by_provider.filter(neighbourhood=place)
    assert both.contract_count <= by_provider.contract_count <= analysis.contract_count
    assert set(both.blind_spots().index) <= set(analysis.blind_spots().index)


@settings(fast, max_examples=20)
@given(portfolio=portfolios, data=st.data())
def test_row_order_does_not_change_any_figure(portfolio, data):
    order = data.draw(st.permutations(list(range(len(portfolio)))))
    a, b = PortfolioAnalysis(portfolio), PortfolioAnalysis(portfolio.iloc[order])
    assert a.kpi_compliance() == pytest.approx(b.kpi_compliance())
    pd.testing.assert_frame_equal(a.contracts(), b.contracts())
    pd.testing.assert_frame_equal(a.by_lot(), b.by_lot())
    pd.testing.assert_frame_equal(a.by_provider(), b.by_provider())
    pd.testing.assert_frame_equal(a.spend_by("kpi_kind"), b.spend_by("kpi_kind"))
    pd.testing.assert_frame_equal(a.blind_spots(), b.blind_spots())
