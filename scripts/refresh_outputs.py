"""Run course and workbook notebooks top to bottom and store their outputs in place.

The stored outputs are what learners see before they run a cell, and the
reference that nbval checks in the test suite, so refresh them whenever a
notebook, the library or the data change, then read the diff::

    python scripts/refresh_outputs.py                  # every course and workbook notebook
    python scripts/refresh_outputs.py course/02-*.ipynb

Each notebook runs in a fresh kernel with an empty learner store, as the tests
do. Live widget views are dropped from the stored outputs (a saved notebook has
no kernel to drive them) and so is widget state; what remains is each output's
text and, for charts, a static SVG. A notebook that raises an error, writes to
stderr or grows past 1 MB is not written. (nbgrader clears every output when it
generates a release, so workbook outputs never reach learners.)
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
MAX_BYTES = 1_000_000


def refresh(path: Path) -> int:
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as home:
        os.environ["COMPASS_HOME"] = home
        NotebookClient(nb, timeout=600, kernel_name="python3", store_widget_state=False,
                       record_timing=False,
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    problems = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.output_type == "error" or output.get("name") == "stderr":
                problems.append(f"cell {index}: {output.get('ename') or output.get('text')}")
            output.get("data", {}).pop(WIDGET_VIEW, None)
    nb.metadata.pop("widgets", None)
    text = nbformat.writes(nb) + "\n"
    if problems:
        raise SystemExit(f"{path}: not written, because of\n  " + "\n  ".join(problems))
    if len(text.encode()) > MAX_BYTES:
        raise SystemExit(f"{path}: not written: {len(text.encode()):,} bytes is over 1 MB; "
                         "aggregate data before charting it.")
    path.write_text(text, encoding="utf-8")
    return len(text.encode())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args()
    paths = args.notebooks or [
        *sorted((ROOT / "course").glob("[0-9][0-9]-*.ipynb")),
        *sorted((ROOT / "workbook" / "source").glob("*/*.ipynb")),
        *sorted((ROOT / "workbook" / "tutor").glob("*.ipynb")),
    ]
    for path in paths:
        size = refresh(path)
        print(f"{path}: {size:,} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
