"""Case-level KPI returns of Ashworth's wellbeing service (``kpi_returns.csv``): synthetic.

For course module 08.

One row per referral to a community wellbeing and recovery service run by five
providers under a "first appointment within 28 days" target and payment by
results. Some providers' data carry the signs of gaming the literature describes:
*bunching* of first appointments just inside the 28-day line, and *creaming*
(taking on the easier referrals and turning away complex ones). See
``kpi_returns.md`` for the data dictionary, the story and the sources. Written by
``generate.py`` through :func:`rows`; never edit the CSV by hand.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..datasets import Column, Schema, load_table, shipped_path
from ..errors import CompassDataError

if TYPE_CHECKING:
    import pandas as pd

SEED = 20250828

COMPLEXITIES = ("low", "medium", "high")
#: How a turned-away referral's days to first appointment may be written (any case).
NOT_SEEN = ("n/a", "na", "none", "-")
_DAYS_HINT = ("Write the whole days from referral to the first appointment, such as 21, or "
              "n/a for a referral that was turned away.")

SCHEMA: Schema = Schema("kpi_returns.csv", (
    Column("case_id"),
    Column("provider"),
    Column("quarter"),
    Column("complexity", "choice", choices=COMPLEXITIES, what="a level of complexity",
           hint="Use low, medium or high."),
    Column("accepted", "yesno", hint="Write yes if the provider took the referral on, no if "
           "it was turned away."),
    # Checked by load_kpi_returns: a number of days, or n/a for a turned-away referral.
    Column("days_to_first", what="a number of days (0 or more) or n/a", hint=_DAYS_HINT),
    Column("improved", "yesno", hint="Write yes if the person's situation had improved six "
           "months after referral, no if not."),
), item="referral")


def load_kpi_returns(path: str | Path | None = None) -> pd.DataFrame:
    """Load case-level KPI returns: the shipped synthetic Ashworth ones, or your own CSV.

    The file needs the columns ``case_id, provider, quarter, complexity, accepted,
    days_to_first, improved``, one row per referral (see ``data/kpi_returns.md``).
    ``complexity`` is low, medium or high; ``accepted`` and ``improved`` are yes/no;
    ``days_to_first`` is the days from referral to the first appointment, or ``n/a``
    for a referral that was turned away. Extra columns are kept.

    Parameters
    ----------
    path : str or Path, optional
        A CSV file. Leave it out for the course's synthetic Ashworth returns.

    Returns
    -------
    pandas.DataFrame
        One row per referral; ``accepted`` and ``improved`` as bool,
        ``days_to_first`` as float (NaN where not applicable).

    Raises
    ------
    CompassDataError
        Naming the file, column and first bad row, and what to do.

    Examples
    --------
    >>> returns = load_kpi_returns()
    >>> len(returns), returns["provider"].nunique(), sorted(returns["complexity"].unique())
    (3100, 5, ['high', 'low', 'medium'])
    """
    import pandas as pd

    frame = load_table(path, SCHEMA)
    file = shipped_path(SCHEMA.shipped) if path is None else Path(path)
    text = frame["days_to_first"]
    not_seen = text.str.lower().isin(NOT_SEEN)
    days = pd.to_numeric(text.where(~not_seen), errors="coerce")
    _check(frame, ~not_seen & ~(days >= 0), file,
           f"'{{value}}' is not {SCHEMA.columns[5].what}", _DAYS_HINT)
    _check(frame, frame["accepted"] & not_seen, file,
           "the referral was accepted, so it needs the days to its first appointment",
           "Write the days, such as 21, or change accepted to no if the referral was "
           "turned away.")
    frame["days_to_first"] = days.astype(float)
    return frame


def _check(frame: pd.DataFrame, bad: pd.Series, file: Path, problem: str, hint: str) -> None:
    """Raise for the first row of ``days_to_first`` where ``bad`` is True, if any.

    Rows are numbered as a spreadsheet numbers them: the header is row 1.
    """
    if bad.any():
        position = int(bad.to_numpy().argmax())
        value = frame["days_to_first"].iloc[position]
        raise CompassDataError(problem.format(value=value), file=file, column="days_to_first",
                               row=position + 2, hint=hint)


# -- the synthetic returns ------------------------------------------------------------------

THRESHOLD_DAYS = 28
QUARTERS = ("2025-26 Q1", "2025-26 Q2", "2025-26 Q3", "2025-26 Q4")
#: Share of referrals at each level of complexity (the same for every provider).
REFERRAL_MIX = (0.40, 0.35, 0.25)
#: Chance that a person taken on has improved at six months, by complexity.
IMPROVES_IF_ACCEPTED = (0.78, 0.55, 0.30)
#: Chance that a person turned away has improved anyway, by complexity.
IMPROVES_IF_TURNED_AWAY = (0.35, 0.22, 0.10)
#: Shape of the gamma distribution of honest waits (its scale is set per provider).
WAIT_SHAPE = 5.0


@dataclass(frozen=True)
class Provider:
    """How one synthetic provider behaves.

    Attributes
    ----------
    acceptance : (float, float, float)
        Chance of taking on a referral of low, medium and high complexity.
    wait_scale : float
        Scale of the gamma distribution of honest waits, in days: the mean wait is
        ``WAIT_SHAPE * wait_scale``.
    pull : float
        Chance that a wait of 29-32 days is brought forward to 25-28 days (bunching).
    pull_from : int
        Index of the first quarter with bunching (0 is the first quarter).
    effect : float
        Added to the chance of improving, for the people the provider takes on.
    """

    acceptance: tuple[float, float, float]
    wait_scale: float
    pull: float = 0.0
    pull_from: int = 0
    effect: float = 0.0


PROVIDERS: dict[str, Provider] = {
    # Honest: takes nearly everyone on, waits about 21 days on average.
    "Hollins Vale Community Trust": Provider((0.95, 0.93, 0.90), 4.2),
    # Bunching from the second quarter, after its first performance review.
    "Millbrook Wellbeing Partnership": Provider((0.94, 0.92, 0.89), 5.0, pull=0.55,
                                                pull_from=1),
    # Creaming: turns away more than half of the complex referrals.
    "Station Fields Support CIC": Provider((0.97, 0.88, 0.40), 4.4),
    # Both: creams hardest and bunches in every quarter.
    "Canal Side Care Ltd": Provider((0.98, 0.70, 0.25), 4.4, pull=0.7),
    # Takes everyone on and works relationally: slower to a first appointment,
    # better outcomes.
    "Ashworth Peer Network": Provider((0.98, 0.98, 0.97), 6.0, effect=0.03),
}


def rows(seed: int = SEED) -> list[dict[str, str]]:
    """Return the synthetic KPI returns as CSV rows (strings), one per referral.

    Parameters
    ----------
    seed : int
        Seed for ``random.Random``; the same seed gives the same rows.

    Examples
    --------
    >>> returns = rows()
    >>> returns[0]["case_id"], returns[0]["quarter"]
    ('R0001', '2025-26 Q1')
    >>> returns == rows()
    True
    """
    rng = random.Random(seed)
    out: list[dict[str, str]] = []
    for q, quarter in enumerate(QUARTERS):
        for name, provider in PROVIDERS.items():
            for _ in range(140 + rng.randint(0, 30)):
                level = rng.choices(range(3), REFERRAL_MIX)[0]
                accepted = rng.random() < provider.acceptance[level]
                days = "n/a"
                if accepted:
                    wait = max(1, round(rng.gammavariate(WAIT_SHAPE, provider.wait_scale)))
                    gaming = provider.pull and q >= provider.pull_from
                    if gaming and THRESHOLD_DAYS < wait <= THRESHOLD_DAYS + 4 \
                            and rng.random() < provider.pull:
                        wait = rng.randint(THRESHOLD_DAYS - 3, THRESHOLD_DAYS)
                    days = str(wait)
                    chance = IMPROVES_IF_ACCEPTED[level] + provider.effect
                else:
                    chance = IMPROVES_IF_TURNED_AWAY[level]
                out.append({
                    "case_id": f"R{len(out) + 1:04d}",
                    "provider": name,
                    "quarter": quarter,
                    "complexity": COMPLEXITIES[level],
                    "accepted": "yes" if accepted else "no",
                    "days_to_first": days,
                    "improved": "yes" if rng.random() < chance else "no",
                })
    return out
