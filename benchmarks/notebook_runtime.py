"""Run-all time of each course notebook, against an empty notebook in the same run.

Each notebook runs top to bottom in a fresh kernel (as a learner's "Run All"
would, without a browser), with an empty learner store. The baseline is a
one-cell notebook, which measures kernel start-up and shut-down alone.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def run_seconds(nb: nbformat.NotebookNode, folder: Path) -> float:
    with tempfile.TemporaryDirectory() as home:
        os.environ["COMPASS_HOME"] = home
        start = time.perf_counter()
        NotebookClient(nb, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(folder)}}).execute()
        return time.perf_counter() - start


def main() -> None:
    empty = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")])
    baseline = run_seconds(empty, ROOT)
    print(f"baseline: empty notebook (kernel start and stop)  {baseline:6.2f} s")
    for path in sorted((ROOT / "course").glob("[0-9][0-9]-*.ipynb")):
        seconds = run_seconds(nbformat.read(path, as_version=4), path.parent)
        print(f"{path.name:<48} {seconds:6.2f} s   ratio to baseline {seconds / baseline:5.2f}")


if __name__ == "__main__":
    main()
