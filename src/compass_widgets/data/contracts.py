"""Ashworth's contract portfolio (``contracts.csv``): synthetic, for module 01.

One row per key performance indicator (KPI) of a contract, so a contract with
three KPIs has three rows that repeat its details (lot, provider, spend...). See
``contracts.md`` for the data dictionary and the public figures the magnitudes
follow. Written by ``generate.py`` through :func:`rows`; never edit the CSV by hand.

Ashworth is a fictional borough with four neighbourhoods (Hollins Vale,
Millbrook, Station Fields and Canal Side); every provider is invented too.
"""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import TYPE_CHECKING

from ..datasets import Column, Schema, load_table, shipped_path
from ..errors import CompassDataError

if TYPE_CHECKING:
    import pandas as pd

SEED = 20250124

NEIGHBOURHOODS = ("Hollins Vale", "Millbrook", "Station Fields", "Canal Side")
BOROUGH_WIDE = "Borough-wide"
PAYMENT_BASES = ("block", "activity", "outcome")
KPI_KINDS = ("activity", "process", "outcome")
DIRECTIONS = ("higher", "lower")

SCHEMA: Schema = Schema("contracts.csv", (
    Column("contract_id"),
    Column("lot"),
    Column("provider"),
    Column("neighbourhood"),
    Column("annual_spend", "number", minimum=0, what="an amount in pounds (0 or more)",
           hint="Write the yearly spend as a plain number of pounds, such as 250000, "
           "with no £ sign or commas."),
    Column("units_delivered", "number", minimum=0, what="a number of units (0 or more)",
           hint="Write how many units (hours, sessions...) were delivered in the year, "
           "such as 1200."),
    Column("unit"),
    Column("payment_basis", "choice", choices=PAYMENT_BASES, what="a payment basis",
           hint="Use 'block' (a fixed sum), 'activity' (paid per unit delivered) or "
           "'outcome' (paid for results)."),
    Column("kpi"),
    Column("kpi_kind", "choice", choices=KPI_KINDS, what="a kind of KPI",
           hint="Use 'activity' (counts what was done), 'process' (how quickly or how "
           "often a step was done) or 'outcome' (a change in people's lives)."),
    Column("kpi_better", "choice", choices=DIRECTIONS, what="'higher' or 'lower'",
           hint="Write 'higher' if a bigger number is better for this KPI, 'lower' if a "
           "smaller one is (such as days waited)."),
    Column("kpi_target", "number", minimum=0, what="a target (0 or more)",
           hint="Write the KPI's target as a plain number, such as 95 for 95%."),
    Column("kpi_actual", "number", minimum=0, what="a result (0 or more)",
           hint="Write the KPI's result for the year as a plain number, such as 97.5."),
    Column("outcome_measure"),
    Column("outcome_better", "choice", choices=DIRECTIONS, what="'higher' or 'lower'",
           hint="Write 'higher' if a bigger percentage is better for people, 'lower' if "
           "a smaller one is (such as people back in hospital)."),
    Column("outcome_pct", "number", minimum=0, maximum=100,
           what="a percentage between 0 and 100",
           hint="Write the outcome as a percentage without the % sign, such as 62.5."),
    Column("outcome_benchmark_pct", "number", minimum=0, maximum=100,
           what="a percentage between 0 and 100",
           hint="Write the level you compare the outcome with (a borough average, say) as a "
           "percentage without the % sign."),
), item="contract KPI")

#: Columns that describe the contract, repeated on every row of its KPIs.
CONTRACT_COLUMNS = ("lot", "provider", "neighbourhood", "annual_spend", "units_delivered",
                    "unit", "payment_basis", "outcome_measure", "outcome_better",
                    "outcome_pct", "outcome_benchmark_pct")


def load_contracts(path: str | Path | None = None) -> pd.DataFrame:
    """Load a contract portfolio: the shipped synthetic Ashworth one, or your own CSV.

    The file has one row per KPI of each contract, with the columns listed in
    ``data/contracts.md``; a contract with three KPIs has three rows that repeat its
    details (lot, provider, neighbourhood, spend, units, payment basis and outcome).
    Extra columns are kept.

    Parameters
    ----------
    path : str or Path, optional
        A CSV file. Leave it out for the course's synthetic Ashworth portfolio.

    Returns
    -------
    pandas.DataFrame
        One row per contract KPI; numbers as floats, the labels ``payment_basis``,
        ``kpi_kind``, ``kpi_better`` and ``outcome_better`` in lower case.

    Raises
    ------
    CompassDataError
        Naming the file, column and first bad row, and what to do; also when two rows
        of one contract disagree about the contract's details.

    Examples
    --------
    >>> portfolio = load_contracts()
    >>> portfolio["contract_id"].nunique(), sorted(portfolio["payment_basis"].unique())
    (40, ['activity', 'block', 'outcome'])
    """
    frame = load_table(path, SCHEMA)
    _check_contracts_agree(frame, shipped_path(SCHEMA.shipped) if path is None else Path(path))
    return frame


def _check_contracts_agree(frame: pd.DataFrame, path: Path) -> None:
    """Raise if two rows of one contract give it different details.

    Rows are numbered as a spreadsheet numbers them: the header is row 1.
    """
    columns = list(CONTRACT_COLUMNS)
    firsts = frame.groupby("contract_id", sort=False)[columns].transform("first")
    differs = frame[columns].ne(firsts)
    bad = differs.any(axis=1)
    if bad.any():
        position = int(bad.to_numpy().argmax())
        column = columns[int(differs.iloc[position].to_numpy().argmax())]
        contract = frame["contract_id"].iloc[position]
        first_row = int((frame["contract_id"] == contract).to_numpy().argmax()) + 2
        raise CompassDataError(
            f"contract {contract} has {_show(frame[column].iloc[position])} here but "
            f"{_show(firsts[column].iloc[position])} on row {first_row}",
            file=path, column=column, row=position + 2,
            hint="Every row of a contract repeats the same contract details; make them "
            "match, or give different contracts different contract_ids.",
        )


def _show(value: object) -> str:
    """Quote a value for a message, writing 250000.0 as 250000."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"'{value}'"


# -- the synthetic portfolio --------------------------------------------------------------

# lot -> (unit, (lowest, highest) cost per unit in pounds, (lowest, highest) annual spend,
#         KPIs every contract in the lot reports, the extra KPI of an outcome-paid contract,
#         the outcome for people that no KPI measures: (measure, better, benchmark %))
KPI = tuple[str, str, str, float]  # (name, kind, better, target; 0 = set from the contract size)
LOTS: dict[str, tuple[str, tuple[float, float], tuple[int, int], list[KPI], KPI,
                      tuple[str, str, float]]] = {
    "Home care": (
        "hours", (24.5, 33.5), (900_000, 3_200_000),
        [("Commissioned hours delivered (%)", "activity", "higher", 95),
         ("Visits started within 30 minutes of the planned time (%)", "process", "higher", 90),
         ("Care reviews done within six weeks of starting (%)", "process", "higher", 85)],
        ("People needing less care after six weeks (%)", "outcome", "higher", 40),
        ("People back in hospital within 90 days (%)", "lower", 15.0),
    ),
    "Supported housing": (
        "bed-nights", (45, 95), (350_000, 1_200_000),
        [("Occupancy (%)", "activity", "higher", 92),
         ("Support plans agreed within 28 days of moving in (%)", "process", "higher", 95)],
        ("People moving on to a home of their own (%)", "outcome", "higher", 50),
        ("People still in a settled home a year after moving on (%)", "higher", 70.0),
    ),
    "Substance use": (
        "treatment sessions", (70, 130), (500_000, 1_800_000),
        [("People in treatment", "activity", "higher", 0),
         ("Days from referral to starting treatment", "process", "lower", 21),
         ("Treatment completed successfully (%)", "outcome", "higher", 25)],
        ("People drug- or alcohol-free at six months (%)", "outcome", "higher", 45),
        ("People back in treatment within a year of finishing (%)", "lower", 20.0),
    ),
    "Carers' support": (
        "sessions", (35, 60), (80_000, 300_000),
        [("Carers' assessments completed", "activity", "higher", 0),
         ("Assessments done within 28 days (%)", "process", "higher", 90)],
        ("Carers with a plan for time off (%)", "outcome", "higher", 60),
        ("Carers who say they have time for themselves (%)", "higher", 45.0),
    ),
    "Information and advice": (
        "enquiries", (18, 40), (100_000, 400_000),
        [("Enquiries answered", "activity", "higher", 0),
         ("Calls answered within 60 seconds (%)", "process", "higher", 80)],
        ("Problems resolved at first contact (%)", "outcome", "higher", 70),
        ("People back with the same problem within three months (%)", "lower", 25.0),
    ),
    "Community transport": (
        "journeys", (9, 18), (60_000, 250_000),
        [("Journeys provided", "activity", "higher", 0),
         ("Journeys on time (%)", "process", "higher", 90)],
        ("Members making journeys they could not make before (%)", "outcome", "higher", 50),
        ("Members who can get to the places that matter to them (%)", "higher", 75.0),
    ),
    "Youth services": (
        "sessions", (120, 260), (50_000, 220_000),
        [("Attendances by young people", "activity", "higher", 0),
         ("Sessions delivered", "activity", "higher", 0)],
        ("Young people in education, training or work a year on (%)", "outcome", "higher", 70),
        ("Young people who say they have a trusted adult (%)", "higher", 60.0),
    ),
}

# (contract_id, lot, provider, neighbourhood, payment basis, profile). The profile is the
# story each contract tells: "green_poor" meets every KPI while people's outcomes are worse
# than the benchmark; "red_good" misses KPIs while outcomes are better; "typical" is either
# all green with decent outcomes or mixed KPIs with middling outcomes.
CONTRACTS: list[tuple[str, str, str, str, str, str]] = [
    ("HC-01", "Home care", "Brightpath Home Care Ltd", "Hollins Vale", "activity", "typical"),
    ("HC-02", "Home care", "Brightpath Home Care Ltd", "Millbrook", "activity", "green_poor"),
    ("HC-03", "Home care", "Carewell Services Ltd", "Station Fields", "activity", "green_poor"),
    ("HC-04", "Home care", "Carewell Services Ltd", "Canal Side", "activity", "typical"),
    ("HC-05", "Home care", "Vale Care Cooperative", "Hollins Vale", "outcome", "red_good"),
    ("HC-06", "Home care", "Millbrook Home Support CIC", "Millbrook", "block", "red_good"),
    ("HC-07", "Home care", "Carewell Services Ltd", BOROUGH_WIDE, "activity", "typical"),
    ("HC-08", "Home care", "Brightpath Home Care Ltd", BOROUGH_WIDE, "block", "typical"),
    ("SH-01", "Supported housing", "Harbour Housing Association", "Hollins Vale", "block",
     "typical"),
    ("SH-02", "Supported housing", "Harbour Housing Association", "Station Fields", "block",
     "green_poor"),
    ("SH-03", "Supported housing", "Keystone Supported Living Ltd", "Millbrook", "block",
     "typical"),
    ("SH-04", "Supported housing", "Keystone Supported Living Ltd", "Canal Side", "block",
     "green_poor"),
    ("SH-05", "Supported housing", "Canal Side Housing Trust", "Canal Side", "block",
     "red_good"),
    ("SH-06", "Supported housing", "Harbour Housing Association", BOROUGH_WIDE, "block",
     "typical"),
    ("SU-01", "Substance use", "Greystone Recovery Ltd", BOROUGH_WIDE, "outcome", "green_poor"),
    ("SU-02", "Substance use", "Ashworth Community Health NHS Trust", BOROUGH_WIDE, "block",
     "typical"),
    ("SU-03", "Substance use", "Greystone Recovery Ltd", "Station Fields", "activity",
     "typical"),
    ("SU-04", "Substance use", "Canal Side Recovery Network", "Canal Side", "block",
     "red_good"),
    ("CS-01", "Carers' support", "Ashworth Carers Centre", BOROUGH_WIDE, "block", "typical"),
    ("CS-02", "Carers' support", "Carewell Services Ltd", "Hollins Vale", "activity",
     "green_poor"),
    ("CS-03", "Carers' support", "Ashworth Carers Centre", "Millbrook", "block", "typical"),
    ("CS-04", "Carers' support", "Station Fields Neighbourhood Centre", "Station Fields",
     "block", "red_good"),
    ("CS-05", "Carers' support", "Ashworth Carers Centre", "Canal Side", "block", "typical"),
    ("IA-01", "Information and advice", "Ashworth Advice Network", BOROUGH_WIDE, "block",
     "green_poor"),
    ("IA-02", "Information and advice", "Ashworth Advice Network", "Hollins Vale", "block",
     "typical"),
    ("IA-03", "Information and advice", "Station Fields Neighbourhood Centre",
     "Station Fields", "block", "red_good"),
    ("IA-04", "Information and advice", "Millbrook Law Centre", "Millbrook", "block",
     "typical"),
    ("IA-05", "Information and advice", "Ashworth Advice Network", "Canal Side", "block",
     "green_poor"),
    ("IA-06", "Information and advice", "Ashworth Advice Network", BOROUGH_WIDE, "activity",
     "typical"),
    ("CT-01", "Community transport", "Ashworth Community Transport", BOROUGH_WIDE, "activity",
     "typical"),
    ("CT-02", "Community transport", "Vale Wheels CIC", "Hollins Vale", "activity", "typical"),
    ("CT-03", "Community transport", "Ashworth Community Transport", "Millbrook", "activity",
     "green_poor"),
    ("CT-04", "Community transport", "Vale Wheels CIC", "Station Fields", "activity",
     "typical"),
    ("CT-05", "Community transport", "Canal Side Dial-a-Ride", "Canal Side", "block",
     "red_good"),
    ("YS-01", "Youth services", "Millbrook Youth Project", "Millbrook", "block", "red_good"),
    ("YS-02", "Youth services", "Station Fields Sports Trust", "Station Fields", "activity",
     "green_poor"),
    ("YS-03", "Youth services", "Canal Side Youth Club", "Canal Side", "block", "typical"),
    ("YS-04", "Youth services", "Hollins Vale Youth Hub", "Hollins Vale", "block", "typical"),
    ("YS-05", "Youth services", "Station Fields Sports Trust", BOROUGH_WIDE, "activity",
     "green_poor"),
    ("YS-06", "Youth services", "Ashworth Youth Mentoring CIC", BOROUGH_WIDE, "outcome",
     "typical"),
]

# How many people (or assessments, enquiries...) a count KPI expects per unit delivered.
_PER_UNIT = {"People in treatment": 1 / 12, "Carers' assessments completed": 0.25,
             "Enquiries answered": 1.0, "Journeys provided": 1.0,
             "Attendances by young people": 6.0, "Sessions delivered": 1.0}


def _rate_kpi(rng: random.Random, name: str, target: float, better: str,
              met: bool) -> tuple[str, str]:
    """Return the target and result of a percentage or a time, on the right side of each other.

    Percentages have one decimal place and never pass 100; times are whole days.
    """
    if better == "higher":
        result = target * (1 + rng.uniform(0.0, 0.06) if met else 1 - rng.uniform(0.04, 0.2))
    else:
        result = target * (1 - rng.uniform(0.05, 0.3) if met else 1 + rng.uniform(0.1, 0.5))
    if name.endswith("(%)"):
        return f"{target:.1f}", f"{min(result, 100.0):.1f}"
    return str(round(target)), str(round(result))


def _count_kpi(rng: random.Random, actual: int, met: bool) -> tuple[str, str]:
    """Return a count's target (in tens) and result, the result being what was delivered.

    A met target sits a little below the result, a missed one above it.
    """
    if met:
        target = 10 * math.floor(actual / rng.uniform(1.0, 1.06) / 10)
    else:
        target = 10 * math.ceil(actual / rng.uniform(0.8, 0.96) / 10)
    return str(target), str(actual)


def rows(seed: int = SEED) -> list[dict[str, str]]:
    """Return the synthetic contract portfolio as CSV rows (strings), one per contract KPI.

    Parameters
    ----------
    seed : int
        Seed for ``random.Random``; the same seed gives the same rows.

    Examples
    --------
    >>> portfolio = rows()
    >>> len({r["contract_id"] for r in portfolio}), portfolio[0]["lot"]
    (40, 'Home care')
    >>> portfolio == rows()
    True
    """
    rng = random.Random(seed)
    out: list[dict[str, str]] = []
    for contract_id, lot, provider, place, basis, profile in CONTRACTS:
        unit, (cost_low, cost_high), (spend_low, spend_high), kpis, extra, outcome = LOTS[lot]
        spend = round(rng.uniform(spend_low, spend_high), -3)
        # Big providers paid by activity win on price; small local ones cost a little more.
        top = (cost_low + cost_high) / 2 if profile == "green_poor" else cost_high
        units = round(spend / rng.uniform(cost_low, top))
        measure, outcome_better, benchmark = outcome
        contract_kpis = [*kpis, extra] if basis == "outcome" else kpis
        if profile == "green_poor":
            met = [True] * len(contract_kpis)
        elif profile == "red_good":
            met = [rng.random() < 0.4 for _ in contract_kpis]
            met[rng.randrange(len(contract_kpis))] = False  # at least one KPI missed
        else:
            met = [rng.random() < 0.7 for _ in contract_kpis]
        # Outcome: "green_poor" worse than the benchmark, "red_good" better; a "typical"
        # contract with every KPI met has decent outcomes, otherwise outcomes sit near it.
        if profile == "green_poor":
            gap = -rng.uniform(5, 16)
        elif profile == "red_good" or all(met):
            gap = rng.uniform(2, 12)
        else:
            gap = rng.uniform(-3, 6)
        value = benchmark + gap if outcome_better == "higher" else benchmark - gap
        for (name, kind, better, target), ok in zip(contract_kpis, met, strict=True):
            if target:
                goal, result = _rate_kpi(rng, name, target, better, ok)
            else:
                goal, result = _count_kpi(rng, round(units * _PER_UNIT[name]), ok)
            out.append({
                "contract_id": contract_id,
                "lot": lot,
                "provider": provider,
                "neighbourhood": place,
                "annual_spend": str(int(spend)),
                "units_delivered": str(units),
                "unit": unit,
                "payment_basis": basis,
                "kpi": name,
                "kpi_kind": kind,
                "kpi_better": better,
                "kpi_target": goal,
                "kpi_actual": result,
                "outcome_measure": measure,
                "outcome_better": outcome_better,
                "outcome_pct": f"{min(max(value, 0.0), 100.0):.1f}",
                "outcome_benchmark_pct": f"{benchmark:.1f}",
            })
    return out
