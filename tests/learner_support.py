"""Fill a learner store as the course notebooks do: real widgets, changed as a browser would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from compass_widgets.store import LearnerStore

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "course"

#: Module 02's self-checks: (key, question, correct answer, a wrong answer).
CHECKS_02 = {
    "missed-bin": ("Failure demand", "Value demand"),
    "forecast": ("What share of these calls is failure demand, and what causes it?",
                 "Can the extra staff start before the winter peak?"),
    "highest-share": ("Waste and recycling", "Housing repairs"),
    "listen": ("Codes record what a contact is about, not whether it was caused by a failure",
               "Listening is cheaper than analysing codes"),
}
HOSTILE = "<script>alert('x')</script> & <b>bold</b> \"quoted\""


def answer_check(store: LearnerStore, module: str, key: str, right: str, wrong: str,
                 correct: bool) -> Any:
    """Answer a self-check as a learner would: choose an option, press *Check answer*."""
    from compass_widgets import SelfCheck

    check = SelfCheck(module, key, f"Question {key}?",
                      [(right, True, "Yes."), (wrong, False, "No.")], store=store)
    check.choice.value = right if correct else wrong
    check.button.click()
    return check


def write_reflection(store: LearnerStore, module: str, key: str, text: str) -> Any:
    """Write a reflection as a learner would: type in the box, which saves on blur."""
    from compass_widgets import Reflection

    reflection = Reflection(module, key, f"Prompt {key}?", store=store)
    reflection.box.value = text
    return reflection


def finish_module_00(store: LearnerStore) -> None:
    """Module 00: the one self-check right, the reflection written, the quick self-assessment."""
    from compass_widgets import CompassSelfAssessment

    answer_check(store, "00", "saving", "They are still there", "Lost", correct=True)
    write_reflection(store, "00", "starting-point", "We buy hours of care by the minute.")
    quick = CompassSelfAssessment(quick=True, store=store, module="00")
    for number, control in enumerate(quick.answer_controls.values()):
        control.value = 1 + number % 3


def half_module_02(store: LearnerStore) -> None:
    """Module 02: 3 of 4 self-checks right (one wrong), a hostile reflection, the analyser."""
    from compass_widgets import DemandAnalyser, load_contacts

    for number, (key, (right, wrong)) in enumerate(CHECKS_02.items()):
        answer_check(store, "02", key, right, wrong, correct=number != 3)
    write_reflection(store, "02", "failure-demand", HOSTILE)
    tool = DemandAnalyser(load_contacts(), store=store, module="02")
    tool.service = "Waste and recycling"


def use_every_tool(store: LearnerStore) -> dict[str, str]:
    """Use each of the eleven course tools in its own module and change one thing in it.

    Returns ``{tool name: module}``.
    """
    import compass_widgets as cw

    sorter = cw.SituationSorter(cw.load_vignettes(), store=store, module="03")
    sorter.domain = "complex"
    journeys = cw.JourneyMap(store=store, module="04")
    journeys.step = 2
    assets = cw.AssetMap(store=store, module="05", neighbourhood="Station Fields")
    assets.view = "needs"
    audit = cw.ProcessAudit(store=store, module="06")
    next(iter(audit.score_controls.values())).value = 3
    immune = cw.ImmuneResponse(store=store, module="07")
    immune.delegated_authority = 0.8
    measures = cw.MeasureExplorer(store=store, module="08")
    measures.measure = next(m for m in _options(measures, "measure") if m != measures.measure)
    measures.quarter = next(q for q in _options(measures, "quarter") if q != measures.quarter)
    routes = cw.RouteChooser(store=store, module="09")
    routes.is_grant = not routes.is_grant
    steward = cw.StewardshipSimulator(store=store, module="10")
    steward.b_discretion = 0.9
    full = cw.CompassSelfAssessment(store=store, module="11")
    first, second = list(full.answer_controls.values())[:2]
    first.value, second.value = 4, 2
    full.plan_control.value = "Purpose"
    full.plan_boxes["days-1-30"].value = "Ask ten residents what a good week looks like."
    portfolio = cw.ContractPortfolio(store=store, module="01")
    portfolio.split = next(s for s in _options(portfolio, "split") if s != portfolio.split)
    half_module_02(store)
    finish_module_00(store)
    return {"ContractPortfolio": "01", "DemandAnalyser": "02", "SituationSorter": "03",
            "JourneyMap": "04", "AssetMap": "05", "ProcessAudit": "06", "ImmuneResponse": "07",
            "MeasureExplorer": "08", "RouteChooser": "09", "StewardshipSimulator": "10",
            "CompassSelfAssessment": "11"}


def _options(widget: Any, trait: str) -> list[Any]:
    """Return the values a dropdown or toggle linked to ``trait`` offers."""
    control = getattr(widget, f"{trait}_control")
    return [value for _, value in control.options] if isinstance(
        control.options[0], tuple) else list(control.options)
