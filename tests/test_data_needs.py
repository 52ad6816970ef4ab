"""Tests for compass_widgets.data.needs: the shipped needs map and learners' broken files.

Row numbers are spreadsheet row numbers: the header is row 1, the first figure row 2.
"""

from __future__ import annotations

import pandas as pd
import pytest

from compass_widgets.data import needs
from compass_widgets.data.needs import SCHEMA, load_needs
from compass_widgets.datasets import shipped_path

from .data_support import Sample

HEADER = ",".join(SCHEMA.names)
ROWS = [
    "Vale,Older people living alone,40",     # row 2
    "Vale,Households in fuel poverty,10.5",  # row 3
    "Brook,Older people living alone,20",    # row 4
    "Brook,Households in fuel poverty,30",   # row 5
]
SAMPLE = Sample(load_needs, HEADER, ROWS)


# -- the shipped file -------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> pd.DataFrame:
    return load_needs()


def test_shipped_file_has_four_indicators_for_each_neighbourhood(shipped):
    assert list(shipped.columns) == list(SCHEMA.names)
    assert shipped["percent"].dtype == "float64"
    table = shipped.pivot(index="neighbourhood", columns="indicator", values="percent")
    assert table.shape == (4, 4)
    assert table.notna().all().all()
    assert ((table > 0) & (table < 100)).all().all()


def test_station_fields_looks_worst_and_millbrook_best(shipped):
    table = shipped.pivot(index="neighbourhood", columns="indicator", values="percent")
    relative = (table / table.mean()).mean(axis=1)
    assert relative.idxmax() == "Station Fields"
    assert relative.idxmin() == "Millbrook"
    # Millbrook has the lowest figure on every indicator.
    assert (table.idxmin() == "Millbrook").all()


def test_jitter_never_changes_a_ranking():
    # Each figure moves by at most JITTER, so two central figures closer than twice
    # the jitter could swap places: none are.
    for figures in needs.NEEDS.values():
        ordered = sorted(figures)
        assert all(b - a > 2 * needs.JITTER for a, b in zip(ordered, ordered[1:], strict=False))


def test_data_dictionary_says_the_data_are_synthetic_and_names_its_sources():
    text = shipped_path("needs.md").read_text(encoding="utf-8")
    assert "synthetic" in text.lower()
    for column in SCHEMA.names:
        assert f"`{column}`" in text, column
    assert text.count("https://") >= 4  # a public figure for each indicator's scale


# -- files that load ------------------------------------------------------------------------


def test_good_file_loads(write):
    frame = load_needs(write(SAMPLE.csv()))
    assert frame["percent"].tolist() == [40.0, 10.5, 20.0, 30.0]


def test_windows_1252_file_is_accepted(write):
    path = write(SAMPLE.with_cell(2, "neighbourhood", "Vale Café quarter"), encoding="cp1252")
    assert b"\xe9" in path.read_bytes()
    assert load_needs(path)["neighbourhood"].tolist()[0] == "Vale Café quarter"


# -- files that do not load --------------------------------------------------------------------


@pytest.mark.parametrize(("value", "row"), [("14%", 3), ("120", 4), ("-1", 5), ("high", 2)])
def test_bad_percentage_at_a_known_row(write, value, row):
    err = SAMPLE.refused(write(SAMPLE.with_cell(row, "percent", value)))
    assert (err.column, err.row) == ("percent", row)
    assert f"'{value}' is not a percentage from 0 to 100" in str(err)
    assert "without a % sign" in str(err)


def test_same_indicator_twice_for_a_neighbourhood(write):
    err = SAMPLE.refused(write(SAMPLE.with_cell(4, "neighbourhood", "Vale")))
    assert (err.column, err.row) == ("indicator", 4)
    assert "Vale has 'Older people living alone' twice" in str(err)


