"""Tests for compass_widgets.models.journeys on hand-worked data.

Every expected number below is worked out by hand from the twelve events of
``tiny_journeys``:

    A (Ann: chain)
    #  day  organisation  layer        type        hand-off  retold  waits
    1    0  Self          person       crisis
    2    1  GP            institution  contact               yes
    3    1  GP            institution  referral    yes
    4    2  Clinic        institution  waiting                       10
    5    5  Housing       institution  waiting                        4
    6   12  Clinic        institution  assessment            yes
    7   15  A&E           institution  crisis      yes       yes

    B (Bo: connector)
    1    0  Self          person       crisis
    2    0  Neighbour     community    support
    3    3  Connector     community    contact               yes
    4   10  GP            institution  referral    yes
    5   11  Clinic        institution  waiting                        5

A: 7 events; organisations GP, Clinic, Housing, A&E (4); 2 hand-offs; 3 retold; 2
crises; waits 10 + 4 = 14 days added up, but the wait for housing (days 5-9) falls
inside the clinic's (days 2-12), so 10 days had a wait open; it covers day 0 to day 15.
B: 5 events; 4 organisations; 1 hand-off; 1 retold; 1 crisis; 5 days waiting; it
covers day 0 to day 16 (the wait from day 11 lasts 5 days).
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compass_widgets.models.journeys import (
    FIGURE_LABELS,
    JourneyAnalysis,
    JourneyFigures,
    _waiting_days,
    journey_figures,
)

COLUMNS = ["person_id", "persona", "day", "organisation", "layer", "event_type", "handoff",
           "retold_story", "days_waiting", "what_happened"]
EVENTS = [
    ("A", "Ann: chain", 0, "Self", "person", "crisis", False, False, 0, "Falls"),
    ("A", "Ann: chain", 1, "GP", "institution", "contact", False, True, 0, "Sees GP"),
    ("A", "Ann: chain", 1, "GP", "institution", "referral", True, False, 0, "Referred"),
    ("A", "Ann: chain", 2, "Clinic", "institution", "waiting", False, False, 10, "Waits"),
    ("A", "Ann: chain", 5, "Housing", "institution", "waiting", False, False, 4, "Waits too"),
    ("A", "Ann: chain", 12, "Clinic", "institution", "assessment", False, True, 0, "Seen"),
    ("A", "Ann: chain", 15, "A&E", "institution", "crisis", True, True, 0, "Crisis"),
    ("B", "Bo: connector", 0, "Self", "person", "crisis", False, False, 0, "Falls"),
    ("B", "Bo: connector", 0, "Neighbour", "community", "support", False, False, 0, "Helped"),
    ("B", "Bo: connector", 3, "Connector", "community", "contact", False, True, 0, "Listened"),
    ("B", "Bo: connector", 10, "GP", "institution", "referral", True, False, 0, "Referred"),
    ("B", "Bo: connector", 11, "Clinic", "institution", "waiting", False, False, 5, "Waits"),
]


def journeys_frame(rows: list[tuple]) -> pd.DataFrame:
    """Journey events as the loader returns them."""
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.astype({"day": float, "days_waiting": float, "handoff": bool,
                         "retold_story": bool})


@pytest.fixture
def tiny_journeys() -> pd.DataFrame:
    return journeys_frame(EVENTS)


@pytest.fixture
def analysis(tiny_journeys) -> JourneyAnalysis:
    return JourneyAnalysis(tiny_journeys)


# -- choices and defaults -------------------------------------------------------------------


def test_defaults_are_the_first_two_journeys_and_the_whole_of_the_first(analysis):
    assert analysis.people == ["A", "B"]
    assert (analysis.person, analysis.other, analysis.step) == ("A", "B", 7)
    assert analysis.label() == "Ann: chain"
    assert analysis.label("B") == "Bo: connector"
    assert (analysis.length(), analysis.length("B")) == (7, 5)


def test_one_journey_is_compared_with_itself(tiny_journeys):
    only = JourneyAnalysis(tiny_journeys[tiny_journeys["person_id"] == "B"])
    assert (only.person, only.other) == ("B", "B")
    assert list(only.comparison().columns) == ["B"]
    assert only.layer_shares()["person_id"].tolist() == ["B", "B", "B"]


def test_people_are_sorted_whatever_the_order_of_the_file(tiny_journeys):
    backwards = JourneyAnalysis(tiny_journeys.iloc[::-1])
    assert backwards.people == ["A", "B"]
    assert backwards.person == "A"


# -- figures --------------------------------------------------------------------------------


def test_figures_of_journey_a(analysis):
    assert analysis.figures() == JourneyFigures(
        events=7, organisations=4, handoffs=2, retold=3, crises=2, days_waiting=14.0,
        days_with_a_wait=10.0, days=15.0, person_share=1 / 7, community_share=0.0,
        institution_share=6 / 7)


def test_figures_of_journey_b(analysis):
    assert analysis.figures("B") == JourneyFigures(
        events=5, organisations=4, handoffs=1, retold=1, crises=1, days_waiting=5.0,
        days_with_a_wait=5.0, days=16.0, person_share=0.2, community_share=0.4,
        institution_share=0.4)


def test_figures_as_dict_follow_the_labels(analysis):
    figures = analysis.figures("B").as_dict()
    assert list(figures) == list(FIGURE_LABELS)
    assert figures["handoffs"] == 1.0


def test_no_events_give_zero_figures():
    empty = journeys_frame([])
    assert journey_figures(empty) == JourneyFigures(0, 0, 0, 0, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)


@pytest.mark.parametrize(("spans", "expected"), [
    ([], 0.0),
    ([(0, 10)], 10.0),
    ([(2, 10), (5, 4)], 10.0),    # inside another wait
    ([(0, 5), (3, 5)], 8.0),      # overlapping: days 0-8
    ([(0, 5), (5, 5)], 10.0),     # end to end
    ([(0, 2), (10, 3)], 5.0),     # apart
])
def test_days_with_a_wait_open_count_each_day_once(spans, expected):
    rows = pd.DataFrame({"day": [float(d) for d, _ in spans],
                         "days_waiting": [float(w) for _, w in spans]})
    assert _waiting_days(rows) == expected


def test_so_far_counts_up_to_and_including_the_step(analysis):
    at_three = analysis.at(3).so_far()  # crisis, contact (retold), referral (hand-off)
    assert (at_three.events, at_three.handoffs, at_three.retold, at_three.crises) == (3, 1, 1, 1)
    assert at_three.days_waiting == 0.0
    at_five = analysis.at(5).so_far()
    assert (at_five.days_waiting, at_five.days_with_a_wait) == (14.0, 10.0)
    assert analysis.so_far() == analysis.figures()  # the last step is the whole journey


def test_current_event(analysis):
    assert analysis.at(4).current["what_happened"] == "Waits"
    assert analysis.at(4).current["days_waiting"] == 10.0
    assert analysis.at(1).current["organisation"] == "Self"


# -- tables ---------------------------------------------------------------------------------


def test_journey_is_in_day_order_with_numbers_and_states(analysis):
    journey = analysis.at(3).journey()
    assert journey["number"].tolist() == [1, 2, 3, 4, 5, 6, 7]
    assert journey["what_happened"].tolist()[:3] == ["Falls", "Sees GP", "Referred"]
    assert journey["state"].tolist() == ["seen", "seen", "now", "to come", "to come",
                                         "to come", "to come"]


def test_another_journey_is_all_seen(analysis):
    assert set(analysis.at(1).journey("B")["state"]) == {"seen"}


def test_events_on_the_same_day_keep_the_order_of_the_file(tiny_journeys):
    swapped = tiny_journeys.iloc[[0, 2, 1, *range(3, 12)]]
    journey = JourneyAnalysis(swapped).journey()
    assert journey["what_happened"].tolist()[1:3] == ["Referred", "Sees GP"]


def test_events_are_put_in_day_order(tiny_journeys):
    journey = JourneyAnalysis(tiny_journeys.iloc[::-1]).journey("B")
    assert journey["day"].tolist() == [0.0, 0.0, 3.0, 10.0, 11.0]


def test_by_organisation(analysis):
    table = analysis.by_organisation()
    # Clinic and GP have 2 events each (alphabetical), then A&E and Housing 1 each.
    assert table.index.tolist() == ["Clinic", "GP", "A&E", "Housing"]
    assert table["events"].tolist() == [2, 2, 1, 1]
    assert table["handoffs"].tolist() == [0, 1, 1, 0]
    assert table["retold"].tolist() == [1, 1, 1, 0]
    assert table["days_waiting"].tolist() == [10.0, 0.0, 0.0, 4.0]
    assert "Self" not in table.index  # the person's own events are not an organisation


def test_by_organisation_of_b_keeps_community_organisations(analysis):
    table = analysis.by_organisation("B")
    assert dict(zip(table.index, table["layer"], strict=True)) == {
        "Clinic": "institution", "Connector": "community", "GP": "institution",
        "Neighbour": "community"}


def test_layer_shares_of_the_two_journeys(analysis):
    shares = analysis.layer_shares()
    assert shares["person_id"].tolist() == ["A"] * 3 + ["B"] * 3
    assert shares["layer"].tolist() == ["person", "community", "institution"] * 2
    assert shares["events"].tolist() == [1, 0, 6, 1, 2, 2]
    assert shares["share"].tolist() == pytest.approx([1 / 7, 0, 6 / 7, 0.2, 0.4, 0.4])


def test_comparison_sets_the_two_journeys_side_by_side(analysis):
    table = analysis.comparison()
    assert list(table.columns) == ["A", "B"]
    assert table.index.tolist() == list(FIGURE_LABELS.values())
    assert table.loc["Hand-offs to another organisation"].tolist() == [2.0, 1.0]
    assert table.loc["Times the story was told again"].tolist() == [3.0, 1.0]
    assert table.loc["Days with at least one wait open"].tolist() == [10.0, 5.0]


def test_summary_has_a_row_per_journey(analysis):
    table = analysis.summary()
    assert table.index.tolist() == ["A", "B"]
    assert table["persona"].tolist() == ["Ann: chain", "Bo: connector"]
    assert table["handoffs"].tolist() == [2, 1]
    assert table["events"].dtype == "int64"


def test_tables_are_copies(analysis):
    summary, by_organisation, comparison = (analysis.summary(), analysis.by_organisation(),
                                            analysis.comparison())
    summary.loc["A", "handoffs"] = 99
    by_organisation.loc["GP", "events"] = 99
    comparison.iloc[0, 0] = 99
    assert analysis.summary().loc["A", "handoffs"] == 2
    assert analysis.by_organisation().loc["GP", "events"] == 2
    assert analysis.comparison().iloc[0, 0] == 7


# -- new analyses ---------------------------------------------------------------------------


def test_at_next_and_previous(analysis):
    first = analysis.at(1)
    assert first.step == 1
    assert first.previous().step == 1  # stays at the first event
    assert first.next().step == 2
    assert analysis.next().step == 7  # stays at the last event
    assert analysis.previous().step == 6


def test_choose_keeps_the_step_for_the_same_journey_and_the_end_for_another(analysis):
    at_two = analysis.at(2)
    assert at_two.choose(other="A").step == 2
    assert at_two.choose(person="B").step == 5
    assert at_two.choose(person="B", step=1).step == 1


def test_choosing_the_compared_journey_swaps_the_two(analysis):
    swapped = analysis.choose(person="B")
    assert (swapped.person, swapped.other) == ("B", "A")
    assert analysis.choose(person="B", other="B").other == "B"  # unless asked for


def test_new_analyses_leave_the_original_unchanged(analysis, tiny_journeys):
    before = tiny_journeys.copy(deep=True)
    analysis.at(2).choose(person="B", other="A").summary()
    assert (analysis.person, analysis.other, analysis.step) == ("A", "B", 7)
    pd.testing.assert_frame_equal(tiny_journeys, before)


def test_analysis_is_frozen(analysis):
    with pytest.raises(dataclasses.FrozenInstanceError):
        analysis.step = 2  # type: ignore[misc]


def test_analyses_made_from_one_another_share_their_tables(analysis):
    moved = analysis.at(3).choose(person="B")
    assert moved._cache is analysis._cache
    other = JourneyAnalysis(analysis.events.copy())
    assert other._cache is not analysis._cache


def test_replacing_the_events_starts_afresh(analysis, tiny_journeys):
    fewer = dataclasses.replace(analysis, events=tiny_journeys[tiny_journeys["person_id"] == "A"],
                                other=None)
    assert fewer.people == ["A"]
    assert fewer._cache is not analysis._cache


# -- errors that say what to do --------------------------------------------------------------


@pytest.mark.parametrize(("options", "message"), [
    ({"person": "Z"}, "person 'Z' is not in the data; choose one of A, B"),
    ({"other": "Z"}, "other 'Z' is not in the data; choose one of A, B"),
    ({"step": 0}, "step 0 is outside this journey: choose 1 to 7"),
    ({"step": 8}, "step 8 is outside this journey: choose 1 to 7"),
])
def test_bad_choices_are_refused(tiny_journeys, options, message):
    with pytest.raises(ValueError, match=message):
        JourneyAnalysis(tiny_journeys, **options)


def test_asking_about_an_unknown_person_is_refused(analysis):
    with pytest.raises(ValueError, match="person 'Z' is not in the data"):
        analysis.figures("Z")


def test_missing_columns_are_named(tiny_journeys):
    with pytest.raises(ValueError, match="need the column.*retold_story.*load_journeys"):
        JourneyAnalysis(tiny_journeys.drop(columns="retold_story"))


def test_no_events_are_refused():
    with pytest.raises(ValueError, match="there are no events"):
        JourneyAnalysis(journeys_frame([]))


# -- properties -----------------------------------------------------------------------------

event = st.tuples(
    st.sampled_from(["A", "B", "C"]),
    st.integers(min_value=0, max_value=60),
    st.sampled_from(["GP", "Clinic", "Neighbour", "Self"]),
    st.sampled_from(["person", "community", "institution"]),
    st.sampled_from(["contact", "referral", "assessment", "waiting", "support", "crisis"]),
    st.booleans(),
    st.booleans(),
    st.integers(min_value=0, max_value=40),
)


def _events(drawn: list[tuple]) -> pd.DataFrame:
    return journeys_frame([(p, f"Person {p}", day, org, layer, kind, hand, told, wait, "x")
                   for p, day, org, layer, kind, hand, told, wait in drawn])


journeys = st.lists(event, min_size=1, max_size=30).map(_events)
fast = settings(max_examples=40, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@fast
@given(events=journeys, data=st.data())
def test_figures_are_sensible(events, data):
    analysis = JourneyAnalysis(events)
    person = data.draw(st.sampled_from(analysis.people))
    figures = analysis.figures(person)
    assert figures.person_share + figures.community_share + figures.institution_share == (
        pytest.approx(1.0))
    assert 0 <= figures.handoffs <= figures.events
    assert 0 <= figures.retold <= figures.events
    assert 0 <= figures.crises <= figures.events
    assert 0 <= figures.days_with_a_wait <= figures.days_waiting
    assert figures.days >= 0
    assert figures.events == analysis.length(person)


@fast
@given(events=journeys, data=st.data())
def test_stepping_on_never_lowers_a_count(events, data):
    analysis = JourneyAnalysis(events)
    person = data.draw(st.sampled_from(analysis.people))
    chosen = analysis.choose(person=person, step=1)
    previous = chosen.so_far()
    for step in range(2, chosen.length() + 1):
        now = chosen.at(step).so_far()
        assert now.events == previous.events + 1
        assert now.handoffs >= previous.handoffs
        assert now.retold >= previous.retold
        assert now.days_waiting >= previous.days_waiting
        assert now.days_with_a_wait >= previous.days_with_a_wait
        previous = now
    assert previous == chosen.figures()


@fast
@given(events=journeys, data=st.data())
def test_row_order_does_not_change_any_figure(events, data):
    order = data.draw(st.permutations(list(range(len(events)))))
    a, b = JourneyAnalysis(events), JourneyAnalysis(events.iloc[order])
    assert a.people == b.people
    pd.testing.assert_frame_equal(a.summary(), b.summary())
    for person in a.people:
        pd.testing.assert_frame_equal(a.by_organisation(person), b.by_organisation(person))
