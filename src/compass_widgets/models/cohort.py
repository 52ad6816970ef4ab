"""A cohort's grades from nbgrader's gradebook, in the shapes a tutor asks about.

:func:`load_cohort_grades` reads ``gradebook.db`` in an nbgrader course directory
and returns one tidy row per learner and grade cell, with the module objective each
cell assesses (``metadata["compass"]["objective"]`` in the source notebooks). The
other functions take that frame and answer the tutor's questions: how each learner
did on each assignment, how the cohort did on each objective, who is falling behind
and which questions most learners miss.

An assignment counts as *set* once anyone has handed it in; a learner in the
gradebook with no submission for a set assignment has a row for each of its grade
cells with ``submitted`` False and no score. A written answer that no tutor has
marked yet has no score either. Shares are always of the points that *have* been
scored, so unmarked work neither helps nor hurts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = [
    "COLUMNS",
    "load_cohort_grades",
    "most_missed",
    "scores_by_assignment",
    "scores_by_objective",
    "students_behind",
]

#: The columns of :func:`load_cohort_grades`, in order.
COLUMNS = (
    "student", "assignment", "notebook", "grade_id", "objective", "kind",
    "submitted", "score", "max_score",
)


def _objectives(source: Path) -> dict[tuple[str, str, str], int]:
    """Map (assignment, notebook, grade_id) to the objective of each cell in ``source``."""
    found: dict[tuple[str, str, str], int] = {}
    for path in sorted(source.glob("*/*.ipynb")):
        cells: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            metadata = cell.get("metadata", {})
            grade_id = metadata.get("nbgrader", {}).get("grade_id")
            objective = metadata.get("compass", {}).get("objective")
            if grade_id and objective is not None:
                found[path.parent.name, path.stem, grade_id] = int(objective)
    return found


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame["objective"] = frame["objective"].astype("Int64")
    frame["submitted"] = frame["submitted"].astype(bool)
    frame[["score", "max_score"]] = frame[["score", "max_score"]].astype(float)
    return frame


def load_cohort_grades(course_dir: str | Path, course_id: str = "compass") -> pd.DataFrame:
    """Read every learner's score on every grade cell from a course's ``gradebook.db``.

    Parameters
    ----------
    course_dir : str or Path
        The nbgrader course directory: it holds ``gradebook.db`` and ``source/``.
    course_id : str
        The course id in the gradebook (``c.CourseDirectory.course_id``).

    Returns
    -------
    pandas.DataFrame
        One row per learner and grade cell of each set assignment, with the columns
        in :data:`COLUMNS`: ``objective`` (nullable int; missing if the source
        notebook does not say), ``kind`` (``"auto"`` for a check nbgrader runs,
        ``"manual"`` for work a tutor marks), ``submitted`` (bool), ``score`` (NaN
        when not handed in or not yet marked) and ``max_score``.

    Raises
    ------
    FileNotFoundError
        If there is no ``gradebook.db`` in ``course_dir``.
    """
    from nbgrader.api import Gradebook, MissingEntry

    root = Path(course_dir)
    database = root / "gradebook.db"
    if not database.is_file():
        raise FileNotFoundError(
            f"No gradebook at {database}: run `compass grade` or `nbgrader autograde` first."
        )
    objectives = _objectives(root / "source")
    rows: list[dict[str, Any]] = []
    with Gradebook(f"sqlite:///{database}", course_id) as gradebook:
        students = sorted(student.id for student in gradebook.students)
        for assignment in sorted(gradebook.assignments, key=lambda a: a.name):
            if not assignment.submissions:
                continue  # not set yet
            for notebook in sorted(assignment.notebooks, key=lambda n: n.name):
                solutions = {cell.name for cell in notebook.solution_cells}
                cells = sorted(notebook.grade_cells, key=lambda c: c.name)
                for student in students:
                    try:
                        submitted = gradebook.find_submission_notebook(
                            notebook.name, assignment.name, student)
                        grades = {grade.name: grade for grade in submitted.grades}
                    except MissingEntry:
                        grades = {}
                    for cell in cells:
                        grade = grades.get(cell.name)
                        marked = grade is not None and not (
                            grade.auto_score is None and grade.manual_score is None)
                        rows.append({
                            "student": student,
                            "assignment": assignment.name,
                            "notebook": notebook.name,
                            "grade_id": cell.name,
                            "objective": objectives.get(
                                (assignment.name, notebook.name, cell.name)),
                            "kind": "auto" if cell.cell_type == "code"
                            and cell.name not in solutions else "manual",
                            "submitted": grade is not None,
                            "score": float(grade.score) if grade is not None and marked
                            else float("nan"),
                            "max_score": float(cell.max_score),
                        })
    return _frame(rows)


def _shares(grades: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """Sum the marked points and their maximum per group; share = score / max_score."""
    marked = grades.assign(
        marked_max=grades["max_score"].where(grades["score"].notna(), 0.0),
        score=grades["score"].fillna(0.0),
    )
    table = marked.groupby(by, sort=True, dropna=False).agg(
        score=("score", "sum"), max_score=("marked_max", "sum"),
    )
    table["share"] = table["score"] / table["max_score"].where(table["max_score"] > 0)
    return table


def scores_by_assignment(grades: pd.DataFrame) -> pd.DataFrame:
    """Each learner's marked points and share on each assignment.

    Parameters
    ----------
    grades : pandas.DataFrame
        As returned by :func:`load_cohort_grades`.

    Returns
    -------
    pandas.DataFrame
        One row per (student, assignment): ``submitted``, ``score`` and ``max_score``
        (marked points only) and ``share`` (NaN when nothing is marked).

    Examples
    --------
    >>> grades = pd.DataFrame({
    ...     "student": ["ada", "ada", "ben", "ben"],
    ...     "assignment": ["02"] * 4,
    ...     "submitted": [True, True, True, True],
    ...     "score": [3.0, 1.0, 0.0, float("nan")],
    ...     "max_score": [3.0, 2.0, 3.0, 2.0],
    ... })
    >>> scores_by_assignment(grades)
      student assignment  submitted  score  max_score  share
    0     ada         02       True    4.0        5.0    0.8
    1     ben         02       True    0.0        3.0    0.0
    """
    keys = ["student", "assignment"]
    table = _shares(grades, keys)
    table.insert(0, "submitted", grades.groupby(keys, sort=True)["submitted"].any())
    return table.reset_index()


def scores_by_objective(grades: pd.DataFrame) -> pd.DataFrame:
    """Return the cohort's share of marked points on each objective of each assignment.

    Only work handed in counts: a missing submission is a different problem from a
    wrong answer (see :func:`students_behind`).

    Returns
    -------
    pandas.DataFrame
        One row per (assignment, objective): ``score``, ``max_score``, ``share`` and
        ``learners`` (how many handed the assignment in).

    Examples
    --------
    >>> grades = pd.DataFrame({
    ...     "student": ["ada", "ada", "ben", "ben", "cy"],
    ...     "assignment": ["02"] * 5,
    ...     "objective": [2, 3, 2, 3, 2],
    ...     "submitted": [True, True, True, True, False],
    ...     "score": [3.0, 4.0, 1.0, 2.0, float("nan")],
    ...     "max_score": [3.0, 5.0, 3.0, 5.0, 3.0],
    ... })
    >>> scores_by_objective(grades)
      assignment  objective  score  max_score     share  learners
    0         02          2    4.0        6.0  0.666667         2
    1         02          3    6.0       10.0  0.600000         2
    """
    handed_in = grades[grades["submitted"]]
    keys = ["assignment", "objective"]
    table = _shares(handed_in, keys)
    table["learners"] = handed_in.groupby(keys, sort=True, dropna=False)["student"].nunique()
    return table.reset_index()


def students_behind(grades: pd.DataFrame, threshold: float = 0.5) -> pd.DataFrame:
    """Learners below ``threshold`` of the marked points, or with work not handed in.

    Parameters
    ----------
    grades : pandas.DataFrame
        As returned by :func:`load_cohort_grades`.
    threshold : float
        The share of marked points (0 to 1) below which a learner is behind.

    Returns
    -------
    pandas.DataFrame
        One row per learner who is behind, lowest share first: ``score``,
        ``max_score``, ``share`` (over everything handed in and marked; NaN if
        nothing is) and ``missing`` (the set assignments not handed in, as a
        comma-separated string, empty if none).

    Examples
    --------
    >>> grades = pd.DataFrame({
    ...     "student": ["ada", "ada", "ben", "ben", "cy", "cy"],
    ...     "assignment": ["02", "03", "02", "03", "02", "03"],
    ...     "submitted": [True, True, True, True, True, False],
    ...     "score": [5.0, 4.0, 1.0, 2.0, 5.0, float("nan")],
    ...     "max_score": [5.0, 5.0, 5.0, 5.0, 5.0, 5.0],
    ... })
    >>> behind = students_behind(grades)
    >>> behind[["student", "share"]].to_dict("list")
    {'student': ['ben', 'cy'], 'share': [0.3, 1.0]}
    >>> behind["missing"].tolist()
    ['', '03']
    """
    if not 0 <= threshold <= 1:
        raise ValueError(f"threshold must be between 0 and 1, not {threshold!r}")
    table = _shares(grades, ["student"])
    not_in = grades.loc[~grades["submitted"], ["student", "assignment"]].drop_duplicates()
    missing = not_in.groupby("student", sort=True)["assignment"].agg(
        lambda names: ", ".join(sorted(names)))
    table["missing"] = missing.reindex(table.index).fillna("").astype(str)
    behind = table[(table["share"].fillna(0.0) < threshold) | (table["missing"] != "")]
    return behind.sort_values(["share", "student"], na_position="first").reset_index()


def most_missed(grades: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """Return the ``n`` grade cells with the lowest mean share of points among marked answers.

    Returns
    -------
    pandas.DataFrame
        One row per grade cell, lowest ``share`` first (ties by assignment and
        grade id): ``assignment``, ``grade_id``, ``objective``, ``kind``, ``share``
        (the mean of each learner's score / max_score) and ``learners`` (how many
        answers are marked).

    Examples
    --------
    >>> grades = pd.DataFrame({
    ...     "student": ["ada", "ben", "ada", "ben"],
    ...     "assignment": ["02"] * 4,
    ...     "grade_id": ["cost", "cost", "share", "share"],
    ...     "objective": [2, 2, 2, 2],
    ...     "kind": ["auto"] * 4,
    ...     "score": [3.0, 0.0, 2.0, 2.0],
    ...     "max_score": [3.0, 3.0, 2.0, 2.0],
    ... })
    >>> most_missed(grades, n=1)
      assignment grade_id  objective  kind  share  learners
    0         02     cost          2  auto    0.5         2
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, not {n!r}")
    marked = grades[grades["score"].notna() & (grades["max_score"] > 0)]
    marked = marked.assign(share=marked["score"] / marked["max_score"])
    keys = ["assignment", "grade_id", "objective", "kind"]
    table = marked.groupby(keys, sort=False, dropna=False).agg(
        share=("share", "mean"), learners=("student", "nunique"))
    table = table.reset_index().sort_values(["share", "assignment", "grade_id"])
    return table.head(n).reset_index(drop=True)
