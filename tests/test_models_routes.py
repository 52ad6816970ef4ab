"""Tests for compass_widgets.models.routes: the route rule, its reasons, and the law's order.

Most tests walk all 512 combinations of the nine yes/no answers, so every path through
the rule is checked, not a sample.
"""

from __future__ import annotations

import dataclasses
import itertools

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import compass_widgets.models.routes as routes_module
from compass_widgets.models.routes import (
    ALLIANCE,
    DISCLAIMER,
    QUESTION_KEYS,
    QUESTIONS,
    QUESTIONS_BY_KEY,
    ROUTE_KEYS,
    ROUTES,
    CommissioningAnswers,
    check_situations,
)

PSR_QUESTIONS = {"only_existing_provider", "patient_choice", "existing_doing_well",
                 "suitable_provider_known"}
ACT_QUESTIONS = {"above_threshold", "clear_requirement"}


def every_answer() -> list[CommissioningAnswers]:
    return [CommissioningAnswers(**dict(zip(QUESTION_KEYS, flags, strict=True)))
            for flags in itertools.product([True, False], repeat=len(QUESTION_KEYS))]


ALL = every_answer()


# -- one example per route ----------------------------------------------------------------------


@pytest.mark.parametrize(("answers", "route", "alliance"), [
    (dict(is_grant=True), "grant", False),
    (dict(is_grant=True, alliance=True), "grant", False),
    (dict(above_threshold=False), "below_threshold", False),
    (dict(), "open", False),
    (dict(clear_requirement=False), "competitive_flexible", False),
    (dict(clear_requirement=False, alliance=True), "competitive_flexible", True),
    (dict(health_care=True, only_existing_provider=True), "psr_direct_award_a", False),
    (dict(health_care=True, patient_choice=True), "psr_direct_award_b", False),
    (dict(health_care=True, existing_doing_well=True), "psr_direct_award_c", False),
    (dict(health_care=True, suitable_provider_known=True), "psr_most_suitable_provider", False),
    (dict(health_care=True), "psr_competitive", False),
    (dict(health_care=True, suitable_provider_known=True, alliance=True),
     "psr_most_suitable_provider", True),
])
def test_each_route_is_reached(answers, route, alliance):
    advice = CommissioningAnswers(**answers).advise()
    assert advice.route.key == route
    assert advice.alliance is alliance


def test_every_route_is_reachable_and_nothing_else():
    assert {a.advise().route.key for a in ALL} == set(ROUTE_KEYS)


def test_routes_have_names_regimes_gains_and_costs():
    assert ROUTE_KEYS == ("grant", "below_threshold", "open", "competitive_flexible",
                          "psr_direct_award_a", "psr_direct_award_b", "psr_direct_award_c",
                          "psr_most_suitable_provider", "psr_competitive")
    for key, route in ROUTES.items():
        assert route.key == key
        assert route.name and route.what and route.gains and route.costs
    for key in ROUTE_KEYS[4:]:
        assert "SI 2023/1348, in force since 1 January 2024" in ROUTES[key].regime
    for key, regulation in zip(ROUTE_KEYS[4:], (7, 8, 9, 10, 11), strict=True):
        assert f"regulation {regulation}:" in ROUTES[key].regime
    for key in ("below_threshold", "open", "competitive_flexible"):
        assert "Procurement Act 2023" in ROUTES[key].regime
        assert "in force since 24 February 2025" in ROUTES[key].regime


# -- the law's order, over every combination of answers --------------------------------------------


def test_a_grant_is_a_grant_whatever_else_is_said():
    for answers in ALL:
        if answers.is_grant:
            advice = answers.advise()
            assert advice.route.key == "grant"
            assert [s.key for s in advice.steps] == ["is_grant"]
            assert len(advice.unused) == 8


def test_health_care_follows_the_psr_and_ignores_threshold_and_specification():
    for answers in ALL:
        if answers.health_care and not answers.is_grant:
            advice = answers.advise()
            assert advice.route.key.startswith("psr_")
            assert ACT_QUESTIONS <= set(advice.unused)


def test_everything_else_follows_the_procurement_act_and_ignores_the_psr_questions():
    for answers in ALL:
        if not answers.health_care and not answers.is_grant:
            advice = answers.advise()
            assert advice.route.key in ("below_threshold", "open", "competitive_flexible")
            assert PSR_QUESTIONS <= set(advice.unused)


def test_psr_order_a_before_b_before_c_before_the_rest():
    for answers in ALL:
        if answers.is_grant or not answers.health_care:
            continue
        route = answers.advise().route.key
        if answers.only_existing_provider:
            assert route == "psr_direct_award_a"  # A must be used when it applies
        elif answers.patient_choice:
            assert route == "psr_direct_award_b"  # so must B
        elif answers.existing_doing_well:
            assert route == "psr_direct_award_c"
        elif answers.suitable_provider_known:
            assert route == "psr_most_suitable_provider"
        else:
            assert route == "psr_competitive"


def test_below_the_threshold_the_specification_does_not_matter():
    for answers in ALL:
        if not (answers.is_grant or answers.health_care or answers.above_threshold):
            advice = answers.advise()
            assert advice.route.key == "below_threshold"
            assert "clear_requirement" in advice.unused


def test_changing_an_unused_answer_never_changes_the_advice():
    for answers in ALL:
        advice = answers.advise()
        for key in advice.unused:
            flipped = answers.answer(key, not getattr(answers, key)).advise()
            assert (flipped.route, flipped.alliance) == (advice.route, advice.alliance)
            assert [(s.key, s.answer) for s in flipped.steps] == [
                (s.key, s.answer) for s in advice.steps]


def test_alliance_is_added_to_every_route_but_a_grant():
    for answers in ALL:
        advice = answers.advise()
        assert advice.alliance == (answers.alliance and not answers.is_grant)
        if advice.alliance:
            assert advice.name == f"Alliance contract, with the partners chosen by: " \
                                  f"{advice.route.name}"
            assert advice.gains == advice.route.gains + ALLIANCE.gains
            assert advice.costs == advice.route.costs + ALLIANCE.costs
        else:
            assert advice.name == advice.route.name
            assert advice.gains == advice.route.gains


def test_steps_are_numbered_and_asked_plus_unused_is_every_question():
    for answers in ALL:
        advice = answers.advise()
        keys = [s.key for s in advice.steps]
        assert [s.number for s in advice.steps] == list(range(1, len(keys) + 1))
        assert len(set(keys)) == len(keys)
        assert set(keys) | set(advice.unused) == set(QUESTION_KEYS)
        assert not set(keys) & set(advice.unused)
        assert list(advice.unused) == [k for k in QUESTION_KEYS if k in advice.unused]
        for step in advice.steps:
            assert step.answer == getattr(answers, step.key)
            assert step.label == QUESTIONS_BY_KEY[step.key].label


def test_exactly_one_answer_settles_the_route():
    for answers in ALL:
        settled = [s for s in answers.advise().steps if s.decisive and s.key != "alliance"]
        assert len(settled) == 1


def test_every_summary_ends_with_the_reminder_that_it_is_not_legal_advice():
    for answers in ALL:
        summary = answers.advise().summary()
        assert summary.startswith("Route: ")
        assert summary.endswith(DISCLAIMER)
    assert "not legal advice" in DISCLAIMER
    assert "learning aid, not legal advice" in routes_module.__doc__


# -- reasons, by hand ----------------------------------------------------------------------------


def test_reasons_for_direct_award_c():
    advice = CommissioningAnswers(health_care=True, existing_doing_well=True).advise()
    assert advice.reasons == (
        "You said it buys specific services, so it is not a grant: a contract route is needed.",
        "You said it is a health care service covered by the PSR: the Provider Selection Regime "
        "applies, with no value threshold.",
        "You said the existing provider is not the only one that could provide it: Direct Award "
        "Process A does not apply.",
        "You said patients do not choose their provider in that way: Direct Award Process B does "
        "not apply.",
        "You said the existing provider is doing well and the service is not changing "
        "considerably: Direct Award Process C may be used.",
        "You said no alliance is needed: a contract with each provider is enough.",
    )
    assert advice.unused == ("suitable_provider_known", "above_threshold", "clear_requirement")
    assert [s.decisive for s in advice.steps] == [False, False, False, False, True, False]


def test_reasons_for_a_below_threshold_alliance():
    advice = CommissioningAnswers(above_threshold=False, alliance=True).advise()
    assert advice.reasons[-2:] == (
        "You said the value is below the threshold: a below-threshold contract, with lighter "
        "rules, is the route.",
        "You said several organisations must work as one, sharing risk and reward: add an "
        "alliance contract, and choose the partners through this route.",
    )
    assert [s.decisive for s in advice.steps] == [False, False, True, True]


def test_grant_with_alliance_asks_for_a_second_look():
    advice = CommissioningAnswers(is_grant=True, alliance=True).advise()
    assert advice.cautions == (
        "You also said several organisations must work as one, sharing risk and reward. An "
        "alliance with shared risk is a contract for services, so check again whether this is "
        "really a grant.",)
    assert advice.cautions[0] in advice.summary()
    assert CommissioningAnswers(is_grant=True).advise().cautions == ()


def test_summary_by_hand():
    assert CommissioningAnswers(clear_requirement=False).advise().summary() == (
        "Route: Competitive Flexible procedure (Procurement Act 2023, section 20: in force since "
        "24 February 2025). You said it buys specific services, so it is not a grant: a contract "
        "route is needed. You said it is not a health care service covered by the PSR: the "
        "Procurement Act 2023 applies. You said the value is at or above the threshold: the "
        "Act's competitive procedures apply. You said what you need has to be worked out "
        "through dialogue or negotiation: the Competitive Flexible procedure fits. You said no "
        f"alliance is needed: a contract with each provider is enough. {DISCLAIMER}")


# -- the answers ------------------------------------------------------------------------------


def test_questions_are_in_order_and_complete():
    assert QUESTION_KEYS == ("is_grant", "health_care", "only_existing_provider",
                             "patient_choice", "existing_doing_well", "suitable_provider_known",
                             "alliance", "above_threshold", "clear_requirement")
    assert [f.name for f in dataclasses.fields(CommissioningAnswers)] == list(QUESTION_KEYS)
    for question in QUESTIONS:
        assert question.text.endswith("?") and question.label.endswith("?")
        assert question.help


def test_answer_returns_new_answers_and_keeps_the_old():
    answers = CommissioningAnswers()
    changed = answers.answer("health_care", True)
    assert changed.health_care and not answers.health_care
    with pytest.raises(dataclasses.FrozenInstanceError):
        answers.health_care = True  # type: ignore[misc]


def test_as_dict_and_from_mapping_round_trip():
    for answers in ALL[::37]:
        assert CommissioningAnswers.from_mapping(answers.as_dict()) == answers
        assert list(answers.as_dict()) == list(QUESTION_KEYS)


@settings(max_examples=50, deadline=None, database=None)
@given(values=st.fixed_dictionaries({k: st.sampled_from([0, 1, True, False, "yes", ""])
                                     for k in QUESTION_KEYS}),
       extra=st.dictionaries(st.sampled_from(["title", "note"]), st.text(max_size=5)))
def test_from_mapping_reads_truthiness_and_ignores_other_keys(values, extra):
    answers = CommissioningAnswers.from_mapping({**values, **extra})
    assert answers.as_dict() == {k: bool(v) for k, v in values.items()}


def test_from_mapping_needs_every_answer():
    with pytest.raises(ValueError, match="answers are missing for: alliance, clear_requirement"):
        CommissioningAnswers.from_mapping({k: True for k in QUESTION_KEYS
                                           if k not in ("alliance", "clear_requirement")})


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_answers_must_be_true_or_false(value):
    with pytest.raises(ValueError, match=r"is_grant must be True \(yes\) or False \(no\)"):
        CommissioningAnswers(is_grant=value)  # type: ignore[arg-type]


def test_unknown_question_is_refused():
    with pytest.raises(ValueError, match="'is_cheap' is not a question; the questions are "
                                         "is_grant, health_care"):
        CommissioningAnswers().answer("is_cheap", True)


# -- checking against situations ------------------------------------------------------------------


def _situations(*rows: tuple[str, CommissioningAnswers, str, bool]) -> pd.DataFrame:
    return pd.DataFrame([{"situation_id": sid, **answers.as_dict(), "commissioner_route": route,
                          "commissioner_alliance": alliance}
                         for sid, answers, route, alliance in rows])


def test_check_situations_by_hand():
    table = check_situations(_situations(
        ("S1", CommissioningAnswers(is_grant=True), "grant", False),
        ("S2", CommissioningAnswers(clear_requirement=False, alliance=True),
         "competitive_flexible", False),  # the commissioner did without an alliance
        ("S3", CommissioningAnswers(health_care=True), "psr_most_suitable_provider", False),
    ))
    assert table.index.tolist() == ["S1", "S2", "S3"]
    assert table.index.name == "situation_id"
    assert table["tool_route"].tolist() == ["grant", "competitive_flexible", "psr_competitive"]
    assert table["tool_alliance"].tolist() == [False, True, False]
    assert table["agree"].tolist() == [True, False, False]


def test_check_situations_needs_the_columns():
    frame = _situations(("S1", CommissioningAnswers(), "open", False)).drop(
        columns=["commissioner_route", "patient_choice"])
    with pytest.raises(ValueError, match="need the columns patient_choice, commissioner_route; "
                                         "load them with load_situations"):
        check_situations(frame)
