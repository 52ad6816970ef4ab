"""Tests for compass_widgets.data.vignettes: the shipped file, its regeneration, and broken files.

Row numbers are spreadsheet row numbers: the header is row 1, the first vignette row 2.
"""

from __future__ import annotations

import pandas as pd
import pytest

from compass_widgets.data import vignettes
from compass_widgets.data.vignettes import FEATURES, SCHEMA, load_vignettes
from compass_widgets.datasets import shipped_path
from compass_widgets.models.cynefin import DOMAINS, SortingExercise

from .data_support import Sample

NEIGHBOURHOODS = {"Hollins Vale", "Millbrook", "Station Fields", "Canal Side", "All of Ashworth"}
HEADER = ",".join(SCHEMA.names)
ROWS = [
    "V1,Millbrook,Waste,A new bin please,yes,yes,no,no,no,no,clear,Routine",        # row 2
    "V2,Canal Side,Housing,Damp again,no,no,yes,no,no,no,complicated,Surveyor",     # row 3
    "V3,Hollins Vale,Care,Rings 999 at night,no,no,yes,yes,yes,no,complex,Probe",   # row 4
    "V4,Station Fields,Emergency,Flats on fire,no,no,no,yes,yes,yes,chaotic,Act",   # row 5
]
SAMPLE = Sample(load_vignettes, HEADER, ROWS)


# -- the shipped file --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> pd.DataFrame:
    return load_vignettes()


def test_shipped_file_loads_with_clean_types(shipped):
    assert len(shipped) == 38
    assert list(shipped.columns) == list(SCHEMA.names)
    assert shipped["vignette_id"].tolist() == [f"V{i:02d}" for i in range(1, 39)]
    for feature in FEATURES:
        assert pd.api.types.is_bool_dtype(shipped[feature]), feature
    assert set(shipped["practitioner_domain"]) == set(DOMAINS)
    assert set(shipped["neighbourhood"]) <= NEIGHBOURHOODS
    assert set(shipped["neighbourhood"]) >= NEIGHBOURHOODS - {"All of Ashworth"}


def test_shipped_domains_are_the_documented_counts(shipped):
    assert shipped["practitioner_domain"].value_counts().to_dict() == {
        "complex": 13, "clear": 11, "complicated": 9, "chaotic": 5}


def test_the_rule_disagrees_with_the_practitioner_only_where_documented(shipped):
    table = SortingExercise(shipped).table()
    assert int(table["rule_vs_practitioner"].sum()) == 34
    differ = table[~table["rule_vs_practitioner"]]
    assert differ[["practitioner", "rule"]].to_dict("index") == {
        "V01": {"practitioner": "complex", "rule": "clear"},
        "V18": {"practitioner": "complex", "rule": "clear"},
        "V22": {"practitioner": "clear", "rule": "complicated"},
        "V33": {"practitioner": "complex", "rule": "chaotic"},
    }
    # ...and the data dictionary names the same four.
    text = shipped_path("vignettes.md").read_text(encoding="utf-8")
    for vignette_id in differ.index:
        assert f"`{vignette_id}`" in text


def test_every_disagreement_is_explained_in_the_practitioner_note(shipped):
    table = SortingExercise(shipped).table()
    notes = shipped.set_index("vignette_id")["practitioner_note"]
    for vignette_id in table.index[~table["rule_vs_practitioner"]]:
        assert "rule" in notes[vignette_id] or "first sign" in notes[vignette_id]


def test_every_chaotic_vignette_has_an_immediate_risk(shipped):
    chaotic = shipped[shipped["practitioner_domain"] == "chaotic"]
    assert chaotic["immediate_risk"].all()


def test_same_seed_same_order_and_other_seed_other_order():
    assert vignettes.rows() == vignettes.rows(seed=vignettes.SEED)
    other = vignettes.rows(seed=1)
    assert other != vignettes.rows()
    assert sorted(r["vignette"] for r in other) == sorted(r["vignette"] for r in vignettes.rows())


# -- learners' files that load ------------------------------------------------------------------


def test_good_file_loads(write):
    frame = load_vignettes(write(SAMPLE.csv()))
    assert frame["vignette_id"].tolist() == ["V1", "V2", "V3", "V4"]
    assert frame["immediate_risk"].tolist() == [False, False, False, True]
    assert frame["practitioner_domain"].tolist() == list(DOMAINS)


def test_windows_1252_file_with_a_pound_sign_is_accepted(write):
    path = write(SAMPLE.with_cell(3, "vignette", "Owes £40 in rent"), encoding="cp1252")
    assert b"\xa3" in path.read_bytes()  # really cp1252, not UTF-8
    assert load_vignettes(path)["vignette"].tolist()[1] == "Owes £40 in rent"


def test_labels_are_case_insensitive_and_trimmed(write):
    frame = load_vignettes(write(SAMPLE.with_cell(2, "practitioner_domain", " Clear ")))
    assert frame["practitioner_domain"].tolist()[0] == "clear"


def test_header_case_and_extra_columns_are_forgiven(write):
    header = HEADER.upper() + ",my_notes"
    frame = load_vignettes(write(SAMPLE.csv([row + ",x" for row in ROWS], header)))
    assert list(frame.columns) == [*SCHEMA.names, "my_notes"]


# -- learners' files that do not load ------------------------------------------------------------


def test_bad_yes_no_at_a_known_row(write):
    err = SAMPLE.refused(write(SAMPLE.with_cell(4, "many_agencies", "sometimes")))
    assert (err.column, err.row) == ("many_agencies", 4)
    assert "'sometimes' is not yes or no" in str(err)


def test_bad_domain_at_a_known_row(write):
    err = SAMPLE.refused(write(SAMPLE.with_cell(5, "practitioner_domain", "disorder")))
    assert (err.column, err.row) == ("practitioner_domain", 5)
    assert "'disorder' is not a Cynefin domain" in str(err)
    assert "Use clear, complicated, complex or chaotic." in str(err)


def test_blank_cell_at_a_known_row(write):
    err = SAMPLE.refused(write(SAMPLE.with_cell(3, "vignette", " ")))
    assert (err.column, err.row) == ("vignette", 3)
    assert "a value is missing" in str(err)


def test_header_only(write):
    err = SAMPLE.refused(write(HEADER + "\n"))
    assert "header but no rows" in str(err)
    assert "Add at least one vignette" in str(err)


def test_missing_file(tmp_path):
    err = SAMPLE.refused(tmp_path / "nowhere.csv")
    assert "file not found" in str(err)
