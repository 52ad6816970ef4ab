"""ProcessAudit: score a service process, step by step, against six trauma-informed principles."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w
import pandas as pd
import traitlets as t

from ..charts.process_audit import audit_heatmap, principle_chart
from ..data.process_steps import PRINCIPLE_IDS, load_process_steps
from ..models.process_audit import PRINCIPLE_LABELS, SCORE_MEANINGS, TraumaInformedAudit
from ..store import LearnerStore
from ._views import SavedChoices, Shown, chart_view, paragraph, redraw

STORE_KEY = "tool:ProcessAudit"
_SCORES = [(f"{score}: {meaning}", score) for score, meaning in SCORE_MEANINGS.items()]


class ProcessAudit(w.VBox):
    """Pick a step of a service process, score it against each principle, and see the audit move.

    Controls (each labelled for screen readers and usable with the keyboard):
    *Step* picks the step to score; six sliders, one per principle (*Safety*,
    *Trust*, *Choice*, *Collaboration*, *Empowerment*, *Cultural consideration*),
    score it from 0 (not at all) to 3 (fully); *Reset this step* puts back its
    starting scores. A heat table shows every score as a number, with steps at risk
    of re-traumatising marked; a bar chart shows each principle's average. Beside
    each chart a sentence says what it shows.

    Parameters
    ----------
    steps : pandas.DataFrame, optional
        A process from :func:`compass_widgets.load_process_steps`; by default the
        course's synthetic Ashworth process.
    store : LearnerStore, optional
        Where to save the learner's scores; by default the learner's own store.
    module : str, optional
        The module the tool is used in, such as ``"06"``. When given, every change
        is saved under ``tool:ProcessAudit`` in that module and restored next time.

    Examples
    --------
    >>> audit = ProcessAudit()
    >>> audit.step = "Telling your story"
    >>> audit.score_controls["safety"].value = 2
    >>> audit.audit.step_scores("Telling your story")["safety"]
    2
    """

    step = t.Unicode(help="The name of the step being scored.")
    audit = t.Instance(TraumaInformedAudit, help="The audit shown (read it, don't set it).")

    def __init__(
        self,
        steps: pd.DataFrame | None = None,
        store: LearnerStore | None = None,
        module: str | None = None,
    ) -> None:
        base = TraumaInformedAudit(load_process_steps() if steps is None else steps)
        self.module = module
        self.saved = SavedChoices(STORE_KEY, module, store)
        base, first = self._restore(base)
        style = {"description_width": "11em"}
        self.step_control = w.Dropdown(
            options=[(f"{base.details(name)['step']}. {name}", name) for name in base.step_names],
            value=first, description="Step", style=style, layout=w.Layout(width="34em"),
        )
        self.score_controls = {
            principle: w.SelectionSlider(
                options=_SCORES, value=0, description=PRINCIPLE_LABELS[principle],
                continuous_update=False, style=style, layout=w.Layout(width="30em"),
            )
            for principle in PRINCIPLE_IDS
        }
        self.reset_button = w.Button(description="Reset this step",
                                     tooltip="Put back this step's starting scores")
        self.step_card = w.HTML()
        self.headline = w.HTML()
        heat, bars = audit_heatmap(base), principle_chart(base)
        self.heat_chart = chart_view(heat)
        self.heat_summary = w.HTML(paragraph(heat.description))
        self.principle_chart = chart_view(bars)
        self.principle_summary = w.HTML(paragraph(bars.description))
        scoring = w.VBox([w.HTML("<strong>Score the step</strong> (0 not at all, 1 a little, "
                                 "2 mostly, 3 fully)"),
                          self.step_control, *self.score_controls.values(), self.reset_button])
        super().__init__([
            w.HBox([scoring, self.step_card], layout=w.Layout(flex_flow="row wrap")),
            self.headline,
            # The second chart wraps under the first when the notebook is narrow.
            w.HBox([w.VBox([self.heat_chart, self.heat_summary]),
                    w.VBox([self.principle_chart, self.principle_summary])],
                   layout=w.Layout(flex_flow="row wrap")),
        ])
        self.add_class("compass-process-audit")
        self._syncing = False
        self._ready = False  # showing the saved state again is not a change to save
        self._shown = Shown()
        self._shown.changed("charts", _inputs(base))  # the charts above already show it
        self.audit = base
        t.link((self.step_control, "value"), (self, "step"))
        for control in self.score_controls.values():
            control.observe(self._on_change_score, "value")
        self.reset_button.on_click(lambda _: self.reset_step())
        self._ready = True

    def __repr__(self) -> str:
        a = self.audit
        risky, steps = len(a.at_risk_steps()), len(a.step_names)
        return (f"ProcessAudit(step={self.step!r}): average {a.summary_score():.1f} of 3, "
                f"weakest principle {PRINCIPLE_LABELS[a.weakest_principle()]}, "
                f"{risky} of {steps} steps at risk")

    # -- saving --------------------------------------------------------------------------
    def _restore(self, base: TraumaInformedAudit) -> tuple[TraumaInformedAudit, str]:
        """Return the audit with the learner's saved scores, and the step they were on."""
        first = base.step_names[0]
        saved = self.saved.load()
        if not saved:
            return base, first
        scores = saved.get("scores")
        for step, changes in (scores.items() if isinstance(scores, dict) else []):
            if not isinstance(changes, dict):
                continue
            for principle, score in changes.items():
                try:  # a saved score that no longer fits the process is left out
                    base = base.rescore(step, principle, score)
                except ValueError:
                    continue
        step = saved.get("step")
        return base, step if step in base.step_names else first

    def _save(self) -> None:
        if self._ready:
            self.saved.save(self.state())

    def state(self) -> dict[str, Any]:
        """Return the learner's choices as JSON-able data: the step shown and changed scores."""
        return {"step": self.step, "scores": self.audit.changed()}

    # -- reactions: controls -> model ----------------------------------------------------
    @t.validate("step")
    def _valid_step(self, proposal: t.Bunch) -> str:
        value = proposal["value"]
        if value not in self.audit.step_names:
            raise t.TraitError(f"{value!r} is not a step of this process; choose one of "
                               f"{', '.join(self.audit.step_names)}")
        return str(value)

    @t.observe("step")
    def _on_change_step(self, change: t.Bunch) -> None:
        self._show_step()
        self._save()

    def _on_change_score(self, change: t.Bunch) -> None:
        if self._syncing:
            return
        principle = next(p for p, c in self.score_controls.items() if c is change["owner"])
        self.audit = self.audit.rescore(self.step, principle, change["new"])

    def reset_step(self) -> None:
        """Put back the starting scores of the step shown."""
        self.audit = self.audit.reset(self.step)
        self._show_step()

    # -- model -> view -------------------------------------------------------------------
    def _show_step(self) -> None:
        """Show the chosen step's scores on the sliders, and its details."""
        self._syncing = True
        for principle, score in self.audit.step_scores(self.step).items():
            self.score_controls[principle].value = score
        self._syncing = False
        self.step_card.value = _step_html(self.audit, self.step)

    @t.observe("audit")
    def _on_change_audit(self, change: t.Bunch) -> None:
        a = change["new"]
        self.headline.value = _headline_html(a)
        self.step_card.value = _step_html(a, self.step) if self.step else ""
        # Both charts show every score: redraw them only when a score has changed
        # (choosing a score a step already has changes nothing).
        if self._shown.changed("charts", _inputs(a)):
            # Each sentence beside a chart is the chart's own description (the
            # summarise_* text), so the two always agree and are worked out once.
            heat, bars = audit_heatmap(a), principle_chart(a)
            redraw(self.heat_chart, heat)
            self.heat_summary.value = paragraph(heat.description)
            redraw(self.principle_chart, bars)
            self.principle_summary.value = paragraph(bars.description)
        self._save()


def _inputs(audit: TraumaInformedAudit) -> tuple[object, ...]:
    """Return what the charts depend on: every score, and the threshold of the risk rule."""
    return (tuple(audit.scores().to_numpy().ravel().tolist()), audit.low_score)


def _headline_html(audit: TraumaInformedAudit) -> str:
    risky = audit.at_risk_steps()
    weakest = PRINCIPLE_LABELS[audit.weakest_principle()]
    at_risk = ("<p>No step is at risk of re-traumatising people.</p>" if not risky else
               f"<p><strong>At risk of re-traumatising ({len(risky)} of "
               f"{len(audit.step_names)} steps):</strong></p><ul>"
               + "".join(f"<li>{html.escape(step)}</li>" for step in risky) + "</ul>")
    return (f"<p><strong>Average score: {audit.summary_score():.1f} out of 3</strong> "
            f"({audit.summary_share():.0%} of the best possible). "
            f"<strong>Weakest principle: {html.escape(weakest)}.</strong></p>{at_risk}")


def _step_html(audit: TraumaInformedAudit, step: str) -> str:
    info = audit.details(step)
    weakest = audit.weakest_by_step().to_dict("index")[step]
    risk = audit.risks().to_dict("index")[step]
    lines = [f"<h4>{info['step']}. {html.escape(step)}</h4>"]
    if info["description"]:
        lines.append(f"<p>{html.escape(info['description'])}</p>")
    if info["who"]:
        lines.append(f"<p><strong>Who does it:</strong> {html.escape(info['who'])}</p>")
    for title, items in (("What can echo past harm", info["risks"]), ("What helps", info["helps"])):
        said = "; ".join(f"the person {html.escape(item)}" for item in items) or "nothing noted"
        lines.append(f"<p><strong>{title}:</strong> {said}.</p>")
    lines.append(f"<p><strong>Weakest principle here:</strong> {html.escape(weakest['label'])} "
                 f"(scored {int(weakest['score'])}).</p>")
    verdict = (f"<strong>At risk of re-traumatising:</strong> yes, because "
               f"{html.escape(risk['reasons'])}." if risk["at_risk"]
               else "<strong>At risk of re-traumatising:</strong> no.")
    lines.append(f"<p>{verdict}</p>")
    return f"<div style='max-width: 30em'>{''.join(lines)}</div>"
