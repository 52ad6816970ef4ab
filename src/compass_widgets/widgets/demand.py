"""DemandAnalyser: explore value and failure demand in a contact log."""

from __future__ import annotations

import html
from dataclasses import replace
from typing import Any

import ipywidgets as w
import pandas as pd
import traitlets as t

from ..charts.demand import (
    demand_breakdown,
    demand_trend,
    period_text,
    summarise_breakdown,
    summarise_trend,
)
from ..models.demand import ALL, DemandAnalysis
from ..store import LearnerStore
from ._views import SavedChoices, Shown, chart_view, paragraph, redraw

_LABELS = {"value": "Value demand", "failure": "Failure demand"}
STATE_KEY = "tool:DemandAnalyser"


class DemandAnalyser(w.VBox):
    """Filter a contact log, reclassify reasons, and watch failure demand and its cost move.

    Controls (each labelled for screen readers and usable with the keyboard):
    *Service* and *Channel* filter the contacts; *Reason* and *Count it as*
    reclassify every contact with that reason; *£ per minute* sets the cost of
    handling time. Beside each chart a sentence says what the chart shows.

    Parameters
    ----------
    contacts : pandas.DataFrame
        A contact log from :func:`compass_widgets.load_contacts`.
    cost_per_minute : float
        Starting cost of one minute of handling time, in pounds (an assumption).
    store : LearnerStore, optional
        Where to save the learner's choices; by default the learner's own store.
    module : str, optional
        Save the choices (filters, cost, reclassified reasons) under this module as
        ``tool:DemandAnalyser``, and restore them when the analyser is created again.
        Choices that do not fit the data (a service it does not have) are ignored.

    Examples
    --------
    >>> from compass_widgets import load_contacts
    >>> analyser = DemandAnalyser(load_contacts())
    >>> analyser.service = "Housing repairs"
    >>> round(analyser.analysis.failure_share(), 3)
    0.507
    """

    service = t.Unicode(ALL, help="Service shown, or 'All'.")
    channel = t.Unicode(ALL, help="Channel shown, or 'All'.")
    cost_per_minute = t.Float(0.5, help="Cost of a minute of handling time, in pounds.")
    analysis = t.Instance(DemandAnalysis, help="The analysis shown (read it, don't set it).")

    def __init__(
        self,
        contacts: pd.DataFrame,
        cost_per_minute: float = 0.5,
        store: LearnerStore | None = None,
        module: str | None = None,
    ) -> None:
        self.module = module
        self.saved = SavedChoices(STATE_KEY, module, store)
        saved = self.saved.load()
        base = DemandAnalysis(contacts, cost_per_minute=cost_per_minute)
        base = _restore(base, saved)
        cost_per_minute = base.cost_per_minute
        style = {"description_width": "8em"}
        self.service_control = w.Dropdown(options=[ALL, *base.services], description="Service",
                                          style=style)
        self.channel_control = w.Dropdown(options=[ALL, *base.channels], description="Channel",
                                          style=style)
        self.cost_control = w.BoundedFloatText(value=cost_per_minute, min=0, max=20, step=0.05,
                                               description="£ per minute", style=style)
        self.reason_control = w.Dropdown(options=list(base.reasons.index), description="Reason",
                                         style=style, layout=w.Layout(width="28em"))
        self.kind_control = w.ToggleButtons(
            options=[(label, kind) for kind, label in _LABELS.items()],
            description="Count it as", style=style,
            tooltips=["What the service is for", "Caused by a failure to do something right"],
        )
        self.headline = w.HTML()
        self.trend_chart = chart_view(demand_trend(base))
        self.trend_summary = w.HTML()
        self.breakdown_chart = chart_view(demand_breakdown(base.filter(service=ALL)))
        self.breakdown_summary = w.HTML()
        self.reasons_table = w.HTML()
        filters = w.VBox([w.HTML("<strong>Look at</strong>"), self.service_control,
                          self.channel_control, self.cost_control])
        relabel = w.VBox([w.HTML("<strong>Reclassify a reason</strong>"), self.reason_control,
                          self.kind_control])
        super().__init__([
            w.HBox([filters, relabel], layout=w.Layout(flex_flow="row wrap")),
            self.headline,
            # The second chart wraps under the first when the notebook is narrow.
            w.HBox([w.VBox([self.trend_chart, self.trend_summary]),
                    w.VBox([self.breakdown_chart, self.breakdown_summary])],
                   layout=w.Layout(flex_flow="row wrap")),
            self.reasons_table,
        ])
        self.add_class("compass-demand-analyser")
        self._syncing_kind = False
        self._shown = Shown()
        self.analysis = base  # before the links below, whose first sync reaches the model
        t.link((self.service_control, "value"), (self, "service"))
        t.link((self.channel_control, "value"), (self, "channel"))
        t.link((self.cost_control, "value"), (self, "cost_per_minute"))
        self.reason_control.observe(self._on_change_reason, "value")
        self.kind_control.observe(self._on_change_kind, "value")
        self._on_change_reason()
        self.service_control.value = base.service
        self.channel_control.value = base.channel

    def __repr__(self) -> str:
        a = self.analysis
        return (f"DemandAnalyser(service={a.service!r}, channel={a.channel!r}): failure demand "
                f"{a.failure_share():.0%} of {a.contact_count:,} contacts")

    # -- reactions: controls -> model --------------------------------------------
    @t.observe("service", "channel")
    def _on_change_filter(self, change: t.Bunch) -> None:
        self.analysis = self.analysis.filter(service=self.service, channel=self.channel)

    @t.observe("cost_per_minute")
    def _on_change_cost_per_minute(self, change: t.Bunch) -> None:
        self.analysis = replace(self.analysis, cost_per_minute=change["new"])

    def _on_change_reason(self, change: t.Bunch | None = None) -> None:
        kind = self.analysis.reasons.loc[self.reason_control.value, "demand_type"]
        self._syncing_kind = True
        self.kind_control.value = kind
        self._syncing_kind = False

    def _on_change_kind(self, change: t.Bunch) -> None:
        if not self._syncing_kind:
            self.reclassify(self.reason_control.value, change["new"])

    def reclassify(self, reason: str, demand_type: str) -> None:
        """Count every contact with ``reason`` as ``demand_type`` ('value' or 'failure')."""
        self.analysis = self.analysis.reclassify(reason, demand_type)
        if self.reason_control.value == reason:
            self._on_change_reason()

    # -- model -> view -------------------------------------------------------------
    @t.observe("analysis")
    def _on_change_analysis(self, change: t.Bunch) -> None:
        a = change["new"]
        self.headline.value = (
            f"<p><strong>Failure demand: {a.failure_share():.0%}</strong> of "
            f"{a.contact_count:,} contacts; {a.failure_minutes():,.0f} minutes of handling, "
            f"about <strong>£{a.failure_cost():,.0f}</strong> in {period_text(a)} at "
            f"£{a.cost_per_minute:.2f} a minute.</p>"
        )
        relabelled = tuple(sorted(a.reclassified.items()))
        # Redraw a view only when what it shows has changed: choosing a service leaves
        # the comparison of all services as it is, and the cost leaves the trend.
        if self._shown.changed("trend", (a.service, a.channel, relabelled)):
            redraw(self.trend_chart, demand_trend(a))
            self.trend_summary.value = paragraph(summarise_trend(a))
            self.reasons_table.value = _reasons_html(a)
        if self._shown.changed("breakdown", (a.channel, a.cost_per_minute, relabelled)):
            everywhere = a.filter(service=ALL)
            redraw(self.breakdown_chart, demand_breakdown(everywhere))
            self.breakdown_summary.value = paragraph(summarise_breakdown(everywhere))
        self.saved.save({
            "service": a.service, "channel": a.channel,
            "cost_per_minute": a.cost_per_minute, "reclassified": dict(a.reclassified),
        })


def _restore(base: DemandAnalysis, saved: dict[str, Any]) -> DemandAnalysis:
    """Apply saved choices that fit these data; ignore the rest."""
    reasons = set(base.reasons.index)
    for reason, kind in dict(saved.get("reclassified", {})).items():
        if reason in reasons and kind in _LABELS:
            base = base.reclassify(reason, kind)
    cost = saved.get("cost_per_minute")
    if isinstance(cost, int | float) and 0 <= cost <= 20:
        base = replace(base, cost_per_minute=float(cost))
    service, channel = saved.get("service"), saved.get("channel")
    return base.filter(
        service=service if service in base.services else None,
        channel=channel if channel in base.channels else None,
    )


def _reasons_html(analysis: DemandAnalysis) -> str:
    top = analysis.top_failure_reasons(5)
    rows = "".join(
        f"<tr><td>{html.escape(str(reason))}</td><td>{html.escape(row.service)}</td>"
        f"<td style='text-align:right'>{row.contacts:,}</td>"
        f"<td style='text-align:right'>{row.minutes:,.0f}</td></tr>"
        for reason, row in top.iterrows()
    )
    return (
        "<table><caption>Top reasons for failure demand</caption>"
        "<thead><tr><th scope='col'>Reason</th><th scope='col'>Service</th>"
        "<th scope='col'>Contacts</th><th scope='col'>Minutes</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )
