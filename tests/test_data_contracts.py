"""Tests for compass_widgets.data.contracts: the shipped portfolio and learners' broken files.

Row numbers are spreadsheet row numbers: the header is row 1, the first KPI row 2.
"""

from __future__ import annotations

import pandas as pd
import pytest

from compass_widgets.data import contracts
from compass_widgets.data.contracts import SCHEMA, load_contracts
from compass_widgets.models.portfolio import PortfolioAnalysis

from .data_support import Sample

HEADER = ",".join(SCHEMA.names)
ROWS = [
    # row 2 and 3: contract A, two KPIs
    "A,Care,P,Millbrook,900,30,hours,activity,Hours delivered (%),activity,higher,95,97,"
    "Back in hospital (%),lower,20,15",
    "A,Care,P,Millbrook,900,30,hours,activity,Days to start,process,lower,7,5,"
    "Back in hospital (%),lower,20,15",
    # row 4: contract B
    "B,Care,Q,Canal Side,100,4,hours,block,Hours delivered (%),activity,higher,95,90,"
    "Back in hospital (%),lower,10,15",
    # row 5: contract C
    "C,Advice,R,Borough-wide,200,50,enquiries,outcome,Resolved (%),outcome,higher,60,70,"
    "Problem solved (%),higher,50,48",
]
SAMPLE = Sample(load_contracts, HEADER, ROWS)


# -- the shipped portfolio ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> pd.DataFrame:
    return load_contracts()


def test_shipped_portfolio_loads_with_the_columns_and_types(shipped):
    assert list(shipped.columns) == list(SCHEMA.names)
    assert len(shipped) == 95
    assert shipped["contract_id"].nunique() == 40
    for column in ("annual_spend", "units_delivered", "kpi_target", "kpi_actual", "outcome_pct",
                   "outcome_benchmark_pct"):
        assert shipped[column].dtype == "float64", column
    assert set(shipped["payment_basis"]) == {"block", "activity", "outcome"}
    assert set(shipped["kpi_kind"]) == {"activity", "process", "outcome"}


def test_shipped_portfolio_is_set_in_ashworth(shipped):
    assert set(shipped["neighbourhood"]) == {"Hollins Vale", "Millbrook", "Station Fields",
                                             "Canal Side", "Borough-wide"}
    assert shipped["lot"].nunique() == 7
    assert shipped.groupby("contract_id").size().between(2, 4).all()


def test_shipped_portfolio_tells_its_story(shipped):
    analysis = PortfolioAnalysis(shipped)
    designed = {cid for cid, *_, profile in contracts.CONTRACTS if profile == "green_poor"}
    assert set(analysis.blind_spots().index) == designed
    assert len(designed) == 11
    strengths = {cid for cid, *_, profile in contracts.CONTRACTS if profile == "red_good"}
    assert strengths <= set(analysis.hidden_strengths().index)
    assert analysis.total_spend() == 29_763_000
    assert 0.15 < analysis.blind_spot_spend() / analysis.total_spend() < 0.3
    kinds = analysis.spend_by("kpi_kind")["share"]
    assert kinds["outcome"] < 0.1 < kinds["activity"] < kinds["process"]


def test_shipped_home_care_costs_sit_around_the_published_minimum_price(shipped):
    home_care = PortfolioAnalysis(shipped, lot="Home care").contracts()["unit_cost"]
    assert home_care.between(24.5, 33.5).all()
    assert (home_care < 32.14).any() and (home_care > 32.14).any()  # Homecare Association


# -- files that load -------------------------------------------------------------------------


def test_good_file_loads(write):
    frame = load_contracts(write(SAMPLE.csv()))
    assert frame["contract_id"].tolist() == ["A", "A", "B", "C"]
    assert frame["annual_spend"].tolist() == [900.0, 900.0, 100.0, 200.0]
    assert PortfolioAnalysis(frame).blind_spots().index.tolist() == ["A"]


def test_windows_1252_file_with_a_pound_sign_is_accepted(write):
    path = write(SAMPLE.with_cell(4, "kpi", "Cost under £5 a visit (%)"), encoding="cp1252")
    assert b"\xa3" in path.read_bytes()
    assert load_contracts(path)["kpi"].tolist()[2] == "Cost under £5 a visit (%)"


def test_labels_are_case_insensitive_and_extra_columns_kept(write):
    header = HEADER.replace("payment_basis", "Payment_Basis") + ",notes"
    rows = [row.replace(",activity,higher,", ",Activity,HIGHER,") + ",x" for row in ROWS]
    frame = load_contracts(write(SAMPLE.csv(rows, header)))
    assert frame["kpi_kind"].tolist()[0] == "activity"
    assert frame["kpi_better"].tolist()[0] == "higher"
    assert frame["notes"].tolist() == ["x"] * 4


# -- files that do not load: what, where, and what to do ---------------------------------------


@pytest.mark.parametrize(("row", "column", "value", "words"), [
    (3, "annual_spend", "£900", "'£900' is not an amount in pounds"),
    (4, "payment_basis", "grant", "'grant' is not a payment basis"),
    (5, "kpi_kind", "output", "'output' is not a kind of KPI"),
    (2, "kpi_better", "up", "'up' is not 'higher' or 'lower'"),
    (4, "outcome_pct", "120", "'120' is not a percentage between 0 and 100"),
    (5, "kpi_actual", "-3", "'-3' is not a result (0 or more)"),
])
def test_bad_value_at_a_known_row(write, row, column, value, words):
    err = SAMPLE.refused(write(SAMPLE.with_cell(row, column, value)))
    assert (err.column, err.row) == (column, row)
    assert words in str(err)


def test_two_rows_of_one_contract_that_disagree(write):
    err = SAMPLE.refused(write(SAMPLE.with_cell(3, "annual_spend", "950")))
    assert (err.column, err.row) == ("annual_spend", 3)
    assert "contract A has '950' here but '900' on row 2" in str(err)
    assert "Every row of a contract repeats the same contract details" in str(err)


def test_the_first_disagreeing_row_is_named_whatever_its_column(write):
    rows = [*ROWS[:1], ROWS[1].replace("Millbrook", "Canal Side"), *ROWS[2:]]
    err = SAMPLE.refused(write(SAMPLE.csv(rows)))
    assert (err.column, err.row) == ("neighbourhood", 3)


def test_header_only(write):
    err = SAMPLE.refused(write(HEADER + "\n"))
    assert "header but no rows" in str(err)
    assert "Add at least one contract KPI" in str(err)
