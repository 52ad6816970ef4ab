"""Errors the course shows to learners: each says where the problem is and what to do."""

from __future__ import annotations

from pathlib import Path


class CompassDataError(ValueError):
    """A data file cannot be used, with the file, column and row that caused it.

    The message is written for the learner: it names the place and says what to do.

    Examples
    --------
    >>> err = CompassDataError("'minutes' must be a number", file="log.csv",
    ...                        column="minutes", row=7, hint="Type a whole number.")
    >>> print(err)
    log.csv, column 'minutes', row 7: 'minutes' must be a number. Type a whole number.
    """

    def __init__(
        self,
        problem: str,
        *,
        file: str | Path | None = None,
        column: str | None = None,
        row: int | None = None,
        hint: str = "",
    ) -> None:
        self.problem = problem
        self.file = None if file is None else str(file)
        self.column = column
        self.row = row
        self.hint = hint
        where = [part for part in (
            self.file,
            None if column is None else f"column '{column}'",
            None if row is None else f"row {row}",
        ) if part]
        text = f"{', '.join(where)}: {problem}." if where else f"{problem}."
        super().__init__(f"{text} {hint}".strip())
