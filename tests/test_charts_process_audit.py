"""Tests for compass_widgets.charts.process_audit: valid, labelled, described charts.

The sentences are worked out by hand from the four steps of ``tiny_steps`` (see
tests/test_models_process_audit.py): averages 1.75 2.0 1.5 1.75 1.75 2.25, summary
44 / 24 = 1.83 (61%), Wait and Tell at risk.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

from compass_widgets.charts import chart_text
from compass_widgets.charts.process_audit import (
    CELL_COLOURS,
    audit_heatmap,
    principle_chart,
    step_label,
    summarise_audit,
    summarise_principles,
)
from compass_widgets.data.process_steps import PRINCIPLE_IDS, load_process_steps
from compass_widgets.models.process_audit import TraumaInformedAudit
from tests.test_models_process_audit import _steps


@pytest.fixture
def audit() -> TraumaInformedAudit:
    return TraumaInformedAudit(_steps())


@pytest.fixture(scope="module")
def shipped() -> TraumaInformedAudit:
    return TraumaInformedAudit(load_process_steps())


def _data(spec: dict) -> list[dict]:
    return spec["datasets"][spec["data"]["name"]]


BUILDERS = [
    ("heatmap", audit_heatmap, summarise_audit, "Trauma-informed audit, step by step"),
    ("principles", principle_chart, summarise_principles, "The six principles across the process"),
]


@pytest.mark.parametrize(("name", "build", "summarise", "title"), BUILDERS,
                         ids=[b[0] for b in BUILDERS])
def test_builder_returns_a_new_valid_chart_with_title_and_description(
        shipped, name, build, summarise, title):
    chart = build(shipped)
    assert isinstance(chart, alt.LayerChart)
    assert build(shipped) is not chart
    spec = chart.to_dict()  # validates against the Vega-Lite schema
    assert spec["title"]["text"] == title
    assert spec["title"]["subtitle"]
    assert spec["description"] == summarise(shipped)
    assert chart_text(spec).startswith(title)


@pytest.mark.parametrize(("name", "build", "summarise", "title"), BUILDERS,
                         ids=[b[0] for b in BUILDERS])
def test_every_chart_prints_its_numbers_as_text(shipped, name, build, summarise, title):
    spec = build(shipped).to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert "text" in marks  # colour is never the only carrier of meaning


@pytest.mark.parametrize(("name", "build", "summarise", "title"), BUILDERS,
                         ids=[b[0] for b in BUILDERS])
def test_builders_do_not_change_the_audit(audit, name, build, summarise, title):
    changed = audit.rescore("Tell", "safety", 2)
    scores = changed.scores()
    build(changed).to_dict()
    summarise(changed)
    pd.testing.assert_frame_equal(changed.scores(), scores)
    assert changed.changed() == {"Tell": {"safety": 2}}


# -- the heat table ------------------------------------------------------------------------


def test_heatmap_has_one_cell_per_step_and_principle(audit):
    cells = _data(audit_heatmap(audit).to_dict())
    assert len(cells) == 4 * 6
    first = cells[0]
    assert first == {"step": "1. Ask", "principle": "Safety", "score": 3, "meaning": "3: fully"}
    wait = [c for c in cells if c["step"].startswith("2.")]
    assert [c["score"] for c in wait] == [2, 1, 0, 1, 1, 2]


def test_heatmap_labels_say_which_steps_are_at_risk_and_which_principle_is_weakest(audit):
    spec = audit_heatmap(audit).to_dict()
    cells = _data(spec)
    steps = list(dict.fromkeys(c["step"] for c in cells))
    assert steps == ["1. Ask", "2. Wait (at risk)", "3. Tell (at risk)", "4. Plan"]
    principles = list(dict.fromkeys(c["principle"] for c in cells))
    assert principles[2] == "Choice (weakest)"
    assert spec["layer"][0]["encoding"]["y"]["sort"] == steps


def _luminance(colour: str) -> float:
    """Relative luminance of a #rrggbb colour (WCAG 2)."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_heatmap_numbers_are_readable_on_every_colour(audit):
    spec = audit_heatmap(audit).to_dict()
    cells, numbers = spec["layer"]
    assert numbers["mark"]["color"] == "black"
    assert numbers["encoding"]["text"]["field"] == "score"
    scale = cells["encoding"]["color"]["scale"]
    assert scale["domain"] == ["0: not at all", "1: a little", "2: mostly", "3: fully"]
    assert scale["range"] == list(CELL_COLOURS)
    for colour in CELL_COLOURS:  # WCAG AA asks for 4.5:1 for text
        assert (_luminance(colour) + 0.05) / 0.05 >= 4.5, colour


def test_step_label(audit):
    assert step_label(audit, "Ask") == "1. Ask"
    assert step_label(audit, "Wait") == "2. Wait (at risk)"


# -- the sentences --------------------------------------------------------------------------


def test_summarise_audit_on_tiny_steps(audit):
    assert summarise_audit(audit) == (
        "The 4 steps score 1.8 out of 3 on average (61% of the best possible). 2 steps are at "
        "risk of re-traumatising people: Wait and Tell.")


def test_summarise_audit_with_one_or_no_step_at_risk(audit):
    one = audit.rescore("Tell", "safety", 2)
    assert summarise_audit(one).endswith("1 step is at risk of re-traumatising people: Wait.")
    none = audit.rescore_step("Wait", {p: 3 for p in PRINCIPLE_IDS}).rescore("Tell", "safety", 2)
    assert summarise_audit(none).endswith(
        "No step is at risk of re-traumatising people under the course's rule.")


def test_summarise_audit_with_three_at_risk_lists_them_all(audit):
    text = summarise_audit(TraumaInformedAudit(_steps(), low_score=2))
    assert text.endswith("3 steps are at risk of re-traumatising people: Wait, Tell and Plan.")


def test_summarise_audit_of_a_one_step_process():
    single = TraumaInformedAudit(_steps({"Ask": (3, 3, 3, 3, 3, 3)}))
    assert summarise_audit(single).startswith(
        "The only step scores 3.0 out of 3 on average (100% of the best possible).")


def test_summarise_principles_on_tiny_steps(audit):
    # Cultural consideration averages 2.25: rounded half up to 2.3, as people expect.
    assert summarise_principles(audit) == (
        "The weakest principle is Choice, at 1.5 out of 3 on average, with 1 of 4 steps "
        "scoring 1 or less. The strongest is Cultural consideration, at 2.3.")


def test_summarise_principles_when_every_principle_is_level():
    level = TraumaInformedAudit(_steps({"Ask": (2,) * 6}))
    assert summarise_principles(level) == (
        "The weakest principle is Safety, at 2.0 out of 3 on average, with 0 of 1 step scoring "
        "1 or less. Every principle has the same average.")


def test_principle_chart_data(audit):
    bars = _data(principle_chart(audit).to_dict())
    assert [b["principle"] for b in bars] == ["Safety", "Trust", "Choice (weakest)",
                                              "Collaboration", "Empowerment",
                                              "Cultural consideration"]
    assert [b["average_label"] for b in bars] == ["1.8 of 3", "2.0 of 3", "1.5 of 3", "1.8 of 3",
                                                  "1.8 of 3", "2.3 of 3"]
    assert [b["low_steps"] for b in bars] == [1, 1, 1, 1, 1, 0]


def test_shipped_sentences(shipped):
    assert summarise_principles(shipped) == (
        "The weakest principle is Empowerment, at 0.9 out of 3 on average, with 8 of 12 steps "
        "scoring 1 or less. The strongest is Safety, at 1.4.")
    assert summarise_audit(shipped).startswith(
        "The 12 steps score 1.3 out of 3 on average (43% of the best possible). 6 steps")


def test_compass_renderer_shows_text_and_svg(audit):
    bundle = audit_heatmap(audit)._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "<svg" in data["image/svg+xml"]
    assert data["text/plain"] == "Trauma-informed audit, step by step. " + summarise_audit(audit)
