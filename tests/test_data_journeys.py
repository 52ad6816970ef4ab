"""Tests for compass_widgets.data.journeys: the shipped journeys and learners' broken files.

Row numbers are spreadsheet row numbers: the header is row 1, the first event row 2.
"""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from compass_widgets.data import journeys
from compass_widgets.data.journeys import EVENT_TYPES, LAYERS, SCHEMA, load_journeys
from compass_widgets.datasets import shipped_path

from .data_support import Sample

HEADER = ",".join(SCHEMA.names)
ROWS = [
    "P1,Ann,Vale,0,Self and family,person,crisis,no,no,0,Falls at home",       # row 2
    "P1,Ann,Vale,1,GP practice,institution,referral,yes,yes,0,Referred",      # row 3
    "P1,Ann,Vale,2,Clinic,institution,waiting,no,no,30,Waits",                 # row 4
    "P2,Bo,Vale,0,Neighbour,community,support,no,no,0,Helped up",              # row 5
]
SAMPLE = Sample(load_journeys, HEADER, ROWS)


# -- the shipped file -------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> pd.DataFrame:
    return load_journeys()


def test_shipped_file_loads_with_clean_types(shipped):
    assert list(shipped.columns) == list(SCHEMA.names)
    assert shipped["day"].dtype == "float64"
    assert shipped["days_waiting"].dtype == "float64"
    assert pd.api.types.is_bool_dtype(shipped["handoff"])
    assert pd.api.types.is_bool_dtype(shipped["retold_story"])


def test_shipped_file_has_six_people_in_the_four_neighbourhoods(shipped):
    assert shipped["person_id"].nunique() == 6
    assert set(shipped["neighbourhood"]) <= {"Hollins Vale", "Millbrook", "Station Fields",
                                            "Canal Side"}
    # One persona label per person.
    assert (shipped.groupby("person_id")["persona"].nunique() == 1).all()


def test_shipped_file_uses_every_layer_and_event_type(shipped):
    assert set(shipped["layer"]) == set(LAYERS)
    assert set(shipped["event_type"]) == set(EVENT_TYPES)


def test_shipped_journeys_stay_within_one_year_and_in_day_order(shipped):
    assert shipped["day"].min() == 0
    assert (shipped["day"] + shipped["days_waiting"]).max() <= journeys.LAST_DAY
    for _, rows in shipped.groupby("person_id"):
        assert rows["day"].is_monotonic_increasing


def test_only_waiting_events_have_days_waiting(shipped):
    waits = shipped[shipped["days_waiting"] > 0]
    assert set(waits["event_type"]) == {"waiting"}


def test_shipped_pairs_tell_the_story_of_the_module(shipped):
    # Each referral chain has more hand-offs and retellings than its connected twin,
    # and no community events; each twin has some. (Invented, to show a pattern.)
    figures = shipped.groupby("person_id").agg(
        handoffs=("handoff", "sum"), retold=("retold_story", "sum"),
        community=("layer", lambda s: (s == "community").sum()))
    for chain, twin in (("P1", "P2"), ("P3", "P4"), ("P5", "P6")):
        assert figures.loc[chain, "handoffs"] > figures.loc[twin, "handoffs"]
        assert figures.loc[chain, "retold"] > figures.loc[twin, "retold"]
        assert figures.loc[twin, "community"] >= 5
    assert figures.loc[["P1", "P5"], "community"].sum() == 0


def test_data_dictionary_says_the_data_are_synthetic():
    text = shipped_path("journeys.md").read_text(encoding="utf-8")
    assert "synthetic" in text.lower()
    for column in SCHEMA.names:
        assert f"`{column}`" in text, column
    assert "forecast" in text.lower()  # Local Area Coordination's figures are forecasts


# -- files that load ------------------------------------------------------------------------


def test_good_file_loads(write):
    frame = load_journeys(write(SAMPLE.csv()))
    assert frame["person_id"].tolist() == ["P1", "P1", "P1", "P2"]
    assert frame["handoff"].tolist() == [False, True, False, False]
    assert frame["days_waiting"].tolist() == [0.0, 0.0, 30.0, 0.0]
    assert frame["layer"].tolist() == ["person", "institution", "institution", "community"]


def test_windows_1252_file_is_accepted(write):
    path = write(SAMPLE.with_cell(3, "what_happened", "Café worker referred"), encoding="cp1252")
    assert b"\xe9" in path.read_bytes()  # really cp1252, not UTF-8
    assert load_journeys(path)["what_happened"].tolist()[1] == "Café worker referred"


def test_labels_are_case_insensitive(write):
    text = SAMPLE.with_cell(2, "layer", "Person").replace("referral", "REFERRAL")
    frame = load_journeys(write(text))
    assert frame["layer"].tolist()[0] == "person"
    assert frame["event_type"].tolist()[1] == "referral"


def test_values_with_commas_can_be_quoted(write):
    rows = [*ROWS[:3], 'P2,"Bo, 81",Vale,0,Neighbour,community,support,no,no,0,"Helped, then fed"']
    frame = load_journeys(write(SAMPLE.csv(rows)))
    assert frame["persona"].tolist()[3] == "Bo, 81"


# -- files that do not load --------------------------------------------------------------------


def test_header_only(write):
    err = SAMPLE.refused(write(HEADER + "\n"))
    assert (err.column, err.row) == (None, None)
    assert "Add at least one event" in str(err)


@pytest.mark.parametrize(("row", "column", "value", "message"), [
    (3, "layer", "council", "'council' is not a layer"),
    (4, "event_type", "phone call", "'phone call' is not an event type"),
    (5, "handoff", "maybe", "'maybe' is not yes or no"),
    (2, "retold_story", "twice", "'twice' is not yes or no"),
    (4, "days_waiting", "-3", "'-3' is not a number of days"),
    (3, "day", "Monday", "'Monday' is not a day number"),
    (5, "organisation", " ", "a value is missing"),
])
def test_bad_value_at_a_known_row(write, row, column, value, message):
    err = SAMPLE.refused(write(SAMPLE.with_cell(row, column, value)))
    assert (err.column, err.row) == (column, row)
    assert message in str(err)


def test_bad_layer_says_what_each_layer_means(write):
    err = SAMPLE.refused(write(SAMPLE.with_cell(3, "layer", "council")))
    assert "'person' (the I" in str(err) and "'institution' (the system" in str(err)


def test_shipped_file_read_with_the_csv_module_matches_the_loader(shipped):
    with shipped_path(SCHEMA.shipped).open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(shipped)
    assert sum(r["handoff"] == "yes" for r in rows) == shipped["handoff"].sum()
