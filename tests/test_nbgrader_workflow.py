"""The real nbgrader workflow on workbook/, run as a tutor runs it.

The workbook is copied to a temporary course directory and the nbgrader command line
releases assignment 02, autogrades a small cohort in one run and writes feedback. The
cohort covers what a tutor meets:

- ``model``: the source notebook, solutions and all;
- ``untouched``: the release, handed in as it came;
- ``tamperer``: a wrong answer "protected" by editing its read-only check to
  ``assert True``, and the read-only setup cell edited too;
- ``looper``: part B answered with an endless loop, the other parts right;
- ``partial``: part A counts repeat contacts instead of failure demand, and part B
  sorts lowest first, the other parts right.

Scores are read back from the gradebook with nbgrader's own API.
"""

from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from .nbgrader_support import (
    WORKBOOK,
    code_lines,
    find_cell,
    html_text,
    log_by_student,
    nbgrader_meta,
    notebook_text,
    prose_fragments,
    regions,
    run_nbgrader,
    swap,
)

pytestmark = pytest.mark.slow

ASSIGNMENT = "02-failure-demand"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
# Short, so the endless loop costs seconds; still far above what any cell needs.
CELL_TIMEOUT = 8
STUDENTS = ("looper", "model", "partial", "tamperer", "untouched")
ANSWER_CELLS = ("failure_share", "share_by_service", "failure_cost", "top_failure_reasons")
CHECKSUM_WARNING = re.compile(
    r"Attribute 'checksum' for cell (\w+) has changed! \(should be: (\w+), got: (\w+)\)"
)


# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh course directory holding the workbook's config and sources, released."""
    root = tmp_path_factory.mktemp("course")
    shutil.copy(WORKBOOK / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copytree(
        WORKBOOK / "source",
        root / "source",
        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
    )
    done = run_nbgrader(root, "generate_assignment", ASSIGNMENT)
    assert done.returncode == 0, done.stderr
    return root


@pytest.fixture(scope="module")
def source_notebook(course: Path) -> nbformat.NotebookNode:
    return nbformat.read(course / "source" / ASSIGNMENT / NOTEBOOK, as_version=4)


@pytest.fixture(scope="module")
def release_notebook(course: Path) -> nbformat.NotebookNode:
    return nbformat.read(course / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)


@pytest.fixture(scope="module")
def auto_cells(source_notebook: nbformat.NotebookNode) -> dict[str, float]:
    """Auto-graded cells of the source notebook: grade_id -> points."""
    cells = {
        str(meta["grade_id"]): float(meta["points"])
        for meta in map(nbgrader_meta, source_notebook.cells)
        if meta.get("grade") and not meta.get("solution")
    }
    assert len(cells) >= 3
    return cells


@pytest.fixture(scope="module")
def hidden_test_lines(source_notebook: nbformat.NotebookNode) -> set[str]:
    lines = [
        line
        for cell in source_notebook.cells
        for line in regions(cell.source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
    ]
    return code_lines(lines)


@pytest.fixture(scope="module")
def mark_scheme_fragments(source_notebook: nbformat.NotebookNode) -> set[str]:
    lines = [
        line
        for cell in source_notebook.cells
        for line in regions(cell.source, "BEGIN MARK SCHEME", "END MARK SCHEME")
    ]
    return prose_fragments(lines)


@pytest.fixture(scope="module")
def solution_code(source_notebook: nbformat.NotebookNode) -> dict[str, str]:
    """Each code answer cell's model solution: grade_id -> the code inside its fence."""
    return {
        grade_id: "\n".join(
            regions(find_cell(source_notebook, grade_id).source, "BEGIN SOLUTION", "END SOLUTION")
        )
        for grade_id in ANSWER_CELLS
    }


@pytest.fixture(scope="module")
def solution_lines(
    source_notebook: nbformat.NotebookNode, solution_code: dict[str, str]
) -> set[str]:
    """Distinctive text of every model answer: fenced code, and whole written answers."""
    found = code_lines([line for code in solution_code.values() for line in code.split("\n")])
    for cell in source_notebook.cells:
        if nbgrader_meta(cell).get("solution") and cell.cell_type == "markdown":
            found |= prose_fragments(cell.source.split("\n"))
    return found


@pytest.fixture(scope="module")
def submissions(
    course: Path,
    source_notebook: nbformat.NotebookNode,
    release_notebook: nbformat.NotebookNode,
    solution_code: dict[str, str],
) -> dict[str, nbformat.NotebookNode]:
    """One submitted notebook per student, written where ``nbgrader collect`` puts them."""

    def answered(**answers: str) -> nbformat.NotebookNode:
        notebook = copy.deepcopy(release_notebook)
        for grade_id in ANSWER_CELLS:
            find_cell(notebook, grade_id).source = answers.get(grade_id, solution_code[grade_id])
        return notebook

    tampered = copy.deepcopy(release_notebook)
    find_cell(tampered, "failure_share").source = "failure_contacts = 1\nfailure_share = 0.99"
    find_cell(tampered, "correct_failure_share").source = "assert True"
    setup = find_cell(tampered, "setup")
    setup.source = swap(setup.source, "COST_PER_MINUTE = 0.50", "COST_PER_MINUTE = 5.00")

    cohort = {
        "model": source_notebook,
        "untouched": release_notebook,
        "tamperer": tampered,
        "looper": answered(share_by_service="while True:\n    pass"),
        "partial": answered(
            failure_share=swap(
                solution_code["failure_share"],
                'contacts["demand_type"] == "failure"',
                'contacts["repeat_contact"]',
            ),
            share_by_service=swap(
                solution_code["share_by_service"], "sort_values(ascending=False)", "sort_values()"
            ),
        ),
    }
    assert sorted(cohort) == list(STUDENTS)
    for student, notebook in cohort.items():
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(notebook, folder / NOTEBOOK)
    return cohort


@pytest.fixture(scope="module")
def autograde_log(course: Path, submissions: dict[str, nbformat.NotebookNode]) -> str:
    """The log of one ``nbgrader autograde`` run over the whole cohort."""
    done = run_nbgrader(
        course, "autograde", ASSIGNMENT, f"--ExecutePreprocessor.timeout={CELL_TIMEOUT}"
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def scores(course: Path, autograde_log: str) -> dict[str, dict[str, float | None]]:
    """Auto scores from the gradebook: student -> grade_id -> score (None: needs a tutor)."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "compass") as gradebook:
        return {
            student: {
                grade.name: grade.auto_score
                for grade in gradebook.find_submission_notebook(
                    ASSIGNMENT, ASSIGNMENT, student
                ).grades
            }
            for student in STUDENTS
        }


@pytest.fixture(scope="module")
def autograded(course: Path, autograde_log: str) -> dict[str, nbformat.NotebookNode]:
    return {
        student: nbformat.read(course / "autograded" / student / ASSIGNMENT / NOTEBOOK, 4)
        for student in STUDENTS
    }


@pytest.fixture(scope="module")
def feedback(course: Path, autograde_log: str) -> dict[str, str]:
    """The visible text of each student's feedback page."""
    done = run_nbgrader(course, "generate_feedback", ASSIGNMENT)
    assert done.returncode == 0, done.stderr
    return {
        student: html_text(course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html")
        for student in STUDENTS
    }


# --- release -----------------------------------------------------------------------------


def test_release_has_no_solutions_hidden_tests_or_mark_scheme(
    release_notebook: nbformat.NotebookNode,
    solution_lines: set[str],
    hidden_test_lines: set[str],
    mark_scheme_fragments: set[str],
) -> None:
    assert solution_lines and hidden_test_lines and mark_scheme_fragments
    released = notebook_text(release_notebook)
    for secret in solution_lines | hidden_test_lines | mark_scheme_fragments:
        assert secret not in released
    for delimiter in ("BEGIN SOLUTION", "HIDDEN TESTS", "MARK SCHEME"):
        assert delimiter not in released
    for grade_id in ANSWER_CELLS:
        assert "raise NotImplementedError()" in find_cell(release_notebook, grade_id).source


def test_every_graded_part_names_its_objective_and_has_hidden_tests(
    source_notebook: nbformat.NotebookNode, auto_cells: dict[str, float]
) -> None:
    for cell in source_notebook.cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade"):
            assert cell.metadata["compass"]["objective"] in (1, 2, 3, 4)
        if meta.get("grade") and not meta.get("solution"):
            assert cell.source.startswith('"""Check that ')
            assert "### BEGIN HIDDEN TESTS" in cell.source


# --- autograde ---------------------------------------------------------------------------


def test_model_answers_earn_full_marks_and_run_cleanly(
    scores: dict[str, dict[str, float | None]],
    auto_cells: dict[str, float],
    autograded: dict[str, nbformat.NotebookNode],
) -> None:
    assert {grade_id: scores["model"][grade_id] for grade_id in auto_cells} == auto_cells
    assert scores["model"]["redesign_first"] is None  # a written answer waits for a tutor
    for cell in autograded["model"].cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error"
            assert output.get("name") != "stderr"


def test_untouched_release_scores_zero(
    scores: dict[str, dict[str, float | None]], auto_cells: dict[str, float]
) -> None:
    assert scores["untouched"] == dict.fromkeys([*auto_cells, "redesign_first"], 0.0)


def test_tampered_check_is_restored_and_still_fails(
    scores: dict[str, dict[str, float | None]],
    autograded: dict[str, nbformat.NotebookNode],
    source_notebook: nbformat.NotebookNode,
    release_notebook: nbformat.NotebookNode,
    autograde_log: str,
) -> None:
    # Left as "assert True", the check would have given full marks to a wrong answer.
    assert scores["tamperer"]["correct_failure_share"] == 0.0
    for grade_id in ("correct_failure_share", "setup"):
        restored = find_cell(autograded["tamperer"], grade_id).source
        assert restored == find_cell(source_notebook, grade_id).source

    # nbgrader logs a checksum warning for every cell whose source differs from the
    # gradebook's copy. Cells with hidden tests always differ (the gradebook keeps the
    # source from before the hidden tests were stripped), so for them tampering shows
    # as a checksum other than the one in the release.
    logs = log_by_student(autograde_log)
    warned = {
        student: {cell: got for cell, _, got in CHECKSUM_WARNING.findall(log)}
        for student, log in logs.items()
    }
    released = nbgrader_meta(find_cell(release_notebook, "correct_failure_share"))["checksum"]
    assert warned["untouched"]["correct_failure_share"] == released
    assert warned["tamperer"]["correct_failure_share"] != released
    assert "setup" in warned["tamperer"]
    assert "setup" not in warned["untouched"]


def test_endless_loop_times_out_and_the_rest_of_the_cohort_is_graded(
    scores: dict[str, dict[str, float | None]],
    autograded: dict[str, nbformat.NotebookNode],
    auto_cells: dict[str, float],
    autograde_log: str,
) -> None:
    logs = log_by_student(autograde_log)
    assert list(logs)[0] == "looper"  # graded first, so everyone else came after it
    assert f"Timeout waiting for execute reply ({CELL_TIMEOUT}s)" in logs["looper"]
    loop_cell = find_cell(autograded["looper"], "share_by_service")
    assert "CellTimeoutError" in [o.get("ename") for o in loop_cell.outputs]

    expected = dict(auto_cells, correct_share_by_service=0.0)
    assert {grade_id: scores["looper"][grade_id] for grade_id in auto_cells} == expected
    for student in STUDENTS:
        assert all(scores[student][grade_id] is not None for grade_id in auto_cells)


def test_partly_right_answers_earn_partial_credit(
    scores: dict[str, dict[str, float | None]], auto_cells: dict[str, float]
) -> None:
    # Part A counts repeat contacts: wrong count, wrong share, but the share follows
    # from the count. Part B is right but lowest first.
    expected = dict(auto_cells, correct_failure_share=1.0, correct_share_by_service=2.0)
    assert {grade_id: scores["partial"][grade_id] for grade_id in auto_cells} == expected


# --- feedback ----------------------------------------------------------------------------


def test_feedback_hides_hidden_tests_and_mark_scheme(
    feedback: dict[str, str],
    autograded: dict[str, nbformat.NotebookNode],
    hidden_test_lines: set[str],
    mark_scheme_fragments: set[str],
    release_notebook: nbformat.NotebookNode,
) -> None:
    # The autograded notebooks behind the feedback do hold the secrets...
    graded_text = notebook_text(autograded["untouched"])
    assert all(line in graded_text for line in hidden_test_lines)
    assert all(fragment in graded_text for fragment in mark_scheme_fragments)
    # ...and the text extraction finds ordinary code and prose in the pages.
    visible = find_cell(release_notebook, "correct_share_by_service").source.split("\n")
    prompt = find_cell(release_notebook, "redesign_first_prompt").source.split("\n")
    for student, text in feedback.items():
        assert code_lines(visible) and all(line in text for line in code_lines(visible))
        assert all(fragment in text for fragment in prose_fragments(prompt))
        for secret in hidden_test_lines | mark_scheme_fragments:
            assert secret not in text, (student, secret)
        assert "HIDDEN TESTS" not in text
        assert "MARK SCHEME" not in text


def test_feedback_reports_scores_in_plain_words(feedback: dict[str, str]) -> None:
    assert feedback["model"].count("Your answer passed every check.") == 4
    assert "Hidden checks: 1 of 3 points." in feedback["partial"]
    assert "Hidden checks: 2 of 3 points." in feedback["partial"]
    assert "Hidden checks: not run, because a visible check failed first" in feedback["untouched"]


def test_feedback_for_the_untouched_release_shows_no_solutions(
    feedback: dict[str, str], solution_lines: set[str]
) -> None:
    assert feedback["untouched"]
    for secret in solution_lines:
        assert secret not in feedback["untouched"]
