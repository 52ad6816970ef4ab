"""The ``compass`` command line.

``compass lab`` opens the course in JupyterLab, set up for offline use.
``compass grade`` autogrades a cohort's nbgrader submissions in parallel, makes their
feedback and can export the grades (see :mod:`compass_widgets.cohort`).
``compass progress``, ``compass portfolio`` and ``compass reset`` serve a learner
studying alone: how far they have got, a portfolio of their work, and a fresh start on
one module (see :mod:`compass_widgets.progress` and :mod:`compass_widgets.learner_portfolio`).
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


def _module_number(text: str) -> str:
    """Return a module as the store names it: ``"2"`` becomes ``"02"``."""
    text = text.strip()
    return text.zfill(2) if text.isdigit() and len(text) < 2 else text


def _progress(args: argparse.Namespace) -> int:
    import json

    from compass_widgets.progress import learner_progress
    from compass_widgets.store import LearnerStore

    course = Path(args.course) if args.course else course_dir()
    store = LearnerStore()
    progress = learner_progress(store, course)
    if progress.course is None:
        print(f"compass: no course notebooks found in {course}, so only what is saved in "
              f"{store.home} is shown and what is left to do is unknown. Run this from the "
              "compass folder, or give --course PATH.", file=sys.stderr)
    if args.json:
        print(json.dumps(progress.to_dict(), indent=2))
        return 0
    if not progress.modules:
        print(f"Nothing is saved yet in {store.home}. Open the course with `compass lab` and "
              "start with 00-orientation.ipynb.")
        return 0
    print(progress.table())
    print()
    print(progress.summary())
    print(progress.next_step())
    return 0


def _portfolio(args: argparse.Namespace) -> int:
    from compass_widgets.learner_portfolio import build_portfolio
    from compass_widgets.store import LearnerStore

    course = Path(args.course) if args.course else course_dir()
    out = Path(args.out)
    want_pdf = args.pdf or out.suffix.lower() == ".pdf"
    try:
        result = build_portfolio(out, LearnerStore(), course, pdf=args.pdf)
    except OSError as error:
        print(f"compass: could not write the portfolio to {out}: {error}", file=sys.stderr)
        return 2
    for note in result.notes:
        print(f"compass: {note}", file=sys.stderr)
    charts = f"{result.figures} chart{'' if result.figures == 1 else 's'}"
    print(f"Portfolio written to {result.html.resolve()} ({_size(result.size)}, {charts}).")
    if result.pdf is not None:
        print(f"PDF written to {result.pdf.resolve()} ({_size(result.pdf.stat().st_size)}).")
    return 1 if want_pdf and result.pdf is None else 0


def _size(size: int) -> str:
    """Return a file size in words a reader knows.

    Examples
    --------
    >>> _size(512), _size(20_480), _size(3_500_000)
    ('512 bytes', '20.0 KB', '3.3 MB')
    """
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def _reset(args: argparse.Namespace) -> int:
    from compass_widgets.store import LearnerStore

    store = LearnerStore()
    if args.restore:
        backup = Path(args.restore)
        try:
            module = store.restore(backup)
        except FileNotFoundError:
            print(f"compass: there is no backup at {backup}. Backups are kept in "
                  f"{store.backups}.", file=sys.stderr)
            return 2
        except ValueError as error:
            print(f"compass: {error}", file=sys.stderr)
            return 2
        print(f"Restored module {module}'s answers from {backup} to {store.path(module)}. "
              "Restart the module's notebook kernel to see them.")
        return 0
    if not args.module:
        print("compass: say which module to clear, such as `compass reset 02`, or give "
              "--restore BACKUP to put a backup back.", file=sys.stderr)
        return 2
    module = _module_number(args.module)
    saved = store.modules()
    if module not in saved:
        having = ", ".join(saved) if saved else "none yet"
        print(f"compass: module {module} has no saved answers in {store.home}. Modules with "
              f"answers: {having}.", file=sys.stderr)
        return 2
    if not args.yes:
        count = len(store.answers(module))
        what = "the one saved answer" if count == 1 else f"all {count} saved answers"
        print(f"This clears {what} of module {module} (self-checks, reflections and tools). "
              "A backup is kept first.")
        try:
            typed = input("Type the module number to confirm: ")
        except EOFError:
            typed = ""
        if _module_number(typed) != module:
            print("compass: not confirmed, so nothing was cleared. Type the module number "
                  "exactly, or add --yes.", file=sys.stderr)
            return 1
    try:
        backup = store.clear(module)
    except KeyError:
        print(f"compass: module {module} has no saved answers any more; nothing was cleared.",
              file=sys.stderr)
        return 2
    print(f"Cleared module {module}. Its answers were kept in {backup}")
    print(f"To put them back: compass reset --restore {backup}")
    print("If the module's notebook is open, restart its kernel, so that it starts afresh.")
    return 0


def _site(args: argparse.Namespace) -> int:
    from compass_widgets.site import SiteError, build_site

    course = Path(args.course) if args.course else course_dir()
    if not course.is_dir():
        print(f"compass: no course folder at {course}. Run this from the compass folder, "
              "or give --course PATH.", file=sys.stderr)
        return 2

    def say(text: str) -> None:
        print(text, end="", file=sys.stderr, flush=True)

    try:
        report = build_site(Path(args.out), course, execute=not args.no_execute,
                            timeout=args.timeout, progress=say)
    except SiteError as error:
        print(f"\ncompass: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ncompass: stopped; nothing was published.", file=sys.stderr)
        return 130
    print(report.summary())
    return 0


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

    progress = sub.add_parser(
        "progress", help="show which modules you have started and finished",
        description="Show, for each module, whether you have not started, started or "
        "finished it, how many self-checks you have passed, how many reflections you have "
        "written and which tools' work is saved; then what to do next. A module is finished "
        "when every self-check is answered correctly and every reflection written. Read from "
        "your saved answers ($COMPASS_HOME, by default ~/.compass) and the course notebooks.",
    )
    progress.add_argument("--course", metavar="DIR",
                          help="course folder, to know what each module contains "
                          "(default: ./course)")
    progress.add_argument("--json", action="store_true",
                          help="print the same as JSON, for other programs")
    progress.set_defaults(run=_progress)

    portfolio = sub.add_parser(
        "portfolio", help="make a portfolio of your work: one HTML file (or a PDF)",
        description="Gather your progress, reflections, self-assessment, 100-day plan and "
        "the charts of the analyses you saved into one HTML file that opens anywhere, with "
        "no internet, and prints well. With --pdf, or an --out name ending in .pdf, it is "
        "also printed to PDF with Chromium, if Chromium is installed.",
    )
    portfolio.add_argument("--out", metavar="FILE", default="portfolio.html",
                           help="the file to write (default: portfolio.html)")
    portfolio.add_argument("--pdf", action="store_true",
                           help="also make a PDF beside the HTML file (needs Chromium)")
    portfolio.add_argument("--course", metavar="DIR",
                           help="course folder, for module titles and reflection prompts "
                           "(default: ./course)")
    portfolio.set_defaults(run=_portfolio)

    reset = sub.add_parser(
        "reset", help="clear one module's saved answers (a backup is kept)",
        description="Clear every saved answer of one module (self-checks, reflections, "
        "tools), to start it again. You are asked to type the module number to confirm. "
        "A backup is kept first in $COMPASS_HOME/backups; put it back with "
        "`compass reset --restore BACKUP`.",
    )
    reset.add_argument("module", metavar="MODULE", nargs="?",
                       help="the module to clear, such as 02")
    reset.add_argument("--yes", action="store_true", help="do not ask to confirm")
    reset.add_argument("--restore", metavar="BACKUP",
                       help="put back the answers kept in this backup file instead")
    reset.set_defaults(run=_reset)
    site = sub.add_parser(
        "site", help="build a read-only website of the course that works offline",
        description="Build a static website of the course: the course map as its home page "
        "and a page per module, with outputs, charts and a snapshot of each interactive "
        "tool. Each notebook is run first, with an empty learner store, so no one's answers "
        "are published. The pages load no JavaScript and nothing from the internet: open "
        "index.html from disk or copy the folder to any web server. A notebook that fails "
        "stops the build, names the cell, and nothing is published.",
    )
    site.add_argument("--out", metavar="DIR", default="_site",
                      help="the folder to write (default: ./_site); an earlier site there "
                      "is replaced, any other folder is left alone")
    site.add_argument("--course", metavar="DIR", help="course folder (default: ./course)")
    site.add_argument("--no-execute", action="store_true",
                      help="use the outputs stored in the notebooks instead of running them "
                      "(faster; each tool is shown as a line saying how to use it)")
    site.add_argument("--timeout", type=_number(int), default=600, metavar="SECONDS",
                      help="time limit for each cell when running the notebooks (default: 600)")
    site.set_defaults(run=_site)
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
