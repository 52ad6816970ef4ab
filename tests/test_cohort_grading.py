"""``compass grade``: a cohort graded in parallel, checked against ``nbgrader autograde``.

The workbook is released into a temporary course directory and a cohort of nine
learners hands in assignment 02:

- ``model``: the source notebook, solutions and all;
- ``untouched``: the release, handed in as it came;
- ``tamperer``: a wrong part A, "protected" by editing its check to ``assert True``,
  and the read-only setup cell edited too;
- ``looper``: part B is an endless loop, the other parts right;
- ``partial``: part A counts repeat contacts, part B sorts lowest first;
- ``crasher``: part B ends with ``os._exit(1)``, which kills the kernel;
- ``segfaulter``: part C crashes the kernel with a segmentation fault (ctypes);
- ``hog``: part C grabs memory until the limit stops it;
- ``stubborn``: part C ignores Ctrl+C and sleeps for ever, so the interrupt at its
  timeout cannot stop it;
- ``slowcoach``: the two worked examples and each part wait 4 seconds, under the
  cell timeout, but together past the time limit for a submission;
- ``killer``: part B kills the grading process that runs its kernel;
- ``freezer``: part B freezes that process (SIGSTOP), so it never answers.

The course directory is copied twice. ``nbgrader autograde`` grades one copy (all but
the last three, which it has no defence against) under the same memory limit, and
``compass grade`` grades the other, from the command line, with feedback, release
and export. Every grade in the two gradebooks must match, except where nbgrader
gives up on a dead kernel and leaves the submission ungraded.

Timeouts are short, so the whole module takes about a minute on two cores.
"""

from __future__ import annotations

import copy
import csv
import io
import os
import re
import resource
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest

from .nbgrader_support import find_cell, html_text, regions, squash, swap

WORKBOOK = Path(__file__).resolve().parents[1] / "workbook"
ASSIGNMENT = "02-failure-demand"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
BIN = Path(sys.executable).parent
CELL_TIMEOUT = 5
TIME_LIMIT = 20
MEMORY_MB = 2000
STUDENTS = ("crasher", "freezer", "hog", "killer", "looper", "model", "partial",
            "segfaulter", "slowcoach", "stubborn", "tamperer", "untouched")
# nbgrader gives up on these submissions and leaves them ungraded.
NBGRADER_GIVES_UP = ("crasher", "segfaulter", "stubborn")
NOT_FOR_NBGRADER = ("freezer", "killer", "slowcoach")
AUTO = {"correct_failure_share": 3.0, "correct_share_by_service": 3.0,
        "correct_failure_cost": 3.0, "correct_top_failure_reasons": 2.0}
ANSWER_CELLS = ("failure_share", "share_by_service", "failure_cost", "top_failure_reasons")

HOG = '''def grab_memory():
    chunks = []
    while True:
        chunks.append(bytearray(50_000_000))

grab_memory()'''
STUBBORN = '''import signal
import time

signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C (and nbgrader's interrupt) do nothing
while True:
    time.sleep(0.1)'''


# --- helpers -----------------------------------------------------------------------------


def environment(course: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PATH": str(BIN) + os.pathsep + os.environ.get("PATH", ""),
        "JUPYTER_CONFIG_DIR": str(course / ".jupyter-config"),
        "JUPYTER_DATA_DIR": str(course / ".jupyter-data"),
    }


def limit_memory() -> None:
    """In the child: the same address-space limit compass grade gives each kernel."""
    limit = MEMORY_MB * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def run(course: Path, *command: str, memory_limit: bool = False,
        timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(command), cwd=course, env=environment(course), capture_output=True, text=True,
        timeout=timeout, check=False, preexec_fn=limit_memory if memory_limit else None,
    )


def compass(course: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run(course, str(BIN / "compass"), *args)


def nbgrader(course: Path, *args: str, memory_limit: bool = False
             ) -> subprocess.CompletedProcess[str]:
    return run(course, str(BIN / "nbgrader"), *args, memory_limit=memory_limit)


def without_id(record: dict[str, Any]) -> dict[str, Any]:
    """A gradebook record without its random database id."""
    return {key: value for key, value in record.items() if key != "id"}


def gradebook_state(course: Path) -> dict[str, dict[str, Any]]:
    """Everything autograding writes, per learner: submission, grades and comments."""
    from nbgrader.api import Gradebook

    state: dict[str, dict[str, Any]] = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "compass") as gradebook:
        for student in gradebook.students:
            submission = gradebook.find_submission(ASSIGNMENT, student.id)
            notebook = gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student.id)
            state[student.id] = {
                "submission": without_id(submission.to_dict())
                | {"penalty": submission.late_submission_penalty},
                "notebook": without_id(notebook.to_dict())
                | {"penalty": notebook.late_submission_penalty},
                "grades": {g.name: without_id(g.to_dict()) for g in notebook.grades},
                "comments": {c.name: without_id(c.to_dict()) for c in notebook.comments},
            }
    return state


def auto_scores(state: dict[str, Any], student: str) -> dict[str, float | None]:
    return {name: state[student]["grades"][name]["auto_score"] for name in AUTO}


def totals(state: dict[str, Any], student: str) -> tuple[float, float]:
    submission = state[student]["submission"]
    return submission["score"], submission["max_score"]


# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A course directory with the workbook's config and sources, assignment 02 released."""
    root = tmp_path_factory.mktemp("released")
    shutil.copy(WORKBOOK / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copytree(WORKBOOK / "source", root / "source",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    done = nbgrader(root, "generate_assignment", ASSIGNMENT)
    assert done.returncode == 0, done.stderr
    return root


@pytest.fixture(scope="module")
def source_notebook(released: Path) -> nbformat.NotebookNode:
    return nbformat.read(released / "source" / ASSIGNMENT / NOTEBOOK, as_version=4)


@pytest.fixture(scope="module")
def cohort(released: Path, source_notebook: nbformat.NotebookNode
           ) -> dict[str, nbformat.NotebookNode]:
    release = nbformat.read(released / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)
    solution = {g: "\n".join(regions(find_cell(source_notebook, g).source,
                                     "BEGIN SOLUTION", "END SOLUTION")) for g in ANSWER_CELLS}

    def answered(**answers: str) -> nbformat.NotebookNode:
        notebook = copy.deepcopy(release)
        for grade_id in ANSWER_CELLS:
            find_cell(notebook, grade_id).source = answers.get(grade_id, solution[grade_id])
        return notebook

    def slow(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
        """Make the worked examples and the answers wait 4 s each: 24 s in all."""
        examples = [c for c in notebook.cells if c.cell_type == "code"
                    and c.source.startswith(('contacts["channel"]', "by_phone ="))]
        assert len(examples) == 2, "the worked examples have changed"
        for cell in [*examples, *(find_cell(notebook, g) for g in ANSWER_CELLS)]:
            cell.source = "import time\ntime.sleep(4)\n" + cell.source
        return notebook

    tampered = copy.deepcopy(release)
    find_cell(tampered, "failure_share").source = "failure_contacts = 1\nfailure_share = 0.99"
    find_cell(tampered, "correct_failure_share").source = "assert True"
    setup = find_cell(tampered, "setup")
    setup.source = swap(setup.source, "COST_PER_MINUTE = 0.50", "COST_PER_MINUTE = 5.00")

    students = {
        "model": source_notebook,
        "untouched": release,
        "tamperer": tampered,
        "looper": answered(share_by_service="while True:\n    pass"),
        "partial": answered(
            failure_share=swap(solution["failure_share"],
                               'contacts["demand_type"] == "failure"',
                               'contacts["repeat_contact"]'),
            share_by_service=swap(solution["share_by_service"],
                                  "sort_values(ascending=False)", "sort_values()"),
        ),
        "crasher": answered(share_by_service=solution["share_by_service"]
                            + "\nimport os\nos._exit(1)"),
        "segfaulter": answered(failure_cost="import ctypes\nctypes.string_at(0)"),
        "hog": answered(failure_cost=HOG),
        "stubborn": answered(failure_cost=STUBBORN),
        "slowcoach": slow(answered()),
        "killer": answered(share_by_service=solution["share_by_service"]
                           + "\nimport os, signal\nos.kill(os.getppid(), signal.SIGKILL)"),
        "freezer": answered(share_by_service=solution["share_by_service"]
                            + "\nimport os, signal\nos.kill(os.getppid(), signal.SIGSTOP)"),
    }
    assert sorted(students) == list(STUDENTS)
    return students


def course_copy(released: Path, destination: Path,
                students: dict[str, nbformat.NotebookNode]) -> Path:
    shutil.copytree(released, destination)
    for student, notebook in students.items():
        folder = destination / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(notebook, folder / NOTEBOOK)
        # `nbgrader submit` and `collect` leave these beside each submission.
        (folder / "timestamp.txt").write_text("2026-03-02 09:30:00.000000 UTC")
        (folder / "submission_secret.txt").write_text(f"secret-of-{student}")
    return destination


@pytest.fixture(scope="module")
def nbgrader_course(released: Path, cohort: dict[str, nbformat.NotebookNode],
                    tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The cohort (but three) graded by ``nbgrader autograde``, memory limited."""
    course = course_copy(released, tmp_path_factory.mktemp("nbgrader") / "course",
                         {s: nb for s, nb in cohort.items() if s not in NOT_FOR_NBGRADER})
    done = nbgrader(course, "autograde", ASSIGNMENT,
                    f"--ExecutePreprocessor.timeout={CELL_TIMEOUT}", memory_limit=True)
    # nbgrader fails the run: it left three submissions ungraded.
    assert done.returncode == 1
    assert "DeadKernelError" in done.stderr
    assert "Timeout waiting for IOPub output" in done.stderr
    return course


@pytest.fixture(scope="module")
def exchange(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("exchange")


@pytest.fixture(scope="module")
def compass_run(
    released: Path, cohort: dict[str, nbformat.NotebookNode], exchange: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """The whole cohort graded by ``compass grade``, with feedback, release and export."""
    course = course_copy(released, tmp_path_factory.mktemp("compass") / "course", cohort)
    with open(course / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write(f"\nc.Exchange.root = {str(exchange)!r}\n")
    done = compass(course, "grade", ASSIGNMENT, "--jobs", "2", "--timeout", str(TIME_LIMIT),
                   "--cell-timeout", str(CELL_TIMEOUT), "--memory-mb", str(MEMORY_MB),
                   "--release-feedback", "--export", "grades.csv")
    assert done.returncode == 0, done.stdout + done.stderr
    return course, done


@pytest.fixture(scope="module")
def compass_course(compass_run: tuple[Path, subprocess.CompletedProcess[str]]) -> Path:
    return compass_run[0]


@pytest.fixture(scope="module")
def summary(compass_run: tuple[Path, subprocess.CompletedProcess[str]]) -> str:
    return compass_run[1].stdout


@pytest.fixture(scope="module")
def compass_state(compass_course: Path) -> dict[str, dict[str, Any]]:
    return gradebook_state(compass_course)


@pytest.fixture(scope="module")
def nbgrader_state(nbgrader_course: Path) -> dict[str, dict[str, Any]]:
    return gradebook_state(nbgrader_course)


def problems_of(summary: str, student: str) -> str:
    """The lines of the summary about one learner: the score, then each problem."""
    lines = summary.splitlines()
    start = next(i for i, line in enumerate(lines) if line.split()[:1] == [student])
    block = [lines[start]]
    for line in lines[start + 1:]:
        if not line.strip().startswith("- "):
            break
        block.append(line)
    return squash("\n".join(block))


# --- the same grades as nbgrader ----------------------------------------------------------


@pytest.mark.slow
def test_every_grade_matches_nbgrader_autograde(
    compass_state: dict[str, Any], nbgrader_state: dict[str, Any]
) -> None:
    same = [s for s in STUDENTS if s not in NOT_FOR_NBGRADER + NBGRADER_GIVES_UP]
    assert len(same) == 6
    for student in same:
        assert compass_state[student] == nbgrader_state[student], student
    assert set(compass_state) == set(STUDENTS)


@pytest.mark.slow
def test_model_answer_earns_full_marks(compass_state: dict[str, Any], summary: str) -> None:
    assert auto_scores(compass_state, "model") == AUTO
    written = compass_state["model"]["grades"]["redesign_first"]
    assert (written["auto_score"], written["needs_manual_grade"]) == (None, True)
    assert problems_of(summary, "model") == "model 11 of 16 (a tutor still has to mark part of it)"


@pytest.mark.slow
def test_untouched_release_scores_zero(compass_state: dict[str, Any]) -> None:
    assert auto_scores(compass_state, "untouched") == dict.fromkeys(AUTO, 0.0)
    assert totals(compass_state, "untouched") == (0.0, 16.0)


@pytest.mark.slow
def test_tampered_check_scores_zero_and_is_reported(compass_state: dict[str, Any],
                                                    summary: str) -> None:
    assert compass_state["tamperer"]["grades"]["correct_failure_share"]["auto_score"] == 0.0
    text = problems_of(summary, "tamperer")
    assert "read-only cells were edited, and put back before grading: setup, " \
        "correct_failure_share" in text
    # Cells with hidden tests differ from the gradebook for everyone: not tampering.
    assert "edited" not in problems_of(summary, "untouched")
    assert "edited" not in problems_of(summary, "model")


@pytest.mark.slow
def test_partly_right_answers_earn_partial_credit(compass_state: dict[str, Any]) -> None:
    expected = dict(AUTO, correct_failure_share=1.0, correct_share_by_service=2.0)
    assert auto_scores(compass_state, "partial") == expected


# --- submissions that misbehave -------------------------------------------------------------


@pytest.mark.slow
def test_endless_loop_is_stopped_and_the_rest_scored(compass_state: dict[str, Any],
                                                     summary: str) -> None:
    assert auto_scores(compass_state, "looper") == dict(AUTO, correct_share_by_service=0.0)
    assert (f"a cell ran for more than {CELL_TIMEOUT} s and was stopped: share_by_service"
            in problems_of(summary, "looper"))


@pytest.mark.slow
def test_crashed_kernel_scores_zero_after_the_crash_never_full_marks(
    compass_state: dict[str, Any], nbgrader_state: dict[str, Any], summary: str
) -> None:
    # Checks that ran before the crash keep their scores; every later one scores 0.
    assert auto_scores(compass_state, "crasher") == dict.fromkeys(AUTO, 0.0) | {
        "correct_failure_share": 3.0}
    assert auto_scores(compass_state, "segfaulter") == dict(
        AUTO, correct_failure_cost=0.0, correct_top_failure_reasons=0.0)
    assert "the kernel stopped in share_by_service: it exited with code 1" in \
        problems_of(summary, "crasher")
    assert "the kernel stopped in failure_cost: it crashed with a segmentation fault " \
        "(SIGSEGV)" in problems_of(summary, "segfaulter")
    assert "did not run, so their checks score 0" in problems_of(summary, "crasher")
    # nbgrader itself gives up on these and leaves every grade waiting (issue #1033).
    for student in ("crasher", "segfaulter"):
        assert auto_scores(nbgrader_state, student) == dict.fromkeys(AUTO)
        assert compass_state[student]["submission"]["timestamp"] == \
            nbgrader_state[student]["submission"]["timestamp"]


@pytest.mark.slow
def test_crashed_kernel_notebook_says_which_cells_did_not_run(compass_course: Path) -> None:
    graded = nbformat.read(compass_course / "autograded" / "crasher" / ASSIGNMENT / NOTEBOOK, 4)
    crash = find_cell(graded, "share_by_service").outputs[-1]
    assert crash.ename == "DeadKernelError"
    later = find_cell(graded, "correct_failure_cost").outputs
    assert [o.ename for o in later] == ["CellNotRun"]


@pytest.mark.slow
def test_crashed_kernel_feedback_says_so_plainly(compass_course: Path) -> None:
    text = html_text(compass_course / "feedback" / "crasher" / ASSIGNMENT / f"{ASSIGNMENT}.html")
    assert "The kernel stopped while running this cell: it exited with code 1." in text
    assert "This cell did not run: the kernel stopped in an earlier cell." in text
    assert "Checks that do not run score 0." in text
    assert "stopped with an error (CellNotRun)" not in text
    assert "stopped with an error (DeadKernelError)" not in text


@pytest.mark.slow
def test_memory_hog_is_limited_and_scored(compass_state: dict[str, Any],
                                          nbgrader_state: dict[str, Any], summary: str) -> None:
    assert auto_scores(compass_state, "hog") == dict(AUTO, correct_failure_cost=0.0)
    assert f"ran out of memory (limit {MEMORY_MB} MB) in: failure_cost" in \
        problems_of(summary, "hog")
    assert auto_scores(nbgrader_state, "hog") == auto_scores(compass_state, "hog")


@pytest.mark.slow
def test_loop_that_ignores_interrupts_is_stopped_and_scored(
    compass_state: dict[str, Any], nbgrader_state: dict[str, Any], summary: str
) -> None:
    assert auto_scores(compass_state, "stubborn") == dict(
        AUTO, correct_failure_cost=0.0, correct_top_failure_reasons=0.0)
    assert "a cell went on running after it was interrupted, so nothing after it could " \
        "run: failure_cost" in problems_of(summary, "stubborn")
    assert auto_scores(nbgrader_state, "stubborn") == dict.fromkeys(AUTO)


@pytest.mark.slow
def test_time_limit_for_a_submission_stops_it_and_scores_what_ran(
    compass_state: dict[str, Any], summary: str
) -> None:
    # Six cells take 4 s each. Just where the 20 s run out depends on how fast the
    # kernel started, but part A (after 12 s) always finishes and part D never does.
    scores = list(auto_scores(compass_state, "slowcoach").items())
    assert scores[0] == ("correct_failure_share", 3.0)
    assert scores[-1] == ("correct_top_failure_reasons", 0.0)
    full = [score == AUTO[name] for name, score in scores]
    assert full == sorted(full, reverse=True)  # full marks up to the cut, 0 after it
    assert all(score in (0.0, AUTO[name]) for name, score in scores)
    text = problems_of(summary, "slowcoach")
    assert f"grading stopped at the time limit of {TIME_LIMIT} s for a submission, in " in text
    assert "did not run, so" in text


@pytest.mark.slow
def test_a_killed_or_frozen_grading_process_scores_zero_and_is_replaced(
    compass_state: dict[str, Any], summary: str
) -> None:
    # The notebook's outputs died with the process, so no check can be trusted.
    for student in ("killer", "freezer"):
        assert auto_scores(compass_state, student) == dict.fromkeys(AUTO, 0.0)
    assert "the grading process stopped unexpectedly: it was killed (SIGKILL)" in \
        problems_of(summary, "killer")
    limit = TIME_LIMIT + 5
    assert f"grading did not finish within {limit} s, so it was stopped; every check " \
        "scores 0" in problems_of(summary, "freezer")


# --- what the tutor sees ------------------------------------------------------------------------


@pytest.mark.slow
def test_progress_is_shown_on_stderr(compass_run: tuple[Path, subprocess.CompletedProcess[str]]
                                     ) -> None:
    stderr = compass_run[1].stderr
    assert f"Grading {len(STUDENTS)} submissions of {ASSIGNMENT} with 2 processes" in stderr
    lines = [line for line in stderr.splitlines() if line.startswith("[")]
    grading = lines[:len(STUDENTS)]
    assert [line.split("]")[0].split("/")[0] for line in grading] == \
        [f"[{n}" for n in range(1, len(STUDENTS) + 1)]
    assert all(f"/{len(STUDENTS)}" in line for line in grading)
    assert any("left]" in line for line in grading)
    assert any("with problems" in line.split("]")[0] for line in grading)
    assert "\r" not in stderr  # not a terminal: plain lines only


@pytest.mark.slow
def test_summary_names_every_learner_with_timings(summary: str) -> None:
    assert summary.startswith(f"{ASSIGNMENT}: graded 12, failed 0, skipped 0")
    for student in STUDENTS:
        assert problems_of(summary, student)
    assert re.search(r"Time: .* in all; notebooks ran for [\d.]+ s each on average", summary)
    assert "Feedback made for 12 learners; released to the exchange." in summary
    assert "Grades exported to" in summary


@pytest.mark.slow
def test_csv_export_extends_nbgrader_export(compass_course: Path,
                                            compass_state: dict[str, Any]) -> None:
    with open(compass_course / "grades.csv", encoding="utf-8") as handle:
        ours = list(csv.DictReader(handle))
    done = nbgrader(compass_course, "export", "--to", "nbgrader.csv")
    assert done.returncode == 0, done.stderr
    with open(compass_course / "nbgrader.csv", encoding="utf-8") as handle:
        theirs = list(csv.DictReader(handle))
    assert len(ours) == len(theirs) == len(STUDENTS)
    columns = list(theirs[0])
    assert list(ours[0])[:len(columns)] == columns
    for mine, reference in zip(ours, theirs, strict=True):
        assert {key: mine[key] for key in columns} == reference

    rows = {row["student_id"]: row for row in ours}
    assert rows["model"]["raw_score"] == "11.0"
    assert rows["model"]["max_score"] == "16.0"
    assert rows["model"]["needs_manual_grade"] == "True"
    assert rows["model"]["redesign_first"] == ""  # waiting for a tutor
    assert rows["partial"]["correct_failure_share"] == "1.0"
    assert rows["partial"]["correct_share_by_service"] == "2.0"
    assert rows["partial"]["correct_share_by_service_max"] == "3.0"
    assert rows["crasher"]["correct_failure_share"] == "3.0"
    assert rows["crasher"]["correct_top_failure_reasons"] == "0.0"
    parts = [key for key in ours[0] if key.endswith("_max")]
    assert parts == [f"{name}_max" for name in (
        "correct_failure_share", "correct_share_by_service", "correct_failure_cost",
        "correct_top_failure_reasons", "redesign_first")]
    for student, row in rows.items():
        part_sum = sum(float(row[p.removesuffix("_max")] or 0) for p in parts)
        assert part_sum == float(row["raw_score"]) == totals(compass_state, student)[0]


@pytest.mark.slow
def test_feedback_has_no_hidden_tests(compass_course: Path,
                                      source_notebook: nbformat.NotebookNode) -> None:
    hidden = {squash(line) for cell in source_notebook.cells
              for line in regions(cell.source, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
              if len(line.strip()) >= 15}
    assert len(hidden) > 10
    for student in STUDENTS:
        text = html_text(compass_course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html")
        assert "Hidden checks:" in text
        for line in hidden:
            assert line not in text, (student, line)
        assert "HIDDEN TESTS" not in text


@pytest.mark.slow
def test_feedback_is_released_to_the_exchange(exchange: Path, compass_course: Path) -> None:
    released = sorted((exchange / "compass" / "feedback").glob("*.html"))
    assert len(released) == len(STUDENTS)


@pytest.mark.slow
def test_a_second_run_skips_what_is_graded(compass_course: Path,
                                           compass_state: dict[str, Any]) -> None:
    done = compass(compass_course, "grade", ASSIGNMENT, "--no-feedback")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{ASSIGNMENT}: graded 0, failed 0, skipped 12")
    assert gradebook_state(compass_course) == compass_state


@pytest.mark.slow
def test_unknown_assignment_says_what_to_do(compass_course: Path) -> None:
    done = compass(compass_course, "grade", "99-nothing")
    assert done.returncode == 2
    assert "The gradebook has no assignment '99-nothing'" in done.stderr
    assert "nbgrader generate_assignment 99-nothing" in done.stderr


# --- quick checks, no nbgrader run ----------------------------------------------------------


def test_a_check_that_never_ran_scores_zero_not_full_marks() -> None:
    from nbformat.v4 import new_code_cell
    from nbgrader.utils import determine_grade

    from compass_widgets.cohort import mark_not_run

    check = new_code_cell("assert answer == 42", metadata={"nbgrader": {
        "grade": True, "solution": False, "grade_id": "check", "points": 2}})
    # No output at all is full marks to nbgrader (issue #427) ...
    assert determine_grade(check)[0] == 2.0
    mark_not_run(check, "the kernel stopped in an earlier cell.")
    # ... so a check that never ran must carry an error.
    assert determine_grade(check)[0] == 0.0


def test_progress_on_a_terminal_keeps_one_line_up_to_date() -> None:
    from compass_widgets.cohort import Progress

    out = io.StringIO()
    ticks = iter([0.0, 4.0, 8.0, 8.0, 12.0, 12.0])
    progress = Progress(3, "Grading ps1", out, tty=True, clock=ticks.__next__)
    progress.done("ada", "graded")
    progress.done("ben", "graded, with problems: a cell ran too long", problem=True)
    progress.close()
    screen = out.getvalue()
    assert "\rGrading ps1" not in screen  # each redraw clears the line first
    assert "\r\x1b[2KGrading ps1: 1 of 3 done, about 8 s left" in screen
    assert "\r\x1b[2Kben: graded, with problems: a cell ran too long\n" in screen
    assert "Grading ps1: 2 of 3 done, 1 with problems, about 4 s left" in screen
    assert screen.endswith("\n")


def test_grade_help_lists_its_options() -> None:
    done = subprocess.run([str(BIN / "compass"), "grade", "--help"], capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: compass grade")
    for option in ("--course", "--jobs", "--timeout", "--cell-timeout", "--memory-mb",
                   "--force", "--no-feedback", "--release-feedback", "--export"):
        assert option in done.stdout


def test_grade_rejects_nonsense_numbers() -> None:
    done = subprocess.run([str(BIN / "compass"), "grade", "ps1", "--jobs", "0"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert "must be more than 0, not 0" in done.stderr
