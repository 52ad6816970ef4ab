"""What a measure rewards: targets hit, outcomes, and the signs of gaming.

A service paid by results against a "first appointment within 28 days" target
reports, for each provider, the share of people seen in time and the share who
improved. Lowe & Wilson argue that outcomes-based performance management turns
social interventions into a game whose rules reward gamesmanship (Toby Lowe and Rob
Wilson, "Playing the Game of Outcomes-based Performance Management. Is Gamesmanship
Inevitable? Evidence from Theory and Practice", *Social Policy & Administration*
51(7): 981-1001, 2017, https://eprint.ncl.ac.uk/216988). :class:`MeasureAnalysis`
looks at case-level returns for two such games:

- **bunching**: first appointments crowd just inside the threshold (days 25-28)
  and thin out just after it (days 29-32), more than a smooth spread of waiting
  times would give;
- **creaming**: complex referrals are turned away more often than simple ones, so
  the people taken on are the ones most likely to improve.

It also ranks the providers under three measures ("switch measures"), to show that
each measure rewards something different. The returns shipped with the course are
synthetic, with both games built into some providers' data (see
``data/kpi_returns.md``).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple, cast

import pandas as pd

from ..data.kpi_returns import COMPLEXITIES

ALL = "All"

#: A bunching index at or above this is a sign worth asking about (a rule of thumb).
BUNCHING_SIGN = 2.0
#: A creaming index at or below this is a sign worth asking about (a rule of thumb).
CREAMING_SIGN = 0.8


class Measure(NamedTuple):
    """A way of ranking providers: its title, a short name, and what it rewards (long, brief)."""

    label: str
    short: str
    rewards: str
    rewards_briefly: str


#: The measures providers can be ranked by: column of :meth:`MeasureAnalysis.by_provider`
#: -> what it is called and what it rewards.
MEASURES: dict[str, Measure] = {
    "target_met": Measure(
        "Seen within the target (share of people taken on)",
        "seen within the target",
        "speed to a first appointment, whatever happens next; and moving appointments to "
        "just inside the line",
        "speed to a first appointment",
    ),
    "improved_rate": Measure(
        "Improved at six months (share of people taken on)",
        "improved, of those taken on",
        "good results among the people a provider chooses to take on; and choosing the "
        "people most likely to improve",
        "good results among the people taken on",
    ),
    "outcomes_per_referral": Measure(
        "Improved at six months (share of everyone referred)",
        "improved, of everyone referred",
        "helping everyone who is referred, including the people whose lives are most "
        "complex: turning someone away counts against the provider",
        "helping everyone who is referred",
    ),
}

_NEEDED = ("provider", "quarter", "complexity", "accepted", "days_to_first", "improved")


@dataclass(frozen=True, eq=False)
class MeasureAnalysis:
    """Target compliance, outcomes and signs of gaming, per provider, from case-level returns.

    Definitions, per provider, for the referrals in scope (units in brackets):

    - **target met** = people taken on and seen within ``threshold_days`` of referral /
      people taken on (share, 0-1);
    - **improved rate** = people taken on who had improved at six months / people taken
      on (share);
    - **outcomes per referral** = people taken on who had improved / everyone referred,
      including those turned away (share): turning people away cannot raise it;
    - **creaming index** = acceptance rate of high-complexity referrals / acceptance
      rate of low-complexity referrals (a ratio): 1 means complex referrals are taken
      on as often as simple ones; 0.5 means half as often. Undefined (NaN) without
      both kinds of referral or with no low-complexity referral accepted.
    - **bunching index** (a ratio). With threshold T and band width w (28 and 4 by
      default), let I be the first appointments on days T-w+1..T (25-28, "just
      inside") and O those on days T+1..T+w (29-32, "just outside"). Fit a straight
      line, by least squares, to the daily counts on the ``flank_days`` either side of
      the two bands (days 15-24 and 33-42): what a smooth spread of waits would give.
      Summing the line over each band gives the expected counts E_I and E_O (a day
      the line puts below zero counts as zero). Then::

          bunching index = ((I + 0.5) / (O + 0.5)) / (E_I / E_O)

      the ratio of cases just inside to just outside, against the ratio a smooth
      spread would give. The half case added to each count keeps an empty band from
      dividing by zero. About 1 means no sign of bunching; 3 means three times as
      many cases just inside the line, relative to just outside, as a smooth spread
      would give. Undefined (NaN) when the two bands hold fewer than ``min_cases``
      cases, or the line puts no cases in a band.

    The signs are rules of thumb, not statistical tests: a bunching index of
    :data:`BUNCHING_SIGN` or more, or a creaming index of :data:`CREAMING_SIGN` or
    less, is a question to ask the provider, not a finding. Waits are counted in
    whole days (27.5 counts as day 27).

    Parameters
    ----------
    returns : pandas.DataFrame
        One row per referral, as returned by :func:`compass_widgets.load_kpi_returns`.
    quarter : str
        Keep only referrals in this quarter; ``"All"`` keeps all.
    threshold_days : int
        The target: a first appointment within this many days (28 by default).
    band_days, flank_days : int
        Width of the bands just inside and just outside the threshold (4), and of the
        flanks the smooth line is fitted to (10), in days.
    min_cases : int
        Fewest cases in the two bands for a bunching index (20).

    Examples
    --------
    >>> returns = pd.DataFrame({
    ...     "provider": ["A", "A", "A", "B", "B", "B"],
    ...     "quarter": ["Q1"] * 6,
    ...     "complexity": ["low", "high", "high", "low", "high", "high"],
    ...     "accepted": [True, True, False, True, True, True],
    ...     "days_to_first": [10.0, 27.0, float("nan"), 20.0, 35.0, 40.0],
    ...     "improved": [True, True, False, True, True, False],
    ... })
    >>> table = MeasureAnalysis(returns).by_provider()
    >>> table["target_met"].tolist(), table["outcomes_per_referral"].tolist()
    ([1.0, 0.3333333333333333], [0.6666666666666666, 0.6666666666666666])
    >>> table["creaming_index"].tolist()
    [0.5, 1.0]
    >>> MeasureAnalysis(returns).ranking("target_met").index.tolist()
    ['A', 'B']
    """

    returns: pd.DataFrame = field(repr=False)
    quarter: str = ALL
    threshold_days: int = 28
    band_days: int = 4
    flank_days: int = 10
    min_cases: int = 20
    # Per-referral columns worked out once for the whole returns and shared by every
    # analysis derived from this one by filter(): a filter only selects rows of them.
    _shared: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    _cache: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    _view: pd.DataFrame = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("threshold_days", "band_days", "flank_days", "min_cases"):
            value = getattr(self, name)
            least = 0 if name == "min_cases" else 1
            if not isinstance(value, int) or value < least:
                raise ValueError(f"{name} must be a whole number of {least} or more, not "
                                 f"{value!r}")
        if self.threshold_days < self.band_days + self.flank_days:
            raise ValueError(
                f"threshold_days ({self.threshold_days}) must be at least band_days + "
                f"flank_days ({self.band_days + self.flank_days}), so the smooth line can "
                "be fitted to the days before the threshold; use narrower bands")
        if self._shared.get("threshold_days") != self.threshold_days:
            # A new threshold changes who was seen in time: work it out afresh, leaving
            # the tables of the analysis this one came from as they are.
            object.__setattr__(self, "_shared", {})
            self._share_whole_returns()
        if self.quarter != ALL and self.quarter not in self.quarters:
            raise ValueError(f"quarter {self.quarter!r} is not in the returns; choose one of "
                             f"{', '.join([ALL, *self.quarters])}")
        rows = self._shared["rows"]
        view = rows if self.quarter == ALL else rows[rows["quarter"] == self.quarter]
        object.__setattr__(self, "_view", view)

    def _share_whole_returns(self) -> None:
        """Work out, once, the per-referral columns every figure is counted from."""
        missing = [c for c in _NEEDED if c not in self.returns.columns]
        if missing:
            raise ValueError(f"the returns need the column{'s' if len(missing) > 1 else ''} "
                             f"{', '.join(missing)}; load them with load_kpi_returns(), which "
                             "checks every column")
        rows = self.returns.loc[:, list(_NEEDED)]
        accepted = rows["accepted"].astype(bool)
        days = rows["days_to_first"].where(accepted)
        low, high = rows["complexity"] == "low", rows["complexity"] == "high"
        rows = rows.assign(
            taken_on=accepted,
            in_time=accepted & (days < self.threshold_days + 1),
            helped=accepted & rows["improved"].astype(bool),
            low=low, low_taken_on=low & accepted, high=high, high_taken_on=high & accepted,
            # whole days waited by the people taken on; -1 for everyone else
            day=days.fillna(-1).floordiv(1).astype(int),
        )
        self._shared.update(
            rows=rows, threshold_days=self.threshold_days,
            providers=sorted(rows["provider"].unique()),
            quarters=sorted(rows["quarter"].unique()),
        )

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
        """The referrals in scope, with the columns the analysis uses."""
        return self._view.loc[:, list(_NEEDED)]

    @property
    def providers(self) -> list[str]:
        """Every provider in the whole returns, sorted."""
        return list(self._shared["providers"])

    @property
    def quarters(self) -> list[str]:
        """Every quarter in the whole returns, sorted."""
        return list(self._shared["quarters"])

    @property
    def referral_count(self) -> int:
        """Number of referrals in scope."""
        return len(self._view)

    @property
    def inside_days(self) -> range:
        """The days "just inside" the threshold: 25-28 by default."""
        return range(self.threshold_days - self.band_days + 1, self.threshold_days + 1)

    @property
    def outside_days(self) -> range:
        """The days "just outside" the threshold: 29-32 by default."""
        return range(self.threshold_days + 1, self.threshold_days + self.band_days + 1)

    @property
    def flank_ranges(self) -> tuple[range, range]:
        """The days the smooth line is fitted to: 15-24 and 33-42 by default."""
        low = self.threshold_days - self.band_days
        high = self.threshold_days + self.band_days
        return range(low - self.flank_days + 1, low + 1), range(high + 1,
                                                                  high + self.flank_days + 1)

    # -- new analyses (the model never mutates) ---------------------------------
    def filter(self, quarter: str | None = None) -> MeasureAnalysis:
        """Return the analysis limited to one quarter (``"All"`` for all)."""
        return replace(self, quarter=self.quarter if quarter is None else quarter)

    def _check_provider(self, provider: str) -> None:
        if provider not in self._shared["providers"]:
            raise ValueError(f"provider {provider!r} is not in the returns; choose one of "
                             f"{', '.join(self.providers)}")

    # -- per provider --------------------------------------------------------------
    def by_provider(self) -> pd.DataFrame:
        """Every measure and sign per provider with referrals in scope, by provider name.

        Columns: ``referrals``, ``accepted``, ``acceptance_rate``, ``seen_in_time``,
        ``target_met``, ``improved`` (people taken on who improved),
        ``improved_rate``, ``outcomes_per_referral``, ``acceptance_low``,
        ``acceptance_high``, ``creaming_index``, ``creaming_sign`` (bool),
        ``just_inside``, ``just_outside``, ``expected_inside``,
        ``expected_outside``, ``bunching_index`` and ``bunching_sign`` (bool).
        Shares are between 0 and 1; NaN where there is nothing to divide by.
        """
        return self._memo("by_provider", self._by_provider)

    def _by_provider(self) -> pd.DataFrame:
        # One grouped sum, then plain arithmetic per provider: there are only a few.
        view = self._view
        sums = view[["taken_on", "in_time", "helped", "low", "low_taken_on", "high",
                     "high_taken_on"]].groupby(view["provider"], sort=True).sum()
        referrals = view.groupby("provider", sort=True).size()
        first, last = self.flank_ranges[0][0], self.flank_ranges[1][-1]
        near = view[(view["day"] >= first) & (view["day"] <= last)]
        daily = cast("dict[tuple[str, int], int]",
                     near.groupby(["provider", "day"]).size().to_dict())
        rows = []
        for provider, n, row in zip(sums.index, referrals, sums.itertuples(index=False),
                                    strict=True):
            taken_on, in_time, helped, low, low_taken_on, high, high_taken_on = map(int, row)
            acceptance_low = _ratio(low_taken_on, low)
            acceptance_high = _ratio(high_taken_on, high)
            creaming = _ratio(acceptance_high, acceptance_low)
            bunching = self._bunching({d: daily.get((provider, d), 0)
                                       for d in range(first, last + 1)})
            rows.append({
                "referrals": int(n), "accepted": taken_on,
                "acceptance_rate": _ratio(taken_on, n), "seen_in_time": in_time,
                "target_met": _ratio(in_time, taken_on), "improved": helped,
                "improved_rate": _ratio(helped, taken_on),
                "outcomes_per_referral": _ratio(helped, n),
                "acceptance_low": acceptance_low, "acceptance_high": acceptance_high,
                "creaming_index": creaming, "creaming_sign": creaming <= CREAMING_SIGN,
                **bunching,
                "bunching_sign": bunching["bunching_index"] >= BUNCHING_SIGN,
            })
        columns = ["referrals", "accepted", "acceptance_rate", "seen_in_time", "target_met",
                   "improved", "improved_rate", "outcomes_per_referral", "acceptance_low",
                   "acceptance_high", "creaming_index", "creaming_sign", "just_inside",
                   "just_outside", "expected_inside", "expected_outside", "bunching_index",
                   "bunching_sign"]
        table = pd.DataFrame(rows, index=pd.Index(sums.index, name="provider"),
                             columns=columns)
        if not rows:  # keep the types a learner would expect, even with nothing to show
            table = table.astype({c: float for c in columns})
        return table

    def figures(self, provider: str) -> dict[str, Any] | None:
        """Return one provider's row of :meth:`by_provider` as a dict (None if no referrals).

        Examples
        --------
        >>> from compass_widgets.data.kpi_returns import load_kpi_returns
        >>> figures = MeasureAnalysis(load_kpi_returns()).figures("Canal Side Care Ltd")
        >>> figures["creaming_sign"], figures["bunching_sign"]
        (True, True)
        """
        self._check_provider(provider)
        table = self._table("by_provider", self._by_provider)
        if provider not in table.index:
            return None
        record = table.loc[[provider]].to_dict("records")[0]  # plain Python numbers
        return {str(name): value for name, value in record.items()}

    def _line(self, counts: Mapping[int, int]) -> tuple[float, float]:
        """Return (intercept, slope) of the least-squares line through the flank days."""
        x = [d for days in self.flank_ranges for d in days]
        y = [float(counts.get(d, 0)) for d in x]
        slope, intercept = statistics.linear_regression(x, y)
        return intercept, slope

    def _bunching(self, counts: Mapping[int, int]) -> dict[str, float]:
        """Bunching figures from counts of cases by day: see the class docstring for the formula."""
        intercept, slope = self._line(counts)
        inside = sum(counts.get(d, 0) for d in self.inside_days)
        outside = sum(counts.get(d, 0) for d in self.outside_days)
        expected_inside = sum(max(intercept + slope * d, 0.0) for d in self.inside_days)
        expected_outside = sum(max(intercept + slope * d, 0.0) for d in self.outside_days)
        index = math.nan
        if inside + outside >= self.min_cases and expected_inside > 0 and expected_outside > 0:
            index = ((inside + 0.5) / (outside + 0.5)) / (expected_inside / expected_outside)
        return {"just_inside": inside, "just_outside": outside,
                "expected_inside": expected_inside, "expected_outside": expected_outside,
                "bunching_index": index}


    def waiting_days(self, provider: str) -> pd.DataFrame:
        """First appointments per day of waiting for one provider, with the smooth line.

        Indexed by ``day`` from 0 to the longest wait (at least to the end of the right
        flank). Columns: ``cases``; ``band``, one of ``"inside"``, ``"outside"``,
        ``"flank"`` or ``"other"``; and ``expected``, the smooth line's count on the
        flank and band days (NaN elsewhere).
        """
        self._check_provider(provider)
        return self._memo(f"waiting:{provider}", lambda: self._waiting_days(provider))

    def _waiting_days(self, provider: str) -> pd.DataFrame:
        view = self._view
        days_waited = view.loc[(view["provider"] == provider) & view["taken_on"], "day"]
        counts = cast("dict[int, int]", days_waited.value_counts().to_dict())
        last = max([self.flank_ranges[1][-1], *counts])
        days = pd.RangeIndex(0, last + 1, name="day")
        table = pd.DataFrame({"cases": [counts.get(d, 0) for d in days]}, index=days)
        band = ["other"] * len(days)
        fitted = [d for days_ in (self.flank_ranges[0], self.inside_days, self.outside_days,
                                  self.flank_ranges[1]) for d in days_]
        for d in fitted:
            band[d] = "flank"
        for d in self.inside_days:
            band[d] = "inside"
        for d in self.outside_days:
            band[d] = "outside"
        table["band"] = band
        intercept, slope = self._line(counts)
        line = dict.fromkeys(days, math.nan)
        line.update({d: max(intercept + slope * d, 0.0) for d in fitted})
        table["expected"] = [line[d] for d in days]
        return table

    def acceptance_by_complexity(self, provider: str | None = None) -> pd.DataFrame:
        """Referrals, acceptances and acceptance rate by complexity (low, medium, high).

        For one provider, or for every provider in scope if ``provider`` is None.
        The acceptance rate is NaN for a level with no referrals.
        """
        if provider is not None:
            self._check_provider(provider)
        return self._memo(f"acceptance:{provider}", lambda: self._acceptance(provider))

    def _acceptance(self, provider: str | None) -> pd.DataFrame:
        view = self._view
        if provider is not None:
            view = view[view["provider"] == provider]
        grouped = view.groupby("complexity")["taken_on"]
        table = pd.DataFrame({"referrals": grouped.size(), "accepted": grouped.sum()})
        table = table.reindex(list(COMPLEXITIES), fill_value=0).astype(int)
        table.index.name = "complexity"
        table["acceptance_rate"] = table["accepted"] / table["referrals"].where(
            table["referrals"] > 0)
        return table

    # -- switch measures -----------------------------------------------------------
    def ranking(self, measure: str) -> pd.DataFrame:
        """Return the providers ranked under one of :data:`MEASURES`, best first.

        Columns: ``value`` (the measure, a share) and ``rank`` (1 is best; equal values
        share a rank; a provider with no value comes last). Ties are listed by name.
        """
        if measure not in MEASURES:
            raise ValueError(f"measure must be one of {', '.join(MEASURES)}, not {measure!r}")
        return self._ranked(measure).copy()

    def _ranked(self, measure: str) -> pd.DataFrame:
        return self._table(f"ranking:{measure}", lambda: self._ranking(measure))

    def _ranking(self, measure: str) -> pd.DataFrame:
        column = self._table("by_provider", self._by_provider)[measure]
        values = dict(zip(column.index, column.tolist(), strict=True))
        # Best first; a provider with no value last; ties by name.
        order = sorted(values, key=lambda p: (math.isnan(values[p]), -values[p]
                                              if not math.isnan(values[p]) else 0.0, p))
        ranks: list[int] = []
        for position, provider in enumerate(order):
            before = values[order[position - 1]] if position else math.nan
            tied = position > 0 and (values[provider] == before or (
                math.isnan(values[provider]) and math.isnan(before)))
            ranks.append(ranks[-1] if tied else position + 1)
        return pd.DataFrame({"value": [values[p] for p in order], "rank": ranks},
                            index=pd.Index(order, name="provider"))

    def ranks(self) -> pd.DataFrame:
        """Each provider's rank under every measure: one column per measure, by provider name."""
        return self._memo("ranks", lambda: pd.DataFrame(
            {measure: self._ranked(measure)["rank"] for measure in MEASURES}).sort_index())


def _ratio(part: float, whole: float) -> float:
    """Return part / whole, or NaN when whole is 0 or NaN (nothing to divide by)."""
    return part / whole if whole and not math.isnan(whole) else math.nan
