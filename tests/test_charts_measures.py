"""Tests for compass_widgets.charts.measures: valid, aggregated, described charts and their text.

Sentences are worked out by hand from ``tiny_returns`` (see tests/test_models_measures.py):
A takes on 4 of 6 referrals, sees 2 in time and 3 improve; B takes on all 4, sees 3 in
time and 3 improve; C takes on none of its 2.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

from compass_widgets.charts import chart_text
from compass_widgets.charts.measures import (
    acceptance_chart,
    measure_ranking,
    quarter_text,
    summarise_acceptance,
    summarise_ranking,
    summarise_waiting_times,
    waiting_times,
)
from compass_widgets.data.kpi_returns import load_kpi_returns
from compass_widgets.models.measures import MEASURES, MeasureAnalysis

from .test_models_measures import CASES, NAN, _waits, make_returns


@pytest.fixture
def tiny() -> MeasureAnalysis:
    return MeasureAnalysis(make_returns(CASES))


@pytest.fixture(scope="module")
def shipped() -> MeasureAnalysis:
    return MeasureAnalysis(load_kpi_returns())


def _layer_rows(spec: dict, layer: int) -> list[dict]:
    data = spec["layer"][layer].get("data", spec.get("data"))
    return spec["datasets"][data["name"]]


CANAL = "Canal Side Care Ltd"
BUILDERS = [
    ("target", lambda a: measure_ranking(a, "target_met"),
     lambda a: summarise_ranking(a, "target_met"), MEASURES["target_met"].label),
    ("improved", lambda a: measure_ranking(a, "improved_rate"),
     lambda a: summarise_ranking(a, "improved_rate"), MEASURES["improved_rate"].label),
    ("per referral", lambda a: measure_ranking(a, "outcomes_per_referral"),
     lambda a: summarise_ranking(a, "outcomes_per_referral"),
     MEASURES["outcomes_per_referral"].label),
    ("waiting", lambda a: waiting_times(a, CANAL), lambda a: summarise_waiting_times(a, CANAL),
     f"Days to first appointment: {CANAL}"),
    ("acceptance", lambda a: acceptance_chart(a, CANAL),
     lambda a: summarise_acceptance(a, CANAL), f"Referrals taken on, by complexity: {CANAL}"),
]
IDS = [b[0] for b in BUILDERS]


# -- every builder -----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "build", "summarise", "title"), BUILDERS, ids=IDS)
def test_builder_returns_a_new_valid_chart_with_title_and_description(
        shipped, name, build, summarise, title):
    chart = build(shipped)
    assert isinstance(chart, alt.LayerChart)
    assert build(shipped) is not chart
    spec = chart.to_dict()  # validates against the Vega-Lite schema
    assert spec["title"]["text"] == title
    subtitle = spec["title"]["subtitle"]
    assert (subtitle[0] if isinstance(subtitle, list) else subtitle).startswith("all quarters")
    assert spec["description"] == summarise(shipped)
    assert chart_text(spec).startswith(title.rstrip("."))


@pytest.mark.parametrize(("name", "build", "expected"), [
    ("ranking", lambda a: measure_ranking(a, "target_met"), 5),
    ("waiting", lambda a: waiting_times(a, CANAL), None),  # one row per day of waiting
    ("acceptance", lambda a: acceptance_chart(a, CANAL), 3),
])
def test_chart_data_is_aggregated(shipped, name, build, expected):
    spec = build(shipped).to_dict()
    largest = max(len(rows) for rows in spec["datasets"].values())
    if expected is None:
        assert largest == len(shipped.waiting_days(CANAL)) < 100  # not 3,100 referrals
    else:
        assert largest == expected


@pytest.mark.parametrize(("name", "build", "summarise", "title"), BUILDERS[:1] + BUILDERS[3:],
                         ids=["target", "waiting", "acceptance"])
def test_builders_do_not_change_the_analysis(name, build, summarise, title):
    returns = load_kpi_returns()
    copy = returns.copy(deep=True)
    analysis = MeasureAnalysis(returns).filter(quarter="2025-26 Q2")
    before = [analysis.by_provider(), analysis.waiting_days(CANAL), analysis.ranks()]
    build(analysis).to_dict()
    summarise(analysis)
    pd.testing.assert_frame_equal(returns, copy)
    for table, after in zip(before, [analysis.by_provider(), analysis.waiting_days(CANAL),
                                     analysis.ranks()], strict=True):
        pd.testing.assert_frame_equal(table, after)
    assert analysis.quarter == "2025-26 Q2"


# -- switch measures ---------------------------------------------------------------------------


def test_ranking_sentence_on_tiny(tiny):
    assert summarise_ranking(tiny, "target_met") == (
        "Ranked by 'seen within the target', B comes first (75%) and C last (nobody taken on), "
        "in all quarters. This measure rewards speed to a first appointment, whatever happens "
        "next; and moving appointments to just inside the line. Under the other measures, B is "
        "1st on 'improved, of those taken on' and 1st on 'improved, of everyone referred'.")


def test_ranking_chart_on_tiny(tiny):
    spec = measure_ranking(tiny, "outcomes_per_referral").to_dict()
    rows = _layer_rows(spec, 0)
    assert [r["provider"] for r in rows] == ["B", "A", "C"]
    assert [r["label"] for r in rows] == ["1st · 75%", "2nd · 50%", "3rd · 0%"]
    assert spec["layer"][1]["mark"]["type"] == "text"  # labels, not colour alone
    assert spec["title"]["subtitle"][1] == "Rewards helping everyone who is referred"


def test_ranking_in_a_quarter_with_one_provider_names_no_last():
    one = MeasureAnalysis(make_returns([c for c in CASES if c[0] == "B"]))
    text = summarise_ranking(one, "improved_rate")
    assert text.startswith("Ranked by 'improved, of those taken on', B comes first (75%), in "
                           "all quarters.")
    assert "last" not in text and "Under the other measures" not in text


def test_the_shipped_ranking_changes_with_the_measure(shipped):
    assert summarise_ranking(shipped, "target_met").startswith(
        "Ranked by 'seen within the target', Canal Side Care Ltd comes first (86%) and "
        "Ashworth Peer Network last (53%)")
    assert "Canal Side Care Ltd is 1st on 'improved, of those taken on' and 4th on 'improved, "\
           "of everyone referred'" in summarise_ranking(shipped, "target_met")


# -- bunching ----------------------------------------------------------------------------------


def test_waiting_sentence_with_too_few_cases(tiny):
    assert summarise_waiting_times(tiny, "A") == (
        "A saw 50% of the people it took on within 28 days (all quarters). 1 first appointment "
        "fell just inside the line (days 25-28) and 1 just outside it (days 29-32). That is too "
        "few cases near the line to judge bunching; try all quarters together.")
    assert summarise_waiting_times(tiny, "C") == (
        "C took on none of its 2 referrals (all quarters), so there are no waiting times to "
        "show.")


def test_waiting_sentence_with_bunching():
    counts = dict.fromkeys(range(15, 43), 10)
    counts.update({25: 17, 26: 17, 27: 17, 28: 19, 29: 3, 30: 3, 31: 3, 32: 1})
    text = summarise_waiting_times(MeasureAnalysis(_waits(counts)), "A")
    assert ("70 first appointments fell just inside the line (days 25-28) and 10 just outside "
            "it (days 29-32); a smooth spread of waits would give about 1.0 inside for every "
            "one outside. Bunching index: 6.7, a sign of bunching worth asking about") in text


def test_waiting_sentence_without_bunching():
    text = summarise_waiting_times(MeasureAnalysis(_waits(dict.fromkeys(range(15, 43), 10))),
                                   "A")
    assert text.endswith("Bunching index: 1.0, no sign of bunching.")


def test_waiting_chart_draws_and_labels_the_threshold(shipped):
    spec = waiting_times(shipped, CANAL).to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["bar", "line", "rule", "text", "text"]
    rule = _layer_rows(spec, 2)
    assert [r["x"] for r in rule] == [28.5]
    texts = [r["text"] for r in _layer_rows(spec, 3) + _layer_rows(spec, 4)]
    figures = shipped.by_provider().loc[CANAL]
    assert texts == ["Target: 28 days",
                     f"{figures['just_outside']} just outside (days 29-32)",
                     f"{figures['just_inside']} just inside (days 25-28)"]
    assert spec["layer"][1]["mark"]["strokeDash"] == [5, 3]  # the smooth line is dashed
    bands = {r["day"]: r["band_label"] for r in _layer_rows(spec, 0)}
    assert bands[26] == "Just inside" and bands[30] == "Just outside"


def test_waiting_chart_for_a_provider_with_no_referrals_in_the_quarter(tiny):
    q1 = tiny.filter(quarter="Q1")
    spec = waiting_times(q1, "C").to_dict()
    assert spec["description"] == "There are no referrals to C in Q1."
    assert quarter_text(q1) == "Q1"


def test_unknown_provider_is_refused(tiny):
    with pytest.raises(ValueError, match="provider 'Z' is not in the returns"):
        summarise_waiting_times(tiny, "Z")
    with pytest.raises(ValueError, match="provider 'Z' is not in the returns"):
        acceptance_chart(tiny, "Z")


# -- creaming ----------------------------------------------------------------------------------


def test_acceptance_sentence_with_a_creaming_sign(tiny):
    assert summarise_acceptance(tiny, "A") == (
        "A took on 67% of low-complexity referrals and 50% of high-complexity ones (all "
        "quarters). Creaming index: 0.75, a sign of creaming worth asking about: the people "
        "turned away are the hardest to help. 75% of the people it took on improved, but only "
        "50% of everyone referred to it.")


def test_acceptance_sentence_without_a_sign_or_an_index(tiny):
    assert summarise_acceptance(tiny, "B").endswith("Creaming index: 1.00, no sign of creaming.")
    assert summarise_acceptance(tiny, "C") == (
        "C had no low- or high-complexity referrals (all quarters), so there is no creaming "
        "index: it compares referrals of both kinds.")
    only_low = MeasureAnalysis(make_returns([("D", "Q1", "low", True, 5.0, True)]))
    assert summarise_acceptance(only_low, "D").startswith("D had no high-complexity referrals")
    none_low_taken = MeasureAnalysis(make_returns([("D", "Q1", "low", False, NAN, True),
                                                   ("D", "Q1", "high", True, 5.0, True)]))
    assert summarise_acceptance(none_low_taken, "D") == (
        "D took on 0% of low-complexity referrals and 100% of high-complexity ones (all "
        "quarters), so there is no creaming index: with no low-complexity referral taken on "
        "there is nothing to compare with.")


def test_acceptance_chart_on_tiny(tiny):
    spec = acceptance_chart(tiny, "A").to_dict()
    rows = _layer_rows(spec, 0)
    assert [r["complexity"] for r in rows] == ["Low", "Medium", "High"]
    assert [r["label"] for r in rows] == ["67% (2 of 3)", "100% (1 of 1)", "50% (1 of 2)"]
    assert [r["everyone"] for r in rows] == pytest.approx([0.75, 0.5, 0.75])
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["bar", "tick", "text"]


def test_empty_returns_still_draw_a_valid_ranking():
    empty = MeasureAnalysis(make_returns([]))
    spec = measure_ranking(empty, "target_met").to_dict()
    assert spec["description"] == "There are no referrals in all quarters."
    assert summarise_ranking(empty, "improved_rate") == spec["description"]
