"""Generate the course's synthetic datasets, deterministically.

Every shipped CSV in this folder is written by this script and by nothing else.
Run it again with::

    python -m compass_widgets.data.generate

and the files come out byte for byte the same (a test checks this). Each dataset
has a module here with a ``rows()`` function and a fixed seed, and a data
dictionary (``<name>.md``) saying what it holds and which public figures its
magnitudes follow. Only the standard library's ``random.Random`` is used, because
its sequence is stable across Python versions and platforms.

Nothing in these files is a real count: they describe Hollins Vale, a neighbourhood
that does not exist.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from ..datasets import CONTACTS, Schema
from . import (
    assets,
    compass_cohort,
    compass_statements,
    contacts,
    contracts,
    journeys,
    kpi_returns,
    needs,
    process_steps,
    situations,
    vignettes,
)

HERE = Path(__file__).parent

#: Each shipped dataset: its schema (which names the file) and the rows to write.
DATASETS: list[tuple[Schema, Callable[[], list[dict[str, str]]]]] = [
    (CONTACTS, contacts.rows),
    (contracts.SCHEMA, contracts.rows),
    (kpi_returns.SCHEMA, kpi_returns.rows),
    (journeys.SCHEMA, journeys.rows),
    (assets.SCHEMA, assets.rows),
    (needs.SCHEMA, needs.rows),
    (vignettes.SCHEMA, vignettes.rows),
    (process_steps.SCHEMA, process_steps.rows),
    (situations.SCHEMA, situations.rows),
    (compass_statements.SCHEMA, compass_statements.rows),
    (compass_cohort.SCHEMA, compass_cohort.rows),
]


def write_csv(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    """Write rows to ``path`` as UTF-8 CSV with Unix line endings."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(out_dir: Path = HERE) -> list[Path]:
    """Write every shipped dataset into ``out_dir`` and return the paths written."""
    written = []
    for schema, rows in DATASETS:
        path = out_dir / schema.shipped
        write_csv(path, schema.names, rows())
        written.append(path)
    return written


if __name__ == "__main__":
    for path in main():
        print(f"wrote {path}")
