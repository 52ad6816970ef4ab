"""Case vignettes from Ashworth's services (``vignettes.csv``): synthetic, for module 03.

Thirty-eight short cases, each described by six yes/no features and the Cynefin
domain an experienced practitioner gave it. Learners sort them into *clear*,
*complicated*, *complex* and *chaotic*, and compare their sorting with a simple
rule (:func:`compass_widgets.models.cynefin.rule_domain`) and with the practitioner.

Every case is invented: Ashworth and its four neighbourhoods (Hollins Vale,
Millbrook, Station Fields and Canal Side) do not exist, and no vignette describes a
real person. See ``vignettes.md`` for the data dictionary. The CSV is written by
:func:`rows`; never edit it by hand. Regenerate it with::

    python -m compass_widgets.data.vignettes
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import TYPE_CHECKING

from ..datasets import Column, Schema, load_table

if TYPE_CHECKING:
    import pandas as pd

SEED = 20250303

#: The Cynefin domains, in the order the course teaches them.
DOMAINS = ("clear", "complicated", "complex", "chaotic")

#: The six yes/no features of a vignette, in column order.
FEATURES = (
    "cause_effect_known",
    "standard_answer",
    "specialist_needed",
    "many_agencies",
    "changes_as_you_act",
    "immediate_risk",
)

_DOMAIN_HINT = "Use clear, complicated, complex or chaotic."

SCHEMA: Schema = Schema("vignettes.csv", (
    Column("vignette_id"),
    Column("neighbourhood"),
    Column("service"),
    Column("vignette"),
    *(Column(feature, "yesno") for feature in FEATURES),
    Column("practitioner_domain", "choice", choices=DOMAINS, what="a Cynefin domain",
           hint=_DOMAIN_HINT),
    Column("practitioner_note"),
), item="vignette")

Y, N = True, False

# (neighbourhood, service, vignette,
#  (cause_effect_known, standard_answer, specialist_needed, many_agencies,
#   changes_as_you_act, immediate_risk), practitioner_domain, practitioner_note)
CASES: list[tuple[str, str, str, tuple[bool, ...], str, str]] = [
    # -- clear: a tested answer anyone trained can apply -------------------------------
    ("Millbrook", "Waste and recycling",
     "A resident asks for a replacement recycling bin because the wind blew hers into the "
     "canal.",
     (Y, Y, N, N, N, N), "clear",
     "A known request with a tested process: order the bin and say when it will arrive."),
    ("Station Fields", "Housing repairs",
     "A tenant reports a dripping kitchen tap and says he is in on Tuesday morning.",
     (Y, Y, N, N, N, N), "clear",
     "A routine repair: book the plumber for a time that suits the tenant."),
    ("Canal Side", "Council tax",
     "A couple moving into a flat want to set up council tax by Direct Debit.",
     (Y, Y, N, N, N, N), "clear",
     "Standard and well tested: take the details once and confirm in writing."),
    ("Hollins Vale", "Education",
     "A parent asks how to apply for a primary school place for September.",
     (Y, Y, N, N, N, N), "clear",
     "Point to the admissions form and the closing date; offer help if the parent wants it."),
    ("Millbrook", "Highways",
     "Someone reports that a streetlight on the footpath by the park has gone out.",
     (Y, Y, N, N, N, N), "clear",
     "Log the fault against the lamp column number and give a fix date."),
    ("Station Fields", "Waste and recycling",
     "A resident asks for a bulky waste collection for an old sofa and a fridge.",
     (Y, Y, N, N, N, N), "clear",
     "Book the collection and explain what can and cannot be taken."),
    ("Hollins Vale", "Parking",
     "A pensioner asks to renew his Blue Badge; nothing about his mobility has changed.",
     (Y, Y, N, N, N, N), "clear",
     "A renewal with no change: the standard process works first time."),
    ("Station Fields", "Environmental health",
     "A resident rings the council because she can smell gas in the street outside her house.",
     (Y, Y, N, N, N, Y), "clear",
     "Urgent, but there is a tested answer: pass it at once to the national gas emergency "
     "line and tell her to keep away. Urgent does not mean chaotic."),
    ("Canal Side", "Licensing",
     "A market trader asks to renew his street trading licence for the Saturday market.",
     (Y, Y, N, N, N, N), "clear",
     "A renewal with a published process and fee."),
    ("Hollins Vale", "Registration",
     "A resident asks for a copy of her birth certificate to apply for a passport.",
     (Y, Y, N, N, N, N), "clear",
     "Take the order and payment; the register office does the rest."),
    ("Millbrook", "Housing repairs",
     "A tenant asks for this year's gas safety check on her boiler.",
     (Y, Y, Y, N, N, N), "clear",
     "The rule calls it complicated because a Gas Safe engineer does the work, but for the "
     "council it is routine: book the visit. Needing a specialist is not the same as "
     "needing analysis."),
    # -- complicated: a right answer that takes analysis or a specialist -----------------
    ("Millbrook", "Housing repairs",
     "Damp and mould keep coming back in a flat after two treatments; the tenant's baby has "
     "asthma.",
     (N, N, Y, N, N, N), "complicated",
     "A surveyor can find the cause (a leak, poor ventilation, a cold wall); the answer is "
     "there to be found with expertise, and it should be found fast."),
    ("Canal Side", "Council tax",
     "A resident disputes her council tax band after the house she lives in was split into "
     "two flats.",
     (N, N, Y, N, N, N), "complicated",
     "The Valuation Office Agency can work it out; the council explains the route and the "
     "timescale."),
    ("Hollins Vale", "Special educational needs",
     "A school asks for an assessment for an education, health and care plan for a "
     "seven-year-old.",
     (Y, Y, Y, N, N, N), "complicated",
     "A statutory process with specialists (an educational psychologist and health "
     "professionals) and a known sequence of steps."),
    ("Station Fields", "Adult social care",
     "An older woman needs her bathroom adapted after a hip replacement.",
     (Y, Y, Y, N, N, N), "complicated",
     "An occupational therapist assesses what will work in her home; then it is a known job."),
    ("Millbrook", "Business rates",
     "A small charity asks why its application for business rates relief was refused.",
     (Y, N, Y, N, N, N), "complicated",
     "The rules are knowable but intricate; a rates specialist can check the decision."),
    ("Hollins Vale", "Adult social care",
     "A care home reports that falls among its residents have risen over three months.",
     (N, N, Y, N, N, N), "complicated",
     "A falls specialist can analyse the pattern: medicines, lighting, night staffing."),
    ("Canal Side", "Building control",
     "A housing association asks whether a new block of flats needs a fire safety upgrade.",
     (N, N, Y, N, N, N), "complicated",
     "Fire engineers can assess it against the standards; there is a right answer."),
    ("Station Fields", "Benefits",
     "A man with a learning disability has had his housing benefit stopped because a form "
     "was not returned.",
     (Y, N, Y, N, N, N), "complicated",
     "A welfare rights adviser can untangle it and get the claim restored."),
    ("Millbrook", "Council tax",
     "A family asks for help with council tax arrears that have been passed to enforcement "
     "agents.",
     (Y, N, Y, N, N, N), "complicated",
     "A debt adviser can set up an affordable plan and ask for enforcement to be paused."),
    # -- complex: cause and effect only clear afterwards --------------------------------
    ("Hollins Vale", "Adult social care",
     "An older man with dementia keeps ringing 999 at night; his daughter, who cares for him, "
     "is exhausted.",
     (N, N, Y, Y, Y, N), "complex",
     "No single fix: what helps depends on him, his daughter and the people around them, and "
     "changes as you try things. Start with small steps and watch what happens."),
    ("Station Fields", "Children's services",
     "A teenager has stopped going to school, stays out at night and has new, older friends.",
     (N, N, Y, Y, Y, N), "complex",
     "Possible exploitation; trust matters more than process. Several agencies must work "
     "with the young person and adjust as they learn."),
    ("Canal Side", "Housing management",
     "A tenant keeps so many belongings that neighbours complain and the fire service is "
     "worried.",
     (N, N, Y, Y, Y, N), "complex",
     "Clearing the flat by force usually makes things worse; progress comes from a "
     "relationship, at the tenant's pace, with safety checked along the way."),
    ("Millbrook", "Community safety",
     "Residents on an estate say they feel unsafe since the community centre closed, and "
     "antisocial behaviour has grown.",
     (N, N, N, Y, Y, N), "complex",
     "Many causes interact; try several small things with residents and see which take hold."),
    ("Hollins Vale", "Housing options",
     "A woman who left an abusive partner is sofa-surfing with her two children and keeps "
     "missing appointments.",
     (N, N, Y, Y, Y, N), "complex",
     "Missed appointments are a symptom, not the problem. One trusted worker, flexible "
     "contact and joined-up help across housing, schools and health."),
    ("Station Fields", "Hospital discharge",
     "A man who drinks heavily is discharged from hospital and readmitted within weeks, "
     "again and again.",
     (N, N, Y, Y, Y, N), "complex",
     "The revolving door will not stop by repeating the same discharge; find out what "
     "matters to him and work across health, housing and drug and alcohol services."),
    ("Canal Side", "Public health",
     "GPs notice more frequent attenders among older people who live alone and seem lonely.",
     (N, N, N, Y, Y, N), "complex",
     "Loneliness has no standard cure; connect people with what is already strong in the "
     "neighbourhood and learn as you go."),
    ("Millbrook", "Children's services",
     "A family has had six different social workers in a year and no longer answers the door.",
     (N, N, Y, Y, Y, N), "complex",
     "The system has become part of the problem. Rebuilding trust takes one consistent person "
     "and time."),
    ("Hollins Vale", "Young carers",
     "A 12-year-old is missing school to look after her mother, who has multiple sclerosis.",
     (N, N, N, Y, N, N), "complex",
     "School, adult social care, health and the family all have a part; what will work is "
     "found with the family, not prescribed."),
    ("Station Fields", "Homelessness",
     "More people are sleeping rough around the station, and some turn down hostel places.",
     (N, N, N, Y, Y, N), "complex",
     "Each person's reasons differ; outreach, trust and options that fit are learnt over time."),
    ("Canal Side", "Resettlement",
     "A refugee family newly housed in the area is trying to register with a GP, find school "
     "places and start English classes, all at once.",
     (Y, Y, N, Y, N, N), "complex",
     "The rule calls it clear because each service has a standard answer, but together the "
     "pieces interact: a missed school letter can unravel the rest. A practitioner treats it "
     "as complex and keeps one person alongside the family."),
    ("Hollins Vale", "Waste and recycling",
     "An 89-year-old woman who lives alone reports her third missed bin collection this month.",
     (Y, Y, N, N, N, N), "complex",
     "The bin is the clear part. A third call from someone of 89 living alone may be the "
     "first sign she is not coping; a good practitioner asks one more question."),
    ("Millbrook", "Community safety",
     "A woman rings to say her neighbour's adult son is shouting and throwing things again; "
     "it happens most weeks.",
     (N, N, N, Y, N, Y), "complex",
     "The rule sees immediate risk and no tested answer, so it says chaotic. The practitioner "
     "knows the history: pass any danger now to the police, then treat the pattern as complex "
     "work with the family over time."),
    # -- chaotic: act first to make people safe ------------------------------------------
    ("Millbrook", "Emergency planning",
     "A fire has made a block of 40 flats uninhabitable tonight; residents are standing in "
     "the street.",
     (N, N, N, Y, Y, Y), "chaotic",
     "Act first: shelter, warmth and safety tonight. Make sense of it once people are safe."),
    ("Hollins Vale", "Adult social care",
     "A care home says it will close tomorrow because its owner has gone bust; 30 residents "
     "live there.",
     (N, N, N, Y, Y, Y), "chaotic",
     "Stabilise now: keep residents safe and cared for, then work out the longer-term options."),
    ("Canal Side", "Emergency planning",
     "Flash flooding has cut off several streets and a frail resident is not answering her "
     "phone.",
     (N, N, N, Y, Y, Y), "chaotic",
     "Act: get someone to her door with the emergency services, then take stock."),
    ("Station Fields", "Home care",
     "A home care agency has stopped visits without warning; 60 people did not get their "
     "morning care today.",
     (N, N, N, Y, Y, Y), "chaotic",
     "Act first: phone everyone, send whoever can go, check the most at risk. Review later."),
    ("All of Ashworth", "Customer services",
     "A cyber attack has taken down the council's phone lines and case records on a Monday "
     "morning.",
     (N, N, Y, Y, Y, Y), "chaotic",
     "People who need help cannot reach it: set up emergency routes at once, then investigate."),
]


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def rows(seed: int = SEED) -> list[dict[str, str]]:
    """Return the vignettes as CSV rows (strings), in a fixed shuffled order.

    The order is shuffled with ``random.Random(seed)`` so that the domains are not
    grouped (a learner working through them one by one should not be able to guess);
    the identifiers ``V01`` to ``V38`` follow the shuffled order.

    Examples
    --------
    >>> sample = rows()
    >>> len(sample), sample[0]["vignette_id"], sample[-1]["vignette_id"]
    (38, 'V01', 'V38')
    >>> sample == rows()
    True
    """
    cases = list(CASES)
    random.Random(seed).shuffle(cases)
    return [
        {
            "vignette_id": f"V{i:02d}",
            "neighbourhood": neighbourhood,
            "service": service,
            "vignette": vignette,
            **{name: _yes(flag) for name, flag in zip(FEATURES, features, strict=True)},
            "practitioner_domain": domain,
            "practitioner_note": note,
        }
        for i, (neighbourhood, service, vignette, features, domain, note) in enumerate(
            cases, start=1
        )
    ]


def load_vignettes(path: str | Path | None = None) -> pd.DataFrame:
    """Load case vignettes: the shipped synthetic Ashworth set, or a learner's own CSV.

    The file needs the columns ``vignette_id, neighbourhood, service, vignette``,
    the six yes/no features ``cause_effect_known, standard_answer,
    specialist_needed, many_agencies, changes_as_you_act, immediate_risk``, then
    ``practitioner_domain`` (clear, complicated, complex or chaotic) and
    ``practitioner_note``. See ``data/vignettes.md``. Extra columns are kept.

    Parameters
    ----------
    path : str or Path, optional
        A CSV file. Leave it out for the course's 38 synthetic vignettes.

    Returns
    -------
    pandas.DataFrame
        One row per vignette; the six features as bool, the domain in lower case.

    Raises
    ------
    CompassDataError
        Naming the file, column and first bad row, and what to do.

    Examples
    --------
    >>> vignettes = load_vignettes()
    >>> len(vignettes), sorted(vignettes["practitioner_domain"].unique())
    (38, ['chaotic', 'clear', 'complex', 'complicated'])
    """
    return load_table(path, SCHEMA)


if __name__ == "__main__":
    from .generate import HERE, write_csv

    target = HERE / SCHEMA.shipped
    write_csv(target, SCHEMA.names, rows())
    print(f"wrote {target}")
