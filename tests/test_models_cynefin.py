"""Tests for compass_widgets.models.cynefin: the sorting rule, the exercise, the escalation model.

The sorting tests use ``tiny_vignettes``: six cases, one for each step of the rule
and one the practitioner sorts differently from the rule.

    id  features (known, standard, specialist, agencies, changes, risk)  rule (step)   practitioner
    A   yes yes no  no  no  no                                           clear (4)     clear
    B   no  no  yes no  no  no                                           complicated (5) complicated
    C   no  no  yes yes yes no                                           complex (2)   complex
    D   no  no  no  yes no  no                                           complex (3)   complex
    E   no  no  no  yes yes yes                                          chaotic (1)   chaotic
    F   yes yes no  no  no  no                                           clear (4)     complex

The escalation tests use ``tiny_model``: 10 new cases a week, half complex and the rest
all clear; clear cases always resolve, complex ones half the time on the standard
route and always on the personalised one; a case escalates after 2 failed attempts;
£10 a standard contact, £40 a personalised one, £100 an escalation; 3 weeks.

    standard route only   week 1   week 2   week 3   total
    contacts              10       12.5     12.5     35
    repeat contacts       0        2.5      2.5      5
    escalations           0        1.25     1.25     2.5
    cost                  100      250      250      600

With every complex case personalised, each week has 10 contacts (5 at £10, 5 at
£40), no repeats and no escalations: £250 a week, £750 in all.
"""

from __future__ import annotations

import dataclasses
import itertools

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compass_widgets.models.cynefin import (
    DOMAINS,
    FEATURES,
    KINDS,
    MEASURES,
    MIXED,
    RESPONSES,
    RULES,
    SCENARIOS,
    STANDARD,
    EscalationModel,
    SortingExercise,
    explain_rule,
    rule_domain,
)

fast = settings(max_examples=60, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])

Y, N = True, False


def _case(known, standard, specialist, agencies, changes, risk) -> dict[str, bool]:
    return dict(zip(FEATURES, (known, standard, specialist, agencies, changes, risk),
                    strict=True))


def six_vignettes() -> pd.DataFrame:
    """Six vignettes; see the module docstring for the table."""
    cases = {
        "A": (_case(Y, Y, N, N, N, N), "clear"),
        "B": (_case(N, N, Y, N, N, N), "complicated"),
        "C": (_case(N, N, Y, Y, Y, N), "complex"),
        "D": (_case(N, N, N, Y, N, N), "complex"),
        "E": (_case(N, N, N, Y, Y, Y), "chaotic"),
        "F": (_case(Y, Y, N, N, N, N), "complex"),
    }
    return pd.DataFrame([
        {"vignette_id": vid, "neighbourhood": "Millbrook", "service": "Housing",
         "vignette": f"Case {vid}", **features, "practitioner_domain": domain,
         "practitioner_note": f"Note {vid}"}
        for vid, (features, domain) in cases.items()
    ])


@pytest.fixture
def tiny_vignettes() -> pd.DataFrame:
    """Six vignettes; see the module docstring for the table."""
    return six_vignettes()


@pytest.fixture
def tiny_model() -> EscalationModel:
    """The three-week model of the module docstring."""
    return EscalationModel(
        complex_share=0.5, personalised_share=1.0, weeks=3, new_cases=10, clear_share=1.0,
        max_attempts=2, resolve_standard={"clear": 1.0, "complicated": 0.5, "complex": 0.5},
        resolve_personalised=1.0, cost_standard=10, cost_personalised=40, cost_escalation=100,
    )


# -- the rule ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("features", "step", "domain"), [
    (_case(Y, Y, N, N, N, N), 4, "clear"),
    (_case(Y, Y, Y, N, N, N), 5, "complicated"),      # a specialist is needed
    (_case(N, N, N, N, N, N), 5, "complicated"),      # nothing points elsewhere
    (_case(N, N, Y, Y, Y, N), 2, "complex"),          # changes as you act
    (_case(Y, Y, N, N, Y, N), 2, "complex"),          # ...even with a standard answer
    (_case(N, N, N, Y, N, N), 3, "complex"),          # many agencies, cause unknown
    (_case(Y, N, N, Y, N, N), 5, "complicated"),      # many agencies, cause known
    (_case(N, N, N, N, N, Y), 1, "chaotic"),          # risk and no standard answer
    (_case(Y, Y, N, N, N, Y), 4, "clear"),            # risk with a tested answer: clear
    (_case(N, Y, N, N, Y, Y), 2, "complex"),          # risk with a standard answer, changing
])
def test_rule_steps(features, step, domain):
    found = explain_rule(features)
    assert (found.number, found.domain) == (step, domain)
    assert rule_domain(features) == domain


def test_rules_are_numbered_in_order_and_end_with_a_catch_all():
    assert [rule.number for rule in RULES] == [1, 2, 3, 4, 5]
    assert {rule.domain for rule in RULES} == set(DOMAINS)
    for flags in itertools.product([True, False], repeat=6):
        assert RULES[-1].applies(dict(zip(FEATURES, flags, strict=True)))


def test_every_combination_of_features_gets_the_first_step_that_applies():
    for flags in itertools.product([True, False], repeat=6):
        features = dict(zip(FEATURES, flags, strict=True))
        step = explain_rule(features)
        assert step.domain in DOMAINS
        assert step.applies(features)
        assert not any(rule.applies(features) for rule in RULES[:step.number - 1])


def test_immediate_risk_without_a_standard_answer_is_always_chaotic():
    for flags in itertools.product([True, False], repeat=4):
        features = {**dict(zip(["cause_effect_known", "specialist_needed", "many_agencies",
                                "changes_as_you_act"], flags, strict=True)),
                    "standard_answer": False, "immediate_risk": True}
        assert rule_domain(features) == "chaotic"


def test_a_case_without_changes_agencies_or_risk_is_never_complex_or_chaotic():
    for flags in itertools.product([True, False], repeat=3):
        features = {**dict(zip(["cause_effect_known", "standard_answer", "specialist_needed"],
                               flags, strict=True)),
                    "many_agencies": False, "changes_as_you_act": False, "immediate_risk": False}
        assert rule_domain(features) in ("clear", "complicated")


def test_rule_accepts_truthy_values_and_ignores_other_keys():
    features = {**{name: 1 for name in FEATURES}, "immediate_risk": 0, "vignette": "x"}
    assert rule_domain(features) == "complex"  # changes as you act


def test_rule_needs_every_feature():
    with pytest.raises(ValueError, match="missing: immediate_risk"):
        rule_domain({name: False for name in list(FEATURES)[:-1]})


def test_every_domain_has_a_response():
    assert RESPONSES == {"clear": "sense, categorise, respond",
                         "complicated": "sense, analyse, respond",
                         "complex": "probe, sense, respond",
                         "chaotic": "act, sense, respond"}


# -- the sorting exercise ----------------------------------------------------------------------


def test_table_on_tiny_vignettes(tiny_vignettes):
    table = SortingExercise(tiny_vignettes).sort("A", "clear").sort("F", "clear").table()
    assert table.index.tolist() == list("ABCDEF")
    assert table["rule"].tolist() == ["clear", "complicated", "complex", "complex", "chaotic",
                                      "clear"]
    assert table["rule_step"].tolist() == [4, 5, 2, 3, 1, 4]
    assert table["learner"].tolist() == ["clear", "", "", "", "", "clear"]
    assert table["learner_vs_rule"].tolist() == [True, None, None, None, None, True]
    assert table["learner_vs_practitioner"].tolist() == [True, None, None, None, None, False]
    assert table["rule_vs_practitioner"].tolist() == [True] * 5 + [False]


def test_agreement_with_nothing_sorted(tiny_vignettes):
    table = SortingExercise(tiny_vignettes).agreement()
    assert table.index.tolist() == ["You and the rule", "You and the practitioners",
                                    "The rule and the practitioners"]
    assert table["agree"].tolist() == [0, 0, 5]
    assert table["compared"].tolist() == [0, 0, 6]
    assert table["share"].tolist() == [0.0, 0.0, 5 / 6]


def test_agreement_hand_worked(tiny_vignettes):
    # A clear (rule clear, practitioner clear), B complex (rule and practitioner say
    # complicated), F clear (rule clear, practitioner complex).
    exercise = SortingExercise(tiny_vignettes).sort("A", "clear").sort("B", "complex").sort(
        "F", "clear")
    table = exercise.agreement()
    assert table["agree"].tolist() == [2, 1, 5]
    assert table["compared"].tolist() == [3, 3, 6]
    assert table["share"].tolist() == [2 / 3, 1 / 3, 5 / 6]
    assert exercise.sorted_count == 3


def test_matrix_counts_learner_against_practitioner(tiny_vignettes):
    exercise = SortingExercise(tiny_vignettes).sort("A", "clear").sort("B", "complex").sort(
        "F", "clear")
    matrix = exercise.matrix()
    assert matrix.index.tolist() == list(DOMAINS)
    assert matrix.columns.tolist() == list(DOMAINS)
    assert (matrix.index.name, matrix.columns.name) == ("learner", "practitioner")
    assert matrix.loc["clear", "clear"] == 1           # A
    assert matrix.loc["complex", "complicated"] == 1   # B
    assert matrix.loc["clear", "complex"] == 1         # F
    assert int(matrix.to_numpy().sum()) == 3


def test_matrix_is_four_by_four_even_with_nothing_sorted(tiny_vignettes):
    matrix = SortingExercise(tiny_vignettes).matrix()
    assert matrix.shape == (4, 4)
    assert int(matrix.to_numpy().sum()) == 0


def test_rule_domains_and_explain(tiny_vignettes):
    exercise = SortingExercise(tiny_vignettes)
    assert exercise.rule_domains() == ["clear", "complicated", "complex", "complex", "chaotic",
                                       "clear"]
    assert exercise.explain("E").number == 1
    assert exercise.ids == list("ABCDEF")
    with pytest.raises(ValueError, match="vignette 'Z' is not in the data"):
        exercise.explain("Z")


def test_sort_none_unsorts_and_resorting_replaces(tiny_vignettes):
    exercise = SortingExercise(tiny_vignettes).sort("A", "complex").sort("A", "clear")
    assert dict(exercise.answers) == {"A": "clear"}
    assert dict(exercise.sort("A", None).answers) == {}
    assert dict(exercise.sort("B", None).answers) == {"A": "clear"}  # nothing to unsort


def test_sorting_never_changes_the_original(tiny_vignettes):
    copy = tiny_vignettes.copy(deep=True)
    original = SortingExercise(tiny_vignettes)
    before = original.table()
    changed = original.sort("A", "chaotic")
    assert changed is not original
    assert dict(original.answers) == {}
    pd.testing.assert_frame_equal(original.table(), before)
    pd.testing.assert_frame_equal(tiny_vignettes, copy)


def test_exercise_is_frozen_and_answers_read_only(tiny_vignettes):
    exercise = SortingExercise(tiny_vignettes, answers={"A": "clear"})
    with pytest.raises(dataclasses.FrozenInstanceError):
        exercise.answers = {}  # type: ignore[misc]
    with pytest.raises(TypeError):
        exercise.answers["B"] = "clear"  # type: ignore[index]


def test_changing_the_mapping_passed_in_does_not_change_the_exercise(tiny_vignettes):
    answers = {"A": "clear"}
    exercise = SortingExercise(tiny_vignettes, answers=answers)
    answers["B"] = "complex"
    assert dict(exercise.answers) == {"A": "clear"}


def test_changing_a_returned_table_does_not_change_the_exercise(tiny_vignettes):
    exercise = SortingExercise(tiny_vignettes).sort("A", "clear")
    table, agreement, matrix = exercise.table(), exercise.agreement(), exercise.matrix()
    table.loc["A", "rule"] = "chaotic"
    agreement.loc[:, "share"] = 0.5
    matrix.loc["clear", "clear"] = 99
    assert exercise.table().loc["A", "rule"] == "clear"
    assert exercise.agreement()["share"].tolist() == [1.0, 1.0, 5 / 6]
    assert exercise.matrix().loc["clear", "clear"] == 1


@pytest.mark.parametrize("domain", ["Clear", "simple", "disorder", ""])
def test_unknown_domain_is_refused(tiny_vignettes, domain):
    with pytest.raises(ValueError, match="domain must be one of clear, complicated, complex, "
                                         "chaotic"):
        SortingExercise(tiny_vignettes).sort("A", domain)


def test_unknown_vignette_is_refused(tiny_vignettes):
    with pytest.raises(ValueError, match="vignette 'Z' is not in the data"):
        SortingExercise(tiny_vignettes).sort("Z", "clear")
    with pytest.raises(ValueError, match="vignette 'Z' is not in the data"):
        SortingExercise(tiny_vignettes, answers={"Z": "clear"})
    with pytest.raises(ValueError, match="domain must be"):
        SortingExercise(tiny_vignettes, answers={"A": "odd"})


def test_missing_columns_and_repeated_ids_are_refused(tiny_vignettes):
    with pytest.raises(ValueError, match="need the columns immediate_risk; load them with "
                                         "load_vignettes"):
        SortingExercise(tiny_vignettes.drop(columns="immediate_risk"))
    repeated = pd.concat([tiny_vignettes, tiny_vignettes.iloc[:1]], ignore_index=True)
    with pytest.raises(ValueError, match="own vignette_id; some are repeated"):
        SortingExercise(repeated)


def test_unknown_practitioner_domain_is_refused(tiny_vignettes):
    odd = tiny_vignettes.assign(practitioner_domain=["clear"] * 5 + ["Complex"])
    with pytest.raises(ValueError, match="vignette 'F': practitioner_domain must be one of "
                                         "clear, complicated, complex, chaotic, not 'Complex'"):
        SortingExercise(odd)


answers_strategy = st.dictionaries(st.sampled_from(list("ABCDEF")), st.sampled_from(DOMAINS))


@fast
@given(answers=answers_strategy)
def test_agreement_counts_are_consistent(answers):
    exercise = SortingExercise(six_vignettes(), answers=answers)
    table = exercise.agreement()
    assert table["compared"].tolist()[:2] == [len(answers)] * 2
    assert ((0 <= table["share"]) & (table["share"] <= 1)).all()
    assert (table["agree"] <= table["compared"]).all()
    assert int(exercise.matrix().to_numpy().sum()) == len(answers)
    diagonal = sum(int(exercise.matrix().loc[d, d]) for d in DOMAINS)
    assert diagonal == table.loc["You and the practitioners", "agree"]


@fast
@given(answers=answers_strategy, order=st.permutations(list(range(6))))
def test_row_order_does_not_change_agreement(answers, order):
    tiny_vignettes = six_vignettes()
    a = SortingExercise(tiny_vignettes, answers=answers)
    b = SortingExercise(tiny_vignettes.iloc[list(order)], answers=answers)
    pd.testing.assert_frame_equal(a.agreement(), b.agreement())
    pd.testing.assert_frame_equal(a.matrix(), b.matrix())
    pd.testing.assert_frame_equal(a.table().sort_index(), b.table().sort_index())


def test_sorting_as_the_rule_or_the_practitioners_agrees_fully(tiny_vignettes):
    exercise = SortingExercise(tiny_vignettes)
    as_rule = exercise
    as_them = exercise
    for vid, rule, theirs in zip(exercise.ids, exercise.rule_domains(),
                                 tiny_vignettes["practitioner_domain"], strict=True):
        as_rule, as_them = as_rule.sort(vid, rule), as_them.sort(vid, theirs)
    assert as_rule.agreement().loc["You and the rule", "share"] == 1.0
    assert as_them.agreement().loc["You and the practitioners", "share"] == 1.0
    assert as_them.agreement().loc["You and the rule", "share"] == 5 / 6


# -- the escalation model: hand-worked ---------------------------------------------------------


def test_tiny_model_standard_route_week_by_week(tiny_model):
    week = tiny_model.weekly(STANDARD)
    assert week.index.tolist() == [1, 2, 3]
    assert week.index.name == "week"
    assert week["new_cases"].tolist() == [10, 10, 10]
    assert week["contacts"].tolist() == [10, 12.5, 12.5]
    assert week["repeat_contacts"].tolist() == [0, 2.5, 2.5]
    assert week["resolved"].tolist() == [7.5, 8.75, 8.75]
    assert week["escalations"].tolist() == [0, 1.25, 1.25]
    assert week["open_cases"].tolist() == [2.5, 2.5, 2.5]
    assert week["contact_cost"].tolist() == [100, 125, 125]
    assert week["escalation_cost"].tolist() == [0, 125, 125]
    assert week["cost"].tolist() == [100, 250, 250]
    assert week["failure_share"].tolist() == [0, 0.2, 0.2]
    assert week["cumulative_escalations"].tolist() == [0, 1.25, 2.5]
    assert week["cumulative_cost"].tolist() == [100, 350, 600]


def test_tiny_model_mixed_routes_week_by_week(tiny_model):
    week = tiny_model.weekly(MIXED)
    assert week["contacts"].tolist() == [10, 10, 10]
    assert week["repeat_contacts"].tolist() == [0, 0, 0]
    assert week["escalations"].tolist() == [0, 0, 0]
    assert week["cost"].tolist() == [250, 250, 250]  # 5 at £10 and 5 at £40


def test_tiny_model_totals(tiny_model):
    totals = tiny_model.totals()
    assert totals.index.tolist() == list(SCENARIOS)
    assert totals.index.name == "scenario"
    assert totals.loc[STANDARD].to_dict() == {
        "new_cases": 30, "contacts": 35, "repeat_contacts": 5, "escalations": 2.5, "cost": 600,
        "failure_share": 5 / 35, "cost_per_case": 20,
    }
    assert totals.loc[MIXED, "cost"] == 750
    assert totals.loc[MIXED, "failure_share"] == 0


def test_arrivals_split_by_kind_and_route(tiny_model):
    assert tiny_model.arrivals(STANDARD) == {
        ("clear", "standard"): 5, ("complicated", "standard"): 0,
        ("complex", "standard"): 5, ("complex", "personalised"): 0,
    }
    half = tiny_model.with_params(personalised_share=0.4, clear_share=0.6)
    assert half.arrivals(MIXED) == pytest.approx({
        ("clear", "standard"): 3, ("complicated", "standard"): 2,
        ("complex", "standard"): 3, ("complex", "personalised"): 2,
    })


def test_compare_stacks_both_scenarios(tiny_model):
    long = tiny_model.compare()
    assert long["scenario"].tolist() == [STANDARD] * 3 + [MIXED] * 3
    assert long["week"].tolist() == [1, 2, 3] * 2
    assert long["escalations"].tolist() == [0, 1.25, 1.25, 0, 0, 0]


def test_defaults_are_the_documented_ones():
    model = EscalationModel()
    assert (model.complex_share, model.personalised_share, model.weeks, model.new_cases,
            model.clear_share, model.max_attempts) == (0.25, 0.5, 26, 100, 0.6, 3)
    assert dict(model.resolve_standard) == {"clear": 0.9, "complicated": 0.6, "complex": 0.2}
    assert (model.resolve_personalised, model.cost_standard, model.cost_personalised,
            model.cost_escalation) == (0.75, 30, 150, 1500)
    assert set(MEASURES) <= set(model.weekly().columns)


def test_default_model_steady_state_by_hand():
    # Steady state (week >= 3): complex on the standard route, 12.5 a week with q = 0.8,
    # escalate at 12.5 * 0.8**3 = 6.4 a week; personalised, 12.5 with q = 0.25:
    # 12.5 * 0.25**3 = 0.1953125; complicated, 30 a week with q = 0.4: 30 * 0.064 = 1.92;
    # clear, 45 with q = 0.1: 0.045.
    week = EscalationModel().weekly(MIXED)
    assert week["escalations"].iloc[-1] == pytest.approx(6.4 + 0.1953125 + 1.92 + 0.045)
    standard = EscalationModel().weekly(STANDARD)
    assert standard["escalations"].iloc[-1] == pytest.approx(25 * 0.512 + 1.92 + 0.045)


def test_zero_new_cases_gives_zero_everything():
    model = EscalationModel(new_cases=0, weeks=4)
    week = model.weekly()
    assert week["contacts"].sum() == 0
    assert week["failure_share"].tolist() == [0.0] * 4
    totals = model.totals()
    assert totals["failure_share"].tolist() == [0.0, 0.0]
    assert totals["cost_per_case"].tolist() == [0.0, 0.0]


def test_a_one_week_model_has_no_repeats():
    week = EscalationModel(weeks=1).weekly(STANDARD)
    assert week["repeat_contacts"].tolist() == [0]
    assert week["contacts"].tolist() == [100]


def test_one_attempt_escalates_every_failure_at_once():
    model = EscalationModel(max_attempts=1, weeks=2, complex_share=1.0, personalised_share=0.0)
    week = model.weekly(STANDARD)
    assert week["escalations"].tolist() == pytest.approx([80, 80])  # 100 * (1 - 0.2)
    assert week["repeat_contacts"].tolist() == [0, 0]


# -- the escalation model: against the week-by-week recursion ------------------------------------


def _recursion(model: EscalationModel, scenario: str) -> list[dict[str, float]]:
    """The docstring's recursion, step by step, with plain lists: the reference."""
    streams = []
    for (kind, route), arriving in model.arrivals(scenario).items():
        p = model.resolve_personalised if route == "personalised" else \
            model.resolve_standard[kind]
        unit = model.cost_personalised if route == "personalised" else model.cost_standard
        streams.append([arriving, p, unit, [0.0] * model.max_attempts])
    weeks = []
    for _ in range(model.weeks):
        row = {"contacts": 0.0, "repeat_contacts": 0.0, "escalations": 0.0, "cost": 0.0}
        for stream in streams:
            arriving, p, unit, cohort = stream
            cohort[0] = arriving
            row["contacts"] += sum(cohort)
            row["repeat_contacts"] += sum(cohort[1:])
            esc = (1 - p) * cohort[-1]
            row["escalations"] += esc
            row["cost"] += unit * sum(cohort) + model.cost_escalation * esc
            stream[3] = [0.0, *((1 - p) * n for n in cohort[:-1])]
        weeks.append(row)
    return weeks


shares = st.floats(min_value=0, max_value=1)
models = st.builds(
    EscalationModel,
    complex_share=shares, personalised_share=shares,
    weeks=st.integers(min_value=1, max_value=40),
    new_cases=st.floats(min_value=0, max_value=500),
    clear_share=shares,
    max_attempts=st.integers(min_value=1, max_value=6),
    resolve_standard=st.fixed_dictionaries({k: shares for k in KINDS}),
    resolve_personalised=shares,
    cost_standard=st.floats(min_value=0, max_value=200),
    cost_personalised=st.floats(min_value=0, max_value=500),
    cost_escalation=st.floats(min_value=0, max_value=5000),
)


@fast
@given(model=models, scenario=st.sampled_from(SCENARIOS))
def test_closed_form_matches_the_recursion(model, scenario):
    expected = pd.DataFrame(_recursion(model, scenario))
    got = model.weekly(scenario)[list(expected.columns)].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-9, atol=1e-6)


@fast
@given(model=models, scenario=st.sampled_from(SCENARIOS))
def test_every_case_is_resolved_escalated_or_still_open(model, scenario):
    week = model.weekly(scenario)
    arrived = week["new_cases"].cumsum()
    accounted = week["resolved"].cumsum() + week["escalations"].cumsum() + week["open_cases"]
    assert arrived.to_numpy() == pytest.approx(accounted.to_numpy(), rel=1e-9, abs=1e-6)
    assert (week["failure_share"].between(0, 1)).all()
    assert (week[["contacts", "repeat_contacts", "escalations", "cost"]] >= -1e-9).all().all()


@fast
@given(model=models, lower=shares, higher=shares)
def test_more_complex_cases_down_the_standard_route_never_lowers_escalations(
        model, lower, higher):
    # All else equal, and the personalised route at least as good as the standard one
    # for complex cases: routing fewer complex cases to it cannot lower escalations.
    lower, higher = sorted((lower, higher))
    good = model.with_params(resolve_personalised=max(model.resolve_personalised,
                                                      model.resolve_standard["complex"]))
    fewer_personalised = good.with_params(personalised_share=lower).weekly(MIXED)
    more_personalised = good.with_params(personalised_share=higher).weekly(MIXED)
    assert (fewer_personalised["escalations"].to_numpy()
            >= more_personalised["escalations"].to_numpy() - 1e-9).all()


@fast
@given(model=models, lower=shares, higher=shares)
def test_with_the_standard_route_only_more_complex_cases_never_lower_escalations(
        model, lower, higher):
    # Holds when complex cases are the hardest to resolve on the standard route.
    lower, higher = sorted((lower, higher))
    chances = dict(model.resolve_standard)
    chances["complex"] = min(chances.values())
    base = model.with_params(resolve_standard=chances)
    less = base.with_params(complex_share=lower).totals().loc[STANDARD, "escalations"]
    more = base.with_params(complex_share=higher).totals().loc[STANDARD, "escalations"]
    assert more >= less - 1e-9


@fast
@given(model=models)
def test_no_personalised_cases_makes_the_two_scenarios_the_same(model):
    same = model.with_params(personalised_share=0.0)
    pd.testing.assert_frame_equal(same.weekly(STANDARD), same.weekly(MIXED))


@fast
@given(model=models, extra=st.integers(min_value=1, max_value=4))
def test_more_attempts_before_escalating_mean_fewer_escalations_and_more_repeats(model, extra):
    patient = model.with_params(max_attempts=min(12, model.max_attempts + extra))
    for scenario in SCENARIOS:
        assert (patient.totals().loc[scenario, "escalations"]
                <= model.totals().loc[scenario, "escalations"] + 1e-9)
        assert (patient.totals().loc[scenario, "repeat_contacts"]
                >= model.totals().loc[scenario, "repeat_contacts"] - 1e-9)


def test_same_settings_give_the_same_numbers():
    pd.testing.assert_frame_equal(EscalationModel().compare(), EscalationModel().compare())


# -- the escalation model: immutability and errors ----------------------------------------------


def test_with_params_returns_a_new_model_and_keeps_the_old(tiny_model):
    before = tiny_model.totals()
    changed = tiny_model.with_params(weeks=5)
    assert changed is not tiny_model
    assert changed.weeks == 5 and tiny_model.weeks == 3
    pd.testing.assert_frame_equal(tiny_model.totals(), before)
    with pytest.raises(dataclasses.FrozenInstanceError):
        tiny_model.weeks = 4  # type: ignore[misc]
    with pytest.raises(TypeError):
        tiny_model.resolve_standard["clear"] = 0.1  # type: ignore[index]


def test_changing_a_returned_table_does_not_change_the_model(tiny_model):
    week, totals, long = tiny_model.weekly(STANDARD), tiny_model.totals(), tiny_model.compare()
    week.loc[:, "escalations"] = 99.0
    totals.loc[STANDARD, "cost"] = 0.0
    long.loc[:, "cost"] = 0.0
    assert tiny_model.weekly(STANDARD)["escalations"].tolist() == [0, 1.25, 1.25]
    assert tiny_model.totals().loc[STANDARD, "cost"] == 600
    assert tiny_model.compare()["cost"].sum() == 1350


def test_changing_the_chances_passed_in_does_not_change_the_model():
    chances = {"clear": 0.9, "complicated": 0.6, "complex": 0.2}
    model = EscalationModel(resolve_standard=chances)
    chances["complex"] = 1.0
    assert model.resolve_standard["complex"] == 0.2


@pytest.mark.parametrize(("changes", "message"), [
    ({"complex_share": 1.5}, "complex_share must be a share between 0 and 1, not 1.5"),
    ({"personalised_share": -0.1}, "personalised_share must be a share between 0 and 1"),
    ({"clear_share": "half"}, "clear_share must be a share between 0 and 1"),
    ({"resolve_personalised": 2}, "resolve_personalised must be a share"),
    ({"new_cases": -1}, "new_cases must be a number of 0 or more, not -1"),
    ({"cost_escalation": float("nan")}, "cost_escalation must be a number of 0 or more"),
    ({"cost_standard": float("inf")}, "cost_standard must be a number of 0 or more"),
    ({"weeks": 0}, "weeks must be a whole number from 1 to 260, not 0"),
    ({"weeks": 26.5}, "weeks must be a whole number from 1 to 260"),
    ({"weeks": True}, "weeks must be a whole number"),
    ({"max_attempts": 13}, "max_attempts must be a whole number from 1 to 12"),
    ({"resolve_standard": {"clear": 0.9}},
     "resolve_standard needs a chance for each of clear, complicated and complex; got clear"),
    ({"resolve_standard": {}}, "got none"),
    ({"resolve_standard": {"clear": 0.9, "complicated": 0.6, "complex": 1.2}},
     r"resolve_standard\['complex'\] must be a share"),
])
def test_bad_parameters_are_refused_with_what_to_do(changes, message):
    with pytest.raises(ValueError, match=message):
        EscalationModel(**changes)


def test_unknown_scenario_is_refused(tiny_model):
    with pytest.raises(ValueError, match="scenario must be 'Standard route only' or "
                                         "'Mixed routes', not 'Both'"):
        tiny_model.weekly("Both")
    with pytest.raises(ValueError, match="scenario must be"):
        tiny_model.arrivals("Both")
