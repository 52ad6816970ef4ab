"""A contract portfolio: what it costs, what its KPIs say, and what they cannot see.

The transactional commissioning cycle (analyse, plan, do, review) ends each year in
contract monitoring: did each provider hit its key performance indicators (KPIs)?
:class:`PortfolioAnalysis` answers the questions a commissioner asks of a
portfolio, and one they often do not:

- what the money buys: spend, units delivered and the cost of a unit, per contract,
  lot and provider;
- how the portfolio is paid for (a fixed *block* sum, per unit of *activity*, or for
  *outcomes*), and what its KPIs measure (counts of activity, speed and process, or
  outcomes for people): specifications and KPIs encode what a commissioner values;
- how many KPIs are met, by lot and by provider;
- the contracts whose KPIs are all met while the people they serve fare worse than
  the benchmark: what the KPIs cannot see.

The Procurement Act 2023, in force since 24 February 2025, asks contracting
authorities to publish at least three KPIs for larger contracts (Quintin QS on the
Procurement Act 2023, https://quintinqs.com/procurement-act-2023): this tool asks
what such KPIs tell you about people's lives. The portfolio shipped with the course
is synthetic (see ``data/contracts.md``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from ..data.contracts import CONTRACT_COLUMNS, KPI_KINDS, PAYMENT_BASES

ALL = "All"

#: Ways to split spend: column -> what the split shows, for labels.
SPLITS = {"payment_basis": "how it is paid", "kpi_kind": "what its KPIs measure"}

#: Plain-English names of the payment bases and KPI kinds, in the order charts show them.
CATEGORY_LABELS = {
    "payment_basis": {
        "block": "A fixed sum (block)",
        "activity": "Per unit delivered (activity)",
        "outcome": "For results (outcome)",
    },
    "kpi_kind": {
        "activity": "Counting activity",
        "process": "Speed and process",
        "outcome": "Outcomes for people",
    },
}

#: Ways to sort the contracts: column -> (label, highest first?).
SORTS: dict[str, tuple[str, bool]] = {
    "annual_spend": ("Annual spend, highest first", True),
    "unit_cost": ("Unit cost, highest first", True),
    "kpi_compliance": ("KPIs met, fewest first", False),
    "outcome_gap": ("Outcome against benchmark, worst first", False),
    "contract_id": ("Contract reference", False),
}

_NEEDED = ("contract_id", *CONTRACT_COLUMNS, "kpi", "kpi_kind", "kpi_better", "kpi_target",
           "kpi_actual")


@dataclass(frozen=True, eq=False)
class PortfolioAnalysis:
    """Spend, unit costs, KPI compliance and outcomes in a contract portfolio.

    Definitions (every figure is for the contracts in scope, after the filters):

    - **unit cost** = annual spend / units delivered, in pounds per unit (an hour of
      home care, a bed-night...). Only contracts with the same unit can be compared,
      so a group mixing units has no unit cost.
    - a **KPI is met** when its result is at or above its target (``kpi_better`` is
      ``higher``) or at or below it (``lower``, such as days waited).
    - **KPI compliance** = KPIs met / KPIs, between 0 and 1.
    - **outcome gap** = how many percentage points the outcome for people is better
      (+) or worse (-) than its benchmark, whichever way "better" runs.
    - an outcome is **poor** when the gap is below ``-tolerance``.
    - a **blind spot** is a contract with every KPI met and a poor outcome: green on
      the dashboard, not for the people it serves. A **hidden strength** is the
      reverse: at least one KPI missed, outcome better than the benchmark by more
      than ``tolerance``.
    - **spend by what its KPIs measure** splits each contract's spend equally among
      its KPIs: a £90,000 contract with two activity KPIs and one outcome KPI puts
      £60,000 under "activity" and £30,000 under "outcome".

    Parameters
    ----------
    kpis : pandas.DataFrame
        One row per contract KPI, as returned by :func:`compass_widgets.load_contracts`.
    lot, provider, neighbourhood : str
        Keep only contracts in this lot / with this provider / in this neighbourhood;
        ``"All"`` keeps all.
    tolerance : float
        Percentage points an outcome may fall below its benchmark before it counts as
        poor; 0 (the default) counts any shortfall.

    Examples
    --------
    >>> kpis = pd.DataFrame({
    ...     "contract_id": ["A", "A", "B"], "lot": ["Care", "Care", "Care"],
    ...     "provider": ["P", "P", "Q"], "neighbourhood": ["Millbrook"] * 3,
    ...     "annual_spend": [900.0, 900.0, 100.0], "units_delivered": [30.0, 30.0, 4.0],
    ...     "unit": ["hours"] * 3, "payment_basis": ["activity", "activity", "block"],
    ...     "kpi": ["Hours delivered (%)", "Days to start", "Hours delivered (%)"],
    ...     "kpi_kind": ["activity", "process", "activity"],
    ...     "kpi_better": ["higher", "lower", "higher"],
    ...     "kpi_target": [95.0, 7.0, 95.0], "kpi_actual": [97.0, 5.0, 90.0],
    ...     "outcome_measure": ["Back in hospital (%)"] * 3,
    ...     "outcome_better": ["lower"] * 3, "outcome_pct": [20.0, 20.0, 10.0],
    ...     "outcome_benchmark_pct": [15.0, 15.0, 15.0],
    ... })
    >>> analysis = PortfolioAnalysis(kpis)
    >>> analysis.kpi_compliance()
    0.6666666666666666
    >>> analysis.blind_spots().index.tolist()
    ['A']
    >>> analysis.spend_by("payment_basis")["share"].tolist()
    [0.1, 0.9, 0.0]
    >>> analysis.with_tolerance(5).blind_spots().empty
    True
    """

    kpis: pd.DataFrame = field(repr=False)
    lot: str = ALL
    provider: str = ALL
    neighbourhood: str = ALL
    tolerance: float = 0.0
    # Tables of the whole portfolio, shared by every analysis derived from this one by
    # filter() or with_tolerance(): a filter only selects rows of them.
    _shared: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    _cache: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    _view: pd.DataFrame = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self._shared:
            missing = [c for c in _NEEDED if c not in self.kpis.columns]
            if missing:
                raise ValueError(
                    f"the portfolio needs the column{'s' if len(missing) > 1 else ''} "
                    f"{', '.join(missing)}; load it with load_contracts(), which checks "
                    "every column")
            self._share_whole_portfolio()
        if not math.isfinite(self.tolerance) or self.tolerance < 0:
            raise ValueError(f"tolerance must be 0 or more percentage points, not "
                             f"{self.tolerance}")
        for name, options in (("lot", self.lots), ("provider", self.providers),
                              ("neighbourhood", self.neighbourhoods)):
            value = getattr(self, name)
            if value != ALL and value not in options:
                raise ValueError(f"{name} {value!r} is not in the portfolio; choose one of "
                                 f"{', '.join([ALL, *options])}")
        kpis = self._shared["kpis"]
        object.__setattr__(self, "_view", kpis[self._in_scope(kpis)])

    def _share_whole_portfolio(self) -> None:
        """Work out, once, the KPI rows with ``met`` and the contracts of the whole portfolio."""
        kpis = self.kpis.loc[:, list(_NEEDED)]
        higher = kpis["kpi_better"] == "higher"
        kpis["met"] = (higher & (kpis["kpi_actual"] >= kpis["kpi_target"])) | (
            ~higher & (kpis["kpi_actual"] <= kpis["kpi_target"]))
        by_contract = kpis.groupby("contract_id", sort=True)
        table = by_contract[list(CONTRACT_COLUMNS)].first()
        units = table["units_delivered"]
        table["unit_cost"] = (table["annual_spend"] / units).where(units > 0)
        table["kpis"] = by_contract.size()
        table["kpis_met"] = by_contract["met"].sum().astype(int)
        table["kpi_compliance"] = table["kpis_met"] / table["kpis"]
        table["all_met"] = table["kpis_met"] == table["kpis"]
        difference = table["outcome_pct"] - table["outcome_benchmark_pct"]
        table["outcome_gap"] = difference.where(table["outcome_better"] == "higher", -difference)
        self._shared.update(
            kpis=kpis, contracts=table,
            lots=sorted(kpis["lot"].unique()),
            providers=sorted(kpis["provider"].unique()),
            neighbourhoods=sorted(kpis["neighbourhood"].unique()),
        )

    def _in_scope(self, table: pd.DataFrame) -> pd.Series:
        mask = pd.Series(True, index=table.index)
        for name in ("lot", "provider", "neighbourhood"):
            value = getattr(self, name)
            if value != ALL:
                mask &= table[name] == value
        return mask

    # -- derived data ------------------------------------------------------------
    def _table(self, name: str, compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """Compute a derived table once per analysis (it never changes): for use inside."""
        if name not in self._cache:
            self._cache[name] = compute()
        return self._cache[name]  # type: ignore[no-any-return]

    def _memo(self, name: str, compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """Return a copy of a derived table, so that changing it changes nothing here."""
        return self._table(name, compute).copy()

    @property
    def view(self) -> pd.DataFrame:
        """The KPI rows in scope, with a ``met`` column (bool)."""
        return self._view.copy()

    @property
    def lots(self) -> list[str]:
        """Every lot in the whole portfolio, sorted."""
        return list(self._shared["lots"])

    @property
    def providers(self) -> list[str]:
        """Every provider in the whole portfolio, sorted."""
        return list(self._shared["providers"])

    @property
    def neighbourhoods(self) -> list[str]:
        """Every neighbourhood in the whole portfolio (including "Borough-wide"), sorted."""
        return list(self._shared["neighbourhoods"])

    # -- new analyses (the model never mutates) ---------------------------------
    def filter(self, lot: str | None = None, provider: str | None = None,
               neighbourhood: str | None = None) -> PortfolioAnalysis:
        """Return the analysis limited to a lot, provider and/or neighbourhood ("All" for all)."""
        return replace(
            self,
            lot=self.lot if lot is None else lot,
            provider=self.provider if provider is None else provider,
            neighbourhood=self.neighbourhood if neighbourhood is None else neighbourhood,
        )

    def with_tolerance(self, tolerance: float) -> PortfolioAnalysis:
        """Return the analysis with a new tolerance, in percentage points."""
        return replace(self, tolerance=float(tolerance))

    # -- contracts ----------------------------------------------------------------
    def contracts(self) -> pd.DataFrame:
        """One row per contract in scope, indexed by ``contract_id`` in reference order.

        Columns: the contract's details (``lot`` ... ``outcome_benchmark_pct``), then
        ``unit_cost`` (pounds per unit, NaN if no units), ``kpis``, ``kpis_met``,
        ``kpi_compliance`` (0-1), ``all_met`` (bool), ``outcome_gap`` (points better
        than the benchmark), ``outcome_poor``, ``blind_spot`` and ``hidden_strength``
        (bool).
        """
        return self._memo("contracts", self._contracts)

    def _contracts(self) -> pd.DataFrame:
        whole: pd.DataFrame = self._shared["contracts"]
        table = whole[self._in_scope(whole)].copy()
        table["outcome_poor"] = table["outcome_gap"] < -self.tolerance
        table["blind_spot"] = table["all_met"] & table["outcome_poor"]
        table["hidden_strength"] = ~table["all_met"] & (table["outcome_gap"] > self.tolerance)
        return table

    def sorted_contracts(self, by: str = "annual_spend") -> pd.DataFrame:
        """Return :meth:`contracts` sorted by one of :data:`SORTS` (ties by reference).

        Contracts with no unit cost come last when sorting by unit cost.
        """
        if by not in SORTS:
            raise ValueError(f"sort by one of {', '.join(SORTS)}, not {by!r}")
        table = self.contracts()
        if by == "contract_id":
            return table
        descending = SORTS[by][1]
        return table.sort_values([by, "contract_id"], ascending=[not descending, True],
                                 kind="stable", na_position="last")

    @property
    def contract_count(self) -> int:
        """Number of contracts in scope."""
        return len(self._table("contracts", self._contracts))

    def total_spend(self) -> float:
        """Annual spend on the contracts in scope, in pounds."""
        return float(self._table("contracts", self._contracts)["annual_spend"].sum())

    def kpi_count(self) -> int:
        """Return the number of KPIs of the contracts in scope."""
        return len(self._view)

    def kpi_compliance(self) -> float:
        """Share of the KPIs in scope that are met, between 0 and 1 (0 if there are none)."""
        return float(self._view["met"].mean()) if len(self._view) else 0.0

    def blind_spots(self) -> pd.DataFrame:
        """Contracts with every KPI met but a poor outcome, highest spend first."""
        return self._memo("blind_spots", lambda: self._flagged("blind_spot"))

    def hidden_strengths(self) -> pd.DataFrame:
        """Contracts missing a KPI but with outcomes better than the benchmark, by spend."""
        return self._memo("hidden_strengths", lambda: self._flagged("hidden_strength"))

    def _flagged(self, flag: str) -> pd.DataFrame:
        table = self._table("contracts", self._contracts)
        return table[table[flag]].sort_values(["annual_spend", "contract_id"],
                                              ascending=[False, True], kind="stable")

    def blind_spot_spend(self) -> float:
        """Annual spend on blind-spot contracts, in pounds."""
        table = self._table("contracts", self._contracts)
        return float(table.loc[table["blind_spot"], "annual_spend"].sum())

    # -- breakdowns ------------------------------------------------------------------
    def by_lot(self) -> pd.DataFrame:
        """Spend, unit cost, KPI compliance and blind spots per lot, highest spend first."""
        return self._memo("by_lot", lambda: self._group("lot"))

    def by_provider(self) -> pd.DataFrame:
        """Return the same breakdown as :meth:`by_lot`, per provider."""
        return self._memo("by_provider", lambda: self._group("provider"))

    def _group(self, column: str) -> pd.DataFrame:
        """Breakdown of the contracts in scope by ``column``.

        Columns: ``contracts``, ``annual_spend``, ``spend_share`` (of the scope's
        spend), ``units_delivered`` and ``unit`` (``"mixed"`` if the group's contracts
        count different units), ``unit_cost`` (NaN if mixed), ``kpis``, ``kpis_met``,
        ``kpi_compliance``, ``all_met`` (contracts with every KPI met) and
        ``blind_spots``.
        """
        # Plain sums over at most a few dozen contracts: quicker than pandas' machinery.
        contracts = self._table("contracts", self._contracts)
        groups: dict[str, dict[str, Any]] = {}
        for name, spend, units, unit, kpis, met, all_met, spot in zip(
                contracts[column], contracts["annual_spend"], contracts["units_delivered"],
                contracts["unit"], contracts["kpis"], contracts["kpis_met"],
                contracts["all_met"], contracts["blind_spot"], strict=True):
            group = groups.setdefault(name, {"contracts": 0, "annual_spend": 0.0,
                                             "units_delivered": 0.0, "units": set(),
                                             "kpis": 0, "kpis_met": 0, "all_met": 0,
                                             "blind_spots": 0})
            group["contracts"] += 1
            group["annual_spend"] += spend
            group["units_delivered"] += units
            group["units"].add(unit)
            group["kpis"] += int(kpis)
            group["kpis_met"] += int(met)
            group["all_met"] += bool(all_met)
            group["blind_spots"] += bool(spot)
        total = sum(g["annual_spend"] for g in groups.values())
        rows = []
        for name in sorted(groups):
            g = groups[name]
            unit = next(iter(g["units"])) if len(g["units"]) == 1 else "mixed"
            single = unit != "mixed" and g["units_delivered"] > 0
            rows.append({
                column: name, "contracts": g["contracts"], "annual_spend": g["annual_spend"],
                "spend_share": g["annual_spend"] / total if total else 0.0,
                "units_delivered": g["units_delivered"], "unit": unit,
                "unit_cost": g["annual_spend"] / g["units_delivered"] if single else math.nan,
                "kpis": g["kpis"], "kpis_met": g["kpis_met"],
                "kpi_compliance": g["kpis_met"] / g["kpis"], "all_met": g["all_met"],
                "blind_spots": g["blind_spots"],
            })
        table = pd.DataFrame(rows, columns=[
            column, "contracts", "annual_spend", "spend_share", "units_delivered", "unit",
            "unit_cost", "kpis", "kpis_met", "kpi_compliance", "all_met", "blind_spots",
        ]).set_index(column)
        table = table.astype({"contracts": int, "annual_spend": float, "spend_share": float,
                              "units_delivered": float, "unit_cost": float, "kpis": int,
                              "kpis_met": int, "kpi_compliance": float, "all_met": int,
                              "blind_spots": int})
        return table.sort_values("annual_spend", ascending=False, kind="stable")

    def spend_by(self, split: str = "payment_basis") -> pd.DataFrame:
        """Spend in scope split by how it is paid (``"payment_basis"``) or what its KPIs measure.

        With ``"kpi_kind"`` each contract's spend is split equally among its KPIs.
        Every category appears, in a fixed order, even with no spend. Columns:
        ``label`` (plain English), ``spend`` (pounds), ``share`` (0-1) and
        ``contracts`` (contracts with some spend in the category).
        """
        if split not in SPLITS:
            raise ValueError(f"split must be 'payment_basis' or 'kpi_kind', not {split!r}")
        return self._memo(f"spend_by_{split}", lambda: self._spend_by(split))

    def _spend_by(self, split: str) -> pd.DataFrame:
        categories = PAYMENT_BASES if split == "payment_basis" else KPI_KINDS
        if split == "payment_basis":
            contracts = self._table("contracts", self._contracts)
            spend = contracts.groupby(split)["annual_spend"].sum()
            counts = contracts.groupby(split).size()
        else:
            view = self._view
            share_of_contract = view.groupby("contract_id")["kpi"].transform("size")
            spend = (view["annual_spend"] / share_of_contract).groupby(view[split]).sum()
            counts = view.groupby(split)["contract_id"].nunique()
        spend = spend.reindex(categories, fill_value=0.0).astype(float)
        total = spend.sum()
        return pd.DataFrame({
            "label": [CATEGORY_LABELS[split][c] for c in categories],
            "spend": spend,
            "share": spend / total if total else 0.0,
            "contracts": counts.reindex(categories, fill_value=0).astype(int),
        }, index=pd.Index(categories, name=split))
