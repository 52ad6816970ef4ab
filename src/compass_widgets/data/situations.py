"""Situations to commission in Ashworth (``situations.csv``): synthetic, for module 09.

Fourteen things Ashworth's council and integrated care board need to fund or buy,
each with the answers to the RouteChooser's questions (see
:data:`compass_widgets.models.routes.QUESTIONS`), the route an experienced
commissioner chose and why. The course uses them as exercises, and the tests check
the tool against them.

Every situation, organisation and sum of money here is invented: Ashworth and its
neighbourhoods (Hollins Vale, Millbrook, Station Fields and Canal Side) do not
exist. See ``situations.md`` for the data dictionary. The CSV is written by
:func:`rows`; never edit it by hand. Regenerate it with::

    python -m compass_widgets.data.situations

The routes are a learning aid, not legal advice.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import TYPE_CHECKING

from ..datasets import Column, Schema, load_table
from ..models.routes import QUESTION_KEYS, ROUTE_KEYS

if TYPE_CHECKING:
    import pandas as pd

SEED = 20250909

SCHEMA: Schema = Schema("situations.csv", (
    Column("situation_id"),
    Column("title"),
    Column("neighbourhood"),
    Column("description"),
    *(Column(key, "yesno") for key in QUESTION_KEYS),
    Column("commissioner_route", "choice", choices=ROUTE_KEYS, what="a route",
           hint=f"Use one of: {', '.join(ROUTE_KEYS)}."),
    Column("commissioner_alliance", "yesno"),
    Column("commissioner_note"),
), item="situation")

Y, N = True, False

# (title, neighbourhood, description,
#  answers in QUESTION_KEYS order: (is_grant, health_care, only_existing_provider,
#   patient_choice, existing_doing_well, suitable_provider_known, alliance,
#   above_threshold, clear_requirement),
#  commissioner_route, commissioner_alliance, commissioner_note)
CASES: list[tuple[str, str, str, tuple[bool, ...], str, bool, str]] = [
    ("Hollins Vale community chest", "Hollins Vale",
     "Small grants of up to £2,000 for residents' groups to run activities they choose: a "
     "street party, a walking group, a repair café.",
     (Y, N, N, N, N, N, N, N, N), "grant", N,
     "The council buys nothing here: it backs what residents want to do. A one-page "
     "application and a short note afterwards keep it light."),
    ("Core funding for Millbrook Community Association", "Millbrook",
     "Three years of core funding for the charity that runs Millbrook's community centre, "
     "towards its own charitable aims.",
     (Y, N, N, N, N, N, N, N, N), "grant", N,
     "Core funding for the association's own purposes. The council agrees shared aims and "
     "light reporting, but does not specify a service."),
    ("Benefits advice sessions", "Station Fields",
     "A local charity to deliver 500 benefits advice sessions a year, with set targets, for "
     "£40,000 a year for two years.",
     (N, N, N, N, N, N, N, N, Y), "below_threshold", N,
     "It was first called a grant, but the council is buying specified sessions with targets: "
     "that is a contract. At £80,000 it is below the threshold, so the council invited quotes "
     "from three local advice charities."),
    ("Website accessibility audit", "All of Ashworth",
     "An accessibility audit of the council's website, worth about £18,000 including VAT.",
     (N, N, N, N, N, N, N, N, Y), "below_threshold", N,
     "Small and well specified: three quotes under the council's own rules, and no notice "
     "needed below £30,000."),
    ("Carers' support service", "Canal Side",
     "A local carers' charity has run a well-liked support service for three years; the "
     "council wants a new two-year contract worth £150,000 including VAT.",
     (N, N, N, N, Y, Y, N, N, Y), "below_threshold", N,
     "Carers' support is a light-touch service, with a threshold of £663,540 including VAT. "
     "Below it, the council's own rules allowed a direct award to the charity, with a notice "
     "published because it is over £30,000."),
    ("Grounds maintenance in the parks", "All of Ashworth",
     "Mowing, planting and litter picking in Ashworth's parks, worth about £900,000 over four "
     "years including VAT. The work is well understood.",
     (N, N, N, N, N, N, N, Y, Y), "open", N,
     "A clear, stable specification above the threshold: the Open procedure is quick and lets "
     "anyone bid."),
    ("Supported housing for young people leaving care", "Station Fields",
     "Supported accommodation for young people leaving care, worth £2.4 million over five "
     "years. The council wants to design the model with providers and young people.",
     (N, N, N, N, N, N, N, Y, N), "competitive_flexible", N,
     "The right model is not known yet; working it out with providers and young people is the "
     "point. The Competitive Flexible procedure allows dialogue and negotiation."),
    ("Homelessness and wellbeing alliance", "Station Fields",
     "Bring homelessness, housing-related support and mental wellbeing services together, so "
     "that the partners share one budget and one set of outcomes: £7 million over five years.",
     (N, N, N, N, N, N, Y, Y, N), "competitive_flexible", Y,
     "Learning from Plymouth's alliance: the partners are chosen through a Competitive Flexible "
     "procedure, then sign one alliance contract with shared risk and reward."),
    ("Sexual health clinics", "All of Ashworth",
     "The NHS trust that runs the council's sexual health clinics meets its targets and "
     "patients rate it well. The contract ends next March and the service will stay much the "
     "same.",
     (N, Y, N, N, Y, Y, N, Y, Y), "psr_direct_award_c", N,
     "A public health service, so the Provider Selection Regime applies. The provider is doing "
     "well and little changes: Direct Award Process C, with the decision published and a "
     "standstill period."),
    ("Drug and alcohol treatment", "All of Ashworth",
     "The current provider has missed its recovery targets for two years and people say the "
     "service is hard to reach. The council wants a new model with more outreach, and several "
     "providers are interested.",
     (N, Y, N, N, N, N, N, Y, N), "psr_competitive", N,
     "No existing provider doing well, and several credible providers: the PSR's Competitive "
     "Process tests who can do it best."),
    ("Urgent mental health crisis service", "All of Ashworth",
     "The integrated care board commissions the 24-hour crisis line and home treatment team "
     "from the local mental health trust, which runs the linked inpatient and community "
     "services.",
     (N, Y, Y, N, Y, Y, N, Y, Y), "psr_direct_award_a", N,
     "No realistic alternative provider: Direct Award Process A must be used. NHS England gives "
     "urgent mental health crisis services as an example."),
    ("Physiotherapy for back and joint pain", "All of Ashworth",
     "Patients referred for physiotherapy can choose any provider that meets the integrated "
     "care board's standards, and every such provider is offered a contract.",
     (N, Y, N, Y, N, N, N, Y, Y), "psr_direct_award_b", N,
     "Patients choose and every provider that qualifies gets a contract: Direct Award "
     "Process B must be used."),
    ("Health visiting and school nursing", "All of Ashworth",
     "One integrated public health nursing service for children from birth to 19, replacing "
     "two contracts. Market engagement showed that the community trust already running the "
     "linked services is best placed.",
     (N, Y, N, N, N, Y, N, Y, N), "psr_most_suitable_provider", N,
     "The service changes considerably, so Direct Award Process C is out, but the most suitable "
     "provider is clear: the Most Suitable Provider Process, judged against the key criteria."),
    ("Integrated neighbourhood team", "Millbrook",
     "GP practices, community nursing and a local charity are to work as one neighbourhood "
     "team with a shared budget and shared outcomes. The integrated care board knows which "
     "local partners are best placed.",
     (N, Y, N, N, N, Y, Y, Y, N), "psr_most_suitable_provider", Y,
     "The Most Suitable Provider Process picks the partners already rooted in Millbrook, and an "
     "alliance agreement binds them to shared outcomes. Any social care element may need its "
     "own route: take advice."),
]


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def rows(seed: int = SEED) -> list[dict[str, str]]:
    """Return the situations as CSV rows (strings), in a fixed shuffled order.

    The order is shuffled with ``random.Random(seed)`` so that the routes are not
    grouped; the identifiers ``S01`` to ``S14`` follow the shuffled order.

    Examples
    --------
    >>> sample = rows()
    >>> len(sample), sample[0]["situation_id"], sample == rows()
    (14, 'S01', True)
    """
    cases = list(CASES)
    random.Random(seed).shuffle(cases)
    return [
        {
            "situation_id": f"S{i:02d}",
            "title": title,
            "neighbourhood": neighbourhood,
            "description": description,
            **{key: _yes(flag) for key, flag in zip(QUESTION_KEYS, answers, strict=True)},
            "commissioner_route": route,
            "commissioner_alliance": _yes(alliance),
            "commissioner_note": note,
        }
        for i, (title, neighbourhood, description, answers, route, alliance, note) in enumerate(
            cases, start=1
        )
    ]


def load_situations(path: str | Path | None = None) -> pd.DataFrame:
    """Load situations to commission: the shipped synthetic Ashworth set, or a learner's own CSV.

    The file needs the columns ``situation_id, title, neighbourhood, description``,
    a yes/no column for every RouteChooser question (``is_grant, health_care,
    only_existing_provider, patient_choice, existing_doing_well,
    suitable_provider_known, alliance, above_threshold, clear_requirement``), then
    ``commissioner_route`` (one of the route keys), ``commissioner_alliance``
    (yes/no) and ``commissioner_note``. See ``data/situations.md``. Extra columns
    are kept.

    Parameters
    ----------
    path : str or Path, optional
        A CSV file. Leave it out for the course's 14 synthetic situations.

    Returns
    -------
    pandas.DataFrame
        One row per situation; the answers and ``commissioner_alliance`` as bool.

    Raises
    ------
    CompassDataError
        Naming the file, column and first bad row, and what to do.

    Examples
    --------
    >>> situations = load_situations()
    >>> len(situations), situations["commissioner_route"].nunique()
    (14, 9)
    """
    return load_table(path, SCHEMA)


if __name__ == "__main__":
    from .generate import HERE, write_csv

    target = HERE / SCHEMA.shipped
    write_csv(target, SCHEMA.names, rows())
    print(f"wrote {target}")
