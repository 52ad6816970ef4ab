"""Tests for compass_widgets.charts.stewardship: valid, described charts and their sentences."""

from __future__ import annotations

import altair as alt
import pytest

from compass_widgets.charts import chart_text
from compass_widgets.charts.stewardship import (
    SHARE_STOCKS,
    spend_trend,
    stock_trends,
    summarise_routing,
    summarise_spend,
    summarise_stock,
    summarise_stocks,
)
from compass_widgets.models.stewardship import StewardshipModel

TODAY = StewardshipModel()
MATCHED = StewardshipModel(standardisation=0.6)
OVER = StewardshipModel(standardisation=0.9)
INVEST = StewardshipModel(community_share=0.1)
TWO = {"A": TODAY, "B": MATCHED}
THREE = {"A": TODAY, "B": MATCHED, "C": OVER}


def _rows(spec: dict) -> list[dict]:
    return spec["datasets"][spec["data"]["name"]]


# -- every builder -----------------------------------------------------------------------

BUILDERS = [
    ("stocks", stock_trends, summarise_stocks, "Trust, capability, failure demand and burnout",
     alt.FacetChart),
    ("spend", spend_trend, summarise_spend, "Spend, month by month", alt.LayerChart),
]


@pytest.mark.parametrize(("name", "build", "summarise", "title", "kind"), BUILDERS,
                         ids=[b[0] for b in BUILDERS])
@pytest.mark.parametrize("scenarios", [TWO, THREE, {"A": TODAY, "B": INVEST}],
                         ids=["two", "three", "invest"])
def test_builder_returns_a_new_valid_chart_with_title_and_description(
        name, build, summarise, title, kind, scenarios):
    chart = build(scenarios)
    assert isinstance(chart, kind)
    assert build(scenarios) is not chart
    spec = chart.to_dict()  # validates against the Vega-Lite schema
    assert spec["title"]["text"] == title
    assert spec["description"] == summarise(scenarios)
    assert spec["description"].endswith("This is an illustrative teaching model, not a forecast.")
    assert "Illustrative model, not a forecast." in spec["title"]["subtitle"][0]
    assert chart_text(spec).startswith(title)


@pytest.mark.parametrize("build", [stock_trends, spend_trend, summarise_stocks, summarise_spend])
@pytest.mark.parametrize("scenarios", [{"A": TODAY},
                                       {"A": TODAY, "B": StewardshipModel(years=2)}])
def test_scenarios_that_cannot_be_compared_are_refused(build, scenarios):
    with pytest.raises(ValueError, match="compare two or three scenarios|different numbers"):
        build(scenarios)


def test_scenarios_are_told_apart_by_dash_and_shape_not_only_colour():
    spec = stock_trends(THREE).to_dict()
    layers = spec["spec"]["layer"]
    dashes = layers[0]["encoding"]["strokeDash"]["scale"]["range"]
    shapes = layers[1]["encoding"]["shape"]["scale"]["range"]
    assert len({str(d) for d in dashes}) == 3
    assert shapes == ["circle", "triangle-up", "square"]
    assert layers[2]["mark"]["type"] == "text"
    assert spec["title"]["subtitle"][1] == ("A: solid line, circles; B: dashed line, triangles; "
                                            "C: dotted line, squares")


# -- stocks ----------------------------------------------------------------------------------


def test_stock_chart_data_every_two_months_with_end_labels():
    rows = _rows(stock_trends(TWO).to_dict())
    assert len(rows) == 4 * 2 * 31  # four stocks, two scenarios, months 0, 2, ..., 60
    trust_b = [r for r in rows if r["scenario"] == "B" and r["stock"] == "trust"]
    assert [r["month"] for r in trust_b] == list(range(0, 61, 2))
    assert trust_b[-1]["value"] == pytest.approx(MATCHED.final()["trust"])
    end = f"{MATCHED.final()['trust']:.0%}"
    assert trust_b[-1]["label"] == f"B {end}"
    assert all("label" not in r for r in trust_b[:-1])  # only line ends are labelled


def test_end_labels_sit_above_the_higher_line_and_below_the_lower():
    rows = _rows(stock_trends(TWO).to_dict())
    ends = {r["scenario"]: r for r in rows if "label" in r and r["stock"] == "failure_demand"}
    # B ends lower, so its label goes below its line, A's above.
    assert ends["B"]["label_y"] == pytest.approx(ends["B"]["value"] - 0.07)
    assert ends["A"]["label_y"] == pytest.approx(ends["A"]["value"] + 0.07)


def test_panels_are_in_stock_order_with_the_end_values_in_their_headings():
    spec = stock_trends(TWO).to_dict()
    assert spec["facet"]["sort"] == ["trust", "capability", "failure_demand", "burnout"]
    assert spec["columns"] == 2
    headings = spec["facet"]["header"]["labelExpr"]
    end = f"{MATCHED.final()['trust']:.0%}"
    assert f"datum.value == 'trust' ? \"Trust (A 40%, B {end})\"" in headings
    assert headings.count("?") == 4


def test_scenario_names_with_quotes_are_safe_in_headings():
    spec = stock_trends({"Today's": TODAY, 'The "new" way': MATCHED}).to_dict()
    assert "Today's 40%" in spec["facet"]["header"]["labelExpr"]
    assert 'The \\"new\\" way' in spec["facet"]["header"]["labelExpr"]


def test_stock_sentences_for_two_scenarios():
    trust = f"{MATCHED.final()['trust']:.0%}"
    gap = round((MATCHED.final()["trust"] - 0.4) * 100)
    assert summarise_stock(TWO, "trust") == (
        f"Trust after 5 years: 40% in A and {trust} in B (40% today). B ends {gap} percentage "
        "points higher, which is better.")
    failure = MATCHED.final()["failure_demand"]
    assert summarise_stock(TWO, "failure_demand") == (
        f"Failure demand after 5 years: 50% of contacts in A and {failure:.0%} in B (50% "
        f"today). B ends {round((0.5 - failure) * 100)} percentage points lower, which is "
        "better.")
    assert summarise_stock(TWO, "burnout").startswith("Staff burnout after 5 years: 30% of "
                                                      "staff in A and ")


def test_stock_sentences_when_scenarios_end_level():
    assert summarise_stock({"A": TODAY, "B": StewardshipModel()}, "trust") == (
        "Trust after 5 years: 40% in A and 40% in B (40% today). They end level.")
    text = summarise_stock({"A": TODAY, "B": StewardshipModel(), "C": OVER}, "burnout")
    assert text.endswith("The best two end level.")


def test_stock_sentences_for_three_scenarios_name_the_best():
    text = summarise_stock(THREE, "burnout")
    assert text.startswith("Staff burnout after 5 years: 30% of staff in A, ")
    assert " in B and " in text and " in C (30% today)." in text
    assert "B ends best" in text and "lower than A." in text


def test_stock_sentence_for_an_unknown_stock_is_refused():
    with pytest.raises(ValueError, match="stock must be one of trust, capability"):
        summarise_stock(TWO, "spend")


def test_stocks_summary_is_the_four_sentences_and_the_caveat():
    assert summarise_stocks(TWO) == " ".join(
        [*(summarise_stock(TWO, s) for s in SHARE_STOCKS),
         "This is an illustrative teaching model, not a forecast."])


# -- spend -----------------------------------------------------------------------------------


def test_spend_chart_labels_each_line_with_its_total():
    rows = _rows(spend_trend(TWO).to_dict())
    assert len(rows) == 2 * 31
    labels = [r["label"] for r in rows if "label" in r]
    assert labels == ["A: £1.26m in all", "B: £992,000 in all"]
    assert rows[0] == {"month": 0, "spend": pytest.approx(TODAY.series("spend")[0]),
                       "scenario": "A"}


def test_spend_sentence_when_b_is_cheaper_from_the_start():
    assert summarise_spend(TWO) == (
        "Over 5 years A spends £1.26m and B £992,000, £267,000 less; that includes £25,200 and "
        "£25,200 of community investment. In the last month A spends £21,000 and B £16,300. "
        "This is an illustrative teaching model, not a forecast.")


def test_spend_sentence_when_investment_pays_back_later():
    text = summarise_spend({"A": TODAY, "B": INVEST})
    assert "B £1.27m, £7,510 more" in text
    assert "B costs more at first, but its monthly spend falls below A's in month 29." in text


def test_spend_sentence_when_b_always_costs_more():
    text = summarise_spend({"A": TODAY, "B": OVER})
    assert "B £1.98m, £723,000 more" in text
    assert "B costs more than A every month." in text


def test_spend_sentence_when_both_are_the_same_and_for_three():
    assert "B £1.26m, the same;" in summarise_spend({"A": TODAY, "B": StewardshipModel()})
    text = summarise_spend(THREE)
    assert text.startswith("Over 5 years A spends £1.26m, B £992,000 and C £1.98m; ")
    assert "C costs more than A every month." in text


# -- routing -------------------------------------------------------------------------------


def test_routing_sentences_say_where_standardising_helps_and_harms():
    assert summarise_routing(MATCHED) == (
        "Standard routes take about the 60% of requests that are simple: standardise when you "
        "can, personalise when you must.")
    assert summarise_routing(StewardshipModel(standardisation=0.9, discretion=0.0)) == (
        "Standard routes take 90% of requests, but only 60% are simple: 75% of complex cases "
        "go down routes built for simple ones. Expect more failure demand, escalations and "
        "burnout.")
    assert "even after staff use their discretion, 20% of complex cases" in summarise_routing(
        TODAY)
    assert summarise_routing(StewardshipModel(standardisation=0.3)) == (
        "Standard routes take only 30% of requests, though 60% are simple: 50% of simple "
        "requests get personal handling they do not need, which costs staff time and money.")


def test_builders_leave_the_models_as_they_were():
    wide = MATCHED.wide()
    stock_trends(TWO).to_dict()
    spend_trend(TWO).to_dict()
    assert MATCHED.wide().equals(wide)
    assert MATCHED.levers == {"community_share": 0.02, "standardisation": 0.6,
                              "discretion": 0.3}
