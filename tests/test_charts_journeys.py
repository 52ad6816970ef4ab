"""Tests for compass_widgets.charts.journeys: valid, described charts and their text twins.

The sentences are worked out by hand from the tiny journeys of
tests/test_models_journeys.py (see its docstring): A has 7 events, 2 hand-offs, 3
retellings, 2 crises and 14 days of waiting; B has 5 events, 40% of them in the
community.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

from compass_widgets.charts.journeys import (
    SHAPES,
    journey_layers,
    journey_organisations,
    journey_timeline,
    journey_timeline_at,
    summarise_journey_layers,
    summarise_journey_organisations,
    summarise_journey_timeline,
    times,
)
from compass_widgets.data.journeys import load_journeys
from compass_widgets.models.journeys import JourneyAnalysis

from .test_models_journeys import EVENTS, journeys_frame


@pytest.fixture
def tiny() -> JourneyAnalysis:
    return JourneyAnalysis(journeys_frame(EVENTS))


@pytest.fixture(scope="module")
def shipped() -> JourneyAnalysis:
    return JourneyAnalysis(load_journeys())


def _data(spec: dict, layer: int | None = None) -> list[dict]:
    """Rows of inline data a chart (or one of its layers) draws."""
    data = spec["data"] if layer is None else spec["layer"][layer].get("data", spec["data"])
    return spec["datasets"][data["name"]]


BUILDERS = [
    ("timeline", journey_timeline, summarise_journey_timeline,
     "Ann: chain: the journey, event by event"),
    ("layers", journey_layers, summarise_journey_layers,
     "The I, the us and the system: where the events happened"),
    ("organisations", journey_organisations, summarise_journey_organisations,
     "Events with each organisation"),
]
IDS = [b[0] for b in BUILDERS]


# -- every builder ----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "build", "summarise", "title"), BUILDERS, ids=IDS)
def test_builder_returns_a_valid_chart_with_title_and_description(tiny, name, build, summarise,
                                                                   title):
    chart = build(tiny.at(3))
    assert isinstance(chart, alt.LayerChart)
    spec = chart.to_dict()  # validates against the Vega-Lite schema
    assert spec["title"]["text"] == title
    assert spec["title"]["subtitle"]
    assert spec["description"] == summarise(tiny.at(3))


@pytest.mark.parametrize(("name", "build", "summarise", "title"), BUILDERS, ids=IDS)
def test_builder_returns_a_new_chart_each_time(tiny, name, build, summarise, title):
    first, second = build(tiny), build(tiny)
    assert first is not second
    assert first.to_dict() == second.to_dict()


@pytest.mark.parametrize(("name", "build", "summarise", "title"), BUILDERS, ids=IDS)
def test_builders_leave_the_analysis_unchanged(tiny, name, build, summarise, title):
    events = tiny.events.copy(deep=True)
    summary = tiny.summary()
    build(tiny).to_dict()
    summarise(tiny)
    pd.testing.assert_frame_equal(tiny.events, events)
    pd.testing.assert_frame_equal(tiny.summary(), summary)
    assert (tiny.person, tiny.other, tiny.step) == ("A", "B", 7)


@pytest.mark.parametrize(("name", "build", "summarise", "title"), BUILDERS, ids=IDS)
def test_shipped_journeys_draw(shipped, name, build, summarise, title):
    for person in shipped.people:
        spec = build(shipped.choose(person=person, step=1)).to_dict()
        assert spec["description"]


def test_times():
    assert [times(n) for n in (0, 1, 2, 3)] == ["0 times", "once", "twice", "3 times"]


# -- the timeline -----------------------------------------------------------------------------


def test_timeline_summary_on_tiny_journeys(tiny):
    assert summarise_journey_timeline(tiny.at(4)) == (
        "Ann: chain: 7 events over 15 days with 4 organisations; handed on twice, told the "
        "story again 3 times, 2 crises and 14 days of waiting. Of all the events, 14% were the "
        "person's own, 0% in the community and 86% with institutions. Now at event 4 of 7 "
        "(day 2, Clinic, waiting): Waits. So far: handed on once, told the story again once, "
        "1 crisis and 10 days of waiting.")


def test_timeline_draws_one_row_per_event_and_the_step_as_a_parameter(tiny):
    spec = journey_timeline(tiny.at(4)).to_dict()
    rows = _data(spec)
    assert [r["number"] for r in rows] == [1, 2, 3, 4, 5, 6, 7]
    assert spec["params"] == [{"name": "step", "value": 4}]
    # Every layer draws the same rows: nothing in the data depends on the step.
    assert all("data" not in layer for layer in spec["layer"])


def test_timeline_rows_place_events_and_waits(tiny):
    rows = {r["number"]: r for r in _data(journey_timeline(tiny).to_dict())}
    assert rows[1]["row"] == 0  # the I at the top
    assert (rows[2]["row"], rows[3]["row"]) == (2, 2.16)  # same day, same layer: apart
    assert rows[4]["end"] == 12 and rows[4]["wait_label"] == "waits 10 days"
    # The two waits overlap, so they hang in different lanes below the system's row.
    assert rows[4]["lane"] == pytest.approx(2.42) and rows[5]["lane"] == pytest.approx(2.59)
    assert rows[6]["wait_label"] == ""
    assert (rows[3]["next_day"], rows[3]["next_row"]) == (2, 2)  # the path on to event 4
    assert rows[7]["label"] == "Event 7: A&E"


def test_timeline_uses_shapes_as_well_as_colour_for_event_types(tiny):
    spec = journey_timeline(tiny).to_dict()
    points = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "point")
    shape, colour = points["encoding"]["shape"], points["encoding"]["color"]
    assert shape["field"] == colour["field"] == "event"
    assert shape["scale"]["range"] == list(SHAPES.values())
    assert len(set(shape["scale"]["range"])) == 6  # a different shape for each type


def test_timeline_at_a_step_equals_building_it_again(shipped):
    base = journey_timeline(shipped.at(1)).to_dict()
    for step in (2, 9, shipped.length()):
        assert journey_timeline_at(base, shipped.at(step)) == (
            journey_timeline(shipped.at(step)).to_dict())


def test_timeline_at_leaves_the_spec_it_was_given_unchanged(tiny):
    base = journey_timeline(tiny.at(1)).to_dict()
    before = {**base, "params": [dict(p) for p in base["params"]]}
    journey_timeline_at(base, tiny.at(5))
    assert base == before


# -- the three layers ---------------------------------------------------------------------------


def test_layers_summary_on_tiny_journeys(tiny):
    assert summarise_journey_layers(tiny) == (
        "Ann: chain: 14% of events were the person's own, 0% in the community and 86% with "
        "institutions. Bo: connector: 20% of events were the person's own, 40% in the "
        "community and 40% with institutions. The second journey had 40 percentage points "
        "more of its events in the community.")


def test_layers_summary_when_the_second_journey_has_fewer_or_the_same(tiny):
    assert summarise_journey_layers(tiny.choose(person="B", other="A")).endswith(
        "The second journey had 40 percentage points fewer of its events in the community.")
    assert summarise_journey_layers(tiny.choose(other="A")) == (
        "Ann: chain: 14% of events were the person's own, 0% in the community and 86% with "
        "institutions.")


def test_layers_summary_with_one_point_between_them():
    rows = [("A", "A", 0, "Self", "person", "crisis", False, False, 0, "x")] * 50 + [
        ("A", "A", 1, "N", "community", "support", False, False, 0, "x")] * 50 + [
        ("B", "B", 0, "Self", "person", "crisis", False, False, 0, "x")] * 49 + [
        ("B", "B", 1, "N", "community", "support", False, False, 0, "x")] * 51
    frame = journeys_frame(rows)
    assert summarise_journey_layers(JourneyAnalysis(frame)).endswith(
        "The second journey had 1 percentage point more of its events in the community.")


def test_layers_chart_labels_every_wide_segment_in_text(tiny):
    rows = _data(journey_layers(tiny).to_dict())
    labels = {(r["persona"], r["layer"]): r["label"] for r in rows}
    assert labels[("Ann: chain", "institution")] == "System 86%"
    assert labels[("Ann: chain", "person")] == "I 14%"
    assert labels[("Ann: chain", "community")] == ""  # too narrow to write in (0%)
    assert labels[("Bo: connector", "community")] == "Us 40%"
    ends = [value for r in rows if r["persona"] == "Bo: connector" for value in (r["start"],
                                                                                r["end"])]
    assert ends == pytest.approx([0.0, 0.2, 0.2, 0.6, 0.6, 1.0])


# -- organisations -------------------------------------------------------------------------------


def test_organisations_summary_on_tiny_journeys(tiny):
    assert summarise_journey_organisations(tiny) == (
        "Ann: chain: 6 events with 4 organisations over the whole journey. Most were with "
        "Clinic (2 events), then GP (2 events).")


def test_organisations_summary_with_one_organisation_or_none(tiny):
    one = tiny.events[tiny.events["organisation"].isin(["Self", "GP"])
                      & (tiny.events["person_id"] == "A")]
    assert summarise_journey_organisations(JourneyAnalysis(one)) == (
        "Ann: chain: 2 events with 1 organisation over the whole journey. Most were with GP "
        "(2 events).")
    alone = tiny.events.iloc[[0]]
    assert summarise_journey_organisations(JourneyAnalysis(alone)) == (
        "Ann: chain: no events with any organisation, only the person's own.")
    journey_organisations(JourneyAnalysis(alone)).to_dict()  # still a valid chart


def test_organisations_chart_names_the_layer_in_text(tiny):
    rows = _data(journey_organisations(tiny.choose(person="B")).to_dict())
    assert {r["organisation"]: r["label"] for r in rows} == {
        "Clinic": "1 (System)", "Connector": "1 (Us)", "GP": "1 (System)",
        "Neighbour": "1 (Us)"}
