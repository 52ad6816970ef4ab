"""Tests for compass_widgets.data.situations: the shipped file, its regeneration, and broken files.

Row numbers are spreadsheet row numbers: the header is row 1, the first situation row 2.
"""

from __future__ import annotations

import pandas as pd
import pytest

from compass_widgets.data.situations import SCHEMA, load_situations
from compass_widgets.datasets import shipped_path
from compass_widgets.models.routes import QUESTION_KEYS, ROUTE_KEYS, check_situations

from .data_support import Sample

NEIGHBOURHOODS = {"Hollins Vale", "Millbrook", "Station Fields", "Canal Side", "All of Ashworth"}
HEADER = ",".join(SCHEMA.names)
ROWS = [
    "S1,Community chest,Millbrook,Small grants,yes,no,no,no,no,no,no,no,no,grant,no,Light",  # 2
    "S2,Parks,Canal Side,Mowing,no,no,no,no,no,no,no,yes,yes,open,no,Clear spec",            # 3
    "S3,Clinics,Hollins Vale,Doing well,no,yes,no,no,yes,yes,no,yes,yes,"
    "psr_direct_award_c,no,Keep",                                                             # 4
]
SAMPLE = Sample(load_situations, HEADER, ROWS)


# -- the shipped file --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> pd.DataFrame:
    return load_situations()


def test_shipped_file_loads_with_clean_types(shipped):
    assert len(shipped) == 14
    assert list(shipped.columns) == list(SCHEMA.names)
    assert shipped["situation_id"].tolist() == [f"S{i:02d}" for i in range(1, 15)]
    for key in [*QUESTION_KEYS, "commissioner_alliance"]:
        assert pd.api.types.is_bool_dtype(shipped[key]), key
    assert set(shipped["neighbourhood"]) <= NEIGHBOURHOODS


def test_every_route_appears_at_least_once(shipped):
    assert set(shipped["commissioner_route"]) == set(ROUTE_KEYS)
    assert shipped["commissioner_alliance"].sum() == 2


def test_the_tool_agrees_with_the_experienced_commissioner_everywhere(shipped):
    table = check_situations(shipped)
    assert table["agree"].all(), table[~table["agree"]]


def test_data_dictionary_says_synthetic_and_not_legal_advice():
    text = shipped_path("situations.md").read_text(encoding="utf-8")
    assert "**These data are synthetic.**" in text
    assert "learning aid, not legal advice" in text
    for column in SCHEMA.names:
        assert f"`{column}`" in text, column
    for route in ROUTE_KEYS:
        assert f"`{route}`" in text, route


# -- learners' files that load ------------------------------------------------------------------


def test_good_file_loads(write):
    frame = load_situations(write(SAMPLE.csv()))
    assert frame["commissioner_route"].tolist() == ["grant", "open", "psr_direct_award_c"]
    assert frame["is_grant"].tolist() == [True, False, False]
    assert check_situations(frame)["agree"].all()


def test_windows_1252_file_with_a_pound_sign_is_accepted(write):
    path = write(SAMPLE.with_cell(3, "description", "Mowing for £900k"), encoding="cp1252")
    assert b"\xa3" in path.read_bytes()
    assert load_situations(path)["description"].tolist()[1] == "Mowing for £900k"


def test_route_labels_are_case_insensitive(write):
    frame = load_situations(write(SAMPLE.with_cell(3, "commissioner_route", "OPEN")))
    assert frame["commissioner_route"].tolist()[1] == "open"


# -- learners' files that do not load ------------------------------------------------------------


def test_bad_yes_no_at_a_known_row(write):
    err = SAMPLE.refused(write(SAMPLE.with_cell(3, "above_threshold", "maybe")))
    assert (err.column, err.row) == ("above_threshold", 3)
    assert "'maybe' is not yes or no" in str(err)


def test_bad_route_at_a_known_row(write):
    err = SAMPLE.refused(write(SAMPLE.with_cell(4, "commissioner_route", "direct award")))
    assert (err.column, err.row) == ("commissioner_route", 4)
    assert "'direct award' is not a route" in str(err)
    assert "Use one of: grant, below_threshold, open" in str(err)


def test_header_only(write):
    err = SAMPLE.refused(write(HEADER + "\n"))
    assert "Add at least one situation" in str(err)
