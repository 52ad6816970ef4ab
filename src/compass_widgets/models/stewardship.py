"""Stewardship of place, capability and trust over five years: a stock-and-flow model.

A commissioner who stewards a place looks after things that change slowly: the trust
between residents and services, the capability of the community, the share of demand
that exists only because something went wrong (failure demand), and the health of the
workforce. :class:`StewardshipModel` follows those stocks month by month for a
fictional borough, Ashworth, under three levers a commissioner holds: the share of the
budget spent on community capacity, how much demand goes down standard routes, and how
much discretion front-line staff have.

It is an **illustrative teaching model, not a calibrated forecast**. Its starting
failure demand follows the course's (synthetic) contact log and its starting burnout
the NHS Staff Survey 2024; every other number is an assumption, stated below and in
``compass_widgets/data/stewardship-model.md``. It encodes "standardise when you can,
personalise when you must": standard routes are cheap and good for simple requests,
and harmful for complex ones.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

#: The three levers, in the order the course presents them.
LEVERS = ("community_share", "standardisation", "discretion")

#: Where Ashworth is today: the levers as they are now, before any change.
BASELINE = {"community_share": 0.02, "standardisation": 0.7, "discretion": 0.3}

#: The range each lever may take.
LEVER_RANGES = {"community_share": (0.0, 0.2), "standardisation": (0.0, 1.0),
                "discretion": (0.0, 1.0)}

#: The stocks in the tidy table, in this order.
STOCKS = ("trust", "capability", "failure_demand", "burnout", "spend")

#: How each stock is named in sentences and on charts.
STOCK_LABELS = {
    "trust": "Trust",
    "capability": "Community capability",
    "failure_demand": "Failure demand",
    "burnout": "Staff burnout",
    "spend": "Spend",
}

#: Stocks where a lower value is better for the place.
LOWER_IS_BETTER = ("failure_demand", "burnout", "spend")

#: Where each stock starts (shares from 0 to 1).
#: Failure demand follows the course's synthetic contact log (53%, rounded to 0.5);
#: burnout follows the NHS Staff Survey 2024 (30% of staff burnt out because of work);
#: trust and community capability are assumptions.
START = {"trust": 0.4, "capability": 0.3, "failure_demand": 0.5, "burnout": 0.3}

#: The range each share stock stays in. Failure demand stops at 0.9 (nine contacts in ten)
#: so that the number of contacts, which grows as 1 / (1 - failure demand), stays finite.
STOCK_RANGES = {"trust": (0.0, 1.0), "capability": (0.0, 1.0),
                "failure_demand": (0.0, 0.9), "burnout": (0.0, 1.0)}

#: The columns of :meth:`StewardshipModel.wide`.
COLUMNS = ("trust", "capability", "failure_demand", "burnout", "pipeline", "spend",
            "community_investment", "value_contacts", "failure_contacts", "escalations",
            "workload")

# -- demand and cost (illustrative assumptions) -------------------------------------------
VALUE_CONTACTS = 800         # V0: value-demand contacts a month across Ashworth
STANDARD_MINUTES = 10        # staff minutes for a request on a standard route
PERSONAL_MINUTES = 60        # ... on a personal route (a conversation, a visit, follow-up)
DISCRETION_TIME = 0.25       # personal routes take up to 25% longer with full discretion
FAILURE_MINUTES = 12         # ... for a failure-demand contact (chasing, explaining, redoing)
ESCALATION_MINUTES = 90      # front-line minutes an escalated case takes
ESCALATION_COST = 200.0      # £ of specialist time an escalated case takes, on top
COST_PER_MINUTE = 0.5        # £ per staff minute, as in the course's contact log exercise
ESCALATION_RATE = 0.3        # share of mis-routed complex cases that escalate each month
CATCH = 0.6                  # share of mis-routed complex cases full discretion catches

# -- effects (each per unit of change from where Ashworth is today) ------------------------
DEMAND_PER_CAPABILITY = 0.4  # value demand falls 4% per 0.1 of community capability
F_MISROUTED, F_OVERSERVED, F_TRUST, F_CAPABILITY, F_BURNOUT = 0.35, 0.10, 0.15, 0.10, 0.15
B_WORKLOAD, B_MISROUTED, B_DISCRETION, B_TRUST = 0.3, 0.20, 0.08, 0.10
T_CAPABILITY, T_FAILURE, T_BURNOUT, T_DISCRETION = 0.5, 0.6, 0.3, 0.1
C_INVESTMENT, C_TRUST = 2.5, 0.3

# -- how fast each stock moves: months to close the gap to its target ---------------------
PIPELINE_MONTHS = 9          # money becomes working community capacity
CAPABILITY_MONTHS = 12
FAILURE_MONTHS = 3
BURNOUT_MONTHS = 6
TRUST_UP_MONTHS = 18         # trust is built slowly...
TRUST_DOWN_MONTHS = 6        # ...and lost three times as fast


def _clip(value: float, low: float, high: float) -> float:
    return min(high, max(low, value))


@dataclass(frozen=True)
class Routing:
    """How new demand is routed under a model's levers (all shares from 0 to 1).

    ``standard``: share of new requests handled on standard routes, after staff use
    their discretion to take some complex cases out; ``misrouted``: share of complex
    requests left on routes built for simple ones; ``overserved``: share of simple
    requests handled on personal routes they do not need.
    """

    standard: float
    misrouted: float
    overserved: float


@dataclass(frozen=True)
class StewardshipModel:
    r"""Trust, community capability, failure demand, burnout and spend, month by month.

    An illustrative teaching model, not a calibrated forecast. Month 0 is Ashworth
    today, with the levers in :data:`BASELINE`; the levers given take effect from
    month 1. With the baseline levers nothing changes: the starting point is a steady
    state, and the model describes change from it.

    **Levers**

    - ``community_share`` :math:`\kappa`: share of the budget spent on community
      capacity (groups, connectors, small grants), 0 to 0.2; today 0.02.
    - ``standardisation`` :math:`\sigma`: share of new requests sent down standard
      routes (forms, scripts, fixed criteria), 0 to 1; today 0.7.
    - ``discretion`` :math:`\delta`: how free front-line staff are to do what a
      person needs, 0 to 1; today 0.3.

    **Routing.** A share *s* = ``simple_share`` (0.6) of requests is simple. Standard
    routes take simple requests first, so :math:`x = \max(0, \sigma - s)` of requests
    are complex cases sent down standard routes; discretion catches
    :math:`0.6\,\delta\,x` of them. The mis-routed share of complex requests is
    :math:`m = (x - 0.6\delta x)/(1 - s)`; the share of simple requests handled
    personally when they need not be is :math:`u = \max(0, s - \sigma)/s`.

    **Flows in month t**, from the stocks at its start (units in brackets):

    .. math::

        V &= 800\,(1 - 0.4\,(C - C_0))
            &&\text{value-demand contacts [a month]}\\
        N &= V\,F/(1 - F) &&\text{failure-demand contacts [a month]}\\
        X &= 0.3\,m\,(1 - s)\,V &&\text{escalations [a month]}\\
        M &= V\,[\sigma_e\,10 + (1 - \sigma_e)\,60\,(1 + 0.25\,\delta)] + 12\,N + 90\,X
            &&\text{staff minutes [a month]}\\
        S &= 0.5\,M + 200\,X + \kappa\,E_0 &&\text{spend [£ a month]}

    where :math:`\sigma_e = \sigma - 0.6\,\delta\,x` is the standard share after
    catches and :math:`E_0` is today's budget (spend at the baseline, about £21,000
    a month). Workload is :math:`W = M / M_0`, minutes relative to today.

    **Stocks.** Each moves a fixed fraction of the way to a target each month; a
    target is today's value plus effects of changes from today (:math:`\Delta`):

    .. math::

        F^* &= F_0 + 0.35\,\Delta m + 0.1\,\Delta u - 0.15\,\Delta T - 0.1\,\Delta C
              + 0.15\,\Delta B &&\text{1/3 of the gap a month}\\
        B^* &= B_0 + 0.3\,\ln W + 0.2\,\Delta m - 0.08\,\Delta\delta - 0.1\,\Delta T
              &&\text{1/6 a month}\\
        T^* &= T_0 + 0.5\,\Delta C - 0.6\,\Delta F - 0.3\,\Delta B + 0.1\,\Delta\delta
              &&\text{1/18 a month up, 1/6 down}\\
        C^* &= C_0 + 2.5\,(P - \kappa_0) + 0.3\,\Delta T &&\text{1/12 a month}\\
        P_t &= P_{t-1} + (\kappa - P_{t-1})/9 &&\text{money becomes capacity}

    Targets are clipped to each stock's range (failure demand to 0 to 0.9, the others
    to 0 to 1). Starting values: trust *T* 0.4 and capability *C* 0.3 (assumptions);
    failure demand *F* 0.5 (the course's contact log); burnout *B* 0.30 (NHS Staff
    Survey 2024: 30% of staff felt burnt out because of work; NHS England, reported at
    https://newshealth.biz/health-news/nhs-staff-survey-shows-less-burnout-but-ongoing-concerns/amp).

    So standardising simple demand saves staff time and money; standardising complex
    demand raises failure demand, escalations and burnout (moral injury); personal
    handling of simple demand costs time and brings chasing; community capacity builds
    capability and trust slowly and cuts demand later. The stocks reinforce each other
    (more capability and trust, less failure demand and burnout, each help the others),
    and community money enters only through capability, so more community investment
    never lowers community capability in any month (the tests check this).

    Parameters
    ----------
    community_share, standardisation, discretion : float
        The levers, in the ranges in :data:`LEVER_RANGES`; the defaults are today's.
    years : int
        How many years to simulate, 1 to 10.
    simple_share : float
        Share of requests simple enough for a standard route, 0.05 to 0.95.

    Examples
    --------
    >>> today = StewardshipModel()
    >>> today.final()["failure_demand"]
    0.5
    >>> invest = today.with_levers(community_share=0.1, standardisation=0.6, discretion=0.6)
    >>> round(invest.final()["capability"], 2), round(invest.final()["failure_demand"], 2)
    (0.56, 0.35)
    >>> table = invest.table()
    >>> table.columns.tolist(), len(table)
    (['month', 'stock', 'value'], 305)
    """

    community_share: float = BASELINE["community_share"]
    standardisation: float = BASELINE["standardisation"]
    discretion: float = BASELINE["discretion"]
    years: int = 5
    simple_share: float = 0.6
    _cache: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False,
                                   hash=False)

    def __post_init__(self) -> None:
        for name, (low, high) in LEVER_RANGES.items():
            value = getattr(self, name)
            if (not isinstance(value, int | float) or not math.isfinite(value)
                    or not low <= value <= high):
                raise ValueError(f"{name.replace('_', ' ')} must be a number from {low:g} to "
                                 f"{high:g}, not {value!r}")
        if not isinstance(self.years, int) or not 1 <= self.years <= 10:
            raise ValueError(f"years must be a whole number from 1 to 10, not {self.years!r}")
        share = self.simple_share
        if not isinstance(share, int | float) or not 0.05 <= share <= 0.95:
            raise ValueError(f"simple share must be a number from 0.05 to 0.95, not {share!r}")

    # -- new models (the model never mutates) ----------------------------------------
    def with_levers(self, **levers: float) -> StewardshipModel:
        """Return the model with some levers changed, such as ``discretion=0.6``."""
        unknown = sorted(set(levers) - set(LEVERS))
        if unknown:
            raise ValueError(f"unknown lever {unknown[0]!r}; the levers are {', '.join(LEVERS)}")
        changes: dict[str, Any] = dict(levers)
        return replace(self, **changes)

    @property
    def levers(self) -> dict[str, float]:
        """The three levers as ``{name: value}``."""
        return {name: float(getattr(self, name)) for name in LEVERS}

    @property
    def months(self) -> int:
        """How many months the model runs."""
        return 12 * self.years

    @property
    def routing(self) -> Routing:
        """How new requests are routed under these levers."""
        return _routing(self.standardisation, self.discretion, self.simple_share)

    # -- the simulation ----------------------------------------------------------------
    def _memo(self, name: str, compute: Callable[[], Any]) -> Any:
        """Compute a result once per model (it never changes)."""
        if name not in self._cache:
            self._cache[name] = compute()
        return self._cache[name]

    def wide(self) -> pd.DataFrame:
        """Every month's stocks and flows, from month 0 (today) to the last month.

        Stocks at the end of each month: ``trust``, ``capability``, ``failure_demand``,
        ``burnout`` (shares) and ``pipeline`` (community capacity on its way, as a share
        of the budget). Flows during the month: ``spend`` (£), ``community_investment``
        (£), ``value_contacts``, ``failure_contacts``, ``escalations`` and ``workload``
        (staff minutes relative to today). Month 0 shows today's flows. The index is the
        month, named ``month``.
        """
        table = pd.DataFrame(self._rows(), columns=list(COLUMNS))
        table.index.name = "month"
        return table

    def series(self, column: str) -> tuple[float, ...]:
        """One column of :meth:`wide`, months 0 to the end, without pandas.

        Examples
        --------
        >>> StewardshipModel(years=1).series("trust")[:2]
        (0.4, 0.4)
        """
        if column not in COLUMNS:
            raise ValueError(f"column must be one of {', '.join(COLUMNS)}, not {column!r}")
        position = COLUMNS.index(column)
        return tuple(row[position] for row in self._rows())

    def _rows(self) -> tuple[tuple[float, ...], ...]:
        """Run the model once; every table and figure is read from this."""
        return self._memo("rows", self._simulate)  # type: ignore[no-any-return]

    def _simulate(self) -> tuple[tuple[float, ...], ...]:
        s = self.simple_share
        kappa, delta = self.community_share, self.discretion
        base = _routing(BASELINE["standardisation"], BASELINE["discretion"], s)
        now = self.routing
        base_flows = _flows(START["capability"], START["failure_demand"], base,
                            BASELINE["discretion"], s)
        budget = base_flows[4] / (1 - BASELINE["community_share"])
        base_minutes = base_flows[3]
        d_misrouted = now.misrouted - base.misrouted
        d_overserved = now.overserved - base.overserved
        d_discretion = delta - BASELINE["discretion"]
        t0, c0, f0, b0 = (START[k] for k in ("trust", "capability", "failure_demand", "burnout"))
        trust, capability, failure, burnout = t0, c0, f0, b0
        pipeline = BASELINE["community_share"]

        def row(flows: tuple[float, float, float, float, float], share: float) -> tuple[float, ...]:
            value, failures, escalations, minutes, service = flows
            invest = share * budget
            return (trust, capability, failure, burnout, pipeline, service + invest, invest,
                    value, failures, escalations, minutes / base_minutes)

        rows = [row(base_flows, BASELINE["community_share"])]
        for _ in range(self.months):
            flows = _flows(capability, failure, now, delta, s)
            workload = flows[3] / base_minutes
            d_trust, d_capability = trust - t0, capability - c0
            d_failure, d_burnout = failure - f0, burnout - b0
            # Targets: today's value plus the effect of each change from today.
            f_target = _clip(f0 + F_MISROUTED * d_misrouted + F_OVERSERVED * d_overserved
                             - F_TRUST * d_trust - F_CAPABILITY * d_capability
                             + F_BURNOUT * d_burnout, *STOCK_RANGES["failure_demand"])
            b_target = _clip(b0 + B_WORKLOAD * math.log(workload) + B_MISROUTED * d_misrouted
                             - B_DISCRETION * d_discretion - B_TRUST * d_trust, 0.0, 1.0)
            t_target = _clip(t0 + T_CAPABILITY * d_capability - T_FAILURE * d_failure
                             - T_BURNOUT * d_burnout + T_DISCRETION * d_discretion, 0.0, 1.0)
            c_target = _clip(c0 + C_INVESTMENT * (pipeline - BASELINE["community_share"])
                             + C_TRUST * d_trust, 0.0, 1.0)
            trust_months = TRUST_UP_MONTHS if t_target > trust else TRUST_DOWN_MONTHS
            # Each stock closes a fixed share of the gap: a weighted average of where it
            # is and where it is heading, so it can never leave its range.
            failure = _towards(failure, f_target, FAILURE_MONTHS)
            burnout = _towards(burnout, b_target, BURNOUT_MONTHS)
            trust = _towards(trust, t_target, trust_months)
            capability = _towards(capability, c_target, CAPABILITY_MONTHS)
            pipeline = _towards(pipeline, kappa, PIPELINE_MONTHS)
            rows.append(row(flows, kappa))
        return tuple(rows)

    def table(self) -> pd.DataFrame:
        """Return the five stocks as a tidy table: columns ``month``, ``stock``, ``value``.

        Shares are from 0 to 1; spend is in pounds a month. Rows are month by month,
        stocks in :data:`STOCKS` order within each month.
        """
        positions = [COLUMNS.index(stock) for stock in STOCKS]
        return pd.DataFrame(
            [(month, stock, row[i]) for month, row in enumerate(self._rows())
             for stock, i in zip(STOCKS, positions, strict=True)],
            columns=["month", "stock", "value"],
        )

    def final(self) -> dict[str, float]:
        """Return the five stocks at the end of the last month, as ``{stock: value}``."""
        last = self._rows()[-1]
        return {stock: last[COLUMNS.index(stock)] for stock in STOCKS}

    def totals(self) -> dict[str, float]:
        """Add up the whole period, months 1 to the end (month 0 is today).

        Keys: ``spend`` and ``community_investment`` (£), ``value_contacts``,
        ``failure_contacts`` and ``escalations`` (counts).
        """
        keys = ("spend", "community_investment", "value_contacts", "failure_contacts",
                "escalations")
        return {key: math.fsum(self.series(key)[1:]) for key in keys}



def _routing(standardisation: float, discretion: float, simple: float) -> Routing:
    excess = max(0.0, standardisation - simple)
    caught = CATCH * discretion * excess
    return Routing(standard=standardisation - caught,
                   misrouted=(excess - caught) / (1 - simple),
                   overserved=max(0.0, simple - standardisation) / simple)


def _flows(capability: float, failure: float, routing: Routing, discretion: float,
           simple: float) -> tuple[float, float, float, float, float]:
    """Return value contacts, failure contacts, escalations, staff minutes and service £."""
    value = VALUE_CONTACTS * (1 - DEMAND_PER_CAPABILITY * (capability - START["capability"]))
    failures = value * failure / (1 - failure)
    escalations = ESCALATION_RATE * routing.misrouted * (1 - simple) * value
    minutes = (value * (routing.standard * STANDARD_MINUTES
                        + (1 - routing.standard) * PERSONAL_MINUTES
                        * (1 + DISCRETION_TIME * discretion))
               + FAILURE_MINUTES * failures + ESCALATION_MINUTES * escalations)
    service = COST_PER_MINUTE * minutes + ESCALATION_COST * escalations
    return value, failures, escalations, minutes, service


def _towards(stock: float, target: float, months: float) -> float:
    return (1 - 1 / months) * stock + target / months


#: The rows of :func:`compare_scenarios`, with how each is computed and its unit.
COMPARISON_ROWS = {
    "Trust at the end": ("final", "trust"),
    "Community capability at the end": ("final", "capability"),
    "Failure demand at the end": ("final", "failure_demand"),
    "Staff burnout at the end": ("final", "burnout"),
    "Spend a month at the end (£)": ("final", "spend"),
    "Total spend (£)": ("totals", "spend"),
    "of which community investment (£)": ("totals", "community_investment"),
    "Failure-demand contacts": ("totals", "failure_contacts"),
    "Escalations": ("totals", "escalations"),
}


def check_scenarios(scenarios: Mapping[str, StewardshipModel]) -> None:
    """Raise ValueError unless there are two or three scenarios covering the same years.

    Examples
    --------
    >>> check_scenarios({"A": StewardshipModel()})
    Traceback (most recent call last):
    ...
    ValueError: compare two or three scenarios, not 1
    """
    if not 2 <= len(scenarios) <= 3:
        raise ValueError(f"compare two or three scenarios, not {len(scenarios)}")
    if len({model.years for model in scenarios.values()}) > 1:
        raise ValueError("the scenarios cover different numbers of years; give them all the "
                         "same 'years' so that their totals compare")


def compare_scenarios(scenarios: Mapping[str, StewardshipModel]) -> pd.DataFrame:
    """Compare two or three scenarios side by side: the end of the period, and its totals.

    Parameters
    ----------
    scenarios : mapping of name to StewardshipModel
        Two or three scenarios, each with a short name such as ``"A"``. They must
        cover the same number of years.

    Returns
    -------
    pandas.DataFrame
        One row per measure in :data:`COMPARISON_ROWS` (stocks at the end of the last
        month, then totals over the whole period), one column per scenario.

    Examples
    --------
    >>> table = compare_scenarios({"A": StewardshipModel(),
    ...                            "B": StewardshipModel(standardisation=0.6)})
    >>> table.loc["Failure demand at the end"].round(2).tolist()
    [0.5, 0.41]
    """
    check_scenarios(scenarios)
    columns = {}
    for name, model in scenarios.items():
        final, totals = model.final(), model.totals()
        columns[name] = [final[key] if kind == "final" else totals[key]
                         for kind, key in COMPARISON_ROWS.values()]
    table = pd.DataFrame(columns, index=list(COMPARISON_ROWS))
    table.index.name = "measure"
    return table
