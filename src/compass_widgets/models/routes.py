"""Which route to commission by? A rule-based learning aid for grants, procurement and the PSR.

**This is a learning aid, not legal advice.** It helps commissioners see which
questions decide the route and what each route gains and costs. Check any real
decision with your procurement and legal colleagues, and with the law and
guidance below, which change from time to time.

From plain yes/no answers about a situation (:class:`CommissioningAnswers`),
:meth:`CommissioningAnswers.advise` walks an ordered list of questions and returns
a :class:`RouteAdvice`: the route, the answers that led there, the answers that did
not matter, and the route's trade-offs. The order follows the law:

1. **A grant** funds an organisation's own purposes and buys nothing specific. A
   "public contract" under the Procurement Act 2023 is a contract for the supply,
   *for pecuniary interest*, of goods, services or works (section 3), so a true
   grant is not procured; it still needs a power to pay and a fair process (NAO).
2. **Health care services** in scope of the Provider Selection Regime (PSR) follow
   the Health Care Services (Provider Selection Regime) Regulations 2023, SI
   2023/1348, in force since 1 January 2024, not the Procurement Act. NHS England's
   decision order is: Direct Award Process A *must* be used if only the existing
   provider can realistically provide the service (regulation 7); otherwise Direct
   Award Process B *must* be used if patients choose from every provider that meets
   the requirements (regulation 8); otherwise Direct Award Process C *may* be used
   if the existing provider is doing well and the service is not changing
   considerably (regulation 9); otherwise the Most Suitable Provider Process
   (regulation 10) if the most suitable provider can be identified without a
   competition, or the Competitive Process (regulation 11). The PSR has no value
   threshold.
3. **Everything else** follows the Procurement Act 2023, in force since 24 February
   2025. Below the threshold (Schedule 1; values include VAT) a contract is a
   below-threshold contract with lighter rules (Part 6). At or above it, the Act has
   two competitive tendering procedures (section 20): the **Open procedure**, a
   single stage anyone can bid in, for requirements you can specify in advance, and
   the **Competitive Flexible procedure**, designed by you, for requirements that
   need dialogue or negotiation. (Direct award without competition is allowed only
   in the special cases of Schedule 5; this tool does not cover them.)
4. **An alliance contract** is not a separate route: several providers are bound to
   shared outcomes, risk and reward, and the partners are still chosen through one
   of the routes above. The tool adds it to the route when your answer calls for it.

Sources
-------
- The Health Care Services (Provider Selection Regime) Regulations 2023, SI 2023/1348.
  https://www.legislation.gov.uk/uksi/2023/1348/contents/made
- NHS England, "Provider Selection Regime: getting to the right decision".
  https://www.england.nhs.uk/long-read/provider-selection-regime-getting-to-the-right-decision/
- NHS England, "The Provider Selection Regime: statutory guidance", updated April 2025.
  https://www.england.nhs.uk/long-read/the-provider-selection-regime-statutory-guidance/
- Procurement Act 2023, section 3 (public contracts).
  https://www.legislation.gov.uk/ukpga/2023/54/section/3/enacted
- Procurement Act 2023, Schedule 1 (threshold amounts) and Schedule 5 (direct award).
  https://www.legislation.gov.uk/ukpga/2023/54/schedule/1 ;
  https://www.legislation.gov.uk/ukpga/2023/54/schedule/5
- Cabinet Office, "Guidance: Thresholds", 2024.
  https://www.gov.uk/government/publications/procurement-act-2023-guidance-documents/guidance-thresholds-html
- Welsh Government, "Procurement Act 2023 guidance: Competitive tendering procedures and
  tender notices". https://gov.wales/procurement-act-2023-guidance-competitive-tendering-procedures-and-tender-notices-html
- Anthony Collins Solicitors, "Procurement UnpACked: below-threshold contracts", 2024.
  https://blog.anthonycollins.com/post/102k5a7/procurement-unpacked-below-threshold-contracts
- National Audit Office, "Choose a funding channel" (decision support toolkit).
  https://www.nao.org.uk/decision-support-toolkit/stage-2-strategic-decisions/choose-a-funding-channel/
- Co-operative Councils' Innovation Network, "Commissioning: Plymouth" (the Plymouth
  Alliance). https://councils.coop/case-study/commissioning-plymouth
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, cast

import pandas as pd

DISCLAIMER = ("This is a learning aid, not legal advice. Check any real decision with your "
              "procurement and legal colleagues.")



def _psr(regulation: int) -> str:
    return (f"Provider Selection Regime, regulation {regulation}: SI 2023/1348, in force since "
            "1 January 2024")


def _act(part: str) -> str:
    return f"Procurement Act 2023, {part}: in force since 24 February 2025"



@dataclass(frozen=True)
class Question:
    """One yes/no question about the situation to commission."""

    key: str
    label: str
    text: str
    help: str


#: The questions, in the order the rule asks them.
QUESTIONS: tuple[Question, ...] = (
    Question(
        "is_grant", "A grant?",
        "Is it a grant: funding an organisation's own purposes, with no specific services "
        "bought for you?",
        "A grant funds what an organisation chooses to do because it fits your aims. If you "
        "are buying specified services, with deliverables you can enforce, it is a contract, "
        "whatever it is called.",
    ),
    Question(
        "health_care", "Health care (PSR)?",
        "Is it a health care service covered by the NHS Provider Selection Regime?",
        "The PSR covers health care services arranged by NHS bodies and by local authorities, "
        "such as drug and alcohol, sexual health and health visiting services. Social care on "
        "its own is not covered.",
    ),
    Question(
        "only_existing_provider", "Only the existing provider?",
        "Is there an existing provider, and is it the only one that can realistically provide "
        "the service?",
        "NHS England's examples include 999 ambulance and urgent mental health crisis "
        "services. It cannot apply to a new service.",
    ),
    Question(
        "patient_choice", "Patients choose?",
        "Can patients choose their provider, with a contract offered to every provider that "
        "meets the requirements?",
        "Every provider that meets your requirements gets a contract, and patients choose "
        "between them.",
    ),
    Question(
        "existing_doing_well", "Existing provider doing well?",
        "Is the existing provider doing well, with the service not changing considerably?",
        "'Changing considerably' is defined in regulation 6(10) to (12) of the PSR and "
        "explained in NHS England's statutory guidance.",
    ),
    Question(
        "suitable_provider_known", "Most suitable provider known?",
        "Can you identify the most suitable provider without running a competition?",
        "You must be able to show how you judged the likely providers against the PSR's key "
        "criteria.",
    ),
    Question(
        "alliance", "An alliance?",
        "Must several organisations work as one, sharing risk and reward?",
        "An alliance contract binds the partners to shared outcomes and joint decisions. The "
        "partners are still chosen through one of the routes.",
    ),
    Question(
        "above_threshold", "Above the threshold?",
        "Is the whole-life value, including VAT, at or above the Procurement Act threshold for "
        "this kind of contract?",
        "Thresholds are in Schedule 1 of the Act and change every two years. Many care and "
        "community services are 'light touch' contracts, with a higher threshold (£663,540 "
        "including VAT in Schedule 1).",
    ),
    Question(
        "clear_requirement", "Clear requirement?",
        "Can you specify what you need fully in advance, with no need for dialogue or "
        "negotiation with providers?",
        "If the best answer has to be worked out with providers and people who use the "
        "service, the answer is no.",
    ),
)
QUESTION_KEYS = tuple(q.key for q in QUESTIONS)
QUESTIONS_BY_KEY = {q.key: q for q in QUESTIONS}


@dataclass(frozen=True)
class Route:
    """A route to commission by, with what it gains and what it costs."""

    key: str
    name: str
    regime: str
    what: str
    gains: tuple[str, ...]
    costs: tuple[str, ...]


#: Every route the tool can give, by key.
ROUTES: Mapping[str, Route] = {route.key: route for route in (
    Route(
        "grant", "Grant agreement", "A grant, not a procurement",
        "Fund the organisation to pursue its own purposes, which fit your aims.",
        ("Light on process: no tender, so small community groups can take part.",
         "Backs what an organisation already does well and builds trust and local capacity."),
        ("You cannot specify and enforce particular services: if you need to, it is a contract.",
         "You still need the power to pay a grant, a fair and open way to decide, and "
         "proportionate reporting."),
    ),
    Route(
        "below_threshold", "Below-threshold contract", _act("Part 6"),
        "A contract worth less than the threshold, with lighter rules.",
        ("Most freedom in how you choose: invite quotes from local organisations, including "
         "small charities, or award directly if your own rules allow.",
         "Quick and proportionate for small contracts."),
        ("Your organisation's contract standing orders still apply.",
         "If you advertise it, you cannot shortlist on suitability before bids; at £30,000 or "
         "more including VAT (£12,000 for central government) notices must go on the Central "
         "Digital Platform."),
    ),
    Route(
        "open", "Open procedure", _act("section 20"),
        "A single-stage competition in which any supplier can bid.",
        ("Simple, quick and transparent; anyone can bid.",
         "Works well when you can say exactly what you want in advance."),
        ("No dialogue or negotiation: the specification must be right first time.",
         "Favours bidders with bid-writing teams; relationships and local knowledge are hard to "
         "score."),
    ),
    Route(
        "competitive_flexible", "Competitive Flexible procedure", _act("section 20"),
        "A competition you design: stages, dialogue, negotiation and co-design are allowed.",
        ("Lets you work out the best answer with providers and people who use services.",
         "Suits relational and complex services that cannot be fully specified in advance."),
        ("Takes longer and more skill; the procedure must be proportionate and set out in the "
         "tender notice and documents.",
         "Still a competition: it can unsettle stable local partnerships."),
    ),
    Route(
        "psr_direct_award_a", "Direct Award Process A", _psr(7),
        "Award a new contract to the existing provider, the only one that can realistically "
        "provide the service. When this applies, it must be used.",
        ("No competition where there is no real alternative; continuity for essential services.",),
        ("Cannot be used for a new service or a framework agreement.",
         "You must publish a notice of the award and keep records of your decision."),
    ),
    Route(
        "psr_direct_award_b", "Direct Award Process B", _psr(8),
        "Offer a contract to every provider that meets the requirements; patients choose. "
        "When this applies, it must be used.",
        ("Patients choose; no competition for the contract itself.",),
        ("You do not control how many providers there are; quality rests on your requirements "
         "and monitoring.",
         "You must tell providers how to express an interest and publish notices."),
    ),
    Route(
        "psr_direct_award_c", "Direct Award Process C", _psr(9),
        "Award a new contract to an existing provider that is doing well, for a service that is "
        "not changing considerably.",
        ("Keeps a provider that works without a costly tender: stability for people and staff.",
         "Lets you build a long-term relationship."),
        ("You must judge the provider against the key criteria, publish your intention and wait "
         "out a standstill period in which others can make representations.",
         "Risk of keeping the status quo and missing better ideas."),
    ),
    Route(
        "psr_most_suitable_provider", "Most Suitable Provider Process", _psr(10),
        "Choose the provider best placed to deliver, judged against the key criteria, without a "
        "competition.",
        ("Choose on quality, integration and value rather than on bids.",
         "Suits integrated or relationship-based services."),
        ("You must assess the likely providers against the key criteria and basic selection "
         "criteria, publish notices and keep records.",
         "Providers can make representations during the standstill period and ask for an "
         "independent review."),
    ),
    Route(
        "psr_competitive", "Competitive Process", _psr(11),
        "Run a competition between providers under the PSR.",
        ("Tests the market when you cannot identify the most suitable provider.",
         "The only PSR process for a framework agreement."),
        ("Costly and slow for everyone involved.",
         "Can unsettle stable partnerships; the key criteria must still be weighed."),
    ),
)}
ROUTE_KEYS = tuple(ROUTES)

ALLIANCE = Route(
    "alliance", "Alliance contract", "A form of contract, used with a route",
    "Several providers sign one contract with shared outcomes, risk and reward, and decide "
    "together.",
    ("Fits people with many needs: the partners stop passing people between them.",
     "Plymouth combined 25 homelessness and substance misuse contracts into one alliance of 8 "
     "members from April 2019."),
    ("Needs time, trust and shared governance; accountability is shared, which can feel "
     "unfamiliar to auditors and boards.",
     "The partners still have to be chosen through a lawful route."),
)


@dataclass(frozen=True)
class Step:
    """One question the rule asked, the learner's answer, and what it meant."""

    number: int
    key: str
    label: str
    answer: bool
    outcome: str
    decisive: bool

    @property
    def meaning(self) -> str:
        """The answer and what it meant, as a sentence."""
        return _meaning(self.key, self.answer, self.outcome)


@dataclass(frozen=True)
class RouteAdvice:
    """The route the rule gives, why, and what it gains and costs.

    Attributes
    ----------
    route : Route
        The route (one of :data:`ROUTES`).
    alliance : bool
        True if an alliance contract is suggested alongside the route.
    steps : tuple of Step
        The questions asked, in order, with the learner's answers and what each meant.
    unused : tuple of str
        Keys of the questions whose answers did not matter for this route.
    cautions : tuple of str
        Anything in the answers that needs a second look.
    """

    route: Route
    alliance: bool
    steps: tuple[Step, ...]
    unused: tuple[str, ...]
    cautions: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The route in words, with the alliance contract if there is one."""
        if self.alliance:
            return f"{ALLIANCE.name}, with the partners chosen by: {self.route.name}"
        return self.route.name

    @property
    def reasons(self) -> tuple[str, ...]:
        """One sentence per question asked, saying what the answer meant."""
        return tuple(step.meaning for step in self.steps)

    @property
    def gains(self) -> tuple[str, ...]:
        """What the route (and the alliance, if any) gains."""
        return self.route.gains + (ALLIANCE.gains if self.alliance else ())

    @property
    def costs(self) -> tuple[str, ...]:
        """What the route (and the alliance, if any) costs."""
        return self.route.costs + (ALLIANCE.costs if self.alliance else ())

    def summary(self) -> str:
        """Give the advice in plain sentences, ending with the reminder that it is not legal advice.

        Examples
        --------
        >>> print(CommissioningAnswers(is_grant=True).advise().summary())  # doctest: +ELLIPSIS
        Route: Grant agreement (A grant, not a procurement). You said it is a grant...
        """
        return " ".join([f"Route: {self.name} ({self.route.regime}).", *self.reasons,
                         *self.cautions, DISCLAIMER])


def _meaning(key: str, answer: bool, outcome: str) -> str:
    said = {
        "is_grant": ("it is a grant", "it buys specific services, so it is not a grant"),
        "health_care": ("it is a health care service covered by the PSR",
                        "it is not a health care service covered by the PSR"),
        "only_existing_provider": (
            "only the existing provider can realistically provide it",
            "the existing provider is not the only one that could provide it"),
        "patient_choice": ("patients choose from every provider that meets the requirements",
                           "patients do not choose their provider in that way"),
        "existing_doing_well": (
            "the existing provider is doing well and the service is not changing considerably",
            "there is no existing provider doing well with a service that stays much the same"),
        "suitable_provider_known": (
            "you can identify the most suitable provider without a competition",
            "you cannot identify the most suitable provider without a competition"),
        "alliance": ("several organisations must work as one, sharing risk and reward",
                     "no alliance is needed"),
        "above_threshold": ("the value is at or above the threshold",
                            "the value is below the threshold"),
        "clear_requirement": ("you can specify what you need fully in advance",
                              "what you need has to be worked out through dialogue or "
                              "negotiation"),
    }[key][0 if answer else 1]
    return f"You said {said}: {outcome}."


@dataclass(frozen=True)
class CommissioningAnswers:
    """Yes/no answers about a situation to commission; :meth:`advise` gives the route.

    Each field is one of :data:`QUESTIONS` (see its text). The defaults describe a
    service that is not a grant, not health care, not an alliance, above the
    threshold and clearly specified.

    Examples
    --------
    >>> CommissioningAnswers().advise().route.name
    'Open procedure'
    >>> CommissioningAnswers(clear_requirement=False, alliance=True).advise().name
    'Alliance contract, with the partners chosen by: Competitive Flexible procedure'
    >>> psr = CommissioningAnswers(health_care=True, existing_doing_well=True)
    >>> psr.advise().route.name
    'Direct Award Process C'
    >>> psr.answer("only_existing_provider", True).advise().route.key
    'psr_direct_award_a'
    """

    is_grant: bool = False
    health_care: bool = False
    only_existing_provider: bool = False
    patient_choice: bool = False
    existing_doing_well: bool = False
    suitable_provider_known: bool = False
    alliance: bool = False
    above_threshold: bool = True
    clear_requirement: bool = True

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if not isinstance(value, bool):
                raise ValueError(f"{item.name} must be True (yes) or False (no), not {value!r}")

    @classmethod
    def from_mapping(cls, answers: Mapping[str, Any]) -> CommissioningAnswers:
        """Build answers from a mapping (such as a row of situations), ignoring other keys.

        Every question must be there; values are read as yes/no with ``bool``.
        """
        missing = [key for key in QUESTION_KEYS if key not in answers]
        if missing:
            raise ValueError(f"answers are missing for: {', '.join(missing)}")
        return cls(**{key: bool(answers[key]) for key in QUESTION_KEYS})

    def as_dict(self) -> dict[str, bool]:
        """Return the answers as ``{question key: True/False}``, in question order."""
        values = asdict(self)
        return {key: values[key] for key in QUESTION_KEYS}

    def answer(self, key: str, value: bool) -> CommissioningAnswers:
        """Return new answers with one question answered differently."""
        if key not in QUESTIONS_BY_KEY:
            raise ValueError(f"{key!r} is not a question; the questions are "
                             f"{', '.join(QUESTION_KEYS)}")
        return replace(self, **{key: value})

    def advise(self) -> RouteAdvice:
        """Walk the questions in order and return the route, the reasons and the trade-offs."""
        steps: list[Step] = []

        def ask(key: str, yes: str, no: str, decides: tuple[bool, ...] = ()) -> bool:
            """Record the answer to ``key`` and its meaning; ``decides`` lists settling answers."""
            answer: bool = getattr(self, key)
            steps.append(Step(len(steps) + 1, key, QUESTIONS_BY_KEY[key].label, answer,
                              yes if answer else no, answer in decides))
            return answer

        if ask("is_grant", "a grant agreement, not a procurement, is the route",
               "a contract route is needed", decides=(True,)):
            route = "grant"
        elif ask("health_care", "the Provider Selection Regime applies, with no value threshold",
                 "the Procurement Act 2023 applies"):
            if ask("only_existing_provider", "Direct Award Process A must be used",
                   "Direct Award Process A does not apply", decides=(True,)):
                route = "psr_direct_award_a"
            elif ask("patient_choice", "Direct Award Process B must be used",
                     "Direct Award Process B does not apply", decides=(True,)):
                route = "psr_direct_award_b"
            elif ask("existing_doing_well", "Direct Award Process C may be used",
                     "Direct Award Process C cannot be used", decides=(True,)):
                route = "psr_direct_award_c"
            elif ask("suitable_provider_known", "the Most Suitable Provider Process fits",
                     "the Competitive Process is needed", decides=(True, False)):
                route = "psr_most_suitable_provider"
            else:
                route = "psr_competitive"
        elif not ask("above_threshold", "the Act's competitive procedures apply",
                     "a below-threshold contract, with lighter rules, is the route",
                     decides=(False,)):
            route = "below_threshold"
        elif ask("clear_requirement", "the Open procedure fits",
                 "the Competitive Flexible procedure fits", decides=(True, False)):
            route = "open"
        else:
            route = "competitive_flexible"

        cautions: tuple[str, ...] = ()
        if route != "grant":
            ask("alliance", "add an alliance contract, and choose the partners through this "
                "route", "a contract with each provider is enough", decides=(True,))
        elif self.alliance:
            cautions = ("You also said several organisations must work as one, sharing risk and "
                        "reward. An alliance with shared risk is a contract for services, so "
                        "check again whether this is really a grant.",)
        asked = {step.key for step in steps}
        unused = tuple(key for key in QUESTION_KEYS if key not in asked)
        return RouteAdvice(ROUTES[route], route != "grant" and self.alliance, tuple(steps),
                           unused, cautions)


def check_situations(situations: pd.DataFrame) -> pd.DataFrame:
    """Compare the tool's route with an experienced commissioner's for every situation.

    Parameters
    ----------
    situations : pandas.DataFrame
        Situations as returned by :func:`compass_widgets.load_situations`: a
        ``situation_id``, the answers to every question in :data:`QUESTIONS`,
        ``commissioner_route`` and ``commissioner_alliance``.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``situation_id``: ``tool_route``, ``commissioner_route``,
        ``tool_alliance``, ``commissioner_alliance`` and ``agree`` (True when both
        the route and the alliance match).

    Examples
    --------
    >>> rows = pd.DataFrame([{**CommissioningAnswers(is_grant=True).as_dict(),
    ...                       "situation_id": "S1", "commissioner_route": "grant",
    ...                       "commissioner_alliance": False}])
    >>> check_situations(rows)["agree"].tolist()
    [True]
    """
    needed = ["situation_id", *QUESTION_KEYS, "commissioner_route", "commissioner_alliance"]
    missing = [c for c in needed if c not in situations.columns]
    if missing:
        raise ValueError(f"the situations need the columns {', '.join(missing)}; load them "
                         "with load_situations()")
    records = cast(list[dict[str, Any]], situations[list(QUESTION_KEYS)].to_dict("records"))
    advice = [CommissioningAnswers.from_mapping(row).advise() for row in records]
    table = pd.DataFrame({
        "tool_route": [a.route.key for a in advice],
        "commissioner_route": situations["commissioner_route"].astype(str).to_numpy(),
        "tool_alliance": [a.alliance for a in advice],
        "commissioner_alliance": situations["commissioner_alliance"].astype(bool).to_numpy(),
    }, index=pd.Index(situations["situation_id"].astype(str), name="situation_id"))
    table["agree"] = ((table["tool_route"] == table["commissioner_route"])
                      & (table["tool_alliance"] == table["commissioner_alliance"]))
    return table
