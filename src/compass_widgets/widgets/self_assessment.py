"""CompassSelfAssessment: answer the self-assessment, compare with a cohort, plan 100 days."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import ipywidgets as w
import pandas as pd
import traitlets as t

from ..charts.self_assessment import self_assessment_chart
from ..data.compass_cohort import load_compass_cohort
from ..data.compass_statements import DIMENSION_NAMES, load_compass_statements
from ..models.self_assessment import (
    PLAN_PERIODS,
    STORE_KEY,
    ActionPlan,
    SelfAssessment,
    load_saved_self_assessment,
)
from ..store import LearnerStore
from ._views import SavedChoices, Shown, chart_view, paragraph, redraw

__all__ = ["CompassSelfAssessment", "load_saved_self_assessment"]

NOT_ANSWERED = 0
_OPTIONS = [("Not answered", NOT_ANSWERED), *((str(n), n) for n in range(1, 6))]


class CompassSelfAssessment(w.VBox):
    """Answer the self-assessment statements, see your dimension scores, and write a 100-day plan.

    Controls (each labelled for screen readers and usable with the keyboard): one
    row of buttons per statement, described by its dimension and number (such as
    *Purpose 1*), to choose *Not answered* or a score from 1 (transactional) to 5
    (stewardship), with the anchors for 1, 3 and 5 shown above it; *Plan for*
    picks the dimension whose 100-day plan is shown, and three text boxes, *Days 1
    to 30*, *Days 31 to 60* and *Days 61 to 100*, hold the plan; *Save now* saves at
    once. A chart shows each dimension's score beside the cohort's range, with a
    sentence beside it saying what it shows.

    Parameters
    ----------
    statements : pandas.DataFrame, optional
        From :func:`compass_widgets.load_compass_statements`; by default the course's own.
    cohort : pandas.DataFrame, optional
        From :func:`compass_widgets.load_compass_cohort`; by default the course's
        synthetic cohort of 30.
    quick : bool
        True for the quick form (one statement per dimension, module 00); False for
        the full form (module 11).
    store : LearnerStore, optional
        Where to save; by default the learner's own store.
    module : str, optional
        The module the tool is used in, such as ``"00"`` or ``"11"``. When given,
        answers and plan are saved under ``tool:CompassSelfAssessment`` in that module
        whenever they change, and shown again next time; read them back anywhere
        with :func:`load_saved_self_assessment`.

    Examples
    --------
    >>> tool = CompassSelfAssessment(quick=True)
    >>> tool.answer_controls["purpose-1"].value = 4
    >>> tool.assessment.strongest()
    'Purpose'
    """

    assessment = t.Instance(SelfAssessment, help="The answers and scores shown (read it).")
    plan = t.Instance(ActionPlan, help="The learner's 100-day plan (read it).")
    plan_dimension = t.Unicode(help="The dimension whose 100-day plan is shown.")

    def __init__(
        self,
        statements: pd.DataFrame | None = None,
        cohort: pd.DataFrame | None = None,
        quick: bool = False,
        store: LearnerStore | None = None,
        module: str | None = None,
    ) -> None:
        statements = load_compass_statements() if statements is None else statements
        self.cohort = load_compass_cohort() if cohort is None else cohort
        self.module = module
        self.saved = SavedChoices(STORE_KEY, module, store)
        base, plan, planned = self._restore(SelfAssessment(statements, quick=quick))
        self._quick = quick
        self.answer_controls: dict[str, w.ToggleButtons] = {}
        form = base.form()
        groups: dict[str, list[w.Widget]] = {}
        for dimension_id, rows in form.groupby("dimension", sort=False):
            for number, (_, row) in enumerate(rows.iterrows(), start=1):
                name = row["dimension_name"]
                label = name if quick else f"{name} {number}"
                control = w.ToggleButtons(
                    options=_OPTIONS, value=int(row["answer"]), description=label,
                    tooltips=_tooltips(row), style={"description_width": "initial",
                                                    "button_width": "auto"},
                )
                self.answer_controls[str(row["statement_id"])] = control
                groups.setdefault(str(dimension_id), []).extend(
                    [w.HTML(_statement_html(label, row)), control])
        if quick:
            questions: w.Widget = w.VBox([c for group in groups.values() for c in group])
        else:
            questions = w.Accordion(
                children=[w.VBox(group) for group in groups.values()],
                titles=tuple(DIMENSION_NAMES[d] for d in groups),
            )
        self.progress = w.HTML()
        chart = self_assessment_chart(base, self.cohort)
        self.chart = chart_view(chart)
        self.summary = w.HTML(paragraph(chart.description))
        self.plan_intro = w.HTML()
        self.plan_control = w.Dropdown(
            options=list(base.dimension_scores().index), value=planned, description="Plan for",
            style={"description_width": "8em"}, layout=w.Layout(width="34em"),
        )
        self.plan_boxes = {
            period: w.Textarea(
                description=label, placeholder=prompt, continuous_update=False,
                style={"description_width": "8em"}, layout=w.Layout(width="95%", height="5em"),
            )
            for period, label, prompt in PLAN_PERIODS
        }
        self.save_button = w.Button(description="Save now", tooltip="Save your answers and plan")
        self.status = w.HTML()
        super().__init__([
            w.HTML("<p>Choose a score for each statement: 1 describes transactional practice "
                   "and 5 stewardship. Leave it as <em>Not answered</em> if you are not "
                   "sure; it will not count.</p>"),
            questions,
            self.progress,
            w.HBox([self.chart, self.summary], layout=w.Layout(flex_flow="row wrap")),
            w.HTML("<h4>Your 100-day plan</h4>"),
            self.plan_intro,
            self.plan_control,
            *self.plan_boxes.values(),
            w.HBox([self.save_button, self.status]),
        ])
        self.add_class("compass-self-assessment")
        self._syncing = False
        self._ready = False  # showing the saved answers again is not a change to save
        self._shown = Shown()
        self._shown.changed("chart", _inputs(base))  # the chart above already shows them
        self.plan = plan
        self.assessment = base
        t.link((self.plan_control, "value"), (self, "plan_dimension"))
        for control in self.answer_controls.values():
            control.observe(self._on_change_answer, "value")
        for box in self.plan_boxes.values():
            box.observe(self._on_change_plan_text, "value")
        self.save_button.on_click(lambda _: self.save())
        self._ready = True
        if self.saved.store is not None and self.module:
            when = self.saved.store.saved_at(self.module, STORE_KEY)
            if when:
                self.status.value = f"<p>Your saved answers (saved {_local(when)}).</p>"

    def __repr__(self) -> str:
        a = self.assessment
        text = (f"CompassSelfAssessment(quick={self.quick}): {a.answered_count} of "
                f"{a.statement_count} statements answered")
        if a.answered_count:
            text += f"; strongest {a.strongest()}, weakest {a.weakest()}"
        return text

    @property
    def quick(self) -> bool:
        """Whether this is the quick form (one statement per dimension)."""
        return self._quick

    # -- saving --------------------------------------------------------------------------
    def _restore(self, base: SelfAssessment) -> tuple[SelfAssessment, ActionPlan, str]:
        """Return the saved answers (in this form), the saved plan and the dimension to plan."""
        first = str(base.dimension_scores().index[0])
        saved = None
        if self.saved.store is not None and self.module:
            saved = load_saved_self_assessment(self.saved.store, self.module, base.statements)
        if saved is None:
            return base, ActionPlan(), first
        assessment = saved.assessment.with_form(base.quick)
        planned = self.saved.load().get("plan_dimension")
        names = list(assessment.dimension_scores().index)
        if planned not in names:
            planned = assessment.weakest() or first
        return assessment, saved.plan, str(planned)

    def state(self) -> dict[str, Any]:
        """Return the learner's choices as JSON-able data: form, answers, plan, plan shown."""
        return {**self.assessment.to_dict(), "plan": self.plan.to_dict(),
                "plan_dimension": self.plan_dimension}

    def save(self) -> None:
        """Save the answers and the plan now (they are also saved whenever they change)."""
        if self.saved.store is None:
            self.status.value = ("<p>Not saved: this copy of the tool was made without a "
                                 "module, so it has nowhere to save.</p>")
            return
        self.saved.save(self.state())
        self.status.value = f"<p>Saved at {dt.datetime.now():%H:%M:%S}.</p>"

    def _autosave(self) -> None:
        if self._ready and self.module is not None:
            self.save()

    # -- reactions: controls -> model ----------------------------------------------------
    def _on_change_answer(self, change: t.Bunch) -> None:
        score = change["new"]
        statement_id = next(s for s, c in self.answer_controls.items() if c is change["owner"])
        self.assessment = self.assessment.answer(
            statement_id, None if score == NOT_ANSWERED else int(score))

    @t.validate("plan_dimension")
    def _valid_plan_dimension(self, proposal: t.Bunch) -> str:
        value = proposal["value"]
        names = list(self.assessment.dimension_scores().index)
        if value not in names:
            raise t.TraitError(f"{value!r} is not a dimension of this form; choose one of "
                               f"{', '.join(names)}")
        return str(value)

    @t.observe("plan_dimension")
    def _on_change_plan_dimension(self, change: t.Bunch) -> None:
        self._syncing = True
        for period, box in self.plan_boxes.items():
            box.value = self.plan.text(self.plan_dimension, period)
        self._syncing = False
        self.plan_intro.value = _plan_intro_html(self.assessment, self.plan_dimension)
        self._autosave()

    def _on_change_plan_text(self, change: t.Bunch) -> None:
        if self._syncing:
            return
        period = next(p for p, box in self.plan_boxes.items() if box is change["owner"])
        self.plan = self.plan.write(self.plan_dimension, period, change["new"])

    # -- model -> view -------------------------------------------------------------------
    @t.observe("plan")
    def _on_change_plan(self, change: t.Bunch) -> None:
        self._autosave()

    @t.observe("assessment")
    def _on_change_assessment(self, change: t.Bunch) -> None:
        a = change["new"]
        left = a.unanswered_count
        self.progress.value = (f"<p><strong>You have answered {a.answered_count} of "
                               f"{a.statement_count} statements.</strong>"
                               + (f" {left} not answered yet.</p>" if left else "</p>"))
        if self._shown.changed("chart", _inputs(a)):
            # The sentence beside the chart is the chart's own description (the
            # summarise_self_assessment text), so the two always agree.
            chart = self_assessment_chart(a, self.cohort)
            redraw(self.chart, chart)
            self.summary.value = paragraph(chart.description)
        if self.plan_dimension:
            self.plan_intro.value = _plan_intro_html(a, self.plan_dimension)
        self._autosave()


def _inputs(assessment: SelfAssessment) -> tuple[object, ...]:
    """Return what the chart depends on: the answers to the statements in this form."""
    return tuple(assessment.form()["answer"].tolist())


def _tooltips(row: pd.Series) -> list[str]:
    return [
        "Leave this statement out of your scores",
        f"1: {row.get('anchor_1', '')}",
        "2: between 1 and 3",
        f"3: {row.get('anchor_3', '')}",
        "4: between 3 and 5",
        f"5: {row.get('anchor_5', '')}",
    ]


def _statement_html(label: str, row: pd.Series) -> str:
    anchors = "".join(
        f"<li><strong>{score}</strong>{suffix}: {html.escape(str(row.get(column, '')))}</li>"
        for score, suffix, column in ((1, " (transactional)", "anchor_1"), (3, "", "anchor_3"),
                                      (5, " (stewardship)", "anchor_5"))
        if str(row.get(column, "")).strip()
    )
    return (f"<p style='margin-bottom: 0'><strong>{html.escape(label)}.</strong> "
            f"{html.escape(str(row['statement']))}</p>"
            f"<ul style='margin-top: 0; max-width: 48em'>{anchors}</ul>")


def _plan_intro_html(assessment: SelfAssessment, dimension: str) -> str:
    weakest = assessment.weakest_dimensions(2)
    if weakest:
        advice = (f"Your weakest dimension{'s are' if len(weakest) > 1 else ' is'} "
                  f"{html.escape(', then '.join(weakest))}: start your plan there.")
    else:
        advice = "Answer some statements first to see where to start."
    focus = assessment.focus_statement(dimension)
    focus_text = (f" In {html.escape(dimension)}, your lowest-scored statement is: "
                  f"<em>{html.escape(focus)}</em>" if focus else "")
    return (f"<p>The Commissioning Academy asked each organisation for a 100-day plan. "
            f"{advice}{focus_text}</p>")


def _local(iso: str) -> str:
    when = dt.datetime.fromisoformat(iso).astimezone()
    return f"{when:%d %B %Y at %H:%M}"
