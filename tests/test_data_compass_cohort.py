"""Tests for compass_widgets.data.compass_cohort: the synthetic cohort and tutors' own files.

Row numbers are spreadsheet row numbers: the header is row 1, the first learner row 2.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from compass_widgets.data.compass_cohort import LEARNERS, SCHEMA, load_compass_cohort
from compass_widgets.data.compass_statements import DIMENSION_IDS
from compass_widgets.errors import CompassDataError

HEADER = ",".join(SCHEMA.names)
ROWS = [
    "L01,3,3.5,2,2,2.25,3,3,4",       # row 2
    "L02,4,4,3,2.5,3,3.2,2.8,3",      # row 3
    "L03,1,2,1.5,1,1,2,2,2.75",       # row 4
]


def _csv(rows: list[str] = ROWS, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def _with(row: int, column: str, value: str) -> str:
    lines = [line.split(",") for line in ROWS]
    lines[row - 2][SCHEMA.names.index(column)] = value
    return _csv([",".join(line) for line in lines])


@pytest.fixture
def write(tmp_path):
    def write(text: str | bytes, encoding: str = "utf-8") -> Path:
        path = tmp_path / "cohort.csv"
        path.write_bytes(text if isinstance(text, bytes) else text.encode(encoding))
        return path
    return write


def _error(path: Path) -> CompassDataError:
    with pytest.raises(CompassDataError) as info:
        load_compass_cohort(path)
    err = info.value
    assert err.file == str(path)
    assert err.hint and err.hint in str(err)
    return err


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
    frame = load_compass_cohort(write(_csv()))
    assert frame["learner"].tolist() == ["L01", "L02", "L03"]
    assert frame["governance"].tolist() == [2.25, 3.0, 1.0]


def test_extra_columns_such_as_a_date_are_kept(write):
    frame = load_compass_cohort(write(_csv([r + ",2026" for r in ROWS], HEADER + ",year")))
    assert frame["year"].tolist() == ["2026"] * 3


def test_windows_1252_file_is_accepted(write):
    path = write(_with(3, "learner", "Zoë"), encoding="cp1252")
    assert b"\xeb" in path.read_bytes()
    assert load_compass_cohort(path)["learner"].tolist()[1] == "Zoë"


# -- files that do not load ----------------------------------------------------------------


def test_header_only(write):
    err = _error(write(HEADER + "\n"))
    assert "Add at least one learner" in str(err)


def test_wrong_columns_from_another_survey(write):
    header = "name,vision,partnership,localism,power,governance,measurement,contracting,workforce"
    err = _error(write(_csv(header=header)))
    assert (err.column, err.row) == ("learner", None)
    assert "missing columns learner, purpose, relationships, place" in str(err)
    assert "vision" in str(err)  # the tutor sees what their header says


@pytest.mark.parametrize(("row", "column", "value"), [
    (3, "power", "6"), (4, "place", "0.5"), (2, "workforce", "n/a"),
])
def test_score_out_of_range_at_a_known_row(write, row, column, value):
    err = _error(write(_with(row, column, value)))
    assert (err.column, err.row) == (column, row)
    assert f"'{value}' is not a score from 1 to 5" in str(err)


def test_blank_score(write):
    err = _error(write(_with(4, "measurement", "")))
    assert (err.column, err.row) == ("measurement", 4)
    assert "a value is missing" in str(err)


def test_repeated_learner(write):
    err = _error(write(_with(4, "learner", "L01")))
    assert (err.column, err.row) == ("learner", 4)
    assert "the learner code 'L01' appears twice" in str(err)
