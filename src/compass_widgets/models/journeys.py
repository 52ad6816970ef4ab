"""A person's journey through the I, the us and the system, event by event.

A journey is the list of things that happened to one person over a year: each
event happens in one of three layers - the person and their family (the "I"),
the community around them (the "us": neighbours, groups, voluntary help) or an
institution (the system: public services and other paid organisations). Joining
services up on paper does not join these layers up for the person; a journey map
shows where they meet and where they do not.

:class:`JourneyAnalysis` counts what a commissioner wants to see in one journey -
how many organisations were involved, how often the person was handed on, how
often they had to tell their story again, how long they waited, how often things
reached a crisis, and how the events split between the three layers - and sets
two journeys side by side.

The journeys shipped with the course (:func:`compass_widgets.data.journeys.load_journeys`)
are synthetic. Three of them add a local area coordinator or community connector:
Local Area Coordination is a real model (it began in Western Australia in 1988
and came to England and Wales in 2009; Community Catalysts, "Local Area
Coordination: our evidence",
https://www.communitycatalysts.co.uk/lacnetwork/local-area-coordination/our-evidence/),
but the social-value figures published for it are forecasts, not measured
results, and nothing in these invented journeys is evidence of what it achieves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import pandas as pd

from ..data.journeys import EVENT_TYPES, LAYERS

#: How each layer is named for learners: the I, the us and the system.
LAYER_LABELS = {
    "person": "I: the person",
    "community": "Us: the community",
    "institution": "The system: institutions",
}
EVENT_LABELS = {kind: kind.capitalize() for kind in EVENT_TYPES}

#: The figures of a journey, in the order and words learners see them.
FIGURE_LABELS = {
    "events": "Events",
    "organisations": "Organisations involved",
    "handoffs": "Hand-offs to another organisation",
    "retold": "Times the story was told again",
    "crises": "Crises",
    "days_waiting": "Days of waiting, added up",
    "days_with_a_wait": "Days with at least one wait open",
    "days": "Days the journey covers",
    "person_share": "Share of events: the person (I)",
    "community_share": "Share of events: the community (us)",
    "institution_share": "Share of events: institutions (the system)",
}

_COLUMNS = ["person_id", "persona", "day", "organisation", "layer", "event_type", "handoff",
            "retold_story", "days_waiting", "what_happened"]


@dataclass(frozen=True)
class JourneyFigures:
    """The figures of one journey, or of its first few events.

    ``days_waiting`` adds up every wait, so two waits at once count twice;
    ``days_with_a_wait`` counts each calendar day on which at least one wait was
    open. ``days`` runs from the first event to the last event or the end of the
    last wait, whichever is later. ``organisations`` leaves out the person's own
    events (layer ``person``).
    The three shares are of all events and add up to 1.
    """

    events: int
    organisations: int
    handoffs: int
    retold: int
    crises: int
    days_waiting: float
    days_with_a_wait: float
    days: float
    person_share: float
    community_share: float
    institution_share: float

    def as_dict(self) -> dict[str, float]:
        """Return the figures as ``{name: value}``, in the order of :data:`FIGURE_LABELS`."""
        return {name: float(value) for name, value in asdict(self).items()}


def _waiting_days(rows: pd.DataFrame) -> float:
    """Count the days on which at least one wait was open (the union of the waits)."""
    spans = sorted((float(day), float(day) + float(wait))
                   for day, wait in zip(rows["day"], rows["days_waiting"], strict=True)
                   if wait > 0)
    total, reach = 0.0, float("-inf")
    for start, end in spans:
        if end > reach:
            total += end - max(start, reach)
            reach = end
    return total


def journey_figures(rows: pd.DataFrame) -> JourneyFigures:
    """Work out the figures of the events in ``rows`` (one journey, or part of one).

    Examples
    --------
    >>> rows = pd.DataFrame({
    ...     "day": [0.0, 2.0, 2.0, 30.0], "organisation": ["Self", "GP", "GP", "Clinic"],
    ...     "layer": ["person", "institution", "institution", "institution"],
    ...     "event_type": ["crisis", "contact", "referral", "waiting"],
    ...     "handoff": [False, False, True, False], "retold_story": [False, True, False, False],
    ...     "days_waiting": [0.0, 0.0, 0.0, 20.0]})
    >>> figures = journey_figures(rows)
    >>> figures.organisations, figures.handoffs, figures.days_waiting, figures.person_share
    (2, 1, 20.0, 0.25)
    """
    n = len(rows)
    if n == 0:
        return JourneyFigures(0, 0, 0, 0, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    # A journey has a few dozen events, and this runs at every step a learner takes:
    # plain lists are quicker than pandas here.
    layer = rows["layer"].tolist()
    day = [float(d) for d in rows["day"].tolist()]
    wait = [float(w) for w in rows["days_waiting"].tolist()]
    return JourneyFigures(
        events=n,
        organisations=len({org for org, lay in zip(rows["organisation"].tolist(), layer,
                                                   strict=True) if lay != "person"}),
        handoffs=sum(map(bool, rows["handoff"].tolist())),
        retold=sum(map(bool, rows["retold_story"].tolist())),
        crises=rows["event_type"].tolist().count("crisis"),
        days_waiting=float(sum(wait)),
        days_with_a_wait=_waiting_days(rows),
        days=max(d + w for d, w in zip(day, wait, strict=True)) - min(day),
        person_share=layer.count("person") / n,
        community_share=layer.count("community") / n,
        institution_share=layer.count("institution") / n,
    )


@dataclass(frozen=True, eq=False)
class JourneyAnalysis:
    """Two journeys side by side, and where the learner has got to in the first.

    Parameters
    ----------
    events : pandas.DataFrame
        Journeys as returned by :func:`compass_widgets.data.journeys.load_journeys`:
        one row per event, with ``person_id``, ``persona``, ``day``,
        ``organisation``, ``layer``, ``event_type``, ``handoff``, ``retold_story``,
        ``days_waiting`` and ``what_happened``.
    person : str, optional
        The journey looked at (a ``person_id``); by default the first.
    other : str, optional
        The journey it is compared with; by default the second (or the first, if
        there is only one).
    step : int, optional
        How far through ``person``'s journey the learner has stepped, from 1 to
        the number of its events; by default the whole journey.

    A journey's events are put in day order; events on the same day keep the
    order of the file. Journeys are listed in ``person_id`` order.

    Examples
    --------
    >>> events = pd.DataFrame({
    ...     "person_id": ["A", "A", "A", "B", "B"],
    ...     "persona": ["Ann"] * 3 + ["Bo"] * 2,
    ...     "day": [0.0, 3.0, 10.0, 0.0, 1.0],
    ...     "organisation": ["GP", "Clinic", "Clinic", "Neighbour", "Lunch club"],
    ...     "layer": ["institution", "institution", "institution", "community", "community"],
    ...     "event_type": ["referral", "waiting", "assessment", "support", "support"],
    ...     "handoff": [True, False, False, False, False],
    ...     "retold_story": [False, False, True, False, False],
    ...     "days_waiting": [0.0, 7.0, 0.0, 0.0, 0.0],
    ...     "what_happened": ["Referred", "Waits", "Seen", "Helped", "Lunch"],
    ... })
    >>> analysis = JourneyAnalysis(events)
    >>> analysis.person, analysis.other, analysis.step
    ('A', 'B', 3)
    >>> analysis.figures().handoffs, analysis.figures("B").community_share
    (1, 1.0)
    >>> analysis.at(2).so_far().days_waiting
    7.0
    >>> analysis.at(2).current["what_happened"]
    'Waits'
    """

    events: pd.DataFrame = field(repr=False)
    person: str | None = None
    other: str | None = None
    step: int | None = None
    # Tables worked out from ``events``, shared by every analysis made from this one
    # (``replace`` passes it on): moving a step or choosing another journey never
    # works out the same table twice. Keys name the choices a table depends on.
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    _table: pd.DataFrame = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self._cache.get("events") is not self.events:
            object.__setattr__(self, "_cache", {"events": self.events})
        if "table" not in self._cache:
            self._cache["table"] = self._prepare()
        object.__setattr__(self, "_table", self._cache["table"])
        people = self.people
        for name in ("person", "other"):
            value = getattr(self, name)
            if value is not None and value not in people:
                raise ValueError(f"{name} {value!r} is not in the data; choose one of "
                                 f"{', '.join(people)}")
        if self.person is None:
            object.__setattr__(self, "person", people[0])
        if self.other is None:
            rest = [p for p in people if p != self.person]
            object.__setattr__(self, "other", rest[0] if rest else self.person)
        length = self.length()
        if self.step is None:
            object.__setattr__(self, "step", length)
        elif not 1 <= self.step <= length:
            raise ValueError(f"step {self.step} is outside this journey: choose 1 to {length}")

    def _prepare(self) -> pd.DataFrame:
        """Check the events and put every journey in order, numbering its events from 1."""
        missing = [c for c in _COLUMNS if c not in self.events.columns]
        if missing:
            raise ValueError(f"the journeys need the column(s) {', '.join(missing)}; load them "
                             "with load_journeys(), which checks every column")
        if self.events.empty:
            raise ValueError("there are no events: a journey needs at least one")
        table = self.events.loc[:, _COLUMNS].sort_values(["person_id", "day"], kind="stable")
        table = table.assign(number=table.groupby("person_id").cumcount() + 1)
        return table.reset_index(drop=True)

    # -- derived data ------------------------------------------------------------
    def _memo(self, name: str, compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """Compute a derived table once (it never changes); return a copy."""
        if name not in self._cache:
            self._cache[name] = compute()
        return self._cache[name].copy()  # type: ignore[no-any-return]

    def _rows(self, person: str) -> pd.DataFrame:
        """Return the events of one journey, in order (not a copy: never change it)."""
        key = f"rows:{person}"
        if key not in self._cache:
            if person not in self.people:
                raise ValueError(f"person {person!r} is not in the data; choose one of "
                                 f"{', '.join(self.people)}")
            table = self._table
            self._cache[key] = table[table["person_id"] == person].reset_index(drop=True)
        return self._cache[key]  # type: ignore[no-any-return]

    @property
    def people(self) -> list[str]:
        """Every journey's ``person_id``, sorted."""
        if "people" not in self._cache:
            self._cache["people"] = sorted(self._table["person_id"].unique())
        return list(self._cache["people"])

    def label(self, person: str | None = None) -> str:
        """Return the persona of a journey (``person`` by default), as the data name it."""
        return str(self._rows(self._who(person))["persona"].iloc[0])

    def length(self, person: str | None = None) -> int:
        """Return the number of events in a journey (``person`` by default)."""
        return len(self._rows(self._who(person)))

    def _who(self, person: str | None) -> str:
        return str(self.person) if person is None else person

    def journey(self, person: str | None = None) -> pd.DataFrame:
        """Return the events of a journey (``person`` by default) in order.

        Adds ``number`` (1 for the first event) and ``state``: for the journey being
        stepped through, ``"seen"`` before the current step, ``"now"`` at it and
        ``"to come"`` after it; every event of another journey is ``"seen"``.
        """
        who = self._who(person)
        rows = self._rows(who)
        if who != self.person:
            return rows.assign(state="seen")
        state = pd.Series("seen", index=rows.index)
        state[rows["number"] == self.step] = "now"
        state[rows["number"] > int(self.step or 0)] = "to come"
        return rows.assign(state=state)

    @property
    def current(self) -> dict[str, Any]:
        """The event at the current step of ``person``'s journey, as ``{column: value}``."""
        return dict(self._rows(str(self.person)).iloc[int(self.step or 1) - 1])

    # -- new analyses (the model never mutates) ---------------------------------
    def choose(self, person: str | None = None, other: str | None = None,
               step: int | None = None) -> JourneyAnalysis:
        """Return the analysis of another pair of journeys.

        ``step`` is where to stand in ``person``'s journey; by default the current
        step if the journey is the same one, else its last event. If ``person`` is
        the journey it was compared with (and ``other`` is not given), the two swap
        places, so a journey is not compared with itself by accident.
        """
        person = self.person if person is None else person
        if step is None and person == self.person:
            step = self.step
        if other is None:
            other = self.person if person == self.other else self.other
        return replace(self, person=person, other=other, step=step)

    def at(self, step: int) -> JourneyAnalysis:
        """Return the analysis standing at event ``step`` (1 is the first)."""
        return replace(self, step=step)

    def next(self) -> JourneyAnalysis:
        """Return the analysis one event further on (or as it is, at the last event)."""
        return self.at(min(int(self.step or 1) + 1, self.length()))

    def previous(self) -> JourneyAnalysis:
        """Return the analysis one event back (or as it is, at the first event)."""
        return self.at(max(int(self.step or 1) - 1, 1))

    # -- numbers ------------------------------------------------------------------
    def figures(self, person: str | None = None) -> JourneyFigures:
        """Return the figures of a whole journey (``person`` by default)."""
        who = self._who(person)
        key = f"figures:{who}"
        if key not in self._cache:
            self._cache[key] = journey_figures(self._rows(who))
        return self._cache[key]  # type: ignore[no-any-return]

    def so_far(self) -> JourneyFigures:
        """Return the figures of ``person``'s journey up to and including the current step."""
        key = f"so_far:{self.person}:{self.step}"
        if key not in self._cache:
            self._cache[key] = journey_figures(
                self._rows(str(self.person)).iloc[: int(self.step or 1)])
        return self._cache[key]  # type: ignore[no-any-return]

    def summary(self) -> pd.DataFrame:
        """Return every journey's figures, one row per ``person_id``, with its persona."""
        return self._memo("summary", self._summary)

    def _summary(self) -> pd.DataFrame:
        table = pd.DataFrame([self.figures(p).as_dict() for p in self.people], index=self.people)
        for name in ("events", "organisations", "handoffs", "retold", "crises"):
            table[name] = table[name].astype(int)
        table.insert(0, "persona", [self.label(p) for p in self.people])
        table.index.name = "person_id"
        return table

    def comparison(self) -> pd.DataFrame:
        """Return ``person``'s and ``other``'s figures side by side.

        One row per figure, named as in :data:`FIGURE_LABELS`; one column per
        journey, named by its ``person_id`` (one column if both are the same).
        """
        return self._memo(f"comparison:{self.person}:{self.other}", self._comparison)

    def _comparison(self) -> pd.DataFrame:
        pair = list(dict.fromkeys([str(self.person), str(self.other)]))
        table = pd.DataFrame({p: self.figures(p).as_dict() for p in pair})
        table.index = pd.Index([FIGURE_LABELS[name] for name in table.index], name="figure")
        return table

    def by_organisation(self, person: str | None = None) -> pd.DataFrame:
        """Events, hand-offs, retellings and days waiting per organisation in a journey.

        The person's own events (layer ``person``) are left out. Sorted by events,
        most first, then by organisation.
        """
        who = self._who(person)
        return self._memo(f"by_organisation:{who}", lambda: self._by_organisation(who))

    def _by_organisation(self, person: str) -> pd.DataFrame:
        rows = self._rows(person)
        rows = rows[rows["layer"] != "person"]
        table = rows.groupby("organisation").agg(
            layer=("layer", "first"),
            events=("number", "size"),
            handoffs=("handoff", "sum"),
            retold=("retold_story", "sum"),
            days_waiting=("days_waiting", "sum"),
        )
        table["handoffs"] = table["handoffs"].astype(int)
        table["retold"] = table["retold"].astype(int)
        return table.reset_index().sort_values(
            ["events", "organisation"], ascending=[False, True]).set_index("organisation")

    def layer_shares(self) -> pd.DataFrame:
        """Share of events in each layer for ``person`` and ``other``.

        One row per journey and layer (``person_id``, ``persona``, ``layer``,
        ``events``, ``share``), journeys in the order person, other; layers in the
        order I, us, system.
        """
        return self._memo(f"layer_shares:{self.person}:{self.other}", self._layer_shares)

    def _layer_shares(self) -> pd.DataFrame:
        records = []
        for who in dict.fromkeys([str(self.person), str(self.other)]):
            rows = self._rows(who)
            counts = rows["layer"].value_counts()
            for layer in LAYERS:
                events = int(counts.get(layer, 0))
                records.append({"person_id": who, "persona": self.label(who), "layer": layer,
                                "events": events, "share": events / len(rows)})
        return pd.DataFrame(records)
