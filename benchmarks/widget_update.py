"""How long a DemandAnalyser update takes (budget: 50 ms on the shipped data, 500 ms on 100k rows).

An update is what happens between a learner changing a control and the new
figures and chart specs being ready to send to the browser. The baseline, in the
same run, is the model alone recomputing the same figures, so the ratio shows
what the charts and the widget add.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import pandas as pd

from compass_widgets import DemandAnalyser, DemandAnalysis, load_contacts

ROUNDS = 15


def timed(action: Callable[..., object], *args: object) -> float:
    start = time.perf_counter()
    action(*args)
    return (time.perf_counter() - start) * 1000


def run(contacts: pd.DataFrame, budget_ms: int) -> None:
    analyser = DemandAnalyser(contacts)
    base = DemandAnalysis(contacts)
    services = ["Housing repairs", "Benefits", "All"]
    channels = ["Phone", "Email", "All"]

    def model_only(service: str, channel: str) -> None:
        a = base.filter(service=service, channel=channel)
        a.failure_share(), a.failure_cost(), a.by_month(), a.top_failure_reasons(5)
        a.filter(service="All").by_service()

    cases: dict[str, list[float]] = {
        "baseline: model only (filter + every figure)": [],
        "Service dropdown": [],
        "Channel dropdown": [],
        "£ per minute": [],
        "Reclassify a reason": [],
    }
    for i in range(ROUNDS):
        service, channel = services[i % 3], channels[i % 3]
        cases["baseline: model only (filter + every figure)"].append(
            timed(model_only, service, channel))
        cases["Service dropdown"].append(
            timed(setattr, analyser.service_control, "value", service))
        cases["Channel dropdown"].append(
            timed(setattr, analyser.channel_control, "value", channel))
        cases["£ per minute"].append(
            timed(setattr, analyser.cost_control, "value", 0.5 + 0.05 * (i % 4 + 1)))
        analyser.reason_control.value = "Tell us about a move"
        kind = "failure" if analyser.kind_control.value == "value" else "value"
        cases["Reclassify a reason"].append(
            timed(setattr, analyser.kind_control, "value", kind))

    baseline = statistics.median(cases["baseline: model only (filter + every figure)"])
    print(f"DemandAnalyser on {len(contacts):,} contacts, {ROUNDS} rounds; budget {budget_ms} ms")
    for name, times in cases.items():
        median = statistics.median(times)
        worst = max(times)
        print(f"{name:<46} median {median:6.1f} ms   max {worst:6.1f} ms   "
              f"ratio to baseline {median / baseline:5.2f}")


def main() -> None:
    contacts = load_contacts()
    run(contacts, budget_ms=50)
    run(pd.concat([contacts] * 20, ignore_index=True), budget_ms=500)


if __name__ == "__main__":
    main()
