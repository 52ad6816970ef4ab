"""Six people's journeys through Ashworth (``journeys.csv``): synthetic, for module 04.

Three situations, each lived twice: once through a chain of referrals between
institutions, once with a local area coordinator or a community connector
alongside. One row is one event in a person's year. See ``journeys.md`` for the
data dictionary. Written by ``generate.py``; never edit the CSV by hand.

The stories are invented to show a pattern, not to measure one: nothing here is
evidence of what Local Area Coordination or community connecting achieve.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..datasets import Column, Schema, load_table

if TYPE_CHECKING:
    import pandas as pd

SEED = 20250404

#: The three levels of a journey: the "I" of the person (with their family), the
#: "us" of community, and the institutional system.
LAYERS = ("person", "community", "institution")
EVENT_TYPES = ("contact", "referral", "assessment", "waiting", "support", "crisis")
LAST_DAY = 364  # the journeys cover one year: days 0 to 364

SCHEMA: Schema = Schema("journeys.csv", (
    Column("person_id"),
    Column("persona"),
    Column("neighbourhood"),
    Column("day", "number", minimum=0, what="a day number (0 or more)",
           hint="Write the day as a plain number counted from the start of the journey, "
           "such as 0 or 45."),
    Column("organisation"),
    Column("layer", "choice", choices=LAYERS, what="a layer",
           hint="Use 'person' (the I: the person and their family), 'community' (the us: "
           "neighbours, groups and voluntary help) or 'institution' (the system: public "
           "services and other paid organisations)."),
    Column("event_type", "choice", choices=EVENT_TYPES, what="an event type",
           hint=f"Use one of: {', '.join(EVENT_TYPES)}."),
    Column("handoff", "yesno"),
    Column("retold_story", "yesno"),
    Column("days_waiting", "number", minimum=0, what="a number of days (0 or more)",
           hint="Write the days waited as a plain number, such as 28, or 0 if there was no "
           "wait."),
    Column("what_happened"),
), item="event")


@dataclass(frozen=True)
class _Step:
    """One scripted event of a journey.

    ``when`` is ("at", lo, hi): a day between lo and hi, or ("after", lo, hi): lo to
    hi days after the event before. A waiting event lasts ``until`` the event with
    that ``key`` (or "end": the end of the year).
    """

    when: tuple[str, int, int]
    organisation: str
    layer: str
    event_type: str
    what: str
    handoff: bool = False
    retold: bool = False
    key: str = ""
    until: str = ""


def _at(lo: int, hi: int | None = None) -> tuple[str, int, int]:
    return ("at", lo, lo if hi is None else hi)


def _after(lo: int, hi: int | None = None) -> tuple[str, int, int]:
    return ("after", lo, lo if hi is None else hi)


_SAME = _after(0)
_ME = "Self and family"
_P, _C, _I = LAYERS  # person, community, institution

# (person_id, persona, neighbourhood, steps)
JOURNEYS: list[tuple[str, str, str, list[_Step]]] = [
    ("P1", "Maureen, 79: referral chain", "Hollins Vale", [
        _Step(_at(0), _ME, _P, "crisis",
              "Falls at home and lies on the floor until her daughter finds her"),
        _Step(_SAME, "Ambulance service", _I, "contact", "An ambulance takes her to A&E",
              handoff=True),
        _Step(_SAME, "A&E", _I, "assessment",
              "Explains the fall, her tablets and her history to triage, then again to a doctor",
              retold=True),
        _Step(_after(1), "A&E", _I, "referral",
              "Sent home the next day with a referral to adult social care", handoff=True),
        _Step(_after(1, 3), "Adult social care", _I, "waiting",
              "Waits for the referral to be picked up", until="asc"),
        _Step(_at(24, 28), _ME, _P, "contact",
              "Her daughter rings adult social care to chase, and tells the story again",
              retold=True),
        _Step(_at(31, 33), "GP practice", _I, "contact",
              "Sees a locum GP about dizziness and explains the fall again", retold=True),
        _Step(_SAME, "GP practice", _I, "referral", "The GP refers her to the falls clinic",
              handoff=True),
        _Step(_after(1, 2), "Falls clinic", _I, "waiting", "Waits for a falls clinic appointment",
              until="falls"),
        _Step(_at(40, 48), "Adult social care", _I, "assessment",
              "Care needs assessment at home: she tells the whole story again", retold=True,
              key="asc"),
        _Step(_after(1, 4), "Adult social care", _I, "referral",
              "Referred to occupational therapy for grab rails and a stair rail", handoff=True),
        _Step(_after(1, 3), "Occupational therapy", _I, "waiting",
              "Waits for an occupational therapy visit", until="ot"),
        _Step(_at(70, 80), _ME, _P, "crisis",
              "Falls again on the stairs before any rails are fitted"),
        _Step(_SAME, "A&E", _I, "assessment", "Back in A&E: tells new staff everything again",
              retold=True),
        _Step(_SAME, "Hospital ward", _I, "support", "Admitted to a ward for four nights"),
        _Step(_after(4), "Hospital discharge team", _I, "referral",
              "Discharged with a referral to the reablement service", handoff=True),
        _Step(_after(1, 2), "Reablement service", _I, "support",
              "Six weeks of reablement visits; she explains her routine to each new carer",
              retold=True),
        _Step(_at(100, 110), "Falls clinic", _I, "assessment",
              "Falls clinic appointment: asked to go over both falls again", retold=True,
              key="falls"),
        _Step(_at(118, 130), "Occupational therapy", _I, "assessment",
              "Occupational therapy visit at last; rails ordered", retold=True, key="ot"),
        _Step(_after(1, 3), "Equipment service", _I, "waiting", "Waits for the rails to be fitted",
              until="rails"),
        _Step(_after(14, 24), "Equipment service", _I, "support",
              "Grab rails and a stair rail fitted", key="rails"),
        _Step(_at(150, 165), "Adult social care", _I, "assessment",
              "Review after reablement: a new worker asks the same questions", retold=True),
        _Step(_after(2, 6), "Adult social care", _I, "referral",
              "Referred to a home care agency for a morning call", handoff=True),
        _Step(_after(7, 14), "Home care agency", _I, "support",
              "Daily morning visits start, with a different carer most days"),
        _Step(_at(215, 240), _ME, _P, "contact",
              "Tells her daughter she has hardly been out since the first fall"),
        _Step(_after(5, 12), "GP practice", _I, "contact",
              "Sees the GP about low mood and explains the year again", retold=True),
        _Step(_SAME, "GP practice", _I, "referral", "Referred to talking therapies", handoff=True),
        _Step(_after(1, 2), "Talking therapies", _I, "waiting",
              "Still on the waiting list for talking therapies at the end of the year",
              until="end"),
    ]),
    ("P2", "Dennis, 81: local area coordinator", "Hollins Vale", [
        _Step(_at(0), _ME, _P, "crisis", "Falls in his garden and cannot get up"),
        _Step(_SAME, "Neighbour", _C, "support",
              "His neighbour hears him, helps him up and stays with him"),
        _Step(_after(1, 2), "GP practice", _I, "assessment",
              "His neighbour goes with him to the GP, who checks him over and asks what "
              "matters to him"),
        _Step(_SAME, "GP practice", _I, "referral",
              "The GP introduces him to the local area coordinator", handoff=True),
        _Step(_after(3, 6), "Local area coordinator", _I, "contact",
              "The coordinator visits him at home and hears his story once, in full",
              retold=True),
        _Step(_after(4, 8), "Local area coordinator", _I, "support",
              "Together they plan: stay steady on his feet and get out more"),
        _Step(_after(2, 5), _ME, _P, "support",
              "Does the strength exercises the coordinator showed him; his son fits a grab rail"),
        _Step(_after(3, 7), "Local area coordinator", _I, "referral",
              "He and the coordinator book a falls clinic appointment together", handoff=True),
        _Step(_after(1, 2), "Falls clinic", _I, "waiting", "Waits for the falls clinic",
              until="falls"),
        _Step(_after(2, 6), "Walking group", _C, "support",
              "Joins a weekly walking group at the community centre"),
        _Step(_after(3, 7), "Lunch club", _C, "support",
              "Goes to the over-60s lunch club at St Mary's and meets old workmates"),
        _Step(_at(60, 70), "Falls clinic", _I, "assessment",
              "Falls clinic: his one-page note goes with him, so he does not start again",
              key="falls"),
        _Step(_after(10, 20), "Community centre", _C, "support",
              "Volunteers show him how to video-call his granddaughter"),
        _Step(_after(10, 20), "Neighbour", _C, "support",
              "He mends his neighbour's bike; she shops for him in icy weather"),
        _Step(_at(150, 170), "GP practice", _I, "contact",
              "Sees the GP about a chest infection; the practice already knows his story"),
        _Step(_after(1, 3), "Lunch club", _C, "support",
              "Lunch club members bring meals round while he is ill"),
        _Step(_after(14, 28), "Local area coordinator", _I, "contact",
              "The coordinator checks in; they agree he no longer needs regular visits"),
        _Step(_at(250, 280), "Walking group", _C, "support",
              "Starts helping to lead the walking group"),
        _Step(_at(340, 360), _ME, _P, "support",
              "Still living at home at the end of the year, with no further falls"),
    ]),
    ("P3", "Kyle, 34: referral chain", "Station Fields", [
        _Step(_at(0), _ME, _P, "crisis", "Loses his warehouse job when the site closes"),
        _Step(_after(1, 3), "Job centre", _I, "contact",
              "Claims Universal Credit and has a job centre interview"),
        _Step(_SAME, "Job centre", _I, "waiting", "Waits five weeks for the first payment",
              until="pay"),
        _Step(_after(7, 12), "Council housing", _I, "contact",
              "Rings housing about a rent arrears letter and explains the job loss", retold=True),
        _Step(_after(3, 6), "Job centre", _I, "referral",
              "His work coach gives him a food bank referral", handoff=True),
        _Step(_after(1, 2), "Food bank", _C, "support",
              "Food bank parcel; volunteers ask about his situation", retold=True),
        _Step(_at(37, 38), "Job centre", _I, "support",
              "First Universal Credit payment arrives, less an advance to repay", key="pay"),
        _Step(_at(45, 55), "GP practice", _I, "contact",
              "Sees the GP: not sleeping, low mood; explains the job loss and the debts",
              retold=True),
        _Step(_SAME, "GP practice", _I, "referral", "Referred to talking therapies", handoff=True),
        _Step(_after(1, 2), "Talking therapies", _I, "waiting",
              "On the waiting list for talking therapies", until="therapy"),
        _Step(_after(5, 10), "Job centre", _I, "crisis",
              "Misses a work coach appointment that clashed with the GP; his payment is "
              "sanctioned", retold=True),
        _Step(_after(3, 7), "Council housing", _I, "contact",
              "A new housing officer asks him to explain the arrears and his health again",
              retold=True),
        _Step(_SAME, "Council housing", _I, "referral", "Referred to the money advice service",
              handoff=True),
        _Step(_after(1, 2), "Money advice service", _I, "waiting",
              "Waits for a money advice appointment", until="advice"),
        _Step(_after(21, 28), "Money advice service", _I, "assessment",
              "Goes through his debts, the job loss and his health again", retold=True,
              key="advice"),
        _Step(_after(10, 20), "Council housing", _I, "crisis",
              "A notice seeking possession arrives"),
        _Step(_after(2, 5), "A&E", _I, "crisis", "Goes to A&E at night in distress", retold=True),
        _Step(_SAME, "Mental health crisis team", _I, "assessment",
              "The crisis team assess him and send him back to his GP", handoff=True,
              retold=True),
        _Step(_after(3, 7), "GP practice", _I, "contact",
              "Back at the GP; tells the story again to a different doctor", retold=True),
        _Step(_at(150, 165), "Talking therapies", _I, "assessment",
              "First talking therapies session", retold=True, key="therapy"),
        _Step(_after(7, 14), "Council housing", _I, "support",
              "Arrears plan agreed; possession action paused"),
        _Step(_at(200, 220), "Job centre", _I, "referral",
              "Referred to an employment support provider", handoff=True),
        _Step(_after(10, 20), "Employment support provider", _I, "assessment",
              "Starts employment support; another intake form about his history", retold=True),
        _Step(_after(3, 7), "Employment support provider", _I, "waiting",
              "Waits for a place on a forklift course", until="end"),
    ]),
    ("P4", "Aisha, 29: community connector", "Station Fields", [
        _Step(_at(0), _ME, _P, "crisis", "Loses her café job when it closes"),
        _Step(_after(1, 3), "Job centre", _I, "contact",
              "Claims Universal Credit and has a job centre interview"),
        _Step(_SAME, "Job centre", _I, "waiting", "Waits five weeks for the first payment",
              until="pay"),
        _Step(_after(4, 8), "Tenants' association", _C, "contact",
              "Mentions the money gap at the tenants' association coffee morning"),
        _Step(_SAME, "Community connector", _C, "contact",
              "Meets the association's community connector, who hears her story once, in full",
              retold=True),
        _Step(_after(1, 3), "Food bank", _C, "support",
              "The connector goes with her to the food bank and the community fridge"),
        _Step(_after(3, 7), "Community connector", _C, "referral",
              "The connector sets up one meeting with housing and her work coach, with Aisha "
              "there", handoff=True),
        _Step(_after(5, 10), "Council housing", _I, "assessment",
              "Joint meeting: she tells her story once, to everyone at the table"),
        _Step(_SAME, "Council housing", _I, "support",
              "Arrears plan agreed before any legal letter"),
        _Step(_at(37, 38), "Job centre", _I, "support", "First Universal Credit payment arrives",
              key="pay"),
        _Step(_after(5, 10), _ME, _P, "support",
              "Starts volunteering at the community kitchen two mornings a week"),
        _Step(_after(7, 14), "Community kitchen", _C, "support",
              "Cooks with other volunteers; a circle of friends grows"),
        _Step(_at(90, 110), "GP practice", _I, "contact",
              "Sees the GP about low mood; shares the connector's note with her consent"),
        _Step(_SAME, "GP practice", _I, "referral", "Referred to talking therapies", handoff=True),
        _Step(_after(1, 2), "Talking therapies", _I, "waiting",
              "On the same waiting list for talking therapies", until="therapy"),
        _Step(_after(5, 10), "Faith group", _C, "support",
              "Joins the mosque women's group, who meet weekly while she waits"),
        _Step(_after(20, 40), "Job centre", _I, "contact",
              "Her work coach agrees the volunteering counts towards her plan"),
        _Step(_at(185, 200), "Talking therapies", _I, "assessment",
              "First talking therapies session; the connector's note saves repeating everything",
              key="therapy"),
        _Step(_at(230, 250), "Market café", _C, "support",
              "Trial shifts at a café on the Saturday market, found through the kitchen "
              "volunteers"),
        _Step(_after(20, 30), _ME, _P, "support", "Starts a part-time catering job"),
        _Step(_at(330, 350), "Tenants' association", _C, "support",
              "Now helps run the coffee morning"),
    ]),
    ("P5", "Jo, 41: referral chain", "Canal Side", [
        _Step(_at(0), "School", _I, "contact",
              "Called to school: her son has been sent home again"),
        _Step(_SAME, "School", _I, "referral",
              "The school refers him to the educational psychologist", handoff=True),
        _Step(_after(1, 3), "Educational psychology", _I, "waiting",
              "Waits for an educational psychology assessment", until="psychology"),
        _Step(_after(5, 10), "GP practice", _I, "contact",
              "Sees the GP about her son's sleep and meltdowns, and explains everything",
              retold=True),
        _Step(_SAME, "GP practice", _I, "referral",
              "The GP refers him to the child development service", handoff=True),
        _Step(_after(1, 3), "Child development service", _I, "waiting",
              "Joins the waiting list for an autism assessment", until="autism"),
        _Step(_at(25, 35), "Early help", _I, "assessment",
              "Early help assessment after the school raises a concern: the story again",
              retold=True),
        _Step(_after(0, 3), "Early help", _I, "referral", "Referred to a parenting course",
              handoff=True),
        _Step(_after(1, 3), "Parenting course", _I, "waiting",
              "Waits for a place on a parenting course", until="course"),
        _Step(_at(50, 60), _ME, _P, "crisis",
              "Gives up her job to look after her son; money is very tight"),
        _Step(_after(2, 5), "Job centre", _I, "contact",
              "Claims Universal Credit as a carer and explains her son's needs again",
              retold=True),
        _Step(_at(70, 80), "Parenting course", _I, "support",
              "A general parenting course, not one about autism", key="course"),
        _Step(_after(5, 15), "School", _I, "crisis", "Her son is excluded for five days"),
        _Step(_at(105, 120), "Educational psychology", _I, "assessment",
              "Educational psychology assessment at last", retold=True, key="psychology"),
        _Step(_after(3, 7), "SEND team", _I, "referral",
              "She asks the SEND team for an education, health and care needs assessment",
              handoff=True),
        _Step(_after(1, 3), "SEND team", _I, "waiting",
              "Waits for a decision on the needs assessment", until="send"),
        _Step(_at(170, 185), _ME, _P, "crisis",
              "Not sleeping; her own mental health breaks down"),
        _Step(_after(1, 3), "GP practice", _I, "contact",
              "Sees a GP about her own health and explains the whole situation", retold=True),
        _Step(_SAME, "GP practice", _I, "referral", "Referred to talking therapies", handoff=True),
        _Step(_after(1, 2), "Talking therapies", _I, "waiting",
              "Still waiting for talking therapies at the end of the year", until="end"),
        _Step(_at(215, 230), "SEND team", _I, "assessment",
              "Needs assessment agreed; forms and history again", retold=True, key="send"),
        _Step(_at(250, 270), "Child development service", _I, "assessment",
              "Autism assessment: forms and history again", retold=True, key="autism"),
        _Step(_after(5, 10), "Child development service", _I, "referral",
              "Diagnosis given; referred back to the school and to early help", handoff=True),
        _Step(_after(10, 20), "School", _I, "assessment",
              "Meeting with a new special needs coordinator: the story again", retold=True),
    ]),
    ("P6", "Sam, 38: local area coordinator", "Millbrook", [
        _Step(_at(0), "School", _I, "contact",
              "Called to school: her daughter has been sent home again"),
        _Step(_after(1, 4), "Parents' group", _C, "support",
              "Another parent at the school gate invites her to a parents' group for children "
              "with additional needs"),
        _Step(_after(5, 9), "Local area coordinator", _I, "contact",
              "A group member introduces her to the local area coordinator; she tells her story "
              "once, in full", retold=True),
        _Step(_after(3, 7), "Local area coordinator", _I, "support",
              "With the coordinator she writes a one-page profile of her daughter, to share "
              "with anyone who needs it"),
        _Step(_after(3, 7), "GP practice", _I, "referral",
              "The GP reads the profile and refers her daughter to the child development service",
              handoff=True),
        _Step(_after(1, 2), "Child development service", _I, "waiting",
              "Joins the waiting list for an autism assessment", until="autism"),
        _Step(_after(5, 10), "School", _I, "assessment",
              "A school meeting uses the profile; simple changes agreed for the classroom"),
        _Step(_after(5, 10), "Parents' group", _C, "support",
              "Parents share what has worked for them at home and at school"),
        _Step(_after(10, 20), "Library", _I, "support",
              "Quiet Saturday sessions at the library, suggested by the group"),
        _Step(_after(5, 15), _ME, _P, "support",
              "Agrees flexible hours with her employer and keeps her job"),
        _Step(_after(10, 20), "Neighbour", _C, "support",
              "A neighbour does the school run on her late days"),
        _Step(_at(120, 140), "School", _I, "crisis",
              "A bad week: her daughter refuses to go to school"),
        _Step(_after(0, 2), "Parents' group", _C, "support",
              "Two parents from the group sit with her and help plan the return"),
        _Step(_after(2, 5), "Local area coordinator", _I, "contact",
              "The coordinator helps her ask the school for a meeting"),
        _Step(_after(3, 7), "School", _I, "assessment",
              "A return-to-school plan is agreed, using the profile"),
        _Step(_at(250, 270), "Child development service", _I, "assessment",
              "Autism assessment: the profile saves going over everything again", key="autism"),
        _Step(_after(5, 10), "Child development service", _I, "referral",
              "Diagnosis given; referred to the SEND team for support at school", handoff=True),
        _Step(_after(1, 3), "SEND team", _I, "waiting", "Waits for the SEND team to respond",
              until="end"),
        _Step(_at(320, 340), "Parents' group", _C, "support", "Now helps run the parents' group"),
    ]),
]


def _days(steps: list[_Step], rng: random.Random) -> list[int]:
    """Draw each step's day; a day is never earlier than the day before it."""
    days: list[int] = []
    for step in steps:
        kind, lo, hi = step.when
        drawn = rng.randint(lo, hi)
        previous = days[-1] if days else 0
        days.append(max(previous, drawn) if kind == "at" else previous + drawn)
    return days


def rows(seed: int = SEED) -> list[dict[str, str]]:
    """Return the synthetic journeys as a list of CSV rows (strings), in journey order.

    Parameters
    ----------
    seed : int
        Seed for ``random.Random``; the same seed gives the same rows.

    Examples
    --------
    >>> sample = rows()
    >>> sample[0]["person_id"], sample[0]["day"], sample[0]["what_happened"]
    ('P1', '0', 'Falls at home and lies on the floor until her daughter finds her')
    >>> sample == rows()
    True
    """
    rng = random.Random(seed)
    records = []
    for person_id, persona, neighbourhood, steps in JOURNEYS:
        days = _days(steps, rng)
        keyed = {step.key: day for step, day in zip(steps, days, strict=True) if step.key}
        for step, day in zip(steps, days, strict=True):
            waiting = 0
            if step.until:
                waiting = (LAST_DAY if step.until == "end" else keyed[step.until]) - day
            records.append({
                "person_id": person_id,
                "persona": persona,
                "neighbourhood": neighbourhood,
                "day": str(day),
                "organisation": step.organisation,
                "layer": step.layer,
                "event_type": step.event_type,
                "handoff": "yes" if step.handoff else "no",
                "retold_story": "yes" if step.retold else "no",
                "days_waiting": str(waiting),
                "what_happened": step.what,
            })
    return records


def load_journeys(path: str | Path | None = None) -> pd.DataFrame:
    """Load journeys: the shipped synthetic Ashworth ones, or a learner's own CSV.

    One row is one event in a person's journey. The file needs the columns
    ``person_id, persona, neighbourhood, day, organisation, layer, event_type,
    handoff, retold_story, days_waiting, what_happened`` (see ``journeys.md``).
    ``day`` counts days from the start of the journey; ``layer`` is ``person``,
    ``community`` or ``institution``; ``event_type`` is one of contact, referral,
    assessment, waiting, support, crisis; ``handoff`` and ``retold_story`` are
    yes/no; ``days_waiting`` is 0 or more. Extra columns are kept.

    Parameters
    ----------
    path : str or Path, optional
        A CSV file. Leave it out for the course's six synthetic journeys.

    Returns
    -------
    pandas.DataFrame
        One row per event; ``day`` and ``days_waiting`` as floats, ``handoff`` and
        ``retold_story`` as bool.

    Raises
    ------
    CompassDataError
        Naming the file, column and first bad row, and what to do.

    Examples
    --------
    >>> journeys = load_journeys()
    >>> journeys["person_id"].nunique(), sorted(journeys["layer"].unique())
    (6, ['community', 'institution', 'person'])
    """
    return load_table(path, SCHEMA)
