"""Load the shipped datasets and learners' own files, with checks that explain themselves.

A learner's own CSV (their organisation's contact log, say) often comes out of a
spreadsheet: a different encoding, dates written 31/03/2026, a column renamed.
Every loader here either returns a clean :class:`pandas.DataFrame` or raises
:class:`~compass_widgets.errors.CompassDataError` naming the file, the column, the
first bad row (counted as a spreadsheet counts them: the header is row 1) and
what to do about it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .errors import CompassDataError

if TYPE_CHECKING:
    import pandas as pd

DEMAND_TYPES = ("value", "failure")
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}
_ENCODINGS = ("utf-8-sig", "cp1252")
_SAVE_AS = "In Excel, use File > Save As > 'CSV UTF-8 (Comma delimited)'."


def shipped_path(name: str) -> Path:
    """Return the path of a dataset shipped in ``compass_widgets/data``.

    Examples
    --------
    >>> shipped_path("contacts.csv").name
    'contacts.csv'
    """
    return Path(str(resources.files("compass_widgets.data").joinpath(name)))


def read_text(path: str | Path) -> str:
    """Read a text file as UTF-8 (with or without a byte-order mark) or Windows-1252.

    Raises
    ------
    CompassDataError
        If the file is missing, empty, or in an encoding we cannot read (such as UTF-16).
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise CompassDataError(
            "file not found", file=path, hint="Check the name and the folder, then try again."
        ) from None
    if not raw.strip():
        raise CompassDataError(
            "the file is empty", file=path, hint="Export the data again with its header row."
        )
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in raw[:4096]:
        raise CompassDataError(
            "the file is saved as UTF-16, which this course cannot read", file=path, hint=_SAVE_AS
        )
    for encoding in _ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError as err:
            last = err
    row = raw[: last.start].count(b"\n") + 1
    raise CompassDataError(
        "the file has characters in an encoding we cannot read", file=path, row=row, hint=_SAVE_AS
    )


def _parser_error_row(message: str) -> int | None:
    """Return the spreadsheet row named in a pandas CSV parser error, if it names one.

    Examples
    --------
    >>> _parser_error_row("Error tokenizing data. C error: Expected 8 fields in line 3, saw 9")
    3
    >>> _parser_error_row("Error tokenizing data. C error: EOF inside string starting at row 2")
    3
    """
    if found := re.search(r"in line (\d+)", message):
        return int(found.group(1))  # counted from 1, header included: a spreadsheet row
    if found := re.search(r"starting at row (\d+)", message):
        return int(found.group(1)) + 1  # counted from 0
    return None


@dataclass(frozen=True)
class Column:
    """One column a dataset needs, and how to check it.

    Parameters
    ----------
    name : str
        The column heading (matched ignoring case and surrounding spaces).
    kind : {"text", "date", "number", "yesno", "choice"}
        ``date`` accepts 2026-03-31 or 31/03/2026; ``yesno`` accepts yes/no,
        true/false, y/n, 1/0 and becomes bool; ``choice`` accepts one of ``choices``
        (ignoring case) and becomes lower case; ``number`` becomes float.
    choices : tuple of str
        The allowed values of a ``choice`` column, in lower case.
    minimum, maximum : float, optional
        Bounds of a ``number`` column.
    what : str
        What a value should be, for the error: "'x' is not <what>".
    hint : str
        What to write instead, for the error.
    """

    name: str
    kind: Literal["text", "date", "number", "yesno", "choice"] = "text"
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    what: str = ""
    hint: str = ""


@dataclass(frozen=True)
class Schema:
    """The columns of a dataset, and the shipped file that follows them."""

    shipped: str
    columns: tuple[Column, ...]
    item: str = "row"  # what one row is, for messages: "a contact"

    @property
    def names(self) -> tuple[str, ...]:
        """The column headings, in order."""
        return tuple(column.name for column in self.columns)


_DEFAULTS = {
    "date": ("a date", "Write dates as 2026-03-31 or 31/03/2026."),
    "yesno": ("yes or no", "Write yes or no."),
    "number": ("a number", "Write a plain number, such as 12."),
    "choice": ("one of the allowed values", ""),
}


def _require(
    frame: pd.DataFrame, bad: pd.Series, column: str, problem: str, path: Path, hint: str
) -> None:
    """Raise for the first row where ``bad`` is True, if any.

    ``problem`` may contain ``{value}``, replaced by that row's value in ``column``.
    Rows are numbered as a spreadsheet numbers them: the header is row 1.
    """
    if bad.any():
        position = int(bad.to_numpy().argmax())
        raise CompassDataError(problem.format(value=frame[column].iloc[position]), file=path,
                               column=column, row=position + 2, hint=hint)


def _convert(frame: pd.DataFrame, column: Column, path: Path) -> pd.Series:
    """Check one column's values and return them converted to their type."""
    import pandas as pd

    values = frame[column.name]
    what, hint = _DEFAULTS.get(column.kind, ("", ""))
    what, hint = column.what or what, column.hint or hint
    if column.kind == "choice" and not hint:
        hint = f"Use one of: {', '.join(column.choices)}."
    problem = f"'{{value}}' is not {what}"
    if column.kind == "date":
        iso = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
        converted = iso.fillna(pd.to_datetime(values, format="%d/%m/%Y", errors="coerce"))
        _require(frame, converted.isna(), column.name, problem, path, hint)
        return converted
    if column.kind == "yesno":
        flag = values.str.lower()
        _require(frame, ~flag.isin(_YES | _NO), column.name, problem, path, hint)
        return flag.isin(_YES)
    if column.kind == "choice":
        lowered = values.str.lower()
        _require(frame, ~lowered.isin(column.choices), column.name, problem, path, hint)
        return lowered
    if column.kind == "number":
        numbers = pd.to_numeric(values, errors="coerce")
        bad = numbers.isna()
        if column.minimum is not None:
            bad |= numbers < column.minimum
        if column.maximum is not None:
            bad |= numbers > column.maximum
        _require(frame, bad, column.name, problem, path, hint)
        return numbers.astype(float)
    return values


def load_table(path: str | Path | None, schema: Schema) -> pd.DataFrame:
    """Load a CSV that must follow ``schema``: the shipped file if ``path`` is None.

    Every check names the file, the column and the first bad row, and says what to
    do. Extra columns are kept as text.

    Raises
    ------
    CompassDataError
        If the file cannot be read or a value does not fit its column.
    """
    import pandas as pd

    path = shipped_path(schema.shipped) if path is None else Path(path)
    text = read_text(path)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.ParserError as err:
        raise CompassDataError(
            "the file is not a well-formed CSV",
            file=path,
            row=_parser_error_row(str(err)),
            hint="Open it in a spreadsheet, check the commas on that line (and any quote "
            "marks) and save it as CSV again.",
        ) from None
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in schema.names if c not in frame.columns]
    if missing:
        found = ", ".join(frame.columns) or "none"
        raise CompassDataError(
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
            file=path,
            column=missing[0],
            hint=f"The columns found were: {found}. Rename or add columns so the header has "
            f"{', '.join(schema.names)}.",
        )
    if frame.empty:
        raise CompassDataError(
            "the file has a header but no rows", file=path, hint=f"Add at least one {schema.item}."
        )
    for name in schema.names:
        frame[name] = frame[name].str.strip()
        _require(frame, frame[name] == "", name, "a value is missing", path,
                 "Fill in every cell of this column, or remove the row.")
    for column in schema.columns:
        frame[column.name] = _convert(frame, column, path)
    return frame


CONTACTS = Schema("contacts.csv", (
    Column("contact_id"),
    Column("date", "date"),
    Column("channel"),
    Column("service"),
    Column("reason"),
    Column("demand_type", "choice", choices=DEMAND_TYPES, what="a demand type",
           hint="Use 'value' (what the service is for) or 'failure' (caused by a failure to "
           "do something, or do it right)."),
    Column("repeat_contact", "yesno"),
    Column("minutes", "number", minimum=0, what="a number of minutes (0 or more)",
           hint="Write the minutes as a plain number, such as 12."),
), item="contact")
CONTACT_COLUMNS = CONTACTS.names


def load_contacts(path: str | Path | None = None) -> pd.DataFrame:
    """Load a contact log: the shipped synthetic one, or a learner's own CSV.

    The file needs the columns ``contact_id, date, channel, service, reason,
    demand_type, repeat_contact, minutes`` (see ``data/contacts.md``). Dates may be
    written 2026-03-31 or 31/03/2026; ``demand_type`` is ``value`` or ``failure``;
    ``repeat_contact`` is yes/no; ``minutes`` is a number of minutes, 0 or more.
    Extra columns are kept.

    Parameters
    ----------
    path : str or Path, optional
        A CSV file. Leave it out for the course's synthetic Hollins Vale log.

    Returns
    -------
    pandas.DataFrame
        One row per contact; ``date`` as datetimes, ``repeat_contact`` as bool,
        ``minutes`` as float.

    Raises
    ------
    CompassDataError
        Naming the file, column and first bad row, and what to do.

    Examples
    --------
    >>> contacts = load_contacts()
    >>> len(contacts), sorted(contacts["demand_type"].unique())
    (5000, ['failure', 'value'])
    """
    return load_table(path, CONTACTS)
