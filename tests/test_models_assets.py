"""Tests for compass_widgets.models.assets on hand-worked data.

Every expected number below is worked out by hand from ``tiny_assets`` and
``tiny_needs``:

    id  place  type          name           led by       connector  links_to
    V1  Vale   gifts         Joiner         community    no         none
    V2  Vale   associations  Lunch club     community    yes        V1;V4;B1
    V3  Vale   associations  Walking group  community    no         V1
    V4  Vale   institutions  GP practice    institution  no         V2   (V2-V4 again)
    V5  Vale   places        Library        institution  yes        V4
    B1  Brook  places        Park           institution  no         none
    B2  Brook  economy       Bakery         community    no         B1

Links, each once: V1-V2, V2-V4, V2-B1, V1-V3, V4-V5, B1-B2. So V1 has 2 links, V2 3
(one, to B1, outside Vale), V3 1, V4 2, V5 1, B1 2 (one outside Brook), B2 1.

Needs (percent): Vale 40 older people alone, 10 fuel poverty; Brook 20 and 30; Dale
(no assets) 30 and 20. Averages 30 and 20. Need index (mean of figure / average):
Vale (40/30 + 10/20) / 2 = 0.9167; Brook (20/30 + 30/20) / 2 = 1.0833; Dale 1.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compass_widgets.data.assets import ASSET_TYPES
from compass_widgets.models.assets import AssetAnalysis

ASSETS = [
    ("V1", "Vale", "gifts", "Joiner", "community", False, "none"),
    ("V2", "Vale", "associations", "Lunch club", "community", True, "V1;V4;B1"),
    ("V3", "Vale", "associations", "Walking group", "community", False, "V1"),
    ("V4", "Vale", "institutions", "GP practice", "institution", False, "V2"),
    ("V5", "Vale", "places", "Library", "institution", True, "V4"),
    ("B1", "Brook", "places", "Park", "institution", False, "none"),
    ("B2", "Brook", "economy", "Bakery", "community", False, "B1"),
]
COLUMNS = ["asset_id", "neighbourhood", "asset_type", "name", "led_by", "connector", "links_to"]


def assets_frame() -> pd.DataFrame:
    """Seven assets: five in Vale (two connectors), two in Brook, none in Dale."""
    return pd.DataFrame(ASSETS, columns=COLUMNS)


def needs_frame() -> pd.DataFrame:
    """Two indicators for each of Vale, Brook and Dale."""
    return pd.DataFrame({
        "neighbourhood": ["Vale", "Vale", "Brook", "Brook", "Dale", "Dale"],
        "indicator": ["Alone", "Fuel"] * 3,
        "percent": [40.0, 10.0, 20.0, 30.0, 30.0, 20.0],
    })


@pytest.fixture
def tiny_assets() -> pd.DataFrame:
    return assets_frame()


@pytest.fixture
def tiny_needs() -> pd.DataFrame:
    return needs_frame()


@pytest.fixture
def vale(tiny_assets, tiny_needs) -> AssetAnalysis:
    return AssetAnalysis(tiny_assets, tiny_needs, neighbourhood="Vale")


# -- choices ----------------------------------------------------------------------------------


def test_neighbourhoods_come_from_both_maps_and_the_first_is_the_default(tiny_assets, tiny_needs):
    analysis = AssetAnalysis(tiny_assets, tiny_needs)
    assert analysis.neighbourhoods == ["Brook", "Dale", "Vale"]
    assert analysis.neighbourhood == "Brook"
    assert AssetAnalysis(tiny_assets).neighbourhoods == ["Brook", "Vale"]


def test_types_are_put_in_the_standard_order_without_repeats(tiny_assets):
    analysis = AssetAnalysis(tiny_assets, types=["places", "gifts", "places"])
    assert analysis.types == ("gifts", "places")
    assert AssetAnalysis(tiny_assets).types == ASSET_TYPES


# -- links ------------------------------------------------------------------------------------


def test_links_are_counted_once_whichever_way_they_are_written(vale):
    pairs = list(zip(vale.links["source"], vale.links["target"], strict=True))
    assert pairs == [("B1", "B2"), ("B1", "V2"), ("V1", "V2"), ("V1", "V3"), ("V2", "V4"),
                     ("V4", "V5")]


def test_view_adds_links_and_links_outside(vale):
    view = vale.view.set_index("asset_id")
    assert view["links"].to_dict() == {"V1": 2, "V2": 3, "V3": 1, "V4": 2, "V5": 1}
    assert view["links_outside"].to_dict() == {"V1": 0, "V2": 1, "V3": 0, "V4": 0, "V5": 0}
    assert view["type_label"]["V5"] == "Physical places"


def test_a_link_to_an_unknown_asset_is_refused(tiny_assets):
    broken = tiny_assets.assign(links_to=["Z9", *tiny_assets["links_to"][1:]])
    with pytest.raises(ValueError, match="asset V1 links to 'Z9', which is not in the asset map; "
                                         "correct links_to or add the asset"):
        AssetAnalysis(broken)


def test_a_link_to_itself_is_ignored(tiny_assets):
    selfish = tiny_assets.assign(links_to=["V1", *tiny_assets["links_to"][1:]])
    assert len(AssetAnalysis(selfish).links) == 6


# -- the asset map ----------------------------------------------------------------------------


def test_counts_cover_every_neighbourhood_and_type(vale):
    table = vale.counts()
    assert table.index.tolist() == ["Brook", "Dale", "Vale"]
    assert table.columns.tolist() == list(ASSET_TYPES)
    assert table.loc["Vale"].tolist() == [1, 2, 1, 1, 0, 0]
    assert table.loc["Brook"].tolist() == [0, 0, 0, 1, 1, 0]
    assert table.loc["Dale"].tolist() == [0] * 6


def test_by_type_in_vale(vale):
    table = vale.by_type()
    assert table.index.tolist() == list(ASSET_TYPES)
    assert table["assets"].tolist() == [1, 2, 1, 1, 0, 0]
    assert table["community_led"].tolist() == [1, 2, 0, 0, 0, 0]
    assert table["institution_led"].tolist() == [0, 0, 1, 1, 0, 0]
    assert table["connectors"].tolist() == [0, 1, 0, 1, 0, 0]
    assert table["gap"].tolist() == [True, False, True, True, True, True]
    assert table["label"].tolist()[0] == "Individual gifts and skills"


def test_gaps_depend_on_what_counts_as_few(vale):
    assert vale.gaps() == ["gifts", "institutions", "places", "economy", "culture"]
    assert dataclasses.replace(vale, few=0).gaps() == ["economy", "culture"]
    assert dataclasses.replace(vale, few=2).gaps() == list(ASSET_TYPES)


def test_types_shown_limit_every_table(vale):
    chosen = vale.filter(types=["associations", "places"])
    assert chosen.by_type().index.tolist() == ["associations", "places"]
    assert chosen.gaps() == ["places"]
    assert chosen.leadership()["assets"].tolist() == [2, 1]
    assert chosen.connectors().index.tolist() == ["V2", "V5"]
    nodes, edges = chosen.network()
    assert nodes["asset_id"].tolist() == ["V2", "V3", "V5"]
    assert nodes["y"].tolist() == [0, 0, 1]  # rows of the types shown only
    assert edges.empty  # no links among these three


def test_leadership(vale):
    table = vale.leadership()
    assert table.index.tolist() == ["community", "institution"]
    assert table["assets"].tolist() == [3, 2]
    assert table["share"].tolist() == [0.6, 0.4]


def test_connectors_most_links_first_with_the_names_they_link(vale):
    table = vale.connectors()
    assert table.index.tolist() == ["V2", "V5"]
    assert table["links"].tolist() == [3, 1]
    assert table["links_outside"].tolist() == [1, 0]
    assert table["linked"].tolist() == ["GP practice; Joiner; Park", "GP practice"]
    assert table["type_label"].tolist() == ["Associations", "Physical places"]


def test_network_lays_out_rows_by_type_and_connectors_first(vale):
    nodes, edges = vale.network()
    assert nodes["asset_id"].tolist() == ["V1", "V2", "V3", "V4", "V5"]
    assert nodes["y"].tolist() == [0, 1, 1, 2, 3]
    assert nodes["slot"].tolist() == [0, 0, 1, 0, 0]
    assert nodes["x"].tolist() == [0.5, 0.25, 0.75, 0.5, 0.5]
    # Only links with both ends in Vale: V2-B1 leaves the neighbourhood.
    assert list(zip(edges["source"], edges["target"], strict=True)) == [
        ("V1", "V2"), ("V1", "V3"), ("V2", "V4"), ("V4", "V5")]
    first = edges.iloc[0]
    assert (first["x"], first["y"], first["x2"], first["y2"]) == (0.5, 0, 0.25, 1)


def test_network_of_connectors_only(vale):
    nodes, edges = vale.filter(connectors_only=True).network()
    # V1-V3 has no connector at either end, so it goes, and so does V3.
    assert list(zip(edges["source"], edges["target"], strict=True)) == [
        ("V1", "V2"), ("V2", "V4"), ("V4", "V5")]
    assert nodes["asset_id"].tolist() == ["V1", "V2", "V4", "V5"]


def test_a_neighbourhood_with_no_assets(vale):
    dale = vale.filter(neighbourhood="Dale")
    assert dale.by_type()["assets"].sum() == 0
    assert dale.gaps() == list(ASSET_TYPES)
    assert dale.leadership()["share"].tolist() == [0.0, 0.0]
    assert dale.connectors().empty
    nodes, edges = dale.network()
    assert nodes.empty and edges.empty


def test_no_types_shown(vale):
    none = vale.filter(types=[])
    assert none.types == ()
    assert none.by_type().empty
    assert none.gaps() == []
    assert none.network()[0].empty


# -- the needs map ----------------------------------------------------------------------------


def test_needs_table(vale):
    table = vale.needs_table()
    assert table.index.tolist() == ["Brook", "Dale", "Vale"]
    assert table.columns.tolist() == ["Alone", "Fuel"]
    assert table.loc["Vale"].tolist() == [40.0, 10.0]


def test_needs_profile_of_vale(vale):
    profile = vale.needs_profile()
    assert profile.index.tolist() == ["Alone", "Fuel"]
    assert profile["percent"].tolist() == [40.0, 10.0]
    assert profile["average"].tolist() == [30.0, 20.0]
    assert profile["rank"].tolist() == [1, 3]
    assert profile["of"].tolist() == [3, 3]


def test_ties_share_the_better_rank(tiny_assets, tiny_needs):
    tied = tiny_needs.assign(percent=[40.0, 10.0, 40.0, 30.0, 30.0, 20.0])
    profile = AssetAnalysis(tiny_assets, tied, neighbourhood="Brook").needs_profile()
    assert profile.loc["Alone", "rank"] == 1


def test_contrast(vale):
    table = vale.contrast()
    assert table.index.tolist() == ["Brook", "Dale", "Vale"]  # in order of need
    assert table["need_index"].tolist() == pytest.approx([13 / 12, 1.0, 11 / 12])
    assert table["need_rank"].tolist() == [1, 2, 3]
    assert table["highest_on"].tolist() == [1, 0, 1]
    assert table["assets"].tolist() == [2, 0, 5]
    assert table["connectors"].tolist() == [0, 0, 2]
    assert table["asset_rank"].tolist() == [2, 3, 1]
    assert vale.worst_on_needs() == "Brook"
    assert vale.richest_in_assets() == "Vale"


def test_contrast_without_a_needs_map(tiny_assets):
    analysis = AssetAnalysis(tiny_assets)
    assert not analysis.has_needs
    assert analysis.needs_table().empty
    assert analysis.needs_profile().empty
    assert analysis.worst_on_needs() is None
    assert analysis.richest_in_assets() == "Vale"
    assert analysis.contrast()["need_rank"].isna().all()


def test_a_place_with_assets_but_no_need_figures_comes_last(tiny_assets, tiny_needs):
    analysis = AssetAnalysis(tiny_assets, tiny_needs[tiny_needs["neighbourhood"] != "Vale"],
                             neighbourhood="Vale")
    table = analysis.contrast()
    assert table.index.tolist() == ["Brook", "Dale", "Vale"]
    assert pd.isna(table.loc["Vale", "need_rank"])
    assert analysis.needs_profile().empty


def test_asset_ties_go_to_more_connectors_then_the_alphabet(tiny_assets):
    # Brook gets three more assets, one a connector: 5 each, Vale has 2 connectors.
    more = pd.concat([tiny_assets, pd.DataFrame([
        ("B3", "Brook", "culture", "Band", "community", True, "none"),
        ("B4", "Brook", "culture", "Choir", "community", False, "none"),
        ("B5", "Brook", "gifts", "Cook", "community", True, "none"),
    ], columns=COLUMNS)])
    table = AssetAnalysis(more).contrast()
    # Both have 5 assets and 2 connectors: alphabetical, so Brook first.
    assert table["asset_rank"].to_dict() == {"Brook": 1, "Vale": 2}
    fewer_hubs = more.assign(connector=[*more["connector"][:-1], False])  # B5 is not one
    assert AssetAnalysis(fewer_hubs).contrast()["asset_rank"].to_dict() == {"Brook": 2,
                                                                            "Vale": 1}


# -- new analyses -----------------------------------------------------------------------------


def test_filter_returns_a_new_analysis_and_keeps_the_other_choices(vale):
    moved = vale.filter(neighbourhood="Brook")
    assert moved is not vale
    assert (moved.neighbourhood, moved.types, moved.connectors_only) == ("Brook", ASSET_TYPES,
                                                                          False)
    assert vale.neighbourhood == "Vale"
    only = moved.filter(connectors_only=True).filter(types=["places"])
    assert (only.neighbourhood, only.types, only.connectors_only) == ("Brook", ("places",), True)


def test_analysis_never_changes_the_frames_it_was_given(tiny_assets, tiny_needs):
    assets, needs = tiny_assets.copy(deep=True), tiny_needs.copy(deep=True)
    analysis = AssetAnalysis(tiny_assets, tiny_needs, neighbourhood="Vale")
    analysis.by_type(), analysis.connectors(), analysis.network(), analysis.contrast()
    analysis.needs_profile(), analysis.filter(connectors_only=True).network()
    pd.testing.assert_frame_equal(tiny_assets, assets)
    pd.testing.assert_frame_equal(tiny_needs, needs)


def test_tables_are_copies(vale):
    by_type, nodes = vale.by_type(), vale.network()[0]
    by_type.loc["gifts", "assets"] = 99
    nodes.loc[0, "x"] = 99.0
    assert vale.by_type().loc["gifts", "assets"] == 1
    assert vale.network()[0].loc[0, "x"] == 0.5


def test_analysis_is_frozen(vale):
    with pytest.raises(dataclasses.FrozenInstanceError):
        vale.neighbourhood = "Brook"  # type: ignore[misc]


def test_analyses_made_from_one_another_share_their_tables(vale, tiny_assets):
    assert vale.filter(neighbourhood="Brook")._cache is vale._cache
    assert AssetAnalysis(tiny_assets.copy())._cache is not vale._cache


# -- errors that say what to do --------------------------------------------------------------


@pytest.mark.parametrize(("options", "message"), [
    ({"neighbourhood": "Fen"}, "neighbourhood 'Fen' is not in the data; choose one of Brook, "
                               "Dale, Vale"),
    ({"types": ["charities"]}, "'charities' is not an asset type; use any of gifts"),
    ({"few": -1}, "few must be 0 or more"),
])
def test_bad_choices_are_refused(tiny_assets, tiny_needs, options, message):
    with pytest.raises(ValueError, match=message):
        AssetAnalysis(tiny_assets, tiny_needs, **options)


def test_missing_columns_are_named(tiny_assets, tiny_needs):
    with pytest.raises(ValueError, match="asset map needs the column.*links_to.*load_assets"):
        AssetAnalysis(tiny_assets.drop(columns="links_to"))
    with pytest.raises(ValueError, match="needs map needs the column.*percent.*load_needs"):
        AssetAnalysis(tiny_assets, tiny_needs.drop(columns="percent"))


def test_an_empty_map_is_refused():
    with pytest.raises(ValueError, match="there are no neighbourhoods"):
        AssetAnalysis(pd.DataFrame(columns=COLUMNS))


# -- properties -------------------------------------------------------------------------------

PLACES = ["Vale", "Brook"]


@st.composite
def asset_maps(draw) -> pd.DataFrame:
    n = draw(st.integers(min_value=1, max_value=14))
    ids = [f"X{i}" for i in range(n)]
    rows = []
    for asset_id in ids:
        links = draw(st.lists(st.sampled_from(ids), max_size=4))
        rows.append((asset_id, draw(st.sampled_from(PLACES)), draw(st.sampled_from(ASSET_TYPES)),
                     f"Asset {asset_id}", draw(st.sampled_from(["community", "institution"])),
                     draw(st.booleans()), ";".join(links) or "none"))
    return pd.DataFrame(rows, columns=COLUMNS)


fast = settings(max_examples=40, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@fast
@given(assets=asset_maps(), data=st.data())
def test_counts_add_up(assets, data):
    analysis = AssetAnalysis(assets)
    place = data.draw(st.sampled_from(analysis.neighbourhoods))
    types = data.draw(st.lists(st.sampled_from(ASSET_TYPES), unique=True))
    chosen = analysis.filter(neighbourhood=place, types=types)
    table = chosen.by_type()
    assert (table["community_led"] + table["institution_led"] == table["assets"]).all()
    assert table["assets"].sum() == len(chosen.view) == chosen.leadership()["assets"].sum()
    assert int(table["connectors"].sum()) == len(chosen.connectors())
    assert analysis.counts().to_numpy().sum() == len(assets)


@fast
@given(assets=asset_maps())
def test_every_link_is_counted_at_both_ends(assets):
    analysis = AssetAnalysis(assets)
    total = sum(int(analysis.filter(neighbourhood=p).view["links"].sum())
                for p in analysis.neighbourhoods)
    assert total == 2 * len(analysis.links)


@fast
@given(assets=asset_maps(), data=st.data())
def test_connectors_only_never_adds_to_the_network(assets, data):
    analysis = AssetAnalysis(assets)
    place = data.draw(st.sampled_from(analysis.neighbourhoods))
    nodes, edges = analysis.filter(neighbourhood=place).network()
    hub_nodes, hub_edges = analysis.filter(neighbourhood=place, connectors_only=True).network()
    assert set(hub_nodes["asset_id"]) <= set(nodes["asset_id"])
    assert len(hub_edges) <= len(edges)
    assert set(hub_edges["source"]) | set(hub_edges["target"]) <= set(hub_nodes["asset_id"])
    assert ((nodes["x"] > 0) & (nodes["x"] < 1)).all()


@fast
@given(assets=asset_maps(), data=st.data())
def test_row_order_does_not_change_any_table(assets, data):
    order = data.draw(st.permutations(list(range(len(assets)))))
    a, b = AssetAnalysis(assets), AssetAnalysis(assets.iloc[order])
    for place in a.neighbourhoods:
        x, y = a.filter(neighbourhood=place), b.filter(neighbourhood=place)
        pd.testing.assert_frame_equal(x.by_type(), y.by_type())
        pd.testing.assert_frame_equal(x.connectors(), y.connectors())
        for left, right in zip(x.network(), y.network(), strict=True):
            pd.testing.assert_frame_equal(left.reset_index(drop=True),
                                          right.reset_index(drop=True))
    pd.testing.assert_frame_equal(a.counts(), b.counts())
    pd.testing.assert_frame_equal(a.links, b.links)
