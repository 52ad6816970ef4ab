"""Grade 30 submissions of workbook 02 with `nbgrader autograde` and with `compass grade`.

The cohort: copies of the model answer, with every fifth learner handing in something
else (the untouched release, a partly right answer, a tampered check). Each tool gets
its own copy of the same released course directory, and both are run from the command
line, start-up included, one after the other on the same machine.

Two comparisons:

- grading only: `nbgrader autograde` against `compass grade --no-feedback`;
- grading and feedback: `nbgrader autograde` then `nbgrader generate_feedback`,
  against `compass grade` (which makes feedback too).

Every grade in the gradebooks is compared, and must be identical. Wall-clock times
depend on what else the machine is doing; CPU times (kernels included) much less so.
On a shared machine, run several rounds: the tools take turns and each keeps its best.
Run it with the project's virtualenv active::

    python benchmarks/grade_cohort.py [--students 30] [--jobs N] [--rounds 3]
"""

from __future__ import annotations

import argparse
import copy
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
WORKBOOK = ROOT / "workbook"
ASSIGNMENT = "02-failure-demand"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
BIN = Path(sys.executable).parent


def environment(course: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PATH": str(BIN) + os.pathsep + os.environ.get("PATH", ""),
        "JUPYTER_CONFIG_DIR": str(course / ".jupyter-config"),
        "JUPYTER_DATA_DIR": str(course / ".jupyter-data"),
    }


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(course: Path, *command: str) -> tuple[float, float]:
    """Run a command in ``course``; return its wall-clock and CPU seconds (kernels included)."""
    start, cpu = time.perf_counter(), cpu_of_children()
    done = subprocess.run(list(command), cwd=course, env=environment(course),
                          capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return seconds, cpu_of_children() - cpu


def find_cell(notebook: nbformat.NotebookNode, grade_id: str) -> nbformat.NotebookNode:
    return next(c for c in notebook.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def build_course(root: Path, students: int) -> None:
    shutil.copy(WORKBOOK / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copytree(WORKBOOK / "source", root / "source",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    run(root, str(BIN / "nbgrader"), "generate_assignment", ASSIGNMENT)
    source = nbformat.read(root / "source" / ASSIGNMENT / NOTEBOOK, as_version=4)
    release = nbformat.read(root / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)

    partial = copy.deepcopy(source)
    cell = find_cell(partial, "failure_share")
    cell.source = cell.source.replace('contacts["demand_type"] == "failure"',
                                      'contacts["repeat_contact"]')
    tampered = copy.deepcopy(release)
    find_cell(tampered, "failure_share").source = "failure_contacts = 1\nfailure_share = 0.99"
    find_cell(tampered, "correct_failure_share").source = "assert True"
    variants = [release, partial, tampered]

    for index in range(students):
        notebook = variants[(index // 5) % 3] if index % 5 == 4 else source
        folder = root / "submitted" / f"learner{index + 1:02d}" / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(notebook, folder / NOTEBOOK)


def grades(course: Path) -> dict[tuple[str, str], tuple[object, ...]]:
    """Every grade and comment in a gradebook, by learner and cell."""
    from nbgrader.api import Gradebook

    found: dict[tuple[str, str], tuple[object, ...]] = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "compass") as gradebook:
        for student in gradebook.students:
            submitted = gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student.id)
            for grade in submitted.grades:
                found[(student.id, grade.name)] = (
                    grade.auto_score, grade.manual_score, grade.needs_manual_grade)
            for comment in submitted.comments:
                found[(student.id, "comment:" + comment.name)] = (comment.auto_comment,)
    return found


def one_round(base: Path, work: Path, jobs: list[str]) -> dict[str, tuple[float, float]]:
    """Time each tool once on fresh copies of ``base``, and check the grades agree."""
    copies = {name: work / name for name in ("nbgrader", "compass", "compass-fb")}
    for folder in copies.values():
        shutil.copytree(base, folder)
    timed = {
        "autograde": run(copies["nbgrader"], str(BIN / "nbgrader"), "autograde", ASSIGNMENT),
        "compass": run(copies["compass"], str(BIN / "compass"), "grade", ASSIGNMENT,
                       "--no-feedback", *jobs),
        "feedback": run(copies["nbgrader"], str(BIN / "nbgrader"), "generate_feedback",
                        ASSIGNMENT),
        "compass-fb": run(copies["compass-fb"], str(BIN / "compass"), "grade", ASSIGNMENT,
                          *jobs),
    }
    reference = grades(copies["nbgrader"])
    for name in ("compass", "compass-fb"):
        other = grades(copies[name])
        differ = sorted(k for k in reference.keys() | other.keys()
                        if reference.get(k) != other.get(k))
        if differ:
            raise SystemExit(f"{name}: {len(differ)} grades differ, such as {differ[:3]}")
    print(f"  scores identical: {len(reference)} grades and comments, in both compass runs")
    for folder in copies.values():
        shutil.rmtree(folder)
    return timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=None, help="compass grade --jobs")
    parser.add_argument("--rounds", type=int, default=1,
                        help="repeat, alternating the tools, and keep each one's best time "
                        "(use this on a busy machine)")
    args = parser.parse_args()
    cores = os.cpu_count()
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    print(f"{args.students} submissions of {ASSIGNMENT}; {cores} cores; "
          f"compass grade {' '.join(jobs) or '(one process per core)'}")

    rounds: list[dict[str, tuple[float, float]]] = []
    with tempfile.TemporaryDirectory(prefix="grade-cohort-") as tmp:
        base = Path(tmp) / "base"
        base.mkdir()
        build_course(base, args.students)
        for number in range(args.rounds):
            load = os.getloadavg()[0]
            timed = one_round(base, Path(tmp), jobs)
            rounds.append(timed)
            print(f"  round {number + 1} (load average {load:.1f} before, "
                  f"{os.getloadavg()[0]:.1f} after): " + ", ".join(
                      f"{name} {wall:.1f} s" for name, (wall, _) in timed.items()))

    def best(*names: str) -> tuple[float, float]:
        """The fastest round's wall and CPU seconds for these steps together."""
        totals = [(sum(r[n][0] for n in names), sum(r[n][1] for n in names)) for r in rounds]
        return min(totals)

    n = args.students
    rows = [
        ("grading only", "nbgrader autograde", best("autograde"),
         "compass grade --no-feedback", best("compass")),
        ("grading and feedback", "nbgrader autograde + generate_feedback",
         best("autograde", "feedback"), "compass grade", best("compass-fb")),
    ]
    for title, nb_name, (nb_wall, nb_cpu), c_name, (c_wall, c_cpu) in rows:
        print(f"\n{title}:{'wall':>38}{'per notebook':>15}{'CPU':>9}")
        print(f"  {nb_name:<40} {nb_wall:5.1f} s {nb_wall / n:9.2f} s {nb_cpu:7.1f} s")
        print(f"  {c_name:<40} {c_wall:5.1f} s {c_wall / n:9.2f} s {c_cpu:7.1f} s")
        print(f"  speed-up {nb_wall / c_wall:.2f}x")


if __name__ == "__main__":
    main()
