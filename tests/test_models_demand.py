"""Tests for compass_widgets.models.demand on hand-worked data.

Every expected number below is worked out by hand from the eight contacts of the
``tiny_contacts`` fixture (see its docstring):

    row  date        channel   service  reason        type     minutes
    C1   2025-04-03  Phone     Repairs  New repair    value     8
    C2   2025-04-10  Phone     Repairs  Chase repair  failure  10
    C3   2025-05-02  Email     Repairs  Chase repair  failure  20
    C4   2025-05-20  Phone     Repairs  Not fixed     failure  30
    C5   2025-04-04  Web form  Waste    New bin       value     4
    C6   2025-04-11  Phone     Waste    Bin missed    failure   5
    C7   2025-05-05  Web form  Waste    New bin       value     6
    C8   2025-05-21  Email     Waste    Bulky waste   value     7
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compass_widgets.models.demand import ALL, DemandAnalysis

# -- headline figures ------------------------------------------------------------


def test_failure_share_is_four_of_eight(tiny_contacts):
    assert DemandAnalysis(tiny_contacts).failure_share() == 0.5


def test_contact_count_is_every_row(tiny_contacts):
    assert DemandAnalysis(tiny_contacts).contact_count == 8


def test_failure_minutes_add_up_the_failure_rows_only(tiny_contacts):
    # 10 + 20 + 30 (Repairs) + 5 (Waste); value rows (8 + 4 + 6 + 7 = 25) are left out.
    assert DemandAnalysis(tiny_contacts).failure_minutes() == 65.0


@pytest.mark.parametrize(
    ("cost_per_minute", "expected"),
    [(0.5, 32.5), (1.0, 65.0), (2.0, 130.0), (0.0, 0.0)],
)
def test_failure_cost_is_minutes_times_cost_per_minute(tiny_contacts, cost_per_minute, expected):
    analysis = DemandAnalysis(tiny_contacts, cost_per_minute=cost_per_minute)
    assert analysis.failure_cost() == pytest.approx(expected)


def test_default_cost_per_minute_is_fifty_pence(tiny_contacts):
    assert DemandAnalysis(tiny_contacts).failure_cost() == pytest.approx(32.5)


def test_view_adds_failure_flag_and_failure_minutes(tiny_contacts):
    view = DemandAnalysis(tiny_contacts).view
    assert view["failure"].tolist() == [False, True, True, True, False, True, False, False]
    assert view["failure_minutes"].tolist() == [0.0, 10.0, 20.0, 30.0, 0.0, 5.0, 0.0, 0.0]


def test_services_channels_and_reasons_list_the_whole_log(tiny_contacts):
    analysis = DemandAnalysis(tiny_contacts).filter(service="Waste")
    assert analysis.services == ["Repairs", "Waste"]
    assert analysis.channels == ["Email", "Phone", "Web form"]
    reasons = analysis.reasons
    assert reasons.index.tolist() == [
        "Bin missed", "Bulky waste", "Chase repair", "New bin", "New repair", "Not fixed",
    ]
    assert reasons["service"].tolist() == ["Waste", "Waste", "Repairs", "Waste", "Repairs",
                                           "Repairs"]
    assert reasons["demand_type"].tolist() == ["failure", "value", "failure", "value", "value",
                                               "failure"]


# -- tables ----------------------------------------------------------------------


def test_by_service_values_and_order(tiny_contacts):
    table = DemandAnalysis(tiny_contacts, cost_per_minute=1.0).by_service()
    assert table.index.tolist() == ["Repairs", "Waste"]  # highest failure share first
    assert table["contacts"].tolist() == [4, 4]
    assert table["failure_contacts"].tolist() == [3, 1]
    assert table["failure_minutes"].tolist() == [60.0, 5.0]
    assert table["failure_share"].tolist() == [0.75, 0.25]
    assert table["failure_cost"].tolist() == [60.0, 5.0]


def test_by_channel_values_and_order(tiny_contacts):
    # Phone: C1 C2 C4 C6, failures C2 C4 C6 (10 + 30 + 5 minutes);
    # Email: C3 C8, failure C3 (20); Web form: C5 C7, no failures.
    table = DemandAnalysis(tiny_contacts, cost_per_minute=2.0).by_channel()
    assert table.index.tolist() == ["Phone", "Email", "Web form"]
    assert table["contacts"].tolist() == [4, 2, 2]
    assert table["failure_contacts"].tolist() == [3, 1, 0]
    assert table["failure_minutes"].tolist() == [45.0, 20.0, 0.0]
    assert table["failure_share"].tolist() == [0.75, 0.5, 0.0]
    assert table["failure_cost"].tolist() == [90.0, 40.0, 0.0]


def test_breakdown_ties_on_share_put_the_bigger_group_first(tiny_contacts):
    # Relabel "Bulky waste" (C8, Email) as failure: Email becomes 2 of 2 (share 1.0);
    # relabel "New repair" (C1, Phone) as failure: Phone becomes 4 of 4 (share 1.0).
    # Both are at 1.0; Phone has more contacts (4 > 2), so it comes first.
    analysis = (DemandAnalysis(tiny_contacts)
                .reclassify("Bulky waste", "failure")
                .reclassify("New repair", "failure"))
    table = analysis.by_channel()
    assert table.index.tolist() == ["Phone", "Email", "Web form"]
    assert table["failure_share"].tolist() == [1.0, 1.0, 0.0]


def test_by_month_values_and_date_order(tiny_contacts):
    # April: C1 C2 C5 C6, failures C2 C6; May: C3 C4 C7 C8, failures C3 C4.
    table = DemandAnalysis(tiny_contacts).by_month()
    assert table.index.name == "month"
    assert table.index.tolist() == [pd.Timestamp("2025-04-01"), pd.Timestamp("2025-05-01")]
    assert table["contacts"].tolist() == [4, 4]
    assert table["failure_contacts"].tolist() == [2, 2]
    assert table["failure_share"].tolist() == [0.5, 0.5]


def test_by_month_for_one_service(tiny_contacts):
    # Repairs: April C1 (value) C2 (failure); May C3 C4 (both failure).
    table = DemandAnalysis(tiny_contacts).filter(service="Repairs").by_month()
    assert table["failure_share"].tolist() == [0.5, 1.0]


def test_by_month_is_in_date_order_even_when_rows_are_not(tiny_contacts):
    shuffled = tiny_contacts.iloc[::-1].reset_index(drop=True)
    table = DemandAnalysis(shuffled).by_month()
    assert table.index.tolist() == [pd.Timestamp("2025-04-01"), pd.Timestamp("2025-05-01")]


def test_top_failure_reasons_order_and_ties(tiny_contacts):
    # Chase repair: C2 C3 (2 contacts, 30 minutes). Then a tie at 1 contact between
    # "Not fixed" (30 minutes) and "Bin missed" (5 minutes): broken by name, not minutes.
    table = DemandAnalysis(tiny_contacts).top_failure_reasons()
    assert table.index.tolist() == ["Chase repair", "Bin missed", "Not fixed"]
    assert table["service"].tolist() == ["Repairs", "Waste", "Repairs"]
    assert table["contacts"].tolist() == [2, 1, 1]
    assert table["minutes"].tolist() == [30.0, 5.0, 30.0]


def test_top_failure_reasons_keeps_only_n(tiny_contacts):
    table = DemandAnalysis(tiny_contacts).top_failure_reasons(n=2)
    assert table.index.tolist() == ["Chase repair", "Bin missed"]


def test_top_failure_reasons_leaves_out_value_demand(tiny_contacts):
    table = DemandAnalysis(tiny_contacts).top_failure_reasons(n=10)
    assert "New repair" not in table.index
    assert "New bin" not in table.index


# -- filters ---------------------------------------------------------------------


def test_filter_by_service(tiny_contacts):
    repairs = DemandAnalysis(tiny_contacts).filter(service="Repairs")
    assert repairs.service == "Repairs"
    assert repairs.contact_count == 4
    assert repairs.failure_share() == 0.75
    assert repairs.failure_minutes() == 60.0
    waste = DemandAnalysis(tiny_contacts).filter(service="Waste")
    assert waste.failure_share() == 0.25
    assert waste.failure_minutes() == 5.0


def test_filter_by_channel(tiny_contacts):
    phone = DemandAnalysis(tiny_contacts).filter(channel="Phone")
    assert phone.contact_count == 4
    assert phone.failure_share() == 0.75
    assert phone.failure_minutes() == 45.0


def test_filter_by_service_and_channel(tiny_contacts):
    # Repairs by phone: C1 (value), C2 (failure, 10), C4 (failure, 30).
    analysis = DemandAnalysis(tiny_contacts).filter(service="Repairs", channel="Phone")
    assert analysis.contact_count == 3
    assert analysis.failure_share() == pytest.approx(2 / 3)
    assert analysis.failure_minutes() == 40.0


def test_filter_keeps_the_other_filter_and_all_resets(tiny_contacts):
    analysis = DemandAnalysis(tiny_contacts).filter(service="Waste").filter(channel="Email")
    assert (analysis.service, analysis.channel) == ("Waste", "Email")
    assert analysis.contact_count == 1  # C8
    back = analysis.filter(service=ALL)
    assert (back.service, back.channel) == (ALL, "Email")
    assert back.contact_count == 2  # C3, C8


def test_filter_keeps_cost_and_reclassifications(tiny_contacts):
    analysis = DemandAnalysis(tiny_contacts, cost_per_minute=2.0).reclassify("New bin", "failure")
    waste = analysis.filter(service="Waste")
    # Waste failures now C5 (4), C6 (5), C7 (6): 15 minutes at £2.
    assert waste.failure_share() == 0.75
    assert waste.failure_cost() == 30.0


def test_empty_scope_gives_share_zero(tiny_contacts):
    # No Repairs contact came through the web form.
    empty = DemandAnalysis(tiny_contacts).filter(service="Repairs", channel="Web form")
    assert empty.contact_count == 0
    assert empty.failure_share() == 0.0
    assert empty.failure_minutes() == 0.0
    assert empty.failure_cost() == 0.0
    assert empty.by_service().empty
    assert empty.by_channel().empty
    assert empty.by_month().empty
    assert empty.top_failure_reasons().empty


def test_empty_log_gives_share_zero():
    empty = pd.DataFrame({
        "date": pd.to_datetime(pd.Series([], dtype="datetime64[ns]")),
        "service": pd.Series([], dtype=str), "channel": pd.Series([], dtype=str),
        "reason": pd.Series([], dtype=str), "demand_type": pd.Series([], dtype=str),
        "minutes": pd.Series([], dtype=float),
    })
    analysis = DemandAnalysis(empty)
    assert analysis.contact_count == 0
    assert analysis.failure_share() == 0.0


# -- reclassification ------------------------------------------------------------


def test_reclassify_value_reason_as_failure(tiny_contacts):
    # "New bin" is C5 (4 min) and C7 (6 min): failures go from 4 to 6 of 8.
    analysis = DemandAnalysis(tiny_contacts).reclassify("New bin", "failure")
    assert analysis.failure_share() == 0.75
    assert analysis.failure_minutes() == 75.0
    assert analysis.reasons.loc["New bin", "demand_type"] == "failure"
    assert dict(analysis.reclassified) == {"New bin": "failure"}


def test_reclassify_failure_reason_as_value(tiny_contacts):
    # "Chase repair" is C2 (10) and C3 (20): failures go from 4 to 2 of 8.
    analysis = DemandAnalysis(tiny_contacts).reclassify("Chase repair", "value")
    assert analysis.failure_share() == 0.25
    assert analysis.failure_minutes() == 35.0
    assert analysis.top_failure_reasons().index.tolist() == ["Bin missed", "Not fixed"]


def test_reclassify_twice_keeps_both_and_the_last_word_wins(tiny_contacts):
    analysis = (DemandAnalysis(tiny_contacts)
                .reclassify("New bin", "failure")
                .reclassify("Bulky waste", "failure")
                .reclassify("New bin", "value"))
    assert dict(analysis.reclassified) == {"New bin": "value", "Bulky waste": "failure"}
    assert analysis.failure_share() == 5 / 8


def test_reclassify_a_reason_outside_the_filter_is_kept_for_later(tiny_contacts):
    analysis = DemandAnalysis(tiny_contacts).filter(service="Repairs").reclassify(
        "New bin", "failure")
    assert analysis.failure_share() == 0.75  # Repairs unchanged
    assert analysis.filter(service="Waste").failure_share() == 0.75  # C5 C6 C7 of 4


def test_reclassify_leaves_the_original_analysis_unchanged(tiny_contacts):
    original = DemandAnalysis(tiny_contacts)
    before = original.by_service()
    changed = original.reclassify("New bin", "failure")
    assert changed is not original
    assert original.failure_share() == 0.5
    assert original.failure_minutes() == 65.0
    assert dict(original.reclassified) == {}
    assert original.reasons.loc["New bin", "demand_type"] == "value"
    pd.testing.assert_frame_equal(original.by_service(), before)


def test_filter_leaves_the_original_analysis_unchanged(tiny_contacts):
    original = DemandAnalysis(tiny_contacts)
    original.filter(service="Repairs", channel="Phone")
    assert (original.service, original.channel) == (ALL, ALL)
    assert original.contact_count == 8


def test_analysis_never_changes_the_contacts_it_was_given(tiny_contacts):
    copy = tiny_contacts.copy(deep=True)
    analysis = DemandAnalysis(tiny_contacts).reclassify("New bin", "failure").filter(
        service="Waste")
    analysis.by_service(), analysis.by_month(), analysis.top_failure_reasons()
    pd.testing.assert_frame_equal(tiny_contacts, copy)


def test_analysis_is_frozen(tiny_contacts):
    analysis = DemandAnalysis(tiny_contacts)
    with pytest.raises(dataclasses.FrozenInstanceError):
        analysis.service = "Repairs"  # type: ignore[misc]
    with pytest.raises(TypeError):
        analysis.reclassified["New bin"] = "failure"  # type: ignore[index]


def test_changing_the_mapping_passed_in_does_not_change_the_analysis(tiny_contacts):
    mapping = {"New bin": "failure"}
    analysis = DemandAnalysis(tiny_contacts, reclassified=mapping)
    mapping["Bulky waste"] = "failure"
    assert dict(analysis.reclassified) == {"New bin": "failure"}
    assert analysis.failure_share() == 0.75


def test_changing_a_returned_table_does_not_change_the_analysis(tiny_contacts):
    analysis = DemandAnalysis(tiny_contacts)
    services, months, reasons = analysis.by_service(), analysis.by_month(), analysis.reasons
    services.loc["Repairs", "contacts"] = 99
    months.loc[:, "failure_share"] = 0.0
    reasons.loc["New bin", "demand_type"] = "failure"
    assert analysis.by_service().loc["Repairs", "contacts"] == 4
    assert analysis.by_month()["failure_share"].tolist() == [0.5, 0.5]
    assert analysis.reasons.loc["New bin", "demand_type"] == "value"


def test_changing_the_view_does_not_change_the_analysis(tiny_contacts):
    # A learner may well write `analysis.view["minutes"] *= 2` in a notebook cell;
    # like every other table, the view must be the learner's copy, not the model's own.
    analysis = DemandAnalysis(tiny_contacts)
    view = analysis.view
    view.loc[view.index[1], "failure_minutes"] = 1000.0
    view["failure"] = True
    assert analysis.view["failure_minutes"].tolist() == [0.0, 10.0, 20.0, 30.0, 0.0, 5.0, 0.0,
                                                         0.0]
    assert analysis.failure_minutes() == 65.0
    assert analysis.failure_share() == 0.5


# -- errors ----------------------------------------------------------------------


def test_unknown_service_is_refused_with_the_choices(tiny_contacts):
    with pytest.raises(ValueError, match=r"service 'Parks' is not in the data.*Repairs, Waste"):
        DemandAnalysis(tiny_contacts).filter(service="Parks")


def test_unknown_channel_is_refused(tiny_contacts):
    with pytest.raises(ValueError, match=r"channel 'Fax' is not in the data.*Email, Phone"):
        DemandAnalysis(tiny_contacts, channel="Fax")


def test_unknown_reason_is_refused(tiny_contacts):
    with pytest.raises(ValueError, match="reason 'Lost cat' is not in the data"):
        DemandAnalysis(tiny_contacts).reclassify("Lost cat", "failure")


@pytest.mark.parametrize("kind", ["Failure", "fail", "", "both"])
def test_bad_demand_type_is_refused(tiny_contacts, kind):
    with pytest.raises(ValueError, match="demand type must be 'value' or 'failure'"):
        DemandAnalysis(tiny_contacts).reclassify("New bin", kind)


def test_bad_demand_type_in_the_constructor_is_refused(tiny_contacts):
    with pytest.raises(ValueError, match="'New bin'"):
        DemandAnalysis(tiny_contacts, reclassified={"New bin": "maybe"})


def test_negative_cost_is_refused(tiny_contacts):
    with pytest.raises(ValueError, match="cost_per_minute must be 0 or more"):
        DemandAnalysis(tiny_contacts, cost_per_minute=-0.01)


def test_negative_cost_is_refused_by_replace(tiny_contacts):
    with pytest.raises(ValueError, match="cost_per_minute"):
        dataclasses.replace(DemandAnalysis(tiny_contacts), cost_per_minute=-1.0)


def test_row_order_does_not_change_top_reasons_when_services_share_a_reason_name(tiny_contacts):
    # Learners' own logs often use one reason name, such as "Other", in every service.
    # Which service the table names for it must not depend on the order of the rows.
    log = tiny_contacts.copy()
    log.loc[[3, 5], "reason"] = "Other"  # C4 (Repairs, failure), C6 (Waste, failure)
    forward = DemandAnalysis(log).top_failure_reasons()
    backward = DemandAnalysis(log.iloc[::-1]).top_failure_reasons()
    pd.testing.assert_frame_equal(forward, backward)


# -- properties ------------------------------------------------------------------

# Each reason belongs to one service and has one label, as in a real log.
CATALOGUE = [
    ("Repairs", "New repair", "value"),
    ("Repairs", "Chase repair", "failure"),
    ("Repairs", "Not fixed", "failure"),
    ("Waste", "New bin", "value"),
    ("Waste", "Bin missed", "failure"),
    ("Tax", "Pay bill", "value"),
    ("Tax", "Bill not understood", "failure"),
]
CHANNELS = ["Phone", "Email", "Web form"]

rows = st.tuples(
    st.sampled_from(CATALOGUE),
    st.sampled_from(CHANNELS),
    st.dates(min_value=pd.Timestamp("2025-04-01").date(),
             max_value=pd.Timestamp("2026-03-31").date()),
    st.integers(min_value=0, max_value=60),
)


def _log(drawn: list) -> pd.DataFrame:
    return pd.DataFrame({
        "date": pd.to_datetime(pd.Series([d for _, _, d, _ in drawn], dtype="datetime64[ns]")),
        "service": pd.Series([c[0] for c, _, _, _ in drawn], dtype=str),
        "channel": pd.Series([ch for _, ch, _, _ in drawn], dtype=str),
        "reason": pd.Series([c[1] for c, _, _, _ in drawn], dtype=str),
        "demand_type": pd.Series([c[2] for c, _, _, _ in drawn], dtype=str),
        "minutes": pd.Series([float(m) for _, _, _, m in drawn], dtype=float),
    })


logs = st.lists(rows, min_size=1, max_size=25).map(_log)
# Few examples and no example database: the whole suite must stay quick and leave no files.
fast = settings(max_examples=40, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@fast
@given(log=st.lists(rows, max_size=25).map(_log), data=st.data())
def test_failure_share_is_between_zero_and_one(log, data):
    analysis = DemandAnalysis(log)
    service = data.draw(st.sampled_from([ALL, *analysis.services]))
    channel = data.draw(st.sampled_from([ALL, *analysis.channels]))
    share = analysis.filter(service=service, channel=channel).failure_share()
    assert 0.0 <= share <= 1.0


@fast
@given(log=logs, data=st.data())
def test_reclassifying_a_reason_as_failure_never_lowers_the_share(log, data):
    analysis = DemandAnalysis(log)
    service = data.draw(st.sampled_from([ALL, *analysis.services]))
    reason = data.draw(st.sampled_from(sorted(set(log["reason"]))))
    scoped = analysis.filter(service=service)
    relabelled = scoped.reclassify(reason, "failure")
    assert relabelled.failure_share() >= scoped.failure_share()
    assert relabelled.failure_minutes() >= scoped.failure_minutes()
    assert relabelled.contact_count == scoped.contact_count


@fast
@given(log=logs, data=st.data())
def test_filtering_never_increases_contact_count(log, data):
    analysis = DemandAnalysis(log)
    service = data.draw(st.sampled_from([ALL, *analysis.services]))
    channel = data.draw(st.sampled_from([ALL, *analysis.channels]))
    by_service = analysis.filter(service=service)
    both = by_service.filter(channel=channel)
    assert both.contact_count <= by_service.contact_count <= analysis.contact_count
    assert analysis.filter(channel=channel).contact_count >= both.contact_count


@settings(fast, max_examples=20)
@given(log=logs, data=st.data())
def test_row_order_does_not_change_any_figure(log, data):
    order = data.draw(st.permutations(list(range(len(log)))))
    shuffled = log.iloc[order]
    reason = data.draw(st.sampled_from(sorted(set(log["reason"]))))
    for a, b in [
        (DemandAnalysis(log, cost_per_minute=0.75), DemandAnalysis(shuffled, cost_per_minute=0.75)),
        (DemandAnalysis(log).reclassify(reason, "failure"),
         DemandAnalysis(shuffled).reclassify(reason, "failure")),
    ]:
        assert a.contact_count == b.contact_count
        assert a.failure_share() == b.failure_share()
        assert a.failure_minutes() == b.failure_minutes()
        assert a.failure_cost() == b.failure_cost()
        pd.testing.assert_frame_equal(a.by_service(), b.by_service())
        pd.testing.assert_frame_equal(a.by_channel(), b.by_channel())
        pd.testing.assert_frame_equal(a.by_month(), b.by_month())
        pd.testing.assert_frame_equal(a.top_failure_reasons(10), b.top_failure_reasons(10))
        pd.testing.assert_frame_equal(a.reasons, b.reasons)
