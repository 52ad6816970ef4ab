"""A neighbourhood drawn twice: as its assets, and as its needs.

Asset-based community development (ABCD; Kretzmann and McKnight, *Building
Communities from the Inside Out*, 1993, https://www.nurturedevelopment.org/glossary/)
maps what a place already has before asking what it lacks. McKnight and Russell
(2018, "Four Essential Elements") group a neighbourhood's assets under six
types: individual gifts and skills, associations, institutions, physical places,
the local economy, and culture and stories
(https://suttoncoldfieldnns.blogspot.com/p/asset-based-community-development-abcd.html).
Associations are voluntary and work by consent; institutions are paid,
structured and hierarchical (same source). Cormac Russell's starting point is to
find "what is strong, not what is wrong"
(https://www.nurturedevelopment.org/uncategorized/survival-of-the-kindest-podcast-decentering-the-professional-with-cormac-russell/).

:class:`AssetAnalysis` counts a neighbourhood's assets by type, finds its
connectors (the people and groups that link others) and how many links each
has, flags the types with few or no assets (gaps), splits community-led from
institution-led, and sets the asset map against a deficit map of the same
places: which neighbourhood looks worst on needs, and which is richest in assets.

A caution that goes with every asset map: be aware of "romanticizing community
assets or using ABCD to justify service cuts"
(https://communitymap.ca/textbook/part-ii-mapping-community-assets/asset-based-community-development/).
A place rich in associations still needs its services; the map shows where to
start, not what can be taken away.

The assets and needs shipped with the course describe Ashworth, a borough that
does not exist: every figure in them is synthetic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from ..data.assets import ASSET_TYPES, LED_BY, parse_links

#: The six asset types (McKnight and Russell, 2018), as learners see them.
TYPE_LABELS = {
    "gifts": "Individual gifts and skills",
    "associations": "Associations",
    "institutions": "Institutions",
    "places": "Physical places",
    "economy": "Local economy",
    "culture": "Culture and stories",
}
LED_BY_LABELS = {"community": "Community-led", "institution": "Institution-led"}

_ASSET_COLUMNS = ["asset_id", "neighbourhood", "asset_type", "name", "led_by", "connector",
                  "links_to"]
_NEED_COLUMNS = ["neighbourhood", "indicator", "percent"]


def _types(types: Iterable[str]) -> tuple[str, ...]:
    """Return asset types checked, without repeats, in the standard order."""
    chosen = set(types)
    unknown = sorted(chosen - set(ASSET_TYPES))
    if unknown:
        raise ValueError(f"{', '.join(map(repr, unknown))} is not an asset type; use any of "
                         f"{', '.join(ASSET_TYPES)}")
    return tuple(kind for kind in ASSET_TYPES if kind in chosen)


@dataclass(frozen=True, eq=False)
class AssetAnalysis:
    """The assets of one neighbourhood, its connectors and gaps, against its needs.

    Parameters
    ----------
    assets : pandas.DataFrame
        An asset map as returned by :func:`compass_widgets.data.assets.load_assets`:
        ``asset_id``, ``neighbourhood``, ``asset_type`` (one of the six types),
        ``name``, ``led_by`` (``community`` or ``institution``), ``connector``
        (bool) and ``links_to`` (linked ids separated by semicolons, or ``none``).
        Links count both ways: if A links to B, B is linked with A; a link from an
        asset to itself is ignored, and a link to an id not in the map is refused.
    needs : pandas.DataFrame, optional
        A needs map as returned by :func:`compass_widgets.data.needs.load_needs`:
        ``neighbourhood``, ``indicator`` and ``percent``, where a higher percentage
        always means more need.
    neighbourhood : str, optional
        The neighbourhood looked at; by default the first in alphabetical order.
    types : iterable of str
        The asset types shown (codes such as ``"associations"``); by default all six.
    connectors_only : bool
        Keep only connectors and the assets they link to in :meth:`network`.
    few : int
        A type with this many assets or fewer in the neighbourhood is a gap.

    Examples
    --------
    >>> assets = pd.DataFrame({
    ...     "asset_id": ["A1", "A2", "A3", "B1"],
    ...     "neighbourhood": ["Vale", "Vale", "Vale", "Brook"],
    ...     "asset_type": ["associations", "associations", "institutions", "places"],
    ...     "name": ["Lunch club", "Walking group", "GP practice", "Park"],
    ...     "led_by": ["community", "community", "institution", "institution"],
    ...     "connector": [True, False, False, False],
    ...     "links_to": ["A2;A3;B1", "none", "none", "none"],
    ... })
    >>> analysis = AssetAnalysis(assets, neighbourhood="Vale")
    >>> int(analysis.by_type().loc["associations", "assets"])
    2
    >>> analysis.gaps()
    ['gifts', 'institutions', 'places', 'economy', 'culture']
    >>> analysis.connectors()[["name", "links", "links_outside"]].to_dict("records")
    [{'name': 'Lunch club', 'links': 3, 'links_outside': 1}]
    """

    assets: pd.DataFrame = field(repr=False)
    needs: pd.DataFrame | None = field(default=None, repr=False)
    neighbourhood: str | None = None
    types: tuple[str, ...] = ASSET_TYPES
    connectors_only: bool = False
    few: int = 1
    # Tables worked out from ``assets`` and ``needs``, shared by every analysis made
    # from this one (``replace`` passes it on), so choosing another neighbourhood or
    # type never works out the same table twice. Keys name the choices they depend on.
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if (self._cache.get("assets") is not self.assets
                or self._cache.get("needs") is not self.needs):
            object.__setattr__(self, "_cache", {"assets": self.assets, "needs": self.needs})
        missing = [c for c in _ASSET_COLUMNS if c not in self.assets.columns]
        if missing:
            raise ValueError(f"the asset map needs the column(s) {', '.join(missing)}; load it "
                             "with load_assets(), which checks every column")
        if self.needs is not None:
            missing = [c for c in _NEED_COLUMNS if c not in self.needs.columns]
            if missing:
                raise ValueError(f"the needs map needs the column(s) {', '.join(missing)}; "
                                 "load it with load_needs(), which checks every column")
        if self.few < 0:
            raise ValueError(f"few must be 0 or more, not {self.few}")
        object.__setattr__(self, "types", _types(self.types))
        places = self.neighbourhoods
        if not places:
            raise ValueError("there are no neighbourhoods: add at least one asset")
        self._linked()  # checks every link once, so a broken one is reported at once
        if self.neighbourhood is None:
            object.__setattr__(self, "neighbourhood", places[0])
        elif self.neighbourhood not in places:
            raise ValueError(f"neighbourhood {self.neighbourhood!r} is not in the data; choose "
                             f"one of {', '.join(places)}")

    # -- derived data ------------------------------------------------------------
    def _memo(self, name: str, compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """Compute a derived table once (it never changes); return a copy."""
        if name not in self._cache:
            self._cache[name] = compute()
        return self._cache[name].copy()  # type: ignore[no-any-return]

    @property
    def neighbourhoods(self) -> list[str]:
        """Every neighbourhood in the asset map or the needs map, sorted."""
        if "neighbourhoods" not in self._cache:
            names = set(self.assets["neighbourhood"])
            if self.needs is not None:
                names |= set(self.needs["neighbourhood"])
            self._cache["neighbourhoods"] = sorted(names)
        return list(self._cache["neighbourhoods"])

    @property
    def links(self) -> pd.DataFrame:
        """Every link in the whole map once, as ``source`` and ``target`` ids (source < target).

        A link written in both directions, or twice, counts once.

        Raises
        ------
        ValueError
            If an asset links to an id that is not in the map.
        """
        return self._memo("links", self._links)

    def _links(self) -> pd.DataFrame:
        known = set(self.assets["asset_id"])
        pairs = set()
        for asset_id, text in zip(self.assets["asset_id"], self.assets["links_to"], strict=True):
            for other in parse_links(str(text)):
                if other not in known:
                    raise ValueError(f"asset {asset_id} links to {other!r}, which is not in the "
                                     "asset map; correct links_to or add the asset")
                if other != asset_id:
                    pairs.add((min(asset_id, other), max(asset_id, other)))
        return pd.DataFrame(sorted(pairs), columns=["source", "target"], dtype=object)

    def _linked(self) -> dict[str, set[str]]:
        """Return each asset's linked assets, both ways (not a copy: never change it)."""
        if "linked" not in self._cache:
            linked: dict[str, set[str]] = {a: set() for a in self.assets["asset_id"]}
            for a, b in zip(self.links["source"], self.links["target"], strict=True):
                linked[a].add(b)
                linked[b].add(a)
            self._cache["linked"] = linked
        return self._cache["linked"]  # type: ignore[no-any-return]

    def _table(self) -> pd.DataFrame:
        """Every asset with its label, links and links to other neighbourhoods (not a copy)."""
        if "table" not in self._cache:
            table = self.assets.loc[:, _ASSET_COLUMNS[:-1]].copy()
            linked = self._linked()
            place = dict(zip(self.assets["asset_id"], self.assets["neighbourhood"], strict=True))
            table["type_label"] = table["asset_type"].map(TYPE_LABELS)
            table["links"] = [len(linked[a]) for a in table["asset_id"]]
            table["links_outside"] = [sum(place[b] != place[a] for b in linked[a])
                                      for a in table["asset_id"]]
            self._cache["table"] = table
        return self._cache["table"]  # type: ignore[no-any-return]

    def _here(self) -> pd.DataFrame:
        """Return the assets of the neighbourhood, of the types shown (not a copy)."""
        key = f"here:{self._place}"
        if key not in self._cache:
            table = self._table()
            self._cache[key] = table[(table["neighbourhood"] == self.neighbourhood)
                                     & table["asset_type"].isin(self.types)]
        return self._cache[key]  # type: ignore[no-any-return]

    @property
    def _place(self) -> str:
        """The neighbourhood and types chosen, as a key for the tables that depend on them."""
        return f"{self.neighbourhood}|{','.join(self.types)}"

    @property
    def view(self) -> pd.DataFrame:
        """The assets of the neighbourhood, of the types shown.

        Adds ``type_label``, ``links`` (how many assets it is linked with, anywhere)
        and ``links_outside`` (how many of those are in other neighbourhoods).
        """
        return self._here().copy()

    # -- new analyses (the model never mutates) ---------------------------------
    def filter(self, neighbourhood: str | None = None, types: Iterable[str] | None = None,
               connectors_only: bool | None = None) -> AssetAnalysis:
        """Return the analysis of another neighbourhood, other types or only the connectors."""
        return replace(
            self,
            neighbourhood=self.neighbourhood if neighbourhood is None else neighbourhood,
            types=self.types if types is None else tuple(types),
            connectors_only=self.connectors_only if connectors_only is None else connectors_only,
        )

    # -- the asset map -------------------------------------------------------------
    def counts(self) -> pd.DataFrame:
        """Assets per type per neighbourhood, for the whole map and all six types.

        One row per neighbourhood (all of them, sorted, including any that appear
        only in the needs map), one column per type, in the standard order.
        """
        return self._memo("counts", self._counts)

    def _counts(self) -> pd.DataFrame:
        table = pd.crosstab(self.assets["neighbourhood"], self.assets["asset_type"])
        table = table.reindex(index=self.neighbourhoods, columns=list(ASSET_TYPES), fill_value=0)
        table.index.name, table.columns.name = "neighbourhood", None
        return table.astype(int)

    def by_type(self) -> pd.DataFrame:
        """Assets of each type shown in the neighbourhood, and who leads them.

        One row per type shown, in the standard order, even when there are none:
        ``label``, ``assets``, ``community_led``, ``institution_led``,
        ``connectors`` and ``gap`` (``assets`` is ``few`` or fewer).
        """
        return self._memo(f"by_type:{self._place}|{self.few}", self._by_type)

    def _by_type(self) -> pd.DataFrame:
        counts = {kind: [0, 0, 0, 0] for kind in self.types}  # assets, community, inst., hubs
        for kind, led_by, hub in zip(*(self._here()[c] for c in ("asset_type", "led_by",
                                                                  "connector")), strict=True):
            row = counts[kind]
            row[0] += 1
            row[1] += led_by == "community"
            row[2] += led_by == "institution"
            row[3] += bool(hub)
        table = pd.DataFrame.from_dict(
            counts, orient="index",
            columns=["assets", "community_led", "institution_led", "connectors"]
        ).astype(int)
        table.insert(0, "label", [TYPE_LABELS[kind] for kind in table.index])
        table["gap"] = table["assets"] <= self.few
        table.index.name = "asset_type"
        return table

    def gaps(self) -> list[str]:
        """Return the types shown that have ``few`` or fewer assets in the neighbourhood."""
        table = self.by_type()
        return list(table.index[table["gap"]])

    def leadership(self) -> pd.DataFrame:
        """Community-led and institution-led assets in the neighbourhood (types shown).

        One row for each of ``community`` and ``institution``: ``assets`` and
        ``share`` (0 when there are no assets).
        """
        here = self._here()
        counts = here["led_by"].value_counts().reindex(list(LED_BY), fill_value=0).astype(int)
        total = int(counts.sum())
        return pd.DataFrame({"assets": counts,
                             "share": counts / total if total else counts * 0.0})

    def connectors(self) -> pd.DataFrame:
        """Return the neighbourhood's connectors (types shown), most links first.

        Indexed by ``asset_id``: ``name``, ``type_label``, ``led_by``, ``links``,
        ``links_outside`` and ``linked`` (the names of the assets it is linked
        with, in alphabetical order, joined by semicolons).
        """
        return self._memo(f"connectors:{self._place}", self._connectors)

    def _connectors(self) -> pd.DataFrame:
        here = self._here()
        found = here[here["connector"].astype(bool)]
        names = dict(zip(self.assets["asset_id"], self.assets["name"], strict=True))
        linked = self._linked()
        table = found.assign(linked=["; ".join(sorted(names[b] for b in linked[a]))
                                     for a in found["asset_id"]])
        table = table.sort_values(["links", "name"], ascending=[False, True])
        return table.set_index("asset_id")[["name", "type_label", "led_by", "links",
                                            "links_outside", "linked"]]

    def network(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Return the nodes and edges of the neighbourhood's network, laid out to draw.

        Nodes are the assets of the types shown (only connectors and the assets
        they link to, if ``connectors_only``), with ``x`` from 0 to 1, ``y`` the
        row of their type (0 for the first type shown) and ``slot`` their place in
        the row (0 for the first); connectors come first in their row, then the
        others by name. Edges are the links between
        two nodes (only links with a connector at one end, if ``connectors_only``),
        with the positions of both ends: ``x``, ``y``, ``x2``, ``y2``.
        """
        key = f"network:{self._place}|{self.connectors_only}"
        if key not in self._cache:
            self._cache[key] = self._network()
        nodes, edges = self._cache[key]
        return nodes.copy(), edges.copy()

    def _network(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        # A neighbourhood has a few dozen assets: plain records are quicker than pandas.
        here = self._here()
        records = here.to_dict("records")
        ids = {r["asset_id"] for r in records}
        pairs = [(a, b) for a, b in zip(self.links["source"], self.links["target"], strict=True)
                 if a in ids and b in ids]
        if self.connectors_only:
            hubs = {r["asset_id"] for r in records if r["connector"]}
            pairs = [(a, b) for a, b in pairs if a in hubs or b in hubs]
            ids = hubs | {a for pair in pairs for a in pair}
        # By type (in the standard order), connectors first, then by name.
        records = sorted((r for r in records if r["asset_id"] in ids),
                         key=lambda r: (ASSET_TYPES.index(r["asset_type"]), not r["connector"],
                                        r["name"]))
        per_row: dict[str, int] = {}
        for r in records:
            per_row[r["asset_type"]] = per_row.get(r["asset_type"], 0) + 1
        seen: dict[str, int] = {}
        for r in records:
            slot = seen[r["asset_type"]] = seen.get(r["asset_type"], -1) + 1
            r.update(x=(slot + 0.5) / per_row[r["asset_type"]],
                     y=self.types.index(r["asset_type"]), slot=slot)
        nodes = pd.DataFrame(records, columns=[*here.columns, "x", "y", "slot"])
        where = {r["asset_id"]: (r["x"], r["y"]) for r in records}
        edges = pd.DataFrame(
            [(a, b, *where[a], *where[b]) for a, b in pairs],
            columns=["source", "target", "x", "y", "x2", "y2"])
        return nodes, edges

    # -- the needs map -------------------------------------------------------------
    @property
    def has_needs(self) -> bool:
        """Whether a needs map was given."""
        return self.needs is not None

    def needs_table(self) -> pd.DataFrame:
        """Every need figure as a table: one row per neighbourhood, one column per indicator.

        Indicators in the order they first appear; empty if no needs map was given.
        """
        return self._memo("needs_table", self._needs_table)

    def _needs_table(self) -> pd.DataFrame:
        if self.needs is None:
            return pd.DataFrame(index=pd.Index([], name="neighbourhood"))
        order = list(dict.fromkeys(self.needs["indicator"]))
        table = self.needs.pivot_table(index="neighbourhood", columns="indicator",
                                       values="percent", aggfunc="first")
        table = table.reindex(columns=order)
        table.columns.name = None
        return table

    def needs_profile(self) -> pd.DataFrame:
        """Return the neighbourhood's needs, each against the other neighbourhoods.

        One row per indicator it has a figure for: ``percent``, ``average`` (the
        mean over every neighbourhood with a figure), ``rank`` (1 = highest, the
        most need; ties share the better rank) and ``of`` (how many
        neighbourhoods have a figure).
        """
        return self._memo(f"needs_profile:{self.neighbourhood}", self._needs_profile)

    def _needs_profile(self) -> pd.DataFrame:
        table = self.needs_table()
        columns = ["percent", "average", "rank", "of"]
        if self.neighbourhood not in table.index:
            return pd.DataFrame(columns=columns, index=pd.Index([], name="indicator"))
        ranks = table.rank(ascending=False, method="min")
        profile = pd.DataFrame({
            "percent": table.loc[self.neighbourhood],
            "average": table.mean(),
            "rank": ranks.loc[self.neighbourhood],
            "of": table.notna().sum(),
        }).dropna(subset=["percent"])
        profile["rank"] = profile["rank"].astype(int)
        profile["of"] = profile["of"].astype(int)
        profile.index.name = "indicator"
        return profile[columns]

    def contrast(self) -> pd.DataFrame:
        """Each neighbourhood on the needs map and on the asset map, side by side.

        One row per neighbourhood, sorted by ``need_rank``:

        - ``need_index``: the mean, over the indicators it has figures for, of its
          figure divided by the average of every neighbourhood's figure. 1 means
          average; 1.3 means its need figures are 30% above average, on average.
          Empty if it has no figures.
        - ``need_rank``: 1 = looks worst on needs (the highest ``need_index``).
        - ``highest_on``: how many indicators it has the highest figure on (shared or not).
        - ``assets`` (all six types) and ``connectors``.
        - ``asset_rank``: 1 = richest in assets; ties go to more connectors, then
          alphabetical order.

        Neighbourhoods with no need figures come last, with no ``need_rank``.
        """
        return self._memo("contrast", self._contrast)

    def _contrast(self) -> pd.DataFrame:
        table = pd.DataFrame(index=pd.Index(self.neighbourhoods, name="neighbourhood"))
        needs = self.needs_table().reindex(self.neighbourhoods)
        table["need_index"] = (needs / needs.mean()).mean(axis=1)
        table["highest_on"] = (needs.rank(ascending=False, method="min") == 1).sum(axis=1)
        assets = self._table()
        table["assets"] = self.counts().sum(axis=1)
        table["connectors"] = (assets[assets["connector"].astype(bool)]
                               .groupby("neighbourhood").size()
                               .reindex(table.index, fill_value=0).astype(int))
        # Ties: more connectors first, then alphabetical (the index is sorted).
        order = table.sort_values(["assets", "connectors"], ascending=False, kind="stable").index
        table["asset_rank"] = pd.Series(range(1, len(order) + 1), index=order)
        scored = table[table["need_index"].notna()].sort_values(
            ["need_index", "asset_rank"], ascending=[False, True], kind="stable").index
        table["need_rank"] = pd.Series(range(1, len(scored) + 1), index=scored,
                                       dtype="Int64").reindex(table.index)
        table = table.loc[[*scored, *table.index.difference(scored, sort=False)]]
        return table[["need_index", "need_rank", "highest_on", "assets", "connectors",
                      "asset_rank"]]

    def worst_on_needs(self) -> str | None:
        """Return the neighbourhood that looks worst on the needs map (None without one)."""
        table = self.contrast()
        scored = table[table["need_index"].notna()]
        return None if scored.empty else str(scored.index[0])

    def richest_in_assets(self) -> str:
        """Return the neighbourhood with the most assets (ties: the most connectors)."""
        table = self.contrast()
        return str(table["asset_rank"].idxmin())
