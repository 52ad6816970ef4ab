"""nbgrader settings for the compass workbook (the course directory is this folder).

Run nbgrader from this folder, for example::

    cd workbook
    nbgrader generate_assignment 02-failure-demand
    nbgrader autograde 02-failure-demand
    nbgrader generate_feedback 02-failure-demand

nbgrader reads ``nbgrader_config.py`` from the current folder; ``CourseDirectory.root``
below is set to this file's folder, so a JupyterHub global config can also load it
with ``load_subconfig`` from anywhere. Anything here can be overridden on the command
line, such as ``--ExecutePreprocessor.timeout=120``.
"""

from pathlib import Path

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import GetGrades

from compass_widgets.grading import HideHiddenTests

c = get_config()  # noqa: F821 (provided by traitlets when it runs this file)

# --- The course -----------------------------------------------------------------------
c.CourseDirectory.course_id = "compass"
c.CourseDirectory.root = str(Path(__file__).resolve().parent)
# The gradebook defaults to sqlite:///<root>/gradebook.db. Keep it on a local disk:
# SQLite on NFS loses locks (nbgrader issue #1854).

# --- Running learners' notebooks --------------------------------------------------------
# Seconds each cell may run. Every cell in the shipped workbooks takes well under a
# second, so 60 s allows for a slow, shared hub and still stops an endless loop soon.
# nbgrader then interrupts the kernel, records a CellTimeoutError in that cell and
# carries on with the rest of the notebook and with the other learners; a check that
# needs the unfinished answer fails and scores 0.
c.ExecutePreprocessor.timeout = 60

# --- What learners see in the release ---------------------------------------------------
# Plain-English stubs; `raise NotImplementedError()` stays so an unanswered part fails
# its check instead of passing by accident.
c.ClearSolutions.code_stub = {
    "python": "# YOUR CODE HERE: delete the next line, then write your answer\n"
    "raise NotImplementedError()",
}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE: replace this line with your own words."
# Mark schemes sit in the read-only prompt cell above each written answer, between
# lines "=== BEGIN MARK SCHEME ===" and "=== END MARK SCHEME ===". nbgrader strips
# them from the release, but by default only from "task" cells; a read-only cell works
# as well, and it keeps the scheme in the gradebook, so tutors see it beside each
# answer in formgrader. HideHiddenTests removes it again from learners' feedback.
c.ClearMarkScheme.enforce_metadata = False

# --- Feedback -----------------------------------------------------------------------------
# By default the feedback HTML shows hidden test code and the tracebacks of failed
# hidden asserts (nbgrader issue #917). HideHiddenTests strips hidden tests and mark
# schemes and replaces those outputs with a one-line score.
c.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests, CSSHTMLHeaderPreprocessor]
