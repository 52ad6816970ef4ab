"""Tests for compass_widgets.models.self_assessment on hand-worked data.

``tiny_statements`` has six statements in three dimensions; ``tiny_answers`` answers
three of them:

    id  dimension   quick  answer
    p1  purpose     yes    4
    p2  purpose     no     5
    p3  purpose     no     -
    g1  governance  yes    2
    g2  governance  no     -
    w1  workforce   yes    -

    full form:  Purpose (4 + 5) / 2 = 4.5 (2 answered, 1 not); Governance and risk 2.0
                (1 and 1); Workforce wellbeing no score (0 and 1); overall (4.5 + 2) / 2 = 3.25
    quick form: Purpose 4.0, Governance and risk 2.0, Workforce wellbeing none; overall 3.0

``tiny_cohort`` has four learners:

    purpose     3, 4.5, 5, 2  -> min 2, median 3.75, max 5; 4.5 beats 2 and ties 1: 62.5
    governance  1, 2, 3, 4    -> min 1, median 2.5,  max 4; 2.0 beats 1 and ties 1: 37.5
    workforce   2, 2, 2, 2
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compass_widgets.data.compass_cohort import load_compass_cohort
from compass_widgets.data.compass_statements import DIMENSION_NAMES, load_compass_statements
from compass_widgets.models.self_assessment import (
    PERIOD_IDS,
    STORE_KEY,
    ActionPlan,
    SelfAssessment,
    _position,
    load_saved_self_assessment,
)
from compass_widgets.store import LearnerStore


@pytest.fixture
def tiny_statements() -> pd.DataFrame:
    return pd.DataFrame({
        "statement_id": ["p1", "p2", "p3", "g1", "g2", "w1"],
        "dimension": ["purpose"] * 3 + ["governance"] * 2 + ["workforce"],
        "statement": ["We know why.", "We start with people.", "We design out failure.",
                      "Rules help.", "Risk is fair.", "Staff are well."],
        "quick": [True, False, False, True, False, True],
    })


@pytest.fixture
def tiny_answers() -> dict[str, int]:
    return {"p1": 4, "p2": 5, "g1": 2}


@pytest.fixture
def mine(tiny_statements, tiny_answers) -> SelfAssessment:
    return SelfAssessment(tiny_statements, tiny_answers)


@pytest.fixture
def tiny_cohort() -> pd.DataFrame:
    return pd.DataFrame({
        "learner": ["L1", "L2", "L3", "L4"],
        "purpose": [3.0, 4.5, 5.0, 2.0],
        "governance": [1.0, 2.0, 3.0, 4.0],
        "workforce": [2.0, 2.0, 2.0, 2.0],
    })


# -- dimension scores ---------------------------------------------------------------------


def test_dimension_scores_are_means_of_answered_statements(mine):
    table = mine.dimension_scores()
    assert table.index.tolist() == ["Purpose", "Governance and risk", "Workforce wellbeing"]
    assert table["dimension_id"].tolist() == ["purpose", "governance", "workforce"]
    assert table["score"].tolist()[:2] == [4.5, 2.0]
    assert math.isnan(table.loc["Workforce wellbeing", "score"])
    assert table["answered"].tolist() == [2, 1, 0]
    assert table["unanswered"].tolist() == [1, 1, 1]


def test_counts(mine):
    assert (mine.statement_count, mine.answered_count, mine.unanswered_count) == (6, 3, 3)


def test_overall_score_weights_each_dimension_equally(mine):
    # Not the mean of the three answers ((4 + 5 + 2) / 3 = 3.67): each dimension counts once.
    assert mine.overall_score() == 3.25


def test_strongest_and_weakest(mine):
    assert mine.strongest() == "Purpose"
    assert mine.weakest() == "Governance and risk"
    assert mine.weakest_dimensions(5) == ["Governance and risk", "Purpose"]
    assert mine.ranked().index.tolist() == ["Purpose", "Governance and risk"]


def test_a_tie_goes_to_the_dimension_listed_first(tiny_statements):
    level = SelfAssessment(tiny_statements, {"p1": 3, "g1": 3, "w1": 3})
    assert level.strongest() == "Purpose"
    assert level.weakest() == "Purpose"
    assert level.weakest_dimensions(3) == ["Purpose", "Governance and risk",
                                           "Workforce wellbeing"]


def test_nothing_answered(tiny_statements):
    blank = SelfAssessment(tiny_statements)
    assert blank.overall_score() is None
    assert blank.strongest() is None and blank.weakest() is None
    assert blank.weakest_dimensions() == []
    assert blank.dimension_scores()["score"].isna().all()
    assert blank.unanswered_count == 6


def test_quick_form_counts_only_its_statements(tiny_statements, tiny_answers):
    quick = SelfAssessment(tiny_statements, tiny_answers, quick=True)
    assert quick.statement_count == 3
    assert quick.dimension_scores()["score"].tolist()[:2] == [4.0, 2.0]
    assert quick.overall_score() == 3.0
    assert dict(quick.answers) == tiny_answers  # p2 is kept, only left out
    assert quick.with_form(False).overall_score() == 3.25


def test_form_lists_statements_with_answers_in_the_course_order(tiny_statements, tiny_answers):
    shuffled = tiny_statements.iloc[[5, 3, 0, 4, 2, 1]]
    form = SelfAssessment(shuffled, tiny_answers).form()
    assert form["statement_id"].tolist() == ["p1", "p2", "p3", "g1", "g2", "w1"]
    assert form["answer"].tolist() == [4, 5, 0, 2, 0, 0]
    assert form["dimension_name"].tolist()[3] == "Governance and risk"


def test_focus_statement_is_the_lowest_scored_in_a_dimension(mine):
    assert mine.focus_statement("Purpose") == "We know why."
    assert mine.answer("p3", 4).focus_statement("Purpose") == "We know why."  # tie: first
    assert mine.answer("p3", 1).focus_statement("Purpose") == "We design out failure."
    assert mine.focus_statement("Workforce wellbeing") is None


# -- new assessments, never mutation --------------------------------------------------------


def test_answer_returns_a_new_assessment(mine, tiny_answers):
    changed = mine.answer("g2", 4)
    assert changed is not mine
    assert changed.dimension_scores().loc["Governance and risk", "score"] == 3.0
    assert dict(mine.answers) == tiny_answers


def test_answer_none_clears(mine):
    cleared = mine.answer("p2", None)
    assert cleared.dimension_scores().loc["Purpose", "score"] == 4.0
    assert mine.answer("p3", None).answers == mine.answers  # clearing a blank is harmless


def test_answers_are_read_only(mine):
    with pytest.raises(TypeError):
        mine.answers["p1"] = 1  # type: ignore[index]


def test_tables_are_copies(mine):
    table = mine.dimension_scores()
    table.loc["Purpose", "score"] = 1.0
    assert mine.dimension_scores().loc["Purpose", "score"] == 4.5


# -- mistakes are explained ----------------------------------------------------------------


@pytest.mark.parametrize(("answers", "message"), [
    ({"x9": 3}, "statement 'x9' is not in the self-assessment"),
    ({"p1": 6}, "statement 'p1': an answer must be a whole number from 1 to 5, not 6"),
    ({"p1": 0}, "not 0"),
    ({"p1": 2.5}, "not 2.5"),
    ({"p1": True}, "not True"),
    ({"p1": "4"}, "not '4'"),
])
def test_bad_answers_are_refused(tiny_statements, answers, message):
    with pytest.raises(ValueError, match=message):
        SelfAssessment(tiny_statements, answers)


def test_clearing_an_unknown_statement_is_refused(mine):
    with pytest.raises(ValueError, match="statement 'x9' is not in the self-assessment"):
        mine.answer("x9", None)


def test_missing_columns_are_named(tiny_statements):
    with pytest.raises(ValueError, match="no column quick; load it with load_compass_statements"):
        SelfAssessment(tiny_statements.drop(columns="quick"))


def test_repeated_statement_ids_are_refused(tiny_statements):
    tiny_statements.loc[1, "statement_id"] = "p1"
    with pytest.raises(ValueError, match="statement 'p1' appears twice"):
        SelfAssessment(tiny_statements)


def test_unknown_dimension_is_refused(tiny_statements):
    tiny_statements.loc[0, "dimension"] = "vision"
    with pytest.raises(ValueError, match="'vision' is not one of the course's dimensions"):
        SelfAssessment(tiny_statements)


# -- the cohort ----------------------------------------------------------------------------


def test_compare_with_a_cohort(mine, tiny_cohort):
    table = mine.compare(tiny_cohort)
    assert table.index.tolist() == ["Purpose", "Governance and risk", "Workforce wellbeing"]
    purpose = table.loc["Purpose"]
    assert (purpose["cohort_min"], purpose["cohort_median"], purpose["cohort_max"]) == (
        2.0, 3.75, 5.0)
    assert purpose["percentile"] == 62.5
    assert purpose["position"] == "above the cohort's middle"
    governance = table.loc["Governance and risk"]
    assert governance["percentile"] == 37.5
    assert governance["position"] == "below the cohort's middle"
    workforce = table.loc["Workforce wellbeing"]
    assert math.isnan(workforce["percentile"])
    assert workforce["position"] == "not answered"
    assert table["cohort_size"].tolist() == [4, 4, 4]


def test_compare_is_worked_out_once_per_cohort_and_returns_copies(mine, tiny_cohort):
    first = mine.compare(tiny_cohort)
    first.loc["Purpose", "percentile"] = 0.0
    assert mine.compare(tiny_cohort).loc["Purpose", "percentile"] == 62.5
    other = tiny_cohort.assign(purpose=[5.0, 5.0, 5.0, 5.0])
    assert mine.compare(other).loc["Purpose", "percentile"] == 0.0  # a new cohort, a new answer


def test_compare_with_a_cohort_missing_a_dimension(mine, tiny_cohort):
    with pytest.raises(ValueError, match="the cohort has no column for workforce"):
        mine.compare(tiny_cohort.drop(columns="workforce"))


def test_compare_with_an_empty_cohort_column(mine, tiny_cohort):
    table = mine.compare(tiny_cohort.assign(purpose=["", "", "", ""]))
    assert table.loc["Purpose", "position"] == "no cohort scores"
    assert math.isnan(table.loc["Purpose", "percentile"])
    assert table.loc["Purpose", "cohort_size"] == 0


@pytest.mark.parametrize(("score", "expected"), [
    (1.0, "below everyone in the cohort"),
    (6.0, "above everyone in the cohort"),
    (5.0, "level with the highest in the cohort"),
    (2.0, "level with the lowest in the cohort"),
    (3.0, "at the cohort's middle"),
    (2.5, "below the cohort's middle"),
    (4.0, "above the cohort's middle"),
    (math.nan, "not answered"),
])
def test_position_in_words(score, expected):
    assert _position(score, 2.0, 3.0, 5.0) == expected


def test_percentile_at_the_ends(tiny_statements, tiny_cohort):
    top = SelfAssessment(tiny_statements, {"p1": 5, "g1": 5}).compare(tiny_cohort)
    bottom = SelfAssessment(tiny_statements, {"p1": 1, "g1": 1}).compare(tiny_cohort)
    assert top["percentile"].tolist()[:2] == [87.5, 100.0]   # ties with 5 / beats all 4
    assert bottom["percentile"].tolist()[:2] == [0.0, 12.5]  # beats none / ties with 1


# -- saving ------------------------------------------------------------------------------


def test_to_dict_and_back(mine, tiny_statements):
    data = mine.to_dict()
    assert data == {"quick": False, "answers": {"g1": 2, "p1": 4, "p2": 5}}
    again = SelfAssessment.from_dict(tiny_statements, data)
    assert dict(again.answers) == dict(mine.answers)
    assert again.quick is False


def test_from_dict_leaves_out_what_no_longer_fits(tiny_statements):
    data = {"quick": True, "answers": {"p1": 4, "gone": 3, "g1": 9, "p2": "5", "w1": True}}
    again = SelfAssessment.from_dict(tiny_statements, data)
    assert dict(again.answers) == {"p1": 4}
    assert again.quick is True
    assert dict(SelfAssessment.from_dict(tiny_statements, {"answers": [1, 2]}).answers) == {}


def test_load_saved_reads_back_answers_and_plan(tmp_path, tiny_statements):
    store = LearnerStore(tmp_path)
    assert load_saved_self_assessment(store, "11", tiny_statements) is None
    plan = ActionPlan().write("Purpose", "days-1-30", "Ask ten residents.")
    store.save("11", STORE_KEY, {"quick": False, "answers": {"p1": 4}, "plan": plan.to_dict()})
    saved = load_saved_self_assessment(store, "11", tiny_statements)
    assert dict(saved.assessment.answers) == {"p1": 4}
    assert saved.plan == plan
    assert saved.saved_at == store.saved_at("11", STORE_KEY)


def test_load_saved_uses_the_course_statements_and_the_default_store(tmp_path, monkeypatch):
    monkeypatch.setenv("COMPASS_HOME", str(tmp_path))
    LearnerStore().save("00", STORE_KEY, {"quick": True, "answers": {"power-1": 2},
                                          "plan": "not a plan"})
    saved = load_saved_self_assessment(module="00")
    assert saved.assessment.quick is True
    assert saved.assessment.statement_count == 8
    assert saved.assessment.weakest() == "Power and authority"
    assert saved.plan == ActionPlan()


def test_load_saved_ignores_a_value_that_is_not_a_saved_assessment(tmp_path):
    store = LearnerStore(tmp_path)
    store.save("11", STORE_KEY, "hello")
    assert load_saved_self_assessment(store, "11") is None


# -- the 100-day plan ---------------------------------------------------------------------


def test_plan_write_and_read():
    plan = ActionPlan().write("Purpose", "days-1-30", "Ask ten residents.")
    assert plan.text("Purpose", "days-1-30") == "Ask ten residents."
    assert plan.text("Purpose", "days-31-60") == ""
    assert plan.text("Governance and risk", "days-61-100") == ""
    assert ActionPlan().text("Purpose", "days-1-30") == ""


def test_plan_never_mutates():
    empty = ActionPlan()
    plan = empty.write("Purpose", "days-1-30", "Ask.")
    assert empty.to_dict() == {}
    assert plan.write("Purpose", "days-31-60", "Try.").to_dict() == {
        "Purpose": {"days-1-30": "Ask.", "days-31-60": "Try."}}
    with pytest.raises(TypeError):
        plan.entries["Purpose"]["days-1-30"] = "x"  # type: ignore[index]


def test_plan_dimensions_in_the_course_order_and_blank_text_left_out():
    plan = (ActionPlan().write("Workforce wellbeing", "days-1-30", "Protect supervision.")
            .write("Purpose", "days-61-100", "Tell the board.")
            .write("Place and neighbourhoods", "days-1-30", "   "))
    assert plan.dimensions == ["Purpose", "Workforce wellbeing"]
    assert plan.to_dict() == {"Purpose": {"days-61-100": "Tell the board."},
                              "Workforce wellbeing": {"days-1-30": "Protect supervision."}}


def test_plan_equality_ignores_blank_entries():
    one = ActionPlan().write("Purpose", "days-1-30", "Ask.")
    two = one.write("Power and authority", "days-1-30", "")
    assert one == two and hash(one) == hash(two)
    assert one != ActionPlan() and one != "Ask."


def test_plan_from_dict_leaves_out_what_does_not_fit():
    data = {"Purpose": {"days-1-30": "Ask.", "day-0": "x", "days-31-60": 5},
            "Vision": {"days-1-30": "x"}, "Place and neighbourhoods": "Walk about."}
    assert ActionPlan.from_dict(data).to_dict() == {"Purpose": {"days-1-30": "Ask."}}


@pytest.mark.parametrize(("call", "message"), [
    (lambda: ActionPlan().write("Vision", "days-1-30", "x"),
     "'Vision' is not one of the course's dimensions"),
    (lambda: ActionPlan().write("Purpose", "week-1", "x"), "'week-1' is not a period of the plan"),
    (lambda: ActionPlan().text("Purpose", "week-1"), "'week-1' is not a period"),
    (lambda: ActionPlan().text("purpose", "days-1-30"), "'purpose' is not one of the course's"),
])
def test_plan_mistakes_are_explained(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_plan_as_markdown():
    assert ActionPlan().as_markdown() == "Nothing is planned yet."
    plan = (ActionPlan().write("Governance and risk", "days-31-60", "Drop one sign-off.")
            .write("Purpose", "days-1-30", "Ask ten residents."))
    assert plan.as_markdown() == (
        "## Purpose\n- **Days 1 to 30:** Ask ten residents.\n"
        "- **Days 31 to 60:** (nothing yet)\n- **Days 61 to 100:** (nothing yet)\n\n"
        "## Governance and risk\n- **Days 1 to 30:** (nothing yet)\n"
        "- **Days 31 to 60:** Drop one sign-off.\n- **Days 61 to 100:** (nothing yet)")


# -- the shipped statements and cohort ------------------------------------------------------


def test_all_fives_beats_the_shipped_cohort():
    statements = load_compass_statements()
    best = SelfAssessment(statements, {s: 5 for s in statements["statement_id"]})
    table = best.compare(load_compass_cohort())
    assert best.overall_score() == 5.0
    assert (table["percentile"] > 90).all()
    assert table.index.tolist() == list(DIMENSION_NAMES.values())


# -- properties -------------------------------------------------------------------------

STATEMENTS = load_compass_statements()
IDS = STATEMENTS["statement_id"].tolist()
answer_sets = st.dictionaries(st.sampled_from(IDS), st.integers(1, 5))


@settings(max_examples=60, deadline=None)
@given(answer_sets, st.randoms(use_true_random=False), st.booleans())
def test_nothing_depends_on_the_order_of_the_statements(answers, rng, quick):
    order = list(range(len(STATEMENTS)))
    rng.shuffle(order)
    one = SelfAssessment(STATEMENTS, answers, quick=quick)
    two = SelfAssessment(STATEMENTS.iloc[order], answers, quick=quick)
    pd.testing.assert_frame_equal(one.dimension_scores(), two.dimension_scores())
    assert one.overall_score() == two.overall_score()
    assert (one.strongest(), one.weakest()) == (two.strongest(), two.weakest())
    assert one.weakest_dimensions(3) == two.weakest_dimensions(3)
    pd.testing.assert_frame_equal(one.form(), two.form())


@settings(max_examples=40, deadline=None)
@given(answer_sets, st.randoms(use_true_random=False))
def test_the_comparison_does_not_depend_on_the_order_of_the_cohort(answers, rng):
    cohort = load_compass_cohort()
    order = list(range(len(cohort)))
    rng.shuffle(order)
    mine = SelfAssessment(STATEMENTS, answers)
    pd.testing.assert_frame_equal(mine.compare(cohort), mine.compare(cohort.iloc[order]))


@settings(max_examples=60, deadline=None)
@given(answer_sets)
def test_scores_stay_within_the_answers_given(answers):
    mine = SelfAssessment(STATEMENTS, answers)
    table = mine.dimension_scores()
    assert mine.answered_count == len(answers)
    assert (table["answered"] + table["unanswered"]).sum() == mine.statement_count == 36
    form = mine.form()
    for name, row in table.iterrows():
        given_ = form[(form["dimension_name"] == name) & (form["answer"] > 0)]["answer"]
        if given_.empty:
            assert math.isnan(row["score"])
        else:
            assert given_.min() <= row["score"] <= given_.max()
    if answers:
        scores = table["score"].dropna()
        assert scores.min() - 1e-12 <= mine.overall_score() <= scores.max() + 1e-12
        assert table.loc[mine.strongest(), "score"] == scores.max()
        assert table.loc[mine.weakest(), "score"] == scores.min()


@settings(max_examples=60, deadline=None)
@given(answer_sets)
def test_percentiles_are_between_0_and_100(answers):
    table = SelfAssessment(STATEMENTS, answers).compare(load_compass_cohort())
    percentiles = table["percentile"].dropna()
    assert ((percentiles >= 0) & (percentiles <= 100)).all()


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.sampled_from(list(DIMENSION_NAMES.values())),
                       st.dictionaries(st.sampled_from(PERIOD_IDS), st.text(max_size=30))))
def test_a_plan_survives_a_round_trip_through_saved_data(entries):
    plan = ActionPlan(entries)
    assert ActionPlan.from_dict(plan.to_dict()) == plan
