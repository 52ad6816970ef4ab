"""Feedback for nbgrader assignments that never gives the hidden tests away.

nbgrader's ``generate_feedback`` turns each learner's *autograded* notebook into
HTML. That notebook holds every test cell in full, hidden tests included, with its
outputs, so by default the feedback shows the hidden test code and the traceback of
any hidden assert that failed (nbgrader issue #917). It can also show a tutor's mark
scheme: nbgrader saves read-only cells to the gradebook *before* it strips mark
schemes and hidden tests from the release, and puts the saved source back when it
autogrades.

:class:`HideHiddenTests` is an nbconvert preprocessor for
``c.GenerateFeedback.preprocessors`` (after nbgrader's ``GetGrades``, which puts each
cell's score in its metadata). It removes hidden-test and mark-scheme regions from
every cell, and replaces the outputs of each cell that held hidden tests with one
plain sentence giving the score and no test code, for example::

    Hidden checks: 2 of 3 points. Your answer passed the visible checks, but not
    all the hidden ones. ...

The workbook's ``nbgrader_config.py`` wires it in::

    from compass_widgets.grading import HideHiddenTests
    c.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests, CSSHTMLHeaderPreprocessor]
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Unicode

if TYPE_CHECKING:
    from nbconvert.exporters.exporter import ResourcesDict
    from nbformat import NotebookNode

__all__ = ["HideHiddenTests", "describe_hidden_result", "remove_region"]

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# IPython 8+ names the frame of a notebook cell "Cell In[<execution count>], line <n>".
_CELL_FRAME = re.compile(r"Cell In\[(\d+)\], line (\d+)")
_MAX_DETAIL = 200
#: The errors ``compass grade`` writes into a cell itself, with a message in plain words:
#: the kernel stopped in this cell, or the cell did not run because it stopped earlier.
GRADER_ERRORS = frozenset({"DeadKernelError", "CellNotRun"})
_SECRET = (
    "The hidden checks are not shown, so that they stay a fair test for everyone; "
    "your tutor can tell you more."
)


def remove_region(source: str, begin: str, end: str) -> tuple[str, int | None]:
    r"""Remove each region from a line containing ``begin`` to a line containing ``end``.

    The delimiter lines go too, as nbgrader's own ``ClearHiddenTests`` does. A region
    with no end runs to the end of the source: when in doubt, hide.

    Parameters
    ----------
    source : str
        The source of one cell.
    begin, end : str
        Text marking the first and the last line of a region.

    Returns
    -------
    tuple of (str, int or None)
        The source without its regions, and the line number (counting from 1) of the
        first ``begin`` line, or None if there was no region.

    Examples
    --------
    >>> remove_region("a = 1\n# BEGIN X\nsecret()\n# END X\nb = 2", "BEGIN X", "END X")
    ('a = 1\nb = 2', 2)
    >>> remove_region("a = 1", "BEGIN X", "END X")
    ('a = 1', None)
    """
    kept: list[str] = []
    first: int | None = None
    inside = False
    for number, line in enumerate(source.split("\n"), start=1):
        if begin in line:
            inside = True
            first = number if first is None else first
        elif inside and end in line:
            inside = False
        elif not inside:
            kept.append(line)
    return "\n".join(kept), first


def _points(value: float, unit: bool = False) -> str:
    """Write a number of points as a person would: 2, not 2.0; 1.5 stays 1.5."""
    text = f"{value:g}"
    return f"{text} point{'' if value == 1 else 's'}" if unit else text


def _error_line(output: Any, execution_count: int | None) -> int | None:
    """Return the line of the grade cell where an error output says it stopped, if it says."""
    for frame in output.get("traceback", []):
        match = _CELL_FRAME.search(_ANSI.sub("", frame))
        if match and (execution_count is None or int(match.group(1)) == execution_count):
            return int(match.group(2))
    return None


def describe_hidden_result(cell: NotebookNode, hidden_start: int) -> str:
    """Say how a cell with hidden tests went, without a word of the tests themselves.

    Parameters
    ----------
    cell : NotebookNode
        An executed grade cell, with ``metadata.nbgrader.score`` and ``points`` set
        by nbgrader's ``GetGrades``, before its outputs are replaced.
    hidden_start : int
        The line (counting from 1) where its hidden tests begin.

    Returns
    -------
    str
        One or two plain sentences, starting ``Hidden checks:``.
    """
    grading = cell.get("metadata", {}).get("nbgrader", {})
    score, points = grading.get("score"), grading.get("points")
    if score is None or points is None:
        return f"Hidden checks: not scored yet. {_SECRET}"
    out_of = f"{_points(float(score))} of {_points(float(points), unit=True)}"

    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    printed_error = any(
        o.get("output_type") == "stream" and o.get("name") == "stderr"
        for o in cell.get("outputs", [])
    )
    if errors:
        error = errors[0]
        ename = str(error.get("ename", "Error"))
        if ename == "CellTimeoutError":
            return (
                f"Hidden checks: {out_of}. The checks did not finish in the time allowed, so "
                "they could not pass. Look for a loop that never ends in your answer above."
            )
        if ename in GRADER_ERRORS:
            # The grader's own words about the kernel, never a test's: safe to show.
            evalue = str(error.get("evalue", "")).strip()
            return (
                f"Hidden checks: {out_of}. {evalue} Checks that do not run score 0. Run your "
                "notebook from top to bottom (Kernel > Restart Kernel and Run All Cells) to "
                "find the cell that stops it, then submit again."
            )
        line = _error_line(error, cell.get("execution_count"))
        if line is not None and line < hidden_start:
            # The error came from the visible checks, which the learner has already:
            # its message is theirs to see, and the hidden checks never ran.
            evalue = str(error.get("evalue", "")).strip()
            detail = f"{ename}: {evalue.splitlines()[0].rstrip('.')}" if evalue else ename
            detail = detail[:_MAX_DETAIL]
            return (
                f"Hidden checks: not run, because a visible check failed first ({detail}). "
                f"Score for this cell: {out_of}. Run this check in your own notebook to see "
                "which line failed."
            )
        if line is not None:
            return (
                f"Hidden checks: {out_of}. Your answer passed the visible checks, but a hidden "
                f"check stopped with an error ({ename}). {_SECRET}"
            )
        return f"Hidden checks: {out_of}. This cell stopped with an error ({ename}). {_SECRET}"
    if printed_error:
        return (
            f"Hidden checks: {out_of}. A check printed a warning or an error message, which "
            f"counts as a failed check. {_SECRET}"
        )
    if float(score) >= float(points):
        return f"Hidden checks: {out_of}. Your answer passed every check."
    return (
        f"Hidden checks: {out_of}. Your answer passed the visible checks, but not all the "
        f"hidden ones. {_SECRET}"
    )


class HideHiddenTests(Preprocessor):
    r"""Strip hidden tests and mark schemes from feedback, and say only how the tests went.

    Put it in ``c.GenerateFeedback.preprocessors`` after ``GetGrades``. For each cell
    it removes every hidden-test region and every mark-scheme region; for each code
    cell that held hidden tests, it replaces all the outputs (printed text, the
    partial-credit number, tracebacks) with the sentence from
    :func:`describe_hidden_result`.

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_notebook, new_output
    >>> test = new_code_cell(
    ...     "assert answer > 0\n### BEGIN HIDDEN TESTS\nassert answer == 42\n### END HIDDEN TESTS",
    ...     metadata={"nbgrader": {"grade": True, "grade_id": "t", "points": 2.0, "score": 0.0}},
    ...     outputs=[new_output("error", ename="AssertionError", evalue="",
    ...                         traceback=["Cell In[3], line 3", "assert answer == 42"])],
    ...     execution_count=3)
    >>> notebook, _ = HideHiddenTests().preprocess(new_notebook(cells=[test]), {})
    >>> notebook.cells[0].source
    'assert answer > 0'
    >>> print(notebook.cells[0].outputs[0].text)  # doctest: +NORMALIZE_WHITESPACE
    Hidden checks: 0 of 2 points. Your answer passed the visible checks, but a hidden check
    stopped with an error (AssertionError). The hidden checks are not shown, so that they
    stay a fair test for everyone; your tutor can tell you more.
    """

    enabled = Bool(True, help="Whether to apply this preprocessor.").tag(config=True)
    begin_hidden_tests_delimiter = Unicode(
        "BEGIN HIDDEN TESTS",
        help="Text on the line that starts hidden tests "
        "(as ClearHiddenTests.begin_test_delimeter).",
    ).tag(config=True)
    end_hidden_tests_delimiter = Unicode(
        "END HIDDEN TESTS",
        help="Text on the line that ends hidden tests (as ClearHiddenTests.end_test_delimeter).",
    ).tag(config=True)
    begin_mark_scheme_delimiter = Unicode(
        "BEGIN MARK SCHEME",
        help="Text on the line that starts a mark scheme "
        "(as ClearMarkScheme.begin_mark_scheme_delimeter).",
    ).tag(config=True)
    end_mark_scheme_delimiter = Unicode(
        "END MARK SCHEME",
        help="Text on the line that ends a mark scheme "
        "(as ClearMarkScheme.end_mark_scheme_delimeter).",
    ).tag(config=True)

    def preprocess_cell(
        self, cell: NotebookNode, resources: ResourcesDict, index: int
    ) -> tuple[NotebookNode, ResourcesDict]:
        """Remove hidden tests and mark schemes from one cell, and replace its test outputs."""
        from nbformat.v4 import new_output

        source, hidden_start = remove_region(
            cell.source, self.begin_hidden_tests_delimiter, self.end_hidden_tests_delimiter
        )
        source, _ = remove_region(
            source, self.begin_mark_scheme_delimiter, self.end_mark_scheme_delimiter
        )
        if hidden_start is not None and cell.cell_type == "code":
            message = describe_hidden_result(cell, hidden_start)
            # nbformat's constructors carry no type hints.
            output = new_output("stream", name="stdout", text=message + "\n")  # type: ignore[no-untyped-call]
            cell.outputs = [output]
        cell.source = source
        return cell, resources
