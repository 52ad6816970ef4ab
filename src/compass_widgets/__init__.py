"""compass_widgets: the interactive tools of the compass commissioning course.

Everything a notebook needs is importable from here, for example::

    from compass_widgets import DemandAnalyser, load_contacts

Names are loaded on first use, so ``import compass_widgets`` stays cheap; the
heavier libraries (pandas, altair, ipywidgets) are imported only when a tool that
needs them is first touched.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> module that defines it
_EXPORTS = {
    "CompassDataError": "errors",
    "load_contacts": "datasets",
    "LearnerStore": "store",
    "DemandAnalysis": "models.demand",
    "demand_trend": "charts.demand",
    "demand_breakdown": "charts.demand",
    "summarise_trend": "charts.demand",
    "summarise_breakdown": "charts.demand",
    "DemandAnalyser": "widgets.demand",
    "SelfCheck": "widgets.learning",
    "Reflection": "widgets.learning",
    "load_vignettes": "data.vignettes",
    "SortingExercise": "models.cynefin",
    "EscalationModel": "models.cynefin",
    "agreement_chart": "charts.cynefin",
    "sorting_matrix": "charts.cynefin",
    "escalation_trend": "charts.cynefin",
    "route_comparison": "charts.cynefin",
    "summarise_agreement": "charts.cynefin",
    "summarise_matrix": "charts.cynefin",
    "summarise_escalation_trend": "charts.cynefin",
    "summarise_route_comparison": "charts.cynefin",
    "SituationSorter": "widgets.cynefin",
    "load_process_steps": "data.process_steps",
    "TraumaInformedAudit": "models.process_audit",
    "audit_heatmap": "charts.process_audit",
    "principle_chart": "charts.process_audit",
    "summarise_audit": "charts.process_audit",
    "summarise_principles": "charts.process_audit",
    "ProcessAudit": "widgets.process_audit",
    "ImmuneResponseModel": "models.immune_response",
    "room_trend": "charts.immune_response",
    "setting_leverage": "charts.immune_response",
    "summarise_room": "charts.immune_response",
    "summarise_leverage": "charts.immune_response",
    "ImmuneResponse": "widgets.immune_response",
    "load_situations": "data.situations",
    "CommissioningAnswers": "models.routes",
    "check_situations": "models.routes",
    "route_path": "charts.routes",
    "summarise_route": "charts.routes",
    "RouteChooser": "widgets.routes",
    "StewardshipModel": "models.stewardship",
    "compare_scenarios": "models.stewardship",
    "stock_trends": "charts.stewardship",
    "spend_trend": "charts.stewardship",
    "summarise_stocks": "charts.stewardship",
    "summarise_spend": "charts.stewardship",
    "StewardshipSimulator": "widgets.stewardship",
    "load_compass_statements": "data.compass_statements",
    "load_compass_cohort": "data.compass_cohort",
    "SelfAssessment": "models.self_assessment",
    "ActionPlan": "models.self_assessment",
    "load_saved_self_assessment": "models.self_assessment",
    "self_assessment_chart": "charts.self_assessment",
    "summarise_self_assessment": "charts.self_assessment",
    "CompassSelfAssessment": "widgets.self_assessment",
    "load_contracts": "data.contracts",
    "PortfolioAnalysis": "models.portfolio",
    "spend_split": "charts.portfolio",
    "kpi_outcome_map": "charts.portfolio",
    "compliance_chart": "charts.portfolio",
    "summarise_spend_split": "charts.portfolio",
    "summarise_kpi_outcome": "charts.portfolio",
    "summarise_compliance": "charts.portfolio",
    "ContractPortfolio": "widgets.portfolio",
    "load_kpi_returns": "data.kpi_returns",
    "MeasureAnalysis": "models.measures",
    "measure_ranking": "charts.measures",
    "waiting_times": "charts.measures",
    "acceptance_chart": "charts.measures",
    "summarise_ranking": "charts.measures",
    "summarise_waiting_times": "charts.measures",
    "summarise_acceptance": "charts.measures",
    "MeasureExplorer": "widgets.measures",
    "load_journeys": "data.journeys",
    "JourneyAnalysis": "models.journeys",
    "journey_timeline": "charts.journeys",
    "journey_timeline_at": "charts.journeys",
    "journey_layers": "charts.journeys",
    "journey_organisations": "charts.journeys",
    "summarise_journey_timeline": "charts.journeys",
    "summarise_journey_layers": "charts.journeys",
    "summarise_journey_organisations": "charts.journeys",
    "JourneyMap": "widgets.journeys",
    "load_assets": "data.assets",
    "load_needs": "data.needs",
    "AssetAnalysis": "models.assets",
    "asset_counts": "charts.assets",
    "asset_network": "charts.assets",
    "needs_profile": "charts.assets",
    "needs_and_assets": "charts.assets",
    "summarise_asset_counts": "charts.assets",
    "summarise_asset_network": "charts.assets",
    "summarise_needs_profile": "charts.assets",
    "summarise_needs_and_assets": "charts.assets",
    "AssetMap": "widgets.assets",
    "load_cohort_grades": "models.cohort",
    "scores_by_assignment": "models.cohort",
    "scores_by_objective": "models.cohort",
    "students_behind": "models.cohort",
    "most_missed": "models.cohort",
    "assignment_scores": "charts.cohort",
    "objective_scores": "charts.cohort",
    "most_missed_questions": "charts.cohort",
    "summarise_assignment_scores": "charts.cohort",
    "summarise_objectives": "charts.cohort",
    "summarise_most_missed": "charts.cohort",
}

__all__ = [
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

if TYPE_CHECKING:
    from .charts.assets import (
        asset_counts,
        asset_network,
        needs_and_assets,
        needs_profile,
        summarise_asset_counts,
        summarise_asset_network,
        summarise_needs_and_assets,
        summarise_needs_profile,
    )
    from .charts.cohort import (
        assignment_scores,
        most_missed_questions,
        objective_scores,
        summarise_assignment_scores,
        summarise_most_missed,
        summarise_objectives,
    )
    from .charts.cynefin import (
        agreement_chart,
        escalation_trend,
        route_comparison,
        sorting_matrix,
        summarise_agreement,
        summarise_escalation_trend,
        summarise_matrix,
        summarise_route_comparison,
    )
    from .charts.demand import demand_breakdown, demand_trend, summarise_breakdown, summarise_trend
    from .charts.immune_response import (
        room_trend,
        setting_leverage,
        summarise_leverage,
        summarise_room,
    )
    from .charts.journeys import (
        journey_layers,
        journey_organisations,
        journey_timeline,
        journey_timeline_at,
        summarise_journey_layers,
        summarise_journey_organisations,
        summarise_journey_timeline,
    )
    from .charts.measures import (
        acceptance_chart,
        measure_ranking,
        summarise_acceptance,
        summarise_ranking,
        summarise_waiting_times,
        waiting_times,
    )
    from .charts.portfolio import (
        compliance_chart,
        kpi_outcome_map,
        spend_split,
        summarise_compliance,
        summarise_kpi_outcome,
        summarise_spend_split,
    )
    from .charts.process_audit import (
        audit_heatmap,
        principle_chart,
        summarise_audit,
        summarise_principles,
    )
    from .charts.routes import route_path, summarise_route
    from .charts.self_assessment import self_assessment_chart, summarise_self_assessment
    from .charts.stewardship import spend_trend, stock_trends, summarise_spend, summarise_stocks
    from .data.assets import load_assets
    from .data.compass_cohort import load_compass_cohort
    from .data.compass_statements import load_compass_statements
    from .data.contracts import load_contracts
    from .data.journeys import load_journeys
    from .data.kpi_returns import load_kpi_returns
    from .data.needs import load_needs
    from .data.process_steps import load_process_steps
    from .data.situations import load_situations
    from .data.vignettes import load_vignettes
    from .datasets import load_contacts
    from .errors import CompassDataError
    from .models.assets import AssetAnalysis
    from .models.cohort import (
        load_cohort_grades,
        most_missed,
        scores_by_assignment,
        scores_by_objective,
        students_behind,
    )
    from .models.cynefin import EscalationModel, SortingExercise
    from .models.demand import DemandAnalysis
    from .models.immune_response import ImmuneResponseModel
    from .models.journeys import JourneyAnalysis
    from .models.measures import MeasureAnalysis
    from .models.portfolio import PortfolioAnalysis
    from .models.process_audit import TraumaInformedAudit
    from .models.routes import CommissioningAnswers, check_situations
    from .models.self_assessment import ActionPlan, SelfAssessment, load_saved_self_assessment
    from .models.stewardship import StewardshipModel, compare_scenarios
    from .store import LearnerStore
    from .widgets.assets import AssetMap
    from .widgets.cynefin import SituationSorter
    from .widgets.demand import DemandAnalyser
    from .widgets.immune_response import ImmuneResponse
    from .widgets.journeys import JourneyMap
    from .widgets.learning import Reflection, SelfCheck
    from .widgets.measures import MeasureExplorer
    from .widgets.portfolio import ContractPortfolio
    from .widgets.process_audit import ProcessAudit
    from .widgets.routes import RouteChooser
    from .widgets.self_assessment import CompassSelfAssessment
    from .widgets.stewardship import StewardshipSimulator


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'compass_widgets' has no attribute {name!r}")
    value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
