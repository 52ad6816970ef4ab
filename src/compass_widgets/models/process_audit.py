"""Audit a service process, step by step, against the six principles of trauma-informed practice.

The UK working definition of trauma-informed practice (Office for Health
Improvement and Disparities, "Working definition of trauma-informed practice",
2 November 2022,
https://www.gov.uk/government/publications/working-definition-of-trauma-informed-practice/working-definition-of-trauma-informed-practice)
names six principles: safety, trust, choice, collaboration, empowerment and
cultural consideration. It builds on SAMHSA's six principles (SAMHSA, *Concept of
Trauma and Guidance for a Trauma-Informed Approach*, 2014, SMA 14-4884) and asks
services to realise how trauma affects people, recognise its signs and prevent
re-traumatisation.

:class:`TraumaInformedAudit` holds a score from 0 to 3 for each step of a process
against each principle (0 not at all, 1 a little, 2 mostly, 3 fully), lets you
change any score, and answers: which principle is weakest, overall and at each
step; which steps risk re-traumatising people; and how the whole process scores.

The rule for a step **at risk of re-traumatising** (a judgement made for this
course, not part of the definition): a step is at risk when

1. it has at least one feature that can echo past harm (the person has to tell
   their story again, waits without being told what happens next, or is warned of a
   sanction or a loss) **and** it scores ``low_score`` or less (by default 1: "a
   little" or "not at all") on at least one principle; or
2. it scores 0 on safety, whatever its features.

Features that help (a choice offered, someone the person knows present,
information in their own language) do not cancel a risk: they should show in the
scores instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

import pandas as pd

from ..data.process_steps import (
    FEATURE_IDS,
    PRINCIPLE_IDS,
    PRINCIPLES,
    PROTECTIVE_FEATURES,
    RISK_FEATURES,
)

#: Principle id -> label, such as ``"cultural_consideration" -> "Cultural consideration"``.
PRINCIPLE_LABELS: Mapping[str, str] = MappingProxyType(dict(PRINCIPLES))
#: What each score means.
SCORE_MEANINGS: Mapping[int, str] = MappingProxyType(
    {0: "not at all", 1: "a little", 2: "mostly", 3: "fully"})
MAX_SCORE = 3
_REQUIRED = ("step", "step_name", *FEATURE_IDS, *PRINCIPLE_IDS)


def _check_score(step: str, principle: str, score: object) -> int:
    if principle not in PRINCIPLE_LABELS:
        raise ValueError(f"{principle!r} is not one of the six principles; use one of "
                         f"{', '.join(PRINCIPLE_IDS)}")
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= MAX_SCORE:
        raise ValueError(f"step {step!r}, {PRINCIPLE_LABELS[principle]}: the score must be a "
                         f"whole number from 0 to {MAX_SCORE}, not {score!r}")
    return score


def _and(items: list[str]) -> str:
    """Join words as a sentence does: "A", "A and B", "A, B and C"."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


@dataclass(frozen=True, eq=False)
class TraumaInformedAudit:
    """Scores of a process's steps against the six principles, with the learner's changes.

    Parameters
    ----------
    steps : pandas.DataFrame
        A process as returned by :func:`compass_widgets.load_process_steps`: one row
        per step with ``step`` (its number), ``step_name``, the six features (bool)
        and the six principles (whole numbers from 0 to 3).
    rescored : Mapping[str, Mapping[str, int]]
        ``{step_name: {principle: score}}`` replacing the starting scores.
    low_score : int
        A score this low or lower counts as low in the risk rule: 0, 1 or 2.

    Examples
    --------
    >>> steps = pd.DataFrame({
    ...     "step": [1, 2], "step_name": ["Ask", "Wait"],
    ...     "retell_story": [False, False], "unexplained_wait": [False, True],
    ...     "sanction_warning": [False, False], "choice_offered": [True, False],
    ...     "known_person_present": [False, False], "own_language": [True, False],
    ...     "safety": [3, 2], "trust": [3, 1], "choice": [2, 0],
    ...     "collaboration": [2, 1], "empowerment": [2, 1], "cultural_consideration": [3, 2],
    ... })
    >>> audit = TraumaInformedAudit(steps)
    >>> audit.summary_score()
    1.8333333333333333
    >>> audit.weakest_principle()
    'choice'
    >>> audit.at_risk_steps()
    ['Wait']
    >>> print(audit.risks().loc["Wait", "reasons"])  # doctest: +ELLIPSIS
    the person waits without being told what happens next; the step scores low on Trust, ...
    >>> better = audit.rescore_step("Wait", {"trust": 2, "choice": 2, "collaboration": 2})
    >>> better.rescore("Wait", "empowerment", 2).at_risk_steps()
    []
    """

    steps: pd.DataFrame = field(repr=False)
    rescored: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    low_score: int = 1
    _cache: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)
    # What depends on the steps alone, shared with every audit made from this one by
    # rescore() or reset(), so that a new score does not sort and check the steps again.
    _steps_cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False,
                                         kw_only=True)

    def __post_init__(self) -> None:
        if "ordered" not in self._steps_cache:
            self._check_steps()
        if self.low_score not in (0, 1, 2):
            raise ValueError(f"low_score must be 0, 1 or 2, not {self.low_score!r}")
        known = self._steps_cache["rows"]
        frozen = {}
        for step, scores in self.rescored.items():
            if step not in known:
                raise ValueError(f"step {step!r} is not in the process; choose one of "
                                 f"{', '.join(self.step_names)}")
            frozen[step] = MappingProxyType(
                {p: _check_score(step, p, s) for p, s in scores.items()})
        object.__setattr__(self, "rescored", MappingProxyType(frozen))

    def _check_steps(self) -> None:
        """Check the steps table once, and keep it in process order."""
        missing = [c for c in _REQUIRED if c not in self.steps.columns]
        if missing:
            raise ValueError(f"the steps table has no column {', '.join(missing)}; load it with "
                             "load_process_steps(), which checks every column")
        if self.steps.empty:
            raise ValueError("the process has no steps; add at least one")
        names = self.steps["step_name"]
        if names.duplicated().any():
            raise ValueError(f"step {names[names.duplicated()].iloc[0]!r} appears twice; give "
                             "each step its own name")
        # By step number, then name: never by the order of the rows.
        ordered = self.steps.sort_values(["step", "step_name"]).set_index("step_name")
        self._steps_cache["rows"] = ordered.to_dict("index")
        self._steps_cache["ordered"] = ordered

    def _cached(self, name: str, compute: Callable[[], Any]) -> Any:
        """Compute something derived once per audit (it never changes) and keep it."""
        if name not in self._cache:
            self._cache[name] = compute()
        return self._cache[name]

    def _memo(self, name: str, compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """Return a copy of a derived table, so that a caller can never change the audit."""
        return self._cached(name, compute).copy()  # type: ignore[no-any-return]

    @property
    def _ordered(self) -> pd.DataFrame:
        """The steps in process order (shared, never changed: copy before changing)."""
        return self._steps_cache["ordered"]  # type: ignore[no-any-return]

    # -- what is in the process -------------------------------------------------------
    @property
    def step_names(self) -> list[str]:
        """Every step's name, in process order."""
        return [str(name) for name in self._ordered.index]

    def details(self, step: str) -> dict[str, Any]:
        """Return one step's number, description, who does it, and its features in words.

        ``risks`` and ``helps`` list what happens to the person, such as "has to tell
        their story again"; ``description`` and ``who`` are empty if the table has no
        such column.
        """
        row = self._row(step)
        return {
            "step": int(row["step"]),
            "name": step,
            "description": str(row.get("description", "")),
            "who": str(row.get("who", "")),
            "risks": [text for name, text in RISK_FEATURES if bool(row[name])],
            "helps": [text for name, text in PROTECTIVE_FEATURES if bool(row[name])],
        }

    def _row(self, step: str) -> dict[str, Any]:
        """Return one step's row as a plain dict; a step not in the process is an error."""
        rows: dict[str, dict[str, Any]] = self._steps_cache["rows"]
        if step not in rows:
            raise ValueError(f"step {step!r} is not in the process; choose one of "
                             f"{', '.join(self.step_names)}")
        return rows[step]

    def _score_rows(self) -> dict[str, dict[str, int]]:
        """Return the current scores as ``{step: {principle: score}}``, in process order."""
        return self._cached("score_rows", lambda: {  # type: ignore[no-any-return]
            str(step): {p: int(v) for p, v in row.items()}
            for step, row in self._cached("scores", self._scores).to_dict("index").items()
        })

    # -- new audits (the model never mutates) ---------------------------------------
    def rescore(self, step: str, principle: str, score: int) -> TraumaInformedAudit:
        """Return the audit with ``step`` scored ``score`` (0 to 3) against ``principle``."""
        return self.rescore_step(step, {principle: score})

    def rescore_step(self, step: str, scores: Mapping[str, int]) -> TraumaInformedAudit:
        """Return the audit with several of ``step``'s scores replaced: ``{principle: score}``."""
        self._row(step)
        merged = {**self.rescored.get(step, {}), **scores}
        return replace(self, rescored={**self.rescored, step: merged})

    def reset(self, step: str | None = None) -> TraumaInformedAudit:
        """Return the audit with the starting scores back, for one step or (None) for all."""
        if step is None:
            return replace(self, rescored={})
        self._row(step)
        return replace(self, rescored={k: v for k, v in self.rescored.items() if k != step})

    # -- scores -----------------------------------------------------------------------
    def scores(self) -> pd.DataFrame:
        """Return the step x principle table of scores (whole numbers 0 to 3), in process order."""
        return self._memo("scores", self._scores)

    def _scores(self) -> pd.DataFrame:
        table = self._ordered[list(PRINCIPLE_IDS)].astype(int)
        for step, changes in self.rescored.items():
            for principle, score in changes.items():
                table.loc[step, principle] = score
        table.index.name = "step_name"
        return table

    def step_scores(self, step: str) -> dict[str, int]:
        """Return ``{principle: score}`` for one step, as it is scored now."""
        self._row(step)
        return dict(self._score_rows()[step])

    def changed(self) -> dict[str, dict[str, int]]:
        """Return the scores that differ from the starting ones: ``{step: {principle: score}}``."""
        now = self._score_rows()
        out: dict[str, dict[str, int]] = {}
        for step in self.rescored:
            start = self._row(step)
            diff = {p: now[step][p] for p in PRINCIPLE_IDS if now[step][p] != int(start[p])}
            if diff:
                out[step] = diff
        return out

    def principle_averages(self) -> pd.DataFrame:
        """Per principle: its label, average score over all steps, and steps scoring low.

        ``low_steps`` counts the steps scoring ``low_score`` or less. Rows follow the
        order of the six principles.
        """
        return self._memo("principles", self._principles)

    def _principles(self) -> pd.DataFrame:
        scores = self._cached("scores", self._scores)
        steps = len(scores)
        # Sum whole numbers, then divide once: the result is exactly the same whatever
        # the order of the steps.
        return pd.DataFrame({
            "label": [PRINCIPLE_LABELS[p] for p in PRINCIPLE_IDS],
            "average": [int(scores[p].sum()) / steps for p in PRINCIPLE_IDS],
            "low_steps": [int((scores[p] <= self.low_score).sum()) for p in PRINCIPLE_IDS],
        }, index=pd.Index(PRINCIPLE_IDS, name="principle"))

    def weakest_principle(self) -> str:
        """Return the principle with the lowest average; a tie goes to the one listed first."""
        return self._cached(  # type: ignore[no-any-return]
            "weakest_principle",
            lambda: str(self._cached("principles", self._principles)["average"].idxmin()))

    def weakest_by_step(self) -> pd.DataFrame:
        """Per step, in process order: its weakest principle, that principle's label and score.

        A tie goes to the principle listed first in the definition.
        """
        return self._memo("weakest", self._weakest)

    def _weakest(self) -> pd.DataFrame:
        scores = self._cached("scores", self._scores)
        weakest = scores.idxmin(axis=1)
        return pd.DataFrame({
            "principle": weakest,
            "label": weakest.map(PRINCIPLE_LABELS),
            "score": scores.min(axis=1).astype(int),
        })

    # -- re-traumatisation ---------------------------------------------------------
    def risks(self) -> pd.DataFrame:
        """Per step, in process order: whether it is at risk of re-traumatising, and why.

        See the module's docstring for the rule. ``reasons`` says why in words, such
        as "the person has to tell their story again; the step scores low on Safety
        and Trust"; it is empty for a step not at risk.
        """
        return self._memo("risks", self._risks)

    def _risks(self) -> pd.DataFrame:
        scores = self._score_rows()
        at_risk, reasons = [], []
        for step, score in scores.items():
            row = self._row(step)
            echoes = [f"the person {text}" for name, text in RISK_FEATURES if bool(row[name])]
            low = [PRINCIPLE_LABELS[p] for p in PRINCIPLE_IDS if score[p] <= self.low_score]
            # Safety at 0 is always low, so it is always named in the reasons.
            flagged = bool(echoes and low) or score["safety"] == 0
            at_risk.append(flagged)
            reasons.append("; ".join([*echoes, f"the step scores low on {_and(low)}"])
                           if flagged else "")
        return pd.DataFrame({"at_risk": at_risk, "reasons": reasons},
                            index=pd.Index(list(scores), name="step_name"))

    def at_risk_steps(self) -> list[str]:
        """Return the names of the steps at risk of re-traumatising, in process order."""
        risky = self._cached("at_risk", lambda: [
            str(step) for step, row in self._cached("risks", self._risks).iterrows()
            if row["at_risk"]])
        return list(risky)

    # -- the whole process -------------------------------------------------------------
    def summary_score(self) -> float:
        """Return the average of every score in the table, from 0 to 3.

        Every step and principle counts equally, so the result does not depend on the
        order of the steps.
        """
        def compute() -> float:
            scores = self._cached("scores", self._scores)
            return int(scores.to_numpy().sum()) / int(scores.size)

        return self._cached("summary", compute)  # type: ignore[no-any-return]

    def summary_share(self) -> float:
        """Return :meth:`summary_score` as a share of the best possible (all 3s), 0 to 1."""
        return self.summary_score() / MAX_SCORE
