"""RouteChooser: answer plain questions about a situation and see the route to commission by."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w
import pandas as pd
import traitlets as t

from ..charts.routes import route_path, summarise_route
from ..models.routes import (
    ALLIANCE,
    DISCLAIMER,
    QUESTION_KEYS,
    QUESTIONS,
    ROUTES,
    CommissioningAnswers,
    RouteAdvice,
)
from ..store import LearnerStore
from ._views import SavedChoices, Shown, chart_view, paragraph, redraw

STATE_KEY = "tool:RouteChooser"
OWN = ""  # the situation value meaning "my own answers"
_DEFAULTS = CommissioningAnswers().as_dict()


class RouteChooser(w.VBox):
    """Answer yes/no questions about a situation and see the route, the reasons and trade-offs.

    A learning aid, not legal advice. Controls (each labelled for screen readers
    and usable with the keyboard): a *Situation* menu that loads one of the
    situations with its answers, and one *Yes/No* toggle per question (*A grant?*,
    *Health care (PSR)?*, *Only the existing provider?*, *Patients choose?*,
    *Existing provider doing well?*, *Most suitable provider known?*, *An
    alliance?*, *Above the threshold?*, *Clear requirement?*), each with the full
    question beside it. The route, the reasons, what it gains and costs, and a chart
    of the path through the questions (with a sentence beside it) update at once.

    Parameters
    ----------
    situations : pandas.DataFrame, optional
        Situations from :func:`compass_widgets.load_situations`, offered in the
        *Situation* menu; by default the shipped ones.
    store : LearnerStore, optional
        Where to save the learner's answers; by default the learner's own store.
    module : str, optional
        Save the answers and the situation chosen under this module as
        ``tool:RouteChooser`` whenever they change, and restore them when the widget
        is created again. Saved answers that do not fit are ignored.

    Examples
    --------
    >>> chooser = RouteChooser()
    >>> chooser.controls["health_care"].value = True
    >>> chooser.controls["existing_doing_well"].value = True
    >>> chooser.advice.route.name
    'Direct Award Process C'
    """

    is_grant = t.Bool(_DEFAULTS["is_grant"], help="A grant, buying nothing specific?")
    health_care = t.Bool(_DEFAULTS["health_care"], help="A health care service under the PSR?")
    only_existing_provider = t.Bool(_DEFAULTS["only_existing_provider"],
                                    help="Only the existing provider can realistically do it?")
    patient_choice = t.Bool(_DEFAULTS["patient_choice"],
                            help="Patients choose from every qualifying provider?")
    existing_doing_well = t.Bool(_DEFAULTS["existing_doing_well"],
                                 help="Existing provider doing well, service not changing much?")
    suitable_provider_known = t.Bool(_DEFAULTS["suitable_provider_known"],
                                     help="Most suitable provider identifiable without a contest?")
    alliance = t.Bool(_DEFAULTS["alliance"], help="Several organisations working as one?")
    above_threshold = t.Bool(_DEFAULTS["above_threshold"],
                             help="Value, with VAT, at or above the threshold?")
    clear_requirement = t.Bool(_DEFAULTS["clear_requirement"],
                               help="Requirement clear enough to specify in advance?")
    situation = t.Unicode(OWN, help="The situation loaded (its situation_id), or '' for none.")
    advice = t.Instance(RouteAdvice, help="The advice shown (read it, don't set it).")

    def __init__(
        self,
        situations: pd.DataFrame | None = None,
        store: LearnerStore | None = None,
        module: str | None = None,
    ) -> None:
        if situations is None:
            from ..data.situations import load_situations

            situations = load_situations()
        if "situation_id" not in situations.columns:
            raise ValueError("the situations need a situation_id column; load them with "
                             "load_situations()")
        if not situations["situation_id"].is_unique:
            raise ValueError("each situation needs its own situation_id; some are repeated")
        self.situations = situations.set_index("situation_id", drop=False)
        self.module = module
        self.saved = SavedChoices(STATE_KEY, module, store)
        saved = self.saved.load()
        answers, situation = _restore(saved, set(self.situations.index))
        self._ready = False
        self._loading = False
        self._shown = Shown()

        ids = [str(sid) for sid in self.situations.index]
        titles = ([str(title) for title in self.situations["title"]]
                  if "title" in self.situations.columns else ids)
        self.situation_control = w.Dropdown(
            options=[("Your own answers", OWN),
                     *((f"{sid}: {title}", sid) for sid, title in zip(ids, titles, strict=True))],
            description="Situation", style={"description_width": "6em"},
            layout=w.Layout(width="40em"))
        self.situation_text = w.HTML()
        self.controls: dict[str, w.ToggleButtons] = {}
        rows = []
        for question in QUESTIONS:
            control = w.ToggleButtons(
                options=[("Yes", True), ("No", False)], description=question.label,
                tooltips=[f"Yes: {question.text}", f"No: {question.text}"],
                style={"description_width": "15em", "button_width": "4em"})
            self.controls[question.key] = control
            rows.append(w.VBox([
                w.HTML(f"<p style='margin-bottom: 0'><strong>{html.escape(question.text)}"
                       f"</strong><br><span style='font-size: 0.9em'>"
                       f"{html.escape(question.help)}</span></p>"),
                control,
            ]))
        self.route_text = w.HTML()
        self.path_chart = chart_view(route_path(answers.advise()))
        self.path_summary = w.HTML()
        super().__init__([
            w.HTML(f"<p><em>{html.escape(DISCLAIMER)}</em></p>"),
            self.situation_control,
            self.situation_text,
            w.HTML("<h4>Answer the questions</h4>"),
            *rows,
            self.route_text,
            w.VBox([self.path_chart, self.path_summary]),
        ])
        self.add_class("compass-route-chooser")

        # Set the state first, then link: a link's first sync goes from this widget to the
        # control, so restored answers are shown, never overwritten.
        self._set_answers(answers)
        self.advice = answers.advise()
        self.situation = situation
        self._show_situation()
        for key, control in self.controls.items():
            t.link((self, key), (control, "value"))
        t.link((self, "situation"), (self.situation_control, "value"))
        self._ready = True

    def __repr__(self) -> str:
        return f"RouteChooser: {self.advice.name} ({DISCLAIMER.split('.')[0].lower()})"

    # -- reactions: controls -> model ----------------------------------------------------
    @property
    def answers(self) -> CommissioningAnswers:
        """The answers as they stand."""
        return CommissioningAnswers(**{key: bool(getattr(self, key)) for key in QUESTION_KEYS})

    def _set_answers(self, answers: CommissioningAnswers) -> None:
        self._loading = True  # one new piece of advice for the lot, not one per answer
        try:
            for key, value in answers.as_dict().items():
                setattr(self, key, value)
        finally:
            self._loading = False

    @t.observe(*QUESTION_KEYS)
    def _on_change_answers(self, change: t.Bunch) -> None:
        if not self._loading:
            # An answer that does not matter for the route leaves the advice equal, so
            # traitlets sends no change for it; the situation note and the save still do.
            self.advice = self.answers.advise()
            self._show_situation()
            self._save()

    @t.validate("situation")
    def _valid_situation(self, proposal: t.Bunch) -> str:
        value = str(proposal["value"])
        if value != OWN and value not in self.situations.index:
            raise t.TraitError(f"situation {value!r} is not one of the situations: "
                               f"{', '.join(self.situations.index)}")
        return value

    @t.observe("situation")
    def _on_change_situation(self, change: t.Bunch) -> None:
        if change["new"] != OWN and self._ready:
            self.load(change["new"])
        else:
            self._show_situation()
            self._save()

    def load(self, situation_id: str) -> None:
        """Load a situation's answers, as choosing it from the *Situation* menu does."""
        row = self.situations.loc[situation_id]
        self.situation = situation_id
        self._set_answers(_answers(row))
        self.advice = self.answers.advise()
        self._show_situation()
        self._save()

    # -- model -> view ---------------------------------------------------------------------
    @t.observe("advice")
    def _on_change_advice(self, change: t.Bunch) -> None:
        advice = change["new"]
        self.route_text.value = _advice_html(advice)
        if self._shown.changed("path", tuple((s.key, s.answer) for s in advice.steps)):
            redraw(self.path_chart, route_path(advice))
            self.path_summary.value = paragraph(summarise_route(advice))

    def _show_situation(self) -> None:
        if self.situation == OWN:
            self.situation_text.value = ("<p>Answer the questions for a situation of your own, "
                                         "or load one of Ashworth's from the menu.</p>")
            return
        row = self.situations.loc[self.situation]
        text = (f"<p><strong>{html.escape(str(row.get('title', self.situation)))}</strong> "
                f"({html.escape(str(row.get('neighbourhood', '')))}): "
                f"{html.escape(str(row.get('description', '')))}</p>")
        theirs = _answers(row)
        if theirs != self.answers:
            changed = [q.label for q in QUESTIONS
                       if getattr(theirs, q.key) != getattr(self.answers, q.key)]
            text += (f"<p>You have changed {len(changed)} answer{'s' if len(changed) > 1 else ''}"
                     f" from this situation's ({html.escape(', '.join(changed))}), so the "
                     "experienced commissioner's choice is hidden.</p>")
        elif "commissioner_route" in row:
            chosen = ROUTES[str(row["commissioner_route"])].name
            if bool(row.get("commissioner_alliance", False)):
                chosen = f"{ALLIANCE.name}, with the partners chosen by: {chosen}"
            verdict = "The tool agrees." if chosen == self.advice.name else \
                "The tool differs: whose reasons convince you more?"
            text += (f"<p>An experienced commissioner chose <strong>{html.escape(chosen)}"
                     f"</strong>. {html.escape(str(row.get('commissioner_note', '')))} "
                     f"<strong>{verdict}</strong></p>")
        self.situation_text.value = text

    def _save(self) -> None:
        if self._ready:
            self.saved.save({"answers": self.answers.as_dict(), "situation": self.situation})


def _answers(row: pd.Series | pd.DataFrame) -> CommissioningAnswers:
    """Return a situation's answers from its row (situation ids are unique: one row)."""
    return CommissioningAnswers.from_mapping({key: bool(row[key]) for key in QUESTION_KEYS})


def _restore(saved: dict[str, Any], situations: set[str]) -> tuple[CommissioningAnswers, str]:
    """Apply saved answers that fit; ignore the rest."""
    answers = CommissioningAnswers()
    stored = saved.get("answers")
    for key, value in (stored.items() if isinstance(stored, dict) else ()):
        if key in QUESTION_KEYS and isinstance(value, bool):
            answers = answers.answer(key, value)
    situation = saved.get("situation")
    return answers, situation if situation in situations else OWN


def _items(texts: tuple[str, ...]) -> str:
    return "".join(f"<li>{html.escape(text)}</li>" for text in texts)


def _advice_html(advice: RouteAdvice) -> str:
    cautions = (f"<p><strong>Check:</strong> {html.escape(' '.join(advice.cautions))}</p>"
                if advice.cautions else "")
    alliance = (f"<p>{html.escape(ALLIANCE.what)}</p>" if advice.alliance else "")
    return (
        f"<h4>Route: {html.escape(advice.name)}</h4>"
        f"<p>{html.escape(advice.route.what)} <em>({html.escape(advice.route.regime)})</em></p>"
        f"{alliance}{cautions}"
        f"<p><strong>Why:</strong></p><ul>{_items(advice.reasons)}</ul>"
        f"<p><strong>What you gain:</strong></p><ul>{_items(advice.gains)}</ul>"
        f"<p><strong>What it costs you:</strong></p><ul>{_items(advice.costs)}</ul>"
        f"<p><em>{html.escape(DISCLAIMER)}</em></p>"
    )
