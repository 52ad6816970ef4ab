"""Tests for compass_widgets.datasets: the shipped log and a corpus of learners' broken files.

Row numbers are spreadsheet row numbers: the header is row 1, the first contact row 2.
"""

from __future__ import annotations

import pandas as pd
import pytest

from compass_widgets.datasets import CONTACT_COLUMNS, load_contacts, read_text, shipped_path
from compass_widgets.errors import CompassDataError

from .data_support import Sample

HEADER = "contact_id,date,channel,service,reason,demand_type,repeat_contact,minutes"
ROWS = [
    "C1,2025-04-01,Phone,Repairs,New repair,value,no,8",          # row 2
    "C2,2025-04-02,Phone,Repairs,Chase repair,failure,yes,10",    # row 3
    "C3,2025-04-03,Email,Repairs,Chase repair,failure,yes,20",    # row 4
    "C4,2025-04-04,Web form,Waste,New bin,value,no,4",            # row 5
]
SAMPLE = Sample(load_contacts, HEADER, ROWS)


# -- the shipped log ---------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> pd.DataFrame:
    return load_contacts()


def test_shipped_log_has_5000_rows_and_the_columns(shipped):
    assert len(shipped) == 5000
    assert list(shipped.columns) == list(CONTACT_COLUMNS)
    assert shipped["contact_id"].is_unique


def test_shipped_log_dtypes(shipped):
    assert pd.api.types.is_datetime64_any_dtype(shipped["date"])
    assert pd.api.types.is_bool_dtype(shipped["repeat_contact"])
    assert shipped["minutes"].dtype == "float64"
    for column in ("contact_id", "channel", "service", "reason", "demand_type"):
        assert pd.api.types.is_string_dtype(shipped[column]), column


def test_shipped_log_has_both_demand_types(shipped):
    assert set(shipped["demand_type"]) == {"value", "failure"}
    counts = shipped["demand_type"].value_counts()
    assert counts["value"] > 500 and counts["failure"] > 500


def test_shipped_log_dates_are_within_the_financial_year(shipped):
    assert shipped["date"].min() >= pd.Timestamp("2025-04-01")
    assert shipped["date"].max() <= pd.Timestamp("2026-03-31")
    assert shipped["date"].dt.to_period("M").nunique() == 12


def test_shipped_log_minutes_and_flags_are_sensible(shipped):
    assert (shipped["minutes"] >= 0).all()
    assert shipped["repeat_contact"].any() and not shipped["repeat_contact"].all()


def test_loading_the_shipped_path_explicitly_gives_the_same_frame(shipped):
    pd.testing.assert_frame_equal(load_contacts(shipped_path("contacts.csv")), shipped)


# -- files that load -----------------------------------------------------------------


def test_good_file_loads_with_clean_types(write):
    frame = load_contacts(write(SAMPLE.csv()))
    assert frame["contact_id"].tolist() == ["C1", "C2", "C3", "C4"]
    assert frame["date"].tolist() == [pd.Timestamp(f"2025-04-0{d}") for d in range(1, 5)]
    assert frame["repeat_contact"].tolist() == [False, True, True, False]
    assert frame["minutes"].tolist() == [8.0, 10.0, 20.0, 4.0]


def test_uk_dates_are_accepted(write):
    frame = load_contacts(write(SAMPLE.with_cell(2, "date", "31/03/2026").replace("2025-04-02",
                                                                       "01/04/2025")))
    # 01/04/2025 is the first of April (day first), not the fourth of January.
    assert frame["date"].tolist()[:2] == [pd.Timestamp("2026-03-31"), pd.Timestamp("2025-04-01")]


def test_windows_1252_file_with_a_pound_sign_is_accepted(write):
    text = SAMPLE.with_cell(3, "reason", "Refund of £5 not paid")
    path = write(text, encoding="cp1252")
    assert b"\xa3" in path.read_bytes()  # really cp1252, not UTF-8
    assert load_contacts(path)["reason"].tolist()[1] == "Refund of £5 not paid"


def test_header_case_spaces_and_extra_columns_are_forgiven(write):
    header = " Contact_ID ,Date,Channel,Service,Reason,Demand_Type,Repeat_Contact,Minutes,Notes"
    rows = [row + ",note" for row in ROWS]
    frame = load_contacts(write(SAMPLE.csv(rows, header)))
    assert list(frame.columns) == [*CONTACT_COLUMNS, "notes"]


def test_values_are_trimmed_and_labels_are_case_insensitive(write):
    text = SAMPLE.csv(["C1, 2025-04-01 , Phone ,Repairs,New repair, FAILURE ,Y, 8 ",
                 "C2,2025-04-02,Phone,Repairs,New repair,Value,TRUE,0",
                 "C3,2025-04-02,Phone,Repairs,New repair,value,0,12.5"])
    frame = load_contacts(write(text))
    assert frame["channel"].tolist()[0] == "Phone"
    assert frame["demand_type"].tolist() == ["failure", "value", "value"]
    assert frame["repeat_contact"].tolist() == [True, True, False]
    assert frame["minutes"].tolist() == [8.0, 0.0, 12.5]


def test_a_100000_row_file_loads(write, shipped):
    lines = shipped_path("contacts.csv").read_text(encoding="utf-8").splitlines()
    path = write("\n".join([lines[0], *lines[1:] * 20]) + "\n", name="big.csv")
    frame = load_contacts(path)
    assert len(frame) == 100_000
    assert (frame["demand_type"] == "failure").sum() == 20 * (shipped["demand_type"]
                                                              == "failure").sum()
    assert frame["minutes"].sum() == 20 * shipped["minutes"].sum()


# -- files that do not load: what, where, and what to do --------------------------------


def test_missing_file(tmp_path):
    err = SAMPLE.refused(tmp_path / "nowhere.csv")
    assert (err.column, err.row) == (None, None)
    assert "file not found" in str(err)
    assert "Check the name and the folder" in str(err)


def test_header_only(write):
    err = SAMPLE.refused(write(HEADER + "\n"))
    assert (err.column, err.row) == (None, None)
    assert "header but no rows" in str(err)
    assert "Add at least one contact" in str(err)


def test_renamed_column_names_what_was_found(write):
    err = SAMPLE.refused(write(SAMPLE.csv(header=HEADER.replace("reason", "contact reason"))))
    assert (err.column, err.row) == ("reason", None)
    assert "missing column reason" in str(err)
    assert "contact reason" in str(err)  # the learner sees what their header says


def test_two_missing_columns_are_both_named(write):
    header = HEADER.replace("channel", "route").replace("service", "team")
    err = SAMPLE.refused(write(SAMPLE.csv(header=header)))
    assert err.column == "channel"
    assert "missing columns channel, service" in str(err)


def test_bad_date_at_a_known_row(write):
    err = SAMPLE.refused(write(SAMPLE.with_cell(4, "date", "30/02/2026")))
    assert (err.column, err.row) == ("date", 4)
    assert "'30/02/2026' is not a date" in str(err)
    assert "Write dates as 2026-03-31 or 31/03/2026" in str(err)


def test_american_date_is_refused(write):
    err = SAMPLE.refused(write(SAMPLE.with_cell(3, "date", "03/31/2026")))
    assert (err.column, err.row) == ("date", 3)


def test_bad_demand_type(write):
    err = SAMPLE.refused(write(SAMPLE.with_cell(5, "demand_type", "Failure demand")))
    assert (err.column, err.row) == ("demand_type", 5)
    assert "'Failure demand' is not a demand type" in str(err)
    assert "Use 'value'" in str(err)


def test_bad_repeat_flag(write):
    err = SAMPLE.refused(write(SAMPLE.with_cell(3, "repeat_contact", "maybe")))
    assert (err.column, err.row) == ("repeat_contact", 3)
    assert "'maybe' is not yes or no" in str(err)
    assert "Write yes or no" in str(err)


def test_negative_minutes(write):
    err = SAMPLE.refused(write(SAMPLE.with_cell(4, "minutes", "-5")))
    assert (err.column, err.row) == ("minutes", 4)
    assert "'-5' is not a number of minutes" in str(err)
    assert "Write the minutes as a plain number" in str(err)


def test_non_numeric_minutes(write):
    err = SAMPLE.refused(write(SAMPLE.with_cell(2, "minutes", "ten")))
    assert (err.column, err.row) == ("minutes", 2)
    assert "'ten' is not a number of minutes" in str(err)


def test_blank_cell(write):
    err = SAMPLE.refused(write(SAMPLE.with_cell(4, "channel", "  ")))
    assert (err.column, err.row) == ("channel", 4)
    assert "a value is missing" in str(err)
    assert "Fill in every cell" in str(err)


def test_short_line_is_reported_as_missing_values(write):
    rows = [*ROWS[:2], "C3,2025-04-03,Email,Repairs,Chase repair,failure", *ROWS[3:]]
    err = SAMPLE.refused(write(SAMPLE.csv(rows)))
    assert (err.column, err.row) == ("repeat_contact", 4)


def test_only_the_first_bad_row_is_reported(write):
    rows = [line.replace(",no,", ",perhaps,").replace(",yes,", ",perhaps,") for line in ROWS]
    err = SAMPLE.refused(write(SAMPLE.csv(rows)))
    assert (err.column, err.row) == ("repeat_contact", 2)


def test_bytes_no_encoding_can_read(tmp_path):
    # 0x81 is undefined in Windows-1252, and "\x81" alone is not UTF-8 either.
    path = tmp_path / "odd.csv"
    path.write_bytes((HEADER + "\n").encode() + b"C1,2025-04-01,Phone,Re\x81pairs\n")
    with pytest.raises(CompassDataError) as info:
        read_text(path)
    assert info.value.row == 2
    assert "CSV UTF-8" in str(info.value)


def test_badly_quoted_line_extra_comma(write):
    # An unquoted comma in the reason on spreadsheet row 3 gives that line nine fields.
    rows = [ROWS[0], "C2,2025-04-02,Phone,Repairs,Chase, repair,failure,yes,10", *ROWS[2:]]
    err = SAMPLE.refused(write(SAMPLE.csv(rows)))
    assert "not a well-formed CSV" in str(err)
    assert "check the commas on that line" in str(err)
    assert (err.column, err.row) == (None, 3)


def test_badly_quoted_line_unclosed_quote(write):
    # A quote opened on spreadsheet row 3 and never closed swallows the rest of the file.
    rows = [ROWS[0], 'C2,2025-04-02,"Phone,Repairs,Chase repair,failure,yes,10', *ROWS[2:]]
    err = SAMPLE.refused(write(SAMPLE.csv(rows)))
    assert "not a well-formed CSV" in str(err)
    assert (err.column, err.row) == (None, 3)


def test_error_message_format():
    err = CompassDataError("'minutes' must be a number", file="log.csv", column="minutes",
                           row=7, hint="Type a whole number.")
    assert str(err) == ("log.csv, column 'minutes', row 7: 'minutes' must be a number. "
                        "Type a whole number.")
    assert isinstance(err, ValueError)
    assert str(CompassDataError("no data")) == "no data."
