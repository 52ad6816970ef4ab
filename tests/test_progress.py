"""Tests for compass_widgets.progress: what each module contains, and how far a learner has got."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compass_widgets.progress import (
    FINISHED,
    NOT_STARTED,
    STARTED,
    CourseProgress,
    ModuleProgress,
    learner_progress,
    read_course,
    read_notebook,
)
from compass_widgets.store import LearnerStore

from .learner_support import CHECKS_02, COURSE, answer_check, finish_module_00, write_reflection


@pytest.fixture(scope="module")
def course_contents():
    """What the real course notebooks contain."""
    return read_course(COURSE)


@pytest.fixture
def module_00_done_02_three_of_four(store_home):
    """Module 00 finished; module 02 with 3 of its 4 self-checks right and its reflection."""
    store = LearnerStore(store_home)
    finish_module_00(store)
    for number, (key, (right, wrong)) in enumerate(CHECKS_02.items()):
        answer_check(store, "02", key, right, wrong, correct=number != 3)
    write_reflection(store, "02", "failure-demand", "Chasing calls about repairs.")
    return store


def _notebook(folder: Path, name: str, module: str, code: list[str], **meta: object) -> Path:
    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
              "source": source} for source in code]
    nb = {"nbformat": 4, "nbformat_minor": 5, "cells": cells,
          "metadata": {"compass": {"module": module, "title": f"Module {module}", **meta}}}
    path = folder / name
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


# -- what the course contains ------------------------------------------------------------


def test_every_course_module_is_read(course_contents):
    assert list(course_contents) == [f"{n:02d}" for n in range(13)]
    assert course_contents["02"].notebook == "02-failure-demand.ipynb"
    assert course_contents["02"].title == "Value demand and failure demand"


def test_self_checks_and_reflections_are_found_with_their_text(course_contents):
    failure = course_contents["02"]
    assert list(failure.checks) == ["missed-bin", "forecast", "highest-share", "listen"]
    assert failure.checks["highest-share"].startswith("In the Hollins Vale log, which service")
    assert list(failure.reflections) == ["failure-demand"]
    assert failure.reflections["failure-demand"].startswith("Which failure demand would you")
    assert failure.tools == ("DemandAnalyser",)
    capstone = course_contents["12"]
    assert len(capstone.reflections) == 6
    assert capstone.reflections["plan-route"].startswith("4. How will you commission it")


def test_tools_are_only_the_course_tools(course_contents):
    assert course_contents["00"].tools == ("CompassSelfAssessment",)  # not SelfCheck, Reflection
    assert "DemandAnalysis" not in course_contents["12"].tools  # a model, not a saved tool
    assert "AssetMap" in course_contents["12"].tools


def test_notebook_keywords_magics_and_other_modules(tmp_path):
    path = _notebook(tmp_path, "05-x.ipynb", "05", [
        "%matplotlib inline\nReflection(module='05', key='kw', prompt='Said ' 'twice?')",
        "SelfCheck('05', 'dynamic', question_text, [])",  # a question made at run time
        f"SelfCheck('05', key_{1}, 'no literal key', [])",
        "SelfCheck('04', 'elsewhere', 'Saved under module 04', [])",
        "this is not python (",
    ], tools=["AssetMap", "SelfCheck"])
    contents = read_notebook(path)
    assert contents is not None
    assert dict(contents.reflections) == {"kw": "Said twice?"}
    assert dict(contents.checks) == {"dynamic": ""}
    assert contents.tools == ("AssetMap",)


def test_a_notebook_without_course_metadata_is_not_a_module(tmp_path):
    (tmp_path / "scratch.ipynb").write_text(json.dumps({"cells": [], "metadata": {}}))
    (tmp_path / "broken.ipynb").write_text("{not json")
    assert read_notebook(tmp_path / "scratch.ipynb") is None
    assert read_course(tmp_path) == {}


# -- how far the learner has got ------------------------------------------------------------


def test_progress_of_a_learner_part_way(module_00_done_02_three_of_four):
    progress = learner_progress(module_00_done_02_three_of_four, COURSE)
    by_module = {m.module: m for m in progress.modules}
    assert progress.course == COURSE
    assert len(progress.modules) == 13
    orientation, cycle, failure = by_module["00"], by_module["01"], by_module["02"]
    assert orientation.status == FINISHED
    assert orientation.tools_used == ("CompassSelfAssessment",)
    assert orientation.statements_answered == (8, 8)
    assert "CompassSelfAssessment (8 of 8 statements)" in orientation.tools_text
    assert cycle.status == NOT_STARTED
    assert failure.status == STARTED
    assert failure.checks_text == "3 of 4"
    assert failure.checks_answered == ("missed-bin", "forecast", "highest-share", "listen")
    assert failure.checks_correct == ("missed-bin", "forecast", "highest-share")
    assert failure.reflections_text == "1 of 1"
    assert failure.missing() == "answer self-check 'listen' correctly"
    assert progress.count(FINISHED) == 1 and progress.count(STARTED) == 1
    assert progress.summary().startswith("1 of 13 modules finished, 1 started, 11 not started; "
                                         "4 of 55 self-checks passed, 2 of 18 reflections")
    assert progress.next_step() == ("Next step: open module 01 (01-commissioning-cycle.ipynb) "
                                    "and work through it.")


def test_a_wrong_answer_put_right_counts_and_a_blank_reflection_does_not(store_home):
    store = LearnerStore(store_home)
    right, wrong = CHECKS_02["listen"]
    check = answer_check(store, "02", "listen", right, wrong, correct=False)
    write_reflection(store, "02", "failure-demand", "   \n ")
    failure = learner_progress(store, COURSE).modules[2]
    assert failure.checks_answered == ("listen",) and failure.checks_correct == ()
    assert failure.reflections_text == "0 of 1"
    check.choice.value = right
    check.button.click()
    failure = learner_progress(store, COURSE).modules[2]
    assert failure.checks_correct == ("listen",)
    assert failure.checks_text == "1 of 4"


def test_next_step_names_what_is_missing_in_the_first_unfinished_module():
    done = ModuleProgress("00", checks=("a",), checks_answered=("a",), checks_correct=("a",),
                          reflections=(), saved=1)
    half = ModuleProgress("01", notebook="01-x.ipynb", checks=("b", "c"), checks_correct=("b",),
                          reflections=("r", "s"), reflections_written=("s",), saved=2)
    progress = CourseProgress((done, half, ModuleProgress("02", checks=(), reflections=())),
                              Path("home"), Path("course"))
    assert progress.next_step() == ("Next step: in module 01 (01-x.ipynb), answer self-check "
                                    "'c' correctly; write the reflection 'r'.")
    finished = CourseProgress((done,), Path("home"), Path("course"))
    assert "compass portfolio" in finished.next_step()


def test_without_the_course_the_store_alone_is_reported(module_00_done_02_three_of_four,
                                                         tmp_path):
    progress = learner_progress(module_00_done_02_three_of_four, tmp_path / "missing")
    assert progress.course is None
    assert [m.module for m in progress.modules] == ["00", "02"]
    assert all(m.status == STARTED for m in progress.modules)  # never finished: contents unknown
    failure = progress.modules[1]
    assert failure.checks_text == "3 right of 4 answered"
    assert failure.reflections_text == "1 written"
    assert "not found" in progress.next_step()


def test_modules_saved_outside_the_course_are_listed_after_it(store_home):
    store = LearnerStore(store_home)
    store.save("practice", "reflection:notes", "My own notes.")
    progress = learner_progress(store, COURSE)
    assert [m.module for m in progress.modules][-2:] == ["12", "practice"]
    assert progress.modules[-1].status == STARTED
    assert progress.next_step().startswith("Next step: open module 00")


def test_json_holds_the_same_values(module_00_done_02_three_of_four):
    data = learner_progress(module_00_done_02_three_of_four, COURSE).to_dict()
    json.dumps(data)  # it is JSON
    assert data["summary"]["finished"] == 1 and data["summary"]["not_started"] == 11
    failure = data["modules"][2]
    assert failure["module"] == "02" and failure["status"] == "started"
    assert failure["checks"]["correct"] == ["missed-bin", "forecast", "highest-share"]
    assert len(failure["checks"]["expected"]) == 4
    assert failure["reflections"]["written"] == ["failure-demand"]
    assert data["modules"][0]["self_assessment"] == {"answered": 8, "statements": 8}


def test_the_table_has_a_row_per_module(module_00_done_02_three_of_four):
    table = learner_progress(module_00_done_02_three_of_four, COURSE).table()
    lines = table.splitlines()
    assert lines[0].split() == ["Module", "Title", "Status", "Self-checks", "Reflections",
                                "Tools", "used"]
    assert len(lines) == 2 + 13
    row_02 = next(line for line in lines if line.startswith("02 "))
    assert "Value demand and failure demand" in row_02
    assert "started" in row_02 and "3 of 4" in row_02 and "1 of 1" in row_02
    assert max(len(line) for line in lines) < 160
