"""ContractPortfolio: what a contract portfolio buys, what its KPIs say, and what they miss."""

from __future__ import annotations

import html
import math
from typing import Any

import ipywidgets as w
import pandas as pd
import traitlets as t

from ..charts.portfolio import (
    kpi_outcome_map,
    money,
    per_unit,
    spend_split,
    summarise_kpi_outcome,
)
from ..models.portfolio import ALL, CATEGORY_LABELS, SORTS, SPLITS, PortfolioAnalysis
from ..store import LearnerStore
from ._views import SavedChoices, Shown, chart_view, paragraph, redraw

STATE_KEY = "tool:ContractPortfolio"
#: The learner's choices, saved to the store: trait -> default.
CHOICES: dict[str, Any] = {"lot": ALL, "provider": ALL, "neighbourhood": ALL,
                           "split": "payment_basis", "sort": "annual_spend", "tolerance": 0}
MAX_TOLERANCE = 10
_SPLIT_BUTTONS = {"payment_basis": ("How it is paid", "Block, activity or outcome payments"),
                  "kpi_kind": ("What its KPIs measure",
                               "Counts of activity, speed and process, or outcomes for people")}


class ContractPortfolio(w.VBox):
    """Filter a contract portfolio and see its spend, its KPIs and what they cannot see.

    Controls (each labelled for screen readers and usable with the keyboard):
    *Lot*, *Provider* and *Neighbourhood* filter the contracts; *Split spend by*
    shows the spend by how it is paid or by what its KPIs measure; *Tolerance
    (points)* sets how far below its benchmark an outcome may fall before it counts
    as poor; *Sort contracts by* orders the table of contracts. Beside each chart a
    sentence says what it shows; the tabs below list the contracts whose KPIs are all
    met while outcomes are poor, every contract, and the figures by lot and provider
    (a table is filled when its tab is shown, so hidden tabs cost nothing).

    Parameters
    ----------
    contracts : pandas.DataFrame, optional
        A portfolio from :func:`compass_widgets.data.contracts.load_contracts`; by
        default the course's synthetic Ashworth portfolio.
    store : LearnerStore, optional
        Where to save the learner's choices; by default the learner's own store.
    module : str, optional
        The course module, such as ``"01"``. When given, every change is saved under
        the key ``tool:ContractPortfolio`` and restored when the tool is made again.

    Examples
    --------
    >>> portfolio = ContractPortfolio()
    >>> portfolio.lot_control.value = "Home care"  # as the learner would choose it
    >>> portfolio.analysis.contract_count, len(portfolio.analysis.blind_spots())
    (8, 2)
    """

    lot = t.Unicode(ALL, help="Lot shown, or 'All'.")
    provider = t.Unicode(ALL, help="Provider shown, or 'All'.")
    neighbourhood = t.Unicode(ALL, help="Neighbourhood shown (or 'Borough-wide'), or 'All'.")
    split = t.Unicode("payment_basis", help="Split spend by how it is paid ('payment_basis') "
                      "or by what its KPIs measure ('kpi_kind').")
    sort = t.Unicode("annual_spend", help="Order of the contracts table: a key of "
                     "compass_widgets.models.portfolio.SORTS.")
    tolerance = t.Int(0, help="Percentage points an outcome may fall below its benchmark "
                      "before it counts as poor (0 to 10).")
    analysis = t.Instance(PortfolioAnalysis, help="The analysis shown (read it, don't set it).")

    def __init__(self, contracts: pd.DataFrame | None = None, *,
                 store: LearnerStore | None = None, module: str | None = None) -> None:
        if contracts is None:
            from ..data.contracts import load_contracts

            contracts = load_contracts()
        self.module = module
        self.saved = SavedChoices(STATE_KEY, module, store)
        self._saving = False
        everything = PortfolioAnalysis(contracts)
        self._options = {"lot": [ALL, *everything.lots],
                         "provider": [ALL, *everything.providers],
                         "neighbourhood": [ALL, *everything.neighbourhoods]}
        chosen = self._restored()
        base = everything.filter(lot=chosen["lot"], provider=chosen["provider"],
                                 neighbourhood=chosen["neighbourhood"]).with_tolerance(
            chosen["tolerance"])
        style = {"description_width": "10em"}
        wide = w.Layout(width="30em")
        self.lot_control = w.Dropdown(options=self._options["lot"], value=chosen["lot"],
                                      description="Lot", style=style, layout=wide)
        self.provider_control = w.Dropdown(options=self._options["provider"],
                                           value=chosen["provider"], description="Provider",
                                           style=style, layout=wide)
        self.neighbourhood_control = w.Dropdown(
            options=self._options["neighbourhood"], value=chosen["neighbourhood"],
            description="Neighbourhood", style=style, layout=wide)
        self.split_control = w.ToggleButtons(
            options=[(label, key) for key, (label, _) in _SPLIT_BUTTONS.items()],
            value=chosen["split"], description="Split spend by",
            style={**style, "button_width": "auto"},
            tooltips=[tip for _, tip in _SPLIT_BUTTONS.values()],
        )
        self.tolerance_control = w.IntSlider(
            value=chosen["tolerance"], min=0, max=MAX_TOLERANCE, step=1,
            description="Tolerance (points)", style=style, layout=wide,
            continuous_update=False,  # one update when the slider is let go, not dozens
            tooltip="How far below its benchmark an outcome may fall before it counts as poor",
        )
        self.sort_control = w.Dropdown(
            options=[(label, key) for key, (label, _) in SORTS.items()], value=chosen["sort"],
            description="Sort contracts by", style=style, layout=wide)
        self.headline = w.HTML()
        self.spend_chart = chart_view(spend_split(base, chosen["split"]))
        self.spend_summary = w.HTML(paragraph(self.spend_chart.spec["description"]))
        self.map_chart = chart_view(kpi_outcome_map(base))
        self.map_summary = w.HTML(paragraph(self.map_chart.spec["description"]))
        self.blind_spots_table = w.HTML()
        self.contracts_table = w.HTML()
        self.lots_table = w.HTML()
        self.providers_table = w.HTML()
        self.tables = w.Tab(
            children=[self.blind_spots_table, self.contracts_table, self.lots_table,
                      self.providers_table],
            titles=["KPIs met, outcomes poor", "All contracts", "By lot", "By provider"],
        )
        look = w.VBox([w.HTML("<strong>Look at</strong>"), self.lot_control,
                       self.provider_control, self.neighbourhood_control])
        show = w.VBox([
            w.HTML("<strong>Show</strong>"), self.split_control, self.tolerance_control,
            w.HTML("<p style='max-width: 30em'>Tolerance: count an outcome as poor only when "
                   "it is worse than its benchmark by more than this many percentage "
                   "points.</p>"),
            self.sort_control,
        ])
        super().__init__([
            w.HBox([look, show], layout=w.Layout(flex_flow="row wrap")),
            self.headline,
            # The second chart wraps under the first when the notebook is narrow.
            w.HBox([w.VBox([self.spend_chart, self.spend_summary]),
                    w.VBox([self.map_chart, self.map_summary])],
                   layout=w.Layout(flex_flow="row wrap")),
            self.tables,
        ])
        self.add_class("compass-contract-portfolio")
        self._shown = Shown()
        # The charts above already show these choices: record them, not redraw them.
        self._shown.changed("spend", self._spend_inputs(base, chosen["split"]))
        self._shown.changed("map", self._map_inputs(base))
        self._ready = False  # the choices below are shown already: no reaction yet
        for name, value in chosen.items():
            setattr(self, name, value)
        self._ready = True
        self.analysis = base
        t.link((self.lot_control, "value"), (self, "lot"))
        t.link((self.provider_control, "value"), (self, "provider"))
        t.link((self.neighbourhood_control, "value"), (self, "neighbourhood"))
        t.link((self.split_control, "value"), (self, "split"))
        t.link((self.tolerance_control, "value"), (self, "tolerance"))
        t.link((self.sort_control, "value"), (self, "sort"))
        self.tables.observe(self._show_table, "selected_index")
        self._saving = module is not None

    def __repr__(self) -> str:
        a = self.analysis
        n, spots = a.contract_count, len(a.blind_spots())
        return (f"ContractPortfolio(lot={a.lot!r}, provider={a.provider!r}, "
                f"neighbourhood={a.neighbourhood!r}): {n} contract{'' if n == 1 else 's'}, "
                f"{money(a.total_spend())} a year; {spots} meet{'s' if spots == 1 else ''} "
                "every KPI with poor outcomes")

    # -- the learner's choices, saved and restored ------------------------------------
    @property
    def choices(self) -> dict[str, Any]:
        """The learner's current choices, as saved to the store."""
        return {name: getattr(self, name) for name in CHOICES}

    def _restored(self) -> dict[str, Any]:
        """Return the saved choices that still fit the data, and defaults for the rest."""
        chosen = dict(CHOICES)
        for name, value in self.saved.load().items():
            if name in chosen and self._allowed(name, value):
                chosen[name] = value
        return chosen

    def _allowed(self, name: str, value: object) -> bool:
        if name in self._options:
            return value in self._options[name]
        if name == "split":
            return value in SPLITS
        if name == "sort":
            return value in SORTS
        return isinstance(value, int) and not isinstance(value, bool) and (
            0 <= value <= MAX_TOLERANCE)

    @t.validate("lot", "provider", "neighbourhood", "split", "sort", "tolerance")
    def _valid_choice(self, proposal: t.Bunch) -> Any:
        name, value = proposal["trait"].name, proposal["value"]
        if not self._allowed(name, value):
            if name == "tolerance":
                raise t.TraitError(f"tolerance must be a whole number from 0 to "
                                   f"{MAX_TOLERANCE}, not {value!r}")
            options = self._options.get(name) or list(SPLITS if name == "split" else SORTS)
            raise t.TraitError(f"{value!r} is not a {name} here; choose one of "
                               f"{', '.join(options)}")
        return value

    def _save(self) -> None:
        """Save the learner's choices (after every change, once the views are up to date)."""
        if self._saving:
            self.saved.save(self.choices)

    # -- reactions: controls -> model --------------------------------------------
    @t.observe("lot", "provider", "neighbourhood")
    def _on_change_filter(self, change: t.Bunch) -> None:
        if self._ready:
            self.analysis = self.analysis.filter(lot=self.lot, provider=self.provider,
                                                 neighbourhood=self.neighbourhood)

    @t.observe("tolerance")
    def _on_change_tolerance(self, change: t.Bunch) -> None:
        if self._ready:
            self.analysis = self.analysis.with_tolerance(change["new"])

    @t.observe("split")
    def _on_change_split(self, change: t.Bunch) -> None:
        if self._ready:
            self._show(self.analysis)

    @t.observe("sort")
    def _on_change_sort(self, change: t.Bunch) -> None:
        if self._ready:
            self._show(self.analysis)

    # -- model -> view -------------------------------------------------------------
    @t.observe("analysis")
    def _on_change_analysis(self, change: t.Bunch) -> None:
        self._show(change["new"])

    @staticmethod
    def _spend_inputs(a: PortfolioAnalysis, split: str) -> tuple[object, ...]:
        return (a.lot, a.provider, a.neighbourhood, split)

    @staticmethod
    def _map_inputs(a: PortfolioAnalysis) -> tuple[object, ...]:
        return (a.lot, a.provider, a.neighbourhood, a.tolerance)

    def _show(self, a: PortfolioAnalysis) -> None:
        """Update the figures, and redraw only the views whose inputs changed."""
        self.headline.value = _headline(a)
        if self._shown.changed("spend", self._spend_inputs(a, self.split)):
            redraw(self.spend_chart, spend_split(a, self.split))
            self.spend_summary.value = paragraph(self.spend_chart.spec["description"])
        if self._shown.changed("map", self._map_inputs(a)):
            redraw(self.map_chart, kpi_outcome_map(a))
            self.map_summary.value = paragraph(self.map_chart.spec["description"])
        self._show_table()
        self._save()

    def _show_table(self, change: t.Bunch | None = None) -> None:
        """Fill the table on the tab shown, if its inputs changed: hidden tabs wait."""
        a, index = self.analysis, self.tables.selected_index or 0
        name = ("blind_spots", "contracts", "lots", "providers")[index]
        if not self._shown.changed(f"table:{name}", (*self._map_inputs(a), self.sort
                                                     if name == "contracts" else None)):
            return
        if name == "blind_spots":
            self.blind_spots_table.value = _blind_spots_html(a)
        elif name == "contracts":
            self.contracts_table.value = _contracts_html(a, self.sort)
        elif name == "lots":
            self.lots_table.value = _groups_html(a.by_lot(), "Lot")
        else:
            self.providers_table.value = _groups_html(a.by_provider(), "Provider")


# -- text views -------------------------------------------------------------------------


def _headline(a: PortfolioAnalysis) -> str:
    if a.contract_count == 0:
        return paragraph(summarise_kpi_outcome(a))
    spots = a.blind_spots()
    kpis = len(a.view)
    return (
        f"<p><strong>{a.contract_count} contracts, {money(a.total_spend())} a year</strong>; "
        f"{a.kpi_compliance():.0%} of their {kpis} KPIs met. "
        f"<strong>{len(spots)} contract{'s' if len(spots) != 1 else ''} "
        f"({money(a.blind_spot_spend())}) {'meet' if len(spots) != 1 else 'meets'} every "
        "KPI while people's outcomes are worse than the benchmark.</strong></p>"
    )


def _cell(text: object, number: bool = False) -> str:
    style = " style='text-align:right'" if number else ""
    return f"<td{style}>{html.escape(str(text))}</td>"


def _table(caption: str, headings: list[str], rows: list[str]) -> str:
    head = "".join(f"<th scope='col'>{html.escape(h)}</th>" for h in headings)
    return (f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def _rows(table: pd.DataFrame) -> list[Any]:
    """Return a small table's rows as named tuples (the index is ``Index``)."""
    return list(table.itertuples())


def _unit_cost(cost: float, unit: str) -> str:
    return "—" if math.isnan(cost) else f"£{cost:,.2f} per {per_unit(unit)}"


def _outcome(measure: str, value: float, benchmark: float) -> str:
    return f"{measure.removesuffix(' (%)')}: {value:.1f}% (benchmark {benchmark:.1f}%)"


def _blind_spots_html(a: PortfolioAnalysis) -> str:
    rows = [
        f"<tr>{_cell(r.Index)}{_cell(r.provider)}{_cell(r.lot)}{_cell(r.neighbourhood)}"
        f"{_cell(money(r.annual_spend), True)}{_cell(f'{r.kpis_met} of {r.kpis}', True)}"
        f"{_cell(_outcome(r.outcome_measure, r.outcome_pct, r.outcome_benchmark_pct))}</tr>"
        for r in _rows(a.blind_spots())
    ]
    caption = ("Contracts meeting every KPI while people's outcomes are worse than the "
               "benchmark" + (f" by more than {a.tolerance:g} points" if a.tolerance else ""))
    if not rows:
        return f"<p>{html.escape(caption)}: none.</p>"
    return _table(caption, ["Contract", "Provider", "Lot", "Neighbourhood", "Annual spend",
                            "KPIs met", "Outcome for people"], rows)


def _contracts_html(a: PortfolioAnalysis, sort: str) -> str:
    labels = CATEGORY_LABELS["payment_basis"]
    rows = []
    for r in _rows(a.sorted_contracts(sort)):
        flag = ("Every KPI met, outcome poor" if r.blind_spot else
                "KPI missed, outcome better" if r.hidden_strength else "")
        rows.append(
            f"<tr>{_cell(r.Index)}{_cell(r.lot)}{_cell(r.provider)}{_cell(r.neighbourhood)}"
            f"{_cell(money(r.annual_spend), True)}"
            f"{_cell(_unit_cost(r.unit_cost, r.unit), True)}"
            f"{_cell(labels[r.payment_basis])}{_cell(f'{r.kpis_met} of {r.kpis}', True)}"
            f"{_cell(_outcome(r.outcome_measure, r.outcome_pct, r.outcome_benchmark_pct))}"
            f"{_cell(flag)}</tr>")
    return _table(f"Every contract ({SORTS[sort][0].lower()})",
                  ["Contract", "Lot", "Provider", "Neighbourhood", "Annual spend", "Unit cost",
                   "Paid", "KPIs met", "Outcome for people", "What the KPIs miss"], rows)


def _groups_html(table: pd.DataFrame, heading: str) -> str:
    rows = [
        f"<tr>{_cell(r.Index)}{_cell(r.contracts, True)}{_cell(money(r.annual_spend), True)}"
        f"{_cell(f'{r.spend_share:.0%}', True)}{_cell(_unit_cost(r.unit_cost, r.unit), True)}"
        f"{_cell(f'{r.kpi_compliance:.0%} of {r.kpis}', True)}{_cell(r.blind_spots, True)}</tr>"
        for r in _rows(table)
    ]
    return _table(f"Spend, unit cost and KPIs met by {heading.lower()}",
                  [heading, "Contracts", "Annual spend", "Share of spend", "Unit cost",
                   "KPIs met", "Every KPI met, outcome poor"], rows)
