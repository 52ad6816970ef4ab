"""Every course notebook has the shape DESIGN.md section 4 asks of a module.

nbval checks that the notebooks run and give their stored outputs; these tests
check what a learner relies on: objectives and time at the top, one title, a live
tool, self-checks, a saved reflection, sources, and small stored outputs.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]

NOTEBOOKS = sorted((ROOT / "course").glob("[0-9][0-9]-*.ipynb"))


def _source(nb: nbformat.NotebookNode, kind: str) -> list[str]:
    return [cell.source for cell in nb.cells if cell.cell_type == kind]


@pytest.fixture(params=NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def notebook(request: pytest.FixtureRequest) -> tuple[Path, nbformat.NotebookNode]:
    path: Path = request.param
    return path, nbformat.read(path, as_version=4)


def test_course_has_orientation_and_failure_demand_modules() -> None:
    assert {p.name for p in NOTEBOOKS} >= {"00-orientation.ipynb", "02-failure-demand.ipynb"}


def test_notebook_is_valid_with_kernelspec(notebook: tuple[Path, nbformat.NotebookNode]) -> None:
    path, nb = notebook
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3", path
    assert nb.metadata.compass.module == path.name[:2]


def test_opening_cell_has_one_title_objectives_and_time(
    notebook: tuple[Path, nbformat.NotebookNode],
) -> None:
    path, nb = notebook
    markdown = _source(nb, "markdown")
    titles = [line for text in markdown for line in text.splitlines() if line.startswith("# ")]
    assert len(titles) == 1 and markdown[0].startswith("# "), path
    opening = markdown[0]
    assert re.search(r"\*\*Time needed:\*\* about \d+ minutes", opening)
    objectives = re.findall(r"^\d\. ", opening, flags=re.MULTILINE)
    assert 3 <= len(objectives) <= 5, f"{path.name}: {len(objectives)} objectives"


def test_module_has_selfchecks_reflection_and_sources(
    notebook: tuple[Path, nbformat.NotebookNode],
) -> None:
    path, nb = notebook
    code = "\n".join(_source(nb, "code"))
    assert code.count("SelfCheck(") >= 1
    assert re.search(r'Reflection\("' + path.name[:2] + '"', code), "reflection saved under module"
    assert any(text.lstrip().startswith("## Sources") or "\n## Sources" in text
               for text in _source(nb, "markdown"))
    if path.name != "00-orientation.ipynb":
        assert code.count("SelfCheck(") >= 3, "at least three self-checks in a teaching module"
        assert "synthetic" in "\n".join(_source(nb, "markdown")).lower()


def test_stored_outputs_are_small_and_error_free(
    notebook: tuple[Path, nbformat.NotebookNode],
) -> None:
    path, nb = notebook
    assert path.stat().st_size < 1_000_000
    assert "widgets" not in nb.metadata, "widget state is not stored"
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            assert output.output_type != "error", f"{path.name} cell {index}"
            assert output.get("name") != "stderr", f"{path.name} cell {index}"


def test_every_chart_output_has_text_and_static_svg() -> None:
    nb = nbformat.read(ROOT / "course" / "02-failure-demand.ipynb", as_version=4)
    charts = [o for c in nb.cells for o in c.get("outputs", [])
              if "image/svg+xml" in o.get("data", {})]
    assert len(charts) == 2
    for output in charts:
        assert output.data["image/svg+xml"].lstrip().startswith("<svg")
        assert output.data["text/plain"].startswith("Failure demand")


def test_course_map_is_up_to_date() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "course_map.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    text = (ROOT / "course" / "README.md").read_text(encoding="utf-8")
    assert "| 2 | measure the share and the cost of failure demand" in text
    assert "`redesign_first` (5 pts, hand-graded)" in text


def test_teaching_text_is_plain_english(notebook: tuple[Path, nbformat.NotebookNode]) -> None:
    # Flesch reading ease of 50 or more: the course's aim for busy readers who do not code.
    sys.path.insert(0, str(ROOT / "scripts"))
    from course_map import reading_ease

    path, nb = notebook
    assert reading_ease(nb) >= 50, path.name


def test_reading_ease_scores_plain_and_dense_text_apart() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    from course_map import reading_ease

    plain = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        "We count the calls. Some calls come back. That is the cost we want to cut.")])
    dense = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        "Organisational accountability mechanisms institutionalise compliance-oriented "
        "performance management, systematically marginalising relational practitioners.")])
    assert reading_ease(plain) > 80
    assert reading_ease(dense) < 0
