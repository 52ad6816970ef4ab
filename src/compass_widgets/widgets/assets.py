"""AssetMap: a neighbourhood's assets, connectors and gaps, and the same place as needs."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w
import pandas as pd
import traitlets as t

from ..charts.assets import (
    asset_counts,
    asset_network,
    needs_and_assets,
    needs_profile,
)
from ..data.assets import ASSET_TYPES
from ..models.assets import LED_BY_LABELS, TYPE_LABELS, AssetAnalysis
from ..store import LearnerStore
from ._views import ChartMemory, SavedChoices, Shown, chart_view, paragraph

STATE_KEY = "tool:AssetMap"
VIEWS = ("assets", "needs")
REMEMBER = 64  # charts kept for choices shown before


class AssetMap(w.VBox):
    """Map a neighbourhood's assets by type, find its connectors, and set it against its needs.

    Controls (each labelled for screen readers and usable with the keyboard):
    *Neighbourhood* chooses the place; *Show* switches between its asset map and
    its needs map; one tick box per asset type chooses the types shown; *Only
    connectors and their links* narrows the network to the people and groups
    who link others. Beside each chart a sentence says what it shows, and a
    table lists the connectors.

    Parameters
    ----------
    assets : pandas.DataFrame, optional
        An asset map from :func:`compass_widgets.data.assets.load_assets`; by
        default the course's synthetic Ashworth map.
    needs : pandas.DataFrame, optional
        A needs map from :func:`compass_widgets.data.needs.load_needs`. With the
        course's asset map it defaults to the course's needs map; with your own
        asset map there is none unless you give one, and the *Needs map* button is
        switched off.
    store : LearnerStore, optional
        Where to save the learner's choices; by default the learner's own store.
    module : str, optional
        The course module, such as ``"05"``. When given, every change is saved under
        the key ``tool:AssetMap`` and restored when the tool is made again.
    neighbourhood : str, optional
        The neighbourhood to start with (unless a saved choice says otherwise); by
        default the first in alphabetical order.

    Examples
    --------
    >>> tool = AssetMap()
    >>> tool.neighbourhood_control.value = "Station Fields"
    >>> len(tool.analysis.connectors())
    5
    >>> tool.type_controls["associations"].value = False
    >>> tool.types
    ['gifts', 'institutions', 'places', 'economy', 'culture']
    """

    neighbourhood = t.Unicode(help="The neighbourhood shown.")
    types = t.List(t.Unicode(), help="The asset types shown, as codes such as 'associations'.")
    connectors_only = t.Bool(False, help="Show only connectors and the assets they link to.")
    view = t.Enum(VIEWS, "assets", help="Which map is shown: 'assets' or 'needs'.")
    analysis = t.Instance(AssetAnalysis, help="The analysis shown (read it, don't set it).")

    def __init__(self, assets: pd.DataFrame | None = None, needs: pd.DataFrame | None = None,
                 *, store: LearnerStore | None = None, module: str | None = None,
                 neighbourhood: str | None = None) -> None:
        if assets is None:
            from ..data.assets import load_assets
            from ..data.needs import load_needs

            assets = load_assets()
            needs = load_needs() if needs is None else needs
        self.module = module
        self.saved = SavedChoices(STATE_KEY, module, store)
        self._saving = self._syncing = False
        base = AssetAnalysis(assets, needs, neighbourhood=neighbourhood)
        start, view = self._restored(base)
        style = {"description_width": "8em"}
        self.neighbourhood_control = w.Dropdown(
            options=base.neighbourhoods, value=start.neighbourhood, description="Neighbourhood",
            style=style)
        self.view_control = w.ToggleButtons(
            options=[("Asset map", "assets"), ("Needs map", "needs")], value=view,
            description="Show", style=style, disabled=not base.has_needs,
            tooltips=["What is strong: the assets of the place",
                      "What is wrong: the same place drawn as needs"])
        self.type_controls = {
            kind: w.Checkbox(value=kind in start.types, description=TYPE_LABELS[kind],
                             indent=False, layout=w.Layout(width="16em"))
            for kind in ASSET_TYPES
        }
        self.connectors_control = w.Checkbox(
            value=start.connectors_only, description="Only connectors and their links",
            indent=False, layout=w.Layout(width="24em"))
        self.headline = w.HTML()
        self.counts_chart = chart_view(asset_counts(start))
        self.counts_summary = w.HTML()
        self.network_chart = chart_view(asset_network(start))
        self.network_summary = w.HTML()
        self.connectors_table = w.HTML()
        self.needs_chart = chart_view(needs_profile(start))
        self.needs_summary = w.HTML()
        self.contrast_chart = chart_view(needs_and_assets(start))
        self.contrast_summary = w.HTML()
        types_box = w.VBox([
            w.HTML("<strong>Asset types shown</strong>"),
            w.HBox(list(self.type_controls.values()), layout=w.Layout(flex_flow="row wrap")),
            self.connectors_control,
        ])
        self.asset_panel = w.VBox([
            types_box,
            # The network wraps under the counts when the notebook is narrow.
            w.HBox([w.VBox([self.counts_chart, self.counts_summary]),
                    w.VBox([self.network_chart, self.network_summary])],
                   layout=w.Layout(flex_flow="row wrap")),
            self.connectors_table,
        ])
        self.needs_panel = w.VBox([
            w.HBox([w.VBox([self.needs_chart, self.needs_summary]),
                    w.VBox([self.contrast_chart, self.contrast_summary])],
                   layout=w.Layout(flex_flow="row wrap")),
        ])
        super().__init__([
            w.HBox([self.neighbourhood_control, self.view_control],
                   layout=w.Layout(flex_flow="row wrap")),
            self.headline,
            self.asset_panel,
            self.needs_panel,
        ])
        self.add_class("compass-asset-map")
        self._shown = Shown()
        # The charts just drawn for the first view, so they are not built twice.
        place, types = str(start.neighbourhood), ",".join(start.types)
        self._charts = ChartMemory(REMEMBER, {
            ("counts", place, types): self.counts_chart.spec,
            ("network", place, types, str(start.connectors_only)): self.network_chart.spec,
            ("needs", place): self.needs_chart.spec,
            ("contrast", place): self.contrast_chart.spec,
        })
        # The analysis first, then the view: their observers set the traits and draw,
        # so the links' first sync finds the controls and the traits already in step.
        self.analysis = start
        self.view = view
        t.link((self.neighbourhood_control, "value"), (self, "neighbourhood"))
        t.link((self.view_control, "value"), (self, "view"))
        t.link((self.connectors_control, "value"), (self, "connectors_only"))
        for box in self.type_controls.values():
            box.observe(self._on_change_type_box, "value")
        self._saving = module is not None

    def __repr__(self) -> str:
        a = self.analysis
        shown = int(a.by_type()["assets"].sum())
        connectors = len(a.connectors())
        return (f"AssetMap({a.neighbourhood!r}, {len(a.types)} of {len(ASSET_TYPES)} asset "
                f"types, {self.view} map): {shown} asset{'' if shown == 1 else 's'}, "
                f"{connectors} connector{'' if connectors == 1 else 's'}")

    # -- the learner's choices, saved and restored ------------------------------------
    @property
    def choices(self) -> dict[str, Any]:
        """The learner's current choices, as saved to the store."""
        a = self.analysis
        return {"neighbourhood": a.neighbourhood, "types": list(a.types),
                "connectors_only": a.connectors_only, "view": self.view}

    def _restored(self, base: AssetAnalysis) -> tuple[AssetAnalysis, str]:
        """Return ``base`` and the view as saved last time, keeping only what still fits."""
        saved = self.saved.load()
        if not saved:
            return base, "assets"
        place = saved.get("neighbourhood")
        types = saved.get("types")
        only = saved.get("connectors_only")
        view = saved.get("view")
        chosen = base.filter(
            neighbourhood=place if place in base.neighbourhoods else None,
            types=[k for k in types if k in ASSET_TYPES] if isinstance(types, list) else None,
            connectors_only=only if isinstance(only, bool) else None,
        )
        return chosen, view if view in VIEWS and (base.has_needs or view == "assets") else "assets"

    def _save(self) -> None:
        if self._saving:
            self.saved.save(self.choices)

    # -- reactions: controls -> model --------------------------------------------
    @t.validate("types")
    def _valid_types(self, proposal: t.Bunch) -> list[str]:
        chosen = list(proposal["value"])
        unknown = [kind for kind in chosen if kind not in ASSET_TYPES]
        if unknown:
            raise t.TraitError(f"{', '.join(map(repr, unknown))} is not an asset type; use any "
                               f"of {', '.join(ASSET_TYPES)}")
        return [kind for kind in ASSET_TYPES if kind in chosen]

    @t.validate("view")
    def _valid_view(self, proposal: t.Bunch) -> str:
        if proposal["value"] == "needs" and not self.analysis.has_needs:
            raise t.TraitError("there is no needs map to show: give one with needs=load_needs()")
        return str(proposal["value"])

    @t.observe("neighbourhood")
    def _on_change_neighbourhood(self, change: t.Bunch) -> None:
        if change["new"] != self.analysis.neighbourhood:
            self.analysis = self.analysis.filter(neighbourhood=change["new"])

    @t.observe("types")
    def _on_change_types(self, change: t.Bunch) -> None:
        self._syncing = True  # ticking the boxes to match is not a new choice
        try:
            for kind, box in self.type_controls.items():
                box.value = kind in change["new"]
        finally:
            self._syncing = False
        if tuple(change["new"]) != self.analysis.types:
            self.analysis = self.analysis.filter(types=change["new"])

    def _on_change_type_box(self, change: t.Bunch) -> None:
        if not self._syncing:
            self.types = [kind for kind, box in self.type_controls.items() if box.value]

    @t.observe("connectors_only")
    def _on_change_connectors_only(self, change: t.Bunch) -> None:
        if change["new"] != self.analysis.connectors_only:
            self.analysis = self.analysis.filter(connectors_only=change["new"])

    @t.observe("view")
    def _on_change_view(self, change: t.Bunch) -> None:
        self._draw(self.analysis)
        self._save()

    # -- model -> view -------------------------------------------------------------
    @t.observe("analysis")
    def _on_change_analysis(self, change: t.Bunch) -> None:
        a = change["new"]
        self.neighbourhood = str(a.neighbourhood)
        self.types = list(a.types)
        self.connectors_only = a.connectors_only
        self._draw(a)
        self._save()

    def _draw(self, a: AssetAnalysis) -> None:
        """Show the chosen map and redraw only its views whose inputs have changed.

        The hidden map is left alone until it is shown again: switching to it then
        draws whatever changed meanwhile.
        """
        assets = self.view == "assets"
        self.asset_panel.layout.display = "" if assets else "none"
        self.needs_panel.layout.display = "none" if assets else ""
        self.headline.value = _assets_headline(a) if assets else _needs_headline(a)
        place, types = str(a.neighbourhood), ",".join(a.types)
        if assets:
            if self._shown.changed("counts", (place, types)):
                spec = self._charts.show(self.counts_chart, ("counts", place, types),
                                         lambda: asset_counts(a))
                self.counts_summary.value = paragraph(spec["description"])
                self.connectors_table.value = _connectors_html(a)
            if self._shown.changed("network", (place, types, a.connectors_only)):
                spec = self._charts.show(self.network_chart,
                                         ("network", place, types, str(a.connectors_only)),
                                         lambda: asset_network(a))
                self.network_summary.value = paragraph(spec["description"])
        elif self._shown.changed("needs", (place,)):
            spec = self._charts.show(self.needs_chart, ("needs", place), lambda: needs_profile(a))
            self.needs_summary.value = paragraph(spec["description"])
            spec = self._charts.show(self.contrast_chart, ("contrast", place),
                                     lambda: needs_and_assets(a))
            self.contrast_summary.value = paragraph(spec["description"])


def _assets_headline(a: AssetAnalysis) -> str:
    total = int(a.by_type()["assets"].sum())
    led = a.leadership()["share"]
    gaps = [TYPE_LABELS[kind].lower() for kind in a.gaps()]
    connectors = len(a.connectors())
    return (
        f"<p><strong>{html.escape(str(a.neighbourhood))}</strong>: {total} asset"
        f"{'' if total == 1 else 's'} of the types shown, {connectors} connector"
        f"{'' if connectors == 1 else 's'}; {led['community']:.0%} community-led. "
        f"Gaps: {html.escape(', '.join(gaps)) if gaps else 'none'}.</p>"
    )


def _needs_headline(a: AssetAnalysis) -> str:
    place = html.escape(str(a.neighbourhood))
    profile = a.needs_profile()
    if profile.empty:
        return f"<p><strong>{place}</strong>: no need figures.</p>"
    rows = a.contrast().to_dict("index")[a.neighbourhood]
    return (
        f"<p><strong>{place}</strong>: highest of {int(profile['of'].max())} on "
        f"{int((profile['rank'] == 1).sum())} of {len(profile)} need indicators; "
        f"need figures {rows['need_index']:.2f} times the average. On the asset map it "
        f"comes {rows['asset_rank']} of {len(a.neighbourhoods)} (1 = richest).</p>"
    )


def _connectors_html(a: AssetAnalysis) -> str:
    table = a.connectors()
    place = html.escape(str(a.neighbourhood))
    if table.empty:
        return f"<p>No connectors among the asset types shown in {place}.</p>"
    rows = "".join(
        f"<tr><td>{html.escape(str(row['name']))}</td><td>{html.escape(row['type_label'])}</td>"
        f"<td>{html.escape(LED_BY_LABELS[row['led_by']])}</td>"
        f"<td style='text-align:right'>{row['links']}</td>"
        f"<td style='text-align:right'>{row['links_outside']}</td>"
        f"<td>{html.escape(row['linked'])}</td></tr>"
        for row in table.to_dict("records")
    )
    return (
        f"<table><caption>Connectors in {place}, most links first</caption>"
        "<thead><tr><th scope='col'>Connector</th><th scope='col'>Type</th>"
        "<th scope='col'>Led by</th><th scope='col'>Links</th>"
        "<th scope='col'>Links to other neighbourhoods</th><th scope='col'>Linked with</th>"
        f"</tr></thead><tbody>{rows}</tbody></table>"
    )
