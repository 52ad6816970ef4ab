"""What every shipped dataset and its loader promise, checked for each one.

Each dataset's own test file (``test_data_<name>.py``, ``test_datasets.py`` for the
contact log) checks what is particular to it: its story, its values, its messages.
Here, for all of them alike: the rows depend only on the seed; the data dictionary
says the data are synthetic and explains every column; and a learner's file that
is the shipped file saved another way (with a byte-order mark, as UTF-16, emptied,
with a column missing) loads or is refused with a message naming the file.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pandas as pd
import pytest

from compass_widgets.data import (
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
from compass_widgets.data.generate import DATASETS
from compass_widgets.datasets import CONTACTS, Schema, load_contacts, shipped_path
from compass_widgets.errors import CompassDataError

from . import data_support

Loader = Callable[[str | Path | None], pd.DataFrame]

#: Each dataset: the module that makes its rows, its schema and its loader.
LOADERS: dict[str, tuple[ModuleType, Schema, Loader]] = {
    "contacts": (contacts, CONTACTS, load_contacts),
    "contracts": (contracts, contracts.SCHEMA, contracts.load_contracts),
    "kpi_returns": (kpi_returns, kpi_returns.SCHEMA, kpi_returns.load_kpi_returns),
    "journeys": (journeys, journeys.SCHEMA, journeys.load_journeys),
    "assets": (assets, assets.SCHEMA, assets.load_assets),
    "needs": (needs, needs.SCHEMA, needs.load_needs),
    "vignettes": (vignettes, vignettes.SCHEMA, vignettes.load_vignettes),
    "process_steps": (process_steps, process_steps.SCHEMA, process_steps.load_process_steps),
    "situations": (situations, situations.SCHEMA, situations.load_situations),
    "compass_statements": (compass_statements, compass_statements.SCHEMA,
                           compass_statements.load_compass_statements),
    "compass_cohort": (compass_cohort, compass_cohort.SCHEMA, compass_cohort.load_compass_cohort),
}

#: Datasets written by hand: their ``rows`` takes a seed only to share the signature.
HAND_WRITTEN = {"compass_statements", "process_steps"}

pytestmark = pytest.mark.parametrize("name", sorted(LOADERS))


@pytest.fixture
def module(name: str) -> ModuleType:
    return LOADERS[name][0]


@pytest.fixture
def schema(name: str) -> Schema:
    return LOADERS[name][1]


@pytest.fixture
def load(name: str) -> Loader:
    return LOADERS[name][2]


@pytest.fixture
def shipped_text(schema: Schema) -> str:
    return shipped_path(schema.shipped).read_text(encoding="utf-8")


@pytest.fixture
def refused(load: Loader) -> Callable[[Path], CompassDataError]:
    """Load a file that must be refused; return the error after checking it names the file."""
    return functools.partial(data_support.refused, load)


def test_every_shipped_dataset_is_here(name: str) -> None:
    assert {schema.shipped for schema, _ in DATASETS} == {
        schema.shipped for _, schema, _ in LOADERS.values()}


def test_rows_depend_only_on_the_seed(name: str, module: ModuleType) -> None:
    assert module.rows() == module.rows(seed=module.SEED)
    other = module.rows(seed=module.SEED + 1)
    assert (other == module.rows()) == (name in HAND_WRITTEN)


def test_data_dictionary_says_synthetic_and_explains_every_column(
    name: str, schema: Schema
) -> None:
    text = shipped_path(schema.shipped.replace(".csv", ".md")).read_text(encoding="utf-8")
    # The self-assessment's statements describe no one: they are the course's own writing.
    assert "synthetic" in text.lower() or (name in HAND_WRITTEN and "written by hand" in text)
    missing = [column for column in schema.names if f"`{column}`" not in text]
    assert not missing, f"columns the dictionary does not explain: {missing}"


def test_shipped_file_is_unix_utf8_with_the_documented_header(
    schema: Schema, shipped_text: str
) -> None:
    raw = shipped_path(schema.shipped).read_bytes()
    assert b"\r\n" not in raw
    assert shipped_text.splitlines()[0] == ",".join(schema.names)


def test_loading_by_path_gives_the_shipped_frame(
    load: Loader, schema: Schema, shipped_text: str, write: Callable[[bytes], Path]
) -> None:
    pd.testing.assert_frame_equal(load(write(shipped_text.encode("utf-8"))), load(None))


def test_utf8_with_byte_order_mark_is_accepted(
    load: Loader, shipped_text: str, write: Callable[[bytes], Path]
) -> None:
    pd.testing.assert_frame_equal(
        load(write(b"\xef\xbb\xbf" + shipped_text.encode("utf-8"))), load(None))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_utf16_is_refused(
    shipped_text: str, write: Callable[[bytes], Path],
    refused: Callable[[Path], CompassDataError], encoding: str,
) -> None:
    error = refused(write(shipped_text.encode(encoding)))
    assert (error.column, error.row) == (None, None)
    assert "UTF-16" in str(error)
    assert "CSV UTF-8" in str(error)  # how to save it from Excel


@pytest.mark.parametrize("raw", [b"", b"\n \n"])
def test_empty_file_is_refused(
    write: Callable[[bytes], Path], refused: Callable[[Path], CompassDataError], raw: bytes
) -> None:
    error = refused(write(raw))
    assert (error.column, error.row) == (None, None)
    assert "the file is empty" in str(error)
    assert "Export the data again with its header row" in str(error)


def test_missing_column_is_named(
    schema: Schema, shipped_text: str, write: Callable[[bytes], Path],
    refused: Callable[[Path], CompassDataError],
) -> None:
    last = schema.names[-1]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(
        row[:-1] for row in csv.reader(io.StringIO(shipped_text)))
    assert out.getvalue().splitlines()[0] == ",".join(schema.names[:-1])
    error = refused(write(out.getvalue().encode("utf-8")))
    assert (error.column, error.row) == (last, None)
    assert f"missing column {last}" in str(error)
    assert "Rename or add columns" in str(error)
