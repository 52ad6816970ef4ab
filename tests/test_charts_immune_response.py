"""Tests for compass_widgets.charts.immune_response: valid, described charts and their sentences."""

from __future__ import annotations

import altair as alt
import pytest

from compass_widgets.charts import chart_text
from compass_widgets.charts.immune_response import (
    room_trend,
    setting_leverage,
    summarise_assurance,
    summarise_influence,
    summarise_leverage,
    summarise_outcome,
    summarise_room,
)
from compass_widgets.models.immune_response import ImmuneResponseModel

TYPICAL = ImmuneResponseModel()
BEST = ImmuneResponseModel(0.0, 0.0, 1.0, 1.0)
WORST = ImmuneResponseModel(1.0, 1.0, 0.0, 0.0)
MIDDLE = ImmuneResponseModel(0.5, 0.5, 0.5, 0.5)


def _rows(spec: dict, layer: int | None = None) -> list[dict]:
    data = spec["data"] if layer is None else spec["layer"][layer].get("data", spec["data"])
    return spec["datasets"][data["name"]]


# -- every builder -----------------------------------------------------------------------

BUILDERS = [
    ("room", lambda m: room_trend(m), lambda m: summarise_room(m),
     "Room to manoeuvre, month by month"),
    ("room pinned", lambda m: room_trend(m, MIDDLE), lambda m: summarise_room(m, MIDDLE),
     "Room to manoeuvre, month by month"),
    ("leverage", setting_leverage, summarise_leverage,
     "What a small change to each setting would do"),
]


@pytest.mark.parametrize(("name", "build", "summarise", "title"), BUILDERS,
                         ids=[b[0] for b in BUILDERS])
@pytest.mark.parametrize("model", [TYPICAL, BEST, WORST, MIDDLE],
                         ids=["typical", "best", "worst", "middle"])
def test_builder_returns_a_new_valid_chart_with_title_and_description(
        name, build, summarise, title, model):
    chart = build(model)
    assert isinstance(chart, alt.LayerChart)
    assert build(model) is not chart
    spec = chart.to_dict()  # validates against the Vega-Lite schema
    assert spec["title"]["text"] == title
    assert spec["description"] == summarise(model)
    assert "not a forecast" in spec["description"]
    assert chart_text(spec).startswith(title)


def test_builders_leave_the_model_as_it_was():
    model = ImmuneResponseModel(0.6, 0.4, 0.5, 0.5)
    states, leverage = model.states(), model.leverage()
    room_trend(model, TYPICAL).to_dict()
    setting_leverage(model).to_dict()
    assert model.states() == states
    assert model.leverage().equals(leverage)
    assert model.settings == {"audit_intensity": 0.6, "target_rigidity": 0.4,
                              "risk_appetite": 0.5, "delegated_authority": 0.5}


# -- room to manoeuvre ---------------------------------------------------------------------


def test_a_rejected_pilots_line_stops_at_rejection_with_a_label():
    spec = room_trend(TYPICAL).to_dict()
    rows = _rows(spec)
    assert [r["month"] for r in rows] == list(range(12))  # months 0 to 11
    assert [r["series"] for r in rows] == ["Your settings"] * 12
    assert [r["room"] for r in rows] == [s.room for s in TYPICAL.states()[:12]]
    # Only the last row carries the label and the mark of rejection.
    assert rows[-1]["label"] == "Rejected, month 11" and rows[-1]["rejected"] is True
    assert all("label" not in r and "rejected" not in r for r in rows[:-1])
    assert spec["layer"][2]["transform"] == [{"filter": "datum.rejected === true"}]


def test_a_surviving_pilots_line_runs_to_the_end_and_ends_in_its_value():
    rows = _rows(room_trend(MIDDLE).to_dict())
    assert len(rows) == 25
    assert not any("rejected" in r for r in rows)
    end = MIDDLE.states()[-1].room
    assert rows[-1]["label"] == f"{end:.0%}"


def test_pinned_settings_are_a_second_line_told_apart_by_dash_shape_and_label():
    spec = room_trend(TYPICAL, MIDDLE).to_dict()
    rows = _rows(spec)
    assert {r["series"] for r in rows} == {"Your settings", "Pinned settings"}
    labels = [r["label"] for r in rows if "label" in r]
    assert labels == ["Your settings: rejected, month 11",
                      f"Pinned settings: {MIDDLE.states()[-1].room:.0%}"]
    line, points = spec["layer"][0], spec["layer"][1]
    dashes = line["encoding"]["strokeDash"]["scale"]["range"]
    shapes = points["encoding"]["shape"]["scale"]["range"]
    assert len({str(d) for d in dashes}) == 2 and len(set(shapes)) == 2
    assert "dashed line with squares: pinned settings" in spec["title"]["subtitle"]


def test_threshold_is_drawn_once_and_labelled_in_text():
    spec = room_trend(TYPICAL).to_dict()
    rule, label = spec["layer"][4], spec["layer"][5]
    assert rule["mark"]["type"] == "rule"
    assert _rows(spec, 4) == [{"threshold": 0.3, "text": "Rejection threshold (30%)"}]
    assert label["mark"]["type"] == "text"
    assert label["encoding"]["text"]["field"] == "text"


def test_chart_carries_months_not_more():
    spec = room_trend(MIDDLE, TYPICAL).to_dict()
    assert sorted(len(v) for v in spec["datasets"].values()) == [1, 25 + 12]


# -- sentences ----------------------------------------------------------------------------


def test_outcome_sentences():
    assert summarise_outcome(TYPICAL) == (
        "The pilot is rejected in month 11, after the incident in month 9: its room to "
        "manoeuvre stayed below 30% for 3 months in a row.")
    end = MIDDLE.states()[-1].room
    assert summarise_outcome(MIDDLE) == (
        f"The pilot survives all 24 months: its room to manoeuvre ends at {end:.0%}, above "
        "the rejection threshold of 30%.")
    closed = ImmuneResponseModel(1.0, 1.0, 0.0, 0.0, initial_room=0.0, patience=1,
                                 incident_month=None)
    assert summarise_outcome(closed) == (
        "The pilot is rejected in month 1: its room to manoeuvre stayed below 30% for a month.")


def test_influence_when_one_setting_alone_would_save_the_pilot():
    assert summarise_influence(TYPICAL) == (
        "The setting that matters most here is delegated authority: raising it from 0.30 to "
        "0.80 on its own would let the pilot survive.")


def test_influence_names_the_settings_that_tie():
    text = summarise_influence(ImmuneResponseModel(0.7, 0.7, 0.8, 0.3))
    assert text == (
        "The setting that matters most here is audit intensity: lowering it from 0.70 to 0.60 "
        "on its own would let the pilot survive; so would lowering target rigidity to 0.60 or "
        "raising delegated authority to 0.40.")


def test_influence_when_the_pilot_survives():
    gain = MIDDLE.leverage_by_setting()["delegated_authority"].room_gain
    assert summarise_influence(MIDDLE) == (
        "The setting that matters most here is delegated authority: raising it by 0.1 would "
        f"add {gain * 100:.1f} percentage points to the pilot's average room to manoeuvre.")


def test_influence_when_no_single_setting_saves_the_pilot():
    text = summarise_influence(WORST)
    assert text.startswith("No single setting would save the pilot on its own. The setting "
                           "that matters most here is delegated authority: raising it by 0.1")
    assert text.endswith("but the other conditions have to change too.")


def test_influence_when_nothing_can_help():
    assert summarise_influence(BEST) == (
        "None of the four settings could give the pilot more room: each is already as "
        "favourable as it can be.")
    closed = ImmuneResponseModel(1.0, 1.0, 0.0, 0.0, initial_room=0.0, patience=1)
    assert summarise_influence(closed) == (
        "No single setting would save it, or even give it more room, on its own: the "
        "conditions have to change together.")


def test_room_summary_joins_outcome_influence_comparison_and_caveat():
    text = summarise_room(TYPICAL, MIDDLE)
    assert text == " ".join([
        summarise_outcome(TYPICAL), summarise_influence(TYPICAL),
        "With the pinned settings (audit intensity 0.50, target rigidity 0.50, risk appetite "
        "0.50, delegated authority 0.50) the pilot survives.",
        "This is an illustrative teaching model, not a forecast.",
    ])
    assert "is rejected in month 11." in summarise_room(MIDDLE, TYPICAL)


def test_assurance_comes_from_audit_or_from_evidence():
    evidence = TYPICAL.states()[-1].evidence
    assurance = 1 - (1 - 0.8 * 0.7) * (1 - evidence)
    assert summarise_assurance(TYPICAL) == (
        f"By month 24 the board's assurance is {assurance:.0%}: 56% would come from audit "
        "alone, the rest from the pilot's evidence.")
    no_audit = TYPICAL.with_settings(audit_intensity=0.0)
    assert summarise_assurance(no_audit) == (
        "With no audit, the board's only assurance is the pilot's own evidence: "
        f"{no_audit.states()[-1].evidence:.0%} by month 24.")


# -- leverage ------------------------------------------------------------------------------


def test_leverage_chart_labels_each_bar_in_words():
    spec = setting_leverage(TYPICAL).to_dict()
    rows = _rows(spec)
    assert [r["change"] for r in rows] == [
        "Lowering audit intensity", "Lowering target rigidity", "Raising risk appetite",
        "Raising delegated authority"]
    table = TYPICAL.leverage()
    assert [r["points"] for r in rows] == pytest.approx((table["room_gain"] * 100).tolist())
    assert rows[0]["label"].endswith("; survives at 0.15")
    assert rows[3]["label"].endswith("; survives at 0.80 (matters most)")
    assert spec["encoding"]["y"]["sort"] == [r["change"] for r in rows]


def test_leverage_of_settings_at_their_limits():
    rows = _rows(setting_leverage(BEST).to_dict())
    assert [r["label"] for r in rows] == ["already at 0", "already at 0", "already at 1",
                                         "already at 1"]
    text = summarise_leverage(BEST)
    assert "audit intensity is already at its lowest (0)" in text
    assert "risk appetite is already at its highest (1)" in text


def test_leverage_sentence_lists_each_move_and_what_saves_the_pilot():
    text = summarise_leverage(TYPICAL)
    assert text.startswith("Moving one setting 0.1 in the pilot's favour, on its own, adds to "
                           "its average room to manoeuvre: lowering audit intensity (now 0.70) ")
    assert ("On its own, lowering audit intensity to 0.15 or lowering target rigidity to 0.05 "
            "or raising risk appetite to 0.95 or raising delegated authority to 0.80 would let "
            "the pilot survive.") in text
    assert "No single setting would let the pilot survive on its own." in summarise_leverage(
        WORST)


def test_compass_renderer_gives_text_for_screen_readers():
    chart = room_trend(TYPICAL)
    bundle = chart._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "<svg" in data["image/svg+xml"]
    assert data["text/plain"] == "Room to manoeuvre, month by month. " + summarise_room(TYPICAL)
