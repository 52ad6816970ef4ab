"""Standardise when you can, personalise when you must: sorting cases, and what mis-routing costs.

Two pieces of logic for course module 03, both usable with no Jupyter at all.

**1. Sorting cases with the Cynefin framework.** Snowden and Boone describe four
contexts a leader can be in, told apart by how cause and effect relate, and a way
of responding that fits each (the article calls the first one *simple*; later
versions of the framework call it *clear*):

- *clear*: cause and effect are known to anyone; sense, categorise, respond (best practice);
- *complicated*: cause and effect can be known with analysis; sense, analyse, respond (experts);
- *complex*: cause and effect only show afterwards; probe, sense, respond (safe-to-fail steps);
- *chaotic*: no cause and effect to find in time; act, sense, respond (make things safe first).

:func:`rule_domain` sorts a case from six yes/no features (:data:`FEATURES`) with a
short ordered decision list, :data:`RULES`; the first step that applies decides:

1. an immediate risk of harm and no tested standard answer: *chaotic*;
2. the situation changes as you act on it: *complex*;
3. several agencies and relationships involved, and cause and effect not known in
   advance: *complex*;
4. cause and effect known, a tested standard answer, and no specialist needed: *clear*;
5. anything else: *complicated* (a right answer exists, but it takes analysis).

Each step's ``why`` explains it in plain words. :class:`SortingExercise` compares a
learner's own sorting with the rule and with experienced practitioners. The rule is
deliberately simple: where it and the practitioner disagree is where the learning is.

**2. The escalation model.** :class:`EscalationModel` follows, week by week, what
happens when complex cases go through a standard route built for clear ones: they
come back (failure demand, in John Seddon's sense) and, after a few failed
attempts, escalate to crisis or statutory services at a cost. A personalised route
for complex cases costs more per contact but resolves more. The model works with
expected values, so it has no randomness: the same settings always give the same
numbers. Its equations are in the class docstring and in ``data/escalation-model.md``.
**Every parameter is an illustrative assumption, not a measured figure.**

Sources
-------
- David J. Snowden and Mary E. Boone, "A Leader's Framework for Decision Making",
  Harvard Business Review 85(11), November 2007 (reprint R0711C).
  https://hbr.org/2007/11/a-leaders-framework-for-decision-making
- The Cynefin Company, "Safe-to-fail probes".
  https://thecynefin.co/safe-fail-probes/
- John Seddon, "Failure demand" (Vanguard). https://www.newsystemsthinking.com/article_details_id_46/
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, cast

import numpy as np
import pandas as pd

#: The Cynefin domains, in the order the course teaches them.
DOMAINS = ("clear", "complicated", "complex", "chaotic")

#: How to respond in each domain (Snowden and Boone, 2007).
RESPONSES = {
    "clear": "sense, categorise, respond",
    "complicated": "sense, analyse, respond",
    "complex": "probe, sense, respond",
    "chaotic": "act, sense, respond",
}

#: The six yes/no features of a case, each with a plain label.
FEATURES = {
    "cause_effect_known": "Cause and effect known in advance",
    "standard_answer": "A tested standard answer exists",
    "specialist_needed": "Specialist expertise needed",
    "many_agencies": "Several agencies and relationships involved",
    "changes_as_you_act": "The situation changes as you act on it",
    "immediate_risk": "Immediate risk of harm",
}


# -- 1. the sorting rule ----------------------------------------------------------------


@dataclass(frozen=True)
class RuleStep:
    """One step of the sorting rule: when it applies, the domain it gives, and why."""

    number: int
    domain: str
    when: str
    why: str
    test: Callable[[Mapping[str, bool]], bool] = field(repr=False, compare=False)

    def applies(self, features: Mapping[str, bool]) -> bool:
        """Return True if this step fires for a case with these features."""
        return self.test(features)


#: The sorting rule: an ordered decision list. The first step that applies decides.
RULES: tuple[RuleStep, ...] = (
    RuleStep(
        1, "chaotic",
        "there is an immediate risk of harm and no tested standard answer",
        "someone could be hurt now and there is no time to analyse: act first to make people "
        "safe, then make sense of it (act, sense, respond)",
        lambda f: f["immediate_risk"] and not f["standard_answer"],
    ),
    RuleStep(
        2, "complex",
        "the situation changes as you act on it",
        "what you do changes what happens next, so cause and effect only show afterwards: "
        "try small, safe-to-fail steps and watch (probe, sense, respond)",
        lambda f: f["changes_as_you_act"],
    ),
    RuleStep(
        3, "complex",
        "several agencies and relationships are involved and nobody knows in advance what "
        "will work",
        "the answer lies in how people and organisations interact, which no one can predict: "
        "probe, sense, respond",
        lambda f: f["many_agencies"] and not f["cause_effect_known"],
    ),
    RuleStep(
        4, "clear",
        "cause and effect are known, a tested standard answer exists and no specialist is "
        "needed",
        "anyone trained can recognise the case and apply the standard answer: standardise it "
        "(sense, categorise, respond)",
        lambda f: f["cause_effect_known"] and f["standard_answer"]
        and not f["specialist_needed"],
    ),
    RuleStep(
        5, "complicated",
        "none of the above: there is a right answer, but finding it takes analysis or a "
        "specialist",
        "the answer can be worked out by someone with the right expertise (sense, analyse, "
        "respond)",
        lambda f: True,
    ),
)


def _features(features: Mapping[str, Any]) -> dict[str, bool]:
    missing = [name for name in FEATURES if name not in features]
    if missing:
        raise ValueError(f"a case needs all six features; missing: {', '.join(missing)}")
    return {name: bool(features[name]) for name in FEATURES}


def explain_rule(features: Mapping[str, Any]) -> RuleStep:
    """Return the step of :data:`RULES` that sorts a case with these features.

    Examples
    --------
    >>> case = dict(cause_effect_known=False, standard_answer=False, specialist_needed=True,
    ...             many_agencies=True, changes_as_you_act=True, immediate_risk=False)
    >>> step = explain_rule(case)
    >>> step.number, step.domain
    (2, 'complex')
    """
    flags = _features(features)
    return next(step for step in RULES if step.applies(flags))


def rule_domain(features: Mapping[str, Any]) -> str:
    """Sort a case into clear, complicated, complex or chaotic with the rule in :data:`RULES`.

    Examples
    --------
    >>> bin_request = dict(cause_effect_known=True, standard_answer=True,
    ...                    specialist_needed=False, many_agencies=False,
    ...                    changes_as_you_act=False, immediate_risk=False)
    >>> rule_domain(bin_request)
    'clear'
    >>> rule_domain({**bin_request, "specialist_needed": True})
    'complicated'
    >>> rule_domain({**bin_request, "standard_answer": False, "immediate_risk": True})
    'chaotic'
    """
    return explain_rule(features).domain


def _check_domain(domain: str) -> str:
    if domain not in DOMAINS:
        raise ValueError(f"domain must be one of {', '.join(DOMAINS)}, not {domain!r}")
    return domain


@dataclass(frozen=True, eq=False)
class SortingExercise:
    """A learner's sorting of case vignettes, compared with the rule and with practitioners.

    Parameters
    ----------
    vignettes : pandas.DataFrame
        Vignettes as returned by :func:`compass_widgets.load_vignettes`: a
        ``vignette_id``, the six features of :data:`FEATURES` (bool) and the
        ``practitioner_domain``.
    answers : Mapping[str, str]
        ``{vignette_id: domain}``: the learner's own sorting so far.

    Examples
    --------
    >>> cases = pd.DataFrame({
    ...     "vignette_id": ["A", "B"],
    ...     "vignette": ["New bin", "Man ringing 999 at night"],
    ...     "cause_effect_known": [True, False], "standard_answer": [True, False],
    ...     "specialist_needed": [False, True], "many_agencies": [False, True],
    ...     "changes_as_you_act": [False, True], "immediate_risk": [False, False],
    ...     "practitioner_domain": ["clear", "complex"],
    ... })
    >>> exercise = SortingExercise(cases).sort("A", "clear").sort("B", "complicated")
    >>> exercise.rule_domains()
    ['clear', 'complex']
    >>> exercise.agreement()["share"].tolist()
    [0.5, 0.5, 1.0]
    """

    vignettes: pd.DataFrame = field(repr=False)
    answers: Mapping[str, str] = field(default_factory=dict)
    # (vignette_id, practitioner's domain, rule's domain, rule step) for every vignette:
    # worked out once and handed on to each new exercise, since sorting never changes it.
    _rules: tuple[tuple[str, str, str, int], ...] = field(default=(), repr=False,
                                                          compare=False)
    _cache: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        needed = ["vignette_id", *FEATURES, "practitioner_domain"]
        missing = [c for c in needed if c not in self.vignettes.columns]
        if missing:
            raise ValueError(f"the vignettes need the columns {', '.join(missing)}; load them "
                             "with load_vignettes()")
        if not self.vignettes["vignette_id"].is_unique:
            raise ValueError("each vignette needs its own vignette_id; some are repeated")
        ids = set(self.ids)
        for vignette_id, domain in self.answers.items():
            if vignette_id not in ids:
                raise ValueError(f"vignette {vignette_id!r} is not in the data")
            _check_domain(domain)
        object.__setattr__(self, "answers", MappingProxyType(dict(self.answers)))
        if len(self._rules) != len(self.vignettes):
            object.__setattr__(self, "_rules", self._apply_rule())

    def _apply_rule(self) -> tuple[tuple[str, str, str, int], ...]:
        records = cast(list[dict[str, Any]],
                       self.vignettes[["vignette_id", "practitioner_domain", *FEATURES]]
                       .to_dict("records"))
        rows = []
        for record in records:
            if record["practitioner_domain"] not in DOMAINS:
                raise ValueError(f"vignette {record['vignette_id']!r}: practitioner_domain must "
                                 f"be one of {', '.join(DOMAINS)}, not "
                                 f"{record['practitioner_domain']!r}")
            step = explain_rule(record)
            rows.append((str(record["vignette_id"]), str(record["practitioner_domain"]),
                         step.domain, step.number))
        return tuple(rows)

    def _memo(self, name: str, compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """Compute a derived table once per exercise (it never changes); return a copy."""
        if name not in self._cache:
            self._cache[name] = compute()
        return self._cache[name].copy()  # type: ignore[no-any-return]

    # -- new exercises (the model never mutates) --------------------------------------
    def sort(self, vignette_id: str, domain: str | None) -> SortingExercise:
        """Return the exercise with ``vignette_id`` sorted into ``domain`` (None to unsort it)."""
        if vignette_id not in set(self.ids):
            raise ValueError(f"vignette {vignette_id!r} is not in the data")
        answers = dict(self.answers)
        if domain is None:
            answers.pop(vignette_id, None)
        else:
            answers[vignette_id] = _check_domain(domain)
        return replace(self, answers=answers, _rules=self._rules)

    # -- the cases --------------------------------------------------------------------
    @property
    def ids(self) -> list[str]:
        """Every vignette's identifier, in the order of the data."""
        return [str(v) for v in self.vignettes["vignette_id"]]

    @property
    def sorted_count(self) -> int:
        """How many vignettes the learner has sorted."""
        return len(self.answers)

    def rule_domains(self) -> list[str]:
        """Return the rule's domain for every vignette, in the order of the data."""
        return [rule for _, _, rule, _ in self._rules]

    def explain(self, vignette_id: str) -> RuleStep:
        """Return the step of the rule that sorts ``vignette_id``."""
        rows = self.vignettes[self.vignettes["vignette_id"] == vignette_id]
        if rows.empty:
            raise ValueError(f"vignette {vignette_id!r} is not in the data")
        return explain_rule(cast(dict[str, Any], rows.iloc[0][list(FEATURES)].to_dict()))

    def table(self) -> pd.DataFrame:
        """One row per vignette: the practitioner's domain, the rule's, the learner's, and matches.

        Columns ``practitioner``, ``rule``, ``rule_step``, ``learner`` (empty text if
        not sorted yet), ``learner_vs_rule`` and ``learner_vs_practitioner`` (True,
        False, or None if not sorted) and ``rule_vs_practitioner``; indexed by
        ``vignette_id``.
        """
        return self._memo("table", self._table)

    def _table(self) -> pd.DataFrame:
        ids = [vid for vid, _, _, _ in self._rules]
        practitioner = [theirs for _, theirs, _, _ in self._rules]
        rule = [domain for _, _, domain, _ in self._rules]
        learner = [self.answers.get(vid, "") for vid in ids]
        return pd.DataFrame({
            "practitioner": practitioner,
            "rule": rule,
            "rule_step": [step for _, _, _, step in self._rules],
            "learner": learner,
            "learner_vs_rule": pd.Series(
                [mine == r if mine else None for mine, r in zip(learner, rule, strict=True)],
                dtype=object),
            "learner_vs_practitioner": pd.Series(
                [mine == t if mine else None for mine, t in zip(learner, practitioner,
                                                                  strict=True)],
                dtype=object),
            "rule_vs_practitioner": [r == t for r, t in zip(rule, practitioner, strict=True)],
        }).set_axis(pd.Index(ids, name="vignette_id"))

    def agreement(self) -> pd.DataFrame:
        """Count how often each pair agrees: you and the rule, you and the practitioners.

        The third pair is the rule and the practitioners. Columns ``agree``,
        ``compared`` and ``share`` (``agree / compared``, 0 when nothing is compared).
        The learner's pairs count only the vignettes sorted so far.
        """
        return self._memo("agreement", self._agreement)

    def _agreement(self) -> pd.DataFrame:
        sorted_rows = [(self.answers[vid], theirs, rule) for vid, theirs, rule, _ in self._rules
                       if vid in self.answers]
        pairs = [
            ("You and the rule", sum(mine == rule for mine, _, rule in sorted_rows),
             len(sorted_rows)),
            ("You and the practitioners", sum(mine == theirs for mine, theirs, _ in sorted_rows),
             len(sorted_rows)),
            ("The rule and the practitioners",
             sum(theirs == rule for _, theirs, rule, _ in self._rules), len(self._rules)),
        ]
        return pd.DataFrame(
            [(pair, agree, compared, agree / compared if compared else 0.0)
             for pair, agree, compared in pairs],
            columns=["pair", "agree", "compared", "share"]).set_index("pair")

    def matrix(self) -> pd.DataFrame:
        """Count the learner's domains (rows) against the practitioners' (columns).

        Only sorted vignettes count; every domain appears in both directions, in
        :data:`DOMAINS` order, so the table is always 4 by 4.
        """
        return self._memo("matrix", self._matrix)

    def _matrix(self) -> pd.DataFrame:
        counts = np.zeros((len(DOMAINS), len(DOMAINS)), dtype=int)
        for vid, theirs, _, _ in self._rules:
            if vid in self.answers:
                counts[DOMAINS.index(self.answers[vid]), DOMAINS.index(theirs)] += 1
        return pd.DataFrame(counts, index=pd.Index(DOMAINS, name="learner"),
                            columns=pd.Index(DOMAINS, name="practitioner"))


# -- 2. the escalation model ---------------------------------------------------------------

KINDS = ("clear", "complicated", "complex")
STANDARD, MIXED = "Standard route only", "Mixed routes"
SCENARIOS = (STANDARD, MIXED)

#: Weekly measures the model reports, with a plain label for each.
MEASURES = {
    "escalations": "Escalations",
    "repeat_contacts": "Repeat contacts",
    "cost": "Cost (£)",
    "failure_share": "Failure demand share",
}

_DEFAULT_STANDARD = MappingProxyType({"clear": 0.9, "complicated": 0.6, "complex": 0.2})


def _share(name: str, value: float) -> None:
    if not (isinstance(value, int | float) and 0.0 <= value <= 1.0):
        raise ValueError(f"{name} must be a share between 0 and 1, not {value!r}")


def _amount(name: str, value: float) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be a number of 0 or more, not {value!r}")


@dataclass(frozen=True, eq=False)
class EscalationModel:
    r"""Weekly repeat contacts, escalations and cost with a standard-only and a mixed route.

    **All parameters are illustrative assumptions, not measured figures.** Change
    them to your own service's numbers; the shape of the result is what teaches.

    What it computes
        Each week ``new_cases`` cases arrive: a share ``complex_share`` is complex,
        the rest clear (``clear_share`` of the rest) or complicated. Each open case
        gets one attempt a week. On the standard route an attempt resolves a case of
        kind *k* with probability :math:`p_k`; a complex case sent to the
        personalised route is resolved with probability :math:`p_P`. An unresolved
        case comes back the next week as a repeat contact (failure demand). After
        ``max_attempts`` failed attempts it escalates to crisis or statutory services.

    Equations (expected values; *j* = attempt number, *t* = week)
        .. math::

            A_{k,r} &= \text{new cases of kind } k \text{ sent to route } r
                       \text{ each week} \\
            n_{k,r,1}(t) &= A_{k,r}, \qquad
            n_{k,r,j+1}(t+1) = (1 - p_{k,r})\, n_{k,r,j}(t) \quad (j < N) \\
            \text{contacts}(t) &= \textstyle\sum_{k,r,j} n_{k,r,j}(t), \qquad
            \text{repeats}(t) = \textstyle\sum_{k,r,j \ge 2} n_{k,r,j}(t) \\
            \text{escalations}(t) &= \textstyle\sum_{k,r} (1 - p_{k,r})\, n_{k,r,N}(t) \\
            \text{cost}(t) &= \textstyle\sum_{k,r,j} c_r\, n_{k,r,j}(t)
                              + c_E\, \text{escalations}(t), \qquad
            \text{failure share}(t) = \text{repeats}(t) / \text{contacts}(t)

        where the mixed scenario sends :math:`s` = ``personalised_share`` of complex
        cases to the personalised route and the standard-only scenario sends none.
        A complex case's chance of escalating is :math:`(1-p)^N`, smaller for a
        larger :math:`p`: so whenever :math:`p_P \ge p_\text{complex}`, sending
        fewer complex cases to the personalised route never lowers escalations.

    Assumptions
        The service starts empty in week 1 (no backlog), so the first weeks are
        lower; triage spots complex cases correctly; chaotic cases go straight to
        emergency services and are outside the model; an escalated case leaves the
        model at a one-off cost; cases still open at the end cost nothing more.

    Parameters
    ----------
    complex_share : float
        Share of new cases that are complex, 0 to 1 (default 0.25).
    personalised_share : float
        In the mixed scenario, the share of complex cases sent to the personalised
        route, 0 to 1 (default 0.5).
    weeks : int
        Weeks to follow, 1 to 260 (default 26).
    new_cases : float
        New cases a week (default 100).
    clear_share : float
        Share of the non-complex cases that are clear; the rest are complicated (0.6).
    max_attempts : int
        Failed attempts before a case escalates, 1 to 12 (default 3).
    resolve_standard : Mapping[str, float]
        Chance an attempt on the standard route resolves a clear, complicated or
        complex case (default 0.9, 0.6 and 0.2).
    resolve_personalised : float
        Chance an attempt on the personalised route resolves a complex case (0.75).
    cost_standard, cost_personalised, cost_escalation : float
        Pounds per standard contact (30), per personalised contact (150) and per
        escalation (1,500).

    Examples
    --------
    >>> model = EscalationModel(complex_share=0.5, personalised_share=1.0, weeks=3,
    ...                         new_cases=10, clear_share=1.0, max_attempts=2,
    ...                         resolve_standard={"clear": 1.0, "complicated": 0.5,
    ...                                           "complex": 0.5},
    ...                         resolve_personalised=1.0)
    >>> model.weekly(STANDARD)["escalations"].tolist()
    [0.0, 1.25, 1.25]
    >>> model.weekly(MIXED)["escalations"].tolist()
    [0.0, 0.0, 0.0]
    """

    complex_share: float = 0.25
    personalised_share: float = 0.5
    weeks: int = 26
    new_cases: float = 100.0
    clear_share: float = 0.6
    max_attempts: int = 3
    resolve_standard: Mapping[str, float] = field(default_factory=lambda: dict(_DEFAULT_STANDARD))
    resolve_personalised: float = 0.75
    cost_standard: float = 30.0
    cost_personalised: float = 150.0
    cost_escalation: float = 1500.0
    _cache: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("complex_share", "personalised_share", "clear_share",
                     "resolve_personalised"):
            _share(name, getattr(self, name))
        for name in ("new_cases", "cost_standard", "cost_personalised", "cost_escalation"):
            _amount(name, getattr(self, name))
        for name, low, high in (("weeks", 1, 260), ("max_attempts", 1, 12)):
            value = getattr(self, name)
            if not (isinstance(value, int) and not isinstance(value, bool)
                    and low <= value <= high):
                raise ValueError(f"{name} must be a whole number from {low} to {high}, "
                                 f"not {value!r}")
        if set(self.resolve_standard) != set(KINDS):
            raise ValueError("resolve_standard needs a chance for each of clear, complicated "
                             f"and complex; got {', '.join(self.resolve_standard) or 'none'}")
        for kind, chance in self.resolve_standard.items():
            _share(f"resolve_standard[{kind!r}]", chance)
        object.__setattr__(self, "resolve_standard",
                           MappingProxyType({k: float(self.resolve_standard[k]) for k in KINDS}))

    def with_params(self, **changes: Any) -> EscalationModel:
        """Return a new model with some parameters changed (the model never mutates)."""
        return replace(self, **changes)

    def _memo(self, name: str, compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        if name not in self._cache:
            self._cache[name] = compute()
        return self._cache[name].copy()  # type: ignore[no-any-return]

    # -- the simulation ----------------------------------------------------------------
    def arrivals(self, scenario: str = MIXED) -> dict[tuple[str, str], float]:
        """Return new cases a week per (kind, route); a route is "standard" or "personalised"."""
        personalised = self._personalised(scenario)
        complex_cases = self.new_cases * self.complex_share
        rest = self.new_cases - complex_cases
        return {
            ("clear", "standard"): rest * self.clear_share,
            ("complicated", "standard"): rest * (1 - self.clear_share),
            ("complex", "standard"): complex_cases * (1 - personalised),
            ("complex", "personalised"): complex_cases * personalised,
        }

    def _personalised(self, scenario: str) -> float:
        if scenario == STANDARD:
            return 0.0
        if scenario == MIXED:
            return self.personalised_share
        raise ValueError(f"scenario must be {STANDARD!r} or {MIXED!r}, not {scenario!r}")

    def _chance(self, kind: str, route: str) -> float:
        return self.resolve_personalised if route == "personalised" else \
            self.resolve_standard[kind]

    def weekly(self, scenario: str = MIXED) -> pd.DataFrame:
        """Week-by-week figures for one scenario, indexed by ``week`` (1, 2, ...).

        Columns: ``new_cases``, ``contacts``, ``repeat_contacts``, ``resolved``,
        ``escalations``, ``open_cases`` (still open at the end of the week),
        ``contact_cost``, ``escalation_cost``, ``cost`` (pounds), ``failure_share``
        (repeat contacts / contacts), ``cumulative_escalations`` and ``cumulative_cost``.
        """
        self._personalised(scenario)  # refuse an unknown scenario before computing
        return self._memo(f"weekly:{scenario}", lambda: self._simulate(scenario))

    def _simulate(self, scenario: str) -> pd.DataFrame:
        # Every week brings the same arrivals, so the recursion in the class docstring has
        # a closed form: n_{k,r,j}(t) = A_{k,r} q^(j-1) for j <= min(t, N), with q = 1 - p,
        # and 0 for later attempts. The tests check it against the week-by-week recursion.
        n_max = self.max_attempts
        week = np.arange(1, self.weeks + 1)
        depth = np.minimum(week, n_max) - 1  # the highest attempt on the go, from 0
        reached = week >= n_max  # cases at their last attempt exist from week N on
        contacts = np.zeros(self.weeks)
        repeats = np.zeros(self.weeks)
        resolved = np.zeros(self.weeks)
        escalations = np.zeros(self.weeks)
        contact_cost = np.zeros(self.weeks)
        for (kind, route), arriving in self.arrivals(scenario).items():
            p = self._chance(kind, route)
            q_powers = (1 - p) ** np.arange(n_max)
            in_stream = arriving * np.cumsum(q_powers)[depth]
            contacts += in_stream
            repeats += in_stream - arriving  # exactly 0 in week 1, where the cumsum is 1
            resolved += p * in_stream
            escalations += np.where(reached, (1 - p) * arriving * q_powers[-1], 0.0)
            unit = self.cost_personalised if route == "personalised" else self.cost_standard
            contact_cost += unit * in_stream
        escalation_cost = escalations * self.cost_escalation
        cost = contact_cost + escalation_cost
        with np.errstate(invalid="ignore", divide="ignore"):
            failure_share = np.where(contacts > 0, repeats / contacts, 0.0)
        new = np.full(self.weeks, float(self.new_cases))
        opened, closed = np.cumsum(new), np.cumsum(resolved + escalations)
        return pd.DataFrame({
            "new_cases": new, "contacts": contacts, "repeat_contacts": repeats,
            "resolved": resolved, "escalations": escalations, "open_cases": opened - closed,
            "contact_cost": contact_cost, "escalation_cost": escalation_cost, "cost": cost,
            "failure_share": failure_share, "cumulative_escalations": np.cumsum(escalations),
            "cumulative_cost": np.cumsum(cost),
        }, index=pd.Index(week, name="week"))

    def compare(self) -> pd.DataFrame:
        """Both scenarios' weekly figures in one long table, with a ``scenario`` column."""
        return self._memo("compare", lambda: pd.concat(
            [self.weekly(s).reset_index().assign(scenario=s) for s in SCENARIOS],
            ignore_index=True))

    def totals(self) -> pd.DataFrame:
        """Totals over all the weeks, one row per scenario.

        Columns: ``new_cases``, ``contacts``, ``repeat_contacts``, ``escalations``,
        ``cost`` (pounds), ``failure_share`` (repeat contacts / contacts over the
        period) and ``cost_per_case`` (cost / new cases).
        """
        return self._memo("totals", self._totals)

    def _totals(self) -> pd.DataFrame:
        rows = {}
        for scenario in SCENARIOS:
            week = self.weekly(scenario)
            sums = week[["new_cases", "contacts", "repeat_contacts", "escalations",
                         "cost"]].sum()
            rows[scenario] = {
                **sums.to_dict(),
                "failure_share": sums["repeat_contacts"] / sums["contacts"]
                if sums["contacts"] else 0.0,
                "cost_per_case": sums["cost"] / sums["new_cases"] if sums["new_cases"] else 0.0,
            }
        table = pd.DataFrame.from_dict(rows, orient="index")
        table.index.name = "scenario"
        return table
