"""The course's commissioning self-assessment: scores, a cohort comparison, a 100-day plan.

RedQuadrant's *Commissioning Compass* self-assessment is the real-world
counterpart of this tool, but no public description of its dimensions or scoring
was found, so the course defines its own eight dimensions (see
``data/compass_statements.md``). They are not a validated instrument: use the
scores to start a conversation, not to rank people or organisations.

What :class:`SelfAssessment` computes:

- a **dimension score**: the mean of the answered statements in that dimension (each
  from 1, transactional, to 5, stewardship). Statements left unanswered are left
  out of the mean and counted; a dimension with no answers has no score;
- the **overall score**: the mean of the dimension scores that exist, so each
  dimension counts equally however many statements it has;
- the **strongest** and **weakest** dimensions (a tie goes to the dimension the
  course lists first);
- a comparison with a **cohort**: for each dimension the cohort's lowest, middle
  (median) and highest score, and the learner's percentile: the percentage of the
  cohort scoring lower, counting half of those scoring the same.

None of these depends on the order of the statements or of the cohort's rows.

:class:`ActionPlan` is a **100-day plan** for chosen dimensions: what to do in days 1
to 30, 31 to 60 and 61 to 100. The Commissioning Academy asked each organisation
to write a 100-day plan to improve its commissioning (The Guardian, Public Leaders
Network, 1 February 2013,
https://www.theguardian.com/public-leaders-network/2013/feb/01/cabinet-office-training-academy-commissioners).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..data.compass_statements import DIMENSION_IDS, DIMENSION_NAMES

if TYPE_CHECKING:
    from ..store import LearnerStore

#: The key under which the CompassSelfAssessment widget saves its state in a module.
STORE_KEY = "tool:CompassSelfAssessment"
LOWEST, HIGHEST = 1, 5

#: The three periods of a 100-day plan (id, label, a prompt to start from).
PLAN_PERIODS: tuple[tuple[str, str, str], ...] = (
    ("days-1-30", "Days 1 to 30",
     "Find out: who will you talk to, what will you look at, and what do you expect to see?"),
    ("days-31-60", "Days 31 to 60",
     "Try something small and safe to fail: what will you change, with whom, and how will "
     "you know it helped?"),
    ("days-61-100", "Days 61 to 100",
     "Learn and embed: what will you keep, stop or spread, and who needs to hear about it?"),
)
PERIOD_IDS = tuple(key for key, _, _ in PLAN_PERIODS)
PERIOD_LABELS: Mapping[str, str] = MappingProxyType({key: label for key, label, _ in PLAN_PERIODS})
_REQUIRED = ("statement_id", "dimension", "statement", "quick")


def _rank(dimension: str) -> int:
    return DIMENSION_IDS.index(dimension)


@dataclass(frozen=True, eq=False)
class SelfAssessment:
    """A learner's answers to the self-assessment statements, and what they add up to.

    Parameters
    ----------
    statements : pandas.DataFrame
        The statements, as returned by :func:`compass_widgets.load_compass_statements`:
        ``statement_id``, ``dimension`` (a dimension id such as ``"purpose"``),
        ``statement``, ``quick`` (bool) and the anchors.
    answers : Mapping[str, int]
        ``{statement_id: score}``, each score a whole number from 1 to 5. Statements
        not in it are unanswered.
    quick : bool
        If True, only the quick form's statements (one per dimension) count. Answers
        to other statements are kept, but left out.

    Examples
    --------
    >>> statements = pd.DataFrame({
    ...     "statement_id": ["p1", "p2", "g1", "g2"],
    ...     "dimension": ["purpose", "purpose", "governance", "governance"],
    ...     "statement": ["We know why.", "We start with people.", "Rules help.", "Risk is fair."],
    ...     "quick": [True, False, True, False],
    ... })
    >>> mine = SelfAssessment(statements, {"p1": 4, "p2": 5, "g1": 2})
    >>> table = mine.dimension_scores()[["score", "answered", "unanswered"]]
    >>> table  # doctest: +NORMALIZE_WHITESPACE
                         score  answered  unanswered
    dimension
    Purpose                4.5         2           0
    Governance and risk    2.0         1           1
    >>> mine.overall_score(), mine.strongest(), mine.weakest()
    (3.25, 'Purpose', 'Governance and risk')
    >>> mine.answer("g2", 4).dimension_scores()["score"].tolist()
    [4.5, 3.0]
    >>> SelfAssessment(statements, {"p1": 4, "p2": 5, "g1": 2}, quick=True).overall_score()
    3.0
    """

    statements: pd.DataFrame = field(repr=False)
    answers: Mapping[str, int] = field(default_factory=dict)
    quick: bool = False
    _cache: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        missing = [c for c in _REQUIRED if c not in self.statements.columns]
        if missing:
            raise ValueError(f"the statements table has no column {', '.join(missing)}; load "
                             "it with load_compass_statements(), which checks every column")
        ids = self.statements["statement_id"]
        if ids.duplicated().any():
            raise ValueError(f"statement {ids[ids.duplicated()].iloc[0]!r} appears twice; give "
                             "each statement its own id")
        unknown = sorted(set(self.statements["dimension"]) - set(DIMENSION_IDS))
        if unknown:
            raise ValueError(f"{unknown[0]!r} is not one of the course's dimensions; use one of "
                             f"{', '.join(DIMENSION_IDS)}")
        known = set(ids)
        for statement_id, score in self.answers.items():
            if statement_id not in known:
                raise ValueError(f"statement {statement_id!r} is not in the self-assessment")
            if isinstance(score, bool) or not isinstance(score, int) or not (
                    LOWEST <= score <= HIGHEST):
                raise ValueError(f"statement {statement_id!r}: an answer must be a whole number "
                                 f"from {LOWEST} to {HIGHEST}, not {score!r}")
        object.__setattr__(self, "answers", MappingProxyType(dict(self.answers)))

    def _memo(self, name: str, compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """Compute a derived table once per assessment (it never changes); return a copy."""
        if name not in self._cache:
            self._cache[name] = compute()
        return self._cache[name].copy()  # type: ignore[no-any-return]

    # -- the statements in this form -------------------------------------------------
    def form(self) -> pd.DataFrame:
        """Return the statements in this form, in the course's order of dimensions, with answers.

        Adds ``dimension_name`` and ``answer`` (the score, or 0 if unanswered).
        Within a dimension, statements keep their order in the table.
        """
        return self._memo("form", self._form)

    def _form(self) -> pd.DataFrame:
        data = self.statements
        if self.quick:
            data = data[data["quick"].astype(bool)]
        rank = data["dimension"].map(_rank)
        # Sort by dimension, then by id, so that shuffled rows give the same form.
        data = data.assign(_rank=rank).sort_values(["_rank", "statement_id"], kind="stable")
        answers = data["statement_id"].map(self.answers).fillna(0).astype(int)
        return data.drop(columns="_rank").assign(
            dimension_name=data["dimension"].map(DIMENSION_NAMES), answer=answers
        ).reset_index(drop=True)

    @property
    def statement_count(self) -> int:
        """Number of statements in this form."""
        return len(self._memo("form", self._form))

    @property
    def answered_count(self) -> int:
        """Number of statements in this form that have an answer."""
        return int((self._memo("form", self._form)["answer"] > 0).sum())

    @property
    def unanswered_count(self) -> int:
        """Number of statements in this form left unanswered."""
        return self.statement_count - self.answered_count

    # -- new assessments (the model never mutates) ------------------------------------
    def answer(self, statement_id: str, score: int | None) -> SelfAssessment:
        """Return the assessment with ``statement_id`` answered ``score`` (1 to 5; None clears)."""
        answers = dict(self.answers)
        if score is None:
            if statement_id not in set(self.statements["statement_id"]):
                raise ValueError(f"statement {statement_id!r} is not in the self-assessment")
            answers.pop(statement_id, None)
        else:
            answers[statement_id] = score
        return replace(self, answers=answers)

    def with_form(self, quick: bool) -> SelfAssessment:
        """Return the same answers seen through the quick form (True) or the full form."""
        return replace(self, quick=quick)

    # -- scores ------------------------------------------------------------------------
    def dimension_scores(self) -> pd.DataFrame:
        """Per dimension in this form, in the course's order: the score and the answer counts.

        Columns: ``dimension_id``, ``score`` (mean of the answered statements, NaN if
        none), ``answered``, ``unanswered``. The index is the dimension's name.
        """
        return self._memo("dimensions", self._dimensions)

    def _dimensions(self) -> pd.DataFrame:
        form = self._memo("form", self._form)
        # At most a few dozen statements: plain Python is quicker than pandas here.
        answers: dict[str, list[int]] = {}
        for dimension, answer in zip(form["dimension"], form["answer"], strict=True):
            answers.setdefault(str(dimension), []).append(int(answer))
        rows = []
        for dimension in DIMENSION_IDS:
            if dimension not in answers:
                continue
            given = [a for a in answers[dimension] if a > 0]
            # A sum of whole numbers divided once: the same whatever the order.
            score = sum(given) / len(given) if given else math.nan
            rows.append((DIMENSION_NAMES[dimension], dimension, score, len(given),
                         len(answers[dimension]) - len(given)))
        table = pd.DataFrame(rows, columns=["dimension", "dimension_id", "score", "answered",
                                            "unanswered"])
        return table.set_index("dimension")

    def _scored(self) -> list[tuple[str, float]]:
        """Return ``(name, score)`` of each answered dimension, in the course's order."""
        if "scored" not in self._cache:
            table = self._memo("dimensions", self._dimensions)
            self._cache["scored"] = [(str(name), float(score)) for name, score
                                     in table["score"].items() if not math.isnan(score)]
        return self._cache["scored"]  # type: ignore[no-any-return]

    def overall_score(self) -> float | None:
        """Return the mean of the dimension scores that exist, or None if nothing is answered."""
        scores = [score for _, score in self._scored()]
        # Dimension scores are fractions; sum them in a fixed order (the course's).
        return math.fsum(scores) / len(scores) if scores else None

    def ranked(self) -> pd.DataFrame:
        """Return the answered dimensions, strongest first; a tie keeps the course's order."""
        table = self._memo("dimensions", self._dimensions).dropna(subset=["score"])
        return table.sort_values("score", ascending=False, kind="stable")

    def strongest(self) -> str | None:
        """Return the name of the strongest dimension, or None if nothing is answered.

        A tie goes to the dimension the course lists first.
        """
        scored = self._scored()
        # max() keeps the first of equal scores, and the list is in the course's order.
        return max(scored, key=lambda item: item[1])[0] if scored else None

    def weakest(self) -> str | None:
        """Return the name of the weakest dimension, or None if nothing is answered.

        A tie goes to the dimension the course lists first.
        """
        weakest = self.weakest_dimensions(1)
        return weakest[0] if weakest else None

    def weakest_dimensions(self, n: int = 2) -> list[str]:
        """Return the names of the ``n`` weakest answered dimensions, weakest first."""
        return [name for name, _ in sorted(self._scored(), key=lambda item: item[1])[:n]]

    def focus_statement(self, dimension: str) -> str | None:
        """Return the lowest-scored statement of a dimension (by name), a place to start.

        A tie goes to the statement that comes first; None if the dimension has no answers.
        """
        form = self._memo("form", self._form)
        answered = form[(form["dimension_name"] == dimension) & (form["answer"] > 0)]
        if answered.empty:
            return None
        return str(answered.sort_values("answer", kind="stable")["statement"].iloc[0])

    # -- the cohort --------------------------------------------------------------------
    def compare(self, cohort: pd.DataFrame) -> pd.DataFrame:
        """Compare each dimension's score with a cohort's scores.

        Parameters
        ----------
        cohort : pandas.DataFrame
            One row per learner and a column per dimension id, as returned by
            :func:`compass_widgets.load_compass_cohort`.

        Returns
        -------
        pandas.DataFrame
            Per dimension in this form: ``score``, ``cohort_min``, ``cohort_median``,
            ``cohort_max``, ``cohort_size``, ``percentile`` (0 to 100: the share of
            the cohort scoring lower, counting half of those scoring the same; NaN if
            the dimension has no score) and ``position`` in words.
        """
        cached = self._cache.get("compare")
        # Keep the cohort itself, not its id: an id can be reused once a frame is gone.
        if cached is not None and cached[0] is cohort:
            return cached[1].copy()  # type: ignore[no-any-return]
        table = self._compare(cohort)
        self._cache["compare"] = (cohort, table)
        return table.copy()

    def _compare(self, cohort: pd.DataFrame) -> pd.DataFrame:
        mine = self._memo("dimensions", self._dimensions)
        missing = [d for d in mine["dimension_id"] if d not in cohort.columns]
        if missing:
            raise ValueError(f"the cohort has no column for {', '.join(missing)}; load it with "
                             "load_compass_cohort(), which checks every column")
        columns = cohort[list(mine["dimension_id"])]
        if not all(pd.api.types.is_numeric_dtype(t) for t in columns.dtypes):
            columns = columns.apply(pd.to_numeric, errors="coerce")
        matrix = columns.to_numpy(dtype=float)
        rows = []
        for i, (name, score) in enumerate(zip(mine.index, mine["score"].tolist(), strict=True)):
            values = matrix[:, i]
            values = values[~np.isnan(values)]
            size = len(values)
            low, middle, high = ((float(values.min()), float(np.median(values)),
                                  float(values.max())) if size else (math.nan,) * 3)
            if math.isnan(score) or not size:
                percentile = math.nan
            else:
                below, same = int((values < score).sum()), int((values == score).sum())
                percentile = 100 * (below + same / 2) / size
            rows.append((name, score, low, middle, high, size, percentile,
                         _position(score, low, middle, high)))
        return pd.DataFrame(rows, columns=["dimension", "score", "cohort_min", "cohort_median",
                                           "cohort_max", "cohort_size", "percentile",
                                           "position"]).set_index("dimension")

    # -- saving ------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Return the learner's choices as JSON-able data: the form and the answers."""
        return {"quick": self.quick, "answers": dict(sorted(self.answers.items()))}

    @classmethod
    def from_dict(cls, statements: pd.DataFrame, data: Mapping[str, Any]) -> SelfAssessment:
        """Rebuild an assessment from :meth:`to_dict`, keeping only answers that still fit.

        Answers to statements no longer in ``statements``, or scores outside 1 to 5,
        are left out rather than refused: a saved file should never stop a learner.
        """
        known = set(statements["statement_id"])
        raw = data.get("answers", {})
        answers = {
            str(k): v for k, v in (raw.items() if isinstance(raw, Mapping) else [])
            if k in known and isinstance(v, int) and not isinstance(v, bool)
            and LOWEST <= v <= HIGHEST
        }
        return cls(statements, answers, quick=bool(data.get("quick", False)))


def _position(score: float, low: float, middle: float, high: float) -> str:
    """Say where a score sits in a cohort's range, in words."""
    if math.isnan(score):
        return "not answered"
    if math.isnan(low):
        return "no cohort scores"
    if score < low:
        return "below everyone in the cohort"
    if score > high:
        return "above everyone in the cohort"
    if score == high:
        return "level with the highest in the cohort"
    if score == low:
        return "level with the lowest in the cohort"
    if score == middle:
        return "at the cohort's middle"
    return "below the cohort's middle" if score < middle else "above the cohort's middle"


@dataclass(frozen=True)
class ActionPlan:
    """A 100-day plan: for each chosen dimension, what to do in days 1-30, 31-60 and 61-100.

    Parameters
    ----------
    entries : Mapping[str, Mapping[str, str]]
        ``{dimension name: {period id: text}}``; period ids are ``"days-1-30"``,
        ``"days-31-60"`` and ``"days-61-100"``.

    Examples
    --------
    >>> plan = ActionPlan().write("Governance and risk", "days-1-30", "Map every sign-off.")
    >>> plan.text("Governance and risk", "days-1-30")
    'Map every sign-off.'
    >>> plan.dimensions
    ['Governance and risk']
    >>> ActionPlan.from_dict(plan.to_dict()) == plan
    True
    """

    entries: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        frozen = {}
        for dimension, periods in self.entries.items():
            _check_dimension(dimension)
            for period in periods:
                if period not in PERIOD_LABELS:
                    raise ValueError(f"{period!r} is not a period of the plan; use one of "
                                     f"{', '.join(PERIOD_IDS)}")
            frozen[dimension] = MappingProxyType(dict(periods))
        object.__setattr__(self, "entries", MappingProxyType(frozen))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ActionPlan) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(repr(sorted(self.to_dict().items())))

    def write(self, dimension: str, period: str, text: str) -> ActionPlan:
        """Return the plan with ``text`` as what to do for ``dimension`` in ``period``."""
        entry = {**self.entries.get(dimension, {}), period: text}
        return ActionPlan({**self.entries, dimension: entry})

    def text(self, dimension: str, period: str) -> str:
        """Return what is planned for ``dimension`` in ``period`` ("" if nothing yet)."""
        _check_dimension(dimension)
        if period not in PERIOD_LABELS:
            raise ValueError(f"{period!r} is not a period of the plan; use one of "
                             f"{', '.join(PERIOD_IDS)}")
        return self.entries.get(dimension, {}).get(period, "")

    @property
    def dimensions(self) -> list[str]:
        """The dimensions with something written, in the course's order."""
        names = [DIMENSION_NAMES[d] for d in DIMENSION_IDS]
        return [n for n in names if any(t.strip() for t in self.entries.get(n, {}).values())]

    def to_dict(self) -> dict[str, dict[str, str]]:
        """Return the plan as JSON-able data, leaving out empty entries."""
        return {dimension: {p: t for p, t in sorted(periods.items()) if t.strip()}
                for dimension, periods in sorted(self.entries.items())
                if any(t.strip() for t in periods.values())}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ActionPlan:
        """Rebuild a plan from :meth:`to_dict`, leaving out anything that does not fit."""
        names = set(DIMENSION_NAMES.values())
        entries = {
            str(d): {p: t for p, t in periods.items() if p in PERIOD_LABELS and isinstance(t, str)}
            for d, periods in data.items() if d in names and isinstance(periods, Mapping)
        }
        return cls(entries)

    def as_markdown(self) -> str:
        """Return the plan as Markdown, for a portfolio: a heading per dimension.

        Examples
        --------
        >>> print(ActionPlan().write("Purpose", "days-1-30", "Ask ten residents.").as_markdown())
        ## Purpose
        - **Days 1 to 30:** Ask ten residents.
        - **Days 31 to 60:** (nothing yet)
        - **Days 61 to 100:** (nothing yet)
        """
        if not self.dimensions:
            return "Nothing is planned yet."
        parts = []
        for dimension in self.dimensions:
            lines = [f"## {dimension}"]
            for period, label, _ in PLAN_PERIODS:
                text = self.text(dimension, period).strip() or "(nothing yet)"
                lines.append(f"- **{label}:** {text}")
            parts.append("\n".join(lines))
        return "\n\n".join(parts)


def _check_dimension(dimension: str) -> None:
    if dimension not in set(DIMENSION_NAMES.values()):
        raise ValueError(f"{dimension!r} is not one of the course's dimensions; use one of "
                         f"{', '.join(DIMENSION_NAMES.values())}")


@dataclass(frozen=True)
class SavedSelfAssessment:
    """What a learner saved in a module: their assessment, their plan and when they saved."""

    assessment: SelfAssessment
    plan: ActionPlan
    saved_at: str | None


def load_saved_self_assessment(
    store: LearnerStore | None = None,
    module: str = "11",
    statements: pd.DataFrame | None = None,
) -> SavedSelfAssessment | None:
    """Read back the self-assessment a learner saved in a module, or None if there is none.

    Module 11 and the capstone use this to reach the answers given in module 00 (the
    quick form) or 11 (the full form).

    Parameters
    ----------
    store : LearnerStore, optional
        Where the answers are kept; by default the learner's own store.
    module : str
        The module whose saved answers to read, such as ``"00"`` or ``"11"``.
    statements : pandas.DataFrame, optional
        The statements; by default the course's own.

    Examples
    --------
    >>> import tempfile
    >>> from compass_widgets.store import LearnerStore
    >>> store = LearnerStore(tempfile.mkdtemp())
    >>> load_saved_self_assessment(store, "00") is None
    True
    >>> store.save("00", STORE_KEY, {"quick": True, "answers": {"purpose-1": 4}})
    >>> saved = load_saved_self_assessment(store, "00")
    >>> saved.assessment.quick, saved.assessment.dimension_scores()["score"].dropna().tolist()
    (True, [4.0])
    """
    from ..store import LearnerStore

    store = store if store is not None else LearnerStore()
    saved = store.load(module, STORE_KEY)
    if not isinstance(saved, Mapping):
        return None
    if statements is None:
        from ..data.compass_statements import load_compass_statements

        statements = load_compass_statements()
    plan = saved.get("plan", {})
    return SavedSelfAssessment(
        assessment=SelfAssessment.from_dict(statements, saved),
        plan=ActionPlan.from_dict(plan if isinstance(plan, Mapping) else {}),
        saved_at=store.saved_at(module, STORE_KEY),
    )
