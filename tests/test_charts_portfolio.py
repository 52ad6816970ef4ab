"""Tests for compass_widgets.charts.portfolio: valid, aggregated, described charts and their text.

Sentences are worked out by hand from the four contracts of ``tiny_portfolio`` (see
tests/test_models_portfolio.py): spend £1,500; block £400, activity £900, outcome £200;
blind spots A (£900, 5 points worse) and D (£300, 8 worse); hidden strengths B and C.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

from compass_widgets.charts import chart_text
from compass_widgets.charts.portfolio import (
    GROUPS,
    compliance_chart,
    kpi_outcome_map,
    money,
    per_unit,
    scope_text,
    spend_split,
    summarise_compliance,
    summarise_kpi_outcome,
    summarise_spend_split,
)
from compass_widgets.data.contracts import load_contracts
from compass_widgets.models.portfolio import PortfolioAnalysis

from .test_models_portfolio import make_portfolio


@pytest.fixture
def tiny() -> PortfolioAnalysis:
    return PortfolioAnalysis(make_portfolio())


@pytest.fixture(scope="module")
def shipped() -> PortfolioAnalysis:
    return PortfolioAnalysis(load_contracts())


def _layer_rows(spec: dict, layer: int) -> list[dict]:
    """Rows one layer draws: its own data, or the chart's shared data."""
    data = spec["layer"][layer].get("data", spec.get("data"))
    return spec["datasets"][data["name"]]


BUILDERS = [
    ("payment", lambda a: spend_split(a), lambda a: summarise_spend_split(a),
     "Spend by how it is paid"),
    ("kpi kind", lambda a: spend_split(a, "kpi_kind"),
     lambda a: summarise_spend_split(a, "kpi_kind"), "Spend by what its KPIs measure"),
    ("map", kpi_outcome_map, summarise_kpi_outcome, "What the KPIs cannot see"),
    ("by lot", lambda a: compliance_chart(a), lambda a: summarise_compliance(a),
     "KPIs met, by lot"),
    ("by provider", lambda a: compliance_chart(a, "provider"),
     lambda a: summarise_compliance(a, "provider"), "KPIs met, by provider"),
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
    assert spec["title"]["subtitle"].startswith("all lots, all providers, all neighbourhoods")
    assert spec["description"] == summarise(shipped)
    assert chart_text(spec).startswith(title)


@pytest.mark.parametrize(("name", "build", "expected"), [
    ("payment", spend_split, 3),
    ("map", kpi_outcome_map, 40),
    ("by lot", compliance_chart, 7),
    ("by provider", lambda a: compliance_chart(a, "provider"), 22),
])
def test_chart_data_is_aggregated(shipped, name, build, expected):
    spec = build(shipped).to_dict()
    sizes = sorted((len(rows) for rows in spec["datasets"].values()), reverse=True)
    assert sizes[0] == expected  # one row per category, lot, provider or contract: never KPIs


@pytest.mark.parametrize(("name", "build", "summarise", "title"), BUILDERS, ids=IDS)
def test_builders_do_not_change_the_analysis(name, build, summarise, title):
    portfolio = make_portfolio()
    copy = portfolio.copy(deep=True)
    analysis = PortfolioAnalysis(portfolio).with_tolerance(1)
    before = [analysis.contracts(), analysis.by_lot(), analysis.spend_by("kpi_kind")]
    build(analysis).to_dict()
    summarise(analysis)
    pd.testing.assert_frame_equal(portfolio, copy)
    for table, after in zip(before, [analysis.contracts(), analysis.by_lot(),
                                     analysis.spend_by("kpi_kind")], strict=True):
        pd.testing.assert_frame_equal(table, after)
    assert analysis.tolerance == 1.0


@pytest.mark.parametrize(("name", "build", "summarise", "title"), BUILDERS, ids=IDS)
def test_empty_scope_still_draws_a_valid_chart(tiny, name, build, summarise, title):
    empty = tiny.filter(lot="Care", provider="R")
    spec = build(empty).to_dict()
    assert spec["description"] == "There are no contracts for Care, R, all neighbourhoods."
    assert summarise(empty) == spec["description"]


def test_builders_still_validate_their_parts_when_asked(tiny):
    # The builders skip altair's checks of each part as it is made (for speed); a
    # chart built outside them still gets those checks, so nothing is switched off.
    with pytest.raises(alt.utils.schemapi.SchemaValidationError):
        alt.TitleParams(text=3)  # type: ignore[arg-type]
    assert spend_split(tiny).to_dict()


# -- spend -------------------------------------------------------------------------------------


def test_spend_by_payment_basis_on_tiny(tiny):
    assert summarise_spend_split(tiny) == (
        "Of £1,500 a year on 4 contracts (all lots, all providers, all neighbourhoods), 27% is "
        "paid as a fixed sum (block), 60% per unit delivered (activity) and 13% for results "
        "(outcome).")
    spec = spend_split(tiny).to_dict()
    rows = _layer_rows(spec, 0)
    assert [r["label"] for r in rows] == ["A fixed sum (block)",
                                          "Per unit delivered (activity)",
                                          "For results (outcome)"]
    assert [r["share_label"] for r in rows] == ["27% · £400", "60% · £900", "13% · £200"]
    assert spec["title"]["subtitle"] == "all lots, all providers, all neighbourhoods; £1,500 a year"


def test_spend_by_kpi_kind_on_tiny(tiny):
    text = summarise_spend_split(tiny, "kpi_kind")
    # activity 616.67 (41%), process 816.67 (54%), outcome 66.67 (4%) of £1,500.
    assert text.startswith("Splitting each contract's spend equally among its KPIs, of £1,500 "
                           "a year on 4 contracts")
    assert ("41% is monitored by KPIs that count activity, 54% by KPIs of speed and process "
            "and 4% by KPIs of outcomes for people.") in text
    assert text.endswith("Most of the money is watched through speed and process.")


def test_bars_carry_text_labels_so_colour_is_not_the_only_carrier(shipped):
    for chart in (spend_split(shipped), compliance_chart(shipped)):
        marks = [layer["mark"]["type"] for layer in chart.to_dict()["layer"]]
        assert marks == ["bar", "text"]


# -- the KPI and outcome map -------------------------------------------------------------------


def test_map_sentence_on_tiny(tiny):
    assert summarise_kpi_outcome(tiny) == (
        "2 of 4 contracts meet every KPI while people's outcomes are worse than the benchmark: "
        "£1,200 a year, 80% of the spend (all lots, all providers, all neighbourhoods). The "
        "largest is A (P, Care, Millbrook): every KPI met, but 'Back in hospital' is 20.0% "
        "against a benchmark of 15.0%. 2 contracts miss at least one KPI yet do better than "
        "the benchmark.")


def test_map_sentence_with_a_tolerance(tiny):
    text = summarise_kpi_outcome(tiny.with_tolerance(6))
    assert text.startswith("1 of 4 contracts meets every KPI while people's outcomes are worse "
                           "than the benchmark by more than 6 points: £300 a year, 20% of the "
                           "spend")
    assert "0 contracts miss at least one KPI yet do better than the benchmark by more than 6 "\
           "points." in text


def test_map_sentence_with_no_blind_spot(tiny):
    text = summarise_kpi_outcome(tiny.filter(lot="Care", provider="Q"))
    assert text == ("No contract (Care, Q, all neighbourhoods) meets every KPI while people's "
                    "outcomes are worse than the benchmark. 1 contract misses at least one KPI "
                    "yet does better than the benchmark.")


def test_map_points_groups_and_labels(tiny):
    spec = kpi_outcome_map(tiny).to_dict()
    layers = spec["layer"]
    points = {p["contract_id"]: p for p in _layer_rows(spec, 2)}
    assert points["A"]["group"] == GROUPS["blind_spot"][0]
    assert points["B"]["group"] == GROUPS["hidden_strength"][0]
    assert points["D"]["kpis_label"] == "1 of 1"
    assert points["A"]["outcome_label"] == "Back in hospital: 20.0% (benchmark 15.0%)"
    # Groups differ in shape as well as colour, with a legend naming them.
    shape = layers[2]["encoding"]["shape"]
    assert shape["scale"]["range"] == [shape for _, shape, _ in GROUPS.values()]
    assert len(set(shape["scale"]["range"])) == 4
    # Every blind spot is named in text on the chart: A at -5 and D at -8 are far apart.
    labels = _layer_rows(spec, 3)
    assert [(r["text"], r["y"]) for r in labels] == [("A", -5.0), ("D", -8.0)]
    # The benchmark line is labelled in text.
    assert _layer_rows(spec, 1) == [{"y": 0.0, "text": "Benchmark"}]


def test_map_draws_the_tolerance_line_when_there_is_one(tiny):
    spec = kpi_outcome_map(tiny.with_tolerance(4)).to_dict()
    assert _layer_rows(spec, 1) == [{"y": 0.0, "text": "Benchmark"},
                                    {"y": -4.0, "text": "Poor below this line"}]


def test_close_blind_spots_share_a_label(shipped):
    labels = _layer_rows(kpi_outcome_map(shipped).to_dict(), 3)
    named = [c for label in labels for c in label["text"].split(", ")]
    assert sorted(named) == sorted(shipped.blind_spots().index)
    assert len(labels) < len(named)  # some were close enough to share
    ys = sorted(label["y"] for label in labels)
    assert all(b - a > 0.5 for a, b in zip(ys, ys[1:], strict=False))


# -- compliance --------------------------------------------------------------------------------


def test_compliance_on_tiny(tiny):
    assert summarise_compliance(tiny) == (
        "71% of 7 KPIs are met across 4 contracts (all lots, all providers, all "
        "neighbourhoods). By lot, the highest is Advice (75%) and the lowest Care (67%). "
        "Contracts with every KPI met but poor outcomes are found in 2 of the 2 lots.")
    rows = _layer_rows(compliance_chart(tiny).to_dict(), 0)
    assert {r["lot"]: r["label"] for r in rows} == {"Care": "67% of 3 · 1 blind spot",
                                                    "Advice": "75% of 4 · 1 blind spot"}
    assert {r["lot"]: r["unit_cost_label"] for r in rows} == {
        "Care": "£29.41 per hour", "Advice": "£10.00 per enquiry"}


def test_compliance_by_provider_with_one_group(tiny):
    text = summarise_compliance(tiny.filter(provider="Q"), "provider")
    assert "By provider, the highest is Q (0%)." in text
    assert "lowest" not in text
    assert text.endswith("found in 0 of the 1 provider.")


def test_compliance_by_something_else_is_refused(tiny):
    with pytest.raises(ValueError, match="by must be 'lot' or 'provider'"):
        compliance_chart(tiny, by="neighbourhood")
    with pytest.raises(ValueError, match="by must be"):
        summarise_compliance(tiny, by="unit")


# -- helpers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("pounds", "text"), [
    (29_763_000, "£29.8m"), (1_000_000, "£1.0m"), (999_999, "£999,999"), (0, "£0"),
])
def test_money(pounds, text):
    assert money(pounds) == text


def test_per_unit_and_scope():
    assert per_unit("treatment sessions") == "treatment session"
    assert scope_text(PortfolioAnalysis(make_portfolio(), neighbourhood="Millbrook")) == (
        "all lots, all providers, Millbrook")
