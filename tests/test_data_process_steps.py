"""Tests for compass_widgets.data.process_steps: the shipped process and learners' broken files.

Row numbers are spreadsheet row numbers: the header is row 1, the first step row 2.
"""

from __future__ import annotations

import pandas as pd
import pytest

from compass_widgets.data.process_steps import (
    FEATURE_IDS,
    PRINCIPLE_IDS,
    SCHEMA,
    load_process_steps,
)

from .data_support import Sample

HEADER = ",".join(SCHEMA.names)
FEATURES_NO = ",".join(["no"] * 6)
ROWS = [
    f"1,Getting in touch,You phone us.,Adviser,{FEATURES_NO},2,2,2,1,1,1",          # row 2
    "2,Waiting,Nobody calls.,Team,no,yes,no,no,no,no,1,1,0,0,0,1",                  # row 3
    "3,Telling your story,Again.,Officer,yes,no,no,no,no,no,0,1,1,1,1,1",           # row 4
]
SAMPLE = Sample(load_process_steps, HEADER, ROWS)


# -- the shipped process ---------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> pd.DataFrame:
    return load_process_steps()


def test_shipped_process_has_twelve_steps_in_order(shipped):
    assert list(shipped.columns) == list(SCHEMA.names)
    assert shipped["step"].tolist() == list(range(1, 13))
    assert shipped["step_name"].is_unique
    assert shipped["step_name"].iloc[0] == "Getting in touch"


def test_shipped_process_types(shipped):
    for name in FEATURE_IDS:
        assert pd.api.types.is_bool_dtype(shipped[name]), name
    for name in ("step", *PRINCIPLE_IDS):
        assert pd.api.types.is_integer_dtype(shipped[name]), name
    assert shipped[list(PRINCIPLE_IDS)].isin([0, 1, 2, 3]).all().all()


def test_shipped_process_has_every_feature_and_is_set_in_ashworth(shipped):
    for name in FEATURE_IDS:
        assert shipped[name].any(), name
    text = " ".join(shipped["description"])
    for place in ("Millbrook", "Station Fields", "Canal Side", "Hollins Vale"):
        assert place in text or place in " ".join(shipped["who"]), place


# -- files that load ---------------------------------------------------------------------


def test_good_file_loads_with_clean_types(write):
    frame = load_process_steps(write(SAMPLE.csv()))
    assert frame["step"].tolist() == [1, 2, 3]
    assert frame["unexplained_wait"].tolist() == [False, True, False]
    assert frame["safety"].tolist() == [2, 1, 0]


def test_windows_1252_file_is_accepted(write):
    text = "Told to wait – no date given; £0 paid"
    path = write(SAMPLE.with_cell(3, "description", text), encoding="cp1252")
    assert b"\x96" in path.read_bytes()  # really cp1252: the en dash
    assert load_process_steps(path)["description"].iloc[1] == text


# -- files that do not load ----------------------------------------------------------------


def test_header_only(write):
    err = SAMPLE.refused(write(HEADER + "\n"))
    assert (err.column, err.row) == (None, None)
    assert "Add at least one step" in str(err)


@pytest.mark.parametrize(("row", "column", "value", "message"), [
    (3, "safety", "4", "'4' is not a score from 0 to 3"),
    (4, "trust", "high", "'high' is not a score from 0 to 3"),
    (2, "choice", "-1", "'-1' is not a score from 0 to 3"),
    (3, "retell_story", "sometimes", "'sometimes' is not yes or no"),
    (4, "step", "0", "'0' is not a step number"),
    (3, "who", " ", "a value is missing"),
])
def test_bad_value_at_a_known_row(write, row, column, value, message):
    err = SAMPLE.refused(write(SAMPLE.with_cell(row, column, value)))
    assert (err.column, err.row) == (column, row)
    assert message in str(err)


def test_score_that_is_not_whole(write):
    err = SAMPLE.refused(write(SAMPLE.with_cell(4, "empowerment", "1.5")))
    assert (err.column, err.row) == ("empowerment", 4)
    assert "'1.5' is not a whole number" in str(err)
    assert "from 0 (not at all) to 3 (fully)" in str(err)


def test_step_number_that_is_not_whole(write):
    err = SAMPLE.refused(write(SAMPLE.with_cell(3, "step", "2.5")))
    assert (err.column, err.row) == ("step", 3)


def test_repeated_step_number(write):
    err = SAMPLE.refused(write(SAMPLE.with_cell(4, "step", "2")))
    assert (err.column, err.row) == ("step", 4)
    assert "step number '2' appears twice" in str(err)


def test_repeated_step_name(write):
    err = SAMPLE.refused(write(SAMPLE.with_cell(4, "step_name", "Waiting")))
    assert (err.column, err.row) == ("step_name", 4)
    assert "the step name 'Waiting' appears twice" in str(err)
