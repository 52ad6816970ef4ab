"""Tests for compass_widgets.charts: valid, aggregated, described charts and their text twins.

The sentences are worked out by hand from ``tiny_contacts`` (see its docstring and
tests/test_models_demand.py): April has C1 C2 C5 C6 (2 failures of 4), May C3 C4 C7
C8 (2 of 4); Repairs 3 of 4 with 60 failure minutes, Waste 1 of 4 with 5.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

from compass_widgets.charts import EMBED_OPTIONS, chart_text
from compass_widgets.charts.demand import (
    demand_breakdown,
    demand_trend,
    summarise_breakdown,
    summarise_trend,
)
from compass_widgets.datasets import load_contacts
from compass_widgets.models.demand import DemandAnalysis


@pytest.fixture(scope="module")
def shipped_analysis() -> DemandAnalysis:
    return DemandAnalysis(load_contacts())


def _rows(spec: dict) -> dict[str, int]:
    """Rows of inline data per dataset: the chart must carry aggregates, not contacts."""
    assert "values" not in spec.get("data", {})
    return {name: len(values) for name, values in spec.get("datasets", {}).items()}


def _layer_rows(spec: dict, layer: int) -> list[dict]:
    """Inline rows one layer draws: its own data, or the chart's shared data."""
    data = spec["layer"][layer].get("data", spec.get("data"))
    return spec["datasets"][data["name"]]


BUILDERS = [
    ("trend", lambda a: demand_trend(a), lambda a: summarise_trend(a),
     "Failure demand, month by month"),
    ("service", lambda a: demand_breakdown(a), lambda a: summarise_breakdown(a),
     "Failure demand by service"),
    ("channel", lambda a: demand_breakdown(a, by="channel"),
     lambda a: summarise_breakdown(a, by="channel"), "Failure demand by channel"),
]


# -- every builder -----------------------------------------------------------------------


@pytest.mark.parametrize(("name", "build", "summarise", "title"), BUILDERS,
                         ids=[b[0] for b in BUILDERS])
def test_builder_returns_a_new_valid_chart_with_title_and_description(
        shipped_analysis, name, build, summarise, title):
    chart = build(shipped_analysis)
    assert isinstance(chart, (alt.Chart, alt.LayerChart))
    assert build(shipped_analysis) is not chart
    spec = chart.to_dict()  # validates against the Vega-Lite schema
    assert spec["title"]["text"] == title
    assert spec["title"]["subtitle"].startswith("all services, all channels")
    assert spec["description"] == summarise(shipped_analysis)


@pytest.mark.parametrize(("name", "build", "expected"), [
    ("trend", demand_trend, [12]),  # 12 months; the average is a single datum
    ("service", demand_breakdown, [5]),
    ("channel", lambda a: demand_breakdown(a, by="channel"), [4]),
])
def test_chart_data_is_aggregated(shipped_analysis, name, build, expected):
    rows = _rows(build(shipped_analysis).to_dict())
    assert sorted(rows.values(), reverse=True) == expected


@pytest.mark.parametrize(("name", "build", "summarise", "title"), BUILDERS,
                         ids=[b[0] for b in BUILDERS])
def test_builders_do_not_change_the_analysis(tiny_contacts, name, build, summarise, title):
    analysis = DemandAnalysis(tiny_contacts).reclassify("New bin", "failure")
    contacts = tiny_contacts.copy(deep=True)
    view = analysis.view.copy(deep=True)
    tables = [analysis.by_month(), analysis.by_service(), analysis.by_channel()]
    build(analysis).to_dict()
    summarise(analysis)
    pd.testing.assert_frame_equal(tiny_contacts, contacts)
    pd.testing.assert_frame_equal(analysis.view, view)
    for before, after in zip(tables, [analysis.by_month(), analysis.by_service(),
                                      analysis.by_channel()], strict=True):
        pd.testing.assert_frame_equal(before, after)
    assert (analysis.service, analysis.channel, analysis.cost_per_minute) == ("All", "All", 0.5)
    assert dict(analysis.reclassified) == {"New bin": "failure"}


@pytest.mark.parametrize(("name", "build", "summarise", "title"), BUILDERS,
                         ids=[b[0] for b in BUILDERS])
def test_empty_scope_still_draws_a_valid_chart(tiny_contacts, name, build, summarise, title):
    empty = DemandAnalysis(tiny_contacts).filter(service="Repairs", channel="Web form")
    spec = build(empty).to_dict()
    assert spec["description"] == "There are no contacts for Repairs, Web form."
    assert summarise(empty) == spec["description"]


# -- the trend ------------------------------------------------------------------------------


def test_trend_summary_on_tiny_contacts(tiny_contacts):
    text = summarise_trend(DemandAnalysis(tiny_contacts))
    assert text == ("Failure demand was 50% of 8 contacts (all services, all channels). "
                    "Month by month it stayed level, from 50% in April 2025 to 50% in May 2025; "
                    "the highest month was April 2025 at 50%.")


def test_trend_summary_when_failure_demand_rises(tiny_contacts):
    # Repairs: April C1 value, C2 failure (50%); May C3 C4 failures (100%).
    text = summarise_trend(DemandAnalysis(tiny_contacts).filter(service="Repairs"))
    assert text.startswith("Failure demand was 75% of 4 contacts (Repairs, all channels).")
    assert "it rose, from 50% in April 2025 to 100% in May 2025" in text
    assert "the highest month was May 2025 at 100%" in text


def test_trend_summary_when_failure_demand_falls(tiny_contacts):
    # Waste: April C5 value, C6 failure (50%); May C7 C8 value (0%).
    text = summarise_trend(DemandAnalysis(tiny_contacts).filter(service="Waste"))
    assert "25% of 4 contacts (Waste, all channels)" in text
    assert "it fell, from 50% in April 2025 to 0% in May 2025" in text
    assert "the highest month was April 2025 at 50%" in text


def test_trend_chart_data_on_tiny_contacts(tiny_contacts):
    spec = demand_trend(DemandAnalysis(tiny_contacts).filter(service="Repairs")).to_dict()
    months = _layer_rows(spec, 0)
    assert [m["failure_share"] for m in months] == [0.5, 1.0]
    assert [m["share_label"] for m in months] == ["50%", "100%"]
    assert [m["contacts"] for m in months] == [2, 2]
    assert spec["layer"][1]["mark"]["type"] == "rule"
    assert spec["layer"][1]["encoding"]["y"]["datum"] == 0.75  # the average, 3 of 4
    assert spec["title"]["subtitle"] == "Repairs, all channels; dashed line: average over 2 months"


# -- the breakdown ------------------------------------------------------------------------


def test_breakdown_summary_by_service_on_tiny_contacts(tiny_contacts):
    text = summarise_breakdown(DemandAnalysis(tiny_contacts, cost_per_minute=1.0))
    assert text.startswith("Repairs has the highest share of failure demand "
                           "(75% of 4 contacts); Waste the lowest (25%).")
    assert "costs most in Repairs: £60" in text
    assert "at £1.00 a minute" in text


def test_breakdown_summary_by_channel_on_tiny_contacts(tiny_contacts):
    # Phone 3 of 4 (45 failure minutes), Email 1 of 2 (20), Web form 0 of 2.
    text = summarise_breakdown(DemandAnalysis(tiny_contacts, cost_per_minute=2.0), by="channel")
    assert text.startswith("Phone has the highest share of failure demand (75% of 4 contacts); "
                           "Web form the lowest (0%).")
    assert "costs most in Phone: £90" in text
    assert "at £2.00 a minute" in text


def test_breakdown_summary_with_one_group_names_no_lowest(tiny_contacts):
    text = summarise_breakdown(DemandAnalysis(tiny_contacts).filter(service="Waste"))
    assert text.startswith("Waste has the highest share of failure demand (25% of 4 contacts).")
    assert "lowest" not in text


def test_costliest_is_not_always_the_highest_share(tiny_contacts):
    # Relabel "Bulky waste" (C8, Email, 7 min) as failure: Email is 2 of 2 (100%) but
    # costs 27 minutes; Phone is 3 of 4 (75%) and costs 45 minutes.
    analysis = DemandAnalysis(tiny_contacts, cost_per_minute=1.0).reclassify("Bulky waste",
                                                                             "failure")
    text = summarise_breakdown(analysis, by="channel")
    assert text.startswith("Email has the highest share of failure demand (100% of 2 contacts)")
    assert "costs most in Phone: £45" in text


def test_breakdown_chart_data_on_tiny_contacts(tiny_contacts):
    spec = demand_breakdown(DemandAnalysis(tiny_contacts, cost_per_minute=1.0)).to_dict()
    rows = _layer_rows(spec, 0)
    assert [r["service"] for r in rows] == ["Repairs", "Waste"]
    assert [r["share_label"] for r in rows] == ["75%", "25%"]
    assert [r["cost_label"] for r in rows] == ["£60", "£5"]


def test_breakdown_by_something_else_is_refused(tiny_contacts):
    with pytest.raises(ValueError, match="by must be 'service' or 'channel'"):
        demand_breakdown(DemandAnalysis(tiny_contacts), by="reason")
    with pytest.raises(ValueError, match="by must be"):
        summarise_breakdown(DemandAnalysis(tiny_contacts), by="month")


# -- text and rendering ------------------------------------------------------------------


@pytest.mark.parametrize(("spec", "expected"), [
    ({"title": {"text": "Demand"}, "description": "It fell."}, "Demand. It fell."),
    ({"title": "Demand.", "description": " It fell. "}, "Demand. It fell."),
    ({"title": "Demand"}, "Demand"),
    ({"description": "It fell."}, "It fell."),
    ({}, ""),
])
def test_chart_text(spec, expected):
    assert chart_text(spec) == expected


def test_compass_renderer_is_active():
    assert alt.renderers.active == "compass"
    assert EMBED_OPTIONS["renderer"] == "svg"


def test_compass_renderer_mimebundle(tiny_contacts):
    chart = demand_trend(DemandAnalysis(tiny_contacts))
    bundle = chart._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "<svg" in data["image/svg+xml"]
    assert data["text/plain"] == (
        "Failure demand, month by month. " + summarise_trend(DemandAnalysis(tiny_contacts)))
    assert data["text/plain"] == chart_text(chart.to_dict())
    assert "model_id" in data["application/vnd.jupyter.widget-view+json"]
