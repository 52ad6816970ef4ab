"""The ``compass`` command line.

``compass lab`` opens the course in JupyterLab, set up for offline use.
``compass grade`` autogrades a cohort's nbgrader submissions in parallel, makes their
feedback and can export the grades (see :mod:`compass_widgets.cohort`).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

LAB_SETTINGS = Path(__file__).resolve().parent / "lab"


def course_dir() -> Path:
    """Return the course folder: ``./course`` if there is one, else the one beside the package."""
    here = Path.cwd() / "course"
    if here.is_dir():
        return here
    return Path(__file__).resolve().parents[2] / "course"


def lab_command(course: Path, port: int | None = None, open_browser: bool = True) -> list[str]:
    """Return the command that starts JupyterLab on ``course``.

    JupyterLab's news feed, its "fetch news?" question and its update check are
    switched off (the last two through ``lab/overrides.json``, this package's
    JupyterLab settings): all reach the internet, and a course used offline should
    not try. Extensions are listed but not fetched from PyPI.

    Examples
    --------
    >>> cmd = lab_command(Path("course"), port=8899, open_browser=False)
    >>> "--LabApp.news_url=None" in cmd and "--no-browser" in cmd
    True
    """
    cmd = [
        sys.executable, "-m", "jupyterlab",
        f"--ServerApp.root_dir={course}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        f"--LabApp.app_settings_dir={LAB_SETTINGS}",
        "--LabApp.extension_manager=readonly",
    ]
    if port is not None:
        cmd.append(f"--port={port}")
    if not open_browser:
        cmd.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    return cmd


def _lab(args: argparse.Namespace) -> int:
    course = Path(args.course) if args.course else course_dir()
    if not course.is_dir():
        print(f"compass: no course folder at {course}. Run this from the compass folder, "
              "or give --course PATH.", file=sys.stderr)
        return 2
    return subprocess.call(lab_command(course, args.port, not args.no_browser))


def workbook_dir() -> Path:
    """Return the nbgrader course folder: ``.`` if it has nbgrader_config.py, else ./workbook."""
    here = Path.cwd()
    if (here / "nbgrader_config.py").is_file():
        return here
    return here / "workbook"


def _number(kind: type[int] | type[float], zero_ok: bool = False) -> Any:
    """Return an argparse type that reads a number more than 0 (or at least 0)."""

    def parse(text: str) -> int | float:
        value = kind(text)
        if value < 0 or (value == 0 and not zero_ok):
            raise argparse.ArgumentTypeError(
                f"must be {'0 or more' if zero_ok else 'more than 0'}, not {text}")
        return value

    parse.__name__ = kind.__name__  # argparse names the type in its error messages
    return parse


def _grade(args: argparse.Namespace) -> int:
    from compass_widgets.cohort import CohortError, grade_cohort

    course = Path(args.course) if args.course else workbook_dir()
    if not course.is_dir():
        print(f"compass: no course folder at {course}. Run this in the nbgrader course "
              "folder, or give --course PATH.", file=sys.stderr)
        return 2
    try:
        report = grade_cohort(
            args.assignment, course,
            jobs=args.jobs, time_limit=args.timeout, cell_timeout=args.cell_timeout,
            memory_mb=args.memory_mb or None, force=args.force,
            feedback=not args.no_feedback, release_feedback=args.release_feedback,
            export=Path(args.export) if args.export else None,
        )
    except CohortError as error:
        print(f"compass: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ncompass: grading stopped. Submissions already graded keep their scores; "
              "run the same command again to grade the rest.", file=sys.stderr)
        return 130
    print(report.summary())
    return 0 if report.ok else 1


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser for ``compass``."""
    parser = argparse.ArgumentParser(
        prog="compass",
        description="The compass commissioning course: from transactional procurement to "
        "stewardship of place, capability and trust.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    lab = sub.add_parser("lab", help="open the course in JupyterLab (works offline)",
                         description="Open the course notebooks in JupyterLab. Charts work "
                         "offline; JupyterLab's news feed is switched off.")
    lab.add_argument("--course", help="course folder (default: ./course)")
    lab.add_argument("--port", type=int, help="port to serve on (default: JupyterLab's choice)")
    lab.add_argument("--no-browser", action="store_true", help="do not open a web browser")
    lab.set_defaults(run=_lab)

    grade = sub.add_parser(
        "grade", help="autograde a cohort's submissions in parallel, with feedback",
        description="Autograde every submission in submitted/*/ASSIGNMENT/ with nbgrader, "
        "several at once, then make each learner's feedback. The gradebook ends up as "
        "`nbgrader autograde` would leave it. A submission that loops, crashes its kernel "
        "or uses too much memory is stopped and scored (checks that did not run score 0), "
        "with a reason, and the rest of the cohort is graded.",
    )
    grade.add_argument("assignment", metavar="ASSIGNMENT", help="the assignment to grade")
    grade.add_argument("--course", metavar="DIR",
                       help="nbgrader course folder (default: this folder if it has "
                       "nbgrader_config.py, else ./workbook)")
    grade.add_argument("--jobs", type=_number(int), metavar="N",
                       help=f"submissions to grade at once (default: one for each core, "
                       f"{os.cpu_count()} here)")
    grade.add_argument("--timeout", type=_number(float), default=600.0, metavar="SECONDS",
                       help="time limit for each submission, start to finish (default: 600)")
    grade.add_argument("--cell-timeout", type=_number(float), metavar="SECONDS",
                       help="time limit for each cell (default: the course's "
                       "ExecutePreprocessor.timeout)")
    grade.add_argument("--memory-mb", type=_number(int, zero_ok=True), default=4096, metavar="MB",
                       help="memory (address space) limit for each learner's kernel, in MB; "
                       "0 for none (default: 4096)")
    grade.add_argument("--force", action="store_true",
                       help="grade again submissions that are already graded")
    grade.add_argument("--no-feedback", action="store_true",
                       help="do not make feedback (nbgrader generate_feedback)")
    grade.add_argument("--release-feedback", action="store_true",
                       help="release the feedback to learners through the exchange")
    grade.add_argument("--export", metavar="FILE",
                       help="write the assignment's grades to this CSV file: nbgrader "
                       "export's columns, then a score for each part")
    grade.set_defaults(run=_grade)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``compass`` command line and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 0
    return int(args.run(args))


if __name__ == "__main__":
    raise SystemExit(main())
