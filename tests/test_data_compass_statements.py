"""Tests for compass_widgets.data.compass_statements: the course's statements and edited copies.

Row numbers are spreadsheet row numbers: the header is row 1, the first statement row 2.
"""

from __future__ import annotations

import pandas as pd
import pytest

from compass_widgets.data.compass_statements import (
    DIMENSION_IDS,
    SCHEMA,
    load_compass_statements,
)

from .data_support import Sample

HEADER = ",".join(SCHEMA.names)
ROWS = [
    "purpose-1,purpose,We know why.,We buy services.,Mixed.,We know the difference,yes",    # 2
    "purpose-2,purpose,We start with people.,Last year's contracts.,Some.,People shape it,no",  # 3
    "power-1,power,Staff can act.,Sign-off needed.,Some discretion.,Trusted judgement,yes",  # 4
]
SAMPLE = Sample(load_compass_statements, HEADER, ROWS)


# -- the shipped statements ------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> pd.DataFrame:
    return load_compass_statements()


def test_eight_dimensions_of_four_to_six_statements(shipped):
    counts = shipped.groupby("dimension").size()
    assert list(shipped["dimension"].drop_duplicates()) == list(DIMENSION_IDS)
    assert counts.between(4, 6).all(), counts
    assert shipped["statement_id"].is_unique


def test_one_quick_statement_per_dimension(shipped):
    quick = shipped[shipped["quick"]]
    assert sorted(quick["dimension"]) == sorted(DIMENSION_IDS)


def test_every_statement_has_three_anchors_in_plain_words(shipped):
    for column in ("statement", "anchor_1", "anchor_3", "anchor_5"):
        texts = shipped[column]
        assert (texts.str.len() > 10).all(), column
        assert texts.str.endswith(".").all(), column
        assert (texts.str.len() < 140).all(), column  # short enough to read at a glance


# -- files that load ---------------------------------------------------------------------


def test_good_file_loads(write):
    frame = load_compass_statements(write(SAMPLE.csv()))
    assert frame["statement_id"].tolist() == ["purpose-1", "purpose-2", "power-1"]
    assert frame["quick"].tolist() == [True, False, True]


def test_dimension_ids_are_not_case_sensitive(write):
    frame = load_compass_statements(write(SAMPLE.with_cell(4, "dimension", "Power")))
    assert frame["dimension"].tolist()[-1] == "power"


def test_windows_1252_file_is_accepted(write):
    path = write(SAMPLE.with_cell(3, "anchor_1", "We spend £2m – the same as last year."),
                 encoding="cp1252")
    assert b"\xa3" in path.read_bytes()
    assert load_compass_statements(path)["anchor_1"].iloc[1] == (
        "We spend £2m – the same as last year.")


# -- files that do not load ----------------------------------------------------------------


def test_unknown_dimension_at_a_known_row(write):
    err = SAMPLE.refused(write(SAMPLE.with_cell(3, "dimension", "vision")))
    assert (err.column, err.row) == ("dimension", 3)
    assert "'vision' is not one of the course's dimensions" in str(err)
    assert "Use one of: purpose, relationships" in str(err)


def test_bad_quick_flag(write):
    err = SAMPLE.refused(write(SAMPLE.with_cell(4, "quick", "maybe")))
    assert (err.column, err.row) == ("quick", 4)


def test_repeated_statement_id(write):
    err = SAMPLE.refused(write(SAMPLE.with_cell(4, "statement_id", "purpose-1")))
    assert (err.column, err.row) == ("statement_id", 4)
    assert "the statement id 'purpose-1' appears twice" in str(err)
