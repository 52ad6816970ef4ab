"""Every workbook assignment, released, autograded and given feedback by the real nbgrader.

The assignments are found, not listed: each folder in ``workbook/source`` holding a
notebook is one, so a new assignment is tested as soon as it is added. The workbook
is copied to one temporary course directory, and the nbgrader command line then runs
once over all of them, as a tutor would:

1. ``generate_assignment`` releases every assignment;
2. two learners hand in every notebook: ``model`` submits the source notebook,
   solutions and all, and ``untouched`` submits the release as it came;
3. one ``autograde`` run grades them all, and ``generate_feedback`` writes feedback.

Each check then runs once per assignment, so a broken assignment fails its own tests
and no one else's. The checks: the release holds no model answer, hidden test or mark
scheme; the model answers earn full marks on every auto-graded cell and the untouched
release earns none; every graded cell names the module objective it assesses; each
assignment has at least three auto-graded parts with hidden tests and a written part
for a tutor to mark; and neither learner's feedback shows a hidden test.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

from .nbgrader_support import (
    WORKBOOK,
    code_lines,
    html_text,
    nbgrader_meta,
    notebook_text,
    prose_fragments,
    regions,
    run_nbgrader,
    squash,
)

pytestmark = pytest.mark.slow

SOURCE = WORKBOOK / "source"
ASSIGNMENTS = sorted(
    folder.name for folder in SOURCE.iterdir()
    if folder.is_dir() and not folder.name.startswith(".") and any(folder.glob("*.ipynb"))
)
STUDENTS = ("model", "untouched")
# Fences, as in nbgrader_config.py and nbgrader's defaults.
SOLUTION = ("BEGIN SOLUTION", "END SOLUTION")
HIDDEN = ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
MARK_SCHEME = ("BEGIN MARK SCHEME", "END MARK SCHEME")
# One nbgrader command covers every assignment; allow a generous minute for each.
COMMAND_TIMEOUT = 120 + 60 * len(ASSIGNMENTS)


def notebooks(assignment: str) -> list[str]:
    """The notebook names (without .ipynb) of one assignment, as nbgrader sees them."""
    return sorted(path.stem for path in (SOURCE / assignment).glob("*.ipynb"))


# --- what must stay secret ----------------------------------------------------------------


def _inside(source: str, fence: tuple[str, str]) -> list[str]:
    return regions(source, *fence)


def _outside(source: str, fence: tuple[str, str]) -> str:
    """``source`` without the lines of each ``fence`` region, fence lines included."""
    kept, inside = [], False
    for line in source.split("\n"):
        if fence[0] in line:
            inside = True
        elif fence[1] in line:
            inside = False
        elif not inside:
            kept.append(line)
    return "\n".join(kept)


def _solution_lines(cell: nbformat.NotebookNode) -> list[str]:
    """A solution cell's model answer: inside its fences, or the whole cell if it has none."""
    lines = _inside(cell.source, SOLUTION)
    return lines if SOLUTION[0] in cell.source else cell.source.split("\n")


def _pieces(cell: nbformat.NotebookNode, lines: list[str]) -> set[str]:
    return code_lines(lines) if cell.cell_type == "code" else prose_fragments(lines)


@dataclass(frozen=True)
class Secrets:
    """Distinctive text of a source notebook that learners must never be shown."""

    solutions: frozenset[str]
    hidden_tests: frozenset[str]
    mark_schemes: frozenset[str]
    # Every model answer, whitespace squashed: what the "model" learner handed in.
    model_answers: str = ""

    @classmethod
    def of(cls, notebook: nbformat.NotebookNode) -> Secrets:
        """Collect them, leaving out text the notebook also shows openly.

        A line of a model answer that also appears in a worked example, say, is not a
        secret: it is in the release on purpose.
        """
        solutions: set[str] = set()
        hidden: set[str] = set()
        schemes: set[str] = set()
        public: list[str] = []
        answers: list[str] = []
        for cell in notebook.cells:
            source = cell.source
            if nbgrader_meta(cell).get("solution"):
                solutions |= _pieces(cell, _solution_lines(cell))
                answers += _solution_lines(cell)
                source = _outside(source, SOLUTION) if SOLUTION[0] in source else ""
            hidden |= code_lines(_inside(source, HIDDEN))
            schemes |= prose_fragments(_inside(source, MARK_SCHEME))
            public.append(_outside(_outside(source, HIDDEN), MARK_SCHEME))
        shown = squash("\n".join(public))
        return cls(*(frozenset(s for s in found if s not in shown)
                     for found in (solutions, hidden, schemes)),
                   model_answers=squash("\n".join(answers)))


# --- one nbgrader pass over the whole workbook ----------------------------------------------


@dataclass(frozen=True)
class GradedCourse:
    """A temporary course directory after release, autograding and feedback, with the logs."""

    root: Path
    logs: dict[str, subprocess.CompletedProcess[str]]

    def log(self, step: str) -> str:
        done = self.logs[step]
        return f"nbgrader {step} exited with {done.returncode}:\n{done.stdout}{done.stderr}"

    def release(self, assignment: str, notebook: str) -> Path:
        return self.root / "release" / assignment / f"{notebook}.ipynb"

    def feedback(self, student: str, assignment: str, notebook: str) -> Path:
        return self.root / "feedback" / student / assignment / f"{notebook}.html"


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> GradedCourse:
    """Release every assignment, hand in two learners' work, autograde it and write feedback.

    The commands run over every assignment at once (nbgrader takes ``*`` as the
    assignment); a failure in one assignment is logged and nbgrader carries on with
    the rest, so each test below checks the files of its own assignment.
    """
    root = tmp_path_factory.mktemp("workbook")
    shutil.copy(WORKBOOK / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copytree(SOURCE, root / "source",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    logs = {"generate_assignment": run_nbgrader(root, "generate_assignment", "*",
                                                timeout=COMMAND_TIMEOUT)}
    for assignment in ASSIGNMENTS:
        for notebook in notebooks(assignment):
            released = root / "release" / assignment / f"{notebook}.ipynb"
            if not released.exists():
                continue  # its own tests report the failed release
            handed_in = {"model": root / "source" / assignment / f"{notebook}.ipynb",
                         "untouched": released}
            for student, path in handed_in.items():
                folder = root / "submitted" / student / assignment
                folder.mkdir(parents=True, exist_ok=True)
                shutil.copy(path, folder / f"{notebook}.ipynb")
    logs["autograde"] = run_nbgrader(root, "autograde", "*", timeout=COMMAND_TIMEOUT)
    logs["generate_feedback"] = run_nbgrader(root, "generate_feedback", "*",
                                             timeout=COMMAND_TIMEOUT)
    return GradedCourse(root, logs)


@pytest.fixture(scope="module")
def auto_scores(graded: GradedCourse) -> dict[tuple[str, str, str], dict[str, float | None]]:
    """Auto scores from the gradebook: (assignment, notebook, student) -> grade_id -> score."""
    from nbgrader.api import Gradebook, MissingEntry

    found: dict[tuple[str, str, str], dict[str, float | None]] = {}
    with Gradebook(f"sqlite:///{graded.root / 'gradebook.db'}", "compass") as gradebook:
        for assignment in ASSIGNMENTS:
            for notebook in notebooks(assignment):
                for student in STUDENTS:
                    try:
                        submitted = gradebook.find_submission_notebook(
                            notebook, assignment, student)
                    except MissingEntry:
                        continue  # reported by the test that needs it
                    found[assignment, notebook, student] = {
                        grade.name: grade.auto_score for grade in submitted.grades}
    return found


def source(assignment: str, notebook: str) -> nbformat.NotebookNode:
    return nbformat.read(SOURCE / assignment / f"{notebook}.ipynb", as_version=4)


def auto_graded_cells(notebook: nbformat.NotebookNode) -> dict[str, float]:
    """Auto-graded cells (grade cells that are not answers): grade_id -> points."""
    return {str(meta["grade_id"]): float(meta["points"])
            for meta in map(nbgrader_meta, notebook.cells)
            if meta.get("grade") and not meta.get("solution")}


def scores_of(auto_scores: dict[tuple[str, str, str], dict[str, float | None]],
              graded: GradedCourse, assignment: str, notebook: str,
              student: str) -> dict[str, float | None]:
    key = (assignment, notebook, student)
    assert key in auto_scores, f"{student} was not graded on {notebook}\n{graded.log('autograde')}"
    return auto_scores[key]


# --- the tests -------------------------------------------------------------------------------


def test_the_workbook_has_assignments_to_test() -> None:
    assert "02-failure-demand" in ASSIGNMENTS
    for assignment in ASSIGNMENTS:
        assert notebooks(assignment), assignment


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_graded_cell_names_an_objective(assignment: str) -> None:
    for notebook in notebooks(assignment):
        for cell in source(assignment, notebook).cells:
            meta = nbgrader_meta(cell)
            if meta.get("grade"):
                objective = cell.metadata.get("compass", {}).get("objective")
                assert isinstance(objective, int) and not isinstance(objective, bool) \
                    and objective >= 1, \
                    f"{notebook}: graded cell {meta['grade_id']!r} names no objective " \
                    "in metadata.compass.objective"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_assignment_has_auto_graded_parts_with_hidden_tests_and_a_written_part(
    assignment: str,
) -> None:
    auto, written = [], []
    for notebook in notebooks(assignment):
        nb = source(assignment, notebook)
        assert nb.metadata.get("kernelspec", {}).get("name") == "python3", notebook
        for cell in nb.cells:
            meta = nbgrader_meta(cell)
            if meta.get("grade") and not meta.get("solution"):
                auto.append(meta["grade_id"])
                assert cell.source.startswith('"""Check that '), meta["grade_id"]
                assert "### BEGIN HIDDEN TESTS" in cell.source, meta["grade_id"]
            elif meta.get("grade") and cell.cell_type == "markdown":
                written.append(meta["grade_id"])
    assert len(auto) >= 3, f"{assignment}: auto-graded parts {auto}"
    assert written, f"{assignment}: no written answer for a tutor to mark"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_holds_no_model_answers_hidden_tests_or_mark_schemes(
    graded: GradedCourse, assignment: str,
) -> None:
    for notebook in notebooks(assignment):
        path = graded.release(assignment, notebook)
        assert path.exists(), f"{notebook} was not released\n{graded.log('generate_assignment')}"
        released = notebook_text(nbformat.read(path, as_version=4))
        secrets = Secrets.of(source(assignment, notebook))
        for kind, found in (("model answer", secrets.solutions),
                            ("hidden test", secrets.hidden_tests),
                            ("mark scheme", secrets.mark_schemes)):
            leaked = sorted(text for text in found if text in released)
            assert not leaked, f"{notebook}: the release shows {kind} text: {leaked}"
        for fence in ("BEGIN SOLUTION", "HIDDEN TESTS", "MARK SCHEME"):
            assert fence not in released, f"{notebook}: the release still holds {fence!r}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_model_answers_earn_full_marks(
    graded: GradedCourse, auto_scores: dict[tuple[str, str, str], dict[str, float | None]],
    assignment: str,
) -> None:
    for notebook in notebooks(assignment):
        expected = auto_graded_cells(source(assignment, notebook))
        scores = scores_of(auto_scores, graded, assignment, notebook, "model")
        assert {grade_id: scores.get(grade_id) for grade_id in expected} == expected, \
            f"{notebook}: the model answers lost marks\n{graded.log('autograde')}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_untouched_release_earns_nothing(
    graded: GradedCourse, auto_scores: dict[tuple[str, str, str], dict[str, float | None]],
    assignment: str,
) -> None:
    for notebook in notebooks(assignment):
        expected = dict.fromkeys(auto_graded_cells(source(assignment, notebook)), 0.0)
        scores = scores_of(auto_scores, graded, assignment, notebook, "untouched")
        assert {grade_id: scores.get(grade_id) for grade_id in expected} == expected, \
            f"{notebook}: the untouched release earned marks"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_feedback_shows_no_hidden_tests_or_mark_schemes(
    graded: GradedCourse, assignment: str,
) -> None:
    for notebook in notebooks(assignment):
        secrets = Secrets.of(source(assignment, notebook))
        for student in STUDENTS:
            page = graded.feedback(student, assignment, notebook)
            assert page.exists(), \
                f"no feedback for {student} on {notebook}\n{graded.log('generate_feedback')}"
            text = html_text(page)
            assert "HIDDEN TESTS" not in text and "MARK SCHEME" not in text, (student, notebook)
            for secret in secrets.hidden_tests | secrets.mark_schemes:
                # The model learner's own answers are on their page; a hidden line that
                # merely repeats part of one (say, a shared assignment) gives nothing away.
                if student == "model" and secret in secrets.model_answers:
                    continue
                assert secret not in text, (student, notebook, secret)
            if student == "untouched":
                for secret in secrets.solutions:
                    assert secret not in text, (student, notebook, secret)
