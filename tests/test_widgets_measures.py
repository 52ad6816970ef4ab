"""Tests for compass_widgets.widgets.measures (MeasureExplorer), without a browser.

Each test sets a control's ``value`` as the front end would and checks the model, the
text shown and which charts were redrawn. Expected figures are worked out by hand from
``tiny_returns`` (see tests/test_models_measures.py).
"""

from __future__ import annotations

import html

import pytest
import traitlets as t

from compass_widgets.charts.measures import summarise_acceptance
from compass_widgets.store import LearnerStore
from compass_widgets.widgets.measures import STATE_KEY as KEY
from compass_widgets.widgets.measures import MeasureExplorer

from .test_models_measures import CASES, make_returns


class SpecLog:
    """Count how often a chart view is sent a new spec."""

    def __init__(self, view) -> None:
        self.count = 0
        view.observe(self._on_change, "spec")

    def _on_change(self, change) -> None:
        self.count += 1


@pytest.fixture
def explorer() -> MeasureExplorer:
    return MeasureExplorer(make_returns(CASES))


def _rows(spec: dict, layer: int = 0) -> list[dict]:
    data = spec["layer"][layer].get("data", spec.get("data"))
    return spec["datasets"][data["name"]]


# -- first view ------------------------------------------------------------------------------


def test_first_view(explorer):
    assert (explorer.measure, explorer.provider, explorer.quarter) == ("target_met", "A", "All")
    assert explorer.ranking_chart.spec["title"]["text"] == (
        "Seen within the target (share of people taken on)")
    assert [r["provider"] for r in _rows(explorer.ranking_chart.spec)] == ["B", "A", "C"]
    assert explorer.waiting_chart.spec["title"]["text"] == "Days to first appointment: A"
    assert html.escape(explorer.ranking_chart.spec["description"]) in \
        explorer.ranking_summary.value
    assert html.escape(explorer.waiting_chart.spec["description"]) in \
        explorer.waiting_summary.value
    assert html.escape(summarise_acceptance(explorer.analysis, "A")) in \
        explorer.acceptance_summary.value


def test_headline_gives_the_provider_figures_and_signs(explorer):
    assert explorer.headline.value == (
        "<p><strong>A</strong> (all quarters): 6 referrals, 67% taken on; 50% seen within 28 "
        "days; 75% of those taken on improved, 50% of everyone referred. Creaming index 0.75 "
        "(a sign worth asking about).</p>")


def test_controls_and_their_descriptions(explorer):
    assert [v for _, v in explorer.measure_control.options] == [
        "target_met", "improved_rate", "outcomes_per_referral"]
    assert list(explorer.provider_control.options) == ["A", "B", "C"]
    assert list(explorer.quarter_control.options) == ["All", "Q1", "Q2"]
    assert [c.description for c in (explorer.measure_control, explorer.provider_control,
                                     explorer.quarter_control)] == ["Rank by", "Provider",
                                                                    "Quarter"]
    assert all(tip.startswith("Rewards ") for tip in explorer.measure_control.tooltips)


def test_the_ranks_table_shows_every_measure(explorer):
    table = explorer.ranks_table.value
    assert "<caption>Rank under each measure, all quarters (1 is best)</caption>" in table
    assert "Seen within target (shown)" in table
    assert "<th scope='row'>A (chosen)</th>" in table
    assert "<strong>2</strong>" in table  # A's rank under the measure shown


def test_the_acceptance_table_gives_the_creaming_sign_in_figures(explorer):
    table = explorer.acceptance_table.value
    assert "<caption>Referrals taken on by A, by complexity, all quarters</caption>" in table
    assert "<th scope='row'>Low</th><td style='text-align:right'>3</td>" in table
    assert "<strong>67%</strong>" in table and "<strong>50%</strong>" in table


def test_the_shipped_returns_are_the_default():
    explorer = MeasureExplorer()
    assert explorer.analysis.referral_count == 3100
    assert explorer.provider == "Ashworth Peer Network"


# -- switch measures -------------------------------------------------------------------------


def test_switching_the_measure_redraws_the_ranking_only(explorer):
    ranking, waiting = SpecLog(explorer.ranking_chart), SpecLog(explorer.waiting_chart)
    explorer.measure_control.value = "outcomes_per_referral"
    assert explorer.measure == "outcomes_per_referral"
    assert (ranking.count, waiting.count) == (1, 0)
    spec = explorer.ranking_chart.spec
    assert spec["title"]["text"] == "Improved at six months (share of everyone referred)"
    assert [r["label"] for r in _rows(spec)] == ["1st · 75%", "2nd · 50%", "3rd · 0%"]
    assert "Ranked by &#x27;improved, of everyone referred&#x27;" in \
        explorer.ranking_summary.value
    assert "Improved (all referred) (shown)" in explorer.ranks_table.value


def test_choosing_a_provider_redraws_the_waiting_times_only(explorer):
    ranking, waiting = SpecLog(explorer.ranking_chart), SpecLog(explorer.waiting_chart)
    explorer.provider_control.value = "B"
    assert (ranking.count, waiting.count) == (0, 1)
    assert explorer.waiting_chart.spec["title"]["text"] == "Days to first appointment: B"
    assert "B saw 75% of the people it took on within 28 days" in explorer.waiting_summary.value
    assert "Creaming index: 1.00, no sign of creaming." in explorer.acceptance_summary.value
    assert "<th scope='row'>B (chosen)</th>" in explorer.ranks_table.value
    assert "Creaming index 1.00." in explorer.headline.value


def test_choosing_a_quarter_redraws_both_charts(explorer):
    ranking, waiting = SpecLog(explorer.ranking_chart), SpecLog(explorer.waiting_chart)
    explorer.quarter_control.value = "Q1"
    assert explorer.analysis.quarter == "Q1"
    assert (ranking.count, waiting.count) == (1, 1)
    assert [r["provider"] for r in _rows(explorer.ranking_chart.spec)] == ["B", "A"]
    assert "(Q1)" in explorer.headline.value and "3 referrals" in explorer.headline.value


def test_a_provider_with_no_referrals_in_the_quarter(explorer):
    explorer.quarter_control.value = "Q1"
    explorer.provider_control.value = "C"
    assert explorer.headline.value == "<p style='max-width: 32em'>There are no referrals to C " \
                                      "in Q1.</p>"
    assert "There are no referrals to C in Q1." in explorer.waiting_summary.value


def test_choices_can_be_set_from_python_and_are_checked(explorer):
    explorer.measure = "improved_rate"
    assert explorer.measure_control.value == "improved_rate"
    with pytest.raises(t.TraitError, match="'cost' is not a measure here; choose one of "
                                           "target_met, improved_rate"):
        explorer.measure = "cost"
    with pytest.raises(t.TraitError, match="'Z' is not a provider here"):
        explorer.provider = "Z"
    assert explorer.provider == "A"


def test_repr_says_what_is_shown(explorer):
    explorer.measure_control.value = "improved_rate"
    assert repr(explorer) == ("MeasureExplorer(measure='improved_rate', provider='A', "
                              "quarter='All'): 12 referrals; first: A")


# -- saved and restored ------------------------------------------------------------------------


def test_choices_are_saved_and_restored(store_home):
    store = LearnerStore(store_home)
    first = MeasureExplorer(make_returns(CASES), store=store, module="08")
    assert not store.path("08").exists()
    first.measure_control.value = "outcomes_per_referral"
    first.provider_control.value = "B"
    first.quarter_control.value = "Q1"
    assert store.load("08", KEY) == {"measure": "outcomes_per_referral", "provider": "B",
                                     "quarter": "Q1"}
    before = store.path("08").read_bytes()
    again = MeasureExplorer(make_returns(CASES), store=store, module="08")
    assert again.choices == {"measure": "outcomes_per_referral", "provider": "B",
                             "quarter": "Q1"}
    assert again.analysis.quarter == "Q1"
    assert again.waiting_chart.spec["title"]["text"] == "Days to first appointment: B"
    assert again.ranking_chart.spec["title"]["text"].endswith("(share of everyone referred)")
    assert store.path("08").read_bytes() == before  # restoring is not a new save


def test_saved_choices_that_no_longer_fit_are_ignored(store_home):
    store = LearnerStore(store_home)
    store.save("08", KEY, {"measure": "cost", "provider": "B", "quarter": "Q7"})
    explorer = MeasureExplorer(make_returns(CASES), store=store, module="08")
    assert explorer.choices == {"measure": "target_met", "provider": "B", "quarter": "All"}


def test_without_a_module_nothing_is_saved(store_home):
    store = LearnerStore(store_home)
    MeasureExplorer(make_returns(CASES), store=store).provider_control.value = "B"
    assert store.modules() == []


def test_returns_with_no_referrals_are_refused_with_what_to_do():
    with pytest.raises(ValueError, match="the returns have no referrals, so there is nothing "
                                         "to explore; load a file with at least one referral"):
        MeasureExplorer(make_returns([]))
