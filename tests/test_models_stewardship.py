"""Tests for compass_widgets.models.stewardship: hand-worked months and hypothesis properties.

Today's levers are community share 0.02, standard routes 0.7, discretion 0.3, and
6 in 10 requests are simple. By hand, from the equations in the model's docstring:

    excess x = 0.7 - 0.6 = 0.1; caught = 0.6 * 0.3 * 0.1 = 0.018
    standard share after catches = 0.682; mis-routed complex share m = 0.082 / 0.4 = 0.205
    escalations = 0.3 * 0.205 * 0.4 * 800 = 19.68 a month
    minutes = 800 * (0.682 * 10 + 0.318 * 60 * 1.075) + 12 * 800 + 90 * 19.68 = 33,236
    service spend = 0.5 * 33,236 + 200 * 19.68 = £20,554; budget = 20,554 / 0.98
"""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compass_widgets.models.stewardship import (
    BASELINE,
    COLUMNS,
    LEVER_RANGES,
    LEVERS,
    START,
    STOCK_RANGES,
    STOCKS,
    Routing,
    StewardshipModel,
    check_scenarios,
    compare_scenarios,
)

TODAY_MINUTES = 800 * (0.682 * 10 + 0.318 * 60 * 1.075) + 12 * 800 + 90 * 19.68
BUDGET = (0.5 * TODAY_MINUTES + 200 * 19.68) / 0.98
TOLERANCE = 1e-12


# -- routing: standardise when you can, personalise when you must -------------------------


@pytest.mark.parametrize(("levers", "expected"), [
    ({}, Routing(standard=0.682, misrouted=0.205, overserved=0.0)),
    ({"standardisation": 0.6}, Routing(standard=0.6, misrouted=0.0, overserved=0.0)),
    ({"standardisation": 0.4}, Routing(standard=0.4, misrouted=0.0, overserved=1 / 3)),
    # x = 0.4, caught = 0.6 * 1 * 0.4 = 0.24: m = 0.16 / 0.4.
    ({"standardisation": 1.0, "discretion": 1.0},
     Routing(standard=0.76, misrouted=0.4, overserved=0.0)),
    ({"standardisation": 1.0, "discretion": 0.0},
     Routing(standard=1.0, misrouted=1.0, overserved=0.0)),
])
def test_routing(levers, expected):
    routing = StewardshipModel(**levers).routing
    assert routing.standard == pytest.approx(expected.standard)
    assert routing.misrouted == pytest.approx(expected.misrouted)
    assert routing.overserved == pytest.approx(expected.overserved)


# -- month 0 and the baseline --------------------------------------------------------------


def test_month_zero_is_ashworth_today():
    row = StewardshipModel().wide().loc[0]
    assert row["trust"] == 0.4 and row["capability"] == 0.3
    assert row["failure_demand"] == 0.5 and row["burnout"] == 0.3
    assert row["value_contacts"] == 800
    assert row["failure_contacts"] == pytest.approx(800)
    assert row["escalations"] == pytest.approx(19.68)
    assert row["workload"] == pytest.approx(1.0)
    assert row["spend"] == pytest.approx(BUDGET)
    assert row["community_investment"] == pytest.approx(0.02 * BUDGET)


def test_month_zero_is_the_same_whatever_the_levers():
    today = StewardshipModel().wide().loc[0]
    other = StewardshipModel(0.2, 0.1, 0.9).wide().loc[0]
    pd.testing.assert_series_equal(today, other)


def test_with_todays_levers_nothing_changes():
    wide = StewardshipModel().wide()
    for stock, start in START.items():
        assert (wide[stock] - start).abs().max() < TOLERANCE, stock
    assert (wide["spend"] - BUDGET).abs().max() < 1e-6


def test_first_month_when_standard_routes_match_simple_demand():
    """Standard routes down from 70% to 60%: no mis-routing; worked by hand."""
    model = StewardshipModel(standardisation=0.6)
    row = model.wide().loc[1]
    # Month 1 flows come from today's stocks with the new routing: no escalations.
    minutes = 800 * (0.6 * 10 + 0.4 * 60 * 1.075) + 12 * 800
    assert minutes == pytest.approx(35_040)
    assert row["escalations"] == 0
    assert row["workload"] == pytest.approx(minutes / TODAY_MINUTES)
    assert row["spend"] == pytest.approx(0.5 * minutes + 0.02 * BUDGET)
    # Targets: F* = 0.5 + 0.35 * (0 - 0.205); F closes a third of the gap.
    f_target = 0.5 - 0.35 * 0.205
    assert row["failure_demand"] == pytest.approx(0.5 + (f_target - 0.5) / 3)
    # B* = 0.3 + 0.3 ln W + 0.2 * (0 - 0.205); B closes a sixth of the gap.
    b_target = 0.3 + 0.3 * math.log(minutes / TODAY_MINUTES) - 0.2 * 0.205
    assert row["burnout"] == pytest.approx(0.3 + (b_target - 0.3) / 6)
    # Nothing has reached trust or capability yet.
    assert row["trust"] == pytest.approx(0.4)
    assert row["capability"] == pytest.approx(0.3)


def test_community_money_reaches_capability_slowly():
    model = StewardshipModel(community_share=0.1)
    capability = model.series("capability")
    pipeline = model.series("pipeline")
    # Money becomes capacity a ninth of the way a month: 0.02 + 0.08 / 9 after month 1.
    assert pipeline[1] == pytest.approx(0.02 + 0.08 / 9)
    # Month 1 capability has not moved (the pipeline was still at today's level).
    assert capability[1] == pytest.approx(0.3)
    assert capability[12] - 0.3 < (capability[60] - 0.3) / 2
    assert all(b >= a for a, b in zip(capability, capability[1:], strict=False))
    # ...and, later, value demand falls.
    assert model.series("value_contacts")[60] < model.series("value_contacts")[12] < 800


def test_investment_costs_first_and_pays_back_later():
    today, invest = StewardshipModel(), StewardshipModel(community_share=0.1)
    gaps = [b - a for a, b in zip(today.series("spend"), invest.series("spend"), strict=True)]
    assert gaps[1] > 0  # the money goes out at once
    assert gaps[60] < 0  # cheaper by year 5
    assert invest.final()["trust"] > today.final()["trust"]


# -- standardise when you can, personalise when you must ----------------------------------


def test_standardising_only_simple_demand_lowers_failure_demand_and_spend():
    today, matched = StewardshipModel(), StewardshipModel(standardisation=0.6)
    assert matched.final()["failure_demand"] < today.final()["failure_demand"]
    assert matched.totals()["spend"] < today.totals()["spend"]
    assert matched.totals()["escalations"] == 0
    assert matched.final()["burnout"] < today.final()["burnout"]


def test_standardising_complex_demand_raises_failure_escalation_and_burnout():
    today, over = StewardshipModel(), StewardshipModel(standardisation=0.9)
    assert over.final()["failure_demand"] > today.final()["failure_demand"]
    assert over.totals()["escalations"] > today.totals()["escalations"]
    assert over.final()["burnout"] > today.final()["burnout"]
    assert over.final()["trust"] < today.final()["trust"]


def test_personalising_simple_demand_costs_money_and_staff():
    matched, under = StewardshipModel(standardisation=0.6), StewardshipModel(standardisation=0.3)
    assert under.totals()["spend"] > matched.totals()["spend"]
    assert under.final()["burnout"] > matched.final()["burnout"]


def test_discretion_catches_mis_routed_cases():
    rigid, trusted = StewardshipModel(discretion=0.0), StewardshipModel(discretion=0.8)
    assert trusted.routing.misrouted < rigid.routing.misrouted
    assert trusted.totals()["escalations"] < rigid.totals()["escalations"]
    assert trusted.final()["burnout"] < rigid.final()["burnout"]


# -- tables ------------------------------------------------------------------------------


def test_tidy_table():
    table = StewardshipModel().table()
    assert table.columns.tolist() == ["month", "stock", "value"]
    assert len(table) == 61 * 5
    assert table["stock"].head(5).tolist() == list(STOCKS)
    assert table["month"].tolist() == [m for m in range(61) for _ in STOCKS]
    first = table[table["month"] == 0].set_index("stock")["value"]
    assert first["trust"] == 0.4 and first["spend"] == pytest.approx(BUDGET)


def test_wide_table_and_series():
    model = StewardshipModel(years=2)
    wide = model.wide()
    assert wide.index.name == "month"
    assert wide.index.tolist() == list(range(25))
    assert wide.columns.tolist() == list(COLUMNS)
    assert model.series("burnout") == tuple(wide["burnout"])
    with pytest.raises(ValueError, match="column must be one of trust, capability"):
        model.series("happiness")


def test_tables_are_copies():
    model = StewardshipModel(community_share=0.1)
    wide = model.wide()
    wide.loc[5, "trust"] = 99.0
    assert model.wide().loc[5, "trust"] != 99.0
    table = model.table()
    table.loc[0, "value"] = 99.0
    assert model.table().loc[0, "value"] != 99.0


def test_final_and_totals_of_today():
    model = StewardshipModel()
    assert model.final() == pytest.approx({"trust": 0.4, "capability": 0.3,
                                           "failure_demand": 0.5, "burnout": 0.3,
                                           "spend": BUDGET})
    totals = model.totals()
    assert totals["spend"] == pytest.approx(60 * BUDGET)
    assert totals["community_investment"] == pytest.approx(60 * 0.02 * BUDGET)
    assert totals["value_contacts"] == pytest.approx(48_000)
    assert totals["failure_contacts"] == pytest.approx(48_000)
    assert totals["escalations"] == pytest.approx(60 * 19.68)


def test_compare_two_scenarios():
    today, matched = StewardshipModel(), StewardshipModel(standardisation=0.6)
    table = compare_scenarios({"A": today, "B": matched})
    assert table.columns.tolist() == ["A", "B"]
    assert table.index.name == "measure"
    assert table.index.tolist() == [
        "Trust at the end", "Community capability at the end", "Failure demand at the end",
        "Staff burnout at the end", "Spend a month at the end (£)", "Total spend (£)",
        "of which community investment (£)", "Failure-demand contacts", "Escalations",
    ]
    assert table.loc["Total spend (£)", "A"] == pytest.approx(60 * BUDGET)
    assert table.loc["Escalations", "B"] == 0
    assert table.loc["Failure demand at the end", "B"] == pytest.approx(
        matched.final()["failure_demand"])


def test_compare_three_scenarios():
    table = compare_scenarios({"A": StewardshipModel(), "B": StewardshipModel(0.1),
                               "C": StewardshipModel(standardisation=0.9)})
    assert table.columns.tolist() == ["A", "B", "C"]


@pytest.mark.parametrize(("scenarios", "message"), [
    ({"A": StewardshipModel()}, "compare two or three scenarios, not 1"),
    ({name: StewardshipModel() for name in "ABCD"}, "compare two or three scenarios, not 4"),
    ({"A": StewardshipModel(), "B": StewardshipModel(years=3)},
     "the scenarios cover different numbers of years"),
])
def test_comparisons_that_cannot_be_made(scenarios, message):
    with pytest.raises(ValueError, match=message):
        compare_scenarios(scenarios)
    with pytest.raises(ValueError, match=message):
        check_scenarios(scenarios)


# -- new models and errors ------------------------------------------------------------------


def test_with_levers_returns_a_new_model():
    model = StewardshipModel()
    other = model.with_levers(discretion=0.6)
    assert other is not model
    assert (model.discretion, other.discretion) == (0.3, 0.6)
    assert other.levers == {"community_share": 0.02, "standardisation": 0.7, "discretion": 0.6}
    assert model == StewardshipModel() and other != model
    with pytest.raises(dataclasses.FrozenInstanceError):
        model.discretion = 0.9  # type: ignore[misc]


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"community_share": 0.25}, "community share must be a number from 0 to 0.2, not 0.25"),
    ({"standardisation": -0.1}, "standardisation must be a number from 0 to 1"),
    ({"discretion": math.inf}, "discretion must be a number from 0 to 1"),
    ({"discretion": "lots"}, "discretion must be a number from 0 to 1"),
    ({"years": 0}, "years must be a whole number from 1 to 10"),
    ({"simple_share": 1.0}, "simple share must be a number from 0.05 to 0.95"),
])
def test_invalid_levers_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        StewardshipModel(**kwargs)


def test_unknown_lever_is_refused():
    with pytest.raises(ValueError, match="unknown lever 'budget'; the levers are community_"):
        StewardshipModel().with_levers(budget=0.1)


def test_baseline_levers_are_within_their_ranges():
    for lever in LEVERS:
        low, high = LEVER_RANGES[lever]
        assert low <= BASELINE[lever] <= high


# -- properties ---------------------------------------------------------------------------------

fast = settings(max_examples=40, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])


def _lever(name: str) -> st.SearchStrategy[float]:
    low, high = LEVER_RANGES[name]
    return st.floats(min_value=low, max_value=high, allow_nan=False)


@st.composite
def models(draw: st.DrawFn) -> StewardshipModel:
    return StewardshipModel(
        **{name: draw(_lever(name)) for name in LEVERS},
        years=draw(st.integers(min_value=1, max_value=5)),
        simple_share=draw(st.floats(min_value=0.05, max_value=0.95)),
    )


@fast
@given(model=models())
def test_stocks_stay_in_range(model):
    wide = model.wide()
    for stock, (low, high) in STOCK_RANGES.items():
        assert wide[stock].between(low, high).all(), stock
    assert (wide["spend"] > 0).all()
    assert (wide["value_contacts"] > 0).all()
    assert (wide["escalations"] >= 0).all()
    assert wide["pipeline"].between(*LEVER_RANGES["community_share"]).all()


@fast
@given(model=models(), low=_lever("community_share"), high=_lever("community_share"))
def test_more_community_investment_never_lowers_capability(model, low, high):
    low, high = min(low, high), max(low, high)
    less = model.with_levers(community_share=low).series("capability")
    more = model.with_levers(community_share=high).series("capability")
    for month, (a, b) in enumerate(zip(less, more, strict=True)):
        assert b >= a - TOLERANCE, (month, a, b)


@fast
@given(model=models())
def test_same_levers_same_run(model):
    again = dataclasses.replace(model)
    assert again is not model
    pd.testing.assert_frame_equal(again.wide(), model.wide())
    pd.testing.assert_frame_equal(again.table(), model.table())
    assert again.totals() == model.totals()


@fast
@given(years=st.integers(min_value=1, max_value=10),
       simple_share=st.floats(min_value=0.05, max_value=0.95))
def test_with_todays_levers_the_system_stays_where_it_started(years, simple_share):
    wide = StewardshipModel(years=years, simple_share=simple_share).wide()
    for stock, start in START.items():
        assert (wide[stock] - start).abs().max() < 1e-9, stock
    assert (wide["spend"] - wide["spend"].iloc[0]).abs().max() < 1e-6
    assert (wide["workload"] - 1).abs().max() < 1e-9
