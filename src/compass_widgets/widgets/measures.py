"""MeasureExplorer: switch the measure, watch the ranking change, and look for signs of gaming."""

from __future__ import annotations

import html
import math
from typing import Any

import ipywidgets as w
import pandas as pd
import traitlets as t

from ..charts.measures import (
    measure_ranking,
    quarter_text,
    summarise_acceptance,
    waiting_times,
)
from ..models.measures import ALL, BUNCHING_SIGN, CREAMING_SIGN, MEASURES, MeasureAnalysis
from ..store import LearnerStore
from ._views import SavedChoices, Shown, chart_view, paragraph, redraw

STATE_KEY = "tool:MeasureExplorer"
#: Short names of the measures on the buttons, with what each rewards as its tooltip.
_BUTTONS = {"target_met": "Seen within target", "improved_rate": "Improved (taken on)",
            "outcomes_per_referral": "Improved (all referred)"}


class MeasureExplorer(w.VBox):
    """Rank providers by one measure, then another; look at one provider for signs of gaming.

    Controls (each labelled for screen readers and usable with the keyboard): *Rank
    by* switches the measure the providers are ranked by; *Provider* chooses whose
    waiting times and referrals taken on are shown; *Quarter* limits everything to
    one quarter. Beside each chart a sentence says what it shows; a table gives
    every provider's rank under every measure, and another who the chosen provider
    takes on by complexity, with the creaming sign in words beside it (the same
    figures as :func:`~compass_widgets.charts.measures.acceptance_chart`).

    Parameters
    ----------
    returns : pandas.DataFrame, optional
        Case-level returns from :func:`compass_widgets.data.kpi_returns.load_kpi_returns`;
        by default the course's synthetic Ashworth returns.
    store : LearnerStore, optional
        Where to save the learner's choices; by default the learner's own store.
    module : str, optional
        The course module, such as ``"08"``. When given, every change is saved under
        the key ``tool:MeasureExplorer`` and restored when the tool is made again.

    Examples
    --------
    >>> explorer = MeasureExplorer()
    >>> explorer.measure_control.value = "outcomes_per_referral"  # as the learner would
    >>> explorer.analysis.ranking(explorer.measure).index[0]
    'Ashworth Peer Network'
    """

    measure = t.Unicode("target_met", help="Measure the providers are ranked by: a key of "
                        "compass_widgets.models.measures.MEASURES.")
    provider = t.Unicode(help="Provider whose waiting times and referrals taken on are shown.")
    quarter = t.Unicode(ALL, help="Quarter shown, or 'All'.")
    analysis = t.Instance(MeasureAnalysis, help="The analysis shown (read it, don't set it).")

    def __init__(self, returns: pd.DataFrame | None = None, *,
                 store: LearnerStore | None = None, module: str | None = None) -> None:
        if returns is None:
            from ..data.kpi_returns import load_kpi_returns

            returns = load_kpi_returns()
        self.module = module
        self.saved = SavedChoices(STATE_KEY, module, store)
        self._saving = False
        everything = MeasureAnalysis(returns)
        if not everything.providers:
            raise ValueError("the returns have no referrals, so there is nothing to explore; "
                             "load a file with at least one referral")
        self._options = {"measure": list(MEASURES), "provider": everything.providers,
                         "quarter": [ALL, *everything.quarters]}
        chosen = self._restored()
        base = everything.filter(quarter=chosen["quarter"])
        style = {"description_width": "7em"}
        self.measure_control = w.ToggleButtons(
            options=[(label, key) for key, label in _BUTTONS.items()], value=chosen["measure"],
            description="Rank by", style={**style, "button_width": "auto"},
            tooltips=[f"Rewards {m.rewards_briefly}" for m in MEASURES.values()],
        )
        self.provider_control = w.Dropdown(options=self._options["provider"],
                                           value=chosen["provider"], description="Provider",
                                           style=style, layout=w.Layout(width="26em"))
        self.quarter_control = w.Dropdown(options=self._options["quarter"],
                                          value=chosen["quarter"], description="Quarter",
                                          style=style, layout=w.Layout(width="26em"))
        self.headline = w.HTML()
        self.ranking_chart = chart_view(measure_ranking(base, chosen["measure"]))
        self.ranking_summary = w.HTML(paragraph(self.ranking_chart.spec["description"]))
        self.ranks_table = w.HTML()
        self.waiting_chart = chart_view(waiting_times(base, chosen["provider"]))
        self.waiting_summary = w.HTML(paragraph(self.waiting_chart.spec["description"]))
        # Who is taken on, by complexity, as a table: the creaming sign in figures.
        self.acceptance_table = w.HTML(_acceptance_html(base, chosen["provider"]))
        self.acceptance_summary = w.HTML(paragraph(summarise_acceptance(base,
                                                                        chosen["provider"])))
        super().__init__([
            w.HTML("<strong>Switch measures</strong>"),
            w.HBox([self.measure_control, self.quarter_control],
                   layout=w.Layout(flex_flow="row wrap")),
            w.HBox([w.VBox([self.ranking_chart, self.ranking_summary]), self.ranks_table],
                   layout=w.Layout(flex_flow="row wrap")),
            w.HTML("<strong>Look for signs of gaming</strong>"),
            self.provider_control,
            self.headline,
            # The second chart wraps under the first when the notebook is narrow.
            w.HBox([w.VBox([self.waiting_chart, self.waiting_summary]),
                    w.VBox([self.acceptance_table, self.acceptance_summary])],
                   layout=w.Layout(flex_flow="row wrap")),
        ])
        self.add_class("compass-measure-explorer")
        self._shown = Shown()
        # The charts above already show these choices: record them, not redraw them.
        self._shown.changed("ranking", (base.quarter, chosen["measure"]))
        self._shown.changed("provider", (base.quarter, chosen["provider"]))
        self._ready = False  # the choices below are shown already: no reaction yet
        for name, value in chosen.items():
            setattr(self, name, value)
        self._ready = True
        self.analysis = base
        t.link((self.measure_control, "value"), (self, "measure"))
        t.link((self.provider_control, "value"), (self, "provider"))
        t.link((self.quarter_control, "value"), (self, "quarter"))
        self._saving = module is not None

    def __repr__(self) -> str:
        ranking = self.analysis.ranking(self.measure)
        first = f"; first: {ranking.index[0]}" if len(ranking) else ""
        return (f"MeasureExplorer(measure={self.measure!r}, provider={self.provider!r}, "
                f"quarter={self.quarter!r}): {self.analysis.referral_count:,} referrals{first}")

    # -- the learner's choices, saved and restored ------------------------------------
    @property
    def choices(self) -> dict[str, Any]:
        """The learner's current choices, as saved to the store."""
        return {name: getattr(self, name) for name in self._options}

    def _restored(self) -> dict[str, Any]:
        """Return the saved choices that still fit the data, and defaults for the rest."""
        chosen = {name: options[0] for name, options in self._options.items()}
        for name, value in self.saved.load().items():
            if name in chosen and value in self._options[name]:
                chosen[name] = value
        return chosen

    @t.validate("measure", "provider", "quarter")
    def _valid_choice(self, proposal: t.Bunch) -> Any:
        name, value = proposal["trait"].name, proposal["value"]
        if value not in self._options[name]:
            raise t.TraitError(f"{value!r} is not a {name} here; choose one of "
                               f"{', '.join(self._options[name])}")
        return value

    def _save(self) -> None:
        """Save the learner's choices (after every change, once the views are up to date)."""
        if self._saving:
            self.saved.save(self.choices)

    # -- reactions: controls -> model --------------------------------------------
    @t.observe("quarter")
    def _on_change_quarter(self, change: t.Bunch) -> None:
        if self._ready:
            self.analysis = self.analysis.filter(quarter=change["new"])

    @t.observe("measure")
    def _on_change_measure(self, change: t.Bunch) -> None:
        if self._ready:
            self._show(self.analysis)

    @t.observe("provider")
    def _on_change_provider(self, change: t.Bunch) -> None:
        if self._ready:
            self._show(self.analysis)

    # -- model -> view -------------------------------------------------------------
    @t.observe("analysis")
    def _on_change_analysis(self, change: t.Bunch) -> None:
        self._show(change["new"])

    def _show(self, a: MeasureAnalysis) -> None:
        """Update the figures, and redraw only the views whose inputs changed."""
        self.headline.value = _headline(a, self.provider)
        self.ranks_table.value = _ranks_html(a, self.measure, self.provider)
        if self._shown.changed("ranking", (a.quarter, self.measure)):
            redraw(self.ranking_chart, measure_ranking(a, self.measure))
            self.ranking_summary.value = paragraph(self.ranking_chart.spec["description"])
        if self._shown.changed("provider", (a.quarter, self.provider)):
            redraw(self.waiting_chart, waiting_times(a, self.provider))
            self.waiting_summary.value = paragraph(self.waiting_chart.spec["description"])
            self.acceptance_table.value = _acceptance_html(a, self.provider)
            self.acceptance_summary.value = paragraph(summarise_acceptance(a, self.provider))
        self._save()


# -- text views -------------------------------------------------------------------------


def _share(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.0%}"


def _headline(a: MeasureAnalysis, provider: str) -> str:
    row = a.figures(provider)
    if row is None:
        return paragraph(f"There are no referrals to {provider} in {quarter_text(a)}.")
    signs = []
    bunching, creaming = row["bunching_index"], row["creaming_index"]
    if not math.isnan(bunching):
        signs.append(f"bunching index {bunching:.1f}"
                     + (" (a sign worth asking about)" if bunching >= BUNCHING_SIGN else ""))
    if not math.isnan(creaming):
        signs.append(f"creaming index {creaming:.2f}"
                     + (" (a sign worth asking about)" if creaming <= CREAMING_SIGN else ""))
    return (
        f"<p><strong>{html.escape(provider)}</strong> ({html.escape(quarter_text(a))}): "
        f"{row['referrals']:,} referrals, {_share(row['acceptance_rate'])} taken on; "
        f"{_share(row['target_met'])} seen within {a.threshold_days} days; "
        f"{_share(row['improved_rate'])} of those taken on improved, "
        f"{_share(row['outcomes_per_referral'])} of everyone referred. "
        f"{html.escape(_sentence('; '.join(signs)))}</p>"
    )


def _acceptance_html(a: MeasureAnalysis, provider: str) -> str:
    mine, everyone = a.acceptance_by_complexity(provider), a.acceptance_by_complexity()
    rows = "".join(
        f"<tr><th scope='row'>{level.capitalize()}</th>"
        f"<td style='text-align:right'>{referrals:,}</td>"
        f"<td style='text-align:right'>{accepted:,}</td>"
        f"<td style='text-align:right'><strong>{_share(rate)}</strong></td>"
        f"<td style='text-align:right'>{_share(overall)}</td></tr>"
        for level, referrals, accepted, rate, overall in zip(
            mine.index, mine["referrals"].tolist(), mine["accepted"].tolist(),
            mine["acceptance_rate"].tolist(), everyone["acceptance_rate"].tolist(), strict=True)
    )
    return (f"<table><caption>Referrals taken on by {html.escape(provider)}, by complexity, "
            f"{html.escape(quarter_text(a))}</caption><thead><tr>"
            "<th scope='col'>Complexity</th><th scope='col'>Referred</th>"
            "<th scope='col'>Taken on</th><th scope='col'>Share taken on</th>"
            "<th scope='col'>All providers</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>")


def _sentence(text: str) -> str:
    return f"{text[:1].upper()}{text[1:]}." if text else ""


def _ranks_html(a: MeasureAnalysis, measure: str, provider: str) -> str:
    ranks = a.ranks()
    head = "".join(
        f"<th scope='col'>{html.escape(_BUTTONS[m])}{' (shown)' if m == measure else ''}</th>"
        for m in MEASURES)
    rows = []
    for name, row in zip(ranks.index, ranks.itertuples(index=False), strict=True):
        cells = "".join(
            f"<td style='text-align:right'>{'<strong>' if m == measure else ''}{rank}"
            f"{'</strong>' if m == measure else ''}</td>"
            for m, rank in zip(MEASURES, row, strict=True))
        chosen = " (chosen)" if name == provider else ""
        rows.append(f"<tr><th scope='row'>{html.escape(str(name))}{chosen}</th>{cells}</tr>")
    return (f"<table><caption>Rank under each measure, {html.escape(quarter_text(a))} "
            "(1 is best)</caption>"
            f"<thead><tr><th scope='col'>Provider</th>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")
