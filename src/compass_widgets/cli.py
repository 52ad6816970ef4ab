"""The ``compass`` command line.

``compass lab`` opens the course in JupyterLab, set up for offline use.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

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
