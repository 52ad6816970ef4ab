"""Tests for the tutor dashboard: compass_widgets.models.cohort and compass_widgets.charts.cohort.

``tiny_grades`` is small enough to work out every figure by hand:

=======  ==========  =======  =========  ======  =====  ====================
student  assignment  cell     objective  kind    score  max
=======  ==========  =======  =========  ======  =====  ====================
ada      01          q1       1          auto    2      2
ada      01          essay    2          manual  3      4
ada      02          q2       1          auto    4      4
ben      01          q1       1          auto    0      2
ben      01          essay    2          manual  (not marked yet)
ben      02          q2       1          auto    1      4
cy       01          q1       1          auto    2      2
cy       01          essay    2          manual  4      4
cy       02          q2       1          auto    (not handed in)
=======  ==========  =======  =========  ======  =====  ====================

So ada has 9 of 10 marked points (0.9), ben 1 of 6 and cy 6 of 6 with 02 missing.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import altair as alt
import nbformat
import pandas as pd
import pytest

from compass_widgets.charts import chart_text
from compass_widgets.charts.cohort import (
    NO_GRADES,
    assignment_scores,
    most_missed_questions,
    objective_scores,
    summarise_assignment_scores,
    summarise_most_missed,
    summarise_objectives,
)
from compass_widgets.models.cohort import (
    COLUMNS,
    load_cohort_grades,
    most_missed,
    scores_by_assignment,
    scores_by_objective,
    students_behind,
)

from .nbgrader_support import WORKBOOK, nbgrader_meta, run_nbgrader

NAN = float("nan")


@pytest.fixture
def tiny_grades() -> pd.DataFrame:
    rows = [
        ("ada", "01", "q1", 1, "auto", True, 2.0, 2.0),
        ("ada", "01", "essay", 2, "manual", True, 3.0, 4.0),
        ("ada", "02", "q2", 1, "auto", True, 4.0, 4.0),
        ("ben", "01", "q1", 1, "auto", True, 0.0, 2.0),
        ("ben", "01", "essay", 2, "manual", True, NAN, 4.0),
        ("ben", "02", "q2", 1, "auto", True, 1.0, 4.0),
        ("cy", "01", "q1", 1, "auto", True, 2.0, 2.0),
        ("cy", "01", "essay", 2, "manual", True, 4.0, 4.0),
        ("cy", "02", "q2", 1, "auto", False, NAN, 4.0),
    ]
    frame = pd.DataFrame(
        [(s, a, a, g, o, k, sub, sc, m) for s, a, g, o, k, sub, sc, m in rows],
        columns=list(COLUMNS),
    )
    return frame.astype({"objective": "Int64"})


@pytest.fixture
def no_grades() -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype=dtype) for column, dtype in zip(
        COLUMNS, ["str", "str", "str", "str", "Int64", "str", "bool", "float", "float"],
        strict=True)})


# --- the model ----------------------------------------------------------------------------


def test_scores_by_assignment(tiny_grades: pd.DataFrame) -> None:
    table = scores_by_assignment(tiny_grades).set_index(["student", "assignment"])
    assert table.loc[("ada", "01"), ["score", "max_score", "share"]].tolist() == [5.0, 6.0, 5 / 6]
    # ben's essay is not marked yet, so only q1 counts.
    assert table.loc[("ben", "01"), ["score", "max_score", "share"]].tolist() == [0.0, 2.0, 0.0]
    assert table.loc[("ben", "02"), "share"] == 0.25
    cy_02 = table.loc[("cy", "02")]
    assert not cy_02["submitted"] and cy_02["max_score"] == 0 and pd.isna(cy_02["share"])
    assert len(table) == 6


def test_scores_by_objective(tiny_grades: pd.DataFrame) -> None:
    table = scores_by_objective(tiny_grades).set_index(["assignment", "objective"])
    assert table.loc[("01", 1), ["score", "max_score", "learners"]].tolist() == [4.0, 6.0, 3]
    assert table.loc[("01", 2), ["score", "max_score", "share"]].tolist() == [7.0, 8.0, 0.875]
    # cy did not hand 02 in: two learners, 5 of 8 points.
    assert table.loc[("02", 1), ["score", "max_score", "learners"]].tolist() == [5.0, 8.0, 2]
    assert table.loc[("02", 1), "share"] == 0.625


def test_students_behind(tiny_grades: pd.DataFrame) -> None:
    behind = students_behind(tiny_grades)
    assert behind["student"].tolist() == ["ben", "cy"]
    assert behind["share"].tolist() == [1 / 6, 1.0]
    assert behind["missing"].tolist() == ["", "02"]
    assert students_behind(tiny_grades, threshold=0.95)["student"].tolist() == ["ben", "ada", "cy"]
    assert students_behind(tiny_grades, threshold=0)["student"].tolist() == ["cy"]


def test_students_behind_rejects_a_share_above_one(tiny_grades: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        students_behind(tiny_grades, threshold=50)


def test_most_missed(tiny_grades: pd.DataFrame) -> None:
    table = most_missed(tiny_grades)
    # q2: (4/4 + 1/4) / 2; q1: (1 + 0 + 1) / 3; essay: (3/4 + 4/4) / 2.
    assert table["grade_id"].tolist() == ["q2", "q1", "essay"]
    assert table["share"].tolist() == [0.625, 2 / 3, 0.875]
    assert table["learners"].tolist() == [2, 3, 2]
    assert table["kind"].tolist() == ["auto", "auto", "manual"]
    assert most_missed(tiny_grades, n=1)["grade_id"].tolist() == ["q2"]
    with pytest.raises(ValueError, match="at least 1"):
        most_missed(tiny_grades, n=0)


def test_models_of_no_grades(no_grades: pd.DataFrame) -> None:
    assert scores_by_assignment(no_grades).empty
    assert scores_by_objective(no_grades).empty
    assert students_behind(no_grades).empty
    assert most_missed(no_grades).empty


# --- reading a gradebook ------------------------------------------------------------------


def _source_notebook(path: Path, objectives: dict[str, int]) -> None:
    cells = [nbformat.v4.new_markdown_cell("# Prompt")]
    for grade_id, objective in objectives.items():
        cell = nbformat.v4.new_code_cell("assert True")
        cell.metadata = {"nbgrader": {"grade_id": grade_id, "grade": True},
                         "compass": {"objective": objective}}
        cells.append(cell)
    path.parent.mkdir(parents=True)
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)


@pytest.fixture
def small_course(tmp_path: Path) -> Path:
    """A gradebook written with nbgrader's API: fast, and every case in one place.

    Assignment 01 (notebook ``nb``) has ``check`` (code, 2 points, objective 1) and
    ``essay`` (a written answer, 4 points, no objective in the source); ada handed it
    in (check 2, essay not marked), ben did not. Assignment 09 is released but no one
    has handed it in, so it is not set yet.
    """
    from nbgrader.api import Gradebook

    _source_notebook(tmp_path / "source" / "01" / "nb.ipynb", {"check": 1})
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}", "compass") as gradebook:
        for assignment in ("01", "09"):
            gradebook.add_assignment(assignment)
            gradebook.add_notebook("nb", assignment)
            gradebook.add_grade_cell("check", "nb", assignment, max_score=2, cell_type="code")
        gradebook.add_grade_cell("essay", "nb", "01", max_score=4, cell_type="markdown")
        gradebook.add_solution_cell("essay", "nb", "01")
        gradebook.add_student("ada")
        gradebook.add_student("ben")
        gradebook.add_submission("01", "ada")
        gradebook.find_grade("check", "nb", "01", "ada").auto_score = 2.0
        gradebook.db.commit()
    return tmp_path


# nbgrader's add_submission trips SQLAlchemy's autoflush warnings; they are nbgrader's, not ours.
@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")
def test_load_cohort_grades(small_course: Path) -> None:
    grades = load_cohort_grades(small_course)
    assert tuple(grades.columns) == COLUMNS
    assert grades["objective"].dtype == "Int64"
    rows = {(row.student, row.grade_id): row for row in grades.itertuples()}
    assert set(rows) == {("ada", "check"), ("ada", "essay"), ("ben", "check"), ("ben", "essay")}
    assert set(grades["assignment"]) == {"01"}  # 09 is not set yet
    ada_check, ada_essay = rows["ada", "check"], rows["ada", "essay"]
    assert (ada_check.kind, ada_check.objective, ada_check.score, ada_check.max_score) == (
        "auto", 1, 2.0, 2.0)
    assert ada_essay.kind == "manual" and ada_essay.submitted
    assert pd.isna(ada_essay.score) and pd.isna(ada_essay.objective)
    assert not rows["ben", "check"].submitted and pd.isna(rows["ben", "check"].score)
    assert students_behind(grades)["student"].tolist() == ["ben"]


def test_load_cohort_grades_without_a_gradebook(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nbgrader autograde"):
        load_cohort_grades(tmp_path)


@pytest.mark.slow
def test_load_cohort_grades_after_nbgrader_autograde(tmp_path: Path) -> None:
    """Release 02, hand in the model answers (ada) and the untouched release (ben), autograde."""
    assignment = "02-failure-demand"
    shutil.copy(WORKBOOK / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    shutil.copytree(WORKBOOK / "source" / assignment, tmp_path / "source" / assignment,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    done = run_nbgrader(tmp_path, "generate_assignment", assignment)
    assert done.returncode == 0, done.stdout + done.stderr
    notebook = f"{assignment}.ipynb"
    for student, handed_in in {"ada": tmp_path / "source" / assignment / notebook,
                               "ben": tmp_path / "release" / assignment / notebook}.items():
        folder = tmp_path / "submitted" / student / assignment
        folder.mkdir(parents=True)
        shutil.copy(handed_in, folder / notebook)
    done = run_nbgrader(tmp_path, "autograde", assignment)
    assert done.returncode == 0, done.stdout + done.stderr

    source = json.loads((tmp_path / "source" / assignment / notebook).read_text())
    graded = {nbgrader_meta(c)["grade_id"]: c for c in map(nbformat.from_dict, source["cells"])
              if nbgrader_meta(c).get("grade")}
    grades = load_cohort_grades(tmp_path)
    assert set(grades["grade_id"]) == set(graded)
    assert set(grades["student"]) == {"ada", "ben"} and grades["submitted"].all()
    for row in grades.itertuples():
        assert row.objective == graded[row.grade_id].metadata["compass"]["objective"]
        assert row.max_score == graded[row.grade_id].metadata["nbgrader"]["points"]
    auto = grades[grades["kind"] == "auto"].set_index(["student", "grade_id"])
    auto_ids = {grade_id for grade_id, cell in graded.items() if cell.cell_type == "code"}
    assert set(auto.index.get_level_values("grade_id")) == auto_ids and len(auto_ids) >= 3
    assert (auto.loc["ada", "score"] == auto.loc["ada", "max_score"]).all()
    assert (auto.loc["ben", "score"] == 0).all()
    assert set(grades.loc[grades["kind"] == "manual", "grade_id"]) == set(graded) - auto_ids

    assert students_behind(grades)["student"].tolist() == ["ben"]
    missed = most_missed(grades, n=len(graded))
    auto_missed = missed[missed["kind"] == "auto"]
    assert set(auto_missed["grade_id"]) == auto_ids
    assert (auto_missed["share"] == 0.5).all()  # ada all, ben nothing
    for build in (assignment_scores, objective_scores, most_missed_questions):
        build(grades).to_dict()  # validates against the Vega-Lite schema


# --- the charts and their sentences -------------------------------------------------------


def test_summarise_assignment_scores(tiny_grades: pd.DataFrame, no_grades: pd.DataFrame) -> None:
    assert summarise_assignment_scores(tiny_grades) == (
        "3 learners, 2 assignments set. 2 learners are behind (under 50% of marked points, "
        "or with work not handed in): ben and cy."
    )
    everyone_in = tiny_grades[tiny_grades["student"] == "ada"]
    assert summarise_assignment_scores(everyone_in) == (
        "1 learner, 2 assignments set. No one is behind (under 50% of marked points)."
    )
    assert summarise_assignment_scores(no_grades) == NO_GRADES


def test_summarise_objectives(tiny_grades: pd.DataFrame, no_grades: pd.DataFrame) -> None:
    assert summarise_objectives(tiny_grades) == (
        "The cohort scored lowest on objective 1 of 02 (62% of marked points) and highest "
        "on objective 2 of 01 (88%)."
    )
    no_objective = tiny_grades.assign(objective=pd.array([None] * 9, dtype="Int64"))
    assert summarise_objectives(no_objective.iloc[:1]) == (
        "The cohort scored lowest on no objective of 01 (100% of marked points)."
    )
    assert summarise_objectives(no_grades) == NO_GRADES


def test_summarise_most_missed(tiny_grades: pd.DataFrame, no_grades: pd.DataFrame) -> None:
    assert summarise_most_missed(tiny_grades) == (
        "Most missed: q2 in 02 (learners scored 62% of its points on average), then q1 (67%) "
        "and essay (88%)."
    )
    assert summarise_most_missed(tiny_grades, n=1) == (
        "Most missed: q2 in 02 (learners scored 62% of its points on average)."
    )
    assert summarise_most_missed(no_grades) == NO_GRADES


def _rows(spec: dict) -> list[dict]:
    assert "values" not in spec.get("data", {})
    (rows,) = spec["datasets"].values()
    return rows


def _text_layer(spec: dict) -> dict:
    return next(layer for layer in spec["layer"]
                if (layer["mark"]["type"] if isinstance(layer["mark"], dict)
                    else layer["mark"]) == "text")


def test_assignment_scores_chart(tiny_grades: pd.DataFrame) -> None:
    chart = assignment_scores(tiny_grades)
    assert isinstance(chart, alt.LayerChart)
    spec = chart.to_dict()
    assert spec["title"]["text"] == "Scores by assignment"
    assert spec["description"] == summarise_assignment_scores(tiny_grades)
    rows = _rows(spec)
    assert len(rows) == 6  # one per learner and assignment, not per cell
    labels = {(r["student"], r["assignment"]): r["label"] for r in rows}
    assert labels["ada", "01"] == "83%" and labels["cy", "02"] == "not in"
    assert _text_layer(spec)["encoding"]["text"]["field"] == "label"
    assert chart_text(spec).startswith("Scores by assignment. 3 learners")


def test_objective_scores_chart(tiny_grades: pd.DataFrame) -> None:
    unmarked = tiny_grades.assign(score=tiny_grades["score"].where(
        tiny_grades["grade_id"] != "essay"))
    spec = objective_scores(unmarked).to_dict()
    assert spec["title"]["text"] == "Scores by learning objective"
    assert spec["description"] == summarise_objectives(unmarked)
    labels = {(r["assignment"], r["objective"]): r["label"] for r in _rows(spec)}
    assert labels == {("01", "Objective 1"): "67%", ("01", "Objective 2"): "not marked",
                      ("02", "Objective 1"): "62%"}
    assert _text_layer(spec)["encoding"]["text"]["field"] == "label"


def test_most_missed_questions_chart(tiny_grades: pd.DataFrame) -> None:
    spec = most_missed_questions(tiny_grades, n=2).to_dict()
    assert spec["title"]["text"] == "Questions most learners miss"
    assert spec["description"] == summarise_most_missed(tiny_grades, n=2)
    assert [(r["question"], r["label"]) for r in _rows(spec)] == [
        ("02: q2", "62% (auto)"), ("01: q1", "67% (auto)")]
    assert _text_layer(spec)["encoding"]["text"]["field"] == "label"


def test_charts_of_no_grades(no_grades: pd.DataFrame) -> None:
    for build in (assignment_scores, objective_scores, most_missed_questions):
        assert build(no_grades).to_dict()["description"] == NO_GRADES


def test_builders_return_new_charts(tiny_grades: pd.DataFrame) -> None:
    before = tiny_grades.copy()
    assert assignment_scores(tiny_grades) is not assignment_scores(tiny_grades)
    most_missed_questions(tiny_grades)
    objective_scores(tiny_grades)
    pd.testing.assert_frame_equal(tiny_grades, before)
