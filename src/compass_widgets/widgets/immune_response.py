"""ImmuneResponse: try the conditions under which a relational pilot survives the system."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w
import traitlets as t

from ..charts.immune_response import (
    room_trend,
    setting_leverage,
    summarise_assurance,
    summarise_influence,
    summarise_leverage,
    summarise_outcome,
    summarise_room,
)
from ..models.immune_response import SETTING_LABELS, SETTINGS, ImmuneResponseModel
from ..store import LearnerStore
from ._views import SavedChoices, Shown, chart_view, paragraph, redraw

STATE_KEY = "tool:ImmuneResponse"

#: What each slider means, shown as its tooltip.
_TOOLTIPS = {
    "audit_intensity": "How much of the pilot's work is inspected and reported: 0 none, 1 all",
    "target_rigidity": "How tightly the pilot is held to targets fixed in advance: 0 not at "
                       "all, 1 completely",
    "risk_appetite": "How much risk the organisation will carry when something goes wrong: "
                     "0 none, 1 a lot",
    "delegated_authority": "How much authority is handed to the front line and the community: "
                           "0 none, 1 all it needs",
}


class ImmuneResponse(w.VBox):
    """Set audit, targets, risk appetite and authority, and see whether a relational pilot survives.

    Controls (each labelled for screen readers and usable with the keyboard): four
    sliders from 0 to 1, *Audit intensity*, *Target rigidity*, *Risk appetite* and
    *Delegated authority*; *Pin for comparison* keeps the current settings as a dashed
    line, and *Clear pinned* removes it. A sentence above the charts says whether and
    when the pilot survives, and which setting matters most, and another how much
    assurance the board has, from audit and from the pilot's evidence; beside each
    chart a sentence says what it shows. The model is an illustrative teaching model, not a
    forecast (see :class:`~compass_widgets.models.immune_response.ImmuneResponseModel`).

    Parameters
    ----------
    model : ImmuneResponseModel, optional
        The starting settings (and the model's other assumptions); by default a typical
        system: heavy audit, rigid targets, a low risk appetite, little authority.
    store : LearnerStore, optional
        Where to save the learner's choices; by default the learner's own store.
    module : str, optional
        Save the choices (the four settings and any pinned settings) under this module
        as ``tool:ImmuneResponse`` whenever they change, and restore them when the tool
        is created again. Saved values that do not fit (outside 0 to 1) are ignored.

    Examples
    --------
    >>> tool = ImmuneResponse()
    >>> tool.model.outcome().survived
    False
    >>> tool.delegated_authority_control.value = 0.8
    >>> tool.model.outcome().survived
    True
    """

    audit_intensity = t.Float(0.7, help="Audit intensity, from 0 to 1.")
    target_rigidity = t.Float(0.7, help="Target rigidity, from 0 to 1.")
    risk_appetite = t.Float(0.3, help="Risk appetite, from 0 to 1.")
    delegated_authority = t.Float(0.3, help="Delegated authority, from 0 to 1.")
    model = t.Instance(ImmuneResponseModel, help="The model shown (read it, don't set it).")
    pinned = t.Instance(ImmuneResponseModel, allow_none=True,
                        help="Settings kept for comparison, or None.")

    def __init__(
        self,
        model: ImmuneResponseModel | None = None,
        store: LearnerStore | None = None,
        module: str | None = None,
    ) -> None:
        self.module = module
        self.saved = SavedChoices(STATE_KEY, module, store)
        saved = self.saved.load()
        base = model or ImmuneResponseModel()
        base, pinned = _restore(base, saved)
        style = {"description_width": "10em"}
        self.controls = {
            name: w.FloatSlider(
                value=getattr(base, name), min=0, max=1, step=0.05, readout_format=".2f",
                continuous_update=False, description=SETTING_LABELS[name].capitalize(),
                tooltip=_TOOLTIPS[name], style=style, layout=w.Layout(width="30em"),
            )
            for name in SETTINGS
        }
        self.audit_intensity_control = self.controls["audit_intensity"]
        self.target_rigidity_control = self.controls["target_rigidity"]
        self.risk_appetite_control = self.controls["risk_appetite"]
        self.delegated_authority_control = self.controls["delegated_authority"]
        self.pin_button = w.Button(description="Pin for comparison", icon="thumb-tack",
                                   tooltip="Keep these settings as a dashed line to compare "
                                           "with the next ones you try")
        self.clear_button = w.Button(description="Clear pinned",
                                     tooltip="Remove the pinned settings from the chart")
        self.headline = w.HTML()
        self.room_chart = chart_view(room_trend(base, pinned))
        self.room_summary = w.HTML()
        self.leverage_chart = chart_view(setting_leverage(base))
        self.leverage_summary = w.HTML()
        super().__init__([
            w.VBox([w.HTML("<strong>The system's settings</strong>"), *self.controls.values(),
                    w.HBox([self.pin_button, self.clear_button])]),
            self.headline,
            # The second chart wraps under the first when the notebook is narrow.
            w.HBox([w.VBox([self.room_chart, self.room_summary]),
                    w.VBox([self.leverage_chart, self.leverage_summary])],
                   layout=w.Layout(flex_flow="row wrap")),
        ])
        self.add_class("compass-immune-response")
        self._shown = Shown()
        self._ready = False  # until every trait is set: showing saved choices is not a save
        for name in SETTINGS:
            setattr(self, name, getattr(base, name))
        self.pinned = pinned
        self.model = base
        self._ready = True
        self._show()
        for name, control in self.controls.items():
            t.link((control, "value"), (self, name))
        self.pin_button.on_click(lambda _: self.pin())
        self.clear_button.on_click(lambda _: self.clear_pinned())

    def __repr__(self) -> str:
        m, outcome = self.model, self.model.outcome()
        result = ("the pilot survives" if outcome.survived
                  else f"the pilot is rejected in month {outcome.rejected_month}")
        settings = ", ".join(f"{SETTING_LABELS[n]} {v:.2f}" for n, v in m.settings.items())
        return f"ImmuneResponse({settings}): {result}"

    # -- actions -------------------------------------------------------------------
    def pin(self) -> None:
        """Keep the current settings as a dashed line to compare the next ones with."""
        self.pinned = self.model

    def clear_pinned(self) -> None:
        """Remove the pinned settings."""
        self.pinned = None

    # -- reactions: controls -> model --------------------------------------------
    @t.validate(*SETTINGS)
    def _valid_setting(self, proposal: t.Bunch) -> float:
        value = float(proposal["value"])
        if not 0 <= value <= 1:
            name = SETTING_LABELS[proposal["trait"].name]
            raise t.TraitError(f"{name} must be from 0 to 1, not {value}")
        return value

    @t.observe(*SETTINGS)
    def _on_change_setting(self, change: t.Bunch) -> None:
        if getattr(self, "_ready", False) and getattr(self.model, change["name"]) != change["new"]:
            self.model = self.model.with_settings(**{change["name"]: change["new"]})

    # -- model -> view -------------------------------------------------------------
    @t.observe("model", "pinned")
    def _on_change_model(self, change: t.Bunch) -> None:
        if getattr(self, "_ready", False):
            self._show()
            self._save()

    def _show(self) -> None:
        m, pinned = self.model, self.pinned
        settings = tuple(m.settings.values())
        pinned_settings = None if pinned is None else tuple(pinned.settings.values())
        self.headline.value = (
            f"<p><strong>{html.escape(summarise_outcome(m))}</strong> "
            f"{html.escape(summarise_influence(m))}</p>"
            f"<p>{html.escape(summarise_assurance(m))}</p>"
        )
        # Redraw a view only when what it shows has changed: pinning leaves the
        # leverage chart as it is.
        if self._shown.changed("room", (settings, pinned_settings)):
            redraw(self.room_chart, room_trend(m, pinned))
            self.room_summary.value = paragraph(summarise_room(m, pinned))
        if self._shown.changed("leverage", settings):
            redraw(self.leverage_chart, setting_leverage(m))
            self.leverage_summary.value = paragraph(summarise_leverage(m))
        self.clear_button.disabled = pinned is None

    def _save(self) -> None:
        self.saved.save({
            "settings": self.model.settings,
            "pinned": None if self.pinned is None else self.pinned.settings,
        })


def _settings(saved: Any) -> dict[str, float]:
    """Keep the saved settings that fit (numbers from 0 to 1); leave out the rest."""
    if not isinstance(saved, dict):
        return {}
    return {name: float(value) for name, value in saved.items()
            if name in SETTINGS and isinstance(value, int | float)
            and not isinstance(value, bool) and 0 <= value <= 1}


def _restore(base: ImmuneResponseModel,
             saved: dict[str, Any]) -> tuple[ImmuneResponseModel, ImmuneResponseModel | None]:
    """Apply saved choices that fit; ignore the rest."""
    model = base.with_settings(**_settings(saved.get("settings")))
    pinned_saved = _settings(saved.get("pinned"))
    pinned = base.with_settings(**pinned_saved) if len(pinned_saved) == len(SETTINGS) else None
    return model, pinned
