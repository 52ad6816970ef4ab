"""Tests for compass_widgets.models.measures on hand-worked data.

The ``tiny_returns`` fixture has twelve referrals; every figure below is worked out by hand:

    case provider quarter complexity accepted days  improved
    1    A        Q1      low        yes      10    yes
    2    A        Q1      low        yes      28    yes     (28 is within the target)
    3    A        Q1      medium     yes      29    no      (just outside)
    4    A        Q2      high       yes      40    yes
    5    A        Q2      high       no       n/a   yes     (improved, but not taken on)
    6    A        Q2      low        no       n/a   no
    7    B        Q1      low        yes       5    no
    8    B        Q1      medium     yes      20    yes
    9    B        Q1      high       yes      27.5  yes     (day 27: within)
    10   B        Q1      high       yes      31    yes
    11   C        Q2      medium     no       n/a   no
    12   C        Q2      medium     no       n/a   yes

    A: 6 referred, 4 taken on, 2 in time, 3 improved among those taken on;
       low 2 of 3 taken on, high 1 of 2: creaming index (1/2) / (2/3) = 0.75.
    B: 4 referred, 4 taken on, 3 in time, 3 improved; creaming index 1.
    C: 2 referred, none taken on: no target or improvement rate, no creaming index.

Bunching needs at least 20 cases near the threshold, so it is tested on day counts
built for the purpose (``_waits``).
"""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compass_widgets.models.measures import (
    ALL,
    BUNCHING_SIGN,
    CREAMING_SIGN,
    MEASURES,
    MeasureAnalysis,
)

NAN = float("nan")
CASES = [  # provider, quarter, complexity, accepted, days, improved
    ("A", "Q1", "low", True, 10.0, True),
    ("A", "Q1", "low", True, 28.0, True),
    ("A", "Q1", "medium", True, 29.0, False),
    ("A", "Q2", "high", True, 40.0, True),
    ("A", "Q2", "high", False, NAN, True),
    ("A", "Q2", "low", False, NAN, False),
    ("B", "Q1", "low", True, 5.0, False),
    ("B", "Q1", "medium", True, 20.0, True),
    ("B", "Q1", "high", True, 27.5, True),
    ("B", "Q1", "high", True, 31.0, True),
    ("C", "Q2", "medium", False, NAN, False),
    ("C", "Q2", "medium", False, NAN, True),
]


def make_returns(cases: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame({
        "case_id": [f"R{i}" for i in range(1, len(cases) + 1)],
        "provider": pd.Series([c[0] for c in cases], dtype=str),
        "quarter": pd.Series([c[1] for c in cases], dtype=str),
        "complexity": pd.Series([c[2] for c in cases], dtype=str),
        "accepted": pd.Series([c[3] for c in cases], dtype=bool),
        "days_to_first": pd.Series([c[4] for c in cases], dtype=float),
        "improved": pd.Series([c[5] for c in cases], dtype=bool),
    })


@pytest.fixture
def tiny_returns() -> pd.DataFrame:
    return make_returns(CASES)


@pytest.fixture
def analysis(tiny_returns) -> MeasureAnalysis:
    return MeasureAnalysis(tiny_returns)


def _waits(counts: dict[int, int], provider: str = "A") -> pd.DataFrame:
    """Referrals all taken on, with ``counts[day]`` first appointments on each day."""
    cases = [(provider, "Q1", "low", True, float(day), True)
             for day, n in counts.items() for _ in range(n)]
    return make_returns(cases)


# -- per provider ------------------------------------------------------------------------------


def test_by_provider_by_hand(analysis):
    table = analysis.by_provider()
    assert table.index.tolist() == ["A", "B", "C"]
    assert table["referrals"].tolist() == [6, 4, 2]
    assert table["accepted"].tolist() == [4, 4, 0]
    assert table["acceptance_rate"].tolist() == pytest.approx([4 / 6, 1.0, 0.0])
    assert table["seen_in_time"].tolist() == [2, 3, 0]
    assert table["improved"].tolist() == [3, 3, 0]  # case 5 improved but was turned away
    assert table["outcomes_per_referral"].tolist() == pytest.approx([0.5, 0.75, 0.0])


def test_rates_among_people_taken_on(analysis):
    table = analysis.by_provider()
    assert table.loc["A", "target_met"] == 0.5
    assert table.loc["B", "target_met"] == 0.75  # 27.5 days counts as day 27
    assert table.loc["A", "improved_rate"] == 0.75
    assert table.loc["B", "improved_rate"] == 0.75
    assert math.isnan(table.loc["C", "target_met"])  # nobody taken on
    assert math.isnan(table.loc["C", "improved_rate"])


def test_creaming_index_by_hand(analysis):
    table = analysis.by_provider()
    assert table.loc["A", "acceptance_low"] == pytest.approx(2 / 3)
    assert table.loc["A", "acceptance_high"] == 0.5
    assert table.loc["A", "creaming_index"] == pytest.approx(0.75)
    assert bool(table.loc["A", "creaming_sign"]) is True  # 0.75 <= 0.8
    assert table.loc["B", "creaming_index"] == 1.0
    assert bool(table.loc["B", "creaming_sign"]) is False
    assert math.isnan(table.loc["C", "creaming_index"])  # no low or high referrals
    assert bool(table.loc["C", "creaming_sign"]) is False


def test_too_few_cases_for_a_bunching_index(analysis):
    table = analysis.by_provider()
    assert table.loc["A", "just_inside"] == 1  # day 28
    assert table.loc["A", "just_outside"] == 1  # day 29
    assert table.loc["B", "just_inside"] == 1  # day 27.5
    assert table.loc["B", "just_outside"] == 1  # day 31
    assert table["bunching_index"].isna().all()
    assert not table["bunching_sign"].any()


def test_figures_of_one_provider(analysis):
    figures = analysis.figures("A")
    assert figures is not None
    assert figures["referrals"] == 6 and figures["creaming_sign"] is True
    assert isinstance(figures["target_met"], float)
    assert analysis.filter(quarter="Q1").figures("C") is None  # no referrals in Q1


def test_acceptance_by_complexity(analysis):
    table = analysis.acceptance_by_complexity("A")
    assert table.index.tolist() == ["low", "medium", "high"]
    assert table["referrals"].tolist() == [3, 1, 2]
    assert table["accepted"].tolist() == [2, 1, 1]
    assert table["acceptance_rate"].tolist() == pytest.approx([2 / 3, 1.0, 0.5])
    everyone = analysis.acceptance_by_complexity()
    assert everyone["referrals"].tolist() == [4, 4, 4]
    assert everyone["accepted"].tolist() == [3, 2, 3]
    nobody_low = analysis.acceptance_by_complexity("C")
    assert nobody_low["referrals"].tolist() == [0, 2, 0]
    assert math.isnan(nobody_low.loc["low", "acceptance_rate"])


# -- switch measures ---------------------------------------------------------------------------


def test_ranking_under_each_measure(analysis):
    target = analysis.ranking("target_met")
    assert target.index.tolist() == ["B", "A", "C"]
    assert target["rank"].tolist() == [1, 2, 3]  # C has no value: last
    improved = analysis.ranking("improved_rate")
    assert improved.index.tolist() == ["A", "B", "C"]  # tie at 0.75, listed by name
    assert improved["rank"].tolist() == [1, 1, 3]
    per_referral = analysis.ranking("outcomes_per_referral")
    assert per_referral.index.tolist() == ["B", "A", "C"]
    assert per_referral["value"].tolist() == pytest.approx([0.75, 0.5, 0.0])


def test_ranks_table(analysis):
    ranks = analysis.ranks()
    assert list(ranks.columns) == list(MEASURES)
    assert ranks.index.tolist() == ["A", "B", "C"]
    assert ranks.loc["A"].tolist() == [2, 1, 2]
    assert ranks.loc["B"].tolist() == [1, 1, 1]
    assert ranks.loc["C"].tolist() == [3, 3, 3]


def test_unknown_measure_is_refused(analysis):
    with pytest.raises(ValueError, match="measure must be one of target_met, improved_rate"):
        analysis.ranking("cost")


def test_every_measure_says_what_it_rewards():
    for measure in MEASURES.values():
        assert measure.label and measure.short and measure.rewards and measure.rewards_briefly
        assert len(measure.rewards_briefly) < 45 < len(measure.rewards)  # fits a subtitle
        assert measure.short == measure.short.lower()


# -- quarters ----------------------------------------------------------------------------------


def test_quarter_filter(analysis):
    q1 = analysis.filter(quarter="Q1")
    assert q1.referral_count == 7
    table = q1.by_provider()
    assert table.index.tolist() == ["A", "B"]  # C has no referrals in Q1
    assert table.loc["A", "referrals"] == 3
    assert table.loc["A", "target_met"] == pytest.approx(2 / 3)
    assert q1.filter(quarter=ALL).referral_count == 12
    assert analysis.quarters == ["Q1", "Q2"] and q1.providers == ["A", "B", "C"]


def test_quarter_with_nobody_for_a_provider_still_answers(analysis):
    q1 = analysis.filter(quarter="Q1")
    assert q1.waiting_days("C")["cases"].sum() == 0
    assert q1.acceptance_by_complexity("C")["referrals"].sum() == 0


def test_unknown_quarter_and_provider_are_refused(analysis):
    with pytest.raises(ValueError, match=r"quarter 'Q9' is not in the returns; choose one of "
                                         r"All, Q1, Q2"):
        analysis.filter(quarter="Q9")
    with pytest.raises(ValueError, match=r"provider 'Z' is not in the returns; choose one of "
                                         r"A, B, C"):
        analysis.waiting_days("Z")
    with pytest.raises(ValueError, match="provider 'Z'"):
        analysis.acceptance_by_complexity("Z")
    with pytest.raises(ValueError, match="provider 'Z'"):
        analysis.figures("Z")


# -- bunching ----------------------------------------------------------------------------------


def test_bands_and_flanks_by_default(analysis):
    assert list(analysis.inside_days) == [25, 26, 27, 28]
    assert list(analysis.outside_days) == [29, 30, 31, 32]
    low, high = analysis.flank_ranges
    assert (low[0], low[-1], high[0], high[-1]) == (15, 24, 33, 42)


def test_flat_waits_give_a_bunching_index_of_one():
    table = MeasureAnalysis(_waits(dict.fromkeys(range(15, 43), 10))).by_provider()
    assert table.loc["A", "just_inside"] == 40
    assert table.loc["A", "just_outside"] == 40
    assert table.loc["A", "expected_inside"] == pytest.approx(40)
    assert table.loc["A", "bunching_index"] == pytest.approx(1.0)
    assert not table.loc["A", "bunching_sign"]


def test_a_straight_line_of_waits_gives_about_one():
    # 50 - d cases on day d: the fitted line is exact, so only the half cases differ.
    counts = {d: 50 - d for d in range(15, 43)}
    table = MeasureAnalysis(_waits(counts)).by_provider()
    assert (table.loc["A", "just_inside"], table.loc["A", "just_outside"]) == (94, 78)
    assert table.loc["A", "expected_inside"] == pytest.approx(94)
    assert table.loc["A", "expected_outside"] == pytest.approx(78)
    assert table.loc["A", "bunching_index"] == pytest.approx((94.5 / 78.5) / (94 / 78))


def test_moving_appointments_inside_the_line_shows_as_bunching():
    counts = dict.fromkeys(range(15, 43), 10)
    for day in (29, 30, 31, 32):  # 30 of the 40 just-outside cases moved to just inside
        counts[day] = 10 - 7 if day < 32 else 10 - 9
    for day in (25, 26, 27, 28):
        counts[day] = 10 + 7 if day < 28 else 10 + 9
    table = MeasureAnalysis(_waits(counts)).by_provider()
    assert (table.loc["A", "just_inside"], table.loc["A", "just_outside"]) == (70, 10)
    assert table.loc["A", "bunching_index"] == pytest.approx(70.5 / 10.5)
    assert table.loc["A", "bunching_sign"]
    assert BUNCHING_SIGN == 2.0 and CREAMING_SIGN == 0.8


def test_waiting_days_table():
    counts = dict.fromkeys(range(15, 43), 10)
    counts[50] = 3
    table = MeasureAnalysis(_waits(counts)).waiting_days("A")
    assert table.index.tolist() == list(range(51))
    assert table.loc[50, "cases"] == 3 and table.loc[0, "cases"] == 0
    assert table.loc[26, "band"] == "inside" and table.loc[30, "band"] == "outside"
    assert table.loc[15, "band"] == "flank" and table.loc[42, "band"] == "flank"
    assert table.loc[14, "band"] == "other" and table.loc[43, "band"] == "other"
    assert table.loc[20, "expected"] == pytest.approx(10)
    assert math.isnan(table.loc[10, "expected"])


def test_the_line_never_expects_fewer_than_no_cases():
    # Counts falling fast: the fitted line goes below zero after the threshold.
    counts = {d: max(0, 60 - 3 * (d - 15)) for d in range(15, 43)}
    table = MeasureAnalysis(_waits(counts)).waiting_days("A")
    assert (table["expected"].dropna() >= 0).all()


def test_other_thresholds_and_bands():
    narrow = MeasureAnalysis(_waits(dict.fromkeys(range(0, 30), 5)), threshold_days=14,
                             band_days=2, flank_days=5, min_cases=4)
    assert list(narrow.inside_days) == [13, 14] and list(narrow.outside_days) == [15, 16]
    assert narrow.by_provider().loc["A", "bunching_index"] == pytest.approx(1.0)
    assert narrow.by_provider().loc["A", "target_met"] == pytest.approx(15 / 30)


def test_a_new_threshold_leaves_the_original_analysis_alone(tiny_returns):
    original = MeasureAnalysis(tiny_returns)
    stricter = dataclasses.replace(original, threshold_days=20)
    assert stricter.by_provider().loc["A", "target_met"] == 0.25  # only day 10
    assert original.by_provider().loc["A", "target_met"] == 0.5
    assert original.filter(quarter="Q1").by_provider().loc["A", "target_met"] == pytest.approx(
        2 / 3)


@pytest.mark.parametrize(("settings_", "message"), [
    ({"threshold_days": 0}, "threshold_days must be a whole number of 1 or more"),
    ({"band_days": 2.5}, "band_days must be a whole number"),
    ({"min_cases": -1}, "min_cases must be a whole number"),
    ({"threshold_days": 10}, r"threshold_days \(10\) must be at least band_days \+ flank_days"),
])
def test_bad_settings_are_refused(tiny_returns, settings_, message):
    with pytest.raises(ValueError, match=message):
        MeasureAnalysis(tiny_returns, **settings_)


def test_missing_columns_are_named(tiny_returns):
    with pytest.raises(ValueError, match="need the column complexity; load them with "
                                         "load_kpi_returns"):
        MeasureAnalysis(tiny_returns.drop(columns=["complexity"]))


# -- the model never mutates ------------------------------------------------------------------


def test_analysis_is_frozen_and_never_changes_its_frame(tiny_returns):
    copy = tiny_returns.copy(deep=True)
    analysis = MeasureAnalysis(tiny_returns)
    with pytest.raises(dataclasses.FrozenInstanceError):
        analysis.quarter = "Q1"  # type: ignore[misc]
    q1 = analysis.filter(quarter="Q1")
    q1.by_provider(), q1.ranks(), q1.waiting_days("A"), q1.acceptance_by_complexity()
    pd.testing.assert_frame_equal(tiny_returns, copy)
    assert analysis.quarter == ALL and analysis.referral_count == 12


def test_changing_returned_tables_changes_nothing(analysis):
    for table in (analysis.by_provider(), analysis.ranking("target_met"), analysis.ranks(),
                  analysis.waiting_days("A"), analysis.acceptance_by_complexity("A"),
                  analysis.view):
        table["note"] = "changed"
        table.index = pd.RangeIndex(len(table))
    assert analysis.by_provider().index.tolist() == ["A", "B", "C"]
    assert analysis.ranking("target_met").index.tolist() == ["B", "A", "C"]
    assert "note" not in analysis.view.columns
    assert list(analysis.view.columns) == ["provider", "quarter", "complexity", "accepted",
                                           "days_to_first", "improved"]


# -- properties --------------------------------------------------------------------------------

case = st.tuples(
    st.sampled_from(["A", "B", "C"]),
    st.sampled_from(["Q1", "Q2"]),
    st.sampled_from(["low", "medium", "high"]),
    st.booleans(),
    st.integers(min_value=0, max_value=60),
    st.booleans(),
)


def _returns(drawn: list[tuple]) -> pd.DataFrame:
    return make_returns([(p, q, c, a, float(d) if a else NAN, i) for p, q, c, a, d, i in drawn])


returns = st.lists(case, min_size=1, max_size=30).map(_returns)
fast = settings(max_examples=40, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])


@fast
@given(frame=returns, data=st.data())
def test_every_rate_is_a_share_and_per_referral_is_the_strictest(frame, data):
    analysis = MeasureAnalysis(frame)
    quarter = data.draw(st.sampled_from([ALL, *analysis.quarters]))
    table = analysis.filter(quarter=quarter).by_provider()
    for column in ("acceptance_rate", "target_met", "improved_rate", "outcomes_per_referral"):
        values = table[column].dropna()
        assert ((values >= 0) & (values <= 1)).all()
    taken_on = table[table["accepted"] > 0]
    assert (taken_on["outcomes_per_referral"] <= taken_on["improved_rate"] + 1e-12).all()
    assert (table["outcomes_per_referral"] <= table["acceptance_rate"] + 1e-12).all()


@fast
@given(frame=returns, data=st.data())
def test_turning_someone_away_never_raises_outcomes_per_referral(frame, data):
    taken_on = frame.index[frame["accepted"]].tolist()
    if not taken_on:
        return
    row = data.draw(st.sampled_from(taken_on))
    provider = frame.loc[row, "provider"]
    turned_away = frame.copy()
    turned_away.loc[row, "accepted"] = False
    turned_away.loc[row, "days_to_first"] = NAN
    before = MeasureAnalysis(frame).by_provider().loc[provider, "outcomes_per_referral"]
    after = MeasureAnalysis(turned_away).by_provider().loc[provider, "outcomes_per_referral"]
    assert after <= before


@fast
@given(frame=returns, measure=st.sampled_from(list(MEASURES)))
def test_ranks_run_from_one_and_best_comes_first(frame, measure):
    ranking = MeasureAnalysis(frame).ranking(measure)
    assert ranking["rank"].iloc[0] == 1
    assert ranking["rank"].is_monotonic_increasing
    assert ranking["rank"].max() <= len(ranking)
    values = ranking["value"].dropna()
    assert values.is_monotonic_decreasing


@fast
@given(base=st.integers(30, 60), moved=st.integers(1, 15), slope=st.integers(-1, 0))
def test_moving_cases_inside_the_line_never_lowers_the_bunching_index(base, moved, slope):
    counts = {d: base + slope * (d - 15) for d in range(15, 43)}
    bunched = dict(counts)
    bunched[29] -= moved
    bunched[28] += moved
    before = MeasureAnalysis(_waits(counts)).by_provider().loc["A", "bunching_index"]
    after = MeasureAnalysis(_waits(bunched)).by_provider().loc["A", "bunching_index"]
    assert after > before


@settings(fast, max_examples=20)
@given(frame=returns, data=st.data())
def test_row_order_does_not_change_any_figure(frame, data):
    order = data.draw(st.permutations(list(range(len(frame)))))
    a, b = MeasureAnalysis(frame), MeasureAnalysis(frame.iloc[order])
    pd.testing.assert_frame_equal(a.by_provider(), b.by_provider())
    pd.testing.assert_frame_equal(a.ranks(), b.ranks())
    for provider in a.providers:
        pd.testing.assert_frame_equal(a.waiting_days(provider), b.waiting_days(provider))


def test_empty_returns_give_empty_tables():
    empty = MeasureAnalysis(make_returns([]))
    table = empty.by_provider()
    assert table.empty
    assert list(table.columns)[:3] == ["referrals", "accepted", "acceptance_rate"]
    assert empty.ranking("target_met").empty and empty.ranks().empty
    assert empty.providers == [] and empty.referral_count == 0
