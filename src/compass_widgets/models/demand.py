"""Value demand and failure demand in a contact log.

John Seddon defines *failure demand* as demand caused by a failure to do
something, or to do something right, for the customer; *value demand* is what the
service exists to provide. :class:`DemandAnalysis` answers the questions a
commissioner asks of a contact log: how much of the demand is failure demand,
where it comes from, how it moves month by month, and what handling it costs.

Classifying a contact is a judgement, so the analysis lets you reclassify a whole
reason (say, "Tell us about a move" as failure demand if people only ring because
the online form fails) and see the numbers move.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import pandas as pd

from ..datasets import DEMAND_TYPES

ALL = "All"


@dataclass(frozen=True, eq=False)
class DemandAnalysis:
    """Failure demand in a contact log, with optional filters and reclassifications.

    Parameters
    ----------
    contacts : pandas.DataFrame
        A contact log as returned by :func:`compass_widgets.load_contacts`.
    cost_per_minute : float
        Cost of one minute of handling time, in pounds. The default of £0.50 is an
        illustrative assumption, not a published figure: use your own.
    service, channel : str
        Keep only contacts for this service / through this channel; ``"All"`` keeps all.
    reclassified : Mapping[str, str]
        ``{reason: "value" | "failure"}`` overriding the log's own label for every
        contact with that reason.

    Examples
    --------
    >>> log = pd.DataFrame({
    ...     "date": pd.to_datetime(["2025-04-01", "2025-04-02", "2025-05-01", "2025-05-02"]),
    ...     "service": ["Repairs", "Repairs", "Waste", "Waste"],
    ...     "channel": ["Phone", "Email", "Phone", "Phone"],
    ...     "reason": ["New repair", "Chase repair", "Bin missed", "New bin"],
    ...     "demand_type": ["value", "failure", "failure", "value"],
    ...     "minutes": [10.0, 20.0, 5.0, 5.0],
    ... })
    >>> analysis = DemandAnalysis(log, cost_per_minute=1.0)
    >>> analysis.failure_share()
    0.5
    >>> analysis.failure_cost()
    25.0
    >>> analysis.reclassify("New bin", "failure").failure_share()
    0.75
    >>> analysis.filter(channel="Phone").failure_share()
    0.3333333333333333
    """

    contacts: pd.DataFrame = field(repr=False)
    cost_per_minute: float = 0.5
    service: str = ALL
    channel: str = ALL
    reclassified: Mapping[str, str] = field(default_factory=dict)
    _cache: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    _view: pd.DataFrame = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not math.isfinite(self.cost_per_minute) or self.cost_per_minute < 0:
            raise ValueError(f"cost_per_minute must be 0 or more, not {self.cost_per_minute}")
        for reason, kind in self.reclassified.items():
            if kind not in DEMAND_TYPES:
                raise ValueError(f"reason {reason!r}: demand type must be 'value' or 'failure', "
                                 f"not {kind!r}")
        for name in ("service", "channel"):
            value = getattr(self, name)
            if value != ALL and not (self.contacts[name] == value).any():
                options = self.services if name == "service" else self.channels
                raise ValueError(f"{name} {value!r} is not in the data; choose one of "
                                 f"{', '.join([ALL, *options])}")
        object.__setattr__(self, "reclassified", MappingProxyType(dict(self.reclassified)))
        object.__setattr__(self, "_view", self._select())

    # -- derived data ------------------------------------------------------------
    def _memo(self, name: str, compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """Compute a derived table once per analysis (it never changes); return a copy."""
        if name not in self._cache:
            self._cache[name] = compute()
        return self._cache[name].copy()  # type: ignore[no-any-return]

    def _select(self) -> pd.DataFrame:
        data = self.contacts
        mask = pd.Series(True, index=data.index)
        if self.service != ALL:
            mask &= data["service"] == self.service
        if self.channel != ALL:
            mask &= data["channel"] == self.channel
        view = data.loc[mask, ["date", "service", "channel", "reason", "demand_type", "minutes"]]
        if self.reclassified:
            new = view["reason"].map(self.reclassified)
            view = view.assign(demand_type=new.fillna(view["demand_type"]))
        failure = view["demand_type"] == "failure"
        return view.assign(failure=failure, failure_minutes=view["minutes"].where(failure, 0.0))

    @property
    def view(self) -> pd.DataFrame:
        """The contacts in scope, after filters and reclassification.

        Adds two columns: ``failure`` (bool) and ``failure_minutes`` (minutes if failure, else 0).
        """
        return self._view.copy()

    @property
    def services(self) -> list[str]:
        """Every service in the whole log, sorted."""
        return sorted(self.contacts["service"].unique())

    @property
    def channels(self) -> list[str]:
        """Every channel in the whole log, sorted."""
        return sorted(self.contacts["channel"].unique())

    @property
    def reasons(self) -> pd.DataFrame:
        """Every reason in the whole log with its service(s) and current demand type.

        A reason's demand type is the label most of its contacts carry (failure on a
        tie), unless it has been reclassified.
        """
        return self._memo("reasons", self._reasons)

    def _reasons(self) -> pd.DataFrame:
        data = self.contacts
        by_reason = data.groupby("reason", sort=True)
        table = pd.DataFrame({
            # A learner's log may use one reason ("Other") in several services.
            "service": by_reason["service"].agg(lambda s: ", ".join(sorted(s.unique()))),
            # ...and may label it differently on different rows: the majority label wins.
            "failure_share": (data["demand_type"] == "failure").groupby(data["reason"]).mean(),
        })
        table["demand_type"] = [
            self.reclassified.get(str(reason), "failure" if share >= 0.5 else "value")
            for reason, share in zip(table.index, table.pop("failure_share"), strict=True)
        ]
        return table

    # -- new analyses (the model never mutates) ---------------------------------
    def filter(self, service: str | None = None, channel: str | None = None) -> DemandAnalysis:
        """Return the analysis limited to one service and/or channel (``"All"`` for all)."""
        return replace(
            self,
            service=self.service if service is None else service,
            channel=self.channel if channel is None else channel,
        )

    def reclassify(self, reason: str, demand_type: str) -> DemandAnalysis:
        """Return the analysis with every contact for ``reason`` labelled ``demand_type``."""
        if reason not in set(self.contacts["reason"]):
            raise ValueError(f"reason {reason!r} is not in the data")
        return replace(self, reclassified={**self.reclassified, reason: demand_type})

    # -- numbers ------------------------------------------------------------------
    @property
    def contact_count(self) -> int:
        """Number of contacts in scope."""
        return len(self._view)

    def failure_share(self) -> float:
        """Share of contacts in scope that are failure demand, between 0 and 1 (0 if none)."""
        return float(self._view["failure"].mean()) if len(self._view) else 0.0

    def failure_minutes(self) -> float:
        """Minutes spent handling failure demand."""
        return float(self._view["failure_minutes"].sum())

    def failure_cost(self) -> float:
        """Cost of handling failure demand, in pounds, at ``cost_per_minute``."""
        return self.failure_minutes() * self.cost_per_minute

    def by_service(self) -> pd.DataFrame:
        """Contacts, failure contacts, failure share and failure cost per service.

        Sorted by failure share, highest first.
        """
        return self._memo("by_service", lambda: self._breakdown("service"))

    def by_channel(self) -> pd.DataFrame:
        """Return the same breakdown as :meth:`by_service`, per channel."""
        return self._memo("by_channel", lambda: self._breakdown("channel"))

    def _breakdown(self, column: str) -> pd.DataFrame:
        table = self._view.groupby(column).agg(
            contacts=("failure", "size"),
            failure_contacts=("failure", "sum"),
            failure_minutes=("failure_minutes", "sum"),
        )
        table["failure_share"] = table["failure_contacts"] / table["contacts"]
        table["failure_cost"] = table["failure_minutes"] * self.cost_per_minute
        return table.sort_values(["failure_share", "contacts"], ascending=False)

    def by_month(self) -> pd.DataFrame:
        """Contacts, failure contacts and failure share per calendar month, in date order.

        The index is the first day of each month.
        """
        return self._memo("by_month", self._by_month)

    def _by_month(self) -> pd.DataFrame:
        view = self._view
        month = view["date"].dt.to_period("M").dt.to_timestamp()
        table = view.groupby(month)["failure"].agg(["size", "sum"])
        table.columns = ["contacts", "failure_contacts"]
        table.index.name = "month"
        table["failure_share"] = table["failure_contacts"] / table["contacts"]
        return table

    def top_failure_reasons(self, n: int = 5) -> pd.DataFrame:
        """Return the ``n`` reasons that bring the most failure contacts, with their minutes.

        A reason used by two services counts separately in each. Ties are broken by
        reason, then service, so the order never depends on the order of the rows.
        """
        failures = self._view[self._view["failure"]]
        table = failures.groupby(["reason", "service"]).agg(
            contacts=("failure", "size"), minutes=("minutes", "sum")
        )
        table = table.reset_index().sort_values(
            ["contacts", "reason", "service"], ascending=[False, True, True]
        )
        return table.head(n).set_index("reason")
