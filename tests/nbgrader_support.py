"""Helpers shared by the tests that drive the real nbgrader command line on the workbook.

``test_nbgrader_workflow.py`` runs a whole cohort through assignment 02;
``test_workbook_assignments.py`` runs every assignment in ``workbook/source`` through
release, autograding and feedback. Both use these helpers to run nbgrader, find cells
and read the text of notebooks and feedback pages.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat

WORKBOOK = Path(__file__).resolve().parents[1] / "workbook"


def run_nbgrader(
    course: Path, *args: str, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """Run the nbgrader command line in ``course`` with this virtualenv first on PATH.

    nbgrader calls the ``alembic`` executable to set up the gradebook, so PATH matters.
    Jupyter's config and data folders point into the course directory, so a tutor's
    own ~/.jupyter settings or kernels cannot change the result. ``timeout`` (seconds)
    bounds the whole command.
    """
    bin_dir = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
        "JUPYTER_CONFIG_DIR": str(course / ".jupyter-config"),
        "JUPYTER_DATA_DIR": str(course / ".jupyter-data"),
    }
    return subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def nbgrader_meta(cell: nbformat.NotebookNode) -> dict[str, Any]:
    return dict(cell.metadata.get("nbgrader", {}))


def find_cell(notebook: nbformat.NotebookNode, grade_id: str) -> nbformat.NotebookNode:
    return next(c for c in notebook.cells if nbgrader_meta(c).get("grade_id") == grade_id)


def swap(text: str, old: str, new: str) -> str:
    """Replace ``old`` with ``new``, failing loudly if ``old`` is not there to replace."""
    assert old in text, f"{old!r} not found: has the workbook changed?"
    return text.replace(old, new)


def regions(source: str, begin: str, end: str) -> list[str]:
    """Return the lines strictly inside each ``begin`` ... ``end`` region of ``source``."""
    found: list[str] = []
    inside = False
    for line in source.split("\n"):
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        elif inside:
            found.append(line)
    return found


def squash(text: str) -> str:
    """Collapse every run of whitespace to one space, as HTML rendering may."""
    return " ".join(text.split())


def code_lines(lines: list[str]) -> set[str]:
    """Lines of code long enough to be distinctive, whitespace squashed."""
    return {squash(line) for line in lines if len(line.strip()) >= 15}


def prose_fragments(lines: list[str]) -> set[str]:
    """Runs of markdown text that survive rendering to HTML unchanged.

    Markup (headings, ``**``, backticks, list markers) is dropped when the page is
    rendered, so split on it.
    """
    fragments: set[str] = set()
    for line in lines:
        line = re.sub(r"^\s*(#+|\d+\.|[-*])\s+", "", line)
        for piece in re.split(r"[*`]+", line):
            piece = squash(piece)
            if len(piece) >= 25:
                fragments.add(piece)
    return fragments


def strings(node: Any) -> Iterator[str]:
    """Every string in a notebook: sources, outputs and metadata."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from strings(item)


def notebook_text(notebook: nbformat.NotebookNode) -> str:
    """All the text anyone opening a notebook could find in it, whitespace squashed."""
    return squash("\n".join(strings(notebook)))


def html_text(path: Path) -> str:
    """The text of an HTML page, whitespace squashed.

    Tags go without a trace, so code split into highlighted tokens reads as it was typed.
    """
    return squash(html.unescape(re.sub(r"<[^>]+>", "", path.read_text(encoding="utf-8"))))


def log_by_student(log: str) -> dict[str, str]:
    """Split an ``nbgrader autograde`` log into one part per student, in run order."""
    parts: dict[str, str] = {}
    current = None
    for line in log.splitlines():
        match = re.search(r"Creating/updating student with ID '(\w+)'", line)
        if match:
            current = match.group(1)
            parts[current] = ""
        if current is not None:
            parts[current] += line + "\n"
    return parts
