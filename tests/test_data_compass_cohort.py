"""Tests for compass_widgets.data.compass_cohort: the synthetic cohort and tutors' own files.

Row numbers are spreadsheet row numbers: the header is row 1, the first learner row 2.
"""

from __future__ import annotations

import pandas as pd
import pytest

from compass_widgets.data.compass_cohort import LEARNERS, SCHEMA, load_compass_cohort
from compass_widgets.data.compass_statements import DIMENSION_IDS

from .data_support import Sample

HEADER = ",".join(SCHEMA.names)
ROWS = [
    "L01,3,3.5,2,2,2.25,3,3,4",       # row 2
    "L02,4,4,3,2.5,3,3.2,2.8,3",      # row 3
    "L03,1,2,1.5,1,1,2,2,2.75",       # row 4
]
SAMPLE = Sample(load_compass_cohort, HEADER, ROWS)


# -- the shipped cohort ------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> pd.DataFrame:
    return load_compass_cohort()


def test_thirty_anonymous_learners_with_a_score_per_dimension(shipped):
    assert len(shipped) == LEARNERS == 30
    assert list(shipped.columns) == ["learner", *DIMENSION_IDS]
    assert shipped["learner"].str.fullmatch(r"L\d\d").all()
    for dimension in DIMENSION_IDS:
        assert shipped[dimension].between(1, 5).all(), dimension
        assert shipped[dimension].dtype == "float64"


def test_scores_spread_out_and_power_and_governance_run_lowest(shipped):
    means = shipped[list(DIMENSION_IDS)].mean()
    assert (shipped[list(DIMENSION_IDS)].max() - shipped[list(DIMENSION_IDS)].min() > 1.5).all()
    assert set(means.nsmallest(2).index) == {"power", "governance"}
    assert means.idxmax() == "relationships"


# -- files that load ---------------------------------------------------------------------


def test_good_file_loads(write):
    frame = load_compass_cohort(write(SAMPLE.csv()))
    assert frame["learner"].tolist() == ["L01", "L02", "L03"]
    assert frame["governance"].tolist() == [2.25, 3.0, 1.0]


def test_extra_columns_such_as_a_date_are_kept(write):
    frame = load_compass_cohort(write(SAMPLE.csv([r + ",2026" for r in ROWS], HEADER + ",year")))
    assert frame["year"].tolist() == ["2026"] * 3


def test_windows_1252_file_is_accepted(write):
    path = write(SAMPLE.with_cell(3, "learner", "Zoë"), encoding="cp1252")
    assert b"\xeb" in path.read_bytes()
    assert load_compass_cohort(path)["learner"].tolist()[1] == "Zoë"


# -- files that do not load ----------------------------------------------------------------


def test_header_only(write):
    err = SAMPLE.refused(write(HEADER + "\n"))
    assert "Add at least one learner" in str(err)


def test_wrong_columns_from_another_survey(write):
    header = "name,vision,partnership,localism,power,governance,measurement,contracting,workforce"
    err = SAMPLE.refused(write(SAMPLE.csv(header=header)))
    assert (err.column, err.row) == ("learner", None)
    assert "missing columns learner, purpose, relationships, place" in str(err)
    assert "vision" in str(err)  # the tutor sees what their header says


@pytest.mark.parametrize(("row", "column", "value"), [
    (3, "power", "6"), (4, "place", "0.5"), (2, "workforce", "n/a"),
])
def test_score_out_of_range_at_a_known_row(write, row, column, value):
    err = SAMPLE.refused(write(SAMPLE.with_cell(row, column, value)))
    assert (err.column, err.row) == (column, row)
    assert f"'{value}' is not a score from 1 to 5" in str(err)


def test_blank_score(write):
    err = SAMPLE.refused(write(SAMPLE.with_cell(4, "measurement", "")))
    assert (err.column, err.row) == ("measurement", 4)
    assert "a value is missing" in str(err)


def test_repeated_learner(write):
    err = SAMPLE.refused(write(SAMPLE.with_cell(4, "learner", "L01")))
    assert (err.column, err.row) == ("learner", 4)
    assert "the learner code 'L01' appears twice" in str(err)
