"""StewardshipSimulator: compare two ways of stewarding a place over five years."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w
import traitlets as t

from ..charts.stewardship import (
    NOT_A_FORECAST,
    SHARE_STOCKS,
    spend_trend,
    stock_trends,
    summarise_routing,
    summarise_spend,
    summarise_stock,
)
from ..models.stewardship import (
    BASELINE,
    COMPARISON_ROWS,
    LEVER_RANGES,
    LEVERS,
    StewardshipModel,
    compare_scenarios,
)
from ..store import LearnerStore
from ._views import SavedChoices, Shown, chart_view, paragraph, redraw

STATE_KEY = "tool:StewardshipSimulator"
SCENARIOS = ("A", "B")

#: B's starting levers: more community capacity, standard routes for simple demand only,
#: and more discretion. A starts as Ashworth is today.
REBALANCED = {"community_share": 0.1, "standardisation": 0.6, "discretion": 0.6}

_LABELS = {"community_share": "Community budget", "standardisation": "Standard routes",
           "discretion": "Discretion"}
_TOOLTIPS = {
    "community_share": "Share of the budget spent on community capacity: groups, connectors, "
                       "small grants",
    "standardisation": "Share of new requests sent down standard routes: forms, scripts, "
                       "fixed criteria",
    "discretion": "How free front-line staff are to do what a person needs: 0 not at all, "
                  "1 fully",
}
_FORMATS = {"community_share": ".0%", "standardisation": ".0%", "discretion": ".2f"}
_STEPS = {"community_share": 0.01, "standardisation": 0.05, "discretion": 0.05}


class StewardshipSimulator(w.VBox):
    """Set three levers for two scenarios, A and B, and compare five years of each.

    Controls (each labelled for screen readers and usable with the keyboard): for each
    scenario, *Community budget* (share of the budget for community capacity, 0 to
    20%), *Standard routes* (share of requests sent down standard routes) and
    *Discretion* (how free front-line staff are, 0 to 1), each ending in "(A)" or
    "(B)". Under each scenario's levers a sentence says whether it standardises what it
    can and personalises what it must. Beside the charts, a sentence per stock compares
    the scenarios at the end, and a table sets out five-year totals. The model is an
    illustrative teaching model, not a forecast (see
    :class:`~compass_widgets.models.stewardship.StewardshipModel`).

    Parameters
    ----------
    a, b : StewardshipModel, optional
        The starting scenarios; by default A is Ashworth today and B rebalances it
        (10% for community capacity, 60% standard routes, discretion 0.6).
    store : LearnerStore, optional
        Where to save the learner's choices; by default the learner's own store.
    module : str, optional
        Save both scenarios' levers under this module as ``tool:StewardshipSimulator``
        whenever they change, and restore them when the tool is created again. Saved
        values outside a lever's range are ignored.

    Examples
    --------
    >>> sim = StewardshipSimulator()
    >>> sim.b_standardisation_control.value = 0.9
    >>> round(sim.scenario_b.final()["failure_demand"], 2)
    0.57
    """

    a_community_share = t.Float(BASELINE["community_share"],
                                help="A: share of the budget for community capacity.")
    a_standardisation = t.Float(BASELINE["standardisation"],
                                help="A: share of requests sent down standard routes.")
    a_discretion = t.Float(BASELINE["discretion"], help="A: front-line discretion, 0 to 1.")
    b_community_share = t.Float(REBALANCED["community_share"],
                                help="B: share of the budget for community capacity.")
    b_standardisation = t.Float(REBALANCED["standardisation"],
                                help="B: share of requests sent down standard routes.")
    b_discretion = t.Float(REBALANCED["discretion"], help="B: front-line discretion, 0 to 1.")
    scenario_a = t.Instance(StewardshipModel, help="Scenario A (read it, don't set it).")
    scenario_b = t.Instance(StewardshipModel, help="Scenario B (read it, don't set it).")

    def __init__(
        self,
        a: StewardshipModel | None = None,
        b: StewardshipModel | None = None,
        store: LearnerStore | None = None,
        module: str | None = None,
    ) -> None:
        self.module = module
        self.saved = SavedChoices(STATE_KEY, module, store)
        saved = self.saved.load()
        models = {
            "A": _restore(a or StewardshipModel(), saved.get("A")),
            "B": _restore(b or StewardshipModel().with_levers(**REBALANCED), saved.get("B")),
        }
        style = {"description_width": "12em"}
        self.controls: dict[str, dict[str, w.FloatSlider]] = {}
        self.routing_text: dict[str, w.HTML] = {}
        columns = []
        for scenario, model in models.items():
            self.controls[scenario] = {}
            for lever in LEVERS:
                low, high = LEVER_RANGES[lever]
                control = w.FloatSlider(
                    value=getattr(model, lever), min=low, max=high, step=_STEPS[lever],
                    readout_format=_FORMATS[lever], continuous_update=False,
                    description=f"{_LABELS[lever]} ({scenario})", tooltip=_TOOLTIPS[lever],
                    style=style, layout=w.Layout(width="32em"),
                )
                self.controls[scenario][lever] = control
                setattr(self, f"{scenario.lower()}_{lever}_control", control)
            self.routing_text[scenario] = w.HTML()
            columns.append(w.VBox([w.HTML(f"<strong>Scenario {scenario}</strong>"),
                                   *self.controls[scenario].values(),
                                   self.routing_text[scenario]],
                                  layout=w.Layout(width="34em")))
        self.stock_chart = chart_view(stock_trends(models))
        self.stock_summary = w.HTML()
        self.spend_chart = chart_view(spend_trend(models))
        self.spend_summary = w.HTML()
        self.totals_table = w.HTML()
        super().__init__([
            w.HBox(columns, layout=w.Layout(flex_flow="row wrap")),
            # Each summary wraps under its chart when the notebook is narrow.
            w.HBox([self.stock_chart, self.stock_summary], layout=w.Layout(flex_flow="row wrap")),
            w.HBox([self.spend_chart, self.spend_summary], layout=w.Layout(flex_flow="row wrap")),
            self.totals_table,
        ])
        self.add_class("compass-stewardship-simulator")
        self._shown = Shown()
        self._ready = False  # until every trait is set: showing saved choices is not a save
        for scenario, model in models.items():
            for lever in LEVERS:
                setattr(self, f"{scenario.lower()}_{lever}", getattr(model, lever))
        self.scenario_a = models["A"]
        self.scenario_b = models["B"]
        self._ready = True
        self._show()
        for scenario in SCENARIOS:
            for lever, control in self.controls[scenario].items():
                t.link((control, "value"), (self, f"{scenario.lower()}_{lever}"))

    def __repr__(self) -> str:
        a, b = self.scenario_a.final(), self.scenario_b.final()
        levers = "; ".join(
            f"{name}: " + ", ".join(f"{_LABELS[k].lower()} {v:.2f}" for k, v in m.levers.items())
            for name, m in (("A", self.scenario_a), ("B", self.scenario_b)))
        return (f"StewardshipSimulator({levers}): after {self.scenario_a.years} years trust "
                f"{a['trust']:.0%} vs {b['trust']:.0%}, failure demand "
                f"{a['failure_demand']:.0%} vs {b['failure_demand']:.0%}")

    @property
    def scenarios(self) -> dict[str, StewardshipModel]:
        """Both scenarios, as ``{"A": ..., "B": ...}``."""
        return {"A": self.scenario_a, "B": self.scenario_b}

    # -- reactions: controls -> model --------------------------------------------
    @t.validate(*(f"{s.lower()}_{lever}" for s in SCENARIOS for lever in LEVERS))
    def _valid_lever(self, proposal: t.Bunch) -> float:
        value = float(proposal["value"])
        lever = proposal["trait"].name[2:]
        low, high = LEVER_RANGES[lever]
        if not low <= value <= high:
            raise t.TraitError(f"{_LABELS[lever].lower()} must be from {low:g} to {high:g}, "
                               f"not {value}")
        return value

    @t.observe(*(f"a_{lever}" for lever in LEVERS))
    def _on_change_a_levers(self, change: t.Bunch) -> None:
        lever = change["name"][2:]
        if getattr(self, "_ready", False) and getattr(self.scenario_a, lever) != change["new"]:
            self.scenario_a = self.scenario_a.with_levers(**{lever: change["new"]})

    @t.observe(*(f"b_{lever}" for lever in LEVERS))
    def _on_change_b_levers(self, change: t.Bunch) -> None:
        lever = change["name"][2:]
        if getattr(self, "_ready", False) and getattr(self.scenario_b, lever) != change["new"]:
            self.scenario_b = self.scenario_b.with_levers(**{lever: change["new"]})

    # -- model -> view -------------------------------------------------------------
    @t.observe("scenario_a", "scenario_b")
    def _on_change_scenario(self, change: t.Bunch) -> None:
        if getattr(self, "_ready", False):
            self._show()
            self._save()

    def _show(self) -> None:
        scenarios = self.scenarios
        levers = tuple(tuple(m.levers.values()) for m in scenarios.values())
        # Every chart compares both scenarios, so a change to either redraws them; the
        # routing sentence under a scenario changes only with its own levers.
        for scenario, model in scenarios.items():
            if self._shown.changed(f"routing {scenario}", tuple(model.levers.values())):
                self.routing_text[scenario].value = paragraph(summarise_routing(model))
        if self._shown.changed("charts", levers):
            redraw(self.stock_chart, stock_trends(scenarios))
            self.stock_summary.value = _sentences_html(scenarios)
            redraw(self.spend_chart, spend_trend(scenarios))
            self.spend_summary.value = paragraph(summarise_spend(scenarios))
            self.totals_table.value = _totals_html(scenarios)

    def _save(self) -> None:
        self.saved.save({name: model.levers for name, model in self.scenarios.items()})


def _sentences_html(scenarios: dict[str, StewardshipModel]) -> str:
    """One sentence per stock, as a list: together they say what ``summarise_stocks`` says."""
    items = "".join(f"<li>{html.escape(summarise_stock(scenarios, stock))}</li>"
                    for stock in SHARE_STOCKS)
    return f"<div style='max-width: 32em'><ul>{items}</ul><p>{NOT_A_FORECAST}</p></div>"


def _format(measure: str, value: float) -> str:
    kind, key = COMPARISON_ROWS[measure]
    if key in ("spend", "community_investment"):
        return f"£{value:,.0f}"
    return f"{value:.0%}" if kind == "final" else f"{value:,.0f}"


def _totals_html(scenarios: dict[str, StewardshipModel]) -> str:
    table = compare_scenarios(scenarios)
    years = next(iter(scenarios.values())).years
    head = "".join(f"<th scope='col'>Scenario {html.escape(name)}</th>" for name in table.columns)
    rows = "".join(
        f"<tr><th scope='row'>{html.escape(str(measure))}</th>"
        + "".join(f"<td style='text-align:right'>{_format(str(measure), value)}</td>"
                  for value in row)
        + "</tr>"
        for measure, row in zip(table.index, table.to_numpy(), strict=True)
    )
    return (f"<table><caption>After {years} years, and totals over the {years} years "
            "(illustrative model, not a forecast)</caption>"
            f"<thead><tr><th scope='col'>Measure</th>{head}</tr></thead>"
            f"<tbody>{rows}</tbody></table>")


def _restore(model: StewardshipModel, saved: Any) -> StewardshipModel:
    """Apply saved levers that fit their ranges; ignore the rest."""
    if not isinstance(saved, dict):
        return model
    levers = {}
    for lever in LEVERS:
        value = saved.get(lever)
        low, high = LEVER_RANGES[lever]
        if isinstance(value, int | float) and not isinstance(value, bool) and low <= value <= high:
            levers[lever] = float(value)
    return model.with_levers(**levers)
