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
}

__all__ = [
    "CompassDataError",
    "DemandAnalyser",
    "DemandAnalysis",
    "LearnerStore",
    "Reflection",
    "SelfCheck",
    "demand_breakdown",
    "demand_trend",
    "load_contacts",
    "summarise_breakdown",
    "summarise_trend",
]

if TYPE_CHECKING:
    from .charts.demand import demand_breakdown, demand_trend, summarise_breakdown, summarise_trend
    from .datasets import load_contacts
    from .errors import CompassDataError
    from .models.demand import DemandAnalysis
    from .store import LearnerStore
    from .widgets.demand import DemandAnalyser
    from .widgets.learning import Reflection, SelfCheck


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'compass_widgets' has no attribute {name!r}")
    value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
