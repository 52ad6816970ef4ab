"""Tests for compass_widgets.models.process_audit on hand-worked data.

Every expected number below is worked out by hand from the four steps of
``tiny_steps``:

    step  name  features                      safety trust choice collab empower cultural
    1     Ask   choice offered, own language    3     3     2      2      2       3
    2     Wait  unexplained wait                2     1     0      1      1       2
    3     Tell  retell story, known person      0     2     2      2      2       2
    4     Plan  sanction warning, choice        2     2     2      2      2       2

    totals per principle: 7 8 6 7 7 9 -> averages 1.75 2.0 1.5 1.75 1.75 2.25
    all 24 scores: 44 -> summary 44 / 24 = 1.8333..., share 0.6111...
    at risk (low = 1 or less): Wait (a wait, and four low scores), Tell (safety 0)
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compass_widgets.data.process_steps import FEATURE_IDS, PRINCIPLE_IDS, load_process_steps
from compass_widgets.models.process_audit import PRINCIPLE_LABELS, TraumaInformedAudit

SCORES = {
    "Ask": (3, 3, 2, 2, 2, 3),
    "Wait": (2, 1, 0, 1, 1, 2),
    "Tell": (0, 2, 2, 2, 2, 2),
    "Plan": (2, 2, 2, 2, 2, 2),
}
FEATURES = {
    "Ask": {"choice_offered", "own_language"},
    "Wait": {"unexplained_wait"},
    "Tell": {"retell_story", "known_person_present"},
    "Plan": {"sanction_warning", "choice_offered"},
}


def _steps(scores=SCORES, features=FEATURES, numbers=None) -> pd.DataFrame:
    names = list(scores)
    frame = pd.DataFrame({
        "step": numbers or list(range(1, len(names) + 1)),
        "step_name": names,
        "description": [f"What happens at {n}." for n in names],
        "who": ["Officer"] * len(names),
    })
    for feature in FEATURE_IDS:
        frame[feature] = [feature in features.get(n, set()) for n in names]
    for i, principle in enumerate(PRINCIPLE_IDS):
        frame[principle] = [scores[n][i] for n in names]
    return frame


@pytest.fixture
def tiny_steps() -> pd.DataFrame:
    return _steps()


@pytest.fixture
def audit(tiny_steps) -> TraumaInformedAudit:
    return TraumaInformedAudit(tiny_steps)


# -- the score table -------------------------------------------------------------------


def test_scores_table_is_steps_by_principles_in_process_order(audit):
    table = audit.scores()
    assert table.index.tolist() == ["Ask", "Wait", "Tell", "Plan"]
    assert table.columns.tolist() == list(PRINCIPLE_IDS)
    assert table.loc["Wait"].tolist() == [2, 1, 0, 1, 1, 2]
    assert table.dtypes.map(pd.api.types.is_integer_dtype).all()


def test_steps_are_ordered_by_number_not_by_row(tiny_steps):
    shuffled = tiny_steps.iloc[[2, 0, 3, 1]]
    assert TraumaInformedAudit(shuffled).step_names == ["Ask", "Wait", "Tell", "Plan"]


def test_principle_averages_and_low_steps(audit):
    table = audit.principle_averages()
    assert table.index.tolist() == list(PRINCIPLE_IDS)
    assert table["label"].tolist() == ["Safety", "Trust", "Choice", "Collaboration",
                                       "Empowerment", "Cultural consideration"]
    assert table["average"].tolist() == [1.75, 2.0, 1.5, 1.75, 1.75, 2.25]
    assert table["low_steps"].tolist() == [1, 1, 1, 1, 1, 0]


def test_weakest_principle_overall(audit):
    assert audit.weakest_principle() == "choice"


def test_weakest_principle_tie_goes_to_the_one_listed_first(audit):
    # Choice 1.5 -> 2.0 by scoring Wait's choice 2: safety, collaboration and
    # empowerment tie at 1.75, and safety is listed first.
    assert audit.rescore("Wait", "choice", 2).weakest_principle() == "safety"


def test_weakest_principle_for_each_step(audit):
    table = audit.weakest_by_step()
    assert table.index.tolist() == ["Ask", "Wait", "Tell", "Plan"]
    assert table["principle"].tolist() == ["choice", "choice", "safety", "safety"]
    assert table["label"].tolist() == ["Choice", "Choice", "Safety", "Safety"]
    assert table["score"].tolist() == [2, 0, 0, 2]


def test_summary_score_and_share(audit):
    assert audit.summary_score() == 44 / 24
    assert audit.summary_share() == pytest.approx(44 / 72)


# -- the risk rule -------------------------------------------------------------------------


def test_steps_at_risk(audit):
    assert audit.at_risk_steps() == ["Wait", "Tell"]
    risks = audit.risks()
    assert risks["at_risk"].tolist() == [False, True, True, False]
    assert risks.loc["Wait", "reasons"] == (
        "the person waits without being told what happens next; the step scores low on Trust, "
        "Choice, Collaboration and Empowerment")
    assert risks.loc["Tell", "reasons"] == (
        "the person has to tell their story again; the step scores low on Safety")
    assert risks.loc["Ask", "reasons"] == ""


def test_a_warning_given_well_is_not_at_risk(audit):
    # Plan warns of a sanction but scores 2 on everything.
    assert "Plan" not in audit.at_risk_steps()


def test_safety_zero_is_at_risk_whatever_the_features(tiny_steps):
    audit = TraumaInformedAudit(tiny_steps).rescore("Ask", "safety", 0)
    assert "Ask" in audit.at_risk_steps()
    assert audit.risks().loc["Ask", "reasons"] == "the step scores low on Safety"


def test_low_scores_without_a_risk_feature_are_not_at_risk(audit):
    assert "Ask" not in audit.rescore_step("Ask", {"trust": 1, "choice": 0}).at_risk_steps()


def test_raising_the_scores_clears_a_risk(audit):
    better = audit.rescore_step("Wait", {"trust": 2, "choice": 2, "collaboration": 2,
                                         "empowerment": 2})
    assert better.at_risk_steps() == ["Tell"]


@pytest.mark.parametrize(("low_score", "expected"), [
    (0, ["Wait", "Tell"]),          # Wait still has choice 0
    (1, ["Wait", "Tell"]),
    (2, ["Wait", "Tell", "Plan"]),  # Plan's 2s now count as low
])
def test_low_score_threshold(tiny_steps, low_score, expected):
    assert TraumaInformedAudit(tiny_steps, low_score=low_score).at_risk_steps() == expected


def test_a_process_with_no_risks(tiny_steps):
    calm = _steps({name: (3,) * 6 for name in SCORES})
    assert TraumaInformedAudit(calm).at_risk_steps() == []
    assert TraumaInformedAudit(calm).summary_share() == 1.0


# -- new audits, never mutation ------------------------------------------------------------


def test_rescore_returns_a_new_audit_and_leaves_the_old_one(audit, tiny_steps):
    before = tiny_steps.copy(deep=True)
    changed = audit.rescore("Tell", "safety", 3)
    assert changed is not audit
    assert changed.step_scores("Tell")["safety"] == 3
    assert audit.step_scores("Tell")["safety"] == 0
    assert dict(audit.rescored) == {}
    pd.testing.assert_frame_equal(tiny_steps, before)


def test_rescoring_twice_keeps_both_changes(audit):
    changed = audit.rescore("Tell", "safety", 3).rescore("Tell", "trust", 3)
    assert changed.step_scores("Tell") == {
        "safety": 3, "trust": 3, "choice": 2, "collaboration": 2, "empowerment": 2,
        "cultural_consideration": 2}


def test_changed_lists_only_scores_that_differ_from_the_start(audit):
    changed = audit.rescore("Tell", "safety", 3).rescore("Wait", "trust", 1)  # 1 is its start
    assert changed.changed() == {"Tell": {"safety": 3}}


def test_reset_one_step_or_all(audit):
    changed = audit.rescore("Tell", "safety", 3).rescore("Wait", "choice", 3)
    assert changed.reset("Tell").changed() == {"Wait": {"choice": 3}}
    assert changed.reset().changed() == {}
    assert changed.reset().summary_score() == audit.summary_score()


def test_tables_are_copies(audit):
    scores, averages, risks = audit.scores(), audit.principle_averages(), audit.risks()
    scores.loc["Ask", "safety"] = 0
    averages.loc["safety", "average"] = 0.0
    risks.loc["Ask", "at_risk"] = True
    assert audit.scores().loc["Ask", "safety"] == 3
    assert audit.principle_averages().loc["safety", "average"] == 1.75
    assert audit.at_risk_steps() == ["Wait", "Tell"]


def test_rescored_is_read_only(audit):
    changed = audit.rescore("Ask", "safety", 1)
    with pytest.raises(TypeError):
        changed.rescored["Ask"]["safety"] = 2  # type: ignore[index]


# -- step details -------------------------------------------------------------------------


def test_details_say_what_happens_in_words(audit):
    assert audit.details("Tell") == {
        "step": 3, "name": "Tell", "description": "What happens at Tell.", "who": "Officer",
        "risks": ["has to tell their story again"],
        "helps": ["can have someone they know with them"],
    }


def test_details_without_description_or_who(tiny_steps):
    audit = TraumaInformedAudit(tiny_steps.drop(columns=["description", "who"]))
    details = audit.details("Ask")
    assert (details["description"], details["who"]) == ("", "")
    assert details["helps"] == ["is offered a choice", "gets information in their own language"]


# -- mistakes are explained ---------------------------------------------------------------


@pytest.mark.parametrize(("call", "message"), [
    (lambda a: a.rescore("Queue", "safety", 1), "step 'Queue' is not in the process; choose one"),
    (lambda a: a.rescore("Ask", "kindness", 1), "'kindness' is not one of the six principles"),
    (lambda a: a.rescore("Ask", "safety", 4), "the score must be a whole number from 0 to 3"),
    (lambda a: a.rescore("Ask", "safety", -1), "whole number from 0 to 3, not -1"),
    (lambda a: a.rescore("Ask", "safety", 1.5), "whole number from 0 to 3, not 1.5"),
    (lambda a: a.rescore("Ask", "safety", True), "whole number from 0 to 3, not True"),
    (lambda a: a.reset("Queue"), "step 'Queue' is not in the process"),
    (lambda a: a.details("Queue"), "step 'Queue' is not in the process"),
    (lambda a: a.step_scores("Queue"), "step 'Queue' is not in the process"),
])
def test_bad_changes_are_refused_with_advice(audit, call, message):
    with pytest.raises(ValueError, match=message):
        call(audit)


def test_rescored_for_an_unknown_step_is_refused(tiny_steps):
    with pytest.raises(ValueError, match="step 'Queue' is not in the process"):
        TraumaInformedAudit(tiny_steps, rescored={"Queue": {"safety": 1}})


def test_missing_columns_are_named(tiny_steps):
    with pytest.raises(ValueError, match="no column trust, empowerment; load it with"):
        TraumaInformedAudit(tiny_steps.drop(columns=["trust", "empowerment"]))


def test_a_process_needs_steps(tiny_steps):
    with pytest.raises(ValueError, match="the process has no steps"):
        TraumaInformedAudit(tiny_steps.iloc[0:0])


def test_step_names_must_differ(tiny_steps):
    tiny_steps.loc[3, "step_name"] = "Ask"
    with pytest.raises(ValueError, match="step 'Ask' appears twice"):
        TraumaInformedAudit(tiny_steps)


@pytest.mark.parametrize("low_score", [-1, 3, 1.5])
def test_low_score_must_be_0_1_or_2(tiny_steps, low_score):
    with pytest.raises(ValueError, match="low_score must be 0, 1 or 2"):
        TraumaInformedAudit(tiny_steps, low_score=low_score)


# -- the shipped process --------------------------------------------------------------------


def test_shipped_process_story():
    audit = TraumaInformedAudit(load_process_steps())
    assert audit.weakest_principle() == "empowerment"
    assert audit.summary_score() == pytest.approx(92 / 72)
    assert audit.at_risk_steps() == [
        "Waiting for a call back", "Proving who you are", "Telling your story",
        "Evidence from your GP or the police", "Waiting for a decision",
        "Moving into temporary accommodation"]
    assert set(PRINCIPLE_LABELS) == set(PRINCIPLE_IDS)


# -- properties -------------------------------------------------------------------------

score = st.integers(0, 3)
step_scores = st.tuples(*[score] * 6)
processes = st.lists(
    st.tuples(step_scores, st.sets(st.sampled_from(FEATURE_IDS))), min_size=1, max_size=8)


def _process(steps) -> pd.DataFrame:
    names = [f"Step {i}" for i in range(len(steps))]
    return _steps({n: s for n, (s, _) in zip(names, steps, strict=True)},
                  {n: f for n, (_, f) in zip(names, steps, strict=True)})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(processes, st.randoms(use_true_random=False), st.integers(0, 2))
def test_nothing_depends_on_the_order_of_the_rows(steps, rng, low_score):
    frame = _process(steps)
    order = list(range(len(frame)))
    rng.shuffle(order)
    one = TraumaInformedAudit(frame, low_score=low_score)
    two = TraumaInformedAudit(frame.iloc[order], low_score=low_score)
    assert one.summary_score() == two.summary_score()
    assert one.weakest_principle() == two.weakest_principle()
    assert one.at_risk_steps() == two.at_risk_steps()
    pd.testing.assert_frame_equal(one.scores(), two.scores())
    pd.testing.assert_frame_equal(one.principle_averages(), two.principle_averages())
    pd.testing.assert_frame_equal(one.risks(), two.risks())


@settings(max_examples=60, deadline=None)
@given(processes, st.randoms(use_true_random=False))
def test_summary_does_not_depend_on_the_step_numbers(steps, rng):
    frame = _process(steps)
    numbers = list(range(1, len(frame) + 1))
    rng.shuffle(numbers)
    renumbered = frame.assign(step=numbers)
    one, two = TraumaInformedAudit(frame), TraumaInformedAudit(renumbered)
    assert one.summary_score() == two.summary_score()
    assert one.weakest_principle() == two.weakest_principle()
    assert set(one.at_risk_steps()) == set(two.at_risk_steps())


@settings(max_examples=60, deadline=None)
@given(processes)
def test_summary_is_the_mean_of_every_score_between_0_and_3(steps):
    audit = TraumaInformedAudit(_process(steps))
    flat = [s for scores, _ in steps for s in scores]
    assert 0 <= audit.summary_score() <= 3
    assert audit.summary_score() == pytest.approx(sum(flat) / len(flat))
    weakest = audit.principle_averages().loc[audit.weakest_principle(), "average"]
    assert weakest == audit.principle_averages()["average"].min()


@settings(max_examples=80, deadline=None)
@given(processes, st.data())
def test_raising_a_score_never_adds_a_risk_or_lowers_the_summary(steps, data):
    audit = TraumaInformedAudit(_process(steps))
    step = data.draw(st.sampled_from(audit.step_names))
    principle = data.draw(st.sampled_from(PRINCIPLE_IDS))
    now = audit.step_scores(step)[principle]
    higher = audit.rescore(step, principle, data.draw(st.integers(now, 3)))
    assert set(higher.at_risk_steps()) <= set(audit.at_risk_steps())
    assert higher.summary_score() >= audit.summary_score()
