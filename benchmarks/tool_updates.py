"""Every control of every course tool, on the shipped data: how long an update takes.

An update is the time from a control's value changing (as the browser would set
it) to the tool's figures, sentences and chart specs being ready. The budget is
50 ms median for each tool. Each tool's controls are found by walking its widget
tree, so a new control is measured without changing this script. The baseline, in
the same run, is setting the value of a bare ipywidgets control with no observers:
the ratio is what our models, charts and saving add to ipywidgets itself.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from typing import Any

import ipywidgets as w

import compass_widgets as cw
from compass_widgets.store import LearnerStore

ROUNDS = 3  # passes over each control's values


def tools(store: LearnerStore) -> dict[str, Callable[[], w.Widget]]:
    """Each tool as a learner meets it: shipped data, saving its state to a store."""
    found = {
        "DemandAnalyser": lambda: cw.DemandAnalyser(cw.load_contacts(), store=store, module="b"),
        "SituationSorter": lambda: cw.SituationSorter(cw.load_vignettes(), store=store, module="b"),
        "RouteChooser": lambda: cw.RouteChooser(store=store, module="b"),
        "ProcessAudit": lambda: cw.ProcessAudit(store=store, module="b"),
        "ImmuneResponse": lambda: cw.ImmuneResponse(store=store, module="b"),
        "StewardshipSimulator": lambda: cw.StewardshipSimulator(store=store, module="b"),
        "CompassSelfAssessment": lambda: cw.CompassSelfAssessment(store=store, module="b"),
    }
    optional = {  # tools whose public names may not exist in an older checkout
        "ContractPortfolio": lambda: cw.ContractPortfolio(store=store, module="b"),
        "MeasureExplorer": lambda: cw.MeasureExplorer(store=store, module="b"),
        "JourneyMap": lambda: cw.JourneyMap(store=store, module="b"),
        "AssetMap": lambda: cw.AssetMap(store=store, module="b"),
    }
    for name, make in optional.items():
        if name in cw.__all__:
            found[name] = make
    return found


def controls(widget: w.Widget) -> Iterator[w.Widget]:
    """Every control a learner can change, depth first."""
    if isinstance(widget, w.ValueWidget) and not isinstance(widget, w.Text | w.Textarea | w.HTML):
        if getattr(widget, "description", "") and not getattr(widget, "disabled", False):
            yield widget
    for child in getattr(widget, "children", ()):
        yield from controls(child)


def values(control: w.Widget) -> list[Any]:
    """A few values to cycle through, ending where the control started."""
    start = control.value
    if hasattr(control, "options") and not isinstance(control, w.SelectMultiple):
        options = [v for _, v in control._options_full] if hasattr(control, "_options_full") \
            else list(control.options)
        picks = [o for o in options if o != start][:3]
    elif isinstance(control, w.Checkbox | w.ToggleButton):
        picks = [not start]
    elif hasattr(control, "min") and hasattr(control, "max"):
        picks = [v for v in (control.min, control.max, (control.min + control.max) / 2)
                 if v != start]
        if isinstance(start, int):
            picks = [int(v) for v in picks]
    else:
        picks = []
    return [*picks, start] if picks else []


def time_tool(make: Callable[[], w.Widget]) -> tuple[list[float], str, float]:
    tool = make()
    times: list[float] = []
    worst_name, worst = "", 0.0
    for control in list(controls(tool)):
        own: list[float] = []
        for _ in range(ROUNDS):
            for value in values(control):
                start = time.perf_counter()
                control.value = value
                own.append((time.perf_counter() - start) * 1000)
        if own:
            times += own
            if statistics.median(own) > worst:
                worst_name, worst = control.description, statistics.median(own)
    return times, worst_name, worst


def baseline_ms() -> float:
    bare = w.Dropdown(options=["a", "b", "c"], description="Bare")
    times = []
    for i in range(300):
        start = time.perf_counter()
        bare.value = "abc"[i % 3]
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    base = baseline_ms()
    print(f"baseline: a bare ipywidgets Dropdown change, median {base:.3f} ms")
    print(f"{'tool':<24}{'changes':>8}{'median ms':>11}{'p90 ms':>9}{'ratio':>10}"
          "   slowest control")
    with tempfile.TemporaryDirectory() as home:
        for name, make in tools(LearnerStore(home)).items():
            times, worst_name, worst = time_tool(make)
            median = statistics.median(times)
            p90 = statistics.quantiles(times, n=10)[-1]
            print(f"{name:<24}{len(times):>8}{median:>11.1f}{p90:>9.1f}{median / base:>10.0f}   "
                  f"{worst_name} ({worst:.1f} ms median)")


if __name__ == "__main__":
    main()
