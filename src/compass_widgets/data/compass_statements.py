"""The course's commissioning self-assessment (``compass_statements.csv``), for modules 00 and 11.

RedQuadrant's *Commissioning Compass* is the real-world counterpart of this tool,
but no public description of its dimensions or scoring was found, so this course
defines its own: eight dimensions drawn from the course modules, four or five
statements each, and an anchored 1 to 5 scale running from transactional practice
(1) to stewardship (5). One statement per dimension makes up the quick form.

The statements were written by the course team; they are not a published
instrument and have not been validated. See ``compass_statements.md``. Never edit
the CSV by hand: write it with :func:`rows` through
``compass_widgets.data.generate.write_csv``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..datasets import Column, Schema, load_table, shipped_path
from ..errors import CompassDataError

if TYPE_CHECKING:
    import pandas as pd

#: Kept so that every dataset module has the same shape. The statements are written,
#: not drawn at random, so nothing here uses it.
SEED = 20130401

#: The eight dimensions (id, name), in the order the course presents them.
DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("purpose", "Purpose"),
    ("relationships", "Relationships and trust"),
    ("place", "Place and neighbourhoods"),
    ("power", "Power and authority"),
    ("governance", "Governance and risk"),
    ("measurement", "Measurement and learning"),
    ("contracting", "Contracting and commissioning routes"),
    ("workforce", "Workforce wellbeing"),
)
DIMENSION_IDS = tuple(key for key, _ in DIMENSIONS)
DIMENSION_NAMES = dict(DIMENSIONS)

SCHEMA: Schema = Schema("compass_statements.csv", (
    Column("statement_id"),
    Column("dimension", "choice", choices=DIMENSION_IDS, what="one of the course's dimensions",
           hint=f"Use one of: {', '.join(DIMENSION_IDS)}."),
    Column("statement"),
    Column("anchor_1"),
    Column("anchor_3"),
    Column("anchor_5"),
    Column("quick", "yesno"),
), item="statement")

# dimension -> [(statement, anchor 1, anchor 3, anchor 5)]; the first is in the quick form.
_STATEMENTS: dict[str, list[tuple[str, str, str, str]]] = {
    "purpose": [
        ("We can say in one sentence what our commissioning is for in people's lives.",
         "Our purpose is written as services to buy and budgets to keep to.",
         "We talk about outcomes for people, but contracts and reports still describe activity.",
         "Everyone involved can say what difference we are trying to make, and we test "
         "decisions against it."),
        ("We start from what matters to people, not from the services we already buy.",
         "Each cycle starts from last year's contracts and specifications.",
         "We ask people what matters, but most of the options are already set.",
         "What people and communities tell us shapes what we commission from the start."),
        ("We design against the demand people actually bring, including failure demand.",
         "We forecast volumes and buy capacity; we do not ask why people come back.",
         "We know some demand is caused by our own failures and have looked at it once or twice.",
         "We study demand with front-line staff, often, and design failure demand out."),
        ("We know when to standardise and when to personalise.",
         "One process fits all; anything else is escalated.",
         "Staff bend the rules for complex cases, informally and at their own risk.",
         "Simple needs get a reliable standard; complex lives get discretion that is designed "
         "in and backed."),
    ],
    "relationships": [
        ("Our relationships with providers rest on trust, not only on contract terms.",
         "We talk to providers mainly at tender and at contract-monitoring meetings.",
         "We get on well with some providers, but it depends on the people involved.",
         "We work with providers as partners, share problems early and settle disagreements "
         "by talking."),
        ("Providers can tell us bad news early without fear of a penalty.",
         "Providers keep problems quiet until they show up in the figures.",
         "Some providers raise problems early; others wait to be found out.",
         "Bad news comes early, because it leads to help, not punishment."),
        ("We share information openly with partners.",
         "Information flows one way: providers report to us.",
         "We share some information with partners when they ask.",
         "Partners see the same information we do, and we use it together to learn."),
        ("Voluntary and community groups are partners, not only suppliers.",
         "Small groups can only work with us by winning tenders.",
         "We give some grants and invite groups to forums.",
         "Community groups help decide what is needed and how it is funded."),
        ("We give time to relationships even when no contract is due.",
         "Time spent on relationships is seen as a cost with nothing to show for it.",
         "We make time for relationships when something has gone wrong.",
         "Time to build and repair relationships is planned and protected."),
    ],
    "place": [
        ("We plan with neighbourhoods as the starting point, not as delivery zones.",
         "We commission services for the whole area and divide them up by map afterwards.",
         "Some services are organised by neighbourhood, but plans are still set centrally.",
         "Each neighbourhood's people, assets and relationships shape what we commission there."),
        ("We know what is strong in each neighbourhood, not only what is wrong.",
         "Our needs assessment lists problems and gaps.",
         "We mapped some community assets once.",
         "We keep an up-to-date picture of local skills, groups and places, built with "
         "residents."),
        ("Residents have a real say in decisions about their neighbourhood.",
         "We consult residents on decisions that are already made.",
         "Residents sit on some boards, with little influence.",
         "Residents share decisions, and some budgets, for their neighbourhood."),
        ("Services in a neighbourhood work as one team around people.",
         "Each service follows its own rules, and people are passed between them.",
         "Services meet to discuss the most complex cases.",
         "Local staff from different organisations share a place, a purpose and the authority "
         "to act together."),
    ],
    "power": [
        ("Front-line staff can do what matters for the person in front of them.",
         "Anything outside the process needs a manager to sign it off.",
         "Staff have some discretion, but using it feels risky.",
         "Staff are trusted to use their judgement, with clear limits and support when things "
         "go wrong."),
        ("We are willing to hand some control to people and communities.",
         "Decisions stay with the organisation; people are told the result.",
         "We involve people in design, but keep the final decision.",
         "People and communities hold real decisions and budgets, and we back them."),
        ("Senior leaders protect room to manoeuvre for relational work.",
         "Leaders ask for compliance and escalate exceptions.",
         "Leaders back new ways of working in pilots, but not in everyday services.",
         "Leaders change rules and reporting so that relational work can last."),
        ("People who use services help set our commissioning priorities.",
         "We ask people for feedback afterwards, if at all.",
         "People with lived experience sit on a reference group.",
         "People with lived experience help set priorities and judge proposals."),
    ],
    "governance": [
        ("Our governance supports good judgement rather than blocking it.",
         "Governance means more sign-offs; the safest answer is no.",
         "Governance allows some flexibility if you know how to work it.",
         "Governance is designed to support judgement and asks what we learned, not only who "
         "approved."),
        ("We weigh the risk of doing nothing as well as the risk of acting.",
         "Risk registers count only the risks of change.",
         "We sometimes talk about the cost of doing nothing.",
         "Decisions compare the risks to people of acting and of not acting."),
        ("Partners share accountability, rather than passing it up the line.",
         "Each organisation answers only to its own board.",
         "Partners report to a joint board, but blame still travels down.",
         "Partners hold each other to account for shared outcomes and learn together from "
         "failures."),
        ("Audit and assurance ask whether things worked, not only whether rules were followed.",
         "Audit checks that the process was followed.",
         "Some reviews look at outcomes as well as process.",
         "Assurance looks at what happened for people and at whether the system learned."),
        ("We can stop or change things quickly when they are not working.",
         "Changing a contract takes months and a formal variation.",
         "We can change some things, with effort.",
         "Contracts and plans expect change and say how to make it quickly."),
    ],
    "measurement": [
        ("We use measures to learn, not to reward or punish.",
         "Targets are used to judge providers and trigger penalties.",
         "We discuss what the numbers mean, but targets still drive behaviour.",
         "Measures are shared tools for learning, and nobody is punished for honest figures."),
        ("We listen to people's stories alongside the numbers.",
         "Only numbers count as evidence.",
         "We collect case studies, mainly for reports.",
         "We hear from people and staff regularly, and what they say changes what we do."),
        ("We watch for gaming and for targets that reward the wrong things.",
         "If targets are met, we assume the service is working.",
         "We know some targets distort practice, but we keep them.",
         "We check often whether measures change behaviour in ways we did not intend, and "
         "change them."),
        ("We test new ideas on a small scale and learn from them.",
         "New ideas are specified in full before anything is tried.",
         "We run pilots, but rarely learn from the ones that fail.",
         "We run small tests that are safe to fail and change course on what we learn."),
        ("What we learn changes what we commission.",
         "Evaluation reports are filed and rarely read.",
         "Learning sometimes shapes the next tender.",
         "What we learn feeds into decisions within months, not years."),
    ],
    "contracting": [
        ("We choose the commissioning route to fit the situation, not out of habit.",
         "We tender almost everything the same way.",
         "We use grants or direct awards now and then, a little nervously.",
         "We choose between grants, alliances, partnerships and procurement to fit the "
         "situation, and explain why."),
        ("Our contracts leave room for providers to adapt to what people need.",
         "Specifications fix the activity, volume and timing in detail.",
         "Some contracts allow flexibility, but changes need approval.",
         "Contracts set shared outcomes and principles and trust providers to adapt."),
        ("We know and use the flexibility that the procurement rules allow.",
         "We assume the rules allow nothing but an open tender.",
         "We know other routes exist, but rarely use them.",
         "We understand the Procurement Act 2023 and, for health care, the Provider Selection "
         "Regime, and use their flexibility with confidence."),
        ("Contracts last long enough to build relationships and capability.",
         "Contracts are short and tendered again often.",
         "Some contracts are longer, with break clauses.",
         "Contract length matches the time it takes to build trust and change outcomes."),
        ("Small and community organisations can take part in our commissioning.",
         "Our processes are too heavy for small groups to take part.",
         "We have made some processes lighter for small bids.",
         "We design processes, funding and payment terms so that small local groups can take "
         "part."),
    ],
    "workforce": [
        ("Staff, ours and our providers', can do good work without burning out.",
         "Workloads are set by budgets and targets; burnout is treated as a personal problem.",
         "We offer wellbeing support, but the causes of pressure are left alone.",
         "We treat burnout and moral injury as signs of a problem in the system, and change "
         "the conditions."),
        ("Staff are not asked to work against their values.",
         "Staff often have to follow rules they know do not help people.",
         "Staff raise concerns, and some are acted on.",
         "When rules stop staff doing the right thing, the rules are changed."),
        ("Commissioning takes account of the wellbeing of providers' staff.",
         "How a provider treats its staff is its own business.",
         "We ask about staff turnover at contract monitoring.",
         "Prices, timescales and terms are set so that providers can look after their staff."),
        ("There is time for reflection and supervision.",
         "Time for reflection is the first thing to go when we are busy.",
         "Supervision happens, but it is mostly about caseloads.",
         "Reflective practice and supervision are protected and valued."),
    ],
}


def rows(seed: int = SEED) -> list[dict[str, str]]:
    """Return the statements as a list of CSV rows (strings), dimension by dimension.

    Parameters
    ----------
    seed : int
        Accepted for the same signature as every dataset module; the statements are
        written by hand, so it changes nothing.

    Examples
    --------
    >>> statements = rows()
    >>> len(statements), statements[0]["statement_id"], statements[0]["quick"]
    (36, 'purpose-1', 'yes')
    >>> sum(row["quick"] == "yes" for row in statements)
    8
    """
    return [
        {"statement_id": f"{dimension}-{number}", "dimension": dimension, "statement": text,
         "anchor_1": low, "anchor_3": middle, "anchor_5": high,
         "quick": "yes" if number == 1 else "no"}
        for dimension in DIMENSION_IDS
        for number, (text, low, middle, high) in enumerate(_STATEMENTS[dimension], start=1)
    ]


def first_repeat(frame: pd.DataFrame, column: str, path: Path, what: str, hint: str) -> None:
    """Raise :class:`CompassDataError` for the first row that repeats a value of ``column``."""
    repeated = frame[column].duplicated()
    if repeated.any():
        position = int(repeated.to_numpy().argmax())
        raise CompassDataError(f"{what} '{frame[column].iloc[position]}' appears twice",
                               file=path, column=column, row=position + 2, hint=hint)


def load_compass_statements(path: str | Path | None = None) -> pd.DataFrame:
    """Load the self-assessment statements: the course's own, or an edited copy.

    The file needs the columns ``statement_id, dimension, statement, anchor_1,
    anchor_3, anchor_5, quick`` (see ``data/compass_statements.md``): ``dimension``
    is one of the eight dimension ids (such as ``purpose``), ``quick`` is yes or no,
    and every ``statement_id`` must be different. Extra columns are kept.

    Parameters
    ----------
    path : str or Path, optional
        A CSV file. Leave it out for the course's statements.

    Returns
    -------
    pandas.DataFrame
        One row per statement, in the file's order; ``quick`` as bool.

    Raises
    ------
    CompassDataError
        Naming the file, column and first bad row, and what to do.

    Examples
    --------
    >>> statements = load_compass_statements()
    >>> len(statements), statements["dimension"].nunique(), int(statements["quick"].sum())
    (36, 8, 8)
    """
    frame = load_table(path, SCHEMA)
    first_repeat(frame, "statement_id", shipped_path(SCHEMA.shipped) if path is None
                 else Path(path), "the statement id",
                 "Give each statement its own id, such as 'purpose-5'.")
    return frame
