"""A learner's small data file, and ways to break it, for the loaders' tests.

Each ``tests/test_data_<name>.py`` describes a few good rows of its dataset; a
:class:`Sample` makes the file text from them, with one cell changed or another header,
and checks that a file that must be refused is refused with an error naming it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from compass_widgets.errors import CompassDataError


def refused(load: Callable[[Path], Any], path: Path) -> CompassDataError:
    """Load ``path``, which must be refused; return the error, having checked it names the file."""
    with pytest.raises(CompassDataError) as info:
        load(path)
    error = info.value
    assert error.file == str(path)
    assert error.hint and error.hint in str(error)
    return error


class Sample:
    """Good rows of one dataset, as a learner's CSV file would hold them.

    Rows are numbered as a spreadsheet numbers them: the header is row 1, the first
    data row 2.
    """

    def __init__(self, load: Callable[[Path], Any], header: str, rows: Sequence[str]) -> None:
        self.load, self.header, self.rows = load, header, list(rows)

    def csv(self, rows: Sequence[str] | None = None, header: str | None = None) -> str:
        """Return the file's text: the header and the good rows, or others given."""
        lines = [self.header if header is None else header,
                 *(self.rows if rows is None else rows)]
        return "\n".join(lines) + "\n"

    def with_cell(self, row: int, column: str, value: str) -> str:
        """Return the good file with one cell changed."""
        cells = [line.split(",") for line in self.rows]
        cells[row - 2][self.header.split(",").index(column)] = value
        return self.csv([",".join(line) for line in cells])

    def refused(self, path: Path) -> CompassDataError:
        """Load ``path`` with this dataset's loader; it must be refused (see :func:`refused`)."""
        return refused(self.load, path)
