"""Ashworth's four neighbourhoods drawn as needs (``needs.csv``): synthetic, for module 05.

The deficit map that an asset map is set against: a handful of need indicators
per neighbourhood, each a percentage where a higher figure means more need. See
``needs.md`` for the data dictionary and the national figures the magnitudes are
scaled to. Written by ``generate.py``; never edit the CSV by hand.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import TYPE_CHECKING

from ..datasets import Column, Schema, load_table, shipped_path
from ..errors import CompassDataError

if TYPE_CHECKING:
    import pandas as pd

SEED = 20250406

SCHEMA: Schema = Schema("needs.csv", (
    Column("neighbourhood"),
    Column("indicator"),
    Column("percent", "number", minimum=0, maximum=100, what="a percentage from 0 to 100",
           hint="Write the share as a plain number from 0 to 100, such as 14.5, without a % "
           "sign."),
), item="need figure")

NEIGHBOURHOODS = ("Hollins Vale", "Millbrook", "Station Fields", "Canal Side")

# indicator -> invented central figure per neighbourhood, in the order of NEIGHBOURHOODS.
# The national figures they are scaled to are in needs.md.
NEEDS: dict[str, tuple[float, float, float, float]] = {
    "Older people living alone": (41.0, 24.0, 33.0, 29.0),
    "Households in fuel poverty": (15.0, 7.0, 22.0, 14.0),
    "Children in low-income families": (17.0, 8.0, 34.0, 22.0),
    "Adults who often feel lonely": (8.0, 5.0, 7.0, 11.0),
}
#: Each figure moves up or down by at most this much, so no ranking changes.
JITTER = 0.3


def rows(seed: int = SEED) -> list[dict[str, str]]:
    """Return the synthetic needs figures as CSV rows (strings), neighbourhood by neighbourhood.

    Examples
    --------
    >>> sample = rows()
    >>> sample[0]["neighbourhood"], sample[0]["indicator"]
    ('Hollins Vale', 'Older people living alone')
    >>> sample == rows()
    True
    """
    rng = random.Random(seed)
    records = []
    for column, neighbourhood in enumerate(NEIGHBOURHOODS):
        for indicator, figures in NEEDS.items():
            value = figures[column] + rng.uniform(-JITTER, JITTER)
            records.append({"neighbourhood": neighbourhood, "indicator": indicator,
                            "percent": f"{value:.1f}"})
    return records


def load_needs(path: str | Path | None = None) -> pd.DataFrame:
    """Load a needs map: the shipped synthetic Ashworth one, or a learner's own CSV.

    The file needs the columns ``neighbourhood, indicator, percent`` (see
    ``needs.md``): one row per neighbourhood and indicator, ``percent`` from 0 to
    100, and every indicator one where a higher figure means more need. A
    neighbourhood may not have the same indicator twice. Extra columns are kept.

    Parameters
    ----------
    path : str or Path, optional
        A CSV file. Leave it out for the course's synthetic Ashworth figures.

    Returns
    -------
    pandas.DataFrame
        One row per neighbourhood and indicator; ``percent`` as float.

    Raises
    ------
    CompassDataError
        Naming the file, column and first bad row, and what to do.

    Examples
    --------
    >>> needs = load_needs()
    >>> len(needs), needs["indicator"].nunique()
    (16, 4)
    """
    table = load_table(path, SCHEMA)
    seen: set[tuple[str, str]] = set()
    for position, pair in enumerate(zip(table["neighbourhood"], table["indicator"],
                                        strict=True)):
        if pair in seen:
            raise CompassDataError(
                f"{pair[0]} has '{pair[1]}' twice",
                file=shipped_path(SCHEMA.shipped) if path is None else path,
                column="indicator", row=position + 2,
                hint="Keep one figure for each neighbourhood and indicator.")
        seen.add(pair)
    return table
