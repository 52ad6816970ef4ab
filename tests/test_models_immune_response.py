"""Tests for compass_widgets.models.immune_response: hand-worked months and hypothesis properties.

The hand-worked cases use the equations in the model's docstring. With every setting
at its most favourable (a = r = 0, p = d = 1) the standing pressure is
P = 1 - 1 * 1 * (1 - 0.4 * 0) = 0, so pressure stays 0 and, from R0 = 0.6 and E0 = 0:

    R1 = 0.75 * 0.6 + 0.25 * 1 * min(1, 0.35 + 0.3 + 0)        = 0.6125
    E1 = 0.12 * 0.6125 * 1 = 0.0735
    R2 = 0.75 * 0.6125 + 0.25 * min(1, 0.65 + 0.4 * 0.0735)  = 0.629225
"""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compass_widgets.models.immune_response import (
    SETTINGS,
    ImmuneResponseModel,
    Leverage,
    MonthState,
    Outcome,
)

BEST = {"audit_intensity": 0.0, "target_rigidity": 0.0, "risk_appetite": 1.0,
        "delegated_authority": 1.0}
WORST = {"audit_intensity": 1.0, "target_rigidity": 1.0, "risk_appetite": 0.0,
         "delegated_authority": 0.0}
TOLERANCE = 1e-12


# -- hand-worked months -----------------------------------------------------------------


def test_first_two_months_with_every_setting_favourable():
    model = ImmuneResponseModel(**BEST, months=2)
    assert model.standing_pressure() == 0.0
    states = model.states()
    assert [s.month for s in states] == [0, 1, 2]
    assert states[0] == MonthState(0, 0.6, 0.0, 0.0, 0.0, "running")
    assert states[1].room == pytest.approx(0.6125)
    assert states[1].evidence == pytest.approx(0.0735)
    assert states[1].pressure == 0.0
    assert states[2].room == pytest.approx(0.629225)
    # Evidence: E2 = (1 - 0.03 - g) * E1 + g, with g = 0.12 * R2.
    gain = 0.12 * 0.629225
    assert states[2].evidence == pytest.approx((1 - 0.03 - gain) * 0.0735 + gain)
    # With no audit, assurance is evidence alone.
    assert states[2].assurance == pytest.approx(states[2].evidence)


def test_first_month_with_every_setting_unfavourable_and_no_incident():
    model = ImmuneResponseModel(**WORST, months=1, incident_month=None)
    # P = 1 - 0.6 * 0.6 * 0.6 = 0.784; A1 = 0.2 * 0.784 = 0.1568.
    assert model.standing_pressure() == pytest.approx(0.784)
    state = model.states()[1]
    assert state.pressure == pytest.approx(0.1568)
    # R1 = 0.45 + 0.25 * (1 - 0.1568) * 0.35
    assert state.room == pytest.approx(0.45 + 0.25 * 0.8432 * 0.35)
    # Full audit: assurance starts at 0.8 and w = 0.5 * 0.6 = 0.3.
    assert model.states()[0].assurance == pytest.approx(0.8)
    assert state.evidence == pytest.approx(0.12 * state.room * 0.3)


def test_incident_makes_pressure_jump_in_its_month():
    # a = p = 0.5, d = 0: J = 0.6 * (0.4 + 0.3) * 0.5 = 0.21.
    calm = ImmuneResponseModel(0.5, 0.5, 0.5, 0.0, months=3, incident_month=None)
    shaken = ImmuneResponseModel(0.5, 0.5, 0.5, 0.0, months=3, incident_month=2)
    before = calm.states()[1].pressure
    assert shaken.states()[1].pressure == before
    expected = 0.8 * (1 - (1 - before) * (1 - 0.21)) + 0.2 * calm.standing_pressure() * (
        1 - 0.6 * calm.states()[1].evidence)
    assert shaken.states()[2].pressure == pytest.approx(expected)
    assert shaken.states()[2].room < calm.states()[2].room


@pytest.mark.parametrize(("settings", "expected"), [
    ({"audit_intensity": 0, "target_rigidity": 0, "risk_appetite": 0, "delegated_authority": 0},
     0.4),
    (BEST, 0.0),
    (WORST, 1 - 0.6 ** 3),
    ({"audit_intensity": 0.5, "target_rigidity": 0.5, "risk_appetite": 0.5,
      "delegated_authority": 0.5}, 1 - 0.8 * 0.8 * 0.8),
])
def test_standing_pressure(settings, expected):
    assert ImmuneResponseModel(**settings).standing_pressure() == pytest.approx(expected)


# -- rejection ------------------------------------------------------------------------------


def test_pilot_below_the_threshold_is_rejected_after_three_months_then_closed():
    model = ImmuneResponseModel(**WORST, initial_room=0.1, months=6)
    statuses = [s.status for s in model.states()]
    assert statuses == ["running", "running", "running", "rejected", "closed", "closed",
                        "closed"]
    # Room below 0.3 in months 1, 2 and 3: rejected in month 3, so it ran 2 months.
    assert statuses.index("rejected") == 3
    assert model.outcome() == Outcome(survived=False, rejected_month=3, months=6)
    assert model.outcome().months_running == 2
    assert [s.room for s in model.states()[4:]] == [0.0, 0.0, 0.0]


def test_patience_of_one_month_rejects_at_once():
    model = ImmuneResponseModel(**WORST, initial_room=0.0, patience=1)
    assert model.outcome().rejected_month == 1


def test_only_months_in_a_row_below_the_threshold_count():
    # R1 = 0.75 * 0.1 + 0.25 * 0.65 = 0.2375 is below 0.3; R2 is back above it.
    model = ImmuneResponseModel(**BEST, initial_room=0.1, threshold=0.3, patience=2)
    rooms = [s.room for s in model.states()]
    assert rooms[1] == pytest.approx(0.2375)
    assert rooms[1] < 0.3 < rooms[2]
    assert all(room > 0.3 for room in rooms[2:])
    assert model.outcome().survived
    assert dataclasses.replace(model, patience=1).outcome().rejected_month == 1


def test_typical_system_rejects_the_pilot_after_the_incident():
    model = ImmuneResponseModel()
    assert model.outcome() == Outcome(survived=False, rejected_month=11, months=24)
    assert model.incident_month == 9
    assert model.settings == {"audit_intensity": 0.7, "target_rigidity": 0.7,
                              "risk_appetite": 0.3, "delegated_authority": 0.3}


def test_survivor_runs_every_month_and_mean_room_averages_months_one_on():
    model = ImmuneResponseModel(**BEST, months=2)
    assert model.outcome() == Outcome(survived=True, rejected_month=None, months=2)
    assert model.outcome().months_running == 2
    assert model.mean_room() == pytest.approx((0.6125 + 0.629225) / 2)


def test_accountability_is_not_the_enemy():
    """Heavy audit survives when authority is delegated and risk is carried."""
    model = ImmuneResponseModel(audit_intensity=0.8, target_rigidity=0.3, risk_appetite=0.7,
                                delegated_authority=0.8)
    assert model.outcome().survived
    # ...and it keeps more assurance than a pilot with no audit at all.
    no_audit = model.with_settings(audit_intensity=0.0)
    assert no_audit.mean_room() > model.mean_room()
    assert model.states()[-1].assurance > no_audit.states()[-1].assurance


def test_one_favourable_setting_alone_rarely_saves_the_pilot():
    typical = ImmuneResponseModel()
    assert not typical.with_settings(risk_appetite=0.8).outcome().survived
    assert not typical.with_settings(target_rigidity=0.2).outcome().survived
    assert typical.with_settings(target_rigidity=0.3, risk_appetite=0.6,
                                 delegated_authority=0.7).outcome().survived


# -- tables and immutability ----------------------------------------------------------


def test_trajectory_table():
    model = ImmuneResponseModel(months=4)
    table = model.trajectory()
    assert table.index.name == "month"
    assert table.index.tolist() == [0, 1, 2, 3, 4]
    assert table.columns.tolist() == ["room", "evidence", "pressure", "assurance", "status"]
    assert table["room"].tolist() == [s.room for s in model.states()]


def test_tables_are_copies():
    model = ImmuneResponseModel()
    table = model.trajectory()
    table.loc[1, "room"] = 99.0
    assert model.trajectory().loc[1, "room"] != 99.0
    leverage = model.leverage()
    leverage.loc["risk_appetite", "room_gain"] = 99.0
    assert model.leverage().loc["risk_appetite", "room_gain"] != 99.0
    assert isinstance(model.states(), tuple)
    with pytest.raises(TypeError):
        model.leverage_by_setting()["risk_appetite"] = None  # type: ignore[index]


def test_with_settings_returns_a_new_model():
    model = ImmuneResponseModel()
    other = model.with_settings(risk_appetite=0.6)
    assert other is not model
    assert (model.risk_appetite, other.risk_appetite) == (0.3, 0.6)
    assert other.months == model.months and other.threshold == model.threshold
    with pytest.raises(dataclasses.FrozenInstanceError):
        model.risk_appetite = 0.9  # type: ignore[misc]


def test_models_with_the_same_settings_are_equal():
    assert ImmuneResponseModel() == ImmuneResponseModel()
    assert ImmuneResponseModel() != ImmuneResponseModel(risk_appetite=0.31)


# -- errors say what to do ----------------------------------------------------------------


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"audit_intensity": 1.5}, "audit intensity must be a number from 0 to 1, not 1.5"),
    ({"risk_appetite": -0.1}, "risk appetite must be a number from 0 to 1"),
    ({"delegated_authority": math.nan}, "delegated authority must be a number from 0 to 1"),
    ({"target_rigidity": "high"}, "target rigidity must be a number from 0 to 1"),
    ({"initial_room": 2}, "initial room must be a number from 0 to 1"),
    ({"months": 0}, "months must be a whole number from 1 to 120"),
    ({"months": 12.5}, "months must be a whole number"),
    ({"threshold": 0}, "threshold must be between 0 and 1"),
    ({"patience": 0}, "patience must be a whole number of months, 1 or more"),
    ({"incident_month": 0}, "incident_month must be a whole month, 1 or later, or None"),
    ({"incident_month": 2.5}, "incident_month must be a whole month"),
])
def test_invalid_settings_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ImmuneResponseModel(**kwargs)


def test_unknown_setting_is_refused():
    with pytest.raises(ValueError, match="unknown setting 'audit'; the settings are audit_"):
        ImmuneResponseModel().with_settings(audit=0.2)


def test_no_incident_or_one_after_the_run_changes_nothing():
    calm = ImmuneResponseModel(months=6, incident_month=None)
    assert ImmuneResponseModel(months=6, incident_month=9).states() == calm.states()
    assert ImmuneResponseModel(incident_month=None).outcome().rejected_month is not None


# -- which setting matters most ----------------------------------------------------------


def test_leverage_of_the_typical_system():
    model = ImmuneResponseModel()
    table = model.leverage()
    assert table.index.tolist() == list(SETTINGS)
    assert table.columns.tolist() == ["value", "moved_to", "room_gain", "extra_months",
                                      "survives_at"]
    assert table["moved_to"].round(10).tolist() == [0.6, 0.6, 0.4, 0.4]
    assert (table["room_gain"] > 0).all()
    # Only a big change of one setting alone saves the pilot.
    assert table["survives_at"].round(2).tolist() == [0.15, 0.05, 0.95, 0.8]
    assert model.most_influential() == "delegated_authority"
    row = model.leverage_by_setting()["delegated_authority"]
    assert isinstance(row, Leverage)
    assert row.survives_at == pytest.approx(0.8)


def test_leverage_of_a_surviving_pilot_has_no_survival_values():
    model = ImmuneResponseModel(0.5, 0.5, 0.5, 0.5)
    table = model.leverage()
    assert table["survives_at"].isna().all()
    assert model.most_influential() == str(table["room_gain"].idxmax())


def test_settings_already_at_their_best_cannot_move():
    model = ImmuneResponseModel(**BEST)
    table = model.leverage()
    assert (table["moved_to"] == table["value"]).all()
    assert (table["room_gain"] == 0).all()
    assert model.most_influential() is None


def test_ties_go_to_the_setting_listed_first():
    # Lowering audit or targets to 0.6, or raising authority to 0.4, each save this pilot.
    model = ImmuneResponseModel(0.7, 0.7, 0.8, 0.3)
    table = model.leverage()
    assert table["survives_at"].round(2).tolist() == [0.6, 0.6, 0.95, 0.4]
    assert model.most_influential() == "audit_intensity"


def test_no_single_setting_saves_a_pilot_in_the_worst_system():
    model = ImmuneResponseModel(**WORST)
    assert model.leverage()["survives_at"].isna().all()
    assert model.most_influential() == "delegated_authority"  # the biggest room gain


def test_nothing_matters_when_the_pilot_is_closed_at_once():
    model = ImmuneResponseModel(**WORST, initial_room=0.0, patience=1)
    assert model.outcome().rejected_month == 1
    assert model.most_influential() is None


def test_search_reaches_the_end_of_the_range():
    # Risk appetite must go all the way to 1 for this pilot to survive on it alone.
    model = ImmuneResponseModel(0.7, 0.7, 0.3, 0.3, months=24)
    at = model.leverage_by_setting()["risk_appetite"].survives_at
    assert model.with_settings(risk_appetite=at).outcome().survived
    assert not model.with_settings(risk_appetite=round(at - 0.05, 10)).outcome().survived


# -- properties ------------------------------------------------------------------------------

fast = settings(max_examples=60, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow])
shares = st.floats(min_value=0, max_value=1, allow_nan=False)


@st.composite
def models(draw: st.DrawFn) -> ImmuneResponseModel:
    months = draw(st.integers(min_value=1, max_value=36))
    return ImmuneResponseModel(
        **{name: draw(shares) for name in SETTINGS},
        months=months,
        initial_room=draw(shares),
        threshold=draw(st.floats(min_value=0.05, max_value=0.95)),
        patience=draw(st.integers(min_value=1, max_value=6)),
        incident_month=draw(st.none() | st.integers(min_value=1, max_value=months)),
    )


def _rooms(model: ImmuneResponseModel) -> list[float]:
    return [state.room for state in model.states()]


@pytest.mark.parametrize(("setting", "helps"), [
    ("audit_intensity", False),
    ("target_rigidity", False),
    ("risk_appetite", True),
    ("delegated_authority", True),
])
@fast
@given(model=models(), low=shares, high=shares)
def test_each_setting_moves_room_one_way_only(setting, helps, model, low, high):
    low, high = min(low, high), max(low, high)
    lower = _rooms(model.with_settings(**{setting: low}))
    higher = _rooms(model.with_settings(**{setting: high}))
    for month, (a, b) in enumerate(zip(lower, higher, strict=True)):
        if helps:
            assert b >= a - TOLERANCE, (setting, month, a, b)
        else:
            assert b <= a + TOLERANCE, (setting, month, a, b)


@pytest.mark.parametrize("setting", list(SETTINGS))
@fast
@given(model=models(), low=shares, high=shares)
def test_a_setting_that_helps_never_turns_survival_into_rejection(setting, model, low, high):
    low, high = min(low, high), max(low, high)
    worse, better = (low, high) if setting in ("risk_appetite", "delegated_authority") else (
        high, low)
    worse_model = model.with_settings(**{setting: worse})
    better_model = model.with_settings(**{setting: better})
    # Rounding could only matter for a room within a whisker of the threshold.
    rooms = _rooms(worse_model) + _rooms(better_model)
    if any(abs(room - model.threshold) < 1e-9 for room in rooms):
        return
    if worse_model.outcome().survived:
        assert better_model.outcome().survived
    assert better_model.outcome().months_running >= worse_model.outcome().months_running


@fast
@given(model=models())
def test_every_state_stays_in_its_range(model):
    for state in model.states():
        for value in (state.room, state.evidence, state.pressure, state.assurance):
            assert 0.0 <= value <= 1.0
        assert state.status in ("running", "rejected", "closed")
    assert 0.0 <= model.standing_pressure() <= 1.0
    assert 0.0 <= model.mean_room() <= 1.0
    assert (model.leverage()["room_gain"] >= -TOLERANCE).all()


@fast
@given(model=models())
def test_same_settings_same_result(model):
    again = dataclasses.replace(model)
    assert again is not model
    assert again.states() == model.states()
    pd.testing.assert_frame_equal(again.trajectory(), model.trajectory())
    pd.testing.assert_frame_equal(again.leverage(), model.leverage())
    assert again.most_influential() == model.most_influential()


@fast
@given(model=models())
def test_rejection_happens_at_most_once_and_closes_the_pilot(model):
    statuses = [state.status for state in model.states()]
    assert statuses.count("rejected") <= 1
    if "rejected" in statuses:
        month = statuses.index("rejected")
        assert all(s == "running" for s in statuses[:month])
        assert all(s == "closed" for s in statuses[month + 1:])
        assert all(state.room == 0.0 for state in model.states()[month + 1:])
        assert model.outcome().rejected_month == month
    else:
        assert model.outcome().survived
