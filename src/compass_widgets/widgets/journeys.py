"""JourneyMap: step through a person's journey and set it beside another."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w
import pandas as pd
import traitlets as t

from ..charts.journeys import (
    journey_layers,
    journey_timeline,
    journey_timeline_at,
    times,
)
from ..models.journeys import FIGURE_LABELS, LAYER_LABELS, JourneyAnalysis
from ..store import LearnerStore
from ._views import ChartMemory, SavedChoices, Shown, chart_view, paragraph, redraw

STATE_KEY = "tool:JourneyMap"
REMEMBER = 48  # charts kept for journeys shown before
_SHARES = {FIGURE_LABELS[name] for name in FIGURE_LABELS if name.endswith("_share")}


class JourneyMap(w.VBox):
    """Choose a journey, step through it event by event, and compare it with another.

    Controls (each labelled for screen readers and usable with the keyboard):
    *Journey* chooses the person whose journey is shown; *Previous event* and
    *Next event* step back and forward, and the *Event* slider jumps to any event;
    *Compare with* chooses the second journey. Beside each chart a sentence says
    what the chart shows; under the event, the figures so far. Tables list the
    organisations in the journey and set the two journeys' figures side by side.

    Parameters
    ----------
    journeys : pandas.DataFrame, optional
        Journeys from :func:`compass_widgets.data.journeys.load_journeys`; by default
        the course's six synthetic Ashworth journeys.
    store : LearnerStore, optional
        Where to save the learner's choices; by default the learner's own store.
    module : str, optional
        The course module, such as ``"04"``. When given, every change is saved under
        the key ``tool:JourneyMap`` and restored when the tool is made again.

    Examples
    --------
    >>> tool = JourneyMap()
    >>> tool.next_button.click()
    >>> tool.step, tool.analysis.current["organisation"]
    (2, 'Ambulance service')
    """

    person = t.Unicode(help="The person_id of the journey being stepped through.")
    other = t.Unicode(help="The person_id of the journey it is compared with.")
    step = t.Int(1, help="The event the learner is at, from 1 to the journey's length.")
    analysis = t.Instance(JourneyAnalysis, help="The analysis shown (read it, don't set it).")

    def __init__(self, journeys: pd.DataFrame | None = None, *,
                 store: LearnerStore | None = None, module: str | None = None) -> None:
        if journeys is None:
            from ..data.journeys import load_journeys

            journeys = load_journeys()
        self.module = module
        self.saved = SavedChoices(STATE_KEY, module, store)
        self._saving = False
        base = JourneyAnalysis(journeys)
        start = self._restored(base)
        style = {"description_width": "8em"}
        people = [(f"{base.label(p)} ({p})", p) for p in base.people]
        self.person_control = w.Dropdown(options=people, value=start.person,
                                         description="Journey", style=style,
                                         layout=w.Layout(width="30em"))
        self.other_control = w.Dropdown(options=people, value=start.other,
                                        description="Compare with", style=style,
                                        layout=w.Layout(width="30em"))
        self.previous_button = w.Button(description="Previous event", icon="arrow-left",
                                        tooltip="Go back one event")
        self.next_button = w.Button(description="Next event", icon="arrow-right",
                                    tooltip="Go on to the next event")
        self.step_control = w.IntSlider(value=start.step, min=1, max=start.length(),
                                        description="Event", style=style,
                                        layout=w.Layout(width="30em"))
        self.event = w.HTML()
        self.timeline_chart = chart_view(journey_timeline(start))
        self.timeline_summary = w.HTML()
        self.layers_chart = chart_view(journey_layers(start))
        self.layers_summary = w.HTML()
        self.organisations_table = w.HTML()
        self.comparison_table = w.HTML()
        super().__init__([
            self.person_control,
            w.HBox([self.previous_button, self.step_control, self.next_button],
                   layout=w.Layout(flex_flow="row wrap", align_items="center")),
            self.event,
            w.HBox([self.timeline_chart, self.timeline_summary],
                   layout=w.Layout(flex_flow="row wrap")),
            self.organisations_table,
            w.HTML("<strong>Compare two journeys</strong>"),
            self.other_control,
            # The table wraps under the chart when the notebook is narrow.
            w.HBox([w.VBox([self.layers_chart, self.layers_summary]), self.comparison_table],
                   layout=w.Layout(flex_flow="row wrap")),
        ])
        self.add_class("compass-journey-map")
        self._shown = Shown()
        # The charts just drawn for the first view, so they are not built twice.
        self._charts = ChartMemory(REMEMBER, {
            ("timeline", str(start.person)): self.timeline_chart.spec,
            ("layers", str(start.person), str(start.other)): self.layers_chart.spec,
        })
        # The analysis first: its observer sets the traits and draws everything, so the
        # links' first sync finds the controls and the traits already in step.
        self.analysis = start
        t.link((self.person_control, "value"), (self, "person"))
        t.link((self.other_control, "value"), (self, "other"))
        t.link((self.step_control, "value"), (self, "step"))
        self.previous_button.on_click(lambda _: self.go(-1))
        self.next_button.on_click(lambda _: self.go(+1))
        self._saving = module is not None

    def __repr__(self) -> str:
        a = self.analysis
        return (f"JourneyMap({a.person!r}, event {a.step} of {a.length()}, compared with "
                f"{a.other!r})")

    # -- the learner's choices, saved and restored ------------------------------------
    @property
    def choices(self) -> dict[str, Any]:
        """The learner's current choices, as saved to the store."""
        a = self.analysis
        return {"person": a.person, "other": a.other, "step": a.step}

    def _restored(self, base: JourneyAnalysis) -> JourneyAnalysis:
        """Return ``base`` at the choices saved last time, keeping only those that still fit."""
        saved = self.saved.load()
        if not saved:
            return base.at(1)
        person = saved.get("person") if saved.get("person") in base.people else None
        other = saved.get("other") if saved.get("other") in base.people else None
        chosen = base.choose(person=person, other=other, step=1)
        step = saved.get("step")
        if isinstance(step, int) and 1 <= step <= chosen.length():
            chosen = chosen.at(step)
        return chosen

    def _save(self) -> None:
        if self._saving:
            self.saved.save(self.choices)

    # -- reactions: controls -> model --------------------------------------------
    @t.validate("step")
    def _valid_step(self, proposal: t.Bunch) -> int:
        step, length = int(proposal["value"]), self.analysis.length()
        if not 1 <= step <= length:
            raise t.TraitError(f"event {step} is outside this journey: choose 1 to {length}")
        return step

    @t.observe("person")
    def _on_change_person(self, change: t.Bunch) -> None:
        if change["new"] != self.analysis.person:
            # A new journey starts at its first event.
            self.analysis = self.analysis.choose(person=change["new"], step=1)

    @t.observe("other")
    def _on_change_other(self, change: t.Bunch) -> None:
        if change["new"] != self.analysis.other:
            self.analysis = self.analysis.choose(other=change["new"])

    @t.observe("step")
    def _on_change_step(self, change: t.Bunch) -> None:
        if change["new"] != self.analysis.step:
            self.analysis = self.analysis.at(change["new"])

    def go(self, events: int) -> None:
        """Move ``events`` forward (or back, if negative), stopping at either end."""
        self.step = min(max(self.step + events, 1), self.analysis.length())

    # -- model -> view -------------------------------------------------------------
    @t.observe("analysis")
    def _on_change_analysis(self, change: t.Bunch) -> None:
        a = change["new"]
        # Keep the traits (and through the links, the controls) in step; the step first,
        # so that a shorter journey's slider never has to clip a value past its end.
        self.person, self.other, self.step = str(a.person), str(a.other), int(a.step)
        self.step_control.max = a.length()
        self.previous_button.disabled = a.step <= 1
        self.next_button.disabled = a.step >= a.length()
        self.event.value = _event_html(a)
        # Redraw a view only when what it shows has changed: stepping redraws the
        # timeline alone, and choosing the second journey leaves the first's charts.
        if self._shown.changed("timeline", (a.person, a.step)):
            if self._shown.changed("timeline journey", (a.person,)):
                self._charts.show(self.timeline_chart, ("timeline", a.person),
                                  lambda: journey_timeline(a))
            # Each event of a journey has the same chart but for its "step": moving the
            # step is far quicker than building the chart again, and gives the same spec.
            redraw(self.timeline_chart, journey_timeline_at(self.timeline_chart.spec, a))
            self.timeline_summary.value = paragraph(self.timeline_chart.spec["description"])
        if self._shown.changed("organisations", (a.person,)):
            self.organisations_table.value = _organisations_html(a)
        if self._shown.changed("comparison", (a.person, a.other)):
            spec = self._charts.show(self.layers_chart, ("layers", a.person, a.other),
                                     lambda: journey_layers(a))
            self.layers_summary.value = paragraph(spec["description"])
            self.comparison_table.value = _comparison_html(a)
        self._save()


def _event_html(analysis: JourneyAnalysis) -> str:
    now, so_far = analysis.current, analysis.so_far()
    flags = [text for flag, text in ((now["handoff"], "handed on to another organisation"),
                                     (now["retold_story"], "had to tell the story again"))
             if flag]
    if now["days_waiting"]:
        flags.append(f"waited {now['days_waiting']:,.0f} days")
    extra = f" ({'; '.join(flags)})" if flags else ""
    return (
        f"<p><strong>Event {analysis.step} of {analysis.length()}, day {now['day']:,.0f}: "
        f"{html.escape(str(now['organisation']))}</strong> "
        f"({html.escape(LAYER_LABELS[now['layer']])}; {now['event_type']}). "
        f"{html.escape(str(now['what_happened']))}{html.escape(extra)}.</p>"
        f"<p>So far: handed on {times(so_far.handoffs)}, told the story again "
        f"{times(so_far.retold)}, {so_far.crises} crisis{'' if so_far.crises == 1 else 'es'}, "
        f"{so_far.days_waiting:,.0f} days of waiting.</p>"
    )


def _organisations_html(analysis: JourneyAnalysis) -> str:
    table = analysis.by_organisation()
    rows = "".join(
        f"<tr><th scope='row' style='text-align:left'>{html.escape(str(name))}</th>"
        f"<td>{html.escape(LAYER_LABELS[row['layer']])}</td>"
        + "".join(f"<td style='text-align:right'>{row[column]:,.0f}</td>"
                  for column in ("events", "handoffs", "retold", "days_waiting"))
        + "</tr>"
        for name, row in zip(table.index, table.to_dict("records"), strict=True)
    )
    return (
        f"<table><caption>Events with each organisation: {html.escape(analysis.label())}"
        "</caption><thead><tr><th scope='col'>Organisation</th><th scope='col'>Layer</th>"
        "<th scope='col'>Events</th><th scope='col'>Hand-offs</th>"
        "<th scope='col'>Story told again</th><th scope='col'>Days waiting</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _cell(figure: str, value: float) -> str:
    return f"{value:.0%}" if figure in _SHARES else f"{value:,.0f}"


def _comparison_html(analysis: JourneyAnalysis) -> str:
    table = analysis.comparison()
    heads = "".join(f"<th scope='col'>{html.escape(analysis.label(p))}</th>"
                    for p in table.columns)
    rows = "".join(
        f"<tr><th scope='row' style='text-align:left'>{html.escape(str(figure))}</th>"
        + "".join(f"<td style='text-align:right'>{_cell(str(figure), float(v))}</td>"
                  for v in values)
        + "</tr>"
        for figure, values in zip(table.index, table.to_numpy(), strict=True)
    )
    return (
        "<table><caption>Two journeys, figure by figure</caption>"
        f"<thead><tr><th scope='col'>Figure</th>{heads}</tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )
