"""Tests for compass_widgets.data.assets: the shipped asset map and learners' broken files.

Row numbers are spreadsheet row numbers: the header is row 1, the first asset row 2.
"""

from __future__ import annotations

import pandas as pd
import pytest

from compass_widgets.data.assets import ASSET_TYPES, SCHEMA, load_assets, parse_links
from compass_widgets.datasets import shipped_path

from .data_support import Sample

HEADER = ",".join(SCHEMA.names)
ROWS = [
    "A1,Vale,associations,Lunch club,community,yes,A2;A3",   # row 2
    "A2,Vale,gifts,Joiner,community,no,none",                # row 3
    "A3,Vale,institutions,GP practice,institution,no,A1",    # row 4
    "B1,Brook,places,Park,institution,no,none",              # row 5
]
SAMPLE = Sample(load_assets, HEADER, ROWS)


# -- the shipped file -------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> pd.DataFrame:
    return load_assets()


def test_shipped_file_loads_with_clean_types(shipped):
    assert list(shipped.columns) == list(SCHEMA.names)
    assert pd.api.types.is_bool_dtype(shipped["connector"])
    assert shipped["asset_id"].is_unique


def test_shipped_map_covers_the_four_neighbourhoods_and_six_types(shipped):
    assert sorted(shipped["neighbourhood"].unique()) == [
        "Canal Side", "Hollins Vale", "Millbrook", "Station Fields"]
    assert set(shipped["asset_type"]) == set(ASSET_TYPES)
    assert set(shipped["led_by"]) == {"community", "institution"}


def test_shipped_map_tells_the_story_of_the_module(shipped):
    counts = shipped.groupby("neighbourhood").size()
    # Station Fields, worst on the needs map, is the richest in assets; Canal Side the
    # thinnest, with no local economy and no culture and stories at all.
    assert counts.idxmax() == "Station Fields"
    assert counts.idxmin() == "Canal Side"
    canal = shipped[shipped["neighbourhood"] == "Canal Side"]
    assert not set(canal["asset_type"]) & {"economy", "culture"}
    assert shipped["connector"].sum() >= 10


def test_every_link_in_the_shipped_map_is_to_a_known_asset(shipped):
    known = set(shipped["asset_id"])
    for asset_id, text in zip(shipped["asset_id"], shipped["links_to"], strict=True):
        assert set(parse_links(text)) <= known - {asset_id}


def test_data_dictionary_says_the_data_are_synthetic():
    text = shipped_path("assets.md").read_text(encoding="utf-8")
    assert "synthetic" in text.lower()
    for column in SCHEMA.names:
        assert f"`{column}`" in text, column
    assert "McKnight" in text


@pytest.mark.parametrize(("text", "expected"), [
    ("A002;A007", ("A002", "A007")),
    (" A002 ; A007 ", ("A002", "A007")),
    ("A002, A007 A009", ("A002", "A007", "A009")),
    ("none", ()),
    ("None", ()),
    ("", ()),
])
def test_parse_links(text, expected):
    assert parse_links(text) == expected


# -- files that load ------------------------------------------------------------------------


def test_good_file_loads(write):
    frame = load_assets(write(SAMPLE.csv()))
    assert frame["asset_id"].tolist() == ["A1", "A2", "A3", "B1"]
    assert frame["connector"].tolist() == [True, False, False, False]
    assert frame["links_to"].tolist() == ["A2;A3", "none", "A1", "none"]


def test_windows_1252_file_is_accepted(write):
    path = write(SAMPLE.with_cell(3, "name", "Café owner"), encoding="cp1252")
    assert b"\xe9" in path.read_bytes()
    assert load_assets(path)["name"].tolist()[1] == "Café owner"


def test_asset_types_are_case_insensitive(write):
    frame = load_assets(write(SAMPLE.with_cell(3, "asset_type", "Gifts")))
    assert frame["asset_type"].tolist()[1] == "gifts"


# -- files that do not load --------------------------------------------------------------------


@pytest.mark.parametrize(("row", "column", "value", "message"), [
    (3, "asset_type", "charity", "'charity' is not one of the six asset types"),
    (4, "led_by", "council", "'council' is not 'community' or 'institution'"),
    (5, "connector", "often", "'often' is not yes or no"),
])
def test_bad_value_at_a_known_row(write, row, column, value, message):
    err = SAMPLE.refused(write(SAMPLE.with_cell(row, column, value)))
    assert (err.column, err.row) == (column, row)
    assert message in str(err)


def test_blank_links_say_to_write_none(write):
    err = SAMPLE.refused(write(SAMPLE.with_cell(3, "links_to", "")))
    assert (err.column, err.row) == ("links_to", 3)
    assert "a value is missing" in str(err)
    assert "Write none if the asset links to no other" in str(err)


def test_blank_name_is_the_usual_missing_value(write):
    err = SAMPLE.refused(write(SAMPLE.with_cell(4, "name", "")))
    assert (err.column, err.row) == ("name", 4)
    assert "Fill in every cell" in str(err)


def test_duplicate_id(write):
    err = SAMPLE.refused(write(SAMPLE.with_cell(4, "asset_id", "A1")))
    assert (err.column, err.row) == ("asset_id", 4)
    assert "the id A1 is used twice" in str(err)


def test_link_to_an_unknown_asset(write):
    err = SAMPLE.refused(write(SAMPLE.with_cell(4, "links_to", "A1;Z9")))
    assert (err.column, err.row) == ("links_to", 4)
    assert "'Z9' is not the id of any asset in the file" in str(err)
    assert "separated by semicolons" in str(err)


def test_link_to_itself(write):
    err = SAMPLE.refused(write(SAMPLE.with_cell(3, "links_to", "A2")))
    assert (err.column, err.row) == ("links_to", 3)
    assert "A2 links to itself" in str(err)


def test_link_to_an_asset_further_down_the_file_is_fine(write):
    frame = load_assets(write(SAMPLE.with_cell(2, "links_to", "B1")))
    assert frame["links_to"].tolist()[0] == "B1"


