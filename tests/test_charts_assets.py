"""Tests for compass_widgets.charts.assets: valid, described charts and their text twins.

The sentences are worked out by hand from the tiny asset and needs maps of
tests/test_models_assets.py (see its docstring): Vale has 5 assets (3 community-led),
two connectors (Lunch club with 3 links, one to Brook; Library with 1); Brook looks
worst on needs (1.08 times the average) and Vale is richest in assets.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

from compass_widgets.charts.assets import (
    CAUTION,
    asset_counts,
    asset_network,
    few_text,
    needs_and_assets,
    needs_profile,
    summarise_asset_counts,
    summarise_asset_network,
    summarise_needs_and_assets,
    summarise_needs_profile,
)
from compass_widgets.data.assets import load_assets
from compass_widgets.data.needs import load_needs
from compass_widgets.models.assets import AssetAnalysis

from .test_models_assets import assets_frame, needs_frame


@pytest.fixture
def vale() -> AssetAnalysis:
    return AssetAnalysis(assets_frame(), needs_frame(), neighbourhood="Vale")


@pytest.fixture(scope="module")
def shipped() -> AssetAnalysis:
    return AssetAnalysis(load_assets(), load_needs())


def _data(spec: dict, layer: int | None = None) -> list[dict]:
    data = spec["data"] if layer is None else spec["layer"][layer].get("data", spec["data"])
    return spec["datasets"][data["name"]]


BUILDERS = [
    ("counts", asset_counts, summarise_asset_counts, "Vale: assets by type"),
    ("network", asset_network, summarise_asset_network, "Vale: who links to whom"),
    ("needs", needs_profile, summarise_needs_profile, "Vale drawn as needs"),
    ("contrast", needs_and_assets, summarise_needs_and_assets,
     "The needs map and the asset map, side by side"),
]
IDS = [b[0] for b in BUILDERS]


# -- every builder ----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "build", "summarise", "title"), BUILDERS, ids=IDS)
def test_builder_returns_a_valid_chart_with_title_and_description(vale, name, build, summarise,
                                                                   title):
    chart = build(vale)
    assert isinstance(chart, (alt.LayerChart, alt.HConcatChart))
    spec = chart.to_dict()  # validates against the Vega-Lite schema
    assert spec["title"]["text"] == title
    assert spec["title"]["subtitle"]
    assert spec["description"] == summarise(vale)


@pytest.mark.parametrize(("name", "build", "summarise", "title"), BUILDERS, ids=IDS)
def test_builders_leave_the_analysis_unchanged(vale, name, build, summarise, title):
    assets, tables = vale.assets.copy(deep=True), [vale.by_type(), vale.contrast()]
    build(vale).to_dict()
    summarise(vale)
    pd.testing.assert_frame_equal(vale.assets, assets)
    pd.testing.assert_frame_equal(vale.by_type(), tables[0])
    pd.testing.assert_frame_equal(vale.contrast(), tables[1])


@pytest.mark.parametrize(("name", "build", "summarise", "title"), BUILDERS, ids=IDS)
def test_every_choice_on_the_shipped_maps_draws(shipped, name, build, summarise, title):
    for place in shipped.neighbourhoods:
        for chosen in (shipped.filter(neighbourhood=place),
                       shipped.filter(neighbourhood=place, types=["gifts"], connectors_only=True)):
            spec = build(chosen).to_dict()
            assert spec["description"] == summarise(chosen)


@pytest.mark.parametrize(("name", "build", "summarise", "title"), BUILDERS, ids=IDS)
def test_a_place_with_no_assets_and_no_types_still_draw(vale, name, build, summarise, title):
    for empty in (vale.filter(neighbourhood="Dale"), vale.filter(types=[])):
        assert build(empty).to_dict()["description"] == summarise(empty)


def test_few_text():
    assert [few_text(n) for n in (0, 1, 2)] == ["no assets", "one asset or none",
                                                "2 assets or fewer"]


# -- counts by type ---------------------------------------------------------------------------


def test_counts_summary_on_vale(vale):
    assert summarise_asset_counts(vale) == (
        "Vale has 5 assets of the 6 types shown; 60% are led by the community and 40% by "
        "institutions. The most are associations (2). Gaps (one asset or none): individual "
        "gifts and skills, institutions, physical places, local economy and culture and "
        "stories.")


def test_counts_summary_with_ties_and_no_gaps(vale):
    assert summarise_asset_counts(vale.filter(types=["associations"])) == (
        "Vale has 2 assets of the 1 type shown; 100% are led by the community and 0% by "
        "institutions. The most are associations (2). No type shown has one asset or none.")
    tied = AssetAnalysis(vale.assets, neighbourhood="Vale", few=0)
    assert "The most are associations (2)." in summarise_asset_counts(tied)
    both = AssetAnalysis(vale.assets, neighbourhood="Brook", few=0)
    assert summarise_asset_counts(both) == (
        "Brook has 2 assets of the 6 types shown; 50% are led by the community and 50% by "
        "institutions. The most are physical places and local economy (1 each). Gaps (no "
        "assets): individual gifts and skills, associations, institutions and culture and "
        "stories.")


def test_counts_summary_with_nothing_to_show(vale):
    assert summarise_asset_counts(vale.filter(types=[])) == (
        "No asset types are shown for Vale: tick at least one type to see its assets.")
    assert summarise_asset_counts(vale.filter(neighbourhood="Dale")).startswith(
        "Dale has no assets of the 6 types shown. Gaps (one asset or none): individual gifts")


def test_counts_chart_writes_counts_and_gaps_on_the_bars(vale):
    rows = _data(asset_counts(vale).to_dict())
    assert [r["text"] for r in rows] == [
        "1 (1 community-led), a gap", "2 (2 community-led)", "1 (0 community-led), a gap",
        "1 (0 community-led), a gap", "0, a gap", "0, a gap"]
    assert [r["status"] for r in rows][:2] == ["A gap", "Not a gap"]


def test_counts_chart_keeps_one_scale_for_every_neighbourhood(vale):
    domains = {asset_counts(vale.filter(neighbourhood=p)).to_dict()["layer"][0]["encoding"]["x"]
               ["scale"]["domain"][1] for p in vale.neighbourhoods}
    assert domains == {4.0}  # twice the largest count anywhere (2)


# -- the network ------------------------------------------------------------------------------


def test_network_summary_on_vale(vale):
    assert summarise_asset_network(vale) == (
        "Vale: 5 assets (of the types shown), with 4 links between them. 2 connectors: Lunch "
        "club (3 links, 1 of them outside Vale) and Library (1 link).")


def test_network_summary_for_connectors_only_and_none(vale):
    assert summarise_asset_network(vale.filter(connectors_only=True)).startswith(
        "Vale: 4 assets (connectors and the assets they link to), with 3 links between them.")
    assert summarise_asset_network(vale.filter(neighbourhood="Brook")) == (
        "Brook: 2 assets (of the types shown), with 1 link between them. No connectors among "
        "the types shown: no one here is yet named as linking others.")


def test_network_marks_connectors_by_shape_and_leaders_by_fill(vale):
    spec = asset_network(vale).to_dict()
    points = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "point")
    encoding = points["encoding"]
    assert encoding["shape"]["field"] == "role"
    assert encoding["shape"]["scale"]["range"] == ["diamond", "circle"]
    assert encoding["fill"]["scale"]["range"][1] == "white"  # institution-led: hollow
    nodes = _data(spec)
    assert {n["name"]: n["role"] for n in nodes}["Lunch club"] == "Connector"
    assert {n["name"]: n["name_size"] for n in nodes} == {
        "Joiner": 9, "Lunch club": 11, "Walking group": 9, "GP practice": 9, "Library": 11}


def test_network_draws_links_between_the_nodes(vale):
    spec = asset_network(vale).to_dict()
    lines = _data(spec, 0)
    assert len(lines) == 4
    assert {(line["source"], line["target"]) for line in lines} == {
        ("V1", "V2"), ("V1", "V3"), ("V2", "V4"), ("V4", "V5")}
    # Walking group is second in its row, so it sits lower, and so does its end of a line.
    nodes = {n["asset_id"]: n for n in _data(spec)}
    v1_v3 = next(line for line in lines if line["target"] == "V3")
    assert v1_v3["y2"] == nodes["V3"]["y"] == pytest.approx(1.3)


# -- the needs map ----------------------------------------------------------------------------


def test_needs_summary_on_vale_and_brook(vale):
    assert summarise_needs_profile(vale) == (
        "Drawn as needs, Vale has the highest figure of the 3 neighbourhoods on 1 of 2 "
        "indicators: alone. Its highest figure is alone, 40.0% (the average is 30.0%).")
    assert summarise_needs_profile(vale.filter(neighbourhood="Dale")) == (
        "Drawn as needs, Dale does not have the highest figure of the 3 neighbourhoods on any "
        "of its 2 indicators. Its highest figure is alone, 30.0% (the average is 30.0%).")


def test_needs_summary_without_figures(vale):
    no_needs = AssetAnalysis(vale.assets, neighbourhood="Vale")
    assert summarise_needs_profile(no_needs) == "There are no need figures for Vale."
    assert needs_profile(no_needs).to_dict()["description"] == "There are no need figures for Vale."


def test_needs_chart_writes_figures_and_keeps_labels_clear_of_the_average(vale):
    rows = _data(needs_profile(vale).to_dict())
    assert [r["text"] for r in rows] == ["40.0%, highest of 3", "10.0%"]
    assert [r["label_at"] for r in rows] == [40.0, 20.0]  # past the tick at 20 for Fuel


# -- needs map and asset map side by side -------------------------------------------------------


def test_contrast_summary_on_tiny_maps(vale):
    assert summarise_needs_and_assets(vale) == (
        "On the needs map Brook looks worst: its need figures are, on average, 1.08 times the "
        "average of the 3 neighbourhoods. On the asset map Vale is the richest, with 5 assets "
        f"and 2 connectors; Brook comes 2nd of 3, with 2 assets. {CAUTION}")


def test_contrast_summary_on_the_shipped_maps(shipped):
    text = summarise_needs_and_assets(shipped)
    assert text.startswith("On the needs map Station Fields looks worst")
    assert "it is also the richest, with 24 assets and 5 connectors: start from what is strong, " \
        "not what is wrong." in text
    assert text.endswith(CAUTION)


def test_contrast_summary_without_a_needs_map(vale):
    assert summarise_needs_and_assets(AssetAnalysis(vale.assets)) == (
        "There is no needs map to compare with. On the asset map Vale is the richest, with 5 "
        "assets and 2 connectors.")


def test_contrast_chart_marks_the_chosen_place_and_writes_figures(vale):
    spec = needs_and_assets(vale.filter(neighbourhood="Dale")).to_dict()
    rows = _data(spec)
    assert [r["place"] for r in rows] == ["Brook", "Dale (chosen)", "Vale"]
    assert [r["need_text"] for r in rows] == ["1.08 × average", "1.00 × average",
                                              "0.92 × average"]
    assert [r["asset_text"] for r in rows] == ["2 (0 connectors)", "0 (0 connectors)",
                                               "5 (2 connectors)"]
    assert [chart["title"] for chart in spec["hconcat"]] == ["Needs map", "Asset map"]


def test_the_caution_is_in_plain_words():
    assert CAUTION == ("A rich asset map is no reason to withdraw services: beware romanticising "
                       "community assets or using them to justify cuts.")
