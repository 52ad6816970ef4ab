"""Tests for compass_widgets.widgets.assets (AssetMap), without a browser.

Each test sets a control's ``value`` as the front end would and checks the model,
the text shown, which map is visible and which charts were sent a new spec. The
tiny maps are those of tests/test_models_assets.py (see its docstring).
"""

from __future__ import annotations

import html

import pandas as pd
import pytest
import traitlets as t

from compass_widgets.charts.assets import (
    asset_counts,
    asset_network,
    needs_profile,
    summarise_asset_counts,
    summarise_asset_network,
    summarise_needs_and_assets,
)
from compass_widgets.data.assets import ASSET_TYPES, load_assets
from compass_widgets.data.needs import load_needs
from compass_widgets.store import LearnerStore
from compass_widgets.widgets.assets import AssetMap

from .test_models_assets import assets_frame, needs_frame


@pytest.fixture
def assets() -> pd.DataFrame:
    return assets_frame()


@pytest.fixture
def needs() -> pd.DataFrame:
    return needs_frame()


@pytest.fixture
def tool(assets, needs) -> AssetMap:
    return AssetMap(assets, needs, neighbourhood="Vale")


class SpecLog:
    """Count how often a chart view is sent a new spec."""

    def __init__(self, view) -> None:
        self.count = 0
        view.observe(self._on_change, "spec")

    def _on_change(self, change) -> None:
        self.count += 1


def _logs(tool: AssetMap) -> dict[str, SpecLog]:
    return {name: SpecLog(getattr(tool, f"{name}_chart"))
            for name in ("counts", "network", "needs", "contrast")}


def _counts(logs: dict[str, SpecLog]) -> dict[str, int]:
    return {name: log.count for name, log in logs.items()}


# -- first view -------------------------------------------------------------------------------


def test_first_view_shows_the_asset_map_of_the_neighbourhood_given(tool):
    a = tool.analysis
    assert (a.neighbourhood, a.types, a.connectors_only) == ("Vale", ASSET_TYPES, False)
    assert (tool.neighbourhood, tool.types, tool.connectors_only, tool.view) == (
        "Vale", list(ASSET_TYPES), False, "assets")
    assert tool.asset_panel.layout.display == ""
    assert tool.needs_panel.layout.display == "none"
    assert tool.counts_chart.spec == asset_counts(a).to_dict(validate=False)
    assert tool.network_chart.spec == asset_network(a).to_dict(validate=False)
    assert html.escape(summarise_asset_counts(a)) in tool.counts_summary.value
    assert html.escape(summarise_asset_network(a)) in tool.network_summary.value
    assert tool.headline.value == (
        "<p><strong>Vale</strong>: 5 assets of the types shown, 2 connectors; 60% "
        "community-led. Gaps: individual gifts and skills, institutions, physical places, "
        "local economy, culture and stories.</p>")


def test_by_default_the_first_neighbourhood_in_alphabetical_order(assets, needs):
    assert AssetMap(assets, needs).neighbourhood == "Brook"


def test_by_default_the_course_maps_with_their_needs(assets):
    tool = AssetMap()
    assert tool.analysis.neighbourhoods == ["Canal Side", "Hollins Vale", "Millbrook",
                                            "Station Fields"]
    assert tool.analysis.has_needs and not tool.view_control.disabled
    assert not AssetMap(assets).analysis.has_needs  # your own assets: no needs unless given


def test_controls_offer_the_choices_and_all_have_descriptions(tool):
    assert list(tool.neighbourhood_control.options) == ["Brook", "Dale", "Vale"]
    assert [box.description for box in tool.type_controls.values()] == [
        "Individual gifts and skills", "Associations", "Institutions", "Physical places",
        "Local economy", "Culture and stories"]
    assert all(box.value for box in tool.type_controls.values())
    controls = [tool.neighbourhood_control, tool.view_control, tool.connectors_control,
                *tool.type_controls.values()]
    for control in controls:
        assert control.description.strip(), control
    assert tool.view_control.tooltips


def test_connectors_table(tool):
    table = tool.connectors_table.value
    assert "<caption>Connectors in Vale, most links first</caption>" in table
    assert table.index("Lunch club") < table.index("Library")
    assert ("<td>Lunch club</td><td>Associations</td><td>Community-led</td>"
            "<td style='text-align:right'>3</td><td style='text-align:right'>1</td>"
            "<td>GP practice; Joiner; Park</td>") in table


def test_repr(tool):
    assert repr(tool) == "AssetMap('Vale', 6 of 6 asset types, assets map): 5 assets, 2 connectors"


# -- the asset map -----------------------------------------------------------------------------


def test_choosing_a_neighbourhood_redraws_the_asset_map_only(tool):
    logs = _logs(tool)
    tool.neighbourhood_control.value = "Brook"
    assert tool.analysis.neighbourhood == "Brook"
    assert _counts(logs) == {"counts": 1, "network": 1, "needs": 0, "contrast": 0}
    assert tool.counts_chart.spec["title"]["text"] == "Brook: assets by type"
    assert "No connectors among the asset types shown in Brook." in tool.connectors_table.value
    assert "<strong>Brook</strong>: 2 assets" in tool.headline.value


def test_unticking_a_type_hides_it(tool):
    logs = _logs(tool)
    tool.type_controls["associations"].value = False
    assert tool.types == ["gifts", "institutions", "places", "economy", "culture"]
    assert tool.analysis.types == ("gifts", "institutions", "places", "economy", "culture")
    assert _counts(logs) == {"counts": 1, "network": 1, "needs": 0, "contrast": 0}
    assert "Lunch club" not in tool.connectors_table.value  # an association
    assert "Library" in tool.connectors_table.value
    assert "3 assets of the types shown, 1 connector" in tool.headline.value


def test_unticking_every_type(tool):
    for box in tool.type_controls.values():
        box.value = False
    assert tool.types == []
    assert "No asset types are shown for Vale" in tool.counts_summary.value
    assert "No connectors among the asset types shown in Vale." in tool.connectors_table.value


def test_types_set_from_python_tick_the_boxes(tool):
    tool.types = ["places", "gifts", "places"]
    assert tool.types == ["gifts", "places"]
    assert [kind for kind, box in tool.type_controls.items() if box.value] == ["gifts", "places"]
    assert tool.analysis.types == ("gifts", "places")


def test_an_unknown_type_is_refused(tool):
    with pytest.raises(t.TraitError, match="'charities' is not an asset type; use any of gifts"):
        tool.types = ["charities"]
    assert tool.types == list(ASSET_TYPES)


def test_only_connectors_redraws_the_network_only(tool):
    logs = _logs(tool)
    counts_summary = tool.counts_summary.value
    tool.connectors_control.value = True
    assert tool.analysis.connectors_only
    assert _counts(logs) == {"counts": 0, "network": 1, "needs": 0, "contrast": 0}
    assert "4 assets (connectors and the assets they link to)" in tool.network_summary.value
    assert tool.counts_summary.value == counts_summary


def test_going_back_to_a_choice_shows_the_same_charts_again(tool):
    counts, network = tool.counts_chart.spec, tool.network_chart.spec
    tool.neighbourhood_control.value = "Brook"
    tool.neighbourhood_control.value = "Vale"
    assert tool.counts_chart.spec == counts
    assert tool.network_chart.spec == network
    assert html.escape(summarise_asset_counts(tool.analysis)) in tool.counts_summary.value


# -- the needs map -----------------------------------------------------------------------------


def test_switching_to_the_needs_map_shows_it_and_draws_it_once(tool):
    logs = _logs(tool)
    tool.neighbourhood_control.value = "Brook"  # the needs map is hidden: not drawn yet
    assert _counts(logs) == {"counts": 1, "network": 1, "needs": 0, "contrast": 0}
    logs = _logs(tool)
    tool.view_control.value = "needs"
    assert tool.view == "needs"
    assert tool.asset_panel.layout.display == "none"
    assert tool.needs_panel.layout.display == ""
    assert _counts(logs) == {"counts": 0, "network": 0, "needs": 1, "contrast": 1}
    assert tool.needs_chart.spec == needs_profile(tool.analysis).to_dict(validate=False)
    assert html.escape(summarise_needs_and_assets(tool.analysis)) in tool.contrast_summary.value
    assert tool.headline.value == (
        "<p><strong>Brook</strong>: highest of 3 on 1 of 2 need indicators; need figures 1.08 "
        "times the average. On the asset map it comes 2 of 3 (1 = richest).</p>")
    tool.view_control.value = "assets"
    tool.view_control.value = "needs"
    assert _counts(logs) == {"counts": 0, "network": 0, "needs": 1, "contrast": 1}


def test_the_hidden_map_catches_up_when_it_is_shown_again(tool):
    tool.view_control.value = "needs"
    logs = _logs(tool)
    tool.neighbourhood_control.value = "Brook"
    tool.type_controls["gifts"].value = False
    assert _counts(logs) == {"counts": 0, "network": 0, "needs": 1, "contrast": 1}
    assert "Brook drawn as needs" == tool.needs_chart.spec["title"]["text"]
    tool.view_control.value = "assets"
    assert _counts(logs) == {"counts": 1, "network": 1, "needs": 1, "contrast": 1}
    assert tool.counts_chart.spec["title"]["text"] == "Brook: assets by type"
    assert "Individual gifts" not in str(tool.counts_chart.spec["datasets"])


def test_a_neighbourhood_with_no_need_figures(assets, needs):
    tool = AssetMap(assets, needs[needs["neighbourhood"] != "Vale"], neighbourhood="Vale")
    tool.view_control.value = "needs"
    assert "There are no need figures for Vale." in tool.needs_summary.value
    assert tool.headline.value == "<p><strong>Vale</strong>: no need figures.</p>"


def test_without_a_needs_map_the_needs_view_is_switched_off(assets):
    tool = AssetMap(assets)
    assert tool.view_control.disabled
    with pytest.raises(t.TraitError, match="there is no needs map to show"):
        tool.view = "needs"
    assert tool.view == "assets"


# -- saving and restoring ----------------------------------------------------------------------


def test_nothing_is_saved_without_a_module(assets, needs, store_home):
    tool = AssetMap(assets, needs, store=LearnerStore(store_home))
    tool.connectors_control.value = True
    assert LearnerStore(store_home).modules() == []


def test_every_change_is_saved_under_the_tool_key(assets, needs, store_home):
    store = LearnerStore(store_home)
    tool = AssetMap(assets, needs, store=store, module="05")
    assert store.load("05", "tool:AssetMap") is None
    tool.neighbourhood_control.value = "Vale"
    tool.type_controls["culture"].value = False
    tool.connectors_control.value = True
    tool.view_control.value = "needs"
    assert store.load("05", "tool:AssetMap") == {
        "neighbourhood": "Vale", "types": ["gifts", "associations", "institutions", "places",
                                           "economy"],
        "connectors_only": True, "view": "needs"}


def test_a_new_tool_restores_the_saved_choices(assets, needs, store_home):
    first = AssetMap(assets, needs, store=LearnerStore(store_home), module="05")
    first.neighbourhood_control.value = "Vale"
    first.type_controls["gifts"].value = False
    first.view_control.value = "needs"
    again = AssetMap(assets, needs, store=LearnerStore(store_home), module="05",
                     neighbourhood="Brook")  # the saved choice wins
    assert (again.neighbourhood, again.view) == ("Vale", "needs")
    assert again.types == ["associations", "institutions", "places", "economy", "culture"]
    assert not again.type_controls["gifts"].value
    assert again.neighbourhood_control.value == "Vale" and again.view_control.value == "needs"
    assert again.needs_panel.layout.display == ""
    assert "Vale drawn as needs" == again.needs_chart.spec["title"]["text"]


@pytest.mark.parametrize(("saved", "expected"), [
    ({"neighbourhood": "Fen", "types": ["gifts", "charities"], "connectors_only": "yes",
      "view": "map"}, ("Brook", ["gifts"], False, "assets")),
    ({"types": "gifts"}, ("Brook", list(ASSET_TYPES), False, "assets")),
    (["not", "a", "dict"], ("Brook", list(ASSET_TYPES), False, "assets")),
])
def test_saved_choices_that_no_longer_fit_are_ignored(assets, needs, store_home, saved,
                                                      expected):
    LearnerStore(store_home).save("05", "tool:AssetMap", saved)
    tool = AssetMap(assets, needs, store=LearnerStore(store_home), module="05")
    assert (tool.neighbourhood, tool.types, tool.connectors_only, tool.view) == expected


def test_a_saved_needs_view_without_a_needs_map_opens_the_asset_map(assets, store_home):
    LearnerStore(store_home).save("05", "tool:AssetMap", {"view": "needs"})
    assert AssetMap(assets, store=LearnerStore(store_home), module="05").view == "assets"


# -- the shipped maps ----------------------------------------------------------------------------


def test_shipped_maps_tell_the_story_of_the_module():
    tool = AssetMap(load_assets(), load_needs(), neighbourhood="Station Fields")
    assert "<strong>Station Fields</strong>: 24 assets of the types shown, 5 connectors" in (
        tool.headline.value)
    tool.view_control.value = "needs"
    assert "start from what is strong, not what is wrong" in tool.contrast_summary.value
    assert "justify cuts" in tool.contrast_summary.value
    tool.neighbourhood_control.value = "Canal Side"
    tool.view_control.value = "assets"
    assert "Gaps: associations, local economy, culture and stories." in tool.headline.value


def test_only_the_newest_charts_are_remembered(tool):
    tool._charts.keep = 3
    for place in ("Brook", "Dale", "Vale", "Brook"):
        tool.neighbourhood_control.value = place
    assert len(tool._charts) == 3
    assert tool.counts_chart.spec == asset_counts(tool.analysis).to_dict(validate=False)


def test_repr_speaks_of_one_asset_and_one_connector_in_the_singular(tool):
    for kind, control in tool.type_controls.items():
        control.value = kind == "associations"  # Vale: the lunch club (a connector), the walkers
    assert repr(tool).endswith(": 2 assets, 1 connector")
    tool.neighbourhood_control.value = "Brook"
    tool.type_controls["associations"].value = False
    tool.type_controls["places"].value = True  # Brook: the park alone
    assert repr(tool).endswith(": 1 asset, 0 connectors")
