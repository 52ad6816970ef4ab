"""SituationSorter: sort case vignettes with Cynefin, then see what mis-routing costs."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w
import pandas as pd
import traitlets as t

from ..charts.cynefin import (
    agreement_chart,
    escalation_trend,
    route_comparison,
    sorting_matrix,
    summarise_agreement,
    summarise_escalation_trend,
    summarise_matrix,
    summarise_route_comparison,
)
from ..models.cynefin import (
    DOMAINS,
    FEATURES,
    MEASURES,
    MIXED,
    RESPONSES,
    STANDARD,
    EscalationModel,
    SortingExercise,
)
from ..store import LearnerStore
from ._views import SavedChoices, Shown, chart_view, paragraph, redraw

STATE_KEY = "tool:SituationSorter"
NOT_SORTED = ""
WEEKS = (4, 104)
_TIPS = {
    "clear": "Known cause and effect; a tested standard answer",
    "complicated": "A right answer that takes analysis or a specialist",
    "complex": "Cause and effect only clear afterwards; try small steps",
    "chaotic": "Act first to make people safe",
}


class SituationSorter(w.VBox):
    """Sort case vignettes into Cynefin domains, then run the escalation model.

    *Sort the cases*: one vignette at a time, with *Previous vignette* and *Next
    vignette* buttons; choose *Your domain* (Not sorted, Clear, Complicated,
    Complex or Chaotic) and see what the sorting rule and an experienced
    practitioner said, with charts of how often you agree.

    *What mis-routing costs*: sliders for *Complex cases* (share of new cases),
    *Personalised route* (share of complex cases sent to it in the mixed scenario)
    and *Weeks*, and a *Show over time* menu; the standard-route-only and mixed
    scenarios are charted side by side. Every chart has a sentence beside it.

    Parameters
    ----------
    vignettes : pandas.DataFrame
        Vignettes from :func:`compass_widgets.load_vignettes`.
    escalation : EscalationModel, optional
        The escalation model to start from (its other parameters stay as given);
        by default :class:`~compass_widgets.models.cynefin.EscalationModel()`.
    store : LearnerStore, optional
        Where to save the learner's choices; by default the learner's own store.
    module : str, optional
        Save the sorting, the vignette shown and the slider settings under this
        module as ``tool:SituationSorter`` whenever they change, and restore them
        when the widget is created again. Saved choices that do not fit are ignored.

    Examples
    --------
    >>> from compass_widgets.data.vignettes import load_vignettes
    >>> sorter = SituationSorter(load_vignettes())
    >>> sorter.domain_control.value = "clear"
    >>> sorter.exercise.sorted_count
    1
    >>> sorter.complex_control.value = 0.5
    >>> sorter.model.complex_share
    0.5
    """

    position = t.Int(0, help="Which vignette is shown, counted from 0.")
    domain = t.Unicode(NOT_SORTED, help="The learner's domain for the vignette shown, or ''.")
    complex_share = t.Float(0.25, help="Share of new cases that are complex (0 to 1).")
    personalised_share = t.Float(0.5, help="Share of complex cases on the personalised route.")
    weeks = t.Int(26, help="Weeks the escalation model runs for.")
    measure = t.Unicode("escalations", help="Weekly measure charted: one of MEASURES.")
    exercise = t.Instance(SortingExercise, help="The learner's sorting (read it, don't set it).")
    model = t.Instance(EscalationModel, help="The escalation model shown (read it, don't set it).")

    def __init__(
        self,
        vignettes: pd.DataFrame,
        escalation: EscalationModel | None = None,
        store: LearnerStore | None = None,
        module: str | None = None,
    ) -> None:
        self.module = module
        self.saved = SavedChoices(STATE_KEY, module, store)
        saved = self.saved.load()
        exercise, model, position, measure = _restore(
            SortingExercise(vignettes), escalation or EscalationModel(), saved)
        self._ready = False
        self._syncing = False
        self._shown = Shown()
        style = {"description_width": "10em"}

        # -- sorting -------------------------------------------------------------------
        self.previous_button = w.Button(description="Previous vignette", icon="arrow-left",
                                        tooltip="Show the previous vignette")
        self.next_button = w.Button(description="Next vignette", icon="arrow-right",
                                    tooltip="Show the next vignette")
        self.vignette_text = w.HTML()
        self.domain_control = w.ToggleButtons(
            options=[("Not sorted", NOT_SORTED), *((d.capitalize(), d) for d in DOMAINS)],
            description="Your domain", style={"description_width": "7em"},
            tooltips=["Leave this vignette unsorted", *(_TIPS[d] for d in DOMAINS)],
        )
        self.feedback = w.HTML()
        self.progress = w.HTML()
        self.agreement_chart = chart_view(agreement_chart(exercise))
        self.agreement_summary = w.HTML()
        self.matrix_chart = chart_view(sorting_matrix(exercise))
        self.matrix_summary = w.HTML()

        # -- escalation -------------------------------------------------------------------
        percent = {"readout_format": ".0%", "step": 0.05, "min": 0.0, "max": 1.0,
                   "style": style, "layout": w.Layout(width="30em")}
        self.complex_control = w.FloatSlider(value=model.complex_share,
                                             description="Complex cases", **percent)
        self.personalised_control = w.FloatSlider(value=model.personalised_share,
                                                  description="Personalised route", **percent)
        self.weeks_control = w.IntSlider(value=model.weeks, min=min(WEEKS[0], model.weeks),
                                         max=max(WEEKS[1], model.weeks), description="Weeks",
                                         style=style, layout=w.Layout(width="30em"))
        self.measure_control = w.Dropdown(options=[(label, key) for key, label in
                                                   MEASURES.items()],
                                          value=measure, description="Show over time",
                                          style=style)
        self.headline = w.HTML()
        self.trend_chart = chart_view(escalation_trend(model, measure))
        self.trend_summary = w.HTML()
        self.comparison_chart = chart_view(route_comparison(model))
        self.comparison_summary = w.HTML()

        wrap = w.Layout(flex_flow="row wrap")
        super().__init__([
            w.HTML("<h4>Sort the cases</h4><p>Read each vignette and choose the domain you "
                   "think it belongs to. Then see what the rule and an experienced "
                   "practitioner said.</p>"),
            w.HBox([self.previous_button, self.next_button]),
            self.vignette_text,
            self.domain_control,
            self.feedback,
            self.progress,
            w.HBox([w.VBox([self.agreement_chart, self.agreement_summary]),
                    w.VBox([self.matrix_chart, self.matrix_summary])], layout=wrap),
            w.HTML("<h4>What mis-routing costs</h4><p>Complex cases sent down a standard "
                   "route come back again and again, then escalate. Move the sliders to "
                   "compare the standard route only with mixed routes. All figures come "
                   "from illustrative assumptions.</p>"),
            w.VBox([self.complex_control, self.personalised_control, self.weeks_control,
                    self.measure_control]),
            self.headline,
            w.HBox([w.VBox([self.trend_chart, self.trend_summary]),
                    w.VBox([self.comparison_chart, self.comparison_summary])], layout=wrap),
        ])
        self.add_class("compass-situation-sorter")

        # Set the state first, then link the controls to it: a link's first sync goes from
        # this widget to the control, so restored choices are shown, never overwritten.
        self.exercise, self.model = exercise, model
        with self.hold_trait_notifications():
            self.complex_share = model.complex_share
            self.personalised_share = model.personalised_share
            self.weeks, self.measure = model.weeks, measure
        self.position = position
        self._on_change_position()
        t.link((self, "domain"), (self.domain_control, "value"))
        t.link((self, "complex_share"), (self.complex_control, "value"))
        t.link((self, "personalised_share"), (self.personalised_control, "value"))
        t.link((self, "weeks"), (self.weeks_control, "value"))
        t.link((self, "measure"), (self.measure_control, "value"))
        self.previous_button.on_click(lambda _: self.show(self.position - 1))
        self.next_button.on_click(lambda _: self.show(self.position + 1))
        self._ready = True

    def __repr__(self) -> str:
        totals = _totals(self.model)
        return (f"SituationSorter: {self.exercise.sorted_count} of {len(self.exercise.ids)} "
                f"vignettes sorted; escalations over {self.model.weeks} weeks "
                f"{totals[STANDARD]['escalations']:,.0f} (standard route only) against "
                f"{totals[MIXED]['escalations']:,.0f} (mixed routes)")

    # -- the vignette shown --------------------------------------------------------------
    @property
    def vignette_id(self) -> str:
        """The identifier of the vignette shown."""
        return self.exercise.ids[self.position]

    def show(self, position: int) -> None:
        """Show the vignette at ``position`` (counted from 0), if there is one."""
        if 0 <= position < len(self.exercise.ids):
            self.position = position

    @t.validate("position")
    def _valid_position(self, proposal: t.Bunch) -> int:
        value = int(proposal["value"])
        count = len(self.exercise.ids) if self.exercise is not None else 1
        if not 0 <= value < count:
            raise t.TraitError(f"position must be from 0 to {count - 1}, not {value}")
        return value

    @t.observe("position")
    def _on_change_position(self, change: t.Bunch | None = None) -> None:
        ids = self.exercise.ids
        self.previous_button.disabled = self.position == 0
        self.next_button.disabled = self.position == len(ids) - 1
        self.vignette_text.value = _vignette_html(self.exercise, self.position)
        self._syncing = True  # showing the saved answer is not a new answer
        self.domain = self.exercise.answers.get(self.vignette_id, NOT_SORTED)
        self._syncing = False
        self.feedback.value = _feedback_html(self.exercise, self.vignette_id)
        self._save()

    # -- reactions: controls -> model ------------------------------------------------------
    @t.validate("domain")
    def _valid_domain(self, proposal: t.Bunch) -> str:
        value = str(proposal["value"])
        if value != NOT_SORTED and value not in DOMAINS:
            raise t.TraitError(f"domain must be one of {', '.join(DOMAINS)} or '', not {value!r}")
        return value

    @t.observe("domain")
    def _on_change_domain(self, change: t.Bunch) -> None:
        if not self._syncing:
            self.sort(self.vignette_id, change["new"] or None)

    def sort(self, vignette_id: str, domain: str | None) -> None:
        """Sort ``vignette_id`` into ``domain`` (None to unsort it), as the learner would."""
        self.exercise = self.exercise.sort(vignette_id, domain)
        if vignette_id == self.vignette_id:
            self._syncing = True
            self.domain = domain or NOT_SORTED
            self._syncing = False

    @t.observe("complex_share", "personalised_share", "weeks")
    def _on_change_settings(self, change: t.Bunch) -> None:
        self.model = self.model.with_params(complex_share=float(self.complex_share),
                                            personalised_share=float(self.personalised_share),
                                            weeks=int(self.weeks))

    @t.validate("measure")
    def _valid_measure(self, proposal: t.Bunch) -> str:
        if proposal["value"] not in MEASURES:
            raise t.TraitError(f"measure must be one of {', '.join(MEASURES)}, "
                               f"not {proposal['value']!r}")
        return str(proposal["value"])

    @t.observe("measure")
    def _on_change_measure(self, change: t.Bunch) -> None:
        self._draw_model()

    # -- model -> view ----------------------------------------------------------------------
    @t.observe("exercise")
    def _on_change_exercise(self, change: t.Bunch) -> None:
        exercise = change["new"]
        self.feedback.value = _feedback_html(exercise, self.vignette_id)
        self.progress.value = (f"<p>You have sorted <strong>{exercise.sorted_count}</strong> of "
                               f"{len(exercise.ids)} vignettes.</p>")
        if self._shown.changed("sorting", tuple(sorted(exercise.answers.items()))):
            redraw(self.agreement_chart, agreement_chart(exercise))
            self.agreement_summary.value = paragraph(summarise_agreement(exercise))
            redraw(self.matrix_chart, sorting_matrix(exercise))
            self.matrix_summary.value = paragraph(summarise_matrix(exercise))
        self._save()

    @t.observe("model")
    def _on_change_model(self, change: t.Bunch) -> None:
        self._draw_model()

    def _draw_model(self) -> None:
        model = self.model
        totals = _totals(model)
        standard, mixed = totals[STANDARD], totals[MIXED]
        self.headline.value = (
            f"<p>Over {model.weeks} weeks: <strong>{standard['escalations']:,.0f}</strong> "
            f"escalations and <strong>£{standard['cost']:,.0f}</strong> with the standard route "
            f"only; <strong>{mixed['escalations']:,.0f}</strong> escalations and "
            f"<strong>£{mixed['cost']:,.0f}</strong> with mixed routes. (Illustrative "
            "assumptions.)</p>"
        )
        settings = (model.complex_share, model.personalised_share, model.weeks)
        # The measure menu changes the trend only; the sliders change both charts.
        if self._shown.changed("trend", (*settings, self.measure)):
            redraw(self.trend_chart, escalation_trend(model, self.measure))
            self.trend_summary.value = paragraph(summarise_escalation_trend(model, self.measure))
        if self._shown.changed("comparison", settings):
            redraw(self.comparison_chart, route_comparison(model))
            self.comparison_summary.value = paragraph(summarise_route_comparison(model))
        self._save()

    def _save(self) -> None:
        if not self._ready:
            return
        self.saved.save({
            "answers": dict(self.exercise.answers),
            "position": self.position,
            "complex_share": self.model.complex_share,
            "personalised_share": self.model.personalised_share,
            "weeks": self.model.weeks,
            "measure": self.measure,
        })


def _totals(model: EscalationModel) -> dict[str, dict[str, float]]:
    """Return the model's totals as ``{scenario: {measure: value}}``."""
    return {str(scenario): {str(k): float(v) for k, v in row.items()}
            for scenario, row in model.totals().to_dict("index").items()}


def _restore(
    exercise: SortingExercise, model: EscalationModel, saved: dict[str, Any]
) -> tuple[SortingExercise, EscalationModel, int, str]:
    """Apply saved choices that fit these data; ignore the rest."""
    ids = set(exercise.ids)
    answers = saved.get("answers")
    for vignette_id, domain in (answers.items() if isinstance(answers, dict) else ()):
        if vignette_id in ids and domain in DOMAINS:
            exercise = exercise.sort(vignette_id, domain)
    changes: dict[str, Any] = {}
    for name in ("complex_share", "personalised_share"):
        value = saved.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1:
            changes[name] = float(value)
    weeks = saved.get("weeks")
    if isinstance(weeks, int) and not isinstance(weeks, bool) and WEEKS[0] <= weeks <= WEEKS[1]:
        changes["weeks"] = weeks
    position = saved.get("position")
    if not (isinstance(position, int) and 0 <= position < len(exercise.ids)):
        position = 0
    measure = saved.get("measure")
    return (exercise, model.with_params(**changes) if changes else model, position,
            measure if measure in MEASURES else "escalations")


def _vignette_html(exercise: SortingExercise, position: int) -> str:
    row = exercise.vignettes.iloc[position]
    place = " · ".join(html.escape(str(row[c])) for c in ("neighbourhood", "service")
                       if c in row.index)
    return (
        f"<p><strong>Vignette {position + 1} of {len(exercise.ids)}</strong>"
        f"{' · ' + place if place else ''}</p>"
        f"<blockquote style='max-width: 40em; font-size: 1.1em'>"
        f"{html.escape(str(row.get('vignette', row['vignette_id'])))}</blockquote>"
    )


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def _feedback_html(exercise: SortingExercise, vignette_id: str) -> str:
    mine = exercise.answers.get(vignette_id)
    if not mine:
        return ("<p>Choose a domain to see what the rule and an experienced practitioner "
                "said.</p>")
    row = exercise.vignettes[exercise.vignettes["vignette_id"] == vignette_id].iloc[0]
    step = exercise.explain(vignette_id)
    theirs = str(row["practitioner_domain"])
    note = f" {html.escape(str(row['practitioner_note']))}" if "practitioner_note" in row else ""
    verdict = "You agree with the practitioner." if mine == theirs else \
        "You and the practitioner differ: whose reasons convince you more?"
    features = "; ".join(f"{html.escape(label)}: {_yes_no(bool(row[name]))}"
                         for name, label in FEATURES.items())
    return (
        f"<p>You said <strong>{mine}</strong> ({RESPONSES[mine]}).</p>"
        f"<p>The rule says <strong>{step.domain}</strong>, at step {step.number}: "
        f"{html.escape(step.when)}; {html.escape(step.why)}.</p>"
        f"<p>An experienced practitioner said <strong>{html.escape(theirs)}</strong>.{note}</p>"
        f"<p><strong>{verdict}</strong></p>"
        f"<p style='font-size: 0.9em'>The features the rule used: {features}.</p>"
    )
