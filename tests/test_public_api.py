"""Tests for the public surface of compass_widgets: what ``__all__`` promises, and cheap import."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pytest

import compass_widgets

EXPECTED = [
    "ActionPlan",
    "AssetAnalysis",
    "AssetMap",
    "CommissioningAnswers",
    "CompassDataError",
    "CompassSelfAssessment",
    "ContractPortfolio",
    "DemandAnalyser",
    "DemandAnalysis",
    "EscalationModel",
    "ImmuneResponse",
    "ImmuneResponseModel",
    "JourneyAnalysis",
    "JourneyMap",
    "LearnerStore",
    "MeasureAnalysis",
    "MeasureExplorer",
    "PortfolioAnalysis",
    "ProcessAudit",
    "Reflection",
    "RouteChooser",
    "SelfAssessment",
    "SelfCheck",
    "SituationSorter",
    "SortingExercise",
    "StewardshipModel",
    "StewardshipSimulator",
    "TraumaInformedAudit",
    "acceptance_chart",
    "agreement_chart",
    "asset_counts",
    "asset_network",
    "assignment_scores",
    "audit_heatmap",
    "check_situations",
    "compare_scenarios",
    "compliance_chart",
    "demand_breakdown",
    "demand_trend",
    "escalation_trend",
    "journey_layers",
    "journey_organisations",
    "journey_timeline",
    "journey_timeline_at",
    "kpi_outcome_map",
    "load_assets",
    "load_cohort_grades",
    "load_compass_cohort",
    "load_compass_statements",
    "load_contacts",
    "load_contracts",
    "load_journeys",
    "load_kpi_returns",
    "load_needs",
    "load_process_steps",
    "load_saved_self_assessment",
    "load_situations",
    "load_vignettes",
    "measure_ranking",
    "most_missed",
    "most_missed_questions",
    "needs_and_assets",
    "needs_profile",
    "objective_scores",
    "principle_chart",
    "room_trend",
    "route_comparison",
    "route_path",
    "scores_by_assignment",
    "scores_by_objective",
    "self_assessment_chart",
    "setting_leverage",
    "sorting_matrix",
    "spend_split",
    "spend_trend",
    "stock_trends",
    "students_behind",
    "summarise_acceptance",
    "summarise_agreement",
    "summarise_asset_counts",
    "summarise_asset_network",
    "summarise_assignment_scores",
    "summarise_audit",
    "summarise_breakdown",
    "summarise_compliance",
    "summarise_escalation_trend",
    "summarise_journey_layers",
    "summarise_journey_organisations",
    "summarise_journey_timeline",
    "summarise_kpi_outcome",
    "summarise_leverage",
    "summarise_matrix",
    "summarise_most_missed",
    "summarise_needs_and_assets",
    "summarise_needs_profile",
    "summarise_objectives",
    "summarise_principles",
    "summarise_ranking",
    "summarise_room",
    "summarise_route",
    "summarise_route_comparison",
    "summarise_self_assessment",
    "summarise_spend",
    "summarise_spend_split",
    "summarise_stocks",
    "summarise_trend",
    "summarise_waiting_times",
    "waiting_times",
]


def test_all_is_exactly_the_public_names():
    assert compass_widgets.__all__ == EXPECTED


@pytest.mark.parametrize("name", EXPECTED)
def test_every_public_name_imports(name):
    module = importlib.import_module("compass_widgets")
    value = getattr(module, name)
    assert value is not None
    assert getattr(value, "__name__", name) == name
    namespace: dict[str, object] = {}
    exec(f"from compass_widgets import {name}", namespace)
    assert namespace[name] is value


def test_public_names_are_the_objects_of_their_modules():
    from compass_widgets.models.demand import DemandAnalysis
    from compass_widgets.widgets.demand import DemandAnalyser

    assert compass_widgets.DemandAnalysis is DemandAnalysis
    assert compass_widgets.DemandAnalyser is DemandAnalyser


def test_unknown_name_raises_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'DemandAnalyzer'"):
        compass_widgets.DemandAnalyzer  # noqa: B018  (the American spelling is not public)


def test_dir_lists_the_public_names():
    assert set(EXPECTED) <= set(dir(compass_widgets))


def test_version_is_a_string():
    assert compass_widgets.__version__ == "0.1.0"


def _modules_after(code: str) -> dict[str, bool]:
    script = (
        f"import sys, json\n{code}\n"
        "print(json.dumps({m: m in sys.modules for m in ('pandas', 'altair', 'ipywidgets')}))"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True, timeout=60)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_importing_the_package_imports_no_heavy_library():
    assert _modules_after("import compass_widgets") == {
        "pandas": False, "altair": False, "ipywidgets": False,
    }


def test_store_and_errors_stay_light():
    loaded = _modules_after(
        "import compass_widgets\ncompass_widgets.LearnerStore\ncompass_widgets.CompassDataError")
    assert loaded == {"pandas": False, "altair": False, "ipywidgets": False}


def test_heavy_library_is_loaded_on_first_use():
    loaded = _modules_after("import compass_widgets\ncompass_widgets.DemandAnalysis")
    assert loaded["pandas"] is True
    assert loaded["ipywidgets"] is False
