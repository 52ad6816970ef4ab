"""Tests for compass_widgets.data.kpi_returns: the shipped returns and learners' broken files.

Row numbers are spreadsheet row numbers: the header is row 1, the first referral row 2.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from compass_widgets.data import kpi_returns
from compass_widgets.data.kpi_returns import SCHEMA, load_kpi_returns
from compass_widgets.datasets import shipped_path
from compass_widgets.models.measures import MeasureAnalysis

from .data_support import Sample

HEADER = ",".join(SCHEMA.names)
ROWS = [
    "R1,Hollins Vale Trust,2025-26 Q1,low,yes,12,yes",  # row 2
    "R2,Hollins Vale Trust,2025-26 Q1,high,no,n/a,no",  # row 3
    "R3,Canal Side Care,2025-26 Q2,medium,yes,27,yes",  # row 4
    "R4,Canal Side Care,2025-26 Q2,high,no,N/A,yes",  # row 5
]
SAMPLE = Sample(load_kpi_returns, HEADER, ROWS)


# -- the shipped returns -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> pd.DataFrame:
    return load_kpi_returns()


@pytest.fixture(scope="module")
def shipped_analysis(shipped) -> MeasureAnalysis:
    return MeasureAnalysis(shipped)


def test_shipped_returns_load_with_the_columns_and_types(shipped):
    assert list(shipped.columns) == list(SCHEMA.names)
    assert len(shipped) == 3100
    assert shipped["case_id"].is_unique
    assert pd.api.types.is_bool_dtype(shipped["accepted"])
    assert pd.api.types.is_bool_dtype(shipped["improved"])
    assert shipped["days_to_first"].dtype == "float64"
    # A first appointment for everyone taken on, and for nobody turned away.
    assert shipped.loc[shipped["accepted"], "days_to_first"].notna().all()
    assert shipped.loc[~shipped["accepted"], "days_to_first"].isna().all()
    assert sorted(shipped["quarter"].unique()) == list(kpi_returns.QUARTERS)


def test_each_measure_crowns_a_different_provider(shipped_analysis):
    firsts = {m: shipped_analysis.ranking(m).index[0] for m in ("target_met", "improved_rate",
                                                                 "outcomes_per_referral")}
    assert firsts == {"target_met": "Canal Side Care Ltd",
                      "improved_rate": "Canal Side Care Ltd",
                      "outcomes_per_referral": "Ashworth Peer Network"}
    ranks = shipped_analysis.ranks()
    assert ranks.loc["Ashworth Peer Network", "target_met"] == 5  # last on the target
    assert ranks.loc["Canal Side Care Ltd", "outcomes_per_referral"] >= 4
    assert ranks.loc["Station Fields Support CIC", "outcomes_per_referral"] == 5


def test_the_gaming_providers_show_the_signs_and_the_others_do_not(shipped_analysis):
    table = shipped_analysis.by_provider()
    assert set(table.index[table["bunching_sign"]]) == {"Canal Side Care Ltd",
                                                         "Millbrook Wellbeing Partnership"}
    assert set(table.index[table["creaming_sign"]]) == {"Canal Side Care Ltd",
                                                         "Station Fields Support CIC"}


def test_millbrook_starts_bunching_after_the_first_quarter(shipped_analysis):
    by_quarter = {q: shipped_analysis.filter(quarter=q).by_provider().loc[
        "Millbrook Wellbeing Partnership", "bunching_index"] for q in kpi_returns.QUARTERS}
    assert by_quarter["2025-26 Q1"] < 2 < by_quarter["2025-26 Q2"]
    assert by_quarter["2025-26 Q4"] > 2


def test_the_data_dictionary_tells_the_same_story(shipped_analysis):
    dictionary = shipped_path("kpi_returns.md").read_text(encoding="utf-8")
    assert "synthetic" in dictionary and "Lowe and Wilson" in dictionary
    table = shipped_analysis.by_provider()
    for provider, row in table.iterrows():
        line = next(line for line in dictionary.splitlines() if line.startswith(f"| {provider}"))
        assert f"{row['target_met']:.0%}" in line
        assert f"{row['bunching_index']:.1f}" in line
        assert f"{row['creaming_index']:.2f}" in line
    for column in SCHEMA.names:
        assert f"`{column}`" in dictionary, column


# -- files that load -------------------------------------------------------------------------


def test_good_file_loads_with_clean_types(write):
    frame = load_kpi_returns(write(SAMPLE.csv()))
    assert frame["accepted"].tolist() == [True, False, True, False]
    assert frame["improved"].tolist() == [True, False, True, True]
    days = frame["days_to_first"].tolist()
    assert days[0] == 12.0 and days[2] == 27.0
    assert math.isnan(days[1]) and math.isnan(days[3])  # "n/a" and "N/A"


@pytest.mark.parametrize("written", ["na", "None", "-", " n/a "])
def test_other_ways_of_writing_not_applicable(write, written):
    frame = load_kpi_returns(write(SAMPLE.with_cell(3, "days_to_first", written)))
    assert math.isnan(frame["days_to_first"].tolist()[1])


def test_a_turned_away_referral_may_give_its_days(write):
    # Some services turn people away after a first appointment: the days are kept.
    frame = load_kpi_returns(write(SAMPLE.with_cell(3, "days_to_first", "9")))
    assert frame["days_to_first"].tolist()[1] == 9.0


def test_windows_1252_file_is_accepted(write):
    path = write(SAMPLE.with_cell(2, "provider", "Café Recovery £"), encoding="cp1252")
    assert b"\xe9" in path.read_bytes()
    assert load_kpi_returns(path)["provider"].tolist()[0] == "Café Recovery £"


# -- files that do not load: what, where, and what to do ---------------------------------------


@pytest.mark.parametrize(("row", "column", "value", "words"), [
    (4, "complexity", "very high", "'very high' is not a level of complexity"),
    (3, "accepted", "pending", "'pending' is not yes or no"),
    (5, "improved", "a bit", "'a bit' is not yes or no"),
    (2, "days_to_first", "three weeks", "'three weeks' is not a number of days (0 or more) or n/a"),
    (4, "days_to_first", "-2", "'-2' is not a number of days"),
])
def test_bad_value_at_a_known_row(write, row, column, value, words):
    err = SAMPLE.refused(write(SAMPLE.with_cell(row, column, value)))
    assert (err.column, err.row) == (column, row)
    assert words in str(err)


def test_an_accepted_referral_needs_its_days(write):
    err = SAMPLE.refused(write(SAMPLE.with_cell(4, "days_to_first", "n/a")))
    assert (err.column, err.row) == ("days_to_first", 4)
    assert "accepted, so it needs the days to its first appointment" in str(err)
    assert "change accepted to no" in str(err)


def test_a_blank_days_cell_is_named(write):
    # The shared loader reports a blank cell before this one can suggest "n/a".
    err = SAMPLE.refused(write(SAMPLE.with_cell(3, "days_to_first", "")))
    assert (err.column, err.row) == ("days_to_first", 3)
    assert "a value is missing" in str(err)


def test_header_only(write):
    err = SAMPLE.refused(write(HEADER + "\n"))
    assert "Add at least one referral" in str(err)
